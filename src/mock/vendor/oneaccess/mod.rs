//! OneAccess (EIAM): client-credentials tokens, public-account unbind, delete and disable
//! organization.

pub mod domain;
pub mod http;
