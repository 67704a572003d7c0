//! Execution: the shared runtime, the HTTP client, targets (embedded mock or live URL),
//! credential flows, and running a case.

pub mod client;
pub mod credentials;
pub mod error;
pub mod property;
pub mod request;
pub mod run;
pub mod runtime;
pub mod target;
pub mod target_file;

pub use error::HarnessError;
pub use run::{Ctx, Exchange, Outcome, PropSettings, Verdict, run_case};
pub use target::Target;
