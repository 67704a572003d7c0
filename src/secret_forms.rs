//! The forms a secret takes on the wire and in what servers echo: every encoding the harness
//! itself produces (form and percent encoding, JSON strings, Basic credentials) and those a
//! server plausibly sends back (PHP's `\/`, `\uXXXX` escapes, base64, hex). Redaction replaces
//! all of them, so a secret never reaches output in any of these spellings.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// RFC 3986 unreserved characters stay as they are; everything else is escaped.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Every spelling of `secret` worth redacting, the secret itself first, without duplicates.
pub fn forms(secret: &str) -> Vec<String> {
    let mut out: Vec<String> = vec![secret.to_string()];
    let mut add = |s: String| {
        if !s.is_empty() && !out.contains(&s) {
            out.push(s);
        }
    };
    let json = json_inner(secret);
    add(json.replace('/', "\\/"));
    add(ascii_json(&json, false));
    add(ascii_json(&json, false).replace('/', "\\/"));
    add(ascii_json(&json, true));
    add(json);
    for set in [NON_ALPHANUMERIC, COMPONENT] {
        let upper = utf8_percent_encode(secret, set).to_string();
        add(lower_hex_escapes(&upper));
        add(upper);
    }
    let form = serde_urlencoded::to_string([("k", secret)])
        .unwrap_or_default()
        .trim_start_matches("k=")
        .to_string();
    add(lower_hex_escapes(&form));
    add(form);
    for b64 in [
        base64(secret.as_bytes(), STANDARD),
        base64(secret.as_bytes(), URL_SAFE),
    ] {
        add(b64.trim_end_matches('=').to_string());
        add(b64);
    }
    add(hex::encode(secret.as_bytes()));
    add(hex::encode_upper(secret.as_bytes()));
    out
}

/// The forms of a `user:password` pair sent as HTTP Basic credentials.
pub fn basic_forms(user: &str, password: &str) -> Vec<String> {
    let pair = format!("{user}:{password}");
    let b64 = base64(pair.as_bytes(), STANDARD);
    vec![b64.trim_end_matches('=').to_string(), b64]
}

/// The secret inside a JSON string (without the quotes).
fn json_inner(secret: &str) -> String {
    let quoted = serde_json::to_string(secret).unwrap_or_default();
    quoted
        .strip_prefix('"')
        .and_then(|q| q.strip_suffix('"'))
        .unwrap_or(secret)
        .to_string()
}

/// A JSON string body with every non-ASCII character as `\uXXXX` (surrogate pairs beyond the
/// BMP), in lower- or upper-case hex, as `ensure_ascii` encoders write it.
fn ascii_json(json: &str, upper: bool) -> String {
    let mut s = String::new();
    for c in json.chars() {
        if c.is_ascii() {
            s.push(c);
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                if upper {
                    s.push_str(&format!("\\u{u:04X}"));
                } else {
                    s.push_str(&format!("\\u{u:04x}"));
                }
            }
        }
    }
    s
}

/// `%2F` → `%2f`: percent-encoders that write lower-case hex.
fn lower_hex_escapes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '%' {
            for _ in 0..2 {
                if let Some(h) = chars.next() {
                    out.push(h.to_ascii_lowercase());
                }
            }
        }
    }
    out
}

const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64 with padding in the given alphabet.
fn base64(bytes: &[u8], alphabet: &[u8; 64]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(alphabet[((n >> (18 - 6 * i)) & 63) as usize]));
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

    #[test]
    fn base64_matches_the_rfc_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes(), STANDARD), encoded);
        }
        assert_eq!(base64(&[0xfb, 0xff], URL_SAFE), "-_8=");
    }

    #[test]
    fn every_spelling_a_server_may_echo_is_listed() {
        let f = forms("a/b+c=d é");
        for expected in [
            "a/b+c=d é",
            "a\\/b+c=d é",
            "a/b+c=d \\u00e9",
            "a\\/b+c=d \\u00e9",
            "a/b+c=d \\u00E9",
            "a%2Fb%2Bc%3Dd%20%C3%A9",
            "a%2fb%2bc%3dd%20%c3%a9",
            "a%2Fb%2Bc%3Dd+%C3%A9",
            "a%2fb%2bc%3dd+%c3%a9",
            "YS9iK2M9ZCDDqQ==",
            "YS9iK2M9ZCDDqQ",
            "612f622b633d6420c3a9",
            "612F622B633D6420C3A9",
        ] {
            assert!(
                f.contains(&expected.to_string()),
                "{expected} missing from {f:?}"
            );
        }
        assert_eq!(basic_forms("u", "p")[1], "dTpw");
    }
}
