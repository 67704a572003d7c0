//! A misconfigured run is loud: a credential variable that is not set, a service without a
//! base URL, are reported before any case runs, each naming the line to fix, and the run exits
//! 2 — never as ignored cases under exit 0. A target file without a `name` is named after
//! itself.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "contract-harness-misconfigured-{tag}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

fn run(
    dir: &Path,
    target: &Path,
    base_url: Option<&str>,
    env: &[(&str, &str)],
) -> (Output, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_contract-harness"));
    cmd.args(["run", "--specs", "specs"])
        .env("CONTRACT_TARGET", target)
        .env("CONTRACT_REPORT_DIR", dir.join("reports"))
        .env("CONTRACT_SNAPSHOT_DIR", dir.join("snapshots"))
        .env_remove("CONTRACT_BASE_URL")
        .env_remove("CI")
        .env_remove("CONTRACT_FAIL_ON_IGNORED");
    if let Some(b) = base_url {
        cmd.env("CONTRACT_BASE_URL", b);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let output = cmd.output().expect("run the binary");
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (output, text)
}

const TARGET: &str = "\
base_url: http://127.0.0.1:9
credentials:
  oneaccess:
    default: { client_id: MISCONF_OA_ID, client_secret: MISCONF_OA_SECRET }
  dataarts:
    default: { user: MISCONF_IAM_USER, password: MISCONF_IAM_PASSWORD, domain: MISCONF_IAM_DOMAIN }
";

#[test]
fn an_unset_credential_variable_stops_the_run_naming_its_line() {
    let dir = scratch("env");
    let target = dir.join("staging-eu.yaml");
    std::fs::write(&target, TARGET).expect("write");
    // Only the OneAccess variables are set: the DataArts role's three are missing.
    let (output, text) = run(
        &dir,
        &target,
        None,
        &[
            ("MISCONF_OA_ID", "id"),
            ("MISCONF_OA_SECRET", "s3cr3t-value"),
            // An empty variable counts as unset: a secret CI did not pass.
            ("MISCONF_IAM_USER", ""),
        ],
    );
    assert_eq!(output.status.code(), Some(2), "{text}");
    let at = format!("{}:6:", target.display());
    for var in [
        "MISCONF_IAM_USER",
        "MISCONF_IAM_PASSWORD",
        "MISCONF_IAM_DOMAIN",
    ] {
        assert!(
            text.lines()
                .any(|l| l.contains(&at) && l.contains(var) && l.contains("is not set")),
            "{var} at {at}:\n{text}"
        );
    }
    assert!(
        !text.contains("variable MISCONF_OA_ID ") && !text.contains("variable MISCONF_OA_SECRET "),
        "set variables are not reported: {text}"
    );
    assert!(!text.contains("test result"), "no case ran: {text}");
    assert!(!text.contains("s3cr3t-value"), "{text}");
}

#[test]
fn a_service_without_a_base_url_stops_the_run_naming_its_spec() {
    let dir = scratch("base");
    let target = dir.join("t.yaml");
    std::fs::write(
        &target,
        "base_urls: { oneaccess: 'http://127.0.0.1:9', dataarts: 'http://127.0.0.1:9' }\n",
    )
    .expect("write");
    let (output, text) = run(&dir, &target, None, &[]);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(
        text.contains("specs/enos/service.yaml:")
            && text.contains("service `enos` has no base URL on target `t`")
            && text.contains(&format!("`base_urls.enos` in {}", target.display())),
        "{text}"
    );
    assert!(!text.contains("service `oneaccess`"), "{text}");
}

#[test]
fn a_target_file_without_a_name_is_named_after_itself() {
    let dir = scratch("name");
    let target = dir.join("staging-eu.yaml");
    std::fs::write(&target, "{}\n").expect("write");
    // A base URL for every service, no credential: the run starts, its cases are ignored.
    let (_, text) = run(&dir, &target, Some("http://127.0.0.1:9"), &[]);
    assert!(text.contains("target `staging-eu`"), "{text}");
    assert!(!text.contains("target `staging`"), "{text}");
}
