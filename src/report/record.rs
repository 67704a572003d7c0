//! What the reporters see of a finished case: the reporter never reaches back into execution.

use std::time::Duration;

use super::snapshot_file::SnapshotOutcome;
use crate::generate::{CaseId, Promise};

/// How a case ended, for reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Kept every promise.
    Passed,
    /// Broke a promise.
    Failed,
    /// The harness could not check.
    Error,
    /// Not run here (with a reason).
    Ignored,
}

/// A finished (or ignored) case.
#[derive(Debug, Clone)]
pub struct Record {
    /// What identifies the case (service, operation, kind, detail).
    pub id: CaseId,
    /// Its name, rendered from `id`.
    pub name: String,
    /// The documented promise it exercised, if a documented case.
    pub promise: Option<Promise>,
    /// Outcome.
    pub status: Status,
    /// Failure text or ignore reason (already redacted).
    pub message: Option<String>,
    /// For a passed case, a snapshot it recorded or updated (the reader should read it).
    pub snapshot: Option<SnapshotOutcome>,
    /// Time taken.
    pub duration: Duration,
}

/// A harness error of the run itself, outside any case (a teardown that failed): reports
/// list it as an error, so a run with one is never shown green.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunError {
    /// What failed (`teardown of pets/pet`).
    pub name: String,
    /// Why, with the request as curl and the response (already redacted).
    pub message: String,
}
