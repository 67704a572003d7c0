//! The error message is the documented one; `{0}`, `{1}`, ... stand for any text.

use super::{At, Failure, Observed};

/// The literal pieces of a template between its `{N}` placeholders (other braces are text).
fn literal_pieces(template: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut i = 0;
    let bytes = template.as_bytes();
    while i < bytes.len() {
        if bytes[i] == b'{' {
            let digits = bytes[i + 1..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            if digits > 0 && bytes.get(i + 1 + digits) == Some(&b'}') {
                pieces.push(&template[start..i]);
                i += digits + 2;
                start = i;
                continue;
            }
        }
        i += 1;
    }
    pieces.push(&template[start..]);
    pieces
}

/// Whether `text` matches `template`, where `{N}` matches any (possibly empty) text.
pub fn matches_template(template: &str, text: &str) -> bool {
    let pieces = literal_pieces(template);
    if pieces.len() == 1 {
        return template == text;
    }
    let (first, last) = (pieces[0], pieces[pieces.len() - 1]);
    if text.len() < first.len() + last.len() || !text.starts_with(first) || !text.ends_with(last) {
        return false;
    }
    let mut pos = first.len();
    let end = text.len() - last.len();
    for mid in &pieces[1..pieces.len() - 1] {
        match text[pos..end].find(mid) {
            Some(i) => pos += i + mid.len(),
            None => return false,
        }
    }
    true
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
