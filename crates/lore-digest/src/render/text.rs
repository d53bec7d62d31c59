//! The plain-text format, in the layout of the original KVM list updates.

use std::fmt::Write;
use std::str::FromStr;

use crate::mail::{Diffstat, Person, Version};
use crate::report::{
    Comparison, ContributorCount, DomainCount, OrganizationCount, PatchMail, Report, SectionCount,
    Series, StatusEntry,
};

const SEPARATOR_WIDTH: usize = 70;

/// Renders the text report, cutting the domain, organization and
/// contributor lists to `top`.
pub fn render(report: &Report, top: usize) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_report(&mut out, report, top, &mut |_| Ok(()));
    out
}

/// [`render`] to `out`, handed over series by series, so a whole report
/// is never held as one string.
pub fn write(report: &Report, top: usize, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut failed = None;
    let mut buffer = String::new();
    let mut flush = |buffer: &mut String| match out.write_all(buffer.as_bytes()) {
        Ok(()) => {
            buffer.clear();
            Ok(())
        }
        Err(e) => {
            failed = Some(e);
            Err(std::fmt::Error)
        }
    };
    let written = write_report(&mut buffer, report, top, &mut flush);
    let rest = written.and_then(|()| flush(&mut buffer));
    match (failed, rest) {
        (Some(e), _) => Err(e),
        (None, Err(_)) => Err(std::io::Error::other("the text report failed to format")),
        (None, Ok(())) => Ok(()),
    }
}

/// Writes the report to `out`, handing what is there to `flush` after
/// each series.
fn write_report(
    out: &mut String,
    report: &Report,
    top: usize,
    flush: &mut dyn FnMut(&mut String) -> std::fmt::Result,
) -> std::fmt::Result {
    writeln!(out, "From {} to {}", report.from, report.to)?;
    writeln!(
        out,
        "{} mailing list update from {} to {}",
        report.list, report.from, report.to
    )?;
    writeln!(out)?;
    if report.lists.len() > 1 {
        writeln!(out, "{}", super::lists_text(report))?;
        writeln!(out)?;
    }
    if report.watch.is_some() {
        writeln!(out, "{}", super::watch_text(report))?;
        writeln!(out)?;
    }
    write_your_series(out, report)?;
    if let Some(comparison) = &report.comparison {
        write_comparison(out, comparison, top)?;
    }

    let heading = format!("Top {top} contributor Email domains (Based on Email Body)");
    write_domains(out, &heading, &report.domains, top)?;
    let heading = format!("Top {top} organizations (Based on Email Body)");
    write_organizations(out, &heading, &report.organizations, top)?;
    let heading = format!("Top {top} contributors (Based on Email Body)");
    write_people(out, &heading, &report.contributors, top)?;
    if !report.reviewers.is_empty() {
        let heading = format!("Top {top} reviewer Email domains (Reviewed/Acked/Tested-by given)");
        write_domains(out, &heading, &report.reviewer_domains, top)?;
        let heading = format!("Top {top} reviewer organizations (Reviewed/Acked/Tested-by given)");
        write_organizations(out, &heading, &report.reviewer_organizations, top)?;
        let heading = format!("Top {top} reviewers (Reviewed/Acked/Tested-by given)");
        write_people(out, &heading, &report.reviewers, top)?;
    }

    match &report.sections {
        Some(sections) => write_sections(out, sections, top)?,
        None => {
            writeln!(out, "Top {top} subsystems (by patch series)")?;
            writeln!(out)?;
            for s in report.subsystems.iter().take(top) {
                let plural = if s.patches == 1 { "" } else { "es" };
                writeln!(
                    out,
                    "{:7}  {} ({} patch{plural})",
                    s.series, s.name, s.patches
                )?;
            }
            writeln!(out)?;
        }
    }

    write_status(out, report)?;

    writeln!(out, "===== Patch list in this time period =====")?;
    writeln!(out)?;
    if !report.series.is_empty() {
        let s = &report.stats;
        match &report.watch {
            Some(w) => writeln!(
                out,
                "{} of {} series, {} of {} patches, {} without review in this time period",
                w.series, s.series, w.patches, s.patches, w.unreviewed_patches
            )?,
            None => writeln!(
                out,
                "{} series, {} patches, {} without review in this time period",
                s.series, s.patches, s.unreviewed_patches
            )?,
        }
        writeln!(out, "Status: {}", super::status_summary(&s.statuses))?;
        writeln!(out)?;
    }
    let several_lists = report.lists.len() > 1;
    for series in &report.series {
        write_series_entry(out, series, several_lists)?;
        flush(out)?;
    }
    if report.series.is_empty() {
        writeln!(out)?;
    }

    write_unreviewed_by_section(out, report, top)?;
    write_missed_cc(out, report, top)?;

    let mut discussed: Vec<&Series> = report.series.iter().filter(|s| s.replies > 0).collect();
    // Stable: among equals the newer series (listed first) stays first.
    discussed.sort_by_key(|s| std::cmp::Reverse(s.replies));
    let discussed: Vec<(usize, usize, String)> = discussed
        .iter()
        .map(|s| {
            (
                s.replies,
                s.participants.len(),
                format!("{} ({})", s.title, version(s)),
            )
        })
        .collect();
    write_threads(out, "Most discussed series", &discussed, top)?;
    for (heading, threads) in [
        ("Pull requests", &report.pull_requests),
        ("Bug reports", &report.bug_reports),
        ("Discussions", &report.discussions),
        ("Replies to earlier series", &report.earlier_series),
    ] {
        let rows: Vec<(usize, usize, String)> = threads
            .iter()
            .map(|t| (t.replies, t.participants.len(), t.subject.clone()))
            .collect();
        write_threads(out, heading, &rows, top)?;
    }

    writeln!(out, "===== Patch Commit Messages ====")?;
    writeln!(out)?;
    for series in report.series.iter().filter(|s| s.starts_in_window) {
        // Patch 1, or the lone patch; a later patch is not where a series starts.
        let first_patch = series
            .patches
            .iter()
            .find(|p| matches!(p.index, None | Some(1)));
        for mail in series.cover.iter().chain(first_patch) {
            write_commit_message(out, &revision_label(series), mail)?;
        }
        flush(out)?;
    }
    Ok(())
}

/// The selection beside another period: the figures, then how the top
/// lists moved (at most `top` rows each).
fn write_comparison(out: &mut String, comparison: &Comparison, top: usize) -> std::fmt::Result {
    let heading = super::comparison_heading(comparison);
    if comparison.empty {
        let note = comparison.note.as_deref().unwrap_or("no mail then");
        writeln!(out, "{heading}: {note}.")?;
        return writeln!(out);
    }
    writeln!(out, "{heading}")?;
    writeln!(out)?;
    writeln!(out, "{:30} {:>7} {:>7}  change", "", "now", "before")?;
    for (name, now, before, change) in super::comparison_rows(comparison) {
        writeln!(out, "  {name:28} {now:>7} {before:>7}  {change}")?;
    }
    writeln!(out)?;
    let r = &comparison.ranks;
    for (what, rows) in [
        ("contributor Email domains", &r.domains),
        ("organizations", &r.organizations),
        ("contributors", &r.contributors),
        ("reviewers", &r.reviewers),
        ("MAINTAINERS sections", &r.sections),
    ] {
        if rows.is_empty() {
            continue;
        }
        writeln!(out, "Rank changes: top {top} {what}")?;
        writeln!(out)?;
        for row in rows.iter().take(top) {
            let name = match &row.email {
                Some(email) => Person {
                    name: row.name.clone(),
                    email: email.clone(),
                }
                .display(),
                None => row.name.clone(),
            };
            writeln!(out, "{:7}  {:5}  {name}", row.rank, row.movement)?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// What became of the series: applied, waiting for review, changes
/// requested, NAKed; each section only when it has series.
fn write_status(out: &mut String, report: &Report) -> std::fmt::Result {
    let sections: [(&str, &[StatusEntry]); 4] = [
        ("Applied in this time period", &report.applied),
        (
            "Awaiting review (days since posted)",
            &report.awaiting_review,
        ),
        ("Changes requested", &report.changes_requested),
        ("NAKed", &report.nacked),
    ];
    for (heading, entries) in sections {
        if entries.is_empty() {
            continue;
        }
        writeln!(out, "===== {heading} =====")?;
        writeln!(out)?;
        for entry in entries {
            let author = entry
                .author
                .as_ref()
                .map(|a| format!(", {}", a.short_name()))
                .unwrap_or_default();
            match entry.days_waiting {
                Some(days) => writeln!(
                    out,
                    "{days:7}  {}{author} ({})",
                    super::entry_title(entry),
                    entry.status.label()
                )?,
                None => {
                    writeln!(out, "- {}{author}", super::entry_title(entry))?;
                    let status = super::status_text(entry.status, entry.reason.as_ref());
                    writeln!(out, "  {status}")?;
                    if entry.commits.len() > 1 {
                        let short: Vec<&str> = entry
                            .commits
                            .iter()
                            .map(|c| c.get(..12).unwrap_or(c))
                            .collect();
                        writeln!(out, "  commits: {}", short.join(" "))?;
                    }
                }
            }
        }
        writeln!(out)?;
    }
    Ok(())
}

/// "Your series": with `--who` or `--org`, each series of the people
/// watched, its versions, reviews, status and days since its last mail.
fn write_your_series(out: &mut String, report: &Report) -> std::fmt::Result {
    if report.your_series.is_empty() {
        return Ok(());
    }
    writeln!(out, "===== Your series =====")?;
    writeln!(out)?;
    for y in &report.your_series {
        let author = y
            .author
            .as_ref()
            .map(|a| format!(" by {}", a.short_name()))
            .unwrap_or_default();
        writeln!(
            out,
            "- {}{} (v{}){author}",
            tag(&y.prefixes),
            y.title,
            y.version
        )?;
        writeln!(
            out,
            "  {} · {} review(s) · {} · {} day(s) since the last mail · why: {}",
            super::versions_text(&y.versions),
            y.reviews,
            y.status.label(),
            y.days_since_activity,
            super::why_text(&y.why),
        )?;
    }
    writeln!(out)
}

/// `[net-next] ` for a series' other tag words, nothing without any.
fn tag(prefixes: &[String]) -> String {
    if prefixes.is_empty() {
        String::new()
    } else {
        format!("[{}] ", prefixes.join(" "))
    }
}

/// The MAINTAINERS sections table: series, patches, without review and
/// applied, at most `top` rows.
fn write_sections(out: &mut String, sections: &[SectionCount], top: usize) -> std::fmt::Result {
    writeln!(out, "Top {top} MAINTAINERS sections (by patch series)")?;
    writeln!(out)?;
    if !sections.is_empty() {
        writeln!(out, " series patches unreviewed applied  section")?;
    }
    for s in sections.iter().take(top) {
        writeln!(
            out,
            "{:7} {:7} {:10} {:7}  {}",
            s.series, s.patches, s.unreviewed_patches, s.applied_patches, s.name
        )?;
    }
    writeln!(out)
}

/// Per section, its patches waiting for review and who reviews for it;
/// at most `top` sections of at most `top` patches.
fn write_unreviewed_by_section(out: &mut String, report: &Report, top: usize) -> std::fmt::Result {
    if report.unreviewed_by_section.is_empty() {
        return Ok(());
    }
    writeln!(out, "===== Unreviewed by section =====")?;
    writeln!(out)?;
    for queue in report.unreviewed_by_section.iter().take(top) {
        writeln!(out, "- {} ({} patches)", queue.name, queue.patches.len())?;
        for (tag, people) in [("R", &queue.reviewers), ("M", &queue.maintainers)] {
            if !people.is_empty() {
                let names: Vec<String> = people.iter().map(Person::display).collect();
                writeln!(out, "  {tag}: {}", names.join(", "))?;
            }
        }
        for patch in queue.patches.iter().take(top) {
            writeln!(out, "    {}", patch.subject)?;
        }
        if queue.patches.len() > top {
            writeln!(out, "    … {} more", queue.patches.len() - top)?;
        }
    }
    writeln!(out)
}

/// Patches whose To/Cc/From miss every maintainer and list of a section
/// they touch; at most `top`.
fn write_missed_cc(out: &mut String, report: &Report, top: usize) -> std::fmt::Result {
    if report.missed_cc.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "===== Missed Cc: {} patches reached no maintainer or list of a section they touch =====",
        report.missed_cc.len()
    )?;
    writeln!(out)?;
    for missed in report.missed_cc.iter().take(top) {
        writeln!(out, "- {}", missed.patch.subject)?;
        writeln!(out, "  missed: {}", missed.sections.join(", "))?;
    }
    if report.missed_cc.len() > top {
        writeln!(out, "  … {} more", report.missed_cc.len() - top)?;
    }
    writeln!(out)
}

/// `heading`, then `%7d domain` lines, at most `top`.
fn write_domains(
    out: &mut String,
    heading: &str,
    rows: &[DomainCount],
    top: usize,
) -> std::fmt::Result {
    writeln!(out, "{heading}")?;
    writeln!(out)?;
    for d in rows.iter().take(top) {
        writeln!(out, "{:7} {}", d.count, d.domain)?;
    }
    writeln!(out)
}

/// `heading`, then `%7d organization` lines, at most `top`, as the domains.
fn write_organizations(
    out: &mut String,
    heading: &str,
    rows: &[OrganizationCount],
    top: usize,
) -> std::fmt::Result {
    writeln!(out, "{heading}")?;
    writeln!(out)?;
    for o in rows.iter().take(top) {
        writeln!(out, "{:7} {}", o.count, o.name)?;
    }
    writeln!(out)
}

/// `heading`, then `%7d  Name <email>` lines, at most `top`.
fn write_people(
    out: &mut String,
    heading: &str,
    rows: &[ContributorCount],
    top: usize,
) -> std::fmt::Result {
    writeln!(out, "{heading}")?;
    writeln!(out)?;
    for c in rows.iter().take(top) {
        let person = Person {
            name: c.name.clone(),
            email: c.email.clone(),
        };
        writeln!(out, "{:7}  {}", c.count, person.display())?;
    }
    writeln!(out)
}

/// A section of threads: `replies  participants  subject`, at most `top`
/// rows; nothing at all when there are none.
fn write_threads(
    out: &mut String,
    heading: &str,
    rows: &[(usize, usize, String)],
    top: usize,
) -> std::fmt::Result {
    if rows.is_empty() {
        return Ok(());
    }
    writeln!(out, "===== {heading} (replies, people) =====")?;
    writeln!(out)?;
    for (replies, people, subject) in rows.iter().take(top) {
        writeln!(out, "{replies:7} {people:4}  {subject}")?;
    }
    writeln!(out)
}

/// git's diffstat summary: `1 file changed, 4 insertions(+)`.
pub(crate) fn diffstat_line(d: &Diffstat) -> String {
    let plural = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut parts = vec![plural(d.files, "file changed", "files changed")];
    if d.insertions > 0 {
        parts.push(plural(d.insertions, "insertion(+)", "insertions(+)"));
    }
    if d.deletions > 0 {
        parts.push(plural(d.deletions, "deletion(-)", "deletions(-)"));
    }
    parts.join(", ")
}

fn version(series: &Series) -> String {
    version_of(series.version, series.version_minor)
}

fn version_of(major: u32, minor: Option<u32>) -> String {
    Version { major, minor }.to_string()
}

/// The date of an RFC 3339 timestamp.
fn day(timestamp: &str) -> &str {
    timestamp.get(..10).unwrap_or(timestamp)
}

/// `New:` for a first version; for a revision, its version and the earlier
/// ones posted: `v3 (v2 posted 2025-05-08, 6 days earlier; v1 2025-01-11):`.
pub(crate) fn revision_label(series: &Series) -> String {
    if series.version <= 1 && series.version_minor.is_none() {
        return "New:".to_string();
    }
    let mut earlier = series.earlier_versions.iter().rev();
    let Some(previous) = earlier.next() else {
        return format!("{}:", version(series));
    };
    let seconds = |t: &str| jiff::Timestamp::from_str(t).map(|t| t.as_second());
    let days = match (seconds(&series.first_seen), seconds(&previous.first_seen)) {
        (Ok(now), Ok(then)) => now.saturating_sub(then) / 86_400,
        _ => 0,
    };
    let mut label = format!(
        "{} ({} posted {}, {days} day{} earlier",
        version(series),
        version_of(previous.version, previous.version_minor),
        day(&previous.first_seen),
        if days == 1 { "" } else { "s" }
    );
    for older in earlier {
        let older_version = version_of(older.version, older.version_minor);
        label.push_str(&format!("; {older_version} {}", day(&older.first_seen)));
    }
    label.push_str("):");
    label
}

/// `- [v3, 6 patches, RFC] Title`, the author, then the subjects seen.
fn write_series_entry(out: &mut String, series: &Series, several_lists: bool) -> std::fmt::Result {
    let mut facts = vec![version(series)];
    facts.push(super::patch_count(
        series.patches_here,
        series.total,
        series.patches_missing,
    ));
    if series.rfc {
        facts.push("RFC".into());
    }
    if series.resend {
        facts.push("RESEND".into());
    }
    writeln!(out, "- [{}] {}", facts.join(", "), series.title)?;
    writeln!(
        out,
        "  Author: {}",
        author_line(series.author.as_ref(), series.sender.as_ref())
    )?;
    if let Some(url) = &series.url {
        writeln!(out, "  Link: {url}")?;
    }
    writeln!(
        out,
        "  Status: {}",
        super::status_text(series.status, series.status_reason.as_ref())
    )?;
    let d = &series.diffstat;
    if d.files > 0 {
        writeln!(out, "  Diffstat: {}", diffstat_line(d))?;
    }
    if !series.sections.is_empty() {
        writeln!(out, "  Sections: {}", series.sections.join(", "))?;
    }
    if several_lists {
        writeln!(out, "  Lists: {}", series.lists.join(", "))?;
    }
    for line in &series.reviews {
        let names: Vec<&str> = line.people.iter().map(Person::short_name).collect();
        writeln!(out, "  {}: {}", line.kind.name(), names.join(", "))?;
    }
    if let Some(newer) = &series.superseded_by {
        writeln!(
            out,
            "  Superseded by {} (posted {})",
            version_of(newer.version, newer.version_minor),
            day(&newer.first_seen)
        )?;
    }
    if let Some(changelog) = &series.changelog {
        writeln!(out, "  Changes in {}:", version(series))?;
        for line in changelog.lines() {
            writeln!(out, "    {line}")?;
        }
    }
    // All or none unreviewed is plain from the review lines; a mix is not.
    let n = series.patches.len();
    if series.unreviewed_patches > 0 && series.unreviewed_patches < n {
        writeln!(
            out,
            "  Without review: {} of {n} patches",
            series.unreviewed_patches
        )?;
    }
    for mail in series.cover.iter().chain(&series.patches) {
        match mail.applied.as_ref().and_then(|a| a.commit.as_deref()) {
            Some(commit) => {
                let short = commit.get(..12).unwrap_or(commit);
                writeln!(out, "    {}  [applied {short}]", mail.subject)?
            }
            None if mail.applied.is_some() => writeln!(out, "    {}  [applied]", mail.subject)?,
            None => writeln!(out, "    {}", mail.subject)?,
        }
    }
    writeln!(out)
}

fn write_commit_message(out: &mut String, label: &str, mail: &PatchMail) -> std::fmt::Result {
    writeln!(out, "{label}  {}", mail.title)?;
    writeln!(out, "{}", mail.subject)?;
    writeln!(
        out,
        "Author: {}",
        author_line(mail.author.as_ref(), mail.sender.as_ref())
    )?;
    if let Some(url) = &mail.url {
        writeln!(out, "Link: {url}")?;
    }
    writeln!(out)?;
    out.push_str(&mail.commit_message);
    writeln!(out)?;
    writeln!(out, "{}", "-".repeat(SEPARATOR_WIDTH))?;
    writeln!(out)
}

/// `Author <a@x>`, with ` (sent by Sender <s@y>)` when someone else sent it.
fn author_line(author: Option<&Person>, sender: Option<&Person>) -> String {
    let unknown = || "(unknown)".to_string();
    let mut line = author.map_or_else(unknown, Person::display);
    if let (Some(author), Some(sender)) = (author, sender)
        && author.email != sender.email
    {
        line.push_str(&format!(" (sent by {})", sender.display()));
    }
    line
}
