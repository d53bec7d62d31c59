use std::collections::HashMap;

/// A title reduced to what stays the same across versions of a series:
/// lower case, single spaces, no trailing period.
pub fn revision_key(title: &str) -> String {
    let title = crate::mail::normalize_whitespace(title).to_lowercase();
    title.trim_end_matches('.').trim_end().to_string()
}

/// The changelog block a cover letter gives for `version`: the lines under
/// `v3:`, `Changes in v3:`, `Changes since v2:`, `v2 -> v3:` and the like,
/// up to the next version's header or the end of the list. At most
/// [`MAX_CHANGELOG_LINES`] lines; `None` without such a block.
pub fn changelog(cover_text: &str, version: u32) -> Option<String> {
    let lines: Vec<&str> = cover_text.lines().collect();
    let start = lines
        .iter()
        .position(|l| changelog_header(l) == Some(version))?;
    let mut block: Vec<&str> = Vec::new();
    let mut i = start + 1;
    // An underline under the header (`-------------`).
    if lines
        .get(i)
        .is_some_and(|l| !l.trim().is_empty() && l.trim().chars().all(|c| c == '-' || c == '='))
    {
        i += 1;
    }
    while let Some(line) = lines.get(i) {
        if changelog_header(line).is_some() || ends_changelog(line) {
            break;
        }
        if line.trim().is_empty() {
            // A blank line ends the block unless the list goes on after it.
            let next = lines[i + 1..].iter().find(|l| !l.trim().is_empty());
            let list_goes_on =
                next.is_some_and(|n| is_list_line(n) && changelog_header(n).is_none());
            if !block.is_empty() && !list_goes_on {
                break;
            }
        }
        block.push(line);
        if block.len() > MAX_CHANGELOG_LINES {
            break;
        }
        i += 1;
    }
    while block.last().is_some_and(|l| l.trim().is_empty()) {
        block.pop();
    }
    let skip = block.iter().take_while(|l| l.trim().is_empty()).count();
    let block = &block[skip..];
    (!block.is_empty()).then(|| block.join("\n"))
}

/// Where a cover letter's changelog has surely ended: git's `---`
/// separator, the shortlog git format-patch writes (`Name (3):`), or the
/// diffstat (` path | 3 +-`, `N files changed, …`).
fn ends_changelog(line: &str) -> bool {
    let trimmed = line.trim();
    if trimmed == "---" || crate::mail::Diffstat::parse_summary(trimmed).is_some() {
        return true;
    }
    // `Jane Doe (3):`
    let shortlog = trimmed
        .strip_suffix("):")
        .and_then(|head| head.rsplit_once(" ("))
        .is_some_and(|(name, count)| {
            !name.is_empty()
                && !line.starts_with(char::is_whitespace)
                && !count.is_empty()
                && count.bytes().all(|b| b.is_ascii_digit())
        });
    // ` drivers/hv/vmbus_drv.c | 12 +++---`
    let diffstat_line = line.starts_with(' ')
        && trimmed.rsplit_once(" | ").is_some_and(|(path, stat)| {
            !path.contains(' ')
                && stat
                    .split_whitespace()
                    .next()
                    .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()) || n == "Bin")
        });
    shortlog || diffstat_line
}

/// How long a changelog block the report quotes.
pub const MAX_CHANGELOG_LINES: usize = 40;

/// An item of a changelog list: indented, or starting with a bullet.
fn is_list_line(line: &str) -> bool {
    line.starts_with([' ', '\t']) || line.trim_start().starts_with(['-', '*', '+', '•'])
}

/// The version a changelog header line introduces: `v3:` and `Changes in
/// v3` give 3; `Changes since v2:` and `v2 -> v3` give 3 too (the version
/// the changes lead to).
fn changelog_header(line: &str) -> Option<u32> {
    let line = line.trim().trim_end_matches(':').trim().to_lowercase();
    if line.len() > 40 {
        return None;
    }
    let rest = ["changes", "changelog", "change log"]
        .iter()
        .find_map(|word| line.strip_prefix(word))
        .map(str::trim);
    let (since, rest) = match rest {
        Some(rest) => match ["since", "from", "in", "for"]
            .iter()
            .find_map(|w| rest.strip_prefix(w).map(|r| (*w, r)))
        {
            Some((word, r)) => (word == "since" || word == "from", r.trim()),
            None => (false, rest),
        },
        None => (false, line.as_str()),
    };
    if let Some((from, to)) = rest.split_once("->") {
        version_word(from.trim())?;
        return version_word(to.trim());
    }
    let version = version_word(rest.strip_suffix(" changes").unwrap_or(rest))?;
    if since {
        version.checked_add(1)
    } else {
        Some(version)
    }
}

/// `v3` → 3.
fn version_word(word: &str) -> Option<u32> {
    let digits = word.strip_prefix('v')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// One posting of a series as revision linking sees it: enough to tell
/// whether two postings are versions of one series.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Posting {
    /// The author's lower-cased address.
    pub author: String,
    /// The title's [`revision_key`].
    pub title_key: String,
    /// b4's `change-id:`, when the posting carries one.
    pub change_id: Option<String>,
    /// Message-ID of its cover letter or first patch.
    pub message_id: Option<String>,
    /// That mail's `In-Reply-To` and `References`.
    pub replies_to: Vec<String>,
    /// The version: `v5.1` is `(5, Some(1))`.
    pub version: (u32, Option<u32>),
    /// Arrival of its first mail, seconds since the epoch.
    pub time: i64,
}

/// Which postings are versions of one series: the family number of each.
///
/// Two postings are linked when they have the same author and title key,
/// the same b4 change-id, or when one was posted in reply to the other and
/// has the higher version (a v2 sent into the v1 thread, whatever its
/// title). Links are transitive.
pub fn revision_families(postings: &[Posting]) -> RevisionFamilies {
    let mut families = Families::new(postings.len());
    let mut by_title: HashMap<(&str, &str), usize> = HashMap::new();
    let mut by_change_id: HashMap<&str, usize> = HashMap::new();
    let mut by_message_id: HashMap<&str, usize> = HashMap::new();
    for (i, p) in postings.iter().enumerate() {
        if !p.author.is_empty() && !p.title_key.is_empty() {
            let first = *by_title.entry((&p.author, &p.title_key)).or_insert(i);
            families.join(first, i);
        }
        if let Some(change_id) = &p.change_id {
            let first = *by_change_id.entry(change_id).or_insert(i);
            families.join(first, i);
        }
        if let Some(id) = &p.message_id {
            by_message_id.entry(id).or_insert(i);
        }
    }
    for (i, p) in postings.iter().enumerate() {
        for id in &p.replies_to {
            if let Some(&parent) = by_message_id.get(id.as_str())
                && postings[parent].version < p.version
            {
                families.join(parent, i);
            }
        }
    }
    let family: Vec<usize> = (0..postings.len()).map(|i| families.root(i)).collect();
    let mut members = vec![Vec::new(); postings.len()];
    for (i, &root) in family.iter().enumerate() {
        members[root].push(i);
    }
    RevisionFamilies { family, members }
}

/// The families [`revision_families`] found: each posting's family and
/// each family's postings, so that looking for a posting's other versions
/// visits its family only, not every posting (a whole archive has tens
/// of thousands).
#[derive(Clone, Debug)]
pub struct RevisionFamilies {
    /// The family number of each posting: the lowest posting in it.
    family: Vec<usize>,
    /// By family number: its postings, in posting order.
    members: Vec<Vec<usize>>,
}

impl RevisionFamilies {
    /// The family number of posting `of`.
    pub fn of(&self, of: usize) -> usize {
        self.family[of]
    }

    /// The postings of the family of posting `of`, itself included, in
    /// posting order.
    pub fn members(&self, of: usize) -> &[usize] {
        &self.members[self.family[of]]
    }
}

/// The earlier versions of posting `of` within its family: for each lower
/// version, the newest posting of it that came before `of`; oldest version
/// first. Picking the newest keeps an unrelated series of the same title
/// from years ago out when the real earlier version is there.
pub fn earlier_versions(
    postings: &[Posting],
    families: &RevisionFamilies,
    of: usize,
) -> Vec<usize> {
    let me = &postings[of];
    let mut best: HashMap<(u32, Option<u32>), usize> = HashMap::new();
    for &i in families.members(of) {
        let p = &postings[i];
        if p.version >= me.version || p.time > me.time {
            continue;
        }
        let slot = best.entry(p.version).or_insert(i);
        if postings[*slot].time < p.time {
            *slot = i;
        }
    }
    let mut found: Vec<usize> = best.into_values().collect();
    found.sort_by_key(|&i| (postings[i].version, postings[i].time));
    found
}

/// The newest later version of posting `of` among the `candidates` of its
/// family: a higher version that arrived no earlier.
pub fn newer_version(
    postings: &[Posting],
    families: &RevisionFamilies,
    of: usize,
    candidates: std::ops::Range<usize>,
) -> Option<usize> {
    let me = &postings[of];
    families
        .members(of)
        .iter()
        .copied()
        .filter(|i| candidates.contains(i))
        .filter(|&i| postings[i].version > me.version && postings[i].time >= me.time)
        .max_by_key(|&i| (postings[i].version, postings[i].time))
}

/// A union-find over posting numbers.
struct Families {
    parent: Vec<usize>,
}

impl Families {
    fn new(n: usize) -> Self {
        Families {
            parent: (0..n).collect(),
        }
    }

    fn root(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            // Halving the path keeps later lookups short.
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.root(a), self.root(b));
        if a != b {
            self.parent[a.max(b)] = a.min(b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers() {
        for (line, version) in [
            ("v3:", Some(3)),
            ("V3", Some(3)),
            ("Changes in v8:", Some(8)),
            ("Changes in v3", Some(3)),
            ("Changes since V3:", Some(4)),
            ("Changes from v1:", Some(2)),
            ("v2 -> v3:", Some(3)),
            ("Changes v2->v3:", Some(3)),
            ("v3 changes:", Some(3)),
            (
                "v3 just swaps the order of the 2 patches in v2, as suggested",
                None,
            ),
            ("Changes:", None),
            ("vmbus: fix", None),
        ] {
            assert_eq!(changelog_header(line), version, "{line}");
        }
    }

    #[test]
    fn block_of_the_series_version() {
        let cover = "Intro.\n\nv3:\n - Add comments. [Vipin]\n - Make the assertions\n   actually work.\n\nv2:\n - Defer allocation.\n\nv1: https://lore\n\nSean (3):\n  KVM: x\n";
        assert_eq!(
            changelog(cover, 3).unwrap(),
            " - Add comments. [Vipin]\n - Make the assertions\n   actually work."
        );
        assert_eq!(changelog(cover, 2).unwrap(), " - Defer allocation.");
        assert_eq!(changelog(cover, 4), None);
    }

    #[test]
    fn underlined_header_and_blank_lines_inside_the_list() {
        let cover = "Changes in v3\n-------------\n-Handled feedback.\n\n-Added a patch.\n\nChanges in v2\n-------------\n-Old.\n";
        assert_eq!(
            changelog(cover, 3).unwrap(),
            "-Handled feedback.\n\n-Added a patch."
        );
        let cover = "Changes in v8:\n\n  - Make it primary.\n  - Clarify.\n\nThanks\n";
        assert_eq!(
            changelog(cover, 8).unwrap(),
            "  - Make it primary.\n  - Clarify."
        );
    }

    #[test]
    fn the_block_ends_before_the_separator_shortlog_and_diffstat() {
        // b4's cover letter: the changelog, a blank line, then `---`.
        let cover = "Intro.\n\nChanges in v2:\n- Fix the lock.\n- Link to v1: https://lore.kernel.org/r/x\n\n---\nJane Doe (2):\n      hv: one\n      hv: two\n\n drivers/hv/vmbus_drv.c | 12 +++---\n 1 file changed, 9 insertions(+), 3 deletions(-)\n";
        assert_eq!(
            changelog(cover, 2).unwrap(),
            "- Fix the lock.\n- Link to v1: https://lore.kernel.org/r/x"
        );
        // git format-patch's cover letter, no blank line before the shortlog.
        let cover = "v3:\n  - Rebased.\nJane Doe (1):\n  hv: one\n\n drivers/hv/a.c | 2 +-\n";
        assert_eq!(changelog(cover, 3).unwrap(), "  - Rebased.");
        let cover =
            "v3:\n  - Rebased.\n drivers/hv/a.c | 2 +-\n drivers/hv/b.c | Bin 0 -> 12 bytes\n";
        assert_eq!(changelog(cover, 3).unwrap(), "  - Rebased.");
        // An item that mentions a count in parentheses is no shortlog.
        let cover = "v2:\n- Split (as asked by Ann (2)): done\n- More.\n";
        assert_eq!(
            changelog(cover, 2).unwrap(),
            "- Split (as asked by Ann (2)): done\n- More."
        );
    }

    #[test]
    fn since_means_the_next_version() {
        let cover = "Changes since V3:\n- Rebase\n\nChanges since V2:\n- paravirt\n";
        assert_eq!(changelog(cover, 4).unwrap(), "- Rebase");
    }

    #[test]
    fn keys_ignore_case_spaces_and_periods() {
        assert_eq!(
            revision_key("KVM: x86:  Fix  it."),
            revision_key("kvm: x86: fix it")
        );
    }

    fn posting(author: &str, title: &str, version: u32, time: i64) -> Posting {
        Posting {
            author: author.into(),
            title_key: revision_key(title),
            message_id: Some(format!("{author}-{title}-v{version}-{time}")),
            version: (version, None),
            time,
            ..Posting::default()
        }
    }

    #[test]
    fn same_author_and_title_make_a_family_other_authors_do_not() {
        let postings = [
            posting("ann@x.org", "Add thing", 1, 10),
            posting("ann@x.org", "add  thing.", 2, 20),
            posting("bob@y.org", "Add thing", 2, 25),
            posting("ann@x.org", "Add thing", 3, 30),
        ];
        let families = revision_families(&postings);
        assert_eq!(earlier_versions(&postings, &families, 3), [0, 1]);
        assert_eq!(
            earlier_versions(&postings, &families, 2),
            Vec::<usize>::new()
        );
        assert_eq!(newer_version(&postings, &families, 0, 0..4), Some(3));
        assert_eq!(newer_version(&postings, &families, 3, 0..4), None);
        // Only the candidates count: without posting 3, v2 is the newest.
        assert_eq!(newer_version(&postings, &families, 0, 0..3), Some(1));
        assert_eq!(families.members(3), [0, 1, 3]);
        assert_eq!(families.members(2), [2]);
    }

    #[test]
    fn a_change_id_or_a_reply_links_a_renamed_series() {
        let mut v1 = posting("ann@x.org", "Old name", 1, 10);
        v1.change_id = Some("20250101-thing-abc".into());
        let mut v2 = posting("ann@x.org", "New name", 2, 20);
        v2.change_id = v1.change_id.clone();
        let mut v3 = posting("ann@x.org", "Newest name", 3, 30);
        v3.replies_to = vec![v2.message_id.clone().unwrap_or_default()];
        // A reply of the same version (a RESEND into the thread) is not a newer version.
        let mut resend = posting("ann@x.org", "Other", 3, 40);
        resend.replies_to = vec![v3.message_id.clone().unwrap_or_default()];
        let postings = [v1, v2, v3, resend];
        let families = revision_families(&postings);
        assert_eq!(earlier_versions(&postings, &families, 2), [0, 1]);
        assert_ne!(families.of(3), families.of(2));
    }

    #[test]
    fn of_two_earlier_postings_of_a_version_the_newest_counts() {
        let postings = [
            posting("ann@x.org", "Fix typo", 1, 10),
            posting("ann@x.org", "Fix typo", 1, 500),
            posting("ann@x.org", "Fix typo", 2, 600),
            posting("ann@x.org", "Fix typo", 1, 700),
        ];
        let families = revision_families(&postings);
        assert_eq!(earlier_versions(&postings, &families, 2), [1]);
    }

    #[test]
    fn a_partial_reroll_is_a_version_between() {
        let mut reroll = posting("ann@x.org", "Add thing", 5, 20);
        reroll.version = (5, Some(1));
        let postings = [posting("ann@x.org", "Add thing", 5, 10), reroll];
        let families = revision_families(&postings);
        assert_eq!(earlier_versions(&postings, &families, 1), [0]);
    }
}
