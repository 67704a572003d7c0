//! Serving the mock's router with the limits a server facing arbitrary clients needs: request
//! headers must arrive within a deadline (a slowloris connection is dropped), at most a fixed
//! number of connections are served at once (the others wait in the listen queue), and a stop
//! closes idle keep-alive connections and lets requests under way finish.

/// Largest request body accepted (bytes).
pub const DEFAULT_BODY_LIMIT: usize = 1 << 20;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, oneshot, watch};

/// The limits of one server.
#[derive(Debug, Clone, Copy)]
pub struct ServeLimits {
    /// Time a client has to send a request's headers.
    pub header_read_timeout: Duration,
    /// Connections served at once.
    pub max_connections: usize,
}

impl Default for ServeLimits {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            max_connections: 1024,
        }
    }
}

/// Accepts and serves connections until `stop` fires (or its sender is dropped).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ServeLimits,
    stop: oneshot::Receiver<()>,
) {
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let (closing_tx, closing) = watch::channel(false);
    tokio::pin!(stop);
    loop {
        let permit = tokio::select! {
            p = Arc::clone(&permits).acquire_owned() => p,
            _ = &mut stop => break,
        };
        let Ok(permit) = permit else { break };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors and the like: wait a little rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        let service = TowerToHyperService::new(app.clone());
        let mut closing = closing.clone();
        tokio::spawn(async move {
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_read_timeout);
            let conn = builder.serve_connection(TokioIo::new(stream), service);
            tokio::pin!(conn);
            let stopping = async move {
                // The guard `wait_for` returns is not `Send`: drop it at once.
                closing.wait_for(|c| *c).await.is_ok()
            };
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = stopping => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
            drop(permit);
        });
    }
    let _ = closing_tx.send(true);
}
