//! A value taken from a response: a JSON pointer into the body, or `header:Name`. Used by
//! provisioning requests and by the steps of sequences.

use serde_json::Value;

use crate::check::Observed;

/// The string or number `source` finds in `response`.
pub fn take(response: &Observed, source: &str) -> Option<String> {
    match source.strip_prefix("header:") {
        Some(h) => response.header(h.trim()).map(str::to_string),
        None => match response.json.as_ref()?.pointer(source)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_headers_and_what_they_cannot_take() {
        let r = Observed::new(
            201,
            vec![("location".into(), "/orgs/o-7".into())],
            br#"{"data":{"id":"o-7","n":3,"list":[1]}}"#.to_vec(),
        );
        assert_eq!(take(&r, "/data/id").as_deref(), Some("o-7"));
        assert_eq!(take(&r, "/data/n").as_deref(), Some("3"));
        assert_eq!(take(&r, "header:Location").as_deref(), Some("/orgs/o-7"));
        assert_eq!(take(&r, "/data/list"), None, "not a string or number");
        assert_eq!(take(&r, "/data/missing"), None);
        assert_eq!(take(&r, "header:x-none"), None);
    }
}
