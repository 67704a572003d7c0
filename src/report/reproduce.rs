//! The "reproduce" line of a failure: the command that was actually run (`cargo test --test
//! contract` or `contract-harness run`), with every setting the case depends on — specs
//! directory, target file, base URL (without userinfo), seed and inputs per property — so that
//! pasting it runs the same case on the same inputs. Secrets are never part of it: credentials
//! come from the variables the target file names, which the reader's environment already holds.

use std::path::{Path, PathBuf};

/// How the suite was started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invocation {
    /// `cargo test --test contract` (the specs directory comes from `CONTRACT_SPECS`).
    CargoTest,
    /// `contract-harness run --specs DIR`.
    Binary,
}

/// What a reproduce line needs to know about this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reproduce {
    invocation: Invocation,
    specs: PathBuf,
    /// `NAME=value` settings of the environment that select the target, in a fixed order.
    settings: Vec<(&'static str, String)>,
}

/// The settings that decide which server and which target file a case runs against.
const TARGET_SETTINGS: [&str; 2] = ["CONTRACT_TARGET", "CONTRACT_BASE_URL"];

impl Reproduce {
    /// From the invocation, the specs directory in use and the environment.
    pub fn from_env(invocation: Invocation, specs: &Path) -> Self {
        Self::from_lookup(invocation, specs, &|k| std::env::var(k).ok())
    }

    /// From the invocation, the specs directory and a lookup of environment variables.
    pub fn from_lookup(
        invocation: Invocation,
        specs: &Path,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Self {
        let settings = TARGET_SETTINGS
            .iter()
            .filter_map(|k| {
                let v = env(k).filter(|v| !v.is_empty())?;
                let v = if *k == "CONTRACT_BASE_URL" {
                    without_userinfo(&v)
                } else {
                    v
                };
                Some((*k, v))
            })
            .collect();
        Self {
            invocation,
            specs: specs.to_path_buf(),
            settings,
        }
    }

    /// The command that reruns `case` alone; `property` is the seed and inputs per property of
    /// a generated-input case.
    pub fn line(&self, case: &str, property: Option<(u64, u32)>) -> String {
        let mut env: Vec<String> = self
            .settings
            .iter()
            .map(|(k, v)| format!("{k}={}", quote(v)))
            .collect();
        if let Some((seed, cases)) = property {
            env.push(format!("CONTRACT_SEED={seed}"));
            env.push(format!("CONTRACT_PROPTEST_CASES={cases}"));
        }
        let specs = self.specs.display().to_string();
        let command = match self.invocation {
            Invocation::CargoTest => {
                if self.specs != Path::new("specs") {
                    env.insert(0, format!("CONTRACT_SPECS={}", quote(&specs)));
                }
                format!("cargo test --test contract -- --exact {}", quote(case))
            }
            Invocation::Binary => format!(
                "contract-harness run --specs {} --exact {}",
                quote(&specs),
                quote(case)
            ),
        };
        env.push(command);
        env.join(" ")
    }
}

/// `url` with any `user:password@` removed (it never belongs in printed text).
fn without_userinfo(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rfind('@') {
        Some(at) => format!("{scheme}://{}{tail}", &authority[at + 1..]),
        None => url.to_string(),
    }
}

/// A shell word: bare when it is plainly safe, single-quoted otherwise.
fn quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=,@%+".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repro(invocation: Invocation, specs: &str, settings: &[(&'static str, &str)]) -> Reproduce {
        Reproduce {
            invocation,
            specs: PathBuf::from(specs),
            settings: settings.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        }
    }

    #[test]
    fn cargo_test_line_names_specs_only_when_not_the_default() {
        let r = repro(Invocation::CargoTest, "specs", &[]);
        assert_eq!(
            r.line("a::b::error::ORG.0001", None),
            "cargo test --test contract -- --exact a::b::error::ORG.0001"
        );
        let r = repro(
            Invocation::CargoTest,
            "my specs",
            &[("CONTRACT_TARGET", "ci/staging.yaml")],
        );
        assert_eq!(
            r.line("a::b::valid::x", Some((7, 32))),
            "CONTRACT_SPECS='my specs' CONTRACT_TARGET=ci/staging.yaml CONTRACT_SEED=7 CONTRACT_PROPTEST_CASES=32 cargo test --test contract -- --exact a::b::valid::x"
        );
    }

    #[test]
    fn binary_line_names_the_binary_and_its_specs() {
        let r = repro(
            Invocation::Binary,
            "api/specs",
            &[("CONTRACT_BASE_URL", "https://staging.example.com")],
        );
        assert_eq!(
            r.line("pets::delete_pet::error::PET.404", None),
            "CONTRACT_BASE_URL=https://staging.example.com contract-harness run --specs api/specs --exact pets::delete_pet::error::PET.404"
        );
    }

    #[test]
    fn userinfo_never_reaches_the_line() {
        assert_eq!(
            without_userinfo("https://u:p%40ss@host:8443/base?q=1"),
            "https://host:8443/base?q=1"
        );
        assert_eq!(without_userinfo("http://host/a@b"), "http://host/a@b");
        assert_eq!(without_userinfo("not a url"), "not a url");
    }

    #[test]
    fn quoting_survives_the_shell() {
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("a b"), "'a b'");
    }
}
