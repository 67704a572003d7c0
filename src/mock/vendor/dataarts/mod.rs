//! DataArts Studio: IAM tokens and workspace members.

pub mod domain;
pub mod http;
