//! Removing provisioned entries: the target file's teardown after each case, the best-effort
//! teardown of an entry whose provisioning failed halfway, the shared entries at the end of
//! the run, and the failures kept for the run's reports (too many stop provisioning).

use std::sync::atomic::Ordering;

use super::ledger::{Entry, Event, Ledger};
use super::provision::{Provisioning, Shared, command_limit, lock};
use super::provision_error::{ProvisionError, TeardownFailure};
use super::provision_file::at;
use super::provision_request::{Env, Place, run_command, send};
use super::template::Scope;
use super::values::Values;

impl Provisioning {
    /// Removes an entry with the target file's teardown, and records it in the ledger. A
    /// failure is kept for the end of the run; past `max_failed_teardowns` provisioning stops.
    ///
    /// # Errors
    /// The failure.
    pub async fn teardown(&self, env: Env<'_>, entry: &Entry) -> Result<(), ProvisionError> {
        self.teardown_in(env, entry, &self.ledger).await
    }

    /// [`Self::teardown`] of an entry recorded in another run's `ledger` (cleanup).
    ///
    /// # Errors
    /// The failure.
    pub async fn teardown_in(
        &self,
        env: Env<'_>,
        entry: &Entry,
        ledger: &Ledger,
    ) -> Result<(), ProvisionError> {
        let result = self.run_teardown(env, entry).await;
        match &result {
            Ok(true) => {
                if let Err(e) = ledger.append(&Event::TornDown {
                    entry: entry.entry.clone(),
                }) {
                    lock(&self.failures).push(TeardownFailure {
                        service: entry.service.clone(),
                        fixture: entry.fixture.clone(),
                        entry: entry.entry.clone(),
                        message: format!(
                            "entry {} of {}/{} was torn down but the ledger could not record it: {e}",
                            entry.entry, entry.service, entry.fixture
                        ),
                    });
                }
            }
            Ok(false) => {}
            Err(e) => self.record_failure(
                env,
                entry,
                format!(
                    "entry {} of {}/{} (values {}): {e}",
                    entry.entry,
                    entry.service,
                    entry.fixture,
                    env.target
                        .secrets
                        .redact(&serde_json::to_string(&entry.values).unwrap_or_default())
                ),
            ),
        }
        result.map(|_| ())
    }

    /// Best effort for an entry whose provisioning failed after a request made something:
    /// its teardown with the values captured so far; a failure counts as a failed teardown.
    pub(super) async fn abandon(
        &self,
        env: Env<'_>,
        service: &str,
        fixture: &str,
        n: u64,
        uuid: &str,
        values: &Values,
    ) {
        let entry = Entry {
            entry: format!("{}-{n}", self.run_id),
            target: self.target.clone(),
            service: service.to_string(),
            fixture: fixture.to_string(),
            run_id: self.run_id.clone(),
            n,
            uuid: uuid.to_string(),
            values: values.clone(),
        };
        if let Err(e) = self.run_teardown(env, &entry).await {
            self.record_failure(env, &entry, format!(
                "entry {} of {service}/{fixture}, made in part before its provisioning failed (values {}): {e}",
                entry.entry,
                env.target.secrets.redact(&serde_json::to_string(values).unwrap_or_default())
            ));
        }
    }

    /// Keeps a failed teardown (its message redacted) for the end of the run; past the limit,
    /// provisioning stops.
    fn record_failure(&self, env: Env<'_>, entry: &Entry, message: String) {
        let mut failures = lock(&self.failures);
        failures.push(TeardownFailure {
            service: entry.service.clone(),
            fixture: entry.fixture.clone(),
            entry: entry.entry.clone(),
            message: env.target.secrets.redact(&message),
        });
        if failures.len() > self.max_failed_teardowns {
            // The count at the moment it stopped: the first failure past the limit.
            let _ = self.halted_after.compare_exchange(
                0,
                failures.len(),
                Ordering::SeqCst,
                Ordering::SeqCst,
            );
        }
    }

    /// Runs the teardown; `false` when the fixture has none.
    async fn run_teardown(&self, env: Env<'_>, entry: &Entry) -> Result<bool, ProvisionError> {
        let name = format!("{}/{}", entry.service, entry.fixture);
        let Some(p) = self.get(&entry.service, &entry.fixture) else {
            return Err(ProvisionError::Other {
                what: format!("teardown of {name}"),
                at: self.file.clone(),
                message: "the target file no longer provisions this fixture".into(),
            });
        };
        let nothing = |_: &str, _: &str| None;
        let scope = Scope {
            run_id: &entry.run_id,
            n: entry.n,
            uuid: &entry.uuid,
            values: &entry.values,
            other: &nothing,
        };
        for (i, r) in p.value.teardown.iter().enumerate() {
            let r_at = at(&self.file, r);
            let what = format!("teardown of {name}, request {}", i + 1);
            let place = Place {
                at: &r_at,
                what: &what,
            };
            send(env, &entry.service, &r.value, &scope, &place, true).await?;
        }
        if let Some(c) = &p.value.teardown_command {
            let c_at = at(&self.file, c);
            let what = format!("teardown of {name}, command");
            let place = Place {
                at: &c_at,
                what: &what,
            };
            let limit = command_limit(p.value.command_timeout_seconds);
            run_command(env, &c.value, &scope, limit, &place).await?;
        }
        Ok(p.value.has_teardown())
    }

    /// Tears down the shared entries at the end of the run and removes the ledger when nothing
    /// in it is pending.
    pub async fn finish(&self, env: Env<'_>) {
        let cells: Vec<Shared> = lock(&self.shared).values().cloned().collect();
        for cell in cells {
            if let Some(Ok(entry)) = cell.get() {
                let _ = self.teardown(env, entry).await;
            }
        }
        let _ = self.ledger.compact();
    }
}
