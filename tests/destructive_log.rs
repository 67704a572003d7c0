//! Destructive requests touch only designated data: a full live run of the shipped specs (all
//! five operations, every case kind, generated inputs and their shrinking included) against a
//! loopback server written here, which logs every request and answers plausibly (the three
//! token flows, and a vendor-shaped 400 for everything else, so that properties fail and
//! shrink). Every value a destructive request names — a path parameter or a string of its body
//! — must be a designated fixture's value (possibly padded with spaces), a value the harness
//! marked as generated (`contract-harness-…`), or blank.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

mod support;

type Log = Arc<Mutex<Vec<(String, String, Vec<u8>)>>>;

fn read_request(stream: &TcpStream) -> Option<(String, String, Vec<u8>)> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut first = String::new();
    reader.read_line(&mut first).ok()?;
    let mut parts = first.split_whitespace();
    let (method, target) = (parts.next()?.to_string(), parts.next()?.to_string());
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length.min(8 << 20)];
    reader.read_exact(&mut body).ok()?;
    Some((method, target, body))
}

fn answer(method: &str, target: &str) -> (String, String, String) {
    let json = "application/json";
    if method == "POST" && target.starts_with("/api/v2/tenant/token") {
        let b = json!({"access_token": "log-token-1", "token_type": "Bearer", "expires_in": 3600});
        return ("200 OK".into(), String::new(), b.to_string());
    }
    if method == "POST" && target.starts_with("/v3/auth/tokens") {
        return (
            "201 Created".into(),
            "X-Subject-Token: log-iam-token-1\r\n".into(),
            "{}".into(),
        );
    }
    if method == "POST" && target.starts_with("/apim-token-service/") {
        let b = json!({"status": 0, "msg": "SUCCESS", "data": {"accessToken": "log-enos-1", "expire": 7200}});
        return ("200 OK".into(), String::new(), b.to_string());
    }
    let _ = json;
    let b = json!({"error_code": "LOG.0400", "error_msg": "refused", "code": 31400, "message": "refused", "data": null});
    ("400 Bad Request".into(), String::new(), b.to_string())
}

fn logging_server(log: Log) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(50_000) {
            let Ok(mut stream) = stream else { continue };
            let log = Arc::clone(&log);
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let Some((method, target, body)) = read_request(&stream) else {
                    return;
                };
                let (status, headers, text) = answer(&method, &target);
                log.lock().expect("log").push((method, target, body));
                let response = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: application/json;charset=UTF-8\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{text}",
                    text.len()
                );
                let _ = stream.write_all(response.as_bytes());
            });
        }
    });
    port
}

/// The seed's fixtures, each as a pool of identical entries (the server keeps no state, so
/// every consuming case can have one), all designated.
fn target_file(dir: &Path) -> (std::path::PathBuf, BTreeSet<String>) {
    let seed: Value =
        serde_json::to_value(serde_saphyr_seed_fixtures().expect("seed fixtures")).expect("json");
    let mut designated = BTreeSet::new();
    let mut fixtures = serde_json::Map::new();
    let mut destructive = serde_json::Map::new();
    for (service, fs) in seed.as_object().into_iter().flatten() {
        let mut pools = serde_json::Map::new();
        for (name, values) in fs.as_object().into_iter().flatten() {
            for v in values.as_object().into_iter().flatten().map(|(_, v)| v) {
                if let Some(s) = v.as_str() {
                    designated.insert(s.to_string());
                }
            }
            pools.insert(name.clone(), Value::Array(vec![values.clone(); 60]));
        }
        destructive.insert(service.clone(), json!(pools.keys().collect::<Vec<_>>()));
        fixtures.insert(service.clone(), Value::Object(pools));
    }
    let doc = json!({
        "name": "request-log",
        "timeout_seconds": 5,
        "concurrency": 4,
        "fixtures": fixtures,
        "destructive_fixtures": destructive,
        "credentials": support::live::credentials()
    });
    let path = dir.join("target.yaml");
    std::fs::write(&path, serde_json::to_string_pretty(&doc).expect("json")).expect("target");
    (path, designated)
}

/// The built-in seed's fixtures, read from the seed file the mock ships.
fn serde_saphyr_seed_fixtures() -> Option<Value> {
    let seed = contract_harness::mock::Seed::builtin();
    serde_json::to_value(&seed.fixtures).ok()
}

/// Percent-decodes a path segment.
fn decode(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8_lossy()
        .into_owned()
}

/// The values a request names: the path parameters of `template` and the strings of a JSON
/// body (top level and inside lists); `None` when the request is not of this operation.
fn named_values(template: &str, path: &str, body: &[u8]) -> Option<Vec<String>> {
    let path = path.split('?').next().unwrap_or_default();
    let want: Vec<&str> = template.split('/').collect();
    let got: Vec<&str> = path.split('/').collect();
    if want.len() != got.len() {
        return None;
    }
    let mut values = Vec::new();
    for (w, g) in want.iter().zip(&got) {
        if w.starts_with('{') {
            values.push(decode(g));
        } else if w != g {
            return None;
        }
    }
    if let Ok(Value::Object(m)) = serde_json::from_slice::<Value>(body) {
        for v in m.values() {
            match v {
                Value::String(s) => values.push(s.clone()),
                Value::Array(items) => {
                    values.extend(items.iter().filter_map(|i| i.as_str().map(str::to_string)));
                }
                _ => {}
            }
        }
    }
    Some(values)
}

#[test]
fn destructive_requests_name_only_designated_or_marked_values() {
    let dir = std::env::temp_dir().join(format!("ch-destructive-log-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let log: Log = Arc::default();
    let port = logging_server(Arc::clone(&log));
    let (target, designated) = target_file(&dir);
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_contract-harness"))
        .args(["run", "--specs", "specs", "--test-threads", "2"])
        .env_remove("CI")
        .env("CONTRACT_BASE_URL", format!("http://127.0.0.1:{port}"))
        .env("CONTRACT_TARGET", &target)
        .env("CONTRACT_SNAPSHOTS", "off")
        .env("CONTRACT_PROPTEST_CASES", "8")
        .env("CONTRACT_SHRINK_SECONDS", "1")
        .envs(support::live::ENV.iter().copied())
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("panicked"), "{stdout}");
    assert!(start.elapsed() < Duration::from_secs(300), "bounded");

    let specs = contract_harness::contract::load(Path::new("specs")).expect("specs");
    let destructive: Vec<(String, String)> = specs
        .specs
        .operations
        .iter()
        .filter(|o| o.destructive)
        .map(|o| {
            let base = specs
                .specs
                .services
                .get(&o.service)
                .map(|s| s.base_path.clone())
                .unwrap_or_default();
            (o.method.to_uppercase(), format!("{base}{}", o.path))
        })
        .collect();
    assert_eq!(destructive.len(), 5, "all five operations are destructive");

    let log = log.lock().expect("log").clone();
    let mut checked = 0;
    let mut per_operation = vec![0; destructive.len()];
    let mut offending = Vec::new();
    for (method, path, body) in &log {
        for (i, (m, template)) in destructive.iter().enumerate() {
            if m != method {
                continue;
            }
            let Some(values) = named_values(template, path, body) else {
                continue;
            };
            checked += 1;
            per_operation[i] += 1;
            for v in values {
                let t = v.trim();
                let allowed =
                    t.is_empty() || designated.contains(t) || v.starts_with("contract-harness-");
                if !allowed {
                    let short = |t: &str| t.chars().take(120).collect::<String>();
                    offending.push(format!(
                        "{method} {} {}: names {:?}",
                        short(path),
                        short(&String::from_utf8_lossy(body)),
                        short(&v)
                    ));
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!(
        "{} requests logged, {checked} destructive ones checked ({per_operation:?} per operation)",
        log.len()
    );
    assert!(
        per_operation.iter().all(|n| *n >= 20),
        "every operation was exercised: {per_operation:?} of {} requests\n{stdout}",
        log.len()
    );
    assert!(
        offending.is_empty(),
        "{} of {checked} destructive requests name values outside the designated fixtures:\n{}",
        offending.len(),
        offending
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
