//! The vendor mock as an embedded target: every fresh instance serves all three vendors
//! (OneAccess, DataArts, EnOS) with fresh state, and all instances share one token store, so a
//! token obtained once opens every instance.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use tokio::sync::OnceCell;

use super::auth::Tokens;
use super::{Fault, MockConfig, MockServer, Seed};
use crate::exec::embedded::{Embedded, Instance, Pending};
use crate::exec::error::HarnessError;
use crate::exec::target::Target;
use crate::exec::values::Values;
use crate::settings::Settings;

/// The services the vendor mock implements.
pub const SERVICES: [&str; 3] = ["dataarts", "enos", "oneaccess"];

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

/// The embedded target a run's settings ask for: the built-in seed, with the fault
/// `CONTRACT_MOCK_FAULT` names switched on (to see the suite fail). What the entry points
/// hand the harness.
///
/// # Errors
/// [`HarnessError::Mock`] when the fault is unknown.
pub fn from_settings(s: &Settings) -> Result<Box<dyn Embedded>, HarnessError> {
    let fault = match &s.mock_fault {
        Some(name) => Some(
            name.parse::<Fault>()
                .map_err(|e| HarnessError::Mock(e.to_string()))?,
        ),
        None => None,
    };
    Ok(Box::new(VendorMock::new(Arc::new(Seed::builtin()), fault)))
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
            from_settings(&settings),
            Err(HarnessError::Mock(_))
        ));
    }
}
