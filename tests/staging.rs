//! The staging workflow end to end: `contract-harness run` against a live server (a mock
//! started here on loopback, standing in for staging) with a target file, credentials from
//! environment variables and designated fixtures; and no secret in anything it writes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use contract_harness::mock::{Fault, MockConfig, MockServer, Seed};
use serde_json::json;

mod support;

use support::live::ENV;

/// The secret values among [`ENV`] (client ids and user names are not secrets).
fn secrets() -> impl Iterator<Item = &'static str> {
    ENV.iter()
        .filter(|(k, _)| {
            ["SECRET", "PASSWORD", "EXPIRED"]
                .iter()
                .any(|s| k.contains(s))
        })
        .map(|(_, v)| *v)
}

/// Leaf organizations in the `org_leaf` pool: every case that may consume one (successes,
/// sequences, follow-ups after refusals, inputs a correct server may carry out) gets its own.
const LEAVES: usize = 40;

/// The built-in seed with a pool of [`LEAVES`] leaf organizations.
fn seed() -> Seed {
    let mut seed = Seed::builtin();
    let leaf = seed
        .oneaccess
        .organizations
        .iter()
        .find(|o| o.id == "org-leaf")
        .cloned()
        .expect("org-leaf");
    for i in 1..LEAVES {
        let mut o = leaf.clone();
        o.id = format!("org-leaf-{i}");
        seed.oneaccess.organizations.push(o);
    }
    seed
}

fn target_file(dir: &Path, designate: bool) -> PathBuf {
    let seed = seed();
    let mut fixtures = serde_json::to_value(&seed.fixtures).expect("fixtures");
    fixtures["oneaccess"]["org_leaf"] = (0..LEAVES)
        .map(|i| match i {
            0 => json!({"org_id": "org-leaf"}),
            i => json!({"org_id": format!("org-leaf-{i}")}),
        })
        .collect();
    let destructive: serde_json::Map<String, serde_json::Value> = seed
        .fixtures
        .iter()
        .map(|(s, f)| {
            (
                s.clone(),
                json!(if designate {
                    f.keys().cloned().collect::<Vec<_>>()
                } else {
                    Vec::new()
                }),
            )
        })
        .collect();
    let doc = json!({
        "name": "staging-test",
        "timeout_seconds": 5,
        "concurrency": 4,
        "fixtures": fixtures,
        "destructive_fixtures": destructive,
        "credentials": support::live::credentials()
    });
    // JSON is YAML: the target file reader takes it as it is.
    let path = dir.join("target.yaml");
    std::fs::write(&path, serde_json::to_string_pretty(&doc).expect("json")).expect("write target");
    path
}

struct Run {
    output: Output,
    dir: PathBuf,
}

fn run_against(fault: Option<Fault>, designate: bool, tag: &str) -> Run {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let mut config = MockConfig::new(Arc::new(seed()));
    config.fault = fault;
    let server = rt
        .block_on(MockServer::start(&config, ([127, 0, 0, 1], 0).into()))
        .expect("mock");
    let dir = std::env::temp_dir().join(format!(
        "contract-harness-staging-{tag}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let target = target_file(&dir, designate);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_contract-harness"));
    cmd.args(["run", "--specs", "specs", "--test-threads", "2"])
        .env("CONTRACT_BASE_URL", server.base_url())
        .env("CONTRACT_TARGET", &target)
        .env("CONTRACT_REPORT_DIR", dir.join("reports"))
        .env("CONTRACT_SNAPSHOT_DIR", dir.join("snapshots"))
        .env("CONTRACT_SNAPSHOTS", "update")
        .env("NO_PROXY", "127.0.0.1,localhost")
        // Undesignated fixtures are ignored on purpose here: not a failure of the run.
        .env_remove("CI")
        .env_remove("CONTRACT_FAIL_ON_IGNORED")
        .env_remove("CONTRACT_MOCK_FAULT");
    for (k, v) in ENV {
        cmd.env(k, v);
    }
    let output = cmd.output().expect("run the binary");
    drop(server);
    Run { output, dir }
}

/// Everything the run wrote: its output, reports and snapshots.
fn everything_written(run: &Run) -> String {
    let mut all = String::from_utf8_lossy(&run.output.stdout).into_owned();
    all.push_str(&String::from_utf8_lossy(&run.output.stderr));
    for sub in ["reports", "snapshots"] {
        if let Ok(entries) = std::fs::read_dir(run.dir.join(sub)) {
            for e in entries.flatten() {
                all.push_str(&std::fs::read_to_string(e.path()).unwrap_or_default());
            }
        }
    }
    all
}

fn assert_no_secret(all: &str) {
    for s in secrets() {
        assert!(!all.contains(s), "secret {s:?} leaked");
    }
    // Tokens obtained at run time are 64 hex digits; none may appear anywhere.
    let hex_run = all
        .split(|c: char| !c.is_ascii_hexdigit())
        .find(|w| w.len() >= 64);
    assert!(hex_run.is_none(), "a token-like value leaked: {hex_run:?}");
}

#[test]
fn live_target_with_env_credentials_and_fixture_pools_passes_without_leaking() {
    let run = run_against(None, true, "ok");
    let all = everything_written(&run);
    assert!(run.output.status.success(), "{all}");
    assert!(all.contains("test result: ok"), "{all}");
    // org_leaf has a pool of forty: its consumers run, each on its own organization.
    for name in [
        "oneaccess::delete_organization::success::documented",
        "oneaccess::disable_organization::success::documented",
        "oneaccess::delete_organization::stateful::deleted_stays_deleted",
        "oneaccess::delete_organization::valid::documented_responses",
        "oneaccess::delete_organization::error::ORG.0020",
        "oneaccess::delete_organization::auth::expired",
    ] {
        assert!(
            all.lines().any(|l| l.contains(name) && l.ends_with("ok")),
            "{name} did not pass:\n{all}"
        );
    }
    // Single-entry pools keep their entry for the cases that do not consume it.
    assert!(
        all.contains("fixture pool oneaccess/org_with_children has 1 entries"),
        "{all}"
    );
    assert!(run.dir.join("reports/contract-junit.xml").is_file());
    let summary =
        std::fs::read_to_string(run.dir.join("reports/contract-summary.md")).expect("summary");
    assert!(summary.contains("staging-test"), "{summary}");
    assert_no_secret(&all);
}

#[test]
fn failures_against_a_broken_server_show_curl_but_no_secret() {
    let run = run_against(Some(Fault::EnosSignatureUnchecked), true, "fault");
    let all = everything_written(&run);
    assert_eq!(run.output.status.code(), Some(101), "{all}");
    assert!(
        all.contains("contract violation in enos::remove_user::auth::wrong"),
        "{all}"
    );
    assert!(all.contains("-H 'apim-signature: [REDACTED]'"), "{all}");
    assert_no_secret(&all);
}

#[test]
fn destructive_cases_do_not_run_on_undesignated_fixtures() {
    let run = run_against(None, false, "undesignated");
    let all = everything_written(&run);
    assert!(run.output.status.success(), "{all}");
    assert!(
        all.contains("not designated in the target's destructive_fixtures"),
        "{all}"
    );
    assert!(
        all.contains("test result: ok. 1 passed;"),
        "only the shape check of DAYU.3531 runs: {all}"
    );
    assert!(
        all.lines().any(
            |l| l.contains("dataarts::delete_workspace_users::error::DAYU.3531")
                && l.ends_with("ok")
        ),
        "{all}"
    );
}

#[test]
fn embedded_run_with_failures_and_reports_leaks_no_secret() {
    let dir =
        std::env::temp_dir().join(format!("contract-harness-embedded-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    // A fault that fails credential cases, so failure texts with curl commands are written.
    let output = Command::new(env!("CARGO_BIN_EXE_contract-harness"))
        .args(["run", "--specs", "specs"])
        .env("CONTRACT_MOCK_FAULT", "dataarts-expired-token-accepted")
        .env("CONTRACT_REPORT_DIR", dir.join("reports"))
        .env("CONTRACT_SNAPSHOT_DIR", dir.join("snapshots"))
        .env("CONTRACT_SNAPSHOTS", "update")
        .env_remove("CI")
        .env_remove("CONTRACT_BASE_URL")
        .env_remove("CONTRACT_TARGET")
        .output()
        .expect("run the binary");
    let run = Run { output, dir };
    let all = everything_written(&run);
    assert_eq!(run.output.status.code(), Some(101), "{all}");
    assert!(
        all.contains("contract violation in dataarts::delete_workspace_users::auth::expired"),
        "{all}"
    );
    assert!(all.contains("X-Auth-Token: [REDACTED]"), "{all}");
    assert!(
        std::fs::read_dir(run.dir.join("snapshots"))
            .map(|d| d.count())
            .unwrap_or(0)
            > 20,
        "snapshots were written"
    );
    assert_no_secret(&all);
}
