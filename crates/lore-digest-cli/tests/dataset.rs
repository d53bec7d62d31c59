//! `export --dataset DIR`: a Hive-partitioned Parquet dataset of several
//! lists, grown run by run. The fixture archives are written here, their
//! mails spread over the turn of a year and over a few domains. The
//! dataset is read back through arrow, and with DuckDB (the `duckdb`
//! Python package) against the JSON reports of the same archives.
//!
//! Without a Python that can import duckdb, the DuckDB test prints a skip
//! message and passes, unless `CI` is set: there it fails.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Epoch, HOUR, Inbox, run, run_json, run_ok};
use serde_json::Value;
use tempfile::TempDir;

/// 2024-12-30T00:00:00Z: two days before the turn of the year.
const T_YEAR_END: i64 = 1_735_516_800;

/// Who posts, round robin: their domains are what the reports count.
const SENDERS: [&str; 5] = [
    "Ann Author <ann@redhat.com>",
    "Bob Builder <bob@intel.com>",
    "Cy Coder <cy@gmail.com>",
    "Ann Author <ann@redhat.com>",
    "Di Dev <di@linux.microsoft.com>",
];

/// Mail `n` of `list`: every third starts a patch, the others answer the
/// mail before them.
fn list_mail(list: &str, n: usize) -> String {
    let from = SENDERS[n % SENDERS.len()];
    let (subject, threading, body) = if n.is_multiple_of(3) {
        (
            format!("[PATCH] {list}: fix thing {n}"),
            String::new(),
            common::patch_body(
                &format!("Fix thing {n}."),
                &format!("drivers/{list}/f{n}.c"),
            ),
        )
    } else {
        let parent = format!("{}.{list}@fixture.example", n - 1);
        (
            format!("Re: [PATCH] {list}: fix thing {}", n - n % 3),
            format!("In-Reply-To: <{parent}>\nReferences: <{parent}>\n"),
            "Looks good.\n\nReviewed-by: Eve Reviewer <eve@kernel.org>\n".to_string(),
        )
    };
    format!(
        "From: {from}\nTo: {list}@vger.kernel.org\nSubject: {subject}\n\
         Date: Mon, 30 Dec 2024 10:00:00 +0000\nMessage-ID: <{n}.{list}@fixture.example>\n\
         {threading}List-Id: <{list}.vger.kernel.org>\n\n{body}"
    )
}

/// The first `count` mails of `list`, one every 12 hours from
/// [`T_YEAR_END`] on (so mails 0..=3 arrive in 2024, the rest in 2025),
/// in a v2 inbox at `dir/list` whose epoch 0 holds the first `split`. The
/// same call with more mails writes the same commits and then new ones.
fn write_list(dir: &Path, list: &str, count: usize, split: usize) -> Inbox {
    write_mails(dir, list, (0..count).collect(), split)
}

/// [`write_list`] of the mails numbered `numbers` only: a history in
/// which the others were purged (public-inbox rewrites it).
fn write_mails(dir: &Path, list: &str, numbers: Vec<usize>, split: usize) -> Inbox {
    let path = dir.join(list);
    if path.exists() {
        std::fs::remove_dir_all(&path).unwrap();
    }
    let count = numbers.iter().max().map_or(0, |n| n + 1);
    let mut epochs = vec![Epoch::new(), Epoch::new()];
    for n in numbers {
        let time = T_YEAR_END + 12 * HOUR * n as i64;
        let e = usize::from(n >= split);
        epochs[e] = std::mem::take(&mut epochs[e]).mail(list_mail(list, n), time);
    }
    if count <= split {
        epochs.pop();
    }
    Inbox::v2(&path, epochs)
}

fn export_dataset(dir: &Path, archives: &[(&str, &Inbox)]) -> (i32, String, String) {
    let mut args = vec![
        "export".to_string(),
        "--dataset".to_string(),
        dir.display().to_string(),
    ];
    for (name, inbox) in archives {
        args.push("--archive".into());
        args.push(format!("{name}={}", inbox.path_str()));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run(&args)
}

fn export_dataset_ok(dir: &Path, archives: &[(&str, &Inbox)]) -> String {
    let (code, _, stderr) = export_dataset(dir, archives);
    assert_eq!(code, 0, "export --dataset failed:\n{stderr}");
    stderr
}

/// Every file under `dir`, relative to it, sorted.
fn files(dir: &Path) -> Vec<String> {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, base, out);
            } else {
                out.push(path.strip_prefix(base).unwrap().display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// One row of the dataset: its partition values and its record.
struct Row {
    list: String,
    year: String,
    file: String,
    record: Value,
}

/// Every row of every part file, read through arrow as DuckDB or Spark
/// would, with the partition values from the path.
fn read_rows(dir: &Path) -> Vec<Row> {
    let mut rows = Vec::new();
    for file in files(dir).into_iter().filter(|f| f.ends_with(".parquet")) {
        let parts: Vec<&str> = file.split('/').collect();
        let [list, year, name] = parts.as_slice() else {
            panic!("part file outside list=/year=: {file}");
        };
        let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
            std::fs::File::open(dir.join(&file)).unwrap(),
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
        for line in std::str::from_utf8(&lines).unwrap().lines() {
            rows.push(Row {
                list: list.strip_prefix("list=").unwrap().to_string(),
                year: year.strip_prefix("year=").unwrap().to_string(),
                file: name.to_string(),
                record: serde_json::from_str(line).unwrap(),
            });
        }
    }
    rows
}

/// The records of `export --archive` over all history, as JSON Lines.
fn export_all(inbox: &Inbox) -> Vec<Value> {
    run_ok(&["export", "--archive", inbox.path_str(), "--range", "master"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// A record as arrow writes it back: nulls left out, times with an offset.
fn normal(value: &Value) -> Value {
    match value {
        Value::Object(fields) => fields
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| {
                let v = match (k.as_str(), v.as_str()) {
                    ("arrived" | "date", Some(t)) => {
                        let t: jiff::Timestamp = t.parse().unwrap();
                        Value::String(t.to_string())
                    }
                    _ => normal(v),
                };
                (k.clone(), v)
            })
            .collect(),
        Value::Array(items) => items.iter().map(normal).collect(),
        other => other.clone(),
    }
}

/// The commits of the rows of `list`, each once or the test fails.
fn commits_once(rows: &[Row], list: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    for row in rows.iter().filter(|r| r.list == list) {
        let commit = row.record["commit"].as_str().unwrap().to_string();
        assert!(seen.insert(commit.clone()), "{commit} is twice in {list}");
    }
    seen
}

fn commits_of(records: &[Value]) -> BTreeSet<String> {
    records
        .iter()
        .map(|r| r["commit"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_dataset_is_partitioned_by_list_and_year_and_holds_the_export() {
    let tmp = TempDir::new().unwrap();
    let kvm = write_list(tmp.path(), "kvm", 12, 7);
    let dir = tmp.path().join("dataset");
    let stderr = export_dataset_ok(&dir, &[("kvm", &kvm)]);
    assert!(
        stderr.contains("kvm: 12 new mail(s) in 2 file(s), 12 in all (run 1)"),
        "{stderr}"
    );
    let listed = files(&dir);
    assert_eq!(listed.len(), 4, "{listed:?}");
    assert_eq!(listed[0], "_lore_digest/kvm.json");
    assert_eq!(listed[1], "_lore_digest/lock");
    for (file, year) in listed[2..].iter().zip(["2024", "2025"]) {
        let prefix = format!("list=kvm/year={year}/part-000001-");
        assert!(
            file.starts_with(&prefix) && file.ends_with(".parquet"),
            "{file}"
        );
    }
    // The same records as the export of all history, field by field.
    let rows = read_rows(&dir);
    let mut expected = export_all(&kvm);
    assert_eq!(rows.len(), expected.len());
    let mut got: Vec<&Row> = rows.iter().collect();
    got.sort_by_key(|r| r.record["arrived"].as_str().unwrap().to_string());
    expected.sort_by_key(|r| r["arrived"].as_str().unwrap().to_string());
    for (row, want) in got.iter().zip(&expected) {
        assert_eq!(normal(&row.record), normal(want));
        // The year is the arrival's, in UTC.
        assert_eq!(row.year, want["arrived"].as_str().unwrap()[..4]);
        assert_eq!(row.list, "kvm");
    }
    assert_eq!(rows.iter().filter(|r| r.year == "2024").count(), 4);
    // The partition columns are the path's only: no column of the same
    // name for a reader to reconcile.
    assert!(rows[0].record.get("list").is_none() && rows[0].record.get("year").is_none());
}

#[test]
fn a_second_run_adds_only_the_mail_that_arrived_since() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path().join("dataset");
    let kvm = write_list(tmp.path(), "kvm", 6, 4);
    export_dataset_ok(&dir, &[("kvm", &kvm)]);
    let first = files(&dir);
    // Six more: two in epoch 1, which already had mail, and four after.
    let kvm = write_list(tmp.path(), "kvm", 12, 4);
    let stderr = export_dataset_ok(&dir, &[("kvm", &kvm)]);
    assert!(
        stderr.contains("kvm: 6 new mail(s) in 1 file(s), 12 in all (run 2)"),
        "{stderr}"
    );
    // The first run's files are as they were; the second's are new.
    let second = files(&dir);
    assert!(first.iter().all(|f| second.contains(f)));
    let rows = read_rows(&dir);
    let new: Vec<&Row> = rows
        .iter()
        .filter(|r| r.file.starts_with("part-000002-"))
        .collect();
    assert_eq!(new.len(), 6);
    assert!(new.iter().all(|r| r.year == "2025"));
    assert_eq!(commits_once(&rows, "kvm"), commits_of(&export_all(&kvm)));
    // Nothing new: no file, and the state moves on.
    let stderr = export_dataset_ok(&dir, &[("kvm", &kvm)]);
    assert!(
        stderr.contains("kvm: 0 new mail(s) in 0 file(s), 12 in all (run 3)"),
        "{stderr}"
    );
    assert_eq!(files(&dir), second);
}

#[test]
fn a_failed_run_leaves_nothing_skipped_or_repeated() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path().join("dataset");
    // Run 1 has 2024 only; run 2 writes its 2024 part, then fails on 2025.
    let kvm = write_list(tmp.path(), "kvm", 2, 10);
    export_dataset_ok(&dir, &[("kvm", &kvm)]);
    let state = dir.join("_lore_digest/kvm.json");
    let state_before = std::fs::read(&state).unwrap();
    let kvm = write_list(tmp.path(), "kvm", 9, 10);
    let blocker = dir.join("list=kvm/year=2025");
    std::fs::write(&blocker, "in the way").unwrap();
    let (code, _, stderr) = export_dataset(&dir, &[("kvm", &kvm)]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("year=2025"), "{stderr}");
    // The failed run's 2024 file is there, and its state is not.
    assert!(files(&dir).iter().any(|f| f.contains("part-000002-")));
    assert_eq!(std::fs::read(&state).unwrap(), state_before);
    std::fs::remove_file(&blocker).unwrap();

    // The rerun removes it and adds the same mail once.
    let stderr = export_dataset_ok(&dir, &[("kvm", &kvm)]);
    assert!(stderr.contains("left by an interrupted export"), "{stderr}");
    assert!(
        stderr.contains("7 new mail(s) in 2 file(s), 9 in all (run 2)"),
        "{stderr}"
    );
    let rows = read_rows(&dir);
    assert_eq!(rows.len(), 9);
    assert_eq!(commits_once(&rows, "kvm"), commits_of(&export_all(&kvm)));

    // A run killed after its files were renamed, before its state was
    // written: its files, a half-written one, and the state of the run
    // before. The next run neither keeps nor repeats any of its mail.
    let state_run2 = std::fs::read(&state).unwrap();
    let kvm = write_list(tmp.path(), "kvm", 14, 10);
    export_dataset_ok(&dir, &[("kvm", &kvm)]);
    std::fs::write(&state, &state_run2).unwrap();
    let half = dir.join("list=kvm/year=2025/.part-000003-20250101T000000Z-1.parquet.Ab12Cd.tmp");
    std::fs::write(&half, "half a file").unwrap();
    std::fs::write(dir.join("_lore_digest/.kvm.json.Xy34Zw.tmp"), "{").unwrap();
    let stderr = export_dataset_ok(&dir, &[("kvm", &kvm)]);
    assert!(
        stderr.contains("5 new mail(s) in 1 file(s), 14 in all (run 3)"),
        "{stderr}"
    );
    assert!(!half.exists());
    let listed = files(&dir);
    assert!(!listed.iter().any(|f| f.contains(".tmp")), "{listed:?}");
    let rows = read_rows(&dir);
    assert_eq!(rows.len(), 14);
    assert_eq!(commits_once(&rows, "kvm"), commits_of(&export_all(&kvm)));
}

#[test]
fn a_purge_takes_nothing_in_twice() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path().join("dataset");
    let kvm = write_list(tmp.path(), "kvm", 6, 10);
    export_dataset_ok(&dir, &[("kvm", &kvm)]);
    // Mail 3 purged: the commits from it on are new ones, the head the
    // state recorded is gone. Mails 6 and 7 arrive after.
    let kvm = write_mails(tmp.path(), "kvm", vec![0, 1, 2, 4, 5, 6, 7], 10);
    let stderr = export_dataset_ok(&dir, &[("kvm", &kvm)]);
    // From the old head's time on: mail 5 again (already there) and 6, 7.
    assert!(stderr.contains("kvm: 2 new mail(s)"), "{stderr}");
    let rows = read_rows(&dir);
    let ids: BTreeSet<&str> = rows
        .iter()
        .map(|r| r.record["message_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), rows.len(), "a Message-ID is there twice");
    assert_eq!(rows.len(), 8);
}

/// The figures of the JSON report of an archive's whole history.
fn report(inbox: &Inbox) -> Value {
    run_json(&["report", "--archive", inbox.path_str(), "--range", "master"])
}

/// Domain counts of the reports, summed over lists.
fn report_domains(reports: &[&Value]) -> BTreeMap<String, u64> {
    let mut domains = BTreeMap::new();
    for report in reports {
        for d in report["domains"].as_array().unwrap() {
            *domains
                .entry(d["domain"].as_str().unwrap().to_string())
                .or_default() += d["count"].as_u64().unwrap();
        }
    }
    domains
}

#[test]
fn several_lists_make_one_dataset() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path().join("dataset");
    let kvm = write_list(tmp.path(), "kvm", 8, 5);
    let hyperv = write_list(tmp.path(), "linux-hyperv", 5, 9);
    let stderr = export_dataset_ok(&dir, &[("kvm", &kvm), ("hyperv", &hyperv)]);
    assert!(stderr.contains("kvm: 8 new mail(s)"), "{stderr}");
    assert!(stderr.contains("hyperv: 5 new mail(s)"), "{stderr}");
    // One list grows; the other has nothing new.
    let kvm = write_list(tmp.path(), "kvm", 11, 5);
    export_dataset_ok(&dir, &[("kvm", &kvm), ("hyperv", &hyperv)]);
    let rows = read_rows(&dir);
    for (list, inbox) in [("kvm", &kvm), ("hyperv", &hyperv)] {
        let report = report(inbox);
        let count = rows.iter().filter(|r| r.list == list).count() as u64;
        assert_eq!(
            count,
            report["stats"]["messages"].as_u64().unwrap(),
            "{list}"
        );
        assert_eq!(commits_once(&rows, list), commits_of(&export_all(inbox)));
    }
    let mut domains: BTreeMap<String, u64> = BTreeMap::new();
    for row in &rows {
        if let Some(d) = row.record["domain"].as_str() {
            *domains.entry(d.to_string()).or_default() += 1;
        }
    }
    assert_eq!(domains, report_domains(&[&report(&kvm), &report(&hyperv)]));

    // Names are the archives' directories by default; two lists may not
    // share one.
    let other = tmp.path().join("dataset2");
    let (code, _, stderr) = run(&[
        "export",
        "--dataset",
        other.to_str().unwrap(),
        "--archive",
        kvm.path_str(),
        "--archive",
        &format!("kvm={}", hyperv.path_str()),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("two lists would be list=kvm"), "{stderr}");
    assert!(!other.exists());
}

#[test]
fn lists_by_name_come_from_the_configuration() {
    let tmp = TempDir::new().unwrap();
    let kvm = write_list(tmp.path(), "kvm-archive", 5, 10);
    let config = tmp.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[lists.kvm]\npath = {:?}\n", kvm.path_str()),
    )
    .unwrap();
    let dir = tmp.path().join("dataset");
    let (code, _, stderr) = run(&[
        "export",
        "--dataset",
        dir.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
        "kvm",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("kvm: 5 new mail(s)"), "{stderr}");
    let rows = read_rows(&dir);
    assert_eq!(rows.len(), 5);
    assert!(rows.iter().all(|r| r.list == "kvm"));
}

#[test]
fn dataset_options_are_checked() {
    let tmp = TempDir::new().unwrap();
    let kvm = write_list(tmp.path(), "kvm", 3, 5);
    let dir = tmp.path().join("dataset");
    let dir = dir.to_str().unwrap();
    for (extra, says) in [
        (&["--since", "7d"][..], "--since"),
        (&["--format", "parquet"][..], "--format"),
        (&["-o", "x.parquet"][..], "--output"),
    ] {
        let mut args = vec!["export", "--dataset", dir, "--archive", kvm.path_str()];
        args.extend(extra);
        let stderr = common::assert_input_error(&args, false);
        assert!(stderr.contains(says), "{stderr}");
    }
    let stderr = common::assert_input_error(&["export", "--dataset", dir], true);
    assert!(stderr.contains("--dataset needs lists"), "{stderr}");
    let stderr = common::assert_input_error(
        &[
            "export",
            "--archive",
            kvm.path_str(),
            "--archive",
            kvm.path_str(),
        ],
        true,
    );
    assert!(stderr.contains("--dataset"), "{stderr}");
    // A mailbox has no commits to continue from.
    let mbox = tmp.path().join("kvm.mbox");
    Epoch::new()
        .mail(list_mail("kvm", 0), T_YEAR_END)
        .write_mbox(&mbox);
    let stderr = common::assert_input_error(
        &[
            "export",
            "--dataset",
            dir,
            "--archive",
            mbox.to_str().unwrap(),
        ],
        true,
    );
    assert!(stderr.contains("mbox or Maildir"), "{stderr}");
    assert!(!Path::new(dir).exists());
}

// ---------------------------------------------------------------------------
// DuckDB reads the dataset.

/// The Python that runs the DuckDB query: `$LORE_DIGEST_PYTHON`, else
/// `python3` from the PATH (.ci/run installs duckdb into the same one and
/// sets the variable).
fn python() -> String {
    std::env::var("LORE_DIGEST_PYTHON").unwrap_or_else(|_| "python3".to_string())
}

/// Whether [`python`] imports duckdb; when not, says the test is skipped
/// (and fails under CI).
fn duckdb_available(test: &str) -> bool {
    let python = python();
    let ok = Command::new(&python)
        .args(["-c", "import duckdb"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "{python} cannot import duckdb and CI is set ({python} -m pip install duckdb==2.0.1; .ci/run does)"
        );
        eprintln!(
            "{test} skipped: {python} cannot import duckdb ({python} -m pip install duckdb==2.0.1)"
        );
    }
    ok
}

fn support(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/support")
        .join(name)
}

/// What `support/dataset_query.py` finds in the dataset at `dir`.
fn duckdb_query(dir: &Path) -> Value {
    let out = Command::new(python())
        .arg(support("dataset_query.py"))
        .arg(dir)
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "dataset_query.py failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn duckdb_counts_what_the_reports_count() {
    if !duckdb_available("duckdb_counts_what_the_reports_count") {
        return;
    }
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path().join("dataset");
    let kvm = write_list(tmp.path(), "kvm", 10, 6);
    let hyperv = write_list(tmp.path(), "linux-hyperv", 7, 3);
    export_dataset_ok(&dir, &[("kvm", &kvm)]);
    export_dataset_ok(&dir, &[("kvm", &kvm), ("linux-hyperv", &hyperv)]);
    let kvm = write_list(tmp.path(), "kvm", 16, 6);
    export_dataset_ok(&dir, &[("kvm", &kvm), ("linux-hyperv", &hyperv)]);

    let found = duckdb_query(&dir);
    let reports = [("kvm", report(&kvm)), ("linux-hyperv", report(&hyperv))];
    for (list, report) in &reports {
        assert_eq!(
            found["per_list"][list].as_u64(),
            report["stats"]["messages"].as_u64(),
            "{list}: {found}"
        );
    }
    // The top domains across both lists, count and order, as the two
    // reports' domain counts add up.
    let mut expected: Vec<(String, u64)> = report_domains(&[&reports[0].1, &reports[1].1])
        .into_iter()
        .collect();
    expected.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let top: Vec<(String, u64)> = found["top_domains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d[0].as_str().unwrap().to_string(), d[1].as_u64().unwrap()))
        .collect();
    assert_eq!(top, expected);
    // Years come from the path, typed as asked.
    assert_eq!(found["years"], serde_json::json!([2024, 2025]));
}

// ---------------------------------------------------------------------------
// Spark reads it too: `bench/spark_top_domains.py` in local mode, when a
// Java runtime and PySpark are there (they are not installed for CI, which
// runs this when they are; a skip is never a failure).

fn spark_available(test: &str) -> bool {
    let java = Command::new("java")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    let pyspark = Command::new(python())
        .args(["-c", "import pyspark"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !(java && pyspark) {
        eprintln!(
            "{test} skipped: needs java ({java}) and {} importing pyspark ({pyspark})",
            python()
        );
    }
    java && pyspark
}

#[test]
fn spark_counts_what_the_reports_count() {
    if !spark_available("spark_counts_what_the_reports_count") {
        return;
    }
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path().join("dataset");
    let kvm = write_list(tmp.path(), "kvm", 10, 6);
    let hyperv = write_list(tmp.path(), "linux-hyperv", 7, 3);
    export_dataset_ok(&dir, &[("kvm", &kvm), ("linux-hyperv", &hyperv)]);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/spark_top_domains.py");
    let out = Command::new(python())
        .arg(script)
        .arg(&dir)
        .args(["--json", "--cores", "2"])
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "spark_top_domains.py failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let found: Value = serde_json::from_slice(&out.stdout).unwrap();
    let reports = [("kvm", report(&kvm)), ("linux-hyperv", report(&hyperv))];
    let per_list: Vec<(String, u64)> = reports
        .iter()
        .map(|(list, r)| (list.to_string(), r["stats"]["messages"].as_u64().unwrap()))
        .collect();
    assert_eq!(found["per_list"], serde_json::json!(per_list));
    let mut expected: Vec<(String, u64)> = report_domains(&[&reports[0].1, &reports[1].1])
        .into_iter()
        .collect();
    expected.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    assert_eq!(found["top_domains"], serde_json::json!(expected));
    // Organizations per year: each year's first is the most frequent.
    let orgs = found["top_organizations_per_year"].as_array().unwrap();
    assert!(orgs.iter().any(|o| o[0] == 2024) && orgs.iter().any(|o| o[0] == 2025));
}

// ---------------------------------------------------------------------------
// The shared corpus, in two runs.

const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/corpus/linux-hyperv.git"
);

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("--git-dir")
        .arg(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_corpus_in_two_runs_is_the_corpus_once() {
    let corpus = Path::new(CORPUS);
    if !corpus.exists() {
        eprintln!("the_corpus_in_two_runs_is_the_corpus_once skipped: no archive at {CORPUS}");
        return;
    }
    let tmp = TempDir::new().unwrap();
    // A clone that shares the corpus's objects, its branch set back 1000
    // mails: the first run sees that, the second the rest.
    let clone = tmp.path().join("linux-hyperv.git");
    let out = Command::new("git")
        .args(["clone", "--quiet", "--bare", "--shared"])
        .arg(corpus)
        .arg(&clone)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tip = git(&clone, &["rev-parse", "master"]).trim().to_string();
    let total: usize = git(&clone, &["rev-list", "--count", &tip])
        .trim()
        .parse()
        .unwrap();
    git(
        &clone,
        &["update-ref", "refs/heads/master", &format!("{tip}~1000")],
    );
    let dir = tmp.path().join("dataset");
    let args = [
        "export",
        "--dataset",
        dir.to_str().unwrap(),
        "--archive",
        clone.to_str().unwrap(),
    ];
    let stderr = run_ok_stderr(&args);
    assert!(
        stderr.contains(&format!(
            "linux-hyperv: {} new mail(s)",
            thousands(total - 1000)
        )),
        "{stderr}"
    );
    git(&clone, &["update-ref", "refs/heads/master", &tip]);
    let stderr = run_ok_stderr(&args);
    assert!(
        stderr.contains("linux-hyperv: 1,000 new mail(s)"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{} in all (run 2)", thousands(total))),
        "{stderr}"
    );
    let rows = read_rows(&dir);
    assert_eq!(rows.len(), total);
    commits_once(&rows, "linux-hyperv");
}

fn run_ok_stderr(args: &[&str]) -> String {
    let (code, _, stderr) = run(args);
    assert_eq!(code, 0, "lore-digest {args:?} failed:\n{stderr}");
    stderr
}

/// `26,431`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
