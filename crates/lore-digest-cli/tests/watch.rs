//! Watchlists end to end: `--who`, `--org`, `--section` and `--files` over
//! a fixture archive, alone and together; the list-wide totals a filtered
//! report keeps; "Your series" and why each series is there; every format;
//! the list's `watch` in the configuration; and the errors for names that
//! match nothing.

mod common;

use std::path::Path;

use common::{Epoch, T0, assert_input_error, list_mail, patch_body, run, run_json, run_ok};
use serde_json::Value;
use tempfile::TempDir;

const MAINTAINERS: &str = "\
HYPER-V CORE
M:\tWei Maintainer <wei@kernel.org>
R:\tRob Reviewer <rob@reviews.example>
L:\tlinux-hyperv@vger.kernel.org
S:\tSupported
F:\tdrivers/hv/
F:\tinclude/linux/hyperv.h

HYPER-V NETVSC
M:\tNed Netdev <ned@net.example>
L:\tnetdev@vger.kernel.org
S:\tMaintained
F:\tdrivers/net/hyperv/
";

const ANN: &str = "Ann Author <ann@widgets.example>";
const BOB: &str = "Bob Builder <bob@bigcorp.example>";
const CAROL: &str = "Carol Coder <carol@lab.bigcorp.example>";

/// Ann's core series of two patches, reviewed by Rob on patch 1; Bob's
/// netvsc patch; Carol's header patch, which nobody answered; a question
/// of Bob's that Ann answered.
fn archive(dir: &Path) -> String {
    let mut time = T0;
    let mut epoch = Epoch::new();
    let mut add = |raw: String| {
        time += 3_600;
        epoch = std::mem::take(&mut epoch).mail(raw, time);
    };
    add(list_mail(
        ANN,
        "[PATCH 0/2] Drivers: hv: two fixes",
        "core0@w",
        None,
        "Two fixes.\n",
    ));
    add(list_mail(
        ANN,
        "[PATCH 1/2] Drivers: hv: fix one",
        "core1@w",
        Some("core0@w"),
        &patch_body("Fix one.", "drivers/hv/vmbus.c"),
    ));
    add(list_mail(
        ANN,
        "[PATCH 2/2] Drivers: hv: fix two",
        "core2@w",
        Some("core0@w"),
        &patch_body("Fix two.", "drivers/hv/channel.c"),
    ));
    add(list_mail(
        "Rob Reviewer <rob@reviews.example>",
        "Re: [PATCH 1/2] Drivers: hv: fix one",
        "rev1@r",
        Some("core1@w"),
        "Looks right.\n\nReviewed-by: Rob Reviewer <rob@reviews.example>\n",
    ));
    add(list_mail(
        BOB,
        "[PATCH net-next] hv_netvsc: fix a leak",
        "net1@b",
        None,
        &patch_body("Fix it.", "drivers/net/hyperv/netvsc.c"),
    ));
    add(list_mail(
        CAROL,
        "[PATCH] hyperv: add a constant",
        "hdr1@c",
        None,
        &patch_body("Add it.", "include/linux/hyperv.h"),
    ));
    add(list_mail(
        BOB,
        "Question about vmbus channels",
        "q1@b",
        None,
        "How many channels may a device have?\n",
    ));
    add(list_mail(
        ANN,
        "Re: Question about vmbus channels",
        "q2@w",
        Some("q1@b"),
        "As many as the host offers.\n",
    ));
    epoch.write(&dir.join("watch.git")).path_str().to_string()
}

struct Fixture {
    _tmp: TempDir,
    repo: String,
    maintainers: String,
    orgmap: String,
}

fn fixture() -> Fixture {
    let tmp = TempDir::new().unwrap();
    let repo = archive(tmp.path());
    let maintainers = tmp.path().join("MAINTAINERS");
    std::fs::write(&maintainers, MAINTAINERS).unwrap();
    let orgmap = tmp.path().join("domains.map");
    std::fs::write(&orgmap, "bigcorp.example BigCorp\n").unwrap();
    Fixture {
        repo,
        maintainers: maintainers.to_str().unwrap().to_string(),
        orgmap: orgmap.to_str().unwrap().to_string(),
        _tmp: tmp,
    }
}

impl Fixture {
    fn report(&self, extra: &[&str]) -> Value {
        let mut args = vec![
            "report",
            "--archive",
            &self.repo,
            "--range",
            "HEAD",
            "--maintainers",
            &self.maintainers,
            "--orgmap",
            &self.orgmap,
        ];
        args.extend(extra);
        run_json(&args)
    }
}

fn titles(report: &Value) -> Vec<&str> {
    report["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap())
        .collect()
}

/// "Your series" as (title, why).
fn yours(report: &Value) -> Vec<(&str, Vec<&str>)> {
    report["your_series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| {
            let why = y["why"]
                .as_array()
                .unwrap()
                .iter()
                .map(|w| w.as_str().unwrap())
                .collect();
            (y["title"].as_str().unwrap(), why)
        })
        .collect()
}

const CORE: &str = "Drivers: hv: two fixes";
const NET: &str = "hv_netvsc: fix a leak";
const HEADER: &str = "hyperv: add a constant";

#[test]
fn without_a_watchlist_nothing_is_filtered() {
    let f = fixture();
    let r = f.report(&[]);
    assert_eq!(r["watch"], Value::Null);
    assert_eq!(r["your_series"], serde_json::json!([]));
    assert_eq!(titles(&r), [HEADER, NET, CORE]);
    // Files are kept only when --files asks for them.
    assert_eq!(r["series"][0]["patches"][0]["files"], serde_json::json!([]));
}

#[test]
fn who_keeps_the_series_by_reviewed_by_and_waiting_on_a_person() {
    let f = fixture();
    let r = f.report(&["--who", "ann@widgets.example"]);
    assert_eq!(titles(&r), [CORE]);
    assert_eq!(yours(&r), [(CORE, vec!["author"])]);
    // The header keeps the whole list's figures; `watch` says how much was kept.
    assert_eq!(r["stats"]["series"], 3);
    assert_eq!(r["stats"]["messages"], 8);
    assert_eq!(r["contributors"].as_array().unwrap().len(), 4);
    let w = &r["watch"];
    assert_eq!(w["description"], "who \"ann@widgets.example\"");
    assert_eq!(
        (w["series"].as_u64(), w["patches"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(w["unreviewed_patches"], 1);
    // Ann answered Bob's question: the thread is hers too.
    let discussions: Vec<&str> = r["discussions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["subject"].as_str().unwrap())
        .collect();
    assert_eq!(discussions, ["Question about vmbus channels"]);

    // Rob reviewed the core series, and as R: of HYPER-V CORE the
    // unanswered header patch waits on him too.
    let r = f.report(&["--who", "Rob Reviewer"]);
    assert_eq!(
        yours(&r),
        [
            (HEADER, vec!["waiting_on"]),
            (CORE, vec!["reviewer", "waiting_on"])
        ]
    );
    let line = &r["your_series"][1];
    assert_eq!(line["reviews"], 1);
    assert_eq!(line["status"], "under_review");
    assert_eq!(line["versions"], serde_json::json!([1]));
    // The core series' last mail is Rob's review, 4 hours before the end.
    assert_eq!(line["days_since_activity"], 0);

    // Wei maintains HYPER-V CORE: the open series touching it wait on him.
    let r = f.report(&["--who", "wei@kernel.org"]);
    assert_eq!(
        yours(&r),
        [(HEADER, vec!["waiting_on"]), (CORE, vec!["waiting_on"])]
    );
    assert_eq!(r["discussions"], serde_json::json!([]));
}

#[test]
fn org_keeps_the_series_of_an_organization_or_a_domain() {
    let f = fixture();
    for org in ["BigCorp", "bigcorp", "bigcorp.example"] {
        let r = f.report(&["--org", org]);
        assert_eq!(titles(&r), [HEADER, NET], "{org}");
        assert_eq!(
            yours(&r),
            [(HEADER, vec!["organization"]), (NET, vec!["organization"])],
            "{org}"
        );
    }
    // A subdomain is not its parent: Carol's lab only.
    let r = f.report(&["--org", "lab.bigcorp.example"]);
    assert_eq!(titles(&r), [HEADER]);
}

#[test]
fn section_and_files_keep_the_series_touching_them() {
    let f = fixture();
    let r = f.report(&["--section", "hyper-v net*"]);
    assert_eq!(titles(&r), [NET]);
    // Only people make a series "yours".
    assert_eq!(r["your_series"], serde_json::json!([]));
    // The section tables count the series kept.
    let sections: Vec<&str> = r["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(sections, ["HYPER-V NETVSC"]);
    assert_eq!(r["subsystems"].as_array().unwrap().len(), 1);
    // Threads that are not series say nothing of sections.
    assert_eq!(r["discussions"], serde_json::json!([]));

    let r = f.report(&["--files", "drivers/hv"]);
    assert_eq!(titles(&r), [CORE]);
    let files: Vec<&Value> = r["series"][0]["patches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["files"])
        .collect();
    assert_eq!(
        files,
        [
            &serde_json::json!(["drivers/hv/vmbus.c"]),
            &serde_json::json!(["drivers/hv/channel.c"])
        ]
    );
    let r = f.report(&["--files", "include/**/*.h"]);
    assert_eq!(titles(&r), [HEADER]);
    // `*` does not cross a directory.
    let r = f.report(&["--files", "drivers/*.c"]);
    assert_eq!(titles(&r), Vec::<&str>::new());
    assert_eq!(r["watch"]["series"], 0);
}

#[test]
fn criteria_add_up() {
    let f = fixture();
    let r = f.report(&[
        "--who",
        "ann@widgets.example",
        "--files",
        "include/linux/hyperv.h",
        "--section",
        "HYPER-V NETVSC",
    ]);
    assert_eq!(titles(&r), [HEADER, NET, CORE]);
    assert_eq!(yours(&r), [(CORE, vec!["author"])]);
    assert_eq!(
        r["watch"]["description"],
        "section \"HYPER-V NETVSC\", who \"ann@widgets.example\", files \"include/linux/hyperv.h\""
    );
}

#[test]
fn every_format_says_what_it_was_filtered_to() {
    let f = fixture();
    let base = [
        "report",
        "--archive",
        &f.repo,
        "--range",
        "HEAD",
        "--orgmap",
        &f.orgmap,
        "--org",
        "BigCorp",
    ];
    let with = |format: &str| {
        let mut args = base.to_vec();
        args.extend(["--format", format]);
        run_ok(&args)
    };
    let text = with("text");
    assert!(
        text.contains(
            "Filtered to org \"BigCorp\": 2 of 3 series, 2 of 4 patches (2 without review, 0 applied)."
        ),
        "{text}"
    );
    assert!(text.contains("===== Your series =====\n\n- hyperv: add a constant (v1) by Carol Coder\n  v1 · 0 review(s) · new · 0 day(s) since the last mail · why: organization\n"), "{text}");
    assert!(text.contains("2 of 3 series, 2 of 4 patches, 2 without review in this time period"));
    assert!(!text.contains("Drivers: hv: two fixes"), "{text}");
    let markdown = with("markdown");
    assert!(
        markdown.contains("Filtered to org \"BigCorp\": 2 of 3 series"),
        "{markdown}"
    );
    assert!(
        markdown.contains("## Your series\n\n| Series | Author | Versions |"),
        "{markdown}"
    );
    assert!(markdown.contains("| \\[net-next\\] hv\\_netvsc: fix a leak | Bob Builder &lt;bob@bigcorp.example&gt; | v1 | 0 | new | 0 | organization |"), "{markdown}");
    let html = with("html");
    assert!(
        html.contains(
            "<p class=\"filter\" id=\"filter\">Filtered to org &quot;BigCorp&quot;: 2 of 3 series"
        ),
        "{html}"
    );
    assert!(html.contains("<a href=\"#your-series\">Your series</a>"));
    assert!(html.contains("<td>v1</td><td class=\"num\">0</td><td><span class=\"tag status-new\">new</span></td><td class=\"num\">0</td><td>organization</td>"), "{html}");
}

#[test]
fn names_that_match_nothing_are_errors_that_list_the_nearest() {
    let f = fixture();
    let args = |extra: &[&'static str]| {
        let mut all: Vec<String> = [
            "report",
            "--archive",
            &f.repo,
            "--range",
            "HEAD",
            "--maintainers",
            &f.maintainers,
            "--orgmap",
            &f.orgmap,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        all.extend(extra.iter().map(|s| s.to_string()));
        all
    };
    let check = |extra: &[&'static str], expected: &str| {
        let all = args(extra);
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let err = assert_input_error(&all, true);
        assert!(err.contains(expected), "{extra:?}: {err}");
    };
    check(
        &["--who", "Ann Autor"],
        "--who 'Ann Autor' matches no author, reviewer or maintainer; nearest: Ann Author <ann@widgets.example>",
    );
    check(
        &["--who", "ned@net.exampel"],
        "nearest: Ned Netdev <ned@net.example>",
    );
    check(
        &["--org", "BigCrop"],
        "--org 'BigCrop' matches no organization or domain; nearest: BigCorp",
    );
    check(
        &["--section", "HYPERV CORE"],
        "--section 'HYPERV CORE' matches no section of the MAINTAINERS file; nearest: HYPER-V CORE",
    );
    check(&["--section", "xyzzy"], "nothing is close");
    check(&["--files", "drivers/[hv"], "--files 'drivers/[hv': ");
    // A person of MAINTAINERS is known though silent in the selection.
    run_json(
        &args(&["--who", "Ned Netdev"])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );

    let err = assert_input_error(
        &[
            "report",
            "--archive",
            &f.repo,
            "--range",
            "HEAD",
            "--section",
            "HYPER-V*",
        ],
        true,
    );
    assert!(err.contains("give --maintainers"), "{err}");
}

#[test]
fn a_list_s_watch_is_its_reports_and_a_silent_person_only_a_warning() {
    let f = fixture();
    let config = f._tmp.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[lists.hv]\npath = \"{}\"\nmaintainers = \"{}\"\norgmap = \"{}\"\n\
             watch = {{ who = [\"bob@bigcorp.example\", \"Nobody Here\"] }}\n",
            f.repo, f.maintainers, f.orgmap
        ),
    )
    .unwrap();
    let config = config.to_str().unwrap();
    let (code, stdout, stderr) = run(&[
        "report",
        "hv",
        "--config",
        config,
        "--offline",
        "--range",
        "HEAD",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let r: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(titles(&r), [NET]);
    assert!(
        stderr.contains("watch: --who 'Nobody Here' matches no author, reviewer or maintainer"),
        "{stderr}"
    );
    // Flags add to the list's watchlist.
    let r = run_json(&[
        "report",
        "hv",
        "--config",
        config,
        "--offline",
        "--range",
        "HEAD",
        "--who",
        "Carol Coder",
    ]);
    assert_eq!(titles(&r), [HEADER, NET]);
    // A bad watch key is the configuration's error, with its line.
    std::fs::write(
        f._tmp.path().join("bad.toml"),
        "[lists.hv]\nwatch = { people = [\"x\"] }\n",
    )
    .unwrap();
    let bad = f._tmp.path().join("bad.toml");
    let err = assert_input_error(
        &[
            "report",
            "hv",
            "--config",
            bad.to_str().unwrap(),
            "--offline",
            "--range",
            "HEAD",
        ],
        true,
    );
    assert!(err.contains("line 2") && err.contains("people"), "{err}");
}

#[test]
fn update_delivers_the_list_s_watchlist() {
    let f = fixture();
    let dir = f._tmp.path();
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[lists.hv]\npath = \"{}\"\norgmap = \"{}\"\n\
             watch = {{ orgs = [\"BigCorp\"], who = [\"Nobody Here\"] }}\n",
            f.repo, f.orgmap
        ),
    )
    .unwrap();
    let out = dir.join("update.txt");
    let state = dir.join("state/hv.json");
    let (code, _, stderr) = run(&[
        "update",
        "hv",
        "--config",
        config.to_str().unwrap(),
        "--state",
        state.to_str().unwrap(),
        "--since",
        "2025-04-01",
        "-o",
        out.to_str().unwrap(),
    ]);
    // Someone silent in a configured watchlist does not fail an unattended run.
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("watch: --who 'Nobody Here'"), "{stderr}");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.contains(
            "Filtered to who \"Nobody Here\", org \"BigCorp\": 2 of 3 series, 2 of 4 patches"
        ),
        "{text}"
    );
    assert!(text.contains("===== Your series ====="), "{text}");
    assert!(!text.contains(CORE), "{text}");
}
