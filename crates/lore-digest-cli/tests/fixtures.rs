//! End-to-end tests of `lore-digest report` on archives built on the fly.
//!
//! The fixtures (see `common/mails.rs`) are synthetic mails written for one
//! rule each; every rule has an explicit assertion here, and the whole text
//! and JSON reports are also pinned with insta snapshots.

mod common;

use common::mails::{self, single};
use common::{assert_input_error, run, run_json, run_ok, short};
use serde_json::Value;
use tempfile::TempDir;

const DASHES: &str = "----------------------------------------------------------------------";

// ---------------------------------------------------------------------------
// Parsing the text report.

#[derive(Debug)]
struct Entry {
    /// `New:` or, for a revision, `v3 (v2 posted …):`.
    label: String,
    title: String,
    subject: String,
    author: String,
    message: String,
}

#[derive(Debug)]
struct TextReport {
    lines: Vec<String>,
    domains: Vec<(u64, String)>,
    contributors: Vec<(u64, String)>,
    entries: Vec<Entry>,
}

/// The first line of a commit-message entry: `New:  title` for a first
/// version, `v3:  title` or `v3 (v2 posted …):  title` for a revision.
fn is_entry_heading(line: &str) -> bool {
    line.starts_with("New:  ")
        || (line.starts_with('v')
            && line[1..].starts_with(|c: char| c.is_ascii_digit())
            && line.contains(":  "))
}

/// Lines after `heading` (and the blank line under it) up to the next blank.
fn section<'a>(lines: &'a [String], heading_prefix: &str, heading_suffix: &str) -> &'a [String] {
    let start = lines
        .iter()
        .position(|l| l.starts_with(heading_prefix) && l.ends_with(heading_suffix))
        .unwrap_or_else(|| panic!("no heading {heading_prefix}..{heading_suffix} in report"));
    assert_eq!(
        lines.get(start + 1).map(String::as_str),
        Some(""),
        "blank line after {heading_prefix}"
    );
    let body = &lines[start + 2..];
    let end = body.iter().position(|l| l.is_empty()).unwrap_or(body.len());
    &body[..end]
}

fn count_line(line: &str, sep: &str) -> (u64, String) {
    assert!(line.len() > 7 + sep.len(), "short count line {line:?}");
    let (count, rest) = line.split_at(7);
    assert!(
        count.starts_with(' ') || count.trim().len() == 7,
        "count not right-aligned in 7: {line:?}"
    );
    let count: u64 = count
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("bad count in {line:?}"));
    let rest = rest
        .strip_prefix(sep)
        .unwrap_or_else(|| panic!("expected {sep:?} after count in {line:?}"));
    assert!(
        !rest.starts_with(' '),
        "too many spaces after count in {line:?}"
    );
    (count, rest.to_string())
}

fn parse_text(report: &str) -> TextReport {
    assert!(!report.contains('\r'), "carriage return in text report");
    let lines: Vec<String> = report.lines().map(str::to_string).collect();
    let domains = section(
        &lines,
        "Top ",
        " contributor Email domains (Based on Email Body)",
    )
    .iter()
    .map(|l| count_line(l, " "))
    .collect();
    let contributors = section(&lines, "Top ", " contributors (Based on Email Body)")
        .iter()
        .map(|l| count_line(l, "  "))
        .collect();
    assert!(
        report.contains("\n===== Patch list in this time period =====\n"),
        "no patch list heading"
    );
    let (_, messages) = report
        .split_once("\n===== Patch Commit Messages ====\n")
        .expect("no commit messages heading");
    let mut entries = Vec::new();
    for chunk in messages.split(&format!("\n{DASHES}\n")) {
        let chunk = chunk.trim_start_matches('\n');
        if chunk.trim().is_empty() {
            continue;
        }
        let mut it = chunk.lines();
        let heading = it.next().unwrap();
        assert!(
            is_entry_heading(heading),
            "entry does not start with 'New:' or 'vN…:': {heading:?}"
        );
        let (label, title) = heading.split_once(":  ").expect("label and title");
        let (label, title) = (format!("{label}:"), title.to_string());
        let subject = it.next().expect("subject line").to_string();
        let author = it.next().expect("author line").to_string();
        assert_eq!(
            it.next(),
            Some(""),
            "blank line after Author in entry {title:?}"
        );
        let message = it.collect::<Vec<_>>().join("\n").trim_end().to_string();
        entries.push(Entry {
            label,
            title,
            subject,
            author,
            message,
        });
    }
    TextReport {
        lines,
        domains,
        contributors,
        entries,
    }
}

impl TextReport {
    fn entry(&self, subject: &str) -> &Entry {
        let found: Vec<&Entry> = self
            .entries
            .iter()
            .filter(|e| e.subject == subject)
            .collect();
        assert_eq!(
            found.len(),
            1,
            "expected one entry with subject {subject:?}; subjects are:\n{}",
            self.entries
                .iter()
                .map(|e| e.subject.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        );
        found[0]
    }
}

// ---------------------------------------------------------------------------
// Expectations shared by the text and JSON tests of the single-epoch archive.

struct Expect {
    subject: &'static str,
    title: &'static str,
    author: &'static str,
}

const fn ex(subject: &'static str, title: &'static str, author: &'static str) -> Expect {
    Expect {
        subject,
        title,
        author,
    }
}

const ALICE: &str = "Alice Hacker <alice@kernel-dev.org>";
const ZOE: &str = "Zoë Müller <zoe.mueller@example.de>";
const JOSE: &str = "José Núñez <jose.nunez@example.es>";

/// Every patch mail (covers included) in range OLD..TIP; Bob's three are
/// checked apart because the display name to show is not fixed by the rules.
const V1_PATCHES: &[Expect] = &[
    ex(
        "[PATCH v2 0/3] KVM: x86/mmu: Allocate the hashed page list on demand",
        "KVM: x86/mmu: Allocate the hashed page list on demand",
        ALICE,
    ),
    ex(
        "[PATCH v2 1/3] KVM: x86/mmu: Dynamically allocate the shadow MMU's hashed page list on first use",
        "KVM: x86/mmu: Dynamically allocate the shadow MMU's hashed page list on first use",
        ALICE,
    ),
    ex(
        "[PATCH v2 2/3] KVM: x86/mmu: Free the hashed page list when the last root goes away",
        "KVM: x86/mmu: Free the hashed page list when the last root goes away",
        ALICE,
    ),
    ex(
        "[PATCH v2 3/3] KVM: x86: Allocate struct kvm with kvzalloc()",
        "KVM: x86: Allocate struct kvm with kvzalloc()",
        ALICE,
    ),
    ex(
        "[PATCH 1/2] KVM: selftests: Add a helper to read a KVM module parameter",
        "KVM: selftests: Add a helper to read a KVM module parameter",
        ZOE,
    ),
    ex(
        "[PATCH 2/2] KVM: selftests: Skip the dirty ring test if KVM is not loaded",
        "KVM: selftests: Skip the dirty ring test if KVM is not loaded",
        ZOE,
    ),
    ex(
        "[RFC PATCH v2 01/13] RISC-V: KVM: Add a skeleton for the SBI nested acceleration extension",
        "RISC-V: KVM: Add a skeleton for the SBI nested acceleration extension",
        JOSE,
    ),
    ex(
        "[PATCH net-next v2 3/4] vhost/net: Defer TX queue re-enable until the ring is drained",
        "vhost/net: Defer TX queue re-enable until the ring is drained",
        "Nadia Netdev <nadia@netdev.example>",
    ),
    ex(
        "[kvm-unit-tests PATCH 2/3] x86: svm: Add a test for the VMCB clean bits",
        "x86: svm: Add a test for the VMCB clean bits",
        "Kai Unit <kai@unit-tests.example>",
    ),
    ex(
        "[RESEND PATCH] KVM: s390: Fix the reporting of the guest TOD clock drift",
        "KVM: s390: Fix the reporting of the guest TOD clock drift",
        "Frank Resender <frank@s390.example>",
    ),
    ex(
        "[PATCHv3 2/5] KVM: PPC: Book3S HV: Drop the unused nested PTE helper",
        "KVM: PPC: Book3S HV: Drop the unused nested PTE helper",
        "Pat Compact <pat@ppc.example>",
    ),
    ex(
        "[for-next][PATCH] tracing: Fix the field order of the kvm_exit event",
        "tracing: Fix the field order of the kvm_exit event",
        "Steve Tracer <steve@trace.example>",
    ),
    ex(
        "[PATCH v5.1 10/12] KVM: x86/pmu: Move the PMU MSR filter to common code",
        "KVM: x86/pmu: Move the PMU MSR filter to common code",
        "Vera Five <vera@five.example>",
    ),
    ex(
        "[PATCH] KVM: x86: Fix off-by-one in the MSR filter range check",
        "KVM: x86: Fix off-by-one in the MSR filter range check",
        "Real Author <real.author@x.org> (sent by Max Maintainer <max@y.com>)",
    ),
    ex(
        "[PATCH RFC 0/5] KVM: guest_memfd: “in-place” shared/private conversion",
        "KVM: guest_memfd: “in-place” shared/private conversion",
        "Gwen Memfd <gwen@memfd.example>",
    ),
    ex(
        "[PATCH RFC 1/5] KVM: guest_memfd: Track shared/private state per folio",
        "KVM: guest_memfd: Track shared/private state per folio",
        "Gwen Memfd <gwen@memfd.example>",
    ),
    ex(
        "[PATCH] KVM: VMX: Fix a typo in the posted interrupt descriptor comment",
        "KVM: VMX: Fix a typo in the posted interrupt descriptor comment",
        "Gary Date <gary@dates.example>",
    ),
];

/// Subjects in "Patch Commit Messages" for OLD..TIP: the cover letter and
/// first patch of each series whose start (cover or patch 1) is in range.
const V1_NEW_ENTRIES: &[&str] = &[
    "[PATCH v2 0/3] KVM: x86/mmu: Allocate the hashed page list on demand",
    "[PATCH v2 1/3] KVM: x86/mmu: Dynamically allocate the shadow MMU's hashed page list on first use",
    "[PATCH 1/2] KVM: selftests: Add a helper to read a KVM module parameter",
    "[PATCH v3 1/3] KVM: arm64: vgic-its: Rename the save/restore helpers",
    "[RFC PATCH v2 01/13] RISC-V: KVM: Add a skeleton for the SBI nested acceleration extension",
    "[RESEND PATCH] KVM: s390: Fix the reporting of the guest TOD clock drift",
    "[for-next][PATCH] tracing: Fix the field order of the kvm_exit event",
    "[PATCH] KVM: x86: Fix off-by-one in the MSR filter range check",
    "[PATCH RFC 0/5] KVM: guest_memfd: “in-place” shared/private conversion",
    "[PATCH RFC 1/5] KVM: guest_memfd: Track shared/private state per folio",
    "[PATCH] KVM: VMX: Fix a typo in the posted interrupt descriptor comment",
];

/// Series whose first mail in OLD..TIP is neither a cover nor patch 1.
const V1_CONTINUED: &[&str] = &[
    "vhost/net: Defer TX queue re-enable until the ring is drained",
    "x86: svm: Add a test for the VMCB clean bits",
    "KVM: PPC: Book3S HV: Drop the unused nested PTE helper",
    "KVM: x86/pmu: Move the PMU MSR filter to common code",
];

/// Blocks of the patch list section, one per series (each starts at a line
/// without indentation).
fn patch_list_blocks(text: &str) -> Vec<String> {
    let (_, rest) = text
        .split_once("===== Patch list in this time period =====\n")
        .expect("patch list heading");
    // The list ends where the next section (discussion or commit messages) begins.
    let (list, _) = rest
        .split_once("\n=====")
        .expect("a section after the patch list");
    let mut blocks: Vec<String> = Vec::new();
    for line in list.lines().filter(|l| !l.trim().is_empty()) {
        // Each series starts with "- "; the summary line above them is not one.
        if line.starts_with("- ") {
            blocks.push(String::new());
        }
        if let Some(b) = blocks.last_mut() {
            b.push_str(line);
            b.push('\n');
        }
    }
    blocks
}

const BOB_SUBJECTS: &[&str] = &[
    "[PATCH v3 1/3] KVM: arm64: vgic-its: Rename the save/restore helpers",
    "[PATCH v3 2/3] KVM: arm64: vgic-its: Reject unaligned collection table writes",
    "[PATCH v3 3/3] KVM: arm64: vgic-its: Add a selftest hook for the collection table",
];

/// What any commit message in the report must not contain.
fn assert_clean_commit_message(what: &str, msg: &str) {
    assert!(
        !msg.contains("diff --git"),
        "{what}: diff in commit message:\n{msg}"
    );
    assert!(
        !msg.contains("\n@@ "),
        "{what}: diff hunk in commit message:\n{msg}"
    );
    assert!(
        !msg.contains("2.43.0"),
        "{what}: signature in commit message:\n{msg}"
    );
    assert!(
        !msg.lines().any(|l| l == "-- " || l == "--"),
        "{what}: signature delimiter in commit message:\n{msg}"
    );
    assert!(
        !msg.contains("base-commit:"),
        "{what}: base-commit in commit message:\n{msg}"
    );
    assert!(!msg.contains('\r'), "{what}: CR in commit message");
    assert!(
        !msg.contains("=?"),
        "{what}: undecoded encoded-word in commit message:\n{msg}"
    );
    assert!(
        !msg.starts_with("From:"),
        "{what}: in-body From kept in commit message:\n{msg}"
    );
    let tag = what.split(']').next().unwrap_or("");
    let cover = tag.contains(" 0/") || tag.contains(" 00/");
    if !cover {
        assert!(
            msg.lines().any(|l| l == "---"),
            "{what}: no '---' separator in commit message:\n{msg}"
        );
    }
    let last = msg.trim_end().lines().last().unwrap_or("");
    assert!(
        last.contains(" changed, ") || last.ends_with(" changed"),
        "{what}: commit message must end with the diffstat summary, ends with {last:?}"
    );
}

fn single_ids(repo: &common::Repo) -> (String, String) {
    (repo.commit(single::OLD), repo.commit(single::TIP))
}

// ---------------------------------------------------------------------------
// single epoch: range A..B, text.

#[test]
fn single_epoch_range_text_report() {
    let tmp = TempDir::new().unwrap();
    let repo = mails::kvm_single(tmp.path());
    let (a, b) = single_ids(&repo);
    let range = format!("{}..{}", short(&a), short(&b));
    let text = run_ok(&[
        "report",
        "--archive",
        repo.path_str(),
        "--range",
        &range,
        "--format",
        "text",
    ]);
    insta::assert_snapshot!("single_range_text", text);
    let report = parse_text(&text);

    // Header.
    assert_eq!(
        report.lines[0],
        format!("From {} to {}", short(&a), short(&b))
    );
    let title = &report.lines[1];
    assert!(
        title.ends_with(&format!(
            " mailing list update from {} to {}",
            short(&a),
            short(&b)
        )),
        "{title}"
    );
    assert!(
        title.to_lowercase().starts_with("kvm"),
        "list name not derived from List-Id: {title}"
    );
    assert!(text.contains("\nTop 15 contributor Email domains (Based on Email Body)\n"));
    assert!(text.contains("\nTop 15 contributors (Based on Email Body)\n"));

    // RFC 2047 decoding everywhere.
    assert!(!text.contains("=?"), "undecoded encoded-word in report");
    assert!(
        !text.contains("=E2=80=99"),
        "undecoded quoted-printable in report"
    );

    // Domains: case-insensitive, one line each; Bob's three spellings = one.
    let mut seen = std::collections::HashSet::new();
    for (_, d) in &report.domains {
        assert!(seen.insert(d.to_lowercase()), "domain {d} listed twice");
        assert!(
            !d.is_empty() && !d.contains('@') && !d.contains(' '),
            "bad domain {d:?}"
        );
    }
    let example_com: Vec<_> = report
        .domains
        .iter()
        .filter(|(_, d)| d.eq_ignore_ascii_case("example.com"))
        .collect();
    assert_eq!(
        example_com.len(),
        1,
        "example.com must be listed once: {:?}",
        report.domains
    );
    assert_eq!(
        example_com[0].0, 3,
        "Bob's three patches are example.com's only mails"
    );
    assert!(report.domains.len() <= 15);

    // Contributors: one line per address, compared case-insensitively.
    let mut seen = std::collections::HashSet::new();
    for (_, c) in &report.contributors {
        let email = c
            .rsplit_once(" <")
            .map(|(_, e)| e.trim_end_matches('>').to_lowercase());
        let email = email.unwrap_or_else(|| panic!("contributor line without <email>: {c:?}"));
        assert!(!email.is_empty(), "contributor with empty address: {c:?}");
        assert!(
            seen.insert(email.clone()),
            "contributor {email} listed twice: {:?}",
            report.contributors
        );
    }
    let bob: Vec<_> = report
        .contributors
        .iter()
        .filter(|(_, c)| c.to_lowercase().contains("<bob.builder@example.com>"))
        .collect();
    assert_eq!(
        bob.len(),
        1,
        "Bob under three spellings must be one contributor: {:?}",
        report.contributors
    );
    assert_eq!(bob[0].0, 3);
    assert!(
        bob[0].1.to_lowercase().starts_with("bob builder <"),
        "{:?}",
        bob[0]
    );
    assert!(
        report.contributors.iter().any(|(_, c)| c == ZOE),
        "Zoë's decoded name missing: {:?}",
        report.contributors
    );
    assert!(
        report.contributors.iter().any(|(_, c)| c == JOSE),
        "José's decoded name missing: {:?}",
        report.contributors
    );
    assert!(
        report
            .contributors
            .iter()
            .any(|(_, c)| c == "Real Author <real.author@x.org>"),
        "in-body author missing from contributors: {:?}",
        report.contributors
    );
    assert!(report.contributors.len() <= 15);
    // Contributors and domains are sorted by count, largest first.
    assert!(
        report.contributors.windows(2).all(|w| w[0].0 >= w[1].0),
        "contributors not sorted"
    );
    assert!(
        report.domains.windows(2).all(|w| w[0].0 >= w[1].0),
        "domains not sorted"
    );

    // Patch list: one block per series, every patch mail listed once.
    let blocks = patch_list_blocks(&text);
    assert_eq!(blocks.len(), 13, "series blocks:\n{}", blocks.join("\n"));
    for subject in V1_PATCHES
        .iter()
        .map(|x| x.subject)
        .chain(BOB_SUBJECTS.iter().copied())
    {
        let n = blocks
            .iter()
            .filter(|b| b.lines().any(|l| l.trim() == subject))
            .count();
        assert_eq!(n, 1, "{subject} must be listed in exactly one series block");
    }
    let together = |subjects: &[&str]| {
        assert!(
            blocks
                .iter()
                .any(|b| subjects.iter().all(|s| b.lines().any(|l| l.trim() == *s))),
            "not grouped as one series: {subjects:#?}"
        );
    };
    together(BOB_SUBJECTS); // unthreaded series
    together(&[
        V1_PATCHES[0].subject,
        V1_PATCHES[1].subject,
        V1_PATCHES[2].subject,
        V1_PATCHES[3].subject,
    ]);
    together(&[V1_PATCHES[4].subject, V1_PATCHES[5].subject]); // no cover, 2/2 in-reply-to 1/2
    together(&[V1_PATCHES[14].subject, V1_PATCHES[15].subject]);
    for b in &blocks {
        for prefix in ["Re:", "AW:", "SV:", "Fwd:", "[GIT PULL]"] {
            assert!(
                !b.lines().any(|l| l.trim().starts_with(prefix)),
                "non-patch in the patch list:\n{b}"
            );
        }
    }
    assert!(
        blocks
            .iter()
            .any(|b| b
                .contains("Real Author <real.author@x.org> (sent by Max Maintainer <max@y.com>)")),
        "in-body author not shown in the patch list"
    );

    // Commit messages: the cover and first patch of each series that starts
    // in the window; nothing that is not a patch.
    let mut got: Vec<&str> = report.entries.iter().map(|e| e.subject.as_str()).collect();
    let mut want: Vec<&str> = V1_NEW_ENTRIES.to_vec();
    got.sort();
    want.sort();
    assert_eq!(got, want, "commit message entries");
    for e in &report.entries {
        assert_clean_commit_message(&e.subject, &e.message);
        if e.subject == BOB_SUBJECTS[0] {
            assert_eq!(
                e.author.to_lowercase(),
                "author: bob builder <bob.builder@example.com>"
            );
            continue;
        }
        let x = V1_PATCHES.iter().find(|x| x.subject == e.subject).unwrap();
        assert_eq!(e.title, x.title, "title of {}", x.subject);
        assert_eq!(
            e.author,
            format!("Author: {}", x.author),
            "author of {}",
            x.subject
        );
    }
    assert!(
        !text.contains("Remove a stale comment"),
        "commit A itself is outside A..B"
    );

    // Folded Subject unfolded completely (also in the title).
    let a1 = report.entry(V1_PATCHES[1].subject);
    assert!(a1.title.ends_with("hashed page list on first use"));
    // Quoted-printable: UTF-8 escapes and soft line breaks decoded.
    assert!(
        a1.message.contains(
            "shadow pages, as the array itself is 32KiB, i.e. is an order-3 allocation all on its own. \
             Don’t allocate the array until it’s actually needed, i.e. until the first shadow root is allocated."
        ),
        "quoted-printable body not decoded:\n{}",
        a1.message
    );
    assert!(
        a1.message.contains("discussed in the v1 rfc thread."),
        "soft line break not joined:\n{}",
        a1.message
    );
    assert!(!a1.message.contains("=\n") && !a1.message.contains("=3D"));
    assert!(
        a1.message
            .ends_with(" 2 files changed, 22 insertions(+), 3 deletions(-)"),
        "{}",
        a1.message
    );
    // Cover letter: shortlog and diffstat kept, base-commit and signature cut.
    let a0 = report.entry(V1_PATCHES[0].subject);
    assert!(
        a0.message.contains("\nAlice Hacker (3):\n"),
        "{}",
        a0.message
    );
    assert!(
        a0.message
            .ends_with(" 3 files changed, 28 insertions(+), 9 deletions(-)"),
        "{}",
        a0.message
    );
    // Latin-1 body.
    let rs = report.entry(V1_PATCHES[9].subject);
    assert!(
        rs.message
            .contains("Reported-by: Jürgen Weiß <juergen@s390.example>"),
        "{}",
        rs.message
    );
    assert!(rs.message.contains("Böblingen lab"), "{}", rs.message);
    // In-body From: not part of the message.
    let ib = report.entry(V1_PATCHES[13].subject);
    assert!(
        ib.message.starts_with("The range end is exclusive"),
        "{}",
        ib.message
    );
    // Garbled Date does not drop the mail.
    report.entry(V1_PATCHES[16].subject);
}

// ---------------------------------------------------------------------------
// single epoch: range A..B, JSON.

fn str_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn series_by_title<'a>(report: &'a Value, title: &str) -> &'a Value {
    let all = report["series"].as_array().expect("series array");
    let found: Vec<&Value> = all.iter().filter(|s| s["title"] == title).collect();
    assert_eq!(
        found.len(),
        1,
        "expected one series titled {title:?}; titles:\n{}",
        all.iter()
            .map(|s| str_of(&s["title"]))
            .collect::<Vec<_>>()
            .join("\n")
    );
    found[0]
}

fn indices(series: &Value) -> Vec<u64> {
    series["patches"]
        .as_array()
        .expect("patches array")
        .iter()
        .map(|p| p["index"].as_u64().expect("index"))
        .collect()
}

/// "2", or "5.1" for `v5.1` (whether the minor part is its own field or not).
fn version(series: &Value) -> String {
    let major = str_of(&series["version"])
        .trim_start_matches(['v', 'V'])
        .to_string();
    match &series["version_minor"] {
        Value::Null => major,
        minor => format!("{major}.{}", str_of(minor)),
    }
}

/// (files, insertions, deletions) from a diffstat given as an object or as
/// the summary line.
fn diffstat(v: &Value) -> (u64, u64, u64) {
    if v.is_object() {
        let n = |k: &str| v[k].as_u64().unwrap_or(0);
        return (n("files"), n("insertions"), n("deletions"));
    }
    let s = str_of(v);
    let num_before = |word: &str| {
        s.split(',')
            .find(|part| part.contains(word))
            .and_then(|part| part.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    (
        num_before("changed"),
        num_before("insertion"),
        num_before("deletion"),
    )
}

fn person(v: &Value) -> String {
    format!("{} <{}>", str_of(&v["name"]), str_of(&v["email"]))
}

fn prefixes(series: &Value) -> Vec<String> {
    series["prefixes"]
        .as_array()
        .expect("prefixes array")
        .iter()
        .map(str_of)
        .collect()
}

fn walk_strings(v: &Value, f: &mut dyn FnMut(&str)) {
    match v {
        Value::String(s) => f(s),
        Value::Array(a) => a.iter().for_each(|x| walk_strings(x, f)),
        Value::Object(o) => o.values().for_each(|x| walk_strings(x, f)),
        _ => {}
    }
}

#[test]
fn single_epoch_range_json_report() {
    let tmp = TempDir::new().unwrap();
    let repo = mails::kvm_single(tmp.path());
    let (a, b) = single_ids(&repo);
    let range = format!("{}..{}", short(&a), short(&b));
    let r = run_json(&["report", "--archive", repo.path_str(), "--range", &range]);
    insta::assert_snapshot!("single_range_json", pretty(&r));

    // Discussion: Rachel's review of Alice's v2 counts for that series.
    let alice = series_by_title(&r, "KVM: x86/mmu: Allocate the hashed page list on demand");
    assert_eq!(alice["replies"], 1);
    let people: Vec<String> = alice["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| str_of(&p["email"]))
        .collect();
    assert_eq!(people, ["alice@kernel-dev.org", "rachel@reviewers.example"]);
    assert_eq!(r["pull_requests"].as_array().unwrap().len(), 1);
    assert_eq!(
        str_of(&r["discussions"][0]["subject"]),
        "Question about nested VMX preemption timer"
    );

    assert!(
        str_of(&r["list"]).to_lowercase().starts_with("kvm"),
        "list {}",
        r["list"]
    );
    let (from, to) = (str_of(&r["from"]), str_of(&r["to"]));
    assert!(
        from.len() >= 8 && a.starts_with(&from),
        "from {from} is not commit A {a}"
    );
    assert!(
        to.len() >= 8 && b.starts_with(&to),
        "to {to} is not commit B {b}"
    );

    let stats = &r["stats"];
    assert_eq!(stats["messages"], 26, "stats {stats}");
    assert_eq!(
        stats["missing"], 1,
        "the deletion commit is missing: stats {stats}"
    );
    assert_eq!(stats["patches"], 18, "stats {stats}");
    assert_eq!(stats["cover_letters"], 2, "stats {stats}");
    assert_eq!(stats["replies"], 4, "Re/AW/SV/Fwd: stats {stats}");
    assert_eq!(stats["pull_requests"], 1, "stats {stats}");

    walk_strings(&r, &mut |s| {
        assert!(!s.contains("=?"), "undecoded encoded-word {s:?}");
        assert!(!s.contains('\r'), "CR in {s:?}");
    });

    // Series.
    let series = r["series"].as_array().unwrap();
    assert_eq!(
        series.len(),
        13,
        "titles:\n{}",
        series
            .iter()
            .map(|s| str_of(&s["title"]))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let mut seen_subjects = Vec::new();
    for s in series {
        let continued = V1_CONTINUED.contains(&str_of(&s["title"]).as_str());
        assert_eq!(
            s["starts_in_window"], !continued,
            "starts_in_window of {}",
            s["title"]
        );
        let mails = s["cover"]
            .as_object()
            .map(|_| &s["cover"])
            .into_iter()
            .chain(s["patches"].as_array().unwrap());
        for p in mails {
            let subject = str_of(&p["subject"]);
            assert_clean_commit_message(&subject, &str_of(&p["commit_message"]));
            assert!(
                diffstat(&p["diffstat"]).0 >= 1,
                "diffstat of {subject}: {}",
                p["diffstat"]
            );
            if BOB_SUBJECTS.contains(&subject.as_str()) {
                assert_eq!(
                    person(&p["author"]).to_lowercase(),
                    "bob builder <bob.builder@example.com>"
                );
            } else {
                let x = V1_PATCHES
                    .iter()
                    .find(|x| x.subject == subject)
                    .unwrap_or_else(|| panic!("unexpected patch mail {subject:?}"));
                assert_eq!(str_of(&p["title"]), x.title, "title of {subject}");
                let author = x.author.split(" (sent by").next().unwrap();
                assert_eq!(person(&p["author"]), author, "author of {subject}");
            }
            seen_subjects.push(subject);
        }
    }
    assert_eq!(
        seen_subjects.len(),
        V1_PATCHES.len() + BOB_SUBJECTS.len(),
        "patch mails in series: {seen_subjects:#?}"
    );
    let commit_message = |subject: &str| {
        series
            .iter()
            .flat_map(|s| std::iter::once(&s["cover"]).chain(s["patches"].as_array().unwrap()))
            .find(|p| p["subject"] == subject)
            .map(|p| str_of(&p["commit_message"]))
            .unwrap_or_else(|| panic!("no patch {subject}"))
    };
    // Base64 body.
    let a2 = commit_message(V1_PATCHES[2].subject);
    assert!(a2.starts_with("Free the hashed page list"), "{a2}");
    assert!(a2.contains("The naïve approach"), "{a2}");
    // Multipart: only the first text/plain part.
    let k1 = commit_message(V1_PATCHES[8].subject);
    assert!(k1.starts_with("Verify that KVM reloads"), "{k1}");
    for bad in [
        "multi-part",
        "Content-Type",
        "fixture0123456789ABCDEF",
        "unittests.cfg",
    ] {
        assert!(!k1.contains(bad), "multipart leak {bad:?}:\n{k1}");
    }
    // CRLF mail.
    let n1 = commit_message(V1_PATCHES[7].subject);
    assert!(
        n1.trim_end()
            .ends_with(" 1 file changed, 6 insertions(+), 3 deletions(-)"),
        "{n1}"
    );
    assert!(n1.starts_with("Re-enabling the TX queue"), "{n1}");

    // Cover + 3 threaded patches.
    let a = series_by_title(&r, "KVM: x86/mmu: Allocate the hashed page list on demand");
    assert_eq!(version(a), "2");
    assert_eq!(a["total"], 3);
    assert_eq!(indices(a), [1, 2, 3]);
    assert_eq!(a["rfc"], false);
    assert_eq!(a["resend"], false);
    assert_eq!(a["author"]["email"], "alice@kernel-dev.org");
    assert_eq!(
        str_of(&a["message_id"]).trim_matches(['<', '>']),
        "20250501090000.4242-1-alice@kernel-dev.org"
    );
    assert_eq!(a["cover"]["subject"], V1_PATCHES[0].subject);
    assert_eq!(
        diffstat(&a["cover"]["diffstat"]),
        (3, 28, 9),
        "cover diffstat {}",
        a["cover"]["diffstat"]
    );
    assert_eq!(diffstat(&a["patches"][0]["diffstat"]), (2, 22, 3));
    assert_eq!(
        a["patches"][0]["subject"], V1_PATCHES[1].subject,
        "folded subject"
    );
    assert!(
        str_of(&a["patches"][0]["commit_message"])
            .contains("Don’t allocate the array until it’s actually needed")
    );
    assert!(str_of(&a["patches"][1]["commit_message"]).contains("The naïve approach"));

    // No cover, 2/2 in-reply-to 1/2.
    let z = series_by_title(
        &r,
        "KVM: selftests: Add a helper to read a KVM module parameter",
    );
    assert!(z["cover"].is_null());
    assert_eq!(z["total"], 2);
    assert_eq!(indices(z), [1, 2]);
    assert_eq!(z["author"]["name"], "Zoë Müller");
    assert_eq!(z["author"]["email"], "zoe.mueller@example.de");

    // Unthreaded series, one author under three spellings.
    let bob = series_by_title(&r, "KVM: arm64: vgic-its: Rename the save/restore helpers");
    assert!(bob["cover"].is_null());
    assert_eq!(version(bob), "3");
    assert_eq!(bob["total"], 3);
    assert_eq!(indices(bob), [1, 2, 3], "unthreaded series not grouped");
    assert_eq!(
        str_of(&bob["author"]["email"]).to_lowercase(),
        "bob.builder@example.com"
    );

    let j = series_by_title(
        &r,
        "RISC-V: KVM: Add a skeleton for the SBI nested acceleration extension",
    );
    assert_eq!(j["rfc"], true);
    assert_eq!(version(j), "2");
    assert_eq!(j["total"], 13);
    assert_eq!(indices(j), [1]);
    assert_eq!(j["author"]["name"], "José Núñez");

    let n = series_by_title(
        &r,
        "vhost/net: Defer TX queue re-enable until the ring is drained",
    );
    assert!(
        prefixes(n).contains(&"net-next".to_string()),
        "{}",
        n["prefixes"]
    );
    assert_eq!(version(n), "2");
    assert_eq!(n["total"], 4);
    assert_eq!(indices(n), [3]);

    let k = series_by_title(&r, "x86: svm: Add a test for the VMCB clean bits");
    assert!(
        prefixes(k).contains(&"kvm-unit-tests".to_string()),
        "{}",
        k["prefixes"]
    );
    assert_eq!(k["total"], 3);
    assert_eq!(indices(k), [2]);

    let rs = series_by_title(
        &r,
        "KVM: s390: Fix the reporting of the guest TOD clock drift",
    );
    assert_eq!(rs["resend"], true);
    assert_eq!(rs["rfc"], false);
    assert!(str_of(&rs["patches"][0]["commit_message"]).contains("Jürgen Weiß"));

    let p = series_by_title(&r, "KVM: PPC: Book3S HV: Drop the unused nested PTE helper");
    assert_eq!(version(p), "3");
    assert_eq!(p["total"], 5);
    assert_eq!(indices(p), [2]);

    let f = series_by_title(&r, "tracing: Fix the field order of the kvm_exit event");
    assert!(
        prefixes(f).contains(&"for-next".to_string()),
        "{}",
        f["prefixes"]
    );

    let v = series_by_title(&r, "KVM: x86/pmu: Move the PMU MSR filter to common code");
    assert_eq!(version(v), "5.1");
    assert_eq!(v["total"], 12);
    assert_eq!(indices(v), [10]);

    // In-body From: author is the in-body one, sender the header one; the
    // forwarded copy is not a second series.
    let ib = series_by_title(&r, "KVM: x86: Fix off-by-one in the MSR filter range check");
    assert_eq!(ib["author"]["name"], "Real Author");
    assert_eq!(ib["author"]["email"], "real.author@x.org");
    assert_eq!(ib["sender"]["name"], "Max Maintainer");
    assert_eq!(ib["sender"]["email"], "max@y.com");
    assert_eq!(ib["patches"][0]["author"]["email"], "real.author@x.org");
    assert_eq!(ib["patches"][0]["sender"]["email"], "max@y.com");

    let rfc = series_by_title(&r, "KVM: guest_memfd: “in-place” shared/private conversion");
    assert_eq!(rfc["rfc"], true);
    assert_eq!(rfc["total"], 5);
    assert!(!rfc["cover"].is_null());
    assert_eq!(indices(rfc), [1]);

    series_by_title(
        &r,
        "KVM: VMX: Fix a typo in the posted interrupt descriptor comment",
    );

    // Pull requests are not series.
    assert!(
        !series
            .iter()
            .any(|s| str_of(&s["title"]).contains("KVM fixes for"))
    );
    let pulls = r["pull_requests"].as_array().expect("pull_requests array");
    assert_eq!(pulls.len(), 1);
    assert!(
        pulls[0].to_string().contains("KVM fixes for 6.15-rc5"),
        "{}",
        pulls[0]
    );

    // Contributors and domains: unique, case-insensitive, not cut to --top.
    let contributors = r["contributors"].as_array().unwrap();
    let mut emails: Vec<String> = contributors
        .iter()
        .map(|c| str_of(&c["email"]).to_lowercase())
        .collect();
    assert!(
        emails.iter().all(|e| e.contains('@')),
        "contributor without address: {contributors:?}"
    );
    let n_contrib = emails.len();
    emails.sort();
    emails.dedup();
    assert_eq!(
        emails.len(),
        n_contrib,
        "duplicate contributors: {contributors:?}"
    );
    let bob_c: Vec<_> = contributors
        .iter()
        .filter(|c| str_of(&c["email"]).eq_ignore_ascii_case("bob.builder@example.com"))
        .collect();
    assert_eq!(bob_c.len(), 1);
    assert_eq!(bob_c[0]["count"], 3);
    assert!(
        contributors
            .iter()
            .any(|c| c["email"] == "real.author@x.org")
    );
    let domains = r["domains"].as_array().unwrap();
    let ex_com: Vec<_> = domains
        .iter()
        .filter(|d| str_of(&d["domain"]).eq_ignore_ascii_case("example.com"))
        .collect();
    assert_eq!(ex_com.len(), 1);
    assert_eq!(ex_com[0]["count"], 3);
}

// ---------------------------------------------------------------------------
// single epoch: the same range named in different ways, and `--range B`.

#[test]
fn single_epoch_range_spellings_agree() {
    let tmp = TempDir::new().unwrap();
    let repo = mails::kvm_single(tmp.path());
    let (a, b) = single_ids(&repo);
    let p = repo.path_str();
    let by_short = run_json(&[
        "report",
        "--archive",
        p,
        "--range",
        &format!("{}..{}", short(&a), short(&b)),
    ]);
    let by_full = run_json(&["report", "--archive", p, "--range", &format!("{a}..{b}")]);
    let by_ref = run_json(&[
        "report",
        "--archive",
        p,
        "--range",
        &format!("master~{}..master", single::TIP),
    ]);
    let by_7 = run_json(&[
        "report",
        "--archive",
        p,
        "--range",
        &format!("{}..HEAD", &a[..7]),
    ]);
    assert_eq!(by_short, by_full);
    assert_eq!(by_short, by_ref);
    assert_eq!(by_short, by_7);
}

#[test]
fn single_epoch_range_tip_only_is_whole_history() {
    let tmp = TempDir::new().unwrap();
    let repo = mails::kvm_single(tmp.path());
    let b = repo.commit(single::TIP);
    insta::assert_snapshot!(
        "single_range_tip_only_text",
        run_ok(&["report", "--archive", repo.path_str(), "--range", short(&b)])
    );
    let r = run_json(&["report", "--archive", repo.path_str(), "--range", short(&b)]);
    assert_eq!(r["stats"]["messages"], 27, "{}", r["stats"]);
    assert_eq!(r["stats"]["missing"], 1);
    assert_eq!(r["stats"]["patches"], 19);
    assert!(b.starts_with(&str_of(&r["to"])));
    series_by_title(&r, "KVM: x86: Remove a stale comment in the emulator");

    // Range ending mid-history: B = the in-body-From patch.
    let mid = repo.commit(single::IB);
    let text = run_ok(&[
        "report",
        "--archive",
        repo.path_str(),
        "--range",
        &format!("{}..{}", short(&repo.commit(single::A1)), short(&mid)),
    ]);
    let report = parse_text(&text);
    assert_eq!(
        report.lines[0],
        format!(
            "From {} to {}",
            short(&repo.commit(single::A1)),
            short(&mid)
        )
    );
    assert!(!text.contains("guest_memfd"), "commits after B selected");
    assert!(
        !text.contains("New:  KVM: x86/mmu: Allocate the hashed page list on demand"),
        "commit A selected"
    );
    // 2/3 and 3/3 are listed, but the series started before the range.
    let blocks = patch_list_blocks(&text);
    assert!(
        blocks
            .iter()
            .any(|b| b.contains(V1_PATCHES[2].subject) && b.contains(V1_PATCHES[3].subject))
    );
    assert!(
        !report
            .entries
            .iter()
            .any(|e| e.subject.starts_with("[PATCH v2 ")),
        "continued series has no New: entry"
    );
    assert!(
        report
            .entries
            .iter()
            .any(|e| e.subject == V1_PATCHES[4].subject)
    );
}

// ---------------------------------------------------------------------------
// single epoch: --since / --until.

#[test]
fn single_epoch_since_until_dates() {
    let tmp = TempDir::new().unwrap();
    let repo = mails::kvm_single(tmp.path());
    let p = repo.path_str();
    // Friday 2 May only (nothing arrived on the 3rd, so either reading of
    // an inclusive/exclusive day bound gives the same selection).
    let r = run_json(&[
        "report",
        "--archive",
        p,
        "--since",
        "2025-05-02",
        "--until",
        "2025-05-03",
    ]);
    insta::assert_snapshot!("single_since_until_dates_json", pretty(&r));
    let s = &r["stats"];
    assert_eq!(s["messages"], 8, "{s}");
    assert_eq!(s["missing"], 0, "{s}");
    assert_eq!(s["patches"], 6, "{s}");
    assert_eq!(s["cover_letters"], 0, "{s}");
    assert_eq!(s["replies"], 1, "{s}");
    assert_eq!(s["pull_requests"], 1, "{s}");
    assert!(
        repo.commit(single::K1).starts_with(&str_of(&r["from"])),
        "from = first selected commit"
    );
    assert!(
        repo.commit(single::IB).starts_with(&str_of(&r["to"])),
        "to = last selected commit"
    );

    let text = run_ok(&[
        "report",
        "--archive",
        p,
        "--since",
        "2025-05-02",
        "--until",
        "2025-05-03",
        "--format",
        "text",
    ]);
    insta::assert_snapshot!("single_since_until_dates_text", text);
    assert_eq!(
        text.lines().next().unwrap(),
        format!(
            "From {} to {}",
            short(&repo.commit(single::K1)),
            short(&repo.commit(single::IB))
        )
    );
}

#[test]
fn single_epoch_since_until_datetimes() {
    let tmp = TempDir::new().unwrap();
    let repo = mails::kvm_single(tmp.path());
    // 12:00..19:00 on 1 May: B1, AW, B2, B3, J1 and the deletion.
    let r = run_json(&[
        "report",
        "--archive",
        repo.path_str(),
        "--since",
        "2025-05-01T12:00:00Z",
        "--until",
        "2025-05-01T19:00:00Z",
    ]);
    insta::assert_snapshot!("single_since_until_datetimes_json", pretty(&r));
    let s = &r["stats"];
    assert_eq!(s["messages"], 5, "{s}");
    assert_eq!(s["missing"], 1, "{s}");
    assert_eq!(s["patches"], 4, "{s}");
    assert_eq!(s["replies"], 1, "{s}");
    assert!(repo.commit(single::B1).starts_with(&str_of(&r["from"])));
    assert!(repo.commit(single::DELETION).starts_with(&str_of(&r["to"])));
    let bob = series_by_title(&r, "KVM: arm64: vgic-its: Rename the save/restore helpers");
    assert_eq!(indices(bob), [1, 2, 3]);
}

#[test]
fn single_epoch_since_open_ended() {
    let tmp = TempDir::new().unwrap();
    let repo = mails::kvm_single(tmp.path());
    let r = run_json(&[
        "report",
        "--archive",
        repo.path_str(),
        "--since",
        "2025-05-04",
    ]);
    let s = &r["stats"];
    assert_eq!(s["messages"], 5, "{s}");
    assert_eq!(s["patches"], 2, "{s}");
    assert_eq!(s["cover_letters"], 1, "{s}");
    assert_eq!(s["replies"], 1, "{s}");
    assert!(repo.commit(single::RFC0).starts_with(&str_of(&r["from"])));
    assert!(repo.commit(single::TIP).starts_with(&str_of(&r["to"])));
}

#[test]
fn relative_since_and_directory_list_name() {
    let tmp = TempDir::new().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let repo = mails::recent(tmp.path(), now);
    let p = repo.path_str();
    let week = run_json(&["report", "--archive", p, "--since", "7d"]);
    assert_eq!(week["stats"]["messages"], 2, "{}", week["stats"]);
    let day = run_json(&["report", "--archive", p, "--since", "24h"]);
    assert_eq!(day["stats"]["messages"], 1, "{}", day["stats"]);
    assert_eq!(day["series"][0]["title"], "Drivers: hv: One hour old");
    // No List-Id in these mails: the list is named after the directory.
    assert!(
        str_of(&week["list"]).eq_ignore_ascii_case("hyperv"),
        "list {}",
        week["list"]
    );
    let text = run_ok(&["report", "--archive", p, "--since", "7d", "--until", "24h"]);
    assert!(text.contains("Drivers: hv: Three days old"));
    assert!(!text.contains("One hour old") && !text.contains("Ten days old"));
    assert!(
        text.lines()
            .nth(1)
            .unwrap()
            .to_lowercase()
            .starts_with("hyperv mailing list update from ")
    );
}

// ---------------------------------------------------------------------------
// single epoch: --top and --list.

#[test]
fn single_epoch_top_and_list() {
    let tmp = TempDir::new().unwrap();
    let repo = mails::kvm_single(tmp.path());
    let (a, b) = single_ids(&repo);
    let range = format!("{a}..{b}");
    let text = run_ok(&[
        "report",
        "--archive",
        repo.path_str(),
        "--range",
        &range,
        "--top",
        "3",
        "--list",
        "KVM-Fixture",
    ]);
    insta::assert_snapshot!("single_top3_text", text);
    let report = parse_text(&text);
    assert_eq!(
        report.lines[1],
        format!(
            "KVM-Fixture mailing list update from {} to {}",
            short(&a),
            short(&b)
        )
    );
    assert_eq!(report.domains.len(), 3, "{:?}", report.domains);
    assert_eq!(report.contributors.len(), 3, "{:?}", report.contributors);
    assert!(
        text.contains("Top 3 contributors (Based on Email Body)")
            || text.contains("Top 15 contributors (Based on Email Body)")
    );
    // The patch entries are not cut.
    assert_eq!(report.entries.len(), V1_NEW_ENTRIES.len());
    assert_eq!(patch_list_blocks(&text).len(), 13);

    let r = run_json(&[
        "report",
        "--archive",
        repo.path_str(),
        "--range",
        &range,
        "--top",
        "3",
        "--list",
        "KVM-Fixture",
    ]);
    assert_eq!(r["list"], "KVM-Fixture");
    assert!(
        r["contributors"].as_array().unwrap().len() > 3,
        "JSON lists must not be cut to --top"
    );
    assert!(
        r["domains"].as_array().unwrap().len() > 3,
        "JSON lists must not be cut to --top"
    );
}

// ---------------------------------------------------------------------------
// v2 inbox, two epochs, a series across the boundary.

#[test]
fn v2_range_across_epochs() {
    let tmp = TempDir::new().unwrap();
    let inbox = mails::kvm_v2(tmp.path());
    let a = inbox.epochs[0].commit(0);
    let b = inbox.epochs[1].commit(4);
    let range = format!("{}..{}", short(&a), short(&b));
    let p = inbox.path_str();

    let r = run_json(&["report", "--archive", p, "--range", &range]);
    insta::assert_snapshot!("v2_range_json", pretty(&r));
    let s = &r["stats"];
    assert_eq!(s["messages"], 7, "{s}");
    assert_eq!(s["missing"], 1, "{s}");
    assert_eq!(s["patches"], 4, "{s}");
    assert_eq!(s["cover_letters"], 1, "{s}");
    assert_eq!(s["replies"], 1, "{s}");
    assert_eq!(s["pull_requests"], 1, "{s}");
    assert!(a.starts_with(&str_of(&r["from"])));
    assert!(b.starts_with(&str_of(&r["to"])));
    assert_eq!(r["series"].as_array().unwrap().len(), 2);
    let g = series_by_title(&r, "KVM: guest_memfd: Support mmap() of shared memory");
    assert_eq!(indices(g), [1, 2, 3], "series spanning the epoch boundary");
    assert_eq!(version(g), "4");
    assert!(!g["cover"].is_null());
    assert_eq!(
        g["patches"][1]["subject"],
        format!("[PATCH v4 2/3] {}", mails::G2_TITLE)
    );
    assert_eq!(g["starts_in_window"], true);
    series_by_title(&r, "KVM: x86: Use kvm_rip_read() in the emulator");
    // Commit A (the base) is not selected: its patch is no series here, only
    // the thread a reply in the range continues.
    assert!(
        r["series"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| !str_of(&s["title"]).contains("svm_get_lbr_vmcb() helper")),
        "commit A selected"
    );

    let text = run_ok(&[
        "report",
        "--archive",
        p,
        "--range",
        &range,
        "--format",
        "text",
    ]);
    insta::assert_snapshot!("v2_range_text", text);
    let report = parse_text(&text);
    assert_eq!(
        report.lines[0],
        format!("From {} to {}", short(&a), short(&b))
    );
    assert!(
        report.lines[1]
            .to_lowercase()
            .starts_with("kvm mailing list update from")
    );
    // Cover and patch 1 (epoch 0) and the late patch (epoch 1) are new.
    assert_eq!(report.entries.len(), 3, "{:#?}", report.entries);
    let e = report.entry(&format!("[PATCH v4 1/3] {}", mails::G1_TITLE));
    assert_eq!(e.title, mails::G1_TITLE);
    assert_eq!(e.author, "Author: Ava Epoch <ava@epoch.example>");
    assert_clean_commit_message(mails::G1_TITLE, &e.message);
    let cover = report.entry("[PATCH v4 0/3] KVM: guest_memfd: Support mmap() of shared memory");
    assert!(
        cover
            .message
            .ends_with(" 2 files changed, 96 insertions(+), 6 deletions(-)"),
        "{}",
        cover.message
    );
    report.entry("[PATCH] KVM: x86: Use kvm_rip_read() in the emulator");
    // The series is one block in the patch list, across the epoch boundary.
    let blocks = patch_list_blocks(&text);
    assert_eq!(blocks.len(), 2, "{blocks:#?}");
    let g = blocks
        .iter()
        .find(|b| b.contains("Support mmap() of shared memory"))
        .unwrap();
    for (i, t) in [
        (1, mails::G1_TITLE),
        (2, mails::G2_TITLE),
        (3, mails::G3_TITLE),
    ] {
        assert!(g.contains(&format!("[PATCH v4 {i}/3] {t}")), "{g}");
    }
}

#[test]
fn v2_range_tip_only_spans_all_epochs() {
    let tmp = TempDir::new().unwrap();
    let inbox = mails::kvm_v2(tmp.path());
    let b = inbox.epochs[1].commit(4);
    let r = run_json(&["report", "--archive", inbox.path_str(), "--range", &b]);
    let s = &r["stats"];
    assert_eq!(s["messages"], 8, "{s}");
    assert_eq!(s["missing"], 1, "{s}");
    assert_eq!(s["patches"], 5, "{s}");
    series_by_title(&r, "KVM: SVM: Drop the unused svm_get_lbr_vmcb() helper");
}

#[test]
fn v2_range_inside_second_epoch() {
    let tmp = TempDir::new().unwrap();
    let inbox = mails::kvm_v2(tmp.path());
    let a = inbox.epochs[1].commit(0);
    let b = inbox.epochs[1].commit(4);
    let r = run_json(&[
        "report",
        "--archive",
        inbox.path_str(),
        "--range",
        &format!("{}..{}", short(&a), short(&b)),
    ]);
    insta::assert_snapshot!("v2_range_inside_second_epoch_json", pretty(&r));
    let s = &r["stats"];
    assert_eq!(s["messages"], 3, "{s}");
    assert_eq!(s["missing"], 1, "{s}");
    assert_eq!(s["patches"], 2, "{s}");
    assert_eq!(s["cover_letters"], 0, "{s}");
    assert_eq!(s["pull_requests"], 1, "{s}");
    let text = r.to_string();
    assert!(text.contains(mails::G3_TITLE));
    assert!(
        !text.contains(&format!("[PATCH v4 2/3] {}", mails::G2_TITLE)),
        "commit A selected"
    );
}

#[test]
fn v2_since_until_across_epochs() {
    let tmp = TempDir::new().unwrap();
    let inbox = mails::kvm_v2(tmp.path());
    // 09:00..10:02:30 on 10 May: cover and 1/3 (epoch 0), 2/3 (epoch 1).
    let r = run_json(&[
        "report",
        "--archive",
        inbox.path_str(),
        "--since",
        "2025-05-10T09:00:00Z",
        "--until",
        "2025-05-10T10:02:30Z",
    ]);
    insta::assert_snapshot!(
        "v2_since_until_text",
        run_ok(&[
            "report",
            "--archive",
            inbox.path_str(),
            "--since",
            "2025-05-10T09:00:00Z",
            "--until",
            "2025-05-10T10:02:30Z",
        ])
    );
    let s = &r["stats"];
    assert_eq!(s["messages"], 3, "{s}");
    assert_eq!(s["cover_letters"], 1, "{s}");
    assert_eq!(s["patches"], 2, "{s}");
    assert!(inbox.epochs[0].commit(2).starts_with(&str_of(&r["from"])));
    assert!(inbox.epochs[1].commit(0).starts_with(&str_of(&r["to"])));
    let g = series_by_title(&r, "KVM: guest_memfd: Support mmap() of shared memory");
    assert_eq!(indices(g), [1, 2]);
}

// ---------------------------------------------------------------------------
// Errors: exit 2, one line, no panic.

#[test]
fn input_errors_exit_2_with_one_line() {
    let tmp = TempDir::new().unwrap();
    let repo = mails::kvm_single(tmp.path());
    let p = repo.path_str();
    let b = repo.commit(single::TIP);
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let missing = tmp.path().join("does-not-exist");
    let file = tmp.path().join("file.mbox");
    std::fs::write(&file, "From nobody\n").unwrap();

    // Not an archive.
    assert_input_error(
        &[
            "report",
            "--archive",
            empty.to_str().unwrap(),
            "--range",
            "HEAD",
        ],
        true,
    );
    assert_input_error(
        &[
            "report",
            "--archive",
            missing.to_str().unwrap(),
            "--range",
            "HEAD",
        ],
        true,
    );
    assert_input_error(
        &[
            "report",
            "--archive",
            file.to_str().unwrap(),
            "--range",
            "HEAD",
        ],
        true,
    );
    // Unknown commit ids.
    assert_input_error(
        &[
            "report",
            "--archive",
            p,
            "--range",
            &format!("deadbeef..{}", short(&b)),
        ],
        true,
    );
    assert_input_error(
        &[
            "report",
            "--archive",
            p,
            "--range",
            "0123456789abcdef0123456789abcdef01234567",
        ],
        true,
    );
    assert_input_error(
        &["report", "--archive", p, "--range", "no-such-branch"],
        true,
    );
    // Empty selections.
    assert_input_error(
        &["report", "--archive", p, "--range", &format!("{b}..{b}")],
        true,
    );
    assert_input_error(&["report", "--archive", p, "--since", "2030-01-01"], true);
    assert_input_error(&["report", "--archive", p, "--since", "7d"], true);
    assert_input_error(
        &[
            "report",
            "--archive",
            p,
            "--since",
            "2025-05-03",
            "--until",
            "2025-05-03T23:00:00Z",
        ],
        true,
    );
    // v2 inbox: unknown id.
    let inbox = mails::kvm_v2(tmp.path());
    assert_input_error(
        &[
            "report",
            "--archive",
            inbox.path_str(),
            "--range",
            "deadbeef",
        ],
        true,
    );
}

#[test]
fn usage_errors_exit_2() {
    let tmp = TempDir::new().unwrap();
    let repo = mails::kvm_single(tmp.path());
    let p = repo.path_str();
    assert_input_error(&["report", "--archive", p], false);
    assert_input_error(&["report", "--range", "HEAD"], false);
    assert_input_error(
        &[
            "report",
            "--archive",
            p,
            "--range",
            "HEAD",
            "--format",
            "xml",
        ],
        false,
    );
    assert_input_error(
        &["report", "--archive", p, "--since", "yesterday-ish"],
        false,
    );
    assert_input_error(&["report", "--archive", p, "--since", "2025-13-45"], false);
    assert_input_error(
        &["report", "--archive", p, "--range", "HEAD", "--top", "many"],
        false,
    );
    assert_input_error(
        &[
            "report",
            "--archive",
            p,
            "--range",
            "HEAD",
            "--since",
            "2025-05-01",
        ],
        false,
    );
    let (code, _, _) = run(&["frobnicate"]);
    assert_eq!(code, 2);
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap()
}

// ---------------------------------------------------------------------------
// Edge cases: harder variants of the same rules.

#[test]
fn edge_cases() {
    let tmp = TempDir::new().unwrap();
    let repo = mails::kvm_edge(tmp.path());
    let tip = repo.rev_parse("HEAD");
    let p = repo.path_str();
    let text = run_ok(&[
        "report",
        "--archive",
        p,
        "--range",
        short(&tip),
        "--format",
        "text",
    ]);
    insta::assert_snapshot!("edge_text", text);
    let r = run_json(&["report", "--archive", p, "--range", short(&tip)]);
    insta::assert_snapshot!("edge_json", pretty(&r));

    let s = &r["stats"];
    assert_eq!(s["messages"], 12, "{s}");
    assert_eq!(s["missing"], 0, "{s}");
    assert_eq!(s["patches"], 10, "{s}");
    assert_eq!(s["cover_letters"], 1, "{s}");
    assert_eq!(s["replies"], 1, "'RE:' is a reply: {s}");
    assert_eq!(s["pull_requests"], 0, "{s}");
    walk_strings(&r, &mut |s| {
        assert!(!s.contains("=?"), "undecoded encoded-word {s:?}");
        assert!(!s.contains('\r'), "CR in {s:?}");
    });
    let series = r["series"].as_array().unwrap();
    assert_eq!(
        series.len(),
        9,
        "titles:\n{}",
        series
            .iter()
            .map(|s| str_of(&s["title"]))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let report = parse_text(&text);

    // Adjacent encoded-words across a fold join without a space; encoded
    // in-body From decoded and used as the author.
    let x = series_by_title(&r, "KVM: x86: Don’t leak the café counter");
    assert_eq!(x["patches"][0]["subject"], mails::X_INBODY_ENCODED_SUBJECT);
    assert_eq!(person(&x["author"]), "Zoë Müller <zoe.mueller@example.de>");
    assert_eq!(person(&x["sender"]), "Max Maintainer <max@y.com>");
    let e = report.entry(mails::X_INBODY_ENCODED_SUBJECT);
    assert_eq!(
        e.author,
        "Author: Zoë Müller <zoe.mueller@example.de> (sent by Max Maintainer <max@y.com>)"
    );
    assert!(
        e.message.starts_with("The counter is allocated"),
        "{}",
        e.message
    );
    assert!(
        report
            .contributors
            .iter()
            .any(|(_, c)| c == "Zoë Müller <zoe.mueller@example.de>"),
        "{:?}",
        report.contributors
    );

    // CRLF + folded Subject + QP soft breaks as "=\r\n".
    let o = series_by_title(
        &r,
        "KVM: arm64: Handle the PMU overflow interrupt in the vGIC fast path",
    );
    assert_eq!(version(o), "2");
    let msg = str_of(&o["patches"][0]["commit_message"]);
    assert!(
        msg.starts_with(
            "The PMU overflow interrupt is injected through the slow path, which costs an extra exit. \
             Inject it directly from the vGIC fast path; it’s already safe there.\n"
        ),
        "{msg:?}"
    );
    assert_clean_commit_message("outlook", &msg);
    assert_eq!(diffstat(&o["patches"][0]["diffstat"]), (1, 2, 2));

    // Base64 body in ISO-8859-1; ISO-8859-1 Q-encoded From name.
    let j = series_by_title(&r, "KVM: s390: Document the TOD clock drift units");
    assert_eq!(person(&j["author"]), "Jürgen Weiß <juergen@s390.example>");
    let msg = str_of(&j["patches"][0]["commit_message"]);
    assert!(
        msg.contains("Suggested-by: François Lévêque <francois@s390.example>"),
        "{msg}"
    );
    assert!(
        msg.contains("Signed-off-by: Jürgen Weiß <juergen@s390.example>"),
        "{msg}"
    );
    assert_clean_commit_message("base64 latin-1", &msg);

    // Two unnumbered patches a minute apart are two series.
    let one = series_by_title(&r, mails::X_SINGLE1_TITLE);
    let two = series_by_title(&r, mails::X_SINGLE2_TITLE);
    assert_eq!(one["patches"].as_array().unwrap().len(), 1);
    assert_eq!(two["patches"].as_array().unwrap().len(), 1);

    // Message-IDs are case-sensitive: reported as sent.
    let g = series_by_title(&r, "KVM: selftests: Fix the build with clang-20");
    assert_eq!(
        str_of(&g["message_id"]).trim_matches(['<', '>']),
        mails::X_MIXED_MSGID_ID
    );
    assert_eq!(
        str_of(&g["patches"][0]["message_id"]).trim_matches(['<', '>']),
        mails::X_MIXED_MSGID_ID
    );

    // In-body From equal to the header From up to case: no "sent by".
    let e = report.entry("[PATCH] KVM: arm64: vgic-its: Fix a comment typo");
    assert!(!e.author.contains("sent by"), "{}", e.author);
    assert_eq!(
        e.author.to_lowercase(),
        "author: bob builder <bob.builder@example.com>"
    );
    assert!(
        e.message.starts_with("s/colection/collection/"),
        "{}",
        e.message
    );

    // Patches before their cover letter, 2/2 threaded by References only.
    let o = series_by_title(&r, "KVM: x86: Clean up the APIC timer code");
    assert!(!o["cover"].is_null());
    assert_eq!(indices(o), [1, 2]);
    assert_eq!(o["starts_in_window"], true);
    assert_eq!(
        o["first_seen"], "2025-05-20T10:10:00Z",
        "first_seen = arrival of the first mail"
    );

    // PGP/MIME: first text/plain part (QP) is the body; no signature.
    let pg = series_by_title(&r, "KVM: SVM: Skip the AVIC doorbell for offline CPUs");
    let msg = str_of(&pg["patches"][0]["commit_message"]);
    assert!(msg.starts_with("The doorbell must not target"), "{msg}");
    assert!(msg.contains("Reported by René."), "{msg}");
    assert!(!msg.contains("PGP") && !msg.contains("=-=-="), "{msg}");
    assert_clean_commit_message("pgp", &msg);
    assert_eq!(diffstat(&pg["patches"][0]["diffstat"]), (1, 2, 1));

    for e in &report.entries {
        assert_clean_commit_message(&e.subject, &e.message);
    }
    assert!(!report.entries.iter().any(|e| e.subject.starts_with("RE:")));
}

// ---------------------------------------------------------------------------
// v2 inbox with 13 epochs: numeric epoch order, an empty newest epoch.

#[test]
fn v2_many_epochs_numeric_order() {
    let tmp = TempDir::new().unwrap();
    let inbox = mails::many_epochs(tmp.path());
    let p = inbox.path_str();
    let e = |i: usize| inbox.epochs[i].commit(0);

    let all = run_json(&["report", "--archive", p, "--range", &e(11)]);
    insta::assert_snapshot!("v2_many_epochs_json", pretty(&all));
    assert_eq!(all["stats"]["messages"], 12, "{}", all["stats"]);
    assert_eq!(all["stats"]["cover_letters"], 1);
    assert_eq!(all["stats"]["patches"], 11);
    let s = series_by_title(&all, &mails::many_title(0));
    assert_eq!(indices(s), (1..=11).collect::<Vec<u64>>());
    assert_eq!(s["total"], 11);
    assert!(
        e(0).starts_with(&str_of(&all["from"]))
            || str_of(&all["from"]).is_empty()
            || all["from"].is_null(),
        "from {}",
        all["from"]
    );
    assert!(e(11).starts_with(&str_of(&all["to"])));

    // A ref names the newest epoch that has it (epoch 12 has no commits).
    let by_ref = run_json(&["report", "--archive", p, "--range", "master"]);
    assert_eq!(by_ref["stats"]["messages"], 12, "{}", by_ref["stats"]);

    // Epochs 2..=11 (git/10.git and git/11.git come after git/9.git).
    let r = run_json(&[
        "report",
        "--archive",
        p,
        "--range",
        &format!("{}..{}", short(&e(1)), short(&e(11))),
    ]);
    assert_eq!(r["stats"]["messages"], 10, "{}", r["stats"]);
    assert_eq!(indices(&r["series"][0]), (2..=11).collect::<Vec<u64>>());

    let r = run_json(&[
        "report",
        "--archive",
        p,
        "--range",
        &format!("{}..{}", short(&e(9)), short(&e(11))),
    ]);
    assert_eq!(r["stats"]["messages"], 2, "{}", r["stats"]);
    assert_eq!(indices(&r["series"][0]), [10, 11]);

    let r = run_json(&[
        "report",
        "--archive",
        p,
        "--range",
        &format!("{}..{}", short(&e(2)), short(&e(10))),
    ]);
    assert_eq!(r["stats"]["messages"], 8, "{}", r["stats"]);
    assert_eq!(indices(&r["series"][0]), (3..=10).collect::<Vec<u64>>());

    // --since 00:10 selects the mails of epochs 10 and 11.
    let r = run_json(&["report", "--archive", p, "--since", "2025-05-30T00:10:00Z"]);
    assert_eq!(r["stats"]["messages"], 2, "{}", r["stats"]);
    assert!(
        e(10).starts_with(&str_of(&r["from"])),
        "from {} is not epoch 10's commit",
        r["from"]
    );
    assert!(e(11).starts_with(&str_of(&r["to"])));
    let r = run_json(&[
        "report",
        "--archive",
        p,
        "--since",
        "2025-05-30T00:01:30Z",
        "--until",
        "2025-05-30T00:09:30Z",
    ]);
    assert_eq!(r["stats"]["messages"], 8, "{}", r["stats"]);
    assert!(e(2).starts_with(&str_of(&r["from"])));
    assert!(e(9).starts_with(&str_of(&r["to"])));

    // Reversed range across epochs: nothing selected.
    assert_input_error(
        &[
            "report",
            "--archive",
            p,
            "--range",
            &format!("{}..{}", e(11), e(2)),
        ],
        true,
    );
}

#[test]
fn reversed_range_is_empty() {
    let tmp = TempDir::new().unwrap();
    let repo = mails::kvm_single(tmp.path());
    let (a, b) = single_ids(&repo);
    assert_input_error(
        &[
            "report",
            "--archive",
            repo.path_str(),
            "--range",
            &format!("{b}..{a}"),
        ],
        true,
    );
}

/// A minimal patch mail for the tests below.
fn simple_patch(n: u32) -> String {
    format!(
        "From: Rita Recent <rita@recent.example>\nSubject: [PATCH] fix number {n}\nMessage-ID: <simple-{n}@recent.example>\n\nFix {n}.\n---\n a.c | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n"
    )
}

// ---------------------------------------------------------------------------
// Revisions such as HEAD~3 name the newest epoch's history, never an older one.

#[test]
fn relative_revisions_resolve_in_the_newest_epoch() {
    let tmp = TempDir::new().unwrap();
    let mut e0 = common::Epoch::new();
    for n in 0..5 {
        e0 = e0.mail(simple_patch(n), common::T0 + i64::from(n) * common::HOUR);
    }
    let e1 = common::Epoch::new()
        .mail(simple_patch(10), common::T0 + common::DAY)
        .mail(simple_patch(11), common::T0 + common::DAY + common::HOUR);
    let inbox = common::Inbox::v2(&tmp.path().join("two"), vec![e0, e1]);
    let p = inbox.path_str();

    let r = run_json(&["report", "--archive", p, "--range", "HEAD~1..HEAD"]);
    assert_eq!(r["stats"]["messages"], 1);
    // Epoch 1 has two commits: HEAD~3 does not exist there, and epoch 0's
    // HEAD~3 is not what the user meant.
    let err = assert_input_error(&["report", "--archive", p, "--range", "HEAD~3..HEAD"], true);
    assert!(err.contains("unknown revision 'HEAD~3'"), "{err}");
    // A commit id is found in whichever epoch holds it.
    let old = inbox.epochs[0].commit(1);
    let r = run_json(&[
        "report",
        "--archive",
        p,
        "--range",
        &format!("{}..HEAD", short(&old)),
    ]);
    assert_eq!(r["stats"]["messages"], 3 + 2);
}

// ---------------------------------------------------------------------------
// -o FILE: written whole or not at all, readable like any report.

/// `-o /dev/null` or a named pipe is written to, never renamed over: a
/// rename would leave a regular file where the device or pipe was.
#[cfg(unix)]
#[test]
fn output_to_a_pipe_is_written_not_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let tmp = TempDir::new().unwrap();
    let repo = mails::kvm_single(tmp.path());
    let fifo = tmp.path().join("report.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let archive = repo.path_str();
    let stdout = run_ok(&["report", "--archive", archive, "--range", "master"]);
    run_ok(&[
        "report",
        "--archive",
        archive,
        "--range",
        "master",
        "-o",
        fifo.to_str().unwrap(),
    ]);
    assert_eq!(reader.join().unwrap(), stdout);
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
}

#[test]
fn output_file_is_replaced_atomically() {
    let tmp = TempDir::new().unwrap();
    let repo = mails::kvm_single(tmp.path());
    let archive = repo.path_str();
    let out = tmp.path().join("update.txt");
    let out_s = out.to_str().unwrap();

    let stdout = run_ok(&["report", "--archive", archive, "--range", "master"]);
    run_ok(&[
        "report",
        "--archive",
        archive,
        "--range",
        "master",
        "-o",
        out_s,
    ]);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), stdout);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode & 0o044,
            0o044,
            "report not readable by others: {mode:o}"
        );
    }

    // A failing run leaves the previous report as it was, and no temporary file.
    assert_input_error(
        &[
            "report",
            "--archive",
            archive,
            "--range",
            "nope",
            "-o",
            out_s,
        ],
        true,
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), stdout);
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n != "update.txt" && n != "kvm-fixture.git")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

// ---------------------------------------------------------------------------
// An archive that lacks a mail blob: counted as missing, warned about once,
// and the report goes on.

#[test]
fn a_missing_blob_is_counted_and_the_report_goes_on() {
    let tmp = TempDir::new().unwrap();
    let mut epoch = common::Epoch::new();
    for n in 0..3 {
        epoch = epoch.mail(simple_patch(n), common::T0 + i64::from(n) * common::HOUR);
    }
    let repo = epoch.write(&tmp.path().join("damaged.git"));
    let damaged = repo.commit(1);
    repo.remove_object(&format!("{damaged}:m"));

    let (code, stdout, stderr) = run(&[
        "report",
        "--archive",
        repo.path_str(),
        "--range",
        "master",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let r: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(r["stats"]["messages"], 2);
    assert_eq!(r["stats"]["missing"], 1);
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("warning")).collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(
        warnings[0].contains("could not be read") && warnings[0].contains(&damaged),
        "{stderr}"
    );
    assert_eq!(r["warnings"].as_array().unwrap().len(), 1);
}

// ---------------------------------------------------------------------------
// --url: every series, patch and pull request links to the web archive.

#[test]
fn links_to_the_web_archive_and_subsystems() {
    let tmp = TempDir::new().unwrap();
    let repo = mails::kvm_single(tmp.path());
    let archive = repo.path_str();
    let base = "https://lore.kernel.org/kvm";

    let r = run_json(&[
        "report",
        "--archive",
        archive,
        "--range",
        "master",
        "--url",
        base,
    ]);
    let series = r["series"].as_array().unwrap();
    for s in series {
        let expected = format!("{base}/{}/", str_of(&s["message_id"]).replace('/', "%2F"));
        assert_eq!(str_of(&s["url"]), expected);
        for p in s["patches"].as_array().unwrap() {
            assert!(str_of(&p["url"]).starts_with(&format!("{base}/")), "{p}");
        }
    }
    for pr in r["pull_requests"].as_array().unwrap() {
        assert!(str_of(&pr["url"]).ends_with('/'), "{pr}");
    }
    // Subsystems count every series once.
    let subsystem_series: u64 = r["subsystems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["series"].as_u64().unwrap())
        .sum();
    assert_eq!(subsystem_series, r["stats"]["series"].as_u64().unwrap());
    let vgic = series_by_title(&r, "KVM: arm64: vgic-its: Rename the save/restore helpers");
    assert_eq!(str_of(&vgic["subsystem"]), "KVM: arm64: vgic-its");

    let text = run_ok(&[
        "report",
        "--archive",
        archive,
        "--range",
        "master",
        "--url",
        base,
    ]);
    let links = text
        .lines()
        .filter(|l| {
            l.trim_start()
                .starts_with("Link: https://lore.kernel.org/kvm/")
        })
        .count();
    let entries = text.lines().filter(|l| is_entry_heading(l)).count();
    assert_eq!(links, series.len() + entries);
    // Without --url, no links at all.
    let plain = run_json(&["report", "--archive", archive, "--range", "master"]);
    assert!(
        plain["series"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["url"].is_null())
    );
}

// ---------------------------------------------------------------------------
// Revisions: a v2 posted as a reply to its v1, both in the selection.

fn revision_mail(id: &str, subject: &str, reply_to: Option<&str>, body: &str) -> String {
    let threading = reply_to.map_or(String::new(), |p| {
        format!("In-Reply-To: <{p}>\nReferences: <{p}>\n")
    });
    format!(
        "From: Vic Version <vic@versions.example>\nSubject: {subject}\nMessage-ID: <{id}>\n{threading}\n{body}"
    )
}

#[test]
fn revisions_in_the_selection_are_linked() {
    let tmp = TempDir::new().unwrap();
    let patch_body = "Do it.\n\nSigned-off-by: Vic Version <vic@versions.example>\n---\n a.c | 1 +\n 1 file changed, 1 insertion(+)\n\ndiff --git a/a.c b/a.c\n--- a/a.c\n+++ b/a.c\n@@ -1 +1,2 @@\n x\n+y\n";
    let v2_cover = "Second try.\n\nChanges in v2:\n - Rename the helper. [Rachel]\n - Drop patch 3.\n\nVic Version (1):\n  mm: do it\n";
    let epoch = common::Epoch::new()
        .mail(
            revision_mail(
                "v1c",
                "[PATCH 0/1] mm: Teach the thing",
                None,
                "First try.\n",
            ),
            common::T0,
        )
        .mail(
            revision_mail("v1p", "[PATCH 1/1] mm: do it", Some("v1c"), patch_body),
            common::T0 + 60,
        )
        .mail(
            revision_mail(
                "v2c",
                "[PATCH v2 0/1] mm: Teach the  thing.",
                Some("v1c"),
                v2_cover,
            ),
            common::T0 + 3 * common::DAY,
        )
        .mail(
            revision_mail("v2p", "[PATCH v2 1/1] mm: do it", Some("v2c"), patch_body),
            common::T0 + 3 * common::DAY + 60,
        );
    let repo = epoch.write(&tmp.path().join("revisions.git"));

    let r = run_json(&["report", "--archive", repo.path_str(), "--range", "master"]);
    let series = r["series"].as_array().unwrap();
    assert_eq!(series.len(), 2);
    let (v2, v1) = (&series[0], &series[1]);
    assert_eq!(
        (v2["version"].as_u64(), v1["version"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(str_of(&v1["superseded_by"]["message_id"]), "v2c");
    assert!(v2["superseded_by"].is_null());
    assert_eq!(str_of(&v2["earlier_versions"][0]["message_id"]), "v1c");
    assert_eq!(
        str_of(&v2["changelog"]),
        " - Rename the helper. [Rachel]\n - Drop patch 3."
    );
    assert!(v1["changelog"].is_null());

    let text = run_ok(&["report", "--archive", repo.path_str(), "--range", "master"]);
    let report = parse_text(&text);
    let labels: Vec<&str> = report.entries.iter().map(|e| e.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "v2 (v1 posted 2025-05-01, 3 days earlier):",
            "v2 (v1 posted 2025-05-01, 3 days earlier):",
            "New:",
            "New:"
        ]
    );
    assert!(
        text.contains("  Superseded by v2 (posted 2025-05-04)\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "  Changes in v2:\n     - Rename the helper. [Rachel]\n     - Drop patch 3.\n"
        ),
        "{text}"
    );
}

/// A mail of the lookback fixture: `from` is the sender, and the body may
/// carry a b4 change-id below its `---`.
fn lookback_mail(
    id: &str,
    from: &str,
    subject: &str,
    reply_to: Option<&str>,
    change_id: Option<&str>,
) -> String {
    let threading = reply_to.map_or(String::new(), |p| {
        format!("In-Reply-To: <{p}>\nReferences: <{p}>\n")
    });
    let body = if subject.contains(" 0/") {
        let b4 = change_id.map_or(String::new(), |c| {
            format!("---\nbase-commit: 0123abcd\nchange-id: {c}\n")
        });
        format!("Cover letter.\n\n{b4}")
    } else {
        "Do it.\n\nSigned-off-by: Someone <someone@x.example>\n---\n a.c | 1 +\n 1 file changed, 1 insertion(+)\n\ndiff --git a/a.c b/a.c\n--- a/a.c\n+++ b/a.c\n@@ -1 +1,2 @@\n x\n+y\n".to_string()
    };
    format!("From: {from}\nSubject: {subject}\nMessage-ID: <{id}>\n{threading}\n{body}")
}

/// Versions posted before the window: found through the title, the b4
/// change-id of a renamed series, and a renamed version posted in reply to
/// the one before; a partial reroll joins the posting it revises; and
/// `--lookback` bounds how far back they are looked for.
#[test]
fn revisions_before_the_window_are_found_and_lookback_bounds_them() {
    let tmp = TempDir::new().unwrap();
    let ann = "Ann Author <ann@widgets.example>";
    let bob = "Bob Builder <bob@bars.example>";
    let carl = "Carl Copy <carl@copies.example>";
    let day = |n: i64| common::T0 + n * common::DAY;
    let change_id = Some("20250501-widget-3f2a1b");
    let epoch = common::Epoch::new()
        .mail(
            lookback_mail("w1", ann, "[PATCH 0/2] Add the widget", None, change_id),
            day(0),
        )
        .mail(
            lookback_mail("w1p1", ann, "[PATCH 1/2] widget: one", Some("w1"), None),
            day(0) + 60,
        )
        .mail(
            lookback_mail("b1", bob, "[PATCH] bar: fix overflow", None, None),
            day(5),
        )
        .mail(
            lookback_mail("w2", ann, "[PATCH v2 0/2] Add the widget", None, change_id),
            day(10),
        )
        .mail(
            lookback_mail("w2p1", ann, "[PATCH v2 1/2] widget: one", Some("w2"), None),
            day(10) + 60,
        )
        // Another author's series of the same title is another series.
        .mail(
            lookback_mail("c2", carl, "[PATCH v2 0/2] Add the widget", None, None),
            day(12),
        )
        // The window: from day 19.
        .mail(
            lookback_mail(
                "w3",
                ann,
                "[PATCH v3 0/2] Add the widget driver",
                None,
                change_id,
            ),
            day(20),
        )
        .mail(
            lookback_mail("w3p1", ann, "[PATCH v3 1/2] widget: one", Some("w3"), None),
            day(20) + 60,
        )
        .mail(
            lookback_mail("w3p2", ann, "[PATCH v3 2/2] widget: two", Some("w3"), None),
            day(20) + 120,
        )
        .mail(
            lookback_mail(
                "w3p2b",
                ann,
                "[PATCH v3.1 2/2] widget: two",
                Some("w3p2"),
                None,
            ),
            day(21),
        )
        .mail(
            lookback_mail(
                "b2",
                bob,
                "[PATCH v2] bar: handle overflow in the bar",
                Some("b1"),
                None,
            ),
            day(22),
        );
    let repo = epoch.write(&tmp.path().join("lookback.git"));
    let since = "2025-05-20";
    let report = |lookback: &str| {
        run_json(&[
            "report",
            "--archive",
            repo.path_str(),
            "--since",
            since,
            "--lookback",
            lookback,
        ])
    };
    let earlier = |r: &serde_json::Value, title: &str| -> Vec<(u64, String)> {
        let series = r["series"].as_array().unwrap();
        let s = series.iter().find(|s| s["title"] == title).unwrap();
        s["earlier_versions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                (
                    v["version"].as_u64().unwrap(),
                    str_of(&v["message_id"]).to_string(),
                )
            })
            .collect()
    };
    let v = |n: u64, id: &str| (n, id.to_string());

    let all = report("all");
    assert_eq!(all["series"].as_array().unwrap().len(), 2);
    assert_eq!(
        earlier(&all, "Add the widget driver"),
        [v(1, "w1"), v(2, "w2")]
    );
    assert_eq!(
        earlier(&all, "bar: handle overflow in the bar"),
        [v(1, "b1")]
    );
    let widget = &all["series"][1];
    assert_eq!(str_of(&widget["title"]), "Add the widget driver");
    let subjects: Vec<String> = widget["patches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| str_of(&p["subject"]))
        .collect();
    assert_eq!(
        subjects,
        [
            "[PATCH v3 1/2] widget: one",
            "[PATCH v3 2/2] widget: two",
            "[PATCH v3.1 2/2] widget: two"
        ]
    );

    // 12 days before the window's first mail (day 20) reach back to day 8.
    let bounded = report("12d");
    assert_eq!(earlier(&bounded, "Add the widget driver"), [v(2, "w2")]);
    assert!(earlier(&bounded, "bar: handle overflow in the bar").is_empty());

    let none = report("none");
    assert!(earlier(&none, "Add the widget driver").is_empty());

    let text = run_ok(&["report", "--archive", repo.path_str(), "--since", since]);
    assert!(
        text.contains(
            "v3 (v2 posted 2025-05-11, 10 days earlier; v1 2025-05-01):  Add the widget driver"
        ),
        "{text}"
    );
    let (code, _, err) = common::run(&[
        "report",
        "--archive",
        repo.path_str(),
        "--since",
        since,
        "--lookback",
        "soon",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("expected `all`, `none` or a time"), "{err}");
}

// ---------------------------------------------------------------------------
// Markdown: the whole report as a snapshot, and hostile mail text escaped.

#[test]
fn markdown_report() {
    let tmp = TempDir::new().unwrap();
    let repo = mails::kvm_single(tmp.path());
    let (a, b) = single_ids(&repo);
    let range = format!("{}..{}", short(&a), short(&b));
    let md = run_ok(&[
        "report",
        "--archive",
        repo.path_str(),
        "--range",
        &range,
        "--format",
        "markdown",
        "--url",
        "https://lore.kernel.org/kvm",
    ]);
    insta::assert_snapshot!("single_range_markdown", md);
    assert!(md.starts_with("# kvm mailing list update from `"));
    assert!(
        md.contains("| 4 | Alice Hacker &lt;alice@kernel-dev.org&gt; |"),
        "{md}"
    );
}

/// Unescaped `|` in a Markdown table row: the cell separators.
fn table_separators(row: &str) -> usize {
    let bytes = row.as_bytes();
    (0..bytes.len())
        .filter(|&i| bytes[i] == b'|' && (i == 0 || bytes[i - 1] != b'\\'))
        .count()
}

#[test]
fn hostile_mail_text_is_escaped() {
    let tmp = TempDir::new().unwrap();
    let hostile = concat!(
        "From: \"\\\"><img src=x onerror=alert(1)>\" <evil@x.org>\n",
        "Subject: [PATCH] <script>alert(1)</script> | pipe `tick` **bold** [x](javascript:alert(1))\n",
        "Message-ID: <evil-1@x.org>\n\n",
        "Body with a fence:\n```\n<b>not html</b>\n```\n\nSigned-off-by: Evil <evil@x.org>\n---\n a.c | 1 +\n 1 file changed, 1 insertion(+)\n\ndiff --git a/a.c b/a.c\n--- a/a.c\n+++ b/a.c\n@@ -1 +1,2 @@\n x\n+y\n"
    );
    let reply = "From: Rev <rev@y.org>\nSubject: Re: [PATCH] <script>alert(1)</script>\nMessage-ID: <r-1@y.org>\nIn-Reply-To: <evil-1@x.org>\nReferences: <evil-1@x.org>\n\nReviewed-by: Rev <rev@y.org>\n";
    let repo = common::Epoch::new()
        .mail(hostile, common::T0)
        .mail(reply, common::T0 + 60)
        .write(&tmp.path().join("hostile.git"));
    let md = run_ok(&[
        "report",
        "--archive",
        repo.path_str(),
        "--range",
        "master",
        "--format",
        "markdown",
    ]);
    // Mail text stays as written only inside the fenced commit message.
    let outside_fences: String = md.split("````").step_by(2).collect();
    for raw in ["<script>", "<img", "<b>"] {
        assert!(!outside_fences.contains(raw), "{raw} not escaped:\n{md}");
    }
    assert!(
        md.contains("&lt;script&gt;alert(1)&lt;/script&gt; \\| pipe \\`tick\\` \\*\\*bold\\*\\*"),
        "{md}"
    );
    // The commit message holds ``` so its fence is longer.
    assert!(
        md.contains("````text\nBody with a fence:\n```\n<b>not html</b>\n```"),
        "{md}"
    );
    // Every table row keeps its columns.
    let mut header: Option<&str> = None;
    for line in md.lines() {
        if !line.starts_with('|') {
            header = None;
            continue;
        }
        let first = *header.get_or_insert(line);
        assert_eq!(
            table_separators(line),
            table_separators(first),
            "row {line:?} under {first:?}"
        );
    }
    // The text and JSON formats carry the subject as plain text.
    let text = run_ok(&["report", "--archive", repo.path_str(), "--range", "master"]);
    assert!(text.contains("[PATCH] <script>alert(1)</script> | pipe"));
}

// ---------------------------------------------------------------------------
// Other sources: the same mails as a v2 archive, a v1 archive, an mbox and a
// Maildir give the same report.

/// Mails whose `Date:` is their arrival time, so that a mailbox (selected by
/// Date) and an archive (selected by arrival) hold the same selection.
fn same_mails_everywhere() -> common::Epoch {
    let hour = |h: i64| common::T0 + h * common::HOUR;
    let head = |from: &str, subject: &str, id: &str, date: &str, reply: Option<&str>| {
        let threading = reply.map_or(String::new(), |p| {
            format!("In-Reply-To: <{p}>\nReferences: <{p}>\n")
        });
        format!(
            "From: {from}\nTo: kvm@vger.kernel.org\nSubject: {subject}\nDate: {date}\nMessage-ID: <{id}>\n{threading}List-Id: <kvm.vger.kernel.org>\n"
        )
    };
    let ann = "Ann Author <ann@widgets.example>";
    common::Epoch::new()
        .mail(
            head(ann, "[PATCH v2 0/2] KVM: x86: Frobnicate", "c", "Thu, 1 May 2025 01:00:00 +0000", None)
                + "\nThe cover.\n\nFrom the start, this needs mboxrd quoting.\n>From here too.\n\n---\nchange-id: 20250501-frob-1a2b3c\n",
            hour(1),
        )
        .mail(
            head(ann, "[PATCH v2 1/2] KVM: x86: one", "p1", "Thu, 1 May 2025 01:01:00 +0000", Some("c"))
                + "\nFrom: Zoë Writer <zoe@writers.example>\n\nDo one.\n\nSigned-off-by: Zoë Writer <zoe@writers.example>\n---\n a.c | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n\ndiff --git a/a.c b/a.c\n--- a/a.c\n+++ b/a.c\n@@ -1 +1 @@\n-x\n+y\n",
            hour(1) + 60,
        )
        .mail(
            head(ann, "[PATCH v2 2/2] KVM: x86: two", "p2", "Thu, 1 May 2025 03:02:00 +0200", Some("c"))
                + "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nDo two =E2=80=94 properly.\n\nSigned-off-by: Ann Author <ann@widgets.example>\n---\n b.c | 1 +\n 1 file changed, 1 insertion(+)\n\ndiff --git a/b.c b/b.c\n--- a/b.c\n+++ b/b.c\n@@ -1 +1,2 @@\n x\n+y\n",
            hour(1) + 120,
        )
        .mail(
            head("Rev Iewer <rev@reviews.example>", "Re: [PATCH v2 1/2] KVM: x86: one", "r1", "Thu, 1 May 2025 05:00:00 +0000", Some("p1"))
                + "\n> Do one.\n\nReviewed-by: Rev Iewer <rev@reviews.example>\n",
            hour(5),
        )
        .mail(
            head("=?iso-8859-1?q?Ren=E9_Latin?= <rene@latin.example>", "Question about the frobnicator", "q", "Thu, 1 May 2025 06:00:00 +0000", None)
                + "MIME-Version: 1.0\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: base64\n\nQ2Fm6SBxdWVzdGlvbi4K\n",
            hour(6),
        )
        .mail(
            head("Maint Ainer <maint@kernel.example>", "[GIT PULL] KVM fixes", "pull", "Thu, 1 May 2025 07:00:00 +0000", None)
                + "\nPlease pull.\n",
            hour(7),
        )
}

/// A JSON report without what names commits, which differs by source.
fn without_commit_ids(mut report: serde_json::Value) -> serde_json::Value {
    for key in ["from", "to", "from_commit", "to_commit"] {
        report[key] = serde_json::Value::Null;
        for list in report["lists"].as_array_mut().into_iter().flatten() {
            list[key] = serde_json::Value::Null;
        }
    }
    if let Some(series) = report["series"].as_array_mut() {
        for s in series {
            if let Some(cover) = s.get_mut("cover").filter(|c| !c.is_null()) {
                cover["commit"] = serde_json::Value::Null;
            }
            for p in s["patches"].as_array_mut().into_iter().flatten() {
                p["commit"] = serde_json::Value::Null;
            }
        }
    }
    report
}

#[test]
fn v2_v1_mbox_and_maildir_give_the_same_report() {
    let tmp = TempDir::new().unwrap();
    let mails = same_mails_everywhere();
    let v2 = mails.write(&tmp.path().join("v2.git"));
    let v1 = mails.write_v1(&tmp.path().join("v1.git"));
    let mbox = tmp.path().join("kvm.mbox");
    mails.write_mbox(&mbox);
    let maildir = tmp.path().join("Maildir");
    mails.write_maildir(&maildir);
    let report = |archive: &str| {
        without_commit_ids(run_json(&[
            "report",
            "--archive",
            archive,
            "--since",
            "2025-05-01",
            "--until",
            "2025-05-02",
        ]))
    };
    let expected = report(v2.path_str());
    assert_eq!(expected["stats"]["messages"], 6);
    assert_eq!(
        expected["series"][0]["patches"].as_array().unwrap().len(),
        2
    );
    assert_eq!(expected["series"][0]["change_id"], "20250501-frob-1a2b3c");
    let cover_text = str_of(&expected["series"][0]["cover"]["commit_message"]);
    assert!(
        cover_text.contains("\nFrom the start, this needs mboxrd quoting.\n>From here too.\n"),
        "{cover_text}"
    );
    for archive in [
        v1.path_str(),
        mbox.to_str().unwrap(),
        maildir.to_str().unwrap(),
    ] {
        assert_eq!(report(archive), expected, "{archive}");
    }

    // A mailbox is selected by Date: 06:00 and later leaves two mails.
    let (code, out, err) = common::run(&[
        "report",
        "--archive",
        mbox.to_str().unwrap(),
        "--since",
        "2025-05-01T06:00:00Z",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let late: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(late["stats"]["messages"], 2);
    // A commit range means nothing to a mailbox.
    let (code, _, err) = common::run(&[
        "report",
        "--archive",
        mbox.to_str().unwrap(),
        "--range",
        "master",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--range names git commits"), "{err}");
    // A file that is not an mbox is said to be so.
    let not_mbox = tmp.path().join("notes.txt");
    std::fs::write(&not_mbox, "Subject: hello\n\nhi\n").unwrap();
    let (code, _, err) = common::run(&[
        "report",
        "--archive",
        not_mbox.to_str().unwrap(),
        "--since",
        "1d",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not an mbox"), "{err}");
}

// ---------------------------------------------------------------------------
// Identities: a mailmap merges one person's addresses everywhere; domains
// are counted per organization, with the built-in map and an override.

/// A mail of the identities fixture: a patch when `reply_to` is `None`,
/// else a reply carrying `body`.
fn identity_mail(
    id: &str,
    from: &str,
    subject: &str,
    reply_to: Option<&str>,
    body: &str,
) -> String {
    let mut raw = format!("From: {from}\nSubject: {subject}\nMessage-ID: <{id}@ident.example>\n");
    if let Some(parent) = reply_to {
        raw.push_str(&format!(
            "In-Reply-To: <{parent}@ident.example>\nReferences: <{parent}@ident.example>\n"
        ));
    }
    raw.push_str(&format!("\n{body}"));
    raw
}

#[test]
fn a_mailmap_merges_people_and_organizations_are_counted() {
    let tmp = TempDir::new().unwrap();
    let patch = |who: &str| {
        format!(
            "Change.\n\nSigned-off-by: {who}\n---\n a.c | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n"
        )
    };
    let ann_work = "Ann Author <ann@linux.intel.com>";
    let ann_home = "ann <Ann.Dev@gmail.com>";
    let epoch = common::Epoch::new()
        .mail(
            identity_mail(
                "p1",
                ann_work,
                "[PATCH] widget: fix the frob",
                None,
                &patch(ann_work),
            ),
            common::T0,
        )
        .mail(
            identity_mail(
                "r1",
                "Rob R <rob@old.example>",
                "Re: [PATCH] widget: fix the frob",
                Some("p1"),
                "Reviewed-by: Rob R <rob@old.example>\n",
            ),
            common::T0 + 60,
        )
        .mail(
            identity_mail(
                "a1",
                ann_home,
                "Re: [PATCH] widget: fix the frob",
                Some("r1"),
                "Thanks.\n",
            ),
            common::T0 + 120,
        )
        .mail(
            identity_mail(
                "q1",
                ann_home,
                "[PATCH] gadget: tidy up",
                None,
                &patch(ann_home),
            ),
            common::T0 + 180,
        )
        .mail(
            identity_mail(
                "r2",
                "Rob Reviewer <rob@redhat.com>",
                "Re: [PATCH] gadget: tidy up",
                Some("q1"),
                "Reviewed-by: Rob Reviewer <rob@redhat.com>\n",
            ),
            common::T0 + 240,
        )
        .mail(
            identity_mail(
                "d1",
                "Dora <dora@linux.ibm.com>",
                "[PATCH] misc: note",
                None,
                &patch("Dora <dora@linux.ibm.com>"),
            ),
            common::T0 + 300,
        )
        .mail(
            identity_mail(
                "c1",
                "Carl <carl@uni.example>",
                "Re: [PATCH] misc: note",
                Some("d1"),
                "Acked-by: Carl <carl@uni.example>\n",
            ),
            common::T0 + 360,
        );
    let repo = epoch.write(&tmp.path().join("identities.git"));
    let mailmap = tmp.path().join("mailmap");
    std::fs::write(
        &mailmap,
        "# Ann writes from home too.\n\
         Ann Author <ann@linux.intel.com> <ann.dev@GMAIL.com>\n\
         Rob Reviewer <rob@redhat.com> <rob@old.example>\n",
    )
    .unwrap();
    let orgmap = tmp.path().join("orgmap");
    std::fs::write(
        &orgmap,
        "# Local knowledge.\nuni.example\tUniversity of Example\nredhat.com IBM  # an override\n",
    )
    .unwrap();
    let (archive, mailmap, orgmap) = (
        repo.path_str(),
        mailmap.to_str().unwrap(),
        orgmap.to_str().unwrap(),
    );
    let report = |extra: &[&str]| {
        let mut args = vec!["report", "--archive", archive, "--range", "master"];
        args.extend(extra);
        run_json(&args)
    };
    let counts = |v: &Value, key: &str, field: &str| -> Vec<(String, u64)> {
        v[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (str_of(&e[field]), e["count"].as_u64().unwrap()))
            .collect()
    };
    let row = |name: &str, n: u64| (name.to_string(), n);

    // Without a mailmap, each address is someone; the built-in map names
    // the organizations.
    let plain = report(&[]);
    assert_eq!(plain["contributors"].as_array().unwrap().len(), 6);
    assert_eq!(
        counts(&plain, "organizations", "name"),
        [
            row("(personal)", 2),
            row("IBM", 1),
            row("Intel", 1),
            row("Red Hat", 1),
            row("old.example", 1),
            row("uni.example", 1),
        ]
    );
    assert_eq!(plain["reviewers"].as_array().unwrap().len(), 3);

    // With it, Ann's two addresses and Rob's are one person each, in every
    // section: contributors, reviewers, review lines and participants.
    let merged = report(&["--mailmap", mailmap]);
    assert_eq!(
        counts(&merged, "contributors", "email"),
        [
            row("ann@linux.intel.com", 3),
            row("rob@redhat.com", 2),
            row("carl@uni.example", 1),
            row("dora@linux.ibm.com", 1),
        ]
    );
    assert_eq!(str_of(&merged["contributors"][0]["name"]), "Ann Author");
    assert_eq!(
        counts(&merged, "reviewers", "email"),
        [row("rob@redhat.com", 2), row("carl@uni.example", 1)]
    );
    assert_eq!(
        counts(&merged, "organizations", "name"),
        [
            row("Intel", 3),
            row("Red Hat", 2),
            row("IBM", 1),
            row("uni.example", 1)
        ]
    );
    assert_eq!(
        counts(&merged, "reviewer_organizations", "name"),
        [row("Red Hat", 2), row("uni.example", 1)]
    );
    let series = merged["series"].as_array().unwrap();
    let widget = series
        .iter()
        .find(|s| s["title"] == "widget: fix the frob")
        .unwrap();
    assert_eq!(
        str_of(&widget["reviews"][0]["people"][0]["name"]),
        "Rob Reviewer"
    );
    assert_eq!(
        widget["participants"].as_array().unwrap().len(),
        2,
        "{widget}"
    );
    let gadget = series
        .iter()
        .find(|s| s["title"] == "gadget: tidy up")
        .unwrap();
    assert_eq!(str_of(&gadget["author"]["email"]), "ann@linux.intel.com");

    // An override file adds and replaces domains of the built-in map.
    let overridden = report(&["--mailmap", mailmap, "--orgmap", orgmap]);
    assert_eq!(
        counts(&overridden, "organizations", "name"),
        [
            row("IBM", 3),
            row("Intel", 3),
            row("University of Example", 1)
        ]
    );
    // Without the built-in map, only the file's domains are named.
    let alone = report(&[
        "--mailmap",
        mailmap,
        "--orgmap",
        orgmap,
        "--no-default-orgmap",
    ]);
    assert_eq!(
        counts(&alone, "organizations", "name"),
        [
            row("linux.intel.com", 3),
            row("IBM", 2),
            row("University of Example", 1),
            row("linux.ibm.com", 1),
        ]
    );

    let text = run_ok(&[
        "report",
        "--archive",
        archive,
        "--range",
        "master",
        "--mailmap",
        mailmap,
    ]);
    assert!(
        text.contains(
            "Top 15 organizations (Based on Email Body)\n\n      3 Intel\n      2 Red Hat\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "Top 15 reviewer organizations (Reviewed/Acked/Tested-by given)\n\n      2 Red Hat\n"
        ),
        "{text}"
    );
    let md = run_ok(&[
        "report",
        "--archive",
        archive,
        "--range",
        "master",
        "--mailmap",
        mailmap,
        "--format",
        "markdown",
    ]);
    assert!(
        md.contains("| Mails | Organization |\n|---:|---|\n| 3 | Intel |\n"),
        "{md}"
    );
}

#[test]
fn bad_or_missing_identity_files_are_input_errors() {
    let tmp = TempDir::new().unwrap();
    let repo = common::Epoch::new()
        .mail(simple_patch(1), common::T0)
        .write(&tmp.path().join("one.git"));
    let bad_mailmap = tmp.path().join("bad.mailmap");
    std::fs::write(
        &bad_mailmap,
        "# fine\nAnn <ann@x.example>\nAnn ann@y.example\n",
    )
    .unwrap();
    let bad_orgmap = tmp.path().join("bad.orgmap");
    std::fs::write(&bad_orgmap, "ibm.com IBM\nlonely.example\n").unwrap();
    let missing = tmp.path().join("nowhere.map");
    let base = ["report", "--archive", repo.path_str(), "--range", "master"];
    let with = |flag: &str, path: &std::path::Path| -> String {
        let mut args = base.to_vec();
        args.extend([flag, path.to_str().unwrap()]);
        assert_input_error(&args, true)
    };
    let err = with("--mailmap", &bad_mailmap);
    assert!(err.contains("bad.mailmap:3: not a mailmap entry"), "{err}");
    let err = with("--orgmap", &bad_orgmap);
    assert!(
        err.contains("bad.orgmap:2: `lonely.example` names no organization"),
        "{err}"
    );
    let err = with("--mailmap", &missing);
    assert!(err.contains("nowhere.map: cannot read"), "{err}");
    let err = with("--orgmap", &missing);
    assert!(err.contains("nowhere.map: cannot read"), "{err}");
}

// ---------------------------------------------------------------------------
// Export: one record per message, adding up to the report's figures.

#[test]
fn export_records_add_up_to_the_report() {
    let tmp = TempDir::new().unwrap();
    let inbox = mails::kvm_v2(tmp.path());
    let archive = inbox.dir.to_str().unwrap();
    let report = run_json(&["report", "--archive", archive, "--since", "2025-01-01"]);
    let out = run_ok(&["export", "--archive", archive, "--since", "2025-01-01"]);
    let records: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let stats = &report["stats"];
    assert_eq!(records.len() as u64, stats["messages"].as_u64().unwrap());
    let count = |kind: &str| records.iter().filter(|r| r["kind"] == kind).count() as u64;
    assert_eq!(count("patch"), stats["patches"].as_u64().unwrap());
    assert_eq!(
        count("cover_letter"),
        stats["cover_letters"].as_u64().unwrap()
    );
    assert_eq!(count("reply"), stats["replies"].as_u64().unwrap());
    assert_eq!(
        count("pull_request"),
        stats["pull_requests"].as_u64().unwrap()
    );
    // The domain counts, as DuckDB's `GROUP BY domain` would make them.
    let mut domains: std::collections::BTreeMap<String, u64> = Default::default();
    for r in &records {
        if let Some(d) = r["domain"].as_str() {
            *domains.entry(d.to_string()).or_default() += 1;
        }
    }
    for d in report["domains"].as_array().unwrap() {
        assert_eq!(
            domains.get(d["domain"].as_str().unwrap()).copied(),
            d["count"].as_u64(),
            "{d}"
        );
    }
    assert_eq!(domains.len(), report["domains"].as_array().unwrap().len());
    // Patches of one series share its id; the series' count matches.
    let series: std::collections::BTreeSet<&str> = records
        .iter()
        .filter(|r| r["kind"] == "patch" || r["kind"] == "cover_letter")
        .filter_map(|r| r["series_id"].as_str())
        .collect();
    assert_eq!(series.len() as u64, stats["series"].as_u64().unwrap());
    // Epochs are numbered as in the inbox.
    let epochs: std::collections::BTreeSet<u64> =
        records.iter().filter_map(|r| r["epoch"].as_u64()).collect();
    assert_eq!(epochs.into_iter().collect::<Vec<_>>(), [0, 1]);
}

/// The Parquet export holds the same records as the JSON Lines, field by
/// field, read back through arrow (as DuckDB or Spark would).
#[test]
fn parquet_export_holds_the_jsonl_records() {
    let tmp = TempDir::new().unwrap();
    let inbox = mails::kvm_v2(tmp.path());
    let archive = inbox.dir.to_str().unwrap();
    let file = tmp.path().join("kvm.parquet");
    let select = ["export", "--archive", archive, "--since", "2025-01-01"];
    let jsonl = run_ok(&select);
    let mut args = select.to_vec();
    args.extend(["--format", "parquet", "-o", file.to_str().unwrap()]);
    run_ok(&args);

    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
        std::fs::File::open(&file).unwrap(),
    )
    .unwrap()
    .build()
    .unwrap();
    let mut lines = Vec::new();
    let mut writer = arrow_json::LineDelimitedWriter::new(&mut lines);
    for batch in reader {
        writer.write(&batch.unwrap()).unwrap();
    }
    writer.finish().unwrap();
    let parse = |text: &str| -> Vec<serde_json::Value> {
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let from_parquet = parse(std::str::from_utf8(&lines).unwrap());
    let expected = parse(&jsonl);
    assert_eq!(from_parquet.len(), expected.len());
    assert!(
        expected
            .iter()
            .any(|r| !r["trailers"].as_array().unwrap().is_empty())
    );
    assert!(expected.iter().any(|r| r["patch"].is_object()));
    // Arrow writes times with an explicit offset and leaves nulls out.
    fn normal(value: &serde_json::Value) -> serde_json::Value {
        match value {
            serde_json::Value::Object(fields) => fields
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| {
                    let v = match (k.as_str(), v.as_str()) {
                        ("arrived" | "date", Some(t)) => {
                            let t: jiff::Timestamp = t.parse().unwrap();
                            serde_json::Value::String(t.to_string())
                        }
                        _ => normal(v),
                    };
                    (k.clone(), v)
                })
                .collect(),
            serde_json::Value::Array(items) => items.iter().map(normal).collect(),
            other => other.clone(),
        }
    }
    for (got, want) in from_parquet.iter().zip(&expected) {
        assert_eq!(normal(got), normal(want));
    }
}

// ---------------------------------------------------------------------------
// The index cache for --lookback: never a different report, cold, warm,
// after new mail and after a rewrite.

#[test]
fn the_lookback_cache_never_changes_a_report() {
    let tmp = TempDir::new().unwrap();
    let cache = tmp.path().join("cache");
    let ann = "Ann Author <ann@widgets.example>";
    let day = |n: i64| common::T0 + n * common::DAY;
    let series = |v: u32, n: i64, reply: Option<&str>| {
        let subject = if v == 1 {
            "[PATCH 0/1] Add the widget".to_string()
        } else {
            format!("[PATCH v{v} 0/1] Add the widget")
        };
        (
            lookback_mail(&format!("w{v}"), ann, &subject, reply, None),
            day(n),
        )
    };
    let noise = |n: i64| {
        (
            lookback_mail(
                &format!("n{n}"),
                "Bob <bob@x.example>",
                &format!("[PATCH] bar: fix {n}"),
                None,
                None,
            ),
            day(n) + 60,
        )
    };
    let build = |mails: &[(String, i64)], name: &str| {
        let epoch = mails
            .iter()
            .fold(common::Epoch::new(), |e, (raw, time)| e.mail(raw, *time));
        epoch.write(&tmp.path().join(name))
    };
    let report = |repo: &common::Repo, cached: bool| -> serde_json::Value {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_lore-digest"));
        cmd.args([
            "report",
            "--archive",
            repo.path_str(),
            "--since",
            "2025-05-20",
            "--format",
            "json",
        ])
        .env("XDG_CACHE_HOME", &cache);
        if !cached {
            cmd.arg("--no-cache");
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let mut mails = vec![
        series(1, 0, None),
        noise(1),
        series(2, 10, None),
        noise(11),
        series(3, 20, None),
    ];
    let repo = build(&mails, "a.git");
    let plain = report(&repo, false);
    assert_eq!(
        plain["series"][0]["earlier_versions"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(report(&repo, true), plain, "cold cache");
    assert!(
        cache
            .join("lore-digest/series-index")
            .read_dir()
            .unwrap()
            .count()
            > 0
    );
    assert_eq!(report(&repo, true), plain, "warm cache");

    // New mail on the same repository: the cache covers an ancestor.
    mails.extend([noise(21), series(4, 22, None)]);
    let grown = build(&mails, "a.git.new");
    std::fs::remove_dir_all(repo.path_str()).unwrap();
    std::fs::rename(grown.path_str(), repo.path_str()).unwrap();
    let plain = report(&repo, false);
    assert_eq!(report(&repo, true), plain, "grown archive");

    // A rewrite drops v1: the cached head left the history.
    mails.remove(0);
    let rewritten = build(&mails, "a.git.rewritten");
    std::fs::remove_dir_all(repo.path_str()).unwrap();
    std::fs::rename(rewritten.path_str(), repo.path_str()).unwrap();
    let plain = report(&repo, false);
    assert_eq!(report(&repo, true), plain, "rewritten archive");
    let earlier: Vec<u64> = plain["series"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["version"] == 4)
        .unwrap()["earlier_versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_u64().unwrap())
        .collect();
    assert_eq!(earlier, [2, 3]);
}
