//! Small helpers the vendor handlers share: JSON responses, path segments, bounded bodies.

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// A JSON response with the given status.
pub fn json(status: u16, body: &Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut r = (status, body.to_string()).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=UTF-8"),
    );
    r
}

/// A response with an explicit content type (the fault catalogue uses it).
pub fn with_content_type(status: u16, body: String, content_type: &'static str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut r = (status, body).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

/// Adds the `Allow` header a 405 must carry.
pub fn allow(mut r: Response, methods: &'static str) -> Response {
    r.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(methods));
    r
}

/// An empty response.
pub fn empty(status: u16) -> Response {
    StatusCode::from_u16(status)
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
        .into_response()
}

/// Percent-decodes one path segment; `None` when it is not UTF-8.
pub fn segment(raw: &str) -> Option<String> {
    percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

/// Why a body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyError {
    /// Larger than the limit.
    TooLarge,
    /// The connection failed while reading.
    Broken,
}

/// Reads a body of at most `limit` bytes.
///
/// # Errors
/// [`BodyError::TooLarge`] past the limit.
pub async fn read(body: Body, limit: usize) -> Result<Bytes, BodyError> {
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        let text = e.to_string();
        if text.contains("length limit") || text.contains("too large") {
            BodyError::TooLarge
        } else {
            BodyError::Broken
        }
    })
}

/// Whether a Content-Type header says JSON (`application/json`, any parameters).
pub fn is_json(content_type: Option<&HeaderValue>) -> bool {
    content_type
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_decode_utf8_only() {
        assert_eq!(segment("a%20b").as_deref(), Some("a b"));
        assert_eq!(segment("%E4%B8%AD").as_deref(), Some("中"));
        assert_eq!(segment("%FF"), None);
    }

    #[test]
    fn json_content_types() {
        let v = HeaderValue::from_static("application/json; charset=utf-8");
        assert!(is_json(Some(&v)));
        assert!(!is_json(Some(&HeaderValue::from_static("text/plain"))));
        assert!(!is_json(None));
    }
}
