//! Why a generic mock cannot be built or its seed read.

/// A generic mock that cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum GenericError {
    /// The spec set has no such service.
    #[error("no service `{0}` in the specs")]
    UnknownService(String),
    /// The service signs its requests: only a hand-written vendor mock verifies signatures.
    #[error(
        "service `{service}` uses the `signed` auth scheme (signer {signer}): the generic mock does not verify request signatures; the hand-written vendor mock serves it"
    )]
    Signed {
        /// Service.
        service: String,
        /// The signer's name.
        signer: String,
    },
    /// The seed file is not readable or not a generic seed.
    #[error("generic seed {path}: {message}")]
    Seed {
        /// Path or name.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A fault name the service's catalogue does not list.
    #[error(
        "service `{service}` has no derived fault `{name}` (see `contract-harness mock --specs DIR --list-faults`)"
    )]
    UnknownFault {
        /// Service.
        service: String,
        /// The name asked for.
        name: String,
    },
    /// An instance could not start.
    #[error("cannot start the generic mock of `{service}`: {message}")]
    Start {
        /// Service.
        service: String,
        /// The cause.
        message: String,
    },
}
