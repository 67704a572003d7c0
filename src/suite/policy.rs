//! Which cases run on a target: the reasons a case cannot (a fixture or credential the target
//! lacks, an undesignated destructive fixture, an exhausted pool), the pool entry each
//! consuming case takes, and which cases libtest-mimic's filter selects.

use std::collections::BTreeMap;

use libtest_mimic::Arguments;

use crate::contract::SpecSet;
use crate::exec::Target;
use crate::exec::auth::role_needed;
use crate::generate::{self, Case, Cred, Plan};

/// Why a case cannot run on this target, if so.
pub(crate) fn ignore_reason(case: &Case, specs: &SpecSet, target: &Target) -> Option<String> {
    if let Some(r) = &case.ignore {
        return Some(r.clone());
    }
    // A spec's sequence the embedded target cannot check (a business rule it does not know).
    if case.id.kind == generate::Kind::Stateful
        && let Some(seq) = specs
            .operation(&case.id.op)
            .and_then(|op| op.sequences.iter().find(|s| s.name == case.id.detail))
        && let Some(r) = target.sequence_refusal(&case.id.service, seq)
    {
        return Some(r);
    }
    let calls: Vec<&generate::Call> = match &case.plan {
        Plan::Single { call, .. } => vec![call],
        Plan::Sequence { steps } => steps.iter().map(|(c, _)| c).collect(),
        Plan::Property { base, .. } => vec![base],
        Plan::Shape { .. } => vec![],
    };
    let service = specs.services.get(&case.id.service);
    for call in &calls {
        if let Some(r) = target.fixture_refusal(&case.id.service, &call.fixture) {
            return Some(r);
        }
        let declared = service.and_then(|s| s.fixtures.get(&call.fixture));
        if let Some(missing) =
            declared.and_then(|d| target.fixture_lacks(&case.id.service, &call.fixture, &d.values))
        {
            return Some(missing);
        }
        // Some variants are made from a real credential (a signed request's token, basic's
        // username): the scheme says which role.
        let role = match service {
            Some(s) => role_needed(&s.auth, &call.cred),
            None => match &call.cred {
                Cred::Role(r) => Some(r.as_str()),
                _ => None,
            },
        };
        if let Some(r) = role.and_then(|role| target.role_refusal(&case.id.service, role)) {
            return Some(r);
        }
        let expired = target
            .credentials
            .get(&case.id.service)
            .and_then(|r| r.get("expired"));
        if call.cred == Cred::Expired && expired.is_some_and(|v| !v.contains_key("token")) {
            return Some(format!(
                "the `expired` credential of {} must be a ready (expired) `token`: a flow would fetch a fresh one",
                case.id.service
            ));
        }
    }
    let destructive = calls
        .iter()
        .any(|c| specs.operation(&c.op).is_some_and(|o| o.destructive));
    if destructive {
        return target.destructive_refusal(&case.id.service, &case.fixtures());
    }
    None
}

/// Whether a case consumes its fixture when the server is correct (see
/// [`Case::consumes_fixture`]).
pub(crate) fn consumes(case: &Case) -> bool {
    case.consumes_fixture()
}

/// On a live target every destructive case that consumes its fixture gets an entry of the
/// fixture's pool of its own, in case order (deterministic, so that every process agrees); the
/// last entry is kept for the cases that do not consume it. A consumer past the end of a pool
/// is ignored with the reason.
pub(crate) fn assign_pool_entries(cases: &mut [Case], specs: &SpecSet, target: &Target) {
    let mut next: BTreeMap<(String, String), usize> = BTreeMap::new();
    for case in cases.iter_mut() {
        let service = case.id.service.clone();
        let destructive = case
            .calls_mut()
            .iter()
            .any(|c| specs.operation(&c.op).is_some_and(|o| o.destructive));
        if !destructive || case.ignore.is_some() {
            continue;
        }
        let fixtures: Vec<String> = case.fixtures().into_iter().map(str::to_string).collect();
        let consumer = consumes(case);
        for f in &fixtures {
            if target.takes_no_pool_entry(&service, f) {
                continue;
            }
            let len = target.pool_len(&service, f);
            let index = if consumer {
                let slot = next.entry((service.clone(), f.clone())).or_insert(0);
                let index = *slot;
                *slot += 1;
                if index + 1 >= len {
                    case.ignore = Some(format!(
                        "fixture pool {service}/{f} has {len} entries: the last is kept for cases that do not consume it, and this case needs one of its own"
                    ));
                }
                index
            } else {
                len.saturating_sub(1)
            };
            for call in case.calls_mut() {
                if call.fixture == *f {
                    call.pool = index;
                }
            }
        }
    }
}

/// Whether libtest-mimic's filter, `--exact` and `--skip` select `name`.
pub(crate) fn selected(args: &Arguments, name: &str) -> bool {
    let matches = |pattern: &str| {
        if args.exact {
            name == pattern
        } else {
            name.contains(pattern)
        }
    };
    args.filter.as_deref().is_none_or(matches) && !args.skip.iter().any(|s| matches(s))
}
