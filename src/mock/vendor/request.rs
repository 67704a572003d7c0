//! One incoming request as the vendor handlers see it: method, decoded path segments, headers,
//! query and the whole (bounded) body.

use axum::body::Bytes;
use axum::http::{HeaderMap, Method};

/// A request, read.
#[derive(Debug)]
pub struct Req {
    /// Method.
    pub method: Method,
    /// Headers.
    pub headers: HeaderMap,
    /// Query pairs, decoded.
    pub query: Vec<(String, String)>,
    /// Body bytes.
    pub body: Bytes,
}

impl Req {
    /// A header as text, if present and visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}
