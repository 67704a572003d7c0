//! The mock's HTTP server: state, the router built from it, request logging, start and stop.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::Router;

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::{self, Next};
use axum::response::Response;
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use super::auth::Tokens;
use super::control::{self, Control};
use super::dataarts::domain::DataArts;
use super::enos::domain::Enos;
use super::faults::{Fault, Faults};
use super::oneaccess::domain::OneAccess;
use super::request::Req;
use super::seed::Seed;
use super::{dataarts, enos, oneaccess};
use crate::mock::respond::{self, BodyError};

pub use crate::mock::serve::DEFAULT_BODY_LIMIT;

/// How to build a mock.
#[derive(Debug, Clone)]
pub struct MockConfig {
    /// Seed data.
    pub seed: Arc<Seed>,
    /// The fault switched on, if any.
    pub fault: Option<Fault>,
    /// Log one line per request to standard error.
    pub log: bool,
    /// Body size limit.
    pub body_limit: usize,
    /// Token store to share with other instances (a new one when `None`).
    pub tokens: Option<Arc<Tokens>>,
    /// Header-read timeout and connection limit.
    pub limits: crate::mock::serve::ServeLimits,
}

impl MockConfig {
    /// The built-in seed, no fault, no log.
    pub fn new(seed: Arc<Seed>) -> Self {
        Self {
            seed,
            fault: None,
            log: false,
            body_limit: DEFAULT_BODY_LIMIT,
            tokens: None,
            limits: crate::mock::serve::ServeLimits::default(),
        }
    }
}

/// Everything a handler may touch. Each vendor's state sits behind its own lock, and every
/// operation runs under it from check to change, so no update is lost or half-made.
#[derive(Debug)]
pub struct AppState {
    /// OneAccess state.
    pub oneaccess: Mutex<OneAccess>,
    /// DataArts state.
    pub dataarts: Mutex<DataArts>,
    /// EnOS state.
    pub enos: Mutex<Enos>,
    /// Issued tokens.
    pub tokens: Arc<Tokens>,
    /// Seed (credentials, token lifetimes).
    pub seed: Arc<Seed>,
    /// Fault switch.
    pub faults: Faults,
    /// Body size limit.
    pub body_limit: usize,
    /// The control plane (`/__reset`, `/__fixtures`), on for loopback listeners only.
    pub control: Control,
}

impl AppState {
    /// Fresh state from a config.
    pub fn new(config: &MockConfig) -> Self {
        let seed = config.seed.clone();
        Self {
            oneaccess: Mutex::new(OneAccess::from_seed(&seed.oneaccess)),
            dataarts: Mutex::new(DataArts::from_seed(&seed.dataarts)),
            enos: Mutex::new(Enos::from_seed(&seed.enos)),
            tokens: config
                .tokens
                .clone()
                .unwrap_or_else(|| Arc::new(Tokens::new(&seed))),
            seed,
            faults: Faults(config.fault),
            body_limit: config.body_limit,
            control: Control::default(),
        }
    }

    /// What the control plane touches.
    pub fn plane(&self) -> control::Plane<'_> {
        control::Plane {
            seed: &self.seed,
            oneaccess: &self.oneaccess,
            dataarts: &self.dataarts,
            enos: &self.enos,
            control: &self.control,
        }
    }
}

/// The router over a state: every path goes through [`dispatch`], which matches path
/// segments itself so that empty segments (an empty `app_id`) reach the documented errors.
pub fn router(state: Arc<AppState>, log: bool) -> Router {
    let app = Router::new().fallback(dispatch).with_state(state);
    if log {
        app.layer(middleware::from_fn(log_line))
    } else {
        app
    }
}

async fn log_line(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    // The path only: never the query or headers, which could carry credentials.
    let path = req.uri().path().to_string();
    let start = Instant::now();
    let resp = next.run(req).await;
    eprintln!(
        "{method} {path} {} {:.1}ms",
        resp.status().as_u16(),
        start.elapsed().as_secs_f64() * 1000.0
    );
    resp
}

fn not_found() -> Response {
    respond::json(
        404,
        &json!({"error_code": "COMMON.0404", "error_msg": "no such API"}),
    )
}

async fn dispatch(State(st): State<Arc<AppState>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let raw_path = parts.uri.path().to_string();
    let query: Vec<(String, String)> = parts
        .uri
        .query()
        .map(|q| serde_urlencoded::from_str(q).unwrap_or_default())
        .unwrap_or_default();
    // A declared size over the limit is refused before a byte of the body is read.
    let declared = parts
        .headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let too_large = declared.is_some_and(|n| n > st.body_limit as u64);
    let body = match if too_large {
        Err(BodyError::TooLarge)
    } else {
        respond::read(body, st.body_limit).await
    } {
        Ok(b) => b,
        Err(BodyError::TooLarge) => {
            return respond::json(
                413,
                &json!({"error_code": "COMMON.0413", "error_msg": "request body too large", "code": 413, "message": "request body too large"}),
            );
        }
        Err(BodyError::Broken) => {
            return respond::json(
                400,
                &json!({"error_code": "COMMON.0400", "error_msg": "request body could not be read", "code": 400, "message": "request body could not be read"}),
            );
        }
    };
    let req = Req {
        method: parts.method,
        headers: parts.headers,
        query,
        body,
    };
    let Some(segs) = raw_path
        .split('/')
        .skip(1)
        .map(respond::segment)
        .collect::<Option<Vec<String>>>()
    else {
        return respond::json(
            400,
            &json!({"error_code": "COMMON.0400", "error_msg": "path is not UTF-8"}),
        );
    };
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
    let st = st.as_ref();
    if let Some(resp) = control::route(&st.plane(), &req, &segs) {
        return resp;
    }
    match segs.as_slice() {
        ["api", "v2", "tenant", "token"] => oneaccess::http::token(st, &req),
        [
            "api",
            "v2",
            "tenant",
            "applications",
            app,
            "accounts",
            "public-account",
            acct,
            "users",
            "unbind",
        ] => oneaccess::http::unbind(st, &req, app, acct),
        ["api", "v2", "tenant", "organizations", org] => oneaccess::http::delete_org(st, &req, org),
        ["api", "v2", "tenant", "organizations", org, "disable"] => {
            oneaccess::http::disable_org(st, &req, org)
        }
        ["v3", "auth", "tokens"] => dataarts::http::token(st, &req),
        ["v2", project, workspace, "delete-users"] => {
            dataarts::http::delete_users(st, &req, project, workspace)
        }
        ["apim-token-service", "v2.0", "token", "get"] => enos::http::token(st, &req),
        ["app-portal-service", "v2.2", "user", "remove"] => enos::http::remove_user(st, &req),
        _ if req.method == Method::OPTIONS => respond::empty(204),
        _ => not_found(),
    }
}

/// A running mock on a loopback port.
#[derive(Debug)]
pub struct MockServer {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its state, for tests that inspect it.
    pub state: Arc<AppState>,
    shutdown: Option<oneshot::Sender<()>>,
}

impl MockServer {
    /// Starts a mock with fresh state on `addr` (use port 0 for any free port) inside the
    /// current tokio runtime.
    ///
    /// # Errors
    /// When the address cannot be bound.
    pub async fn start(config: &MockConfig, addr: SocketAddr) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        Self::serve(config, listener)
    }

    /// Serves on an already bound listener.
    ///
    /// # Errors
    /// When the listener has no local address.
    pub fn serve(config: &MockConfig, listener: TcpListener) -> std::io::Result<Self> {
        let addr = listener.local_addr()?;
        let state = Arc::new(AppState::new(config));
        state.control.enable(addr.ip().is_loopback());
        let app = router(state.clone(), config.log);
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(crate::mock::serve::serve(listener, app, config.limits, rx));
        Ok(Self {
            addr,
            state,
            shutdown: Some(tx),
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
