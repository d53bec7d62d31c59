//! Tests across the rules: the prefilter never misses, the JSON contract,
//! hostile input.

use std::time::{Duration, Instant};

use super::*;

/// One mail of each form, as lists write them (the rule tests have more).
const FIXTURES: &[(&str, &str)] = &[
    (
        "Re: (subset) [PATCH 0/2] RDMA: cleanups",
        "On Mon, 13 Jul 2026, Leon wrote:\n> x\n\nApplied, thanks!\n\n[2/2] RDMA: Remove memset\n      https://git.kernel.org/rdma/rdma/c/eeb9697db6c16d\n\nBest regards,\n",
    ),
    (
        "Re: [PATCH] scsi: storvsc: x",
        "Applied to 6.5/scsi-fixes, thanks!\n\n[1/1] scsi: storvsc: x\n      commit: 812fe6420a6e\n",
    ),
    (
        "Re: [GIT PULL] Hyper-V fixes",
        "Merged, thanks!\n\nmerge commit: 6e869de3a1b9ef9f096223e0e7f30c727de4f6bc\n",
    ),
    (
        "Re: [PATCH net] hv_netvsc: x",
        "Hello:\n\nThis patch was applied to netdev/net.git (main)\nby Paolo Abeni <pabeni@redhat.com>:\n\nOn Tue, 8 Oct 2024 you wrote:\n> x\n\nHere is the summary with links:\n  - [net] hv_netvsc: x\n    https://git.kernel.org/netdev/net/c/07cc7b0b942b\n\nYou are awesome, thank you!\n",
    ),
    (
        "[tip: x86/hyperv] x86/hyperv: x",
        "The following commit has been merged into the x86/hyperv branch of tip:\n\nCommit-ID:     ddc61bbc45017726a2b450350d476b4dc5ae25ce\nGitweb:        https://git.kernel.org/tip/ddc61bbc45017726a2b450350d476b4dc5ae25ce\nCommitter:     Ingo Molnar <mingo@kernel.org>\n\nx86/hyperv: x\n",
    ),
    (
        "patch \"Drivers: hv: x\" added to char-misc-testing",
        "\nThis is a note to let you know that I've just added the patch titled\n\n    Drivers: hv: x\n\nto my char-misc git tree which can be found at\n    git://x\nin the char-misc-testing branch.\n",
    ),
    (
        "[withdrawn] mm-x.patch removed from -mm tree",
        "\nThe quilt patch titled\n     Subject: mm: x\nhas been removed from the -mm tree.  Its filename was\n     mm-x.patch\n\nThis patch was dropped because it was withdrawn\n",
    ),
    (
        "Re: [GIT PULL] Hyper-V patches for v7.2",
        "The pull request you sent on Sun, 21 Jun 2026:\n\n> git://x tags/y\n\nhas been merged into torvalds/linux.git:\nhttps://git.kernel.org/torvalds/c/6e869de3a1b9ef9f096223e0e7f30c727de4f6bc\n",
    ),
    (
        "Re: [PATCH] Drivers: hv: x",
        "On Tue, Jan 02, 2024 at 10:00:00AM -0800, Dev wrote:\n> Fix the thing.\n\nApplied to hyperv-next. Thanks.\n",
    ),
    (
        "Re: [PATCH] Drivers: hv: x",
        "Hi Dev,\n\nThanks for the patch. Queued up for hyperv-fixes, thank you.\n\nWei.\n",
    ),
    (
        "Re: [PATCH net-next v2] net: mana: x",
        "> +\tfree(x);\n\nThis leaks on the error path.\n-- \npw-bot: cr\n",
    ),
    ("Re: [PATCH] x", "> Export it.\n\nNAK. Please let it rot.\n"),
    (
        "Re: [PATCH] x",
        "Nacked-by: \"Eric W. Biederman\" <ebiederm@xmission.com>\n",
    ),
    // Look-alikes: no evidence, whatever the prefilter says.
    (
        "Re: [PATCH] x",
        "> Applied to hyperv-next. Thanks.\n\nThanks Wei!\n",
    ),
    (
        "Re: [PATCH] x",
        "Applied the patch and tested it, works for me.\n\nTested-by: T <t@x.org>\n",
    ),
    ("Re: [PATCH] x", "I'll apply this once v2 is out.\n"),
];

/// Quoted-printable, as Outlook sends it: `=` and non-ASCII encoded, lines
/// over 76 characters broken with soft line breaks, CRLF.
fn quoted_printable(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for line in text.split('\n') {
        let mut column = 0;
        for &b in line.as_bytes() {
            let encoded = if b == b'=' || !(b == b'\t' || (b' '..=b'~').contains(&b)) {
                format!("={b:02X}")
            } else {
                (b as char).to_string()
            };
            if column + encoded.len() > 75 {
                out.extend_from_slice(b"=\r\n");
                column = 0;
            }
            out.extend_from_slice(encoded.as_bytes());
            column += encoded.len();
        }
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// The tests' `evidence` checks this on every body it is given: a body the
/// keyword test turns away holds no evidence the rules would find.
pub(super) fn check_keyword_test(
    body: &str,
    subject: &str,
    sender: Option<&Person>,
    keyword: bool,
) {
    if !keyword {
        assert_eq!(
            evidence_of_lines(body, subject, sender),
            [],
            "the keyword test lost evidence in {body:?}"
        );
    }
}

#[test]
fn the_prefilter_never_misses_a_fixture() {
    for (subject, body) in FIXTURES {
        let found = evidence(body, subject, None);
        if found.is_empty() {
            continue;
        }
        assert!(may_hold_evidence(body.as_bytes(), false), "{body}");
        assert!(
            may_hold_evidence(body.replace('\n', "\r\n").as_bytes(), false),
            "CRLF {body}"
        );
        assert!(
            may_hold_evidence(&quoted_printable(body), false),
            "QP {body}"
        );
    }
}

#[test]
fn each_fixture_gives_its_rule() {
    let rules: Vec<Vec<&str>> = FIXTURES
        .iter()
        .map(|(subject, body)| {
            evidence(body, subject, None)
                .iter()
                .map(|e| e.rule.name())
                .collect()
        })
        .collect();
    assert_eq!(
        rules,
        [
            vec!["b4-ty"],
            vec!["b4-ty"],
            vec!["b4-ty"],
            vec!["patchwork-bot"],
            vec!["tip-bot"],
            vec!["gregkh-bot"],
            vec!["akpm-bot"],
            vec!["pr-tracker-bot"],
            vec!["free-text"],
            vec!["free-text"],
            vec!["pw-bot"],
            vec!["nak"],
            vec!["nacked-by"],
            vec![],
            vec![],
            vec![],
        ]
    );
}

#[test]
fn rule_names_are_the_json_names() {
    for rule in Rule::ALL {
        assert_eq!(
            serde_json::to_value(rule).ok(),
            Some(serde_json::Value::from(rule.name()))
        );
    }
}

#[test]
fn the_json_contract() {
    let wei = Person::new("Wei Liu", "wei.liu@kernel.org");
    let found = evidence(
        "Queued 2-3 to hyperv-next, thanks.\n",
        "Re: [PATCH 0/3] x",
        Some(&wei),
    );
    let json = serde_json::to_value(&found).unwrap_or_default();
    assert_eq!(
        json,
        serde_json::json!([{
            "kind": "applied",
            "rule": "free-text",
            "tree": null,
            "branch": "hyperv-next",
            "patches": [
                {"index": 2, "total": null, "subject": null, "commit": null},
                {"index": 3, "total": null, "subject": null, "commit": null}
            ],
            "merge_commit": null,
            "subset": true,
            "by": {"name": "Wei Liu", "email": "wei.liu@kernel.org"},
            "lines": ["Queued 2-3 to hyperv-next, thanks."],
            "warnings": []
        }])
    );
    let removed = evidence(FIXTURES[6].1, FIXTURES[6].0, None);
    let json = serde_json::to_value(&removed).unwrap_or_default();
    assert_eq!(json[0]["kind"], "removed-from-tree");
    assert_eq!(json[0]["reason"], "withdrawn");
    let bad = evidence(
        "Applied, thanks!\n\n[1/1] x\n      commit: xyz\n",
        "Re: x",
        None,
    );
    assert_eq!(
        serde_json::to_value(&bad[0].warnings).unwrap_or_default(),
        serde_json::json!([{"bad-commit-id": "xyz"}])
    );
}

#[test]
fn reasons_are_cut() {
    let long = format!("Applied to hyperv-next. {}\n", "é".repeat(5000));
    let found = evidence(&long, "Re: x", None);
    assert_eq!(found[0].lines[0].chars().count(), MAX_REASON_CHARS);
}

/// Bodies built to be slow: a line of a megabyte, 100,000 lines, every form
/// repeated. Each must take time linear in its length: about a second at
/// most unoptimized, where a quadratic rule would take minutes.
#[test]
fn hostile_bodies_are_linear() {
    let megabyte_line = "Applied to ".repeat(100_000);
    let bodies = [
        format!("{megabyte_line}\n"),
        format!("{}\n", "applied ".repeat(130_000)),
        "Applied, thanks!\n\n".repeat(25_000),
        "[1/1] x\n      commit: 0123456789ab\n".repeat(50_000),
        format!(
            "Applied, thanks!\n\n{}",
            "[1/1] x\n      commit: 0123456789ab\n".repeat(50_000)
        ),
        "This series was applied to a (b)\n".repeat(25_000),
        format!("This series was applied to a (b)\n{}", "\n".repeat(100_000)),
        "This series was applied to a (b)\n> q\n> q\n".repeat(30_000),
        "The patch titled\n".repeat(100_000),
        "This is a note to let you know that I've just added the patch titled\n    x\n"
            .repeat(25_000),
        "The pull request you sent on x:\n".repeat(100_000),
        "pw-bot: cr\nNAK\nNacked-by: A <a@b.org>\n".repeat(30_000),
        format!("Applied to {}\n", "x".repeat(1 << 20)),
        format!("Hi,\n\nQueued 1-{}\n", "9".repeat(1 << 20)),
        "\n".repeat(100_000),
        format!("{}\n\nApplied.\n", "> quoted\n".repeat(100_000)),
    ];
    for body in &bodies {
        let start = Instant::now();
        let found = evidence(body, "Re: (subset) [GIT PULL] x", None);
        let raw = may_hold_evidence(body.as_bytes(), false);
        let took = start.elapsed();
        assert!(
            took < Duration::from_secs(10),
            "{took:?} for a body starting {:?}",
            cut(body, 40)
        );
        assert!(found.is_empty() || raw);
    }
}
