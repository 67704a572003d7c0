//! Answers: status, content type, headers and body, and the error bodies in the service's
//! documented error shape (`code_field`, `message_field`, the rest of the schema's required
//! fields filled, checked against the error schema where it compiles).

use serde_json::{Map, Value, json};

use crate::contract::{Service, SpecSet};

/// What the mock answers to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// Content-Type, when there is a body.
    pub content_type: Option<String>,
    /// Other headers.
    pub headers: Vec<(String, String)>,
    /// Body bytes (empty for none).
    pub body: Vec<u8>,
}

impl Answer {
    /// A JSON answer.
    pub fn json(status: u16, body: &Value) -> Self {
        Self::json_as(status, body, "application/json")
    }

    /// A JSON answer with a given content type.
    pub fn json_as(status: u16, body: &Value, content_type: &str) -> Self {
        Self {
            status,
            content_type: Some(content_type.to_string()),
            headers: Vec::new(),
            body: body.to_string().into_bytes(),
        }
    }

    /// An answer without a body.
    pub fn empty(status: u16) -> Self {
        Self {
            status,
            content_type: None,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// The body as JSON, if it is.
    pub fn body_json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// With one more header.
    pub fn with_header(mut self, name: &str, value: String) -> Self {
        self.headers.push((name.to_string(), value));
        self
    }
}

/// Builds error bodies in one service's shape.
#[derive(Debug)]
pub struct ErrorShaper {
    code_field: String,
    message_field: String,
    template: Map<String, Value>,
    validator: Option<std::sync::Arc<jsonschema::Validator>>,
    /// Codes the service documents (a fallback that satisfies an enum or pattern of codes).
    documented: Vec<Value>,
    /// Whether the code field is a number.
    numeric_code: bool,
}

impl ErrorShaper {
    /// The shaper of `service` (its error examples give the template of other fields).
    pub fn new(specs: &SpecSet, service: &Service) -> Self {
        let shape = &service.errors;
        let ops = specs
            .operations
            .iter()
            .filter(|o| o.service == service.name);
        let mut template = Map::new();
        let mut documented = Vec::new();
        for op in ops {
            for ex in &op.error_examples {
                if let (Value::Object(m), true) = (&ex.body, template.is_empty()) {
                    template = m.clone();
                }
            }
            documented.extend(op.errors.iter().map(|e| e.code.clone()));
        }
        let schema_props = shape.schema.raw.get("properties");
        if let Some(required) = shape.schema.raw.get("required").and_then(Value::as_array) {
            for name in required.iter().filter_map(Value::as_str) {
                if !template.contains_key(name) {
                    let prop = schema_props.and_then(|p| p.get(name));
                    template.insert(name.to_string(), placeholder(prop));
                }
            }
        }
        let numeric_code = matches!(
            schema_props
                .and_then(|p| p.get(&shape.code_field))
                .and_then(|p| p.get("type"))
                .and_then(Value::as_str),
            Some("integer" | "number")
        ) || documented.first().is_some_and(Value::is_number);
        Self {
            code_field: shape.code_field.clone(),
            message_field: shape.message_field.clone(),
            template,
            validator: Some(shape.schema.validator.clone()),
            documented,
            numeric_code,
        }
    }

    /// The body of a documented error: its own code and message.
    pub fn documented(&self, code: &Value, message: &str) -> Value {
        self.body(code.clone(), message)
    }

    /// The body of a refusal the pages do not document (`word`: `UNAUTHORIZED`, ...; `status`
    /// the numeric code where the service's codes are numbers): the shape validates against
    /// the error schema where any candidate code does.
    pub fn undocumented(&self, word: &str, status: u16, message: &str) -> Value {
        let mut candidates = if self.numeric_code {
            vec![json!(status), json!(word)]
        } else {
            vec![json!(word), json!(status)]
        };
        candidates.extend(self.documented.iter().cloned());
        let first = self.body(candidates[0].clone(), message);
        let Some(v) = &self.validator else {
            return first;
        };
        candidates
            .into_iter()
            .map(|c| self.body(c, message))
            .find(|b| v.is_valid(b))
            .unwrap_or(first)
    }

    fn body(&self, code: Value, message: &str) -> Value {
        let mut body = Value::Object(self.template.clone());
        // Fields may be pointers into a nested error object (`/error/code`); a template whose
        // shape cannot hold them (a scalar on the way) keeps its own values.
        let _ = crate::contract::pointer::set(&mut body, &self.code_field, code);
        let _ = crate::contract::pointer::set(&mut body, &self.message_field, json!(message));
        body
    }
}

/// A value of a schema's type, for a required field the pages give no value for.
pub(crate) fn placeholder(schema: Option<&Value>) -> Value {
    match schema.and_then(|s| s.get("type")).and_then(Value::as_str) {
        Some("integer" | "number") => json!(0),
        Some("boolean") => json!(false),
        Some("array") => json!([]),
        Some("object") => json!({}),
        Some("null") => Value::Null,
        _ => json!(""),
    }
}

/// A documented message with its `{0}`, `{1}`, ... placeholders filled.
pub fn fill_message(message: &str, with: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(start) = rest.find('{') {
        let tail = &rest[start + 1..];
        match tail.find('}') {
            Some(end) if end > 0 && tail[..end].bytes().all(|b| b.is_ascii_digit()) => {
                out.push_str(&rest[..start]);
                out.push_str(with);
                rest = &tail[end + 1..];
            }
            _ => {
                out.push_str(&rest[..=start]);
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_get_their_placeholders_filled() {
        assert_eq!(
            fill_message("Field {0} is bad: {1}", "x"),
            "Field x is bad: x"
        );
        assert_eq!(
            fill_message("no {placeholder} {}", "x"),
            "no {placeholder} {}"
        );
        assert_eq!(fill_message("plain", "x"), "plain");
    }

    #[test]
    fn answers_carry_json() {
        let a = Answer::json(201, &json!({"a": 1})).with_header("Location", "/x".into());
        assert_eq!(a.body_json(), Some(json!({"a": 1})));
        assert_eq!(a.content_type.as_deref(), Some("application/json"));
        assert_eq!(Answer::empty(204).body_json(), None);
    }
}
