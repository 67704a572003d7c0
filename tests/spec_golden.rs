//! Golden tests of broken specs: each directory under `tests/golden/specs/` holds a spec with
//! one deliberate mistake and `expected.txt`, the exact text `lint` must print for it.
//! `UPDATE_GOLDEN=1 cargo test --test spec_golden` rewrites the expectations.

use std::path::Path;

use contract_harness::contract;

fn golden(name: &str) {
    let dir = Path::new("tests/golden/specs").join(name);
    let actual = match contract::load(&dir) {
        Ok(loaded) => {
            let mut s = String::new();
            for w in &loaded.warnings {
                s.push_str(&w.to_string());
                s.push('\n');
            }
            s.push_str("ok\n");
            s
        }
        Err(e) => format!("{e}\n"),
    };
    let expected_path = dir.join("expected.txt");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&expected_path, &actual).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(&expected_path)
        .unwrap_or_else(|e| panic!("{}: {e}", expected_path.display()));
    assert_eq!(actual, expected, "golden output for {name} changed");
}

#[test]
fn a_trigger_placeholder_that_names_no_fixture_value() {
    golden("trigger_placeholder");
}

#[test]
fn yaml_syntax_error() {
    golden("yaml_syntax");
}

#[test]
fn unknown_field_with_did_you_mean() {
    golden("unknown_field");
}

#[test]
fn missing_required_field() {
    golden("missing_field");
}

#[test]
fn wrong_type() {
    golden("wrong_type");
}

#[test]
fn invalid_json_schema() {
    golden("invalid_json_schema");
}

#[test]
fn example_that_does_not_match_its_schema() {
    golden("example_mismatch");
}

#[test]
fn duplicate_error_code() {
    golden("duplicate_code");
}

#[test]
fn trigger_naming_unknown_fixture() {
    golden("unknown_fixture");
}

#[test]
fn trigger_and_triggers_together() {
    golden("trigger_and_triggers");
}

#[test]
fn an_error_without_a_trigger() {
    golden("missing_trigger");
}

#[test]
fn two_triggers_of_one_error_with_the_same_name() {
    golden("duplicate_trigger");
}

#[test]
fn success_field_naming_no_fixture_value() {
    golden("unknown_field_placeholder");
}

#[test]
fn several_mistakes_are_all_reported() {
    golden("several_mistakes");
}

#[test]
fn a_required_query_parameter_without_a_value_source() {
    golden("query_without_value");
}

#[test]
fn a_path_parameter_not_in_the_template() {
    golden("path_parameter_not_in_template");
}

#[test]
fn a_body_pointer_that_cannot_apply_to_the_success_body() {
    golden("body_pointer_through_a_value");
}

#[test]
fn parameter_mistakes_are_all_reported() {
    golden("parameter_mistakes");
}

#[test]
fn a_spec_with_every_new_format_feature_loads() {
    golden("breadth");
}

#[test]
fn the_valid_base_spec_loads() {
    golden("valid");
}

#[test]
fn shipped_specs_load_with_the_documented_warning() {
    let loaded = contract::load(Path::new("specs")).expect("shipped specs are valid");
    assert_eq!(loaded.specs.operations.len(), 5);
    let pairs: usize = loaded.specs.operations.iter().map(|o| o.errors.len()).sum();
    assert_eq!(
        pairs, 17,
        "the five pages document 17 (operation, error code) pairs"
    );
    assert!(
        loaded
            .warnings
            .iter()
            .any(|w| w.message.contains("\" APP.0006\"") && w.rule == "example-table"),
        "the leading-space APP.0006 example must be flagged: {:?}",
        loaded.warnings
    );
}

#[test]
fn token_request_template_naming_an_undeclared_value() {
    golden("auth_undeclared_value");
}

#[test]
fn token_request_secret_that_is_not_a_value() {
    golden("auth_secret_not_a_value");
}

#[test]
fn oauth2_with_both_token_path_and_token_url() {
    golden("auth_oauth2_both_endpoints");
}

#[test]
fn oauth2_with_neither_token_path_nor_token_url() {
    golden("auth_oauth2_no_endpoint");
}
