//! Benchmarks (not timed tests): the embedded mock's startup time, memory and requests per
//! second under a mixed load of the five operations from a real load generator (`wrk`); the
//! full suite's wall time (embedded, and over the live path with static pools or with
//! provisioning); and the runner's sustained request rate next to `wrk` on the same
//! server and request; the wall time of the binary's `contract-harness run` over the embedded
//! mocks, for the shipped specs (vendor mock) and for `examples/petstore/specs` (generic mock);
//! with `BENCH_BUILD=1`, the time of `cargo build` after touching `src/lib.rs`. Run with
//! `cargo bench`; needs `wrk` (`apt-get install wrk`) for the load-generator figures.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use contract_harness::exec::auth::{self, Credential, TokenCache};
use contract_harness::exec::runtime::runtime;
use contract_harness::exec::{Instance, PropSettings, Target, client};
use contract_harness::generate::{Call, Expect};
use contract_harness::mock::auth::{enos_params_data, sha256_hex};
use contract_harness::mock::{MockConfig, MockServer, Seed};
use contract_harness::{contract, mutants};
use serde_json::json;

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn startup(f: &mut Figures) {
    let config = MockConfig::new(Arc::new(Seed::builtin()));
    let rss_before = rss_kib();
    let n = 200;
    let start = Instant::now();
    let servers: Vec<MockServer> = (0..n)
        .map(|_| {
            runtime()
                .block_on(MockServer::start(&config, ([127, 0, 0, 1], 0).into()))
                .expect("start")
        })
        .collect();
    let per = start.elapsed() / n;
    let rss_after = rss_kib();
    f.add(
        "embedded mock startup, µs per instance (fresh state from the seed, bound and serving; mean of 200)",
        per.as_secs_f64() * 1e6,
    );
    f.add(
        "embedded mock memory, KiB resident per instance (200 instances)",
        rss_after.saturating_sub(rss_before) as f64 / f64::from(n),
    );
    let seed_start = Instant::now();
    let _ = Seed::builtin();
    f.add("seed parse, µs", seed_start.elapsed().as_secs_f64() * 1e6);
    drop(servers);
}

struct Tokens {
    bearer: String,
    iam: String,
    enos: String,
}

/// Tokens through the runner's own credential flows (shared by every instance of the hub).
fn tokens(target: &Target) -> Tokens {
    let loaded = contract::load(Path::new("specs")).expect("specs");
    let client = &client::Client::new(&target.limits).expect("client");
    let cache = TokenCache::new();
    let get = |service: &str| {
        let svc = &loaded.specs.services[service];
        runtime()
            .block_on(auth::for_role(client, &cache, target, svc, "default"))
            .expect("token")
    };
    let (
        Credential::Header { value: bearer, .. },
        Credential::Header { value: iam, .. },
        Credential::Signed { token: enos, .. },
    ) = (get("oneaccess"), get("dataarts"), get("enos"))
    else {
        panic!("unexpected credential kinds");
    };
    Tokens { bearer, iam, enos }
}

fn lua_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A wrk script cycling through one request of each of the five operations.
fn mixed_script(t: &Tokens) -> String {
    let enos_body = json!({"userId": "nobody", "organizationId": "o15589240839351"}).to_string();
    let enos_sig = sha256_hex(&[
        t.enos.as_bytes(),
        &enos_params_data(&[], enos_body.as_bytes()),
        b"1700000000000",
        b"mock-enos-secret-2b71f0",
    ]);
    let reqs = [
        ("POST", "/api/v2/tenant/applications/20220415101010111-APP1-0000001/accounts/public-account/20220415171558023-84A4-ED5C390B8/users/unbind".to_string(), vec![("Authorization", t.bearer.clone()), ("Content-Type", "application/json; charset=utf-8".into())], r#"{"user_names":["someone"]}"#.to_string()),
        ("DELETE", "/api/v2/tenant/organizations/no-such-org".into(), vec![("Authorization", t.bearer.clone())], String::new()),
        ("PUT", "/api/v2/tenant/organizations/org-leaf/disable".into(), vec![("Authorization", t.bearer.clone())], String::new()),
        ("POST", "/v2/0833a5737480d53b2f25c010dc1a7b88/1a2b3c4d5e6f40718293a4b5c6d7e8f9/delete-users".into(), vec![("X-Auth-Token", t.iam.clone()), ("Content-Type", "application/json".into())], r#"{"user_ids":["not-a-member"]}"#.to_string()),
        ("POST", "/app-portal-service/v2.2/user/remove".into(), vec![("apim-accesstoken", t.enos.clone()), ("apim-timestamp", "1700000000000".into()), ("apim-signature", enos_sig), ("Content-Type", "application/json".into())], enos_body),
    ];
    let mut s = String::from("local reqs = {}\n");
    for (m, p, headers, body) in &reqs {
        let hs: Vec<String> = headers
            .iter()
            .map(|(k, v)| format!("[{}] = {}", lua_string(k), lua_string(v)))
            .collect();
        s.push_str(&format!(
            "table.insert(reqs, wrk.format({}, {}, {{{}}}, {}))\n",
            lua_string(m),
            lua_string(p),
            hs.join(", "),
            if body.is_empty() {
                "nil".into()
            } else {
                lua_string(body)
            }
        ));
    }
    s.push_str(
        "local i = 0\nrequest = function()\n  i = i + 1\n  return reqs[(i % #reqs) + 1]\nend\n",
    );
    s.push_str("local bad = 0\nresponse = function(status)\n  if status >= 500 then bad = bad + 1 end\nend\n");
    s
}

fn wrk(base: &str, script: &Path, seconds: u32) -> Option<f64> {
    let out = Command::new("wrk")
        .args(["-t2", "-c64", &format!("-d{seconds}s"), "-s"])
        .arg(script)
        .arg(base)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().find(|l| l.starts_with("Requests/sec:"))?;
    let rps = line.split_whitespace().nth(1)?.parse().ok()?;
    if let Some(non2xx) = text.lines().find(|l| l.contains("Non-2xx")) {
        eprintln!("    wrk: {}", non2xx.trim());
    }
    Some(rps)
}

/// An instance of the target's own mock, so that tokens obtained through it open it.
fn instance(target: &Target) -> Box<dyn Instance> {
    target
        .case_instance("oneaccess")
        .expect("mock")
        .expect("embedded instance")
}

fn load(f: &mut Figures, dir: &Path) {
    let target = contract_harness::mock::embedded::target(Arc::new(Seed::builtin()), None);
    let server = instance(&target);
    let base = server.base_url();
    let t = tokens(&target);
    let script = dir.join("mixed.lua");
    std::fs::write(&script, mixed_script(&t)).expect("script");
    match wrk(&base, &script, 5) {
        Some(rps) => f.add(
            "mock, mixed workload of the five operations (wrk -t2 -c64 -d5s), requests/s",
            rps,
        ),
        None => eprintln!("mock mixed workload: wrk not found (apt-get install wrk)"),
    }
}

fn suite(f: &mut Figures) {
    let loaded = contract::load(Path::new("specs")).expect("specs");
    let seed = Arc::new(Seed::builtin());
    let settings = PropSettings::from_env().expect("CONTRACT_SHRINK_SECONDS");
    let cases: Vec<_> = contract_harness::generate::cases(&loaded.specs);
    let mut times = Vec::new();
    for _ in 0..5 {
        let run =
            mutants::run_suite(&loaded.specs, &cases, &seed, None, settings, 2).expect("mocks");
        assert!(run.failed.is_empty(), "{:?}", run.failed);
        times.push(run.elapsed);
    }
    times.sort();
    f.add(
        &format!(
            "full suite against the embedded mock ({} cases, {} inputs per property, 2 threads), ms (median of 5)",
            cases.len(),
            settings.cases
        ),
        times[2].as_secs_f64() * 1000.0,
    );
}

/// The wall time of one `contract-harness run --specs SPECS` from `cwd` as a user starts it (the
/// bench profile's binary, a process of its own: specs read, cases generated, the embedded mocks
/// started, every case run, snapshots compared with `CI=true`), median of 5; and its case count.
fn suite_process(f: &mut Figures, cwd: &Path, shown: &str, specs: &str, what: &str) {
    let mut times = Vec::new();
    let mut cases = String::new();
    for _ in 0..5 {
        let start = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_contract-harness"))
            .args(["run", "--specs", specs])
            .current_dir(cwd)
            .env("CI", "true")
            .env_remove("CONTRACT_BASE_URL")
            .env_remove("CONTRACT_TARGET")
            .env_remove("CONTRACT_MOCK_FAULT")
            .output()
            .expect("contract-harness run");
        times.push(start.elapsed());
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{what}: {stdout}");
        cases = stdout
            .lines()
            .find_map(|l| l.strip_prefix("running ")?.strip_suffix(" tests"))
            .unwrap_or("?")
            .to_string();
    }
    times.sort();
    f.add(
        &format!(
            "`{shown}contract-harness run --specs {specs}` over the embedded {what} ({cases} cases, whole process, CI=true), ms (median of 5)"
        ),
        times[2].as_secs_f64() * 1000.0,
    );
}

/// With `BENCH_BUILD=1`: the wall time of `cargo build` (dev profile, the crate's library and
/// binary) after touching `src/lib.rs`, dependencies already built: the rebuild a developer
/// waits for after an edit before `cargo run -- run`. Not a cold build.
fn build(f: &mut Figures) {
    if std::env::var("BENCH_BUILD").as_deref() != Ok("1") {
        return;
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let lib = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs");
    let file = std::fs::File::options()
        .append(true)
        .open(&lib)
        .expect("src/lib.rs");
    file.set_modified(std::time::SystemTime::now())
        .expect("touch src/lib.rs");
    let start = Instant::now();
    let status = Command::new(cargo)
        .args(["build", "--quiet"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .expect("cargo build");
    assert!(status.success(), "cargo build failed");
    f.add(
        "`cargo build` (dev profile) after touching src/lib.rs, dependencies built, s",
        start.elapsed().as_secs_f64(),
    );
}

fn runner_rate(f: &mut Figures, dir: &Path) {
    let loaded = contract::load(Path::new("specs")).expect("specs");
    let target = contract_harness::mock::embedded::target(Arc::new(Seed::builtin()), None);
    let server = instance(&target);
    let base = server.base_url();
    // A client of its own, allowing as many requests in flight as the loop makes (the shared
    // client's default limit is 16).
    let mut limits = target.limits.clone();
    limits.concurrency = 64;
    let own = client::Client::new(&limits).expect("client");
    let client = &own;
    let mut call = Call::success("delete_organization", "org_leaf");
    call.values.insert("org_id".into(), "no-such-org".into());
    let expect = Expect::Error(json!("ORG.0001"));
    let ctx = contract_harness::exec::Ctx {
        specs: &loaded.specs,
        target: &target,
        client,
        tokens: &TokenCache::new(),
        proptest: PropSettings::from_env().expect("CONTRACT_SHRINK_SECONDS"),
    };
    let count = AtomicU64::new(0);
    let deadline = Instant::now() + Duration::from_secs(5);
    // One driving thread with 32 requests in flight: on 2 cores the mock needs the other.
    std::thread::scope(|scope| {
        for _ in 0..1 {
            scope.spawn(|| {
                runtime().block_on(async {
                    let (ctx, base, call, expect, count) = (&ctx, &base, &call, &expect, &count);
                    let tasks = (0..32).map(|_| async move {
                        while Instant::now() < deadline {
                            let (_, failures) = contract_harness::exec::call::exchange(
                                ctx,
                                Some(base),
                                call,
                                expect,
                            )
                            .await
                            .expect("exchange");
                            assert!(failures.is_empty());
                            count.fetch_add(1, Ordering::Relaxed);
                        }
                    });
                    futures_join(tasks.collect()).await;
                });
            });
        }
    });
    let runner = count.load(Ordering::Relaxed) as f64 / 5.0;
    // The same loop with a bare reqwest client: how much of the gap is the HTTP client's.
    let bare = AtomicU64::new(0);
    let t0 = tokens(&target);
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let deadline = Instant::now() + Duration::from_secs(5);
    std::thread::scope(|scope| {
        for _ in 0..1 {
            scope.spawn(|| {
                runtime().block_on(async {
                    let (http, base, bare, bearer) = (&http, &base, &bare, &t0.bearer);
                    let tasks = (0..32).map(|_| async move {
                        while Instant::now() < deadline {
                            let r = http
                                .delete(format!("{base}/api/v2/tenant/organizations/no-such-org"))
                                .header("authorization", bearer)
                                .send()
                                .await
                                .expect("send");
                            let _ = r.bytes().await.expect("body");
                            bare.fetch_add(1, Ordering::Relaxed);
                        }
                    });
                    futures_join(tasks.collect()).await;
                });
            });
        }
    });
    f.add(
        "bare reqwest loop on the same server and request (1 thread, 32 in flight), requests/s",
        bare.load(Ordering::Relaxed) as f64 / 5.0,
    );
    f.add(
        "runner: prepare, credentials, send and every check (1 thread, 32 in flight), checked requests/s",
        runner,
    );
    let t = tokens(&target);
    let script = dir.join("single.lua");
    std::fs::write(&script, format!("wrk.method = \"DELETE\"\nwrk.headers[\"Authorization\"] = {}\nwrk.path = \"/api/v2/tenant/organizations/no-such-org\"\n", lua_string(&t.bearer))).expect("script");
    if let Some(rps) = wrk(&base, &script, 5) {
        f.add(
            "wrk -t2 -c64 with the same request on the same server, requests/s",
            rps,
        );
        f.add("runner / wrk", runner / rps);
    }
}

async fn futures_join(tasks: Vec<impl std::future::Future<Output = ()>>) {
    let mut set = Vec::new();
    for t in tasks {
        set.push(t);
    }
    // Poll all of them concurrently on this task.
    let mut pinned: Vec<_> = set.into_iter().map(Box::pin).collect();
    std::future::poll_fn(|cx| {
        pinned.retain_mut(|f| f.as_mut().poll(cx).is_pending());
        if pinned.is_empty() {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
}

/// The standalone binary: time from spawn until it answers, and its resident memory idle
/// and after a load.
fn standalone(f: &mut Figures, dir: &Path) {
    use std::io::{BufRead, BufReader};
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_contract-harness"))
        .args(["mock", "--port", "0", "--quiet"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn the mock");
    let mut banner = String::new();
    let stderr = child.stderr.take().expect("stderr");
    BufReader::new(stderr)
        .read_line(&mut banner)
        .expect("banner");
    let url = banner
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("url")
        .to_string();
    let ready = runtime().block_on(async {
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("client");
        loop {
            if http.get(format!("{url}/nowhere")).send().await.is_ok() {
                break start.elapsed();
            }
        }
    });
    let rss = |pid: u32| {
        std::fs::read_to_string(format!("/proc/{pid}/status"))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
            })
            .unwrap_or(0)
    };
    let idle = rss(child.id());
    let script = dir.join("standalone.lua");
    std::fs::write(
        &script,
        "wrk.method = \"DELETE\"\nwrk.path = \"/api/v2/tenant/organizations/x\"\n",
    )
    .expect("script");
    let loaded = wrk(&url, &script, 3).map(|_| rss(child.id()));
    f.add(
        "standalone `contract-harness mock`: answers after spawn, ms",
        ready.as_secs_f64() * 1000.0,
    );
    f.add("standalone mock: resident idle, MiB", idle as f64 / 1024.0);
    if let Some(kib) = loaded {
        f.add(
            "standalone mock: resident after 3 s of wrk -c64, MiB",
            kib as f64 / 1024.0,
        );
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Samples per measure, in the order first seen, printed as one Markdown table.
/// Credential variables of the mock's own credentials, for live targets in-process.
const LIVE_ENV: &[(&str, &str)] = &[
    ("B_OA_ID", "ch-all"),
    ("B_OA_SECRET", "mock-secret-all-7f3a9c"),
    ("B_OA_ORG_ID", "ch-org"),
    ("B_OA_ORG_SECRET", "mock-secret-org-51be02"),
    ("B_OA_ACC_ID", "ch-account"),
    ("B_OA_ACC_SECRET", "mock-secret-account-c04d6e"),
    ("B_OA_EXPIRED", "oa-expired-3f5d2c1b9a7e"),
    ("B_IAM_USER", "ch-iam-user"),
    ("B_IAM_PASSWORD", "mock-iam-password-88d1"),
    ("B_IAM_DOMAIN", "ch-domain"),
    ("B_IAM_EXPIRED", "iam-expired-9c2e44d1"),
    ("B_ENOS_KEY", "ch-enos-app"),
    ("B_ENOS_SECRET", "mock-enos-secret-2b71f0"),
    ("B_ENOS_EXPIRED", "apim-expired-71aa0c3e"),
];

fn live_credentials() -> serde_json::Value {
    json!({
        "oneaccess": {
            "default": {"client_id": "B_OA_ID", "client_secret": "B_OA_SECRET"},
            "org_only": {"client_id": "B_OA_ORG_ID", "client_secret": "B_OA_ORG_SECRET"},
            "account_only": {"client_id": "B_OA_ACC_ID", "client_secret": "B_OA_ACC_SECRET"},
            "expired": {"token": "B_OA_EXPIRED"}
        },
        "dataarts": {
            "default": {"user": "B_IAM_USER", "password": "B_IAM_PASSWORD", "domain": "B_IAM_DOMAIN"},
            "expired": {"token": "B_IAM_EXPIRED"}
        },
        "enos": {
            "default": {"app_key": "B_ENOS_KEY", "app_secret": "B_ENOS_SECRET"},
            "expired": {"token": "B_ENOS_EXPIRED", "app_secret": "B_ENOS_SECRET"}
        }
    })
}

/// The suite's wall time over the live path against a standalone mock (in this process, on
/// loopback): once with static pools made beforehand through the control plane (untimed),
/// once with every fixture provisioned per case through the control plane and torn down.
fn live_paths(f: &mut Figures, dir: &Path) {
    let loaded = contract::load(Path::new("specs")).expect("specs");
    let settings = PropSettings::from_env().expect("CONTRACT_SHRINK_SECONDS");
    let seed = Arc::new(Seed::builtin());
    let env = |name: &str| {
        LIVE_ENV
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    };
    let fixtures: Vec<(String, String, Vec<String>)> = seed
        .fixtures
        .iter()
        .flat_map(|(s, fx)| {
            fx.iter()
                .map(|(n, v)| (s.clone(), n.clone(), v.keys().cloned().collect()))
        })
        .collect();
    let start = || {
        runtime()
            .block_on(MockServer::start(
                &MockConfig::new(seed.clone()),
                ([127, 0, 0, 1], 0).into(),
            ))
            .expect("mock")
    };
    let timed = |name: &str, doc: serde_json::Value, base: &str| {
        let path = dir.join(format!("{name}.yaml"));
        std::fs::write(&path, doc.to_string()).expect("target file");
        let target = Target::live(Some(&path), base, &env, &loaded.specs).expect("target");
        let suite =
            contract_harness::harness::Suite::new(loaded.specs.clone(), target, settings, None);
        assert!(
            suite.cases.iter().all(|c| c.ignore.is_none()),
            "{name}: cases ignored"
        );
        let run = mutants::run_on(
            &loaded.specs,
            &suite.cases,
            &suite.target,
            None,
            settings,
            2,
        );
        assert!(
            run.failed.is_empty() && run.errors.is_empty(),
            "{name}: {:?} {:?}",
            run.failed,
            run.errors
        );
        (suite.cases.len(), run.elapsed)
    };

    // Static pools: 64 entries of every fixture, made before the clock starts.
    let server = start();
    let base = server.base_url();
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let mut pools = serde_json::Map::new();
    for (service, fixture, _) in &fixtures {
        let entries: Vec<serde_json::Value> = (0..64)
            .map(|_| {
                runtime().block_on(async {
                    let r = http
                        .post(format!("{base}/__fixtures/{service}/{fixture}"))
                        .send()
                        .await
                        .expect("fixture");
                    let mut v: serde_json::Value = r.json().await.expect("values");
                    if let Some(m) = v.as_object_mut() {
                        m.remove("instance");
                    }
                    v
                })
            })
            .collect();
        pools
            .entry(service.clone())
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .expect("object")
            .insert(fixture.clone(), serde_json::Value::Array(entries));
    }
    let designated: serde_json::Map<String, serde_json::Value> = seed
        .fixtures
        .iter()
        .map(|(s, fx)| (s.clone(), json!(fx.keys().collect::<Vec<_>>())))
        .collect();
    let (cases, pooled) = timed(
        "bench-pools",
        json!({"name": "bench-pools", "concurrency": 16, "fixtures": pools,
               "destructive_fixtures": designated, "credentials": live_credentials()}),
        &base,
    );
    drop(server);

    // Provisioning: a fresh entry per consuming case, torn down after it.
    let server = start();
    let mut provision = serde_json::Map::new();
    for (service, fixture, names) in &fixtures {
        let mut capture: serde_json::Map<String, serde_json::Value> = names
            .iter()
            .map(|n| (n.clone(), json!(format!("/{n}"))))
            .collect();
        capture.insert("instance".into(), json!("/instance"));
        provision
            .entry(service.clone())
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .expect("object")
            .insert(
                fixture.clone(),
                json!({
                    "requests": [{"method": "POST", "path": format!("/__fixtures/{service}/{fixture}"),
                                  "status": 201, "role": "none", "capture": capture}],
                    "teardown": [{"method": "DELETE", "role": "none", "status": 204,
                                  "path": format!("/__fixtures/{service}/{fixture}/{{{{instance}}}}")}]
                }),
            );
    }
    let (_, provisioned) = timed(
        "bench-provisioned",
        json!({"name": "bench-provisioned", "concurrency": 16, "provision": provision,
               "credentials": live_credentials()}),
        &server.base_url(),
    );
    drop(server);
    f.add(
        &format!("full suite over the live path, static pools ({cases} cases, 2 threads), ms"),
        pooled.as_secs_f64() * 1000.0,
    );
    f.add(
        &format!(
            "full suite over the live path, every fixture provisioned per case through the control plane ({cases} cases, 2 threads), ms"
        ),
        provisioned.as_secs_f64() * 1000.0,
    );
}

#[derive(Default)]
struct Figures {
    rows: Vec<(String, Vec<f64>)>,
}

impl Figures {
    fn add(&mut self, measure: &str, value: f64) {
        eprintln!("  {measure}: {value:.2}");
        match self.rows.iter_mut().find(|(m, _)| m == measure) {
            Some((_, v)) => v.push(value),
            None => self.rows.push((measure.to_string(), vec![value])),
        }
    }

    fn table(&self, runs: usize) -> String {
        let mut s = format!(
            "{}\n\n| measure | min | median | max |\n|---|---|---|---|\n",
            machine(runs)
        );
        for (measure, values) in &self.rows {
            let mut v = values.clone();
            v.sort_by(f64::total_cmp);
            let fmt = |x: f64| {
                if x >= 100.0 {
                    format!("{x:.0}")
                } else {
                    format!("{x:.2}")
                }
            };
            s.push_str(&format!(
                "| {measure} | {} | {} | {} |\n",
                fmt(v[0]),
                fmt(v[v.len() / 2]),
                fmt(v[v.len() - 1])
            ));
        }
        s
    }
}

/// The machine the figures were taken on.
fn machine(runs: usize) -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or_else(String::new, |kib| {
            format!(", {:.0} GiB", kib / 1024.0 / 1024.0)
        });
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    format!(
        "`cargo bench` on {cores} cores ({cpu}{mem}), {runs} runs of every measure; the load generator and the server share the cores"
    )
}

fn main() {
    // `cargo bench` passes `--bench`; any other argument filters nothing here.
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .filter(|r| *r > 0)
        .unwrap_or(3);
    let dir = std::env::temp_dir().join(format!("contract-harness-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let mut f = Figures::default();
    for run in 1..=runs {
        eprintln!("run {run} of {runs}");
        startup(&mut f);
        standalone(&mut f, &dir);
        load(&mut f, &dir);
        suite(&mut f);
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        suite_process(&mut f, root, "", "specs", "vendor mock");
        suite_process(
            &mut f,
            &root.join("examples/petstore"),
            "cd examples/petstore && ",
            "specs",
            "generic mock",
        );
        build(&mut f);
        live_paths(&mut f, &dir);
        runner_rate(&mut f, &dir);
    }
    print!("{}", f.table(runs));
}
