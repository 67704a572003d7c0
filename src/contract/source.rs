//! Source text of one spec file and the positions of its values, for diagnostics.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A 1-based line and column in a source file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    /// 1-based line.
    pub line: u32,
    /// 1-based column (characters).
    pub column: u32,
}

/// Where a value and, for mapping entries, its key stand in the file.
#[derive(Clone, Copy, Debug, Default)]
pub struct Span {
    /// The value itself.
    pub value: Pos,
    /// The key that introduces it, when it is a mapping entry.
    pub key: Option<Pos>,
}

/// A spec file as read: its path, its text, and the position of every value by JSON pointer.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Path as given to the loader (relative paths stay relative for readable messages).
    pub path: PathBuf,
    /// Full text.
    pub text: String,
    /// JSON pointer (`/errors/2/code`) to position.
    pub spans: HashMap<String, Span>,
}

impl SourceFile {
    /// A file with no position information yet.
    pub fn new(path: &Path, text: String) -> Self {
        Self {
            path: path.to_path_buf(),
            text,
            spans: HashMap::new(),
        }
    }

    /// The position of the value at `pointer`, or of its nearest ancestor that has one.
    pub fn value_pos(&self, pointer: &str) -> Pos {
        self.lookup(pointer, |s| s.value)
    }

    /// The position of the key of the entry at `pointer` (falls back to its value).
    pub fn key_pos(&self, pointer: &str) -> Pos {
        self.lookup(pointer, |s| s.key.unwrap_or(s.value))
    }

    fn lookup(&self, pointer: &str, pick: impl Fn(&Span) -> Pos) -> Pos {
        let mut p = pointer;
        loop {
            if let Some(span) = self.spans.get(p) {
                return pick(span);
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return Pos { line: 1, column: 1 },
            }
        }
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: u32) -> &str {
        self.text
            .lines()
            .nth(line.saturating_sub(1) as usize)
            .unwrap_or("")
    }
}

/// Turns a JSON pointer into the dotted field path users read: `/errors/2/code` → `errors[2].code`.
pub fn field_path(pointer: &str) -> String {
    let mut out = String::new();
    for part in pointer.split('/').skip(1) {
        let part = part.replace("~1", "/").replace("~0", "~");
        if !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{part}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&part);
        }
    }
    if out.is_empty() {
        "(document)".to_string()
    } else {
        out
    }
}

/// Escapes one JSON pointer token.
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths_read_like_code() {
        assert_eq!(field_path("/errors/2/code"), "errors[2].code");
        assert_eq!(field_path("/parameters/a~1b"), "parameters.a/b");
        assert_eq!(field_path(""), "(document)");
    }

    #[test]
    fn lookup_falls_back_to_ancestor() {
        let mut f = SourceFile::new(Path::new("x.yaml"), "a:\n  b: 1\n".into());
        f.spans.insert(
            "/a".into(),
            Span {
                value: Pos { line: 2, column: 3 },
                key: Some(Pos { line: 1, column: 1 }),
            },
        );
        assert_eq!(f.value_pos("/a/zz/0"), Pos { line: 2, column: 3 });
        assert_eq!(f.key_pos("/a"), Pos { line: 1, column: 1 });
        assert_eq!(f.value_pos("/q"), Pos { line: 1, column: 1 });
    }
}
