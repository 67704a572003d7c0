//! The issued tokens of one suite (or one mutants run, one cleanup): a slot per service and
//! role, filled by the first case that needs it. Concurrent cases of the role wait for that
//! one fetch, other roles never do; a failure is kept, so later cases of the role fail at once
//! with it; a token is renewed a minute before it expires; server lifetimes are clamped.
//! Owned by whoever owns the HTTP client, never process-global.

// Numbers here come from servers (lifetimes): no unchecked arithmetic.
#![deny(clippy::arithmetic_side_effects)]

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::credential::Credential;

#[derive(Clone)]
struct Cached {
    credential: Credential,
    renew_at: Instant,
}

/// One fetch's outcome: the credential, or the failure's text.
type Fetched = Result<Cached, String>;

type Slot = Arc<tokio::sync::OnceCell<Fetched>>;

/// Why a cached credential cannot be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheFailure {
    /// This call's fetch failed with this text.
    Fetched(String),
    /// An earlier fetch of the role failed with this text (not asked again).
    Earlier(String),
}

/// Issued tokens by key. The map's lock is held only to look a slot up, never across a
/// network call.
#[derive(Default)]
pub struct TokenCache {
    slots: Mutex<HashMap<String, Slot>>,
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self
            .slots
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len();
        f.debug_struct("TokenCache").field("slots", &n).finish()
    }
}

impl TokenCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The slot of a key; a token due for renewal gets a fresh slot (a failure stays).
    fn slot(&self, key: &str) -> Slot {
        let mut map = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = map.entry(key.to_string()).or_default();
        if matches!(entry.get(), Some(Ok(c)) if c.renew_at <= Instant::now()) {
            *entry = Slot::default();
        }
        Arc::clone(entry)
    }

    /// The credential under `key`, fetched by `fetch` (credential and lifetime) when the slot
    /// is empty or due for renewal.
    ///
    /// # Errors
    /// The fetch's failure, or an earlier one's.
    pub async fn get_or_fetch<F, Fut>(
        &self,
        key: &str,
        fetch: F,
    ) -> Result<Credential, CacheFailure>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(Credential, Duration), String>>,
    {
        let slot = self.slot(key);
        let fetched_here = AtomicBool::new(false);
        let fetched = slot
            .get_or_init(|| async {
                fetched_here.store(true, Ordering::Relaxed);
                fetch().await.map(|(credential, lifetime)| Cached {
                    credential,
                    renew_at: renew_at(Instant::now(), lifetime),
                })
            })
            .await;
        match fetched {
            Ok(c) => Ok(c.credential.clone()),
            Err(m) if fetched_here.load(Ordering::Relaxed) => Err(CacheFailure::Fetched(m.clone())),
            Err(m) => Err(CacheFailure::Earlier(m.clone())),
        }
    }
}

/// Longest token lifetime believed: a run never lasts longer, and server-provided numbers
/// never reach `Instant` arithmetic unchecked.
pub const MAX_LIFETIME: Duration = Duration::from_secs(7 * 24 * 3600);

/// A token lifetime from a server's `expires_in`-like field: whole or fractional seconds, as
/// a number or a numeric string, clamped to [`MAX_LIFETIME`]; a negative lifetime means
/// "already expired" (the token is used once, not cached); anything else (absent, not a
/// number) gives the scheme's default.
pub fn lifetime(v: Option<&Value>, default: Duration) -> Duration {
    let number = match v {
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    match number.filter(|f| f.is_finite()) {
        Some(f) if f <= 0.0 => Duration::ZERO,
        Some(f) => Duration::try_from_secs_f64(f)
            .unwrap_or(MAX_LIFETIME)
            .min(MAX_LIFETIME),
        None => default.min(MAX_LIFETIME),
    }
}

/// When a token of this lifetime is renewed: a minute before expiry, or at half the lifetime
/// for short-lived tokens.
fn renew_at(now: Instant, lifetime: Duration) -> Instant {
    let lifetime = lifetime.min(MAX_LIFETIME);
    let margin = Duration::from_secs(60).min(lifetime.checked_div(2).unwrap_or_default());
    now.checked_add(lifetime.saturating_sub(margin))
        .unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn lifetimes_from_servers_are_clamped_never_overflowing() {
        let d = Duration::from_secs(1800);
        let l = |v: Value| lifetime(Some(&v), d);
        assert_eq!(l(json!(u64::MAX)), MAX_LIFETIME);
        assert_eq!(l(json!(1e300)), MAX_LIFETIME);
        assert_eq!(l(json!(-5)), Duration::ZERO);
        assert_eq!(l(json!(i64::MIN)), Duration::ZERO);
        assert_eq!(l(json!(90.5)), Duration::from_millis(90_500));
        assert_eq!(l(json!("3600")), Duration::from_secs(3600));
        assert_eq!(l(json!("soon")), d);
        assert_eq!(l(Value::Null), d);
        assert_eq!(lifetime(None, d), d);
        assert_eq!(lifetime(None, Duration::MAX), MAX_LIFETIME);
        let now = Instant::now();
        assert!(renew_at(now, Duration::MAX) > now);
        assert_eq!(renew_at(now, Duration::ZERO), now);
        assert_eq!(
            renew_at(now, Duration::from_secs(600)),
            now + Duration::from_secs(540)
        );
    }

    fn header(v: &str) -> Credential {
        Credential::Header {
            name: "Authorization".into(),
            value: v.into(),
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_fetch_per_key_under_concurrency_and_failures_stay() {
        let cache = TokenCache::new();
        let asked = AtomicUsize::new(0);
        let fetch = |ok: bool, life: u64| {
            let asked = &asked;
            move || async move {
                asked.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(50)).await;
                if ok {
                    Ok((header("Bearer t"), Duration::from_secs(life)))
                } else {
                    Err("HTTP 401".to_string())
                }
            }
        };
        let (a, b, c) = tokio::join!(
            cache.get_or_fetch("role-a", fetch(true, 3600)),
            cache.get_or_fetch("role-a", fetch(true, 3600)),
            cache.get_or_fetch("role-a", fetch(true, 3600)),
        );
        assert_eq!(asked.load(Ordering::SeqCst), 1);
        for r in [a, b, c] {
            assert_eq!(r, Ok(header("Bearer t")));
        }
        // Another key is its own fetch; its failure is kept.
        let e = cache.get_or_fetch("role-b", fetch(false, 0)).await;
        assert_eq!(e, Err(CacheFailure::Fetched("HTTP 401".into())));
        let again = cache.get_or_fetch("role-b", fetch(true, 3600)).await;
        assert_eq!(again, Err(CacheFailure::Earlier("HTTP 401".into())));
        assert_eq!(asked.load(Ordering::SeqCst), 2);
        // An already expired token is fetched again when next needed.
        let _ = cache.get_or_fetch("role-c", fetch(true, 0)).await;
        let _ = cache.get_or_fetch("role-c", fetch(true, 0)).await;
        assert_eq!(asked.load(Ordering::SeqCst), 4);
        // Two caches never share a token.
        let other = TokenCache::new();
        let _ = other.get_or_fetch("role-a", fetch(true, 3600)).await;
        assert_eq!(asked.load(Ordering::SeqCst), 5);
    }
}
