//! A request as a curl command a reader can paste, with secrets redacted.

use crate::exec::request::Prepared;
use crate::secrets::{REDACTED, Secrets, is_secret_header};

/// Longest body shown in full.
const MAX_BODY: usize = 2000;

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// `curl -sS -X METHOD 'URL' -H ... --data-binary '...'`, with the target's `secrets`
/// redacted (the body's before it is cut).
pub fn curl(base: &str, req: &Prepared, secrets: &Secrets) -> String {
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
        let text = secrets.redact(&String::from_utf8_lossy(body));
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
    secrets.redact(&out)
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
        let c = curl("http://h", &req, &Secrets::new());
        assert!(!c.contains("abcdef123") && !c.contains("ffff"), "{c}");
        assert!(c.contains(r#"--data-binary '{"a":"it'\''s"}'"#), "{c}");
    }

    #[test]
    fn query_and_header_parameters_are_shown_and_secrets_in_them_redacted() {
        let secrets = Secrets::new();
        secrets.register("query-secret-91f2");
        let req = Prepared {
            method: "GET".into(),
            path: "/pets?limit=10&q=a%20b&key=query-secret-91f2".into(),
            headers: vec![
                ("X-Request-Id".into(), "req-1".into()),
                ("X-Tenant".into(), "query-secret-91f2".into()),
            ],
            body: None,
        };
        let c = curl("http://h", &req, &secrets);
        assert!(
            c.starts_with("curl -sS -X GET 'http://h/pets?limit=10&q=a%20b&key=[REDACTED]'"),
            "{c}"
        );
        assert!(c.contains(" -H 'X-Request-Id: req-1'"), "{c}");
        assert!(c.contains(" -H 'X-Tenant: [REDACTED]'"), "{c}");
        assert!(!c.contains("query-secret-91f2"), "{c}");
        // Another target's registry hides nothing of this one.
        let other = curl("http://h", &req, &Secrets::new());
        assert!(other.contains("key=query-secret-91f2"), "{other}");
    }

    #[test]
    fn a_long_body_is_redacted_before_it_is_cut() {
        let secrets = Secrets::new();
        let secret = "body-secret-5c1d-0123456789";
        secrets.register(secret);
        // The secret straddles the cut at MAX_BODY characters.
        let body = format!("{}{secret}{}", "x".repeat(MAX_BODY - 10), "y".repeat(50));
        let req = Prepared {
            method: "POST".into(),
            path: "/x".into(),
            headers: Vec::new(),
            body: Some(body.into_bytes()),
        };
        let c = curl("http://h", &req, &secrets);
        assert!(
            !c.contains("body-secret"),
            "the secret's head survived the cut"
        );
        assert!(c.contains(REDACTED), "{c}");
    }
}
