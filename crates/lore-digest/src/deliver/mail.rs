//! The mail of an update: one RFC 5322 message, `multipart/alternative`
//! with the text report and the HTML report, UTF-8, threaded after the
//! list's previous update.

use lettre::Address;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, Mailboxes, MultiPart};
use serde::{Deserialize, Serialize};

use super::Span;
use crate::Error;
use crate::report::Report;

/// Who the mail is from and to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Addresses {
    /// The `From:` and the envelope sender.
    pub from: Mailbox,
    /// The `To:` and the envelope recipients.
    pub to: Vec<Mailbox>,
}

impl Addresses {
    /// Parses `from` (`Name <a@b>` or `a@b`) and `to`, each a list of
    /// such separated by commas (`a@b, "Doe, Jane" <j@x>`); together they
    /// must name someone.
    pub fn parse(from: &str, to: &[String]) -> Result<Addresses, Error> {
        let from = from.trim().parse::<Mailbox>().map_err(|e| {
            Error::MailSetup(format!(
                "--mail-from '{}' is not a mail address: {e}",
                from.trim()
            ))
        })?;
        let mut recipients = Vec::new();
        for list in to.iter().filter(|t| !t.trim().is_empty()) {
            let parsed = list.trim().parse::<Mailboxes>().map_err(|e| {
                Error::MailSetup(format!(
                    "--mail-to '{}' is not a list of mail addresses: {e}",
                    list.trim()
                ))
            })?;
            recipients.extend(parsed);
        }
        if recipients.is_empty() {
            return Err(Error::MailSetup("--mail-to names no address".into()));
        }
        Ok(Addresses {
            from,
            to: recipients,
        })
    }
}

/// The thread of a list's updates, kept in its state: each update's mail
/// answers the one before.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailThread {
    /// The Message-ID of the last update's mail (with angle brackets).
    pub last: String,
    /// Its `References:` followed by itself: the thread's first mail and
    /// the latest ones.
    pub references: Vec<String>,
}

/// How many Message-IDs `References:` keeps: the thread's first and the
/// latest, as RFC 5322 (3.6.4) allows a long thread to trim.
const MAX_REFERENCES: usize = 20;

impl MailThread {
    /// The thread once `message_id` was sent after `previous`.
    pub fn after(previous: Option<&MailThread>, message_id: &str) -> MailThread {
        let mut references = previous.map(|p| p.references.clone()).unwrap_or_default();
        references.push(message_id.to_string());
        if references.len() > MAX_REFERENCES {
            references.drain(1..references.len() - (MAX_REFERENCES - 1));
        }
        MailThread {
            last: message_id.to_string(),
            references,
        }
    }
}

/// A message ready to go: its bytes (CRLF lines, 7-bit: the parts are
/// quoted-printable or base64) and its envelope.
#[derive(Clone, Debug)]
pub struct Outgoing {
    /// Its Message-ID, with angle brackets.
    pub message_id: String,
    /// The envelope sender (`MAIL FROM`).
    pub sender: Address,
    /// The envelope recipients (`RCPT TO`).
    pub recipients: Vec<Address>,
    /// The whole message.
    pub bytes: Vec<u8>,
}

/// The subject, as the text report's title: `KVM mailing list update
/// from 42c98786 to 45c9ebb3`.
pub fn subject(report: &Report) -> String {
    format!(
        "{} mailing list update from {} to {}",
        report.list, report.from, report.to
    )
}

/// The mail of `report`, rendered as `text` and `html`, for the update
/// `span`, answering the last mail of `thread`.
pub fn message(
    report: &Report,
    text: String,
    html: String,
    addresses: &Addresses,
    span: &Span,
    thread: Option<&MailThread>,
) -> Result<Outgoing, Error> {
    let message_id = span.message_id(
        &report.list,
        &report.from,
        &report.to,
        addresses.from.email.domain(),
    );
    let mut builder = lettre::Message::builder()
        .from(addresses.from.clone())
        .subject(subject(report))
        .message_id(Some(message_id.clone()))
        // RFC 3834: made by a program, not to be answered by one.
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Auto-Submitted"),
            "auto-generated".into(),
        ));
    for to in &addresses.to {
        builder = builder.to(to.clone());
    }
    if let Some(thread) = thread {
        builder = builder
            .in_reply_to(thread.last.clone())
            .references(thread.references.join(" "));
    }
    let message = builder
        .multipart(MultiPart::alternative_plain_html(text, html))
        .map_err(|e| Error::MailSetup(format!("the update's mail cannot be made: {e}")))?;
    Ok(Outgoing {
        message_id,
        sender: addresses.from.email.clone(),
        recipients: addresses.to.iter().map(|m| m.email.clone()).collect(),
        bytes: message.formatted(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_parse_and_name_the_bad_one() {
        let a = Addresses::parse(
            "KVM digest <bot@example.org>",
            &[
                "a@example.org, \"Doe, Jane\" <j@example.com>".into(),
                " B <b@example.net> ".into(),
            ],
        )
        .unwrap();
        assert_eq!(a.from.email.domain(), "example.org");
        assert_eq!(a.to.len(), 3);
        assert_eq!(a.to[1].name.as_deref(), Some("Doe, Jane"));
        let err = Addresses::parse("bot@example.org", &["not an address".into()]).unwrap_err();
        assert!(err.to_string().contains("'not an address'"), "{err}");
        assert!(Addresses::parse("bot@example.org", &[]).is_err());
        assert!(Addresses::parse("nobody", &["a@example.org".into()]).is_err());
    }

    #[test]
    fn the_thread_keeps_its_first_mail_and_the_latest() {
        let mut thread = MailThread::after(None, "<0@x>");
        assert_eq!(thread.references, ["<0@x>"]);
        for n in 1..30 {
            thread = MailThread::after(Some(&thread), &format!("<{n}@x>"));
        }
        assert_eq!(thread.last, "<29@x>");
        assert_eq!(thread.references.len(), MAX_REFERENCES);
        assert_eq!(thread.references[0], "<0@x>");
        assert_eq!(thread.references[1], "<11@x>");
        assert_eq!(thread.references[19], "<29@x>");
    }
}
