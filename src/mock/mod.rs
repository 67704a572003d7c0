//! The embedded mock: a stateful implementation of the five documented endpoints and the
//! vendors' credential flows, with a catalogue of deliberate faults.

pub mod auth;
pub mod control;
pub mod dataarts;
pub mod embedded;
pub mod enos;
pub mod faults;
pub mod generic;
pub mod oneaccess;
pub mod request;
pub mod respond;
pub mod seed;
pub mod serve;
pub mod server;

pub use faults::Fault;
pub use seed::Seed;
pub use serve::ServeLimits;
pub use server::{MockConfig, MockServer};
