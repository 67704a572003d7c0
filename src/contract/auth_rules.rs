//! Lint rules of a service's `auth:` block beyond the format schema: a `token_request`
//! template names only declared values, its `secrets:` are among its `values:`, and an
//! `oauth2_client_credentials` names exactly one of `token_path` and `token_url`.

use serde_json::Value;

use super::auth::{AuthScheme, OAuth2, TokenRequest, placeholders};
use super::diagnostic::{Diagnostic, err};
use super::source::{SourceFile, escape_token};

/// Checks `auth` of the service in `file`, adding an error per mistake at its position.
pub fn check(auth: &AuthScheme, file: &SourceFile, errors: &mut Vec<Diagnostic>) {
    match auth {
        AuthScheme::TokenRequest(t) => token_request(t, file, errors),
        AuthScheme::Oauth2ClientCredentials(o) => oauth2(o, file, errors),
        _ => {}
    }
}

fn oauth2(o: &OAuth2, file: &SourceFile, errors: &mut Vec<Diagnostic>) {
    let (at, message) = match (&o.token_path, &o.token_url) {
        (Some(_), Some(_)) => (
            "/auth/token_url",
            "both `token_path` and `token_url`: the token endpoint is one of them",
        ),
        (None, None) => (
            "/auth/scheme",
            "an oauth2_client_credentials scheme without `token_path` or `token_url`",
        ),
        _ => return,
    };
    errors.push(
        err(file, at, "oauth2-token-endpoint", message.to_string())
            .expected("`token_path: /…` (on the service's base URL) or `token_url: https://…`"),
    );
}

fn token_request(t: &TokenRequest, file: &SourceFile, errors: &mut Vec<Diagnostic>) {
    let declared = t.values.join(", ");
    for (i, s) in t.secrets.iter().enumerate() {
        if !t.values.contains(s) {
            errors.push(
                err(
                    file,
                    &format!("/auth/secrets/{i}"),
                    "unknown-auth-value",
                    format!("secret `{s}` is not one of the scheme's `values:`"),
                )
                .expected(format!("one of {declared}")),
            );
        }
    }
    let mut strings: Vec<(String, &str)> = Vec::new();
    let r = &t.request;
    if let Some(p) = &r.path {
        strings.push(("/auth/request/path".into(), p));
    }
    if let Some(u) = &r.url {
        strings.push(("/auth/request/url".into(), u));
    }
    for (k, v) in &r.headers {
        strings.push((format!("/auth/request/headers/{}", escape_token(k)), v));
    }
    if let Some(b) = &r.body {
        body_strings(b, "/auth/request/body".into(), &mut strings);
    }
    for (at, text) in strings {
        for name in placeholders(text) {
            if !t.values.contains(&name) {
                errors.push(
                    err(
                        file,
                        &at,
                        "unknown-auth-value",
                        format!(
                            "the token request names `{{{{{name}}}}}`, which the scheme's `values:` does not declare"
                        ),
                    )
                    .expected(format!("one of {declared}, or add `{name}` to `values:`")),
                );
            }
        }
    }
}

fn body_strings<'v>(v: &'v Value, at: String, out: &mut Vec<(String, &'v str)>) {
    match v {
        Value::String(s) => out.push((at, s)),
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                body_strings(x, format!("{at}/{i}"), out);
            }
        }
        Value::Object(m) => {
            for (k, x) in m {
                let inner = format!("{at}/{}", escape_token(k));
                out.push((inner.clone(), k));
                body_strings(x, inner, out);
            }
        }
        _ => {}
    }
}
