//! Whether a body may hold evidence, from its bytes alone.
//!
//! Every rule of this module starts from an unquoted line that holds one of
//! [`KEYWORDS`] (in any case): `applied`, `merged`, `pw-bot`, `nak` … So a
//! body without such a line holds no evidence, and a parser need not decode
//! it. The same test runs on the decoded text at the start of
//! [`super::evidence`], so the two cannot disagree on text that decoding
//! leaves alone.

use std::borrow::Cow;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

/// The words some line of every notice holds (lower case; matched in any
/// case). `nak` and `nack` cover `NAK`, `NACK`, `Nacked` and `Nacked-by:`;
/// `titled` the `patch titled` of Greg's and Andrew's scripts; `commit-id`
/// the old tip-bot's first line.
const KEYWORDS: [&str; 12] = [
    "applied",
    "queued",
    "pushed",
    "picked",
    "taken",
    "merged",
    "pulled",
    "commit-id",
    "titled",
    "pw-bot",
    "nak",
    "nack",
];

static FINDER: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        // A DFA: the fastest search, and for 12 short words still small.
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(KEYWORDS)
        .ok()
});

/// Whether a raw, undecoded body may hold evidence: a cheap test before
/// paying for decoding a reply.
///
/// It is true when some line that is not quoted holds a keyword. `hidden`
/// says the text cannot be read from the bytes: a base64 transfer encoding,
/// a multipart body, or a charset that does not keep ASCII as ASCII
/// (UTF-16, UTF-7); then the answer is always true. Quoted-printable soft
/// line breaks (`=` at a line's end) are joined as decoding joins them; a
/// keyword whose letters are themselves encoded (`=41pplied`) is not seen.
pub fn may_hold_evidence(raw_body: &[u8], hidden: bool) -> bool {
    if hidden {
        return true;
    }
    if has_keyword_line(raw_body) {
        return true;
    }
    // A soft line break may cut a keyword, or join a quoted line onto the
    // line before it: read the text as decoding will.
    if memchr::memmem::find(raw_body, b"=\n").is_some()
        || memchr::memmem::find(raw_body, b"=\r\n").is_some()
    {
        return has_keyword_line(&without_soft_breaks(raw_body));
    }
    false
}

/// Whether a line that does not start with `>` (after blanks) holds a
/// keyword. Quoted lines, most of a reply, are skipped without being
/// searched; each other line is searched once.
pub(super) fn has_keyword_line(text: &[u8]) -> bool {
    let Some(finder) = FINDER.as_ref() else {
        // The automaton is built from constants: it cannot fail. Were it to,
        // saying "may" keeps every notice.
        return true;
    };
    // Runs of unquoted lines are searched in one call: the automaton's
    // start-up cost is per call, and a run cannot hold a quoted line.
    let mut run_start = None;
    let mut rest = 0;
    while rest < text.len() {
        let end = memchr::memchr(b'\n', &text[rest..]).map_or(text.len(), |nl| rest + nl + 1);
        let line = &text[rest..end];
        let quoted = line.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'>');
        match (quoted, run_start) {
            (true, Some(start)) => {
                if finder.is_match(&text[start..rest]) {
                    return true;
                }
                run_start = None;
            }
            (false, None) => run_start = Some(rest),
            _ => {}
        }
        rest = end;
    }
    run_start.is_some_and(|start| finder.is_match(&text[start..]))
}

/// Whether `text` holds a keyword anywhere, quoted or not.
pub(super) fn has_keyword(text: &[u8]) -> bool {
    FINDER.as_ref().is_none_or(|finder| finder.is_match(text))
}

/// The bytes with quoted-printable soft line breaks (`=\n`, `=\r\n`) removed.
fn without_soft_breaks(raw: &[u8]) -> Cow<'_, [u8]> {
    let mut out = Vec::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(eq) = memchr::memchr(b'=', rest) {
        out.extend_from_slice(&rest[..eq]);
        rest = &rest[eq..];
        if rest.starts_with(b"=\n") {
            rest = &rest[2..];
        } else if rest.starts_with(b"=\r\n") {
            rest = &rest[3..];
        } else {
            out.push(b'=');
            rest = &rest[1..];
        }
    }
    out.extend_from_slice(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_keyword_on_an_unquoted_line() {
        assert!(may_hold_evidence(
            b"Applied to hyperv-next. Thanks.\n",
            false
        ));
        assert!(may_hold_evidence(b"x\r\n\r\nQUEUED, thanks\r\n", false));
        assert!(may_hold_evidence(b"> quoted\npw-bot: cr\n", false));
        assert!(may_hold_evidence(b"NAK.\n", false));
        assert!(!may_hold_evidence(b"> Applied, thanks!\n>> NAK\n", false));
        assert!(!may_hold_evidence(b"Looks good to me.\n", false));
        assert!(!may_hold_evidence(b"", false));
        // Unreadable bytes: always may.
        assert!(may_hold_evidence(b"QXBwbGllZA==\n", true));
    }

    #[test]
    fn quoted_printable_soft_breaks_are_joined() {
        // "Appl=\nied" decodes to "Applied".
        assert!(may_hold_evidence(b"Appl=\nied to x, thanks!\n", false));
        assert!(may_hold_evidence(b"Appl=\r\nied to x\r\n", false));
        // A quoted line joined onto an unquoted one is no longer quoted.
        assert!(may_hold_evidence(b"see =\n> applied\n", false));
        assert!(!may_hold_evidence(b"a =3D b\n> applied\n", false));
        assert_eq!(&*without_soft_breaks(b"a=\nb=\r\nc=3D"), b"abc=3D");
    }

    /// The quadratic trap of the trailer prefilter: one long line made of
    /// keywords is searched back to its start once, not once per keyword.
    #[test]
    fn a_long_line_of_keywords_is_linear() {
        let line = format!("> {}", "applied ".repeat(1 << 17));
        let body = format!("{line}\n{line}\n");
        assert!(!may_hold_evidence(body.as_bytes(), false));
        let body = format!("{body}ok, applied\n");
        assert!(may_hold_evidence(body.as_bytes(), false));
    }
}
