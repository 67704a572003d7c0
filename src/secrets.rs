//! The secrets of one target (credential values, userinfo, obtained tokens), and their
//! redaction: everything the harness prints, snapshots or writes about that target passes
//! through [`Secrets::redact`].
//!
//! A [`Secrets`] registry is owned by the target it belongs to (no process-wide registry): two
//! targets in one process never share, or leak into each other's reports, their secrets.

use std::sync::{Arc, PoisonError, RwLock};

/// The placeholder that replaces secrets.
pub const REDACTED: &str = "[REDACTED]";

/// A registry of secrets, shared by the clones of one handle (the target, its suite, its
/// token flows and its reporters).
#[derive(Clone, Default)]
pub struct Secrets {
    /// Every registered spelling, longest first, so that a secret containing another is
    /// replaced whole.
    forms: Arc<RwLock<Vec<String>>>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The secrets themselves are never shown, not even in a debug print.
        f.debug_struct("Secrets")
            .field("registered", &self.read().len())
            .finish()
    }
}

impl Secrets {
    /// An empty registry.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a secret with every spelling it may take on the wire or in an echo (see
    /// [`crate::secret_forms::forms`]); values shorter than 4 characters are too common to
    /// redact safely.
    pub fn register(&self, secret: &str) {
        if secret.chars().count() < 4 {
            return;
        }
        self.add_forms(crate::secret_forms::forms(secret));
    }

    fn add_forms(&self, forms: Vec<String>) {
        let mut r = self.forms.write().unwrap_or_else(PoisonError::into_inner);
        let before = r.len();
        for form in forms {
            if form.len() >= 4 && !r.contains(&form) {
                r.push(form);
            }
        }
        if r.len() != before {
            r.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Vec<String>> {
        self.forms.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// `url` without its `user:password@`, whose parts (and Basic form) are registered as
    /// secrets: userinfo is never printed and never sent (no Basic header behind the user's
    /// back).
    pub fn strip_userinfo(&self, url: &str) -> String {
        let Some(Userinfo {
            stripped,
            userinfo,
            user,
            password,
        }) = split_userinfo(url)
        else {
            return url.to_string();
        };
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        for part in [&userinfo, &password] {
            self.register(part);
            self.register(&decode(part));
        }
        self.add_forms(crate::secret_forms::basic_forms(
            &decode(&user),
            &decode(&password),
        ));
        stripped
    }

    /// `text` with every registered secret replaced.
    #[must_use]
    pub fn redact(&self, text: &str) -> String {
        let r = self.read();
        let mut out = text.to_string();
        for s in r.iter() {
            if out.contains(s.as_str()) {
                out = out.replace(s.as_str(), REDACTED);
            }
        }
        out
    }
}

/// `url` without its `user:password@`, registering nothing: for a value that is refused (and
/// shown in the refusal) before any target, and so any registry, exists.
#[must_use]
pub fn without_userinfo(url: &str) -> String {
    split_userinfo(url).map_or_else(|| url.to_string(), |u| u.stripped)
}

/// A URL's userinfo, its parts still percent-encoded, and the URL without it.
struct Userinfo {
    stripped: String,
    userinfo: String,
    user: String,
    password: String,
}

/// `None` when `url` has no userinfo.
fn split_userinfo(url: &str) -> Option<Userinfo> {
    let (scheme, rest) = url.split_once("://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let at = authority.rfind('@')?;
    let userinfo = &authority[..at];
    let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
    Some(Userinfo {
        stripped: format!("{scheme}://{}{tail}", &authority[at + 1..]),
        userinfo: userinfo.to_string(),
        user: user.to_string(),
        password: password.to_string(),
    })
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
        let s = Secrets::new();
        s.register("p@ss\"word/42");
        assert_eq!(
            s.redact(r#"{"pw":"p@ss\"word/42"}"#),
            format!(r#"{{"pw":"{REDACTED}"}}"#)
        );
        assert_eq!(s.redact("x=p%40ss%22word%2F42"), format!("x={REDACTED}"));
    }

    #[test]
    fn userinfo_is_stripped_and_its_password_redacted() {
        let s = Secrets::new();
        let url =
            s.strip_userinfo("https://deploy:pa%2Fss-word-9@staging.example.com:8443/api?x=1");
        assert_eq!(url, "https://staging.example.com:8443/api?x=1");
        assert_eq!(s.redact("echo pa/ss-word-9"), format!("echo {REDACTED}"));
        assert_eq!(s.redact("echo pa%2Fss-word-9"), format!("echo {REDACTED}"));
        assert_eq!(s.strip_userinfo("http://host/a@b"), "http://host/a@b");
        assert_eq!(
            without_userinfo("https://u:other-pass-77@h/p"),
            "https://h/p"
        );
        assert_eq!(s.redact("other-pass-77"), "other-pass-77");
    }

    #[test]
    fn registered_secrets_are_redacted() {
        let s = Secrets::new();
        s.register("s3cr3t-value-for-test");
        assert_eq!(
            s.redact("a s3cr3t-value-for-test b"),
            format!("a {REDACTED} b")
        );
        assert!(is_secret_header("Authorization"));
        assert!(!is_secret_header("content-type"));
        assert_eq!(s.redact("abc"), "abc");
    }

    #[test]
    fn registries_do_not_share_secrets() {
        let (a, b) = (Secrets::new(), Secrets::new());
        a.register("secret-of-target-a");
        assert_eq!(a.redact("secret-of-target-a"), REDACTED);
        assert_eq!(b.redact("secret-of-target-a"), "secret-of-target-a");
        let clone = b.clone();
        clone.register("secret-of-target-b");
        assert_eq!(b.redact("secret-of-target-b"), REDACTED);
        assert!(!format!("{b:?}").contains("secret-of-target-b"));
    }
}
