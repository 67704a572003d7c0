//! Property-based cases of an operation (the inputs come from [`super::strategy`]).

use super::case::{Call, Case, CaseId, Kind, Plan, Property};
use super::strategy::field_names;
use super::strategy::param_can_be_invalid;
use crate::contract::source::escape_token;
use crate::contract::{Operation, ParamIn, Trigger};

/// The property cases of an operation.
pub fn cases(op: &Operation) -> Vec<Case> {
    let base = Call::success(&op.id, &op.success.case.fixture);
    let mut out = Vec::new();
    let mut push = |kind, detail: String, at: &str, about: String, property| {
        out.push(Case::new(
            CaseId::new(op, kind, detail),
            op.locate(at),
            about,
            Plan::Property {
                property,
                base: base.clone(),
            },
        ));
    };
    if let Some(body) = op.request.body.json() {
        for field in field_names(&body.schema.raw) {
            push(
                Kind::Invalid,
                format!("body_{field}"),
                &format!("/request/body/schema/properties/{field}"),
                format!(
                    "bodies whose `{field}` violates the request schema (missing, null, wrong type or shape) are rejected with an error body, never a success or 5xx"
                ),
                Property::InvalidBody { field: Some(field) },
            );
        }
        push(
            Kind::Invalid,
            "body_not_an_object".into(),
            "/request/body/schema",
            "bodies that are not JSON objects are rejected with an error body, never a success or 5xx".into(),
            Property::InvalidBody { field: None },
        );
        push(
            Kind::Invalid,
            "malformed_body".into(),
            "/request/body",
            "malformed JSON sent as JSON is rejected with an error body, never a success or 5xx"
                .into(),
            Property::MalformedBody,
        );
    }
    for location in [ParamIn::Query, ParamIn::Header] {
        for (name, p) in op.params_in(location) {
            let Some(schema) = &p.schema else {
                continue;
            };
            if !param_can_be_invalid(&schema.raw, p.is_required()) {
                continue;
            }
            let word = location.word();
            push(
                Kind::Invalid,
                format!("{word}_{name}"),
                &format!("/parameters/{}/schema", escape_token(name)),
                format!(
                    "requests whose {word} parameter `{name}` violates its schema{} are rejected with an error body, never a success or 5xx",
                    if p.is_required() {
                        " (or is left out)"
                    } else {
                        ""
                    }
                ),
                Property::InvalidParam {
                    location,
                    name: name.clone(),
                },
            );
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for (i, e) in op.errors.iter().enumerate() {
        for (j, trigger) in e.all_triggers().into_iter().enumerate() {
            let Trigger::Unknown(value) = trigger else {
                continue;
            };
            if !seen.insert(value.clone()) {
                continue;
            }
            push(
                Kind::Invalid,
                format!("unknown_{value}"),
                &super::documented::trigger_pointer(e, i, j),
                format!("any {value} that names nothing answers {}", e.code_text()),
                Property::UnknownValue {
                    value: value.clone(),
                    code: e.code.clone(),
                },
            );
        }
    }
    push(
        Kind::Valid,
        "documented_responses".into(),
        "/success",
        "valid requests (arbitrary strings, existing and unknown ids) get a documented response, never a 5xx".into(),
        Property::ValidInput,
    );
    out
}
