//! A response as the checks see it.

use serde_json::Value;

use crate::secrets::Secrets;

/// What came back.
#[derive(Debug, Clone)]
pub struct Observed {
    /// HTTP status.
    pub status: u16,
    /// Response headers (lowercase names).
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
    /// The body as JSON, when it parses.
    pub json: Option<Value>,
    /// The secrets of the target that answered (none for a response made up by the harness).
    secrets: Secrets,
}

impl Observed {
    /// A response from its parts; the body is parsed as JSON when it can be.
    pub fn new(status: u16, headers: Vec<(String, String)>, body: Vec<u8>) -> Self {
        let json = serde_json::from_slice(&body).ok();
        Self {
            status,
            headers,
            body,
            json,
            secrets: Secrets::new(),
        }
    }

    /// The response, its body text redacted with `secrets` (those of the target it came from).
    #[must_use]
    pub fn with_secrets(mut self, secrets: Secrets) -> Self {
        self.secrets = secrets;
        self
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The media type of the Content-Type header, lowercase, without parameters.
    pub fn media_type(&self) -> Option<String> {
        self.header("content-type")
            .and_then(|c| c.split(';').next())
            .map(|m| m.trim().to_ascii_lowercase())
    }

    /// A top-level body field.
    pub fn field(&self, name: &str) -> Option<&Value> {
        self.json
            .as_ref()
            .and_then(|j| crate::contract::pointer::get(j, name))
    }

    /// The body as text with every secret of its target redacted, then cut to `max`
    /// characters (redacting first, so that no part of a secret survives at the cut).
    pub fn body_text(&self, max: usize) -> String {
        let text = self.secrets.redact(&String::from_utf8_lossy(&self.body));
        let n = text.chars().count();
        if n > max {
            format!(
                "{}… ({} bytes in all)",
                text.chars().take(max).collect::<String>(),
                self.body.len()
            )
        } else {
            text
        }
    }
}
