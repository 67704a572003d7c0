//! Credentials per auth scheme: which role a request's credential belongs to (or why it is
//! refused: missing, malformed, wrong, expired), and the token endpoints of the token-issuing
//! schemes (`oauth2_client_credentials`, `token_request`). Issued tokens live in a store that
//! every instance of one generic mock shares, so a token obtained once opens each fresh instance.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::request::Incoming;
use super::seed::{EXPIRED_ROLE, derived_hex};
use crate::contract::auth::{AuthScheme, ClientAuth, Endpoint, KeyLocation, TokenSource};
use crate::contract::pointer;
use crate::exec::values::Values;

/// Why a credential is refused (401).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No credential where the scheme puts it.
    Missing,
    /// Something there, but not in the scheme's form.
    Malformed,
    /// Well formed, but the mock never issued it.
    Wrong,
    /// Issued, and expired.
    Expired,
}

impl Refusal {
    /// The refusal's message.
    pub fn message(self) -> &'static str {
        match self {
            Refusal::Missing => "credentials are missing",
            Refusal::Malformed => "credentials are malformed",
            Refusal::Wrong => "credentials are not valid",
            Refusal::Expired => "the credential has expired",
        }
    }
}

/// Tokens issued (and the expired role's, known as expired), shared by the instances.
#[derive(Debug, Default)]
pub struct Tokens {
    issued: Mutex<HashMap<String, (String, Instant)>>,
    counter: Mutex<u64>,
}

impl Tokens {
    /// A store knowing `expired_token` (if any) as expired.
    pub fn new(expired_token: Option<&str>) -> Self {
        let t = Self::default();
        if let Some(tok) = expired_token {
            let past = Instant::now()
                .checked_sub(Duration::from_secs(1))
                .unwrap_or_else(Instant::now);
            t.lock()
                .insert(tok.to_string(), (EXPIRED_ROLE.to_string(), past));
        }
        t
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (String, Instant)>> {
        self.issued
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Issues a token for `role`, valid for `lifetime`.
    pub fn issue(&self, service: &str, role: &str, lifetime: Duration) -> String {
        let n = {
            let mut c = self
                .counter
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            *c += 1;
            *c
        };
        let token = derived_hex(&["issued", service, role, &n.to_string()]);
        self.lock()
            .insert(token.clone(), (role.to_string(), Instant::now() + lifetime));
        token
    }

    /// The role of a token, or why it is refused.
    pub fn role(&self, token: &str) -> Result<String, Refusal> {
        match self.lock().get(token) {
            Some((_, until)) if *until <= Instant::now() => Err(Refusal::Expired),
            Some((role, _)) => Ok(role.clone()),
            None => Err(Refusal::Wrong),
        }
    }
}

/// The role a request's credential belongs to, or why it is refused.
pub fn check(
    scheme: &AuthScheme,
    credentials: &BTreeMap<String, Values>,
    tokens: &Tokens,
    req: &Incoming,
) -> Result<String, Refusal> {
    let static_role = |value: &str, v: &str| -> Result<String, Refusal> {
        match credentials
            .iter()
            .find(|(_, c)| c.get(value).map(String::as_str) == Some(v))
        {
            Some((role, _)) if role == EXPIRED_ROLE => Err(Refusal::Expired),
            Some((role, _)) => Ok(role.clone()),
            None => Err(Refusal::Wrong),
        }
    };
    let token_role = |t: &str| -> Result<String, Refusal> {
        // A ready `token` of a role (the seed may give one), else an issued one.
        match static_role("token", t) {
            Err(Refusal::Wrong) => tokens.role(t),
            other => other,
        }
    };
    match scheme {
        AuthScheme::Bearer => static_role("token", bearer(req)?),
        AuthScheme::Oauth2ClientCredentials(_) => token_role(bearer(req)?),
        AuthScheme::TokenRequest(t) => {
            let raw = req.header(&t.apply.header).ok_or(Refusal::Missing)?;
            let tok = raw
                .strip_prefix(t.apply.prefix.as_str())
                .ok_or(Refusal::Malformed)?;
            well_formed(tok)?;
            token_role(tok)
        }
        AuthScheme::ApiKey { location, name } => {
            let key = match location {
                KeyLocation::Header => req.header(name),
                KeyLocation::Query => req.query(name),
                KeyLocation::Cookie => req.cookie(name),
            }
            .ok_or(Refusal::Missing)?;
            well_formed(key)?;
            static_role("key", key)
        }
        AuthScheme::Basic => {
            let raw = req.header("authorization").ok_or(Refusal::Missing)?;
            let (user, password) = basic_pair(raw).ok_or(Refusal::Malformed)?;
            match credentials.iter().find(|(_, c)| {
                c.get("username") == Some(&user) && c.get("password") == Some(&password)
            }) {
                Some((role, _)) if role == EXPIRED_ROLE => Err(Refusal::Expired),
                Some((role, _)) => Ok(role.clone()),
                None => Err(Refusal::Wrong),
            }
        }
        // Refused when the mock is built; never reached.
        AuthScheme::Signed(_) => Err(Refusal::Wrong),
    }
}

fn well_formed(token: &str) -> Result<(), Refusal> {
    if token.is_empty() || !token.bytes().all(|b| b.is_ascii_graphic()) {
        Err(Refusal::Malformed)
    } else {
        Ok(())
    }
}

fn bearer(req: &Incoming) -> Result<&str, Refusal> {
    let raw = req.header("authorization").ok_or(Refusal::Missing)?;
    let (scheme, token) = raw.split_once(' ').ok_or(Refusal::Malformed)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(Refusal::Malformed);
    }
    let token = token.trim();
    well_formed(token)?;
    Ok(token)
}

/// `Basic base64(user:password)` → the pair.
pub fn basic_pair(header: &str) -> Option<(String, String)> {
    let (scheme, b64) = header.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let bytes = base64_decode(b64.trim())?;
    let text = String::from_utf8(bytes).ok()?;
    let (u, p) = text.split_once(':')?;
    Some((u.to_string(), p.to_string()))
}

/// Standard base64 (padding optional); `None` on any other character.
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// The method and path of the scheme's token endpoint, when it is on the service itself.
pub fn token_endpoint(scheme: &AuthScheme) -> Option<(String, String)> {
    match scheme {
        AuthScheme::Oauth2ClientCredentials(o) => match o.endpoint() {
            Endpoint::Path(p) => Some(("POST".into(), p)),
            Endpoint::Url(_) => None,
        },
        AuthScheme::TokenRequest(t) => match t.request.endpoint() {
            Endpoint::Path(p) => Some((t.request.method.to_ascii_uppercase(), p)),
            Endpoint::Url(_) => None,
        },
        _ => None,
    }
}

/// A token endpoint's answer: status, body, extra headers; or a refusal (400 or 401, message).
pub type TokenAnswer = Result<(u16, Value, Vec<(String, String)>), (u16, &'static str)>;

/// Answers a request to the scheme's token endpoint.
pub fn token(
    service: &str,
    scheme: &AuthScheme,
    credentials: &BTreeMap<String, Values>,
    tokens: &Tokens,
    req: &Incoming,
) -> TokenAnswer {
    let role_with = |pairs: &[(String, String)]| {
        credentials
            .iter()
            .filter(|(r, _)| *r != EXPIRED_ROLE)
            .find(|(_, c)| !pairs.is_empty() && pairs.iter().all(|(k, v)| c.get(k) == Some(v)))
            .map(|(r, _)| r.clone())
    };
    match scheme {
        AuthScheme::Oauth2ClientCredentials(o) => {
            let form: Vec<(String, String)> = serde_urlencoded::from_bytes(&req.body)
                .map_err(|_| (400, "the body is not a form"))?;
            let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
            if get("grant_type").as_deref() != Some("client_credentials") {
                return Err((400, "grant_type must be client_credentials"));
            }
            let (id, secret) = match o.client_auth {
                ClientAuth::Body => (get("client_id"), get("client_secret")),
                ClientAuth::Basic => match req.header("authorization").and_then(basic_pair) {
                    Some((u, p)) => (Some(u), Some(p)),
                    None => (None, None),
                },
            };
            let (Some(id), Some(secret)) = (id, secret) else {
                return Err((401, "client credentials are missing"));
            };
            let role = role_with(&[("client_id".into(), id), ("client_secret".into(), secret)])
                .ok_or((401, "client credentials are not valid"))?;
            let lifetime = o.default_lifetime_seconds;
            let tok = tokens.issue(service, &role, Duration::from_secs(lifetime));
            let mut body = json!({});
            let _ = pointer::set(&mut body, &o.token_pointer, json!(tok));
            let _ = pointer::set(&mut body, &o.lifetime_pointer, json!(lifetime));
            if o.token_pointer == "/access_token" {
                body["token_type"] = json!("Bearer");
            }
            if let Some(scope) = &o.scope {
                body["scope"] = json!(scope);
            }
            Ok((200, body, Vec::new()))
        }
        AuthScheme::TokenRequest(t) => {
            let mut pairs = Vec::new();
            if let Some(template) = &t.request.body {
                let form = t
                    .request
                    .content_type
                    .as_deref()
                    .is_some_and(|c| c.contains("x-www-form-urlencoded"));
                let sent: Value = if form {
                    let f: BTreeMap<String, String> = serde_urlencoded::from_bytes(&req.body)
                        .map_err(|_| (400, "the body is not a form"))?;
                    json!(f)
                } else {
                    serde_json::from_slice(&req.body).map_err(|_| (400, "the body is not JSON"))?
                };
                placeholders(template, Some(&sent), &mut pairs);
            }
            for (h, template) in &t.request.headers {
                let sent = req.header(h).map(|s| json!(s));
                placeholders(&json!(template), sent.as_ref(), &mut pairs);
            }
            if pairs.iter().any(|(_, v)| v.is_none()) {
                return Err((
                    400,
                    "the token request lacks a value its template puts there",
                ));
            }
            let pairs: Vec<(String, String)> = pairs
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k, v)))
                .collect();
            let role = role_with(&pairs).ok_or((401, "the credential values are not valid"))?;
            let lifetime = t.lifetime_seconds.unwrap_or(3600);
            let tok = tokens.issue(service, &role, Duration::from_secs(lifetime));
            let mut body = json!({});
            if let Some(p) = &t.lifetime_pointer {
                let _ = pointer::set(&mut body, p, json!(lifetime));
            }
            match &t.token {
                TokenSource::Header(h) => Ok((201, body, vec![(h.clone(), tok)])),
                TokenSource::Pointer(p) => {
                    let _ = pointer::set(&mut body, p, json!(tok));
                    Ok((200, body, Vec::new()))
                }
            }
        }
        _ => Err((404, "no token endpoint")),
    }
}

/// The values a template's `{{name}}` strings stand for in the `sent` value at the same place
/// (`None` where the request lacks it or puts other text around it).
fn placeholders(template: &Value, sent: Option<&Value>, out: &mut Vec<(String, Option<String>)>) {
    match template {
        Value::String(s) => {
            let Some((prefix, name, suffix)) = one_placeholder(s) else {
                return;
            };
            let got = sent.and_then(|v| match v {
                Value::String(x) => Some(x.clone()),
                Value::Number(n) => Some(n.to_string()),
                Value::Bool(b) => Some(b.to_string()),
                _ => None,
            });
            let value = got.and_then(|g| {
                g.strip_prefix(prefix)
                    .and_then(|r| r.strip_suffix(suffix))
                    .map(str::to_string)
            });
            out.push((name.to_string(), value));
        }
        Value::Object(m) => {
            for (k, v) in m {
                placeholders(v, sent.and_then(|s| s.get(k)), out);
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                placeholders(v, sent.and_then(|s| s.get(i)), out);
            }
        }
        _ => {}
    }
}

/// `prefix{{name}}suffix` → its three parts.
pub fn one_placeholder(s: &str) -> Option<(&str, &str, &str)> {
    let start = s.find("{{")?;
    let end = start + 2 + s[start + 2..].find("}}")?;
    Some((&s[..start], s[start + 2..end].trim(), &s[end + 2..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderMap;

    fn req(headers: &[(&str, &str)], body: &str) -> Incoming {
        let mut h = HeaderMap::new();
        for (k, v) in headers {
            h.insert(
                axum::http::HeaderName::from_bytes(k.as_bytes()).expect("name"),
                v.parse().expect("value"),
            );
        }
        Incoming {
            method: "POST".into(),
            segments: Vec::new(),
            query: Vec::new(),
            headers: h,
            body: body.as_bytes().to_vec().into(),
        }
    }

    fn creds(pairs: &[(&str, &[(&str, &str)])]) -> BTreeMap<String, Values> {
        pairs
            .iter()
            .map(|(r, v)| {
                (
                    (*r).to_string(),
                    v.iter()
                        .map(|(a, b)| ((*a).to_string(), (*b).to_string()))
                        .collect(),
                )
            })
            .collect()
    }

    #[test]
    fn bearer_tokens_are_checked_by_role() {
        let c = creds(&[
            ("default", &[("token", "good")]),
            ("expired", &[("token", "old")]),
        ]);
        let t = Tokens::new(None);
        let check = |h: &[(&str, &str)]| check(&AuthScheme::Bearer, &c, &t, &req(h, ""));
        assert_eq!(
            check(&[("authorization", "Bearer good")]),
            Ok("default".into())
        );
        assert_eq!(check(&[]), Err(Refusal::Missing));
        assert_eq!(
            check(&[("authorization", "Token good")]),
            Err(Refusal::Malformed)
        );
        assert_eq!(
            check(&[("authorization", "Bearer %%% x")]),
            Err(Refusal::Malformed)
        );
        assert_eq!(
            check(&[("authorization", "Bearer other")]),
            Err(Refusal::Wrong)
        );
        assert_eq!(
            check(&[("authorization", "Bearer old")]),
            Err(Refusal::Expired)
        );
    }

    #[test]
    fn api_keys_and_basic() {
        let c = creds(&[("default", &[("key", "k1")])]);
        let t = Tokens::new(None);
        let s = AuthScheme::ApiKey {
            location: KeyLocation::Header,
            name: "X-API-Key".into(),
        };
        assert_eq!(
            check(&s, &c, &t, &req(&[("x-api-key", "k1")], "")),
            Ok("default".into())
        );
        assert_eq!(
            check(&s, &c, &t, &req(&[("x-api-key", "k2")], "")),
            Err(Refusal::Wrong)
        );
        assert_eq!(check(&s, &c, &t, &req(&[], "")), Err(Refusal::Missing));
        let c = creds(&[("default", &[("username", "ann"), ("password", "pw")])]);
        // base64("ann:pw") = YW5uOnB3
        assert_eq!(
            check(
                &AuthScheme::Basic,
                &c,
                &t,
                &req(&[("authorization", "Basic YW5uOnB3")], "")
            ),
            Ok("default".into())
        );
        assert_eq!(
            check(
                &AuthScheme::Basic,
                &c,
                &t,
                &req(&[("authorization", "Basic !!")], "")
            ),
            Err(Refusal::Malformed)
        );
        assert_eq!(base64_decode("YW5uOnB3"), Some(b"ann:pw".to_vec()));
    }

    #[test]
    fn oauth2_issues_tokens_that_open_and_expire() {
        let s: AuthScheme = serde_json::from_value(json!({
            "scheme": "oauth2_client_credentials", "token_path": "/t", "default_lifetime_seconds": 60
        }))
        .expect("scheme");
        let c = creds(&[
            ("default", &[("client_id", "id"), ("client_secret", "sec")]),
            ("expired", &[("token", "old")]),
        ]);
        let t = Tokens::new(Some("old"));
        let ok = token(
            "s",
            &s,
            &c,
            &t,
            &req(
                &[],
                "grant_type=client_credentials&client_id=id&client_secret=sec",
            ),
        );
        let (status, body, _) = ok.expect("token");
        assert_eq!(status, 200);
        assert_eq!(body["expires_in"], json!(60));
        let tok = body["access_token"].as_str().expect("token").to_string();
        assert_eq!(
            check(
                &s,
                &c,
                &t,
                &req(&[("authorization", &format!("Bearer {tok}"))], "")
            ),
            Ok("default".into())
        );
        assert_eq!(
            check(&s, &c, &t, &req(&[("authorization", "Bearer old")], "")),
            Err(Refusal::Expired)
        );
        let bad = token(
            "s",
            &s,
            &c,
            &t,
            &req(
                &[],
                "grant_type=client_credentials&client_id=id&client_secret=no",
            ),
        );
        assert_eq!(
            bad.map(|_| ()),
            Err((401, "client credentials are not valid"))
        );
        let grant = token("s", &s, &c, &t, &req(&[], "grant_type=password"));
        assert_eq!(grant.map(|_| ()).map_err(|e| e.0), Err(400));
    }

    #[test]
    fn token_requests_check_the_template_values() {
        let s: AuthScheme = serde_json::from_value(json!({
            "scheme": "token_request",
            "request": {"path": "/v3/auth/tokens", "content_type": "application/json",
                        "body": {"auth": {"user": "{{user}}", "password": "{{password}}"}}},
            "values": ["user", "password", "domain"], "secrets": ["password"],
            "token": {"header": "X-Subject-Token"}, "lifetime_seconds": 86400,
            "apply": {"header": "X-Auth-Token"}
        }))
        .expect("scheme");
        let c = creds(&[(
            "default",
            &[("user", "u"), ("password", "p"), ("domain", "d")],
        )]);
        let t = Tokens::new(None);
        let (status, _, headers) = token(
            "s",
            &s,
            &c,
            &t,
            &req(&[], r#"{"auth":{"user":"u","password":"p"}}"#),
        )
        .expect("token");
        assert_eq!(status, 201);
        let tok = &headers[0].1;
        assert_eq!(
            check(&s, &c, &t, &req(&[("x-auth-token", tok)], "")),
            Ok("default".into())
        );
        let wrong = token(
            "s",
            &s,
            &c,
            &t,
            &req(&[], r#"{"auth":{"user":"u","password":"x"}}"#),
        );
        assert_eq!(wrong.map(|_| ()).map_err(|e| e.0), Err(401));
        let missing = token("s", &s, &c, &t, &req(&[], r#"{"auth":{"user":"u"}}"#));
        assert_eq!(missing.map(|_| ()).map_err(|e| e.0), Err(400));
        assert_eq!(
            one_placeholder("Basic {{ x }}!"),
            Some(("Basic ", "x", "!"))
        );
    }
}
