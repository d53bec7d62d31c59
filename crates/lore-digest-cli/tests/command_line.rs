//! The conventions of a command-line tool: shell completions and manual
//! pages generated from the clap definitions (and accepted by bash, zsh,
//! fish and `man -l`), `--quiet` and `--verbose`, and sync's progress on a
//! terminal (a pty made by `script`) but not in a pipe.
//!
//! zsh, fish, `man` and `script` are needed: without one, its check prints
//! a skip message and passes, unless `CI` is set, where it fails.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use common::servers::{epoch, git_daemon, serve_epoch};
use common::{Epoch, T0, run, run_ok};
use tempfile::TempDir;

/// Whether `program` is there; when not, says the check is skipped (and
/// fails under CI).
fn have(program: &str, package: &str, check: &str) -> bool {
    if Path::new(program).exists() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{program} is missing and CI is set (apt-get install {package}; .ci/run does)"
    );
    eprintln!("{check} skipped: {program} not found (apt-get install {package})");
    false
}

#[test]
fn completions_load_in_bash_zsh_and_fish() {
    let tmp = TempDir::new().unwrap();
    for shell in ["bash", "zsh", "fish"] {
        let script = run_ok(&["completions", shell]);
        assert!(script.contains("lore-digest"), "{shell}");
        // fish writes long options as `-l mail-to`.
        for word in [
            "update",
            "mail-to",
            "publish",
            "events",
            "schema",
            "completions",
        ] {
            assert!(script.contains(word), "{shell} completes {word}");
        }
        let file = tmp.path().join(format!("lore-digest.{shell}"));
        std::fs::write(&file, &script).unwrap();
        let (program, args): (&str, Vec<String>) = match shell {
            // Loaded, it registers a completion for the command.
            "bash" => (
                "/bin/bash",
                vec![
                    "-c".into(),
                    format!("source {} && complete -p lore-digest", file.display()),
                ],
            ),
            "zsh" => (
                "/usr/bin/zsh",
                vec!["-n".into(), file.display().to_string()],
            ),
            _ => (
                "/usr/bin/fish",
                vec!["--no-execute".into(), file.display().to_string()],
            ),
        };
        if !have(program, shell, &format!("{shell} completion check")) {
            continue;
        }
        let out = Command::new(program).args(&args).output().unwrap();
        assert!(
            out.status.success(),
            "{shell} refuses the script: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        if shell == "bash" {
            let said = String::from_utf8_lossy(&out.stdout);
            assert!(said.contains("lore-digest"), "{said}");
        }
    }
    let (code, _, stderr) = run(&["completions", "tcsh"]);
    assert_eq!(code, 2, "{stderr}");
}

/// `man -l FILE`, rendered as plain text.
fn man(page: &Path) -> String {
    let out = Command::new("man")
        .arg("-l")
        .arg(page)
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "100")
        .env("MAN_KEEP_FORMATTING", "0")
        .env("LANG", "C.UTF-8")
        .stdin(Stdio::null())
        .output()
        .expect("run man");
    assert!(
        out.status.success(),
        "man -l {} failed: {}",
        page.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    // Bold and underline by overstriking, should man use them.
    let text = String::from_utf8_lossy(&out.stdout);
    let mut plain = String::new();
    for c in text.chars() {
        if c == '\u{8}' {
            plain.pop();
        } else {
            plain.push(c);
        }
    }
    plain
}

#[test]
fn the_manual_pages_render() {
    let tmp = TempDir::new().unwrap();
    let main = run_ok(&["man"]);
    assert!(
        main.starts_with(".ie") || main.contains(".TH"),
        "roff: {main:.200}"
    );
    let update = run_ok(&["man", "update"]);
    assert!(update.contains("mail\\-to"), "{update:.400}");
    let (code, _, stderr) = run(&["man", "nosuch"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("no command 'nosuch'"), "{stderr}");

    let dir = tmp.path().join("man1");
    run_ok(&["man", "--dir", dir.to_str().unwrap()]);
    let mut pages: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    pages.sort();
    for page in [
        "lore-digest.1",
        "lore-digest-report.1",
        "lore-digest-sync.1",
        "lore-digest-update.1",
        "lore-digest-export.1",
        "lore-digest-schema.1",
        "lore-digest-completions.1",
        "lore-digest-man.1",
    ] {
        assert!(pages.contains(&page.to_string()), "{page} in {pages:?}");
    }
    if !have("/usr/bin/man", "man-db", "man -l check") {
        return;
    }
    let text = man(&dir.join("lore-digest.1"));
    for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "SUBCOMMANDS"] {
        assert!(text.contains(section), "{section} in:\n{text}");
    }
    assert!(
        text.contains("lore-digest-update(1)") || text.contains("update"),
        "{text}"
    );
    assert!(
        text.contains("--quiet") && text.contains("--verbose"),
        "{text}"
    );
    let text = man(&dir.join("lore-digest-update.1"));
    assert!(text.contains("lore-digest update"), "{text}");
    for option in [
        "--mail-to",
        "--smtp",
        "--sendmail",
        "--publish",
        "LORE_DIGEST_SMTP_PASSWORD",
    ] {
        assert!(text.contains(option), "{option} in:\n{text}");
    }
}

/// An archive whose report warns of two kinds of trouble: commits without
/// a mail, and a mail without an author address.
fn two_kinds_of_warning(dir: &Path) -> common::Repo {
    let normal = |n: u32| {
        format!(
            "From: Ann <ann@example.org>\nSubject: [PATCH] fix {n}\nMessage-ID: <n{n}@example.org>\n\nFix.\n---\n a.c | 1 +\n"
        )
    };
    Epoch::new()
        .mail(normal(1), T0)
        .deletion(T0 + 60)
        .mail(
            "Subject: no sender here\nMessage-ID: <anon@example.org>\n\nHello.\n",
            T0 + 120,
        )
        .mail(normal(2), T0 + 180)
        .write(&dir.join("warned.git"))
}

#[test]
fn warnings_are_summed_up_listed_with_verbose_and_silenced_with_quiet() {
    let tmp = TempDir::new().unwrap();
    let repo = two_kinds_of_warning(tmp.path());
    let report = |extra: &[&str]| {
        let mut args = vec!["report", "--archive", repo.path_str(), "--range", "master"];
        args.extend(extra);
        let (code, stdout, stderr) = run(&args);
        assert_eq!(code, 0, "{stderr}");
        assert!(stdout.contains("fix 2"));
        stderr
    };
    let lines = |s: &str| -> Vec<String> { s.lines().map(str::to_string).collect() };
    let normal = lines(&report(&[]));
    assert_eq!(normal.len(), 1, "{normal:?}");
    assert!(
        normal[0].starts_with("lore-digest: warning: ")
            && normal[0].ends_with("; and 1 more kind(s) of warning (--verbose lists each)"),
        "{normal:?}"
    );
    let verbose = lines(&report(&["--verbose"]));
    assert_eq!(verbose.len(), 2, "{verbose:?}");
    assert!(
        verbose
            .iter()
            .all(|l| l.starts_with("lore-digest: warning: "))
    );
    assert!(
        normal[0].starts_with(&verbose[0]),
        "the summary starts with the first"
    );
    assert_eq!(report(&["-q"]), "");
    // Both at once make no sense.
    let (code, _, _) = run(&[
        "report",
        "--archive",
        repo.path_str(),
        "--range",
        "master",
        "-q",
        "-v",
    ]);
    assert_eq!(code, 2);
}

#[test]
fn sync_shows_its_transfer_on_a_terminal_only() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path().join("srv");
    serve_epoch(&root, 0, &epoch(0..300, &[]));
    let daemon = git_daemon(&root);
    let url = format!("git://127.0.0.1:{}/kvm", daemon.port);
    let bin = env!("CARGO_BIN_EXE_lore-digest");

    // In a pipe: the outcome, no progress, no terminal codes.
    let piped = tmp.path().join("piped");
    let out = Command::new(bin)
        .args(["sync", &url, "--into", piped.to_str().unwrap()])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        stderr.trim(),
        format!(
            "lore-digest: git/0.git: cloned, head {}",
            &common::servers::server_head(&root, 0)[..8]
        )
    );
    assert!(!stderr.contains('\x1b'));
    // Quiet: nothing but the mirror's path on standard output.
    let quiet = tmp.path().join("quiet");
    let out = Command::new(bin)
        .args(["sync", &url, "--into", quiet.to_str().unwrap(), "--quiet"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        quiet.to_str().unwrap()
    );

    // On a terminal (script(1) gives it a pty): what was received, and how fast.
    if !have("/usr/bin/script", "bsdutils", "sync progress check") {
        return;
    }
    let shown = tmp.path().join("terminal");
    let typescript = tmp.path().join("typescript");
    let status = Command::new("/usr/bin/script")
        .arg("-qec")
        .arg(format!("{bin} sync {url} --into {}", shown.display()))
        .arg(&typescript)
        .env("TERM", "xterm")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let screen = String::from_utf8_lossy(&std::fs::read(&typescript).unwrap()).into_owned();
    let line = screen
        .lines()
        .find(|l| l.contains("git/0.git: received"))
        .unwrap_or_else(|| panic!("no transfer line in:\n{screen:?}"));
    // 300 commits, each a commit, a tree and a blob.
    assert!(line.contains("received 900 objects, "), "{line:?}");
    assert!(
        line.contains(" KiB in ") && line.contains("/s)"),
        "{line:?}"
    );
    eprintln!("on the terminal: {}", line.trim());
}
