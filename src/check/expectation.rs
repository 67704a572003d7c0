//! Evaluates a case's expectation on a response by combining the single checks; asserts only
//! what the spec promises.

use serde_json::{Map, Value};

use super::content_type::content_type;
use super::envelope::{envelope_success, is_envelope_error};
use super::error_code::error_code;
use super::error_message::error_message;
use super::response_schema::{no_body, response_schema};
use super::server_error::not_a_server_error;
use super::status_code::{client_error, status_code, status_in};
use super::{At, Failure, Observed};
use crate::contract::{Body, Carrier, Operation, Service, code_text};
use crate::generate::Expect;

/// The promises of one operation.
#[derive(Clone, Copy)]
pub struct Promises<'a> {
    /// The operation.
    pub op: &'a Operation,
    /// Its service.
    pub service: &'a Service,
}

impl Promises<'_> {
    fn success_code(&self) -> Value {
        self.service
            .errors
            .success_code
            .clone()
            .unwrap_or(Value::from(0))
    }

    /// Every failure of `obs` against `expect`; empty when it keeps the promise. The success
    /// case's `fields` are compared as written (see [`Promises::evaluate_with`]).
    #[cfg(test)]
    pub fn evaluate(&self, obs: &Observed, expect: &Expect) -> Vec<Failure> {
        self.evaluate_with(obs, expect, &self.op.success.case.fields)
    }

    /// Like `Promises::evaluate`, with the success case's `fields` already filled with the
    /// request's values (`account_id: "{{app_user_id}}"` becomes the id the request named).
    pub fn evaluate_with(
        &self,
        obs: &Observed,
        expect: &Expect,
        fields: &Map<String, Value>,
    ) -> Vec<Failure> {
        match expect {
            Expect::Success => self.success(obs, Some(fields)),
            Expect::Error(code) => self.error(obs, code),
            Expect::Refused => self.refused(obs),
            Expect::Rejected => self.rejected(obs),
            // Without the previous step to look at, nothing but a documented answer is known.
            Expect::Documented | Expect::AfterRefusal => self.documented(obs),
            Expect::Edge { may_succeed } => self.edge(obs, *may_succeed),
        }
    }

    /// Whether `obs` is the documented success (its fields not compared): a sequence asks
    /// this of a step to know whether it was refused.
    pub fn is_success(&self, obs: &Observed) -> bool {
        self.success(obs, None).is_empty()
    }

    /// The documented success; with `fields`, also the success case's field values (a page
    /// that says a `false` in the body means the call failed).
    fn success(&self, obs: &Observed, fields: Option<&Map<String, Value>>) -> Vec<Failure> {
        let op = self.op;
        let at = At::op(op, "/success");
        if let Some(f) = not_a_server_error(obs, &at) {
            return vec![f];
        }
        let mut out = Vec::new();
        if let Some(s) = &op.success.status {
            out.extend(status_in(obs, s, &At::op(op, "/success/status")));
        }
        if self.service.errors.carrier == Carrier::Envelope {
            let code_field = &self.service.errors.code_field;
            if let Some(f) = envelope_success(obs, code_field, &self.success_code(), &at) {
                // An error envelope: the success body's shape would say nothing more.
                out.push(f);
                return out;
            }
        }
        if let Some(ct) = &op.success.content_type {
            out.extend(content_type(obs, ct, &At::op(op, "/success/content_type")));
        }
        for (name, value) in fields.into_iter().flatten() {
            if obs.field(name) != Some(value) {
                out.push(Failure::new(
                    "success_fields",
                    &op.locate(&format!("/success/case/fields/{name}")),
                    format!("{name} {value}"),
                    obs.field(name)
                        .map_or_else(|| format!("no {name}"), |v| format!("{name} {v}")),
                ));
            }
        }
        match &op.success.body {
            Body::None => out.extend(no_body(obs, &At::op(op, "/success/body"))),
            Body::Json(b) => out.extend(response_schema(
                obs,
                b.schema.validator(),
                &At::op(op, "/success/body/schema"),
                "success",
            )),
        }
        out
    }

    fn error_schema(&self, obs: &Observed) -> Vec<Failure> {
        response_schema(
            obs,
            self.service.errors.schema.validator(),
            &At::service(self.service, "/errors/schema"),
            "error",
        )
    }

    fn error(&self, obs: &Observed, code: &Value) -> Vec<Failure> {
        let op = self.op;
        let Some((i, _)) = op.errors.iter().enumerate().find(|(_, e)| e.code == *code) else {
            return vec![Failure::new(
                "error_code",
                &op.locate("/errors"),
                format!("a documented error {}", code_text(code)),
                "the spec does not document it",
            )];
        };
        let at = At::op(op, format!("/errors/{i}"));
        if let Some(f) = not_a_server_error(obs, &at) {
            return vec![f];
        }
        self.error_fields(obs, i)
    }

    /// The documented error `op.errors[i]` without the no-5xx rule: for the shape check of an
    /// error only the server itself can cause (DAYU.3531), against the page's example.
    pub fn error_fields(&self, obs: &Observed, i: usize) -> Vec<Failure> {
        let op = self.op;
        let Some(doc) = op.errors.get(i) else {
            return Vec::new();
        };
        let code = &doc.code;
        let at = At::op(op, format!("/errors/{i}"));
        let mut out = Vec::new();
        let fields = &self.service.errors;
        match (doc.status, fields.carrier) {
            (Some(s), _) => out.extend(status_code(
                obs,
                s,
                &At::op(op, format!("/errors/{i}/status")),
            )),
            (None, Carrier::HttpStatus) => out.extend(client_error(obs, &at, "an error")),
            (None, Carrier::Envelope) => {}
        }
        out.extend(error_code(
            obs,
            &fields.code_field,
            code,
            &At::op(op, format!("/errors/{i}/code")),
        ));
        if let Some(m) = &doc.message {
            out.extend(error_message(
                obs,
                &fields.message_field,
                m,
                &At::op(op, format!("/errors/{i}/message")),
            ));
        }
        out.extend(self.error_schema(obs));
        out
    }

    fn refused(&self, obs: &Observed) -> Vec<Failure> {
        let at = At::service(self.service, "/auth");
        if let Some(f) = not_a_server_error(obs, &at) {
            return vec![f];
        }
        if (400..500).contains(&obs.status) {
            return Vec::new();
        }
        let fields = &self.service.errors;
        if fields.carrier == Carrier::Envelope
            && is_envelope_error(obs, &fields.code_field, &self.success_code())
        {
            return Vec::new();
        }
        vec![Failure::new(
            "auth_refused",
            &at.render(),
            "the credential is refused: a 4xx (or an error envelope), never a success",
            format!("HTTP {} {}", obs.status, obs.body_text(160)),
        )]
    }

    /// An input the page leaves open: never a 5xx; an error (a 4xx, or an error envelope)
    /// in the documented error shape; a success only where `may_succeed`, and then the
    /// documented one.
    fn edge(&self, obs: &Observed, may_succeed: bool) -> Vec<Failure> {
        let op = self.op;
        let at = At::op(op, "/request");
        if let Some(f) = not_a_server_error(obs, &at) {
            return vec![f];
        }
        let fields = &self.service.errors;
        let envelope_error = fields.carrier == Carrier::Envelope
            && is_envelope_error(obs, &fields.code_field, &self.success_code());
        if envelope_error || (400..500).contains(&obs.status) {
            return self.error_schema(obs);
        }
        if may_succeed {
            return self.success(obs, None);
        }
        vec![Failure::new(
            "never_success",
            &op.locate("/errors"),
            "an error: the page documents one for a value that names nothing (or is empty)",
            format!("HTTP {} {}", obs.status, obs.body_text(160)),
        )]
    }

    fn rejected(&self, obs: &Observed) -> Vec<Failure> {
        let op = self.op;
        let at = At::op(op, "/request/body");
        if let Some(f) = not_a_server_error(obs, &at) {
            return vec![f];
        }
        let fields = &self.service.errors;
        let mut out = Vec::new();
        let envelope_error = fields.carrier == Carrier::Envelope
            && is_envelope_error(obs, &fields.code_field, &self.success_code());
        if !envelope_error {
            out.extend(client_error(obs, &at, "invalid input is rejected"));
        }
        if out.is_empty() {
            out.extend(self.error_schema(obs));
            if let Some((i, doc)) = op
                .errors
                .iter()
                .enumerate()
                .find(|(_, e)| obs.field(&fields.code_field) == Some(&e.code))
                && let Some(m) = &doc.message
            {
                out.extend(error_message(
                    obs,
                    &fields.message_field,
                    m,
                    &At::op(op, format!("/errors/{i}/message")),
                ));
            }
        }
        out
    }

    /// One of the documented responses: the documented success, or an error with a
    /// documented status (or an error envelope) and the error body shape. A listed code must
    /// come with its own status and message; a code the page does not list is not a violation
    /// (the pages promise the shape of errors, not that their tables are complete).
    fn documented(&self, obs: &Observed) -> Vec<Failure> {
        let op = self.op;
        if let Some(f) = not_a_server_error(obs, &At::op(op, "/success")) {
            return vec![f];
        }
        let success = self.success(obs, None);
        if success.is_empty() {
            return success;
        }
        let fields = &self.service.errors;
        if let Some(code) = obs.field(&fields.code_field).cloned()
            && op.errors.iter().any(|e| e.code == code)
        {
            return self.error(obs, &code);
        }
        let is_error = match fields.carrier {
            Carrier::HttpStatus => op.errors.iter().any(|e| e.status == Some(obs.status)),
            Carrier::Envelope => is_envelope_error(obs, &fields.code_field, &self.success_code()),
        };
        if is_error {
            return self.error_schema(obs);
        }
        let statuses: std::collections::BTreeSet<String> = op
            .success
            .status
            .iter()
            .flat_map(|s| s.all().iter())
            .chain(op.errors.iter().filter_map(|e| e.status.as_ref()))
            .map(u16::to_string)
            .collect();
        let mut out = vec![Failure::new(
            "documented_response",
            &op.locate("/errors"),
            match fields.carrier {
                Carrier::HttpStatus => format!(
                    "the documented success, or an error with a documented status ({})",
                    statuses.into_iter().collect::<Vec<_>>().join(", ")
                ),
                Carrier::Envelope => "the documented success or an error envelope".to_string(),
            },
            format!("HTTP {} {}", obs.status, obs.body_text(200)),
        )];
        if success.iter().any(|f| f.rule != "status_code") {
            out.extend(success);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    /// The shipped specs, loaded once for all inputs.
    fn specs() -> &'static crate::contract::SpecSet {
        static SPECS: std::sync::OnceLock<crate::contract::SpecSet> = std::sync::OnceLock::new();
        SPECS.get_or_init(|| {
            crate::contract::load(std::path::Path::new("specs"))
                .expect("specs")
                .specs
        })
    }

    fn observed(status: u16, body: &Value) -> Observed {
        Observed::new(
            status,
            vec![("content-type".into(), "application/json".into())],
            body.to_string().into_bytes(),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

        /// Edge inputs: a 5xx always fails; a 2xx passes only where a success is allowed;
        /// a 4xx passes exactly when its body has the documented error shape.
        #[test]
        fn edge_answers_are_judged_by_what_the_page_documents(
            status in 100u16..600,
            code in "[A-Z]{3}\\.[0-9]{4}",
            shaped in any::<bool>(),
            may_succeed in any::<bool>(),
        ) {
            let set = specs();
            let op = set.operation("delete_organization").expect("op");
            let promises = Promises { op, service: set.service_of(op) };
            let body = if shaped {
                json!({"error_code": code, "error_msg": "x"})
            } else {
                json!({"code": code})
            };
            let failures = promises.evaluate(&observed(status, &body), &Expect::Edge { may_succeed });
            match status {
                500..=599 => prop_assert!(!failures.is_empty()),
                400..=499 => prop_assert_eq!(failures.is_empty(), shaped),
                200..=299 if !may_succeed => prop_assert!(failures.iter().any(|f| f.rule == "never_success")),
                _ => {}
            }
        }
    }

    #[test]
    fn success_fields_compare_with_the_request_values() {
        let set = specs();
        let op = set.operation("unbind_public_account_users").expect("op");
        let promises = Promises {
            op,
            service: set.service_of(op),
        };
        let fields: Map<String, Value> = [("account_id".to_string(), json!("acct-1"))]
            .into_iter()
            .collect();
        let ok = observed(200, &json!({"account_id": "acct-1"}));
        assert!(
            promises
                .evaluate_with(&ok, &Expect::Success, &fields)
                .is_empty()
        );
        let wrong = observed(200, &json!({"account_id": "app-1"}));
        let failures = promises.evaluate_with(&wrong, &Expect::Success, &fields);
        assert_eq!(failures.len(), 1);
        assert_eq!(failures[0].rule, "success_fields");
        // Without the previous step, a follow-up asserts no more than a documented answer.
        assert!(promises.evaluate(&wrong, &Expect::AfterRefusal).is_empty());
        assert!(promises.is_success(&ok));
    }
}
