//! Request signers, by name: the only vendor code on the checking side. Each obtains its
//! token and signs every request with the role's secret.

pub mod enos_apim;

use std::time::Duration;

use crate::contract::auth::SignerName;
use crate::exec::client::Client;
use crate::exec::request::Prepared;
use crate::exec::values::Values;

/// Obtains a signer's token from `url`: the token and its lifetime.
///
/// # Errors
/// The text of what went wrong (reports redact it with the target's secrets).
pub async fn fetch(
    signer: SignerName,
    client: &Client,
    url: &str,
    values: &Values,
) -> Result<(String, Duration), String> {
    match signer {
        SignerName::EnosApim => enos_apim::fetch(client, url, values).await,
    }
}

/// The secret value a signer signs with.
pub fn secret_value(signer: SignerName) -> &'static str {
    match signer {
        SignerName::EnosApim => "app_secret",
    }
}

/// Signs a request (its query and body final) with a token and secret, now.
pub fn sign(signer: SignerName, req: &mut Prepared, token: &str, secret: &str) {
    match signer {
        SignerName::EnosApim => enos_apim::sign(req, token, secret, enos_apim::now_ms()),
    }
}

/// The header that carries the signature (a malformed variant replaces it).
pub fn signature_header(signer: SignerName) -> &'static str {
    match signer {
        SignerName::EnosApim => "apim-signature",
    }
}
