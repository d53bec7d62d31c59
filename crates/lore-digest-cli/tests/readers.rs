//! The two readers give the same reports: commit by commit
//! (`LORE_DIGEST_READER=commit`) and in pack order (`=pack`), on a fixture
//! archive packed with deltas and a few newer commits left loose, and on the
//! shared linux-hyperv corpus when it is there. `--verbose` says how many
//! commits each reader took, so the tests know the pack path ran.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use common::mails;

/// The corpus's `master` when its figures were taken (tests/corpus.rs).
const CORPUS_TIP: &str = "b22dfe3300dfffcf3c3db5b05e2fefae4595e467";

const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/corpus/linux-hyperv.git"
);

/// Runs the binary with the reader forced; returns (stdout, stderr) of a
/// successful run.
fn run_with(reader: &str, args: &[&str]) -> (String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_lore-digest"))
        .args(args)
        .env("LORE_DIGEST_READER", reader)
        .env("TZ", "UTC")
        .env(
            "XDG_CACHE_HOME",
            std::env::temp_dir().join("lore-digest-test-cache"),
        )
        .env("NO_COLOR", "1")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .output()
        .expect("run lore-digest");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "lore-digest {args:?} with {reader} failed\nstderr:\n{stderr}"
    );
    (String::from_utf8_lossy(&out.stdout).into_owned(), stderr)
}

/// The `--verbose` line of the pack-order reader: (in pack order, commit by
/// commit), or `None` when it did not run.
fn pack_order_counts(stderr: &str) -> Option<(usize, usize)> {
    let line = stderr
        .lines()
        .find_map(|l| l.strip_prefix("lore-digest: read "))?;
    let (packed, rest) = line.split_once(" commit(s) in pack order, ")?;
    let fallen = rest.strip_suffix(" commit by commit")?;
    Some((packed.parse().ok()?, fallen.parse().ok()?))
}

/// A JSON report without what depends on the moment it was made.
fn comparable_json(stdout: &str) -> serde_json::Value {
    let mut report: serde_json::Value =
        serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}"));
    if let Some(object) = report.as_object_mut() {
        object.remove("generated_at");
    }
    report
}

/// Compares report (JSON, text) and export (JSON Lines) of `archive` over
/// `range` between the readers; returns the pack-order reader's counts.
fn compare_readers(archive: &str, range: &str) -> (usize, usize) {
    let json = [
        "report",
        "--archive",
        archive,
        "--range",
        range,
        "--format",
        "json",
        "--verbose",
    ];
    let (commit_json, commit_err) = run_with("commit", &json);
    let (pack_json, pack_err) = run_with("pack", &json);
    assert_eq!(
        pack_order_counts(&commit_err),
        None,
        "the commit-order reader read in pack order:\n{commit_err}"
    );
    let counts = pack_order_counts(&pack_err)
        .unwrap_or_else(|| panic!("the pack-order reader did not run:\n{pack_err}"));
    assert!(
        comparable_json(&commit_json) == comparable_json(&pack_json),
        "the JSON reports differ between the readers"
    );
    // The warnings (missing mail and why) are the same too.
    let warnings = |s: &str| -> Vec<String> {
        s.lines()
            .filter(|l| l.starts_with("lore-digest: warning"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(warnings(&commit_err), warnings(&pack_err));

    let text = ["report", "--archive", archive, "--range", range];
    assert!(
        run_with("commit", &text).0 == run_with("pack", &text).0,
        "the text reports differ between the readers"
    );
    let export = ["export", "--archive", archive, "--range", range];
    let (commit_export, _) = run_with("commit", &export);
    let (pack_export, _) = run_with("pack", &export);
    assert!(!commit_export.is_empty());
    assert!(
        commit_export == pack_export,
        "the exports differ between the readers"
    );
    counts
}

fn git(repo: &Path, args: &[&str], stdin: &[u8], time: i64) -> String {
    use std::io::Write;
    let mut child = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "A U Thor")
        .env("GIT_AUTHOR_EMAIL", "author@example.org")
        .env("GIT_COMMITTER_NAME", "public-inbox")
        .env("GIT_COMMITTER_EMAIL", "public-inbox@example.org")
        .env("GIT_AUTHOR_DATE", format!("{time} +0000"))
        .env("GIT_COMMITTER_DATE", format!("{time} +0000"))
        .env_remove("GIT_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run git");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("feed git");
    let out = child.wait_with_output().expect("wait for git");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("UTF-8")
        .trim()
        .to_string()
}

/// Adds a commit of loose objects whose tree holds `raw` as `name`, as
/// public-inbox does between repacks; returns the blob's id.
fn loose_commit(repo: &Path, name: &str, raw: &[u8], time: i64) -> String {
    let blob = git(repo, &["hash-object", "-w", "--stdin"], raw, time);
    let tree = git(
        repo,
        &["mktree"],
        format!("100644 blob {blob}\t{name}\n").as_bytes(),
        time,
    );
    let head = git(repo, &["rev-parse", "HEAD"], b"", time);
    let commit = git(
        repo,
        &["commit-tree", &tree, "-p", &head, "-m", "loose mail"],
        b"",
        time,
    );
    git(
        repo,
        &["update-ref", "refs/heads/master", &commit],
        b"",
        time,
    );
    blob
}

#[test]
fn readers_agree_on_a_packed_fixture() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The kvm fixture (series, rerolls, reviews, pull requests, odd
    // encodings), a deletion, a blob that is no mail, a mail delivered
    // twice, and the many-epochs series, so the pack holds deltas.
    let mut epoch = mails::kvm_single_epoch();
    let t = common::T0 + 40 * common::DAY;
    epoch = epoch
        .deletion(t)
        .mail("", t + 60)
        .mail(mails::many_mail(0), t + 120)
        .mail(mails::many_mail(0), t + 180);
    for i in 1..=11 {
        epoch = epoch.mail(mails::many_mail(i), t + 240 + 60 * i64::from(i));
    }
    let packed = epoch.len();
    let repo = epoch.write(&dir.path().join("packed.git"));
    let path = repo.path.as_path();
    git(
        path,
        &["repack", "-adf", "--window=50", "--depth=50"],
        b"",
        t,
    );
    // The point of pack order is delta chains: the fixture must have some.
    let objects = git(
        path,
        &[
            "cat-file",
            "--batch-all-objects",
            "--batch-check=%(objecttype) %(deltabase)",
        ],
        b"",
        t,
    );
    let null = "0".repeat(40);
    let deltas = objects
        .lines()
        .filter(|l| l.starts_with("blob ") && !l.ends_with(&null))
        .count();
    assert!(deltas >= 5, "too few blob deltas in the pack:\n{objects}");
    // Newer mail left loose (a resend, so that its blob is new), one of
    // them with its blob gone.
    let resend = |i| mails::many_mail(i).replace("@many.example>", "@resend.example>");
    loose_commit(path, "m", resend(3).as_bytes(), t + 3600);
    loose_commit(path, "m", resend(4).as_bytes(), t + 3660);
    let gone = loose_commit(path, "m", resend(5).as_bytes(), t + 3720);
    std::fs::remove_file(path.join("objects").join(&gone[..2]).join(&gone[2..]))
        .expect("remove a loose blob");
    let archive = repo.path_str();
    let (in_pack_order, fallen_back) = compare_readers(archive, "master");
    assert_eq!((in_pack_order, fallen_back), (packed, 3));
    // A range within the pack, and the loose commits alone. The
    // counts take in the commits before the range that the lookback reads.
    let base = repo.commit(5);
    let (in_pack_order, fallen_back) = compare_readers(archive, &format!("{base}..master"));
    assert!(in_pack_order >= packed - 6, "{in_pack_order} in pack order");
    assert_eq!(fallen_back, 3);
    let (_, fallen_back) = compare_readers(archive, "master~3..master");
    assert!(fallen_back >= 3);
}

#[test]
fn readers_agree_on_the_corpus() {
    if !Path::new(CORPUS).is_dir() {
        eprintln!("skipping: the linux-hyperv corpus is not at {CORPUS}");
        return;
    }
    let (in_pack_order, fallen_back) = compare_readers(CORPUS, CORPUS_TIP);
    assert_eq!((in_pack_order, fallen_back), (26_431, 0));
}

#[test]
fn an_unknown_reader_is_an_input_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_lore-digest"))
        .args(["report", "--archive", "/nonexistent", "--range", "master"])
        .env("LORE_DIGEST_READER", "fast")
        .stdin(Stdio::null())
        .output()
        .expect("run lore-digest");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("LORE_DIGEST_READER=fast: 'fast': expected auto, commit or pack"),
        "{stderr}"
    );
}
