//! Error responses (4xx, 5xx, `default`) to the service's error shape and each operation's
//! `errors:`, with codes and messages taken from the response examples.

use serde_json::{Map, Value, json};

/// How the service carries errors, as `service.yaml` says it.
#[derive(Debug, Clone)]
pub struct Shape {
    /// `http_status` or `envelope`.
    pub carrier: String,
    /// Body field holding the code.
    pub code_field: String,
    /// Body field holding the message.
    pub message_field: String,
    /// Envelope code of a success.
    pub success_code: Option<Value>,
    /// JSON Schema of an error body.
    pub schema: Value,
    /// Where this came from, what is left to do.
    pub comments: Vec<String>,
}

impl Shape {
    /// The `errors:` value of `service.yaml`.
    pub fn value(&self) -> Value {
        let mut m = Map::new();
        m.insert("carrier".into(), json!(self.carrier));
        m.insert("code_field".into(), json!(self.code_field));
        m.insert("message_field".into(), json!(self.message_field));
        if let Some(c) = &self.success_code {
            m.insert("success_code".into(), c.clone());
        }
        m.insert("schema".into(), self.schema.clone());
        Value::Object(m)
    }
}

/// Property names that hold an error code, best first.
const CODE_NAMES: &[&str] = &["error_code", "errorcode", "code", "err_code", "errcode"];
/// Property names that hold an error message, best first.
const MESSAGE_NAMES: &[&str] = &[
    "error_msg",
    "message",
    "msg",
    "error_message",
    "errormessage",
    "errmsg",
    "error_description",
    "detail",
];

fn normalized(name: &str) -> String {
    name.to_ascii_lowercase().replace('-', "_")
}

/// The code and message fields of an error schema: one string or integer property named like
/// a code and one string property named like a message; or, when the schema nests them in an
/// object property (`{"error": {"code", "message"}}`), JSON pointers to them (`/error/code`).
pub fn fields_of(schema: &Value) -> Option<(String, String)> {
    if let Some(top) = flat_fields_of(schema) {
        return Some(top);
    }
    schema
        .get("properties")?
        .as_object()?
        .iter()
        .find_map(|(name, sub)| {
            let (c, m) = flat_fields_of(sub)?;
            let esc = |s: &str| s.replace('~', "~0").replace('/', "~1");
            Some((
                format!("/{}/{}", esc(name), esc(&c)),
                format!("/{}/{}", esc(name), esc(&m)),
            ))
        })
}

fn flat_fields_of(schema: &Value) -> Option<(String, String)> {
    let props = schema.get("properties")?.as_object()?;
    let typed = |p: &Value, types: &[&str]| match p.get("type") {
        Some(Value::String(t)) => types.contains(&t.as_str()),
        Some(Value::Array(ts)) => ts
            .iter()
            .any(|t| t.as_str().is_some_and(|t| types.contains(&t))),
        _ => false,
    };
    let pick = |names: &[&str], types: &[&str]| {
        names.iter().find_map(|want| {
            props
                .iter()
                .find(|(k, p)| normalized(k) == *want && typed(p, types))
                .map(|(k, _)| k.clone())
        })
    };
    let code = pick(CODE_NAMES, &["string", "integer"])?;
    let message = pick(MESSAGE_NAMES, &["string"])?;
    Some((code, message))
}

/// The service's error shape from the first error response schema of the document (and our
/// own export's `x-contract-services.<name>.errors`, when present).
pub fn shape(schema: Option<(Value, String)>, ext: Option<&Value>) -> Shape {
    let (schema, from) = match schema {
        Some((s, at)) => (s, Some(at)),
        None => (json!({"type": "object"}), None),
    };
    let mut comments = Vec::new();
    match &from {
        Some(at) => comments.push(format!("The error body schema of {at}.")),
        None => comments.push(
            "TODO: the document gives no error response schema; describe the error body".into(),
        ),
    }
    if let Some(e) = ext {
        let text = |k: &str| e.get(k).and_then(Value::as_str).map(str::to_string);
        if let (Some(carrier), Some(code), Some(message)) =
            (text("carrier"), text("code_field"), text("message_field"))
        {
            comments.push("Carrier and fields from x-contract-services.".into());
            return Shape {
                carrier,
                code_field: code,
                message_field: message,
                success_code: e.get("success_code").cloned(),
                schema,
                comments,
            };
        }
    }
    let (code_field, message_field) = match fields_of(&schema) {
        Some((c, m)) => {
            comments.push(format!(
                "The code is `{c}` and the message `{m}`: the schema's properties named like them."
            ));
            (c, m)
        }
        None => {
            comments.push(
                "TODO: no property of the error schema is named like a code and a message; `code` and `message` until they are written".into(),
            );
            ("code".into(), "message".into())
        }
    };
    Shape {
        carrier: "http_status".into(),
        code_field,
        message_field,
        success_code: None,
        schema,
        comments,
    }
}

/// One error response of an operation, resolved.
#[derive(Debug, Clone)]
pub struct ErrorResponse {
    /// `400`, `5XX`, `default`.
    pub status: String,
    /// JSON pointer of the response in the input.
    pub pointer: String,
    /// Its description.
    pub description: String,
    /// The examples of its JSON content, each with where it came from.
    pub examples: Vec<(Value, String)>,
}

/// What an operation's error responses give.
#[derive(Debug, Clone, Default)]
pub struct OpErrors {
    /// The `errors:` entries.
    pub errors: Vec<Value>,
    /// Where each entry came from.
    pub comments: Vec<String>,
    /// The `error_examples:`.
    pub examples: Vec<Value>,
    /// Error statuses for which no example gives a code (for `not_promised:`).
    pub not_promised: Vec<String>,
    /// Those responses: status and pointer.
    pub uncoded: Vec<(String, String)>,
}

/// Errors from the examples of the error responses: one entry per code an example shows.
pub fn from_responses(responses: &[ErrorResponse], shape: &Shape) -> OpErrors {
    let mut out = OpErrors::default();
    for r in responses {
        let status: Option<u16> = r.status.parse().ok();
        let mut coded = false;
        for (ex, at) in &r.examples {
            let Some(code) = crate::contract::pointer::get(ex, &shape.code_field)
                .filter(|c| c.is_string() || c.is_i64() || c.is_u64())
            else {
                continue;
            };
            if out.errors.iter().any(|e| e.get("code") == Some(code)) {
                continue;
            }
            let Some(status) = status else {
                // `default` or `4XX`: the carrier needs a status, which this response lacks.
                continue;
            };
            coded = true;
            let mut e = Map::new();
            e.insert("code".into(), code.clone());
            e.insert("status".into(), json!(status));
            if let Some(m) =
                crate::contract::pointer::get(ex, &shape.message_field).and_then(Value::as_str)
            {
                e.insert("message".into(), json!(m));
            }
            if !r.description.is_empty() {
                e.insert("description".into(), json!(r.description));
            }
            let what = if status >= 500 {
                "the server's own failure? then not_provokable with the reason".to_string()
            } else {
                "the request that provokes it (input, unknown or fixture)".to_string()
            };
            e.insert("trigger".into(), json!({"todo": format!("how to provoke {}: {what}", crate::contract::code_text(code))}));
            out.errors.push(Value::Object(e));
            out.comments.push(format!("From {at}."));
            out.examples.push(json!({"status": status, "body": ex}));
        }
        if !coded {
            let desc = if r.description.is_empty() {
                String::new()
            } else {
                format!(" ({})", r.description)
            };
            out.uncoded.push((r.status.clone(), r.pointer.clone()));
            out.not_promised.push(format!(
                "The error code of a {} response{desc}: the document gives no example with a code (TODO: add the codes as errors, from {})",
                r.status, r.pointer
            ));
        }
    }
    out
}

/// Errors as our own export wrote them (`x-contract-error-codes`).
pub fn from_extension(entries: &[Value]) -> OpErrors {
    let mut out = OpErrors::default();
    for e in entries {
        let mut m = Map::new();
        for k in [
            "code",
            "status",
            "message",
            "translation",
            "description",
            "measure",
        ] {
            if let Some(v) = e.get(k) {
                m.insert(k.into(), v.clone());
            }
        }
        let triggers: Vec<Value> = e
            .get("triggers")
            .and_then(Value::as_array)
            .map(|ts| ts.iter().map(trigger).collect())
            .unwrap_or_default();
        match triggers.as_slice() {
            [] => {
                m.insert("trigger".into(), json!({"todo": "how to provoke it"}));
            }
            [one] => {
                m.insert("trigger".into(), one.clone());
            }
            _ => {
                m.insert("triggers".into(), Value::Array(triggers));
            }
        }
        out.errors.push(Value::Object(m));
        out.comments.push("From x-contract-error-codes.".into());
    }
    out
}

/// A trigger as exported, without the empty members the export writes for input changes.
fn trigger(t: &Value) -> Value {
    let Some(input) = t.get("input").and_then(Value::as_object) else {
        return t.clone();
    };
    let kept: Map<String, Value> = input
        .iter()
        .filter(|(_, v)| match v {
            Value::Object(m) => !m.is_empty(),
            Value::Array(a) => !a.is_empty(),
            _ => true,
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    json!({ "input": kept })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_and_message_fields_are_found_by_name_and_type() {
        let s = json!({"type": "object", "properties": {
            "error_code": {"type": "string"}, "error_msg": {"type": "string"}, "request_id": {"type": "string"}
        }});
        assert_eq!(
            fields_of(&s),
            Some(("error_code".into(), "error_msg".into()))
        );
        let s = json!({"properties": {"code": {"type": "integer"}, "message": {"type": "string"}}});
        assert_eq!(fields_of(&s), Some(("code".into(), "message".into())));
        let s = json!({"properties": {"code": {"type": "object"}, "message": {"type": "string"}}});
        assert_eq!(fields_of(&s), None, "a code must be a string or an integer");
        let s = json!({"properties": {"error": {"type": "object", "properties": {
            "code": {"type": "string"}, "message": {"type": "string"}
        }}}});
        assert_eq!(
            fields_of(&s),
            Some(("/error/code".into(), "/error/message".into())),
            "nested fields are pointers"
        );
    }

    #[test]
    fn codes_come_from_examples_and_statuses_without_one_are_not_promised() {
        let shape = shape(
            Some((
                json!({"properties": {"code": {"type": "string"}, "msg": {"type": "string"}}}),
                "x".into(),
            )),
            None,
        );
        let r = vec![
            ErrorResponse {
                status: "404".into(),
                pointer: "/paths/~1a/get/responses/404".into(),
                description: "Not found".into(),
                examples: vec![(json!({"code": "NF", "msg": "no such pet"}), "ex".into())],
            },
            ErrorResponse {
                status: "default".into(),
                pointer: "/paths/~1a/get/responses/default".into(),
                description: "unexpected error".into(),
                examples: vec![],
            },
        ];
        let got = from_responses(&r, &shape);
        assert_eq!(got.errors.len(), 1);
        assert_eq!(got.errors[0]["code"], "NF");
        assert_eq!(got.errors[0]["status"], 404);
        assert_eq!(got.errors[0]["message"], "no such pet");
        assert!(got.errors[0]["trigger"]["todo"].is_string());
        assert_eq!(got.not_promised.len(), 1);
        assert!(got.not_promised[0].starts_with("The error code of a default response"));
    }
}
