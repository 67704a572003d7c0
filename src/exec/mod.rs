//! Execution: the shared runtime, the HTTP client, targets (an embedded implementation or a
//! live URL), credential flows, and running a case.

pub mod auth;
pub mod call;
pub mod capture;
pub mod case_setup;
pub mod cleanup;
pub mod client;
pub mod command;
pub mod embedded;
pub mod error;
pub mod ledger;
pub mod outcome;
pub mod property;
pub mod provision;
pub mod provision_check;
pub mod provision_error;
pub mod provision_file;
pub mod provision_request;
pub mod provision_teardown;
pub mod request;
pub mod reset;
pub mod run;
pub mod runtime;
pub mod session;
pub mod target;
pub mod target_file;
pub mod template;
pub mod values;

pub use call::{Ctx, PropSettings};
pub use embedded::{Embedded, Instance, Provider};
pub use error::HarnessError;
pub use outcome::{Exchange, Outcome, Verdict};
pub use run::run_case;
pub use target::Target;
