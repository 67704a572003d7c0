//! Generated ids on a live target name nothing real: on a destructive operation every
//! non-empty string the harness generates for a value that names an object — a path parameter,
//! or a body field the documented success fills from a fixture (`userId: "{{userId}}"`,
//! `user_ids: ["{{user_id}}"]`) — starts with `contract-harness-`. The mark is applied to the
//! input after generation, so every shrunk input keeps it. Empty strings stay empty: they are
//! the documented "empty parameter" inputs, and an empty id names no object.

use serde_json::Value;

use super::case::BodyOverride;
use super::strategy::Input;
use crate::contract::Operation;

/// The prefix of every generated id on a live target.
pub const MARK: &str = "contract-harness-";

/// `v` with the mark, unless empty or already marked.
pub fn mark(v: &str) -> String {
    if v.is_empty() || v.starts_with(MARK) {
        v.to_string()
    } else {
        format!("{MARK}{v}")
    }
}

/// The top-level body fields that name objects: those the success template fills from a
/// fixture.
pub fn id_fields(op: &Operation) -> Vec<String> {
    let Some(Value::Object(template)) = &op.success.case.body else {
        return Vec::new();
    };
    let names_fixture = |v: &Value| match v {
        Value::String(s) => s.contains("{{"),
        Value::Array(items) => items
            .iter()
            .any(|i| i.as_str().is_some_and(|s| s.contains("{{"))),
        _ => false,
    };
    template
        .iter()
        .filter(|(_, v)| names_fixture(v))
        .map(|(k, _)| k.clone())
        .collect()
}

/// `input` with every generated id marked: path values, and the strings of `fields` in a JSON
/// body (a string, or the strings of a list).
pub fn mark_input(mut input: Input, fields: &[String]) -> Input {
    for v in input.values.values_mut() {
        *v = mark(v);
    }
    if let Some(BodyOverride::Json(Value::Object(body))) = &mut input.body {
        for f in fields {
            match body.get_mut(f) {
                Some(Value::String(s)) => *s = mark(s),
                Some(Value::Array(items)) => {
                    for i in items.iter_mut() {
                        if let Value::String(s) = i {
                            *s = mark(s);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    input
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    proptest! {
        #[test]
        fn every_non_empty_generated_id_is_marked(
            path in ".{0,12}",
            user in ".{0,12}",
            ids in proptest::collection::vec(".{0,8}", 0..4),
            other in ".{0,8}",
        ) {
            let input = Input {
                values: [("org_id".to_string(), path.clone())].into(),
                body: Some(BodyOverride::Json(json!({"userId": user, "user_ids": ids, "note": other}))),
                ..Input::default()
            };
            let fields = ["userId".to_string(), "user_ids".to_string()];
            let marked = mark_input(input, &fields);
            let ok = |s: &str| s.is_empty() || s.starts_with(MARK);
            prop_assert!(ok(&marked.values["org_id"]));
            let Some(BodyOverride::Json(body)) = &marked.body else { panic!("body") };
            prop_assert!(ok(body["userId"].as_str().unwrap_or_default()));
            for i in body["user_ids"].as_array().into_iter().flatten() {
                prop_assert!(ok(i.as_str().unwrap_or_default()));
            }
            // A field that names nothing is left as generated.
            prop_assert_eq!(body["note"].as_str(), Some(other.as_str()));
            // Marking twice changes nothing.
            let again = mark_input(marked.clone(), &fields);
            prop_assert_eq!(again, marked);
        }
    }
}
