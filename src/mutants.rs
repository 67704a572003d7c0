//! Mutation check of the suite: runs every case once against the correct mock and once per
//! fault of the mock's catalogue, and tells which cases caught each fault. Snapshots are off,
//! so only the contract checks themselves can catch a fault.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::exec::{Ctx, PropSettings, Target, Verdict, client, run_case};
use crate::generate::{self, Case};
use crate::mock::{Fault, Seed};
use crate::spec::SpecSet;

/// One run of the suite against one mock.
#[derive(Debug, Clone)]
pub struct SuiteRun {
    /// The fault on (`None`: the correct mock).
    pub fault: Option<Fault>,
    /// Cases that failed (contract violations).
    pub failed: Vec<String>,
    /// Cases that could not run (harness errors).
    pub errors: Vec<String>,
    /// Cases run.
    pub ran: usize,
    /// Wall time.
    pub elapsed: Duration,
}

/// Runs every case against the embedded mock with `fault`, on `threads` threads.
pub fn run_suite(
    specs: &SpecSet,
    cases: &[Case],
    seed: &Arc<Seed>,
    fault: Option<Fault>,
    proptest: PropSettings,
    threads: usize,
) -> SuiteRun {
    let start = Instant::now();
    let target = Target::embedded(seed.clone(), fault);
    let next = AtomicUsize::new(0);
    let results: std::sync::Mutex<(Vec<String>, Vec<String>)> = Default::default();
    let client = match client::shared(&target.limits) {
        Ok(c) => c,
        Err(e) => {
            return SuiteRun {
                fault,
                failed: Vec::new(),
                errors: vec![e.to_string()],
                ran: 0,
                elapsed: start.elapsed(),
            };
        }
    };
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| {
                let ctx = Ctx {
                    specs,
                    target: &target,
                    client,
                    proptest,
                };
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(case) = cases.get(i) else { break };
                    let outcome = run_case(&ctx, case);
                    let mut r = results
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    match outcome.verdict {
                        Verdict::Passed => {}
                        Verdict::Failed { .. } => r.0.push(case.name.clone()),
                        Verdict::Error(e) => r.1.push(format!("{}: {e}", case.name)),
                    }
                }
            });
        }
    });
    let (mut failed, mut errors) = results
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    failed.sort();
    errors.sort();
    SuiteRun {
        fault,
        failed,
        errors,
        ran: cases.len(),
        elapsed: start.elapsed(),
    }
}

/// The correct mock's run and one run per fault.
pub fn run_all(
    specs: &SpecSet,
    seed: &Arc<Seed>,
    proptest: PropSettings,
    threads: usize,
    faults: &[Fault],
) -> (SuiteRun, Vec<SuiteRun>) {
    let cases: Vec<Case> = generate::cases(specs)
        .into_iter()
        .filter(|c| c.ignore.is_none())
        .collect();
    let clean = run_suite(specs, &cases, seed, None, proptest, threads);
    let runs = faults
        .iter()
        .map(|f| run_suite(specs, &cases, seed, Some(*f), proptest, threads))
        .collect();
    (clean, runs)
}

/// The table: one line per fault with the cases that caught it.
pub fn table(clean: &SuiteRun, runs: &[SuiteRun]) -> String {
    let mut s = format!(
        "correct mock: {} cases, {} failed, {} harness errors ({:.2}s)\n\n{:<32} {:<22} {:>6}  caught by\n",
        clean.ran,
        clean.failed.len(),
        clean.errors.len(),
        clean.elapsed.as_secs_f64(),
        "fault",
        "kind",
        "cases"
    );
    for r in runs {
        let f = r.fault.map_or("-", Fault::name);
        let kind = r.fault.map_or("-", Fault::kind);
        let first: Vec<&str> = r.failed.iter().take(3).map(String::as_str).collect();
        let more = r.failed.len().saturating_sub(3);
        let caught = if r.failed.is_empty() {
            "NOT CAUGHT".to_string()
        } else if more > 0 {
            format!("{} (+{more} more)", first.join(", "))
        } else {
            first.join(", ")
        };
        s.push_str(&format!(
            "{f:<32} {kind:<22} {:>6}  {caught}\n",
            r.failed.len()
        ));
    }
    let caught = runs.iter().filter(|r| !r.failed.is_empty()).count();
    s.push_str(&format!("\n{caught} of {} faults caught\n", runs.len()));
    s
}
