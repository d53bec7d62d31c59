//! Replays the fuzz corpora on stable: every file of `fuzz/corpus/TARGET/`
//! (the seeds and what fuzzing kept) and `fuzz/regressions/TARGET/` (the
//! inputs that once failed) goes through the body of fuzz target TARGET,
//! the same code `cargo fuzz run TARGET` runs (`fuzz/checks.rs`).

use std::path::{Path, PathBuf};

#[allow(dead_code)]
#[path = "../../../fuzz/checks.rs"]
mod checks;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

/// The files of one directory, by name; a missing directory fails the test.
fn files(dir: &Path) -> Vec<PathBuf> {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (the fuzz corpora belong in the repository)",
            dir.display()
        )
    });
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

fn replay(target: &str, run: fn(&[u8])) {
    let corpus = files(&fuzz_dir().join("corpus").join(target));
    assert!(!corpus.is_empty(), "fuzz/corpus/{target} is empty");
    let regressions_dir = fuzz_dir().join("regressions").join(target);
    let regressions = if regressions_dir.is_dir() {
        files(&regressions_dir)
    } else {
        Vec::new()
    };
    let mut failed = Vec::new();
    for path in corpus.iter().chain(&regressions) {
        let data = std::fs::read(path).expect("a corpus file");
        if std::panic::catch_unwind(|| run(&data)).is_err() {
            failed.push(path.display().to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "fuzz target {target} fails on:\n{}",
        failed.join("\n")
    );
}

#[test]
fn every_target_has_a_corpus() {
    let mut names: Vec<String> = files(&fuzz_dir().join("fuzz_targets"))
        .iter()
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    names.sort();
    let mut known: Vec<String> = checks::TARGETS.iter().map(|(n, _)| n.to_string()).collect();
    known.sort();
    assert_eq!(names, known, "fuzz/fuzz_targets and checks::TARGETS differ");
}

#[test]
fn message_corpus() {
    replay("message", checks::message);
}

#[test]
fn subject_corpus() {
    replay("subject", checks::subject);
}

#[test]
fn body_corpus() {
    replay("body", checks::body);
}

#[test]
fn mbox_corpus() {
    replay("mbox", checks::mbox);
}

#[test]
fn render_corpus() {
    replay("render", checks::render);
}

/// The HTML check is not vacuous: it catches a tag the template does not
/// write, an event handler, and a link elsewhere.
#[test]
#[should_panic(expected = "is not a tag of the template")]
fn html_check_catches_foreign_tags() {
    checks::check_html("<p>x</p><img src=x>");
}

#[test]
#[should_panic(expected = "onclick")]
fn html_check_catches_event_handlers() {
    checks::check_html("<p onclick=\"x\">x</p>");
}

#[test]
#[should_panic(expected = "raw HTML")]
fn markdown_check_catches_raw_html() {
    checks::check_markdown("text <b>bold</b>\n");
}

#[test]
#[should_panic(expected = "a link to")]
fn markdown_check_catches_foreign_links() {
    checks::check_markdown("[x](javascript:alert(1))\n");
}
