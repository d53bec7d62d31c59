use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use super::links::message_url;
use super::model::{
    ContributorCount, DayCount, DomainCount, ListPart, OrganizationCount, PatchMail,
    PatchesMissing, Report, ReviewLine, Series, Stats, VersionRef,
};
use super::sections;
use super::sources::{Merged, Part, Source, merge, on_threads, parts_span, read_all};
use super::status::{assess_series, status_lists};
use super::threads::{discussion, given, series_of_mail};
use super::tree::{TreeSource, tree_evidence};
use crate::Error;
use crate::analysis::{
    Identities, OrgMap, Posting, SeriesGroup, Tally, changelog, count_organizations,
    count_subsystems, earlier_versions, group_series, message_index, newer_version,
    revision_families, revision_key, settle_bare_cover_letters, subsystem, tally, tally_people,
};
use crate::archive::{Archive, MailRecord, Missing, Reached, ReadOutcome, Selected, Selection};
use crate::mail::{CommitMessage, Diffstat};
use crate::mail::{Message, Person, SubjectKind, TrailerKind};
use crate::maintainers::Maintainers;
use crate::status::{Applied, SeriesStatus};
use crate::trends::Compare;
use crate::trends::compare::{other_period, span_of};

/// What a report is built with, beyond the selection.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The list's name; derived from `List-Id` or the archive's name when `None`.
    pub list: Option<String>,
    /// The web archive mails link to (`https://lore.kernel.org/kvm`); no
    /// links when `None`.
    pub url: Option<String>,
    /// How far before the selection earlier versions of its series are
    /// looked for.
    pub lookback: Lookback,
    /// Where the index of series starts for `lookback` is cached between
    /// runs (`None`: walk the history every time).
    pub index_cache: Option<std::path::PathBuf>,
    /// How long to wait for another run writing the same cache file
    /// before going on without the cache.
    pub cache_wait: crate::lock::Wait,
    /// Message-IDs previous updates reported, left out: those at the
    /// last heads, for when a rewritten history is recovered by time (see
    /// `Selection::After`), and a group's lately reported mails, whose
    /// copies may reach its other lists later.
    pub already_reported: Vec<String>,
    /// The mailmap and organization map applied to every person counted
    /// or shown (by default no mailmap and the built-in organizations).
    pub identities: Identities,
    /// An upstream tree (`--tree`) whose commits say which patches were
    /// applied; [`build`] reads it into `tree_evidence`.
    pub tree: Option<TreeSource>,
    /// What an upstream tree says was applied, by the patch's Message-ID
    /// (see [`crate::upstream`]); filled in by [`build`] from `tree`.
    pub tree_evidence: HashMap<String, Applied>,
    /// A MAINTAINERS file (`--maintainers`): every patch is mapped to its
    /// sections, and the report counts them (see `report/sections.rs`).
    pub maintainers: Option<std::sync::Arc<Maintainers>>,
    /// The lines of that file that were skipped (`FILE:LINE: …`).
    pub maintainers_warnings: Vec<String>,
    /// A watchlist: the report keeps the series it asks for (see
    /// [`crate::watch`]); `None` or empty keeps everything.
    pub watch: Option<crate::watch::Watch>,
    /// The criteria of `watch` that are errors when they match nothing
    /// known (given on the command line: most likely a typo); the others
    /// (a list's configured watchlist, whose people may be silent this
    /// week) are warnings in the report.
    pub watch_strict: crate::watch::Watch,
    /// The period the report is compared with (`--compare`); none by
    /// default, since reading another period costs about as much again.
    pub compare: Compare,
    /// Which patches keep their commit message in the report.
    pub commit_messages: CommitMessages,
}

/// Which patches of a series keep their commit message in the report:
/// commit messages are most of the text a report holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CommitMessages {
    /// Every patch's (JSON shows them all).
    #[default]
    All,
    /// Only the ones the text, Markdown and HTML formats show: the cover
    /// letter's and the first patch's. The others are left empty; their
    /// diffstats stay.
    Shown,
}

/// How far before the selection a report looks for earlier versions of
/// the series in it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lookback {
    /// The whole archive.
    #[default]
    All,
    /// Mail that arrived at most this many seconds before the selection's
    /// first mail.
    Seconds(i64),
    /// Only the selection itself.
    Off,
}

/// Selects, reads and analyses; the whole pipeline for one report.
pub fn build(archive: &Archive, selection: &Selection, options: &Options) -> Result<Report, Error> {
    build_with_span(&[Source::of(archive, selection)], options).map(|(report, _)| report)
}

/// One report of several lists (`report kvm kvmarm`): each source read in
/// parallel, a mail cross-posted to several of them counted once.
pub fn build_lists(sources: &[Source], options: &Options) -> Result<Report, Error> {
    build_with_span(sources, options).map(|(report, _)| report)
}

/// [`build_lists`], and the mails the report was made of: each one's
/// Message-ID and arrival time (commit time), a cross-posted mail once.
/// An update of a group remembers them (`lists::GroupState::reported`).
pub fn build_lists_with_arrivals(
    sources: &[Source],
    options: &Options,
) -> Result<(Report, Vec<(String, i64)>), Error> {
    let mut arrivals = Vec::new();
    build_noting(sources, options, Some(&mut arrivals)).map(|(report, _)| (report, arrivals))
}

/// [`build_lists`], and the span of time the selections cover (seconds,
/// both ends inclusive), which its comparison and a comparison with it use.
pub(crate) fn build_with_span(
    sources: &[Source],
    options: &Options,
) -> Result<(Report, (i64, i64)), Error> {
    build_noting(sources, options, None)
}

/// [`build_with_span`], noting the mails read in `arrivals` when given.
fn build_noting(
    sources: &[Source],
    options: &Options,
    arrivals: Option<&mut Vec<(String, i64)>>,
) -> Result<(Report, (i64, i64)), Error> {
    let watch = options
        .watch
        .as_ref()
        .filter(|w| !w.is_empty())
        .map(|w| w.compile())
        .transpose()?;
    let keep_files = watch.as_ref().is_some_and(|w| w.has_files());
    let mut parts = read_all(sources, &|place, source| {
        read_part(place, source, options, keep_files)
    })?;
    // A selection open at its start holds all history before its end.
    let open_start = parts.iter().flatten().all(|p| p.selected.open_start);
    // The other period of `--compare` needs only this one's span: it is
    // read while this one looks back for earlier versions (each about a
    // third of a weekly report's time).
    let span = parts_span(&parts);
    let (looked_back, other) = std::thread::scope(|scope| {
        let other =
            scope.spawn(|| other_period(sources, &options.compare, span, open_start, options));
        let looked_back = look_back_all(sources, &mut parts, options, keep_files);
        let other = other
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (looked_back, other)
    });
    looked_back?;
    let other = other?;
    let Merged {
        selected,
        outcome,
        earlier,
        evidence,
        list_ends,
    } = merge(sources, parts);
    if let Some(arrivals) = arrivals {
        arrivals.extend(outcome.mails.iter().filter_map(|mail| {
            let id = mail.message.message_id.clone()?;
            Some((id, mail.commit.time))
        }));
    }
    let with_tree;
    let options = match &options.tree {
        Some(_) => {
            with_tree = Options {
                tree_evidence: evidence,
                ..options.clone()
            };
            &with_tree
        }
        None => options,
    };
    let names: Vec<String> = sources.iter().map(|s| s.name.clone()).collect();
    let mut report = of_lists(&names, &selected, outcome, earlier, options);
    for (list, ends) in report.lists.iter_mut().zip(list_ends) {
        list.from = ends.from;
        list.to = ends.to;
        list.from_commit = ends.from_commit;
        list.to_commit = ends.to_commit;
    }
    // Commits are each list's own: the report's ends are days.
    if sources.len() > 1 {
        report.from_commit.clear();
        report.to_commit.clear();
    }
    // Compared whole, before a watchlist filters it: the figures and top
    // lists compared are the whole list's, as its header keeps them.
    report.comparison = other.compared_with(span, &report);
    if let (Some(compiled), Some(watch)) = (&watch, &options.watch) {
        super::watch::apply(&mut report, watch, compiled, options)?;
    }
    Ok((report, span))
}

/// The archive of `source` set up for this report's reading.
fn configured<'a>(source: &'a Source, options: &Options, keep_files: bool) -> Cow<'a, Archive> {
    let mut archive = Cow::Borrowed(&source.archive);
    if let Some(maintainers) = &options.maintainers {
        archive = Cow::Owned(archive.with_maintainers(maintainers.clone()));
    }
    if keep_files {
        archive = Cow::Owned(archive.keeping_files());
    }
    if options.commit_messages == CommitMessages::Shown {
        // Never kept rather than dropped once grouped: a mail is parsed on
        // a reader thread, whose memory the rest of the report cannot reuse.
        archive = Cow::Owned(archive.dropping_later_commit_messages());
    }
    archive
}

/// Reads one list's selection; [`look_back`] adds what a report needs
/// from before it.
fn read_part(
    place: usize,
    source: &Source,
    options: &Options,
    keep_files: bool,
) -> Result<Part, Error> {
    let selection = &source.selection;
    let archive = configured(source, options, keep_files);
    let archive = archive.as_ref();
    let (mut selected, mut outcome) = archive.read_selection(selection)?;
    // A window from a time on may well start after a shallow mirror's cut
    // (`sync --since` cuts at the window's start); anything else that
    // reaches the cut wants history the mirror does not have.
    if !matches!(selection, Selection::Window { since: Some(_), .. }) {
        selected
            .notes
            .extend(archive.shallow_cuts_reached(&selected.commits));
    }
    if !options.already_reported.is_empty() {
        // A group's update remembers weeks of mail: thousands of IDs.
        let known: HashSet<&str> = options
            .already_reported
            .iter()
            .map(String::as_str)
            .collect();
        outcome.mails.retain(|m| {
            m.message
                .message_id
                .as_deref()
                .is_none_or(|id| !known.contains(id))
        });
        if outcome.mails.is_empty() && outcome.missing.is_empty() {
            return Err(Error::EmptySelection(
                "no new mail since the last update".into(),
            ));
        }
    }
    selected.open_start = matches!(
        selection,
        Selection::Range { base: None, .. } | Selection::Window { since: None, .. }
    );
    let evidence = match &options.tree {
        Some(tree) => tree_evidence(archive, &outcome.mails, tree, &timestamp)?.0,
        None => HashMap::new(),
    };
    let reached = Reached::only(place);
    for mail in &mut outcome.mails {
        mail.lists = reached;
    }
    Ok(Part {
        span: span_of(selection, &selected),
        selected,
        outcome,
        earlier: Vec::new(),
        evidence,
    })
}

/// Reads the earlier versions of the series of `part`, list `place`'s.
fn look_back(
    part: &mut Part,
    place: usize,
    source: &Source,
    options: &Options,
    keep_files: bool,
) -> Result<(), Error> {
    let lookback = if part.selected.open_start {
        Lookback::Off
    } else {
        options.lookback
    };
    let archive = configured(source, options, keep_files);
    let mut earlier = earlier_postings(
        archive.as_ref(),
        &part.selected,
        &part.outcome.mails,
        lookback,
        options.index_cache.as_deref(),
        options.cache_wait,
    )?;
    let reached = Reached::only(place);
    for mail in &mut earlier {
        mail.lists = reached;
    }
    part.earlier = earlier;
    // From here on the report needs the selection's ends, not its commits
    // (each mail keeps its own): for a whole archive they are megabytes
    // held through the report's peak.
    part.selected.commits = Vec::new();
    Ok(())
}

/// [`look_back`] for every list read, on a thread each when there are
/// several.
fn look_back_all(
    sources: &[Source],
    parts: &mut [Option<Part>],
    options: &Options,
    keep_files: bool,
) -> Result<(), Error> {
    let read: Vec<(usize, &mut Part, &Source)> = parts
        .iter_mut()
        .zip(sources)
        .enumerate()
        .filter_map(|(place, (part, source))| Some((place, part.as_mut()?, source)))
        .collect();
    on_threads(read, &|(place, part, source)| {
        look_back(part, place, source, options, keep_files)
    })
    .into_iter()
    .try_for_each(|result| result.unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
}

/// Reads the mails before the selection that may be earlier versions of
/// its revised series: cover letters and first patches with a lower
/// version and the same title, or from the same people (a renamed series
/// is found by its b4 change-id or by being answered by the next version).
/// Their subjects come from an index of commit objects, so only these few
/// mails are read.
fn earlier_postings(
    archive: &Archive,
    selected: &Selected,
    mails: &[MailRecord],
    lookback: Lookback,
    cache: Option<&std::path::Path>,
    cache_wait: crate::lock::Wait,
) -> Result<Vec<MailRecord>, Error> {
    let Some(start) = selected.commits.iter().map(|c| c.time).min() else {
        return Ok(Vec::new());
    };
    let since = match lookback {
        Lookback::Off => return Ok(Vec::new()),
        Lookback::All => None,
        Lookback::Seconds(seconds) => Some(start.saturating_sub(seconds)),
    };
    let mut titles = HashSet::new();
    let mut people = HashSet::new();
    let mut newest = (0, None);
    for mail in mails {
        let message = &mail.message;
        let Some(tag) = message.patch_tag() else {
            continue;
        };
        // A partial reroll (`v5.1 10/12`) is looked up too: it answers
        // into the posting it revises.
        let starts_series = matches!(tag.index, None | Some(0) | Some(1));
        let version = (tag.version.major, tag.version.minor);
        if !(starts_series || tag.version.minor.is_some()) || version <= (1, None) {
            continue;
        }
        newest = newest.max(version);
        titles.insert(revision_key(&message.subject.title));
        for person in message.author.iter().chain(&message.sender) {
            people.insert(person.email.clone());
        }
    }
    if titles.is_empty() {
        return Ok(Vec::new());
    }
    let skip: HashSet<gix::ObjectId> = selected.commits.iter().map(|c| c.id).collect();
    let mut candidates: Vec<_> = archive
        .index_series_starts(since, start, &skip, cache, cache_wait)?
        .into_iter()
        .filter(|p| (p.tag.version.major, p.tag.version.minor) < newest)
        .filter(|p| people.contains(&p.sender) || titles.contains(&revision_key(&p.title)))
        .map(|p| p.commit)
        .collect();
    // One order whatever the index came from (a walk or the cache).
    candidates.sort_by_key(|c| (c.time, c.epoch, c.id));
    Ok(archive.read_commits(&candidates)?.mails)
}

/// Builds the report from mails already read: those of the selection, and
/// `earlier` ones before it that may be earlier versions of its series.
pub fn from_mails(
    archive_name: &str,
    selected: &Selected,
    outcome: ReadOutcome,
    earlier: Vec<MailRecord>,
    options: &Options,
) -> Report {
    of_lists(
        &[archive_name.to_string()],
        selected,
        outcome,
        earlier,
        options,
    )
}

/// [`from_mails`] of mails read from the lists named `lists` (each mail's
/// [`MailRecord::lists`] are places in it).
fn of_lists(
    lists: &[String],
    selected: &Selected,
    outcome: ReadOutcome,
    mut earlier: Vec<MailRecord>,
    options: &Options,
) -> Report {
    let ReadOutcome { mut mails, missing } = outcome;
    // One list is named as its mails say (List-Id), as the report is, so
    // that an archive gives the same report however it was named; several
    // are named as given, to tell them apart.
    let named;
    let lists = match lists {
        [only] => {
            named = [list_name(&mails).unwrap_or_else(|| only.clone())];
            &named[..]
        }
        several => several,
    };
    // Once, before anything looks at a person, so every section agrees on
    // who is who; earlier versions too, so a series whose author changed
    // address still links to them.
    options.identities.apply(&mut mails);
    options.identities.apply(&mut earlier);
    settle_bare_cover_letters(&mut mails);
    // Commit messages move into the report rather than being copied: they
    // are most of the text a report holds.
    let commit_messages: Vec<Option<Box<CommitMessage>>> = mails
        .iter_mut()
        .map(|m| m.message.commit_message.take())
        .collect();
    let report = std::thread::scope(|scope| {
        let mails = &mails[..];
        // The counts of people, domains and days need nothing from the
        // series: the reader threads are done, so another core makes them
        // while this one builds the series.
        let counted = scope.spawn(|| Counted::of(mails, &options.identities.organizations));
        let mut report = assemble(
            lists,
            selected,
            mails,
            commit_messages,
            &missing,
            &earlier,
            options,
        );
        counted
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            .fill(&mut report);
        report
    });
    // Freeing tens of thousands of parsed mails one by one takes longer
    // than anything left to do; a thread does it while the report is
    // rendered.
    std::thread::spawn(move || drop(mails));
    report
}

/// What [`of_lists`] counts mail by mail, beside the series.
struct Counted {
    without_author: usize,
    domains: Vec<DomainCount>,
    organizations: Vec<OrganizationCount>,
    contributors: Vec<ContributorCount>,
    timeline: Vec<DayCount>,
    newest_message_ids: Vec<String>,
}

impl Counted {
    fn of(mails: &[MailRecord], organizations: &OrgMap) -> Counted {
        let tally = tally(mails);
        Counted {
            without_author: tally.without_author,
            domains: domains(&tally),
            organizations: self::organizations(&tally, organizations),
            contributors: people(&tally),
            timeline: timeline(mails),
            newest_message_ids: newest_message_ids(mails),
        }
    }

    /// Puts the counts into the report [`assemble`] left them out of.
    fn fill(self, report: &mut Report) {
        report.stats.without_author = self.without_author;
        report.domains = self.domains;
        report.organizations = self.organizations;
        report.contributors = self.contributors;
        report.timeline = self.timeline;
        report.newest_message_ids = self.newest_message_ids;
    }
}

/// The report of `mails` but for what [`Counted`] counts, which it leaves
/// empty.
fn assemble(
    lists: &[String],
    selected: &Selected,
    mails: &[MailRecord],
    mut commit_messages: Vec<Option<Box<CommitMessage>>>,
    missing: &[(crate::archive::SelectedCommit, Missing)],
    earlier: &[MailRecord],
    options: &Options,
) -> Report {
    let link = |id: &Option<String>| -> Option<String> {
        Some(message_url(options.url.as_deref()?, id.as_deref()?))
    };
    let by_id = message_index(mails);
    let groups = group_series(mails, &by_id);

    let mut stats = Stats {
        messages: mails.len(),
        missing: missing.len(),
        series: groups.len(),
        ..Stats::default()
    };
    for mail in mails {
        match &mail.message.subject.kind {
            SubjectKind::Reply => stats.replies += 1,
            SubjectKind::Patch(tag) if tag.is_cover_letter() => stats.cover_letters += 1,
            SubjectKind::Patch(_) => stats.patches += 1,
            SubjectKind::PullRequest => stats.pull_requests += 1,
            SubjectKind::Other => {}
        }
    }

    let series_of_mail = series_of_mail(&groups);
    let discussion = discussion(
        mails,
        &by_id,
        &series_of_mail,
        groups.len(),
        &link,
        &timestamp,
    );
    let mut reply_mails: Vec<Vec<(usize, Option<u32>)>> = Vec::new();
    let mut series: Vec<(SortKey, Posting, Series)> = Vec::with_capacity(groups.len());
    series.extend(
        groups
            .iter()
            .zip(discussion.series)
            .filter_map(|(g, activity)| {
                let (key, posting, mut series) = self::series(
                    mails,
                    &mut commit_messages,
                    g,
                    &link,
                    options.maintainers.as_deref(),
                    options.commit_messages,
                )?;
                series.lists = list_names(lists, g.members.iter().map(|&i| mails[i].lists));
                reply_mails.push(activity.reply_mails);
                series.replies = activity.replies;
                series.participants = activity.participants;
                series.last_activity = timestamp(activity.last.unwrap_or_default());
                series.trailers.extend(activity.trailers);
                series.unreviewed_patches = unreviewed(&series);
                series.patches_missing = patches_missing(&series, selected.open_start);
                series.reviews = review_lines(&series);
                Some((key, posting, series))
            }),
    );
    link_versions(&mut series, earlier, &link);
    let link_id = |id: Option<&str>| Some(message_url(options.url.as_deref()?, id?));
    let mut status_warnings = Vec::new();
    for ((_, _, s), replies) in series.iter_mut().zip(&reply_mails) {
        let tree = |patch: &PatchMail| {
            options
                .tree_evidence
                .get(patch.message_id.as_deref()?)
                .cloned()
        };
        status_warnings.extend(assess_series(
            s, mails, replies, &tree, &timestamp, &link_id,
        ));
    }
    // Newest first by arrival; the position of a series' first mail breaks
    // ties so the order is the same on every run. Keys are unique (no mail
    // is in two series), so an unstable sort gives that order too, without
    // the stable sort's buffer of half the series.
    series.sort_unstable_by(|(a, _, _), (b, _, _)| b.cmp(a));
    stats.unreviewed_patches = series.iter().map(|(_, _, s)| s.unreviewed_patches).sum();
    // Reviews given in the selection: in replies, whatever they answer.
    let reviews = mails
        .iter()
        .enumerate()
        .filter(|(i, _)| !series_of_mail.contains_key(i))
        .flat_map(|(_, m)| m.message.trailers.iter().filter(|t| t.kind.is_review()))
        .map(|t| Some(&t.person));
    let reviewers = tally_people(reviews);
    let end = mails
        .iter()
        .map(|m| m.commit.time)
        .max()
        .unwrap_or_default();
    let earlier_threads: Vec<(super::model::Thread, Vec<usize>)> = discussion
        .earlier_series
        .iter()
        .cloned()
        .zip(discussion.earlier_series_mails)
        .collect();
    let status = {
        let report_series: Vec<&Series> = series.iter().map(|(_, _, s)| s).collect();
        status_lists(
            &report_series,
            &earlier_threads,
            mails,
            end,
            &timestamp,
            &link_id,
        )
    };
    stats.applied_patches = status.applied_patches;
    stats.statuses = status.counts;
    let section_tables = options.maintainers.as_deref().map(|m| {
        let report_series: Vec<&Series> = series.iter().map(|(_, _, s)| s).collect();
        sections::tables(m, &report_series)
    });
    let (sections, unreviewed_by_section, missed_cc) = match section_tables {
        Some(t) => (Some(t.sections), t.unreviewed_by_section, t.missed_cc),
        None => (None, Vec::new(), Vec::new()),
    };

    let list = lists.join(", ");
    Report {
        list: options.list.clone().unwrap_or(list),
        from: match &selected.named_ends {
            Some((from, _)) => from.clone(),
            None => selected.from.to_hex_with_len(8).to_string(),
        },
        to: match &selected.named_ends {
            Some((_, to)) => to.clone(),
            None => selected.to.to_hex_with_len(8).to_string(),
        },
        from_commit: selected.from.to_string(),
        to_commit: selected.to.to_string(),
        // Their ends are filled in by `build`, which knows each list's.
        lists: lists
            .iter()
            .enumerate()
            .map(|(place, name)| {
                let reached = mails.iter().filter(|m| m.lists.has(place));
                let (messages, cross_posted) = reached.fold((0, 0), |(all, shared), m| {
                    (all + 1, shared + usize::from(m.lists.count() > 1))
                });
                ListPart {
                    name: name.clone(),
                    messages,
                    cross_posted,
                    from: String::new(),
                    to: String::new(),
                    from_commit: String::new(),
                    to_commit: String::new(),
                }
            })
            .collect(),
        stats,
        // Filled in by `build`, which can read another period.
        comparison: None,
        // Filled in from `Counted`.
        domains: Vec::new(),
        organizations: Vec::new(),
        contributors: Vec::new(),
        reviewers: people(&reviewers),
        reviewer_domains: domains(&reviewers),
        reviewer_organizations: organizations(&reviewers, &options.identities.organizations),
        subsystems: count_subsystems(
            series
                .iter()
                .map(|(_, _, s)| (s.title.as_str(), s.patches.len())),
        ),
        sections,
        unreviewed_by_section,
        missed_cc,
        watch: None,
        your_series: Vec::new(),
        timeline: Vec::new(),
        newest_message_ids: Vec::new(),
        applied: status.applied,
        awaiting_review: status.awaiting_review,
        changes_requested: status.changes_requested,
        nacked: status.nacked,
        series: series.into_iter().map(|(_, _, s)| s).collect(),
        pull_requests: discussion.pull_requests,
        bug_reports: discussion.bug_reports,
        discussions: discussion.discussions,
        earlier_series: discussion.earlier_series,
        warnings: selected
            .notes
            .iter()
            .cloned()
            .chain(warnings(mails, missing))
            .chain(summarize_status_warnings(&status_warnings))
            .chain(sections::summarize_warnings(&options.maintainers_warnings))
            .collect(),
    }
}

/// Orders series: first arrival, then the position of the first mail.
type SortKey = (i64, usize);

/// The series of a group, with its sort key and its posting for revision
/// linking.
fn series(
    mails: &[MailRecord],
    commit_messages: &mut [Option<Box<CommitMessage>>],
    group: &SeriesGroup,
    link: &dyn Fn(&Option<String>) -> Option<String>,
    maintainers: Option<&Maintainers>,
    keep: CommitMessages,
) -> Option<(SortKey, Posting, Series)> {
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
    let diffstat = patches
        .iter()
        .filter_map(|&i| commit_messages[i].as_ref()?.diffstat)
        .fold(Diffstat::default(), |sum, d| Diffstat {
            files: sum.files + d.files,
            insertions: sum.insertions + d.insertions,
            deletions: sum.deletions + d.deletions,
        });
    let changelog = cover
        .and_then(|c| commit_messages[c].as_ref())
        .and_then(|c| changelog(&c.text, tag.version.major));
    let mut posting = posting(root_message, first_seen);
    // b4 writes the change-id on the cover letter, or on a lone patch.
    posting.change_id = group
        .members
        .iter()
        .find_map(|&i| mails[i].message.change_id.clone());
    // The patch every format shows the commit message of, beside the
    // cover letter's: patch 1, or the lone patch.
    let shown_patch = patches
        .iter()
        .copied()
        .find(|&i| matches!(index_of(i), None | Some(1)));
    let mut patch_mail = |i: usize| -> PatchMail {
        let mail = &mails[i];
        let message = &mail.message;
        let mut commit_message = commit_messages[i].take().unwrap_or_default();
        if keep == CommitMessages::Shown && Some(i) != cover && Some(i) != shown_patch {
            commit_message.text = String::new();
        }
        let (sections, missed_cc) = maintainers
            .map(|m| sections::patch_sections(m, &message.sections))
            .unwrap_or_default();
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
            applied: None,
            sections,
            missed_cc,
            files: message.files.clone(),
        }
    };
    let series = Series {
        title: root_message.subject.title.clone(),
        version: tag.version.major,
        version_minor: tag.version.minor,
        total: tag.total,
        patches_here: patches.len(),
        // Filled in below, once it is known whether the series starts here.
        patches_missing: None,
        rfc: tag.rfc,
        resend: tag.resend,
        prefixes: tag.prefixes.clone(),
        author: root_message.author.clone(),
        sender: root_message.sender.clone(),
        first_seen: timestamp(first_seen),
        message_id: root_message.message_id.clone(),
        url: link(&root_message.message_id),
        subsystem: subsystem(&root_message.subject.title),
        // Filled in by the caller, which knows the lists' names.
        lists: Vec::new(),
        sections: maintainers
            .map(|m| {
                let found = patches
                    .iter()
                    .map(|&i| mails[i].message.sections.as_slice());
                sections::series_sections(m, found)
            })
            .unwrap_or_default(),
        starts_in_window: group
            .members
            .iter()
            .any(|&i| matches!(index_of(i), None | Some(0) | Some(1))),
        // Filled in from the discussion once every thread is known.
        replies: 0,
        participants: Vec::new(),
        last_activity: String::new(),
        reviews: Vec::new(),
        trailers: group
            .members
            .iter()
            .flat_map(|&i| given(&mails[i], index_of(i), false))
            .collect(),
        diffstat,
        unreviewed_patches: 0,
        changelog,
        change_id: posting.change_id.clone(),
        earlier_versions: Vec::new(),
        superseded_by: None,
        // Assessed once versions are linked.
        status: SeriesStatus::New,
        status_reason: None,
        days_to_first_reply: None,
        days_to_first_review: None,
        cover: cover.map(&mut patch_mail),
        patches: patches.into_iter().map(patch_mail).collect(),
    };
    Some(((first_seen, first_position), posting, series))
}

fn domains(tally: &Tally) -> Vec<DomainCount> {
    let rows = tally.domains.iter();
    rows.map(|(domain, count)| DomainCount {
        domain: domain.clone(),
        count: *count,
    })
    .collect()
}

fn organizations(tally: &Tally, map: &OrgMap) -> Vec<OrganizationCount> {
    let rows = count_organizations(&tally.domains, map).into_iter();
    rows.map(|(name, count)| OrganizationCount { name, count })
        .collect()
}

fn people(tally: &Tally) -> Vec<ContributorCount> {
    let rows = tally.contributors.iter();
    rows.map(|(p, count)| ContributorCount {
        name: p.name.clone(),
        email: p.email.clone(),
        count: *count,
    })
    .collect()
}

/// Fills in each series' earlier versions (in the selection or among the
/// `earlier` mails before it) and the newer version that supersedes it in
/// the selection. See [`revision_families`] for what links two postings.
fn link_versions(
    series: &mut [(SortKey, Posting, Series)],
    earlier: &[MailRecord],
    link: &dyn Fn(&Option<String>) -> Option<String>,
) {
    let mut postings: Vec<Posting> = series.iter().map(|(_, p, _)| p.clone()).collect();
    let mut refs: Vec<VersionRef> = series
        .iter()
        .map(|(_, _, s)| VersionRef {
            version: s.version,
            version_minor: s.version_minor,
            first_seen: s.first_seen.clone(),
            message_id: s.message_id.clone(),
            url: s.url.clone(),
        })
        .collect();
    // A cover letter stands for its series; its first patch, answering
    // it, would be the same posting twice.
    let covers: HashSet<&str> = earlier
        .iter()
        .filter(|m| m.message.patch_tag().is_some_and(|t| t.is_cover_letter()))
        .filter_map(|m| m.message.message_id.as_deref())
        .collect();
    for mail in earlier {
        let message = &mail.message;
        let Some(tag) = message.patch_tag() else {
            continue;
        };
        let answers_cover = message
            .in_reply_to
            .as_deref()
            .is_some_and(|id| covers.contains(id));
        if !matches!(tag.index, None | Some(0) | Some(1)) || (tag.index == Some(1) && answers_cover)
        {
            continue;
        }
        postings.push(posting(message, mail.commit.time));
        refs.push(VersionRef {
            version: tag.version.major,
            version_minor: tag.version.minor,
            first_seen: timestamp(mail.commit.time),
            message_id: message.message_id.clone(),
            url: link(&message.message_id),
        });
    }
    let families = revision_families(&postings);
    for i in 0..series.len() {
        let earlier_versions = earlier_versions(&postings, &families, i);
        let newer = newer_version(&postings, &families, i, 0..series.len());
        let s = &mut series[i].2;
        s.earlier_versions = earlier_versions
            .into_iter()
            .map(|j| refs[j].clone())
            .collect();
        s.superseded_by = newer.map(|j| refs[j].clone());
    }
}

/// A series' cover letter or first patch as revision linking sees it.
fn posting(root: &Message, time: i64) -> Posting {
    let tag = root.patch_tag().cloned().unwrap_or_default();
    Posting {
        author: root
            .author
            .as_ref()
            .map(|a| a.email.clone())
            .unwrap_or_default(),
        title_key: revision_key(&root.subject.title),
        change_id: root.change_id.clone(),
        message_id: root.message_id.clone(),
        replies_to: root
            .in_reply_to
            .iter()
            .chain(&root.references)
            .cloned()
            .collect(),
        version: (tag.version.major, tag.version.minor),
        time,
    }
}

/// Why a series has fewer patches in the selection than its total, if it has.
fn patches_missing(series: &Series, open_start: bool) -> Option<PatchesMissing> {
    let total = usize::try_from(series.total?).ok()?;
    if series.patches_here >= total {
        return None;
    }
    Some(if series.version_minor.is_some() {
        PatchesMissing::Rerolled
    } else if !series.starts_in_window && !open_start {
        PatchesMissing::BeforeSelection
    } else {
        PatchesMissing::NotOnList
    })
}

/// Patches of a series with no review trailer on them or on its cover letter.
fn unreviewed(series: &Series) -> usize {
    sections::reviewed_flags(series)
        .into_iter()
        .filter(|&r| !r)
        .count()
}

/// The distinct people who reviewed, acked or tested a series, per kind.
fn review_lines(series: &Series) -> Vec<ReviewLine> {
    [
        TrailerKind::ReviewedBy,
        TrailerKind::AckedBy,
        TrailerKind::TestedBy,
    ]
    .into_iter()
    .filter_map(|kind| {
        let mut people: Vec<Person> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        for t in series.trailers.iter().filter(|t| t.kind == kind) {
            // The same address under two spellings of a name is one person.
            if seen.insert(&t.person.email) {
                people.push(t.person.clone());
            }
        }
        (!people.is_empty()).then_some(ReviewLine { kind, people })
    })
    .collect()
}

/// The Message-IDs of the mails that arrived in the selection's last second.
fn newest_message_ids(mails: &[MailRecord]) -> Vec<String> {
    let Some(newest) = mails.iter().map(|m| m.commit.time).max() else {
        return Vec::new();
    };
    mails
        .iter()
        .filter(|m| m.commit.time == newest)
        .filter_map(|m| m.message.message_id.clone())
        .collect()
}

/// Mails and patches per UTC day of arrival, oldest first.
fn timeline(mails: &[MailRecord]) -> Vec<DayCount> {
    let mut days: std::collections::BTreeMap<i64, (usize, usize)> = Default::default();
    for mail in mails {
        let day = days.entry(mail.commit.time.div_euclid(86_400)).or_default();
        day.0 += 1;
        if matches!(&mail.message.subject.kind, SubjectKind::Patch(t) if !t.is_cover_letter()) {
            day.1 += 1;
        }
    }
    days.into_iter()
        .map(|(day, (messages, patches))| DayCount {
            day: timestamp(day * 86_400)
                .get(..10)
                .unwrap_or_default()
                .to_string(),
            messages,
            patches,
        })
        .collect()
}

/// The names of the lists that mails reached, in the report's order.
fn list_names(lists: &[String], reached: impl Iterator<Item = Reached>) -> Vec<String> {
    let all = reached.fold(Reached::NONE, Reached::and);
    all.places()
        .filter_map(|place| lists.get(place).cloned())
        .collect()
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

/// The status assessments' warnings as one line: they are about single
/// notices, and a long archive has many.
fn summarize_status_warnings(warnings: &[String]) -> Option<String> {
    let first = warnings.first()?;
    Some(match warnings.len() {
        1 => format!("status: {first}"),
        n => format!("status: {n} notices could not be fully used, e.g. {first}"),
    })
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
pub(crate) fn timestamp(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds)
        .map(|t| t.to_string())
        .unwrap_or_else(|_| seconds.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(
        id: &str,
        from: &str,
        subject: &str,
        parent: Option<&str>,
        body: &str,
        time: i64,
    ) -> MailRecord {
        MailRecord::parsed(&raw(id, from, subject, parent, body), time)
    }

    fn raw(id: &str, from: &str, subject: &str, parent: Option<&str>, body: &str) -> String {
        let mut raw = format!("From: {from}\nSubject: {subject}\nMessage-ID: <{id}>\n");
        if let Some(parent) = parent {
            raw.push_str(&format!(
                "In-Reply-To: <{parent}>\nReferences: <{parent}>\n"
            ));
        }
        raw.push_str(&format!("\n{body}"));
        raw
    }

    fn report(mails: Vec<MailRecord>) -> Report {
        report_with(mails, &Options::default())
    }

    fn report_with(mails: Vec<MailRecord>, options: &Options) -> Report {
        let null = gix::ObjectId::null(gix::hash::Kind::Sha1);
        let selected = Selected {
            commits: Vec::new(),
            from: null,
            to: null,
            notes: Vec::new(),
            named_ends: None,
            open_start: true,
        };
        from_mails(
            "test",
            &selected,
            ReadOutcome {
                mails,
                missing: Vec::new(),
            },
            Vec::new(),
            options,
        )
    }

    const PATCH_BODY: &str = "Change.\n\nSigned-off-by: Ann <ann@x.org>\n---\n a.c | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n\ndiff --git a/a.c b/a.c\n";

    #[test]
    fn only_the_commit_messages_a_format_shows_are_kept_for_it() {
        let raws = [
            ("c@x", "[PATCH 0/3] Three changes", None, "Why all three.\n"),
            ("p1@x", "[PATCH 1/3] one", Some("c@x"), PATCH_BODY),
            ("p2@x", "[PATCH 2/3] two", Some("c@x"), PATCH_BODY),
            ("p3@x", "[PATCH 3/3] three", Some("c@x"), PATCH_BODY),
            ("l@x", "[PATCH] alone", None, PATCH_BODY),
            (
                "r@y",
                "Re: [PATCH 2/3] two",
                Some("p2@x"),
                "Reviewed-by: Bo <bo@y.org>\n",
            ),
        ];
        let read = |drop: bool| -> Vec<MailRecord> {
            let mut parser =
                crate::mail::MailParser::default().dropping_later_commit_messages(drop);
            raws.iter()
                .enumerate()
                .map(|(n, (id, subject, parent, body))| {
                    let raw = raw(id, "Ann <ann@x.org>", subject, *parent, body);
                    let mut mail = MailRecord::parsed(&raw, 100 + n as i64);
                    mail.message = Box::new(parser.parse(raw.as_bytes()));
                    mail
                })
                .collect()
        };
        let build = |drop: bool, keep: CommitMessages| {
            let options = Options {
                commit_messages: keep,
                ..Options::default()
            };
            std::sync::Arc::new(report_with(read(drop), &options))
        };
        let all = build(false, CommitMessages::All);
        let shown = build(true, CommitMessages::Shown);
        let three = |r: &Report| {
            r.series
                .iter()
                .find(|s| s.title == "Three changes")
                .cloned()
                .unwrap()
        };
        let (whole, kept) = (three(&all), three(&shown));
        let texts = |s: &Series| -> Vec<bool> {
            s.cover
                .iter()
                .chain(&s.patches)
                .map(|p| !p.commit_message.is_empty())
                .collect()
        };
        assert_eq!(texts(&whole), [true, true, true, true]);
        assert_eq!(
            texts(&kept),
            [true, true, false, false],
            "the cover letter and patch 1"
        );
        // The report keeps to the rule whatever the parser kept.
        let parsed_whole = three(&build(false, CommitMessages::Shown));
        assert_eq!(texts(&parsed_whole), [true, true, false, false]);
        assert_eq!(
            kept.diffstat, whole.diffstat,
            "every patch's diffstat still counts"
        );
        assert_eq!(kept.patches[1].diffstat, whole.patches[1].diffstat);
        assert_eq!(kept.trailers, whole.trailers);
        assert_eq!(kept.changelog, whole.changelog);
        let alone = |r: &Report| {
            r.series
                .iter()
                .find(|s| s.title == "alone")
                .unwrap()
                .patches[0]
                .commit_message
                .clone()
        };
        assert_eq!(
            alone(&shown),
            alone(&all),
            "a lone patch is its series' first"
        );
        assert_ne!(
            crate::render::json::render(&shown),
            crate::render::json::render(&all)
        );
        // What the formats that show only these print is the same.
        assert_eq!(
            crate::render::text::render(&shown, 15),
            crate::render::text::render(&all, 15)
        );
        assert_eq!(
            crate::render::markdown::render(&shown, 15),
            crate::render::markdown::render(&all, 15)
        );
        assert_eq!(
            crate::render::html::render(&shown, 15),
            crate::render::html::render(&all, 15)
        );
    }

    #[test]
    fn reviews_on_the_cover_cover_every_patch_and_are_attributed_to_who_is_named() {
        let ann = "Ann <ann@x.org>";
        let r = report(vec![
            mail("c", ann, "[PATCH 0/2] Thing", None, "Cover.\n", 0),
            mail("p1", ann, "[PATCH 1/2] one", Some("c"), PATCH_BODY, 1),
            mail(
                "p2",
                ann,
                "[PATCH 2/2] two",
                Some("c"),
                &PATCH_BODY.replace("Change.", "Change.\n\nTested-by: Tia <tia@t.org>"),
                2,
            ),
            mail(
                "r1",
                "Rev <rev@y.org>",
                "Re: [PATCH 1/2] one",
                Some("p1"),
                "> Reviewed-by: Quoted <q@q.org>\nReviewed-by: Rev <rev@y.org>\n",
                3,
            ),
            mail(
                "r2",
                "Maint <m@k.org>",
                "Re: [PATCH 0/2] Thing",
                Some("c"),
                "Acked-by: Other Person <other@z.org>\n",
                4,
            ),
        ]);
        let s = &r.series[0];
        assert_eq!(
            s.diffstat,
            Diffstat {
                files: 2,
                insertions: 2,
                deletions: 2
            }
        );
        let given: Vec<(&str, Option<u32>, bool, Option<&str>)> = s
            .trailers
            .iter()
            .map(|t| {
                (
                    t.person.email.as_str(),
                    t.patch,
                    t.in_reply,
                    t.sent_by.as_ref().map(|p| p.email.as_str()),
                )
            })
            .collect();
        assert_eq!(
            given,
            [
                ("tia@t.org", Some(2), false, Some("ann@x.org")),
                ("rev@y.org", Some(1), true, None),
                ("other@z.org", Some(0), true, Some("m@k.org")),
            ]
        );
        assert_eq!(s.unreviewed_patches, 0);
        let reviews: Vec<(TrailerKind, Vec<&str>)> = s
            .reviews
            .iter()
            .map(|l| (l.kind, l.people.iter().map(|p| p.email.as_str()).collect()))
            .collect();
        assert_eq!(
            reviews,
            [
                (TrailerKind::ReviewedBy, vec!["rev@y.org"]),
                (TrailerKind::AckedBy, vec!["other@z.org"]),
                (TrailerKind::TestedBy, vec!["tia@t.org"]),
            ]
        );
        assert_eq!(s.replies, 2);
        // Only reviews given in the selection's replies count for reviewers.
        let reviewers: Vec<(&str, usize)> = r
            .reviewers
            .iter()
            .map(|c| (c.email.as_str(), c.count))
            .collect();
        assert_eq!(reviewers, [("other@z.org", 1), ("rev@y.org", 1)]);
        assert_eq!(r.reviewer_domains.len(), 2);
    }

    #[test]
    fn patches_without_any_review_are_counted() {
        let ann = "Ann <ann@x.org>";
        let r = report(vec![
            mail("p1", ann, "[PATCH 1/2] one", None, PATCH_BODY, 1),
            mail("p2", ann, "[PATCH 2/2] two", Some("p1"), PATCH_BODY, 2),
            mail(
                "r",
                "Rev <rev@y.org>",
                "Re: [PATCH 2/2] two",
                Some("p2"),
                "Reviewed-by: Rev <rev@y.org>\n",
                3,
            ),
        ]);
        assert_eq!(r.series[0].unreviewed_patches, 1);
        assert_eq!(r.stats.unreviewed_patches, 1);
    }

    #[test]
    fn the_timeline_counts_mails_and_patches_per_utc_day() {
        let ann = "Ann <ann@x.org>";
        let day = 86_400;
        let r = report(vec![
            mail("c", ann, "[PATCH 0/1] Thing", None, "Cover.\n", day - 1),
            mail("p", ann, "[PATCH 1/1] one", Some("c"), PATCH_BODY, day),
            mail("r", ann, "Re: [PATCH 1/1] one", Some("p"), "Ok.\n", 3 * day),
        ]);
        let days: Vec<(&str, usize, usize)> = r
            .timeline
            .iter()
            .map(|d| (d.day.as_str(), d.messages, d.patches))
            .collect();
        assert_eq!(
            days,
            [
                ("1970-01-01", 1, 0),
                ("1970-01-02", 1, 1),
                ("1970-01-04", 1, 0)
            ]
        );
    }
}
