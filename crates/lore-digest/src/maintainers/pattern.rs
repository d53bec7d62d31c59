//! One `F:` or `X:` file pattern, compiled once, as get_maintainer.pl reads it.
//!
//! get_maintainer turns a pattern into a regular expression (`.` → `\.`,
//! `*` → `.*`, `?` → `.`) and matches it at the start of the path only, so
//! the last component of a pattern is a prefix: `F: drivers/hv/hv.c` also
//! covers `drivers/hv/hv.c.orig`. A pattern that does not end in `/` must
//! then have as many `/` as the path (`*` cannot reach a deeper level); one
//! that ends in `/` covers everything below it (and there `*` crosses `/`).
//!
//! Most patterns are literal paths, the rest globs with `*`, `?` and
//! character classes such as `[ch]`: those are matched here without a
//! regex engine, which keeps 1,400 of them cheap to build. A pattern using
//! any other regex syntax (`\`, `+`, `(`, `{`, `|`, …) gets a real regex.

/// One step of a glob.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    /// A character that must be there.
    Char(char),
    /// `?`: any one character.
    Any,
    /// `*`: any run of characters, `/` included.
    Star,
    /// `[…]`: one character of the class (or not of it, when negated).
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

/// How a compiled pattern tests a path.
#[derive(Debug)]
enum Matcher {
    /// No glob or regex syntax: a plain prefix.
    Literal,
    /// Globs after the literal prefix.
    Glob(Vec<Token>),
    /// get_maintainer's regex, for syntax the glob matcher does not cover.
    Regex(regex::Regex),
}

/// A compiled `F:`/`X:` pattern.
#[derive(Debug)]
pub(crate) struct FilePattern {
    /// What a matching path must start with (the whole pattern when literal).
    prefix: Box<str>,
    matcher: Matcher,
    /// `/` in the pattern, compared with the path's when `!dir`.
    slashes: usize,
    /// Ends in `/`: covers everything below.
    dir: bool,
    /// get_maintainer's ordering value (`$value_pd`): the number of `/`, one
    /// more when the pattern does not end in `/`, -1 when it starts with `*`.
    depth: i32,
}

/// Characters that make a pattern a regular expression get_maintainer would
/// interpret (beyond `*`, `?` and simple classes).
const REGEX_SYNTAX: &[char] = &['\\', '+', '(', ')', '{', '}', '|', '^', '$'];

impl FilePattern {
    /// Compiles a pattern as written after `F:`/`X:`; the error says why it
    /// cannot be used (get_maintainer itself would die on it).
    pub(crate) fn new(pattern: &str) -> Result<FilePattern, String> {
        if pattern.is_empty() {
            return Err("empty pattern".to_string());
        }
        let slashes = pattern.bytes().filter(|&b| b == b'/').count();
        let dir = pattern.ends_with('/');
        let mut depth = i32::try_from(slashes).unwrap_or(i32::MAX);
        if !dir {
            depth = depth.saturating_add(1);
        }
        if pattern.starts_with('*') {
            depth = -1;
        }
        let literal_end = pattern
            .find(|c| matches!(c, '*' | '?' | '[' | ']') || REGEX_SYNTAX.contains(&c))
            .unwrap_or(pattern.len());
        let (prefix, matcher) = if literal_end == pattern.len() {
            (pattern, Matcher::Literal)
        } else if pattern.contains(REGEX_SYNTAX) {
            (regex_prefix(pattern), Matcher::Regex(perl_regex(pattern)?))
        } else {
            let (prefix, rest) = pattern.split_at(literal_end);
            match glob_tokens(rest) {
                Some(tokens) => (prefix, Matcher::Glob(tokens)),
                // A class the glob matcher does not know: let the regex
                // engine read it as get_maintainer's Perl would.
                None => (regex_prefix(pattern), Matcher::Regex(perl_regex(pattern)?)),
            }
        };
        Ok(FilePattern {
            prefix: prefix.into(),
            matcher,
            slashes,
            dir,
            depth,
        })
    }

    /// The literal start every matching path has; the index is keyed by it.
    pub(crate) fn prefix(&self) -> &str {
        &self.prefix
    }

    /// A literal pattern (no glob): it may name a directory without its `/`.
    pub(crate) fn is_literal(&self) -> bool {
        matches!(self.matcher, Matcher::Literal)
    }

    /// Whether the pattern ends in `/`.
    pub(crate) fn is_dir(&self) -> bool {
        self.dir
    }

    /// get_maintainer's ordering value of a match by this pattern.
    pub(crate) fn depth(&self) -> i32 {
        self.depth
    }

    /// Whether the pattern covers `path`, which has `path_slashes` `/`.
    pub(crate) fn matches(&self, path: &str, path_slashes: usize) -> bool {
        let same_depth = self.dir || path_slashes == self.slashes;
        match &self.matcher {
            Matcher::Literal => {
                path.starts_with(&*self.prefix)
                    && (same_depth
                        // No tree to ask whether the pattern is a directory:
                        // a literal that is a whole leading part of the path
                        // names one.
                        || path.as_bytes().get(self.prefix.len()) == Some(&b'/'))
            }
            Matcher::Glob(tokens) => {
                same_depth
                    && path
                        .strip_prefix(&*self.prefix)
                        .is_some_and(|rest| glob_prefix_match(tokens, rest))
            }
            Matcher::Regex(regex) => same_depth && regex.is_match(path),
        }
    }
}

/// The literal start of a pattern that goes to the regex engine: up to the
/// first special character, less the character before a quantifier, and
/// nothing at all when an alternation may start a match elsewhere.
fn regex_prefix(pattern: &str) -> &str {
    if pattern.contains('|') {
        return "";
    }
    let end = pattern
        .find(|c| matches!(c, '*' | '?' | '[' | ']') || REGEX_SYNTAX.contains(&c))
        .unwrap_or(pattern.len());
    let quantified = matches!(pattern[end..].chars().next(), Some('+' | '{'));
    let mut prefix = &pattern[..end];
    if quantified && let Some((at, _)) = prefix.char_indices().next_back() {
        prefix = &prefix[..at];
    }
    prefix
}

/// get_maintainer's translation into a regex anchored at the start, in the
/// same order it applies it (so `\*` becomes `\.*`, as in Perl).
fn perl_regex(pattern: &str) -> Result<regex::Regex, String> {
    let mut converted = String::with_capacity(pattern.len() + 8);
    converted.push('^');
    for c in pattern.chars() {
        match c {
            '.' => converted.push_str("\\."),
            '*' => converted.push_str(".*"),
            '?' => converted.push('.'),
            c => converted.push(c),
        }
    }
    regex::Regex::new(&converted).map_err(|e| super::regex_reason(&e))
}

/// The tokens of a glob (`*`, `?`, `[…]`, other characters literal), or
/// `None` for a class with syntax left to the regex engine (escapes, POSIX
/// classes) or one that is never closed.
fn glob_tokens(glob: &str) -> Option<Vec<Token>> {
    let mut tokens = Vec::new();
    let mut chars = glob.chars().peekable();
    while let Some(c) = chars.next() {
        let token = match c {
            '*' => Token::Star,
            '?' => Token::Any,
            '[' => {
                let negated = chars.next_if_eq(&'^').is_some();
                let mut ranges = Vec::new();
                let mut first = true;
                loop {
                    let c = chars.next()?;
                    match c {
                        ']' if !first => break,
                        '[' | '\\' => return None,
                        _ => {}
                    }
                    first = false;
                    let is_range = chars.peek() == Some(&'-');
                    if is_range {
                        let mut ahead = chars.clone();
                        ahead.next();
                        match ahead.peek() {
                            Some(&end) if end != ']' => {
                                chars.next();
                                chars.next();
                                if end < c || end == '[' || end == '\\' {
                                    return None;
                                }
                                ranges.push((c, end));
                                continue;
                            }
                            _ => {}
                        }
                    }
                    ranges.push((c, c));
                }
                Token::Class { negated, ranges }
            }
            ']' => Token::Char(']'),
            c => Token::Char(c),
        };
        tokens.push(token);
    }
    Some(tokens)
}

impl Token {
    /// Whether this one-character token takes `c`.
    fn takes(&self, c: char) -> bool {
        match self {
            Token::Char(want) => *want == c,
            // Paths hold no newline, the only character `.` leaves out.
            Token::Any => c != '\n',
            Token::Star => false,
            Token::Class { negated, ranges } => {
                ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *negated
            }
        }
    }
}

/// Whether the glob matches a prefix of `text` (the regex is anchored at the
/// start only). Greedy with one backtrack point, the last `*`: O(n·m) at
/// worst, and no allocation.
fn glob_prefix_match(tokens: &[Token], text: &str) -> bool {
    let mut t = 0;
    let mut s = 0;
    // The token after the last `*` seen, and where in `text` it last started.
    let mut backtrack: Option<(usize, usize)> = None;
    loop {
        let Some(token) = tokens.get(t) else {
            return true;
        };
        if *token == Token::Star {
            t += 1;
            backtrack = Some((t, s));
            continue;
        }
        if let Some(c) = text[s..].chars().next()
            && token.takes(c)
        {
            t += 1;
            s += c.len_utf8();
            continue;
        }
        // Let the last `*` take one more character, or give up.
        let Some((after_star, start)) = backtrack else {
            return false;
        };
        let Some(c) = text[start..].chars().next() else {
            return false;
        };
        let start = start + c.len_utf8();
        backtrack = Some((after_star, start));
        t = after_star;
        s = start;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn covers(pattern: &str, path: &str) -> bool {
        let slashes = path.bytes().filter(|&b| b == b'/').count();
        FilePattern::new(pattern).unwrap().matches(path, slashes)
    }

    #[test]
    fn literal_file_and_its_prefix_quirk() {
        assert!(covers("include/linux/hyperv.h", "include/linux/hyperv.h"));
        // get_maintainer's regex has no end anchor: same depth, same start.
        assert!(covers(
            "include/linux/hyperv.h",
            "include/linux/hyperv.h.orig"
        ));
        assert!(!covers("include/linux/hyperv.h", "include/linux/hyper.h"));
        assert!(!covers(
            "include/linux/hyperv.h",
            "include/uapi/linux/hyperv.h"
        ));
    }

    #[test]
    fn trailing_slash_covers_everything_below() {
        assert!(covers("drivers/hv/", "drivers/hv/vmbus_drv.c"));
        assert!(covers("drivers/hv/", "drivers/hv/sub/dir/x.c"));
        assert!(!covers("drivers/hv/", "drivers/hvc/x.c"));
        assert!(!covers("drivers/hv/", "drivers/hv"));
    }

    #[test]
    fn directory_without_slash_covers_it_at_a_slash_boundary() {
        assert!(covers("drivers/hv", "drivers/hv/vmbus_drv.c"));
        assert!(covers("drivers/hv", "drivers/hv/a/b/c.c"));
        // Not a directory of the path: only the same-depth prefix rule.
        assert!(!covers("drivers/hv", "drivers/hvc/hvc_console.c"));
        assert!(covers("drivers/hv", "drivers/hvc"));
        // Globs never name a directory this way.
        assert!(!covers("drivers/h?", "drivers/hv/vmbus_drv.c"));
    }

    #[test]
    fn star_stays_at_its_depth_unless_the_pattern_ends_in_slash() {
        assert!(covers(
            "drivers/net/ethernet/realtek/r8169*",
            "drivers/net/ethernet/realtek/r8169_main.c"
        ));
        assert!(covers("drivers/scsi/53c700*", "drivers/scsi/53c700.h"));
        assert!(!covers("drivers/*.c", "drivers/hv/x.c"));
        assert!(covers("drivers/*.c", "drivers/x.c"));
        assert!(!covers("drivers/*/foo.c", "drivers/a/b/foo.c"));
        assert!(covers("drivers/*/foo.c", "drivers/a/foo.c"));
        // `drivers/*/qcom/` is `^drivers/.*/qcom/`: `*` crosses levels.
        assert!(covers("drivers/*/qcom/", "drivers/clk/qcom/gcc.c"));
        assert!(covers("drivers/*/qcom/", "drivers/a/b/qcom/x.c"));
        assert!(!covers("drivers/*/qcom/", "drivers/qcom/x.c"));
        assert!(covers("arch/arm/mach-*/", "arch/arm/mach-omap2/pm.c"));
        // THE REST: `*` and `*/`.
        assert!(covers("*", "Makefile"));
        assert!(!covers("*", "mm/memory.c"));
        assert!(covers("*/", "mm/memory.c"));
    }

    #[test]
    fn question_mark_is_one_character_at_the_same_depth() {
        assert!(covers(
            "drivers/input/misc/da72??.[ch]",
            "drivers/input/misc/da7280.c"
        ));
        assert!(!covers(
            "drivers/input/misc/da72??.[ch]",
            "drivers/input/misc/da728.c"
        ));
        assert!(!covers("a/b?c", "a/b/c"));
        assert!(covers("a/b?c", "a/bxc"));
    }

    #[test]
    fn character_classes() {
        assert!(covers(
            "drivers/edac/altera_edac.[ch]",
            "drivers/edac/altera_edac.h"
        ));
        assert!(!covers(
            "drivers/edac/altera_edac.[ch]",
            "drivers/edac/altera_edac.o"
        ));
        assert!(covers("include/sound/da[79]*.h", "include/sound/da9055.h"));
        assert!(!covers("include/sound/da[79]*.h", "include/sound/da8055.h"));
        assert!(covers("x/[a-c]z", "x/bz"));
        assert!(!covers("x/[^a-c]z", "x/bz"));
        assert!(covers("x/[^a-c]z", "x/dz"));
    }

    #[test]
    fn dots_are_literal_and_other_syntax_goes_to_the_regex_engine() {
        assert!(!covers("a/b.c", "a/bxc"));
        // `\*` is `\.*` after get_maintainer's translation: zero or more dots.
        assert!(covers("tools/netcons\\*", "tools/netcons_basic.sh"));
        assert!(covers("a/fo+bar", "a/foooobar.c"));
        assert!(!covers("a/fo+bar", "a/fbar.c"));
        assert!(FilePattern::new("a/(b").is_err());
        assert!(FilePattern::new("a/[b").is_err());
        assert!(FilePattern::new("").is_err());
    }

    #[test]
    fn depth_is_get_maintainers_value() {
        let depth = |p: &str| FilePattern::new(p).unwrap().depth();
        assert_eq!(depth("drivers/hv/"), 2);
        assert_eq!(depth("drivers/hv"), 2);
        assert_eq!(depth("include/linux/hyperv.h"), 3);
        assert_eq!(depth("drivers/*/qcom/"), 3);
        assert_eq!(depth("*"), -1);
        assert_eq!(depth("*/"), -1);
    }

    #[test]
    fn prefixes_for_the_index() {
        let prefix = |p: &str| FilePattern::new(p).unwrap().prefix().to_string();
        assert_eq!(
            prefix("drivers/net/ethernet/realtek/r8169*"),
            "drivers/net/ethernet/realtek/r8169"
        );
        assert_eq!(prefix("a/fo+bar"), "a/f");
        assert_eq!(prefix("a/b|c"), "");
        assert_eq!(prefix("mm/"), "mm/");
    }
}
