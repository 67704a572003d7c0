//! proptest strategies derived from JSON Schemas and path parameters: valid values, values
//! that violate a schema, malformed bodies, and ids that name nothing.

use std::collections::BTreeMap;
use std::fmt;

use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

use super::case::BodyOverride;

/// One generated input: literal values for path parameters or body placeholders, a body, and
/// query and header parameters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Input {
    /// Values replacing fixture values (`org_id`).
    pub values: BTreeMap<String, String>,
    /// The body replacing the documented one.
    pub body: Option<BodyOverride>,
    /// Query parameters replacing the documented ones (`None`: left out).
    pub query: BTreeMap<String, Option<String>>,
    /// Header parameters replacing the documented ones (`None`: left out).
    pub headers: BTreeMap<String, Option<String>>,
}

fn show(s: &str) -> String {
    let chars = s.chars().count();
    if chars > 80 {
        let head: String = s.chars().take(40).collect();
        format!("{head:?}… ({chars} characters)")
    } else {
        format!("{s:?}")
    }
}

impl fmt::Display for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        for (k, v) in &self.values {
            parts.push(format!("{k} = {}", show(v)));
        }
        match &self.body {
            Some(BodyOverride::Json(v)) => parts.push(format!("body = {}", show_json(v))),
            Some(BodyOverride::Raw(bytes, ct)) => parts.push(format!(
                "body bytes = {}, Content-Type = {}",
                visible(&show(&String::from_utf8_lossy(bytes))),
                ct.as_deref()
                    .map_or("(none)".to_string(), |c| format!("{c:?}"))
            )),
            None => {}
        }
        for (word, map) in [("query", &self.query), ("header", &self.headers)] {
            for (k, v) in map {
                parts.push(match v {
                    Some(v) => format!("{word} {k} = {}", visible(&show(v))),
                    None => format!("{word} {k} left out"),
                });
            }
        }
        f.write_str(&parts.join("; "))
    }
}

/// Makes invisible characters visible (`\u{feff}`), so a minimal input can be read.
pub fn visible(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}') {
                format!("\\u{{{:x}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn show_json(v: &Value) -> String {
    let s = visible(&v.to_string());
    if s.chars().count() > 200 {
        format!(
            "{}… ({} bytes)",
            s.chars().take(160).collect::<String>(),
            s.len()
        )
    } else {
        s
    }
}

/// The pieces long strings repeat: ASCII first, so that shrinking prefers it.
const LONG_PIECES: [&str; 3] = ["x", "中", "ä😀"];

/// A string of `len` characters, one piece repeated: what matters in a long string is its
/// length, and a length shrinks by binary search (proptest's integer shrinking) to the shortest
/// that still fails, in about log2(`max`) steps, where a regex repetition would remove one
/// character per step and stop at its lower bound.
pub fn long_string(min: usize, max: usize) -> BoxedStrategy<String> {
    (min..=max, 0..LONG_PIECES.len())
        .prop_map(|(len, piece)| {
            LONG_PIECES[piece]
                .chars()
                .cycle()
                .take(len)
                .collect::<String>()
        })
        .boxed()
}

/// `s` cut to at most `max` characters and padded with `a` to at least `min`.
fn within_lengths(s: String, min: usize, max: Option<usize>) -> String {
    let mut out: String = match max {
        Some(m) => s.chars().take(m).collect(),
        None => s,
    };
    let n = out.chars().count();
    if n < min {
        out.extend(std::iter::repeat_n('a', min - n));
    }
    out
}

/// Strings of every sort a server meets: plain, non-ASCII, control characters, very long.
pub fn any_string() -> BoxedStrategy<String> {
    prop_oneof![
        4 => "[a-zA-Z0-9_-]{0,16}",
        2 => "[a-z0-9 äöüß中文字😀\u{202e}\u{feff}]{1,24}",
        1 => "[\\x00-\\x1f\\x7f]{1,8}",
        1 => long_string(1, 20_000),
    ]
    .boxed()
}

/// Ids that fit in a path segment: non-empty, no `/`, with non-ASCII and very long ones.
pub fn path_value() -> BoxedStrategy<String> {
    prop_oneof![
        4 => "[a-zA-Z0-9_~-]{1,24}",
        2 => "[a-zA-Z0-9äöü中文字😀]{1,24}",
        1 => long_string(1, 400),
    ]
    .boxed()
}

/// Ids that name nothing: non-blank, never one of `known`.
pub fn unknown_value(known: Vec<String>) -> BoxedStrategy<String> {
    path_value()
        .prop_filter("must not name a fixture", move |v| {
            !v.trim().is_empty() && !known.contains(v)
        })
        .boxed()
}

fn types_of(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Values valid under a (simple) JSON Schema: objects, arrays, strings, booleans, numbers.
pub fn valid_value(schema: &Value) -> BoxedStrategy<Value> {
    if let Some(c) = schema.get("const") {
        return Just(c.clone()).boxed();
    }
    if let Some(values) = schema
        .get("enum")
        .and_then(Value::as_array)
        .filter(|v| !v.is_empty())
    {
        return proptest::sample::select(values.clone()).boxed();
    }
    let types = types_of(schema);
    let choices: Vec<BoxedStrategy<Value>> = types
        .iter()
        .map(|t| match *t {
            "object" => valid_object(schema),
            "array" => {
                let items = schema
                    .get("items")
                    .cloned()
                    .unwrap_or(json!({"type": "string"}));
                let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0) as usize;
                let max = schema
                    .get("maxItems")
                    .and_then(Value::as_u64)
                    .map_or(min + 3, |m| (m as usize).clamp(min, min + 3));
                vec(valid_value(&items), min..=max)
                    .prop_map(Value::Array)
                    .boxed()
            }
            "string" => {
                // Within the schema's lengths: a valid input is valid (over-long text is what
                // the invalid cases send).
                let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
                let max = schema
                    .get("maxLength")
                    .and_then(Value::as_u64)
                    .map(|m| m as usize);
                any_string()
                    .prop_map(move |s| within_lengths(s, min, max))
                    .prop_map(Value::String)
                    .boxed()
            }
            "boolean" => any::<bool>().prop_map(Value::Bool).boxed(),
            "integer" => {
                let lo = schema
                    .get("minimum")
                    .and_then(Value::as_i64)
                    .unwrap_or(i64::from(i32::MIN));
                let hi = schema
                    .get("maximum")
                    .and_then(Value::as_i64)
                    .unwrap_or(i64::from(i32::MAX));
                if lo <= hi {
                    (lo..=hi).prop_map(|i| json!(i)).boxed()
                } else {
                    any::<i32>().prop_map(|i| json!(i)).boxed()
                }
            }
            "number" => (-1e9f64..1e9).prop_map(|f| json!(f)).boxed(),
            _ => Just(Value::Null).boxed(),
        })
        .collect();
    match choices.len() {
        0 => any_string().prop_map(Value::String).boxed(),
        1 => choices
            .into_iter()
            .next()
            .unwrap_or_else(|| Just(Value::Null).boxed()),
        _ => proptest::strategy::Union::new(choices).boxed(),
    }
}

fn properties(schema: &Value) -> Vec<(String, Value, bool)> {
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.clone(), required.contains(&k.as_str())))
                .collect()
        })
        .unwrap_or_default()
}

fn valid_object(schema: &Value) -> BoxedStrategy<Value> {
    let props = properties(schema);
    let fields: Vec<BoxedStrategy<Option<(String, Value)>>> = props
        .into_iter()
        .map(|(name, sub, required)| {
            let value = valid_value(&sub);
            if required {
                value.prop_map(move |v| Some((name.clone(), v))).boxed()
            } else {
                proptest::option::of(value.prop_map(move |v| (name.clone(), v))).boxed()
            }
        })
        .collect();
    fields
        .prop_map(|entries| Value::Object(entries.into_iter().flatten().collect::<Map<_, _>>()))
        .boxed()
}

/// A value of a JSON type the schema does not allow, or an array with an element of a type
/// A value of a JSON type the schema does not allow; for lists also a list with a null or
/// wrong-typed element among valid ones, a deeply nested list, and an empty list below
/// `minItems`. Weighted so that the shapes servers trip on (null, nulls inside lists) come
/// up within a few dozen inputs.
fn wrong_value(schema: &Value) -> BoxedStrategy<Value> {
    let allowed = types_of(schema);
    let all: [(&str, u32, BoxedStrategy<Value>); 6] = [
        ("null", 3, Just(Value::Null).boxed()),
        ("boolean", 1, any::<bool>().prop_map(Value::Bool).boxed()),
        ("integer", 1, any::<i64>().prop_map(|i| json!(i)).boxed()),
        ("string", 1, any_string().prop_map(Value::String).boxed()),
        (
            "array",
            1,
            vec(any::<i32>().prop_map(|i| json!(i)), 1..3)
                .prop_map(Value::Array)
                .boxed(),
        ),
        ("object", 1, Just(json!({"nested": {"deep": true}})).boxed()),
    ];
    // `x-page-type`: a type the page's own table gives where its example shows another; no
    // value of that type is asserted invalid (nor generated as valid).
    let page_types: Vec<&str> = match schema.get("x-page-type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let mut choices: Vec<(u32, BoxedStrategy<Value>)> = all
        .into_iter()
        .filter(|(t, _, _)| {
            let number_covers_integer = *t == "integer" && allowed.contains(&"number");
            !allowed.contains(t) && !number_covers_integer && !page_types.contains(t)
        })
        .map(|(_, w, s)| (w, s))
        .collect();
    if allowed.contains(&"array") {
        let items = schema.get("items").cloned().unwrap_or(json!({}));
        if !types_of(&items).is_empty() {
            // One bad element (null most often) among valid ones, at any position.
            let bad = wrong_value(&items);
            let good = vec(valid_value(&items), 0..3);
            choices.push((
                6,
                (good, bad, any::<prop::sample::Index>())
                    .prop_map(|(mut list, bad, at)| {
                        let i = at.index(list.len() + 1);
                        list.insert(i, bad);
                        Value::Array(list)
                    })
                    .boxed(),
            ));
        }
        choices.push((
            2,
            (1usize..96)
                .prop_map(|depth| {
                    let mut v = json!("x");
                    for _ in 0..depth {
                        v = Value::Array(vec![v]);
                    }
                    Value::Array(vec![v])
                })
                .boxed(),
        ));
        if schema
            .get("minItems")
            .and_then(Value::as_u64)
            .is_some_and(|m| m > 0)
        {
            choices.push((2, Just(Value::Array(Vec::new())).boxed()));
        }
    }
    proptest::strategy::Union::new_weighted(choices).boxed()
}

/// Bodies that are not JSON objects at all.
pub fn non_object_body() -> BoxedStrategy<Value> {
    prop_oneof![
        Just(json!([])),
        Just(json!("user")),
        Just(json!(0)),
        Just(json!(true)),
        Just(Value::Null),
    ]
    .boxed()
}

/// Bodies that violate an object schema in one field: the field missing (if required) or of a
/// wrong type or shape (null, other types, elements of the wrong type, deep nesting, an empty
/// list below `minItems`). Some can be valid by chance: callers re-check and reject those.
pub fn invalid_field_body(schema: &Value, field: &str) -> BoxedStrategy<Value> {
    let base = valid_object(schema);
    let Some((name, sub, required)) = properties(schema).into_iter().find(|(n, _, _)| n == field)
    else {
        return non_object_body();
    };
    let mut choices: Vec<BoxedStrategy<Value>> = Vec::new();
    if required {
        let n = name.clone();
        choices.push(
            base.clone()
                .prop_map(move |mut v| {
                    if let Some(o) = v.as_object_mut() {
                        o.remove(&n);
                    }
                    v
                })
                .boxed(),
        );
    }
    choices.push(
        (base, wrong_value(&sub))
            .prop_map(move |(mut v, bad)| {
                if let Some(o) = v.as_object_mut() {
                    o.insert(name.clone(), bad);
                }
                v
            })
            .boxed(),
    );
    proptest::strategy::Union::new(choices).boxed()
}

/// The top-level fields of an object schema, in order.
pub fn field_names(schema: &Value) -> Vec<String> {
    properties(schema).into_iter().map(|(n, _, _)| n).collect()
}

/// Malformed bodies: truncated or garbled JSON, sent with the JSON Content-Type (the page's
/// where it fixes one). A Content-Type other than the page's is a case of its own
/// ([`super::documented::content_types`]): the pages tell the client what to send, they do not
/// promise that the server rejects anything else.
pub fn malformed_body(schema: &Value, json_content_type: String) -> BoxedStrategy<BodyOverride> {
    let ct1 = json_content_type.clone();
    let truncated = (valid_value(schema), any::<prop::sample::Index>())
        .prop_map(move |(v, cut)| {
            let text = v.to_string();
            let n = cut.index(text.len().max(2) - 1).max(1);
            let bytes = text.as_bytes()[..n.min(text.len())].to_vec();
            BodyOverride::Raw(bytes, Some(ct1.clone()))
        })
        .boxed();
    let ct2 = json_content_type;
    let garbage = prop_oneof![
        Just("{".to_string()),
        Just("{\"a\":}".to_string()),
        Just("[1,,2]".to_string()),
        Just("\u{0}".to_string()),
        Just(String::new()),
        "[a-z{}\\[\\]:,\"]{1,30}",
    ]
    .prop_map(move |s| BodyOverride::Raw(s.into_bytes(), Some(ct2.clone())))
    .boxed();
    proptest::strategy::Union::new(vec![truncated, garbage]).boxed()
}

/// The JSON value a query or header text stands for under `schema`: a number or boolean where
/// the schema allows one and the text reads as one, the text itself otherwise (how OpenAPI
/// tools read simple parameters).
pub fn param_json(schema: &Value, text: &str) -> Value {
    let types = types_of(schema);
    let number = |t: &str| types.contains(&t);
    if number("integer")
        && let Ok(i) = text.parse::<i64>()
    {
        return json!(i);
    }
    if number("number")
        && let Ok(f) = text.parse::<f64>()
        && let Some(n) = serde_json::Number::from_f64(f)
    {
        return Value::Number(n);
    }
    if number("integer")
        && let Ok(f) = text.parse::<f64>()
        && let Some(n) = serde_json::Number::from_f64(f)
    {
        // `1.5` for an integer: a number, and the wrong one.
        return Value::Number(n);
    }
    if number("boolean") && (text == "true" || text == "false") {
        return Value::Bool(text == "true");
    }
    Value::String(text.to_string())
}

/// Whether a text can be sent as a header value (visible ASCII, spaces and tabs inside).
pub fn header_safe(text: &str) -> bool {
    text.bytes()
        .all(|b| b == b'\t' || (0x20..0x7f).contains(&b))
}

fn number_of(schema: &Value, key: &str) -> Option<f64> {
    schema.get(key).and_then(Value::as_f64)
}

/// Text for a number: without a fraction for whole numbers.
fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// `len` characters of ASCII (headers) or with non-ASCII pieces (queries), shrinking by
/// length as [`long_string`] does.
fn text_of_length(min: usize, max: usize, ascii: bool) -> BoxedStrategy<String> {
    if ascii {
        (min..=max).prop_map(|len| "x".repeat(len)).boxed()
    } else {
        long_string(min, max)
    }
}

/// Short texts of every sort a query or header carries (`ascii`: header-safe only).
fn any_text(ascii: bool) -> BoxedStrategy<String> {
    if ascii {
        "[a-zA-Z0-9 _.:/=+-]{0,16}".boxed()
    } else {
        prop_oneof![
            3 => "[a-zA-Z0-9_-]{0,16}",
            2 => "[a-z0-9 &=+%#?/äöü中文😀]{1,16}",
        ]
        .boxed()
    }
}

/// Values of a query or header parameter that its schema does not allow (`None`: the
/// parameter left out, when it is required): text that is no number where the schema wants
/// one, numbers past its bounds, texts too short or too long, any text where it fixes an
/// `enum`, `const` or `pattern`. Some can be valid by chance: callers re-check and skip those
/// (see [`param_json`]). `ascii`: header-safe texts only.
pub fn invalid_param_value(
    schema: &Value,
    required: bool,
    ascii: bool,
) -> BoxedStrategy<Option<String>> {
    let mut choices: Vec<(u32, BoxedStrategy<String>)> = vec![(1, any_text(ascii))];
    let types = types_of(schema);
    let numeric = types.iter().any(|t| matches!(*t, "integer" | "number"));
    if !types.is_empty() && !types.contains(&"string") {
        choices.push((2, "[a-zA-Z_-]{0,8}".boxed()));
        if types.contains(&"integer") && !types.contains(&"number") {
            choices.push((
                1,
                (-1000i64..1000, 1u8..100)
                    .prop_map(|(i, f)| format!("{i}.{f}"))
                    .boxed(),
            ));
        }
    }
    if numeric {
        if let Some(m) = number_of(schema, "minimum") {
            choices.push((
                2,
                (1u32..1000)
                    .prop_map(move |k| number_text(m - f64::from(k)))
                    .boxed(),
            ));
        }
        if let Some(m) = number_of(schema, "exclusiveMinimum") {
            choices.push((
                2,
                (0u32..1000)
                    .prop_map(move |k| number_text(m - f64::from(k)))
                    .boxed(),
            ));
        }
        if let Some(m) = number_of(schema, "maximum") {
            choices.push((
                2,
                (1u32..1000)
                    .prop_map(move |k| number_text(m + f64::from(k)))
                    .boxed(),
            ));
        }
        if let Some(m) = number_of(schema, "exclusiveMaximum") {
            choices.push((
                2,
                (0u32..1000)
                    .prop_map(move |k| number_text(m + f64::from(k)))
                    .boxed(),
            ));
        }
    }
    if let Some(n) = schema.get("maxLength").and_then(Value::as_u64) {
        let n = n as usize;
        choices.push((2, text_of_length(n + 1, n + 64, ascii)));
    }
    if let Some(n) = schema
        .get("minLength")
        .and_then(Value::as_u64)
        .filter(|&n| n > 0)
    {
        choices.push((2, text_of_length(0, n as usize - 1, ascii)));
    }
    let mut out: Vec<(u32, BoxedStrategy<Option<String>>)> = choices
        .into_iter()
        .map(|(w, s)| (w, s.prop_map(Some).boxed()))
        .collect();
    if required {
        out.push((2, Just(None).boxed()));
    }
    proptest::strategy::Union::new_weighted(out).boxed()
}

/// Whether some value of a parameter breaks its schema (or, required, leaving it out does):
/// an unconstrained string parameter that may be left out has no invalid value.
pub fn param_can_be_invalid(schema: &Value, required: bool) -> bool {
    let types = types_of(schema);
    let any_text_fits = types.is_empty() || types.contains(&"string");
    // `format` is an annotation in draft 2020-12 (the validators do not check it): no text
    // breaks it, so it makes no invalid value.
    let string_rule = ["maxLength", "pattern", "enum", "const"]
        .iter()
        .any(|k| schema.get(*k).is_some())
        || schema
            .get("minLength")
            .and_then(Value::as_u64)
            .is_some_and(|n| n > 0);
    required || !any_text_fits || string_rule
}

/// Values of a query or header parameter its schema allows: one of its `enum`, a number within
/// its bounds, a boolean, a text of an allowed length; `None` (left out) too when it is not
/// required. `ascii`: header-safe texts only.
pub fn valid_param_value(
    schema: &Value,
    required: bool,
    ascii: bool,
) -> BoxedStrategy<Option<String>> {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let one: BoxedStrategy<String> = if let Some(c) = schema.get("const") {
        Just(text(c)).boxed()
    } else if let Some(e) = schema
        .get("enum")
        .and_then(Value::as_array)
        .filter(|e| !e.is_empty())
    {
        proptest::sample::select(e.iter().map(text).collect::<Vec<_>>()).boxed()
    } else {
        let types = types_of(schema);
        if types.contains(&"integer") || types.contains(&"number") {
            let lo = number_of(schema, "minimum")
                .or_else(|| number_of(schema, "exclusiveMinimum").map(|m| m + 1.0))
                .unwrap_or(-1000.0)
                .ceil() as i64;
            let hi = number_of(schema, "maximum")
                .or_else(|| number_of(schema, "exclusiveMaximum").map(|m| m - 1.0))
                .unwrap_or(lo as f64 + 2000.0)
                .floor() as i64;
            (lo..=hi.max(lo)).prop_map(|i| i.to_string()).boxed()
        } else if types.contains(&"boolean") {
            any::<bool>().prop_map(|b| b.to_string()).boxed()
        } else if let Some(p) = schema.get("pattern").and_then(Value::as_str)
            && let Ok(s) = proptest::string::string_regex(
                p.strip_prefix('^')
                    .unwrap_or(p)
                    .strip_suffix('$')
                    .unwrap_or(p.strip_prefix('^').unwrap_or(p)),
            )
        {
            s.boxed()
        } else {
            let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
            let max = schema
                .get("maxLength")
                .and_then(Value::as_u64)
                .map_or(min + 24, |m| (m as usize).min(min + 24));
            if min == 0 && max >= 16 {
                any_text(ascii)
            } else {
                text_of_length(min, max.max(min), ascii)
            }
        }
    };
    if required {
        one.prop_map(Some).boxed()
    } else {
        proptest::option::of(one).boxed()
    }
}

/// Whether raw bytes parse as JSON valid under a schema (malformed inputs must not).
pub fn parses_valid(bytes: &[u8], validator: &jsonschema::Validator) -> bool {
    serde_json::from_slice::<Value>(bytes).is_ok_and(|v| validator.is_valid(&v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::test_runner::{Config, TestRunner};

    fn unbind_schema() -> Value {
        json!({"type": "object", "required": ["user_names"],
               "properties": {"user_names": {"type": "array", "minItems": 1, "items": {"type": "string"}}}})
    }

    #[test]
    fn valid_values_keep_the_schemas_bounds() {
        let schema = json!({"type": "object", "required": ["t", "n", "e", "l"], "properties": {
            "t": {"type": "string", "minLength": 2, "maxLength": 5},
            "n": {"type": "integer", "minimum": 1, "maximum": 100},
            "e": {"enum": ["a", "b"]},
            "l": {"type": "array", "maxItems": 1, "items": {"type": "boolean"}}
        }});
        let validator = jsonschema::draft202012::new(&schema).expect("schema");
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        for _ in 0..200 {
            let v = valid_value(&schema)
                .new_tree(&mut runner)
                .expect("tree")
                .current();
            assert!(validator.is_valid(&v), "{v}");
        }
    }

    #[test]
    fn valid_values_are_valid() {
        let schema = unbind_schema();
        let validator = jsonschema::draft202012::new(&schema).expect("schema");
        let mut runner = TestRunner::new(Config::with_cases(64));
        runner
            .run(&valid_value(&schema), |v| {
                prop_assert!(validator.is_valid(&v), "{v}");
                Ok(())
            })
            .expect("valid");
    }

    #[test]
    fn invalid_bodies_are_mostly_invalid() {
        let schema = unbind_schema();
        let validator = jsonschema::draft202012::new(&schema).expect("schema");
        let mut runner = TestRunner::new(Config::with_cases(128));
        let strategy = invalid_field_body(&schema, "user_names");
        let mut invalid = 0;
        for _ in 0..128 {
            let v = strategy.new_tree(&mut runner).expect("tree").current();
            if !validator.is_valid(&v) {
                invalid += 1;
            }
        }
        assert!(invalid > 100, "only {invalid} of 128 invalid");
    }

    #[test]
    fn page_types_are_never_asserted_invalid() {
        let schema = json!({"type": "array", "items": {"type": "string"}, "x-page-type": "object"});
        let mut runner = TestRunner::new(Config::with_cases(256));
        runner
            .run(&wrong_value(&schema), |v| {
                prop_assert!(!v.is_object(), "{v}");
                Ok(())
            })
            .expect("no objects");
    }

    /// Shrinks the first input of `strategy` that fails `fails` (from a fixed seed), and
    /// returns the minimal input and the number of shrink steps.
    fn shrink_first_failure(
        strategy: &BoxedStrategy<String>,
        fails: impl Fn(&str) -> bool,
    ) -> (String, u32) {
        use proptest::test_runner::{RngAlgorithm, TestError, TestRng};
        let steps = std::cell::Cell::new(0u32);
        let seen = std::cell::Cell::new(false);
        let config = Config {
            cases: 256,
            max_shrink_iters: 512,
            failure_persistence: None,
            ..Config::default()
        };
        let mut runner =
            TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]));
        let result = runner.run(strategy, |s| {
            if seen.get() {
                steps.set(steps.get() + 1);
            }
            if fails(&s) {
                seen.set(true);
                return Err(proptest::test_runner::TestCaseError::fail("too long"));
            }
            Ok(())
        });
        match result {
            Err(TestError::Fail(_, minimal)) => (minimal, steps.get()),
            other => panic!("no failure found: {other:?}"),
        }
    }

    /// Golden shrink: a fault that fails on strings longer than N (N = 99: every failing
    /// string has 100 characters or more) shrinks to at most N + 3 characters (the minimum is
    /// N + 1), in few steps.
    #[test]
    fn long_strings_shrink_to_the_shortest_failing_length() {
        for n in [30usize, 63, 99, 200] {
            let (minimal, steps) = shrink_first_failure(&path_value(), |s| s.chars().count() > n);
            let len = minimal.chars().count();
            assert!(len > n, "{len} does not fail");
            assert!(len <= n + 3, "shrunk to {len} characters, threshold {n}");
            assert!(steps < 64, "{steps} shrink steps");
        }
        for n in [150usize, 200, 2_000] {
            let (minimal, _) = shrink_first_failure(&any_string(), |s| s.chars().count() > n);
            let len = minimal.chars().count();
            assert!(
                len > n && len <= n + 3,
                "any_string shrunk to {len}, threshold {n}"
            );
        }
    }

    /// Collections shrink toward one element: a list that fails while it holds a null shrinks
    /// to the null alone.
    #[test]
    fn lists_shrink_to_the_one_element_that_fails() {
        use proptest::test_runner::TestError;
        let schema = json!({"type": "array", "items": {"type": "string"}});
        let mut runner = TestRunner::new(Config {
            cases: 256,
            failure_persistence: None,
            ..Config::default()
        });
        let result = runner.run(&wrong_value(&schema), |v| {
            let has_null = v.as_array().is_some_and(|a| a.iter().any(Value::is_null));
            prop_assert!(!has_null);
            Ok(())
        });
        match result {
            Err(TestError::Fail(_, minimal)) => assert_eq!(minimal, json!([null])),
            other => panic!("no failure found: {other:?}"),
        }
    }

    /// Generated values of a query or header parameter, read as the scope reads them.
    fn param_values(strategy: &BoxedStrategy<Option<String>>, n: usize) -> Vec<Option<String>> {
        let mut runner = TestRunner::new(Config::with_cases(n as u32));
        (0..n)
            .map(|_| strategy.new_tree(&mut runner).expect("tree").current())
            .collect()
    }

    #[test]
    fn invalid_param_values_mostly_break_the_schema() {
        for (schema, required) in [
            (
                json!({"type": "integer", "minimum": 1, "maximum": 100}),
                false,
            ),
            (json!({"type": "string", "maxLength": 8}), true),
            (json!({"type": "string", "enum": ["asc", "desc"]}), false),
            (json!({"type": "boolean"}), false),
        ] {
            let validator = jsonschema::draft202012::new(&schema).expect("schema");
            for header in [false, true] {
                let values = param_values(&invalid_param_value(&schema, required, header), 256);
                let invalid = values
                    .iter()
                    .filter(|v| match v {
                        None => required,
                        Some(t) => !validator.is_valid(&param_json(&schema, t)),
                    })
                    .count();
                assert!(invalid > 128, "{schema}: only {invalid} of 256 invalid");
                if header {
                    assert!(values.iter().flatten().all(|t| header_safe(t)), "{schema}");
                }
                assert_eq!(values.iter().any(Option::is_none), required, "{schema}");
            }
        }
    }

    #[test]
    fn valid_param_values_keep_the_schema() {
        for schema in [
            json!({"type": "integer", "minimum": 1, "maximum": 100}),
            json!({"type": "integer", "exclusiveMinimum": 0}),
            json!({"type": "string", "minLength": 2, "maxLength": 8}),
            json!({"type": "string", "enum": ["asc", "desc"]}),
            json!({"type": "string", "pattern": "^[a-f0-9]{4}$"}),
            json!({"type": "boolean"}),
            json!({"type": "string"}),
        ] {
            let validator = jsonschema::draft202012::new(&schema).expect("schema");
            for header in [false, true] {
                for v in param_values(&valid_param_value(&schema, true, header), 128) {
                    let t = v.expect("a required parameter is always sent");
                    assert!(
                        validator.is_valid(&param_json(&schema, &t)),
                        "{schema}: {t:?}"
                    );
                    assert!(!header || header_safe(&t), "{t:?}");
                }
            }
        }
    }

    #[test]
    fn param_text_reads_as_the_schema_says() {
        let int = json!({"type": "integer"});
        assert_eq!(param_json(&int, "10"), json!(10));
        assert_eq!(param_json(&int, "1.5"), json!(1.5));
        assert_eq!(param_json(&int, "ten"), json!("ten"));
        assert_eq!(param_json(&json!({"type": "boolean"}), "true"), json!(true));
        assert_eq!(param_json(&json!({"type": "string"}), "10"), json!("10"));
        assert!(!param_can_be_invalid(&json!({"type": "string"}), false));
        assert!(param_can_be_invalid(&json!({"type": "string"}), true));
        assert!(param_can_be_invalid(&int, false));
        assert!(param_can_be_invalid(&json!({"maxLength": 3}), false));
    }

    #[test]
    fn unknown_values_never_name_fixtures() {
        let mut runner = TestRunner::new(Config::with_cases(64));
        runner
            .run(&unknown_value(vec!["org-leaf".into()]), |v| {
                prop_assert!(!v.trim().is_empty() && v != "org-leaf" && !v.contains('/'));
                Ok(())
            })
            .expect("unknown");
    }
}
