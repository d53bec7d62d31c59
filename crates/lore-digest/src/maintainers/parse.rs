//! Reading the MAINTAINERS file into sections, as get_maintainer.pl does.
//!
//! A section is a name line followed by `X: value` tag lines. Blank lines
//! and `#` comments are skipped and do not end a section (get_maintainer
//! drops them before it looks for sections); a line that is not a tag line
//! starts the next section when a tag line follows it. Everything before
//! the first section (the file's introduction, whose tag examples are
//! indented) is not a section. Problems are warnings with `FILE:LINE:`; the
//! line is skipped and reading goes on.

use super::Section;
use super::pattern::FilePattern;
use crate::mail::{Person, parse_address};

/// A compiled `F:` or `X:` pattern and where it came from.
pub(crate) struct ParsedPattern {
    pub(crate) pattern: FilePattern,
    pub(crate) section: usize,
    /// Index in the section's `files` (or `excludes` when `exclude`).
    pub(crate) index: usize,
    pub(crate) line: usize,
    pub(crate) exclude: bool,
}

/// An `N:` or `K:` regex, not yet checked (they are compiled together).
pub(crate) struct PendingRegex {
    pub(crate) section: usize,
    pub(crate) line: usize,
    pub(crate) value: String,
}

/// What one pass over the file gives.
#[derive(Default)]
pub(crate) struct Parsed {
    pub(crate) sections: Vec<Section>,
    pub(crate) patterns: Vec<ParsedPattern>,
    pub(crate) names: Vec<PendingRegex>,
    pub(crate) keywords: Vec<PendingRegex>,
    pub(crate) warnings: Vec<String>,
}

/// The tag of a line `X:…` (an ASCII capital and a colon), with its value
/// (leading and trailing whitespace removed).
fn tag_line(line: &str) -> Option<(u8, &str)> {
    match line.as_bytes() {
        [tag @ b'A'..=b'Z', b':', ..] => Some((*tag, line[2..].trim())),
        _ => None,
    }
}

/// Looks like a tag gone wrong inside a section: indented, or a lower-case
/// letter and a colon (`f: drivers/`). A section name is neither.
fn is_malformed_tag(line: &str) -> bool {
    line.starts_with(char::is_whitespace) || matches!(line.as_bytes(), [b'a'..=b'z', b':', ..])
}

/// The person of an `M:`/`R:` value. Most are a plain `Name <address>`
/// (or a bare address), taken apart here; anything with quoting, encoded
/// words, comments or other characters goes to the mail parser
/// ([`parse_address`], 10 µs a call: 4,700 calls were most of a parse).
fn person(value: &str) -> Option<Person> {
    let plain_name = |name: &str| {
        name.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b' ' | b'-' | b'\'' | b'.'))
    };
    let plain_address = |address: &str| {
        let at = address.bytes().filter(|&b| b == b'@').count();
        at == 1
            && address
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'@' | b'.' | b'-' | b'_' | b'+'))
    };
    let fast = match value.strip_suffix('>').and_then(|v| v.split_once('<')) {
        Some((name, address)) if plain_name(name) && plain_address(address) => {
            Some(Person::new(name, address))
        }
        None if plain_address(value) => Some(Person::new("", value)),
        _ => None,
    };
    fast.or_else(|| parse_address(value))
}

/// Reads every section of `text`; `path` names the file in warnings.
pub(crate) fn parse(text: &str, path: &str) -> Parsed {
    let mut parsed = Parsed::default();
    // The section tag lines go to, and the name line waiting for its first tag.
    let mut current: Option<usize> = None;
    let mut pending: Option<(usize, &str)> = None;
    for (number, line) in text.lines().enumerate() {
        let number = number + 1;
        let line = line.trim_end();
        let warn = |parsed: &mut Parsed, message: String| {
            parsed.warnings.push(format!("{path}:{number}: {message}"));
        };
        if line.is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if let Some((tag, value)) = tag_line(line) {
            let section = match (current, pending.take()) {
                (Some(section), _) => section,
                (None, Some((name_line, name))) => {
                    parsed.sections.push(Section::new(name, name_line));
                    let section = parsed.sections.len() - 1;
                    current = Some(section);
                    section
                }
                (None, None) => {
                    warn(
                        &mut parsed,
                        format!("{}: tag line before any section name", tag as char),
                    );
                    continue;
                }
            };
            if let Err(message) = add_tag(&mut parsed, section, number, tag, value) {
                warn(&mut parsed, message);
            }
        } else if current.is_some() && is_malformed_tag(line) {
            warn(
                &mut parsed,
                format!("not a tag line (`X: value`), skipped: {line:?}"),
            );
        } else {
            if let Some((name_line, name)) = pending.take()
                && !parsed.sections.is_empty()
            {
                parsed.warnings.push(format!(
                    "{path}:{name_line}: no tag line follows {name:?}: not a section"
                ));
            }
            current = None;
            pending = Some((number, line));
        }
    }
    if let Some((name_line, name)) = pending
        && !parsed.sections.is_empty()
    {
        parsed.warnings.push(format!(
            "{path}:{name_line}: no tag line follows {name:?}: not a section"
        ));
    }
    parsed
}

/// Adds one tag line to a section; the error is the warning's text.
fn add_tag(
    parsed: &mut Parsed,
    section: usize,
    line: usize,
    tag: u8,
    value: &str,
) -> Result<(), String> {
    let letter = tag as char;
    if !b"MRLSWQBCPTFXNK".contains(&tag) {
        return Err(format!("unknown tag {letter}:, line skipped"));
    }
    if value.is_empty() {
        return Err(format!("{letter}: without a value"));
    }
    let Some(entry) = parsed.sections.get_mut(section) else {
        return Ok(());
    };
    match tag {
        b'M' | b'R' => {
            let person =
                person(value).ok_or_else(|| format!("{letter}: no mail address in {value:?}"))?;
            if tag == b'M' {
                entry.maintainers.push(person);
            } else {
                entry.reviewers.push(person);
            }
        }
        b'L' => {
            // `list@host (moderated for non-subscribers)`: the address is
            // the first word, as get_maintainer takes it.
            let address = value.split_whitespace().next().unwrap_or(value);
            entry.lists.push(address.to_lowercase());
        }
        b'S' => entry.status = Some(value.to_string()),
        b'W' => entry.web.push(value.to_string()),
        b'Q' => entry.patchwork.push(value.to_string()),
        b'B' => entry.bugs.push(value.to_string()),
        b'C' => entry.chat.push(value.to_string()),
        b'P' => entry.profile.push(value.to_string()),
        b'T' => entry.trees.push(value.to_string()),
        b'F' | b'X' => {
            let pattern = FilePattern::new(value)
                .map_err(|reason| format!("{letter}: unusable pattern {value:?}: {reason}"))?;
            let exclude = tag == b'X';
            let list = if exclude {
                &mut entry.excludes
            } else {
                &mut entry.files
            };
            list.push(value.to_string());
            parsed.patterns.push(ParsedPattern {
                pattern,
                section,
                index: list.len() - 1,
                line,
                exclude,
            });
        }
        _ => {
            let pending = PendingRegex {
                section,
                line,
                value: value.to_string(),
            };
            if tag == b'N' {
                parsed.names.push(pending);
            } else {
                parsed.keywords.push(pending);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SNIPPET: &str = "\
List of maintainers
===================

\tM: *Mail* patches to: FullName <address@domain>
\tF: *Files* and directories

Maintainers List
----------------

HYPER-V/AZURE CORE AND DRIVERS
M:\tAnn Author <Ann@Example.org>
R:\tRev Iewer <rev@example.org>
L:\tlinux-hyperv@vger.kernel.org
L:\tMod-List@lists.example.org (moderated for non-subscribers)
S:\tSupported
T:\tgit git://git.example.org/hyperv.git
F:\tdrivers/hv/
X:\tdrivers/hv/skip.c
N:\thyperv
K:\tvmbus

# a comment inside a section is skipped
F:\tinclude/linux/hyperv.h

THE REST
M:\tLinus <torvalds@example.org>
S:\tBuried alive in reporters
F:\t*
F:\t*/
";

    #[test]
    fn sections_tags_and_no_preamble() {
        let parsed = parse(SNIPPET, "M");
        assert_eq!(parsed.warnings, Vec::<String>::new());
        assert_eq!(parsed.sections.len(), 2);
        let hv = &parsed.sections[0];
        assert_eq!(hv.name, "HYPER-V/AZURE CORE AND DRIVERS");
        assert_eq!(hv.line, 10);
        assert_eq!(hv.status.as_deref(), Some("Supported"));
        assert_eq!(hv.maintainers[0].email, "ann@example.org");
        assert_eq!(hv.maintainers[0].name, "Ann Author");
        assert_eq!(hv.reviewers[0].email, "rev@example.org");
        assert_eq!(
            hv.lists,
            ["linux-hyperv@vger.kernel.org", "mod-list@lists.example.org"]
        );
        assert_eq!(hv.trees, ["git git://git.example.org/hyperv.git"]);
        // Blank and comment lines do not end a section (get_maintainer drops them).
        assert_eq!(hv.files, ["drivers/hv/", "include/linux/hyperv.h"]);
        assert_eq!(hv.excludes, ["drivers/hv/skip.c"]);
        assert_eq!(parsed.names[0].value, "hyperv");
        assert_eq!(parsed.keywords[0].value, "vmbus");
        assert_eq!(parsed.sections[1].files, ["*", "*/"]);
        assert_eq!(parsed.patterns.len(), 5);
        assert!(parsed.patterns[1].exclude);
    }

    #[test]
    fn unknown_tags_malformed_lines_and_bad_patterns_are_warnings() {
        let text = "\
A SECTION
M:\tNo Address Here
Z:\tsomething
F:\tdrivers/a/
\tcontinued line
f:\tlower/case/
F:\tdrivers/[b
F:
F:\tdrivers/c/

STRAY TEXT

B SECTION
F:\tb/
";
        let parsed = parse(text, "MAINTAINERS");
        assert_eq!(
            parsed.warnings,
            [
                "MAINTAINERS:2: M: no mail address in \"No Address Here\"",
                "MAINTAINERS:3: unknown tag Z:, line skipped",
                "MAINTAINERS:5: not a tag line (`X: value`), skipped: \"\\tcontinued line\"",
                "MAINTAINERS:6: not a tag line (`X: value`), skipped: \"f:\\tlower/case/\"",
                "MAINTAINERS:7: F: unusable pattern \"drivers/[b\": invalid regular expression: unclosed character class",
                "MAINTAINERS:8: F: without a value",
                "MAINTAINERS:11: no tag line follows \"STRAY TEXT\": not a section",
            ]
        );
        assert_eq!(parsed.sections.len(), 2);
        assert_eq!(parsed.sections[0].files, ["drivers/a/", "drivers/c/"]);
        assert!(parsed.sections[0].maintainers.is_empty());
        assert_eq!(parsed.sections[1].name, "B SECTION");
    }

    #[test]
    fn a_name_line_right_after_a_section_starts_the_next() {
        let parsed = parse("A\nF:\ta/\nB\nF:\tb/\n", "M");
        assert!(parsed.warnings.is_empty());
        let names: Vec<_> = parsed.sections.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["A", "B"]);
    }

    #[test]
    fn a_tag_line_with_no_name_before_it() {
        let parsed = parse("F:\ta/\n\nA\nF:\tb/\n", "M");
        assert_eq!(
            parsed.warnings,
            ["M:1: F: tag line before any section name"]
        );
        assert_eq!(parsed.sections.len(), 1);
    }

    #[test]
    fn plain_addresses_read_as_the_mail_parser_reads_them() {
        let values = [
            "Ann Author <Ann@Example.org>",
            "ann@example.org",
            "Ann B. O'Author-Smith <ann.b+lkml@mail.example.org>",
            "\"K. Y. Srinivasan\" <kys@microsoft.com>",
            "=?utf-8?q?Zo=C3=AB?= <zoe@example.org>",
            "Jörg Rödel <joro@8bytes.org>",
            "Name (comment) <a@b.org>",
            "no address",
        ];
        for value in values {
            assert_eq!(person(value), parse_address(value), "{value}");
        }
        let real = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/maintainers/MAINTAINERS"
        );
        let Ok(text) = std::fs::read_to_string(real) else {
            eprintln!("skipped the real file: {real} is absent (the shared test data)");
            return;
        };
        for value in text
            .lines()
            .filter_map(|l| l.strip_prefix("M:").or(l.strip_prefix("R:")))
        {
            assert_eq!(person(value.trim()), parse_address(value.trim()), "{value}");
        }
    }

    #[test]
    fn crlf_and_no_section() {
        let parsed = parse("A\r\nF:\ta/\r\n", "M");
        assert_eq!(parsed.sections[0].files, ["a/"]);
        assert!(
            parse("just\ntext\n\n\tM: indented\n", "M")
                .sections
                .is_empty()
        );
    }
}
