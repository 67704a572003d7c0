//! End to end: specs of a made-up pet API declaring `scheme: bearer` and `scheme: api_key` (in
//! the query), written into a temporary directory, run with `contract-harness run` against an
//! independent loopback server written here and a target file that maps the credential values
//! to environment variables. The auth cases pass against a server that checks the credential
//! and fail against one that accepts any; the secret values appear in nothing the run writes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use axum::extract::{Path as UrlPath, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

const TOKEN: &str = "pet-bearer-token-7c1e5a90";
const EXPIRED: &str = "pet-expired-token-0b3d44";
const KEY: &str = "pet-api-key-e2f8/61+aa";

const OPERATION: &str = r#"id: get_pet
summary: Get a pet
source: page.txt
method: GET
path: /pets/{pet_id}
destructive: false
parameters:
  pet_id:
    description: Pet id
request:
  body: none
success:
  status: 200
  body:
    schema:
      type: object
      required: [id]
      properties:
        id: { type: string }
    example:
      id: pet-1
  case:
    fixture: pet
errors:
  - code: PET.0001
    status: 404
    message: Pet not found
    trigger: { unknown: pet_id }
"#;

fn service(auth: &str) -> String {
    format!(
        "service: pets\ntitle: A made-up pet API\nsources: [page.txt]\nauth: {auth}\n\
         credentials:\n  default: {{ grants: [] }}\n\
         errors:\n  carrier: http_status\n  code_field: error_code\n  message_field: error_msg\n  \
         schema:\n    type: object\n    required: [error_code, error_msg]\n\
         fixtures:\n  pet:\n    description: A pet\n    values: [pet_id]\n"
    )
}

#[derive(Clone, Copy, PartialEq)]
enum Auth {
    Bearer,
    QueryKey,
}

#[derive(Clone, Copy)]
struct Server {
    auth: Auth,
    /// Accepts any credential, or none.
    lenient: bool,
}

async fn get_pet(
    State(s): State<Server>,
    UrlPath(id): UrlPath<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let authorized = s.lenient
        || match s.auth {
            Auth::Bearer => {
                headers.get("authorization").and_then(|v| v.to_str().ok())
                    == Some(&format!("Bearer {TOKEN}"))
            }
            Auth::QueryKey => {
                let pairs: Vec<(String, String)> =
                    serde_urlencoded::from_str(query.as_deref().unwrap_or_default())
                        .unwrap_or_default();
                pairs.iter().any(|(k, v)| k == "api_key" && v == KEY)
            }
        };
    let json = |status: StatusCode, v: serde_json::Value| {
        (
            status,
            [("content-type", "application/json")],
            v.to_string(),
        )
            .into_response()
    };
    if !authorized {
        return json(
            StatusCode::UNAUTHORIZED,
            json!({"error_code": "AUTH.0001", "error_msg": "Unauthorized"}),
        );
    }
    if id == "pet-1" {
        json(StatusCode::OK, json!({"id": id}))
    } else {
        json(
            StatusCode::NOT_FOUND,
            json!({"error_code": "PET.0001", "error_msg": "Pet not found"}),
        )
    }
}

/// Starts the server on a thread of its own; returns its base URL.
fn start(server: Server) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let app = axum::Router::new()
                .route("/pets/{pet_id}", axum::routing::get(get_pet))
                .with_state(server);
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let base = format!("http://{}", listener.local_addr().expect("addr"));
            tx.send(base).expect("send");
            let _ = axum::serve(listener, app).await;
        });
    });
    rx.recv().expect("base URL")
}

fn temp(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ch-auth-e2e-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("specs/pets")).expect("dir");
    dir
}

fn write_spec(dir: &Path, auth: &str, credentials: &str) -> PathBuf {
    std::fs::write(dir.join("specs/pets/service.yaml"), service(auth)).expect("service");
    std::fs::write(dir.join("specs/pets/get_pet.yaml"), OPERATION).expect("operation");
    let target = dir.join("target.yaml");
    std::fs::write(
        &target,
        format!(
            "name: pets-e2e\ntimeout_seconds: 5\nfixtures:\n  pets:\n    pet: {{ pet_id: pet-1 }}\ncredentials:\n  pets:\n{credentials}"
        ),
    )
    .expect("target");
    target
}

fn run(dir: &Path, base: &str, target: &Path, filter: &str) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_contract-harness"));
    for (k, _) in std::env::vars() {
        if k.starts_with("CONTRACT_") || k == "CI" {
            cmd.env_remove(k);
        }
    }
    cmd.args(["run", "--specs"])
        .arg(dir.join("specs"))
        .args(["--test-threads", "2", filter])
        .env("CONTRACT_BASE_URL", base)
        .env("CONTRACT_TARGET", target)
        .env("CONTRACT_REPORT_DIR", dir.join("reports"))
        .env("CONTRACT_SNAPSHOT_DIR", dir.join("snapshots"))
        .env("CONTRACT_SNAPSHOTS", "update")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("PETS_TOKEN", TOKEN)
        .env("PETS_EXPIRED", EXPIRED)
        .env("PETS_KEY", KEY)
        .output()
        .expect("run the binary")
}

/// Everything a run wrote: its output, reports and snapshots.
fn written(dir: &Path, out: &Output) -> String {
    let mut all = String::from_utf8_lossy(&out.stdout).into_owned();
    all.push_str(&String::from_utf8_lossy(&out.stderr));
    fn walk(p: &Path, all: &mut String) {
        let Ok(entries) = std::fs::read_dir(p) else {
            return;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                walk(&path, all);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                all.push_str(&text);
            }
        }
    }
    walk(&dir.join("reports"), &mut all);
    walk(&dir.join("snapshots"), &mut all);
    all
}

/// libtest's verdict on `pets::get_pet::auth::<case>`.
fn verdict<'t>(text: &'t str, case: &str) -> Option<&'t str> {
    let name = format!("pets::get_pet::auth::{case} ");
    text.lines()
        .find(|l| l.starts_with("test ") && l.contains(&name))
        .and_then(|l| l.rsplit(" ... ").next())
}

fn check(tag: &str, auth: &str, credentials: &str, kind: Auth, cases: &[&str], secrets: &[&str]) {
    let dir = temp(tag);
    let target = write_spec(&dir, auth, credentials);
    let strict = start(Server {
        auth: kind,
        lenient: false,
    });
    // The role's credential opens the API: the success case passes.
    let out = run(&dir, &strict, &target, "pets::get_pet::success");
    let text = written(&dir, &out);
    assert!(
        out.status.success() && text.contains("1 passed; 0 failed"),
        "{tag}: the success case passes with the role's credential\n{text}"
    );
    for s in secrets {
        assert!(!text.contains(s), "{tag}: a secret in the output\n{text}");
    }
    if kind == Auth::QueryKey {
        // The key was in the recorded request, and redacted there.
        assert!(text.contains("?api_key=[REDACTED]"), "{tag}\n{text}");
    }
    let out = run(&dir, &strict, &target, "::auth::");
    let text = written(&dir, &out);
    assert!(
        out.status.success(),
        "{tag}: a correct server passes\n{text}"
    );
    for case in cases {
        assert!(
            verdict(&text, case) == Some("ok"),
            "{tag}: {case} ran and passed\n{text}"
        );
    }
    let expected = format!(
        "test result: ok. {} passed; 0 failed; 0 ignored",
        cases.len()
    );
    assert!(text.contains(&expected), "{tag}: {expected}\n{text}");
    for s in secrets {
        assert!(!text.contains(s), "{tag}: a secret in the output\n{text}");
    }

    let lenient = start(Server {
        auth: kind,
        lenient: true,
    });
    let _ = std::fs::remove_dir_all(dir.join("reports"));
    let out = run(&dir, &lenient, &target, "::auth::");
    let text = written(&dir, &out);
    assert!(
        !out.status.success(),
        "{tag}: a server accepting any key fails\n{text}"
    );
    for case in cases {
        assert!(
            verdict(&text, case) == Some("FAILED"),
            "{tag}: {case} failed\n{text}"
        );
    }
    for s in secrets {
        assert!(!text.contains(s), "{tag}: a secret in the output\n{text}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bearer_auth_cases_pass_on_a_checking_server_and_fail_on_a_lenient_one() {
    check(
        "bearer",
        "{ scheme: bearer }",
        "    default: { token: PETS_TOKEN }\n    expired: { token: PETS_EXPIRED }\n",
        Auth::Bearer,
        &["missing", "malformed", "wrong", "expired"],
        &[TOKEN, EXPIRED],
    );
}

#[test]
fn api_key_auth_cases_pass_on_a_checking_server_and_fail_on_a_lenient_one() {
    check(
        "api-key",
        "{ scheme: api_key, in: query, name: api_key }",
        "    default: { key: PETS_KEY }\n",
        Auth::QueryKey,
        // A key does not expire: no `expired` case.
        &["missing", "malformed", "wrong"],
        &[KEY, "pet-api-key-e2f8%2F61%2Baa"],
    );
}
