//! Renderers: a [`crate::report::Report`] in, a document out (text, JSON,
//! Markdown, HTML). Renderers never read mail; everything they show is in the
//! report.

pub mod html;
pub mod json;
mod lazy;
pub mod markdown;
pub mod text;
pub mod trends;

use crate::report::{
    Change, Comparison, MedianChange, PatchesMissing, Report, StatusCounts, StatusEntry,
    WatchReason,
};
use crate::status::{SeriesStatus, StatusReason};

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

/// A status and its reason as every format words it: `applied to
/// hyperv-next, commit 0123abcd (Wei Liu, 2025-05-02)`, `NAKed: NAK
/// (Greg Kroah-Hartman, 2025-05-03)`, `superseded: v3 posted (2025-05-08)`.
pub(crate) fn status_text(status: SeriesStatus, reason: Option<&StatusReason>) -> String {
    let label = status.label();
    let Some(reason) = reason else {
        return label.to_string();
    };
    let mut text = if reason.text.starts_with(label) {
        reason.text.clone()
    } else {
        format!("{label}: {}", reason.text)
    };
    let mut about = Vec::new();
    // A review names its reviewer already.
    if let Some(by) = reason.by.as_ref().filter(|_| reason.kind != "review") {
        about.push(by.short_name().to_string());
    }
    if let Some(date) = &reason.date {
        about.push(date.get(..10).unwrap_or(date).to_string());
    }
    if !about.is_empty() {
        text.push_str(&format!(" ({})", about.join(", ")));
    }
    text
}

/// `716 applied, 50 partially applied, 9 NAKed, 185 new`: the statuses
/// that occur, in the order of [`SeriesStatus::ALL`].
pub(crate) fn status_summary(counts: &StatusCounts) -> String {
    let parts: Vec<String> = SeriesStatus::ALL
        .into_iter()
        .filter(|&s| counts.get(s) > 0)
        .map(|s| format!("{} {}", counts.get(s), s.label()))
        .collect();
    parts.join(", ")
}

/// `[v2] Title (3 of 5 patches)`: a status entry's series, as a line.
pub(crate) fn entry_title(entry: &StatusEntry) -> String {
    let mut line = format!("[v{}] {}", entry.version, entry.title);
    match (entry.patches_applied, entry.total) {
        (Some(applied), Some(total)) if applied as u64 != u64::from(total) => {
            line.push_str(&format!(" ({applied} of {total} patches)"));
        }
        _ => {}
    }
    if !entry.in_selection {
        line.push_str(" (posted earlier)");
    }
    line
}

/// A count's change as every format words it: `+20 (+25%)`, `-3 (-10%)`,
/// `=`, or just `+4` from zero (a percentage of nothing is no figure).
pub(crate) fn change_text(change: &Change) -> String {
    let (now, before) = (change.now as f64, change.before as f64);
    let delta = now - before;
    if delta == 0.0 {
        return "=".into();
    }
    let sign = if delta > 0.0 { "+" } else { "-" };
    let amount = change.now.abs_diff(change.before);
    if change.before == 0 {
        return format!("{sign}{amount}");
    }
    let percent = (delta / before * 100.0).round().abs();
    format!("{sign}{amount} ({sign}{percent}%)")
}

/// A number of days, as a median gives it: `3`, `2.5`, or `-` for none.
pub(crate) fn days_text(days: Option<f64>) -> String {
    match days {
        None => "-".into(),
        Some(d) if d.fract() == 0.0 => format!("{d:.0}"),
        Some(d) => format!("{d:.1}"),
    }
}

/// A median's change: `+1.5`, `-2`, `=`, or `-` when either side has none.
pub(crate) fn median_change_text(change: &MedianChange) -> String {
    match (change.now, change.before) {
        (Some(now), Some(before)) if now == before => "=".into(),
        (Some(now), Some(before)) => {
            let sign = if now > before { "+" } else { "-" };
            format!("{sign}{}", days_text(Some((now - before).abs())))
        }
        _ => "-".into(),
    }
}

/// `Compared with 2025-04-24 to 2025-04-30, the 7 days before`: what a
/// comparison is with, as a heading. Days name a period of whole UTC
/// days; anything else is named to the minute.
pub(crate) fn comparison_heading(comparison: &Comparison) -> String {
    let Some(other) = &comparison.other else {
        return "No earlier period to compare with".into();
    };
    let (Ok(since), Ok(until)) = (
        other.since.parse::<jiff::Timestamp>(),
        other.until.parse::<jiff::Timestamp>(),
    ) else {
        return format!("Compared with {} to {}", other.since, other.until);
    };
    let (since, until) = (since.as_second(), until.as_second());
    let length = until.saturating_sub(since).saturating_add(1);
    let whole_days = since.rem_euclid(86_400) == 0 && length % 86_400 == 0;
    let show = |t: i64| {
        let text = crate::report::timestamp(t);
        if whole_days {
            text.get(..10).unwrap_or(&text).to_string()
        } else {
            text.get(..16).unwrap_or(&text).replace('T', " ")
        }
    };
    let plural = |n: i64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    let before = match comparison.basis {
        crate::report::CompareBasis::Given => String::new(),
        _ if whole_days => format!(", the {} before", plural(length / 86_400, "day")),
        _ if length % 3_600 == 0 => format!(", the {} before", plural(length / 3_600, "hour")),
        _ => ", the period of the same length before".into(),
    };
    let until_shown = if whole_days {
        show(until)
    } else {
        show(until + 1)
    };
    format!("Compared with {} to {}{before}", show(since), until_shown)
}

/// The compared figures as (name, now, before, change) rows, in the order
/// every format shows them.
pub(crate) fn comparison_rows(comparison: &Comparison) -> Vec<(String, String, String, String)> {
    let f = &comparison.figures;
    let mut rows: Vec<(String, String, String, String)> = [
        ("messages", &f.messages),
        ("patches", &f.patches),
        ("series", &f.series),
        ("reviews", &f.reviews),
        ("applied patches", &f.applied),
        ("unreviewed patches", &f.unreviewed),
    ]
    .into_iter()
    .map(|(name, c)| {
        (
            name.to_string(),
            c.now.to_string(),
            c.before.to_string(),
            change_text(c),
        )
    })
    .collect();
    let m = &f.median_days_to_first_review;
    rows.push((
        "median days to first review".into(),
        days_text(m.now),
        days_text(m.before),
        median_change_text(m),
    ));
    rows
}

/// The status a template value names (`"applied"` …).
fn status_of_value(value: &minijinja::Value) -> Option<SeriesStatus> {
    let name = value.as_str()?;
    SeriesStatus::ALL.into_iter().find(|s| s.name() == name)
}

/// A [`StatusReason`] back from its template value.
fn reason_of_value(value: &minijinja::Value) -> Option<StatusReason> {
    if value.is_none() || value.is_undefined() {
        return None;
    }
    let optional = |attr: &str| Some(attr_text(value, attr)).filter(|s| !s.is_empty());
    let by = value
        .get_attr("by")
        .ok()
        .filter(|by| !by.is_none() && !by.is_undefined())
        .map(|by| crate::mail::Person {
            name: attr_text(&by, "name"),
            email: attr_text(&by, "email"),
        });
    Some(StatusReason {
        kind: attr_text(value, "kind"),
        by,
        date: optional("date"),
        message_id: optional("message_id"),
        url: optional("url"),
        text: attr_text(value, "text"),
    })
}

/// Template filter: the status of a series (`status`, `status_reason`) or
/// of a status entry (`status`, `reason`), worded by [`status_text`].
fn status_filter(value: minijinja::Value) -> String {
    let Some(status) = value
        .get_attr("status")
        .ok()
        .as_ref()
        .and_then(status_of_value)
    else {
        return String::new();
    };
    let reason = ["status_reason", "reason"]
        .into_iter()
        .filter_map(|attr| value.get_attr(attr).ok())
        .find_map(|v| reason_of_value(&v));
    status_text(status, reason.as_ref())
}

/// Template filter: the label of a status name (`NAKed` for `nacked`).
fn status_label_filter(value: minijinja::Value) -> String {
    status_of_value(&value).map_or_else(String::new, |s| s.label().to_string())
}

/// Template filter: [`status_summary`] of `stats.statuses`.
fn status_summary_filter(value: minijinja::Value) -> String {
    let count = |status: SeriesStatus| {
        value
            .get_attr(status.name())
            .ok()
            .and_then(|v| usize::try_from(v).ok())
            .unwrap_or(0)
    };
    let counts = StatusCounts {
        applied: count(SeriesStatus::Applied),
        partially_applied: count(SeriesStatus::PartiallyApplied),
        superseded: count(SeriesStatus::Superseded),
        nacked: count(SeriesStatus::Nacked),
        changes_requested: count(SeriesStatus::ChangesRequested),
        reviewed: count(SeriesStatus::Reviewed),
        under_review: count(SeriesStatus::UnderReview),
        new: count(SeriesStatus::New),
    };
    status_summary(&counts)
}

/// Template filter: [`entry_title`] of a status entry.
fn entry_title_filter(value: minijinja::Value) -> String {
    let number = |attr: &str| {
        value
            .get_attr(attr)
            .ok()
            .and_then(|v| u64::try_from(v).ok())
    };
    let entry = StatusEntry {
        title: attr_text(&value, "title"),
        version: number("version")
            .and_then(|v| u32::try_from(v).ok())
            .unwrap_or(1),
        author: None,
        message_id: None,
        url: None,
        in_selection: value.get_attr("in_selection").is_ok_and(|v| v.is_true()),
        status: SeriesStatus::New,
        reason: None,
        patches_applied: number("patches_applied").and_then(|v| usize::try_from(v).ok()),
        commits: Vec::new(),
        tree: None,
        branch: None,
        total: number("total").and_then(|v| u32::try_from(v).ok()),
        days_waiting: None,
    };
    entry_title(&entry)
}

/// The versions of a "Your series" line: `v1, v2, v4`.
pub(crate) fn versions_text(versions: &[u32]) -> String {
    let labels: Vec<String> = versions.iter().map(|v| format!("v{v}")).collect();
    labels.join(", ")
}

/// Why a series is "yours", in words: `by, reviewed by`.
pub(crate) fn why_text(why: &[WatchReason]) -> String {
    let words: Vec<&str> = why
        .iter()
        .map(|reason| match reason {
            WatchReason::Author => "by",
            WatchReason::Organization => "organization",
            WatchReason::Reviewer => "reviewed by",
            WatchReason::WaitingOn => "waiting on",
        })
        .collect();
    words.join(", ")
}

/// A report's filter line: what it was filtered to and how much of the
/// list that kept (empty without a watchlist).
pub(crate) fn watch_text(report: &Report) -> String {
    let Some(w) = &report.watch else {
        return String::new();
    };
    let s = &report.stats;
    format!(
        "Filtered to {}: {} of {} series, {} of {} patches ({} without review, {} applied). \
         The mail counts and top lists are the whole list's.",
        w.description,
        w.series,
        s.series,
        w.patches,
        s.patches,
        w.unreviewed_patches,
        w.applied_patches
    )
}

/// A report of several lists: the lists it read and how many mails each
/// gave (empty for a report of one list).
pub(crate) fn lists_text(report: &Report) -> String {
    if report.lists.len() < 2 {
        return String::new();
    }
    let parts: Vec<String> = report
        .lists
        .iter()
        .map(|l| {
            let mails = if l.messages == 1 { "mail" } else { "mails" };
            match l.cross_posted {
                0 => format!("{} ({} {mails})", l.name, l.messages),
                shared => format!(
                    "{} ({} {mails}, {shared} also on another of these lists)",
                    l.name, l.messages
                ),
            }
        })
        .collect();
    format!(
        "Lists: {}. A mail cross-posted to several counts once.",
        parts.join(", ")
    )
}

/// Template filter: [`versions_text`].
fn versions_filter(value: minijinja::Value) -> String {
    let versions: Vec<u32> = value
        .try_iter()
        .map(|items| items.filter_map(|v| u32::try_from(v).ok()).collect())
        .unwrap_or_default();
    versions_text(&versions)
}

/// Template filter: [`why_text`].
fn why_filter(value: minijinja::Value) -> String {
    let why: Vec<WatchReason> = value
        .try_iter()
        .map(|items| {
            items
                .filter_map(|v| match v.as_str()? {
                    "author" => Some(WatchReason::Author),
                    "organization" => Some(WatchReason::Organization),
                    "reviewer" => Some(WatchReason::Reviewer),
                    "waiting_on" => Some(WatchReason::WaitingOn),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    why_text(&why)
}

/// Adds the status filters both template formats use.
fn add_status_filters(env: &mut minijinja::Environment<'static>) {
    env.add_filter("versions", versions_filter);
    env.add_filter("why", why_filter);
    env.add_filter("status", status_filter);
    env.add_filter("status_label", status_label_filter);
    env.add_filter("status_summary", status_summary_filter);
    env.add_filter("entry_title", entry_title_filter);
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
    let mut out = Vec::new();
    match write_template(format, environment, name, context, &mut out) {
        // Templates write only `str`s: the bytes are UTF-8, kept as they are.
        Ok(()) => String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        // The template is part of the program and the model always
        // serializes; an error here is a bug, shown in the output rather
        // than a panic.
        Err(e) => format!("lore-digest: {e}\n"),
    }
}

/// Renders template `name` to `out` as it goes, so a page is never held
/// whole. A failed write comes back as the writer's own error (a closed
/// pipe stays [`std::io::ErrorKind::BrokenPipe`]); a template that fails
/// (a bug) as an error naming the format.
pub(crate) fn write_template(
    format: &str,
    environment: &Result<minijinja::Environment<'static>, String>,
    name: &str,
    context: minijinja::Value,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let failed = |e: String| std::io::Error::other(format!("the {format} template failed: {e}"));
    let env = environment.as_ref().map_err(|e| failed(e.clone()))?;
    let template = env
        .get_template(name)
        .map_err(|e| failed(format!("{e:#}")))?;
    match template.render_captured_to(context, &mut *out) {
        Ok(_) => Ok(()),
        Err(e) => {
            match std::error::Error::source(&e).and_then(|s| s.downcast_ref::<std::io::Error>()) {
                Some(io) => Err(std::io::Error::new(io.kind(), io.to_string())),
                None => Err(failed(format!("{e:#}"))),
            }
        }
    }
}

/// The series with replies, most replies first (among equals, the newer
/// series, listed first, stays first), as places in `series`.
fn most_discussed(series: &[crate::report::Series]) -> Vec<usize> {
    let mut indices: Vec<usize> = (0..series.len())
        .filter(|&i| series[i].replies > 0)
        .collect();
    indices.sort_by_key(|&i| std::cmp::Reverse(series[i].replies));
    indices
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
    fn changes_are_worded_with_a_sign_and_a_percentage_of_something() {
        use super::{Change, MedianChange, change_text, days_text, median_change_text};
        let c = |now, before| change_text(&Change { now, before });
        assert_eq!(c(120, 100), "+20 (+20%)");
        assert_eq!(c(90, 100), "-10 (-10%)");
        assert_eq!(c(5, 5), "=");
        assert_eq!(c(4, 0), "+4");
        assert_eq!(c(0, 3), "-3 (-100%)");
        assert_eq!(days_text(Some(2.5)), "2.5");
        assert_eq!(days_text(Some(3.0)), "3");
        assert_eq!(days_text(None), "-");
        let m = |now, before| median_change_text(&MedianChange { now, before });
        assert_eq!(m(Some(1.0), Some(2.5)), "-1.5");
        assert_eq!(m(Some(4.0), Some(2.0)), "+2");
        assert_eq!(m(Some(4.0), Some(4.0)), "=");
        assert_eq!(m(None, Some(4.0)), "-");
    }

    #[test]
    fn the_other_period_is_named_in_days_or_to_the_minute() {
        use crate::report::{CompareBasis, Comparison, Span};
        let compared = |since: &str, until: &str, basis| {
            let zero = crate::report::Change { now: 0, before: 0 };
            let c = Comparison {
                basis,
                period: Span {
                    since: String::new(),
                    until: String::new(),
                },
                other: Some(Span {
                    since: since.into(),
                    until: until.into(),
                }),
                empty: false,
                note: None,
                figures: crate::report::Figures {
                    messages: zero,
                    patches: zero,
                    series: zero,
                    reviews: zero,
                    applied: zero,
                    unreviewed: zero,
                    median_days_to_first_review: crate::report::MedianChange {
                        now: None,
                        before: None,
                    },
                },
                ranks: Default::default(),
            };
            super::comparison_heading(&c)
        };
        assert_eq!(
            compared(
                "2025-04-24T00:00:00Z",
                "2025-04-30T23:59:59Z",
                CompareBasis::Previous
            ),
            "Compared with 2025-04-24 to 2025-04-30, the 7 days before"
        );
        assert_eq!(
            compared(
                "2025-05-10T06:00:00Z",
                "2025-05-10T11:59:59Z",
                CompareBasis::Previous
            ),
            "Compared with 2025-05-10 06:00 to 2025-05-10 12:00, the 6 hours before"
        );
        assert_eq!(
            compared(
                "2025-05-10T06:00:00Z",
                "2025-05-10T06:20:41Z",
                CompareBasis::Previous
            ),
            "Compared with 2025-05-10 06:00 to 2025-05-10 06:20, the period of the same length before"
        );
        assert_eq!(
            compared(
                "2025-04-01T00:00:00Z",
                "2025-04-30T23:59:59Z",
                CompareBasis::Given
            ),
            "Compared with 2025-04-01 to 2025-04-30"
        );
    }

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
