//! The test harness: specs → cases → libtest-mimic trials → run → coverage and reports.
//! `tests/contract.rs` and `contract-harness run` both hand their command line to [`main`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use libtest_mimic::{Arguments, Trial};

use crate::contract::{self, AuthScheme, SpecSet};
use crate::exec::case_setup;
use crate::exec::provision_request::Env;
use crate::exec::target::Values;
use crate::exec::{Ctx, HarnessError, Outcome, PropSettings, Target, Verdict, client, run_case};
use crate::generate::{self, Case, Cred, Kind, Plan};
use crate::report::record::RunError;
use crate::report::reproduce::{Invocation, Reproduce};
use crate::report::snapshot::{snapshot_name, snapshot_value};
use crate::report::snapshot_file::{self, SnapshotMode, SnapshotOutcome};
use crate::report::{Record, Status, coverage, failure, ignored, junit, markdown};
use crate::secrets::redact;

/// Everything the trials share.
pub struct Suite {
    /// Specs.
    pub specs: Arc<SpecSet>,
    /// Target.
    pub target: Arc<Target>,
    /// Cases with their ignore reasons set.
    pub cases: Vec<Case>,
    /// Property settings.
    pub proptest: PropSettings,
    /// Snapshot directory (`None`: snapshots off).
    pub snapshots: Option<PathBuf>,
    /// Whether snapshots are recorded, checked or updated.
    pub snapshot_mode: SnapshotMode,
    /// How a failed case is rerun alone.
    pub reproduce: Reproduce,
    /// Records of finished cases.
    pub records: Mutex<Vec<Record>>,
    /// The run's deadline (`CONTRACT_DEADLINE_SECONDS`): when it passes, cases not yet
    /// started are reported as not run.
    pub deadline: Option<Deadline>,
    /// The HTTP client of this suite's target (made on first use, with the target's limits).
    client: std::sync::OnceLock<client::Client>,
}

/// A whole-run deadline.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    /// When it passes.
    pub at: Instant,
    /// As the user set it.
    pub seconds: std::time::Duration,
}

impl Deadline {
    /// The settings' deadline (`CONTRACT_DEADLINE_SECONDS`) from `start`, if set.
    pub fn from_settings(s: &crate::settings::Settings, start: Instant) -> Option<Self> {
        s.deadline.map(|seconds| Self {
            at: start.checked_add(seconds).unwrap_or(start),
            seconds,
        })
    }
}

/// The documented status or code a case exercises, for coverage.
fn documented(case: &Case) -> Option<String> {
    match case.kind {
        Kind::Success if case.name.ends_with("::success::documented") => Some("success".into()),
        // `...::error::<CODE>` and `...::error::<CODE>::<trigger>`: the code.
        Kind::Error => case
            .name
            .split_once("::error::")
            .and_then(|(_, rest)| rest.split("::").next())
            .map(str::to_string),
        _ => None,
    }
}

/// Why a case cannot run on this target, if so.
fn ignore_reason(case: &Case, specs: &SpecSet, target: &Target) -> Option<String> {
    if let Some(r) = &case.ignore {
        return Some(r.clone());
    }
    let calls: Vec<&generate::Call> = match &case.plan {
        Plan::Single { call, .. } => vec![call],
        Plan::Sequence { steps } => steps.iter().map(|(c, _)| c).collect(),
        Plan::Property { base, .. } => vec![base],
        Plan::Shape { .. } => vec![],
    };
    let service = specs.services.get(&case.service);
    for call in &calls {
        if let Some(r) = target.fixture_refusal(&case.service, &call.fixture) {
            return Some(r);
        }
        let declared = service.and_then(|s| s.fixtures.get(&call.fixture));
        if let Some(missing) =
            declared.and_then(|d| target.fixture_lacks(&case.service, &call.fixture, &d.values))
        {
            return Some(missing);
        }
        // EnOS's malformed and wrong signatures are made with the default token.
        let enos = service.is_some_and(|s| s.auth.scheme == AuthScheme::EnosApim);
        let role = match &call.cred {
            Cred::Role(r) => Some(r.as_str()),
            Cred::Expired => Some("expired"),
            Cred::Malformed | Cred::Wrong if enos => Some("default"),
            _ => None,
        };
        if let Some(r) = role.and_then(|role| target.role_refusal(&case.service, role)) {
            return Some(r);
        }
        let expired = target
            .credentials
            .get(&case.service)
            .and_then(|r| r.get("expired"));
        if call.cred == Cred::Expired && expired.is_some_and(|v| !v.contains_key("token")) {
            return Some(format!(
                "the `expired` credential of {} must be a ready (expired) `token`: a flow would fetch a fresh one",
                case.service
            ));
        }
    }
    let destructive = calls
        .iter()
        .any(|c| specs.operation(&c.op).is_some_and(|o| o.destructive));
    if destructive {
        return target.destructive_refusal(&case.service, &case.fixtures());
    }
    None
}

/// Whether a case consumes its fixture when the server is correct (see
/// [`Case::consumes_fixture`]).
fn consumes(case: &Case) -> bool {
    case.consumes_fixture()
}

/// On a live target every destructive case that consumes its fixture gets an entry of the
/// fixture's pool of its own, in case order (deterministic, so that every process agrees); the
/// last entry is kept for the cases that do not consume it. A consumer past the end of a pool
/// is ignored with the reason.
fn assign_pool_entries(cases: &mut [Case], specs: &SpecSet, target: &Target) {
    let mut next: BTreeMap<(String, String), usize> = BTreeMap::new();
    for case in cases.iter_mut() {
        let service = case.service.clone();
        let destructive = case
            .calls_mut()
            .iter()
            .any(|c| specs.operation(&c.op).is_some_and(|o| o.destructive));
        if !destructive || case.ignore.is_some() {
            continue;
        }
        let fixtures: Vec<String> = case.fixtures().into_iter().map(str::to_string).collect();
        let consumer = consumes(case);
        for f in &fixtures {
            if target.takes_no_pool_entry(&service, f) {
                continue;
            }
            let len = target.pool_len(&service, f);
            let index = if consumer {
                let slot = next.entry((service.clone(), f.clone())).or_insert(0);
                let index = *slot;
                *slot += 1;
                if index + 1 >= len {
                    case.ignore = Some(format!(
                        "fixture pool {service}/{f} has {len} entries: the last is kept for cases that do not consume it, and this case needs one of its own"
                    ));
                }
                index
            } else {
                len.saturating_sub(1)
            };
            for call in case.calls_mut() {
                if call.fixture == *f {
                    call.pool = index;
                }
            }
        }
    }
}

impl Suite {
    /// A suite over loaded specs and a target.
    pub fn new(
        specs: SpecSet,
        target: Target,
        proptest: PropSettings,
        snapshots: Option<PathBuf>,
    ) -> Self {
        let mut cases = generate::cases(&specs);
        for c in &mut cases {
            if c.ignore.is_none() {
                c.ignore = ignore_reason(c, &specs, &target);
            }
        }
        // Only cases that will run take pool entries.
        if !target.is_embedded() {
            assign_pool_entries(&mut cases, &specs, &target);
        }
        Self {
            specs: Arc::new(specs),
            target: Arc::new(target),
            cases,
            proptest,
            snapshots,
            snapshot_mode: SnapshotMode::from_env(),
            reproduce: Reproduce::from_env(Invocation::CargoTest, Path::new("specs")),
            records: Mutex::new(Vec::new()),
            deadline: None,
            client: std::sync::OnceLock::new(),
        }
    }

    /// The suite's HTTP client: one per suite (never shared between targets), made with the
    /// target's limits on first use.
    ///
    /// # Errors
    /// When the client cannot be built (a proxy that does not parse, no TLS roots).
    pub fn client(&self) -> Result<&client::Client, HarnessError> {
        if let Some(c) = self.client.get() {
            return Ok(c);
        }
        let c = client::Client::new(&self.target.limits)?;
        Ok(self.client.get_or_init(|| c))
    }

    fn fixture_names(
        &self,
        service: &str,
        provided: &[(String, Values)],
    ) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for (fixture, values) in provided {
            for (name, value) in values {
                out.entry(value.clone())
                    .or_insert_with(|| format!("{fixture}.{name}"));
            }
        }
        if let Some(fixtures) = self.target.fixtures.get(service) {
            for (fixture, pool) in fixtures {
                for (name, value) in pool.iter().flatten() {
                    out.entry(value.clone())
                        .or_insert_with(|| format!("{fixture}.{name}"));
                }
            }
        }
        out
    }

    /// Runs case `i`; the text of its failure, if any.
    ///
    /// # Errors
    /// The failure text (contract violation, harness error or snapshot change).
    pub fn run(&self, i: usize) -> Result<(), String> {
        let case = &self.cases[i];
        let start = Instant::now();
        let not_run = |e: HarnessError| {
            let message =
                failure::render(case, &Verdict::NotRun(e), &self.reproduce).unwrap_or_default();
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
            proptest: self.proptest,
        };
        let env = Env {
            specs: &self.specs,
            target: &self.target,
            client,
        };
        // On a live target: the reset gate and provisioned entries; the case is not run
        // (a harness error) when they cannot be had.
        let (outcome, provided) = match case_setup::setup(env, case) {
            Ok(setup) => {
                let outcome = run_case(&ctx, &setup.case);
                let provided = setup.values.clone();
                setup.release(env);
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
        let mut message = failure::render(case, &outcome.verdict, &self.reproduce);
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
            let names = self.fixture_names(&case.service, &provided);
            let value = snapshot_value(&outcome.exchanges, &names);
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
                    message = Some(redact(&format!(
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
            name: case.name.clone(),
            service: case.service.clone(),
            operation: case.operation.clone(),
            kind: case.kind,
            documented: documented(case),
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

    /// The trials, one per case.
    pub fn trials(self: &Arc<Self>) -> Vec<Trial> {
        self.cases
            .iter()
            .enumerate()
            .map(|(i, case)| {
                let kind = case.kind.segment();
                match &case.ignore {
                    Some(reason) => {
                        let reason = reason.clone();
                        Trial::test(case.name.clone(), move || {
                            Err(format!("not run: {reason}").into())
                        })
                        .with_kind(kind)
                        .with_ignored_flag(true)
                    }
                    None => {
                        let suite = Arc::clone(self);
                        Trial::test(case.name.clone(), move || suite.run(i).map_err(Into::into))
                            .with_kind(kind)
                    }
                }
            })
            .collect()
    }

    /// Records for ignored cases, so that reports list them with their reasons.
    fn record_ignored(&self, args: &Arguments) {
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

/// Whether libtest-mimic's filter, `--exact` and `--skip` select `name`.
fn selected(args: &Arguments, name: &str) -> bool {
    let matches = |pattern: &str| {
        if args.exact {
            name == pattern
        } else {
            name.contains(pattern)
        }
    };
    args.filter.as_deref().is_none_or(matches) && !args.skip.iter().any(|s| matches(s))
}

/// Loads specs, builds the suite for the environment's target and runs it with libtest-mimic;
/// `invocation` says how the user started it, for the reproduce lines.
pub fn main(args: Arguments, specs_dir: &Path, invocation: Invocation) -> ExitCode {
    main_with(args, specs_dir, invocation, ignored::Flags::default())
}

/// [`main`] with the harness's own flags (see [`ignored::split`]).
pub fn main_with(
    args: Arguments,
    specs_dir: &Path,
    invocation: Invocation,
    flags: ignored::Flags,
) -> ExitCode {
    let started = Instant::now();
    // Every setting is read and validated once, before anything runs.
    let settings = match crate::settings::Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let deadline = Deadline::from_settings(&settings, started);
    let proptest = PropSettings {
        deadline: deadline.map(|d| d.at),
        ..PropSettings::from_settings(&settings)
    };
    let loaded = match contract::load(specs_dir) {
        Ok(l) => l,
        Err(e) => {
            eprintln!(
                "{e}\nerror: the specs under {} cannot be used (a harness error, not a verdict on any server)",
                specs_dir.display()
            );
            return ExitCode::from(2);
        }
    };
    let target = match Target::from_settings(&settings) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let snapshots = snapshot_dir(&target);
    let mut suite = Suite::new(loaded.specs, target, proptest, snapshots);
    suite.deadline = deadline;
    suite.reproduce = Reproduce::from_env(invocation, specs_dir);
    let suite = Arc::new(suite);
    let listing = args.list;
    let trials = suite.trials();
    let ignored: Vec<(String, String)> = suite
        .cases
        .iter()
        .filter(|c| selected(&args, &c.name))
        .filter_map(|c| c.ignore.clone().map(|r| (c.name.clone(), r)))
        .collect();
    if !listing && !ignored.is_empty() && !args.ignored {
        eprintln!(
            "{} cases are ignored on target `{}`:",
            ignored.len(),
            suite.target.name
        );
        for (n, r) in &ignored {
            eprintln!("  {n}: {r}");
        }
    }
    // A run in which no selected case can run checks nothing: never a pass, CI or not.
    let selected_count = suite
        .cases
        .iter()
        .filter(|c| selected(&args, &c.name))
        .count();
    let forced = args.ignored || args.include_ignored;
    if !listing && !forced && selected_count > 0 && ignored.len() == selected_count {
        eprintln!(
            "error: none of the {selected_count} selected cases can run on target `{}` (reasons above): a run that checks nothing is not a pass",
            suite.target.name
        );
        return ExitCode::from(2);
    }
    suite.record_ignored(&args);
    let conclusion = libtest_mimic::run(&args, trials);
    let mut teardowns_ok = true;
    if !listing {
        // Shared provisioned entries go now; failed teardowns are listed with their curl, on
        // stderr and in the reports.
        let mut run_errors = Vec::new();
        if let Ok(client) = suite.client() {
            let env = Env {
                specs: &suite.specs,
                target: &suite.target,
                client,
            };
            if let Some(failed) = case_setup::finish(env) {
                eprint!("{}", failed.text);
                teardowns_ok = false;
                run_errors = failed
                    .failures
                    .into_iter()
                    .map(|f| RunError {
                        name: format!("teardown of {}/{} ({})", f.service, f.fixture, f.entry),
                        message: f.message,
                    })
                    .collect();
            }
        }
        summarize(&suite, &run_errors);
    }
    let ignored_fail = !listing
        && !args.ignored
        && !args.include_ignored
        && !ignored.is_empty()
        && ignored::fail_on_ignored(flags, &|k| std::env::var(k).ok());
    if ignored_fail {
        eprint!("{}", ignored::message(&ignored));
    }
    if conclusion.has_failed() {
        ExitCode::from(101)
    } else if !teardowns_ok || ignored_fail {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn snapshot_dir(target: &Target) -> Option<PathBuf> {
    if std::env::var("CONTRACT_SNAPSHOTS").is_ok_and(|v| v == "off" || v == "0") {
        return None;
    }
    match std::env::var_os("CONTRACT_SNAPSHOT_DIR") {
        Some(d) => Some(PathBuf::from(d)),
        None => std::env::current_dir()
            .ok()
            .map(|d| d.join("snapshots").join(&target.name)),
    }
}

fn summarize(suite: &Suite, run_errors: &[RunError]) {
    let records = suite
        .records
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    let ran = records
        .iter()
        .filter(|r| r.status != Status::Ignored)
        .count();
    if ran > 1 {
        println!("{}", coverage::kinds_line(&records));
        print!("{}", coverage::table(&suite.specs, &records));
    }
    print!(
        "{}",
        snapshot_file::summary(&records, suite.snapshots.as_deref())
    );
    if let Some(dir) = std::env::var_os("CONTRACT_REPORT_DIR") {
        let dir = PathBuf::from(dir);
        let written = std::fs::create_dir_all(&dir)
            .and_then(|()| {
                std::fs::write(
                    dir.join("contract-junit.xml"),
                    junit::junit(&records, run_errors),
                )
            })
            .and_then(|()| {
                std::fs::write(
                    dir.join("contract-summary.md"),
                    markdown::markdown(&suite.target.name, &records, run_errors, &suite.specs),
                )
            });
        match written {
            Ok(()) => println!("reports written to {}", dir.display()),
            Err(e) => eprintln!("error: cannot write reports to {}: {e}", dir.display()),
        }
    }
}
