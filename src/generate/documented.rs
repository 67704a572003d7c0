//! Cases for what the page documents directly: the success and each error code.

use super::case::{Call, Case, CaseId, Cred, ErrorId, Expect, Kind, Plan, Promise};
use crate::contract::{DocError, Operation, Service, Trigger};

/// The documented success of an operation.
pub fn success(op: &Operation) -> Case {
    Case {
        promise: Some(Promise::Success),
        ..Case::new(
            CaseId::new(op, Kind::Success, "documented"),
            op.locate("/success"),
            match &op.success.status {
                Some(s) => format!(
                    "the documented success ({s}) on fixture {}",
                    op.success.case.fixture
                ),
                None => format!(
                    "the documented success (envelope) on fixture {}",
                    op.success.case.fixture
                ),
            },
            Plan::Single {
                call: Call::success(&op.id, &op.success.case.fixture),
                expect: Expect::Success,
                snapshot: true,
            },
        )
    }
}

/// The documented success once more for each permission code that opens the operation, with
/// a credential role granting that code (the pages say any one of them suffices). The role
/// `default` is the documented success itself.
pub fn granted(op: &Operation, service: &Service) -> Vec<Case> {
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
            Some(Case::new(
                CaseId::new(op, Kind::Success, format!("granted_{code}")),
                op.locate("/permissions"),
                format!("a credential granted only `{code}` ({role}) may call it"),
                Plan::Single {
                    call,
                    expect: Expect::Success,
                    snapshot: false,
                },
            ))
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
        Trigger::NotProvokable(_) | Trigger::Todo(_) => return None,
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
pub fn errors(op: &Operation) -> Vec<Case> {
    let mut out = Vec::new();
    for (i, e) in op.errors.iter().enumerate() {
        let code = e.code_text();
        for (j, trigger) in e.all_triggers().into_iter().enumerate() {
            let pointer = trigger_pointer(e, i, j);
            let plan = match trigger_call(op, trigger) {
                // A trigger not written yet: the case is listed, ignored, with the request it
                // will change (the documented success's) as a placeholder.
                None if matches!(trigger, Trigger::Todo(_)) => Plan::Single {
                    call: Call::success(&op.id, &op.success.case.fixture),
                    expect: Expect::Error(e.code.clone()),
                    snapshot: false,
                },
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
                ignore: match trigger {
                    Trigger::Todo(_) => Some(format!(
                        "trigger not written yet (TODO at {})",
                        op.locate(&format!("{pointer}/todo"))
                    )),
                    _ => None,
                },
                promise: Some(Promise::Error {
                    error: ErrorId {
                        op: op.id.clone(),
                        index: i,
                    },
                    code: code.clone(),
                }),
                ..Case::new(
                    CaseId::new(op, Kind::Error, error_detail(e, j, trigger)),
                    op.locate(&pointer),
                    match trigger {
                        Trigger::NotProvokable(why) => {
                            format!(
                                "{code} is not provokable ({why}); its documented shape is checked"
                            )
                        }
                        Trigger::Fixture(f) => format!("{code} comes back on fixture {f}"),
                        _ => format!("{code} comes back when provoked ({})", trigger.detail()),
                    },
                    plan,
                )
            });
        }
    }
    out
}

/// Content-Types other than the one the page tells the client to send: `text/plain` and
/// none. The page states the requirement on the client only, so nothing beyond "never a 5xx,
/// an error in the documented shape" is asserted; what the server does is recorded.
pub fn content_types(op: &Operation) -> Vec<Case> {
    let Some(fixed) = &op.request.content_type else {
        return Vec::new();
    };
    [("text_plain", Some("text/plain")), ("missing", None)]
        .into_iter()
        .map(|(detail, ct)| {
            let mut call = Call::success(&op.id, &op.success.case.fixture);
            call.content_type = Some(ct.map(str::to_string));
            Case::new(
                CaseId::new(op, Kind::Invalid, format!("content_type_{detail}")),
                op.locate("/request/content_type"),
                format!(
                    "the documented request sent with Content-Type {} (the page tells the client to send {fixed}, and says nothing of other types): never a 5xx, an error in the documented shape; the answer is recorded",
                    ct.unwrap_or("(none)")
                ),
                Plan::Single {
                    call,
                    expect: Expect::Edge { may_succeed: true },
                    snapshot: true,
                },
            )
        })
        .collect()
}

/// A deterministic id that names nothing on any server.
pub fn unknown_id(value: &str) -> String {
    format!("contract-harness-missing-{value}")
}
