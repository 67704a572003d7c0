//! The mocks: the hand-written reference mocks of the shipped vendors (`vendor/`) and the
//! spec-driven generic mock of every other service (`generic/`), both embedded targets of the
//! harness (`embedded.rs`) and standalone mocks for client developers. They share the
//! connection handling (`serve.rs`) and response helpers (`respond.rs`).

pub mod embedded;
pub mod generic;
pub mod respond;
pub mod serve;
pub mod vendor;

pub use serve::ServeLimits;
pub use vendor::faults::Fault;
pub use vendor::seed::Seed;
pub use vendor::server::{MockConfig, MockServer};
// The vendor mocks' modules at the paths tests and tools have used.
pub use vendor::{auth, control, faults, request, seed, server};
