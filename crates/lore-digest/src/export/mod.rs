//! One record per message, for analysis elsewhere (DuckDB, Spark, pandas):
//! what the report counts, mail by mail.
//!
//! Records are written as JSON Lines, one object per line, oldest first, or
//! as Parquet ([`parquet`]) with the same fields, or added run by run to a
//! Hive-partitioned Parquet dataset of many lists ([`dataset`]).

use std::collections::HashMap;
use std::io::Write;

use serde::Serialize;

use crate::Error;
use crate::analysis::{Identities, group_series, message_index, settle_bare_cover_letters};
use crate::archive::{Archive, MailRecord, Selection};
use crate::contract::FormatVersion;
use crate::mail::{Person, SubjectKind, TrailerKind};
use crate::report;
use crate::status::{Applied, Evidence, Rule, SeriesStatus};

pub mod dataset;
pub mod parquet;
pub use self::dataset::{Added, Dataset, check_source, partition_name};
pub use self::parquet::{ParquetError, write_parquet};

/// One message of the selection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct MessageRecord {
    /// The format's version (see [`crate::contract`]).
    pub format_version: FormatVersion,
    /// The archive commit that added it (for a mailbox: the mail's blob id).
    pub commit: String,
    /// `N` of the epoch `git/N.git` it is in.
    pub epoch: u32,
    /// Arrival (commit time; for a mailbox, `Date:`), RFC 3339 UTC; `None`
    /// only for a time outside the years -9999..=9999 (a forged commit).
    pub arrived: Option<String>,
    /// The `Date:` header, RFC 3339 UTC, when it parses and is within the
    /// years -9999..=9999.
    pub date: Option<String>,
    /// `Message-ID`, without angle brackets.
    pub message_id: Option<String>,
    /// The first id of `In-Reply-To`.
    pub in_reply_to: Option<String>,
    /// Who wrote it (in-body `From:` for patches), after the mailmap.
    pub author: Option<Person>,
    /// Who sent it (header `From:`), after the mailmap.
    pub sender: Option<Person>,
    /// The author's lower-cased domain: what the report's domain counts use.
    pub domain: Option<String>,
    /// The organization of that domain (the org map), or the domain.
    pub organization: Option<String>,
    /// The decoded subject.
    pub subject: String,
    /// `patch`, `cover_letter`, `reply`, `pull_request` or `other`: the
    /// kinds the report's statistics count.
    #[schemars(extend("enum" = ["patch", "cover_letter", "reply", "pull_request", "other"]))]
    pub kind: &'static str,
    /// The patch tag, for patches and cover letters.
    pub patch: Option<PatchFields>,
    /// The Message-ID of its series' cover letter or first patch: for patch
    /// mails their series, for replies the series of the nearest patch
    /// they answer in the selection.
    pub series_id: Option<String>,
    /// The trailers it carries or gives.
    pub trailers: Vec<TrailerRecord>,
    /// For patches and cover letters: their series's status, as the report
    /// of the same selection gives it (`applied`, `nacked`, `new` …).
    #[schemars(with = "Option<SeriesStatus>")]
    pub status: Option<&'static str>,
    /// For patches: that it was applied, where, and how that is known.
    pub applied: Option<Applied>,
    /// What the mail says became of the patch it answers (a maintainer's
    /// notice, a bot's, a NAK): one entry per statement.
    pub evidence: Vec<EvidenceRecord>,
}

/// One statement of what happened to a patch (see [`crate::status`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct EvidenceRecord {
    /// What happened: `applied`, `merged`, `added-to-tree`,
    /// `removed-from-tree`, `changes-requested`, `nacked` …
    pub kind: String,
    /// For `removed-from-tree`: why (`merged`, `nacked`, `to-be-updated` …).
    pub reason: Option<String>,
    /// The rule that read it: `b4-ty`, `patchwork-bot`, `free-text` …
    #[schemars(with = "Rule")]
    pub rule: &'static str,
    /// The tree, when stated.
    pub tree: Option<String>,
    /// The branch, when stated.
    pub branch: Option<String>,
    /// The commits it gives, in the order of the patches it names.
    pub commits: Vec<String>,
    /// Who says so.
    pub by: Option<Person>,
    /// The line that said it.
    pub text: String,
}

impl EvidenceRecord {
    fn new(evidence: &Evidence) -> EvidenceRecord {
        // The JSON names of the kind, from its own serde shape.
        let kind = serde_json::to_value(&evidence.kind).unwrap_or_default();
        let name = |field: &str| kind.get(field).and_then(|v| v.as_str()).map(str::to_string);
        EvidenceRecord {
            kind: name("kind").unwrap_or_default(),
            reason: name("reason"),
            rule: evidence.rule.name(),
            tree: evidence.tree.clone(),
            branch: evidence.branch.clone(),
            commits: evidence
                .patches
                .iter()
                .filter_map(|p| p.commit.clone())
                .chain(evidence.merge_commit.clone())
                .collect(),
            by: evidence.by.clone(),
            text: evidence.lines.first().cloned().unwrap_or_default(),
        }
    }
}

/// The patch tag of a patch mail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PatchFields {
    /// `v3` → 3.
    pub version: u32,
    /// `v5.1` → 1.
    pub version_minor: Option<u32>,
    /// `N` of `N/M`.
    pub index: Option<u32>,
    /// `M` of `N/M`.
    pub total: Option<u32>,
    /// Marked RFC.
    pub rfc: bool,
    /// Marked RESEND.
    pub resend: bool,
    /// Other words of the tag (`net-next`).
    pub prefixes: Vec<String>,
}

/// One trailer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct TrailerRecord {
    /// `Reviewed-by` and the like.
    #[schemars(with = "TrailerKind")]
    pub kind: &'static str,
    /// The person named.
    pub person: Person,
}

/// The records of a selection, oldest first, and how many selected
/// commits held no readable mail.
pub fn records(
    archive: &Archive,
    selection: &Selection,
    identities: &Identities,
) -> Result<(Vec<MessageRecord>, usize), Error> {
    let (mut selected, mut outcome) = archive.read_selection(selection)?;
    identities.apply(&mut outcome.mails);
    settle_bare_cover_letters(&mut outcome.mails);
    let mails = &outcome.mails;
    let by_id = message_index(mails);
    let mut series_id: Vec<Option<String>> = vec![None; mails.len()];
    for group in group_series(mails, &by_id) {
        let root = group
            .members
            .first()
            .and_then(|&i| mails[i].message.message_id.clone());
        for &member in &group.members {
            series_id[member] = root.clone();
        }
    }
    // A reply belongs to the series of the nearest mail it answers that has one.
    for i in 0..mails.len() {
        if series_id[i].is_some() {
            continue;
        }
        let message = &mails[i].message;
        let answered = message
            .in_reply_to
            .iter()
            .chain(message.references.iter().rev())
            .filter_map(|id| by_id.get(id.as_str()).copied())
            .find_map(|j| series_id[j].clone());
        series_id[i] = answered;
    }
    let mut records: Vec<MessageRecord> = mails
        .iter()
        .zip(series_id)
        .map(|(mail, series_id)| record(archive, mail, series_id, identities))
        .collect();
    let missing = outcome.missing.len();
    // Statuses as the report of the same selection has them, so the two
    // always agree; its mails are already mapped and settled.
    selected.open_start = matches!(
        selection,
        Selection::Range { base: None, .. } | Selection::Window { since: None, .. }
    ) || matches!(selection, Selection::Between { after, .. } if after.is_empty());
    // No mailmap: the mails carry its names already.
    let options = report::Options::default();
    let report = report::from_mails(archive.name(), &selected, outcome, Vec::new(), &options);
    add_statuses(&mut records, &report);
    Ok((records, missing))
}

/// Each patch and cover letter gets its series's status, each patch what
/// says it was applied.
fn add_statuses(records: &mut [MessageRecord], report: &report::Report) {
    let mut by_id: HashMap<&str, (&'static str, Option<&Applied>)> = HashMap::new();
    for series in &report.series {
        let status = series.status.name();
        for mail in series.cover.iter().chain(&series.patches) {
            if let Some(id) = mail.message_id.as_deref() {
                by_id.insert(id, (status, mail.applied.as_deref()));
            }
        }
    }
    for record in records.iter_mut().filter(|r| r.patch.is_some()) {
        if let Some((status, applied)) = record.message_id.as_deref().and_then(|id| by_id.get(id)) {
            record.status = Some(status);
            record.applied = applied.cloned();
        }
    }
}

fn record(
    archive: &Archive,
    mail: &MailRecord,
    series_id: Option<String>,
    identities: &Identities,
) -> MessageRecord {
    let message = &mail.message;
    let (kind, patch) = match &message.subject.kind {
        SubjectKind::Patch(tag) => (
            if tag.is_cover_letter() {
                "cover_letter"
            } else {
                "patch"
            },
            Some(PatchFields {
                version: tag.version.major,
                version_minor: tag.version.minor,
                index: tag.index,
                total: tag.total,
                rfc: tag.rfc,
                resend: tag.resend,
                prefixes: tag.prefixes.clone(),
            }),
        ),
        SubjectKind::Reply => ("reply", None),
        SubjectKind::PullRequest => ("pull_request", None),
        SubjectKind::Other => ("other", None),
    };
    let domain = message
        .author
        .as_ref()
        .and_then(|a| a.domain())
        .map(str::to_string);
    // Out of range is left out rather than written in another form, which
    // typed readers (Parquet's timestamps) would refuse.
    let timestamp = |seconds: i64| {
        jiff::Timestamp::from_second(seconds)
            .ok()
            .map(|t| t.to_string())
    };
    MessageRecord {
        format_version: FormatVersion,
        commit: mail.commit.id.to_string(),
        epoch: archive
            .epochs()
            .get(mail.commit.epoch)
            .map_or(0, |e| e.number),
        arrived: timestamp(mail.commit.time),
        date: message.date.and_then(timestamp),
        message_id: message.message_id.clone(),
        in_reply_to: message.in_reply_to.clone(),
        author: message.author.clone(),
        sender: message.sender.clone(),
        organization: domain
            .as_deref()
            .map(|d| identities.organizations.organization(d)),
        domain,
        subject: message.subject.full.clone(),
        kind,
        patch,
        series_id,
        trailers: message
            .trailers
            .iter()
            .map(|t| TrailerRecord {
                kind: t.kind.name(),
                person: t.person.clone(),
            })
            .collect(),
        // Filled in from the report, in `records`.
        status: None,
        applied: None,
        evidence: message.evidence.iter().map(EvidenceRecord::new).collect(),
    }
}

/// Writes records as JSON Lines.
pub fn write_jsonl(records: &[MessageRecord], out: &mut dyn Write) -> std::io::Result<()> {
    for record in records {
        serde_json::to_writer(&mut *out, record)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
