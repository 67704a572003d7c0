//! One OpenAPI operation (a path and a method) to an operation spec: id, summary, method,
//! path, parameters, request body, success, errors; what OpenAPI cannot say left as TODO.

use serde_json::{Map, Value, json};

use super::document::{Document, Note, json_schema};
use super::emit_yaml::Comments;
use super::error::ImportError;
use super::errors::{self, ErrorResponse, Shape};
use crate::contract::source::escape_token;

/// The methods an operation spec can have, as OpenAPI spells them.
pub const METHODS: &[&str] = &["get", "post", "put", "patch", "delete"];

/// What the operations of one service share while they are imported.
#[derive(Debug)]
pub struct Context<'a> {
    /// The document.
    pub doc: &'a Document,
    /// The service's base path, removed from the front of every path.
    pub base_path: &'a str,
    /// How the service carries errors.
    pub shape: &'a Shape,
}

/// An operation spec and what comes with it.
#[derive(Debug)]
pub struct Built {
    /// Operation id (also the file name).
    pub id: String,
    /// The spec.
    pub value: Value,
    /// Its comments.
    pub comments: Comments,
    /// The fixture its success case needs, when the document does not declare one
    /// (`x-contract-fixtures`): name, then `{description, values}`.
    pub fixture: Option<(String, Value)>,
}

/// A name in snake case: `findPets` → `find_pets`, `find pet by id` → `find_pet_by_id`.
pub fn snake(s: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && prev_lower && !out.ends_with('_') {
                out.push('_');
            }
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            out.push(c.to_ascii_lowercase());
        } else {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            prev_lower = false;
        }
    }
    let out = out.trim_matches('_').to_string();
    match out.chars().next() {
        Some(c) if c.is_ascii_lowercase() => out,
        Some(_) => format!("op_{out}"),
        None => "op".into(),
    }
}

/// The id of an operation: its `operationId` in snake case, or `<method>_<path slug>`.
pub fn id_of(op: &Value, method: &str, path: &str) -> String {
    match op.get("operationId").and_then(Value::as_str) {
        Some(id) if !id.trim().is_empty() => snake(id),
        _ => snake(&format!("{method}_{path}")),
    }
}

/// The JSON media type of a `content` map: `application/json`, else the first `*json`.
pub fn json_media<'a>(content: &'a Value, at: &str) -> Option<(&'a Value, String)> {
    let m = content.as_object()?;
    let key = if m.contains_key("application/json") {
        "application/json"
    } else {
        m.keys().find(|k| {
            k.split(';')
                .next()
                .is_some_and(|t| t.trim().ends_with("json"))
        })?
    };
    Some((&m[key], format!("{at}/{}", escape_token(key))))
}

/// The examples of a media type object (`example`, then every `examples` value, then the
/// schema's own), each with where it came from.
pub fn examples_of(media: &Value, at: &str) -> Vec<(Value, String)> {
    if let Some(ex) = media.get("example") {
        return vec![(ex.clone(), format!("{at}/example"))];
    }
    if let Some(exs) = media.get("examples").and_then(Value::as_object)
        && !exs.is_empty()
    {
        return exs
            .iter()
            .filter_map(|(k, e)| {
                e.get("value")
                    .map(|v| (v.clone(), format!("{at}/examples/{}", escape_token(k))))
            })
            .collect();
    }
    match media.pointer("/schema/example") {
        Some(ex) => vec![(ex.clone(), format!("{at}/schema/example"))],
        None => Vec::new(),
    }
}

fn body_of(media: &Value, at: &str) -> Value {
    let mut b = Map::new();
    b.insert(
        "schema".into(),
        json_schema(media.get("schema").unwrap_or(&json!({}))),
    );
    if let Some((ex, _)) = examples_of(media, at).into_iter().next() {
        b.insert("example".into(), ex);
    }
    Value::Object(b)
}

fn summary_of(op: &Value, method: &str, path: &str) -> String {
    let text = op
        .get("summary")
        .or_else(|| op.get("description"))
        .and_then(Value::as_str)
        .and_then(|s| s.lines().map(str::trim).find(|l| !l.is_empty()))
        .unwrap_or("");
    if text.is_empty() {
        return format!("{} {path}", method.to_uppercase());
    }
    if text.chars().count() <= 100 {
        return text.to_string();
    }
    let cut: String = text.chars().take(100).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{cut} ...")
}

/// Builds one operation spec.
///
/// # Errors
/// [`ImportError`] for a broken `$ref` or a value of the wrong shape, naming its pointer.
pub fn build(
    ctx: &Context<'_>,
    path: &str,
    method: &str,
    notes: &mut Vec<Note>,
) -> Result<Built, ImportError> {
    let doc = ctx.doc;
    let item_at = format!("/paths/{}", escape_token(path));
    let at = format!("{item_at}/{method}");
    let op = doc.resolved(&at, notes)?;
    doc.object(&op, &at)?;
    let item = doc.resolved(&item_at, notes)?;
    let ext = |k: &str| op.get(k);
    let id = id_of(&op, method, path);
    let own_path = path.strip_prefix(ctx.base_path).unwrap_or(path);
    let own_path = if own_path.is_empty() { "/" } else { own_path };
    let mut c = Comments::default();
    let mut o = Map::new();
    o.insert("id".into(), json!(id));
    c.add(
        "/id",
        format!(
            "From paths.{path}.{method}{}.",
            op.get("operationId")
                .and_then(Value::as_str)
                .map(|i| format!(" (operationId {i})"))
                .unwrap_or_default()
        ),
    );
    o.insert("summary".into(), json!(summary_of(&op, method, path)));
    // Our own export says each operation's source page, and says none when the spec named
    // none; another document is itself the operation's source.
    let own_export = doc.root.get("x-contract-services").is_some();
    let source = match ext("x-contract-source").and_then(Value::as_str) {
        Some(s) => Some(s.to_string()),
        None if own_export => None,
        None => Some(doc.file_name()),
    };
    if let Some(source) = source {
        o.insert("source".into(), json!(source));
    }
    o.insert("method".into(), json!(method.to_uppercase()));
    o.insert("path".into(), json!(own_path));
    let permissions = match ext("x-contract-permissions") {
        Some(p) => p.clone(),
        None => json!(scopes_required(&op)),
    };
    if permissions.as_array().is_some_and(|p| !p.is_empty()) {
        o.insert("permissions".into(), permissions);
    }
    let destructive = match ext("x-contract-destructive") {
        Some(Value::Bool(b)) => *b,
        _ => {
            if method == "delete" {
                c.add("/destructive", "A DELETE: destructive (from the method).");
            }
            method == "delete"
        }
    };
    if destructive {
        o.insert("destructive".into(), json!(true));
    }

    // Parameters: the path item's, then the operation's (which override them).
    let mut params: Vec<(Value, String)> = Vec::new();
    for (src, base) in [(&item, &item_at), (&op, &at)] {
        for (i, p) in src
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let ptr = format!("{base}/parameters/{i}");
            let name = p.get("name").and_then(Value::as_str);
            let place = p.get("in").and_then(Value::as_str);
            if name.is_none() || place.is_none() {
                return Err(doc.shape(&ptr, "is a parameter without `name` or `in`"));
            }
            params.retain(|(q, _)| !(q.get("name") == p.get("name") && q.get("in") == p.get("in")));
            params.push((p.clone(), ptr));
        }
    }
    let mut parameters = Map::new();
    let mut values: Vec<String> = Vec::new();
    for (p, ptr) in &params {
        let name = p["name"].as_str().unwrap_or_default().to_string();
        let place = p["in"].as_str().unwrap_or_default();
        if !matches!(place, "path" | "query" | "header") {
            notes.push(Note {
                pointer: ptr.clone(),
                text: format!("TODO: {place} parameter `{name}` not imported (only path, query and header parameters are)"),
            });
            c.add(
                "/parameters",
                format!("TODO: the {place} parameter `{name}` ({ptr}) is not imported."),
            );
            continue;
        }
        let required = place == "path" || p.get("required") == Some(&Value::Bool(true));
        let mut m = Map::new();
        if place != "path" {
            m.insert("in".into(), json!(place));
        }
        if let Some(d) = p
            .get("description")
            .and_then(Value::as_str)
            .filter(|d| !d.is_empty())
        {
            m.insert("description".into(), json!(d));
        }
        if place != "path" {
            m.insert("required".into(), json!(required));
        }
        let schema = json_schema(p.get("schema").unwrap_or(&json!({"type": "string"})));
        if schema != json!({"type": "string"}) {
            m.insert("schema".into(), schema);
        }
        if required && !values.contains(&name) {
            values.push(name.clone());
        }
        parameters.insert(name, Value::Object(m));
    }
    if !parameters.is_empty() {
        o.insert("parameters".into(), Value::Object(parameters));
    }

    // Request.
    let mut request = Map::new();
    if let Some(ct) = ext("x-contract-request-content-type") {
        request.insert("content_type".into(), ct.clone());
    }
    let body_at = format!("{at}/requestBody/content");
    let request_body = op
        .pointer("/requestBody/content")
        .and_then(|ct| json_media(ct, &body_at));
    match (&request_body, op.get("requestBody")) {
        (Some((media, mat)), _) => {
            request.insert("body".into(), body_of(media, mat));
            c.add("/request/body", format!("From {mat}."));
        }
        (None, Some(_)) => {
            request.insert("body".into(), json!("none"));
            c.add(
                "/request/body",
                format!(
                    "TODO: the request body of {at} is not JSON; only JSON bodies are imported."
                ),
            );
            notes.push(Note {
                pointer: format!("{at}/requestBody"),
                text: "TODO: a request body that is not JSON, left out".into(),
            });
        }
        _ => {
            request.insert("body".into(), json!("none"));
        }
    }
    o.insert("request".into(), Value::Object(request));

    // Success: the 2xx responses.
    let responses = op
        .get("responses")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut statuses: Vec<u16> = responses
        .keys()
        .filter_map(|k| k.parse::<u16>().ok())
        .filter(|s| (200..300).contains(s))
        .collect();
    statuses.sort_unstable();
    let mut success = Map::new();
    let mut success_body = json!("none");
    let envelope = ctx.shape.carrier == "envelope";
    match statuses.as_slice() {
        [] if envelope => {
            c.add(
                "/success",
                "No HTTP status: the envelope code tells success from error (x-contract-services).",
            );
            if let Some(s) =
                op.pointer("/responses/default/content/application~1json/schema/anyOf/0")
            {
                success_body = json!({ "schema": json_schema(s) });
                if let Some(ex) = ext("x-contract-success-example") {
                    success_body["example"] = ex.clone();
                }
            }
        }
        [] => c.add(
            "/success",
            format!("TODO: {at} documents no 2xx response; give the success status."),
        ),
        [one] => {
            success.insert("status".into(), json!(one));
        }
        several => {
            success.insert("status".into(), json!(several));
            c.add("/success/status", "Several 2xx responses: any of them.");
        }
    }
    // The body of the first 2xx response with an example (schema and example then agree), or
    // else of the first with a JSON body.
    let with_body: Vec<(u16, &Value, String)> = statuses
        .iter()
        .filter_map(|s| {
            let rat = format!("{at}/responses/{s}/content");
            op.pointer(&format!("/responses/{s}/content"))
                .and_then(|ct| json_media(ct, &rat))
                .map(|(media, mat)| (*s, media, mat))
        })
        .collect();
    let chosen = with_body
        .iter()
        .find(|(_, media, mat)| !examples_of(media, mat).is_empty())
        .or_else(|| with_body.first());
    if let Some((_, media, mat)) = chosen {
        success_body = body_of(media, mat);
        c.add("/success/body", format!("From {mat}."));
        // One body is promised for every listed status: a 2xx answered without a JSON body
        // (a 204 beside a 200) is left out rather than held to a body it does not have.
        let bodied: Vec<u16> = with_body.iter().map(|(s, _, _)| *s).collect();
        let bodiless: Vec<String> = statuses
            .iter()
            .filter(|s| !bodied.contains(s))
            .map(u16::to_string)
            .collect();
        if !bodiless.is_empty() {
            success.insert(
                "status".into(),
                match bodied.as_slice() {
                    [one] => json!(one),
                    several => json!(several),
                },
            );
            c.add(
                "/success/status",
                format!(
                    "TODO: {} also succeed{} without a JSON body; the success lists the statuses with this body only.",
                    bodiless.join(", "),
                    if bodiless.len() == 1 { "s" } else { "" }
                ),
            );
        }
    }
    if let Some(ct) = ext("x-contract-success-content-type") {
        success.insert("content_type".into(), ct.clone());
    }
    success.insert("body".into(), success_body);
    let fixture_name = ext("x-contract-success-fixture")
        .and_then(Value::as_str)
        .map(str::to_string);
    let mut case = Map::new();
    case.insert(
        "fixture".into(),
        json!(fixture_name.clone().unwrap_or_else(|| id.clone())),
    );
    let case_body = match (ext("x-contract-success-body"), &request_body) {
        (Some(b), _) => Some(b.clone()),
        (None, Some((media, mat))) => Some(match examples_of(media, mat).into_iter().next() {
            Some((ex, from)) => {
                c.add(
                    "/success/case/body",
                    format!("The request example of {from}."),
                );
                ex
            }
            None => {
                c.add(
                    "/success/case/body",
                    "No request example: the required fields, from the fixture.",
                );
                template(media.get("schema").unwrap_or(&json!({})), &mut values)
            }
        }),
        (None, None) => None,
    };
    if let Some(b) = case_body {
        case.insert("body".into(), b);
    }
    if let Some(f) = ext("x-contract-success-fields") {
        case.insert("fields".into(), f.clone());
    }
    success.insert("case".into(), Value::Object(case));
    o.insert("success".into(), Value::Object(success));

    // Errors.
    let found = match ext("x-contract-error-codes").and_then(Value::as_array) {
        Some(entries) => errors::from_extension(entries),
        None => {
            let mut rs = Vec::new();
            for (status, r) in &responses {
                let is_error =
                    status == "default" || status.starts_with('4') || status.starts_with('5');
                if !is_error {
                    continue;
                }
                let rat = format!("{at}/responses/{}", escape_token(status));
                let examples = r
                    .get("content")
                    .and_then(|ct| json_media(ct, &format!("{rat}/content")))
                    .map(|(media, mat)| examples_of(media, &mat))
                    .unwrap_or_default();
                rs.push(ErrorResponse {
                    status: status.clone(),
                    pointer: rat,
                    description: r
                        .get("description")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                    examples,
                });
            }
            errors::from_responses(&rs, ctx.shape)
        }
    };
    for (status, pointer) in &found.uncoded {
        notes.push(Note {
            pointer: pointer.clone(),
            text: format!(
                "no example gives the error code of {id}'s {status} response: no `errors:` entry (codes must be real), listed under not_promised"
            ),
        });
    }
    for (i, comment) in found.comments.iter().enumerate() {
        c.add(format!("/errors/{i}"), comment.clone());
    }
    o.insert("errors".into(), Value::Array(found.errors));
    let error_examples = match ext("x-contract-error-examples") {
        Some(e) => e.clone(),
        None => Value::Array(found.examples),
    };
    if error_examples.as_array().is_some_and(|a| !a.is_empty()) {
        o.insert("error_examples".into(), error_examples);
    }
    let not_promised = match ext("x-contract-not-promised") {
        Some(n) => n.clone(),
        None => json!(found.not_promised),
    };
    if not_promised.as_array().is_some_and(|a| !a.is_empty()) {
        o.insert("not_promised".into(), not_promised);
    }
    if let Some(s) = ext("x-contract-sequences") {
        o.insert("sequences".into(), s.clone());
    }

    let fixture = match fixture_name {
        Some(_) => None,
        None => {
            let what = format!("{} {path}", method.to_uppercase());
            let description = if values.is_empty() {
                values.push("placeholder".into());
                format!(
                    "TODO: what must exist on the target for {what} to succeed (the request takes no value; `placeholder` stands for none)"
                )
            } else {
                format!(
                    "TODO: what must exist on the target for {what} to succeed, and the values it gives"
                )
            };
            Some((
                id.clone(),
                json!({"description": description, "values": values}),
            ))
        }
    };
    Ok(Built {
        id,
        value: Value::Object(o),
        comments: c,
        fixture,
    })
}

/// The union of the OAuth 2 scopes the operation's security requirements name.
fn scopes_required(op: &Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for req in op
        .get("security")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        for scopes in req.as_object().into_iter().flat_map(|m| m.values()) {
            for s in scopes
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if !out.iter().any(|o| o == s) {
                    out.push(s.to_string());
                }
            }
        }
    }
    out
}

/// A body holding the schema's required top-level fields: strings from the fixture
/// (`"{{name}}"`, the name added to `values`), other types as an empty value of their type.
fn template(schema: &Value, values: &mut Vec<String>) -> Value {
    let mut out = Map::new();
    let props = schema.get("properties").and_then(Value::as_object);
    for name in schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        let ty = props
            .and_then(|p| p.get(name))
            .and_then(|p| p.get("type"))
            .and_then(Value::as_str)
            .unwrap_or("string");
        let v = match ty {
            "integer" | "number" => json!(0),
            "boolean" => json!(false),
            "array" => json!([]),
            "object" => json!({}),
            _ => {
                if !values.iter().any(|v| v == name) {
                    values.push(name.to_string());
                }
                json!(format!("{{{{{name}}}}}"))
            }
        };
        out.insert(name.to_string(), v);
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_snake_case() {
        assert_eq!(snake("findPets"), "find_pets");
        assert_eq!(snake("find pet by id"), "find_pet_by_id");
        assert_eq!(snake("getHTTPStatus"), "get_httpstatus");
        assert_eq!(snake("delete_organization"), "delete_organization");
        assert_eq!(id_of(&json!({}), "get", "/pets/{id}"), "get_pets_id");
        assert_eq!(snake("2fa"), "op_2fa");
    }

    #[test]
    fn json_media_prefers_application_json() {
        let c = json!({"application/xml": {}, "application/problem+json": {"a": 1}});
        let (m, at) = json_media(&c, "/x").expect("a json type");
        assert_eq!(m["a"], 1);
        assert_eq!(at, "/x/application~1problem+json");
    }
}
