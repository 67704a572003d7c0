//! The hand-written reference mocks of the three shipped vendors (OneAccess, DataArts, EnOS):
//! their domains and HTTP handlers, the vendors' credential flows and request signature check,
//! the seed they start from, their control plane and their catalogue of deliberate faults.
//! Every other service is served by the spec-driven mock in `mock/generic/`.

pub mod auth;
pub mod control;
pub mod dataarts;
pub mod enos;
pub mod faults;
pub mod oneaccess;
pub mod request;
pub mod seed;
pub mod server;

/// The services these mocks implement.
pub const SERVICES: [&str; 3] = ["dataarts", "enos", "oneaccess"];
