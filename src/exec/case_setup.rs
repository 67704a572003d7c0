//! Before and after a case on a live target: the reset gate, fresh entries of the provisioned
//! fixtures a consuming case uses (or the entry shared by cases that consume nothing), and the
//! teardown of the fresh entries after the case, also when it failed.

use super::error::HarnessError;
use super::ledger::Entry;
use super::provision_error::ProvisionError;
use super::provision_error::TeardownFailure;
use super::provision_request::Env;
use super::reset::Gate;
use super::runtime::runtime;
use super::session::Session;
use super::values::Values;
use crate::generate::Case;

/// A case ready to run, holding what it needs until [`Setup::release`].
#[derive(Debug)]
pub struct Setup<'t> {
    /// The case, its calls carrying the provisioned values.
    pub case: Case,
    /// Provisioned values by fixture (so that snapshots name them).
    pub values: Vec<(String, Values)>,
    fresh: Vec<Entry>,
    gate: Option<Gate<'t>>,
}

/// Prepares a case: waits for the reset gate, then provisions. Must not be called from inside
/// the runtime.
///
/// # Errors
/// The reset's or provisioning's failure: the case is then not run (entries already made for
/// it are torn down first).
pub fn setup<'t>(
    env: Env<'t>,
    session: &'t Session,
    case: &Case,
) -> Result<Setup<'t>, HarnessError> {
    let consumer = case.consumes_fixture();
    // A case that sends nothing (a documented shape check) needs no particular state.
    let gate = match &session.reset {
        Some(r) if !case.fixtures().is_empty() => Some(r.enter(env, consumer)?),
        _ => None,
    };
    let mut setup = Setup {
        case: case.clone(),
        values: Vec::new(),
        fresh: Vec::new(),
        gate,
    };
    let Some(p) = &session.provisioning else {
        return Ok(setup);
    };
    let service = case.id.service.as_str();
    for fixture in case.fixtures() {
        if p.get(service, fixture).is_none() {
            continue;
        }
        let entry = if consumer {
            match runtime().block_on(p.fresh(env, service, fixture)) {
                Ok(e) => e,
                Err(e) => {
                    setup.release(env, session);
                    return Err(e.into());
                }
            }
        } else if env.target.pool_len(service, fixture) > 0 {
            // Static values serve the cases that consume nothing.
            continue;
        } else {
            match runtime().block_on(p.shared(env, service, fixture)) {
                Ok(e) => e,
                Err(e) => {
                    setup.release(env, session);
                    return Err(ProvisionError::Shared(e).into());
                }
            }
        };
        for call in setup.case.calls_mut() {
            if call.fixture == fixture {
                call.provided = Some(entry.values.clone());
            }
        }
        setup
            .values
            .push((fixture.to_string(), entry.values.clone()));
        if consumer {
            setup.fresh.push(entry);
        }
    }
    Ok(setup)
}

impl Setup<'_> {
    /// Tears the case's fresh entries down (failures are kept for the end of the run), then
    /// lets other cases run.
    pub fn release(self, env: Env<'_>, session: &Session) {
        if let Some(p) = &session.provisioning {
            for entry in &self.fresh {
                let _ = runtime().block_on(p.teardown(env, entry));
            }
        }
        drop(self.gate);
    }
}

/// At the end of a run: tears the shared entries down and says what was left behind. `None`
/// when every teardown succeeded (the run may pass).
pub fn finish(env: Env<'_>, session: &Session) -> Option<FailedTeardowns> {
    let p = session.provisioning.as_ref()?;
    runtime().block_on(p.finish(env));
    let mut notes = String::new();
    for fixture in p.untracked() {
        notes.push_str(&format!(
            "note: {fixture} is provisioned without a teardown: nothing removes its entries\n"
        ));
    }
    let failures = p.failures();
    if failures.is_empty() {
        if !notes.is_empty() {
            eprint!("{notes}");
        }
        return None;
    }
    let ledger = p.ledger().path().display();
    let mut text = format!(
        "error: {} teardown{} failed (a harness error, not a verdict on the server); the entries stay in the ledger {ledger} until `contract-harness cleanup --target {}` removes them:\n",
        failures.len(),
        if failures.len() == 1 { "" } else { "s" },
        p.file
    );
    for f in &failures {
        text.push_str(&format!("  {}\n", f.message.replace('\n', "\n  ")));
    }
    text.push_str(&notes);
    Some(FailedTeardowns { failures, text })
}

/// Teardowns that failed in a run: each for the reports, and the whole text for stderr.
#[derive(Debug, Clone)]
pub struct FailedTeardowns {
    /// Each failure.
    pub failures: Vec<TeardownFailure>,
    /// What stderr shows: the count, the ledger, the cleanup command and each failure.
    pub text: String,
}
