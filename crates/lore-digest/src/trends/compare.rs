//! A report beside another period (`--compare`): which period that is,
//! its report, and what changed: the figures and the ranks of the top
//! lists (`+3`, `-2`, `=`, `new`).

use std::collections::HashMap;

use crate::Error;
use crate::archive::{Selected, Selection};
use crate::report::{
    self, Change, CompareBasis, Comparison, Figures, MedianChange, RankChange, RankChanges, Report,
    Span,
};

/// Which period a report is compared with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Compare {
    /// None: the report's `comparison` is null.
    #[default]
    None,
    /// The period of the same length just before the selection.
    Previous,
    /// A range or window given (`--compare A..B`).
    With(Selection),
}

/// The span a selection covers, in seconds (both ends inclusive): a
/// window's bounds, else (and for a window's open end) its first and last
/// arrivals. The last arrival, not the time of the run, ends `--since 7d`,
/// so that the same archive gives the same report.
pub(crate) fn span_of(selection: &Selection, selected: &Selected) -> Option<(i64, i64)> {
    let first = selected.commits.iter().map(|c| c.time).min()?;
    let last = selected.commits.iter().map(|c| c.time).max()?;
    Some(match selection {
        Selection::Window { since, until } => (
            since.map_or(first, |t| t.as_second()),
            until.map_or(last, |t| t.as_second()),
        ),
        Selection::Range { .. } | Selection::After(_) | Selection::Between { .. } => (first, last),
    })
}

/// The other period of a comparison, read before the report it is
/// compared with is finished: it needs only the report's span.
pub(crate) enum OtherPeriod {
    /// `--compare none`.
    None,
    /// A period without mail, with the reason the report says.
    Empty {
        basis: CompareBasis,
        window: Option<(i64, i64)>,
        note: String,
    },
    /// The other period's report and its span.
    Read {
        basis: CompareBasis,
        span: (i64, i64),
        report: Box<Report>,
    },
}

/// Reads the period `compare` names, for a report whose selection spans
/// `span` and holds all history before it when `open_start`. The other
/// period's report is built with the same options, looking back for
/// nothing: only its figures and top lists are used.
pub(crate) fn other_period(
    sources: &[report::Source],
    compare: &Compare,
    span: (i64, i64),
    open_start: bool,
    options: &report::Options,
) -> Result<OtherPeriod, Error> {
    let (since, until) = span;
    let (basis, other) = match compare {
        Compare::None => return Ok(OtherPeriod::None),
        // Nothing is before the archive's first mail: no need to look.
        Compare::Previous if open_start => {
            return Ok(OtherPeriod::Empty {
                basis: CompareBasis::Previous,
                window: None,
                note: "the selection starts with the archive's first mail".into(),
            });
        }
        Compare::Previous => {
            let length = until.saturating_sub(since).saturating_add(1);
            let before = Selection::Window {
                since: jiff::Timestamp::from_second(since.saturating_sub(length)).ok(),
                until: jiff::Timestamp::from_second(since.saturating_sub(1)).ok(),
            };
            (CompareBasis::Previous, before)
        }
        // Each list has its own commits: a range names one list's.
        Compare::With(
            Selection::Range { .. } | Selection::After(_) | Selection::Between { .. },
        ) if sources.len() > 1 => {
            return Err(Error::Unsupported(
                "--compare A..B with commits names one list's history; with several lists give two times (--compare 2025-04-01..2025-04-30)".into(),
            ));
        }
        Compare::With(selection) => (CompareBasis::Given, selection.clone()),
    };
    // A watchlist filters this report after it is compared, so the other
    // period is read whole too.
    let other_options = report::Options {
        lookback: report::Lookback::Off,
        compare: Compare::None,
        already_reported: Vec::new(),
        watch: None,
        ..options.clone()
    };
    let window = match &other {
        Selection::Window {
            since: Some(s),
            until: Some(u),
        } => Some((s.as_second(), u.as_second())),
        _ => None,
    };
    let others: Vec<report::Source> = sources
        .iter()
        .map(|s| report::Source {
            selection: other.clone(),
            ..s.clone()
        })
        .collect();
    match report::build_with_span(&others, &other_options) {
        Ok((before, other_span)) => Ok(OtherPeriod::Read {
            basis,
            span: window.unwrap_or(other_span),
            report: Box::new(before),
        }),
        // Worded here, not by the archive, so every kind of archive says
        // the same.
        Err(Error::EmptySelection(_)) => Ok(OtherPeriod::Empty {
            basis,
            window,
            note: "no mail arrived in that period".to_string(),
        }),
        Err(e) => Err(e),
    }
}

impl OtherPeriod {
    /// The comparison of `report`, whose selection spans `span`, with this
    /// period.
    pub(crate) fn compared_with(self, span: (i64, i64), report: &Report) -> Option<Comparison> {
        match self {
            OtherPeriod::None => None,
            OtherPeriod::Empty {
                basis,
                window,
                note,
            } => Some(empty(basis, span, window, note, report)),
            OtherPeriod::Read {
                basis,
                span: other_span,
                report: before,
            } => Some(compared(basis, span, other_span, report, &before)),
        }
    }
}

fn span(seconds: (i64, i64)) -> Span {
    Span {
        since: report::timestamp(seconds.0),
        until: report::timestamp(seconds.1),
    }
}

/// A comparison with a period that holds no mail: the figures before are
/// zero, and no rank changes, since every entry would be `new`.
fn empty(
    basis: CompareBasis,
    period: (i64, i64),
    other: Option<(i64, i64)>,
    note: String,
    now: &Report,
) -> Comparison {
    let nothing = figures_of(None);
    let figures = figures(&figures_of(Some(now)), &nothing);
    Comparison {
        basis,
        period: span(period),
        other: other.map(span),
        empty: true,
        note: Some(note),
        figures,
        ranks: RankChanges::default(),
    }
}

fn compared(
    basis: CompareBasis,
    period: (i64, i64),
    other: (i64, i64),
    now: &Report,
    before: &Report,
) -> Comparison {
    let figures = figures(&figures_of(Some(now)), &figures_of(Some(before)));
    let domains = |r: &Report| -> Vec<Entry> {
        let rows = r.domains.iter();
        rows.map(|d| (d.domain.clone(), None, d.count)).collect()
    };
    let organizations = |r: &Report| -> Vec<Entry> {
        let rows = r.organizations.iter();
        rows.map(|o| (o.name.clone(), None, o.count)).collect()
    };
    let people = |rows: &[report::ContributorCount]| -> Vec<Entry> {
        let rows = rows.iter();
        rows.map(|c| (c.name.clone(), Some(c.email.clone()), c.count))
            .collect()
    };
    let sections = |r: &Report| -> Vec<Entry> {
        let rows = r.sections.iter().flatten();
        rows.map(|s| (s.name.clone(), None, s.series)).collect()
    };
    Comparison {
        basis,
        period: span(period),
        other: Some(span(other)),
        empty: false,
        note: None,
        figures,
        ranks: RankChanges {
            domains: rank_changes(&domains(now), &domains(before)),
            organizations: rank_changes(&organizations(now), &organizations(before)),
            contributors: rank_changes(&people(&now.contributors), &people(&before.contributors)),
            reviewers: rank_changes(&people(&now.reviewers), &people(&before.reviewers)),
            sections: rank_changes(&sections(now), &sections(before)),
        },
    }
}

/// The compared figures of one report (all zero for none).
struct Counts {
    messages: usize,
    patches: usize,
    series: usize,
    reviews: usize,
    applied: usize,
    unreviewed: usize,
    median: Option<f64>,
}

fn figures_of(report: Option<&Report>) -> Counts {
    let Some(r) = report else {
        return Counts {
            messages: 0,
            patches: 0,
            series: 0,
            reviews: 0,
            applied: 0,
            unreviewed: 0,
            median: None,
        };
    };
    let days = r
        .series
        .iter()
        .filter(|s| s.starts_in_window)
        .filter_map(|s| s.days_to_first_review);
    Counts {
        messages: r.stats.messages,
        patches: r.stats.patches,
        series: r.stats.series,
        reviews: r.reviewers.iter().map(|c| c.count).sum(),
        applied: r.stats.applied_patches,
        unreviewed: r.stats.unreviewed_patches,
        median: median(days.collect()),
    }
}

fn figures(now: &Counts, before: &Counts) -> Figures {
    let change = |f: fn(&Counts) -> usize| Change {
        now: f(now),
        before: f(before),
    };
    Figures {
        messages: change(|c| c.messages),
        patches: change(|c| c.patches),
        series: change(|c| c.series),
        reviews: change(|c| c.reviews),
        applied: change(|c| c.applied),
        unreviewed: change(|c| c.unreviewed),
        median_days_to_first_review: MedianChange {
            now: now.median,
            before: before.median,
        },
    }
}

/// The median of whole days: the middle one, or the mean of the two
/// middle ones of an even count; `None` for none.
pub fn median(mut days: Vec<u32>) -> Option<f64> {
    if days.is_empty() {
        return None;
    }
    days.sort_unstable();
    let middle = days.len() / 2;
    Some(if days.len() % 2 == 1 {
        f64::from(days[middle])
    } else {
        (f64::from(days[middle - 1]) + f64::from(days[middle])) / 2.0
    })
}

/// An entry of a top list: its name, a person's address, its count.
type Entry = (String, Option<String>, usize);

/// Ranks from counts, most first: an entry's rank is one more than the
/// number of entries with a higher count, so equal counts share a rank.
fn ranks(entries: &[Entry]) -> Vec<usize> {
    // The lists come sorted by count, most first; sorting again costs
    // little and makes no assumption.
    let mut counts: Vec<usize> = entries.iter().map(|e| e.2).collect();
    counts.sort_unstable_by(|a, b| b.cmp(a));
    entries
        .iter()
        .map(|e| counts.partition_point(|&c| c > e.2) + 1)
        .collect()
}

/// How each entry of `now` moved from its place in `before`. People are
/// matched by address, everything else by name.
pub(crate) fn rank_changes(now: &[Entry], before: &[Entry]) -> Vec<RankChange> {
    let key = |e: &Entry| e.1.clone().unwrap_or_else(|| e.0.clone());
    let before_ranks = ranks(before);
    let earlier: HashMap<String, (usize, usize)> = before
        .iter()
        .zip(before_ranks)
        .map(|(e, rank)| (key(e), (rank, e.2)))
        .collect();
    now.iter()
        .zip(ranks(now))
        .map(|(e, rank)| {
            let then = earlier.get(&key(e)).copied();
            RankChange {
                name: e.0.clone(),
                email: e.1.clone(),
                count: e.2,
                rank,
                previous_count: then.map_or(0, |t| t.1),
                previous_rank: then.map(|t| t.0),
                movement: movement(rank, then.map(|t| t.0)),
            }
        })
        .collect()
}

/// `+3` for three places up, `-2` for two down, `=` for the same place,
/// `new` for an entry not in the list before.
pub fn movement(rank: usize, previous_rank: Option<usize>) -> String {
    let Some(previous) = previous_rank else {
        return "new".into();
    };
    match previous.cmp(&rank) {
        std::cmp::Ordering::Equal => "=".into(),
        std::cmp::Ordering::Greater => format!("+{}", previous - rank),
        std::cmp::Ordering::Less => format!("-{}", rank - previous),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, count: usize) -> Entry {
        (name.into(), None, count)
    }

    #[test]
    fn movements_name_places_up_down_and_new() {
        assert_eq!(movement(1, Some(4)), "+3");
        assert_eq!(movement(5, Some(3)), "-2");
        assert_eq!(movement(2, Some(2)), "=");
        assert_eq!(movement(1, None), "new");
    }

    #[test]
    fn equal_counts_share_a_rank() {
        let list = [entry("a", 9), entry("b", 5), entry("c", 5), entry("d", 1)];
        assert_eq!(ranks(&list), [1, 2, 2, 4]);
        assert!(ranks(&[]).is_empty());
    }

    #[test]
    fn rank_changes_follow_each_entry_by_name_or_address() {
        let before = [
            entry("kernel.org", 10),
            entry("redhat.com", 8),
            entry("intel.com", 6),
            entry("microsoft.com", 4),
        ];
        let now = [
            entry("microsoft.com", 20),
            entry("kernel.org", 9),
            entry("suse.com", 3),
            entry("redhat.com", 1),
        ];
        let moved: Vec<(String, usize, Option<usize>, String)> = rank_changes(&now, &before)
            .into_iter()
            .map(|r| (r.name, r.rank, r.previous_rank, r.movement))
            .collect();
        assert_eq!(
            moved,
            [
                ("microsoft.com".into(), 1, Some(4), "+3".into()),
                ("kernel.org".into(), 2, Some(1), "-1".into()),
                ("suse.com".into(), 3, None, "new".into()),
                ("redhat.com".into(), 4, Some(2), "-2".into()),
            ]
        );
        // One name under two addresses is two people.
        let ann = |email: &str, count| ("Ann".to_string(), Some(email.to_string()), count);
        let changes = rank_changes(&[ann("a@x.org", 2)], &[ann("a@y.org", 5)]);
        assert_eq!(changes[0].movement, "new");
        assert_eq!(changes[0].previous_count, 0);
    }

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![7]), Some(7.0));
        assert_eq!(median(vec![9, 1, 4]), Some(4.0));
        assert_eq!(median(vec![0, 3, 1, 10]), Some(2.0));
        assert_eq!(median(vec![0, 1]), Some(0.5));
    }
}
