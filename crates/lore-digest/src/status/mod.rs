//! What maintainers say happened to a patch: the evidence one reply carries.
//!
//! A maintainer who applies a patch, a bot that notes the commit, a reviewer
//! who NAKs it: each says so in a reply, in a handful of fixed forms. This
//! module reads one decoded reply body (with its subject and sender) and
//! returns every such statement as an [`Evidence`]: what happened, which
//! rule read it, the tree and branch, the patches named, who said so and the
//! lines that said it. It does no I/O and knows nothing of threads; deciding
//! what a series' status is from the evidence of its replies is left to the
//! caller.
//!
//! The rules, one file each by the kind of sender:
//!
//! * `b4.rs`: `b4 ty` thank-you notes (`Applied, thanks!` and the list of
//!   patches with their commits; `Merged, thanks!` for pull requests);
//! * `bots.rs`: patchwork-bot, tip-bot2 (and the older tip-bot), Greg
//!   Kroah-Hartman's and Andrew Morton's scripts, pr-tracker-bot;
//! * `free_text.rs`: a maintainer's own words (`Applied to hyperv-next.
//!   Thanks.`), told apart from testers and conditionals;
//! * `commands.rs`: netdev's `pw-bot:` commands, `NAK` and `Nacked-by:`;
//! * `prefilter.rs`: [`may_hold_evidence`], a byte-level test on the raw
//!   body that lets a parser skip decoding replies that say none of this.
//!
//! Every rule needs an unquoted line holding one of a few keywords (see
//! `prefilter.rs`); [`evidence`] looks no further when there is none, which
//! is also what makes the prefilter safe.

mod assess;
mod b4;
mod bots;
mod commands;
mod free_text;
mod prefilter;

use serde::Serialize;

use crate::mail::{Person, SubjectKind, parse_subject, strip_reply_prefixes};

pub use assess::{
    Applied, Assessment, Notice, PatchFacts, Reply, Review, SeriesFacts, SeriesStatus,
    StatusReason, assess,
};
pub(crate) use assess::{applied_words, decided_status};
pub use prefilter::may_hold_evidence;

/// What a piece of evidence says happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Kind {
    /// Applied (queued, pushed, picked up) to a tree or branch.
    Applied,
    /// A pull request was merged (pulled).
    Merged,
    /// Added to a tree that is a queue rather than history: Greg
    /// Kroah-Hartman's trees and stable queues, Andrew Morton's -mm.
    AddedToTree,
    /// Dropped from such a queue, and why.
    RemovedFromTree {
        /// The reason the notice gives.
        reason: RemovalReason,
    },
    /// Changes requested (`pw-bot: cr`).
    ChangesRequested,
    /// Accepted (`pw-bot: accepted`).
    Accepted,
    /// Rejected (`pw-bot: reject`).
    Rejected,
    /// Deferred (`pw-bot: defer`).
    Deferred,
    /// Superseded by a newer version (`pw-bot: superseded`).
    Superseded,
    /// Waits for another tree (`pw-bot: awaiting-upstream`).
    AwaitingUpstream,
    /// Back under review (`pw-bot: under-review`).
    UnderReview,
    /// Does not apply to this tree (`pw-bot: not-applicable`).
    NotApplicable,
    /// Waits for an ack (`pw-bot: needs-ack`).
    NeedsAck,
    /// Set back to new (`pw-bot: new`).
    New,
    /// NAKed: a `NAK` line or a `Nacked-by:` trailer.
    Nacked,
}

/// Why a patch left Andrew Morton's -mm queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RemovalReason {
    /// Merged: into mainline or a subsystem tree, or into an mm branch (then
    /// named as the evidence's branch).
    Merged,
    /// Folded into another patch of the queue.
    Folded,
    /// To be replaced by an updated version.
    ToBeUpdated,
    /// Withdrawn by its author.
    Withdrawn,
    /// NAKed.
    Nacked,
    /// Obsolete.
    Obsolete,
    /// A reason none of the above.
    Other,
}

/// The rule that found a piece of evidence. The names are stable: they are
/// part of the JSON contract.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema,
)]
pub enum Rule {
    /// `b4 ty`'s thank-you note.
    #[serde(rename = "b4-ty")]
    B4Ty,
    /// patchwork-bot's `This series was applied to …`.
    #[serde(rename = "patchwork-bot")]
    PatchworkBot,
    /// tip-bot2's (and tip-bot's) commit notice.
    #[serde(rename = "tip-bot")]
    TipBot,
    /// Greg Kroah-Hartman's `I've just added the patch titled`.
    #[serde(rename = "gregkh-bot")]
    GregKhBot,
    /// Andrew Morton's `The patch titled … has been added to the -mm tree`.
    #[serde(rename = "akpm-bot")]
    AkpmBot,
    /// pr-tracker-bot's `has been merged into torvalds/linux.git`.
    #[serde(rename = "pr-tracker-bot")]
    PrTrackerBot,
    /// A maintainer's own `Applied to …, thanks.`
    #[serde(rename = "free-text")]
    FreeText,
    /// netdev's `pw-bot: cr` and the other commands.
    #[serde(rename = "pw-bot")]
    PwBot,
    /// A `NAK` line.
    #[serde(rename = "nak")]
    Nak,
    /// A `Nacked-by:` trailer.
    #[serde(rename = "nacked-by")]
    NackedBy,
}

impl Rule {
    /// Every rule, in the order [`Rule::name`] lists them.
    pub const ALL: [Rule; 10] = [
        Rule::B4Ty,
        Rule::PatchworkBot,
        Rule::TipBot,
        Rule::GregKhBot,
        Rule::AkpmBot,
        Rule::PrTrackerBot,
        Rule::FreeText,
        Rule::PwBot,
        Rule::Nak,
        Rule::NackedBy,
    ];

    /// The rule's stable name, as in JSON: `b4-ty`, `free-text` …
    pub fn name(self) -> &'static str {
        match self {
            Rule::B4Ty => "b4-ty",
            Rule::PatchworkBot => "patchwork-bot",
            Rule::TipBot => "tip-bot",
            Rule::GregKhBot => "gregkh-bot",
            Rule::AkpmBot => "akpm-bot",
            Rule::PrTrackerBot => "pr-tracker-bot",
            Rule::FreeText => "free-text",
            Rule::PwBot => "pw-bot",
            Rule::Nak => "nak",
            Rule::NackedBy => "nacked-by",
        }
    }
}

/// A patch a notice names.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PatchRef {
    /// `N` of `[N/M]`, or a number the maintainer gave (`Applied patch 2`).
    pub index: Option<u32>,
    /// `M` of `[N/M]`.
    pub total: Option<u32>,
    /// The patch's subject as the notice gives it (without its `[…]` tag).
    pub subject: Option<String>,
    /// The commit it became, hexadecimal as given (often abbreviated);
    /// `None` when the notice has none (`(no commit info)`) or gave one that
    /// is not hexadecimal (then see [`Evidence::warnings`]).
    pub commit: Option<String>,
}

/// Something a caller may want to warn about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Warning {
    /// A commit id that is not hexadecimal, dropped; as written (shortened
    /// to 64 characters).
    BadCommitId(String),
}

/// One statement of what happened to a patch, series or pull request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// What happened.
    #[serde(flatten)]
    pub kind: Kind,
    /// The rule that read it.
    pub rule: Rule,
    /// The tree, when stated: `netdev/net-next.git`, `tip`, `6.1-stable`.
    pub tree: Option<String>,
    /// The branch, when stated: `hyperv-next`, `main`, `x86/hyperv`. A bare
    /// name a maintainer gives (`Applied to pci/hv`) is taken as a branch.
    pub branch: Option<String>,
    /// The patches named, in the notice's order; empty when it names none
    /// (the replied-to patch or series is meant).
    pub patches: Vec<PatchRef>,
    /// For a merged pull request: the merge commit, when given.
    pub merge_commit: Option<String>,
    /// Only some patches of the series are meant: b4's `Re: (subset)`, or a
    /// maintainer's `Applied patches 1-3`.
    pub subset: bool,
    /// Who says so: the mail's sender, or the committer a bot names
    /// (patchwork-bot's `by …`, tip-bot's `Committer:`), or the person of a
    /// `Nacked-by:` trailer.
    pub by: Option<Person>,
    /// The line or lines that said it, trimmed (each at most
    /// [`MAX_REASON_CHARS`] characters), for showing as the reason.
    pub lines: Vec<String>,
    /// What the caller may want to warn about.
    pub warnings: Vec<Warning>,
}

/// The longest reason line kept, in characters.
pub const MAX_REASON_CHARS: usize = 200;

/// The evidence one mail carries.
///
/// `body` is the decoded text of a reply (UTF-8, line ends LF, as
/// [`crate::mail::printable_text`] gives it), `subject` its decoded subject
/// and `sender` its `From:`. Quoted lines (`>`) never count: they repeat
/// what someone else said. Meant for replies and bot notices, not for the
/// patches themselves. Takes time linear in the body's length.
pub fn evidence(body: &str, subject: &str, sender: Option<&Person>) -> Vec<Evidence> {
    let keyword = prefilter::has_keyword_line(body.as_bytes());
    #[cfg(test)]
    tests::check_keyword_test(body, subject, sender, keyword);
    if !keyword {
        return Vec::new();
    }
    evidence_of_lines(body, subject, sender)
}

/// The rules, without the keyword test [`evidence`] starts with (so tests
/// can check that the test loses nothing).
fn evidence_of_lines(body: &str, subject: &str, sender: Option<&Person>) -> Vec<Evidence> {
    let mail = Mail::new(body, subject, sender);
    let mut used = vec![false; mail.lines.len()];
    let mut found = Vec::new();
    // Structured forms first; their lines are then not read again as free
    // text (a b4 note's `Applied, thanks!` is one notice, not two).
    b4::find(&mail, &mut used, &mut found);
    bots::find(&mail, &mut used, &mut found);
    commands::find(&mail, &mut used, &mut found);
    free_text::find(&mail, &used, &mut found);
    found
}

/// A mail as the rules read it.
struct Mail<'a> {
    lines: Vec<&'a str>,
    subject: &'a str,
    sender: Option<&'a Person>,
    /// The subject says `Re: (subset) …` (b4 ty's partial application).
    subset_subject: bool,
    /// The subject is (a reply to) a pull request.
    pull_request: bool,
}

impl<'a> Mail<'a> {
    fn new(body: &'a str, subject: &'a str, sender: Option<&'a Person>) -> Mail<'a> {
        let stripped = strip_reply_prefixes(subject);
        let subset_subject = stripped
            .get(..8)
            .is_some_and(|s| s.eq_ignore_ascii_case("(subset)"));
        let after_subset = if subset_subject {
            stripped[8..].trim_start()
        } else {
            stripped
        };
        Mail {
            // A CR left before LF (text not passed through printable_text)
            // must not make a line look non-blank.
            lines: body
                .split('\n')
                .map(|l| l.strip_suffix('\r').unwrap_or(l))
                .collect(),
            subject,
            sender,
            subset_subject,
            pull_request: parse_subject(after_subset).kind == SubjectKind::PullRequest,
        }
    }

    fn line(&self, i: usize) -> &'a str {
        self.lines.get(i).copied().unwrap_or("")
    }

    /// A new piece of evidence said by the sender, with its first line.
    fn evidence(&self, kind: Kind, rule: Rule, line: &str) -> Evidence {
        Evidence {
            kind,
            rule,
            tree: None,
            branch: None,
            patches: Vec::new(),
            merge_commit: None,
            subset: false,
            by: self.sender.cloned(),
            lines: vec![reason(line)],
            warnings: Vec::new(),
        }
    }
}

/// A line quotes another mail: `>` after optional blanks.
fn is_quoted(line: &str) -> bool {
    line.trim_start().starts_with('>')
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// A line trimmed and cut to [`MAX_REASON_CHARS`] characters.
fn reason(line: &str) -> String {
    cut(line.trim(), MAX_REASON_CHARS).to_string()
}

/// The first `max` characters of `s`.
fn cut(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((at, _)) => &s[..at],
        None => s,
    }
}

/// At most the first `max` bytes of `s`, cut at a character boundary: a
/// bound on the work spent on a line, at no cost for short ones.
fn head(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// A commit id as given: hexadecimal, 7 to 64 digits, as abbreviated ids
/// and SHA-1 or SHA-256 ids are. Anything else goes to `warnings`.
fn commit_id(given: &str, warnings: &mut Vec<Warning>) -> Option<String> {
    let ok = (7..=64).contains(&given.len()) && given.bytes().all(|b| b.is_ascii_hexdigit());
    if ok {
        Some(given.to_ascii_lowercase())
    } else {
        warnings.push(Warning::BadCommitId(cut(given, 64).to_string()));
        None
    }
}

/// The commit id at the end of a commit link: `…/c/<id>`, `…/commit/<id>`,
/// `…?id=<id>`, `…/commit/?id=<id>`; `None` for a line that is no link.
fn commit_of_url(url: &str) -> Option<&str> {
    let url = url.trim();
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return None;
    }
    if let Some((_, id)) = url.rsplit_once("id=") {
        return Some(id.split('&').next().unwrap_or(id));
    }
    let last = url.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    Some(last)
}

/// `[net-next,v2,1/3]` or `[01/10]` → (1, 3): the `N/M` of a patch tag.
fn index_total(tag: &str) -> (Option<u32>, Option<u32>) {
    for part in tag.split([',', ' ']) {
        if let Some((n, m)) = part.split_once('/')
            && let (Ok(n), Ok(m)) = (n.parse::<u32>(), m.parse::<u32>())
        {
            return (Some(n), Some(m));
        }
    }
    (None, None)
}

#[cfg(test)]
mod tests;
