//! Spec mistakes as a spec author reads them: rustc-style, with file, line, column, field path,
//! the source line with a caret, what was expected and a hint.

use std::fmt;
use std::path::PathBuf;

use super::source::{Pos, SourceFile, field_path};

/// Error (the spec cannot be used) or warning (it can, but something disagrees).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The spec is refused.
    Error,
    /// Reported; exit status stays 0.
    Warning,
}

/// One finding about one spec file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Short rule name (`unknown-field`, `example-schema`, ...).
    pub rule: &'static str,
    /// What is wrong.
    pub message: String,
    /// The spec file.
    pub file: PathBuf,
    /// Where.
    pub pos: Pos,
    /// The source line at `pos`.
    pub line_text: String,
    /// Field path (`errors[2].code`).
    pub field: String,
    /// What was expected there.
    pub expected: Option<String>,
    /// A suggestion.
    pub hint: Option<String>,
}

/// Which position of an entry a diagnostic points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// The value.
    Value,
    /// The key introducing it.
    Key,
}

impl Diagnostic {
    /// A diagnostic at the value (or key) found at `pointer` in `file`.
    pub fn at(
        file: &SourceFile,
        pointer: &str,
        anchor: Anchor,
        severity: Severity,
        rule: &'static str,
        message: impl Into<String>,
    ) -> Self {
        let pos = match anchor {
            Anchor::Value => file.value_pos(pointer),
            Anchor::Key => file.key_pos(pointer),
        };
        Self {
            severity,
            rule,
            message: message.into(),
            file: file.path.clone(),
            pos,
            line_text: file.line_text(pos.line).to_string(),
            field: field_path(pointer),
            expected: None,
            hint: None,
        }
    }

    /// Adds what was expected.
    #[must_use]
    pub fn expected(mut self, expected: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self
    }

    /// Adds a hint.
    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// `file:line:column`.
    pub fn location(&self) -> String {
        format!(
            "{}:{}:{}",
            self.file.display(),
            self.pos.line,
            self.pos.column
        )
    }
}

/// Width of the token starting at a 1-based column: a quoted string, a key or a plain scalar.
fn token_width(line: &str, column: u32) -> usize {
    let rest: Vec<char> = line
        .chars()
        .skip(column.saturating_sub(1) as usize)
        .collect();
    match rest.first() {
        None => 1,
        Some(q @ ('"' | '\'')) => rest
            .iter()
            .skip(1)
            .position(|c| c == q)
            .map_or(rest.len(), |i| i + 2),
        Some(_) => {
            let n = rest
                .iter()
                .position(|c| matches!(c, ',' | ']' | '}' | '#') || *c == ':')
                .unwrap_or(rest.len());
            let trimmed = rest[..n].iter().collect::<String>();
            trimmed.trim_end().chars().count().max(1)
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{label}[{}]: {}", self.rule, self.message)?;
        let num = self.pos.line.to_string();
        let pad = " ".repeat(num.len());
        writeln!(f, "{pad}--> {}", self.location())?;
        writeln!(f, "{pad} |")?;
        writeln!(f, "{num} | {}", self.line_text)?;
        let indent: String = self
            .line_text
            .chars()
            .take(self.pos.column.saturating_sub(1) as usize)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let carets = "^".repeat(token_width(&self.line_text, self.pos.column));
        match &self.hint {
            Some(h) => writeln!(f, "{pad} | {indent}{carets} {h}")?,
            None => writeln!(f, "{pad} | {indent}{carets}")?,
        }
        writeln!(f, "{pad} = field: {}", self.field)?;
        if let Some(e) = &self.expected {
            writeln!(f, "{pad} = expected: {e}")?;
        }
        Ok(())
    }
}

/// Levenshtein distance, for did-you-mean hints.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The closest candidate within a small distance, for `did you mean`.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).clamp(1, 3);
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// An error at the value of `pointer` in `file`.
pub(crate) fn err(file: &SourceFile, pointer: &str, rule: &'static str, msg: String) -> Diagnostic {
    Diagnostic::at(file, pointer, Anchor::Value, Severity::Error, rule, msg)
}

/// A warning at the value of `pointer` in `file`.
pub(crate) fn warn(
    file: &SourceFile,
    pointer: &str,
    rule: &'static str,
    msg: String,
) -> Diagnostic {
    Diagnostic::at(file, pointer, Anchor::Value, Severity::Warning, rule, msg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn did_you_mean_finds_typos_only() {
        let fields = ["status", "content_type", "body", "case"];
        assert_eq!(did_you_mean("staus", fields), Some("status"));
        assert_eq!(did_you_mean("bdy", fields), Some("body"));
        assert_eq!(did_you_mean("totally_else", fields), None);
    }

    #[test]
    fn token_width_covers_keys_and_quotes() {
        assert_eq!(token_width("  staus: 204", 3), 5);
        assert_eq!(token_width(r#"  code: "ORG.1", x"#, 9), 7);
        assert_eq!(token_width("", 1), 1);
    }

    proptest! {
        #[test]
        fn edit_distance_is_a_metric(a in "[a-z]{0,8}", b in "[a-z]{0,8}") {
            prop_assert_eq!(edit_distance(&a, &b), edit_distance(&b, &a));
            prop_assert_eq!(edit_distance(&a, &a), 0);
            prop_assert!(edit_distance(&a, &b) <= a.len().max(b.len()));
        }

        #[test]
        fn rendering_never_panics(line in "\\PC{0,40}", col in 0u32..60) {
            let d = Diagnostic {
                severity: Severity::Error, rule: "r", message: "m".into(),
                file: PathBuf::from("f.yaml"), pos: Pos { line: 1, column: col },
                line_text: line, field: "a".into(), expected: None, hint: Some("h".into()),
            };
            prop_assert!(d.to_string().starts_with("error[r]: m"));
        }
    }
}
