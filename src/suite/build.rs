//! A suite: the specs, the target, the cases generated from the specs with the reasons some
//! cannot run on this target, and the trials libtest-mimic runs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use libtest_mimic::Trial;

use super::deadline::Deadline;
use super::policy::{assign_pool_entries, ignore_reason};
use crate::contract::SpecSet;
use crate::exec::auth::TokenCache;
use crate::exec::values::Values;
use crate::exec::{HarnessError, PropSettings, Target, client};
use crate::generate::{self, Case};
use crate::report::Record;
use crate::report::reproduce::{Invocation, Reproduce};
use crate::report::snapshot_file::SnapshotMode;

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
    /// This run's provisioning and reset against the target.
    pub session: crate::exec::session::Session,
    /// The HTTP client of this suite's target (made on first use, with the target's limits).
    client: std::sync::OnceLock<client::Client>,
    /// The tokens issued to this suite's roles, owned like the client (never shared between
    /// suites or targets).
    pub tokens: TokenCache,
}

impl Suite {
    /// A suite over loaded specs and a target.
    pub fn new(
        specs: SpecSet,
        target: Target,
        proptest: PropSettings,
        snapshots: Option<PathBuf>,
    ) -> Self {
        // The embedded target's seed values, secret by the schemes (a live target's are
        // registered when read; registering twice is harmless).
        target.register_secrets(&specs);
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
        let session = crate::exec::session::Session::new(&target);
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
            session,
            client: std::sync::OnceLock::new(),
            tokens: TokenCache::new(),
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
        let c = client::Client::for_target(&self.target)?;
        Ok(self.client.get_or_init(|| c))
    }

    pub(super) fn fixture_names(
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

    /// The trials, one per case.
    pub fn trials(self: &Arc<Self>) -> Vec<Trial> {
        self.cases
            .iter()
            .enumerate()
            .map(|(i, case)| {
                let kind = case.id.kind.segment();
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
}
