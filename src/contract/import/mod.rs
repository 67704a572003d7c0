//! `import openapi`: an OpenAPI 3.0 or 3.1 document to a service directory of specs, with
//! what OpenAPI cannot say (triggers, fixtures) left as TODO.

pub mod document;
pub mod emit_yaml;
pub mod error;
pub mod errors;
pub mod operation;
pub mod security;
pub mod service;
pub mod write;

pub use document::{Document, Note};
pub use error::ImportError;
pub use service::{Imported, Options, import};
pub use write::write;
