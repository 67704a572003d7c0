//! The HTTP status is the documented one.

use super::{At, Failure, Observed};
use crate::contract::Statuses;

/// Fails unless the status is `expected`.
pub fn status_code(obs: &Observed, expected: u16, spec_at: &At<'_>) -> Option<Failure> {
    (obs.status != expected).then(|| {
        Failure::new(
            "status_code",
            &spec_at.render(),
            format!("HTTP {expected}"),
            format!("HTTP {}", obs.status),
        )
    })
}

/// Fails unless the status is one of `expected` (a documented success that lists several
/// statuses); the failure lists them all.
pub fn status_in(obs: &Observed, expected: &Statuses, spec_at: &At<'_>) -> Option<Failure> {
    (!expected.contains(obs.status)).then(|| {
        Failure::new(
            "status_code",
            &spec_at.render(),
            format!("HTTP {expected}"),
            format!("HTTP {}", obs.status),
        )
    })
}

/// Fails unless the status is a 4xx.
pub fn client_error(obs: &Observed, spec_at: &At<'_>, why: &str) -> Option<Failure> {
    (!(400..500).contains(&obs.status)).then(|| {
        Failure::new(
            "status_code",
            &spec_at.render(),
            format!("a 4xx status ({why})"),
            format!("HTTP {}", obs.status),
        )
    })
}
