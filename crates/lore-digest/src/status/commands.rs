//! Commands and verdicts written as one line.
//!
//! * netdev's mail bot (nipa's `mailbot.py`) acts on a line that starts
//!   with `pw-bot:` and sets the series' patchwork state: `cr` or
//!   `changes-requested`, `accepted`, `rejected`/`reject`,
//!   `deferred`/`defer`, `awaiting-upstream`/`au`, `under-review`/`ur`,
//!   `not-applicable`/`nap`, `needs-ack`/`nac`, `new`; `superseded` (a
//!   patchwork state the bot does not map) is read too. The bot matches
//!   the line's start exactly, and so does this rule; an unknown command
//!   is no evidence.
//! * A NAK: an unquoted line that starts with `NAK`, `NACK`, `Nak`, `Nack`,
//!   `Nacked`, `NAKed` or `NACKed`, then the line's end, punctuation, or
//!   `to`/`for`/`on`/`from` (`NAK to this.`, `NACK on exporting …`). The
//!   word inside prose (`a NAK from the device`) or followed by other words
//!   (`NAK handshakes are …`, USB's) is not.
//! * A `Nacked-by: Name <address>` trailer, in any case and indentation,
//!   not quoted (a quoted line starts with `>`, not with the name); it says
//!   who NAKed.

use super::{Evidence, Kind, Mail, Rule};
use crate::mail::parse_address;

pub(super) fn find(mail: &Mail<'_>, used: &mut [bool], found: &mut Vec<Evidence>) {
    for (i, line) in mail.lines.iter().enumerate() {
        if used.get(i).copied().unwrap_or(true) {
            continue;
        }
        let evidence = pw_bot(mail, line)
            .or_else(|| nak(mail, line))
            .or_else(|| nacked_by(mail, line));
        if let Some(evidence) = evidence {
            if let Some(flag) = used.get_mut(i) {
                *flag = true;
            }
            found.push(evidence);
        }
    }
}

fn pw_bot(mail: &Mail<'_>, line: &str) -> Option<Evidence> {
    let command = line.strip_prefix("pw-bot:")?.trim().to_ascii_lowercase();
    let kind = match command.as_str() {
        "cr" | "changes-requested" => Kind::ChangesRequested,
        "accepted" | "accept" => Kind::Accepted,
        "rejected" | "reject" => Kind::Rejected,
        "deferred" | "defer" => Kind::Deferred,
        "superseded" => Kind::Superseded,
        "awaiting-upstream" | "au" => Kind::AwaitingUpstream,
        "under-review" | "under review" | "ur" => Kind::UnderReview,
        "not-applicable" | "nap" => Kind::NotApplicable,
        "needs-ack" | "needs ack" | "need-ack" | "nac" => Kind::NeedsAck,
        "new" => Kind::New,
        _ => return None,
    };
    Some(mail.evidence(kind, Rule::PwBot, line))
}

const NAK_WORDS: &[&str] = &[
    "NAK", "NACK", "Nak", "Nack", "Nacked", "NAKed", "NACKed", "NACKED",
];

fn nak(mail: &Mail<'_>, line: &str) -> Option<Evidence> {
    if !line.starts_with('N') {
        return None;
    }
    let word_end = line
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(line.len());
    let (word, rest) = line.split_at(word_end);
    if !NAK_WORDS.contains(&word) {
        return None;
    }
    let verdict = match rest.chars().next() {
        None => true,
        Some('.' | ',' | '!' | ':' | ';') => true,
        Some(c) if c.is_whitespace() => {
            let next = rest.split_whitespace().next().unwrap_or("");
            next.is_empty() || ["to", "for", "on", "from"].contains(&next)
        }
        _ => false,
    };
    verdict.then(|| mail.evidence(Kind::Nacked, Rule::Nak, line))
}

fn nacked_by(mail: &Mail<'_>, line: &str) -> Option<Evidence> {
    // Most lines are turned away by their first letter.
    let text = line.trim_start();
    if !text.starts_with(['N', 'n']) {
        return None;
    }
    let (name, value) = line.trim().split_once(':')?;
    if !name.trim_end().eq_ignore_ascii_case("nacked-by") {
        return None;
    }
    let person = parse_address(value)?;
    let mut evidence = mail.evidence(Kind::Nacked, Rule::NackedBy, line);
    evidence.by = Some(person);
    Some(evidence)
}

#[cfg(test)]
mod tests {
    use super::super::{Kind, Rule, evidence};
    use crate::mail::Person;

    fn kinds(body: &str) -> Vec<(Rule, Kind)> {
        evidence(body, "Re: [PATCH net-next] x", None)
            .into_iter()
            .map(|e| (e.rule, e.kind))
            .collect()
    }

    #[test]
    fn pw_bot_commands() {
        let one = |cmd: &str| kinds(&format!("Please fix the leak.\n\npw-bot: {cmd}\n"));
        assert_eq!(one("cr"), [(Rule::PwBot, Kind::ChangesRequested)]);
        assert_eq!(
            one("changes-requested"),
            [(Rule::PwBot, Kind::ChangesRequested)]
        );
        assert_eq!(one("accepted"), [(Rule::PwBot, Kind::Accepted)]);
        assert_eq!(one("reject"), [(Rule::PwBot, Kind::Rejected)]);
        assert_eq!(one("rejected"), [(Rule::PwBot, Kind::Rejected)]);
        assert_eq!(one("defer"), [(Rule::PwBot, Kind::Deferred)]);
        assert_eq!(one("superseded"), [(Rule::PwBot, Kind::Superseded)]);
        assert_eq!(
            one("awaiting-upstream"),
            [(Rule::PwBot, Kind::AwaitingUpstream)]
        );
        assert_eq!(one("au"), [(Rule::PwBot, Kind::AwaitingUpstream)]);
        assert_eq!(one("under-review"), [(Rule::PwBot, Kind::UnderReview)]);
        assert_eq!(one("nap"), [(Rule::PwBot, Kind::NotApplicable)]);
        assert_eq!(one("needs-ack"), [(Rule::PwBot, Kind::NeedsAck)]);
        assert_eq!(one("new"), [(Rule::PwBot, Kind::New)]);
        // What the bot would not act on.
        assert_eq!(one("applied"), []);
        assert_eq!(kinds("> pw-bot: cr\n\nI disagree.\n"), []);
        assert_eq!(kinds(" pw-bot: cr\n"), []);
        assert_eq!(kinds("Use pw-bot: cr next time.\n"), []);
    }

    #[test]
    fn naks() {
        for line in [
            "NAK",
            "NAK.",
            "NAK to this.",
            "NAK, read the code",
            "NACK on exporting offline_pages()",
            "Nacked.",
            "NAK for any code this touches.",
        ] {
            assert_eq!(
                kinds(&format!("> patch\n\n{line}\n")),
                [(Rule::Nak, Kind::Nacked)],
                "{line}"
            );
        }
        for line in [
            "> NAK",
            "I'd NAK this.",
            "NAK handshakes are retried by the host controller.",
            "NAKs are expected here.",
            "Naked pointers are fine.",
            "nak",
            "  NAK",
        ] {
            assert_eq!(kinds(&format!("{line}\n")), [], "{line}");
        }
    }

    #[test]
    fn nacked_by_trailers() {
        let found = evidence(
            "\nNacked-by: \"Eric W. Biederman\" <ebiederm@xmission.com>\n",
            "Re: x",
            None,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rule, Rule::NackedBy);
        assert_eq!(
            found[0].by,
            Some(Person::new("Eric W. Biederman", "ebiederm@xmission.com"))
        );
        assert_eq!(
            kinds("nacked-BY: A <a@b.org>\n"),
            [(Rule::NackedBy, Kind::Nacked)]
        );
        assert_eq!(
            kinds("  Nacked-by: A <a@b.org>\n"),
            [(Rule::NackedBy, Kind::Nacked)]
        );
        assert_eq!(kinds(">> Nacked-by: A <a@b.org>\n"), []);
        assert_eq!(kinds("Nacked-by: nobody in particular\n"), []);
    }
}
