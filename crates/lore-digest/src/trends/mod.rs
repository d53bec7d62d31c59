//! Trends: a list's figures per week, month, quarter or year over a long
//! window, and a report's comparison with another period (`--compare`).
//!
//! A trends table reads each mail once, whatever the number of periods:
//! the window is read and analysed as one report (so series, reviews and
//! statuses follow the report's rules across period boundaries), and its
//! mails, series and trailers are then counted into the period they
//! arrived in:
//!
//! * a mail, a patch and an author's organization, where the mail arrived;
//! * a series, where its first mail arrived;
//! * an applied patch, where the notice that says so arrived;
//! * a review (Reviewed/Acked/Tested-by in a reply), where the reply arrived;
//! * the days to a series' first review, where the series was posted.

pub mod compare;
mod model;
mod period;

use std::collections::HashMap;

pub use compare::{Compare, median, movement};
pub use model::{TrendRow, Trends};
pub use period::{Period, Periods, utc_day};

use crate::Error;
use crate::analysis::{Identities, Mailmap, OrgMap};
use crate::archive::{Archive, ReadOutcome, Selected, Selection};
use crate::mail::{Person, SubjectKind};
use crate::report::{self, GivenTrailer, OrganizationCount, Report, Series};

/// What a trends table is built with, beyond the window.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// How long each row is.
    pub by: Period,
    /// The list's name; derived from `List-Id` or the archive's name when `None`.
    pub list: Option<String>,
    /// The mailmap and organization map.
    pub identities: Identities,
}

/// Reads the window once and counts it per period.
pub fn build(archive: &Archive, selection: &Selection, options: &Options) -> Result<Trends, Error> {
    let (mut selected, outcome) = archive.read_selection(selection)?;
    selected.open_start = matches!(
        selection,
        Selection::Range { base: None, .. } | Selection::Window { since: None, .. }
    );
    let bounds = match selection {
        Selection::Window { since, until } => {
            (since.map(|t| t.as_second()), until.map(|t| t.as_second()))
        }
        _ => (None, None),
    };
    tabulate(archive.name(), &selected, outcome, bounds, options)
}

/// Counts mails already read per period: from the period of `bounds.0`
/// (else the first mail) to that of `bounds.1` (else the last).
fn tabulate(
    archive_name: &str,
    selected: &Selected,
    mut outcome: ReadOutcome,
    bounds: (Option<i64>, Option<i64>),
    options: &Options,
) -> Result<Trends, Error> {
    // Once here rather than in the report, since organizations are
    // counted per mail before the report takes the mails.
    options.identities.apply(&mut outcome.mails);
    let times = || outcome.mails.iter().map(|m| m.commit.time);
    let (Some(first), Some(last)) = (times().min(), times().max()) else {
        return Err(Error::EmptySelection(
            "no readable mail in the selection".into(),
        ));
    };
    let start = bounds.0.map_or(first, |s| s.min(first));
    let end = bounds.1.map_or(last, |u| u.max(last));
    let periods = Periods::spanning(options.by, start, end).ok_or_else(|| {
        Error::EmptySelection(format!(
            "the mails' arrival times ({first} to {last} seconds) lie outside the years -9999..=9999"
        ))
    })?;
    let organizations = &options.identities.organizations;
    let mut rows = vec![Tally::default(); periods.starts.len()];
    for mail in &outcome.mails {
        let row = &mut rows[periods.index(mail.commit.time)];
        row.messages += 1;
        if matches!(&mail.message.subject.kind, SubjectKind::Patch(t) if !t.is_cover_letter()) {
            row.patches += 1;
        }
        if let Some(domain) = mail.message.author.as_ref().and_then(|a| a.domain()) {
            *row.organizations
                .entry(organizations.organization(domain))
                .or_default() += 1;
        }
    }
    let report_options = report::Options {
        list: options.list.clone(),
        identities: Identities {
            // Applied above already.
            mailmap: Mailmap::default(),
            organizations: organizations.clone(),
        },
        ..Default::default()
    };
    let report = report::from_mails(archive_name, selected, outcome, Vec::new(), &report_options);
    count_report(&report, &periods, organizations, &mut rows);
    let trends = Trends {
        list: report.list.clone(),
        by: options.by,
        first_mail: report::timestamp(first),
        last_mail: report::timestamp(last),
        rows: rows
            .into_iter()
            .enumerate()
            .map(|(i, tally)| tally.row(&periods, i))
            .collect(),
        warnings: report.warnings.clone(),
    };
    // The whole window's report is only counted: freeing its many small
    // allocations is left to a thread while the table is rendered, as the
    // report's own mails are.
    std::thread::spawn(move || drop(report));
    Ok(trends)
}

/// What is counted of one period.
#[derive(Clone, Debug, Default)]
struct Tally {
    messages: usize,
    series: usize,
    patches: usize,
    applied: usize,
    reviews: usize,
    with_organizations: usize,
    cross_organization: usize,
    review_days: Vec<u32>,
    organizations: HashMap<String, usize>,
}

impl Tally {
    fn row(self, periods: &Periods, i: usize) -> TrendRow {
        let start = periods.starts.get(i).copied();
        let mut organizations: Vec<OrganizationCount> = self
            .organizations
            .into_iter()
            .map(|(name, count)| OrganizationCount { name, count })
            .collect();
        organizations.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
        TrendRow {
            period: start.map(|s| periods.by.label(s)).unwrap_or_default(),
            start: start.map(|s| s.to_string()).unwrap_or_default(),
            end: periods
                .last_day(i)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            messages: self.messages,
            series: self.series,
            patches: self.patches,
            applied: self.applied,
            reviews: self.reviews,
            median_days_to_first_review: median(self.review_days),
            reviews_with_organizations: self.with_organizations,
            cross_organization_reviews: self.cross_organization,
            cross_organization_share: (self.with_organizations > 0)
                .then(|| self.cross_organization as f64 / self.with_organizations as f64),
            organizations,
        }
    }
}

/// Seconds since the epoch of an RFC 3339 time of the report.
fn seconds(time: &str) -> Option<i64> {
    time.parse::<jiff::Timestamp>().ok().map(|t| t.as_second())
}

/// Counts the report's series, applied patches and reviews into their periods.
fn count_report(report: &Report, periods: &Periods, organizations: &OrgMap, rows: &mut [Tally]) {
    for series in &report.series {
        let Some(posted) = seconds(&series.first_seen) else {
            continue;
        };
        let row = &mut rows[periods.index(posted)];
        row.series += 1;
        if let Some(days) = series
            .days_to_first_review
            .filter(|_| series.starts_in_window)
        {
            row.review_days.push(days);
        }
        for patch in &series.patches {
            if let Some(applied) = &patch.applied {
                let when = applied.date.as_deref().and_then(seconds).unwrap_or(posted);
                rows[periods.index(when)].applied += 1;
            }
        }
    }
    for (trailer, author) in reviews_given(report) {
        let Some(when) = seconds(&trailer.arrived) else {
            continue;
        };
        let row = &mut rows[periods.index(when)];
        row.reviews += 1;
        let reviewer = organization_of(&trailer.person, organizations);
        let author = author.and_then(|a| organization_of(a, organizations));
        if let (Some(reviewer), Some(author)) = (reviewer, author) {
            row.with_organizations += 1;
            if reviewer != author {
                row.cross_organization += 1;
            }
        }
    }
}

/// The reviews (Reviewed/Acked/Tested-by) given in replies in a report,
/// each with the author of the patch it was given on, when known: the
/// patch's own, the series' for its cover letter, a thread's starter for
/// a thread (unknown when that started before the selection).
pub(crate) fn reviews_given(
    report: &Report,
) -> impl Iterator<Item = (&GivenTrailer, Option<&Person>)> {
    let in_series = report.series.iter().flat_map(|s| {
        s.trailers
            .iter()
            .filter(|t| t.in_reply && t.kind.is_review())
            .map(move |t| (t, patch_author(s, t.patch)))
    });
    let threads = [
        &report.pull_requests,
        &report.bug_reports,
        &report.discussions,
        &report.earlier_series,
    ];
    let in_threads = threads.into_iter().flatten().flat_map(|thread| {
        thread
            .trailers
            .iter()
            .filter(|t| t.kind.is_review())
            .map(move |t| (t, thread.author.as_ref()))
    });
    in_series.chain(in_threads)
}

/// The author of patch `index` of a series (the series' for its cover
/// letter, or for a patch not in the selection).
fn patch_author(series: &Series, index: Option<u32>) -> Option<&Person> {
    let patch = series
        .patches
        .iter()
        .find(|p| index.is_some() && p.index == index);
    patch
        .and_then(|p| p.author.as_ref())
        .or(series.author.as_ref())
}

/// Whom a person's review or patch counts for: the organization of their
/// domain. A personal address (`(personal)` in the map) is that person's
/// own: two hobbyists are not one organization. `None` without a domain.
fn organization_of(person: &Person, organizations: &OrgMap) -> Option<String> {
    let organization = organizations.organization(person.domain()?);
    Some(if organization == PERSONAL {
        format!("{PERSONAL} {}", person.email)
    } else {
        organization
    })
}

/// The organization map's name for personal mail providers.
const PERSONAL: &str = "(personal)";

#[cfg(test)]
mod tests;
