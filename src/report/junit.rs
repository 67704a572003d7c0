//! JUnit XML of a run, for CI systems that show test reports.

use std::fmt::Write;

use super::record::{Record, RunError, Status};

fn esc(s: &str) -> String {
    s.chars()
        // XML 1.0 allows no other control characters, nor U+FFFE and U+FFFF.
        .filter(|c| {
            (!c.is_control() || matches!(c, '\n' | '\t')) && !matches!(c, '\u{fffe}' | '\u{ffff}')
        })
        .collect::<String>()
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// The JUnit XML document: one testsuite per operation, and one `contract-harness::run` of
/// the run's own harness errors (failed teardowns), if any.
pub fn junit(records: &[Record], run_errors: &[RunError]) -> String {
    let mut suites: Vec<(String, Vec<&Record>)> = Vec::new();
    for r in records {
        let suite = format!("{}::{}", r.id.service, r.id.op);
        match suites.iter_mut().find(|(n, _)| *n == suite) {
            Some((_, v)) => v.push(r),
            None => suites.push((suite, vec![r])),
        }
    }
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"contract-harness\">\n",
    );
    for (name, rs) in suites {
        let failures = rs.iter().filter(|r| r.status == Status::Failed).count();
        let errors = rs.iter().filter(|r| r.status == Status::Error).count();
        let skipped = rs.iter().filter(|r| r.status == Status::Ignored).count();
        let _ = writeln!(
            s,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\">",
            esc(&name),
            rs.len()
        );
        for r in rs {
            let _ = write!(
                s,
                "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
                esc(&name),
                esc(&r.name),
                r.duration.as_secs_f64()
            );
            let msg = esc(r.message.as_deref().unwrap_or(""));
            match r.status {
                Status::Passed => s.push_str("/>\n"),
                Status::Failed => {
                    let _ = writeln!(
                        s,
                        "><failure message=\"contract violation\">{msg}</failure></testcase>"
                    );
                }
                Status::Error => {
                    let _ = writeln!(
                        s,
                        "><error message=\"harness error\">{msg}</error></testcase>"
                    );
                }
                Status::Ignored => {
                    let _ = writeln!(s, "><skipped message=\"{msg}\"/></testcase>");
                }
            }
        }
        s.push_str("  </testsuite>\n");
    }
    if !run_errors.is_empty() {
        let _ = writeln!(
            s,
            "  <testsuite name=\"contract-harness::run\" tests=\"{n}\" failures=\"0\" errors=\"{n}\" skipped=\"0\">",
            n = run_errors.len()
        );
        for e in run_errors {
            let _ = writeln!(
                s,
                "    <testcase classname=\"contract-harness::run\" name=\"{}\" time=\"0.000\"><error message=\"harness error\">{}</error></testcase>",
                esc(&e.name),
                esc(&e.message)
            );
        }
        s.push_str("  </testsuite>\n");
    }
    s.push_str("</testsuites>\n");
    s
}
