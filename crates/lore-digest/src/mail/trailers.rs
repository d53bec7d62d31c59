use serde::Serialize;

use super::{Person, parse_address};

/// The trailers a report collects: who reviewed, acked, tested, reported,
/// suggested or co-developed a patch.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema,
)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum TrailerKind {
    /// `Reviewed-by:`
    #[serde(rename = "Reviewed-by")]
    ReviewedBy,
    /// `Acked-by:`
    #[serde(rename = "Acked-by")]
    AckedBy,
    /// `Tested-by:`
    #[serde(rename = "Tested-by")]
    TestedBy,
    /// `Reported-by:`
    #[serde(rename = "Reported-by")]
    ReportedBy,
    /// `Suggested-by:`
    #[serde(rename = "Suggested-by")]
    SuggestedBy,
    /// `Co-developed-by:`
    #[serde(rename = "Co-developed-by")]
    CoDevelopedBy,
    /// `Nacked-by:`: the patch is refused. Not a review.
    #[serde(rename = "Nacked-by")]
    NackedBy,
}

impl TrailerKind {
    const ALL: [(TrailerKind, &'static str); 7] = [
        (TrailerKind::ReviewedBy, "Reviewed-by"),
        (TrailerKind::AckedBy, "Acked-by"),
        (TrailerKind::TestedBy, "Tested-by"),
        (TrailerKind::ReportedBy, "Reported-by"),
        (TrailerKind::SuggestedBy, "Suggested-by"),
        (TrailerKind::CoDevelopedBy, "Co-developed-by"),
        (TrailerKind::NackedBy, "Nacked-by"),
    ];

    /// The trailer's name as written in mail.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(k, _)| *k == self)
            .map_or("", |(_, n)| n)
    }

    /// Whether the trailer says the patch was looked at: reviewed, acked or tested.
    pub fn is_review(self) -> bool {
        matches!(
            self,
            TrailerKind::ReviewedBy | TrailerKind::AckedBy | TrailerKind::TestedBy
        )
    }
}

/// One trailer line: its kind and the person it names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Trailer {
    /// `Reviewed-by` and the like.
    pub kind: TrailerKind,
    /// The person named in it.
    pub person: Person,
}

/// The trailers of a body: lines such as `Reviewed-by: Name <address>`,
/// whatever the case of the name, that start a line; quoted (`>`) lines
/// repeat someone else's and never count. A trailer naming no address is
/// skipped. Indented trailers are what a reply restates (the patch's own
/// tags quoted back, a pasted `git log`), so without a sender none counts:
/// see [`trailers_given_by`].
pub fn trailers(body: &str) -> Vec<Trailer> {
    trailers_given_by(body, None)
}

/// [`trailers`] of a mail sent by `sender`: an indented trailer counts
/// only when it names the sender, by address or by name (people often give
/// tags from another address than they write from), who may well indent
/// their own tag.
pub fn trailers_given_by(body: &str, sender: Option<&Person>) -> Vec<Trailer> {
    // Nearly every line is prose or code: find the few with `-by:` first.
    let bytes = body.as_bytes();
    let mut line_starts: Vec<usize> = markers(bytes).map(|(line_start, _)| line_start).collect();
    line_starts.dedup();
    let mut found = Vec::new();
    for start in line_starts {
        let end = line_end(bytes, start);
        // Both ends sit next to '\n' or at the ends of the text: char boundaries.
        let Some(line) = body.get(start..end) else {
            continue;
        };
        let indented = line.starts_with(char::is_whitespace);
        let Some((name, value)) = line.trim().split_once(':') else {
            continue;
        };
        let Some(kind) = TrailerKind::ALL
            .iter()
            .find(|(_, n)| n.eq_ignore_ascii_case(name.trim_end()))
            .map(|(k, _)| *k)
        else {
            continue;
        };
        let mut person = trailer_person(value);
        // A mailer wrapped the address onto the next line:
        // `Reviewed-by: A Long Name` / `<a@example.org>`.
        if person.is_none() && end < bytes.len() {
            let next = body.get(end + 1..line_end(bytes, end + 1)).unwrap_or("");
            if next.trim_start().starts_with('<') {
                person = trailer_person(&format!("{} {}", value.trim(), next.trim()));
            }
        }
        let Some(person) = person else { continue };
        let names_sender = sender.is_some_and(|s| {
            s.email == person.email
                || (!s.name.is_empty() && s.name.eq_ignore_ascii_case(&person.name))
        });
        if indented && !names_sender {
            continue;
        }
        found.push(Trailer { kind, person });
    }
    found
}

/// Where the line holding `at` ends (its `\n`, or the end of the text).
fn line_end(bytes: &[u8], at: usize) -> usize {
    memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |nl| at + nl)
}

/// The person a trailer names: `Name <address>`, a bare address, or
/// `address (Name)`. An unquoted name may hold a comma (`Tester2,
/// Followup <t@x>` is one person), and the `<mailto:…>` debris HTML
/// mailers leave in addresses (`ann@x.org<mailto:ann@x.org>`) is dropped.
fn trailer_person(value: &str) -> Option<Person> {
    let value = strip_mailto(value);
    let value = value.trim();
    if let Some(open) = value.rfind('<')
        && let Some(len) = value[open..].find('>')
    {
        let email = value[open + 1..open + len].trim();
        if email.contains('@') && !email.contains(char::is_whitespace) {
            let name = value[..open].trim();
            let name = name
                .strip_prefix('"')
                .and_then(|n| n.strip_suffix('"'))
                .unwrap_or(name);
            return Some(Person::new(name, email));
        }
    }
    parse_address(value)
}

/// `ann@x.org<mailto:ann@x.org>` → `ann@x.org`; also `[mailto:…]`.
fn strip_mailto(value: &str) -> std::borrow::Cow<'_, str> {
    if !value.contains("mailto:") {
        return std::borrow::Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find("mailto:") {
        let before = &rest[..at];
        let Some(open) = before.chars().last().filter(|c| *c == '<' || *c == '[') else {
            out.push_str(&rest[..at + "mailto:".len()]);
            rest = &rest[at + "mailto:".len()..];
            continue;
        };
        let close = if open == '<' { '>' } else { ']' };
        out.push_str(&before[..before.len() - 1]);
        match rest[at..].find(close) {
            Some(end) => rest = &rest[at + end + 1..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// Every `-by:` marker, in any case, in order: (start of its line,
/// position of its `-`).
fn markers(bytes: &[u8]) -> impl Iterator<Item = (usize, usize)> + '_ {
    // `y:` is rarer in text than `-`, and `Y:` catches `-BY:`.
    let mut lower = hit_lines(bytes, b"y:").peekable();
    let mut upper = hit_lines(bytes, b"Y:").peekable();
    std::iter::from_fn(move || {
        loop {
            let take_lower = match (lower.peek(), upper.peek()) {
                (Some(x), Some(y)) => x.1 <= y.1,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => return None,
            };
            let next = if take_lower {
                lower.next()
            } else {
                upper.next()
            };
            let (line_start, at) = next?;
            if at >= line_start + 2 && bytes[at - 2..at].eq_ignore_ascii_case(b"-b") {
                return Some((line_start, at - 2));
            }
        }
    })
}

/// Whether a raw body may hold a trailer: a cheap test on the undecoded
/// bytes before paying for decoding a reply. Most replies quote the patch
/// they answer, `Signed-off-by:` and all, so only an unquoted line that
/// starts with a collected trailer's name counts. An encoding that hides the
/// text (base64, or parts of a multipart body) always may.
pub fn may_hold_trailers(raw_body: &[u8], hidden: bool) -> bool {
    if hidden {
        return true;
    }
    let is_trailer_name = |line_start: usize, dash: usize| {
        // Leading blanks are skipped from the line's start: computed once per
        // line, so a long line of many `-by:` costs one pass.
        let indent = raw_body[line_start..dash]
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
        let name = raw_body[line_start + indent..dash].trim_ascii_end();
        TrailerKind::ALL.iter().any(|(_, full)| {
            full.len() > 3 && name.eq_ignore_ascii_case(&full.as_bytes()[..full.len() - 3])
        })
    };
    let mut last_line = None;
    markers(raw_body).any(|(line_start, dash)| {
        // Only the first marker of a line can follow a trailer's name.
        let first_of_line = last_line != Some(line_start);
        last_line = Some(line_start);
        first_of_line && is_trailer_name(line_start, dash)
    })
}

/// Every occurrence of `needle` in `bytes`, in order, with the start of its
/// line: (line start, position). Each search back for the line's start stops
/// at the previous occurrence, so a long line holding thousands of them
/// costs one pass over it, not one per occurrence.
fn hit_lines<'a>(bytes: &'a [u8], needle: &'a [u8]) -> impl Iterator<Item = (usize, usize)> + 'a {
    let mut searched_to = 0;
    let mut line_start = 0;
    memchr::memmem::find_iter(bytes, needle).map(move |at| {
        if let Some(nl) = memchr::memrchr(b'\n', &bytes[searched_to..at]) {
            line_start = searched_to + nl + 1;
        }
        searched_to = at;
        (line_start, at)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_named_trailers_and_skips_quotes() {
        let body = "Looks good.\n\n> Reviewed-by: Quoted <q@x.org>\nReviewed-by: Rachel Reviewer <rachel@example.org>\n\
                    acked-by: Ann <ANN@x.org>\nTested-by: nobody\nSigned-off-by: S <s@x.org>\nCo-developed-by: C <c@x.org>\n";
        let t = trailers(body);
        let got: Vec<(&str, &str)> = t
            .iter()
            .map(|t| (t.kind.name(), t.person.email.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("Reviewed-by", "rachel@example.org"),
                ("Acked-by", "ann@x.org"),
                ("Co-developed-by", "c@x.org")
            ]
        );
        assert!(t[0].kind.is_review() && !t[2].kind.is_review());
    }

    fn people(t: &[Trailer]) -> Vec<(&'static str, String)> {
        t.iter()
            .map(|t| (t.kind.name(), t.person.display()))
            .collect()
    }

    #[test]
    fn trailer_names_in_any_case_and_nacks() {
        let body = "ACKED-BY: Ann <ann@x.org>\nTESTED-BY: Tia <tia@x.org>\nNacked-by: Nick <nick@x.org>\nreviewed-BY: R <r@x.org>\n";
        assert_eq!(
            people(&trailers(body)),
            [
                ("Acked-by", "Ann <ann@x.org>".to_string()),
                ("Tested-by", "Tia <tia@x.org>".to_string()),
                ("Nacked-by", "Nick <nick@x.org>".to_string()),
                ("Reviewed-by", "R <r@x.org>".to_string()),
            ]
        );
        assert!(!TrailerKind::NackedBy.is_review());
        assert!(may_hold_trailers(b"x\nNACKED-BY: N <n@x.org>\n", false));
    }

    #[test]
    fn an_address_wrapped_onto_the_next_line_is_joined() {
        let body = "Reviewed-by: A Very Long Reviewer Name\n <a@example.org>\nThanks\n";
        assert_eq!(
            people(&trailers(body)),
            [(
                "Reviewed-by",
                "A Very Long Reviewer Name <a@example.org>".to_string()
            )]
        );
        // Only an address continues a trailer: other text does not.
        assert_eq!(trailers("Reviewed-by: Somebody\nsaid so\n"), []);
    }

    #[test]
    fn html_mail_debris_and_commas_in_names() {
        let t = trailers("Reviewed-by: Ann <ann@x.org<mailto:ann@x.org>>\n");
        assert_eq!(people(&t), [("Reviewed-by", "Ann <ann@x.org>".to_string())]);
        let t = trailers("Acked-by: Bob [mailto:bob@y.org] <bob@y.org>\n");
        assert_eq!(people(&t), [("Acked-by", "Bob <bob@y.org>".to_string())]);
        let t = trailers("Tested-by: Tester2, Followup <t@x.org>\n");
        assert_eq!(
            people(&t),
            [("Tested-by", "Tester2, Followup <t@x.org>".to_string())]
        );
        let t = trailers("Tested-by: \"Doe, Jane\" <j@x.org>\nAcked-by: plain@x.org\n");
        assert_eq!(
            people(&t),
            [
                ("Tested-by", "Doe, Jane <j@x.org>".to_string()),
                ("Acked-by", "<plain@x.org>".to_string())
            ]
        );
    }

    #[test]
    fn restated_trailers_credit_nobody() {
        // A pasted `git log`, and the patch's tags indented back.
        let body = "I see this in my tree:\n\ncommit 1234\n    hv: fix\n\n    Reviewed-by: Other <other@x.org>\n    Acked-by: Me <me@x.org>\n\n> Tested-by: Quoted <q@x.org>\n";
        assert_eq!(trailers(body), []);
        // An indented trailer naming the sender is the sender's own, also
        // when it gives another address than the one the mail came from.
        let me = Person::new("Me", "me@x.org");
        assert_eq!(
            people(&trailers_given_by(body, Some(&me))),
            [("Acked-by", "Me <me@x.org>".to_string())]
        );
        let me_at_home = Person::new("me", "me@home.example");
        assert_eq!(trailers_given_by(body, Some(&me_at_home)).len(), 1);
        assert_eq!(
            people(&trailers_given_by("Reviewed-by: R <r@x.org>\n", Some(&me))),
            [("Reviewed-by", "R <r@x.org>".to_string())]
        );
    }

    #[test]
    fn raw_prefilter() {
        assert!(may_hold_trailers(b"x\nReviewed-by: a <a@b>\n", false));
        assert!(may_hold_trailers(b"x\nREVIEWED-By: a <a@b>\n", false));
        assert!(!may_hold_trailers(b"just words\n", false));
        assert!(!may_hold_trailers(
            b"> Reviewed-by: q <q@q>\n> Signed-off-by: a <a@b>\n",
            false
        ));
        assert!(!may_hold_trailers(b"Signed-off-by: a <a@b>\n", false));
        assert!(may_hold_trailers(b"UmV2aWV3ZWQ=", true));
    }

    /// Found by reading for the fuzz targets: a line made of `-by:` over and
    /// over was searched back to its start once per marker, quadratic in
    /// the line's length (some 10^12 bytes searched for this input, hours).
    /// Now linear: this runs in milliseconds.
    #[test]
    fn a_long_line_of_markers_is_linear() {
        let line = "-by:".repeat(1 << 19);
        let body = format!("x\n{line}\nReviewed-by: R <r@x.org>\n{line}");
        let found = trailers(&body);
        assert!(!may_hold_trailers(line.as_bytes(), false));
        assert!(may_hold_trailers(body.as_bytes(), false));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].person.email, "r@x.org");
    }
}
