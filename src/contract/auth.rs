//! Auth schemes as data: how a service's callers obtain and send credentials, declared in
//! `service.yaml` under `auth:`. Each scheme names the credential values a role supplies (the
//! target file maps them to environment variables) and which of them are secrets, so that
//! redaction follows the declaration rather than a list of names.
//!
//! ```yaml
//! auth: { scheme: bearer }                                  # Authorization: Bearer <token>
//! auth: { scheme: api_key, in: header, name: X-API-Key }    # <key> in a header, query or cookie
//! auth: { scheme: basic }                                   # Authorization: Basic <username:password>
//! auth:
//!   scheme: oauth2_client_credentials                       # client id and secret for a token
//!   token_path: /oauth/token                                # or token_url: https://…
//!   client_auth: body                                       # or basic
//!   scope: all
//!   token_pointer: /access_token
//!   lifetime_pointer: /expires_in
//!   default_lifetime_seconds: 3600
//! auth:
//!   scheme: token_request                                   # a request whose answer is the token
//!   request:
//!     method: POST
//!     path: /v3/auth/tokens
//!     content_type: application/json
//!     body: { user: "{{user}}", password: "{{password}}" }
//!   values: [user, password]
//!   secrets: [password]
//!   token: { header: X-Subject-Token }                      # or { pointer: /token }
//!   lifetime_seconds: 86400
//!   apply: { header: X-Auth-Token }                         # optionally prefix: "Bearer "
//! auth: { scheme: signed, signer: enos_apim, token_path: /apim-token-service/v2.0/token/get }
//! ```

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The credential flow of a service.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(tag = "scheme", rename_all = "snake_case", deny_unknown_fields)]
pub enum AuthScheme {
    /// A static token sent as `Authorization: Bearer <token>`. Values: `token` (secret).
    Bearer,
    /// A static key in a header, query parameter or cookie. Values: `key` (secret).
    ApiKey {
        /// Where the key goes.
        #[serde(rename = "in")]
        location: KeyLocation,
        /// Header, parameter or cookie name.
        name: String,
    },
    /// `Authorization: Basic base64(username:password)`. Values: `username`, `password`
    /// (secret).
    Basic,
    /// OAuth 2.0 client credentials grant, then `Authorization: Bearer`. Values: `client_id`,
    /// `client_secret` (secret).
    Oauth2ClientCredentials(Box<OAuth2>),
    /// A request template whose response yields the token, then applied as a named header.
    TokenRequest(Box<TokenRequest>),
    /// Request signing by a named signer (the only vendor code on the checking side).
    Signed(Signed),
}

/// Where an API key goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyLocation {
    /// A request header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie.
    Cookie,
}

/// Where a token endpoint is: a path on the service's base URL, or a full URL.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    /// A path on the service's base URL (or on the target's `auth_urls` entry).
    Path(String),
    /// A full URL (another host: an identity provider).
    Url(String),
}

/// How the client authenticates at an OAuth 2.0 token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientAuth {
    /// `client_id` and `client_secret` in the form body.
    #[default]
    Body,
    /// HTTP Basic with `client_id:client_secret`.
    Basic,
}

/// OAuth 2.0 client credentials.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OAuth2 {
    /// Token endpoint path on the service's base URL (exactly one of this and `token_url`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_path: Option<String>,
    /// Token endpoint URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_url: Option<String>,
    /// How the client authenticates.
    #[serde(default)]
    pub client_auth: ClientAuth,
    /// The `scope` parameter, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// JSON pointer of the token in the response.
    #[serde(default = "default_token_pointer")]
    pub token_pointer: String,
    /// JSON pointer of the lifetime in seconds.
    #[serde(default = "default_lifetime_pointer")]
    pub lifetime_pointer: String,
    /// Lifetime when the response gives none.
    #[serde(default = "default_lifetime")]
    pub default_lifetime_seconds: u64,
}

fn default_token_pointer() -> String {
    "/access_token".into()
}

fn default_lifetime_pointer() -> String {
    "/expires_in".into()
}

fn default_lifetime() -> u64 {
    3600
}

impl OAuth2 {
    /// The token endpoint.
    pub fn endpoint(&self) -> Endpoint {
        match (&self.token_url, &self.token_path) {
            (Some(u), _) => Endpoint::Url(u.clone()),
            (None, Some(p)) => Endpoint::Path(p.clone()),
            (None, None) => Endpoint::Path("/oauth/token".into()),
        }
    }
}

/// A token obtained by a templated request.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// The request; `{{value}}` in its path, headers and body strings names a credential value.
    pub request: TokenRequestTemplate,
    /// Credential values a role supplies.
    pub values: Vec<String>,
    /// Which of them are secrets.
    #[serde(default)]
    pub secrets: Vec<String>,
    /// Where the token is in the response.
    pub token: TokenSource,
    /// Lifetime in seconds, when the response does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifetime_seconds: Option<u64>,
    /// JSON pointer of the lifetime in the response, if it gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifetime_pointer: Option<String>,
    /// How the token is sent.
    pub apply: Apply,
}

/// The token request.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TokenRequestTemplate {
    /// HTTP method.
    #[serde(default = "default_method")]
    pub method: String,
    /// Path on the service's base URL (exactly one of this and `url`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Full URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Content-Type of the body (`application/json` or `application/x-www-form-urlencoded`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Other headers.
    #[serde(default)]
    pub headers: std::collections::BTreeMap<String, String>,
    /// The body (a JSON value; an object is form-encoded for a form Content-Type).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
}

fn default_method() -> String {
    "POST".into()
}

impl TokenRequestTemplate {
    /// The endpoint.
    pub fn endpoint(&self) -> Endpoint {
        match (&self.url, &self.path) {
            (Some(u), _) => Endpoint::Url(u.clone()),
            (None, Some(p)) => Endpoint::Path(p.clone()),
            (None, None) => Endpoint::Path("/".into()),
        }
    }
}

/// Where the token is in a response.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenSource {
    /// A response header.
    Header(String),
    /// A JSON pointer into the body.
    Pointer(String),
}

/// How a token is put on requests.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Apply {
    /// Header name.
    pub header: String,
    /// Text before the token (`"Bearer "`).
    #[serde(default)]
    pub prefix: String,
}

/// Request signing.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Signed {
    /// Which signer.
    pub signer: SignerName,
    /// Its token endpoint path.
    pub token_path: String,
}

/// The signers the checking side knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignerName {
    /// EnOS API gateway: `apim-accesstoken`, `apim-timestamp`, `apim-signature`.
    EnosApim,
}

impl SignerName {
    /// The name as written in `service.yaml`.
    pub fn name(self) -> &'static str {
        match self {
            SignerName::EnosApim => "enos_apim",
        }
    }

    /// The headers the signer puts on every request.
    pub fn headers(self) -> &'static [&'static str] {
        match self {
            SignerName::EnosApim => &["apim-accesstoken", "apim-timestamp", "apim-signature"],
        }
    }
}

impl AuthScheme {
    /// The credential values a role supplies under this scheme (a role may instead give a
    /// ready `token` for token-issuing schemes, as the `expired` role does).
    pub fn values(&self) -> Vec<String> {
        let v = |names: &[&str]| names.iter().map(|s| (*s).to_string()).collect();
        match self {
            AuthScheme::Bearer => v(&["token"]),
            AuthScheme::ApiKey { .. } => v(&["key"]),
            AuthScheme::Basic => v(&["username", "password"]),
            AuthScheme::Oauth2ClientCredentials(_) => v(&["client_id", "client_secret"]),
            AuthScheme::TokenRequest(t) => t.values.clone(),
            AuthScheme::Signed(s) => match s.signer {
                SignerName::EnosApim => v(&["app_key", "app_secret"]),
            },
        }
    }

    /// Whether a credential value is a secret (never printed, never snapshotted). A ready
    /// `token` always is.
    pub fn is_secret(&self, value: &str) -> bool {
        value == "token"
            || match self {
                AuthScheme::Bearer => false,
                AuthScheme::ApiKey { .. } => value == "key",
                AuthScheme::Basic => value == "password",
                AuthScheme::Oauth2ClientCredentials(_) => value == "client_secret",
                AuthScheme::TokenRequest(t) => t.secrets.iter().any(|s| s == value),
                AuthScheme::Signed(s) => match s.signer {
                    SignerName::EnosApim => value == "app_secret",
                },
            }
    }

    /// Whether the server issues tokens that expire (an `expired` role then makes sense).
    pub fn issues_tokens(&self) -> bool {
        matches!(
            self,
            AuthScheme::Bearer
                | AuthScheme::Oauth2ClientCredentials(_)
                | AuthScheme::TokenRequest(_)
                | AuthScheme::Signed(_)
        )
    }

    /// The scheme's name as written in `service.yaml`.
    pub fn name(&self) -> &'static str {
        match self {
            AuthScheme::Bearer => "bearer",
            AuthScheme::ApiKey { .. } => "api_key",
            AuthScheme::Basic => "basic",
            AuthScheme::Oauth2ClientCredentials(_) => "oauth2_client_credentials",
            AuthScheme::TokenRequest(_) => "token_request",
            AuthScheme::Signed(_) => "signed",
        }
    }
}

/// The value names `{{…}}` placeholders in `text` use, in order (a token request's template).
pub fn placeholders(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        out.push(after[..end].trim().to_string());
        rest = &after[end + 2..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn scheme(v: Value) -> AuthScheme {
        serde_json::from_value(v).expect("scheme")
    }

    #[test]
    fn every_scheme_reads_from_its_documented_form() {
        assert_eq!(scheme(json!({"scheme": "bearer"})), AuthScheme::Bearer);
        assert_eq!(
            scheme(json!({"scheme": "api_key", "in": "header", "name": "X-API-Key"})),
            AuthScheme::ApiKey {
                location: KeyLocation::Header,
                name: "X-API-Key".into()
            }
        );
        let AuthScheme::Oauth2ClientCredentials(o) = scheme(
            json!({"scheme": "oauth2_client_credentials", "token_path": "/t", "client_auth": "basic"}),
        ) else {
            panic!("oauth2")
        };
        assert_eq!(o.endpoint(), Endpoint::Path("/t".into()));
        assert_eq!(o.client_auth, ClientAuth::Basic);
        assert_eq!(o.token_pointer, "/access_token");
        let t = scheme(json!({
            "scheme": "token_request",
            "request": {"path": "/v3/auth/tokens", "body": {"u": "{{user}}"}},
            "values": ["user", "password"], "secrets": ["password"],
            "token": {"header": "X-Subject-Token"}, "apply": {"header": "X-Auth-Token"}
        }));
        assert!(t.is_secret("password") && !t.is_secret("user") && t.is_secret("token"));
        assert_eq!(t.values(), ["user", "password"]);
        let s = scheme(json!({"scheme": "signed", "signer": "enos_apim", "token_path": "/x"}));
        assert!(s.is_secret("app_secret") && !s.is_secret("app_key"));
        // Unknown fields beside a unit scheme are refused by the format schema (with their
        // position), before serde sees them.
    }
}
