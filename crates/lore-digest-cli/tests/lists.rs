//! Many lists in one report: `--archive A --archive B`, `report kvm
//! kvmarm`, a `[groups.NAME]` of the configuration, and `update` of a
//! group with each list's own state. A series cross-posted to both lists
//! counts once and says which lists it reached.

mod common;

use std::path::Path;

use common::{DAY, Epoch, HOUR, T0, assert_input_error, patch_body, run, run_json, run_ok};
use serde_json::Value;
use tempfile::TempDir;

const ANN: &str = "Ann Author <ann@widgets.example>";
const BOB: &str = "Bob Builder <bob@bigcorp.example>";
const ROB: &str = "Rob Reviewer <rob@reviews.example>";

/// A mail to the lists `to` (addresses), threaded under `parent`.
fn mail(from: &str, to: &str, subject: &str, id: &str, parent: Option<&str>, body: &str) -> String {
    let threading = parent.map_or(String::new(), |p| {
        format!("In-Reply-To: <{p}>\nReferences: <{p}>\n")
    });
    format!(
        "From: {from}\nTo: {to}\nSubject: {subject}\nDate: Thu, 1 May 2025 10:00:00 +0000\n\
         Message-ID: <{id}>\n{threading}\n{body}"
    )
}

const BOTH: &str = "kvm@vger.kernel.org, kvmarm@lists.linux.dev";
const KVM: &str = "kvm@vger.kernel.org";
const ARM: &str = "kvmarm@lists.linux.dev";

/// Ann's series, cross-posted to both lists (a cover letter and two
/// patches, each copy arriving a minute later on kvmarm); Rob's review of
/// patch 1, on kvmarm only; Bob's patch to kvm only; Ann's v2 of her
/// series, to kvm only; Bob's arm patch, to kvmarm only. `extra` adds a
/// patch to kvmarm a week later.
fn lists(dir: &Path, extra: bool) -> (String, String) {
    let mut kvm = Epoch::new();
    let mut arm = Epoch::new();
    let series = [
        (
            "[PATCH 0/2] KVM: arm64: two fixes",
            "s0@w",
            None,
            "Two fixes.\n".to_string(),
        ),
        (
            "[PATCH 1/2] KVM: arm64: fix one",
            "s1@w",
            Some("s0@w"),
            patch_body("Fix one.", "arch/arm64/kvm/one.c"),
        ),
        (
            "[PATCH 2/2] KVM: arm64: fix two",
            "s2@w",
            Some("s0@w"),
            patch_body("Fix two.", "arch/arm64/kvm/two.c"),
        ),
    ];
    for (i, (subject, id, parent, body)) in series.iter().enumerate() {
        let raw = mail(ANN, BOTH, subject, id, *parent, body);
        let time = T0 + i as i64 * 60;
        kvm = kvm.mail(&raw, time);
        arm = arm.mail(&raw, time + 60);
    }
    arm = arm.mail(
        mail(
            ROB,
            ARM,
            "Re: [PATCH 1/2] KVM: arm64: fix one",
            "r1@r",
            Some("s1@w"),
            "Right.\n\nReviewed-by: Rob Reviewer <rob@reviews.example>\n",
        ),
        T0 + HOUR,
    );
    kvm = kvm.mail(leak_fix(), T0 + 2 * HOUR);
    kvm = kvm.mail(
        mail(
            ANN,
            KVM,
            "[PATCH v2] KVM: arm64: two fixes",
            "v2@w",
            None,
            &patch_body("Both fixes, as one.", "arch/arm64/kvm/one.c"),
        ),
        T0 + DAY,
    );
    arm = arm.mail(vgic_tidy(), T0 + 2 * DAY);
    if extra {
        arm = arm.mail(pmu_tidy(), T0 + 9 * DAY);
    }
    write_both(dir, kvm, arm, extra)
}

/// Bob's patch to kvm only.
fn leak_fix() -> String {
    mail(
        BOB,
        KVM,
        "[PATCH] KVM: x86: fix a leak",
        "x1@b",
        None,
        &patch_body("Fix a leak.", "arch/x86/kvm/x86.c"),
    )
}

/// Bob's patch to kvmarm only.
fn vgic_tidy() -> String {
    mail(
        BOB,
        ARM,
        "[PATCH] KVM: arm64: vgic: tidy",
        "a1@b",
        None,
        &patch_body("Tidy.", "arch/arm64/kvm/vgic.c"),
    )
}

/// Bob's patch to kvmarm that comes later.
fn pmu_tidy() -> String {
    mail(
        BOB,
        ARM,
        "[PATCH] KVM: arm64: pmu: tidy",
        "a2@b",
        None,
        &patch_body("Tidy the PMU.", "arch/arm64/kvm/pmu.c"),
    )
}

/// Writes both lists' archives, the `later` ones under other names.
fn write_both(dir: &Path, kvm: Epoch, arm: Epoch, later: bool) -> (String, String) {
    let suffix = if later { "-later" } else { "" };
    let kvm = kvm.write(&dir.join(format!("kvm{suffix}.git")));
    let arm = arm.write(&dir.join(format!("kvmarm{suffix}.git")));
    (kvm.path_str().to_string(), arm.path_str().to_string())
}

fn series_by_title<'a>(report: &'a Value, title: &str) -> &'a Value {
    report["series"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["title"] == title)
        .unwrap_or_else(|| panic!("no series {title:?} in {report:#}"))
}

const WINDOW: [&str; 4] = ["--since", "2025-04-30", "--until", "2025-05-20"];

fn report_of(args: &[&str]) -> Value {
    let mut all = vec!["report"];
    all.extend(args);
    all.extend(WINDOW);
    all.extend(["--compare", "none"]);
    run_json(&all)
}

#[test]
fn a_cross_posted_series_counts_once_and_names_both_lists() {
    let tmp = TempDir::new().unwrap();
    let (kvm, arm) = lists(tmp.path(), false);
    let r = report_of(&[
        "--archive",
        &format!("kvm={kvm}"),
        "--archive",
        &format!("kvmarm={arm}"),
    ]);
    // 3 cross-posted mails, once each; Rob's review, Bob's two patches, v2.
    assert_eq!(r["stats"]["messages"], 7, "{r:#}");
    assert_eq!(r["stats"]["series"], 4);
    assert_eq!(r["stats"]["patches"], 5);
    assert_eq!(r["list"], "kvm, kvmarm");
    let lists = r["lists"].as_array().unwrap();
    let names: Vec<&str> = lists.iter().map(|l| l["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["kvm", "kvmarm"]);
    assert_eq!(lists[0]["messages"], 5);
    assert_eq!(lists[0]["cross_posted"], 3);
    assert_eq!(lists[1]["messages"], 5);
    assert_eq!(lists[1]["cross_posted"], 3);
    // Each list's own commits; the report's ends are days.
    assert_eq!(lists[0]["from_commit"].as_str().unwrap().len(), 40);
    assert_ne!(lists[0]["from_commit"], lists[1]["from_commit"]);
    assert_eq!(r["from_commit"], "");
    assert_eq!(
        (r["from"].as_str(), r["to"].as_str()),
        (Some("2025-05-01"), Some("2025-05-03"))
    );

    let v1 = r["series"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["title"] == "KVM: arm64: two fixes" && s["version"] == 1)
        .unwrap();
    assert_eq!(v1["lists"], serde_json::json!(["kvm", "kvmarm"]));
    // The copy kept is the first to arrive (kvm's).
    assert_eq!(v1["first_seen"], "2025-05-01T00:00:00Z");
    assert_eq!(v1["patches_here"], 2);
    // Rob's review came on kvmarm only, and reaches the series all the same.
    assert_eq!(
        v1["reviews"][0]["people"][0]["email"],
        "rob@reviews.example"
    );
    // v2 went to kvm alone, and supersedes the v1 both lists had.
    assert_eq!(v1["status"], "superseded");
    assert_eq!(v1["superseded_by"]["version"], 2);
    let leak = series_by_title(&r, "KVM: x86: fix a leak");
    assert_eq!(leak["lists"], serde_json::json!(["kvm"]));
    let tidy = series_by_title(&r, "KVM: arm64: vgic: tidy");
    assert_eq!(tidy["lists"], serde_json::json!(["kvmarm"]));
    // Ann's mails count once each: her 3 cross-posted ones and v2.
    let ann = r["contributors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["email"] == "ann@widgets.example")
        .unwrap();
    assert_eq!(ann["count"], 4);

    // The lists in the other order: the same series, the lists' order changed.
    let swapped = report_of(&[
        "--archive",
        &format!("kvmarm={arm}"),
        "--archive",
        &format!("kvm={kvm}"),
    ]);
    assert_eq!(swapped["stats"], r["stats"]);
    assert_eq!(swapped["list"], "kvmarm, kvm");
    let titles = |r: &Value| -> Vec<String> {
        r["series"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| format!("{} v{} {}", s["title"], s["version"], s["status"]))
            .collect()
    };
    assert_eq!(titles(&swapped), titles(&r));
}

#[test]
fn one_list_alone_is_the_report_of_that_list() {
    let tmp = TempDir::new().unwrap();
    let (kvm, _) = lists(tmp.path(), false);
    let r = report_of(&["--archive", &kvm]);
    assert_eq!(r["stats"]["messages"], 5);
    assert_eq!(r["list"], "kvm");
    assert_eq!(r["lists"][0]["name"], "kvm");
    assert_eq!(r["lists"][0]["messages"], 5);
    assert_eq!(r["lists"][0]["cross_posted"], 0);
    assert_eq!(r["lists"][0]["from_commit"], r["from_commit"]);
    assert_eq!(r["from_commit"].as_str().unwrap().len(), 40);
    assert_eq!(
        series_by_title(&r, "KVM: x86: fix a leak")["lists"],
        serde_json::json!(["kvm"])
    );
    // Without kvmarm's copy, Rob's review is not there.
    let text = run_ok(&[
        "report",
        "--archive",
        &kvm,
        WINDOW[0],
        WINDOW[1],
        "--compare",
        "none",
    ]);
    assert!(!text.contains("Lists:"), "{text}");
}

#[test]
fn every_format_names_the_lists() {
    let tmp = TempDir::new().unwrap();
    let (kvm, arm) = lists(tmp.path(), false);
    let kvm = format!("kvm={kvm}");
    let arm = format!("kvmarm={arm}");
    let base = [
        "report",
        "--archive",
        &kvm,
        "--archive",
        &arm,
        WINDOW[0],
        WINDOW[1],
        WINDOW[2],
        WINDOW[3],
        "--compare",
        "none",
    ];
    let text = run_ok(&base);
    insta::assert_snapshot!("two_lists_text", text);
    let header = "Lists: kvm (5 mails, 3 also on another of these lists), kvmarm (5 mails, 3 also on another of these lists).";
    let mut markdown_args = base.to_vec();
    markdown_args.extend(["--format", "markdown"]);
    let markdown = run_ok(&markdown_args);
    assert!(markdown.contains(header), "{markdown}");
    assert!(markdown.contains("- Lists: kvm, kvmarm\n"), "{markdown}");
    let mut html_args = base.to_vec();
    html_args.extend(["--format", "html"]);
    let html = run_ok(&html_args);
    let line = format!(
        "<p class=\"lists\" id=\"lists\">{header} A mail cross-posted to several counts once.</p>"
    );
    assert!(html.contains(&line), "{html}");
    assert!(
        html.contains("<dt>Lists</dt><dd>kvm, kvmarm</dd>"),
        "{html}"
    );
}

fn config(dir: &Path, kvm: &str, arm: &str) -> String {
    let path = dir.join("config.toml");
    std::fs::write(
        &path,
        format!(
            "[lists.kvm]\npath = \"{kvm}\"\n\n[lists.kvmarm]\npath = \"{arm}\"\ntitle = \"KVM/arm\"\n\n\
             [groups.virt]\nlists = [\"kvm\", \"kvmarm\"]\ntitle = \"Virtualization\"\n"
        ),
    )
    .unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn lists_and_groups_by_name() {
    let tmp = TempDir::new().unwrap();
    let (kvm, arm) = lists(tmp.path(), false);
    let config = config(tmp.path(), &kvm, &arm);
    let by_names = report_of(&["kvm", "kvmarm", "--config", &config]);
    // A list's own title is not that of a report of two.
    assert_eq!(by_names["list"], "kvm, kvmarm");
    assert_eq!(by_names["stats"]["messages"], 7);
    let group = report_of(&["virt", "--config", &config]);
    assert_eq!(group["list"], "Virtualization");
    assert_eq!(group["stats"], by_names["stats"]);
    assert_eq!(group["lists"], by_names["lists"]);
    // A group and one of its lists: each list once.
    let again = report_of(&["virt", "kvm", "--config", &config]);
    assert_eq!(again["lists"].as_array().unwrap().len(), 2);
    assert_eq!(again["stats"], by_names["stats"]);
    let alone = report_of(&["kvmarm", "--config", &config]);
    assert_eq!(alone["list"], "KVM/arm");
}

#[test]
fn what_several_lists_cannot_do() {
    let tmp = TempDir::new().unwrap();
    let (kvm, arm) = lists(tmp.path(), false);
    let err = assert_input_error(
        &[
            "report",
            "--archive",
            &kvm,
            "--archive",
            &arm,
            "--range",
            "master",
        ],
        true,
    );
    assert!(
        err.contains("--range names commits of one archive"),
        "{err}"
    );
    let err = assert_input_error(
        &[
            "report",
            "--archive",
            &format!("x={kvm}"),
            "--archive",
            &format!("x={arm}"),
            "--since",
            "2025-04-30",
        ],
        true,
    );
    assert!(err.contains("two lists are named x"), "{err}");
    let (code, _, err) = run(&[
        "report",
        "--archive",
        &kvm,
        "--archive",
        &arm,
        "--since",
        "2025-05-02",
        "--compare",
        "master..master",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("with several lists give two times"), "{err}");
}

/// `update virt` of the configuration `config` with the state file
/// `state`, as JSON into `out`: exit code, stdout, stderr.
fn update_virt(config: &str, state: &Path, out: &Path) -> (i32, String, String) {
    run(&[
        "update",
        "virt",
        "--config",
        config,
        "--state",
        state.to_str().unwrap(),
        "--since",
        "2025-04-01",
        "--format",
        "json",
        "-o",
        out.to_str().unwrap(),
    ])
}

#[test]
fn a_group_is_updated_with_each_list_s_own_state() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    let (kvm, arm) = lists(dir, false);
    let config_path = config(dir, &kvm, &arm);
    let state = dir.join("state/virt.json");
    let out = dir.join("update.json");
    let update = |config: &str| update_virt(config, &state, &out);
    let (code, _, err) = update(&config_path);
    assert_eq!(code, 0, "{err}");
    let first: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(first["list"], "Virtualization");
    assert_eq!(first["stats"]["messages"], 7);
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    let heads = |saved: &Value, list: &str| saved["lists"][list]["epochs"][0]["head"].clone();
    assert_eq!(
        heads(&saved, "kvm"),
        common::rev_parse(Path::new(&kvm), "HEAD")
    );
    assert_eq!(
        heads(&saved, "kvmarm"),
        common::rev_parse(Path::new(&arm), "HEAD")
    );

    // A week later kvmarm has one more patch, kvm nothing new.
    let (kvm_later, arm_later) = lists(dir, true);
    let later_config = config(dir, &kvm_later, &arm_later);
    let (code, _, err) = update(&later_config);
    assert_eq!(code, 0, "{err}");
    let second: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(second["stats"]["messages"], 1, "{second:#}");
    assert_eq!(second["series"][0]["title"], "KVM: arm64: pmu: tidy");
    assert_eq!(second["series"][0]["lists"], serde_json::json!(["kvmarm"]));
    assert_eq!(second["lists"][0]["messages"], 0);
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    assert_eq!(
        heads(&saved, "kvm"),
        common::rev_parse(Path::new(&kvm), "HEAD")
    );
    assert_eq!(
        heads(&saved, "kvmarm"),
        common::rev_parse(Path::new(&arm_later), "HEAD")
    );

    // Nothing new on either list: said, and nothing reported.
    std::fs::remove_file(&out).unwrap();
    let (code, _, err) = update(&later_config);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("no new mail on virt"), "{err}");
    assert!(!out.exists());
}

/// A patch cross-posted to both lists whose kvmarm copy is archived only
/// after the group's update reported the kvm one; `later` adds that copy
/// and a new kvmarm patch.
fn late_copy_lists(dir: &Path, later: bool) -> (String, String) {
    let late = mail(
        ANN,
        BOTH,
        "[PATCH] KVM: x86: late copy",
        "late@w",
        None,
        &patch_body("Copy late.", "arch/x86/kvm/late.c"),
    );
    let kvm = Epoch::new().mail(&late, T0).mail(leak_fix(), T0 + HOUR);
    let mut arm = Epoch::new().mail(vgic_tidy(), T0 + 2 * HOUR);
    if later {
        arm = arm.mail(&late, T0 + DAY).mail(pmu_tidy(), T0 + 2 * DAY);
    }
    write_both(dir, kvm, arm, later)
}

#[test]
fn a_group_does_not_report_a_cross_post_again_when_its_second_copy_comes_late() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    let state = dir.join("state/virt.json");
    let out = dir.join("update.json");
    let update = |config: &str| {
        let (code, _, err) = update_virt(config, &state, &out);
        assert_eq!(code, 0, "{err}");
        serde_json::from_str::<Value>(&std::fs::read_to_string(&out).unwrap()).unwrap()
    };
    let (kvm, arm) = late_copy_lists(dir, false);
    let first = update(&config(dir, &kvm, &arm));
    assert_eq!(first["stats"]["messages"], 3, "{first:#}");
    let late = series_by_title(&first, "KVM: x86: late copy");
    assert_eq!(late["lists"], serde_json::json!(["kvm"]));
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    let remembered: Vec<&str> = saved["reported"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(remembered, ["late@w", "x1@b", "a1@b"], "{saved:#}");

    // The kvmarm copy of the patch arrives after that update, with a new
    // patch: only the new patch is news.
    let (kvm, arm) = late_copy_lists(dir, true);
    let second = update(&config(dir, &kvm, &arm));
    assert_eq!(second["stats"]["messages"], 1, "{second:#}");
    let titles: Vec<&str> = second["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["KVM: arm64: pmu: tidy"]);
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    assert_eq!(saved["reported"].as_array().unwrap().len(), 4, "{saved:#}");
}
