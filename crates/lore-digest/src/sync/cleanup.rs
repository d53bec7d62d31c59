//! What a killed sync leaves in a mirror, removed by the next one.
//!
//! Only a sync that holds the mirror's lock calls these, so nothing found
//! is still being written: it is all left by a run that died (SIGKILL, a
//! power cut) before it could tidy up. None of it makes the mirror wrong
//! to read, but some would make the next fetch fail (a ref's `.lock`
//! file), and the rest takes space.

use std::path::{Path, PathBuf};

/// Removes half-done first clones, `git/N.git.partial`; returns the names
/// of those removed.
pub(super) fn partial_clones(git_dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(git_dir) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".git.partial") && std::fs::remove_dir_all(entry.path()).is_ok() {
            removed.push(name);
        }
    }
    removed.sort();
    removed
}

/// Removes what an interrupted fetch leaves in the epoch repository
/// `repo`: lock files of refs, `packed-refs`, `shallow`, `HEAD` or
/// `config` (which would make the next fetch fail), temporary pack files,
/// a pack whose index was never written, and `.keep` files of packs.
/// Returns the paths removed, relative to `repo`.
pub(super) fn interrupted_fetch(repo: &Path) -> Vec<PathBuf> {
    let mut doomed = Vec::new();
    for name in ["HEAD", "config", "packed-refs", "shallow", "FETCH_HEAD"] {
        let lock = repo.join(format!("{name}.lock"));
        if lock.is_file() {
            doomed.push(lock);
        }
    }
    ref_locks(&repo.join("refs"), &mut doomed, 0);
    let pack_dir = repo.join("objects").join("pack");
    if let Ok(entries) = std::fs::read_dir(&pack_dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let orphan_pack = name.ends_with(".pack") && !path.with_extension("idx").exists();
            if name.starts_with(".tmp") || name.ends_with(".keep") || orphan_pack {
                doomed.push(path);
            }
        }
    }
    let mut removed = Vec::new();
    for path in doomed {
        if std::fs::remove_file(&path).is_ok() {
            removed.push(path.strip_prefix(repo).unwrap_or(&path).to_path_buf());
        }
    }
    removed.sort();
    removed
}

/// `*.lock` files under `refs/`, to a depth no ref namespace exceeds.
fn ref_locks(dir: &Path, found: &mut Vec<PathBuf>, depth: usize) {
    if depth > 16 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => ref_locks(&path, found, depth + 1),
            Ok(t) if t.is_file() && path.extension().is_some_and(|e| e == "lock") => {
                found.push(path)
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftovers_of_a_killed_fetch_go_and_the_repository_stays() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("0.git");
        for d in ["refs/heads", "objects/pack"] {
            std::fs::create_dir_all(repo.join(d)).unwrap();
        }
        for f in [
            "HEAD",
            "shallow.lock",
            "refs/heads/master",
            "refs/heads/master.lock",
            "objects/pack/pack-a.pack",
            "objects/pack/pack-a.idx",
            "objects/pack/pack-b.pack",
            "objects/pack/pack-a.keep",
            "objects/pack/.tmpXYZ",
        ] {
            std::fs::write(repo.join(f), b"").unwrap();
        }
        let removed = interrupted_fetch(&repo);
        let removed: Vec<_> = removed.iter().map(|p| p.to_string_lossy()).collect();
        assert_eq!(
            removed,
            [
                "objects/pack/.tmpXYZ",
                "objects/pack/pack-a.keep",
                "objects/pack/pack-b.pack",
                "refs/heads/master.lock",
                "shallow.lock",
            ]
        );
        assert!(repo.join("refs/heads/master").exists());
        assert!(repo.join("objects/pack/pack-a.pack").exists());

        std::fs::create_dir_all(dir.path().join("1.git.partial/objects")).unwrap();
        assert_eq!(partial_clones(dir.path()), ["1.git.partial"]);
        assert!(!dir.path().join("1.git.partial").exists());
        assert!(repo.exists());
    }
}
