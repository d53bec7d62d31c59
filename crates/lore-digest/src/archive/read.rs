use std::collections::{HashMap, HashSet};
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, mpsc};

use super::{Archive, ArchiveKind, Reader, Selected, SelectedCommit, Selection, pack_order};
use crate::Error;
use crate::mail::{MailParser, Message};

/// A mail read from the archive, with the commit that added it.
#[derive(Clone, Debug)]
pub struct MailRecord {
    /// The commit that added the mail; its time is the arrival time.
    pub commit: SelectedCommit,
    /// The parsed mail.
    pub message: Box<Message>,
    /// The lists of the report it was read from (more than one when it was
    /// cross-posted to several lists a report covers).
    pub lists: Reached,
}

/// Which of a report's lists a mail reached, by their places among the
/// report's sources (see [`crate::report::Source`]); at most 64 lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reached(u64);

impl Reached {
    /// The most lists one report reads.
    pub const MAX_LISTS: usize = 64;

    /// No list.
    pub const NONE: Reached = Reached(0);

    /// Only the list at `place` (`place` < [`Reached::MAX_LISTS`]).
    pub fn only(place: usize) -> Reached {
        Reached(
            1u64.checked_shl(u32::try_from(place).unwrap_or(u32::MAX))
                .unwrap_or(0),
        )
    }

    /// These lists and those of `other`.
    pub fn and(self, other: Reached) -> Reached {
        Reached(self.0 | other.0)
    }

    /// The places of the lists, lowest first.
    pub fn places(self) -> impl Iterator<Item = usize> {
        (0..Self::MAX_LISTS).filter(move |&i| self.0 & (1u64 << i) != 0)
    }

    /// Whether the list at `place` is among them.
    pub fn has(self, place: usize) -> bool {
        self.0 & Reached::only(place).0 != 0
    }

    /// How many lists.
    pub fn count(self) -> usize {
        self.0.count_ones() as usize
    }
}

impl Default for Reached {
    /// A mail of a report of one list.
    fn default() -> Reached {
        Reached::only(0)
    }
}

impl MailRecord {
    /// A record of `raw` parsed, as if it arrived at `time` (for tests of
    /// the analysis, which needs no archive).
    #[cfg(test)]
    pub(crate) fn parsed(raw: &str, time: i64) -> MailRecord {
        let null = gix::ObjectId::null(gix::hash::Kind::Sha1);
        MailRecord {
            commit: SelectedCommit {
                epoch: 0,
                id: null,
                time,
                tree: null,
            },
            message: Box::new(crate::mail::parse_message(raw.as_bytes())),
            lists: Reached::default(),
        }
    }
}

/// Why a selected commit gave no mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Missing {
    /// The commit's tree has no `m`: public-inbox writes `d` for a deletion,
    /// and purged mail leaves nothing.
    NoMailBlob,
    /// The blob `m` holds no header block: empty, or not a mail at all.
    NotAMail,
    /// The commit's tree or its blob `m` is not in the repository, or could
    /// not be decoded.
    Unreadable(String),
}

/// Everything read from a selection: the mails, and the commits that gave none.
#[derive(Debug, Default)]
pub struct ReadOutcome {
    /// Mails in selection order (oldest first).
    pub mails: Vec<MailRecord>,
    /// Commits without a readable mail, in selection order.
    pub missing: Vec<(SelectedCommit, Missing)>,
}

/// Commits handed from the walk to the readers at a time: large enough that
/// handing over costs nothing, small enough that readers start at once.
const BATCH: usize = 256;

/// Commits with their place in the walk: (walk number, position in walk, commit).
type Batch = Vec<(usize, usize, SelectedCommit)>;

/// A read commit with its place in the walk: (walk number, position in walk, commit, mail).
/// A mail as the readers give it: parsed, or why not. Boxed, so that the
/// vectors and maps a whole archive's mails pass through on their way to
/// the report move a pointer each, not a message of some 600 bytes.
pub(super) type Parsed = Result<Box<Message>, Missing>;

type ReadEntry = (usize, usize, SelectedCommit, Parsed);

impl Archive {
    /// Selects and reads in one pass: one reader thread per core reads and
    /// parses mails while the walk is still finding commits. A commit
    /// without a readable mail is recorded in [`ReadOutcome::missing`],
    /// never fatal; an empty selection is an error.
    pub fn read_selection(&self, selection: &Selection) -> Result<(Selected, ReadOutcome), Error> {
        if matches!(self.kind, ArchiveKind::Mbox | ArchiveKind::Maildir) {
            return self.read_mailbox(selection);
        }
        let plan = self.plan(selection)?;
        if self.reader != Reader::CommitOrder && self.kind == ArchiveKind::PublicInboxV2 {
            // An epoch walked whole, up to its head, is read in pack order
            // while the walk runs, every mail of its packs parsed.
            let mut whole = Vec::new();
            for walk in &plan.walks {
                let unbounded =
                    walk.hidden.is_none() && walk.since.is_none() && walk.until.is_none();
                if unbounded
                    && self.whole_epoch_in_pack_order(walk.epoch)
                    && self.head(walk.epoch)? == Some(walk.tip)
                {
                    whole.push(walk.epoch);
                }
            }
            let (walked, early) = std::thread::scope(|scope| {
                let early = scope.spawn(|| {
                    whole
                        .iter()
                        .map(|&epoch| {
                            let packs = self.open_packs(epoch);
                            let mails = packs.read_mails(self, None);
                            (epoch, packs, mails)
                        })
                        .collect::<Vec<_>>()
                });
                // Otherwise whether an epoch is read in pack order depends
                // on how much of it is selected, so the walk comes first.
                let walked = self.walk_all(&plan);
                // A traversal that failed leaves its epochs to the readers below.
                (walked, early.join().unwrap_or_default())
            });
            let commits = walked?;
            let outcome = self.read_commits_with(&commits, early)?;
            return Ok((plan.finish(commits)?, outcome));
        }
        let walks = &plan.walks;
        // (walk number, position in walk) orders the results: walks oldest
        // epoch first, each walk newest commit first.
        let entries = self.read_pipeline(move |sender| {
            for (walk_no, walk) in walks.iter().enumerate() {
                let mut batch = Vec::with_capacity(BATCH);
                let mut position = 0;
                let mut readers_gone = false;
                self.walk(walk, &mut |commit, _| {
                    batch.push((walk_no, position, commit));
                    position += 1;
                    if batch.len() == BATCH {
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                        readers_gone = sender.send(full).is_err();
                    }
                    !readers_gone
                })?;
                if readers_gone || (!batch.is_empty() && sender.send(batch).is_err()) {
                    return Err(self.thread_failed());
                }
            }
            Ok(())
        })?;
        let (commits, outcome) = collect(entries);
        Ok((plan.finish(commits)?, outcome))
    }

    /// Every commit of a plan's walks, oldest epoch first, oldest commit
    /// first within each.
    fn walk_all(&self, plan: &super::select::Plan) -> Result<Vec<SelectedCommit>, Error> {
        let mut commits = Vec::new();
        for walk in &plan.walks {
            let start = commits.len();
            self.walk(walk, &mut |commit, _| {
                commits.push(commit);
                true
            })?;
            // Walks give newest first; the selection is oldest first.
            commits[start..].reverse();
        }
        Ok(commits)
    }

    /// Reads the mails of the given commits, in parallel, in the order given:
    /// an epoch of which many commits are given in pack order, the others
    /// commit by commit ([`Reader`]).
    pub fn read_commits(&self, commits: &[SelectedCommit]) -> Result<ReadOutcome, Error> {
        self.read_commits_with(commits, Vec::new())
    }

    /// [`Archive::read_commits`], with the epochs whose packs were read
    /// already: (epoch, its packs, their mails).
    fn read_commits_with(
        &self,
        commits: &[SelectedCommit],
        mut early: Vec<(usize, pack_order::Packs, pack_order::PackedMails)>,
    ) -> Result<ReadOutcome, Error> {
        let mut selected = vec![0usize; self.epochs.len()];
        for commit in commits {
            if let Some(count) = selected.get_mut(commit.epoch) {
                *count += 1;
            }
        }
        let packed: Vec<usize> = (0..selected.len())
            .filter(|&epoch| {
                early.iter().any(|(e, _, _)| *e == epoch)
                    || self.use_pack_order(epoch, selected[epoch])
            })
            .collect();
        if packed.is_empty() {
            return Ok(collect(self.read_each(commits)?).1);
        }
        // Filled in place, so that the parsed mails are never held twice;
        // what the packs do not give is read commit by commit below.
        let mut entries: Vec<((), (), SelectedCommit, Parsed)> = commits
            .iter()
            .map(|commit| ((), (), *commit, Err(Missing::NoMailBlob)))
            .collect();
        let mut read = vec![false; commits.len()];
        for epoch in packed {
            let indexes: Vec<usize> = (0..commits.len())
                .filter(|&i| commits[i].epoch == epoch)
                .collect();
            let of_epoch: Vec<SelectedCommit> = indexes.iter().map(|&i| commits[i]).collect();
            let read_early = early
                .iter()
                .position(|(e, _, _)| *e == epoch)
                .map(|at| early.swap_remove(at));
            let (packs, read_mails) = match read_early {
                Some((_, packs, mails)) => (packs, Some(mails)),
                None => (self.open_packs(epoch), None),
            };
            let blobs = packs.mail_blobs(&of_epoch);
            let mut uses: HashMap<gix::ObjectId, usize> = HashMap::new();
            for blob in blobs.iter().flatten().flatten() {
                *uses.entry(*blob).or_default() += 1;
            }
            let mut mails = read_mails.unwrap_or_else(|| {
                let wanted: HashSet<gix::ObjectId> = uses.keys().copied().collect();
                packs.read_mails(self, Some(&wanted))
            });
            drop(packs);
            for (&i, blob) in indexes.iter().zip(blobs) {
                let result = match blob {
                    Some(Some(blob)) => mails.take(blob, &mut uses),
                    // A tree without `m`, as the commit-order reader finds it.
                    Some(None) => Some(Err(Missing::NoMailBlob)),
                    None => None,
                };
                if let Some(result) = result {
                    entries[i].3 = result;
                    read[i] = true;
                }
            }
        }
        let rest: Vec<(usize, SelectedCommit)> = commits
            .iter()
            .enumerate()
            .filter(|(i, _)| !read[*i])
            .map(|(i, c)| (i, *c))
            .collect();
        let in_pack_order = commits.len() - rest.len();
        let others: Vec<SelectedCommit> = rest.iter().map(|(_, c)| *c).collect();
        for ((i, _), (_, _, _, result)) in rest.iter().zip(self.read_each(&others)?) {
            entries[*i].3 = result;
        }
        pack_order::count(in_pack_order, rest.len());
        Ok(collect(entries).1)
    }

    /// Reads the mails of the given commits commit by commit, in parallel,
    /// and returns them in the order given.
    fn read_each(&self, commits: &[SelectedCommit]) -> Result<Vec<ReadEntry>, Error> {
        self.read_pipeline(|sender| {
            for (number, chunk) in commits.chunks(BATCH).enumerate() {
                let batch: Batch = chunk
                    .iter()
                    .enumerate()
                    // Positions count down so that the sort below keeps the given order.
                    .map(|(i, c)| (number, usize::MAX - i, *c))
                    .collect();
                if sender.send(batch).is_err() {
                    return Err(self.thread_failed());
                }
            }
            Ok(())
        })
    }

    /// The raw mails of the given commits (for a mailbox, of the mails
    /// with these blob ids), in order; `None` for one that cannot be read.
    pub fn read_raw(&self, commits: &[SelectedCommit]) -> Vec<Option<Vec<u8>>> {
        if matches!(self.kind, ArchiveKind::Mbox | ArchiveKind::Maildir) {
            let ids: Vec<gix::ObjectId> = commits.iter().map(|c| c.id).collect();
            return self.read_mailbox_raw(&ids);
        }
        let mut repos = Vec::new();
        commits
            .iter()
            .map(|c| with_raw(&mut repos, self, c, <[u8]>::to_vec).ok())
            .collect()
    }

    /// Runs `produce` on one thread, handing batches of commits to one
    /// reader thread per core, and returns what they read, sorted by
    /// (batch number, position descending).
    fn read_pipeline(
        &self,
        produce: impl FnOnce(&mpsc::SyncSender<Batch>) -> Result<(), Error> + Send,
    ) -> Result<Vec<ReadEntry>, Error> {
        let (sender, receiver) = mpsc::sync_channel::<Batch>(16);
        // Readers share the receiving end; one waiting for the producer
        // blocks instead of spinning. When the last reader is gone the
        // receiver is dropped with it, and the producer stops at its next send.
        let receiver = Arc::new(Mutex::new(receiver));
        let (produced, results) = std::thread::scope(|scope| {
            let producer = scope.spawn(move || produce(&sender));
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
            let readers: Vec<_> = (0..threads)
                .map(|_| {
                    let receiver = Arc::clone(&receiver);
                    scope.spawn(move || read_batches(self, &receiver))
                })
                .collect();
            drop(receiver);
            // Join every thread before looking at any result.
            let results: Vec<_> = readers.into_iter().map(|r| r.join()).collect();
            let produced = producer
                .join()
                .unwrap_or_else(|_| Err(self.thread_failed()));
            (produced, results)
        });
        produced?;
        let mut parts = Vec::with_capacity(results.len());
        for read in results {
            parts.push(read.map_err(|_| self.thread_failed())?);
        }
        // Every mail of the selection is in these vectors: the largest takes
        // in the others, grown once to the size of all, rather than copying
        // them all into a new one.
        parts.sort_by_key(|part| std::cmp::Reverse(part.len()));
        let mut parts = parts.into_iter();
        let mut entries = parts.next().unwrap_or_default();
        let rest: Vec<Vec<ReadEntry>> = parts.collect();
        entries.reserve_exact(rest.iter().map(Vec::len).sum());
        for part in rest {
            entries.extend(part);
        }
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        Ok(entries)
    }

    fn thread_failed(&self) -> Error {
        Error::Git {
            path: self.path.clone(),
            source: "a reading thread stopped unexpectedly".into(),
        }
    }
}

/// The commits read, and the outcome: mails and the commits that gave none;
/// entries come in the order wanted, whatever their first two fields sort by.
pub(super) fn collect<A, B>(
    mut entries: Vec<(A, B, SelectedCommit, Parsed)>,
) -> (Vec<SelectedCommit>, ReadOutcome) {
    let commits = entries.iter().map(|(_, _, commit, _)| *commit).collect();
    let missing: Vec<(SelectedCommit, Missing)> = entries
        .iter_mut()
        .filter_map(|(_, _, commit, result)| match result {
            Ok(_) => None,
            // Left behind as a placeholder: the entry is dropped below.
            Err(missing) => Some((*commit, std::mem::replace(missing, Missing::NoMailBlob))),
        })
        .collect();
    // Sized once: grown by doubling, the vector of a whole archive's mails
    // would be a third larger than needed, and twice held while it moves.
    let mut mails = Vec::with_capacity(entries.len() - missing.len());
    mails.extend(entries.into_iter().filter_map(|(_, _, commit, result)| {
        Some(MailRecord {
            commit,
            message: result.ok()?,
            lists: Reached::default(),
        })
    }));
    (commits, ReadOutcome { mails, missing })
}

/// A reader thread: takes batches until the walk is done, reads each mail.
fn read_batches(archive: &Archive, receiver: &Mutex<mpsc::Receiver<Batch>>) -> Vec<ReadEntry> {
    let mut state = ThreadState::new(archive);
    let mut read = Vec::new();
    loop {
        let next = match receiver.lock() {
            Ok(receiver) => receiver.recv(),
            Err(_) => break,
        };
        let Ok(batch) = next else { break };
        for (walk_no, position, commit) in batch {
            // One mail that trips a bug in a parser must not cost the report:
            // it is counted as unreadable and the thread starts afresh.
            let result =
                std::panic::catch_unwind(AssertUnwindSafe(|| state.read(archive, &commit)))
                    .unwrap_or_else(|_| {
                        state = ThreadState::new(archive);
                        Err(Missing::Unreadable(
                            "the mail parser failed on this mail".into(),
                        ))
                    });
            read.push((walk_no, position, commit, result));
        }
    }
    read
}

/// What each worker thread keeps between mails: gitoxide repositories are
/// not shared between threads, and the parser is built once.
struct ThreadState {
    parser: MailParser,
    repos: Vec<Option<gix::Repository>>,
}

impl ThreadState {
    fn new(archive: &Archive) -> Self {
        ThreadState {
            parser: archive.mail_parser(),
            repos: Vec::new(),
        }
    }

    /// Reads one commit's mail: its tree, then the blob `m`.
    fn read(&mut self, archive: &Archive, commit: &SelectedCommit) -> Parsed {
        let parser = &mut self.parser;
        let message = with_raw(&mut self.repos, archive, commit, |data| parser.parse(data))?;
        if message.unparseable {
            return Err(Missing::NotAMail);
        }
        Ok(Box::new(message))
    }
}

/// Hands the raw mail a commit added to `use_it`, straight from the
/// object buffer (no copy: this runs for every mail of a report).
fn with_raw<R>(
    repos: &mut Vec<Option<gix::Repository>>,
    archive: &Archive,
    commit: &SelectedCommit,
    use_it: impl FnOnce(&[u8]) -> R,
) -> Result<R, Missing> {
    if repos.len() <= commit.epoch {
        repos.resize_with(commit.epoch + 1, || None);
    }
    let repo = repos[commit.epoch].get_or_insert_with(|| archive.epochs[commit.epoch].repo());
    let unreadable =
        |what: &str, e: &dyn std::fmt::Display| Missing::Unreadable(format!("{what}: {e}"));
    let tree = repo
        .find_tree(commit.tree)
        .map_err(|e| unreadable("tree", &e))?;
    let blob_id = match tree.find_entry("m") {
        Some(entry) => entry.oid().to_owned(),
        None if archive.kind == ArchiveKind::PublicInboxV1 => {
            v1_added_blob(repo, commit).map_err(|e| unreadable("v1 commit", &e))??
        }
        None => return Err(Missing::NoMailBlob),
    };
    let blob = repo
        .find_blob(blob_id)
        .map_err(|e| unreadable("blob m", &e))?;
    Ok(use_it(&blob.data))
}

/// A failure reading a v1 commit's trees.
type TreeError = Box<dyn std::error::Error + Send + Sync>;

/// A tree entry: (file name, is a tree, object id).
type TreeEntry = (Vec<u8>, bool, gix::ObjectId);

/// The entries of a tree, or none for no tree.
fn tree_entries(
    repo: &gix::Repository,
    id: Option<gix::ObjectId>,
) -> Result<Vec<TreeEntry>, TreeError> {
    let Some(id) = id else { return Ok(Vec::new()) };
    let tree = repo.find_tree(id)?;
    let decoded = tree.decode()?;
    Ok(decoded
        .entries
        .iter()
        .map(|e| (e.filename.to_vec(), e.mode.is_tree(), e.oid.to_owned()))
        .collect())
}

/// The mail a v1 commit added: the one file of its two-level fan-out tree
/// (`ab/cdef…`) that its first parent does not have. A commit that only
/// removes a file (a deletion) added none.
fn v1_added_blob(
    repo: &gix::Repository,
    commit: &SelectedCommit,
) -> Result<Result<gix::ObjectId, Missing>, TreeError> {
    let parent_tree = match repo.find_commit(commit.id)?.parent_ids().next() {
        Some(parent) => Some(repo.find_commit(parent)?.tree_id()?.detach()),
        None => None,
    };
    let mine = tree_entries(repo, Some(commit.tree))?;
    let theirs = tree_entries(repo, parent_tree)?;
    // The first entry the parent lacks leads to the new file, one level
    // down in its fan-out directory.
    let changed = mine.iter().find(|e| !theirs.contains(e));
    let Some((name, is_tree, id)) = changed else {
        return Ok(Err(Missing::NoMailBlob));
    };
    if !is_tree {
        return Ok(Ok(*id));
    }
    let old_subtree = theirs
        .iter()
        .find(|(n, _, _)| n == name)
        .map(|(_, _, id)| *id);
    let old_files = tree_entries(repo, old_subtree)?;
    Ok(tree_entries(repo, Some(*id))?
        .into_iter()
        .find(|e| !e.1 && !old_files.contains(e))
        .map(|(_, _, id)| id)
        .ok_or(Missing::NoMailBlob))
}
