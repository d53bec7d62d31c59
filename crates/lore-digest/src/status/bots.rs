//! Notices that scripts write, each in one fixed template.
//!
//! * patchwork-bot (kernel.org's git-patchwork-bot, `…git-patchwork-notify`):
//!   `This series was applied to netdev/net-next.git (main)` (or `This
//!   patch …`, or an older `(refs/heads/master):`), `by Name <address>:`,
//!   and after `Here is the summary with links:` one `  - [tag] subject`
//!   per patch with its commit link (or `(no matching commit)`) below.
//! * tip-bot2: `The following commit has been merged into the x86/hyperv
//!   branch of tip:`, then `Commit-ID:`, `Committer:` … and the subject. The
//!   older tip-bot opens with `Commit-ID:` and names the branch in its
//!   subject (`[tip:timers/core] …`).
//! * Greg Kroah-Hartman's script: `This is a note to let you know that I've
//!   just added the patch titled`, the subject indented, then `to my usb git
//!   tree …` and `in the usb-next branch.`, or `to the 6.1-stable tree …`.
//! * Andrew Morton's: `The patch titled` (`The quilt patch titled`),
//!   `     Subject: …`, then `has been added to the -mm mm-hotfixes-unstable
//!   branch.` (older: `to the -mm tree.`) or `has been removed from the -mm
//!   tree.` with `This patch was dropped because it was merged into …` (or
//!   `folded into`, `withdrawn`, `nacked`, `is obsolete`, `an updated
//!   version will be merged`; the subject's `[merged mm-stable]` tag says
//!   the same when the sentence is missing).
//! * pr-tracker-bot: `The pull request you sent on <date>:`, the pull's
//!   quoted URL, `has been merged into torvalds/linux.git:` and the merge
//!   commit's link.
//!
//! Each template must start at the beginning of an unquoted line: a reply
//! that quotes a notice repeats it, it does not make a new one.

use super::{
    Evidence, Kind, Mail, PatchRef, RemovalReason, Rule, commit_id, commit_of_url, cut,
    index_total, is_blank, is_quoted, reason,
};
use crate::mail::parse_address;

/// Lines after a template's first line in which its other lines are looked
/// for: the templates are short, and a bound keeps hostile text linear.
const WINDOW: usize = 16;
const SUBJECT_CHARS: usize = 300;

pub(super) fn find(mail: &Mail<'_>, used: &mut [bool], found: &mut Vec<Evidence>) {
    // The old tip-bot's `Commit-ID:` opens the body.
    let first_text = mail.lines.iter().position(|l| !is_blank(l));
    for i in 0..mail.lines.len() {
        if used.get(i).copied().unwrap_or(true) {
            continue;
        }
        let line = mail.line(i);
        let evidence = if let Some(rest) = line
            .strip_prefix("This series was applied to ")
            .or_else(|| line.strip_prefix("This patch was applied to "))
        {
            patchwork(mail, i, rest, used)
        } else if let Some(rest) =
            line.strip_prefix("The following commit has been merged into the ")
        {
            tip_bot2(mail, i, rest)
        } else if line.starts_with("Commit-ID:") && first_text == Some(i) {
            tip_bot(mail, i)
        } else if line.trim_end()
            == "This is a note to let you know that I've just added the patch titled"
        {
            gregkh(mail, i)
        } else if matches!(
            line.trim_end(),
            "The patch titled" | "The quilt patch titled"
        ) {
            akpm(mail, i)
        } else if line.starts_with("The pull request you sent on ") {
            pr_tracker(mail, i)
        } else {
            None
        };
        if let Some(evidence) = evidence {
            // tip-bot, Greg's and Andrew's scripts send the commit or patch
            // itself below the notice: its text is theirs, not a reply's
            // (a commit message's `Applied …` or `NAK` says nothing here).
            // Later lines are then skipped, so this marks each line once.
            let whole = matches!(
                evidence.rule,
                Rule::TipBot | Rule::GregKhBot | Rule::AkpmBot
            );
            let end = if whole { used.len() } else { i + 1 };
            for flag in used.iter_mut().take(end).skip(i) {
                *flag = true;
            }
            found.push(evidence);
        }
    }
}

/// The lines after `i`, at most `n`, with their numbers.
fn after<'a>(
    mail: &'a Mail<'_>,
    i: usize,
    n: usize,
) -> impl Iterator<Item = (usize, &'a str)> + 'a {
    from(mail, i + 1, n)
}

/// Line `i` and the lines after it, at most `n` in all, with their numbers.
fn from<'a>(mail: &'a Mail<'_>, i: usize, n: usize) -> impl Iterator<Item = (usize, &'a str)> + 'a {
    (i..mail.lines.len().min(i.saturating_add(n))).map(move |j| (j, mail.line(j)))
}

/// `netdev/net-next.git (main)` → tree and branch (`refs/heads/` dropped).
fn tree_and_branch(text: &str) -> (Option<String>, Option<String>) {
    let text = text.trim().trim_end_matches(':').trim();
    match text.split_once(" (") {
        Some((tree, branch)) => {
            let branch = branch.trim_end_matches(')');
            let branch = branch.strip_prefix("refs/heads/").unwrap_or(branch);
            (Some(tree.trim().to_string()), Some(branch.to_string()))
        }
        None => ((!text.is_empty()).then(|| text.to_string()), None),
    }
}

fn patchwork(mail: &Mail<'_>, i: usize, rest: &str, used: &mut [bool]) -> Option<Evidence> {
    let mut e = mail.evidence(Kind::Applied, Rule::PatchworkBot, mail.line(i));
    (e.tree, e.branch) = tree_and_branch(rest);
    e.tree.as_ref()?;
    let next = mail.line(i + 1);
    if let Some(by) = next.strip_prefix("by ") {
        e.by = parse_address(by.trim().trim_end_matches(':')).or(e.by);
        e.lines.push(reason(next));
    }
    // The summary follows the quote of the mail (`On … you wrote:`, `> …`),
    // however long: walk over the quote. Quoted lines cannot open another
    // notice, so no line is walked twice.
    let summary = (i + 1..mail.lines.len())
        .map(|j| (j, mail.line(j)))
        .find(|(j, l)| {
            let in_quote = is_blank(l)
                || is_quoted(l)
                || (*j == i + 1 && l.starts_with("by "))
                || (l.starts_with("On ") && l.trim_end().ends_with("wrote:"));
            !in_quote
        })
        .filter(|(_, l)| l.starts_with("Here is the summary with links:"))
        .map(|(j, _)| j);
    if let Some(summary) = summary {
        let mut j = summary + 1;
        while let Some(item) = mail.line(j).strip_prefix("  - ") {
            let (tag, subject) = match item.strip_prefix('[').and_then(|r| r.split_once("] ")) {
                Some((tag, subject)) => (tag, subject),
                None => ("", item),
            };
            let (index, total) = index_total(tag);
            let link = mail.line(j + 1);
            let commit = if link.starts_with("    ") {
                let text = link.trim();
                j += 1;
                match commit_of_url(text) {
                    Some(id) => commit_id(id, &mut e.warnings),
                    None => {
                        // `(no matching commit)`: this one was not applied.
                        e.subset = true;
                        None
                    }
                }
            } else {
                None
            };
            e.patches.push(PatchRef {
                index,
                total,
                subject: Some(cut(subject.trim(), SUBJECT_CHARS).to_string()),
                commit,
            });
            if let Some(flag) = used.get_mut(j) {
                *flag = true;
            }
            j += 1;
        }
    }
    Some(e)
}

/// `x86/hyperv branch of tip:` → the tree and branch; then the header block.
fn tip_bot2(mail: &Mail<'_>, i: usize, rest: &str) -> Option<Evidence> {
    let (branch, tree) = rest
        .trim_end()
        .strip_suffix(':')?
        .split_once(" branch of ")?;
    let mut e = mail.evidence(Kind::Applied, Rule::TipBot, mail.line(i));
    e.tree = Some(tree.to_string());
    e.branch = Some(branch.to_string());
    tip_header(mail, i + 1, &mut e)?;
    Some(e)
}

/// The old tip-bot: `Commit-ID:` first, the branch in the subject's tag
/// (`[tip:timers/core] …`).
fn tip_bot(mail: &Mail<'_>, i: usize) -> Option<Evidence> {
    let gitweb = after(mail, i, 2).any(|(_, l)| l.starts_with("Gitweb:"));
    if !gitweb {
        return None;
    }
    let mut e = mail.evidence(Kind::Applied, Rule::TipBot, mail.line(i));
    e.lines.clear();
    let tag = mail
        .subject
        .trim()
        .strip_prefix("[tip:")?
        .split_once(']')?
        .0;
    e.tree = Some("tip".to_string());
    e.branch = Some(tag.trim().to_string());
    tip_header(mail, i, &mut e)?;
    Some(e)
}

/// Reads `Commit-ID:` and `Committer:` from the header block starting at
/// line `start`, and the subject: the first line after the block.
fn tip_header(mail: &Mail<'_>, start: usize, e: &mut Evidence) -> Option<()> {
    let mut commit = None;
    let mut end = None;
    for (j, line) in from(mail, start, WINDOW) {
        if let Some(id) = line.strip_prefix("Commit-ID:") {
            commit = commit_id(id.trim(), &mut e.warnings);
            if e.lines.is_empty() {
                e.lines.push(reason(line));
            }
        } else if let Some(who) = line.strip_prefix("Committer:") {
            e.by = parse_address(who.trim()).or(e.by.take());
        } else if is_blank(line) && j > start {
            end = Some(j);
            break;
        }
    }
    let subject = after(mail, end?, 2)
        .map(|(_, l)| l.trim())
        .find(|l| !l.is_empty());
    e.patches.push(PatchRef {
        subject: subject.map(|s| cut(s, SUBJECT_CHARS).to_string()),
        commit,
        ..PatchRef::default()
    });
    Some(())
}

fn gregkh(mail: &Mail<'_>, i: usize) -> Option<Evidence> {
    let mut subject = Vec::new();
    let mut tree = None;
    let mut branch = None;
    for (_, line) in after(mail, i, WINDOW) {
        if line.starts_with([' ', '\t']) && tree.is_none() && !is_blank(line) {
            subject.push(line.trim());
        } else if let Some(rest) = line
            .strip_prefix("to my ")
            .or_else(|| line.strip_prefix("to the "))
        {
            // `to my usb git tree which can be found at`, `to the 6.1-stable tree …`.
            let name = rest.split(" tree").next().unwrap_or(rest);
            tree = Some(name.strip_suffix(" git").unwrap_or(name).trim().to_string());
        } else if let Some(rest) = line.strip_prefix("in the ")
            && let Some(name) = rest.trim_end().strip_suffix(" branch.")
        {
            branch = Some(name.to_string());
            break;
        } else if tree.is_some() && line.starts_with("The ") {
            break;
        }
    }
    let tree = tree?;
    let mut e = mail.evidence(Kind::AddedToTree, Rule::GregKhBot, mail.line(i));
    let subject = subject.join(" ");
    e.lines.push(reason(&subject));
    e.tree = Some(tree);
    e.branch = branch;
    e.patches.push(PatchRef {
        subject: (!subject.is_empty()).then(|| cut(&subject, SUBJECT_CHARS).to_string()),
        ..PatchRef::default()
    });
    Some(e)
}

fn akpm(mail: &Mail<'_>, i: usize) -> Option<Evidence> {
    let mut subject = Vec::new();
    let mut state = None;
    for (j, line) in after(mail, i, WINDOW) {
        if let Some(rest) = line.strip_prefix("has been added to the ") {
            state = Some((j, true, rest));
            break;
        }
        if let Some(rest) = line.strip_prefix("has been removed from the ") {
            state = Some((j, false, rest));
            break;
        }
        if !line.starts_with([' ', '\t']) || subject.len() >= 4 {
            return None;
        }
        let text = line.trim();
        subject.push(text.strip_prefix("Subject:").map_or(text, str::trim));
    }
    let (at, added, rest) = state?;
    // `-mm mm-hotfixes-unstable branch.  Its filename is`, `-mm tree.  Its …`.
    let place = rest.split('.').next().unwrap_or(rest).trim();
    let (tree, branch) = match place.strip_suffix(" branch") {
        Some(place) => match place.split_once(' ') {
            Some((tree, branch)) => (tree, Some(branch)),
            None => (place, None),
        },
        None => (place.strip_suffix(" tree").unwrap_or(place), None),
    };
    let subject = subject.join(" ");
    let mut e = mail.evidence(Kind::AddedToTree, Rule::AkpmBot, mail.line(at));
    e.lines.insert(0, reason(&subject));
    e.tree = Some(tree.to_string());
    e.branch = branch.map(str::to_string);
    if !added {
        let because =
            after(mail, at, 6).find_map(|(_, l)| l.strip_prefix("This patch was dropped because "));
        let (reason_kind, into) = match because {
            Some(text) => {
                e.lines.push(super::reason(&format!(
                    "This patch was dropped because {text}"
                )));
                dropped_because(text)
            }
            None => (removal_tag(mail.subject), None),
        };
        e.kind = Kind::RemovedFromTree {
            reason: reason_kind,
        };
        e.branch = into.map(str::to_string);
    }
    e.patches.push(PatchRef {
        subject: (!subject.is_empty()).then(|| cut(&subject, SUBJECT_CHARS).to_string()),
        ..PatchRef::default()
    });
    Some(e)
}

/// Andrew's `This patch was dropped because …` sentence: the reason, and
/// the branch merged into when it names one (`the mm-stable branch`).
fn dropped_because(text: &str) -> (RemovalReason, Option<&str>) {
    let text = text.trim();
    if let Some(into) = text.strip_prefix("it was merged into ") {
        let branch = into
            .strip_prefix("the ")
            .and_then(|b| b.split_once(" branch"))
            .map(|(b, _)| b);
        return (RemovalReason::Merged, branch);
    }
    let reason = if text.starts_with("it was folded into") {
        RemovalReason::Folded
    } else if text.starts_with("an updated version will be merged") {
        RemovalReason::ToBeUpdated
    } else if text.starts_with("it was withdrawn") {
        RemovalReason::Withdrawn
    } else if text.starts_with("it was nacked") {
        RemovalReason::Nacked
    } else if text.starts_with("it is obsolete") {
        RemovalReason::Obsolete
    } else {
        RemovalReason::Other
    };
    (reason, None)
}

/// The reason in a removal notice's subject: `[merged mm-stable] x.patch
/// removed from -mm tree`, `[folded-merged]`, `[to-be-updated]` …
fn removal_tag(subject: &str) -> RemovalReason {
    let tag = subject
        .trim()
        .strip_prefix('[')
        .and_then(|s| s.split_once(']'))
        .map_or("", |(tag, _)| tag);
    match tag.split_whitespace().next().unwrap_or("") {
        "merged" => RemovalReason::Merged,
        "folded-merged" => RemovalReason::Folded,
        "to-be-updated" => RemovalReason::ToBeUpdated,
        "withdrawn" => RemovalReason::Withdrawn,
        "nacked" => RemovalReason::Nacked,
        "obsolete" => RemovalReason::Obsolete,
        _ => RemovalReason::Other,
    }
}

fn pr_tracker(mail: &Mail<'_>, i: usize) -> Option<Evidence> {
    let (at, line) = after(mail, i, 6).find(|(_, l)| l.starts_with("has been merged into "))?;
    let tree = line
        .strip_prefix("has been merged into ")?
        .trim_end()
        .trim_end_matches(':');
    let mut e = mail.evidence(Kind::Merged, Rule::PrTrackerBot, line);
    e.tree = Some(tree.to_string());
    let link = after(mail, at, 2)
        .map(|(_, l)| l.trim())
        .find(|l| !l.is_empty());
    if let Some(id) = link.and_then(commit_of_url) {
        e.merge_commit = commit_id(id, &mut e.warnings);
    }
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::super::{Kind, RemovalReason, Rule, evidence};
    use crate::mail::Person;

    const PATCHWORK: &str = "Hello:

This series was applied to netdev/net-next.git (main)
by Jakub Kicinski <kuba@kernel.org>:

On Thu, 13 Jun 2024 11:35:25 +0100 you wrote:
> This series adds a select_pcs() method.
> 
> [...]

Here is the summary with links:
  - [net-next,v2,1/2] net: mana: add the thing
    https://git.kernel.org/netdev/net-next/c/6c3282a6b296
  - [net-next,v2,2/2] net: mana: use the thing
    (no matching commit)

You are awesome, thank you!
-- 
Deet-doot-dot, I am a bot.
https://korg.docs.kernel.org/patchwork/pwbot.html
";

    #[test]
    fn patchwork_bot() {
        let bot = Person::new("", "patchwork-bot+netdevbpf@kernel.org");
        let found = evidence(
            PATCHWORK,
            "Re: [PATCH net-next v2 0/2] net: mana: thing",
            Some(&bot),
        );
        assert_eq!(found.len(), 1, "{found:?}");
        let e = &found[0];
        assert_eq!((e.rule, &e.kind), (Rule::PatchworkBot, &Kind::Applied));
        assert_eq!(
            (e.tree.as_deref(), e.branch.as_deref()),
            (Some("netdev/net-next.git"), Some("main"))
        );
        assert_eq!(e.by, Some(Person::new("Jakub Kicinski", "kuba@kernel.org")));
        assert!(e.subset);
        let got: Vec<_> = e
            .patches
            .iter()
            .map(|p| (p.index, p.subject.as_deref(), p.commit.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    Some(1),
                    Some("net: mana: add the thing"),
                    Some("6c3282a6b296")
                ),
                (Some(2), Some("net: mana: use the thing"), None)
            ]
        );
        // The older form: no `by` line, `(refs/heads/master):`, no tag.
        let old = "Hello:\n\nThis patch was applied to netdev/net.git (refs/heads/master):\n\nOn Mon, 1 Mar 2021 you wrote:\n> x\n\n\
                   Here is the summary with links:\n  - hv_netvsc: fix it\n    https://git.kernel.org/netdev/net/c/1d99411fe701\n\nYou are awesome, thank you!\n";
        let e = &evidence(old, "Re: [PATCH] hv_netvsc: fix it", Some(&bot))[0];
        assert_eq!(
            (e.tree.as_deref(), e.branch.as_deref()),
            (Some("netdev/net.git"), Some("master"))
        );
        assert_eq!(e.by.as_ref(), Some(&bot));
        assert!(!e.subset);
        assert_eq!(e.patches[0].commit.as_deref(), Some("1d99411fe701"));
        // The bot quotes the mail's first paragraph, however long.
        let long = PATCHWORK.replace("> [...]", &"> [ 2399.317651] BUG: oops\n".repeat(200));
        let e = &evidence(&long, "Re: x", Some(&bot))[0];
        assert_eq!(e.patches.len(), 2);
        // Quoted by someone replying to it: nothing.
        let quoted: String = PATCHWORK.lines().map(|l| format!("> {l}\n")).collect();
        assert!(evidence(&quoted, "Re: x", None).is_empty());
    }

    #[test]
    fn tip_bots() {
        let body = "The following commit has been merged into the timers/core branch of tip:

Commit-ID:     ddc61bbc45017726a2b450350d476b4dc5ae25ce
Gitweb:        https://git.kernel.org/tip/ddc61bbc45017726a2b450350d476b4dc5ae25ce
Author:        Boqun Feng <boqun.feng@gmail.com>
AuthorDate:    Tue, 26 Nov 2019 10:17:20 +08:00
Committer:     Daniel Lezcano <daniel.lezcano@linaro.org>
CommitterDate: Thu, 16 Jan 2020 19:07:09 +01:00

clocksource/drivers/hyper-v: Reserve PAGE_SIZE space for tsc page

Currently, the reserved size for a tsc page is 4K.

Applied on top of the fix, no NAK here.
NAK
";
        let found = evidence(
            body,
            "[tip: timers/core] clocksource/drivers/hyper-v: Reserve PAGE_SIZE space for tsc page",
            None,
        );
        assert_eq!(found.len(), 1, "{found:?}");
        let e = &found[0];
        assert_eq!(
            (e.rule, e.tree.as_deref(), e.branch.as_deref()),
            (Rule::TipBot, Some("tip"), Some("timers/core"))
        );
        assert_eq!(
            e.by,
            Some(Person::new("Daniel Lezcano", "daniel.lezcano@linaro.org"))
        );
        assert_eq!(
            e.patches[0].commit.as_deref(),
            Some("ddc61bbc45017726a2b450350d476b4dc5ae25ce")
        );
        assert_eq!(
            e.patches[0].subject.as_deref(),
            Some("clocksource/drivers/hyper-v: Reserve PAGE_SIZE space for tsc page")
        );

        let old = "Commit-ID:  dd2cb348613b44f9d948b068775e159aad298599
Gitweb:     https://git.kernel.org/tip/dd2cb348613b44f9d948b068775e159aad298599
Author:     Michael Kelley <mikelley@microsoft.com>
AuthorDate: Mon, 1 Jul 2019 04:26:06 +0000
Committer:  Thomas Gleixner <tglx@linutronix.de>
CommitDate: Wed, 3 Jul 2019 11:00:59 +0200

clocksource/drivers: Continue making Hyper-V clocksource ISA agnostic
";
        let e = &evidence(
            old,
            "[tip:timers/core] clocksource/drivers: Continue making Hyper-V clocksource ISA agnostic",
            None,
        )[0];
        assert_eq!(
            (e.tree.as_deref(), e.branch.as_deref()),
            (Some("tip"), Some("timers/core"))
        );
        assert_eq!(
            e.by.as_ref().map(|p| p.email.as_str()),
            Some("tglx@linutronix.de")
        );
        assert_eq!(
            e.lines,
            ["Commit-ID:  dd2cb348613b44f9d948b068775e159aad298599"]
        );
        // `Commit-ID:` in a reply's text is not a notice.
        assert!(evidence("Hi,\n\nCommit-ID: abc\nGitweb: x\n", "Re: x", None).is_empty());
        assert!(evidence("Commit-ID: abc, see above\n", "Re: x", None).is_empty());
    }

    #[test]
    fn greg_kroah_hartman() {
        let body = "

This is a note to let you know that I've just added the patch titled

    Drivers: hv: vmbus: fix the thing

to my char-misc git tree which can be found at
    git://git.kernel.org/pub/scm/linux/kernel/git/gregkh/char-misc.git
in the char-misc-testing branch.

The patch will show up in the next release of the linux-next tree
(usually sometime within the next 24 hours during the week.)
";
        let greg = Person::new("", "gregkh@linuxfoundation.org");
        let e = &evidence(
            body,
            "patch \"Drivers: hv: vmbus: fix the thing\" added to char-misc-testing",
            Some(&greg),
        )[0];
        assert_eq!((e.rule, &e.kind), (Rule::GregKhBot, &Kind::AddedToTree));
        assert_eq!(
            (e.tree.as_deref(), e.branch.as_deref()),
            (Some("char-misc"), Some("char-misc-testing"))
        );
        assert_eq!(
            e.patches[0].subject.as_deref(),
            Some("Drivers: hv: vmbus: fix the thing")
        );
        let stable = "This is a note to let you know that I've just added the patch titled

    x86/hyperv: fix the other thing

to the 6.1-stable tree which can be found at:
    http://www.kernel.org/git/?p=linux/kernel/git/stable/stable-queue.git;a=summary

The filename of the patch is:
     x86-hyperv-fix-the-other-thing.patch
";
        let e = &evidence(
            stable,
            "Patch \"x86/hyperv: fix the other thing\" has been added to the 6.1-stable tree",
            None,
        )[0];
        assert_eq!(
            (e.tree.as_deref(), e.branch.as_deref()),
            (Some("6.1-stable"), None)
        );
        // Quoted in a reply (`> > This is a note …`): nothing.
        let quoted: String = stable.lines().map(|l| format!("> > {l}\n")).collect();
        assert!(evidence(&format!("{quoted}\nI've deleted it now.\n"), "Re: x", None).is_empty());
    }

    #[test]
    fn andrew_morton() {
        let added = "
The patch titled
     Subject: mm: fix the thing
has been added to the -mm mm-hotfixes-unstable branch.  Its filename is
     mm-fix-the-thing.patch

This patch will shortly appear at
";
        let e = &evidence(
            added,
            "+ mm-fix-the-thing.patch added to mm-hotfixes-unstable branch",
            None,
        )[0];
        assert_eq!((e.rule, &e.kind), (Rule::AkpmBot, &Kind::AddedToTree));
        assert_eq!(
            (e.tree.as_deref(), e.branch.as_deref()),
            (Some("-mm"), Some("mm-hotfixes-unstable"))
        );
        assert_eq!(e.patches[0].subject.as_deref(), Some("mm: fix the thing"));
        let old = "The patch titled\n     Subject: mm/mmap.c: fix it\nhas been added to the -mm tree.  Its filename is\n     x.patch\n";
        let e = &evidence(old, "+ x.patch added to -mm tree", None)[0];
        assert_eq!(
            (e.tree.as_deref(), e.branch.as_deref()),
            (Some("-mm"), None)
        );

        let removed = |because: &str, subject: &str| {
            let body = format!(
                "\nThe quilt patch titled\n     Subject: mm: fix the thing\nhas been removed from the -mm tree.  Its filename was\n     mm-fix-the-thing.patch\n\n{because}\n------\n"
            );
            let e = evidence(&body, subject, None)
                .into_iter()
                .next()
                .unwrap_or_else(|| panic!("{because}"));
            (e.kind, e.branch)
        };
        let gone = |reason| Kind::RemovedFromTree { reason };
        assert_eq!(
            removed(
                "This patch was dropped because it was merged into the mm-stable branch\nof git://git.kernel.org/pub/scm/linux/kernel/git/akpm/mm",
                "[merged mm-stable] x.patch removed from -mm tree"
            ),
            (gone(RemovalReason::Merged), Some("mm-stable".into()))
        );
        assert_eq!(
            removed(
                "This patch was dropped because it was merged into mainline or a subsystem tree",
                "[merged] x"
            ),
            (gone(RemovalReason::Merged), None)
        );
        assert_eq!(
            removed(
                "This patch was dropped because it was folded into mm-other.patch",
                "x"
            )
            .0,
            gone(RemovalReason::Folded)
        );
        assert_eq!(
            removed(
                "This patch was dropped because an updated version will be merged",
                "x"
            )
            .0,
            gone(RemovalReason::ToBeUpdated)
        );
        assert_eq!(
            removed("This patch was dropped because it was withdrawn", "x").0,
            gone(RemovalReason::Withdrawn)
        );
        assert_eq!(
            removed("This patch was dropped because it was nacked", "x").0,
            gone(RemovalReason::Nacked)
        );
        assert_eq!(
            removed("This patch was dropped because it is obsolete", "x").0,
            gone(RemovalReason::Obsolete)
        );
        assert_eq!(
            removed("", "[obsolete] x.patch removed from -mm tree").0,
            gone(RemovalReason::Obsolete)
        );
        assert_eq!(
            removed("", "[to-be-updated] x.patch removed from -mm tree").0,
            gone(RemovalReason::ToBeUpdated)
        );
        assert_eq!(removed("", "x.patch removed").0, gone(RemovalReason::Other));
        // A reply quoting the notice.
        assert!(evidence("> The patch titled\n>      Subject: x\n> has been added to the -mm tree.\n\nThanks Andrew\n", "Re: x", None).is_empty());
    }

    #[test]
    fn pr_tracker_bot() {
        let body = "The pull request you sent on Sun, 21 Jun 2026 23:45:49 -0700:

> ssh://git@gitolite.kernel.org/pub/scm/linux/kernel/git/hyperv/linux.git tags/hyperv-next-signed-20260621

has been merged into torvalds/linux.git:
https://git.kernel.org/torvalds/c/6e869de3a1b9ef9f096223e0e7f30c727de4f6bc

Thank you!
";
        let found = evidence(body, "Re: [GIT PULL] Hyper-V patches for v7.2", None);
        assert_eq!(found.len(), 1, "{found:?}");
        let e = &found[0];
        assert_eq!(
            (e.rule, &e.kind, e.tree.as_deref()),
            (
                Rule::PrTrackerBot,
                &Kind::Merged,
                Some("torvalds/linux.git")
            )
        );
        assert_eq!(
            e.merge_commit.as_deref(),
            Some("6e869de3a1b9ef9f096223e0e7f30c727de4f6bc")
        );
    }
}
