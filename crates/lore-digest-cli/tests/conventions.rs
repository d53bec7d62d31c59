//! Mail conventions as git am, b4 and Patchwork apply them, end to end: each
//! test builds an archive (or mbox) of mails written for the rule and checks
//! what every report format makes of it.

mod common;

use common::list_mail as mail;
use common::{DAY, Epoch, HOUR, T0, assert_input_error, patch_body, run, run_json, run_ok};
use serde_json::Value;
use tempfile::TempDir;

const ANN: &str = "Ann Author <ann@widgets.example>";
const ROB: &str = "Rob Reviewer <rob@reviews.example>";

fn series<'a>(report: &'a Value, title: &str) -> &'a Value {
    report["series"]
        .as_array()
        .and_then(|all| all.iter().find(|s| s["title"] == title))
        .unwrap_or_else(|| panic!("no series {title:?} in {:#}", report["series"]))
}

fn subjects(series: &Value) -> Vec<String> {
    series["cover"]
        .as_object()
        .into_iter()
        .map(|c| c["subject"].as_str().unwrap_or("").to_string())
        .chain(
            series["patches"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| p["subject"].as_str().unwrap_or("").to_string()),
        )
        .collect()
}

/// The archive of the series rules: a cover letter answered by patches
/// that omit its version, a patch cross-posted alone, a series numbered
/// without the word PATCH, a robot's numbered report, and a review sent
/// under the patch's own subject.
fn series_archive(dir: &std::path::Path) -> common::Repo {
    let t = T0 + 10 * HOUR;
    Epoch::new()
        .mail(
            mail(
                ANN,
                "[RFC PATCH v10 0/2] hv: Rework the ring",
                "c10",
                None,
                "The cover.\n",
            ),
            t,
        )
        .mail(
            mail(
                ANN,
                "[RFC PATCH 1/2] hv: Split the ring",
                "p1",
                Some("c10"),
                &patch_body("Split it.", "drivers/hv/ring.c"),
            ),
            t + 60,
        )
        .mail(
            mail(
                ANN,
                "[RFC PATCH v10 2/2] hv: Grow the ring",
                "p2",
                Some("c10"),
                &patch_body("Grow it.", "drivers/hv/ring.c"),
            ),
            t + 120,
        )
        // The reviewer answers patch 1 and keeps its subject, no `Re:`.
        .mail(
            mail(
                ROB,
                "[RFC PATCH 1/2] hv: Split the ring",
                "r1",
                Some("p1"),
                "> Split it.\n\nReviewed-by: Rob Reviewer <rob@reviews.example>\n",
            ),
            t + HOUR,
        )
        // Patch 7 of 16, the only one sent to this list.
        .mail(
            mail(
                ANN,
                "[PATCH v3 07/16] mm: hv: Teach the balloon",
                "x7",
                Some("elsewhere"),
                &patch_body("Teach it.", "drivers/hv/hv_balloon.c"),
            ),
            t + 2 * HOUR,
        )
        .mail(
            mail(
                ANN,
                "[net-next v2 0/1] hyperv: Link queues",
                "n0",
                None,
                "Cover.\n",
            ),
            t + 3 * HOUR,
        )
        .mail(
            mail(
                ANN,
                "[net-next v2 1/1] hv_netvsc: Link queues to NAPIs",
                "n1",
                Some("n0"),
                &patch_body("Link them.", "drivers/net/hyperv/netvsc.c"),
            ),
            t + 3 * HOUR + 60,
        )
        .mail(
            mail(
                "kernel test robot <lkp@intel.com>",
                "[kvmarm:next 29/32] arch/arm64/kvm/x.c:12: warning: unused variable",
                "robot",
                None,
                "tree:   kvmarm next\nhead:   1234\n\nAll warnings (new ones prefixed by >>):\n",
            ),
            t + 4 * HOUR,
        )
        .write(&dir.join("series.git"))
}

#[test]
fn series_rules_in_every_format() {
    let tmp = TempDir::new().unwrap();
    let repo = series_archive(tmp.path());
    let report = run_json(&["report", "--archive", repo.path_str(), "--range", "master"]);

    // The patch that omits v10 is patch 1 of v10.
    let ring = series(&report, "hv: Rework the ring");
    assert_eq!(ring["version"], 10);
    assert_eq!(
        subjects(ring),
        [
            "[RFC PATCH v10 0/2] hv: Rework the ring",
            "[RFC PATCH 1/2] hv: Split the ring",
            "[RFC PATCH v10 2/2] hv: Grow the ring"
        ]
    );
    assert_eq!(ring["patches_here"], 2);
    // The review under the patch's subject is a reply: its trailer is on patch 1.
    assert_eq!(ring["replies"], 1);
    let review = &ring["trailers"][0];
    assert_eq!(
        (
            review["kind"].as_str(),
            review["patch"].as_u64(),
            review["in_reply"].as_bool()
        ),
        (Some("Reviewed-by"), Some(1), Some(true))
    );
    assert_eq!(ring["unreviewed_patches"], 1);

    // Cross-posted alone: 1 of 16.
    let balloon = series(&report, "mm: hv: Teach the balloon");
    assert_eq!(
        (balloon["total"].as_u64(), balloon["patches_here"].as_u64()),
        (Some(16), Some(1))
    );

    // Numbered without PATCH, with a diff: a series with its cover letter.
    let queues = series(&report, "hyperv: Link queues");
    assert_eq!(subjects(queues).len(), 2);
    assert_eq!(queues["prefixes"], serde_json::json!(["net-next"]));

    // The robot's numbered report is no patch.
    assert_eq!(report["stats"]["series"], 3);
    assert_eq!(report["stats"]["patches"], 4);
    assert_eq!(report["stats"]["cover_letters"], 2);
    assert_eq!(report["stats"]["replies"], 1);
    let robot = report["bug_reports"]
        .as_array()
        .into_iter()
        .chain(report["discussions"].as_array())
        .flatten()
        .any(|t| {
            t["subject"]
                .as_str()
                .is_some_and(|s| s.starts_with("[kvmarm:next 29/32]"))
        });
    assert!(robot, "the robot's report is a thread: {report:#}");

    // Every format says how many of the 16 are here.
    for format in ["text", "markdown", "html"] {
        let out = run_ok(&[
            "report",
            "--archive",
            repo.path_str(),
            "--range",
            "master",
            "--format",
            format,
        ]);
        assert!(
            out.contains("1 of 16 patches on this list"),
            "{format} report lacks the partial count:\n{out}"
        );
        assert!(!out.contains("16 patches]"), "{format}");
    }
}

#[test]
fn a_relayed_patch_is_credited_to_its_author() {
    let tmp = TempDir::new().unwrap();
    let relayed = format!(
        "From: Ann Author via B4 Relay <devnull+ann.widgets.example@kernel.org>\n\
         X-Original-From: Ann Author <ann@widgets.example>\nReply-To: ann@widgets.example\n\
         Subject: [PATCH] hv: vmbus: Fix the timeout\nMessage-ID: <relay1@widgets.example>\n\n{}",
        patch_body("Fix it.", "drivers/hv/vmbus_drv.c")
    );
    let repo = Epoch::new()
        .mail(relayed, T0)
        .write(&tmp.path().join("relay.git"));
    let report = run_json(&["report", "--archive", repo.path_str(), "--range", "master"]);
    assert_eq!(report["domains"][0]["domain"], "widgets.example");
    let s = &report["series"][0];
    assert_eq!(s["author"]["email"], "ann@widgets.example");
    assert_eq!(
        s["sender"]["email"],
        "devnull+ann.widgets.example@kernel.org"
    );
}

/// `git format-patch --stdout` output: mboxo, nothing escaped, and a commit
/// message paragraph that starts with "From ".
fn format_patch_mbox() -> String {
    let one = "From 2d3c1f0e9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d Mon Sep 17 00:00:00 2001\n\
               From: Ann Author <ann@widgets.example>\nDate: Thu, 1 May 2025 10:00:00 +0000\n\
               Subject: [PATCH 1/2] hv: Clear the reserved bit\nMessage-ID: <fp1@widgets.example>\n\n\
               The bit must be clear.\n\nFrom the datasheet, bit 3 is reserved and reads as zero.\n\n\
               Signed-off-by: Ann Author <ann@widgets.example>\n---\n drivers/hv/a.c | 1 +\n \
               1 file changed, 1 insertion(+)\n\ndiff --git a/drivers/hv/a.c b/drivers/hv/a.c\n\
               --- a/drivers/hv/a.c\n+++ b/drivers/hv/a.c\n@@ -1 +1,2 @@\n x\n+y\n-- \n2.49.0\n\n";
    let two = "From 1111111111111111111111111111111111111111 Mon Sep 17 00:00:00 2001\n\
               From: Ann Author <ann@widgets.example>\nDate: Fri, 2 May 2025 11:00:00 +0000\n\
               Subject: [PATCH 2/2] hv: Use the bit\nMessage-ID: <fp2@widgets.example>\n\
               In-Reply-To: <fp1@widgets.example>\n\nUse it.\n\n\
               Signed-off-by: Ann Author <ann@widgets.example>\n---\n drivers/hv/b.c | 1 +\n \
               1 file changed, 1 insertion(+)\n\ndiff --git a/drivers/hv/b.c b/drivers/hv/b.c\n\
               --- a/drivers/hv/b.c\n+++ b/drivers/hv/b.c\n@@ -1 +1,2 @@\n x\n+y\n-- \n2.49.0\n\n";
    format!("{one}{two}")
}

#[test]
fn an_unescaped_mbox_is_split_only_at_separators_and_reported_whole() {
    let tmp = TempDir::new().unwrap();
    let mbox = tmp.path().join("series.mbox");
    std::fs::write(&mbox, format_patch_mbox()).unwrap();
    let path = mbox.to_str().unwrap();

    // No selection: the whole mailbox, its ends named by day.
    let report = run_json(&["report", "--archive", path]);
    assert_eq!(report["stats"]["messages"], 2);
    assert_eq!(
        (report["from"].as_str(), report["to"].as_str()),
        (Some("2025-05-01"), Some("2025-05-02"))
    );
    let message = report["series"][0]["patches"][0]["commit_message"]
        .as_str()
        .unwrap_or_default();
    assert!(
        message.contains("From the datasheet, bit 3 is reserved"),
        "the paragraph stays in its mail: {message}"
    );
    let text = run_ok(&["report", "--archive", path]);
    assert!(
        text.starts_with("From 2025-05-01 to 2025-05-02\n"),
        "{text}"
    );
    // The export reads it whole too.
    let (code, out, _) = run(&["export", "--archive", path]);
    assert_eq!((code, out.lines().count()), (0, 2));
}

#[test]
fn a_git_archive_without_a_selection_is_an_input_error() {
    let tmp = TempDir::new().unwrap();
    let repo = Epoch::new()
        .mail(
            mail(ANN, "[PATCH] hv: x", "a", None, &patch_body("X.", "a.c")),
            T0,
        )
        .mail(
            mail(ANN, "[PATCH] hv: y", "b", None, &patch_body("Y.", "b.c")),
            T0 + DAY,
        )
        .write(&tmp.path().join("any.git"));
    for command in ["report", "export"] {
        let stderr = assert_input_error(&[command, "--archive", repo.path_str()], true);
        assert!(
            stderr.contains("no selection")
                && stderr.contains("--since 7d")
                && stderr.contains("--range A..B"),
            "{command}: {stderr}"
        );
    }
}
