//! The error message is the documented one; `{0}`, `{1}`, ... stand for any text.

use super::{At, Failure, Observed};

/// Whether `text` matches `template`, where `{N}` matches any (possibly empty) text.
pub fn matches_template(template: &str, text: &str) -> bool {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        match rest[start..].find('}') {
            Some(len)
                if rest[start + 1..start + len]
                    .chars()
                    .all(|c| c.is_ascii_digit())
                    && len > 1 =>
            {
                parts.push(&rest[..start]);
                rest = &rest[start + len + 1..];
            }
            _ => break,
        }
    }
    if parts.is_empty() {
        return template == text;
    }
    parts.push(rest);
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut pos = first.len();
    let end = text.len() - last.len();
    for mid in &parts[1..parts.len() - 1] {
        match text[pos..end].find(mid) {
            Some(i) => pos += i + mid.len(),
            None => return false,
        }
    }
    pos <= end
}

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
