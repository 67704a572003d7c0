//! Runs one case against a target: prepares each request, adds credentials, sends it, and
//! evaluates the expectation. Property cases drive proptest's runner directly, with a seed
//! per case, shrinking failures to a minimal input that is re-checked before it is reported.

use std::sync::Mutex;

use proptest::strategy::{BoxedStrategy, Strategy};
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};
use serde_json::Value;

use super::client::Client;
use super::credentials::apply_cred;
use super::error::HarnessError;
use super::request::{Prepared, prepare};
use super::runtime::runtime;
use super::target::Target;
use crate::check::{Failure, Observed, Promises};
use crate::generate::strategy::{
    Input, invalid_field_body, malformed_body, non_object_body, parses_valid, path_value,
    unknown_value, valid_value,
};
use crate::generate::{BodyOverride, Call, Case, Expect, Plan, Property};
use crate::spec::{Operation, Service, SpecSet, code_text};

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

/// Property-test settings (from `CONTRACT_PROPTEST_CASES` and `CONTRACT_SEED`).
#[derive(Debug, Clone, Copy)]
pub struct PropSettings {
    /// Inputs per property.
    pub cases: u32,
    /// Seed of the whole run.
    pub seed: u64,
}

impl PropSettings {
    /// The default is deterministic: 32 inputs per property, seed 0xC0FFEE.
    pub fn from_env() -> Self {
        let var = |k: &str| std::env::var(k).ok();
        Self {
            cases: var("CONTRACT_PROPTEST_CASES")
                .and_then(|v| v.parse().ok())
                .unwrap_or(32),
            seed: var("CONTRACT_SEED")
                .and_then(|v| {
                    v.strip_prefix("0x")
                        .map_or_else(|| v.parse().ok(), |h| u64::from_str_radix(h, 16).ok())
                })
                .unwrap_or(0x00C0_FFEE),
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
    Error(String),
}

/// A case's result.
#[derive(Debug)]
pub struct Outcome {
    /// The verdict.
    pub verdict: Verdict,
    /// Exchanges of documented cases, for snapshots and coverage.
    pub exchanges: Vec<Exchange>,
}

fn op_and_service<'s>(
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
    let failures = Promises { op, service }.evaluate(&response, expect);
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
        } => run_property(ctx, case, base, property, call),
        Plan::Shape { code } => check_shape(ctx, case, code),
    };
    drop(instance);
    outcome
}

fn error(e: HarnessError) -> Outcome {
    Outcome {
        verdict: Verdict::Error(e.to_string()),
        exchanges: Vec::new(),
    }
}

fn finish(
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

fn run_sequence(ctx: &Ctx<'_>, base: Option<&str>, steps: &[(Call, Expect)]) -> Outcome {
    let mut exchanges = Vec::new();
    for (i, (call, expect)) in steps.iter().enumerate() {
        match runtime().block_on(exchange(ctx, base, call, expect)) {
            Ok((ex, failures)) => {
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

fn check_shape(ctx: &Ctx<'_>, case: &Case, code: &Value) -> Outcome {
    let Ok((op, service)) = op_and_service(ctx.specs, &case.operation) else {
        return error(HarnessError::Transport("unknown operation".into()));
    };
    let mut failures = Vec::new();
    let examples: Vec<&Value> = op
        .error_examples
        .iter()
        .map(|e| &e.body)
        .filter(|b| b.get(&service.errors.code_field) == Some(code))
        .collect();
    if examples.is_empty() {
        failures.push(Failure::new(
            "error_shape",
            &case.spec_at,
            format!("an error example of {}", code_text(code)),
            "none in the spec",
        ));
    }
    for body in examples {
        let obs = Observed::new(
            op.errors
                .iter()
                .find(|e| e.code == *code)
                .and_then(|e| e.status)
                .unwrap_or(500),
            Vec::new(),
            body.to_string().into_bytes(),
        );
        failures.extend(
            Promises { op, service }
                .evaluate(&obs, &Expect::Error(code.clone()))
                .into_iter()
                .filter(|f| f.rule != "not_a_server_error"),
        );
    }
    finish(Vec::new(), failures, None)
}

/// A seed per case, from the run's seed and the case name: properties are independent and
/// each reproducible on its own.
fn case_rng(seed: u64, name: &str) -> TestRng {
    let digest = crate::mock::auth::sha256_hex(&[&seed.to_le_bytes(), name.as_bytes()]);
    let mut bytes = [0u8; 32];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = u8::from_str_radix(&digest[i * 2..i * 2 + 2], 16).unwrap_or(0);
    }
    TestRng::from_seed(RngAlgorithm::ChaCha, &bytes)
}

type Scope = Box<dyn Fn(&Input) -> Result<String, String> + Send + Sync>;

struct PropertySetup {
    strategy: BoxedStrategy<Input>,
    expect: Expect,
    /// Whether an input belongs to the property: `Ok(what makes it so)` or `Err(why not)` (a
    /// valid body in an invalid-input property). Applied before sending, and again to the
    /// shrunk input before it is reported.
    scope: Scope,
}

fn any_input() -> Scope {
    Box::new(|_| Ok(String::new()))
}

fn body_input(body: BodyOverride) -> Input {
    Input {
        values: Default::default(),
        body: Some(body),
    }
}

fn setup(ctx: &Ctx<'_>, op: &Operation, property: &Property) -> Option<PropertySetup> {
    let body = op.request.body.json();
    match property {
        Property::InvalidBody { field } => {
            let b = body?;
            let validator = b.compiled.0.clone()?;
            let scope: Scope = Box::new(move |i| match &i.body {
                Some(BodyOverride::Json(v)) => match validator.iter_errors(v).next() {
                    Some(e) => {
                        let at = e.instance_path().as_str();
                        let at = if at.is_empty() { "/" } else { at };
                        Ok(format!(
                            "violates the request schema at {at}: {}",
                            e.masked()
                        ))
                    }
                    None => Err("valid under the request schema".into()),
                },
                _ => Err("no JSON body".into()),
            });
            Some(PropertySetup {
                strategy: match field {
                    Some(f) => invalid_field_body(&b.schema, f),
                    None => non_object_body(),
                }
                .prop_map(|v| body_input(BodyOverride::Json(v)))
                .boxed(),
                expect: Expect::Rejected,
                scope,
            })
        }
        Property::MalformedBody => {
            let b = body?;
            let validator = b.compiled.0.clone()?;
            let json_ct = op
                .request
                .content_type
                .clone()
                .unwrap_or_else(|| "application/json".into());
            let scope: Scope = Box::new(move |i| match &i.body {
                Some(BodyOverride::Raw(bytes, ct)) if ct.as_deref() == Some(json_ct.as_str()) => {
                    if parses_valid(bytes, &validator) {
                        Err("well-formed and valid".into())
                    } else {
                        Ok("is not a valid JSON body".into())
                    }
                }
                Some(BodyOverride::Raw(_, ct)) => Ok(format!(
                    "is sent with Content-Type {} where the page requires {json_ct}",
                    ct.as_deref().unwrap_or("(none)")
                )),
                _ => Err("no raw body".into()),
            });
            Some(PropertySetup {
                strategy: malformed_body(&b.schema, op.request.content_type.clone())
                    .prop_map(body_input)
                    .boxed(),
                expect: Expect::Rejected,
                scope,
            })
        }
        Property::UnknownValue { value, code } => {
            let known = ctx.target.all_values(&op.service);
            let name = value.clone();
            Some(PropertySetup {
                strategy: unknown_value(known)
                    .prop_map(move |v| Input {
                        values: [(name.clone(), v)].into(),
                        body: None,
                    })
                    .boxed(),
                expect: Expect::Error(code.clone()),
                scope: any_input(),
            })
        }
        Property::ValidInput => {
            let params = op.path_params();
            let values =
                proptest::collection::vec(proptest::option::of(path_value()), params.len())
                    .prop_map(move |vs| {
                        params
                            .iter()
                            .cloned()
                            .zip(vs)
                            .filter_map(|(k, v)| v.map(|v| (k, v)))
                            .collect::<std::collections::BTreeMap<_, _>>()
                    });
            let body_strategy = match body {
                Some(b) => valid_value(&b.schema)
                    .prop_map(|v| Some(BodyOverride::Json(v)))
                    .boxed(),
                None => proptest::strategy::Just(None).boxed(),
            };
            Some(PropertySetup {
                strategy: (values, body_strategy)
                    .prop_map(|(values, body)| Input { values, body })
                    .boxed(),
                expect: Expect::Documented,
                scope: any_input(),
            })
        }
    }
}

fn run_property(
    ctx: &Ctx<'_>,
    case: &Case,
    base: Option<&str>,
    property: &Property,
    base_call: &Call,
) -> Outcome {
    let Ok((op, _)) = op_and_service(ctx.specs, &case.operation) else {
        return error(HarnessError::Transport("unknown operation".into()));
    };
    let Some(setup) = setup(ctx, op, property) else {
        return error(HarnessError::Transport(format!(
            "{} has no request body to generate",
            op.id
        )));
    };
    let config = Config {
        cases: ctx.proptest.cases,
        failure_persistence: None,
        max_shrink_iters: 512,
        max_global_rejects: 10_000,
        ..Config::default()
    };
    let mut runner = TestRunner::new_with_rng(config, case_rng(ctx.proptest.seed, &case.name));
    let harness_error: Mutex<Option<String>> = Mutex::new(None);
    let call_for = |input: &Input| {
        let mut call = base_call.clone();
        call.values.extend(input.values.clone());
        call.body.clone_from(&input.body);
        call
    };
    let result = runner.run(&setup.strategy, |input| {
        if let Some(why) = (setup.scope)(&input).err() {
            return Err(TestCaseError::reject(why));
        }
        match runtime().block_on(exchange(ctx, base, &call_for(&input), &setup.expect)) {
            Ok((_, failures)) if failures.is_empty() => Ok(()),
            Ok((_, failures)) => Err(TestCaseError::fail(
                failures
                    .iter()
                    .map(|f| f.rule)
                    .collect::<Vec<_>>()
                    .join(", "),
            )),
            Err(e) => {
                *harness_error
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(e.to_string());
                Err(TestCaseError::fail("harness error"))
            }
        }
    });
    if let Some(e) = harness_error
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
    {
        return Outcome {
            verdict: Verdict::Error(e),
            exchanges: Vec::new(),
        };
    }
    match result {
        Ok(()) => finish(Vec::new(), Vec::new(), None),
        Err(TestError::Abort(why)) => {
            error(HarnessError::Transport(format!("property aborted: {why}")))
        }
        Err(TestError::Fail(_, minimal)) => {
            // Re-check the minimal input: still in scope, and still failing.
            let recheck = match (setup.scope)(&minimal) {
                Err(why) => format!(
                    "the minimal input is outside the property ({why}): a harness bug, please report the seed"
                ),
                Ok(what) if what.is_empty() => {
                    "re-checked: the minimal input fails again when sent again".to_string()
                }
                Ok(what) => format!("re-checked: the minimal input still {what}, and fails again"),
            };
            match runtime().block_on(exchange(ctx, base, &call_for(&minimal), &setup.expect)) {
                Ok((ex, failures)) => {
                    let failures = if failures.is_empty() {
                        vec![Failure::new(
                            "flaky",
                            &case.spec_at,
                            "the same answer on a repeated input",
                            "the minimal input passed when sent again",
                        )]
                    } else {
                        failures
                    };
                    Outcome {
                        verdict: Verdict::Failed {
                            failures,
                            exchange: Some(Box::new(ex)),
                            step: None,
                            property: Some(PropertyFailure {
                                input: minimal.to_string(),
                                seed: ctx.proptest.seed,
                                cases: ctx.proptest.cases,
                                recheck,
                            }),
                        },
                        exchanges: Vec::new(),
                    }
                }
                Err(e) => error(e),
            }
        }
    }
}
