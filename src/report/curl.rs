//! A request as a curl command a reader can paste, with secrets redacted.

use crate::exec::request::Prepared;
use crate::secrets::{REDACTED, is_secret_header, redact};

/// Longest body shown in full.
const MAX_BODY: usize = 2000;

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// `curl -sS -X METHOD 'URL' -H ... --data-binary '...'`.
pub fn curl(base: &str, req: &Prepared) -> String {
    let mut out = format!(
        "curl -sS -X {} {}",
        req.method,
        quote(&format!("{base}{}", req.path))
    );
    for (k, v) in &req.headers {
        let shown = if is_secret_header(k) {
            REDACTED.to_string()
        } else {
            v.clone()
        };
        let shown = if k.eq_ignore_ascii_case("authorization") && v.starts_with("Bearer ") {
            format!("Bearer {REDACTED}")
        } else {
            shown
        };
        out.push_str(&format!(" -H {}", quote(&format!("{k}: {shown}"))));
    }
    if let Some(body) = &req.body {
        let text = redact(&String::from_utf8_lossy(body));
        let n = text.chars().count();
        let text = if n > MAX_BODY {
            format!(
                "{}…({} bytes; cut here)",
                text.chars().take(MAX_BODY).collect::<String>(),
                body.len()
            )
        } else {
            text
        };
        out.push_str(&format!(" --data-binary {}", quote(&text)));
    }
    redact(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_and_quotes() {
        let req = Prepared {
            method: "POST".into(),
            path: "/x".into(),
            headers: vec![
                ("Authorization".into(), "Bearer abcdef123".into()),
                ("apim-signature".into(), "ffff".into()),
                ("Content-Type".into(), "application/json".into()),
            ],
            body: Some(b"{\"a\":\"it's\"}".to_vec()),
        };
        let c = curl("http://h", &req);
        assert!(!c.contains("abcdef123") && !c.contains("ffff"), "{c}");
        assert!(c.contains(r#"--data-binary '{"a":"it'\''s"}'"#), "{c}");
    }

    #[test]
    fn query_and_header_parameters_are_shown_and_secrets_in_them_redacted() {
        crate::secrets::register("query-secret-91f2");
        let req = Prepared {
            method: "GET".into(),
            path: "/pets?limit=10&q=a%20b&key=query-secret-91f2".into(),
            headers: vec![
                ("X-Request-Id".into(), "req-1".into()),
                ("X-Tenant".into(), "query-secret-91f2".into()),
            ],
            body: None,
        };
        let c = curl("http://h", &req);
        assert!(
            c.starts_with("curl -sS -X GET 'http://h/pets?limit=10&q=a%20b&key=[REDACTED]'"),
            "{c}"
        );
        assert!(c.contains(" -H 'X-Request-Id: req-1'"), "{c}");
        assert!(c.contains(" -H 'X-Tenant: [REDACTED]'"), "{c}");
        assert!(!c.contains("query-secret-91f2"), "{c}");
    }
}
