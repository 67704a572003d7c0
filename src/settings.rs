//! The run's settings, read once at start from the environment (`CONTRACT_*`) and validated:
//! a typo is one clear error before any case runs, naming each variable, what it must be and
//! what it holds (a URL's credentials never shown), instead of one "request failed" per case
//! or a silent fallback to a default (a reproduce line that runs another seed).

use std::path::PathBuf;
use std::time::Duration;

/// Settings of a run, each validated. `None`: the variable is unset (or empty) and the
/// default of the part that uses it applies.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    /// `CONTRACT_BASE_URL`: the live target's base URL (http or https, with a host), without
    /// a trailing slash.
    pub base_url: Option<String>,
    /// `CONTRACT_TARGET`: the target file.
    pub target_file: Option<PathBuf>,
    /// `CONTRACT_MOCK_FAULT`: a fault switched on in the embedded mock.
    pub mock_fault: Option<String>,
    /// `CONTRACT_TIMEOUT_SECONDS`: per-request timeout.
    pub timeout: Option<Duration>,
    /// `CONTRACT_CONCURRENCY`: requests in flight at most.
    pub concurrency: Option<usize>,
    /// `CONTRACT_RATE_LIMIT`: requests per second at most.
    pub rate_limit: Option<f64>,
    /// `CONTRACT_PROXY`: the proxy for the harness's requests (http or https URL).
    pub proxy: Option<String>,
    /// `CONTRACT_PROPTEST_CASES`: inputs per property.
    pub proptest_cases: Option<u32>,
    /// `CONTRACT_SEED`: the run's seed (decimal, or hexadecimal with `0x`).
    pub seed: Option<u64>,
    /// `CONTRACT_SHRINK_SECONDS`: time a property case may spend shrinking.
    pub shrink: Option<Duration>,
    /// `CONTRACT_DEADLINE_SECONDS`: the whole run's deadline.
    pub deadline: Option<Duration>,
}

/// One setting with an unusable value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The variable.
    pub var: &'static str,
    /// What it must be.
    pub expected: &'static str,
    /// What it holds (a URL's user and password removed).
    pub got: String,
}

/// Every setting with an unusable value, reported together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", render(.0))]
pub struct SettingsError(pub Vec<Problem>);

fn render(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("{} must be {}, not `{}`", p.var, p.expected, p.got))
        .collect::<Vec<_>>()
        .join("\nerror: ")
}

const POSITIVE_SECONDS: &str = "a positive number of seconds";

/// Reads variables and collects the problems.
struct Reader<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
    problems: Vec<Problem>,
}

impl Reader<'_> {
    /// A set, non-blank variable, trimmed.
    fn raw(&self, var: &str) -> Option<String> {
        (self.lookup)(var)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }

    fn parse<T>(
        &mut self,
        var: &'static str,
        expected: &'static str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        let raw = self.raw(var)?;
        let parsed = parse(&raw);
        if parsed.is_none() {
            self.problems.push(Problem {
                var,
                expected,
                got: crate::secrets::without_userinfo(&raw),
            });
        }
        parsed
    }

    fn seconds(&mut self, var: &'static str) -> Option<Duration> {
        self.parse(var, POSITIVE_SECONDS, |v| {
            v.parse::<f64>()
                .ok()
                .filter(|f| f.is_finite() && *f > 0.0)
                .and_then(|f| Duration::try_from_secs_f64(f).ok())
                .filter(|d| !d.is_zero())
        })
    }

    fn url(&mut self, var: &'static str, expected: &'static str) -> Option<String> {
        self.parse(var, expected, |v| {
            reqwest::Url::parse(v)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
                .filter(|u| u.query().is_none() && u.fragment().is_none())
                .map(|_| v.trim_end_matches('/').to_string())
        })
    }
}

/// A seed as a user writes it: decimal, or hexadecimal after `0x`.
pub fn parse_seed(v: &str) -> Option<u64> {
    match v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => v.parse().ok(),
    }
}

impl Settings {
    /// The settings of this process's environment.
    ///
    /// # Errors
    /// [`SettingsError`] listing every unusable value.
    pub fn from_env() -> Result<Self, SettingsError> {
        Self::from_lookup(&|k| std::env::var(k).ok())
    }

    /// The settings `lookup` gives (the environment, or a test's map).
    ///
    /// # Errors
    /// [`SettingsError`] listing every unusable value.
    pub fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let mut r = Reader {
            lookup,
            problems: Vec::new(),
        };
        let settings = Settings {
            base_url: r.url(
                "CONTRACT_BASE_URL",
                "an http:// or https:// URL with a host (and no query or fragment)",
            ),
            target_file: r.raw("CONTRACT_TARGET").map(PathBuf::from),
            mock_fault: r.raw("CONTRACT_MOCK_FAULT"),
            timeout: r.seconds("CONTRACT_TIMEOUT_SECONDS"),
            concurrency: r.parse(
                "CONTRACT_CONCURRENCY",
                "a whole number of at least 1",
                |v| v.parse::<usize>().ok().filter(|c| *c >= 1),
            ),
            rate_limit: r.parse(
                "CONTRACT_RATE_LIMIT",
                "requests per second between 0.001 and 1000000",
                |v| {
                    v.parse::<f64>()
                        .ok()
                        .filter(|f| f.is_finite() && (0.001..=1_000_000.0).contains(f))
                },
            ),
            proxy: r.url("CONTRACT_PROXY", "an http:// or https:// proxy URL"),
            proptest_cases: r.parse(
                "CONTRACT_PROPTEST_CASES",
                "a whole number of inputs per property, at least 1",
                |v| v.parse::<u32>().ok().filter(|c| *c >= 1),
            ),
            seed: r.parse(
                "CONTRACT_SEED",
                "a seed as the reproduce lines print it (decimal, or hexadecimal after 0x, at most 64 bits)",
                parse_seed,
            ),
            shrink: r.seconds("CONTRACT_SHRINK_SECONDS"),
            deadline: r.seconds("CONTRACT_DEADLINE_SECONDS"),
        };
        if r.problems.is_empty() {
            Ok(settings)
        } else {
            Err(SettingsError(r.problems))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn with(vars: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(&move |k| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()))
    }

    #[test]
    fn nothing_set_is_every_default() {
        assert_eq!(with(&[]), Ok(Settings::default()));
        assert_eq!(with(&[("CONTRACT_SEED", "  ")]), Ok(Settings::default()));
    }

    #[test]
    fn good_values_are_parsed_once() {
        let s = with(&[
            ("CONTRACT_BASE_URL", "https://staging.example.com/api/"),
            ("CONTRACT_SEED", "0xC0FFEE"),
            ("CONTRACT_PROPTEST_CASES", "64"),
            ("CONTRACT_TIMEOUT_SECONDS", "2.5"),
            ("CONTRACT_CONCURRENCY", "4"),
        ])
        .expect("valid");
        assert_eq!(
            s.base_url.as_deref(),
            Some("https://staging.example.com/api")
        );
        assert_eq!(s.seed, Some(0x00C0_FFEE));
        assert_eq!(s.proptest_cases, Some(64));
        assert_eq!(s.timeout, Some(Duration::from_millis(2500)));
        assert_eq!(s.concurrency, Some(4));
        assert_eq!(with(&[("CONTRACT_SEED", "12")]).expect("ok").seed, Some(12));
    }

    #[test]
    fn every_bad_value_is_named_with_what_it_must_be() {
        let e = with(&[
            ("CONTRACT_SEED", "0xZZ"),
            ("CONTRACT_BASE_URL", "htps//user:hunter2@staging"),
            ("CONTRACT_PROPTEST_CASES", "many"),
            ("CONTRACT_DEADLINE_SECONDS", "-1"),
        ])
        .expect_err("invalid");
        let vars: Vec<&str> = e.0.iter().map(|p| p.var).collect();
        assert_eq!(
            vars,
            [
                "CONTRACT_BASE_URL",
                "CONTRACT_PROPTEST_CASES",
                "CONTRACT_SEED",
                "CONTRACT_DEADLINE_SECONDS"
            ]
        );
        let text = e.to_string();
        assert!(text.contains("CONTRACT_SEED must be a seed as the reproduce lines print it"));
        assert!(text.contains("not `0xZZ`"));
        assert!(
            with(&[("CONTRACT_BASE_URL", "ftp://staging.example.com")]).is_err(),
            "not http"
        );
        assert!(with(&[("CONTRACT_BASE_URL", "https://x.example/?a=1")]).is_err());
    }

    #[test]
    fn a_base_url_with_credentials_is_never_echoed() {
        let e = with(&[("CONTRACT_BASE_URL", "https://ci:hunter2@/nohost")]).expect_err("no host");
        assert!(!e.to_string().contains("hunter2"), "{e}");
    }

    proptest! {
        #[test]
        fn any_seed_the_reproduce_lines_print_reads_back(seed in any::<u64>()) {
            prop_assert_eq!(parse_seed(&format!("{seed:#x}")), Some(seed));
            prop_assert_eq!(parse_seed(&seed.to_string()), Some(seed));
        }

        #[test]
        fn arbitrary_text_is_a_value_or_a_named_problem_never_a_panic(v in ".{0,40}") {
            for var in ["CONTRACT_SEED", "CONTRACT_BASE_URL", "CONTRACT_CONCURRENCY", "CONTRACT_SHRINK_SECONDS", "CONTRACT_RATE_LIMIT"] {
                match with(&[(var, v.as_str())]) {
                    Ok(_) => {}
                    Err(e) => prop_assert!(e.0.len() == 1 && e.0[0].var == var),
                }
            }
        }
    }
}
