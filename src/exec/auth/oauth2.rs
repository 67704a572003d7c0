//! OAuth 2.0 client credentials (RFC 6749 §4.4): a form body with `grant_type`, the client id
//! and secret in the body or as HTTP Basic per `client_auth`, an optional `scope`; the token
//! and its lifetime read by JSON pointer.

use std::time::Duration;

use serde_json::Value;

use super::static_schemes::base64;
use super::token_cache::lifetime;
use crate::check::Observed;
use crate::contract::auth::{ClientAuth, OAuth2};
use crate::exec::client::{Client, display_url};
use crate::exec::error::chain;
use crate::exec::values::Values;

/// The token request's headers and form body.
///
/// # Errors
/// The text naming the value the role lacks.
pub fn request(o: &OAuth2, values: &Values) -> Result<(Vec<(String, String)>, String), String> {
    let get = |k: &str| {
        values
            .get(k)
            .map(String::as_str)
            .ok_or_else(|| format!("the credential has no `{k}`"))
    };
    let (id, secret) = (get("client_id")?, get("client_secret")?);
    let mut headers = vec![(
        "Content-Type".to_string(),
        "application/x-www-form-urlencoded".to_string(),
    )];
    let mut form = vec![("grant_type", "client_credentials")];
    match o.client_auth {
        ClientAuth::Body => {
            form.push(("client_id", id));
            form.push(("client_secret", secret));
        }
        ClientAuth::Basic => {
            // RFC 6749 §2.3.1: each part form-encoded, then Basic.
            let enc = |s: &str| serde_urlencoded::to_string([("", s)]).map(|e| e[1..].to_string());
            let pair = format!(
                "{}:{}",
                enc(id).map_err(|e| e.to_string())?,
                enc(secret).map_err(|e| e.to_string())?
            );
            headers.push((
                "Authorization".to_string(),
                format!("Basic {}", base64(pair.as_bytes())),
            ));
        }
    }
    if let Some(scope) = &o.scope {
        form.push(("scope", scope));
    }
    let body = serde_urlencoded::to_string(form).map_err(|e| e.to_string())?;
    Ok((headers, body))
}

/// Asks the token endpoint at `url`: the token and its lifetime.
///
/// # Errors
/// The text of what went wrong (reports redact it with the target's secrets).
pub async fn fetch(
    client: &Client,
    url: &str,
    o: &OAuth2,
    values: &Values,
) -> Result<(String, Duration), String> {
    let (headers, body) = request(o, values)?;
    let obs = client
        .exchange("POST", url, &headers, Some(body.into_bytes()))
        .await
        .map_err(|e| chain(&e))?;
    answer(&obs, url, o)
}

/// The token and lifetime in an answer.
fn answer(obs: &Observed, url: &str, o: &OAuth2) -> Result<(String, Duration), String> {
    let status = obs.status;
    let body: Value = serde_json::from_slice(&obs.body).map_err(|e| {
        format!(
            "HTTP {status} from {}: the body is not JSON ({e})",
            display_url(url)
        )
    })?;
    let token = body
        .pointer(&o.token_pointer)
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty() && (200..300).contains(&status))
        .ok_or_else(|| {
            format!(
                "HTTP {status} without a token at {}: {}",
                o.token_pointer,
                obs.body_text(300)
            )
        })?;
    let default = Duration::from_secs(o.default_lifetime_seconds);
    Ok((
        token.to_string(),
        lifetime(body.pointer(&o.lifetime_pointer), default),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oauth(client_auth: ClientAuth, scope: Option<&str>) -> OAuth2 {
        serde_json::from_value(serde_json::json!({"token_path": "/t"}))
            .map(|o: OAuth2| OAuth2 {
                client_auth,
                scope: scope.map(str::to_string),
                ..o
            })
            .expect("oauth2")
    }

    fn values() -> Values {
        [("client_id", "my app"), ("client_secret", "s&cret")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn body_or_basic_client_auth_and_scope() {
        let (h, b) = request(&oauth(ClientAuth::Body, None), &values()).expect("body");
        assert_eq!(h.len(), 1);
        assert_eq!(
            b,
            "grant_type=client_credentials&client_id=my+app&client_secret=s%26cret"
        );
        let (h, b) =
            request(&oauth(ClientAuth::Basic, Some("read write")), &values()).expect("basic");
        assert_eq!(b, "grant_type=client_credentials&scope=read+write");
        // `printf '%s' 'my+app:s%26cret' | base64`
        assert_eq!(
            h[1],
            ("Authorization".into(), "Basic bXkrYXBwOnMlMjZjcmV0".into())
        );
        let e = request(&oauth(ClientAuth::Body, None), &Values::new()).expect_err("no id");
        assert_eq!(e, "the credential has no `client_id`");
    }
}
