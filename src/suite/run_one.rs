//! Running one case of a suite: its setup on a live target, the run, the snapshot of what
//! the page leaves open, and the record the reporters read.

use std::time::Instant;

use libtest_mimic::Arguments;

use super::build::Suite;
use super::policy::selected;
use crate::exec::case_setup;
use crate::exec::provision_request::Env;
use crate::exec::{Ctx, HarnessError, Outcome, Verdict, run_case};
use crate::generate::{Case, Plan};
use crate::report::snapshot::{snapshot_name, snapshot_value};
use crate::report::snapshot_file::{self, SnapshotOutcome};
use crate::report::{Record, Status, failure};

impl Suite {
    /// Runs case `i`; the text of its failure, if any.
    ///
    /// # Errors
    /// The failure text (contract violation, harness error or snapshot change).
    pub fn run(&self, i: usize) -> Result<(), String> {
        let case = &self.cases[i];
        let start = Instant::now();
        let not_run = |e: HarnessError| {
            let message = failure::render(
                case,
                &Verdict::NotRun(e),
                &self.reproduce,
                &self.target.secrets,
            )
            .unwrap_or_default();
            self.record(
                case,
                Status::Error,
                Some(message.clone()),
                None,
                start.elapsed(),
            );
            Err(message)
        };
        if let Some(d) = self.deadline.filter(|d| start >= d.at) {
            return not_run(HarnessError::DeadlinePassed {
                seconds: d.seconds.as_secs_f64(),
                case: case.name.clone(),
            });
        }
        let client = match self.client() {
            Ok(c) => c,
            Err(e) => return not_run(e),
        };
        let ctx = Ctx {
            specs: &self.specs,
            target: &self.target,
            client,
            tokens: &self.tokens,
            proptest: self.proptest,
        };
        let env = Env {
            specs: &self.specs,
            target: &self.target,
            client,
            tokens: &self.tokens,
        };
        // On a live target: the reset gate and provisioned entries; the case is not run
        // (a harness error) when they cannot be had.
        let (outcome, provided) = match case_setup::setup(env, &self.session, case) {
            Ok(setup) => {
                let outcome = run_case(&ctx, &setup.case);
                let provided = setup.values.clone();
                setup.release(env, &self.session);
                (outcome, provided)
            }
            Err(e) => (
                Outcome {
                    verdict: Verdict::NotRun(e),
                    exchanges: Vec::new(),
                },
                Vec::new(),
            ),
        };
        let mut message = failure::render(
            case,
            &outcome.verdict,
            &self.reproduce,
            &self.target.secrets,
        );
        let mut status = match outcome.verdict {
            Verdict::Passed => Status::Passed,
            Verdict::Failed { .. } => Status::Failed,
            Verdict::Error(_) | Verdict::NotRun(_) => Status::Error,
        };
        let mut recorded = None;
        let snapshot_wanted = matches!(
            case.plan,
            Plan::Single { snapshot: true, .. } | Plan::Sequence { .. }
        );
        if let (Status::Passed, Some(dir), true) = (status, &self.snapshots, snapshot_wanted) {
            let names = self.fixture_names(&case.id.service, &provided);
            let value = snapshot_value(&outcome.exchanges, &names, &self.target.secrets);
            let name = snapshot_name(&case.name);
            match snapshot_file::compare(dir, &name, &case.about, &value, self.snapshot_mode) {
                Ok(SnapshotOutcome::Matched) => {}
                Ok(o @ (SnapshotOutcome::Recorded { .. } | SnapshotOutcome::Updated { .. })) => {
                    recorded = Some(o);
                }
                Ok(o @ SnapshotOutcome::Missing { .. }) => {
                    status = Status::Error;
                    message = Some(o.to_string());
                }
                Ok(o @ SnapshotOutcome::Changed { .. }) => {
                    status = Status::Failed;
                    message = Some(self.target.secrets.redact(&format!(
                        "behaviour change in {}\n  checks: {}\n  {o}  reproduce: {}",
                        case.name,
                        case.about,
                        self.reproduce.line(&case.name, None)
                    )));
                }
                Err(e) => {
                    status = Status::Error;
                    message = Some(format!(
                        "harness error (not a verdict on the server) in {}\n  {e}",
                        case.name
                    ));
                }
            }
        }
        self.record(case, status, message.clone(), recorded, start.elapsed());
        match message {
            None => Ok(()),
            Some(m) => Err(m),
        }
    }

    fn record(
        &self,
        case: &Case,
        status: Status,
        message: Option<String>,
        snapshot: Option<SnapshotOutcome>,
        duration: std::time::Duration,
    ) {
        let r = Record {
            id: case.id.clone(),
            name: case.name.clone(),
            promise: case.promise.clone(),
            status,
            message,
            snapshot,
            duration,
        };
        self.records
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(r);
    }

    /// Records for ignored cases, so that reports list them with their reasons.
    pub(crate) fn record_ignored(&self, args: &Arguments) {
        if args.ignored || args.include_ignored {
            return;
        }
        for c in &self.cases {
            if let Some(r) = &c.ignore
                && selected(args, &c.name)
            {
                self.record(
                    c,
                    Status::Ignored,
                    Some(r.clone()),
                    None,
                    std::time::Duration::ZERO,
                );
            }
        }
    }
}
