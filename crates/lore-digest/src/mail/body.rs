use serde::Serialize;

use super::{Person, parse_address};

/// The `From:`, `Date:` and `Subject:` lines that may open a mail body.
///
/// `git send-email` writes them when the patch author is not the sender, and
/// `git am` takes the author from them; so does every count in a report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InBodyHeaders {
    /// The in-body `From:`, when it names an address.
    pub from: Option<Person>,
    /// The in-body `Date:`, as written.
    pub date: Option<String>,
    /// The in-body `Subject:`, as written.
    pub subject: Option<String>,
}

/// Splits the in-body headers off the start of a body, returning them and
/// the rest of the body.
///
/// As git am reads them: `From:`, `Date:` and `Subject:` lines in any
/// order, each maybe folded onto indented lines, ended by the first line
/// that is none of them; a blank line that ends them is consumed, but none
/// is needed. Blank lines before them are skipped, and so is the separator
/// line of a pasted `git format-patch` output (`From <sha> Mon Sep 17
/// 00:00:00 2001`), whose From then names the author.
pub fn split_in_body_headers(body: &str) -> (InBodyHeaders, &str) {
    let mut headers = InBodyHeaders::default();
    let start = body.len() - body.trim_start_matches(['\n', '\r', ' ', '\t']).len();
    // Back up to the start of the first non-blank line so offsets stay on
    // line boundaries.
    let start = body[..start].rfind('\n').map_or(0, |nl| nl + 1);
    let mut rest = &body[start..];
    let (first, after_first) = split_line(rest);
    if is_format_patch_separator(first) {
        rest = after_first;
    }
    let mut found = false;
    let mut from_without_address = false;
    while let Some((name, value, after)) = next_header(rest) {
        match name {
            HeaderName::From => match parse_in_body_from(&value) {
                Some(person) => headers.from = Some(person),
                // Outlook quotes the mail it answers as `From: X <x@y> Sent: …`
                // at the top of a reply: a quotation, not an author.
                None if value.contains('@') => return (InBodyHeaders::default(), body),
                None => from_without_address = true,
            },
            HeaderName::Date => headers.date = Some(value),
            HeaderName::Subject => headers.subject = Some(value),
        }
        found = true;
        rest = after;
    }
    if !found {
        return (headers, body);
    }
    let (line, after) = split_line(rest);
    // Outlook's quotation over two lines: `From: X <x@y>`, then `Sent:`
    // (or `To:`/`Cc:`): the headers of the mail answered, not an author.
    let quoted_headers = ["sent:", "to:", "cc:"].iter().any(|h| {
        line.get(..h.len())
            .is_some_and(|l| l.eq_ignore_ascii_case(h))
    });
    if quoted_headers {
        return (InBodyHeaders::default(), body);
    }
    if line.trim().is_empty() {
        return (headers, after);
    }
    // `From: the datasheet, …` opening prose is no header; as a header
    // naming nobody it is taken only when a blank line sets it apart.
    if from_without_address {
        return (InBodyHeaders::default(), body);
    }
    (headers, rest)
}

/// `From 0123…cdef Mon Sep 17 00:00:00 2001`, the first line git
/// format-patch writes (mboxrd-quoted as `>From …` too).
fn is_format_patch_separator(line: &str) -> bool {
    let Some(rest) = line
        .strip_prefix("From ")
        .or_else(|| line.strip_prefix(">From "))
    else {
        return false;
    };
    let Some((sha, date)) = rest.split_once(' ') else {
        return false;
    };
    (sha.len() == 40 || sha.len() == 64)
        && sha.bytes().all(|b| b.is_ascii_hexdigit())
        && date.trim() == "Mon Sep 17 00:00:00 2001"
}

/// An in-body `From:` must be one address and nothing else: `Name <a@b>`,
/// `a@b (Name)` or a bare `a@b`.
fn parse_in_body_from(value: &str) -> Option<Person> {
    let value = value.trim();
    let single_token = !value.contains(char::is_whitespace);
    if !(value.ends_with('>') || value.ends_with(')') || single_token) {
        return None;
    }
    parse_address(value)
}

enum HeaderName {
    From,
    Date,
    Subject,
}

/// Reads one in-body header line (with folded continuation lines) from the
/// start of `s`.
fn next_header(s: &str) -> Option<(HeaderName, String, &str)> {
    let (first, mut rest) = split_line(s);
    let (name, value) = first.split_once(':')?;
    let name = match name {
        n if n.eq_ignore_ascii_case("from") => HeaderName::From,
        n if n.eq_ignore_ascii_case("date") => HeaderName::Date,
        n if n.eq_ignore_ascii_case("subject") => HeaderName::Subject,
        _ => return None,
    };
    let mut value = value.trim().to_string();
    while rest.starts_with([' ', '\t']) {
        let (line, after) = split_line(rest);
        if line.trim().is_empty() {
            break;
        }
        value.push(' ');
        value.push_str(line.trim());
        rest = after;
    }
    Some((name, value, rest))
}

/// The first line of `s` without its line ending, and what follows it.
fn split_line(s: &str) -> (&str, &str) {
    match s.find('\n') {
        Some(nl) => (s[..nl].strip_suffix('\r').unwrap_or(&s[..nl]), &s[nl + 1..]),
        None => (s, ""),
    }
}

/// Totals of a diffstat: `4 files changed, 9 insertions(+), 12 deletions(-)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Diffstat {
    /// Files changed.
    pub files: u64,
    /// Lines inserted.
    pub insertions: u64,
    /// Lines deleted.
    pub deletions: u64,
}

impl Diffstat {
    /// Parses a diffstat summary line; `None` when the line is not one.
    pub fn parse_summary(line: &str) -> Option<Diffstat> {
        let mut parts = line.trim().split(", ");
        let files = count_before(parts.next()?, &["files changed", "file changed"])?;
        let mut stat = Diffstat {
            files,
            ..Diffstat::default()
        };
        for part in parts {
            if let Some(n) = count_before(part, &["insertions(+)", "insertion(+)"]) {
                stat.insertions = n;
            } else if let Some(n) = count_before(part, &["deletions(-)", "deletion(-)"]) {
                stat.deletions = n;
            } else {
                return None;
            }
        }
        Some(stat)
    }
}

/// `"12 files changed"` with suffixes `["files changed", …]` → 12.
fn count_before(part: &str, suffixes: &[&str]) -> Option<u64> {
    let (number, word) = part.trim().split_once(' ')?;
    if !suffixes.contains(&word.trim()) {
        return None;
    }
    number.parse().ok()
}

/// The part of a patch or cover-letter body a reader wants: the commit
/// message, with the diffstat if there is one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CommitMessage {
    /// From after the in-body headers up to and including the diffstat
    /// summary line; without a diffstat, up to the diff or the signature.
    pub text: String,
    /// The diffstat totals, when the body has a diffstat.
    pub diffstat: Option<Diffstat>,
}

/// Cuts the commit message out of a body whose in-body headers were
/// already split off (see [`split_in_body_headers`]).
///
/// It never includes the diff itself nor a trailing `-- ` signature.
pub fn commit_message(body: &str) -> CommitMessage {
    let mut kept: Vec<&str> = Vec::new();
    let mut diffstat = None;
    let mut rest = body;
    while !rest.is_empty() {
        let (line, after) = split_line(rest);
        rest = after;
        if is_diff_start(line) {
            break;
        }
        kept.push(line);
        if let Some(stat) = Diffstat::parse_summary(line) {
            diffstat = Some(stat);
            break;
        }
    }
    remove_list_footers(&mut kept);
    if diffstat.is_none()
        && let Some(signature) = kept.iter().rposition(|l| *l == "-- " || *l == "--")
    {
        kept.truncate(signature);
    }
    trim_trailing_blank(&mut kept);
    // git's `---` separator with nothing after it but the diff.
    if diffstat.is_none() && kept.last().is_some_and(|l| l.trim_end() == "---") {
        kept.pop();
        trim_trailing_blank(&mut kept);
    }
    let leading_blank = kept.iter().take_while(|l| l.trim().is_empty()).count();
    let mut text = String::with_capacity(kept.iter().map(|l| l.len() + 1).sum());
    for line in &kept[leading_blank..] {
        text.push_str(line);
        text.push('\n');
    }
    CommitMessage { text, diffstat }
}

/// Removes the footers mailing-list software appends (Mailman's
/// `___…___`, then `<list> mailing list`, its address and a
/// `…/listinfo/…` line): they belong to the list, not the message.
fn remove_list_footers(lines: &mut Vec<&str>) {
    let mut i = 0;
    while i < lines.len() {
        let rule = lines[i].trim_end();
        let is_rule = rule.len() >= 10 && rule.bytes().all(|b| b == b'_');
        let footer = &lines[i + 1..lines.len().min(i + 5)];
        let names_list = footer
            .first()
            .is_some_and(|l| l.trim_end().ends_with("mailing list"));
        match footer.iter().position(|l| l.contains("/listinfo")) {
            Some(end) if is_rule && names_list => {
                lines.drain(i..=i + 1 + end);
            }
            _ => i += 1,
        }
    }
}

fn trim_trailing_blank(lines: &mut Vec<&str>) {
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
}

/// Where a diff begins: git's `diff --git`, or the headers of other diff
/// producers (quilt, plain `diff -u`).
fn is_diff_start(line: &str) -> bool {
    line.starts_with("Index: ") || line.starts_with("diff -") || line.starts_with("--- a/")
}

/// b4's `change-id:` line, which stays the same across every version of a
/// series (b4 writes it below the cover letter's `---`, or below a single
/// patch's diff). The first such line that starts a line counts.
pub fn b4_change_id(body: &str) -> Option<String> {
    const MARKER: &str = "change-id:";
    let at = memchr::memmem::find_iter(body.as_bytes(), MARKER.as_bytes())
        .find(|&at| at == 0 || body.as_bytes()[at - 1] == b'\n')?;
    let rest = &body[at + MARKER.len()..];
    let value = rest.lines().next().unwrap_or("").trim();
    // b4 writes `YYYYMMDD-topic-hash`: one word of plain characters.
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    (!value.is_empty() && value.len() <= 200 && value.chars().all(plain)).then(|| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATCH_BODY: &str = "\
From: Zheyun Shen <szy0127@sjtu.edu.cn>

Before sev_vm_destroy() is called, kvm_arch_guest_memory_reclaimed()
has been called for SEV and SEV-ES.

Signed-off-by: Zheyun Shen <szy0127@sjtu.edu.cn>
Signed-off-by: Sean Christopherson <seanjc@google.com>
---
 arch/x86/kvm/svm/sev.c | 3 ---
 1 file changed, 3 deletions(-)

diff --git a/arch/x86/kvm/svm/sev.c b/arch/x86/kvm/svm/sev.c
index 1234567..89abcde 100644
--- a/arch/x86/kvm/svm/sev.c
+++ b/arch/x86/kvm/svm/sev.c
@@ -1,3 +1,0 @@
-wbinvd_on_all_cpus();
--\x20
2.49.0
";

    #[test]
    fn in_body_from_is_split_off() {
        let (headers, rest) = split_in_body_headers(PATCH_BODY);
        let from = headers.from.unwrap();
        assert_eq!(from.display(), "Zheyun Shen <szy0127@sjtu.edu.cn>");
        assert!(rest.starts_with("Before sev_vm_destroy()"));
    }

    #[test]
    fn in_body_headers_after_blank_lines_and_folded() {
        let body = "\n\nFrom: =?UTF-8?Q?Ren=C3=A9?=\n  <rene@example.org>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\nSubject: [PATCH] x\n\nText\n";
        let (headers, rest) = split_in_body_headers(body);
        assert_eq!(headers.from.unwrap().display(), "René <rene@example.org>");
        assert_eq!(
            headers.date.as_deref(),
            Some("Mon, 1 Jan 2024 00:00:00 +0000")
        );
        assert_eq!(headers.subject.as_deref(), Some("[PATCH] x"));
        assert_eq!(rest, "Text\n");
    }

    #[test]
    fn in_body_headers_in_any_order_need_no_blank_line() {
        let body = "Subject: [PATCH] x\nDate: Mon, 1 Jan 2024 00:00:00 +0000\nFrom: Ann <ann@x.org>\nThe change.\n";
        let (headers, rest) = split_in_body_headers(body);
        assert_eq!(headers.from.unwrap().email, "ann@x.org");
        assert_eq!(headers.subject.as_deref(), Some("[PATCH] x"));
        assert_eq!(rest, "The change.\n");
        let (headers, rest) = split_in_body_headers("From: Ann <ann@x.org>\nThe change.\n");
        assert_eq!(headers.from.unwrap().email, "ann@x.org");
        assert_eq!(rest, "The change.\n");
        // Prose that opens with `From:` and names nobody is left alone.
        let body = "From: the datasheet, the bit is reserved.\nSo clear it.\n";
        assert_eq!(
            split_in_body_headers(body),
            (InBodyHeaders::default(), body)
        );
    }

    #[test]
    fn a_pasted_format_patch_output_credits_its_from() {
        let body = "From 2d3c1f0e9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d Mon Sep 17 00:00:00 2001\n\
                    From: Real Author <real@x.org>\nDate: Tue, 2 Jan 2024 10:00:00 +0100\n\
                    Subject: [PATCH] hv: fix\n\nThe fix.\n";
        let (headers, rest) = split_in_body_headers(body);
        assert_eq!(headers.from.unwrap().email, "real@x.org");
        assert_eq!(rest, "The fix.\n");
        // mboxrd-quoted, and after blank lines.
        let quoted = format!("\n>{body}");
        assert_eq!(
            split_in_body_headers(&quoted).0.from.unwrap().email,
            "real@x.org"
        );
        // Another date, or a short id, is not the separator.
        let other = body.replace("Mon Sep 17 00:00:00 2001", "Tue Jan  2 10:00:00 2024");
        assert_eq!(split_in_body_headers(&other).0, InBodyHeaders::default());
        assert!(!is_format_patch_separator(
            "From 2d3c1f0e Mon Sep 17 00:00:00 2001"
        ));
    }

    #[test]
    fn in_body_from_without_address_is_ignored() {
        let (headers, rest) = split_in_body_headers("From: nobody at all\n\nText\n");
        assert_eq!(headers.from, None);
        assert_eq!(rest, "Text\n");
    }

    #[test]
    fn outlook_quotation_is_not_an_author() {
        let body = "From: Yu Zhang <zhangyu1@example.com> Sent: Monday, July 13, 2026 8:34 PM\n>\n> On Mon, Jul 13 Michael wrote:\n";
        assert_eq!(
            split_in_body_headers(body),
            (InBodyHeaders::default(), body)
        );
        let body = "From: Yu Zhang <zhangyu1@example.com>\nSent: Monday, July 13, 2026 8:34 PM\n> quoted\n";
        assert_eq!(
            split_in_body_headers(body),
            (InBodyHeaders::default(), body)
        );
        let body = "From: wei.liu@kernel.org @ 2024-03-04  6:57 UTC\n>\n";
        assert_eq!(
            split_in_body_headers(body),
            (InBodyHeaders::default(), body)
        );
    }

    #[test]
    fn in_body_from_at_end_of_body_and_comment_form() {
        let (headers, rest) = split_in_body_headers("From: a@b.org (Ann Example)\n");
        assert_eq!(headers.from.unwrap().email, "a@b.org");
        assert_eq!(rest, "");
    }

    #[test]
    fn body_without_in_body_headers_is_untouched() {
        let body = "Hi,\n\nFrom: is mentioned later\n";
        let (headers, rest) = split_in_body_headers(body);
        assert_eq!(headers, InBodyHeaders::default());
        assert_eq!(rest, body);
    }

    #[test]
    fn commit_message_stops_after_diffstat() {
        let (_, rest) = split_in_body_headers(PATCH_BODY);
        let msg = commit_message(rest);
        assert!(
            msg.text.ends_with(" 1 file changed, 3 deletions(-)\n"),
            "{}",
            msg.text
        );
        assert!(!msg.text.contains("diff --git"));
        assert!(!msg.text.contains("2.49.0"));
        assert_eq!(
            msg.diffstat,
            Some(Diffstat {
                files: 1,
                insertions: 0,
                deletions: 3
            })
        );
    }

    #[test]
    fn cover_letter_without_diffstat_loses_only_its_signature() {
        let body = "Hello,\n\nthis series does things.\n\nThanks\n\n-- \nJane\nPhone: 123\n";
        let msg = commit_message(body);
        assert_eq!(msg.text, "Hello,\n\nthis series does things.\n\nThanks\n");
        assert_eq!(msg.diffstat, None);
    }

    #[test]
    fn mailing_list_footers_are_removed() {
        let body = "Hello,\n\nthe series.\n\n_______________________________________________\n\
                    linux-arm-kernel mailing list\nlinux-arm-kernel@lists.infradead.org\n\
                    http://lists.infradead.org/mailman/listinfo/linux-arm-kernel\n";
        assert_eq!(commit_message(body).text, "Hello,\n\nthe series.\n");
        let middle = "Top.\n______________________________\ndevel mailing list\n\
                      https://lists.example.org/listinfo/devel\nBottom.\n";
        assert_eq!(commit_message(middle).text, "Top.\nBottom.\n");
        // A rule of underscores in the text itself stays.
        let text = "Table:\n__________\nrow\n";
        assert_eq!(commit_message(text).text, text);
    }

    #[test]
    fn patch_without_diffstat_stops_at_the_diff() {
        let body = "Fix it.\n\nSigned-off-by: A <a@b.c>\n---\ndiff --git a/x b/x\n+1\n";
        let msg = commit_message(body);
        assert_eq!(msg.text, "Fix it.\n\nSigned-off-by: A <a@b.c>\n");
    }

    #[test]
    fn crlf_lines_are_normalized() {
        let msg = commit_message(
            "Line one\r\n\r\n 2 files changed, 5 insertions(+)\r\n\r\ndiff --git a b\r\n",
        );
        assert_eq!(msg.text, "Line one\n\n 2 files changed, 5 insertions(+)\n");
        assert_eq!(
            msg.diffstat,
            Some(Diffstat {
                files: 2,
                insertions: 5,
                deletions: 0
            })
        );
    }

    #[test]
    fn diffstat_summary_forms() {
        assert_eq!(
            Diffstat::parse_summary(" 6 files changed, 28 insertions(+), 21 deletions(-)"),
            Some(Diffstat {
                files: 6,
                insertions: 28,
                deletions: 21
            })
        );
        assert_eq!(
            Diffstat::parse_summary(" 1 file changed, 1 insertion(+)"),
            Some(Diffstat {
                files: 1,
                insertions: 1,
                deletions: 0
            })
        );
        assert_eq!(
            Diffstat::parse_summary("3 files changed in this series"),
            None
        );
        assert_eq!(Diffstat::parse_summary("files changed"), None);
    }

    #[test]
    fn b4_change_id_is_read_from_the_start_of_a_line() {
        let cover = "Cover text.\n\n---\nbase-commit: 1234abcd\nchange-id: 20250101-mana-queues-3f2a1b\n\nBest regards,\n";
        assert_eq!(
            b4_change_id(cover).as_deref(),
            Some("20250101-mana-queues-3f2a1b")
        );
        assert_eq!(b4_change_id("the change-id: x is mentioned\n"), None);
        assert_eq!(b4_change_id("change-id: two words\n"), None);
        assert_eq!(b4_change_id("change-id:\n"), None);
    }
}
