//! What a target file says about provisioning: per fixture, the requests (or the command) that
//! create a fresh entry and the teardown that removes it; and the request (or command) that
//! resets the server to a known state. Each request keeps its position in the file.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_saphyr::Spanned;

/// What a target file asks of the run's state: fresh entries per fixture and a reset. Pure data,
/// read once with the target; a run's session carries it out.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// The target file, as shown in messages.
    pub file: String,
    /// service → fixture → how its entries are made.
    pub provision: BTreeMap<String, BTreeMap<String, Spanned<Provision>>>,
    /// Failed teardowns tolerated before provisioning stops.
    pub max_failed_teardowns: usize,
    /// The request or command that restores a known state before each consuming case.
    pub reset: Option<Spanned<ResetSpec>>,
}

impl Plan {
    /// Whether the file provisions fresh entries of a fixture.
    pub fn provisions(&self, service: &str, fixture: &str) -> bool {
        self.provision
            .get(service)
            .is_some_and(|f| f.contains_key(fixture))
    }
}

/// How a fixture's fresh entries are made and removed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provision {
    /// Requests run in order with the service's credentials; their captures are the values.
    #[serde(default)]
    pub requests: Vec<Spanned<ProvisionRequest>>,
    /// Requests that remove an entry, run after each case that used it (also when it failed).
    #[serde(default)]
    pub teardown: Vec<Spanned<ProvisionRequest>>,
    /// A command that prints the values as a JSON object.
    #[serde(default)]
    pub command: Option<Spanned<Vec<String>>>,
    /// A command that removes an entry.
    #[serde(default)]
    pub teardown_command: Option<Spanned<Vec<String>>>,
    /// Longest a command may run (default 60 s).
    #[serde(default)]
    pub command_timeout_seconds: Option<f64>,
}

impl Provision {
    /// Whether anything removes the entries.
    pub fn has_teardown(&self) -> bool {
        !self.teardown.is_empty() || self.teardown_command.is_some()
    }
}

/// One HTTP request of provisioning, teardown or reset. Paths, header values and every string
/// of the body may hold `{{...}}` templates.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProvisionRequest {
    /// Method.
    pub method: String,
    /// Path below the service's base URL.
    pub path: String,
    /// JSON body.
    #[serde(default)]
    pub body: Option<serde_json::Value>,
    /// Extra headers.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Expected status or statuses (default: any 2xx; for a teardown also 404 and 410, since
    /// the case may have removed the entry itself).
    #[serde(default)]
    pub status: Option<Statuses>,
    /// Values taken from the response: name → JSON pointer into the body, or `header:Name`.
    #[serde(default)]
    pub capture: BTreeMap<String, String>,
    /// Credential role the request is sent with (default `default`; `none` sends none).
    #[serde(default)]
    pub role: Option<String>,
}

/// One status or several (an integer or a list of integers).
#[derive(Debug, Clone)]
pub enum Statuses {
    /// This status.
    One(u16),
    /// Any of these.
    Any(Vec<u16>),
}

impl<'de> Deserialize<'de> for Statuses {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::value::SeqAccessDeserializer;
        use serde::de::{Error, Unexpected};
        struct St;
        impl<'de> serde::de::Visitor<'de> for St {
            type Value = Statuses;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an HTTP status (100 to 599) or a list of them")
            }
            fn visit_u64<E: Error>(self, v: u64) -> Result<Statuses, E> {
                u16::try_from(v)
                    .map(Statuses::One)
                    .map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
            }
            fn visit_i64<E: Error>(self, v: i64) -> Result<Statuses, E> {
                u16::try_from(v)
                    .map(Statuses::One)
                    .map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, s: A) -> Result<Statuses, A::Error> {
                Vec::<u16>::deserialize(SeqAccessDeserializer::new(s)).map(Statuses::Any)
            }
        }
        d.deserialize_any(St)
    }
}

impl Statuses {
    /// Whether `status` is expected.
    pub fn accepts(&self, status: u16) -> bool {
        match self {
            Statuses::One(s) => *s == status,
            Statuses::Any(v) => v.contains(&status),
        }
    }

    /// As written, for messages.
    pub fn describe(&self) -> String {
        match self {
            Statuses::One(s) => s.to_string(),
            Statuses::Any(v) => v
                .iter()
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(" or "),
        }
    }
}

/// How the server is brought back to a known state before each case that consumes a fixture.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResetSpec {
    /// Service whose base URL and credentials a reset request uses (default: the first of the
    /// specs).
    #[serde(default)]
    pub service: Option<String>,
    /// Method of a reset request.
    #[serde(default)]
    pub method: Option<String>,
    /// Path of a reset request.
    #[serde(default)]
    pub path: Option<String>,
    /// JSON body of a reset request.
    #[serde(default)]
    pub body: Option<serde_json::Value>,
    /// Extra headers.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Expected status (default any 2xx).
    #[serde(default)]
    pub status: Option<Statuses>,
    /// Credential role (default `none`: a reset endpoint is rarely behind the API's auth).
    #[serde(default)]
    pub role: Option<String>,
    /// Or a command.
    #[serde(default)]
    pub command: Option<Vec<String>>,
    /// Longest the command may run (default 60 s).
    #[serde(default)]
    pub command_timeout_seconds: Option<f64>,
}

impl ResetSpec {
    /// The reset as a request, when it is one.
    pub fn request(&self) -> Option<ProvisionRequest> {
        Some(ProvisionRequest {
            method: self.method.clone()?,
            path: self.path.clone()?,
            body: self.body.clone(),
            headers: self.headers.clone(),
            status: self.status.clone(),
            capture: BTreeMap::new(),
            role: Some(self.role.clone().unwrap_or_else(|| "none".into())),
        })
    }
}

/// `file:line:column` of a spanned value.
pub fn at<T>(file: &str, s: &Spanned<T>) -> String {
    format!("{file}:{}:{}", s.referenced.line(), s.referenced.column())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_is_one_integer_or_a_list_and_anything_else_says_so() {
        let parse = |t: &str| {
            serde_saphyr::from_str_with_options::<Statuses>(t, crate::contract::yaml::options())
                .map_err(|e| e.to_string())
        };
        let one = parse("201").expect("one");
        assert!(one.accepts(201) && !one.accepts(200));
        let any = parse("[200, 204]").expect("a list");
        assert!(any.accepts(204) && !any.accepts(201));
        for wrong in ["created", "70000", "-1"] {
            let e = parse(wrong).expect_err("not a status");
            assert!(e.contains("an HTTP status"), "{wrong}: {e}");
        }
    }
}
