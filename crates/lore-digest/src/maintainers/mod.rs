//! The kernel's MAINTAINERS file: its sections, and which of them a patch
//! belongs to, by the rules of the kernel's `scripts/get_maintainer.pl`.
//!
//! * [`parse`](self::parse) reads the sections (a name line, then `X: value`
//!   tag lines);
//! * `pattern` compiles one `F:`/`X:` file pattern (globs `*`, `?`, `[…]`);
//! * `matching` indexes every pattern once and maps paths and patch text to
//!   sections.
//!
//! ```no_run
//! use lore_digest::maintainers::Maintainers;
//! use lore_digest::mail::touched_files;
//!
//! let (maintainers, warnings) = Maintainers::read("MAINTAINERS".as_ref())?;
//! # let body = "";
//! let files = touched_files(body);
//! for m in maintainers.sections_for(&files, Some(body)) {
//!     println!("{}", maintainers.sections()[m.section].name);
//! }
//! # Ok::<(), lore_digest::Error>(())
//! ```

mod matching;
mod parse;
mod pattern;
#[cfg(test)]
mod tests;

use std::path::Path;

use crate::Error;
use crate::mail::Person;

/// One section of MAINTAINERS, with its tags as written (patterns that do
/// not compile left out, with a warning).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Section {
    /// The name line (`HYPER-V/AZURE CORE AND DRIVERS`).
    pub name: String,
    /// The 1-based line number of the name in the file.
    pub line: usize,
    /// `S:`, the status (`Supported`, `Maintained`, `Odd Fixes`, …); the
    /// last one when there are several, as get_maintainer takes it.
    pub status: Option<String>,
    /// `M:` maintainers.
    pub maintainers: Vec<Person>,
    /// `R:` designated reviewers.
    pub reviewers: Vec<Person>,
    /// `L:` mailing lists, the address only (lower-cased, without notes
    /// such as "(moderated for non-subscribers)").
    pub lists: Vec<String>,
    /// `F:` file patterns.
    pub files: Vec<String>,
    /// `X:` excluded file patterns.
    pub excludes: Vec<String>,
    /// `N:` regular expressions on file paths.
    pub names: Vec<String>,
    /// `K:` regular expressions on patch content.
    pub keywords: Vec<String>,
    /// `T:` source trees (`git git://… branch`).
    pub trees: Vec<String>,
    /// `W:` web pages.
    pub web: Vec<String>,
    /// `Q:` patchwork queues.
    pub patchwork: Vec<String>,
    /// `B:` where to report bugs.
    pub bugs: Vec<String>,
    /// `C:` chat.
    pub chat: Vec<String>,
    /// `P:` the subsystem profile (how to submit patches).
    pub profile: Vec<String>,
}

impl Section {
    fn new(name: &str, line: usize) -> Section {
        Section {
            name: name.to_string(),
            line,
            ..Section::default()
        }
    }
}

/// What made a section cover a patch: the line that decided its specificity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum How {
    /// `F:` pattern `section.files[pattern]` covers `files[file]`.
    File {
        /// Index into the files passed to [`Maintainers::sections_for`].
        file: usize,
        /// Index into [`Section::files`].
        pattern: usize,
    },
    /// `N:` regex `section.names[pattern]` matches `files[file]`.
    Name {
        /// Index into the files passed to [`Maintainers::sections_for`].
        file: usize,
        /// Index into [`Section::names`].
        pattern: usize,
    },
    /// Only `K:` regex `section.keywords[pattern]` matched, in the content.
    Keyword {
        /// Index into [`Section::keywords`].
        pattern: usize,
    },
}

/// A section that covers a patch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectionMatch {
    /// Index into [`Maintainers::sections`].
    pub section: usize,
    /// The match that gave `specificity`.
    pub how: How,
    /// get_maintainer's ordering value for the section, the highest over
    /// the files: the number of `/` in the matching `F:` pattern, plus one
    /// when it does not end in `/` (`drivers/hv/` 2, `include/linux/hyperv.h`
    /// 3), -1 when it starts with `*`, 0 for an `N:` match. Per file, the
    /// last `F:`/`N:` line of the section that matches gives it, as in
    /// get_maintainer. `None` when only `K:` matched.
    pub specificity: Option<i32>,
    /// Indexes of the files the section covers, ascending.
    pub files: Vec<usize>,
    /// Indexes into [`Section::keywords`] of the `K:` patterns the content matched.
    pub keywords: Vec<usize>,
}

/// A parsed MAINTAINERS file, compiled for matching.
#[derive(Debug)]
pub struct Maintainers {
    sections: Vec<Section>,
    index: matching::Index,
}

impl Maintainers {
    /// Reads and parses a MAINTAINERS file. Returns it with the warnings
    /// (`FILE:LINE: …`) about lines that were skipped.
    pub fn read(path: &Path) -> Result<(Maintainers, Vec<String>), Error> {
        let bytes = std::fs::read(path).map_err(|source| Error::UnreadableMap {
            path: path.to_path_buf(),
            source,
        })?;
        let text = String::from_utf8_lossy(&bytes);
        Maintainers::parse(&text, &path.display().to_string())
    }

    /// Parses MAINTAINERS text; `path` names it in warnings and errors.
    /// A text without any section is an error.
    pub fn parse(text: &str, path: &str) -> Result<(Maintainers, Vec<String>), Error> {
        let mut parsed = parse::parse(text, path);
        if parsed.sections.is_empty() {
            return Err(Error::NoMaintainersSections { path: path.into() });
        }
        let index = matching::Index::build(&mut parsed, path);
        let maintainers = Maintainers {
            sections: parsed.sections,
            index,
        };
        Ok((maintainers, parsed.warnings))
    }

    /// Every section, in file order.
    pub fn sections(&self) -> &[Section] {
        &self.sections
    }

    /// The sections covering a patch that touches `files` (paths from the
    /// top of the tree, as [`crate::mail::touched_files`] gives them) and
    /// whose text is `content` (commit message and diff, for `K:`; `None`
    /// to match on paths only).
    ///
    /// Sorted by [`SectionMatch::specificity`], highest first, then those
    /// matched by `K:` alone; ties in file order. An `X:` pattern that
    /// covers a file keeps its section from matching that file by `F:` or `N:`.
    pub fn sections_for<S: AsRef<str>>(
        &self,
        files: &[S],
        content: Option<&str>,
    ) -> Vec<SectionMatch> {
        self.index.sections_for(files, content)
    }
}

/// A section a patch mail touches, as the mail parser records it (see
/// [`crate::mail::MailParser::with_maintainers`]): small, since a whole
/// archive's patches keep one per section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PatchSection {
    /// Index into [`Maintainers::sections`].
    pub section: u32,
    /// [`SectionMatch::specificity`]: `None` when only `K:` matched.
    pub specificity: Option<i32>,
    /// The section is `S: Maintained` or `Supported`, has maintainers or
    /// lists, and the mail's To, Cc and From name none of them.
    pub missed_cc: bool,
}

impl Maintainers {
    /// The sections a patch mail touches, most specific first: from the
    /// files its diff touches and `K:` on `body`. `recipients` are its
    /// To, Cc and From, for [`PatchSection::missed_cc`].
    pub fn patch_sections(
        &self,
        body: &str,
        recipients: &Recipients,
        cache: &mut PathCache,
    ) -> Vec<PatchSection> {
        // Per file, then merged as `sections_for` merges files: each section
        // keeps its highest specificity; those `K:` alone finds come last.
        let mut best: Vec<(usize, Option<i32>)> = Vec::new();
        for file in crate::mail::touched_files(body) {
            let found = cache.entry(file).or_insert_with_key(|file| {
                self.sections_for(&[file.as_str()], None)
                    .into_iter()
                    .map(|m| (m.section, m.specificity))
                    .collect()
            });
            for &(section, specificity) in found.iter() {
                match best.iter_mut().find(|(s, _)| *s == section) {
                    Some(slot) => slot.1 = slot.1.max(specificity),
                    None => best.push((section, specificity)),
                }
            }
        }
        for m in self.sections_for(&[] as &[&str], Some(body)) {
            if !best.iter().any(|(s, _)| *s == m.section) {
                best.push((m.section, None));
            }
        }
        best.sort_by_key(|&(section, specificity)| (std::cmp::Reverse(specificity), section));
        best.into_iter()
            .map(|(index, specificity)| {
                let section = &self.sections[index];
                PatchSection {
                    section: u32::try_from(index).unwrap_or(u32::MAX),
                    specificity,
                    missed_cc: section.wants_cc() && !section.named_in(recipients),
                }
            })
            .collect()
    }
}

/// The sections of each file path seen so far (a reader thread's own):
/// the same files come back in patch after patch.
pub type PathCache = std::collections::HashMap<String, Vec<(usize, Option<i32>)>>;

impl Section {
    /// Whether a patch should reach this section's people: its status is
    /// `Maintained` or `Supported` and it names someone or a list.
    pub fn wants_cc(&self) -> bool {
        // `Maintained (Book3S 64-bit)`: the first word is the status.
        let status = self
            .status
            .as_deref()
            .and_then(|s| s.split_whitespace().next());
        let kept = status.is_some_and(|status| {
            ["maintained", "supported"]
                .iter()
                .any(|s| status.eq_ignore_ascii_case(s))
        });
        kept && !(self.maintainers.is_empty() && self.lists.is_empty())
    }

    /// Whether one of `addresses` (lower-cased) is a maintainer or a list
    /// of the section.
    pub fn named_in(&self, recipients: &Recipients) -> bool {
        self.maintainers.iter().any(|m| recipients.names(&m.email))
            || self.lists.iter().any(|l| recipients.names(l))
    }
}

/// Whom a patch went to and came from: its To and Cc header lines and
/// its From addresses, lower-cased, as one text. An address is named when
/// it appears whole, between the characters that delimit addresses in a
/// header (so `ys@x.org` is not named by `kys@x.org`); a patch's dozens
/// of recipients need no parse for the handful of addresses asked about.
#[derive(Debug, Default, Clone)]
pub struct Recipients(String);

impl Recipients {
    /// From header lines (`To: A <a@x.org>, b@y.org`, folded or not).
    pub fn from_headers(text: &str) -> Recipients {
        Recipients(text.to_ascii_lowercase())
    }

    /// Adds one address.
    pub fn add(&mut self, address: &str) {
        self.0.push_str(",\n");
        self.0.push_str(&address.to_ascii_lowercase());
    }

    /// Whether `address` is named (case aside).
    pub fn names(&self, address: &str) -> bool {
        let address = address.trim().to_ascii_lowercase();
        if address.is_empty() {
            return false;
        }
        let text = self.0.as_bytes();
        let opens = |b: u8| matches!(b, b'<' | b',' | b':' | b';' | b'(' | b' ' | b'\t' | b'\n');
        let closes = |b: u8| matches!(b, b'>' | b',' | b';' | b')' | b' ' | b'\t' | b'\r' | b'\n');
        memchr::memmem::find_iter(text, address.as_bytes()).any(|at| {
            let end = at + address.len();
            (at == 0 || opens(text[at - 1])) && text.get(end).is_none_or(|&b| closes(b))
        })
    }
}

impl<S: AsRef<str>> FromIterator<S> for Recipients {
    fn from_iter<I: IntoIterator<Item = S>>(addresses: I) -> Recipients {
        let mut recipients = Recipients::default();
        for address in addresses {
            recipients.add(address.as_ref());
        }
        recipients
    }
}

/// A regex error in one line (the crate's own message spans several).
fn regex_reason(error: &regex::Error) -> String {
    match error {
        regex::Error::Syntax(message) => {
            let last = message.lines().last().unwrap_or(message);
            let reason = last.strip_prefix("error: ").unwrap_or(last);
            format!("invalid regular expression: {reason}")
        }
        regex::Error::CompiledTooBig(limit) => {
            format!("regular expression too big (over {limit} bytes compiled)")
        }
        other => other.to_string(),
    }
}
