//! Why an OpenAPI document could not be imported: each error names the file, and the JSON
//! pointer of the input that is at fault where there is one.

use std::path::PathBuf;

/// An import failure.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The input file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The input is neither JSON nor YAML.
    #[error("{path} is not a JSON or YAML document: {message}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// The parser's message, with its position.
        message: String,
    },
    /// Not an OpenAPI 3.0 or 3.1 document.
    #[error("{path}: `/openapi` is {found}; only OpenAPI 3.0.x and 3.1.x documents are imported")]
    Version {
        /// The file.
        path: PathBuf,
        /// What `/openapi` holds.
        found: String,
    },
    /// A value has the wrong shape.
    #[error("{path}: `{pointer}` {message}")]
    Shape {
        /// The file.
        path: PathBuf,
        /// JSON pointer into the input.
        pointer: String,
        /// What is wrong.
        message: String,
    },
    /// A local `$ref` names nothing in the document.
    #[error("{path}: `{pointer}/$ref` is `{target}`, which names nothing in the document")]
    BrokenRef {
        /// The file.
        path: PathBuf,
        /// JSON pointer of the object holding the `$ref`.
        pointer: String,
        /// The reference.
        target: String,
    },
    /// The service name (from `-s` or the title) is not usable as a service name.
    #[error(
        "service name `{0}` is not a service name (lowercase letter, then lowercase letters, digits, _): give one with -s NAME"
    )]
    ServiceName(String),
    /// Our own export of several services, and no `-s` to say which.
    #[error("{}: the document holds the services {} (x-contract-services); choose one with -s NAME", .path.display(), .names.join(", "))]
    SeveralServices {
        /// The file.
        path: PathBuf,
        /// The services it holds.
        names: Vec<String>,
    },
    /// No operation to import (none at all, or none tagged with the service chosen).
    #[error("{}: no operation to import{}", .path.display(), .service.as_ref().map(|s| format!(" tagged `{s}`")).unwrap_or_default())]
    NoOperations {
        /// The file.
        path: PathBuf,
        /// The service whose tag was looked for (a document with several services).
        service: Option<String>,
    },
    /// An output file exists and `--force` was not given.
    #[error("{} already exists; nothing was written (use --force to overwrite)", .0.display())]
    Exists(PathBuf),
    /// An output file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}
