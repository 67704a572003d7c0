//! The HTTP client: one per process, with a per-request timeout, bounded concurrency, an
//! optional rate limit, and redirects followed only within the same host.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use reqwest::redirect::Policy;
use tokio::sync::{Mutex, Semaphore};

use super::error::HarnessError;
use super::request::Prepared;
use super::target::Limits;
use crate::check::Observed;

/// Sends requests for the harness.
#[derive(Debug)]
pub struct Client {
    http: reqwest::Client,
    permits: Semaphore,
    interval: Option<Duration>,
    next_slot: Mutex<Instant>,
}

/// Response bodies are read up to this size.
pub const MAX_BODY: usize = 4 << 20;

impl Client {
    /// A client with these limits.
    ///
    /// # Errors
    /// When the TLS backend cannot be initialised.
    pub fn new(limits: &Limits) -> Result<Self, HarnessError> {
        let policy = Policy::custom(|attempt| {
            // Same scheme, host and port only: credentials never travel elsewhere, nor from
            // https down to http.
            let same_origin = attempt.previous().first().is_some_and(|first| {
                first.scheme() == attempt.url().scheme()
                    && first.host_str() == attempt.url().host_str()
                    && first.port_or_known_default() == attempt.url().port_or_known_default()
            });
            if attempt.previous().len() > 5 || !same_origin {
                attempt.stop()
            } else {
                attempt.follow()
            }
        });
        let builder = reqwest::Client::builder()
            .timeout(limits.timeout)
            .connect_timeout(limits.timeout)
            .redirect(policy);
        // Loopback targets never go through a proxy; live ones honour HTTP(S)_PROXY.
        let builder = if limits.env_proxy {
            builder
        } else {
            builder.no_proxy()
        };
        let http = builder
            .pool_max_idle_per_host(64)
            .build()
            .map_err(|e| HarnessError::Transport(e.to_string()))?;
        Ok(Self {
            http,
            permits: Semaphore::new(limits.concurrency.max(1)),
            interval: limits
                .rate_per_second
                .filter(|r| *r > 0.0)
                .and_then(|r| Duration::try_from_secs_f64(1.0 / r).ok()),
            next_slot: Mutex::new(Instant::now()),
        })
    }

    async fn pace(&self) {
        if let Some(iv) = self.interval {
            let wait = {
                let mut next = self.next_slot.lock().await;
                let now = Instant::now();
                let slot = (*next).max(now);
                *next = slot + iv;
                slot.saturating_duration_since(now)
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// Sends a prepared request to `base`.
    ///
    /// # Errors
    /// [`HarnessError::Transport`] when nothing usable came back (timeout, refused connection).
    pub async fn send(&self, base: &str, req: &Prepared) -> Result<Observed, HarnessError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| HarnessError::Transport(e.to_string()))?;
        self.pace().await;
        let method = reqwest::Method::from_bytes(req.method.as_bytes())
            .map_err(|e| HarnessError::Transport(e.to_string()))?;
        let mut builder = self.http.request(method, format!("{base}{}", req.path));
        for (k, v) in &req.headers {
            builder = builder.header(k, v);
        }
        if let Some(b) = &req.body {
            builder = builder.body(b.clone());
        }
        let resp = builder.send().await.map_err(|e| {
            HarnessError::Transport(crate::secrets::redact(&e.without_url().to_string()))
        })?;
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut body = Vec::new();
        let mut resp = resp;
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| HarnessError::Transport(e.without_url().to_string()))?
        {
            body.extend_from_slice(&chunk);
            if body.len() > MAX_BODY {
                break;
            }
        }
        Ok(Observed::new(status, headers, body))
    }

    /// Waits for a slot within the concurrency and rate limits, for work that is not one
    /// request (a provisioning command); the slot is held until the permit is dropped.
    ///
    /// # Errors
    /// When the client is shutting down.
    pub async fn slot(&self) -> Result<tokio::sync::SemaphorePermit<'_>, HarnessError> {
        let permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| HarnessError::Transport(e.to_string()))?;
        self.pace().await;
        Ok(permit)
    }

    /// The underlying client, for credential flows.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }
}

/// The process's client for a target's limits (created on first use).
///
/// # Errors
/// When the client cannot be built.
pub fn shared(limits: &Limits) -> Result<&'static Client, HarnessError> {
    static CLIENT: OnceLock<Client> = OnceLock::new();
    if let Some(c) = CLIENT.get() {
        return Ok(c);
    }
    let c = Client::new(limits)?;
    Ok(CLIENT.get_or_init(|| c))
}
