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
    print!("{}", snapshot_file::summary(records, snapshots));
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
