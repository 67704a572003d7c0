//! Body changes of triggers: a top-level field, or a JSON pointer (RFC 6901) into the body that
//! sets a nested value (creating missing intermediate objects) or removes one.

use serde_json::{Map, Value};

use super::model::pointer_segments;

/// Why a body change cannot be made on a body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PointerError {
    /// A value on the way is neither an object nor a list.
    #[error("the value at `{at}` is {found}, not an object or a list")]
    NotAContainer {
        /// The whole pointer.
        pointer: String,
        /// Where the walk stopped.
        at: String,
        /// What it found there.
        found: &'static str,
    },
    /// A list index that is not a number, or past the end of the list.
    #[error("`{segment}` at `{at}` is not an index of a list of {len}")]
    BadIndex {
        /// The whole pointer.
        pointer: String,
        /// Where the walk stopped.
        at: String,
        /// The segment.
        segment: String,
        /// The list's length.
        len: usize,
    },
}

impl PointerError {
    /// The pointer that could not be applied.
    pub fn pointer(&self) -> &str {
        match self {
            PointerError::NotAContainer { pointer, .. }
            | PointerError::BadIndex { pointer, .. } => pointer,
        }
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// `/`-joined, escaped prefix of `segments` (for messages).
fn prefix(segments: &[String]) -> String {
    if segments.is_empty() {
        return "/".into();
    }
    segments
        .iter()
        .map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1")))
        .collect()
}

/// The value `key` names in `body`: a top-level field, or (a key starting with `/`) the value
/// a JSON pointer names (`/error/code` in `{"error": {"code": …}}`).
pub fn get<'a>(body: &'a Value, key: &str) -> Option<&'a Value> {
    if key.starts_with('/') {
        body.pointer(key)
    } else {
        body.get(key)
    }
}

/// Sets `key` of `body` to `value`: a top-level field, or the value a pointer names.
///
/// # Errors
/// When a value on the pointer's way is a scalar, or a list index is wrong.
pub fn set(body: &mut Value, key: &str, value: Value) -> Result<(), PointerError> {
    let Some(segments) = pointer_segments(key) else {
        if let Value::Object(m) = body {
            m.insert(key.to_string(), value);
        }
        return Ok(());
    };
    let bad_index = |at: &[String], segment: &str, len| PointerError::BadIndex {
        pointer: key.to_string(),
        at: prefix(at),
        segment: segment.to_string(),
        len,
    };
    let (last, way) = match segments.split_last() {
        Some(split) => split,
        None => return Ok(()),
    };
    let mut here = body;
    for (i, seg) in way.iter().enumerate() {
        if here.is_null() {
            *here = Value::Object(Map::new());
        }
        here = match here {
            Value::Object(m) => m
                .entry(seg.clone())
                .or_insert_with(|| Value::Object(Map::new())),
            Value::Array(a) => {
                let len = a.len();
                match seg.parse::<usize>().ok().filter(|&j| j < len) {
                    Some(j) => &mut a[j],
                    None => return Err(bad_index(&segments[..i], seg, len)),
                }
            }
            other => {
                return Err(PointerError::NotAContainer {
                    pointer: key.to_string(),
                    at: prefix(&segments[..i]),
                    found: kind(other),
                });
            }
        };
    }
    if here.is_null() {
        *here = Value::Object(Map::new());
    }
    match here {
        Value::Object(m) => {
            m.insert(last.clone(), value);
            Ok(())
        }
        Value::Array(a) => {
            let len = a.len();
            match last.as_str() {
                "-" => a.push(value),
                seg => match seg.parse::<usize>() {
                    Ok(j) if j < len => a[j] = value,
                    Ok(j) if j == len => a.push(value),
                    _ => return Err(bad_index(way, seg, len)),
                },
            }
            Ok(())
        }
        other => Err(PointerError::NotAContainer {
            pointer: key.to_string(),
            at: prefix(way),
            found: kind(other),
        }),
    }
}

/// Removes `key` from `body` (a top-level field, or the value a pointer names); whether there
/// was a value to remove.
pub fn remove(body: &mut Value, key: &str) -> bool {
    let Some(segments) = pointer_segments(key) else {
        return body
            .as_object_mut()
            .is_some_and(|m| m.remove(key).is_some());
    };
    let Some((last, way)) = segments.split_last() else {
        return false;
    };
    let mut here = body;
    for seg in way {
        let next = match here {
            Value::Object(m) => m.get_mut(seg),
            Value::Array(a) => seg.parse::<usize>().ok().and_then(|j| a.get_mut(j)),
            _ => None,
        };
        match next {
            Some(v) => here = v,
            None => return false,
        }
    }
    match here {
        Value::Object(m) => m.remove(last).is_some(),
        Value::Array(a) => match last.parse::<usize>() {
            Ok(j) if j < a.len() => {
                a.remove(j);
                true
            }
            _ => false,
        },
        _ => false,
    }
}

/// The top-level field a body key changes (`/owner/name` → `owner`, `user_ids` → itself).
pub fn top_field(key: &str) -> String {
    match pointer_segments(key) {
        Some(segments) => segments.into_iter().next().unwrap_or_default(),
        None => key.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn plain_keys_are_top_level_fields() {
        let mut b = json!({"a": 1, "b": 2});
        set(&mut b, "a", json!("x")).expect("set");
        assert!(remove(&mut b, "b"));
        assert!(!remove(&mut b, "b"));
        assert_eq!(b, json!({"a": "x"}));
        // A plain key with a slash inside is a field name, not a pointer.
        set(&mut b, "a/b", json!(1)).expect("set");
        assert_eq!(b["a/b"], json!(1));
    }

    #[test]
    fn pointers_set_nested_values_creating_objects() {
        let mut b = json!({"owner": {"name": "ann", "age": 3}});
        set(&mut b, "/owner/name", json!("")).expect("set");
        assert_eq!(b, json!({"owner": {"name": "", "age": 3}}));
        set(&mut b, "/new/deep/x", json!(true)).expect("set");
        assert_eq!(b["new"], json!({"deep": {"x": true}}));
        // null on the way counts as absent.
        let mut b = json!({"owner": null});
        set(&mut b, "/owner/name", json!("z")).expect("set");
        assert_eq!(b, json!({"owner": {"name": "z"}}));
    }

    #[test]
    fn pointers_index_lists_and_unescape() {
        let mut b = json!({"tags": ["a", "b"], "a/b": {"m~n": 1}});
        set(&mut b, "/tags/1", json!(null)).expect("replace");
        set(&mut b, "/tags/2", json!("c")).expect("append at the end");
        set(&mut b, "/tags/-", json!("d")).expect("append");
        assert_eq!(b["tags"], json!(["a", null, "c", "d"]));
        set(&mut b, "/a~1b/m~0n", json!(2)).expect("escaped");
        assert_eq!(b["a/b"], json!({"m~n": 2}));
        assert!(remove(&mut b, "/tags/0"));
        assert_eq!(b["tags"], json!([null, "c", "d"]));
        assert!(remove(&mut b, "/a~1b/m~0n"));
        assert_eq!(b["a/b"], json!({}));
        assert!(!remove(&mut b, "/tags/9"));
        assert!(!remove(&mut b, "/nothing/here"));
    }

    #[test]
    fn impossible_changes_say_where() {
        let mut b = json!({"name": "x", "list": [1]});
        let e = set(&mut b, "/name/first", json!(1)).expect_err("scalar on the way");
        assert_eq!(
            e.to_string(),
            "the value at `/name` is a string, not an object or a list"
        );
        assert_eq!(e.pointer(), "/name/first");
        let e = set(&mut b, "/list/5", json!(1)).expect_err("past the end");
        assert_eq!(
            e.to_string(),
            "`5` at `/list` is not an index of a list of 1"
        );
        let e = set(&mut b, "/list/x/y", json!(1)).expect_err("not an index");
        assert!(matches!(e, PointerError::BadIndex { .. }), "{e}");
        assert_eq!(b, json!({"name": "x", "list": [1]}), "unchanged on error");
    }

    fn escaped(segments: &[String]) -> String {
        segments
            .iter()
            .map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1")))
            .collect()
    }

    proptest::proptest! {
        /// Any pointer of names (with `/` and `~` inside) into any object body: after a set,
        /// serde_json's own pointer lookup finds the value there and every other top-level
        /// field is untouched; a remove then takes exactly that value away.
        #[test]
        fn set_then_remove_round_trips(
            segments in proptest::collection::vec("[a-z/~0-9]{0,4}", 1..5),
            others in proptest::collection::btree_map("[A-Z]{1,3}", 0i64..9, 0..4),
            value in 0i64..1000,
        ) {
            let mut body = Value::Object(others.iter().map(|(k, v)| (k.clone(), json!(v))).collect());
            let before = body.clone();
            let key = escaped(&segments);
            proptest::prop_assert!(set(&mut body, &key, json!(value)).is_ok());
            proptest::prop_assert_eq!(body.pointer(&key), Some(&json!(value)));
            for (k, v) in &others {
                if *k != segments[0] {
                    proptest::prop_assert_eq!(&body[k.as_str()], &json!(v));
                }
            }
            proptest::prop_assert!(remove(&mut body, &key));
            proptest::prop_assert_eq!(body.pointer(&key), None);
            if segments.len() == 1 {
                proptest::prop_assert_eq!(body, before);
            }
        }
    }

    #[test]
    fn top_fields() {
        assert_eq!(top_field("/owner/name"), "owner");
        assert_eq!(top_field("user_ids"), "user_ids");
        assert_eq!(top_field("/a~1b"), "a/b");
    }
}
