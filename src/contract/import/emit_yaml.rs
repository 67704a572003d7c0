//! A `serde_json::Value` as block-style YAML a person would write, with comments, and with every
//! string quoted that YAML 1.2 (or a YAML 1.1 reader) would read as something else.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::contract::source::escape_token;

/// Comment lines to print before the entry (map key or list item) at a JSON pointer.
#[derive(Debug, Clone, Default)]
pub struct Comments(BTreeMap<String, Vec<String>>);

impl Comments {
    /// Adds a comment line before the entry at `pointer` (`""`: before the document).
    pub fn add(&mut self, pointer: impl Into<String>, text: impl Into<String>) {
        let text = text.into();
        let lines = self.0.entry(pointer.into()).or_default();
        // A comment ends at a line break; any other break or control character inside one
        // would end it early, so they become spaces.
        lines.extend(text.split('\n').map(|l| {
            l.chars()
                .map(|c| if needs_escape(c) { ' ' } else { c })
                .collect::<String>()
                .trim_end()
                .to_string()
        }));
    }

    /// Whether any comment belongs inside the entry at `pointer`.
    fn under(&self, pointer: &str) -> bool {
        let prefix = format!("{pointer}/");
        self.0
            .range(prefix.clone()..)
            .next()
            .is_some_and(|(k, _)| k.starts_with(&prefix))
    }

    fn at(&self, pointer: &str) -> &[String] {
        self.0.get(pointer).map_or(&[], Vec::as_slice)
    }
}

/// The value as a YAML document (block style, two-space indent), ending in a newline.
pub fn emit(value: &Value, comments: &Comments) -> String {
    let mut out = String::new();
    push_comments(&mut out, 0, comments.at(""));
    match value {
        Value::Object(m) if !m.is_empty() => block(value, 0, "", comments, &mut out),
        Value::Array(a) if !a.is_empty() => block(value, 0, "", comments, &mut out),
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
    out
}

fn push_comments(out: &mut String, indent: usize, lines: &[String]) {
    for l in lines {
        out.push_str(&" ".repeat(indent));
        if l.is_empty() {
            out.push_str("#\n");
        } else {
            out.push_str("# ");
            out.push_str(l);
            out.push('\n');
        }
    }
}

/// Whether a value is written on the line of its key (or dash).
fn inline(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => true,
    }
}

/// Writes a non-empty map or list at `indent`, one entry per line.
fn block(v: &Value, indent: usize, pointer: &str, comments: &Comments, out: &mut String) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                let ptr = format!("{pointer}/{}", escape_token(k));
                push_comments(out, indent, comments.at(&ptr));
                let key = string(k);
                out.push_str(&pad);
                if key.chars().count() > 1000 {
                    // YAML limits implicit keys to 1,024 characters: an explicit `? key`.
                    out.push_str("? ");
                    out.push_str(&key);
                    out.push('\n');
                    out.push_str(&pad);
                } else {
                    out.push_str(&key);
                }
                out.push(':');
                let flow = (!comments.under(&ptr)).then(|| flow(child, indent + k.len()));
                if let Some(flow) = flow.flatten() {
                    out.push(' ');
                    out.push_str(&flow);
                    out.push('\n');
                } else if inline(child) {
                    out.push(' ');
                    out.push_str(&scalar(child));
                    out.push('\n');
                } else {
                    out.push('\n');
                    // Lists under a key are indented too: easier to read, and what the
                    // shipped specs do.
                    block(child, indent + 2, &ptr, comments, out);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let ptr = format!("{pointer}/{i}");
                push_comments(out, indent, comments.at(&ptr));
                let flowed = (!comments.under(&ptr))
                    .then(|| flow(child, indent + 2))
                    .flatten();
                if inline(child) || flowed.is_some() {
                    out.push_str(&pad);
                    out.push_str("- ");
                    out.push_str(&flowed.unwrap_or_else(|| scalar(child)));
                    out.push('\n');
                } else {
                    // The item at indent + 2, its first line's indent replaced by the dash.
                    let mut inner = String::new();
                    block(child, indent + 2, &ptr, comments, &mut inner);
                    out.push_str(&pad);
                    out.push_str("- ");
                    out.push_str(&inner[indent + 2..]);
                }
            }
        }
        other => {
            out.push_str(&pad);
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
}

/// A short list or map of scalars on one line (`[org_all, all]`, `{ type: string }`), as
/// people write them; `None` for anything longer or nested.
fn flow(v: &Value, used: usize) -> Option<String> {
    let text = match v {
        Value::Array(items) if !items.is_empty() => {
            let parts: Option<Vec<String>> = items.iter().map(flow_scalar).collect();
            format!("[{}]", parts?.join(", "))
        }
        Value::Object(m) if !m.is_empty() => {
            let parts: Option<Vec<String>> = m
                .iter()
                .map(|(k, x)| Some(format!("{}: {}", flow_string(k), flow_scalar(x)?)))
                .collect();
            format!("{{ {} }}", parts?.join(", "))
        }
        _ => return None,
    };
    (used + text.len() <= 88).then_some(text)
}

fn flow_scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(flow_string(s)),
        Value::Array(_) | Value::Object(_) => None,
        other => Some(scalar(other)),
    }
}

/// A string inside `[...]` or `{...}`, where `,[]{}` end a plain scalar.
fn flow_string(s: &str) -> String {
    if plain_is_safe(s) && !s.contains([',', '[', ']', '{', '}']) {
        s.to_string()
    } else {
        quoted(s)
    }
}

/// A scalar (or an empty collection) as YAML text.
fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s),
        Value::Array(_) => "[]".into(),
        Value::Object(_) => "{}".into(),
    }
}

/// A string, plain where that reads back as the same string, double-quoted otherwise.
pub fn string(s: &str) -> String {
    if plain_is_safe(s) {
        s.to_string()
    } else {
        quoted(s)
    }
}

/// Words a YAML 1.2 core schema or a YAML 1.1 reader takes for null or a boolean.
const RESERVED: &[&str] = &[
    "null", "Null", "NULL", "~", "true", "True", "TRUE", "false", "False", "FALSE", "yes", "Yes",
    "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N", "<<", "=",
];

fn plain_is_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if RESERVED.contains(&s) {
        return false;
    }
    // Indicators, and anything a number, date, .inf or .nan could start with.
    if "-?:,[]{}#&*!|>'\"%@`+.".contains(first) || first.is_ascii_digit() {
        return false;
    }
    if s.starts_with(char::is_whitespace) || s.ends_with(char::is_whitespace) {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') || s.contains(":\t") {
        return false;
    }
    s.chars().all(|c| !needs_escape(c) && c != '\t')
}

/// Characters a double-quoted scalar must escape: line breaks (YAML counts NEL, LS and PS),
/// control characters, and what YAML does not allow in its text (BOM, U+FFFE, U+FFFF).
fn needs_escape(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}')
}

fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::source::SourceFile;
    use proptest::prelude::*;
    use serde_json::json;

    fn parse(text: &str) -> Value {
        let mut f = SourceFile::new(std::path::Path::new("t.yaml"), text.to_string());
        crate::contract::yaml::parse(&mut f).unwrap_or_else(|e| panic!("not YAML ({e:?}):\n{text}"))
    }

    #[test]
    fn block_style_with_comments() {
        let v = json!({"id": "x", "errors": [{"code": "A.1", "status": 400}], "empty": [], "m": {"k": null}, "values": ["a", "b,c", 1, null]});
        let mut c = Comments::default();
        c.add("/errors/0", "from responses.400");
        c.add("", "header");
        let text = emit(&v, &c);
        assert_eq!(
            text,
            "# header\nid: x\nerrors:\n  # from responses.400\n  - { code: A.1, status: 400 }\nempty: []\nm: { k: null }\nvalues: [a, \"b,c\", 1, null]\n"
        );
        assert_eq!(parse(&text), v);
    }

    #[test]
    fn long_keys_read_back() {
        let key = "k".repeat(1500);
        let v = json!({ key.clone(): 1, "m": { key.clone(): [1, {"a": 2}] }, "l": [{ key.clone(): "x", "b": null }] });
        let text = emit(&v, &Comments::default());
        assert_eq!(parse(&text), v, "{text}");
    }

    #[test]
    fn strings_that_read_as_something_else_are_quoted() {
        for s in [
            "yes",
            "null",
            "1.0",
            "-",
            "*a",
            "&a",
            "!t",
            "a: b",
            "a #b",
            "two\nlines",
            "",
            " x",
            "~",
            "0x1F",
            ".inf",
            "2024-01-01",
            "{{user}}",
            "@x",
            "a:",
            "<<",
            "N",
        ] {
            assert!(string(s).starts_with('"'), "{s} must be quoted");
            assert_eq!(parse(&format!("k: {}\n", string(s)))["k"], json!(s), "{s}");
        }
        for s in [
            "org_leaf",
            "Organization does not exist",
            "/owner/name",
            "a-b",
            "x.y",
        ] {
            assert_eq!(string(s), s, "{s} reads back as itself unquoted");
        }
    }

    fn every_pointer(v: &Value, at: String, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => m.iter().for_each(|(k, x)| {
                every_pointer(x, format!("{at}/{}", escape_token(k)), out);
            }),
            Value::Array(a) => a
                .iter()
                .enumerate()
                .for_each(|(i, x)| every_pointer(x, format!("{at}/{i}"), out)),
            _ => {}
        }
        out.push(at);
    }

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<u64>().prop_map(|n| json!(n)),
            (-1.0e300f64..1.0e300).prop_map(|f| json!(f)),
            any::<String>().prop_map(Value::String),
            "[-?:,#&*!|>'\"%@` .0-9a-zA-Z\n\t~]{0,8}".prop_map(Value::String),
            // Line breaks YAML knows beyond \n, control characters, BOM and non-characters.
            "[\\x{0}-\\x{1f}\\x{7f}\\x{85}\\x{a0}\\x{2028}\\x{2029}\\x{feff}\\x{fffe}\\x{ffff} a:#-]{0,6}"
                .prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec(("[ -~\\x{85}\\x{2028}]{0,6}|\\PC{0,8}", inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
        #[test]
        fn comments_never_change_the_value(
            v in value(),
            notes in prop::collection::vec((any::<prop::sample::Index>(), "\\PC{0,10}|[\r\n\\x{85}\\x{2028}# :-]{0,6}"), 0..8),
        ) {
            let mut pointers = Vec::new();
            every_pointer(&v, String::new(), &mut pointers);
            let mut c = Comments::default();
            for (i, text) in notes {
                c.add(pointers[i.index(pointers.len())].clone(), text);
            }
            let text = emit(&v, &c);
            prop_assert_eq!(parse(&text), v, "{}", text);
        }

        #[test]
        fn emitted_yaml_reads_back_as_the_same_value(v in value()) {
            let text = emit(&v, &Comments::default());
            prop_assert_eq!(parse(&text), v, "{}", text);
        }
    }
}
