//! Fresh fixture entries for a live target: made by the target file's requests or command,
//! recorded in the ledger until their teardown succeeds, torn down after each case that used
//! them. Cases that do not consume a provisioned fixture share one entry per run. Too many
//! failed teardowns stop provisioning.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_saphyr::Spanned;
use tokio::sync::OnceCell;

use super::ledger::{Entry, Event, Ledger};
use super::provision_error::ProvisionError;
use super::provision_error::TeardownFailure;
use super::provision_file::{Provision, at};
use super::provision_request::{Env, Place, capture, run_command, send, values_from_output};
use super::template::{self, Scope};
use super::values::Values;

/// Deepest chain of `{{fixture.value}}` references between provisioned fixtures.
const MAX_DEPTH: usize = 4;

pub(super) type Shared = Arc<OnceCell<Result<Entry, String>>>;

/// The provisioning of one run against one target.
#[derive(Debug)]
pub struct Provisioning {
    /// The target file (for positions).
    pub file: String,
    /// Target name (in ledger entries).
    pub target: String,
    /// service → fixture → how its entries are made.
    pub fixtures: BTreeMap<String, BTreeMap<String, Spanned<Provision>>>,
    /// Failed teardowns tolerated before provisioning stops.
    pub max_failed_teardowns: usize,
    /// This run's id.
    pub run_id: String,
    pub(super) ledger: Ledger,
    next: AtomicU64,
    pub(super) shared: Mutex<BTreeMap<(String, String), Shared>>,
    pub(super) failures: Mutex<Vec<TeardownFailure>>,
    /// Failed teardowns when provisioning stopped (0: it has not).
    pub(super) halted_after: AtomicUsize,
    untracked: Mutex<BTreeSet<String>>,
}

pub(super) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Provisioning {
    /// Provisioning as a target file describes it, recording into a ledger of its own in
    /// `ledger_dir`.
    pub fn new(
        file: String,
        target: String,
        fixtures: BTreeMap<String, BTreeMap<String, Spanned<Provision>>>,
        max_failed_teardowns: usize,
        ledger_dir: &std::path::Path,
    ) -> Self {
        let run_id = template::run_id();
        let ledger = Ledger::new(super::ledger::file_for(ledger_dir, &target, &run_id));
        Self {
            file,
            target,
            fixtures,
            max_failed_teardowns,
            run_id,
            ledger,
            next: AtomicU64::new(0),
            shared: Mutex::new(BTreeMap::new()),
            failures: Mutex::new(Vec::new()),
            halted_after: AtomicUsize::new(0),
            untracked: BTreeSet::new().into(),
        }
    }

    /// How a fixture is provisioned, if it is.
    pub fn get(&self, service: &str, fixture: &str) -> Option<&Spanned<Provision>> {
        self.fixtures.get(service)?.get(fixture)
    }

    /// The ledger.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// Teardowns that failed so far, as reported at the end of the run.
    pub fn failures(&self) -> Vec<TeardownFailure> {
        lock(&self.failures).clone()
    }

    /// Fixtures provisioned without a teardown (nothing removes their entries).
    pub fn untracked(&self) -> Vec<String> {
        lock(&self.untracked).iter().cloned().collect()
    }

    /// A fresh entry of a fixture.
    ///
    /// # Errors
    /// [`ProvisionError`] when provisioning stopped or a request, capture or command failed.
    pub async fn fresh(
        &self,
        env: Env<'_>,
        service: &str,
        fixture: &str,
    ) -> Result<Entry, ProvisionError> {
        self.make(env, service, fixture, 0).await
    }

    /// The entry that the cases which do not consume `fixture` share (made once per run, on
    /// first use).
    ///
    /// # Errors
    /// The provisioning failure, as text (every case that needs it reports it).
    pub async fn shared(
        &self,
        env: Env<'_>,
        service: &str,
        fixture: &str,
    ) -> Result<Entry, String> {
        self.shared_at(env, service, fixture, 0).await
    }

    fn shared_at<'a>(
        &'a self,
        env: Env<'a>,
        service: &'a str,
        fixture: &'a str,
        depth: usize,
    ) -> Pin<Box<dyn Future<Output = Result<Entry, String>> + Send + 'a>> {
        Box::pin(async move {
            let cell = lock(&self.shared)
                .entry((service.to_string(), fixture.to_string()))
                .or_default()
                .clone();
            cell.get_or_init(|| async {
                self.make(env, service, fixture, depth)
                    .await
                    .map_err(|e| e.to_string())
            })
            .await
            .clone()
        })
    }

    /// The static values of a fixture (the first entry of its pool, which the cases that consume
    /// nothing use too), if the target gives any.
    fn static_values(env: Env<'_>, service: &str, fixture: &str) -> Option<Values> {
        env.target
            .fixtures
            .get(service)?
            .get(fixture)?
            .first()
            .cloned()
    }

    /// Values of other fixtures that `fixture`'s templates name (`{{other.value}}`): static
    /// values, or the other fixture's shared entry.
    async fn others(
        &self,
        env: Env<'_>,
        service: &str,
        p: &Provision,
        depth: usize,
    ) -> Result<BTreeMap<String, Values>, String> {
        let mut texts: Vec<String> = Vec::new();
        for r in p.requests.iter().chain(&p.teardown) {
            texts.push(r.value.path.clone());
            texts.extend(r.value.headers.values().cloned());
            if let Some(b) = &r.value.body {
                texts.push(b.to_string());
            }
        }
        for c in p.command.iter().chain(&p.teardown_command) {
            texts.extend(c.value.iter().cloned());
        }
        let mut names = BTreeSet::new();
        for t in &texts {
            for piece in t.split("{{").skip(1) {
                if let Some((inner, _)) = piece.split_once("}}")
                    && let Some((f, _)) = inner.trim().split_once('.')
                {
                    names.insert(f.to_string());
                }
            }
        }
        let mut out = BTreeMap::new();
        for other in names {
            let values = match Self::static_values(env, service, &other) {
                Some(v) => v,
                None if self.get(service, &other).is_some() => {
                    if depth >= MAX_DEPTH {
                        return Err(format!(
                            "`{{{{{other}.…}}}}` goes more than {MAX_DEPTH} fixtures deep (a cycle?)"
                        ));
                    }
                    self.shared_at(env, service, &other, depth + 1)
                        .await?
                        .values
                }
                None => continue,
            };
            out.insert(other, values);
        }
        Ok(out)
    }

    async fn make(
        &self,
        env: Env<'_>,
        service: &str,
        fixture: &str,
        depth: usize,
    ) -> Result<Entry, ProvisionError> {
        let failed = self.halted_after.load(Ordering::SeqCst);
        if failed > 0 {
            return Err(ProvisionError::Halted {
                failed,
                max: self.max_failed_teardowns,
            });
        }
        let name = format!("{service}/{fixture}");
        let Some(p) = self.get(service, fixture) else {
            return Err(ProvisionError::Other {
                what: format!("provisioning {name}"),
                at: self.file.clone(),
                message: "the target file does not provision it".into(),
            });
        };
        let p_at = at(&self.file, p);
        let others = self
            .others(env, service, &p.value, depth)
            .await
            .map_err(|message| ProvisionError::Other {
                what: format!("provisioning {name}"),
                at: p_at.clone(),
                message,
            })?;
        let n = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let uuid = template::uuid(&self.run_id, n);
        let mut values = Self::static_values(env, service, fixture).unwrap_or_default();
        let lookup = |f: &str, v: &str| others.get(f).and_then(|vals| vals.get(v)).cloned();
        for (i, r) in p.value.requests.iter().enumerate() {
            let r_at = at(&self.file, r);
            let what = format!("provisioning {name}, request {}", i + 1);
            let place = Place {
                at: &r_at,
                what: &what,
            };
            let scope = Scope {
                run_id: &self.run_id,
                n,
                uuid: &uuid,
                values: &values,
                other: &lookup,
            };
            let sent = match send(env, service, &r.value, &scope, &place, false).await {
                Ok(sent) => sent,
                Err(e) => {
                    if i > 0 {
                        self.abandon(env, service, fixture, n, &uuid, &values).await;
                    }
                    return Err(e);
                }
            };
            if let Err(e) = capture(env, &r.value, &sent, &mut values, &place) {
                self.abandon(env, service, fixture, n, &uuid, &values).await;
                return Err(e);
            }
        }
        if let Some(c) = &p.value.command {
            let c_at = at(&self.file, c);
            let what = format!("provisioning {name}, command");
            let place = Place {
                at: &c_at,
                what: &what,
            };
            let scope = Scope {
                run_id: &self.run_id,
                n,
                uuid: &uuid,
                values: &values,
                other: &lookup,
            };
            let limit = command_limit(p.value.command_timeout_seconds);
            let out = run_command(env, &c.value, &scope, limit, &place).await?;
            let printed = values_from_output(&out).map_err(|message| ProvisionError::Command {
                what: what.clone(),
                at: c_at.clone(),
                command: env.target.secrets.redact(&c.value.join(" ")),
                message: env.target.secrets.redact(&message),
            })?;
            values.extend(printed);
        }
        let entry = Entry {
            entry: format!("{}-{n}", self.run_id),
            target: self.target.clone(),
            service: service.to_string(),
            fixture: fixture.to_string(),
            run_id: self.run_id.clone(),
            n,
            uuid,
            values,
        };
        if p.value.has_teardown() {
            if let Err(source) = self.ledger.append(&Event::Provisioned(entry.clone())) {
                // Unrecorded, it could not be cleaned up after a kill: remove it now.
                let _ = self.teardown(env, &entry).await;
                return Err(ProvisionError::Ledger {
                    fixture: name,
                    source,
                });
            }
        } else {
            lock(&self.untracked).insert(name.clone());
        }
        let declared = env
            .specs
            .services
            .get(service)
            .and_then(|s| s.fixtures.get(fixture))
            .map(|d| d.values.clone())
            .unwrap_or_default();
        let missing: Vec<String> = declared
            .into_iter()
            .filter(|v| !entry.values.contains_key(v))
            .collect();
        if !missing.is_empty() {
            let _ = self.teardown(env, &entry).await;
            return Err(ProvisionError::Lacks {
                fixture: name,
                at: p_at,
                missing: missing.join(", "),
            });
        }
        Ok(entry)
    }
}

/// A command's time limit (default 60 s).
pub fn command_limit(seconds: Option<f64>) -> Duration {
    seconds
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .filter(|d| !d.is_zero())
        .unwrap_or(Duration::from_secs(60))
}
