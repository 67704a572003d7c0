//! Schema-invalid input: a missing or other Content-Type where the spec fixes one, a body that
//! is not JSON or does not match `request.body.schema`, a required query or header parameter
//! missing, a parameter value outside its schema. The answer (a documented 400-class error of an
//! `input` trigger, else 400 in the error shape) is the caller's.

use std::sync::Arc;

use std::collections::BTreeMap;

use serde_json::Value;

use super::request::Incoming;
use crate::contract::{Operation, ParamIn};

/// One parameter's check.
#[derive(Debug)]
struct ParamCheck {
    name: String,
    location: ParamIn,
    required: bool,
    validator: Option<Arc<jsonschema::Validator>>,
}

/// The input checks of one operation, compiled once.
#[derive(Debug)]
pub struct InputCheck {
    media_type: Option<String>,
    body: Option<Arc<jsonschema::Validator>>,
    params: Vec<ParamCheck>,
}

impl InputCheck {
    /// The checks of `op`, with the validators the loader compiled.
    pub fn new(op: &Operation) -> Self {
        let body = op.request.body.json().map(|b| b.schema.validator.clone());
        let params = op
            .parameters
            .iter()
            .map(|(name, p)| ParamCheck {
                name: name.clone(),
                location: p.location,
                required: p.is_required(),
                validator: p.schema.as_ref().map(|s| s.validator.clone()),
            })
            .collect();
        Self {
            media_type: op
                .request
                .content_type
                .as_deref()
                .and_then(|c| c.split(';').next())
                .map(|m| m.trim().to_ascii_lowercase()),
            body,
            params,
        }
    }

    /// What is wrong with the request's input, if anything.
    pub fn problem(
        &self,
        req: &Incoming,
        path: &BTreeMap<String, String>,
        body: Option<&Value>,
    ) -> Option<String> {
        if let Some(want) = &self.media_type {
            match req.media_type() {
                None => return Some(format!("Content-Type {want} is required")),
                Some(got) if &got != want => {
                    return Some(format!("Content-Type must be {want}, not {got}"));
                }
                Some(_) => {}
            }
        }
        if let Some(v) = &self.body {
            let Some(body) = body else {
                return Some("the body is not JSON".into());
            };
            if let Some(e) = v.iter_errors(body).next() {
                return Some(format!(
                    "the body is invalid at {}: {e}",
                    e.instance_path().as_str()
                ));
            }
        }
        for p in &self.params {
            let sent = match p.location {
                ParamIn::Path => path.get(&p.name).map(String::as_str),
                ParamIn::Query => req.query(&p.name),
                ParamIn::Header => req.header(&p.name),
            };
            let Some(sent) = sent else {
                if p.required {
                    return Some(format!(
                        "{} parameter {} is required",
                        p.location.word(),
                        p.name
                    ));
                }
                continue;
            };
            if let Some(v) = &p.validator {
                // A parameter travels as text: a number or boolean schema reads it as JSON.
                let as_json = serde_json::from_str::<Value>(sent)
                    .ok()
                    .filter(|j| !j.is_string() && v.is_valid(j));
                let value = as_json.unwrap_or_else(|| Value::String(sent.to_string()));
                if !v.is_valid(&value) {
                    return Some(format!(
                        "{} parameter {} does not match its schema",
                        p.location.word(),
                        p.name
                    ));
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderMap;
    use serde_json::json;

    fn op(v: Value) -> Operation {
        serde_json::from_value(v).expect("operation")
    }

    fn req(content_type: Option<&str>, query: &[(&str, &str)]) -> Incoming {
        let mut h = HeaderMap::new();
        if let Some(c) = content_type {
            h.insert("content-type", c.parse().expect("value"));
        }
        Incoming {
            method: "POST".into(),
            segments: vec![],
            query: query
                .iter()
                .map(|(a, b)| ((*a).to_string(), (*b).to_string()))
                .collect(),
            headers: h,
            body: Default::default(),
        }
    }

    #[test]
    fn bodies_content_types_and_parameters_are_checked() {
        let o = op(json!({
            "id": "x", "summary": "x", "method": "POST", "path": "/x",
            "parameters": {"limit": {"in": "query", "required": true, "schema": {"type": "integer", "minimum": 1}}},
            "request": {"content_type": "application/json", "body": {"schema": {"type": "object", "required": ["a"]}}},
            "success": {"status": 200, "body": "none", "case": {"fixture": "f"}},
            "errors": []
        }));
        let c = InputCheck::new(&o);
        let path = BTreeMap::new();
        let good = json!({"a": 1});
        assert_eq!(
            c.problem(
                &req(Some("application/json; charset=utf-8"), &[("limit", "3")]),
                &path,
                Some(&good)
            ),
            None
        );
        assert!(
            c.problem(&req(None, &[("limit", "3")]), &path, Some(&good))
                .is_some_and(|p| p.contains("required"))
        );
        assert!(
            c.problem(
                &req(Some("text/plain"), &[("limit", "3")]),
                &path,
                Some(&good)
            )
            .is_some()
        );
        assert!(
            c.problem(
                &req(Some("application/json"), &[("limit", "3")]),
                &path,
                None
            )
            .is_some_and(|p| p.contains("not JSON"))
        );
        assert!(
            c.problem(
                &req(Some("application/json"), &[("limit", "3")]),
                &path,
                Some(&json!({}))
            )
            .is_some()
        );
        assert!(
            c.problem(&req(Some("application/json"), &[]), &path, Some(&good))
                .is_some_and(|p| p.contains("limit"))
        );
        assert!(
            c.problem(
                &req(Some("application/json"), &[("limit", "0")]),
                &path,
                Some(&good)
            )
            .is_some()
        );
        assert!(
            c.problem(
                &req(Some("application/json"), &[("limit", "x")]),
                &path,
                Some(&good)
            )
            .is_some()
        );
    }
}
