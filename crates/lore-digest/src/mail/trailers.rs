use serde::Serialize;

use super::{Person, parse_address};

/// The trailers a report collects: who reviewed, acked, tested, reported,
/// suggested or co-developed a patch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
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
}

impl TrailerKind {
    const ALL: [(TrailerKind, &'static str); 6] = [
        (TrailerKind::ReviewedBy, "Reviewed-by"),
        (TrailerKind::AckedBy, "Acked-by"),
        (TrailerKind::TestedBy, "Tested-by"),
        (TrailerKind::ReportedBy, "Reported-by"),
        (TrailerKind::SuggestedBy, "Suggested-by"),
        (TrailerKind::CoDevelopedBy, "Co-developed-by"),
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
/// anywhere in it except in quoted (`>`) lines, which repeat someone else's.
/// A trailer naming no address is skipped.
pub fn trailers(body: &str) -> Vec<Trailer> {
    // Nearly every line is prose or code: find the few with `-by:` first.
    let bytes = body.as_bytes();
    let mut line_starts: Vec<usize> = hit_lines(bytes, b"-by:")
        .chain(hit_lines(bytes, b"-By:"))
        .map(|(line_start, _)| line_start)
        .collect();
    line_starts.sort_unstable();
    line_starts.dedup();
    let mut found = Vec::new();
    for start in line_starts {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |nl| start + nl);
        // Both ends sit next to '\n' or at the ends of the text: char boundaries.
        let Some(line) = body.get(start..end) else {
            continue;
        };
        let line = line.trim();
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let Some(kind) = TrailerKind::ALL
            .iter()
            .find(|(_, n)| n.eq_ignore_ascii_case(name.trim_end()))
            .map(|(k, _)| *k)
        else {
            continue;
        };
        if let Some(person) = parse_address(value) {
            found.push(Trailer { kind, person });
        }
    }
    found
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
    let is_trailer_name = |line_start: usize, at: usize| {
        // Leading blanks are skipped from the line's start: computed once per
        // line, so a long line of many `-by:` costs one pass.
        let indent = raw_body[line_start..at]
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
        let name = raw_body[line_start + indent..at].trim_ascii_end();
        TrailerKind::ALL.iter().any(|(_, full)| {
            full.len() > 3 && name.eq_ignore_ascii_case(&full.as_bytes()[..full.len() - 3])
        })
    };
    [b"-by:", b"-By:"].iter().any(|needle| {
        let mut last_line = None;
        hit_lines(raw_body, *needle).any(|(line_start, at)| {
            // Only the first hit of a line can follow a trailer's name.
            let first_of_line = last_line != Some(line_start);
            last_line = Some(line_start);
            first_of_line && is_trailer_name(line_start, at)
        })
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
