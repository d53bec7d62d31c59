//! What became of each series, end to end: an archive holds one series per
//! status, each decided by a notice as lists write them (b4 ty,
//! patchwork-bot, a maintainer's free text, pw-bot, a NAK, a newer version,
//! reviews), and the look-alikes that must decide nothing; every format
//! and the export must say the same.

mod common;

use common::{DAY, Epoch, T0, patch_body, run_json, run_ok};
use serde_json::Value;
use tempfile::TempDir;

/// A test's short id as a Message-ID: `ty1` is `<ty1@widgets.example>`.
fn at(id: &str) -> String {
    format!("{id}@widgets.example")
}

fn mail(from: &str, subject: &str, id: &str, parent: Option<&str>, body: &str) -> String {
    common::list_mail(from, subject, &at(id), parent.map(at).as_deref(), body)
}

const ANN: &str = "Ann Author <ann@widgets.example>";
const BEN: &str = "Ben Builder <ben@widgets.example>";
const ROB: &str = "Rob Reviewer <rob@reviews.example>";
const WEI: &str = "Wei Maintainer <wei@kernel.org>";
const BOT: &str = "patchwork-bot+netdevbpf@kernel.org";

/// A series: a cover letter `<key>0` and patches `<key>1`…, or a lone
/// patch `<key>1` when `total` is 0.
struct Poster {
    epoch: Epoch,
    time: i64,
}

impl Poster {
    fn add(mut self, raw: String) -> Self {
        self.time += 10 * 60;
        self.epoch = self.epoch.mail(raw, self.time);
        self
    }

    fn series(mut self, from: &str, tag: &str, key: &str, titles: &[&str]) -> Self {
        let total = titles.len();
        if total == 1 {
            let subject = format!("[{tag}] {}", titles[0]);
            let body = patch_body("Change it.", "drivers/hv/a.c");
            return self.add(mail(from, &subject, &format!("{key}1"), None, &body));
        }
        let cover = format!("{key}0");
        self = self.add(mail(
            from,
            &format!("[{tag} 0/{total}] {} (series)", titles[0]),
            &cover,
            None,
            "The cover letter.\n",
        ));
        for (i, title) in titles.iter().enumerate() {
            let subject = format!("[{tag} {}/{total}] {title}", i + 1);
            let body = patch_body(title, &format!("drivers/hv/{key}{i}.c"));
            self = self.add(mail(
                from,
                &subject,
                &format!("{key}{}", i + 1),
                Some(&cover),
                &body,
            ));
        }
        self
    }

    fn reply(self, from: &str, subject: &str, id: &str, parent: &str, body: &str) -> Self {
        self.add(mail(from, subject, id, Some(parent), body))
    }
}

/// Mail 0 is a patch posted before the selection (`--range <mail 0>..`).
fn status_archive(dir: &std::path::Path) -> common::Repo {
    let p = Poster {
        epoch: Epoch::new(),
        time: T0,
    }
    .series(ANN, "PATCH v3", "old", &["hv: Earlier work"]);
    let p = Poster {
        epoch: p.epoch,
        time: T0 + 5 * DAY,
    };
    p
        // Applied by b4 ty, both patches with their commits.
        .series(ANN, "PATCH", "ty", &["hv: Split the ring", "hv: Grow the ring"])
        .reply(
            WEI,
            "Re: [PATCH 0/2] ty series",
            "ty-notice",
            "ty0",
            "On Thu, 01 May 2025, Ann Author wrote:\n> The cover letter.\n\nApplied, thanks!\n\n\
             [1/2] hv: Split the ring\n      commit: 0123456789ab\n\
             [2/2] hv: Grow the ring\n      commit: 89abcdef0123\n\nBest regards,\n-- \nWei\n",
        )
        // patchwork-bot: two of three went in, one had no matching commit.
        .series(
            BEN,
            "PATCH net-next",
            "pw",
            &["net: mana: One", "net: mana: Two", "net: mana: Three"],
        )
        .reply(
            BOT,
            "Re: [PATCH net-next 0/3] pw series",
            "pw-notice",
            "pw0",
            "Hello:\n\nThis series was applied to netdev/net-next.git (main)\n\
             by Jakub Kicinski <kuba@kernel.org>:\n\nOn Thu, 1 May 2025 you wrote:\n> x\n\n\
             Here is the summary with links:\n  - [net-next,1/3] net: mana: One\n    \
             https://git.kernel.org/netdev/net-next/c/abcdef012345\n  - [net-next,2/3] net: mana: Two\n    \
             (no matching commit)\n  - [net-next,3/3] net: mana: Three\n    \
             https://git.kernel.org/netdev/net-next/c/bcdef0123456\n\nYou are awesome, thank you!\n",
        )
        // A maintainer's free text on a lone patch.
        .series(ANN, "PATCH", "ft", &["Drivers: hv: Fix the timeout"])
        .reply(
            WEI,
            "Re: [PATCH] Drivers: hv: Fix the timeout",
            "ft-notice",
            "ft1",
            "On Thu, May 01, 2025 at 10:00:00AM +0000, Ann Author wrote:\n> Change it.\n\n\
             Applied to hyperv-next. Thanks.\n",
        )
        // pw-bot: cr.
        .series(BEN, "PATCH net-next v2", "cr", &["net: mana: Leak less"])
        .reply(
            ROB,
            "Re: [PATCH net-next v2] net: mana: Leak less",
            "cr-notice",
            "cr1",
            "> +\tfree(x);\n\nThis leaks on the error path.\n-- \npw-bot: cr\n",
        )
        // NAKed; the quoted notice and the conditional decide nothing.
        .series(BEN, "PATCH", "nak", &["hv: Export everything"])
        .reply(
            ROB,
            "Re: [PATCH] hv: Export everything",
            "nak-quote",
            "nak1",
            "> Applied to hyperv-next. Thanks.\n\nI'll apply this once v2 is out.\n",
        )
        .reply(
            WEI,
            "Re: [PATCH] hv: Export everything",
            "nak-notice",
            "nak1",
            "> Export it.\n\nNAK. Please keep it static.\n",
        )
        // v1, superseded by v2 in the selection; v2 reviewed on its cover.
        .series(ANN, "PATCH", "v1s", &["hv: Rework the balloon", "hv: Use it"])
        .reply(ROB, "Re: [PATCH 1/2] hv: Rework the balloon", "v1-reply", "v1s1", "> x\n\nWhy?\n")
        .series(ANN, "PATCH v2", "v2s", &["hv: Rework the balloon", "hv: Use it"])
        .reply(
            ROB,
            "Re: [PATCH v2 0/2] v2s series",
            "v2-review",
            "v2s0",
            "> The cover letter.\n\nReviewed-by: Rob Reviewer <rob@reviews.example>\n",
        )
        // Under review: a question, no review; the author's own `Applied.`
        // (a suggestion taken) is no notice.
        .series(BEN, "PATCH", "ur", &["hv: Trace the channel"])
        .reply(ROB, "Re: [PATCH] hv: Trace the channel", "ur-q", "ur1", "> x\n\nWhy a tracepoint?\n")
        .reply(BEN, "Re: [PATCH] hv: Trace the channel", "ur-a", "ur-q", "> Why?\n\nApplied.\n")
        // New: nobody answered.
        .series(ANN, "RFC PATCH", "nw", &["hv: Try something"])
        // A series posted before the selection, applied in it.
        .reply(
            WEI,
            "Re: [PATCH v3] hv: Earlier work",
            "old-notice",
            "old1",
            "Queued up for hyperv-fixes, thank you.\n",
        )
        .epoch
        .write(&dir.join("status.git"))
}

fn series<'a>(report: &'a Value, title_or_key: &str) -> &'a Value {
    report["series"]
        .as_array()
        .and_then(|all| {
            all.iter().find(|s| {
                s["title"] == title_or_key
                    || s["message_id"].as_str().is_some_and(|id| {
                        let id = id.strip_suffix("@widgets.example").unwrap_or(id);
                        id.strip_suffix('0').or(id.strip_suffix('1')) == Some(title_or_key)
                    })
            })
        })
        .unwrap_or_else(|| panic!("no series {title_or_key:?} in {:#}", report["series"]))
}

fn titles(entries: &Value) -> Vec<String> {
    entries
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| e["title"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn every_notice_form_gives_its_status() {
    let tmp = TempDir::new().unwrap();
    let repo = status_archive(tmp.path());
    let range = format!("{}..master", repo.commit(0));
    let report = run_json(&["report", "--archive", repo.path_str(), "--range", &range]);

    let status = |key: &str| {
        series(&report, key)["status"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(status("ty"), "applied");
    assert_eq!(status("pw"), "partially_applied");
    assert_eq!(status("ft"), "applied");
    assert_eq!(status("cr"), "changes_requested");
    assert_eq!(status("nak"), "nacked");
    assert_eq!(status("v1s"), "superseded");
    assert_eq!(status("v2s"), "reviewed");
    assert_eq!(status("ur"), "under_review");
    assert_eq!(status("nw"), "new");

    // b4 ty: each patch its commit, the rule and who said it.
    let ty = series(&report, "ty");
    let commits: Vec<&str> = ty["patches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["applied"]["commit"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(commits, ["0123456789ab", "89abcdef0123"]);
    assert_eq!(ty["patches"][0]["applied"]["rule"], "b4-ty");
    assert_eq!(ty["status_reason"]["by"]["email"], "wei@kernel.org");
    assert_eq!(ty["status_reason"]["message_id"], at("ty-notice"));
    assert!(ty["cover"]["applied"].is_null());

    // patchwork-bot: the committer it names, the tree and branch, and the
    // patch without a matching commit left unapplied.
    let pw = series(&report, "pw");
    let applied: Vec<bool> = pw["patches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| !p["applied"].is_null())
        .collect();
    assert_eq!(applied, [true, false, true]);
    assert_eq!(pw["patches"][0]["applied"]["tree"], "netdev/net-next.git");
    assert_eq!(pw["patches"][0]["applied"]["branch"], "main");
    assert_eq!(
        pw["patches"][2]["applied"]["by"]["email"],
        "kuba@kernel.org"
    );

    let ft = series(&report, "ft");
    assert_eq!(ft["patches"][0]["applied"]["branch"], "hyperv-next");
    assert_eq!(ft["patches"][0]["applied"]["rule"], "free-text");
    assert_eq!(series(&report, "cr")["status_reason"]["kind"], "pw-bot");
    assert_eq!(series(&report, "nak")["status_reason"]["kind"], "nak");
    assert_eq!(series(&report, "v1s")["status_reason"]["text"], "v2 posted");
    assert_eq!(series(&report, "v1s")["days_to_first_reply"], 0);
    assert_eq!(series(&report, "v2s")["days_to_first_review"], 0);
    assert!(series(&report, "nw")["status_reason"].is_null());

    // The lists: applied (posted here, then earlier), waiting, the rest.
    assert_eq!(
        titles(&report["applied"]),
        [
            "Drivers: hv: Fix the timeout",
            "net: mana: One (series)",
            "hv: Split the ring (series)",
            "hv: Earlier work"
        ]
    );
    let earlier = &report["applied"][3];
    assert_eq!(earlier["in_selection"], false);
    assert_eq!(earlier["version"], 3);
    assert_eq!(earlier["reason"]["text"], "applied to hyperv-fixes");
    assert_eq!(report["applied"][1]["patches_applied"], 2);
    assert_eq!(
        titles(&report["awaiting_review"]),
        ["hv: Trace the channel", "hv: Try something"]
    );
    assert_eq!(
        titles(&report["changes_requested"]),
        ["net: mana: Leak less"]
    );
    assert_eq!(titles(&report["nacked"]), ["hv: Export everything"]);

    let stats = &report["stats"];
    assert_eq!(stats["applied_patches"], 5);
    let counts = &stats["statuses"];
    for (name, n) in [
        ("applied", 2),
        ("partially_applied", 1),
        ("superseded", 1),
        ("nacked", 1),
        ("changes_requested", 1),
        ("reviewed", 1),
        ("under_review", 1),
        ("new", 1),
    ] {
        assert_eq!(counts[name], n, "{name}: {counts}");
    }
}

#[test]
fn every_format_and_the_export_say_the_same() {
    let tmp = TempDir::new().unwrap();
    let repo = status_archive(tmp.path());
    let range = format!("{}..master", repo.commit(0));
    let args = |format: &'static str| {
        vec![
            "report".to_string(),
            "--archive".into(),
            repo.path_str().into(),
            "--range".into(),
            range.clone(),
            "--format".into(),
            format.into(),
        ]
    };
    for format in ["text", "markdown", "html"] {
        let args = args(format);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        // HTML escapes `/` too.
        let out = run_ok(&args).replace("&#x2f;", "/");
        for expected in [
            "Applied in this time period",
            "Awaiting review",
            "Changes requested",
            "NAKed",
            "applied to hyperv-next",
            "applied to netdev/net-next.git (main)",
            "hv: Earlier work",
            "2 applied, 1 partially applied, 1 superseded, 1 NAKed, 1 changes requested, 1 reviewed, 1 under review, 1 new",
        ] {
            assert!(
                out.contains(expected),
                "{format} lacks {expected:?}:\n{out}"
            );
        }
        assert!(
            out.contains("0123456789ab"),
            "{format}: the commit of patch 1"
        );
    }

    let out = run_ok(&["export", "--archive", repo.path_str(), "--range", &range]);
    let records: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let record = |id: &str| {
        records
            .iter()
            .find(|r| r["message_id"] == at(id))
            .unwrap_or_else(|| panic!("no record {id}"))
    };
    assert_eq!(record("ty1")["status"], "applied");
    assert_eq!(record("ty0")["status"], "applied");
    assert_eq!(record("ty2")["applied"]["commit"], "89abcdef0123");
    assert_eq!(record("pw2")["status"], "partially_applied");
    assert!(record("pw2")["applied"].is_null());
    assert_eq!(record("nw1")["status"], "new");
    assert!(record("ty-notice")["status"].is_null());
    let evidence = &record("pw-notice")["evidence"][0];
    assert_eq!(evidence["rule"], "patchwork-bot");
    assert_eq!(evidence["kind"], "applied");
    assert_eq!(
        evidence["commits"],
        serde_json::json!(["abcdef012345", "bcdef0123456"])
    );
    assert_eq!(record("nak-notice")["evidence"][0]["kind"], "nacked");
    assert_eq!(record("nak-quote")["evidence"], serde_json::json!([]));
    assert_eq!(record("ur-a")["evidence"][0]["rule"], "free-text");
}

/// Runs git in `dir` with the user's and system's configuration shut out.
fn git(dir: &std::path::Path, args: &[&str], date: i64) {
    let status = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Ann Author")
        .env("GIT_AUTHOR_EMAIL", "ann@widgets.example")
        .env("GIT_COMMITTER_NAME", "Wei Maintainer")
        .env("GIT_COMMITTER_EMAIL", "wei@kernel.org")
        .env("GIT_AUTHOR_DATE", format!("@{date} +0000"))
        .env("GIT_COMMITTER_DATE", format!("@{date} +0000"))
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

#[test]
fn an_upstream_tree_applies_by_link_patch_id_and_subject() {
    let tmp = TempDir::new().unwrap();
    let repo = Poster {
        epoch: Epoch::new(),
        time: T0,
    }
    .series(
        ANN,
        "PATCH",
        "tr",
        &["hv: Tree one", "hv: Tree two", "hv: Tree three"],
    )
    .series(ANN, "PATCH", "no", &["hv: Never applied"])
    .epoch
    .write(&tmp.path().join("tree-list.git"));

    // The maintainer's tree: the files as the patches expect them, then
    // patch 1 with a Link: to its mail, patch 2's diff under another
    // subject, and patch 3's subject and author with an edited diff.
    let tree = tmp.path().join("linux");
    std::fs::create_dir_all(tree.join("drivers/hv")).unwrap();
    let when = T0 + 30 * DAY;
    git(&tree, &["init", "-q", "-b", "master"], when);
    for i in 0..3 {
        std::fs::write(
            tree.join(format!("drivers/hv/tr{i}.c")),
            "int x;\nint y;\nint z;\n",
        )
        .unwrap();
    }
    git(&tree, &["add", "."], when);
    git(&tree, &["commit", "-q", "-m", "Initial"], when);
    let edit = |i: usize, text: &str| {
        std::fs::write(tree.join(format!("drivers/hv/tr{i}.c")), text).unwrap();
        git(&tree, &["add", "."], when);
    };
    edit(0, "int x;\nlong y;\nint z;\n");
    git(
        &tree,
        &[
            "commit",
            "-q",
            "-m",
            "hv: Tree one\n\nLink: https://lore.kernel.org/r/tr1@widgets.example/",
        ],
        when + 60,
    );
    edit(1, "int x;\nlong y;\nint z;\n");
    git(
        &tree,
        &["commit", "-q", "-m", "hv: Reworded by the maintainer"],
        when + 120,
    );
    edit(2, "int x;\nlong long y;\nint z;\n");
    git(&tree, &["commit", "-q", "-m", "hv: Tree three"], when + 180);

    let tree_path = tree.to_string_lossy().to_string();
    let report = run_json(&[
        "report",
        "--archive",
        repo.path_str(),
        "--range",
        "master",
        "--tree",
        &tree_path,
    ]);
    let tr = series(&report, "tr");
    assert_eq!(tr["status"], "applied", "{tr:#}");
    let rules: Vec<&str> = tr["patches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["applied"]["rule"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(rules, ["tree-link", "tree-patch-id", "tree-subject"]);
    assert_eq!(tr["patches"][0]["applied"]["tree"], "linux");
    assert_eq!(tr["patches"][0]["applied"]["by"]["email"], "wei@kernel.org");
    assert_eq!(
        tr["patches"][0]["applied"]["commit"].as_str().map(str::len),
        Some(40)
    );
    assert_eq!(series(&report, "no")["status"], "new");

    // A range that leaves the last two commits out finds patch 1 only.
    let report = run_json(&[
        "report",
        "--archive",
        repo.path_str(),
        "--range",
        "master",
        "--tree",
        &tree_path,
        "--tree-range",
        "master~2",
    ]);
    assert_eq!(series(&report, "tr")["status"], "partially_applied");

    // A tree that is no repository is the user's mistake: exit 2, one line.
    let (code, _, stderr) = common::run(&[
        "report",
        "--archive",
        repo.path_str(),
        "--range",
        "master",
        "--tree",
        repo.path_str().trim_end_matches("tree-list.git"),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
}
