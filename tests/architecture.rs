//! The architecture, enforced: every `use`, `crate::`, `super::`, `self::` and
//! `contract_harness::` path of every file in `src/` is mapped to the file that defines what it
//! names (through re-exports), and the resulting graph of files is checked: the checking side
//! imports nothing from `src/mock/`, no two files import each other in a circle, no `static`
//! outside the mock holds mutable state unless the allow-list below says why, and no type
//! is deserialized `#[serde(untagged)]` (whose error names none of the alternatives).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Files outside `src/mock/` that may refer to the mock, with the reason.
const MOCK_ALLOWED: &[(&str, &str)] = &[];

/// Statics with interior mutability outside `src/mock/`: (file, name, reason).
const STATIC_ALLOWED: &[(&str, &str, &str)] = &[
    (
        "src/exec/runtime.rs",
        "RT",
        "the one tokio runtime of the process, which trials block on",
    ),
    (
        "src/contract/format.rs",
        "SERVICE",
        "the compiled format schema of service.yaml, immutable once compiled",
    ),
    (
        "src/contract/format.rs",
        "OPERATION",
        "the compiled format schema of an operation file, immutable once compiled",
    ),
    (
        "src/check/expectation.rs",
        "SPECS",
        "unit tests only: the shipped specs, loaded once and never changed",
    ),
];

/// Type names that make a static mutable state.
const INTERIOR: &[&str] = &[
    "Mutex",
    "RwLock",
    "OnceLock",
    "OnceCell",
    "LazyLock",
    "LazyCell",
    "Lazy",
    "Cell",
    "RefCell",
    "UnsafeCell",
];

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    /// `::`
    Path,
    Punct(char),
    Lifetime,
}

/// The source with comments and the contents of string and char literals blanked (newlines
/// kept, so that line numbers stay).
fn strip(src: &str) -> String {
    let c: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let blank = |out: &mut String, ch: char| out.push(if ch == '\n' { '\n' } else { ' ' });
    let ident = |ch: char| ch.is_alphanumeric() || ch == '_';
    let mut i = 0;
    while i < c.len() {
        let prev_ident = i > 0 && ident(c[i - 1]);
        if c[i] == '/' && c.get(i + 1) == Some(&'/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if c[i] == '/' && c.get(i + 1) == Some(&'*') {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
        } else if !prev_ident && (c[i] == 'r' || (c[i] == 'b' && c.get(i + 1) == Some(&'r'))) && {
            let start = if c[i] == 'b' { i + 2 } else { i + 1 };
            let mut j = start;
            while c.get(j) == Some(&'#') {
                j += 1;
            }
            c.get(j) == Some(&'"') && (j > start || c[start] == '"')
        } {
            let start = if c[i] == 'b' { i + 2 } else { i + 1 };
            let mut j = start;
            while c[j] == '#' {
                j += 1;
            }
            let hashes = j - start;
            out.push('"');
            i = j + 1;
            while i < c.len() {
                if c[i] == '"' && (0..hashes).all(|k| c.get(i + 1 + k) == Some(&'#')) {
                    i += 1 + hashes;
                    break;
                }
                blank(&mut out, c[i]);
                i += 1;
            }
            out.push('"');
        } else if c[i] == '"' {
            out.push('"');
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    blank(&mut out, c[i]);
                    i += 1;
                }
                if i < c.len() {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
            out.push('"');
            i += 1;
        } else if c[i] == '\'' && c.get(i + 1) == Some(&'\\') {
            // An escaped char literal: '\n', '\'', '\u{..}'.
            i += 2;
            while i < c.len() && c[i] != '\'' {
                i += 1;
            }
            out.push_str("' '");
            i += 1;
        } else if c[i] == '\'' && c.get(i + 2) == Some(&'\'') {
            out.push_str("' '");
            i += 3;
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

/// Tokens with their line numbers.
fn tokens(stripped: &str) -> Vec<(Tok, usize)> {
    let c: Vec<char> = stripped.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch.is_whitespace() {
            i += 1;
        } else if ch.is_alphabetic() || ch == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push((Tok::Ident(c[start..i].iter().collect()), line));
        } else if ch == '\'' {
            // A lifetime (char literals are blanked to `' '`).
            i += 1;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            if c.get(i) == Some(&'\'') {
                i += 1;
            }
            out.push((Tok::Lifetime, line));
        } else if ch == ':' && c.get(i + 1) == Some(&':') {
            out.push((Tok::Path, line));
            i += 2;
        } else {
            out.push((Tok::Punct(ch), line));
            i += 1;
        }
    }
    out
}

/// The paths a use tree names, each with the name it binds (`None` for a glob).
fn use_tree(
    toks: &[(Tok, usize)],
    i: &mut usize,
    prefix: &[String],
) -> Vec<(Vec<String>, Option<String>)> {
    let mut path = prefix.to_vec();
    let mut out = Vec::new();
    if toks.get(*i).map(|t| &t.0) == Some(&Tok::Path) {
        *i += 1;
    }
    loop {
        match toks.get(*i).map(|t| &t.0) {
            Some(Tok::Ident(s)) => {
                path.push(s.clone());
                *i += 1;
                match toks.get(*i).map(|t| &t.0) {
                    Some(Tok::Path) => *i += 1,
                    Some(Tok::Ident(a)) if a == "as" => {
                        let alias = match toks.get(*i + 1).map(|t| &t.0) {
                            Some(Tok::Ident(n)) => n.clone(),
                            _ => String::new(),
                        };
                        *i += 2;
                        out.push((path, Some(alias)));
                        return out;
                    }
                    _ => {
                        let last = path.last().cloned().unwrap_or_default();
                        if last == "self" {
                            path.pop();
                            let name = path.last().cloned();
                            out.push((path, name));
                        } else {
                            out.push((path, Some(last)));
                        }
                        return out;
                    }
                }
            }
            Some(Tok::Punct('*')) => {
                *i += 1;
                out.push((path, None));
                return out;
            }
            Some(Tok::Punct('{')) => {
                *i += 1;
                loop {
                    match toks.get(*i).map(|t| &t.0) {
                        Some(Tok::Punct('}')) => {
                            *i += 1;
                            return out;
                        }
                        Some(Tok::Punct(',')) => *i += 1,
                        None => return out,
                        _ => out.extend(use_tree(toks, i, &path)),
                    }
                }
            }
            _ => return out,
        }
    }
}

/// Which crate a file belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Krate {
    Lib,
    Bin,
}

type Abs = (Krate, Vec<String>);

/// What one file says.
#[derive(Debug, Default)]
struct Parsed {
    /// Paths it names, already absolute, with their lines.
    paths: Vec<(Abs, usize)>,
    /// Names its top-level `use`s bind → absolute path.
    imports: BTreeMap<String, Abs>,
    /// Its glob imports.
    globs: Vec<Abs>,
    /// Items it defines.
    defines: BTreeSet<String>,
    /// Statics: name, line, whether their type holds mutable state.
    statics: Vec<(String, usize, bool)>,
}

struct Tree {
    root: PathBuf,
    /// File (relative to the package root) → crate and module path.
    files: BTreeMap<String, Abs>,
    /// Crate and module path → file.
    modules: BTreeMap<Abs, String>,
    parsed: BTreeMap<String, Parsed>,
}

impl Tree {
    fn load(root: &Path) -> Tree {
        let mut all = Vec::new();
        walk(&root.join("src"), &mut all);
        let rel = |p: &Path| {
            p.strip_prefix(root)
                .unwrap_or(p)
                .to_string_lossy()
                .replace('\\', "/")
        };
        let main_src = std::fs::read_to_string(root.join("src/main.rs")).unwrap_or_default();
        let bin_mods: BTreeSet<String> = tokens(&strip(&main_src))
            .windows(3)
            .filter_map(|w| match (&w[0].0, &w[1].0, &w[2].0) {
                (Tok::Ident(m), Tok::Ident(n), Tok::Punct(';')) if m == "mod" => Some(n.clone()),
                _ => None,
            })
            .collect();
        let mut files = BTreeMap::new();
        for p in &all {
            let r = rel(p);
            let inner = r.trim_start_matches("src/").trim_end_matches(".rs");
            let mut segs: Vec<String> = inner.split('/').map(str::to_string).collect();
            if segs.last().is_some_and(|s| s == "mod") {
                segs.pop();
            }
            let (krate, segs) = if r == "src/main.rs" {
                (Krate::Bin, Vec::new())
            } else if r == "src/lib.rs" {
                (Krate::Lib, Vec::new())
            } else if segs.first().is_some_and(|s| bin_mods.contains(s)) {
                (Krate::Bin, segs)
            } else {
                (Krate::Lib, segs)
            };
            files.insert(r, (krate, segs));
        }
        let modules = files.iter().map(|(f, a)| (a.clone(), f.clone())).collect();
        let mut tree = Tree {
            root: root.to_path_buf(),
            files,
            modules,
            parsed: BTreeMap::new(),
        };
        let names: Vec<String> = tree.files.keys().cloned().collect();
        for f in names {
            let src = std::fs::read_to_string(tree.root.join(&f)).unwrap_or_default();
            let parsed = tree.parse(&f, &src);
            tree.parsed.insert(f, parsed);
        }
        tree
    }

    /// A path as written in `module` (the file's module plus the inline modules around it)
    /// made absolute; `None` for paths into other crates.
    fn absolute(
        &self,
        krate: Krate,
        module: &[String],
        inline: usize,
        path: &[String],
    ) -> Option<Abs> {
        let first = path.first()?;
        let mut base: Vec<String>;
        let mut rest = &path[1..];
        let krate = match first.as_str() {
            "crate" => {
                base = Vec::new();
                krate
            }
            "contract_harness" => {
                base = Vec::new();
                Krate::Lib
            }
            "self" => {
                base = module.to_vec();
                krate
            }
            "super" => {
                base = module.to_vec();
                base.pop();
                while rest.first().is_some_and(|s| s == "super") {
                    base.pop();
                    rest = &rest[1..];
                }
                krate
            }
            child if inline == 0 => {
                let mut m = module.to_vec();
                m.push(child.to_string());
                if !self.modules.contains_key(&(krate, m.clone())) {
                    return None;
                }
                base = module.to_vec();
                rest = path;
                krate
            }
            _ => return None,
        };
        base.extend(rest.iter().cloned());
        Some((krate, base))
    }

    fn parse(&self, file: &str, src: &str) -> Parsed {
        let (krate, file_module) = self.files[file].clone();
        let toks = tokens(&strip(src));
        let mut p = Parsed::default();
        let mut depth = 0usize;
        // Inline modules open: (name, brace depth inside them).
        let mut inline: Vec<(String, usize)> = Vec::new();
        let mut pending_mod: Option<String> = None;
        let module = |inline: &[(String, usize)]| {
            let mut m = file_module.clone();
            m.extend(inline.iter().map(|(n, _)| n.clone()));
            m
        };
        let mut i = 0;
        while i < toks.len() {
            let (tok, line) = (&toks[i].0, toks[i].1);
            match tok {
                Tok::Punct('{') => {
                    depth += 1;
                    if let Some(name) = pending_mod.take() {
                        inline.push((name, depth));
                    }
                    i += 1;
                }
                Tok::Punct('}') => {
                    if inline.last().is_some_and(|(_, d)| *d == depth) {
                        inline.pop();
                    }
                    depth = depth.saturating_sub(1);
                    i += 1;
                }
                Tok::Punct(';') => {
                    pending_mod = None;
                    i += 1;
                }
                Tok::Ident(kw) if kw == "use" => {
                    i += 1;
                    let here = module(&inline);
                    for (path, name) in use_tree(&toks, &mut i, &[]) {
                        let Some(abs) = self.absolute(krate, &here, inline.len(), &path) else {
                            continue;
                        };
                        if inline.is_empty() {
                            match name {
                                Some(n) if n != "_" => {
                                    p.imports.insert(n, abs.clone());
                                }
                                Some(_) => {}
                                None => p.globs.push(abs.clone()),
                            }
                        }
                        p.paths.push((abs, line));
                    }
                }
                Tok::Ident(kw)
                    if matches!(
                        kw.as_str(),
                        "fn" | "struct"
                            | "enum"
                            | "type"
                            | "trait"
                            | "const"
                            | "static"
                            | "mod"
                            | "union"
                    ) =>
                {
                    let kw = kw.clone();
                    i += 1;
                    if kw == "static"
                        && toks.get(i).map(|t| &t.0) == Some(&Tok::Ident("mut".into()))
                    {
                        i += 1;
                        if let Some((Tok::Ident(n), _)) = toks.get(i) {
                            p.statics.push((n.clone(), line, true));
                        }
                        continue;
                    }
                    if let Some((Tok::Ident(n), _)) = toks.get(i) {
                        p.defines.insert(n.clone());
                        if kw == "mod" {
                            pending_mod = Some(n.clone());
                        }
                        if kw == "static" {
                            let mut j = i + 1;
                            let mut mutable = false;
                            while let Some((t, _)) = toks.get(j) {
                                match t {
                                    Tok::Punct('=') | Tok::Punct(';') => break,
                                    Tok::Ident(ty) => {
                                        mutable |= INTERIOR.contains(&ty.as_str())
                                            || ty.starts_with("Atomic");
                                    }
                                    _ => {}
                                }
                                j += 1;
                            }
                            p.statics.push((n.clone(), line, mutable));
                        }
                    }
                }
                Tok::Ident(kw) if kw == "thread_local" => {
                    p.statics.push(("thread_local!".into(), line, true));
                    i += 1;
                }
                Tok::Ident(first)
                    if matches!(
                        first.as_str(),
                        "crate" | "super" | "self" | "contract_harness"
                    ) && toks.get(i + 1).map(|t| &t.0) == Some(&Tok::Path)
                        && !(i > 0 && toks[i - 1].0 == Tok::Path) =>
                {
                    let mut path = vec![first.clone()];
                    i += 1;
                    while toks.get(i).map(|t| &t.0) == Some(&Tok::Path) {
                        match toks.get(i + 1) {
                            Some((Tok::Ident(s), _)) => {
                                path.push(s.clone());
                                i += 2;
                            }
                            _ => break,
                        }
                    }
                    if let Some(abs) = self.absolute(krate, &module(&inline), inline.len(), &path) {
                        p.paths.push((abs, line));
                    }
                }
                _ => i += 1,
            }
        }
        p
    }

    /// The file that defines what an absolute path names, through re-exports and globs.
    fn resolve(&self, abs: &Abs, hops: usize) -> Option<String> {
        let (krate, segs) = abs;
        let mut module: Vec<String> = Vec::new();
        let mut file = self.modules.get(&(*krate, module.clone()))?.clone();
        for (i, seg) in segs.iter().enumerate() {
            if seg == "*" || seg == "self" {
                break;
            }
            let mut m = module.clone();
            m.push(seg.clone());
            if let Some(f) = self.modules.get(&(*krate, m.clone())) {
                module = m;
                file = f.clone();
                continue;
            }
            let parsed = self.parsed.get(&file)?;
            if hops > 16 || parsed.defines.contains(seg) {
                return Some(file);
            }
            let further = |to: &Abs| {
                let mut next = to.1.clone();
                next.extend(segs[i + 1..].iter().cloned());
                self.resolve(&(to.0, next), hops + 1)
            };
            if let Some(to) = parsed.imports.get(seg) {
                return further(to).or(Some(file));
            }
            for glob in &parsed.globs {
                let Some(g) = self.resolve(glob, hops + 1) else {
                    continue;
                };
                let Some(gp) = self.parsed.get(&g) else {
                    continue;
                };
                if gp.defines.contains(seg) || gp.imports.contains_key(seg) {
                    let mut next = glob.1.clone();
                    next.extend(segs[i..].iter().cloned());
                    return self.resolve(&(glob.0, next), hops + 1);
                }
            }
            return Some(file);
        }
        Some(file)
    }

    /// Edges between files: from → to → the first line of `from` that names `to`.
    fn edges(&self) -> BTreeMap<String, BTreeMap<String, usize>> {
        let mut out: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
        for (file, parsed) in &self.parsed {
            let entry = out.entry(file.clone()).or_default();
            for (abs, line) in &parsed.paths {
                if let Some(to) = self.resolve(abs, 0)
                    && to != *file
                {
                    entry.entry(to).or_insert(*line);
                }
            }
        }
        out
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// A cycle in the graph, as the files in order (the first repeated at the end).
fn find_cycle(edges: &BTreeMap<String, BTreeMap<String, usize>>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        n: &str,
        edges: &BTreeMap<String, BTreeMap<String, usize>>,
        marks: &mut BTreeMap<String, Mark>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match marks.get(n) {
            Some(Mark::Done) => return None,
            Some(Mark::Open) => {
                let from = stack.iter().position(|s| s == n).unwrap_or(0);
                let mut cycle = stack[from..].to_vec();
                cycle.push(n.to_string());
                return Some(cycle);
            }
            None => {}
        }
        marks.insert(n.to_string(), Mark::Open);
        stack.push(n.to_string());
        for to in edges.get(n).into_iter().flat_map(BTreeMap::keys) {
            if let Some(c) = visit(to, edges, marks, stack) {
                return Some(c);
            }
        }
        stack.pop();
        marks.insert(n.to_string(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for n in edges.keys() {
        if let Some(c) = visit(n, edges, &mut marks, &mut Vec::new()) {
            return Some(c);
        }
    }
    None
}

/// Groups of two or more files that all reach each other.
fn components(edges: &BTreeMap<String, BTreeMap<String, usize>>) -> Vec<Vec<String>> {
    let reach = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.to_string()];
        while let Some(n) = todo.pop() {
            for to in edges.get(&n).into_iter().flat_map(BTreeMap::keys) {
                if seen.insert(to.clone()) {
                    todo.push(to.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&String, BTreeSet<String>> =
        edges.keys().map(|n| (n, reach(n))).collect();
    let mut groups: BTreeSet<Vec<String>> = BTreeSet::new();
    for (n, r) in &reaches {
        let group: Vec<String> = r
            .iter()
            .filter(|m| reaches.get(m).is_some_and(|back| back.contains(*n)))
            .cloned()
            .collect();
        if group.len() > 1 {
            groups.insert(group);
        }
    }
    groups.into_iter().collect()
}

fn tree() -> Tree {
    Tree::load(Path::new(env!("CARGO_MANIFEST_DIR")))
}

fn in_mock(file: &str) -> bool {
    file.starts_with("src/mock/")
}

/// The checking side's violations of "imports nothing from the mock".
fn mock_violations(tree: &Tree) -> Vec<String> {
    let edges = tree.edges();
    let mut out = Vec::new();
    for (from, tos) in &edges {
        if in_mock(from)
            || matches!(
                from.as_str(),
                "src/cli/mod.rs" | "src/mutants.rs" | "src/lib.rs"
            )
            || MOCK_ALLOWED.iter().any(|(f, _)| f == from)
        {
            continue;
        }
        for (to, line) in tos {
            if in_mock(to) {
                out.push(format!("{from}:{line} refers to the mock ({to})"));
            }
        }
    }
    out
}

fn render_cycle(cycle: &[String], edges: &BTreeMap<String, BTreeMap<String, usize>>) -> String {
    let mut text = cycle.first().cloned().unwrap_or_default();
    for pair in cycle.windows(2) {
        let line = edges
            .get(&pair[0])
            .and_then(|t| t.get(&pair[1]))
            .copied()
            .unwrap_or(0);
        text.push_str(&format!(" → (line {line}) {}", pair[1]));
    }
    text
}

#[test]
fn the_checking_side_imports_nothing_from_the_mock() {
    let tree = tree();
    let violations = mock_violations(&tree);
    assert!(
        violations.is_empty(),
        "the checking side must not depend on src/mock/ (only the crate root's API, src/cli/mod.rs, src/mutants.rs and \
         src/mock/ itself may; an embedded target is handed in through exec::embedded):\n  {}",
        violations.join("\n  ")
    );
}

#[test]
fn no_two_files_import_each_other_in_a_circle() {
    let tree = tree();
    let edges = tree.edges();
    let components = components(&edges);
    if let Some(cycle) = find_cycle(&edges) {
        let groups: Vec<String> = components.iter().map(|c| c.join(", ")).collect();
        panic!(
            "import cycle between files (each arrow: the line that names the next file):\n  {}\n\
             files that reach each other:\n  {}",
            render_cycle(&cycle, &edges),
            groups.join("\n  ")
        );
    }
}

#[test]
fn no_static_holds_mutable_state_outside_the_mock_unless_allowed() {
    let tree = tree();
    let mut found = Vec::new();
    let mut seen = BTreeSet::new();
    for (file, parsed) in &tree.parsed {
        for (name, line, mutable) in &parsed.statics {
            if !mutable || in_mock(file) {
                continue;
            }
            seen.insert((file.clone(), name.clone()));
            if !STATIC_ALLOWED
                .iter()
                .any(|(f, n, _)| f == file && n == name)
            {
                found.push(format!("{file}:{line} static {name}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "process-global mutable state outside src/mock/ (pass it as a value, or add it to \
         STATIC_ALLOWED in tests/architecture.rs with the reason it must be global):\n  {}",
        found.join("\n  ")
    );
    let stale: Vec<String> = STATIC_ALLOWED
        .iter()
        .filter(|(f, n, _)| !seen.contains(&((*f).to_string(), (*n).to_string())))
        .map(|(f, n, why)| format!("{f} {n} ({why})"))
        .collect();
    assert!(
        stale.is_empty(),
        "STATIC_ALLOWED names statics that are gone; remove them from the list:\n  {}",
        stale.join("\n  ")
    );
}

#[test]
fn no_type_is_deserialized_untagged() {
    let tree = tree();
    let mut found = Vec::new();
    for file in tree.files.keys() {
        let src =
            std::fs::read_to_string(tree.root.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let toks = tokens(&strip(&src));
        // Comments and strings are blanked: an `untagged` left is the attribute's.
        for (t, line) in &toks {
            if *t == Tok::Ident("untagged".into()) {
                found.push(format!("{file}:{line}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "#[serde(untagged)] reports \"data did not match any variant\" and names no alternative: \
         write the Deserialize by hand (see src/contract/either.rs):\n  {}",
        found.join("\n  ")
    );
}

/// Where a vendor may be named in `src/`: its hand-written mock and its signer. Elsewhere
/// (outside unit tests) the code knows auth schemes, signers by name and specs, never a vendor.
const VENDOR_ALLOWED: &[&str] = &["src/mock/vendor/", "src/exec/auth/signer/"];

/// The signer's name is data (`signer: enos_apim`): the files that name the signer enum.
const SIGNER_NAME_ALLOWED: &[&str] = &["src/contract/auth.rs"];

#[test]
fn no_vendor_is_named_outside_its_mock_and_its_signer() {
    let tree = tree();
    let mut found = Vec::new();
    for file in tree.files.keys() {
        if VENDOR_ALLOWED.iter().any(|a| file.starts_with(a)) {
            continue;
        }
        let src =
            std::fs::read_to_string(tree.root.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        // Unit tests may load the shipped specs by name.
        let code = src.split("#[cfg(test)]").next().unwrap_or_default();
        for (i, line) in code.lines().enumerate() {
            let lower = line.to_lowercase();
            let signer_only = SIGNER_NAME_ALLOWED.contains(&file.as_str())
                && !lower.contains("oneaccess")
                && !lower.contains("dataarts")
                && !lower.contains("huawei");
            let named = ["oneaccess", "dataarts", "huawei", "enos"].iter().any(|v| {
                lower.match_indices(v).any(|(at, _)| {
                    let before = lower[..at].chars().next_back();
                    !before.is_some_and(char::is_alphabetic)
                })
            });
            if named && !signer_only {
                found.push(format!("{file}:{}: {}", i + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "vendor names outside src/mock/vendor/ and the signer module:\n  {}",
        found.join("\n  ")
    );
}

#[test]
fn the_graph_sees_the_imports_it_must_see() {
    // The checks above are only as good as the parse: known edges of each form must appear.
    let tree = tree();
    let edges = tree.edges();
    let has = |from: &str, to: &str| edges.get(from).is_some_and(|t| t.contains_key(to));
    // `use super::x::Y`
    assert!(has("src/exec/run.rs", "src/exec/call.rs"));
    // `use crate::x::{y, z}` through a glob re-export (`pub use model::*`)
    assert!(
        has("src/exec/run.rs", "src/contract/model.rs")
            || has("src/exec/run.rs", "src/contract/mod.rs")
    );
    // `crate::x::y` in code
    assert!(has("src/mutants.rs", "src/mock/embedded.rs"));
    // `contract_harness::` from the binary, and the command line's own `mod review;`
    assert!(has("src/main.rs", "src/cli/mod.rs"));
    assert!(has("src/cli/mod.rs", "src/harness.rs"));
    assert!(has("src/cli/review.rs", "src/report/snapshot_review.rs"));
    // The mock's side of the inversion.
    assert!(has("src/mock/embedded.rs", "src/exec/embedded.rs"));
    assert!(tree.files.len() > 80, "{} files", tree.files.len());
}

#[test]
fn the_parser_reads_use_trees_and_blanks_literals_and_comments() {
    let src = "use crate::a::{b, c::{self, D as E}, f::*};\n\
               // use crate::hidden;\n\
               const S: &str = \"crate::in_string::X\";\n\
               const R: &str = r#\"crate::raw\"#;\n\
               fn g<'a>(x: &'a str) -> char { let _ = '\"'; crate::z::w(x) }\n\
               static M: Mutex<u8> = Mutex::new(0);\n\
               mod tests { use super::*; }\n";
    let toks = tokens(&strip(src));
    let mut i = 1;
    let tree = use_tree(&toks, &mut i, &[]);
    let s = |v: &[&str]| v.iter().map(|x| (*x).to_string()).collect::<Vec<_>>();
    assert_eq!(
        tree,
        vec![
            (s(&["crate", "a", "b"]), Some("b".into())),
            (s(&["crate", "a", "c"]), Some("c".into())),
            (s(&["crate", "a", "c", "D"]), Some("E".into())),
            (s(&["crate", "a", "f"]), None),
        ]
    );
    let stripped = strip(src);
    assert!(
        !stripped.contains("hidden")
            && !stripped.contains("in_string")
            && !stripped.contains("raw")
    );
    assert!(stripped.contains("crate::z::w(x)"), "{stripped}");
    assert_eq!(stripped.lines().count(), src.lines().count());
    let mut files = BTreeMap::new();
    files.insert("src/lib.rs".to_string(), (Krate::Lib, Vec::new()));
    files.insert("src/x.rs".to_string(), (Krate::Lib, vec!["x".to_string()]));
    let t = Tree {
        root: PathBuf::new(),
        modules: files.iter().map(|(f, a)| (a.clone(), f.clone())).collect(),
        files,
        parsed: BTreeMap::new(),
    };
    let p = t.parse("src/x.rs", src);
    assert_eq!(p.statics, vec![("M".to_string(), 6, true)]);
    assert!(
        p.paths
            .iter()
            .any(|((_, segs), line)| segs == &s(&["z", "w"]) && *line == 5)
    );
    // `use super::*` in the inline `mod tests` names the file itself.
    assert!(
        p.paths
            .iter()
            .any(|((_, segs), line)| segs == &s(&["x"]) && *line == 7)
    );
    let mut cyclic = BTreeMap::new();
    cyclic.insert("a".to_string(), BTreeMap::from([("b".to_string(), 3)]));
    cyclic.insert("b".to_string(), BTreeMap::from([("a".to_string(), 9)]));
    let cycle = find_cycle(&cyclic).expect("a cycle");
    assert_eq!(render_cycle(&cycle, &cyclic), "a → (line 3) b → (line 9) a");
}

/// The library's API is the crate root's: every module but the command line is declared
/// through `modules!` (private without the `internals` feature the tests enable).
#[test]
fn only_the_command_line_is_a_public_module() {
    let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs"))
        .expect("src/lib.rs");
    let public: Vec<&str> = lib
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("pub mod ") || l.starts_with("pub(crate) mod "))
        .filter(|l| !l.contains("$name"))
        .collect();
    assert_eq!(
        public,
        ["pub mod cli;"],
        "modules declared outside modules!"
    );
    assert!(lib.contains("#[cfg(not(feature = \"internals\"))]\n        mod $name;"));
}
