//! Puts a credential on a prepared request (a signed one is signed last, over its final query
//! and body).

use super::credential::Credential;
use super::signer;
use super::static_schemes::{append_query, merge_cookie};
use crate::exec::request::Prepared;

/// Puts `credential` on `req`.
pub fn apply(req: &mut Prepared, credential: &Credential) {
    match credential {
        Credential::Header { name, value } => req.set_header(name, value.clone()),
        Credential::Query { name, value } => append_query(req, name, value),
        Credential::Cookie { name, value } => merge_cookie(req, name, value),
        Credential::Signed {
            signer,
            token,
            secret,
        } => signer::sign(*signer, req, token, secret),
    }
}
