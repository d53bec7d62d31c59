//! What became of each series, for the report: the facts `status::assess`
//! reads, gathered from a series' replies, and the report's status lists
//! (applied, awaiting review, changes requested, NAKed).

use super::model::{PatchMail, Series, StatusCounts, StatusEntry, Thread};
use crate::archive::MailRecord;
use crate::mail::{Person, parse_subject};
use crate::status::{
    Applied, Assessment, Notice, PatchFacts, Reply, Review, Rule, SeriesFacts, SeriesStatus,
    StatusReason, applied_words, assess, decided_status,
};

const DAY: i64 = 86_400;

/// Whole days from `from` to `to`, never negative.
fn days(from: i64, to: i64) -> u32 {
    u32::try_from(to.saturating_sub(from).max(0) / DAY).unwrap_or(u32::MAX)
}

fn parse_time(rfc3339: &str) -> Option<i64> {
    rfc3339
        .parse::<jiff::Timestamp>()
        .ok()
        .map(|t| t.as_second())
}

/// The replies a series drew: (mail index, patch answered).
pub(super) type ReplyMails = [(usize, Option<u32>)];

/// Fills in a series' status, its reason, its timings and each patch's
/// `applied`, from its replies in the selection. `tree` gives what the
/// upstream tree says of a patch (by Message-ID), when `--tree` is given.
/// Returns the assessment's warnings.
pub(super) fn assess_series(
    series: &mut Series,
    mails: &[MailRecord],
    replies: &ReplyMails,
    tree: &dyn Fn(&PatchMail) -> Option<Applied>,
    timestamp: &dyn Fn(i64) -> String,
    link: &dyn Fn(Option<&str>) -> Option<String>,
) -> Vec<String> {
    let author = series.author.as_ref().map(|a| a.email.as_str());
    let reviewed_on: std::collections::HashSet<Option<u32>> = series
        .trailers
        .iter()
        .filter(|t| t.kind.is_review())
        .map(|t| t.patch)
        .collect();
    let whole_series_reviewed = reviewed_on.contains(&Some(0));
    let mut facts = SeriesFacts {
        author,
        total: series.total,
        patches: series
            .patches
            .iter()
            .map(|p| PatchFacts {
                index: p.index,
                title: &p.title,
                reviewed: whole_series_reviewed || reviewed_on.contains(&p.index),
                in_tree: tree(p),
            })
            .collect(),
        ..SeriesFacts::default()
    };
    for &(m, on) in replies {
        let mail = &mails[m];
        let message = &mail.message;
        let time = mail.commit.time;
        let message_id = message.message_id.as_deref();
        for evidence in &message.evidence {
            facts.notices.push(Notice {
                on,
                evidence,
                time,
                message_id,
            });
        }
        let from_other = message
            .author
            .as_ref()
            .is_some_and(|a| Some(a.email.as_str()) != author);
        if from_other {
            facts.replies.push(Reply {
                by: message.author.clone(),
                time,
                message_id: message_id.map(str::to_string),
            });
        }
        for trailer in message.trailers.iter().filter(|t| t.kind.is_review()) {
            facts.reviews.push(Review {
                text: format!("{}: {}", trailer.kind.name(), person_text(&trailer.person)),
                by: trailer.person.clone(),
                time,
                message_id: message_id.map(str::to_string),
            });
        }
    }
    if let Some(newer) = &series.superseded_by {
        let label = match newer.version_minor {
            Some(minor) => format!("v{}.{minor}", newer.version),
            None => format!("v{}", newer.version),
        };
        let time = parse_time(&newer.first_seen).unwrap_or_default();
        facts.newer_version = Some((time, newer.message_id.clone(), label));
    }
    let first_seen = parse_time(&series.first_seen).unwrap_or_default();
    let first_reply = facts.replies.iter().map(|r| r.time).min();
    let first_review = facts.reviews.iter().map(|r| r.time).min();
    let Assessment {
        status,
        reason,
        applied,
        warnings,
    } = assess(&facts, timestamp, link);
    series.status = status;
    series.status_reason = reason;
    series.days_to_first_reply = first_reply.map(|t| days(first_seen, t));
    series.days_to_first_review = first_review.map(|t| days(first_seen, t));
    for (patch, applied) in series.patches.iter_mut().zip(applied) {
        patch.applied = applied.map(Box::new);
    }
    warnings
}

fn person_text(person: &Person) -> String {
    if person.name.is_empty() {
        format!("<{}>", person.email)
    } else {
        format!("{} <{}>", person.name, person.email)
    }
}

/// The report's status lists and counts, from its series and the threads
/// of series posted before the selection.
#[derive(Debug, Default)]
pub(super) struct StatusLists {
    pub applied: Vec<StatusEntry>,
    pub awaiting_review: Vec<StatusEntry>,
    pub changes_requested: Vec<StatusEntry>,
    pub nacked: Vec<StatusEntry>,
    pub counts: StatusCounts,
    pub applied_patches: usize,
}

/// `end` is the time of the selection's newest mail: how long a series has
/// waited is measured to it.
pub(super) fn status_lists(
    series: &[&Series],
    earlier: &[(Thread, Vec<usize>)],
    mails: &[MailRecord],
    end: i64,
    timestamp: &dyn Fn(i64) -> String,
    link: &dyn Fn(Option<&str>) -> Option<String>,
) -> StatusLists {
    let mut lists = StatusLists::default();
    for s in series {
        lists.counts.add(s.status);
        lists.applied_patches += s.patches.iter().filter(|p| p.applied.is_some()).count();
        let entry = |days_waiting| StatusEntry {
            title: s.title.clone(),
            version: s.version,
            author: s.author.clone(),
            message_id: s.message_id.clone(),
            url: s.url.clone(),
            in_selection: true,
            status: s.status,
            reason: s.status_reason.clone(),
            patches_applied: None,
            commits: Vec::new(),
            tree: None,
            branch: None,
            total: s.total,
            days_waiting,
        };
        match s.status {
            SeriesStatus::Applied | SeriesStatus::PartiallyApplied => {
                let mut e = entry(None);
                let applied = s.patches.iter().filter_map(|p| p.applied.as_ref());
                e.patches_applied = Some(applied.clone().count());
                // The place of the notice that decided the status, else of
                // any patch's.
                let decided = s
                    .status_reason
                    .as_ref()
                    .and_then(|r| r.message_id.as_deref());
                let place = applied
                    .clone()
                    .find(|a| a.message_id.is_some() && a.message_id.as_deref() == decided)
                    .or_else(|| {
                        applied
                            .clone()
                            .find(|a| a.tree.is_some() || a.branch.is_some())
                    });
                e.tree = place.and_then(|a| a.tree.clone());
                e.branch = place.and_then(|a| a.branch.clone());
                e.commits = applied.filter_map(|a| a.commit.clone()).collect();
                lists.applied.push(e);
            }
            SeriesStatus::ChangesRequested => lists.changes_requested.push(entry(None)),
            SeriesStatus::Nacked => lists.nacked.push(entry(None)),
            SeriesStatus::New | SeriesStatus::UnderReview
                if s.unreviewed_patches == s.patches.len() =>
            {
                let first_seen = parse_time(&s.first_seen).unwrap_or(end);
                lists
                    .awaiting_review
                    .push(entry(Some(days(first_seen, end))));
            }
            _ => {}
        }
    }
    for (thread, thread_mails) in earlier {
        if let Some(entry) = earlier_entry(thread, thread_mails, mails, timestamp, link) {
            match entry.status {
                SeriesStatus::Applied | SeriesStatus::PartiallyApplied => lists.applied.push(entry),
                SeriesStatus::Nacked => lists.nacked.push(entry),
                _ => lists.changes_requested.push(entry),
            }
        }
    }
    let newest_first = |a: &StatusEntry, b: &StatusEntry| {
        let date = |e: &StatusEntry| e.reason.as_ref().and_then(|r| r.date.clone());
        b.in_selection
            .cmp(&a.in_selection)
            .then_with(|| date(b).cmp(&date(a)))
    };
    lists.applied.sort_by(newest_first);
    lists.changes_requested.sort_by(newest_first);
    lists.nacked.sort_by(newest_first);
    // Longest waiting first; among equals the older series (the series
    // come newest first).
    lists.awaiting_review.reverse();
    lists
        .awaiting_review
        .sort_by_key(|e| std::cmp::Reverse(e.days_waiting));
    lists
}

/// What the notices in the thread of a series posted before the selection
/// say became of it: applied, NAKed or changes requested, the newest
/// notice deciding; `None` when they say nothing of that.
fn earlier_entry(
    thread: &Thread,
    thread_mails: &[usize],
    mails: &[MailRecord],
    timestamp: &dyn Fn(i64) -> String,
    link: &dyn Fn(Option<&str>) -> Option<String>,
) -> Option<StatusEntry> {
    let mut decided = None;
    for &m in thread_mails {
        let mail = &mails[m];
        for evidence in &mail.message.evidence {
            // Only the outcomes the report lists for such series: applied,
            // NAKed, changes requested.
            let status = match decided_status(&evidence.kind) {
                Some(SeriesStatus::Superseded) | None => continue,
                Some(status) => status,
            };
            // Without the series at hand, a bare `Applied.` cannot be told
            // from an author taking a suggestion: only named places count.
            if evidence.rule == Rule::FreeText
                && evidence.tree.is_none()
                && evidence.branch.is_none()
            {
                continue;
            }
            let applied_patches = evidence
                .patches
                .iter()
                .filter(|p| evidence.rule != Rule::PatchworkBot || p.commit.is_some())
                .count();
            if status == SeriesStatus::Applied
                && evidence.rule == Rule::PatchworkBot
                && applied_patches == 0
            {
                continue;
            }
            let mut text = evidence.lines.join(" ");
            if status == SeriesStatus::Applied {
                text = applied_words(evidence.tree.as_deref(), evidence.branch.as_deref());
            }
            let reason = StatusReason {
                kind: evidence.rule.name().to_string(),
                by: evidence.by.clone(),
                date: Some(timestamp(mail.commit.time)),
                message_id: mail.message.message_id.clone(),
                url: link(mail.message.message_id.as_deref()),
                text,
            };
            let patches = (!evidence.patches.is_empty()).then_some(applied_patches);
            let commits = evidence
                .patches
                .iter()
                .filter_map(|p| p.commit.clone())
                .collect::<Vec<_>>();
            let place = if status == SeriesStatus::Applied {
                (evidence.tree.clone(), evidence.branch.clone())
            } else {
                (None, None)
            };
            decided = Some((status, reason, patches, commits, place));
        }
    }
    let (status, reason, patches_applied, commits, (tree, branch)) = decided?;
    let subject = parse_subject(&thread.subject);
    let (version, total) = match &subject.kind {
        crate::mail::SubjectKind::Patch(tag) => (tag.version.major, tag.total),
        _ => (1, None),
    };
    Some(StatusEntry {
        title: subject.title,
        version,
        author: thread.author.clone(),
        message_id: thread.message_id.clone(),
        url: thread.url.clone(),
        in_selection: false,
        status,
        reason: Some(reason),
        patches_applied,
        commits,
        tree,
        branch,
        total,
        days_waiting: None,
    })
}
