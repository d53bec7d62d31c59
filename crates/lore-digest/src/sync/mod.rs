//! Mirroring public-inbox archives over git, in-process with gitoxide.
//!
//! A mirror is laid out as a v2 inbox, `DIR/git/N.git`, so that it opens
//! as an [`Archive`](crate::archive::Archive) whatever the source was. The
//! epochs of an inbox are found in its grokmirror manifest
//! (`BASE/manifest.js.gz`), else by trying `BASE/git/0.git`, `1.git`, ….
//! A first clone of an epoch goes to a temporary directory that is renamed
//! into place when complete, so an interrupted sync never leaves half an
//! epoch; a later fetch adds objects before it moves any ref, so an
//! interrupted fetch leaves the mirror as it was. A sync holds the
//! mirror's lock ([`lock_mirror`]) throughout, so two never write one
//! mirror at once, and what a killed one left is removed by the next
//! (`cleanup.rs`). What a server can make it do is bounded (`limits.rs`).

mod cleanup;
mod discover;
mod failure;
pub mod limits;
mod progress;
mod transport;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Duration;

pub use discover::{RemoteEpoch, Source, epochs_from_manifest};
pub use progress::Transfer;

use crate::Error;
use crate::lock::{Lock, Wait};

/// What a sync fetches beyond what is new, and how long it waits.
#[derive(Clone, Copy, Debug)]
pub struct SyncOptions {
    /// Keep history back to this time only (seconds since the epoch): a
    /// first clone is shallow, and a mirror cut later than this is deepened
    /// to it. `None`: whole history for new epochs, no change for shallow
    /// mirrors.
    pub since: Option<i64>,
    /// A transfer that makes no progress for this long fails (see
    /// [`limits::LOW_SPEED_BYTES_PER_SECOND`]).
    pub timeout: Duration,
    /// How long to wait for another sync of the same mirror.
    pub wait: Wait,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            since: None,
            timeout: limits::DEFAULT_TIMEOUT,
            wait: Wait::No,
        }
    }
}

/// What happened to one epoch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EpochOutcome {
    /// `N` of `git/N.git`.
    pub number: u32,
    /// The mirror repository.
    pub path: PathBuf,
    /// Cloned now (else fetched into an existing mirror).
    pub cloned: bool,
    /// Left out: a shallow first clone of an epoch with no mail since the
    /// cutoff (the manifest says so).
    pub skipped: bool,
    /// Its shallow boundary moved back (`--since` reached further).
    pub deepened: bool,
    /// Its head before and after (hex), when it had one.
    pub head_before: Option<String>,
    /// See `head_before`.
    pub head_after: Option<String>,
}

/// What a sync did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncOutcome {
    /// The mirror directory (a v2 inbox).
    pub mirror: PathBuf,
    /// Every epoch the source has, oldest first.
    pub epochs: Vec<EpochOutcome>,
}

/// Hears about the progress of a sync (the CLI draws progress bars).
pub trait SyncProgress {
    /// The epochs are known; `total` of them will be synced.
    fn epochs_found(&self, total: usize);
    /// Work on epoch `number` starts.
    fn epoch_started(&self, number: u32, cloning: bool);
    /// Work on it ended.
    fn epoch_done(&self, outcome: &EpochOutcome);
    /// Epoch `number`'s clone or fetch starts; `transfer` counts what it
    /// receives, advanced by gix as it goes (poll it to show progress).
    fn transfer_started(&self, _number: u32, _transfer: &Transfer) {}
    /// Something a person should know: a wait for another run, leftovers
    /// of a killed run removed.
    fn note(&self, _text: &str) {}
}

/// Progress that goes nowhere.
pub struct Quiet;

impl SyncProgress for Quiet {
    fn epochs_found(&self, _: usize) {}
    fn epoch_started(&self, _: u32, _: bool) {}
    fn epoch_done(&self, _: &EpochOutcome) {}
}

/// The lock file of a mirror, in its top directory (beside `git/`).
pub const MIRROR_LOCK: &str = "lore-digest-sync.lock";

/// A mirror directory locked against other syncs, from [`lock_mirror`]
/// until dropped.
#[derive(Debug)]
pub struct MirrorLock {
    dir: PathBuf,
    _lock: Lock,
}

impl MirrorLock {
    /// The mirror directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// Locks the mirror at `into` (created if missing) against other syncs,
/// waiting as `wait` says. [`sync`] takes this lock itself; a caller that
/// must also read the mirror before anyone else changes it (`update`, whose
/// recorded heads must be the ones it reported) takes it first and syncs
/// with [`sync_locked`].
pub fn lock_mirror(
    into: &Path,
    wait: Wait,
    progress: &dyn SyncProgress,
) -> Result<MirrorLock, Error> {
    std::fs::create_dir_all(into).map_err(|e| Error::Io {
        path: into.to_path_buf(),
        source: e,
    })?;
    let what = format!("sync of {}", into.display());
    let lock = Lock::acquire_noting(&into.join(MIRROR_LOCK), &what, wait, &|text| {
        progress.note(text)
    })?;
    Ok(MirrorLock {
        dir: into.to_path_buf(),
        _lock: lock,
    })
}

/// Mirrors `url` (an inbox or one epoch repository) into `into`, holding
/// the mirror's lock while it does.
pub fn sync(
    url: &str,
    into: &Path,
    options: &SyncOptions,
    progress: &dyn SyncProgress,
) -> Result<SyncOutcome, Error> {
    let mirror = lock_mirror(into, options.wait, progress)?;
    sync_locked(url, &mirror, options, progress)
}

/// [`sync`] into a mirror already locked.
pub fn sync_locked(
    url: &str,
    mirror: &MirrorLock,
    options: &SyncOptions,
    progress: &dyn SyncProgress,
) -> Result<SyncOutcome, Error> {
    let into = mirror.dir();
    let git_dir = into.join("git");
    std::fs::create_dir_all(&git_dir).map_err(|e| Error::Io {
        path: git_dir.clone(),
        source: e,
    })?;
    let removed = cleanup::partial_clones(&git_dir);
    if !removed.is_empty() {
        progress.note(&format!(
            "removed git/{}, left by an interrupted clone",
            removed.join(", git/")
        ));
    }
    let source = Source::parse(url);
    let remote_epochs = match &source {
        Source::Epoch { url, number } => vec![RemoteEpoch {
            number: *number,
            url: url.clone(),
            modified: None,
        }],
        Source::Inbox { base } => match discover::fetch_manifest(base, options.timeout)? {
            Some(manifest) => epochs_from_manifest(base, &manifest).unwrap_or_default(),
            None => Vec::new(),
        },
    };
    if let (Source::Inbox { base }, Some(beyond)) = (
        &source,
        remote_epochs.iter().find(|e| e.number > limits::MAX_EPOCH),
    ) {
        return Err(Error::Fetch {
            url: discover::manifest_url(base),
            reason: format!(
                "the manifest lists git/{}.git, beyond the {} epochs any inbox has; refused",
                beyond.number,
                limits::MAX_EPOCH
            ),
        });
    }
    // No manifest: epochs are numbered from 0 without gaps, so try each
    // until the server has no such repository.
    let probe_base = match &source {
        Source::Inbox { base } if remote_epochs.is_empty() => Some(base.as_str()),
        _ => None,
    };
    progress.epochs_found(remote_epochs.len());
    let mut outcomes = Vec::new();
    if let Some(base) = probe_base {
        for number in 0..=limits::MAX_EPOCH {
            let epoch = RemoteEpoch {
                number,
                url: format!("{base}/git/{number}.git"),
                modified: None,
            };
            let mirrored = mirror_path(&git_dir, number).exists();
            match sync_epoch(&epoch, &git_dir, options, progress) {
                Ok(outcome) => outcomes.push(outcome),
                // The first epoch past the last one there is fails to
                // connect; a stall or a local failure is a failure still.
                Err(Error::Fetch { .. }) if !mirrored && number > 0 => break,
                Err(e) => return Err(e),
            }
        }
    } else {
        for epoch in &remote_epochs {
            outcomes.push(sync_epoch(epoch, &git_dir, options, progress)?);
        }
    }
    Ok(SyncOutcome {
        mirror: into.to_path_buf(),
        epochs: outcomes,
    })
}

fn mirror_path(git_dir: &Path, number: u32) -> PathBuf {
    git_dir.join(format!("{number}.git"))
}

/// Clones or fetches one epoch.
fn sync_epoch(
    epoch: &RemoteEpoch,
    git_dir: &Path,
    options: &SyncOptions,
    progress: &dyn SyncProgress,
) -> Result<EpochOutcome, Error> {
    let path = mirror_path(git_dir, epoch.number);
    let cloning = !path.exists();
    let mut outcome = EpochOutcome {
        number: epoch.number,
        path: path.clone(),
        cloned: cloning,
        skipped: false,
        deepened: false,
        head_before: None,
        head_after: None,
    };
    // A shallow clone of an epoch without mail since the cutoff has nothing
    // to fetch (the server refuses it); the manifest tells which those are.
    if let (true, Some(since), Some(modified)) = (cloning, options.since, epoch.modified)
        && modified < since
    {
        outcome.skipped = true;
        progress.epoch_done(&outcome);
        return Ok(outcome);
    }
    progress.epoch_started(epoch.number, cloning);
    let transfer = Transfer::default();
    progress.transfer_started(epoch.number, &transfer);
    if cloning {
        clone(&epoch.url, &path, options, &transfer)?;
    } else {
        let removed = cleanup::interrupted_fetch(&path);
        if !removed.is_empty() {
            let names: Vec<String> = removed
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            progress.note(&format!(
                "git/{}.git: removed {}, left by an interrupted sync",
                epoch.number,
                names.join(", ")
            ));
        }
        outcome.head_before = head(&path);
        let boundary = std::fs::read(path.join("shallow")).unwrap_or_default();
        fetch(&epoch.url, &path, options, &transfer)?;
        outcome.deepened = std::fs::read(path.join("shallow")).unwrap_or_default() != boundary;
    }
    outcome.head_after = head(&path);
    progress.epoch_done(&outcome);
    Ok(outcome)
}

/// Every ref of the server's, as is: a mirror, not a set of remote branches.
const MIRROR_REFSPEC: &str = "+refs/heads/*:refs/heads/*";

/// A first clone: into `N.git.partial`, renamed into place when complete.
fn clone(url: &str, path: &Path, options: &SyncOptions, transfer: &Transfer) -> Result<(), Error> {
    let partial = partial_path(path);
    let _ = std::fs::remove_dir_all(&partial);
    let timeout = options.timeout;
    let mut prepare = gix::prepare_clone_bare(url, &partial)
        .map_err(|e| local(&partial, &e))?
        .with_in_memory_config_overrides(limits::http_config(timeout))
        .configure_remote(|remote| {
            remote.with_refspecs([MIRROR_REFSPEC], gix::remote::Direction::Fetch)
        })
        .configure_connection(move |connection| {
            transport::bound_git_connection(connection, timeout)
        })
        .with_shallow(shallow_since(options.since));
    let interrupt = AtomicBool::new(false);
    let fetched = prepare
        .fetch_only(progress::Tap::new(transfer), &interrupt)
        .map(drop);
    drop(prepare);
    match fetched {
        Ok(()) => std::fs::rename(&partial, path).map_err(|e| Error::Io {
            path: path.to_path_buf(),
            source: e,
        }),
        Err(e) => {
            let _ = std::fs::remove_dir_all(&partial);
            Err(failure::classify(&e, url, path, timeout))
        }
    }
}

/// Fetches from `url`, the URL given now rather than the one cloned from:
/// a mirror may move to another server.
fn fetch(url: &str, path: &Path, options: &SyncOptions, transfer: &Transfer) -> Result<(), Error> {
    let timeout = options.timeout;
    let open = gix::open::Options::isolated().config_overrides(limits::http_config(timeout));
    let repo = gix::open_opts(path, open).map_err(|e| local(path, &e))?;
    let shallow = match options.since {
        // Deepen only: a cutoff later than what the mirror holds would cut
        // history a report may still need.
        Some(cutoff)
            if repo.is_shallow().map_err(|e| local(path, &e))?
                && oldest_commit_time(&repo).map_err(|e| local(path, &e))? > cutoff =>
        {
            shallow_since(Some(cutoff))
        }
        _ => gix::remote::fetch::Shallow::NoChange,
    };
    let remote_failure = |e: gix::Error| failure::classify(&e, url, path, timeout);
    let remote = repo
        .remote_at(url)
        .map_err(remote_failure)?
        .with_refspecs([MIRROR_REFSPEC], gix::remote::Direction::Fetch)
        .map_err(remote_failure)?;
    let mut connection = remote
        .connect(gix::remote::Direction::Fetch)
        .map_err(remote_failure)?;
    transport::bound_git_connection(&mut connection, timeout).map_err(remote_failure)?;
    let interrupt = AtomicBool::new(false);
    connection
        .prepare_fetch(gix::progress::Discard, Default::default())
        .map_err(remote_failure)?
        .with_shallow(shallow)
        .receive(progress::Tap::new(transfer), &interrupt)
        .map_err(remote_failure)?;
    Ok(())
}

/// A failure of the mirror itself, before any transfer: exit 1, not 3.
fn local(path: &Path, error: &dyn std::fmt::Display) -> Error {
    Error::Git {
        path: path.to_path_buf(),
        source: error.to_string().into(),
    }
}

fn shallow_since(since: Option<i64>) -> gix::remote::fetch::Shallow {
    match since {
        Some(cutoff) => gix::remote::fetch::Shallow::Since {
            cutoff: gix::date::Time::new(cutoff, 0),
        },
        None => gix::remote::fetch::Shallow::NoChange,
    }
}

/// The commit time of the oldest commit a shallow mirror holds: the
/// earliest of its shallow boundary commits.
fn oldest_commit_time(repo: &gix::Repository) -> Result<i64, gix::Error> {
    let Some(boundary) = repo.shallow_commits()? else {
        return Ok(i64::MIN);
    };
    let mut oldest = i64::MAX;
    for id in boundary.iter() {
        let commit = repo.find_commit(*id)?;
        oldest = oldest.min(commit.committer()?.seconds());
    }
    Ok(oldest)
}

fn head(path: &Path) -> Option<String> {
    let repo = gix::open_opts(path, gix::open::Options::isolated()).ok()?;
    let id = repo.head_id().ok()?;
    Some(id.to_string())
}

fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    path.with_file_name(name)
}

/// Where mirrors live by default: `$XDG_DATA_HOME/lore-digest/mirrors/HOST/PATH`
/// (`~/.local/share/…` without it), e.g. `…/lore.kernel.org/kvm`.
pub fn default_mirror_dir(url: &str) -> Option<PathBuf> {
    let data = crate::lists::xdg_dir("XDG_DATA_HOME", ".local/share")?;
    let place = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest)
        .trim_end_matches('/');
    let place = place.strip_suffix(".git").unwrap_or(place);
    let mut dir = data.join("lore-digest").join("mirrors");
    for part in place
        .split('/')
        .filter(|p| !p.is_empty() && *p != "." && *p != "..")
    {
        dir.push(part);
    }
    Some(dir)
}
