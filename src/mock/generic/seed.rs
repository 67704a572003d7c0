//! The generic mock's seed: the values of each fixture and the credential values of each role,
//! per service. Read from a YAML file of its own (service → `fixtures` and `credentials`), and
//! whatever it leaves out generated deterministically from the spec: `org_id` of fixture
//! `org_leaf` is `org-leaf-1`, a bearer token is 32 hex digits derived from service and role.
//!
//! ```yaml
//! pets:
//!   fixtures:
//!     pet: { pet_id: rex }
//!   credentials:
//!     default: { token: my-local-token }
//!     expired: { token: an-old-token }     # token-issuing schemes: a token the mock knows as expired
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::error::GenericError;
use crate::contract::auth::AuthScheme;
use crate::contract::{Operation, Service, SpecSet};
use crate::exec::values::Values;

/// The role whose credential the mock knows as expired (token-issuing schemes).
pub const EXPIRED_ROLE: &str = "expired";

/// One service's seed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSeed {
    /// Fixture → values.
    #[serde(default)]
    pub fixtures: BTreeMap<String, Values>,
    /// Role → credential values.
    #[serde(default)]
    pub credentials: BTreeMap<String, Values>,
}

/// The seed of every service a generic mock serves.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct GenericSeed {
    /// Service → its seed.
    pub services: BTreeMap<String, ServiceSeed>,
}

impl GenericSeed {
    /// Parses a seed file's text (`name` is used in messages).
    ///
    /// # Errors
    /// [`GenericError::Seed`] with the parser's message.
    pub fn parse(text: &str, name: &str) -> Result<Self, GenericError> {
        serde_saphyr::from_str_with_options(text, crate::contract::yaml::options()).map_err(|e| {
            GenericError::Seed {
                path: name.to_string(),
                message: e.to_string(),
            }
        })
    }

    /// Reads a seed file.
    ///
    /// # Errors
    /// [`GenericError::Seed`] when it cannot be read or parsed.
    pub fn from_file(path: &Path) -> Result<Self, GenericError> {
        let text = std::fs::read_to_string(path).map_err(|e| GenericError::Seed {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Self::parse(&text, &path.display().to_string())
    }

    /// Every fixture and credential of `service` (the services of `specs` that the generic
    /// mock can serve), the values this seed gives and the others generated.
    ///
    /// # Errors
    /// [`GenericError::Seed`] when this seed names a service, fixture, role or value the specs
    /// do not declare (a misspelt name would otherwise be silently ignored).
    pub fn complete(&self, specs: &SpecSet) -> Result<GenericSeed, GenericError> {
        let mut out = GenericSeed::default();
        self.names_only(specs)?;
        for (name, service) in &specs.services {
            if matches!(service.auth, AuthScheme::Signed(_)) {
                continue;
            }
            let given = self.services.get(name).cloned().unwrap_or_default();
            out.services
                .insert(name.clone(), complete_service(specs, service, &given)?);
        }
        Ok(out)
    }

    /// One service's seed, what this one leaves out generated (the seed may name no service the
    /// specs do not declare).
    ///
    /// # Errors
    /// A service, fixture, role or value the specs do not declare.
    pub fn for_service(
        &self,
        specs: &SpecSet,
        service: &Service,
    ) -> Result<ServiceSeed, GenericError> {
        self.names_only(specs)?;
        let given = self
            .services
            .get(&service.name)
            .cloned()
            .unwrap_or_default();
        complete_service(specs, service, &given)
    }

    fn names_only(&self, specs: &SpecSet) -> Result<(), GenericError> {
        match self
            .services
            .keys()
            .find(|n| !specs.services.contains_key(*n))
        {
            Some(name) => Err(seed_error(format!(
                "names service `{name}`, which the specs do not declare"
            ))),
            None => Ok(()),
        }
    }

    /// Fixture values: service → fixture → values (what the harness's target needs).
    pub fn fixtures(&self) -> BTreeMap<String, BTreeMap<String, Values>> {
        self.services
            .iter()
            .map(|(s, seed)| (s.clone(), seed.fixtures.clone()))
            .collect()
    }

    /// Credential values: service → role → values (what the harness's target needs).
    pub fn credentials(&self) -> BTreeMap<String, BTreeMap<String, Values>> {
        self.services
            .iter()
            .map(|(s, seed)| (s.clone(), seed.credentials.clone()))
            .collect()
    }
}

fn seed_error(message: String) -> GenericError {
    GenericError::Seed {
        path: "generic seed".into(),
        message,
    }
}

fn complete_service(
    specs: &SpecSet,
    service: &Service,
    given: &ServiceSeed,
) -> Result<ServiceSeed, GenericError> {
    let s = &service.name;
    for (fixture, values) in &given.fixtures {
        let Some(decl) = service.fixtures.get(fixture) else {
            return Err(seed_error(format!(
                "service `{s}` declares no fixture `{fixture}`"
            )));
        };
        if let Some(v) = values.keys().find(|v| !decl.values.contains(v)) {
            return Err(seed_error(format!(
                "fixture `{s}/{fixture}` declares no value `{v}`"
            )));
        }
    }
    let roles = roles(service);
    for (role, values) in &given.credentials {
        if !roles.contains(role) {
            return Err(seed_error(format!(
                "service `{s}` declares no credential role `{role}`"
            )));
        }
        let allowed = role_values(&service.auth, role);
        if let Some(v) = values
            .keys()
            .find(|v| !allowed.contains(v) && *v != "token")
        {
            return Err(seed_error(format!(
                "role `{s}/{role}`: the {} scheme has no value `{v}`",
                service.auth.name()
            )));
        }
    }
    let ops: Vec<&Operation> = specs
        .operations
        .iter()
        .filter(|o| &o.service == s)
        .collect();
    let mut used: BTreeSet<String> = given
        .fixtures
        .values()
        .flat_map(|v| v.values().cloned())
        .collect();
    let mut fixtures = BTreeMap::new();
    for (fi, (fixture, decl)) in service.fixtures.iter().enumerate() {
        let mut values = given.fixtures.get(fixture).cloned().unwrap_or_default();
        for (vi, name) in decl.values.iter().enumerate() {
            if values.contains_key(name) {
                continue;
            }
            let mut v = generated_value(fixture, name, vi, fi, numeric(&ops, name));
            let base = v.clone();
            let mut n = 2;
            while used.contains(&v) {
                v = format!("{base}-{n}");
                n += 1;
            }
            used.insert(v.clone());
            values.insert(name.clone(), v);
        }
        fixtures.insert(fixture.clone(), values);
    }
    let mut credentials = BTreeMap::new();
    for role in roles {
        let values = match given.credentials.get(&role) {
            Some(v) => v.clone(),
            None => generated_credential(&service.name, &service.auth, &role),
        };
        credentials.insert(role, values);
    }
    Ok(ServiceSeed {
        fixtures,
        credentials,
    })
}

/// The roles of a service: those it declares, and `expired` for token-issuing schemes.
pub fn roles(service: &Service) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = service.credentials.keys().cloned().collect();
    if service.auth.issues_tokens() {
        out.insert(EXPIRED_ROLE.to_string());
    }
    out
}

fn role_values(scheme: &AuthScheme, role: &str) -> Vec<String> {
    if role == EXPIRED_ROLE {
        vec!["token".to_string()]
    } else {
        scheme.values()
    }
}

/// Whether a value's schema (a parameter of that name, or a body property) is a number.
fn numeric(ops: &[&Operation], name: &str) -> bool {
    let is_num = |schema: &serde_json::Value| {
        matches!(
            schema.get("type").and_then(|t| t.as_str()),
            Some("integer" | "number")
        )
    };
    ops.iter().any(|op| {
        op.parameters
            .get(name)
            .and_then(|p| p.schema.as_ref().map(|s| &s.raw))
            .is_some_and(is_num)
            || op
                .request
                .body
                .json()
                .and_then(|b| b.schema.raw.get("properties"))
                .and_then(|p| p.get(name))
                .is_some_and(is_num)
    })
}

/// A value of a fixture: `org_leaf`'s first value `org-leaf-1`, a further `child_org_id`
/// `org-leaf-child-org-1`; a number where the spec's schema wants one.
pub fn generated_value(
    fixture: &str,
    name: &str,
    index: usize,
    fixture_index: usize,
    numeric: bool,
) -> String {
    if numeric {
        return (1000 + fixture_index * 10 + index + 1).to_string();
    }
    let dashed = |s: &str| s.replace('_', "-");
    if index == 0 {
        format!("{}-1", dashed(fixture))
    } else {
        let stem = name.strip_suffix("_id").unwrap_or(name);
        format!("{}-{}-1", dashed(fixture), dashed(stem))
    }
}

/// 32 lowercase hex digits derived from the parts (stable across runs and machines).
pub fn derived_hex(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    hex::encode(h.finalize())[..32].to_string()
}

/// The credential values the mock makes up for a role, per the scheme's values.
pub fn generated_credential(service: &str, scheme: &AuthScheme, role: &str) -> Values {
    let hex = |what: &str| derived_hex(&["generic-mock", service, role, what]);
    let mut v = Values::new();
    if role == EXPIRED_ROLE {
        v.insert("token".into(), format!("expired-{}", hex("token")));
        return v;
    }
    match scheme {
        AuthScheme::Bearer => {
            v.insert("token".into(), hex("token"));
        }
        AuthScheme::ApiKey { .. } => {
            v.insert("key".into(), format!("key-{}", hex("key")));
        }
        AuthScheme::Basic => {
            v.insert("username".into(), format!("{service}-{role}"));
            v.insert("password".into(), format!("pw-{}", &hex("password")[..20]));
        }
        AuthScheme::Oauth2ClientCredentials(_) => {
            v.insert("client_id".into(), format!("{service}-{role}-client"));
            v.insert("client_secret".into(), hex("client_secret"));
        }
        AuthScheme::TokenRequest(t) => {
            for name in &t.values {
                let value = if t.secrets.contains(name) {
                    hex(name)[..24].to_string()
                } else {
                    format!("{service}-{role}-{}", name.replace('_', "-"))
                };
                v.insert(name.clone(), value);
            }
        }
        AuthScheme::Signed(_) => {
            for name in scheme.values() {
                v.insert(name.clone(), hex(&name));
            }
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_values_follow_the_fixture_name() {
        assert_eq!(
            generated_value("org_leaf", "org_id", 0, 0, false),
            "org-leaf-1"
        );
        assert_eq!(
            generated_value("org_with_children", "child_org_id", 1, 3, false),
            "org-with-children-child-org-1"
        );
        assert_eq!(generated_value("pet", "pet_id", 0, 2, true), "1021");
    }

    #[test]
    fn credentials_follow_the_scheme_and_are_stable() {
        let bearer = generated_credential("pets", &AuthScheme::Bearer, "default");
        assert_eq!(bearer.keys().collect::<Vec<_>>(), ["token"]);
        assert_eq!(bearer["token"].len(), 32);
        assert_eq!(
            bearer,
            generated_credential("pets", &AuthScheme::Bearer, "default")
        );
        assert_ne!(
            bearer,
            generated_credential("pets", &AuthScheme::Bearer, "read_only")
        );
        let basic = generated_credential("s", &AuthScheme::Basic, "default");
        assert_eq!(basic["username"], "s-default");
        assert!(basic["password"].starts_with("pw-"));
        let expired = generated_credential("pets", &AuthScheme::Bearer, EXPIRED_ROLE);
        assert!(expired["token"].starts_with("expired-"));
    }

    #[test]
    fn seed_files_read_and_misspelt_names_are_refused() {
        let seed = GenericSeed::parse(
            "pets:\n  fixtures:\n    pet: { pet_id: rex }\n  credentials:\n    default: { token: t }\n",
            "s.yaml",
        )
        .expect("seed");
        assert_eq!(seed.services["pets"].fixtures["pet"]["pet_id"], "rex");
        assert!(GenericSeed::parse("pets: { fixturez: {} }", "s.yaml").is_err());
    }
}
