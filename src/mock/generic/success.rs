//! The documented success's body: the spec's example, with fixture values filled in where
//! its fields carry a value's name (`pet_id: p-123` → the request's pet) or a `{{value}}`
//! placeholder, then `success.case.fields` set (they are what the harness asserts).

use serde_json::{Map, Value, json};

use super::values::{render, scalar_text};
use crate::contract::Operation;
use crate::exec::values::Values;

/// The success body for a request whose values (its own, over its fixture's) are `values`;
/// `None` for an operation whose success has no body.
pub fn body(op: &Operation, values: &Values) -> Option<Value> {
    let json_body = op.success.body.json()?;
    let mut body = json_body.example.clone().unwrap_or_else(|| json!({}));
    fill(&mut body, values);
    // Without an example (or with one that leaves a required field out) the body still has
    // every field the schema requires, with a value of its type.
    let schema = &json_body.schema.raw;
    if let (Value::Object(m), Some(required)) =
        (&mut body, schema.get("required").and_then(Value::as_array))
    {
        for name in required.iter().filter_map(Value::as_str) {
            if !m.contains_key(name) {
                let prop = schema.get("properties").and_then(|p| p.get(name));
                let value = values
                    .get(name)
                    .map_or_else(|| super::respond::placeholder(prop), |v| json!(v));
                m.insert(name.to_string(), value);
            }
        }
    }
    for (k, v) in &op.success.case.fields {
        // A field may be a pointer into the body (`/meta/pinned`).
        let _ = crate::contract::pointer::set(&mut body, k, rendered(v, values));
    }
    Some(body)
}

/// `{{name}}` placeholders rendered in every string of a value.
fn rendered(v: &Value, values: &Values) -> Value {
    match v {
        Value::String(s) => json!(render(s, values)),
        Value::Array(a) => Value::Array(a.iter().map(|x| rendered(x, values)).collect()),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| (k.clone(), rendered(x, values)))
                .collect::<Map<_, _>>(),
        ),
        other => other.clone(),
    }
}

fn fill(v: &mut Value, values: &Values) {
    match v {
        Value::String(s) => *s = render(s, values),
        Value::Array(a) => a.iter_mut().for_each(|x| fill(x, values)),
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                match (values.get(k), scalar_text(x)) {
                    (Some(value), Some(_)) => *x = typed_like(x, value),
                    _ => fill(x, values),
                }
            }
        }
        _ => {}
    }
}

/// `value` as the JSON type of `like` where it can be (a number stays a number).
fn typed_like(like: &Value, value: &str) -> Value {
    match like {
        // A value that is not of the field's type leaves the example's own (a fixture value
        // `version: note-version-1` never lands in an integer `version`).
        Value::Number(_) => serde_json::from_str::<serde_json::Number>(value)
            .map(Value::Number)
            .unwrap_or_else(|_| like.clone()),
        Value::Bool(_) => value
            .parse::<bool>()
            .map(Value::Bool)
            .unwrap_or_else(|_| like.clone()),
        _ => json!(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_get_fixture_values_and_fields() {
        let op: Operation = serde_json::from_value(json!({
            "id": "x", "summary": "x", "method": "GET", "path": "/x/{pet_id}",
            "request": {"body": "none"},
            "success": {"status": 200, "body": {"schema": {}, "example": {
                "pet_id": "p-123", "owner": {"owner_id": 7, "label": "{{pet_id}}!"}, "n": 1}},
                "case": {"fixture": "f", "fields": {"echo": "{{pet_id}}", "ok": true}}},
            "errors": []
        }))
        .expect("op");
        let values = Values::from([
            ("pet_id".to_string(), "rex".to_string()),
            ("owner_id".to_string(), "1004".to_string()),
        ]);
        assert_eq!(
            body(&op, &values),
            Some(
                json!({"pet_id": "rex", "owner": {"owner_id": 1004, "label": "rex!"}, "n": 1, "echo": "rex", "ok": true})
            )
        );
    }

    #[test]
    fn a_body_without_example_has_every_required_field_and_pointer_fields() {
        let op: Operation = serde_json::from_value(json!({
            "id": "x", "summary": "x", "method": "GET", "path": "/x/{pet_id}",
            "request": {"body": "none"},
            "success": {"status": 200, "body": {"schema": {
                "type": "object", "required": ["pet_id", "name", "age", "meta"],
                "properties": {"pet_id": {"type": "string"}, "name": {"type": "string"},
                    "age": {"type": "integer"}, "meta": {"type": "object"}}}},
                "case": {"fixture": "f", "fields": {"/meta/pinned": true}}},
            "errors": []
        }))
        .expect("op");
        let values = Values::from([("pet_id".to_string(), "rex".to_string())]);
        assert_eq!(
            body(&op, &values),
            Some(json!({"pet_id": "rex", "name": "", "age": 0, "meta": {"pinned": true}}))
        );
    }
}
