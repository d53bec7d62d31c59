//! Evidence from an upstream tree: which posted patches a git tree applied.
//!
//! A [`TreeIndex`] walks a range of a git repository (a maintainer's tree,
//! mainline) and indexes each commit from its commit object alone: the
//! Message-IDs its `Link:` and `Message-ID:` trailers name, its subject,
//! its author's address, its time and committer. A posted patch is then
//! *applied* when, by the first rule that holds ([`TreeRule`]):
//!
//! 1. `tree-link`: a commit names its Message-ID;
//! 2. `tree-patch-id`: a commit's diff has the same `git patch-id --stable`
//!    as the mail's ([`patch_id`]);
//! 3. `tree-subject`: a commit has the same subject (tags, case and
//!    spacing aside, [`normalize_subject`]) and the same author address.
//!
//! Patch ids of tree commits need their diffs, which cost a tree diff and
//! blob diffs each, so they are computed only when asked for
//! ([`TreeIndex::match_patch_ids`]) and only for the commits that can
//! match: first every commit's changed paths are compared with the paths
//! of the wanted patches (from tree objects, stopping at the first path no
//! wanted patch has, nearly always in the top-level tree), and only the
//! commits that change exactly the same set of paths as a wanted patch
//! have their diff written and hashed.

mod diff;
mod message;
mod patch_id;
mod renames;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use gix::ObjectId;
use gix::bstr::{BString, ByteSlice};
use serde::Serialize;

pub use message::normalize_subject;
#[doc(hidden)]
pub use patch_id::git_patch_id_lines;
pub use patch_id::{PatchId, PostedPatch, patch_id, posted_patch};

use crate::Error;
use crate::archive::Selection;

/// Which rule found a posted patch in the tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum TreeRule {
    /// A commit names the mail's Message-ID in a `Link:` or `Message-ID:`
    /// trailer.
    #[serde(rename = "tree-link")]
    Link,
    /// A commit's diff has the mail's `git patch-id --stable`.
    #[serde(rename = "tree-patch-id")]
    PatchId,
    /// A commit has the mail's subject and author address.
    #[serde(rename = "tree-subject")]
    Subject,
}

impl TreeRule {
    /// The stable name reports give the rule: `tree-link`,
    /// `tree-patch-id` or `tree-subject`.
    pub fn name(self) -> &'static str {
        match self {
            TreeRule::Link => "tree-link",
            TreeRule::PatchId => "tree-patch-id",
            TreeRule::Subject => "tree-subject",
        }
    }
}

impl std::fmt::Display for TreeRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One commit of the tree, as its commit object describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeCommit {
    /// The commit id.
    pub id: ObjectId,
    /// The subject: the message's first paragraph on one line, as
    /// `git log --format=%s` shows it.
    pub subject: String,
    /// The author's name as written.
    pub author_name: String,
    /// The author's address, lower-cased.
    pub author_email: String,
    /// The author time, seconds since the epoch (for `git am`, the mail's date).
    pub author_time: i64,
    /// The commit time, seconds since the epoch: when the patch was applied.
    pub time: i64,
    /// The committer's name as written.
    pub committer_name: String,
    /// The committer's address, lower-cased.
    pub committer_email: String,
    /// The Message-IDs its trailers name (without angle brackets), in the
    /// order written.
    pub message_ids: Vec<String>,
    /// How many parents it has: more than one for a merge, whose diff has
    /// no patch id and whose subject names no patch.
    pub parent_count: usize,
    tree: ObjectId,
    first_parent: Option<ObjectId>,
}

/// A posted patch found in the tree, and by which rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TreeMatch<'a> {
    /// The first rule that held.
    pub rule: TreeRule,
    /// The commit that applied the patch (the earliest, when several did).
    pub commit: &'a TreeCommit,
}

/// What [`TreeIndex::find_applied`] needs to know about one posted patch.
#[derive(Clone, Copy, Debug, Default)]
pub struct PatchQuery<'a> {
    /// The mail's Message-ID, with or without angle brackets.
    pub message_id: Option<&'a str>,
    /// The mail's diff ([`posted_patch`] of its body), if it has one.
    pub patch: Option<&'a PostedPatch>,
    /// The mail's subject, as written or as its title.
    pub subject: &'a str,
    /// The patch author's address (the in-body `From:` when there is one).
    pub author_email: &'a str,
}

/// The commits of a range of a git tree, indexed by what can tie them to
/// posted patches. See the [module documentation](self).
pub struct TreeIndex {
    path: PathBuf,
    repo: gix::ThreadSafeRepository,
    tip: ObjectId,
    /// In walk order: newest first.
    commits: Vec<TreeCommit>,
    by_id: gix::hashtable::HashMap<ObjectId, usize>,
    by_message_id: HashMap<String, usize>,
    /// Built on the first subject lookup: normalizing every subject costs
    /// more than the rest of the index.
    by_subject: OnceLock<HashMap<(String, String), usize>>,
    /// Patch ids computed so far (`None`: an empty diff or an unreadable
    /// parent), kept for later calls.
    patch_ids: Mutex<HashMap<usize, Option<PatchId>>>,
}

impl TreeIndex {
    /// Opens the git repository at `path` (bare or not) and indexes the
    /// commits of `range`: `A..B` (reachable from B, not from A) or `B`
    /// (all history of B); without a range, `HEAD`. With `since` (seconds),
    /// the walk stops at commits committed before it: patches posted at
    /// `since` or later cannot have been applied earlier.
    ///
    /// Only commit objects are read. A path that is not a git repository
    /// and a revision that names no commit in it are input errors.
    pub fn open(path: &Path, range: Option<&str>, since: Option<i64>) -> Result<TreeIndex, Error> {
        let repo = gix::open_opts(path, gix::open::Options::isolated()).map_err(|e| {
            if crate::archive::permission_denied(&e) {
                return Error::Git {
                    path: path.to_path_buf(),
                    source: format!("cannot be read: {e} (permission denied)").into(),
                };
            }
            Error::NotARepository {
                path: path.to_path_buf(),
                reason: one_line(&e.to_string()),
            }
        })?;
        let (base, tip) = match range.map(Selection::parse_range).transpose()? {
            Some(Selection::Range { base, tip }) => (base, tip),
            _ => (None, "HEAD".to_string()),
        };
        let tip = resolve(&repo, path, &tip)?;
        let base = base.map(|b| resolve(&repo, path, &b)).transpose()?;
        let commits = walk(&repo, path, tip, base, since)?;

        let mut index = TreeIndex {
            path: path.to_path_buf(),
            repo: repo.into_sync(),
            tip,
            commits,
            by_id: gix::hashtable::HashMap::default(),
            by_message_id: HashMap::new(),
            by_subject: OnceLock::new(),
            patch_ids: Mutex::new(HashMap::new()),
        };
        // Oldest first, so that the earliest commit keeps a key.
        for (i, commit) in index.commits.iter().enumerate().rev() {
            index.by_id.insert(commit.id, i);
            for id in &commit.message_ids {
                index.by_message_id.entry(id.clone()).or_insert(i);
            }
        }
        Ok(index)
    }

    /// The repository the index was built from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The commit the range ends at.
    pub fn tip(&self) -> ObjectId {
        self.tip
    }

    /// The indexed commits, newest first.
    pub fn commits(&self) -> &[TreeCommit] {
        &self.commits
    }

    /// The earliest commit whose trailers name the Message-ID (given with
    /// or without angle brackets).
    pub fn by_message_id(&self, message_id: &str) -> Option<&TreeCommit> {
        let id = message::clean_id(message_id);
        self.by_message_id.get(&id).map(|&i| &self.commits[i])
    }

    /// The earliest non-merge commit with this subject (compared as
    /// [`normalize_subject`] gives it) and author address (any case).
    pub fn by_subject(&self, subject: &str, author_email: &str) -> Option<&TreeCommit> {
        let subjects = self.by_subject.get_or_init(|| {
            let mut subjects = HashMap::new();
            for (i, commit) in self.commits.iter().enumerate().rev() {
                if commit.parent_count <= 1 {
                    let key = (
                        normalize_subject(&commit.subject),
                        commit.author_email.clone(),
                    );
                    subjects.entry(key).or_insert(i);
                }
            }
            subjects
        });
        let key = (
            normalize_subject(subject),
            author_email.trim().to_lowercase(),
        );
        subjects.get(&key).map(|&i| &self.commits[i])
    }

    /// For each wanted patch, the earliest non-merge commit whose diff has
    /// the same patch id, if any.
    ///
    /// Only commits that change exactly the paths a wanted patch changes
    /// have their patch id computed (once; later calls reuse it). Reading
    /// the repository may fail (a damaged object).
    pub fn match_patch_ids(
        &self,
        wanted: &[PostedPatch],
    ) -> Result<Vec<Option<&TreeCommit>>, Error> {
        let mut found: Vec<Option<usize>> = vec![None; wanted.len()];
        let groups = diff::group_by_paths(
            wanted
                .iter()
                .enumerate()
                .filter(|(_, w)| !w.paths.is_empty())
                .map(|(i, w)| (i, w.paths.as_slice())),
        );
        if groups.is_empty() {
            return Ok(vec![None; wanted.len()]);
        }
        let filter = diff::PathFilter::new(groups.keys().copied());
        // Oldest first: on the benchmark's tree, reading trees in the order
        // they were committed resolves their delta chains twice as fast.
        let candidates: Vec<usize> = (0..self.commits.len())
            .rev()
            .filter(|&i| self.commits[i].parent_count <= 1)
            .collect();

        // Which commits change exactly the paths of some wanted patch.
        let touching: Vec<(usize, Vec<BString>)> =
            self.in_parallel(&candidates, |repo, chunk| {
                let mut state = gix::diff::tree::State::default();
                let mut buffers = (Vec::new(), Vec::new());
                let mut hits = Vec::new();
                for &i in chunk {
                    let commit = &self.commits[i];
                    let Some(parent) = self.parent_tree(repo, commit) else {
                        continue;
                    };
                    let paths = diff::changed_paths(
                        repo,
                        parent,
                        commit.tree,
                        &filter,
                        &mut state,
                        &mut buffers,
                    )?;
                    if let Some(paths) = paths.filter(|p| groups.contains_key(p.as_slice())) {
                        hits.push((i, paths));
                    }
                }
                Ok(hits)
            })?;

        // Their patch ids, each computed once.
        let missing: Vec<usize> = {
            let cache = self.patch_ids.lock().unwrap_or_else(|e| e.into_inner());
            let mut missing: Vec<usize> = touching
                .iter()
                .map(|(i, _)| *i)
                .filter(|i| !cache.contains_key(i))
                .collect();
            missing.sort_unstable();
            missing.dedup();
            missing
        };
        let computed = self.in_parallel(&missing, |repo, chunk| {
            let mut ids = Vec::new();
            for &i in chunk {
                let commit = &self.commits[i];
                let id = match self.parent_tree(repo, commit) {
                    Some(parent) => diff::commit_patch_id(repo, parent, commit.tree)?,
                    None => None,
                };
                ids.push((i, id));
            }
            Ok(ids)
        })?;
        let mut cache = self.patch_ids.lock().unwrap_or_else(|e| e.into_inner());
        cache.extend(computed);

        for (i, paths) in &touching {
            let Some(Some(id)) = cache.get(i) else {
                continue;
            };
            for &w in groups.get(paths.as_slice()).into_iter().flatten() {
                if wanted[w].patch_id == *id && found[w].is_none_or(|f| self.is_earlier(*i, f)) {
                    found[w] = Some(*i);
                }
            }
        }
        Ok(found
            .into_iter()
            .map(|f| f.map(|i| &self.commits[i]))
            .collect())
    }

    /// How many tree commits have had their patch id computed so far: what
    /// [`match_patch_ids`](Self::match_patch_ids) had to diff.
    pub fn patch_ids_computed(&self) -> usize {
        self.patch_ids
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }

    /// The patch id of one commit's diff against its first parent, as
    /// `git format-patch -1 <commit> | git patch-id --stable` prints it;
    /// `None` for an empty diff, a merge, or a parent beyond a shallow cut.
    pub fn commit_patch_id(&self, commit: &TreeCommit) -> Result<Option<PatchId>, Error> {
        if commit.parent_count > 1 {
            return Ok(None);
        }
        let mut repo = self.repo.to_thread_local();
        tree_diff_caches(&mut repo);
        let Some(parent) = self.parent_tree(&repo, commit) else {
            return Ok(None);
        };
        diff::commit_patch_id(&repo, parent, commit.tree).map_err(|source| Error::Git {
            path: self.path.clone(),
            source,
        })
    }

    /// Applies the three rules in order to each query: the Message-ID,
    /// then the patch id (one batch for all queries the first rule left),
    /// then subject and author.
    pub fn find_applied(
        &self,
        queries: &[PatchQuery<'_>],
    ) -> Result<Vec<Option<TreeMatch<'_>>>, Error> {
        let mut found: Vec<Option<TreeMatch<'_>>> = queries
            .iter()
            .map(|q| {
                q.message_id
                    .and_then(|id| self.by_message_id(id))
                    .map(|commit| TreeMatch {
                        rule: TreeRule::Link,
                        commit,
                    })
            })
            .collect();
        let (positions, wanted): (Vec<usize>, Vec<PostedPatch>) = queries
            .iter()
            .enumerate()
            .filter(|(i, _)| found[*i].is_none())
            .filter_map(|(i, q)| q.patch.map(|p| (i, p.clone())))
            .unzip();
        for (position, commit) in positions.into_iter().zip(self.match_patch_ids(&wanted)?) {
            found[position] = commit.map(|commit| TreeMatch {
                rule: TreeRule::PatchId,
                commit,
            });
        }
        for (query, slot) in queries.iter().zip(found.iter_mut()) {
            if slot.is_none() && !query.author_email.trim().is_empty() {
                *slot = self
                    .by_subject(query.subject, query.author_email)
                    .map(|commit| TreeMatch {
                        rule: TreeRule::Subject,
                        commit,
                    });
            }
        }
        Ok(found)
    }

    /// The tree of a commit's first parent: `Some(None)` for a root commit
    /// (the empty tree), `None` when the parent cannot be read (beyond the
    /// cut of a shallow clone).
    fn parent_tree(&self, repo: &gix::Repository, commit: &TreeCommit) -> Option<Option<ObjectId>> {
        let Some(parent) = commit.first_parent else {
            return Some(None);
        };
        if let Some(&i) = self.by_id.get(&parent) {
            return Some(Some(self.commits[i].tree));
        }
        let parent = repo.find_commit(parent).ok()?;
        Some(Some(parent.tree_id().ok()?.detach()))
    }

    /// Whether commit `a` was committed before `b` (for equal times, the
    /// one further back in the walk).
    fn is_earlier(&self, a: usize, b: usize) -> bool {
        (self.commits[a].time, std::cmp::Reverse(a)) < (self.commits[b].time, std::cmp::Reverse(b))
    }

    /// Runs `work` on chunks of `items` on one thread per core, each with
    /// its own repository handle, and concatenates the results in order.
    fn in_parallel<T: Send>(
        &self,
        items: &[usize],
        work: impl Fn(&gix::Repository, &[usize]) -> Result<Vec<T>, diff::ReadError> + Sync,
    ) -> Result<Vec<T>, Error> {
        if items.is_empty() {
            return Ok(Vec::new());
        }
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(8);
        let chunk = items.len().div_ceil(threads).max(1);
        let git_error = |source: diff::ReadError| Error::Git {
            path: self.path.clone(),
            source,
        };
        let results: Vec<Result<Vec<T>, Error>> = std::thread::scope(|scope| {
            let handles: Vec<_> = items
                .chunks(chunk)
                .map(|part| {
                    let work = &work;
                    scope.spawn(move || {
                        let mut repo = self.repo.to_thread_local();
                        tree_diff_caches(&mut repo);
                        work(&repo, part)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| match h.join() {
                    Ok(result) => result.map_err(git_error),
                    Err(_) => Err(git_error("a thread reading the tree failed".into())),
                })
                .collect()
        });
        let mut all = Vec::new();
        for result in results {
            all.extend(result?);
        }
        Ok(all)
    }
}

/// Caches for diffing the trees of many commits in a row: trees are
/// stored as long delta chains whose bases are shared, and a tree is read
/// as one commit's and again as its child's parent tree. (An isolated
/// repository has only a 64-entry delta cache and no object cache; on the
/// benchmark's tree, a memory-capped delta cache takes a third off.)
fn tree_diff_caches(repo: &mut gix::Repository) {
    repo.object_cache_size(8 * 1024 * 1024);
    repo.objects.set_pack_cache(|| {
        Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(
            32 * 1024 * 1024,
        ))
    });
}

/// Resolves a revision to a commit.
fn resolve(repo: &gix::Repository, path: &Path, spec: &str) -> Result<ObjectId, Error> {
    let unknown = |hint: &str| Error::UnknownRevision {
        spec: spec.to_string(),
        path: path.to_path_buf(),
        hint: hint.to_string(),
    };
    let id = repo.rev_parse_single(spec).map_err(|_| {
        if repo.head().is_ok_and(|h| h.is_unborn()) {
            unknown(" (the repository has no commits)")
        } else {
            unknown("")
        }
    })?;
    let object = id.object().map_err(|e| Error::Git {
        path: path.to_path_buf(),
        source: format!("'{spec}' names {}, which cannot be read: {e}", id.detach()).into(),
    })?;
    object
        .peel_to_commit()
        .map(|c| c.id)
        .map_err(|_| unknown(" (it names no commit)"))
}

/// Walks `tip` back, leaving out what `base` reaches and, with `since`,
/// commits older than it; decodes each commit object once.
fn walk(
    repo: &gix::Repository,
    path: &Path,
    tip: ObjectId,
    base: Option<ObjectId>,
    since: Option<i64>,
) -> Result<Vec<TreeCommit>, Error> {
    use gix::objs::Exists;
    use gix::traverse::commit::simple::{CommitTimeOrder, Sorting};
    let git_error = |e: &dyn std::fmt::Display| Error::Git {
        path: path.to_path_buf(),
        source: e.to_string().into(),
    };
    let sorting = match since {
        Some(seconds) => Sorting::ByCommitTimeCutoff {
            order: CommitTimeOrder::NewestFirst,
            seconds,
        },
        None => Sorting::BreadthFirst,
    };
    // A shallow clone's history ends at its cut.
    let shallow = repo.is_shallow().unwrap_or(false);
    let objects = &repo.objects;
    let mut walk = gix::traverse::commit::Simple::filtered([tip], objects, |id| {
        !shallow || objects.exists(id)
    })
    .sorting(sorting)
    .map_err(|e| git_error(&e))?
    .hide(base)
    .map_err(|e| git_error(&e))?;
    let mut commits = Vec::new();
    while let Some(info) = walk.next() {
        let info = info.map_err(|e| git_error(&e))?;
        let commit = decode_commit(info.id, walk.commit_data());
        if since.is_none_or(|s| commit.time >= s) {
            commits.push(commit);
        }
    }
    Ok(commits)
}

/// The indexed fields of a commit object, in one pass; a field that does
/// not decode is left empty rather than losing the commit.
fn decode_commit(id: ObjectId, data: &[u8]) -> TreeCommit {
    use gix::objs::commit::ref_iter::Token;
    let mut commit = TreeCommit {
        id,
        subject: String::new(),
        author_name: String::new(),
        author_email: String::new(),
        author_time: 0,
        time: 0,
        committer_name: String::new(),
        committer_email: String::new(),
        message_ids: Vec::new(),
        parent_count: 0,
        tree: ObjectId::empty_tree(id.kind()),
        first_parent: None,
    };
    let person = |s: &gix::actor::SignatureRef<'_>| {
        (
            String::from_utf8_lossy(s.name.trim()).into_owned(),
            String::from_utf8_lossy(s.email.trim()).to_lowercase(),
            s.seconds(),
        )
    };
    for token in gix::objs::CommitRefIter::from_bytes(data, id.kind()) {
        let Ok(token) = token else { break };
        match token {
            Token::Tree { id } => commit.tree = id,
            Token::Parent { id } => {
                commit.first_parent.get_or_insert(id);
                commit.parent_count += 1;
            }
            Token::Author { signature } => {
                (commit.author_name, commit.author_email, commit.author_time) = person(&signature);
            }
            Token::Committer { signature } => {
                (commit.committer_name, commit.committer_email, commit.time) = person(&signature);
            }
            Token::Message(message) => {
                commit.subject = message::commit_subject(message);
                commit.message_ids = message::message_ids(message);
            }
            Token::Encoding(_) | Token::ExtraHeader(_) => {}
        }
    }
    commit
}

/// An error message on one line, as every failure is reported.
fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}
