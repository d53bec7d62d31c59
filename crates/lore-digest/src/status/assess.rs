//! What became of a series as of the selection's end: the evidence its
//! replies carry, the reviews it got, a newer version, and optionally the
//! upstream tree, turned into one status per series and an `applied` per
//! patch, each with its reason.

use serde::Serialize;

use super::{Evidence, Kind, RemovalReason, Rule};
use crate::analysis::revision_key;
use crate::mail::Person;

/// What became of a series, the first that holds of: every patch applied,
/// some applied, a newer version posted, NAKed, changes requested, every
/// patch reviewed or acked, replies from others, nothing yet.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(rename_all = "snake_case")]
pub enum SeriesStatus {
    /// Every patch was applied.
    Applied,
    /// Some patches were applied, not all.
    PartiallyApplied,
    /// A newer version was posted.
    Superseded,
    /// A maintainer or reviewer NAKed it.
    Nacked,
    /// Changes were asked for (`pw-bot: cr`, a deferral, "to be updated").
    ChangesRequested,
    /// Every patch has a Reviewed-by or an Acked-by (on it or the cover letter).
    Reviewed,
    /// People other than its author replied; not every patch is reviewed.
    UnderReview,
    /// Nobody but its author wrote about it.
    New,
}

impl SeriesStatus {
    /// Every status, in the order a report lists them.
    pub const ALL: [SeriesStatus; 8] = [
        SeriesStatus::Applied,
        SeriesStatus::PartiallyApplied,
        SeriesStatus::Superseded,
        SeriesStatus::Nacked,
        SeriesStatus::ChangesRequested,
        SeriesStatus::Reviewed,
        SeriesStatus::UnderReview,
        SeriesStatus::New,
    ];

    /// The name in the JSON contract: `applied`, `partially_applied` …
    pub fn name(self) -> &'static str {
        match self {
            SeriesStatus::Applied => "applied",
            SeriesStatus::PartiallyApplied => "partially_applied",
            SeriesStatus::Superseded => "superseded",
            SeriesStatus::Nacked => "nacked",
            SeriesStatus::ChangesRequested => "changes_requested",
            SeriesStatus::Reviewed => "reviewed",
            SeriesStatus::UnderReview => "under_review",
            SeriesStatus::New => "new",
        }
    }

    /// How a reader says it: `applied`, `partially applied`, `NAKed` …
    pub fn label(self) -> &'static str {
        match self {
            SeriesStatus::Applied => "applied",
            SeriesStatus::PartiallyApplied => "partially applied",
            SeriesStatus::Superseded => "superseded",
            SeriesStatus::Nacked => "NAKed",
            SeriesStatus::ChangesRequested => "changes requested",
            SeriesStatus::Reviewed => "reviewed",
            SeriesStatus::UnderReview => "under review",
            SeriesStatus::New => "new",
        }
    }
}

/// Why a series has its status: the notice, trailer or posting that says
/// so, who said it, when, and where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct StatusReason {
    /// What it is: a notice's rule (`b4-ty`, `patchwork-bot`, `free-text`,
    /// `pw-bot`, `nak`, `nacked-by` …), a tree rule (`tree-link` …),
    /// `newer-version`, `review` or `reply`.
    pub kind: String,
    /// Who said it.
    pub by: Option<Person>,
    /// When (RFC 3339, UTC).
    pub date: Option<String>,
    /// The mail that said it.
    pub message_id: Option<String>,
    /// Its web archive link (with `--url`).
    pub url: Option<String>,
    /// What it said: the notice's line, the trailer, `v3 posted`.
    pub text: String,
}

/// That a patch was applied, and how that is known.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Applied {
    /// The commit, as the notice gives it (abbreviated or whole), or null.
    pub commit: Option<String>,
    /// The tree, when stated.
    pub tree: Option<String>,
    /// The branch, when stated.
    pub branch: Option<String>,
    /// Who applied it (or said so).
    pub by: Option<Person>,
    /// When the notice came, or the tree's commit was made (RFC 3339, UTC).
    pub date: Option<String>,
    /// The notice's Message-ID (null for a tree rule).
    pub message_id: Option<String>,
    /// Its web archive link (with `--url`).
    pub url: Option<String>,
    /// How it is known: a notice's rule (`b4-ty`, `patchwork-bot`,
    /// `tip-bot`, `free-text`, `pw-bot` …) or a tree rule (`tree-link`,
    /// `tree-patch-id`, `tree-subject`).
    pub rule: String,
}

/// A piece of evidence given in a reply to a series.
#[derive(Clone, Copy, Debug)]
pub struct Notice<'a> {
    /// The index of the patch the reply answers: 0 for the cover letter,
    /// `None` for a lone patch.
    pub on: Option<u32>,
    /// What it says.
    pub evidence: &'a Evidence,
    /// When it arrived, seconds since the epoch.
    pub time: i64,
    /// Its Message-ID.
    pub message_id: Option<&'a str>,
}

/// One patch of a series (cover letter aside) as the assessment sees it.
#[derive(Clone, Debug, Default)]
pub struct PatchFacts<'a> {
    /// `N` of `N/M`; `None` for a lone patch.
    pub index: Option<u32>,
    /// Its title (subject without tags).
    pub title: &'a str,
    /// It has a Reviewed-by or Acked-by, on itself or on the cover letter.
    pub reviewed: bool,
    /// What the upstream tree says, when `--tree` found it there.
    pub in_tree: Option<Applied>,
}

/// A review given to a series: for its reason and its timing.
#[derive(Clone, Debug)]
pub struct Review {
    /// `Reviewed-by: Ann <ann@x>`.
    pub text: String,
    /// Who gave it.
    pub by: Person,
    /// When its mail arrived.
    pub time: i64,
    /// Its mail.
    pub message_id: Option<String>,
}

/// A reply from someone other than the series' author.
#[derive(Clone, Debug)]
pub struct Reply {
    /// Who wrote it.
    pub by: Option<Person>,
    /// When it arrived.
    pub time: i64,
    /// Its Message-ID.
    pub message_id: Option<String>,
}

/// Everything the assessment of one series reads.
#[derive(Clone, Debug, Default)]
pub struct SeriesFacts<'a> {
    /// The author's lower-cased address.
    pub author: Option<&'a str>,
    /// `M` of `N/M`.
    pub total: Option<u32>,
    /// Its patches in the selection, by index.
    pub patches: Vec<PatchFacts<'a>>,
    /// The evidence its replies carry, oldest first.
    pub notices: Vec<Notice<'a>>,
    /// Reviews given in replies (Reviewed/Acked/Tested-by), oldest first.
    pub reviews: Vec<Review>,
    /// Replies from people other than the author, oldest first.
    pub replies: Vec<Reply>,
    /// The newer version that supersedes it: (first arrival, Message-ID,
    /// version label such as `v3`).
    pub newer_version: Option<(i64, Option<String>, String)>,
}

/// The status of a series and the `applied` of each of its patches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assessment {
    /// What became of it.
    pub status: SeriesStatus,
    /// Why; `None` for a new series.
    pub reason: Option<StatusReason>,
    /// Per patch of [`SeriesFacts::patches`], in order: applied, or not.
    pub applied: Vec<Option<Applied>>,
    /// What a reader should know: a notice naming patches the series does
    /// not have, notices that disagree, a commit id that is not hex.
    pub warnings: Vec<String>,
}

/// How notices become statements about patches.
enum Effect {
    Applied,
    Nacked,
    ChangesRequested,
    Superseded,
}

/// The status a notice of `kind` decides on its own, if any: for the
/// threads of series posted before the selection, where no more is known.
pub(crate) fn decided_status(kind: &Kind) -> Option<SeriesStatus> {
    Some(match effect(kind)? {
        Effect::Applied => SeriesStatus::Applied,
        Effect::Nacked => SeriesStatus::Nacked,
        Effect::ChangesRequested => SeriesStatus::ChangesRequested,
        Effect::Superseded => SeriesStatus::Superseded,
    })
}

fn effect(kind: &Kind) -> Option<Effect> {
    Some(match kind {
        Kind::Applied | Kind::AddedToTree | Kind::Accepted => Effect::Applied,
        Kind::RemovedFromTree { reason } => match reason {
            RemovalReason::Merged => Effect::Applied,
            RemovalReason::Nacked => Effect::Nacked,
            RemovalReason::ToBeUpdated => Effect::ChangesRequested,
            RemovalReason::Obsolete | RemovalReason::Folded | RemovalReason::Withdrawn => {
                Effect::Superseded
            }
            RemovalReason::Other => return None,
        },
        Kind::Nacked | Kind::Rejected => Effect::Nacked,
        Kind::ChangesRequested | Kind::Deferred => Effect::ChangesRequested,
        Kind::Superseded => Effect::Superseded,
        // A pull request's merge, and the states that decide nothing yet.
        Kind::Merged
        | Kind::AwaitingUpstream
        | Kind::UnderReview
        | Kind::NotApplicable
        | Kind::NeedsAck
        | Kind::New => return None,
    })
}

/// Assesses one series. `timestamp` writes a time as RFC 3339, `link` a
/// Message-ID as a web archive URL (or `None`).
pub fn assess(
    facts: &SeriesFacts<'_>,
    timestamp: &dyn Fn(i64) -> String,
    link: &dyn Fn(Option<&str>) -> Option<String>,
) -> Assessment {
    let mut warnings = Vec::new();
    let mut applied: Vec<Option<Applied>> = vec![None; facts.patches.len()];
    let mut verdicts: Vec<(Effect, StatusReason)> = Vec::new();
    for notice in &facts.notices {
        let evidence = notice.evidence;
        for super::Warning::BadCommitId(given) in &evidence.warnings {
            warnings.push(format!(
                "a notice gives the commit {given:?}, which is not a commit id ({})",
                notice.message_id.unwrap_or("no Message-ID")
            ));
        }
        let Some(effect) = effect(&evidence.kind) else {
            continue;
        };
        // The author saying `Applied.` means a suggestion applied, not the
        // patch: only a named tree or branch makes it a maintainer's notice.
        let from_author = evidence
            .by
            .as_ref()
            .is_some_and(|by| Some(by.email.as_str()) == facts.author);
        // A bare word (`Thank you for the suggestion`) is no place either:
        // branches and trees have a `-`, `/`, `.` or digit in their names.
        let named_place = |name: &Option<String>| {
            name.as_deref().is_some_and(|n| {
                n.contains(|c: char| matches!(c, '-' | '/' | '.' | '_') || c.is_ascii_digit())
            })
        };
        if evidence.rule == Rule::FreeText
            && from_author
            && !named_place(&evidence.tree)
            && !named_place(&evidence.branch)
        {
            continue;
        }
        let Some(targets) = targets(facts, notice, &mut warnings) else {
            continue;
        };
        let reason = StatusReason {
            kind: evidence.rule.name().to_string(),
            by: evidence.by.clone(),
            date: Some(timestamp(notice.time)),
            message_id: notice.message_id.map(str::to_string),
            url: link(notice.message_id),
            text: evidence.lines.join(" "),
        };
        match effect {
            Effect::Applied => {
                for (patch, commit) in targets {
                    let given = Applied {
                        commit,
                        tree: evidence.tree.clone(),
                        branch: evidence.branch.clone(),
                        by: evidence.by.clone(),
                        date: reason.date.clone(),
                        message_id: reason.message_id.clone(),
                        url: reason.url.clone(),
                        rule: reason.kind.clone(),
                    };
                    record_applied(&mut applied[patch], given, facts, patch, &mut warnings);
                }
            }
            other => verdicts.push((other, reason)),
        }
    }
    // The tree speaks for the patches no notice covers.
    for (slot, patch) in applied.iter_mut().zip(&facts.patches) {
        if slot.is_none() {
            slot.clone_from(&patch.in_tree);
        }
    }

    let applied_count = applied.iter().filter(|a| a.is_some()).count();
    let newest_applied = || {
        applied
            .iter()
            .flatten()
            .max_by(|a, b| a.date.cmp(&b.date))
            .map(|a| StatusReason {
                kind: a.rule.clone(),
                by: a.by.clone(),
                date: a.date.clone(),
                message_id: a.message_id.clone(),
                url: a.url.clone(),
                text: applied_text(a),
            })
    };
    let verdict = |wanted: fn(&Effect) -> bool| {
        verdicts
            .iter()
            .rev()
            .find(|(effect, _)| wanted(effect))
            .map(|(_, reason)| reason.clone())
    };
    let (status, reason) = if !facts.patches.is_empty() && applied_count == facts.patches.len() {
        (SeriesStatus::Applied, newest_applied())
    } else if applied_count > 0 {
        (SeriesStatus::PartiallyApplied, newest_applied())
    } else if let Some((time, message_id, version)) = &facts.newer_version {
        let reason = StatusReason {
            kind: "newer-version".into(),
            by: None,
            date: Some(timestamp(*time)),
            message_id: message_id.clone(),
            url: link(message_id.as_deref()),
            text: format!("{version} posted"),
        };
        (SeriesStatus::Superseded, Some(reason))
    } else if let Some(reason) = verdict(|e| matches!(e, Effect::Superseded)) {
        (SeriesStatus::Superseded, Some(reason))
    } else if let Some(reason) = verdict(|e| matches!(e, Effect::Nacked)) {
        (SeriesStatus::Nacked, Some(reason))
    } else if let Some(reason) = verdict(|e| matches!(e, Effect::ChangesRequested)) {
        (SeriesStatus::ChangesRequested, Some(reason))
    } else if !facts.patches.is_empty() && facts.patches.iter().all(|p| p.reviewed) {
        let reason = facts.reviews.last().map(|review| StatusReason {
            kind: "review".into(),
            by: Some(review.by.clone()),
            date: Some(timestamp(review.time)),
            message_id: review.message_id.clone(),
            url: link(review.message_id.as_deref()),
            text: review.text.clone(),
        });
        (SeriesStatus::Reviewed, reason)
    } else if let Some(reply) = facts.replies.last() {
        let reason = StatusReason {
            kind: "reply".into(),
            by: reply.by.clone(),
            date: Some(timestamp(reply.time)),
            message_id: reply.message_id.clone(),
            url: link(reply.message_id.as_deref()),
            text: format!(
                "{} repl{} from others",
                facts.replies.len(),
                if facts.replies.len() == 1 { "y" } else { "ies" }
            ),
        };
        (SeriesStatus::UnderReview, Some(reason))
    } else {
        (SeriesStatus::New, None)
    };
    Assessment {
        status,
        reason,
        applied,
        warnings,
    }
}

/// `applied to hyperv-next`, `applied to tip (x86/urgent)`, `applied`.
pub(crate) fn applied_words(tree: Option<&str>, branch: Option<&str>) -> String {
    match (tree, branch) {
        (Some(tree), Some(branch)) => format!("applied to {tree} ({branch})"),
        (Some(place), None) | (None, Some(place)) => format!("applied to {place}"),
        (None, None) => "applied".into(),
    }
}

/// `applied to hyperv-next, commit 0123abcd`.
fn applied_text(applied: &Applied) -> String {
    let mut text = applied_words(applied.tree.as_deref(), applied.branch.as_deref());
    if let Some(commit) = &applied.commit {
        text.push_str(&format!(", commit {}", &commit[..commit.len().min(12)]));
    }
    text
}

/// Keeps the first notice that applies a patch; a later one that names
/// another commit is a disagreement worth a warning.
fn record_applied(
    slot: &mut Option<Applied>,
    given: Applied,
    facts: &SeriesFacts<'_>,
    patch: usize,
    warnings: &mut Vec<String>,
) {
    match slot {
        None => *slot = Some(given),
        Some(first) => {
            if let (Some(a), Some(b)) = (&first.commit, &given.commit) {
                let n = a.len().min(b.len());
                if !a[..n].eq_ignore_ascii_case(&b[..n]) {
                    warnings.push(format!(
                        "two notices disagree on the commit of {:?}: {} ({}) and {} ({})",
                        facts.patches[patch].title, a, first.rule, b, given.rule
                    ));
                }
            }
            if first.commit.is_none() {
                first.commit = given.commit;
            }
        }
    }
}

/// The patches a notice speaks of, as positions in `facts.patches`, with
/// the commit it gives each. `None` when it names patches the series does
/// not have: a notice never marks another series than the one it answers.
fn targets(
    facts: &SeriesFacts<'_>,
    notice: &Notice<'_>,
    warnings: &mut Vec<String>,
) -> Option<Vec<(usize, Option<String>)>> {
    let evidence = notice.evidence;
    if evidence.patches.is_empty() {
        // The patch answered, or on the cover letter (and a lone patch) all.
        return Some(match notice.on {
            Some(0) | None => (0..facts.patches.len()).map(|p| (p, None)).collect(),
            Some(index) => facts
                .patches
                .iter()
                .position(|p| p.index == Some(index))
                .map(|p| vec![(p, None)])
                .unwrap_or_default(),
        });
    }
    let mut found = Vec::new();
    let mut unknown = 0;
    for named in &evidence.patches {
        // patchwork-bot's `(no matching commit)`: that one did not go in.
        if evidence.rule == Rule::PatchworkBot && named.commit.is_none() {
            continue;
        }
        let by_index = named.index.and_then(|index| {
            let total_fits = named.total.is_none() || named.total == facts.total;
            facts
                .patches
                .iter()
                .position(|p| total_fits && p.index == Some(index))
        });
        let by_title = || {
            let key = revision_key(named.subject.as_deref()?);
            if key.len() < 8 {
                return None;
            }
            facts.patches.iter().position(|p| {
                let title = revision_key(p.title);
                title == key || title.starts_with(&key)
            })
        };
        // One patch named without a number, in a reply to a patch: the
        // answered patch, whatever title the maintainer gave its commit.
        let answered = || {
            if evidence.patches.len() != 1 || named.index.is_some_and(|i| i > 1) {
                return None;
            }
            match notice.on {
                None if facts.patches.len() == 1 => Some(0),
                Some(index) if index > 0 && named.index.is_none() => {
                    facts.patches.iter().position(|p| p.index == Some(index))
                }
                _ => None,
            }
        };
        match by_index.or_else(by_title).or_else(answered) {
            Some(p) => found.push((p, named.commit.clone())),
            // A patch of the series that did not reach this list (sent to
            // several lists patch by patch): nothing to mark, nothing wrong.
            None if named
                .index
                .is_some_and(|i| facts.total.is_some_and(|total| i <= total)) => {}
            None => unknown += 1,
        }
    }
    if found.is_empty() && unknown > 0 {
        warnings.push(format!(
            "a notice ({}) names {unknown} patch(es) this series does not have; not counted",
            notice.message_id.unwrap_or("no Message-ID")
        ));
        return None;
    }
    Some(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::PatchRef;

    fn person(email: &str) -> Person {
        Person::new(email.split('@').next().unwrap_or(""), email)
    }

    fn notice_of(kind: Kind, rule: Rule, by: &str) -> Evidence {
        Evidence {
            kind,
            rule,
            tree: None,
            branch: Some("hyperv-next".into()),
            patches: Vec::new(),
            merge_commit: None,
            subset: false,
            by: Some(person(by)),
            lines: vec!["Applied to hyperv-next. Thanks.".into()],
            warnings: Vec::new(),
        }
    }

    fn three_patches<'a>() -> SeriesFacts<'a> {
        SeriesFacts {
            author: Some("ann@x.org"),
            total: Some(3),
            patches: (1..=3)
                .map(|i| PatchFacts {
                    index: Some(i),
                    title: ["hv: one", "hv: two", "hv: three"][i as usize - 1],
                    ..PatchFacts::default()
                })
                .collect(),
            ..SeriesFacts::default()
        }
    }

    fn run(facts: &SeriesFacts<'_>) -> Assessment {
        assess(facts, &|t| format!("t{t}"), &|id| {
            id.map(|id| format!("L/{id}"))
        })
    }

    fn notice(evidence: &Evidence, on: Option<u32>, time: i64) -> Notice<'_> {
        Notice {
            on,
            evidence,
            time,
            message_id: Some("n@x"),
        }
    }

    #[test]
    fn the_authors_own_applied_needs_a_branch_like_name() {
        let mut e = notice_of(Kind::Applied, Rule::FreeText, "ann@x.org");
        e.branch = Some("suggestion".into());
        let mut facts = three_patches();
        facts.notices = vec![notice(&e, Some(0), 9)];
        assert_eq!(run(&facts).status, SeriesStatus::New);
        e.branch = Some("hyperv-next".into());
        let mut facts = three_patches();
        facts.notices = vec![notice(&e, Some(0), 9)];
        assert_eq!(run(&facts).status, SeriesStatus::Applied);
    }

    #[test]
    fn a_notice_on_the_cover_letter_applies_the_series() {
        let e = notice_of(Kind::Applied, Rule::FreeText, "wei@kernel.org");
        let mut facts = three_patches();
        facts.notices = vec![notice(&e, Some(0), 9)];
        let a = run(&facts);
        assert_eq!(a.status, SeriesStatus::Applied);
        assert!(a.applied.iter().all(|p| {
            p.as_ref()
                .is_some_and(|p| p.branch.as_deref() == Some("hyperv-next"))
        }));
        let reason = a.reason.unwrap();
        assert_eq!(
            (reason.kind.as_str(), reason.date.as_deref()),
            ("free-text", Some("t9"))
        );
        assert_eq!(reason.url.as_deref(), Some("L/n@x"));
    }

    #[test]
    fn a_notice_on_one_patch_applies_that_patch() {
        let e = notice_of(Kind::Applied, Rule::FreeText, "wei@kernel.org");
        let mut facts = three_patches();
        facts.notices = vec![notice(&e, Some(2), 9)];
        let a = run(&facts);
        assert_eq!(a.status, SeriesStatus::PartiallyApplied);
        let which: Vec<bool> = a.applied.iter().map(Option::is_some).collect();
        assert_eq!(which, [false, true, false]);
    }

    #[test]
    fn listed_patches_by_index_or_title_and_patchwork_s_unmatched_ones() {
        let mut e = notice_of(Kind::Applied, Rule::PatchworkBot, "kuba@kernel.org");
        e.patches = vec![
            PatchRef {
                index: Some(1),
                total: Some(3),
                subject: Some("hv: one".into()),
                commit: Some("0123abcd".into()),
            },
            PatchRef {
                index: None,
                total: None,
                subject: Some("hv: three".into()),
                commit: Some("4567cdef".into()),
            },
            // (no matching commit)
            PatchRef {
                index: Some(2),
                total: Some(3),
                subject: Some("hv: two".into()),
                commit: None,
            },
        ];
        let mut facts = three_patches();
        facts.notices = vec![notice(&e, Some(0), 9)];
        let a = run(&facts);
        let commits: Vec<Option<&str>> = a
            .applied
            .iter()
            .map(|p| p.as_ref().and_then(|p| p.commit.as_deref()))
            .collect();
        assert_eq!(commits, [Some("0123abcd"), None, Some("4567cdef")]);
        assert_eq!(a.status, SeriesStatus::PartiallyApplied);
    }

    #[test]
    fn a_notice_naming_other_patches_marks_nothing_and_warns() {
        let mut e = notice_of(Kind::Applied, Rule::B4Ty, "maint@kernel.org");
        e.patches = vec![PatchRef {
            index: Some(5),
            total: Some(9),
            subject: Some("mm: something else entirely".into()),
            commit: Some("89ab".into()),
        }];
        let mut facts = three_patches();
        facts.notices = vec![notice(&e, Some(0), 9)];
        let a = run(&facts);
        assert_eq!(a.status, SeriesStatus::New);
        assert!(a.applied.iter().all(Option::is_none));
        assert!(a.warnings[0].contains("does not have"), "{:?}", a.warnings);
    }

    #[test]
    fn the_authors_own_applied_means_a_suggestion() {
        let mut e = notice_of(Kind::Applied, Rule::FreeText, "ann@x.org");
        e.branch = None;
        let mut facts = three_patches();
        facts.notices = vec![notice(&e, Some(0), 9)];
        assert_eq!(run(&facts).status, SeriesStatus::New);
        // Naming a branch, the author applies her own series as maintainer.
        e.branch = Some("hyperv-next".into());
        let mut facts = three_patches();
        facts.notices = vec![notice(&e, Some(0), 9)];
        assert_eq!(run(&facts).status, SeriesStatus::Applied);
    }

    #[test]
    fn verdicts_in_order_of_precedence() {
        let nak = notice_of(Kind::Nacked, Rule::Nak, "rev@y.org");
        let cr = notice_of(Kind::ChangesRequested, Rule::PwBot, "kuba@kernel.org");
        let mut facts = three_patches();
        facts.notices = vec![notice(&cr, Some(0), 1), notice(&nak, Some(1), 2)];
        assert_eq!(run(&facts).status, SeriesStatus::Nacked);
        facts.notices = vec![notice(&cr, Some(0), 1)];
        let a = run(&facts);
        assert_eq!(a.status, SeriesStatus::ChangesRequested);
        assert_eq!(a.reason.unwrap().kind, "pw-bot");
        // A newer version supersedes a NAKed one.
        facts.notices = vec![notice(&nak, Some(1), 2)];
        facts.newer_version = Some((50, Some("v2@x".into()), "v2".into()));
        let a = run(&facts);
        assert_eq!(a.status, SeriesStatus::Superseded);
        assert_eq!(a.reason.unwrap().text, "v2 posted");
        // An applied one stays applied.
        let applied = notice_of(Kind::Applied, Rule::B4Ty, "maint@kernel.org");
        facts.notices.push(notice(&applied, Some(0), 60));
        assert_eq!(run(&facts).status, SeriesStatus::Applied);
    }

    #[test]
    fn reviewed_under_review_and_new() {
        let mut facts = three_patches();
        assert_eq!(run(&facts).status, SeriesStatus::New);
        assert_eq!(run(&facts).reason, None);
        facts.replies = vec![Reply {
            by: Some(person("rev@y.org")),
            time: 5,
            message_id: Some("r@y".into()),
        }];
        let a = run(&facts);
        assert_eq!(a.status, SeriesStatus::UnderReview);
        assert_eq!(a.reason.unwrap().text, "1 reply from others");
        for p in &mut facts.patches {
            p.reviewed = true;
        }
        facts.reviews = vec![Review {
            text: "Reviewed-by: Rev <rev@y.org>".into(),
            by: person("rev@y.org"),
            time: 5,
            message_id: Some("r@y".into()),
        }];
        let a = run(&facts);
        assert_eq!(a.status, SeriesStatus::Reviewed);
        assert_eq!(a.reason.unwrap().kind, "review");
    }

    #[test]
    fn removals_from_the_mm_tree_map_to_statuses() {
        for (reason, status) in [
            (RemovalReason::Merged, SeriesStatus::Applied),
            (RemovalReason::Nacked, SeriesStatus::Nacked),
            (RemovalReason::ToBeUpdated, SeriesStatus::ChangesRequested),
            (RemovalReason::Obsolete, SeriesStatus::Superseded),
            (RemovalReason::Withdrawn, SeriesStatus::Superseded),
            (RemovalReason::Other, SeriesStatus::New),
        ] {
            let e = notice_of(
                Kind::RemovedFromTree { reason },
                Rule::AkpmBot,
                "akpm@linux-foundation.org",
            );
            let mut facts = three_patches();
            facts.notices = vec![notice(&e, Some(0), 1)];
            assert_eq!(run(&facts).status, status, "{reason:?}");
        }
    }

    #[test]
    fn disagreeing_commits_and_bad_ids_are_warned_about() {
        let mut b4 = notice_of(Kind::Applied, Rule::B4Ty, "maint@kernel.org");
        b4.patches = vec![PatchRef {
            index: Some(1),
            total: Some(3),
            subject: None,
            commit: Some("aaaa1111".into()),
        }];
        let mut bot = notice_of(Kind::Applied, Rule::PatchworkBot, "maint@kernel.org");
        bot.patches = vec![PatchRef {
            index: Some(1),
            total: Some(3),
            subject: None,
            commit: Some("bbbb2222".into()),
        }];
        bot.warnings = vec![crate::status::Warning::BadCommitId("zzzz".into())];
        let mut facts = three_patches();
        facts.notices = vec![notice(&b4, Some(0), 1), notice(&bot, Some(0), 2)];
        let a = run(&facts);
        assert_eq!(
            a.applied[0].as_ref().and_then(|p| p.commit.as_deref()),
            Some("aaaa1111")
        );
        assert_eq!(a.warnings.len(), 2, "{:?}", a.warnings);
        assert!(a.warnings.iter().any(|w| w.contains("disagree")));
        assert!(a.warnings.iter().any(|w| w.contains("\"zzzz\"")));
    }

    #[test]
    fn the_tree_speaks_for_patches_no_notice_covers() {
        let mut facts = three_patches();
        for p in &mut facts.patches {
            p.in_tree = Some(Applied {
                commit: Some("c0ffee".into()),
                tree: None,
                branch: None,
                by: None,
                date: Some("t3".into()),
                message_id: None,
                url: None,
                rule: "tree-link".into(),
            });
        }
        let a = run(&facts);
        assert_eq!(a.status, SeriesStatus::Applied);
        assert_eq!(a.reason.unwrap().kind, "tree-link");
    }
}
