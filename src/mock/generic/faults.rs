//! The fault catalogue derived from a service's specs: for each operation, a wrong success
//! status, a success missing a required field, auth skipped, consumption not persisted
//! (destructive operations); for each documented error, a wrong status, a wrong code and a
//! changed message. Names are stable and readable (`delete_pet-PET.404-wrong-status`) and
//! parse back against the same specs.

use std::fmt;

use serde_json::{Value, json};

use super::error::GenericError;
use crate::contract::{Operation, SpecSet, Trigger};

/// What a derived fault does wrong.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FaultKind {
    /// The success comes with a status the spec does not list.
    SuccessWrongStatus,
    /// The success body lacks this required field.
    SuccessMissingField(String),
    /// Any credential (or none) is accepted.
    AuthSkipped,
    /// A destructive success answers but consumes nothing.
    ConsumptionNotPersisted,
    /// This documented error comes with another status.
    ErrorWrongStatus(String),
    /// This documented error comes with another code.
    ErrorWrongCode(String),
    /// This documented error comes with another message.
    ErrorChangedMessage(String),
}

/// One derived fault: an operation and what it does wrong there.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GenericFault {
    /// Operation id.
    pub op: String,
    /// What goes wrong.
    pub kind: FaultKind,
}

impl GenericFault {
    /// Every fault derived from `service`'s operations, in spec order.
    pub fn catalogue(specs: &SpecSet, service: &str) -> Vec<GenericFault> {
        let mut out = Vec::new();
        for op in specs.operations.iter().filter(|o| o.service == service) {
            let f = |kind| GenericFault {
                op: op.id.clone(),
                kind,
            };
            if op.success.status.is_some() {
                out.push(f(FaultKind::SuccessWrongStatus));
            }
            if let Some(field) = first_required(op) {
                out.push(f(FaultKind::SuccessMissingField(field)));
            }
            out.push(f(FaultKind::AuthSkipped));
            if op.destructive {
                out.push(f(FaultKind::ConsumptionNotPersisted));
            }
            // An error none of whose triggers the mock acts on (`not_provokable`, `todo`, or
            // none at all) is never answered: a fault there would change nothing.
            for e in op.errors.iter().filter(|e| answered(e)) {
                let code = e.code_text();
                if e.status.is_some() {
                    out.push(f(FaultKind::ErrorWrongStatus(code.clone())));
                }
                out.push(f(FaultKind::ErrorWrongCode(code.clone())));
                if e.message.is_some() {
                    out.push(f(FaultKind::ErrorChangedMessage(code)));
                }
            }
        }
        out
    }

    /// The fault of `service`'s catalogue named `name`.
    ///
    /// # Errors
    /// [`GenericError::UnknownFault`] when the catalogue has no such name.
    pub fn parse(specs: &SpecSet, service: &str, name: &str) -> Result<GenericFault, GenericError> {
        Self::catalogue(specs, service)
            .into_iter()
            .find(|f| f.name() == name)
            .ok_or_else(|| GenericError::UnknownFault {
                service: service.to_string(),
                name: name.to_string(),
            })
    }

    /// Its name: `<op>-success-wrong-status`, `<op>-success-missing-<field>`,
    /// `<op>-auth-skipped`, `<op>-consumption-not-persisted`, `<op>-<code>-wrong-status`,
    /// `<op>-<code>-wrong-code`, `<op>-<code>-changed-message`.
    pub fn name(&self) -> String {
        let op = &self.op;
        match &self.kind {
            FaultKind::SuccessWrongStatus => format!("{op}-success-wrong-status"),
            FaultKind::SuccessMissingField(f) => format!("{op}-success-missing-{f}"),
            FaultKind::AuthSkipped => format!("{op}-auth-skipped"),
            FaultKind::ConsumptionNotPersisted => format!("{op}-consumption-not-persisted"),
            FaultKind::ErrorWrongStatus(c) => format!("{op}-{c}-wrong-status"),
            FaultKind::ErrorWrongCode(c) => format!("{op}-{c}-wrong-code"),
            FaultKind::ErrorChangedMessage(c) => format!("{op}-{c}-changed-message"),
        }
    }

    /// The kind of violation, as the vendor catalogue words it.
    pub fn kind_word(&self) -> &'static str {
        match self.kind {
            FaultKind::SuccessWrongStatus => "wrong success status",
            FaultKind::SuccessMissingField(_) => "missing field",
            FaultKind::AuthSkipped => "auth check skipped",
            FaultKind::ConsumptionNotPersisted => "change not persisted",
            FaultKind::ErrorWrongStatus(_) => "wrong error status",
            FaultKind::ErrorWrongCode(_) => "wrong error code",
            FaultKind::ErrorChangedMessage(_) => "changed message",
        }
    }

    /// One line saying what the mock then does wrong.
    pub fn description(&self) -> String {
        let op = &self.op;
        match &self.kind {
            FaultKind::SuccessWrongStatus => {
                format!("{op}'s success comes with an undocumented status")
            }
            FaultKind::SuccessMissingField(f) => {
                format!("{op}'s success body lacks the required field {f}")
            }
            FaultKind::AuthSkipped => format!("{op} accepts any credential, or none"),
            FaultKind::ConsumptionNotPersisted => {
                format!("{op} answers its success but the fixture stays")
            }
            FaultKind::ErrorWrongStatus(c) => format!("{op}'s {c} comes with another status"),
            FaultKind::ErrorWrongCode(c) => format!("{op}'s {c} comes with another code"),
            FaultKind::ErrorChangedMessage(c) => {
                format!("{op}'s {c} comes with an undocumented message")
            }
        }
    }
}

impl fmt::Display for GenericFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// Whether the mock ever answers this error: some trigger of it is one a request can match.
fn answered(e: &crate::contract::DocError) -> bool {
    e.all_triggers()
        .iter()
        .any(|t| !matches!(t, Trigger::NotProvokable(_) | Trigger::Todo(_)))
}

/// The first required field of the success body's schema.
pub fn first_required(op: &Operation) -> Option<String> {
    op.success
        .body
        .json()
        .and_then(|b| b.schema.raw.get("required"))
        .and_then(Value::as_array)
        .and_then(|r| r.first())
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// A status that is not `documented` (for the wrong-status faults).
pub fn other_status(documented: &[u16]) -> u16 {
    [400, 422, 200, 201, 204, 409]
        .into_iter()
        .find(|s| !documented.contains(s))
        .unwrap_or(418)
}

/// A code that is not `code`, of the same JSON type.
pub fn other_code(code: &Value) -> Value {
    match code {
        Value::Number(n) => json!(n.as_i64().map_or(1, |i| i.wrapping_add(1))),
        other => json!(format!(
            "{}.UNDOCUMENTED",
            crate::contract::code_text(other)
        )),
    }
}

/// The message of a changed-message fault (matches no documented message but `{0}` alone).
pub const CHANGED_MESSAGE: &str = "An undocumented message";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_values_differ() {
        assert_eq!(other_status(&[400]), 422);
        assert_eq!(other_status(&[204]), 400);
        assert_eq!(other_code(&json!(31400)), json!(31401));
        assert_eq!(other_code(&json!("PET.404")), json!("PET.404.UNDOCUMENTED"));
    }

    #[test]
    fn an_error_the_mock_never_answers_has_no_faults() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut specs = crate::contract::load(&root.join("examples/petstore/specs"))
            .expect("specs")
            .specs;
        let names = |specs: &SpecSet| -> Vec<String> {
            GenericFault::catalogue(specs, "store")
                .iter()
                .map(GenericFault::name)
                .collect()
        };
        assert!(names(&specs).contains(&"place_order-ORDER.400-wrong-code".to_string()));
        let op = specs
            .operations
            .iter_mut()
            .find(|o| o.id == "place_order")
            .expect("place_order");
        let e = op
            .errors
            .iter_mut()
            .find(|e| e.code_text() == "ORDER.400")
            .expect("ORDER.400");
        e.trigger = Some(Trigger::Todo("which body".into()));
        let without = names(&specs);
        assert!(
            !without.iter().any(|n| n.contains("ORDER.400")),
            "{without:?}"
        );
        assert!(without.contains(&"place_order-ORDER.404-wrong-code".to_string()));
    }
}
