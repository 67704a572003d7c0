//! The documented error code comes back, exactly as documented.

use serde_json::Value;

use super::{At, Failure, Observed};

/// Fails unless the body's `field` equals `expected` (same JSON type and value).
pub fn error_code(
    obs: &Observed,
    field: &str,
    expected: &Value,
    spec_at: &At<'_>,
) -> Option<Failure> {
    let got = obs.field(field);
    (got != Some(expected)).then(|| {
        Failure::new(
            "error_code",
            &spec_at.render(),
            format!("{field} {expected}"),
            got.map_or_else(
                || format!("no {field} in the body"),
                |g| format!("{field} {g}"),
            ),
        )
    })
}
