//! Delivering an update to its readers: as one mail ([`mail`] builds it,
//! [`smtp`] and [`sendmail`] carry it), as a page of a static site with
//! an index and an Atom feed ([`publish`]), and as lines of an events file
//! for bots ([`events`]).
//!
//! # Never twice, never skipped
//!
//! An update is committed when `update` writes the list's state; every
//! delivery comes before that, so a run that fails anywhere leaves the
//! state and the next run delivers the same mail again. The steps run in
//! this order, the one that cannot be taken back last:
//!
//! 1. the report (`-o FILE` or standard output) and `--publish DIR`:
//!    files, rewritten atomically. A site entry is keyed by where its
//!    update started ([`Span::start`]), so a retried update replaces the
//!    entry of the failed try instead of adding a second one;
//! 2. `--events FILE`: the update's event lines, appended in one write and
//!    cut back off when that fails;
//! 3. `--mail-dry-run DIR`: the `.eml` file, named by its Message-ID;
//! 4. the mail itself (SMTP or sendmail): it cannot be recalled, so it goes
//!    out only once everything that can fail locally has succeeded;
//! 5. the state, with the mail's Message-ID for threading the next one.
//!
//! The window left is between the server's acceptance of the message and
//! the state's rename (a kill, a power cut). The next run then sends again,
//! with the same Message-ID when no mail arrived meanwhile (the ID is made
//! from the update's start and end, [`Span::message_id`]), which is what
//! mail clients and list archives deduplicate by.

pub mod events;
pub mod mail;
pub mod publish;
pub mod sendmail;
pub mod smtp;

use crate::archive::Mark;

/// One list of a group's update: its URL, the last update's heads (none
/// for its first), and the heads now.
pub type ListSpan<'a> = (&'a str, Option<&'a [Mark]>, &'a [Mark]);

/// Where an update starts and ends, as stable keys: the same update made
/// again (a retry after a failed delivery) has the same span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    /// The list's inbox URL.
    pub list_url: String,
    /// Where the update starts: the recorded heads of the last update, or
    /// `first` for a list's first update.
    pub start: String,
    /// Where it ends: the heads it saw.
    pub end: String,
}

impl Span {
    /// The span of an update from `previous` (the last update's heads, or
    /// none for the first) to `now`.
    pub fn new(list_url: &str, previous: Option<&[Mark]>, now: &[Mark]) -> Span {
        Span {
            list_url: list_url.to_string(),
            start: previous.map_or_else(|| "first".to_string(), position),
            end: position(now),
        }
    }

    /// The span of an update of a group of lists: each list's (its URL,
    /// the last update's heads or none, the heads now), in the group's order.
    pub fn of_group(group: &str, lists: &[ListSpan<'_>]) -> Span {
        let spans: Vec<Span> = lists
            .iter()
            .map(|(url, previous, now)| Span::new(url, *previous, now))
            .collect();
        let joined =
            |part: &dyn Fn(&Span) -> String| spans.iter().map(part).collect::<Vec<_>>().join(" ");
        Span {
            list_url: format!("group {group}: {}", joined(&|s| s.list_url.clone())),
            start: joined(&|s| s.start.clone()),
            end: joined(&|s| s.end.clone()),
        }
    }

    /// 16 hex digits that stand for the span, the same on every run.
    pub fn digest(&self) -> String {
        let text = format!("{}\n{}\n{}", self.list_url, self.start, self.end);
        format!("{:016x}", fnv1a(text.as_bytes()))
    }

    /// 16 hex digits that stand for the start alone: the key of a site
    /// entry, which a retry of the same update replaces.
    pub fn start_digest(&self) -> String {
        let text = format!("{}\n{}", self.list_url, self.start);
        format!("{:016x}", fnv1a(text.as_bytes()))
    }

    /// The Message-ID of this update's mail, angle brackets included:
    /// `<lore-digest.kvm.42c98786-45c9ebb3.0123456789abcdef@example.org>`,
    /// with `from`/`to` the report's abbreviations and `domain` the
    /// sender's.
    pub fn message_id(&self, list: &str, from: &str, to: &str, domain: &str) -> String {
        format!(
            "<lore-digest.{}.{}-{}.{}@{}>",
            id_word(list),
            id_word(from),
            id_word(to),
            self.digest(),
            domain_word(domain)
        )
    }
}

/// `0:<head>,1:<head>`: every epoch's head.
fn position(marks: &[Mark]) -> String {
    let parts: Vec<String> = marks
        .iter()
        .map(|m| format!("{}:{}", m.epoch, m.head))
        .collect();
    parts.join(",")
}

/// What may stand in a Message-ID's dot-atom: letters, digits and a few
/// marks; anything else becomes `_` (a list title may hold spaces).
fn id_word(text: &str) -> String {
    let word: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if word.is_empty() { "_".into() } else { word }
}

/// A domain for a Message-ID: labels of letters, digits and `-`, joined
/// by single dots (an address's domain may be a literal or odd).
fn domain_word(domain: &str) -> String {
    let labels: Vec<String> = domain
        .split('.')
        .map(id_word)
        .filter(|l| l != "_")
        .collect();
    if labels.is_empty() {
        "lore-digest.invalid".into()
    } else {
        labels.join(".")
    }
}

/// FNV-1a, 64 bits: a fixed function, unlike std's hasher, whose output
/// may change between Rust releases; the span's keys must not.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(epoch: u32, hex: &str) -> Mark {
        Mark {
            epoch,
            head: gix::ObjectId::from_hex(hex.repeat(40 / hex.len()).as_bytes()).unwrap(),
            time: 0,
        }
    }

    #[test]
    fn a_group_span_moves_when_any_of_its_lists_does() {
        let kvm = "https://lore.kernel.org/kvm";
        let arm = "https://lore.kernel.org/kvmarm";
        let (a, b, c) = ([mark(0, "a1")], [mark(0, "b2")], [mark(0, "c3")]);
        let span = Span::of_group("virt", &[(kvm, Some(&a), &b), (arm, None, &c)]);
        assert_eq!(span.start, format!("0:{} first", "a1".repeat(20)));
        assert_eq!(span.list_url, format!("group virt: {kvm} {arm}"));
        let moved = Span::of_group("virt", &[(kvm, Some(&a), &b), (arm, None, &b)]);
        assert_ne!(span.digest(), moved.digest());
        assert_eq!(span.start_digest(), moved.start_digest());
        let alone = Span::new(kvm, Some(&a), &b);
        assert_ne!(span.digest(), alone.digest());
    }

    #[test]
    fn spans_are_stable_and_tell_updates_apart() {
        let old = [mark(0, "a1")];
        let new = [mark(0, "b2"), mark(1, "c3")];
        let span = Span::new("https://lore.kernel.org/kvm", Some(&old), &new);
        assert_eq!(
            span,
            Span::new("https://lore.kernel.org/kvm", Some(&old), &new)
        );
        assert_eq!(span.start, format!("0:{}", "a1".repeat(20)));
        let first = Span::new("https://lore.kernel.org/kvm", None, &new);
        assert_eq!(first.start, "first");
        assert_ne!(span.digest(), first.digest());
        // A retry that saw more mail is another update from the same start.
        let later = Span::new("https://lore.kernel.org/kvm", Some(&old), &[mark(0, "d4")]);
        assert_ne!(span.digest(), later.digest());
        assert_eq!(span.start_digest(), later.start_digest());
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        let id = span.message_id("KVM list", "a1a1a1a1", "c3c3c3c3", "example.org");
        assert_eq!(
            id,
            format!(
                "<lore-digest.KVM_list.a1a1a1a1-c3c3c3c3.{}@example.org>",
                span.digest()
            )
        );
    }
}
