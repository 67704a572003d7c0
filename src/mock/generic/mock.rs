//! One service's generic mock: what every instance shares (the spec, the seed, the compiled
//! checks, the token store, the fault) and the answer to one request, in the documented order:
//! token endpoint, route, auth, documented errors by trigger, schema-invalid input, success.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Value, json};

use super::auth::{self, Refusal, Tokens};
use super::error::GenericError;
use super::faults::{CHANGED_MESSAGE, FaultKind, GenericFault, other_code, other_status};
use super::invalid::InputCheck;
use super::request::Incoming;
use super::respond::{Answer, ErrorShaper, fill_message};
use super::routes::{self, Matched, Route};
use super::seed::{EXPIRED_ROLE, GenericSeed, ServiceSeed};
use super::state::State;
use super::success;
use super::triggers::{self, Context};
use super::values::request_values;
use crate::contract::Carrier;
use crate::contract::auth::AuthScheme;
use crate::contract::{DocError, Operation, Service, SpecSet, Trigger};
use crate::exec::values::Values;

/// What the instances of one service's generic mock share.
#[derive(Debug)]
pub struct Shared {
    /// The service.
    pub service: Service,
    /// Its operations, in spec order.
    pub ops: Vec<Operation>,
    routes: Vec<Route>,
    checks: Vec<InputCheck>,
    /// Its seed (every fixture and role).
    pub seed: ServiceSeed,
    /// Issued tokens.
    pub tokens: Tokens,
    /// The fault switched on.
    pub fault: Option<GenericFault>,
    shaper: ErrorShaper,
    token_endpoint: Option<(String, String)>,
}

/// A spec-driven mock of one service, from which instances with fresh state are started.
#[derive(Debug, Clone)]
pub struct GenericMock {
    shared: Arc<Shared>,
}

impl GenericMock {
    /// The mock of `service` over `seed` (what it leaves out is generated), with `fault` on.
    ///
    /// # Errors
    /// An unknown service, a `signed` one (only a hand-written vendor mock verifies
    /// signatures), a seed naming what the specs do not declare, a schema that does not compile.
    pub fn new(
        specs: &SpecSet,
        service: &str,
        seed: GenericSeed,
        fault: Option<GenericFault>,
    ) -> Result<Self, GenericError> {
        let svc = specs
            .services
            .get(service)
            .ok_or_else(|| GenericError::UnknownService(service.to_string()))?;
        if let AuthScheme::Signed(s) = &svc.auth {
            return Err(GenericError::Signed {
                service: service.to_string(),
                signer: format!("{:?}", s.signer),
            });
        }
        let seed = seed.for_service(specs, svc)?;
        let ops: Vec<Operation> = specs
            .operations
            .iter()
            .filter(|o| o.service == service)
            .cloned()
            .collect();
        let routes = ops
            .iter()
            .map(|o| Route::new(&o.method, &svc.base_path, &o.path))
            .collect();
        let checks = ops.iter().map(InputCheck::new).collect();
        let expired = seed
            .credentials
            .get(EXPIRED_ROLE)
            .and_then(|c| c.get("token"))
            .cloned();
        Ok(Self {
            shared: Arc::new(Shared {
                shaper: ErrorShaper::new(specs, svc),
                token_endpoint: auth::token_endpoint(&svc.auth),
                service: svc.clone(),
                ops,
                routes,
                checks,
                seed,
                tokens: Tokens::new(expired.as_deref()),
                fault,
            }),
        })
    }

    /// The service's name.
    pub fn service(&self) -> &str {
        &self.shared.service.name
    }

    /// Fixture → values of every instance.
    pub fn fixtures(&self) -> &BTreeMap<String, Values> {
        &self.shared.seed.fixtures
    }

    /// Role → credential values every instance accepts (`expired`: refused as expired).
    pub fn credentials(&self) -> &BTreeMap<String, Values> {
        &self.shared.seed.credentials
    }

    /// The fault switched on, if any.
    pub fn fault(&self) -> Option<&GenericFault> {
        self.shared.fault.as_ref()
    }

    /// What the instances share.
    pub fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// A fresh instance's state.
    pub fn fresh_state(&self) -> State {
        State::new(&self.shared.seed.fixtures)
    }
}

impl Shared {
    fn fault(&self, op: &str) -> Option<&FaultKind> {
        self.fault.as_ref().filter(|f| f.op == op).map(|f| &f.kind)
    }

    /// An answer the pages do not document (a refusal, an unknown path), in the error shape.
    pub fn undocumented(&self, status: u16, word: &str, message: &str) -> Answer {
        Answer::json(status, &self.shaper.undocumented(word, status, message))
    }

    /// The answer to one request; `state` is held from check to change.
    pub fn answer(&self, state: &mut State, req: &Incoming) -> Answer {
        if let Some((method, path)) = &self.token_endpoint {
            let segs: Vec<&str> = path.split('/').skip(1).collect();
            if req.method.eq_ignore_ascii_case(method)
                && req
                    .segments
                    .iter()
                    .map(String::as_str)
                    .eq(segs.iter().copied())
            {
                return self.token(req);
            }
        }
        let (index, path) = match routes::find(&self.routes, &req.method, &req.segments) {
            Matched::Operation(i, values) => (i, values),
            Matched::WrongMethod(allowed) => {
                return self
                    .undocumented(405, "METHOD_NOT_ALLOWED", "method not allowed on this path")
                    .with_header("Allow", allowed.join(", "));
            }
            Matched::NotFound => return self.undocumented(404, "NOT_FOUND", "no such operation"),
        };
        let op = &self.ops[index];
        let fault = self.fault(&op.id);
        if fault != Some(&FaultKind::AuthSkipped)
            && let Some(refused) = self.refusal(op, req)
        {
            return refused;
        }
        let body = req.json();
        let values = request_values(op, req, &path, body.as_ref());
        let cx = Context {
            req,
            path: &path,
            body: body.as_ref(),
            values: &values,
            state,
        };
        if let Some(e) = triggers::provoked(op, cx) {
            return self.error(&op.errors[e], fault);
        }
        if let Some(problem) = self.checks[index].problem(req, &path, body.as_ref()) {
            // The documented answer to a bad request: an error provoked by an input change with
            // status 400 (or 422, or none stated); never a 404 or 409 that names a situation.
            let input_error = |e: &&crate::contract::DocError| {
                e.all_triggers()
                    .iter()
                    .any(|t| matches!(t, Trigger::Input(_)))
            };
            let documented = [Some(400), Some(422), None].iter().find_map(|want| {
                op.errors
                    .iter()
                    .filter(input_error)
                    .find(|e| e.status == *want)
            });
            return match documented {
                Some(e) => self.error(e, fault),
                None => self.undocumented(400, "INVALID_REQUEST", &problem),
            };
        }
        let named = state.named_by(&values).map(str::to_string);
        let mut all = named
            .as_deref()
            .and_then(|f| state.values(f))
            .cloned()
            .unwrap_or_default();
        all.extend(values);
        if op.destructive
            && fault != Some(&FaultKind::ConsumptionNotPersisted)
            && let Some(f) = &named
        {
            state.consume(f);
        }
        self.success(op, &all, fault)
    }

    fn refusal(&self, op: &Operation, req: &Incoming) -> Option<Answer> {
        let role = match auth::check(
            &self.service.auth,
            &self.seed.credentials,
            &self.tokens,
            req,
        ) {
            Ok(role) => role,
            Err(r) => {
                let word = match r {
                    Refusal::Expired => "TOKEN_EXPIRED",
                    _ => "UNAUTHORIZED",
                };
                return Some(self.undocumented(401, word, r.message()));
            }
        };
        let grants = self
            .service
            .credentials
            .get(&role)
            .map(|r| r.grants.as_slice())
            .unwrap_or_default();
        if !op.permissions.is_empty() && !grants.iter().any(|g| op.permissions.contains(g)) {
            return Some(self.undocumented(
                403,
                "FORBIDDEN",
                &format!("the credential lacks {}", op.permissions.join(" or ")),
            ));
        }
        None
    }

    fn error(&self, e: &DocError, fault: Option<&FaultKind>) -> Answer {
        let code_text = e.code_text();
        let hit = |k: &FaultKind| fault == Some(k);
        // Where the spec states no status (an envelope, or a page that gives none): 400.
        let mut status = e.status.unwrap_or(400);
        if hit(&FaultKind::ErrorWrongStatus(code_text.clone())) {
            status = other_status(&[status]);
        }
        let code = if hit(&FaultKind::ErrorWrongCode(code_text.clone())) {
            other_code(&e.code)
        } else {
            e.code.clone()
        };
        let message = if hit(&FaultKind::ErrorChangedMessage(code_text)) {
            CHANGED_MESSAGE.to_string()
        } else {
            let documented = e
                .message
                .as_deref()
                .or(e.description.as_deref())
                .unwrap_or("the request failed");
            fill_message(documented, "the request")
        };
        Answer::json(status, &self.shaper.documented(&code, &message))
    }

    fn success(&self, op: &Operation, values: &Values, fault: Option<&FaultKind>) -> Answer {
        let documented: Vec<u16> = op
            .success
            .status
            .as_ref()
            .map(|s| s.all().to_vec())
            .unwrap_or_default();
        let mut status = documented.first().copied().unwrap_or(200);
        if fault == Some(&FaultKind::SuccessWrongStatus) {
            status = other_status(&documented);
        }
        match success::body(op, values) {
            Some(mut body) => {
                // An envelope's success carries its success code, whatever the example shows.
                if let (Carrier::Envelope, Some(code)) = (
                    self.service.errors.carrier,
                    self.service.errors.success_code.as_ref(),
                ) {
                    let _ = crate::contract::pointer::set(
                        &mut body,
                        &self.service.errors.code_field,
                        code.clone(),
                    );
                }
                if let (Some(FaultKind::SuccessMissingField(f)), Value::Object(m)) =
                    (fault, &mut body)
                {
                    m.remove(f);
                }
                let ct = op
                    .success
                    .content_type
                    .as_deref()
                    .unwrap_or("application/json");
                Answer::json_as(status, &body, ct)
            }
            None => Answer::empty(status),
        }
    }

    fn token(&self, req: &Incoming) -> Answer {
        match auth::token(
            &self.service.name,
            &self.service.auth,
            &self.seed.credentials,
            &self.tokens,
            req,
        ) {
            Ok((status, body, headers)) => {
                let mut a = Answer::json(status, &body);
                a.headers = headers;
                a
            }
            Err((status, message)) => {
                let word = if status == 401 {
                    "invalid_client"
                } else {
                    "invalid_request"
                };
                let mut body = self.shaper.undocumented(word, status, message);
                if let Value::Object(m) = &mut body {
                    m.entry("error").or_insert(json!(word));
                }
                Answer::json(status, &body)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderMap;

    fn petstore() -> SpecSet {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/petstore/specs");
        crate::contract::load(&dir).expect("specs").specs
    }

    fn req(method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Incoming {
        let mut h = HeaderMap::new();
        for (k, v) in headers {
            h.insert(
                axum::http::HeaderName::from_bytes(k.as_bytes()).expect("name"),
                v.parse().expect("value"),
            );
        }
        Incoming {
            method: method.into(),
            segments: path.split('/').skip(1).map(str::to_string).collect(),
            query: Vec::new(),
            headers: h,
            body: body.as_bytes().to_vec().into(),
        }
    }

    #[test]
    fn answers_follow_auth_then_triggers_then_success_and_consume() {
        let specs = petstore();
        let m = GenericMock::new(&specs, "pets", GenericSeed::default(), None).expect("mock");
        let token = format!("Bearer {}", m.credentials()["default"]["token"]);
        let auth = [("authorization", token.as_str())];
        let mut state = m.fresh_state();
        let mut answer = |method: &str, path: &str, h: &[(&str, &str)]| {
            m.shared().answer(&mut state, &req(method, path, h, ""))
        };
        // Refusal first, even for an id that names nothing.
        assert_eq!(answer("GET", "/v1/pets/nobody", &[]).status, 401);
        assert_eq!(answer("GET", "/v1/pets/nobody", &auth).status, 404);
        assert_eq!(
            answer("DELETE", "/v1/pets/pet-with-open-orders-1", &auth).status,
            409
        );
        let ok = answer("GET", "/v1/pets/pet-1", &auth);
        assert_eq!(
            ok.body_json().map(|b| b["pet_id"].clone()),
            Some(serde_json::json!("pet-1"))
        );
        assert_eq!(
            answer("DELETE", "/v1/pets/pet-1", &auth),
            Answer::empty(204)
        );
        assert_eq!(answer("DELETE", "/v1/pets/pet-1", &auth).status, 404);
        assert_eq!(answer("GET", "/v1/pets/pet-1", &auth).status, 404);
    }

    #[test]
    fn faults_change_exactly_their_answer() {
        let specs = petstore();
        let fault = |name: &str| GenericFault::parse(&specs, "pets", name).expect("fault");
        let run = |f: Option<GenericFault>| {
            let m = GenericMock::new(&specs, "pets", GenericSeed::default(), f).expect("mock");
            let token = format!("Bearer {}", m.credentials()["default"]["token"]);
            let mut state = m.fresh_state();
            let a = [("authorization", token.as_str())];
            let mut out = Vec::new();
            for (method, path, h) in [
                ("DELETE", "/v1/pets/pet-1", &a[..]),
                ("DELETE", "/v1/pets/pet-1", &a[..]),
                ("DELETE", "/v1/pets/pet-with-open-orders-1", &[][..]),
                ("GET", "/v1/pets/pet-with-open-orders-1", &a[..]),
            ] {
                let ans = m.shared().answer(&mut state, &req(method, path, h, ""));
                out.push((ans.status, ans.body_json()));
            }
            out
        };
        let correct = run(None);
        assert_eq!(
            correct.iter().map(|a| a.0).collect::<Vec<_>>(),
            [204, 404, 401, 200]
        );
        assert_eq!(
            run(Some(fault("delete_pet-success-wrong-status")))[0].0,
            400
        );
        assert_eq!(
            run(Some(fault("delete_pet-consumption-not-persisted")))[1].0,
            204
        );
        assert_eq!(run(Some(fault("delete_pet-auth-skipped")))[2].0, 409);
        let wrong_code = run(Some(fault("delete_pet-PET.404-wrong-code")));
        assert_eq!(
            wrong_code[1].1.as_ref().map(|b| b["code"].clone()),
            Some(serde_json::json!("PET.404.UNDOCUMENTED"))
        );
        let missing = run(Some(fault("get_pet-success-missing-pet_id")));
        assert!(
            missing[3]
                .1
                .as_ref()
                .is_some_and(|b| b.get("pet_id").is_none())
        );
        assert_eq!(missing[..3], correct[..3], "other operations unchanged");
    }

    #[test]
    fn signed_services_are_refused_with_a_reason() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("specs");
        let specs = crate::contract::load(&dir).expect("specs").specs;
        let e = GenericMock::new(&specs, "enos", GenericSeed::default(), None).expect_err("signed");
        assert!(e.to_string().contains("hand-written vendor mock"), "{e}");
        let e =
            GenericMock::new(&specs, "nope", GenericSeed::default(), None).expect_err("unknown");
        assert!(matches!(e, GenericError::UnknownService(_)));
    }
}
