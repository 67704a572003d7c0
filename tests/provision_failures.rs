//! Loud, not green: a provisioning request that fails, a teardown that fails, and ignored
//! cases under `--fail-on-ignored` (or CI) each make the run exit nonzero with a message that
//! names the target file's position, the request as curl (secrets redacted) and the response;
//! no case that did not run is reported as passed.

mod support;

use std::path::Path;

use serde_json::{Value, json};
use support::live::{self, Mock};

/// A target file in YAML, so that the position of each entry is known: every fixture is
/// provisioned through the control plane, except `org_leaf`, given by `org_leaf` (lines 5 on).
fn target_yaml(dir: &Path, name: &str, org_leaf: &str, extra: &str) -> std::path::PathBuf {
    let mut provision = live::control_plane_provision();
    if let Some(oa) = provision["oneaccess"].as_object_mut() {
        oa.remove("org_leaf");
    }
    let text = format!(
        "name: {name}\ntimeout_seconds: 5\nprovision:\n  oneaccess:\n{org_leaf}{extra}credentials: {}\n",
        live::credentials()
    );
    // The other fixtures' provisioning, merged in as JSON (YAML's flow style).
    let mut doc: Value = serde_json::from_value(json!({})).expect("doc");
    doc["others"] = provision;
    let text = text.replace(
        "provision:\n  oneaccess:\n",
        &format!(
            "provision:\n  dataarts: {}\n  enos: {}\n  oneaccess:\n",
            doc["others"]["dataarts"], doc["others"]["enos"]
        ),
    );
    let mut text = text;
    for (fixture, entry) in doc["others"]["oneaccess"].as_object().expect("oneaccess") {
        text = text.replace(
            "  oneaccess:\n",
            &format!("  oneaccess:\n    {fixture}: {entry}\n"),
        );
    }
    let path = dir.join("target.yaml");
    std::fs::write(&path, text).expect("write");
    path
}

/// The line of `needle` in the file (1-based).
fn line_of(path: &Path, needle: &str) -> usize {
    std::fs::read_to_string(path)
        .expect("read")
        .lines()
        .position(|l| l.contains(needle))
        .expect("needle")
        + 1
}

/// Names of the cases reported as harness errors, and every case that libtest says passed.
fn not_run_and_passed(all: &str) -> (Vec<String>, Vec<String>) {
    let errors = all
        .lines()
        .filter_map(|l| l.strip_prefix("harness error (not a verdict on the server) in "))
        .map(str::to_string)
        .collect();
    let passed = all
        .lines()
        .filter(|l| l.starts_with("test ") && l.ends_with(" ok"))
        .filter_map(|l| l.split_whitespace().nth(2).map(str::to_string))
        .collect();
    (errors, passed)
}

#[test]
fn a_failing_provisioning_request_is_a_harness_error_and_its_cases_do_not_pass() {
    let mock = Mock::start(None);
    let dir = live::temp_dir("fail-provision");
    let target = target_yaml(
        &dir,
        "failprov",
        "    org_leaf:\n      requests:\n        - method: POST\n          path: /__fixtures/oneaccess/no_such_fixture\n          status: 201\n          capture: { org_id: /org_id }\n",
        "",
    );
    let out = live::run_suite(&dir, &mock.base(), &target);
    let all = live::text(&out);
    assert_eq!(out.status.code(), Some(101), "{all}");
    let at = format!(
        "{}:{}:",
        target.display(),
        line_of(&target, "- method: POST")
    );
    assert!(
        all.contains(&format!(
            "not run: provisioning oneaccess/org_leaf, request 1 failed at {at}"
        )),
        "{all}"
    );
    assert!(all.contains("expected status 201, got 404"), "{all}");
    assert!(
        all.contains("curl -sS -X POST 'http://127.0.0.1:")
            && all.contains("/__fixtures/oneaccess/no_such_fixture'")
            && all.contains("-H 'Authorization: Bearer [REDACTED]'"),
        "the request as curl, its credential redacted: {all}"
    );
    assert!(
        all.contains("HTTP 404")
            && all.contains("the seed has no fixture oneaccess/no_such_fixture"),
        "{all}"
    );
    assert!(!all.contains("mock-secret-all-7f3a9c"));
    let (not_run, passed) = not_run_and_passed(&all);
    assert!(
        not_run
            .iter()
            .any(|n| n == "oneaccess::delete_organization::success::documented"),
        "{all}"
    );
    for name in &not_run {
        assert!(
            !passed.contains(name),
            "{name} did not run but is reported as passed"
        );
    }
    let (_, failed, ignored) = live::counts(&all).expect("summary");
    assert_eq!(
        (failed, ignored),
        (not_run.len(), 0),
        "only the cases that needed org_leaf fail"
    );
    assert_eq!(mock.live_instances(), 0, "the other entries were torn down");
}

#[test]
fn failing_teardowns_are_listed_with_curl_and_stop_provisioning_past_the_limit() {
    let mock = Mock::start(None);
    let dir = live::temp_dir("fail-teardown");
    let target = target_yaml(
        &dir,
        "failtear",
        "    org_leaf:\n      requests:\n        - { method: POST, path: /__fixtures/oneaccess/org_leaf, status: 201, role: none, capture: { org_id: /org_id, instance: /instance } }\n      teardown:\n        - { method: DELETE, path: \"/__fixtures/oneaccess/org_leaf/gone-{{instance}}\", status: 204, role: none }\n",
        "max_failed_teardowns: 2\n",
    );
    let out = live::run_suite(&dir, &mock.base(), &target);
    let all = live::text(&out);
    assert_ne!(out.status.code(), Some(0), "{all}");
    let at = format!(
        "{}:{}:",
        target.display(),
        line_of(&target, "gone-{{instance}}")
    );
    assert!(
        all.contains("teardowns failed (a harness error, not a verdict on the server)"),
        "{all}"
    );
    assert!(
        all.contains(&format!(
            "teardown of oneaccess/org_leaf, request 1 failed at {at}"
        )),
        "{all}"
    );
    assert!(
        all.contains("curl -sS -X DELETE 'http://127.0.0.1:")
            && all.contains("/__fixtures/oneaccess/org_leaf/gone-fx"),
        "{all}"
    );
    assert!(all.contains("expected status 204, got 404"), "{all}");
    assert!(
        all.contains(&format!(
            "contract-harness cleanup --target {}",
            target.display()
        )),
        "{all}"
    );
    // Past two failures provisioning stops: the remaining consumers of org_leaf do not run.
    assert!(
        all.contains("not provisioned: 3 teardowns failed (more than max_failed_teardowns: 2)"),
        "{all}"
    );
    let (not_run, passed) = not_run_and_passed(&all);
    assert!(!not_run.is_empty());
    for name in &not_run {
        assert!(
            !passed.contains(name),
            "{name} did not run but is reported as passed"
        );
    }
    // What was not torn down is still pending in the ledger, and still on the server.
    let files = contract_harness::exec::ledger::files_for(&dir.join("reports"), "failtear");
    assert_eq!(files.len(), 1, "one ledger for the run: {files:?}");
    let ledger = contract_harness::exec::ledger::Ledger::new(files[0].clone());
    let pending = ledger.pending().expect("ledger");
    assert!(pending.len() >= 3, "{pending:?}");
    assert!(pending.iter().all(|e| e.fixture == "org_leaf"));
    assert_eq!(mock.live_instances(), pending.len());
    // The reports CI shows carry each failed teardown as a harness error, not only stderr.
    let junit = std::fs::read_to_string(dir.join("reports/contract-junit.xml")).expect("junit");
    let run_suite = junit
        .split("<testsuite ")
        .find(|s| s.starts_with("name=\"contract-harness::run\""))
        .unwrap_or_else(|| panic!("no run-level testsuite in {junit}"));
    let errors = run_suite
        .matches("<error message=\"harness error\">")
        .count();
    assert!(errors >= 3, "{run_suite}");
    assert!(
        run_suite.contains(&format!("errors=\"{errors}\""))
            && run_suite.contains("name=\"teardown of oneaccess/org_leaf (")
            && run_suite.contains("expected status 204, got 404")
            && run_suite.contains("curl -sS -X DELETE"),
        "{run_suite}"
    );
    let summary = std::fs::read_to_string(dir.join("reports/contract-summary.md")).expect("md");
    assert!(summary.starts_with("## ❌"), "{summary}");
    assert!(
        summary.contains(&format!("{errors} harness errors outside any case"))
            && summary.contains("<summary>teardown of oneaccess/org&#95;leaf (")
            && summary.contains("expected status 204, got 404"),
        "{summary}"
    );
}

fn undesignated(dir: &Path) -> std::path::PathBuf {
    live::write_target(
        dir,
        &json!({
            "name": "undesignated",
            "fixtures": contract_harness::mock::Seed::builtin().fixtures,
            "credentials": live::credentials(),
        }),
    )
}

#[test]
fn ignored_cases_fail_the_run_in_ci_with_the_flag_or_the_variable() {
    let mock = Mock::start(None);
    let dir = live::temp_dir("fail-ignored");
    let target = undesignated(&dir);
    let run = |env: &[(&str, &str)], flag: bool| {
        // One case that cannot run here (DAYU.4402 needs an undesignated fixture) and one that
        // can (DAYU.3531 is checked as a shape): a run in which nothing can run fails anyway.
        let mut args = vec![
            "run",
            "--specs",
            "specs",
            "dataarts::delete_workspace_users::error::DAYU",
        ];
        if flag {
            args.push("--fail-on-ignored");
        }
        let mut c = live::harness(&dir, &mock.base(), &target, &args);
        for (k, v) in env {
            c.env(k, v);
        }
        let out = c.output().expect("run");
        (out.status.code(), live::text(&out))
    };
    // Outside CI an ignored case is listed and the run passes on the cases that ran.
    let (code, all) = run(&[], false);
    assert_eq!(code, Some(0), "{all}");
    assert!(all.contains("1 passed; 0 failed; 1 ignored"), "{all}");
    assert!(
        all.contains("1 cases are ignored on target `undesignated`"),
        "{all}"
    );
    for (env, flag) in [
        (&[("CI", "true")][..], false),
        (&[][..], true),
        (&[("CONTRACT_FAIL_ON_IGNORED", "1")][..], false),
    ] {
        let (code, all) = run(env, flag);
        assert_eq!(code, Some(1), "{env:?} {flag}: {all}");
        assert!(
            all.contains("error: 1 case was ignored, and ignored cases fail this run"),
            "{all}"
        );
        assert!(
            all.contains("  dataarts::delete_workspace_users::error::DAYU.4402: destructive case on fixture workspace_with_members not designated"),
            "the reason is listed: {all}"
        );
    }
    let (code, all) = run(&[("CI", "true"), ("CONTRACT_FAIL_ON_IGNORED", "0")], false);
    assert_eq!(code, Some(0), "turned off in CI: {all}");
}

#[test]
fn the_embedded_mock_has_no_ignored_case_so_ci_runs_pass() {
    let dir = live::temp_dir("embedded-ci");
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_contract-harness"));
    c.args(["run", "--specs", "specs"]);
    for (k, _) in std::env::vars() {
        if k.starts_with("CONTRACT_") {
            c.env_remove(k);
        }
    }
    let out = c
        .env("CI", "true")
        .env("CONTRACT_SNAPSHOT_DIR", dir.join("snapshots"))
        .env("CONTRACT_SNAPSHOTS", "off")
        .output()
        .expect("run");
    let all = live::text(&out);
    assert!(out.status.success(), "{all}");
    assert_eq!(live::counts(&all).map(|c| c.2), Some(0), "{all}");
}

#[test]
fn a_failing_reset_is_a_harness_error_and_no_case_passes() {
    let mock = Mock::start(None);
    let dir = live::temp_dir("fail-reset");
    let target = dir.join("target.yaml");
    let designated: serde_json::Map<String, Value> = contract_harness::mock::Seed::builtin()
        .fixtures
        .iter()
        .map(|(s, f)| (s.clone(), json!(f.keys().collect::<Vec<_>>())))
        .collect();
    std::fs::write(
        &target,
        format!(
            "name: failreset\nfixtures: {}\ndestructive_fixtures: {}\nreset:\n  method: POST\n  path: /__no_reset_here\n  status: 204\ncredentials: {}\n",
            serde_json::to_string(&contract_harness::mock::Seed::builtin().fixtures).expect("json"),
            Value::Object(designated),
            live::credentials()
        ),
    )
    .expect("write");
    let out = live::harness(
        &dir,
        &mock.base(),
        &target,
        &[
            "run",
            "--specs",
            "specs",
            "oneaccess::delete_organization::",
        ],
    )
    .output()
    .expect("run");
    let all = live::text(&out);
    assert_eq!(out.status.code(), Some(101), "{all}");
    assert!(
        all.contains(&format!(
            "not run: reset failed at {}:5:3: expected status 204, got 404",
            target.display()
        )),
        "{all}"
    );
    assert!(
        all.contains("curl -sS -X POST 'http://127.0.0.1:") && all.contains("/__no_reset_here'"),
        "{all}"
    );
    let (not_run, passed) = not_run_and_passed(&all);
    assert!(
        passed.is_empty(),
        "nothing passes without its reset: {passed:?}"
    );
    let (_, failed, _) = live::counts(&all).expect("summary");
    assert_eq!(failed, not_run.len(), "every failure is a case not run");
}

#[test]
fn what_a_failed_provisioning_made_in_part_is_torn_down() {
    let mock = Mock::start(None);
    let dir = live::temp_dir("fail-partial");
    let target = target_yaml(
        &dir,
        "partial",
        "    org_leaf:\n      requests:\n        - { method: POST, path: /__fixtures/oneaccess/org_leaf, status: 201, role: none, capture: { org_id: /org_id, instance: /instance } }\n        - { method: POST, path: \"/__fixtures/oneaccess/{{org_id}}\", status: 201, role: none }\n      teardown:\n        - { method: DELETE, path: \"/__fixtures/oneaccess/org_leaf/{{instance}}\", status: 204, role: none }\n",
        "",
    );
    let name = "oneaccess::delete_organization::success::documented";
    let out = live::harness(
        &dir,
        &mock.base(),
        &target,
        &["run", "--specs", "specs", "--exact", name],
    )
    .output()
    .expect("run");
    let all = live::text(&out);
    assert_eq!(out.status.code(), Some(101), "{all}");
    assert!(
        all.contains("provisioning oneaccess/org_leaf, request 2 failed at"),
        "{all}"
    );
    assert!(
        !all.contains("teardowns failed"),
        "the part made was torn down: {all}"
    );
    assert_eq!(
        mock.live_instances(),
        0,
        "nothing made in part is left on the server"
    );
}
