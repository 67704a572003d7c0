//! Writing an imported service under an output directory, refusing to overwrite files unless
//! told to.

use std::path::{Path, PathBuf};

use super::error::ImportError;
use super::service::Imported;

/// Writes `out/<service>/<file>` for every file; with `force` false, nothing is written when
/// any of them exists already.
///
/// # Errors
/// [`ImportError::Exists`] for the first file that exists (without `force`),
/// [`ImportError::Write`] when a directory or file cannot be written.
pub fn write(imported: &Imported, out: &Path, force: bool) -> Result<Vec<PathBuf>, ImportError> {
    let dir = out.join(&imported.service);
    let paths: Vec<PathBuf> = imported.files.iter().map(|(n, _)| dir.join(n)).collect();
    if !force && let Some(p) = paths.iter().find(|p| p.exists()) {
        return Err(ImportError::Exists(p.clone()));
    }
    std::fs::create_dir_all(&dir).map_err(|source| ImportError::Write {
        path: dir.clone(),
        source,
    })?;
    for (path, (_, text)) in paths.iter().zip(&imported.files) {
        std::fs::write(path, text).map_err(|source| ImportError::Write {
            path: path.clone(),
            source,
        })?;
    }
    Ok(paths)
}
