use foldhash::{HashMap, HashMapExt};

use super::MessageIndex;
use crate::archive::MailRecord;
use crate::mail::{PatchTag, Version};

/// What patches of one posting share: (parent or author, version, total).
type ShapeKey<'a> = (&'a str, Version, Option<u32>);

/// How close in arrival time the patches of an unthreaded series must be.
pub const UNTHREADED_WINDOW_SECS: i64 = 3600;

/// The patch mails of one series, as indices into the mails they were
/// grouped from, ordered by patch index (the cover letter first) and then
/// by arrival.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeriesGroup {
    /// Indices into the mail slice given to [`group_series`].
    pub members: Vec<usize>,
}

/// Groups patch mails into series.
///
/// A series is a cover letter with its patches, or patch 1 with the rest,
/// joined by `In-Reply-To`/`References` (shallow and deep threading alike)
/// among patches of the same version and total. A patch whose parent is not
/// among the mails (a cover letter before the window) is grouped with the
/// other patches replying to that same parent. Unthreaded patches fall back
/// to the cover letter or patch 1 by the same author with the same version
/// and total, sent within [`UNTHREADED_WINDOW_SECS`].
///
/// Groups come out in order of their first mail.
pub fn group_series(mails: &[MailRecord], by_id: &MessageIndex<'_>) -> Vec<SeriesGroup> {
    let tag = |i: usize| mails[i].message.patch_tag();
    // A mail delivered twice (same Message-ID) is one patch, not two.
    let is_first_copy = |i: usize| {
        mails[i]
            .message
            .message_id
            .as_deref()
            .is_none_or(|id| by_id.get(id) == Some(&i))
    };
    let patches: Vec<usize> = (0..mails.len())
        .filter(|&i| tag(i).is_some() && is_first_copy(i))
        .collect();
    // A patch continues the posting of an earlier-numbered patch of the same
    // version and total: 1/3 after 0/3, or 3/3 after 2/3 when threaded deep.
    // Two cover letters (a RESEND, a non-RFC posting in reply to the RFC)
    // never make one series.
    // A partial reroll (`[PATCH v5.1 10/12]` sent in reply into v5)
    // belongs to the posting it revises, beside the patch it replaces.
    // A patch that omits its version takes its cover letter's: `[RFC PATCH
    // 1/9]` answering `[RFC PATCH v10 0/9]` is patch 1 of that v10.
    let continues = |p: &PatchTag, q: &PatchTag| {
        let same_version =
            p.version == q.version || (!p.versioned && q.versioned && q.is_cover_letter());
        let same_posting =
            same_version && matches!((q.index, p.index), (Some(qi), Some(pi)) if qi < pi);
        let rerolls = p.version.minor.is_some()
            && p.version.major == q.version.major
            && q.version.minor < p.version.minor;
        p.total == q.total && (same_posting || rerolls)
    };

    let mut sets = DisjointSets::new(mails.len());
    let mut shared_parents: HashMap<ShapeKey<'_>, usize> = HashMap::new();
    let mut unthreaded = Vec::new();
    for &p in &patches {
        let Some(p_tag) = tag(p) else { continue };
        let message = &mails[p].message;
        // Nearest ancestor first: In-Reply-To, then References from the end.
        let ancestors = message
            .in_reply_to
            .iter()
            .chain(message.references.iter().rev());
        let threaded_to = ancestors
            .filter_map(|id| by_id.get(id.as_str()).copied())
            .find(|&q| q != p && tag(q).is_some_and(|q_tag| continues(p_tag, q_tag)));
        if let Some(q) = threaded_to {
            sets.union(p, q);
            continue;
        }
        let is_later_patch =
            p_tag.index.is_some_and(|i| i >= 1) && p_tag.total.is_some_and(|t| t >= 2);
        // Later patches replying to the same mail that is no patch of theirs
        // (a cover letter before the selection, a discussion) belong together.
        match message.in_reply_to.as_deref() {
            Some(parent) if is_later_patch => {
                let first = *shared_parents
                    .entry((parent, p_tag.version, p_tag.total))
                    .or_insert(p);
                sets.union(p, first);
            }
            None if is_later_patch => unthreaded.push(p),
            _ => {}
        }
    }
    // Keyed loosely on (author, version, total); the tag's other words
    // (RFC, tree names) may be written differently on each patch. Each list
    // is sorted by arrival so a patch only looks at its own hour.
    let mut roots: HashMap<ShapeKey<'_>, Vec<(i64, usize)>> = HashMap::new();
    for &q in &patches {
        let (Some(q_tag), Some(author)) = (tag(q), mails[q].message.author.as_ref()) else {
            continue;
        };
        if matches!(q_tag.index, Some(0) | Some(1)) {
            roots
                .entry((&author.email, q_tag.version, q_tag.total))
                .or_default()
                .push((mails[q].commit.time, q));
        }
    }
    for candidates in roots.values_mut() {
        candidates.sort_unstable();
    }
    for p in unthreaded {
        let (Some(p_tag), Some(author)) = (tag(p), mails[p].message.author.as_ref()) else {
            continue;
        };
        let Some(candidates) = roots.get(&(author.email.as_str(), p_tag.version, p_tag.total))
        else {
            continue;
        };
        let p_time = mails[p].commit.time;
        let window_start =
            candidates.partition_point(|&(t, _)| t < p_time.saturating_sub(UNTHREADED_WINDOW_SECS));
        let nearest = candidates[window_start..]
            .iter()
            .take_while(|&&(t, _)| t <= p_time.saturating_add(UNTHREADED_WINDOW_SECS))
            .filter(|&&(_, q)| q != p)
            // Patch 1 joins a cover letter, never another patch 1.
            .filter(|&&(_, q)| {
                tag(q).and_then(|t| t.index) == Some(0) || p_tag.index.is_some_and(|i| i >= 2)
            })
            .min_by_key(|&&(t, q)| (t.abs_diff(p_time), tag(q).and_then(|t| t.index)));
        if let Some(&(_, q)) = nearest {
            sets.union(p, q);
        }
    }

    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for &p in &patches {
        groups.entry(sets.find(p)).or_default().push(p);
    }
    let mut groups: Vec<SeriesGroup> = groups
        .into_values()
        .map(|mut members| {
            members.sort_by_key(|&m| (tag(m).and_then(|t| t.index).unwrap_or(1), m));
            SeriesGroup { members }
        })
        .collect();
    groups.sort_by_key(|g| g.members.iter().min().copied());
    groups
}

/// Union-find over mail indices.
struct DisjointSets {
    parent: Vec<usize>,
}

impl DisjointSets {
    fn new(len: usize) -> Self {
        DisjointSets {
            parent: (0..len).collect(),
        }
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            // The earlier mail stays the root, which keeps results stable.
            let (root, child) = if a < b { (a, b) } else { (b, a) };
            self.parent[child] = root;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::message_index;

    /// (Message-ID, subject, From, In-Reply-To, arrival time)
    type Mail<'a> = (&'a str, &'a str, &'a str, Option<&'a str>, i64);

    fn mails(list: &[Mail<'_>]) -> Vec<MailRecord> {
        list.iter()
            .map(|&(id, subject, from, reply_to, time)| {
                let mut raw = format!("From: {from}\nSubject: {subject}\nMessage-ID: <{id}>\n");
                if let Some(parent) = reply_to {
                    raw.push_str(&format!(
                        "In-Reply-To: <{parent}>\nReferences: <{parent}>\n"
                    ));
                }
                // Patches carry a diff: one without, answering a mail, is a reply.
                raw.push_str("\nbody\n---\ndiff --git a/f b/f\n");
                MailRecord::parsed(&raw, time)
            })
            .collect()
    }

    fn members(groups: &[SeriesGroup]) -> Vec<Vec<usize>> {
        groups.iter().map(|g| g.members.clone()).collect()
    }

    fn subjects(records: &[MailRecord], groups: &[SeriesGroup]) -> Vec<Vec<String>> {
        groups
            .iter()
            .map(|g| {
                g.members
                    .iter()
                    .map(|&i| records[i].message.subject.full.clone())
                    .collect()
            })
            .collect()
    }

    const A: &str = "A <a@x.org>";
    const B: &str = "B <b@y.org>";

    #[test]
    fn cover_letter_with_shallow_threaded_patches() {
        let r = mails(&[
            ("c", "[PATCH v2 0/2] Thing", A, None, 0),
            ("p2", "[PATCH v2 2/2] two", A, Some("c"), 2),
            ("p1", "[PATCH v2 1/2] one", A, Some("c"), 1),
            ("r", "Re: [PATCH v2 1/2] one", B, Some("p1"), 3),
        ]);
        let g = group_series(&r, &message_index(&r));
        assert_eq!(
            subjects(&r, &g),
            [[
                "[PATCH v2 0/2] Thing",
                "[PATCH v2 1/2] one",
                "[PATCH v2 2/2] two"
            ]]
        );
    }

    #[test]
    fn deep_threading_without_cover() {
        let r = mails(&[
            ("p1", "[PATCH 1/3] one", A, None, 0),
            ("p2", "[PATCH 2/3] two", A, Some("p1"), 1),
            ("p3", "[PATCH 3/3] three", A, Some("p2"), 2),
        ]);
        assert_eq!(group_series(&r, &message_index(&r)).len(), 1);
        assert_eq!(group_series(&r, &message_index(&r))[0].members, [0, 1, 2]);
    }

    #[test]
    fn new_version_in_reply_to_the_old_one_is_its_own_series() {
        let r = mails(&[
            ("c1", "[PATCH 0/1] Thing", A, None, 0),
            ("p1", "[PATCH 1/1] one", A, Some("c1"), 1),
            ("c2", "[PATCH v2 0/1] Thing", A, Some("c1"), 100),
            ("q1", "[PATCH v2 1/1] one", A, Some("c2"), 101),
        ]);
        let g = group_series(&r, &message_index(&r));
        assert_eq!(members(&g), [vec![0, 1], vec![2, 3]]);
    }

    #[test]
    fn a_patch_that_omits_the_cover_letters_version_joins_it() {
        let r = mails(&[
            ("c", "[RFC PATCH v10 0/2] Thing", A, None, 0),
            ("p1", "[RFC PATCH 1/2] one", A, Some("c"), 1),
            ("p2", "[RFC PATCH v10 2/2] two", A, Some("c"), 2),
            // The total must still match, and a versioned patch keeps its version.
            ("x", "[RFC PATCH 1/3] other", A, Some("c"), 3),
            ("y", "[RFC PATCH v9 1/2] older", A, Some("c"), 4),
        ]);
        let g = group_series(&r, &message_index(&r));
        assert_eq!(members(&g), [vec![0, 1, 2], vec![3], vec![4]]);
        // A patch answering a patch, not the cover letter, does not borrow
        // a version.
        let r = mails(&[
            ("p1", "[PATCH v3 1/2] one", A, None, 0),
            ("p2", "[PATCH 2/2] two", A, Some("p1"), 1),
        ]);
        assert_eq!(
            members(&group_series(&r, &message_index(&r))),
            [vec![0], vec![1]]
        );
    }

    #[test]
    fn a_partial_reroll_joins_the_posting_it_revises() {
        let r = mails(&[
            ("c", "[PATCH v5 0/2] Thing", A, None, 0),
            ("p1", "[PATCH v5 1/2] one", A, Some("c"), 1),
            ("p2", "[PATCH v5 2/2] two", A, Some("c"), 2),
            ("p2b", "[PATCH v5.1 2/2] two", A, Some("p2"), 100),
            // A v6 answering v5 is a new posting, not a reroll.
            ("d", "[PATCH v6 0/2] Thing", A, Some("c"), 200),
        ]);
        let g = group_series(&r, &message_index(&r));
        assert_eq!(members(&g), [vec![0, 1, 2, 3], vec![4]]);
    }

    #[test]
    fn unthreaded_series_falls_back_to_author_version_total_and_time() {
        let r = mails(&[
            ("p1", "[PATCH v3 1/3] one", A, None, 0),
            ("x", "[PATCH v3 1/3] unrelated", B, None, 5),
            ("p2", "[PATCH v3 2/3] two", A, None, 10),
            ("p3", "[PATCH v3 3/3] three", A, None, 20),
            // Same shape, but hours later: another series.
            ("late", "[PATCH v3 2/3] late", A, None, 20_000),
        ]);
        let g = group_series(&r, &message_index(&r));
        assert_eq!(members(&g), [vec![0, 2, 3], vec![1], vec![4]]);
    }

    #[test]
    fn patches_whose_cover_is_outside_the_window_stay_together() {
        let r = mails(&[
            ("p2", "[PATCH 2/3] two", A, Some("gone"), 0),
            ("p3", "[PATCH 3/3] three", A, Some("gone"), 1),
            ("o", "[PATCH 2/2] other", A, Some("gone2"), 2),
        ]);
        let g = group_series(&r, &message_index(&r));
        assert_eq!(members(&g), [vec![0, 1], vec![2]]);
    }

    #[test]
    fn single_patches_and_non_patches() {
        let r = mails(&[
            ("a", "[PATCH] one", A, None, 0),
            ("b", "[PATCH] two", A, None, 1),
            ("c", "question", B, None, 2),
            ("d", "[GIT PULL] stuff", B, None, 3),
        ]);
        let g = group_series(&r, &message_index(&r));
        assert_eq!(members(&g), [vec![0], vec![1]]);
    }

    #[test]
    fn a_resend_in_reply_to_the_original_is_another_series() {
        let r = mails(&[
            ("c", "[PATCH 0/2] Thing", A, None, 0),
            ("p1", "[PATCH 1/2] one", A, Some("c"), 1),
            ("rc", "[RESEND PATCH 0/2] Thing", A, Some("c"), 50),
            ("r1", "[RESEND PATCH 1/2] one", A, Some("rc"), 51),
            ("x", "[RFC PATCH 0/2] Idea", B, None, 60),
            ("y", "[PATCH 0/2] Idea", B, Some("x"), 70),
        ]);
        let g = group_series(&r, &message_index(&r));
        assert_eq!(members(&g), [vec![0, 1], vec![2, 3], vec![4], vec![5]]);
    }

    #[test]
    fn patches_replying_to_a_discussion_stay_together() {
        let r = mails(&[
            ("q", "How should this work?", B, None, 0),
            ("p1", "[PATCH 1/2] one", A, Some("q"), 1),
            ("p2", "[PATCH 2/2] two", A, Some("q"), 2),
        ]);
        let g = group_series(&r, &message_index(&r));
        assert_eq!(members(&g), [vec![1, 2]]);
    }

    #[test]
    fn extreme_arrival_times_do_not_overflow() {
        let r = mails(&[
            ("a", "[PATCH 1/2] one", A, None, i64::MIN),
            ("b", "[PATCH 2/2] two", A, None, i64::MAX),
        ]);
        assert_eq!(group_series(&r, &message_index(&r)).len(), 2);
    }

    #[test]
    fn a_patch_delivered_twice_is_listed_once() {
        let r = mails(&[
            ("a", "[PATCH] one", A, None, 0),
            ("a", "[PATCH] one", A, None, 1),
        ]);
        let g = group_series(&r, &message_index(&r));
        assert_eq!(members(&g), [vec![0]]);
    }

    #[test]
    fn reference_loops_and_self_references_terminate() {
        let r = mails(&[
            ("a", "[PATCH 1/2] one", A, Some("b"), 0),
            ("b", "[PATCH 2/2] two", A, Some("a"), 1),
            ("s", "[PATCH 1/2] self", B, Some("s"), 2),
        ]);
        let g = group_series(&r, &message_index(&r));
        assert_eq!(members(&g), [vec![0, 1], vec![2]]);
    }
}
