//! Tokens the mock issues through the vendors' credential flows, and their checks.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

use super::seed::Seed;

/// Which vendor issued a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vendor {
    /// OneAccess access token.
    OneAccess,
    /// Huawei IAM token.
    Iam,
    /// EnOS gateway access token.
    Enos,
}

/// What a token stands for.
#[derive(Debug, Clone)]
pub struct Grant {
    /// Issuer.
    pub vendor: Vendor,
    /// Client id, IAM user or app key.
    pub owner: String,
    /// Permission codes (OneAccess).
    pub permissions: Vec<String>,
    /// Expiry.
    pub expires_at: SystemTime,
}

/// Why a credential is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No credential sent.
    Missing,
    /// Not of the expected form.
    Malformed,
    /// Not a token the mock issued (or of another vendor).
    Unknown,
    /// Expired.
    Expired,
    /// Valid, but lacking the permission.
    Forbidden,
    /// EnOS: signature does not match.
    BadSignature,
}

impl Refusal {
    /// HTTP status the mock answers with.
    pub fn status(self) -> u16 {
        if self == Refusal::Forbidden { 403 } else { 401 }
    }

    /// A short English reason (never the credential itself).
    pub fn reason(self) -> &'static str {
        match self {
            Refusal::Missing => "credentials are missing",
            Refusal::Malformed => "credentials are malformed",
            Refusal::Unknown => "the access token is invalid",
            Refusal::Expired => "the access token has expired",
            Refusal::Forbidden => "the application lacks the permission for this interface",
            Refusal::BadSignature => "the request signature is invalid",
        }
    }
}

/// Issued tokens. Shared by every mock instance of a process, so that a token obtained once
/// opens any fresh instance. Its `Debug` shows counts, never tokens.
pub struct Tokens {
    grants: Mutex<HashMap<String, Grant>>,
    counter: AtomicU64,
    salt: u64,
    /// EnOS encryptions already used (replays are refused with 1001).
    used_encryptions: Mutex<std::collections::HashSet<String>>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("issued", &lock(&self.grants).len())
            .finish_non_exhaustive()
    }
}

impl Tokens {
    /// A token store holding the seed's already expired tokens.
    pub fn new(seed: &Seed) -> Self {
        let salt = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
            ^ u64::from(std::process::id()).rotate_left(32);
        let mut grants = HashMap::new();
        let expired = |vendor, owner: &str| Grant {
            vendor,
            owner: owner.to_string(),
            permissions: vec!["all".into()],
            expires_at: SystemTime::UNIX_EPOCH,
        };
        for t in &seed.oneaccess.expired_tokens {
            grants.insert(t.token.clone(), expired(Vendor::OneAccess, &t.owner));
        }
        for t in &seed.dataarts.expired_tokens {
            grants.insert(t.token.clone(), expired(Vendor::Iam, &t.owner));
        }
        for t in &seed.enos.expired_tokens {
            grants.insert(t.token.clone(), expired(Vendor::Enos, &t.owner));
        }
        Self {
            grants: Mutex::new(grants),
            counter: AtomicU64::new(1),
            salt,
            used_encryptions: Mutex::new(Default::default()),
        }
    }

    /// Issues a new token.
    pub fn issue(
        &self,
        vendor: Vendor,
        owner: &str,
        permissions: Vec<String>,
        ttl: Duration,
    ) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let mut h = Sha256::new();
        h.update(self.salt.to_le_bytes());
        h.update(n.to_le_bytes());
        h.update(owner.as_bytes());
        let token = hex::encode(h.finalize());
        let grant = Grant {
            vendor,
            owner: owner.to_string(),
            permissions,
            expires_at: SystemTime::now() + ttl,
        };
        lock(&self.grants).insert(token.clone(), grant);
        token
    }

    /// Checks a token of `vendor`.
    ///
    /// # Errors
    /// The [`Refusal`] that applies.
    pub fn check(&self, vendor: Vendor, token: &str) -> Result<Grant, Refusal> {
        let grants = lock(&self.grants);
        let grant = grants
            .get(token)
            .filter(|g| g.vendor == vendor)
            .ok_or(Refusal::Unknown)?;
        if grant.expires_at <= SystemTime::now() {
            return Err(Refusal::Expired);
        }
        Ok(grant.clone())
    }

    /// Records an EnOS encryption; false when it was used before.
    pub fn first_use(&self, encryption: &str) -> bool {
        lock(&self.used_encryptions).insert(encryption.to_string())
    }
}

/// Locks a mutex, recovering the data if a panicking thread poisoned it: every mutation in the
/// mock is checked before it is applied, so the data is consistent either way.
pub fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Lowercase hex SHA-256.
pub fn sha256_hex(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    hex::encode(h.finalize())
}

/// The EnOS `paramsData`: query parameters sorted by name, `name1value1name2value2`, then the
/// body bytes.
pub fn enos_params_data(query: &[(String, String)], body: &[u8]) -> Vec<u8> {
    let mut q: Vec<&(String, String)> = query.iter().collect();
    q.sort();
    let mut out = Vec::new();
    for (k, v) in q {
        out.extend_from_slice(k.as_bytes());
        out.extend_from_slice(v.as_bytes());
    }
    out.extend_from_slice(body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_tokens_check_and_expire() {
        let seed = Seed::builtin();
        let t = Tokens::new(&seed);
        let tok = t.issue(
            Vendor::OneAccess,
            "c",
            vec!["all".into()],
            Duration::from_secs(60),
        );
        assert!(t.check(Vendor::OneAccess, &tok).is_ok());
        assert_eq!(t.check(Vendor::Iam, &tok).err(), Some(Refusal::Unknown));
        let old = t.issue(Vendor::Iam, "u", vec![], Duration::ZERO);
        assert_eq!(t.check(Vendor::Iam, &old).err(), Some(Refusal::Expired));
        let seeded = &seed.oneaccess.expired_tokens[0].token;
        assert_eq!(
            t.check(Vendor::OneAccess, seeded).err(),
            Some(Refusal::Expired)
        );
    }

    #[test]
    fn params_data_sorts_query_and_appends_body() {
        let q = vec![
            ("b".to_string(), "2".to_string()),
            ("a".to_string(), "1".to_string()),
        ];
        assert_eq!(enos_params_data(&q, b"{}"), b"a1b2{}".to_vec());
    }
}
