//! Checks of the target file's `provision:` and `reset:` entries, and of its credential roles
//! against the services' auth schemes, when it is read, each mistake reported at its
//! `file:line:column`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use serde_saphyr::Spanned;

use super::error::HarnessError;
use super::provision_file::{ProvisionRequest, at};
use super::target_file::TargetFile;
use crate::contract::SpecSet;
use crate::contract::auth::AuthScheme;
use crate::contract::rules::placeholders;

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

/// Template names used by a request (path, header values, body strings).
fn used(r: &ProvisionRequest) -> Vec<String> {
    let mut texts = vec![Value::String(r.path.clone())];
    texts.extend(r.headers.values().map(|v| Value::String(v.clone())));
    texts.extend(r.body.clone());
    texts.iter().flat_map(placeholders).collect()
}

/// A template a request uses before anything provides it (`{{org}}` where `org_id` was
/// meant, a teardown naming a value nothing captures). `{{fixture.value}}` is checked when
/// the entry is made.
fn unknown_template(
    file: &str,
    at_of: &Spanned<ProvisionRequest>,
    names: Vec<String>,
    known: &BTreeSet<String>,
) -> Result<(), HarnessError> {
    match names
        .into_iter()
        .find(|n| !n.contains('.') && !known.contains(n))
    {
        Some(n) => Err(mistake(
            file,
            at_of,
            format!(
                "template `{{{{{n}}}}}` names nothing here: known are {}",
                known.iter().cloned().collect::<Vec<_>>().join(", ")
            ),
        )),
        None => Ok(()),
    }
}

/// Checks that the templates of a fixture's requests name the run's values, the fixture's
/// static values or what earlier requests captured.
fn templates(
    tf: &TargetFile,
    file: &str,
    service: &str,
    fixture: &str,
) -> Result<(), HarnessError> {
    let Some(p) = tf.provision.get(service).and_then(|f| f.get(fixture)) else {
        return Ok(());
    };
    let mut known: BTreeSet<String> = ["run_id", "n", "uuid"].map(String::from).into();
    if let Some(entry) = tf.fixtures.get(service).and_then(|f| f.get(fixture)) {
        known.extend(entry.keys());
    }
    if p.value.command.is_some() {
        // What a command prints is known only when it runs.
        return Ok(());
    }
    for r in &p.value.requests {
        unknown_template(file, r, used(&r.value), &known)?;
        known.extend(r.value.capture.keys().cloned());
    }
    for r in &p.value.teardown {
        unknown_template(file, r, used(&r.value), &known)?;
    }
    if let Some(c) = &p.value.teardown_command {
        let names = c
            .value
            .iter()
            .flat_map(|a| placeholders(&Value::String(a.clone())))
            .collect();
        let as_request = Spanned::new(
            ProvisionRequest {
                method: String::new(),
                path: String::new(),
                body: None,
                headers: Default::default(),
                status: None,
                capture: Default::default(),
                role: None,
            },
            c.referenced,
            c.defined,
        );
        unknown_template(file, &as_request, names, &known)?;
    }
    Ok(())
}

/// Fixtures whose values a provisioning names (`{{other.value}}`).
fn referenced(p: &super::provision_file::Provision) -> BTreeSet<String> {
    let mut names: Vec<String> = Vec::new();
    for r in p.requests.iter().chain(&p.teardown) {
        names.extend(used(&r.value));
    }
    for c in p.command.iter().chain(&p.teardown_command) {
        for a in &c.value {
            names.extend(placeholders(&Value::String(a.clone())));
        }
    }
    names
        .iter()
        .filter_map(|n| n.split_once('.').map(|(f, _)| f.to_string()))
        .collect()
}

/// Provisioned fixtures (without static values) that name each other's values in a circle
/// could never be made: refused, at the first of them.
fn cycles(tf: &TargetFile, file: &str) -> Result<(), HarnessError> {
    for (service, fixtures) in &tf.provision {
        let statics = tf.fixtures.get(service);
        let edges: BTreeMap<&String, BTreeSet<String>> = fixtures
            .iter()
            .map(|(f, p)| {
                let next = referenced(&p.value)
                    .into_iter()
                    .filter(|o| {
                        fixtures.contains_key(o) && !statics.is_some_and(|s| s.contains_key(o))
                    })
                    .collect();
                (f, next)
            })
            .collect();
        for (start, p) in fixtures {
            // Depth-first from `start`, looking for a way back to it.
            let mut path = vec![start.clone()];
            let mut stack: Vec<(String, usize)> = vec![(start.clone(), 0)];
            let mut seen: BTreeSet<String> = BTreeSet::new();
            while let Some((node, depth)) = stack.pop() {
                path.truncate(depth);
                path.push(node.clone());
                for next in edges.get(&node).into_iter().flatten() {
                    if next == start {
                        path.push(start.clone());
                        return Err(mistake(
                            file,
                            p,
                            format!(
                                "provision.{service}: fixtures name each other's values in a circle ({}), so none of them can be made",
                                path.join(" → ")
                            ),
                        ));
                    }
                    if seen.insert(next.clone()) {
                        stack.push((next.clone(), depth + 1));
                    }
                }
            }
        }
    }
    Ok(())
}

/// Reads, parses and checks a target file: its provisioning, reset and templates, and its
/// credential roles against the auth schemes of `specs`.
///
/// # Errors
/// [`HarnessError::TargetFile`] or the first mistake, with its position.
pub fn read(path: &std::path::Path, specs: &SpecSet) -> Result<TargetFile, HarnessError> {
    let tf = TargetFile::read(path)?;
    let file = path.display().to_string();
    check(&tf, &file)?;
    credentials(&tf, &file, specs)?;
    Ok(tf)
}

/// The values a role lacks under a scheme: none when it gives a ready `token` (a scheme that
/// issues tokens, bearer, api_key), else every value the scheme declares that it does not give.
pub fn lacking(scheme: &AuthScheme, gives: &BTreeSet<&str>) -> Vec<String> {
    let ready = gives.contains("token") && !matches!(scheme, AuthScheme::Basic);
    if ready {
        return Vec::new();
    }
    scheme
        .values()
        .into_iter()
        .filter(|v| !gives.contains(v.as_str()))
        .collect()
}

/// Every credential role of a service the specs declare gives the values its scheme needs.
///
/// # Errors
/// [`HarnessError::TargetEntry`] at the first role that lacks one.
pub fn credentials(tf: &TargetFile, file: &str, specs: &SpecSet) -> Result<(), HarnessError> {
    for (service, roles) in &tf.credentials {
        let Some(s) = specs.services.get(service) else {
            continue;
        };
        for (role, values) in roles {
            let gives: BTreeSet<&str> = values.value.keys().map(String::as_str).collect();
            let lacks = lacking(&s.auth, &gives);
            if !lacks.is_empty() {
                let list = |v: Vec<&str>| {
                    v.iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                return Err(mistake(
                    file,
                    values,
                    format!(
                        "credentials.{service}.{role} lacks {}, which the {} scheme of {service} needs (it gives {}{})",
                        list(lacks.iter().map(String::as_str).collect()),
                        s.auth.name(),
                        if gives.is_empty() {
                            "nothing".to_string()
                        } else {
                            list(gives.iter().copied().collect())
                        },
                        if s.auth.issues_tokens() {
                            "; a ready `token` would do too"
                        } else {
                            ""
                        },
                    ),
                ));
            }
        }
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
            templates(tf, file, service, fixture)?;
        }
    }
    cycles(tf, file)?;
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
        let r = super::read(&path, &SpecSet::default()).map_err(|e| e.to_string());
        let _ = std::fs::remove_dir_all(&dir);
        r
    }

    #[test]
    fn a_role_lacking_a_value_its_scheme_needs_is_reported_at_its_line() {
        let dir = std::env::temp_dir().join(format!("ch-pcheck-creds-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("t.yaml");
        let specs = crate::contract::load(std::path::Path::new("specs"))
            .expect("specs")
            .specs;
        std::fs::write(
            &path,
            "credentials:\n  oneaccess:\n    expired: { token: OA_EXPIRED }\n    default: { client_id: OA_ID }\n  elsewhere:\n    default: { anything: X }\n",
        )
        .expect("write");
        let e = super::read(&path, &specs).expect_err("lacks").to_string();
        assert!(
            e.contains("t.yaml:4:")
                && e.contains("credentials.oneaccess.default lacks `client_secret`")
                && e.contains("oauth2_client_credentials")
                && e.contains("it gives `client_id`"),
            "{e}"
        );
        std::fs::write(
            &path,
            "credentials:\n  oneaccess:\n    default: { client_id: A, client_secret: B }\n",
        )
        .expect("write");
        assert!(super::read(&path, &specs).is_ok());
        let _ = std::fs::remove_dir_all(&dir);
        let gives = |v: &[&'static str]| v.iter().copied().collect::<BTreeSet<&str>>();
        // Basic has no ready token: username and password it is.
        assert_eq!(
            lacking(&AuthScheme::Basic, &gives(&["token", "username"])),
            ["password"]
        );
        assert!(lacking(&AuthScheme::Bearer, &gives(&["token"])).is_empty());
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
            "template",
            "provision:\n  svc:\n    f:\n      requests:\n        - { method: POST, path: /x, capture: { org_id: /id } }\n      teardown:\n        - { method: DELETE, path: \"/x/{{org}}\" }\n",
        )
        .expect_err("template");
        assert!(
            e.contains("t.yaml:7:")
                && e.contains("`{{org}}` names nothing here")
                && e.contains("org_id"),
            "{e}"
        );
        let e = read(
            "cycle",
            "provision:\n  svc:\n    a:\n      requests: [{ method: POST, path: \"/x/{{b.id}}\" }]\n    b:\n      requests: [{ method: POST, path: \"/y/{{a.id}}\" }]\n",
        )
        .expect_err("cycle");
        assert!(e.contains("in a circle (a → b → a)"), "{e}");
        read(
            "chain",
            "provision:\n  svc:\n    a:\n      requests: [{ method: POST, path: \"/x/{{b.id}}\" }]\n    b:\n      requests: [{ method: POST, path: /y }]\n",
        )
        .expect("a chain without a circle is fine");
        let e = read(
            "unknown",
            "provision:\n  svc:\n    f:\n      requests: [{ method: POST, path: /x, captures: {} }]\n",
        )
        .expect_err("typo");
        assert!(e.contains("captures"), "{e}");
    }
}
