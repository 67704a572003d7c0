//! OpenAPI security schemes to the `auth:` of `service.yaml`.

use serde_json::{Map, Value, json};

use super::document::{Document, Note};
use super::error::ImportError;
use crate::contract::source::escape_token;

/// The `auth:` of the service and what to say about it.
#[derive(Debug, Clone)]
pub struct Auth {
    /// The `auth:` value.
    pub value: Value,
    /// Comment lines for it (where it came from, what is left to do).
    pub comments: Vec<String>,
}

/// The names of the schemes the service requires, first requirement first: its first
/// operation's that has a `security`, else the document's global one.
fn required(doc: &Document, ops: &[(String, String)]) -> Vec<(String, String)> {
    let first_req = |v: &Value, at: &str| -> Option<Vec<(String, String)>> {
        let req = v.as_array()?.first()?.as_object()?;
        Some(
            req.keys()
                .map(|k| (k.clone(), format!("{at}/0/{}", escape_token(k))))
                .collect(),
        )
    };
    for (p, m) in ops {
        let at = format!("/paths/{}/{m}/security", escape_token(p));
        if let Some(r) = doc.root.pointer(&at).and_then(|v| first_req(v, &at)) {
            return r;
        }
    }
    doc.root
        .get("security")
        .and_then(|v| first_req(v, "/security"))
        .unwrap_or_default()
}

/// The service's `auth:` from the security schemes its operations (`ops`: path and method)
/// require.
///
/// # Errors
/// [`ImportError::BrokenRef`] for a scheme given by a `$ref` that names nothing.
pub fn auth(
    doc: &Document,
    ops: &[(String, String)],
    notes: &mut Vec<Note>,
) -> Result<Auth, ImportError> {
    let names = required(doc, ops);
    let schemes = doc.resolved("/components/securitySchemes", notes)?;
    let (name, scheme) = match names.first() {
        Some((n, _)) => match schemes.get(n) {
            Some(s) => (n.clone(), s.clone()),
            None => {
                return Ok(todo(format!(
                    "TODO: the document requires security scheme `{n}`, which components.securitySchemes does not declare"
                )));
            }
        },
        None => match schemes.as_object().and_then(|m| m.iter().next()) {
            Some((n, s)) => (n.clone(), s.clone()),
            None => {
                return Ok(todo(
                    "TODO: the document declares no security scheme; say how a client authenticates"
                        .into(),
                ));
            }
        },
    };
    let mut comments = vec![format!("From components.securitySchemes.{name}.")];
    if names.len() > 1 {
        let others: Vec<&str> = names[1..].iter().map(|(n, _)| n.as_str()).collect();
        comments.push(format!(
            "TODO: the document requires {} together with it: a signed request (scheme: signed) or a token_request?",
            others.join(", ")
        ));
    }
    if let Some(d) = scheme.get("description").and_then(Value::as_str) {
        comments.push(format!("The document: {d}"));
    }
    let kind = scheme.get("type").and_then(Value::as_str).unwrap_or("");
    let http = scheme
        .get("scheme")
        .and_then(Value::as_str)
        .map(str::to_ascii_lowercase);
    let value = match (kind, http.as_deref()) {
        ("http", Some("bearer")) => json!({"scheme": "bearer"}),
        ("http", Some("basic")) => json!({"scheme": "basic"}),
        ("apiKey", _) => {
            let place = scheme.get("in").and_then(Value::as_str).unwrap_or("header");
            let key = scheme.get("name").and_then(Value::as_str).unwrap_or("");
            json!({"scheme": "api_key", "in": place, "name": key})
        }
        ("oauth2", _) => match scheme.pointer("/flows/clientCredentials") {
            Some(flow) => {
                let url = flow.get("tokenUrl").and_then(Value::as_str).unwrap_or("");
                let mut m = Map::new();
                m.insert("scheme".into(), json!("oauth2_client_credentials"));
                if url.starts_with('/') {
                    m.insert("token_path".into(), json!(url));
                } else {
                    m.insert("token_url".into(), json!(url));
                }
                Value::Object(m)
            }
            None => {
                comments.push(
                    "TODO: an OAuth 2 flow other than client credentials; bearer until it is written"
                        .into(),
                );
                json!({"scheme": "bearer"})
            }
        },
        _ => {
            comments.push(format!(
                "TODO: security scheme type `{kind}`{} has no equivalent; bearer until it is written",
                http.map(|h| format!(" ({h})")).unwrap_or_default()
            ));
            json!({"scheme": "bearer"})
        }
    };
    Ok(Auth { value, comments })
}

fn todo(text: String) -> Auth {
    Auth {
        value: json!({"scheme": "bearer"}),
        comments: vec![text, "bearer until it is written".into()],
    }
}

/// The OAuth 2 scopes the document declares (the permission codes of the credentials).
pub fn scopes(doc: &Document, notes: &mut Vec<Note>) -> Result<Vec<String>, ImportError> {
    let schemes = doc.resolved("/components/securitySchemes", notes)?;
    let mut out = Vec::new();
    for s in schemes.as_object().into_iter().flat_map(|m| m.values()) {
        for flow in s
            .get("flows")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|m| m.values())
        {
            for scope in flow
                .get("scopes")
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|m| m.keys())
            {
                if !out.contains(scope) {
                    out.push(scope.clone());
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn auth_of(schemes: Value, security: Value) -> Auth {
        let d = Document::from_value(
            Path::new("t.json"),
            json!({"openapi": "3.1.0", "security": security, "components": {"securitySchemes": schemes}}),
        )
        .expect("doc");
        auth(&d, &[], &mut Vec::new()).expect("auth")
    }

    #[test]
    fn schemes_map_to_the_agreed_format() {
        let a = auth_of(
            json!({"b": {"type": "http", "scheme": "Bearer"}}),
            json!([{"b": []}]),
        );
        assert_eq!(a.value, json!({"scheme": "bearer"}));
        let a = auth_of(
            json!({"k": {"type": "apiKey", "in": "query", "name": "api_key"}}),
            json!([{"k": []}]),
        );
        assert_eq!(
            a.value,
            json!({"scheme": "api_key", "in": "query", "name": "api_key"})
        );
        let a = auth_of(
            json!({"o": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://idp.example/token", "scopes": {}}}}}),
            json!([{"o": ["all"]}]),
        );
        assert_eq!(
            a.value,
            json!({"scheme": "oauth2_client_credentials", "token_url": "https://idp.example/token"})
        );
        let a = auth_of(
            json!({"oid": {"type": "openIdConnect", "openIdConnectUrl": "https://x"}}),
            json!([{"oid": []}]),
        );
        assert_eq!(a.value, json!({"scheme": "bearer"}));
        assert!(
            a.comments
                .iter()
                .any(|c| c.starts_with("TODO: security scheme type `openIdConnect`"))
        );
        let a = auth_of(
            json!({"h1": {"type": "apiKey", "in": "header", "name": "a"}, "h2": {"type": "apiKey", "in": "header", "name": "b"}}),
            json!([{"h1": [], "h2": []}]),
        );
        assert!(
            a.comments
                .iter()
                .any(|c| c.contains("requires h2 together")),
            "{:?}",
            a.comments
        );
    }
}
