//! Harness errors: a broken setup (unreachable target, missing credential, bad target file),
//! never to be confused with a contract violation of the server under test.

/// Something kept the harness from checking the server.
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    /// The target file cannot be read or parsed.
    #[error("target file {path}: {message}")]
    TargetFile {
        /// Path.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// An entry of the target file is unusable.
    #[error("{at}: {message}")]
    TargetEntry {
        /// `file:line:column`.
        at: String,
        /// What is wrong and what is expected.
        message: String,
    },
    /// A setting (environment variable or target file entry) has an unusable value.
    #[error("{what} must be {expected}")]
    Setting {
        /// Which setting.
        what: String,
        /// What it must be.
        expected: String,
    },
    /// A harness error ended a property case while it shrank a contract violation: with no
    /// answer to judge, no verdict is given.
    #[error(
        "this ended the case while shrinking a contract violation ({rules}) found with the input {first}: with no answer to judge, no verdict is given"
    )]
    WhileShrinking {
        /// The rules the input violated.
        rules: String,
        /// The input that first violated them.
        first: String,
        /// What ended it.
        #[source]
        cause: Box<HarnessError>,
    },
    /// The run's deadline passed before the case started.
    #[error(
        "the run's deadline of {seconds} s (CONTRACT_DEADLINE_SECONDS) passed before {case} started"
    )]
    DeadlinePassed {
        /// The deadline as set.
        seconds: f64,
        /// The case.
        case: String,
    },
    /// Settings of the environment have unusable values (all of them listed).
    #[error(transparent)]
    Settings(#[from] crate::settings::SettingsError),
    /// The target is not fully configured: every problem found when it was read, each naming
    /// the target file or spec line to fix (a run never starts on such a target).
    #[error("the target cannot be used:\n{}", .problems.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    Misconfigured {
        /// One line per problem.
        problems: Vec<String>,
    },
    /// The target names no values for a fixture.
    #[error("the target has no fixture `{fixture}` for {service}")]
    MissingFixture {
        /// Service.
        service: String,
        /// Fixture.
        fixture: String,
    },
    /// A fixture of the target lacks a value a request needs.
    #[error("fixture `{fixture}` of {service} on the target gives no value `{value}`")]
    MissingValue {
        /// Service.
        service: String,
        /// Fixture.
        fixture: String,
        /// Value name.
        value: String,
    },
    /// A credential flow failed.
    #[error("obtaining a {service} token for `{role}` failed: {message}")]
    Token {
        /// Service.
        service: String,
        /// Role.
        role: String,
        /// What happened (never the secret).
        message: String,
    },
    /// The request could not be sent or the response not read (other than by the exchange
    /// itself: an unknown operation, an unusable method).
    #[error("request failed: {0}")]
    Transport(String),
    /// An exchange with a server failed: where, in which phase, and why.
    #[error("{method} {url} failed while {phase}")]
    Exchange {
        /// Method.
        method: String,
        /// URL without userinfo, query or fragment.
        url: String,
        /// How far the exchange got.
        phase: Phase,
        /// Why it failed.
        #[source]
        cause: ExchangeCause,
    },
    /// A case was stopped before it could finish (the run's deadline, a property that cannot
    /// generate its inputs).
    #[error("{0}")]
    Stopped(String),
    /// A fixture entry could not be provisioned or torn down, or the target not reset.
    #[error(transparent)]
    Provision(#[from] super::provision_error::ProvisionError),
    /// A step of a sequence could not be carried out as the spec writes it (a capture found
    /// nothing in the step's response).
    #[error("{0}")]
    Sequence(String),
    /// A trigger's change of the body cannot be made on the request's body (a JSON pointer
    /// through a scalar, a list index past the end).
    #[error("{op}: the trigger's body change cannot be made: {message}")]
    BodyChange {
        /// Operation id.
        op: String,
        /// What is in the way.
        message: String,
    },
    /// The embedded mock could not start.
    #[error("the embedded mock could not start: {0}")]
    Mock(String),
}

/// How far an exchange got before it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Opening the connection (TCP).
    Connect,
    /// The TLS handshake.
    Tls,
    /// Sending the request.
    Send,
    /// Waiting for or reading the status line and headers.
    Headers,
    /// Reading the body.
    Body,
}

impl Phase {
    pub(crate) fn code(self) -> u8 {
        self as u8
    }

    pub(crate) fn from_code(code: u8) -> Self {
        match code {
            0 => Phase::Connect,
            1 => Phase::Tls,
            2 => Phase::Send,
            3 => Phase::Headers,
            _ => Phase::Body,
        }
    }
}

impl std::fmt::Display for Phase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Phase::Connect => "connecting",
            Phase::Tls => "negotiating TLS",
            Phase::Send => "sending the request",
            Phase::Headers => "reading the response headers",
            Phase::Body => "reading the body",
        })
    }
}

/// Why an exchange failed.
#[derive(Debug, thiserror::Error)]
pub enum ExchangeCause {
    /// The per-request deadline passed (it covers the whole exchange, body included).
    #[error("timed out after {} s", fmt_secs(*after))]
    Timeout {
        /// The per-request timeout.
        after: std::time::Duration,
    },
    /// The response body is larger than the harness reads.
    #[error("the response body is more than {limit} bytes{}", declared.map(|d| format!(" (Content-Length: {d})")).unwrap_or_default())]
    TooLarge {
        /// The cap.
        limit: usize,
        /// What the server declared, if it did.
        declared: Option<u64>,
    },
    /// The HTTP client failed; its own causes follow as the source chain.
    #[error("{message}")]
    Http {
        /// The client's message, without the URL.
        message: String,
        /// The client error.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
}

fn fmt_secs(d: std::time::Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0}")
    } else {
        format!("{s}")
    }
}

/// An error and its causes, outermost first, joined by `: ` (a cause whose text repeats the
/// previous one is left out). Not redacted: a report redacts it with its target's secrets.
pub fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut last = out.clone();
    let mut next = e.source();
    // Bounded: a cyclic or absurdly deep chain cannot stall a report.
    for _ in 0..16 {
        let Some(cause) = next else { break };
        let text = cause.to_string();
        if !text.is_empty() && !last.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        last = text;
        next = cause.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn an_exchange_error_names_url_phase_and_cause() {
        let e = HarnessError::Exchange {
            method: "POST".into(),
            url: "http://127.0.0.1:9/x".into(),
            phase: Phase::Body,
            cause: ExchangeCause::Timeout {
                after: Duration::from_secs(1),
            },
        };
        assert_eq!(
            chain(&e),
            "POST http://127.0.0.1:9/x failed while reading the body: timed out after 1 s"
        );
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "connection reset");
        let e = HarnessError::Exchange {
            method: "GET".into(),
            url: "http://h/".into(),
            phase: Phase::Headers,
            cause: ExchangeCause::Http {
                message: "error sending request".into(),
                source: Some(Box::new(io)),
            },
        };
        assert_eq!(
            chain(&e),
            "GET http://h/ failed while reading the response headers: error sending request: connection reset"
        );
    }

    #[test]
    fn phases_round_trip_through_their_codes() {
        for p in [
            Phase::Connect,
            Phase::Tls,
            Phase::Send,
            Phase::Headers,
            Phase::Body,
        ] {
            assert_eq!(Phase::from_code(p.code()), p);
        }
    }
}
