//! End-to-end tests of `lore-digest report` on the real linux-hyperv
//! public-inbox archive shared beside the repository clone
//! (`../shared/corpus/linux-hyperv.git`, 26,431 commits, linear history).
//!
//! The expected figures are NOT produced by this tool: they were computed by
//! `bench/py_digest.py`, an independent stdlib-Python implementation of the
//! report rules, and cross-checked with plain `git log --format=%s` greps
//! (see `bench/corpus_figures.md` for the commands). Commit counts and time
//! windows are checked against `git` itself, spawned by the tests.
//!
//! When the archive is absent, every test prints a message and passes.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const ARCHIVE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/corpus/linux-hyperv.git"
);

/// Tip of `master` when the figures were taken (root commit:
/// 390fbdf7a05a1d1dde9657b67b44830aca3b49bd).
const TIP: &str = "b22dfe3300dfffcf3c3db5b05e2fefae4595e467";
/// The newest 500 commits: `git rev-list master | sed -n '1p;501p'`.
const LAST500: &str =
    "303e640adf799d45f4f6647e283de6b75e5acac5..b22dfe3300dfffcf3c3db5b05e2fefae4595e467";
/// 2000 commits from late 2022 to mid 2023: `git rev-list master | sed -n '13001p;15001p'`.
const MID2000: &str =
    "e8f732ec07f992e5a81300d82c486c2eceb4d8eb..1bb1c3c2823b513515d8681a2ee9a2c834080a1a";

/// Figures of one range, from `bench/py_digest.py` (independent reference).
struct Expected {
    range: &'static str,
    messages: u64,
    missing: u64,
    patches: u64,
    cover_letters: u64,
    replies: u64,
    pull_requests: u64,
    distinct_domains: usize,
    distinct_contributors: usize,
    top_domains: [(&'static str, u64); 5],
    top_contributors: [(&'static str, u64); 5],
}

/// All history up to [`TIP`] (= `master` when the figures were taken; the
/// tip is named so that mail added to the archive later does not matter).
const ALL: Expected = Expected {
    range: TIP,
    messages: 26431,
    missing: 0,
    patches: 9250,
    cover_letters: 990,
    replies: 15788,
    pull_requests: 83,
    distinct_domains: 314,
    distinct_contributors: 1144,
    top_domains: [
        ("microsoft.com", 4656),
        ("linux.microsoft.com", 3921),
        ("kernel.org", 3296),
        ("redhat.com", 2418),
        ("gmail.com", 2112),
    ],
    top_contributors: [
        ("mikelley@microsoft.com", 1448),
        ("wei.liu@kernel.org", 1370),
        ("vkuznets@redhat.com", 1204),
        ("mhklinux@outlook.com", 1060),
        ("decui@microsoft.com", 939),
    ],
};

const LAST: Expected = Expected {
    range: LAST500,
    messages: 500,
    missing: 0,
    patches: 180,
    cover_letters: 22,
    replies: 294,
    pull_requests: 2,
    distinct_domains: 29,
    distinct_contributors: 75,
    top_domains: [
        ("kernel.org", 102),
        ("linux.microsoft.com", 77),
        ("google.com", 67),
        ("gmail.com", 56),
        ("microsoft.com", 46),
    ],
    top_contributors: [
        ("seanjc@google.com", 65),
        ("sashiko-bot@kernel.org", 55),
        ("skinsburskii@gmail.com", 38),
        ("mhklinux@outlook.com", 30),
        ("tzimmermann@suse.de", 23),
    ],
};

const MID: Expected = Expected {
    range: MID2000,
    messages: 2000,
    missing: 0,
    patches: 614,
    cover_letters: 76,
    replies: 1280,
    pull_requests: 6,
    distinct_domains: 69,
    distinct_contributors: 172,
    top_domains: [
        ("microsoft.com", 677),
        ("linux.microsoft.com", 286),
        ("kernel.org", 208),
        ("gmail.com", 122),
        ("redhat.com", 79),
    ],
    top_contributors: [
        ("mikelley@microsoft.com", 298),
        ("decui@microsoft.com", 190),
        ("ssengar@linux.microsoft.com", 144),
        ("wei.liu@kernel.org", 78),
        ("tiala@microsoft.com", 69),
    ],
};

/// The kernel's MAINTAINERS file shared beside the corpus.
const MAINTAINERS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/maintainers/MAINTAINERS"
);

/// `--maintainers` over the whole history: the top 15 sections (name,
/// series, patches, unreviewed, applied) and the Missed Cc count. Unlike
/// the figures above, these are this tool's own output, pinned so that a
/// change of the matching rules shows; the rules themselves are checked
/// against get_maintainer.pl in `maintainers/tests.rs` (see the README).
#[test]
fn whole_history_sections() {
    let Some(archive) = archive() else { return };
    if !Path::new(MAINTAINERS).is_file() {
        eprintln!("skipping: MAINTAINERS not found at {MAINTAINERS}");
        return;
    }
    let json = report_json(&archive, &["--range", TIP, "--maintainers", MAINTAINERS]);
    let top: Vec<(&str, u64, u64, u64, u64)> = json["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .take(15)
        .map(|s| {
            (
                s["name"].as_str().unwrap_or_default(),
                s["series"].as_u64().unwrap_or_default(),
                s["patches"].as_u64().unwrap_or_default(),
                s["unreviewed_patches"].as_u64().unwrap_or_default(),
                s["applied_patches"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        top,
        [
            ("THE REST", 2799, 9223, 4444, 1390),
            ("Hyper-V/Azure CORE AND DRIVERS", 2521, 5038, 2541, 1025),
            ("X86 ARCHITECTURE (32-BIT AND 64-BIT)", 750, 2926, 1354, 277),
            ("NETWORKING DRIVERS", 719, 1087, 543, 297),
            ("NETWORKING [GENERAL]", 359, 683, 356, 127),
            ("PCI SUBSYSTEM", 284, 554, 175, 94),
            ("GENERIC INCLUDE/ASM HEADER FILES", 264, 582, 309, 69),
            ("MICROSOFT MANA RDMA DRIVER", 244, 425, 230, 87),
            (
                "PCI NATIVE HOST BRIDGE AND ENDPOINT DRIVERS",
                235,
                375,
                140,
                76
            ),
            ("SCSI SUBSYSTEM", 191, 217, 118, 61),
            (
                "KERNEL VIRTUAL MACHINE FOR X86 (KVM/x86)",
                125,
                799,
                389,
                76
            ),
            ("CLOCKSOURCE, CLOCKEVENT DRIVERS", 125, 173, 55, 29),
            ("DOCUMENTATION", 124, 232, 146, 18),
            ("DRM DRIVERS", 122, 329, 133, 24),
            ("ARM64 PORT (AARCH64 ARCHITECTURE)", 114, 212, 106, 23),
        ]
    );
    assert_eq!(json["sections"].as_array().map(Vec::len), Some(838));
    assert_eq!(json["missed_cc"].as_array().map(Vec::len), Some(829));
    assert_eq!(json["warnings"], serde_json::json!([]));
}

/// A year of `trends --by year`: (year, messages, series, patches,
/// applied, reviews, median days to first review, reviews across
/// organizations, reviews with both organizations known, the top
/// organization and its mails).
type YearRow = (
    &'static str,
    u64,
    u64,
    u64,
    u64,
    u64,
    f64,
    u64,
    u64,
    &'static str,
    u64,
);

/// `trends --by year` over all history up to [`TIP`]. Messages and patches
/// per year are those of `bench/py_digest.py --per-mail` joined with `git
/// log --format='%H %ct'` (the year of each commit time, UTC), and the
/// messages those of `git log --format=%ct` alone, which the test runs;
/// series, applied patches and reviews add up to the whole-history
/// report's figures (2825 series, 1390 applied, 2846 reviews), so each is
/// counted once, in one year.
#[test]
fn trends_by_year_on_the_shared_archive() {
    let Some(archive) = archive() else { return };
    let path = archive.to_str().unwrap();
    let out = lore_digest([
        "trends",
        "--archive",
        path,
        "--range",
        TIP,
        "--by",
        "year",
        "--format",
        "json",
    ]);
    let table: Value = serde_json::from_slice(&out).expect("JSON");
    let expected: [YearRow; 8] = [
        (
            "2019",
            1549,
            258,
            516,
            82,
            164,
            0.0,
            97,
            164,
            "Microsoft",
            598,
        ),
        (
            "2020",
            2735,
            297,
            911,
            142,
            297,
            0.0,
            253,
            295,
            "Microsoft",
            589,
        ),
        (
            "2021",
            3097,
            329,
            1048,
            181,
            315,
            0.0,
            270,
            312,
            "Microsoft",
            1091,
        ),
        (
            "2022",
            4404,
            386,
            1794,
            196,
            441,
            0.0,
            282,
            441,
            "Microsoft",
            1123,
        ),
        (
            "2023",
            4024,
            394,
            1416,
            175,
            378,
            0.0,
            270,
            377,
            "Microsoft",
            1465,
        ),
        (
            "2024",
            2197,
            275,
            609,
            105,
            255,
            0.0,
            194,
            254,
            "Microsoft",
            679,
        ),
        (
            "2025",
            4546,
            484,
            1451,
            267,
            573,
            0.0,
            383,
            570,
            "Microsoft",
            1688,
        ),
        (
            "2026",
            3879,
            402,
            1505,
            242,
            423,
            0.0,
            353,
            422,
            "Microsoft",
            1344,
        ),
    ];
    let rows = table["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), expected.len());
    for (row, e) in rows.iter().zip(expected) {
        let got = (
            row["period"].as_str().unwrap(),
            row["messages"].as_u64().unwrap(),
            row["series"].as_u64().unwrap(),
            row["patches"].as_u64().unwrap(),
            row["applied"].as_u64().unwrap(),
            row["reviews"].as_u64().unwrap(),
            row["median_days_to_first_review"].as_f64().unwrap(),
            row["cross_organization_reviews"].as_u64().unwrap(),
            row["reviews_with_organizations"].as_u64().unwrap(),
            row["organizations"][0]["name"].as_str().unwrap(),
            row["organizations"][0]["count"].as_u64().unwrap(),
        );
        assert_eq!(got, e);
    }
    let sum = |field: &str| rows.iter().map(|r| r[field].as_u64().unwrap()).sum::<u64>();
    assert_eq!(
        (
            sum("messages"),
            sum("patches"),
            sum("series"),
            sum("applied"),
            sum("reviews")
        ),
        (26431, 9250, 2825, 1390, 2846)
    );
    // Messages per year, from git alone.
    let mut per_year = std::collections::BTreeMap::<i16, u64>::new();
    for line in git(&archive, &["log", "--format=%ct", TIP]).lines() {
        let seconds: i64 = line.trim().parse().expect("a commit time");
        let year = jiff::Timestamp::from_second(seconds)
            .unwrap()
            .to_zoned(jiff::tz::TimeZone::UTC)
            .year();
        *per_year.entry(year).or_default() += 1;
    }
    let from_git: Vec<u64> = per_year.values().copied().collect();
    assert_eq!(from_git, expected.map(|e| e.1));
}

// ---------------------------------------------------------------------------
// Helpers.

/// The shared archive, or `None` (after saying so) when it is not there.
fn archive() -> Option<PathBuf> {
    let path = PathBuf::from(ARCHIVE);
    if path.is_dir() {
        Some(path)
    } else {
        eprintln!("skipping: shared corpus not found at {}", path.display());
        None
    }
}

/// Runs `lore-digest ARGS...`, which must succeed; returns stdout.
fn lore_digest<S: AsRef<std::ffi::OsStr>>(args: impl IntoIterator<Item = S>) -> Vec<u8> {
    let args: Vec<std::ffi::OsString> = args.into_iter().map(|a| a.as_ref().into()).collect();
    let out = Command::new(env!("CARGO_BIN_EXE_lore-digest"))
        .args(&args)
        .output()
        .expect("run lore-digest");
    assert!(
        out.status.success(),
        "lore-digest {args:?} failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Runs `lore-digest report --archive ARCHIVE ARGS...`; returns stdout.
fn report(archive: &Path, args: &[&str]) -> String {
    let mut all = vec!["report".as_ref(), "--archive".as_ref(), archive.as_os_str()];
    all.extend(args.iter().map(std::ffi::OsStr::new));
    String::from_utf8(lore_digest(all)).expect("report is UTF-8")
}

fn report_json(archive: &Path, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let text = report(archive, &all);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("bad JSON for {args:?}: {e}"))
}

/// Runs `git --git-dir ARCHIVE ARGS...`; returns stdout.
fn git(archive: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("--git-dir")
        .arg(archive)
        .args(args)
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("git output is UTF-8")
}

fn rev_list_count(archive: &Path, range: &str) -> u64 {
    git(archive, &["rev-list", "--count", range, "--"])
        .trim()
        .parse()
        .expect("rev-list --count prints a number")
}

/// Committer times (unix seconds) of all commits of `master`, from git.
fn commit_times(archive: &Path) -> Vec<i64> {
    git(archive, &["log", "--format=%ct", "master"])
        .lines()
        .map(|l| l.parse().expect("%ct is a number"))
        .collect()
}

fn stat(json: &Value, name: &str) -> u64 {
    json["stats"][name]
        .as_u64()
        .unwrap_or_else(|| panic!("stats.{name} missing or not a number"))
}

fn counted(list: &Value, key: &str) -> Vec<(String, u64)> {
    list.as_array()
        .unwrap_or_else(|| panic!("{key} list is not an array"))
        .iter()
        .map(|e| {
            (
                e[key].as_str().expect("string key").to_string(),
                e["count"].as_u64().expect("count"),
            )
        })
        .collect()
}

/// Everything pinned for one range.
fn check(archive: &Path, exp: &Expected) {
    let json = report_json(archive, &["--range", exp.range]);
    let r = exp.range;

    let stats = [
        ("messages", exp.messages),
        ("missing", exp.missing),
        ("patches", exp.patches),
        ("cover_letters", exp.cover_letters),
        ("replies", exp.replies),
        ("pull_requests", exp.pull_requests),
    ];
    let got: Vec<_> = stats.iter().map(|(n, _)| (*n, stat(&json, n))).collect();
    assert_eq!(got, stats, "stats of {r}");

    // Independent of the tool and of the Python: every selected commit is
    // either a message or missing.
    assert_eq!(
        stat(&json, "messages") + stat(&json, "missing"),
        rev_list_count(archive, r),
        "messages + missing vs git rev-list --count {r}"
    );

    let domains = counted(&json["domains"], "domain");
    let contributors = counted(&json["contributors"], "email");
    let top = |v: &[(String, u64)]| -> Vec<(String, u64)> { v.iter().take(5).cloned().collect() };
    let want = |v: &[(&str, u64)]| -> Vec<(String, u64)> {
        v.iter().map(|(k, n)| (k.to_string(), *n)).collect()
    };
    assert_eq!(top(&domains), want(&exp.top_domains), "top domains of {r}");
    assert_eq!(
        top(&contributors),
        want(&exp.top_contributors),
        "top contributors of {r}"
    );
    assert_eq!(
        domains.len(),
        exp.distinct_domains,
        "distinct domains of {r}"
    );
    assert_eq!(
        contributors.len(),
        exp.distinct_contributors,
        "distinct contributors of {r}"
    );
    // Every mail of this archive has an author address.
    assert_eq!(stat(&json, "without_author"), 0, "without_author of {r}");
    let sum = |v: &[(String, u64)]| v.iter().map(|(_, n)| n).sum::<u64>();
    assert_eq!(sum(&domains), exp.messages, "sum of domain counts of {r}");
    assert_eq!(
        sum(&contributors),
        exp.messages,
        "sum of contributor counts of {r}"
    );
}

// ---------------------------------------------------------------------------
// Tests.

#[test]
fn last500_figures() {
    let Some(archive) = archive() else { return };
    check(&archive, &LAST);
}

#[test]
fn mid2000_figures() {
    let Some(archive) = archive() else { return };
    check(&archive, &MID);
}

/// The whole history (the slow one: run once).
#[test]
fn whole_history_figures() {
    let Some(archive) = archive() else { return };
    check(&archive, &ALL);
}

#[test]
fn last500_text_report_names_its_ends() {
    let Some(archive) = archive() else { return };
    let text = report(&archive, &["--range", LAST500]);
    assert!(
        text.starts_with("From 303e640a to b22dfe33"),
        "text report starts with {:?}",
        text.lines().next()
    );
}

/// `--since`/`--until` select by committer time, both ends inclusive. The
/// bounds are the exact commit times of two commits (the 11,000th and
/// 10,000th newest), so an exclusive end would lose commits.
#[test]
fn window_counts_match_git_commit_times() {
    let Some(archive) = archive() else { return };
    // 319298b34c7da86a3982e827816d5aa8f8a1cbc0 2023-11-19T18:03:50+01:00
    let since = ("2023-11-19T17:03:50Z", 1_700_413_430_i64);
    // f8b1c44afc02dbfeab557ddc0cf24447e1c16e90 2024-04-18T08:04:25+02:00
    let until = ("2024-04-18T06:04:25Z", 1_713_420_265_i64);
    let times = commit_times(&archive);
    assert!(times.contains(&since.1) && times.contains(&until.1));
    let expected = times
        .iter()
        .filter(|t| (since.1..=until.1).contains(t))
        .count() as u64;
    // git's own window agrees (its --since/--until are inclusive too).
    let by_git: u64 = git(
        &archive,
        &[
            "rev-list",
            "--count",
            &format!("--since={}", since.1),
            &format!("--until={}", until.1),
            "master",
        ],
    )
    .trim()
    .parse()
    .unwrap();
    assert_eq!(by_git, expected, "git rev-list --since/--until vs %ct");

    let json = report_json(&archive, &["--since", since.0, "--until", until.0]);
    assert_eq!(stat(&json, "messages") + stat(&json, "missing"), expected);
    assert_eq!(stat(&json, "missing"), 0);
    assert_eq!(stat(&json, "messages"), expected);
}

/// A bare `--until` date means the end of that day, UTC.
#[test]
fn bare_until_date_includes_the_whole_day() {
    let Some(archive) = archive() else { return };
    // 2024-03-01T00:00:00Z ..= 2024-03-31T23:59:59Z
    let (from, to) = (1_709_251_200_i64, 1_711_929_599_i64);
    let expected = commit_times(&archive)
        .iter()
        .filter(|t| (from..=to).contains(t))
        .count() as u64;
    assert!(expected > 0);
    let json = report_json(
        &archive,
        &["--since", "2024-03-01", "--until", "2024-03-31"],
    );
    assert_eq!(stat(&json, "messages") + stat(&json, "missing"), expected);
}

/// The export of the last 2,000 mails adds up to the report: one record per
/// mail, the same kinds and the same domain counts.
#[test]
fn export_adds_up_to_the_report() {
    let Some(archive) = archive() else { return };
    let range = "HEAD~2000..HEAD";
    let json = report_json(&archive, &["--range", range]);
    let path = archive.to_str().unwrap();
    let out = lore_digest(["export", "--range", range, "--archive", path]);
    let records: Vec<Value> = String::from_utf8(out)
        .expect("export is UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(records.len() as u64, stat(&json, "messages"));
    let kind = |k: &str| records.iter().filter(|r| r["kind"] == k).count() as u64;
    assert_eq!(kind("patch"), stat(&json, "patches"));
    assert_eq!(kind("cover_letter"), stat(&json, "cover_letters"));
    assert_eq!(kind("reply"), stat(&json, "replies"));
    let mut domains: std::collections::HashMap<&str, u64> = Default::default();
    for r in &records {
        if let Some(d) = r["domain"].as_str() {
            *domains.entry(d).or_default() += 1;
        }
    }
    let reported = counted(&json["domains"], "domain");
    assert_eq!(domains.len(), reported.len());
    for (domain, count) in reported {
        assert_eq!(domains.get(domain.as_str()), Some(&count), "{domain}");
    }
    // Every Date: header of the list is well-formed RFC 2822 (checked with
    // Python's email.utils over the whole archive), so the strict date
    // parser drops none.
    let undated: Vec<&Value> = records.iter().filter(|r| r["date"].is_null()).collect();
    assert!(
        undated.is_empty(),
        "{} undated, e.g. {}",
        undated.len(),
        undated[0]
    );
}

/// What became of the series of the whole history. These figures are the
/// tool's own (no independent implementation of the status rules exists),
/// pinned after a hand check of 60 series across every status (the
/// README's *Status* section); the per-mail evidence they rest on is
/// checked against `bench/status_survey.py` in the library's
/// `status_corpus` test. What is checked independently here: the counts
/// add up, and every reason names a mail of the series' own thread.
#[test]
fn whole_history_statuses() {
    let Some(archive) = archive() else { return };
    let json = report_json(&archive, &["--range", TIP]);
    let statuses = &json["stats"]["statuses"];
    let want = [
        ("applied", 716),
        ("partially_applied", 48),
        ("superseded", 1037),
        ("nacked", 9),
        ("changes_requested", 16),
        ("reviewed", 392),
        ("under_review", 422),
        ("new", 185),
    ];
    let got: Vec<(&str, u64)> = want
        .iter()
        .map(|(name, _)| (*name, statuses[*name].as_u64().unwrap_or(0)))
        .collect();
    assert_eq!(got, want, "series per status");
    assert_eq!(
        want.iter().map(|(_, n)| n).sum::<u64>(),
        stat(&json, "series"),
        "every series has one status"
    );
    let series = json["series"].as_array().expect("series");
    let applied: u64 = series
        .iter()
        .flat_map(|s| s["patches"].as_array().into_iter().flatten())
        .filter(|p| !p["applied"].is_null())
        .count() as u64;
    assert_eq!(applied, 1390);
    assert_eq!(json["stats"]["applied_patches"], applied);

    // Every notice that decided a status is a reply in the series' thread.
    let export = {
        let path = archive.to_str().unwrap();
        String::from_utf8(lore_digest(["export", "--archive", path, "--range", TIP]))
            .expect("UTF-8")
    };
    let series_of: std::collections::HashMap<String, String> = export
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|r| {
            Some((
                r["message_id"].as_str()?.to_string(),
                r["series_id"].as_str()?.to_string(),
            ))
        })
        .collect();
    let mut checked = 0;
    for s in series {
        let (Some(reason_id), Some(root)) = (
            s["status_reason"]["message_id"].as_str(),
            s["message_id"].as_str(),
        ) else {
            continue;
        };
        if s["status_reason"]["kind"] == "newer-version" {
            continue;
        }
        let root_series = series_of.get(root).map(String::as_str);
        assert_eq!(
            series_of.get(reason_id).map(String::as_str),
            root_series,
            "the reason of {:?} is outside its thread",
            s["title"]
        );
        checked += 1;
    }
    assert!(checked > 1000, "{checked} reasons checked");

    // Hand-checked: patchwork-bot's commit and committer; a partial
    // application of 5 of 8; a NAK; a pw-bot command.
    let find = |title: &str, version: u64| {
        series
            .iter()
            .find(|s| s["title"] == title && s["version"] == version)
            .unwrap_or_else(|| panic!("no series {title}"))
    };
    let s = find("hv_netvsc: fix potential deadlock in netvsc_vf_setxdp()", 3);
    assert_eq!(s["status"], "applied");
    assert_eq!(s["patches"][0]["applied"]["commit"], "3ec523304976");
    assert_eq!(s["patches"][0]["applied"]["by"]["email"], "kuba@kernel.org");
    let s = find(
        "net: Convert dev_set_mac_address() to struct sockaddr_storage",
        2,
    );
    assert_eq!(s["status"], "partially_applied");
    let applied = s["patches"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| !p["applied"].is_null())
        .count();
    assert_eq!(applied, 5);
    let s = find("hv_netvsc: set device master/slave flags on bonding", 1);
    assert_eq!(s["status"], "nacked");
    assert_eq!(s["status_reason"]["by"]["email"], "jiri@resnulli.us");
    let s = find("net: mana: Add HTB Qdisc offload support", 2);
    assert_eq!(s["status"], "changes_requested");
    assert_eq!(s["status_reason"]["text"], "pw-bot: cr");
}

/// The archive read as two lists that got every mail both: each mail
/// counts once, and the report is that of the one list but for the lists
/// each series names.
#[test]
fn the_same_mail_on_two_lists_counts_once() {
    let Some(archive) = archive() else { return };
    let window = [
        "--since",
        "2025-05-01",
        "--until",
        "2025-05-31",
        "--compare",
        "none",
    ];
    let one = report_json(&archive, &window);
    let path = archive.to_str().unwrap();
    let (a, b) = (format!("a={path}"), format!("b={path}"));
    let mut args = vec![
        "report",
        "--archive",
        &a,
        "--archive",
        &b,
        "--format",
        "json",
    ];
    args.extend(window);
    let two: Value = serde_json::from_slice(&lore_digest(args)).expect("JSON report");
    assert_eq!(two["stats"], one["stats"]);
    assert_eq!(two["contributors"], one["contributors"]);
    let messages = stat(&one, "messages");
    for list in two["lists"].as_array().unwrap() {
        assert_eq!(list["messages"].as_u64(), Some(messages));
        assert_eq!(list["cross_posted"].as_u64(), Some(messages));
    }
    let series = |r: &Value, lists: bool| -> Vec<String> {
        r["series"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                if lists {
                    assert_eq!(s["lists"], serde_json::json!(["a", "b"]));
                }
                format!(
                    "{} v{} {} {}",
                    s["title"], s["version"], s["status"], s["replies"]
                )
            })
            .collect()
    };
    assert_eq!(series(&two, true), series(&one, false));
    assert_eq!(two["applied"], one["applied"]);
}
