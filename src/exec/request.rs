//! Builds the concrete HTTP request of a call: fixture values into the path template and the
//! body, the trigger's changes, the body override of generated inputs.

use std::collections::BTreeMap;

use serde_json::Value;

use super::error::HarnessError;
use super::target::Target;
use super::values::Values;
use crate::contract::{Operation, Service};
use crate::generate::{BodyOverride, Call};

/// A request ready to send (the credential flows add credentials).
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// Method.
    pub method: String,
    /// Path with encoded segments (no host).
    pub path: String,
    /// Headers in order.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Option<Vec<u8>>,
}

impl Prepared {
    /// Sets (replaces) a header.
    pub fn set_header(&mut self, name: &str, value: String) {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        self.headers.push((name.to_string(), value));
    }
}

/// Characters left as they are in a path segment (RFC 3986 unreserved).
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The values a call uses: fixture values, renamed by `bind`, overridden by literal values.
///
/// # Errors
/// [`HarnessError::MissingFixture`] when the target lacks the fixture.
pub fn call_values(target: &Target, service: &str, call: &Call) -> Result<Values, HarnessError> {
    let fixture = match &call.provided {
        Some(values) => values,
        None => target
            .fixtures
            .get(service)
            .and_then(|f| f.get(&call.fixture))
            .and_then(|pool| pool.get(call.pool))
            .ok_or_else(|| HarnessError::MissingFixture {
                service: service.to_string(),
                fixture: call.fixture.clone(),
            })?,
    };
    let mut values = fixture.clone();
    let missing = |value: &str| HarnessError::MissingValue {
        service: service.to_string(),
        fixture: call.fixture.clone(),
        value: value.to_string(),
    };
    for (to, from) in &call.bind {
        let v = fixture.get(from).ok_or_else(|| missing(from))?;
        values.insert(to.clone(), v.clone());
    }
    for (k, v) in &call.values {
        values.insert(k.clone(), v.clone());
    }
    Ok(values)
}

/// Replaces `{{name}}` placeholders in every string of a JSON value.
pub fn fill(template: &Value, values: &BTreeMap<String, String>) -> Value {
    match template {
        Value::String(s) => {
            let trimmed = s.trim();
            if let Some(name) = trimmed
                .strip_prefix("{{")
                .and_then(|r| r.strip_suffix("}}"))
                && let Some(v) = values.get(name.trim())
                && trimmed.len() == s.len()
            {
                return Value::String(v.clone());
            }
            let mut out = s.clone();
            for (k, v) in values {
                out = out.replace(&format!("{{{{{k}}}}}"), v);
            }
            Value::String(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(|x| fill(x, values)).collect()),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| (k.clone(), fill(x, values)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Replaces `{{name}}` placeholders in a text.
pub fn fill_text(template: &str, values: &BTreeMap<String, String>) -> String {
    match fill(&Value::String(template.to_string()), values) {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

/// The request of `call` on `op`.
///
/// # Errors
/// When the target lacks a fixture.
pub fn prepare(
    target: &Target,
    op: &Operation,
    service: &Service,
    call: &Call,
) -> Result<Prepared, HarnessError> {
    let values = call_values(target, &op.service, call)?;
    let mut path = service.base_path.clone();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        path.push_str(&rest[..start]);
        let name = &rest[start + 1..start + len];
        // An empty value only where a trigger sets it on purpose (APP.0006: app_id empty);
        // an input value may name fixture values (`" {{org_id}} "`: the id, padded).
        let value = match call.input.path.get(name) {
            Some(v) => fill_text(v, &values),
            None => values
                .get(name)
                .cloned()
                .ok_or_else(|| HarnessError::MissingValue {
                    service: op.service.clone(),
                    fixture: call.fixture.clone(),
                    value: name.to_string(),
                })?,
        };
        path.push_str(&percent_encoding::utf8_percent_encode(&value, SEGMENT).to_string());
        rest = &rest[start + len + 1..];
    }
    path.push_str(rest);

    let mut headers = Vec::new();
    let json_ct = op
        .request
        .content_type
        .clone()
        .unwrap_or_else(|| "application/json".into());
    let body = match &call.body {
        Some(BodyOverride::Raw(bytes, ct)) => {
            if let Some(ct) = ct {
                headers.push(("Content-Type".to_string(), ct.clone()));
            }
            Some(bytes.clone())
        }
        Some(BodyOverride::Json(v)) => {
            headers.push(("Content-Type".to_string(), json_ct));
            Some(v.to_string().into_bytes())
        }
        None => match (&op.success.case.body, op.request.body.json()) {
            (Some(template), Some(_)) => {
                let mut body = fill(template, &values);
                if let Some(p) = crate::contract::rules::placeholders(&body)
                    .into_iter()
                    .next()
                {
                    return Err(HarnessError::MissingValue {
                        service: op.service.clone(),
                        fixture: call.fixture.clone(),
                        value: p,
                    });
                }
                if let Some(obj) = body.as_object_mut() {
                    for (k, v) in &call.input.body {
                        obj.insert(k.clone(), fill(v, &values));
                    }
                    for k in &call.input.remove {
                        obj.remove(k);
                    }
                }
                headers.push(("Content-Type".to_string(), json_ct));
                Some(body.to_string().into_bytes())
            }
            _ => {
                if let Some(ct) = &op.request.content_type {
                    headers.push(("Content-Type".to_string(), ct.clone()));
                }
                None
            }
        },
    };
    if let Some(ct) = &call.content_type {
        headers.retain(|(k, _)| !k.eq_ignore_ascii_case("content-type"));
        if let Some(ct) = ct {
            headers.push(("Content-Type".to_string(), ct.clone()));
        }
    }
    for (k, v) in &op.request.headers {
        headers.push((k.clone(), v.clone()));
    }
    Ok(Prepared {
        method: op.method.clone(),
        path,
        headers,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fill_replaces_whole_and_embedded_placeholders() {
        let values: BTreeMap<String, String> = [("u".to_string(), "bob".to_string())].into();
        assert_eq!(
            fill(&json!({"a": ["{{u}}"], "b": "x-{{u}}"}), &values),
            json!({"a": ["bob"], "b": "x-bob"})
        );
    }

    #[test]
    fn segments_are_percent_encoded() {
        let s = percent_encoding::utf8_percent_encode("a b/中", SEGMENT).to_string();
        assert_eq!(s, "a%20b%2F%E4%B8%AD");
    }
}
