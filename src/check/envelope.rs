//! Envelope rules (`carrier: envelope`): the body's `code` tells success from error, whatever the HTTP status;
//! an error carried in a 200 is a rejection, and a success needs the success code.

use serde_json::Value;

use super::{At, Failure, Observed};

/// Fails unless the envelope code is the success code.
pub fn envelope_success(
    obs: &Observed,
    field: &str,
    success: &Value,
    spec_at: &At<'_>,
) -> Option<Failure> {
    let got = obs.field(field);
    (got != Some(success)).then(|| {
        Failure::new(
            "envelope",
            &spec_at.render(),
            format!("{field} {success} (success)"),
            got.map_or_else(
                || format!("no {field} in the body"),
                |g| format!("{field} {g}"),
            ),
        )
    })
}

/// Whether the envelope says error: a code other than the success code.
pub fn is_envelope_error(obs: &Observed, field: &str, success: &Value) -> bool {
    obs.field(field).is_some_and(|c| c != success)
}
