//! Why a fixture entry could not be provisioned or torn down, or the server not reset: always
//! a harness error (never a verdict on the server), naming the target file's `file:line:column`,
//! the request as curl (secrets redacted) and the response.

use super::command::CommandError;
use super::ledger::LedgerError;
use super::template::Unknown;

/// A request as curl (secrets redacted) and its answer.
#[derive(Debug, Clone)]
pub struct Shown {
    /// The request as curl, redacted.
    pub curl: String,
    /// The answer's status.
    pub status: u16,
    /// The answer's body, redacted and cut.
    pub body: String,
}

impl std::fmt::Display for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "  request:\n    {}\n  response:\n    HTTP {}\n    {}",
            self.curl, self.status, self.body
        )
    }
}

/// Something went wrong while preparing or cleaning up a case's fixtures.
#[derive(Debug, thiserror::Error)]
pub enum ProvisionError {
    /// A request answered another status than the target file expects.
    #[error("{what} failed at {at}: expected status {expected}, got {}\n{exchange}", exchange.status)]
    Status {
        /// `provisioning pets/pet, request 1`.
        what: String,
        /// `file:line:column` of the request in the target file.
        at: String,
        /// Expected statuses.
        expected: String,
        /// The request and the answer.
        exchange: Box<Shown>,
    },
    /// A request got no answer.
    #[error("{what} failed at {at}: {message}\n  request:\n    {curl}")]
    Transport {
        /// What was being done.
        what: String,
        /// Position in the target file.
        at: String,
        /// What happened.
        message: String,
        /// The request as curl, redacted.
        curl: String,
    },
    /// A capture found nothing usable in the response.
    #[error(
        "{what} failed at {at}: capture `{name}` ({source_ref}) found no string or number in the response\n{exchange}"
    )]
    Capture {
        /// What was being done.
        what: String,
        /// Position in the target file.
        at: String,
        /// The value's name.
        name: String,
        /// The pointer or `header:Name`.
        source_ref: String,
        /// The request and the answer.
        exchange: Box<Shown>,
    },
    /// A template names nothing.
    #[error("{what} failed at {at}: {source}")]
    Template {
        /// What was being done.
        what: String,
        /// Position in the target file.
        at: String,
        /// The unknown name.
        source: Unknown,
    },
    /// A command failed, ran too long or printed no JSON object of values.
    #[error("{what} failed at {at}: `{command}` {message}")]
    Command {
        /// What was being done.
        what: String,
        /// Position in the target file.
        at: String,
        /// The command line (redacted).
        command: String,
        /// What went wrong, with its output.
        message: String,
    },
    /// A command could not be run at all.
    #[error("{what} failed at {at}: {source}")]
    Spawn {
        /// What was being done.
        what: String,
        /// Position in the target file.
        at: String,
        /// Why.
        source: CommandError,
    },
    /// The entry lacks values the spec's fixture declares.
    #[error(
        "provisioning {fixture} at {at} gave no {missing} (the spec's fixture declares it; capture it or give it in `fixtures:`)"
    )]
    Lacks {
        /// `service/fixture`.
        fixture: String,
        /// Position in the target file.
        at: String,
        /// The missing names.
        missing: String,
    },
    /// Too many teardowns failed: provisioning stopped.
    #[error(
        "not provisioned: {failed} teardowns failed (more than max_failed_teardowns: {max}), so provisioning stopped; see the failed teardowns at the end of the run"
    )]
    Halted {
        /// Failed teardowns so far.
        failed: usize,
        /// The configured limit.
        max: usize,
    },
    /// The ledger could not record an entry (it was torn down again at once).
    #[error("provisioning {fixture}: {source}")]
    Ledger {
        /// `service/fixture`.
        fixture: String,
        /// Why.
        source: LedgerError,
    },
    /// The entry shared by the cases that consume nothing could not be made (its failure,
    /// reported by every case that needs it).
    #[error("{0}")]
    Shared(String),
    /// Something else kept the harness from provisioning (a credential, an unknown service).
    #[error("{what} at {at}: {message}")]
    Other {
        /// What was being done.
        what: String,
        /// Position in the target file.
        at: String,
        /// What went wrong.
        message: String,
    },
}

/// A teardown that failed: reported at the end of the run (stderr, JUnit, Markdown) and left
/// in the ledger for `contract-harness cleanup`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeardownFailure {
    /// Service of the fixture.
    pub service: String,
    /// Fixture name.
    pub fixture: String,
    /// Ledger entry id.
    pub entry: String,
    /// What failed, with the request as curl and the response (secrets redacted).
    pub message: String,
}

impl std::fmt::Display for TeardownFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
