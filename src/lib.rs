//! contract-harness: checks that an HTTP API still keeps the promises its reference pages make.
//!
//! The pipeline runs one way: [`contract`] (YAML contracts) → generated cases → execution →
//! checks → reporting. The [`mock`] server stands beside it: a stateful implementation of the
//! documented behaviour, used as the default target and as a standalone mock.

pub(crate) mod check;
pub mod contract;
pub mod exec;
pub mod generate;
pub mod harness;
pub mod mock;
pub mod mutants;
pub mod report;
pub mod secret_forms;
pub(crate) mod secrets;
pub mod settings;
pub(crate) mod suite;
