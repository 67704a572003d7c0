//! Targets: an embedded implementation (the default, handed in by the entry point) or a live
//! server described by a target file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

use super::embedded::{Embedded, Instance, Provider};
use super::error::HarnessError;
use super::provision_file::Plan;
use super::runtime::runtime;
use super::target_file::TargetFile;
use crate::contract::SpecSet;
use crate::secrets::Secrets;

pub use super::values::Values;

/// How requests are paced.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Per-request timeout.
    pub timeout: Duration,
    /// Requests in flight at most.
    pub concurrency: usize,
    /// Requests per second at most (`None`: unlimited).
    pub rate_per_second: Option<f64>,
    /// The proxy the user named for the harness (`CONTRACT_PROXY`); loopback never uses it,
    /// and the environment's `HTTP_PROXY` and the like are ignored.
    pub proxy: Option<String>,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            concurrency: 16,
            rate_per_second: None,
            proxy: None,
        }
    }
}

/// Where cases are sent. Its `Debug` names credential roles, never their values.
pub struct Target {
    /// Name (snapshots go to `snapshots/<name>/`).
    pub name: String,
    /// Embedded or live.
    pub kind: TargetKind,
    /// Fixture pools: service → fixture → value sets. Destructive cases each take their own
    /// entry of a pool on a live target; the embedded mock gives every case fresh state.
    pub fixtures: BTreeMap<String, BTreeMap<String, Vec<Values>>>,
    /// Credential values: service → role → values (already read from the environment).
    pub credentials: BTreeMap<String, BTreeMap<String, Values>>,
    /// Fixtures destructive cases may use: service → fixture names.
    pub destructive: Option<BTreeMap<String, BTreeSet<String>>>,
    /// Pacing.
    pub limits: Limits,
    /// What the target file asks of a run's state: provisioning and reset (live targets).
    pub plan: Plan,
    /// This target's secrets: its credential values, its URLs' userinfo and the tokens its
    /// roles obtain. Every report about the target is redacted with them.
    pub secrets: Secrets,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let roles: BTreeMap<&String, Vec<&String>> = self
            .credentials
            .iter()
            .map(|(s, r)| (s, r.keys().collect()))
            .collect();
        f.debug_struct("Target")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("fixtures", &self.fixtures)
            .field("credential_roles", &roles)
            .field("destructive", &self.destructive)
            .field("limits", &self.limits)
            .field(
                "provisioned",
                &self
                    .plan
                    .provision
                    .iter()
                    .map(|(s, f)| (s, f.keys().collect::<Vec<_>>()))
                    .collect::<BTreeMap<_, _>>(),
            )
            .field("reset", &self.plan.reset.is_some())
            .finish_non_exhaustive()
    }
}

/// The two kinds of target.
#[derive(Debug)]
pub enum TargetKind {
    /// An embedded implementation; a fresh instance per case.
    Embedded(Box<dyn Embedded>),
    /// A live server.
    Live {
        /// Base URL per service.
        base_urls: BTreeMap<String, String>,
        /// Base URL for every other service.
        default_base: String,
        /// Token endpoints on other hosts, per service.
        auth_urls: BTreeMap<String, String>,
    },
}

impl Target {
    /// An embedded target: its fixtures and credentials are the ones it serves (their secrets
    /// are registered by the suite, which knows the schemes: [`Target::register_secrets`]).
    pub fn embedded(embedded: Box<dyn Embedded>) -> Self {
        let credentials = embedded.credentials();
        Self {
            name: "mock".into(),
            fixtures: embedded
                .fixtures()
                .into_iter()
                .map(|(s, f)| (s, f.into_iter().map(|(n, v)| (n, vec![v])).collect()))
                .collect(),
            credentials,
            destructive: None,
            kind: TargetKind::Embedded(embedded),
            limits: Limits::default(),
            plan: Plan::default(),
            secrets: Secrets::new(),
        }
    }

    /// A live target from a target file; `base_url` (from `CONTRACT_BASE_URL`) overrides the
    /// file's. Credential values are read from the environment variables the file names; each
    /// role is checked against its service's auth scheme in `specs`, and the values that scheme
    /// declares secret are registered as secrets.
    ///
    /// # Errors
    /// [`HarnessError::TargetFile`] when the file cannot be read or parsed,
    /// [`HarnessError::TargetEntry`] for a role lacking a value its scheme needs.
    pub fn live(
        file: Option<&Path>,
        base_url: &str,
        env: &dyn Fn(&str) -> Option<String>,
        specs: &SpecSet,
    ) -> Result<Self, HarnessError> {
        let tf = match file {
            Some(p) => super::provision_check::read(p, specs)?,
            None => TargetFile::default(),
        };
        let shown = file.map(|p| p.display().to_string()).unwrap_or_default();
        let mut problems = Vec::new();
        let mut credentials: BTreeMap<String, BTreeMap<String, Values>> = BTreeMap::new();
        for (service, roles) in &tf.credentials {
            for (role, vars) in roles {
                let mut values = Values::new();
                for (key, var) in &vars.value {
                    // An empty variable is a secret CI did not pass (a fork, a missing entry).
                    match env(var).filter(|v| !v.is_empty()) {
                        Some(v) => {
                            values.insert(key.clone(), v);
                        }
                        None => problems.push(format!(
                            "{}: environment variable {var} (`{key}` of credential `{role}` of {service}) is not set or empty",
                            super::provision_file::at(&shown, vars)
                        )),
                    }
                }
                credentials
                    .entry(service.clone())
                    .or_default()
                    .insert(role.clone(), values);
            }
        }
        let defaults = Limits::default();
        let plan = Plan {
            file: shown.clone(),
            provision: tf.provision,
            max_failed_teardowns: tf.max_failed_teardowns.unwrap_or(3),
            reset: tf.reset,
        };
        // Userinfo is registered as a secret and dropped: never printed, never sent.
        let secrets = Secrets::new();
        let default_base = secrets.strip_userinfo(&if base_url.is_empty() {
            tf.base_url.clone().unwrap_or_default()
        } else {
            base_url.to_string()
        });
        let strip_all = |urls: BTreeMap<String, String>| -> BTreeMap<String, String> {
            urls.into_iter()
                .map(|(k, u)| (k, secrets.strip_userinfo(&u)))
                .collect()
        };
        let target = Self {
            name: match (&tf.name, file) {
                (Some(n), _) => n.clone(),
                // A file without a name is named after itself (`petstore.yaml` → `petstore`).
                (None, Some(p)) => p
                    .file_stem()
                    .map_or_else(|| "staging".into(), |s| s.to_string_lossy().into_owned()),
                (None, None) => "staging".into(),
            },
            kind: TargetKind::Live {
                base_urls: strip_all(tf.base_urls),
                default_base: default_base.trim_end_matches('/').to_string(),
                auth_urls: strip_all(tf.auth_urls),
            },
            fixtures: tf
                .fixtures
                .into_iter()
                .map(|(s, f)| (s, f.into_iter().map(|(n, e)| (n, e.into_pool())).collect()))
                .collect(),
            credentials,
            destructive: Some(tf.destructive_fixtures),
            limits: Limits {
                timeout: match tf.timeout_seconds {
                    Some(t) => seconds(t, "timeout_seconds in the target file")?,
                    None => defaults.timeout,
                },
                concurrency: tf.concurrency.unwrap_or(4).max(1),
                rate_per_second: match tf.rate_limit_per_second {
                    Some(r) => Some(rate(r, "rate_limit_per_second in the target file")?),
                    None => None,
                },
                proxy: None,
            },
            plan,
            secrets,
        };
        // Every service of the specs needs a base URL: without one each of its cases would fail
        // on its own, far from the cause.
        for service in specs.services.values() {
            if target
                .live_base(&service.name)
                .is_some_and(|b| b.is_empty())
            {
                let how = if shown.is_empty() {
                    format!(
                        "set CONTRACT_BASE_URL, or name a target file (CONTRACT_TARGET) with `base_url` or `base_urls.{}`",
                        service.name
                    )
                } else {
                    format!(
                        "set CONTRACT_BASE_URL, or `base_url` or `base_urls.{}` in {shown}",
                        service.name
                    )
                };
                problems.push(format!(
                    "{}: service `{}` has no base URL on target `{}`: {how}",
                    service.locate(""),
                    service.name,
                    target.name
                ));
            }
        }
        if !problems.is_empty() {
            return Err(HarnessError::Misconfigured { problems });
        }
        target.register_secrets(specs);
        Ok(target)
    }

    /// Registers as secrets the credential values each service's auth scheme declares secret
    /// (a ready `token` always is); every value of a service no spec declares, not knowing.
    /// Live targets do it when read; the embedded target's seed values are registered by the
    /// suite (or mutants run) that pairs it with the specs.
    pub fn register_secrets(&self, specs: &SpecSet) {
        for (service, roles) in &self.credentials {
            let scheme = specs.services.get(service).map(|s| &s.auth);
            for values in roles.values() {
                for (name, value) in values {
                    if scheme.is_none_or(|s| s.is_secret(name)) {
                        self.secrets.register(value);
                    }
                }
            }
        }
    }

    /// Why the embedded target cannot check a spec's sequence, if so (live targets check every
    /// sequence).
    pub fn sequence_refusal(
        &self,
        service: &str,
        sequence: &crate::contract::Sequence,
    ) -> Option<String> {
        match &self.kind {
            TargetKind::Embedded(e) => e.sequence_refusal(service, sequence),
            TargetKind::Live { .. } => None,
        }
    }

    /// Whether the target file provisions fresh entries of a fixture.
    pub fn provisions(&self, service: &str, fixture: &str) -> bool {
        self.plan.provisions(service, fixture)
    }

    /// Whether cases on this fixture take no entry of a static pool: it is provisioned, or the
    /// target is reset before each consuming case (then every case reuses the static values).
    pub fn takes_no_pool_entry(&self, service: &str, fixture: &str) -> bool {
        self.plan.reset.is_some() || self.provisions(service, fixture)
    }

    /// Why a case using these fixtures must not run destructively here, if so.
    /// A fixture the harness provisions and the file gives no static values for is its own
    /// to destroy: it counts as designated.
    pub fn destructive_refusal(&self, service: &str, fixtures: &[&str]) -> Option<String> {
        let allowed = self.destructive.as_ref()?;
        let designated = allowed.get(service);
        let missing: Vec<&str> = fixtures
            .iter()
            .copied()
            .filter(|f| !designated.is_some_and(|d| d.contains(*f)))
            .filter(|f| !(self.provisions(service, f) && self.pool_len(service, f) == 0))
            .collect();
        (!missing.is_empty()).then(|| {
            format!(
                "destructive case on fixture{} {} not designated in the target's destructive_fixtures",
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", ")
            )
        })
    }

    /// Why a fixture is not available here, if so.
    pub fn fixture_refusal(&self, service: &str, fixture: &str) -> Option<String> {
        if self.provisions(service, fixture) {
            return None;
        }
        if let TargetKind::Embedded(embedded) = &self.kind {
            let known = embedded.services();
            if !known.contains(service) {
                let known: Vec<&str> = known.iter().map(String::as_str).collect();
                return Some(format!(
                    "the embedded mock serves only {}; run `{service}` against a server of it (CONTRACT_BASE_URL and a target file, CONTRACT_TARGET)",
                    known.join(", ")
                ));
            }
        }
        self.fixtures
            .get(service)
            .and_then(|f| f.get(fixture))
            .is_none_or(|p| p.is_empty())
            .then(|| format!("the target gives no values for fixture {service}/{fixture}"))
    }

    /// Why a fixture's entries lack some of the values its declaration lists, if so.
    pub fn fixture_lacks(
        &self,
        service: &str,
        fixture: &str,
        declared: &[String],
    ) -> Option<String> {
        // Provisioned entries are checked when they are made (captures complete them).
        if self.provisions(service, fixture) {
            return None;
        }
        let pool = self.fixtures.get(service)?.get(fixture)?;
        pool.iter().enumerate().find_map(|(i, entry)| {
            let missing: Vec<&str> = declared
                .iter()
                .filter(|v| !entry.contains_key(*v))
                .map(String::as_str)
                .collect();
            (!missing.is_empty()).then(|| {
                format!(
                    "entry {i} of fixture {service}/{fixture} on the target lacks {}",
                    missing.join(", ")
                )
            })
        })
    }

    /// Entries in a fixture's pool.
    pub fn pool_len(&self, service: &str, fixture: &str) -> usize {
        self.fixtures
            .get(service)
            .and_then(|f| f.get(fixture))
            .map_or(0, Vec::len)
    }

    /// Every fixture value of a service.
    pub fn all_values(&self, service: &str) -> Vec<String> {
        self.fixtures
            .get(service)
            .map(|f| {
                f.values()
                    .flatten()
                    .flat_map(|v| v.values().cloned())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Why a credential role is not available here, if so.
    pub fn role_refusal(&self, service: &str, role: &str) -> Option<String> {
        if self
            .credentials
            .get(service)
            .is_some_and(|r| r.contains_key(role))
        {
            return None;
        }
        Some(format!(
            "the target names no `{role}` credential for {service}"
        ))
    }

    /// Base URL of a service on a live target.
    pub fn live_base(&self, service: &str) -> Option<String> {
        match &self.kind {
            TargetKind::Live {
                base_urls,
                default_base,
                ..
            } => Some(base_urls.get(service).map_or_else(
                || default_base.clone(),
                |b| b.trim_end_matches('/').to_string(),
            )),
            TargetKind::Embedded(_) => None,
        }
    }

    /// Base URL of a service's token endpoint.
    ///
    /// # Errors
    /// When the embedded mock cannot start.
    pub async fn auth_base(&self, service: &str) -> Result<String, HarnessError> {
        match &self.kind {
            TargetKind::Embedded(embedded) => embedded.auth_base(service).await,
            TargetKind::Live { auth_urls, .. } => Ok(auth_urls
                .get(service)
                .map(|u| u.trim_end_matches('/').to_string())
                .or_else(|| self.live_base(service))
                .unwrap_or_default()),
        }
    }

    /// Whether this is the embedded mock.
    pub fn is_embedded(&self) -> bool {
        matches!(self.kind, TargetKind::Embedded(_))
    }

    /// The target the run's settings name: `CONTRACT_BASE_URL` (with `CONTRACT_TARGET`), or
    /// else the embedded target `embedded` makes; with the settings' limits.
    ///
    /// # Errors
    /// When the target file is broken or the embedded target cannot be made (an unknown
    /// mock fault).
    pub fn from_settings(
        s: &crate::settings::Settings,
        specs: &SpecSet,
        embedded: &Provider,
    ) -> Result<Self, HarnessError> {
        let mut target = if s.base_url.is_none() && s.target_file.is_none() {
            let embedded = embedded(s, specs)?;
            // A service the embedded target cannot serve would be a run of ignored cases.
            let served = embedded.services();
            let problems: Vec<String> = specs
                .services
                .values()
                .filter(|svc| !served.contains(&svc.name))
                .map(|svc| {
                    format!(
                        "{}: the embedded mock cannot serve `{}`{}: run it against a server of it (CONTRACT_BASE_URL and a target file, CONTRACT_TARGET)",
                        svc.locate(""),
                        svc.name,
                        embedded
                            .unserved(&svc.name)
                            .map(|why| format!(" ({why})"))
                            .unwrap_or_default()
                    )
                })
                .collect();
            if !problems.is_empty() {
                return Err(HarnessError::Misconfigured { problems });
            }
            Target::embedded(embedded)
        } else {
            Target::live(
                s.target_file.as_deref(),
                s.base_url.as_deref().unwrap_or_default(),
                &|v| std::env::var(v).ok(),
                specs,
            )?
        };
        if let Some(t) = s.timeout {
            target.limits.timeout = t;
        }
        if let Some(c) = s.concurrency {
            target.limits.concurrency = c;
        }
        if let Some(r) = s.rate_limit {
            target.limits.rate_per_second = Some(r);
        }
        if let Some(p) = &s.proxy {
            target.limits.proxy = Some(p.clone());
        }
        Ok(target)
    }

    /// Starts a fresh embedded instance of `service` (none for live targets): the base URL for
    /// one case. The instance stops when dropped.
    ///
    /// # Errors
    /// When the instance cannot start.
    pub fn case_instance(&self, service: &str) -> Result<Option<Box<dyn Instance>>, HarnessError> {
        match &self.kind {
            TargetKind::Embedded(embedded) => runtime().block_on(embedded.fresh(service)).map(Some),
            TargetKind::Live { .. } => Ok(None),
        }
    }
}

fn setting(what: &str, expected: &str) -> HarnessError {
    HarnessError::Setting {
        what: what.to_string(),
        expected: expected.to_string(),
    }
}

/// A positive, finite number of seconds.
fn seconds(value: f64, what: &str) -> Result<Duration, HarnessError> {
    Duration::try_from_secs_f64(value)
        .ok()
        .filter(|d| !d.is_zero() && value.is_finite())
        .ok_or_else(|| setting(what, "a positive number of seconds"))
}

/// A request rate between 0.001 and 1,000,000 per second.
fn rate(value: f64, what: &str) -> Result<f64, HarnessError> {
    if value.is_finite() && (0.001..=1_000_000.0).contains(&value) {
        Ok(value)
    } else {
        Err(setting(
            what,
            "requests per second between 0.001 and 1000000",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_refuse_values_that_would_panic_or_stall() {
        assert!(seconds(f64::NAN, "t").is_err());
        assert!(seconds(-1.0, "t").is_err());
        assert!(seconds(0.0, "t").is_err());
        assert!(seconds(f64::INFINITY, "t").is_err());
        assert_eq!(seconds(2.5, "t").ok(), Some(Duration::from_millis(2500)));
        assert!(
            rate(0.0, "r").is_err() && rate(1e-9, "r").is_err() && rate(f64::NAN, "r").is_err()
        );
        assert_eq!(rate(20.0, "r").ok(), Some(20.0));
    }

    #[test]
    fn undesignated_fixtures_are_refused_on_live_targets() {
        let t = Target::live(None, "http://127.0.0.1:1", &|_| None, &SpecSet::default())
            .expect("target");
        assert!(t.destructive_refusal("oneaccess", &["org_leaf"]).is_some());
        let e = Target {
            destructive: None,
            ..Target::live(None, "http://127.0.0.1:1", &|_| None, &SpecSet::default())
                .expect("target")
        };
        assert!(e.destructive_refusal("oneaccess", &["org_leaf"]).is_none());
    }
}
