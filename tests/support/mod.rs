//! What the mock tests share: tokens for the seed's default credentials, obtained with plain
//! HTTP requests written from AUTH.md (independently of the runner's own credential flows).
#![allow(dead_code)]

pub mod live;

use std::time::{SystemTime, UNIX_EPOCH};

use contract_harness::mock::auth::sha256_hex;
use serde_json::{Value, json};

/// A token of each vendor.
pub struct Creds {
    /// `Bearer {access_token}` for OneAccess.
    pub bearer: String,
    /// IAM token for DataArts.
    pub iam: String,
    /// EnOS gateway access token.
    pub enos: String,
}

/// Tokens through the three documented flows, for the seed's default credentials.
pub async fn creds(http: &reqwest::Client, base: &str) -> Creds {
    let t: Value = http
        .post(format!("{base}/api/v2/tenant/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials&client_id=ch-all&client_secret=mock-secret-all-7f3a9c")
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("json");
    let iam = http
        .post(format!("{base}/v3/auth/tokens"))
        .json(&json!({"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "ch-iam-user", "password": "mock-iam-password-88d1", "domain": {"name": "ch-domain"}}}}}}))
        .send()
        .await
        .expect("iam");
    let iam = iam.headers()["x-subject-token"]
        .to_str()
        .expect("token")
        .to_string();
    let ts = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_millis();
    let enc = sha256_hex(&[
        b"ch-enos-app",
        ts.to_string().as_bytes(),
        b"mock-enos-secret-2b71f0",
    ]);
    let e: Value = http
        .post(format!("{base}/apim-token-service/v2.0/token/get"))
        .json(&json!({"appKey": "ch-enos-app", "encryption": enc, "timestamp": ts}))
        .send()
        .await
        .expect("enos")
        .json()
        .await
        .expect("json");
    Creds {
        bearer: format!("Bearer {}", t["access_token"].as_str().expect("token")),
        iam,
        enos: e["data"]["accessToken"]
            .as_str()
            .expect("token")
            .to_string(),
    }
}
