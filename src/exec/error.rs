//! Harness errors: a broken setup (unreachable target, missing credential, bad target file),
//! never to be confused with a contract violation of the server under test.

/// Something kept the harness from checking the server.
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    /// The target file cannot be read or parsed.
    #[error("target file {path}: {message}")]
    TargetFile {
        /// Path.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// An entry of the target file is unusable.
    #[error("{at}: {message}")]
    TargetEntry {
        /// `file:line:column`.
        at: String,
        /// What is wrong and what is expected.
        message: String,
    },
    /// A setting (environment variable or target file entry) has an unusable value.
    #[error("{what} must be {expected}")]
    Setting {
        /// Which setting.
        what: String,
        /// What it must be.
        expected: String,
    },
    /// A credential's environment variable is not set.
    #[error("environment variable {var} (credential `{role}` of {service}) is not set")]
    MissingEnv {
        /// Service.
        service: String,
        /// Role.
        role: String,
        /// Variable name.
        var: String,
    },
    /// The target names no values for a fixture.
    #[error("the target has no fixture `{fixture}` for {service}")]
    MissingFixture {
        /// Service.
        service: String,
        /// Fixture.
        fixture: String,
    },
    /// A fixture of the target lacks a value a request needs.
    #[error("fixture `{fixture}` of {service} on the target gives no value `{value}`")]
    MissingValue {
        /// Service.
        service: String,
        /// Fixture.
        fixture: String,
        /// Value name.
        value: String,
    },
    /// A credential flow failed.
    #[error("obtaining a {service} token for `{role}` failed: {message}")]
    Token {
        /// Service.
        service: String,
        /// Role.
        role: String,
        /// What happened (never the secret).
        message: String,
    },
    /// The request could not be sent or the response not read.
    #[error("request failed: {0}")]
    Transport(String),
    /// A fixture entry could not be provisioned or torn down, or the target not reset.
    #[error(transparent)]
    Provision(#[from] super::provision_error::ProvisionError),
    /// A step of a sequence could not be carried out as the spec writes it (a capture found
    /// nothing in the step's response).
    #[error("{0}")]
    Sequence(String),
    /// The embedded mock could not start.
    #[error("the embedded mock could not start: {0}")]
    Mock(String),
}
