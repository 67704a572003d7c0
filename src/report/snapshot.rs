//! Snapshots of documented cases: the request and response with volatile values replaced, so
//! that what the pages leave open is reviewed when it changes; [`super::snapshot_file`] compares
//! and records them.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::exec::Exchange;
use crate::secrets::Secrets;

/// The snapshot value of a case's exchanges. `fixture_values` maps each fixture value to its
/// name so that the same behaviour on another server gives the same snapshot; the target's
/// `secrets` are redacted.
pub fn snapshot_value(
    exchanges: &[Exchange],
    fixture_values: &BTreeMap<String, String>,
    secrets: &Secrets,
) -> Value {
    let steps: Vec<Value> = exchanges
        .iter()
        .map(|ex| {
            let request_body = ex.request.body.as_ref().map(|b| {
                serde_json::from_slice::<Value>(b)
                    .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(b).into_owned()))
            });
            let response_body = match &ex.response.json {
                Some(v) => v.clone(),
                None if ex.response.body.is_empty() => Value::Null,
                None => Value::String(ex.response.body_text(2000)),
            };
            let mut request = Map::new();
            request.insert("method".into(), json!(ex.request.method));
            request.insert("path".into(), json!(ex.request.path));
            if let Some(b) = request_body {
                request.insert("body".into(), b);
            }
            json!({
                "operation": ex.op,
                "request": Value::Object(request),
                "response": {
                    "status": ex.response.status,
                    "content_type": ex.response.header("content-type"),
                    "body": response_body,
                }
            })
        })
        .collect();
    let value = if steps.len() == 1 {
        steps.into_iter().next().unwrap_or(Value::Null)
    } else {
        Value::Array(steps)
    };
    scrub(&value, None, fixture_values, secrets)
}

fn volatile_key(key: &str) -> Option<&'static str> {
    let k = key.to_ascii_lowercase();
    if k.contains("request_id") || k.contains("requestid") || k == "trace_id" {
        Some("[request-id]")
    } else if k.contains("time")
        || k.contains("date")
        || k.starts_with("expires")
        || k.ends_with("_at")
    {
        Some("[timestamp]")
    } else if k == "id" || k.ends_with("_id") || k.ends_with("id") && key.ends_with("Id") {
        Some("[id]")
    } else {
        None
    }
}

fn replace_fixture_values(
    s: &str,
    fixture_values: &BTreeMap<String, String>,
    secrets: &Secrets,
) -> String {
    // Longest values first, so that one value inside another does not split it.
    let mut pairs: Vec<(&String, &String)> = fixture_values.iter().collect();
    pairs.sort_by_key(|(v, _)| std::cmp::Reverse(v.len()));
    let mut out = s.to_string();
    for (value, name) in pairs {
        if value.len() >= 3 && out.contains(value.as_str()) {
            out = replace_whole(&out, value, &format!("[fixture.{name}]"));
        }
    }
    secrets.redact(&out)
}

/// `s` with every occurrence of `value` that stands on its own replaced: not one inside a
/// longer word (`note-1` in a generated `note-128` stays, or the record would change with the
/// generated value).
fn replace_whole(s: &str, value: &str, with: &str) -> String {
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    // A percent-escape (`%20`) before the value ends the word before it.
    let escaped_before = |at: usize| {
        at >= 3
            && s.as_bytes().get(at - 3) == Some(&b'%')
            && s.as_bytes()[at - 2..at].iter().all(u8::is_ascii_hexdigit)
    };
    let mut out = String::with_capacity(s.len());
    let mut done = 0;
    let mut from = 0;
    while let Some(found) = s[from..].find(value) {
        let at = from + found;
        let end = at + value.len();
        let before = s[..at].chars().next_back();
        let after = s[end..].chars().next();
        let alone = (escaped_before(at) || !before.is_some_and(word)) && !after.is_some_and(word);
        if alone {
            out.push_str(&s[done..at]);
            out.push_str(with);
            done = end;
            from = end;
        } else {
            from = at + value.chars().next().map_or(1, char::len_utf8);
        }
    }
    out.push_str(&s[done..]);
    out
}

fn scrub(
    v: &Value,
    key: Option<&str>,
    fixture_values: &BTreeMap<String, String>,
    secrets: &Secrets,
) -> Value {
    match v {
        Value::String(s) => {
            let replaced = replace_fixture_values(s, fixture_values, secrets);
            if replaced != *s {
                return Value::String(replaced);
            }
            match key.and_then(volatile_key) {
                Some(placeholder) if key != Some("path") => Value::String(placeholder.into()),
                _ => Value::String(replaced),
            }
        }
        Value::Number(_) => match key.and_then(volatile_key) {
            Some(p) if p == "[timestamp]" => Value::String(p.into()),
            _ => v.clone(),
        },
        Value::Array(a) => Value::Array(
            a.iter()
                .map(|x| scrub(x, key, fixture_values, secrets))
                .collect(),
        ),
        // Keys are redacted too: a server may echo a token as an object key.
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| {
                    (
                        secrets.redact(k),
                        scrub(x, Some(k), fixture_values, secrets),
                    )
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Snapshot file name for a case: its name with `::` as `__`.
pub fn snapshot_name(case_name: &str) -> String {
    case_name.replace("::", "__")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_in_keys_are_redacted() {
        let secrets = Secrets::new();
        secrets.register("tok-as-key-5f2e");
        let v = json!({"tok-as-key-5f2e": {"x": 1}});
        let s = scrub(&v, None, &BTreeMap::new(), &secrets);
        assert_eq!(s, json!({"[REDACTED]": {"x": 1}}));
    }

    #[test]
    fn fixture_values_are_replaced_only_where_they_stand_alone() {
        assert_eq!(replace_whole("/pets/pet-1", "pet-1", "[p]"), "/pets/[p]");
        assert_eq!(replace_whole("pet-128", "pet-1", "[p]"), "pet-128");
        assert_eq!(
            replace_whole("xpet-1 pet-1.", "pet-1", "[p]"),
            "xpet-1 [p]."
        );
        assert_eq!(replace_whole("pet-1pet-1", "pet-1", "[p]"), "pet-1pet-1");
        assert_eq!(replace_whole("", "pet-1", "[p]"), "");
        assert_eq!(
            replace_whole("/%20pet-1%20/", "pet-1", "[p]"),
            "/%20[p]%20/"
        );
        assert_eq!(replace_whole("pet-1/pet-1", "pet-1", "[p]"), "[p]/[p]");
    }

    #[test]
    fn fixture_values_and_volatile_keys_are_replaced() {
        let fixtures: BTreeMap<String, String> =
            [("org-leaf".to_string(), "org_id".to_string())].into();
        let v = json!({"org_id": "org-leaf", "other_id": "x1", "created_at": 1234, "msg": "org-leaf gone", "n": 3});
        let s = scrub(&v, None, &fixtures, &Secrets::new());
        assert_eq!(
            s,
            json!({"org_id": "[fixture.org_id]", "other_id": "[id]", "created_at": "[timestamp]", "msg": "[fixture.org_id] gone", "n": 3})
        );
    }
}
