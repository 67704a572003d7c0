//! OneAccess over HTTP: the token endpoint, the bearer and permission checks, and the three
//! documented operations with their `error_code`/`error_msg` errors.

use std::collections::HashMap;
use std::time::Duration;

use axum::http::Method;
use axum::response::Response;
use serde_json::{Value, json};

use super::domain::{OaError, Relaxed};
use crate::mock::respond;
use crate::mock::vendor::auth::{Refusal, Vendor, lock};
use crate::mock::vendor::faults::Fault;
use crate::mock::vendor::request::Req;
use crate::mock::vendor::server::AppState;

fn error(status: u16, code: &str, msg: &str) -> Response {
    respond::json(status, &json!({"error_code": code, "error_msg": msg}))
}

fn documented(st: &AppState, e: OaError) -> Response {
    let (code, msg) = e.code_message();
    let status = if e == OaError::OrgNotFound && st.faults.on(Fault::DeleteOrgNotFound404) {
        404
    } else {
        400
    };
    let msg = if e == OaError::PublicAccountNotFound && st.faults.on(Fault::UnbindMessageEnglish) {
        "Public account does not exist"
    } else {
        msg
    };
    error(status, code, msg)
}

/// Not a documented code: the pages do not say how refused credentials look.
fn refused(st: &AppState, r: Refusal) -> Response {
    let code = if r == Refusal::Forbidden {
        "AUTH.0003"
    } else {
        "AUTH.0001"
    };
    let status = if r == Refusal::Expired && st.faults.on(Fault::OneaccessExpiredRefused403) {
        403
    } else {
        r.status()
    };
    error(status, code, r.reason())
}

/// A path id as the handlers use it: as sent, or trimmed by the lenient variant.
fn trimmed<'a>(st: &AppState, id: &'a str) -> &'a str {
    if st.faults.on(Fault::LenientTrimsIds) {
        id.trim()
    } else {
        id
    }
}

/// The method is not the one of this path.
pub fn method_not_allowed(allow: &'static str) -> Response {
    respond::allow(error(405, "COMMON.0405", "Method Not Allowed"), allow)
}

/// `POST /api/v2/tenant/token`: client credentials, form-encoded.
pub fn token(st: &AppState, req: &Req) -> Response {
    if req.method != Method::POST {
        return method_not_allowed("POST");
    }
    let form: HashMap<String, String> = match serde_urlencoded::from_bytes(&req.body) {
        Ok(f) => f,
        Err(_) => {
            return error(
                400,
                "invalid_request",
                "the body must be application/x-www-form-urlencoded",
            );
        }
    };
    let field = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    if field("grant_type") != "client_credentials" {
        return error(
            400,
            "unsupported_grant_type",
            "grant_type must be client_credentials",
        );
    }
    if field("client_id").is_empty() || field("client_secret").is_empty() {
        return error(
            400,
            "invalid_request",
            "client_id and client_secret are required",
        );
    }
    let Some(client) =
        st.seed.oneaccess.clients.iter().find(|c| {
            c.client_id == field("client_id") && c.client_secret == field("client_secret")
        })
    else {
        return error(400, "invalid_client", "client authentication failed");
    };
    let ttl = st.seed.oneaccess.token_ttl_seconds;
    let token = st.tokens.issue(
        Vendor::OneAccess,
        &client.client_id,
        client.permissions.clone(),
        Duration::from_secs(ttl),
    );
    respond::json(
        200,
        &json!({
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": ttl,
            "scope": client.permissions.join(" "),
            "id_token": "",
        }),
    )
}

/// Checks `Authorization: Bearer {access_token}` and that the token holds one of `needed`.
fn authorize(
    st: &AppState,
    req: &Req,
    needed: &[&str],
    skip_permission: bool,
) -> Result<(), Refusal> {
    let Some(value) = req.headers.get("authorization") else {
        return Err(Refusal::Missing);
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| {
            !t.is_empty()
                && t.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
        })
        .ok_or(Refusal::Malformed)?;
    let grant = st.tokens.check(Vendor::OneAccess, token)?;
    if !skip_permission
        && !grant
            .permissions
            .iter()
            .any(|p| needed.contains(&p.as_str()))
    {
        return Err(Refusal::Forbidden);
    }
    Ok(())
}

/// `POST .../applications/{app_id}/accounts/public-account/{app_user_id}/users/unbind`.
pub fn unbind(st: &AppState, req: &Req, app_id: &str, app_user_id: &str) -> Response {
    if req.method != Method::POST {
        return method_not_allowed("POST");
    }
    let (app_id, app_user_id) = (trimmed(st, app_id), trimmed(st, app_user_id));
    if let Err(r) = authorize(
        st,
        req,
        &["account_all", "all"],
        st.faults.on(Fault::UnbindPermissionSkipped),
    ) {
        return refused(st, r);
    }
    // The page fixes the Content-Type the client sends; this mock refuses others (a choice,
    // recorded by the suite, not asserted), unless it is the lenient variant.
    if !st.faults.on(Fault::LenientContentType)
        && !respond::is_json(req.headers.get("content-type"))
    {
        return error(
            415,
            "COMMON.0415",
            "Content-Type must be application/json; charset=utf-8",
        );
    }
    let names = match parse_user_names(&req.body) {
        Ok(n) => n,
        Err(msg) => return error(400, "COMMON.0400", msg),
    };
    if st.faults.on(Fault::UnbindNonAscii500) && names.iter().any(|n| !n.is_ascii()) {
        return error(500, "COMMON.0500", "internal error");
    }
    let relaxed = Relaxed {
        accept_empty_names: st.faults.on(Fault::UnbindEmptyNamesAccepted),
        ..Relaxed::default()
    };
    if st.faults.on(Fault::UnbindWhitespaceAppIdUnknown)
        && !app_id.is_empty()
        && app_id.trim().is_empty()
    {
        return documented(st, OaError::AppNotFound);
    }
    let result = lock(&st.oneaccess).unbind(app_id, app_user_id, &names, relaxed);
    match result {
        Ok(account_id) => {
            let key = if st.faults.on(Fault::UnbindAccountIdRenamed) {
                "accountId"
            } else {
                "account_id"
            };
            let status = if st.faults.on(Fault::UnbindStatus201) {
                201
            } else {
                200
            };
            let account_id = if st.faults.on(Fault::UnbindWrongAccountId) {
                app_id.to_string()
            } else {
                account_id
            };
            respond::json(status, &json!({ key: account_id }))
        }
        Err(OaError::AppNotFound) if st.faults.on(Fault::UnbindAppNotFoundCode) => {
            error(400, "APP.0006", "应用ID不能为空")
        }
        Err(e) => documented(st, e),
    }
}

/// `user_names` from the body: missing or null is an empty list (APP.ACCOUNT.0001 follows);
/// anything but a list of strings is a malformed request.
fn parse_user_names(body: &[u8]) -> Result<Vec<String>, &'static str> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|_| "请求体不是合法的JSON (the body is not valid JSON)")?;
    let obj = v
        .as_object()
        .ok_or("请求体必须是JSON对象 (the body must be a JSON object)")?;
    match obj.get("user_names") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .ok_or("user_names必须是字符串列表 (user_names must be a list of strings)"),
        Some(_) => Err("user_names必须是字符串列表 (user_names must be a list of strings)"),
    }
}

/// `DELETE /api/v2/tenant/organizations/{org_id}`.
pub fn delete_org(st: &AppState, req: &Req, org_id: &str) -> Response {
    if req.method != Method::DELETE {
        return method_not_allowed("DELETE");
    }
    let org_id = trimmed(st, org_id);
    let needed: &[&str] = if st.faults.on(Fault::DeleteOrgRequiresAll) {
        &["all"]
    } else {
        &["org_all", "all"]
    };
    if let Err(r) = authorize(
        st,
        req,
        needed,
        st.faults.on(Fault::DeleteOrgOrgPermissionSkipped),
    ) {
        return refused(st, r);
    }
    let relaxed = Relaxed {
        ignore_children_on_delete: st.faults.on(Fault::DeleteOrgIgnoresChildren),
        ignore_disabled_children_on_delete: st.faults.on(Fault::DeleteOrgIgnoresDisabledChildren),
        skip_delete: st.faults.on(Fault::DeleteOrgNotPersisted),
        ..Relaxed::default()
    };
    let result = lock(&st.oneaccess).delete_org(org_id, relaxed);
    match result {
        Ok(()) if st.faults.on(Fault::DeleteOrgStatus200) => {
            respond::json(200, &json!({"org_id": org_id}))
        }
        Ok(()) => respond::empty(204),
        Err(OaError::OrgHasGroups) if st.faults.on(Fault::DeleteOrgGroupsCode) => {
            documented(st, OaError::OrgHasUsers)
        }
        Err(OaError::OrgHasGroups) if st.faults.on(Fault::DeleteOrgHalfDone) => {
            lock(&st.oneaccess).orgs.remove(org_id);
            documented(st, OaError::OrgHasGroups)
        }
        Err(e) => documented(st, e),
    }
}

/// `PUT /api/v2/tenant/organizations/{org_id}/disable`.
pub fn disable_org(st: &AppState, req: &Req, org_id: &str) -> Response {
    if req.method != Method::PUT {
        return method_not_allowed("PUT");
    }
    let org_id = trimmed(st, org_id);
    if let Err(r) = authorize(st, req, &["org_all", "all"], false) {
        return refused(st, r);
    }
    if st.faults.on(Fault::DisableOrgLongId500) && org_id.chars().count() > 200 {
        return error(500, "COMMON.0500", "internal error");
    }
    let relaxed = Relaxed {
        ignore_users_on_disable: st.faults.on(Fault::DisableOrgIgnoresUsers),
        skip_disable: st.faults.on(Fault::DisableOrgNotPersisted),
        ..Relaxed::default()
    };
    let result = lock(&st.oneaccess).disable_org(org_id, relaxed);
    match result {
        Ok(id) if st.faults.on(Fault::DisableOrgTextPlain) => {
            respond::with_content_type(200, json!({"org_id": id}).to_string(), "text/plain")
        }
        Ok(id) if st.faults.on(Fault::DisableOrgIdNumber) => {
            respond::json(200, &json!({"org_id": id.len()}))
        }
        Ok(id) => respond::json(200, &json!({"org_id": id})),
        Err(e) => documented(st, e),
    }
}
