//! A whole document to one service: its `service.yaml` and one spec per operation, each as
//! text with the editor header and comments saying where each part came from.

use serde_json::{Map, Value, json};

use super::document::{Document, Note, json_schema};
use super::emit_yaml::{Comments, emit};
use super::error::ImportError;
use super::errors::{self, Shape};
use super::operation::{self, Context, METHODS, json_media};
use super::security;
use crate::contract::source::escape_token;

/// What to import.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The service name (`-s`); else the one service of `x-contract-services`, else a slug of
    /// `info.title`.
    pub service: Option<String>,
}

/// An imported service: its files, and what was left to do.
#[derive(Debug, Clone)]
pub struct Imported {
    /// Service name (the directory).
    pub service: String,
    /// File name and text, `service.yaml` first.
    pub files: Vec<(String, String)>,
    /// What the import could not carry over.
    pub notes: Vec<Note>,
}

fn valid_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The base path of the first server URL (`http://host/api` → `/api`).
fn server_base(doc: &Document) -> String {
    let url = doc
        .root
        .pointer("/servers/0/url")
        .and_then(Value::as_str)
        .unwrap_or("");
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
        None => url,
    };
    let path = path.trim_end_matches('/');
    if path.contains('{') {
        return String::new();
    }
    path.to_string()
}

/// The first error response schema of the operations: `(schema, where)`.
fn error_schema(
    doc: &Document,
    ops: &[(String, String)],
    envelope: bool,
    notes: &mut Vec<Note>,
) -> Result<Option<(Value, String)>, ImportError> {
    for (path, method) in ops {
        let at = format!("/paths/{}/{method}/responses", escape_token(path));
        let responses = doc.resolved(&at, notes)?;
        for (status, r) in responses.as_object().into_iter().flatten() {
            let is_error =
                status == "default" || status.starts_with('4') || status.starts_with('5');
            if !is_error {
                continue;
            }
            let rat = format!("{at}/{}/content", escape_token(status));
            let Some((media, mat)) = r.get("content").and_then(|c| json_media(c, &rat)) else {
                continue;
            };
            let Some(schema) = media.get("schema") else {
                continue;
            };
            let schema = match (envelope, schema.pointer("/anyOf/1")) {
                (true, Some(e)) => e,
                _ => schema,
            };
            return Ok(Some((json_schema(schema), format!("{mat}/schema"))));
        }
    }
    Ok(None)
}

/// Imports a document as one service.
///
/// # Errors
/// [`ImportError`] for a broken reference, a value of the wrong shape, or no usable name.
pub fn import(doc: &Document, opts: &Options) -> Result<Imported, ImportError> {
    let mut notes = Vec::new();
    let services = doc
        .root
        .get("x-contract-services")
        .and_then(Value::as_object);
    let name = match (&opts.service, services) {
        (Some(n), _) => n.clone(),
        (None, Some(s)) if s.len() == 1 => s.keys().next().cloned().unwrap_or_default(),
        (None, Some(s)) => {
            return Err(ImportError::SeveralServices {
                path: doc.path.clone(),
                names: s.keys().cloned().collect(),
            });
        }
        (None, None) => operation::snake(
            doc.root
                .pointer("/info/title")
                .and_then(Value::as_str)
                .unwrap_or("api"),
        ),
    };
    if !valid_name(&name) {
        return Err(ImportError::ServiceName(name));
    }
    let ext = services.and_then(|s| s.get(&name));
    // Our own export puts several services in one document, told apart by tag.
    let by_tag = services.is_some_and(|s| s.len() > 1);

    let mut ops: Vec<(String, String)> = Vec::new();
    let paths = doc
        .root
        .get("paths")
        .map_or(Ok(None), |p| doc.object(p, "/paths").map(Some))?;
    for path in paths.into_iter().flat_map(|m| m.keys()) {
        let item_at = format!("/paths/{}", escape_token(path));
        let item = doc.resolved(&item_at, &mut notes)?;
        for (method, op) in doc.object(&item, &item_at)? {
            if matches!(
                method.as_str(),
                "parameters" | "summary" | "description" | "servers" | "$ref"
            ) || method.starts_with("x-")
            {
                continue;
            }
            if !METHODS.contains(&method.as_str()) {
                notes.push(Note {
                    pointer: format!("{item_at}/{method}"),
                    text: format!("TODO: {} {path} not imported (specs have GET, POST, PUT, PATCH and DELETE)", method.to_uppercase()),
                });
                continue;
            }
            let tagged = op
                .get("tags")
                .and_then(Value::as_array)
                .is_some_and(|t| t.iter().any(|t| t.as_str() == Some(name.as_str())));
            if by_tag && !tagged {
                continue;
            }
            ops.push((path.clone(), method.clone()));
        }
    }

    if ops.is_empty() {
        return Err(ImportError::NoOperations {
            path: doc.path.clone(),
            service: by_tag.then(|| name.clone()),
        });
    }
    let ext_errors = ext.and_then(|e| e.get("errors"));
    let envelope = ext_errors
        .and_then(|e| e.get("carrier"))
        .and_then(Value::as_str)
        == Some("envelope");
    let shape: Shape = errors::shape(error_schema(doc, &ops, envelope, &mut notes)?, ext_errors);
    let base_path = match ext.and_then(|e| e.get("base_path")).and_then(Value::as_str) {
        Some(b) => b.to_string(),
        None => server_base(doc),
    };
    // Paths of our own export carry the base path; other documents' are relative to the server.
    let strip = if ext.is_some() {
        base_path.as_str()
    } else {
        ""
    };
    let ctx = Context {
        doc,
        base_path: strip,
        shape: &shape,
    };
    let mut built = Vec::new();
    let mut ids: Vec<String> = Vec::new();
    for (path, method) in &ops {
        let mut b = operation::build(&ctx, path, method, &mut notes)?;
        if ids.contains(&b.id) {
            let mut n = 2;
            while ids.contains(&format!("{}_{n}", b.id)) {
                n += 1;
            }
            let new = format!("{}_{n}", b.id);
            b.value["id"] = json!(new);
            if let Some((f, _)) = &mut b.fixture {
                *f = new.clone();
                b.value["success"]["case"]["fixture"] = json!(new);
            }
            b.id = new;
        }
        ids.push(b.id.clone());
        built.push(b);
    }

    let (service_value, service_comments) = service_file(
        doc, &name, ext, &base_path, &shape, &ops, &built, &mut notes,
    )?;
    let header = |schema: &str| {
        format!(
            "# yaml-language-server: $schema=../../schema/{schema}\n# Imported by `contract-harness import openapi` from {} (OpenAPI {}).\n",
            doc.file_name(),
            doc.version
        )
    };
    let mut files = vec![(
        "service.yaml".to_string(),
        header("service.schema.json") + &emit(&service_value, &service_comments),
    )];
    for b in &built {
        files.push((
            format!("{}.yaml", b.id),
            header("operation.schema.json") + &emit(&b.value, &b.comments),
        ));
    }
    Ok(Imported {
        service: name,
        files,
        notes,
    })
}

#[allow(clippy::too_many_arguments)]
fn service_file(
    doc: &Document,
    name: &str,
    ext: Option<&Value>,
    base_path: &str,
    shape: &Shape,
    ops: &[(String, String)],
    built: &[operation::Built],
    notes: &mut Vec<Note>,
) -> Result<(Value, Comments), ImportError> {
    let mut c = Comments::default();
    let mut s = Map::new();
    s.insert("service".into(), json!(name));
    let title = ext
        .and_then(|e| e.get("title"))
        .or_else(|| doc.root.pointer("/info/title"))
        .and_then(Value::as_str)
        .unwrap_or(name);
    s.insert("title".into(), json!(title));
    if !base_path.is_empty() {
        s.insert("base_path".into(), json!(base_path));
        if ext.is_none() {
            c.add("/base_path", "The path of servers[0].url.");
        }
    }
    let sources = match ext.and_then(|e| e.get("sources")) {
        Some(v) => v.clone(),
        None => json!([doc.file_name()]),
    };
    // `sources` is optional: an empty list is not written.
    if sources.as_array().is_none_or(|a| !a.is_empty()) {
        s.insert("sources".into(), sources);
    }

    if let Some(d) = ext
        .and_then(|e| e.get("description"))
        .filter(|d| d.is_string())
    {
        s.insert("description".into(), d.clone());
    }
    match ext.and_then(|e| e.get("auth")).filter(|a| a.is_object()) {
        // Our own export carries the scheme as written.
        Some(a) => {
            s.insert("auth".into(), a.clone());
        }
        None => {
            let auth = security::auth(doc, ops, notes)?;
            for line in &auth.comments {
                c.add("/auth", line.clone());
            }
            s.insert("auth".into(), auth.value);
        }
    }

    let credentials = match ext.and_then(|e| e.get("credentials")) {
        Some(v) => v.clone(),
        None => {
            c.add(
                "/credentials",
                "TODO: the credential roles the harness needs (`default` calls every operation).",
            );
            let grants = security::scopes(doc, notes)?;
            let mut roles = json!({"default": {
                "description": "TODO: the credential every case uses",
                "grants": grants,
            }});
            // The refused-permission cases need a credential lacking the scopes.
            if !grants.is_empty() {
                roles["no_scopes"] = json!({
                    "description": "TODO: a credential granted none of the scopes",
                    "grants": [],
                });
            }
            roles
        }
    };
    s.insert("credentials".into(), credentials);

    for line in &shape.comments {
        c.add("/errors", line.clone());
    }
    s.insert("errors".into(), shape.value());

    let fixtures = match doc
        .root
        .pointer(&format!("/x-contract-fixtures/{}", escape_token(name)))
    {
        Some(f) => f.clone(),
        None => {
            c.add(
                "/fixtures",
                "TODO: one fixture per operation; say what each must hold on the target.",
            );
            let mut m = Map::new();
            for b in built {
                if let Some((n, f)) = &b.fixture {
                    m.insert(n.clone(), f.clone());
                }
            }
            Value::Object(m)
        }
    };
    s.insert("fixtures".into(), fixtures);
    Ok((Value::Object(s), c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn imported(v: Value) -> Result<Imported, ImportError> {
        let doc = Document::from_value(Path::new("t.json"), v).expect("3.x");
        import(&doc, &Options::default())
    }

    #[test]
    fn errors_name_the_pointer_at_fault() {
        let e = imported(json!({"openapi": "3.0.3", "info": {"title": "T"}, "paths": []}))
            .expect_err("paths must be an object");
        assert_eq!(e.to_string(), "t.json: `/paths` is not an object");
        let e = imported(
            json!({"openapi": "3.0.3", "info": {"title": "T"}, "paths": {
                "/a/{x}": {"get": {"parameters": [{"name": "x"}], "responses": {}}}
            }}),
        )
        .expect_err("a parameter needs `in`");
        assert!(
            e.to_string()
                .contains("`/paths/~1a~1{x}/get/parameters/0` is a parameter without"),
            "{e}"
        );
        let e = imported(
            json!({"openapi": "3.1.0", "info": {"title": "T"}, "paths": {
                "/a": {"get": {"responses": {"200": {"$ref": "#/components/responses/Nope"}}}}
            }}),
        )
        .expect_err("a broken ref");
        assert!(
            e.to_string()
                .contains("`/paths/~1a/get/responses/200/$ref` is `#/components/responses/Nope`"),
            "{e}"
        );
    }

    #[test]
    fn names_come_from_the_title_and_methods_without_a_spec_are_noted() {
        let got = imported(json!({"openapi": "3.1.0", "info": {"title": "My Shop API"}, "paths": {
            "/a": {"get": {"responses": {"204": {"description": "ok"}}}, "head": {"responses": {}}}
        }}))
        .expect("imports");
        assert_eq!(got.service, "my_shop_api");
        assert_eq!(
            got.files
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>(),
            ["service.yaml", "get_a.yaml"]
        );
        assert!(
            got.notes
                .iter()
                .any(|n| n.pointer == "/paths/~1a/head" && n.text.contains("HEAD /a not imported")),
            "{:?}",
            got.notes
        );
    }
}
