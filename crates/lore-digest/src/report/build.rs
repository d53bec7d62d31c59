use std::collections::HashMap;

use super::links::message_url;
use super::model::{ContributorCount, DomainCount, PatchMail, Report, Series, Stats};
use super::threads::discussion;
use crate::Error;
use crate::analysis::{SeriesGroup, count_subsystems, group_series, subsystem, tally};
use crate::archive::{Archive, MailRecord, Missing, ReadOutcome, Selected, Selection};
use crate::mail::SubjectKind;

/// What a report is built with, beyond the selection.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The list's name; derived from `List-Id` or the archive's name when `None`.
    pub list: Option<String>,
    /// The web archive mails link to (`https://lore.kernel.org/kvm`); no
    /// links when `None`.
    pub url: Option<String>,
}

/// Selects, reads and analyses; the whole pipeline for one report.
pub fn build(archive: &Archive, selection: &Selection, options: &Options) -> Result<Report, Error> {
    let (selected, outcome) = archive.read_selection(selection)?;
    Ok(from_mails(archive.name(), &selected, outcome, options))
}

/// Builds the report from mails already read.
pub fn from_mails(
    archive_name: &str,
    selected: &Selected,
    outcome: ReadOutcome,
    options: &Options,
) -> Report {
    let ReadOutcome { mails, missing } = outcome;
    let link = |id: &Option<String>| -> Option<String> {
        Some(message_url(options.url.as_deref()?, id.as_deref()?))
    };
    let tally = tally(&mails);
    let groups = group_series(&mails);

    let mut stats = Stats {
        messages: mails.len(),
        missing: missing.len(),
        series: groups.len(),
        without_author: tally.without_author,
        ..Stats::default()
    };
    for mail in &mails {
        match &mail.message.subject.kind {
            SubjectKind::Reply => stats.replies += 1,
            SubjectKind::Patch(tag) if tag.is_cover_letter() => stats.cover_letters += 1,
            SubjectKind::Patch(_) => stats.patches += 1,
            SubjectKind::PullRequest => stats.pull_requests += 1,
            SubjectKind::Other => {}
        }
    }

    let series_of_mail: HashMap<usize, usize> = groups
        .iter()
        .enumerate()
        .flat_map(|(g, group)| group.members.iter().map(move |&m| (m, g)))
        .collect();
    let discussion = discussion(&mails, &series_of_mail, groups.len(), &link, &timestamp);
    let mut series: Vec<((i64, usize), Series)> = groups
        .iter()
        .zip(discussion.series)
        .filter_map(|(g, activity)| {
            let (key, mut series) = series(&mails, g, &link)?;
            series.replies = activity.replies;
            series.participants = activity.participants;
            series.last_activity = timestamp(activity.last.unwrap_or_default());
            Some((key, series))
        })
        .collect();
    // Newest first by arrival; the position of a series' first mail breaks
    // ties so the order is the same on every run.
    series.sort_by(|(a, _), (b, _)| b.cmp(a));

    Report {
        list: options
            .list
            .clone()
            .unwrap_or_else(|| list_name(&mails).unwrap_or_else(|| archive_name.to_string())),
        from: selected.from.to_hex_with_len(8).to_string(),
        to: selected.to.to_hex_with_len(8).to_string(),
        from_commit: selected.from.to_string(),
        to_commit: selected.to.to_string(),
        stats,
        domains: tally
            .domains
            .into_iter()
            .map(|(domain, count)| DomainCount { domain, count })
            .collect(),
        contributors: tally
            .contributors
            .into_iter()
            .map(|(p, count)| ContributorCount {
                name: p.name,
                email: p.email,
                count,
            })
            .collect(),
        subsystems: count_subsystems(
            series
                .iter()
                .map(|(_, s)| (s.title.as_str(), s.patches.len())),
        ),
        series: series.into_iter().map(|(_, s)| s).collect(),
        pull_requests: discussion.pull_requests,
        bug_reports: discussion.bug_reports,
        discussions: discussion.discussions,
        earlier_series: discussion.earlier_series,
        warnings: warnings(&mails, &missing),
    }
}

/// The series of a group, with its sort key (first arrival, first position).
fn series(
    mails: &[MailRecord],
    group: &SeriesGroup,
    link: &dyn Fn(&Option<String>) -> Option<String>,
) -> Option<((i64, usize), Series)> {
    let patch_mail = |i: usize| -> PatchMail {
        let mail = &mails[i];
        let message = &mail.message;
        let commit_message = message.commit_message.clone().unwrap_or_default();
        PatchMail {
            index: message.patch_tag().and_then(|t| t.index),
            subject: message.subject.full.clone(),
            title: message.subject.title.clone(),
            author: message.author.clone(),
            sender: message.sender.clone(),
            message_id: message.message_id.clone(),
            url: link(&message.message_id),
            commit: mail.commit.id.to_string(),
            arrived: timestamp(mail.commit.time),
            commit_message: commit_message.text,
            diffstat: commit_message.diffstat,
        }
    };
    let index_of = |i: usize| mails[i].message.patch_tag().and_then(|t| t.index);
    let cover = group
        .members
        .iter()
        .copied()
        .find(|&i| index_of(i) == Some(0));
    let patches: Vec<usize> = group
        .members
        .iter()
        .copied()
        .filter(|&i| index_of(i) != Some(0))
        .collect();
    let root = cover.or_else(|| patches.first().copied())?;
    let root_message = &mails[root].message;
    let tag = root_message.patch_tag().cloned().unwrap_or_default();
    let first_seen = group.members.iter().map(|&i| mails[i].commit.time).min()?;
    let first_position = group.members.iter().copied().min()?;
    let series = Series {
        title: root_message.subject.title.clone(),
        version: tag.version.major,
        version_minor: tag.version.minor,
        total: tag.total,
        rfc: tag.rfc,
        resend: tag.resend,
        prefixes: tag.prefixes.clone(),
        author: root_message.author.clone(),
        sender: root_message.sender.clone(),
        first_seen: timestamp(first_seen),
        message_id: root_message.message_id.clone(),
        url: link(&root_message.message_id),
        subsystem: subsystem(&root_message.subject.title),
        starts_in_window: group
            .members
            .iter()
            .any(|&i| matches!(index_of(i), None | Some(0) | Some(1))),
        // Filled in from the discussion once every thread is known.
        replies: 0,
        participants: Vec::new(),
        last_activity: String::new(),
        cover: cover.map(patch_mail),
        patches: patches.into_iter().map(patch_mail).collect(),
    };
    Some(((first_seen, first_position), series))
}

/// The list named by most mails' `List-Id`: `kvm.vger.kernel.org` → `kvm`.
fn list_name(mails: &[MailRecord]) -> Option<String> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for mail in mails {
        if let Some(id) = mail.message.list_id.as_deref() {
            *counts.entry(id).or_default() += 1;
        }
    }
    let (id, _) = counts
        .into_iter()
        .max_by(|(a, x), (b, y)| x.cmp(y).then_with(|| b.cmp(a)))?;
    let name = id.split('.').next().unwrap_or(id);
    (!name.is_empty()).then(|| name.to_string())
}

fn warnings(
    mails: &[MailRecord],
    missing: &[(crate::archive::SelectedCommit, Missing)],
) -> Vec<String> {
    let mut warnings = Vec::new();
    let no_blob = missing
        .iter()
        .filter(|(_, m)| *m == Missing::NoMailBlob)
        .count();
    if no_blob > 0 {
        warnings.push(format!(
            "{no_blob} commit(s) hold no mail blob 'm' (deleted or purged mail); counted in stats.missing"
        ));
    }
    let not_mail: Vec<_> = missing
        .iter()
        .filter(|(_, m)| *m == Missing::NotAMail)
        .collect();
    if let Some((commit, _)) = not_mail.first() {
        warnings.push(format!(
            "{} blob(s) 'm' hold no mail (empty or no header block), e.g. commit {}; counted in stats.missing",
            not_mail.len(),
            commit.id
        ));
    }
    let unreadable: Vec<_> = missing
        .iter()
        .filter_map(|(commit, m)| match m {
            Missing::Unreadable(why) => Some((commit, why)),
            Missing::NoMailBlob | Missing::NotAMail => None,
        })
        .collect();
    if let Some((commit, why)) = unreadable.first() {
        warnings.push(format!(
            "{} mail(s) could not be read from the repository, e.g. commit {}: {why}; counted in stats.missing",
            unreadable.len(),
            commit.id
        ));
    }
    let mut count = |what: &str, test: &dyn Fn(&MailRecord) -> bool| {
        let matching: Vec<&MailRecord> = mails.iter().filter(|m| test(m)).collect();
        if let Some(first) = matching.first() {
            warnings.push(format!(
                "{} mail(s) {what}, e.g. commit {}",
                matching.len(),
                first.commit.id
            ));
        }
    };
    count(
        "have no author address (From); left out of the contributor counts",
        &|m| m.message.author.as_ref().is_none_or(|a| a.email.is_empty()),
    );
    count("have no Message-ID; threading may miss them", &|m| {
        m.message.message_id.is_none()
    });
    warnings
}

/// Seconds since the epoch as RFC 3339 UTC.
fn timestamp(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds)
        .map(|t| t.to_string())
        .unwrap_or_else(|_| seconds.to_string())
}
