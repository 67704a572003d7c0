//! Cases for what the page documents directly: the success and each error code.

use super::case::{Call, Case, Cred, Expect, Kind, Plan, Promise};
use crate::contract::{DocError, Operation, Service, Trigger};

/// The documented success of an operation.
pub fn success(op: &Operation, name_prefix: &str) -> Case {
    Case {
        name: format!("{name_prefix}::success::documented"),
        service: op.service.clone(),
        operation: op.id.clone(),
        kind: Kind::Success,
        spec_at: op.locate("/success"),
        about: match &op.success.status {
            Some(s) => format!(
                "the documented success ({s}) on fixture {}",
                op.success.case.fixture
            ),
            None => format!(
                "the documented success (envelope) on fixture {}",
                op.success.case.fixture
            ),
        },
        plan: Plan::Single {
            call: Call::success(&op.id, &op.success.case.fixture),
            expect: Expect::Success,
            snapshot: true,
        },
        ignore: None,
        promise: Some(Promise::Success),
    }
}

/// The documented success once more for each permission code that opens the operation, with
/// a credential role granting that code (the pages say any one of them suffices). The role
/// `default` is the documented success itself.
pub fn granted(op: &Operation, service: &Service, name_prefix: &str) -> Vec<Case> {
    op.permissions
        .iter()
        .filter_map(|code| {
            let (role, _) = service
                .credentials
                .iter()
                .filter(|(name, r)| *name != "default" && r.grants.contains(code))
                .min_by_key(|(_, r)| r.grants.len())?;
            let mut call = Call::success(&op.id, &op.success.case.fixture);
            call.cred = Cred::Role(role.clone());
            Some(Case {
                name: format!("{name_prefix}::success::granted_{code}"),
                service: op.service.clone(),
                operation: op.id.clone(),
                kind: Kind::Success,
                spec_at: op.locate("/permissions"),
                about: format!("a credential granted only `{code}` ({role}) may call it"),
                plan: Plan::Single {
                    call,
                    expect: Expect::Success,
                    snapshot: false,
                },
                ignore: None,
                promise: None,
            })
        })
        .collect()
}

/// The request that provokes a trigger (`None`: not provokable).
pub fn trigger_call(op: &Operation, trigger: &Trigger) -> Option<Call> {
    let mut call = Call::success(&op.id, &op.success.case.fixture);
    match trigger {
        Trigger::Input(change) => call.input = change.clone(),
        Trigger::Unknown(value) => {
            call.values.insert(value.clone(), unknown_id(value));
        }
        Trigger::Fixture(f) => call.fixture = f.clone(),
        Trigger::NotProvokable(_) => return None,
    }
    Some(call)
}

/// The name detail of an error's `j`-th trigger: the code for the first, the code and the
/// trigger's detail for the others (`ORG.0020`, `ORG.0020::org_children_disabled`), so that
/// names that existed before `triggers:` stay as they were.
pub fn error_detail(e: &DocError, j: usize, trigger: &Trigger) -> String {
    if j == 0 {
        e.code_text()
    } else {
        format!("{}::{}", e.code_text(), trigger.detail())
    }
}

/// The spec pointer of an error's `j`-th trigger.
pub fn trigger_pointer(e: &DocError, i: usize, j: usize) -> String {
    match e.trigger {
        Some(_) => format!("/errors/{i}/trigger"),
        None => format!("/errors/{i}/triggers/{j}"),
    }
}

/// One case per documented error and trigger.
pub fn errors(op: &Operation, name_prefix: &str) -> Vec<Case> {
    let mut out = Vec::new();
    for (i, e) in op.errors.iter().enumerate() {
        let code = e.code_text();
        for (j, trigger) in e.all_triggers().into_iter().enumerate() {
            let plan = match trigger_call(op, trigger) {
                Some(call) => Plan::Single {
                    call,
                    expect: Expect::Error(e.code.clone()),
                    snapshot: true,
                },
                None => Plan::Shape {
                    code: e.code.clone(),
                },
            };
            out.push(Case {
                name: format!("{name_prefix}::error::{}", error_detail(e, j, trigger)),
                service: op.service.clone(),
                operation: op.id.clone(),
                kind: Kind::Error,
                spec_at: op.locate(&trigger_pointer(e, i, j)),
                about: match trigger {
                    Trigger::NotProvokable(why) => {
                        format!("{code} is not provokable ({why}); its documented shape is checked")
                    }
                    Trigger::Fixture(f) => format!("{code} comes back on fixture {f}"),
                    _ => format!("{code} comes back when provoked ({})", trigger.detail()),
                },
                plan,
                ignore: None,
                promise: Some(Promise::Error {
                    index: i,
                    code: code.clone(),
                }),
            });
        }
    }
    out
}

/// Content-Types other than the one the page tells the client to send: `text/plain` and
/// none. The page states the requirement on the client only, so nothing beyond "never a 5xx,
/// an error in the documented shape" is asserted; what the server does is recorded.
pub fn content_types(op: &Operation, name_prefix: &str) -> Vec<Case> {
    let Some(fixed) = &op.request.content_type else {
        return Vec::new();
    };
    [("text_plain", Some("text/plain")), ("missing", None)]
        .into_iter()
        .map(|(detail, ct)| {
            let mut call = Call::success(&op.id, &op.success.case.fixture);
            call.content_type = Some(ct.map(str::to_string));
            Case {
                name: format!("{name_prefix}::invalid::content_type_{detail}"),
                service: op.service.clone(),
                operation: op.id.clone(),
                kind: Kind::Invalid,
                spec_at: op.locate("/request/content_type"),
                about: format!(
                    "the documented request sent with Content-Type {} (the page tells the client to send {fixed}, and says nothing of other types): never a 5xx, an error in the documented shape; the answer is recorded",
                    ct.unwrap_or("(none)")
                ),
                plan: Plan::Single {
                    call,
                    expect: Expect::Edge { may_succeed: true },
                    snapshot: true,
                },
                ignore: None,
                promise: None,
            }
        })
        .collect()
}

/// A deterministic id that names nothing on any server.
pub fn unknown_id(value: &str) -> String {
    format!("contract-harness-missing-{value}")
}
