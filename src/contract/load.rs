//! Loading a spec directory: read, parse with positions, check the format, type, apply rules.
//!
//! Every mistake of a run is collected, not only the first, and each carries its position.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::diagnostic::{Anchor, Diagnostic, Severity};
use super::format::{self, FileKind};
use super::model::{Operation, Service, SpecSet};
use super::rules;
use super::schemas;
use super::source::SourceFile;
use super::yaml;

/// What a successful load gives: the specs and the warnings found on the way.
#[derive(Debug)]
pub struct Loaded {
    /// The specs.
    pub specs: SpecSet,
    /// Warnings (disagreements between a page's examples and its tables, ...).
    pub warnings: Vec<Diagnostic>,
}

/// Why specs could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    /// A file or directory could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The directory holds no service.
    #[error("no specs found under {0} (expected <service>/service.yaml and operation files)")]
    Empty(PathBuf),
    /// One or more specs are wrong.
    #[error("{}", render(.errors, .warnings))]
    Invalid {
        /// The errors.
        errors: Vec<Diagnostic>,
        /// Warnings found as well.
        warnings: Vec<Diagnostic>,
    },
}

fn render(errors: &[Diagnostic], warnings: &[Diagnostic]) -> String {
    let mut s = String::new();
    for d in errors.iter().chain(warnings) {
        s.push_str(&d.to_string());
        s.push('\n');
    }
    s.push_str(&format!(
        "{} error{}, {} warning{} in specs",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" },
        warnings.len(),
        if warnings.len() == 1 { "" } else { "s" },
    ));
    s
}

/// Loads every spec under `root`: `root/<service>/service.yaml` plus operation files
/// (`*.yaml`), or `root` itself when it is one service directory.
///
/// # Errors
/// [`SpecError::Invalid`] with every mistake found, [`SpecError::Io`] when files cannot be read.
pub fn load(root: &Path) -> Result<Loaded, SpecError> {
    let mut dirs = Vec::new();
    if root.join("service.yaml").is_file() {
        dirs.push(root.to_path_buf());
    } else {
        for entry in read_dir(root)? {
            if entry.is_dir() {
                dirs.push(entry);
            }
        }
    }
    let mut errors = Vec::new();
    let mut set = SpecSet::default();
    for dir in &dirs {
        load_service_dir(dir, &mut set, &mut errors)?;
    }
    if set.services.is_empty() && set.operations.is_empty() && errors.is_empty() {
        return Err(SpecError::Empty(root.to_path_buf()));
    }
    let (mut rule_errors, warnings) = rules::check(&mut set);
    errors.append(&mut rule_errors);
    if errors.is_empty() {
        Ok(Loaded {
            specs: set,
            warnings,
        })
    } else {
        errors.sort_by(|a, b| (&a.file, a.pos).cmp(&(&b.file, b.pos)));
        Err(SpecError::Invalid { errors, warnings })
    }
}

fn read_dir(dir: &Path) -> Result<Vec<PathBuf>, SpecError> {
    let io = |source| SpecError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        out.push(entry.map_err(io)?.path());
    }
    out.sort();
    Ok(out)
}

fn load_service_dir(
    dir: &Path,
    set: &mut SpecSet,
    errors: &mut Vec<Diagnostic>,
) -> Result<(), SpecError> {
    let dir_name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let service_path = dir.join("service.yaml");
    let service_name = if service_path.is_file() {
        parse_file::<Service>(&service_path, FileKind::Service, errors)?.map(|(mut s, file)| {
            if s.name != dir_name {
                errors.push(
                    Diagnostic::at(
                        &file,
                        "/service",
                        Anchor::Value,
                        Severity::Error,
                        "service-name",
                        format!("service `{}` is in directory `{dir_name}`", s.name),
                    )
                    .expected(format!("`service: {dir_name}` (the directory name)")),
                );
            }
            s.file = Some(file);
            let name = s.name.clone();
            set.services.insert(name.clone(), s);
            name
        })
    } else {
        None
    };
    for path in read_dir(dir)? {
        let is_yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
        if !is_yaml || path == service_path {
            continue;
        }
        if let Some((mut op, file)) = parse_file::<Operation>(&path, FileKind::Operation, errors)? {
            if service_path.is_file() && service_name.is_none() {
                // The service file is broken; its errors are already reported.
            } else if service_name.is_none() {
                errors.push(Diagnostic::at(
                    &file,
                    "",
                    Anchor::Value,
                    Severity::Error,
                    "no-service",
                    format!(
                        "operation file outside a service: {} has no service.yaml",
                        dir.display()
                    ),
                ));
            }
            op.service = service_name.clone().unwrap_or(dir_name.clone());
            op.file = Some(file);
            set.operations.push(op);
        }
    }
    Ok(())
}

/// The mistake of a file that is not UTF-8, at the line and column of its first bad byte.
fn not_utf8(path: &Path, bytes: &[u8], valid_up_to: usize) -> Diagnostic {
    let good = String::from_utf8_lossy(&bytes[..valid_up_to]).into_owned();
    let line = good.matches('\n').count() + 1;
    let column = good.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let file = SourceFile::new(path, String::from_utf8_lossy(bytes).into_owned());
    let mut d = Diagnostic::at(
        &file,
        "",
        Anchor::Value,
        Severity::Error,
        "not-utf8",
        format!(
            "byte 0x{:02X} at offset {valid_up_to} is not UTF-8",
            bytes.get(valid_up_to).copied().unwrap_or(0)
        ),
    );
    d.pos = super::source::Pos {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        column: u32::try_from(column).unwrap_or(u32::MAX),
    };
    d.line_text = file.line_text(d.pos.line).to_string();
    d.field = "(document)".into();
    d.expected("a UTF-8 text file")
}

/// Reads, parses, checks against the format schema and types one file.
/// `Ok(None)` when the file had mistakes (pushed to `errors`).
fn parse_file<T: serde::de::DeserializeOwned>(
    path: &Path,
    kind: FileKind,
    errors: &mut Vec<Diagnostic>,
) -> Result<Option<(T, Arc<SourceFile>)>, SpecError> {
    let bytes = std::fs::read(path).map_err(|source| SpecError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            errors.push(not_utf8(path, e.as_bytes(), e.utf8_error().valid_up_to()));
            return Ok(None);
        }
    };
    let mut file = SourceFile::new(path, text);
    let value = match yaml::parse(&mut file) {
        Ok(v) => v,
        Err(e) => {
            let mut d = Diagnostic::at(
                &file,
                "",
                Anchor::Value,
                Severity::Error,
                "yaml-syntax",
                e.message,
            );
            d.pos = e.pos;
            d.line_text = file.line_text(e.pos.line).to_string();
            d.field = "(document)".into();
            errors.push(d.expected("valid YAML (one document)"));
            return Ok(None);
        }
    };
    let found = format::check(kind, &value, &file);
    if !found.is_empty() {
        errors.extend(found);
        return Ok(None);
    }
    // Schemas are compiled when the model is built: each that does not compile is reported
    // here first, at its position.
    let found = schemas::check(kind, &value, &file);
    if !found.is_empty() {
        errors.extend(found);
        return Ok(None);
    }
    match serde_json::from_value::<T>(value) {
        Ok(t) => Ok(Some((t, Arc::new(file)))),
        Err(e) => {
            // The format schema and the model disagree: report it at the document.
            errors.push(Diagnostic::at(
                &file,
                "",
                Anchor::Value,
                Severity::Error,
                "model",
                e.to_string(),
            ));
            Ok(None)
        }
    }
}
