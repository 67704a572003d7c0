//! A contract violation: which rule, where the spec makes the promise, expected and actual.

use std::borrow::Cow;
use std::fmt;

use crate::contract::{Operation, Service};

/// Where a promise is made, rendered as `file:line:column` only when a check fails (the
/// lookup costs more than the check on a passing response).
#[derive(Clone)]
pub enum At<'a> {
    /// A JSON pointer into an operation's spec.
    Op(&'a Operation, Cow<'a, str>),
    /// A JSON pointer into a service file.
    Service(&'a Service, Cow<'a, str>),
}

impl<'a> At<'a> {
    /// A place in an operation's spec.
    pub fn op(op: &'a Operation, pointer: impl Into<Cow<'a, str>>) -> Self {
        At::Op(op, pointer.into())
    }

    /// A place in a service file.
    pub fn service(service: &'a Service, pointer: impl Into<Cow<'a, str>>) -> Self {
        At::Service(service, pointer.into())
    }

    /// `file:line:column`.
    pub fn render(&self) -> String {
        match self {
            At::Op(op, p) => op.locate(p),
            At::Service(s, p) => s.locate(p),
        }
    }
}

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
