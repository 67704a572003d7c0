//! A Markdown summary of a run, fit for a pull-request comment.

use std::fmt::Write;

use super::coverage::{kinds_line, table};
use super::record::{Record, Status};
use crate::spec::SpecSet;

/// The summary: totals, kinds, and each failure in a collapsible block.
pub fn markdown(target: &str, records: &[Record], specs: &SpecSet) -> String {
    let count = |st| records.iter().filter(|r| r.status == st).count();
    let (passed, failed, errors, ignored) = (
        count(Status::Passed),
        count(Status::Failed),
        count(Status::Error),
        count(Status::Ignored),
    );
    let mut s = String::new();
    let icon = if failed + errors == 0 { "✅" } else { "❌" };
    let _ = writeln!(s, "## {icon} contract-harness against `{target}`\n");
    let _ = writeln!(
        s,
        "{passed} passed, {failed} failed, {errors} harness errors, {ignored} ignored\n"
    );
    let _ = writeln!(s, "{}\n", kinds_line(records));
    let _ = writeln!(s, "```text\n{}```\n", table(specs, records));
    for r in records
        .iter()
        .filter(|r| matches!(r.status, Status::Failed | Status::Error))
    {
        let _ = writeln!(
            s,
            "<details><summary><code>{}</code></summary>\n\n```text\n{}\n```\n</details>\n",
            r.name,
            r.message.as_deref().unwrap_or("").trim_end()
        );
    }
    let recorded: Vec<&Record> = records.iter().filter(|r| r.snapshot.is_some()).collect();
    if !recorded.is_empty() {
        let _ = writeln!(
            s,
            "<details><summary>{} snapshots recorded or updated by this run (read them before committing)</summary>\n",
            recorded.len()
        );
        for r in recorded {
            let _ = writeln!(s, "- `{}`", r.name);
        }
        let _ = writeln!(s, "</details>\n");
    }
    let ignored: Vec<&Record> = records
        .iter()
        .filter(|r| r.status == Status::Ignored)
        .collect();
    if !ignored.is_empty() {
        let _ = writeln!(
            s,
            "<details><summary>{} ignored cases</summary>\n",
            ignored.len()
        );
        for r in ignored {
            let _ = writeln!(s, "- `{}`: {}", r.name, r.message.as_deref().unwrap_or(""));
        }
        let _ = writeln!(s, "</details>");
    }
    s
}
