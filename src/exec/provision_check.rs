//! Checks of the target file's `provision:` and `reset:` entries when it is read, each mistake
//! reported at its `file:line:column`.

use serde_saphyr::Spanned;

use super::error::HarnessError;
use super::provision_file::{ProvisionRequest, at};
use super::target_file::TargetFile;

fn mistake<T>(file: &str, s: &Spanned<T>, message: impl Into<String>) -> HarnessError {
    HarnessError::TargetEntry {
        at: at(file, s),
        message: message.into(),
    }
}

fn request(file: &str, r: &Spanned<ProvisionRequest>) -> Result<(), HarnessError> {
    let v = &r.value;
    if v.method.is_empty() || !v.method.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(mistake(
            file,
            r,
            format!("method `{}` is not an HTTP method", v.method),
        ));
    }
    if !v.path.starts_with('/') {
        return Err(mistake(
            file,
            r,
            format!(
                "path `{}` must start with `/` (it is appended to the service's base URL)",
                v.path
            ),
        ));
    }
    if let Some((name, source)) = v
        .capture
        .iter()
        .find(|(_, s)| !s.starts_with('/') && !s.starts_with("header:"))
    {
        return Err(mistake(
            file,
            r,
            format!(
                "capture `{name}: {source}` must be a JSON pointer (`/org_id`) or `header:Name`"
            ),
        ));
    }
    Ok(())
}

/// Checks every provisioning and reset entry.
///
/// # Errors
/// [`HarnessError::TargetEntry`] for the first mistake, at its position.
pub fn check(tf: &TargetFile, file: &str) -> Result<(), HarnessError> {
    for (service, fixtures) in &tf.provision {
        for (fixture, p) in fixtures {
            let v = &p.value;
            let name = format!("provision.{service}.{fixture}");
            match (v.requests.is_empty(), &v.command) {
                (true, None) => {
                    return Err(mistake(
                        file,
                        p,
                        format!("{name} needs `requests:` or `command:`"),
                    ));
                }
                (false, Some(c)) => {
                    return Err(mistake(
                        file,
                        c,
                        format!("{name} has both `requests:` and `command:`: give one"),
                    ));
                }
                (_, Some(c)) if c.value.is_empty() => {
                    return Err(mistake(file, c, format!("{name}.command is empty")));
                }
                _ => {}
            }
            if let Some(c) = &v.teardown_command {
                if !v.teardown.is_empty() {
                    return Err(mistake(
                        file,
                        c,
                        format!("{name} has both `teardown:` and `teardown_command:`: give one"),
                    ));
                }
                if c.value.is_empty() {
                    return Err(mistake(
                        file,
                        c,
                        format!("{name}.teardown_command is empty"),
                    ));
                }
            }
            for r in v.requests.iter().chain(&v.teardown) {
                request(file, r)?;
            }
        }
    }
    if let Some(r) = &tf.reset {
        let v = &r.value;
        let as_request = v.method.is_some() || v.path.is_some();
        match (&v.command, v.request()) {
            (Some(c), _) if c.is_empty() => return Err(mistake(file, r, "reset.command is empty")),
            (Some(_), _) if as_request => {
                return Err(mistake(
                    file,
                    r,
                    "reset has both a request (`method`, `path`) and `command`: give one",
                ));
            }
            (Some(_), _) => {}
            (None, Some(req)) => request(file, &Spanned::new(req, r.referenced, r.defined))?,
            (None, None) => {
                return Err(mistake(
                    file,
                    r,
                    "reset needs `method` and `path`, or `command`",
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(name: &str, text: &str) -> Result<TargetFile, String> {
        let dir = std::env::temp_dir().join(format!("ch-pcheck-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let path = dir.join("t.yaml");
        std::fs::write(&path, text).map_err(|e| e.to_string())?;
        let r = TargetFile::read(&path).map_err(|e| e.to_string());
        let _ = std::fs::remove_dir_all(&dir);
        r
    }

    #[test]
    fn a_complete_provisioning_and_reset_parse() {
        let tf = read(
            "ok",
            "provision:\n  oneaccess:\n    org_leaf:\n      requests:\n        - method: POST\n          path: /__fixtures/oneaccess/org_leaf\n          status: 201\n          capture: { org_id: /org_id, instance: /instance }\n      teardown:\n        - { method: DELETE, path: \"/__fixtures/oneaccess/org_leaf/{{instance}}\", status: [204, 404] }\n    org_with_children:\n      command: [./make, \"{{run_id}}\"]\n      teardown_command: [./drop, \"{{org_id}}\"]\nreset: { method: POST, path: /__reset, status: 204 }\nmax_failed_teardowns: 2\n",
        )
        .expect("parses");
        let leaf = &tf.provision["oneaccess"]["org_leaf"].value;
        assert_eq!(leaf.requests[0].value.capture.len(), 2);
        assert!(
            leaf.teardown[0]
                .value
                .status
                .as_ref()
                .is_some_and(|s| s.accepts(404))
        );
        assert_eq!(tf.max_failed_teardowns, Some(2));
        assert!(tf.reset.is_some());
    }

    #[test]
    fn mistakes_are_reported_at_their_line_and_column() {
        let e = read(
            "both",
            "provision:\n  svc:\n    f:\n      requests: [{ method: POST, path: /x }]\n      command: [./make]\n",
        )
        .expect_err("both");
        assert!(
            e.contains("t.yaml:5:") && e.contains("both `requests:` and `command:`"),
            "{e}"
        );
        let e = read(
            "capture",
            "provision:\n  svc:\n    f:\n      requests:\n        - { method: POST, path: /x, capture: { id: id } }\n",
        )
        .expect_err("capture");
        assert!(e.contains("t.yaml:5:") && e.contains("JSON pointer"), "{e}");
        let e = read("reset", "reset: { status: 204 }\n").expect_err("reset");
        assert!(
            e.contains("t.yaml:1:") && e.contains("`method` and `path`"),
            "{e}"
        );
        let e = read("path", "reset: { method: POST, path: __reset }\n").expect_err("path");
        assert!(e.contains("must start with `/`"), "{e}");
        let e = read(
            "unknown",
            "provision:\n  svc:\n    f:\n      requests: [{ method: POST, path: /x, captures: {} }]\n",
        )
        .expect_err("typo");
        assert!(e.contains("captures"), "{e}");
    }
}
