//! Servers for the sync and soak tests, started on loopback ports:
//! `git daemon` for git://, lighttpd with `git http-backend` for smart
//! HTTP, and TCP proxies that cut or stall what a server sends. They serve
//! a lore-shaped tree (`/kvm/git/N.git`, `/kvm/manifest.js.gz`) built from
//! fixture mails.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A server process, killed when dropped.
pub struct Server {
    pub child: Child,
    pub port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

pub fn wait_until_listening(port: u16) {
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
pub fn git_exec_path() -> PathBuf {
    let out = Command::new("git")
        .arg("--exec-path")
        .output()
        .expect("git --exec-path");
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

/// `git daemon` exporting everything under `root`. `git-daemon` is started
/// itself: `git daemon` would run it as a child that outlives a kill.
pub fn git_daemon(root: &Path) -> Server {
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

pub fn lighttpd_binary() -> Option<PathBuf> {
    ["/usr/sbin/lighttpd", "/usr/bin/lighttpd"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// lighttpd serving `root` statically, with `/kvm/git/…` handed to
/// `git http-backend` (smart HTTP) for the repositories under `root/kvm/git`.
pub fn lighttpd(root: &Path, conf_dir: &Path) -> Option<Server> {
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
pub fn nth_mail(n: i64) -> (String, i64) {
    let time = super::T0 + n * super::HOUR;
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
pub fn epoch(range: std::ops::Range<i64>, purged: &[i64]) -> super::Epoch {
    range
        .filter(|n| !purged.contains(n))
        .map(nth_mail)
        .fold(super::Epoch::new(), |e, (raw, time)| e.mail(raw, time))
}

/// Writes (or replaces) `root/kvm/git/N.git` and the manifest listing
/// every epoch there. Fixture commits are deterministic, so an epoch
/// rewritten with more mails keeps the ids of the commits it had.
pub fn serve_epoch(root: &Path, number: u32, epoch: &super::Epoch) {
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

pub fn write_manifest(root: &Path) {
    let git_dir = root.join("kvm/git");
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(&git_dir).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".git") {
            let head = super::Repo { path: entry.path() };
            let time = head.head_time();
            entries.push(format!(r#""/kvm/git/{name}": {{"modified": {time}}}"#));
        }
    }
    let json = format!("{{{}}}", entries.join(", "));
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(json.as_bytes()).unwrap();
    std::fs::write(root.join("kvm/manifest.js.gz"), gz.finish().unwrap()).unwrap();
}

pub fn sync(url: &str, into: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["sync", url, "--into", into.to_str().unwrap()];
    args.extend_from_slice(extra);
    super::run(&args)
}

pub fn sync_ok(url: &str, into: &Path, extra: &[&str]) -> String {
    let (code, out, err) = sync(url, into, extra);
    assert_eq!(code, 0, "sync {url} failed: {err}");
    // Standard output is the mirror, ready for `report --archive`.
    assert_eq!(out.trim(), into.to_str().unwrap());
    err
}

/// The JSON report of `archive` for all its history (or `--since`).
pub fn report(archive: &Path, since: Option<&str>) -> serde_json::Value {
    let archive = archive.to_str().unwrap();
    // The mirror and the server's inbox are compared on the window alone:
    // a shallow mirror holds nothing of the period before it.
    let mut args = vec![
        "report",
        "--archive",
        archive,
        "--format",
        "json",
        "--compare",
        "none",
    ];
    match since {
        Some(since) => args.extend(["--since", since]),
        None => args.extend(["--since", "1970-01-01"]),
    }
    let (code, out, err) = super::run(&args);
    assert_eq!(code, 0, "report failed: {err}");
    serde_json::from_str(&out).unwrap()
}

pub fn mirror_head(mirror: &Path, number: u32) -> String {
    let out = Command::new("git")
        .arg("--git-dir")
        .arg(mirror.join(format!("git/{number}.git")))
        .args(["rev-parse", "HEAD"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

pub fn server_head(root: &Path, number: u32) -> String {
    super::Repo {
        path: root.join(format!("kvm/git/{number}.git")),
    }
    .commit_head()
}

pub fn is_shallow(mirror: &Path, number: u32) -> bool {
    mirror
        .join(format!("git/{number}.git/shallow"))
        .metadata()
        .is_ok_and(|m| m.len() > 0)
}

/// A TCP proxy to `port` that closes each connection after `limit` bytes
/// from the server.
pub fn cutting_proxy(port: u16, limit: usize) -> u16 {
    proxy(port, Arc::new(AtomicUsize::new(limit)))
}

/// A TCP proxy to `port` that passes `limit` bytes from the server per
/// connection (read anew for each connection), then closes it.
pub fn proxy(port: u16, limit: Arc<AtomicUsize>) -> u16 {
    proxy_with(port, limit, Arc::new(AtomicBool::new(false)))
}

/// [`proxy`], which after `limit` bytes of a connection either closes it
/// or, while `stall` is set, holds it open and passes nothing more: a
/// server that hangs mid-transfer.
pub fn proxy_with(port: u16, limit: Arc<AtomicUsize>, stall: Arc<AtomicBool>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy_port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let limit = limit.load(Ordering::SeqCst);
            let stall = stall.load(Ordering::SeqCst);
            let Ok(server) = TcpStream::connect(("127.0.0.1", port)) else {
                continue;
            };
            let (mut client_in, mut server_out) =
                (client.try_clone().unwrap(), server.try_clone().unwrap());
            let client_gone = Arc::new(AtomicBool::new(false));
            let gone = Arc::clone(&client_gone);
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut client_in, &mut server_out);
                // The client's end of the conversation reaches the server:
                // a git daemon child waits for a request otherwise, and at
                // 32 such children the daemon drops new connections.
                let _ = server_out.shutdown(std::net::Shutdown::Write);
                gone.store(true, Ordering::SeqCst);
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
                // Hung: the client sees an open connection and no data,
                // until it gives up or is killed (bounded, for a test
                // that forgets).
                let deadline = Instant::now() + Duration::from_secs(300);
                while stall && !client_gone.load(Ordering::SeqCst) && Instant::now() < deadline {
                    std::thread::sleep(Duration::from_millis(50));
                }
                let _ = client.shutdown(std::net::Shutdown::Both);
                let _ = server.shutdown(std::net::Shutdown::Both);
            });
        }
    });
    proxy_port
}

/// What [`http_server`] answers a request with.
pub enum Reply {
    /// A status and a body.
    Body(u16, Vec<u8>),
    /// A redirect to this path on the same server.
    Redirect(String),
    /// Nothing at all, the connection held open until the client leaves.
    Silent,
}

/// A minimal HTTP/1.1 server on loopback: `answer` gets each request's
/// path. One thread per connection, one request per connection.
pub fn http_server(answer: impl Fn(&str) -> Reply + Send + Sync + 'static) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let answer = Arc::new(answer);
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let answer = Arc::clone(&answer);
            std::thread::spawn(move || {
                let mut client = client;
                let mut request = Vec::new();
                let mut buf = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match client.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let text = String::from_utf8_lossy(&request);
                let path = text.split_whitespace().nth(1).unwrap_or("/").to_string();
                let (status, headers, body) = match answer(&path) {
                    Reply::Body(status, body) => (status, String::new(), body),
                    Reply::Redirect(to) => (302, format!("Location: {to}\r\n"), Vec::new()),
                    Reply::Silent => {
                        hold(client);
                        return;
                    }
                };
                let head = format!(
                    "HTTP/1.1 {status} X\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = client.write_all(head.as_bytes());
                let _ = client.write_all(&body);
            });
        }
    });
    port
}

/// A TCP server that accepts and then says nothing, whatever it is sent.
pub fn silent_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            std::thread::spawn(move || hold(client));
        }
    });
    port
}

/// Reads and drops what the client sends until it closes (at most 300 s).
fn hold(mut client: TcpStream) {
    let _ = client.set_read_timeout(Some(Duration::from_secs(300)));
    let mut buf = [0u8; 1024];
    while matches!(client.read(&mut buf), Ok(n) if n > 0) {}
}

/// Holds the lock file `path` as another lore-digest would, with this
/// process's pid in it, until the file is dropped.
pub fn hold_lock(path: &Path) -> std::fs::File {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut file = std::fs::File::create(path).unwrap();
    file.lock().unwrap();
    writeln!(file, "{}", std::process::id()).unwrap();
    file
}
