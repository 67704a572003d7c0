//! Every secret the harness handles (credential values, obtained tokens) is registered here,
//! and everything it prints, snapshots or writes passes through [`redact`].

use std::sync::{Mutex, OnceLock};

fn registry() -> &'static Mutex<Vec<String>> {
    static SECRETS: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
    SECRETS.get_or_init(|| Mutex::new(Vec::new()))
}

/// The placeholder that replaces secrets.
pub const REDACTED: &str = "[REDACTED]";

/// Registers a secret (values shorter than 4 characters are too common to redact safely).
pub fn register(secret: &str) {
    if secret.len() < 4 {
        return;
    }
    let mut r = registry()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if !r.iter().any(|s| s == secret) {
        r.push(secret.to_string());
        // Longest first, so that a secret containing another is replaced whole.
        r.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }
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
