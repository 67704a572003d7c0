//! What running a case gives: the exchanges it made and its verdict (a pass, the violations
//! with the exchange that showed them, or a harness error), typed until a reporter renders it.

use super::error::HarnessError;
use super::request::Prepared;
use crate::check::{Failure, Observed};
use crate::generate::Expect;

/// One request and its response.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// Base URL it went to.
    pub base: String,
    /// The request as sent.
    pub request: Prepared,
    /// The response.
    pub response: Observed,
    /// What was expected.
    pub expect: Expect,
    /// Operation id.
    pub op: String,
}

/// A failed property: the minimal input after shrinking, and how to reproduce it.
#[derive(Debug, Clone)]
pub struct PropertyFailure {
    /// The minimal input.
    pub input: String,
    /// The run's seed.
    pub seed: u64,
    /// Inputs per property.
    pub cases: u32,
    /// What the re-check of the minimal input found.
    pub recheck: String,
    /// Inputs tried while shrinking.
    pub shrink_steps: u32,
    /// Why shrinking stopped before it could simplify further, if it did (the budget).
    pub shrink_stopped: Option<String>,
}

/// How a case ended.
#[derive(Debug)]
pub enum Verdict {
    /// Every promise kept.
    Passed,
    /// The server broke a promise.
    Failed {
        /// The violations.
        failures: Vec<Failure>,
        /// The exchange that showed them.
        exchange: Option<Box<Exchange>>,
        /// For sequences: which step (1-based) of how many.
        step: Option<(usize, usize)>,
        /// For properties.
        property: Option<PropertyFailure>,
    },
    /// The harness could not check (not a verdict on the server).
    Error(HarnessError),
    /// The case could not start: its fixture could not be provisioned, a reset failed, the
    /// run's deadline passed (a harness error, never a pass).
    NotRun(HarnessError),
}

/// A case's result.
#[derive(Debug)]
pub struct Outcome {
    /// The verdict.
    pub verdict: Verdict,
    /// Exchanges of documented cases, for snapshots and coverage.
    pub exchanges: Vec<Exchange>,
}

pub(crate) fn error(e: HarnessError) -> Outcome {
    Outcome {
        verdict: Verdict::Error(e),
        exchanges: Vec::new(),
    }
}

pub(crate) fn finish(
    exchanges: Vec<Exchange>,
    failures: Vec<Failure>,
    step: Option<(usize, usize)>,
) -> Outcome {
    let verdict = if failures.is_empty() {
        Verdict::Passed
    } else {
        Verdict::Failed {
            failures,
            exchange: exchanges.last().cloned().map(Box::new),
            step,
            property: None,
        }
    };
    Outcome { verdict, exchanges }
}
