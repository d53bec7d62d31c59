//! Writing files so that a reader sees the old content or the new, never a
//! part: reports, the state of `update`, the lookback cache.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// The temporary files being written now. A signal handler calls
/// [`remove_pending_files`] before the process ends, so that an interrupted
/// run leaves no temporary file behind. A file is added when it is created
/// and taken out when it is renamed into place or removed, both under the
/// lock, so the handler sees every temporary file that exists.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn pending() -> MutexGuard<'static, Vec<PathBuf>> {
    PENDING.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Removes the temporary files of writes still under way: for a handler of
/// SIGINT/SIGTERM that is about to end the process. The files they would
/// have replaced stay as they were. Later writes of this process can still
/// register new files; the handler is expected to exit right after.
pub fn remove_pending_files() {
    remove_files(&mut pending());
}

fn remove_files(paths: &mut Vec<PathBuf>) {
    for path in paths.drain(..) {
        let _ = std::fs::remove_file(path);
    }
}

/// Writes `bytes` to a temporary file beside `path`, flushes it to disk and
/// renames it over `path`. The file keeps the mode of the one it replaces
/// (0644 for a new one). A device or pipe (`/dev/null`, a FIFO) is written
/// to instead: renaming over it would put a regular file in its place.
///
/// On any error (a full disk, a file size limit) the temporary file is
/// removed and `path` is left as it was.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomically_with(path, |out| out.write_all(bytes))
}

/// [`write_atomically`] for content made while it is written (a report
/// streamed by its renderer), so it is never held whole in memory. When
/// `write` fails, `path` is left as it was.
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        let mut file = std::io::BufWriter::new(std::fs::OpenOptions::new().write(true).open(path)?);
        write(&mut file)?;
        return file.flush();
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // A temporary file is private (0600) unless told otherwise. Its name
    // says whose it is, so that a later run can tell a killed write's
    // leftover from anything else (see `remove_stale_temp_files`).
    let mut builder = tempfile::Builder::new();
    let prefix = temp_prefix(path);
    builder.prefix(&prefix).suffix(TEMP_SUFFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode() & 0o7777);
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    let file = {
        let mut pending = pending();
        let file = builder.tempfile_in(dir)?;
        pending.push(file.path().to_path_buf());
        file
    };
    let temp_path = file.path().to_path_buf();
    // On an error the writer and its temporary file are dropped inside,
    // which removes the file (before it leaves the list: harmless).
    let written = write_and_sync(file, write);
    let mut pending = pending();
    // Renamed (or, when the rename fails, removed with the file handed
    // back) while the handler cannot look.
    let result = written.and_then(|file| file.persist(path).map(drop).map_err(|e| e.error));
    pending.retain(|p| *p != temp_path);
    result
}

/// Temporary files are `.NAME.XXXXXX.tmp` beside `NAME`.
const TEMP_SUFFIX: &str = ".tmp";

fn temp_prefix(path: &Path) -> String {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    format!(".{name}.")
}

/// Removes the temporary files that writes of `path` left beside it when
/// the process was killed (SIGKILL, a power cut: no handler ran), and
/// returns them. Files this process is writing now are left alone, but
/// another process's are not: call it only under a lock that covers
/// `path` (the `update` state's, a cache file's).
pub fn remove_stale_temp_files(path: &Path) -> Vec<PathBuf> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let prefix = temp_prefix(path);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let pending = pending();
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(random) = name
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(TEMP_SUFFIX))
        else {
            continue;
        };
        // tempfile's six random characters, nothing else.
        let ours = random.len() == 6 && random.chars().all(|c| c.is_ascii_alphanumeric());
        let path = entry.path();
        if ours
            && entry.file_type().is_ok_and(|t| t.is_file())
            && !pending.contains(&path)
            && std::fs::remove_file(&path).is_ok()
        {
            removed.push(path);
        }
    }
    removed.sort();
    removed
}

/// Writes through a buffer, then flushes the file to disk.
fn write_and_sync(
    file: tempfile::NamedTempFile,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<tempfile::NamedTempFile> {
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, file);
    write(&mut buffered)?;
    let file = buffered.into_inner().map_err(|e| e.into_error())?;
    file.as_file().sync_all()?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// None of `dir`'s files is registered as under way. (Other tests of
    /// this process may be writing elsewhere meanwhile: the list is the
    /// whole process's.)
    fn none_pending_in(dir: &Path) -> bool {
        !pending().iter().any(|p| p.starts_with(dir))
    }

    #[test]
    fn replaces_cleans_up_and_removes_pending_files() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.txt");
        write_atomically(&target, b"one").unwrap();
        write_atomically(&target, b"two").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"two");
        assert!(none_pending_in(dir.path()));
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["out.txt"]);
        // A directory in the way: an error, and no temporary file is left.
        let blocked = dir.path().join("sub");
        std::fs::create_dir(&blocked).unwrap();
        assert!(write_atomically(&blocked, b"x").is_err());
        assert!(none_pending_in(dir.path()));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
        // A write that fails halfway (a full disk) leaves nothing either.
        let failed = write_atomically_with(&target, |out| {
            out.write_all(b"half")?;
            Err(std::io::Error::other("disk full"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read(&target).unwrap(), b"two");
        assert!(none_pending_in(dir.path()));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);

        // A killed write's leftover goes; other dot files stay.
        let leftover = dir.path().join(".out.txt.a1B2c3.tmp");
        let other = dir.path().join(".out.txt.notes");
        std::fs::write(&leftover, b"half").unwrap();
        std::fs::write(&other, b"mine").unwrap();
        assert_eq!(remove_stale_temp_files(&target), vec![leftover.clone()]);
        assert!(!leftover.exists() && other.exists());
        std::fs::remove_file(&other).unwrap();

        // What the signal handler does, on a list of its own (the process's
        // list holds other tests' files under way).
        let stray = dir.path().join(".tmpXYZ");
        std::fs::write(&stray, b"half").unwrap();
        let mut list = vec![stray.clone()];
        remove_files(&mut list);
        assert!(!stray.exists());
        assert!(list.is_empty());
    }
}
