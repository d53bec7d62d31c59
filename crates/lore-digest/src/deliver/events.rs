//! `update --events FILE`: the update's events appended to a JSON Lines
//! file, all or none.
//!
//! The lines of one update go out in one append of a complete buffer, and
//! are flushed to the disk before anything else is delivered. When that
//! fails (a full disk, a file size limit, a file that cannot be written),
//! the file is cut back to the length it had, so a reader never sees part
//! of an update. When a later step fails (the mail is refused, the state
//! cannot be written), [`Appended::roll_back`] cuts the lines off again:
//! the state stays where it was, and the next run appends the same lines
//! once.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

use crate::Error;

/// Lines appended, which can still be taken back: until the update is
/// committed, a later step that fails (the mail refused, the state not
/// written) cuts them off again, so that the rerun appends them once.
#[derive(Debug)]
#[must_use = "roll back the lines when a later step fails"]
pub struct Appended {
    path: std::path::PathBuf,
    /// The file's length before the append; `None` when nothing was appended.
    before: Option<u64>,
}

impl Appended {
    /// Cuts the file back to its length before the append. A failure is
    /// ignored: the caller is already reporting the error that made it
    /// roll back, which is what the user must fix.
    pub fn roll_back(self) {
        if let Some(before) = self.before
            && let Ok(file) = OpenOptions::new().write(true).open(&self.path)
        {
            let _ = file.set_len(before).and_then(|()| file.sync_data());
        }
    }
}

/// Appends `lines` (whole lines, each ending in `\n`) to `path`, creating
/// it when missing; nothing to append leaves the file as it is. The file
/// must be this list's alone: a rollback cuts it back to its old length.
pub fn append(path: &Path, lines: &[u8]) -> Result<Appended, Error> {
    let mut appended = Appended {
        path: path.to_path_buf(),
        before: None,
    };
    if lines.is_empty() {
        return Ok(appended);
    }
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .map_err(io)?;
    let before = file.metadata().map_err(io)?.len();
    // Flushed to the disk too: a full disk may only show there.
    let written = file.write_all(lines).and_then(|()| file.sync_data());
    if let Err(error) = written {
        appended.before = Some(before);
        appended.roll_back();
        return Err(io(error));
    }
    appended.before = Some(before);
    Ok(appended)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_whole_updates_and_creates_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("events.jsonl");
        let _ = append(&path, b"{\"a\":1}\n").unwrap();
        append(&path, b"").unwrap().roll_back();
        let _ = append(&path, b"{\"b\":2}\n{\"c\":3}\n").unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n"
        );
    }

    #[test]
    fn a_rollback_takes_back_exactly_the_lines_appended() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("events.jsonl");
        let _ = append(&path, b"{\"a\":1}\n").unwrap();
        append(&path, b"{\"b\":2}\n").unwrap().roll_back();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"a\":1}\n");
    }

    #[test]
    fn a_failed_append_names_the_file_and_leaves_it() {
        let dir = tempfile::tempdir().unwrap();
        // A directory cannot be opened for writing.
        let error = append(dir.path(), b"{}\n").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with(&dir.path().display().to_string())
        );
        // /dev/full takes the open and refuses the write.
        if Path::new("/dev/full").exists() {
            let error = append(Path::new("/dev/full"), b"{}\n").unwrap_err();
            assert!(
                error.to_string().contains("No space left on device"),
                "{error}"
            );
        }
    }
}
