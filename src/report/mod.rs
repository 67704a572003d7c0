//! Reporting: failure text with curl reproduction, snapshots, coverage, JUnit and Markdown.
//! Reporters see [`record::Record`]s and verdicts; they never reach back into execution.

pub mod coverage;
pub mod curl;
pub mod failure;
pub mod ignored;
pub mod junit;
pub mod markdown;
pub mod record;
pub mod reproduce;
pub mod snapshot;
pub mod snapshot_file;
pub mod snapshot_review;
pub mod summary;

pub use record::{Record, Status};
