//! Every auth scheme against small loopback servers written here (not the mock): the request
//! carries exactly the credential the scheme declares (bearer, api_key in a header, query or
//! cookie, basic), OAuth 2.0 client credentials with the client in the body or as Basic and a
//! scope, on the service's host or another, token requests answered in a header or at a JSON
//! pointer, with a JSON or a form body; one token fetch per role under concurrency; and the
//! refused variants each scheme makes.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use contract_harness::contract::{self, SpecSet};
use contract_harness::exec::auth::{TokenCache, apply, apply_cred, for_role};
use contract_harness::exec::client::Client;
use contract_harness::exec::request::Prepared;
use contract_harness::exec::target::Target;
use contract_harness::generate::Cred;
use serde_json::{Value, json};

/// A request as the server read it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    uri: String,
    headers: BTreeMap<String, String>,
    body: String,
}

type Answer = Arc<dyn Fn(&Seen) -> (u16, Vec<(&'static str, String)>, String) + Send + Sync>;

#[derive(Clone)]
struct Recorder {
    seen: Arc<Mutex<Vec<Seen>>>,
    answer: Answer,
}

async fn record(State(r): State<Recorder>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let body = to_bytes(body, 1 << 20).await.unwrap_or_default();
    let seen = Seen {
        method: parts.method.to_string(),
        uri: parts.uri.to_string(),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    v.to_str().unwrap_or_default().to_string(),
                )
            })
            .collect(),
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    let (status, headers, text) = (r.answer)(&seen);
    r.seen.lock().expect("lock").push(seen);
    let mut resp = Response::builder().status(StatusCode::from_u16(status).expect("status"));
    for (k, v) in headers {
        resp = resp.header(k, v);
    }
    resp.header("content-type", "application/json")
        .body(Body::from(text))
        .expect("response")
        .into_response()
}

/// A loopback server answering every request with `answer`, recording what it read.
async fn serve(answer: Answer) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let app = axum::Router::new().fallback(record).with_state(Recorder {
        seen: seen.clone(),
        answer,
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (base, seen)
}

fn ok(body: Value) -> Answer {
    Arc::new(move |_| (200, vec![], body.to_string()))
}

/// The shipped specs with `dataarts` declaring `auth` instead of its own scheme.
fn specs_with(auth: Value) -> SpecSet {
    let mut loaded = contract::load(std::path::Path::new("specs")).expect("specs");
    let svc = loaded.specs.services.get_mut("dataarts").expect("dataarts");
    svc.auth = serde_json::from_value(auth).expect("scheme");
    loaded.specs
}

fn temp(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ch-auth-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

/// A live target on `base` whose dataarts roles have these values (through variables).
fn target(tag: &str, base: &str, specs: &SpecSet, roles: Value) -> Target {
    let dir = temp(tag);
    let mut vars = BTreeMap::new();
    let mut mapped = serde_json::Map::new();
    for (role, values) in roles.as_object().expect("roles") {
        let mut m = serde_json::Map::new();
        for (k, v) in values.as_object().expect("values") {
            let var = format!("AUTH_{}_{}", role.to_uppercase(), k.to_uppercase());
            vars.insert(var.clone(), v.as_str().expect("string").to_string());
            m.insert(k.clone(), json!(var));
        }
        mapped.insert(role.clone(), Value::Object(m));
    }
    let file = dir.join("target.yaml");
    let doc = json!({"name": tag, "timeout_seconds": 5, "credentials": {"dataarts": mapped}});
    std::fs::write(&file, doc.to_string()).expect("write");
    let env = move |v: &str| vars.get(v).cloned();
    let t = Target::live(Some(&file), base, &env, specs).expect("target");
    let _ = std::fs::remove_dir_all(&dir);
    t
}

fn get(path: &str) -> Prepared {
    Prepared {
        method: "GET".into(),
        path: path.into(),
        headers: vec![],
        body: None,
    }
}

/// Sends `req` with the role's credential (or the variant) and returns what the server read.
async fn sent(
    specs: &SpecSet,
    target: &Target,
    base: &str,
    mut req: Prepared,
    cred: Cred,
    seen: &Mutex<Vec<Seen>>,
) -> Seen {
    let client = Client::new(&target.limits).expect("client");
    let tokens = TokenCache::new();
    let svc = &specs.services["dataarts"];
    apply_cred(&mut req, &cred, &client, &tokens, target, svc)
        .await
        .expect("credential");
    client.send(base, &req).await.expect("sent");
    seen.lock()
        .expect("lock")
        .last()
        .cloned()
        .expect("a request")
}

fn role() -> Cred {
    Cred::Role("default".into())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bearer_sends_the_token_and_its_variants() {
    let specs = specs_with(json!({"scheme": "bearer"}));
    let (base, seen) = serve(ok(json!({}))).await;
    let t = target(
        "bearer",
        &base,
        &specs,
        json!({"default": {"token": "tok-live-51a0"}, "expired": {"token": "tok-old-77c3"}}),
    );
    let s = sent(&specs, &t, &base, get("/pets/1"), role(), &seen).await;
    assert_eq!(s.headers["authorization"], "Bearer tok-live-51a0");
    let s = sent(&specs, &t, &base, get("/pets/1"), Cred::Expired, &seen).await;
    assert_eq!(s.headers["authorization"], "Bearer tok-old-77c3");
    let s = sent(&specs, &t, &base, get("/pets/1"), Cred::Missing, &seen).await;
    assert!(!s.headers.contains_key("authorization"));
    let s = sent(&specs, &t, &base, get("/pets/1"), Cred::Malformed, &seen).await;
    assert_eq!(s.headers["authorization"], "Bearer %%% not a token %%%");
    let s = sent(&specs, &t, &base, get("/pets/1"), Cred::Wrong, &seen).await;
    let wrong = &s.headers["authorization"];
    assert!(
        wrong.starts_with("Bearer ") && !wrong.contains("tok-live"),
        "{wrong}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_keys_go_in_a_header_the_query_or_a_cookie() {
    let (base, seen) = serve(ok(json!({}))).await;
    let key = "k3y/with space&=";
    let header = specs_with(json!({"scheme": "api_key", "in": "header", "name": "X-API-Key"}));
    let t = target(
        "key-header",
        &base,
        &header,
        json!({"default": {"key": key}}),
    );
    let s = sent(&header, &t, &base, get("/pets"), role(), &seen).await;
    assert_eq!(s.headers["x-api-key"], key);
    assert!(!s.headers.contains_key("authorization"));

    let query = specs_with(json!({"scheme": "api_key", "in": "query", "name": "api_key"}));
    let t = target("key-query", &base, &query, json!({"default": {"key": key}}));
    let s = sent(&query, &t, &base, get("/pets?limit=2"), role(), &seen).await;
    assert_eq!(s.uri, "/pets?limit=2&api_key=k3y%2Fwith%20space%26%3D");
    let s = sent(&query, &t, &base, get("/pets"), Cred::Wrong, &seen).await;
    assert!(
        s.uri.starts_with("/pets?api_key=") && !s.uri.contains("k3y"),
        "{}",
        s.uri
    );
    let s = sent(&query, &t, &base, get("/pets"), Cred::Missing, &seen).await;
    assert_eq!(s.uri, "/pets");

    let cookie = specs_with(json!({"scheme": "api_key", "in": "cookie", "name": "sid"}));
    let t = target(
        "key-cookie",
        &base,
        &cookie,
        json!({"default": {"key": key}}),
    );
    let mut req = get("/pets");
    req.headers.push(("Cookie".into(), "theme=dark".into()));
    let s = sent(&cookie, &t, &base, req, role(), &seen).await;
    assert_eq!(
        s.headers["cookie"],
        "theme=dark; sid=k3y%2Fwith%20space%26%3D"
    );
    let s = sent(&cookie, &t, &base, get("/pets"), Cred::Malformed, &seen).await;
    assert_eq!(
        s.headers["cookie"],
        "sid=%25%25%25%20not%20a%20token%20%25%25%25"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn basic_sends_username_and_password_and_a_wrong_password_for_wrong() {
    let specs = specs_with(json!({"scheme": "basic"}));
    let (base, seen) = serve(ok(json!({}))).await;
    let t = target(
        "basic",
        &base,
        &specs,
        json!({"default": {"username": "Aladdin", "password": "open sesame"}}),
    );
    // printf '%s' 'Aladdin:open sesame' | base64
    let s = sent(&specs, &t, &base, get("/"), role(), &seen).await;
    assert_eq!(
        s.headers["authorization"],
        "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
    );
    let s = sent(&specs, &t, &base, get("/"), Cred::Wrong, &seen).await;
    // printf '%s' 'Aladdin:not-the-password-0f1e2d3c' | base64
    assert_eq!(
        s.headers["authorization"],
        "Basic QWxhZGRpbjpub3QtdGhlLXBhc3N3b3JkLTBmMWUyZDNj"
    );
    let s = sent(&specs, &t, &base, get("/"), Cred::Malformed, &seen).await;
    assert_eq!(s.headers["authorization"], "Basic %%% not a token %%%");
}

/// A token endpoint on `path` and an API everywhere else; the token endpoint answers `token`.
fn token_then_ok(path: &'static str, token: Value, header: Option<&'static str>) -> Answer {
    Arc::new(move |s: &Seen| {
        if s.uri == path {
            let headers = header
                .map(|h| vec![(h, "hdr-token-9d1e".to_string())])
                .unwrap_or_default();
            (201, headers, token.to_string())
        } else {
            (200, vec![], "{}".into())
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oauth2_client_in_the_body_or_as_basic_with_a_scope() {
    let (base, seen) = serve(token_then_ok(
        "/oauth/token",
        json!({"data": {"jwt": "oa-token-1c2d"}, "ttl": 120}),
        None,
    ))
    .await;
    let roles = json!({"default": {"client_id": "my app", "client_secret": "s&cr3t-v4lue"}});
    let body = specs_with(json!({
        "scheme": "oauth2_client_credentials", "token_path": "/oauth/token",
        "token_pointer": "/data/jwt", "lifetime_pointer": "/ttl"
    }));
    let t = target("oauth-body", &base, &body, roles.clone());
    let s = sent(&body, &t, &base, get("/pets"), role(), &seen).await;
    assert_eq!(s.headers["authorization"], "Bearer oa-token-1c2d");
    let all = seen.lock().expect("lock").clone();
    let token = &all[all.len() - 2];
    assert_eq!(
        (token.method.as_str(), token.uri.as_str()),
        ("POST", "/oauth/token")
    );
    assert_eq!(
        token.headers["content-type"],
        "application/x-www-form-urlencoded"
    );
    assert_eq!(
        token.body,
        "grant_type=client_credentials&client_id=my+app&client_secret=s%26cr3t-v4lue"
    );
    assert!(!token.headers.contains_key("authorization"));

    let basic = specs_with(json!({
        "scheme": "oauth2_client_credentials", "token_path": "/oauth/token",
        "client_auth": "basic", "scope": "pets:read pets:write", "token_pointer": "/data/jwt"
    }));
    let t = target("oauth-basic", &base, &basic, roles);
    sent(&basic, &t, &base, get("/pets"), role(), &seen).await;
    let all = seen.lock().expect("lock").clone();
    let token = &all[all.len() - 2];
    assert_eq!(
        token.body,
        "grant_type=client_credentials&scope=pets%3Aread+pets%3Awrite"
    );
    // printf '%s' 'my+app:s%26cr3t-v4lue' | base64
    assert_eq!(
        token.headers["authorization"],
        "Basic bXkrYXBwOnMlMjZjcjN0LXY0bHVl"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oauth2_token_url_may_be_another_host() {
    let (idp, idp_seen) = serve(ok(json!({"access_token": "idp-token-0e9f"}))).await;
    let (base, seen) = serve(ok(json!({}))).await;
    let specs = specs_with(json!({
        "scheme": "oauth2_client_credentials", "token_url": format!("{idp}/realms/x/token")
    }));
    let t = target(
        "oauth-idp",
        &base,
        &specs,
        json!({"default": {"client_id": "c", "client_secret": "idp-secret-5b"}}),
    );
    let s = sent(&specs, &t, &base, get("/pets"), role(), &seen).await;
    assert_eq!(s.headers["authorization"], "Bearer idp-token-0e9f");
    assert_eq!(
        seen.lock().expect("lock").len(),
        1,
        "no token request to the API"
    );
    let asked = idp_seen.lock().expect("lock").clone();
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].uri, "/realms/x/token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_requests_by_header_by_pointer_and_with_a_form_body() {
    let roles = json!({"default": {"user": "ann", "password": "pa55/word", "tenant": "acme"}});
    // JSON body, token in a response header, applied with no prefix.
    let (base, seen) = serve(token_then_ok(
        "/v3/auth/tokens",
        json!({}),
        Some("X-Subject-Token"),
    ))
    .await;
    let header = specs_with(json!({
        "scheme": "token_request",
        "request": {"method": "POST", "path": "/v3/auth/tokens", "content_type": "application/json",
                    "headers": {"X-Tenant": "{{tenant}}"},
                    "body": {"auth": {"user": "{{user}}", "password": "{{password}}"}}},
        "values": ["user", "password", "tenant"], "secrets": ["password"],
        "token": {"header": "X-Subject-Token"}, "lifetime_seconds": 600,
        "apply": {"header": "X-Auth-Token"}
    }));
    let t = target("tr-header", &base, &header, roles.clone());
    let s = sent(&header, &t, &base, get("/pets"), role(), &seen).await;
    assert_eq!(s.headers["x-auth-token"], "hdr-token-9d1e");
    let all = seen.lock().expect("lock").clone();
    let token = &all[all.len() - 2];
    assert_eq!(token.headers["x-tenant"], "acme");
    assert_eq!(token.headers["content-type"], "application/json");
    let body: Value = serde_json::from_str(&token.body).expect("json");
    assert_eq!(
        body,
        json!({"auth": {"user": "ann", "password": "pa55/word"}})
    );
    let s = sent(&header, &t, &base, get("/pets"), Cred::Malformed, &seen).await;
    assert_eq!(s.headers["x-auth-token"], "%%% not a token %%%");

    // Form body, token at a pointer, applied with a prefix.
    let (base, seen) = serve(token_then_ok(
        "/login/acme",
        json!({"result": {"token": "ptr-token-4b4c", "expires_in": 90}}),
        None,
    ))
    .await;
    let form = specs_with(json!({
        "scheme": "token_request",
        "request": {"method": "post", "path": "/login/{{tenant}}",
                    "content_type": "application/x-www-form-urlencoded",
                    "body": {"username": "{{user}}", "password": "{{password}}", "remember": true}},
        "values": ["user", "password", "tenant"], "secrets": ["password"],
        "token": {"pointer": "/result/token"}, "lifetime_pointer": "/result/expires_in",
        "apply": {"header": "Authorization", "prefix": "Token "}
    }));
    let t = target("tr-form", &base, &form, roles);
    let s = sent(&form, &t, &base, get("/pets"), role(), &seen).await;
    assert_eq!(s.headers["authorization"], "Token ptr-token-4b4c");
    let all = seen.lock().expect("lock").clone();
    let token = &all[all.len() - 2];
    assert_eq!(token.method, "POST");
    assert_eq!(
        token.body,
        "username=ann&password=pa55%2Fword&remember=true"
    );
    let s = sent(&form, &t, &base, get("/pets"), Cred::Wrong, &seen).await;
    let wrong = &s.headers["authorization"];
    assert!(
        wrong.starts_with("Token ") && !wrong.contains("ptr-token"),
        "{wrong}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_lacking_a_declared_value_fails_before_any_request() {
    let specs = specs_with(json!({
        "scheme": "token_request",
        "request": {"path": "/t", "body": {"u": "{{user}}", "p": "{{password}}"}},
        "values": ["user", "password"], "token": {"pointer": "/t"}, "apply": {"header": "X-T"}
    }));
    let (base, seen) = serve(ok(json!({"t": "x"}))).await;
    let dir = temp("lacks");
    let file = dir.join("target.yaml");
    std::fs::write(
        &file,
        "name: lacks\ncredentials:\n  dataarts:\n    default: { user: U }\n",
    )
    .expect("write");
    let e = Target::live(Some(&file), &base, &|_| Some("v".into()), &specs)
        .expect_err("lacks password")
        .to_string();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        e.contains("target.yaml:4:") && e.contains("lacks `password`"),
        "{e}"
    );
    assert!(seen.lock().expect("lock").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_token_request_per_role_under_concurrency() {
    let (base, seen) = serve(Arc::new(|s: &Seen| {
        std::thread::sleep(std::time::Duration::from_millis(100));
        let who = if s.body.contains("client_id=a") {
            "a"
        } else {
            "b"
        };
        (
            200,
            vec![],
            json!({"access_token": format!("tok-{who}-0000")}).to_string(),
        )
    }))
    .await;
    let specs = specs_with(json!({"scheme": "oauth2_client_credentials", "token_path": "/t"}));
    let t = target(
        "once",
        &base,
        &specs,
        json!({"default": {"client_id": "a", "client_secret": "sa-secret"},
               "other": {"client_id": "b", "client_secret": "sb-secret"}}),
    );
    let client = Client::new(&t.limits).expect("client");
    let tokens = TokenCache::new();
    let svc = &specs.services["dataarts"];
    let asks = (0..8).map(|i| {
        let role = if i % 2 == 0 { "default" } else { "other" };
        for_role(&client, &tokens, &t, svc, role)
    });
    let got = futures_join(asks).await;
    for (i, c) in got.into_iter().enumerate() {
        let mut req = get("/");
        apply(&mut req, &c.expect("token"));
        let want = if i % 2 == 0 {
            "Bearer tok-a-0000"
        } else {
            "Bearer tok-b-0000"
        };
        assert_eq!(req.headers, vec![("Authorization".into(), want.into())]);
    }
    assert_eq!(seen.lock().expect("lock").len(), 2, "one fetch per role");
}

/// Awaits every future concurrently, in order.
async fn futures_join<F: std::future::Future>(fs: impl Iterator<Item = F>) -> Vec<F::Output> {
    let handles: Vec<_> = fs.map(Box::pin).collect();
    let mut out = Vec::new();
    let mut pending: Vec<_> = handles.into_iter().map(Some).collect();
    let mut results: Vec<Option<F::Output>> = (0..pending.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut all = true;
        for (i, slot) in pending.iter_mut().enumerate() {
            if let Some(f) = slot {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => {
                        results[i] = Some(v);
                        *slot = None;
                    }
                    std::task::Poll::Pending => all = false,
                }
            }
        }
        if all {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    out.extend(results.into_iter().flatten());
    out
}
