//! The JSON format: the report model as is, every list complete.

use crate::report::Report;

/// Pretty-printed JSON, ending in a newline.
pub fn render(report: &Report) -> String {
    // The model holds only strings, numbers, booleans and options, which
    // serde_json always serializes; the fallback exists only to avoid a panic path.
    let mut out =
        serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}
