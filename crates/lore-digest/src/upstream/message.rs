//! What a tree commit's message says about the mail it came from.

use crate::mail::{normalize_whitespace, parse_subject, strip_reply_prefixes};

/// The Message-IDs a commit message names, in the order written: the id
/// of each `Link:` trailer's URL (the last path segment that holds an `@`,
/// percent-decoded, so `https://lore.kernel.org/r/<id>`,
/// `https://lore.kernel.org/<list>/<id>/`, `https://patch.msgid.link/<id>`
/// and the like all count), and each `Message-ID:` (any case) trailer.
pub(crate) fn message_ids(message: &[u8]) -> Vec<String> {
    let mut ids = Vec::new();
    let mut rest = message;
    while !rest.is_empty() {
        let end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
        let line = &rest[..end];
        rest = rest.get(end + 1..).unwrap_or_default();
        // Most lines start with neither key: one byte decides.
        if !matches!(line.first().map(|b| b | 0x20), Some(b'l' | b'm')) {
            continue;
        }
        let value = |key: &[u8]| {
            line.get(..key.len())
                .filter(|k| k.eq_ignore_ascii_case(key))
                .map(|_| String::from_utf8_lossy(&line[key.len()..]))
        };
        let id = if let Some(url) = value(b"link:") {
            url.split_whitespace().next().and_then(id_of_url)
        } else {
            value(b"message-id:").map(|id| clean_id(&id))
        };
        if let Some(id) = id.filter(|id| is_plausible_id(id))
            && !ids.contains(&id)
        {
            ids.push(id);
        }
    }
    ids
}

/// A Message-ID as mails and lookups compare it: without surrounding
/// whitespace and angle brackets.
pub(crate) fn clean_id(id: &str) -> String {
    id.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
        .to_string()
}

/// An id has an `@` and no whitespace; anything else a `Link:` points at
/// (a bug tracker, a web page) is not a mail.
fn is_plausible_id(id: &str) -> bool {
    id.contains('@') && !id.is_empty() && !id.contains(char::is_whitespace)
}

/// The Message-ID a URL names: its last path segment holding an `@`
/// (public-inbox URLs may end in `/T/`, `/raw`, `#u`), percent-decoded.
fn id_of_url(url: &str) -> Option<String> {
    let url = url.trim_start_matches('<').trim_end_matches('>');
    let (_, rest) = url.split_once("://")?;
    // The host (which may hold user@ information) is not a path segment.
    let path = &rest[rest.find('/')?..];
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let segment = path.split('/').rev().find(|s| s.contains('@'))?;
    Some(clean_id(&percent_decode(segment)))
}

/// `%3C` → `<`; a `%` not followed by two hex digits stays as it is.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A subject as the subject rule compares it: reply prefixes and leading
/// tags (`[PATCH v2 3/7]`) removed, whitespace collapsed, lower-cased, so a
/// mail's `Subject:` and the commit `git am` made of it compare equal.
pub fn normalize_subject(subject: &str) -> String {
    parse_subject(strip_reply_prefixes(&normalize_whitespace(subject)))
        .title
        .to_lowercase()
}

/// A commit's subject as `git log --format=%s` gives it: the first
/// paragraph of the message, its lines joined.
pub(crate) fn commit_subject(message: &[u8]) -> String {
    let start = message
        .iter()
        .take_while(|b| matches!(b, b'\n' | b'\r'))
        .count();
    let message = &message[start..];
    let end = memchr::memmem::find(message, b"\n\n").unwrap_or(message.len());
    normalize_whitespace(&String::from_utf8_lossy(&message[..end]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_and_message_id_trailers() {
        let message = "net: fix foo\n\nBody mentions Link: nothing.\n\n\
            Link: https://lore.kernel.org/r/20250101.1234-1-a@b.org\n\
            Link: https://lore.kernel.org/netdev/abc%2Bdef@x.com/\n\
            link: https://lore.kernel.org/all/%3Ct1@y.net%3E/T/#u\n\
            Link: https://patch.msgid.link/20250102-x-v1-1-0@kernel.org\n\
            Link: https://bugzilla.kernel.org/show_bug.cgi?id=1\n\
            Link: https://user@example.com/page\n\
            Message-Id: <20250103.999@z.org>\n\
            Message-ID: 20250101.1234-1-a@b.org\n\
            Signed-off-by: A <a@b.org>\n";
        assert_eq!(
            message_ids(message.as_bytes()),
            [
                "20250101.1234-1-a@b.org",
                "abc+def@x.com",
                "t1@y.net",
                "20250102-x-v1-1-0@kernel.org",
                "20250103.999@z.org",
            ]
        );
    }

    #[test]
    fn subjects_compare_without_tags_case_and_spacing() {
        assert_eq!(
            normalize_subject("Re: [PATCH v2 3/7]  net: Fix   the thing"),
            "net: fix the thing"
        );
        assert_eq!(
            normalize_subject("net: fix the thing"),
            "net: fix the thing"
        );
        assert_eq!(
            commit_subject(b"first line\ncontinued\n\nbody\n"),
            "first line continued"
        );
    }
}
