//! The standalone mock facing clients that misbehave, over real loopback sockets: a client that
//! never finishes its headers is dropped at the header-read timeout, a declared oversize body
//! gets 413 before a byte of it is sent, and connections beyond the limit wait until one ends.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use contract_harness::mock::{MockConfig, MockServer, Seed, ServeLimits};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

fn start(rt: &tokio::runtime::Runtime, limits: ServeLimits) -> MockServer {
    let mut config = MockConfig::new(Arc::new(Seed::builtin()));
    config.limits = limits;
    rt.block_on(MockServer::start(&config, ([127, 0, 0, 1], 0).into()))
        .expect("mock")
}

fn connect(server: &MockServer) -> TcpStream {
    let addr = server.base_url().trim_start_matches("http://").to_string();
    let s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    s
}

/// Reads until the peer closes or the read times out; what came, and whether it closed.
fn read_to_close(s: &mut TcpStream) -> (String, bool) {
    let mut all = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return (String::from_utf8_lossy(&all).into_owned(), true),
            Ok(n) => all.extend_from_slice(&buf[..n]),
            Err(_) => return (String::from_utf8_lossy(&all).into_owned(), false),
        }
    }
}

#[test]
fn a_client_that_never_finishes_its_headers_is_dropped() {
    let rt = runtime();
    let server = start(
        &rt,
        ServeLimits {
            header_read_timeout: Duration::from_secs(1),
            max_connections: 16,
        },
    );
    let mut s = connect(&server);
    let start = Instant::now();
    s.write_all(b"POST /api/v2/tenant/token HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .expect("write");
    let (_, closed) = read_to_close(&mut s);
    assert!(closed, "the server closed the connection");
    assert!(
        start.elapsed() < Duration::from_secs(8),
        "dropped after {:?}",
        start.elapsed()
    );
}

#[test]
fn a_declared_oversize_body_is_refused_before_it_is_sent() {
    let rt = runtime();
    let server = start(&rt, ServeLimits::default());
    let mut s = connect(&server);
    s.write_all(
        b"POST /api/v2/tenant/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000000000\r\n\r\n",
    )
    .expect("write");
    let mut buf = [0u8; 512];
    let n = s.read(&mut buf).expect("an answer without the body");
    let head = String::from_utf8_lossy(&buf[..n]);
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
}

#[test]
fn connections_beyond_the_limit_wait_until_one_ends() {
    let rt = runtime();
    let server = start(
        &rt,
        ServeLimits {
            header_read_timeout: Duration::from_secs(30),
            max_connections: 2,
        },
    );
    // Two idle connections hold both places.
    let first = connect(&server);
    let second = connect(&server);
    std::thread::sleep(Duration::from_millis(200));
    let mut third = connect(&server);
    third
        .set_read_timeout(Some(Duration::from_millis(700)))
        .expect("timeout");
    third
        .write_all(b"GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .expect("write");
    let mut buf = [0u8; 256];
    assert!(
        third.read(&mut buf).is_err(),
        "the third connection is not served while two are open"
    );
    drop(first);
    third
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let (answer, _) = read_to_close(&mut third);
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
    drop(second);
}
