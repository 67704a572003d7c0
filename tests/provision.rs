//! The whole suite against the standalone mock as a live target, with provisioning: every
//! case runs (none ignored) and passes, every entry is torn down, and nothing stays in the
//! ledger.

mod support;

use serde_json::json;
use support::live::{self, Mock};

#[test]
fn provisioning_through_the_control_plane_runs_every_case() {
    let mock = Mock::start(None);
    let dir = live::temp_dir("provision-control");
    // No static values at all: every fixture is provisioned, so each consuming case gets a
    // fresh entry and the others share one per fixture.
    let target = live::write_target(
        &dir,
        &json!({
            "name": "provisioned",
            "timeout_seconds": 5,
            "concurrency": 4,
            "provision": live::control_plane_provision(),
            "credentials": live::credentials(),
        }),
    );
    let out = live::run_suite(&dir, &mock.base(), &target);
    let all = live::text(&out);
    assert!(out.status.success(), "{all}");
    let (passed, failed, ignored) = live::counts(&all).expect("a summary line");
    assert_eq!((failed, ignored), (0, 0), "{all}");
    assert!(passed >= 78, "every case ran: {passed}\n{all}");
    // Each documented success ran on a fresh entry of its own, not on the seed's.
    assert!(
        all.lines().any(
            |l| l.contains("oneaccess::delete_organization::success::documented")
                && l.ends_with("ok")
        ),
        "{all}"
    );
    assert_eq!(mock.live_instances(), 0, "every entry was torn down");
    let ledgers = contract_harness::exec::ledger::files_for(&dir.join("reports"), "provisioned");
    assert!(
        ledgers.is_empty(),
        "nothing pending, so the ledger is gone: {ledgers:?}"
    );
    // The seed's own organizations were never touched: cases only used fresh ones.
    let state = mock.server.state.oneaccess.lock().expect("state");
    assert!(state.orgs.contains_key("org-leaf") && state.orgs.contains_key("org-parent"));
}

#[test]
fn reset_with_one_static_entry_per_fixture_runs_every_case() {
    let mock = Mock::start(None);
    let dir = live::temp_dir("provision-reset");
    let seed = contract_harness::mock::Seed::builtin();
    let designated: serde_json::Map<String, serde_json::Value> = seed
        .fixtures
        .iter()
        .map(|(s, f)| (s.clone(), json!(f.keys().collect::<Vec<_>>())))
        .collect();
    // The seed's own values, one entry each; the server goes back to the seed before every
    // case that consumes a fixture.
    let target = live::write_target(
        &dir,
        &json!({
            "name": "reset",
            "timeout_seconds": 5,
            "concurrency": 4,
            "fixtures": seed.fixtures,
            "destructive_fixtures": designated,
            "reset": {"method": "POST", "path": "/__reset", "status": 204},
            "credentials": live::credentials(),
        }),
    );
    let out = live::run_suite(&dir, &mock.base(), &target);
    let all = live::text(&out);
    assert!(out.status.success(), "{all}");
    let (passed, failed, ignored) = live::counts(&all).expect("a summary line");
    assert_eq!((failed, ignored), (0, 0), "{all}");
    assert!(passed >= 78, "every case ran: {passed}\n{all}");
}

/// A provisioning script as a user would write one: `curl` against the mock's control plane.
const SCRIPT: &str = r#"#!/bin/sh
# provision SERVICE FIXTURE | teardown SERVICE FIXTURE INSTANCE
set -eu
case "$1" in
  provision) exec curl -sS -f --noproxy '*' -X POST "$MOCK_BASE/__fixtures/$2/$3" ;;
  teardown) exec curl -sS -f --noproxy '*' -X DELETE "$MOCK_BASE/__fixtures/$2/$3/$4" ;;
esac
exit 2
"#;

#[test]
fn a_provisioning_command_runs_every_case() {
    let mock = Mock::start(None);
    let dir = live::temp_dir("provision-command");
    let script = dir.join("fixtures.sh");
    std::fs::write(&script, SCRIPT).expect("script");
    let script = script.display().to_string();
    let mut provision = serde_json::Map::new();
    for (service, fixture, _) in live::seed_fixtures() {
        provision
            .entry(service.clone())
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .expect("object")
            .insert(
                fixture.clone(),
                json!({
                    "command": ["sh", script, "provision", service, fixture],
                    "teardown_command": ["sh", script, "teardown", service, fixture, "{{instance}}"],
                }),
            );
    }
    let target = live::write_target(
        &dir,
        &json!({
            "name": "scripted",
            "timeout_seconds": 5,
            "concurrency": 4,
            "provision": provision,
            "credentials": live::credentials(),
        }),
    );
    let out = live::harness(
        &dir,
        &mock.base(),
        &target,
        &["run", "--specs", "specs", "--test-threads", "2"],
    )
    .env("CONTRACT_FAIL_ON_IGNORED", "1")
    .env("MOCK_BASE", mock.base())
    .output()
    .expect("run");
    let all = live::text(&out);
    assert!(out.status.success(), "{all}");
    let (passed, failed, ignored) = live::counts(&all).expect("a summary line");
    assert_eq!((failed, ignored), (0, 0), "{all}");
    assert!(passed >= 78, "every case ran: {passed}\n{all}");
    assert_eq!(mock.live_instances(), 0, "every entry was torn down");
}

#[test]
fn static_values_and_pools_mix_with_provisioning() {
    let mock = Mock::start(None);
    let dir = live::temp_dir("provision-mixed");
    let seed = contract_harness::mock::Seed::builtin();
    let mut provision = live::control_plane_provision();
    // org_leaf: a static pool made beforehand, an entry per consuming case, not provisioned.
    if let Some(oa) = provision["oneaccess"].as_object_mut() {
        oa.remove("org_leaf");
    }
    let pool: Vec<serde_json::Value> = (0..48)
        .map(|_| json!({"org_id": mock.create("oneaccess", "org_leaf")["org_id"]}))
        .collect();
    // workspace_with_members: static values (the seed's) for the cases that consume nothing,
    // and the base of provisioned entries, whose requests capture only a fresh workspace_id.
    provision["dataarts"]["workspace_with_members"]["requests"][0]["capture"] =
        json!({"workspace_id": "/workspace_id", "instance": "/instance"});
    let mut fixtures = serde_json::to_value(&seed.fixtures).expect("fixtures");
    fixtures["oneaccess"] = json!({"org_leaf": pool});
    fixtures["enos"] = json!({});
    let target = live::write_target(
        &dir,
        &json!({
            "name": "mixed",
            "timeout_seconds": 5,
            "concurrency": 4,
            "fixtures": fixtures,
            "destructive_fixtures": {"oneaccess": ["org_leaf"], "dataarts": ["workspace_with_members"]},
            "provision": provision,
            "credentials": live::credentials(),
        }),
    );
    let out = live::run_suite(&dir, &mock.base(), &target);
    let all = live::text(&out);
    assert!(out.status.success(), "{all}");
    let (passed, failed, ignored) = live::counts(&all).expect("a summary line");
    assert_eq!((failed, ignored), (0, 0), "{all}");
    assert!(passed >= 78, "every case ran: {passed}\n{all}");
    // The consuming DataArts cases removed members from fresh workspaces only: the static
    // one, used by the cases that consume nothing, still has every member.
    let da = &seed.dataarts.projects[0];
    let members = mock
        .server
        .state
        .dataarts
        .lock()
        .expect("state")
        .members(&da.id, &da.workspaces[0].id)
        .expect("the seed's workspace");
    assert_eq!(members.len(), da.workspaces[0].members.len(), "{members:?}");
    assert_eq!(mock.live_instances(), 48, "only the static pool is left");
}
