//! The state of one instance: the fixture instances still live (a destructive success consumes
//! the one its request names), and which instance a request's values name.

use std::collections::BTreeMap;

use crate::exec::values::Values;

/// Live fixture instances of one service, fresh per instance of the mock.
#[derive(Debug, Clone, Default)]
pub struct State {
    live: BTreeMap<String, Values>,
}

impl State {
    /// Every fixture of the seed, live.
    pub fn new(fixtures: &BTreeMap<String, Values>) -> Self {
        Self {
            live: fixtures.clone(),
        }
    }

    /// The live fixture instance the request's values name: every value both have is equal,
    /// and they have at least one in common (the most in common wins; then the first name).
    pub fn named_by(&self, request: &Values) -> Option<&str> {
        let mut best: Option<(&str, usize)> = None;
        for (name, values) in &self.live {
            let common: Vec<&String> = values.keys().filter(|k| request.contains_key(*k)).collect();
            if common.is_empty() || common.iter().any(|k| values.get(*k) != request.get(*k)) {
                continue;
            }
            if best.is_none_or(|(_, n)| common.len() > n) {
                best = Some((name, common.len()));
            }
        }
        best.map(|(n, _)| n)
    }

    /// Whether some live instance has `value` as its `name`.
    pub fn names_live(&self, name: &str, value: &str) -> bool {
        self.live
            .values()
            .any(|v| v.get(name).map(String::as_str) == Some(value))
    }

    /// Whether a fixture's instance is live.
    pub fn is_live(&self, fixture: &str) -> bool {
        self.live.contains_key(fixture)
    }

    /// A live instance's values.
    pub fn values(&self, fixture: &str) -> Option<&Values> {
        self.live.get(fixture)
    }

    /// Consumes a fixture's instance (its values name nothing afterwards).
    pub fn consume(&mut self, fixture: &str) {
        self.live.remove(fixture);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(pairs: &[(&str, &str)]) -> Values {
        pairs
            .iter()
            .map(|(a, b)| ((*a).to_string(), (*b).to_string()))
            .collect()
    }

    #[test]
    fn requests_name_instances_by_their_values_until_consumed() {
        let mut s = State::new(&BTreeMap::from([
            ("app".to_string(), v(&[("app_id", "a1"), ("acct", "x1")])),
            (
                "wrong_app".to_string(),
                v(&[("app_id", "a1"), ("acct", "x2")]),
            ),
            ("pet".to_string(), v(&[("pet_id", "p1")])),
        ]));
        assert_eq!(s.named_by(&v(&[("pet_id", "p1")])), Some("pet"));
        assert_eq!(
            s.named_by(&v(&[("app_id", "a1"), ("acct", "x2")])),
            Some("wrong_app")
        );
        assert_eq!(s.named_by(&v(&[("pet_id", "p2")])), None);
        assert_eq!(s.named_by(&v(&[("other", "p1")])), None);
        assert!(s.names_live("pet_id", "p1"));
        s.consume("pet");
        assert!(!s.names_live("pet_id", "p1"));
        assert_eq!(s.named_by(&v(&[("pet_id", "p1")])), None);
        assert!(!s.is_live("pet") && s.is_live("app"));
    }
}
