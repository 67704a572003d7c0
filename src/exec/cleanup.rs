//! `contract-harness cleanup`: the pending teardowns of an interrupted run, from the ledger.

use super::client::Client;
use super::ledger::{self, Ledger};
use super::provision_request::Env;
use super::runtime::runtime;
use super::target::Target;
use crate::contract::SpecSet;

/// What a cleanup did.
#[derive(Debug, Default)]
pub struct Cleaned {
    /// Entries removed: `entry (service/fixture)`.
    pub removed: Vec<String>,
    /// Entries whose teardown failed, with the failure.
    pub failed: Vec<String>,
    /// The directory of the ledgers.
    pub ledger: String,
}

/// Runs the teardown of every pending entry in the target's ledgers (one per run) under
/// `CONTRACT_REPORT_DIR` or `target/contract-harness/`.
///
/// # Errors
/// When the target provisions nothing or the ledger cannot be read.
pub fn cleanup(specs: &SpecSet, target: &Target, client: &Client) -> Result<Cleaned, String> {
    let session = super::session::Session::new(target);
    let Some(p) = &session.provisioning else {
        return Err(format!(
            "the target file of `{}` has no `provision:`: there is no teardown to run",
            target.name
        ));
    };
    let tokens = super::auth::TokenCache::new();
    let env = Env {
        specs,
        target,
        client,
        tokens: &tokens,
    };
    let dir = ledger::default_dir();
    let mut done = Cleaned {
        ledger: dir.display().to_string(),
        ..Cleaned::default()
    };
    for file in ledger::files_for(&dir, &target.name) {
        let book = Ledger::new(file);
        let pending = book.pending().map_err(|e| e.to_string())?;
        for entry in pending.into_iter().filter(|e| e.target == target.name) {
            let name = format!("{} ({}/{})", entry.entry, entry.service, entry.fixture);
            match runtime().block_on(p.teardown_in(env, &entry, &book)) {
                Ok(()) => done.removed.push(name),
                Err(e) => done
                    .failed
                    .push(target.secrets.redact(&format!("{name}: {e}"))),
            }
        }
        let _ = book.compact();
    }
    Ok(done)
}
