//! The end of a run: the coverage table and snapshot summary on stdout, and the JUnit XML and
//! Markdown summary under `CONTRACT_REPORT_DIR`, all from the records of finished cases.

use std::path::{Path, PathBuf};

use super::record::RunError;
use super::{Record, Status, coverage, junit, markdown, snapshot_file};
use crate::contract::SpecSet;

/// Prints the coverage and snapshot summaries and writes the report files to `report_dir`.
pub fn summarize(
    records: &[Record],
    run_errors: &[RunError],
    specs: &SpecSet,
    target: &str,
    snapshots: Option<&Path>,
    report_dir: Option<PathBuf>,
) {
    let ran = records
        .iter()
        .filter(|r| r.status != Status::Ignored)
        .count();
    if ran > 1 {
        println!("{}", coverage::kinds_line(records));
        print!("{}", coverage::table(specs, records));
    }
    print!("{}", snapshot_lines(records, snapshots));
    if let Some(dir) = report_dir {
        let written = std::fs::create_dir_all(&dir)
            .and_then(|()| {
                std::fs::write(
                    dir.join("contract-junit.xml"),
                    junit::junit(records, run_errors),
                )
            })
            .and_then(|()| {
                std::fs::write(
                    dir.join("contract-summary.md"),
                    markdown::markdown(target, records, run_errors, specs),
                )
            });
        match written {
            Ok(()) => println!("reports written to {}", dir.display()),
            Err(e) => eprintln!("error: cannot write reports to {}: {e}", dir.display()),
        }
    }
}

/// The end-of-run lines about snapshots: those recorded or updated by this run (to be read and
/// committed), and one actionable line when some were missing in CI.
fn snapshot_lines(records: &[Record], dir: Option<&Path>) -> String {
    let mut s = String::new();
    let mut recorded = Vec::new();
    let mut updated = Vec::new();
    let mut missing = 0;
    for r in records {
        match &r.snapshot {
            Some(snapshot_file::SnapshotOutcome::Recorded { path }) => recorded.push(path),
            Some(snapshot_file::SnapshotOutcome::Updated { path, .. }) => updated.push(path),
            _ => {}
        }
        if r.status == Status::Error
            && r.message
                .as_deref()
                .is_some_and(|m| m.starts_with(snapshot_file::MISSING))
        {
            missing += 1;
        }
    }
    let where_ = dir.map_or_else(String::new, |d| format!(" under {}", d.display()));
    for (list, what) in [
        (recorded, "new snapshots recorded"),
        (updated, "snapshots updated"),
    ] {
        if !list.is_empty() {
            s.push_str(&format!(
                "{} {what}{where_}: read them (`git diff`), then commit them\n",
                list.len()
            ));
            for p in list {
                let name = p.file_name().map_or_else(
                    || p.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                );
                s.push_str(&format!("  {name}\n"));
            }
        }
    }
    if missing > 0 {
        s.push_str(&format!(
            "error: {missing} snapshots missing{where_}: record them with one run outside CI (CI unset), read and commit them, or set CONTRACT_SNAPSHOTS=off\n"
        ));
    }
    s
}
