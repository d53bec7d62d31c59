//! Events for bots: what happened in an update, one [`Event`] per thing, made
//! from the report the update built (never from the mail again, so the
//! events and the report cannot disagree).
//!
//! An update's report covers only the mail that arrived since the last
//! update, so each event is one of that window:
//!
//! * `series_posted`: a series starts in it, and no earlier version of it
//!   is known; `series_revised`: a series starts in it, and an earlier
//!   version is known (the newest is `previous`);
//! * `series_superseded`: the version a revision replaces, or a series a
//!   notice (`pw-bot: superseded`) in the window calls superseded;
//! * `review_given`: a Reviewed-by, Acked-by or Tested-by given in a reply
//!   in the window, on a series of the window or an earlier one;
//! * `series_applied`, `changes_requested`, `nacked`: a notice in the window
//!   that decided the series' status (the report's status lists). A series
//!   whose status settled on something else (applied after a NAK) gets only
//!   the event of its status; an upstream tree's evidence (`--tree`) is no
//!   notice and gives none.

use serde::Serialize;

use crate::contract::FormatVersion;
use crate::mail::{Person, TrailerKind};
use crate::report::{GivenTrailer, Report, Series, StatusEntry, VersionRef};
use crate::status::SeriesStatus;

/// One thing that happened. Every kind has `format_version`, `time`
/// (RFC 3339 UTC), `series` (the Message-ID of the series' cover letter or
/// first patch), `title`, `version`, `message_ids` (the mails it is about,
/// the one that made it happen first) and `people` (who made it happen).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A new series: the first version seen.
    SeriesPosted {
        /// The format's version.
        format_version: FormatVersion,
        /// When its first mail arrived.
        time: String,
        /// Its Message-ID (cover letter or first patch).
        series: Option<String>,
        /// Its title.
        title: String,
        /// Its version.
        version: u32,
        /// The cover letter's and the patches' Message-IDs.
        message_ids: Vec<String>,
        /// Its author.
        people: Vec<Person>,
        /// `M` of `N/M`.
        total: Option<u32>,
        /// Its web archive link (with a list URL).
        url: Option<String>,
    },
    /// A new version of a series posted before.
    SeriesRevised {
        /// The format's version.
        format_version: FormatVersion,
        /// When its first mail arrived.
        time: String,
        /// Its Message-ID (cover letter or first patch).
        series: Option<String>,
        /// Its title.
        title: String,
        /// Its version.
        version: u32,
        /// The cover letter's and the patches' Message-IDs.
        message_ids: Vec<String>,
        /// Its author.
        people: Vec<Person>,
        /// `M` of `N/M`.
        total: Option<u32>,
        /// Its web archive link.
        url: Option<String>,
        /// The newest earlier version.
        previous: VersionRef,
    },
    /// A Reviewed-by, Acked-by or Tested-by given in a reply.
    ReviewGiven {
        /// The format's version.
        format_version: FormatVersion,
        /// When the reply arrived.
        time: String,
        /// The series reviewed.
        series: Option<String>,
        /// Its title.
        title: String,
        /// Its version.
        version: u32,
        /// The reply's Message-ID, then the patch's when known.
        message_ids: Vec<String>,
        /// The person the trailer names.
        people: Vec<Person>,
        /// `Reviewed-by`, `Acked-by` or `Tested-by`.
        kind: TrailerKind,
        /// The Message-ID of the patch reviewed (the cover letter: the whole
        /// series), when it is in the window.
        patch: Option<String>,
        /// Its index: 0 for the cover letter, null for a lone patch or unknown.
        patch_index: Option<u32>,
        /// Who sent the reply, when not the person named.
        sent_by: Option<Person>,
    },
    /// A notice says the series (or some of its patches) was applied.
    SeriesApplied {
        /// The format's version.
        format_version: FormatVersion,
        /// When the notice arrived.
        time: String,
        /// The series.
        series: Option<String>,
        /// Its title.
        title: String,
        /// Its version.
        version: u32,
        /// The notice's Message-ID, then the series'.
        message_ids: Vec<String>,
        /// Who applied it (or said so).
        people: Vec<Person>,
        /// Only some patches were applied.
        partial: bool,
        /// The tree, when the notice names it.
        tree: Option<String>,
        /// The branch, when the notice names it.
        branch: Option<String>,
        /// The commits given, in patch order (often abbreviated).
        commits: Vec<String>,
        /// How many patches were applied, when known.
        patches_applied: Option<usize>,
        /// The notice's rule: `b4-ty`, `patchwork-bot`, `free-text` …
        rule: String,
        /// What the notice said.
        text: String,
    },
    /// A newer version replaced the series, or a notice says it is superseded.
    SeriesSuperseded {
        /// The format's version.
        format_version: FormatVersion,
        /// When the newer version (or the notice) arrived.
        time: String,
        /// The series superseded.
        series: Option<String>,
        /// Its title.
        title: String,
        /// Its version.
        version: u32,
        /// The series', then the newer version's (or the notice's) Message-ID.
        message_ids: Vec<String>,
        /// The newer version's author, or who sent the notice.
        people: Vec<Person>,
        /// The newer version; null when a notice says so without one.
        superseded_by: Option<VersionRef>,
    },
    /// Changes were asked for (`pw-bot: cr`, a deferral, "to be updated").
    ChangesRequested {
        /// The format's version.
        format_version: FormatVersion,
        /// When the request arrived.
        time: String,
        /// The series.
        series: Option<String>,
        /// Its title.
        title: String,
        /// Its version.
        version: u32,
        /// The request's Message-ID, then the series'.
        message_ids: Vec<String>,
        /// Who asked.
        people: Vec<Person>,
        /// The notice's rule (`pw-bot`, `akpm-bot` …).
        rule: String,
        /// What it said.
        text: String,
    },
    /// The series was NAKed.
    Nacked {
        /// The format's version.
        format_version: FormatVersion,
        /// When the NAK arrived.
        time: String,
        /// The series.
        series: Option<String>,
        /// Its title.
        title: String,
        /// Its version.
        version: u32,
        /// The NAK's Message-ID, then the series'.
        message_ids: Vec<String>,
        /// Who NAKed it.
        people: Vec<Person>,
        /// `nak` (a NAK line) or `nacked-by` (the trailer).
        rule: String,
        /// What it said.
        text: String,
    },
}

impl Event {
    /// The event's name: `series_posted`, `review_given` …
    pub fn name(&self) -> &'static str {
        match self {
            Event::SeriesPosted { .. } => "series_posted",
            Event::SeriesRevised { .. } => "series_revised",
            Event::ReviewGiven { .. } => "review_given",
            Event::SeriesApplied { .. } => "series_applied",
            Event::SeriesSuperseded { .. } => "series_superseded",
            Event::ChangesRequested { .. } => "changes_requested",
            Event::Nacked { .. } => "nacked",
        }
    }

    /// When it happened (RFC 3339 UTC).
    pub fn time(&self) -> &str {
        match self {
            Event::SeriesPosted { time, .. }
            | Event::SeriesRevised { time, .. }
            | Event::ReviewGiven { time, .. }
            | Event::SeriesApplied { time, .. }
            | Event::SeriesSuperseded { time, .. }
            | Event::ChangesRequested { time, .. }
            | Event::Nacked { time, .. } => time,
        }
    }

    /// The series it is about.
    pub fn series(&self) -> Option<&str> {
        match self {
            Event::SeriesPosted { series, .. }
            | Event::SeriesRevised { series, .. }
            | Event::ReviewGiven { series, .. }
            | Event::SeriesApplied { series, .. }
            | Event::SeriesSuperseded { series, .. }
            | Event::ChangesRequested { series, .. }
            | Event::Nacked { series, .. } => series.as_deref(),
        }
    }
}

/// The events of `report`, oldest first; at the same second, in the order
/// posted, revised, superseded, reviewed, changes requested, NAKed,
/// applied (a series is posted before it is reviewed).
pub fn events(report: &Report) -> Vec<Event> {
    let mut events = Vec::new();
    for series in &report.series {
        if series.starts_in_window {
            posted(series, &mut events);
        }
        for trailer in series.trailers.iter().filter(|t| t.in_reply) {
            let patch = match trailer.patch {
                Some(0) => series.cover.as_ref(),
                index => series.patches.iter().find(|p| p.index == index),
            };
            let patch = patch.and_then(|p| p.message_id.clone());
            review(
                trailer,
                series.message_id.as_ref(),
                &series.title,
                series.version,
                patch,
                &mut events,
            );
        }
        if series.status == SeriesStatus::Superseded {
            superseded_by_notice(series, &mut events);
        }
    }
    for thread in &report.earlier_series {
        let subject = crate::mail::parse_subject(&thread.subject);
        let version = match &subject.kind {
            crate::mail::SubjectKind::Patch(tag) => tag.version.major,
            _ => 1,
        };
        for trailer in thread.trailers.iter().filter(|t| t.in_reply) {
            review(
                trailer,
                thread.message_id.as_ref(),
                &subject.title,
                version,
                None,
                &mut events,
            );
        }
    }
    for entry in &report.applied {
        applied(entry, &mut events);
    }
    for entry in report.changes_requested.iter().chain(&report.nacked) {
        refused(entry, &mut events);
    }
    let order = |e: &Event| {
        let kinds = [
            "series_posted",
            "series_revised",
            "series_superseded",
            "review_given",
            "changes_requested",
            "nacked",
            "series_applied",
        ];
        kinds.iter().position(|k| *k == e.name())
    };
    // RFC 3339 UTC times of one form sort as text.
    events.sort_by(|a, b| a.time().cmp(b.time()).then_with(|| order(a).cmp(&order(b))));
    events.dedup();
    events
}

fn people(person: Option<&Person>) -> Vec<Person> {
    person.into_iter().cloned().collect()
}

/// `series_posted` or `series_revised` (with the `series_superseded` of the
/// version it replaces).
fn posted(series: &Series, events: &mut Vec<Event>) {
    let message_ids: Vec<String> = series
        .cover
        .iter()
        .chain(&series.patches)
        .filter_map(|p| p.message_id.clone())
        .collect();
    let author = people(series.author.as_ref().or(series.sender.as_ref()));
    let Some(previous) = series.earlier_versions.last() else {
        events.push(Event::SeriesPosted {
            format_version: FormatVersion,
            time: series.first_seen.clone(),
            series: series.message_id.clone(),
            title: series.title.clone(),
            version: series.version,
            message_ids,
            people: author,
            total: series.total,
            url: series.url.clone(),
        });
        return;
    };
    let this = VersionRef {
        version: series.version,
        version_minor: series.version_minor,
        first_seen: series.first_seen.clone(),
        message_id: series.message_id.clone(),
        url: series.url.clone(),
    };
    events.push(Event::SeriesSuperseded {
        format_version: FormatVersion,
        time: series.first_seen.clone(),
        series: previous.message_id.clone(),
        title: series.title.clone(),
        version: previous.version,
        message_ids: previous
            .message_id
            .iter()
            .chain(&series.message_id)
            .cloned()
            .collect(),
        people: author.clone(),
        superseded_by: Some(this),
    });
    events.push(Event::SeriesRevised {
        format_version: FormatVersion,
        time: series.first_seen.clone(),
        series: series.message_id.clone(),
        title: series.title.clone(),
        version: series.version,
        message_ids,
        people: author,
        total: series.total,
        url: series.url.clone(),
        previous: previous.clone(),
    });
}

/// A series a notice of the window calls superseded (`pw-bot:
/// superseded`); one a newer version replaced is the newer one's event.
fn superseded_by_notice(series: &Series, events: &mut Vec<Event>) {
    let Some(reason) = &series.status_reason else {
        return;
    };
    let (Some(notice), Some(time)) = (&reason.message_id, &reason.date) else {
        return;
    };
    if reason.kind == "newer-version" {
        return;
    }
    events.push(Event::SeriesSuperseded {
        format_version: FormatVersion,
        time: time.clone(),
        series: series.message_id.clone(),
        title: series.title.clone(),
        version: series.version,
        message_ids: series
            .message_id
            .iter()
            .chain(Some(notice))
            .cloned()
            .collect(),
        people: people(reason.by.as_ref()),
        superseded_by: None,
    });
}

fn review(
    trailer: &GivenTrailer,
    series: Option<&String>,
    title: &str,
    version: u32,
    patch: Option<String>,
    events: &mut Vec<Event>,
) {
    if !trailer.kind.is_review() {
        return;
    }
    events.push(Event::ReviewGiven {
        format_version: FormatVersion,
        time: trailer.arrived.clone(),
        series: series.cloned(),
        title: title.to_string(),
        version,
        message_ids: trailer.message_id.iter().chain(&patch).cloned().collect(),
        people: vec![trailer.person.clone()],
        kind: trailer.kind,
        patch,
        patch_index: trailer.patch,
        sent_by: trailer.sent_by.clone(),
    });
}

/// The notice of a status entry: its Message-ID and time. Reviews, replies,
/// newer versions and an upstream tree's evidence are no notice.
fn notice(entry: &StatusEntry) -> Option<(&String, &String)> {
    let reason = entry.reason.as_ref()?;
    if matches!(reason.kind.as_str(), "review" | "reply" | "newer-version") {
        return None;
    }
    Some((reason.message_id.as_ref()?, reason.date.as_ref()?))
}

fn applied(entry: &StatusEntry, events: &mut Vec<Event>) {
    let (Some((notice, time)), Some(reason)) = (notice(entry), &entry.reason) else {
        return;
    };
    events.push(Event::SeriesApplied {
        format_version: FormatVersion,
        time: time.clone(),
        series: entry.message_id.clone(),
        title: entry.title.clone(),
        version: entry.version,
        message_ids: Some(notice)
            .into_iter()
            .chain(&entry.message_id)
            .cloned()
            .collect(),
        people: people(reason.by.as_ref()),
        partial: entry.status == SeriesStatus::PartiallyApplied,
        tree: entry.tree.clone(),
        branch: entry.branch.clone(),
        commits: entry.commits.clone(),
        patches_applied: entry.patches_applied,
        rule: reason.kind.clone(),
        text: reason.text.clone(),
    });
}

/// `changes_requested` or `nacked`, as the entry's status says.
fn refused(entry: &StatusEntry, events: &mut Vec<Event>) {
    let (Some((notice, time)), Some(reason)) = (notice(entry), &entry.reason) else {
        return;
    };
    let message_ids: Vec<String> = Some(notice)
        .into_iter()
        .chain(&entry.message_id)
        .cloned()
        .collect();
    let (time, series, title, version, people, rule, text) = (
        time.clone(),
        entry.message_id.clone(),
        entry.title.clone(),
        entry.version,
        people(reason.by.as_ref()),
        reason.kind.clone(),
        reason.text.clone(),
    );
    let format_version = FormatVersion;
    events.push(match entry.status {
        SeriesStatus::Nacked => Event::Nacked {
            format_version,
            time,
            series,
            title,
            version,
            message_ids,
            people,
            rule,
            text,
        },
        _ => Event::ChangesRequested {
            format_version,
            time,
            series,
            title,
            version,
            message_ids,
            people,
            rule,
            text,
        },
    });
}

/// The events as JSON Lines: one object per line, each line ending in `\n`.
pub fn to_jsonl(events: &[Event]) -> Vec<u8> {
    let mut out = Vec::new();
    for event in events {
        // An event holds only strings, numbers, booleans and options, which
        // serde_json always serializes; a line is added whole or not at all.
        if let Ok(mut line) = serde_json::to_vec(event) {
            line.push(b'\n');
            out.extend(line);
        }
    }
    out
}

#[cfg(test)]
mod tests;
