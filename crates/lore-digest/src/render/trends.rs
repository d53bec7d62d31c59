//! A trends table (see [`crate::trends`]) in each format: a text table,
//! a Markdown table, an HTML page of inline SVG line charts and a table,
//! and JSON, one row per period.

use std::fmt::Write as _;
use std::io::Write;
use std::sync::LazyLock;

use minijinja::value::{Serde, Value};
use minijinja::{AutoEscape, Environment};
use serde::Serialize;

use super::days_text;
use super::html::{Tick, round};
use crate::contract::VersionedTrends;
use crate::trends::{TrendRow, Trends};

const MARKDOWN: &str = include_str!("templates/trends.md.j2");
const HTML: &str = include_str!("templates/trends.html.j2");

/// `61%`, or `-` for none.
fn share_text(share: Option<f64>) -> String {
    share.map_or_else(|| "-".into(), |s| format!("{:.0}%", s * 100.0))
}

/// `Microsoft 1200, Red Hat 300`: a row's first `top` organizations.
fn organizations_text(row: &TrendRow, top: usize) -> String {
    let names: Vec<String> = row
        .organizations
        .iter()
        .take(top)
        .map(|o| format!("{} {}", o.name, o.count))
        .collect();
    names.join(", ")
}

/// `linux-hyperv trends by year, mail from 2019-01-02 to 2026-07-20`.
fn title(trends: &Trends) -> String {
    let day = |t: &str| t.get(..10).unwrap_or(t).to_string();
    format!(
        "{} trends by {}, mail from {} to {}",
        trends.list,
        trends.by.name(),
        day(&trends.first_mail),
        day(&trends.last_mail)
    )
}

/// The text table, with each row's first `top` organizations.
pub fn text(trends: &Trends, top: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", title(trends));
    let _ = writeln!(out);
    let width = trends
        .rows
        .iter()
        .map(|r| r.period.len())
        .max()
        .unwrap_or(6)
        .max(6);
    let _ = writeln!(
        out,
        "{:width$}  messages  series  patches  applied  reviews  days to review  cross-org  top organizations",
        "period"
    );
    for r in &trends.rows {
        let line = format!(
            "{:width$}  {:8}  {:6}  {:7}  {:7}  {:7}  {:>14}  {:>9}  {}",
            r.period,
            r.messages,
            r.series,
            r.patches,
            r.applied,
            r.reviews,
            days_text(r.median_days_to_first_review),
            share_text(r.cross_organization_share),
            organizations_text(r, top)
        );
        // A period without mail names no organization.
        let _ = writeln!(out, "{}", line.trim_end());
    }
    for warning in &trends.warnings {
        let _ = writeln!(out, "\nwarning: {warning}");
    }
    out
}

/// JSON, one row per period, after the `format_version`.
pub fn write_json(trends: &Trends, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &VersionedTrends::new(trends))?;
    out.write_all(b"\n")
}

/// What the templates show of a row beyond the model's fields.
#[derive(Serialize)]
struct RowText {
    days: String,
    share: String,
    organizations: String,
}

fn row_texts(trends: &Trends, top: usize) -> Vec<RowText> {
    let rows = trends.rows.iter();
    rows.map(|r| RowText {
        days: days_text(r.median_days_to_first_review),
        share: share_text(r.cross_organization_share),
        organizations: organizations_text(r, top),
    })
    .collect()
}

/// The Markdown table.
pub fn markdown(trends: &Trends, top: usize) -> String {
    let context = minijinja::context! {
        t => Value::from(Serde(trends)),
        title => title(trends),
        texts => Value::from(Serde(row_texts(trends, top))),
    };
    super::render_template("Markdown", &MARKDOWN_ENVIRONMENT, "trends.md", context)
}

/// The HTML page: a line chart per figure, one of the top organizations,
/// then the table.
pub fn html(trends: &Trends, top: usize) -> String {
    let context = minijinja::context! {
        t => Value::from(Serde(trends)),
        title => title(trends),
        texts => Value::from(Serde(row_texts(trends, top))),
        charts => Value::from(Serde(charts(trends, top))),
    };
    super::render_template("HTML", &HTML_ENVIRONMENT, "trends.html", context)
}

static MARKDOWN_ENVIRONMENT: LazyLock<Result<Environment<'static>, String>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.add_filter("md", |s: &str| super::markdown::escape(s));
    super::with_template(env, "trends.md", MARKDOWN)
});

static HTML_ENVIRONMENT: LazyLock<Result<Environment<'static>, String>> = LazyLock::new(|| {
    let mut env = Environment::new();
    // As the report's page: everything escaped, nothing marked safe.
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    super::with_template(env, "trends.html", HTML)
});

/// A line chart, ready to draw: a path per line, a dot per value.
#[derive(Debug, Serialize)]
struct LineChart {
    id: String,
    title: String,
    width: u32,
    height: u32,
    left: u32,
    top: u32,
    plot_width: u32,
    plot_height: u32,
    lines: Vec<Line>,
    y_ticks: Vec<Tick>,
    x_labels: Vec<Tick>,
}

#[derive(Debug, Serialize)]
struct Line {
    /// Its colour: `line-0` …
    class: String,
    label: String,
    /// SVG path data; a period without a value breaks the line.
    path: String,
    points: Vec<Point>,
}

#[derive(Debug, Serialize)]
struct Point {
    x: f64,
    y: f64,
    tooltip: String,
}

const WIDTH: u32 = 960;
const HEIGHT: u32 = 220;
const LEFT: u32 = 52;
const RIGHT: u32 = 12;
const TOP: u32 = 12;
const BOTTOM: u32 = 28;
const X_LABELS: usize = 10;
/// Lines in the organizations chart.
const ORGANIZATION_LINES: usize = 5;

/// The charts of the page: mails and patches, series and applied patches,
/// reviews, days to first review, the cross-organization share, and the
/// organizations with the most mail over the whole window.
fn charts(trends: &Trends, top: usize) -> Vec<LineChart> {
    let count = |f: fn(&TrendRow) -> usize| -> Vec<Option<f64>> {
        trends.rows.iter().map(|r| Some(f(r) as f64)).collect()
    };
    let mut charts = vec![
        chart(
            trends,
            "chart-trend-messages",
            "Mails and patches",
            vec![
                ("mails".into(), count(|r| r.messages)),
                ("patches".into(), count(|r| r.patches)),
            ],
            Scale::Count,
        ),
        chart(
            trends,
            "chart-trend-series",
            "Series posted and patches applied",
            vec![
                ("series".into(), count(|r| r.series)),
                ("applied patches".into(), count(|r| r.applied)),
            ],
            Scale::Count,
        ),
        chart(
            trends,
            "chart-trend-reviews",
            "Reviews given (Reviewed/Acked/Tested-by)",
            vec![("reviews".into(), count(|r| r.reviews))],
            Scale::Count,
        ),
        chart(
            trends,
            "chart-trend-review-days",
            "Median days to first review",
            vec![(
                "days".into(),
                trends
                    .rows
                    .iter()
                    .map(|r| r.median_days_to_first_review)
                    .collect(),
            )],
            Scale::Days,
        ),
        chart(
            trends,
            "chart-trend-cross-organization",
            "Reviews given to another organization's patches",
            vec![(
                "share".into(),
                trends
                    .rows
                    .iter()
                    .map(|r| r.cross_organization_share)
                    .collect(),
            )],
            Scale::Share,
        ),
    ];
    let mut totals: std::collections::HashMap<&str, usize> = Default::default();
    for row in &trends.rows {
        for o in &row.organizations {
            *totals.entry(o.name.as_str()).or_default() += o.count;
        }
    }
    let mut leaders: Vec<(&str, usize)> = totals.into_iter().collect();
    leaders.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let lines = leaders
        .iter()
        .take(ORGANIZATION_LINES.min(top.max(1)))
        .map(|(name, _)| {
            let values = trends
                .rows
                .iter()
                .map(|r| {
                    let found = r.organizations.iter().find(|o| o.name == *name);
                    Some(found.map_or(0, |o| o.count) as f64)
                })
                .collect();
            (name.to_string(), values)
        })
        .collect();
    charts.push(chart(
        trends,
        "chart-trend-organizations",
        "Mails of the organizations with the most",
        lines,
        Scale::Count,
    ));
    charts
}

/// What a chart's y axis measures.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scale {
    Count,
    Days,
    /// 0 to 1, shown as a percentage.
    Share,
}

fn chart(
    trends: &Trends,
    id: &str,
    title: &str,
    lines: Vec<(String, Vec<Option<f64>>)>,
    scale: Scale,
) -> LineChart {
    let plot_width = WIDTH - LEFT - RIGHT;
    let plot_height = HEIGHT - TOP - BOTTOM;
    let n = trends.rows.len().max(1);
    let slot = f64::from(plot_width) / n as f64;
    let x_of = |i: usize| f64::from(LEFT) + (i as f64 + 0.5) * slot;
    let (axis_max, step) = match scale {
        Scale::Share => (1.0, 0.25),
        Scale::Count | Scale::Days => {
            let max = lines
                .iter()
                .flat_map(|(_, v)| v.iter().flatten())
                .fold(0.0f64, |m, v| m.max(*v))
                .ceil();
            // Saturating: absurd figures still give a chart.
            let max = if max.is_finite() && max < 1e15 {
                max as usize
            } else {
                1
            };
            let step = super::html::tick_step(max.max(1));
            (
                max.max(1).div_ceil(step).saturating_mul(step) as f64,
                step as f64,
            )
        }
    };
    let bottom = f64::from(TOP + plot_height);
    let y_of = |v: f64| round(bottom - v / axis_max * f64::from(plot_height));
    let value_text = |v: f64| match scale {
        Scale::Count => format!("{v:.0}"),
        Scale::Days => days_text(Some(v)),
        Scale::Share => format!("{:.0}%", v * 100.0),
    };
    let lines = lines
        .into_iter()
        .enumerate()
        .map(|(k, (label, values))| {
            let mut path = String::new();
            let mut points = Vec::new();
            let mut drawing = false;
            for (i, value) in values.iter().enumerate() {
                let Some(v) = value.filter(|v| v.is_finite()) else {
                    drawing = false;
                    continue;
                };
                let (x, y) = (round(x_of(i)), y_of(v));
                let _ = write!(path, "{}{x} {y} ", if drawing { "L" } else { "M" });
                drawing = true;
                let period = trends.rows.get(i).map_or("", |r| r.period.as_str());
                points.push(Point {
                    x,
                    y,
                    tooltip: format!("{period}: {label} {}", value_text(v)),
                });
            }
            Line {
                class: format!("line-{}", k % 6),
                label,
                path: path.trim_end().to_string(),
                points,
            }
        })
        .collect();
    let ticks = (axis_max / step).round() as usize;
    let y_ticks = (0..=ticks)
        .map(|k| {
            let v = k as f64 * step;
            Tick {
                at: y_of(v),
                label: value_text(v),
            }
        })
        .collect();
    let every = trends.rows.len().div_ceil(X_LABELS).max(1);
    let x_labels = trends
        .rows
        .iter()
        .enumerate()
        .step_by(every)
        .map(|(i, r)| Tick {
            at: round(x_of(i)),
            label: r.period.clone(),
        })
        .collect();
    LineChart {
        id: id.to_string(),
        title: title.to_string(),
        width: WIDTH,
        height: HEIGHT,
        left: LEFT,
        top: TOP,
        plot_width,
        plot_height,
        lines,
        y_ticks,
        x_labels,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::OrganizationCount;
    use crate::trends::Period;

    fn row(period: &str, messages: usize, share: Option<f64>) -> TrendRow {
        TrendRow {
            period: period.into(),
            start: format!("{period}-01-01"),
            end: format!("{period}-12-31"),
            messages,
            series: 1,
            patches: 2,
            applied: 0,
            reviews: 3,
            median_days_to_first_review: Some(1.5),
            reviews_with_organizations: 2,
            cross_organization_reviews: 1,
            cross_organization_share: share,
            organizations: vec![
                OrganizationCount {
                    name: "<b>Evil</b> & Co".into(),
                    count: messages,
                },
                OrganizationCount {
                    name: "Other".into(),
                    count: 1,
                },
            ],
        }
    }

    fn table() -> Trends {
        Trends {
            list: "</title><script>x</script>".into(),
            by: Period::Year,
            first_mail: "2024-03-01T00:00:00Z".into(),
            last_mail: "2026-01-05T00:00:00Z".into(),
            rows: vec![
                row("2024", 10, Some(0.5)),
                row("2025", 0, None),
                row("2026", 4, Some(1.0)),
            ],
            warnings: vec![],
        }
    }

    #[test]
    fn the_text_table_has_a_row_per_period() {
        let text = text(&table(), 1);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "</title><script>x</script> trends by year, mail from 2024-03-01 to 2026-01-05"
        );
        assert!(lines[2].starts_with("period  messages  series"));
        assert_eq!(
            lines[3],
            "2024          10       1        2        0        3             1.5        50%  <b>Evil</b> & Co 10"
        );
        assert!(
            lines[4].contains("         -  <b>Evil</b> & Co 0"),
            "{}",
            lines[4]
        );
        assert_eq!(lines.len(), 6);
    }

    #[test]
    fn a_missing_value_breaks_the_line() {
        let charts = charts(&table(), 5);
        let share = charts
            .iter()
            .find(|c| c.id == "chart-trend-cross-organization")
            .unwrap();
        let path = &share.lines[0].path;
        assert_eq!(path.matches('M').count(), 2, "{path}");
        assert!(!path.contains('L'));
        assert_eq!(share.lines[0].points.len(), 2);
        assert_eq!(share.lines[0].points[1].tooltip, "2026: share 100%");
        let labels: Vec<&str> = share.y_ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["0%", "25%", "50%", "75%", "100%"]);
        let messages = &charts[0];
        assert_eq!(messages.lines[0].path.matches('L').count(), 2);
        let organizations = charts.last().unwrap();
        assert_eq!(organizations.lines.len(), 2);
        assert_eq!(organizations.lines[0].label, "<b>Evil</b> & Co");
    }

    #[test]
    fn the_page_escapes_names_and_loads_nothing() {
        let page = html(&table(), 3);
        assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
        for raw in ["<script", "<b>", "</title><script"] {
            assert!(!page.contains(raw), "{raw} not escaped");
        }
        assert!(page.contains("Content-Security-Policy"));
        for id in [
            "chart-trend-messages",
            "chart-trend-cross-organization",
            "chart-trend-organizations",
        ] {
            assert!(page.contains(&format!("id=\"{id}\"")), "{id}");
        }
        let md = markdown(&table(), 3);
        assert!(md.contains("| 2024 | 10 | 1 | 2 | 0 | 3 | 1.5 | 50% | &lt;b&gt;Evil&lt;/b&gt; &amp; Co 10, Other 1 |"), "{md}");
    }
}
