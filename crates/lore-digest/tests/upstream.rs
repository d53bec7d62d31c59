//! The upstream-tree evidence against git itself: patch ids of
//! `git format-patch` mails and of tree commits must be what
//! `git patch-id --stable` prints, and the index must find commits by
//! Message-ID, patch id and subject.
//!
//! Repositories are built on the fly in temporary directories, with git's
//! configuration shut out so that the user's settings change nothing.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use lore_digest::Error;
use lore_digest::upstream::{
    PatchId, PatchQuery, TreeIndex, TreeRule, git_patch_id_lines, patch_id, posted_patch,
};

/// 2025-05-01T00:00:00Z.
const T0: i64 = 1_746_057_600;

fn git_command(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("LC_ALL", "C")
        .env("TZ", "UTC");
    cmd
}

fn run(dir: &Path, args: &[&str], stdin: Option<&[u8]>, env: &[(&str, String)]) -> Vec<u8> {
    let mut cmd = git_command(dir);
    cmd.args(args)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn git");
    let mut input = child.stdin.take().expect("stdin");
    let data = stdin.unwrap_or_default().to_vec();
    let writer = std::thread::spawn(move || input.write_all(&data));
    let out = child.wait_with_output().expect("wait for git");
    writer.join().expect("writer").expect("feed git");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// A work tree with a repository, committing with fixed names and times.
struct Work {
    _dir: tempfile::TempDir,
    path: PathBuf,
    time: i64,
}

impl Work {
    fn new() -> Work {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("tree");
        std::fs::create_dir(&path).expect("create tree");
        let work = Work {
            _dir: dir,
            path,
            time: T0,
        };
        work.git(&["init", "--quiet", "--initial-branch=master"]);
        work
    }

    fn git(&self, args: &[&str]) -> Vec<u8> {
        run(&self.path, args, None, &[])
    }

    fn git_text(&self, args: &[&str]) -> String {
        String::from_utf8(self.git(args)).expect("utf-8 from git")
    }

    fn git_in(&self, args: &[&str], stdin: &[u8]) -> String {
        String::from_utf8(run(&self.path, args, Some(stdin), &[])).expect("utf-8 from git")
    }

    fn write(&self, name: &str, data: impl AsRef<[u8]>) {
        let file = self.path.join(name);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).expect("create dir");
        }
        std::fs::write(file, data).expect("write file");
    }

    fn remove(&self, name: &str) {
        std::fs::remove_file(self.path.join(name)).expect("remove file");
    }

    /// Commits everything as `author`, an hour after the previous commit.
    fn commit_as(&mut self, message: &str, author: (&str, &str)) -> String {
        self.time += 3_600;
        let date = format!("@{} +0000", self.time);
        let env = [
            ("GIT_AUTHOR_NAME", author.0.to_string()),
            ("GIT_AUTHOR_EMAIL", author.1.to_string()),
            ("GIT_AUTHOR_DATE", date.clone()),
            ("GIT_COMMITTER_NAME", "Maint Ainer".to_string()),
            ("GIT_COMMITTER_EMAIL", "maint@kernel.example".to_string()),
            ("GIT_COMMITTER_DATE", date),
        ];
        run(&self.path, &["add", "--all"], None, &[]);
        run(
            &self.path,
            &[
                "commit",
                "--quiet",
                "--allow-empty",
                "--no-verify",
                "-m",
                message,
            ],
            None,
            &env,
        );
        self.git_text(&["rev-parse", "HEAD"]).trim().to_string()
    }

    /// Commits what the index holds, without adding the work tree.
    fn commit_index(&mut self, message: &str) -> String {
        self.time += 3_600;
        let date = format!("@{} +0000", self.time);
        let env = [
            ("GIT_AUTHOR_NAME", "Ann Author".to_string()),
            ("GIT_AUTHOR_EMAIL", "ann@widgets.example".to_string()),
            ("GIT_AUTHOR_DATE", date.clone()),
            ("GIT_COMMITTER_NAME", "Maint Ainer".to_string()),
            ("GIT_COMMITTER_EMAIL", "maint@kernel.example".to_string()),
            ("GIT_COMMITTER_DATE", date),
        ];
        run(
            &self.path,
            &[
                "commit",
                "--quiet",
                "--allow-empty",
                "--no-verify",
                "-m",
                message,
            ],
            None,
            &env,
        );
        self.git_text(&["rev-parse", "HEAD"]).trim().to_string()
    }

    fn commit(&mut self, message: &str) -> String {
        self.commit_as(message, ("Ann Author", "ann@widgets.example"))
    }
}

/// `git patch-id --stable` of a text: its output lines.
fn git_patch_ids(work: &Work, text: &[u8]) -> Vec<String> {
    work.git_in(&["patch-id", "--stable"], text)
        .lines()
        .map(str::to_string)
        .collect()
}

/// `<patch id> <commit>` → commit → patch id.
fn by_commit(lines: &[String]) -> std::collections::HashMap<String, String> {
    lines
        .iter()
        .filter_map(|l| l.split_once(' '))
        .map(|(id, commit)| (commit.to_string(), id.to_string()))
        .collect()
}

/// A history with every kind of change a patch can make.
fn varied_history(work: &mut Work) -> Vec<String> {
    let lines =
        |n: usize, word: &str| -> String { (0..n).map(|i| format!("{word} line {i}\n")).collect() };
    let mut commits = Vec::new();
    work.write("src/main.c", lines(40, "main"));
    work.write("with space.txt", "a file\nwith a space in its name\n");
    work.write("tést/ünïcode.c", "int x;\n");
    work.write("crlf.txt", "one\r\ntwo\r\nthree\r\n");
    work.write("data.bin", b"\x00\x01\x02binary\x00data\n");
    work.write("empty", "");
    work.write("no-newline.txt", "last line has none");
    work.write("tab\there.txt", "tabbed name\n");
    std::os::unix::fs::symlink("src/main.c", work.path.join("link")).expect("symlink");
    commits.push(work.commit("tree: add the files"));

    // Changes far apart (two hunks) and close together (one).
    let main = lines(40, "main")
        .replace("main line 2\n", "main line two\n")
        .replace("main line 20\n", "main line twenty\n")
        .replace("main line 24\n", "main line twenty-four\n");
    work.write("src/main.c", &main);
    work.write("crlf.txt", "one\r\n2\r\nthree\r\nfour\r\n");
    work.write("no-newline.txt", "last line has none\nnow it has one\n");
    commits.push(work.commit("src: edit in three places"));

    // A rename with an edit, a pure rename, a mode change.
    work.remove("src/main.c");
    work.write(
        "src/core.c",
        main.replace("main line 30\n", "main line thirty\n"),
    );
    work.remove("with space.txt");
    work.write("docs/with space.txt", "a file\nwith a space in its name\n");
    std::fs::set_permissions(
        work.path.join("tést/ünïcode.c"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .expect("chmod");
    commits.push(work.commit("src: rename main.c to core.c"));

    // Binary modification, deletion, a new binary file, CRLF to LF.
    work.write("data.bin", b"\x00\x01\x02other binary\x00\n");
    work.write("new.bin", b"\x7fELF\x00\x00\x00\x00");
    work.remove("empty");
    work.write("crlf.txt", "one\n2\nthree\nfour\n");
    commits.push(work.commit("data: binary changes"));

    // A file turned into a link, a link into a file; a file with a
    // change right after a binary file (patch-id skips its diff line).
    work.remove("link");
    work.write("link", "now a file\n");
    work.remove("no-newline.txt");
    std::os::unix::fs::symlink("crlf.txt", work.path.join("no-newline.txt")).expect("symlink");
    work.write("data.bin", b"\x00third\x00\n");
    work.write("data.c", "after the binary\n");
    commits.push(work.commit("types: swap a file and a link"));

    // A function inserted between functions: the indent heuristic's case.
    let functions = |names: &[&str]| -> String {
        names
            .iter()
            .map(|n| format!("int {n}(void)\n{{\n\treturn 0;\n}}\n\n"))
            .collect()
    };
    work.write("src/fn.c", functions(&["a", "b", "c"]));
    commits.push(work.commit("fn: add"));
    work.write("src/fn.c", functions(&["a", "b", "between", "c"]));
    commits.push(work.commit("fn: insert a function"));

    // A rename with a new mode and an edit.
    work.remove("src/core.c");
    work.write(
        "lib/core.c",
        main.replace("main line 30\n", "main line 30 again\n"),
    );
    std::fs::set_permissions(
        work.path.join("lib/core.c"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .expect("chmod");
    commits.push(work.commit("lib: move core.c and make it executable"));

    // Whitespace-only change, and a file deleted whole.
    work.write(
        "src/fn.c",
        functions(&["a", "b", "between", "c"]).replace('\t', "    "),
    );
    work.remove("tab\there.txt");
    commits.push(work.commit("fn: spaces for tabs"));
    commits
}

#[test]
fn mail_patch_ids_are_git_s() {
    let mut work = Work::new();
    varied_history(&mut work);
    let mails = work.git(&["format-patch", "--stdout", "--root", "master"]);
    let expected = git_patch_ids(&work, &mails);
    assert_eq!(git_patch_id_lines(&mails), expected);
    assert_eq!(expected.len(), 9);

    // Each mail alone, through the public function.
    for line in &expected {
        let (id, commit) = line.split_once(' ').unwrap();
        let mail = work.git(&["format-patch", "-1", "--stdout", commit]);
        let mail = String::from_utf8(mail).unwrap();
        assert_eq!(patch_id(&mail).map(|p| p.to_string()).as_deref(), Some(id));
        // The body alone (after the headers) has the same id.
        let body = mail.split_once("\n\n").unwrap().1;
        assert_eq!(patch_id(body).map(|p| p.to_string()).as_deref(), Some(id));
    }
}

#[test]
fn tree_commit_patch_ids_are_git_s() {
    let mut work = Work::new();
    let commits = varied_history(&mut work);
    let mails = work.git(&["format-patch", "--stdout", "--root", "master"]);
    let from_mails = by_commit(&git_patch_ids(&work, &mails));
    // `git show --binary` writes what format-patch writes.
    let shown = work.git(&["log", "--binary", "-p", "--format=commit %H", "master"]);
    let from_log = by_commit(&git_patch_ids(&work, &shown));
    assert_eq!(from_mails, from_log);

    let index = TreeIndex::open(&work.path, None, None).unwrap();
    assert_eq!(index.commits().len(), commits.len());
    for commit in index.commits() {
        let ours = index
            .commit_patch_id(commit)
            .unwrap()
            .map(|p| p.to_string());
        assert_eq!(
            ours.as_ref(),
            from_mails.get(&commit.id.to_string()),
            "commit {} ({})",
            commit.id,
            commit.subject
        );
    }
}

#[test]
fn patch_ids_match_tree_commits() {
    let mut work = Work::new();
    let commits = varied_history(&mut work);
    let index = TreeIndex::open(&work.path, None, None).unwrap();
    let mut wanted = Vec::new();
    for commit in &commits {
        let mail = work.git(&["format-patch", "-1", "--stdout", commit]);
        wanted.push(posted_patch(&String::from_utf8(mail).unwrap()).unwrap());
    }
    // A patch nobody applied: same file, other change.
    let stray = "Other.\n---\ndiff --git a/src/fn.c b/src/fn.c\n--- a/src/fn.c\n+++ b/src/fn.c\n@@ -1,1 +1,1 @@\n-int a(void)\n+int z(void)\n";
    wanted.push(posted_patch(stray).unwrap());
    let found = index.match_patch_ids(&wanted).unwrap();
    let found: Vec<Option<String>> = found.iter().map(|c| c.map(|c| c.id.to_string())).collect();
    let mut expected: Vec<Option<String>> = commits.iter().cloned().map(Some).collect();
    expected.push(None);
    assert_eq!(found, expected);
    // A second call reuses what the first computed, and agrees.
    let again = index.match_patch_ids(&wanted[..1]).unwrap();
    assert_eq!(again[0].map(|c| c.id.to_string()), Some(commits[0].clone()));
}

/// A small deterministic generator, for edits nobody chose.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Random edits of C-like files full of repeated lines (`}`, blank lines,
/// `return 0;`), where diff algorithms and slider heuristics disagree most.
#[test]
fn random_edits_have_git_s_patch_ids() {
    let mut work = Work::new();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let pieces = [
        "}\n",
        "\n",
        "\treturn 0;\n",
        "{\n",
        "\tint i;\n",
        "\tif (x)\n",
        "\t\tgoto out;\n",
        "out:\n",
        "static int f(void)\n",
        "#include <linux/kernel.h>\n",
        "\t/* comment */\n",
    ];
    let mut files: Vec<Vec<String>> = (0..3)
        .map(|_| {
            (0..120)
                .map(|_| pieces[rng.below(pieces.len())].to_string())
                .collect()
        })
        .collect();
    let write = |work: &Work, files: &[Vec<String>]| {
        for (i, lines) in files.iter().enumerate() {
            work.write(&format!("drivers/f{i}.c"), lines.concat());
        }
    };
    write(&work, &files);
    work.commit("start");
    for round in 0..60 {
        let file = rng.below(files.len());
        for _ in 0..1 + rng.below(6) {
            let lines = &mut files[file];
            let at = rng.below(lines.len().max(1));
            match rng.below(4) {
                0 => {
                    // Duplicate a block somewhere else.
                    let len = 1 + rng.below(6);
                    let block: Vec<String> = lines.iter().skip(at).take(len).cloned().collect();
                    let to = rng.below(lines.len());
                    lines.splice(to..to, block);
                }
                1 => {
                    let end = (at + 1 + rng.below(5)).min(lines.len());
                    lines.drain(at..end);
                }
                2 => lines[at] = pieces[rng.below(pieces.len())].to_string(),
                _ => lines.insert(at, format!("\tvalue_{round} = {at};\n")),
            }
        }
        write(&work, &files);
        work.commit(&format!("edit {round}"));
    }
    let shown = work.git(&["log", "-p", "--format=commit %H", "master"]);
    let expected = by_commit(&git_patch_ids(&work, &shown));
    let index = TreeIndex::open(&work.path, None, None).unwrap();
    let mut differing = Vec::new();
    for commit in index.commits() {
        let ours = index
            .commit_patch_id(commit)
            .unwrap()
            .map(|p| p.to_string());
        if ours.as_ref() != expected.get(&commit.id.to_string()) {
            differing.push(commit.subject.clone());
        }
    }
    assert!(differing.is_empty(), "patch ids differ for {differing:?}");
}

/// Patch ids of every commit of the work tree's history, from
/// `git format-patch`, compared with the tree index's; the subjects of the
/// commits that differ.
fn differing_patch_ids(work: &Work) -> Vec<String> {
    let mails = work.git(&["format-patch", "--stdout", "--root", "master"]);
    let expected = by_commit(&git_patch_ids(work, &mails));
    let index = TreeIndex::open(&work.path, None, None).unwrap();
    let mut differing = Vec::new();
    for commit in index.commits() {
        let ours = index
            .commit_patch_id(commit)
            .unwrap()
            .map(|p| p.to_string());
        if ours.as_ref() != expected.get(&commit.id.to_string()) {
            differing.push(commit.subject.clone());
        }
    }
    differing
}

/// Several files renamed at once, some edited a little, some a lot, some
/// sharing a file name: git's exact, same-name and matrix passes, and its
/// similarity scores (which the patch id hashes).
#[test]
fn renames_pair_and_score_like_git() {
    let mut work = Work::new();
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let text = |rng: &mut Rng, n: usize| -> Vec<String> {
        (0..n)
            .map(|_| format!("line {}\n", rng.below(50)))
            .collect()
    };
    let mut files: Vec<(String, Vec<String>)> = (0..12)
        .map(|i| {
            let dir = ["a", "b", "c"][i % 3];
            let name = if i % 4 == 0 {
                "common.c".to_string()
            } else {
                format!("f{i}.c")
            };
            let len = 10 + rng.below(60);
            (format!("{dir}/{i}/{name}"), text(&mut rng, len))
        })
        .collect();
    for (path, lines) in &files {
        work.write(path, lines.concat());
    }
    work.commit("start");
    for round in 0..25 {
        for _ in 0..1 + rng.below(4) {
            let f = rng.below(files.len());
            work.remove(&files[f].0);
            // A new home, now and then under the same file name.
            let name = files[f].0.rsplit('/').next().unwrap_or("x").to_string();
            let new_name = if rng.below(2) == 0 {
                name
            } else {
                format!("r{round}.c")
            };
            files[f].0 = format!(
                "{}/{round}-{f}/{new_name}",
                ["a", "b", "c", "d"][rng.below(4)]
            );
            let edits = rng.below(files[f].1.len() / 2 + 1);
            for _ in 0..edits {
                let len = files[f].1.len();
                let at = rng.below(len);
                files[f].1[at] = format!("changed {}\n", rng.below(1000));
            }
            let path = files[f].0.clone();
            work.write(&path, files[f].1.concat());
        }
        work.commit(&format!("round {round}"));
    }
    // The history has what the test is for.
    let mails =
        String::from_utf8(work.git(&["format-patch", "--stdout", "--root", "master"])).unwrap();
    let scores: Vec<&str> = mails
        .lines()
        .filter_map(|l| l.strip_prefix("similarity index "))
        .collect();
    let partial = scores.iter().filter(|s| **s != "100%").count();
    assert!(partial >= 10 && scores.len() > partial, "{scores:?}");
    assert!(mails.contains("\nnew file mode") && mails.contains("\ndeleted file mode"));
    assert_eq!(differing_patch_ids(&work), Vec::<String>::new());
}

/// A submodule's commit, added and moved, is a `Subproject commit` line.
#[test]
fn submodule_changes_have_git_s_patch_ids() {
    let mut work = Work::new();
    work.write("README", "readme\n");
    work.commit("start");
    let add = |work: &Work, id: &str| {
        work.git(&[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("160000,{id},sub"),
        ]);
    };
    add(&work, "1111111111111111111111111111111111111111");
    work.commit_index("sub: add");
    add(&work, "2222222222222222222222222222222222222222");
    work.commit_index("sub: update");
    assert_eq!(differing_patch_ids(&work), Vec::<String>::new());
}

/// Big files with many scattered edits, where xdiff's Myers gives up on
/// minimal and takes its heuristics.
#[test]
fn big_rewrites_have_git_s_patch_ids() {
    let mut work = Work::new();
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    let mut lines: Vec<String> = (0..4000).map(|_| format!("{}\n", rng.below(200))).collect();
    work.write("big.txt", lines.concat());
    work.commit("start");
    for round in 0..4 {
        for _ in 0..600 {
            let at = rng.below(lines.len());
            match rng.below(3) {
                0 => lines[at] = format!("{}\n", rng.below(200)),
                1 => {
                    lines.remove(at);
                }
                _ => lines.insert(at, format!("{}\n", rng.below(200))),
            }
        }
        work.write("big.txt", lines.concat());
        work.commit(&format!("rewrite {round}"));
    }
    assert_eq!(differing_patch_ids(&work), Vec::<String>::new());
}

/// One stream of many mails, `From <id>` before each, as git patch-id
/// reads a mailbox.
fn corpus() -> Option<PathBuf> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/linux-hyperv.git");
    path.is_dir().then_some(path)
}

#[test]
fn corpus_mails_have_git_s_patch_ids() {
    let Some(corpus) = corpus() else {
        eprintln!("skipped: no corpus at ../shared/corpus/linux-hyperv.git");
        return;
    };
    let log = run(&corpus, &["log", "--format=%H %s", "-n", "4000"], None, &[]);
    let commits: Vec<String> = String::from_utf8_lossy(&log)
        .lines()
        .filter(|l| l.contains("PATCH"))
        .map(|l| l[..40].to_string())
        .collect();
    assert!(commits.len() > 100);
    let specs: String = commits.iter().map(|c| format!("{c}:m\n")).collect();
    let blobs = run(
        &corpus,
        &["cat-file", "--batch"],
        Some(specs.as_bytes()),
        &[],
    );
    let mut raw_stream = Vec::new();
    let mut body_stream = Vec::new();
    let mut bodies = Vec::new();
    let mut rest = &blobs[..];
    for commit in &commits {
        let header_end = rest.iter().position(|&b| b == b'\n').unwrap();
        let header = String::from_utf8_lossy(&rest[..header_end]).to_string();
        rest = &rest[header_end + 1..];
        let Some(size) = header
            .split(' ')
            .nth(2)
            .and_then(|s| s.parse::<usize>().ok())
        else {
            continue; // missing
        };
        let mail = &rest[..size];
        rest = &rest[size + 1..];
        let from = format!("From {commit} Mon Sep 17 00:00:00 2001\n");
        raw_stream.extend_from_slice(from.as_bytes());
        raw_stream.extend_from_slice(mail);
        raw_stream.push(b'\n');
        let parsed = mail_parser::MessageParser::default().parse(mail);
        if let Some(body) = parsed.as_ref().and_then(|m| m.body_text(0)) {
            body_stream.extend_from_slice(from.as_bytes());
            body_stream.extend_from_slice(body.as_bytes());
            body_stream.push(b'\n');
            bodies.push((commit.clone(), body.into_owned()));
        }
    }
    let scratch = tempfile::tempdir().unwrap();
    let raw_expected: Vec<String> = String::from_utf8(run(
        scratch.path(),
        &["patch-id", "--stable"],
        Some(&raw_stream),
        &[],
    ))
    .unwrap()
    .lines()
    .map(str::to_string)
    .collect();
    assert!(raw_expected.len() > 50, "{} ids", raw_expected.len());
    assert_eq!(git_patch_id_lines(&raw_stream), raw_expected);

    let body_expected: Vec<String> = String::from_utf8(run(
        scratch.path(),
        &["patch-id", "--stable"],
        Some(&body_stream),
        &[],
    ))
    .unwrap()
    .lines()
    .map(str::to_string)
    .collect();
    assert_eq!(git_patch_id_lines(&body_stream), body_expected);
    // Each body's id is one git prints for it (git's lines for one body
    // are known to be ours from the streams above): the first, unless a
    // line before the diff looks like the start of another patch to git
    // (`commit <id>` quoted in the message).
    let (mut with_id, mut not_first) = (0, 0);
    for (commit, body) in &bodies {
        let printed: Vec<String> = git_patch_id_lines(body.as_bytes())
            .iter()
            .map(|l| l[..40].to_string())
            .collect();
        match patch_id(body) {
            Some(id) => {
                with_id += 1;
                let at = printed.iter().position(|p| *p == id.to_string());
                assert!(at.is_some(), "{commit}: {id} not among {printed:?}");
                not_first += usize::from(at != Some(0));
            }
            None => assert!(
                printed.is_empty() || !body.contains("\ndiff --git "),
                "{commit}"
            ),
        }
    }
    eprintln!("{with_id} bodies with a patch id, {not_first} of them not git's first");
    assert!(with_id > 50);
}

/// A repository written by `git fast-import`: commits with messages,
/// authors and times, each adding or changing one file.
fn fast_import(
    commits: &[(&str, &str, i64, &str)],
    merge_at: Option<usize>,
) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tree.git");
    std::fs::create_dir(&path).unwrap();
    run(
        &path,
        &["init", "--bare", "--quiet", "--initial-branch=master"],
        None,
        &[],
    );
    let mut stream = Vec::new();
    for (i, (message, author, time, file)) in commits.iter().enumerate() {
        writeln!(stream, "commit refs/heads/master\nmark :{}", i + 1).unwrap();
        writeln!(stream, "author {author} {time} +0000").unwrap();
        writeln!(
            stream,
            "committer Maint Ainer <maint@kernel.example> {time} +0000"
        )
        .unwrap();
        writeln!(stream, "data {}\n{message}", message.len()).unwrap();
        if i > 0 {
            writeln!(stream, "from :{i}").unwrap();
        }
        if merge_at == Some(i) && i >= 2 {
            writeln!(stream, "merge :{}", i - 1).unwrap();
        }
        let content = format!("{file} changed by commit {i}\n");
        writeln!(
            stream,
            "M 100644 inline {file}\ndata {}\n{content}",
            content.len()
        )
        .unwrap();
    }
    stream.extend_from_slice(b"done\n");
    run(
        &path,
        &["fast-import", "--quiet", "--done", "--date-format=raw"],
        Some(&stream),
        &[],
    );
    (dir, path)
}

#[test]
fn links_subjects_and_ranges() {
    let ann = "Ann Author <Ann@Widgets.example>";
    let bob = "Bob Builder <bob@builders.example>";
    let commits = [
        ("base: start\n", ann, T0, "a"),
        (
            "net: fix the thing\n\nLink: https://lore.kernel.org/r/1-fix@widgets.example\nSigned-off-by: Ann\n",
            ann,
            T0 + 10,
            "b",
        ),
        (
            "net: Add the   other thing\n\nLink: https://lore.kernel.org/netdev/2-add%2Bmore@widgets.example/\nLink: https://patch.msgid.link/shared@widgets.example\n",
            ann,
            T0 + 20,
            "c",
        ),
        (
            "mm: tune\n\nMessage-Id: <3-tune@builders.example>\nLink: https://patch.msgid.link/shared@widgets.example\n",
            bob,
            T0 + 30,
            "d",
        ),
    ];
    let (_dir, path) = fast_import(&commits, None);
    let index = TreeIndex::open(&path, None, None).unwrap();
    assert_eq!(index.commits().len(), 4);
    let subject_of = |c: Option<&lore_digest::upstream::TreeCommit>| c.map(|c| c.subject.clone());

    assert_eq!(
        subject_of(index.by_message_id("<1-fix@widgets.example>")),
        Some("net: fix the thing".into())
    );
    assert_eq!(
        subject_of(index.by_message_id("2-add+more@widgets.example")),
        Some("net: Add the other thing".into())
    );
    assert_eq!(
        subject_of(index.by_message_id("3-tune@builders.example")),
        Some("mm: tune".into())
    );
    // Two commits name it: the earlier one counts.
    assert_eq!(
        subject_of(index.by_message_id("shared@widgets.example")),
        Some("net: Add the other thing".into())
    );
    assert!(index.by_message_id("unknown@x").is_none());

    assert_eq!(
        subject_of(index.by_subject(
            "[PATCH v3 2/5] net: add the other thing",
            "ann@widgets.example"
        )),
        Some("net: Add the other thing".into())
    );
    assert!(
        index
            .by_subject("net: add the other thing", "bob@builders.example")
            .is_none()
    );
    let tune = index.by_message_id("3-tune@builders.example").unwrap();
    assert_eq!(tune.author_email, "bob@builders.example");
    assert_eq!(tune.committer_email, "maint@kernel.example");
    assert_eq!(tune.time, T0 + 30);

    // A range leaves out the base's history; `since` what was committed before.
    let first = index.commits().last().unwrap().id.to_string();
    let ranged = TreeIndex::open(&path, Some(&format!("{first}..master")), None).unwrap();
    assert_eq!(ranged.commits().len(), 3);
    let recent = TreeIndex::open(&path, None, Some(T0 + 20)).unwrap();
    assert_eq!(recent.commits().len(), 2);
    assert!(recent.by_message_id("1-fix@widgets.example").is_none());
    let tip = TreeIndex::open(&path, Some("master~2"), None).unwrap();
    assert_eq!(tip.commits().len(), 2);
}

#[test]
fn merges_carry_links_but_no_patches() {
    let ann = "Ann Author <ann@widgets.example>";
    let commits = [
        ("one\n", ann, T0, "a"),
        ("two\n", ann, T0 + 10, "b"),
        ("three\n", ann, T0 + 20, "c"),
        (
            "Merge series\n\nLink: https://lore.kernel.org/r/cover@widgets.example\n",
            ann,
            T0 + 30,
            "d",
        ),
    ];
    let (_dir, path) = fast_import(&commits, Some(3));
    let index = TreeIndex::open(&path, None, None).unwrap();
    let merge = index.by_message_id("cover@widgets.example").unwrap();
    assert_eq!(merge.parent_count, 2);
    assert_eq!(index.commit_patch_id(merge).unwrap(), None);
    assert!(
        index
            .by_subject("Merge series", "ann@widgets.example")
            .is_none()
    );
    assert!(index.by_subject("two", "ann@widgets.example").is_some());
}

#[test]
fn the_rules_apply_in_order() {
    let mut work = Work::new();
    work.write("a.c", "int a;\n");
    work.commit("a: add");
    work.write("a.c", "int a = 1;\n");
    let linked = work.commit("a: set\n\nLink: https://lore.kernel.org/r/set@widgets.example");
    work.write("b.c", "int b;\n");
    let by_id = work.commit("b: add");
    work.write("c.c", "int c;\n");
    let by_subject = work.commit_as("c: add", ("Bob", "Bob@Builders.example"));
    let index = TreeIndex::open(&work.path, None, None).unwrap();

    let mail = |commit: &str| {
        String::from_utf8(work.git(&["format-patch", "-1", "--stdout", commit])).unwrap()
    };
    let b_patch = posted_patch(&mail(&by_id)).unwrap();
    // The maintainer changed c.c before applying: only the subject matches.
    let c_patch = posted_patch(&mail(&by_subject).replace("+int c;", "+int c = 0;")).unwrap();
    let queries = [
        PatchQuery {
            message_id: Some("<set@widgets.example>"),
            patch: None,
            subject: "[PATCH] a: set",
            author_email: "ann@widgets.example",
        },
        PatchQuery {
            message_id: Some("<other@widgets.example>"),
            patch: Some(&b_patch),
            subject: "[PATCH] b: add (v1 title)",
            author_email: "ann@widgets.example",
        },
        PatchQuery {
            message_id: None,
            patch: Some(&c_patch),
            subject: "[PATCH v2] c: add",
            author_email: "bob@builders.example",
        },
        PatchQuery {
            message_id: Some("<never@widgets.example>"),
            patch: None,
            subject: "d: add",
            author_email: "ann@widgets.example",
        },
    ];
    let found = index.find_applied(&queries).unwrap();
    let summary: Vec<Option<(TreeRule, String)>> = found
        .iter()
        .map(|m| m.map(|m| (m.rule, m.commit.id.to_string())))
        .collect();
    assert_eq!(
        summary,
        [
            Some((TreeRule::Link, linked)),
            Some((TreeRule::PatchId, by_id)),
            Some((TreeRule::Subject, by_subject)),
            None,
        ]
    );
    assert_eq!(TreeRule::PatchId.to_string(), "tree-patch-id");
    assert_eq!(
        serde_json::to_string(&TreeRule::Subject).unwrap(),
        "\"tree-subject\""
    );
}

#[test]
fn bad_trees_and_ranges_are_input_errors() {
    let dir = tempfile::tempdir().unwrap();
    let not_repo = TreeIndex::open(dir.path(), None, None).err().unwrap();
    assert!(
        matches!(not_repo, Error::NotARepository { .. }),
        "{not_repo}"
    );
    assert!(not_repo.is_input_error());
    assert!(!not_repo.to_string().contains('\n'));
    let missing = TreeIndex::open(&dir.path().join("nope"), None, None)
        .err()
        .unwrap();
    assert!(matches!(missing, Error::NotARepository { .. }), "{missing}");

    let mut work = Work::new();
    let empty = TreeIndex::open(&work.path, None, None).err().unwrap();
    assert!(matches!(empty, Error::UnknownRevision { .. }), "{empty}");
    assert!(empty.is_input_error());
    work.write("a", "a\n");
    work.commit("a");
    for (range, is_unknown) in [
        ("nosuch..master", true),
        ("master..nosuch", true),
        ("..", false),
        ("HEAD:a", true),
    ] {
        let err = TreeIndex::open(&work.path, Some(range), None)
            .err()
            .unwrap();
        assert!(err.is_input_error(), "{range}: {err}");
        assert_eq!(
            matches!(err, Error::UnknownRevision { .. }),
            is_unknown,
            "{range}: {err}"
        );
    }
    // A work tree and its bare clone both open.
    assert_eq!(
        TreeIndex::open(&work.path, None, None)
            .unwrap()
            .commits()
            .len(),
        1
    );
    let bare = dir.path().join("bare.git");
    work.git(&["clone", "--quiet", "--bare", ".", bare.to_str().unwrap()]);
    assert_eq!(
        TreeIndex::open(&bare, Some("master"), None)
            .unwrap()
            .commits()
            .len(),
        1
    );
}

#[test]
fn patch_id_displays_like_git() {
    let id = PatchId::from_hex("00112233445566778899aabbccddeeff00112233").unwrap();
    assert_eq!(id.to_string(), "00112233445566778899aabbccddeeff00112233");
    assert_eq!(
        format!("{id:?}"),
        "PatchId(00112233445566778899aabbccddeeff00112233)"
    );
}
