//! The generic mocks of every service of a spec set that the generic mock can serve (all but
//! those a hand-written mock serves and the `signed` ones): what an embedded target needs,
//! the services, their fixtures and credentials, and a fresh instance per service.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;

use super::error::GenericError;
use super::faults::GenericFault;
use super::mock::GenericMock;
use super::seed::GenericSeed;
use super::server::GenericServer;
use crate::contract::SpecSet;
use crate::contract::auth::AuthScheme;
use crate::exec::values::Values;

/// Generic mocks by service.
#[derive(Debug, Clone, Default)]
pub struct GenericSet {
    mocks: BTreeMap<String, GenericMock>,
    skipped: BTreeMap<String, String>,
}

/// Why the generic mock cannot stand in for a service's token endpoint, if so: one on another
/// host (the harness would ask the real identity provider), or a path with templates.
fn foreign_token_endpoint(auth: &AuthScheme) -> Option<String> {
    use crate::contract::auth::Endpoint;
    let endpoint = match auth {
        AuthScheme::Oauth2ClientCredentials(o) => o.endpoint(),
        AuthScheme::TokenRequest(t) => t.request.endpoint(),
        _ => return None,
    };
    match endpoint {
        Endpoint::Url(u) => Some(format!(
            "its token endpoint is on another host ({u}): the embedded mock cannot stand in for it"
        )),
        Endpoint::Path(p) if p.contains("{{") => Some(format!(
            "its token request path `{p}` has templates the generic mock does not serve"
        )),
        Endpoint::Path(_) => None,
    }
}

impl GenericSet {
    /// The mocks of every service of `specs` but those in `served_elsewhere` (a hand-written
    /// mock serves them), over `seed`, with `fault` on in the service whose operation it names.
    /// `signed` services are skipped, with the reason in [`GenericSet::skipped`].
    ///
    /// # Errors
    /// A seed naming what the specs do not declare, a schema that does not compile, a fault
    /// whose operation the specs do not have.
    pub fn new(
        specs: &SpecSet,
        served_elsewhere: &[&str],
        seed: &GenericSeed,
        fault: Option<GenericFault>,
    ) -> Result<Self, GenericError> {
        let fault_service = match &fault {
            Some(f) => Some(
                specs
                    .operation(&f.op)
                    .map(|o| o.service.clone())
                    .ok_or_else(|| GenericError::UnknownFault {
                        service: "?".into(),
                        name: f.name(),
                    })?,
            ),
            None => None,
        };
        let mut set = GenericSet::default();
        for (name, service) in &specs.services {
            if served_elsewhere.contains(&name.as_str()) {
                continue;
            }
            if let AuthScheme::Signed(_) = service.auth {
                set.skipped.insert(
                    name.clone(),
                    "its requests are signed: the generic mock verifies no signatures".into(),
                );
                continue;
            }
            if let Some(why) = foreign_token_endpoint(&service.auth) {
                set.skipped.insert(name.clone(), why);
                continue;
            }
            let f = fault
                .clone()
                .filter(|_| fault_service.as_deref() == Some(name.as_str()));
            set.mocks.insert(
                name.clone(),
                GenericMock::new(specs, name, seed.clone(), f)?,
            );
        }
        // A fault in a service this set does not serve would change nothing: a run with it on
        // must not pass as if it had been checked.
        if let (Some(f), Some(s)) = (&fault, &fault_service)
            && !set.mocks.contains_key(s)
        {
            return Err(GenericError::UnknownFault {
                service: s.clone(),
                name: f.name(),
            });
        }
        Ok(set)
    }

    /// The services served.
    pub fn services(&self) -> BTreeSet<String> {
        self.mocks.keys().cloned().collect()
    }

    /// Services left out, with the reason.
    pub fn skipped(&self) -> &BTreeMap<String, String> {
        &self.skipped
    }

    /// One service's mock.
    pub fn mock(&self, service: &str) -> Option<&GenericMock> {
        self.mocks.get(service)
    }

    /// Fixture values: service → fixture → values.
    pub fn fixtures(&self) -> BTreeMap<String, BTreeMap<String, Values>> {
        self.mocks
            .iter()
            .map(|(s, m)| (s.clone(), m.fixtures().clone()))
            .collect()
    }

    /// Credential values: service → role → values.
    pub fn credentials(&self) -> BTreeMap<String, BTreeMap<String, Values>> {
        self.mocks
            .iter()
            .map(|(s, m)| (s.clone(), m.credentials().clone()))
            .collect()
    }

    /// A fresh instance of `service` on a free loopback port (tokens any instance of the
    /// service issued open it).
    ///
    /// # Errors
    /// [`GenericError::UnknownService`] for a service not served; an I/O error as
    /// [`GenericError::Start`] when no port can be bound.
    pub async fn fresh(&self, service: &str) -> Result<GenericServer, GenericError> {
        let m = self
            .mocks
            .get(service)
            .ok_or_else(|| GenericError::UnknownService(service.to_string()))?;
        m.start(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .map_err(|e| GenericError::Start {
                service: service.to_string(),
                message: e.to_string(),
            })
    }

    /// Every derived fault of the services served, in service and spec order.
    pub fn catalogue(&self, specs: &SpecSet) -> Vec<GenericFault> {
        self.mocks
            .keys()
            .flat_map(|s| GenericFault::catalogue(specs, s))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_endpoint_on_another_host_is_not_stood_in_for() {
        let scheme =
            |v: serde_json::Value| -> AuthScheme { serde_json::from_value(v).expect("scheme") };
        let why = foreign_token_endpoint(&scheme(serde_json::json!({
            "scheme": "oauth2_client_credentials", "token_url": "https://idp.example/token"
        })))
        .expect("refused");
        assert!(why.contains("https://idp.example/token"), "{why}");
        assert!(
            foreign_token_endpoint(&scheme(serde_json::json!({
                "scheme": "oauth2_client_credentials", "token_path": "/oauth/token"
            })))
            .is_none()
        );
        assert!(foreign_token_endpoint(&scheme(serde_json::json!({"scheme": "bearer"}))).is_none());
    }

    #[test]
    fn a_seed_naming_a_service_the_specs_lack_is_refused() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let pets = crate::contract::load(&root.join("examples/petstore/specs"))
            .expect("specs")
            .specs;
        let seed = GenericSeed::parse("petz:\n  fixtures: {}\n", "seed.yaml").expect("seed");
        let e = GenericSet::new(&pets, &[], &seed, None).expect_err("petz is no service");
        assert!(e.to_string().contains("`petz`"), "{e}");
    }

    #[test]
    fn signed_and_hand_written_services_are_left_out() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let specs = crate::contract::load(&root.join("specs"))
            .expect("specs")
            .specs;
        let set =
            GenericSet::new(&specs, &["oneaccess"], &GenericSeed::default(), None).expect("set");
        assert_eq!(set.services(), BTreeSet::from(["dataarts".to_string()]));
        assert!(set.skipped()["enos"].contains("signed"));
        assert!(set.fixtures()["dataarts"].contains_key("workspace_with_members"));
        assert!(set.credentials()["dataarts"].contains_key("expired"));
        let pets = crate::contract::load(&root.join("examples/petstore/specs"))
            .expect("specs")
            .specs;
        let all = GenericSet::new(&pets, &[], &GenericSeed::default(), None).expect("set");
        assert_eq!(
            all.catalogue(&pets).len(),
            GenericFault::catalogue(&pets, "pets").len()
                + GenericFault::catalogue(&pets, "store").len()
        );
        let fault = GenericFault::catalogue(&pets, "store").remove(0);
        let with =
            GenericSet::new(&pets, &[], &GenericSeed::default(), Some(fault.clone())).expect("set");
        assert_eq!(with.mock("store").and_then(|m| m.fault()), Some(&fault));
        assert_eq!(with.mock("pets").and_then(|m| m.fault()), None);
    }
}
