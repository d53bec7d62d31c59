//! The stable contract: the JSON Schemas `lore-digest schema` prints
//! validate what the tool writes (fixture reports and export records, and
//! the shared archive's when it is there), and are strict enough to mean
//! something: a field added, missing or of another type fails.
//!
//! The events file's lines are validated in `events.rs`, over real updates.

mod common;

use common::mails;
use common::schema::{assert_valid, errors, validator};
use common::{run_json, run_ok};
use serde_json::Value;
use tempfile::TempDir;

/// The shared archive, beside the repository clone (see `corpus.rs`).
const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/corpus/linux-hyperv.git"
);
/// The newest 500 commits of the shared archive when its figures were taken.
const LAST500: &str =
    "303e640adf799d45f4f6647e283de6b75e5acac5..b22dfe3300dfffcf3c3db5b05e2fefae4595e467";

fn records(jsonl: &str) -> Vec<Value> {
    jsonl
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

#[test]
fn fixture_reports_and_export_records_match_their_schemas() {
    let report_schema = validator("report");
    let export_schema = validator("export");
    let tmp = TempDir::new().unwrap();
    let single = mails::kvm_single(tmp.path());
    let inbox = mails::kvm_v2(tmp.path());
    let archives = [single.path_str(), inbox.dir.to_str().unwrap()];
    for archive in archives {
        let report = run_json(&["report", "--archive", archive, "--since", "2025-01-01"]);
        assert_eq!(report["format_version"], "1.2");
        assert_valid(&report_schema, &report, &format!("the report of {archive}"));
        let export = run_ok(&["export", "--archive", archive, "--since", "2025-01-01"]);
        let records = records(&export);
        assert!(!records.is_empty());
        for (i, record) in records.iter().enumerate() {
            assert_eq!(record["format_version"], "1.2");
            assert_valid(&export_schema, record, &format!("record {i} of {archive}"));
        }
    }
}

#[test]
fn the_schemas_refuse_an_extra_a_missing_and_a_mistyped_field() {
    let report_schema = validator("report");
    let tmp = TempDir::new().unwrap();
    let single = mails::kvm_single(tmp.path());
    let report = run_json(&[
        "report",
        "--archive",
        single.path_str(),
        "--since",
        "2025-01-01",
    ]);
    assert!(report["series"].as_array().is_some_and(|s| !s.is_empty()));
    let changed = |change: &dyn Fn(&mut Value)| {
        let mut copy = report.clone();
        change(&mut copy);
        errors(&report_schema, &copy)
    };
    // Fields may be added in a minor version, but not silently: the
    // model's schema names every field it writes.
    let extra = changed(&|r| r["series"][0]["surprise"] = Value::from(1));
    assert!(
        extra
            .iter()
            .any(|e| e.contains("/series/0") && e.contains("surprise")),
        "{extra:?}"
    );
    let missing = changed(&|r| {
        r["stats"].as_object_mut().unwrap().remove("messages");
    });
    assert!(
        missing.iter().any(|e| e.contains("messages")),
        "{missing:?}"
    );
    let mistyped = changed(&|r| r["series"][0]["version"] = Value::from("2"));
    assert!(!mistyped.is_empty());
    let status = changed(&|r| r["series"][0]["status"] = Value::from("lost"));
    assert!(!status.is_empty());
    let version = changed(&|r| r["format_version"] = Value::from("0.9"));
    assert!(!version.is_empty());

    let export_schema = validator("export");
    let export = run_ok(&[
        "export",
        "--archive",
        single.path_str(),
        "--since",
        "2025-01-01",
    ]);
    let mut record = records(&export).remove(0);
    record["kind"] = Value::from("letter");
    assert!(!errors(&export_schema, &record).is_empty());
}

#[test]
fn the_shared_archive_report_and_export_match_their_schemas() {
    if !std::path::Path::new(CORPUS).exists() {
        eprintln!("skipped: {CORPUS} is absent (the shared linux-hyperv archive)");
        return;
    }
    let report = run_json(&["report", "--archive", CORPUS, "--range", LAST500]);
    assert_eq!(report["stats"]["messages"], 500);
    assert_valid(&validator("report"), &report, "the shared archive's report");
    let export_schema = validator("export");
    let export = run_ok(&["export", "--archive", CORPUS, "--range", LAST500]);
    let records = records(&export);
    assert_eq!(records.len(), 500);
    for (i, record) in records.iter().enumerate() {
        assert_valid(
            &export_schema,
            record,
            &format!("record {i} of the shared archive"),
        );
    }
}

#[test]
fn schema_takes_one_of_four_documents() {
    let report: Value = serde_json::from_str(&run_ok(&["schema"])).unwrap();
    assert_eq!(report["title"], "Report");
    let events: Value = serde_json::from_str(&run_ok(&["schema", "events"])).unwrap();
    let kinds: Vec<&str> = events["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["properties"]["event"]["const"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "series_posted",
            "series_revised",
            "review_given",
            "series_applied",
            "series_superseded",
            "changes_requested",
            "nacked"
        ]
    );
    let trends: Value = serde_json::from_str(&run_ok(&["schema", "trends"])).unwrap();
    assert_eq!(trends["title"], "Trends");
    assert!(
        trends["$defs"]["TrendRow"]["required"]
            .as_array()
            .is_some_and(|r| !r.is_empty())
    );
    common::assert_input_error(&["schema", "state"], false);
}

#[test]
fn trends_tables_match_their_schema() {
    let schema = validator("trends");
    let tmp = TempDir::new().unwrap();
    let inbox = mails::kvm_v2(tmp.path());
    for by in ["week", "month", "quarter", "year"] {
        let table = run_json(&[
            "trends",
            "--archive",
            inbox.dir.to_str().unwrap(),
            "--by",
            by,
        ]);
        assert_eq!(table["format_version"], "1.2");
        assert!(table["rows"].as_array().is_some_and(|r| !r.is_empty()));
        assert_valid(&schema, &table, &format!("the trends table by {by}"));
    }
    if std::path::Path::new(CORPUS).exists() {
        let table = run_json(&["trends", "--archive", CORPUS, "--by", "quarter"]);
        assert_valid(&schema, &table, "the shared archive's trends table");
        let mut copy = table.clone();
        copy["rows"][0]["surprise"] = Value::from(1);
        assert!(!errors(&schema, &copy).is_empty());
    } else {
        eprintln!("contract: skipped the shared archive's trends table: {CORPUS} is absent");
    }
}
