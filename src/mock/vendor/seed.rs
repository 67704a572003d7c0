//! The mock's seed dataset: the state it starts from, the fixtures that name parts of it, and
//! the credentials that open it. Read from YAML (`mock/seed.yaml` is built in).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

/// The built-in seed.
pub const DEFAULT_SEED: &str = include_str!("../../../mock/seed.yaml");

/// Values by name (`org_id: org-leaf`).
pub type Values = BTreeMap<String, String>;

/// The whole seed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seed {
    /// OneAccess state.
    pub oneaccess: OneAccessSeed,
    /// DataArts state.
    pub dataarts: DataArtsSeed,
    /// EnOS state.
    pub enos: EnosSeed,
    /// Fixture values: service → fixture → values.
    #[serde(default)]
    pub fixtures: BTreeMap<String, BTreeMap<String, Values>>,
    /// Credentials: service → role → values.
    #[serde(default)]
    pub credentials: BTreeMap<String, BTreeMap<String, Values>>,
}

/// Why a seed could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// Unreadable file.
    #[error("cannot read seed {path}: {source}")]
    Io {
        /// Path.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// Not a valid seed.
    #[error("invalid seed {path}: {message}")]
    Invalid {
        /// Path.
        path: String,
        /// Parser message with line and column.
        message: String,
    },
}

impl Seed {
    /// The built-in seed.
    ///
    /// # Panics
    /// Never in a release: the built-in seed is parsed by the test suite.
    pub fn builtin() -> Self {
        Self::parse(DEFAULT_SEED, "mock/seed.yaml").expect("the built-in seed is valid")
    }

    /// Parses seed YAML.
    ///
    /// # Errors
    /// [`SeedError::Invalid`] with the parser's position.
    pub fn parse(text: &str, name: &str) -> Result<Self, SeedError> {
        serde_saphyr::from_str_with_options(text, crate::contract::yaml::options()).map_err(|e| {
            SeedError::Invalid {
                path: name.to_string(),
                message: e.to_string(),
            }
        })
    }

    /// Reads a seed file.
    ///
    /// # Errors
    /// [`SeedError`] when it cannot be read or parsed.
    pub fn from_file(path: &Path) -> Result<Self, SeedError> {
        let text = std::fs::read_to_string(path).map_err(|source| SeedError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text, &path.display().to_string())
    }
}

/// OneAccess seed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OneAccessSeed {
    /// Token lifetime.
    pub token_ttl_seconds: u64,
    /// API clients (applications) and their permission codes.
    pub clients: Vec<OaClient>,
    /// Tokens that are already expired.
    #[serde(default)]
    pub expired_tokens: Vec<ExpiredToken>,
    /// Applications.
    pub applications: Vec<OaApplication>,
    /// Organizations.
    pub organizations: Vec<OaOrganization>,
}

/// A OneAccess API client.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OaClient {
    /// Client id.
    pub client_id: String,
    /// Client secret.
    pub client_secret: String,
    /// Permission codes.
    pub permissions: Vec<String>,
}

/// A token already expired at start.
#[derive(Debug, Clone, Deserialize)]
pub struct ExpiredToken {
    /// The token.
    pub token: String,
    /// Whose (client id, IAM user or app key).
    #[serde(alias = "client_id", alias = "user", alias = "app_key")]
    pub owner: String,
    /// EnOS: the secret (ignored by the mock).
    #[serde(default)]
    pub app_secret: Option<String>,
}

/// An application.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OaApplication {
    /// Application id.
    pub id: String,
    /// Public accounts.
    #[serde(default)]
    pub public_accounts: Vec<OaPublicAccount>,
}

/// A public account and its bound users.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OaPublicAccount {
    /// Account id.
    pub id: String,
    /// Bound user names.
    #[serde(default)]
    pub users: Vec<String>,
}

/// An organization.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OaOrganization {
    /// Organization id.
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Parent organization id.
    #[serde(default)]
    pub parent: Option<String>,
    /// Enabled flag.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// User group ids.
    #[serde(default)]
    pub groups: Vec<String>,
    /// Users.
    #[serde(default)]
    pub users: Vec<OaUser>,
}

/// A user in an organization.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OaUser {
    /// User name.
    pub name: String,
    /// Enabled flag.
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

/// DataArts seed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataArtsSeed {
    /// IAM token lifetime.
    pub token_ttl_seconds: u64,
    /// IAM users.
    pub users: Vec<IamUser>,
    /// Tokens already expired.
    #[serde(default)]
    pub expired_tokens: Vec<ExpiredToken>,
    /// Projects.
    pub projects: Vec<DaProject>,
}

/// An IAM user.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IamUser {
    /// User name.
    pub name: String,
    /// Password.
    pub password: String,
    /// Account (domain) name.
    pub domain: String,
}

/// A project.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DaProject {
    /// Project id.
    pub id: String,
    /// Workspaces.
    pub workspaces: Vec<DaWorkspace>,
}

/// A workspace.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DaWorkspace {
    /// Workspace id.
    pub id: String,
    /// Member user ids.
    pub members: Vec<String>,
}

/// EnOS seed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnosSeed {
    /// Access token lifetime.
    pub token_ttl_seconds: u64,
    /// Registered applications.
    pub apps: Vec<EnosApp>,
    /// Tokens already expired.
    #[serde(default)]
    pub expired_tokens: Vec<ExpiredToken>,
    /// OUs.
    pub ous: Vec<EnosOu>,
    /// Users.
    pub users: Vec<EnosUser>,
}

/// An application key and secret.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnosApp {
    /// Key.
    pub app_key: String,
    /// Secret.
    pub app_secret: String,
}

/// An OU.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnosOu {
    /// OU id.
    pub id: String,
    /// Whether the application may create or delete user accounts in it.
    pub user_permission: bool,
}

/// A user.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnosUser {
    /// User id.
    pub id: String,
    /// OUs the user belongs to.
    pub ous: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_seed_parses_and_names_every_fixture_the_specs_declare() {
        let seed = Seed::builtin();
        let specs = crate::contract::load(Path::new("specs")).expect("specs");
        for (name, service) in &specs.specs.services {
            for (fixture, decl) in &service.fixtures {
                let values = seed
                    .fixtures
                    .get(name)
                    .and_then(|f| f.get(fixture))
                    .unwrap_or_else(|| panic!("seed lacks fixture {name}/{fixture}"));
                for v in &decl.values {
                    assert!(values.contains_key(v), "{name}/{fixture} lacks {v}");
                }
            }
        }
    }

    #[test]
    fn a_broken_seed_is_reported_with_its_position() {
        let e = Seed::parse("oneaccess: [\n", "s.yaml").expect_err("broken");
        assert!(e.to_string().contains("s.yaml"), "{e}");
    }
}
