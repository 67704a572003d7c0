//! Reading an OpenAPI 3.0 or 3.1 document (JSON or YAML), resolving its local `$ref`s with a
//! cycle guard, and turning its schemas into JSON Schema 2020-12.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::error::ImportError;
use crate::contract::source::{SourceFile, escape_token};

/// An OpenAPI document as read.
#[derive(Debug, Clone)]
pub struct Document {
    /// Where it was read from (for messages and `sources:`).
    pub path: PathBuf,
    /// The whole document.
    pub root: Value,
    /// `/openapi` (`3.0.0`, `3.1.0`).
    pub version: String,
}

/// Something the import could not carry over, to say where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// JSON pointer into the input.
    pub pointer: String,
    /// What was left undone.
    pub text: String,
}

impl Document {
    /// Reads a JSON or YAML file.
    ///
    /// # Errors
    /// [`ImportError::Read`], [`ImportError::Syntax`], or [`ImportError::Version`].
    pub fn read(path: &Path) -> Result<Self, ImportError> {
        let text = std::fs::read_to_string(path).map_err(|source| ImportError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let root = if text.trim_start().starts_with('{') {
            serde_json::from_str(&text).map_err(|e| ImportError::Syntax {
                path: path.to_path_buf(),
                message: e.to_string(),
            })?
        } else {
            let mut file = SourceFile::new(path, text);
            crate::contract::yaml::parse(&mut file).map_err(|e| ImportError::Syntax {
                path: path.to_path_buf(),
                message: format!(
                    "{} at line {} column {}",
                    e.message, e.pos.line, e.pos.column
                ),
            })?
        };
        Self::from_value(path, root)
    }

    /// A document already parsed (`path` names it in messages).
    ///
    /// # Errors
    /// [`ImportError::Version`] unless `/openapi` is 3.0.x or 3.1.x.
    pub fn from_value(path: &Path, root: Value) -> Result<Self, ImportError> {
        let version = match root.get("openapi") {
            Some(Value::String(v)) if v.starts_with("3.0.") || v.starts_with("3.1.") => v.clone(),
            Some(other) => {
                return Err(ImportError::Version {
                    path: path.to_path_buf(),
                    found: format!("`{other}`"),
                });
            }
            None => {
                return Err(ImportError::Version {
                    path: path.to_path_buf(),
                    found: "missing".into(),
                });
            }
        };
        Ok(Self {
            path: path.to_path_buf(),
            root,
            version,
        })
    }

    /// The file name, as `sources:` and `source:` give it.
    pub fn file_name(&self) -> String {
        self.path
            .file_name()
            .map_or_else(|| "openapi".into(), |n| n.to_string_lossy().into_owned())
    }

    /// The value at `pointer`, its local `$ref`s resolved (recursively).
    ///
    /// # Errors
    /// [`ImportError::BrokenRef`] for a local reference that names nothing.
    pub fn resolved(&self, pointer: &str, notes: &mut Vec<Note>) -> Result<Value, ImportError> {
        match self.root.pointer(pointer) {
            Some(v) => self.resolve(v, pointer, &mut Vec::new(), notes),
            None => Ok(Value::Null),
        }
    }

    /// An object member of the document, or a shape error naming its pointer.
    ///
    /// # Errors
    /// [`ImportError::Shape`] when the value there is not an object.
    pub fn object<'a>(
        &self,
        v: &'a Value,
        pointer: &str,
    ) -> Result<&'a Map<String, Value>, ImportError> {
        v.as_object()
            .ok_or_else(|| self.shape(pointer, "is not an object"))
    }

    /// A shape error at `pointer`.
    pub fn shape(&self, pointer: &str, message: &str) -> ImportError {
        ImportError::Shape {
            path: self.path.clone(),
            pointer: pointer.to_string(),
            message: message.to_string(),
        }
    }

    fn resolve(
        &self,
        v: &Value,
        at: &str,
        stack: &mut Vec<String>,
        notes: &mut Vec<Note>,
    ) -> Result<Value, ImportError> {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(target)) = m.get("$ref") {
                    let mut out = self.follow(target, at, stack, notes)?;
                    // 3.1 allows siblings of `$ref` (description, ...): they add to the target.
                    if let Value::Object(o) = &mut out {
                        for (k, sib) in m.iter().filter(|(k, _)| *k != "$ref") {
                            let ptr = format!("{at}/{}", escape_token(k));
                            let sib = self.resolve(sib, &ptr, stack, notes)?;
                            o.insert(k.clone(), sib);
                        }
                    }
                    return Ok(out);
                }
                let mut out = Map::new();
                for (k, child) in m {
                    let ptr = format!("{at}/{}", escape_token(k));
                    out.insert(k.clone(), self.resolve(child, &ptr, stack, notes)?);
                }
                Ok(Value::Object(out))
            }
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, x)| self.resolve(x, &format!("{at}/{i}"), stack, notes))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            other => Ok(other.clone()),
        }
    }

    fn follow(
        &self,
        target: &str,
        at: &str,
        stack: &mut Vec<String>,
        notes: &mut Vec<Note>,
    ) -> Result<Value, ImportError> {
        let Some(fragment) = target.strip_prefix('#') else {
            notes.push(Note {
                pointer: format!("{at}/$ref"),
                text: format!(
                    "TODO: remote reference `{target}` not resolved (only #/... references are); replaced by an empty schema"
                ),
            });
            return Ok(Value::Object(Map::new()));
        };
        let fragment = percent_decode(fragment);
        if stack.contains(&fragment) {
            notes.push(Note {
                pointer: format!("{at}/$ref"),
                text: format!(
                    "TODO: `{target}` refers back to itself (a recursive schema); the inner occurrence is an empty schema"
                ),
            });
            return Ok(Value::Object(Map::new()));
        }
        let Some(found) = self.root.pointer(&fragment) else {
            return Err(ImportError::BrokenRef {
                path: self.path.clone(),
                pointer: at.to_string(),
                target: target.to_string(),
            });
        };
        stack.push(fragment.clone());
        let out = self.resolve(found, &fragment, stack, notes);
        stack.pop();
        out
    }
}

/// `%XX` escapes of a URI fragment decoded (a pointer to `/paths/~1pets` may be written with
/// `%7B` for `{`).
fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// An OpenAPI schema (3.0 or 3.1) as JSON Schema 2020-12: `nullable` becomes a `null` type,
/// 3.0's boolean `exclusiveMinimum`/`exclusiveMaximum` become numbers, and OpenAPI-only
/// keywords (`xml`, `discriminator`, `externalDocs`, `example`) are dropped.
pub fn json_schema(v: &Value) -> Value {
    let Value::Object(m) = v else {
        return v.clone();
    };
    let mut out = Map::new();
    for (k, child) in m {
        let child = match k.as_str() {
            "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas" => {
                match child {
                    Value::Object(props) => Value::Object(
                        props
                            .iter()
                            .map(|(name, s)| (name.clone(), json_schema(s)))
                            .collect(),
                    ),
                    other => other.clone(),
                }
            }
            "items"
            | "additionalProperties"
            | "not"
            | "contains"
            | "propertyNames"
            | "if"
            | "then"
            | "else"
            | "unevaluatedProperties"
            | "unevaluatedItems" => match child {
                Value::Array(a) => Value::Array(a.iter().map(json_schema).collect()),
                other => json_schema(other),
            },
            "allOf" | "anyOf" | "oneOf" | "prefixItems" => match child {
                Value::Array(a) => Value::Array(a.iter().map(json_schema).collect()),
                other => other.clone(),
            },
            "xml" | "discriminator" | "externalDocs" | "example" | "nullable" => continue,
            "exclusiveMinimum" | "exclusiveMaximum" if child.is_boolean() => continue,
            _ => child.clone(),
        };
        out.insert(k.clone(), child);
    }
    for (flag, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if m.get(flag) == Some(&Value::Bool(true))
            && let Some(b) = out.remove(bound)
        {
            out.insert(flag.into(), b);
        }
    }
    if m.get("nullable") == Some(&Value::Bool(true)) {
        match out.get("type").cloned() {
            Some(Value::String(t)) => {
                out.insert("type".into(), serde_json::json!([t, "null"]));
            }
            Some(Value::Array(mut ts)) if !ts.contains(&Value::from("null")) => {
                ts.push(Value::from("null"));
                out.insert("type".into(), Value::Array(ts));
            }
            _ => {}
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(v: Value) -> Document {
        Document::from_value(Path::new("t.json"), v).expect("3.x document")
    }

    #[test]
    fn local_refs_resolve_and_cycles_are_cut() {
        let d = doc(json!({
            "openapi": "3.0.3",
            "components": {"schemas": {
                "Pet": {"type": "object", "properties": {"owner": {"$ref": "#/components/schemas/Owner"}}},
                "Owner": {"type": "object", "properties": {"pets": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}}}
            }},
            "x": {"$ref": "#/components/schemas/Pet", "description": "a pet"},
            "remote": {"$ref": "other.yaml#/Pet"},
            "broken": {"$ref": "#/components/schemas/Nope"}
        }));
        let mut notes = Vec::new();
        let x = d.resolved("/x", &mut notes).expect("resolves");
        assert_eq!(x["description"], "a pet");
        assert_eq!(
            x["properties"]["owner"]["properties"]["pets"]["items"],
            json!({})
        );
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].text.contains("refers back to itself"));
        assert_eq!(
            notes[0].pointer,
            "/components/schemas/Owner/properties/pets/items/$ref"
        );
        let r = d
            .resolved("/remote", &mut notes)
            .expect("remote refs are left");
        assert_eq!(r, json!({}));
        assert!(
            notes[1]
                .text
                .starts_with("TODO: remote reference `other.yaml#/Pet`")
        );
        let e = d
            .resolved("/broken", &mut notes)
            .expect_err("names nothing");
        assert!(
            e.to_string()
                .contains("`/broken/$ref` is `#/components/schemas/Nope`"),
            "{e}"
        );
    }

    #[test]
    fn versions_other_than_3_0_and_3_1_are_refused() {
        let e = Document::from_value(Path::new("s.json"), json!({"swagger": "2.0"}))
            .expect_err("swagger 2");
        assert!(e.to_string().contains("missing"), "{e}");
        assert!(Document::from_value(Path::new("s.json"), json!({"openapi": "3.1.0"})).is_ok());
    }

    #[test]
    fn openapi_30_schemas_become_2020_12() {
        let s = json_schema(&json!({
            "type": "object",
            "properties": {
                "example": {"type": "string", "nullable": true, "example": "x"},
                "n": {"type": "integer", "minimum": 1, "exclusiveMinimum": true}
            },
            "xml": {"name": "pet"}
        }));
        assert_eq!(
            s,
            json!({"type": "object", "properties": {
                "example": {"type": ["string", "null"]},
                "n": {"type": "integer", "exclusiveMinimum": 1}
            }})
        );
    }
}
