//! Advisory file locks on shared state: a list's `update` state, a mirror,
//! a lookback cache file.
//!
//! The locks are `flock(2)` locks, taken through [`std::fs::File::lock`]
//! (stable since Rust 1.89, so no crate is needed). The kernel releases
//! such a lock when the file is closed, and it closes the files of a
//! process that dies, by SIGKILL too: a killed run never blocks the next
//! one, and there is no stale lock to detect or break. The lock file
//! itself stays where it is. Removing it would let a run that just opened
//! it and a run that creates a new one both think they hold the lock.
//!
//! While held, the file holds the holder's pid, so a run that gives up
//! can say who it waited for.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::Error;

/// How long to wait for a lock another process holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Wait {
    /// Give up at once.
    #[default]
    No,
    /// Wait until then, then give up.
    Until(Instant),
}

impl Wait {
    /// Waiting `duration` from now. Several locks taken with one `Wait`
    /// share its deadline, so a run waits that long in all.
    pub fn for_duration(duration: Duration) -> Wait {
        // Capped so that no deadline overflows the clock.
        let capped = duration.min(Duration::from_secs(100 * 365 * 86_400));
        Instant::now()
            .checked_add(capped)
            .map_or(Wait::No, Wait::Until)
    }
}

/// A lock held until it is dropped.
#[derive(Debug)]
pub struct Lock {
    file: File,
    path: PathBuf,
}

/// Why a lock was not taken.
#[derive(Debug)]
pub enum LockError {
    /// Another process held it until the wait was over.
    Busy {
        /// Its pid, when the lock file says.
        pid: Option<u32>,
    },
    /// The lock file could not be created, opened or locked.
    Io(std::io::Error),
}

impl Lock {
    /// Takes the lock `path` (created with its directory if missing). When
    /// another process holds it, waits as `wait` says and then fails with
    /// [`Error::Locked`], which names the holder as "another `what`". A lock
    /// file that cannot be made (permissions, a full disk) is [`Error::Io`].
    pub fn acquire(path: &Path, what: &str, wait: Wait) -> Result<Lock, Error> {
        Lock::try_acquire(path, wait).map_err(|e| match e {
            LockError::Busy { pid } => Error::Locked {
                what: what.to_string(),
                pid,
                path: path.to_path_buf(),
            },
            LockError::Io(source) => Error::Io {
                path: path.to_path_buf(),
                source,
            },
        })
    }

    /// [`Lock::acquire`], telling `note` once when it has to wait (so that
    /// a person at a terminal knows why nothing happens), with the text
    /// `waiting for another WHAT (pid N)`.
    pub fn acquire_noting(
        path: &Path,
        what: &str,
        wait: Wait,
        note: &dyn Fn(&str),
    ) -> Result<Lock, Error> {
        if let Wait::Until(_) = wait {
            match Lock::try_acquire(path, Wait::No) {
                Ok(lock) => return Ok(lock),
                Err(LockError::Busy { pid }) => {
                    let pid = pid.map(|p| format!(" (pid {p})")).unwrap_or_default();
                    note(&format!("waiting for another {what}{pid}"));
                }
                // Reported by the attempt below.
                Err(LockError::Io(_)) => {}
            }
        }
        Lock::acquire(path, what, wait)
    }

    /// [`Lock::acquire`] with the reason it failed as it is, for callers
    /// that go on without the lock (the lookback cache).
    pub fn try_acquire(path: &Path, wait: Wait) -> Result<Lock, LockError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(LockError::Io)?;
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(LockError::Io)?;
        // Polled rather than blocking in flock: a blocking call cannot be
        // given a deadline. Short at first, as most holders finish soon.
        let mut pause = Duration::from_millis(10);
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) => {}
                Err(TryLockError::Error(e)) => return Err(LockError::Io(e)),
            }
            let left = match wait {
                Wait::Until(deadline) => deadline.saturating_duration_since(Instant::now()),
                Wait::No => Duration::ZERO,
            };
            if left.is_zero() {
                return Err(LockError::Busy {
                    pid: holder(&mut file),
                });
            }
            std::thread::sleep(pause.min(left));
            pause = (pause * 2).min(Duration::from_millis(250));
        }
        // The pid is only a hint for messages: a failure to write it does
        // not make the lock any less held.
        let _ = file
            .set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| writeln!(file, "{}", std::process::id()));
        Ok(Lock {
            file,
            path: path.to_path_buf(),
        })
    }

    /// Who holds the lock on `path` now, if anyone (its pid, when known):
    /// `Some(None)` for a holder that has not written its pid yet.
    pub fn holder(path: &Path) -> std::io::Result<Option<Option<u32>>> {
        let mut file = match File::open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        match file.try_lock_shared() {
            Ok(()) => Ok(None),
            Err(TryLockError::WouldBlock) => Ok(Some(holder(&mut file))),
            Err(TryLockError::Error(e)) => Err(e),
        }
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // The pid goes before the lock does (closing the file releases it),
        // so no later reader takes it for a live holder.
        let _ = self.file.set_len(0);
    }
}

/// The pid a lock file holds, if it is readable.
fn holder(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.rewind().ok()?;
    file.take(32).read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

/// The lock file that guards `path`: `path` with `.lock` appended.
pub fn lock_path_for(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(".lock");
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_lock_is_refused_until_released() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/kvm.json.lock");
        let first = Lock::acquire(&path, "update of kvm", Wait::No).unwrap();
        assert_eq!(Lock::holder(&path).unwrap(), Some(Some(std::process::id())));
        // flock locks belong to an open file, so a second one in this
        // process conflicts as another process would.
        let started = Instant::now();
        let refused = Lock::acquire(
            &path,
            "update of kvm",
            Wait::for_duration(Duration::from_millis(200)),
        )
        .unwrap_err();
        assert!(started.elapsed() >= Duration::from_millis(200));
        assert_eq!(
            refused.to_string(),
            format!(
                "another update of kvm is running (pid {})",
                std::process::id()
            )
        );
        assert!(matches!(refused, Error::Locked { .. }));
        drop(first);
        assert_eq!(Lock::holder(&path).unwrap(), None);
        let again = Lock::acquire(&path, "update of kvm", Wait::No).unwrap();
        assert_eq!(again.path(), path);
    }

    #[test]
    fn a_waiting_lock_is_taken_when_the_holder_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mirror.lock");
        let first = Lock::acquire(&path, "sync", Wait::No).unwrap();
        let releaser = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            drop(first);
        });
        let second = Lock::acquire(&path, "sync", Wait::for_duration(Duration::from_secs(10)));
        assert!(second.is_ok());
        releaser.join().unwrap();
    }

    #[test]
    fn an_unwritable_lock_file_is_a_local_error() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, b"").unwrap();
        let refused = Lock::acquire(&blocker.join("x.lock"), "sync", Wait::No).unwrap_err();
        assert!(matches!(refused, Error::Io { .. }), "{refused}");
        assert_eq!(
            lock_path_for(Path::new("a/kvm.json")),
            Path::new("a/kvm.json.lock")
        );
    }
}
