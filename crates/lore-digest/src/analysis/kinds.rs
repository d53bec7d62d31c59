//! What a mail is, where one mail alone cannot tell.

use std::collections::HashSet;

use crate::archive::MailRecord;
use crate::mail::SubjectKind;

/// Makes cover letters of the `0/N` mails numbered without the word PATCH
/// (`[net-next v2 0/1] …`) that a patch of the same total answers. Alone,
/// such a mail could be a robot's numbered report; its patches, which
/// carry diffs, say it is a cover letter (see [`crate::mail::Subject::bare_tag`]).
pub fn settle_bare_cover_letters(mails: &mut [MailRecord]) {
    let answered: HashSet<(&str, Option<u32>)> = mails
        .iter()
        .filter_map(|m| {
            let tag = m.message.patch_tag()?;
            Some((m.message.in_reply_to.as_deref()?, tag.total))
        })
        .collect();
    let covers: Vec<usize> = mails
        .iter()
        .enumerate()
        .filter(|(_, m)| {
            let message = &m.message;
            message.subject.kind == SubjectKind::Other
                && message.subject.bare_tag.as_ref().is_some_and(|tag| {
                    tag.is_cover_letter()
                        && message
                            .message_id
                            .as_deref()
                            .is_some_and(|id| answered.contains(&(id, tag.total)))
                })
        })
        .map(|(i, _)| i)
        .collect();
    for i in covers {
        let subject = &mut mails[i].message.subject;
        if let Some(tag) = subject.bare_tag.take() {
            subject.kind = SubjectKind::Patch(tag);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(id: &str, subject: &str, parent: Option<&str>, body: &str) -> MailRecord {
        let mut raw = format!("From: A <a@x.org>\nSubject: {subject}\nMessage-ID: <{id}>\n");
        if let Some(parent) = parent {
            raw.push_str(&format!("In-Reply-To: <{parent}>\n"));
        }
        raw.push_str(&format!("\n{body}"));
        MailRecord::parsed(&raw, 0)
    }

    #[test]
    fn a_bare_zero_of_n_answered_by_its_patches_is_a_cover_letter() {
        let diff = "Fix.\n---\ndiff --git a/a b/a\n";
        let mut mails = vec![
            mail(
                "c",
                "[net-next v2 0/1] hyperv: Link queues",
                None,
                "Cover.\n",
            ),
            mail(
                "p",
                "[net-next v2 1/1] hv_netvsc: Link queues",
                Some("c"),
                diff,
            ),
            // Answered by a patch of another total, or by nothing: left alone.
            mail("d", "[v3 0/4] other", None, "Cover.\n"),
            mail("q", "[v3 1/2] other", Some("d"), diff),
            mail("r", "[kvmarm:next 0/2] robot", None, "report\n"),
        ];
        settle_bare_cover_letters(&mut mails);
        let kinds: Vec<bool> = mails
            .iter()
            .map(|m| m.message.patch_tag().is_some())
            .collect();
        assert_eq!(kinds, [true, true, false, true, false]);
        assert!(
            mails[0]
                .message
                .patch_tag()
                .is_some_and(|t| t.is_cover_letter())
        );
    }
}
