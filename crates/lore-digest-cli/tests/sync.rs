//! `lore-digest sync` against real git servers on loopback, started here:
//! `git daemon` for git://, and `git http-backend` behind lighttpd for
//! smart HTTP, serving a lore-shaped tree (`/kvm/git/N.git`, and
//! `/kvm/manifest.js.gz` over HTTP) built from fixture mails.
//!
//! lighttpd comes from Debian (`.ci/run` installs it); without it the HTTP
//! test says so and is skipped, except under CI, where it fails.

mod common;

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

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
    let run = |extra: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_lore-digest"))
            .args(["report", "kvm", "--since", since, "--config"])
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
