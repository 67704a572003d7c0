//! Cleanup you can trust: a run killed midway leaves provisioned entries on the server and in
//! the ledger; `contract-harness cleanup` removes exactly those, as the mock's state confirms.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use contract_harness::exec::ledger::{self, Ledger};
use contract_harness::mock::server::{AppState, router};
use contract_harness::mock::{MockConfig, Seed};
use serde_json::json;
use support::live;

/// The mock, made to hold API requests (not the control plane, not tokens) once three
/// instances are live: the run is then stuck in a case, with its entries recorded.
struct Stall {
    state: Arc<AppState>,
    on: AtomicBool,
    held: AtomicUsize,
}

async fn hold(State(stall): State<Arc<Stall>>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let api = !path.starts_with("/__") && !path.contains("token");
    if api && stall.on.load(Ordering::SeqCst) && stall.state.control.instances().len() >= 3 {
        stall.held.fetch_add(1, Ordering::SeqCst);
        let start = Instant::now();
        while stall.on.load(Ordering::SeqCst) && start.elapsed() < Duration::from_secs(60) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    next.run(req).await
}

/// Polls `f` every 10 ms for at most `limit`.
fn wait_for(limit: Duration, mut f: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    false
}

#[test]
fn a_killed_run_is_cleaned_up_from_the_ledger() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let state = Arc::new(AppState::new(&MockConfig::new(Arc::new(Seed::builtin()))));
    state.control.enable(true);
    let stall = Arc::new(Stall {
        state: state.clone(),
        on: AtomicBool::new(true),
        held: AtomicUsize::new(0),
    });
    let app =
        router(state.clone(), false).layer(middleware::from_fn_with_state(stall.clone(), hold));
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    rt.spawn(async move { axum::serve(listener, app).await });

    let dir = live::temp_dir("cleanup");
    let target = live::write_target(
        &dir,
        &json!({
            "name": "killed",
            "timeout_seconds": 90,
            "concurrency": 1,
            "provision": live::control_plane_provision(),
            "credentials": live::credentials(),
        }),
    );
    let mut child = live::harness(
        &dir,
        &base,
        &target,
        &["run", "--specs", "specs", "--test-threads", "2"],
    )
    .stdout(std::process::Stdio::null())
    .stderr(std::process::Stdio::null())
    .spawn()
    .expect("start the run");
    let reports = dir.join("reports");
    let ledgers = || ledger::files_for(&reports, "killed");
    let pending = || -> usize {
        ledgers()
            .into_iter()
            .map(|f| Ledger::new(f).pending().map_or(0, |p| p.len()))
            .sum()
    };
    // Stuck in a case; every entry made so far is in the ledger (with one request in flight
    // at a time, nothing else is being provisioned).
    let stuck = wait_for(Duration::from_secs(60), || {
        stall.held.load(Ordering::SeqCst) > 0
    }) && wait_for(Duration::from_secs(10), || {
        pending() == state.control.instances().len()
    });
    child.kill().expect("kill");
    let _ = child.wait();
    assert!(stuck, "the run did not get stuck with its entries recorded");
    let left = state.control.instances().len();
    assert!(left >= 3, "the killed run left entries behind: {left}");
    assert_eq!(pending(), left, "the ledger knows every one of them");

    stall.on.store(false, Ordering::SeqCst);
    let out = live::harness(&dir, &base, &target, &["cleanup", "--target"])
        .arg(&target)
        .output()
        .expect("cleanup");
    let all = live::text(&out);
    assert!(out.status.success(), "{all}");
    assert!(
        all.contains(&format!("cleanup: {left} removed, 0 failed")),
        "{all}"
    );
    assert_eq!(
        state.control.instances().len(),
        0,
        "nothing is left on the server"
    );
    assert_eq!(pending(), 0, "nothing is pending");
    assert!(ledgers().is_empty(), "the emptied ledger is removed");
    // A second cleanup finds nothing to do.
    let again = live::harness(&dir, &base, &target, &["cleanup", "--target"])
        .arg(&target)
        .output()
        .expect("cleanup");
    assert!(live::text(&again).contains("cleanup: 0 removed, 0 failed"));
}

#[test]
fn cleanup_says_what_it_cannot_do_and_keeps_what_it_could_not_remove() {
    let mock = live::Mock::start(None);
    let dir = live::temp_dir("cleanup-errors");
    let cleanup = |target: &std::path::Path| {
        let out = live::harness(&dir, &mock.base(), target, &["cleanup", "--target"])
            .arg(target)
            .output()
            .expect("cleanup");
        (out.status.code(), live::text(&out))
    };
    // A target file that provisions nothing has no teardown to run.
    let none = live::write_target(
        &dir,
        &json!({"name": "plain", "credentials": live::credentials()}),
    );
    let (code, all) = cleanup(&none);
    assert_eq!(code, Some(1), "{all}");
    assert!(all.contains("has no `provision:`"), "{all}");
    // A pending entry whose teardown fails stays pending, and the exit says so.
    let mut provision = live::control_plane_provision();
    provision["oneaccess"]["org_leaf"]["teardown"][0]["path"] =
        json!("/__fixtures/oneaccess/org_leaf/{{instance}}-gone");
    let target = live::write_target(
        &dir,
        &json!({"name": "stuck", "provision": provision, "credentials": live::credentials()}),
    );
    let book = Ledger::new(ledger::file_for(&dir.join("reports"), "stuck", "r0"));
    book.append(&ledger::Event::Provisioned(ledger::Entry {
        entry: "r0-1".into(),
        target: "stuck".into(),
        service: "oneaccess".into(),
        fixture: "org_leaf".into(),
        run_id: "r0".into(),
        n: 1,
        uuid: "u".into(),
        values: [
            ("org_id".to_string(), "org-leaf-fx1".to_string()),
            ("instance".to_string(), "fx1".to_string()),
        ]
        .into(),
    }))
    .expect("ledger");
    let (code, all) = cleanup(&target);
    assert_eq!(code, Some(1), "{all}");
    assert!(
        all.contains("teardown failed: r0-1 (oneaccess/org_leaf)")
            && all.contains("expected status 204, got 404")
            && all.contains("cleanup: 0 removed, 1 failed"),
        "{all}"
    );
    assert_eq!(book.pending().expect("ledger").len(), 1, "still pending");
}
