//! EnOS over HTTP: the gateway's token service, the `apim-*` header and signature checks, and
//! remove user with its 31400 / 31403 / 31404 envelope codes.

use std::time::Duration;

use axum::http::Method;
use axum::response::Response;
use serde_json::{Value, json};

use super::domain::{EnosError, Relaxed};
use crate::mock::respond;
use crate::mock::vendor::auth::{Refusal, Vendor, enos_params_data, lock, sha256_hex};
use crate::mock::vendor::faults::Fault;
use crate::mock::vendor::request::Req;
use crate::mock::vendor::server::AppState;

fn token_status(status: i64, msg: &str) -> Response {
    respond::json(
        200,
        &json!({"status": status, "msg": msg, "business": "apim-token-service", "data": null}),
    )
}

/// `POST /apim-token-service/v2.0/token/get`.
pub fn token(st: &AppState, req: &Req) -> Response {
    if req.method != Method::POST {
        return method_not_allowed();
    }
    let Ok(body) = serde_json::from_slice::<Value>(&req.body) else {
        return token_status(1004, "invalid parameters");
    };
    let field = |k: &str| body.get(k).and_then(Value::as_str).unwrap_or("");
    let timestamp = match body.get("timestamp") {
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    };
    let (app_key, encryption) = (field("appKey"), field("encryption"));
    if app_key.is_empty() || encryption.is_empty() || timestamp.is_empty() {
        return token_status(1202, "parameter must not be empty");
    }
    let Some(app) = st.seed.enos.apps.iter().find(|a| a.app_key == app_key) else {
        return token_status(1002, "unknown appKey");
    };
    let expected = sha256_hex(&[
        app_key.as_bytes(),
        timestamp.as_bytes(),
        app.app_secret.as_bytes(),
    ]);
    if encryption != expected {
        return token_status(1003, "invalid encryption");
    }
    if !st.tokens.first_use(encryption) {
        return token_status(1001, "repeated request");
    }
    let ttl = st.seed.enos.token_ttl_seconds;
    let token = st
        .tokens
        .issue(Vendor::Enos, app_key, Vec::new(), Duration::from_secs(ttl));
    respond::json(
        200,
        &json!({"status": 0, "msg": "SUCCESS", "business": "apim-token-service",
                "data": {"accessToken": token, "expire": ttl}}),
    )
}

/// The method is not the one of this path.
pub fn method_not_allowed() -> Response {
    respond::allow(
        respond::json(
            405,
            &json!({"code": 405, "message": "Method Not Allowed", "data": null}),
        ),
        "POST",
    )
}

/// Not documented by the page: the gateway's answer to refused credentials.
fn refused(r: Refusal) -> Response {
    respond::json(
        r.status(),
        &json!({"code": r.status(), "message": r.reason(), "data": null}),
    )
}

fn authorize(st: &AppState, req: &Req) -> Result<(), Refusal> {
    let (Some(token), Some(timestamp), Some(signature)) = (
        req.header("apim-accesstoken"),
        req.header("apim-timestamp"),
        req.header("apim-signature"),
    ) else {
        return Err(Refusal::Missing);
    };
    let hex64 = signature.len() == 64
        && signature
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if !hex64 || timestamp.is_empty() || !timestamp.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Refusal::Malformed);
    }
    let grant = st.tokens.check(Vendor::Enos, token)?;
    if st.faults.on(Fault::EnosSignatureUnchecked) {
        return Ok(());
    }
    let secret = st
        .seed
        .enos
        .apps
        .iter()
        .find(|a| a.app_key == grant.owner)
        .map(|a| a.app_secret.as_str())
        .ok_or(Refusal::Unknown)?;
    let params = enos_params_data(&req.query, &req.body);
    let expected = sha256_hex(&[
        token.as_bytes(),
        &params,
        timestamp.as_bytes(),
        secret.as_bytes(),
    ]);
    if expected != signature {
        return Err(Refusal::BadSignature);
    }
    Ok(())
}

fn envelope_error(st: &AppState, e: EnosError) -> Response {
    let code = if st.faults.on(Fault::EnosCodeAsString) {
        json!(e.code().to_string())
    } else {
        json!(e.code())
    };
    respond::json(
        200,
        &json!({"code": code, "message": e.message(), "data": null}),
    )
}

/// `POST /app-portal-service/v2.2/user/remove`.
pub fn remove_user(st: &AppState, req: &Req) -> Response {
    if req.method != Method::POST {
        return method_not_allowed();
    }
    if let Err(r) = authorize(st, req) {
        return refused(r);
    }
    let bad = |m| envelope_error(st, EnosError::BadParam(m));
    let Ok(body) = serde_json::from_slice::<Value>(&req.body) else {
        return bad("the request body is not valid JSON");
    };
    let Some(obj) = body.as_object() else {
        return bad("the request body must be a JSON object");
    };
    let text = |k: &str| match obj.get(k) {
        Some(Value::String(s)) => Ok(s.as_str()),
        None | Some(Value::Null) => Err("userId and organizationId are mandatory"),
        Some(_) => Err("userId and organizationId must be strings"),
    };
    if st.faults.on(Fault::EnosBadParam500)
        && obj
            .get("userId")
            .is_some_and(|v| !v.is_string() && !v.is_null())
    {
        return respond::json(
            500,
            &json!({"code": 500, "message": "ClassCastException", "data": null}),
        );
    }
    let (user_id, org_id) = match (text("userId"), text("organizationId")) {
        (Ok(u), Ok(o)) => (u, o),
        (Err(m), _) | (_, Err(m)) => return bad(m),
    };
    let relaxed = Relaxed {
        ignore_permission: st.faults.on(Fault::EnosPermissionSkipped),
        delete_entirely: st.faults.on(Fault::EnosTwoOuUserDeleted),
    };
    let result = lock(&st.enos).remove(user_id, org_id, relaxed);
    match result {
        Ok(()) => {
            let key = if st.faults.on(Fault::EnosDataRenamed) {
                "result"
            } else {
                "data"
            };
            respond::json(200, &json!({"code": 0, "message": "OK", key: true}))
        }
        Err(EnosError::NotFound("organization not found"))
            if st.faults.on(Fault::EnosNotFoundAsSuccess) =>
        {
            respond::json(200, &json!({"code": 0, "message": "OK", "data": false}))
        }
        Err(e) => envelope_error(st, e),
    }
}
