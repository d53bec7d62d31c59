//! Rename detection as `git show` and `git format-patch` do it by default
//! (`diffcore-rename.c` with renames on, copies and breaks off, a minimum
//! score of 50% and a rename limit of 1000).
//!
//! A rename's `similarity index N%` line is part of what a patch id
//! hashes, so both the pairing and the score must be git's: the score is
//! git's estimate from `diffcore-delta.c` (chunks of up to 64 bytes or to
//! a newline, hashed and counted), not a line diff.

use std::collections::HashMap;

use gix::ObjectId;
use gix::bstr::BString;
use gix::objs::tree::EntryMode;

/// git's `MAX_SCORE`: a score of 100%.
pub(crate) const MAX_SCORE: u64 = 60_000;
/// git's `DEFAULT_RENAME_SCORE`: 50%.
const MINIMUM_SCORE: u64 = 30_000;
/// git's default `diff.renameLimit`: beyond 1000 × 1000 pairs, only exact
/// renames are found.
const RENAME_LIMIT: usize = 1000;
/// git keeps the best 4 sources per destination in its matrix.
const CANDIDATES_PER_DESTINATION: usize = 4;
/// Blobs with a NUL in their first 8000 bytes are binary (`buffer_is_binary`).
const FIRST_FEW_BYTES: usize = 8000;
/// `core.bigFileThreshold`'s default: larger blobs are binary.
pub(crate) const BIG_FILE_THRESHOLD: usize = 512 * 1024 * 1024;

/// One side of a file pair: an added file (a destination) or a deleted
/// one (a source).
#[derive(Clone, Debug)]
pub(crate) struct Side {
    pub(crate) path: BString,
    pub(crate) mode: EntryMode,
    pub(crate) id: ObjectId,
}

/// A rename found: indexes into the sources and destinations, and git's
/// score (out of [`MAX_SCORE`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Rename {
    pub(crate) source: usize,
    pub(crate) destination: usize,
    pub(crate) score: u64,
}

/// Whether the data is binary to git's diff (no attributes are read).
pub(crate) fn is_binary(data: &[u8]) -> bool {
    data.len() > BIG_FILE_THRESHOLD
        || memchr::memchr(0, &data[..data.len().min(FIRST_FEW_BYTES)]).is_some()
}

/// Pairs deleted files with added ones as git does: exact renames first
/// (same blob, preferring a source with the same file name), then files
/// whose name is unique on both sides and that are at least 75% similar,
/// then the best-scoring pairs of at least 50%.
pub(crate) fn find_renames<E>(
    sources: &[Side],
    destinations: &[Side],
    blob: &mut dyn FnMut(&ObjectId) -> Result<Vec<u8>, E>,
) -> Result<Vec<Rename>, E> {
    let mut renames = Vec::new();
    if sources.is_empty() || destinations.is_empty() {
        return Ok(renames);
    }
    let mut source_used = vec![false; sources.len()];
    let mut destination_done = vec![false; destinations.len()];
    let record = |renames: &mut Vec<Rename>,
                  source_used: &mut [bool],
                  destination_done: &mut [bool],
                  source,
                  destination,
                  score| {
        source_used[source] = true;
        destination_done[destination] = true;
        renames.push(Rename {
            source,
            destination,
            score,
        });
    };

    // Exact renames: git walks sources in their order, takes the first
    // unused one with the same name if any, else the first unused one,
    // and gives up after 100 alternatives.
    for (d, destination) in destinations.iter().enumerate() {
        let mut best: Option<(usize, u8)> = None;
        let mut tries = 100;
        for (s, source) in sources.iter().enumerate() {
            if source.id != destination.id || source_used[s] {
                continue;
            }
            if !(is_regular(source.mode) && is_regular(destination.mode))
                && source.mode != destination.mode
            {
                continue;
            }
            let score = 1 + u8::from(basename_same(&source.path, &destination.path));
            if best.is_none_or(|(_, b)| score > b) {
                best = Some((s, score));
                if score == 2 {
                    break;
                }
            }
            tries -= 1;
            if tries == 0 {
                break;
            }
        }
        if let Some((s, _)) = best {
            record(
                &mut renames,
                &mut source_used,
                &mut destination_done,
                s,
                d,
                MAX_SCORE,
            );
        }
    }

    let mut estimates = Estimates::default();

    // Same file name, unique among the remaining sources and among the
    // remaining destinations: a rename at a higher minimum score
    // (`GIT_BASENAME_FACTOR` 50: halfway from 50% to 100%).
    let basename_minimum = MINIMUM_SCORE + (MAX_SCORE - MINIMUM_SCORE) / 2;
    let source_names = unique_names(sources, &source_used);
    let destination_names = unique_names(destinations, &destination_done);
    for (s, source) in sources.iter().enumerate() {
        if source_used[s] {
            continue;
        }
        let name = basename(&source.path);
        let (Some(Some(unique_source)), Some(Some(d))) =
            (source_names.get(name), destination_names.get(name))
        else {
            continue;
        };
        if *unique_source != s || destination_done[*d] {
            continue;
        }
        let score = estimates.similarity(source, &destinations[*d], basename_minimum, blob)?;
        if score >= basename_minimum {
            record(
                &mut renames,
                &mut source_used,
                &mut destination_done,
                s,
                *d,
                score,
            );
        }
    }

    // The matrix of the remaining pairs.
    let left_sources: Vec<usize> = (0..sources.len()).filter(|s| !source_used[*s]).collect();
    let left_destinations: Vec<usize> = (0..destinations.len())
        .filter(|d| !destination_done[*d])
        .collect();
    if left_sources.is_empty()
        || left_destinations.is_empty()
        || left_sources.len() * left_destinations.len() > RENAME_LIMIT * RENAME_LIMIT
    {
        return Ok(renames);
    }
    let mut matrix: Vec<Option<Candidate>> = Vec::new();
    for &d in &left_destinations {
        let mut best: [Option<Candidate>; CANDIDATES_PER_DESTINATION] = [None; 4];
        for &s in &left_sources {
            let candidate = Candidate {
                score: estimates.similarity(&sources[s], &destinations[d], MINIMUM_SCORE, blob)?,
                same_name: basename_same(&sources[s].path, &destinations[d].path),
                source: s,
                destination: d,
            };
            // Replace the worst kept candidate (the first of equally bad
            // ones) when this one is better.
            let mut worst = 0;
            for i in 1..CANDIDATES_PER_DESTINATION {
                if compare(&best[i], &best[worst]).is_gt() {
                    worst = i;
                }
            }
            if compare(&best[worst], &Some(candidate)).is_gt() {
                best[worst] = Some(candidate);
            }
        }
        matrix.extend(best);
    }
    // git's sort is stable too.
    matrix.sort_by(compare);
    for candidate in matrix {
        let Some(c) = candidate.filter(|c| c.score >= MINIMUM_SCORE) else {
            break;
        };
        if destination_done[c.destination] || source_used[c.source] {
            continue;
        }
        record(
            &mut renames,
            &mut source_used,
            &mut destination_done,
            c.source,
            c.destination,
            c.score,
        );
    }
    Ok(renames)
}

#[derive(Clone, Copy, Debug)]
struct Candidate {
    score: u64,
    same_name: bool,
    source: usize,
    destination: usize,
}

/// git's `score_compare`: higher score first, then same file name first;
/// empty slots last.
fn compare(a: &Option<Candidate>, b: &Option<Candidate>) -> std::cmp::Ordering {
    match (a, b) {
        (None, None) => std::cmp::Ordering::Equal,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (Some(_), None) => std::cmp::Ordering::Less,
        (Some(a), Some(b)) if a.score == b.score => b.same_name.cmp(&a.same_name),
        (Some(a), Some(b)) => b.score.cmp(&a.score),
    }
}

/// Each file name among the sides not skipped, with the side's index if
/// no other side has it.
fn unique_names<'a>(sides: &'a [Side], skip: &[bool]) -> HashMap<&'a [u8], Option<usize>> {
    let mut names: HashMap<&[u8], Option<usize>> = HashMap::new();
    for (i, side) in sides.iter().enumerate().filter(|(i, _)| !skip[*i]) {
        names
            .entry(basename(&side.path))
            .and_modify(|unique| *unique = None)
            .or_insert(Some(i));
    }
    names
}

fn is_regular(mode: EntryMode) -> bool {
    mode.is_blob()
}

fn basename(path: &[u8]) -> &[u8] {
    memchr::memrchr(b'/', path).map_or(path, |slash| &path[slash + 1..])
}

/// git's `basename_same`: the file names (after the last `/`) are equal.
fn basename_same(a: &[u8], b: &[u8]) -> bool {
    basename(a) == basename(b)
}

/// A blob's size and its bytes per chunk hash, sorted by hash.
type Counted = (usize, Vec<(u32, u64)>);

/// Blob sizes and chunk counts, computed once per blob.
#[derive(Default)]
struct Estimates {
    blobs: HashMap<ObjectId, Counted>,
}

impl Estimates {
    fn counted<E>(
        &mut self,
        id: &ObjectId,
        blob: &mut dyn FnMut(&ObjectId) -> Result<Vec<u8>, E>,
    ) -> Result<&Counted, E> {
        if !self.blobs.contains_key(id) {
            let data = blob(id)?;
            let counts = chunk_counts(&data);
            self.blobs.insert(*id, (data.len(), counts));
        }
        // Just inserted when missing.
        Ok(&self.blobs[id])
    }

    /// git's `estimate_similarity`: how much of the source the destination
    /// kept, out of [`MAX_SCORE`]; 0 for anything but two regular files
    /// and for sizes too different to reach `minimum`.
    fn similarity<E>(
        &mut self,
        source: &Side,
        destination: &Side,
        minimum: u64,
        blob: &mut dyn FnMut(&ObjectId) -> Result<Vec<u8>, E>,
    ) -> Result<u64, E> {
        if !is_regular(source.mode) || !is_regular(destination.mode) {
            return Ok(0);
        }
        let (source_size, _) = *self.counted(&source.id, blob)?;
        let (destination_size, _) = *self.counted(&destination.id, blob)?;
        let (source_size, destination_size) = (source_size as u64, destination_size as u64);
        let max = source_size.max(destination_size);
        let delta = max - source_size.min(destination_size);
        if max * (MAX_SCORE - minimum) < delta * MAX_SCORE {
            return Ok(0);
        }
        if destination_size == 0 {
            return Ok(0);
        }
        let copied = copied(&self.blobs[&source.id].1, &self.blobs[&destination.id].1);
        Ok(copied * MAX_SCORE / max)
    }
}

/// git's `hash_chars`: the data cut into chunks that end at a newline or
/// after 64 bytes, each hashed; the bytes per hash, sorted by hash. A CR
/// before LF does not count in text, and an unterminated last chunk of
/// fewer than 64 bytes is not counted at all (git's own behaviour).
fn chunk_counts(data: &[u8]) -> Vec<(u32, u64)> {
    const HASHBASE: u32 = 107_927;
    let text = !is_binary(data);
    let mut counts: HashMap<u32, u64> = HashMap::new();
    let (mut accum1, mut accum2): (u32, u32) = (0, 0);
    let mut n = 0u64;
    for (i, &c) in data.iter().enumerate() {
        if text && c == b'\r' && data.get(i + 1) == Some(&b'\n') {
            continue;
        }
        let old_1 = accum1;
        accum1 = (accum1 << 7) ^ (accum2 >> 25);
        accum2 = (accum2 << 7) ^ (old_1 >> 25);
        accum1 = accum1.wrapping_add(u32::from(c));
        n += 1;
        if n < 64 && c != b'\n' {
            continue;
        }
        let hash = accum1.wrapping_add(accum2.wrapping_mul(0x61)) % HASHBASE;
        *counts.entry(hash).or_insert(0) += n;
        n = 0;
        accum1 = 0;
        accum2 = 0;
    }
    let mut counts: Vec<(u32, u64)> = counts.into_iter().collect();
    counts.sort_unstable();
    counts
}

/// git's `diffcore_count_changes`, the part the score needs: for each
/// chunk hash, the bytes both sides have.
fn copied(source: &[(u32, u64)], destination: &[(u32, u64)]) -> u64 {
    let mut copied = 0;
    let mut d = destination.iter().peekable();
    for &(hash, count) in source {
        while d.next_if(|(h, _)| *h < hash).is_some() {}
        if let Some((_, other)) = d.next_if(|(h, _)| *h == hash) {
            copied += count.min(*other);
        }
    }
    copied
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(path: &str, content: &str) -> (Side, Vec<u8>) {
        let id = gix::objs::compute_hash(
            gix::hash::Kind::Sha1,
            gix::objs::Kind::Blob,
            content.as_bytes(),
        )
        .unwrap();
        (
            Side {
                path: path.into(),
                mode: EntryMode::from(gix::objs::tree::EntryKind::Blob),
                id,
            },
            content.as_bytes().to_vec(),
        )
    }

    fn run(sources: &[(Side, Vec<u8>)], destinations: &[(Side, Vec<u8>)]) -> Vec<Rename> {
        let blobs: HashMap<ObjectId, Vec<u8>> = sources
            .iter()
            .chain(destinations)
            .map(|(s, d)| (s.id, d.clone()))
            .collect();
        let s: Vec<Side> = sources.iter().map(|(s, _)| s.clone()).collect();
        let d: Vec<Side> = destinations.iter().map(|(s, _)| s.clone()).collect();
        find_renames::<()>(&s, &d, &mut |id| Ok(blobs[id].clone())).unwrap()
    }

    #[test]
    fn exact_renames_prefer_the_same_name() {
        let a = side("x/a", "same\n");
        let b = side("y/b", "same\n");
        let moved = side("z/b", "same\n");
        let renames = run(&[a, b], &[moved]);
        assert_eq!(
            renames,
            [Rename {
                source: 1,
                destination: 0,
                score: MAX_SCORE
            }]
        );
    }

    #[test]
    fn similar_files_are_renames_with_git_s_score() {
        let old: String = (0..20).map(|i| format!("line {i}\n")).collect();
        let new = old.replace("line 7\n", "line seven\n");
        let renames = run(&[side("a.c", &old)], &[side("b.c", &new)]);
        assert_eq!(renames.len(), 1);
        // 20 chunks of 7-8 bytes, one of them changed.
        assert!(renames[0].score > 54_000 && renames[0].score < MAX_SCORE);
        let unrelated = run(&[side("a.c", &old)], &[side("b.c", "other\n")]);
        assert!(unrelated.is_empty());
    }

    #[test]
    fn chunks_follow_git() {
        // The unterminated tail is not counted; CRLF counts as LF in text.
        assert_eq!(chunk_counts(b"abc").len(), 0);
        assert_eq!(chunk_counts(b"ab\r\n"), chunk_counts(b"ab\n"));
        let long = vec![b'x'; 130];
        let counts = chunk_counts(&long);
        assert_eq!(counts.iter().map(|(_, n)| n).sum::<u64>(), 128);
    }
}
