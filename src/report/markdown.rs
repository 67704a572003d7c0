//! A Markdown summary of a run, fit for a pull-request comment.

use std::fmt::Write;

use super::coverage::{kinds_line, table};
use super::record::{Record, RunError, Status};
use crate::contract::SpecSet;

/// The summary: totals, kinds, each failure in a collapsible block, and the run's own harness
/// errors (failed teardowns).
pub fn markdown(
    target: &str,
    records: &[Record],
    run_errors: &[RunError],
    specs: &SpecSet,
) -> String {
    let count = |st| records.iter().filter(|r| r.status == st).count();
    let (passed, failed, errors, ignored) = (
        count(Status::Passed),
        count(Status::Failed),
        count(Status::Error),
        count(Status::Ignored),
    );
    let mut s = String::new();
    let icon = if failed + errors + run_errors.len() == 0 {
        "✅"
    } else {
        "❌"
    };
    let _ = writeln!(s, "## {icon} contract-harness against `{target}`\n");
    let _ = writeln!(
        s,
        "{passed} passed, {failed} failed, {errors} harness errors, {ignored} ignored\n"
    );
    if !run_errors.is_empty() {
        let _ = writeln!(
            s,
            "{} harness errors outside any case (the run fails; `contract-harness cleanup` removes what they left)\n",
            run_errors.len()
        );
    }
    let _ = writeln!(s, "{}\n", kinds_line(records));
    let _ = writeln!(s, "{}\n", fenced(&table(specs, records)));
    for r in records
        .iter()
        .filter(|r| matches!(r.status, Status::Failed | Status::Error))
    {
        let _ = writeln!(
            s,
            "<details><summary><code>{}</code></summary>\n\n{}\n</details>\n",
            html(&r.name),
            fenced(r.message.as_deref().unwrap_or(""))
        );
    }
    for e in run_errors {
        let _ = writeln!(
            s,
            "<details><summary>{}</summary>\n\n{}\n</details>\n",
            html(&e.name),
            fenced(&e.message)
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
            let _ = writeln!(s, "- <code>{}</code>", html(&r.name));
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
            let _ = writeln!(
                s,
                "- <code>{}</code>: {}",
                html(&r.name),
                html(r.message.as_deref().unwrap_or("")).replace('\n', " ")
            );
        }
        let _ = writeln!(s, "</details>");
    }
    s
}

/// `text` in a fenced code block whose fence is longer than any run of backticks in it, so
/// that nothing a server sends can close the block and write Markdown of its own.
fn fenced(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}text\n{}\n{fence}", text.trim_end())
}

/// Text outside a code block, with HTML and Markdown's own characters escaped.
fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '`' | '*' | '_' | '[' | ']' | '#' | '|' | '\\' | '!' => {
                out.push_str(&format!("&#{};", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_body_cannot_close_the_fence_or_inject_markdown() {
        let hostile = "ok\n```\n# Approved\n[click](http://evil.example.com)\n````\n<img src=x>";
        let f = fenced(hostile);
        let fence = f
            .lines()
            .next()
            .unwrap_or_default()
            .trim_end_matches("text");
        assert_eq!(fence, "`````");
        // The only line that is exactly the fence is the last one.
        let closers = f.lines().filter(|l| l.trim() == fence).count();
        assert_eq!(closers, 1, "{f}");
        assert!(f.ends_with(fence));
        let h = html("<b>[x](y)</b> `z` # h");
        for raw in ["<b>", "[x]", "`", "# h"] {
            assert!(!h.contains(raw), "{raw} in {h}");
        }
    }
}
