//! Public-inbox archives: opening them, selecting commits, reading mails.
//!
//! An archive is one or more git repositories ("epochs") in which every
//! commit adds one raw mail as the blob `m` (public-inbox's v2 layout). A
//! single repository may be given directly, or a v2 inbox directory holding
//! `git/0.git`, `git/1.git`, …; epochs continue one another, oldest first.
//! A v1 inbox (one repository, each mail a file at a hashed path), an mbox
//! file and a Maildir directory are read too.

mod history;
mod mailbox;
mod pack_order;
mod read;
mod select;

use std::path::{Path, PathBuf};

pub use history::IndexedPatch;
#[doc(hidden)]
pub use mailbox::split_mbox_data;
#[doc(hidden)]
pub use pack_order::pack_order_counts;
pub use pack_order::{PACK_ORDER_SHARE, Reader};
pub use read::{MailRecord, Missing, Reached, ReadOutcome};
pub use select::{
    Mark, Selected, SelectedCommit, Selection, parse_duration, parse_until, parse_when,
};

use crate::Error;

/// An opened public-inbox archive.
#[derive(Clone)]
pub struct Archive {
    path: PathBuf,
    name: String,
    kind: ArchiveKind,
    /// The git repositories; none for a mailbox.
    epochs: Vec<Epoch>,
    /// With MAINTAINERS, every patch read is mapped to its sections.
    maintainers: Option<std::sync::Arc<crate::maintainers::Maintainers>>,
    /// Readers keep the files each patch touches (`--files`).
    keep_files: bool,
    /// Readers keep only the diffstat of a later patch's commit message.
    drop_later_commit_messages: bool,
    /// Commit order, pack order, or either by the share selected.
    reader: Reader,
}

/// What an archive is, as detected when opening it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArchiveKind {
    /// public-inbox v2: epochs whose commits each add the mail as `m`.
    PublicInboxV2,
    /// public-inbox v1: one repository whose commits each add the mail as a
    /// file named by the hash of its Message-ID (`ab/cdef…`).
    PublicInboxV1,
    /// An mbox file (mboxrd or mboxo).
    Mbox,
    /// A Maildir directory (`cur/`, `new/`).
    Maildir,
}

/// One git repository of an archive.
#[derive(Clone)]
pub struct Epoch {
    /// Where the repository lives.
    pub path: PathBuf,
    /// `N` of `git/N.git`; 0 for a lone repository.
    pub number: u32,
    repo: gix::ThreadSafeRepository,
}

impl Epoch {
    fn open(path: &Path) -> Result<Epoch, gix::Error> {
        // Isolated: a user's or system git configuration must not change what
        // a report says (and must not be able to break reading it).
        let options = gix::open::Options::isolated();
        let repo = gix::open_opts(path, options)?;
        // `git/N.git` of an inbox; a lone repository, whatever its name, is 0
        // unless it is named like an epoch.
        let number = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".git"))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        Ok(Epoch {
            path: path.to_path_buf(),
            number,
            repo: repo.into_sync(),
        })
    }

    pub(crate) fn repo(&self) -> gix::Repository {
        self.repo.to_thread_local()
    }
}

impl Archive {
    /// Opens a single epoch repository (bare or not) or a v2 inbox directory.
    pub fn open(path: &Path) -> Result<Archive, Error> {
        let not_archive = |reason: String| Error::NotAnArchive {
            path: path.to_path_buf(),
            reason,
        };
        let metadata = std::fs::metadata(path).map_err(|e| not_archive(e.to_string()))?;
        let mailbox = |kind| Archive {
            path: path.to_path_buf(),
            name: archive_name(path),
            kind,
            epochs: Vec::new(),
            maintainers: None,
            keep_files: false,
            drop_later_commit_messages: false,
            reader: Reader::Auto,
        };
        if metadata.is_file() {
            let mut start = [0u8; 5];
            let read = std::fs::File::open(path)
                .and_then(|mut f| std::io::Read::read(&mut f, &mut start))
                .map_err(|e| not_archive(e.to_string()))?;
            if read == 5 && &start == b"From " {
                return Ok(mailbox(ArchiveKind::Mbox));
            }
            return Err(not_archive(
                "a file, but not an mbox (it does not start with a 'From ' line)".into(),
            ));
        }
        if !metadata.is_dir() {
            return Err(not_archive("not a directory".into()));
        }
        if mailbox::is_maildir(path) {
            return Ok(mailbox(ArchiveKind::Maildir));
        }
        // A directory that cannot be listed is an archive that cannot be
        // read (exit 1), not a path that is no archive (exit 2).
        if let Err(e) = std::fs::read_dir(path)
            && e.kind() == std::io::ErrorKind::PermissionDenied
        {
            return Err(Error::Io {
                path: path.to_path_buf(),
                source: e,
            });
        }
        let unreadable = |p: &Path, e: &gix::Error| Error::Git {
            path: p.to_path_buf(),
            source: format!("cannot be read: {e} (permission denied)").into(),
        };
        let epoch_paths = v2_epochs(path).map_err(|e| not_archive(e.to_string()))?;
        let epochs = if epoch_paths.is_empty() {
            let epoch = Epoch::open(path).map_err(|e| {
                if permission_denied(&e) {
                    return unreadable(path, &e);
                }
                not_archive(format!(
                    "neither a git repository nor a v2 inbox with git/N.git epochs ({e})"
                ))
            })?;
            vec![epoch]
        } else {
            epoch_paths
                .iter()
                .map(|p| {
                    Epoch::open(p).map_err(|e| {
                        if permission_denied(&e) {
                            return unreadable(p, &e);
                        }
                        not_archive(format!("epoch {}: {e}", p.display()))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?
        };
        let mut archive = Archive {
            path: path.to_path_buf(),
            name: archive_name(path),
            kind: ArchiveKind::PublicInboxV2,
            epochs,
            maintainers: None,
            keep_files: false,
            drop_later_commit_messages: false,
            reader: Reader::Auto,
        };
        archive.kind = archive.check_layout()?;
        Ok(archive)
    }

    /// The same archive, whose readers map every patch to its MAINTAINERS
    /// sections as they parse it ([`crate::mail::Message::sections`]).
    pub fn with_maintainers(
        &self,
        maintainers: std::sync::Arc<crate::maintainers::Maintainers>,
    ) -> Archive {
        Archive {
            maintainers: Some(maintainers),
            ..self.clone()
        }
    }

    /// The same archive, whose readers keep the files each patch touches
    /// ([`crate::mail::Message::files`]).
    pub fn keeping_files(&self) -> Archive {
        Archive {
            keep_files: true,
            ..self.clone()
        }
    }

    /// The same archive, whose readers keep the text of a commit message
    /// only for cover letters and first patches (see
    /// [`crate::mail::MailParser::dropping_later_commit_messages`]).
    pub fn dropping_later_commit_messages(&self) -> Archive {
        Archive {
            drop_later_commit_messages: true,
            ..self.clone()
        }
    }

    /// The same archive, whose mails are read by `reader` (tests and
    /// benchmarks compare the two; [`Reader::Auto`] is the default).
    pub fn with_reader(&self, reader: Reader) -> Archive {
        Archive {
            reader,
            ..self.clone()
        }
    }

    /// A mail parser for this archive's readers.
    pub(crate) fn mail_parser(&self) -> crate::mail::MailParser {
        crate::mail::MailParser::with_maintainers(self.maintainers.clone())
            .keeping_files(self.keep_files)
            .dropping_later_commit_messages(self.drop_later_commit_messages)
    }

    /// The path the archive was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A name for the list when mails do not say: the directory name without
    /// `.git` (`linux-hyperv.git` → `linux-hyperv`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The epochs, oldest first; none for a mailbox.
    pub fn epochs(&self) -> &[Epoch] {
        &self.epochs
    }

    /// What kind of archive it is.
    pub fn kind(&self) -> ArchiveKind {
        self.kind
    }

    /// Where every epoch's history stands now: the marks a later
    /// [`Selection::After`] continues from. Empty epochs have none.
    pub fn marks(&self) -> Result<Vec<Mark>, Error> {
        let mut marks = Vec::new();
        for (index, epoch) in self.epochs.iter().enumerate() {
            let Some(head) = self.head(index)? else {
                continue;
            };
            marks.push(Mark {
                epoch: epoch.number,
                head,
                time: self.commit_time(index, head),
            });
        }
        Ok(marks)
    }

    /// A commit's time in seconds (only the seconds: offsets in archives
    /// can be invalid); 0 when it cannot be read.
    pub(crate) fn commit_time(&self, epoch: usize, id: gix::ObjectId) -> i64 {
        let repo = self.epochs[epoch].repo();
        repo.find_commit(id)
            .ok()
            .and_then(|c| c.committer().ok().map(|s| s.seconds()))
            .unwrap_or(0)
    }

    /// A note for each shallow epoch whose cut the selection reaches: a
    /// selected commit whose parents the mirror does not have. The history
    /// before it is missing, so a range or window that reaches it may hold
    /// less than the list does.
    pub fn shallow_cuts_reached(&self, commits: &[SelectedCommit]) -> Vec<String> {
        let mut notes = Vec::new();
        for (index, epoch) in self.epochs.iter().enumerate() {
            let Ok(Some(cut)) = epoch.repo().shallow_commits() else {
                continue;
            };
            let reached = commits
                .iter()
                .filter(|c| c.epoch == index && cut.contains(&c.id))
                .min_by_key(|c| c.time);
            if let Some(commit) = reached {
                notes.push(format!(
                    "git/{}.git is a shallow mirror cut at commit {} ({}); the selection reaches that cut, so mail before it is not in the report (`lore-digest sync --since` an earlier time deepens the mirror)",
                    epoch.number,
                    commit.id.to_hex_with_len(8),
                    jiff::Timestamp::from_second(commit.time)
                        .map_or_else(|_| commit.time.to_string(), |t| t.to_string()),
                ));
            }
        }
        notes
    }

    /// A git repository that is not a mail archive would give a report of
    /// nothing but missing mail; say so up front instead. The newest epoch's
    /// head must hold `m` (a mail) or `d` (public-inbox's deletion marker),
    /// or, in a v1 inbox, only fan-out directories (`ab/`).
    fn check_layout(&self) -> Result<ArchiveKind, Error> {
        let Some(newest) = self.epochs.last() else {
            return Ok(ArchiveKind::PublicInboxV2);
        };
        let repo = newest.repo();
        let Ok(head) = repo.head_commit() else {
            // An empty epoch (just rolled over) is a valid archive.
            return Ok(ArchiveKind::PublicInboxV2);
        };
        let git_error = |e: &dyn std::fmt::Display| Error::Git {
            path: newest.path.clone(),
            source: e.to_string().into(),
        };
        let tree = head.tree().map_err(|e| git_error(&e))?;
        if tree.find_entry("m").is_some() || tree.find_entry("d").is_some() {
            return Ok(ArchiveKind::PublicInboxV2);
        }
        let decoded = tree.decode().map_err(|e| git_error(&e))?;
        let fan_out = !decoded.entries.is_empty()
            && decoded.entries.iter().all(|e| {
                e.mode.is_tree()
                    && e.filename.len() == 2
                    && e.filename.iter().all(u8::is_ascii_hexdigit)
            });
        if fan_out && self.epochs.len() == 1 {
            return Ok(ArchiveKind::PublicInboxV1);
        }
        Err(Error::NotAnArchive {
            path: self.path.clone(),
            reason:
                "a git repository, but its head commit holds no mail blob 'm' (not public-inbox)"
                    .into(),
        })
    }
}

/// Whether an error comes down to a permission the process lacks.
pub(crate) fn permission_denied(error: &gix::Error) -> bool {
    error
        .iter_errors()
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::PermissionDenied)
}

/// The epoch repositories of a v2 inbox (`git/N.git`), ordered by N; empty
/// when `path` is not a v2 inbox.
fn v2_epochs(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    let git_dir = path.join("git");
    if !git_dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut epochs = Vec::new();
    for entry in std::fs::read_dir(&git_dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let Some(number) = name
            .to_str()
            .and_then(|n| n.strip_suffix(".git"))
            .and_then(|n| n.parse::<u64>().ok())
        else {
            continue;
        };
        epochs.push((number, entry.path()));
    }
    epochs.sort();
    Ok(epochs.into_iter().map(|(_, p)| p).collect())
}

fn archive_name(path: &Path) -> String {
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let file_name = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let mut name = file_name(&path);
    // An epoch of a v2 inbox, `kvm/git/1.git`, is named by its inbox.
    let is_epoch = name
        .strip_suffix(".git")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    if let Some(inbox) = path
        .parent()
        .filter(|git| is_epoch && file_name(git) == "git")
        .and_then(Path::parent)
    {
        name = file_name(inbox);
    }
    let name = name.strip_suffix(".git").unwrap_or(&name);
    if name.is_empty() {
        "archive".to_string()
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_names() {
        assert_eq!(
            archive_name(Path::new("/srv/lore/linux-hyperv.git")),
            "linux-hyperv"
        );
        assert_eq!(archive_name(Path::new("/srv/lore/kvm/git/1.git")), "kvm");
        assert_eq!(archive_name(Path::new("/srv/lore/kvm")), "kvm");
        assert_eq!(archive_name(Path::new("/srv/lore/9.git")), "9");
    }
}
