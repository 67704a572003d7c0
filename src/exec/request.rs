//! Builds the concrete HTTP request of a call: fixture values into the path template, the
//! query, the headers and the body, the trigger's changes, the body override of generated
//! inputs.

use std::collections::BTreeMap;

use serde_json::Value;

use super::error::HarnessError;
use super::target::Target;
use super::values::Values;
use crate::contract::{Operation, ParamIn, Service, pointer};
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

/// Characters left as they are in a query name or value (RFC 3986 unreserved): a space is
/// `%20`, `&`, `=`, `+` and non-ASCII are percent-encoded.
const QUERY: &percent_encoding::AsciiSet = SEGMENT;

/// A trigger's value of a query or header parameter as text (`None`: `null`, the parameter
/// left out).
fn param_text(v: &Value, values: &BTreeMap<String, String>) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(fill_text(s, values)),
        other => Some(other.to_string()),
    }
}

/// The values of the query or header parameters `in: location` the call sends, in the order
/// of their names: the call's input (a trigger's or a generated one) first, then the success
/// case's `query`/`headers`, then a fixture value of the same name; a parameter that is not
/// required and has none of these is left out.
fn param_values(
    op: &Operation,
    call: &Call,
    values: &BTreeMap<String, String>,
    location: ParamIn,
) -> Result<Vec<(String, String)>, HarnessError> {
    let (input, case) = match location {
        ParamIn::Query => (&call.input.query, &op.success.case.query),
        _ => (&call.input.headers, &op.success.case.headers),
    };
    let mut out = Vec::new();
    for (name, p) in op.params_in(location) {
        let value = match input.get(name) {
            Some(v) => param_text(v, values),
            None => match case.get(name) {
                Some(template) => Some(fill_text(template, values)),
                None => values.get(name).cloned(),
            },
        };
        match value {
            Some(v) => out.push((name.clone(), v)),
            // A trigger that leaves a required parameter out does so on purpose.
            None if p.is_required() && !input.contains_key(name) => {
                return Err(HarnessError::MissingValue {
                    service: op.service.clone(),
                    fixture: call.fixture.clone(),
                    value: name.clone(),
                });
            }
            None => {}
        }
    }
    Ok(out)
}

/// `?name=value&...`, percent-encoded (empty without parameters).
pub fn query_string(pairs: &[(String, String)]) -> String {
    let encode = |s: &str| percent_encoding::utf8_percent_encode(s, QUERY).to_string();
    let joined: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    if joined.is_empty() {
        String::new()
    } else {
        format!("?{}", joined.join("&"))
    }
}

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
            Value::String(fill_embedded(s, values))
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

/// `s` with each `{{name}}` inside it replaced, in one pass: the name read as lint reads it
/// (trimmed), a name that fills nothing left as written, a value never filled again.
fn fill_embedded(s: &str, values: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else {
            break;
        };
        let end = start + 2 + len + 2;
        out.push_str(&rest[..start]);
        match values.get(rest[start + 2..end - 2].trim()) {
            Some(v) => out.push_str(v),
            None => out.push_str(&rest[start..end]),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
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
    prepare_with(&values, op, service, call)
}

/// The request of `call` on `op` with these values (the call's, see [`call_values`]).
///
/// # Errors
/// When a value the request needs is missing, or a trigger's body change cannot be made.
pub fn prepare_with(
    values: &Values,
    op: &Operation,
    service: &Service,
    call: &Call,
) -> Result<Prepared, HarnessError> {
    let values = values.clone();
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
    path.push_str(&query_string(&param_values(
        op,
        call,
        &values,
        ParamIn::Query,
    )?));

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
                if body.is_object() {
                    for (k, v) in &call.input.body {
                        pointer::set(&mut body, k, fill(v, &values)).map_err(|e| {
                            HarnessError::BodyChange {
                                op: op.id.clone(),
                                message: format!("cannot set `{}`: {e}", e.pointer()),
                            }
                        })?;
                    }
                    for k in &call.input.remove {
                        pointer::remove(&mut body, k);
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
    headers.extend(param_values(op, call, &values, ParamIn::Header)?);
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
            fill(&json!("x-{{ u }}-{{v}}"), &values),
            json!("x-bob-{{v}}")
        );
        assert_eq!(fill(&json!(" {{u}} "), &values), json!(" bob "));
        let nested: BTreeMap<String, String> = [
            ("a".to_string(), "{{b}}".to_string()),
            ("b".to_string(), "B".to_string()),
        ]
        .into();
        assert_eq!(
            fill(&json!("{{a}}!"), &nested),
            json!("{{b}}!"),
            "a value is not filled again"
        );
        assert_eq!(
            fill(&json!({"a": ["{{u}}"], "b": "x-{{u}}"}), &values),
            json!({"a": ["bob"], "b": "x-bob"})
        );
    }

    fn service() -> Service {
        serde_json::from_value(json!({
            "service": "svc", "title": "S", "base_path": "/base",
            "auth": {"scheme": "bearer"},
            "credentials": {"default": {"grants": []}},
            "errors": {"carrier": "http_status", "code_field": "c", "message_field": "m", "schema": {}},
            "fixtures": {}
        }))
        .expect("service")
    }

    fn op() -> Operation {
        let mut op: Operation = serde_json::from_value(json!({
            "id": "find", "summary": "Find", "method": "POST", "path": "/pets/{pet_id}",
            "parameters": {
                "pet_id": {},
                "q": {"in": "query", "required": true},
                "limit": {"in": "query", "schema": {"type": "integer"}},
                "tag": {"in": "query"},
                "X-Request-Id": {"in": "header", "required": true}
            },
            "request": {"body": {"schema": {"type": "object"}}},
            "success": {
                "status": [200, 201], "body": "none",
                "case": {
                    "fixture": "pet",
                    "body": {"owner": {"name": "{{owner}}"}, "tags": ["a", "b"]},
                    "query": {"q": "{{term}}"},
                    "headers": {"X-Request-Id": "req-{{pet_id}}"}
                }
            },
            "errors": []
        }))
        .expect("operation");
        op.service = "svc".into();
        op
    }

    fn values(term: &str) -> Values {
        [
            ("pet_id", "p 1"),
            ("term", term),
            ("owner", "ann"),
            ("limit", "10"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    fn header<'a>(p: &'a Prepared, name: &str) -> Option<&'a str> {
        p.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn query_values_are_percent_encoded() {
        let call = Call::success("find", "pet");
        let p = prepare_with(&values("a b&c=d+é中"), &op(), &service(), &call).expect("prepared");
        // Parameters in name order; `tag` is optional and has no value: left out.
        assert_eq!(
            p.path,
            "/base/pets/p%201?limit=10&q=a%20b%26c%3Dd%2B%C3%A9%E4%B8%AD"
        );
        // What the EnOS signer reads back from the path is the value as sent.
        let (_, q) = p.path.split_once('?').expect("query");
        let decoded: Vec<(String, String)> = serde_urlencoded::from_str(q).expect("decodes");
        assert_eq!(decoded[1], ("q".to_string(), "a b&c=d+é中".to_string()));
        assert_eq!(header(&p, "X-Request-Id"), Some("req-p 1"));
    }

    #[test]
    fn triggers_set_and_remove_query_and_header_parameters() {
        let mut call = Call::success("find", "pet");
        call.input.query.insert("limit".into(), json!(0));
        call.input.query.insert("tag".into(), json!("x y"));
        call.input.query.insert("q".into(), Value::Null);
        call.input
            .headers
            .insert("X-Request-Id".into(), json!("{{owner}}!"));
        let p = prepare_with(&values("t"), &op(), &service(), &call).expect("prepared");
        assert_eq!(p.path, "/base/pets/p%201?limit=0&tag=x%20y");
        assert_eq!(header(&p, "X-Request-Id"), Some("ann!"));
        call.input
            .headers
            .insert("X-Request-Id".into(), Value::Null);
        let p = prepare_with(&values("t"), &op(), &service(), &call).expect("prepared");
        assert_eq!(header(&p, "X-Request-Id"), None, "null removes the header");
    }

    #[test]
    fn a_required_parameter_without_a_value_is_a_harness_error() {
        let mut op = op();
        op.success.case.query.clear();
        let call = Call::success("find", "pet");
        let mut v = values("t");
        v.remove("term");
        match prepare_with(&v, &op, &service(), &call) {
            Err(HarnessError::MissingValue { value, .. }) => assert_eq!(value, "q"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn body_pointers_set_and_remove_nested_values() {
        let mut call = Call::success("find", "pet");
        call.input.body.insert("/owner/name".into(), json!(""));
        call.input
            .body
            .insert("/owner/address/city".into(), json!("{{owner}}"));
        call.input.remove.push("/tags/0".into());
        let p = prepare_with(&values("t"), &op(), &service(), &call).expect("prepared");
        let body: Value =
            serde_json::from_slice(p.body.as_deref().unwrap_or_default()).expect("json");
        assert_eq!(
            body,
            json!({"owner": {"name": "", "address": {"city": "ann"}}, "tags": ["b"]})
        );
        let mut call = Call::success("find", "pet");
        call.input.body.insert("/owner/name/first".into(), json!(1));
        match prepare_with(&values("t"), &op(), &service(), &call) {
            Err(e @ HarnessError::BodyChange { .. }) => assert!(
                e.to_string()
                    .contains("the value at `/owner/name` is a string"),
                "{e}"
            ),
            other => panic!("{other:?}"),
        }
    }

    proptest::proptest! {
        /// Any names and values come back as they were from the query string (as the EnOS
        /// signer and servers decode it), and the query string itself is plain ASCII with no
        /// separator inside a name or value.
        #[test]
        fn query_strings_round_trip(pairs in proptest::collection::vec((".{1,8}", ".{0,12}"), 1..5)) {
            let q = query_string(&pairs);
            proptest::prop_assert!(q.is_ascii());
            let rest = q.strip_prefix('?').unwrap_or_default();
            proptest::prop_assert_eq!(rest.matches('&').count(), pairs.len() - 1);
            proptest::prop_assert_eq!(rest.matches('=').count(), pairs.len());
            let decoded: Vec<(String, String)> =
                serde_urlencoded::from_str(rest).map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
            proptest::prop_assert_eq!(decoded, pairs);
        }
    }

    #[test]
    fn segments_are_percent_encoded() {
        let s = percent_encoding::utf8_percent_encode("a b/中", SEGMENT).to_string();
        assert_eq!(s, "a%20b%2F%E4%B8%AD");
    }
}
