//! The embedded mock over real HTTP on a loopback port: every documented success and every
//! documented error code a client can provoke, the credential flows and their refusals.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use contract_harness::mock::auth::{enos_params_data, sha256_hex};
use contract_harness::mock::{Fault, MockConfig, MockServer, Seed};
use serde_json::{Value, json};

const OA_APP: &str = "20220415101010111-APP1-0000001";
const OA_ACCOUNT: &str = "20220415171558023-84A4-ED5C390B8";
const DA_PROJECT: &str = "0833a5737480d53b2f25c010dc1a7b88";
const DA_WORKSPACE: &str = "1a2b3c4d5e6f40718293a4b5c6d7e8f9";

struct Mock {
    _server: MockServer,
    base: String,
    http: reqwest::Client,
}

impl Mock {
    async fn start(fault: Option<Fault>) -> Self {
        let mut config = MockConfig::new(Arc::new(Seed::builtin()));
        config.fault = fault;
        let server = MockServer::start(&config, ([127, 0, 0, 1], 0).into())
            .await
            .expect("mock starts");
        let base = server.base_url();
        Self {
            _server: server,
            base,
            http: reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("client"),
        }
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> (u16, reqwest::header::HeaderMap, Value) {
        let resp = req.send().await.expect("response");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.expect("body");
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).expect("JSON body")
        };
        (status, headers, body)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn oa_token(&self, client_id: &str, secret: &str) -> (u16, Value) {
        let form =
            format!("grant_type=client_credentials&client_id={client_id}&client_secret={secret}");
        let (s, _, b) = self
            .send(
                self.http
                    .post(self.url("/api/v2/tenant/token"))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(form),
            )
            .await;
        (s, b)
    }

    async fn oa_bearer(&self, client_id: &str, secret: &str) -> String {
        let (s, b) = self.oa_token(client_id, secret).await;
        assert_eq!(s, 200, "{b}");
        format!("Bearer {}", b["access_token"].as_str().expect("token"))
    }

    async fn all(&self) -> String {
        self.oa_bearer("ch-all", "mock-secret-all-7f3a9c").await
    }

    async fn unbind(&self, auth: &str, app: &str, account: &str, body: Value) -> (u16, Value) {
        let url = self.url(&format!(
            "/api/v2/tenant/applications/{app}/accounts/public-account/{account}/users/unbind"
        ));
        let (s, _, b) = self
            .send(
                self.http
                    .post(url)
                    .header("authorization", auth)
                    .header("content-type", "application/json; charset=utf-8")
                    .body(body.to_string()),
            )
            .await;
        (s, b)
    }

    async fn delete_org(&self, auth: &str, org: &str) -> (u16, Value) {
        let (s, _, b) = self
            .send(
                self.http
                    .delete(self.url(&format!("/api/v2/tenant/organizations/{org}")))
                    .header("authorization", auth),
            )
            .await;
        (s, b)
    }

    async fn disable_org(&self, auth: &str, org: &str) -> (u16, reqwest::header::HeaderMap, Value) {
        self.send(
            self.http
                .put(self.url(&format!("/api/v2/tenant/organizations/{org}/disable")))
                .header("authorization", auth),
        )
        .await
    }

    async fn iam_token(&self, password: &str) -> (u16, Option<String>) {
        let body = json!({"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "ch-iam-user", "password": password, "domain": {"name": "ch-domain"}}}}}});
        let resp = self
            .http
            .post(self.url("/v3/auth/tokens"))
            .json(&body)
            .send()
            .await
            .expect("response");
        let token = resp
            .headers()
            .get("x-subject-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        (resp.status().as_u16(), token)
    }

    async fn delete_users(&self, token: Option<&str>, body: &str) -> (u16, Value) {
        let mut req = self
            .http
            .post(self.url(&format!("/v2/{DA_PROJECT}/{DA_WORKSPACE}/delete-users")))
            .header("content-type", "application/json")
            .body(body.to_string());
        if let Some(t) = token {
            req = req.header("x-auth-token", t);
        }
        let (s, _, b) = self.send(req).await;
        (s, b)
    }

    async fn enos_token(&self, key: &str, secret: &str, ts: u128) -> Value {
        let enc = sha256_hex(&[key.as_bytes(), ts.to_string().as_bytes(), secret.as_bytes()]);
        let (_, _, b) = self
            .send(
                self.http
                    .post(self.url("/apim-token-service/v2.0/token/get"))
                    .json(&json!({"appKey": key, "encryption": enc, "timestamp": ts})),
            )
            .await;
        b
    }

    async fn enos_remove(&self, token: &str, secret: &str, body: &Value) -> (u16, Value) {
        let bytes = body.to_string();
        let ts = now_ms().to_string();
        let sig = sha256_hex(&[
            token.as_bytes(),
            &enos_params_data(&[], bytes.as_bytes()),
            ts.as_bytes(),
            secret.as_bytes(),
        ]);
        let (s, _, b) = self
            .send(
                self.http
                    .post(self.url("/app-portal-service/v2.2/user/remove"))
                    .header("content-type", "application/json")
                    .header("apim-accesstoken", token)
                    .header("apim-timestamp", ts)
                    .header("apim-signature", sig)
                    .body(bytes),
            )
            .await;
        (s, b)
    }
}

fn now_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_millis()
}

fn err(status: u16, body: &Value) -> (u16, &str, &str) {
    (
        status,
        body["error_code"].as_str().unwrap_or("-"),
        body["error_msg"].as_str().unwrap_or("-"),
    )
}

#[tokio::test]
async fn oneaccess_token_flow_and_refusals() {
    let m = Mock::start(None).await;
    let (s, b) = m.oa_token("ch-all", "mock-secret-all-7f3a9c").await;
    assert_eq!(s, 200);
    assert_eq!(b["token_type"], "Bearer");
    assert_eq!(b["expires_in"], 1800);
    assert!(b["access_token"].as_str().is_some_and(|t| t.len() >= 32));
    let (s, b) = m.oa_token("ch-all", "wrong").await;
    assert_eq!(s, 400);
    assert!(b["error_code"].is_string() && b["error_msg"].is_string());

    let (s, b) = m.delete_org("", "org-leaf").await;
    assert_eq!(
        (s, b["error_code"].as_str()),
        (401, Some("AUTH.0001")),
        "malformed: {b}"
    );
    let (s, _) = m
        .delete_org(
            "Bearer 0000000000000000000000000000000000000000",
            "org-leaf",
        )
        .await;
    assert_eq!(s, 401, "unknown token");
    let (s, _) = m
        .delete_org("Bearer oa-expired-3f5d2c1b9a7e", "org-leaf")
        .await;
    assert_eq!(s, 401, "expired token");
    let (s, _, _) = m
        .send(
            m.http
                .delete(m.url("/api/v2/tenant/organizations/org-leaf")),
        )
        .await;
    assert_eq!(s, 401, "no token");
    let account_only = m
        .oa_bearer("ch-account", "mock-secret-account-c04d6e")
        .await;
    let (s, b) = m.delete_org(&account_only, "org-leaf").await;
    assert_eq!(
        (s, b["error_code"].as_str()),
        (403, Some("AUTH.0003")),
        "a token without org_all"
    );
    let org_only = m.oa_bearer("ch-org", "mock-secret-org-51be02").await;
    let (s, _) = m
        .unbind(
            &org_only,
            OA_APP,
            OA_ACCOUNT,
            json!({"user_names": ["cq04130006"]}),
        )
        .await;
    assert_eq!(s, 403, "a token without account_all");
    // Nothing was changed by the refused calls.
    let all = m.all().await;
    assert_eq!(m.delete_org(&all, "org-leaf").await.0, 204);
}

#[tokio::test]
async fn unbind_success_and_every_documented_error() {
    let m = Mock::start(None).await;
    let auth = m.all().await;
    let (s, b) = m
        .unbind(
            &auth,
            OA_APP,
            OA_ACCOUNT,
            json!({"user_names": ["cq04130006"]}),
        )
        .await;
    assert_eq!((s, &b), (200, &json!({"account_id": OA_ACCOUNT})));
    let names = json!({"user_names": ["cq04130007"]});
    let (s, b) = m.unbind(&auth, "", OA_ACCOUNT, names.clone()).await;
    assert_eq!(err(s, &b), (400, "APP.0006", "应用ID不能为空"));
    let (s, b) = m.unbind(&auth, OA_APP, "", names.clone()).await;
    assert_eq!(err(s, &b), (400, "APP.ACCOUNT.0047", "账号的ID不能为空"));
    let (s, b) = m
        .unbind(&auth, "no-such-app", OA_ACCOUNT, names.clone())
        .await;
    assert_eq!(err(s, &b), (400, "APP.0001", "应用不存在"));
    let (s, b) = m
        .unbind(&auth, OA_APP, "no-such-account", names.clone())
        .await;
    assert_eq!(err(s, &b), (400, "APP.ACCOUNT.0038", "公共账号不存在"));
    let (s, b) = m
        .unbind(&auth, OA_APP, OA_ACCOUNT, json!({"user_names": []}))
        .await;
    assert_eq!(err(s, &b), (400, "APP.ACCOUNT.0001", "账号名不能为空"));
    let (s, b) = m
        .unbind(&auth, OA_APP, OA_ACCOUNT, json!({"user_names": 7}))
        .await;
    assert_eq!(s, 400, "a wrong type is a 4xx: {b}");
}

#[tokio::test]
async fn delete_organization_success_and_every_documented_error() {
    let m = Mock::start(None).await;
    let auth = m.all().await;
    let (s, b) = m.delete_org(&auth, "org-leaf").await;
    assert_eq!((s, b), (204, Value::Null));
    let (s, b) = m.delete_org(&auth, "org-leaf").await;
    assert_eq!(err(s, &b), (400, "ORG.0001", "Organization does not exist"));
    for (org, code, message) in [
        (
            "org-parent",
            "ORG.0020",
            "The existing sub-organization under the current organization cannot be deleted",
        ),
        (
            "org-groups",
            "ORG.0021",
            "User groups that exist in the current organization cannot be deleted",
        ),
        (
            "org-users",
            "ORG.0022",
            "Users in the current organization cannot be deleted",
        ),
    ] {
        let (s, b) = m.delete_org(&auth, org).await;
        assert_eq!(err(s, &b), (400, code, message), "{org}");
    }
}

#[tokio::test]
async fn disable_organization_success_and_every_documented_error() {
    let m = Mock::start(None).await;
    let auth = m.all().await;
    let (s, h, b) = m.disable_org(&auth, "org-leaf").await;
    assert_eq!((s, &b), (200, &json!({"org_id": "org-leaf"})));
    assert!(
        h["content-type"]
            .to_str()
            .is_ok_and(|c| c.starts_with("application/json"))
    );
    let (s, _, b) = m.disable_org(&auth, "nope").await;
    assert_eq!(err(s, &b), (400, "ORG.0001", "Organization does not exist"));
    let (s, _, b) = m.disable_org(&auth, "org-enabled-child").await;
    assert_eq!(err(s, &b).1, "ORG.0024");
    let (s, _, b) = m.disable_org(&auth, "org-enabled-users").await;
    assert_eq!(
        err(s, &b),
        (
            400,
            "ORG.0026",
            "Existing non-disabled users in the current organization cannot be disabled"
        )
    );
    assert_eq!(m.disable_org(&auth, "org-children-off").await.0, 200);
}

#[tokio::test]
async fn dataarts_iam_token_delete_users_and_dayu_4402() {
    let m = Mock::start(None).await;
    let (s, token) = m.iam_token("mock-iam-password-88d1").await;
    assert_eq!(s, 201);
    let token = token.expect("X-Subject-Token");
    assert_eq!(m.iam_token("wrong").await.0, 401);
    let (s, b) = m
        .delete_users(
            Some(&token),
            r#"{"user_ids":["2d032145d82546b5b83cd7a6fd7d0afc"]}"#,
        )
        .await;
    assert_eq!((s, b), (200, json!({"message": null, "is_success": true})));
    let (s, b) = m.delete_users(Some(&token), "{}").await;
    assert_eq!((s, b["error_code"].as_str()), (400, Some("DAYU.4402")));
    assert!(
        b["error_msg"]
            .as_str()
            .is_some_and(|m| m.starts_with("The operation failed, detail msg "))
    );
    let (s, _) = m.delete_users(Some(&token), "{not json").await;
    assert_eq!(s, 400);
    // All or nothing: a member and a non-member are refused together, and the member stays.
    let (s, b) = m
        .delete_users(
            Some(&token),
            r#"{"user_ids":["5f1c2b7e09d34a5c8e6f7a8b9c0d1e2f","nobody"]}"#,
        )
        .await;
    assert_eq!((s, b["error_code"].as_str()), (400, Some("DAYU.4402")));
    let (s, b) = m
        .delete_users(
            Some(&token),
            r#"{"user_ids":["5f1c2b7e09d34a5c8e6f7a8b9c0d1e2f"]}"#,
        )
        .await;
    assert_eq!((s, b), (200, json!({"message": null, "is_success": true})));
    assert_eq!(m.delete_users(None, "{}").await.0, 401);
    assert_eq!(
        m.delete_users(Some("iam-expired-9c2e44d1"), "{}").await.0,
        401
    );
    assert_eq!(m.delete_users(Some("%%%"), "{}").await.0, 401);
}

/// The unbind page tells the client to send JSON; the mock refuses text/plain with 415 (its
/// own choice), and its lenient variant carries the request out, as a correct server may.
#[tokio::test]
async fn a_text_plain_unbind_is_refused_by_the_mock_and_carried_out_by_the_lenient_variant() {
    let path = format!(
        "/api/v2/tenant/applications/{OA_APP}/accounts/public-account/{OA_ACCOUNT}/users/unbind"
    );
    for (fault, expected) in [(None, 415), (Some(Fault::LenientContentType), 200)] {
        let m = Mock::start(fault).await;
        let auth = m.all().await;
        let (s, _, b) = m
            .send(
                m.http
                    .post(m.url(&path))
                    .header("authorization", &auth)
                    .header("content-type", "text/plain")
                    .body(r#"{"user_names":["cq04130006"]}"#),
            )
            .await;
        assert_eq!(s, expected, "{fault:?}: {b}");
    }
}

/// The new faults do what the catalogue says.
#[tokio::test]
async fn the_faults_of_open_and_implied_promises() {
    let m = Mock::start(Some(Fault::DeleteOrgIgnoresDisabledChildren)).await;
    let auth = m.all().await;
    assert_eq!(m.delete_org(&auth, "org-children-off").await.0, 204);
    assert_eq!(
        m.delete_org(&auth, "org-parent").await.0,
        400,
        "enabled children still count"
    );

    let m = Mock::start(Some(Fault::UnbindWhitespaceAppIdUnknown)).await;
    let auth = m.all().await;
    let names = json!({"user_names": ["cq04130006"]});
    let (s, b) = m.unbind(&auth, "%20", OA_ACCOUNT, names.clone()).await;
    assert_eq!(err(s, &b), (400, "APP.0001", "应用不存在"));
    let m = Mock::start(None).await;
    let auth = m.all().await;
    let (s, b) = m.unbind(&auth, "%20", OA_ACCOUNT, names.clone()).await;
    assert_eq!(err(s, &b), (400, "APP.0006", "应用ID不能为空"));

    let m = Mock::start(Some(Fault::UnbindWrongAccountId)).await;
    let auth = m.all().await;
    let (s, b) = m.unbind(&auth, OA_APP, OA_ACCOUNT, names).await;
    assert_eq!((s, &b), (200, &json!({"account_id": OA_APP})));

    let m = Mock::start(Some(Fault::OneaccessExpiredRefused403)).await;
    assert_eq!(
        m.delete_org("Bearer oa-expired-3f5d2c1b9a7e", "org-leaf")
            .await
            .0,
        403
    );
}

#[tokio::test]
async fn dayu_3531_only_through_a_fault() {
    let m = Mock::start(Some(Fault::DataartsBadRequest500)).await;
    let (_, token) = m.iam_token("mock-iam-password-88d1").await;
    let (s, b) = m.delete_users(token.as_deref(), "{}").await;
    assert_eq!((s, b["error_code"].as_str()), (500, Some("DAYU.3531")));
}

#[tokio::test]
async fn enos_token_flow_signature_and_every_documented_error() {
    let m = Mock::start(None).await;
    let secret = "mock-enos-secret-2b71f0";
    let ts = now_ms();
    let b = m.enos_token("ch-enos-app", secret, ts).await;
    assert_eq!(
        (b["status"].as_i64(), b["data"]["expire"].as_i64()),
        (Some(0), Some(7200))
    );
    assert_eq!(
        m.enos_token("ch-enos-app", secret, ts).await["status"],
        1001,
        "replayed encryption"
    );
    assert_eq!(m.enos_token("nobody", secret, ts + 1).await["status"], 1002);
    assert_eq!(
        m.enos_token("ch-enos-app", "wrong", ts + 2).await["status"],
        1003
    );
    let b = m.enos_token("ch-enos-app", secret, ts + 10).await;
    let token = b["data"]["accessToken"]
        .as_str()
        .expect("token")
        .to_string();

    let body = |u: &str, o: &str| json!({"userId": u, "organizationId": o});
    let (s, b) = m
        .enos_remove(&token, secret, &body("u-single-ou", "o15589240839351"))
        .await;
    assert_eq!(
        (s, b),
        (200, json!({"code": 0, "message": "OK", "data": true}))
    );
    for (request, code) in [
        (body("u-single-ou", "o15589240839351"), 31404), // removed from its only OU: gone
        (body("", "o15589240839351"), 31400),
        (json!({"organizationId": "o15589240839351"}), 31400),
        (body("u-locked-ou", "o15589240839359"), 31403),
        (body("u-two-ous", "nope"), 31404),
    ] {
        let (_, b) = m.enos_remove(&token, secret, &request).await;
        assert_eq!(b["code"], code, "{request}");
    }
    // Refusals: wrong signature, expired token, missing headers.
    assert_eq!(
        m.enos_remove(
            &token,
            "wrong-secret",
            &body("u-two-ous", "o15589240839352")
        )
        .await
        .0,
        401
    );
    assert_eq!(
        m.enos_remove(
            "apim-expired-71aa0c3e",
            secret,
            &body("u-two-ous", "o15589240839352")
        )
        .await
        .0,
        401
    );
    let (s, _, _) = m
        .send(
            m.http
                .post(m.url("/app-portal-service/v2.2/user/remove"))
                .body("{}"),
        )
        .await;
    assert_eq!(s, 401);
    // The two-OU user survives its first removal.
    assert_eq!(
        m.enos_remove(&token, secret, &body("u-two-ous", "o15589240839352"))
            .await
            .1["data"],
        true
    );
    assert_eq!(
        m.enos_remove(&token, secret, &body("u-two-ous", "o15589240839353"))
            .await
            .1["data"],
        true
    );
}

#[tokio::test]
async fn bad_input_gets_a_4xx_never_a_5xx() {
    let m = Mock::start(None).await;
    let auth = m.all().await;
    let big = format!(r#"{{"user_names":["{}"]}}"#, "x".repeat(2 << 20));
    let url = m.url(&format!(
        "/api/v2/tenant/applications/{OA_APP}/accounts/public-account/{OA_ACCOUNT}/users/unbind"
    ));
    let (s, _, _) = m
        .send(
            m.http
                .post(&url)
                .header("authorization", &auth)
                .header("content-type", "application/json")
                .body(big),
        )
        .await;
    assert_eq!(s, 413, "bodies are size-limited");
    let (s, _, _) = m
        .send(
            m.http
                .post(&url)
                .header("authorization", &auth)
                .header("content-type", "text/plain")
                .body("{}"),
        )
        .await;
    assert_eq!(s, 415);
    let (s, _, _) = m
        .send(
            m.http
                .delete(m.url("/api/v2/tenant/organizations/%FF%FE"))
                .header("authorization", &auth),
        )
        .await;
    assert_eq!(s, 400, "a path that is not UTF-8");
    let long = "é".repeat(5000);
    let (s, b) = m.delete_org(&auth, &long).await;
    assert_eq!(err(s, &b).1, "ORG.0001");
    let (s, _, _) = m
        .send(
            m.http
                .get(m.url("/api/v2/tenant/organizations/org-leaf"))
                .header("authorization", &auth),
        )
        .await;
    assert_eq!(s, 405);
    let (s, _, _) = m.send(m.http.get(m.url("/nowhere"))).await;
    assert_eq!(s, 404);
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let (s, _) = m
        .unbind(
            &auth,
            OA_APP,
            OA_ACCOUNT,
            serde_json::from_str::<Value>("null").expect("null"),
        )
        .await;
    assert_eq!(s, 400);
    let (s, _, _) = m
        .send(
            m.http
                .post(&url)
                .header("authorization", &auth)
                .header("content-type", "application/json")
                .body(deep),
        )
        .await;
    assert_eq!(s, 400, "deep nesting");
}

/// Arbitrary requests (methods, paths with odd segments, credentials good and bad, any body)
/// never get a 5xx and never hang.
#[test]
fn arbitrary_requests_never_get_a_5xx() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (m, bearer, iam) = rt.block_on(async {
        let m = Mock::start(None).await;
        let bearer = m.all().await;
        let (_, iam) = m.iam_token("mock-iam-password-88d1").await;
        (m, bearer, iam.expect("iam token"))
    });
    let segment = prop_oneof![
        Just(String::new()),
        Just(OA_APP.to_string()),
        Just(OA_ACCOUNT.to_string()),
        Just("org-parent".to_string()),
        Just("%00".to_string()),
        Just("%E4%B8%AD".to_string()),
        Just("..".to_string()),
        "[a-zA-Z0-9_.~-]{1,12}",
    ];
    let path = prop_oneof![
        (segment.clone(), segment.clone()).prop_map(|(a, b)| format!(
            "/api/v2/tenant/applications/{a}/accounts/public-account/{b}/users/unbind"
        )),
        segment
            .clone()
            .prop_map(|o| format!("/api/v2/tenant/organizations/{o}")),
        segment
            .clone()
            .prop_map(|o| format!("/api/v2/tenant/organizations/{o}/disable")),
        (segment.clone(), segment.clone()).prop_map(|(p, w)| format!("/v2/{p}/{w}/delete-users")),
        Just("/app-portal-service/v2.2/user/remove".to_string()),
        Just("/api/v2/tenant/token".to_string()),
        Just("/v3/auth/tokens".to_string()),
        Just("/apim-token-service/v2.0/token/get".to_string()),
        "/[a-z/]{0,20}",
    ];
    let method = prop_oneof![
        Just("GET"),
        Just("POST"),
        Just("PUT"),
        Just("DELETE"),
        Just("PATCH"),
        Just("OPTIONS")
    ];
    let body = prop_oneof![
        Just(Vec::new()),
        any::<Vec<u8>>(),
        Just(br#"{"user_names":["cq04130007"]}"#.to_vec()),
        Just(br#"{"user_ids":[null,1,{"a":[]}]}"#.to_vec()),
        Just(br#"{"userId":"u-two-ous","organizationId":"o15589240839352"}"#.to_vec()),
        "\\PC{0,40}".prop_map(String::into_bytes),
    ];
    let content_type = prop_oneof![
        Just(None),
        Just(Some("application/json")),
        Just(Some("text/plain")),
        Just(Some("application/x-www-form-urlencoded"))
    ];
    let auth = prop_oneof![Just(0u8), Just(1), Just(2), Just(3)];
    let mut runner = TestRunner::new(Config {
        cases: 400,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(
            &(method, path, body, content_type, auth),
            |(method, path, body, ct, auth)| {
                let status = rt.block_on(async {
                    let mut req = m
                        .http
                        .request(
                            reqwest::Method::from_bytes(method.as_bytes()).expect("method"),
                            m.url(&path),
                        )
                        .body(body)
                        .timeout(std::time::Duration::from_secs(5));
                    if let Some(ct) = ct {
                        req = req.header("content-type", ct);
                    }
                    req = match auth {
                        1 => req
                            .header("authorization", &bearer)
                            .header("x-auth-token", &iam),
                        2 => req
                            .header("authorization", "Bearer !!!")
                            .header("apim-accesstoken", "x")
                            .header("apim-timestamp", "1")
                            .header("apim-signature", "zz"),
                        3 => req.header("authorization", "Basic Zm9vOmJhcg=="),
                        _ => req,
                    };
                    req.send().await.map(|r| r.status().as_u16())
                });
                let status = status.map_err(|e| TestCaseError::fail(format!("no answer: {e}")))?;
                prop_assert!(status < 500, "{method} {path} answered {status}");
                Ok(())
            },
        )
        .expect("no 5xx");
}
