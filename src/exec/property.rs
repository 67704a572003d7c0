//! Property cases: proptest's runner driven directly, one seed per case (from the run's seed
//! and the case name), each generated input sent and checked, and a failing input shrunk to a
//! minimal one that is re-checked before it is reported.

use std::time::Instant;

use proptest::prelude::RngExt;
use proptest::strategy::{BoxedStrategy, Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use super::call::{Ctx, exchange, op_and_service};
use super::error::HarnessError;
use super::outcome::{Outcome, PropertyFailure, Verdict, error, finish};
use super::runtime::runtime;
use crate::check::Failure;
use crate::contract::{Operation, ParamIn};
use crate::generate::live_ids;
use crate::generate::strategy::{
    Input, header_safe, invalid_field_body, invalid_param_value, malformed_body, non_object_body,
    param_json, parses_valid, path_value, unknown_value, valid_param_value, valid_value,
};
use crate::generate::{BodyOverride, Call, Case, Expect, Property};

/// A seed per case, from the run's seed and the case name: properties are independent and
/// each reproducible on its own.
fn case_rng(seed: u64, name: &str) -> TestRng {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(seed.to_le_bytes());
    h.update(name.as_bytes());
    let bytes: [u8; 32] = h.finalize().into();
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
    /// Where the promise of rejection comes from, when not the request body: `(the request
    /// body's location, the parameter schema's)` (a query or header parameter's schema).
    relocate: Option<(String, String)>,
}

fn any_input() -> Scope {
    Box::new(|_| Ok(String::new()))
}

fn body_input(body: BodyOverride) -> Input {
    Input {
        body: Some(body),
        ..Input::default()
    }
}

/// The generated query or header parameters of an input.
fn params_of(
    input: &Input,
    location: ParamIn,
) -> &std::collections::BTreeMap<String, Option<String>> {
    match location {
        ParamIn::Header => &input.headers,
        _ => &input.query,
    }
}

/// Why a generated value of a query or header parameter breaks its schema (`Ok`), or why it
/// does not (`Err`): a value is read as [`param_json`] reads it; leaving the parameter out
/// breaks only a required one; a header value that cannot be sent is no input at all.
fn param_violation(
    validator: &jsonschema::Validator,
    schema: &serde_json::Value,
    value: Option<&str>,
    required: bool,
    header: bool,
) -> Result<String, String> {
    match value {
        None if required => Ok("leaves out the required parameter".into()),
        None => Err("left out, and not required".into()),
        Some(text) if header && !header_safe(text) => Err("not sendable as a header value".into()),
        Some(text) => match validator.iter_errors(&param_json(schema, text)).next() {
            Some(e) => Ok(format!("violates the parameter schema: {}", e.masked())),
            None => Err("valid under the parameter schema".into()),
        },
    }
}

/// On a live target every generated id starts with `contract-harness-`, so that a generated
/// request can never name a real object outside the designated fixtures.
fn mark_live(live: bool, v: String) -> String {
    if live { live_ids::mark(&v) } else { v }
}

/// The property's setup; on a live target, a destructive operation's generated ids in the body
/// are marked too (after generation, so that shrinking keeps the mark).
fn setup(ctx: &Ctx<'_>, op: &Operation, property: &Property) -> Option<PropertySetup> {
    let mut s = setup_unmarked(ctx, op, property)?;
    if !ctx.target.is_embedded() && op.destructive {
        let fields = live_ids::id_fields(op);
        s.strategy = s
            .strategy
            .prop_map(move |i| live_ids::mark_input(i, &fields))
            .boxed();
    }
    Some(s)
}

fn setup_unmarked(ctx: &Ctx<'_>, op: &Operation, property: &Property) -> Option<PropertySetup> {
    let body = op.request.body.json();
    let live = !ctx.target.is_embedded();
    match property {
        Property::InvalidBody { field } => {
            let b = body?;
            let validator = b.schema.validator.clone();
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
                    Some(f) => invalid_field_body(&b.schema.raw, f),
                    None => non_object_body(),
                }
                .prop_map(|v| body_input(BodyOverride::Json(v)))
                .boxed(),
                expect: Expect::Rejected,
                scope,
                relocate: None,
            })
        }
        Property::MalformedBody => {
            let b = body?;
            let validator = b.schema.validator.clone();
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
                _ => Err("not a raw body with the JSON Content-Type".into()),
            });
            Some(PropertySetup {
                strategy: malformed_body(
                    &b.schema.raw,
                    op.request
                        .content_type
                        .clone()
                        .unwrap_or_else(|| "application/json".into()),
                )
                .prop_map(body_input)
                .boxed(),
                expect: Expect::Rejected,
                scope,
                relocate: None,
            })
        }
        Property::UnknownValue { value, code } => {
            let known = ctx.target.all_values(&op.service);
            let name = value.clone();
            Some(PropertySetup {
                strategy: unknown_value(known)
                    .prop_map(move |v| Input {
                        values: [(name.clone(), mark_live(live, v))].into(),
                        ..Input::default()
                    })
                    .boxed(),
                expect: Expect::Error(code.clone()),
                scope: any_input(),
                relocate: None,
            })
        }
        Property::InvalidParam { location, name } => {
            let p = op.parameters.get(name)?;
            let compiled = p.schema.clone()?;
            let validator = compiled.validator.clone();
            let schema = compiled.raw;
            let (location, required, header) =
                (*location, p.is_required(), *location == ParamIn::Header);
            let key = name.clone();
            let scope: Scope = Box::new(move |i| match params_of(i, location).get(&key) {
                Some(v) => param_violation(&validator, &schema, v.as_deref(), required, header),
                None => Err("the parameter is not generated".into()),
            });
            let key = name.clone();
            let strategy = invalid_param_value(&p.schema.as_ref()?.raw, required, header)
                .prop_map(move |v| {
                    let mut input = Input::default();
                    let map = match location {
                        ParamIn::Header => &mut input.headers,
                        _ => &mut input.query,
                    };
                    map.insert(key.clone(), v);
                    input
                })
                .boxed();
            let relocate = Some((
                op.locate("/request/body"),
                op.locate(&format!(
                    "/parameters/{}/schema",
                    crate::contract::source::escape_token(name)
                )),
            ));
            Some(PropertySetup {
                strategy,
                expect: Expect::Rejected,
                scope,
                relocate,
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
                            .filter_map(|(k, v)| v.map(|v| (k, mark_live(live, v))))
                            .collect::<std::collections::BTreeMap<_, _>>()
                    });
            let body_strategy = match body {
                Some(b) => valid_value(&b.schema.raw)
                    .prop_map(|v| Some(BodyOverride::Json(v)))
                    .boxed(),
                None => proptest::strategy::Just(None).boxed(),
            };
            let strategy = (values, body_strategy)
                .prop_map(|(values, body)| Input {
                    values,
                    body,
                    ..Input::default()
                })
                .boxed();
            let (strategy, scope) = with_valid_params(op, strategy);
            Some(PropertySetup {
                strategy,
                expect: Expect::Documented,
                scope,
                relocate: None,
            })
        }
    }
}

/// The valid-input strategy with values for the operation's query and header parameters (the
/// strategy as it is when it has none, so that every earlier seed reproduces), and a scope that
/// keeps only inputs whose parameters are valid under their schemas.
fn with_valid_params(
    op: &Operation,
    strategy: BoxedStrategy<Input>,
) -> (BoxedStrategy<Input>, Scope) {
    type Params = Vec<(ParamIn, String, BoxedStrategy<Option<String>>)>;
    let mut params: Params = Vec::new();
    let mut checks = Vec::new();
    for location in [ParamIn::Query, ParamIn::Header] {
        for (name, p) in op.params_in(location) {
            let schema = p
                .schema
                .as_ref()
                .map_or_else(|| serde_json::json!({"type": "string"}), |s| s.raw.clone());
            let header = location == ParamIn::Header;
            params.push((
                location,
                name.clone(),
                valid_param_value(&schema, p.is_required(), header),
            ));
            let validator = p.schema.as_ref().map(|s| s.validator.clone());
            checks.push((location, name.clone(), schema, validator, header));
        }
    }
    if params.is_empty() {
        return (strategy, any_input());
    }
    let mut keys: Vec<(ParamIn, String)> = Vec::new();
    let mut strategies: Vec<BoxedStrategy<Option<String>>> = Vec::new();
    for (l, n, s) in params {
        keys.push((l, n));
        strategies.push(s);
    }
    let strategy = (strategy, strategies)
        .prop_map(move |(mut input, values)| {
            for ((location, name), v) in keys.iter().zip(values) {
                match location {
                    ParamIn::Header => input.headers.insert(name.clone(), v),
                    _ => input.query.insert(name.clone(), v),
                };
            }
            input
        })
        .boxed();
    let scope: Scope = Box::new(move |i| {
        for (location, name, schema, validator, header) in &checks {
            let Some(Some(text)) = params_of(i, *location).get(name) else {
                continue;
            };
            if *header && !header_safe(text) {
                return Err(format!("header {name} is not sendable"));
            }
            if let Some(v) = validator
                && !v.is_valid(&param_json(schema, text))
            {
                return Err(format!("{} {name} is invalid", location.word()));
            }
        }
        Ok(String::new())
    });
    (strategy, scope)
}

/// What one generated input showed.
enum Tried {
    /// Every promise kept.
    Passed,
    /// Not an input of the property (never sent).
    OutOfScope,
    /// A contract violation: the rules broken.
    Violation(String),
    /// No answer to judge (timeout, reset, ...): ends the case at once.
    Harness(HarnessError),
}

/// Shrink steps at most, whatever the budget (proptest's default).
const MAX_SHRINK_STEPS: u32 = 512;

/// Inputs outside the property tolerated before the case gives up (proptest's default).
const MAX_OUT_OF_SCOPE: u32 = 10_000;

pub(crate) fn run_property(
    ctx: &Ctx<'_>,
    case: &Case,
    base: Option<&str>,
    property: &Property,
    base_call: &Call,
) -> Outcome {
    let Ok((op, _)) = op_and_service(ctx.specs, &case.id.op) else {
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
        ..Config::default()
    };
    // proptest's runner gives the random source and the rejection bookkeeping of strategies;
    // the loop is ours, so that a harness error stops the case at once and shrinking keeps to
    // its budget without proptest's own messages.
    let mut runner = TestRunner::new_with_rng(config, case_rng(ctx.proptest.seed, &case.name));
    let probe = Probe {
        ctx,
        case,
        base,
        setup: &setup,
        base_call,
    };
    let mut passed = 0u32;
    let mut out_of_scope = 0u32;
    let past_deadline = || ctx.proptest.deadline.is_some_and(|d| Instant::now() >= d);
    while passed < ctx.proptest.cases {
        if past_deadline() {
            return error(HarnessError::Stopped(format!(
                "the run's deadline (CONTRACT_DEADLINE_SECONDS) passed after {passed} of {} inputs, all of which kept the promise: the case did not finish",
                ctx.proptest.cases
            )));
        }
        // A fresh random source per input, drawn from the case's, as proptest's runner does:
        // inputs are the same as `TestRunner::run` would generate.
        let reseed: [u8; 32] = runner.rng().random();
        *runner.rng() = TestRng::from_seed(RngAlgorithm::ChaCha, &reseed);
        let mut tree = match setup.strategy.new_tree(&mut runner) {
            Ok(t) => t,
            Err(why) => return error(HarnessError::Stopped(format!("property aborted: {why}"))),
        };
        match probe.try_input(&tree.current()) {
            Tried::Passed => passed = passed.saturating_add(1),
            Tried::OutOfScope => {
                if out_of_scope >= MAX_OUT_OF_SCOPE {
                    return error(HarnessError::Stopped(format!(
                        "property aborted: {out_of_scope} generated inputs fell outside the property"
                    )));
                }
                out_of_scope = out_of_scope.saturating_add(1);
            }
            Tried::Harness(e) => return error(e),
            Tried::Violation(rules) => {
                return probe.shrink_and_report(&mut tree, &rules);
            }
        }
    }
    finish(Vec::new(), Vec::new(), None)
}

/// What sending generated inputs needs.
struct Probe<'p, 'c> {
    ctx: &'p Ctx<'c>,
    case: &'p Case,
    base: Option<&'p str>,
    setup: &'p PropertySetup,
    base_call: &'p Call,
}

impl Probe<'_, '_> {
    fn call_for(&self, input: &Input) -> Call {
        let mut call = self.base_call.clone();
        call.values.extend(input.values.clone());
        call.body.clone_from(&input.body);
        for (map, generated) in [
            (&mut call.input.query, &input.query),
            (&mut call.input.headers, &input.headers),
        ] {
            for (k, v) in generated {
                map.insert(
                    k.clone(),
                    v.clone()
                        .map_or(serde_json::Value::Null, serde_json::Value::String),
                );
            }
        }
        call
    }

    /// Sends an input of the property and judges the answer.
    fn try_input(&self, input: &Input) -> Tried {
        if (self.setup.scope)(input).is_err() {
            return Tried::OutOfScope;
        }
        let call = self.call_for(input);
        match runtime().block_on(exchange(self.ctx, self.base, &call, &self.setup.expect)) {
            Ok((_, failures)) if failures.is_empty() => Tried::Passed,
            Ok((_, failures)) => Tried::Violation(
                failures
                    .iter()
                    .map(|f| f.rule)
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            Err(e) => Tried::Harness(e),
        }
    }

    /// Shrinks a violating input, re-checks the smallest one found, and reports it.
    fn shrink_and_report(
        &self,
        tree: &mut Box<dyn ValueTree<Value = Input>>,
        rules: &str,
    ) -> Outcome {
        match self.shrink(tree, rules) {
            Ok((steps, stopped)) => self.report(&tree.current(), steps, stopped),
            Err(e) => Outcome {
                verdict: Verdict::Error(e),
                exchanges: Vec::new(),
            },
        }
    }

    /// Walks the tree to the smallest failing input it finds within the shrink budget, the
    /// step limit and the run's deadline: the steps taken and why it stopped early, if it did;
    /// a harness error ends it (the case's error text).
    fn shrink(
        &self,
        tree: &mut Box<dyn ValueTree<Value = Input>>,
        rules: &str,
    ) -> Result<(u32, Option<String>), HarnessError> {
        let ctx = self.ctx;
        let first = tree.current();
        let budget = ctx.proptest.shrink_budget;
        let start = Instant::now();
        let mut steps = 0u32;
        let mut stopped = None;
        // proptest's shrinking walk: simplify after a failure, complicate after a pass.
        if tree.simplify() {
            loop {
                let limit = if steps >= MAX_SHRINK_STEPS {
                    Some(format!(
                        "shrinking stopped after {steps} steps (the harness's limit)"
                    ))
                } else if start.elapsed() >= budget {
                    Some(format!(
                        "shrinking stopped when its budget of {} s (CONTRACT_SHRINK_SECONDS) ran out, after {steps} steps: this is the smallest failing input found so far",
                        budget.as_secs_f64()
                    ))
                } else if ctx.proptest.deadline.is_some_and(|d| Instant::now() >= d) {
                    Some(format!(
                        "shrinking stopped when the run's deadline (CONTRACT_DEADLINE_SECONDS) passed, after {steps} steps: this is the smallest failing input found so far"
                    ))
                } else {
                    None
                };
                if limit.is_some() {
                    // Back to the most recent failing input.
                    while tree.complicate() {}
                    stopped = limit;
                    break;
                }
                steps = steps.saturating_add(1);
                match self.try_input(&tree.current()) {
                    Tried::Passed | Tried::OutOfScope => {
                        if !tree.complicate() {
                            break;
                        }
                    }
                    Tried::Violation(_) => {
                        if !tree.simplify() {
                            break;
                        }
                    }
                    Tried::Harness(e) => {
                        return Err(HarnessError::WhileShrinking {
                            rules: rules.to_string(),
                            first: first.to_string(),
                            cause: Box::new(e),
                        });
                    }
                }
            }
        }
        Ok((steps, stopped))
    }

    /// Sends the minimal input again and reports the violation with it.
    fn report(&self, minimal: &Input, steps: u32, stopped: Option<String>) -> Outcome {
        let (ctx, case, base, setup) = (self.ctx, self.case, self.base, self.setup);
        // Re-check the minimal input: still in scope, and still failing.
        let recheck = match (setup.scope)(minimal) {
            Err(why) => format!(
                "the minimal input is outside the property ({why}): a harness bug, please report the seed"
            ),
            Ok(what) if what.is_empty() => {
                "re-checked: the minimal input fails again when sent again".to_string()
            }
            Ok(what) => format!("re-checked: the minimal input still {what}, and fails again"),
        };
        let call = self.call_for(minimal);
        match runtime().block_on(exchange(ctx, base, &call, &setup.expect)) {
            Ok((ex, mut failures)) => {
                if let Some((body, param)) = &setup.relocate {
                    for f in failures.iter_mut().filter(|f| f.spec_at == *body) {
                        f.spec_at.clone_from(param);
                    }
                }
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
                            shrink_steps: steps,
                            shrink_stopped: stopped,
                        }),
                    },
                    exchanges: Vec::new(),
                }
            }
            Err(e) => error(e),
        }
    }
}
