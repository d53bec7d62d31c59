use super::MessageIndex;
use crate::archive::MailRecord;

/// How far up a thread [`thread_roots`] follows parents; deeper chains (or
/// reference loops) stop there.
const MAX_DEPTH: usize = 256;

/// Where a mail's thread starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ThreadRoot {
    /// The mail starts its thread within the mails given.
    Own,
    /// The thread starts at this mail (an index into the mails given).
    Mail(usize),
    /// The thread starts before the mails given, at this Message-ID (the
    /// oldest the mail references).
    Outside(String),
}

/// The thread root of every mail, by `References` and `In-Reply-To`.
///
/// A mail's parent is the oldest mail it references that is among the
/// mails; its root is the parent's root. A mail referencing only mails
/// outside starts a thread whose root is outside.
pub fn thread_roots(mails: &[MailRecord], by_id: &MessageIndex<'_>) -> Vec<ThreadRoot> {
    let ancestors = |i: usize| {
        let message = &mails[i].message;
        message.references.iter().chain(message.in_reply_to.iter())
    };
    let parent = |i: usize| {
        ancestors(i)
            .filter_map(|id| by_id.get(id.as_str()).copied())
            .find(|&p| p != i)
    };

    (0..mails.len())
        .map(|i| {
            let mut top = i;
            for _ in 0..MAX_DEPTH {
                match parent(top) {
                    Some(p) if p != i => top = p,
                    _ => break,
                }
            }
            if top != i {
                return ThreadRoot::Mail(top);
            }
            match ancestors(i).next() {
                Some(outside) => ThreadRoot::Outside(outside.clone()),
                None => ThreadRoot::Own,
            }
        })
        .collect()
}

/// Whether a subject reads like a bug report: syzbot, `[BUG]`, `BUG:`,
/// `[REGRESSION]`, `[bug report]`, KASAN and friends.
pub fn is_bug_report(subject: &str, author_email: Option<&str>) -> bool {
    let subject = subject.to_lowercase();
    const MARKERS: &[&str] = &[
        "[bug",
        "bug:",
        "[regression",
        "regression:",
        "[syzbot",
        "kasan:",
        "ubsan:",
        "kcsan:",
        "warning in",
        "general protection fault",
        "kernel panic",
        "null pointer dereference",
    ];
    MARKERS.iter().any(|m| subject.contains(m))
        || author_email
            .is_some_and(|e| e.contains("syzbot") || e.ends_with("syzkaller.appspotmail.com"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::message_index;

    fn mail(id: &str, refs: &[&str]) -> MailRecord {
        let mut raw = format!("From: a@b.org\nSubject: x\nMessage-ID: <{id}>\n");
        if let Some(last) = refs.last() {
            raw.push_str(&format!("In-Reply-To: <{last}>\n"));
            let all: Vec<String> = refs.iter().map(|r| format!("<{r}>")).collect();
            raw.push_str(&format!("References: {}\n", all.join(" ")));
        }
        raw.push_str("\nbody\n");
        MailRecord::parsed(&raw, 0)
    }

    #[test]
    fn roots_inside_and_outside() {
        let mails = [
            mail("root", &[]),
            mail("r1", &["root"]),
            mail("r2", &["root", "r1"]),
            mail("late", &["gone", "also-gone"]),
            mail("broken-refs", &["r2"]),
        ];
        assert_eq!(
            thread_roots(&mails, &message_index(&mails)),
            [
                ThreadRoot::Own,
                ThreadRoot::Mail(0),
                ThreadRoot::Mail(0),
                ThreadRoot::Outside("gone".into()),
                ThreadRoot::Mail(0),
            ]
        );
    }

    #[test]
    fn loops_terminate() {
        let mails = [mail("a", &["b"]), mail("b", &["a"]), mail("s", &["s"])];
        let roots = thread_roots(&mails, &message_index(&mails));
        assert_eq!(roots.len(), 3);
        assert_eq!(roots[2], ThreadRoot::Outside("s".into()));
    }

    #[test]
    fn bug_reports() {
        assert!(is_bug_report("[BUG] hv_netvsc: crash on resume", None));
        assert!(is_bug_report("[bug report] net: mana: Add support", None));
        assert!(is_bug_report(
            "KASAN: use-after-free in vmbus_onmessage",
            None
        ));
        assert!(is_bug_report(
            "[syzbot] WARNING in hv_ringbuffer_write",
            None
        ));
        assert!(is_bug_report(
            "anything",
            Some("syzbot+1234@syzkaller.appspotmail.com")
        ));
        assert!(!is_bug_report(
            "Question about vmbus channels",
            Some("a@b.org")
        ));
    }
}
