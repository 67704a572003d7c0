//! The Content-Type is the documented one (only where the page shows one).

use super::{At, Failure, Observed};

/// Fails unless the media type equals the documented one (parameters ignored).
pub fn content_type(obs: &Observed, documented: &str, spec_at: &At<'_>) -> Option<Failure> {
    let want = documented
        .split(';')
        .next()
        .unwrap_or(documented)
        .trim()
        .to_ascii_lowercase();
    let got = obs.media_type();
    (got.as_deref() != Some(want.as_str())).then(|| {
        Failure::new(
            "content_type",
            &spec_at.render(),
            format!("Content-Type {want}"),
            got.map_or_else(
                || "no Content-Type".to_string(),
                |g| format!("Content-Type {g}"),
            ),
        )
    })
}
