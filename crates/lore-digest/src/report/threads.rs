//! Discussion: replies per series, and the threads that are not patches.

use foldhash::{HashMap, HashMapExt, HashSet};

use super::model::{GivenTrailer, Thread};
use crate::analysis::{MessageIndex, SeriesGroup, ThreadRoot, is_bug_report, thread_roots};
use crate::archive::MailRecord;
use crate::mail::{Person, SubjectKind, parse_subject, strip_reply_prefixes};

/// Who took part in a thread or series, and when.
#[derive(Clone, Debug, Default)]
pub(super) struct Activity {
    pub replies: usize,
    pub participants: Vec<Person>,
    seen: HashSet<String>,
    pub first: Option<i64>,
    pub last: Option<i64>,
    /// Trailers given in replies, with the patch index of the mail replied to.
    pub trailers: Vec<GivenTrailer>,
    /// The replies, oldest first in mail order: (mail index, the index of
    /// the patch answered: 0 the cover letter, `None` a lone patch or, in a
    /// thread, unknown). What their notices and reviews say is the status.
    pub reply_mails: Vec<(usize, Option<u32>)>,
}

impl Activity {
    fn add(&mut self, mail: &MailRecord, is_reply: bool) {
        self.replies += usize::from(is_reply);
        let time = mail.commit.time;
        self.first = Some(self.first.map_or(time, |t| t.min(time)));
        self.last = Some(self.last.map_or(time, |t| t.max(time)));
        if let Some(author) = &mail.message.author
            && self.seen.insert(author.email.clone())
        {
            self.participants.push(author.clone());
        }
    }
}

/// Which series each patch mail belongs to: mail index → group index.
pub(super) fn series_of_mail(groups: &[SeriesGroup]) -> HashMap<usize, usize> {
    let members = groups
        .iter()
        .enumerate()
        .flat_map(|(g, group)| group.members.iter().map(move |&m| (m, g)));
    members.collect()
}

/// The trailers a mail gives, as given on patch `on` (0: the cover letter,
/// so the whole series; `None`: a lone patch).
pub(super) fn given(mail: &MailRecord, on: Option<u32>, in_reply: bool) -> Vec<GivenTrailer> {
    // For a relayed mail, the person the relay sent it for.
    let sender = mail.message.sent_by();
    mail.message
        .trailers
        .iter()
        .map(|t| GivenTrailer {
            kind: t.kind,
            person: t.person.clone(),
            patch: on,
            in_reply,
            sent_by: sender.filter(|s| s.email != t.person.email).cloned(),
            message_id: mail.message.message_id.clone(),
            arrived: jiff::Timestamp::from_second(mail.commit.time)
                .map(|t| t.to_string())
                .unwrap_or_else(|_| mail.commit.time.to_string()),
        })
        .collect()
}

/// The threads of a selection, sorted into the report's lists.
#[derive(Debug, Default)]
pub(super) struct Discussion {
    /// Activity per series, by the index given in `series_of_mail`.
    pub series: Vec<Activity>,
    pub pull_requests: Vec<Thread>,
    pub bug_reports: Vec<Thread>,
    pub discussions: Vec<Thread>,
    pub earlier_series: Vec<Thread>,
    /// For each of `earlier_series`: its mails in the selection, in order.
    pub earlier_series_mails: Vec<Vec<usize>>,
}

/// Follows every mail to its series or thread. `series_of_mail` maps the
/// mails that are patches of a series to that series' index.
pub(super) fn discussion(
    mails: &[MailRecord],
    by_id: &MessageIndex<'_>,
    series_of_mail: &HashMap<usize, usize>,
    series_count: usize,
    link: &dyn Fn(&Option<String>) -> Option<String>,
    timestamp: &dyn Fn(i64) -> String,
) -> Discussion {
    let roots = thread_roots(mails, by_id);
    let mut series = vec![Activity::default(); series_count];
    // In mail order, so participants are listed as they appeared.
    let mut members: Vec<(usize, usize)> = series_of_mail.iter().map(|(&m, &s)| (m, s)).collect();
    members.sort_unstable();
    for (mail, s) in members {
        series[s].add(&mails[mail], false);
    }

    /// A thread's root: a mail of the selection, or an id before it.
    #[derive(PartialEq, Eq, Hash)]
    enum Key {
        Mail(usize),
        Outside(String),
    }
    // root → (first mail in the selection, activity)
    let mut threads: HashMap<Key, (usize, Activity)> = HashMap::new();
    for (i, mail) in mails.iter().enumerate() {
        if series_of_mail.contains_key(&i) {
            continue;
        }
        let message = &mail.message;
        // The nearest referenced patch decides the series a reply is about.
        let nearest = message
            .in_reply_to
            .iter()
            .chain(message.references.iter().rev());
        let in_series = nearest
            .filter_map(|id| by_id.get(id.as_str()).copied())
            .chain(match roots[i] {
                ThreadRoot::Mail(root) => Some(root),
                _ => None,
            })
            .find_map(|m| Some((m, *series_of_mail.get(&m)?)));
        if let Some((patch, s)) = in_series {
            let on = mails[patch].message.patch_tag().and_then(|t| t.index);
            series[s].trailers.extend(given(mail, on, true));
            series[s].reply_mails.push((i, on));
            series[s].add(mail, true);
            continue;
        }
        // A reply to a reply whose thread began before the selection belongs
        // to that earlier thread.
        let root = match &roots[i] {
            ThreadRoot::Mail(root) => match &roots[*root] {
                ThreadRoot::Outside(id) => ThreadRoot::Outside(id.clone()),
                _ => ThreadRoot::Mail(*root),
            },
            other => other.clone(),
        };
        let key = match root {
            ThreadRoot::Own => Key::Mail(i),
            ThreadRoot::Mail(root) => Key::Mail(root),
            ThreadRoot::Outside(id) => Key::Outside(id),
        };
        // The mail that starts a thread is not a reply to it.
        let starts_it = key == Key::Mail(i);
        let entry = threads
            .entry(key)
            .or_insert_with(|| (i, Activity::default()));
        entry.1.reply_mails.push((i, None));
        if !starts_it {
            // The patch answered may lie before the selection: the reply's
            // own subject (`Re: [PATCH v2 3/5] …`) names its index.
            let on = match parse_subject(strip_reply_prefixes(&message.subject.full)).kind {
                SubjectKind::Patch(tag) => tag.index,
                _ => None,
            };
            entry.1.trailers.extend(given(mail, on, true));
        }
        entry.1.add(mail, !starts_it);
    }

    let mut out = Discussion {
        series,
        ..Discussion::default()
    };
    let mut sorted: Vec<_> = threads.into_iter().collect();
    // Most replies first; the first mail's position keeps ties stable.
    sorted.sort_by(|(_, (a_first, a)), (_, (b_first, b))| {
        b.replies.cmp(&a.replies).then(a_first.cmp(b_first))
    });
    for (key, (first_mail, activity)) in sorted {
        let (subject_mail, started_in_window, author, message_id) = match key {
            Key::Mail(root) => {
                let m = &mails[root].message;
                (root, true, m.author.clone(), m.message_id.clone())
            }
            Key::Outside(id) => (first_mail, false, None, Some(id)),
        };
        let subject = strip_reply_prefixes(&mails[subject_mail].message.subject.full).to_string();
        let kind = parse_subject(&subject).kind;
        let thread = Thread {
            url: link(&message_id),
            author,
            message_id,
            started_in_window,
            first_seen: timestamp(activity.first.unwrap_or_default()),
            last_activity: timestamp(activity.last.unwrap_or_default()),
            replies: activity.replies,
            participants: activity.participants,
            trailers: activity.trailers,
            subject,
        };
        let starter_email = thread.author.as_ref().map(|a| a.email.as_str());
        match kind {
            SubjectKind::PullRequest => out.pull_requests.push(thread),
            // A patch thread from before the selection; a patch forwarded
            // within it is a discussion of its own.
            SubjectKind::Patch(_) if !thread.started_in_window => {
                out.earlier_series.push(thread);
                let mails = activity.reply_mails.iter().map(|&(m, _)| m).collect();
                out.earlier_series_mails.push(mails);
            }
            _ if is_bug_report(&thread.subject, starter_email) => out.bug_reports.push(thread),
            _ => out.discussions.push(thread),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::group_series;

    fn mail(id: &str, from: &str, subject: &str, parents: &[&str], time: i64) -> MailRecord {
        let mut raw = format!("From: {from}\nSubject: {subject}\nMessage-ID: <{id}>\n");
        if let Some(last) = parents.last() {
            let refs: Vec<String> = parents.iter().map(|p| format!("<{p}>")).collect();
            raw.push_str(&format!(
                "In-Reply-To: <{last}>\nReferences: {}\n",
                refs.join(" ")
            ));
        }
        // Patches carry a diff: one without, answering a mail, is a reply.
        raw.push_str("\nbody\n---\ndiff --git a/f b/f\n");
        MailRecord::parsed(&raw, time)
    }

    #[test]
    fn replies_go_to_their_series_or_thread() {
        let a = "Ann <ann@x.org>";
        let r = "Rev <rev@y.org>";
        let mails = [
            mail("c", a, "[PATCH 0/1] Thing", &[], 0),
            mail("p1", a, "[PATCH 1/1] one", &["c"], 1),
            mail("r1", r, "Re: [PATCH 1/1] one", &["c", "p1"], 2),
            mail("r2", a, "Re: [PATCH 1/1] one", &["c", "p1", "r1"], 3),
            mail(
                "bug",
                "syzbot <syzbot+1@syzkaller.appspotmail.com>",
                "KASAN: use-after-free in vmbus",
                &[],
                4,
            ),
            mail("q", r, "How do channels work?", &[], 5),
            mail("q1", a, "Re: How do channels work?", &["q"], 6),
            mail(
                "q2",
                "Zed <z@z.org>",
                "Re: How do channels work?",
                &["q", "q1"],
                7,
            ),
            mail(
                "old1",
                r,
                "Re: [PATCH v3 2/5] old work",
                &["old-cover", "old-2"],
                8,
            ),
            mail(
                "old2",
                a,
                "Re: [PATCH v3 2/5] old work",
                &["old-cover", "old-2", "old1"],
                9,
            ),
            mail("pull", a, "[GIT PULL] fixes", &[], 10),
            mail("fwd", r, "Fwd: [PATCH] forwarded", &[], 11),
        ];
        let index = crate::analysis::message_index(&mails);
        let groups = group_series(&mails, &index);
        let series_of_mail = series_of_mail(&groups);
        let d = discussion(
            &mails,
            &index,
            &series_of_mail,
            groups.len(),
            &|_| None,
            &|t| t.to_string(),
        );

        assert_eq!(d.series.len(), 1);
        assert_eq!(d.series[0].replies, 2);
        let people: Vec<&str> = d.series[0]
            .participants
            .iter()
            .map(|p| p.email.as_str())
            .collect();
        assert_eq!(people, ["ann@x.org", "rev@y.org"]);
        assert_eq!(d.series[0].last, Some(3));

        let subjects = |threads: &[Thread]| {
            threads
                .iter()
                .map(|t| (t.subject.clone(), t.replies))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            subjects(&d.bug_reports),
            [("KASAN: use-after-free in vmbus".to_string(), 0)]
        );
        assert_eq!(
            subjects(&d.discussions),
            [
                ("How do channels work?".to_string(), 2),
                ("[PATCH] forwarded".to_string(), 0)
            ]
        );
        assert_eq!(
            subjects(&d.earlier_series),
            [("[PATCH v3 2/5] old work".to_string(), 2)]
        );
        assert!(!d.earlier_series[0].started_in_window);
        assert_eq!(d.earlier_series[0].message_id.as_deref(), Some("old-cover"));
        assert_eq!(
            subjects(&d.pull_requests),
            [("[GIT PULL] fixes".to_string(), 0)]
        );
        assert_eq!(d.discussions[0].participants.len(), 3);
    }
}
