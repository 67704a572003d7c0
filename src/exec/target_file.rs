//! The target file (YAML) of a live server: base URLs, pacing, fixture values and pools,
//! the fixtures destructive cases may touch, and the environment variables that hold each
//! credential. It names variables, never secrets.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;

use serde_saphyr::Spanned;

use super::error::HarnessError;
use super::provision_file::{Provision, ResetSpec};
use super::values::Values;

/// A target file (YAML). It names environment variables, never secrets.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetFile {
    /// Target name (snapshots go to `snapshots/<name>/`); the file's own name when absent.
    #[serde(default)]
    pub name: Option<String>,
    /// Base URL for all services (`CONTRACT_BASE_URL` overrides).
    #[serde(default)]
    pub base_url: Option<String>,
    /// Base URL per service.
    #[serde(default)]
    pub base_urls: BTreeMap<String, String>,
    /// Token endpoints' base URL per service, where they are on another host.
    #[serde(default)]
    pub auth_urls: BTreeMap<String, String>,
    /// Per-request timeout.
    #[serde(default)]
    pub timeout_seconds: Option<f64>,
    /// Requests in flight at most.
    #[serde(default)]
    pub concurrency: Option<usize>,
    /// Requests per second at most.
    #[serde(default)]
    pub rate_limit_per_second: Option<f64>,
    /// Fixture values: service → fixture → values, or a list of value sets (a pool: each
    /// destructive case consumes its own entry).
    #[serde(default)]
    pub fixtures: BTreeMap<String, BTreeMap<String, FixtureEntry>>,
    /// Fixtures that destructive cases may consume: service → names.
    #[serde(default)]
    pub destructive_fixtures: BTreeMap<String, BTreeSet<String>>,
    /// Credentials: service → role → value name → environment variable name (each role with
    /// its position, for the check against the service's auth scheme).
    #[serde(default)]
    pub credentials: BTreeMap<String, BTreeMap<String, Spanned<Values>>>,
    /// Fresh entries per case: service → fixture → requests or command, and teardown.
    #[serde(default)]
    pub provision: BTreeMap<String, BTreeMap<String, Spanned<Provision>>>,
    /// A request or command that restores a known state before each consuming case.
    #[serde(default)]
    pub reset: Option<Spanned<ResetSpec>>,
    /// Failed teardowns tolerated before provisioning stops (default 3).
    #[serde(default)]
    pub max_failed_teardowns: Option<usize>,
}

/// One value set, or a pool of them (a mapping or a list of mappings).
#[derive(Debug)]
pub enum FixtureEntry {
    /// A single value set.
    One(Values),
    /// Several interchangeable value sets.
    Pool(Vec<Values>),
}

impl<'de> Deserialize<'de> for FixtureEntry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
        struct Entry;
        impl<'de> serde::de::Visitor<'de> for Entry {
            type Value = FixtureEntry;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(
                    "a fixture's values (a mapping of names to values) or a pool of them (a list of such mappings)",
                )
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                m: A,
            ) -> Result<FixtureEntry, A::Error> {
                Values::deserialize(MapAccessDeserializer::new(m)).map(FixtureEntry::One)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                s: A,
            ) -> Result<FixtureEntry, A::Error> {
                Vec::<Values>::deserialize(SeqAccessDeserializer::new(s)).map(FixtureEntry::Pool)
            }
        }
        d.deserialize_any(Entry)
    }
}

impl FixtureEntry {
    /// The value names its entries give.
    pub fn keys(&self) -> Vec<String> {
        match self {
            FixtureEntry::One(v) => v.keys().cloned().collect(),
            FixtureEntry::Pool(p) => p.iter().flat_map(|v| v.keys().cloned()).collect(),
        }
    }

    /// The entries of the pool (one for a single value set).
    pub fn into_pool(self) -> Vec<Values> {
        match self {
            FixtureEntry::One(v) => vec![v],
            FixtureEntry::Pool(p) => p,
        }
    }
}

impl TargetFile {
    /// Reads and parses a target file (its provisioning is checked by
    /// `provision_check::read`, which the target uses).
    ///
    /// # Errors
    /// [`HarnessError::TargetFile`] with the parser's position when it cannot be read or parsed.
    pub fn read(path: &Path) -> Result<Self, HarnessError> {
        let error = |message: String| HarnessError::TargetFile {
            path: path.display().to_string(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| error(e.to_string()))?;
        let tf: Self = serde_saphyr::from_str_with_options(&text, crate::contract::yaml::options())
            .map_err(|e| error(e.to_string()))?;
        Ok(tf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_entries_and_pools_parse() {
        let dir = std::env::temp_dir().join(format!("ch-target-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("t.yaml");
        std::fs::write(
            &path,
            "name: s\nfixtures:\n  svc:\n    one: { a: x }\n    pool: [{ a: y }, { a: z }]\n",
        )
        .expect("write");
        let tf = TargetFile::read(&path).expect("parses");
        let svc = tf.fixtures.into_iter().next().expect("svc").1;
        let sizes: Vec<usize> = svc.into_values().map(|e| e.into_pool().len()).collect();
        assert_eq!(sizes, vec![1, 2]);
    }

    #[test]
    fn unknown_keys_are_refused_with_a_position() {
        let dir = std::env::temp_dir().join(format!("ch-target-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("t.yaml");
        std::fs::write(&path, "name: s\nbase_ulr: http://x\n").expect("write");
        let e = TargetFile::read(&path).expect_err("typo").to_string();
        assert!(e.contains("base_ulr") && e.contains("t.yaml"), "{e}");
    }

    #[test]
    fn an_entry_that_is_neither_values_nor_a_pool_names_both() {
        let parse = |t: &str| {
            serde_saphyr::from_str_with_options::<FixtureEntry>(t, crate::contract::yaml::options())
                .map_err(|e| e.to_string())
        };
        assert!(matches!(parse("{ a: x }"), Ok(FixtureEntry::One(v)) if v["a"] == "x"));
        assert!(matches!(parse("[{ a: x }, { a: y }]"), Ok(FixtureEntry::Pool(p)) if p.len() == 2));
        let e = parse("just-a-string").expect_err("neither");
        assert!(
            e.contains("a fixture's values") && e.contains("a pool of them"),
            "{e}"
        );
    }
}
