//! Many lists in one report: each list's archive read on its own thread,
//! then its mails merged with the others', a mail cross-posted to several
//! lists counted once (by Message-ID) with every list it reached.

use std::collections::{HashMap, HashSet};

use crate::Error;
use crate::archive::{Archive, MailRecord, Reached, ReadOutcome, Selected, Selection};
use crate::status::Applied;

/// One list a report reads: its name, its archive and which of its mail.
#[derive(Clone)]
pub struct Source {
    /// The list's name, as the report names it (`kvm`).
    pub name: String,
    /// Its archive.
    pub archive: Archive,
    /// Its mail the report covers: each list has its own commits, so a
    /// commit range belongs to one list, while a window may be the same
    /// for all.
    pub selection: Selection,
}

impl Source {
    /// A source named by its archive (`linux-hyperv.git` → `linux-hyperv`).
    pub fn of(archive: &Archive, selection: &Selection) -> Source {
        Source {
            name: archive.name().to_string(),
            archive: archive.clone(),
            selection: selection.clone(),
        }
    }
}

/// One list's selection, read, with what was found for it before it.
pub(crate) struct Part {
    /// Its ends, notes and openness; its commits are dropped once its
    /// earlier versions are read.
    pub(crate) selected: Selected,
    pub(crate) outcome: ReadOutcome,
    /// Mails before the selection that may be earlier versions of its series.
    pub(crate) earlier: Vec<MailRecord>,
    /// What `--tree` says was applied, by Message-ID.
    pub(crate) evidence: HashMap<String, Applied>,
    /// The span its selection covers (see `span_of`).
    pub(crate) span: Option<(i64, i64)>,
}

/// The parts of all lists as one: what a report of one list is made from.
pub(crate) struct Merged {
    pub(crate) selected: Selected,
    pub(crate) outcome: ReadOutcome,
    pub(crate) earlier: Vec<MailRecord>,
    pub(crate) evidence: HashMap<String, Applied>,
    /// Where each list's selection starts and ends (empty for a list
    /// without mail in it).
    pub(crate) list_ends: Vec<ListEnds>,
}

/// Where one list's selection starts and ends, as a report names them.
#[derive(Clone, Debug, Default)]
pub(crate) struct ListEnds {
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) from_commit: String,
    pub(crate) to_commit: String,
}

impl ListEnds {
    /// The ends of `selected`: 8 hex digits of its commits, or the days a
    /// mailbox is named by.
    pub(crate) fn of(selected: &Selected) -> ListEnds {
        let (from, to) = match &selected.named_ends {
            Some((from, to)) => (from.clone(), to.clone()),
            None => (
                selected.from.to_hex_with_len(8).to_string(),
                selected.to.to_hex_with_len(8).to_string(),
            ),
        };
        ListEnds {
            from,
            to,
            from_commit: selected.from.to_string(),
            to_commit: selected.to.to_string(),
        }
    }
}

/// Reads every source with `read` (on a thread each when there are
/// several): a part per source, `None` for a list without mail in its
/// selection. With one source its error is the report's; with several, a
/// list without mail leaves the others to report, and only when none has
/// any is the selection empty.
pub(crate) fn read_all(
    sources: &[Source],
    read: &(dyn Fn(usize, &Source) -> Result<Part, Error> + Sync),
) -> Result<Vec<Option<Part>>, Error> {
    if sources.len() > Reached::MAX_LISTS {
        return Err(Error::Unsupported(format!(
            "{} lists in one report: at most {} are read together",
            sources.len(),
            Reached::MAX_LISTS
        )));
    }
    let places: Vec<(usize, &Source)> = sources.iter().enumerate().collect();
    let results: Vec<Result<Part, Error>> =
        on_threads(places, &|(place, source)| read(place, source))
            .into_iter()
            .zip(sources)
            .map(|(result, source)| {
                result.unwrap_or_else(|_| {
                    Err(Error::Git {
                        path: source.archive.path().to_path_buf(),
                        source: "a reading thread stopped unexpectedly".into(),
                    })
                })
            })
            .collect();
    let mut parts = Vec::with_capacity(results.len());
    let mut first_empty = None;
    for result in results {
        match result {
            Ok(part) => parts.push(Some(part)),
            Err(Error::EmptySelection(why)) => {
                first_empty.get_or_insert(why);
                parts.push(None);
            }
            Err(e) => return Err(e),
        }
    }
    if parts.iter().all(Option::is_none) {
        return Err(Error::EmptySelection(first_empty.unwrap_or_default()));
    }
    Ok(parts)
}

/// `work` done on each of `items`, on a thread each when there are
/// several (one is done here); the results in the order of `items`, a
/// thread's panic as its `Err`.
pub(crate) fn on_threads<I: Send, T: Send>(
    items: Vec<I>,
    work: &(dyn Fn(I) -> T + Sync),
) -> Vec<std::thread::Result<T>> {
    if items.len() == 1 {
        return items.into_iter().map(|item| Ok(work(item))).collect();
    }
    std::thread::scope(|scope| {
        let threads: Vec<_> = items
            .into_iter()
            .map(|item| scope.spawn(move || work(item)))
            .collect();
        threads.into_iter().map(|thread| thread.join()).collect()
    })
}

/// The span of time the parts' selections cover together (seconds, both
/// ends inclusive; zero when none has one).
pub(crate) fn parts_span(parts: &[Option<Part>]) -> (i64, i64) {
    parts
        .iter()
        .flatten()
        .filter_map(|part| part.span)
        .reduce(|(s, u), (since, until)| (s.min(since), u.max(until)))
        .unwrap_or_default()
}

/// The parts as one. One part is taken as it is; several are merged: mails
/// in order of arrival (list order, then each list's own, breaking ties),
/// and a mail with the Message-ID of one before it (cross-posted) is that
/// mail, which then reached both lists. Notes name their list.
pub(crate) fn merge(sources: &[Source], mut parts: Vec<Option<Part>>) -> Merged {
    if let [Some(_)] = parts.as_slice()
        && sources.len() == 1
        && let Some(Some(part)) = parts.pop()
    {
        return Merged {
            list_ends: vec![ListEnds::of(&part.selected)],
            selected: part.selected,
            outcome: part.outcome,
            earlier: part.earlier,
            evidence: part.evidence,
        };
    }
    let mut notes = Vec::new();
    let mut mails = Vec::new();
    let mut missing = Vec::new();
    let mut earlier = Vec::new();
    let mut evidence = HashMap::new();
    let mut open_start = true;
    let mut ends = None;
    let mut list_ends = Vec::with_capacity(parts.len());
    for (place, part) in parts.into_iter().enumerate() {
        let Some(part) = part else {
            list_ends.push(ListEnds::default());
            continue;
        };
        let name = sources.get(place).map_or("", |s| s.name.as_str());
        let selected = part.selected;
        list_ends.push(ListEnds::of(&selected));
        ends = Some(match ends {
            None => (selected.from, selected.to),
            Some((from, _)) => (from, selected.to),
        });
        open_start &= selected.open_start;
        notes.extend(selected.notes.iter().map(|n| format!("{name}: {n}")));
        mails.extend(
            part.outcome
                .mails
                .into_iter()
                .enumerate()
                .map(|(i, m)| (place, i, m)),
        );
        missing.extend(part.outcome.missing);
        earlier.extend(
            part.earlier
                .into_iter()
                .enumerate()
                .map(|(i, m)| (place, i, m)),
        );
        evidence.extend(part.evidence);
    }
    let mails = once_each(mails, &HashSet::new());
    let in_selection: HashSet<String> = mails
        .iter()
        .filter_map(|m| m.message.message_id.clone())
        .collect();
    let earlier = once_each(earlier, &in_selection);
    let day = |time: Option<i64>| {
        time.and_then(|t| jiff::Timestamp::from_second(t).ok())
            .map(|t| t.strftime("%Y-%m-%d").to_string())
            .unwrap_or_default()
    };
    let named_ends = (
        day(mails.first().map(|m| m.commit.time)),
        day(mails.last().map(|m| m.commit.time)),
    );
    let null = gix::ObjectId::null(gix::hash::Kind::Sha1);
    let (from, to) = ends.unwrap_or((null, null));
    Merged {
        selected: Selected {
            // Dropped from each part by `look_back`.
            commits: Vec::new(),
            from,
            to,
            notes,
            named_ends: Some(named_ends),
            open_start,
        },
        outcome: ReadOutcome { mails, missing },
        earlier,
        evidence,
        list_ends,
    }
}

/// The mails in order of arrival, each Message-ID once (the first to
/// arrive, with the lists of all its copies), none of those in `except`.
/// Mails without a Message-ID cannot be matched and are all kept.
fn once_each(
    mut mails: Vec<(usize, usize, MailRecord)>,
    except: &HashSet<String>,
) -> Vec<MailRecord> {
    mails.sort_by_key(|(place, i, m)| (m.commit.time, *place, *i));
    let mut kept: Vec<MailRecord> = Vec::with_capacity(mails.len());
    let mut first_of: HashMap<String, usize> = HashMap::new();
    for (_, _, mail) in mails {
        let Some(id) = mail.message.message_id.clone() else {
            kept.push(mail);
            continue;
        };
        if except.contains(&id) {
            continue;
        }
        match first_of.get(&id) {
            Some(&at) => kept[at].lists = kept[at].lists.and(mail.lists),
            None => {
                first_of.insert(id, kept.len());
                kept.push(mail);
            }
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(id: Option<&str>, time: i64, place: usize) -> MailRecord {
        let header = id.map_or(String::new(), |id| format!("Message-ID: <{id}>\n"));
        let mut mail = MailRecord::parsed(
            &format!("From: A <a@x.org>\nSubject: s {time}\n{header}\nbody\n"),
            time,
        );
        mail.lists = Reached::only(place);
        mail
    }

    #[test]
    fn a_cross_posted_mail_is_kept_once_with_every_list_it_reached() {
        let mails = vec![
            (0, 0, mail(Some("a@x"), 10, 0)),
            (0, 1, mail(Some("b@x"), 30, 0)),
            (1, 0, mail(Some("a@x"), 12, 1)),
            (1, 1, mail(None, 20, 1)),
            (1, 2, mail(None, 20, 1)),
        ];
        let kept = once_each(mails, &HashSet::new());
        let ids: Vec<Option<&str>> = kept
            .iter()
            .map(|m| m.message.message_id.as_deref())
            .collect();
        assert_eq!(ids, [Some("a@x"), None, None, Some("b@x")]);
        // The copy that arrived first is kept, and it reached both lists.
        assert_eq!(kept[0].commit.time, 10);
        assert_eq!(kept[0].lists.places().collect::<Vec<_>>(), [0, 1]);
        assert_eq!(kept[0].lists.count(), 2);
        assert_eq!(kept[3].lists.places().collect::<Vec<_>>(), [0]);
    }

    #[test]
    fn mails_of_the_selection_are_not_earlier_versions_too() {
        let except: HashSet<String> = ["a@x".to_string()].into();
        let kept = once_each(
            vec![
                (0, 0, mail(Some("a@x"), 1, 0)),
                (1, 0, mail(Some("c@x"), 2, 1)),
            ],
            &except,
        );
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].message.message_id.as_deref(), Some("c@x"));
    }

    #[test]
    fn reached_lists_by_place() {
        let both = Reached::only(0).and(Reached::only(63));
        assert!(both.has(0) && both.has(63) && !both.has(1));
        assert_eq!(both.places().collect::<Vec<_>>(), [0, 63]);
        assert_eq!(Reached::default(), Reached::only(0));
        // Beyond the last place there is no list: nothing, not a panic.
        assert_eq!(Reached::only(64).count(), 0);
    }
}
