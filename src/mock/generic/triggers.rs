//! Which documented error a request provokes: each error's triggers, in the order the spec
//! lists them, matched against the request. An `input` trigger matches a request that carries
//! its change (a path value, a body value set or removed, by top-level field or JSON pointer,
//! a query or header value set or absent); `unknown: value` a request whose value names no live
//! fixture instance; `fixture: F` a request whose values are those of F's live instance.

use std::collections::BTreeMap;

use serde_json::Value;

use super::request::Incoming;
use super::state::State;
use super::values::scalar_text;
use crate::contract::{InputChange, Operation, Trigger};
use crate::exec::values::Values;

/// What a trigger is matched against.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The request.
    pub req: &'a Incoming,
    /// Its path values.
    pub path: &'a BTreeMap<String, String>,
    /// Its body as JSON, if it is.
    pub body: Option<&'a Value>,
    /// Its values by name.
    pub values: &'a Values,
    /// The instance's state.
    pub state: &'a State,
}

/// The first documented error (index into `op.errors`) whose trigger the request matches.
pub fn provoked(op: &Operation, cx: Context<'_>) -> Option<usize> {
    op.errors
        .iter()
        .position(|e| e.all_triggers().into_iter().any(|t| matches(t, cx)))
}

/// Whether the request matches a trigger.
pub fn matches(t: &Trigger, cx: Context<'_>) -> bool {
    match t {
        Trigger::Input(change) => input_matches(change, cx),
        Trigger::Unknown(name) => cx
            .values
            .get(name)
            .is_some_and(|v| !cx.state.names_live(name, v)),
        Trigger::Fixture(f) => cx.state.named_by(cx.values) == Some(f.as_str()),
        // A trigger not written yet says nothing the mock could act on.
        Trigger::NotProvokable(_) | Trigger::Todo(_) => false,
    }
}

fn param_matches(sent: Option<&str>, want: &Value) -> bool {
    match want {
        Value::Null => sent.is_none(),
        other => sent.is_some() && sent.map(str::to_string) == scalar_text(other),
    }
}

fn input_matches(c: &InputChange, cx: Context<'_>) -> bool {
    let empty = c.path.is_empty()
        && c.body.is_empty()
        && c.remove.is_empty()
        && c.query.is_empty()
        && c.headers.is_empty();
    if empty {
        return false;
    }
    let path = c.path.iter().all(|(k, v)| cx.path.get(k) == Some(v));
    let needs_body = !c.body.is_empty() || !c.remove.is_empty();
    let body = match cx.body {
        Some(b) => {
            c.body
                .iter()
                .all(|(k, v)| crate::contract::pointer::get(b, k) == Some(v))
                && c.remove
                    .iter()
                    .all(|k| b.is_object() && crate::contract::pointer::get(b, k).is_none())
        }
        None => !needs_body,
    };
    let query = c
        .query
        .iter()
        .all(|(k, v)| param_matches(cx.req.query(k), v));
    let headers = c
        .headers
        .iter()
        .all(|(k, v)| param_matches(cx.req.header(k), v));
    path && body && query && headers
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderMap;
    use serde_json::json;

    fn incoming(query: &[(&str, &str)]) -> Incoming {
        Incoming {
            method: "POST".into(),
            segments: vec![],
            query: query
                .iter()
                .map(|(a, b)| ((*a).to_string(), (*b).to_string()))
                .collect(),
            headers: HeaderMap::new(),
            body: Default::default(),
        }
    }

    fn trigger(v: Value) -> Trigger {
        serde_json::from_value(v).expect("trigger")
    }

    #[test]
    fn input_triggers_match_their_change_only() {
        let state = State::new(&BTreeMap::new());
        let req = incoming(&[("limit", "0")]);
        let path = BTreeMap::from([("app_id".to_string(), String::new())]);
        let body = json!({"quantity": 0, "owner": {"name": ""}});
        let values = Values::new();
        let cx = Context {
            req: &req,
            path: &path,
            body: Some(&body),
            values: &values,
            state: &state,
        };
        assert!(matches(
            &trigger(json!({"input": {"body": {"quantity": 0}}})),
            cx
        ));
        assert!(!matches(
            &trigger(json!({"input": {"body": {"quantity": 1}}})),
            cx
        ));
        assert!(matches(
            &trigger(json!({"input": {"body": {"/owner/name": ""}}})),
            cx
        ));
        assert!(matches(
            &trigger(json!({"input": {"remove": ["pet_id", "/owner/age"]}})),
            cx
        ));
        assert!(!matches(
            &trigger(json!({"input": {"remove": ["quantity"]}})),
            cx
        ));
        assert!(matches(
            &trigger(json!({"input": {"path": {"app_id": ""}}})),
            cx
        ));
        assert!(matches(
            &trigger(json!({"input": {"query": {"limit": 0}}})),
            cx
        ));
        assert!(matches(
            &trigger(json!({"input": {"headers": {"X-Id": null}}})),
            cx
        ));
        assert!(!matches(
            &trigger(json!({"input": {"query": {"limit": null}}})),
            cx
        ));
        let no_body = Context { body: None, ..cx };
        assert!(!matches(
            &trigger(json!({"input": {"remove": ["pet_id"]}})),
            no_body
        ));
    }

    #[test]
    fn unknown_and_fixture_triggers_read_the_state() {
        let mut state = State::new(&BTreeMap::from([
            (
                "pet".to_string(),
                Values::from([("pet_id".to_string(), "p1".to_string())]),
            ),
            (
                "busy".to_string(),
                Values::from([("pet_id".to_string(), "p2".to_string())]),
            ),
        ]));
        let req = incoming(&[]);
        let path = BTreeMap::new();
        let p1 = Values::from([("pet_id".to_string(), "p1".to_string())]);
        let p2 = Values::from([("pet_id".to_string(), "p2".to_string())]);
        let unknown = trigger(json!({"unknown": "pet_id"}));
        let busy = trigger(json!({"fixture": "busy"}));
        fn cx<'a>(
            req: &'a Incoming,
            path: &'a BTreeMap<String, String>,
            values: &'a Values,
            state: &'a State,
        ) -> Context<'a> {
            Context {
                req,
                path,
                body: None,
                values,
                state,
            }
        }
        assert!(!matches(&unknown, cx(&req, &path, &p1, &state)));
        assert!(matches(&busy, cx(&req, &path, &p2, &state)));
        assert!(!matches(&busy, cx(&req, &path, &p1, &state)));
        state.consume("pet");
        assert!(matches(&unknown, cx(&req, &path, &p1, &state)));
        let none = Values::new();
        assert!(
            !matches(&unknown, cx(&req, &path, &none, &state)),
            "no value, nothing unknown"
        );
    }
}
