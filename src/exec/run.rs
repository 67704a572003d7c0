//! Runs one case against a target: prepares each request, adds credentials, sends it, and
//! evaluates the expectation (property cases are in [`super::property`]).

use std::time::{Duration, Instant};

use serde_json::Value;

use super::capture::take;
use super::client::Client;
use super::credentials::apply_cred;
use super::error::HarnessError;
use super::request::{Prepared, call_values, fill, prepare};
use super::runtime::runtime;
use super::target::{Target, Values};
use crate::check::{Failure, Observed, Promises};
use crate::contract::rules::capture_ref;
use crate::contract::{Operation, Service, SpecSet, code_text};
use crate::generate::{Call, Case, Expect, Plan};

/// What a run needs.
pub struct Ctx<'a> {
    /// The specs.
    pub specs: &'a SpecSet,
    /// The target.
    pub target: &'a Target,
    /// The client.
    pub client: &'a Client,
    /// Property settings.
    pub proptest: PropSettings,
}

/// Property-test settings (from `CONTRACT_PROPTEST_CASES`, `CONTRACT_SEED` and
/// `CONTRACT_SHRINK_SECONDS`).
#[derive(Debug, Clone, Copy)]
pub struct PropSettings {
    /// Inputs per property.
    pub cases: u32,
    /// Seed of the whole run.
    pub seed: u64,
    /// Time a property case may spend shrinking a violation.
    pub shrink_budget: Duration,
    /// The run's deadline (`CONTRACT_DEADLINE_SECONDS`): a property case sends no new input
    /// after it.
    pub deadline: Option<Instant>,
}

impl Default for PropSettings {
    /// 32 inputs per property, seed 0xC0FFEE, 5 s of shrinking per case.
    fn default() -> Self {
        Self {
            cases: 32,
            seed: 0x00C0_FFEE,
            shrink_budget: Duration::from_secs(5),
            deadline: None,
        }
    }
}

impl PropSettings {
    /// The settings of this process's environment.
    ///
    /// # Errors
    /// [`HarnessError::Settings`] when a variable has an unusable value.
    pub fn from_env() -> Result<Self, HarnessError> {
        Ok(Self::from_settings(&crate::settings::Settings::from_env()?))
    }

    /// The property-test part of the run's settings (defaults where unset).
    pub fn from_settings(s: &crate::settings::Settings) -> Self {
        let defaults = Self::default();
        Self {
            cases: s.proptest_cases.unwrap_or(defaults.cases),
            seed: s.seed.unwrap_or(defaults.seed),
            shrink_budget: s.shrink.unwrap_or(defaults.shrink_budget),
            deadline: None,
        }
    }
}

/// One request and its response.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// Base URL it went to.
    pub base: String,
    /// The request as sent.
    pub request: Prepared,
    /// The response.
    pub response: Observed,
    /// What was expected.
    pub expect: Expect,
    /// Operation id.
    pub op: String,
}

/// A failed property: the minimal input after shrinking, and how to reproduce it.
#[derive(Debug, Clone)]
pub struct PropertyFailure {
    /// The minimal input.
    pub input: String,
    /// The run's seed.
    pub seed: u64,
    /// Inputs per property.
    pub cases: u32,
    /// What the re-check of the minimal input found.
    pub recheck: String,
    /// Inputs tried while shrinking.
    pub shrink_steps: u32,
    /// Why shrinking stopped before it could simplify further, if it did (the budget).
    pub shrink_stopped: Option<String>,
}

/// How a case ended.
#[derive(Debug)]
pub enum Verdict {
    /// Every promise kept.
    Passed,
    /// The server broke a promise.
    Failed {
        /// The violations.
        failures: Vec<Failure>,
        /// The exchange that showed them.
        exchange: Option<Box<Exchange>>,
        /// For sequences: which step (1-based) of how many.
        step: Option<(usize, usize)>,
        /// For properties.
        property: Option<PropertyFailure>,
    },
    /// The harness could not check (not a verdict on the server).
    Error(HarnessError),
    /// The case could not start: its fixture could not be provisioned, a reset failed, the
    /// run's deadline passed (a harness error, never a pass).
    NotRun(HarnessError),
}

/// A case's result.
#[derive(Debug)]
pub struct Outcome {
    /// The verdict.
    pub verdict: Verdict,
    /// Exchanges of documented cases, for snapshots and coverage.
    pub exchanges: Vec<Exchange>,
}

pub(crate) fn op_and_service<'s>(
    specs: &'s SpecSet,
    id: &str,
) -> Result<(&'s Operation, &'s Service), HarnessError> {
    let op = specs
        .operation(id)
        .ok_or_else(|| HarnessError::Transport(format!("no operation {id}")))?;
    Ok((op, specs.service_of(op)))
}

/// Sends one call and evaluates it: what the runner does for every request.
///
/// # Errors
/// A harness error when the request cannot be prepared or sent.
pub async fn exchange(
    ctx: &Ctx<'_>,
    base_override: Option<&str>,
    call: &Call,
    expect: &Expect,
) -> Result<(Exchange, Vec<Failure>), HarnessError> {
    let (op, service) = op_and_service(ctx.specs, &call.op)?;
    let mut req = prepare(ctx.target, op, service, call)?;
    apply_cred(&mut req, &call.cred, ctx.client, ctx.target, service).await?;
    let base = match base_override {
        Some(b) => b.to_string(),
        None => ctx.target.live_base(&op.service).unwrap_or_default(),
    };
    let response = ctx.client.send(&base, &req).await?;
    // `fields: { account_id: "{{app_user_id}}" }` compares with the value the request named.
    let values = call_values(ctx.target, &op.service, call)?;
    let fields = match fill(&Value::Object(op.success.case.fields.clone()), &values) {
        Value::Object(m) => m,
        _ => op.success.case.fields.clone(),
    };
    let failures = Promises { op, service }.evaluate_with(&response, expect, &fields);
    Ok((
        Exchange {
            base,
            request: req,
            response,
            expect: expect.clone(),
            op: op.id.clone(),
        },
        failures,
    ))
}

/// Runs a case. Must not be called from inside the runtime.
pub fn run_case(ctx: &Ctx<'_>, case: &Case) -> Outcome {
    let instance = match ctx.target.case_instance() {
        Ok(i) => i,
        Err(e) => return error(e),
    };
    let base = instance.as_ref().map(crate::mock::MockServer::base_url);
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

pub(crate) fn error(e: HarnessError) -> Outcome {
    Outcome {
        verdict: Verdict::Error(e),
        exchanges: Vec::new(),
    }
}

pub(crate) fn finish(
    exchanges: Vec<Exchange>,
    failures: Vec<Failure>,
    step: Option<(usize, usize)>,
) -> Outcome {
    let verdict = if failures.is_empty() {
        Verdict::Passed
    } else {
        Verdict::Failed {
            failures,
            exchange: exchanges.last().cloned().map(Box::new),
            step,
            property: None,
        }
    };
    Outcome { verdict, exchanges }
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
    let Ok((op, service)) = op_and_service(ctx.specs, &case.operation) else {
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
        .filter(|e| e.body.get(&service.errors.code_field) == Some(code))
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
