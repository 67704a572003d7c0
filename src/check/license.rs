//! What licenses each assertion: for every rule a [`super::Failure`] can carry, the spec
//! fields it is derived from and the kind of page sentence behind them. A rule with no entry
//! here is an invented promise; the tests below keep the table and the checks in step.

/// One rule and what licenses it.
#[derive(Debug, Clone, Copy)]
pub struct License {
    /// The rule name a failure carries.
    pub rule: &'static str,
    /// Spec fields it is derived from (`operation:` or `service:` file, dotted path, `[]` for
    /// list items, `*` for map values).
    pub fields: &'static [&'static str],
    /// The page sentence behind those fields.
    pub page: &'static str,
}

/// Every rule the suite can assert.
pub const LICENSES: &[License] = &[
    License {
        rule: "status_code",
        fields: &["operation:success.status", "operation:errors[].status"],
        page: "the status of the page's success and error examples and its error-code table (a 4xx where an error has no status: the table's errors are client errors)",
    },
    License {
        rule: "content_type",
        fields: &["operation:success.content_type"],
        page: "a Content-Type header shown in the page's success example",
    },
    License {
        rule: "response_schema",
        fields: &[
            "operation:success.body",
            "service:errors.schema",
            "operation:error_examples[].body",
        ],
        page: "the return-parameter table and examples; the error examples' fields (the code and message fields, or an envelope's code)",
    },
    License {
        rule: "success_fields",
        fields: &["operation:success.case.fields"],
        page: "a sentence fixing a success value (\"false indicates that removal of the user failed\", an example's is_success true), or a return parameter named like a request value (an account_id or org_id the request sent)",
    },
    License {
        rule: "envelope",
        fields: &["service:errors.success_code"],
        page: "an envelope page's return sample: its success code with the documented data is the success",
    },
    License {
        rule: "error_code",
        fields: &["operation:errors[].code"],
        page: "the error-code table's code column",
    },
    License {
        rule: "error_message",
        fields: &["operation:errors[].message"],
        page: "the error-code table's message column, as sent ({0}: the page's placeholder)",
    },
    License {
        rule: "error_shape",
        fields: &[
            "operation:error_examples[].body",
            "operation:errors[].triggers[].not_provokable",
        ],
        page: "the page's example of an error no client can provoke (DAYU.3531)",
    },
    License {
        rule: "auth_refused",
        fields: &[
            "service:auth.scheme",
            "operation:permissions",
            "service:credentials.*.grants",
        ],
        page: "the permission section (\"you need to set interface permissions\", \"must be granted\") and the mandatory credential header; the refusal's status and body are recorded only",
    },
    License {
        rule: "never_success",
        fields: &[
            "operation:errors[].triggers[].unknown",
            "operation:errors[].triggers[].input",
        ],
        page: "an error documented for a value that names nothing (\"does not exist\", \"not found\") or is empty (\"cannot be empty\")",
    },
    License {
        rule: "documented_response",
        fields: &[
            "operation:success.status",
            "operation:errors[].status",
            "service:errors.carrier",
        ],
        page: "the statuses the page documents, or the envelope",
    },
    License {
        rule: "not_a_server_error",
        fields: &[
            "operation:request",
            "operation:errors[].triggers[].not_provokable",
        ],
        page: "a 5xx is the server's own failure, never the answer to a client's request",
    },
    License {
        rule: "flaky",
        fields: &["operation:request"],
        page: "none of its own: a violation of another rule was seen once and did not recur",
    },
];

/// The license of a rule.
pub fn license(rule: &str) -> Option<&'static License> {
    LICENSES.iter().find(|l| l.rule == rule)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// Rule names in a source text: the first string literal after each `Failure::new(`.
    fn rules_in(source: &str) -> Vec<String> {
        source
            .split("Failure::new(")
            .skip(1)
            .filter_map(|rest| {
                let start = rest.find('"')?;
                let end = rest[start + 1..].find('"')?;
                Some(rest[start + 1..start + 1 + end].to_string())
            })
            .collect()
    }

    #[test]
    fn every_rule_the_suite_can_assert_has_a_license() {
        let sources = [
            include_str!("content_type.rs"),
            include_str!("envelope.rs"),
            include_str!("error_code.rs"),
            include_str!("error_message.rs"),
            include_str!("expectation.rs"),
            include_str!("response_schema.rs"),
            include_str!("server_error.rs"),
            include_str!("status_code.rs"),
            include_str!("../exec/run.rs"),
            include_str!("../exec/property.rs"),
        ];
        let rules: Vec<String> = sources.iter().flat_map(|s| rules_in(s)).collect();
        assert!(rules.len() >= 12, "{rules:?}");
        for rule in &rules {
            assert!(license(rule).is_some(), "rule `{rule}` has no license");
        }
        for l in LICENSES {
            assert!(
                rules.contains(&l.rule.to_string()),
                "{} is never asserted",
                l.rule
            );
        }
    }

    fn resolve<'a>(root: &'a Value, mut node: &'a Value) -> &'a Value {
        while let Some(r) = node.get("$ref").and_then(Value::as_str) {
            let Some(name) = r.strip_prefix("#/$defs/") else {
                break;
            };
            node = &root["$defs"][name];
        }
        node
    }

    fn field_exists(root: &Value, path: &str) -> bool {
        let mut nodes = vec![root];
        for seg in path.split('.') {
            let (name, items) = match seg.strip_suffix("[]") {
                Some(n) => (n, true),
                None => (seg, false),
            };
            let mut next = Vec::new();
            for n in nodes {
                let n = resolve(root, n);
                let mut alternatives = vec![n];
                if let Some(alts) = n.get("oneOf").and_then(Value::as_array) {
                    alternatives.extend(alts.iter().map(|a| resolve(root, a)));
                }
                for alt in alternatives {
                    let child = if name == "*" {
                        alt.get("additionalProperties")
                    } else {
                        alt.get("properties").and_then(|p| p.get(name))
                    };
                    if let Some(c) = child {
                        let c = resolve(root, c);
                        next.push(if items { resolve(root, &c["items"]) } else { c });
                    }
                }
            }
            if next.is_empty() {
                return false;
            }
            nodes = next;
        }
        true
    }

    #[test]
    fn every_license_names_fields_of_the_spec_format() {
        let read = |name: &str| -> Value {
            let text = std::fs::read_to_string(format!("schema/{name}.schema.json"))
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
        };
        let (operation, service) = (read("operation"), read("service"));
        for l in LICENSES {
            assert!(!l.fields.is_empty() && !l.page.is_empty(), "{}", l.rule);
            for f in l.fields {
                let (file, path) = f.split_once(':').expect("file:path");
                let root = match file {
                    "operation" => &operation,
                    "service" => &service,
                    other => panic!("unknown spec file {other}"),
                };
                assert!(field_exists(root, path), "{}: no field {f}", l.rule);
            }
        }
        assert!(!field_exists(&operation, "success.no_such_field"));
    }
}
