//! Every secret the harness handles (credential values, obtained tokens) is registered here,
//! and everything it prints, snapshots or writes passes through [`redact`].

use std::sync::{Mutex, OnceLock};

fn registry() -> &'static Mutex<Vec<String>> {
    static SECRETS: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
    SECRETS.get_or_init(|| Mutex::new(Vec::new()))
}

/// The placeholder that replaces secrets.
pub const REDACTED: &str = "[REDACTED]";

/// Registers a secret with every spelling it may take on the wire or in an echo (see
/// [`crate::secret_forms::forms`]); values shorter than 4 characters are too common to redact
/// safely.
pub fn register(secret: &str) {
    if secret.chars().count() < 4 {
        return;
    }
    add_forms(crate::secret_forms::forms(secret));
}

fn add_forms(forms: Vec<String>) {
    let mut r = registry()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    for form in forms {
        if form.len() >= 4 && !r.contains(&form) {
            r.push(form);
        }
    }
    // Longest first, so that a secret containing another is replaced whole.
    r.sort_by_key(|s| std::cmp::Reverse(s.len()));
}

/// `url` without its `user:password@`, whose password (and Basic form) is registered as a
/// secret: userinfo is never printed and never sent (no Basic header behind the user's back).
pub fn strip_userinfo(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let Some(at) = authority.rfind('@') else {
        return url.to_string();
    };
    let userinfo = &authority[..at];
    let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    for part in [userinfo, password] {
        register(part);
        register(&decode(part));
    }
    add_forms(crate::secret_forms::basic_forms(
        &decode(user),
        &decode(password),
    ));
    format!("{scheme}://{}{tail}", &authority[at + 1..])
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
    fn userinfo_is_stripped_and_its_password_redacted() {
        let url = strip_userinfo("https://deploy:pa%2Fss-word-9@staging.example.com:8443/api?x=1");
        assert_eq!(url, "https://staging.example.com:8443/api?x=1");
        assert_eq!(redact("echo pa/ss-word-9"), format!("echo {REDACTED}"));
        assert_eq!(redact("echo pa%2Fss-word-9"), format!("echo {REDACTED}"));
        assert_eq!(strip_userinfo("http://host/a@b"), "http://host/a@b");
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
