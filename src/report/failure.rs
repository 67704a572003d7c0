//! The text of a failed case: the case, each violated rule with its spec location, the
//! request as curl, the response, and for generated input the minimal input and the seed.

use std::fmt::Write;

use super::curl::curl;
use super::reproduce::Reproduce;
use crate::exec::error::chain;
use crate::exec::{Exchange, HarnessError, Verdict};
use crate::generate::Case;
use crate::secrets::Secrets;

/// Longest response body shown.
const MAX_RESPONSE: usize = 1500;

/// A harness error's text, with its causes (secrets redacted): rendered here, at display
/// time, from the typed error. An error that ended a shrink shows its cause first, then what
/// it interrupted.
pub fn harness_error(e: &HarnessError, secrets: &Secrets) -> String {
    secrets.redact(&match e {
        HarnessError::WhileShrinking { cause, .. } => format!("{}\n  {e}", chain(cause)),
        _ => chain(e),
    })
}

/// Renders a verdict that is not a pass, ending with the command that reruns the case; `None`
/// for a pass.
pub fn render(
    case: &Case,
    verdict: &Verdict,
    repro: &Reproduce,
    secrets: &Secrets,
) -> Option<String> {
    let mut s = String::new();
    match verdict {
        Verdict::Passed => return None,
        Verdict::Error(e) | Verdict::NotRun(e) => {
            let _ = writeln!(
                s,
                "harness error (not a verdict on the server) in {}",
                case.name
            );
            let not_run = if matches!(verdict, Verdict::NotRun(_)) {
                "not run: "
            } else {
                ""
            };
            let _ = writeln!(s, "  {not_run}{}", harness_error(e, secrets));
            let _ = writeln!(s, "  reproduce: {}", repro.line(&case.name, None));
        }
        Verdict::Failed {
            failures,
            exchange,
            step,
            property,
        } => {
            let _ = writeln!(s, "contract violation in {}", case.name);
            let _ = writeln!(s, "  checks: {}", case.about);
            if let Some((n, of)) = step {
                let _ = writeln!(s, "  at step {n} of {of}");
            }
            for (i, f) in failures.iter().enumerate() {
                let _ = writeln!(s);
                for (j, line) in f.to_string().lines().enumerate() {
                    let lead = if j == 0 {
                        format!("  [{}] ", i + 1)
                    } else {
                        "      ".to_string()
                    };
                    let _ = writeln!(s, "{lead}{line}");
                }
            }
            if let Some(ex) = exchange {
                exchange_text(&mut s, ex, secrets);
            }
            if let Some(p) = property {
                let _ = writeln!(s);
                let _ = writeln!(
                    s,
                    "  minimal input (after {} shrink steps): {}",
                    p.shrink_steps, p.input
                );
                if let Some(why) = &p.shrink_stopped {
                    let _ = writeln!(s, "  {why}");
                }
                let _ = writeln!(s, "  {}", p.recheck);
            }
            let property = property.as_ref().map(|p| (p.seed, p.cases));
            if property.is_none() {
                let _ = writeln!(s);
            }
            let _ = writeln!(s, "  reproduce: {}", repro.line(&case.name, property));
        }
    }
    Some(secrets.redact(&s))
}

fn exchange_text(s: &mut String, ex: &Exchange, secrets: &Secrets) {
    let _ = writeln!(s);
    let _ = writeln!(s, "  request:");
    let _ = writeln!(s, "    {}", curl(&ex.base, &ex.request, secrets));
    let _ = writeln!(s, "  response:");
    let _ = writeln!(s, "    HTTP {}", ex.response.status);
    if let Some(ct) = ex.response.header("content-type") {
        let _ = writeln!(s, "    content-type: {ct}");
    }
    if !ex.response.body.is_empty() {
        let _ = writeln!(s, "    {}", ex.response.body_text(MAX_RESPONSE));
    }
}
