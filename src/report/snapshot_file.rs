//! Snapshot files: compared, recorded and proposed by the harness itself, in insta's file format
//! (`NAME.snap`, with a proposed change beside it as `NAME.snap.new`), so that `cargo insta
//! review` and `contract-harness review` both work on them. Nothing here panics or prints: the
//! outcome is a value the case and the reporters turn into text.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use serde_json::Value;
use similar::TextDiff;

/// What a run does with snapshot files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotMode {
    /// Outside CI: a missing snapshot is recorded (and the case passes, labelled); a changed one
    /// fails and the proposal is written beside it as `.snap.new`.
    Record,
    /// In CI (`CI=true`, or `INSTA_UPDATE=no`): nothing is written; missing and changed fail.
    Check,
    /// `CONTRACT_SNAPSHOTS=update` (or `INSTA_UPDATE=always`): every snapshot is (re)written and
    /// the case passes, labelled. Never set it in CI.
    Update,
}

impl SnapshotMode {
    /// The mode the environment asks for.
    pub fn from_env() -> Self {
        let var = |k: &str| std::env::var(k).unwrap_or_default();
        if var("CONTRACT_SNAPSHOTS") == "update" || var("INSTA_UPDATE") == "always" {
            Self::Update
        } else if matches!(var("CI").as_str(), "true" | "1") || var("INSTA_UPDATE") == "no" {
            Self::Check
        } else {
            Self::Record
        }
    }
}

/// How a snapshot compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotOutcome {
    /// The response matches the recorded one.
    Matched,
    /// There was none: it has been recorded now (first run against a target).
    Recorded {
        /// The new file.
        path: PathBuf,
    },
    /// It differed and was overwritten (update mode).
    Updated {
        /// The file.
        path: PathBuf,
        /// What changed, as a unified diff (old → new).
        diff: String,
    },
    /// There is none, and this run may not record one (CI).
    Missing {
        /// Where it would be.
        path: PathBuf,
    },
    /// The response differs from the recorded one.
    Changed {
        /// The recorded file.
        path: PathBuf,
        /// The proposal written beside it (`None` in CI, where nothing is written).
        proposed: Option<PathBuf>,
        /// What changed, as a unified diff (recorded → observed).
        diff: String,
    },
}

/// A snapshot file that cannot be read or written.
#[derive(Debug, thiserror::Error)]
#[error("snapshot file {path}: {source}")]
pub struct SnapshotFileError {
    path: PathBuf,
    #[source]
    source: io::Error,
}

/// The content of a snapshot of `value`, as insta writes JSON snapshots.
pub fn content(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

/// Compares `value` with `dir/NAME.snap` and records or proposes per `mode`.
///
/// # Errors
/// When a snapshot file exists but cannot be read, or one cannot be written.
pub fn compare(
    dir: &Path,
    name: &str,
    description: &str,
    value: &Value,
    mode: SnapshotMode,
) -> Result<SnapshotOutcome, SnapshotFileError> {
    let path = dir.join(format!("{name}.snap"));
    let proposed_path = dir.join(format!("{name}.snap.new"));
    let observed = content(value);
    let recorded = match std::fs::read_to_string(&path) {
        Ok(text) => Some(body(&text).to_string()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(source) => return Err(SnapshotFileError { path, source }),
    };
    let write = |p: &Path| {
        std::fs::create_dir_all(dir)
            .and_then(|()| std::fs::write(p, file_text(description, &observed)))
            .map_err(|source| SnapshotFileError {
                path: p.to_path_buf(),
                source,
            })
    };
    let remove_stale_proposal = || {
        if mode != SnapshotMode::Check {
            let _ = std::fs::remove_file(&proposed_path);
        }
    };
    match recorded {
        Some(old) if old.trim_end() == observed.trim_end() => {
            remove_stale_proposal();
            Ok(SnapshotOutcome::Matched)
        }
        None => match mode {
            SnapshotMode::Check => Ok(SnapshotOutcome::Missing { path }),
            SnapshotMode::Record | SnapshotMode::Update => {
                write(&path)?;
                remove_stale_proposal();
                Ok(SnapshotOutcome::Recorded { path })
            }
        },
        Some(old) => {
            let diff = unified_diff(&old, &observed);
            match mode {
                SnapshotMode::Check => Ok(SnapshotOutcome::Changed {
                    path,
                    proposed: None,
                    diff,
                }),
                SnapshotMode::Record => {
                    write(&proposed_path)?;
                    Ok(SnapshotOutcome::Changed {
                        path,
                        proposed: Some(proposed_path),
                        diff,
                    })
                }
                SnapshotMode::Update => {
                    write(&path)?;
                    remove_stale_proposal();
                    Ok(SnapshotOutcome::Updated { path, diff })
                }
            }
        }
    }
}

/// The snapshot's content: what follows insta's header (`---` … `---`).
pub fn body(file: &str) -> &str {
    let Some(rest) = file.strip_prefix("---\n") else {
        return file;
    };
    match rest.find("\n---\n") {
        Some(end) => &rest[end + 5..],
        None => file,
    }
}

/// A whole snapshot file in insta's format.
fn file_text(description: &str, content: &str) -> String {
    // Plain when YAML reads it back as written (as insta writes it); otherwise a JSON string,
    // which is a valid YAML double-quoted scalar whatever the description holds.
    let plain = description
        .chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric())
        && description
            .chars()
            .all(|c| c.is_alphanumeric() || " .,()_-/`<>+".contains(c));
    let description = if plain {
        description.to_string()
    } else {
        serde_json::to_string(description).unwrap_or_default()
    };
    format!("---\nsource: src/report/snapshot.rs\ndescription: {description}\n---\n{content}\n")
}

/// How the message of a missing snapshot begins.
/// How the message of a missing snapshot starts (the end-of-run summary counts them).
pub const MISSING: &str = "missing snapshot ";

/// A unified diff of two snapshot contents, `-` recorded and `+` observed.
pub fn unified_diff(old: &str, new: &str) -> String {
    let old = format!("{}\n", old.trim_end());
    let new = format!("{}\n", new.trim_end());
    TextDiff::from_lines(&old, &new)
        .unified_diff()
        .context_radius(3)
        .header("recorded", "observed")
        .to_string()
}

impl fmt::Display for SnapshotOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Matched => write!(f, "snapshot matches"),
            Self::Recorded { path } => write!(
                f,
                "new snapshot recorded: {} (first run against this target: read it, then commit it)",
                path.display()
            ),
            Self::Updated { path, .. } => write!(f, "snapshot updated: {}", path.display()),
            Self::Missing { path } => write!(
                f,
                "{MISSING}{}: record it with a run outside CI (CI unset), read and commit it, or set CONTRACT_SNAPSHOTS=off",
                path.display()
            ),
            Self::Changed {
                path,
                proposed,
                diff,
            } => {
                writeln!(
                    f,
                    "the response differs from the recorded snapshot {}",
                    path.display()
                )?;
                match proposed {
                    Some(p) => writeln!(
                        f,
                        "  the observed one is written beside it as {}: accept or reject with `contract-harness review`",
                        p.display()
                    )?,
                    None => writeln!(
                        f,
                        "  (in CI nothing is written: run outside CI to get a .snap.new, then `contract-harness review`)"
                    )?,
                }
                for line in diff.lines() {
                    writeln!(f, "    {line}")?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn temp_dir(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!(
            "ch-snapfile-{tag}-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn first_run_records_then_matches() {
        let dir = temp_dir("first");
        let v = json!({"status": 204});
        let first = compare(&dir, "a", "about: it", &v, SnapshotMode::Record).unwrap();
        assert_eq!(
            first,
            SnapshotOutcome::Recorded {
                path: dir.join("a.snap")
            }
        );
        assert!(first.to_string().starts_with("new snapshot recorded: "));
        let text = std::fs::read_to_string(dir.join("a.snap")).unwrap();
        assert!(text.starts_with("---\nsource: "), "{text}");
        assert!(text.contains("description: \"about: it\""), "{text}");
        assert_eq!(body(&text).trim_end(), content(&v));
        assert_eq!(
            compare(&dir, "a", "about: it", &v, SnapshotMode::Check).unwrap(),
            SnapshotOutcome::Matched
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn missing_in_ci_writes_nothing_and_says_what_to_do() {
        let dir = temp_dir("missing");
        let out = compare(&dir, "a", "d", &json!(1), SnapshotMode::Check).unwrap();
        assert!(matches!(out, SnapshotOutcome::Missing { .. }));
        assert!(!dir.exists());
        let line = out.to_string();
        assert_eq!(line.lines().count(), 1, "{line}");
        assert!(line.contains("outside CI") && line.contains("CONTRACT_SNAPSHOTS=off"));
    }

    #[test]
    fn a_change_is_proposed_beside_with_a_diff_and_accepted_by_update() {
        let dir = temp_dir("change");
        compare(&dir, "a", "d", &json!({"s": 401}), SnapshotMode::Record).unwrap();
        let out = compare(&dir, "a", "d", &json!({"s": 403}), SnapshotMode::Record).unwrap();
        let SnapshotOutcome::Changed { proposed, diff, .. } = &out else {
            panic!("{out:?}");
        };
        assert_eq!(proposed.as_deref(), Some(dir.join("a.snap.new").as_path()));
        assert!(
            diff.contains("-  \"s\": 401") && diff.contains("+  \"s\": 403"),
            "{diff}"
        );
        // In CI the same change writes nothing.
        std::fs::remove_file(dir.join("a.snap.new")).unwrap();
        let ci = compare(&dir, "a", "d", &json!({"s": 403}), SnapshotMode::Check).unwrap();
        assert!(matches!(
            ci,
            SnapshotOutcome::Changed { proposed: None, .. }
        ));
        assert!(!dir.join("a.snap.new").exists());
        let upd = compare(&dir, "a", "d", &json!({"s": 403}), SnapshotMode::Update).unwrap();
        assert!(matches!(upd, SnapshotOutcome::Updated { .. }));
        assert_eq!(
            compare(&dir, "a", "d", &json!({"s": 403}), SnapshotMode::Check).unwrap(),
            SnapshotOutcome::Matched
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn reads_files_insta_wrote() {
        let insta = "---\nsource: src/report/snapshot.rs\ndescription: ORG.0001 comes back\n---\n{\n  \"a\": 1\n}\n";
        assert_eq!(body(insta), "{\n  \"a\": 1\n}\n");
        assert_eq!(body("no header"), "no header");
    }
}
