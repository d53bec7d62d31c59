//! `lore-digest sync` against real git servers on loopback, started here:
//! `git daemon` for git://, and `git http-backend` behind lighttpd for
//! smart HTTP, serving a lore-shaped tree (`/kvm/git/N.git`, and
//! `/kvm/manifest.js.gz` over HTTP) built from fixture mails.
//!
//! lighttpd comes from Debian (`.ci/run` installs it); without it the HTTP
//! test says so and is skipped, except under CI, where it fails.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::servers::*;
use tempfile::TempDir;

/// First clone, new mail, an epoch roll-over and a purge, over git:// with
/// epochs found by probing; the mirror always gives the server's report.
#[test]
fn git_protocol_clone_fetch_rollover_and_purge() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path().join("srv");
    serve_epoch(&root, 0, &epoch(0..12, &[]));
    let daemon = git_daemon(&root);
    let url = format!("git://127.0.0.1:{}/kvm", daemon.port);
    let mirror = tmp.path().join("mirror");
    let inbox = root.join("kvm");

    let err = sync_ok(&url, &mirror, &[]);
    assert!(err.contains("git/0.git: cloned"), "{err}");
    assert!(!is_shallow(&mirror, 0));
    assert_eq!(report(&mirror, None), report(&inbox, None));

    // New mail: only what is new is fetched.
    serve_epoch(&root, 0, &epoch(0..20, &[]));
    let before = mirror_head(&mirror, 0);
    let err = sync_ok(&url, &mirror, &[]);
    assert!(err.contains(&format!("fetched {}", &before[..8])), "{err}");
    assert_eq!(mirror_head(&mirror, 0), server_head(&root, 0));
    let err = sync_ok(&url, &mirror, &[]);
    assert!(err.contains("up to date"), "{err}");

    // The list rolls over to a new epoch.
    serve_epoch(&root, 1, &epoch(20..26, &[]));
    let err = sync_ok(&url, &mirror, &[]);
    assert!(err.contains("git/1.git: cloned"), "{err}");
    let mirrored = report(&mirror, None);
    assert_eq!(mirrored, report(&inbox, None));
    assert_eq!(mirrored["stats"]["messages"], 26);

    // One epoch by its own URL lands as that epoch of a mirror.
    let single = tmp.path().join("single");
    let err = sync_ok(&format!("{url}/git/1.git"), &single, &[]);
    assert!(err.contains("git/1.git: cloned"), "{err}");
    assert_eq!(mirror_head(&single, 1), server_head(&root, 1));

    // A purge rewrites the epoch's history; the mirror follows it.
    serve_epoch(&root, 1, &epoch(20..27, &[22]));
    sync_ok(&url, &mirror, &[]);
    assert_eq!(mirror_head(&mirror, 1), server_head(&root, 1));
    assert_eq!(report(&mirror, None)["stats"]["messages"], 26);
}

/// `--since` makes the first clone shallow; a longer window deepens it.
#[test]
fn shallow_first_clone_then_deepen() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path().join("srv");
    serve_epoch(&root, 0, &epoch(0..48, &[]));
    let daemon = git_daemon(&root);
    let url = format!("git://127.0.0.1:{}/kvm", daemon.port);
    let mirror = tmp.path().join("mirror");
    let inbox = root.join("kvm");

    // T0 + 36h: the last 12 mails.
    let since = "2025-05-02T12:00:00Z";
    sync_ok(&url, &mirror, &["--since", since]);
    assert!(is_shallow(&mirror, 0));
    assert_eq!(report(&mirror, Some(since)), report(&inbox, Some(since)));
    assert_eq!(report(&mirror, Some(since))["stats"]["messages"], 12);

    let longer = "2025-05-01T12:00:00Z";
    let err = sync_ok(&url, &mirror, &["--since", longer]);
    assert!(err.contains("git/0.git: deepened"), "{err}");
    assert_eq!(report(&mirror, Some(longer)), report(&inbox, Some(longer)));
    assert_eq!(report(&mirror, Some(longer))["stats"]["messages"], 36);
}

/// A server that breaks off mid-fetch: a clear error and exit code 3; the
/// mirror still reports; the next sync recovers.
#[test]
fn a_server_that_goes_away_mid_fetch() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path().join("srv");
    serve_epoch(&root, 0, &epoch(0..6, &[]));
    let daemon = git_daemon(&root);
    let url = format!("git://127.0.0.1:{}/kvm", daemon.port);
    let mirror = tmp.path().join("mirror");
    sync_ok(&url, &mirror, &[]);
    let before = report(&mirror, None);

    // Lots of new mail, then a proxy that cuts the connection early in the pack.
    serve_epoch(&root, 0, &epoch(0..400, &[]));
    let cut = cutting_proxy(daemon.port, 4096);
    let cut_url = format!("git://127.0.0.1:{cut}/kvm");
    let (code, _, err) = sync(&cut_url, &mirror, &[]);
    assert_eq!(code, 3, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("lore-digest: error: git://127.0.0.1:"),
        "{err}"
    );
    assert_eq!(report(&mirror, None), before);

    // A first clone cut off leaves no half epoch behind.
    let fresh = tmp.path().join("fresh");
    let (code, _, err) = sync(&cut_url, &fresh, &[]);
    assert_eq!(code, 3, "{err}");
    assert!(!fresh.join("git/0.git").exists());

    sync_ok(&url, &mirror, &[]);
    assert_eq!(mirror_head(&mirror, 0), server_head(&root, 0));
    assert_eq!(report(&mirror, None)["stats"]["messages"], 400);

    // No server at all.
    drop(daemon);
    let (code, _, err) = sync(&url, &mirror, &[]);
    assert_eq!(code, 3, "{err}");
}

/// Smart HTTP through lighttpd and git http-backend, with epochs from the
/// grokmirror manifest; a shallow clone leaves out an epoch with no mail
/// since the cutoff.
#[test]
fn smart_http_with_a_manifest() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path().join("srv");
    serve_epoch(&root, 0, &epoch(0..10, &[]));
    serve_epoch(&root, 1, &epoch(30..40, &[]));
    let Some(server) = lighttpd(&root, tmp.path()) else {
        return;
    };
    let url = format!("http://127.0.0.1:{}/kvm", server.port);
    let mirror = tmp.path().join("mirror");
    let err = sync_ok(&url, &mirror, &[]);
    assert!(
        err.contains("git/0.git: cloned") && err.contains("git/1.git: cloned"),
        "{err}"
    );
    assert_eq!(report(&mirror, None), report(&root.join("kvm"), None));

    // Epoch 0 has no mail since T0 + 35h: a shallow clone skips it, and
    // takes the last 5 mails of epoch 1.
    let shallow = tmp.path().join("shallow");
    let since = "2025-05-02T11:00:00Z";
    let err = sync_ok(&url, &shallow, &["--since", since]);
    assert!(err.contains("git/0.git: skipped"), "{err}");
    assert!(is_shallow(&shallow, 1));
    let shallow_report = report(&shallow, Some(since));
    assert_eq!(shallow_report, report(&root.join("kvm"), Some(since)));
    assert_eq!(shallow_report["stats"]["messages"], 5);
}

/// `update` twice and more against a live server: the first covers
/// `--since`, each later one exactly what arrived since, across new mail, a
/// server that breaks off (nothing recorded, nothing lost), a purge that
/// rewrites history, and a new epoch.
#[test]
fn update_reports_each_mail_once() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path().join("srv");
    serve_epoch(&root, 0, &epoch(0..12, &[]));
    let daemon = git_daemon(&root);
    let limit = Arc::new(AtomicUsize::new(usize::MAX));
    let port = proxy(daemon.port, Arc::clone(&limit));
    let config = tmp.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[lists.kvm]\nurl = \"git://127.0.0.1:{port}/kvm\"\nformat = \"json\"\n"),
    )
    .unwrap();
    let state = tmp.path().join("state/kvm.json");
    let out = tmp.path().join("update.json");
    let update = || {
        let output = Command::new(env!("CARGO_BIN_EXE_lore-digest"))
            .args(["update", "kvm", "--since", "2025-04-01", "--config"])
            .arg(&config)
            .arg("--state")
            .arg(&state)
            .arg("-o")
            .arg(&out)
            .env("XDG_DATA_HOME", tmp.path().join("data"))
            .output()
            .unwrap();
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let messages = || -> u64 {
        let report: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        std::fs::remove_file(&out).unwrap();
        report["stats"]["messages"].as_u64().unwrap()
    };

    let (code, err) = update();
    assert_eq!(code, 0, "{err}");
    assert_eq!(messages(), 12);
    assert!(state.exists());

    let (code, err) = update();
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("no new mail on kvm"), "{err}");
    assert!(!out.exists());

    // New mail, but the server breaks off: no report, the state stays.
    serve_epoch(&root, 0, &epoch(0..20, &[]));
    let recorded = std::fs::read_to_string(&state).unwrap();
    limit.store(2048, Ordering::SeqCst);
    let (code, err) = update();
    assert_eq!(code, 3, "{err}");
    assert!(!out.exists());
    assert_eq!(std::fs::read_to_string(&state).unwrap(), recorded);
    limit.store(usize::MAX, Ordering::SeqCst);
    let (code, err) = update();
    assert_eq!(code, 0, "{err}");
    assert_eq!(messages(), 8);

    // A purge of reported mail rewrites the epoch; new mail came too.
    serve_epoch(&root, 0, &epoch(0..26, &[3]));
    let (code, err) = update();
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("git/0.git was rewritten"), "{err}");
    assert_eq!(messages(), 6);

    // The list rolls over.
    serve_epoch(&root, 1, &epoch(26..30, &[]));
    let (code, err) = update();
    assert_eq!(code, 0, "{err}");
    assert_eq!(messages(), 4);

    // A report that cannot be written records nothing.
    serve_epoch(&root, 1, &epoch(26..31, &[]));
    let recorded = std::fs::read_to_string(&state).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_lore-digest"))
        .args(["update", "kvm", "--config"])
        .arg(&config)
        .arg("--state")
        .arg(&state)
        .arg("-o")
        .arg(tmp.path().join("no/such/dir/update.json"))
        .env("XDG_DATA_HOME", tmp.path().join("data"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&state).unwrap(), recorded);
    let (code, err) = update();
    assert_eq!(code, 0, "{err}");
    assert_eq!(messages(), 1);
}

/// `report LIST`: a configured list is synced (shallow, back to --since)
/// and reported with its settings; `--offline` uses the mirror as it is.
#[test]
fn report_by_list_name_syncs_what_it_needs() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path().join("srv");
    serve_epoch(&root, 0, &epoch(0..48, &[]));
    let daemon = git_daemon(&root);
    let config = tmp.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[defaults]\ntop = 3\n\n[lists.kvm]\nurl = \"git://127.0.0.1:{}/kvm\"\ntitle = \"KVM\"\nformat = \"json\"\n",
            daemon.port
        ),
    )
    .unwrap();
    let since = "2025-05-02T12:00:00Z";
    // Without a comparison the window alone is synced (a comparison
    // reaches back a window's length more, here from a mail of 2025 to
    // now: the whole history).
    let run = |extra: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_lore-digest"))
            .args([
                "report",
                "kvm",
                "--compare",
                "none",
                "--since",
                since,
                "--config",
            ])
            .arg(&config)
            .args(extra)
            .env("XDG_DATA_HOME", tmp.path().join("data"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(output.status.code(), Some(0), "{stderr}");
        serde_json::from_slice::<serde_json::Value>(&output.stdout).unwrap()
    };
    let report = run(&[]);
    assert_eq!(report["list"], "KVM");
    assert_eq!(report["stats"]["messages"], 12);
    let mirror = tmp.path().join("data/lore-digest/mirrors");
    let host_dir = std::fs::read_dir(&mirror)
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    assert!(
        host_dir.join("kvm/git/0.git/shallow").exists(),
        "{}",
        host_dir.display()
    );

    drop(daemon);
    let offline = run(&["--offline"]);
    assert_eq!(offline["stats"], report["stats"]);
}

/// A list followed by `update`: its configuration, state, mirror and
/// cache all in one temporary directory.
struct Follower {
    dir: PathBuf,
    config: PathBuf,
    state: PathBuf,
}

impl Follower {
    fn new(dir: &Path, url: &str) -> Follower {
        let config = dir.join("config.toml");
        std::fs::write(
            &config,
            format!("[lists.kvm]\nurl = \"{url}\"\nformat = \"json\"\n"),
        )
        .unwrap();
        Follower {
            dir: dir.to_path_buf(),
            config,
            state: dir.join("state/kvm.json"),
        }
    }

    /// `update kvm -o OUT`, with `extra` options.
    fn command(&self, out: &Path, extra: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_lore-digest"));
        command
            .args(["update", "kvm", "--since", "2025-04-01", "--config"])
            .arg(&self.config)
            .arg("--state")
            .arg(&self.state)
            .arg("-o")
            .arg(out)
            .args(extra)
            .env("XDG_DATA_HOME", self.dir.join("data"))
            .env("XDG_CACHE_HOME", self.dir.join("cache"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    fn update(&self, out: &Path, extra: &[&str]) -> (i32, String) {
        let output = self.command(out, extra).output().unwrap();
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    /// The mirror `update` syncs.
    fn mirror(&self) -> PathBuf {
        let mirrors = self.dir.join("data/lore-digest/mirrors");
        let host = std::fs::read_dir(&mirrors)
            .unwrap()
            .flatten()
            .next()
            .unwrap();
        host.path().join("kvm")
    }
}

/// The Message-IDs of a JSON report's mails, from its series and threads
/// (every fixture mail is a patch or a reply to one).
fn reported(out: &Path) -> usize {
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    report["stats"]["messages"].as_u64().unwrap() as usize
}

/// Waits until `child` ends or `limit` passes; its exit code, or `None`
/// while it still runs.
fn wait_for(child: &mut std::process::Child, limit: Duration) -> Option<i32> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status.code().unwrap_or(-1));
        }
        if Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Polls until `cond` holds (at most 20 s).
fn until(what: &str, cond: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Two updates started together while a third run holds the list: both
/// wait, then one reports the mail and the other finds nothing new. Three
/// syncs into one new mirror at once all succeed, one after the other.
#[test]
fn concurrent_updates_and_syncs_take_turns() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path().join("srv");
    serve_epoch(&root, 0, &epoch(0..12, &[]));
    let daemon = git_daemon(&root);
    let url = format!("git://127.0.0.1:{}/kvm", daemon.port);
    let follower = Follower::new(tmp.path(), &url);

    let held = hold_lock(&tmp.path().join("state/kvm.json.lock"));
    let outs = [tmp.path().join("a.json"), tmp.path().join("b.json")];
    let mut runs: Vec<_> = outs
        .iter()
        .map(|out| follower.command(out, &["--wait", "60"]).spawn().unwrap())
        .collect();
    for run in &mut runs {
        assert_eq!(wait_for(run, Duration::from_millis(700)), None, "it waits");
    }
    drop(held);
    let mut delivered = 0;
    for (run, out) in runs.into_iter().zip(&outs) {
        let output = run.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{err}");
        let note = format!(
            "lore-digest: note: waiting for another update of kvm (pid {})",
            std::process::id()
        );
        assert!(err.contains(&note), "{err}");
        if out.exists() {
            delivered += reported(out);
        } else {
            assert!(err.contains("no new mail on kvm"), "{err}");
        }
    }
    assert_eq!(delivered, 12, "each mail once, in one of the two reports");

    // Three syncs into one new mirror (they used to break each other).
    let mirror = tmp.path().join("shared");
    let syncs: Vec<_> = (0..3)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_lore-digest"))
                .args(["sync", &url, "--into", mirror.to_str().unwrap()])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for sync in syncs {
        let output = sync.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{err}");
    }
    assert_eq!(mirror_head(&mirror, 0), server_head(&root, 0));
}

/// `--no-wait` gives up at once and `--wait 1` after a second, with exit
/// code 75 and the holder's pid; a lock file that cannot be made is a
/// local failure (exit 1).
#[test]
fn a_held_list_or_mirror_gives_exit_75() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path().join("srv");
    serve_epoch(&root, 0, &epoch(0..3, &[]));
    let daemon = git_daemon(&root);
    let url = format!("git://127.0.0.1:{}/kvm", daemon.port);
    let follower = Follower::new(tmp.path(), &url);
    let out = tmp.path().join("out.json");
    let pid = std::process::id();

    let held = hold_lock(&tmp.path().join("state/kvm.json.lock"));
    let started = Instant::now();
    let (code, err) = follower.update(&out, &["--no-wait"]);
    assert_eq!(code, 75, "{err}");
    assert_eq!(
        err,
        format!("lore-digest: error: another update of kvm is running (pid {pid})\n")
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    let started = Instant::now();
    let (code, err) = follower.update(&out, &["--wait", "1"]);
    assert_eq!(code, 75, "{err}");
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert!(err.contains("waiting for another update of kvm"), "{err}");
    assert!(!out.exists() && !follower.state.exists());
    drop(held);

    let mirror = tmp.path().join("mirror");
    let held = hold_lock(&mirror.join("lore-digest-sync.lock"));
    let (code, _, err) = sync(&url, &mirror, &["--no-wait"]);
    assert_eq!(code, 75, "{err}");
    assert_eq!(
        err,
        format!(
            "lore-digest: error: another sync of {} is running (pid {pid})\n",
            mirror.display()
        )
    );
    drop(held);
    sync_ok(&url, &mirror, &["--no-wait"]);

    let blocked = tmp.path().join("file");
    std::fs::write(&blocked, "").unwrap();
    let (code, _, err) = sync(&url, &blocked.join("mirror"), &[]);
    assert_eq!(code, 1, "{err}");
}

/// A sync killed (SIGKILL: no handler runs) in the middle of a first
/// clone and of a fetch: the mirror stays readable, and the next sync
/// removes what it left, says so, and ends up where the server is.
#[test]
fn a_sync_killed_mid_transfer_then_a_clean_sync() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path().join("srv");
    serve_epoch(&root, 0, &epoch(0..400, &[]));
    let daemon = git_daemon(&root);
    let url = format!("git://127.0.0.1:{}/kvm", daemon.port);
    let hung = proxy_with(
        daemon.port,
        Arc::new(AtomicUsize::new(4096)),
        Arc::new(AtomicBool::new(true)),
    );
    let hung_url = format!("git://127.0.0.1:{hung}/kvm");
    let mirror = tmp.path().join("mirror");
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_lore-digest"))
            .args(["sync", &hung_url, "--into", mirror.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };

    let mut clone = spawn();
    let partial = mirror.join("git/0.git.partial");
    until("the clone to start", || {
        partial.join("objects/pack").exists()
    });
    std::thread::sleep(Duration::from_millis(300));
    clone.kill().unwrap();
    clone.wait().unwrap();
    assert!(partial.exists() && !mirror.join("git/0.git").exists());
    let err = sync_ok(&url, &mirror, &["--no-wait"]);
    assert!(
        err.contains("note: removed git/0.git.partial, left by an interrupted clone"),
        "{err}"
    );
    assert_eq!(mirror_head(&mirror, 0), server_head(&root, 0));
    let before = report(&mirror, None);

    serve_epoch(&root, 0, &epoch(0..1200, &[]));
    let mut fetch = spawn();
    let pack = mirror.join("git/0.git/objects/pack");
    let temp_pack = || {
        std::fs::read_dir(&pack)
            .unwrap()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with(".tmp"))
    };
    until("the fetch to write a pack", temp_pack);
    fetch.kill().unwrap();
    fetch.wait().unwrap();
    // Killed mid-fetch: the mirror reads as before.
    assert_eq!(report(&mirror, None), before);
    let err = sync_ok(&url, &mirror, &["--no-wait"]);
    assert!(
        err.contains("git/0.git: removed objects/pack/.tmp"),
        "{err}"
    );
    assert!(!temp_pack());
    assert_eq!(mirror_head(&mirror, 0), server_head(&root, 0));
    assert_eq!(report(&mirror, None), report(&root.join("kvm"), None));
}

/// An update killed while its sync hangs, and one killed after its report
/// was written but with the state not yet saved... (the latter cannot be
/// aimed at from outside; the soak test kills at random moments). Here:
/// the state stays, the kernel released the lock (`--no-wait` succeeds),
/// and the next update reports every new mail once.
#[test]
fn an_update_killed_mid_sync_then_a_clean_update() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path().join("srv");
    serve_epoch(&root, 0, &epoch(0..12, &[]));
    let daemon = git_daemon(&root);
    let limit = Arc::new(AtomicUsize::new(usize::MAX));
    let stall = Arc::new(AtomicBool::new(false));
    let port = proxy_with(daemon.port, Arc::clone(&limit), Arc::clone(&stall));
    let follower = Follower::new(tmp.path(), &format!("git://127.0.0.1:{port}/kvm"));
    let out = tmp.path().join("out.json");
    let (code, err) = follower.update(&out, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(reported(&out), 12);
    std::fs::remove_file(&out).unwrap();
    let recorded = std::fs::read(&follower.state).unwrap();

    serve_epoch(&root, 0, &epoch(0..900, &[]));
    limit.store(4096, Ordering::SeqCst);
    stall.store(true, Ordering::SeqCst);
    let mut run = follower.command(&out, &[]).spawn().unwrap();
    let pack = follower.mirror().join("git/0.git/objects/pack");
    until("the update's fetch to write a pack", || {
        std::fs::read_dir(&pack)
            .unwrap()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with(".tmp"))
    });
    run.kill().unwrap();
    run.wait().unwrap();
    assert_eq!(std::fs::read(&follower.state).unwrap(), recorded);
    assert!(!out.exists());

    limit.store(usize::MAX, Ordering::SeqCst);
    stall.store(false, Ordering::SeqCst);
    // What a run killed while writing its state would leave (that moment
    // is too short to aim a kill at; the soak test hits it by chance).
    let leftover = tmp.path().join("state/.kvm.json.Ab12Cd.tmp");
    std::fs::write(&leftover, "{ half").unwrap();
    let (code, err) = follower.update(&out, &["--no-wait"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("left by an interrupted sync"), "{err}");
    assert!(
        err.contains(&format!(
            "note: removed {}, left by an interrupted update",
            leftover.display()
        )),
        "{err}"
    );
    assert!(!leftover.exists());
    assert_eq!(reported(&out), 888);
}

/// A manifest that is a gzip bomb, one that redirects forever, and one
/// that lists an absurd epoch: each refused with exit 3 and a line that
/// says what the server did.
#[test]
fn hostile_manifests_are_refused() {
    // 80 MiB of spaces, about 80 KiB packed.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..80 {
        gz.write_all(&chunk).unwrap();
    }
    let bomb = gz.finish().unwrap();
    assert!(bomb.len() < 1 << 20);
    let absurd = {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(br#"{"/absurd/git/0.git": {}, "/absurd/git/5000.git": {}}"#)
            .unwrap();
        gz.finish().unwrap()
    };
    let port = http_server(move |path| match path {
        "/bomb/manifest.js.gz" => Reply::Body(200, bomb.clone()),
        "/absurd/manifest.js.gz" => Reply::Body(200, absurd.clone()),
        "/loop/manifest.js.gz" => Reply::Redirect("/loop/manifest.js.gz".into()),
        // No manifest, and gix's first request redirected forever.
        p if p.starts_with("/gitloop/git/0.git/info/refs") => Reply::Redirect(p.into()),
        _ => Reply::Body(404, Vec::new()),
    });
    let tmp = TempDir::new().unwrap();
    let expect = |list: &str, says: &str| {
        let url = format!("http://127.0.0.1:{port}/{list}");
        let (code, _, err) = sync(&url, &tmp.path().join(list), &[]);
        assert_eq!(code, 3, "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with(&format!("lore-digest: error: {url}/manifest.js.gz: ")),
            "{err}"
        );
        assert!(err.contains(says), "{err}");
        assert!(!tmp.path().join(list).join("git/0.git").exists());
    };
    expect("bomb", "the manifest unpacks to more than 64 MiB");
    expect("loop", "redirected more than 5 times");
    expect("absurd", "lists git/5000.git, beyond the 1000 epochs");
    // gix's transport cannot be told a redirect limit: libcurl's own (30
    // since curl 8.3, none before) or the stall timeout ends a loop.
    let url = format!("http://127.0.0.1:{port}/gitloop");
    let started = Instant::now();
    let (code, _, err) = sync(&url, &tmp.path().join("gitloop"), &["--timeout", "3"]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains(&format!("{url}/git/0.git: ")), "{err}");
    assert!(started.elapsed() < Duration::from_secs(20));
}

/// Servers that accept and then say nothing: over git://, for the HTTP
/// manifest, and for gix's HTTP transport. Each gives up after
/// `--timeout`, with exit 3 and the URL.
#[test]
fn a_stalling_server_is_given_up_after_the_timeout() {
    let tmp = TempDir::new().unwrap();
    let silent = silent_server();
    let http = http_server(|path| {
        if path.ends_with("manifest.js.gz") {
            Reply::Body(404, Vec::new())
        } else {
            Reply::Silent
        }
    });
    for (url, named) in [
        (
            format!("git://127.0.0.1:{silent}/kvm/git/0.git"),
            format!("git://127.0.0.1:{silent}/kvm/git/0.git"),
        ),
        (
            format!("http://127.0.0.1:{silent}/kvm"),
            format!("http://127.0.0.1:{silent}/kvm/manifest.js.gz"),
        ),
        (
            format!("http://127.0.0.1:{http}/kvm"),
            format!("http://127.0.0.1:{http}/kvm/git/0.git"),
        ),
    ] {
        let started = Instant::now();
        let (code, _, err) = sync(&url, &tmp.path().join("mirror"), &["--timeout", "2"]);
        let took = started.elapsed();
        assert_eq!(code, 3, "{url}: {err}");
        assert_eq!(
            err,
            format!(
                "lore-digest: error: {named}: the server stalled: less than 10 bytes/s for 2 s (--timeout)\n"
            )
        );
        assert!(took < Duration::from_secs(15), "{url}: {took:?}");
    }
}

/// A file size limit (a full disk) during a first clone and during a
/// fetch: exit 1, not 3, since the fault is here and retrying will not
/// help; the mirror is left as it was.
#[test]
fn a_full_disk_during_sync_is_a_local_failure() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path().join("srv");
    serve_epoch(&root, 0, &epoch(0..300, &[]));
    let daemon = git_daemon(&root);
    let url = format!("git://127.0.0.1:{}/kvm", daemon.port);
    let mirror = tmp.path().join("mirror");
    let limited = |limit: u64| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_lore-digest"));
        command.args(["sync", &url, "--into", mirror.to_str().unwrap()]);
        let output = with_file_size_limit(command, limit).output().unwrap();
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (code, err) = limited(16 << 10);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("File too large"), "{err}");
    assert!(!mirror.join("git/0.git").exists());
    assert!(!mirror.join("git/0.git.partial").exists());

    sync_ok(&url, &mirror, &[]);
    let before = report(&mirror, None);
    serve_epoch(&root, 0, &epoch(0..2000, &[]));
    let (code, err) = limited(16 << 10);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("File too large"), "{err}");
    assert_eq!(report(&mirror, None), before);
}

/// A list that rolled over, then had its old epoch purged: nothing is
/// reported twice (the old epoch's last mails are remembered too, not only
/// the newest epoch's). Then a server that offers a shorter history for a
/// known epoch (forced back past what was reported): handled as a purge,
/// and mail that comes after it is reported once.
#[test]
fn rewrites_of_older_epochs_and_forced_histories_report_nothing_twice() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path().join("srv");
    serve_epoch(&root, 0, &epoch(0..12, &[]));
    let daemon = git_daemon(&root);
    let follower = Follower::new(tmp.path(), &format!("git://127.0.0.1:{}/kvm", daemon.port));
    let out = tmp.path().join("out.json");
    let step = |expected: Option<usize>| {
        let (code, err) = follower.update(&out, &[]);
        assert_eq!(code, 0, "{err}");
        match expected {
            Some(n) => {
                assert_eq!(reported(&out), n, "{err}");
                std::fs::remove_file(&out).unwrap();
            }
            None => {
                assert!(err.contains("no new mail on kvm"), "{err}");
                assert!(!out.exists());
            }
        }
        err
    };
    step(Some(12));
    serve_epoch(&root, 1, &epoch(12..15, &[]));
    step(Some(3));
    // A purge in epoch 0, long after it was reported: nothing new (its
    // last mail, at the recorded head's time, is not taken again).
    serve_epoch(&root, 0, &epoch(0..12, &[5]));
    step(None);
    serve_epoch(&root, 1, &epoch(12..17, &[]));
    step(Some(2));

    // Epoch 1 forced back to an older history (nothing new, and its head
    // recorded), then new mail on top of that.
    serve_epoch(&root, 1, &epoch(12..14, &[]));
    step(None);
    serve_epoch(
        &root,
        1,
        &epoch(12..14, &[]).mail(nth_mail(40).0, nth_mail(40).1),
    );
    step(Some(1));
}

/// `cmd` unable to write files beyond `bytes`: a stand-in for a full disk.
/// Writes past the limit fail with EFBIG; SIGXFSZ is ignored, so the
/// process is not killed but sees the error.
fn with_file_size_limit(mut cmd: Command, bytes: u64) -> Command {
    use std::os::unix::process::CommandExt;
    // SAFETY: signal and setrlimit are async-signal-safe.
    unsafe {
        cmd.pre_exec(move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit {
                rlim_cur: bytes,
                rlim_max: bytes,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    cmd
}
