//! EnOS Application Portal behind the API gateway: gateway tokens, signatures, remove user.

pub mod domain;
pub mod http;
