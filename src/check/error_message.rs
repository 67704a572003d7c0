//! The error message is the documented one; `{0}`, `{1}`, ... stand for any text.

use super::{At, Failure, Observed};
pub use crate::contract::message::matches_template;

/// Fails unless the body's `field` matches the documented message.
pub fn error_message(
    obs: &Observed,
    field: &str,
    documented: &str,
    spec_at: &At<'_>,
) -> Option<Failure> {
    let got = obs.field(field).and_then(|v| v.as_str());
    match got {
        Some(m) if matches_template(documented, m) => None,
        Some(m) => Some(Failure::new(
            "error_message",
            &spec_at.render(),
            format!("{field} {documented:?}"),
            format!("{field} {m:?}"),
        )),
        None => Some(Failure::new(
            "error_message",
            &spec_at.render(),
            format!("{field} {documented:?}"),
            format!("no string {field} in the body"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn templates() {
        assert!(matches_template(
            "The operation failed, detail msg {0}.",
            "The operation failed, detail msg x is bad."
        ));
        assert!(matches_template(
            "Internal server error: {0}",
            "Internal server error: "
        ));
        assert!(!matches_template(
            "Internal server error: {0}",
            "Internal error: x"
        ));
        assert!(matches_template("应用ID不能为空", "应用ID不能为空"));
        assert!(!matches_template("应用ID不能为空", " 应用ID不能为空"));
        assert!(matches_template("a {x} b", "a {x} b"));
        assert!(matches_template("{x} then {0}.", "{x} then anything."));
        assert!(!matches_template("{x} then {0}.", "{y} then anything."));
        assert!(matches_template("{0} and {1}", "a and b"));
    }

    proptest! {
        #[test]
        fn a_filled_template_matches(prefix in "\\PC{0,10}", fill in "\\PC{0,10}", suffix in "[a-z. ]{0,10}") {
            let template = format!("{prefix}{{0}}{suffix}");
            prop_assume!(!prefix.contains('{') && !suffix.contains('{'));
            let filled = format!("{prefix}{fill}{suffix}");
            prop_assert!(matches_template(&template, &filled));
        }
    }
}
