//! Soak test: `update` run unattended against a list that changes under
//! it, with every fault it must survive, checked against a model.
//!
//! A git daemon on loopback serves the list (`/kvm/git/N.git`) through a
//! proxy that can cut transfers. Each round, in an order drawn from a
//! fixed seed, one of these happens and then `update` runs: new mail
//! arrives; the list rolls over to a new epoch; a purge rewrites an
//! epoch's history; the server cuts the transfer; two or three updates
//! (and a sync of the same mirror) start at once; an update is killed with
//! SIGKILL at a random moment; the disk fills (a file size limit).
//!
//! What "exactly once" means here, precisely:
//! - an update *delivers* its report when it committed its state: it
//!   exited 0, or it was killed after its state file was replaced (its
//!   report, written first, is complete then). A run that failed or was
//!   killed before that delivered nothing, whatever it wrote;
//! - no mail is delivered twice, and deliveries come in arrival order;
//! - every mail the server holds when a fault-free update succeeds has
//!   been delivered by then. A mail purged before any such update may
//!   never be delivered; one purged after being delivered stays delivered;
//! - after every round the state parses and the mirror reports.
//!
//! `cargo test -p lore-digest-cli --test soak` runs the short form (60
//! rounds, and never more than SOAK_SECONDS, default 150, of rounds);
//! `SOAK_ROUNDS=500 SOAK_SECONDS=3600 cargo test --release -p
//! lore-digest-cli --test soak -- --nocapture` the long one. SOAK_SEED
//! picks another order. The figures are printed at the end.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::servers::{git_daemon, proxy, serve_epoch};
use tempfile::TempDir;

/// xorshift64*: enough randomness for an order of events, and the same
/// order for the same seed on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Mail `n`: a lone patch of its own title, so every mail is a series of
/// one in the JSON report and its Message-ID can be read from there.
fn soak_mail(n: i64) -> (String, i64) {
    let raw = format!(
        "From: Ann Author <ann@widgets.example>\nSubject: [PATCH] soak: change {n}\nMessage-ID: <s{n}@soak.example>\nList-Id: <kvm.vger.kernel.org>\n\nChange {n}.\n\nSigned-off-by: Ann Author <ann@widgets.example>\n---\n w.c | 1 +\n 1 file changed, 1 insertion(+)\n"
    );
    (raw, common::T0 + n * 60)
}

/// The list as the server has it, and what was delivered of it.
#[derive(Default)]
struct Model {
    /// Mails per epoch, in arrival order (purged ones taken out).
    epochs: Vec<Vec<i64>>,
    next: i64,
    /// Every mail delivered, in the order of delivery.
    delivered: Vec<i64>,
    /// How often each mail was delivered.
    times: BTreeMap<i64, u32>,
    purged: Vec<i64>,
}

impl Model {
    fn on_server(&self) -> impl Iterator<Item = i64> + '_ {
        self.epochs.iter().flatten().copied()
    }
}

#[derive(Default)]
struct Figures {
    rounds: usize,
    updates: usize,
    succeeded: usize,
    kills: usize,
    killed_after_commit: usize,
    concurrent_starts: usize,
    cuts_failed: usize,
    disk_full_failed: usize,
    purges: usize,
    rollovers: usize,
    delivered: usize,
    purged_undelivered: usize,
}

struct Soak {
    tmp: TempDir,
    root: PathBuf,
    config: PathBuf,
    state: PathBuf,
    limit: Arc<AtomicUsize>,
    model: Model,
    figures: Figures,
    rng: Rng,
    /// Average time of a successful update, to aim kills over its length.
    update_millis: f64,
    outputs: usize,
    /// The list's URL (the proxy's), for syncs run beside updates.
    url: String,
    /// The mirror `update` keeps.
    mirror: PathBuf,
}

/// How an update ended.
enum Ended {
    Exit(i32),
    Killed,
}

impl Soak {
    fn serve(&self, epoch: usize) {
        let fixture = self.model.epochs[epoch]
            .iter()
            .map(|&n| soak_mail(n))
            .fold(common::Epoch::new(), |e, (raw, time)| e.mail(raw, time));
        serve_epoch(&self.root, epoch as u32, &fixture);
    }

    fn new_mail(&mut self, count: i64) {
        if self.model.epochs.is_empty() {
            self.model.epochs.push(Vec::new());
        }
        let newest = self.model.epochs.len() - 1;
        for _ in 0..count {
            self.model.epochs[newest].push(self.model.next);
            self.model.next += 1;
        }
        self.serve(newest);
    }

    fn roll_over(&mut self) {
        self.model.epochs.push(Vec::new());
        self.figures.rollovers += 1;
        let count = 1 + self.rng.below(3) as i64;
        self.new_mail(count);
    }

    /// Takes out one mail of a random epoch, rewriting that epoch's history.
    fn purge(&mut self) {
        let candidates: Vec<usize> = (0..self.model.epochs.len())
            .filter(|&e| self.model.epochs[e].len() > 1)
            .collect();
        if candidates.is_empty() {
            return self.new_mail(1);
        }
        let epoch = candidates[self.rng.below(candidates.len() as u64) as usize];
        let mails = &mut self.model.epochs[epoch];
        let at = self.rng.below(mails.len() as u64) as usize;
        let gone = mails.remove(at);
        self.model.purged.push(gone);
        self.figures.purges += 1;
        self.serve(epoch);
    }

    fn command(&mut self, out: &Path, file_size_limit: Option<u64>) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_lore-digest"));
        command
            .args(["update", "kvm", "--since", "2025-04-01", "--wait", "120"])
            .arg("--config")
            .arg(&self.config)
            .arg("--state")
            .arg(&self.state)
            .arg("-o")
            .arg(out)
            .env("XDG_DATA_HOME", self.tmp.path().join("data"))
            .env("XDG_CACHE_HOME", self.tmp.path().join("cache"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if let Some(bytes) = file_size_limit {
            use std::os::unix::process::CommandExt;
            // SAFETY: signal and setrlimit are async-signal-safe. SIGXFSZ
            // ignored: writes past the limit fail with EFBIG, as on a full disk.
            unsafe {
                command.pre_exec(move || {
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
        }
        command
    }

    fn output_path(&mut self) -> PathBuf {
        self.outputs += 1;
        self.tmp.path().join(format!("out/{}.json", self.outputs))
    }

    fn state_bytes(&self) -> Option<Vec<u8>> {
        std::fs::read(&self.state).ok()
    }

    /// Counts what a run delivered, when it committed its state.
    fn settle(&mut self, out: &Path, committed: bool, stderr: &str) -> Vec<i64> {
        let mut got = Vec::new();
        if committed {
            self.figures.succeeded += 1;
            if out.exists() {
                got = delivered_by(out);
            } else {
                assert!(
                    stderr.contains("no new mail") || stderr.is_empty(),
                    "{stderr}"
                );
            }
        }
        let _ = std::fs::remove_file(out);
        got
    }

    fn deliver(&mut self, mut got: Vec<i64>) {
        got.sort();
        for n in got {
            if let Some(&last) = self.model.delivered.last() {
                assert!(
                    n > last,
                    "mail {n} delivered after mail {last}: out of order"
                );
            }
            *self.model.times.entry(n).or_default() += 1;
            assert_eq!(self.model.times[&n], 1, "mail {n} delivered twice");
            assert!(n < self.model.next, "mail {n} never reached the server");
            self.model.delivered.push(n);
            self.figures.delivered += 1;
        }
    }

    /// One update; `kill_after` kills it after that long.
    fn update(&mut self, file_size_limit: Option<u64>, kill_after: Option<Duration>) -> Ended {
        let out = self.output_path();
        let before = self.state_bytes();
        let started = Instant::now();
        let mut child = self.command(&out, file_size_limit).spawn().unwrap();
        self.figures.updates += 1;
        let ended = match kill_after {
            Some(delay) => {
                std::thread::sleep(delay);
                match child.try_wait().unwrap() {
                    Some(status) => Ended::Exit(status.code().unwrap_or(-1)),
                    None => {
                        child.kill().unwrap();
                        self.figures.kills += 1;
                        Ended::Killed
                    }
                }
            }
            None => Ended::Exit(-2),
        };
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let ended = match ended {
            Ended::Exit(_) => Ended::Exit(output.status.code().unwrap_or(-1)),
            killed => killed,
        };
        let changed = self.state_bytes() != before;
        let committed = match ended {
            Ended::Exit(0) => {
                let millis = started.elapsed().as_secs_f64() * 1000.0;
                self.update_millis = 0.8 * self.update_millis + 0.2 * millis;
                true
            }
            Ended::Exit(code) => {
                assert!(
                    !changed,
                    "a failed update (exit {code}) changed the state: {stderr}"
                );
                false
            }
            Ended::Killed => {
                if changed {
                    self.figures.killed_after_commit += 1;
                }
                changed
            }
        };
        let got = self.settle(&out, committed, &stderr);
        if let (Ended::Exit(code), Some(_)) = (&ended, file_size_limit) {
            // A full disk is this machine's fault: exit 1, never 3.
            assert!(
                matches!(code, 0 | 1),
                "exit {code} on a full disk: {stderr}"
            );
            if *code == 1 {
                self.figures.disk_full_failed += 1;
            }
        }
        if let Ended::Exit(code) = &ended
            && file_size_limit.is_none()
            && kill_after.is_none()
        {
            let cut = self.limit.load(Ordering::SeqCst) != usize::MAX;
            assert!(
                *code == 0 || (cut && *code == 3),
                "update exit {code}: {stderr}"
            );
            if *code == 3 {
                self.figures.cuts_failed += 1;
            }
        }
        self.deliver(got);
        ended
    }

    /// Two or three updates at once, and sometimes a sync of their mirror.
    fn concurrent(&mut self) {
        let count = 2 + self.rng.below(2) as usize;
        let with_sync = self.rng.below(2) == 0;
        let outs: Vec<PathBuf> = (0..count).map(|_| self.output_path()).collect();
        let children: Vec<Child> = outs
            .iter()
            .map(|out| self.command(out, None).spawn().unwrap())
            .collect();
        let sync = with_sync.then(|| {
            let mirror = self.mirror.clone();
            Command::new(env!("CARGO_BIN_EXE_lore-digest"))
                .args(["sync", &self.url, "--wait", "120", "--into"])
                .arg(mirror)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        });
        self.figures.updates += count;
        self.figures.concurrent_starts += 1;
        let mut all = Vec::new();
        for (child, out) in children.into_iter().zip(&outs) {
            let output = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
            assert_eq!(output.status.code(), Some(0), "{stderr}");
            all.extend(self.settle(out, true, &stderr));
        }
        if let Some(sync) = sync {
            let output = sync.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(0), "{stderr}");
        }
        // One of them reported the mail, the others nothing new: the
        // union, in order, is a delivery like any other.
        self.deliver(all);
    }

    /// After a fault-free update: everything the server has is delivered.
    fn check_nothing_lost(&self) {
        for n in self.model.on_server() {
            assert_eq!(
                self.model.times.get(&n),
                Some(&1),
                "mail {n} is on the server but was never delivered"
            );
        }
    }

    /// The state parses, the mirror reports, and no leftovers stay behind
    /// a successful run.
    fn check_readable(&self) {
        if let Some(bytes) = self.state_bytes() {
            let state: serde_json::Value =
                serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("state unreadable ({e})"));
            assert!(state["epochs"].is_array());
        }
        let mirror = &self.mirror;
        if mirror.join("git/0.git").exists() {
            let (code, _, err) = common::run(&[
                "report",
                "--archive",
                mirror.to_str().unwrap(),
                "--since",
                "1970-01-01",
                "--lookback",
                "none",
                "--format",
                "json",
            ]);
            assert_eq!(code, 0, "the mirror does not report: {err}");
        }
    }

    fn check_no_leftovers(&self) {
        let state_dir = self.state.parent().unwrap();
        for entry in std::fs::read_dir(state_dir).unwrap().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            assert!(
                name == "kvm.json" || name == "kvm.json.lock",
                "left in the state directory: {name}"
            );
        }
        let git = self.mirror.join("git");
        for entry in std::fs::read_dir(git).unwrap().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            assert!(!name.ends_with(".partial"), "left in the mirror: {name}");
        }
    }
}

/// The mail numbers of a JSON report, checked against its message count.
fn delivered_by(out: &Path) -> Vec<i64> {
    let text = std::fs::read_to_string(out).unwrap();
    let report: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("a committed report is not whole JSON ({e})"));
    let mut got = Vec::new();
    for series in report["series"].as_array().unwrap() {
        for patch in series["patches"].as_array().unwrap() {
            let id = patch["message_id"].as_str().unwrap();
            let n = id
                .trim_start_matches('<')
                .trim_start_matches('s')
                .split('@')
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("not a soak mail: {id}"));
            got.push(n);
        }
    }
    assert_eq!(
        report["stats"]["messages"].as_u64(),
        Some(got.len() as u64),
        "every reported mail is a patch of its own series"
    );
    got
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn soak_updates_deliver_every_mail_exactly_once() {
    let rounds = env_number("SOAK_ROUNDS", 60) as usize;
    let budget = Duration::from_secs(env_number("SOAK_SECONDS", 150));
    let seed = env_number("SOAK_SEED", 0x5eed_1e55);
    let tmp = TempDir::new().unwrap();
    let root = tmp.path().join("srv");
    std::fs::create_dir_all(tmp.path().join("out")).unwrap();
    let mut model = Model::default();
    model.epochs.push(Vec::new());
    let soak_root = root.clone();
    // The daemon must be up before the proxy points at it, and the list
    // must have its first epoch before anyone syncs.
    let first = (0..5)
        .map(soak_mail)
        .fold(common::Epoch::new(), |e, (r, t)| e.mail(r, t));
    serve_epoch(&soak_root, 0, &first);
    model.epochs[0] = (0..5).collect();
    model.next = 5;
    let daemon = git_daemon(&root);
    let limit = Arc::new(AtomicUsize::new(usize::MAX));
    let port = proxy(daemon.port, Arc::clone(&limit));
    let url = format!("git://127.0.0.1:{port}/kvm");
    let config = tmp.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[lists.kvm]\nurl = \"{url}\"\nformat = \"json\"\n"),
    )
    .unwrap();
    let mut soak = Soak {
        state: tmp.path().join("state/kvm.json"),
        // `default_mirror_dir`: HOST (with its port) and PATH of the URL.
        mirror: tmp
            .path()
            .join(format!("data/lore-digest/mirrors/127.0.0.1:{port}/kvm")),
        tmp,
        root,
        config,
        limit,
        model,
        figures: Figures::default(),
        rng: Rng(seed | 1),
        update_millis: 300.0,
        outputs: 0,
        url,
    };
    let started = Instant::now();
    assert!(matches!(soak.update(None, None), Ended::Exit(0)));
    soak.check_nothing_lost();

    while soak.figures.rounds < rounds && started.elapsed() < budget {
        soak.figures.rounds += 1;
        let clean = match soak.rng.below(100) {
            0..=29 => {
                let count = 1 + soak.rng.below(6) as i64;
                soak.new_mail(count);
                true
            }
            30..=37 => {
                soak.roll_over();
                true
            }
            38..=49 => {
                soak.purge();
                if soak.rng.below(2) == 0 {
                    soak.new_mail(1);
                }
                true
            }
            50..=59 => {
                let count = 1 + soak.rng.below(30) as i64;
                soak.new_mail(count);
                let cut = 256 + soak.rng.below(16 << 10) as usize;
                soak.limit.store(cut, Ordering::SeqCst);
                soak.update(None, None);
                soak.limit.store(usize::MAX, Ordering::SeqCst);
                false
            }
            60..=71 => {
                let count = 1 + soak.rng.below(4) as i64;
                soak.new_mail(count);
                soak.concurrent();
                soak.check_nothing_lost();
                soak.check_readable();
                continue;
            }
            72..=89 => {
                let count = 1 + soak.rng.below(8) as i64;
                soak.new_mail(count);
                let span = (soak.update_millis * 1.5).max(20.0) as u64;
                let delay = Duration::from_millis(soak.rng.below(span));
                soak.update(None, Some(delay));
                false
            }
            _ => {
                let count = 1 + soak.rng.below(20) as i64;
                soak.new_mail(count);
                let bytes = [512, 4 << 10, 32 << 10, 256 << 10][soak.rng.below(4) as usize];
                soak.update(Some(bytes), None);
                false
            }
        };
        if clean {
            assert!(matches!(soak.update(None, None), Ended::Exit(0)));
            soak.check_nothing_lost();
            soak.check_no_leftovers();
        }
        soak.check_readable();
    }
    // A last fault-free update picks up whatever the faults held back.
    assert!(matches!(soak.update(None, None), Ended::Exit(0)));
    soak.check_nothing_lost();
    soak.check_no_leftovers();
    soak.check_readable();

    let f = &mut soak.figures;
    f.purged_undelivered = soak
        .model
        .purged
        .iter()
        .filter(|n| !soak.model.times.contains_key(n))
        .count();
    let duplicates = soak.model.times.values().filter(|&&t| t > 1).count();
    let losses = soak
        .model
        .on_server()
        .filter(|n| !soak.model.times.contains_key(n))
        .count();
    println!(
        "soak: seed {seed:#x}, {} rounds in {:.1} s: {} updates ({} committed), {} kills ({} after the state was committed), {} concurrent starts, {} cut transfers failed, {} full-disk failures, {} roll-overs, {} purges ({} of mail never delivered); {} mails reached the server, {} delivered, duplicates {duplicates}, losses {losses}",
        f.rounds,
        started.elapsed().as_secs_f64(),
        f.updates,
        f.succeeded,
        f.kills,
        f.killed_after_commit,
        f.concurrent_starts,
        f.cuts_failed,
        f.disk_full_failed,
        f.rollovers,
        f.purges,
        f.purged_undelivered,
        soak.model.next,
        f.delivered,
    );
    assert_eq!(duplicates, 0);
    assert_eq!(losses, 0);
    drop(daemon);
}
