//! The whole run's deadline (`CONTRACT_DEADLINE_SECONDS`).

use std::time::Instant;

/// A whole-run deadline.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    /// When it passes.
    pub at: Instant,
    /// As the user set it.
    pub seconds: std::time::Duration,
}

impl Deadline {
    /// The settings' deadline (`CONTRACT_DEADLINE_SECONDS`) from `start`, if set.
    pub fn from_settings(s: &crate::settings::Settings, start: Instant) -> Option<Self> {
        s.deadline.map(|seconds| Self {
            at: start.checked_add(seconds).unwrap_or(start),
            seconds,
        })
    }
}
