//! No secret leaks, whatever a server echoes: a property test generates credentials over a wide
//! alphabet (punctuation such as `/+=&%"\`, spaces, non-ASCII), gives them to the harness as
//! a client secret, a ready token and `user:password@` userinfo of the base URL, and runs it
//! against a loopback server written here that echoes every secret it knows or received in
//! every place it can: the status line's reason phrase, headers, `Location`, JSON keys and
//! values, PHP's `\/` escaping, `\uXXXX` escapes, form and percent encoding, base64 and hex.
//! Nothing the run writes — stdout, stderr, the JUnit and Markdown reports, snapshots — may
//! contain any of those spellings. The server also checks that userinfo never becomes a Basic
//! header.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use contract_harness::secret_forms::forms;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// The spellings the test itself knows, computed independently of the harness, plus the
/// harness's own list (base64, hex, `\uXXXX`).
fn spellings(secret: &str) -> Vec<String> {
    let json = serde_json::to_string(secret).expect("json");
    let json = json[1..json.len() - 1].to_string();
    let percent = percent_encoding::utf8_percent_encode(secret, percent_encoding::NON_ALPHANUMERIC)
        .to_string();
    let form = serde_urlencoded::to_string([("k", secret)]).expect("form")[2..].to_string();
    let mut all = vec![
        secret.to_string(),
        json.replace('/', "\\/"),
        json,
        percent.to_lowercase(),
        percent,
        form,
        hex::encode(secret),
    ];
    all.extend(forms(secret));
    all.retain(|s| s.len() >= 4);
    all.sort();
    all.dedup();
    all
}

/// `\uXXXX` for every non-ASCII character and `\/` for `/`, as PHP's `json_encode` writes.
fn php_json(secret: &str) -> String {
    let mut s = String::new();
    for c in secret.chars() {
        match c {
            '/' => s.push_str("\\/"),
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            c if c.is_ascii() => s.push(c),
            c => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    s.push_str(&format!("\\u{u:04x}"));
                }
            }
        }
    }
    s
}

struct Echo {
    port: u16,
    /// `Authorization` headers received.
    authorizations: Arc<Mutex<Vec<String>>>,
}

/// Reads one request: its head lines and body.
fn read_request(stream: &TcpStream) -> Option<(Vec<String>, Vec<u8>)> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut head = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end().to_string();
        if line.is_empty() {
            break;
        }
        head.push(line);
    }
    let length: usize = head
        .iter()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length.min(1 << 20)];
    reader.read_exact(&mut body).ok()?;
    Some((head, body))
}

/// A server that echoes `secrets` (and what it received) everywhere it can.
fn echo_server(secrets: Vec<String>, token: String) -> Echo {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let authorizations = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&authorizations);
    std::thread::spawn(move || {
        for stream in listener.incoming().take(500) {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let Some((head, body)) = read_request(&stream) else {
                continue;
            };
            let auth = head
                .iter()
                .filter_map(|l| l.split_once(':'))
                .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
                .map(|(_, v)| v.trim().to_string());
            if let Some(a) = &auth {
                seen.lock().expect("lock").push(a.clone());
            }
            let received = String::from_utf8_lossy(&body).into_owned();
            let is_token = head.first().is_some_and(|l| l.contains("/tenant/token"));
            let mut json = serde_json::Map::new();
            let mut headers = String::new();
            let mut reason = String::from("Bad Request");
            // What the request carried: the whole header and the bearer token alone.
            let bearer = auth
                .as_deref()
                .and_then(|a| a.strip_prefix("Bearer "))
                .map(str::to_string);
            for (i, s) in secrets
                .iter()
                .chain(auth.iter())
                .chain(bearer.iter())
                .enumerate()
            {
                let percent =
                    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC)
                        .to_string();
                json.insert(s.clone(), serde_json::json!(format!("key-{i}")));
                json.insert(format!("raw{i}"), serde_json::json!(s));
                json.insert(format!("hex{i}"), serde_json::json!(hex::encode(s)));
                json.insert(format!("pct{i}"), serde_json::json!(percent));
                for (j, f) in forms(s).into_iter().enumerate() {
                    json.insert(format!("form{i}_{j}"), serde_json::json!(f));
                }
                headers.push_str(&format!(
                    "X-Echo-{i}: {percent}\r\nX-Hex-{i}: {}\r\n",
                    hex::encode(s)
                ));
                headers.push_str(&format!(
                    "Location: http://127.0.0.1:{port}/x?s={percent}\r\n"
                ));
                reason = format!("Bad {percent}");
            }
            json.insert("received".into(), serde_json::json!(received));
            let mut text = serde_json::Value::Object(json).to_string();
            // PHP-style spellings, spliced in as raw JSON text.
            let php: Vec<String> = secrets
                .iter()
                .map(|s| format!("\"{}\"", php_json(s)))
                .collect();
            text.insert_str(1, &format!("\"php\":[{}],", php.join(",")));
            let (status, body) = if is_token {
                (
                    "200 OK".to_string(),
                    format!(
                        "{{\"access_token\":{},\"token_type\":\"Bearer\",\"expires_in\":3600,\"echo\":{text}}}",
                        serde_json::json!(token)
                    ),
                )
            } else if auth.is_none() {
                (format!("401 {reason}"), text)
            } else {
                (format!("400 {reason}"), text)
            };
            let response = format!(
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes());
        }
    });
    Echo {
        port,
        authorizations,
    }
}

fn read_all(dir: &Path, out: &mut String) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = entry.path();
        if p.is_dir() {
            read_all(&p, out);
        } else if let Ok(text) = std::fs::read_to_string(&p) {
            out.push_str(&text);
        }
    }
}

const TARGET: &str = "name: echo
timeout_seconds: 5
fixtures:
  oneaccess:
    org_leaf: { org_id: org-leaf }
destructive_fixtures:
  oneaccess: [org_leaf]
credentials:
  oneaccess:
    default: { client_id: ECHO_CLIENT_ID, client_secret: ECHO_CLIENT_SECRET }
    expired: { token: ECHO_EXPIRED_TOKEN }
";

/// Runs two slices of the suite against the echo server; everything the runs wrote.
fn run_against_echo(
    dir: &Path,
    secret: &str,
    expired: &str,
    password: &str,
    token: &str,
) -> String {
    // The token is echoed only by requests that carry it (a server cannot echo what it was
    // not sent); the other secrets are the run's own from the start.
    let echo = echo_server(
        vec![
            secret.to_string(),
            expired.to_string(),
            password.to_string(),
        ],
        token.to_string(),
    );
    let target = dir.join("target.yaml");
    std::fs::write(&target, TARGET).expect("target");
    let userinfo: String =
        percent_encoding::utf8_percent_encode(password, percent_encoding::NON_ALPHANUMERIC)
            .to_string();
    let base = format!("http://deployer:{userinfo}@127.0.0.1:{}", echo.port);
    let mut all = String::new();
    for filter in [
        "oneaccess::delete_organization::auth::",
        "oneaccess::delete_organization::error::ORG.0001",
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_contract-harness"))
            .args(["run", "--specs", "specs", filter])
            .env_remove("CI")
            .env("CONTRACT_BASE_URL", &base)
            .env("CONTRACT_TARGET", &target)
            .env("CONTRACT_REPORT_DIR", dir.join("reports"))
            .env("CONTRACT_SNAPSHOT_DIR", dir.join("snapshots"))
            .env("CONTRACT_SNAPSHOTS", "update")
            .env("ECHO_CLIENT_ID", "echo-client")
            .env("ECHO_CLIENT_SECRET", secret)
            .env("ECHO_EXPIRED_TOKEN", expired)
            .output()
            .expect("run");
        all.push_str(&String::from_utf8_lossy(&out.stdout));
        all.push_str(&String::from_utf8_lossy(&out.stderr));
        read_all(&dir.join("reports"), &mut all);
    }
    read_all(&dir.join("snapshots"), &mut all);
    let auths = echo.authorizations.lock().expect("lock").clone();
    assert!(!auths.is_empty(), "the runs reached the server:\n{all}");
    assert!(
        auths.iter().all(|a| !a.starts_with("Basic")),
        "userinfo was sent as a Basic header"
    );
    all
}

fn secret_strategy() -> impl Strategy<Value = String> {
    let alphabet: Vec<char> = "abcXYZ0189/+=&%\"\\ ?#:@'<>{}[]~`!$^*()_-.,;éü日本🙂"
        .chars()
        .collect();
    proptest::collection::vec(proptest::sample::select(alphabet), 8..24)
        .prop_map(|v| v.into_iter().collect())
}

fn token_strategy() -> impl Strategy<Value = String> {
    // A token travels in a header: visible ASCII only.
    let alphabet: Vec<char> = "abcXYZ0189/+=-._~!$&'*^|".chars().collect();
    proptest::collection::vec(proptest::sample::select(alphabet), 12..32)
        .prop_map(|v| v.into_iter().collect())
}

#[test]
fn no_secret_reaches_any_output_in_any_spelling() {
    let cases: u32 = std::env::var("SECRET_ECHO_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(10);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 16,
        ..Config::default()
    });
    let strategy = (
        secret_strategy(),
        secret_strategy(),
        secret_strategy(),
        token_strategy(),
    );
    let round = std::sync::atomic::AtomicU32::new(0);
    let result = runner.run(&strategy, |(secret, expired, password, token)| {
        let n = round.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir: PathBuf =
            std::env::temp_dir().join(format!("ch-secret-echo-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let written = run_against_echo(&dir, &secret, &expired, &password, &token);
        let _ = std::fs::remove_dir_all(&dir);
        for s in [&secret, &expired, &password, &token] {
            for spelling in spellings(s) {
                prop_assert!(
                    !written.contains(&spelling),
                    "`{}` (a spelling of a secret) was written:\n{}",
                    spelling,
                    written
                        .lines()
                        .filter(|l| l.contains(&spelling))
                        .take(5)
                        .collect::<Vec<_>>()
                        .join("\n")
                );
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
