//! A watchlist applied to a built report: the series it asks for, their
//! status and section tables, the threads of the people watched, and the
//! "Your series" table. The list-wide figures stay as they are, so a
//! filtered report still says how big the whole list's period was.

use std::collections::{HashMap, HashSet};

use super::build::Options;
use super::model::{Report, Series, StatusEntry, Thread, WatchReason, WatchSummary, YourSeries};
use super::sections;
use crate::Error;
use crate::analysis::{OrgMap, count_subsystems};
use crate::mail::Person;
use crate::maintainers::{Maintainers, Section};
use crate::status::SeriesStatus;
use crate::watch::{Compiled, Watch, nearest};

/// Keeps what `watch` asks for of `report` (see [`crate::watch`]).
pub(super) fn apply(
    report: &mut Report,
    watch: &Watch,
    compiled: &Compiled,
    options: &Options,
) -> Result<(), Error> {
    let maintainers = options.maintainers.as_deref();
    let organizations = &options.identities.organizations;
    for miss in misses(report, watch, compiled, maintainers, organizations)? {
        if strict(&options.watch_strict, &miss) {
            return Err(miss);
        }
        report.warnings.push(format!("watch: {miss}"));
    }
    let end = selection_end(report);
    let by_name: HashMap<&str, &Section> = maintainers
        .map(|m| m.sections().iter().map(|s| (s.name.as_str(), s)).collect())
        .unwrap_or_default();
    let judge = Judge {
        compiled,
        organizations,
        sections: &by_name,
    };

    let mut kept = Vec::new();
    let mut your_series = Vec::new();
    for series in std::mem::take(&mut report.series) {
        let (watched, why) = judge.series(&series);
        if !watched {
            continue;
        }
        if !why.is_empty() {
            your_series.push(your_line(&series, why, end));
        }
        kept.push(series);
    }
    let ids: HashSet<&str> = kept
        .iter()
        .filter_map(|s| s.message_id.as_deref())
        .collect();
    let keep_entry = |entry: &StatusEntry| {
        if entry.in_selection {
            entry
                .message_id
                .as_deref()
                .is_some_and(|id| ids.contains(id))
        } else {
            // Posted before the selection: only its author is known.
            entry.author.as_ref().is_some_and(|a| judge.by_watched(a))
        }
    };
    report.applied.retain(keep_entry);
    report.awaiting_review.retain(keep_entry);
    report.changes_requested.retain(keep_entry);
    report.nacked.retain(keep_entry);
    for threads in [
        &mut report.pull_requests,
        &mut report.bug_reports,
        &mut report.discussions,
        &mut report.earlier_series,
    ] {
        threads.retain(|t| judge.thread(t));
    }

    if let Some(m) = maintainers {
        let refs: Vec<&Series> = kept.iter().collect();
        let tables = sections::tables(m, &refs);
        report.sections = Some(tables.sections);
        report.unreviewed_by_section = tables.unreviewed_by_section;
        report.missed_cc = tables.missed_cc;
    }
    report.subsystems = count_subsystems(kept.iter().map(|s| (s.title.as_str(), s.patches.len())));
    report.watch = Some(WatchSummary {
        description: watch.describe(),
        sections: watch.sections.clone(),
        who: watch.who.clone(),
        orgs: watch.orgs.clone(),
        files: watch.files.clone(),
        series: kept.len(),
        patches: kept.iter().map(|s| s.patches.len()).sum(),
        unreviewed_patches: kept.iter().map(|s| s.unreviewed_patches).sum(),
        applied_patches: kept
            .iter()
            .flat_map(|s| &s.patches)
            .filter(|p| p.applied.is_some())
            .count(),
    });
    report.your_series = your_series;
    report.series = kept;
    Ok(())
}

/// Whether a miss is of a criterion given strictly.
fn strict(strict: &Watch, miss: &Error) -> bool {
    let Error::NoMatch { flag, given, .. } = miss else {
        return true;
    };
    let of_flag = match flag.as_str() {
        "--section" => &strict.sections,
        "--who" => &strict.who,
        _ => &strict.orgs,
    };
    of_flag.iter().any(|g| g.trim() == given)
}

/// Decides what is watched.
struct Judge<'a> {
    compiled: &'a Compiled,
    organizations: &'a OrgMap,
    sections: &'a HashMap<&'a str, &'a Section>,
}

impl Judge<'_> {
    /// Whether the series is watched, and why it is "yours" (empty when
    /// only a section or a file made it so).
    fn series(&self, series: &Series) -> (bool, Vec<WatchReason>) {
        let mut why = Vec::new();
        if let Some(author) = &series.author {
            if self.compiled.person(author) {
                why.push(WatchReason::Author);
            }
            if self.organization(author) {
                why.push(WatchReason::Organization);
            }
        }
        let reviewed_by = series
            .reviews
            .iter()
            .flat_map(|line| &line.people)
            .any(|p| self.compiled.person(p));
        if reviewed_by {
            why.push(WatchReason::Reviewer);
        }
        if open(series.status) && self.waits_on(series) {
            why.push(WatchReason::WaitingOn);
        }
        let by_section = self.compiled.has_sections()
            && series.sections.iter().any(|s| self.compiled.section(s));
        let by_file = self.compiled.has_files()
            && series
                .patches
                .iter()
                .flat_map(|p| &p.files)
                .any(|f| self.compiled.file(f));
        (!why.is_empty() || by_section || by_file, why)
    }

    /// Whether a person watched is `M:` or `R:` of one of its sections.
    fn waits_on(&self, series: &Series) -> bool {
        series.sections.iter().any(|name| {
            self.sections.get(name.as_str()).is_some_and(|s| {
                s.maintainers
                    .iter()
                    .chain(&s.reviewers)
                    .any(|p| self.compiled.person(p))
            })
        })
    }

    /// Whether the person's organization (or domain) is watched.
    fn organization(&self, person: &Person) -> bool {
        let Some((_, domain)) = person.email.rsplit_once('@') else {
            return false;
        };
        self.compiled
            .organization(&self.organizations.organization(domain), domain)
    }

    /// Whether the person is watched, or is of an organization watched.
    fn by_watched(&self, person: &Person) -> bool {
        self.compiled.person(person) || self.organization(person)
    }

    /// A thread that is not a series concerns the people watched when one
    /// of them (or of their organizations) started it or wrote in it;
    /// sections and files say nothing about it.
    fn thread(&self, thread: &Thread) -> bool {
        thread
            .author
            .iter()
            .chain(&thread.participants)
            .any(|p| self.by_watched(p))
    }
}

/// Whether a series may still need someone: not applied, superseded,
/// NAKed or sent back.
fn open(status: SeriesStatus) -> bool {
    matches!(
        status,
        SeriesStatus::New
            | SeriesStatus::UnderReview
            | SeriesStatus::Reviewed
            | SeriesStatus::PartiallyApplied
    )
}

fn your_line(series: &Series, why: Vec<WatchReason>, end: Option<jiff::Timestamp>) -> YourSeries {
    let mut versions: Vec<u32> = series.earlier_versions.iter().map(|v| v.version).collect();
    versions.push(series.version);
    versions.dedup();
    let days_since_activity = match (end, series.last_activity.parse::<jiff::Timestamp>()) {
        (Some(end), Ok(last)) => whole_days(end.as_second() - last.as_second()),
        _ => 0,
    };
    YourSeries {
        title: series.title.clone(),
        prefixes: series.prefixes.clone(),
        version: series.version,
        versions,
        author: series.author.clone(),
        message_id: series.message_id.clone(),
        url: series.url.clone(),
        why,
        reviews: series.reviews.iter().map(|line| line.people.len()).sum(),
        status: series.status,
        days_since_activity,
    }
}

fn whole_days(seconds: i64) -> u32 {
    u32::try_from(seconds.max(0) / 86_400).unwrap_or(u32::MAX)
}

/// The newest arrival the report knows of: its selection's end. RFC 3339
/// times in UTC of one format order as text.
fn selection_end(report: &Report) -> Option<jiff::Timestamp> {
    report
        .series
        .iter()
        .map(|s| s.last_activity.as_str())
        .chain(
            [
                &report.pull_requests,
                &report.bug_reports,
                &report.discussions,
                &report.earlier_series,
            ]
            .into_iter()
            .flatten()
            .map(|t| t.last_activity.as_str()),
        )
        .max()
        .and_then(|t| t.parse().ok())
}

/// The criteria that name nothing known, as errors that list the nearest
/// names. A `--section` without MAINTAINERS is an error in any case.
fn misses(
    report: &Report,
    watch: &Watch,
    compiled: &Compiled,
    maintainers: Option<&Maintainers>,
    organizations: &OrgMap,
) -> Result<Vec<Error>, Error> {
    let mut misses = Vec::new();
    if !watch.sections.is_empty() {
        let Some(maintainers) = maintainers else {
            return Err(Error::BadWatch {
                flag: "--section".into(),
                given: watch.sections.join(" "),
                reason: "section names come from a MAINTAINERS file: give --maintainers".into(),
            });
        };
        let names: Vec<&str> = maintainers
            .sections()
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        for glob in &watch.sections {
            let one = Watch {
                sections: vec![glob.clone()],
                ..Watch::default()
            }
            .compile()?;
            if !names.iter().any(|n| one.section(n)) {
                misses.push(Error::NoMatch {
                    flag: "--section".into(),
                    given: glob.clone(),
                    what: "section of the MAINTAINERS file".into(),
                    nearest: nearest(glob, names.iter().copied()),
                });
            }
        }
    }
    if !watch.who.is_empty() {
        let people = known_people(report, maintainers);
        for given in compiled.unmatched_people(people.iter()) {
            let by_address = given.contains('@');
            let keys = people.iter().map(|p| {
                if by_address {
                    p.email.as_str()
                } else {
                    p.name.as_str()
                }
            });
            let found = nearest(given, keys);
            // Shown as `Name <address>`, whichever half was compared.
            let nearest = found
                .iter()
                .filter_map(|key| {
                    people
                        .iter()
                        .find(|p| p.email == *key || p.name == *key)
                        .map(|p| format!("{} <{}>", p.name, p.email))
                })
                .collect();
            misses.push(Error::NoMatch {
                flag: "--who".into(),
                given: given.to_string(),
                what: "author, reviewer or maintainer".into(),
                nearest,
            });
        }
    }
    if !watch.orgs.is_empty() {
        // The report's organizations and every one the map names.
        // The map's organizations and domains, and those of the report's
        // people (an unlisted domain stands for itself).
        let mut known: Vec<(String, String)> = organizations
            .entries()
            .map(|(d, o)| (o.to_string(), d.to_string()))
            .collect();
        known.extend(
            report
                .domains
                .iter()
                .chain(&report.reviewer_domains)
                .map(|d| (organizations.organization(&d.domain), d.domain.clone())),
        );
        let known: Vec<(&str, &str)> = known
            .iter()
            .map(|(o, d)| (o.as_str(), d.as_str()))
            .collect();
        for given in compiled.unmatched_orgs(known.iter().copied()) {
            let names: HashSet<&str> = known.iter().map(|(o, _)| *o).collect();
            let mut names: Vec<&str> = names.into_iter().collect();
            names.sort_unstable();
            misses.push(Error::NoMatch {
                flag: "--org".into(),
                given: given.to_string(),
                what: "organization or domain".into(),
                nearest: nearest(given, names),
            });
        }
    }
    Ok(misses)
}

/// Everyone the report or MAINTAINERS names.
fn known_people(report: &Report, maintainers: Option<&Maintainers>) -> Vec<Person> {
    let mut seen = HashSet::new();
    let mut people = Vec::new();
    let counted = report
        .contributors
        .iter()
        .chain(&report.reviewers)
        .map(|c| Person::new(&c.name, &c.email));
    let in_series = report.series.iter().flat_map(|s| {
        s.author
            .iter()
            .chain(&s.participants)
            .chain(s.reviews.iter().flat_map(|l| &l.people))
            .cloned()
    });
    let in_sections = maintainers
        .into_iter()
        .flat_map(|m| m.sections())
        .flat_map(|s| s.maintainers.iter().chain(&s.reviewers).cloned());
    for person in counted.chain(in_series).chain(in_sections) {
        if seen.insert((person.name.clone(), person.email.clone())) {
            people.push(person);
        }
    }
    people
}
