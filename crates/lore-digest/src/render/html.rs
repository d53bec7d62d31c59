//! The HTML format: one self-contained page with inline SVG charts.
//!
//! Everything is rendered by a minijinja template with HTML auto-escaping,
//! so mail text reaches the page only as escaped text. Rust computes what a
//! template is bad at (chart geometry, the timeline's buckets, revision
//! labels) and passes it as plain numbers and strings, which are escaped
//! like everything else. The page loads nothing and runs no script, and its
//! Content-Security-Policy forbids both, should an escape ever be missed.

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

use jiff::ToSpan;
use jiff::civil::Date;
use minijinja::value::{Serde, Value};
use minijinja::{AutoEscape, Environment};
use serde::Serialize;

use super::attr_text;
use crate::report::{ContributorCount, DayCount, DomainCount, OrganizationCount, Report, Series};

use super::text::{diffstat_line, revision_label};

const TEMPLATE: &str = include_str!("templates/report.html.j2");

/// Renders the HTML report, cutting top lists and charts to `top`.
pub fn render(report: &Arc<Report>, top: usize) -> String {
    super::render_template("HTML", &ENVIRONMENT, "report.html", context(report, top))
}

/// [`render`] to `out`, written as it is rendered (see
/// [`super::write_template`]).
pub fn write(
    report: &Arc<Report>,
    top: usize,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    super::write_template(
        "HTML",
        &ENVIRONMENT,
        "report.html",
        context(report, top),
        out,
    )
}

/// What the template is given: the report (see [`super::lazy`]), and what
/// Rust computes for it.
fn context(report: &Arc<Report>, top: usize) -> Value {
    let series: Vec<SeriesInfo> = report.series.iter().map(SeriesInfo::new).collect();
    minijinja::context! {
        r => super::lazy::LazyReport::value(report),
        top => top,
        lists_line => super::lists_text(report),
        series_info => Value::from(Serde(&series)),
        discussed => super::most_discussed(&report.series),
        domains => Value::from(Serde(domain_chart("chart-domains", &report.domains, top, "mail"))),
        organizations => Value::from(Serde(organization_chart("chart-organizations", &report.organizations, top, "mail"))),
        reviewer_organizations => Value::from(Serde(organization_chart("chart-reviewer-organizations", &report.reviewer_organizations, top, "review"))),
        contributors => Value::from(Serde(people_chart("chart-contributors", &report.contributors, top, "mail"))),
        reviewers => Value::from(Serde(people_chart("chart-reviewers", &report.reviewers, top, "review"))),
        reviewer_domains => Value::from(Serde(domain_chart("chart-reviewer-domains", &report.reviewer_domains, top, "review"))),
        timeline => Value::from(Serde(timeline_chart(&report.timeline))),
        statuses => Value::from(Serde(status_chart(&report.stats.statuses))),
        comparison_heading => report.comparison.as_ref().map(super::comparison_heading),
        comparison_rows => report.comparison.as_ref().map(super::comparison_rows),
    }
}

/// The template and its filters, compiled on first use.
static ENVIRONMENT: LazyLock<Result<Environment<'static>, String>> = LazyLock::new(|| {
    let mut env = Environment::new();
    // Every value is escaped for HTML, attribute values included (quotes
    // are escaped too); nothing is ever marked safe.
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.add_filter("person", person);
    env.add_filter("short", short_name);
    env.add_filter("day", |s: &str| s.get(..10).unwrap_or(s).to_string());
    super::add_status_filters(&mut env);
    super::with_template(env, "report.html", TEMPLATE)
});

/// What the template shows of a series beyond the model's fields.
#[derive(Serialize)]
struct SeriesInfo {
    /// `New`, or `v3 (v2 posted 2025-05-08, 6 days earlier)` as in the text format.
    label: String,
    /// `6 patches`, or `1 of 16 patches on this list`.
    count: String,
    /// git's diffstat summary of the whole series, when it has one.
    diffstat: Option<String>,
    /// Where patch 1 (or the lone patch) is in `patches`: with the cover
    /// letter, what the report quotes.
    first_patch: Option<usize>,
}

impl SeriesInfo {
    fn new(series: &Series) -> SeriesInfo {
        let label = revision_label(series);
        SeriesInfo {
            label: label.strip_suffix(':').unwrap_or(&label).to_string(),
            count: super::patch_count(series.patches_here, series.total, series.patches_missing),
            diffstat: (series.diffstat.files > 0).then(|| diffstat_line(&series.diffstat)),
            first_patch: series
                .patches
                .iter()
                .position(|p| matches!(p.index, None | Some(1))),
        }
    }
}

/// `Name <email>` as plain text (the template escapes it); `(unknown)` for none.
fn person(value: Value) -> String {
    if value.is_none() || value.is_undefined() {
        return "(unknown)".into();
    }
    crate::mail::Person {
        name: attr_text(&value, "name"),
        email: attr_text(&value, "email"),
    }
    .display()
}

/// The name, or the address when there is no name.
fn short_name(value: Value) -> String {
    let name = attr_text(&value, "name");
    if name.is_empty() {
        attr_text(&value, "email")
    } else {
        name
    }
}

/// `1 mail`, `2 mails`, `2 patches`.
fn plural(n: usize, one: &str) -> String {
    let s = if one.ends_with("ch") { "es" } else { "s" };
    format!("{n} {one}{}", if n == 1 { "" } else { s })
}

/// Rounds chart coordinates so the page stays small and stable.
pub(super) fn round(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Labels longer than this are cut in the bar charts (the tooltip keeps
/// them whole), so the label column stays one width.
const LABEL_CHARS: usize = 30;

fn cut(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        return label.to_string();
    }
    let mut cut: String = label.chars().take(LABEL_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// A horizontal bar chart: one row per entry, label left, count right.
#[derive(Debug, Serialize)]
struct BarChart {
    id: &'static str,
    width: u32,
    height: u32,
    /// Where labels end and bars begin.
    bar_x: u32,
    rows: Vec<BarRow>,
}

#[derive(Debug, Serialize)]
struct BarRow {
    label: String,
    tooltip: String,
    count: usize,
    /// Top of the row.
    y: u32,
    width: f64,
}

const BAR_CHART_WIDTH: u32 = 560;
const BAR_LABEL_WIDTH: u32 = 240;
const BAR_MAX_WIDTH: f64 = 270.0;
const BAR_ROW: u32 = 24;

fn bar_chart(id: &'static str, entries: Vec<(String, String, usize)>) -> BarChart {
    let max = entries.iter().map(|e| e.2).max().unwrap_or(0).max(1) as f64;
    let rows = entries
        .into_iter()
        .enumerate()
        .map(|(i, (label, tooltip, count))| BarRow {
            label: cut(&label),
            tooltip,
            count,
            y: i as u32 * BAR_ROW,
            // A bar of at least one unit, so a count of 1 among hundreds shows.
            width: round((count as f64 / max * BAR_MAX_WIDTH).max(1.0)),
        })
        .collect::<Vec<_>>();
    BarChart {
        id,
        width: BAR_CHART_WIDTH,
        height: rows.len() as u32 * BAR_ROW,
        bar_x: BAR_LABEL_WIDTH,
        rows,
    }
}

/// Series per status, in the order of [`SeriesStatus::ALL`], the statuses
/// no series has left out.
fn status_chart(counts: &crate::report::StatusCounts) -> BarChart {
    let rows = crate::status::SeriesStatus::ALL
        .into_iter()
        .filter(|&s| counts.get(s) > 0)
        .map(|s| {
            let n = counts.get(s);
            let tooltip = format!("{n} series {}", s.label());
            (s.label().to_string(), tooltip, n)
        })
        .collect();
    bar_chart("chart-status", rows)
}

fn domain_chart(id: &'static str, rows: &[DomainCount], top: usize, unit: &str) -> BarChart {
    let entries = rows
        .iter()
        .take(top)
        .map(|d| {
            let tooltip = format!("{}: {}", d.domain, plural(d.count, unit));
            (d.domain.clone(), tooltip, d.count)
        })
        .collect();
    bar_chart(id, entries)
}

fn organization_chart(
    id: &'static str,
    rows: &[OrganizationCount],
    top: usize,
    unit: &str,
) -> BarChart {
    let entries = rows
        .iter()
        .take(top)
        .map(|o| {
            let tooltip = format!("{}: {}", o.name, plural(o.count, unit));
            (o.name.clone(), tooltip, o.count)
        })
        .collect();
    bar_chart(id, entries)
}

fn people_chart(id: &'static str, rows: &[ContributorCount], top: usize, unit: &str) -> BarChart {
    let rows = &rows[..top.min(rows.len())];
    let people: Vec<crate::mail::Person> = rows
        .iter()
        .map(|c| crate::mail::Person {
            name: c.name.clone(),
            email: c.email.clone(),
        })
        .collect();
    let entries = people
        .iter()
        .zip(rows)
        .map(|(person, c)| {
            let name = person.short_name();
            // One person under two addresses would show as two equal
            // labels; the domain tells them apart.
            let shared = people.iter().filter(|p| p.short_name() == name).count() > 1;
            let label = match person.email.rsplit_once('@') {
                Some((_, domain)) if shared => format!("{name} ({domain})"),
                _ => name.to_string(),
            };
            let tooltip = format!("{}: {}", person.display(), plural(c.count, unit));
            (label, tooltip, c.count)
        })
        .collect();
    bar_chart(id, entries)
}

/// How the timeline groups days into bars.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unit {
    Day,
    /// Weeks starting on Monday.
    Week,
    /// Calendar months.
    Month,
}

/// Up to this many days, one bar per day.
const DAILY_MAX_DAYS: i32 = 120;
/// Up to this many days (three years), one bar per week; beyond, per month.
const WEEKLY_MAX_DAYS: i32 = 3 * 365 + 1;

/// One bar of the timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Bucket {
    start: Date,
    messages: usize,
    patches: usize,
}

/// Groups the timeline's days into bars: per day for a span up to 120
/// days, per week up to three years, per month beyond. The model leaves
/// out days without mail; here every bucket of the span is present, empty
/// ones with zero. Days that do not parse as dates are left out.
fn buckets(days: &[DayCount]) -> (Unit, Vec<Bucket>) {
    let parsed: Vec<(Date, &DayCount)> = days
        .iter()
        .filter_map(|d| d.day.parse::<Date>().ok().map(|date| (date, d)))
        .collect();
    let (Some(first), Some(last)) = (
        parsed.iter().map(|p| p.0).min(),
        parsed.iter().map(|p| p.0).max(),
    ) else {
        return (Unit::Day, Vec::new());
    };
    let days_between = |a: Date, b: Date| a.until(b).map_or(0, |s| s.get_days());
    let span = days_between(first, last) + 1;
    let unit = if span <= DAILY_MAX_DAYS {
        Unit::Day
    } else if span <= WEEKLY_MAX_DAYS {
        Unit::Week
    } else {
        Unit::Month
    };
    let start_of = |d: Date| match unit {
        Unit::Day => d,
        Unit::Week => d
            .checked_sub(i64::from(d.weekday().to_monday_zero_offset()).days())
            .unwrap_or(d),
        Unit::Month => d.first_of_month(),
    };
    let mut totals: BTreeMap<Date, (usize, usize)> = BTreeMap::new();
    for (date, count) in &parsed {
        let total = totals.entry(start_of(*date)).or_default();
        // Saturating: a model with absurd counts still renders.
        total.0 = total.0.saturating_add(count.messages);
        total.1 = total.1.saturating_add(count.patches);
    }
    let step = match unit {
        Unit::Day => 1.day(),
        Unit::Week => 1.week(),
        Unit::Month => 1.month(),
    };
    let mut out = Vec::new();
    let mut start = Some(start_of(first));
    while let Some(s) = start.filter(|s| *s <= last) {
        let (messages, patches) = totals.get(&s).copied().unwrap_or_default();
        out.push(Bucket {
            start: s,
            messages,
            patches,
        });
        start = s.checked_add(step).ok();
    }
    (unit, out)
}

/// The timeline chart, ready to draw.
#[derive(Debug, Serialize)]
struct TimelineChart {
    width: u32,
    height: u32,
    left: u32,
    top: u32,
    plot_width: u32,
    plot_height: u32,
    /// `day`, `week` or `month`: what one bar stands for.
    unit: &'static str,
    bars: Vec<TimelineBar>,
    y_ticks: Vec<Tick>,
    x_labels: Vec<Tick>,
}

#[derive(Debug, Serialize)]
struct TimelineBar {
    x: f64,
    /// The whole slot, for the tooltip's hover area.
    slot_x: f64,
    slot_width: f64,
    width: f64,
    messages_y: f64,
    messages_height: f64,
    patches_y: f64,
    patches_height: f64,
    tooltip: String,
}

#[derive(Debug, Serialize)]
pub(super) struct Tick {
    /// The x or y position, by axis.
    pub(super) at: f64,
    pub(super) label: String,
}

const TIMELINE_WIDTH: u32 = 960;
const TIMELINE_HEIGHT: u32 = 240;
const TIMELINE_LEFT: u32 = 48;
const TIMELINE_RIGHT: u32 = 12;
const TIMELINE_TOP: u32 = 12;
const TIMELINE_BOTTOM: u32 = 28;
/// About this many dates fit under the x axis without crowding.
const TIMELINE_X_LABELS: usize = 8;

/// A step of 1, 2 or 5 times a power of ten that divides `max` into at
/// most four intervals.
pub(super) fn tick_step(max: usize) -> usize {
    let mut magnitude = 1usize;
    loop {
        for factor in [1, 2, 5] {
            let step = factor * magnitude;
            if step.saturating_mul(4) >= max {
                return step;
            }
        }
        magnitude = magnitude.saturating_mul(10);
    }
}

fn timeline_chart(days: &[DayCount]) -> Option<TimelineChart> {
    let (unit, buckets) = buckets(days);
    if buckets.is_empty() {
        return None;
    }
    let plot_width = TIMELINE_WIDTH - TIMELINE_LEFT - TIMELINE_RIGHT;
    let plot_height = TIMELINE_HEIGHT - TIMELINE_TOP - TIMELINE_BOTTOM;
    let max = buckets.iter().map(|b| b.messages).max().unwrap_or(0).max(1);
    let step = tick_step(max);
    let axis_max = max.div_ceil(step).saturating_mul(step);
    let scale = f64::from(plot_height) / axis_max as f64;
    let bottom = f64::from(TIMELINE_TOP + plot_height);
    let slot = f64::from(plot_width) / buckets.len() as f64;
    // A gap between bars while they are wide enough to afford one; a few
    // days in a wide chart stay bars, not blocks.
    let bar = if slot >= 4.0 {
        (slot * 0.8).min(36.0)
    } else {
        slot
    };
    let label = |b: &Bucket| match unit {
        Unit::Month => b.start.strftime("%Y-%m").to_string(),
        Unit::Day | Unit::Week => b.start.to_string(),
    };
    let bars = buckets
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let x = f64::from(TIMELINE_LEFT) + i as f64 * slot;
            let when = match unit {
                Unit::Day => label(b),
                Unit::Week => format!("week of {}", label(b)),
                Unit::Month => label(b),
            };
            TimelineBar {
                x: round(x + (slot - bar) / 2.0),
                slot_x: round(x),
                slot_width: round(slot),
                width: round(bar),
                messages_y: round(bottom - b.messages as f64 * scale),
                messages_height: round(b.messages as f64 * scale),
                patches_y: round(bottom - b.patches as f64 * scale),
                patches_height: round(b.patches as f64 * scale),
                tooltip: format!(
                    "{when}: {}, {}",
                    plural(b.messages, "mail"),
                    plural(b.patches, "patch")
                ),
            }
        })
        .collect();
    let y_ticks = (0..=axis_max / step)
        .map(|k| Tick {
            at: round(bottom - (k * step) as f64 * scale),
            label: (k * step).to_string(),
        })
        .collect();
    let every = buckets.len().div_ceil(TIMELINE_X_LABELS).max(1);
    let x_labels = buckets
        .iter()
        .enumerate()
        .step_by(every)
        .map(|(i, b)| Tick {
            at: round(f64::from(TIMELINE_LEFT) + (i as f64 + 0.5) * slot),
            label: label(b),
        })
        .collect();
    Some(TimelineChart {
        width: TIMELINE_WIDTH,
        height: TIMELINE_HEIGHT,
        left: TIMELINE_LEFT,
        top: TIMELINE_TOP,
        plot_width,
        plot_height,
        unit: match unit {
            Unit::Day => "day",
            Unit::Week => "week",
            Unit::Month => "month",
        },
        bars,
        y_ticks,
        x_labels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by replaying the `render` fuzz corpus with overflow checks
    /// (fuzz/regressions/render/): counts near `usize::MAX` overflowed the
    /// sums per bar and the rounding up of the axis (a panic in debug
    /// builds, garbage in release ones).
    #[test]
    fn absurd_counts_do_not_overflow_the_timeline() {
        let days = [
            day("2025-05-05", usize::MAX, usize::MAX),
            day("2025-05-05", usize::MAX, 1),
            day("2025-07-30", 1, 0),
        ];
        assert!(timeline_chart(&days).is_some());
        assert!(timeline_chart(&[day("2025-05-05", usize::MAX - 1, 0)]).is_some());
    }

    fn day(day: &str, messages: usize, patches: usize) -> DayCount {
        DayCount {
            day: day.into(),
            messages,
            patches,
        }
    }

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn short_spans_get_a_bar_per_day_with_gaps_filled() {
        let (unit, b) = buckets(&[day("2025-05-01", 3, 1), day("2025-05-04", 2, 2)]);
        assert_eq!(unit, Unit::Day);
        let counts: Vec<(usize, usize)> = b.iter().map(|b| (b.messages, b.patches)).collect();
        assert_eq!(counts, [(3, 1), (0, 0), (0, 0), (2, 2)]);
        assert_eq!(b[1].start, date("2025-05-02"));
    }

    #[test]
    fn a_span_of_120_days_is_daily_and_121_weekly() {
        // 2025-01-01 + 119 days = 2025-04-30: 120 days inclusive.
        let (unit, b) = buckets(&[day("2025-01-01", 1, 0), day("2025-04-30", 1, 0)]);
        assert_eq!((unit, b.len()), (Unit::Day, 120));
        let (unit, b) = buckets(&[day("2025-01-01", 1, 0), day("2025-05-01", 4, 1)]);
        assert_eq!(unit, Unit::Week);
        // 2025-01-01 is a Wednesday: the first week starts Monday 2024-12-30.
        assert_eq!(b[0].start, date("2024-12-30"));
        assert!(
            b.windows(2)
                .all(|w| w[0].start.until(w[1].start).unwrap().get_days() == 7)
        );
        let last = b.last().unwrap();
        assert_eq!(last.start, date("2025-04-28"));
        assert_eq!((last.messages, last.patches), (4, 1));
    }

    #[test]
    fn weeks_sum_their_days() {
        let (unit, b) = buckets(&[
            day("2025-01-06", 1, 1), // Monday
            day("2025-01-12", 2, 0), // Sunday, same week
            day("2025-01-13", 4, 0), // next Monday
            day("2025-06-01", 1, 0),
        ]);
        assert_eq!(unit, Unit::Week);
        assert_eq!((b[0].messages, b[0].patches), (3, 1));
        assert_eq!(b[1].messages, 4);
        assert_eq!(b.iter().map(|b| b.messages).sum::<usize>(), 8);
    }

    #[test]
    fn more_than_three_years_is_monthly() {
        // 2022-01-01 to 2024-12-31: 1096 days, three years with a leap day.
        let (unit, b) = buckets(&[day("2022-01-01", 1, 0), day("2024-12-31", 1, 0)]);
        assert_eq!(unit, Unit::Week);
        let (unit, b2) = buckets(&[
            day("2021-12-31", 5, 1),
            day("2022-01-15", 1, 0),
            day("2025-01-02", 2, 2),
        ]);
        assert_eq!(unit, Unit::Month);
        assert_eq!(b2[0].start, date("2021-12-01"));
        assert_eq!(b2[1].start, date("2022-01-01"));
        assert_eq!(b2.len(), 38);
        assert_eq!((b2[37].messages, b2[37].patches), (2, 2));
        assert!(b.len() > 150);
    }

    #[test]
    fn unparsable_days_are_left_out() {
        let (_, b) = buckets(&[day("not a day", 9, 9), day("2025-05-01", 1, 0)]);
        assert_eq!(b.len(), 1);
        assert!(buckets(&[]).1.is_empty());
        assert!(timeline_chart(&[]).is_none());
    }

    #[test]
    fn one_name_under_two_addresses_is_told_apart_by_domain() {
        let row = |name: &str, email: &str, count| ContributorCount {
            name: name.into(),
            email: email.into(),
            count,
        };
        let rows = [
            row("Michael Kelley", "mk@outlook.com", 3),
            row("Ann", "ann@a.org", 2),
            row("Michael Kelley", "mk@ms.com", 1),
        ];
        let chart = people_chart("c", &rows, 15, "mail");
        let labels: Vec<&str> = chart.rows.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "Michael Kelley (outlook.com)",
                "Ann",
                "Michael Kelley (ms.com)"
            ]
        );
        assert_eq!(chart.rows[1].tooltip, "Ann <ann@a.org>: 2 mails");
        assert_eq!(people_chart("c", &rows, 1, "mail").rows.len(), 1);
    }

    #[test]
    fn the_timeline_axis_has_round_ticks() {
        assert_eq!(tick_step(1), 1);
        assert_eq!(tick_step(7), 2);
        assert_eq!(tick_step(13), 5);
        assert_eq!(tick_step(300), 100);
        let chart = timeline_chart(&[day("2025-05-01", 13, 4), day("2025-05-03", 2, 0)]).unwrap();
        let labels: Vec<&str> = chart.y_ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["0", "5", "10", "15"]);
        assert_eq!(chart.bars.len(), 3);
        assert_eq!(chart.bars[1].tooltip, "2025-05-02: 0 mails, 0 patches");
        assert_eq!(chart.bars[0].tooltip, "2025-05-01: 13 mails, 4 patches");
    }

    fn hostile_report() -> Report {
        let evil = crate::mail::Person {
            name: "\"><img src=x onerror=alert(1)>".into(),
            email: "evil@x.org".into(),
        };
        let patch = crate::report::PatchMail {
            index: None,
            subject: "[PATCH] <script>alert(1)</script> & </title></style>".into(),
            title: "<script>alert(1)</script> & </title></style>".into(),
            author: Some(evil.clone()),
            sender: Some(evil.clone()),
            message_id: Some("evil@x.org".into()),
            url: Some("https://lore.example/l/evil@x.org/\"onmouseover=\"x".into()),
            commit: "0".repeat(40),
            arrived: "2025-05-01T00:00:00Z".into(),
            commit_message: "<b>body</b> ]]> '\n".into(),
            diffstat: None,
            applied: None,
            sections: vec!["<i>SECTION</i>".into()],
            missed_cc: vec!["<i>SECTION</i>".into()],
            files: vec!["<b>drivers/evil.c</b>".into()],
        };
        let patch_ref = crate::report::PatchRef {
            subject: patch.subject.clone(),
            author: Some(evil.clone()),
            message_id: patch.message_id.clone(),
            url: patch.url.clone(),
            arrived: patch.arrived.clone(),
        };
        let reason = crate::status::StatusReason {
            kind: "free-text".into(),
            by: Some(evil.clone()),
            date: Some("2025-05-02T00:00:00Z".into()),
            message_id: Some("n@x".into()),
            url: Some("https://lore.example/l/n@x/\"onclick=\"x".into()),
            text: "Applied to <u>next</u>".into(),
        };
        Report {
            list: "</title><script>alert(1)</script>".into(),
            from: "a".into(),
            to: "b".into(),
            from_commit: "a".into(),
            to_commit: "b".into(),
            lists: vec![crate::report::ListPart {
                name: "<b>list</b>".into(),
                messages: 1,
                cross_posted: 1,
                from: "<a>".into(),
                to: "<b>".into(),
                from_commit: "a".into(),
                to_commit: "b".into(),
            }],
            stats: Default::default(),
            comparison: None,
            domains: vec![DomainCount {
                domain: "<svg onload=alert(1)>".into(),
                count: 1,
            }],
            contributors: vec![ContributorCount {
                name: evil.name.clone(),
                email: evil.email.clone(),
                count: 1,
            }],
            reviewers: vec![],
            reviewer_domains: vec![],
            organizations: vec![],
            reviewer_organizations: vec![],
            subsystems: vec![],
            sections: Some(vec![crate::report::SectionCount {
                name: "<i>SECTION</i>".into(),
                status: Some("<em>Maintained</em>".into()),
                maintainers: vec![evil.clone()],
                reviewers: vec![evil.clone()],
                lists: vec!["<i>list</i>".into()],
                series: 1,
                patches: 1,
                unreviewed_patches: 1,
                applied_patches: 0,
            }]),
            unreviewed_by_section: vec![crate::report::SectionQueue {
                name: "<i>SECTION</i>".into(),
                maintainers: vec![evil.clone()],
                reviewers: vec![evil.clone()],
                patches: vec![patch_ref.clone()],
            }],
            missed_cc: vec![crate::report::MissedCc {
                patch: patch_ref,
                sections: vec!["<i>SECTION</i>".into()],
            }],
            watch: Some(crate::report::WatchSummary {
                description: "who \"<script>alert(1)</script>\"".into(),
                sections: vec![],
                who: vec!["<script>alert(1)</script>".into()],
                orgs: vec![],
                files: vec![],
                series: 1,
                patches: 1,
                unreviewed_patches: 1,
                applied_patches: 0,
            }),
            your_series: vec![crate::report::YourSeries {
                title: "<em>yours</em>".into(),
                prefixes: vec!["<b>net</b>".into()],
                version: 1,
                versions: vec![1],
                author: Some(evil.clone()),
                message_id: Some("evil@x.org".into()),
                url: Some("https://lore.example/l/y/\"onclick=\"x".into()),
                why: vec![crate::report::WatchReason::Author],
                reviews: 0,
                status: crate::status::SeriesStatus::New,
                days_since_activity: 0,
            }],
            timeline: vec![day("2025-05-01", 1, 1)],
            newest_message_ids: vec![],
            applied: vec![],
            awaiting_review: vec![],
            changes_requested: vec![],
            nacked: vec![crate::report::StatusEntry {
                title: "<em>nak</em>".into(),
                version: 1,
                author: None,
                message_id: None,
                url: None,
                in_selection: false,
                status: crate::status::SeriesStatus::Nacked,
                reason: Some(reason.clone()),
                patches_applied: None,
                commits: vec![],
                tree: None,
                branch: None,
                total: None,
                days_waiting: None,
            }],
            series: vec![Series {
                title: patch.title.clone(),
                version: 1,
                version_minor: None,
                total: None,
                patches_here: 1,
                patches_missing: None,
                rfc: false,
                resend: false,
                prefixes: vec![],
                author: Some(evil.clone()),
                sender: Some(evil),
                first_seen: patch.arrived.clone(),
                message_id: patch.message_id.clone(),
                url: patch.url.clone(),
                subsystem: Some("<i>".into()),
                sections: vec!["<i>SECTION</i>".into()],
                lists: vec!["<b>list</b>".into(), "<i>other</i>".into()],
                cover: None,
                patches: vec![patch],
                starts_in_window: true,
                replies: 0,
                participants: vec![],
                last_activity: "2025-05-01T00:00:00Z".into(),
                trailers: vec![],
                reviews: vec![],
                diffstat: Default::default(),
                unreviewed_patches: 1,
                changelog: Some("</pre><script>x</script>".into()),
                change_id: None,
                earlier_versions: vec![],
                superseded_by: None,
                status: crate::status::SeriesStatus::Nacked,
                status_reason: Some(reason),
                days_to_first_reply: None,
                days_to_first_review: None,
            }],
            pull_requests: vec![],
            bug_reports: vec![],
            discussions: vec![],
            earlier_series: vec![],
            warnings: vec!["<script>warn</script>".into()],
        }
    }

    #[test]
    fn mail_text_is_escaped_everywhere() {
        let html = render(&Arc::new(hostile_report()), 15);
        assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
        for raw in [
            "<script",
            "<img",
            "<svg onload",
            "<b>",
            "<i>",
            "<u>",
            "<em>",
            "\"onclick",
            "</title><script",
            "</style><",
            "\"onmouseover",
            "</pre><script",
        ] {
            assert!(!html.contains(raw), "{raw} not escaped:\n{html}");
        }
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt; &amp; &lt;&#x2f;title&gt;")
        );
        assert!(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
        assert!(html.contains("&lt;b&gt;body&lt;&#x2f;b&gt; ]]&gt; &#x27;"));
        // The watchlist's filter line and "Your series" are shown, escaped.
        assert!(
            html.contains("Filtered to who &quot;&lt;script&gt;"),
            "{html}"
        );
        assert!(html.contains("id=\"your-series\""));
        assert!(html.contains("&lt;em&gt;yours&lt;&#x2f;em&gt;"));
        let title = html
            .split("<title>")
            .nth(1)
            .and_then(|t| t.split("</title>").next());
        assert_eq!(
            title,
            Some(
                "&lt;&#x2f;title&gt;&lt;script&gt;alert(1)&lt;&#x2f;script&gt; mailing list update from a to b"
            )
        );
    }
}
