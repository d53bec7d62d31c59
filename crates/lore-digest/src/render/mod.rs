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

/// Renders template `name` of a format's environment (compiled once per
/// process, since compiling costs more than rendering a small report).
fn render_template(
    format: &str,
    environment: &Result<minijinja::Environment<'static>, String>,
    name: &str,
    context: minijinja::Value,
) -> String {
    let rendered = match environment {
        Ok(env) => env
            .get_template(name)
            .and_then(|t| t.render(context))
            .map_err(|e| format!("{e:#}")),
        Err(e) => Err(e.clone()),
    };
    // The template is part of the program and the model always serializes;
    // an error here is a bug, shown in the output rather than a panic.
    rendered.unwrap_or_else(|e| format!("lore-digest: the {format} template failed: {e}\n"))
}

/// `env` with template `name` added, or why the template does not compile.
fn with_template(
    mut env: minijinja::Environment<'static>,
    name: &'static str,
    source: &'static str,
) -> Result<minijinja::Environment<'static>, String> {
    env.add_template(name, source)
        .map_err(|e| format!("{e:#}"))?;
    Ok(env)
}
