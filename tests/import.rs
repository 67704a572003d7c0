//! `import openapi`: the shipped specs survive export and import (lint clean, the same case
//! names), a third-party petstore imports to the golden directory under `tests/golden/import/`
//! with warnings only, TODO triggers are warned about and their cases ignored, and existing
//! files are not overwritten without `--force`.
//!
//! `UPDATE_GOLDEN=1 cargo test --test import` rewrites the golden directory.

use std::path::{Path, PathBuf};

use contract_harness::contract::{self, Severity, import};
use serde_json::Value;

fn temp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ch-import-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn read_yaml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).expect("read spec");
    let mut f = contract::source::SourceFile::new(path, text);
    contract::yaml::parse(&mut f).expect("imported specs are YAML")
}

/// The specs in `dir`, loaded and linted: errors fail the test, warnings are allowed.
fn lint(dir: &Path) -> contract::Loaded {
    contract::load(dir).unwrap_or_else(|e| panic!("lint errors:\n{e}"))
}

fn case_names(specs: &contract::SpecSet) -> Vec<String> {
    contract_harness::generate::cases(specs)
        .into_iter()
        .map(|c| c.name)
        .collect()
}

/// Exports the specs of `root` to OpenAPI, imports every service back, and checks that the
/// files say the same, lint without errors and give the same cases.
fn round_trip(root: &Path, tag: &str, min_cases: usize) {
    let original = contract::load(root).expect("specs");
    let dir = temp_dir(tag);
    let doc_path = dir.join("openapi.json");
    let exported = contract::openapi::export(&original.specs);
    std::fs::write(
        &doc_path,
        serde_json::to_string_pretty(&exported).expect("json"),
    )
    .expect("write");
    let out = dir.join("specs");
    let doc = import::Document::read(&doc_path).expect("the export reads back");
    for name in original.specs.services.keys() {
        let imported = import::import(
            &doc,
            &import::Options {
                service: Some(name.clone()),
            },
        )
        .expect("imports");
        import::write(&imported, &out, false).expect("writes");
    }
    let texts: String = original
        .specs
        .services
        .keys()
        .flat_map(|s| std::fs::read_dir(out.join(s)).expect("dir"))
        .map(|f| std::fs::read_to_string(f.expect("entry").path()).expect("read"))
        .collect();
    assert!(
        !texts.contains("todo:"),
        "every trigger is restored:\n{texts}"
    );
    // Every file says what the original says (the auth scheme as the loader reads it, with
    // its defaults written out), but for an empty `permissions: []`.
    for service in original.specs.services.keys() {
        for (name, _) in files(&root.join(service)) {
            let mut before = read_yaml(&root.join(service).join(&name));
            let mut after = read_yaml(&out.join(service).join(&name));
            for v in [&mut before, &mut after] {
                if let Value::Object(m) = v {
                    if let Some(auth) = m.remove("auth") {
                        let scheme: contract::auth::AuthScheme =
                            serde_json::from_value(auth).expect("a scheme");
                        m.insert("auth".into(), serde_json::to_value(scheme).expect("json"));
                    }
                    if m.get("permissions") == Some(&serde_json::json!([])) {
                        m.remove("permissions");
                    }
                }
            }
            assert_eq!(after, before, "{service}/{name} changed in the round trip");
        }
    }

    let loaded = lint(&out);
    assert!(case_names(&original.specs).len() > min_cases);
    assert_eq!(
        case_names(&loaded.specs),
        case_names(&original.specs),
        "the imported specs give the cases of the originals"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn shipped_specs_survive_export_and_import() {
    round_trip(Path::new("specs"), "round-trip", 200);
}

#[test]
fn the_petstore_example_survives_export_and_import() {
    round_trip(
        Path::new("examples/petstore/specs"),
        "round-trip-petstore",
        50,
    );
}

fn files(dir: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|f| {
            let p = f.expect("entry").path();
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).expect("read"))
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_third_party_petstore_imports_to_the_golden_specs() {
    let doc = import::Document::read(Path::new("tests/data/petstore-expanded.yaml"))
        .expect("the petstore reads");
    let imported = import::import(&doc, &import::Options::default()).expect("imports");
    assert_eq!(
        imported.service, "swagger_petstore",
        "named from info.title"
    );
    let dir = temp_dir("petstore");
    let written = import::write(&imported, &dir, false).expect("writes");
    assert_eq!(written.len(), 5, "service.yaml and four operations");
    let golden = Path::new("tests/golden/import/swagger_petstore");
    let actual = files(&dir.join("swagger_petstore"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let _ = std::fs::remove_dir_all(golden);
        std::fs::create_dir_all(golden).expect("golden dir");
        for (name, text) in &actual {
            std::fs::write(golden.join(name), text).expect("write golden");
        }
    }
    let expected = files(golden);
    assert_eq!(
        actual.iter().map(|(n, _)| n).collect::<Vec<_>>(),
        expected.iter().map(|(n, _)| n).collect::<Vec<_>>(),
        "the same files"
    );
    for ((name, a), (_, e)) in actual.iter().zip(&expected) {
        assert_eq!(a, e, "{name} differs from {}", golden.display());
    }

    let loaded = lint(&dir);
    assert_eq!(loaded.specs.operations.len(), 4);
    assert!(
        loaded
            .warnings
            .iter()
            .all(|w| w.severity == Severity::Warning),
    );
    let todo_fixtures = loaded
        .warnings
        .iter()
        .filter(|w| w.rule == "todo-fixture")
        .count();
    assert_eq!(todo_fixtures, 4, "one fixture per operation, each a TODO");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A document whose error response has an example with a code: the error is imported with
/// that code and message and a `todo` trigger, which lint warns about at its position and
/// whose case is listed as ignored with that position.
#[test]
fn error_examples_give_codes_and_todo_triggers_whose_cases_are_ignored() {
    let dir = temp_dir("todo");
    let doc_path = dir.join("shop.yaml");
    std::fs::write(
        &doc_path,
        r##"openapi: 3.1.0
info: { title: Shop, version: "1" }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-API-Key }
  schemas:
    Error:
      type: object
      properties: { error_code: { type: string }, msg: { type: string } }
security: [{ key: [] }]
paths:
  /orders/{order_id}:
    get:
      operationId: getOrder
      parameters:
        - { name: order_id, in: path, required: true, schema: { type: string } }
      responses:
        "200":
          description: the order
          content:
            application/json:
              schema: { type: object, properties: { id: { type: string } } }
              example: { id: "o-1" }
        "404":
          description: no such order
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Error" }
              example: { error_code: ORDER_NOT_FOUND, msg: "Order does not exist" }
        "500":
          description: server failure
"##,
    )
    .expect("write");
    let doc = import::Document::read(&doc_path).expect("reads");
    let imported = import::import(&doc, &import::Options::default()).expect("imports");
    let out = dir.join("specs");
    import::write(&imported, &out, false).expect("writes");
    let spec = read_yaml(&out.join("shop/get_order.yaml"));
    assert_eq!(spec["errors"][0]["code"], "ORDER_NOT_FOUND");
    assert_eq!(spec["errors"][0]["status"], 404);
    assert_eq!(spec["errors"][0]["message"], "Order does not exist");
    assert!(spec["errors"][0]["trigger"]["todo"].is_string());
    assert_eq!(
        spec["errors"].as_array().map(Vec::len),
        Some(1),
        "500 has no code"
    );
    assert!(
        spec["not_promised"][0]
            .as_str()
            .is_some_and(|s| s.starts_with("The error code of a 500 response")),
        "{spec}"
    );
    let service = read_yaml(&out.join("shop/service.yaml"));
    assert_eq!(service["errors"]["code_field"], "error_code");
    assert_eq!(service["errors"]["message_field"], "msg");
    assert_eq!(
        service["auth"],
        serde_json::json!({"scheme": "api_key", "in": "header", "name": "X-API-Key"})
    );

    let loaded = lint(&out);
    let todo = loaded
        .warnings
        .iter()
        .find(|w| w.rule == "todo-trigger")
        .expect("a warning at the todo trigger");
    let at = todo.location();
    let file_text = std::fs::read_to_string(&todo.file).expect("read");
    let line = file_text
        .lines()
        .nth(todo.pos.line as usize - 1)
        .expect("line");
    assert!(line.trim_start().starts_with("todo:"), "{at}: {line}");
    let cases = contract_harness::generate::cases(&loaded.specs);
    let case = cases
        .iter()
        .find(|c| c.name == "shop::get_order::error::ORDER_NOT_FOUND")
        .expect("the error's case is listed");
    assert_eq!(
        case.ignore.as_deref(),
        Some(format!("trigger not written yet (TODO at {at})").as_str())
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn existing_files_are_kept_without_force() {
    let dir = temp_dir("force");
    let bin = env!("CARGO_BIN_EXE_contract-harness");
    let run = |extra: &[&str]| {
        std::process::Command::new(bin)
            .args([
                "import",
                "openapi",
                "tests/data/petstore-expanded.yaml",
                "-o",
            ])
            .arg(&dir)
            .args(extra)
            .output()
            .expect("run")
    };
    let first = run(&["-s", "pets"]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let service = dir.join("pets/service.yaml");
    std::fs::write(&service, "edited by hand\n").expect("edit");
    let second = run(&["-s", "pets"]);
    assert!(!second.status.success());
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(
        stderr.contains("already exists") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(&service).expect("read"),
        "edited by hand\n"
    );
    let forced = run(&["-s", "pets", "--force"]);
    assert!(forced.status.success());
    assert!(
        std::fs::read_to_string(&service)
            .expect("read")
            .contains("service: pets")
    );
    let bad = run(&["-s", "Pets"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("is not a service name"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_success_without_a_body_is_not_held_to_the_others_body() {
    // 200 answers the note, 204 nothing: the imported success lists 200 only, so a correct
    // empty 204 is never failed for "an empty body".
    let dir = temp_dir("no-content");
    let doc_path = dir.join("notes.json");
    let doc = serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "Notes", "version": "1"},
        "paths": {"/notes/{id}": {"put": {
            "operationId": "put_note",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {
                "200": {"description": "updated", "content": {"application/json": {
                    "schema": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
                    "example": {"id": "n-1"}}}},
                "204": {"description": "nothing changed"}
            }
        }}}
    });
    std::fs::write(&doc_path, doc.to_string()).expect("write");
    let doc = import::Document::read(&doc_path).expect("reads");
    let imported = import::import(&doc, &import::Options::default()).expect("imports");
    let out = dir.join("specs");
    import::write(&imported, &out, false).expect("writes");
    let op = read_yaml(&out.join("notes/put_note.yaml"));
    assert_eq!(op["success"]["status"], serde_json::json!(200), "{op}");
    let text = std::fs::read_to_string(out.join("notes/put_note.yaml")).expect("read");
    assert!(
        text.contains("TODO: 204 also succeeds without a JSON body"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
