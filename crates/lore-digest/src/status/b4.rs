//! `b4 ty`'s thank-you notes.
//!
//! b4's default templates (`DEFAULT_AM_TEMPLATE` in b4's `ty.py`) quote the
//! mail, then say `Applied, thanks!` (maintainers' own templates say
//! `Applied to <branch>, thanks!` or `Applied to <tree> (<branch>),
//! thanks!`), then list each patch on two lines:
//!
//! ```text
//! [1/3] PCI: hv: Fix the thing
//!       commit: 0123456789ab
//! ```
//!
//! The second line is `commit: <sha>`, a link built from
//! `thanks-commit-url-mask` (`https://git.kernel.org/…/c/<sha>`,
//! `…/commit/<sha>`), or `(no commit info)` when b4 found none. This list
//! is what makes a note b4's: it must follow, after blank lines (and the
//! `Branch:`/`Tree:` lines some templates add), a paragraph that says what
//! was done (`applied`, `queued` …). A subject `Re: (subset) …` means only
//! the listed patches were applied. For pull requests the template says
//! `Merged, thanks!` and `merge commit: <sha>`.

use super::free_text::{target_after, words_of};
use super::{
    Evidence, Kind, Mail, PatchRef, Rule, commit_id, commit_of_url, cut, head, index_total,
    is_blank, is_quoted, reason,
};

/// Lines a heading paragraph may have (b4 writes one; people edit).
const HEADING_LINES: usize = 4;
/// Lines between a heading and its list: blanks and `Branch:`/`Tree:`.
const GAP_LINES: usize = 6;
/// Bytes of each heading line read.
const HEADING_BYTES: usize = 300;
/// Characters of a patch subject kept.
const SUBJECT_CHARS: usize = 300;

pub(super) fn find(mail: &Mail<'_>, used: &mut [bool], found: &mut Vec<Evidence>) {
    let mut i = 0;
    while i < mail.lines.len() {
        if is_patch_line(mail.line(i)) && commit_line(mail.line(i + 1)).is_some() {
            let start = i;
            while is_patch_line(mail.line(i)) && commit_line(mail.line(i + 1)).is_some() {
                i += 2;
            }
            if let Some(evidence) = applied(mail, start, i, used) {
                found.push(evidence);
            }
            continue;
        }
        if let Some(merge) = mail.line(i).strip_prefix("merge commit:")
            && let Some(evidence) = merged(mail, i, merge.trim(), used)
        {
            found.push(evidence);
        }
        i += 1;
    }
}

/// `[1/3] subject`, `[01/10] subject`, `[PATCH v2 1/3] subject`: a bracket
/// at the start of the line, a short tag, a subject.
fn is_patch_line(line: &str) -> bool {
    patch_line(line).is_some()
}

fn patch_line(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix('[')?;
    let close = rest.get(..64.min(rest.len()))?.find(']')?;
    let subject = rest[close + 1..].strip_prefix(' ')?.trim();
    (!subject.is_empty()).then(|| (&rest[..close], subject))
}

/// What an indented line under a patch says of its commit.
enum CommitLine<'a> {
    /// `commit: <id>` or a link ending in the id.
    Id(&'a str),
    /// `(no commit info)`.
    None,
}

fn commit_line(line: &str) -> Option<CommitLine<'_>> {
    if !line.starts_with([' ', '\t']) {
        return None;
    }
    let text = line.trim();
    if text == "(no commit info)" {
        return Some(CommitLine::None);
    }
    if let Some(id) = text.strip_prefix("commit:") {
        return Some(CommitLine::Id(id.trim()));
    }
    commit_of_url(text).map(CommitLine::Id)
}

/// The heading paragraph above line `above` (skipping blank and
/// `Branch:`/`Tree:` lines): (first line, end line, branch, tree), if it is
/// unquoted and says what was done.
struct Heading<'a> {
    first: usize,
    end: usize,
    branch: Option<&'a str>,
    tree: Option<&'a str>,
}

fn heading<'a>(mail: &Mail<'a>, above: usize) -> Option<Heading<'a>> {
    let mut end = above;
    let mut branch = None;
    let mut tree = None;
    for _ in 0..GAP_LINES {
        let line = mail.line(end.checked_sub(1)?);
        let trimmed = line.trim();
        if let Some(b) = trimmed.strip_prefix("Branch:") {
            branch = Some(b.trim());
        } else if let Some(t) = trimmed.strip_prefix("Tree:") {
            tree = Some(t.trim());
        } else if !is_blank(line) {
            break;
        }
        end -= 1;
    }
    let mut first = end.checked_sub(1)?;
    let line = mail.line(first);
    if is_blank(line) || is_quoted(line) {
        return None;
    }
    while first > 0 && end - first < HEADING_LINES {
        let line = mail.line(first - 1);
        if is_blank(line) || is_quoted(line) {
            break;
        }
        first -= 1;
    }
    Some(Heading {
        first,
        end,
        branch,
        tree,
    })
}

/// The heading's words and the index of its first verb (`applied` …).
fn heading_verb<'a>(
    mail: &Mail<'a>,
    h: &Heading<'_>,
) -> Option<(Vec<super::free_text::Word<'a>>, usize)> {
    let mut words = Vec::new();
    for (n, i) in (h.first..h.end).enumerate() {
        words_of(head(mail.line(i), HEADING_BYTES), n, &mut words);
    }
    let verb = words.iter().position(super::free_text::is_verb)?;
    Some((words, verb))
}

fn applied(mail: &Mail<'_>, start: usize, end: usize, used: &mut [bool]) -> Option<Evidence> {
    let h = heading(mail, start)?;
    let (words, verb) = heading_verb(mail, &h)?;
    let mut evidence = mail.evidence(Kind::Applied, Rule::B4Ty, mail.line(h.first));
    evidence.lines = (h.first..h.end).map(|i| reason(mail.line(i))).collect();
    if let (_, Some((tree, branch))) = target_after(&words, verb + 1) {
        evidence.tree = tree;
        evidence.branch = branch;
    }
    if let Some(tree) = h.tree {
        evidence.tree = Some(tree.to_string());
    }
    if let Some(branch) = h.branch {
        evidence.branch = Some(branch.to_string());
    }
    evidence.subset = mail.subset_subject;
    for i in (start..end).step_by(2) {
        let Some((tag, subject)) = patch_line(mail.line(i)) else {
            continue;
        };
        let (index, total) = index_total(tag);
        let commit = match commit_line(mail.line(i + 1)) {
            Some(CommitLine::Id(id)) => commit_id(id, &mut evidence.warnings),
            _ => None,
        };
        evidence.patches.push(PatchRef {
            index,
            total,
            subject: Some(cut(subject, SUBJECT_CHARS).to_string()),
            commit,
        });
    }
    mark(used, h.first, end);
    Some(evidence)
}

/// `Merged, thanks!` … `merge commit: <sha>`: b4's note for a pull request.
fn merged(mail: &Mail<'_>, at: usize, merge: &str, used: &mut [bool]) -> Option<Evidence> {
    let h = heading(mail, at)?;
    heading_verb(mail, &h)?;
    let mut evidence = mail.evidence(Kind::Merged, Rule::B4Ty, mail.line(h.first));
    evidence.lines = (h.first..h.end).map(|i| reason(mail.line(i))).collect();
    let id = commit_of_url(merge).unwrap_or(merge);
    evidence.merge_commit = commit_id(id, &mut evidence.warnings);
    mark(used, h.first, at + 1);
    Some(evidence)
}

fn mark(used: &mut [bool], from: usize, to: usize) {
    for flag in used.iter_mut().take(to).skip(from) {
        *flag = true;
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Kind, Rule, Warning, evidence};
    use crate::mail::Person;

    const AM: &str = "On Mon, 13 Jul 2026 11:10:33 +0300, Leon Romanovsky wrote:
> This series contains two independent cleanups.
>
> [...]

Applied, thanks!

[2/2] RDMA: Remove redundant memset() from query_device callbacks
      https://git.kernel.org/rdma/rdma/c/eeb9697db6c16d

Best regards,
-- 
Leon Romanovsky <leon@kernel.org>
";

    #[test]
    fn applied_thanks_with_a_commit_link() {
        let leon = Person::new("Leon Romanovsky", "leon@kernel.org");
        let found = evidence(
            AM,
            "Re: (subset) [PATCH rdma-next 0/2] RDMA: Small batch of cleanups",
            Some(&leon),
        );
        assert_eq!(found.len(), 1, "{found:?}");
        let e = &found[0];
        assert_eq!(
            (e.rule, &e.kind, e.subset),
            (Rule::B4Ty, &Kind::Applied, true)
        );
        assert_eq!((e.tree.as_deref(), e.branch.as_deref()), (None, None));
        assert_eq!(e.by.as_ref(), Some(&leon));
        assert_eq!(e.lines, ["Applied, thanks!"]);
        assert_eq!(e.patches.len(), 1);
        let p = &e.patches[0];
        assert_eq!((p.index, p.total), (Some(2), Some(2)));
        assert_eq!(
            p.subject.as_deref(),
            Some("RDMA: Remove redundant memset() from query_device callbacks")
        );
        assert_eq!(p.commit.as_deref(), Some("eeb9697db6c16d"));
        // Without `(subset)` the note covers the series.
        assert!(!evidence(AM, "Re: [PATCH rdma-next 0/2] x", None)[0].subset);
    }

    #[test]
    fn branch_tree_and_commit_forms() {
        let body = "Hello,\n\n> quoted\n\nApplied to 6.5/scsi-fixes, thanks!\n\n\
                    [1/3] scsi: storvsc: Handle additional SRB status values\n      commit: 812fe6420a6e\n\
                    [2/3] scsi: storvsc: Second\n      https://github.com/kvm-x86/linux/commit/0123456789abcdef0123456789abcdef01234567\n\
                    [3/3] scsi: storvsc: Third\n      (no commit info)\n\n-- \nMartin\n";
        let e = &evidence(body, "Re: [PATCH 0/3] x", None)[0];
        assert_eq!(e.branch.as_deref(), Some("6.5/scsi-fixes"));
        let commits: Vec<_> = e.patches.iter().map(|p| p.commit.as_deref()).collect();
        assert_eq!(
            commits,
            [
                Some("812fe6420a6e"),
                Some("0123456789abcdef0123456789abcdef01234567"),
                None
            ]
        );
        assert!(e.warnings.is_empty());

        let body = "Applied to hid/hid.git (for-6.3/hid-core), thanks!\n\n\
                    [1/1] HID: hyperv: fix\n      https://git.kernel.org/hid/hid/c/0123abcd\n";
        let e = &evidence(body, "Re: [PATCH] HID: hyperv: fix", None)[0];
        assert_eq!(
            (e.tree.as_deref(), e.branch.as_deref()),
            (Some("hid/hid.git"), Some("for-6.3/hid-core"))
        );

        // A template that names the branch and tree on lines of their own.
        let body = "Applied, thanks!\n\n  Branch: driver-core-testing\n  Tree:   git://git.kernel.org/pub/scm/linux/kernel/git/driver-core/driver-core.git\n\n\
                    [1/5] amba: use generic driver_override infrastructure\n      commit: 1947229f5f2a\n";
        let e = &evidence(body, "Re: [PATCH v2 0/5] x", None)[0];
        assert_eq!(e.branch.as_deref(), Some("driver-core-testing"));
        assert_eq!(
            e.tree.as_deref(),
            Some("git://git.kernel.org/pub/scm/linux/kernel/git/driver-core/driver-core.git")
        );
        // A maintainer's own heading: applied some patches only.
        let body = "Applied 1 and 2 to kvm-x86 fixes.  I'll send v2 for the rest soon-ish.\n\n\
                    [1/3] KVM: x86: one\n      https://github.com/kvm-x86/linux/commit/abcdef012345\n\
                    [2/3] KVM: x86: two\n      https://github.com/kvm-x86/linux/commit/abcdef012346\n";
        let found = evidence(body, "Re: [PATCH 0/3] x", None);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].tree.as_deref(), found[0].branch.as_deref()),
            (Some("kvm-x86"), Some("fixes"))
        );
    }

    #[test]
    fn a_commit_that_is_not_hex_is_dropped_with_a_warning() {
        let body = "Applied, thanks!\n\n[1/1] x: y\n      commit: not-a-sha!\n";
        let e = &evidence(body, "Re: [PATCH] x: y", None)[0];
        assert_eq!(e.patches[0].commit, None);
        assert_eq!(e.warnings, [Warning::BadCommitId("not-a-sha!".into())]);
        let body = "Applied, thanks!\n\n[1/1] x: y\n      https://git.kernel.org/x/c/%.8s\n";
        assert_eq!(evidence(body, "Re: x", None)[0].warnings.len(), 1);
    }

    #[test]
    fn pull_requests_merged() {
        let body = "On Sun, 1 Jun 2025, Wei Liu wrote:\n> Hyper-V fixes\n\nMerged, thanks!\n\nmerge commit: 6e869de3a1b9ef9f096223e0e7f30c727de4f6bc\n\nBest regards,\n";
        let found = evidence(body, "Re: [GIT PULL] Hyper-V fixes", None);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].kind, Kind::Merged);
        assert_eq!(
            found[0].merge_commit.as_deref(),
            Some("6e869de3a1b9ef9f096223e0e7f30c727de4f6bc")
        );
    }

    #[test]
    fn lists_that_are_not_b4_notes() {
        // A list under a quoted heading, or under a question.
        let quoted = "> Applied, thanks!\n>\n\n[1/1] x: y\n      commit: 0123456789ab\n";
        assert!(evidence(quoted, "Re: x", None).is_empty());
        let question = "Which of these should go to net?\n\n[1/2] x: y\n      https://git.kernel.org/x/c/0123456789ab\n";
        assert!(evidence(question, "Re: x", None).is_empty());
        // A patch tag without its indented commit line.
        let plain = "Applied, thanks!\n\n[1/1] x: y\nBest regards\n";
        let found = evidence(plain, "Re: x", None);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rule, Rule::FreeText);
    }
}
