//! Renderers: a [`crate::report::Report`] in, a document out (text, JSON,
//! Markdown, HTML). Renderers never read mail; everything they show is in the
//! report.

pub mod html;
pub mod json;
pub mod markdown;
pub mod text;

use crate::report::PatchesMissing;

/// How many patches a series has, as every format words it: `6 patches`,
/// or, when only some are in the selection, why: `1 of 16 patches on this
/// list` (a series cross-posted patch by patch), `1 of 12 patches rerolled`
/// (a partial reroll) or `2 of 3 patches in this period` (a series that
/// started before the selection).
fn patch_count(patches_here: usize, total: Option<u32>, missing: Option<PatchesMissing>) -> String {
    let plural = |n: u64| if n == 1 { "patch" } else { "patches" };
    match (total.map(u64::from), missing) {
        (Some(total), Some(missing)) => {
            let why = match missing {
                PatchesMissing::NotOnList => "on this list",
                PatchesMissing::BeforeSelection => "in this period",
                PatchesMissing::Rerolled => "rerolled",
            };
            format!("{patches_here} of {total} {} {why}", plural(total))
        }
        (Some(total), None) => format!("{total} {}", plural(total)),
        (None, _) => format!("{patches_here} {}", plural(patches_here as u64)),
    }
}

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
pub(crate) fn render_template(
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
pub(crate) fn with_template(
    mut env: minijinja::Environment<'static>,
    name: &'static str,
    source: &'static str,
) -> Result<minijinja::Environment<'static>, String> {
    env.add_template(name, source)
        .map_err(|e| format!("{e:#}"))?;
    Ok(env)
}

#[cfg(test)]
mod tests {
    #[test]
    fn patch_counts_say_why_only_some_patches_are_here() {
        use super::{PatchesMissing, patch_count};
        assert_eq!(patch_count(6, Some(6), None), "6 patches");
        assert_eq!(patch_count(1, Some(1), None), "1 patch");
        assert_eq!(patch_count(1, None, None), "1 patch");
        assert_eq!(
            patch_count(1, Some(16), Some(PatchesMissing::NotOnList)),
            "1 of 16 patches on this list"
        );
        assert_eq!(
            patch_count(1, Some(12), Some(PatchesMissing::Rerolled)),
            "1 of 12 patches rerolled"
        );
        assert_eq!(
            patch_count(2, Some(3), Some(PatchesMissing::BeforeSelection)),
            "2 of 3 patches in this period"
        );
    }
}
