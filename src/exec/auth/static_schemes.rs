//! The schemes whose credential is a value the role gives: `bearer` (a token), `api_key` (a
//! key in a header, query parameter or cookie) and `basic` (username and password); and how a
//! query parameter or cookie is added to a prepared request.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::credential::Credential;
use crate::contract::auth::{AuthScheme, KeyLocation};
use crate::exec::request::Prepared;
use crate::exec::values::Values;

/// Characters left as they are in a query component or cookie value (RFC 3986 unreserved).
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The credential of a role under a static scheme (`None` for the schemes that issue tokens).
///
/// # Errors
/// The text naming the value the role lacks.
pub fn credential(scheme: &AuthScheme, values: &Values) -> Result<Option<Credential>, String> {
    let get = |k: &str| {
        values
            .get(k)
            .map(String::as_str)
            .ok_or_else(|| format!("the credential has no `{k}`"))
    };
    Ok(Some(match scheme {
        AuthScheme::Bearer => bearer(get("token")?),
        AuthScheme::ApiKey { location, name } => {
            // A ready `token` stands for the key, as for every scheme.
            let key = get("key").or_else(|e| values.get("token").map(String::as_str).ok_or(e))?;
            key_credential(*location, name, key)
        }
        AuthScheme::Basic => basic(get("username")?, get("password")?),
        _ => return Ok(None),
    }))
}

/// `Authorization: Bearer <token>`.
pub fn bearer(token: &str) -> Credential {
    Credential::Header {
        name: "Authorization".into(),
        value: format!("Bearer {token}"),
    }
}

/// A key where the scheme puts it.
pub fn key_credential(location: KeyLocation, name: &str, key: &str) -> Credential {
    let (name, value) = (name.to_string(), key.to_string());
    match location {
        KeyLocation::Header => Credential::Header { name, value },
        KeyLocation::Query => Credential::Query { name, value },
        KeyLocation::Cookie => Credential::Cookie { name, value },
    }
}

/// `Authorization: Basic base64(username:password)`.
pub fn basic(username: &str, password: &str) -> Credential {
    Credential::Header {
        name: "Authorization".into(),
        value: format!(
            "Basic {}",
            base64(format!("{username}:{password}").as_bytes())
        ),
    }
}

/// Appends `name=value` (both percent-encoded) to the request's query.
pub fn append_query(req: &mut Prepared, name: &str, value: &str) {
    let sep = if req.path.contains('?') { '&' } else { '?' };
    req.path = format!(
        "{}{sep}{}={}",
        req.path,
        utf8_percent_encode(name, COMPONENT),
        utf8_percent_encode(value, COMPONENT)
    );
}

/// Whether a value may stand in a cookie as it is (RFC 6265 `cookie-octet`: no white space,
/// `"`, `,`, `;` or `\\`), and no `%`, so that what is sent always decodes back to the key.
/// Servers read cookies raw, so a key such as `k+y==` is sent as it is.
fn is_cookie_octets(value: &str) -> bool {
    value.bytes().all(
        |b| matches!(b, 0x21 | 0x23 | 0x24 | 0x26..=0x2B | 0x2D..=0x3A | 0x3C..=0x5B | 0x5D..=0x7E),
    )
}

/// Adds `name=value` to the request's `Cookie` header (the value as it is where RFC 6265
/// allows, percent-encoded otherwise), replacing a cookie of the same name and keeping the
/// others.
pub fn merge_cookie(req: &mut Prepared, name: &str, value: &str) {
    let pair = if is_cookie_octets(value) {
        format!("{name}={value}")
    } else {
        format!("{name}={}", utf8_percent_encode(value, COMPONENT))
    };
    let existing = req
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("cookie"))
        .map(|(_, v)| v.clone());
    let mut parts: Vec<String> = existing
        .iter()
        .flat_map(|v| v.split(';'))
        .map(str::trim)
        .filter(|p| !p.is_empty() && p.split('=').next() != Some(name))
        .map(str::to_string)
        .collect();
    parts.push(pair);
    req.set_header("Cookie", parts.join("; "));
}

/// Standard base64 with padding (RFC 4648).
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3).saturating_mul(4));
    for chunk in bytes.chunks(3) {
        let at = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (at(0) << 16) | (at(1) << 8) | at(2);
        for i in 0..4usize {
            if i <= chunk.len() {
                let index = (n >> (18 - 6 * i)) & 63;
                out.push(char::from(ALPHABET[index as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_key_round_trips_through_the_query_and_the_cookie(
            name in "[A-Za-z_][A-Za-z0-9_-]{0,12}",
            key in "\\PC{0,40}",
            before in proptest::option::of("[a-z]{1,5}=[a-z0-9]{0,5}"),
        ) {
            let mut r = req("/pets?limit=2");
            append_query(&mut r, &name, &key);
            let (_, q) = r.path.split_once('?').expect("query");
            let pairs: Vec<(String, String)> = serde_urlencoded::from_str(q).expect("parses");
            prop_assert_eq!(pairs, vec![("limit".to_string(), "2".to_string()), (name.clone(), key.clone())]);
            let mut r = req("/");
            if let Some(b) = &before {
                r.headers.push(("Cookie".into(), b.clone()));
            }
            merge_cookie(&mut r, &name, &key);
            prop_assert_eq!(r.headers.len(), 1);
            let cookie = &r.headers[0].1;
            let mine = format!("{name}=");
            let ours: Vec<&str> = cookie.split("; ").filter(|p| p.starts_with(&mine)).collect();
            prop_assert_eq!(ours.len(), 1);
            let decoded = percent_encoding::percent_decode_str(&ours[0][mine.len()..]).decode_utf8_lossy();
            prop_assert_eq!(decoded.as_ref(), key.as_str());
            prop_assert!(!ours[0].contains(';') && !ours[0].contains(' '));
            if let Some(b) = before.filter(|b| !b.starts_with(&mine)) {
                prop_assert!(cookie.starts_with(&b));
            }
        }
    }

    fn req(path: &str) -> Prepared {
        Prepared {
            method: "GET".into(),
            path: path.into(),
            headers: vec![],
            body: None,
        }
    }

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        let v = [
            "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy",
        ];
        for (n, want) in v.iter().enumerate() {
            assert_eq!(base64(&b"foobar"[..n]), *want);
        }
        // `printf '%s' 'Aladdin:open sesame' | base64`
        assert_eq!(
            basic("Aladdin", "open sesame"),
            Credential::Header {
                name: "Authorization".into(),
                value: "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==".into()
            }
        );
    }

    #[test]
    fn query_keys_are_percent_encoded_and_appended() {
        let mut r = req("/pets");
        append_query(&mut r, "api_key", "a b&c=d/é");
        assert_eq!(r.path, "/pets?api_key=a%20b%26c%3Dd%2F%C3%A9");
        let mut r = req("/pets?limit=2");
        append_query(&mut r, "k", "v");
        assert_eq!(r.path, "/pets?limit=2&k=v");
    }

    #[test]
    fn cookies_merge_with_an_existing_header() {
        let mut r = req("/");
        merge_cookie(&mut r, "sid", "k;1");
        assert_eq!(r.headers, vec![("Cookie".into(), "sid=k%3B1".into())]);
        // A base64-like key is sent as it is: servers read cookies raw.
        let mut r = req("/");
        merge_cookie(&mut r, "sid", "k+y/Z==");
        assert_eq!(r.headers, vec![("Cookie".into(), "sid=k+y/Z==".into())]);
        let mut r = req("/");
        r.headers
            .push(("cookie".into(), "theme=dark; sid=old".into()));
        merge_cookie(&mut r, "sid", "new");
        assert_eq!(
            r.headers,
            vec![("Cookie".into(), "theme=dark; sid=new".into())]
        );
    }
}
