//! The EnOS API gateway (AUTH.md, EnOS): a token from the token service for `appKey` and
//! `encryption` = sha256(appKey + timestamp + appSecret), then on every request
//! `apim-accesstoken`, `apim-timestamp` (Unix ms) and `apim-signature` = sha256(accessToken +
//! paramsData + timestamp + appSecret), where paramsData is the query parameters sorted by name
//! as `name1value1name2value2…` followed by the exact body bytes. Written from the
//! documentation, independently of the mock's verifier.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::super::token_cache::lifetime;
use crate::exec::client::{Client, display_url};
use crate::exec::error::chain;
use crate::exec::request::Prepared;
use crate::exec::values::Values;

/// The token service's documented lifetime when it gives none.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(7200);

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis())
}

/// Lowercase hex SHA-256 of the parts, concatenated.
pub fn sha256_hex(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    hex::encode(h.finalize())
}

/// paramsData: the query's parameters (decoded) sorted by name, then value, as
/// `name1value1name2value2…`, then the body bytes.
pub fn params_data(path: &str, body: &[u8]) -> Vec<u8> {
    let mut query: Vec<(String, String)> = path
        .split_once('?')
        .and_then(|(_, q)| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default();
    query.sort();
    let mut out = Vec::new();
    for (k, v) in &query {
        out.extend_from_slice(k.as_bytes());
        out.extend_from_slice(v.as_bytes());
    }
    out.extend_from_slice(body);
    out
}

/// The token request body for a timestamp.
pub fn token_body(app_key: &str, app_secret: &str, ts: u128) -> Value {
    let encryption = sha256_hex(&[
        app_key.as_bytes(),
        ts.to_string().as_bytes(),
        app_secret.as_bytes(),
    ]);
    json!({"appKey": app_key, "encryption": encryption, "timestamp": ts})
}

/// Signs a request at timestamp `ts` (ms).
pub fn sign(req: &mut Prepared, token: &str, secret: &str, ts: u128) {
    let ts = ts.to_string();
    let params = params_data(&req.path, req.body.as_deref().unwrap_or_default());
    let signature = sha256_hex(&[token.as_bytes(), &params, ts.as_bytes(), secret.as_bytes()]);
    req.set_header("apim-accesstoken", token.to_string());
    req.set_header("apim-timestamp", ts);
    req.set_header("apim-signature", signature);
}

/// Asks the token service at `url`.
///
/// # Errors
/// The text of what went wrong (reports redact it with the target's secrets).
pub async fn fetch(
    client: &Client,
    url: &str,
    values: &Values,
) -> Result<(String, Duration), String> {
    let get = |k: &str| {
        values
            .get(k)
            .map(String::as_str)
            .ok_or_else(|| format!("the credential has no `{k}`"))
    };
    let (app_key, secret) = (get("app_key")?, get("app_secret")?);
    let headers = [("Content-Type".to_string(), "application/json".to_string())];
    // A fresh timestamp per attempt: the token service refuses a reused encryption (1001),
    // which another process asking in the same millisecond could cause.
    let mut body = Value::Null;
    for attempt in 0..3u128 {
        let request = token_body(app_key, secret, now_ms().saturating_add(attempt));
        let obs = client
            .exchange(
                "POST",
                url,
                &headers,
                Some(request.to_string().into_bytes()),
            )
            .await
            .map_err(|e| chain(&e))?;
        body = serde_json::from_slice(&obs.body).map_err(|e| {
            format!(
                "HTTP {} from {}: the body is not JSON ({e})",
                obs.status,
                display_url(url)
            )
        })?;
        if body["status"] != 1001 {
            break;
        }
    }
    let token = body["data"]["accessToken"]
        .as_str()
        .filter(|t| !t.is_empty() && body["status"] == 0)
        .ok_or_else(|| format!("status {} {}", body["status"], body["msg"]))?;
    Ok((
        token.to_string(),
        lifetime(body.pointer("/data/expire"), DEFAULT_LIFETIME),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP_KEY: &str = "ch-enos-app";
    const SECRET: &str = "mock-enos-secret-2b71f0";
    const TS: u128 = 1_700_000_000_123;
    const TOKEN: &str = "tok-abc123";

    #[test]
    fn encryption_matches_a_digest_worked_out_by_hand() {
        // printf '%s' 'ch-enos-app1700000000123mock-enos-secret-2b71f0' | sha256sum
        let want = "58cf578c027ec349bba2210944fe097fa9003c2c46dace0c36f6f2b2dffd38bd";
        let body = token_body(APP_KEY, SECRET, TS);
        assert_eq!(body["encryption"], want);
        assert_eq!(body["appKey"], APP_KEY);
        assert_eq!(body["timestamp"], 1_700_000_000_123u64);
    }

    #[test]
    fn signatures_match_digests_worked_out_by_hand() {
        let mut req = Prepared {
            method: "POST".into(),
            path: "/enos/users?b=2&a=1&z=z".into(),
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: Some(br#"{"userId":"u-1"}"#.to_vec()),
        };
        assert_eq!(
            params_data(&req.path, req.body.as_deref().unwrap_or_default()),
            br#"a1b2zz{"userId":"u-1"}"#.to_vec()
        );
        sign(&mut req, TOKEN, SECRET, TS);
        let header = |n: &str| {
            req.headers
                .iter()
                .find(|(k, _)| k == n)
                .map(|(_, v)| v.clone())
        };
        // printf '%s' 'tok-abc123a1b2zz{"userId":"u-1"}1700000000123mock-enos-secret-2b71f0' | sha256sum
        let want = "0e1bfa7ace4ca5221a5095e6209157ae58b0d875a40bab3f194bdc5f60b17549";
        assert_eq!(header("apim-signature").as_deref(), Some(want));
        assert_eq!(header("apim-accesstoken").as_deref(), Some(TOKEN));
        assert_eq!(header("apim-timestamp").as_deref(), Some("1700000000123"));
        // No query, no body: token + timestamp + secret.
        // printf '%s' 'tok-abc1231700000000123mock-enos-secret-2b71f0' | sha256sum
        let mut bare = Prepared {
            method: "GET".into(),
            path: "/enos/users".into(),
            headers: vec![],
            body: None,
        };
        sign(&mut bare, TOKEN, SECRET, TS);
        assert!(bare.headers.contains(&(
            "apim-signature".into(),
            "e79e0041965448b3e4f90cb9fb1c5e31f3a001ba942f737f2cf99b40fedc37d0".into()
        )));
        // The right token signed with a wrong secret (the `wrong` variant).
        // printf '%s' 'tok-abc123a1b2zz{"userId":"u-1"}1700000000123not-the-app-secret' | sha256sum
        let mut wrong = Prepared {
            method: "POST".into(),
            path: "/enos/users?b=2&a=1&z=z".into(),
            headers: vec![],
            body: Some(br#"{"userId":"u-1"}"#.to_vec()),
        };
        sign(&mut wrong, TOKEN, "not-the-app-secret", TS);
        assert!(wrong.headers.contains(&(
            "apim-signature".into(),
            "bef96558b45807ade5c6dcbfe29ccd59795a7c467d98237fd47521943590fc98".into()
        )));
    }
}
