//! Reviewing proposed snapshots (`NAME.snap.new` beside `NAME.snap`) without insta's CLI:
//! `contract-harness review` works from any directory that holds specs and snapshots.

use std::io;
use std::path::{Path, PathBuf};

use super::snapshot_file::{body, unified_diff};

/// A proposed snapshot waiting for review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// The `.snap.new` file.
    pub proposed: PathBuf,
    /// The `.snap` it would replace (it may not exist yet).
    pub recorded: PathBuf,
}

impl Pending {
    /// The change as a unified diff (recorded → proposed; an empty recording for a new one).
    ///
    /// # Errors
    /// When the proposal cannot be read.
    pub fn diff(&self) -> io::Result<String> {
        let new = std::fs::read_to_string(&self.proposed)?;
        let old = std::fs::read_to_string(&self.recorded).unwrap_or_default();
        Ok(unified_diff(body(&old), body(&new)))
    }

    /// Replaces the recording with the proposal.
    ///
    /// # Errors
    /// When the file cannot be renamed.
    pub fn accept(&self) -> io::Result<()> {
        std::fs::rename(&self.proposed, &self.recorded)
    }

    /// Drops the proposal.
    ///
    /// # Errors
    /// When the file cannot be removed.
    pub fn reject(&self) -> io::Result<()> {
        std::fs::remove_file(&self.proposed)
    }
}

/// Every proposal under `dir` (recursively), in path order.
///
/// # Errors
/// When a directory cannot be read.
pub fn pending(dir: &Path) -> io::Result<Vec<Pending>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Some(recorded) = path
                .to_str()
                .and_then(|p| p.strip_suffix(".new"))
                .filter(|p| p.ends_with(".snap"))
            {
                out.push(Pending {
                    recorded: PathBuf::from(recorded),
                    proposed: path,
                });
            }
        }
    }
    out.sort_by(|a, b| a.proposed.cmp(&b.proposed));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_diffs_accepts_and_rejects() {
        let dir = std::env::temp_dir().join(format!("ch-review-{}", std::process::id()));
        let sub = dir.join("staging");
        std::fs::create_dir_all(&sub).unwrap();
        let head = "---\nsource: x\ndescription: d\n---\n";
        std::fs::write(sub.join("a.snap"), format!("{head}{{\n  \"s\": 401\n}}\n")).unwrap();
        std::fs::write(
            sub.join("a.snap.new"),
            format!("{head}{{\n  \"s\": 403\n}}\n"),
        )
        .unwrap();
        std::fs::write(sub.join("b.snap.new"), format!("{head}1\n")).unwrap();
        std::fs::write(sub.join("c.snap"), format!("{head}1\n")).unwrap();
        let found = pending(&dir).unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].recorded, sub.join("a.snap"));
        let diff = found[0].diff().unwrap();
        assert!(
            diff.contains("-  \"s\": 401") && diff.contains("+  \"s\": 403"),
            "{diff}"
        );
        found[0].accept().unwrap();
        found[1].reject().unwrap();
        assert!(pending(&dir).unwrap().is_empty());
        assert!(
            std::fs::read_to_string(sub.join("a.snap"))
                .unwrap()
                .contains("403")
        );
        assert!(!sub.join("b.snap").exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
