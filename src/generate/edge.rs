//! Edge inputs: a fixed set of unusual values (empty, whitespace-only, very long, non-ASCII,
//! a `/` that travels percent-encoded in a path, the fixture's own value padded with spaces)
//! for every path parameter and every top-level string (or list-of-strings) body field. Each
//! is one case with a stable name; what the server answers is recorded in a snapshot, and only
//! what the pages promise is asserted.

use serde_json::{Value, json};

use super::case::{Call, Case, CaseId, Expect, Kind, Plan};
use crate::contract::{Operation, Trigger};

/// One edge value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    /// `""`.
    Empty,
    /// `" "`.
    Whitespace,
    /// 1,024 characters.
    Long,
    /// Non-ASCII letters and an emoji.
    NonAscii,
    /// A `/` inside the value (`%2F` in a path).
    Slash,
    /// The fixture's own value with a leading and a trailing space.
    Padded,
}

impl Edge {
    /// Every edge, in case order.
    pub const ALL: [Edge; 6] = [
        Edge::Empty,
        Edge::Whitespace,
        Edge::Long,
        Edge::NonAscii,
        Edge::Slash,
        Edge::Padded,
    ];

    /// The name segment.
    pub fn name(self) -> &'static str {
        match self {
            Edge::Empty => "empty",
            Edge::Whitespace => "whitespace",
            Edge::Long => "long",
            Edge::NonAscii => "non_ascii",
            Edge::Slash => "slash",
            Edge::Padded => "padded",
        }
    }

    /// The value for parameter `param` (`{{param}}` is the fixture's value). Values that are
    /// not blank start with `contract-harness-`, so they name nothing on a live target.
    pub fn value(self, param: &str) -> String {
        match self {
            Edge::Empty => String::new(),
            Edge::Whitespace => " ".into(),
            Edge::Long => {
                let head = "contract-harness-long-";
                format!("{head}{}", "x".repeat(1024 - head.len()))
            }
            Edge::NonAscii => "contract-harness-中文-äöü-😀".into(),
            Edge::Slash => "contract-harness-a/b".into(),
            Edge::Padded => format!(" {{{{{param}}}}} "),
        }
    }
}

/// Where an edge value goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Path,
    /// A string field.
    Field,
    /// The one element of a list-of-strings field.
    Element,
}

fn body_places(op: &Operation) -> Vec<(String, Place)> {
    let Some(body) = op.request.body.json() else {
        return Vec::new();
    };
    let Some(props) = body.schema.raw.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    props
        .iter()
        .filter_map(|(name, schema)| {
            let ty = schema.get("type").and_then(Value::as_str);
            let item = schema
                .get("items")
                .and_then(|i| i.get("type"))
                .and_then(Value::as_str);
            match (ty, item) {
                (Some("string"), _) => Some((name.clone(), Place::Field)),
                (Some("array"), Some("string")) => Some((name.clone(), Place::Element)),
                _ => None,
            }
        })
        .collect()
}

/// Whether the page documents an error for this edge of `param`, so that a success is a
/// broken promise: a value that names nothing has a documented error (an `unknown:` trigger
/// of the parameter), or, for an empty value, a trigger sets the parameter empty ("cannot be
/// empty"). A padded fixture value may be trimmed and carried out by a correct server.
fn documented_error(op: &Operation, param: &str, edge: Edge) -> bool {
    if edge == Edge::Padded {
        return false;
    }
    let triggers = op.errors.iter().flat_map(|e| e.all_triggers());
    let mut unknown = false;
    let mut empty = false;
    for t in triggers {
        match t {
            Trigger::Unknown(v) if v == param => unknown = true,
            Trigger::Input(c) => {
                let blank = |v: &Value| match v {
                    Value::String(s) => s.is_empty(),
                    Value::Array(a) => a.is_empty() || a.iter().all(|x| x == &json!("")),
                    _ => false,
                };
                if c.path.get(param).is_some_and(String::is_empty)
                    || c.body.get(param).is_some_and(blank)
                {
                    empty = true;
                }
            }
            _ => {}
        }
    }
    unknown || (edge == Edge::Empty && empty)
}

/// The body field of the success template that holds `param`'s fixture value, for padding.
fn fixture_placeholder(op: &Operation, field: &str) -> Option<String> {
    let template = op.success.case.body.as_ref()?.get(field)?;
    let text = match template {
        Value::String(s) => s.as_str(),
        Value::Array(a) => a.first()?.as_str()?,
        _ => return None,
    };
    text.trim()
        .strip_prefix("{{")?
        .strip_suffix("}}")
        .map(|s| s.trim().to_string())
}

/// The edge cases of an operation.
pub fn cases(op: &Operation) -> Vec<Case> {
    let mut places: Vec<(String, Place)> = op
        .path_params()
        .into_iter()
        .map(|p| (p, Place::Path))
        .collect();
    places.extend(body_places(op));
    let mut out = Vec::new();
    for (param, place) in places {
        for edge in Edge::ALL {
            let mut call = Call::success(&op.id, &op.success.case.fixture);
            let value = match (edge, place) {
                (Edge::Padded, Place::Path) => edge.value(&param),
                (Edge::Padded, _) => match fixture_placeholder(op, &param) {
                    Some(name) => edge.value(&name),
                    None => continue,
                },
                _ => edge.value(&param),
            };
            let shown = if value.chars().count() > 40 {
                format!("{} characters", value.chars().count())
            } else {
                format!("{value:?}")
            };
            match place {
                Place::Path => {
                    call.input.path.insert(param.clone(), value);
                }
                Place::Field => {
                    call.input.body.insert(param.clone(), Value::String(value));
                }
                Place::Element => {
                    call.input.body.insert(param.clone(), json!([value]));
                }
            }
            let may_succeed = !documented_error(op, &param, edge);
            let at = match place {
                Place::Path => format!("/parameters/{param}"),
                _ => format!("/request/body/schema/properties/{param}"),
            };
            out.push(Case::new(
                CaseId::new(op, Kind::Invalid, format!("edge_{param}_{}", edge.name())),
                op.locate(&at),
                format!(
                    "{param} = {shown}{}: never a 5xx, an error in the documented shape{}; the answer is recorded",
                    if place == Place::Element { " (the list's one element)" } else { "" },
                    if may_succeed {
                        ", a success allowed (the page documents no error for it)"
                    } else {
                        ", never a success (the page documents an error for it)"
                    }
                ),
                Plan::Single {
                    call,
                    expect: Expect::Edge { may_succeed },
                    snapshot: true,
                },
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edge_values_are_fixed_and_name_nothing() {
        for e in Edge::ALL {
            let v = e.value("org_id");
            assert_eq!(v, e.value("org_id"), "deterministic");
            if !v.trim().is_empty() && e != Edge::Padded {
                assert!(v.starts_with("contract-harness-"), "{v}");
            }
        }
        assert_eq!(Edge::Long.value("x").chars().count(), 1024);
        assert_eq!(Edge::Padded.value("org_id"), " {{org_id}} ");
    }

    #[test]
    fn success_is_forbidden_only_where_a_page_documents_an_error() {
        let loaded = crate::contract::load(std::path::Path::new("specs")).expect("specs");
        let op = |id: &str| loaded.specs.operation(id).expect("op").clone();
        let delete = op("delete_organization");
        assert!(documented_error(&delete, "org_id", Edge::Whitespace));
        assert!(!documented_error(&delete, "org_id", Edge::Padded));
        // DataArts documents no answer for ids that name nothing.
        let dataarts = op("delete_workspace_users");
        assert!(!documented_error(&dataarts, "workspace_id", Edge::Long));
        assert!(!documented_error(&dataarts, "user_ids", Edge::Empty));
        // Unbind: an empty user name is APP.ACCOUNT.0001; other names are left open.
        let unbind = op("unbind_public_account_users");
        assert!(documented_error(&unbind, "user_names", Edge::Empty));
        assert!(!documented_error(&unbind, "user_names", Edge::NonAscii));
        let names: Vec<String> = cases(&unbind).into_iter().map(|c| c.name).collect();
        let p = "oneaccess::unbind_public_account_users";
        assert!(names.contains(&format!("{p}::invalid::edge_app_id_whitespace")));
        assert!(names.contains(&format!("{p}::invalid::edge_user_names_padded")));
        assert_eq!(names.len(), 3 * Edge::ALL.len());
    }
}
