//! The runner's HTTP client on loopback: redirects are followed only within the same origin
//! (credentials never reach another host), every request has a timeout, and the rate limit
//! paces requests.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::response::Redirect;
use axum::routing::get;
use contract_harness::exec::HarnessError;
use contract_harness::exec::client::Client;
use contract_harness::exec::request::Prepared;
use contract_harness::exec::target::Limits;

async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}")
}

fn get_with_token(path: &str) -> Prepared {
    Prepared {
        method: "GET".into(),
        path: path.into(),
        headers: vec![("Authorization".into(), "Bearer secret-token-value".into())],
        body: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_stay_on_the_same_origin() {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let other = serve(Router::new().route(
        "/landing",
        get(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            async { "got it" }
        }),
    ))
    .await;
    let target = other.clone();
    let base = serve(
        Router::new()
            .route(
                "/cross",
                get(move || async move { Redirect::temporary(&format!("{target}/landing")) }),
            )
            .route("/same", get(|| async { Redirect::temporary("/final") }))
            .route("/final", get(|| async { "final" })),
    )
    .await;
    let client = Client::new(&Limits::default()).expect("client");
    let cross = client
        .send(&base, &get_with_token("/cross"))
        .await
        .expect("answer");
    assert_eq!(
        cross.status, 307,
        "a redirect to another host is not followed"
    );
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "the other host got no request"
    );
    let same = client
        .send(&base, &get_with_token("/same"))
        .await
        .expect("answer");
    assert_eq!(
        (same.status, same.body.as_slice()),
        (200, b"final".as_slice()),
        "same-origin redirects are followed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_server_times_out() {
    let base = serve(Router::new().route(
        "/slow",
        get(|| async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            "late"
        }),
    ))
    .await;
    let limits = Limits {
        timeout: Duration::from_millis(200),
        ..Limits::default()
    };
    let client = Client::new(&limits).expect("client");
    let result = client.send(&base, &get_with_token("/slow")).await;
    let Err(e) = result else {
        panic!("a slow server must time out: {result:?}")
    };
    assert!(
        matches!(e, HarnessError::Exchange { .. }),
        "an exchange error: {e:?}"
    );
    let text = contract_harness::exec::error::chain(&e);
    assert!(
        text.contains("/slow failed while reading the response headers: timed out after 0.2 s"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rate_limit_paces_requests() {
    let base = serve(Router::new().route("/", get(|| async { "ok" }))).await;
    let limits = Limits {
        rate_per_second: Some(10.0),
        ..Limits::default()
    };
    let client = Client::new(&limits).expect("client");
    let start = Instant::now();
    for _ in 0..5 {
        client
            .send(&base, &get_with_token("/"))
            .await
            .expect("answer");
    }
    // Five requests at ten per second: the fifth waits for its slot at 0.4 s at the earliest.
    assert!(
        start.elapsed() >= Duration::from_millis(390),
        "{:?}",
        start.elapsed()
    );
}
