//! Hostile servers on loopback, written here (plain tokio listeners on 127.0.0.1:0): the
//! binary is run against each as a user would (`run`, a target file, a 1 s timeout, a few
//! cases by name filter). Every run must end within a stated bound, with no panic, a non-zero
//! exit, bounded memory, and a message that says what happened (phase and cause).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use contract_harness::mock::Seed;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Every run ends within this (at a 1 s timeout); a run still going is killed and fails.
const RUN_BOUND: Duration = Duration::from_secs(30);

/// Peak memory of a run, at most (the bodies sent are far larger).
const MEMORY_BOUND_KIB: u64 = 256 * 1024;

/// The cases each run selects: a property case (`unknown_org_id`) and single cases.
const FILTER: &str = "oneaccess::disable_organization::invalid::";

const TOKEN_PATH: &str = "/api/v2/tenant/token";

fn rt() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime")
    })
}

/// How a hostile server answers.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Hostile {
    /// Accepts, reads the request, never answers.
    Hang,
    /// Headers, then one body byte per second.
    SlowBody,
    /// Chunked encoding that never ends (a chunk every 50 ms).
    EndlessChunks,
    /// Reads the request, then resets the connection.
    Reset,
    /// Not HTTP.
    Garbage,
    /// 64 MiB of chunked body, as fast as it goes.
    HugeChunked,
    /// A declared 200 MB body.
    HugeDeclared,
    /// `Content-Encoding: gzip` and 6 MiB of compressed-looking bytes.
    GzipBomb,
    /// 1,000 response headers.
    ThousandHeaders,
    /// Content-Length larger than the body, then the connection closes.
    LengthTooLong,
    /// Content-Length shorter than the body sent.
    LengthTooShort,
    /// 307 to another port.
    Redirect(u16),
    /// A well-formed JSON error (500) for everything.
    ServerError,
    /// [`Hostile::ServerError`] after 30 ms.
    SlowServerError,
    /// [`Hostile::ServerError`] after 1 s.
    VerySlowServerError,
    /// A 500 for the first request, then [`Hostile::Hang`].
    FailThenHang,
    /// Token endpoint: a JSON token whose `expires_in` is this text.
    TokenLifetime(&'static str),
    /// Token endpoint: a body that is not JSON.
    TokenMalformed,
}

struct Server {
    port: u16,
    /// Requests read, by whether they went to the token path.
    token_hits: Arc<AtomicUsize>,
    other_hits: Arc<AtomicUsize>,
    /// Body bytes written.
    written: Arc<AtomicU64>,
}

/// A server: `token` answers the token path, `other` every other path.
fn serve(token: Hostile, other: Hostile) -> Server {
    let listener = rt()
        .block_on(TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let token_hits = Arc::new(AtomicUsize::new(0));
    let other_hits = Arc::new(AtomicUsize::new(0));
    let written = Arc::new(AtomicU64::new(0));
    let (t, o, w) = (token_hits.clone(), other_hits.clone(), written.clone());
    rt().spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let (t, o, w) = (t.clone(), o.clone(), w.clone());
            tokio::spawn(async move {
                // Every connection ends within a minute, whatever the client does.
                let _ = tokio::time::timeout(
                    Duration::from_secs(60),
                    connection(stream, token, other, t, o, w),
                )
                .await;
            });
        }
    });
    Server {
        port,
        token_hits,
        other_hits,
        written,
    }
}

/// Reads one request (head and Content-Length body); its path, or `None` at end of stream.
async fn read_request(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > 1 << 20 {
            return None;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    let mut have = buf.len() - head_end;
    while have < length.min(1 << 20) {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        have += n;
    }
    head.split_whitespace().nth(1).map(str::to_string)
}

async fn connection(
    mut stream: TcpStream,
    token: Hostile,
    other: Hostile,
    token_hits: Arc<AtomicUsize>,
    other_hits: Arc<AtomicUsize>,
    written: Arc<AtomicU64>,
) {
    while let Some(path) = read_request(&mut stream).await {
        let (behaviour, n) = if path == TOKEN_PATH {
            (token, token_hits.fetch_add(1, Ordering::SeqCst))
        } else {
            (other, other_hits.fetch_add(1, Ordering::SeqCst))
        };
        let behaviour = match behaviour {
            Hostile::FailThenHang if n == 0 => Hostile::ServerError,
            Hostile::FailThenHang => Hostile::Hang,
            b => b,
        };
        if !answer(&mut stream, behaviour, &written).await {
            return;
        }
    }
}

fn json_response(status: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Answers one request; whether the connection may serve another.
async fn answer(stream: &mut TcpStream, behaviour: Hostile, written: &AtomicU64) -> bool {
    let mut send = async |bytes: &[u8]| -> bool {
        let ok = stream.write_all(bytes).await.is_ok();
        if ok {
            written.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        }
        ok
    };
    match behaviour {
        Hostile::Hang => {
            tokio::time::sleep(Duration::from_secs(60)).await;
            false
        }
        Hostile::SlowBody => {
            let _ = send(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n",
            )
            .await;
            for _ in 0..100 {
                if !send(b" ").await {
                    break;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            false
        }
        Hostile::EndlessChunks => {
            let _ = send(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
            )
            .await;
            for _ in 0..1200 {
                if !send(b"1\r\n \r\n").await {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            false
        }
        Hostile::Reset => {
            #[allow(deprecated)]
            let _ = stream.set_linger(Some(Duration::ZERO));
            false
        }
        Hostile::Garbage => {
            let _ = send(b"SSH-2.0-OpenSSH_9.6 \x00\xff not http at all\r\n\r\n").await;
            false
        }
        Hostile::HugeChunked => {
            let _ = send(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
            )
            .await;
            let mut chunk = b"10000\r\n".to_vec();
            chunk.extend(std::iter::repeat_n(b'7', 0x10000));
            chunk.extend_from_slice(b"\r\n");
            for _ in 0..1024 {
                if !send(&chunk).await {
                    break;
                }
            }
            false
        }
        Hostile::HugeDeclared => {
            let _ = send(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200000000\r\n\r\n[",
            )
            .await;
            let block = vec![b'0'; 1 << 16];
            for _ in 0..3052 {
                if !send(&block).await {
                    break;
                }
            }
            false
        }
        Hostile::GzipBomb => {
            let _ = send(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n",
            )
            .await;
            // gzip magic, deflate, then bytes; the client does not decompress, so what
            // matters is that the raw body is capped.
            let mut first = b"a\r\n".to_vec();
            first.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
            first.extend_from_slice(b"\r\n");
            let _ = send(&first).await;
            let mut chunk = b"10000\r\n".to_vec();
            chunk.extend(std::iter::repeat_n(0u8, 0x10000));
            chunk.extend_from_slice(b"\r\n");
            for _ in 0..96 {
                if !send(&chunk).await {
                    break;
                }
            }
            false
        }
        Hostile::ThousandHeaders => {
            let mut r = b"HTTP/1.1 200 OK\r\n".to_vec();
            for i in 0..1000 {
                r.extend_from_slice(format!("X-Header-{i}: {i}\r\n").as_bytes());
            }
            r.extend_from_slice(b"Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
            let _ = send(&r).await;
            false
        }
        Hostile::LengthTooLong => {
            let _ = send(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"error_code\":\"ORG.0001\"}",
            )
            .await;
            let _ = stream.shutdown().await;
            false
        }
        Hostile::LengthTooShort => {
            let _ = send(
                b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: 12\r\n\r\n{\"error_code\":\"ORG.0001\",\"error_msg\":\"Organization does not exist\"}",
            )
            .await;
            false
        }
        Hostile::Redirect(port) => {
            let r = format!(
                "HTTP/1.1 307 Temporary Redirect\r\nLocation: http://127.0.0.1:{port}/elsewhere\r\nContent-Length: 0\r\n\r\n"
            );
            send(r.as_bytes()).await
        }
        Hostile::ServerError => {
            send(&json_response(
                "500 Internal Server Error",
                r#"{"error_code":"SYS.500","error_msg":"hostile"}"#,
            ))
            .await
        }
        Hostile::TokenLifetime(expires_in) => {
            let body = format!(
                r#"{{"access_token":"hostile-token-1f2e3d","token_type":"Bearer","expires_in":{expires_in}}}"#
            );
            send(&json_response("200 OK", &body)).await
        }
        Hostile::TokenMalformed => {
            send(&json_response("200 OK", r#"{"access_token": "abc", "#)).await
        }
        Hostile::SlowServerError => {
            tokio::time::sleep(Duration::from_millis(30)).await;
            send(&json_response(
                "500 Internal Server Error",
                r#"{"error_code":"SYS.500","error_msg":"hostile"}"#,
            ))
            .await
        }
        Hostile::VerySlowServerError => {
            tokio::time::sleep(Duration::from_secs(1)).await;
            send(&json_response(
                "500 Internal Server Error",
                r#"{"error_code":"SYS.500","error_msg":"hostile"}"#,
            ))
            .await
        }
        Hostile::FailThenHang => false,
    }
}

/// A target file for `port`: the seed's fixtures (a pool of eight leaves), all designated,
/// and a OneAccess `default` credential: a ready token, or a client-credentials flow.
fn target_file(dir: &Path, port: u16, flow: bool) -> PathBuf {
    let seed = Seed::builtin();
    let mut fixtures = serde_json::to_value(&seed.fixtures).expect("fixtures");
    fixtures["oneaccess"]["org_leaf"] = (0..8)
        .map(|i| json!({"org_id": format!("org-leaf-{i}")}))
        .collect();
    let destructive: serde_json::Map<String, serde_json::Value> = seed
        .fixtures
        .iter()
        .map(|(s, f)| (s.clone(), json!(f.keys().cloned().collect::<Vec<_>>())))
        .collect();
    let default = if flow {
        json!({"client_id": "H_CLIENT_ID", "client_secret": "H_CLIENT_SECRET"})
    } else {
        json!({"token": "H_TOKEN"})
    };
    let doc = json!({
        "name": "hostile",
        "base_url": format!("http://127.0.0.1:{port}"),
        "concurrency": 4,
        "fixtures": fixtures,
        "destructive_fixtures": destructive,
        "credentials": {"oneaccess": {"default": default}},
    });
    let path = dir.join("target.yaml");
    std::fs::write(&path, serde_json::to_string_pretty(&doc).expect("json")).expect("write");
    path
}

/// What a run of the binary showed.
#[derive(Debug)]
struct Run {
    name: String,
    code: Option<i32>,
    elapsed: Duration,
    peak_kib: u64,
    output: String,
}

fn peak_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Runs the binary against a server, as a user would, killing it past [`RUN_BOUND`].
fn run(name: &str, port: u16, flow: bool, extra: &[(&str, &str)]) -> Run {
    run_filtered(name, port, flow, FILTER, extra)
}

/// [`run`] with another name filter.
fn run_filtered(name: &str, port: u16, flow: bool, filter: &str, extra: &[(&str, &str)]) -> Run {
    let dir = std::env::temp_dir().join(format!(
        "ch-hostile-{}-{}",
        name.replace(' ', "-"),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let target = target_file(&dir, port, flow);
    let out = std::fs::File::create(dir.join("out")).expect("out");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_contract-harness"));
    cmd.args(["run", "--specs", "specs", "--test-threads", "4", filter])
        .env("CONTRACT_BASE_URL", format!("http://127.0.0.1:{port}"))
        .env("CONTRACT_TARGET", &target)
        .env("CONTRACT_TIMEOUT_SECONDS", "1")
        .env("CONTRACT_SNAPSHOTS", "off")
        .env("H_TOKEN", "hostile-ready-token-5a6b")
        .env("H_CLIENT_ID", "hostile-client")
        .env("H_CLIENT_SECRET", "hostile-secret-9d8c")
        .stdin(Stdio::null())
        .stdout(out.try_clone().expect("clone"))
        .stderr(out);
    for k in [
        "CI",
        "CONTRACT_REPORT_DIR",
        "CONTRACT_MOCK_FAULT",
        "CONTRACT_PROXY",
        "CONTRACT_DEADLINE_SECONDS",
        "CONTRACT_SHRINK_SECONDS",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        cmd.env_remove(k);
    }
    for (k, v) in extra {
        cmd.env(k, v);
    }
    let start = Instant::now();
    let mut child = cmd.spawn().expect("spawn the binary");
    let mut peak = 0;
    let code = loop {
        if let Some(kib) = peak_kib(child.id()) {
            peak = peak.max(kib);
        }
        match child.try_wait() {
            Ok(Some(status)) => break status.code(),
            Ok(None) if start.elapsed() > RUN_BOUND => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => panic!("waiting for the binary: {e}"),
        }
    };
    let elapsed = start.elapsed();
    let mut output = String::new();
    let _ = std::fs::File::open(dir.join("out")).and_then(|mut f| f.read_to_string(&mut output));
    let _ = std::fs::remove_dir_all(&dir);
    Run {
        name: name.to_string(),
        code,
        elapsed,
        peak_kib: peak,
        output,
    }
}

/// What every hostile run must show: bounded time and memory, no panic, never green, and
/// each expected text.
fn assert_hostile(r: &Run, expected: &[&str]) {
    let ctx = format!(
        "scenario `{}` (exit {:?}, {:?}, peak {} KiB):\n{}",
        r.name, r.code, r.elapsed, r.peak_kib, r.output
    );
    assert!(
        r.elapsed < RUN_BOUND && r.code.is_some(),
        "not bounded: {ctx}"
    );
    assert!(!r.output.contains("panicked"), "a panic: {ctx}");
    assert!(
        !r.output.contains("proptest:"),
        "proptest's own messages: {ctx}"
    );
    assert_ne!(r.code, Some(0), "green against a hostile server: {ctx}");
    assert!(r.peak_kib < MEMORY_BOUND_KIB, "memory: {ctx}");
    assert!(
        r.output.contains("test result: FAILED"),
        "the suite ran and failed: {ctx}"
    );
    for e in expected {
        assert!(r.output.contains(e), "expected {e:?} in {ctx}");
    }
}

/// Runs scenarios in parallel threads: (name, server, token flow, expected texts).
fn run_all(scenarios: Vec<(&'static str, &Server, bool, Vec<String>)>) -> Vec<Run> {
    std::thread::scope(|s| {
        let handles: Vec<_> = scenarios
            .iter()
            .map(|(name, server, flow, _)| {
                let port = server.port;
                s.spawn(move || run(name, port, *flow, &[]))
            })
            .collect();
        let runs: Vec<Run> = handles
            .into_iter()
            .map(|h| h.join().expect("scenario thread"))
            .collect();
        for (r, (_, _, _, expected)) in runs.iter().zip(&scenarios) {
            // `--nocapture` shows what each scenario said.
            let said = r
                .output
                .lines()
                .find(|l| l.contains(" failed") || l.contains("HTTP "))
                .unwrap_or_default();
            println!(
                "{} ({:.1?}, peak {} KiB): {}",
                r.name,
                r.elapsed,
                r.peak_kib,
                said.trim()
            );
            let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
            assert_hostile(r, &expected);
        }
        runs
    })
}

#[test]
fn operation_servers_that_misbehave_end_each_case_precisely_and_in_bounded_time() {
    let landing = serve(Hostile::ServerError, Hostile::ServerError);
    let servers = [
        ("hang", serve(Hostile::Hang, Hostile::Hang)),
        ("slow body", serve(Hostile::SlowBody, Hostile::SlowBody)),
        (
            "endless chunks",
            serve(Hostile::EndlessChunks, Hostile::EndlessChunks),
        ),
        ("reset", serve(Hostile::Reset, Hostile::Reset)),
        ("garbage", serve(Hostile::Garbage, Hostile::Garbage)),
        (
            "huge chunked",
            serve(Hostile::HugeChunked, Hostile::HugeChunked),
        ),
        (
            "huge declared",
            serve(Hostile::HugeDeclared, Hostile::HugeDeclared),
        ),
        ("gzip bomb", serve(Hostile::GzipBomb, Hostile::GzipBomb)),
        (
            "1000 headers",
            serve(Hostile::ThousandHeaders, Hostile::ThousandHeaders),
        ),
        (
            "length too long",
            serve(Hostile::LengthTooLong, Hostile::LengthTooLong),
        ),
        (
            "length too short",
            serve(Hostile::LengthTooShort, Hostile::LengthTooShort),
        ),
        (
            "redirect",
            serve(
                Hostile::Redirect(landing.port),
                Hostile::Redirect(landing.port),
            ),
        ),
    ];
    let at = |s: &Server| format!("http://127.0.0.1:{}/api/v2/tenant/organizations/", s.port);
    let expect: Vec<Vec<String>> = servers
        .iter()
        .map(|(name, s)| {
            let url = at(s);
            let texts: Vec<&str> = match *name {
                "hang" => vec!["failed while reading the response headers: timed out after 1 s"],
                "slow body" | "endless chunks" => {
                    vec!["failed while reading the body: timed out after 1 s"]
                }
                "reset" => vec!["failed while reading the response headers: error sending request"],
                "garbage" => vec![
                    "failed while reading the response headers: error sending request",
                    "invalid HTTP",
                ],
                "huge chunked" | "gzip bomb" => vec![
                    "failed while reading the body: the response body is more than 4194304 bytes",
                ],
                "huge declared" => vec![
                    "failed while reading the body: the response body is more than 4194304 bytes (Content-Length: 200000000)",
                ],
                "1000 headers" => vec![
                    "failed while reading the response headers: error sending request",
                    "too large",
                ],
                "length too long" => vec!["failed while reading the body: error decoding response body"],
                "length too short" => vec!["contract violation", "HTTP 400"],
                "redirect" => vec!["contract violation", "HTTP 307"],
                _ => vec![],
            };
            let mut texts: Vec<String> = texts.into_iter().map(str::to_string).collect();
            if !matches!(*name, "length too short" | "redirect") {
                texts.push(url);
                texts.push("harness error (not a verdict on the server)".into());
            }
            texts
        })
        .collect();
    let scenarios = servers
        .iter()
        .zip(expect)
        .map(|((name, s), e)| (*name, s, false, e))
        .collect();
    run_all(scenarios);
    // A property case ends at its first transport failure: one request per case at most
    // (nine cases match the filter), never hundreds of shrink steps.
    for (name, s) in servers
        .iter()
        .filter(|(n, _)| !matches!(*n, "length too short" | "redirect"))
    {
        let hits = s.other_hits.load(Ordering::SeqCst);
        assert!(
            (1..=12).contains(&hits),
            "{name}: {hits} requests for nine cases"
        );
    }
    for name in ["huge chunked", "huge declared"] {
        let s = &servers.iter().find(|(n, _)| *n == name).expect("server").1;
        let sent = s.written.load(Ordering::Relaxed);
        let hits = s.other_hits.load(Ordering::SeqCst) as u64;
        // Each response offers 64 MiB or more; the harness stops reading past 4 MiB (socket
        // buffers take a few more).
        assert!(
            sent < hits * (16 << 20),
            "{name}: the harness stopped reading ({hits} responses, {sent} bytes written)"
        );
    }
    assert_eq!(
        landing.other_hits.load(Ordering::SeqCst),
        0,
        "a redirect to another port is not followed"
    );
}

#[test]
fn token_endpoints_that_misbehave_fail_once_per_role_and_never_panic() {
    let token_failure = "obtaining a oneaccess token for `default` failed: POST http://127.0.0.1";
    let servers = [
        ("token hang", serve(Hostile::Hang, Hostile::ServerError)),
        (
            "token huge",
            serve(Hostile::HugeChunked, Hostile::ServerError),
        ),
        (
            "token malformed",
            serve(Hostile::TokenMalformed, Hostile::ServerError),
        ),
        (
            "token u64::MAX",
            serve(
                Hostile::TokenLifetime("18446744073709551615"),
                Hostile::ServerError,
            ),
        ),
        (
            "token negative",
            serve(Hostile::TokenLifetime("-3600"), Hostile::ServerError),
        ),
        (
            "token float",
            serve(Hostile::TokenLifetime("1.5e300"), Hostile::ServerError),
        ),
    ];
    let expect = |name: &str| -> Vec<String> {
        let texts: Vec<String> = match name {
            "token hang" => vec![
                token_failure.into(),
                "/api/v2/tenant/token failed while reading the response headers: timed out after 1 s".into(),
                "the token endpoint is not asked again in this run".into(),
            ],
            "token huge" => vec![
                token_failure.into(),
                "failed while reading the body: the response body is more than 4194304 bytes".into(),
            ],
            "token malformed" => vec![
                "obtaining a oneaccess token for `default` failed: HTTP 200 from http://127.0.0.1".into(),
                "the body is not JSON".into(),
            ],
            // The token is taken, whatever its lifetime; the operation answers 500.
            _ => vec!["contract violation".into(), "HTTP 500".into()],
        };
        texts
    };
    let scenarios = servers
        .iter()
        .map(|(name, s)| (*name, s, true, expect(name)))
        .collect();
    let runs = run_all(scenarios);
    for ((name, s), r) in servers.iter().zip(&runs) {
        let token_hits = s.token_hits.load(Ordering::SeqCst);
        match *name {
            // A failing token endpoint is asked once, whatever the number of cases.
            "token hang" | "token huge" | "token malformed" => {
                assert_eq!(
                    token_hits, 1,
                    "{name}: asked {token_hits} times\n{}",
                    r.output
                );
                assert!(
                    !r.output.contains("contract violation"),
                    "{name}: a token failure is no verdict on the server\n{}",
                    r.output
                );
            }
            // A negative lifetime means "already expired": fetched again when needed.
            "token negative" => assert!(token_hits >= 1, "{name}"),
            // Huge lifetimes are clamped and cached: one fetch.
            _ => assert_eq!(token_hits, 1, "{name}: asked {token_hits} times"),
        }
    }
}

#[test]
fn proxy_variables_of_the_environment_are_ignored_for_loopback() {
    let proxy = serve(Hostile::ServerError, Hostile::ServerError);
    let server = serve(Hostile::ServerError, Hostile::ServerError);
    let proxy_url = format!("http://127.0.0.1:{}", proxy.port);
    let r = run(
        "proxy env",
        server.port,
        false,
        &[
            ("HTTP_PROXY", proxy_url.as_str()),
            ("http_proxy", proxy_url.as_str()),
            ("ALL_PROXY", proxy_url.as_str()),
            ("NO_PROXY", ""),
        ],
    );
    assert_hostile(&r, &["contract violation", "HTTP 500"]);
    assert!(server.other_hits.load(Ordering::SeqCst) > 0, "{}", r.output);
    assert_eq!(
        proxy.other_hits.load(Ordering::SeqCst) + proxy.token_hits.load(Ordering::SeqCst),
        0,
        "the proxy saw a request (with the token)"
    );
    // Even CONTRACT_PROXY, the only proxy setting honoured, is never used for loopback.
    let r = run(
        "contract proxy",
        server.port,
        false,
        &[("CONTRACT_PROXY", proxy_url.as_str())],
    );
    assert_hostile(&r, &["contract violation"]);
    assert_eq!(proxy.other_hits.load(Ordering::SeqCst), 0);
}

#[test]
fn a_run_past_its_deadline_reports_unstarted_cases_as_not_run() {
    let server = serve(Hostile::Hang, Hostile::Hang);
    let r = run(
        "deadline",
        server.port,
        false,
        &[
            ("CONTRACT_DEADLINE_SECONDS", "0.5"),
            ("CONTRACT_TIMEOUT_SECONDS", "2"),
        ],
    );
    assert_hostile(
        &r,
        &["not run: the run's deadline of 0.5 s (CONTRACT_DEADLINE_SECONDS) passed before"],
    );
    assert!(
        !r.output.contains(" ... ok"),
        "nothing passes: {}",
        r.output
    );
    // A case under way stops at the deadline too: shrinking this violation fully takes 27
    // steps of 1 s each, and no budget stops it first.
    let slow = serve(Hostile::ServerError, Hostile::VerySlowServerError);
    let r = run_filtered(
        "deadline while shrinking",
        slow.port,
        false,
        PROPERTY,
        &[
            ("CONTRACT_DEADLINE_SECONDS", "3"),
            ("CONTRACT_SHRINK_SECONDS", "600"),
            ("CONTRACT_TIMEOUT_SECONDS", "5"),
        ],
    );
    assert_hostile(&r, &[]);
    assert!(
        r.output.contains(
            "shrinking stopped when the run's deadline (CONTRACT_DEADLINE_SECONDS) passed"
        ) || r.output.contains("not run: the run's deadline of 3 s"),
        "{}",
        r.output
    );
    assert!(r.elapsed < Duration::from_secs(15), "{:?}", r.elapsed);
    for (var, value) in [
        ("CONTRACT_DEADLINE_SECONDS", "soon"),
        ("CONTRACT_SHRINK_SECONDS", "-1"),
        ("CONTRACT_PROXY", "proxy.example:3128"),
        ("CONTRACT_SEED", "0xC0FFEG"),
        ("CONTRACT_PROPTEST_CASES", "many"),
        ("CONTRACT_CONCURRENCY", "0"),
        ("CONTRACT_BASE_URL", "htp://ci:hunter2@staging"),
    ] {
        let r = run("malformed", server.port, false, &[(var, value)]);
        assert_eq!(r.code, Some(2), "{}", r.output);
        let expected = match var {
            "CONTRACT_PROXY" => "an http:// or https:// proxy URL",
            "CONTRACT_SEED" => "a seed as the reproduce lines print it",
            "CONTRACT_PROPTEST_CASES" => "a whole number of inputs per property",
            "CONTRACT_CONCURRENCY" => "a whole number of at least 1",
            "CONTRACT_BASE_URL" => "an http:// or https:// URL with a host",
            _ => "a positive number of seconds",
        };
        assert!(
            r.output
                .contains(&format!("error: {var} must be {expected}")),
            "{}",
            r.output
        );
        // One error at start: no case ran, and a URL's password is never echoed.
        assert!(!r.output.contains("test result"), "{}", r.output);
        assert!(!r.output.contains("hunter2"), "{}", r.output);
    }
}

/// The property case alone: `unknown_org_id` of `disable_organization`.
const PROPERTY: &str = "oneaccess::disable_organization::invalid::unknown_org_id";

#[test]
fn shrinking_keeps_to_its_budget_and_stops_at_a_transport_failure() {
    // Every answer is a 500 after 30 ms: a violation, shrunk until the budget of 50 ms runs
    // out (shrinking it fully takes 27 steps).
    let failing = serve(Hostile::ServerError, Hostile::SlowServerError);
    let r = run_filtered(
        "shrink budget",
        failing.port,
        false,
        PROPERTY,
        &[("CONTRACT_SHRINK_SECONDS", "0.05")],
    );
    assert_hostile(
        &r,
        &[
            "contract violation in oneaccess::disable_organization::invalid::unknown_org_id",
            "shrinking stopped when its budget of 0.05 s (CONTRACT_SHRINK_SECONDS) ran out, after",
            "this is the smallest failing input found so far",
            "minimal input (after",
        ],
    );
    // A violation, then no answer: the case ends at the first shrink step that times out,
    // as a harness error (before, each of up to 512 steps waited for the full timeout).
    let flaky = serve(Hostile::ServerError, Hostile::FailThenHang);
    let r = run_filtered("fail then hang", flaky.port, false, PROPERTY, &[]);
    assert_hostile(
        &r,
        &[
            "harness error (not a verdict on the server) in oneaccess::disable_organization::invalid::unknown_org_id",
            "failed while reading the response headers: timed out after 1 s",
            "this ended the case while shrinking a contract violation (not_a_server_error",
            "with no answer to judge, no verdict is given",
        ],
    );
    assert_eq!(
        flaky.other_hits.load(Ordering::SeqCst),
        2,
        "one violation, one shrink step that got no answer"
    );
}
