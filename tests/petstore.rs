//! The example of `examples/petstore/` as a team would use it: its specs against a small
//! petstore server written here (not the harness's mock, and sharing no code with it), which
//! implements the two services as their specs document them, and against two broken variants
//! of it. The correct server passes with no case ignored; each broken one fails, with exactly
//! the cases that exercise what it breaks.

// The refusals are whole responses, built once per request.
#![allow(clippy::result_large_err)]

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::to_bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

const SPECS: &str = "examples/petstore/specs";
const TARGET: &str = "examples/petstore/target.yaml";

/// The credentials the target file names, as the CI job's secrets would set them.
const ENV: [(&str, &str); 6] = [
    ("PETS_TOKEN", "staff-token-4d1f9a0c"),
    ("PETS_READ_TOKEN", "partner-token-77b2e6"),
    ("PETS_GUEST_TOKEN", "guest-token-19ce54"),
    ("PETS_EXPIRED_TOKEN", "expired-token-0b9c31"),
    ("STORE_KEY", "shop-key-5e8a21"),
    ("STORE_REPORTING_KEY", "report-key-c3f070"),
];

/// What a broken variant of the server gets wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Broken {
    /// Correct.
    No,
    /// DELETE answers 204 but the pet stays.
    DeleteNotPersisted,
    /// The store takes any API key, or none, as the web shop's.
    KeyUnchecked,
}

#[derive(Debug, Clone)]
struct Pet {
    name: &'static str,
    open_orders: bool,
}

fn seed() -> BTreeMap<String, Pet> {
    BTreeMap::from([
        (
            "pet-1".into(),
            Pet {
                name: "Rex",
                open_orders: false,
            },
        ),
        (
            "pet-2".into(),
            Pet {
                name: "Tom",
                open_orders: true,
            },
        ),
        (
            "pet-3".into(),
            Pet {
                name: "Kitty",
                open_orders: false,
            },
        ),
    ])
}

struct Shop {
    pets: Mutex<BTreeMap<String, Pet>>,
    orders: Mutex<u64>,
    broken: Broken,
}

fn error(status: u16, code: &str, message: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        json!({"code": code, "message": message}).to_string(),
    )
        .into_response()
}

fn ok_json(status: u16, body: &Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// Grants of a pets bearer token, or the refusal.
fn pets_grants(headers: &HeaderMap) -> Result<&'static [&'static str], Response> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match token {
        Some("staff-token-4d1f9a0c") => Ok(&["pets:write"]),
        Some("partner-token-77b2e6") => Ok(&["pets:read"]),
        Some("guest-token-19ce54") => Ok(&[]),
        Some("expired-token-0b9c31") => Err(error(401, "AUTH.EXPIRED", "token expired")),
        _ => Err(error(401, "AUTH.401", "missing or unknown bearer token")),
    }
}

fn store_grants(headers: &HeaderMap, broken: Broken) -> Result<&'static [&'static str], Response> {
    if broken == Broken::KeyUnchecked {
        return Ok(&["orders:write"]);
    }
    match headers.get("x-api-key").and_then(|v| v.to_str().ok()) {
        Some("shop-key-5e8a21") => Ok(&["orders:write"]),
        Some("report-key-c3f070") => Ok(&["orders:read"]),
        _ => Err(error(401, "AUTH.401", "missing or unknown API key")),
    }
}

fn decode(segment: &str) -> Option<String> {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

async fn handle(State(shop): State<Arc<Shop>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = to_bytes(body, 1 << 20).await else {
        return error(413, "REQUEST.413", "body too large");
    };
    let raw = parts.uri.path().to_string();
    let segments: Option<Vec<String>> = raw.split('/').skip(1).map(decode).collect();
    let Some(segments) = segments else {
        return error(400, "REQUEST.400", "path is not UTF-8");
    };
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    match (&parts.method, segments.as_slice()) {
        (&Method::POST, ["__reset"]) => {
            *shop.pets.lock().unwrap_or_else(|e| e.into_inner()) = seed();
            StatusCode::NO_CONTENT.into_response()
        }
        (m, ["v1", "pets", id]) if m == Method::GET || m == Method::DELETE => {
            let grants = match pets_grants(&parts.headers) {
                Ok(g) => g,
                Err(r) => return r,
            };
            let write = grants.contains(&"pets:write");
            if !(write || (m == Method::GET && grants.contains(&"pets:read"))) {
                return error(403, "AUTH.403", "the token lacks the permission");
            }
            let mut pets = shop.pets.lock().unwrap_or_else(|e| e.into_inner());
            let Some(pet) = pets.get(*id).cloned() else {
                return error(404, "PET.404", "Pet not found");
            };
            if m == Method::GET {
                return ok_json(
                    200,
                    &json!({"pet_id": id, "name": pet.name, "status": "available", "tags": ["dog"]}),
                );
            }
            if pet.open_orders {
                return error(409, "PET.409", "Pet has open orders");
            }
            if shop.broken != Broken::DeleteNotPersisted {
                pets.remove(*id);
            }
            StatusCode::NO_CONTENT.into_response()
        }
        (&Method::POST, ["orders"]) => place_order(&shop, &parts.headers, &body),
        (_, ["v1", "pets", _]) | (_, ["orders"]) => error(405, "REQUEST.405", "method not allowed"),
        _ => error(404, "REQUEST.404", "no such endpoint"),
    }
}

fn place_order(shop: &Shop, headers: &HeaderMap, body: &[u8]) -> Response {
    let grants = match store_grants(headers, shop.broken) {
        Ok(g) => g,
        Err(r) => return r,
    };
    if !grants.contains(&"orders:write") {
        return error(403, "AUTH.403", "the key lacks the permission");
    }
    let json_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|t| t.trim() == "application/json")
        });
    if !json_type {
        return error(415, "REQUEST.415", "send application/json");
    }
    let Ok(Value::Object(order)) = serde_json::from_slice::<Value>(body) else {
        return error(400, "REQUEST.400", "the body is not a JSON object");
    };
    let (Some(Value::String(pet_id)), Some(quantity)) =
        (order.get("pet_id"), order.get("quantity"))
    else {
        return error(400, "REQUEST.400", "pet_id and quantity are required");
    };
    let Some(quantity) = quantity
        .as_i64()
        .filter(|_| quantity.is_i64() || quantity.is_u64())
    else {
        return error(400, "REQUEST.400", "quantity must be an integer");
    };
    if order.len() != 2 {
        return error(400, "REQUEST.400", "unknown field");
    }
    if quantity < 1 {
        return error(400, "ORDER.400", "quantity must be at least 1");
    }
    if !shop
        .pets
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .contains_key(pet_id)
    {
        return error(404, "ORDER.404", "Pet not found");
    }
    let mut n = shop.orders.lock().unwrap_or_else(|e| e.into_inner());
    *n += 1;
    ok_json(
        201,
        &json!({"order_id": format!("order-{n}"), "pet_id": pet_id, "quantity": quantity, "status": "placed"}),
    )
}

/// A petstore server on a loopback port, until the runtime is dropped.
fn serve(rt: &tokio::runtime::Runtime, broken: Broken) -> SocketAddr {
    let shop = Arc::new(Shop {
        pets: Mutex::new(seed()),
        orders: Mutex::new(0),
        broken,
    });
    let app = Router::new().fallback(handle).with_state(shop);
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app.into_make_service()).await;
        });
        addr
    })
}

struct Run {
    output: Output,
    text: String,
}

fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "contract-harness-petstore-{tag}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

fn harness(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_contract-harness"));
    cmd.args(["run", "--specs", SPECS, "--test-threads", "2"])
        .env("CONTRACT_REPORT_DIR", dir.join("reports"))
        .env("CONTRACT_SNAPSHOT_DIR", dir.join("snapshots"))
        .env("CONTRACT_SNAPSHOTS", "update")
        .env("NO_PROXY", "127.0.0.1,localhost")
        // As in CI: an ignored case fails the run.
        .env("CONTRACT_FAIL_ON_IGNORED", "1")
        .env_remove("CI")
        .env_remove("CONTRACT_BASE_URL")
        .env_remove("CONTRACT_TARGET")
        .env_remove("CONTRACT_MOCK_FAULT");
    cmd
}

fn finish(output: Output) -> Run {
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    Run { output, text }
}

fn run_live(broken: Broken, tag: &str) -> Run {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let addr = serve(&rt, broken);
    let dir = scratch(tag);
    let mut cmd = harness(&dir);
    cmd.env("CONTRACT_BASE_URL", format!("http://{addr}"))
        .env("CONTRACT_TARGET", TARGET);
    for (k, v) in ENV {
        cmd.env(k, v);
    }
    let run = finish(cmd.output().expect("run the binary"));
    drop(rt);
    run
}

/// Names of the cases with this verdict word in libtest's lines
/// (`test [kind]  NAME   ... ok`).
fn cases(text: &str, verdict: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("test "))
        .filter_map(|l| l.split_once(" ... "))
        .filter(|(_, v)| v.trim() == verdict)
        .map(|(name, _)| {
            let name = name.trim();
            match name.strip_prefix('[').and_then(|n| n.split_once(']')) {
                Some((_, rest)) => rest.trim().to_string(),
                None => name.to_string(),
            }
        })
        .collect()
}

fn assert_passes_with_nothing_ignored(run: &Run) {
    assert!(run.output.status.success(), "{}", run.text);
    assert!(
        run.text
            .contains("test result: ok. 62 passed; 0 failed; 0 ignored"),
        "all 62 cases run and pass:\n{}",
        run.text
    );
    let passed = cases(&run.text, "ok");
    for name in [
        "pets::delete_pet::success::documented",
        "pets::delete_pet::error::PET.404",
        "pets::delete_pet::error::PET.409",
        "pets::delete_pet::stateful::deleted_stays_deleted",
        "pets::get_pet::success::documented",
        "store::place_order::success::documented",
        "store::place_order::error::ORDER.400",
        "store::place_order::error::ORDER.404",
        "store::place_order::auth::missing",
    ] {
        assert!(passed.contains(name), "{name} did not pass:\n{}", run.text);
    }
}

#[test]
fn the_example_lints_clean() {
    let output = Command::new(env!("CARGO_BIN_EXE_contract-harness"))
        .args(["lint", SPECS])
        .output()
        .expect("lint");
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("0 errors, 0 warnings"), "{text}");
}

#[test]
fn a_correct_server_passes_every_case_with_none_ignored() {
    let run = run_live(Broken::No, "correct");
    assert_passes_with_nothing_ignored(&run);
    for (_, secret) in ENV {
        assert!(!run.text.contains(secret), "secret {secret} leaked");
    }
}

#[test]
fn the_embedded_default_serves_the_example_with_none_ignored() {
    let dir = scratch("embedded");
    let run = finish(harness(&dir).output().expect("run the binary"));
    assert_passes_with_nothing_ignored(&run);
}

#[test]
fn a_delete_that_is_not_persisted_fails_the_state_checks() {
    let run = run_live(Broken::DeleteNotPersisted, "not-persisted");
    assert_eq!(run.output.status.code(), Some(101), "{}", run.text);
    assert!(cases(&run.text, "ignored").is_empty(), "{}", run.text);
    let failed = cases(&run.text, "FAILED");
    // Only the state check sees it: every single answer is right.
    assert_eq!(
        failed,
        BTreeSet::from(["pets::delete_pet::stateful::deleted_stays_deleted".to_string()]),
        "{}",
        run.text
    );
}

#[test]
fn a_store_that_takes_any_key_fails_the_refused_credential_cases() {
    let run = run_live(Broken::KeyUnchecked, "any-key");
    assert_eq!(run.output.status.code(), Some(101), "{}", run.text);
    assert!(cases(&run.text, "ignored").is_empty(), "{}", run.text);
    let failed = cases(&run.text, "FAILED");
    let expected: BTreeSet<String> = [
        "store::place_order::auth::lacks_permission",
        "store::place_order::auth::malformed",
        "store::place_order::auth::missing",
        "store::place_order::auth::wrong",
    ]
    .map(String::from)
    .into();
    assert_eq!(failed, expected, "{}", run.text);
}
