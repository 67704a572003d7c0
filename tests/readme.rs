//! The README stays true: no link or path in it leaves the repository, every command in a block
//! marked `<!-- runnable -->` runs and succeeds, every `CONTRACT_*` variable it names is read by
//! the code (and every one the code reads is documented), and its test command is what CI runs.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn readme() -> String {
    std::fs::read_to_string(root().join("README.md")).expect("README.md")
}

/// The lines of every fenced block that follows a `<!-- runnable -->` marker.
fn runnable_commands(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim() != "<!-- runnable -->" {
            continue;
        }
        let fence = lines.next().unwrap_or_default();
        assert!(
            fence.starts_with("```"),
            "a runnable marker must precede a fenced block"
        );
        for l in lines.by_ref() {
            if l.starts_with("```") {
                break;
            }
            let command = l.split(" #").next().unwrap_or_default().trim();
            if !command.is_empty() {
                out.push(command.to_string());
            }
        }
    }
    out
}

#[test]
fn every_runnable_command_runs() {
    let commands = runnable_commands(&readme());
    assert!(
        commands.iter().any(|c| c == "cargo run -- run"),
        "the main job is marked runnable: {commands:?}"
    );
    for command in &commands {
        // `cargo run -- ARGS` is the binary with ARGS (cargo itself cannot run inside cargo test).
        let args = command
            .strip_prefix("cargo run -- ")
            .or_else(|| command.strip_prefix("contract-harness "))
            .unwrap_or_else(|| panic!("not a command of this tool: {command}"));
        let mut c = Command::new(env!("CARGO_BIN_EXE_contract-harness"));
        c.args(args.split_whitespace()).current_dir(root());
        for (k, _) in std::env::vars() {
            if k.starts_with("CONTRACT_") {
                c.env_remove(k);
            }
        }
        let out = c.output().expect("run");
        assert!(
            out.status.success(),
            "README command `{command}` failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Words of the README that look like paths: Markdown link targets and code spans.
fn path_like(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices("](") {
        let rest = &text[i + 2..];
        if let Some(end) = rest.find(')') {
            out.push(rest[..end].to_string());
        }
    }
    for word in text.split(|c: char| c.is_whitespace() || "`'\"()|".contains(c)) {
        // API paths (`/api/v2/...`) start with `/` too; file-system roots do not look like them.
        let absolute = [
            "/work/", "/home/", "/root/", "/tmp/", "/usr/", "/etc/", "/opt/", "~/",
        ]
        .iter()
        .any(|r| word.starts_with(r));
        if word.contains("../") || absolute {
            out.push(word.to_string());
        }
    }
    out
}

#[test]
fn no_link_or_path_leaves_the_repository() {
    let text = readme();
    let repo = root().canonicalize().expect("root");
    let mut checked = 0;
    for p in path_like(&text) {
        if let Some(anchor) = p.strip_prefix('#') {
            let titles: Vec<String> = text
                .lines()
                .filter_map(|l| l.strip_prefix("## ").or_else(|| l.strip_prefix("### ")))
                .map(|t| {
                    // GitHub's anchors: lower case, spaces as `-`, other punctuation dropped.
                    t.to_lowercase()
                        .chars()
                        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
                        .map(|c| if c == ' ' { '-' } else { c })
                        .collect::<String>()
                })
                .collect();
            assert!(
                titles.iter().any(|t| t == anchor),
                "no section for link #{anchor}"
            );
            continue;
        }
        if let Some(host) = p
            .strip_prefix("https://")
            .or_else(|| p.strip_prefix("http://"))
        {
            let host = host.split(['/', ':']).next().unwrap_or_default();
            assert!(
                host.ends_with("example.com") || host == "127.0.0.1" || host == "localhost",
                "the README links outside the repository: {p}"
            );
            continue;
        }
        // A link to a file of the repository (the example's walkthrough): it must exist there.
        if !p.contains("../") && !p.starts_with(['/', '~', '$']) {
            let resolved = root()
                .join(&p)
                .canonicalize()
                .unwrap_or_else(|e| panic!("the README links to {p}, which is missing: {e}"));
            assert!(resolved.starts_with(&repo), "{p} leaves the repository");
            continue;
        }
        // The one relative path the README shows is a spec's schema pointer, relative to
        // `specs/<service>/`: it must land inside the repository.
        let path = p
            .strip_prefix("$schema=")
            .map(|rel| root().join("specs/oneaccess").join(rel))
            .unwrap_or_else(|| panic!("the README names a path outside the repository: {p}"));
        let resolved = path.canonicalize().unwrap_or_else(|e| panic!("{p}: {e}"));
        assert!(resolved.starts_with(&repo), "{p} leaves the repository");
        checked += 1;
    }
    assert!(checked >= 1, "the schema pointer was checked");
}

#[test]
fn repository_paths_named_in_the_readme_exist() {
    let text = readme();
    let mut missing = Vec::new();
    for span in text.split('`').skip(1).step_by(2) {
        let top = [
            "src/",
            "specs/",
            "tests/",
            "mock/",
            "schema/",
            "benches/",
            ".ci/",
            "examples/",
        ];
        let plain = !span.contains(['<', '>', '{', '}', '*', ' ']) && !span.contains("...");
        if plain && top.iter().any(|t| span.starts_with(t)) && !root().join(span).exists() {
            missing.push(span.to_string());
        }
    }
    assert!(
        missing.is_empty(),
        "the README names paths that do not exist: {missing:?}"
    );
}

/// `CONTRACT_*` names in `text`.
fn contract_vars(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices("CONTRACT_") {
        let name: String = text[i..]
            .chars()
            .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
            .collect();
        if name.len() > "CONTRACT_".len() {
            out.insert(name);
        }
    }
    out
}

fn sources(dir: &Path, out: &mut String) {
    for entry in std::fs::read_dir(dir).expect("dir").flatten() {
        let p = entry.path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push_str(&std::fs::read_to_string(&p).expect("source"));
        }
    }
}

#[test]
fn every_documented_variable_is_read_and_every_read_one_documented() {
    let documented = contract_vars(&readme());
    let mut code = String::new();
    sources(&root().join("src"), &mut code);
    sources(&root().join("tests"), &mut code);
    let read: BTreeSet<String> = contract_vars(&code)
        .into_iter()
        .filter(|v| code.contains(&format!("\"{v}\"")))
        .collect();
    let undocumented: Vec<_> = read.difference(&documented).collect();
    let unread: Vec<_> = documented.difference(&read).collect();
    assert!(
        undocumented.is_empty(),
        "read but not in the README: {undocumented:?}"
    );
    assert!(
        unread.is_empty(),
        "in the README but read nowhere: {unread:?}"
    );
}

#[test]
fn the_readme_test_command_is_what_ci_runs() {
    let ci = std::fs::read_to_string(root().join(".ci/run")).expect(".ci/run");
    assert!(readme().contains("cargo test            # the tests"));
    assert!(
        ci.lines()
            .any(|l| l.trim_start().starts_with("cargo test --locked")),
        ".ci/run runs the README's test command"
    );
}
