//! `token_request`: a request template whose `{{value}}` placeholders (in the path or URL, the
//! headers and the body's strings) are filled from the role's values; the token is read from a
//! response header or a JSON pointer and sent as `apply.header` with its `prefix`.

use std::time::Duration;

use serde_json::Value;

use super::token_cache::lifetime;
use crate::contract::auth::{Endpoint, TokenRequest, TokenSource, placeholders};
use crate::exec::client::{Client, display_url};
use crate::exec::error::chain;
use crate::exec::values::Values;

/// Lifetime when neither `lifetime_seconds` nor the answer says.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);

/// Every placeholder of the template (path or URL, headers, body strings).
pub fn template_names(t: &TokenRequest) -> Vec<String> {
    let r = &t.request;
    let mut out = Vec::new();
    for s in [&r.path, &r.url].into_iter().flatten() {
        out.extend(placeholders(s));
    }
    for v in r.headers.values() {
        out.extend(placeholders(v));
    }
    if let Some(b) = &r.body {
        strings(b, &mut |s| out.extend(placeholders(s)));
    }
    out
}

fn strings(v: &Value, f: &mut dyn FnMut(&str)) {
    match v {
        Value::String(s) => f(s),
        Value::Array(a) => a.iter().for_each(|x| strings(x, f)),
        Value::Object(m) => {
            for (k, x) in m {
                f(k);
                strings(x, f);
            }
        }
        _ => {}
    }
}

/// `text` with its placeholders filled.
///
/// # Errors
/// A placeholder naming a value the scheme does not declare, or one the role does not give.
pub fn fill(text: &str, t: &TokenRequest, values: &Values) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        let name = after[..end].trim();
        if !t.values.iter().any(|v| v == name) {
            return Err(format!(
                "the token request names `{{{{{name}}}}}`, which the scheme's `values:` does not declare"
            ));
        }
        let value = values
            .get(name)
            .ok_or_else(|| format!("the credential has no `{name}`"))?;
        out.push_str(&rest[..start]);
        out.push_str(value);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

fn fill_json(v: &Value, t: &TokenRequest, values: &Values) -> Result<Value, String> {
    Ok(match v {
        Value::String(s) => Value::String(fill(s, t, values)?),
        Value::Array(a) => Value::Array(
            a.iter()
                .map(|x| fill_json(x, t, values))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| Ok((fill(k, t, values)?, fill_json(x, t, values)?)))
                .collect::<Result<_, String>>()?,
        ),
        other => other.clone(),
    })
}

/// A filled request: method, URL (from `base` for a path), headers, body.
pub struct Filled {
    /// Method.
    pub method: String,
    /// URL.
    pub url: String,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Option<Vec<u8>>,
}

/// The request of `t` for a role's values.
///
/// # Errors
/// A template naming an undeclared or missing value, or a form body that is not an object
/// of scalars.
pub fn request(t: &TokenRequest, base: &str, values: &Values) -> Result<Filled, String> {
    let r = &t.request;
    let url = match r.endpoint() {
        Endpoint::Path(p) => format!("{base}{}", fill(&p, t, values)?),
        Endpoint::Url(u) => fill(&u, t, values)?,
    };
    let mut headers = Vec::new();
    let content_type = r
        .content_type
        .clone()
        .or_else(|| r.body.as_ref().map(|_| "application/json".to_string()));
    if let Some(ct) = &content_type {
        headers.push(("Content-Type".to_string(), ct.clone()));
    }
    for (k, v) in &r.headers {
        headers.push((k.clone(), fill(v, t, values)?));
    }
    let body = match &r.body {
        None => None,
        Some(b) => {
            let b = fill_json(b, t, values)?;
            let form = content_type
                .as_deref()
                .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
            Some(if form {
                form_body(&b)?.into_bytes()
            } else {
                b.to_string().into_bytes()
            })
        }
    };
    Ok(Filled {
        method: r.method.to_ascii_uppercase(),
        url,
        headers,
        body,
    })
}

fn form_body(b: &Value) -> Result<String, String> {
    let Value::Object(m) = b else {
        return Err("a form-encoded token request needs an object body".into());
    };
    let mut pairs = Vec::new();
    for (k, v) in m {
        let text = match v {
            Value::String(s) => s.clone(),
            Value::Number(_) | Value::Bool(_) => v.to_string(),
            _ => {
                return Err(format!(
                    "the form field `{k}` is not a string, number or boolean"
                ));
            }
        };
        pairs.push((k.clone(), text));
    }
    serde_urlencoded::to_string(pairs).map_err(|e| e.to_string())
}

/// Sends the token request: the token and its lifetime.
///
/// # Errors
/// The text of what went wrong (reports redact it with the target's secrets).
pub async fn fetch(
    client: &Client,
    base: &str,
    t: &TokenRequest,
    values: &Values,
) -> Result<(String, Duration), String> {
    let f = request(t, base, values)?;
    let obs = client
        .exchange(&f.method, &f.url, &f.headers, f.body)
        .await
        .map_err(|e| chain(&e))?;
    let status = obs.status;
    let ok = (200..300).contains(&status);
    let json = || -> Result<Value, String> {
        serde_json::from_slice(&obs.body).map_err(|e| {
            format!(
                "HTTP {status} from {}: the body is not JSON ({e})",
                display_url(&f.url)
            )
        })
    };
    let (token, body) = match &t.token {
        TokenSource::Header(h) => {
            let token = obs
                .header(h)
                .filter(|v| !v.is_empty() && ok)
                .ok_or_else(|| format!("HTTP {status} without {h}"))?
                .to_string();
            (token, None)
        }
        TokenSource::Pointer(p) => {
            let body = json()?;
            let token = body
                .pointer(p)
                .and_then(Value::as_str)
                .filter(|v| !v.is_empty() && ok)
                .ok_or_else(|| {
                    format!(
                        "HTTP {status} without a token at {p}: {}",
                        obs.body_text(300)
                    )
                })?
                .to_string();
            (token, Some(body))
        }
    };
    let default = t
        .lifetime_seconds
        .map_or(DEFAULT_LIFETIME, Duration::from_secs);
    let life = match &t.lifetime_pointer {
        Some(p) => {
            let body = match body {
                Some(b) => b,
                None => json()?,
            };
            lifetime(body.pointer(p), default)
        }
        None => lifetime(None, default),
    };
    Ok((token, life))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    proptest! {
        #[test]
        fn any_values_fill_the_json_body_exactly(user in "\\PC{0,30}", password in "\\PC{0,30}") {
            let t = scheme(json!({
                "request": {"path": "/t", "body": {"a": {"u": "{{user}}", "p": "x{{password}}y"}}},
                "values": ["user", "password"], "token": {"header": "X-T"}, "apply": {"header": "X-T"}
            }));
            let v = values(&[("user", &user), ("password", &password)]);
            let f = request(&t, "http://h", &v).expect("filled");
            let body: Value = serde_json::from_slice(&f.body.expect("body")).expect("json");
            prop_assert_eq!(body, json!({"a": {"u": user, "p": format!("x{password}y")}}));
        }
    }

    fn scheme(v: Value) -> TokenRequest {
        serde_json::from_value(v).expect("token_request")
    }

    fn values(pairs: &[(&str, &str)]) -> Values {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn templates_fill_from_declared_values_only() {
        let t = scheme(json!({
            "request": {"path": "/t/{{tenant}}", "headers": {"X-User": "{{user}}"},
                        "body": {"auth": {"user": "{{user}}", "password": "{{password}}", "n": 3}}},
            "values": ["tenant", "user", "password"], "secrets": ["password"],
            "token": {"pointer": "/token"}, "apply": {"header": "X-Token"}
        }));
        let v = values(&[
            ("tenant", "acme"),
            ("user", "ann \"x\""),
            ("password", "p/w"),
        ]);
        let f = request(&t, "http://h", &v).expect("filled");
        assert_eq!(f.url, "http://h/t/acme");
        assert_eq!(f.method, "POST");
        assert!(f.headers.contains(&("X-User".into(), "ann \"x\"".into())));
        let body: Value = serde_json::from_slice(&f.body.expect("body")).expect("json");
        assert_eq!(
            body,
            json!({"auth": {"user": "ann \"x\"", "password": "p/w", "n": 3}})
        );
        assert_eq!(template_names(&t), ["tenant", "user", "user", "password"]);
        let e = request(&t, "http://h", &values(&[("tenant", "a")])).err();
        assert_eq!(e.as_deref(), Some("the credential has no `user`"));
        let undeclared = scheme(json!({
            "request": {"path": "/t", "body": {"u": "{{usr}}"}}, "values": ["user"],
            "token": {"header": "X-T"}, "apply": {"header": "X-T"}
        }));
        let e = request(&undeclared, "http://h", &values(&[("user", "a")])).err();
        assert_eq!(
            e.as_deref(),
            Some(
                "the token request names `{{usr}}`, which the scheme's `values:` does not declare"
            )
        );
    }

    #[test]
    fn form_bodies_are_form_encoded() {
        let t = scheme(json!({
            "request": {"url": "https://idp.example/token", "content_type": "application/x-www-form-urlencoded",
                        "body": {"username": "{{user}}", "password": "{{password}}", "remember": true}},
            "values": ["user", "password"], "token": {"pointer": "/t"}, "apply": {"header": "X-T"}
        }));
        let f = request(
            &t,
            "http://ignored",
            &values(&[("user", "a b"), ("password", "x&y")]),
        )
        .expect("filled");
        assert_eq!(f.url, "https://idp.example/token");
        assert_eq!(
            String::from_utf8(f.body.expect("body")).expect("utf8"),
            "username=a+b&password=x%26y&remember=true"
        );
    }
}
