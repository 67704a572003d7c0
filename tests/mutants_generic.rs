//! Mutants for any spec: on the example petstore, which no hand-written mock serves, the
//! catalogue is the faults derived from its specs, the correct generic mocks pass every case
//! the embedded target runs, and every derived fault is caught, by an assertion or by a
//! snapshot diff. `contract-harness mutants --specs DIR` does the same from the command line,
//! leaving out the cases the embedded target ignores, as a run of the suite does.

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use contract_harness::contract;
use contract_harness::exec::PropSettings;
use contract_harness::mock::Seed;
use contract_harness::mock::embedded::MockFault;
use contract_harness::mock::generic::GenericFault;
use contract_harness::mutants;

#[test]
fn every_derived_fault_of_the_petstore_is_caught_and_the_correct_mock_passes() {
    let specs = contract::load(Path::new("examples/petstore/specs"))
        .expect("specs")
        .specs;
    let seed = Arc::new(Seed::builtin());
    let faults = mutants::catalogue(&specs, &seed).expect("catalogue");
    let derived: Vec<MockFault> = ["pets", "store"]
        .iter()
        .flat_map(|s| GenericFault::catalogue(&specs, s))
        .map(MockFault::Generic)
        .collect();
    assert_eq!(faults, derived, "no vendor fault, every derived one");
    assert_eq!(faults.len(), 24, "the petstore's derived catalogue");
    let settings = PropSettings {
        // 8 inputs per property, as tests/mutants.rs.
        cases: 8,
        seed: 0x00C0_FFEE,
        ..PropSettings::default()
    };
    let (clean, runs) = mutants::run_all(&specs, &seed, settings, 2, &faults).expect("mocks");
    let table = mutants::table(&clean, &runs);
    println!("{table}");
    assert!(
        clean.failed.is_empty()
            && clean.errors.is_empty()
            && clean.ignored.is_empty()
            && clean.ran > 0,
        "the correct mock fails: {:?} {:?}",
        clean.failed,
        clean.errors
    );
    let missed: Vec<String> = runs
        .iter()
        // Caught by an assertion, as the walkthrough promises (not only by a snapshot diff).
        .filter(|r| r.failed.is_empty())
        .filter_map(|r| r.fault.as_ref().map(MockFault::name))
        .collect();
    assert!(missed.is_empty(), "faults not caught: {missed:?}\n{table}");
    for r in &runs {
        assert!(
            r.errors.is_empty(),
            "harness errors under {:?}: {:?}",
            r.fault,
            r.errors
        );
    }
    assert!(
        table.contains("24 of 24 faults caught (24 by assertions, 0 by snapshot diffs only)"),
        "{table}"
    );
    assert!(table.contains("wrong error code"), "{table}");
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_contract-harness"))
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_command_takes_derived_faults_and_refuses_unknown_ones() {
    let out = bin()
        .args(["mutants", "--specs", "examples/petstore/specs"])
        .args(["--fault", "delete_pet-consumption-not-persisted"])
        .args(["--fault", "place_order-ORDER.404-wrong-code"])
        .env("CONTRACT_PROPTEST_CASES", "8")
        .output()
        .expect("mutants");
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("2 of 2 faults caught"), "{stdout}");
    assert!(
        stdout.contains("pets::delete_pet::stateful::deleted_stays_deleted"),
        "{stdout}"
    );
    let out = bin()
        .args(["mutants", "--specs", "examples/petstore/specs"])
        .args(["--fault", "delete_pet-no-such-fault"])
        .output()
        .expect("mutants");
    let (stdout, stderr) = text(&out);
    assert!(!out.status.success(), "{stdout}{stderr}");
    assert!(
        stderr.contains("unknown fault `delete_pet-no-such-fault`"),
        "{stderr}"
    );
}

#[test]
fn cases_the_embedded_target_ignores_are_left_out() {
    // OneAccess's specs as a team's own service: the generic mock serves it, and the two
    // sequences whose business rule it cannot know are ignored, not run (nor counted as
    // catching anything).
    let dir = std::env::temp_dir().join(format!("ch-mutants-generic-{}", std::process::id()));
    let svc = dir.join("team");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&svc).expect("dir");
    for entry in std::fs::read_dir("specs/oneaccess")
        .expect("specs")
        .flatten()
    {
        let text = std::fs::read_to_string(entry.path()).expect("spec");
        let text = text.replace("service: oneaccess", "service: team");
        std::fs::write(svc.join(entry.file_name()), text).expect("copy");
    }
    let out = bin()
        .args(["mutants", "--specs"])
        .arg(&dir)
        .args(["--fault", "delete_organization-ORG.0020-wrong-code"])
        .env("CONTRACT_PROPTEST_CASES", "8")
        .output()
        .expect("mutants");
    let (stdout, stderr) = text(&out);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(
        stdout.contains("2 ignored on the embedded target")
            && stdout.contains("1 of 1 faults caught"),
        "{stdout}"
    );
    assert!(
        stderr.contains("ignored: team::delete_organization::stateful::parent_deletable_after_child: the generic mock cannot check this sequence"),
        "{stderr}"
    );
}
