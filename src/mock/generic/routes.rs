//! Routing: each operation's method and path template (`base_path` prefixed) as segments, and
//! the operation a request's decoded path segments name, with its path values.

use std::collections::BTreeMap;

/// One segment of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// Literal text.
    Literal(String),
    /// `prefix{name}suffix` (most often just `{name}`): a path value.
    Param {
        prefix: String,
        name: String,
        suffix: String,
    },
}

/// One operation's route.
#[derive(Debug, Clone)]
pub struct Route {
    method: String,
    segments: Vec<Segment>,
}

/// What a path matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Matched {
    /// The operation at this index, with its path values.
    Operation(usize, BTreeMap<String, String>),
    /// A path some operation has, with another method (the methods it allows).
    WrongMethod(Vec<String>),
    /// No operation has this path.
    NotFound,
}

impl Route {
    /// The route of `method` `base_path` + `path`.
    pub fn new(method: &str, base_path: &str, path: &str) -> Self {
        let full = format!("{}{}", base_path.trim_end_matches('/'), path);
        let segments = full
            .split('/')
            .skip(1)
            .map(|s| match (s.find('{'), s.rfind('}')) {
                (Some(a), Some(b)) if a < b => Segment::Param {
                    prefix: s[..a].to_string(),
                    name: s[a + 1..b].to_string(),
                    suffix: s[b + 1..].to_string(),
                },
                _ => Segment::Literal(s.to_string()),
            })
            .collect();
        Self {
            method: method.to_ascii_uppercase(),
            segments,
        }
    }

    /// The path values when the decoded segments fit this template.
    fn fit(&self, segs: &[String]) -> Option<BTreeMap<String, String>> {
        if segs.len() != self.segments.len() {
            return None;
        }
        let mut values = BTreeMap::new();
        for (t, s) in self.segments.iter().zip(segs) {
            match t {
                Segment::Literal(l) => {
                    if l != s {
                        return None;
                    }
                }
                Segment::Param {
                    prefix,
                    name,
                    suffix,
                } => {
                    let v = s
                        .strip_prefix(prefix.as_str())?
                        .strip_suffix(suffix.as_str())?;
                    values.insert(name.clone(), v.to_string());
                }
            }
        }
        Some(values)
    }

    /// How many literal segments it has (more literals win over parameters).
    fn literals(&self) -> usize {
        self.segments
            .iter()
            .filter(|s| matches!(s, Segment::Literal(_)))
            .count()
    }
}

/// Finds the operation for a method and decoded path segments (those after the leading `/`).
pub fn find(routes: &[Route], method: &str, segs: &[String]) -> Matched {
    let mut best: Option<(usize, usize, BTreeMap<String, String>)> = None;
    let mut allowed = Vec::new();
    for (i, r) in routes.iter().enumerate() {
        let Some(values) = r.fit(segs) else { continue };
        if !r.method.eq_ignore_ascii_case(method) {
            allowed.push(r.method.clone());
            continue;
        }
        if best.as_ref().is_none_or(|(_, lit, _)| r.literals() > *lit) {
            best = Some((i, r.literals(), values));
        }
    }
    match best {
        Some((i, _, values)) => Matched::Operation(i, values),
        None if !allowed.is_empty() => {
            allowed.sort();
            allowed.dedup();
            Matched::WrongMethod(allowed)
        }
        None => Matched::NotFound,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(p: &str) -> Vec<String> {
        p.split('/').skip(1).map(str::to_string).collect()
    }

    #[test]
    fn templates_match_segments_with_the_base_path() {
        let routes = vec![
            Route::new("DELETE", "/v1", "/pets/{pet_id}"),
            Route::new("get", "/v1", "/pets/{pet_id}"),
            Route::new("GET", "/v1", "/pets/mine"),
            Route::new("GET", "", "/files/{name}.json"),
        ];
        let one = |k: &str, v: &str| BTreeMap::from([(k.to_string(), v.to_string())]);
        assert_eq!(
            find(&routes, "DELETE", &segs("/v1/pets/p-1")),
            Matched::Operation(0, one("pet_id", "p-1"))
        );
        assert_eq!(
            find(&routes, "GET", &segs("/v1/pets/p-1")),
            Matched::Operation(1, one("pet_id", "p-1"))
        );
        assert_eq!(
            find(&routes, "GET", &segs("/v1/pets/mine")),
            Matched::Operation(2, BTreeMap::new()),
            "a literal wins"
        );
        assert_eq!(
            find(&routes, "GET", &segs("/v1/pets/")),
            Matched::Operation(1, one("pet_id", "")),
            "an empty value still routes"
        );
        assert_eq!(
            find(&routes, "GET", &segs("/files/a.json")),
            Matched::Operation(3, one("name", "a"))
        );
        assert_eq!(
            find(&routes, "PUT", &segs("/v1/pets/p-1")),
            Matched::WrongMethod(vec!["DELETE".into(), "GET".into()])
        );
        assert_eq!(
            find(&routes, "GET", &segs("/pets/p-1")),
            Matched::NotFound,
            "the base path is required"
        );
        assert_eq!(
            find(&routes, "GET", &segs("/v1/pets/p-1/x")),
            Matched::NotFound
        );
    }
}
