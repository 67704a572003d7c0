//! Every secret the harness handles (credential values, obtained tokens) is registered here,
//! and everything it prints, snapshots or writes passes through [`redact`].

use std::sync::{Mutex, OnceLock};

fn registry() -> &'static Mutex<Vec<String>> {
    static SECRETS: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
    SECRETS.get_or_init(|| Mutex::new(Vec::new()))
}

/// The placeholder that replaces secrets.
pub const REDACTED: &str = "[REDACTED]";

/// Registers a secret, with the forms it takes inside JSON strings and URLs (values shorter
/// than 4 characters are too common to redact safely).
pub fn register(secret: &str) {
    if secret.len() < 4 {
        return;
    }
    let quoted = serde_json::to_string(secret).unwrap_or_default();
    let in_json = quoted
        .strip_prefix('"')
        .and_then(|q| q.strip_suffix('"'))
        .unwrap_or(secret)
        .to_string();
    let in_url = percent_encoding::utf8_percent_encode(secret, percent_encoding::NON_ALPHANUMERIC)
        .to_string();
    let mut r = registry()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    for form in [secret.to_string(), in_json, in_url] {
        if !r.contains(&form) {
            r.push(form);
        }
    }
    // Longest first, so that a secret containing another is replaced whole.
    r.sort_by_key(|s| std::cmp::Reverse(s.len()));
}

/// `text` with every registered secret replaced.
pub fn redact(text: &str) -> String {
    let r = registry()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut out = text.to_string();
    for s in r.iter() {
        if out.contains(s.as_str()) {
            out = out.replace(s.as_str(), REDACTED);
        }
    }
    out
}

/// Header names whose values are always secret.
pub fn is_secret_header(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "authorization"
            | "x-auth-token"
            | "x-subject-token"
            | "apim-accesstoken"
            | "apim-signature"
            | "cookie"
            | "set-cookie"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_forms_are_redacted_too() {
        register("p@ss\"word/42");
        assert_eq!(
            redact(r#"{"pw":"p@ss\"word/42"}"#),
            format!(r#"{{"pw":"{REDACTED}"}}"#)
        );
        assert_eq!(redact("x=p%40ss%22word%2F42"), format!("x={REDACTED}"));
    }

    #[test]
    fn registered_secrets_are_redacted() {
        register("s3cr3t-value-for-test");
        assert_eq!(
            redact("a s3cr3t-value-for-test b"),
            format!("a {REDACTED} b")
        );
        assert!(is_secret_header("Authorization"));
        assert!(!is_secret_header("content-type"));
    }
}
