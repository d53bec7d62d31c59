//! What an archive held before a selection, known without reading mails.
//!
//! public-inbox writes each mail's `Subject` as the commit message and its
//! `From` as the commit author, so the subjects of a whole archive can be
//! indexed from commit objects alone, which the walk decodes anyway. Mail
//! blobs, many times larger, are read only for the few commits a report
//! then asks about.
//!
//! Walking every commit of a big list still takes a while, so the index of
//! each epoch can be kept in a cache directory: it remembers the head it
//! covers, and a later run walks only the commits added since. A cached
//! head that left the history (a rewrite) makes the epoch walked afresh.
//! The cache holds exactly what a walk would find, so it never changes a
//! report.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use gix::ObjectId;
use serde::{Deserialize, Serialize};

use super::select::{Mark, WalkPlan};
use super::{Archive, SelectedCommit};
use crate::Error;
use crate::lock::{Lock, Wait, lock_path_for};
use crate::mail::{PatchTag, SubjectKind, parse_subject};

/// A patch mail outside the selection, as its commit records it.
#[derive(Clone, Debug)]
pub struct IndexedPatch {
    /// The commit that added it.
    pub commit: SelectedCommit,
    /// The subject's title (tag removed).
    pub title: String,
    /// The subject's patch tag.
    pub tag: PatchTag,
    /// The commit author's lower-cased address: the mail's `From`.
    pub sender: String,
}

/// A series start as the cache keeps it: the commit's own fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Start {
    id: String,
    tree: String,
    time: i64,
    subject: String,
    sender: String,
}

/// The cached index of one epoch.
#[derive(Debug, Serialize, Deserialize)]
struct CachedEpoch {
    /// Bumped when the format or the rule of what is kept changes.
    format: u32,
    head: String,
    head_time: i64,
    starts: Vec<Start>,
}

const CACHE_FORMAT: u32 = 1;

impl Archive {
    /// The cover letters and first patches (the mails a series is known by)
    /// of every epoch that arrived at or after `since` and before `before`,
    /// leaving out the commits in `skip`. Only commit objects are read;
    /// with `cache`, only those added since the cached index.
    ///
    /// A cache file is written under its lock, waited for as `wait` says:
    /// two runs on one archive index it once, the second reading what the
    /// first wrote. A run that cannot have the lock in time walks without
    /// writing the cache (it is never worth failing a report for).
    pub fn index_series_starts(
        &self,
        since: Option<i64>,
        before: i64,
        skip: &HashSet<ObjectId>,
        cache: Option<&Path>,
        wait: Wait,
    ) -> Result<Vec<IndexedPatch>, Error> {
        let mut found = Vec::new();
        for epoch in 0..self.epochs.len() {
            let Some(tip) = self.head(epoch)? else {
                continue;
            };
            for start in self.epoch_starts(epoch, tip, cache, wait)? {
                let Some(patch) = start.to_patch(epoch) else {
                    continue;
                };
                let time = patch.commit.time;
                if time < before
                    && since.is_none_or(|s| time >= s)
                    && !skip.contains(&patch.commit.id)
                {
                    found.push(patch);
                }
            }
        }
        Ok(found)
    }

    /// Every series start of one epoch up to `tip`, from the cache where it
    /// can, and the cache brought up to date.
    fn epoch_starts(
        &self,
        epoch: usize,
        tip: ObjectId,
        cache: Option<&Path>,
        wait: Wait,
    ) -> Result<Vec<Start>, Error> {
        let file = cache.map(|dir| cache_file(dir, &self.epochs[epoch].path));
        // Taken before the cache is read, so a run that waited reads what
        // the one it waited for wrote.
        let lock = file
            .as_deref()
            .and_then(|f| Lock::try_acquire(&lock_path_for(f), wait).ok());
        if let (Some(file), Some(_)) = (&file, &lock) {
            crate::atomic::remove_stale_temp_files(file);
        }
        let cached = file.as_deref().and_then(load);
        let known = match cached {
            Some(c) => {
                let head = ObjectId::from_hex(c.head.as_bytes()).ok();
                if head == Some(tip) {
                    return Ok(c.starts);
                }
                let mark = head.map(|head| Mark {
                    epoch: self.epochs[epoch].number,
                    head,
                    time: c.head_time,
                });
                match mark {
                    Some(mark) if self.reaches(epoch, tip, &mark)? => Some((mark.head, c.starts)),
                    _ => None,
                }
            }
            None => None,
        };
        let (hidden, mut older) = match known {
            Some((head, starts)) => (Some(head), starts),
            None => (None, Vec::new()),
        };
        let plan = WalkPlan {
            epoch,
            tip,
            hidden,
            since: None,
            until: None,
        };
        let mut starts = Vec::new();
        self.walk(&plan, &mut |commit, data| {
            starts.extend(series_start(commit, data));
            true
        })?;
        starts.append(&mut older);
        if let (Some(file), Some(_)) = (file, &lock) {
            let head_time = self.commit_time(epoch, tip);
            // A cache that cannot be written costs the next run time, not
            // this run its report.
            let _ = save(
                &file,
                &CachedEpoch {
                    format: CACHE_FORMAT,
                    head: tip.to_string(),
                    head_time,
                    starts: starts.clone(),
                },
            );
        }
        Ok(starts)
    }
}

impl Start {
    /// The indexed patch, when the subject opens a series.
    fn to_patch(&self, epoch: usize) -> Option<IndexedPatch> {
        let subject = parse_subject(&self.subject);
        let SubjectKind::Patch(tag) = subject.kind else {
            return None;
        };
        Some(IndexedPatch {
            commit: SelectedCommit {
                epoch,
                id: ObjectId::from_hex(self.id.as_bytes()).ok()?,
                time: self.time,
                tree: ObjectId::from_hex(self.tree.as_bytes()).ok()?,
            },
            title: subject.title,
            tag: *tag,
            sender: self.sender.clone(),
        })
    }
}

/// The commit as a [`Start`] when its subject opens a series.
fn series_start(commit: SelectedCommit, data: &[u8]) -> Option<Start> {
    let commit_object = || gix::objs::CommitRefIter::from_bytes(data, commit.id.kind());
    let message = commit_object().message().ok()?;
    // Cheap test first: nearly all subjects without a bracket are replies.
    memchr::memchr(b'[', message)?;
    let subject = String::from_utf8_lossy(message).into_owned();
    let SubjectKind::Patch(tag) = parse_subject(&subject).kind else {
        return None;
    };
    if !matches!(tag.index, None | Some(0) | Some(1)) {
        return None;
    }
    let sender = commit_object()
        .author()
        .map(|a| a.email.to_string().to_lowercase())
        .unwrap_or_default();
    Some(Start {
        id: commit.id.to_string(),
        tree: commit.tree.to_string(),
        time: commit.time,
        subject,
        sender,
    })
}

/// One cache file per epoch repository, named by a hash of its path.
fn cache_file(dir: &Path, epoch_path: &Path) -> PathBuf {
    let path = std::fs::canonicalize(epoch_path).unwrap_or_else(|_| epoch_path.to_path_buf());
    let key = gix::objs::compute_hash(
        gix::hash::Kind::Sha1,
        gix::objs::Kind::Blob,
        path.to_string_lossy().as_bytes(),
    )
    .map(|id| id.to_string())
    .unwrap_or_else(|_| "epoch".into());
    dir.join("series-index").join(format!("{key}.json"))
}

/// The cached index, if there is a readable one of this format.
fn load(file: &Path) -> Option<CachedEpoch> {
    let bytes = std::fs::read(file).ok()?;
    let cached: CachedEpoch = serde_json::from_slice(&bytes).ok()?;
    (cached.format == CACHE_FORMAT).then_some(cached)
}

/// Writes the cache atomically, so a concurrent run never reads half of it.
fn save(file: &Path, cached: &CachedEpoch) -> std::io::Result<()> {
    std::fs::create_dir_all(file.parent().unwrap_or(Path::new(".")))?;
    let json = serde_json::to_vec(cached).map_err(std::io::Error::other)?;
    crate::atomic::write_atomically(file, &json)
}
