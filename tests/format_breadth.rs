//! The spec format's breadth end to end: a spec written here (a query parameter with bounds, a
//! required header, a success that may answer 200 or 201, triggers on a nested body value and
//! on the query) run with `contract-harness run` against a small server of its own on
//! loopback. The server that keeps the spec passes every case; the same server ignoring the
//! query parameter's bound fails exactly the cases about that bound.

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path as UrlPath, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

/// The only token the server accepts (what its token endpoint issues).
const TOKEN: &str = "shop-token-5e1f0c9a";

const SERVICE: &str = r#"# yaml-language-server: $schema=../../schema/service.schema.json
service: shop
title: Shop
description: A small shop, written for the format breadth test
base_path: /api
auth:
  scheme: token_request
  request: { method: POST, path: /v3/auth/tokens, content_type: application/json, body: { user: "{{user}}", password: "{{password}}", domain: "{{domain}}" } }
  values: [user, password, domain]
  secrets: [password]
  token: { header: X-Subject-Token }
  apply: { header: X-Auth-Token }
credentials:
  default: { grants: [] }
errors:
  carrier: http_status
  code_field: code
  message_field: message
  schema:
    type: object
    required: [code, message]
    properties:
      code: { type: string }
      message: { type: string }
fixtures:
  shelf:
    description: A shelf that exists
    values: [shelf_id]
"#;

const OPERATION: &str = r#"id: search_items
summary: Search the items of a shelf
method: POST
path: /shelves/{shelf_id}/search
parameters:
  shelf_id: { description: Shelf id }
  limit:
    in: query
    required: true
    description: Items per page, 1 to 50
    schema: { type: integer, minimum: 1, maximum: 50 }
  X-Request-Id:
    in: header
    required: true
    schema: { type: string, minLength: 1, maxLength: 32 }
request:
  body:
    schema:
      type: object
      required: [filter]
      properties:
        filter:
          type: object
          required: [owner]
          properties:
            owner:
              type: object
              required: [name]
              properties:
                name: { type: string }
    example: { filter: { owner: { name: ann } } }
success:
  status: [200, 201]
  body:
    schema:
      type: object
      required: [items]
      properties:
        items: { type: array }
    example: { items: [] }
  case:
    fixture: shelf
    query: { limit: "10" }
    headers: { X-Request-Id: "req-{{shelf_id}}" }
    body: { filter: { owner: { name: ann } } }
errors:
  - code: OWNER_EMPTY
    status: 400
    message: Owner name is empty
    triggers:
      - { input: { body: { "/filter/owner/name": "" } } }
      - { input: { remove: ["/filter/owner/name"] } }
  - code: LIMIT_OUT_OF_RANGE
    status: 400
    message: limit must be between 1 and 50
    trigger: { input: { query: { limit: 500 } } }
  - code: SHELF_NOT_FOUND
    status: 404
    message: Shelf does not exist
    trigger: { unknown: shelf_id }
"#;

/// How the server behaves.
struct Behaviour {
    /// Whether it refuses a `limit` outside 1 to 50 (the spec's bound).
    enforces_limit_bound: bool,
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        axum::Json(json!({"code": code, "message": message})),
    )
        .into_response()
}

fn bad_request(what: &str) -> Response {
    error(StatusCode::BAD_REQUEST, "BAD_REQUEST", what)
}

async fn token() -> Response {
    (StatusCode::CREATED, [("X-Subject-Token", TOKEN)], "{}").into_response()
}

async fn search(
    State(b): State<Arc<Behaviour>>,
    shelf: Result<UrlPath<String>, PathRejection>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if headers.get("x-auth-token").and_then(|v| v.to_str().ok()) != Some(TOKEN) {
        return error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", "Token invalid");
    }
    match shelf {
        Ok(UrlPath(id)) if id == "shelf-1" => {}
        _ => {
            return error(
                StatusCode::NOT_FOUND,
                "SHELF_NOT_FOUND",
                "Shelf does not exist",
            );
        }
    }
    let request_id = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if request_id.is_empty() || request_id.chars().count() > 32 {
        return bad_request("X-Request-Id must have 1 to 32 characters");
    }
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(query.as_deref().unwrap_or_default()).unwrap_or_default();
    let Some(limit) = pairs
        .iter()
        .find(|(k, _)| k == "limit")
        .and_then(|(_, v)| v.parse::<i64>().ok())
    else {
        return bad_request("limit must be an integer");
    };
    if b.enforces_limit_bound && !(1..=50).contains(&limit) {
        return bad_request_code("LIMIT_OUT_OF_RANGE", "limit must be between 1 and 50");
    }
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return bad_request("malformed JSON");
    };
    let Some(owner) = body
        .get("filter")
        .filter(|f| f.is_object())
        .and_then(|f| f.get("owner"))
        .filter(|o| o.is_object())
    else {
        return bad_request("filter.owner must be an object");
    };
    match owner.get("name") {
        None => return bad_request_code("OWNER_EMPTY", "Owner name is empty"),
        Some(Value::String(s)) if s.is_empty() => {
            return bad_request_code("OWNER_EMPTY", "Owner name is empty");
        }
        Some(Value::String(_)) => {}
        Some(_) => return bad_request("filter.owner.name must be a string"),
    }
    // Either documented success status: 201 for large pages.
    let status = if limit > 25 {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    (status, axum::Json(json!({"items": []}))).into_response()
}

fn bad_request_code(code: &str, message: &str) -> Response {
    error(StatusCode::BAD_REQUEST, code, message)
}

async fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "NOT_FOUND", "No such resource")
}

/// The server on 127.0.0.1, port chosen by the system; its base URL and runtime.
fn start(b: Behaviour) -> (String, tokio::runtime::Runtime) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let app = Router::new()
        .route("/v3/auth/tokens", post(token))
        .route("/api/shelves/{shelf_id}/search", post(search))
        .fallback(not_found)
        .with_state(Arc::new(b));
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    rt.spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}"), rt)
}

/// A fresh temporary directory with the spec and a target file.
fn workspace(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "contract-harness-breadth-{tag}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    let specs = dir.join("specs/shop");
    std::fs::create_dir_all(&specs).expect("dir");
    std::fs::write(specs.join("service.yaml"), SERVICE).expect("service");
    std::fs::write(specs.join("search_items.yaml"), OPERATION).expect("operation");
    let target = json!({
        "name": "breadth",
        "timeout_seconds": 5,
        "concurrency": 4,
        "fixtures": {"shop": {"shelf": [{"shelf_id": "shelf-1"}]}},
        "credentials": {"shop": {
            "default": {"user": "T_SHOP_USER", "password": "T_SHOP_PASSWORD", "domain": "T_SHOP_DOMAIN"},
            "expired": {"token": "T_SHOP_EXPIRED"}
        }}
    });
    std::fs::write(
        dir.join("target.yaml"),
        serde_json::to_string_pretty(&target).expect("json"),
    )
    .expect("target");
    dir
}

/// `contract-harness run` on the spec against the server: exit code and everything printed.
fn run(b: Behaviour, tag: &str) -> (Option<i32>, String) {
    let (base, rt) = start(b);
    let dir = workspace(tag);
    let output = Command::new(env!("CARGO_BIN_EXE_contract-harness"))
        .args(["run", "--specs"])
        .arg(dir.join("specs"))
        .args(["--test-threads", "2"])
        .env("CONTRACT_BASE_URL", &base)
        .env("CONTRACT_TARGET", dir.join("target.yaml"))
        .env("CONTRACT_REPORT_DIR", dir.join("reports"))
        .env("CONTRACT_SNAPSHOT_DIR", dir.join("snapshots"))
        .env("CONTRACT_SNAPSHOTS", "update")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("T_SHOP_USER", "shopper")
        .env("T_SHOP_PASSWORD", "shop-password-77c1")
        .env("T_SHOP_DOMAIN", "shop-domain")
        .env("T_SHOP_EXPIRED", "shop-expired-0a9b8c")
        .env_remove("CI")
        // An ignored case fails the run: "every case" means every case ran.
        .env("CONTRACT_FAIL_ON_IGNORED", "1")
        .env_remove("CONTRACT_MOCK_FAULT")
        .env_remove("CONTRACT_SPECS")
        .output()
        .expect("run the binary");
    drop(rt);
    let mut all = String::from_utf8_lossy(&output.stdout).into_owned();
    all.push_str(&String::from_utf8_lossy(&output.stderr));
    let _ = std::fs::remove_dir_all(&dir);
    (output.status.code(), all)
}

/// The verdict printed for a case (`ok`, `FAILED`, ...).
fn verdict<'a>(all: &'a str, case: &str) -> Option<&'a str> {
    all.lines()
        .find(|l| l.starts_with("test ") && l.split_whitespace().nth(2) == Some(case))
        .and_then(|l| l.rsplit(' ').next())
}

const PREFIX: &str = "shop::search_items";

#[test]
fn a_server_that_keeps_the_spec_passes_every_case() {
    let (code, all) = run(
        Behaviour {
            enforces_limit_bound: true,
        },
        "ok",
    );
    assert_eq!(code, Some(0), "{all}");
    assert!(
        all.contains("test result: ok. 22 passed; 0 failed; 0 ignored"),
        "every one of the 22 cases runs and passes:\n{all}"
    );
    for case in [
        "success::documented",
        "error::OWNER_EMPTY",
        "error::OWNER_EMPTY::remove_filter_owner_name",
        "error::LIMIT_OUT_OF_RANGE",
        "error::SHELF_NOT_FOUND",
        "invalid::query_limit",
        "invalid::header_X-Request-Id",
        "invalid::body_filter",
        "valid::documented_responses",
        "auth::missing",
    ] {
        assert_eq!(
            verdict(&all, &format!("{PREFIX}::{case}")),
            Some("ok"),
            "{case}:\n{all}"
        );
    }
    assert!(
        all.contains("success 200 or 201: ok"),
        "the coverage table names both statuses:\n{all}"
    );
    assert!(!all.contains("shop-password-77c1"), "{all}");
}

#[test]
fn a_server_ignoring_the_query_bound_fails_the_cases_about_it() {
    let (code, all) = run(
        Behaviour {
            enforces_limit_bound: false,
        },
        "unbounded",
    );
    assert_ne!(code, Some(0), "{all}");
    for case in ["error::LIMIT_OUT_OF_RANGE", "invalid::query_limit"] {
        assert_eq!(
            verdict(&all, &format!("{PREFIX}::{case}")),
            Some("FAILED"),
            "{case}:\n{all}"
        );
    }
    // Everything else still passes: the failures are the bound's.
    let failed: Vec<&str> = all
        .lines()
        .filter(|l| l.starts_with("test ") && l.ends_with("FAILED"))
        .collect();
    assert_eq!(failed.len(), 2, "{failed:#?}\n{all}");
    // The documented error's failure shows the request as sent: the query and the header.
    let text = all
        .split("contract violation in shop::search_items::error::LIMIT_OUT_OF_RANGE")
        .nth(1)
        .unwrap_or_default();
    assert!(text.contains("/search?limit=500'"), "{text}");
    assert!(text.contains("-H 'X-Request-Id: req-shelf-1'"), "{text}");
    assert!(text.contains("-H 'X-Auth-Token: [REDACTED]'"), "{text}");
    // The generated input's violation names the parameter's schema as the promise broken.
    let text = all
        .split("contract violation in shop::search_items::invalid::query_limit")
        .nth(1)
        .unwrap_or_default();
    let spec_line = text
        .lines()
        .find(|l| l.trim_start().starts_with("spec:"))
        .unwrap_or_default();
    assert!(
        spec_line.contains("search_items.yaml:11:"),
        "the limit's schema is on line 11: {text}"
    );
    assert!(text.contains("minimal input"), "{text}");
    assert!(!all.contains(TOKEN), "{all}");
}
