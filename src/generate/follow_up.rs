//! Follow-ups after refusals on destructive operations: a refused request (a credential
//! refusal, a documented error, malformed JSON, a list naming a member and a non-member) and
//! then an observation on the same fixture, so that a refusal that changed state anyway is
//! caught.
//!
//! - After a refusal on the success fixture the documented success must still work: the
//!   pages' refusals (a credential without the permission the page requires, an error whose
//!   message says the request failed, malformed JSON) carry nothing out.
//! - After a documented error provoked on another fixture, the same request gives the same
//!   error again: the page's message says the object "cannot be deleted/disabled", so the
//!   state that caused it is still there.
//! - After a request whose answer the page leaves open (a list with a member and a
//!   non-member, the fixture's own values padded with spaces), the documented success is
//!   asserted only if that request was refused, and otherwise recorded.

use serde_json::{Value, json};

use super::case::{BodyOverride, Call, Case, CaseId, Cred, Expect, Kind, Plan};
use super::documented::{error_detail, trigger_call, trigger_pointer, unknown_id};
use crate::contract::{Operation, Service, Trigger};

fn case(op: &Operation, detail: &str, at: &str, about: String, steps: Vec<(Call, Expect)>) -> Case {
    Case::new(
        CaseId::new(op, Kind::Stateful, detail),
        op.locate(at),
        about,
        Plan::Sequence { steps },
    )
}

/// The follow-up cases of a destructive operation (none for others).
pub fn cases(op: &Operation, service: &Service) -> Vec<Case> {
    if !op.destructive {
        return Vec::new();
    }
    let success = || Call::success(&op.id, &op.success.case.fixture);
    let mut out = Vec::new();
    let auth_prefix = format!("{}::{}", op.service, op.id);
    for c in super::auth::cases(op, service, &auth_prefix) {
        let Plan::Single { call, .. } = &c.plan else {
            continue;
        };
        if c.ignore.is_some() {
            continue;
        }
        let detail = c.id.detail.clone();
        out.push(case(
            op,
            &format!("after_auth_{detail}"),
            "/success/case",
            format!(
                "after {detail} credentials are refused, the documented success still works (a refused call carries nothing out)"
            ),
            vec![(call.clone(), Expect::Refused), (success(), Expect::Success)],
        ));
    }
    for (i, e) in op.errors.iter().enumerate() {
        for (j, trigger) in e.all_triggers().into_iter().enumerate() {
            let Some(call) = trigger_call(op, trigger) else {
                continue;
            };
            let code = e.code_text();
            let expect = Expect::Error(e.code.clone());
            let (then, about) = match trigger {
                Trigger::Fixture(f) => (
                    (call.clone(), expect.clone()),
                    format!("{code} on {f} changes nothing: the same request answers {code} again"),
                ),
                _ => (
                    (success(), Expect::Success),
                    format!("after {code} the documented success still works on its fixture"),
                ),
            };
            let detail = error_detail(e, j, trigger);
            out.push(case(
                op,
                &format!("after_error_{detail}"),
                &trigger_pointer(e, i, j),
                about,
                vec![(call, expect), then],
            ));
        }
    }
    if op.request.body.json().is_some() {
        let mut call = success();
        let ct = op
            .request
            .content_type
            .clone()
            .unwrap_or_else(|| "application/json".into());
        call.body = Some(BodyOverride::Raw(b"{".to_vec(), Some(ct)));
        out.push(case(
            op,
            "after_invalid_malformed_body",
            "/request/body",
            "after malformed JSON is rejected, the documented success still works".into(),
            vec![(call, Expect::Rejected), (success(), Expect::Success)],
        ));
    }
    if let Some(body) = op.request.body.json() {
        for field in super::strategy::field_names(&body.schema.raw) {
            let mut call = success();
            call.input.body.insert(field.clone(), Value::Null);
            out.push(case(
                op,
                &format!("after_invalid_body_{field}_null"),
                &format!("/request/body/schema/properties/{field}"),
                format!(
                    "after a body with `{field}: null` is rejected, the documented success still works"
                ),
                vec![(call, Expect::Rejected), (success(), Expect::Success)],
            ));
        }
    }
    // The fixture's own values, padded with spaces: a correct server may trim them and carry
    // the request out, so the follow-up is asserted only after a refusal.
    for c in super::edge::cases(op) {
        if !c.id.detail.ends_with("_padded") {
            continue;
        }
        let Plan::Single { call, expect, .. } = &c.plan else {
            continue;
        };
        let detail = c.id.detail.clone();
        out.push(case(
            op,
            &format!("after_{detail}"),
            "/request",
            format!(
                "after {}: if it was refused, the documented success still works (recorded otherwise)",
                c.about.split(':').next().unwrap_or_default()
            ),
            vec![(call.clone(), expect.clone()), (success(), Expect::AfterRefusal)],
        ));
    }
    out.extend(mixed_lists(op));
    out
}

/// For each list field of the success body that holds one fixture value (`["{{user_id}}"]`):
/// the list with that value and one that names nothing, then the documented success.
fn mixed_lists(op: &Operation) -> Vec<Case> {
    let Some(Value::Object(template)) = &op.success.case.body else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (field, v) in template {
        let Some(name) = v
            .as_array()
            .filter(|a| a.len() == 1)
            .and_then(|a| a[0].as_str())
            .and_then(|s| s.trim().strip_prefix("{{"))
            .and_then(|s| s.strip_suffix("}}"))
            .map(str::trim)
        else {
            continue;
        };
        let mut mixed = Call::success(&op.id, &op.success.case.fixture);
        mixed.input.body.insert(
            field.clone(),
            json!([format!("{{{{{name}}}}}"), unknown_id(name)]),
        );
        mixed.cred = Cred::Role("default".into());
        out.push(case(
            op,
            &format!("mixed_{field}"),
            &format!("/request/body/schema/properties/{field}"),
            format!(
                "{field} naming the fixture's {name} and one that names nothing: any documented answer (recorded); if it was refused, the documented success still works afterwards"
            ),
            vec![
                (mixed, Expect::Documented),
                (Call::success(&op.id, &op.success.case.fixture), Expect::AfterRefusal),
            ],
        ));
    }
    out
}
