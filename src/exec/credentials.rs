//! The vendors' credential flows (AUTH.md): obtaining tokens, caching them until shortly
//! before they expire, and putting credentials on a request (EnOS signs each one).

use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use tokio::sync::Mutex;

use super::client::Client;
use super::error::HarnessError;
use super::request::Prepared;
use super::target::{Target, Values};
use crate::generate::Cred;
use crate::mock::auth::{enos_params_data, sha256_hex};
use crate::secrets;
use crate::spec::{AuthScheme, Service};

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

/// Tokens by `base \0 service \0 role`. Reads take the shared lock only; a fetch holds
/// [`fetching`] so that concurrent cases ask the token endpoint once.
fn cache() -> &'static std::sync::RwLock<HashMap<String, Cached>> {
    static CACHE: OnceLock<std::sync::RwLock<HashMap<String, Cached>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

fn fetching() -> &'static Mutex<()> {
    static FETCHING: OnceLock<Mutex<()>> = OnceLock::new();
    FETCHING.get_or_init(|| Mutex::new(()))
}

fn cached(key: &str) -> Option<Credential> {
    let map = cache()
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    map.get(key)
        .filter(|c| c.renew_at > Instant::now())
        .map(|c| c.credential.clone())
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
        return Ok(match service.auth.scheme {
            AuthScheme::OneaccessClientCredentials => Credential::Bearer(token.clone()),
            AuthScheme::IamToken => Credential::IamToken(token.clone()),
            AuthScheme::EnosApim => Credential::Enos {
                token: token.clone(),
                secret: values.get("app_secret").cloned().unwrap_or_default(),
            },
        });
    }
    let base = target.auth_base(&service.name).await?;
    let key = format!("{}\0{base}\0{}\0{role}", target.id, service.name);
    if let Some(c) = cached(&key) {
        return Ok(c);
    }
    let _one_fetch = fetching().lock().await;
    if let Some(c) = cached(&key) {
        return Ok(c);
    }
    let (credential, lifetime) = obtain(client, &base, service, role, values).await?;
    // Renew a minute before expiry (or at half the lifetime for short-lived tokens).
    let margin = Duration::from_secs(60).min(lifetime / 2);
    cache()
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .insert(
            key,
            Cached {
                credential: credential.clone(),
                renew_at: Instant::now() + lifetime.saturating_sub(margin),
            },
        );
    Ok(credential)
}

async fn obtain(
    client: &Client,
    base: &str,
    service: &Service,
    role: &str,
    values: &Values,
) -> Result<(Credential, Duration), HarnessError> {
    let http = client.http();
    let url = format!("{base}{}", service.auth.token_path);
    let fail = |m: String| token_error(service, role, m);
    match service.auth.scheme {
        AuthScheme::OneaccessClientCredentials => {
            let form = [
                ("grant_type", "client_credentials"),
                ("client_id", value(values, "client_id", service, role)?),
                (
                    "client_secret",
                    value(values, "client_secret", service, role)?,
                ),
            ];
            let body = serde_urlencoded::to_string(form).map_err(|e| fail(e.to_string()))?;
            let resp = http
                .post(&url)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .map_err(|e| fail(e.without_url().to_string()))?;
            let status = resp.status();
            let body: Value = resp
                .json()
                .await
                .map_err(|e| fail(e.without_url().to_string()))?;
            let token = body["access_token"]
                .as_str()
                .filter(|_| status.is_success())
                .ok_or_else(|| fail(format!("HTTP {status}, error_code {}", body["error_code"])))?;
            secrets::register(token);
            let ttl = body["expires_in"].as_u64().unwrap_or(1800);
            Ok((
                Credential::Bearer(token.to_string()),
                Duration::from_secs(ttl),
            ))
        }
        AuthScheme::IamToken => {
            let mut auth = json!({"identity": {"methods": ["password"], "password": {"user": {
                "name": value(values, "user", service, role)?,
                "password": value(values, "password", service, role)?,
                "domain": {"name": value(values, "domain", service, role)?}
            }}}});
            if let Some(p) = values.get("project_id") {
                auth["scope"] = json!({"project": {"id": p}});
            }
            let resp = http
                .post(&url)
                .json(&json!({ "auth": auth }))
                .send()
                .await
                .map_err(|e| fail(e.without_url().to_string()))?;
            let status = resp.status();
            let token = resp
                .headers()
                .get("x-subject-token")
                .and_then(|v| v.to_str().ok())
                .filter(|_| status.is_success())
                .ok_or_else(|| fail(format!("HTTP {status} without X-Subject-Token")))?
                .to_string();
            secrets::register(&token);
            Ok((Credential::IamToken(token), Duration::from_secs(24 * 3600)))
        }
        AuthScheme::EnosApim => {
            let app_key = value(values, "app_key", service, role)?;
            let secret = value(values, "app_secret", service, role)?;
            // A fresh timestamp per request: the token service refuses a reused encryption
            // (1001), which another process asking in the same millisecond could cause.
            let mut body = Value::Null;
            for attempt in 0..3u128 {
                let ts = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| d.as_millis())
                    + attempt;
                let encryption = sha256_hex(&[
                    app_key.as_bytes(),
                    ts.to_string().as_bytes(),
                    secret.as_bytes(),
                ]);
                let resp = http
                    .post(&url)
                    .json(&json!({"appKey": app_key, "encryption": encryption, "timestamp": ts}))
                    .send()
                    .await
                    .map_err(|e| fail(e.without_url().to_string()))?;
                body = resp
                    .json()
                    .await
                    .map_err(|e| fail(e.without_url().to_string()))?;
                if body["status"] != 1001 {
                    break;
                }
            }
            let token = body["data"]["accessToken"]
                .as_str()
                .filter(|_| body["status"] == 0)
                .ok_or_else(|| fail(format!("status {} {}", body["status"], body["msg"])))?;
            secrets::register(token);
            let ttl = body["data"]["expire"].as_u64().unwrap_or(7200);
            Ok((
                Credential::Enos {
                    token: token.to_string(),
                    secret: secret.to_string(),
                },
                Duration::from_secs(ttl),
            ))
        }
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
        Cred::Malformed => match service.auth.scheme {
            AuthScheme::OneaccessClientCredentials => {
                req.set_header("Authorization", "Bearer %%% not a token %%%".into())
            }
            AuthScheme::IamToken => req.set_header("X-Auth-Token", "%%% not a token %%%".into()),
            AuthScheme::EnosApim => {
                let c = for_role(client, target, service, "default").await?;
                apply(req, &c);
                req.set_header("apim-signature", "not-a-signature".into());
            }
        },
        Cred::Wrong => match service.auth.scheme {
            AuthScheme::OneaccessClientCredentials => {
                apply(req, &Credential::Bearer(NEVER_ISSUED.into()))
            }
            AuthScheme::IamToken => apply(req, &Credential::IamToken(NEVER_ISSUED.into())),
            AuthScheme::EnosApim => {
                // The right token signed with a wrong secret.
                if let Credential::Enos { token, .. } =
                    for_role(client, target, service, "default").await?
                {
                    sign_enos(req, &token, "not-the-app-secret");
                }
            }
        },
    }
    Ok(())
}
