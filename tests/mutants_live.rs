//! Mutants over the live path: every fault of the catalogue is caught when the suite runs
//! against the standalone mock as a live target whose fixtures are all provisioned through the
//! control plane (fresh entries per consuming case, reset-free), and the correct mock passes
//! with no case ignored.

mod support;

use std::path::Path;
use std::sync::Arc;

use contract_harness::contract;
use contract_harness::exec::{PropSettings, Target};
use contract_harness::harness::Suite;
use contract_harness::mock::embedded::MockFault;
use contract_harness::mock::{Fault, MockConfig, MockServer, Seed};
use contract_harness::mutants::{self, SuiteRun};
use serde_json::json;
use support::live;

fn env(name: &str) -> Option<String> {
    live::ENV
        .iter()
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A live target on `base`, every fixture provisioned through the control plane.
fn target(dir: &Path, name: &str, base: &str) -> Target {
    let path = dir.join(format!("{name}.yaml"));
    let doc = json!({
        "name": name,
        "timeout_seconds": 5,
        "concurrency": 8,
        "provision": live::control_plane_provision(),
        "credentials": live::credentials(),
    });
    std::fs::write(&path, doc.to_string()).expect("write");
    let specs = contract::load(Path::new("specs")).expect("specs").specs;
    Target::live(Some(&path), base, &env, &specs).expect("target")
}

#[test]
fn every_fault_is_caught_over_a_live_target_with_provisioning() {
    let specs = contract::load(Path::new("specs")).expect("specs").specs;
    let settings = PropSettings {
        // 8 inputs per property (the run's default is 32) catch every fault of the catalogue
        // from this seed, at a quarter of the time: this test is most of `cargo test`.
        cases: 8,
        seed: 0x00C0_FFEE,
        ..PropSettings::default()
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let seed = Arc::new(Seed::builtin());
    let start = |fault: Option<Fault>| {
        let mut config = MockConfig::new(seed.clone());
        config.fault = fault;
        rt.block_on(MockServer::start(&config, ([127, 0, 0, 1], 0).into()))
            .expect("mock")
    };
    let dir = live::temp_dir("mutants-live");

    let clean_mock = start(None);
    let suite = Suite::new(
        specs.clone(),
        target(&dir, "mutants-live-clean", &clean_mock.base_url()),
        settings,
        None,
    );
    let ignored: Vec<&str> = suite
        .cases
        .iter()
        .filter(|c| c.ignore.is_some())
        .map(|c| c.name.as_str())
        .collect();
    assert!(
        ignored.is_empty(),
        "ignored on the live target: {ignored:?}"
    );
    let cases = suite.cases.clone();
    let clean = mutants::run_on(&specs, &cases, &suite.target, None, settings, 2);
    assert!(
        clean.failed.is_empty() && clean.errors.is_empty(),
        "the correct mock fails over the live path: {:?} {:?}",
        clean.failed,
        clean.errors
    );
    assert_eq!(
        clean_mock.state.control.instances().len(),
        0,
        "all torn down"
    );

    let runs: Vec<SuiteRun> = Fault::ALL
        .iter()
        .map(|f| {
            let mock = start(Some(*f));
            let t = target(
                &dir,
                &format!("mutants-live-{}", f.name()),
                &mock.base_url(),
            );
            let mut run =
                mutants::run_on(&specs, &cases, &t, Some(MockFault::Vendor(*f)), settings, 2);
            run.diffs = run
                .recorded
                .iter()
                .filter(|(name, v)| clean.recorded.get(*name) != Some(*v))
                .map(|(name, _)| name.clone())
                .collect();
            run
        })
        .collect();
    let table = mutants::table(&clean, &runs);
    println!("{table}");
    let missed: Vec<String> = runs
        .iter()
        .filter(|r| !r.caught())
        .filter_map(|r| r.fault.as_ref().map(MockFault::name))
        .collect();
    assert!(
        missed.is_empty(),
        "faults not caught over the live path: {missed:?}\n{table}"
    );
    for r in &runs {
        assert!(
            r.errors.is_empty(),
            "harness errors under {:?}: {:?}",
            r.fault,
            r.errors
        );
    }
}
