use mail_parser::{HeaderName, HeaderValue, MessageParser, MimeHeaders};

use super::address::from_address;
use super::date::parse_date;
use super::encoded_words::{decode_unstructured, quoted_display_name};
use super::text::printable_line;
use super::{
    CommitMessage, Person, Subject, SubjectKind, Trailer, b4_change_id, commit_message, has_diff,
    may_hold_trailers, parse_subject, printable_text, split_in_body_headers, trailers_given_by,
};

/// The header a relay (b4's web submission endpoint, a list that munges
/// `From` for DMARC, Google Groups) keeps the real sender in.
const ORIGINAL_FROM: &str = "X-Original-From";

use std::sync::Arc;

use crate::maintainers::{Maintainers, PatchSection, PathCache, Recipients};
use crate::status::{Evidence, evidence, may_hold_evidence};

/// One mail, reduced to what a report uses.
///
/// Bodies are not kept: a patch or cover letter keeps its commit message,
/// every other mail only its headers, so a whole archive's worth of messages
/// stays small.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// `Message-ID` without angle brackets.
    pub message_id: Option<String>,
    /// The first id of `In-Reply-To`.
    pub in_reply_to: Option<String>,
    /// `References`, oldest first.
    pub references: Vec<String>,
    /// The decoded, unfolded subject and what it says.
    pub subject: Subject,
    /// The header `From:`: who sent the mail (for a relayed mail, the relay).
    pub sender: Option<Person>,
    /// `X-Original-From:`: the person a relay sent the mail for (`Name via
    /// B4 Relay <devnull+…@kernel.org>` senders, DMARC-munged lists).
    pub original_from: Option<Box<Person>>,
    /// Who wrote it: the in-body `From:` when the body of a mail that is not
    /// a reply opens with one (git am's rule), else the original sender of
    /// a relayed mail, else the sender.
    pub author: Option<Person>,
    /// The list identifier of `List-Id` (`kvm.vger.kernel.org`).
    pub list_id: Option<Arc<str>>,
    /// The `Date:` header, seconds since the epoch; `None` when missing or
    /// unparseable. Archives select by arrival; mailboxes have only this.
    pub date: Option<i64>,
    /// For patches and cover letters: the commit message and diffstat.
    pub commit_message: Option<Box<CommitMessage>>,
    /// Trailers (`Reviewed-by:` …) of a patch's commit message or of a
    /// reply's own (unquoted) text.
    pub trailers: Vec<Trailer>,
    /// For patches and cover letters: b4's `change-id:`, the same in every
    /// version of a series.
    pub change_id: Option<String>,
    /// What a reply or a robot's notice says happened to the patch it
    /// answers: applied, NAKed, changes requested (see [`crate::status`]).
    pub evidence: Vec<Evidence>,
    /// For patches (not cover letters) read with MAINTAINERS
    /// ([`MailParser::with_maintainers`]): the sections its diff and text
    /// touch, most specific first; empty otherwise.
    pub sections: Vec<PatchSection>,
    /// For patches (not cover letters) read by a parser keeping files
    /// ([`MailParser::keeping_files`]): the files its diff touches; empty
    /// otherwise.
    pub files: Vec<String>,
    /// The mail had no header block at all.
    pub unparseable: bool,
}

impl Message {
    /// The patch tag, when the mail is a patch or cover letter.
    pub fn patch_tag(&self) -> Option<&super::PatchTag> {
        match &self.subject.kind {
            SubjectKind::Patch(tag) => Some(tag),
            _ => None,
        }
    }

    /// The person who sent the mail: its original sender when a relay
    /// sent it, else the header `From:`.
    pub fn sent_by(&self) -> Option<&Person> {
        self.original_from.as_deref().or(self.sender.as_ref())
    }
}

/// A mail parser configured for mailing-list archives; build one per thread
/// and reuse it.
pub struct MailParser {
    inner: MessageParser,
    /// Reused buffer for the mail with its unread headers dropped.
    trimmed: Vec<u8>,
    /// With MAINTAINERS: patches are mapped to their sections as they are
    /// parsed, while their body is at hand (the parsed mail keeps none).
    maintainers: Option<Arc<Maintainers>>,
    /// The sections of the files seen so far.
    paths: PathCache,
    /// Patches keep the files they touch ([`Message::files`]).
    keep_files: bool,
    /// Patches after the first of a series (`[PATCH 2/5]` on) keep only
    /// the diffstat of their commit message, not its text.
    drop_later_commit_messages: bool,
    /// The last `List-Id` seen: an archive's mails nearly all carry the
    /// same, so they share one copy.
    last_list_id: Option<Arc<str>>,
}

impl Default for MailParser {
    fn default() -> Self {
        // Only the headers a report reads get a structured parser; the dozens
        // of Received/DKIM/ARC headers of list mail stay raw slices.
        let inner = MessageParser::new()
            .with_mime_headers()
            .header_address(HeaderName::From)
            .header_address(HeaderName::Other(ORIGINAL_FROM.into()))
            .header_raw(HeaderName::Subject)
            .header_text(HeaderName::ListId)
            .header_raw(HeaderName::Date)
            .header_id(HeaderName::MessageId)
            .header_id(HeaderName::InReplyTo)
            .header_id(HeaderName::References);
        MailParser {
            inner,
            trimmed: Vec::new(),
            maintainers: None,
            paths: PathCache::default(),
            keep_files: false,
            drop_later_commit_messages: false,
            last_list_id: None,
        }
    }
}

/// Parses a raw RFC 5322 mail with a default [`MailParser`].
///
/// It never fails: a mail with missing or garbled headers yields a message
/// with those fields empty.
pub fn parse_message(raw: &[u8]) -> Message {
    MailParser::default().parse(raw)
}

impl MailParser {
    /// A parser that also maps every patch to its MAINTAINERS sections
    /// ([`Message::sections`]), from the files its diff touches, `K:` on
    /// its text, and its To/Cc for [`PatchSection::missed_cc`].
    pub fn with_maintainers(maintainers: Option<Arc<Maintainers>>) -> MailParser {
        MailParser {
            maintainers,
            ..MailParser::default()
        }
    }

    /// The parser, with patches keeping the files their diff touches
    /// ([`Message::files`], for `--files`).
    pub fn keeping_files(mut self, keep: bool) -> MailParser {
        self.keep_files = keep;
        self
    }

    /// The parser, with patches after the first of a series (`2/5` on)
    /// keeping the diffstat and trailers of their commit message but not
    /// its text, when `drop`: the text, Markdown and HTML reports show only
    /// a series' cover letter and first patch, and the text of the others
    /// would be most of what a whole archive's mails hold.
    pub fn dropping_later_commit_messages(mut self, drop: bool) -> MailParser {
        self.drop_later_commit_messages = drop;
        self
    }

    /// Parses a raw RFC 5322 mail; never fails (see [`parse_message`]).
    pub fn parse(&mut self, raw: &[u8]) -> Message {
        let original = raw;
        let raw = if keep_read_headers(raw, &mut self.trimmed) {
            &self.trimmed[..]
        } else {
            raw
        };
        // Headers first: they say whether the body matters beyond its start.
        let Some(head) = self.inner.parse_headers(raw) else {
            return Message::unparseable();
        };
        let mut subject = parse_subject(&subject_header(&head));
        let multipart = head
            .content_type()
            .is_some_and(|ct| ct.ctype().eq_ignore_ascii_case("multipart"));
        let mut sender = head.from().and_then(from_address);
        // mail-parser drops the quotes inside a name (`Jane "JD" Doe`).
        if let Some(person) = sender.as_mut()
            && let Some(name) = raw_header(&head, &HeaderName::From).and_then(quoted_display_name)
        {
            *person = Person::new(&name, &person.email);
        }
        let original_from = head
            .header(ORIGINAL_FROM)
            .and_then(|v| v.as_address())
            .and_then(from_address)
            .filter(|o| sender.as_ref().is_none_or(|s| s.email != o.email));
        let sent_by = original_from.as_ref().or(sender.as_ref());
        let in_reply_to = ids(head.in_reply_to()).into_iter().next();
        let mut change_id = None;
        let mut notices = Vec::new();
        let mut sections = Vec::new();
        let mut files = Vec::new();
        let (in_body_from, commit_message, trailers) = if subject.kind == SubjectKind::Reply {
            // A reply that opens with `From:`/`Date:` lines quotes the mail
            // it answers (netdev's habit); git am's rule is for patches. Its
            // body matters only for the trailers it gives, and most replies
            // plainly have none.
            let base64 = head
                .header(HeaderName::ContentTransferEncoding)
                .and_then(|v| v.as_text())
                .is_some_and(|cte| cte.trim().eq_ignore_ascii_case("base64"));
            let body = body_start(raw).map_or(&raw[raw.len()..], |start| &raw[start..]);
            let hidden = base64 || multipart;
            let may_give_trailers = may_hold_trailers(body, hidden);
            let may_give_evidence = may_hold_evidence(body, hidden);
            let found = if may_give_trailers || may_give_evidence {
                self.inner
                    .parse(raw)
                    .map(|mail| {
                        let decoded = mail.body_text(0).unwrap_or_default();
                        let text = printable_text(&decoded);
                        if may_give_evidence {
                            notices = evidence(&text, &subject.full, sent_by);
                        }
                        trailers_given_by(&text, sent_by)
                    })
                    .unwrap_or_default()
            } else {
                Vec::new()
            };
            (None, None, found)
        } else {
            // A patch's whole body is read, for its commit message and to
            // see that it carries a diff; so is a numbered mail without the
            // word PATCH, which is a patch only with a diff. Of any other
            // mail only the top of the body is read (its in-body From, or
            // `git request-pull` output), so decoding can stop early.
            // Multipart mail is read whole: its first text part may come late.
            let is_patch = matches!(subject.kind, SubjectKind::Patch(_));
            let whole = is_patch || multipart || subject.bare_tag.is_some();
            let body_source = if whole {
                raw
            } else {
                with_body_prefix(raw, IN_BODY_HEADER_BYTES)
            };
            match self.inner.parse(body_source) {
                Some(mail) => {
                    let decoded = mail.body_text(0).unwrap_or_default();
                    let body = printable_text(&decoded);
                    let body_has_diff = whole.then(|| has_diff(&body));
                    let carries_diff =
                        body_has_diff.is_some_and(|found| found || attaches_diff(&mail));
                    subject.kind =
                        kind_by_body(&subject, &body, carries_diff, in_reply_to.is_some());
                    let is_patch = matches!(subject.kind, SubjectKind::Patch(_));
                    if !matches!(subject.kind, SubjectKind::Patch(_)) {
                        // A reply or a robot's notice may say what became
                        // of the patch it answers.
                        notices = evidence(&body, &subject.full, sent_by);
                    }
                    if subject.kind == SubjectKind::Reply {
                        // A `[PATCH …]` subject kept on a reply: its
                        // unquoted text gives trailers like any reply's.
                        (None, None, trailers_given_by(&body, sent_by))
                    } else {
                        let (in_body, rest) = split_in_body_headers(&body);
                        if is_patch {
                            change_id = b4_change_id(rest);
                        }
                        let diff_patch = is_patch
                            && !matches!(&subject.kind, SubjectKind::Patch(t) if t.is_cover_letter());
                        if self.keep_files && diff_patch {
                            files = super::touched_files(&patch_text(
                                &mail,
                                &body,
                                body_has_diff.unwrap_or_else(|| has_diff(&body)),
                            ));
                        }
                        if let Some(maintainers) = &self.maintainers
                            && diff_patch
                        {
                            let mut to = recipients(original);
                            for person in sender.iter().chain(&original_from) {
                                to.add(&person.email);
                            }
                            sections = maintainers.patch_sections(
                                &patch_text(
                                    &mail,
                                    &body,
                                    body_has_diff.unwrap_or_else(|| has_diff(&body)),
                                ),
                                &to,
                                &mut self.paths,
                            );
                        }
                        let mut commit_message = is_patch.then(|| commit_message(rest));
                        let found = commit_message
                            .as_ref()
                            .map(|c| trailers_given_by(&c.text, sent_by))
                            .unwrap_or_default();
                        let later_patch = matches!(&subject.kind,
                            SubjectKind::Patch(t) if t.index.is_some_and(|i| i > 1));
                        if let Some(c) = commit_message
                            .as_mut()
                            .filter(|_| later_patch && self.drop_later_commit_messages)
                        {
                            c.text = String::new();
                        }
                        (in_body.from, commit_message, found)
                    }
                }
                None => (None, is_patch.then(CommitMessage::default), Vec::new()),
            }
        };
        Message {
            message_id: head.message_id().map(clean_id).filter(|id| !id.is_empty()),
            in_reply_to,
            references: ids(head.references()),
            author: in_body_from
                .or_else(|| original_from.clone())
                .or_else(|| sender.clone()),
            sender,
            original_from: original_from.map(Box::new),
            subject,
            list_id: list_id(head.header(HeaderName::ListId)).map(|id| {
                match self.last_list_id.as_ref().filter(|last| ***last == *id) {
                    Some(last) => Arc::clone(last),
                    None => self.last_list_id.insert(Arc::from(id)).clone(),
                }
            }),
            date: raw_header(&head, &HeaderName::Date)
                .map(String::from_utf8_lossy)
                .and_then(|value| parse_date(&value)),
            commit_message: commit_message.map(Box::new),
            trailers,
            change_id,
            evidence: notices,
            sections,
            files,
            unparseable: false,
        }
    }
}

/// The text `K:` and the touched files are read from: the body, or when
/// the diff came as an attachment, the body and its patch attachments.
fn patch_text<'a>(
    mail: &mail_parser::Message<'_>,
    body: &'a str,
    body_has_diff: bool,
) -> std::borrow::Cow<'a, str> {
    if body_has_diff {
        return body.into();
    }
    let mut text = body.to_string();
    for part in mail.attachments() {
        if let Some(contents) = part.text_contents().filter(|t| has_diff(t)) {
            text.push('\n');
            text.push_str(contents);
        }
    }
    text.into()
}

/// A mail's To and Cc header lines, read from the raw mail: only patches
/// need them, so the header filter drops them and the parser never sees
/// them for the other mails.
fn recipients(raw: &[u8]) -> Recipients {
    let mut block = Vec::new();
    let mut keep = false;
    let mut rest = raw;
    while !rest.is_empty() {
        let end = memchr::memchr(b'\n', rest).map_or(rest.len(), |nl| nl + 1);
        let line = &rest[..end];
        rest = &rest[end..];
        if line == b"\n" || line == b"\r\n" {
            break;
        }
        if !line.starts_with(b" ") && !line.starts_with(b"\t") {
            let name = memchr::memchr(b':', line).map(|colon| line[..colon].trim_ascii());
            keep =
                name.is_some_and(|n| RECIPIENT_HEADERS.iter().any(|h| h.eq_ignore_ascii_case(n)));
        }
        if keep {
            block.extend_from_slice(line);
        }
    }
    Recipients::from_headers(&String::from_utf8_lossy(&block))
}

/// What a mail that is not a reply by its subject is, once its body is
/// known (`carries_diff` is only meaningful for a body read whole):
/// - a numbered tag without PATCH (`[net,v2,1/2]`) is a patch with a diff;
/// - a `[PATCH …]` that answers a mail and carries no diff is a reply (a
///   cover letter, `0/N`, never is: it has no diff of its own);
/// - a body of `git request-pull` output is a pull request.
fn kind_by_body(subject: &Subject, body: &str, carries_diff: bool, answers: bool) -> SubjectKind {
    match &subject.kind {
        SubjectKind::Patch(tag) if answers && !carries_diff && !tag.is_cover_letter() => {
            SubjectKind::Reply
        }
        SubjectKind::Other => match &subject.bare_tag {
            Some(tag) if carries_diff => SubjectKind::Patch(tag.clone()),
            _ if is_request_pull(body) => SubjectKind::PullRequest,
            _ => SubjectKind::Other,
        },
        kind => kind.clone(),
    }
}

/// Whether a body is `git request-pull` output: "The following changes
/// since commit …" and "… are available in the Git repository at:".
fn is_request_pull(body: &str) -> bool {
    let bytes = body.as_bytes();
    memchr::memmem::find(bytes, b"The following changes since commit ").is_some()
        && (memchr::memmem::find(bytes, b"are available in the Git repository at").is_some()
            || memchr::memmem::find(bytes, b"are available in the git repository at").is_some())
}

/// Whether a mail attaches a diff (`text/x-patch`, a `.patch` or `.diff`
/// file, an attachment holding one); [`has_diff`] looks in its body.
fn attaches_diff(mail: &mail_parser::Message<'_>) -> bool {
    mail.attachments().any(|part| {
        let named = part.attachment_name().is_some_and(|name| {
            let name = name.to_ascii_lowercase();
            name.ends_with(".patch") || name.ends_with(".diff")
        });
        let typed = part.content_type().is_some_and(|ct| {
            ct.subtype().is_some_and(|sub| {
                sub.eq_ignore_ascii_case("x-patch") || sub.eq_ignore_ascii_case("x-diff")
            })
        });
        named || typed || part.text_contents().is_some_and(has_diff)
    })
}

impl Message {
    fn unparseable() -> Message {
        Message {
            message_id: None,
            in_reply_to: None,
            references: Vec::new(),
            subject: parse_subject(""),
            sender: None,
            original_from: None,
            author: None,
            list_id: None,
            date: None,
            commit_message: None,
            trailers: Vec::new(),
            change_id: None,
            evidence: Vec::new(),
            sections: Vec::new(),
            files: Vec::new(),
            unparseable: true,
        }
    }
}

/// How much of a body is decoded when only its in-body headers are read:
/// far more than any `From:`/`Date:`/`Subject:` block takes.
const IN_BODY_HEADER_BYTES: usize = 4096;

/// `raw` cut after the first `limit` bytes of its body, at a line end (so
/// quoted-printable and base64 lines stay whole).
fn with_body_prefix(raw: &[u8], limit: usize) -> &[u8] {
    let Some(body_start) = body_start(raw) else {
        return raw;
    };
    let end = body_start.saturating_add(limit);
    if end >= raw.len() {
        return raw;
    }
    match memchr::memrchr(b'\n', &raw[body_start..end]) {
        Some(nl) => &raw[..body_start + nl + 1],
        None => &raw[..end],
    }
}

/// Where the body starts: after the blank line ending the headers, `\n\n`
/// or `\n\r\n`, whichever comes first.
fn body_start(raw: &[u8]) -> Option<usize> {
    memchr::memchr_iter(b'\n', raw).find_map(|i| match &raw[i + 1..] {
        [b'\n', ..] => Some(i + 2),
        [b'\r', b'\n', ..] => Some(i + 3),
        _ => None,
    })
}

/// Headers a report reads. List mail carries dozens more (Received, DKIM,
/// ARC, X-…) that are half of its header bytes and most of the parsing time.
const READ_HEADERS: &[&[u8]] = &[
    b"from",
    b"x-original-from",
    b"subject",
    b"message-id",
    b"in-reply-to",
    b"references",
    b"list-id",
    b"date",
    b"mime-version",
    b"content-type",
    b"content-transfer-encoding",
    b"content-disposition",
];

/// Headers read only to map patches to MAINTAINERS sections, from the
/// raw mail (see [`recipients`]).
const RECIPIENT_HEADERS: &[&[u8]] = &[b"to", b"cc"];

/// Copies `raw` into `out` without the headers no report reads, keeping
/// folded lines with their header and the body as is. Returns false (and
/// leaves `out` unspecified) when `raw` does not open with a header line or
/// has none a report reads, so that the parser sees such a mail as it is.
fn keep_read_headers(raw: &[u8], out: &mut Vec<u8>) -> bool {
    out.clear();
    let mut keep = false;
    let mut kept_any = false;
    let mut rest = raw;
    let mut first = true;
    while !rest.is_empty() {
        let end = memchr::memchr(b'\n', rest).map_or(rest.len(), |nl| nl + 1);
        let line = &rest[..end];
        if line == b"\n" || line == b"\r\n" {
            // The blank line that ends the headers, and the body.
            out.extend_from_slice(rest);
            return kept_any;
        }
        if line[0] == b' ' || line[0] == b'\t' {
            if first {
                return false;
            }
        } else {
            let Some(colon) = memchr::memchr(b':', line) else {
                if first {
                    return false;
                }
                // A broken line inside the headers: drop it, as the headers
                // it might belong to are not ones a report reads.
                keep = false;
                rest = &rest[end..];
                continue;
            };
            let name = line[..colon].trim_ascii();
            keep = READ_HEADERS.iter().any(|h| h.eq_ignore_ascii_case(name));
        }
        if keep {
            out.extend_from_slice(line);
            kept_any = true;
        }
        first = false;
        rest = &rest[end..];
    }
    // Headers without a body, the last one cut off without its line end:
    // the parser would drop that header.
    if kept_any && !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    kept_any
}

fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(id) => vec![clean_id(id)],
        HeaderValue::TextList(list) => list.iter().map(|id| clean_id(id)).collect(),
        _ => Vec::new(),
    }
    .into_iter()
    .filter(|id| !id.is_empty())
    .collect()
}

/// An id without its angle brackets. Control characters become U+FFFD like
/// everywhere else; Message-ID, In-Reply-To and References all pass here,
/// so mails still find each other (only such an id's web link stops
/// matching the archive's).
fn clean_id(id: &str) -> String {
    let id = id
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim();
    printable_line(id).into_owned()
}

/// A header's value as written: for headers whose decoding is done here
/// (the subject's encoded words, the quotes of a display name) or where
/// undecodable bytes must not lose the value (a Latin-1 zone comment in
/// `Date:`).
fn raw_header<'a>(head: &'a mail_parser::Message<'_>, name: &HeaderName<'_>) -> Option<&'a [u8]> {
    let header = head.headers().iter().find(|h| &h.name == name)?;
    head.raw_message()
        .get(header.offset_start as usize..header.offset_end as usize)
}

/// The decoded subject; empty when the mail has none.
fn subject_header(head: &mail_parser::Message<'_>) -> String {
    raw_header(head, &HeaderName::Subject).map_or_else(String::new, decode_unstructured)
}

/// `Linux Hyper-V <linux-hyperv.vger.kernel.org>` → `linux-hyperv.vger.kernel.org`.
fn list_id(value: Option<&HeaderValue<'_>>) -> Option<String> {
    let text = value?.as_text()?;
    let id = match (text.rfind('<'), text.rfind('>')) {
        (Some(open), Some(close)) if open < close => &text[open + 1..close],
        _ => text,
    };
    let id = printable_line(id.trim()).to_lowercase();
    (!id.is_empty()).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> Message {
        parse_message(raw.as_bytes())
    }

    #[test]
    fn folded_subject_is_unfolded_completely() {
        let m = parse(
            "From: Sean Christopherson <seanjc@google.com>\nSubject: [PATCH 1/4] KVM: selftests: Verify KVM is loaded when getting a KVM\n module param\nMessage-ID: <1@x>\n\nBody\n",
        );
        assert_eq!(
            m.subject.title,
            "KVM: selftests: Verify KVM is loaded when getting a KVM module param"
        );
    }

    #[test]
    fn quoted_printable_body_and_soft_breaks_are_decoded() {
        let m = parse(concat!(
            "From: A <a@example.com>\n",
            "Subject: [PATCH] doc: fix\n",
            "Content-Type: text/plain; charset=utf-8\n",
            "Content-Transfer-Encoding: quoted-printable\n\n",
            "It=E2=80=99s described in the rfc=\n",
            "822 spec.\n---\n 1 file changed, 1 insertion(+)\n"
        ));
        let text = m.commit_message.unwrap().text;
        assert!(
            text.starts_with("It\u{2019}s described in the rfc822 spec.\n"),
            "{text}"
        );
    }

    #[test]
    fn base64_utf8_name_in_header() {
        let m = parse("From: =?UTF-8?B?Wm/DqyBNw7xsbGVy?= <Zoe@Example.org>\nSubject: hi\n\nx\n");
        assert_eq!(m.author.unwrap().display(), "Zoë Müller <zoe@example.org>");
    }

    #[test]
    fn base64_latin1_body() {
        // "Grüße" in ISO-8859-1, base64.
        let m = parse(concat!(
            "From: a@example.com\nSubject: [PATCH] x\n",
            "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: base64\n\n",
            "R3L832UK\n"
        ));
        assert_eq!(m.commit_message.unwrap().text, "Grüße\n");
    }

    #[test]
    fn in_body_from_makes_the_author() {
        let m = parse(concat!(
            "From: Sean Christopherson <seanjc@google.com>\n",
            "Subject: [PATCH v2 1/8] KVM: SVM: Remove wbinvd in sev_vm_destroy()\n\n",
            "From: Zheyun Shen <szy0127@sjtu.edu.cn>\n\nBefore it.\n"
        ));
        assert_eq!(m.author.unwrap().email, "szy0127@sjtu.edu.cn");
        assert_eq!(m.sender.unwrap().email, "seanjc@google.com");
        assert_eq!(m.commit_message.unwrap().text, "Before it.\n");
    }

    #[test]
    fn a_reply_opening_with_the_quoted_headers_keeps_its_sender() {
        let m = parse(concat!(
            "From: David Miller <davem@davemloft.net>\nSubject: Re: [PATCH net] x\n\n",
            "From: Jane Dev <jane@example.com>\nDate: Mon, 1 Jan 2024 10:00:00 +0000\n\n",
            "> Fix the thing.\n\nApplied, thanks.\n"
        ));
        assert_eq!(m.author.unwrap().email, "davem@davemloft.net");
    }

    #[test]
    fn a_relayed_mail_is_credited_to_its_original_sender() {
        let m = parse(concat!(
            "From: Ann Dev via B4 Relay <devnull+ann.x.org@kernel.org>\n",
            "X-Original-From: Ann Dev <ann@x.org>\n",
            "Subject: [PATCH] hv: fix\n\nFix.\n---\ndiff --git a/a b/a\n"
        ));
        assert_eq!(m.author.as_ref().unwrap().email, "ann@x.org");
        assert_eq!(
            m.sender.as_ref().unwrap().email,
            "devnull+ann.x.org@kernel.org"
        );
        assert_eq!(m.sent_by().unwrap().email, "ann@x.org");
        // A reply through the relay counts for its writer, and so does the
        // trailer she indents.
        let m = parse(concat!(
            "From: Ann Dev via B4 Relay <devnull+ann.x.org@kernel.org>\n",
            "X-Original-From: Ann Dev <ann@x.org>\nSubject: Re: [PATCH] x\n\n",
            "  Reviewed-by: Ann Dev <ann@x.org>\n"
        ));
        assert_eq!(m.author.unwrap().email, "ann@x.org");
        assert_eq!(m.trailers.len(), 1);
        // An in-body From still names a patch's author.
        let m = parse(concat!(
            "From: Ann Dev via B4 Relay <devnull+ann.x.org@kernel.org>\n",
            "X-Original-From: Ann Dev <ann@x.org>\nSubject: [PATCH] x\n\n",
            "From: Bob <bob@y.org>\n\nFix.\n---\ndiff --git a/a b/a\n"
        ));
        assert_eq!(m.author.unwrap().email, "bob@y.org");
    }

    #[test]
    fn encoded_words_and_quoted_names_read_as_written() {
        let m = parse(concat!(
            "From: Jane \"JD\" Doe <j@x.org>\n",
            "Subject: [PATCH] =?UTF-8?Q?f=C3=B6o?=: fix (=?ISO-8859-1?Q?a?=)\n\nx\n"
        ));
        assert_eq!(m.sender.as_ref().unwrap().name, "Jane \"JD\" Doe");
        assert_eq!(m.author.unwrap().name, "Jane \"JD\" Doe");
        assert_eq!(m.subject.title, "föo: fix (a)");
        let m =
            parse("From: \"Doe, Jane\" <j@x.org>\nSubject: =?utf-8?q?a?=\n =?utf-8?q?b?=\n\nx\n");
        assert_eq!(m.sender.unwrap().name, "Doe, Jane");
        assert_eq!(m.subject.full, "ab");
    }

    #[test]
    fn a_numbered_tag_without_patch_is_a_patch_when_it_carries_a_diff() {
        let with_diff =
            "From: a@x.org\nSubject: [net,v2,1/2] net: mana: x\n\nFix.\n---\ndiff --git a/a b/a\n";
        let SubjectKind::Patch(tag) = parse(with_diff).subject.kind else {
            panic!("not a patch")
        };
        assert_eq!(
            (tag.index, tag.total, tag.version.major),
            (Some(1), Some(2), 2)
        );
        assert!(parse(with_diff).commit_message.is_some());
        let robot = "From: kernel test robot <lkp@intel.com>\nSubject: [kvmarm:next 29/32] arch/arm64/kvm/x.c:12: warning: unused\n\ntree: x\n";
        assert_eq!(parse(robot).subject.kind, SubjectKind::Other);
    }

    #[test]
    fn request_pull_output_is_a_pull_request() {
        let m = parse(concat!(
            "From: Wei <wei@kernel.org>\nSubject: Hyper-V fixes for 6.10\n\nHi Linus,\n\n",
            "The following changes since commit 1613e604df0cd359cf2a7fbd9be7a0bcfacfabd0:\n\n",
            "  Linux 6.10-rc1 (2024-05-26 15:20:12 -0700)\n\n",
            "are available in the Git repository at:\n\n  ssh://git@x/hyperv.git tags/hyperv-fixes\n"
        ));
        assert_eq!(m.subject.kind, SubjectKind::PullRequest);
    }

    #[test]
    fn a_patch_subject_kept_on_a_reply_without_a_diff_is_a_reply() {
        let m = parse(concat!(
            "From: Rev <rev@y.org>\nSubject: [PATCH v2 1/3] hv: x\nIn-Reply-To: <p1@x>\n\n",
            "> Fix.\n\nReviewed-by: Rev <rev@y.org>\n"
        ));
        assert_eq!(m.subject.kind, SubjectKind::Reply);
        assert_eq!(m.commit_message, None);
        assert_eq!(m.trailers.len(), 1);
        // A cover letter answering the earlier version has no diff and stays one.
        let m =
            parse("From: a@x.org\nSubject: [PATCH v2 0/3] hv: x\nIn-Reply-To: <c1@x>\n\nCover.\n");
        assert!(m.patch_tag().is_some());
        // So do a patch answering its cover, and one whose diff is attached.
        let m = parse(
            "From: a@x.org\nSubject: [PATCH 1/3] x\nIn-Reply-To: <c@x>\n\nFix.\n---\ndiff --git a/a b/a\n",
        );
        assert!(m.patch_tag().is_some());
        let m = parse(concat!(
            "From: a@x.org\nSubject: [PATCH 2/3] x\nIn-Reply-To: <c@x>\nMIME-Version: 1.0\n",
            "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nFix.\n",
            "--b\nContent-Type: text/x-patch; name=\"0002-x.patch\"\n",
            "Content-Disposition: attachment; filename=\"0002-x.patch\"\n\n--- a/a\n+++ b/a\n--b--\n"
        ));
        assert!(m.patch_tag().is_some());
        // Without a parent, a patch without a diff is still a patch.
        let m = parse("From: a@x.org\nSubject: [PATCH] x\n\nJust text.\n");
        assert!(m.patch_tag().is_some());
    }

    #[test]
    fn trailers_of_replies_in_any_encoding() {
        let qp = parse(concat!(
            "From: Rev <rev@y.org>\nSubject: Re: [PATCH] x\n",
            "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n",
            "> Reviewed-by: Quoted <q@q.org>\nReviewed-by: Ren=C3=A9 <rene@y.org>\n"
        ));
        let got: Vec<_> = qp.trailers.iter().map(|t| t.person.display()).collect();
        assert_eq!(got, ["René <rene@y.org>"]);
        // "Acked-by: Bob <bob@b.org>" in base64.
        let b64 = parse(concat!(
            "From: Bob <bob@b.org>\nSubject: Re: [PATCH] x\nContent-Transfer-Encoding: base64\n\n",
            "QWNrZWQtYnk6IEJvYiA8Ym9iQGIub3JnPgo=\n"
        ));
        assert_eq!(b64.trailers.len(), 1);
        assert_eq!(
            parse("From: a@b.org\nSubject: Re: x\n\nThanks!\n").trailers,
            []
        );
    }

    #[test]
    fn crlf_mail() {
        let m = parse(
            "From: A <a@b.org>\r\nSubject: [PATCH] x\r\n y\r\nMessage-ID: <id@b.org>\r\n\r\nText\r\n---\r\n 1 file changed, 1 deletion(-)\r\n",
        );
        assert_eq!(m.subject.title, "x y");
        assert_eq!(m.message_id.as_deref(), Some("id@b.org"));
        assert_eq!(
            m.commit_message.unwrap().text,
            "Text\n---\n 1 file changed, 1 deletion(-)\n"
        );
    }

    #[test]
    fn first_text_plain_part_of_multipart() {
        let m = parse(concat!(
            "From: A <a@b.org>\nSubject: [PATCH] x\nMIME-Version: 1.0\n",
            "Content-Type: multipart/mixed; boundary=\"zzz\"\n\n",
            "preamble\n--zzz\nContent-Type: text/plain; charset=us-ascii\n\nThe message.\n",
            "--zzz\nContent-Type: text/x-patch; name=\"a.patch\"\nContent-Disposition: attachment\n\ndiff --git a b\n",
            "--zzz--\n"
        ));
        assert_eq!(m.commit_message.unwrap().text, "The message.\n");
    }

    #[test]
    fn threading_headers() {
        let m = parse(
            "From: a@b.org\nSubject: Re: x\nIn-Reply-To: <p@x>\nReferences: <r@x>\n <p@x>\n\nok\n",
        );
        assert_eq!(m.in_reply_to.as_deref(), Some("p@x"));
        assert_eq!(m.references, ["r@x", "p@x"]);
        assert_eq!(m.subject.kind, SubjectKind::Reply);
        assert_eq!(m.commit_message, None);
    }

    #[test]
    fn list_id_is_taken_from_angle_brackets() {
        let m = parse("From: a@b.org\nList-Id: <kvm.vger.kernel.org>\nSubject: x\n\n.\n");
        assert_eq!(m.list_id.as_deref(), Some("kvm.vger.kernel.org"));
        let m = parse("From: a@b.org\nList-Id: KVM list <KVM.vger.kernel.org>\nSubject: x\n\n.\n");
        assert_eq!(m.list_id.as_deref(), Some("kvm.vger.kernel.org"));
    }

    #[test]
    fn unread_headers_are_dropped_before_parsing() {
        let raw = b"Received: from a\n\tby b\nFrom: A <a@b.org>\nX-Junk: 1\nSubject: [PATCH] x\n  y\n\nFrom: body line\n";
        let mut out = Vec::new();
        assert!(keep_read_headers(raw, &mut out));
        assert_eq!(
            out,
            b"From: A <a@b.org>\nSubject: [PATCH] x\n  y\n\nFrom: body line\n"
        );
        // Not a mail that opens with a header: left alone.
        assert!(!keep_read_headers(b"no header here\n\nbody\n", &mut out));
        assert!(!keep_read_headers(b" folded first\n", &mut out));
        // Only headers a report does not read: parsed as it is, still a mail.
        assert!(!keep_read_headers(b"X-Only: 1\n\nbody\n", &mut out));
        assert!(!parse("X-Only: 1\n\nbody\n").unparseable);
        // A mail of headers only, the last one without its line end, keeps it.
        let m = parse("From: a@b.org\nSubject: x\nMessage-ID: <last@b.org>");
        assert_eq!(m.message_id.as_deref(), Some("last@b.org"));
    }

    #[test]
    fn only_the_top_of_a_non_patch_body_is_decoded() {
        let raw = b"From: a@b.org\r\nSubject: Re: x\r\n\r\nline one\r\nline two\r\nline three\r\n";
        assert_eq!(
            with_body_prefix(raw, 12),
            b"From: a@b.org\r\nSubject: Re: x\r\n\r\nline one\r\n"
        );
        assert_eq!(with_body_prefix(raw, 1000), raw);
        assert_eq!(with_body_prefix(b"no blank line", 1), b"no blank line");
        // The in-body From is still found, and a long text after it costs nothing.
        let long = format!(
            "From: a@b.org\nSubject: a question\n\nFrom: Real <r@x.org>\n\n{}",
            "> quote\n".repeat(10_000)
        );
        let m = parse(&long);
        assert_eq!(m.author.unwrap().email, "r@x.org");
    }

    #[test]
    fn missing_and_garbled_headers_are_tolerated() {
        let m = parse("Subject: no sender\n\nbody\n");
        assert_eq!(m.author, None);
        let m = parse(
            "From: \u{0}\u{1}garbage <<<\nSubject: =?bogus?Q?x?=\nDate: 99 Foo 0 +2000\n\nbody\n",
        );
        assert!(m.author.is_none());
        let m = parse_message(b"\xff\xfe\x00garbage without colon");
        assert!(m.author.is_none());
        let m = parse_message(b"");
        assert!(m.unparseable);
    }

    #[test]
    fn the_date_header_is_read_with_its_offset() {
        let m = parse_message(
            b"From: a@x.org\nDate: Thu, 1 May 2025 03:02:00 +0200\nSubject: x\n\nhi\n",
        );
        assert_eq!(m.date, Some(1_746_061_320));
        let m = parse_message(b"From: a@x.org\nDate: someday\nSubject: x\n\nhi\n");
        assert_eq!(m.date, None);
        // A Latin-1 zone comment is not UTF-8; the date is still read.
        let m = parse_message(
            b"From: a@x.org\nDate: Thu, 1 May 2025 03:02:00 +0200 (Mitteleurop\xe4ische\n Sommerzeit)\n\nhi\n",
        );
        assert_eq!(m.date, Some(1_746_061_320));
    }
}
