//! The HTTP client: one per process, with a per-request deadline over the whole exchange (body
//! included), a cap on response bodies, bounded concurrency, an optional rate limit, redirects
//! followed only within the same origin, and a proxy only when the user names one.

// Numbers here come from servers (lifetimes, lengths): no unchecked arithmetic.
#![deny(clippy::arithmetic_side_effects)]

use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};

use reqwest::redirect::Policy;
use tokio::sync::{Mutex, Semaphore};

use super::error::{ExchangeCause, HarnessError, Phase};
use super::request::Prepared;
use super::target::{Limits, Target};
use crate::check::Observed;
use crate::secrets::Secrets;

/// Sends requests for the harness.
#[derive(Debug)]
pub struct Client {
    http: reqwest::Client,
    timeout: Duration,
    permits: Semaphore,
    interval: Option<Duration>,
    next_slot: Mutex<Instant>,
    /// The secrets of the target this client talks to: every response it reads carries them,
    /// so that text taken from a body is redacted before it is cut.
    secrets: Secrets,
}

/// Response bodies (of operations and token endpoints) are read up to this size; a larger one
/// is a harness error.
pub const MAX_BODY: usize = 4 << 20;

/// Hosts a proxy never sees: loopback targets are reached directly.
const LOOPBACK: &str = "127.0.0.0/8,::1,localhost";

/// Longest URL shown in a message (generated paths reach thousands of characters).
const MAX_URL_SHOWN: usize = 160;

/// A URL fit for a message: no userinfo, query or fragment; a very long one is cut, saying so.
pub fn display_url(url: &str) -> String {
    let shown = bare_url(url);
    match shown.char_indices().nth(MAX_URL_SHOWN) {
        Some((cut, _)) => format!(
            "{}... ({} characters)",
            &shown[..cut],
            shown.chars().count()
        ),
        None => shown,
    }
}

fn bare_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut u) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.set_query(None);
            u.set_fragment(None);
            u.to_string()
        }
        Err(_) => url
            .split(['?', '#'])
            .next()
            .unwrap_or_default()
            .rsplit('@')
            .next()
            .unwrap_or_default()
            .to_string(),
    }
}

fn builder_error(e: reqwest::Error) -> HarnessError {
    HarnessError::Transport(super::error::chain(&e))
}

impl Client {
    /// The client of a target: its limits, and its secrets on every response read.
    ///
    /// # Errors
    /// As [`Client::new`].
    pub fn for_target(target: &Target) -> Result<Self, HarnessError> {
        let mut client = Self::new(&target.limits)?;
        client.secrets = target.secrets.clone();
        Ok(client)
    }

    /// A client with these limits (and a registry of no secrets). Proxy variables of the environment (`HTTP_PROXY`, ...) are
    /// ignored: only `limits.proxy` (`CONTRACT_PROXY`) is used, and never for loopback.
    ///
    /// # Errors
    /// When the TLS backend cannot be initialised or the proxy URL is unusable.
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
        // The whole exchange is bounded in `exchange`, which knows the phase; the connect
        // timeout only tells a connect failure apart.
        let mut builder = reqwest::Client::builder()
            .connect_timeout(limits.timeout)
            .redirect(policy)
            .no_proxy();
        if let Some(url) = &limits.proxy {
            let proxy = reqwest::Proxy::all(url.as_str())
                .map_err(|e| HarnessError::Setting {
                    what: "CONTRACT_PROXY".into(),
                    expected: format!("a proxy URL ({})", super::error::chain(&e)),
                })?
                .no_proxy(reqwest::NoProxy::from_string(LOOPBACK));
            builder = builder.proxy(proxy);
        }
        let http = builder
            .pool_max_idle_per_host(64)
            .build()
            .map_err(builder_error)?;
        Ok(Self {
            http,
            timeout: limits.timeout,
            permits: Semaphore::new(limits.concurrency.max(1)),
            interval: limits
                .rate_per_second
                .filter(|r| *r > 0.0)
                .and_then(|r| Duration::try_from_secs_f64(1.0 / r).ok()),
            next_slot: Mutex::new(Instant::now()),
            secrets: Secrets::new(),
        })
    }

    async fn pace(&self) {
        if let Some(iv) = self.interval {
            let wait = {
                let mut next = self.next_slot.lock().await;
                let now = Instant::now();
                let slot = (*next).max(now);
                *next = slot.checked_add(iv).unwrap_or(slot);
                slot.saturating_duration_since(now)
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// Sends a prepared request to `base`.
    ///
    /// # Errors
    /// [`HarnessError::Exchange`] when nothing usable came back (timeout, refused connection,
    /// reset, not HTTP, a body over [`MAX_BODY`]), with the URL, the phase and the cause.
    pub async fn send(&self, base: &str, req: &Prepared) -> Result<Observed, HarnessError> {
        self.exchange(
            &req.method,
            &format!("{base}{}", req.path),
            &req.headers,
            req.body.clone(),
        )
        .await
    }

    /// One exchange with `url`: the request, then the status, headers and body, all within the
    /// per-request timeout; credential flows use it too.
    ///
    /// # Errors
    /// As [`Client::send`].
    pub async fn exchange(
        &self,
        method: &str,
        url: &str,
        headers: &[(String, String)],
        body: Option<Vec<u8>>,
    ) -> Result<Observed, HarnessError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| HarnessError::Transport(e.to_string()))?;
        self.pace().await;
        let fail = |phase: Phase, cause: ExchangeCause| HarnessError::Exchange {
            method: method.to_string(),
            url: display_url(url),
            phase,
            cause,
        };
        let verb = reqwest::Method::from_bytes(method.as_bytes())
            .map_err(|e| HarnessError::Transport(format!("method {method:?}: {e}")))?;
        let mut builder = self.http.request(verb, url);
        for (k, v) in headers {
            builder = builder.header(k, v);
        }
        if let Some(b) = body {
            builder = builder.body(b);
        }
        let phase = AtomicU8::new(Phase::Headers.code());
        let work = async {
            let resp = builder.send().await.map_err(|e| {
                let p = send_phase(&e);
                (p, http_cause(e))
            })?;
            phase.store(Phase::Body.code(), Ordering::Relaxed);
            read(resp).await
        };
        match tokio::time::timeout(self.timeout, work).await {
            Ok(Ok(observed)) => Ok(observed.with_secrets(self.secrets.clone())),
            Ok(Err((p, cause))) => Err(fail(p, cause)),
            Err(_) => Err(fail(
                Phase::from_code(phase.load(Ordering::Relaxed)),
                ExchangeCause::Timeout {
                    after: self.timeout,
                },
            )),
        }
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

    /// The per-request timeout.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }
}

/// Status, headers and at most [`MAX_BODY`] bytes of body.
async fn read(resp: reqwest::Response) -> Result<Observed, (Phase, ExchangeCause)> {
    let too_large = |declared| {
        (
            Phase::Body,
            ExchangeCause::TooLarge {
                limit: MAX_BODY,
                declared,
            },
        )
    };
    let declared = resp.content_length();
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        return Err(too_large(declared));
    }
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
        .map_err(|e| (Phase::Body, http_cause(e)))?
    {
        if chunk.len() > MAX_BODY.saturating_sub(body.len()) {
            return Err(too_large(declared));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Observed::new(status, headers, body))
}

/// The phase a failed `send` reached, from the client's error.
fn send_phase(e: &reqwest::Error) -> Phase {
    if e.is_connect() {
        if is_tls(e) {
            Phase::Tls
        } else {
            Phase::Connect
        }
    } else if e.is_body() || e.is_builder() {
        Phase::Send
    } else {
        Phase::Headers
    }
}

/// Whether a rustls error is among the causes, directly or wrapped in I/O errors (whose
/// `source` skips the error they wrap).
fn is_tls(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(e);
    for _ in 0..16 {
        let Some(cause) = next else { break };
        if cause.is::<rustls::Error>() {
            return true;
        }
        next = match cause.downcast_ref::<std::io::Error>() {
            Some(io) => io
                .get_ref()
                .map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => cause.source(),
        };
    }
    false
}

fn http_cause(e: reqwest::Error) -> ExchangeCause {
    // The client's own message is kept as the cause's text, the error itself as its source,
    // so that walking the chain reaches the underlying reason (reset, not HTTP, ...).
    let e = e.without_url();
    ExchangeCause::Http {
        message: e.to_string(),
        source: Some(Box::new(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_in_messages_carry_no_userinfo_query_or_endless_paths() {
        assert_eq!(
            display_url("http://user:pw@127.0.0.1:8/a/b?token=x#f"),
            "http://127.0.0.1:8/a/b"
        );
        let long = format!("http://h/{}", "x".repeat(1000));
        let shown = display_url(&long);
        assert!(shown.ends_with("... (1009 characters)"), "{shown}");
        assert!(shown.len() < 200, "{shown}");
        assert_eq!(display_url("not a url?secret"), "not a url");
    }
}
