//! RFC 2047 encoded words in the headers a report shows: the subject and
//! the display name of `From:`.
//!
//! mail-parser decodes them too, but it pads every encoded word with
//! spaces (`(=?ISO-8859-1?Q?a?=)` reads `( a )`, `=?UTF-8?Q?f=C3=B6o?=: fix`
//! reads `föo : fix`) and drops the quotes inside a display name
//! (`Jane "JD" Doe` reads `JaneJD Doe`). Both change what a reader sees
//! and what titles compare equal across versions of a series, so these
//! two headers are decoded here, with mail-parser's charset tables.

use mail_parser::decoders::base64::base64_decode;
use mail_parser::decoders::charsets::map::charset_decoder;

/// Decodes an unstructured header value (a subject) as written: folding
/// undone, encoded words decoded where they stand, whitespace between two
/// adjacent encoded words dropped (RFC 2047, section 6.2), and nothing
/// added around them. Bytes that are not UTF-8 are replaced.
pub fn decode_unstructured(raw: &[u8]) -> String {
    let mut out = String::with_capacity(raw.len());
    // Where the text not yet written starts, and whether an encoded word
    // came just before it.
    let mut plain_start = 0;
    let mut after_word = false;
    let mut i = 0;
    while let Some(at) = memchr::memmem::find(&raw[i..], b"=?").map(|at| i + at) {
        let Some((decoded, end)) = encoded_word(raw, at) else {
            i = at + 2;
            continue;
        };
        let gap = &raw[plain_start..at];
        if !(after_word && gap.iter().all(u8::is_ascii_whitespace)) {
            push_plain(&mut out, gap);
        }
        out.push_str(&decoded);
        after_word = true;
        plain_start = end;
        i = end;
    }
    push_plain(&mut out, &raw[plain_start..]);
    out
}

/// Text between encoded words, as UTF-8 (lossily); line breaks of folding
/// are left for whitespace normalization to make spaces of.
fn push_plain(out: &mut String, bytes: &[u8]) {
    out.push_str(&String::from_utf8_lossy(bytes));
}

/// The encoded word `=?charset?B|Q?text?=` starting at `start`, decoded,
/// and the position after it; `None` when there is none there.
fn encoded_word(raw: &[u8], start: usize) -> Option<(String, usize)> {
    let rest = &raw[start + 2..];
    let charset_end = memchr::memchr(b'?', rest)?;
    let charset = &rest[..charset_end];
    let encoding = *rest.get(charset_end + 1)?;
    if rest.get(charset_end + 2) != Some(&b'?') || charset.is_empty() {
        return None;
    }
    let text_start = charset_end + 3;
    let text_len = memchr::memmem::find(&rest[text_start..], b"?=")?;
    let text = &rest[text_start..text_start + text_len];
    // An encoded word holds no whitespace; a `?=` further on belongs to
    // something else.
    if text.iter().any(|b| b.is_ascii_whitespace())
        || charset.iter().any(|b| b.is_ascii_whitespace())
    {
        return None;
    }
    let bytes = match encoding {
        b'B' | b'b' => base64_decode(text)?,
        b'Q' | b'q' => decode_q(text),
        _ => return None,
    };
    // RFC 2231 allows `charset*language`.
    let charset = charset.split(|&b| b == b'*').next().unwrap_or(charset);
    let decoded = match charset_decoder(charset) {
        Some(decode) => decode(&bytes),
        None => String::from_utf8_lossy(&bytes).into_owned(),
    };
    Some((decoded, start + 2 + text_start + text_len + 2))
}

/// The `Q` encoding: `_` is a space, `=XX` a byte.
fn decode_q(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'_' => out.push(b' '),
            b'=' => {
                let hex = text.get(i + 1..i + 3).and_then(|h| {
                    let h = std::str::from_utf8(h).ok()?;
                    u8::from_str_radix(h, 16).ok()
                });
                if let Some(byte) = hex {
                    out.push(byte);
                    i += 3;
                    continue;
                }
                out.push(b'=');
            }
            b => out.push(b),
        }
        i += 1;
    }
    out
}

/// The display name of an address header value (`Jane "JD" Doe <j@x>`),
/// when it is written with quotes around part of it: quoted parts keep
/// their quotes, encoded words are decoded. `None` when the name has no
/// such part (mail-parser's reading of it is then the right one) or the
/// value has no `<address>`.
pub fn quoted_display_name(raw: &[u8]) -> Option<String> {
    // The phrase: everything before the first `<` outside quotes.
    let mut in_quotes = false;
    let mut escaped = false;
    let mut angle = None;
    for (i, &b) in raw.iter().enumerate() {
        match b {
            _ if escaped => escaped = false,
            b'\\' if in_quotes => escaped = true,
            b'"' => in_quotes = !in_quotes,
            b'<' if !in_quotes => {
                angle = Some(i);
                break;
            }
            b',' if !in_quotes => return None,
            _ => {}
        }
    }
    let phrase = raw[..angle?].trim_ascii();
    // Quotes inside an encoded word (`=?UTF-8?Q? "Ann_B" ?=`, not RFC
    // 2047 but written) are its text, which mail-parser decodes.
    let spans = loose_encoded_words(phrase);
    let outside = |at: &usize| !spans.iter().any(|span| span.contains(at));
    let quotes: Vec<usize> = memchr::memchr_iter(b'"', phrase).filter(outside).collect();
    let (&first_quote, &last_quote) = (quotes.first()?, quotes.last()?);
    // One quoted string that is the whole name: quotes are only its syntax.
    if first_quote == 0 && last_quote == phrase.len() - 1 && !phrase[1..last_quote].contains(&b'"')
    {
        return None;
    }
    let mut name = Vec::with_capacity(phrase.len());
    let mut escaped = false;
    for &b in phrase {
        if escaped {
            name.push(b);
            escaped = false;
        } else if b == b'\\' {
            escaped = true;
        } else {
            name.push(b);
        }
    }
    Some(decode_unstructured(&name))
}

/// Where `=?charset?X?…?=` stands in a phrase, read loosely (the text may
/// hold spaces) as mail-parser reads it.
fn loose_encoded_words(phrase: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut spans = Vec::new();
    let mut from = 0;
    while let Some(start) = memchr::memmem::find(&phrase[from..], b"=?").map(|at| from + at) {
        let after_charset = memchr::memchr(b'?', &phrase[start + 2..]).map(|at| start + 2 + at + 1);
        let text = after_charset
            .filter(|&at| phrase.get(at + 1) == Some(&b'?'))
            .map(|at| at + 2);
        let end =
            text.and_then(|at| memchr::memmem::find(&phrase[at..], b"?=").map(|e| at + e + 2));
        match end {
            Some(end) => {
                spans.push(start..end);
                from = end;
            }
            None => from = start + 2,
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(s: &str) -> String {
        crate::mail::normalize_whitespace(&decode_unstructured(s.as_bytes()))
    }

    #[test]
    fn an_encoded_word_next_to_text_gains_no_space() {
        assert_eq!(decode("(=?ISO-8859-1?Q?a?=)"), "(a)");
        assert_eq!(decode("=?UTF-8?Q?f=C3=B6o?=: fix"), "föo: fix");
        assert_eq!(decode("[PATCH] =?UTF-8?B?w7Zm?=: fix"), "[PATCH] öf: fix");
        assert_eq!(decode("x=?UTF-8?Q?a?=y"), "xay");
    }

    #[test]
    fn whitespace_between_adjacent_encoded_words_is_dropped() {
        assert_eq!(
            decode("=?UTF-8?Q?a?= =?UTF-8?Q?b?= c =?UTF-8?Q?d?="),
            "ab c d"
        );
        // Folded between two encoded words, as long subjects are.
        assert_eq!(
            decode("=?UTF-8?Q?[PATCH]_hv:_f=C3=BC?=\r\n =?UTF-8?Q?r_alle?="),
            "[PATCH] hv: für alle"
        );
        assert_eq!(decode("=?utf-8?q?a_b?=  plain"), "a b plain");
    }

    #[test]
    fn charsets_and_malformed_words() {
        assert_eq!(decode("=?iso-8859-1?q?J=F6rg?="), "Jörg");
        assert_eq!(decode("=?UTF-8*en?Q?hi?="), "hi");
        assert_eq!(decode("=?x-unknown?Q?hi?="), "hi");
        // Not encoded words: kept as written.
        assert_eq!(decode("=?UTF-8?X?a?="), "=?UTF-8?X?a?=");
        assert_eq!(decode("=?UTF-8?Q?a b?="), "=?UTF-8?Q?a b?=");
        assert_eq!(decode("a =? b ?= c"), "a =? b ?= c");
        assert_eq!(decode("=?"), "=?");
        assert_eq!(decode("=?UTF-8?B?!!!?="), "=?UTF-8?B?!!!?=");
        assert_eq!(decode("bad =ZZ?Q"), "bad =ZZ?Q");
        assert_eq!(decode("=?UTF-8?Q?100=?="), "100=");
    }

    #[test]
    fn invalid_utf8_is_replaced_not_lost() {
        assert_eq!(
            decode_unstructured(b"caf\xe9 =?UTF-8?Q?ok?="),
            "caf\u{fffd} ok"
        );
    }

    #[test]
    fn quoted_parts_of_a_display_name_keep_their_quotes() {
        let name = |s: &str| quoted_display_name(s.as_bytes());
        assert_eq!(
            name("Jane \"JD\" Doe <j@x.org>").as_deref(),
            Some("Jane \"JD\" Doe")
        );
        assert_eq!(
            name("=?UTF-8?Q?J=C3=B6rg?= \"JR\" R <a@x.org>").as_deref(),
            Some("Jörg \"JR\" R")
        );
        assert_eq!(
            name("Jane \"J\\\"D\" Doe <j@x.org>").as_deref(),
            Some("Jane \"J\"D\" Doe")
        );
        // A name quoted whole, or without quotes, is left to mail-parser.
        assert_eq!(name("\"Doe, Jane\" <j@x.org>"), None);
        assert_eq!(name("Jane Doe <j@x.org>"), None);
        assert_eq!(name("j@x.org"), None);
        assert_eq!(name("a \"b\" <x@y>, c <z@w>").as_deref(), Some("a \"b\""));
        assert_eq!(name("a, \"b\" c <x@y>"), None);
        // Quotes a spammer put inside an encoded word are its text.
        assert_eq!(name("=?UTF-8?Q? \"Diego_S=C3=A1nchez\" ?= <d@x.org>"), None);
    }
}
