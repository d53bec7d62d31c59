//! What text from a mail may carry into a report.
//!
//! Mail can hold any character, control characters included: a NUL, an
//! escape sequence that recolours or clears a reader's terminal, a carriage
//! return that overwrites the line before it. None of them means anything
//! in a report, and in a text report they act on the reader's terminal. So
//! every string taken from a mail passes one of these functions, and each
//! control character that is not whitespace or a folding line break
//! becomes U+FFFD: the reader sees that something was there, and nothing
//! acts on it.

use std::borrow::Cow;

/// Collapses every run of whitespace (including folding line breaks and
/// the whitespace controls CR, VT, FF and NEL) into one space, trims both
/// ends, and replaces every other control character: for one-line text
/// (subjects, names).
pub fn normalize_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().map(printable));
    }
    out
}

/// Multi-line text (a body) with line breaks and tabs kept, CRLF read as
/// LF, and every other control character replaced, a lone carriage return
/// included. Borrows when there is nothing to change, as for nearly all mail.
pub fn printable_text(s: &str) -> Cow<'_, str> {
    if !s.contains(is_unprintable) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            continue;
        }
        out.push(printable(c));
    }
    Cow::Owned(out)
}

/// One-line text that is not spaced by whoever wrote it (Message-IDs,
/// list ids): a line break left inside by folding is dropped, as RFC 5322
/// unfolding drops it (mailers fold long encoded ids), other controls are
/// replaced, nothing else changes.
pub(crate) fn printable_line(s: &str) -> Cow<'_, str> {
    if !s.contains(char::is_control) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .filter(|&c| c != '\r' && c != '\n')
            .map(|c| {
                if c.is_control() {
                    char::REPLACEMENT_CHARACTER
                } else {
                    c
                }
            })
            .collect(),
    )
}

/// A control character other than a line break or a tab (C0, DEL, C1).
fn is_unprintable(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

/// `c`, or U+FFFD for a control character other than a line break or a tab.
fn printable(c: char) -> char {
    if is_unprintable(c) {
        char::REPLACEMENT_CHARACTER
    } else {
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_text_collapses_whitespace_and_replaces_controls() {
        assert_eq!(normalize_whitespace("  a\n\t b  "), "a b");
        assert_eq!(normalize_whitespace("a\u{0}b"), "a\u{fffd}b");
        // A terminal escape sequence loses its ESC, so it recolours nothing.
        assert_eq!(
            normalize_whitespace("\u{1b}[31mred\u{7f}\u{9b}"),
            "\u{fffd}[31mred\u{fffd}\u{fffd}"
        );
        assert_eq!(normalize_whitespace("a\rb"), "a b");
    }

    #[test]
    fn multi_line_text_keeps_lines_and_tabs() {
        assert!(matches!(printable_text("a\n\tb\n"), Cow::Borrowed(_)));
        assert_eq!(printable_text("a\r\nb\r\n"), "a\nb\n");
        // A lone carriage return would overwrite the line on a terminal.
        assert_eq!(printable_text("shown\rhidden"), "shown\u{fffd}hidden");
        assert_eq!(
            printable_text("x\u{0}y\u{1b}]0;title\u{7}"),
            "x\u{fffd}y\u{fffd}]0;title\u{fffd}"
        );
    }

    #[test]
    fn ids_keep_their_spelling_but_not_controls() {
        assert!(matches!(printable_line("a.b@c d"), Cow::Borrowed(_)));
        assert_eq!(printable_line("a\u{0}@b\tc"), "a\u{fffd}@b\u{fffd}c");
        // A folded id is unfolded.
        assert_eq!(
            printable_line("=?utf-8?q?=3Ca?=\r\n =?utf-8?q?b=3E?="),
            "=?utf-8?q?=3Ca?= =?utf-8?q?b=3E?="
        );
    }
}
