//! The body validates against the documented JSON Schema, with instance and schema paths.

use super::{At, Failure, Observed};

/// Fails for a body that is not JSON or does not match the schema: one failure per violation.
pub fn response_schema(
    obs: &Observed,
    validator: &jsonschema::Validator,
    spec_at: &At<'_>,
    what: &str,
) -> Vec<Failure> {
    let Some(json) = &obs.json else {
        return vec![Failure::new(
            "response_schema",
            &spec_at.render(),
            format!("a JSON body matching the {what} schema"),
            if obs.body.is_empty() {
                "an empty body".to_string()
            } else {
                format!("a body that is not JSON: {}", obs.body_text(120))
            },
        )];
    };
    validator
        .iter_errors(json)
        .map(|e| {
            let at = e.instance_path().as_str();
            Failure::new(
                "response_schema",
                &spec_at.render(),
                format!(
                    "the {what} schema, at schema path {}",
                    e.schema_path().as_str()
                ),
                format!(
                    "{} at instance path {}",
                    e.masked(),
                    if at.is_empty() { "/" } else { at }
                ),
            )
        })
        .collect()
}

/// Fails when a body that the page says is absent is present.
pub fn no_body(obs: &Observed, spec_at: &At<'_>) -> Option<Failure> {
    (!obs.body.is_empty()).then(|| {
        Failure::new(
            "response_schema",
            &spec_at.render(),
            "no body",
            format!("a body: {}", obs.body_text(120)),
        )
    })
}
