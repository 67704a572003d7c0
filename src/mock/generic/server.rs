//! Serving a generic mock: each start is an instance with fresh state on its own port (the
//! token store is the mock's, shared), behind `serve.rs`'s limits; stopped when dropped. On a
//! loopback listener `POST /__reset` (204) brings the instance back to its seed.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::Router;
use axum::extract::{Request, State as AxState};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use super::mock::{GenericMock, Shared};
use super::request::Incoming;
use super::respond::Answer;
use super::state::State;
use crate::mock::respond::{self as vendor_respond, BodyError};
use crate::mock::serve::DEFAULT_BODY_LIMIT;
use crate::mock::serve::{ServeLimits, serve};

/// One instance: the shared mock and this instance's state.
#[derive(Debug)]
struct Instance {
    shared: Arc<Shared>,
    state: Mutex<State>,
    log: bool,
    /// `POST /__reset` is served (loopback listeners only).
    control: bool,
}

/// A running instance on a port.
#[derive(Debug)]
pub struct GenericServer {
    /// Where it listens.
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
}

impl GenericServer {
    /// `http://ADDR`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for GenericServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl GenericMock {
    /// Starts an instance with fresh state on `addr` (port 0: any free port) in the current
    /// tokio runtime.
    ///
    /// # Errors
    /// When the address cannot be bound.
    pub async fn start(&self, addr: SocketAddr) -> std::io::Result<GenericServer> {
        self.start_with(addr, false, ServeLimits::default()).await
    }

    /// As [`GenericMock::start`], logging one line per request to standard error when `log`.
    ///
    /// # Errors
    /// When the address cannot be bound.
    pub async fn start_with(
        &self,
        addr: SocketAddr,
        log: bool,
        limits: ServeLimits,
    ) -> std::io::Result<GenericServer> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let instance = Arc::new(Instance {
            shared: self.shared().clone(),
            state: Mutex::new(self.fresh_state()),
            log,
            control: addr.ip().is_loopback(),
        });
        let app = Router::new().fallback(handle).with_state(instance);
        let (tx, rx) = oneshot::channel();
        tokio::spawn(serve(listener, app, limits, rx));
        Ok(GenericServer {
            addr,
            shutdown: Some(tx),
        })
    }
}

async fn handle(AxState(inst): AxState<Arc<Instance>>, request: Request) -> Response {
    let start = Instant::now();
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_string();
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let bytes = if declared.is_some_and(|n| n > DEFAULT_BODY_LIMIT as u64) {
        Err(BodyError::TooLarge)
    } else {
        vendor_respond::read(body, DEFAULT_BODY_LIMIT).await
    };
    let segments: Option<Vec<String>> = path
        .split('/')
        .skip(1)
        .map(vendor_respond::segment)
        .collect();
    let answer = match (bytes, segments) {
        (Err(BodyError::TooLarge), _) => {
            inst.shared
                .undocumented(413, "TOO_LARGE", "request body too large")
        }
        (Err(BodyError::Broken), _) => {
            inst.shared
                .undocumented(400, "BAD_BODY", "request body could not be read")
        }
        (_, None) => inst
            .shared
            .undocumented(400, "BAD_PATH", "path is not UTF-8"),
        (Ok(body), Some(segments)) => {
            let incoming = Incoming {
                method: parts.method.as_str().to_ascii_uppercase(),
                segments,
                query: parts
                    .uri
                    .query()
                    .map(|q| serde_urlencoded::from_str(q).unwrap_or_default())
                    .unwrap_or_default(),
                headers: parts.headers,
                body,
            };
            let mut state = inst
                .state
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if inst.control && incoming.method == "POST" && incoming.segments == ["__reset"] {
                // The control plane: every fixture instance live again (tokens stay valid).
                *state = State::new(&inst.shared.seed.fixtures);
                Answer::empty(204)
            } else {
                inst.shared.answer(&mut state, &incoming)
            }
        }
    };
    if inst.log {
        // The path only: never the query or headers, which may carry credentials.
        eprintln!(
            "{} {} {} {} {:.1}ms",
            inst.shared.service.name,
            parts.method,
            path,
            answer.status,
            start.elapsed().as_secs_f64() * 1000.0
        );
    }
    to_response(answer)
}

fn to_response(a: Answer) -> Response {
    let status = StatusCode::from_u16(a.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut r = (status, a.body).into_response();
    let h = r.headers_mut();
    h.remove(header::CONTENT_TYPE);
    if let Some(ct) = a.content_type.and_then(|c| HeaderValue::from_str(&c).ok()) {
        h.insert(header::CONTENT_TYPE, ct);
    }
    for (k, v) in a.headers {
        if let (Ok(k), Ok(v)) = (
            HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(&v),
        ) {
            h.insert(k, v);
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_become_responses_with_their_headers() {
        let r = to_response(
            Answer::json_as(
                201,
                &serde_json::json!({}),
                "application/json; charset=utf-8",
            )
            .with_header("X-Subject-Token", "t".into()),
        );
        assert_eq!(r.status(), StatusCode::CREATED);
        assert_eq!(
            r.headers()["content-type"],
            "application/json; charset=utf-8"
        );
        assert_eq!(r.headers()["x-subject-token"], "t");
        let r = to_response(Answer::empty(204));
        assert!(r.headers().get("content-type").is_none());
    }
}
