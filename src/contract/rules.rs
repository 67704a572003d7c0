//! The model's own rules, beyond the format schema: references resolve, codes are unique,
//! examples match their schemas, and a page's examples agree with its
//! tables (warnings).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::diagnostic::{Anchor, Diagnostic, Severity, did_you_mean};
use super::diagnostic::{err, warn};
use super::examples;
use super::model::{
    Carrier, Expect, Operation, ParamIn, Service, SpecSet, Trigger, code_text, pointer_segments,
    template_names,
};
use super::pointer;
use super::source::{SourceFile, escape_token};

type Found = (Vec<Diagnostic>, Vec<Diagnostic>);

/// Applies every rule. Returns (errors, warnings).
pub fn check(set: &mut SpecSet) -> Found {
    let mut found: Found = (Vec::new(), Vec::new());
    for service in set.services.values() {
        if let Some(file) = service.file.clone() {
            super::auth_rules::check(&service.auth, &file, &mut found.0);
            todo_fixtures(service, &file, &mut found.1);
            error_fields(service, &file, &mut found.0);
        }
    }
    let mut seen_ids: BTreeMap<String, String> = BTreeMap::new();
    for i in 0..set.operations.len() {
        let Some(file) = set.operations[i].file.clone() else {
            continue;
        };
        let op = &set.operations[i];
        if let Some(first) = seen_ids.insert(op.id.clone(), file.path.display().to_string()) {
            found.0.push(err(
                &file,
                "/id",
                "duplicate-operation",
                format!("operation id `{}` is already used by {first}", op.id),
            ));
        }
        let Some(service) = set.services.get(&op.service).cloned() else {
            continue;
        };
        check_operation(op, &service, &file, &mut found);
    }
    for op in &set.operations {
        if let Some(file) = op.file.clone() {
            check_sequences(op, set, &file, &mut found.0);
        }
    }
    found
}

fn check_operation(op: &Operation, service: &Service, file: &SourceFile, found: &mut Found) {
    let (errors, warnings) = found;
    if let Some(source) = &op.source
        && !service.sources.contains(source)
    {
        let d = err(
            file,
            "/source",
            "unknown-source",
            format!("source `{source}` is not one of the service's sources"),
        );
        errors.push(if service.sources.is_empty() {
            d.hint(format!(
                "list it under `sources:` in {}/service.yaml",
                service.name
            ))
        } else {
            d.expected(format!("one of {}", service.sources.join(", ")))
        });
    }
    // Path parameters: the template and the declarations agree.
    let names = template_names(&op.path);
    for n in &names {
        match op.parameters.get(n).map(|p| p.location) {
            None => errors.push(
                err(
                    file,
                    "/path",
                    "undeclared-parameter",
                    format!("path parameter `{n}` is not declared"),
                )
                .hint(format!("add `{n}:` under `parameters`")),
            ),
            Some(ParamIn::Path) => {}
            Some(other) => errors.push(
                err(
                    file,
                    &format!("/parameters/{}/in", escape_token(n)),
                    "parameter-location",
                    format!(
                        "`{n}` is a name of the path template but is declared `in: {}`",
                        other.word()
                    ),
                )
                .expected("`in: path` (or no `in:`)"),
            ),
        }
    }
    for (n, p) in &op.parameters {
        let ptr = format!("/parameters/{}", escape_token(n));
        if p.location == ParamIn::Path && !names.contains(n) {
            errors.push(
                Diagnostic::at(
                    file,
                    &ptr,
                    Anchor::Key,
                    Severity::Error,
                    "unused-parameter",
                    format!("path parameter `{n}` is not in the path template"),
                )
                .expected(if names.is_empty() {
                    "a `{name}` in the path for each path parameter; `in: query` or `in: header` for the others".to_string()
                } else {
                    format!(
                        "one of the template's names: {}; `in: query` or `in: header` for the others",
                        names.join(", ")
                    )
                }),
            );
        }
        if p.location == ParamIn::Path && p.required == Some(false) {
            errors.push(
                err(
                    file,
                    &format!("{ptr}/required"),
                    "optional-path-parameter",
                    format!("path parameter `{n}` cannot be optional"),
                )
                .hint("a path parameter is always required: remove `required: false`"),
            );
        }
        if p.location == ParamIn::Header && !is_header_name(n) {
            errors.push(
                Diagnostic::at(
                    file,
                    &ptr,
                    Anchor::Key,
                    Severity::Error,
                    "header-name",
                    format!("`{n}` is not a valid HTTP header name"),
                )
                .expected("letters, digits and !#$%&'*+-.^_`|~"),
            );
        }
    }
    // Examples against their schemas.
    if let Some(b) = op.request.body.json()
        && let Some(ex) = &b.example
    {
        examples::against_schema(
            &b.schema,
            ex,
            file,
            "/request/body/example",
            "the request example",
            errors,
        );
    }
    if let Some(b) = op.success.body.json()
        && let Some(ex) = &b.example
    {
        examples::against_schema(
            &b.schema,
            ex,
            file,
            "/success/body/example",
            "the success example",
            errors,
        );
    }
    for (i, ex) in op.error_examples.iter().enumerate() {
        let ptr = format!("/error_examples/{i}/body");
        examples::against_schema(
            &service.errors.schema,
            &ex.body,
            file,
            &ptr,
            "the error example",
            errors,
        );
    }
    // The success case's fixture and placeholders.
    let fixture_ok = check_fixture(
        &op.success.case.fixture,
        service,
        file,
        "/success/case/fixture",
        errors,
    );
    let values: BTreeSet<String> = service
        .fixtures
        .get(&op.success.case.fixture)
        .map(|f| f.values.iter().cloned().collect())
        .unwrap_or_default();
    if fixture_ok {
        for n in &names {
            if !values.contains(n) {
                errors.push(
                    err(
                        file,
                        "/success/case/fixture",
                        "fixture-values",
                        format!(
                            "fixture `{}` provides no value `{n}` for the path",
                            op.success.case.fixture
                        ),
                    )
                    .expected(format!(
                        "a fixture whose values include {}",
                        names.join(", ")
                    )),
                );
            }
        }
        if let Some(body) = &op.success.case.body {
            for p in placeholders(body) {
                if !values.contains(&p) {
                    errors.push(unknown_placeholder(
                        file,
                        "/success/case/body",
                        &p,
                        &op.success.case.fixture,
                        &values,
                    ));
                }
            }
        }
    }
    if fixture_ok {
        for (name, v) in &op.success.case.fields {
            for p in placeholders(v) {
                if !values.contains(&p) {
                    errors.push(unknown_placeholder(
                        file,
                        &format!("/success/case/fields/{}", escape_token(name)),
                        &p,
                        &op.success.case.fixture,
                        &values,
                    ));
                }
            }
        }
    }
    if op.request.body.json().is_some() && op.success.case.body.is_none() {
        errors.push(
            err(
                file,
                "/success/case",
                "missing-case-body",
                "the operation takes a body but the success case gives none".into(),
            )
            .hint("add `body:` to the case"),
        );
    }
    if fixture_ok {
        check_param_values(op, file, &values, errors);
        check_trigger_placeholders(op, file, &values, errors);
    }
    check_errors(op, service, file, &names, &values, errors);
    todo_triggers(op, file, warnings);
    examples::agree_with_tables(op, service, file, warnings);
}

fn check_fixture(
    name: &str,
    service: &Service,
    file: &SourceFile,
    ptr: &str,
    errors: &mut Vec<Diagnostic>,
) -> bool {
    if service.fixtures.contains_key(name) {
        return true;
    }
    let mut d = err(
        file,
        ptr,
        "unknown-fixture",
        format!("unknown fixture `{name}`"),
    )
    .expected(format!(
        "a fixture declared in {}/service.yaml",
        service.name
    ));
    if let Some(m) = did_you_mean(name, service.fixtures.keys().map(String::as_str)) {
        d = d.hint(format!("did you mean `{m}`?"));
    }
    errors.push(d);
    false
}

fn check_errors(
    op: &Operation,
    service: &Service,
    file: &SourceFile,
    names: &[String],
    values: &BTreeSet<String>,
    errors: &mut Vec<Diagnostic>,
) {
    let mut codes = BTreeSet::new();
    let body_fields: BTreeSet<String> = op
        .request
        .body
        .json()
        .and_then(|b| b.schema.raw.get("properties"))
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    for (i, e) in op.errors.iter().enumerate() {
        let base = format!("/errors/{i}");
        if !codes.insert(code_text(&e.code)) {
            errors.push(err(
                file,
                &format!("{base}/code"),
                "duplicate-code",
                format!("error code `{}` is documented twice", e.code_text()),
            ));
        }
        if service.errors.carrier == Carrier::HttpStatus && e.status.is_none() {
            errors.push(err(
                file,
                &base,
                "missing-status",
                format!(
                    "error `{}` has no status, but {} carries errors in the HTTP status",
                    e.code_text(),
                    service.name
                ),
            ));
        }
        match (&e.trigger, e.triggers.is_empty()) {
            (None, true) => errors.push(
                err(
                    file,
                    &base,
                    "missing-trigger",
                    format!("error `{}` has no trigger", e.code_text()),
                )
                .hint("add `trigger:` (one way to provoke it) or `triggers:` (a list)"),
            ),
            (Some(_), false) => errors.push(
                err(
                    file,
                    &format!("{base}/triggers"),
                    "trigger-and-triggers",
                    format!(
                        "error `{}` has both `trigger` and `triggers`",
                        e.code_text()
                    ),
                )
                .hint("move the `trigger` into the `triggers` list"),
            ),
            _ => {}
        }
        let pointers: Vec<String> = match &e.trigger {
            Some(_) => vec![format!("{base}/trigger")],
            None => (0..e.triggers.len())
                .map(|j| format!("{base}/triggers/{j}"))
                .collect(),
        };
        let mut details = BTreeSet::new();
        for (trigger, tptr) in e.all_triggers().into_iter().zip(&pointers) {
            if !details.insert(trigger.detail()) {
                errors.push(err(
                    file,
                    tptr,
                    "duplicate-trigger",
                    format!(
                        "error `{}` has two triggers named `{}`",
                        e.code_text(),
                        trigger.detail()
                    ),
                ));
            }
            check_trigger(
                trigger,
                tptr,
                op,
                service,
                file,
                names,
                values,
                &body_fields,
                errors,
            );
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn check_trigger(
    trigger: &Trigger,
    tptr: &str,
    op: &Operation,
    service: &Service,
    file: &SourceFile,
    names: &[String],
    values: &BTreeSet<String>,
    body_fields: &BTreeSet<String>,
    errors: &mut Vec<Diagnostic>,
) {
    {
        match trigger {
            Trigger::Fixture(name) => {
                let ok = check_fixture(name, service, file, &format!("{tptr}/fixture"), errors);
                if ok {
                    let fv = &service.fixtures[name].values;
                    for v in values {
                        if !fv.contains(v) {
                            errors.push(err(file, &format!("{tptr}/fixture"), "fixture-values", format!("fixture `{name}` lacks value `{v}` that the success request uses")));
                        }
                    }
                }
            }
            Trigger::Unknown(name) => {
                if !values.contains(name) {
                    let mut d = err(
                        file,
                        &format!("{tptr}/unknown"),
                        "unknown-value",
                        format!(
                            "`{name}` is not a value of the success fixture `{}`",
                            op.success.case.fixture
                        ),
                    )
                    .expected(format!(
                        "one of {}",
                        values.iter().cloned().collect::<Vec<_>>().join(", ")
                    ));
                    if let Some(m) = did_you_mean(name, values.iter().map(String::as_str)) {
                        d = d.hint(format!("did you mean `{m}`?"));
                    }
                    errors.push(d);
                }
            }
            Trigger::Input(change) => {
                for (location, map, word) in [
                    (ParamIn::Query, &change.query, "query"),
                    (ParamIn::Header, &change.headers, "headers"),
                ] {
                    for p in map.keys() {
                        let ptr = format!("{tptr}/input/{word}/{}", escape_token(p));
                        unknown_param(op, location, p, file, &ptr, errors);
                    }
                }
                check_pointers(op, change, tptr, file, errors);
                for p in change.path.keys() {
                    if !names.contains(p) {
                        errors.push(
                            err(
                                file,
                                &format!("{tptr}/input/path/{}", escape_token(p)),
                                "unknown-parameter",
                                format!("`{p}` is not a path parameter"),
                            )
                            .expected(format!("one of {}", names.join(", "))),
                        );
                    }
                }
                for (k, ptr) in change
                    .body
                    .keys()
                    .map(|k| (k, format!("{tptr}/input/body/{}", escape_token(k))))
                    .chain(
                        change
                            .remove
                            .iter()
                            .enumerate()
                            .map(|(j, k)| (k, format!("{tptr}/input/remove/{j}"))),
                    )
                {
                    let field = pointer::top_field(k);
                    if !body_fields.contains(&field) {
                        errors.push(
                            err(
                                file,
                                &ptr,
                                "unknown-body-field",
                                format!("`{field}` is not a field of the request body"),
                            )
                            .expected(format!(
                                "one of {}",
                                body_fields.iter().cloned().collect::<Vec<_>>().join(", ")
                            )),
                        );
                    }
                }
            }
            Trigger::NotProvokable(_) => {}
            Trigger::Todo(_) => {}
        }
    }
}

/// Whether `name` is an HTTP header name (an RFC 9110 token).
fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// An error unless `name` is a declared parameter `in: location`.
fn unknown_param(
    op: &Operation,
    location: ParamIn,
    name: &str,
    file: &SourceFile,
    ptr: &str,
    errors: &mut Vec<Diagnostic>,
) {
    if op
        .parameters
        .get(name)
        .is_some_and(|p| p.location == location)
    {
        return;
    }
    let declared: Vec<&str> = op.params_in(location).map(|(n, _)| n.as_str()).collect();
    let mut d = Diagnostic::at(
        file,
        ptr,
        Anchor::Key,
        Severity::Error,
        "unknown-parameter",
        format!("`{name}` is not a {} parameter", location.word()),
    )
    .expected(if declared.is_empty() {
        format!(
            "a parameter declared with `in: {}` under `parameters`",
            location.word()
        )
    } else {
        format!("one of {}", declared.join(", "))
    });
    if let Some(m) = did_you_mean(name, declared.iter().copied()) {
        d = d.hint(format!("did you mean `{m}`?"));
    }
    errors.push(d);
}

/// Query and header parameters: the success case's values name declared parameters and
/// fixture values, and every required one has a value (the case's, or a fixture value of the
/// same name).
/// A `{{p}}` that names no value of `fixture` (whose values are `values`), at `ptr`.
fn unknown_placeholder(
    file: &SourceFile,
    ptr: &str,
    p: &str,
    fixture: &str,
    values: &BTreeSet<String>,
) -> Diagnostic {
    err(
        file,
        ptr,
        "unknown-placeholder",
        format!("placeholder `{{{{{p}}}}}` is not a value of fixture `{fixture}`"),
    )
    .expected(format!(
        "one of {}",
        values.iter().cloned().collect::<Vec<_>>().join(", ")
    ))
}

/// The `{{value}}` placeholders of input triggers name values of the success fixture (the
/// request a trigger changes): a misspelt one would be sent as it is written.
fn check_trigger_placeholders(
    op: &Operation,
    file: &SourceFile,
    values: &BTreeSet<String>,
    errors: &mut Vec<Diagnostic>,
) {
    for (i, e) in op.errors.iter().enumerate() {
        let many = e.trigger.is_none();
        for (j, t) in e.all_triggers().into_iter().enumerate() {
            let Trigger::Input(c) = t else {
                continue;
            };
            let at = if many {
                format!("/errors/{i}/triggers/{j}/input")
            } else {
                format!("/errors/{i}/trigger/input")
            };
            let texts: Vec<(String, Value)> = c
                .path
                .iter()
                .map(|(k, v)| {
                    (
                        format!("{at}/path/{}", escape_token(k)),
                        Value::String(v.clone()),
                    )
                })
                .chain(
                    c.body
                        .iter()
                        .map(|(k, v)| (format!("{at}/body/{}", escape_token(k)), v.clone())),
                )
                .chain(
                    c.query
                        .iter()
                        .map(|(k, v)| (format!("{at}/query/{}", escape_token(k)), v.clone())),
                )
                .chain(
                    c.headers
                        .iter()
                        .map(|(k, v)| (format!("{at}/headers/{}", escape_token(k)), v.clone())),
                )
                .collect();
            for (ptr, v) in texts {
                for p in placeholders(&v).into_iter().filter(|p| !values.contains(p)) {
                    errors.push(unknown_placeholder(
                        file,
                        &ptr,
                        &p,
                        &op.success.case.fixture,
                        values,
                    ));
                }
            }
        }
    }
}

fn check_param_values(
    op: &Operation,
    file: &SourceFile,
    values: &BTreeSet<String>,
    errors: &mut Vec<Diagnostic>,
) {
    let case = &op.success.case;
    for (location, map, word) in [
        (ParamIn::Query, &case.query, "query"),
        (ParamIn::Header, &case.headers, "headers"),
    ] {
        for (name, template) in map {
            let ptr = format!("/success/case/{word}/{}", escape_token(name));
            unknown_param(op, location, name, file, &ptr, errors);
            for p in placeholders(&Value::String(template.clone())) {
                if !values.contains(&p) {
                    errors.push(unknown_placeholder(file, &ptr, &p, &case.fixture, values));
                }
            }
        }
        for (name, p) in op.params_in(location) {
            if p.is_required() && !map.contains_key(name) && !values.contains(name) {
                errors.push(
                    Diagnostic::at(
                        file,
                        &format!("/parameters/{}", escape_token(name)),
                        Anchor::Key,
                        Severity::Error,
                        "parameter-value",
                        format!(
                            "required {} parameter `{name}` has no value in the success request",
                            location.word()
                        ),
                    )
                    .expected(format!(
                        "`{name}:` under `success.case.{word}`, or a value `{name}` of fixture `{}`",
                        case.fixture
                    ))
                    .hint("if the page does not require it, write `required: false`"),
                );
            }
        }
    }
}

/// Body pointers of a trigger apply to the success request's body: a value set has a place
/// to go, a value removed is there.
fn check_pointers(
    op: &Operation,
    change: &super::model::InputChange,
    tptr: &str,
    file: &SourceFile,
    errors: &mut Vec<Diagnostic>,
) {
    let Some(template) = &op.success.case.body else {
        return;
    };
    for (k, v) in &change.body {
        if pointer_segments(k).is_none() {
            continue;
        }
        let mut body = template.clone();
        if let Err(e) = pointer::set(&mut body, k, v.clone()) {
            errors.push(Diagnostic::at(
                file,
                &format!("{tptr}/input/body/{}", escape_token(k)),
                Anchor::Key,
                Severity::Error,
                "body-pointer",
                format!("cannot set `{k}` in the success request's body: {e}"),
            ));
        }
    }
    for (j, k) in change.remove.iter().enumerate() {
        if pointer_segments(k).is_none() {
            continue;
        }
        let mut body = template.clone();
        if !pointer::remove(&mut body, k) {
            errors.push(err(
                file,
                &format!("{tptr}/input/remove/{j}"),
                "body-pointer",
                format!("`{k}` names no value of the success request's body"),
            ));
        }
    }
}

fn check_sequences(op: &Operation, set: &SpecSet, file: &SourceFile, errors: &mut Vec<Diagnostic>) {
    let Some(service) = set.services.get(&op.service) else {
        return;
    };
    let mut names = BTreeSet::new();
    for (i, seq) in op.sequences.iter().enumerate() {
        // Values captured by the steps so far.
        let mut captured: BTreeSet<&String> = BTreeSet::new();
        if !names.insert(&seq.name) {
            errors.push(err(
                file,
                &format!("/sequences/{i}/name"),
                "duplicate-sequence",
                format!("sequence `{}` is defined twice", seq.name),
            ));
        }
        for (j, step) in seq.steps.iter().enumerate() {
            let base = format!("/sequences/{i}/steps/{j}");
            let Some(called) = set
                .operation(&step.call)
                .filter(|o| o.service == op.service)
            else {
                errors.push(err(
                    file,
                    &format!("{base}/call"),
                    "unknown-operation",
                    format!("no operation `{}` in service {}", step.call, op.service),
                ));
                continue;
            };
            if !check_fixture(
                &step.fixture,
                service,
                file,
                &format!("{base}/fixture"),
                errors,
            ) {
                continue;
            }
            let fv = &service.fixtures[&step.fixture].values;
            for (to, from) in &step.bind {
                if let Some(name) = capture_ref(from) {
                    if !captured.iter().any(|c| c.as_str() == name) {
                        errors.push(err(
                            file,
                            &format!("{base}/bind/{}", escape_token(to)),
                            "unknown-capture",
                            format!("no earlier step captures `{name}`"),
                        ));
                    }
                } else if !fv.contains(from) {
                    errors.push(err(
                        file,
                        &format!("{base}/bind/{}", escape_token(to)),
                        "unknown-value",
                        format!("fixture `{}` has no value `{from}`", step.fixture),
                    ));
                }
            }
            captured.extend(step.capture.keys());
            if let Expect::Error { error } = &step.expect
                && !called.errors.iter().any(|e| e.code == *error)
            {
                errors.push(err(
                    file,
                    &format!("{base}/expect/error"),
                    "unknown-code",
                    format!(
                        "`{}` is not a documented error of {}",
                        code_text(error),
                        called.id
                    ),
                ));
            }
        }
    }
}

/// A warning at every `{ todo: ... }` trigger: a trigger not written yet, whose case is
/// ignored until it is.
fn todo_triggers(op: &Operation, file: &SourceFile, warnings: &mut Vec<Diagnostic>) {
    for (i, e) in op.errors.iter().enumerate() {
        let pointers: Vec<String> = match &e.trigger {
            Some(_) => vec![format!("/errors/{i}/trigger")],
            None => (0..e.triggers.len())
                .map(|j| format!("/errors/{i}/triggers/{j}"))
                .collect(),
        };
        for (trigger, ptr) in e.all_triggers().into_iter().zip(pointers) {
            if let Trigger::Todo(what) = trigger {
                warnings.push(
                    Diagnostic::at(
                        file,
                        &format!("{ptr}/todo"),
                        Anchor::Key,
                        Severity::Warning,
                        "todo-trigger",
                        format!(
                            "error `{}` has a trigger not written yet: {what}",
                            e.code_text()
                        ),
                    )
                    .hint("replace it with input, unknown, fixture or not_provokable"),
                );
            }
        }
    }
}

/// A warning at every fixture whose description starts with `TODO` (left by `import openapi`).
fn todo_fixtures(service: &Service, file: &SourceFile, warnings: &mut Vec<Diagnostic>) {
    for (name, f) in &service.fixtures {
        if f.description.trim_start().starts_with("TODO") {
            warnings.push(
                warn(
                    file,
                    &format!("/fixtures/{}/description", escape_token(name)),
                    "todo-fixture",
                    format!("fixture `{name}` is not described yet: {}", f.description),
                )
                .hint("say what the target must hold for it"),
            );
        }
    }
}

/// The error shape's `code_field` and `message_field` name fields its schema declares (a
/// top-level property, or a pointer through nested `properties`): a field the schema does not
/// have is a typo that would fail every error case of a correct server. A schema that declares
/// no properties says nothing to check against.
fn error_fields(service: &Service, file: &SourceFile, errors: &mut Vec<Diagnostic>) {
    let schema = &service.errors.schema.raw;
    if schema.get("properties").is_none() {
        return;
    }
    for (key, field) in [
        ("code_field", &service.errors.code_field),
        ("message_field", &service.errors.message_field),
    ] {
        let segments: Vec<String> = match pointer_segments(field) {
            Some(s) => s,
            None => vec![field.clone()],
        };
        let mut at = schema;
        let mut found = true;
        for seg in &segments {
            match at.get("properties").and_then(|p| p.get(seg)) {
                Some(next) => at = next,
                None => {
                    found = false;
                    break;
                }
            }
        }
        if !found {
            errors.push(
                err(
                    file,
                    &format!("/errors/{key}"),
                    "error-field",
                    format!("`{field}` is not a field of the error schema"),
                )
                .expected("a property of `errors.schema`, or a JSON pointer through nested properties (`/error/code`)")
                .hint("a nested field is written as a JSON pointer: `/error/code`"),
            );
        }
    }
}

/// The capture a `bind` source names (`"{{created}}"` → `created`), if it names one.
pub fn capture_ref(source: &str) -> Option<&str> {
    source
        .trim()
        .strip_prefix("{{")
        .and_then(|r| r.strip_suffix("}}"))
        .map(str::trim)
}

/// `{{name}}` placeholders in the strings of a JSON value.
pub fn placeholders(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    collect(v, &mut out);
    out
}

fn collect(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => {
            let mut rest = s.as_str();
            while let Some(start) = rest.find("{{") {
                let Some(len) = rest[start..].find("}}") else {
                    break;
                };
                out.push(rest[start + 2..start + len].trim().to_string());
                rest = &rest[start + len + 2..];
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect(x, out)),
        Value::Object(m) => m.values().for_each(|x| collect(x, out)),
        _ => {}
    }
}
