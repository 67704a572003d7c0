//! The suite is worth running: against the correct mock every case passes, and against every
//! fault of the mock's catalogue at least one case fails (snapshots off, so the contract
//! checks alone must catch it).

use std::path::Path;
use std::sync::Arc;

use contract_harness::exec::PropSettings;
use contract_harness::mock::{Fault, Seed};
use contract_harness::{mutants, spec};

#[test]
fn every_fault_is_caught_and_the_correct_mock_passes() {
    let loaded = spec::load(Path::new("specs")).expect("specs");
    let seed = Arc::new(Seed::builtin());
    let settings = PropSettings {
        cases: 32,
        seed: 0x00C0_FFEE,
    };
    let (clean, runs) = mutants::run_all(&loaded.specs, &seed, settings, 2, Fault::ALL);
    let table = mutants::table(&clean, &runs);
    println!("{table}");
    assert!(
        clean.failed.is_empty() && clean.errors.is_empty(),
        "the correct mock fails: {:?} {:?}",
        clean.failed,
        clean.errors
    );
    let missed: Vec<&str> = runs
        .iter()
        .filter(|r| r.failed.is_empty())
        .filter_map(|r| r.fault.map(Fault::name))
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
}
