//! Reading a large selection in pack order: every object of an epoch's
//! packs is inflated once, on all cores, by gitoxide's delta-tree traversal
//! (as `gix verify` does), and the selected commits are mapped to their
//! mails afterwards.
//!
//! Reading commit by commit inflates the base of a delta chain again for
//! each delta on it (gitoxide's pack cache keeps resolved deltas, not the
//! whole base a chain starts from); in pack order each base is inflated
//! once, at the cost of reading every object of the pack, selected or not.
//! So pack order pays only when the selection covers (nearly) a whole
//! epoch, and [`Reader::Auto`] takes it then.

use std::collections::{HashMap, HashSet};
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use gix::ObjectId;

use super::read::Parsed;
use super::{Archive, ArchiveKind, Missing, SelectedCommit};
use crate::mail::MailParser;

/// How the mails of a selection are read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reader {
    /// Pack order for an epoch when the selection covers a large share of
    /// it ([`PACK_ORDER_SHARE`]), else commit order.
    #[default]
    Auto,
    /// Commit by commit: tree, then blob `m`, each looked up on its own.
    CommitOrder,
    /// Every epoch of a public-inbox v2 archive in pack order (v1 archives
    /// and mailboxes are read as always).
    PackOrder,
}

impl std::str::FromStr for Reader {
    type Err = String;

    fn from_str(s: &str) -> Result<Reader, String> {
        match s {
            "auto" => Ok(Reader::Auto),
            "commit" => Ok(Reader::CommitOrder),
            "pack" => Ok(Reader::PackOrder),
            _ => Err(format!("'{s}': expected auto, commit or pack")),
        }
    }
}

/// [`Reader::Auto`] reads an epoch in pack order when its selected commits
/// are at least this share of the commits its packs hold (a third of
/// their objects: each mail is a commit, a tree and a blob). Pack order
/// inflates every object of the pack whatever is selected; on
/// linux-hyperv (README, "Speed") it takes about 10% less CPU than commit
/// order for the whole archive, the same wall time, and more of both for
/// any window up to 24,000 of its 26,431 mails: so only a selection of
/// (nearly) the whole epoch takes it.
pub const PACK_ORDER_SHARE: f64 = 0.95;

/// Packs smaller than this are read in commit order by [`Reader::Auto`]:
/// there is nothing to win on them, and the traversal has a fixed cost.
const PACK_ORDER_MIN_OBJECTS: u64 = 3_000;

static MAILS_IN_PACK_ORDER: AtomicUsize = AtomicUsize::new(0);
static MAILS_FALLEN_BACK: AtomicUsize = AtomicUsize::new(0);

/// Commits read so far in this process by the pack-order reader: those
/// resolved from the packs, and those it left to the commit-order reader
/// (loose objects, trees or blobs no pack holds). For `--verbose` and
/// tests, which must know which reader ran.
#[doc(hidden)]
pub fn pack_order_counts() -> (usize, usize) {
    (
        MAILS_IN_PACK_ORDER.load(Ordering::Relaxed),
        MAILS_FALLEN_BACK.load(Ordering::Relaxed),
    )
}

/// The mails of the wanted blobs that an epoch's packs hold.
#[derive(Default)]
pub(super) struct PackedMails {
    mails: HashMap<ObjectId, Parsed>,
}

impl PackedMails {
    /// The mail of `blob` as the commit-order reader would give it, or
    /// `None` when the packs do not hold it (the caller reads it commit by
    /// commit). `uses` counts the selected commits still to come per blob:
    /// the last one takes the mail, earlier ones a copy.
    pub(super) fn take(
        &mut self,
        blob: ObjectId,
        uses: &mut HashMap<ObjectId, usize>,
    ) -> Option<Parsed> {
        let left = uses.get_mut(&blob)?;
        *left = left.saturating_sub(1);
        if *left == 0 {
            self.mails.remove(&blob)
        } else {
            self.mails.get(&blob).cloned()
        }
    }
}

impl Archive {
    /// Whether the mails of `selected` commits of `epoch` are read in pack
    /// order.
    pub(super) fn use_pack_order(&self, epoch: usize, selected: usize) -> bool {
        if self.kind != ArchiveKind::PublicInboxV2 || selected == 0 {
            return false;
        }
        match self.reader {
            Reader::CommitOrder => false,
            Reader::PackOrder => true,
            Reader::Auto => {
                let objects = self.packed_objects(epoch);
                objects >= PACK_ORDER_MIN_OBJECTS
                    && selected as f64 >= PACK_ORDER_SHARE * objects as f64 / 3.0
            }
        }
    }

    /// Whether an epoch selected whole is read in pack order.
    pub(super) fn whole_epoch_in_pack_order(&self, epoch: usize) -> bool {
        match self.reader {
            Reader::CommitOrder => false,
            Reader::PackOrder => true,
            Reader::Auto => self.packed_objects(epoch) >= PACK_ORDER_MIN_OBJECTS,
        }
    }

    /// The number of objects in an epoch's packs (0 when they cannot be read).
    fn packed_objects(&self, epoch: usize) -> u64 {
        let hash = self.epochs[epoch].repo().object_hash();
        pack_indexes(&self.epochs[epoch].repo())
            .iter()
            .filter_map(|idx| gix_pack::index::File::at(idx, hash).ok())
            .map(|index| u64::from(index.num_objects()))
            .sum()
    }

    /// The packs of an epoch, opened once for both the tree lookups and
    /// the traversal (one mapping of each pack, not a second beside the
    /// repository's). A pack that cannot be opened leaves the epoch to
    /// the commit-order reader, which says what is wrong.
    pub(super) fn open_packs(&self, epoch: usize) -> Packs {
        let repo = self.epochs[epoch].repo();
        let hash = repo.object_hash();
        let opened: Result<Vec<_>, gix::Error> = pack_indexes(&repo)
            .iter()
            .map(|idx| {
                let index = gix_pack::index::File::at(idx, hash)?;
                let pack = gix_pack::data::File::at(idx.with_extension("pack"), hash)?;
                Ok((index, pack))
            })
            .collect();
        Packs {
            packs: opened.unwrap_or_default(),
        }
    }
}

/// The opened packs of one epoch: (index, pack data) each.
pub(super) struct Packs {
    packs: Vec<(gix_pack::index::File, gix_pack::data::File)>,
}

impl Packs {
    /// The blob `m` of each commit's tree: `None` when the packs do not
    /// hold the tree (the commit-order reader reads it, or says why not),
    /// `Some(None)` for a tree without `m`. Trees are small, so this costs
    /// little beside the blobs, and it lets the traversal parse only the
    /// mails selected.
    pub(super) fn mail_blobs(&self, commits: &[SelectedCommit]) -> Vec<Option<Option<ObjectId>>> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let chunk = commits.len().div_ceil(threads).max(1);
        std::thread::scope(|scope| {
            let parts: Vec<_> = commits
                .chunks(chunk)
                .map(|part| {
                    let thread = scope.spawn(move || {
                        let mut buf = Vec::new();
                        let mut inflate = gix::zlib::Inflate::default();
                        part.iter()
                            .map(|commit| self.mail_blob(commit.tree, &mut buf, &mut inflate))
                            .collect::<Vec<_>>()
                    });
                    (part.len(), thread)
                })
                .collect();
            parts
                .into_iter()
                // A thread that failed leaves its commits to the commit-order reader.
                .flat_map(|(len, thread)| thread.join().unwrap_or_else(|_| vec![None; len]))
                .collect()
        })
    }

    /// One tree's `m`, decoded from the first pack that holds the tree.
    fn mail_blob(
        &self,
        tree: ObjectId,
        buf: &mut Vec<u8>,
        inflate: &mut gix::zlib::Inflate,
    ) -> Option<Option<ObjectId>> {
        let (index, pack, at) = self
            .packs
            .iter()
            .find_map(|(index, pack)| Some((index, pack, index.lookup(tree)?)))?;
        let entry = pack.entry(index.pack_offset_at_index(at)).ok()?;
        // A delta's base in the same pack, as gitoxide's own traversal
        // resolves it.
        let base = |id: &gix::oid, _: &mut Vec<u8>| {
            index
                .lookup(id)
                .map(|i| {
                    pack.entry(index.pack_offset_at_index(i))
                        .map(gix_pack::data::decode::entry::ResolvedBase::InPack)
                })
                .transpose()
        };
        let decoded = pack
            .decode_entry(entry, buf, inflate, &base, &mut gix_pack::cache::Never)
            .ok()?;
        if decoded.kind != gix::objs::Kind::Tree {
            return None;
        }
        // As `Tree::find_entry` does: entries that fail to decode are
        // passed over.
        Some(
            gix::objs::TreeRefIter::from_bytes(buf, tree.kind())
                .filter_map(Result::ok)
                .find(|entry| entry.filename == "m")
                .map(|entry| entry.oid.to_owned()),
        )
    }

    /// Decodes every object of the packs and parses the `wanted` blobs
    /// (without a set, every blob).
    /// A pack that fails to traverse leaves the whole epoch to the
    /// commit-order reader (never fatal: that reader says what is wrong,
    /// commit by commit).
    pub(super) fn read_mails(
        &self,
        archive: &Archive,
        wanted: Option<&HashSet<ObjectId>>,
    ) -> PackedMails {
        let sink = Mutex::new(HashMap::with_capacity(wanted.map_or(0, HashSet::len)));
        for (index, pack) in &self.packs {
            let traversed = std::panic::catch_unwind(AssertUnwindSafe(|| {
                traverse_pack(archive, &sink, wanted, index, pack)
            }));
            if !matches!(traversed, Ok(Ok(_))) {
                return PackedMails::default();
            }
        }
        PackedMails {
            mails: sink.into_inner().unwrap_or_else(PoisonError::into_inner),
        }
    }
}

/// Counts what one pack-order read resolved and what it left over.
pub(super) fn count(in_pack_order: usize, fallen_back: usize) {
    MAILS_IN_PACK_ORDER.fetch_add(in_pack_order, Ordering::Relaxed);
    MAILS_FALLEN_BACK.fetch_add(fallen_back, Ordering::Relaxed);
}

/// The pack indexes of a repository (`objects/pack/*.idx`), by name.
fn pack_indexes(repo: &gix::Repository) -> Vec<PathBuf> {
    let dir = repo.objects.store_ref().path().join("pack");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut indexes: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "idx") && p.with_extension("pack").is_file())
        .collect();
    indexes.sort();
    indexes
}

/// One pack, every object decoded once, the wanted blobs parsed into `sink`.
fn traverse_pack(
    archive: &Archive,
    sink: &Sink,
    wanted: Option<&HashSet<ObjectId>>,
    index: &gix_pack::index::File,
    pack: &gix_pack::data::File,
) -> Result<(), gix::Error> {
    let mut processor = Processor {
        archive,
        sink,
        wanted,
        parser: None,
        mails: Vec::new(),
    };
    let interrupt = AtomicBool::new(false);
    index.traverse(
        pack,
        &mut gix::progress::Discard,
        &interrupt,
        move |kind, data, entry, _| {
            processor.object(kind, data, entry.oid);
            Ok(())
        },
        gix_pack::index::traverse::Options {
            traversal: gix_pack::index::traverse::Algorithm::DeltaTreeLookup,
            thread_limit: None,
            // The commit-order reader does not hash what it reads either;
            // hashing 100 MiB of pack would cost a tenth of the read.
            check: gix_pack::index::traverse::SafetyCheck::SkipFileAndObjectChecksumVerification,
            alloc_limit_bytes: None,
            make_pack_lookup_cache: || gix_pack::cache::Never,
        },
    )?;
    Ok(())
}

/// Where the traversal's threads leave the mails they parsed.
type Sink = Mutex<HashMap<ObjectId, Parsed>>;

/// Mails a thread parses before handing them to the sink at once, so
/// that the threads rarely wait for each other's lock.
const FLUSH: usize = 64;

/// One traversal thread's state: gitoxide clones the processor for each.
struct Processor<'a> {
    archive: &'a Archive,
    sink: &'a Sink,
    /// The blobs to parse; without a set, every blob.
    wanted: Option<&'a HashSet<ObjectId>>,
    /// Built on the first blob: most clones gitoxide makes see none.
    parser: Option<MailParser>,
    mails: Vec<(ObjectId, Parsed)>,
}

impl Clone for Processor<'_> {
    fn clone(&self) -> Self {
        Processor {
            archive: self.archive,
            sink: self.sink,
            wanted: self.wanted,
            parser: None,
            mails: Vec::new(),
        }
    }
}

impl Processor<'_> {
    fn object(&mut self, kind: gix::objs::Kind, data: &[u8], id: ObjectId) {
        // Commits and trees the walk and `mail_blobs` have read; blobs of
        // mail outside the selection are only inflated, as delta bases.
        if kind != gix::objs::Kind::Blob || self.wanted.is_some_and(|w| !w.contains(&id)) {
            return;
        }
        let archive = self.archive;
        let parser = self.parser.get_or_insert_with(|| archive.mail_parser());
        // As in the commit-order reader: one mail that trips a bug in a
        // parser is unreadable, and the parser starts afresh.
        let parsed = std::panic::catch_unwind(AssertUnwindSafe(|| parser.parse(data)));
        let result = match parsed {
            Ok(message) if message.unparseable => Err(Missing::NotAMail),
            Ok(message) => Ok(Box::new(message)),
            Err(_) => {
                self.parser = None;
                Err(Missing::Unreadable(
                    "the mail parser failed on this mail".into(),
                ))
            }
        };
        self.mails.push((id, result));
        if self.mails.len() >= FLUSH {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if !self.mails.is_empty() {
            let mut mails = self.sink.lock().unwrap_or_else(PoisonError::into_inner);
            mails.extend(self.mails.drain(..));
        }
    }
}

impl Drop for Processor<'_> {
    fn drop(&mut self) {
        self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readers_by_name() {
        assert_eq!("auto".parse(), Ok(Reader::Auto));
        assert_eq!("commit".parse(), Ok(Reader::CommitOrder));
        assert_eq!("pack".parse(), Ok(Reader::PackOrder));
        assert!("Pack".parse::<Reader>().is_err());
        assert!("".parse::<Reader>().is_err());
    }

    #[test]
    fn a_mail_used_twice_is_copied_then_taken() {
        let blob = ObjectId::from_hex(b"1111111111111111111111111111111111111111").unwrap();
        let absent = ObjectId::from_hex(b"2222222222222222222222222222222222222222").unwrap();
        let message = crate::mail::parse_message(b"From: a@b.example\nSubject: x\n\nbody\n");
        let mut mails = PackedMails {
            mails: HashMap::from([(blob, Ok(Box::new(message)))]),
        };
        let mut uses = HashMap::from([(blob, 2), (absent, 1)]);
        assert!(matches!(mails.take(blob, &mut uses), Some(Ok(_))));
        assert_eq!(mails.mails.len(), 1, "the first use takes a copy");
        assert!(matches!(mails.take(blob, &mut uses), Some(Ok(_))));
        assert!(mails.mails.is_empty(), "the last use takes the mail");
        // Not in the packs: left to the commit-order reader.
        assert!(mails.take(absent, &mut uses).is_none());
        assert!(mails.take(blob, &mut uses).is_none());
    }
}
