//! A newcomer's first hour, through the binary as they would run it: snapshots on a new target
//! (recorded and labelled, missing in CI in one actionable line, changes shown as diffs in the
//! reports, reviewed with `contract-harness review`), reproduce lines that rerun the failing
//! case, `lint` on one file, and filtered runs that stay quiet about other cases.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use contract_harness::exec::{PropSettings, Target};
use contract_harness::harness::Suite;
use contract_harness::report::reproduce::{Invocation, Reproduce};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_contract-harness"));
    // The tests decide themselves whether they run "in CI".
    for k in [
        "CI",
        "INSTA_UPDATE",
        "CONTRACT_SNAPSHOTS",
        "CONTRACT_TARGET",
        "CONTRACT_BASE_URL",
        "CONTRACT_REPORT_DIR",
        "CONTRACT_MOCK_FAULT",
        "CONTRACT_FAIL_ON_IGNORED",
    ] {
        c.env_remove(k);
    }
    c
}

fn temp(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ch-first-hour-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Nothing of insta's or Rust's panic machinery reaches the user.
fn no_noise(all: &str) {
    for noise in ["cargo insta", "RUST_BACKTRACE", "panicked", "insta"] {
        assert!(!all.contains(noise), "`{noise}` in output:\n{all}");
    }
}

fn run_enos_errors(snapshots: &Path, ci: bool, reports: Option<&Path>) -> Output {
    let mut c = bin();
    c.args(["run", "enos::remove_user::error"])
        .env("CONTRACT_SNAPSHOT_DIR", snapshots);
    if ci {
        c.env("CI", "true");
    }
    if let Some(r) = reports {
        c.env("CONTRACT_REPORT_DIR", r);
    }
    c.output().expect("run")
}

#[test]
fn first_run_records_snapshots_and_labels_them() {
    let dir = temp("first");
    let snaps = dir.join("snapshots/new-target");
    let out = run_enos_errors(&snaps, false, None);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    let files = std::fs::read_dir(&snaps)
        .expect("snapshots written")
        .count();
    assert!(files >= 3, "{files} snapshots");
    assert!(
        stdout.contains(&format!(
            "{files} new snapshots recorded under {}: read them (`git diff`), then commit them",
            snaps.display()
        )),
        "{stdout}"
    );
    assert!(!stdout.contains("behaviour change"), "{stdout}");
    no_noise(&format!("{stdout}{stderr}"));
    assert!(snaps.join("enos__remove_user__error__31400.snap").is_file());
    // The second run matches and says nothing about snapshots.
    let again = run_enos_errors(&snaps, true, None);
    let (stdout, _) = text(&again);
    assert!(again.status.success(), "{stdout}");
    assert!(!stdout.contains("snapshots"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn missing_snapshots_in_ci_fail_with_one_actionable_line() {
    let dir = temp("missing");
    let snaps = dir.join("snapshots/staging");
    let out = run_enos_errors(&snaps, true, None);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(101), "{stdout}{stderr}");
    let summary: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("error: ") && l.contains("snapshots missing"))
        .collect();
    let cases = stdout.matches("... FAILED").count();
    assert!(cases >= 3, "{stdout}");
    assert_eq!(
        summary,
        [format!(
            "error: {cases} snapshots missing under {}: record them with one run outside CI (CI unset), read and commit them, or set CONTRACT_SNAPSHOTS=off",
            snaps.display()
        )]
    );
    assert!(!stdout.contains("behaviour change"), "{stdout}");
    assert!(!snaps.exists(), "nothing is written in CI");
    no_noise(&format!("{stdout}{stderr}"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_changed_snapshot_shows_its_diff_in_the_reports_and_is_reviewed() {
    let dir = temp("changed");
    let snaps = dir.join("snapshots/mock");
    let reports = dir.join("reports");
    assert!(run_enos_errors(&snaps, false, None).status.success());
    let file = snaps.join("enos__remove_user__error__31404.snap");
    let recorded = std::fs::read_to_string(&file).expect("snapshot");
    std::fs::write(
        &file,
        recorded.replace("organization not found", "organization is gone"),
    )
    .expect("edit");

    // In CI: fails with the diff, in the Markdown summary and JUnit too; nothing written.
    let out = run_enos_errors(&snaps, true, Some(&reports));
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(101), "{stdout}{stderr}");
    assert!(stdout.contains("behaviour change in enos::remove_user::error::31404"));
    let markdown = std::fs::read_to_string(reports.join("contract-summary.md")).expect("md");
    let junit = std::fs::read_to_string(reports.join("contract-junit.xml"))
        .expect("junit")
        .replace("&quot;", "\"");
    for report in [&stdout, &markdown, &junit] {
        assert!(report.contains("organization is gone"), "{report}");
        assert!(
            report.contains("-      \"message\": \"organization is gone\""),
            "{report}"
        );
        assert!(
            report.contains("+      \"message\": \"organization not found\""),
            "{report}"
        );
    }
    assert!(
        !snaps
            .join("enos__remove_user__error__31404.snap.new")
            .exists()
    );
    no_noise(&format!("{stdout}{stderr}{markdown}{junit}"));

    // Outside CI: the observed one is proposed beside it, and `review` (run from a directory
    // that holds only the snapshots) accepts it.
    let local = run_enos_errors(&snaps, false, None);
    assert_eq!(local.status.code(), Some(101));
    assert!(
        snaps
            .join("enos__remove_user__error__31404.snap.new")
            .is_file()
    );
    let listed = bin()
        .args(["review"])
        .current_dir(&dir)
        .stdin(Stdio::null())
        .output()
        .expect("review");
    let (listing, _) = text(&listed);
    assert_eq!(listed.status.code(), Some(1), "{listing}");
    assert!(listing.contains("[1/1] changed: snapshots/mock/enos__remove_user__error__31404.snap"));
    assert!(listing.contains("1 proposals left"), "{listing}");
    let accepted = bin()
        .args(["review", "--accept"])
        .current_dir(&dir)
        .output()
        .expect("review");
    assert!(accepted.status.success(), "{}", text(&accepted).0);
    assert_eq!(
        std::fs::read_to_string(&file).expect("snapshot"),
        recorded,
        "accepting restores what the server sends"
    );
    assert!(run_enos_errors(&snaps, true, None).status.success());
    let _ = std::fs::remove_dir_all(&dir);
}

/// The standalone mock with a fault, as a live server.
fn live_mock(fault: &str) -> (Child, String) {
    let mut child = bin()
        .args(["mock", "--port", "0", "--quiet", "--fault", fault])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("mock");
    let stderr = child.stderr.take().expect("stderr");
    let mut line = String::new();
    BufReader::new(stderr).read_line(&mut line).expect("banner");
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("url in banner")
        .to_string();
    (child, url)
}

const TARGET: &str = "name: reproduce-test
timeout_seconds: 5
fixtures:
  oneaccess:
    org_leaf: { org_id: org-leaf }
destructive_fixtures:
  oneaccess: [org_leaf]
credentials:
  oneaccess:
    default: { client_id: R_OA_ID, client_secret: R_OA_SECRET }
";

#[test]
fn the_reproduce_line_under_run_names_the_target_and_reruns_the_case() {
    let dir = temp("reproduce");
    let target = dir.join("target.yaml");
    std::fs::write(&target, TARGET).expect("target");
    let (mut mock, url) = live_mock("delete-org-not-found-404");
    let run = |args: &[&str], env: &[(String, String)]| {
        let mut c = bin();
        c.args(args)
            .env("CONTRACT_SNAPSHOTS", "off")
            .env("R_OA_ID", "ch-all")
            .env("R_OA_SECRET", "mock-secret-all-7f3a9c");
        for (k, v) in env {
            c.env(k, v);
        }
        c.output().expect("run")
    };
    let env = [
        ("CONTRACT_TARGET".to_string(), target.display().to_string()),
        ("CONTRACT_BASE_URL".to_string(), url.clone()),
    ];
    let out = run(&["run", "oneaccess::delete_organization::error"], &env);
    let (stdout, stderr) = text(&out);
    let line = stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("reproduce: "))
        .unwrap_or_else(|| panic!("no reproduce line:\n{stdout}{stderr}"));
    assert_eq!(
        line,
        format!(
            "CONTRACT_TARGET={} CONTRACT_BASE_URL={url} contract-harness run --specs specs --exact oneaccess::delete_organization::error::ORG.0001",
            target.display()
        )
    );
    // Filtered runs list only their own ignored cases (none of DataArts or EnOS here).
    assert!(!stderr.contains("dataarts::"), "{stderr}");
    assert!(!stderr.contains("enos::"), "{stderr}");

    // Pasting the line reruns exactly that case, with the same verdict.
    let words: Vec<&str> = line.split(' ').collect();
    let (assignments, command): (Vec<&str>, Vec<&str>) = words
        .iter()
        .partition(|w| w.contains('=') && w.starts_with("CONTRACT_"));
    assert_eq!(command[0], "contract-harness");
    let env: Vec<(String, String)> = assignments
        .iter()
        .filter_map(|a| a.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let again = run(&command[1..], &env);
    let (stdout, stderr) = text(&again);
    let _ = mock.kill();
    assert_eq!(again.status.code(), Some(101), "{stdout}{stderr}");
    assert!(
        stdout.contains("test result: FAILED. 0 passed; 1 failed;"),
        "{stdout}"
    );
    assert!(stdout.contains("oneaccess::delete_organization::error::ORG.0001 ... FAILED"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_reproduce_line_under_cargo_test_names_the_target_without_userinfo() {
    let dir = temp("reproduce-cargo");
    let file = dir.join("target.yaml");
    std::fs::write(&file, TARGET).expect("target");
    let (mut mock, url) = live_mock("delete-org-not-found-404");
    let with_userinfo = url.replacen("http://", "http://someone:s3cret@", 1);
    let env = |k: &str| match k {
        "R_OA_ID" => Some("ch-all".to_string()),
        "R_OA_SECRET" => Some("mock-secret-all-7f3a9c".to_string()),
        "CONTRACT_TARGET" => Some(file.display().to_string()),
        "CONTRACT_BASE_URL" => Some(with_userinfo.clone()),
        _ => None,
    };
    let loaded = contract_harness::contract::load(Path::new("specs")).expect("specs");
    let target = Target::live(Some(&file), &url, &env, &loaded.specs).expect("target");
    let mut suite = Suite::new(
        loaded.specs,
        target,
        PropSettings::from_env().expect("settings"),
        None,
    );
    suite.reproduce = Reproduce::from_lookup(Invocation::CargoTest, Path::new("specs"), &env);
    let case = "oneaccess::delete_organization::error::ORG.0001";
    let i = suite
        .cases
        .iter()
        .position(|c| c.name == case)
        .expect("case");
    let text = suite.run(i).expect_err("the fault fails the case");
    let _ = mock.kill();
    let expected = format!(
        "  reproduce: CONTRACT_TARGET={} CONTRACT_BASE_URL={url} cargo test --test contract -- --exact {case}",
        file.display()
    );
    assert!(text.lines().any(|l| l == expected), "{text}");
    assert!(!text.contains("s3cret"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn lint_takes_one_file_with_its_service() {
    let out = bin()
        .args(["lint", "specs/enos/remove_user.yaml"])
        .output()
        .expect("lint");
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(
        stdout.starts_with("ok: specs/enos/remove_user.yaml:"),
        "{stdout}"
    );

    let broken = bin()
        .args([
            "lint",
            "tests/golden/specs/unknown_field/svc/delete_thing.yaml",
        ])
        .output()
        .expect("lint");
    let (_, stderr) = text(&broken);
    assert_eq!(broken.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("--> tests/golden/specs/unknown_field/svc/delete_thing.yaml:14:3"),
        "{stderr}"
    );

    let orphan = temp("orphan").join("op.yaml");
    std::fs::write(&orphan, "id: x\n").expect("file");
    let out = bin().arg("lint").arg(&orphan).output().expect("lint");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).1.contains("has no service.yaml"));
    if let Some(d) = orphan.parent() {
        let _ = std::fs::remove_dir_all(d);
    }
}

#[test]
fn a_service_no_embedded_mock_can_serve_stops_the_default_run() {
    // A team's own service with signed requests, which neither the vendor mock nor the generic
    // mock serves: the run stops at once naming its service.yaml, instead of a run of ignored
    // cases under exit 0.
    let dir = temp("own-service");
    let svc = dir.join("gateway");
    std::fs::create_dir_all(&svc).expect("dir");
    for entry in std::fs::read_dir("specs/enos").expect("specs").flatten() {
        let text = std::fs::read_to_string(entry.path()).expect("spec");
        let text = text.replace("service: enos", "service: gateway");
        std::fs::write(svc.join(entry.file_name()), text).expect("copy");
    }
    let out = bin()
        .args(["run", "--specs"])
        .arg(&dir)
        .output()
        .expect("run");
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    assert!(
        stderr.contains(&format!("{}:", svc.join("service.yaml").display()))
            && stderr.contains("the embedded mock cannot serve `gateway` (its requests are signed"),
        "{stderr}"
    );
    assert!(!stdout.contains("test result"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_team_service_runs_on_the_generic_mock_by_default() {
    // The same OneAccess specs as a team's own service `pets`: the generic mock serves them
    // from the specs alone; what it cannot know (a sequence's business rule) is ignored with
    // the reason, and everything else runs.
    let dir = temp("generic-service");
    let svc = dir.join("pets");
    std::fs::create_dir_all(&svc).expect("dir");
    for entry in std::fs::read_dir("specs/oneaccess")
        .expect("specs")
        .flatten()
    {
        let text = std::fs::read_to_string(entry.path()).expect("spec");
        let text = text.replace("service: oneaccess", "service: pets");
        std::fs::write(svc.join(entry.file_name()), text).expect("copy");
    }
    let out = bin()
        .args(["run", "--specs"])
        .arg(&dir)
        .env("CONTRACT_SNAPSHOT_DIR", dir.join("snapshots"))
        .env("CONTRACT_SNAPSHOTS", "update")
        .output()
        .expect("run");
    let (stdout, stderr) = text(&out);
    // Outside CI an ignored case does not fail the run; here exactly the two sequences whose
    // business rule the generic mock cannot know are ignored, and everything else passes.
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(
        stdout.contains("test result: ok. 133 passed; 0 failed; 2 ignored"),
        "{stdout}{stderr}"
    );
    for name in [
        "pets::delete_organization::stateful::parent_deletable_after_child",
        "pets::disable_organization::stateful::disabled_child_unblocks_parent",
    ] {
        assert!(
            stderr.contains(&format!(
                "{name}: the generic mock cannot check this sequence"
            )),
            "{name}:\n{stderr}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
