//! The end-of-run tables: cases per kind, and per operation the documented success and error
//! codes exercised and whether they passed.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::record::{Record, Status};
use crate::contract::SpecSet;
use crate::generate::Kind;

fn mark(status: Option<Status>) -> &'static str {
    match status {
        Some(Status::Passed) => "ok",
        Some(Status::Failed) => "FAILED",
        Some(Status::Error) => "ERROR",
        Some(Status::Ignored) => "ignored",
        None => "not run",
    }
}

/// Cases that ran, by kind: `success 5, error 17, ...`.
pub fn kinds_line(records: &[Record]) -> String {
    let mut parts = Vec::new();
    for kind in Kind::ALL {
        let ran = records
            .iter()
            .filter(|r| r.kind == kind && r.status != Status::Ignored)
            .count();
        let failed = records
            .iter()
            .filter(|r| r.kind == kind && matches!(r.status, Status::Failed | Status::Error))
            .count();
        let ignored = records
            .iter()
            .filter(|r| r.kind == kind && r.status == Status::Ignored)
            .count();
        let mut p = format!("{} {ran}", kind.segment());
        if failed > 0 {
            p.push_str(&format!(" ({failed} failed)"));
        }
        if ignored > 0 {
            p.push_str(&format!(" (+{ignored} ignored)"));
        }
        parts.push(p);
    }
    format!("cases by kind: {}", parts.join(", "))
}

/// The coverage table of documented promises.
pub fn table(specs: &SpecSet, records: &[Record]) -> String {
    // An error with several triggers has a case per trigger: the code is passed when every
    // case that ran passed.
    let mut by_doc: BTreeMap<(&str, &str), Status> = BTreeMap::new();
    for r in records {
        if let Some(d) = r.documented.as_deref() {
            let slot = by_doc.entry((r.operation.as_str(), d)).or_insert(r.status);
            let rank = |s: Status| match s {
                Status::Ignored => 0,
                Status::Passed => 1,
                Status::Error => 2,
                Status::Failed => 3,
            };
            if rank(r.status) > rank(*slot) {
                *slot = r.status;
            }
        }
    }
    let mut s = String::new();
    let _ = writeln!(s, "coverage of documented promises:");
    let width = specs
        .operations
        .iter()
        .map(|o| o.service.len() + o.id.len() + 2)
        .max()
        .unwrap_or(10);
    for op in &specs.operations {
        // A filtered run says nothing of the operations it left out.
        if !records
            .iter()
            .any(|r| r.service == op.service && r.operation == op.id)
        {
            continue;
        }
        let name = format!("{}::{}", op.service, op.id);
        let success = match &op.success.status {
            Some(st) => format!("success {st}"),
            None => "success (envelope)".to_string(),
        };
        let _ = write!(
            s,
            "  {name:<width$}  {success}: {}",
            mark(by_doc.get(&(op.id.as_str(), "success")).copied())
        );
        for e in &op.errors {
            let code = e.code_text();
            let status = e.status.map_or_else(String::new, |st| format!("{st} "));
            let shape = if e.not_provokable() {
                " (shape only)"
            } else {
                ""
            };
            let _ = write!(
                s,
                ", {status}{code}: {}{shape}",
                mark(by_doc.get(&(op.id.as_str(), code.as_str())).copied())
            );
        }
        let _ = writeln!(s);
    }
    let provokable: Vec<(&str, String)> = specs
        .operations
        .iter()
        .flat_map(|o| {
            o.errors
                .iter()
                .filter(|e| !e.not_provokable())
                .map(move |e| (o.id.as_str(), e.code_text()))
        })
        .collect();
    let total = specs
        .operations
        .iter()
        .map(|o| o.errors.len())
        .sum::<usize>();
    let of_provokable = provokable
        .iter()
        .filter_map(|(op, code)| by_doc.get(&(*op, code.as_str())))
        .collect::<Vec<_>>();
    let exercised = of_provokable
        .iter()
        .filter(|s| ***s != Status::Ignored)
        .count();
    let passed = of_provokable
        .iter()
        .filter(|s| ***s == Status::Passed)
        .count();
    let _ = writeln!(
        s,
        "  documented error codes: {total}; {} provokable by a client: {exercised} exercised, {passed} passed; {} shape-checked only",
        provokable.len(),
        total - provokable.len()
    );
    s
}
