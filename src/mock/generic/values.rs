//! The values a request carries by name, read where the documented success request puts them:
//! path values, query and header parameters, and the body places that the success case's body
//! template fills with `{{value}}` (`{"user_names": ["{{user_name}}"]}` → `user_name`).

use std::collections::BTreeMap;

use serde_json::Value;

use super::auth::one_placeholder;
use super::request::Incoming;
use crate::contract::{Operation, ParamIn};
use crate::exec::values::Values;

/// A JSON scalar as the text a fixture value would be.
pub fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The request's values: name → value.
pub fn request_values(
    op: &Operation,
    req: &Incoming,
    path: &BTreeMap<String, String>,
    body: Option<&Value>,
) -> Values {
    let mut out: Values = path.clone();
    for (name, _) in op.params_in(ParamIn::Query) {
        if let Some(v) = req.query(name) {
            out.insert(name.clone(), v.to_string());
        }
    }
    for (name, _) in op.params_in(ParamIn::Header) {
        if let Some(v) = req.header(name) {
            out.insert(name.clone(), v.to_string());
        }
    }
    for (name, template) in &op.success.case.query {
        if let (Some((p, value, s)), Some(sent)) = (one_placeholder(template), req.query(name))
            && let Some(v) = sent.strip_prefix(p).and_then(|r| r.strip_suffix(s))
        {
            out.insert(value.to_string(), v.to_string());
        }
    }
    for (name, template) in &op.success.case.headers {
        if let (Some((p, value, s)), Some(sent)) = (one_placeholder(template), req.header(name))
            && let Some(v) = sent.strip_prefix(p).and_then(|r| r.strip_suffix(s))
        {
            out.insert(value.to_string(), v.to_string());
        }
    }
    if let (Some(template), Some(body)) = (&op.success.case.body, body) {
        body_values(template, body, &mut out);
    }
    out
}

fn body_values(template: &Value, sent: &Value, out: &mut Values) {
    match template {
        Value::String(s) => {
            // A string place takes a string only: a value of another type names nothing.
            if let (Some((p, name, suf)), Value::String(text)) = (one_placeholder(s), sent)
                && let Some(v) = text.strip_prefix(p).and_then(|r| r.strip_suffix(suf))
            {
                out.entry(name.to_string()).or_insert_with(|| v.to_string());
            }
        }
        Value::Object(m) => {
            for (k, t) in m {
                if let Some(v) = sent.get(k) {
                    body_values(t, v, out);
                }
            }
        }
        Value::Array(a) => {
            // A list template names its values by its first element: every element sent
            // stands for it (the first one found is the request's value).
            if let (Some(t), Value::Array(items)) = (a.first(), sent) {
                for item in items {
                    body_values(t, item, out);
                }
            }
        }
        _ => {}
    }
}

/// Renders `{{name}}` placeholders of a template string from values (unknown names stay).
pub fn render(template: &str, values: &Values) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else {
            break;
        };
        let name = rest[start + 2..start + 2 + len].trim();
        out.push_str(&rest[..start]);
        match values.get(name) {
            Some(v) => out.push_str(v),
            None => out.push_str(&rest[start..start + 4 + len]),
        }
        rest = &rest[start + 4 + len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn body_places_of_the_template_name_values() {
        let mut out = Values::new();
        body_values(
            &json!({"pet_id": "{{pet_id}}", "quantity": 1, "names": ["{{user_name}}"], "n": {"x": "id-{{x}}"}}),
            &json!({"pet_id": "p-1", "quantity": 3, "names": ["ann", "bob"], "n": {"x": "id-7"}}),
            &mut out,
        );
        assert_eq!(out["pet_id"], "p-1");
        assert_eq!(out["user_name"], "ann");
        assert_eq!(out["x"], "7");
        assert!(!out.contains_key("quantity"));
    }

    #[test]
    fn templates_render() {
        let v = Values::from([("a".to_string(), "1".to_string())]);
        assert_eq!(render("x{{a}}y{{ b }}", &v), "x1y{{ b }}");
    }
}
