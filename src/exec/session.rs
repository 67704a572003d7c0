//! A run's own state against a target: the provisioning of fresh fixture entries (with its
//! ledger) and the reset gate. The target is what the user configured, read once; a session is
//! what one run does with it, so two runs against one target never share a ledger or a gate.

use super::ledger;
use super::provision::Provisioning;
use super::reset::Reset;
use super::target::Target;

/// The state one run keeps against its target.
#[derive(Debug, Default)]
pub struct Session {
    /// Fresh fixture entries per case (live targets whose file has `provision:`).
    pub provisioning: Option<Provisioning>,
    /// Reset before each consuming case (live targets whose file has `reset:`).
    pub reset: Option<Reset>,
}

impl Session {
    /// A new session for `target`, recording provisioned entries in a ledger of its own under
    /// `CONTRACT_REPORT_DIR` (or `target/contract-harness/`).
    pub fn new(target: &Target) -> Self {
        let plan = &target.plan;
        Self {
            provisioning: (!plan.provision.is_empty()).then(|| {
                Provisioning::new(
                    plan.file.clone(),
                    target.name.clone(),
                    plan.provision.clone(),
                    plan.max_failed_teardowns,
                    &ledger::default_dir(),
                )
            }),
            reset: plan.reset.clone().map(|r| Reset::new(r, plan.file.clone())),
        }
    }
}
