//! The mock's control plane over HTTP: fresh fixture instances that behave like the seed's,
//! their removal, reset to the seed, and the switch that keeps it off a non-loopback listener.

mod support;

use std::sync::Arc;

use contract_harness::mock::{MockConfig, MockServer, Seed};
use serde_json::Value;

async fn start() -> (MockServer, reqwest::Client) {
    let server = MockServer::start(
        &MockConfig::new(Arc::new(Seed::builtin())),
        ([127, 0, 0, 1], 0).into(),
    )
    .await
    .expect("mock");
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    (server, http)
}

async fn send(req: reqwest::RequestBuilder) -> (u16, Value) {
    let resp = req.send().await.expect("response");
    let status = resp.status().as_u16();
    let bytes = resp.bytes().await.expect("body");
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, body)
}

async fn delete_org(http: &reqwest::Client, base: &str, bearer: &str, org: &str) -> (u16, Value) {
    send(
        http.delete(format!("{base}/api/v2/tenant/organizations/{org}"))
            .header("authorization", bearer),
    )
    .await
}

#[tokio::test]
async fn a_fresh_instance_behaves_like_the_seed_fixture_and_is_removed_whole() {
    let (server, http) = start().await;
    let base = server.base_url();
    let creds = support::creds(&http, &base).await;
    let (status, values) =
        send(http.post(format!("{base}/__fixtures/oneaccess/org_with_children"))).await;
    assert_eq!(status, 201, "{values}");
    let org = values["org_id"].as_str().expect("org_id").to_string();
    let child = values["child_org_id"].as_str().expect("child").to_string();
    let instance = values["instance"].as_str().expect("instance").to_string();
    assert!(
        org != "org-parent" && child != "org-parent-child",
        "{values}"
    );
    // Like the seed's org_with_children: the parent cannot go while its child is there.
    let (s, body) = delete_org(&http, &base, &creds.bearer, &org).await;
    assert_eq!((s, body["error_code"].as_str()), (400, Some("ORG.0020")));
    let (s, listed) = send(http.get(format!("{base}/__fixtures"))).await;
    assert_eq!(s, 200);
    assert_eq!(listed[0]["instance"], instance.as_str(), "{listed}");
    let (s, _) = send(http.delete(format!(
        "{base}/__fixtures/oneaccess/org_with_children/{instance}"
    )))
    .await;
    assert_eq!(s, 204);
    {
        let state = server.state.oneaccess.lock().expect("state");
        assert!(!state.orgs.contains_key(&org) && !state.orgs.contains_key(&child));
        assert!(
            state.orgs.contains_key("org-parent"),
            "the seed's own stays"
        );
    }
    assert!(server.state.control.instances().is_empty());
    let (s, _) = send(http.delete(format!(
        "{base}/__fixtures/oneaccess/org_with_children/{instance}"
    )))
    .await;
    assert_eq!(s, 404, "a removed instance is gone");
}

#[tokio::test]
async fn every_seed_fixture_gets_fresh_values_of_the_same_names() {
    let (server, http) = start().await;
    let base = server.base_url();
    let seed = Seed::builtin();
    for (service, fixtures) in &seed.fixtures {
        for (fixture, template) in fixtures {
            let url = format!("{base}/__fixtures/{service}/{fixture}");
            let (s, values) = send(http.post(&url)).await;
            assert_eq!(s, 201, "{url}: {values}");
            for (name, old) in template {
                let new = values[name]
                    .as_str()
                    .unwrap_or_else(|| panic!("{url}: {name}"));
                // Names of things a case may change are fresh; shared ones (an OU, a project,
                // a user name, another application's account) stay as the seed has them.
                let shared = ["organizationId", "other_organization_id", "project_id"]
                    .contains(&name.as_str())
                    || name == "user_name"
                    || name == "user_id"
                    || fixture == "public_account_wrong_app" && name == "app_user_id";
                assert_eq!(new == old, shared, "{url}: {name} = {new}");
            }
        }
    }
    let (_, again) = send(http.post(format!("{base}/__fixtures/enos/user_in_one_ou"))).await;
    let (_, other) = send(http.post(format!("{base}/__fixtures/enos/user_in_one_ou"))).await;
    assert_ne!(again["userId"], other["userId"], "each instance is new");
    let (s, _) = send(http.post(format!("{base}/__fixtures/oneaccess/no_such_fixture"))).await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn reset_restores_the_seed_and_forgets_instances() {
    let (server, http) = start().await;
    let base = server.base_url();
    let creds = support::creds(&http, &base).await;
    let (s, _) = delete_org(&http, &base, &creds.bearer, "org-leaf").await;
    assert_eq!(s, 204);
    let (s, _) = send(http.post(format!("{base}/__fixtures/oneaccess/org_leaf"))).await;
    assert_eq!(s, 201);
    let (s, _) = send(http.post(format!("{base}/__reset"))).await;
    assert_eq!(s, 204);
    assert!(server.state.control.instances().is_empty());
    // The deleted organization is back; tokens issued before the reset still open the mock.
    let (s, _) = delete_org(&http, &base, &creds.bearer, "org-leaf").await;
    assert_eq!(s, 204, "org-leaf is back after the reset");
    let (s, _) = send(http.get(format!("{base}/__reset"))).await;
    assert_eq!(s, 405);
}

#[tokio::test]
async fn the_control_plane_is_off_unless_the_listener_is_on_loopback() {
    let (server, http) = start().await;
    let base = server.base_url();
    // What `serve` does for a listener on another address.
    server.state.control.enable(false);
    let (s, body) = send(http.post(format!("{base}/__reset"))).await;
    assert_eq!((s, body["error_code"].as_str()), (404, Some("COMMON.0404")));
    let (s, _) = send(http.post(format!("{base}/__fixtures/oneaccess/org_leaf"))).await;
    assert_eq!(s, 404);
    assert!(server.state.control.instances().is_empty());
}
