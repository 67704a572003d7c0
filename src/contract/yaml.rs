//! YAML text to a JSON value plus the position of every value and key.
//!
//! Specs are validated as JSON (against the format schema, then typed), so the loader needs
//! positions for any JSON pointer, including values that later fail a type or schema rule.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use serde_saphyr::Spanned;

use super::source::{Pos, SourceFile, Span, escape_token};

/// A YAML syntax mistake, with its position.
#[derive(Debug, Clone)]
pub struct SyntaxError {
    /// Where the parser stopped.
    pub pos: Pos,
    /// The parser's message, without its own snippet.
    pub message: String,
}

/// Parses `file.text` as one YAML document, filling `file.spans`.
///
/// # Errors
/// A [`SyntaxError`] when the text is not YAML (or holds more than one document).
pub fn parse(file: &mut SourceFile) -> Result<Value, SyntaxError> {
    let root: Spanned<Node> =
        serde_saphyr::from_str_with_options(&file.text, options()).map_err(|e| {
            let pos = e
                .location()
                .map(|l| Pos {
                    line: l.line() as u32,
                    column: l.column() as u32,
                })
                .unwrap_or_default();
            SyntaxError {
                pos,
                message: first_line(&e.without_snippet().to_string()),
            }
        })?;
    let mut spans = std::mem::take(&mut file.spans);
    let value = flatten(root, String::new(), None, &mut spans);
    file.spans = spans;
    Ok(value)
}

/// Parser options for every YAML file the tool reads: YAML 1.2 booleans only, so that `y`,
/// `no` or `on` stay strings (a key `y:` is not `true:`).
pub fn options() -> serde_saphyr::Options {
    serde_saphyr::options! { strict_booleans: true }
}

fn first_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or(s).trim();
    // The parser's own rendering appends " at line X column Y"; we print positions ourselves.
    match line.find(" at line ") {
        Some(i) => line[..i].to_string(),
        None => line.to_string(),
    }
}

fn pos_of(loc: &serde_saphyr::Location) -> Pos {
    Pos {
        line: loc.line() as u32,
        column: loc.column() as u32,
    }
}

fn flatten(
    node: Spanned<Node>,
    pointer: String,
    key: Option<Pos>,
    spans: &mut std::collections::HashMap<String, Span>,
) -> Value {
    spans.insert(
        pointer.clone(),
        Span {
            value: pos_of(&node.referenced),
            key,
        },
    );
    match node.value {
        Node::Null => Value::Null,
        Node::Bool(b) => Value::Bool(b),
        Node::Int(i) => Value::Number(i.into()),
        Node::UInt(u) => Value::Number(u.into()),
        Node::Float(f) => Number::from_f64(f).map_or(Value::Null, Value::Number),
        Node::Str(s) => Value::String(s),
        Node::Seq(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| flatten(item, format!("{pointer}/{i}"), None, spans))
                .collect(),
        ),
        Node::Map(entries) => {
            let mut map = Map::new();
            for (k, v) in entries {
                let child = format!("{pointer}/{}", escape_token(&k.value.0));
                let kpos = pos_of(&k.referenced);
                let value = flatten(v, child, Some(kpos), spans);
                map.insert(k.value.0, value);
            }
            Value::Object(map)
        }
    }
}

/// A YAML node whose children carry their positions.
enum Node {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<Node>>),
    Map(Vec<(Spanned<Key>, Spanned<Node>)>),
}

/// A mapping key: any scalar, kept as text.
struct Key(String);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a scalar mapping key")
            }
            fn visit_str<E>(self, v: &str) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<Key, E> {
                Ok(Key(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_unit<E>(self) -> Result<Key, E> {
                Ok(Key("null".to_string()))
            }
        }
        d.deserialize_any(KeyVisitor)
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::UInt(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Node>>()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries: Vec<(Spanned<Key>, Spanned<Node>)> = Vec::new();
        // A set beside the ordered entries keeps the duplicate check linear in the keys.
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<Spanned<Key>>()? {
            let value = map.next_value::<Spanned<Node>>()?;
            if !seen.insert(key.value.0.clone()) {
                return Err(de::Error::custom(format!(
                    "duplicate key `{}`",
                    key.value.0
                )));
            }
            entries.push((key, value));
        }
        Ok(Node::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn parsed(text: &str) -> (Value, SourceFile) {
        let mut f = SourceFile::new(Path::new("t.yaml"), text.to_string());
        let v = parse(&mut f).expect("valid yaml");
        (v, f)
    }

    #[test]
    fn positions_of_nested_values_and_keys() {
        let (v, f) = parsed("a: 1\nlist:\n  - x: \"s\"\n    y: [1, 2]\n");
        assert_eq!(v["list"][0]["y"][1], 2);
        assert_eq!(f.value_pos("/a"), Pos { line: 1, column: 4 });
        assert_eq!(f.key_pos("/list/0/y"), Pos { line: 4, column: 5 });
        assert_eq!(f.value_pos("/list/0/x"), Pos { line: 3, column: 8 });
    }

    #[test]
    fn syntax_error_has_position() {
        let mut f = SourceFile::new(Path::new("t.yaml"), "a: [1, 2\nb: 3\n".to_string());
        let e = parse(&mut f).expect_err("unclosed flow sequence");
        assert!(e.pos.line >= 1, "{e:?}");
        assert!(!e.message.is_empty());
    }

    #[test]
    fn yaml_11_booleans_stay_strings() {
        let (v, _) = parsed("y: yes\nn: [on, off, true]\n");
        assert_eq!(v, serde_json::json!({"y": "yes", "n": ["on", "off", true]}));
    }

    #[test]
    fn non_string_keys_become_text() {
        let (v, _) = parsed("200: ok\n");
        assert_eq!(v["200"], "ok");
    }
}
