//! A credential ready to put on a request. Its `Debug` shows where it goes, never its value.

use crate::contract::auth::SignerName;

/// A credential ready to put on a request.
#[derive(Clone, PartialEq, Eq)]
pub enum Credential {
    /// A header (`Authorization: Bearer …`, `X-API-Key: …`, `X-Auth-Token: …`).
    Header {
        /// Header name.
        name: String,
        /// Its whole value (with any prefix).
        value: String,
    },
    /// A query parameter.
    Query {
        /// Parameter name.
        name: String,
        /// Value (not yet encoded).
        value: String,
    },
    /// A cookie, merged with any `Cookie` header the request has.
    Cookie {
        /// Cookie name.
        name: String,
        /// Value (not yet encoded).
        value: String,
    },
    /// A token plus a per-request signature made with a secret.
    Signed {
        /// Which signer.
        signer: SignerName,
        /// Access token.
        token: String,
        /// Secret the signature is made with.
        secret: String,
    },
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credential::Header { name, .. } => write!(f, "Header({name}: [REDACTED])"),
            Credential::Query { name, .. } => write!(f, "Query({name}=[REDACTED])"),
            Credential::Cookie { name, .. } => write!(f, "Cookie({name}=[REDACTED])"),
            Credential::Signed { signer, .. } => write!(f, "Signed({signer:?}, [REDACTED])"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let all = [
            Credential::Header {
                name: "Authorization".into(),
                value: "Bearer s3cr3t-value".into(),
            },
            Credential::Query {
                name: "api_key".into(),
                value: "s3cr3t-value".into(),
            },
            Credential::Cookie {
                name: "sid".into(),
                value: "s3cr3t-value".into(),
            },
            Credential::Signed {
                signer: SignerName::EnosApim,
                token: "s3cr3t-value".into(),
                secret: "s3cr3t-value".into(),
            },
        ];
        for c in all {
            let shown = format!("{c:?}");
            assert!(!shown.contains("s3cr3t"), "{shown}");
            assert!(shown.contains("[REDACTED]"), "{shown}");
        }
    }
}
