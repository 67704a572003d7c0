//! The suite: cases generated from the specs, the policy of which run on the target, and
//! running each one into a record for the reporters.

mod build;
mod deadline;
mod policy;
mod run_one;

pub use build::Suite;
pub use deadline::Deadline;
pub(crate) use policy::{ignore_reason, selected};
