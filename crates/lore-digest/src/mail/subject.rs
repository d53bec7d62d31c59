use serde::Serialize;

use super::normalize_whitespace;

/// Reply and forward prefixes, as mail clients in many languages write them
/// (`Re`, German `AW`/`WG`, Dutch `Antw`, Nordic `SV`/`VS`, French `TR`,
/// Polish `Odp`, Italian/Spanish `Ref`).
const REPLY_PREFIXES: &[&str] = &[
    "re", "fwd", "fw", "aw", "antw", "sv", "vs", "wg", "tr", "odp", "ref",
];

/// What a subject says a mail is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SubjectKind {
    /// A reply or forward (`Re:`, `AW:`, `Fwd:` …).
    Reply,
    /// A patch or cover letter, with its parsed tag.
    Patch(PatchTag),
    /// A pull request (`[GIT PULL]`).
    PullRequest,
    /// Anything else: a question, a bug report, an announcement.
    Other,
}

/// A patch version: `v3` is `{ major: 3, minor: None }`, a partial reroll
/// `v5.1` is `{ major: 5, minor: Some(1) }`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Version {
    /// The version number; 1 when the tag names none.
    pub major: u32,
    /// The partial-reroll number of `vN.M`.
    pub minor: Option<u32>,
}

impl Default for Version {
    fn default() -> Self {
        Version {
            major: 1,
            minor: None,
        }
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.minor {
            Some(minor) => write!(f, "v{}.{}", self.major, minor),
            None => write!(f, "v{}", self.major),
        }
    }
}

/// The parsed bracketed tag of a patch subject, e.g. `[RFC PATCH net-next v2 3/4]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PatchTag {
    /// `vN`, `PATCHvN` or `vN.M`; v1 by default.
    pub version: Version,
    /// `N` of `N/M`; 0 is a cover letter. `None` for a lone `[PATCH]`.
    pub index: Option<u32>,
    /// `M` of `N/M`.
    pub total: Option<u32>,
    /// The tag says RFC.
    pub rfc: bool,
    /// The tag says RESEND.
    pub resend: bool,
    /// Every other word of the tags, in order: tree and branch names such as
    /// `net-next`, `kvm-unit-tests`, `6.1.y`, `for-next`.
    pub prefixes: Vec<String>,
}

impl PatchTag {
    /// Whether this is a cover letter (`0/N`).
    pub fn is_cover_letter(&self) -> bool {
        self.index == Some(0)
    }
}

/// A subject, whitespace-normalized, with what it says about the mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subject {
    /// The whole subject, unfolded, runs of whitespace made one space.
    pub full: String,
    /// The subject without its leading tags (`[PATCH v2 1/3]` …): the title.
    pub title: String,
    /// Reply, patch, pull request or other.
    pub kind: SubjectKind,
}

/// Parses a decoded subject.
pub fn parse_subject(raw: &str) -> Subject {
    let full = normalize_whitespace(raw);
    let (groups, rest) = leading_bracket_groups(&full);
    let title = rest.trim().to_string();

    // `[EXTERNAL] Re: …`: a reply whose client put a marker before the prefix.
    let is_patch_group = |g: &&str| is_patch_group(g);
    if is_reply(rest) && !groups.iter().any(is_patch_group) {
        return Subject {
            full,
            title,
            kind: SubjectKind::Reply,
        };
    }
    let kind = if groups.iter().any(is_patch_group) {
        SubjectKind::Patch(parse_tag(&groups))
    } else if groups.iter().any(|g| is_pull_group(g)) {
        SubjectKind::PullRequest
    } else {
        SubjectKind::Other
    };
    Subject { full, title, kind }
}

/// Whether the subject starts with a reply or forward prefix such as `Re:`,
/// `RE[2]:`, `Aw:`, `Fwd:`.
fn is_reply(s: &str) -> bool {
    after_reply_prefix(s).is_some()
}

/// The subject after one reply or forward prefix, `None` without one.
fn after_reply_prefix(s: &str) -> Option<&str> {
    let s = s.trim_start();
    let word_len = s.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
    let (word, mut rest) = s.split_at(word_len);
    if !REPLY_PREFIXES.iter().any(|p| p.eq_ignore_ascii_case(word)) {
        return None;
    }
    rest = rest.trim_start();
    // Counted replies: `Re[2]:`, `Re(2):`.
    for (open, close) in [('[', ']'), ('(', ')')] {
        if let Some(inner) = rest.strip_prefix(open)
            && let Some((count, after)) = inner.split_once(close)
            && !count.is_empty()
            && count.bytes().all(|b| b.is_ascii_digit())
        {
            rest = after.trim_start();
        }
    }
    rest.strip_prefix(':')
}

/// The subject without its reply and forward prefixes: `Re: AW: [PATCH] x`
/// → `[PATCH] x`, the subject of the mail a thread started with.
pub fn strip_reply_prefixes(subject: &str) -> &str {
    let mut rest = subject;
    loop {
        // `[EXTERNAL] RE: …`: a marker a mail system put before the prefix.
        let (groups, after_groups) = leading_bracket_groups(rest);
        let markers_only = !groups.iter().any(|g| is_patch_group(g) || is_pull_group(g));
        match after_reply_prefix(rest).or_else(|| {
            markers_only
                .then(|| after_reply_prefix(after_groups))
                .flatten()
        }) {
            Some(after) => rest = after,
            None => return rest.trim(),
        }
    }
}

/// Splits `[a][b c] title` into `["a", "b c"]` and `title`.
fn leading_bracket_groups(s: &str) -> (Vec<&str>, &str) {
    let mut groups = Vec::new();
    let mut rest = s;
    loop {
        let trimmed = rest.trim_start();
        let Some(inner) = trimmed.strip_prefix('[') else {
            break;
        };
        let Some(end) = inner.find(']') else { break };
        groups.push(&inner[..end]);
        rest = &inner[end + 1..];
    }
    (groups, rest)
}

/// A tag group is a patch tag when it has the word PATCH (`PATCH`,
/// `PATCHv3`), or says RFC and numbers the mail (`[RFC 2/5]`).
fn is_patch_group(group: &str) -> bool {
    words(group).any(is_patch_word)
        || (words(group).any(|w| w.eq_ignore_ascii_case("rfc"))
            && words(group).any(|w| parse_index(w).is_some()))
}

/// The words of a tag group: `[PATCH net-next,v2,0/2]` separates with commas too.
fn words(group: &str) -> impl Iterator<Item = &str> {
    group
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
}

fn is_patch_word(word: &str) -> bool {
    word.get(..5)
        .is_some_and(|head| head.eq_ignore_ascii_case("patch"))
}

fn is_pull_group(group: &str) -> bool {
    let words: Vec<&str> = group.split_whitespace().collect();
    words
        .windows(2)
        .any(|w| w[0].eq_ignore_ascii_case("git") && w[1].eq_ignore_ascii_case("pull"))
}

fn parse_tag(groups: &[&str]) -> PatchTag {
    let mut tag = PatchTag::default();
    for word in groups.iter().flat_map(|g| words(g)) {
        if is_patch_word(word) {
            // `PATCHv3`, `PATCH-v2`: a version glued to the word.
            let glued = word[5..].trim_start_matches('-');
            if let Some(version) = parse_version(glued) {
                tag.version = version;
            }
        } else if word.eq_ignore_ascii_case("rfc") {
            tag.rfc = true;
        } else if word.eq_ignore_ascii_case("resend") {
            tag.resend = true;
        } else if let Some(version) = parse_version(word) {
            tag.version = version;
        } else if let Some((index, total)) = parse_index(word) {
            tag.index = Some(index);
            tag.total = Some(total);
        } else {
            tag.prefixes.push(word.to_string());
        }
    }
    tag
}

/// `v3` → 3, `v5.1` → 5.1; anything else (including numbers too large for
/// u32) is not a version.
fn parse_version(word: &str) -> Option<Version> {
    let digits = word.strip_prefix(['v', 'V'])?;
    let (major, minor) = match digits.split_once('.') {
        Some((major, minor)) => (major, Some(minor)),
        None => (digits, None),
    };
    let number = |s: &str| -> Option<u32> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    Some(Version {
        major: number(major)?,
        minor: match minor {
            Some(m) => Some(number(m)?),
            None => None,
        },
    })
}

/// `03/13` → (3, 13). Overflowing or non-numeric parts are not an index.
fn parse_index(word: &str) -> Option<(u32, u32)> {
    let (index, total) = word.split_once('/')?;
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(index) || !all_digits(total) {
        return None;
    }
    Some((index.parse().ok()?, total.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(subject: &str) -> PatchTag {
        match parse_subject(subject).kind {
            SubjectKind::Patch(tag) => tag,
            other => panic!("{subject:?} parsed as {other:?}, not a patch"),
        }
    }

    #[test]
    fn plain_patch() {
        let t = tag("[PATCH] KVM: x86: Fix a thing");
        assert_eq!(t, PatchTag::default());
        assert_eq!(
            parse_subject("[PATCH] KVM: x86: Fix a thing").title,
            "KVM: x86: Fix a thing"
        );
    }

    #[test]
    fn version_index_total() {
        let t = tag("[PATCH v3 1/3] KVM: x86/mmu: Dynamically allocate");
        assert_eq!(
            t.version,
            Version {
                major: 3,
                minor: None
            }
        );
        assert_eq!((t.index, t.total), (Some(1), Some(3)));
    }

    #[test]
    fn rfc_before_patch_and_zero_padded_index() {
        let t = tag("[RFC PATCH v2 01/13] mm: something");
        assert!(t.rfc);
        assert_eq!(t.version.major, 2);
        assert_eq!((t.index, t.total), (Some(1), Some(13)));
    }

    #[test]
    fn rfc_after_patch_cover_letter() {
        let t = tag("[PATCH RFC 0/5] Something big");
        assert!(t.rfc && t.is_cover_letter());
        assert_eq!(t.total, Some(5));
    }

    #[test]
    fn tree_names_are_prefixes() {
        let t = tag("[PATCH net-next v2 3/4] net: mana: foo");
        assert_eq!(t.prefixes, ["net-next"]);
        assert_eq!(t.version.major, 2);
        let t = tag("[kvm-unit-tests PATCH 2/3] x86: test");
        assert_eq!(t.prefixes, ["kvm-unit-tests"]);
        let t = tag("[PATCH 6.1.y] hv: backport");
        assert_eq!(t.prefixes, ["6.1.y"]);
        assert_eq!(t.version.major, 1);
    }

    #[test]
    fn comma_separated_tag_words() {
        let t = tag("[PATCH net-next,v2,0/2] net: mana: foo");
        assert_eq!(t.prefixes, ["net-next"]);
        assert_eq!(t.version.major, 2);
        assert!(t.is_cover_letter());
    }

    #[test]
    fn numbered_rfc_without_the_word_patch() {
        let t = tag("[RFC 1/3] hv: something");
        assert!(t.rfc);
        assert_eq!((t.index, t.total), (Some(1), Some(3)));
        // An unnumbered [RFC] is a discussion, not a patch.
        assert_eq!(
            parse_subject("[RFC] should we do this?").kind,
            SubjectKind::Other
        );
    }

    #[test]
    fn resend_and_glued_version() {
        assert!(tag("[RESEND PATCH] x").resend);
        let t = tag("[PATCHv3 2/5] x");
        assert_eq!(t.version.major, 3);
        assert_eq!(t.index, Some(2));
    }

    #[test]
    fn several_bracket_groups() {
        let s = parse_subject("[for-next][PATCH] tracing: fix");
        assert_eq!(s.title, "tracing: fix");
        let SubjectKind::Patch(t) = s.kind else {
            panic!("not a patch")
        };
        assert_eq!(t.prefixes, ["for-next"]);
    }

    #[test]
    fn partial_reroll_kept() {
        let t = tag("[PATCH v5.1 10/12] mm: fix");
        assert_eq!(
            t.version,
            Version {
                major: 5,
                minor: Some(1)
            }
        );
        assert_eq!(t.version.to_string(), "v5.1");
    }

    #[test]
    fn replies_in_many_languages_are_not_patches() {
        for s in [
            "Re: [PATCH v2 1/3] x",
            "RE: [PATCH] x",
            "AW: [PATCH] x",
            "Antw: [PATCH] x",
            "SV: [PATCH] x",
            "VS: [PATCH] x",
            "WG: [PATCH] x",
            "TR: [PATCH] x",
            "Odp: [PATCH] x",
            "Ref: [PATCH] x",
            "Fwd: [PATCH] x",
            "Re[2]: [PATCH] x",
            "Re: Re: [PATCH] x",
            "[EXTERNAL] RE: [PATCH] x",
        ] {
            assert_eq!(parse_subject(s).kind, SubjectKind::Reply, "{s}");
        }
        // A word that merely starts like a prefix is not one.
        assert_eq!(parse_subject("Regression in 6.9").kind, SubjectKind::Other);
        assert_eq!(parse_subject("Resent: x").kind, SubjectKind::Other);
    }

    #[test]
    fn reply_prefixes_are_stripped() {
        assert_eq!(
            strip_reply_prefixes("Re: AW: RE[2]: [PATCH v2 1/3] x"),
            "[PATCH v2 1/3] x"
        );
        assert_eq!(
            strip_reply_prefixes("Regression in 6.9"),
            "Regression in 6.9"
        );
    }

    #[test]
    fn pull_requests_are_their_own_kind() {
        assert_eq!(
            parse_subject("[GIT PULL] Hyper-V fixes for 6.10").kind,
            SubjectKind::PullRequest
        );
        assert_eq!(
            parse_subject("[GIT PULL v2] KVM changes").kind,
            SubjectKind::PullRequest
        );
    }

    #[test]
    fn other_subjects() {
        assert_eq!(
            parse_subject("hv_netvsc crashes on boot").kind,
            SubjectKind::Other
        );
        assert_eq!(
            parse_subject("[bug report] net: mana: foo").kind,
            SubjectKind::Other
        );
        assert_eq!(parse_subject("").kind, SubjectKind::Other);
        assert_eq!(parse_subject("[PATCH").kind, SubjectKind::Other);
    }

    #[test]
    fn folded_subject_is_unfolded() {
        let s = parse_subject(
            "[PATCH 1/4] KVM: selftests: Verify KVM is loaded when getting a KVM\r\n module param",
        );
        assert_eq!(
            s.title,
            "KVM: selftests: Verify KVM is loaded when getting a KVM module param"
        );
    }

    #[test]
    fn hostile_numbers_do_not_panic() {
        let t = tag("[PATCH 99999999999999999999/0] x");
        assert_eq!(t.index, None);
        let t = tag("[PATCH v-1 3/2] x");
        assert_eq!(t.version.major, 1);
        assert_eq!(t.prefixes, ["v-1"]);
        let t = tag("[PATCHé] x");
        assert_eq!(t.version.major, 1);
    }
}
