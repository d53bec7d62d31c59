//! The JSON Schemas `lore-digest schema` prints, as validators (the
//! `jsonschema` crate, draft 2020-12) for what the tests produce.

use serde_json::Value;

/// The schema of `document` (`report`, `export` or `events`), from the
/// binary, checked against the draft 2020-12 meta-schema.
pub fn validator(document: &str) -> jsonschema::Validator {
    let text = super::run_ok(&["schema", document]);
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    assert_eq!(
        schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
        "{document}"
    );
    if let Err(error) = jsonschema::meta::validate(&schema) {
        panic!("the {document} schema is no valid JSON Schema: {error}");
    }
    jsonschema::validator_for(&schema).expect("a validator")
}

/// The validation errors of `instance`, one line each.
pub fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// Asserts that `instance` (named `what` in the message) is valid.
pub fn assert_valid(validator: &jsonschema::Validator, instance: &Value, what: &str) {
    let errors = errors(validator, instance);
    assert!(
        errors.is_empty(),
        "{what} does not match its schema:\n{}",
        errors.join("\n")
    );
}
