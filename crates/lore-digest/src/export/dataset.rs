//! A Hive-partitioned Parquet dataset of many lists, grown run by run, for
//! DuckDB and Spark: `DIR/list=kvm/year=2025/part-….parquet`.
//!
//! Each run adds, per list, the mail that arrived since its last run: the
//! [`Selection::Between`] the list's state and the archive's heads when
//! the run began, as `update` continues from its state. The part files are
//! written first (each to a temporary name, renamed when complete), the
//! list's state after them. A part file carries its run's number in its
//! name, so a run that failed or was killed before its state was written
//! leaves files the next run can tell from the rest (their number is past
//! the state's) and removes before it adds that mail again: no mail is
//! skipped, none is there twice once the next run is done.
//!
//! What is not data starts with `_` or `.` (the state and lock under
//! `DIR/_lore_digest/`, temporary files), which Spark and Hive readers
//! skip; a `DIR/**/*.parquet` glob (DuckDB) does not match it either.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::MessageRecord;
use crate::Error;
use crate::analysis::Identities;
use crate::archive::{Archive, ArchiveKind, Mark, Selection};
use crate::lists::EpochMark;
use crate::lock::{Lock, Wait};

/// The directory of the dataset's own files, beside the partitions.
const META_DIR: &str = "_lore_digest";

/// The partition value of a mail whose arrival is not a time in the years
/// -9999..=9999: Hive's name for a null value, which DuckDB and Spark read
/// as NULL.
const NULL_PARTITION: &str = "__HIVE_DEFAULT_PARTITION__";

/// An open dataset, locked against other runs until dropped.
pub struct Dataset {
    dir: PathBuf,
    _lock: Lock,
}

/// What one run added for one list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Added {
    /// The list's partition name (`list=NAME`).
    pub list: String,
    /// The run's number for this list (1 for the first).
    pub run: u64,
    /// Records written.
    pub rows: usize,
    /// The part files written, one per year.
    pub files: Vec<PathBuf>,
    /// Selected commits that held no readable mail (they have no record).
    pub missing: usize,
    /// The list's records in the dataset after this run.
    pub total: u64,
}

/// What the dataset remembers of one list between runs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
struct ListState {
    /// The list's partition name.
    list: String,
    /// The archive it was read from last.
    source: String,
    /// The last run whose files are in the dataset; later-numbered part
    /// files are a failed run's.
    run: u64,
    /// When that run was made (RFC 3339).
    updated: String,
    /// Each epoch's head then.
    epochs: Vec<EpochMark>,
    /// Message-IDs of the mails at or after each epoch's head time (see
    /// `Archive::ids_at_marks`): after a history rewrite, mail is taken
    /// again from that time on, and these are already in the dataset.
    last_ids: Vec<String>,
    /// The list's records in the dataset.
    rows: u64,
}

/// A list's name as a partition value: letters, digits, `-`, `_` and `.`
/// are kept, anything else (`/`, `=`, spaces) becomes `_`, and a leading
/// `_` or `.` goes, since readers skip such directories. Empty: `list`.
pub fn partition_name(list: &str) -> String {
    let name: String = list
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let name = name.trim_start_matches(['_', '.']);
    if name.is_empty() {
        "list".to_string()
    } else {
        name.to_string()
    }
}

impl Dataset {
    /// Opens (creating) the dataset at `dir` and takes its lock, waiting as
    /// `wait` says: one run at a time adds to a dataset.
    pub fn open(dir: &Path, wait: Wait, note: &dyn Fn(&str)) -> Result<Dataset, Error> {
        let lock = Lock::acquire_noting(
            &dir.join(META_DIR).join("lock"),
            &format!("export to {}", dir.display()),
            wait,
            note,
        )?;
        Ok(Dataset {
            dir: dir.to_path_buf(),
            _lock: lock,
        })
    }

    /// The dataset's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Adds to the partition `list=NAME` (`name` as [`partition_name`]
    /// makes it) the mail of `archive` that arrived since the list's last
    /// run, all of its history on the first. Files a failed run left are
    /// removed first, telling `note` of each.
    pub fn add(
        &self,
        name: &str,
        archive: &Archive,
        identities: &Identities,
        note: &dyn Fn(&str),
    ) -> Result<Added, Error> {
        check_source(archive)?;
        let list = partition_name(name);
        let state_path = self.dir.join(META_DIR).join(format!("{list}.json"));
        let state = load_state(&state_path)?.unwrap_or_default();
        let partition = self.dir.join(format!("list={list}"));
        for removed in remove_failed_runs(&partition, state.run)? {
            note(&format!(
                "removed {}, left by an interrupted export",
                removed.display()
            ));
        }
        for leftover in crate::atomic::remove_stale_temp_files(&state_path) {
            note(&format!(
                "removed {}, left by an interrupted export",
                leftover.display()
            ));
        }
        let after = crate::lists::marks_of(&state.epochs);
        // Where the archive stands now is where this run stops, whatever
        // arrives while it reads.
        let upto = archive.marks()?;
        let (mut records, missing) = if after == upto {
            (Vec::new(), 0)
        } else {
            let selection = Selection::Between {
                after: after.clone(),
                upto: upto.clone(),
            };
            match super::records(archive, &selection, identities) {
                Ok(found) => found,
                Err(Error::EmptySelection(_)) => (Vec::new(), 0),
                Err(e) => return Err(e),
            }
        };
        // An epoch rewritten since (a purge) is taken again from its old
        // head's time on; what of that is in the dataset already stays out.
        let rewritten = rewritten_epochs(archive, &after, &upto)?;
        if !rewritten.is_empty() {
            let known: HashSet<&str> = state.last_ids.iter().map(String::as_str).collect();
            records.retain(|r| {
                !rewritten.contains(&r.epoch)
                    || r.message_id.as_deref().is_none_or(|id| !known.contains(id))
            });
        }
        let run = state.run + 1;
        let stamp = jiff::Timestamp::now()
            .strftime("%Y%m%dT%H%M%SZ")
            .to_string();
        let mut files = Vec::new();
        let rows = records.len();
        for (n, (year, group)) in by_year(records).into_iter().enumerate() {
            let dir = partition.join(format!("year={year}"));
            let path = dir.join(format!("part-{run:06}-{stamp}-{n}.parquet"));
            write_part(&path, &group)?;
            files.push(path);
        }
        // Only now that the files are there does the list move on.
        let next = ListState {
            list: list.clone(),
            source: archive.path().display().to_string(),
            run,
            updated: jiff::Timestamp::now().to_string(),
            epochs: upto
                .iter()
                .map(|m| EpochMark {
                    epoch: m.epoch,
                    head: m.head.to_string(),
                    time: m.time,
                })
                .collect(),
            last_ids: archive.ids_at_marks(&upto)?,
            rows: state.rows + rows as u64,
        };
        save_state(&state_path, &next)?;
        Ok(Added {
            list,
            run,
            rows,
            files,
            missing,
            total: next.rows,
        })
    }
}

/// Refuses an archive a dataset cannot grow from: an mbox or Maildir has
/// no commits to continue from.
pub fn check_source(archive: &Archive) -> Result<(), Error> {
    if matches!(archive.kind(), ArchiveKind::Mbox | ArchiveKind::Maildir) {
        return Err(Error::Unsupported(format!(
            "{}: a dataset grows by the commits that arrive; an mbox or Maildir has none (import it into a public-inbox archive, or use `export --format parquet`)",
            archive.path().display()
        )));
    }
    Ok(())
}

/// The epoch numbers whose head in `after` is not in the history of their
/// head in `upto`.
fn rewritten_epochs(archive: &Archive, after: &[Mark], upto: &[Mark]) -> Result<Vec<u32>, Error> {
    let mut rewritten = Vec::new();
    for mark in after {
        let Some(index) = archive.epochs().iter().position(|e| e.number == mark.epoch) else {
            continue;
        };
        let Some(head) = upto.iter().find(|m| m.epoch == mark.epoch) else {
            continue;
        };
        if head.head != mark.head && !archive.reaches(index, head.head, mark)? {
            rewritten.push(mark.epoch);
        }
    }
    Ok(rewritten)
}

/// The records by their arrival's year (UTC), each year's oldest first.
fn by_year(records: Vec<MessageRecord>) -> BTreeMap<String, Vec<MessageRecord>> {
    let mut years: BTreeMap<String, Vec<MessageRecord>> = BTreeMap::new();
    for record in records {
        let year = record
            .arrived
            .as_deref()
            .and_then(|t| t.parse::<jiff::Timestamp>().ok())
            .map_or_else(
                || NULL_PARTITION.to_string(),
                |t| t.to_zoned(jiff::tz::TimeZone::UTC).year().to_string(),
            );
        years.entry(year).or_default().push(record);
    }
    years
}

fn write_part(path: &Path, records: &[MessageRecord]) -> Result<(), Error> {
    let io = |source: std::io::Error| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut bytes = Vec::new();
    super::write_parquet(records, &mut bytes).map_err(|e| io(std::io::Error::other(e)))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    crate::atomic::write_atomically(path, &bytes).map_err(io)
}

/// The run number of a part file's name, `part-RUN-…`.
fn part_run(name: &str) -> Option<u64> {
    let rest = name.strip_prefix("part-")?.strip_suffix(".parquet")?;
    rest.split('-').next()?.parse().ok()
}

/// Removes the part files of runs after `run` (runs that failed before
/// their state was written) and the temporary files of killed writes from
/// the year directories of `partition`, and the directories that leaves
/// empty. Other files are left alone.
fn remove_failed_runs(partition: &Path, run: u64) -> Result<Vec<PathBuf>, Error> {
    let io = |path: &Path, source: std::io::Error| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let years = match std::fs::read_dir(partition) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io(partition, e)),
    };
    let mut removed = Vec::new();
    for year in years.flatten() {
        let dir = year.path();
        if !year.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let entries = std::fs::read_dir(&dir).map_err(|e| io(&dir, e))?;
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            // `.part-….parquet.XXXXXX.tmp`, as `atomic` names them.
            let temporary = name.starts_with(".part-") && name.ends_with(".tmp");
            let failed = part_run(&name).is_some_and(|r| r > run);
            if (temporary || failed) && entry.file_type().is_ok_and(|t| t.is_file()) {
                let path = entry.path();
                std::fs::remove_file(&path).map_err(|e| io(&path, e))?;
                removed.push(path);
            }
        }
        // Only an empty directory goes.
        let _ = std::fs::remove_dir(&dir);
    }
    removed.sort();
    Ok(removed)
}

fn load_state(path: &Path) -> Result<Option<ListState>, Error> {
    crate::lists::load_json(path, "dataset state")
}

fn save_state(path: &Path, state: &ListState) -> Result<(), Error> {
    crate::lists::save_json(state, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_names_are_safe_directory_names() {
        assert_eq!(partition_name("kvm"), "kvm");
        assert_eq!(partition_name("linux-hyperv"), "linux-hyperv");
        assert_eq!(partition_name("a=b/c d"), "a_b_c_d");
        assert_eq!(partition_name("_hidden"), "hidden");
        assert_eq!(partition_name("../x"), "x");
        assert_eq!(partition_name(""), "list");
    }

    #[test]
    fn failed_runs_files_are_told_from_the_rest() {
        assert_eq!(part_run("part-000003-20250601T120000Z-0.parquet"), Some(3));
        assert_eq!(part_run("part-12-x-1.parquet"), Some(12));
        assert_eq!(part_run("part-x-1.parquet"), None);
        assert_eq!(part_run("mine.parquet"), None);
        let dir = tempfile::tempdir().unwrap();
        let year = dir.path().join("year=2025");
        std::fs::create_dir_all(&year).unwrap();
        for name in [
            "part-000001-a-0.parquet",
            "part-000002-b-0.parquet",
            ".part-000002-b-1.parquet.AbC123.tmp",
            "notes.txt",
        ] {
            std::fs::write(year.join(name), b"x").unwrap();
        }
        let empty = dir.path().join("year=2024");
        std::fs::create_dir_all(&empty).unwrap();
        std::fs::write(empty.join("part-000002-b-1.parquet"), b"x").unwrap();
        let removed = remove_failed_runs(dir.path(), 1).unwrap();
        assert_eq!(removed.len(), 3, "{removed:?}");
        let mut left: Vec<_> = std::fs::read_dir(&year)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(left, ["notes.txt", "part-000001-a-0.parquet"]);
        assert!(!empty.exists());
        assert!(
            remove_failed_runs(&dir.path().join("none"), 0)
                .unwrap()
                .is_empty()
        );
    }
}
