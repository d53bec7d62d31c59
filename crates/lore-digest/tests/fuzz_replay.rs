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

/// A `Cargo.lock`, as far as these checks read it.
#[derive(serde::Deserialize)]
struct Lock {
    package: Vec<LockedPackage>,
}

/// One `[[package]]` of a `Cargo.lock`: its name, version and
/// dependencies (`"name"`, or `"name version"` where two versions of a
/// crate are in the tree).
#[derive(serde::Deserialize)]
struct LockedPackage {
    name: String,
    version: String,
    #[serde(default)]
    dependencies: Vec<String>,
}

impl LockedPackage {
    /// The names of its dependencies, without versions.
    fn dependency_names(&self) -> Vec<&str> {
        self.dependencies
            .iter()
            .map(|d| d.split(' ').next().unwrap_or_default())
            .collect()
    }
}

/// The TOML file at `path`, parsed as `T`.
fn read_toml<T: serde::de::DeserializeOwned>(path: &Path) -> T {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `fuzz/` is its own workspace with its own lock file, which no build of
/// the main workspace updates. It must name every dependency the library
/// has, at the versions the workspace tests, or `cargo fuzz` fuzzes other
/// code than ships (or, with `--locked`, does not build at all).
#[test]
fn the_fuzz_lock_file_follows_the_workspace() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let workspace = read_toml::<Lock>(&root.join("Cargo.lock")).package;
    let fuzz = read_toml::<Lock>(&fuzz_dir().join("Cargo.lock")).package;
    assert!(
        workspace.len() > 100 && !fuzz.is_empty(),
        "lock files not read"
    );

    let manifest: toml::Table = read_toml(&root.join("crates/lore-digest/Cargo.toml"));
    let dev_dependencies = manifest
        .get("dev-dependencies")
        .and_then(toml::Value::as_table)
        .expect("the library's dev-dependencies");
    let library = |packages: &[LockedPackage]| -> Vec<String> {
        packages
            .iter()
            .find(|p| p.name == "lore-digest")
            .map(|p| {
                p.dependency_names()
                    .into_iter()
                    .map(str::to_owned)
                    .collect()
            })
            .expect("lore-digest in the lock file")
    };
    let fuzz_library = library(&fuzz);
    let missing: Vec<String> = library(&workspace)
        .into_iter()
        .filter(|d| !dev_dependencies.contains_key(d) && !fuzz_library.contains(d))
        .collect();
    assert!(
        missing.is_empty(),
        "fuzz/Cargo.lock lacks the library's dependencies {missing:?}: run `cargo metadata` in fuzz/"
    );

    let other_versions: Vec<String> = fuzz
        .iter()
        .filter(|f| {
            let same_name = workspace.iter().filter(|w| w.name == f.name);
            let mut same_name = same_name.peekable();
            same_name.peek().is_some() && !same_name.any(|w| w.version == f.version)
        })
        .map(|f| format!("{} {}", f.name, f.version))
        .collect();
    assert!(
        other_versions.is_empty(),
        "fuzz/Cargo.lock has versions the workspace does not: {other_versions:?} \
         (`cargo update -p NAME --precise VERSION` in fuzz/)"
    );
}
