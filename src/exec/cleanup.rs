//! `contract-harness cleanup`: the pending teardowns of an interrupted run, from the ledger.

use super::client::Client;
use super::provision_request::Env;
use super::runtime::runtime;
use super::target::Target;
use crate::spec::SpecSet;

/// What a cleanup did.
#[derive(Debug, Default)]
pub struct Cleaned {
    /// Entries removed: `entry (service/fixture)`.
    pub removed: Vec<String>,
    /// Entries whose teardown failed, with the failure.
    pub failed: Vec<String>,
    /// Where the ledger is.
    pub ledger: String,
}

/// Runs the teardown of every pending entry of the target's ledger.
///
/// # Errors
/// When the target provisions nothing or the ledger cannot be read.
pub fn cleanup(specs: &SpecSet, target: &Target, client: &Client) -> Result<Cleaned, String> {
    let Some(p) = &target.provisioning else {
        return Err(format!(
            "the target file of `{}` has no `provision:`: there is no teardown to run",
            target.name
        ));
    };
    let env = Env {
        specs,
        target,
        client,
    };
    let mut done = Cleaned {
        ledger: p.ledger().path().display().to_string(),
        ..Cleaned::default()
    };
    let pending = p.ledger().pending().map_err(|e| e.to_string())?;
    for entry in pending {
        let name = format!("{} ({}/{})", entry.entry, entry.service, entry.fixture);
        match runtime().block_on(p.teardown(env, &entry)) {
            Ok(()) => done.removed.push(name),
            Err(e) => done.failed.push(format!("{name}: {e}")),
        }
    }
    let _ = p.ledger().compact();
    Ok(done)
}
