//! The spec-driven mock: serves any service whose auth scheme it knows (every scheme but
//! `signed`) from its specs alone, with a seed read or generated, the documented answers for
//! each trigger, fixtures consumed by destructive successes, and a fault catalogue derived from
//! the spec.

pub mod auth;
pub mod error;
pub mod faults;
pub mod invalid;
pub mod mock;
pub mod request;
pub mod respond;
pub mod routes;
pub mod seed;
pub mod sequences;
pub mod server;
pub mod set;
pub mod standalone;
pub mod state;
pub mod success;
pub mod triggers;
pub mod values;

pub use error::GenericError;
pub use faults::{FaultKind, GenericFault};
pub use mock::GenericMock;
pub use respond::Answer;
pub use seed::{GenericSeed, ServiceSeed};
pub use sequences::honours;
pub use server::GenericServer;
pub use set::GenericSet;
