use serde::Serialize;

use crate::analysis::SubsystemCount;
use crate::mail::{Diffstat, Person, TrailerKind};
use crate::status::{Applied, SeriesStatus, StatusReason};

/// A mailing-list update: what arrived between two archive commits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Report {
    /// The list's name (`--list`, else from `List-Id`, else the archive's directory).
    pub list: String,
    /// The start of the selection as an 8-hex abbreviation: the excluded
    /// base of a range, or the first selected commit. For a mailbox, which
    /// has no commits, the day of its first mail (`2025-05-01`).
    pub from: String,
    /// The end of the selection as an 8-hex abbreviation; for a mailbox,
    /// the day of its last mail.
    pub to: String,
    /// `from` in full.
    pub from_commit: String,
    /// `to` in full.
    pub to_commit: String,
    /// The lists read, in the order given (one for a report of one list):
    /// each one's mails and where its selection starts and ends. A report
    /// of several lists (`report kvm kvmarm`) counts a mail cross-posted
    /// to several of them once (by Message-ID); its `from` and `to` are
    /// then the days of its first and last mail, and `from_commit` and
    /// `to_commit` are empty: commits are each list's own.
    pub lists: Vec<ListPart>,
    /// Counts of what was read.
    pub stats: Stats,
    /// How the selection compares with another period (`--compare`): by
    /// default the period of the same length just before it; null with
    /// `--compare none`.
    pub comparison: Option<Comparison>,
    /// Messages per author domain, most first; every entry, not cut to `--top`.
    pub domains: Vec<DomainCount>,
    /// Messages per organization of the author's domain (see
    /// `--orgmap`), most first, ties by name; an unlisted domain stands
    /// for itself. Every entry.
    pub organizations: Vec<OrganizationCount>,
    /// Messages per author, most first; every entry.
    pub contributors: Vec<ContributorCount>,
    /// Reviewed-by, Acked-by and Tested-by given in replies in the
    /// selection, per person, most first.
    pub reviewers: Vec<ContributorCount>,
    /// The same per domain of the person named.
    pub reviewer_domains: Vec<DomainCount>,
    /// The same per organization of the person named.
    pub reviewer_organizations: Vec<OrganizationCount>,
    /// Series per subsystem (the title's prefixes, `KVM: x86/mmu`), most
    /// series first; every entry.
    pub subsystems: Vec<SubsystemCount>,
    /// With `--maintainers`: series and patches per MAINTAINERS section,
    /// most series first; `None` without.
    pub sections: Option<Vec<SectionCount>>,
    /// With `--maintainers`: per section, its patches still waiting for a
    /// review, with the people who could give it; most patches first.
    pub unreviewed_by_section: Vec<SectionQueue>,
    /// With `--maintainers`: patches whose To, Cc and From name no
    /// maintainer and no list of a `Maintained`/`Supported` section they
    /// touch, newest series first.
    pub missed_cc: Vec<MissedCc>,
    /// Mails and patches per day of arrival (UTC), oldest first; days
    /// without mail are left out.
    pub timeline: Vec<DayCount>,
    /// Message-IDs of the mails that arrived in the selection's last
    /// second. (`update` now records those at every epoch's head, see
    /// `Archive::ids_at_marks`; this stays for readers of the JSON.)
    pub newest_message_ids: Vec<String>,
    /// Series applied in the selection, as its notices (or `--tree`) say:
    /// those posted in it, then those posted before it, newest notice first.
    pub applied: Vec<StatusEntry>,
    /// Series of the selection without any review yet (status `new` or
    /// `under_review`, no Reviewed/Acked/Tested-by on any patch), longest
    /// waiting first.
    pub awaiting_review: Vec<StatusEntry>,
    /// Series asked to change (`pw-bot: cr`, a deferral, to be updated),
    /// newest request first; series posted before the selection too.
    pub changes_requested: Vec<StatusEntry>,
    /// Series NAKed, newest NAK first; series posted before it too.
    pub nacked: Vec<StatusEntry>,
    /// With a watchlist (`--section`, `--who`, `--org`, `--files`): what
    /// the report was filtered to, and how much of the list that is. The
    /// list-wide figures (`stats`, the top lists, `timeline`) stay whole;
    /// series, status and section tables, and threads are filtered.
    pub watch: Option<WatchSummary>,
    /// With `--who` or `--org`: the series by, reviewed by or waiting on
    /// the people watched, newest first.
    pub your_series: Vec<YourSeries>,
    /// Every series with a patch in the selection, newest first (with a
    /// watchlist, the watched ones).
    pub series: Vec<Series>,
    /// `[GIT PULL]` threads, most replies first.
    pub pull_requests: Vec<Thread>,
    /// Bug reports (syzbot, `[BUG]`, regressions) and their replies.
    pub bug_reports: Vec<Thread>,
    /// Other threads that are not patches.
    pub discussions: Vec<Thread>,
    /// Threads on patches posted before the selection that drew replies in it.
    pub earlier_series: Vec<Thread>,
    /// One line per kind of trouble met while reading (broken or missing mail).
    pub warnings: Vec<String>,
}

/// One list of a report, as read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct ListPart {
    /// The list's name: as given (`report kvm`, `--archive kvm=PATH`),
    /// else the archive's directory name.
    pub name: String,
    /// Mails of the report that reached this list.
    pub messages: usize,
    /// Of those, the mails that reached another list of the report too.
    pub cross_posted: usize,
    /// The start of this list's selection (8 hex digits, or a mailbox's day).
    pub from: String,
    /// The end of this list's selection.
    pub to: String,
    /// `from` in full.
    pub from_commit: String,
    /// `to` in full.
    pub to_commit: String,
}

/// Counts of the selection.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Stats {
    /// Mails read.
    pub messages: usize,
    /// Selected commits whose mail could not be read (deleted, purged or
    /// missing objects).
    pub missing: usize,
    /// Patch mails other than cover letters.
    pub patches: usize,
    /// Cover letters (patch index 0).
    pub cover_letters: usize,
    /// Mails whose subject is a reply or forward.
    pub replies: usize,
    /// `[GIT PULL]` mails.
    pub pull_requests: usize,
    /// Distinct series with a patch in the selection.
    pub series: usize,
    /// Patches in the selection without any review (see `Series`).
    pub unreviewed_patches: usize,
    /// Mails without an author address, left out of the contributor counts.
    pub without_author: usize,
    /// Patches of the selection's series that were applied (see
    /// `PatchMail::applied`).
    pub applied_patches: usize,
    /// The selection's series per status.
    pub statuses: StatusCounts,
}

/// How many series have each status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct StatusCounts {
    /// Every patch applied.
    pub applied: usize,
    /// Some patches applied.
    pub partially_applied: usize,
    /// A newer version was posted.
    pub superseded: usize,
    /// NAKed.
    pub nacked: usize,
    /// Changes requested.
    pub changes_requested: usize,
    /// Every patch reviewed or acked, not (yet) applied.
    pub reviewed: usize,
    /// Replies from others, not every patch reviewed.
    pub under_review: usize,
    /// No reply from anyone but the author.
    pub new: usize,
}

impl StatusCounts {
    /// The count of `status`.
    pub fn get(&self, status: SeriesStatus) -> usize {
        match status {
            SeriesStatus::Applied => self.applied,
            SeriesStatus::PartiallyApplied => self.partially_applied,
            SeriesStatus::Superseded => self.superseded,
            SeriesStatus::Nacked => self.nacked,
            SeriesStatus::ChangesRequested => self.changes_requested,
            SeriesStatus::Reviewed => self.reviewed,
            SeriesStatus::UnderReview => self.under_review,
            SeriesStatus::New => self.new,
        }
    }

    /// Counts one more series of `status`.
    pub fn add(&mut self, status: SeriesStatus) {
        let slot = match status {
            SeriesStatus::Applied => &mut self.applied,
            SeriesStatus::PartiallyApplied => &mut self.partially_applied,
            SeriesStatus::Superseded => &mut self.superseded,
            SeriesStatus::Nacked => &mut self.nacked,
            SeriesStatus::ChangesRequested => &mut self.changes_requested,
            SeriesStatus::Reviewed => &mut self.reviewed,
            SeriesStatus::UnderReview => &mut self.under_review,
            SeriesStatus::New => &mut self.new,
        };
        *slot += 1;
    }
}

/// A series named under a status heading (applied, awaiting review, …).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct StatusEntry {
    /// Its title (for a series posted before the selection: the subject of
    /// the mail its thread starts with, without tags).
    pub title: String,
    /// Its version.
    pub version: u32,
    /// Its author, when known.
    pub author: Option<Person>,
    /// Message-ID of its cover letter or first patch (or its thread's root).
    pub message_id: Option<String>,
    /// Web archive link (with `--url`).
    pub url: Option<String>,
    /// Whether it is one of the report's `series` (posted in the selection),
    /// rather than a series posted before whose thread went on in it.
    pub in_selection: bool,
    /// Its status.
    pub status: SeriesStatus,
    /// Why: the notice, review or reply (see `Series::status_reason`).
    pub reason: Option<StatusReason>,
    /// For applied series: how many patches were applied, when known.
    pub patches_applied: Option<usize>,
    /// For applied series: the commits given, in patch order (as given,
    /// often abbreviated; patches applied without a commit id left out).
    pub commits: Vec<String>,
    /// For applied series: the tree the notice names, when it names one.
    pub tree: Option<String>,
    /// For applied series: the branch the notice names, when it names one.
    pub branch: Option<String>,
    /// `M` of `N/M`, when known.
    pub total: Option<u32>,
    /// For series awaiting review: whole days since its first mail, at the
    /// selection's end.
    pub days_waiting: Option<u32>,
}

/// One line of the domain list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct DomainCount {
    /// Lower-cased domain of the author address.
    pub domain: String,
    /// Messages.
    pub count: usize,
}

/// One line of the organization list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct OrganizationCount {
    /// The organization its domains map to, or the domain itself.
    pub name: String,
    /// Messages.
    pub count: usize,
}

/// One day of the timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct DayCount {
    /// The day, `2025-05-08` (UTC).
    pub day: String,
    /// Mails that arrived that day.
    pub messages: usize,
    /// Patch mails among them (cover letters not counted, as in `stats.patches`).
    pub patches: usize,
}

/// The people who gave one kind of review on a series.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct ReviewLine {
    /// `Reviewed-by`, `Acked-by` or `Tested-by`.
    pub kind: TrailerKind,
    /// Each person once, in the order their trailers came.
    pub people: Vec<Person>,
}

/// One line of the contributor list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct ContributorCount {
    /// The display name used most often with this address.
    pub name: String,
    /// The lower-cased address.
    pub email: String,
    /// Messages.
    pub count: usize,
}

/// A patch series: a cover letter and its patches, or a lone patch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Series {
    /// The cover letter's title, else the first patch's (subject without tags).
    pub title: String,
    /// The version number (`v3` → 3; 1 when untagged).
    pub version: u32,
    /// The partial-reroll number of `vN.M`, else null.
    pub version_minor: Option<u32>,
    /// `M` of `N/M`, null for a lone `[PATCH]`.
    pub total: Option<u32>,
    /// How many of its patches (cover letter aside) are in the selection:
    /// fewer than `total` when only some reached this list (a series
    /// cross-posted patch by patch) or the selection.
    pub patches_here: usize,
    /// Why `patches_here` is below `total`, or null when it is not.
    pub patches_missing: Option<PatchesMissing>,
    /// The tag says RFC.
    pub rfc: bool,
    /// The tag says RESEND.
    pub resend: bool,
    /// Other words of the tag (tree names such as `net-next`).
    pub prefixes: Vec<String>,
    /// Author of the cover letter or first patch.
    pub author: Option<Person>,
    /// Sender of the cover letter or first patch.
    pub sender: Option<Person>,
    /// Arrival time of its first mail in the selection (RFC 3339, UTC).
    pub first_seen: String,
    /// Message-ID of the cover letter or first patch.
    pub message_id: Option<String>,
    /// Web archive link of the cover letter or first patch (with `--url`).
    pub url: Option<String>,
    /// The subsystem its title names (`KVM: x86/mmu`), if any.
    pub subsystem: Option<String>,
    /// With `--maintainers`: the sections its patches touch, most specific first.
    pub sections: Vec<String>,
    /// The lists of the report its cover letter and patches reached, in
    /// the report's order of lists.
    pub lists: Vec<String>,
    /// The cover letter, when it is in the selection.
    pub cover: Option<PatchMail>,
    /// The patches in the selection, by index.
    pub patches: Vec<PatchMail>,
    /// Whether its cover letter or first patch (or the lone patch) is in the selection.
    pub starts_in_window: bool,
    /// Replies to its mails in the selection.
    pub replies: usize,
    /// Everyone who wrote a patch of it or a reply to it in the selection,
    /// in order of appearance.
    pub participants: Vec<Person>,
    /// Arrival of its newest patch or reply (RFC 3339, UTC).
    pub last_activity: String,
    /// Trailers carried by its patches and given in replies, in that order.
    pub trailers: Vec<GivenTrailer>,
    /// Who gave Reviewed-by, Acked-by and Tested-by on it, per kind in that
    /// order: the distinct people of `trailers`, kinds with nobody left out.
    pub reviews: Vec<ReviewLine>,
    /// Totals of the diffstats of its patches in the selection.
    pub diffstat: Diffstat,
    /// Patches (not the cover letter) with no Reviewed-by, Acked-by or
    /// Tested-by on them or on the cover letter.
    pub unreviewed_patches: usize,
    /// The cover letter's changelog block for this version (`v3:`,
    /// `Changes in v3:`, `Changes since v2:` …).
    pub changelog: Option<String>,
    /// b4's `change-id:` from its cover letter or lone patch, the same in
    /// every version.
    pub change_id: Option<String>,
    /// Earlier versions of the series, oldest first: the newest posting of
    /// each lower version in the selection or within `--lookback` before
    /// it (same author and title, same change-id, or answered by a higher
    /// version).
    pub earlier_versions: Vec<VersionRef>,
    /// The newest later version posted in the selection, if any.
    pub superseded_by: Option<VersionRef>,
    /// What became of it by the selection's end (see the README's Status).
    pub status: SeriesStatus,
    /// Why it has that status: the notice, NAK, newer version, review or
    /// reply that decided it; null for a new series.
    pub status_reason: Option<StatusReason>,
    /// Whole days from its first mail to the first reply by someone other
    /// than its author; null without one.
    pub days_to_first_reply: Option<u32>,
    /// Whole days from its first mail to the first review (Reviewed-by,
    /// Acked-by, Tested-by) given in a reply; null without one.
    pub days_to_first_review: Option<u32>,
}

/// Why some patches of a series are not in the selection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(rename_all = "snake_case")]
pub enum PatchesMissing {
    /// They never reached this list: the series was sent to several lists
    /// patch by patch, or the selection ends before the rest arrived.
    NotOnList,
    /// The series started before the selection, with the rest.
    BeforeSelection,
    /// A partial reroll (`v5.1`) resends only some patches.
    Rerolled,
}

/// One patch or cover letter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct PatchMail {
    /// `N` of `N/M`; 0 for a cover letter, null for a lone `[PATCH]`.
    pub index: Option<u32>,
    /// The whole subject, tag included.
    pub subject: String,
    /// The subject without its tag.
    pub title: String,
    /// Who wrote it (in-body `From:` first).
    pub author: Option<Person>,
    /// Who sent it (header `From:`).
    pub sender: Option<Person>,
    /// Its Message-ID.
    pub message_id: Option<String>,
    /// Web archive link (with `--url`).
    pub url: Option<String>,
    /// The archive commit that added it.
    pub commit: String,
    /// Arrival time (RFC 3339, UTC).
    pub arrived: String,
    /// The commit message up to and including the diffstat.
    pub commit_message: String,
    /// The diffstat totals, when there is a diffstat.
    pub diffstat: Option<Diffstat>,
    /// That it was applied, how that is known and where; null when nothing
    /// says so (always null for a cover letter).
    pub applied: Option<Box<Applied>>,
    /// With `--maintainers`: the sections its diff and text touch, most
    /// specific first (empty for a cover letter).
    pub sections: Vec<String>,
    /// Of `sections`, those whose maintainers and lists its To/Cc/From all miss.
    pub missed_cc: Vec<String>,
    /// With `--files`: the files its diff touches (both sides of a
    /// rename), from the top of the tree; empty otherwise.
    pub files: Vec<String>,
}

/// What a watchlist kept of a report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct WatchSummary {
    /// The criteria in words: `section "HYPER-V*", who "kys@microsoft.com"`.
    pub description: String,
    /// `--section` globs.
    pub sections: Vec<String>,
    /// `--who` addresses or names.
    pub who: Vec<String>,
    /// `--org` organizations or domains.
    pub orgs: Vec<String>,
    /// `--files` globs.
    pub files: Vec<String>,
    /// Series kept (of `stats.series`).
    pub series: usize,
    /// Their patches in the selection (of `stats.patches`).
    pub patches: usize,
    /// Of those, the ones without review (of `stats.unreviewed_patches`).
    pub unreviewed_patches: usize,
    /// Of those, the ones applied (of `stats.applied_patches`).
    pub applied_patches: usize,
}

/// One line of the "Your series" table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct YourSeries {
    /// The series' title.
    pub title: String,
    /// The other words of its tag (`net-next`, `AUTOSEL 6.14`), which tell
    /// apart the postings of one title to several trees.
    pub prefixes: Vec<String>,
    /// Its version.
    pub version: u32,
    /// Every version known, oldest first (earlier versions and this one).
    pub versions: Vec<u32>,
    /// Its author.
    pub author: Option<Person>,
    /// Message-ID of its cover letter or first patch.
    pub message_id: Option<String>,
    /// Web archive link (with `--url`).
    pub url: Option<String>,
    /// Why it is yours: by a person watched, by an organization watched,
    /// reviewed by a person watched, waiting on one.
    pub why: Vec<WatchReason>,
    /// Reviewed-by, Acked-by and Tested-by it received (trailers given in
    /// replies and carried by its patches), each person once per kind.
    pub reviews: usize,
    /// Its status.
    pub status: SeriesStatus,
    /// Whole days from its last patch or reply to the selection's end.
    pub days_since_activity: u32,
}

/// Why a series is in "Your series".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(rename_all = "snake_case")]
pub enum WatchReason {
    /// A person watched wrote it.
    Author,
    /// Someone of an organization watched wrote it.
    Organization,
    /// A person watched reviewed, acked or tested it.
    Reviewer,
    /// It is still open, and a person watched is `M:` or `R:` of one of
    /// its sections.
    WaitingOn,
}

/// One MAINTAINERS section's share of the selection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct SectionCount {
    /// The section's name line.
    pub name: String,
    /// `S:` as written, or null.
    pub status: Option<String>,
    /// `M:`.
    pub maintainers: Vec<Person>,
    /// `R:`.
    pub reviewers: Vec<Person>,
    /// `L:`, addresses only.
    pub lists: Vec<String>,
    /// Series with a patch touching the section.
    pub series: usize,
    /// Patches touching it.
    pub patches: usize,
    /// Of those, the ones without review.
    pub unreviewed_patches: usize,
    /// Of those, the ones applied.
    pub applied_patches: usize,
}

/// A section's patches waiting for review, and who reviews for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct SectionQueue {
    /// The section's name line.
    pub name: String,
    /// `M:`.
    pub maintainers: Vec<Person>,
    /// `R:`.
    pub reviewers: Vec<Person>,
    /// Its patches without review of series still open, newest series first.
    pub patches: Vec<PatchRef>,
}

/// A patch named in a section list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct PatchRef {
    /// Its subject as sent.
    pub subject: String,
    /// Its author.
    pub author: Option<Person>,
    /// Its Message-ID.
    pub message_id: Option<String>,
    /// Its web archive link (with `--url`).
    pub url: Option<String>,
    /// When it arrived (RFC 3339 UTC).
    pub arrived: String,
}

/// A patch that missed the people of sections it touches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct MissedCc {
    /// The patch.
    pub patch: PatchRef,
    /// The sections whose maintainers and lists its To/Cc/From all miss.
    pub sections: Vec<String>,
}

/// Another version of a series.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct VersionRef {
    /// Its version number.
    pub version: u32,
    /// Its partial-reroll number, if any.
    pub version_minor: Option<u32>,
    /// When its first mail arrived (RFC 3339, UTC).
    pub first_seen: String,
    /// Message-ID of its cover letter or first patch.
    pub message_id: Option<String>,
    /// Web archive link (with `--url`).
    pub url: Option<String>,
}

/// A trailer as given on a series.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct GivenTrailer {
    /// `Reviewed-by` and the like.
    pub kind: TrailerKind,
    /// The person it names, to whom it is attributed.
    pub person: Person,
    /// The index of the patch it was given on: 0 for the cover letter (the
    /// whole series), null for a lone patch.
    pub patch: Option<u32>,
    /// Given in a reply in the selection, rather than carried by the patch.
    pub in_reply: bool,
    /// Who sent the mail carrying it, when that is not the person named.
    pub sent_by: Option<Person>,
    /// The Message-ID of the mail carrying it: the reply that gave it, or
    /// the patch that carries it.
    pub message_id: Option<String>,
    /// When that mail arrived (RFC 3339, UTC).
    pub arrived: String,
}

/// A thread that is not a patch series: a pull request, a bug report, a
/// discussion, or replies to patches from before the selection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Thread {
    /// The subject of the mail that started it, reply prefixes removed.
    pub subject: String,
    /// Who started it; null when that was before the selection.
    pub author: Option<Person>,
    /// The Message-ID it started with (possibly before the selection).
    pub message_id: Option<String>,
    /// Web archive link (with `--url`).
    pub url: Option<String>,
    /// Whether its first mail is in the selection.
    pub started_in_window: bool,
    /// Arrival of its first mail in the selection (RFC 3339, UTC).
    pub first_seen: String,
    /// Arrival of its newest mail in the selection.
    pub last_activity: String,
    /// Replies in the selection.
    pub replies: usize,
    /// Everyone who wrote in it in the selection, in order of appearance.
    pub participants: Vec<Person>,
    /// Trailers given in its replies in the selection (`patch` the index
    /// the reply's subject names), in mail order.
    pub trailers: Vec<GivenTrailer>,
}

/// The selection beside another period: its figures then and now, and how
/// the top lists moved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Comparison {
    /// How the other period was chosen.
    pub basis: CompareBasis,
    /// The selection's own span: a window's bounds, else the arrival of its
    /// first and last mails.
    pub period: Span,
    /// The other period; null when there is none (the selection starts
    /// with the archive's first mail).
    pub other: Option<Span>,
    /// Whether the other period holds no mail (or there is none): then the
    /// figures before are all zero and `ranks` is empty.
    pub empty: bool,
    /// Why there is nothing to compare with, when `empty`.
    pub note: Option<String>,
    /// The figures, before and now.
    pub figures: Figures,
    /// How the top lists moved.
    pub ranks: RankChanges,
}

/// How a comparison's other period was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(rename_all = "snake_case")]
pub enum CompareBasis {
    /// The period of the same length just before the selection.
    Previous,
    /// The range or window `--compare A..B` names.
    Given,
}

/// A span of time, both ends inclusive (RFC 3339 UTC).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Span {
    /// Its first second.
    pub since: String,
    /// Its last second.
    pub until: String,
}

/// The compared figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Figures {
    /// `stats.messages`.
    pub messages: Change,
    /// `stats.patches`.
    pub patches: Change,
    /// `stats.series`.
    pub series: Change,
    /// Reviewed/Acked/Tested-by given in replies (the sum of `reviewers`).
    pub reviews: Change,
    /// `stats.applied_patches`.
    pub applied: Change,
    /// `stats.unreviewed_patches`.
    pub unreviewed: Change,
    /// The median of `days_to_first_review` over the series that start in
    /// the period and got a review.
    pub median_days_to_first_review: MedianChange,
}

/// One count, before and now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Change {
    /// In the selection.
    pub now: usize,
    /// In the other period.
    pub before: usize,
}

/// A median of whole days, before and now (x or x.5); null where no series
/// had a review.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct MedianChange {
    /// In the selection.
    pub now: Option<f64>,
    /// In the other period.
    pub before: Option<f64>,
}

// Medians of whole days are never NaN, so equality is total; the report
// model is compared whole in tests.
impl Eq for MedianChange {}

/// The rank changes of the top lists, each in the selection's order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct RankChanges {
    /// `domains`.
    pub domains: Vec<RankChange>,
    /// `organizations`.
    pub organizations: Vec<RankChange>,
    /// `contributors`.
    pub contributors: Vec<RankChange>,
    /// `reviewers`.
    pub reviewers: Vec<RankChange>,
    /// `sections` (with `--maintainers`, ranked by series), else empty.
    pub sections: Vec<RankChange>,
}

/// Where an entry of a top list stands now and stood before.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct RankChange {
    /// The domain, organization or section; for a person, the display name.
    pub name: String,
    /// For a person, the address (how people are told apart); else null.
    pub email: Option<String>,
    /// Its count now (messages, reviews, or series for a section).
    pub count: usize,
    /// Its rank now, from 1; equal counts share a rank (1, 2, 2, 4).
    pub rank: usize,
    /// Its count in the other period (0 when absent).
    pub previous_count: usize,
    /// Its rank then; null when it was not in the list.
    pub previous_rank: Option<usize>,
    /// `+3` (up three places), `-2`, `=`, or `new`.
    pub movement: String,
}
