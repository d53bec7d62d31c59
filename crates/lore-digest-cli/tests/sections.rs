//! `--maintainers`: patches mapped to the sections of a MAINTAINERS file
//! written here, end to end: the section table with its counts, each
//! series' sections (a union, most specific first), `K:` on the patch
//! text, the queue of unreviewed patches per section, Missed Cc, every
//! format, the config key, and the bad files.

mod common;

use std::path::Path;

use common::{Epoch, T0, assert_input_error, run, run_json, run_ok};
use serde_json::Value;
use tempfile::TempDir;

const MAINTAINERS: &str = "\
List of maintainers
===================

Descriptions of section entries and preferred order
---------------------------------------------------

\tM: *Mail* patches to: FullName <address@domain>

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

NETWORKING DRIVERS
M:\tDave Net <dave@net.example>
L:\tnetdev@vger.kernel.org
S:\tOdd Fixes
F:\tdrivers/net/

XDP
M:\tXena Xdp <xena@xdp.example>
L:\tbpf@vger.kernel.org
S:\tSupported
K:\t(?:\\b|_)xdp(?:\\b|_)

THE REST
M:\tLinus <torvalds@linux-foundation.org>
L:\tlinux-kernel@vger.kernel.org
S:\tBuried alive in reporters
F:\t*
F:\t*/
";

fn at(id: &str) -> String {
    format!("{id}@widgets.example")
}

fn mail(subject: &str, id: &str, parent: Option<&str>, cc: &str, body: &str) -> String {
    let threading = parent.map_or(String::new(), |p| {
        let p = at(p);
        format!("In-Reply-To: <{p}>\nReferences: <{p}>\n")
    });
    format!(
        "From: Ann Author <ann@widgets.example>\nTo: linux-hyperv@vger.kernel.org\n\
         Cc: {cc}\nSubject: {subject}\nDate: Thu, 1 May 2025 10:00:00 +0000\n\
         Message-ID: <{}>\n{threading}List-Id: <linux-hyperv.vger.kernel.org>\n\n{body}",
        at(id)
    )
}

fn patch_body(what: &str, file: &str, line: &str) -> String {
    format!(
        "{what}\n\nSigned-off-by: Ann Author <ann@widgets.example>\n---\n \
         {file} | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n\n\
         diff --git a/{file} b/{file}\nindex 1234567..89abcde 100644\n--- a/{file}\n+++ b/{file}\n\
         @@ -1,3 +1,3 @@\n int x;\n-int y;\n+{line}\n int z;\n-- \n2.49.0\n"
    )
}

fn reply(id: &str, parent: &str, body: &str) -> String {
    format!(
        "From: Rob Reviewer <rob@reviews.example>\nTo: ann@widgets.example\n\
         Subject: Re: patch\nDate: Thu, 1 May 2025 12:00:00 +0000\nMessage-ID: <{}>\n\
         In-Reply-To: <{}>\nReferences: <{}>\n\n{body}",
        at(id),
        at(parent),
        at(parent)
    )
}

/// Three series: a core series of two patches (one reviewed, one applied
/// by a notice); a netvsc patch that Ccs netdev and speaks of XDP without
/// Cc'ing bpf (a missed Cc of XDP); a lone header patch that Ccs nobody
/// of its sections but the list it arrived on.
fn archive(dir: &Path) -> String {
    let mut time = T0;
    let mut epoch = Epoch::new();
    let mut add = |raw: String| {
        time += 600;
        epoch = std::mem::take(&mut epoch).mail(raw, time);
    };
    add(mail(
        "[PATCH 0/2] Drivers: hv: two fixes",
        "core0",
        None,
        "wei@kernel.org",
        "Two fixes.\n",
    ));
    add(mail(
        "[PATCH 1/2] Drivers: hv: fix one",
        "core1",
        Some("core0"),
        "wei@kernel.org",
        &patch_body("Fix one.", "drivers/hv/vmbus.c", "long y;"),
    ));
    add(mail(
        "[PATCH 2/2] Drivers: hv: fix the header",
        "core2",
        Some("core0"),
        "wei@kernel.org",
        &patch_body("Fix two.", "include/linux/hyperv.h", "long y;"),
    ));
    add(reply(
        "rev1",
        "core1",
        "Looks right.\n\nReviewed-by: Rob Reviewer <rob@reviews.example>\n",
    ));
    add(mail(
        "[PATCH net-next] hv_netvsc: handle xdp frames",
        "net1",
        None,
        "netdev@vger.kernel.org",
        &patch_body(
            "Handle them.",
            "drivers/net/hyperv/netvsc.c",
            "return netvsc_xdp_xmit(skb);",
        ),
    ));
    add(mail(
        "[PATCH] Drivers: hv: tidy a comment",
        "lone1",
        None,
        "someone@else.example",
        &patch_body("Tidy.", "drivers/hv/hv.c", "long y;"),
    ));
    epoch
        .write(&dir.join("sections.git"))
        .path_str()
        .to_string()
}

fn write_maintainers(dir: &Path, text: &str) -> String {
    let path = dir.join("MAINTAINERS");
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

fn names(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect()
}

fn section<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no section {name}: {}", report["sections"]))
}

#[test]
fn patches_and_series_are_mapped_to_their_sections() {
    let tmp = TempDir::new().unwrap();
    let repo = archive(tmp.path());
    let file = write_maintainers(tmp.path(), MAINTAINERS);
    let r = run_json(&[
        "report",
        "--archive",
        &repo,
        "--range",
        "HEAD",
        "--maintainers",
        &file,
    ]);
    assert_eq!(r["warnings"], serde_json::json!([]));
    // Most series first, then patches, then by name.
    let table: Vec<(&str, u64, u64, u64)> = r["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap(),
                s["series"].as_u64().unwrap(),
                s["patches"].as_u64().unwrap(),
                s["unreviewed_patches"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        table,
        [
            ("THE REST", 3, 4, 3),
            ("HYPER-V CORE", 2, 3, 2),
            ("HYPER-V NETVSC", 1, 1, 1),
            ("NETWORKING DRIVERS", 1, 1, 1),
            ("XDP", 1, 1, 1),
        ]
    );
    let core = section(&r, "HYPER-V CORE");
    assert_eq!(core["status"], "Supported");
    assert_eq!(core["maintainers"][0]["email"], "wei@kernel.org");
    assert_eq!(core["reviewers"][0]["email"], "rob@reviews.example");
    assert_eq!(names(&core["lists"]), ["linux-hyperv@vger.kernel.org"]);

    let series = |id: &str| -> &Value {
        r["series"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["message_id"] == at(id))
            .unwrap()
    };
    // The union, most specific first: include/linux/hyperv.h (3) before
    // drivers/hv/ (2) is one section; THE REST (-1) last.
    assert_eq!(
        names(&series("core0")["sections"]),
        ["HYPER-V CORE", "THE REST"]
    );
    // drivers/net/hyperv/ (3), drivers/net/ (2), THE REST (-1), then K: alone.
    assert_eq!(
        names(&series("net1")["sections"]),
        ["HYPER-V NETVSC", "NETWORKING DRIVERS", "THE REST", "XDP"]
    );
    let patch = &series("net1")["patches"][0];
    assert_eq!(
        names(&patch["sections"]),
        ["HYPER-V NETVSC", "NETWORKING DRIVERS", "THE REST", "XDP"]
    );
    // netdev is Cc'd (NETVSC's list); bpf and Xena are not, and XDP is
    // Supported; THE REST and Odd Fixes sections are never a missed Cc.
    assert_eq!(names(&patch["missed_cc"]), ["XDP"]);

    // The lone patch arrived on linux-hyperv, HYPER-V CORE's list: no miss.
    let missed: Vec<(&str, Vec<&str>)> = r["missed_cc"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["patch"]["message_id"].as_str().unwrap(),
                names(&m["sections"]),
            )
        })
        .collect();
    assert_eq!(missed, [(at("net1").as_str(), vec!["XDP"])]);

    // Patch 1 is reviewed: the core queue holds patch 2 and the lone patch.
    let queue = r["unreviewed_by_section"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["name"] == "HYPER-V CORE")
        .unwrap();
    let waiting: Vec<&str> = queue["patches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["message_id"].as_str().unwrap())
        .collect();
    assert_eq!(waiting, [at("lone1"), at("core2")]);
    assert_eq!(queue["reviewers"][0]["name"], "Rob Reviewer");

    // Without the flag: no sections, subsystems as before.
    let plain = run_json(&["report", "--archive", &repo, "--range", "HEAD"]);
    assert_eq!(plain["sections"], Value::Null);
    assert_eq!(plain["missed_cc"], serde_json::json!([]));
    assert_eq!(plain["series"][0]["sections"], serde_json::json!([]));
    assert!(
        plain["subsystems"]
            .as_array()
            .is_some_and(|s| !s.is_empty())
    );
}

#[test]
fn every_format_shows_the_sections() {
    let tmp = TempDir::new().unwrap();
    let repo = archive(tmp.path());
    let file = write_maintainers(tmp.path(), MAINTAINERS);
    let report = |format: &str| {
        run_ok(&[
            "report",
            "--archive",
            &repo,
            "--range",
            "HEAD",
            "--maintainers",
            &file,
            "--format",
            format,
        ])
    };
    let expected: [(&str, &[&str], &[&str]); 3] = [
        (
            "text",
            &[
                "Top 15 MAINTAINERS sections (by patch series)",
                "      2       3          2       0  HYPER-V CORE",
                "  Sections: HYPER-V CORE, THE REST",
                "===== Unreviewed by section =====",
                "  R: Rob Reviewer <rob@reviews.example>",
                "===== Missed Cc: 1 patches reached no maintainer or list",
                "  missed: XDP",
            ],
            &["subsystems (by patch series)"],
        ),
        (
            "markdown",
            &[
                "## Top 15 MAINTAINERS sections",
                "| 2 | 3 | 2 | 0 | HYPER-V CORE |",
                "## Unreviewed by section",
                "## Missed Cc",
                "- Sections: HYPER-V CORE, THE REST",
            ],
            &["subsystems"],
        ),
        (
            "html",
            &[
                "<h2>Top 15 MAINTAINERS sections</h2>",
                "<section id=\"unreviewed-by-section\">",
                "<section id=\"missed-cc\">",
                "<dt>Sections</dt><dd>HYPER-V CORE, THE REST</dd>",
            ],
            &["<h2>Top 15 subsystems</h2>"],
        ),
    ];
    for (format, present, absent) in expected {
        let out = report(format);
        for want in present {
            assert!(out.contains(want), "{format}: no {want:?}:\n{out}");
        }
        for unwanted in absent {
            assert!(!out.contains(unwanted), "{format}: {unwanted:?}:\n{out}");
        }
    }
}

#[test]
fn the_config_key_names_the_file_and_bad_files_are_reported() {
    let tmp = TempDir::new().unwrap();
    let repo = archive(tmp.path());
    // A bad line is a warning FILE:LINE, once, and the rest is used.
    let with_bad = MAINTAINERS.replace("S:\tMaintained\n", "S:\tMaintained\nZ:\tnonsense\n");
    let file = write_maintainers(tmp.path(), &with_bad);
    let config = tmp.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[lists.hv]\npath = \"{repo}\"\nmaintainers = \"{file}\"\n"),
    )
    .unwrap();
    let (code, out, err) = run(&[
        "report",
        "hv",
        "--config",
        config.to_str().unwrap(),
        "--range",
        "HEAD",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let r: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["sections"][0]["name"], "THE REST");
    let warned: Vec<&str> = err.lines().filter(|l| l.contains("MAINTAINERS:")).collect();
    assert_eq!(warned.len(), 1, "{err}");
    assert!(warned[0].starts_with("lore-digest: warning: "), "{err}");
    let line = with_bad.lines().position(|l| l.starts_with("Z:")).unwrap() + 1;
    assert!(warned[0].contains(&format!("{file}:{line}:")), "{err}");
    assert_eq!(r["warnings"].as_array().unwrap().len(), 1);

    // A file without sections is not a MAINTAINERS file: exit 2.
    let empty = write_maintainers(tmp.path(), "just some text\n\nno tags here\n");
    let message = assert_input_error(
        &[
            "report",
            "--archive",
            &repo,
            "--range",
            "HEAD",
            "--maintainers",
            &empty,
        ],
        true,
    );
    assert!(message.contains("MAINTAINERS"), "{message}");
    let missing = tmp.path().join("nope").display().to_string();
    assert_input_error(
        &[
            "report",
            "--archive",
            &repo,
            "--range",
            "HEAD",
            "--maintainers",
            &missing,
        ],
        true,
    );
}
