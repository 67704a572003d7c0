//! A bounded load test on loopback: many connections send a mix of valid and invalid requests
//! to all five operations at once. Afterwards no request got a 5xx, no update was lost, and
//! the state invariants hold.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

mod support;

use contract_harness::mock::auth::{enos_params_data, lock, sha256_hex};
use contract_harness::mock::seed::EnosUser;
use contract_harness::mock::{MockConfig, MockServer, Seed};
use serde_json::json;
use support::{Creds, creds};

const CONNECTIONS: usize = 32;
const PER_CONNECTION: usize = 60;
const MEMBERS: usize = 300;
const TWO_OU_USERS: usize = 150;

fn seed() -> Seed {
    let mut seed = Seed::builtin();
    let ws = &mut seed.dataarts.projects[0].workspaces[0];
    ws.members = (0..MEMBERS).map(|i| format!("member-{i}")).collect();
    for i in 0..TWO_OU_USERS {
        seed.enos.users.push(EnosUser {
            id: format!("load-user-{i}"),
            ous: vec!["o15589240839352".into(), "o15589240839353".into()],
        });
    }
    seed
}

/// A small deterministic generator (no randomness in test names or counts).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

async fn worker(
    http: reqwest::Client,
    base: String,
    creds: Arc<Creds>,
    conn: usize,
) -> Vec<(u16, String)> {
    let mut rng = Lcg(conn as u64 + 1);
    let mut statuses = Vec::new();
    for i in 0..PER_CONNECTION {
        let k = conn * PER_CONNECTION + i;
        let invalid = rng.next().is_multiple_of(3);
        let (req, what) = match rng.next() % 5 {
            0 => {
                let body = if invalid {
                    json!({"user_names": [null, 1]}).to_string()
                } else {
                    json!({"user_names": [format!("u{k}")]}).to_string()
                };
                let url = format!(
                    "{base}/api/v2/tenant/applications/20220415101010111-APP1-0000001/accounts/public-account/20220415171558023-84A4-ED5C390B8/users/unbind"
                );
                (
                    http.post(url)
                        .header("authorization", &creds.bearer)
                        .header("content-type", "application/json")
                        .body(body),
                    "unbind",
                )
            }
            1 => {
                let org = [
                    "org-leaf",
                    "org-parent",
                    "org-parent-child",
                    "org-groups",
                    "",
                    "\u{202e}x",
                ][rng.next() as usize % 6];
                (
                    http.delete(format!("{base}/api/v2/tenant/organizations/{org}"))
                        .header("authorization", &creds.bearer),
                    "delete org",
                )
            }
            2 => {
                let org = [
                    "org-enabled-child",
                    "org-enabled-child-sub",
                    "org-children-off",
                    "org-users",
                    "zz",
                ][rng.next() as usize % 5];
                (
                    http.put(format!("{base}/api/v2/tenant/organizations/{org}/disable"))
                        .header("authorization", &creds.bearer),
                    "disable org",
                )
            }
            3 => {
                // Every member is removed by exactly one request (k < MEMBERS), plus noise.
                let body = if invalid {
                    "{\"user_ids\": 3".to_string()
                } else {
                    json!({"user_ids": [format!("member-{}", k % MEMBERS)]}).to_string()
                };
                let url = format!(
                    "{base}/v2/0833a5737480d53b2f25c010dc1a7b88/1a2b3c4d5e6f40718293a4b5c6d7e8f9/delete-users"
                );
                (
                    http.post(url).header("x-auth-token", &creds.iam).body(body),
                    "delete users",
                )
            }
            _ => {
                let u = k % TWO_OU_USERS;
                let ou = if k.is_multiple_of(2) {
                    "o15589240839352"
                } else {
                    "o15589240839353"
                };
                let body = if invalid {
                    json!({"userId": 5}).to_string()
                } else {
                    json!({"userId": format!("load-user-{u}"), "organizationId": ou}).to_string()
                };
                let ts = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .expect("clock")
                    .as_millis()
                    .to_string();
                let sig = sha256_hex(&[
                    creds.enos.as_bytes(),
                    &enos_params_data(&[], body.as_bytes()),
                    ts.as_bytes(),
                    b"mock-enos-secret-2b71f0",
                ]);
                let req = http
                    .post(format!("{base}/app-portal-service/v2.2/user/remove"))
                    .header("apim-accesstoken", &creds.enos)
                    .header("apim-timestamp", ts)
                    .header("apim-signature", sig)
                    .body(body);
                (req, "remove user")
            }
        };
        let status = req.send().await.map_or(0, |r| r.status().as_u16());
        statuses.push((status, what.to_string()));
    }
    statuses
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mixed_load_gets_no_5xx_and_keeps_the_invariants() {
    let server = MockServer::start(
        &MockConfig::new(Arc::new(seed())),
        ([127, 0, 0, 1], 0).into(),
    )
    .await
    .expect("mock");
    let base = server.base_url();
    let http = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(CONNECTIONS)
        .build()
        .expect("client");
    let creds = Arc::new(creds(&http, &base).await);
    let tasks: Vec<_> = (0..CONNECTIONS)
        .map(|c| tokio::spawn(worker(http.clone(), base.clone(), creds.clone(), c)))
        .collect();
    let all = tokio::time::timeout(Duration::from_secs(120), async {
        let mut out = Vec::new();
        for t in tasks {
            out.extend(t.await.expect("worker"));
        }
        out
    })
    .await
    .expect("the load finishes in time");
    assert_eq!(all.len(), CONNECTIONS * PER_CONNECTION);
    let bad: Vec<&(u16, String)> = all.iter().filter(|(s, _)| *s >= 500 || *s == 0).collect();
    assert!(bad.is_empty(), "5xx or transport errors: {bad:?}");
    assert!(
        all.iter().any(|(s, _)| (400..500).contains(s)),
        "the invalid requests were rejected"
    );

    // The state after the storm: invariants hold, and removals were applied.
    let leftover: Vec<String> = lock(&server.state.dataarts).projects["0833a5737480d53b2f25c010dc1a7b88"]["1a2b3c4d5e6f40718293a4b5c6d7e8f9"].iter().cloned().collect();
    let state = &server.state;
    let oa = lock(&state.oneaccess).clone();
    for (id, org) in &oa.orgs {
        if let Some(p) = &org.parent {
            assert!(oa.orgs.contains_key(p), "{id} orphaned");
        }
    }
    for (id, ous) in &lock(&state.enos).users {
        assert!(!ous.is_empty(), "{id} exists in no OU");
    }
    // Every member whose removal request was sent valid is gone; none reappeared.
    let sent_valid: std::collections::BTreeSet<String> = (0..CONNECTIONS * PER_CONNECTION)
        .map(|k| format!("member-{}", k % MEMBERS))
        .collect();
    assert!(leftover.len() < MEMBERS, "removals were applied");
    for m in &leftover {
        assert!(sent_valid.contains(m), "unknown member {m}");
    }
}

#[test]
fn concurrent_removals_lose_no_update() {
    // Every member removed by its own request, all at once: the workspace ends empty.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let server = MockServer::start(&MockConfig::new(Arc::new(seed())), ([127, 0, 0, 1], 0).into()).await.expect("mock");
        let base = server.base_url();
        let http = reqwest::Client::builder().no_proxy().build().expect("client");
        let creds = Arc::new(creds(&http, &base).await);
        let url = format!("{base}/v2/0833a5737480d53b2f25c010dc1a7b88/1a2b3c4d5e6f40718293a4b5c6d7e8f9/delete-users");
        let tasks: Vec<_> = (0..MEMBERS)
            .map(|i| {
                let (http, url, creds) = (http.clone(), url.clone(), creds.clone());
                tokio::spawn(async move {
                    let body = json!({"user_ids": [format!("member-{i}")]}).to_string();
                    http.post(url).header("x-auth-token", &creds.iam).body(body).send().await.map_or(0, |r| r.status().as_u16())
                })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.expect("task"), 200);
        }
        let members = lock(&server.state.dataarts).projects["0833a5737480d53b2f25c010dc1a7b88"]["1a2b3c4d5e6f40718293a4b5c6d7e8f9"].len();
        assert_eq!(members, 0, "lost updates");
    });
}
