//! `update` delivering its update: mail over SMTP to a real server on
//! loopback (aiosmtpd, which parses each message back with Python's email
//! package), through a stand-in `sendmail`, as a dry-run `.eml`, and as a
//! published site whose feed feedparser reads and whose pages headless
//! Chromium opens.
//!
//! Without /usr/bin/python3 and its aiosmtpd and feedparser modules, or
//! without Chromium, the tests that need them print a skip message and
//! pass, unless `CI` is set: there a missing component fails them.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::chromium::{LOGGING, chromium, console_lines, run_chromium};
use common::servers::{epoch, free_port, serve_epoch};
use serde_json::Value;
use tempfile::TempDir;

const PYTHON: &str = "/usr/bin/python3";

/// Whether `PYTHON` can import `modules`; when not, says the test is
/// skipped (and fails under CI).
fn python_with(modules: &[&str], test: &str) -> bool {
    let imports = modules.join(", ");
    let ok = Command::new(PYTHON)
        .args(["-c", &format!("import {imports}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "{PYTHON} with {imports} is missing and CI is set (apt-get install python3-aiosmtpd python3-feedparser; .ci/run does)"
        );
        eprintln!(
            "{test} skipped: {PYTHON} cannot import {imports} (apt-get install python3-aiosmtpd python3-feedparser)"
        );
    }
    ok
}

fn support(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/support")
        .join(name)
}

/// The aiosmtpd server of `support/smtp_server.py`, stopped when dropped.
struct Smtp {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl Smtp {
    fn start(dir: &Path) -> Smtp {
        Smtp::start_with(dir, &[])
    }

    /// With `tls` (a certificate and key file), TLS from the first byte.
    fn start_with(dir: &Path, tls: &[&Path]) -> Smtp {
        std::fs::create_dir_all(dir).unwrap();
        let port = free_port();
        let child = Command::new(PYTHON)
            .arg(support("smtp_server.py"))
            .arg(port.to_string())
            .arg(dir)
            .args(tls)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the SMTP server");
        let started = Instant::now();
        while !dir.join("ready").exists() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the SMTP server did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Smtp {
            child,
            port,
            dir: dir.to_path_buf(),
        }
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Makes the server refuse a step from now on (`""`: none).
    fn refuse(&self, step: &str) {
        std::fs::write(self.dir.join("mode"), step).unwrap();
    }

    fn messages(&self, kind: &str) -> Vec<Value> {
        let dir = self.dir.join(kind);
        let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map(|d| d.map(|e| e.unwrap().path()).collect())
            .unwrap_or_default();
        names.retain(|p| p.extension().is_some_and(|e| e == "json"));
        names.sort();
        names
            .iter()
            .map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap())
            .collect()
    }

    fn received(&self) -> Vec<Value> {
        self.messages("received")
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A list `kvm` whose archive is a local v2 inbox (`path`, never synced),
/// with its configuration and state files.
struct List {
    _tmp: TempDir,
    root: PathBuf,
    config: PathBuf,
    state: PathBuf,
}

impl List {
    /// The list with the fixture mails `0..mails`, configured by `extra`
    /// lines under `[lists.kvm]`.
    fn new(mails: i64, extra: &str) -> List {
        let tmp = TempDir::new().unwrap();
        let root = tmp.path().join("server");
        serve_epoch(&root, 0, &epoch(0..mails, &[]));
        let config = tmp.path().join("config.toml");
        let state = tmp.path().join("state/kvm.json");
        let list = List {
            root,
            config,
            state,
            _tmp: tmp,
        };
        list.configure(extra);
        list
    }

    fn configure(&self, extra: &str) {
        std::fs::write(
            &self.config,
            format!(
                "[lists.kvm]\npath = \"{}\"\ntitle = \"KVM\"\n{extra}\n",
                self.root.join("kvm").display()
            ),
        )
        .unwrap();
    }

    fn dir(&self) -> &Path {
        self._tmp.path()
    }

    /// The list now holds mails `0..mails` (the old ones keep their ids).
    fn mails(&self, mails: i64) {
        serve_epoch(&self.root, 0, &epoch(0..mails, &[]));
    }

    fn state_bytes(&self) -> Option<Vec<u8>> {
        std::fs::read(&self.state).ok()
    }

    fn state(&self) -> Value {
        serde_json::from_slice(&self.state_bytes().expect("a state")).unwrap()
    }

    /// `update kvm` with `extra` arguments and environment.
    fn update(&self, extra: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
        let mut command = Command::new(env!("CARGO_BIN_EXE_lore-digest"));
        command
            .args(["update", "kvm", "--config"])
            .arg(&self.config)
            .arg("--state")
            .arg(&self.state)
            .args(["--since", "2025-04-01"])
            .args(extra)
            .env("TZ", "UTC")
            .env("XDG_CACHE_HOME", self.dir().join("cache"))
            .env_remove("LORE_DIGEST_SMTP_PASSWORD")
            .stdin(Stdio::null());
        for (k, v) in env {
            command.env(k, v);
        }
        let out = command.output().expect("run lore-digest");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn update_ok(&self, extra: &[&str], env: &[(&str, &str)]) -> (String, String) {
        let (code, stdout, stderr) = self.update(extra, env);
        assert_eq!(code, 0, "update {extra:?} failed:\n{stderr}");
        (stdout, stderr)
    }
}

/// Asserts a failed run: `code`, and one line `lore-digest: error: …`
/// holding `contains`.
fn assert_fails(got: (i32, String, String), code: i32, contains: &str) -> String {
    let (got_code, _, stderr) = got;
    assert_eq!(got_code, code, "{stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "not one line:\n{stderr}");
    assert!(
        lines[0].starts_with("lore-digest: error: ") && lines[0].contains(contains),
        "expected `{contains}` in:\n{stderr}"
    );
    stderr
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

/// `KVM mailing list update from A to B` → (A, B).
fn ends(subject: &str) -> (String, String) {
    let rest = subject
        .strip_prefix("KVM mailing list update from ")
        .unwrap_or_else(|| panic!("subject: {subject}"));
    let (a, b) = rest.split_once(" to ").unwrap();
    (a.to_string(), b.to_string())
}

#[test]
fn mail_goes_out_over_smtp_with_both_parts_and_threads_the_updates() {
    if !python_with(&["aiosmtpd"], "mail test") {
        return;
    }
    let tmp = TempDir::new().unwrap();
    let smtp = Smtp::start(&tmp.path().join("smtp"));
    let list = List::new(
        12,
        &format!(
            "mail_to = [\"a@example.org\", \"Bea <b@example.org>\"]\nmail_from = \"KVM digest <digest@example.org>\"\nsmtp = \"smtp://bot@127.0.0.1:{}\"",
            smtp.port
        ),
    );
    // A user without the password in the environment: refused before
    // anything is read or sent.
    assert_fails(
        list.update(&[], &[]),
        2,
        "LORE_DIGEST_SMTP_PASSWORD is not set",
    );
    assert!(list.state_bytes().is_none());
    let password = [("LORE_DIGEST_SMTP_PASSWORD", "s3cret")];
    let (stdout, _) = list.update_ok(&[], &password);
    // The update went by mail; standard output is left alone.
    assert_eq!(stdout, "");
    assert_eq!(
        std::fs::read_to_string(smtp.dir.join("logins")).unwrap(),
        "PLAIN bot ok\n"
    );
    let first = &smtp.received()[0];
    assert_eq!(first["mail_from"], "digest@example.org");
    assert_eq!(
        first["rcpt_tos"],
        serde_json::json!(["a@example.org", "b@example.org"])
    );
    assert_eq!(first["to"], "a@example.org, Bea <b@example.org>");
    assert_eq!(first["from"], "KVM digest <digest@example.org>");
    assert_eq!(first["content_type"], "multipart/alternative");
    assert_eq!(first["mime_version"], "1.0");
    assert_eq!(first["auto_submitted"], "auto-generated");
    assert_eq!(first["defects"], serde_json::json!([]));
    assert!(first["in_reply_to"].is_null() && first["references"].is_null());
    let (_, first_to) = ends(text(&first["subject"]));
    let id = text(&first["message_id"]);
    assert!(
        id.starts_with("<lore-digest.KVM.") && id.ends_with("@example.org>"),
        "{id}"
    );
    let parts = first["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 2, "{parts:?}");
    assert_eq!(parts[0]["type"], "text/plain");
    assert_eq!(parts[1]["type"], "text/html");
    assert_eq!(parts[0]["charset"], "utf-8");
    assert_eq!(parts[1]["charset"], "utf-8");
    let plain = text(&parts[0]["text"]);
    assert!(plain.contains(text(&first["subject"])), "{plain}");
    assert!(plain.contains("widget: change 9"), "{plain}");
    let html = text(&parts[1]["text"]);
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(html.contains("widget: change 9"));
    assert_eq!(list.state()["thread"]["last"], first["message_id"]);

    // The second update answers the first.
    list.mails(20);
    list.update_ok(&[], &password);
    let second = &smtp.received()[1];
    let (second_from, _) = ends(text(&second["subject"]));
    assert_eq!(second_from, first_to);
    assert_eq!(second["in_reply_to"], first["message_id"]);
    assert_eq!(second["references"], first["message_id"]);
    let plain = text(&second["parts"][0]["text"]);
    assert!(plain.contains("widget: change 18") && !plain.contains("widget: change 9\n"));
    // And a third, both.
    list.mails(24);
    list.update_ok(&[], &password);
    let third = &smtp.received()[2];
    assert_eq!(third["in_reply_to"], second["message_id"]);
    assert_eq!(
        text(&third["references"]),
        format!(
            "{} {}",
            text(&first["message_id"]),
            text(&second["message_id"])
        )
    );
    // Nothing new: no mail, and the thread stays in the state.
    let (_, stderr) = list.update_ok(&[], &password);
    assert!(stderr.contains("no new mail on kvm"), "{stderr}");
    assert_eq!(smtp.received().len(), 3);
    assert_eq!(list.state()["thread"]["last"], third["message_id"]);
}

#[test]
fn a_refused_or_failed_mail_leaves_the_state_and_the_next_run_sends_it_again() {
    if !python_with(&["aiosmtpd"], "mail refusal test") {
        return;
    }
    let tmp = TempDir::new().unwrap();
    let smtp = Smtp::start(&tmp.path().join("smtp"));
    let list = List::new(
        12,
        &format!(
            "mail_to = \"a@example.org, b@example.org\"\nmail_from = \"digest@example.org\"\nsmtp = \"{}\"",
            smtp.url()
        ),
    );
    list.update_ok(&[], &[]);
    let first = smtp.received()[0].clone();
    let committed = list.state_bytes().unwrap();
    list.mails(15);
    let server = format!("smtp://127.0.0.1:{}", smtp.port);
    for (step, said) in [
        (
            "sender",
            format!(
                "{server}: the server refused the sender <digest@example.org>: 550 5.7.1 sender refused by the test"
            ),
        ),
        (
            "recipient",
            format!(
                "{server}: the server refused the recipient <b@example.org>: 550 5.1.1 no such user here"
            ),
        ),
        (
            "data",
            format!(
                "{server}: the server refused the message: 554 5.6.0 message refused by the test"
            ),
        ),
    ] {
        smtp.refuse(step);
        assert_fails(list.update(&[], &[]), 1, &said);
        assert_eq!(list.state_bytes().unwrap(), committed, "{step}");
        assert_eq!(smtp.received().len(), 1, "{step}");
    }
    // No server at all: the network's side, exit 3.
    smtp.refuse("");
    let nobody = format!("smtp://127.0.0.1:{}", free_port());
    assert_fails(list.update(&["--smtp", &nobody], &[]), 3, "connecting");
    assert_eq!(list.state_bytes().unwrap(), committed);

    // The same update again, with the same Message-ID as the refused try,
    // answering the first.
    let refused = smtp.messages("refused");
    assert_eq!(refused.len(), 1);
    list.update_ok(&[], &[]);
    let resent = &smtp.received()[1];
    assert_eq!(resent["message_id"], refused[0]["message_id"]);
    assert_eq!(resent["subject"], refused[0]["subject"]);
    assert_eq!(resent["in_reply_to"], first["message_id"]);
    let plain = text(&resent["parts"][0]["text"]);
    assert!(plain.contains("widget: change 12"), "{plain}");
    assert_ne!(list.state_bytes().unwrap(), committed);
    // It is in: the next run has nothing to send.
    let (_, stderr) = list.update_ok(&[], &[]);
    assert!(stderr.contains("no new mail"), "{stderr}");
    assert_eq!(smtp.received().len(), 2);
}

#[test]
fn smtps_checks_the_certificate() {
    if !python_with(&["aiosmtpd"], "smtps test") || !Path::new("/usr/bin/openssl").exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "openssl is missing and CI is set"
        );
        return;
    }
    let tmp = TempDir::new().unwrap();
    // A test CA, and the server's certificate for 127.0.0.1 signed by it.
    let file = |name: &str| tmp.path().join(name);
    let openssl = |args: &[&str]| {
        let made = Command::new("/usr/bin/openssl")
            .args(args)
            .current_dir(tmp.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(made.success(), "openssl {args:?}");
    };
    std::fs::write(
        file("leaf.ext"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n",
    )
    .unwrap();
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=lore-digest test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    ]);
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        "key.pem",
        "-out",
        "leaf.csr",
    ]);
    openssl(&[
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "leaf.ext",
        "-out",
        "cert.pem",
    ]);
    let (cert, key) = (file("cert.pem"), file("key.pem"));
    let smtp = Smtp::start_with(&tmp.path().join("smtp"), &[&cert, &key]);
    let list = List::new(
        12,
        &format!(
            "mail_to = \"a@example.org\"\nmail_from = \"digest@example.org\"\nsmtp = \"smtps://127.0.0.1:{}\"",
            smtp.port
        ),
    );
    // A certificate no root vouches for: the server's side, exit 3.
    assert_fails(
        list.update(&[], &[]),
        3,
        "invalid peer certificate: UnknownIssuer",
    );
    assert!(list.state_bytes().is_none());
    assert!(smtp.received().is_empty());
    // Trusted (SSL_CERT_FILE replaces the system's roots): delivered.
    let ca = file("ca.pem");
    let cert_file = ca.to_str().unwrap();
    list.update_ok(&[], &[("SSL_CERT_FILE", cert_file)]);
    assert_eq!(smtp.received().len(), 1);
    assert_eq!(
        smtp.received()[0]["rcpt_tos"],
        serde_json::json!(["a@example.org"])
    );
}

/// A stand-in `sendmail` that records its arguments and input, and exits
/// with the status in `DIR/status` (0 without one) after printing
/// `DIR/say` on stderr.
fn stand_in_sendmail(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let script = dir.join("sendmail");
    let d = dir.display();
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nn=$(ls {d}/in 2>/dev/null | wc -l)\nmkdir -p {d}/in\necho \"$@\" > {d}/args\ncat > {d}/in/$n.eml\n[ -f {d}/say ] && cat {d}/say >&2\nexit $(cat {d}/status 2>/dev/null || echo 0)\n"
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

fn header<'a>(message: &'a str, name: &str) -> Option<&'a str> {
    message
        .lines()
        .take_while(|l| !l.is_empty())
        .find_map(|l| l.strip_prefix(&format!("{name}: ")))
}

#[test]
fn sendmail_gets_the_message_and_a_failure_is_sent_again() {
    let list = List::new(12, "");
    let dir = list.dir().join("mta");
    let script = stand_in_sendmail(&dir);
    let sendmail = format!("--sendmail={}", script.display());
    let args = [
        sendmail.as_str(),
        "--mail-to",
        "a@example.org,b@example.org",
        "--mail-from",
        "digest@example.org",
    ];
    list.update_ok(&args, &[]);
    assert_eq!(
        std::fs::read_to_string(dir.join("args")).unwrap(),
        "-t -i\n"
    );
    let first = std::fs::read_to_string(dir.join("in/0.eml")).unwrap();
    assert!(!first.contains('\r'), "a local MTA reads LF lines");
    assert_eq!(header(&first, "To"), Some("a@example.org, b@example.org"));
    assert_eq!(header(&first, "From"), Some("digest@example.org"));
    assert!(
        header(&first, "Content-Type").is_some_and(|c| c.starts_with("multipart/alternative")),
        "{first}"
    );
    let first_id = header(&first, "Message-ID").unwrap().to_string();

    // The MTA says no: exit 1 with what it said, and the state stays.
    list.mails(15);
    let committed = list.state_bytes().unwrap();
    std::fs::write(dir.join("status"), "75").unwrap();
    std::fs::write(dir.join("say"), "sendmail: queue is full\n").unwrap();
    assert_fails(
        list.update(&args, &[]),
        1,
        "exited with status 75: sendmail: queue is full",
    );
    assert_eq!(list.state_bytes().unwrap(), committed);
    let refused = std::fs::read_to_string(dir.join("in/1.eml")).unwrap();
    std::fs::remove_file(dir.join("status")).unwrap();
    std::fs::remove_file(dir.join("say")).unwrap();
    list.update_ok(&args, &[]);
    let resent = std::fs::read_to_string(dir.join("in/2.eml")).unwrap();
    assert_eq!(
        header(&resent, "Message-ID"),
        header(&refused, "Message-ID")
    );
    assert_eq!(header(&resent, "In-Reply-To"), Some(first_id.as_str()));

    // A program that is not there.
    list.mails(18);
    let committed = list.state_bytes().unwrap();
    let missing = format!("--sendmail={}", dir.join("nowhere").display());
    let mut without = args;
    without[0] = &missing;
    assert_fails(list.update(&without, &[]), 1, "cannot run");
    assert_eq!(list.state_bytes().unwrap(), committed);
}

#[test]
fn a_dry_run_writes_the_eml_and_bad_settings_stop_before_anything() {
    let list = List::new(12, "mail_to = \"a@example.org\"");
    let out = list.dir().join("outbox");
    let dry = out.to_str().unwrap();
    // Bad settings: exit 2, before the archive is read or the state made.
    for (args, said) in [
        (vec!["--mail-dry-run", dry], "--mail-to needs --mail-from"),
        (
            vec!["--mail-from", "not an address", "--mail-dry-run", dry],
            "--mail-from 'not an address' is not a mail address",
        ),
        (
            vec![
                "--mail-from",
                "d@example.org",
                "--smtp",
                "smtp://me:pw@mail.example.org",
            ],
            "a password in the URL is refused",
        ),
        (
            vec![
                "--mail-from",
                "d@example.org",
                "--smtp",
                "http://mail.example.org",
            ],
            "expected smtp://",
        ),
        (
            vec![
                "--mail-from",
                "d@example.org",
                "--mail-to",
                "x@",
                "--mail-dry-run",
                dry,
            ],
            "is not a list of mail addresses",
        ),
        (
            vec!["--mail-from", "d@example.org"],
            "--mail-to needs a way to send",
        ),
    ] {
        assert_fails(list.update(&args, &[]), 2, said);
        assert!(list.state_bytes().is_none(), "{args:?}");
    }
    list.configure("");
    assert_fails(
        list.update(&["--mail-dry-run", dry], &[]),
        2,
        "need --mail-to",
    );

    list.configure("mail_to = \"a@example.org\"\nmail_from = \"d@example.org\"\nsmtp = \"smtp://mail.invalid\"");
    // The dry run takes the place of the server: nothing is sent.
    list.update_ok(&["--mail-dry-run", dry], &[]);
    let files: Vec<PathBuf> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let eml = std::fs::read_to_string(&files[0]).unwrap();
    assert!(eml.contains("\r\n"), "an .eml keeps the wire's CRLF");
    let id = header(&eml, "Message-ID").unwrap();
    let name = files[0].file_name().unwrap().to_str().unwrap();
    assert_eq!(
        format!("<{}@example.org>", name.trim_end_matches(".eml")),
        id
    );
    assert_eq!(list.state()["thread"]["last"], id);
}

/// The `href`s of `<a>` elements in `html`.
fn links(html: &str) -> Vec<String> {
    html.split("<a href=\"")
        .skip(1)
        .filter_map(|rest| rest.split_once('"').map(|(href, _)| href.to_string()))
        .collect()
}

#[test]
fn the_published_site_opens_in_a_browser_and_its_feed_parses() {
    let list = List::new(12, "");
    let site = list.dir().join("site");
    let site_arg = site.to_str().unwrap();
    let mta = stand_in_sendmail(&list.dir().join("mta"));
    list.update_ok(&["--publish", site_arg], &[]);
    list.mails(15);
    list.update_ok(&["--publish", site_arg], &[]);
    // Published, but its mail refused: the entry is there until the next
    // try from the same start replaces it.
    list.mails(18);
    let committed = list.state_bytes().unwrap();
    std::fs::write(list.dir().join("mta/status"), "1").unwrap();
    let sendmail = format!("--sendmail={}", mta.display());
    let mail = [
        "--publish",
        site_arg,
        sendmail.as_str(),
        "--mail-to",
        "a@example.org",
        "--mail-from",
        "d@example.org",
    ];
    assert_fails(list.update(&mail, &[]), 1, "exited with status 1");
    assert_eq!(list.state_bytes().unwrap(), committed);
    let entries: Value =
        serde_json::from_slice(&std::fs::read(site.join("updates.json")).unwrap()).unwrap();
    assert_eq!(entries["entries"].as_array().unwrap().len(), 3);
    let pending_page = text(&entries["entries"][0]["page"]).to_string();
    list.mails(21);
    std::fs::remove_file(list.dir().join("mta/status")).unwrap();
    list.update_ok(&mail, &[]);

    let entries: Value =
        serde_json::from_slice(&std::fs::read(site.join("updates.json")).unwrap()).unwrap();
    let entries = entries["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 3, "the refused try was replaced, not added");
    let pages: Vec<String> = entries
        .iter()
        .map(|e| text(&e["page"]).to_string())
        .collect();
    assert!(!pages.contains(&pending_page) && !site.join(&pending_page).exists());
    let mut on_disk: Vec<String> = std::fs::read_dir(&site)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    on_disk.sort();
    let mut expected = pages.clone();
    expected.extend([
        "feed.atom".into(),
        "index.html".into(),
        "updates.json".into(),
    ]);
    expected.sort();
    assert_eq!(on_disk, expected, "no temporary or stale file is left");
    for page in &pages {
        assert!(
            page.starts_with("2025-05-01-") && page.ends_with(".html"),
            "{page}"
        );
    }
    // Newest first: each update starts where the one below it ended.
    let titles: Vec<(String, String)> = entries.iter().map(|e| ends(text(&e["title"]))).collect();
    assert_eq!(titles[0].0, titles[1].1);
    assert_eq!(titles[1].0, titles[2].1);

    // A site that cannot be written: exit 1, the state as it was.
    list.mails(24);
    let committed = list.state_bytes().unwrap();
    let blocked = list.dir().join("blocked");
    std::fs::write(&blocked, "a file, not a directory").unwrap();
    assert_fails(
        list.update(&["--publish", blocked.join("site").to_str().unwrap()], &[]),
        1,
        "blocked",
    );
    assert_eq!(list.state_bytes().unwrap(), committed);

    if python_with(&["feedparser"], "feed test") {
        let out = Command::new(PYTHON)
            .arg(support("feed.py"))
            .arg(site.join("feed.atom"))
            .arg("https://example.org/kvm/feed.atom")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let feed: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(feed["bozo"], false, "{feed}");
        assert_eq!(feed["version"], "atom10");
        assert_eq!(feed["title"], "KVM mailing list updates");
        let feed_entries = feed["entries"].as_array().unwrap();
        assert_eq!(feed_entries.len(), 3);
        for (entry, page) in feed_entries.iter().zip(entries.iter()) {
            assert_eq!(entry["title"], page["title"]);
            assert_eq!(
                text(&entry["link"]),
                format!("https://example.org/kvm/{}", text(&page["page"]))
            );
            assert!(text(&entry["summary"]).contains(" mails, "), "{entry}");
            assert!(text(&entry["id"]).starts_with("urn:lore-digest:update:"));
        }
    }

    let Some(browser) = chromium() else {
        return;
    };
    let run = run_chromium(browser, &site.join("index.html"), LOGGING);
    let (index, console) = (run.stdout, console_lines(&run.stderr));
    assert!(console.is_empty(), "console on the index: {console:?}");
    let linked: Vec<String> = links(&index)
        .into_iter()
        .filter(|l| l.ends_with(".html"))
        .collect();
    assert_eq!(linked, pages, "the index links every page, newest first");
    assert!(index.contains("KVM mailing list updates"));
    for page in &pages {
        let run = run_chromium(browser, &site.join(page), LOGGING);
        let console = console_lines(&run.stderr);
        assert!(console.is_empty(), "console on {page}: {console:?}");
        assert!(run.stdout.contains("chart-timeline"), "{page} rendered");
    }
}
