//! Documented messages as templates: `{0}`, `{1}`, ... in a page's message stand for any text
//! the server fills in.

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
