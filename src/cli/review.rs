//! `contract-harness review`: shows each proposed snapshot as a diff and accepts or rejects
//! it, from any directory that holds snapshots (no cargo workspace or insta CLI needed).

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use crate::report::snapshot_review::{Pending, pending};

/// Reviews the proposals under `dir`: all accepted, all rejected, or one by one when standard
/// input is a terminal. Without a terminal and without a flag it only lists them and fails, so
/// that CI never waits for an answer.
pub fn review(dir: &Path, accept_all: bool, reject_all: bool) -> ExitCode {
    let proposals = match pending(dir) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
    };
    if proposals.is_empty() {
        println!("no proposed snapshots under {}", dir.display());
        return ExitCode::SUCCESS;
    }
    let interactive = !accept_all && !reject_all && std::io::stdin().is_terminal();
    let mut undecided = 0;
    let mut stdin = std::io::stdin().lock();
    for (i, p) in proposals.iter().enumerate() {
        let diff = p.diff().unwrap_or_else(|e| format!("(cannot read: {e})\n"));
        let what = if p.recorded.exists() {
            "changed"
        } else {
            "new"
        };
        println!(
            "[{}/{}] {what}: {}\n{diff}",
            i + 1,
            proposals.len(),
            p.recorded.display()
        );
        let decision = if accept_all {
            Some(true)
        } else if reject_all {
            Some(false)
        } else if interactive {
            ask(&mut stdin)
        } else {
            None
        };
        match apply(p, decision) {
            Ok(true) => {}
            Ok(false) => undecided += 1,
            Err(e) => {
                eprintln!("error: {}: {e}", p.proposed.display());
                return ExitCode::FAILURE;
            }
        }
    }
    if undecided > 0 {
        println!(
            "{undecided} proposals left: `contract-harness review {} --accept` or `--reject`",
            dir.display()
        );
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// `Ok(true)` when decided.
fn apply(p: &Pending, decision: Option<bool>) -> std::io::Result<bool> {
    match decision {
        Some(true) => p.accept().map(|()| {
            println!("  accepted");
            true
        }),
        Some(false) => p.reject().map(|()| {
            println!("  rejected");
            true
        }),
        None => Ok(false),
    }
}

fn ask(stdin: &mut impl BufRead) -> Option<bool> {
    loop {
        print!("  a(ccept), r(eject), s(kip)? ");
        let _ = std::io::stdout().flush();
        let mut line = String::new();
        if stdin.read_line(&mut line).ok()? == 0 {
            return None;
        }
        match line.trim() {
            "a" | "accept" => return Some(true),
            "r" | "reject" => return Some(false),
            "s" | "skip" => return None,
            _ => {}
        }
    }
}
