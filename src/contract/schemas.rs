//! Every JSON Schema a spec file holds compiles: checked on the parsed document, with the
//! position of the mistake, before the typed model (whose [`Schema`](super::model::Schema)
//! compiles itself when deserialized) is built from it.

use serde_json::Value;

use super::diagnostic::{Diagnostic, err};
use super::format::FileKind;
use super::source::{SourceFile, escape_token};

/// The pointers of the JSON Schemas a file of this kind holds.
fn schema_pointers(kind: FileKind, doc: &Value) -> Vec<String> {
    match kind {
        FileKind::Service => vec!["/errors/schema".to_string()],
        FileKind::Operation => {
            let mut out = vec![
                "/request/body/schema".to_string(),
                "/success/body/schema".to_string(),
            ];
            if let Some(params) = doc.get("parameters").and_then(Value::as_object) {
                out.extend(
                    params
                        .keys()
                        .map(|name| format!("/parameters/{}/schema", escape_token(name))),
                );
            }
            out
        }
    }
}

/// One diagnostic per schema of `doc` that does not compile.
pub fn check(kind: FileKind, doc: &Value, file: &SourceFile) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for pointer in schema_pointers(kind, doc) {
        let Some(schema) = doc.pointer(&pointer) else {
            continue;
        };
        if let Err(e) = jsonschema::draft202012::new(schema) {
            let inner = format!("{pointer}{}", e.instance_path().as_str());
            let expected = if inner.ends_with("/type") {
                "a JSON Schema type: one of array, boolean, integer, null, number, object, string"
            } else {
                "a JSON Schema (draft 2020-12)"
            };
            out.push(
                err(
                    file,
                    &inner,
                    "invalid-schema",
                    format!("invalid JSON Schema: {e}"),
                )
                .expected(expected),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_schema_that_does_not_compile_is_reported_at_its_position() {
        let file = SourceFile::new(std::path::Path::new("x.yaml"), String::new());
        let doc = json!({
            "request": { "body": { "schema": { "type": "object" } } },
            "success": { "body": { "schema": { "type": "strin" } } },
            "parameters": { "a/b": { "schema": { "minimum": "one" } }, "ok": {} },
        });
        let found = check(FileKind::Operation, &doc, &file);
        let fields: Vec<&str> = found.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(fields[0].starts_with("success.body.schema"), "{fields:?}");
        assert!(
            found[0]
                .expected
                .as_deref()
                .is_some_and(|e| e.contains("a JSON Schema type")),
            "{:?}",
            found[0]
        );
        assert!(fields[1].starts_with("parameters."), "{fields:?}");
        assert!(check(FileKind::Service, &json!({"errors": {"schema": {}}}), &file).is_empty());
        assert_eq!(
            check(
                FileKind::Service,
                &json!({"errors": {"schema": {"type": 3}}}),
                &file
            )
            .len(),
            1
        );
    }

    #[test]
    fn the_model_compiles_its_schemas_when_deserialized() {
        let ok: super::super::model::Schema =
            serde_json::from_value(json!({"type": "integer"})).expect("compiles");
        assert!(ok.validator().is_valid(&json!(3)) && !ok.validator().is_valid(&json!("3")));
        assert_eq!(ok.raw, json!({"type": "integer"}));
        let e = serde_json::from_value::<super::super::model::Schema>(json!({"type": "strin"}))
            .expect_err("does not compile");
        assert!(
            e.to_string()
                .starts_with("invalid JSON Schema (draft 2020-12): "),
            "{e}"
        );
    }
}
