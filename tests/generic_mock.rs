//! The spec-driven mock over real loopback sockets, on the example petstore (`pets`: bearer,
//! `store`: api_key) and on the shipped OneAccess (oauth2 client credentials) and DataArts
//! (token request) specs: every documented success and error, refusals, consumption,
//! schema-invalid input; arbitrary requests never get a 5xx; every derived fault changes the
//! answer to at least one documented request.

use std::path::Path;

use contract_harness::contract::{self, SpecSet};
use contract_harness::mock::generic::request::Incoming;
use contract_harness::mock::generic::{
    GenericError, GenericFault, GenericMock, GenericSeed, honours,
};
use proptest::prelude::*;
use serde_json::{Value, json};

fn load(dir: &str) -> SpecSet {
    contract::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
        .expect("specs load")
        .specs
}

fn petstore() -> SpecSet {
    load("examples/petstore/specs")
}

fn mock(specs: &SpecSet, service: &str, fault: Option<GenericFault>) -> GenericMock {
    GenericMock::new(specs, service, GenericSeed::default(), fault).expect("generic mock")
}

/// One exchange: status and body (JSON, or the text as a JSON string, or null when empty).
#[derive(Debug, Clone, PartialEq)]
struct Got {
    status: u16,
    content_type: Option<String>,
    body: Value,
}

async fn call(
    base: &str,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: Option<&str>,
) -> Got {
    let client = reqwest::Client::new();
    let mut r = client.request(method.parse().expect("method"), format!("{base}{path}"));
    for (k, v) in headers {
        r = r.header(*k, v);
    }
    if let Some(b) = body {
        r = r.body(b.to_string());
    }
    let resp = r.send().await.expect("exchange");
    let status = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let bytes = resp.bytes().await.expect("body");
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or_else(|_| json!(String::from_utf8_lossy(&bytes)))
    };
    Got {
        status,
        content_type,
        body,
    }
}

fn bearer(m: &GenericMock, role: &str) -> (&'static str, String) {
    (
        "Authorization",
        format!("Bearer {}", m.credentials()[role]["token"]),
    )
}

fn api_key(m: &GenericMock, role: &str) -> (&'static str, String) {
    ("X-API-Key", m.credentials()[role]["key"].clone())
}

fn json_ct() -> (&'static str, String) {
    ("Content-Type", "application/json".into())
}

fn assert_error(got: &Got, status: u16, code: &str, message: &str) {
    assert_eq!(got.status, status, "{got:?}");
    assert_eq!(
        got.body,
        json!({"code": code, "message": message}),
        "{got:?}"
    );
}

/// A refusal in the error shape `{code, message}` (strings).
fn assert_refused(got: &Got, status: u16) {
    assert_eq!(got.status, status, "{got:?}");
    assert!(
        got.body["code"].is_string() && got.body["message"].is_string(),
        "{got:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pets_answers_every_documented_response_and_consumes_deleted_pets() {
    let specs = petstore();
    let m = mock(&specs, "pets", None);
    let pet = m.fixtures()["pet"]["pet_id"].clone();
    let busy = m.fixtures()["pet_with_open_orders"]["pet_id"].clone();
    assert_eq!(pet, "pet-1", "generated from the fixture name");
    let s = m.start(([127, 0, 0, 1], 0).into()).await.expect("start");
    let base = s.base_url();
    let auth = [bearer(&m, "default")];

    let got = call(&base, "GET", &format!("/v1/pets/{pet}"), &auth, None).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.content_type.as_deref(), Some("application/json"));
    assert_eq!(
        got.body,
        json!({"pet_id": pet, "name": "Rex", "status": "available", "tags": ["dog"]})
    );
    let schema = &specs
        .operation("get_pet")
        .expect("op")
        .success
        .body
        .json()
        .expect("body")
        .schema;
    assert!(
        jsonschema::is_valid(&schema.raw, &got.body),
        "the success validates"
    );

    assert_error(
        &call(&base, "DELETE", &format!("/v1/pets/{busy}"), &auth, None).await,
        409,
        "PET.409",
        "Pet has open orders",
    );
    assert_error(
        &call(&base, "GET", "/v1/pets/nobody", &auth, None).await,
        404,
        "PET.404",
        "Pet not found",
    );
    assert_error(
        &call(&base, "DELETE", "/v1/pets/nobody", &auth, None).await,
        404,
        "PET.404",
        "Pet not found",
    );

    let deleted = call(&base, "DELETE", &format!("/v1/pets/{pet}"), &auth, None).await;
    assert_eq!((deleted.status, deleted.body), (204, Value::Null));
    // Consumed: the same values now name nothing.
    assert_error(
        &call(&base, "DELETE", &format!("/v1/pets/{pet}"), &auth, None).await,
        404,
        "PET.404",
        "Pet not found",
    );
    assert_error(
        &call(&base, "GET", &format!("/v1/pets/{pet}"), &auth, None).await,
        404,
        "PET.404",
        "Pet not found",
    );
    // A refused delete consumes nothing.
    assert_error(
        &call(&base, "DELETE", &format!("/v1/pets/{busy}"), &auth, None).await,
        409,
        "PET.409",
        "Pet has open orders",
    );

    // A fresh instance starts from the seed again.
    let fresh = m.start(([127, 0, 0, 1], 0).into()).await.expect("start");
    assert_eq!(
        call(
            &fresh.base_url(),
            "GET",
            &format!("/v1/pets/{pet}"),
            &auth,
            None
        )
        .await
        .status,
        200
    );

    assert_refused(
        &call(&base, "GET", "/v1/nothing/here", &auth, None).await,
        404,
    );
    let wrong_method = call(&base, "PUT", &format!("/v1/pets/{busy}"), &auth, None).await;
    assert_refused(&wrong_method, 405);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pets_refuses_missing_malformed_wrong_expired_and_insufficient_tokens() {
    let specs = petstore();
    let m = mock(&specs, "pets", None);
    let pet = m.fixtures()["pet"]["pet_id"].clone();
    let s = m.start(([127, 0, 0, 1], 0).into()).await.expect("start");
    let base = s.base_url();
    let path = format!("/v1/pets/{pet}");
    let cases: Vec<(Headers, u16, &str)> = vec![
        (vec![], 401, "missing"),
        (
            vec![("Authorization", "Bearer %%% not a token %%%".into())],
            401,
            "malformed",
        ),
        (
            vec![("Authorization", "Basic abc".into())],
            401,
            "another scheme",
        ),
        (
            vec![("Authorization", format!("Bearer {}", "0".repeat(32)))],
            401,
            "never issued",
        ),
        (vec![bearer(&m, "expired")], 401, "expired"),
        (vec![bearer(&m, "read_only")], 403, "lacks pets:write"),
    ];
    let error_schema = &specs.services["pets"].errors.schema;
    for (headers, status, what) in cases {
        let got = call(&base, "DELETE", &path, &headers, None).await;
        assert_eq!(got.status, status, "{what}: {got:?}");
        assert!(
            jsonschema::is_valid(&error_schema.raw, &got.body),
            "{what}: {got:?}"
        );
    }
    assert!(m.credentials()["expired"]["token"].starts_with("expired-"));
    // Nothing refused was carried out; the read-only role may read.
    assert_eq!(
        call(&base, "GET", &path, &[bearer(&m, "read_only")], None)
            .await
            .status,
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_answers_documented_errors_schema_invalid_input_and_api_key_refusals() {
    let specs = petstore();
    let m = mock(&specs, "store", None);
    let pet = m.fixtures()["available_pet"]["pet_id"].clone();
    let s = m.start(([127, 0, 0, 1], 0).into()).await.expect("start");
    let base = s.base_url();
    let h = [api_key(&m, "default"), json_ct()];
    let order = |pet: &str, q: i64| json!({"pet_id": pet, "quantity": q}).to_string();

    let got = call(&base, "POST", "/orders", &h, Some(&order(&pet, 1))).await;
    assert_eq!(got.status, 201, "{got:?}");
    assert_eq!(
        got.body,
        json!({"order_id": "order-1", "pet_id": pet, "quantity": 1, "status": "placed"})
    );
    // Not destructive: the pet can be ordered again.
    assert_eq!(
        call(&base, "POST", "/orders", &h, Some(&order(&pet, 2)))
            .await
            .status,
        201
    );

    assert_error(
        &call(&base, "POST", "/orders", &h, Some(&order(&pet, 0))).await,
        400,
        "ORDER.400",
        "quantity must be at least 1",
    );
    assert_error(
        &call(&base, "POST", "/orders", &h, Some(&order("nobody", 1))).await,
        404,
        "ORDER.404",
        "Pet not found",
    );

    // Schema-invalid input gets the documented 400 of an input trigger.
    let invalid: Vec<(Vec<(&str, String)>, String)> = vec![
        (h.to_vec(), "{not json".into()),
        (h.to_vec(), "{\"pet_id\": 5}".into()),
        (
            h.to_vec(),
            json!({"pet_id": pet, "quantity": "1"}).to_string(),
        ),
        (
            h.to_vec(),
            json!({"pet_id": pet, "quantity": 1, "extra": true}).to_string(),
        ),
        (h.to_vec(), "[]".into()),
        (vec![api_key(&m, "default")], order(&pet, 1)),
        (
            vec![
                api_key(&m, "default"),
                ("Content-Type", "text/plain".into()),
            ],
            order(&pet, 1),
        ),
    ];
    for (headers, body) in invalid {
        let got = call(&base, "POST", "/orders", &headers, Some(&body)).await;
        assert_error(&got, 400, "ORDER.400", "quantity must be at least 1");
    }

    for (headers, status) in [
        (vec![json_ct()], 401),
        (vec![json_ct(), ("X-API-Key", "key-wrong".into())], 401),
        (vec![json_ct(), ("X-API-Key", String::new())], 401),
        (vec![json_ct(), api_key(&m, "reporting")], 403),
    ] {
        assert_refused(
            &call(&base, "POST", "/orders", &headers, Some(&order(&pet, 1))).await,
            status,
        );
    }
    assert!(
        !m.credentials().contains_key("expired"),
        "an API key scheme issues no tokens"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oauth2_and_token_request_services_are_served_from_their_specs() {
    let specs = load("specs");
    // OneAccess: client credentials in the form body, then Bearer.
    let m = mock(&specs, "oneaccess", None);
    let s = m.start(([127, 0, 0, 1], 0).into()).await.expect("start");
    let base = s.base_url();
    let c = &m.credentials()["default"];
    let form = format!(
        "grant_type=client_credentials&client_id={}&client_secret={}",
        c["client_id"], c["client_secret"]
    );
    let form_ct = (
        "Content-Type",
        "application/x-www-form-urlencoded".to_string(),
    );
    let tok = call(
        &base,
        "POST",
        "/api/v2/tenant/token",
        std::slice::from_ref(&form_ct),
        Some(&form),
    )
    .await;
    assert_eq!(tok.status, 200, "{tok:?}");
    assert_eq!(tok.body["expires_in"], json!(1800));
    let token = tok.body["access_token"]
        .as_str()
        .expect("token")
        .to_string();
    let auth = vec![
        ("Authorization", format!("Bearer {token}")),
        (
            "Content-Type",
            "application/json; charset=utf-8".to_string(),
        ),
    ];
    let leaf = m.fixtures()["org_leaf"]["org_id"].clone();
    let parent = m.fixtures()["org_with_children"]["org_id"].clone();
    // A token obtained from one instance opens another.
    let other = m.start(([127, 0, 0, 1], 0).into()).await.expect("start");
    let path = format!("/api/v2/tenant/organizations/{leaf}");
    assert_eq!(
        call(&other.base_url(), "DELETE", &path, &auth, None)
            .await
            .status,
        204
    );
    let refused = call(
        &base,
        "DELETE",
        &format!("/api/v2/tenant/organizations/{parent}"),
        &auth,
        None,
    )
    .await;
    assert_eq!(
        (refused.status, refused.body["error_code"].clone()),
        (400, json!("ORG.0020"))
    );
    let bad = form.replace("client_secret=", "client_secret=x");
    assert_eq!(
        call(
            &base,
            "POST",
            "/api/v2/tenant/token",
            &[form_ct],
            Some(&bad)
        )
        .await
        .status,
        401
    );
    assert_eq!(
        call(&base, "DELETE", &path, &[bearer(&m, "expired")], None)
            .await
            .status,
        401
    );

    // DataArts: the templated IAM request; the token comes back in X-Subject-Token.
    let m = mock(&specs, "dataarts", None);
    let s = m.start(([127, 0, 0, 1], 0).into()).await.expect("start");
    let c = &m.credentials()["default"];
    let body = json!({"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": c["user"], "password": c["password"], "domain": {"name": c["domain"]}}}}}});
    let client = reqwest::Client::new();
    let resp = client
        .post(format!("{}/v3/auth/tokens", s.base_url()))
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("token");
    assert_eq!(resp.status().as_u16(), 201);
    let token = resp.headers()["x-subject-token"]
        .to_str()
        .expect("token")
        .to_string();
    let ws = &m.fixtures()["workspace_with_members"];
    let op = specs.operation("delete_workspace_users").expect("op");
    let path = op
        .path
        .replace("{project_id}", &ws["project_id"])
        .replace("{workspace_id}", &ws["workspace_id"]);
    let case_body = serde_json::to_string(&op.success.case.body).expect("body");
    let case_body = ws
        .iter()
        .fold(case_body, |b, (k, v)| b.replace(&format!("{{{{{k}}}}}"), v));
    let got = call(
        &s.base_url(),
        "POST",
        &path,
        &[("X-Auth-Token", token), json_ct()],
        Some(&case_body),
    )
    .await;
    assert_eq!(got.status, 200, "{got:?}");
    assert_eq!(
        got.body["is_success"],
        json!(true),
        "success.case.fields hold"
    );

    // EnOS signs its requests: only the hand-written mock serves it.
    let e = GenericMock::new(&specs, "enos", GenericSeed::default(), None).expect_err("signed");
    assert!(matches!(e, GenericError::Signed { .. }), "{e}");
    assert!(e.to_string().contains("signed"), "{e}");
}

#[test]
fn sequences_are_honoured_only_where_the_triggers_tell_the_whole_rule() {
    let pets = petstore();
    let op = pets.operation("delete_pet").expect("op");
    assert_eq!(honours(&pets, "pets", &op.sequences[0]), Ok(()));
    let shipped = load("specs");
    let del = shipped.operation("delete_organization").expect("op");
    let by_name = |n: &str| {
        del.sequences
            .iter()
            .find(|s| s.name == n)
            .expect("sequence")
    };
    assert_eq!(
        honours(&shipped, "oneaccess", by_name("deleted_stays_deleted")),
        Ok(())
    );
    let why = honours(
        &shipped,
        "oneaccess",
        by_name("parent_deletable_after_child"),
    )
    .expect_err("a business rule");
    assert!(why.contains("step 2") && why.contains("binds"), "{why}");
}

/// Request headers.
type Headers = Vec<(&'static str, String)>;

/// Method, path segments, query, body, and whether the default credential goes along.
type RawRequest = (String, Vec<String>, Vec<(String, String)>, Vec<u8>, bool);

/// One request of a probe script: method, path, headers, body.
type Probe = (String, String, Vec<(&'static str, String)>, Option<String>);

/// The documented requests of a service, per operation (each part runs on a fresh instance),
/// in an order that reveals consumption: the success, without credentials, each error's
/// triggers, the success again.
fn probe_script(specs: &SpecSet, service: &str, m: &GenericMock) -> Vec<Vec<Probe>> {
    let cred = |role: &str| match service {
        "pets" => vec![bearer(m, role)],
        _ => vec![api_key(m, role), json_ct()],
    };
    let mut all = Vec::new();
    for op in specs.operations.iter().filter(|o| o.service == service) {
        let path_for = |fixture: &str, unknown: bool| {
            let values = &m.fixtures()[fixture];
            let mut p = format!("{}{}", specs.services[service].base_path, op.path);
            for (k, v) in values {
                p = p.replace(&format!("{{{k}}}"), if unknown { "nobody" } else { v });
            }
            p
        };
        let body_for = |fixture: &str, change: Option<(&str, Value)>, unknown: bool| {
            op.success.case.body.as_ref().map(|b| {
                let mut text = b.to_string();
                for (k, v) in &m.fixtures()[fixture] {
                    text =
                        text.replace(&format!("{{{{{k}}}}}"), if unknown { "nobody" } else { v });
                }
                let mut body: Value = serde_json::from_str(&text).expect("json");
                if let Some((k, v)) = change {
                    body[k] = v;
                }
                body.to_string()
            })
        };
        let f = &op.success.case.fixture;
        let mut out_op = Vec::new();
        let out = &mut out_op;
        out.push((
            op.method.clone(),
            path_for(f, false),
            cred("default"),
            body_for(f, None, false),
        ));
        out.push((
            op.method.clone(),
            path_for(f, false),
            vec![],
            body_for(f, None, false),
        ));
        for e in &op.errors {
            for t in e.all_triggers() {
                let (fixture, unknown, change) = match t {
                    contract::Trigger::Fixture(g) => (g.as_str(), false, None),
                    contract::Trigger::Unknown(_) => (f.as_str(), true, None),
                    contract::Trigger::Input(c) => {
                        let (k, v) = c.body.iter().next().expect("a body change");
                        (f.as_str(), false, Some((k.as_str(), v.clone())))
                    }
                    contract::Trigger::NotProvokable(_) | contract::Trigger::Todo(_) => continue,
                };
                out.push((
                    op.method.clone(),
                    path_for(fixture, unknown),
                    cred("default"),
                    body_for(fixture, change, unknown),
                ));
            }
        }
        // Again after the success: a consumed fixture answers its `unknown` error.
        out.push((
            op.method.clone(),
            path_for(f, false),
            cred("default"),
            body_for(f, None, false),
        ));
        all.push(out_op);
    }
    all
}

async fn run_script(m: &GenericMock, script: &[Vec<Probe>]) -> Vec<Got> {
    let mut out = Vec::new();
    for part in script {
        let s = m.start(([127, 0, 0, 1], 0).into()).await.expect("start");
        for (method, path, headers, body) in part {
            out.push(call(&s.base_url(), method, path, headers, body.as_deref()).await);
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_derived_fault_changes_the_answer_to_a_documented_request() {
    let specs = petstore();
    for service in ["pets", "store"] {
        let correct = mock(&specs, service, None);
        let script = probe_script(&specs, service, &correct);
        let baseline = run_script(&correct, &script).await;
        let catalogue = GenericFault::catalogue(&specs, service);
        assert!(catalogue.len() >= 8, "{service}: {catalogue:?}");
        for fault in catalogue {
            assert_eq!(
                GenericFault::parse(&specs, service, &fault.name())
                    .ok()
                    .as_ref(),
                Some(&fault)
            );
            let faulty = mock(&specs, service, Some(fault.clone()));
            let got = run_script(&faulty, &script).await;
            assert_ne!(
                got, baseline,
                "fault {fault} changes no answer of the probe script"
            );
        }
    }
    let names: Vec<String> = GenericFault::catalogue(&specs, "pets")
        .iter()
        .map(GenericFault::name)
        .collect();
    for expected in [
        "delete_pet-success-wrong-status",
        "delete_pet-auth-skipped",
        "delete_pet-consumption-not-persisted",
        "delete_pet-PET.404-wrong-status",
        "delete_pet-PET.409-wrong-code",
        "delete_pet-PET.409-changed-message",
        "get_pet-success-missing-pet_id",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
    assert!(GenericFault::parse(&specs, "pets", "delete_pet-nope").is_err());
}

fn arbitrary_request() -> impl Strategy<Value = RawRequest> {
    let method = prop::sample::select(vec!["GET", "POST", "DELETE", "PUT", "PATCH", "OPTIONS"])
        .prop_map(str::to_string);
    let segment = prop_oneof![
        Just("v1".to_string()),
        Just("pets".to_string()),
        Just("orders".to_string()),
        Just("pet-1".to_string()),
        Just("available-pet-1".to_string()),
        ".{0,12}",
    ];
    let body = prop_oneof![
        any::<Vec<u8>>(),
        Just(b"{\"pet_id\":\"available-pet-1\",\"quantity\":1}".to_vec()),
        (".{0,8}", any::<i64>())
            .prop_map(|(p, q)| json!({"pet_id": p, "quantity": q}).to_string().into_bytes()),
        any::<Option<bool>>().prop_map(|b| json!({"pet_id": b, "quantity": [b]})
            .to_string()
            .into_bytes()),
    ];
    (
        method,
        prop::collection::vec(segment, 0..5),
        prop::collection::vec(("[a-zA-Z_]{1,8}", ".{0,8}"), 0..3),
        body,
        any::<bool>(),
    )
}

/// The two petstore mocks, built once for every input of the property.
static MOCKS: std::sync::LazyLock<Vec<GenericMock>> = std::sync::LazyLock::new(|| {
    let specs = petstore();
    vec![mock(&specs, "pets", None), mock(&specs, "store", None)]
});

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]
    #[test]
    fn arbitrary_requests_never_get_a_server_error((method, segments, query, body, authed) in arbitrary_request()) {
        for m in MOCKS.iter() {
            let service = m.service();
            let mut state = m.fresh_state();
            let mut headers = axum::http::HeaderMap::new();
            if authed {
                let (k, v) = if service == "pets" { bearer(m, "default") } else { api_key(m, "default") };
                headers.insert(k, v.parse().expect("header"));
                headers.insert("content-type", "application/json".parse().expect("header"));
            }
            let req = Incoming { method: method.clone(), segments: segments.clone(), query: query.clone(), headers, body: body.clone().into() };
            let a = m.shared().answer(&mut state, &req);
            prop_assert!(a.status < 500, "{service} {method} /{} answered {}", segments.join("/"), a.status);
            if !a.body.is_empty() {
                prop_assert!(serde_json::from_slice::<Value>(&a.body).is_ok(), "every body is JSON");
            }
        }
    }
}

#[test]
fn generic_seed_files_override_the_generated_values() {
    let specs = petstore();
    let seed = GenericSeed::parse("pets:\n  fixtures:\n    pet: { pet_id: rex }\n  credentials:\n    default: { token: local-token }\n", "seed.yaml").expect("seed");
    let m = GenericMock::new(&specs, "pets", seed.clone(), None).expect("mock");
    assert_eq!(m.fixtures()["pet"]["pet_id"], "rex");
    assert_eq!(
        m.fixtures()["pet_with_open_orders"]["pet_id"],
        "pet-with-open-orders-1"
    );
    assert_eq!(m.credentials()["default"]["token"], "local-token");
    assert_eq!(
        m.credentials()["read_only"]["token"].len(),
        32,
        "the others generated"
    );
    let all = seed.complete(&specs).expect("complete");
    assert_eq!(
        all.fixtures()["store"]["available_pet"]["pet_id"],
        "available-pet-1"
    );
    assert!(all.credentials()["store"]["default"]["key"].starts_with("key-"));
    let misspelt = GenericSeed::parse(
        "pets:\n  fixtures:\n    pets: { pet_id: rex }\n",
        "seed.yaml",
    )
    .expect("parses");
    let e = GenericMock::new(&specs, "pets", misspelt, None).expect_err("unknown fixture");
    assert!(e.to_string().contains("no fixture `pets`"), "{e}");
}

/// Kills the standalone mock when the test ends, passed or not.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_standalone_command_serves_each_service_on_loopback_with_its_credentials() {
    use std::io::BufRead;
    let mut child = Child(
        std::process::Command::new(env!("CARGO_BIN_EXE_contract-harness"))
            .args([
                "mock",
                "--specs",
                "examples/petstore/specs",
                "--port",
                "0",
                "--quiet",
            ])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn"),
    );
    let stderr = child.0.stderr.take().expect("stderr");
    let mut lines = std::io::BufReader::new(stderr).lines();
    let (mut bases, mut tokens, mut pets) = (Vec::new(), Vec::new(), Vec::new());
    while bases.len() < 2 || tokens.is_empty() || pets.is_empty() {
        let line = lines.next().expect("the banner").expect("a line");
        if let Some(url) = line.split(" listening on ").nth(1) {
            bases.push(url.to_string());
        } else if let Some(t) = line.strip_prefix("  credential default: token=") {
            tokens.push(t.to_string());
        } else if let Some(p) = line.strip_prefix("  fixture pet: pet_id=") {
            pets.push(p.to_string());
        }
    }
    assert!(
        bases.iter().all(|b| b.starts_with("http://127.0.0.1:")),
        "{bases:?}"
    );
    let pets_base = &bases[0];
    let got = call(
        pets_base,
        "GET",
        &format!("/v1/pets/{}", pets[0]),
        &[("Authorization", format!("Bearer {}", tokens[0]))],
        None,
    )
    .await;
    assert_eq!(got.status, 200, "{got:?}");
    assert_eq!(got.body["pet_id"], json!(pets[0]));
    assert_eq!(
        call(pets_base, "GET", "/v1/pets/x", &[], None).await.status,
        401
    );
}

/// Starts `contract-harness mock --specs DIR` with `args`, waiting for its banner: the child,
/// its base URL and the credential lines (`role` → `token`).
fn standalone(
    dir: &str,
    args: &[&str],
) -> (Child, String, std::collections::BTreeMap<String, String>) {
    use std::io::BufRead;
    let mut child = Child(
        std::process::Command::new(env!("CARGO_BIN_EXE_contract-harness"))
            .args(["mock", "--specs", dir, "--port", "0", "--quiet"])
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn"),
    );
    let stderr = child.0.stderr.take().expect("stderr");
    let mut lines = std::io::BufReader::new(stderr).lines();
    let mut base = String::new();
    let mut tokens = std::collections::BTreeMap::new();
    // The banner: the URL, two fixtures, four credentials (default, expired, guest, read_only).
    while tokens.len() < 4 {
        let line = lines.next().expect("the banner").expect("a line");
        if let Some(url) = line.split(" listening on ").nth(1) {
            base = url.to_string();
        } else if let Some(rest) = line.strip_prefix("  credential ") {
            let (role, token) = rest.split_once(": token=").expect("a token line");
            tokens.insert(role.to_string(), token.to_string());
        }
    }
    // Keep draining stderr so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, base, tokens)
}

/// Runs the whole suite of the `pets` specs against a standalone generic mock as a live target
/// (target file, credentials from the environment, `POST /__reset` before each consuming case);
/// the names of the cases that failed.
fn suite_against_standalone(fault: Option<&str>) -> (bool, Vec<String>, String) {
    let dir = "examples/petstore/specs/pets";
    let args: Vec<&str> = fault.map(|f| vec!["--fault", f]).unwrap_or_default();
    let (_child, base, tokens) = standalone(dir, &args);
    let work = std::env::temp_dir().join(format!(
        "generic-mock-{}-{}",
        std::process::id(),
        fault.unwrap_or("none")
    ));
    std::fs::create_dir_all(&work).expect("dir");
    let target = work.join("target.yaml");
    std::fs::write(
        &target,
        format!(
            "name: generic\nbase_urls: {{ pets: \"{base}\" }}\nfixtures:\n  pets:\n    pet: {{ pet_id: pet-1 }}\n    pet_with_open_orders: {{ pet_id: pet-with-open-orders-1 }}\ndestructive_fixtures: {{ pets: [pet, pet_with_open_orders] }}\nreset: {{ method: POST, path: /__reset, status: 204, service: pets }}\ncredentials:\n  pets:\n    default: {{ token: GM_DEFAULT }}\n    read_only: {{ token: GM_READ_ONLY }}\n    guest: {{ token: GM_GUEST }}\n    expired: {{ token: GM_EXPIRED }}\n"
        ),
    )
    .expect("target");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_contract-harness"))
        .args(["run", "--specs", dir])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("CONTRACT_BASE_URL")
        .env("CONTRACT_TARGET", &target)
        .env("CONTRACT_SNAPSHOTS", "off")
        .env("CONTRACT_REPORT_DIR", work.join("reports"))
        .env("CONTRACT_PROPTEST_CASES", "8")
        // An ignored case fails the run, wherever the test runs.
        .env("CONTRACT_FAIL_ON_IGNORED", "1")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env_remove("CI")
        .env_remove("CONTRACT_MOCK_FAULT")
        .env("GM_DEFAULT", &tokens["default"])
        .env("GM_READ_ONLY", &tokens["read_only"])
        .env("GM_GUEST", &tokens["guest"])
        .env("GM_EXPIRED", &tokens["expired"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let failed = stdout
        .lines()
        .filter(|l| l.ends_with("... FAILED"))
        .filter_map(|l| l.split_whitespace().nth(2).map(str::to_string))
        .collect();
    let _ = std::fs::remove_dir_all(&work);
    (out.status.success(), failed, stdout.into_owned())
}

#[test]
fn the_harness_suite_passes_against_the_generic_mock_and_catches_its_faults() {
    let (ok, failed, stdout) = suite_against_standalone(None);
    assert!(
        ok && failed.is_empty(),
        "the correct generic mock fails: {failed:?}"
    );
    assert!(
        stdout.contains("test result: ok. 41 passed; 0 failed; 0 ignored"),
        "every case of pets runs and passes:\n{stdout}"
    );
    for (fault, caught_by) in [
        (
            "delete_pet-consumption-not-persisted",
            "pets::delete_pet::stateful::deleted_stays_deleted",
        ),
        ("get_pet-auth-skipped", "pets::get_pet::auth::missing"),
        (
            "delete_pet-PET.409-changed-message",
            "pets::delete_pet::error::PET.409",
        ),
        (
            "get_pet-success-missing-pet_id",
            "pets::get_pet::success::documented",
        ),
    ] {
        let (ok, failed, _) = suite_against_standalone(Some(fault));
        assert!(
            !ok && failed.iter().any(|c| c == caught_by),
            "{fault}: {failed:?}"
        );
    }
}
