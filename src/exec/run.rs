//! Runs one case against a target: a single call, a sequence of steps, a documented shape,
//! or a property (in [`super::property`]), each built of [`super::call::exchange`].

use serde_json::Value;

use super::call::{Ctx, exchange, op_and_service};
use super::capture::take;
use super::error::HarnessError;
use super::outcome::{Exchange, Outcome, error, finish};
use super::runtime::runtime;
use super::values::Values;
use crate::check::{Failure, Observed, Promises};
use crate::contract::code_text;
use crate::contract::rules::capture_ref;
use crate::generate::{Call, Case, Expect, Plan};

/// Runs a case. Must not be called from inside the runtime.
pub fn run_case(ctx: &Ctx<'_>, case: &Case) -> Outcome {
    let instance = match ctx.target.case_instance(&case.id.service) {
        Ok(i) => i,
        Err(e) => return error(e),
    };
    let base = instance.as_ref().map(|i| i.base_url());
    let base = base.as_deref();
    let outcome = match &case.plan {
        Plan::Single { call, expect, .. } => {
            match runtime().block_on(exchange(ctx, base, call, expect)) {
                Ok((ex, failures)) => finish(vec![ex], failures, None),
                Err(e) => error(e),
            }
        }
        Plan::Sequence { steps } => run_sequence(ctx, base, steps),
        Plan::Property {
            property,
            base: call,
        } => super::property::run_property(ctx, case, base, property, call),
        Plan::Shape { code } => check_shape(ctx, case, code),
    };
    drop(instance);
    outcome
}

/// A step's call with the values earlier steps captured in place of its `{{name}}` binds.
fn with_captures(call: &Call, captured: &Values, step: usize) -> Result<Call, HarnessError> {
    let mut call = call.clone();
    let refs: Vec<(String, String)> = call
        .bind
        .iter()
        .filter_map(|(to, from)| capture_ref(from).map(|n| (to.clone(), n.to_string())))
        .collect();
    for (to, name) in refs {
        let value = captured.get(&name).ok_or_else(|| {
            HarnessError::Sequence(format!(
                "step {step} binds `{to}` to `{{{{{name}}}}}`, which no earlier step captured"
            ))
        })?;
        call.bind.remove(&to);
        call.values.insert(to, value.clone());
    }
    Ok(call)
}

fn run_sequence(ctx: &Ctx<'_>, base: Option<&str>, steps: &[(Call, Expect)]) -> Outcome {
    let mut exchanges: Vec<Exchange> = Vec::new();
    let mut captured = Values::new();
    for (i, (call, expect)) in steps.iter().enumerate() {
        let call = match with_captures(call, &captured, i + 1) {
            Ok(c) => c,
            Err(e) => return error(e),
        };
        let call = &call;
        // After a refusal the documented success is asserted; after a success, recorded.
        let expect = match (expect, exchanges.last()) {
            (Expect::AfterRefusal, Some(prev)) => match op_and_service(ctx.specs, &prev.op) {
                Ok((op, service)) if !(Promises { op, service }).is_success(&prev.response) => {
                    &Expect::Success
                }
                _ => &Expect::Documented,
            },
            _ => expect,
        };
        match runtime().block_on(exchange(ctx, base, call, expect)) {
            Ok((ex, failures)) => {
                if failures.is_empty() {
                    for (name, source) in &call.capture {
                        match take(&ex.response, source) {
                            Some(v) => {
                                captured.insert(name.clone(), v);
                            }
                            None => {
                                return error(HarnessError::Sequence(format!(
                                    "step {} of {}: capture `{name}` ({source}) found no string or number in the response (HTTP {})",
                                    i + 1,
                                    steps.len(),
                                    ex.response.status
                                )));
                            }
                        }
                    }
                }
                exchanges.push(ex);
                if !failures.is_empty() {
                    return finish(exchanges, failures, Some((i + 1, steps.len())));
                }
            }
            Err(e) => return error(e),
        }
    }
    finish(exchanges, Vec::new(), None)
}

/// An error only the server itself can cause (DAYU.3531): the page's example response must
/// have the documented status, code, message and error shape. This checks the spec, not the
/// server; a 5xx the server sends to a client is a failure wherever it appears.
fn check_shape(ctx: &Ctx<'_>, case: &Case, code: &Value) -> Outcome {
    let Ok((op, service)) = op_and_service(ctx.specs, &case.id.op) else {
        return error(HarnessError::Transport("unknown operation".into()));
    };
    let Some((i, doc)) = op.errors.iter().enumerate().find(|(_, e)| e.code == *code) else {
        return error(HarnessError::Transport(format!(
            "no documented error {}",
            code_text(code)
        )));
    };
    let examples: Vec<&crate::contract::ErrorExample> = op
        .error_examples
        .iter()
        .filter(|e| {
            crate::contract::pointer::get(&e.body, &service.errors.code_field) == Some(code)
        })
        .collect();
    let mut failures = Vec::new();
    if examples.is_empty() {
        failures.push(Failure::new(
            "error_shape",
            &case.spec_at,
            format!("an error example of {} to check its shape", code_text(code)),
            "none in the spec",
        ));
    }
    for example in examples {
        let status = example.status.or(doc.status).unwrap_or(500);
        let obs = Observed::new(status, Vec::new(), example.body.to_string().into_bytes());
        failures.extend(Promises { op, service }.error_fields(&obs, i));
    }
    finish(Vec::new(), failures, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captured_values_replace_their_binds_and_a_missing_one_is_an_error() {
        let mut call = Call::success("op", "f");
        call.bind.insert("org_id".into(), "{{created}}".into());
        call.bind.insert("other".into(), "child_org_id".into());
        let captured: Values = [("created".to_string(), "o-9".to_string())].into();
        let c = with_captures(&call, &captured, 2).expect("captured");
        assert_eq!(c.values.get("org_id").map(String::as_str), Some("o-9"));
        assert!(
            !c.bind.contains_key("org_id"),
            "a capture is not a fixture value"
        );
        assert_eq!(
            c.bind.get("other").map(String::as_str),
            Some("child_org_id")
        );
        let e = with_captures(&call, &Values::new(), 2).expect_err("nothing captured");
        assert!(
            e.to_string()
                .contains("step 2 binds `org_id` to `{{created}}`"),
            "{e}"
        );
    }
}
