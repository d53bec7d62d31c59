//! A maintainer's own words: `Applied to hyperv-next. Thanks.`
//!
//! Lists write these in a few dozen shapes, and the same words appear in
//! testers' reports (`Applied the patch and tested …`), bug descriptions
//! (`… was applied on top of …`), plans (`I'll apply …`) and prose wrapped
//! onto a new line (`… will not be\napplied to older kernels`). A notice is
//! therefore read as one short clause at the start of a paragraph:
//!
//! 1. the line is not quoted, not indented, and opens a paragraph (the line
//!    before is blank, quoted, or a greeting of up to three words such as
//!    `Thanks.`);
//! 2. it may open with one short lead clause (`Thanks,` `OK,` `Thank you
//!    for the patch.` `No problem --`: at most ten words up to the first
//!    `,` `.` `!` `;` or dash, with no `if`, `when`, `once` …);
//! 3. then comes `[subject] verb [object]`: the verb is `applied`,
//!    `queued [up]`, `pushed [out]`, `picked … up`, `taken`, `merged` or
//!    `pulled`; the subject is `I`/`I've`/`I have`/`We …` or a noun phrase
//!    (`Series`, `Both patches`, `This is`, `They are now`); the object a
//!    pronoun, a noun phrase or patch numbers (`it`, `the series`, `patch 2
//!    and 3`, `1-3`, `all but this patch`);
//! 4. what follows is the end of the sentence, punctuation, or one of `to`
//!    `into` `for` `in` `through` `via` `up` `out` `now` `and` `with`
//!    `thanks` `as` …, never `on` (`applied on top of`) or anything else;
//! 5. the sentence holds no question mark, no negation (`not`, `n't`), no
//!    condition (`if`, `once`, `when`, `unless`, `until`) and no word of
//!    testing (`tested`, `boot`, `build`, `checked`, `works`, `locally` …),
//!    and no modal (`will`, `should`, `can` …) before its first comma.
//!
//! The target is the phrase after the first `to`/`into`/`onto`/`in`/
//! `through`/`via` (else `for`) on the same line: `hyperv-next` is taken as
//! a branch, `the dma-mapping tree` as a tree, `hid/hid.git (for-6.3)` as
//! both, and a release (`for v5.7`) as neither.

use super::{Evidence, Kind, Mail, PatchRef, Rule, is_blank, is_quoted};

/// Lines looked at for one notice: the candidate and up to two more of its
/// paragraph (for the end of its sentence).
const SENTENCE_LINES: usize = 3;
/// Bytes of each line looked at: a notice is short.
const LINE_BYTES: usize = 300;
/// Words a lead clause may have.
const MAX_LEAD_WORDS: usize = 10;
/// Words a target may have.
const MAX_TARGET_WORDS: usize = 3;
/// Patch numbers kept from one notice (`Applied 1-4000000000` is hostile).
const MAX_NUMBERED: usize = 64;

pub(super) fn find(mail: &Mail<'_>, used: &[bool], found: &mut Vec<Evidence>) {
    for i in 0..mail.lines.len() {
        if used.get(i).copied().unwrap_or(false) {
            continue;
        }
        let line = mail.line(i);
        // The verb must be on this line, within the part read: most lines
        // are turned away here, before being cut into words.
        let candidate = line.starts_with(|c: char| c.is_alphabetic())
            && super::prefilter::has_keyword(super::head(line, LINE_BYTES).as_bytes());
        if !candidate || !starts_paragraph(mail, i) {
            continue;
        }
        if let Some(notice) = notice_at(mail, i) {
            found.push(notice);
        }
    }
}

/// The line opens a paragraph: the first line, or after a blank or quoted
/// line, or after a short greeting (`Hi Wei,`, `Thanks.`).
fn starts_paragraph(mail: &Mail<'_>, i: usize) -> bool {
    let Some(before) = i.checked_sub(1).map(|b| mail.line(b)) else {
        return true;
    };
    if is_blank(before) || is_quoted(before) {
        return true;
    }
    let before = before.trim();
    before.len() <= 40
        && before.split_whitespace().count() <= 3
        && before.ends_with([',', '.', '!'])
}

fn notice_at(mail: &Mail<'_>, i: usize) -> Option<Evidence> {
    let words = sentence_words(mail, i);
    let clause = clause(&words, 0).or_else(|| {
        let lead_end = lead_end(&words)?;
        // The clause must start on this line: one on the next line is that
        // line's own (`Hi hch,` / `The patch is …`), read there.
        words.get(lead_end).filter(|w| w.line == 0)?;
        clause(&words, lead_end)
    })?;
    if words[clause.at].line != 0 || rejected(&words, &clause) {
        return None;
    }
    let kind = match clause.verb {
        "pulled" => Kind::Merged,
        "merged" if mail.pull_request => Kind::Merged,
        _ => Kind::Applied,
    };
    let mut evidence = mail.evidence(kind, Rule::FreeText, mail.line(i));
    if let Some(target) = &clause.target {
        (evidence.tree, evidence.branch) = target.clone();
    }
    let named = &words[clause.named.0..clause.named.1];
    evidence.subset = names_some(named);
    evidence.patches = numbered_patches(named);
    Some(evidence)
}

/// A word of a sentence: its text lower-cased without the punctuation
/// around it (`hyperv-next.` → `hyperv-next`), what followed it, and the
/// line it came from.
#[derive(Debug)]
pub(super) struct Word<'a> {
    raw: &'a str,
    core: String,
    opens: bool,
    trail: &'a str,
    line: usize,
}

impl Word<'_> {
    fn is(&self, word: &str) -> bool {
        self.core == word
    }
    fn is_any(&self, words: &[&str]) -> bool {
        words.contains(&self.core.as_str())
    }
    /// Ends a sentence: `.`, `!`, `?` or `:` after it.
    fn ends_sentence(&self) -> bool {
        self.trail.contains(['.', '!', '?', ':'])
    }
    /// Ends a clause: a comma or semicolon after it, or it is a dash.
    fn ends_clause(&self) -> bool {
        self.trail.contains([',', ';']) || self.is_dash()
    }
    fn is_dash(&self) -> bool {
        matches!(self.raw, "-" | "--" | "—" | "–")
    }
    /// Nothing between it and the next word: it can continue a phrase.
    fn open_end(&self) -> bool {
        self.trail.is_empty()
    }
}

const OPENING: &[char] = &['(', '"', '\'', '`', '[', '<', '*', '_', '“', '‘'];
const CLOSING: &[char] = &[
    '.', ',', '!', '?', ';', ':', ')', '"', '\'', '`', ']', '>', '*', '_', '”', '’',
];

/// The words of `text`, which came from line `line` of the sentence.
pub(super) fn words_of<'a>(text: &'a str, line: usize, out: &mut Vec<Word<'a>>) {
    for raw in text.split_whitespace() {
        let opened = raw.trim_start_matches(OPENING);
        let core = opened.trim_end_matches(CLOSING);
        // A token of punctuation only (`-`, `...`) keeps itself as core.
        let (core, trail) = if core.is_empty() {
            (raw, "")
        } else {
            (core, &opened[core.len()..])
        };
        out.push(Word {
            raw,
            core: core.to_lowercase().replace('’', "'"),
            opens: opened.len() != raw.len(),
            trail,
            line,
        });
    }
}

/// The words of line `i` and of up to two more lines of its paragraph.
fn sentence_words<'a>(mail: &Mail<'a>, i: usize) -> Vec<Word<'a>> {
    let mut words = Vec::new();
    for (n, j) in (i..i + SENTENCE_LINES).enumerate() {
        let line = mail.line(j);
        if j >= mail.lines.len() || (n > 0 && (is_blank(line) || is_quoted(line))) {
            break;
        }
        words_of(super::head(line, LINE_BYTES), n, &mut words);
        // The rest of the paragraph matters only while the sentence runs on.
        if words.iter().any(Word::ends_sentence) {
            break;
        }
    }
    words
}

/// Where a lead clause ends: after the first word followed by `,` `.` `!`
/// `;` (or a dash), within [`MAX_LEAD_WORDS`] words, unless the lead sets a
/// condition.
fn lead_end(words: &[Word<'_>]) -> Option<usize> {
    let end = words
        .iter()
        .take(MAX_LEAD_WORDS)
        .position(|w| w.trail.contains([',', '.', '!', ';']) || w.is_dash())?;
    let conditional = words[..=end].iter().any(|w| w.is_any(CONDITIONS));
    (!conditional).then_some(end + 1)
}

/// A target: (tree, branch), either or both stated.
pub(super) type Target = (Option<String>, Option<String>);

/// A recognised `[subject] verb [object]` clause.
#[derive(Debug)]
pub(super) struct Clause<'w> {
    verb: &'w str,
    /// Index of the verb.
    at: usize,
    /// The words that name patches (subject and object), as a range.
    named: (usize, usize),
    /// Words of the target, as a range (not read for rejection).
    target_words: (usize, usize),
    /// (tree, branch).
    target: Option<Target>,
}

const VERBS: &[&str] = &[
    "applied", "queued", "pushed", "picked", "taken", "merged", "pulled",
];
/// Words that may follow the clause.
const FOLLOWERS: &[&str] = &[
    "to", "into", "onto", "in", "for", "through", "via", "up", "out", "now", "already", "too",
    "also", "and", "with", "thanks", "thank", "here", "there", "but", "as", "as-is",
];
const CONDITIONS: &[&str] = &[
    "if", "when", "once", "unless", "until", "since", "as", "after", "before", "because",
    "whether", "while",
];
/// Words that make a sentence a report, a plan or a question rather than a
/// notice.
const REJECTING: &[&str] = &[
    "not",
    "never",
    "if",
    "once",
    "unless",
    "until",
    "when",
    "without",
    "whether",
    "test",
    "tests",
    "tested",
    "testing",
    "boot",
    "boots",
    "booted",
    "booting",
    "build",
    "builds",
    "built",
    "compile",
    "compiles",
    "compiled",
    "compiling",
    "verify",
    "verified",
    "check",
    "checked",
    "confirm",
    "confirmed",
    "reproduce",
    "reproduced",
    "works",
    "worked",
    "locally",
    "cleanly",
    "fail",
    "fails",
    "failed",
    "failing",
    "conflict",
    "conflicts",
    "wrong",
    "broke",
    "breaks",
    "broken",
    "regression",
    "introduced",
    "caused",
    "causes",
    "recently",
    "previously",
    "earlier",
    "ago",
];
const MODALS: &[&str] = &[
    "will", "would", "should", "could", "must", "need", "needs", "can", "may", "might", "shall",
];
const PATCH_NOUNS: &[&str] = &[
    "patch", "patches", "series", "patchset", "set", "version", "one", "ones", "fix", "fixes",
    "commit", "commits", "change", "changes", "two", "three", "four", "five", "six", "seven",
    "eight", "nine", "ten", "both", "all",
];
const MODIFIERS: &[&str] = &[
    "the",
    "this",
    "these",
    "those",
    "that",
    "both",
    "all",
    "whole",
    "entire",
    "first",
    "last",
    "other",
    "fixed",
    "updated",
    "new",
    "remaining",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "of",
];
const PRONOUNS: &[&str] = &[
    "it", "this", "them", "these", "those", "they", "both", "all",
];

/// A word is one of the verbs of a notice (`applied`, `queued` …).
pub(super) fn is_verb(word: &Word<'_>) -> bool {
    word.is_any(VERBS)
}

/// The clause starting at word `start`, if the words there make one.
pub(super) fn clause<'w>(words: &'w [Word<'_>], start: usize) -> Option<Clause<'w>> {
    let mut i = start;
    let subject = subject_len(words, i);
    i += subject;
    let verb = words.get(i).filter(|w| w.is_any(VERBS) && !w.opens)?;
    let at = i;
    let verb_word = VERBS.iter().find(|v| verb.is(v)).copied()?;
    i += 1;
    // `I pulled in some patches from …`: moving patches around, not a pull.
    if verb_word == "pulled" && verb.open_end() && words.get(i).is_some_and(|w| w.is("in")) {
        return None;
    }
    let mut up = false;
    let open = |k: usize| words.get(k.wrapping_sub(1)).is_some_and(Word::open_end);
    if open(i)
        && matches!(verb_word, "queued" | "picked")
        && words.get(i).is_some_and(|w| w.is("up"))
    {
        up = true;
        i += 1;
    } else if open(i) && verb_word == "pushed" && words.get(i).is_some_and(|w| w.is("out")) {
        i += 1;
    }
    let object_start = i;
    if open(i) {
        i += object_len(words, i);
    }
    let object_end = i;
    if matches!(verb_word, "queued" | "picked")
        && !up
        && open(i)
        && words.get(i).is_some_and(|w| w.is("up"))
    {
        up = true;
        i += 1;
    }
    if verb_word == "picked" && !up {
        return None;
    }
    // What follows must continue a notice: nothing, punctuation, or a word
    // such as `to`.
    if open(i)
        && let Some(next) = words.get(i)
        && !next.opens
        && !next.is_any(FOLLOWERS)
        && !next.is_dash()
    {
        return None;
    }
    let named = if subject > 0 && object_end == object_start {
        (start, start + subject)
    } else {
        (object_start, object_end)
    };
    let (target_words, target) = target_after(words, i);
    Some(Clause {
        verb: verb_word,
        at,
        named,
        target_words,
        target,
    })
}

/// Words of a subject at `i` that a verb may follow: `I`, `I've`, `I have
/// now`, `Now`, `Series`, `Both patches`, `This is`, `They are now`, `The
/// patches have been`.
fn subject_len(words: &[Word<'_>], i: usize) -> usize {
    let at = |k: usize| words.get(k);
    let open = |k: usize| at(k).is_some_and(|w| w.open_end() && !w.opens);
    let adverb = |k: usize| {
        usize::from(
            open(k)
                && at(k).is_some_and(|w| w.is_any(&["now", "just", "also", "already", "finally"])),
        )
    };
    let Some(first) = at(i) else { return 0 };
    if !open(i) {
        return 0;
    }
    if first.is_any(&["i", "i've", "we", "we've"]) {
        let have = usize::from(
            first.is_any(&["i", "we"]) && open(i + 1) && at(i + 1).is_some_and(|w| w.is("have")),
        );
        return 1 + have + adverb(i + 1 + have);
    }
    if first.is("now") {
        return 1;
    }
    let np = object_len(words, i);
    if np == 0 || !open(i + np - 1) {
        return 0;
    }
    let pronoun_only = np == 1 && first.is_any(&["it", "this", "they", "these", "those", "them"]);
    let mut n = np;
    let aux = if open(i + n) && at(i + n).is_some_and(|w| w.is_any(&["is", "are"])) {
        1
    } else if open(i + n)
        && open(i + n + 1)
        && at(i + n).is_some_and(|w| w.is_any(&["has", "have"]))
        && at(i + n + 1).is_some_and(|w| w.is("been"))
    {
        2
    } else {
        0
    };
    if aux == 0 && pronoun_only {
        return 0;
    }
    // `Series applied`, `This is queued`, but not `The fix merged in 6.1
    // …`, `The patch is merged into mainline recently` nor `The patch
    // picked up for stable …`: narrative.
    let notice_verb = |k: usize| at(k).is_some_and(|w| w.is_any(&["applied", "queued", "pushed"]));
    n += aux;
    if aux > 0 {
        n += adverb(i + n);
    }
    if notice_verb(i + n) { n } else { 0 }
}

/// Words of an object (or subject noun phrase) at `i`, longest first:
/// `it`, `the rest`, `this whole series`, `the first five`, `patch 2 and
/// 3`, `1-3`, `#7 and #24`, `all but this patch`, `this and patch 3`, `the
/// series except patch 14/16`.
fn object_len(words: &[Word<'_>], i: usize) -> usize {
    let base = |k: usize| base_object_len(words, k);
    let open = |k: usize| words.get(k).is_some_and(Word::open_end);
    let n = base(i);
    if n == 0 {
        return 0;
    }
    let last = i + n - 1;
    // `all but …`: `all` is a base object on its own.
    if open(last)
        && words
            .get(last + 1)
            .is_some_and(|w| w.is_any(&["but", "except", "and"]))
        && open(last + 1)
    {
        let more = base(last + 2);
        // `and` joins only numbers or `patch N` (not `Applied and pushed`).
        let joins = !words[last + 1].is("and")
            || (more > 0 && names_numbers(&words[last + 2..last + 2 + more]));
        if more > 0 && joins {
            return n + 1 + more;
        }
    }
    n
}

fn base_object_len(words: &[Word<'_>], i: usize) -> usize {
    let Some(first) = words.get(i) else { return 0 };
    if first.opens && !first.core.starts_with('#') {
        return 0;
    }
    let open = |k: usize| words.get(k).is_some_and(|w| w.open_end() && !w.opens);
    // Patch numbers: `2-8`, `#7 and #24`, `1/3 and 3/3`, `patch 2 and 3`.
    let numbers_from = |mut k: usize| {
        let start = k;
        while words.get(k).is_some_and(|w| is_number_word(&w.core)) {
            k += 1;
            let joined = open(k - 1)
                && words.get(k).is_some_and(|w| w.is_any(&["and", "&"]))
                && words.get(k + 1).is_some_and(|w| is_number_word(&w.core));
            if joined {
                k += 1;
            } else {
                break;
            }
        }
        k - start
    };
    if first.is("the") && open(i) && words.get(i + 1).is_some_and(|w| w.is("rest")) {
        return 2;
    }
    if first.is_any(&["patch", "patches"]) && open(i) {
        let n = numbers_from(i + 1);
        if n > 0 {
            return 1 + n;
        }
    }
    let n = numbers_from(i);
    if n > 0 {
        return n;
    }
    // Up to three modifiers, then a noun: `this whole series`, `both
    // patches`, `the first five`. The longest such phrase wins.
    let mut best = 0;
    for len in 1..=4 {
        let Some(last) = words.get(i + len - 1) else {
            break;
        };
        if len > 1 && !open(i + len - 2) {
            break;
        }
        let modifiers_ok = words[i..i + len - 1].iter().all(|w| w.is_any(MODIFIERS));
        if !modifiers_ok {
            break;
        }
        if last.is_any(PATCH_NOUNS) || (len == 1 && last.is_any(PRONOUNS)) {
            best = len;
        }
    }
    best
}

/// `3`, `1-3`, `#7`, `1/3`, `02/10`.
fn is_number_word(core: &str) -> bool {
    let body = core.strip_prefix('#').unwrap_or(core);
    !body.is_empty()
        && body.starts_with(|c: char| c.is_ascii_digit())
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || c == '-' || c == '/')
}

fn names_numbers(words: &[Word<'_>]) -> bool {
    words.iter().any(|w| is_number_word(&w.core))
}

/// The object names some patches only: numbers, `first`, `last`, `rest`,
/// `but`, `except`.
fn names_some(words: &[Word<'_>]) -> bool {
    names_numbers(words)
        || words
            .iter()
            .any(|w| w.is_any(&["first", "last", "rest", "but", "except"]))
}

/// The patches named by number: `1-3` → 1, 2, 3; `1/3` → 1 of 3; `#24` → 24.
fn numbered_patches(words: &[Word<'_>]) -> Vec<PatchRef> {
    let mut out = Vec::new();
    for word in words.iter().filter(|w| is_number_word(&w.core)) {
        let body = word.core.trim_start_matches('#');
        let numbers: Vec<Option<u32>> = body.split(['-', '/']).map(|n| n.parse().ok()).collect();
        match (numbers.as_slice(), body.contains('/')) {
            ([Some(n), Some(m)], true) => out.push(PatchRef {
                index: Some(*n),
                total: Some(*m),
                ..PatchRef::default()
            }),
            ([Some(a), Some(b)], false) if a <= b => {
                for n in *a..=*b {
                    if out.len() >= MAX_NUMBERED {
                        break;
                    }
                    out.push(PatchRef {
                        index: Some(n),
                        ..PatchRef::default()
                    });
                }
            }
            ([Some(n)], _) => out.push(PatchRef {
                index: Some(*n),
                ..PatchRef::default()
            }),
            _ => {}
        }
        if out.len() >= MAX_NUMBERED {
            out.truncate(MAX_NUMBERED);
            break;
        }
    }
    out
}

/// Whether the sentence of the clause reads as a report, plan or question.
fn rejected(words: &[Word<'_>], clause: &Clause<'_>) -> bool {
    let end = words[clause.at..]
        .iter()
        .position(Word::ends_sentence)
        .map_or(words.len(), |p| clause.at + p + 1);
    let in_target = |k: usize| (clause.target_words.0..clause.target_words.1).contains(&k);
    let mut before_comma = true;
    for (k, word) in words.iter().enumerate().take(end).skip(clause.at) {
        if word.raw.contains('?') {
            return true;
        }
        if !in_target(k) {
            let negated = word.core.contains("n't");
            let modal = before_comma && word.is_any(MODALS);
            if negated || modal || word.is_any(REJECTING) {
                return true;
            }
        }
        if word.ends_clause() {
            before_comma = false;
        }
    }
    false
}

/// Prepositions that name where a patch went, by priority: `for` only when
/// none of the others does (`Applied to pci/hv for v5.7`).
const TARGET_PREPOSITIONS: &[&str] = &["to", "into", "onto", "in", "through", "via"];
/// Words that end a target: `Applied to for-next Thanks,`.
const TARGET_STOPS: &[&str] = &[
    "thanks", "thank", "with", "for", "as", "and", "before", "after", "now", "so", "because",
    "but", "since", "which", "where", "if", "once", "when", "until", "please", "at", "i", "we",
    "it", "this", "too", "also", "already", "except",
];
const DETERMINERS: &[&str] = &["the", "my", "our", "your", "his", "her", "their", "same"];

/// The target named after word `from`, within its sentence and clause, as
/// (word range, (tree, branch)).
pub(super) fn target_after(words: &[Word<'_>], from: usize) -> ((usize, usize), Option<Target>) {
    // The phrase ends at the sentence's or clause's end, or at `with`.
    let mut scope_end = words.len();
    for (k, word) in words.iter().enumerate().skip(from) {
        if word.is("with") {
            scope_end = k;
            break;
        }
        if word.ends_sentence() || word.ends_clause() {
            scope_end = k + 1;
            break;
        }
    }
    let scope = from..scope_end;
    let preposition = scope
        .clone()
        .find(|&k| words[k].is_any(TARGET_PREPOSITIONS) && words[k].open_end())
        .or_else(|| {
            scope
                .clone()
                .find(|&k| words[k].is("for") && words[k].open_end())
        });
    let Some(p) = preposition else {
        return ((0, 0), None);
    };
    let prep_line = words[p].line;
    let prep_ends_line = words.get(p + 1).is_some_and(|w| w.line != prep_line);
    let mut parts: Vec<&str> = Vec::new();
    let mut paren: Option<&str> = None;
    let mut k = p + 1;
    while k < words.len() {
        let word = &words[k];
        let same_line = word.line == prep_line
            || (prep_ends_line && parts.is_empty() && word.line == prep_line + 1);
        if !same_line || word.is_dash() {
            break;
        }
        if word.opens && word.raw.starts_with('(') {
            if !parts.is_empty() {
                paren = Some(word.core.as_str());
                k += 1;
            }
            break;
        }
        if word.is_any(TARGET_STOPS) || word.is_any(MODALS) || word.is_any(REJECTING) {
            break;
        }
        parts.push(word.core.as_str());
        k += 1;
        if !word.open_end() || parts.len() > MAX_TARGET_WORDS + 2 {
            break;
        }
    }
    let release = words[p].is("for") && parts.len() == 1 && paren.is_none() && is_release(parts[0]);
    let target = if release {
        None
    } else {
        name_target(&parts, paren)
    };
    // Only words that made a target are spared the rejection test.
    let range = if target.is_some() || release {
        (p + 1, k)
    } else {
        (0, 0)
    };
    (range, target)
}

/// `v5.7`, `6.3`, `5.10-rc2`: a release, not a tree.
fn is_release(word: &str) -> bool {
    let word = word.strip_prefix('v').unwrap_or(word);
    let word = word.split("-rc").next().unwrap_or(word);
    !word.is_empty()
        && word.starts_with(|c: char| c.is_ascii_digit())
        && word.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// (tree, branch) of a target's words: `hyperv-next` is a branch, `the
/// dma-mapping tree` a tree, `kvm-x86 svm` and `linux-kselftest kunit
/// branch` a tree and a branch, `hid/hid.git (for-6.3/hid-core)` both.
fn name_target(parts: &[&str], paren: Option<&str>) -> Option<Target> {
    let mut parts: Vec<&str> = parts.to_vec();
    while parts.first().is_some_and(|w| DETERMINERS.contains(w)) {
        parts.remove(0);
    }
    let mut marked_tree = false;
    let mut marked_branch = false;
    if parts.last() == Some(&"branch") {
        parts.pop();
        marked_branch = true;
    } else if parts
        .last()
        .is_some_and(|w| ["tree", "repo", "repository"].contains(w))
    {
        parts.pop();
        if parts.last() == Some(&"git") {
            parts.pop();
        }
        marked_tree = true;
    }
    if parts.first() == Some(&"branch") {
        parts.remove(0);
        marked_branch = true;
    }
    let owned = |s: &str| Some(s.to_string());
    if let Some(branch) = paren {
        return (!parts.is_empty() && parts.len() <= MAX_TARGET_WORDS)
            .then(|| (owned(&parts.join(" ")), owned(branch)));
    }
    match parts.as_slice() {
        [one] => {
            let tree_like = one.contains("://") || one.ends_with(".git");
            Some(if (marked_tree || tree_like) && !marked_branch {
                (owned(one), None)
            } else {
                (None, owned(one))
            })
        }
        [tree, branch] => Some((owned(tree), owned(branch))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Kind, Rule, evidence};
    use crate::mail::Person;

    fn one(body: &str) -> Option<(Kind, Option<String>, Option<String>)> {
        let found = evidence(body, "Re: [PATCH] x", None);
        let free: Vec<_> = found
            .into_iter()
            .filter(|e| e.rule == Rule::FreeText)
            .collect();
        assert!(free.len() <= 1, "{body}: {free:?}");
        free.into_iter().next().map(|e| (e.kind, e.tree, e.branch))
    }

    fn branch(body: &str) -> Option<String> {
        one(body).and_then(|(_, _, b)| b)
    }

    fn tree(body: &str) -> Option<String> {
        one(body).and_then(|(_, t, _)| t)
    }

    #[test]
    fn plain_notices_and_their_branch() {
        let quote = "On Mon, Jan 1, 2024, Dev wrote:\n> Fix it.\n\n";
        for (text, want) in [
            ("Applied to hyperv-next. Thanks.", Some("hyperv-next")),
            ("Applied to hyperv-fixes, thanks!", Some("hyperv-fixes")),
            ("Applied to pci/hv, thanks!", Some("pci/hv")),
            (
                "Queued up for hyperv-fixes, thank you.",
                Some("hyperv-fixes"),
            ),
            (
                "Queued for inclusion into hyperv-next. Thanks!",
                Some("hyperv-next"),
            ),
            ("Queued, thanks.", None),
            ("Applied, thanks", None),
            ("applied.", None),
            ("Applied.", None),
            ("Pushed to drm-misc.", Some("drm-misc")),
            (
                "Pushed to branch `for_paolo/6.1` at:",
                Some("for_paolo/6.1"),
            ),
            ("Pushed into #fixes", Some("#fixes")),
            ("Picked it up. The three commits are in", None),
            ("Series applied to net-next.", Some("net-next")),
            ("Both patches applied to for-rc\nThanks,", Some("for-rc")),
            ("Applied to for-next\n\nJason", Some("for-next")),
            ("Now queued up, thanks.", None),
            (
                "They are now queued to hyperv-next. Thanks.",
                Some("hyperv-next"),
            ),
            (
                "Ok, this is queued in my for-next branch.",
                Some("for-next"),
            ),
            ("Thanks, applied.", None),
            ("Good catch, applied, thank you.", None),
            ("No problem -- applied to hyperv-next.", Some("hyperv-next")),
            ("Otherwise it's great; queued, thanks.", None),
            (
                "I've queued it up for hyperv-fixes, thank you!",
                Some("hyperv-fixes"),
            ),
            (
                "I have queued the whole series to hyperv-next.",
                Some("hyperv-next"),
            ),
            (
                "I've taken the rest now through sysctl-next:",
                Some("sysctl-next"),
            ),
            (
                "Applied to hyperv-next. I modified the subject line to match our\nstyle.",
                Some("hyperv-next"),
            ),
            ("Applied to 6.5/scsi-fixes, thanks!", Some("6.5/scsi-fixes")),
            (
                "Applied to pci/hv, should be able to hit v5.5, thanks.",
                Some("pci/hv"),
            ),
            (
                "Applied to hyperv-fixes and plan to submit it to Linus in a few days.",
                Some("hyperv-fixes"),
            ),
            ("Queued (for 6.3), thanks.", None),
            ("Patch queued for v5.6, thanks.", None),
            ("Applied the series to pci/hv for v5.7.", Some("pci/hv")),
            ("Applied and queued up for -stable.", Some("-stable")),
            ("Merged and pushed out into same branch.", None),
            ("Applied with the following change in third patch.", None),
            (
                "Thanks.\nApplied to drm-misc-fixes - as it smells like a fix",
                Some("drm-misc-fixes"),
            ),
        ] {
            assert_eq!(
                branch(&format!("{quote}{text}\n")),
                want.map(String::from),
                "{text}"
            );
            assert!(one(&format!("{quote}{text}\n")).is_some(), "{text}");
        }
    }

    #[test]
    fn trees_and_both() {
        let both = |t: &str| {
            let (_, tree, branch) = one(t).unwrap_or_else(|| panic!("{t}"));
            (tree, branch)
        };
        assert_eq!(
            tree("applied to the dma-mapping tree.\n").as_deref(),
            Some("dma-mapping")
        );
        assert_eq!(
            tree("Series applied to fbdev git tree.\n").as_deref(),
            Some("fbdev")
        );
        assert_eq!(
            both("Thanks, applied to the dma-mapping for-next tree.\n"),
            (Some("dma-mapping".into()), Some("for-next".into()))
        );
        assert_eq!(
            both("Applied to hid/hid.git (for-6.3/hid-core), thanks!\n"),
            (Some("hid/hid.git".into()), Some("for-6.3/hid-core".into()))
        );
        assert_eq!(
            both("Applied to kvm-x86 svm, thanks!\n"),
            (Some("kvm-x86".into()), Some("svm".into()))
        );
        assert_eq!(
            both("Thank you for the resend. Applied to linux-kselftest kunit branch\n"),
            (Some("linux-kselftest".into()), Some("kunit".into()))
        );
        assert_eq!(
            both(
                "Applied to https://git.kernel.org/pub/scm/linux/kernel/git/broonie/spi.git for-7.0\n"
            ),
            (
                Some("https://git.kernel.org/pub/scm/linux/kernel/git/broonie/spi.git".into()),
                Some("for-7.0".into())
            )
        );
        assert_eq!(
            both("Applied to hid.git, thanks!\n"),
            (Some("hid.git".into()), None)
        );
    }

    #[test]
    fn subsets_name_their_patches() {
        let get = |t: &str| {
            let found = evidence(t, "Re: [PATCH 0/8] x", None);
            let e = found
                .into_iter()
                .find(|e| e.rule == Rule::FreeText)
                .unwrap_or_else(|| panic!("{t}"));
            (
                e.subset,
                e.patches
                    .iter()
                    .map(|p| (p.index, p.total))
                    .collect::<Vec<_>>(),
            )
        };
        assert_eq!(
            get("Queued 2-4, thanks.\n"),
            (
                true,
                vec![(Some(2), None), (Some(3), None), (Some(4), None)]
            )
        );
        assert_eq!(
            get("Applied #7 and #24 to 6.5/scsi-staging, thanks!\n"),
            (true, vec![(Some(7), None), (Some(24), None)])
        );
        assert_eq!(
            get("Applied 1/3 and 3/3 to pci/misc for v5.16, thanks!\n"),
            (true, vec![(Some(1), Some(3)), (Some(3), Some(3))])
        );
        assert_eq!(
            get("Applied patch 2 and 3. Thank you for the reminder.\n"),
            (true, vec![(Some(2), None), (Some(3), None)])
        );
        assert_eq!(
            get("Applied this and patch 3. The second patch is dropped.\n"),
            (true, vec![(Some(3), None)])
        );
        assert!(get("I've applied all but this patch to hyperv-next.\n").0);
        assert!(get("I've applied the first five to hyperv-next.\n").0);
        assert!(
            get("Applied the series except patch 14/16 to pci/controller/msi-parent, thanks!\n").0
        );
        assert_eq!(get("Series applied, thank you.\n"), (false, vec![]));
        assert_eq!(
            get("Both patches queued to hyperv-next. Thanks.\n"),
            (false, vec![])
        );
        // Hostile numbers stay bounded.
        assert_eq!(
            get("Applied 1-4000000000, thanks.\n").1.len(),
            super::MAX_NUMBERED
        );
    }

    #[test]
    fn pull_requests_are_merged() {
        let kind = |t: &str, s: &str| evidence(t, s, None).first().map(|e| e.kind.clone());
        assert_eq!(
            kind("Pulled, thanks.\n", "Re: [GIT PULL] Hyper-V fixes"),
            Some(Kind::Merged)
        );
        assert_eq!(
            kind("Merged, thanks.\n", "Re: [GIT PULL] Hyper-V fixes"),
            Some(Kind::Merged)
        );
        assert_eq!(
            kind("Merged, thanks.\n", "Re: [PATCH] x"),
            Some(Kind::Applied)
        );
    }

    #[test]
    fn the_sender_says_it() {
        let wei = Person::new("Wei Liu", "wei.liu@kernel.org");
        let found = evidence("Applied to hyperv-next.\n", "Re: [PATCH] x", Some(&wei));
        assert_eq!(found[0].by.as_ref(), Some(&wei));
        assert_eq!(found[0].lines, ["Applied to hyperv-next."]);
    }

    /// Look-alikes modeled on real mails: testers, plans, conditions,
    /// questions, bug descriptions, wrapped prose, quotes.
    #[test]
    fn look_alikes_are_not_notices() {
        for text in [
            "> Applied to hyperv-next. Thanks.",
            ">> Queued, thanks.",
            "  Applied to hyperv-next.",
            "Applied the patch and tested it on a Gen2 VM, works fine.",
            "Applied and tested the s390 AP bus and zcrypt part of the patch.",
            "Applied on top of 6.8.4, it prevents the early oops I previously saw.",
            "Applied to tip's x86/sev and checked that this can fix the regression.",
            "I applied this patch on top of 20250409 and it fixes the issue.",
            "I applied it on head:",
            "Patch applied, my own hackery applied, host kernel built and booted,",
            "With the previous bugs fixed, I applied both patches and tested them.",
            "The patch picked up for the stable tree will need this bit as well.",
            "This will be applied once the prerequisite lands.",
            "I'll apply this to hyperv-next.",
            "Can you apply this to tip?",
            "Will apply, thank you for the suggestion.",
            "Which tree was this applied to?",
            "I applied this patch series already to net-next, what are you doing?",
            "Yes, it is applied but it did not reach the tip tree yet.",
            "No. They are not queued.",
            "Those patches were applied not very long before the pull request.",
            "As patch was applied Sunday, my ACK will not reach the git tree.",
            "Since Greg has already applied this series, I am dropping them.",
            "If it's not taken in Andrew's tree next week, I will push it.",
            "When I say \"applied\", the series is in my tree.",
            "Patches don't get applied unless they end up in the patch system.",
            "I applied this series before but then there is a new discussion.",
            "I have taken your rewording suggestion.",
            "I've taken a look at the related art.",
            "I pushed some updates to the setup script to make it easier.",
            "I picked the function where sev_status is set.",
            "Applying: x86/hyperv: fix the thing",
            "Failed to apply patch:",
            "[If your patch is applied to the wrong git tree, kindly drop us a note.",
            "- Applied the suggested refactoring (v2)",
            "Taken care thanks!",
            "The following diff was applied to the guest.",
            "The fix merged into v6.1 introduced a regression.",
            "The commit taken into stable lacks this hunk.",
            "The patch is merged into the mainline recently, but we noticed a warning.",
            "It is merged in 6.1.",
            "I pulled in some patches from hyperv-fixes to hyperv-next. That's why.",
            "Yes, I applied these to the wrong patch...oops!",
        ] {
            assert_eq!(one(&format!("Hi,\n\n{text}\n")), None, "{text}");
        }
        // Prose wrapped onto a line that starts with the verb.
        assert_eq!(
            one("This means that the patch will not be\napplied to any older kernel releases.\n"),
            None
        );
        assert_eq!(
            one("I probably should have asked you for a fixes tag and\napplied it to net :S\n"),
            None
        );
        // A greeting and the sentence after it: one reading, on the
        // sentence's own line.
        let found = evidence("Hi Wei,\nSeries applied to hyperv-next.\n", "Re: x", None);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].lines, ["Series applied to hyperv-next."]);
    }
}
