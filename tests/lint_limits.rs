//! Lint on hostile spec files: a mapping with 40,000 keys is checked for duplicates in linear
//! time (it took 10 s when the check was quadratic), and a file that is not UTF-8 is reported
//! at the line and column of its first bad byte.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// A service directory copied from a golden spec, with `file` replaced by `content`.
fn service_with(tag: &str, content: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ch-lint-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let svc = dir.join("svc");
    std::fs::create_dir_all(&svc).expect("dir");
    let golden = Path::new("tests/golden/specs/unknown_field/svc");
    std::fs::copy(golden.join("service.yaml"), svc.join("service.yaml")).expect("service");
    std::fs::write(svc.join("delete_thing.yaml"), content).expect("spec");
    dir
}

fn lint(dir: &Path) -> (Option<i32>, String, Duration) {
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_contract-harness"))
        .arg("lint")
        .arg(dir)
        .output()
        .expect("lint");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), text, start.elapsed())
}

#[test]
fn forty_thousand_keys_are_checked_in_linear_time() {
    let mut yaml = String::from("id: delete_thing\nhuge:\n");
    for i in 0..40_000 {
        yaml.push_str(&format!("  key{i}: {i}\n"));
    }
    yaml.push_str("  key17: again\n");
    let dir = service_with("keys", yaml.as_bytes());
    let (code, text, took) = lint(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("duplicate") && text.contains("key17") && text.contains(":40003:3"),
        "{}",
        &text[..text.len().min(2000)]
    );
    assert!(took < Duration::from_secs(4), "took {took:?}");
}

#[test]
fn a_file_that_is_not_utf8_is_reported_at_its_first_bad_byte() {
    let dir = service_with("utf8", b"id: delete_thing\nsummary: caf\xe9 au lait\n");
    let (code, text, _) = lint(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("error[not-utf8]: byte 0xE9 at offset 29 is not UTF-8"),
        "{text}"
    );
    assert!(text.contains("svc/delete_thing.yaml:2:13"), "{text}");
}
