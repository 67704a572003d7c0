//! The ledger of provisioned entries: one JSON line when an entry is made, one when its
//! teardown succeeds. What has the first line and not the second is pending, and
//! `contract-harness cleanup` tears it down after an interrupted run.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::values::Values;

/// One line of the ledger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// An entry was made (and must be torn down).
    Provisioned(Entry),
    /// An entry's teardown succeeded.
    TornDown {
        /// The entry's id.
        entry: String,
    },
}

/// A provisioned entry and what its teardown templates need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// `<run_id>-<n>`.
    pub entry: String,
    /// Target name.
    pub target: String,
    /// Service.
    pub service: String,
    /// Fixture.
    pub fixture: String,
    /// The run's id.
    pub run_id: String,
    /// The entry's number.
    pub n: u64,
    /// The entry's uuid.
    pub uuid: String,
    /// Its values (static and captured).
    pub values: Values,
}

/// Why the ledger could not be used.
#[derive(Debug, thiserror::Error)]
#[error("ledger {path}: {message}")]
pub struct LedgerError {
    /// Path.
    pub path: String,
    /// What went wrong.
    pub message: String,
}

/// An append-only ledger file.
#[derive(Debug)]
pub struct Ledger {
    path: PathBuf,
    lock: Mutex<()>,
}

/// The ledger's directory: `CONTRACT_REPORT_DIR`, else `target/contract-harness/`.
pub fn default_dir() -> PathBuf {
    std::env::var_os("CONTRACT_REPORT_DIR")
        .filter(|d| !d.is_empty())
        .map_or_else(|| PathBuf::from("target/contract-harness"), PathBuf::from)
}

fn safe(target: &str) -> String {
    target
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The ledger file of one run against a target, in `dir`. Each run (each process, under
/// nextest) writes its own, so that no run removes another's.
pub fn file_for(dir: &Path, target: &str, run_id: &str) -> PathBuf {
    dir.join(format!("ledger-{}-{run_id}.jsonl", safe(target)))
}

/// Every ledger file of a target in `dir` (its entries name the target; a longer target name
/// with the same prefix may share files, so readers check [`Entry::target`]).
pub fn files_for(dir: &Path, target: &str) -> Vec<PathBuf> {
    let prefix = format!("ledger-{}-", safe(target));
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".jsonl"))
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

impl Ledger {
    /// A ledger at `path` (created on first write).
    pub fn new(path: PathBuf) -> Self {
        Self {
            path,
            lock: Mutex::new(()),
        }
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn error(&self, e: impl std::fmt::Display) -> LedgerError {
        LedgerError {
            path: self.path.display().to_string(),
            message: e.to_string(),
        }
    }

    /// Appends one event as one line, written and flushed before this returns.
    ///
    /// # Errors
    /// When the file cannot be created or written.
    pub fn append(&self, event: &Event) -> Result<(), LedgerError> {
        let mut line = serde_json::to_string(event).map_err(|e| self.error(e))?;
        line.push('\n');
        let _guard = self
            .lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(dir) = self.path.parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(|e| self.error(e))?;
        }
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(&self.path)
            .map_err(|e| self.error(e))?;
        // A line cut short by a kill must not swallow the next one.
        if ends_without_newline(&mut f).map_err(|e| self.error(e))? {
            line.insert(0, '\n');
        }
        f.write_all(line.as_bytes()).map_err(|e| self.error(e))?;
        f.sync_data().map_err(|e| self.error(e))
    }

    /// Entries provisioned and not torn down, in the order they were made. A missing file has
    /// none; a line cut short by a kill is skipped.
    ///
    /// # Errors
    /// When the file exists but cannot be read.
    pub fn pending(&self) -> Result<Vec<Entry>, LedgerError> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(self.error(e)),
        };
        let mut order = Vec::new();
        let mut live: BTreeMap<String, Entry> = BTreeMap::new();
        for line in text.lines() {
            match serde_json::from_str::<Event>(line) {
                Ok(Event::Provisioned(e)) => {
                    order.push(e.entry.clone());
                    live.insert(e.entry.clone(), e);
                }
                Ok(Event::TornDown { entry }) => {
                    live.remove(&entry);
                }
                Err(_) => {}
            }
        }
        Ok(order
            .into_iter()
            .filter_map(|id| live.remove(&id))
            .collect())
    }

    /// Removes the file when nothing in it is pending, so that it does not grow run after run.
    ///
    /// # Errors
    /// When it cannot be read or removed.
    pub fn compact(&self) -> Result<(), LedgerError> {
        let _guard = self
            .lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if self.path.exists() && self.pending()?.is_empty() {
            std::fs::remove_file(&self.path).map_err(|e| self.error(e))?;
        }
        Ok(())
    }
}

fn ends_without_newline(f: &mut std::fs::File) -> std::io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    if f.metadata()?.len() == 0 {
        return Ok(false);
    }
    f.seek(SeekFrom::End(-1))?;
    let mut last = [0u8; 1];
    f.read_exact(&mut last)?;
    Ok(last[0] != b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str) -> Entry {
        Entry {
            entry: id.into(),
            target: "t".into(),
            service: "s".into(),
            fixture: "f".into(),
            run_id: "r".into(),
            n: 1,
            uuid: "u".into(),
            values: [("org_id".to_string(), format!("o-{id}"))].into(),
        }
    }

    #[test]
    fn pending_is_provisioned_minus_torn_down_and_survives_a_cut_line() {
        let dir = std::env::temp_dir().join(format!("ch-ledger-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let ledger = Ledger::new(file_for(&dir, "stag ing", "r1"));
        assert!(ledger.path().ends_with("ledger-stag_ing-r1.jsonl"));
        ledger
            .append(&Event::Provisioned(entry("x")))
            .expect("append");
        assert_eq!(
            files_for(&dir, "stag ing"),
            vec![ledger.path().to_path_buf()]
        );
        assert!(files_for(&dir, "other").is_empty());
        ledger
            .append(&Event::TornDown { entry: "x".into() })
            .expect("append");
        assert_eq!(ledger.pending().expect("none yet"), Vec::new());
        for id in ["a", "b", "c"] {
            ledger
                .append(&Event::Provisioned(entry(id)))
                .expect("append");
        }
        ledger
            .append(&Event::TornDown { entry: "b".into() })
            .expect("append");
        // A kill in the middle of a write leaves half a line.
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(ledger.path())
            .expect("open");
        f.write_all(b"{\"event\":\"provisioned\",\"entr")
            .expect("write");
        let pending: Vec<String> = ledger
            .pending()
            .expect("read")
            .into_iter()
            .map(|e| e.entry)
            .collect();
        assert_eq!(pending, ["a", "c"]);
        ledger.compact().expect("compact");
        assert!(ledger.path().exists(), "kept while entries are pending");
        for id in ["a", "c"] {
            ledger
                .append(&Event::TornDown { entry: id.into() })
                .expect("append");
        }
        ledger.compact().expect("compact");
        assert!(!ledger.path().exists(), "removed once nothing is pending");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
