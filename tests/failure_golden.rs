//! Golden failure output: for a few faults of the mock, the exact text a user sees (spec
//! location, rule, curl, response, shrunk input and seed). `UPDATE_GOLDEN=1` rewrites them.

use std::path::Path;
use std::sync::Arc;

use contract_harness::contract;
use contract_harness::exec::PropSettings;
use contract_harness::harness::Suite;
use contract_harness::mock::{Fault, Seed};

/// Replaces what changes from run to run: the loopback port and the EnOS timestamp.
fn normalize(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    for marker in ["127.0.0.1:", "apim-timestamp: "] {
        out.clear();
        while let Some(i) = rest.find(marker) {
            out.push_str(&rest[..i + marker.len()]);
            let tail = &rest[i + marker.len()..];
            let digits = tail.chars().take_while(char::is_ascii_digit).count();
            out.push_str(if marker.starts_with("127") {
                "PORT"
            } else {
                "TIMESTAMP"
            });
            rest = &tail[digits..];
        }
        out.push_str(rest);
        let owned = out.clone();
        rest = Box::leak(owned.into_boxed_str());
    }
    rest.to_string()
}

fn failure_text(fault: Fault, case: &str) -> String {
    let loaded = contract::load(Path::new("specs")).expect("specs load");
    let target = contract_harness::mock::embedded::target(Arc::new(Seed::builtin()), Some(fault));
    let suite = Suite::new(
        loaded.specs,
        target,
        PropSettings {
            cases: 32,
            seed: 0x00C0_FFEE,
            ..PropSettings::default()
        },
        None,
    );
    let i = suite
        .cases
        .iter()
        .position(|c| c.name == case)
        .unwrap_or_else(|| panic!("no case {case}"));
    let text = suite.run(i).expect_err("the fault must fail this case");
    normalize(&text)
}

fn golden(fault: Fault, case: &str) {
    let actual = failure_text(fault, case);
    let path = Path::new("tests/golden/failures").join(format!("{}.txt", fault.name()));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &actual).expect("write golden");
        return;
    }
    let expected =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(
        actual,
        expected,
        "failure text for {} changed",
        fault.name()
    );
}

#[test]
fn wrong_error_code_names_the_spec_line_and_shows_curl() {
    golden(
        Fault::DeleteOrgGroupsCode,
        "oneaccess::delete_organization::error::ORG.0021",
    );
}

#[test]
fn server_error_on_generated_input_shows_the_shrunk_input_and_seed() {
    golden(
        Fault::UnbindNonAscii500,
        "oneaccess::unbind_public_account_users::valid::documented_responses",
    );
}

#[test]
fn invalid_body_accepted_with_500_is_shrunk_to_a_minimal_body() {
    golden(
        Fault::DataartsNullElement500,
        "dataarts::delete_workspace_users::invalid::body_user_ids",
    );
}

#[test]
fn a_broken_state_rule_names_the_step_of_the_sequence() {
    golden(
        Fault::EnosTwoOuUserDeleted,
        "enos::remove_user::stateful::two_ou_user_survives_first_removal",
    );
}

#[test]
fn a_skipped_signature_check_is_a_refusal_failure() {
    golden(
        Fault::EnosSignatureUnchecked,
        "enos::remove_user::auth::wrong",
    );
}

/// Golden shrink: a server that answers 500 to an org_id longer than 200 characters; the
/// generated id that first fails is long (up to 400 characters) and shrinks to at most 2
/// characters more than the shortest failing one (201).
#[test]
fn a_long_id_shrinks_to_the_shortest_failing_length() {
    let case = "oneaccess::disable_organization::valid::documented_responses";
    golden(Fault::DisableOrgLongId500, case);
    let text = failure_text(Fault::DisableOrgLongId500, case);
    let line = text
        .lines()
        .find(|l| l.contains("minimal input (after"))
        .expect("a minimal input line");
    let chars: usize = line
        .rsplit_once('(')
        .and_then(|(_, tail)| tail.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no length in {line}"));
    assert!((201..=203).contains(&chars), "{line}");
    assert!(line.contains("shrink steps"), "{line}");
}

#[test]
fn normalize_replaces_ports_and_timestamps() {
    assert_eq!(
        normalize("http://127.0.0.1:4242/x apim-timestamp: 17"),
        "http://127.0.0.1:PORT/x apim-timestamp: TIMESTAMP"
    );
}
