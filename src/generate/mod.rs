//! Case generation: from the spec model to named cases, each a request plan and what must
//! come back. Names derive from spec content only, so every process lists the same cases.

pub mod auth;
pub mod case;
pub mod documented;
pub mod edge;
pub mod follow_up;
pub mod live_ids;
pub mod properties;
pub mod stateful;
pub mod strategy;

pub use case::{
    BodyOverride, Call, Case, CaseId, Cred, ErrorId, Expect, Kind, Plan, Promise, Property,
};

use crate::contract::SpecSet;

/// Every case of a spec set, in a stable order.
pub fn cases(specs: &SpecSet) -> Vec<Case> {
    let mut out = Vec::new();
    for op in &specs.operations {
        let service = specs.service_of(op);
        // The credential cases still take the `service::op` prefix of their names.
        let prefix = format!("{}::{}", op.service, op.id);
        out.push(documented::success(op));
        out.extend(documented::granted(op, service));
        out.extend(documented::errors(op));
        out.extend(auth::cases(op, service, &prefix));
        out.extend(properties::cases(op));
        out.extend(documented::content_types(op));
        out.extend(edge::cases(op));
        out.extend(stateful::cases(op));
        out.extend(follow_up::cases(op, service));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn names_are_unique_and_every_kind_is_present_for_every_operation() {
        let loaded = crate::contract::load(std::path::Path::new("specs")).expect("specs");
        let all = cases(&loaded.specs);
        let names: BTreeSet<&str> = all.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names.len(), all.len(), "duplicate case names");
        for c in &all {
            assert_eq!(c.name, c.id.name(), "a name is rendered from its id");
        }
        for op in &loaded.specs.operations {
            for kind in Kind::ALL {
                assert!(
                    all.iter().any(|c| c.id.op == op.id && c.id.kind == kind),
                    "{} has no {kind:?} case",
                    op.id
                );
            }
        }
        assert!(names.contains("oneaccess::delete_organization::error::ORG.0020"));
        assert!(
            names
                .contains("oneaccess::delete_organization::error::ORG.0020::org_children_disabled")
        );
        assert!(names.contains("oneaccess::unbind_public_account_users::invalid::malformed_body"));
        assert!(
            names.contains(
                "oneaccess::unbind_public_account_users::invalid::content_type_text_plain"
            )
        );
        assert!(names.contains("dataarts::delete_workspace_users::stateful::mixed_user_ids"));
        assert!(names.contains("oneaccess::delete_organization::invalid::edge_org_id_whitespace"));
        assert!(names.contains("enos::remove_user::stateful::after_auth_missing"));
    }

    #[test]
    fn the_new_format_features_name_their_cases() {
        let loaded = crate::contract::load(std::path::Path::new("tests/golden/specs/breadth"))
            .expect("breadth spec");
        let names: BTreeSet<String> = cases(&loaded.specs).into_iter().map(|c| c.name).collect();
        for name in [
            "svc::update_thing::success::documented",
            "svc::update_thing::error::THING.0001",
            "svc::update_thing::error::THING.0001::remove_owner_name",
            "svc::update_thing::error::THING.0001::body_owner_tags_1_empty",
            "svc::update_thing::error::THING.0001::remove_owner_tags_0",
            "svc::update_thing::error::THING.0002",
            "svc::update_thing::error::THING.0002::query_page_size_absent",
            "svc::update_thing::error::THING.0003",
            "svc::update_thing::invalid::query_page_size",
            "svc::update_thing::invalid::query_dry_run",
            "svc::update_thing::invalid::header_X-Tenant",
            "svc::update_thing::valid::documented_responses",
        ] {
            assert!(names.contains(name), "{name} missing from {names:#?}");
        }
    }

    #[test]
    fn every_documented_promise_is_carried_by_its_cases_not_their_names() {
        let loaded = crate::contract::load(std::path::Path::new("specs")).expect("specs");
        let all = cases(&loaded.specs);
        for op in &loaded.specs.operations {
            let mine = || all.iter().filter(|c| c.id.op == op.id);
            assert_eq!(
                mine()
                    .filter(|c| c.promise == Some(Promise::Success))
                    .count(),
                1,
                "{}: one documented success",
                op.id
            );
            for (index, e) in op.errors.iter().enumerate() {
                let cases: Vec<&Case> = mine()
                    .filter(|c| matches!(&c.promise, Some(Promise::Error { error, .. }) if error.index == index && error.op == op.id))
                    .collect();
                assert_eq!(
                    cases.len(),
                    e.all_triggers().len(),
                    "{} {}",
                    op.id,
                    e.code_text()
                );
                for c in cases {
                    assert_eq!(
                        c.promise,
                        Some(Promise::Error {
                            error: ErrorId {
                                op: op.id.clone(),
                                index
                            },
                            code: e.code_text()
                        })
                    );
                    assert_eq!(c.id.kind, Kind::Error);
                }
            }
        }
        // Only documented cases carry a promise.
        assert!(
            all.iter()
                .filter(|c| c.promise.is_some())
                .all(|c| matches!(c.id.kind, Kind::Success | Kind::Error))
        );
    }
}
