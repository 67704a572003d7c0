//! The vendors' credential flows (AUTH.md): obtaining tokens, caching them until shortly
//! before they expire, and putting credentials on a request (EnOS signs each one).

// Numbers here come from servers (lifetimes, lengths): no unchecked arithmetic.
#![deny(clippy::arithmetic_side_effects)]

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use super::client::Client;
use super::error::HarnessError;
use super::request::Prepared;
use super::target::Target;
use super::values::Values;
use crate::contract::Service;
use crate::contract::auth::{AuthScheme, Endpoint};
use crate::generate::Cred;
use crate::mock::auth::{enos_params_data, sha256_hex};
use crate::secrets;

/// A credential ready to put on requests. Its `Debug` shows the kind only.
#[derive(Clone)]
pub enum Credential {
    /// `Authorization: Bearer`.
    Bearer(String),
    /// `X-Auth-Token`.
    IamToken(String),
    /// `apim-accesstoken` plus a signature with the app secret.
    Enos {
        /// Access token.
        token: String,
        /// App secret, for signing.
        secret: String,
    },
}

#[derive(Clone)]
struct Cached {
    credential: Credential,
    renew_at: Instant,
}

/// The outcome of one token fetch: the credential, or the failure's text (kept, so that
/// later cases of the role fail at once with it instead of asking the endpoint again).
type Fetched = Result<Cached, String>;

/// One role's token: filled by the first case that needs it; concurrent cases of the same
/// role wait for that one fetch (bounded by the per-request timeout), other roles never do.
type Slot = Arc<tokio::sync::OnceCell<Fetched>>;

/// Slots by `target \0 base \0 service \0 role`. The map's lock is held only to look a slot
/// up, never across a network call.
fn cache() -> &'static std::sync::Mutex<HashMap<String, Slot>> {
    static CACHE: OnceLock<std::sync::Mutex<HashMap<String, Slot>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// The slot of a key; a token due for renewal gets a fresh slot (a failure stays).
fn slot(key: &str) -> Slot {
    let mut map = cache()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let entry = map.entry(key.to_string()).or_default();
    if matches!(entry.get(), Some(Ok(c)) if c.renew_at <= Instant::now()) {
        *entry = Slot::default();
    }
    Arc::clone(entry)
}

/// Longest token lifetime believed: a run never lasts longer, and server-provided numbers
/// never reach `Instant` arithmetic unchecked.
const MAX_LIFETIME: Duration = Duration::from_secs(7 * 24 * 3600);

/// A token lifetime from a server's `expires_in`-like field: whole or fractional seconds, as
/// a number or a numeric string, clamped to [`MAX_LIFETIME`]; a negative lifetime means
/// "already expired" (the token is used once, not cached); anything else (absent, not a
/// number) gives the vendor's documented default.
fn lifetime(v: &Value, default: Duration) -> Duration {
    let number = match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    match number.filter(|f| f.is_finite()) {
        Some(f) if f <= 0.0 => Duration::ZERO,
        Some(f) => Duration::try_from_secs_f64(f)
            .unwrap_or(MAX_LIFETIME)
            .min(MAX_LIFETIME),
        None => default,
    }
}

/// When a token of this lifetime is renewed: a minute before expiry, or at half the lifetime
/// for short-lived tokens.
fn renew_at(now: Instant, lifetime: Duration) -> Instant {
    let lifetime = lifetime.min(MAX_LIFETIME);
    let margin = Duration::from_secs(60).min(lifetime.checked_div(2).unwrap_or_default());
    now.checked_add(lifetime.saturating_sub(margin))
        .unwrap_or(now)
}

fn token_error(service: &Service, role: &str, message: impl Into<String>) -> HarnessError {
    HarnessError::Token {
        service: service.name.clone(),
        role: role.to_string(),
        message: secrets::redact(&message.into()),
    }
}

fn value<'a>(
    values: &'a Values,
    key: &str,
    service: &Service,
    role: &str,
) -> Result<&'a str, HarnessError> {
    values
        .get(key)
        .map(String::as_str)
        .ok_or_else(|| token_error(service, role, format!("the credential has no `{key}`")))
}

/// The credential of a role, from the cache or through the vendor's flow.
///
/// # Errors
/// [`HarnessError::Token`] when the flow fails.
pub async fn for_role(
    client: &Client,
    target: &Target,
    service: &Service,
    role: &str,
) -> Result<Credential, HarnessError> {
    let values = target
        .credentials
        .get(&service.name)
        .and_then(|r| r.get(role))
        .ok_or_else(|| {
            token_error(
                service,
                role,
                target.role_refusal(&service.name, role).unwrap_or_default(),
            )
        })?;
    if let Some(token) = values.get("token") {
        secrets::register(token);
        return Ok(match &service.auth {
            AuthScheme::TokenRequest(_) => Credential::IamToken(token.clone()),
            AuthScheme::Signed(_) => Credential::Enos {
                token: token.clone(),
                secret: values.get("app_secret").cloned().unwrap_or_default(),
            },
            _ => Credential::Bearer(token.clone()),
        });
    }
    let base = target.auth_base(&service.name).await?;
    let key = format!("{}\0{base}\0{}\0{role}", target.id, service.name);
    let slot = slot(&key);
    let fetched_here = std::sync::atomic::AtomicBool::new(false);
    let fetched = slot
        .get_or_init(|| async {
            fetched_here.store(true, std::sync::atomic::Ordering::Relaxed);
            match obtain(client, &base, service, role, values).await {
                Ok((credential, lifetime)) => Ok(Cached {
                    credential,
                    renew_at: renew_at(Instant::now(), lifetime),
                }),
                Err(HarnessError::Token { message, .. }) => Err(message),
                Err(e) => Err(super::error::chain(&e)),
            }
        })
        .await;
    match fetched {
        Ok(c) => Ok(c.credential.clone()),
        Err(m) if fetched_here.load(std::sync::atomic::Ordering::Relaxed) => {
            Err(token_error(service, role, m.clone()))
        }
        Err(m) => Err(token_error(
            service,
            role,
            format!(
                "{m} (an earlier case of this role got this answer; the token endpoint is not asked again in this run)"
            ),
        )),
    }
}

async fn obtain(
    client: &Client,
    base: &str,
    service: &Service,
    role: &str,
    values: &Values,
) -> Result<(Credential, Duration), HarnessError> {
    let fail = |m: String| token_error(service, role, m);
    let endpoint = match &service.auth {
        AuthScheme::Oauth2ClientCredentials(o) => o.endpoint(),
        AuthScheme::TokenRequest(t) => t.request.endpoint(),
        AuthScheme::Signed(s) => Endpoint::Path(s.token_path.clone()),
        other => {
            return Err(fail(format!(
                "the {} scheme has no token flow: the role must give a `token`",
                other.name()
            )));
        }
    };
    let url = match endpoint {
        Endpoint::Path(p) => format!("{base}{p}"),
        Endpoint::Url(u) => u,
    };
    let post = |content_type: &str, body: Vec<u8>| {
        let headers = [("Content-Type".to_string(), content_type.to_string())];
        let url = url.clone();
        async move {
            client
                .exchange("POST", &url, &headers, Some(body))
                .await
                .map_err(|e| super::error::chain(&e))
        }
    };
    let json_body = |obs: &crate::check::Observed| -> Result<Value, HarnessError> {
        serde_json::from_slice(&obs.body).map_err(|e| {
            fail(format!(
                "HTTP {} from {}: the body is not JSON ({e})",
                obs.status,
                super::client::display_url(&url)
            ))
        })
    };
    match &service.auth {
        AuthScheme::Oauth2ClientCredentials(o) => {
            let form = [
                ("grant_type", "client_credentials"),
                ("client_id", value(values, "client_id", service, role)?),
                (
                    "client_secret",
                    value(values, "client_secret", service, role)?,
                ),
            ];
            let body = serde_urlencoded::to_string(form).map_err(|e| fail(e.to_string()))?;
            let obs = post("application/x-www-form-urlencoded", body.into_bytes())
                .await
                .map_err(fail)?;
            let status = obs.status;
            let body = json_body(&obs)?;
            let token = body["access_token"]
                .as_str()
                .filter(|_| (200..300).contains(&status))
                .ok_or_else(|| fail(format!("HTTP {status}, error_code {}", body["error_code"])))?;
            secrets::register(token);
            Ok((
                Credential::Bearer(token.to_string()),
                lifetime(
                    &body["expires_in"],
                    Duration::from_secs(o.default_lifetime_seconds),
                ),
            ))
        }
        AuthScheme::TokenRequest(_) => {
            let mut auth = json!({"identity": {"methods": ["password"], "password": {"user": {
                "name": value(values, "user", service, role)?,
                "password": value(values, "password", service, role)?,
                "domain": {"name": value(values, "domain", service, role)?}
            }}}});
            if let Some(p) = values.get("project_id") {
                auth["scope"] = json!({"project": {"id": p}});
            }
            let obs = post(
                "application/json",
                json!({ "auth": auth }).to_string().into_bytes(),
            )
            .await
            .map_err(fail)?;
            let status = obs.status;
            let token = obs
                .header("x-subject-token")
                .filter(|t| !t.is_empty() && (200..300).contains(&status))
                .ok_or_else(|| fail(format!("HTTP {status} without X-Subject-Token")))?
                .to_string();
            secrets::register(&token);
            Ok((Credential::IamToken(token), Duration::from_secs(24 * 3600)))
        }
        AuthScheme::Signed(_) => {
            let app_key = value(values, "app_key", service, role)?;
            let secret = value(values, "app_secret", service, role)?;
            // A fresh timestamp per request: the token service refuses a reused encryption
            // (1001), which another process asking in the same millisecond could cause.
            let mut body = Value::Null;
            for attempt in 0..3u128 {
                let ts = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| d.as_millis())
                    .saturating_add(attempt);
                let encryption = sha256_hex(&[
                    app_key.as_bytes(),
                    ts.to_string().as_bytes(),
                    secret.as_bytes(),
                ]);
                let request = json!({"appKey": app_key, "encryption": encryption, "timestamp": ts});
                let obs = post("application/json", request.to_string().into_bytes())
                    .await
                    .map_err(fail)?;
                body = json_body(&obs)?;
                if body["status"] != 1001 {
                    break;
                }
            }
            let token = body["data"]["accessToken"]
                .as_str()
                .filter(|_| body["status"] == 0)
                .ok_or_else(|| fail(format!("status {} {}", body["status"], body["msg"])))?;
            secrets::register(token);
            Ok((
                Credential::Enos {
                    token: token.to_string(),
                    secret: secret.to_string(),
                },
                lifetime(&body["data"]["expire"], Duration::from_secs(7200)),
            ))
        }
        other => Err(fail(format!(
            "the {} scheme has no token flow: the role must give a `token`",
            other.name()
        ))),
    }
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Credential::Bearer(_) => "Bearer([REDACTED])",
            Credential::IamToken(_) => "IamToken([REDACTED])",
            Credential::Enos { .. } => "Enos([REDACTED])",
        })
    }
}

/// A token of the right form that no server issued.
const NEVER_ISSUED: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

/// Puts a credential on a request, signing it for EnOS.
pub fn apply(req: &mut Prepared, credential: &Credential) {
    match credential {
        Credential::Bearer(t) => req.set_header("Authorization", format!("Bearer {t}")),
        Credential::IamToken(t) => req.set_header("X-Auth-Token", t.clone()),
        Credential::Enos { token, secret } => sign_enos(req, token, secret),
    }
}

fn sign_enos(req: &mut Prepared, token: &str, secret: &str) {
    let ts = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis())
        .to_string();
    let query: Vec<(String, String)> = req
        .path
        .split_once('?')
        .map(|(_, q)| serde_urlencoded::from_str(q).unwrap_or_default())
        .unwrap_or_default();
    let params = enos_params_data(&query, req.body.as_deref().unwrap_or_default());
    let signature = sha256_hex(&[token.as_bytes(), &params, ts.as_bytes(), secret.as_bytes()]);
    req.set_header("apim-accesstoken", token.to_string());
    req.set_header("apim-timestamp", ts);
    req.set_header("apim-signature", signature);
}

/// Applies the credential a case asks for.
///
/// # Errors
/// When a needed credential cannot be obtained.
pub async fn apply_cred(
    req: &mut Prepared,
    cred: &Cred,
    client: &Client,
    target: &Target,
    service: &Service,
) -> Result<(), HarnessError> {
    match cred {
        Cred::Role(role) => {
            let c = for_role(client, target, service, role).await?;
            apply(req, &c);
        }
        Cred::Missing => {}
        Cred::Expired => {
            let c = for_role(client, target, service, "expired").await?;
            apply(req, &c);
        }
        Cred::Malformed => match &service.auth {
            AuthScheme::TokenRequest(_) => {
                req.set_header("X-Auth-Token", "%%% not a token %%%".into())
            }
            AuthScheme::Signed(_) => {
                let c = for_role(client, target, service, "default").await?;
                apply(req, &c);
                req.set_header("apim-signature", "not-a-signature".into());
            }
            _ => req.set_header("Authorization", "Bearer %%% not a token %%%".into()),
        },
        Cred::Wrong => match &service.auth {
            AuthScheme::TokenRequest(_) => apply(req, &Credential::IamToken(NEVER_ISSUED.into())),
            AuthScheme::Signed(_) => {
                // The right token signed with a wrong secret.
                if let Credential::Enos { token, .. } =
                    for_role(client, target, service, "default").await?
                {
                    sign_enos(req, &token, "not-the-app-secret");
                }
            }
            _ => apply(req, &Credential::Bearer(NEVER_ISSUED.into())),
        },
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_from_servers_are_clamped_never_overflowing() {
        let d = Duration::from_secs(1800);
        assert_eq!(lifetime(&json!(u64::MAX), d), MAX_LIFETIME);
        assert_eq!(lifetime(&json!(1e300), d), MAX_LIFETIME);
        assert_eq!(lifetime(&json!(-5), d), Duration::ZERO);
        assert_eq!(lifetime(&json!(i64::MIN), d), Duration::ZERO);
        assert_eq!(lifetime(&json!(90.5), d), Duration::from_millis(90_500));
        assert_eq!(lifetime(&json!("3600"), d), Duration::from_secs(3600));
        assert_eq!(lifetime(&json!("soon"), d), d);
        assert_eq!(lifetime(&Value::Null, d), d);
        let now = Instant::now();
        assert!(renew_at(now, Duration::MAX) > now);
        assert_eq!(renew_at(now, Duration::ZERO), now);
        assert_eq!(
            renew_at(now, Duration::from_secs(600)),
            now + Duration::from_secs(540)
        );
    }
}
