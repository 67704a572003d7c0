//! One incoming request as the generic mock reads it: method, decoded path segments, query
//! pairs, headers and the whole (bounded) body; and the JSON body, parsed once.

use axum::body::Bytes;
use axum::http::HeaderMap;
use serde_json::Value;

/// A request, read.
#[derive(Debug, Clone)]
pub struct Incoming {
    /// Method, upper case.
    pub method: String,
    /// Percent-decoded path segments after the leading `/`.
    pub segments: Vec<String>,
    /// Query pairs, decoded.
    pub query: Vec<(String, String)>,
    /// Headers.
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Bytes,
}

impl Incoming {
    /// A header as text (visible ASCII only).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The first query value of `name`.
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A cookie's value.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.headers
            .get_all("cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v)
    }

    /// The body as JSON (`None`: empty or not JSON).
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The media type of the Content-Type header, lower case, without parameters.
    pub fn media_type(&self) -> Option<String> {
        self.header("content-type")
            .and_then(|v| v.split(';').next())
            .map(|m| m.trim().to_ascii_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_query_and_media_type() {
        let mut h = HeaderMap::new();
        h.insert("cookie", "a=1; key=k2".parse().expect("value"));
        h.insert(
            "content-type",
            "Application/JSON; charset=utf-8".parse().expect("value"),
        );
        let r = Incoming {
            method: "GET".into(),
            segments: vec![],
            query: vec![("limit".into(), "5".into())],
            headers: h,
            body: Bytes::from_static(b"{\"a\":1}"),
        };
        assert_eq!(r.cookie("key"), Some("k2"));
        assert_eq!(r.cookie("b"), None);
        assert_eq!(r.query("limit"), Some("5"));
        assert_eq!(r.media_type().as_deref(), Some("application/json"));
        assert_eq!(r.json(), Some(serde_json::json!({"a": 1})));
    }
}
