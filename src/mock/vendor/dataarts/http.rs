//! DataArts over HTTP: the IAM token endpoint (`X-Subject-Token`), the `X-Auth-Token` check
//! and delete-users with its DAYU.4402 / DAYU.3531 errors.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::{HeaderValue, Method};
use axum::response::Response;
use serde_json::{Value, json};

use crate::mock::respond;
use crate::mock::vendor::auth::{Refusal, Vendor, lock};
use crate::mock::vendor::faults::Fault;
use crate::mock::vendor::request::Req;
use crate::mock::vendor::server::AppState;

fn bad_request(st: &AppState, detail: &str) -> Response {
    let msg = format!("The operation failed, detail msg {detail}.");
    if st.faults.on(Fault::DataartsMissingCode) {
        return respond::json(400, &json!({ "error_msg": msg }));
    }
    respond::json(400, &json!({"error_code": "DAYU.4402", "error_msg": msg}))
}

fn internal(detail: &str) -> Response {
    respond::json(
        500,
        &json!({"error_code": "DAYU.3531", "error_msg": format!("Internal server error: {detail}")}),
    )
}

/// Not documented by the page: the API gateway's answer to a refused token.
fn refused(r: Refusal) -> Response {
    respond::json(
        r.status(),
        &json!({"error_code": "APIG.1002", "error_msg": r.reason()}),
    )
}

/// The method is not the one of this path.
pub fn method_not_allowed() -> Response {
    respond::allow(
        respond::json(
            405,
            &json!({"error_code": "APIG.0101", "error_msg": "Method Not Allowed"}),
        ),
        "POST",
    )
}

fn iam_error(status: u16, title: &str, message: &str) -> Response {
    respond::json(
        status,
        &json!({"error": {"code": status, "title": title, "message": message}}),
    )
}

/// `POST /v3/auth/tokens` with the password method; the token is in `X-Subject-Token`.
pub fn token(st: &AppState, req: &Req) -> Response {
    if req.method != Method::POST {
        return iam_error(405, "Method Not Allowed", "only POST is allowed");
    }
    let Ok(body) = serde_json::from_slice::<Value>(&req.body) else {
        return iam_error(400, "Bad Request", "the request body is not valid JSON");
    };
    let identity = &body["auth"]["identity"];
    let uses_password = identity["methods"]
        .as_array()
        .is_some_and(|m| m.iter().any(|x| x == "password"));
    let user = &identity["password"]["user"];
    let (Some(name), Some(password), Some(domain)) = (
        user["name"].as_str(),
        user["password"].as_str(),
        user["domain"]["name"].as_str(),
    ) else {
        return iam_error(
            400,
            "Bad Request",
            "auth.identity.password.user needs name, password and domain.name",
        );
    };
    if !uses_password {
        return iam_error(400, "Bad Request", "only the password method is supported");
    }
    let Some(found) = st
        .seed
        .dataarts
        .users
        .iter()
        .find(|u| u.name == name && u.password == password && u.domain == domain)
    else {
        return iam_error(401, "Unauthorized", "The username or password is wrong.");
    };
    let ttl = st.seed.dataarts.token_ttl_seconds;
    let token = st.tokens.issue(
        Vendor::Iam,
        &found.name,
        Vec::new(),
        Duration::from_secs(ttl),
    );
    let expires = SystemTime::now()
        .checked_add(Duration::from_secs(ttl))
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs());
    let mut r = respond::json(
        201,
        &json!({"token": {
            "methods": ["password"],
            "expires_at_unix": expires,
            "user": {"name": found.name, "domain": {"name": found.domain}},
        }}),
    );
    if let Ok(v) = HeaderValue::from_str(&token) {
        r.headers_mut().insert("x-subject-token", v);
    }
    r
}

fn authorize(st: &AppState, req: &Req) -> Result<(), Refusal> {
    let Some(token) = req.headers.get("x-auth-token") else {
        if st.faults.on(Fault::DataartsNoTokenAccepted) {
            return Ok(());
        }
        return Err(Refusal::Missing);
    };
    let token = token
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|t| {
            !t.is_empty()
                && t.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        })
        .ok_or(Refusal::Malformed)?;
    match st.tokens.check(Vendor::Iam, token) {
        Ok(_) => Ok(()),
        Err(Refusal::Expired) if st.faults.on(Fault::DataartsExpiredTokenAccepted) => Ok(()),
        Err(r) => Err(r),
    }
}

/// `POST /v2/{project_id}/{workspace_id}/delete-users`.
pub fn delete_users(st: &AppState, req: &Req, project_id: &str, workspace_id: &str) -> Response {
    if req.method != Method::POST {
        return method_not_allowed();
    }
    if let Err(r) = authorize(st, req) {
        return refused(r);
    }
    let Ok(body) = serde_json::from_slice::<Value>(&req.body) else {
        return bad_request(st, "the request body is not valid JSON");
    };
    let Some(obj) = body.as_object() else {
        return bad_request(st, "the request body must be a JSON object");
    };
    let ids = match obj.get("user_ids") {
        None | Some(Value::Null) => {
            if st.faults.on(Fault::DataartsBadRequest500) {
                return internal("user_ids is null");
            }
            return bad_request(st, "user_ids is required");
        }
        Some(Value::Array(items)) => {
            if st.faults.on(Fault::DataartsNullElement500) && items.iter().any(Value::is_null) {
                return internal("NullPointerException");
            }
            match items
                .iter()
                .map(|i| i.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
            {
                Some(ids) => ids,
                None => return bad_request(st, "user_ids must be a list of user id strings"),
            }
        }
        Some(_) => return bad_request(st, "user_ids must be a list of user id strings"),
    };
    let partial = st.faults.on(Fault::DataartsPartialRemoval);
    let ids = if st.faults.on(Fault::LenientIgnoresNonMembers) {
        let members = lock(&st.dataarts).members(project_id, workspace_id);
        ids.into_iter()
            .filter(|id| members.as_ref().is_none_or(|m| m.contains(id)))
            .collect()
    } else {
        ids
    };
    let result = lock(&st.dataarts).delete_users(project_id, workspace_id, &ids, partial);
    match result {
        Ok(()) if st.faults.on(Fault::DataartsIsSuccessFalse) => {
            respond::json(200, &json!({"message": null, "is_success": false}))
        }
        Ok(()) if st.faults.on(Fault::DataartsIsSuccessString) => {
            respond::json(200, &json!({"message": null, "is_success": "true"}))
        }
        Ok(()) => respond::json(200, &json!({"message": null, "is_success": true})),
        Err(e) => bad_request(st, &e.0),
    }
}
