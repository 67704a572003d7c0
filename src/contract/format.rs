//! The spec format's own JSON Schemas (kept in `schema/`) and their translation of
//! validation errors into spec diagnostics.

use std::sync::OnceLock;

use jsonschema::error::ValidationErrorKind;
use jsonschema::{ValidationError, Validator};
use serde_json::Value;

use super::diagnostic::{Anchor, Diagnostic, Severity, did_you_mean};
use super::source::{SourceFile, escape_token};

/// Which kind of spec file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `service.yaml`
    Service,
    /// One operation.
    Operation,
}

/// The service file schema, as kept in the repository.
pub const SERVICE_SCHEMA: &str = include_str!("../../schema/service.schema.json");
/// The operation file schema, as kept in the repository.
pub const OPERATION_SCHEMA: &str = include_str!("../../schema/operation.schema.json");

struct Compiled {
    schema: Value,
    validator: Validator,
}

fn compiled(kind: FileKind) -> &'static Compiled {
    static SERVICE: OnceLock<Compiled> = OnceLock::new();
    static OPERATION: OnceLock<Compiled> = OnceLock::new();
    let (cell, text) = match kind {
        FileKind::Service => (&SERVICE, SERVICE_SCHEMA),
        FileKind::Operation => (&OPERATION, OPERATION_SCHEMA),
    };
    cell.get_or_init(|| {
        // Both schemas are part of the build and covered by tests: a broken one is a bug here.
        let schema: Value = serde_json::from_str(text).expect("format schema is valid JSON");
        let validator = jsonschema::draft202012::new(&schema).expect("format schema compiles");
        Compiled { schema, validator }
    })
}

/// Validates a parsed spec file against its format schema; one diagnostic per mistake.
pub fn check(kind: FileKind, value: &Value, file: &SourceFile) -> Vec<Diagnostic> {
    let c = compiled(kind);
    let mut out = Vec::new();
    for err in c.validator.iter_errors(value) {
        translate(&err, &c.schema, value, file, &mut out);
    }
    out.sort_by_key(|d| (d.pos, d.message.clone()));
    out.dedup();
    out
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

fn parent(pointer: &str) -> &str {
    pointer.rfind('/').map_or("", |i| &pointer[..i])
}

/// The `description` of the schema node that holds the failing keyword, if any.
fn description_at(schema: &Value, schema_path: &str) -> Option<String> {
    schema
        .pointer(parent(schema_path))
        .and_then(|node| resolve(schema, node).get("description"))
        .and_then(Value::as_str)
        .map(str::to_string)
}

fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) if r.starts_with("#/") => root.pointer(&r[1..]).unwrap_or(node),
        _ => node,
    }
}

fn translate(
    err: &ValidationError<'_>,
    schema: &Value,
    root: &Value,
    file: &SourceFile,
    out: &mut Vec<Diagnostic>,
) {
    let ipath = err.instance_path().as_str().to_string();
    let spath = err.schema_path().as_str().to_string();
    let instance = root.pointer(&ipath).unwrap_or(&Value::Null);
    let diag = |anchor, rule, msg: String| {
        Diagnostic::at(file, &ipath, anchor, Severity::Error, rule, msg)
    };
    match err.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let allowed: Vec<String> = schema
                .pointer(parent(&spath))
                .and_then(|n| n.get("properties"))
                .and_then(Value::as_object)
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
            for name in unexpected {
                let child = format!("{ipath}/{}", escape_token(name));
                let mut d = Diagnostic::at(
                    file,
                    &child,
                    Anchor::Key,
                    Severity::Error,
                    "unknown-field",
                    format!("unknown field `{name}`"),
                );
                if !allowed.is_empty() {
                    d = d.expected(format!(
                        "one of {}",
                        allowed
                            .iter()
                            .map(|a| format!("`{a}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
                if let Some(m) = did_you_mean(name, allowed.iter().map(String::as_str)) {
                    d = d.hint(format!("did you mean `{m}`?"));
                }
                out.push(d);
            }
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            let what = schema
                .pointer(parent(&spath))
                .and_then(|n| n.pointer(&format!("/properties/{}", escape_token(name))))
                .map(|n| resolve(schema, n))
                .and_then(|n| n.get("description"))
                .and_then(Value::as_str)
                .map_or_else(
                    || format!("a field `{name}`"),
                    |d| format!("a field `{name}`: {d}"),
                );
            out.push(
                diag(
                    Anchor::Key,
                    "missing-field",
                    format!("missing required field `{name}`"),
                )
                .expected(what)
                .hint(format!("add `{name}:` to this mapping")),
            );
        }
        ValidationErrorKind::Type { kind } => {
            let expected = format!("{kind:?}")
                .to_lowercase()
                .replace(['"', '(', ')'], "");
            out.push(
                diag(
                    Anchor::Value,
                    "wrong-type",
                    format!("wrong type: found {}", type_name(instance)),
                )
                .expected(readable_types(&expected)),
            );
        }
        ValidationErrorKind::Enum { options } => {
            let opts = options
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|o| format!("`{}`", super::model::code_text(o)))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            let mut d = diag(
                Anchor::Value,
                "wrong-value",
                format!("unexpected value {instance}"),
            )
            .expected(format!("one of {opts}"));
            if let (Some(word), Some(list)) = (instance.as_str(), options.as_array())
                && let Some(m) = did_you_mean(word, list.iter().filter_map(Value::as_str))
            {
                d = d.hint(format!("did you mean `{m}`?"));
            }
            out.push(d);
        }
        ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } => {
            // Report the branch that got furthest into the value; if none went deeper than
            // the value itself, say what the alternatives are.
            let deepest = context.iter().min_by_key(|branch| {
                let depth = branch
                    .iter()
                    .map(|e| e.instance_path().as_str().len())
                    .max()
                    .unwrap_or(0);
                (usize::MAX - depth, branch.len())
            });
            match deepest {
                Some(branch)
                    if branch
                        .iter()
                        .any(|e| e.instance_path().as_str().len() > ipath.len()) =>
                {
                    for e in branch {
                        translate(e, schema, root, file, out);
                    }
                }
                _ => {
                    let expected = description_at(schema, &spath)
                        .unwrap_or_else(|| "one of the allowed forms".to_string());
                    out.push(
                        diag(
                            Anchor::Value,
                            "wrong-value",
                            format!("{} is not allowed here", type_name(instance)),
                        )
                        .expected(expected),
                    );
                }
            }
        }
        ValidationErrorKind::MinProperties { .. } | ValidationErrorKind::MaxProperties { .. } => {
            let keys: Vec<String> = schema
                .pointer(parent(&spath))
                .and_then(|n| n.get("properties"))
                .and_then(Value::as_object)
                .map(|m| m.keys().map(|k| format!("`{k}`")).collect())
                .unwrap_or_default();
            let found = instance.as_object().map_or(0, serde_json::Map::len);
            let node = schema.pointer(parent(&spath));
            let bound = |k: &str| node.and_then(|n| n.get(k)).and_then(Value::as_u64);
            let (message, expected) =
                if bound("minProperties") == Some(1) && bound("maxProperties") == Some(1) {
                    (
                        format!("takes exactly one entry, found {found}"),
                        format!("exactly one of {}", keys.join(", ")),
                    )
                } else {
                    (
                        format!("{found} entries where {}", err.kind_text()),
                        format!("entries among {}", keys.join(", ")),
                    )
                };
            out.push(diag(Anchor::Key, "wrong-value", message).expected(expected));
        }
        _ => {
            let mut d = diag(Anchor::Value, "wrong-value", err.to_string());
            if let Some(desc) = description_at(schema, &spath) {
                d = d.expected(desc);
            }
            out.push(d);
        }
    }
}

trait KindText {
    fn kind_text(&self) -> String;
}

impl KindText for ValidationError<'_> {
    fn kind_text(&self) -> String {
        match self.kind() {
            ValidationErrorKind::MaxProperties { limit } => format!("at most {limit} allowed"),
            ValidationErrorKind::MinProperties { limit } => format!("at least {limit} needed"),
            _ => self.to_string(),
        }
    }
}

fn readable_types(debug: &str) -> String {
    debug
        .replace("single", "")
        .replace("multiple", "")
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| match w {
            "object" => "a mapping",
            "array" => "a list",
            "string" => "a string",
            "integer" => "an integer",
            "number" => "a number",
            "boolean" => "a boolean",
            "null" => "null",
            _ => "a value",
        })
        .collect::<Vec<_>>()
        .join(" or ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_format_schemas_compile_and_are_valid_2020_12() {
        for text in [SERVICE_SCHEMA, OPERATION_SCHEMA] {
            let v: Value = serde_json::from_str(text).expect("json");
            assert!(jsonschema::draft202012::meta::is_valid(&v));
        }
        let _ = compiled(FileKind::Service);
        let _ = compiled(FileKind::Operation);
    }
}
