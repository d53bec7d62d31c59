use serde::Serialize;

use super::normalize_whitespace;

/// Reply and forward prefixes, as mail clients in many languages write them
/// (`Re`, German `AW`/`WG`, Dutch `Antw`, Nordic `SV`/`VS`, French `TR`,
/// Polish `Odp`, Italian/Spanish `Ref`, Chinese `回复`/`答复`/`回覆` and
/// `转发` for a forward).
const REPLY_PREFIXES: &[&str] = &[
    "re", "fwd", "fw", "aw", "antw", "sv", "vs", "wg", "tr", "odp", "ref", "回复", "答复", "回覆",
    "转发",
];

/// What a subject says a mail is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SubjectKind {
    /// A reply or forward (`Re:`, `AW:`, `Fwd:` …).
    Reply,
    /// A patch or cover letter, with its parsed tag.
    Patch(Box<PatchTag>),
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
    /// Whether the tag names its version; a patch that omits it (`[RFC
    /// PATCH 1/9]` answering `[RFC PATCH v10 0/9]`) takes its cover's.
    pub versioned: bool,
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
    /// For a subject of kind `Other`: a numbered tag without the word
    /// PATCH (`[net,v2,1/2]`, `[v2 0/6]`), read as a patch tag. Such a
    /// mail is a patch when it carries a diff (or is the `0/N` of such
    /// patches), which only its body tells; a robot's numbered report
    /// (`[kvmarm:next 29/32] file.c:12: warning: …`) carries none.
    pub bare_tag: Option<Box<PatchTag>>,
}

/// Parses a decoded subject.
pub fn parse_subject(raw: &str) -> Subject {
    let full = normalize_whitespace(raw);
    let (groups, rest) = leading_bracket_groups(&full);
    let title = rest.trim().to_string();
    let has_patch_group = groups.iter().any(|g| is_patch_group(g));

    // `[EXTERNAL] Re: …`, `[kbuild] Re: …`, `***SPAM*** Re: …`: a reply
    // whose client, list or filter put a tag before the prefix.
    if !has_patch_group && after_reply_prefix(after_markers(&full)).is_some() {
        return Subject {
            full,
            title,
            kind: SubjectKind::Reply,
            bare_tag: None,
        };
    }
    let mut bare_tag = None;
    let kind = if has_patch_group {
        SubjectKind::Patch(Box::new(parse_tag(&groups)))
    } else if groups.iter().any(|g| is_pull_group(g)) {
        SubjectKind::PullRequest
    } else {
        if groups
            .iter()
            .any(|g| words(g).any(|w| parse_index(w).is_some()))
        {
            bare_tag = Some(parse_tag(&groups));
        }
        SubjectKind::Other
    };
    Subject {
        full,
        title,
        kind,
        bare_tag: bare_tag.map(Box::new),
    }
}

/// The subject after the tags and markers a mail system puts before a
/// reply prefix: bracket groups that are no patch or pull request tag
/// (`[EXTERNAL]`, `[kbuild]`) and spam markers (`***SPAM***`).
fn after_markers(s: &str) -> &str {
    let mut rest = s.trim_start();
    loop {
        if let Some(inner) = rest.strip_prefix('[')
            && let Some(end) = inner.find(']')
            && !is_patch_group(&inner[..end])
            && !is_pull_group(&inner[..end])
        {
            rest = inner[end + 1..].trim_start();
        } else if rest.starts_with("***")
            && let Some(end) = rest[3..].find("***")
        {
            // `***SPAM***`, `*** SPAM ***`: stars, a word or two, stars.
            let marker = &rest[3..3 + end];
            if marker.is_empty() || marker.len() > 30 {
                return rest;
            }
            rest = rest[3 + end + 3..].trim_start();
        } else {
            return rest;
        }
    }
}

/// The subject after one reply or forward prefix, `None` without one.
fn after_reply_prefix(s: &str) -> Option<&str> {
    let s = s.trim_start();
    let word_len: usize = s
        .chars()
        .take_while(|c| c.is_alphabetic())
        .map(char::len_utf8)
        .sum();
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
    // The colon may be full-width (`Re：`, `回复：`), as CJK input methods type it.
    rest.strip_prefix(':').or_else(|| rest.strip_prefix('：'))
}

/// The subject without its reply and forward prefixes: `Re: AW: [PATCH] x`
/// → `[PATCH] x`, the subject of the mail a thread started with.
pub fn strip_reply_prefixes(subject: &str) -> &str {
    let mut rest = subject;
    loop {
        // `[EXTERNAL] RE: …`: a marker a mail system put before the prefix.
        match after_reply_prefix(rest).or_else(|| after_reply_prefix(after_markers(rest))) {
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

/// The words of a tag group: `[PATCH net-next,v2,0/2]` separates with
/// commas too, and `[stable:PATCH]` joins the tree and PATCH with a colon.
fn words(group: &str) -> impl Iterator<Item = &str> {
    group
        .split(|c: char| c.is_whitespace() || c == ',' || c == ':')
        .filter(|w| !w.is_empty())
}

fn is_patch_word(word: &str) -> bool {
    word.get(..5)
        .is_some_and(|head| head.eq_ignore_ascii_case("patch"))
}

/// A pull request's tag: `[GIT PULL]`, `[PULL]`, `[PULL v2]`, or `[GIT]`
/// alone, as Linus's networking pulls are titled (`[GIT] Networking`).
fn is_pull_group(group: &str) -> bool {
    group.trim().eq_ignore_ascii_case("git")
        || group
            .split_whitespace()
            .any(|w| w.eq_ignore_ascii_case("pull"))
}

fn parse_tag(groups: &[&str]) -> PatchTag {
    let mut tag = PatchTag::default();
    let words: Vec<&str> = groups.iter().flat_map(|g| words(g)).collect();
    let mut i = 0;
    while let Some(&word) = words.get(i) {
        i += 1;
        if is_patch_word(word) {
            // `PATCHv3`, `PATCH-v2`: a version glued to the word.
            let glued = word[5..].trim_start_matches('-');
            if let Some(version) = parse_version(glued) {
                tag.version = version;
                tag.versioned = true;
            }
        } else if word.eq_ignore_ascii_case("rfc") {
            tag.rfc = true;
        } else if word.eq_ignore_ascii_case("resend") {
            tag.resend = true;
        } else if let Some(version) = parse_version(word) {
            tag.version = version;
            tag.versioned = true;
        } else if let Some((index, total)) = parse_index(word) {
            tag.index = Some(index);
            tag.total = Some(total);
        } else if let Some((index, total)) = mercurial_index(word, &words[i..]) {
            // Mercurial's patchbomb numbers `[PATCH 1 of 2]`.
            tag.index = Some(index);
            tag.total = Some(total);
            i += 2;
        } else {
            tag.prefixes.push(word.to_string());
        }
    }
    tag
}

/// `1`, `of`, `2` → (1, 2).
fn mercurial_index(word: &str, next: &[&str]) -> Option<(u32, u32)> {
    let [of, total, ..] = next else { return None };
    if !of.eq_ignore_ascii_case("of") {
        return None;
    }
    parse_index(&format!("{word}/{total}"))
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
            SubjectKind::Patch(tag) => *tag,
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
        assert!(t.versioned && !tag("[PATCH 1/3] x").versioned);
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
    fn chinese_full_width_and_tagged_replies() {
        for s in [
            "回复: [PATCH v2 1/3] x",
            "答复: [PATCH] x",
            "回覆: [PATCH] x",
            "转发: [PATCH] x",
            "回复：[PATCH] x",
            "Re：[PATCH] x",
            "RE： [PATCH] x",
            "Re[2]: [PATCH] x",
            "[kbuild] Re: [PATCH v3 2/4] x",
            "***SPAM*** Re: [PATCH] x",
            "*** SPAM *** RE: [PATCH] x",
            "[EXTERNAL] ***SPAM*** Re: x",
        ] {
            assert_eq!(parse_subject(s).kind, SubjectKind::Reply, "{s}");
        }
        assert_eq!(
            strip_reply_prefixes("回复：Re: [kbuild] RE: [PATCH] x"),
            "[PATCH] x"
        );
        assert_eq!(strip_reply_prefixes("***SPAM*** Re: hello"), "hello");
        // A word that is only alphabetic like a prefix is not one.
        assert_eq!(parse_subject("回复消息").kind, SubjectKind::Other);
        assert_eq!(parse_subject("*** hi").kind, SubjectKind::Other);
    }

    #[test]
    fn a_tree_joined_to_patch_by_a_colon_is_a_patch() {
        let t = tag("[stable:PATCH] hv: fix");
        assert_eq!(t.prefixes, ["stable"]);
        let t = tag("[stable:PATCH 6.1 2/3] hv: fix");
        assert_eq!((t.index, t.total), (Some(2), Some(3)));
    }

    #[test]
    fn numbered_tags_without_patch_are_bare_tags() {
        for (subject, index, total, version) in [
            ("[net,v2,1/2] net: mana: x", 1, 2, 2),
            ("[v2 0/6] hv: series", 0, 6, 2),
            ("[net-next v2 1/1] net: y", 1, 1, 2),
            (
                "[kvmarm:next 29/32] arch/arm64/kvm/x.c:12: warning: unused",
                29,
                32,
                1,
            ),
        ] {
            let s = parse_subject(subject);
            assert_eq!(s.kind, SubjectKind::Other, "{subject}");
            let t = s
                .bare_tag
                .unwrap_or_else(|| panic!("{subject}: no bare tag"));
            assert_eq!(
                (t.index, t.total, t.version.major),
                (Some(index), Some(total), version),
                "{subject}"
            );
        }
        assert_eq!(parse_subject("[net] question").bare_tag, None);
        assert_eq!(parse_subject("[PATCH 1/2] x").bare_tag, None);
        assert_eq!(parse_subject("Re: [net,v2,1/2] x").bare_tag, None);
    }

    #[test]
    fn pull_requests_in_their_other_forms() {
        for s in [
            "[PULL] hyperv-next for 6.9",
            "[PULL v2] KVM changes",
            "[GIT] Networking",
            "[git pull] x86 fixes",
        ] {
            assert_eq!(parse_subject(s).kind, SubjectKind::PullRequest, "{s}");
        }
        assert_eq!(parse_subject("[GITHUB] x").kind, SubjectKind::Other);
        assert_eq!(
            parse_subject("Re: [GIT] Networking").kind,
            SubjectKind::Reply
        );
    }

    #[test]
    fn mercurial_numbering_reads_as_n_of_m() {
        let t = tag("[PATCH 1 of 2] hv: x");
        assert_eq!((t.index, t.total), (Some(1), Some(2)));
        assert!(t.prefixes.is_empty());
        let t = tag("[PATCH 0 of 3 v2] hv: x");
        assert_eq!((t.index, t.total, t.version.major), (Some(0), Some(3), 2));
        // `of` without numbers around it is a word like any other.
        assert_eq!(tag("[PATCH one of two] x").prefixes, ["one", "of", "two"]);
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
