//! The runner's HTTP client on loopback: redirects are followed only within the same origin
//! (credentials never reach another host), every request has a timeout, and the rate limit
//! paces requests; CONTRACT_PROXY carries requests to other hosts; token fetches of different
//! roles never wait for each other, and a failing one is asked once.

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

/// A listener that answers every request with `answer` after `delay`, counting requests by
/// whether their head contains `marker`.
async fn raw_server(
    answer: &'static str,
    delay: Duration,
    marker: &'static str,
) -> (String, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let marked = Arc::new(AtomicUsize::new(0));
    let other = Arc::new(AtomicUsize::new(0));
    let (m, o) = (marked.clone(), other.clone());
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let (m, o) = (m.clone(), o.clone());
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 << 10];
                let Ok(n) = stream.read(&mut buf).await else {
                    return;
                };
                let head = String::from_utf8_lossy(&buf[..n]).into_owned();
                if head.contains(marker) {
                    m.fetch_add(1, Ordering::SeqCst);
                } else {
                    o.fetch_add(1, Ordering::SeqCst);
                }
                tokio::time::sleep(delay).await;
                let _ = stream.write_all(answer.as_bytes()).await;
            });
        }
    });
    (format!("http://{addr}"), marked, other)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contract_proxy_carries_requests_to_other_hosts() {
    let (proxy, via_proxy, _) = raw_server(
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nproxy",
        Duration::ZERO,
        "GET http://api.example.invalid/ping",
    )
    .await;
    let limits = Limits {
        proxy: Some(proxy),
        ..Limits::default()
    };
    let client = Client::new(&limits).expect("client");
    let got = client
        .send("http://api.example.invalid", &get_with_token("/ping"))
        .await
        .expect("an answer through the proxy");
    assert_eq!(got.body, b"proxy");
    assert_eq!(via_proxy.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_fetches_of_different_roles_do_not_wait_for_each_other() {
    use contract_harness::exec::auth::{TokenCache, for_role};
    use contract_harness::exec::target::Target;
    // OneAccess's token endpoint answers after 20 s (past the 5 s timeout); DataArts' (IAM)
    // answers at once, on another server.
    let (base, fast, _) = raw_server(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 57\r\nConnection: close\r\n\r\n{\"access_token\":\"tok-0123456789abcdef\",\"expires_in\":3600}",
        Duration::ZERO,
        "POST /v3/auth/tokens",
    )
    .await;
    let (slow_base, slow, _) =
        raw_server("", Duration::from_secs(20), "POST /api/v2/tenant/token").await;
    let dir = std::env::temp_dir().join(format!("ch-client-tokens-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("target.yaml");
    let doc = serde_json::json!({
        "name": "tokens",
        "timeout_seconds": 5,
        "base_url": base,
        "auth_urls": {"oneaccess": slow_base},
        "credentials": {
            "oneaccess": {"default": {"client_id": "T_ID", "client_secret": "T_SECRET"}},
            "dataarts": {"default": {"user": "T_ID", "password": "T_SECRET", "domain": "T_ID"}}
        }
    });
    std::fs::write(&file, doc.to_string()).expect("write");
    let env = |v: &str| Some(format!("value-of-{v}"));
    let loaded = contract_harness::contract::load(std::path::Path::new("specs")).expect("specs");
    let target = Target::live(Some(&file), "", &env, &loaded.specs).expect("target");
    let oneaccess = &loaded.specs.services["oneaccess"];
    let dataarts = &loaded.specs.services["dataarts"];
    let client = Client::new(&target.limits).expect("client");
    let tokens = TokenCache::new();
    let start = Instant::now();
    let (a, b, c, quick) = tokio::join!(
        for_role(&client, &tokens, &target, oneaccess, "default"),
        for_role(&client, &tokens, &target, oneaccess, "default"),
        for_role(&client, &tokens, &target, oneaccess, "default"),
        async {
            // Starts once the slow fetch is under way.
            tokio::time::sleep(Duration::from_millis(200)).await;
            let r = for_role(&client, &tokens, &target, dataarts, "default").await;
            (r, start.elapsed())
        },
    );
    let _ = std::fs::remove_dir_all(&dir);
    let (quick, fast_done) = quick;
    assert_eq!(fast.load(Ordering::SeqCst), 1, "the IAM endpoint was asked");
    // IAM wants X-Subject-Token, which this server does not send: a quick, clear refusal.
    let fast_err = quick.expect_err("no X-Subject-Token").to_string();
    assert!(fast_err.contains("without X-Subject-Token"), "{fast_err}");
    assert!(
        fast_done < Duration::from_secs(3),
        "the other role waited for the slow fetch: {fast_done:?}"
    );
    for r in [a, b, c] {
        let e = r.expect_err("the slow endpoint times out").to_string();
        assert!(
            e.contains("failed while reading the response headers: timed out after 5 s"),
            "{e}"
        );
    }
    assert_eq!(
        slow.load(Ordering::SeqCst),
        1,
        "concurrent cases of one role share one fetch"
    );
    // A later case of the role fails at once with the same error, without asking again.
    let again = Instant::now();
    let e = for_role(&client, &tokens, &target, oneaccess, "default")
        .await
        .expect_err("cached failure")
        .to_string();
    assert!(e.contains("not asked again"), "{e}");
    assert!(again.elapsed() < Duration::from_secs(1));
    assert_eq!(slow.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_to_a_server_that_speaks_no_tls_fails_in_the_tls_phase() {
    let (base, _, _) = raw_server(
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
        Duration::ZERO,
        "GET",
    )
    .await;
    let https = base.replace("http://", "https://");
    let client = Client::new(&Limits::default()).expect("client");
    let e = client
        .send(&https, &get_with_token("/x"))
        .await
        .expect_err("no TLS there");
    let text = contract_harness::exec::error::chain(&e);
    assert!(text.contains("/x failed while negotiating TLS: "), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_connection_fails_in_the_connect_phase() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    let client = Client::new(&Limits::default()).expect("client");
    let e = client
        .send(&base, &get_with_token("/x"))
        .await
        .expect_err("nobody listens");
    let text = contract_harness::exec::error::chain(&e);
    assert!(
        text.contains("/x failed while connecting: error sending request")
            && text.contains("refused"),
        "{text}"
    );
}
