//! The test harness: arguments → suite → trials → reporters. `tests/contract.rs` and
//! `contract-harness run` both hand their command line to [`main`], with the embedded target
//! to use when no live one is configured (the harness knows no implementation of its own).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use libtest_mimic::Arguments;

use crate::contract;
use crate::exec::provision_request::Env;
use crate::exec::{PropSettings, Provider, Target, case_setup};
use crate::report::record::RunError;
use crate::report::reproduce::{Invocation, Reproduce};
use crate::report::{ignored, summary};
use crate::suite::selected;
pub use crate::suite::{Deadline, Suite};

/// Loads specs, builds the suite for the environment's target (a live one, or the one
/// `embedded` makes) and runs it with libtest-mimic; `invocation` says how the user started it,
/// for the reproduce lines.
pub fn main(
    args: Arguments,
    specs_dir: &Path,
    invocation: Invocation,
    embedded: &Provider,
) -> ExitCode {
    main_with(
        args,
        specs_dir,
        invocation,
        ignored::Flags::default(),
        embedded,
    )
}

/// [`main`] with the harness's own flags (see [`ignored::split`]).
pub fn main_with(
    args: Arguments,
    specs_dir: &Path,
    invocation: Invocation,
    flags: ignored::Flags,
    embedded: &Provider,
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
    let target = match Target::from_settings(&settings, &loaded.specs, embedded) {
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
                tokens: &suite.tokens,
            };
            if let Some(failed) = case_setup::finish(env, &suite.session) {
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
        let records = suite
            .records
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        summary::summarize(
            &records,
            &run_errors,
            &suite.specs,
            &suite.target.name,
            suite.snapshots.as_deref(),
            std::env::var_os("CONTRACT_REPORT_DIR").map(PathBuf::from),
        );
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
