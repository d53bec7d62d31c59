//! A tree commit's diff: the cheap part (which paths it changes, from tree
//! objects alone) and the expensive part (the diff text `git show` or
//! `git format-patch` would write, for its patch id).
//!
//! The text is written only as far as a patch id reads it: every line git
//! writes and patch-id hashes is here, byte for byte; the `index` line has
//! full object ids (as `format-patch`, which always passes `--binary`,
//! writes them for binary files, the only ones whose ids are hashed), and
//! binary data is left out (patch-id skips it). Hunks come from gitoxide's
//! Myers diff with git's indent heuristic and 3 lines of context, merged as
//! xdiff merges them.

use std::collections::{HashMap, HashSet, VecDeque};

use gix::ObjectId;
use gix::bstr::{BStr, BString, ByteSlice, ByteVec};
use gix::diff::tree::{Visit, visit};
use gix::objs::FindExt;
use gix::objs::tree::EntryKind;

use super::patch_id::{PatchId, diff_patch_id};
use super::renames::{MAX_SCORE, Side, find_renames, is_binary};

/// Lines of context around a change (git's default `-U3`).
const CONTEXT: u32 = 3;

/// A failure to read an object: the message of what gitoxide reported.
pub(crate) type ReadError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The paths that may be asked about: every path of every wanted patch,
/// and every directory above one.
pub(crate) struct PathFilter {
    files: HashSet<BString>,
    directories: HashSet<BString>,
    /// The most paths any wanted patch has.
    most: usize,
}

impl PathFilter {
    pub(crate) fn new<'a>(path_sets: impl IntoIterator<Item = &'a [BString]>) -> PathFilter {
        let mut filter = PathFilter {
            files: HashSet::new(),
            directories: HashSet::new(),
            most: 0,
        };
        for paths in path_sets {
            filter.most = filter.most.max(paths.len());
            for path in paths {
                filter.files.insert(path.clone());
                let mut dir: &[u8] = path.as_ref();
                while let Some(slash) = memchr::memrchr(b'/', dir) {
                    dir = &dir[..slash];
                    filter.directories.insert(dir.into());
                }
            }
        }
        filter
    }
}

/// The blob paths `tree` changes against `parent` (`None`: the empty
/// tree), sorted; `None` as soon as one of them cannot be wanted, which
/// for nearly every commit is decided in its top-level tree.
pub(crate) fn changed_paths(
    repo: &gix::Repository,
    parent: Option<ObjectId>,
    tree: ObjectId,
    filter: &PathFilter,
    state: &mut gix::diff::tree::State,
    buffers: &mut (Vec<u8>, Vec<u8>),
) -> Result<Option<Vec<BString>>, ReadError> {
    let mut collector = Collector {
        tracker: PathTracker::default(),
        filter: Some(filter),
        changes: Vec::new(),
    };
    let (old_buf, new_buf) = buffers;
    let old = match parent {
        Some(id) => repo.objects.find_tree_iter(&id, old_buf)?,
        None => gix::objs::TreeRefIter::from_bytes(&[], tree.kind()),
    };
    let new = repo.objects.find_tree_iter(&tree, new_buf)?;
    match gix::diff::tree(old, new, state, &repo.objects, &mut collector) {
        Ok(()) => {}
        Err(gix::diff::tree::Error::Cancelled) => return Ok(None),
        Err(e) => return Err(e.into()),
    }
    let mut paths: Vec<BString> = collector.changes.into_iter().map(|c| c.path).collect();
    paths.sort();
    paths.dedup();
    Ok(Some(paths))
}

/// The patch id of the diff `git show` writes for a commit with the tree
/// `tree` and the first parent's tree `parent` (`None` for a root
/// commit); `None` when the diff is empty.
pub(crate) fn commit_patch_id(
    repo: &gix::Repository,
    parent: Option<ObjectId>,
    tree: ObjectId,
) -> Result<Option<PatchId>, ReadError> {
    let text = commit_diff(repo, parent, tree)?;
    Ok(diff_patch_id(&text))
}

/// The diff text of a commit, as far as a patch id reads it.
pub(crate) fn commit_diff(
    repo: &gix::Repository,
    parent: Option<ObjectId>,
    tree: ObjectId,
) -> Result<Vec<u8>, ReadError> {
    let mut collector = Collector {
        tracker: PathTracker::default(),
        filter: None,
        changes: Vec::new(),
    };
    let (mut old_buf, mut new_buf) = (Vec::new(), Vec::new());
    let old = match parent {
        Some(id) => repo.objects.find_tree_iter(&id, &mut old_buf)?,
        None => gix::objs::TreeRefIter::from_bytes(&[], tree.kind()),
    };
    let new = repo.objects.find_tree_iter(&tree, &mut new_buf)?;
    gix::diff::tree(
        old,
        new,
        gix::diff::tree::State::default(),
        &repo.objects,
        &mut collector,
    )?;

    let mut pairs: Vec<Pair> = Vec::new();
    let mut sources: Vec<Side> = Vec::new();
    let mut destinations: Vec<Side> = Vec::new();
    for change in collector.changes {
        match (change.old, change.new) {
            (Some(old), None) => sources.push(side(&change.path, old)),
            (None, Some(new)) => destinations.push(side(&change.path, new)),
            (Some(old), Some(new)) if file_type(old.0) != file_type(new.0) => {
                // git writes a change between file, link and submodule as a
                // deletion and an addition.
                pairs.push(Pair::deleted(side(&change.path, old)));
                pairs.push(Pair::added(side(&change.path, new)));
            }
            (Some(old), Some(new)) => pairs.push(Pair {
                old: Some(side(&change.path, old)),
                new: Some(side(&change.path, new)),
                score: None,
            }),
            (None, None) => {}
        }
    }
    let renames = find_renames(&sources, &destinations, &mut |id| blob(repo, id))?;
    let mut renamed_sources = vec![false; sources.len()];
    let mut renamed_destinations: Vec<Option<(usize, u64)>> = vec![None; destinations.len()];
    for rename in &renames {
        renamed_sources[rename.source] = true;
        renamed_destinations[rename.destination] = Some((rename.source, rename.score));
    }
    for (d, destination) in destinations.into_iter().enumerate() {
        pairs.push(match renamed_destinations[d] {
            Some((s, score)) => Pair {
                old: Some(sources[s].clone()),
                new: Some(destination),
                score: Some(score),
            },
            None => Pair::added(destination),
        });
    }
    for (s, source) in sources.into_iter().enumerate() {
        if !renamed_sources[s] {
            pairs.push(Pair::deleted(source));
        }
    }
    // git's order: the tree's, which is the order of the full paths (a
    // rename sits where its new name does). It matters to a patch id only
    // after a binary file, whose next `diff` line patch-id skips.
    pairs.sort_by(|a, b| a.sort_path().cmp(b.sort_path()));

    let mut text = Vec::new();
    for pair in &pairs {
        write_pair(&mut text, pair, repo)?;
    }
    Ok(text)
}

/// One file of a diff: deleted (no `new`), added (no `old`), modified or
/// renamed (`score` set).
struct Pair {
    old: Option<Side>,
    new: Option<Side>,
    score: Option<u64>,
}

impl Pair {
    fn added(side: Side) -> Pair {
        Pair {
            old: None,
            new: Some(side),
            score: None,
        }
    }

    fn deleted(side: Side) -> Pair {
        Pair {
            old: Some(side),
            new: None,
            score: None,
        }
    }

    fn sort_path(&self) -> &BStr {
        match (&self.new, &self.old) {
            (Some(side), _) | (None, Some(side)) => side.path.as_ref(),
            (None, None) => b"".as_bstr(),
        }
    }
}

fn side(path: &BString, (kind, id): (EntryKind, ObjectId)) -> Side {
    Side {
        path: path.clone(),
        mode: kind.into(),
        id,
    }
}

/// File, link or submodule (`S_IFMT`): an executable bit is a mode change,
/// anything else a different file.
fn file_type(kind: EntryKind) -> u8 {
    match kind {
        EntryKind::Blob | EntryKind::BlobExecutable => 0,
        EntryKind::Link => 1,
        EntryKind::Commit => 2,
        EntryKind::Tree => 3,
    }
}

fn mode_octal(side: &Side) -> &'static str {
    match side.mode.kind() {
        EntryKind::Blob => "100644",
        EntryKind::BlobExecutable => "100755",
        EntryKind::Link => "120000",
        EntryKind::Commit => "160000",
        EntryKind::Tree => "040000",
    }
}

fn blob(repo: &gix::Repository, id: &ObjectId) -> Result<Vec<u8>, ReadError> {
    Ok(repo.find_object(*id)?.detach().data)
}

/// What git diffs for a side: a blob's data, or a submodule's
/// `Subproject commit <id>` line.
fn content(repo: &gix::Repository, side: Option<&Side>) -> Result<Vec<u8>, ReadError> {
    match side {
        None => Ok(Vec::new()),
        Some(side) if side.mode.is_commit() => {
            Ok(format!("Subproject commit {}\n", side.id).into_bytes())
        }
        Some(side) => blob(repo, &side.id),
    }
}

/// Writes one file's part of the diff as git does (`builtin_diff` and
/// `fill_metainfo` in git's `diff.c`).
fn write_pair(out: &mut Vec<u8>, pair: &Pair, repo: &gix::Repository) -> Result<(), ReadError> {
    let (Some(a), Some(b)) = (
        pair.old.as_ref().or(pair.new.as_ref()),
        pair.new.as_ref().or(pair.old.as_ref()),
    ) else {
        return Ok(());
    };
    out.extend_from_slice(b"diff --git ");
    quote_path(out, b"a/", &a.path);
    out.push(b' ');
    quote_path(out, b"b/", &b.path);
    out.push(b'\n');
    match (&pair.old, &pair.new) {
        (None, Some(new)) => {
            out.extend_from_slice(format!("new file mode {}\n", mode_octal(new)).as_bytes());
        }
        (Some(old), None) => {
            out.extend_from_slice(format!("deleted file mode {}\n", mode_octal(old)).as_bytes());
        }
        (Some(old), Some(new)) if mode_octal(old) != mode_octal(new) => {
            out.extend_from_slice(
                format!(
                    "old mode {}\nnew mode {}\n",
                    mode_octal(old),
                    mode_octal(new)
                )
                .as_bytes(),
            );
        }
        _ => {}
    }
    if let Some(score) = pair.score {
        out.extend_from_slice(
            format!("similarity index {}%\n", score * 100 / MAX_SCORE).as_bytes(),
        );
        out.extend_from_slice(b"rename from ");
        quote_path(out, b"", &a.path);
        out.extend_from_slice(b"\nrename to ");
        quote_path(out, b"", &b.path);
        out.push(b'\n');
    }
    let null = ObjectId::null(gix::hash::Kind::Sha1);
    let old_id = pair.old.as_ref().map_or(null, |s| s.id);
    let new_id = pair.new.as_ref().map_or(null, |s| s.id);
    if old_id == new_id {
        return Ok(());
    }
    out.extend_from_slice(format!("index {old_id}..{new_id}").as_bytes());
    if let (Some(old), Some(new)) = (&pair.old, &pair.new)
        && mode_octal(old) == mode_octal(new)
    {
        out.extend_from_slice(format!(" {}", mode_octal(old)).as_bytes());
    }
    out.push(b'\n');

    let old = content(repo, pair.old.as_ref())?;
    let new = content(repo, pair.new.as_ref())?;
    if is_binary(&old) || is_binary(&new) {
        // What follows is base85 data, which patch-id skips.
        out.extend_from_slice(b"GIT binary patch\n");
        return Ok(());
    }
    write_hunks(out, pair, &old, &new);
    Ok(())
}

/// The `---`/`+++` lines and the hunks, as xdiff emits them: changes at
/// most 6 lines apart share a hunk, each hunk has up to 3 lines of context
/// on either side.
fn write_hunks(out: &mut Vec<u8>, pair: &Pair, old: &[u8], new: &[u8]) {
    use gix::diff::blob::{Algorithm, Diff, InternedInput, sources::byte_lines};
    let input = InternedInput::new(byte_lines(old), byte_lines(new));
    let mut diff = Diff::compute(Algorithm::Myers, &input);
    diff.postprocess_lines(&input);
    let hunks: Vec<gix::diff::blob::Hunk> = diff.hunks().collect();
    if hunks.is_empty() {
        return;
    }
    out.extend_from_slice(b"--- ");
    match &pair.old {
        Some(old) => quote_path(out, b"a/", &old.path),
        None => out.extend_from_slice(b"/dev/null"),
    }
    out.extend_from_slice(b"\n+++ ");
    match &pair.new {
        Some(new) => quote_path(out, b"b/", &new.path),
        None => out.extend_from_slice(b"/dev/null"),
    }
    out.push(b'\n');

    let before_len = input.before.len() as u32;
    let after_len = input.after.len() as u32;
    let line = |out: &mut Vec<u8>, marker: u8, token: gix::diff::blob::Token| {
        out.push(marker);
        out.extend_from_slice(input.interner[token]);
        // A last line without newline: git adds `\ No newline…`, which
        // patch-id skips; the line itself must still end here.
        if out.last() != Some(&b'\n') {
            out.push(b'\n');
        }
    };
    let mut start = 0;
    while start < hunks.len() {
        // Changes whose gap is at most twice the context go together.
        let mut end = start;
        while end + 1 < hunks.len()
            && hunks[end + 1].before.start - hunks[end].before.end <= 2 * CONTEXT
        {
            end += 1;
        }
        let first = &hunks[start];
        let last = &hunks[end];
        // Equal lines precede a change on both sides alike; the minimum
        // keeps the arithmetic safe whatever the diff.
        let lead = first.before.start.min(first.after.start).min(CONTEXT);
        let trail = CONTEXT
            .min(before_len - last.before.end)
            .min(after_len - last.after.end);
        let old_start = first.before.start - lead;
        let new_start = first.after.start - lead;
        let old_count = last.before.end + trail - old_start;
        let new_count = last.after.end + trail - new_start;
        out.extend_from_slice(
            format!(
                "@@ -{},{} +{},{} @@\n",
                old_start + u32::from(old_count > 0),
                old_count,
                new_start + u32::from(new_count > 0),
                new_count
            )
            .as_bytes(),
        );
        let mut at_new = new_start;
        for hunk in &hunks[start..=end] {
            for i in at_new..hunk.after.start {
                line(out, b' ', input.after[i as usize]);
            }
            for i in hunk.before.clone() {
                line(out, b'-', input.before[i as usize]);
            }
            for i in hunk.after.clone() {
                line(out, b'+', input.after[i as usize]);
            }
            at_new = hunk.after.end;
        }
        for i in at_new..last.after.end + trail {
            line(out, b' ', input.after[i as usize]);
        }
        start = end + 1;
    }
}

/// git's `quote_two`/`quote_c_style` with `core.quotePath` on (its
/// default): a path with a control character, `"`, `\` or a byte of 128
/// and up is written in double quotes with C escapes.
fn quote_path(out: &mut Vec<u8>, prefix: &[u8], path: &[u8]) {
    let needs_quotes = |b: u8| b < 0x20 || b == b'"' || b == b'\\' || b >= 0x7f;
    if !path.iter().chain(prefix).any(|b| needs_quotes(*b)) {
        out.extend_from_slice(prefix);
        out.extend_from_slice(path);
        return;
    }
    out.push(b'"');
    for &b in prefix.iter().chain(path) {
        match b {
            0x07 => out.extend_from_slice(b"\\a"),
            0x08 => out.extend_from_slice(b"\\b"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            0x0b => out.extend_from_slice(b"\\v"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b if needs_quotes(b) => out.extend_from_slice(format!("\\{b:03o}").as_bytes()),
            b => out.push(b),
        }
    }
    out.push(b'"');
}

/// A changed blob, link or submodule, with its full path.
struct FileChange {
    path: BString,
    old: Option<(EntryKind, ObjectId)>,
    new: Option<(EntryKind, ObjectId)>,
}

/// A tree-diff delegate that records changed non-tree entries with their
/// full paths and, given a filter, stops at the first path it does not hold.
struct Collector<'a> {
    tracker: PathTracker,
    filter: Option<&'a PathFilter>,
    changes: Vec<FileChange>,
}

impl Visit for Collector<'_> {
    fn pop_front_tracked_path_and_set_current(&mut self) {
        self.tracker.pop_front();
    }

    fn push_back_tracked_path_component(&mut self, component: &BStr) {
        self.tracker.push(component);
        self.tracker.queue.push_back(self.tracker.path.clone());
    }

    fn push_path_component(&mut self, component: &BStr) {
        self.tracker.push(component);
    }

    fn pop_path_component(&mut self) {
        self.tracker.pop();
    }

    fn visit(&mut self, change: visit::Change) -> visit::Action {
        use std::ops::ControlFlow::{Break, Continue};
        let path = &self.tracker.path;
        let (old, new) = match change {
            visit::Change::Addition {
                entry_mode, oid, ..
            } => (None, Some((entry_mode, oid))),
            visit::Change::Deletion {
                entry_mode, oid, ..
            } => (Some((entry_mode, oid)), None),
            visit::Change::Modification {
                previous_entry_mode,
                previous_oid,
                entry_mode,
                oid,
            } => (
                Some((previous_entry_mode, previous_oid)),
                Some((entry_mode, oid)),
            ),
        };
        let is_tree = |side: &Option<(gix::objs::tree::EntryMode, ObjectId)>| {
            side.is_some_and(|(mode, _)| mode.is_tree())
        };
        if is_tree(&old) || is_tree(&new) {
            // Trees are descended into; their files are what counts.
            if let Some(filter) = self.filter
                && !filter.directories.contains(path)
            {
                return Break(());
            }
            if is_tree(&old) && is_tree(&new) || old.is_none() || new.is_none() {
                return Continue(());
            }
        }
        let keep = |side: Option<(gix::objs::tree::EntryMode, ObjectId)>| {
            side.filter(|(mode, _)| !mode.is_tree())
                .map(|(mode, id)| (mode.kind(), id))
        };
        let (old, new) = (keep(old), keep(new));
        if old.is_none() && new.is_none() {
            return Continue(());
        }
        // Same blob and same mode: only the raw mode changed (100664 → 100644).
        if old == new {
            return Continue(());
        }
        if let Some(filter) = self.filter
            && (!filter.files.contains(path) || self.changes.len() >= filter.most)
        {
            return Break(());
        }
        self.changes.push(FileChange {
            path: path.clone(),
            old,
            new,
        });
        Continue(())
    }
}

/// The full path of the entry a tree diff is at, kept as gitoxide's
/// `Recorder` keeps it.
#[derive(Default)]
struct PathTracker {
    path: BString,
    queue: VecDeque<BString>,
}

impl PathTracker {
    fn pop_front(&mut self) {
        if let Some(path) = self.queue.pop_front() {
            self.path = path;
        }
    }

    fn push(&mut self, component: &BStr) {
        if component.is_empty() {
            return;
        }
        if !self.path.is_empty() {
            self.path.push(b'/');
        }
        self.path.push_str(component);
    }

    fn pop(&mut self) {
        match self.path.rfind_byte(b'/') {
            Some(slash) => self.path.truncate(slash),
            None => self.path.clear(),
        }
    }
}

/// Groups of wanted patches by the exact path set their diff touches.
pub(crate) fn group_by_paths<'a>(
    wanted: impl IntoIterator<Item = (usize, &'a [BString])>,
) -> HashMap<&'a [BString], Vec<usize>> {
    let mut groups: HashMap<&[BString], Vec<usize>> = HashMap::new();
    for (i, paths) in wanted {
        groups.entry(paths).or_default().push(i);
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_quoted_like_git() {
        let mut out = Vec::new();
        quote_path(&mut out, b"a/", b"plain name.c");
        assert_eq!(out, b"a/plain name.c");
        out.clear();
        quote_path(&mut out, b"a/", "tést\t\"x\"\\".as_bytes());
        assert_eq!(out, b"\"a/t\\303\\251st\\t\\\"x\\\"\\\\\"");
    }
}
