//! Mutation check of the suite, for any specs: runs every case the embedded target can run
//! once against the correct mocks and once per fault of their catalogue (the vendor mock's
//! faults of the vendor services the specs hold, the faults derived from every service the
//! generic mock serves), and tells which cases caught each fault: by an assertion (the case
//! fails), or by a snapshot diff (the case passes, but what it records, where the pages leave
//! the answer open, differs from the correct mock's record). Nothing is written to disk.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::exec::provision_request::Env;
use crate::exec::{Ctx, HarnessError, PropSettings, Target, Verdict, case_setup, client, run_case};
use crate::report::snapshot::snapshot_value;
use serde_json::Value;

use crate::contract::SpecSet;
use crate::generate::{self, Case, Plan};
use crate::mock::Seed;
use crate::mock::embedded::{MockFault, Mocks};
use crate::mock::generic::GenericSeed;

/// One run of the suite against one mock.
#[derive(Debug, Clone)]
pub struct SuiteRun {
    /// The fault on (`None`: the correct mock).
    pub fault: Option<MockFault>,
    /// Cases that failed (contract violations).
    pub failed: Vec<String>,
    /// Cases that could not run (harness errors).
    pub errors: Vec<String>,
    /// Cases that passed but recorded another answer than the correct mock's.
    pub diffs: Vec<String>,
    /// What each passing snapshot case recorded (the snapshot value), by case name.
    pub recorded: BTreeMap<String, Value>,
    /// Cases run.
    pub ran: usize,
    /// Cases left out: ignored on this target, with the reason (as the harness lists them).
    pub ignored: Vec<(String, String)>,
    /// Wall time.
    pub elapsed: Duration,
}

/// Failed cases, harness errors, and what each passing snapshot case recorded.
type Results = (Vec<String>, Vec<String>, BTreeMap<String, Value>);

/// The embedded target of `specs`: the vendor mock over `seed` for the vendor services, the
/// generic mock (generated values) for the others, with `fault` on.
///
/// # Errors
/// [`HarnessError::Mock`] when a generic mock cannot be built from the specs.
pub fn target(
    specs: &SpecSet,
    seed: &Arc<Seed>,
    fault: Option<MockFault>,
) -> Result<Target, HarnessError> {
    let mocks = Mocks::new(specs, seed.clone(), &GenericSeed::default(), fault)?;
    Ok(Target::embedded(Box::new(mocks)))
}

/// The faults of the embedded target of `specs` (see [`Mocks::catalogue`]).
///
/// # Errors
/// [`HarnessError::Mock`] when a generic mock cannot be built from the specs.
pub fn catalogue(specs: &SpecSet, seed: &Arc<Seed>) -> Result<Vec<MockFault>, HarnessError> {
    Ok(Mocks::new(specs, seed.clone(), &GenericSeed::default(), None)?.catalogue())
}

/// The faults named `names` (vendor or derived; none: the whole [`catalogue`]).
///
/// # Errors
/// [`HarnessError::Mock`] for an unknown name, or a vendor fault of a service the specs do not
/// hold (it would change nothing the suite runs).
pub fn chosen(
    specs: &SpecSet,
    seed: &Arc<Seed>,
    names: &[String],
) -> Result<Vec<MockFault>, HarnessError> {
    if names.is_empty() {
        return catalogue(specs, seed);
    }
    names
        .iter()
        .map(|n| match MockFault::parse(specs, n)? {
            MockFault::Vendor(f) if !specs.services.contains_key(f.service()) => {
                Err(HarnessError::Mock(format!(
                    "fault `{n}` is the vendor mock's for {}, which these specs do not hold",
                    f.service()
                )))
            }
            f => Ok(f),
        })
        .collect()
}

/// The cases of `specs` that run on `target`, and those ignored there with the reason: the
/// harness's own policy (a sequence the generic mock cannot check, a fixture the target
/// lacks, ...).
pub fn runnable(specs: &SpecSet, target: &Target) -> (Vec<Case>, Vec<(String, String)>) {
    let mut run = Vec::new();
    let mut ignored = Vec::new();
    for case in generate::cases(specs) {
        match crate::suite::ignore_reason(&case, specs, target) {
            Some(why) => ignored.push((case.name.clone(), why)),
            None => run.push(case),
        }
    }
    (run, ignored)
}

/// Runs every case against the embedded target of `specs` with `fault`, on `threads` threads.
///
/// # Errors
/// [`HarnessError::Mock`] when a generic mock cannot be built from the specs.
pub fn run_suite(
    specs: &SpecSet,
    cases: &[Case],
    seed: &Arc<Seed>,
    fault: Option<MockFault>,
    proptest: PropSettings,
    threads: usize,
) -> Result<SuiteRun, HarnessError> {
    let target = target(specs, seed, fault.clone())?;
    Ok(run_on(specs, cases, &target, fault, proptest, threads))
}

/// Runs every case against `target` (whose server has `fault` on), on `threads` threads: on a
/// live target each case goes through its reset and provisioning, as in a run of the suite,
/// and the run's shared entries are torn down at the end.
pub fn run_on(
    specs: &SpecSet,
    cases: &[Case],
    target: &Target,
    fault: Option<MockFault>,
    proptest: PropSettings,
    threads: usize,
) -> SuiteRun {
    let start = Instant::now();
    target.register_secrets(specs);
    let next = AtomicUsize::new(0);
    let results: std::sync::Mutex<Results> = Default::default();
    // A session of its own: each run (each fault) provisions into a ledger of its own.
    let session = crate::exec::session::Session::new(target);
    let names = fixture_names(target);
    let client = &match client::Client::for_target(target) {
        Ok(c) => c,
        Err(e) => {
            return SuiteRun {
                fault,
                failed: Vec::new(),
                diffs: Vec::new(),
                recorded: BTreeMap::new(),
                errors: vec![crate::report::failure::harness_error(&e, &target.secrets)],
                ran: 0,
                ignored: Vec::new(),
                elapsed: start.elapsed(),
            };
        }
    };
    // Tokens of this run only, owned with its client.
    let tokens = &crate::exec::auth::TokenCache::new();
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| {
                let ctx = Ctx {
                    specs,
                    target,
                    client,
                    tokens,
                    proptest,
                };
                let env = Env {
                    specs,
                    target,
                    client,
                    tokens,
                };
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(case) = cases.get(i) else { break };
                    let (outcome, provided) = match case_setup::setup(env, &session, case) {
                        Ok(setup) => {
                            let outcome = run_case(&ctx, &setup.case);
                            let provided = setup.values.clone();
                            setup.release(env, &session);
                            (outcome, provided)
                        }
                        Err(e) => (
                            crate::exec::Outcome {
                                verdict: Verdict::NotRun(e),
                                exchanges: Vec::new(),
                            },
                            Vec::new(),
                        ),
                    };
                    let mut r = results
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    let recorded = matches!(
                        case.plan,
                        Plan::Single { snapshot: true, .. } | Plan::Sequence { .. }
                    );
                    match outcome.verdict {
                        Verdict::Passed if recorded => {
                            let mut own = names.get(&case.id.service).cloned().unwrap_or_default();
                            for (fixture, values) in &provided {
                                for (name, value) in values {
                                    own.insert(value.clone(), format!("{fixture}.{name}"));
                                }
                            }
                            let value = snapshot_value(&outcome.exchanges, &own, &target.secrets);
                            r.2.insert(case.name.clone(), value);
                        }
                        Verdict::Passed => {}
                        Verdict::Failed { .. } => r.0.push(case.name.clone()),
                        Verdict::Error(e) => r.1.push(format!(
                            "{}: {}",
                            case.name,
                            crate::report::failure::harness_error(&e, &target.secrets)
                        )),
                        Verdict::NotRun(e) => r.1.push(format!(
                            "{}: not run: {}",
                            case.name,
                            crate::report::failure::harness_error(&e, &target.secrets)
                        )),
                    }
                }
            });
        }
    });
    let env = Env {
        specs,
        target,
        client,
        tokens,
    };
    if let Some(failed) = case_setup::finish(env, &session) {
        results
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .1
            .push(failed.text);
    }
    let (mut failed, mut errors, recorded) = results
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    failed.sort();
    errors.sort();
    SuiteRun {
        fault,
        failed,
        diffs: Vec::new(),
        recorded,
        errors,
        ran: cases.len(),
        ignored: Vec::new(),
        elapsed: start.elapsed(),
    }
}

/// The correct mocks' run and one run per fault, over the cases the embedded target runs
/// (those it ignores are listed in the correct run's `ignored`).
///
/// # Errors
/// [`HarnessError::Mock`] when a generic mock cannot be built from the specs.
pub fn run_all(
    specs: &SpecSet,
    seed: &Arc<Seed>,
    proptest: PropSettings,
    threads: usize,
    faults: &[MockFault],
) -> Result<(SuiteRun, Vec<SuiteRun>), HarnessError> {
    let correct = target(specs, seed, None)?;
    let (cases, ignored) = runnable(specs, &correct);
    let mut clean = run_on(specs, &cases, &correct, None, proptest, threads);
    clean.ignored = ignored;
    let mut runs = Vec::with_capacity(faults.len());
    for f in faults {
        let mut run = run_suite(specs, &cases, seed, Some(f.clone()), proptest, threads)?;
        run.diffs = run
            .recorded
            .iter()
            .filter(|(name, v)| clean.recorded.get(*name) != Some(*v))
            .map(|(name, _)| name.clone())
            .collect();
        runs.push(run);
    }
    Ok((clean, runs))
}

/// Fixture value → `fixture.value` name, per service, as the snapshots write them.
fn fixture_names(target: &Target) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (service, fixtures) in &target.fixtures {
        let names = out.entry(service.clone()).or_default();
        for (fixture, pool) in fixtures {
            for (name, value) in pool.iter().flatten() {
                names
                    .entry(value.clone())
                    .or_insert_with(|| format!("{fixture}.{name}"));
            }
        }
    }
    out
}

impl SuiteRun {
    /// Whether the fault was noticed: a case failed, or a recorded answer changed.
    pub fn caught(&self) -> bool {
        !self.failed.is_empty() || !self.diffs.is_empty()
    }

    /// What the run must show: a violation caught, a lenient variant (not a violation) with
    /// no case failing.
    pub fn as_expected(&self) -> bool {
        match &self.fault {
            Some(f) if !f.is_violation() => self.failed.is_empty(),
            _ => self.caught(),
        }
    }
}

/// Whether the whole run is as it must be: the correct mock passes every case without harness
/// errors, every violation is caught and every lenient variant passes (what the command's exit
/// status says).
pub fn all_as_expected(clean: &SuiteRun, runs: &[SuiteRun]) -> bool {
    clean.failed.is_empty() && clean.errors.is_empty() && runs.iter().all(SuiteRun::as_expected)
}

/// The table: one line per fault with the cases that caught it.
pub fn table(clean: &SuiteRun, runs: &[SuiteRun]) -> String {
    let mut s = format!(
        "correct mock: {} cases, {} failed, {} harness errors{} ({:.2}s)\n\n{:<38} {:<22} {:>6}  caught by (assertions; else snapshot diffs)\n",
        clean.ran,
        clean.failed.len(),
        clean.errors.len(),
        if clean.ignored.is_empty() {
            String::new()
        } else {
            format!(", {} ignored on the embedded target", clean.ignored.len())
        },
        clean.elapsed.as_secs_f64(),
        "fault",
        "kind",
        "cases"
    );
    for r in runs {
        let f = r
            .fault
            .as_ref()
            .map_or_else(|| "-".to_string(), MockFault::name);
        let kind = r.fault.as_ref().map_or("-", MockFault::kind);
        let first: Vec<&str> = r.failed.iter().take(3).map(String::as_str).collect();
        let more = r.failed.len().saturating_sub(3);
        let diffs: Vec<&str> = r.diffs.iter().take(3).map(String::as_str).collect();
        let more_diffs = r.diffs.len().saturating_sub(3);
        let variant = r.fault.as_ref().is_some_and(|f| !f.is_violation());
        let caught = if variant && r.failed.is_empty() {
            format!("passes (not a violation; {} records differ)", r.diffs.len())
        } else if variant {
            format!("FAILS A CORRECT VARIANT: {}", first.join(", "))
        } else if !r.failed.is_empty() && more > 0 {
            format!("{} (+{more} more)", first.join(", "))
        } else if !r.failed.is_empty() {
            first.join(", ")
        } else if r.diffs.is_empty() {
            "NOT CAUGHT".to_string()
        } else if more_diffs > 0 {
            format!("snapshot diff: {} (+{more_diffs} more)", diffs.join(", "))
        } else {
            format!("snapshot diff: {}", diffs.join(", "))
        };
        let count = if r.failed.is_empty() {
            r.diffs.len()
        } else {
            r.failed.len()
        };
        s.push_str(&format!("{f:<38} {kind:<22} {count:>6}  {caught}\n"));
    }
    let faults: Vec<&SuiteRun> = runs
        .iter()
        .filter(|r| r.fault.as_ref().is_none_or(MockFault::is_violation))
        .collect();
    let caught = faults.iter().filter(|r| r.caught()).count();
    let by_diff = faults
        .iter()
        .filter(|r| r.failed.is_empty() && !r.diffs.is_empty())
        .count();
    s.push('\n');
    if !faults.is_empty() {
        s.push_str(&format!(
            "{caught} of {} faults caught ({} by assertions, {by_diff} by snapshot diffs only)\n",
            faults.len(),
            caught - by_diff
        ));
    }
    let variants = runs.len() - faults.len();
    if variants > 0 {
        let passed = runs
            .iter()
            .filter(|r| r.fault.as_ref().is_some_and(|f| !f.is_violation()) && r.failed.is_empty())
            .count();
        s.push_str(&format!(
            "{passed} of {variants} lenient variants pass every case\n"
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::Fault;
    use crate::mock::generic::GenericFault;

    fn run(fault: Option<MockFault>, failed: &[&str], diffs: &[&str]) -> SuiteRun {
        SuiteRun {
            fault,
            failed: failed.iter().map(|s| (*s).to_string()).collect(),
            errors: Vec::new(),
            diffs: diffs.iter().map(|s| (*s).to_string()).collect(),
            recorded: BTreeMap::new(),
            ran: 3,
            ignored: Vec::new(),
            elapsed: Duration::ZERO,
        }
    }

    #[test]
    fn a_fault_no_case_notices_fails_the_run() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let specs = crate::contract::load(&root.join("examples/petstore/specs"))
            .expect("specs")
            .specs;
        let derived = MockFault::Generic(GenericFault::catalogue(&specs, "pets").remove(0));
        let clean = run(None, &[], &[]);
        let caught = run(
            Some(derived.clone()),
            &["pets::get_pet::success::documented"],
            &[],
        );
        let by_diff = run(
            Some(derived.clone()),
            &[],
            &["pets::delete_pet::stateful::x"],
        );
        let missed = run(Some(derived.clone()), &[], &[]);
        assert!(all_as_expected(&clean, &[caught.clone(), by_diff.clone()]));
        assert!(!all_as_expected(&clean, &[caught.clone(), missed.clone()]));
        let table = table(&clean, &[caught, missed]);
        assert!(table.contains("NOT CAUGHT"), "{table}");
        assert!(table.contains("1 of 2 faults caught"), "{table}");
        assert!(table.contains(derived.kind()), "{table}");
        // A lenient variant is a failure when a case fails against it, not when none does.
        let variant = Some(MockFault::Vendor(Fault::LenientContentType));
        assert!(all_as_expected(&clean, &[run(variant.clone(), &[], &[])]));
        assert!(!all_as_expected(&clean, &[run(variant, &["a"], &[])]));
        assert!(!all_as_expected(&run(None, &["a"], &[]), &[]));
    }

    #[test]
    fn the_catalogue_holds_the_vendor_faults_of_the_vendor_services_the_specs_hold() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut specs = crate::contract::load(&root.join("specs"))
            .expect("specs")
            .specs;
        specs.services.retain(|s, _| s == "oneaccess");
        specs.operations.retain(|o| o.service == "oneaccess");
        let seed = Arc::new(Seed::builtin());
        let faults = catalogue(&specs, &seed).expect("catalogue");
        let want: Vec<MockFault> = Fault::ALL
            .iter()
            .filter(|f| f.service() == "oneaccess")
            .map(|f| MockFault::Vendor(*f))
            .collect();
        assert!(want.len() >= 10 && want.len() < Fault::ALL.len());
        assert_eq!(faults, want);
        let refused = chosen(&specs, &seed, &["dataarts-missing-code".to_string()]);
        assert!(
            matches!(&refused, Err(HarnessError::Mock(m)) if m.contains("dataarts, which these specs do not hold")),
            "{refused:?}"
        );
        let named = chosen(&specs, &seed, &["unbind-success-201".to_string()]).expect("named");
        assert_eq!(named, vec![MockFault::Vendor(Fault::UnbindStatus201)]);
    }
}
