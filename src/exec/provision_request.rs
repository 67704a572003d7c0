//! One step of provisioning, teardown or reset: a templated request sent with a service's
//! credentials (and its captures), or a templated command whose output holds the values.

use std::time::Duration;

use serde_json::Value;

use super::auth::{TokenCache, apply_cred};
use super::client::Client;
use super::command;
use super::provision_error::{ProvisionError, Shown};
use super::provision_file::ProvisionRequest;
use super::request::Prepared;
use super::target::Target;
use super::template::Scope;
use super::values::Values;
use crate::check::Observed;
use crate::contract::SpecSet;
use crate::generate::Cred;
use crate::report::curl::curl;

/// What provisioning needs from the run.
#[derive(Clone, Copy)]
pub struct Env<'a> {
    /// The specs (for the services' credential flows).
    pub specs: &'a SpecSet,
    /// The target.
    pub target: &'a Target,
    /// The client (its concurrency and rate limit apply to provisioning too).
    pub client: &'a Client,
    /// Issued tokens (owned with the client).
    pub tokens: &'a TokenCache,
}

/// Where a step is in the target file and what it is part of, for messages.
pub struct Place<'a> {
    /// `file:line:column`.
    pub at: &'a str,
    /// `provisioning pets/pet, request 1`.
    pub what: &'a str,
}

/// A sent request and its answer.
pub struct Sent {
    /// The request as curl, redacted.
    pub curl: String,
    /// The answer.
    pub response: Observed,
}

fn body_text(env: Env<'_>, r: &Observed) -> String {
    env.target
        .secrets
        .redact(&r.body_text(2000))
        .replace('\n', "\n    ")
}

/// Sends a templated request to `service`'s base URL; a teardown also accepts 404 and 410
/// unless the file says otherwise.
///
/// # Errors
/// [`ProvisionError`] for a template naming nothing, a credential that cannot be had, no
/// answer, or an unexpected status.
pub async fn send(
    env: Env<'_>,
    service: &str,
    spec: &ProvisionRequest,
    scope: &Scope<'_>,
    place: &Place<'_>,
    teardown: bool,
) -> Result<Sent, ProvisionError> {
    let template = |source| ProvisionError::Template {
        what: place.what.to_string(),
        at: place.at.to_string(),
        source,
    };
    let other = |message: String| ProvisionError::Other {
        what: place.what.to_string(),
        at: place.at.to_string(),
        message,
    };
    let mut headers = Vec::new();
    let body = match &spec.body {
        Some(b) => {
            headers.push(("Content-Type".to_string(), "application/json".to_string()));
            Some(
                scope
                    .render_json(b)
                    .map_err(template)?
                    .to_string()
                    .into_bytes(),
            )
        }
        None => None,
    };
    let mut req = Prepared {
        method: spec.method.to_ascii_uppercase(),
        path: scope.render(&spec.path).map_err(template)?,
        headers,
        body,
    };
    for (k, v) in &spec.headers {
        req.set_header(k, scope.render(v).map_err(template)?);
    }
    let role = spec.role.as_deref().unwrap_or("default");
    if role != "none" {
        let svc = env
            .specs
            .services
            .get(service)
            .ok_or_else(|| other(format!("no spec declares the service `{service}`")))?;
        apply_cred(
            &mut req,
            &Cred::Role(role.into()),
            env.client,
            env.tokens,
            env.target,
            svc,
        )
        .await
        .map_err(|e| other(e.to_string()))?;
    }
    let base = env.target.live_base(service).unwrap_or_default();
    let shown = curl(&base, &req, &env.target.secrets);
    let response = env
        .client
        .send(&base, &req)
        .await
        .map_err(|e| ProvisionError::Transport {
            what: place.what.to_string(),
            at: place.at.to_string(),
            message: env.target.secrets.redact(&super::error::chain(&e)),
            curl: shown.clone(),
        })?;
    let s = response.status;
    let ok = match &spec.status {
        Some(expected) => expected.accepts(s),
        None => (200..300).contains(&s) || teardown && (s == 404 || s == 410),
    };
    if !ok {
        let expected = spec.status.as_ref().map_or_else(
            || {
                if teardown {
                    "2xx, 404 or 410".into()
                } else {
                    "2xx".into()
                }
            },
            super::provision_file::Statuses::describe,
        );
        return Err(ProvisionError::Status {
            what: place.what.to_string(),
            at: place.at.to_string(),
            expected,
            exchange: Box::new(Shown {
                curl: shown,
                status: s,
                body: body_text(env, &response),
            }),
        });
    }
    Ok(Sent {
        curl: shown,
        response,
    })
}

/// Adds the request's captures to `values`.
///
/// # Errors
/// [`ProvisionError::Capture`] when a pointer or header finds no string or number.
pub fn capture(
    env: Env<'_>,
    spec: &ProvisionRequest,
    sent: &Sent,
    values: &mut Values,
    place: &Place<'_>,
) -> Result<(), ProvisionError> {
    for (name, source) in &spec.capture {
        let Some(v) = super::capture::take(&sent.response, source) else {
            return Err(ProvisionError::Capture {
                what: place.what.to_string(),
                at: place.at.to_string(),
                name: name.clone(),
                source_ref: source.clone(),
                exchange: Box::new(Shown {
                    curl: sent.curl.clone(),
                    status: sent.response.status,
                    body: body_text(env, &sent.response),
                }),
            });
        };
        values.insert(name.clone(), v);
    }
    Ok(())
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Runs a templated command within the client's limits; its standard output.
///
/// # Errors
/// [`ProvisionError`] for a template naming nothing, a command that cannot start, runs too
/// long or exits with another code than 0.
pub async fn run_command(
    env: Env<'_>,
    argv: &[String],
    scope: &Scope<'_>,
    limit: Duration,
    place: &Place<'_>,
) -> Result<String, ProvisionError> {
    let argv: Vec<String> = argv
        .iter()
        .map(|a| scope.render(a))
        .collect::<Result<_, _>>()
        .map_err(|source| ProvisionError::Template {
            what: place.what.to_string(),
            at: place.at.to_string(),
            source,
        })?;
    let secrets = &env.target.secrets;
    let shown = secrets.redact(&command::display(&argv));
    let _slot = env.client.slot().await.map_err(|e| ProvisionError::Other {
        what: place.what.to_string(),
        at: place.at.to_string(),
        message: e.to_string(),
    })?;
    let run = tokio::task::spawn_blocking(move || command::run(&argv, limit))
        .await
        .map_err(|e| ProvisionError::Other {
            what: place.what.to_string(),
            at: place.at.to_string(),
            message: e.to_string(),
        })?;
    let finished = run.map_err(|source| ProvisionError::Spawn {
        what: place.what.to_string(),
        at: place.at.to_string(),
        source,
    })?;
    if finished.code != Some(0) {
        return Err(ProvisionError::Command {
            what: place.what.to_string(),
            at: place.at.to_string(),
            command: shown,
            message: format!(
                "exited with {}\n  stderr:\n    {}\n  stdout:\n    {}",
                finished
                    .code
                    .map_or_else(|| "a signal".to_string(), |c| format!("code {c}")),
                secrets.redact(&clip(&finished.stderr)),
                secrets.redact(&clip(&finished.stdout))
            ),
        });
    }
    Ok(finished.stdout)
}

/// At most 2000 characters of `s`, indented for a message (the caller redacts).
fn clip(s: &str) -> String {
    let t: String = s.trim().chars().take(2000).collect();
    t.replace('\n', "\n    ")
}

/// The values a provisioning command printed: one JSON object of strings or numbers.
///
/// # Errors
/// What is wrong with the output (quoting it: the caller redacts).
pub fn values_from_output(stdout: &str) -> Result<Values, String> {
    let v: Value = serde_json::from_str(stdout.trim())
        .map_err(|e| format!("printed no JSON object ({e}):\n    {}", clip(stdout)))?;
    let Value::Object(m) = v else {
        return Err(format!(
            "printed JSON that is not an object: {}",
            clip(stdout)
        ));
    };
    m.into_iter()
        .map(|(k, v)| match scalar_text(&v) {
            Some(t) => Ok((k, t)),
            None => Err(format!("printed `{k}: {v}`, not a string or number")),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_output_is_an_object_of_strings_or_numbers() {
        let v = values_from_output("{\"org_id\": \"o-1\", \"n\": 3}\n").expect("values");
        assert_eq!(v.get("org_id").map(String::as_str), Some("o-1"));
        assert_eq!(v.get("n").map(String::as_str), Some("3"));
        assert!(values_from_output("[1]").is_err());
        assert!(
            values_from_output("{\"a\": [1]}")
                .expect_err("nested")
                .contains("`a")
        );
        assert!(values_from_output("created!").is_err());
    }
}
