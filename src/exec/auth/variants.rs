//! The credentials a case asks for: a role's, none (`missing`), one of the wrong form for the
//! scheme (`malformed`), a well-formed one never issued (`wrong`: for `basic` the right
//! username with a wrong password, for `signed` the right token signed with a wrong secret),
//! and the target's `expired` token (only schemes that issue tokens).

use super::apply::apply;
use super::credential::Credential;
use super::role::{for_role, role_values, token_error};
use super::signer;
use super::static_schemes::{basic, bearer, key_credential};
use super::token_cache::TokenCache;
use crate::contract::Service;
use crate::contract::auth::AuthScheme;
use crate::exec::client::Client;
use crate::exec::error::HarnessError;
use crate::exec::request::Prepared;
use crate::exec::target::Target;
use crate::generate::Cred;

/// A token of the right form that no server issued.
pub const NEVER_ISSUED: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

/// A value of no token's form.
const MALFORMED: &str = "%%% not a token %%%";

/// A password no account has.
const WRONG_PASSWORD: &str = "not-the-password-0f1e2d3c";

/// A secret that is not the role's.
const WRONG_SECRET: &str = "not-the-app-secret";

/// The role of the target a variant is made from, if any: `expired` for the expired token,
/// `default` where the variant keeps part of a real credential (basic's username, a signed
/// request's token).
pub fn role_needed<'c>(scheme: &AuthScheme, cred: &'c Cred) -> Option<&'c str> {
    match cred {
        Cred::Role(r) => Some(r.as_str()),
        Cred::Expired => Some("expired"),
        Cred::Malformed if matches!(scheme, AuthScheme::Signed(_)) => Some("default"),
        Cred::Wrong if matches!(scheme, AuthScheme::Signed(_) | AuthScheme::Basic) => {
            Some("default")
        }
        _ => None,
    }
}

/// The malformed credential of a scheme (`None`: made from the default role).
fn malformed(scheme: &AuthScheme) -> Option<Credential> {
    Some(match scheme {
        AuthScheme::Bearer | AuthScheme::Oauth2ClientCredentials(_) => bearer(MALFORMED),
        AuthScheme::ApiKey { location, name } => key_credential(*location, name, MALFORMED),
        // Not base64, no colon.
        AuthScheme::Basic => Credential::Header {
            name: "Authorization".into(),
            value: format!("Basic {MALFORMED}"),
        },
        AuthScheme::TokenRequest(t) => Credential::Header {
            name: t.apply.header.clone(),
            value: format!("{}{MALFORMED}", t.apply.prefix),
        },
        AuthScheme::Signed(_) => return None,
    })
}

/// Applies the credential a case asks for.
///
/// # Errors
/// When a needed credential cannot be obtained.
pub async fn apply_cred(
    req: &mut Prepared,
    cred: &Cred,
    client: &Client,
    tokens: &TokenCache,
    target: &Target,
    service: &Service,
) -> Result<(), HarnessError> {
    let scheme = &service.auth;
    let role = |r: &'static str| for_role(client, tokens, target, service, r);
    match cred {
        Cred::Missing => {}
        Cred::Role(r) => apply(req, &for_role(client, tokens, target, service, r).await?),
        Cred::Expired => apply(req, &role("expired").await?),
        Cred::Malformed => match (malformed(scheme), scheme) {
            (Some(c), _) => apply(req, &c),
            (None, AuthScheme::Signed(s)) => {
                apply(req, &role("default").await?);
                req.set_header(signer::signature_header(s.signer), "not-a-signature".into());
            }
            (None, _) => {}
        },
        Cred::Wrong => match scheme {
            AuthScheme::Bearer | AuthScheme::Oauth2ClientCredentials(_) => {
                apply(req, &bearer(NEVER_ISSUED));
            }
            AuthScheme::ApiKey { location, name } => {
                apply(req, &key_credential(*location, name, NEVER_ISSUED));
            }
            AuthScheme::Basic => {
                let values = role_values(target, service, "default")?;
                let user = values.get("username").ok_or_else(|| {
                    token_error(service, "default", "the credential has no `username`")
                })?;
                apply(req, &basic(user, WRONG_PASSWORD));
            }
            AuthScheme::TokenRequest(t) => apply(
                req,
                &Credential::Header {
                    name: t.apply.header.clone(),
                    value: format!("{}{NEVER_ISSUED}", t.apply.prefix),
                },
            ),
            AuthScheme::Signed(s) => {
                if let Credential::Signed { token, .. } = role("default").await? {
                    signer::sign(s.signer, req, &token, WRONG_SECRET);
                }
            }
        },
    }
    Ok(())
}
