//! No 5xx in answer to a client's request, whatever the pages document for the server's own
//! failures.

use super::{At, Failure, Observed};

/// Fails on any 5xx.
pub fn not_a_server_error(obs: &Observed, spec_at: &At<'_>) -> Option<Failure> {
    (obs.status >= 500).then(|| {
        Failure::new(
            "not_a_server_error",
            &spec_at.render(),
            "no 5xx in answer to a client's request",
            format!("{} {}", obs.status, obs.body_text(200)),
        )
    })
}
