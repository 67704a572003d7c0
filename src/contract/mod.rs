//! Specs: the YAML format, its loader with positions, lint rules and the OpenAPI export.

pub mod auth;
pub mod auth_rules;
pub mod diagnostic;
pub mod either;
pub mod examples;
pub mod format;
pub mod import;
pub mod load;
pub mod message;
pub mod model;
pub mod openapi;
pub mod pointer;
pub mod rules;
pub mod schemas;
pub mod source;
pub mod yaml;

pub use diagnostic::{Diagnostic, Severity};
pub use load::{Loaded, SpecError, load};
pub use model::*;
