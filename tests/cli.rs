//! The command line as a user meets it: exit statuses and output of `lint`, `openapi`,
//! `mock` (standalone, with its request log and `--seed`), `run --list`.

mod support;

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_contract-harness"))
}

#[test]
fn lint_passes_the_shipped_specs_with_the_documented_warning() {
    let out = bin().args(["lint", "specs"]).output().expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains(r#"warning[example-table]: the page's error example has code " APP.0006", but its table says `APP.0006`"#), "{stdout}");
    assert!(
        stdout.contains("5 operations, 17 documented errors; 0 errors, 1 warning"),
        "{stdout}"
    );
}

#[test]
fn lint_fails_a_broken_spec_with_its_position() {
    let out = bin()
        .args(["lint", "tests/golden/specs/unknown_field"])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("--> tests/golden/specs/unknown_field/svc/delete_thing.yaml:14:3"),
        "{stderr}"
    );
}

#[test]
fn openapi_writes_a_file() {
    let file = std::env::temp_dir().join(format!("ch-cli-openapi-{}.json", std::process::id()));
    let out = bin()
        .args(["openapi", "specs", "-o"])
        .arg(&file)
        .output()
        .expect("run");
    assert!(out.status.success());
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("file")).expect("json");
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["paths"].as_object().map(serde_json::Map::len), Some(5));
}

#[test]
fn list_faults_prints_one_line_per_fault() {
    let out = bin().args(["mock", "--list-faults"]).output().expect("run");
    let lines = String::from_utf8_lossy(&out.stdout).lines().count();
    assert!(out.status.success() && lines >= 20, "{lines} faults");
}

#[test]
fn run_list_names_every_case_without_starting_anything() {
    let out = bin()
        .args(["run", "--list"])
        .env_remove("CONTRACT_BASE_URL")
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        stdout.contains("oneaccess::delete_organization::error::ORG.0020: test"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("cases by kind"),
        "a listing runs nothing: {stdout}"
    );
}

/// The standalone mock: listens on the port it says, logs one line per request without
/// secrets, and serves a replaced seed.
#[test]
fn standalone_mock_logs_requests_and_takes_a_seed() {
    let seed = std::fs::read_to_string("mock/seed.yaml")
        .expect("seed")
        .replace("org-leaf", "org-from-custom-seed");
    let seed_file = std::env::temp_dir().join(format!("ch-cli-seed-{}.yaml", std::process::id()));
    std::fs::write(&seed_file, seed).expect("write seed");
    let mut child = bin()
        .args(["mock", "--port", "0", "--seed"])
        .arg(&seed_file)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let mut first = String::new();
    stderr.read_line(&mut first).expect("banner");
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .expect("url")
        .to_string();

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt");
    let status = rt.block_on(async {
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("client");
        let bearer = support::creds(&http, &url).await.bearer;
        let r = http
            .delete(format!(
                "{url}/api/v2/tenant/organizations/org-from-custom-seed"
            ))
            .header("authorization", &bearer)
            .send()
            .await
            .expect("delete");
        let token = bearer.trim_start_matches("Bearer ").to_string();
        (r.status().as_u16(), token)
    });
    let _ = child.kill();
    let mut log = String::new();
    let _ = stderr.read_to_string(&mut log);
    let _ = child.wait();
    assert_eq!(status.0, 204, "the seed given with --seed is served");
    assert!(log.contains("POST /api/v2/tenant/token 200"), "{log}");
    assert!(
        log.contains("DELETE /api/v2/tenant/organizations/org-from-custom-seed 204"),
        "{log}"
    );
    assert!(
        !log.contains(&status.1) && !log.contains("mock-secret-all"),
        "the log holds no secret: {log}"
    );
}
