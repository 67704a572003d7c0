//! Property tests of the mock's domain model: arbitrary sequences of operations on arbitrary
//! states keep the documented invariants, and a failed operation changes nothing.

use std::collections::{BTreeMap, BTreeSet};

use contract_harness::mock::vendor::enos::domain::{Enos, Relaxed as EnosRelaxed};
use contract_harness::mock::vendor::oneaccess::domain::{OneAccess, Org, Relaxed};
use proptest::prelude::*;

/// A random organization forest: each org's parent is an earlier org, or none.
fn org_forest() -> impl Strategy<Value = OneAccess> {
    proptest::collection::vec(
        (
            any::<Option<prop::sample::Index>>(),
            any::<bool>(),
            0usize..2,
            proptest::collection::vec(any::<bool>(), 0..3),
        ),
        1..12,
    )
    .prop_map(|specs| {
        let mut orgs = BTreeMap::new();
        for (i, (parent, enabled, groups, users)) in specs.into_iter().enumerate() {
            let parent = if i == 0 {
                None
            } else {
                parent.map(|p| format!("o{}", p.index(i)))
            };
            orgs.insert(
                format!("o{i}"),
                Org {
                    parent,
                    enabled,
                    groups: (0..groups).map(|g| format!("g{i}-{g}")).collect(),
                    users: users
                        .into_iter()
                        .enumerate()
                        .map(|(u, e)| (format!("u{i}-{u}"), e))
                        .collect(),
                },
            );
        }
        let mut apps = BTreeMap::new();
        apps.insert(
            "app".to_string(),
            BTreeMap::from([(
                "acct".to_string(),
                BTreeSet::from(["a".to_string(), "b".to_string(), "c".to_string()]),
            )]),
        );
        OneAccess { apps, orgs }
    })
}

#[derive(Debug, Clone)]
enum OaOp {
    Delete(usize),
    Disable(usize),
    Unbind(bool, bool, Vec<String>),
}

fn oa_op() -> impl Strategy<Value = OaOp> {
    prop_oneof![
        (0usize..14).prop_map(OaOp::Delete),
        (0usize..14).prop_map(OaOp::Disable),
        (
            any::<bool>(),
            any::<bool>(),
            proptest::collection::vec(
                prop_oneof![
                    Just("a".to_string()),
                    Just("b".to_string()),
                    Just(String::new()),
                    "[a-z]{1,3}"
                ],
                0..4
            )
        )
            .prop_map(|(app, acct, names)| OaOp::Unbind(app, acct, names)),
    ]
}

fn children<'a>(s: &'a OneAccess, id: &'a str) -> impl Iterator<Item = &'a Org> + 'a {
    s.orgs
        .values()
        .filter(move |o| o.parent.as_deref() == Some(id))
}

/// Applies `ops` with the rules relaxed as given, checking the invariants after each.
fn check_oneaccess(
    mut state: OneAccess,
    ops: Vec<OaOp>,
    relaxed: Relaxed,
) -> Result<(), TestCaseError> {
    for op in ops {
        let before = state.clone();
        let result = match &op {
            OaOp::Delete(i) => state
                .delete_org(&format!("o{i}"), relaxed)
                .map(|()| String::new()),
            OaOp::Disable(i) => state.disable_org(&format!("o{i}"), relaxed),
            OaOp::Unbind(app, acct, names) => state.unbind(
                if *app { "app" } else { "nope" },
                if *acct { "acct" } else { "nope" },
                names,
                relaxed,
            ),
        };
        match (&op, result.is_ok()) {
            (_, false) => prop_assert_eq!(&state, &before, "a failed {:?} changed the state", op),
            (OaOp::Delete(i), true) => {
                let id = format!("o{i}");
                let old = &before.orgs[&id];
                prop_assert!(
                    children(&before, &id).next().is_none(),
                    "deleted {} with sub-organizations",
                    id
                );
                prop_assert!(
                    old.groups.is_empty() && old.users.is_empty(),
                    "deleted {} with groups or users",
                    id
                );
                prop_assert!(!state.orgs.contains_key(&id));
            }
            (OaOp::Disable(i), true) => {
                let id = format!("o{i}");
                prop_assert!(
                    children(&before, &id).all(|c| !c.enabled),
                    "disabled {} with an enabled child",
                    id
                );
                prop_assert!(
                    before.orgs[&id].users.iter().all(|(_, e)| !e),
                    "disabled {} with an enabled user",
                    id
                );
                prop_assert!(!state.orgs[&id].enabled);
            }
            (OaOp::Unbind(_, _, names), true) => {
                let bound = &state.apps["app"]["acct"];
                prop_assert!(names.iter().all(|n| !bound.contains(n)));
                prop_assert!(!names.is_empty());
            }
        }
        for o in state.orgs.values() {
            if let Some(p) = &o.parent {
                prop_assert!(state.orgs.contains_key(p), "orphaned by deleting {}", p);
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn oneaccess_invariants_hold(state in org_forest(), ops in proptest::collection::vec(oa_op(), 1..40)) {
        check_oneaccess(state, ops, Relaxed::default())?;
    }
}

/// The invariant check is not vacuous: with a rule switched off it finds a counterexample.
#[test]
fn the_invariants_catch_a_relaxed_rule() {
    for relaxed in [
        Relaxed {
            ignore_children_on_delete: true,
            ..Relaxed::default()
        },
        Relaxed {
            ignore_users_on_disable: true,
            ..Relaxed::default()
        },
        Relaxed {
            accept_empty_names: true,
            ..Relaxed::default()
        },
    ] {
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
            cases: 512,
            failure_persistence: None,
            ..ProptestConfig::default()
        });
        let found = runner.run(
            &(org_forest(), proptest::collection::vec(oa_op(), 1..40)),
            |(s, ops)| check_oneaccess(s, ops, relaxed),
        );
        assert!(found.is_err(), "{relaxed:?} went unnoticed");
    }
}

fn enos_state() -> impl Strategy<Value = Enos> {
    (
        proptest::collection::vec(any::<bool>(), 1..5),
        proptest::collection::vec(proptest::collection::btree_set(0usize..5, 1..4), 0..6),
    )
        .prop_map(|(ous, users)| {
            let n = ous.len();
            Enos {
                ous: ous
                    .into_iter()
                    .enumerate()
                    .map(|(i, p)| (format!("ou{i}"), p))
                    .collect(),
                users: users
                    .into_iter()
                    .enumerate()
                    .map(|(i, set)| {
                        (
                            format!("user{i}"),
                            set.into_iter()
                                .map(|o| format!("ou{}", o % n))
                                .collect::<BTreeSet<_>>(),
                        )
                    })
                    .collect(),
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn an_enos_user_exists_exactly_while_it_belongs_to_an_ou(mut state in enos_state(), ops in proptest::collection::vec((0usize..7, 0usize..6), 1..30)) {
        for (u, o) in ops {
            let (user, ou) = (format!("user{u}"), format!("ou{o}"));
            let before = state.clone();
            match state.remove(&user, &ou, EnosRelaxed::default()) {
                Err(_) => prop_assert_eq!(&state, &before, "a failed removal changed the state"),
                Ok(()) => {
                    let had = &before.users[&user];
                    prop_assert!(had.contains(&ou) && before.ous[&ou], "removed without membership or permission");
                    if had.len() == 1 {
                        prop_assert!(!state.users.contains_key(&user), "a user left in no OU still exists");
                    } else {
                        prop_assert!(state.users.get(&user).is_some_and(|s| !s.contains(&ou) && s.len() == had.len() - 1));
                    }
                }
            }
            for (id, ous) in &state.users {
                prop_assert!(!ous.is_empty(), "{} exists in no OU", id);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// DataArts removals are all or nothing: a list naming a non-member is refused and changes
    /// nothing; otherwise every named member is gone. The `partial` fault breaks exactly that.
    #[test]
    fn dataarts_removal_is_all_or_nothing(
        members in proptest::collection::btree_set("[a-d]", 0..4),
        ids in proptest::collection::vec("[a-f]", 0..5),
    ) {
        use contract_harness::mock::vendor::dataarts::domain::DataArts;
        let mut state = DataArts::default();
        state.projects.insert("p".into(), BTreeMap::from([("w".to_string(), members.clone())]));
        let before = state.clone();
        let all_members = ids.iter().all(|id| members.contains(id));
        match state.delete_users("p", "w", &ids, false) {
            Ok(()) => {
                prop_assert!(all_members, "a list with a non-member was carried out");
                let left = &state.projects["p"]["w"];
                prop_assert!(ids.iter().all(|id| !left.contains(id)));
                prop_assert_eq!(left.len(), members.iter().filter(|m| !ids.contains(m)).count());
            }
            Err(_) => {
                prop_assert!(!all_members, "a list of members was refused");
                prop_assert_eq!(&state, &before, "a refused removal changed the state");
            }
        }
        let mut broken = before.clone();
        if broken.delete_users("p", "w", &ids, true).is_err() && ids.iter().any(|id| members.contains(id)) {
            prop_assert_ne!(&broken, &before, "the partial fault removes the members it names");
        }
        prop_assert!(state.delete_users("nope", "w", &ids, false).is_err());
    }
}
