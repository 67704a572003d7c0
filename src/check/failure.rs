//! A contract violation: which rule, where the spec makes the promise, expected and actual.

use std::fmt;

/// A violation of a documented promise by the server under test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The check that failed (`status_code`, `error_code`, ...).
    pub rule: &'static str,
    /// `file:line:column` of the promise.
    pub spec_at: String,
    /// What the spec promises.
    pub expected: String,
    /// What came back.
    pub actual: String,
}

impl Failure {
    /// A failure of `rule` at `spec_at`.
    pub fn new(
        rule: &'static str,
        spec_at: &str,
        expected: impl Into<String>,
        actual: impl Into<String>,
    ) -> Self {
        Self {
            rule,
            spec_at: spec_at.to_string(),
            expected: expected.into(),
            actual: actual.into(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "rule:     {}", self.rule)?;
        writeln!(f, "spec:     {}", self.spec_at)?;
        writeln!(f, "expected: {}", self.expected)?;
        write!(f, "actual:   {}", self.actual)
    }
}
