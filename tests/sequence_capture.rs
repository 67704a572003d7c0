//! Sequences that carry values: a step captures from its response, later steps bind to it
//! with `{{name}}`; a capture that finds nothing is a harness error, never a pass; a bind to a
//! value no earlier step captures is a lint error at its position.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("dir");
    for e in std::fs::read_dir(from).expect("read").flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).expect("copy");
        }
    }
}

/// The shipped specs with `sequence` (YAML, indented as a list item) added to the disable
/// operation's sequences.
fn specs_with(tag: &str, sequence: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ch-capture-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(Path::new("specs"), &dir);
    let file = dir.join("oneaccess/disable_organization.yaml");
    let text = std::fs::read_to_string(&file).expect("spec");
    let text = text.replacen("sequences:\n", &format!("sequences:\n{sequence}"), 1);
    std::fs::write(&file, text).expect("write");
    dir
}

fn harness(args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_contract-harness"));
    for (k, _) in std::env::vars() {
        if k.starts_with("CONTRACT_") || k == "CI" {
            c.env_remove(k);
        }
    }
    c.args(args)
        .env("CONTRACT_SNAPSHOTS", "off")
        .output()
        .expect("run")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The id the first step returns is the child's, not the fixture's `org_id` (the parent): a
/// second step that ignored the capture would hit the parent and get ORG.0020.
const CARRIED: &str = r#"  - name: deleted_by_returned_id
    description: The id the disable answer returns names the disabled child; deleting by it removes the child, so the parent can go.
    steps:
      - { call: disable_organization, fixture: org_with_children, bind: { org_id: child_org_id }, expect: success, capture: { disabled: /org_id } }
      - { call: delete_organization, fixture: org_with_children, bind: { org_id: "{{disabled}}" }, expect: success }
      - { call: delete_organization, fixture: org_with_children, expect: success }
"#;

#[test]
fn a_captured_value_carries_into_later_steps() {
    let specs = specs_with("carried", CARRIED);
    let specs_arg = specs.display().to_string();
    let lint = harness(&["lint", &specs_arg]);
    assert!(lint.status.success(), "{}", text(&lint));
    let name = "oneaccess::disable_organization::stateful::deleted_by_returned_id";
    let out = harness(&["run", "--specs", &specs_arg, "--exact", name]);
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(all.contains("test result: ok. 1 passed"), "{all}");
    let _ = std::fs::remove_dir_all(&specs);
}

#[test]
fn a_capture_that_finds_nothing_is_a_harness_error() {
    let specs = specs_with(
        "missing",
        &CARRIED
            .replace("deleted_by_returned_id", "capture_missing")
            .replace("/org_id }", "/no_such_field }"),
    );
    let name = "oneaccess::disable_organization::stateful::capture_missing";
    let out = harness(&[
        "run",
        "--specs",
        &specs.display().to_string(),
        "--exact",
        name,
    ]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(101), "{all}");
    assert!(
        all.contains(&format!("harness error (not a verdict on the server) in {name}"))
            && all.contains("step 1 of 3: capture `disabled` (/no_such_field) found no string or number in the response (HTTP 200)"),
        "{all}"
    );
    let _ = std::fs::remove_dir_all(&specs);
}

#[test]
fn a_bind_to_a_value_no_earlier_step_captures_is_a_lint_error() {
    let specs = specs_with(
        "unknown",
        &CARRIED
            .replace("deleted_by_returned_id", "unknown_capture")
            .replace(
                "capture: { disabled: /org_id }",
                "capture: { other: /org_id }",
            ),
    );
    let out = harness(&["lint", &specs.display().to_string()]);
    let all = text(&out);
    assert!(!out.status.success(), "{all}");
    assert!(
        all.contains("error[unknown-capture]")
            && all.contains("no earlier step captures `disabled`"),
        "{all}"
    );
    assert!(
        all.contains("disable_organization.yaml:71:"),
        "the bind's position: {all}"
    );
    let _ = std::fs::remove_dir_all(&specs);
}
