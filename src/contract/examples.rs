//! A spec's examples: each checked against its schema (an error when it does not match), and
//! the page's error examples compared with its error table (warnings: the page contradicts
//! itself, as a page's example code with surrounding white space does).

use serde_json::Value;

use super::diagnostic::{Diagnostic, err, warn};
use super::model::{Operation, Schema, Service, code_text};
use super::source::{SourceFile, escape_token};

/// Checks an instance against a compiled schema; one diagnostic per violation.
pub fn against_schema(
    schema: &Schema,
    instance: &Value,
    file: &SourceFile,
    pointer: &str,
    what: &str,
    out: &mut Vec<Diagnostic>,
) {
    for e in schema.validator().iter_errors(instance) {
        let at = format!("{pointer}{}", e.instance_path().as_str());
        out.push(
            err(
                file,
                &at,
                "example-schema",
                format!("{what} does not match its schema: {e}"),
            )
            .expected(format!(
                "a value valid at schema path {}",
                e.schema_path().as_str()
            )),
        );
    }
}

/// Warnings where a page's examples disagree with its tables.
pub fn agree_with_tables(
    op: &Operation,
    service: &Service,
    file: &SourceFile,
    warnings: &mut Vec<Diagnostic>,
) {
    let code_field = &service.errors.code_field;
    let msg_field = &service.errors.message_field;
    for (i, ex) in op.error_examples.iter().enumerate() {
        let Some(code) = super::pointer::get(&ex.body, code_field) else {
            continue;
        };
        let ptr = format!("/error_examples/{i}/body/{}", escape_token(code_field));
        let text = code_text(code);
        let exact = op.errors.iter().find(|e| e.code == *code);
        let trimmed = op.errors.iter().find(|e| e.code_text() == text.trim());
        match (exact, trimmed) {
            (Some(doc), _) => {
                if let (Some(m), Some(documented)) = (
                    super::pointer::get(&ex.body, msg_field).and_then(Value::as_str),
                    &doc.message,
                ) && m != documented
                {
                    warnings.push(warn(file, &format!("/error_examples/{i}/body/{}", escape_token(msg_field)), "example-table", format!("the example's message {m:?} differs from the table's {documented:?} for `{text}`")));
                }
                if let (Some(s), Some(documented)) = (ex.status, doc.status)
                    && s != documented
                {
                    warnings.push(warn(file, &format!("/error_examples/{i}/status"), "example-table", format!("the example's status {s} differs from the table's {documented} for `{text}`")));
                }
            }
            (None, Some(doc)) => warnings.push(
                warn(
                    file,
                    &ptr,
                    "example-table",
                    format!(
                        "the page's error example has code {text:?}, but its table says `{}`",
                        doc.code_text()
                    ),
                )
                .hint(
                    "the example's code has surrounding white space; servers send the table's code",
                )
                .expected(format!("`{}`", doc.code_text())),
            ),
            (None, None) => warnings.push(warn(
                file,
                &ptr,
                "example-table",
                format!(
                    "the page's error example has code {text:?}, which its table does not list"
                ),
            )),
        }
    }
}
