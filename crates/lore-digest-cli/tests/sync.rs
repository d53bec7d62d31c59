//! `lore-digest sync` against real git servers on loopback, started here:
//! `git daemon` for git://, and `git http-backend` behind lighttpd for
//! smart HTTP, serving a lore-shaped tree (`/kvm/git/N.git`, and
//! `/kvm/manifest.js.gz` over HTTP) built from fixture mails.
//!
//! lighttpd comes from Debian (`.ci/run` installs it); without it the HTTP
//! test says so and is skipped, except under CI, where it fails.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// A server process, killed when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn wait_until_listening(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "server on port {port} did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The directory of git's own programs (`git-daemon`, `git-http-backend`).
fn git_exec_path() -> PathBuf {
    let out = Command::new("git")
        .arg("--exec-path")
        .output()
        .expect("git --exec-path");
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

/// `git daemon` exporting everything under `root`. `git-daemon` is started
/// itself: `git daemon` would run it as a child that outlives a kill.
fn git_daemon(root: &Path) -> Server {
    let port = free_port();
    let child = Command::new(git_exec_path().join("git-daemon"))
        .args(["--reuseaddr", "--export-all", "--listen=127.0.0.1"])
        .arg(format!("--port={port}"))
        .arg(format!("--base-path={}", root.display()))
        .arg(root)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start git daemon");
    let server = Server { child, port };
    wait_until_listening(port);
    server
}

fn lighttpd_binary() -> Option<PathBuf> {
    ["/usr/sbin/lighttpd", "/usr/bin/lighttpd"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// lighttpd serving `root` statically, with `/kvm/git/…` handed to
/// `git http-backend` (smart HTTP) for the repositories under `root/kvm/git`.
fn lighttpd(root: &Path, conf_dir: &Path) -> Option<Server> {
    let Some(binary) = lighttpd_binary() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "lighttpd is missing; .ci/run installs it"
        );
        eprintln!(
            "skipping the smart HTTP part: lighttpd is not installed (apt-get install lighttpd)"
        );
        return None;
    };
    let backend = git_exec_path().join("git-http-backend");
    let port = free_port();
    let conf = conf_dir.join("lighttpd.conf");
    std::fs::write(
        &conf,
        format!(
            r#"server.document-root = "{root}"
server.port = {port}
server.bind = "127.0.0.1"
server.modules = ( "mod_alias", "mod_cgi", "mod_setenv" )
server.errorlog = "{log}"
alias.url = ( "/kvm/git" => "{backend}" )
$HTTP["url"] =~ "^/kvm/git" {{
  cgi.assign = ( "" => "" )
  setenv.add-environment = ( "GIT_PROJECT_ROOT" => "{root}/kvm/git", "GIT_HTTP_EXPORT_ALL" => "1" )
}}
"#,
            root = root.display(),
            log = conf_dir.join("lighttpd.log").display(),
            backend = backend.display(),
        ),
    )
    .expect("write lighttpd.conf");
    let child = Command::new(binary)
        .args(["-D", "-f"])
        .arg(&conf)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start lighttpd");
    let server = Server { child, port };
    wait_until_listening(port);
    Some(server)
}

/// The `n`-th fixture mail and its arrival: patches and replies by turns.
fn nth_mail(n: i64) -> (String, i64) {
    let time = common::T0 + n * common::HOUR;
    let raw = if n % 3 == 0 {
        format!(
            "From: Ann Author <ann@widgets.example>\nSubject: [PATCH] widget: change {n}\nMessage-ID: <m{n}@widgets.example>\nList-Id: <kvm.vger.kernel.org>\n\nChange {n}.\n\nSigned-off-by: Ann Author <ann@widgets.example>\n---\n w.c | 1 +\n 1 file changed, 1 insertion(+)\n"
        )
    } else {
        let parent = n - n % 3;
        format!(
            "From: Rev Iewer <rev@reviews.example>\nSubject: Re: [PATCH] widget: change {parent}\nMessage-ID: <m{n}@reviews.example>\nIn-Reply-To: <m{parent}@widgets.example>\nList-Id: <kvm.vger.kernel.org>\n\nLooks fine.\n"
        )
    };
    (raw, time)
}

/// An epoch holding mails `range`, skipping those in `purged`.
fn epoch(range: std::ops::Range<i64>, purged: &[i64]) -> common::Epoch {
    range
        .filter(|n| !purged.contains(n))
        .map(nth_mail)
        .fold(common::Epoch::new(), |e, (raw, time)| e.mail(raw, time))
}

/// Writes (or replaces) `root/kvm/git/N.git` and the manifest listing
/// every epoch there. Fixture commits are deterministic, so an epoch
/// rewritten with more mails keeps the ids of the commits it had.
fn serve_epoch(root: &Path, number: u32, epoch: &common::Epoch) {
    let git_dir = root.join("kvm/git");
    std::fs::create_dir_all(&git_dir).unwrap();
    let fresh = git_dir.join(format!("{number}.git.new"));
    let _ = std::fs::remove_dir_all(&fresh);
    epoch.write(&fresh);
    let path = git_dir.join(format!("{number}.git"));
    let _ = std::fs::remove_dir_all(&path);
    std::fs::rename(&fresh, &path).unwrap();
    write_manifest(root);
}

fn write_manifest(root: &Path) {
    let git_dir = root.join("kvm/git");
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(&git_dir).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".git") {
            let head = common::Repo { path: entry.path() };
            let time = head.head_time();
            entries.push(format!(r#""/kvm/git/{name}": {{"modified": {time}}}"#));
        }
    }
    let json = format!("{{{}}}", entries.join(", "));
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(json.as_bytes()).unwrap();
    std::fs::write(root.join("kvm/manifest.js.gz"), gz.finish().unwrap()).unwrap();
}

fn sync(url: &str, into: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["sync", url, "--into", into.to_str().unwrap()];
    args.extend_from_slice(extra);
    common::run(&args)
}

fn sync_ok(url: &str, into: &Path, extra: &[&str]) -> String {
    let (code, out, err) = sync(url, into, extra);
    assert_eq!(code, 0, "sync {url} failed: {err}");
    // Standard output is the mirror, ready for `report --archive`.
    assert_eq!(out.trim(), into.to_str().unwrap());
    err
}

/// The JSON report of `archive` for all its history (or `--since`).
fn report(archive: &Path, since: Option<&str>) -> serde_json::Value {
    let archive = archive.to_str().unwrap();
    let mut args = vec!["report", "--archive", archive, "--format", "json"];
    match since {
        Some(since) => args.extend(["--since", since]),
        None => args.extend(["--since", "1970-01-01"]),
    }
    let (code, out, err) = common::run(&args);
    assert_eq!(code, 0, "report failed: {err}");
    serde_json::from_str(&out).unwrap()
}

fn mirror_head(mirror: &Path, number: u32) -> String {
    let out = Command::new("git")
        .arg("--git-dir")
        .arg(mirror.join(format!("git/{number}.git")))
        .args(["rev-parse", "HEAD"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn server_head(root: &Path, number: u32) -> String {
    common::Repo {
        path: root.join(format!("kvm/git/{number}.git")),
    }
    .commit_head()
}

fn is_shallow(mirror: &Path, number: u32) -> bool {
    mirror
        .join(format!("git/{number}.git/shallow"))
        .metadata()
        .is_ok_and(|m| m.len() > 0)
}

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

/// A TCP proxy to `port` that closes each connection after `limit` bytes
/// from the server.
fn cutting_proxy(port: u16, limit: usize) -> u16 {
    proxy(port, Arc::new(AtomicUsize::new(limit)))
}

/// A TCP proxy to `port` that passes `limit` bytes from the server per
/// connection (read anew for each connection), then closes it.
fn proxy(port: u16, limit: Arc<AtomicUsize>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy_port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let limit = limit.load(Ordering::SeqCst);
            let Ok(server) = TcpStream::connect(("127.0.0.1", port)) else {
                continue;
            };
            let (mut client_in, mut server_out) =
                (client.try_clone().unwrap(), server.try_clone().unwrap());
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut client_in, &mut server_out);
            });
            std::thread::spawn(move || {
                let (mut server, mut client) = (server, client);
                let mut sent = 0;
                let mut buf = [0u8; 1024];
                while sent < limit {
                    match server.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            if client.write_all(&buf[..n]).is_err() {
                                break;
                            }
                            sent += n;
                        }
                    }
                }
                let _ = client.shutdown(std::net::Shutdown::Both);
                let _ = server.shutdown(std::net::Shutdown::Both);
            });
        }
    });
    proxy_port
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
