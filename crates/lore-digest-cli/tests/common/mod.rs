//! Builds public-inbox archives on the fly for the integration tests.
//!
//! Every repository is written by a single `git fast-import` process fed one
//! stream, so a fixture with dozens of mails costs one process, not dozens.
//! As public-inbox does, the commit author is the mail's `From` and the
//! commit message its subject; the committer is fixed and all times are
//! given by the caller, so the same fixture yields the same commit ids on
//! every run, which is what lets the snapshots contain commit ids.

#![allow(dead_code)]

pub mod chromium;
pub mod mails;
pub mod schema;
pub mod servers;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The author of a commit whose mail has no usable `From`.
const AUTHOR: &str = "public-inbox fixture <fixture@public-inbox.invalid>";
const COMMITTER: &str = "public-inbox <public-inbox@kvm-fixture.invalid>";

/// 2025-05-01T00:00:00Z, the origin of all fixture times.
pub const T0: i64 = 1_746_057_600;
pub const HOUR: i64 = 3_600;
pub const DAY: i64 = 86_400;

enum Entry {
    Mail { raw: Vec<u8>, time: i64 },
    Deletion { time: i64 },
}

/// One public-inbox git repository: a lone epoch, or one epoch of a v2 inbox.
#[derive(Default)]
pub struct Epoch {
    entries: Vec<Entry>,
}

impl Epoch {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a commit whose tree holds just `m`, the raw mail.
    pub fn mail(mut self, raw: impl AsRef<[u8]>, unix_time: i64) -> Self {
        self.entries.push(Entry::Mail {
            raw: raw.as_ref().to_vec(),
            time: unix_time,
        });
        self
    }

    /// Appends a deletion: public-inbox replaces `m` with `d`, holding the
    /// removed message, so the commit carries no readable mail.
    pub fn deletion(mut self, unix_time: i64) -> Self {
        self.entries.push(Entry::Deletion { time: unix_time });
        self
    }

    /// Number of commits this epoch will have.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Creates a bare repository at `path` and imports all commits on
    /// `refs/heads/master` (HEAD points there).
    pub fn write(&self, path: &Path) -> Repo {
        std::fs::create_dir_all(path).expect("create repo dir");
        git(path, &["init", "--bare", "--quiet", "--object-format=sha1"]);
        git(path, &["symbolic-ref", "HEAD", "refs/heads/master"]);

        let mut stream = Vec::new();
        for entry in &self.entries {
            let (time, name, blob, msg, author) = match entry {
                Entry::Mail { raw, time } => (
                    *time,
                    "m",
                    raw.as_slice(),
                    commit_message(raw),
                    commit_author(raw),
                ),
                Entry::Deletion { time } => (
                    *time,
                    "d",
                    DELETED_SPAM.as_bytes(),
                    "delete spam\n".to_string(),
                    AUTHOR.to_string(),
                ),
            };
            writeln!(stream, "commit refs/heads/master").unwrap();
            writeln!(stream, "author {author} {time} +0000").unwrap();
            writeln!(stream, "committer {COMMITTER} {time} +0000").unwrap();
            writeln!(stream, "data {}\n{}", msg.len(), msg).unwrap();
            // Each commit's tree holds exactly one file, as in public-inbox.
            writeln!(stream, "deleteall").unwrap();
            writeln!(stream, "M 100644 inline {name}").unwrap();
            writeln!(stream, "data {}", blob.len()).unwrap();
            stream.extend_from_slice(blob);
            stream.extend_from_slice(b"\n\n");
        }
        stream.extend_from_slice(b"done\n");

        fast_import(path, &stream);
        Repo {
            path: path.to_path_buf(),
        }
    }
}

impl Epoch {
    /// The same mails as a public-inbox v1 repository: each commit adds the
    /// mail as a file at a two-level fan-out path, keeping all earlier ones.
    pub fn write_v1(&self, path: &Path) -> Repo {
        std::fs::create_dir_all(path).expect("create repo dir");
        git(path, &["init", "--bare", "--quiet", "--object-format=sha1"]);
        git(path, &["symbolic-ref", "HEAD", "refs/heads/master"]);
        let mut stream = Vec::new();
        for (i, entry) in self.entries.iter().enumerate() {
            let Entry::Mail { raw, time } = entry else {
                panic!("v1 fixtures hold mails only");
            };
            // Any unique 2/38 hex path will do; public-inbox hashes the Message-ID.
            let file = format!("{:02x}/{:038x}", (i * 37) % 256, i);
            writeln!(stream, "commit refs/heads/master").unwrap();
            writeln!(stream, "author {} {time} +0000", commit_author(raw)).unwrap();
            writeln!(stream, "committer {COMMITTER} {time} +0000").unwrap();
            let msg = commit_message(raw);
            writeln!(stream, "data {}\n{}", msg.len(), msg).unwrap();
            writeln!(stream, "M 100644 inline {file}").unwrap();
            writeln!(stream, "data {}", raw.len()).unwrap();
            stream.extend_from_slice(raw);
            stream.extend_from_slice(b"\n\n");
        }
        stream.extend_from_slice(b"done\n");
        fast_import(path, &stream);
        Repo {
            path: path.to_path_buf(),
        }
    }

    /// The same mails as an mboxrd file, as `lei q -o mboxrd:` writes it.
    pub fn write_mbox(&self, path: &Path) {
        let mut out = Vec::new();
        for entry in &self.entries {
            let Entry::Mail { raw, .. } = entry else {
                panic!("mbox fixtures hold mails only");
            };
            out.extend_from_slice(b"From mboxrd@z Thu Jan  1 00:00:00 1970\n");
            for line in raw.split_inclusive(|&b| b == b'\n') {
                let quotes = line.iter().take_while(|&&b| b == b'>').count();
                if line[quotes..].starts_with(b"From ") {
                    out.push(b'>');
                }
                out.extend_from_slice(line);
            }
            if !raw.ends_with(b"\n") {
                out.push(b'\n');
            }
            out.push(b'\n');
        }
        std::fs::write(path, out).expect("write mbox");
    }

    /// The same mails as a Maildir, one file each in `cur/`.
    pub fn write_maildir(&self, path: &Path) {
        for sub in ["cur", "new", "tmp"] {
            std::fs::create_dir_all(path.join(sub)).expect("create maildir");
        }
        for (i, entry) in self.entries.iter().enumerate() {
            let Entry::Mail { raw, time } = entry else {
                panic!("Maildir fixtures hold mails only");
            };
            let name = format!("{time}.{i:06}.fixture:2,S");
            std::fs::write(path.join("cur").join(name), raw).expect("write mail");
        }
    }
}

fn fast_import(path: &Path, stream: &[u8]) {
    let mut child = git_cmd(path)
        .args(["fast-import", "--quiet", "--done", "--date-format=raw"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn git fast-import");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stream)
        .expect("feed git fast-import");
    let out = child.wait_with_output().expect("wait for git fast-import");
    assert!(
        out.status.success(),
        "git fast-import failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A header of the mail's header block, unfolded no further than its first line.
fn header(raw: &[u8], name: &str) -> Option<String> {
    let text = String::from_utf8_lossy(raw);
    text.lines()
        .take_while(|l| !l.trim_end_matches('\r').is_empty())
        .find_map(|l| l.strip_prefix(name))
        .map(|s| s.trim().to_string())
}

/// public-inbox uses the mail's subject as the commit message.
fn commit_message(raw: &[u8]) -> String {
    format!("{}\n", header(raw, "Subject:").unwrap_or_default())
}

/// public-inbox uses the mail's `From` as the commit author.
fn commit_author(raw: &[u8]) -> String {
    let from = header(raw, "From:").unwrap_or_default();
    let (name, email) = match (from.find('<'), from.rfind('>')) {
        (Some(open), Some(close)) if open < close => (&from[..open], &from[open + 1..close]),
        _ => ("", from.as_str()),
    };
    let clean = |s: &str| {
        s.replace(|c: char| c.is_control() || "<>\"".contains(c), "")
            .trim()
            .to_string()
    };
    let (name, email) = (clean(name), clean(email));
    if email.is_empty() || !email.contains('@') {
        return AUTHOR.to_string();
    }
    let name = if name.is_empty() { email.clone() } else { name };
    format!("{name} <{email}>")
}

const DELETED_SPAM: &str = "From: Totally Legit <win@prizes.invalid>\n\
To: kvm@vger.kernel.org\n\
Subject: [PATCH] You have won\n\
Message-ID: <spam-1@prizes.invalid>\n\
List-Id: <kvm.vger.kernel.org>\n\
\n\
Claim your prize.\n";

/// A bare repository written by [`Epoch::write`].
pub struct Repo {
    pub path: PathBuf,
}

impl Repo {
    /// Full id of `spec` (`git rev-parse --verify`).
    pub fn rev_parse(&self, spec: &str) -> String {
        rev_parse(&self.path, spec)
    }

    /// All commit ids, oldest first.
    pub fn commits(&self) -> Vec<String> {
        let out = git(&self.path, &["rev-list", "--reverse", "refs/heads/master"]);
        out.lines().map(str::to_string).collect()
    }

    /// Id of the `i`-th commit (0 = oldest).
    pub fn commit(&self, i: usize) -> String {
        self.commits()[i].clone()
    }

    pub fn path_str(&self) -> &str {
        self.path.to_str().unwrap()
    }

    /// Full id of the head commit.
    pub fn commit_head(&self) -> String {
        self.rev_parse("HEAD")
    }

    /// Commit time of the head commit, seconds since the epoch.
    pub fn head_time(&self) -> i64 {
        git(&self.path, &["log", "-1", "--format=%ct", "HEAD"])
            .trim()
            .parse()
            .unwrap()
    }

    /// Removes one object from the repository, as a damaged or partial
    /// mirror lacks it: the packs are unpacked into loose objects first, so
    /// the object is one file.
    pub fn remove_object(&self, spec: &str) {
        let id = git(&self.path, &["rev-parse", "--verify", spec])
            .trim()
            .to_string();
        let pack_dir = self.path.join("objects/pack");
        let packs: Vec<PathBuf> = std::fs::read_dir(&pack_dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "pack"))
            .collect();
        for pack in packs {
            let moved = self.path.join("unpacking.pack");
            std::fs::rename(&pack, &moved).unwrap();
            std::fs::remove_file(pack.with_extension("idx")).unwrap();
            let status = git_cmd(&self.path)
                .arg("unpack-objects")
                .stdin(std::fs::File::open(&moved).unwrap())
                .status()
                .expect("run git unpack-objects");
            assert!(status.success());
            std::fs::remove_file(&moved).unwrap();
        }
        let (dir, file) = id.split_at(2);
        std::fs::remove_file(self.path.join("objects").join(dir).join(file)).unwrap();
    }
}

/// A v2 inbox: `dir/git/0.git`, `dir/git/1.git`, ...
pub struct Inbox {
    pub dir: PathBuf,
    pub epochs: Vec<Repo>,
}

impl Inbox {
    /// Writes the epochs and the rest of a public-inbox v2 layout around
    /// them: `inbox.lock`, `all.git` (empty, alternates to every epoch),
    /// placeholder `msgmap.sqlite3` and `xap15/`, none of which hold mail.
    pub fn v2(dir: &Path, epochs: Vec<Epoch>) -> Inbox {
        let repos: Vec<Repo> = epochs
            .iter()
            .enumerate()
            .map(|(i, e)| e.write(&dir.join("git").join(format!("{i}.git"))))
            .collect();
        let all = dir.join("all.git");
        std::fs::create_dir_all(&all).unwrap();
        git(&all, &["init", "--bare", "--quiet", "--object-format=sha1"]);
        let alternates: String = (0..repos.len())
            .map(|i| format!("../../git/{i}.git/objects\n"))
            .collect();
        std::fs::write(all.join("objects/info/alternates"), alternates).unwrap();
        std::fs::write(dir.join("inbox.lock"), "").unwrap();
        std::fs::write(dir.join("msgmap.sqlite3"), "").unwrap();
        std::fs::create_dir_all(dir.join("xap15/0")).unwrap();
        Inbox {
            dir: dir.to_path_buf(),
            epochs: repos,
        }
    }

    pub fn path_str(&self) -> &str {
        self.dir.to_str().unwrap()
    }
}

/// `git rev-parse --verify` in any repository.
pub fn rev_parse(repo: &Path, spec: &str) -> String {
    git(
        repo,
        &["rev-parse", "--verify", &format!("{spec}^{{commit}}")],
    )
    .trim()
    .to_string()
}

/// First 8 hex digits, as the report prints them.
pub fn short(id: &str) -> &str {
    &id[..8]
}

fn git_cmd(repo: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("--git-dir").arg(repo);
    // Keep the user's and system's configuration out of the fixtures.
    cmd.env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env_remove("GIT_DIR")
        .env_remove("GIT_DEFAULT_HASH")
        .env_remove("GIT_INDEX_FILE");
    cmd
}

fn git(repo: &Path, args: &[&str]) -> String {
    let out = git_cmd(repo).args(args).output().expect("run git");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("git output is UTF-8")
}

/// Runs the `lore-digest` binary; returns (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_lore-digest"))
        .args(args)
        .env("TZ", "UTC")
        // The lookback index cache of throwaway fixture archives stays out
        // of the user's cache directory.
        .env(
            "XDG_CACHE_HOME",
            std::env::temp_dir().join("lore-digest-test-cache"),
        )
        .env("NO_COLOR", "1")
        .env("RUST_BACKTRACE", "1")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .output()
        .expect("run lore-digest");
    let code = out.status.code().unwrap_or(-1);
    (
        code,
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs the binary and insists on success, returning stdout.
pub fn run_ok(args: &[&str]) -> String {
    let (code, stdout, stderr) = run(args);
    assert_eq!(
        code, 0,
        "lore-digest {args:?} failed with {code}\nstderr:\n{stderr}"
    );
    stdout
}

/// Runs the binary with `--format json` appended and parses the report.
pub fn run_json(args: &[&str]) -> serde_json::Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let stdout = run_ok(&all);
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("report is not JSON ({e}):\n{stdout}"))
}

/// Asserts a failing run: exit code 2, no panic, and (when `one_line`) a
/// single non-empty line on stderr.
pub fn assert_input_error(args: &[&str], one_line: bool) -> String {
    let (code, stdout, stderr) = run(args);
    assert_eq!(
        code, 2,
        "lore-digest {args:?}: expected exit 2, got {code}\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(
        !stderr.contains("panicked")
            && !stderr.contains("stack backtrace")
            && !stderr.contains("RUST_BACKTRACE"),
        "lore-digest {args:?} panicked:\n{stderr}"
    );
    if one_line {
        let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(
            lines.len(),
            1,
            "lore-digest {args:?}: expected a one-line error, got:\n{stderr}"
        );
    }
    assert!(
        !stderr.trim().is_empty(),
        "lore-digest {args:?}: no error message"
    );
    stderr
}

/// Standard base64 (RFC 4648) with 76-column lines, as MUAs send bodies.
pub fn base64_lines(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    let mut wrapped = String::new();
    for (i, c) in out.chars().enumerate() {
        if i > 0 && i % 76 == 0 {
            wrapped.push('\n');
        }
        wrapped.push(c);
    }
    wrapped.push('\n');
    wrapped
}

/// Encodes text as ISO-8859-1 bytes (every char must be below U+0100).
pub fn latin1(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| u8::try_from(u32::from(c)).expect("char not in latin-1"))
        .collect()
}

/// Converts LF line endings to CRLF.
pub fn crlf(s: &str) -> String {
    s.replace('\n', "\r\n")
}

/// A mail to linux-hyperv with the usual list headers; `parent` threads it.
pub fn list_mail(from: &str, subject: &str, id: &str, parent: Option<&str>, body: &str) -> String {
    let threading = parent.map_or(String::new(), |p| {
        format!("In-Reply-To: <{p}>\nReferences: <{p}>\n")
    });
    format!(
        "From: {from}\nTo: linux-hyperv@vger.kernel.org\nSubject: {subject}\n\
         Date: Thu, 1 May 2025 10:00:00 +0000\nMessage-ID: <{id}>\n{threading}\
         List-Id: <linux-hyperv.vger.kernel.org>\n\n{body}"
    )
}

/// A git format-patch body: message, trailers, diffstat and a diff of `file`
/// (`int y;` becomes `long y;`).
pub fn patch_body(what: &str, file: &str) -> String {
    format!(
        "{what}\n\nSigned-off-by: Ann Author <ann@widgets.example>\n---\n \
         {file} | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n\n\
         diff --git a/{file} b/{file}\nindex 1234567..89abcde 100644\n--- a/{file}\n+++ b/{file}\n\
         @@ -1,3 +1,3 @@\n int x;\n-int y;\n+long y;\n int z;\n-- \n2.49.0\n"
    )
}
