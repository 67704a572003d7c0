//! One call: what a case needs to send requests (the specs, the target, the client, the
//! property settings), and the exchange every kind of case is built of: prepare the request,
//! add credentials, send it, evaluate the promises on the response.

use std::time::{Duration, Instant};

use serde_json::Value;

use super::auth::{TokenCache, apply_cred};
use super::client::Client;
use super::error::HarnessError;
use super::outcome::Exchange;
use super::request::{call_values, fill, prepare};
use super::target::Target;
use crate::check::{Failure, Promises};
use crate::contract::{Operation, Service, SpecSet};
use crate::generate::{Call, Expect};

/// What a run needs.
pub struct Ctx<'a> {
    /// The specs.
    pub specs: &'a SpecSet,
    /// The target.
    pub target: &'a Target,
    /// The client.
    pub client: &'a Client,
    /// Issued tokens (owned with the client).
    pub tokens: &'a TokenCache,
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
    apply_cred(
        &mut req, &call.cred, ctx.client, ctx.tokens, ctx.target, service,
    )
    .await?;
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
