//! Which sections cover a patch: the compiled index and get_maintainer's rules.
//!
//! Built once per file. A path is never compared with all 8,000 `F:`
//! patterns: each pattern is filed under a key its matches must share, and
//! a path looks up only its own leading directories (a handful of hash
//! look-ups), then tests the few candidates found. `N:` patterns are one
//! [`RegexSet`] on the path, `K:` patterns two on the patch's lines.

use std::cmp::Reverse;
use std::collections::HashMap;

use regex::{RegexSet, RegexSetBuilder};

use super::parse::{Parsed, ParsedPattern, PendingRegex};
use super::{How, Section, SectionMatch};

/// Where a set's pattern comes from.
#[derive(Debug, Clone, Copy)]
struct Origin {
    section: usize,
    /// In the section's `names` or `keywords`.
    index: usize,
    line: usize,
}

/// The compiled patterns of every section.
#[derive(Debug, Default)]
pub(crate) struct Index {
    patterns: Vec<ParsedPatternEntry>,
    /// Literal patterns by the directory they name (without its `/`):
    /// found by every leading directory of a path.
    by_dir: FastMap<Vec<usize>>,
    /// Globs, regexes and literals not ending in `/`, by the directory part
    /// of their literal prefix plus up to [`TAIL`] bytes after it: found by
    /// the leading directories of a path, each with the start of the next
    /// component.
    by_tail: FastMap<Vec<usize>>,
    /// Per directory part of `by_tail`'s keys, bit `k` set when a key has
    /// `k` bytes after it: a path probes only those lengths.
    tail_lengths: FastMap<u32>,
    names: Option<RegexSet>,
    name_origins: Vec<Origin>,
    /// The `K:` patterns, `None` when there are none.
    keywords: Option<Keywords>,
    keyword_origins: Vec<Origin>,
}

/// The `K:` patterns, on bytes as get_maintainer.pl reads a patch (no
/// decoding layer, so `\b`, `\w`, `.` and `(?i)` are ASCII): the sets
/// give the patterns a line matches, the finder the lines worth asking
/// (see [`Index::keyword_hits`]).
#[derive(Debug)]
struct Keywords {
    /// Every pattern as matched on a line before the diff.
    intro: regex::bytes::RegexSet,
    /// Every pattern as matched on a `+`/`-` line of the diff.
    in_diff: regex::bytes::RegexSet,
    /// `intro`'s patterns as one alternation.
    finder: regex::bytes::Regex,
}

#[derive(Debug)]
struct ParsedPatternEntry {
    pattern: super::pattern::FilePattern,
    section: usize,
    index: usize,
    line: usize,
    exclude: bool,
}

/// One pattern line of a section that covers a path.
#[derive(Debug, Clone, Copy)]
struct Hit {
    section: usize,
    line: usize,
    depth: i32,
    how: HitKind,
}

#[derive(Debug, Clone, Copy)]
enum HitKind {
    File(usize),
    Name(usize),
}

/// How many bytes of a pattern's last literal component key the index:
/// enough to split `include/linux/`'s 580 patterns, or the 84 starting
/// `Documentation/ABI/testing/sysfs`, into buckets of a few (below 32, the
/// bits of a length mask).
const TAIL: usize = 16;

/// The index key of a literal prefix: its directory part (with `/`) and up
/// to [`TAIL`] bytes of what follows (fewer at a character boundary).
fn tail_key(prefix: &str) -> &str {
    let dir = prefix.rfind('/').map_or(0, |at| at + 1);
    let mut end = (dir + TAIL).min(prefix.len());
    while !prefix.is_char_boundary(end) {
        end -= 1;
    }
    &prefix[..end]
}

/// FxHash (rustc's): the keys are short path prefixes and the map is
/// built from the MAINTAINERS file, not from mail, so SipHash's
/// protection against chosen collisions buys nothing here, at several
/// times the cost of the 20-odd look-ups a path takes.
#[derive(Default, Clone, Copy)]
struct Fx(u64);

impl Fx {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl std::hash::Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type FastMap<V> = HashMap<Box<str>, V, std::hash::BuildHasherDefault<Fx>>;

impl Index {
    /// Compiles the parsed patterns, moving the `N:`/`K:` ones that compile
    /// into their sections; the others become warnings.
    pub(crate) fn build(parsed: &mut Parsed, path: &str) -> Index {
        let mut index = Index::default();
        for ParsedPattern {
            pattern,
            section,
            index: at,
            line,
            exclude,
        } in std::mem::take(&mut parsed.patterns)
        {
            let id = index.patterns.len();
            let prefix = pattern.prefix();
            if pattern.is_literal() {
                let dir = prefix.strip_suffix('/').unwrap_or(prefix);
                index.by_dir.entry(dir.into()).or_default().push(id);
            }
            if !(pattern.is_literal() && pattern.is_dir()) {
                let key = tail_key(prefix);
                let dir = prefix.rfind('/').map_or(0, |at| at + 1);
                index.by_tail.entry(key.into()).or_default().push(id);
                *index.tail_lengths.entry(prefix[..dir].into()).or_default() |=
                    1 << (key.len() - dir);
            }
            index.patterns.push(ParsedPatternEntry {
                pattern,
                section,
                index: at,
                line,
                exclude,
            });
        }

        // Perl's `m/$value/x`: extended mode, as get_maintainer matches them.
        let name_form = |value: &str| format!("(?x){value}");
        let (names, set) = compile_valid(
            std::mem::take(&mut parsed.names),
            name_form,
            "N",
            path,
            &mut parsed.warnings,
        );
        let (patterns, origins) = place(names, &mut parsed.sections, |s| &mut s.names);
        index.names = set.or_else(|| {
            let names: Vec<String> = patterns.iter().map(|value| name_form(value)).collect();
            set_or_warn(&names, "N", path, &mut parsed.warnings)
        });
        index.name_origins = origins;

        // Lines are matched with their newline, as Perl reads them; `(?m)`
        // lets `$` match before it, as Perl's `$` does. The `\n` closes a
        // `#` comment of extended mode before the group ends.
        let intro = |value: &str| format!("(?mx)(?:{value}\n)");
        let (keywords, intro_set) = compile_valid(
            std::mem::take(&mut parsed.keywords),
            intro,
            "K",
            path,
            &mut parsed.warnings,
        );
        let (patterns, origins) = place(keywords, &mut parsed.sections, |s| &mut s.keywords);
        let intro_patterns: Vec<String> = patterns.iter().map(|value| intro(value)).collect();
        let in_diff: Vec<String> = patterns
            .iter()
            .map(|value| format!("(?mx)^[+-].*(?:{value}\n)"))
            .collect();
        let intro_set =
            intro_set.or_else(|| set_or_warn(&intro_patterns, "K", path, &mut parsed.warnings));
        // Each in its own group, so that its flags end with it.
        let alternation = intro_patterns
            .iter()
            .map(|p| format!("(?:{p})"))
            .collect::<Vec<_>>()
            .join("|");
        // Each pattern compiled alone (the set above says so); together,
        // in the forms below, they may still be too big.
        let compiled = |_| -> Result<Keywords, regex::Error> {
            Ok(Keywords {
                intro: bytes_set(&intro_patterns)?,
                in_diff: bytes_set(&in_diff)?,
                finder: bytes_regex(&alternation)?,
            })
        };
        index.keywords = intro_set.map(compiled).and_then(|built| match built {
            Ok(keywords) => Some(keywords),
            Err(e) => {
                parsed.warnings.push(format!(
                    "{path}: every K: pattern ignored: {}",
                    super::regex_reason(&e)
                ));
                None
            }
        });
        index.keyword_origins = origins;
        index
    }

    /// The sections covering `files` and `content`, most specific first.
    pub(crate) fn sections_for<S: AsRef<str>>(
        &self,
        files: &[S],
        content: Option<&str>,
    ) -> Vec<SectionMatch> {
        let mut matches: Vec<SectionMatch> = Vec::new();
        let mut slot: HashMap<usize, usize> = HashMap::new();
        let mut hits = Vec::new();
        let mut excluded = Vec::new();
        for (file, path) in files.iter().enumerate() {
            self.file_hits(path.as_ref(), &mut hits, &mut excluded);
            // get_maintainer keeps, per section, the value of the last
            // F:/N: line that matched (each one overwrites the last).
            hits.sort_unstable_by_key(|hit| (hit.section, hit.line));
            for group in hits.chunk_by(|a, b| a.section == b.section) {
                let Some(last) = group.last() else {
                    continue;
                };
                if excluded.contains(&last.section) {
                    continue;
                }
                let how = match last.how {
                    HitKind::File(pattern) => How::File { file, pattern },
                    HitKind::Name(pattern) => How::Name { file, pattern },
                };
                match slot.get(&last.section) {
                    Some(&at) => {
                        let found = &mut matches[at];
                        found.files.push(file);
                        if found.specificity < Some(last.depth) {
                            found.specificity = Some(last.depth);
                            found.how = how;
                        }
                    }
                    None => {
                        slot.insert(last.section, matches.len());
                        matches.push(SectionMatch {
                            section: last.section,
                            how,
                            specificity: Some(last.depth),
                            files: vec![file],
                            keywords: Vec::new(),
                        });
                    }
                }
            }
        }
        if let Some(content) = content {
            for origin in self.keyword_hits(content) {
                match slot.get(&origin.section) {
                    Some(&at) => matches[at].keywords.push(origin.index),
                    None => {
                        slot.insert(origin.section, matches.len());
                        matches.push(SectionMatch {
                            section: origin.section,
                            how: How::Keyword {
                                pattern: origin.index,
                            },
                            specificity: None,
                            files: Vec::new(),
                            keywords: vec![origin.index],
                        });
                    }
                }
            }
        }
        // Most specific first; keyword-only matches last, as get_maintainer
        // adds them after the file matches; ties in file order.
        matches.sort_by_key(|m| (Reverse(m.specificity), m.section));
        matches
    }

    /// Every F:/N: line covering `path`, and the sections whose X: excludes it.
    fn file_hits(&self, path: &str, hits: &mut Vec<Hit>, excluded: &mut Vec<usize>) {
        hits.clear();
        excluded.clear();
        let slashes = path.bytes().filter(|&b| b == b'/').count();
        let mut check = |ids: Option<&Vec<usize>>| {
            for &id in ids.into_iter().flatten() {
                let Some(entry) = self.patterns.get(id) else {
                    continue;
                };
                if !entry.pattern.matches(path, slashes) {
                    continue;
                }
                if entry.exclude {
                    excluded.push(entry.section);
                } else {
                    hits.push(Hit {
                        section: entry.section,
                        line: entry.line,
                        depth: entry.pattern.depth(),
                        how: HitKind::File(entry.index),
                    });
                }
            }
        };
        for (at, _) in path.match_indices('/') {
            check(self.by_dir.get(&path[..at]));
        }
        // Each leading directory (`""` first) with the lengths of the
        // start of the next component that keys exist for.
        let levels = std::iter::once(0).chain(path.match_indices('/').map(|(at, _)| at + 1));
        for start in levels {
            let Some(&lengths) = self.tail_lengths.get(&path[..start]) else {
                continue;
            };
            let component = path[start..].find('/').unwrap_or(path.len() - start);
            for take in 0..=component.min(TAIL) {
                let end = start + take;
                if lengths & (1 << take) != 0 && path.is_char_boundary(end) {
                    check(self.by_tail.get(&path[..end]));
                }
            }
        }
        if let Some(names) = &self.names
            && names.is_match(path)
        {
            for id in names.matches(path).iter() {
                if let Some(origin) = self.name_origins.get(id) {
                    hits.push(Hit {
                        section: origin.section,
                        line: origin.line,
                        depth: 0,
                        how: HitKind::Name(origin.index),
                    });
                }
            }
        }
    }

    /// The K: patterns the patch text matches, by get_maintainer's reading:
    /// line by line; before the first `+++ `/`--- ` file line every line
    /// counts, after it only `+`/`-` lines; the lines it reads for other
    /// purposes (file names, hunk headers, `Fixes:`) never count.
    ///
    /// Most lines match no pattern, and asking the sets about each line
    /// costs more in set-up than in matching; so the text is searched
    /// whole by the finder, and only the lines its matches end on are
    /// asked (see [`lines_found`]). No line that matches is missed: its
    /// match is also a match in the whole text (`\b`, `^` and `$` see the
    /// same neighbours).
    fn keyword_hits(&self, content: &str) -> Vec<Origin> {
        let Some(keywords) = &self.keywords else {
            return Vec::new();
        };
        let diff_start = first_file_line(content);
        let mut found = vec![false; self.keyword_origins.len()];
        lines_found(&keywords.finder, content, |start, line| {
            if !matches!(perl_branch(line), Branch::Text) {
                return;
            }
            let set = if start < diff_start {
                &keywords.intro
            } else if line.starts_with(['+', '-']) {
                &keywords.in_diff
            } else {
                return;
            };
            for id in set.matches(line.as_bytes()).iter() {
                if let Some(slot) = found.get_mut(id) {
                    *slot = true;
                }
            }
        });
        self.origins_of(&found)
    }

    fn origins_of(&self, found: &[bool]) -> Vec<Origin> {
        found
            .iter()
            .zip(&self.keyword_origins)
            .filter_map(|(&hit, &origin)| hit.then_some(origin))
            .collect()
    }

    /// The line-by-line reading [`Index::keyword_hits`] must equal.
    #[cfg(test)]
    pub(crate) fn keyword_hits_by_line(&self, content: &str) -> Vec<usize> {
        let Some(keywords) = &self.keywords else {
            return Vec::new();
        };
        let mut found = Vec::new();
        let mut in_patch = false;
        for line in content.split_inclusive('\n') {
            match perl_branch(line) {
                Branch::FileLine => {
                    in_patch = true;
                    continue;
                }
                Branch::Other => continue,
                Branch::Text => {}
            }
            let set = if in_patch {
                &keywords.in_diff
            } else {
                &keywords.intro
            };
            found.extend(set.matches(line.as_bytes()).iter());
        }
        found.sort_unstable();
        found.dedup();
        found
    }

    /// [`Index::keyword_hits`] as set indexes, for the tests.
    #[cfg(test)]
    pub(crate) fn keyword_ids(&self, content: &str) -> Vec<usize> {
        let hits = self.keyword_hits(content);
        (0..self.keyword_origins.len())
            .filter(|&id| {
                let origin = self.keyword_origins[id];
                hits.iter()
                    .any(|h| h.section == origin.section && h.index == origin.index)
            })
            .collect()
    }
}

/// Calls `visit` with the lines of `content` worth asking: each line on
/// which the earliest-ending match of `finder` from there ends, searching
/// again from the next line. A line that matches alone has its match end
/// on it, and that match is one in the whole text, so the earliest end
/// from any earlier line start lies on that line or before: no line that
/// matches is passed over. Only the end is needed, so the search is the
/// forward pass alone (`shortest_match_at`), without the reverse pass a
/// match's start takes.
fn lines_found(finder: &regex::bytes::Regex, content: &str, mut visit: impl FnMut(usize, &str)) {
    let bytes = content.as_bytes();
    let mut from = 0;
    while from < bytes.len() {
        let Some(end_of_match) = finder.shortest_match_at(bytes, from) else {
            break;
        };
        // The match's last byte; an empty match's own place.
        let at = end_of_match
            .saturating_sub(1)
            .max(from)
            .min(bytes.len() - 1);
        let start = memchr::memrchr(b'\n', &bytes[from..at]).map_or(from, |nl| from + nl + 1);
        let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |nl| at + nl + 1);
        // Line starts and ends are character boundaries.
        if let Some(line) = content.get(start..end) {
            visit(start, line);
        }
        from = end;
    }
}

/// Where get_maintainer's patch part starts: the first `+++ `/`--- ` file
/// line (the text's length when there is none).
fn first_file_line(content: &str) -> usize {
    let bytes = content.as_bytes();
    let mut start = 0;
    while start < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |nl| start + nl + 1);
        if matches!(bytes[start], b'+' | b'-')
            && let Some(line) = content.get(start..end)
            && matches!(perl_branch(line), Branch::FileLine)
        {
            return start;
        }
        start = end;
    }
    content.len()
}

/// Which branch of get_maintainer's patch loop a line takes.
enum Branch {
    /// `+++ X` or `--- X`: a file, and the diff starts.
    FileLine,
    /// Read for something else (mode change, rename, diff header, Fixes:,
    /// hunk header): no keyword matching.
    Other,
    /// Matched against the keywords.
    Text,
}

/// Perl's `\s`, on one character.
fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// `\S+` then `\s*$`: one word and nothing after it but whitespace.
fn one_word(rest: &str) -> bool {
    let word_end = rest.find(is_space).unwrap_or(rest.len());
    word_end > 0 && rest[word_end..].chars().all(is_space)
}

/// get_maintainer's tests, in its order (`m/^ mode change [0-7]+ => [0-7]+
/// (\S+)\s*$/`, `m/^rename (?:from|to) (\S+)\s*$/`, `m/^diff --git a\/(\S+)
/// b\/(\S+)\s*$/`, `m/^Fixes:\s+([0-9a-fA-F]{6,40})/`, `m/^\+\+\+\s+(\S+)/`
/// or `m/^---\s+(\S+)/`, `m/^\@\@ -(\d+),(\d+)/`), written out by hand.
fn perl_branch(line: &str) -> Branch {
    let digits =
        |s: &str, set: fn(char) -> bool| -> usize { s.find(|c: char| !set(c)).unwrap_or(s.len()) };
    if let Some(rest) = line.strip_prefix(" mode change ") {
        let octal = |c: char| ('0'..='7').contains(&c);
        let n = digits(rest, octal);
        if n > 0
            && let Some(rest) = rest[n..].strip_prefix(" => ")
        {
            let m = digits(rest, octal);
            if m > 0 && rest[m..].strip_prefix(' ').is_some_and(one_word) {
                return Branch::Other;
            }
        }
    }
    if let Some(rest) = line
        .strip_prefix("rename from ")
        .or_else(|| line.strip_prefix("rename to "))
        && one_word(rest)
    {
        return Branch::Other;
    }
    if let Some(rest) = line.strip_prefix("diff --git a/") {
        let first_end = rest.find(is_space).unwrap_or(rest.len());
        if first_end > 0 && rest[first_end..].strip_prefix(" b/").is_some_and(one_word) {
            return Branch::Other;
        }
    }
    if let Some(rest) = line.strip_prefix("Fixes:") {
        let after = rest.trim_start_matches(is_space);
        if after.len() < rest.len() && digits(after, |c| c.is_ascii_hexdigit()) >= 6 {
            return Branch::Other;
        }
    }
    for marker in ["+++", "---"] {
        if let Some(rest) = line.strip_prefix(marker) {
            let after = rest.trim_start_matches(is_space);
            if after.len() < rest.len() && !after.is_empty() {
                return Branch::FileLine;
            }
        }
    }
    if let Some(rest) = line.strip_prefix("@@ -") {
        let n = digits(rest, |c| c.is_ascii_digit());
        if n > 0
            && let Some(rest) = rest[n..].strip_prefix(',')
            && digits(rest, |c| c.is_ascii_digit()) > 0
        {
            return Branch::Other;
        }
    }
    Branch::Text
}

/// `K:` patterns on bytes in ASCII mode, as Perl matches undecoded text;
/// in Unicode mode when a pattern needs it (`\p{L}`).
fn bytes_set(patterns: &[String]) -> Result<regex::bytes::RegexSet, regex::Error> {
    let build = |unicode| {
        regex::bytes::RegexSetBuilder::new(patterns)
            .unicode(unicode)
            .size_limit(64 << 20)
            .build()
    };
    build(false).or_else(|_| build(true))
}

/// [`bytes_set`] for one pattern.
fn bytes_regex(pattern: &str) -> Result<regex::bytes::Regex, regex::Error> {
    let build = |unicode| {
        regex::bytes::RegexBuilder::new(pattern)
            .unicode(unicode)
            .size_limit(64 << 20)
            .build()
    };
    build(false).or_else(|_| build(true))
}

/// A set of the patterns; big enough for every K: of the kernel's file.
fn build_set(patterns: &[String]) -> Result<RegexSet, regex::Error> {
    RegexSetBuilder::new(patterns).size_limit(64 << 20).build()
}

/// The set of `patterns`, or `None` with a warning when there are none or
/// they do not fit in one set (each compiles alone, but together they are
/// too big).
fn set_or_warn(
    patterns: &[String],
    letter: &str,
    path: &str,
    warnings: &mut Vec<String>,
) -> Option<RegexSet> {
    if patterns.is_empty() {
        return None;
    }
    match build_set(patterns) {
        Ok(set) => Some(set),
        Err(e) => {
            warnings.push(format!(
                "{path}: every {letter}: pattern ignored: {}",
                super::regex_reason(&e)
            ));
            None
        }
    }
}

/// The pending regexes whose `wrap`ped form compiles; the others are
/// warnings. One set of all is built first, and returned when it builds:
/// only when it fails is each pattern compiled alone to find the bad ones.
fn compile_valid(
    pending: Vec<PendingRegex>,
    wrap: impl Fn(&str) -> String,
    letter: &str,
    path: &str,
    warnings: &mut Vec<String>,
) -> (Vec<PendingRegex>, Option<RegexSet>) {
    let wrapped: Vec<String> = pending.iter().map(|p| wrap(&p.value)).collect();
    if pending.is_empty() {
        return (pending, None);
    }
    if let Ok(set) = build_set(&wrapped) {
        return (pending, Some(set));
    }
    let valid = pending
        .into_iter()
        .zip(wrapped)
        .filter_map(|(p, pattern)| match regex::Regex::new(&pattern) {
            Ok(_) => Some(p),
            Err(e) => {
                warnings.push(format!(
                    "{path}:{}: {letter}: unusable regular expression {:?}: {}",
                    p.line,
                    p.value,
                    super::regex_reason(&e)
                ));
                None
            }
        })
        .collect();
    (valid, None)
}

/// Moves checked regexes into their sections' lists; returns their values
/// and origins in set order.
fn place(
    checked: Vec<PendingRegex>,
    sections: &mut [Section],
    list: impl Fn(&mut Section) -> &mut Vec<String>,
) -> (Vec<String>, Vec<Origin>) {
    let mut values = Vec::with_capacity(checked.len());
    let mut origins = Vec::with_capacity(checked.len());
    for PendingRegex {
        section,
        line,
        value,
    } in checked
    {
        let Some(entry) = sections.get_mut(section) else {
            continue;
        };
        let list = list(entry);
        list.push(value.clone());
        origins.push(Origin {
            section,
            index: list.len() - 1,
            line,
        });
        values.push(value);
    }
    (values, origins)
}
