//! Which sequences the generic mock can honour. It knows no business rule beyond the spec's
//! triggers: a success consumes a destructive operation's fixture, a consumed fixture's values
//! then get the operation's `unknown` error, a trigger fixture gets its error. A sequence whose
//! steps expect exactly that is honoured; any other (a rule of the vendor's, bound or captured
//! values, another service) is not, with the reason, so the harness lists it as ignored.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::contract::{Expect, ExpectWord, Operation, Sequence, SpecSet, Trigger, code_text};

/// What the generic mock would answer a step.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Predicted {
    Success,
    Error(Value),
}

/// `Ok` when the generic mock answers every step of `seq` (of an operation of `service`) as
/// it expects; otherwise why not.
///
/// # Errors
/// The reason, for the harness's list of ignored cases.
pub fn honours(specs: &SpecSet, service: &str, seq: &Sequence) -> Result<(), String> {
    let mut consumed: BTreeSet<String> = BTreeSet::new();
    for (i, step) in seq.steps.iter().enumerate() {
        let n = i + 1;
        let Some(op) = specs.operation(&step.call) else {
            return Err(format!(
                "step {n} calls `{}`, which the specs do not declare",
                step.call
            ));
        };
        if op.service != service {
            return Err(format!(
                "step {n} calls `{}` of service {}: the generic mock of {service} serves its own service only",
                step.call, op.service
            ));
        }
        if !step.bind.is_empty() || !step.capture.is_empty() {
            return Err(format!(
                "step {n} binds or captures values: the generic mock knows no rule relating the fixtures' values"
            ));
        }
        let predicted = predict(specs, op, &step.fixture, &consumed);
        let fits = match (&step.expect, &predicted) {
            (Expect::Word(ExpectWord::Documented), _) => true,
            (Expect::Word(ExpectWord::Success), Predicted::Success) => true,
            (Expect::Error { error }, Predicted::Error(code)) => {
                code_text(error) == code_text(code)
            }
            _ => false,
        };
        if !fits {
            let would = match &predicted {
                Predicted::Success => "its documented success".to_string(),
                Predicted::Error(c) => format!("error {}", code_text(c)),
            };
            return Err(format!(
                "step {n} ({} on {}) expects a rule of the service the spec does not state as a trigger: the generic mock would answer {would}",
                step.call, step.fixture
            ));
        }
        if predicted == Predicted::Success && op.destructive {
            consumed.insert(step.fixture.clone());
        }
    }
    Ok(())
}

fn predict(
    specs: &SpecSet,
    op: &Operation,
    fixture: &str,
    consumed: &BTreeSet<String>,
) -> Predicted {
    let values = specs
        .services
        .get(&op.service)
        .and_then(|s| s.fixtures.get(fixture))
        .map(|f| f.values.clone())
        .unwrap_or_default();
    let is_consumed = consumed.contains(fixture);
    for e in &op.errors {
        let hit = e.all_triggers().into_iter().any(|t| match t {
            Trigger::Unknown(v) => is_consumed && values.contains(v),
            Trigger::Fixture(f) => !is_consumed && f == fixture,
            Trigger::Input(_) | Trigger::NotProvokable(_) | Trigger::Todo(_) => false,
        });
        if hit {
            return Predicted::Error(e.code.clone());
        }
    }
    Predicted::Success
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(dir: &str) -> SpecSet {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        crate::contract::load(&root).expect("specs").specs
    }

    #[test]
    fn consumption_and_trigger_fixtures_are_all_it_knows() {
        let pets = load("examples/petstore/specs");
        let seq =
            |v: serde_json::Value| -> Sequence { serde_json::from_value(v).expect("sequence") };
        assert_eq!(
            honours(
                &pets,
                "pets",
                &pets.operation("delete_pet").expect("op").sequences[0]
            ),
            Ok(())
        );
        let refused_then_gone = seq(serde_json::json!({"name": "x", "steps": [
            {"call": "delete_pet", "fixture": "pet_with_open_orders", "expect": {"error": "PET.409"}},
            {"call": "get_pet", "fixture": "pet_with_open_orders", "expect": "success"},
            {"call": "delete_pet", "fixture": "pet_with_open_orders", "expect": "documented"}
        ]}));
        assert_eq!(honours(&pets, "pets", &refused_then_gone), Ok(()));
        let rule = seq(serde_json::json!({"name": "x", "steps": [
            {"call": "delete_pet", "fixture": "pet_with_open_orders", "expect": "success"}
        ]}));
        let why = honours(&pets, "pets", &rule).expect_err("a business rule");
        assert!(why.contains("would answer error PET.409"), "{why}");
        let other = seq(serde_json::json!({"name": "x", "steps": [
            {"call": "place_order", "fixture": "available_pet", "expect": "success"}
        ]}));
        assert!(
            honours(&pets, "pets", &other)
                .expect_err("another service")
                .contains("service store")
        );
        let shipped = load("specs");
        let del = shipped.operation("delete_organization").expect("op");
        let parent = del
            .sequences
            .iter()
            .find(|s| s.name == "parent_deletable_after_child")
            .expect("seq");
        assert!(honours(&shipped, "oneaccess", parent).is_err());
    }
}
