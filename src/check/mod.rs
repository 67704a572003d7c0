//! Checks on responses, one file per check; each returns typed [`Failure`]s that name the
//! spec location of the promise. [`expectation`] combines them per case.

pub mod content_type;
pub mod envelope;
pub mod error_code;
pub mod error_message;
pub mod expectation;
pub mod failure;
// The table of what licenses each rule: an oracle its tests hold the checks to.
#[cfg(test)]
mod license;
pub mod observed;
pub mod response_schema;
pub mod server_error;
pub mod status_code;

pub use expectation::Promises;
pub use failure::{At, Failure};
pub use observed::Observed;
