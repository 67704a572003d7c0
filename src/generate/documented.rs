//! Cases for what the page documents directly: the success and each error code.

use super::case::{Call, Case, Cred, Expect, Kind, Plan};
use crate::spec::{Operation, Service, Trigger};

/// The documented success of an operation.
pub fn success(op: &Operation, name_prefix: &str) -> Case {
    Case {
        name: format!("{name_prefix}::success::documented"),
        service: op.service.clone(),
        operation: op.id.clone(),
        kind: Kind::Success,
        spec_at: op.locate("/success"),
        about: match op.success.status {
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
            })
        })
        .collect()
}

/// One case per documented error, provoked by its trigger.
pub fn errors(op: &Operation, name_prefix: &str) -> Vec<Case> {
    op.errors
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let code = e.code_text();
            let mut call = Call::success(&op.id, &op.success.case.fixture);
            let plan = match &e.trigger {
                Trigger::Input(change) => {
                    call.input = change.clone();
                    Some(call)
                }
                Trigger::Unknown(value) => {
                    call.values.insert(value.clone(), unknown_id(value));
                    Some(call)
                }
                Trigger::Fixture(f) => {
                    call.fixture = f.clone();
                    Some(call)
                }
                Trigger::NotProvokable(_) => None,
            };
            let plan = match plan {
                Some(call) => Plan::Single {
                    call,
                    expect: Expect::Error(e.code.clone()),
                    snapshot: true,
                },
                None => Plan::Shape {
                    code: e.code.clone(),
                },
            };
            Case {
                name: format!("{name_prefix}::error::{code}"),
                service: op.service.clone(),
                operation: op.id.clone(),
                kind: Kind::Error,
                spec_at: op.locate(&format!("/errors/{i}")),
                about: match &e.trigger {
                    Trigger::NotProvokable(why) => {
                        format!("{code} is not provokable ({why}); its documented shape is checked")
                    }
                    _ => format!("{code} comes back when provoked"),
                },
                plan,
                ignore: None,
            }
        })
        .collect()
}

/// A deterministic id that names nothing on any server.
pub fn unknown_id(value: &str) -> String {
    format!("contract-harness-missing-{value}")
}
