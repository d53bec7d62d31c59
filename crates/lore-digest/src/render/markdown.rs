//! The Markdown format: renders on GitHub and GitLab, with tables for the
//! top lists and fenced commit messages. Mail text is escaped so that a
//! subject can neither break a table nor inject HTML.

use std::sync::{Arc, LazyLock};

use minijinja::value::Value;
use minijinja::{Environment, Error};

use super::attr_text;
use crate::report::Report;

const TEMPLATE: &str = include_str!("templates/report.md.j2");

/// Renders the Markdown report, cutting top lists to `top`.
pub fn render(report: &Arc<Report>, top: usize) -> String {
    super::render_template("Markdown", &ENVIRONMENT, "report.md", context(report, top))
}

/// [`render`] to `out`, written as it is rendered (see
/// [`super::write_template`]).
pub fn write(
    report: &Arc<Report>,
    top: usize,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    super::write_template(
        "Markdown",
        &ENVIRONMENT,
        "report.md",
        context(report, top),
        out,
    )
}

/// What the template is given: the report (see [`super::lazy`]), and what
/// Rust computes for it.
fn context(report: &Arc<Report>, top: usize) -> Value {
    let comparison = report.comparison.as_ref();
    minijinja::context! {
        r => super::lazy::LazyReport::value(report),
        top => top,
        lists_line => super::lists_text(report),
        discussed => super::most_discussed(&report.series),
        comparison_heading => comparison.map(super::comparison_heading),
        comparison_rows => comparison.map(super::comparison_rows),
    }
}

/// The template and its filters, compiled on first use.
static ENVIRONMENT: LazyLock<Result<Environment<'static>, String>> = LazyLock::new(|| {
    let mut env = Environment::new();
    // Escaping is done per place by the filters below: Markdown needs
    // different escaping in text, table cells and code blocks.
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env.add_filter("md", |s: &str| escape(s));
    env.add_filter("cell", |s: &str| escape(s));
    env.add_filter("fenced", |s: &str| fenced(s));
    env.add_filter("person", person);
    env.add_filter("version", version);
    env.add_filter("patch_count", patch_count);
    env.add_filter("diffstat", diffstat);
    env.add_filter("all_mails", all_mails);
    env.add_filter("shown_mails", shown_mails);
    super::add_status_filters(&mut env);
    super::with_template(env, "report.md", TEMPLATE)
});

/// Escapes text for Markdown: characters that start formatting get a
/// backslash, `<`, `>` and `&` become entities (so no HTML from mail ever
/// reaches the page), and line breaks become spaces so a table row stays one.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' | '!' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A fenced code block whose fence is longer than any run of backticks in
/// the text, so the text cannot close it.
pub fn fenced(text: &str) -> String {
    let longest_run = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run.max(2) + 1);
    let text = text.trim_end_matches('\n');
    format!("{fence}text\n{text}\n{fence}")
}

/// `Name <email>`, escaped; `(unknown)` for none.
fn person(value: Value) -> String {
    if value.is_none() || value.is_undefined() {
        return "(unknown)".into();
    }
    let (name, email) = (attr_text(&value, "name"), attr_text(&value, "email"));
    match (name.is_empty(), email.is_empty()) {
        (false, false) => format!("{} &lt;{}&gt;", escape(&name), escape(&email)),
        (true, false) => format!("&lt;{}&gt;", escape(&email)),
        _ => escape(&name),
    }
}

fn number(value: &Value, attr: &str) -> Option<u64> {
    value
        .get_attr(attr)
        .ok()
        .and_then(|v| u64::try_from(v).ok())
}

fn version(series: Value) -> String {
    let major = number(&series, "version").unwrap_or(1);
    match number(&series, "version_minor") {
        Some(minor) => format!("v{major}.{minor}"),
        None => format!("v{major}"),
    }
}

/// `2 files changed, 1 insertion(+)`, worded as git words it.
fn diffstat(series: Value) -> String {
    let totals = series.get_attr("diffstat").unwrap_or_default();
    let count = |name: &str| number(&totals, name).unwrap_or(0);
    super::text::diffstat_line(&crate::mail::Diffstat {
        files: count("files"),
        insertions: count("insertions"),
        deletions: count("deletions"),
    })
}

fn patch_count(series: Value) -> String {
    let here = number(&series, "patches_here").unwrap_or(0);
    let total = number(&series, "total").and_then(|t| u32::try_from(t).ok());
    let missing = match series
        .get_attr("patches_missing")
        .ok()
        .as_ref()
        .and_then(|v| v.as_str())
    {
        Some("not_on_list") => Some(super::PatchesMissing::NotOnList),
        Some("before_selection") => Some(super::PatchesMissing::BeforeSelection),
        Some("rerolled") => Some(super::PatchesMissing::Rerolled),
        _ => None,
    };
    super::patch_count(usize::try_from(here).unwrap_or(usize::MAX), total, missing)
}

/// The cover letter of a series, if it is in the selection.
fn cover(series: &Value) -> Option<Value> {
    series
        .get_attr("cover")
        .ok()
        .filter(|c| !c.is_none() && !c.is_undefined())
}

/// The cover letter and every patch of a series.
fn all_mails(series: Value) -> Result<Vec<Value>, Error> {
    let mut mails: Vec<Value> = cover(&series).into_iter().collect();
    mails.extend(series.get_attr("patches")?.try_iter()?);
    Ok(mails)
}

/// The cover letter and patch 1 (or the lone patch): what the report quotes.
fn shown_mails(series: Value) -> Result<Vec<Value>, Error> {
    let mut mails: Vec<Value> = cover(&series).into_iter().collect();
    let first = series.get_attr("patches")?.try_iter()?.find(|p| {
        p.get_attr("index")
            .is_ok_and(|i| i.is_none() || u64::try_from(i).ok() == Some(1))
    });
    mails.extend(first);
    Ok(mails)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mail_text_cannot_inject_html_or_break_tables() {
        assert_eq!(
            escape("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(
            escape("\"><img src=x onerror=alert(1)>"),
            "\"&gt;&lt;img src=x onerror=alert(1)&gt;"
        );
        assert_eq!(escape("a | b\nc"), r"a \| b c");
        assert_eq!(
            escape("**bold** [link](x) `code`"),
            r"\*\*bold\*\* \[link\](x) \`code\`"
        );
    }

    #[test]
    fn fences_outgrow_the_backticks_inside() {
        assert_eq!(fenced("plain\n"), "```text\nplain\n```");
        assert_eq!(fenced("has ``` inside"), "````text\nhas ``` inside\n````");
    }
}
