//! A role's credential: a static scheme's value as it is, a ready `token`, or a token the
//! scheme's flow obtains (through the suite's token cache).

use std::time::Duration;

use super::credential::Credential;
use super::static_schemes::{self, bearer};
use super::token_cache::{CacheFailure, TokenCache};
use super::{oauth2, signer, token_request};
use crate::contract::Service;
use crate::contract::auth::{AuthScheme, Endpoint};
use crate::exec::client::Client;
use crate::exec::error::HarnessError;
use crate::exec::target::Target;
use crate::exec::values::Values;

pub(super) fn token_error(
    service: &Service,
    role: &str,
    message: impl Into<String>,
) -> HarnessError {
    HarnessError::Token {
        service: service.name.clone(),
        role: role.to_string(),
        message: message.into(),
    }
}

/// The values a target gives a role of a service.
///
/// # Errors
/// [`HarnessError::Token`] naming why the role is unavailable.
pub fn role_values<'t>(
    target: &'t Target,
    service: &Service,
    role: &str,
) -> Result<&'t Values, HarnessError> {
    target
        .credentials
        .get(&service.name)
        .and_then(|r| r.get(role))
        .ok_or_else(|| {
            token_error(
                service,
                role,
                target.role_refusal(&service.name, role).unwrap_or_default(),
            )
        })
}

/// The credential a token-issuing scheme sends for an issued (or ready) token.
pub fn issued(scheme: &AuthScheme, token: &str, values: &Values) -> Credential {
    match scheme {
        AuthScheme::TokenRequest(t) => Credential::Header {
            name: t.apply.header.clone(),
            value: format!("{}{token}", t.apply.prefix),
        },
        AuthScheme::Signed(s) => Credential::Signed {
            signer: s.signer,
            token: token.to_string(),
            secret: values
                .get(signer::secret_value(s.signer))
                .cloned()
                .unwrap_or_default(),
        },
        _ => bearer(token),
    }
}

/// The credential of a role, from the cache or through the scheme's flow.
///
/// # Errors
/// [`HarnessError::Token`] when the role is unavailable, lacks a value, or the flow fails.
pub async fn for_role(
    client: &Client,
    tokens: &TokenCache,
    target: &Target,
    service: &Service,
    role: &str,
) -> Result<Credential, HarnessError> {
    let values = role_values(target, service, role)?;
    if let Some(c) = static_schemes::credential(&service.auth, values)
        .map_err(|m| token_error(service, role, m))?
    {
        return Ok(c);
    }
    // A ready token was registered as a secret when the target was read.
    if let Some(token) = values.get("token") {
        return Ok(issued(&service.auth, token, values));
    }
    let base = target.auth_base(&service.name).await?;
    let key = format!("{base}\0{}\0{role}", service.name);
    let fetched = tokens
        .get_or_fetch(&key, || async {
            let (token, life) = obtain(client, &base, &service.auth, values).await?;
            // Registered before any request carries it, so no report can show it.
            target.secrets.register(&token);
            Ok::<_, String>((issued(&service.auth, &token, values), life))
        })
        .await;
    fetched.map_err(|f| match f {
        CacheFailure::Fetched(m) => token_error(service, role, m),
        CacheFailure::Earlier(m) => token_error(
            service,
            role,
            format!(
                "{m} (an earlier case of this role got this answer; the token endpoint is not asked again in this run)"
            ),
        ),
    })
}

/// Runs the scheme's token flow against `base` (the service's, or its `auth_urls` entry).
async fn obtain(
    client: &Client,
    base: &str,
    scheme: &AuthScheme,
    values: &Values,
) -> Result<(String, Duration), String> {
    let url = |e: Endpoint| match e {
        Endpoint::Path(p) => format!("{base}{p}"),
        Endpoint::Url(u) => u,
    };
    match scheme {
        AuthScheme::Oauth2ClientCredentials(o) => {
            oauth2::fetch(client, &url(o.endpoint()), o, values).await
        }
        AuthScheme::TokenRequest(t) => token_request::fetch(client, base, t, values).await,
        AuthScheme::Signed(s) => {
            signer::fetch(
                s.signer,
                client,
                &url(Endpoint::Path(s.token_path.clone())),
                values,
            )
            .await
        }
        other => Err(format!(
            "the {} scheme has no token flow: the role must give a `token`",
            other.name()
        )),
    }
}
