//! The mocks as an embedded target. The hand-written vendor mocks (`vendor/`) serve the
//! shipped vendors' services (every fresh instance all three, with fresh state, sharing one token store, so a
//! token obtained once opens every instance); the spec-driven generic mock serves every other
//! service of the run's specs, each on instances of its own.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use tokio::sync::OnceCell;

use super::generic::{GenericFault, GenericSeed, GenericServer, GenericSet, honours};
use super::vendor::SERVICES;
use super::vendor::auth::Tokens;
use super::vendor::faults::Fault;
use super::vendor::seed::Seed;
use super::vendor::server::{MockConfig, MockServer};
use crate::contract::{Sequence, SpecSet};
use crate::exec::embedded::{Embedded, Instance, Pending};
use crate::exec::error::HarnessError;
use crate::exec::target::Target;
use crate::exec::values::Values;
use crate::settings::Settings;

/// The vendor mock over a seed, with an optional fault switched on in every instance.
pub struct VendorMock {
    seed: Arc<Seed>,
    tokens: Arc<Tokens>,
    fault: Option<Fault>,
    auth_instance: OnceCell<(MockServer, String)>,
}

impl std::fmt::Debug for VendorMock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VendorMock")
            .field("fault", &self.fault)
            .finish_non_exhaustive()
    }
}

impl VendorMock {
    /// The mock over `seed`, with `fault` on (`None`: the correct mock).
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

    async fn start(&self) -> Result<MockServer, HarnessError> {
        MockServer::start(&self.config(), ([127, 0, 0, 1], 0).into())
            .await
            .map_err(|e| HarnessError::Mock(e.to_string()))
    }
}

impl Instance for MockServer {
    fn base_url(&self) -> String {
        MockServer::base_url(self)
    }
}

impl Embedded for VendorMock {
    fn services(&self) -> BTreeSet<String> {
        SERVICES.iter().map(|s| (*s).to_string()).collect()
    }

    fn fixtures(&self) -> BTreeMap<String, BTreeMap<String, Values>> {
        self.seed.fixtures.clone()
    }

    fn credentials(&self) -> BTreeMap<String, BTreeMap<String, Values>> {
        self.seed.credentials.clone()
    }

    fn fresh<'a>(&'a self, _service: &'a str) -> Pending<'a, Box<dyn Instance>> {
        // One instance serves every vendor.
        Box::pin(async move { Ok(Box::new(self.start().await?) as Box<dyn Instance>) })
    }

    fn auth_base<'a>(&'a self, _service: &'a str) -> Pending<'a, String> {
        Box::pin(async move {
            let (_, base) = self
                .auth_instance
                .get_or_try_init(|| async {
                    let s = self.start().await?;
                    let base = s.base_url();
                    Ok::<_, HarnessError>((s, base))
                })
                .await?;
            Ok(base.clone())
        })
    }
}

/// A fault of either mock: a vendor fault (`mock --list-faults`) or one derived from a spec
/// (`mock --specs DIR --list-faults`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MockFault {
    /// A fault of the hand-written vendor mock.
    Vendor(Fault),
    /// A fault derived from a spec, in the generic mock of its service.
    Generic(GenericFault),
}

impl MockFault {
    /// The fault called `name` among the vendor faults and those derived from `specs`.
    ///
    /// # Errors
    /// [`HarnessError::Mock`] naming where the lists of faults are.
    pub fn parse(specs: &SpecSet, name: &str) -> Result<Self, HarnessError> {
        if let Ok(f) = name.parse::<Fault>() {
            return Ok(MockFault::Vendor(f));
        }
        specs
            .services
            .keys()
            .find_map(|s| GenericFault::parse(specs, s, name).ok())
            .map(MockFault::Generic)
            .ok_or_else(|| {
                HarnessError::Mock(format!(
                    "unknown fault `{name}`: `contract-harness mock --list-faults` lists the vendor mock's, `contract-harness mock --specs DIR --list-faults` those derived from specs"
                ))
            })
    }

    /// Its name.
    pub fn name(&self) -> String {
        match self {
            MockFault::Vendor(f) => f.name().to_string(),
            MockFault::Generic(f) => f.name(),
        }
    }

    /// The kind of violation (`not a violation` for a vendor variant).
    pub fn kind(&self) -> &'static str {
        match self {
            MockFault::Vendor(f) => f.kind(),
            MockFault::Generic(f) => f.kind_word(),
        }
    }

    /// Whether it breaks a promise of the specs (every derived fault does; a vendor variant
    /// does not).
    pub fn is_violation(&self) -> bool {
        match self {
            MockFault::Vendor(f) => f.is_violation(),
            MockFault::Generic(_) => true,
        }
    }
}

impl From<Fault> for MockFault {
    fn from(f: Fault) -> Self {
        MockFault::Vendor(f)
    }
}

/// Every mock a run's specs need: the vendor mock for the vendor services the specs hold, the
/// generic mock for the others (but signed ones, which only a hand-written mock can verify).
pub struct Mocks {
    vendor: Option<VendorMock>,
    generic: GenericSet,
    specs: SpecSet,
    /// One kept instance per generic service, for token requests.
    auth_instances: tokio::sync::Mutex<BTreeMap<String, (GenericServer, String)>>,
}

impl std::fmt::Debug for Mocks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mocks")
            .field("vendor", &self.vendor)
            .field("generic", &self.generic.services())
            .finish_non_exhaustive()
    }
}

impl Mocks {
    /// The mocks of `specs`, over the vendor seed and a generic seed (values the seed leaves
    /// out are generated), with `fault` on.
    ///
    /// # Errors
    /// [`HarnessError::Mock`] when a generic mock cannot be built from the specs.
    pub fn new(
        specs: &SpecSet,
        seed: Arc<Seed>,
        generic_seed: &GenericSeed,
        fault: Option<MockFault>,
    ) -> Result<Self, HarnessError> {
        let vendor_services: Vec<&str> = SERVICES
            .iter()
            .copied()
            .filter(|s| specs.services.contains_key(*s))
            .collect();
        let (vendor_fault, generic_fault) = match fault {
            Some(MockFault::Vendor(f)) => (Some(f), None),
            Some(MockFault::Generic(f)) => (None, Some(f)),
            None => (None, None),
        };
        let generic = GenericSet::new(specs, &vendor_services, generic_seed, generic_fault)
            .map_err(|e| HarnessError::Mock(e.to_string()))?;
        Ok(Self {
            vendor: (!vendor_services.is_empty()).then(|| VendorMock::new(seed, vendor_fault)),
            generic,
            specs: specs.clone(),
            auth_instances: tokio::sync::Mutex::new(BTreeMap::new()),
        })
    }

    /// The faults of these mocks: the vendor mock's violations of the vendor services the
    /// specs hold, then those derived from every service the generic mock serves.
    pub fn catalogue(&self) -> Vec<MockFault> {
        let vendor = Fault::ALL
            .iter()
            .filter(|f| {
                self.is_vendor(f.service()) && self.specs.services.contains_key(f.service())
            })
            .map(|f| MockFault::Vendor(*f));
        vendor
            .chain(
                self.generic
                    .catalogue(&self.specs)
                    .into_iter()
                    .map(MockFault::Generic),
            )
            .collect()
    }

    fn is_vendor(&self, service: &str) -> bool {
        self.vendor.is_some() && SERVICES.contains(&service)
    }
}

impl Instance for GenericServer {
    fn base_url(&self) -> String {
        GenericServer::base_url(self)
    }
}

impl Embedded for Mocks {
    fn services(&self) -> BTreeSet<String> {
        let mut all = self.generic.services();
        if let Some(v) = &self.vendor {
            all.extend(
                v.services()
                    .into_iter()
                    .filter(|s| self.specs.services.contains_key(s)),
            );
        }
        all
    }

    fn fixtures(&self) -> BTreeMap<String, BTreeMap<String, Values>> {
        let mut all = self.generic.fixtures();
        if let Some(v) = &self.vendor {
            all.extend(v.fixtures());
        }
        all
    }

    fn credentials(&self) -> BTreeMap<String, BTreeMap<String, Values>> {
        let mut all = self.generic.credentials();
        if let Some(v) = &self.vendor {
            all.extend(v.credentials());
        }
        all
    }

    fn fresh<'a>(&'a self, service: &'a str) -> Pending<'a, Box<dyn Instance>> {
        Box::pin(async move {
            match &self.vendor {
                Some(v) if self.is_vendor(service) => v.fresh(service).await,
                _ => self
                    .generic
                    .fresh(service)
                    .await
                    .map(|s| Box::new(s) as Box<dyn Instance>)
                    .map_err(|e| HarnessError::Mock(e.to_string())),
            }
        })
    }

    fn auth_base<'a>(&'a self, service: &'a str) -> Pending<'a, String> {
        Box::pin(async move {
            if let Some(v) = self.vendor.as_ref().filter(|_| self.is_vendor(service)) {
                return v.auth_base(service).await;
            }
            let mut kept = self.auth_instances.lock().await;
            if let Some((_, base)) = kept.get(service) {
                return Ok(base.clone());
            }
            let server = self
                .generic
                .fresh(service)
                .await
                .map_err(|e| HarnessError::Mock(e.to_string()))?;
            let base = server.base_url();
            kept.insert(service.to_string(), (server, base.clone()));
            Ok(base)
        })
    }

    fn sequence_refusal(&self, service: &str, sequence: &Sequence) -> Option<String> {
        if self.is_vendor(service) {
            return None;
        }
        honours(&self.specs, service, sequence).err().map(|why| {
            format!("the generic mock cannot check this sequence ({why}): run it against a server of `{service}`")
        })
    }

    fn unserved(&self, service: &str) -> Option<String> {
        self.generic.skipped().get(service).cloned()
    }
}

/// The embedded target a run's settings ask for, for its specs: the built-in vendor seed,
/// generated values for the generic mock, and the fault
/// `CONTRACT_MOCK_FAULT` names switched on (to see the suite fail). What the entry points hand
/// the harness.
///
/// # Errors
/// [`HarnessError::Mock`] when the fault is unknown or a generic mock cannot be built.
pub fn from_settings(s: &Settings, specs: &SpecSet) -> Result<Box<dyn Embedded>, HarnessError> {
    let fault = match &s.mock_fault {
        Some(name) => Some(MockFault::parse(specs, name)?),
        None => None,
    };
    let generic_seed = GenericSeed::default();
    Ok(Box::new(Mocks::new(
        specs,
        Arc::new(Seed::builtin()),
        &generic_seed,
        fault,
    )?))
}

/// A target on the vendor mock over `seed` with `fault` on.
pub fn target(seed: Arc<Seed>, fault: Option<Fault>) -> Target {
    Target::embedded(Box::new(VendorMock::new(seed, fault)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_instance_serves_every_vendor_and_an_unknown_fault_is_refused() {
        let t = target(Arc::new(Seed::builtin()), None);
        for service in SERVICES {
            assert!(t.fixture_refusal(service, "no_such_fixture").is_some());
            let base = t
                .case_instance(service)
                .expect("starts")
                .expect("embedded")
                .base_url();
            assert!(base.starts_with("http://127.0.0.1:"), "{base}");
        }
        let refusal = t.fixture_refusal("petstore", "pet").expect("not served");
        assert!(
            refusal.contains("serves only dataarts, enos, oneaccess"),
            "{refusal}"
        );
        let settings = Settings {
            mock_fault: Some("no-such-fault".into()),
            ..Settings::default()
        };
        assert!(matches!(
            from_settings(&settings, &SpecSet::default()),
            Err(HarnessError::Mock(_))
        ));
    }
}
