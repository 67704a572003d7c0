//! Credential cases: none, malformed, wrong, expired (for schemes that issue tokens), and
//! lacking the documented permission. How each variant is made is the scheme's
//! (`exec::auth::variants`).

use super::case::{Call, Case, CaseId, Cred, Expect, Kind, Plan};
use crate::contract::{Operation, Service};

/// The credential cases of an operation.
pub fn cases(op: &Operation, service: &Service, name_prefix: &str) -> Vec<Case> {
    let mut out = Vec::new();
    let variants = [
        ("missing", Cred::Missing, "no credentials"),
        ("malformed", Cred::Malformed, "malformed credentials"),
        ("wrong", Cred::Wrong, "credentials the server never issued"),
        ("expired", Cred::Expired, "an expired credential"),
    ];
    // A static key or password never expires: only schemes that issue tokens get `expired`.
    let variants = variants
        .into_iter()
        .filter(|(_, cred, _)| *cred != Cred::Expired || service.auth.issues_tokens());
    for (detail, cred, what) in variants {
        out.push(case(
            op,
            name_prefix,
            detail,
            cred,
            format!("{what} are refused (4xx, never a success); status and body are recorded"),
            "/success/case",
        ));
    }
    if !op.permissions.is_empty() {
        // A role granting none of the codes that open this operation.
        let lacking = service
            .credentials
            .iter()
            .find(|(_, role)| !role.grants.iter().any(|g| op.permissions.contains(g)));
        let about = format!(
            "a credential without {} is refused",
            op.permissions.join(" or ")
        );
        let mut c = case(
            op,
            name_prefix,
            "lacks_permission",
            Cred::Role(lacking.map(|(n, _)| n.clone()).unwrap_or_default()),
            about,
            "/permissions",
        );
        if lacking.is_none() {
            c.ignore = Some(format!(
                "service {} declares no credential role lacking {}",
                service.name,
                op.permissions.join(", ")
            ));
        }
        out.push(c);
    }
    out
}

fn case(op: &Operation, prefix: &str, detail: &str, cred: Cred, about: String, at: &str) -> Case {
    let mut call = Call::success(&op.id, &op.success.case.fixture);
    call.cred = cred;
    Case {
        name: format!("{prefix}::auth::{detail}"),
        id: CaseId::new(op, Kind::Auth, detail),
        spec_at: op.locate(at),
        about,
        plan: Plan::Single {
            call,
            expect: Expect::Refused,
            // The pages do not give the refusal's status or body: recorded, never asserted.
            snapshot: true,
        },
        ignore: None,
        promise: None,
    }
}
