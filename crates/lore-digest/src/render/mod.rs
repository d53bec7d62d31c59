//! Renderers: a [`crate::report::Report`] in, a document out (text, JSON,
//! Markdown, HTML). Renderers never read mail; everything they show is in the
//! report.

pub mod html;
pub mod json;
pub mod markdown;
pub mod text;

/// A string attribute of a template value (`""` when missing): for the
/// template filters of the Markdown and HTML renderers.
fn attr_text(value: &minijinja::Value, attr: &str) -> String {
    value
        .get_attr(attr)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}
