//! Targets: the embedded mock (default) or a live server described by a target file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::OnceCell;

use super::error::HarnessError;
use super::runtime::runtime;
use super::secrets;
use super::target_file::TargetFile;
use crate::mock::auth::Tokens;
use crate::mock::{Fault, MockConfig, MockServer, Seed};

/// Values by name.
pub type Values = BTreeMap<String, String>;

/// How requests are paced.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Per-request timeout.
    pub timeout: Duration,
    /// Requests in flight at most.
    pub concurrency: usize,
    /// Requests per second at most (`None`: unlimited).
    pub rate_per_second: Option<f64>,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            concurrency: 16,
            rate_per_second: None,
        }
    }
}

/// Where cases are sent.
#[derive(Debug)]
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
    /// Why a role is unavailable (a missing environment variable).
    pub unavailable: BTreeMap<(String, String), String>,
    /// Fixtures destructive cases may use: service → fixture names.
    pub destructive: Option<BTreeMap<String, BTreeSet<String>>>,
    /// Pacing.
    pub limits: Limits,
}

/// The two kinds of target.
#[derive(Debug)]
pub enum TargetKind {
    /// The embedded mock; a fresh instance per case.
    Embedded(EmbeddedHub),
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

/// Starts embedded mock instances that share one token store, so a token obtained once opens
/// every fresh instance.
#[derive(Debug)]
pub struct EmbeddedHub {
    seed: Arc<Seed>,
    tokens: Arc<Tokens>,
    fault: Option<Fault>,
    auth_instance: OnceCell<(MockServer, String)>,
}

impl EmbeddedHub {
    /// A hub over a seed, with an optional fault switched on in every instance.
    pub fn new(seed: Arc<Seed>, fault: Option<Fault>) -> Self {
        let tokens = Arc::new(Tokens::new(&seed));
        Self {
            seed,
            tokens,
            fault,
            auth_instance: OnceCell::new(),
        }
    }

    fn config(&self) -> MockConfig {
        let mut c = MockConfig::new(self.seed.clone());
        c.fault = self.fault;
        c.tokens = Some(self.tokens.clone());
        c
    }

    /// A fresh instance (fresh state) on a loopback port.
    ///
    /// # Errors
    /// When no port can be bound.
    pub async fn fresh(&self) -> Result<MockServer, HarnessError> {
        MockServer::start(&self.config(), ([127, 0, 0, 1], 0).into())
            .await
            .map_err(|e| HarnessError::Mock(e.to_string()))
    }

    /// The instance that serves token requests (started once).
    ///
    /// # Errors
    /// When no port can be bound.
    pub async fn auth_base(&self) -> Result<String, HarnessError> {
        let (_, base) = self
            .auth_instance
            .get_or_try_init(|| async {
                let s = self.fresh().await?;
                let base = s.base_url();
                Ok::<_, HarnessError>((s, base))
            })
            .await?;
        Ok(base.clone())
    }
}

impl Target {
    /// The embedded mock with a seed (and possibly a fault).
    pub fn embedded(seed: Arc<Seed>, fault: Option<Fault>) -> Self {
        for roles in seed.credentials.values() {
            for values in roles.values() {
                for (k, v) in values {
                    if is_secret_key(k) {
                        secrets::register(v);
                    }
                }
            }
        }
        Self {
            name: "mock".into(),
            fixtures: seed
                .fixtures
                .iter()
                .map(|(s, f)| {
                    (
                        s.clone(),
                        f.iter()
                            .map(|(n, v)| (n.clone(), vec![v.clone()]))
                            .collect(),
                    )
                })
                .collect(),
            credentials: seed.credentials.clone(),
            unavailable: BTreeMap::new(),
            destructive: None,
            kind: TargetKind::Embedded(EmbeddedHub::new(seed, fault)),
            limits: Limits::default(),
        }
    }

    /// A live target from a target file; `base_url` (from `CONTRACT_BASE_URL`) overrides the
    /// file's. Credential values are read from the environment variables the file names.
    ///
    /// # Errors
    /// [`HarnessError::TargetFile`] when the file cannot be read or parsed.
    pub fn live(
        file: Option<&Path>,
        base_url: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, HarnessError> {
        let tf = match file {
            Some(p) => TargetFile::read(p)?,
            None => TargetFile::default(),
        };
        let mut credentials: BTreeMap<String, BTreeMap<String, Values>> = BTreeMap::new();
        let mut unavailable = BTreeMap::new();
        for (service, roles) in &tf.credentials {
            for (role, vars) in roles {
                let mut values = Values::new();
                let mut missing = None;
                for (key, var) in vars {
                    match env(var) {
                        Some(v) => {
                            if is_secret_key(key) {
                                secrets::register(&v);
                            }
                            values.insert(key.clone(), v);
                        }
                        None => missing = Some(var.clone()),
                    }
                }
                match missing {
                    Some(var) => {
                        unavailable.insert(
                            (service.clone(), role.clone()),
                            format!("environment variable {var} is not set"),
                        );
                    }
                    None => {
                        credentials
                            .entry(service.clone())
                            .or_default()
                            .insert(role.clone(), values);
                    }
                }
            }
        }
        let defaults = Limits::default();
        let default_base = if base_url.is_empty() {
            tf.base_url.clone().unwrap_or_default()
        } else {
            base_url.to_string()
        };
        Ok(Self {
            name: tf.name,
            kind: TargetKind::Live {
                base_urls: tf.base_urls,
                default_base: default_base.trim_end_matches('/').to_string(),
                auth_urls: tf.auth_urls,
            },
            fixtures: tf
                .fixtures
                .into_iter()
                .map(|(s, f)| (s, f.into_iter().map(|(n, e)| (n, e.into_pool())).collect()))
                .collect(),
            credentials,
            unavailable,
            destructive: Some(tf.destructive_fixtures),
            limits: Limits {
                timeout: tf
                    .timeout_seconds
                    .map_or(defaults.timeout, Duration::from_secs_f64),
                concurrency: tf.concurrency.unwrap_or(4),
                rate_per_second: tf.rate_limit_per_second,
            },
        })
    }

    /// Why a case using these fixtures must not run destructively here, if so.
    pub fn destructive_refusal(&self, service: &str, fixtures: &[&str]) -> Option<String> {
        let allowed = self.destructive.as_ref()?;
        let designated = allowed.get(service);
        let missing: Vec<&str> = fixtures
            .iter()
            .copied()
            .filter(|f| !designated.is_some_and(|d| d.contains(*f)))
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
        self.fixtures
            .get(service)
            .and_then(|f| f.get(fixture))
            .is_none_or(|p| p.is_empty())
            .then(|| format!("the target gives no values for fixture {service}/{fixture}"))
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
        Some(
            self.unavailable
                .get(&(service.to_string(), role.to_string()))
                .cloned()
                .unwrap_or_else(|| {
                    format!("the target names no `{role}` credential for {service}")
                }),
        )
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
            TargetKind::Embedded(hub) => hub.auth_base().await,
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

    /// The default target of a process: `CONTRACT_BASE_URL` (with `CONTRACT_TARGET`) or the
    /// embedded mock with the built-in seed.
    ///
    /// # Errors
    /// When the target file is broken.
    pub fn from_env() -> Result<Self, HarnessError> {
        let base = std::env::var("CONTRACT_BASE_URL").unwrap_or_default();
        let file = std::env::var_os("CONTRACT_TARGET").map(std::path::PathBuf::from);
        let mut target = if base.is_empty() && file.is_none() {
            // CONTRACT_MOCK_FAULT switches a fault on in the embedded mock (to see the suite fail).
            let fault = match std::env::var("CONTRACT_MOCK_FAULT") {
                Ok(name) if !name.is_empty() => Some(
                    name.parse::<Fault>()
                        .map_err(|e| HarnessError::Mock(e.to_string()))?,
                ),
                _ => None,
            };
            Target::embedded(Arc::new(Seed::builtin()), fault)
        } else {
            Target::live(file.as_deref(), &base, &|v| std::env::var(v).ok())?
        };
        if let Some(t) = std::env::var("CONTRACT_TIMEOUT_SECONDS")
            .ok()
            .and_then(|v| v.parse::<f64>().ok())
        {
            target.limits.timeout = Duration::from_secs_f64(t);
        }
        if let Some(c) = std::env::var("CONTRACT_CONCURRENCY")
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
        {
            target.limits.concurrency = c.max(1);
        }
        if let Some(r) = std::env::var("CONTRACT_RATE_LIMIT")
            .ok()
            .and_then(|v| v.parse::<f64>().ok())
        {
            target.limits.rate_per_second = Some(r);
        }
        Ok(target)
    }

    /// Starts a fresh embedded instance (no-op for live targets): the base URL for one case.
    ///
    /// # Errors
    /// When the mock cannot start.
    pub fn case_instance(&self) -> Result<Option<MockServer>, HarnessError> {
        match &self.kind {
            TargetKind::Embedded(hub) => runtime().block_on(hub.fresh()).map(Some),
            TargetKind::Live { .. } => Ok(None),
        }
    }
}

/// Credential value names that hold secrets.
pub fn is_secret_key(key: &str) -> bool {
    matches!(key, "client_secret" | "password" | "app_secret" | "token")
}
