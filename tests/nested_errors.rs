//! Errors carried in a nested object (`{"error": {"code": …, "message": …}}`), as many APIs
//! send them: the error fields are JSON pointers, which lint checks against the error schema,
//! the generic mock writes and the checks read, against the embedded default and against an
//! independent server written here.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use axum::Router;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

const SERVICE: &str = r#"service: notes
title: Notes
auth: { scheme: bearer }
credentials:
  default: { description: A writer, grants: [notes:write] }
  guest: { description: Nobody, grants: [] }
errors:
  carrier: http_status
  code_field: /error/code
  message_field: /error/message
  schema:
    type: object
    required: [error]
    properties:
      error:
        type: object
        required: [code, message]
        properties:
          code: { type: string }
          message: { type: string }
fixtures:
  note: { description: A note nobody locked, values: [note_id] }
  locked_note: { description: A locked note, values: [note_id] }
"#;

const OPERATION: &str = r#"id: delete_note
summary: Delete a note
method: DELETE
path: /v2/notes/{note_id}
permissions: [notes:write]
destructive: true
parameters:
  note_id: { description: The note }
request: { body: none }
success: { status: 204, body: none, case: { fixture: note } }
errors:
  - { code: NOTE_NOT_FOUND, status: 404, message: Note not found, trigger: { unknown: note_id } }
  - { code: NOTE_LOCKED, status: 409, message: Note is locked, trigger: { fixture: locked_note } }
error_examples:
  - { status: 404, body: { error: { code: NOTE_NOT_FOUND, message: Note not found } } }
"#;

fn specs(tag: &str, service: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "contract-harness-nested-{tag}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("specs/notes")).expect("dir");
    std::fs::write(dir.join("specs/notes/service.yaml"), service).expect("service");
    std::fs::write(dir.join("specs/notes/delete_note.yaml"), OPERATION).expect("op");
    dir
}

fn harness(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_contract-harness"));
    cmd.arg("run")
        .arg("--specs")
        .arg(dir.join("specs"))
        .env("CONTRACT_SNAPSHOT_DIR", dir.join("snapshots"))
        .env("CONTRACT_REPORT_DIR", dir.join("reports"))
        .env("CONTRACT_SNAPSHOTS", "update")
        .env("CONTRACT_FAIL_ON_IGNORED", "1")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env_remove("CI")
        .env_remove("CONTRACT_BASE_URL")
        .env_remove("CONTRACT_TARGET")
        .env_remove("CONTRACT_MOCK_FAULT");
    cmd
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

fn nested(status: u16, code: &str, message: &str) -> Response {
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
        [(header::CONTENT_TYPE, "application/json")],
        json!({"error": {"code": code, "message": message}}).to_string(),
    )
        .into_response()
}

/// Notes `note-1` (free) and `note-2` (locked); `flat` answers errors at the top level, as a
/// server whose error shape drifted from its documentation would.
async fn notes(flat: bool, request: Request) -> Response {
    let error = |status: u16, code: &str, message: &str| {
        if flat {
            (
                StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
                [(header::CONTENT_TYPE, "application/json")],
                json!({"code": code, "message": message}).to_string(),
            )
                .into_response()
        } else {
            nested(status, code, message)
        }
    };
    if request.uri().path() == "/__reset" {
        return StatusCode::NO_CONTENT.into_response();
    }
    let auth = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    match auth {
        Some("Bearer writer-token-31ab") => {}
        Some("Bearer guest-token-77c0") => return error(403, "FORBIDDEN", "not allowed"),
        _ => return error(401, "UNAUTHORIZED", "who are you"),
    }
    let path = request.uri().path().to_string();
    match path.strip_prefix("/v2/notes/") {
        Some("note-2") => error(409, "NOTE_LOCKED", "Note is locked"),
        // Deletes are not kept: the state this test's cases see never changes.
        Some("note-1") => StatusCode::NO_CONTENT.into_response(),
        _ => error(404, "NOTE_NOT_FOUND", "Note not found"),
    }
}

fn run_live(flat: bool, tag: &str) -> Output {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let addr = rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let app = Router::new().fallback(move |r: Request| notes(flat, r));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app.into_make_service()).await;
        });
        addr
    });
    let dir = specs(tag, SERVICE);
    let target = dir.join("target.yaml");
    std::fs::write(
        &target,
        "reset: { method: POST, path: /__reset, status: 204, service: notes }\nfixtures:\n  notes:\n    note: { note_id: note-1 }\n    locked_note: { note_id: note-2 }\ndestructive_fixtures:\n  notes: [note, locked_note]\ncredentials:\n  notes:\n    default: { token: NOTES_TOKEN }\n    guest: { token: NOTES_GUEST }\n    expired: { token: NOTES_EXPIRED }\n",
    )
    .expect("target");
    let out = harness(&dir)
        .env("CONTRACT_BASE_URL", format!("http://{addr}"))
        .env("CONTRACT_TARGET", &target)
        .env("NOTES_TOKEN", "writer-token-31ab")
        .env("NOTES_GUEST", "guest-token-77c0")
        .env("NOTES_EXPIRED", "expired-token-9d2e")
        .output()
        .expect("run");
    drop(rt);
    out
}

#[test]
fn nested_error_fields_pass_on_the_generic_mock() {
    let dir = specs("embedded", SERVICE);
    let out = harness(&dir).output().expect("run");
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(
        t.contains("test result: ok. 24 passed; 0 failed; 0 ignored"),
        "every case runs and passes on the generic mock:\n{t}"
    );
}

#[test]
fn nested_error_fields_pass_on_a_correct_server_and_a_flat_error_fails() {
    let out = run_live(false, "correct");
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(
        t.contains("test result: ok. 24 passed; 0 failed; 0 ignored"),
        "{t}"
    );
    let out = run_live(true, "flat");
    let t = text(&out);
    assert_eq!(out.status.code(), Some(101), "{t}");
    assert!(
        t.contains("contract violation in notes::delete_note::error::NOTE_LOCKED")
            && t.contains("no /error/code in the body"),
        "{t}"
    );
}

#[test]
fn an_error_field_the_schema_lacks_is_a_lint_error() {
    let dir = specs(
        "lint",
        &SERVICE.replace("code_field: /error/code", "code_field: /error/cod"),
    );
    let out = Command::new(env!("CARGO_BIN_EXE_contract-harness"))
        .arg("lint")
        .arg(dir.join("specs"))
        .output()
        .expect("lint");
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(
        t.contains("error[error-field]: `/error/cod` is not a field of the error schema"),
        "{t}"
    );
}
