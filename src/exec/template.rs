//! `{{...}}` templates of provisioning, teardown and reset: `{{run_id}}` (unique per run),
//! `{{n}}` (per provisioned entry), `{{uuid}}` (one per entry), the entry's own values (static
//! and captured so far) and `{{fixture.value}}` for another fixture's values.

use std::collections::BTreeMap;

use serde_json::Value;
use sha2::{Digest, Sha256};

/// A name no scope can fill.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("template `{{{{{name}}}}}` names nothing: known here are {known}")]
pub struct Unknown {
    /// The name inside the braces.
    pub name: String,
    /// What could have been named.
    pub known: String,
}

/// What templates of one entry can name.
pub struct Scope<'a> {
    /// `{{run_id}}`.
    pub run_id: &'a str,
    /// `{{n}}`.
    pub n: u64,
    /// `{{uuid}}`.
    pub uuid: &'a str,
    /// The entry's values.
    pub values: &'a BTreeMap<String, String>,
    /// Another fixture's value (`{{fixture.value}}`), if known.
    pub other: &'a (dyn Fn(&str, &str) -> Option<String> + Sync),
}

impl Scope<'_> {
    fn lookup(&self, name: &str) -> Option<String> {
        match name {
            "run_id" => Some(self.run_id.to_string()),
            "n" => Some(self.n.to_string()),
            "uuid" => Some(self.uuid.to_string()),
            _ => self.values.get(name).cloned().or_else(|| {
                let (fixture, value) = name.split_once('.')?;
                (self.other)(fixture, value)
            }),
        }
    }

    fn unknown(&self, name: &str) -> Unknown {
        let mut known = vec!["run_id".to_string(), "n".into(), "uuid".into()];
        known.extend(self.values.keys().cloned());
        known.push("<fixture>.<value>".into());
        Unknown {
            name: name.to_string(),
            known: known.join(", "),
        }
    }

    /// `text` with every `{{name}}` replaced.
    ///
    /// # Errors
    /// [`Unknown`] for a name the scope cannot fill.
    pub fn render(&self, text: &str) -> Result<String, Unknown> {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            let Some(len) = rest[start + 2..].find("}}") else {
                break;
            };
            out.push_str(&rest[..start]);
            let name = rest[start + 2..start + 2 + len].trim();
            out.push_str(&self.lookup(name).ok_or_else(|| self.unknown(name))?);
            rest = &rest[start + 2 + len + 2..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// Every string of a JSON value rendered (keys stay as written).
    ///
    /// # Errors
    /// [`Unknown`] for a name the scope cannot fill.
    pub fn render_json(&self, v: &Value) -> Result<Value, Unknown> {
        Ok(match v {
            Value::String(s) => Value::String(self.render(s)?),
            Value::Array(a) => Value::Array(
                a.iter()
                    .map(|x| self.render_json(x))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(m) => Value::Object(
                m.iter()
                    .map(|(k, x)| Ok((k.clone(), self.render_json(x)?)))
                    .collect::<Result<_, Unknown>>()?,
            ),
            other => other.clone(),
        })
    }
}

/// A run id: the start time and the process id, in lowercase letters and digits, so that two
/// runs never name their entries alike.
pub fn run_id() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    format!(
        "{:x}{:03x}{:x}",
        now.as_secs(),
        now.subsec_millis(),
        std::process::id()
    )
}

/// A version-4-shaped UUID derived from the run id and the entry number (unique per entry
/// without a random number generator).
pub fn uuid(run_id: &str, n: u64) -> String {
    let d = Sha256::digest(format!("{run_id}/{n}").as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn with<T>(f: impl FnOnce(&Scope) -> T) -> T {
        let values: BTreeMap<String, String> = [("org_id".to_string(), "o-1".to_string())].into();
        let other = |f: &str, v: &str| (f == "parent" && v == "org_id").then(|| "p-9".to_string());
        f(&Scope {
            run_id: "r1",
            n: 7,
            uuid: "u-u",
            values: &values,
            other: &other,
        })
    }

    #[test]
    fn every_kind_of_name_is_filled() {
        let out = with(|s| s.render("ch-{{run_id}}-{{ n }}/{{org_id}}/{{parent.org_id}}/{{uuid}}"));
        assert_eq!(out.as_deref(), Ok("ch-r1-7/o-1/p-9/u-u"));
        let body =
            with(|s| s.render_json(&json!({"name": "x-{{n}}", "list": ["{{org_id}}"], "k": 3})));
        assert_eq!(body, Ok(json!({"name": "x-7", "list": ["o-1"], "k": 3})));
    }

    #[test]
    fn an_unknown_name_is_an_error_that_lists_the_known_ones() {
        let e = with(|s| s.render("/x/{{org}}")).expect_err("unknown");
        assert_eq!(e.name, "org");
        assert!(
            e.known.contains("org_id") && e.known.contains("run_id"),
            "{e}"
        );
        assert_eq!(
            with(|s| s.render("{{missing.org_id}}")).map_err(|e| e.name),
            Err("missing.org_id".to_string())
        );
    }

    #[test]
    fn ids_differ_per_entry_and_uuids_have_the_v4_shape() {
        let a = uuid("r", 1);
        assert_ne!(a, uuid("r", 2));
        assert_eq!(a.len(), 36);
        assert_eq!(a.as_bytes()[14], b'4');
        assert!(run_id().chars().all(|c| c.is_ascii_alphanumeric()));
    }
}
