//! What `update` remembers between runs: where each epoch stood when the
//! last update was reported.
//!
//! The state is written only after that update's report was written out,
//! and atomically (a temporary file renamed over the old one), so a failed
//! run leaves the previous state and the next run reports the same mail
//! again rather than skipping it.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::Error;
use crate::archive::Mark;
use crate::deliver::mail::MailThread;
use crate::lock::{Lock, Wait, lock_path_for};

/// The state of one followed list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// The inbox URL it follows.
    pub url: String,
    /// When the last update was made (RFC 3339).
    pub updated: String,
    /// Each epoch's head then.
    pub epochs: Vec<EpochMark>,
    /// Message-IDs of the mails at or after each epoch's recorded head
    /// time (see `Archive::ids_at_marks`): after a history rewrite, mail is
    /// found again by time, and these are the ones already reported.
    #[serde(default)]
    pub last_ids: Vec<String>,
    /// The thread of the list's update mails (`update --mail-to`): the
    /// next one answers the last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread: Option<MailThread>,
}

/// The state of a followed group of lists (`[groups.NAME]`): each list's
/// own, in one file, so that an update of the group moves all of its
/// lists on or none.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupState {
    /// When the last update was made (RFC 3339).
    pub updated: String,
    /// Each list's state, by the list's name.
    pub lists: std::collections::BTreeMap<String, State>,
    /// The mails the group's updates reported lately, on any of its lists:
    /// a copy of one that reaches another list only after that update is
    /// not news again (each list's state keeps its place, not the
    /// Message-IDs it reported).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reported: Vec<Reported>,
    /// The thread of the group's update mails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread: Option<MailThread>,
}

/// A mail an update of a group reported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reported {
    /// Its Message-ID.
    pub id: String,
    /// When it arrived (commit time, seconds since the epoch).
    pub time: i64,
}

/// How long a group remembers a reported mail, counted back from the
/// newest one: copies of a cross-posted mail reach the lists of one
/// group within minutes or hours, and thirty days of a busy list are a
/// few thousand Message-IDs.
pub const REMEMBERED_FOR: i64 = 30 * 86_400;

/// What a group remembers after an update: the mails it remembered and
/// those it reported now (`arrivals`, Message-ID and arrival time), each
/// once, without those that arrived more than [`REMEMBERED_FOR`] before
/// the newest; oldest first.
pub fn remembered(previous: &[Reported], arrivals: Vec<(String, i64)>) -> Vec<Reported> {
    let mut all: Vec<Reported> = previous
        .iter()
        .cloned()
        .chain(arrivals.into_iter().map(|(id, time)| Reported { id, time }))
        .collect();
    let Some(newest) = all.iter().map(|r| r.time).max() else {
        return Vec::new();
    };
    all.retain(|r| r.time >= newest.saturating_sub(REMEMBERED_FOR));
    all.sort_by(|a, b| (a.time, &a.id).cmp(&(b.time, &b.id)));
    let mut seen = std::collections::HashSet::new();
    all.retain(|r| seen.insert(r.id.clone()));
    all
}

impl GroupState {
    /// Reads the state at `path`; `None` when there is none yet.
    pub fn load(path: &Path) -> Result<Option<GroupState>, Error> {
        load_json(path, "state file")
    }

    /// Writes the state to `path` atomically.
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        save_json(self, path)
    }
}

/// One epoch's head, as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpochMark {
    /// `N` of `git/N.git`.
    pub epoch: u32,
    /// The head commit (hex).
    pub head: String,
    /// Its commit time, seconds since the epoch.
    pub time: i64,
}

/// Stored heads as marks to continue from; a head that is not a commit id
/// is left out (its epoch is then taken as new).
pub fn marks_of(epochs: &[EpochMark]) -> Vec<Mark> {
    epochs
        .iter()
        .filter_map(|m| {
            Some(Mark {
                epoch: m.epoch,
                head: gix::ObjectId::from_hex(m.head.as_bytes()).ok()?,
                time: m.time,
            })
        })
        .collect()
}

impl State {
    /// Reads the state at `path`; `None` when there is none yet.
    pub fn load(path: &Path) -> Result<Option<State>, Error> {
        load_json(path, "state file")
    }

    /// Writes the state to `path` atomically.
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        save_json(self, path)
    }

    /// Locks the state at `path` for one update of `list`, waiting as
    /// `wait` says (see [`crate::lock`]): from before the state is read
    /// until the new one is written, so two updates never report the same
    /// mail. Under the lock, removes the temporary files a killed run's
    /// write of the state left, telling `note` of each.
    pub fn lock(path: &Path, list: &str, wait: Wait, note: &dyn Fn(&str)) -> Result<Lock, Error> {
        let lock = Lock::acquire_noting(
            &lock_path_for(path),
            &format!("update of {list}"),
            wait,
            note,
        )?;
        for leftover in crate::atomic::remove_stale_temp_files(path) {
            note(&format!(
                "removed {}, left by an interrupted update",
                leftover.display()
            ));
        }
        Ok(lock)
    }

    /// The marks to continue from; a head that is not a commit id is left
    /// out (its epoch is then taken as new).
    pub fn marks(&self) -> Vec<Mark> {
        marks_of(&self.epochs)
    }

    /// The state after an update that saw the archive at `marks`; the
    /// mail thread is the caller's to carry on (see `thread`).
    pub fn after(url: &str, marks: &[Mark], last_ids: Vec<String>) -> State {
        State {
            url: url.to_string(),
            updated: jiff::Timestamp::now().to_string(),
            epochs: marks
                .iter()
                .map(|m| EpochMark {
                    epoch: m.epoch,
                    head: m.head.to_string(),
                    time: m.time,
                })
                .collect(),
            last_ids,
            thread: None,
        }
    }
}

/// Reads the JSON state at `path` (`what` names it in the error); `None`
/// when there is none yet.
pub(crate) fn load_json<T: serde::de::DeserializeOwned>(
    path: &Path,
    what: &str,
) -> Result<Option<T>, Error> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(state_error(path, e.to_string())),
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| state_error(path, format!("not a lore-digest {what}: {e}")))
}

/// Writes `value` as JSON to `path` atomically, making its directory.
pub(crate) fn save_json<T: Serialize>(value: &T, path: &Path) -> Result<(), Error> {
    let fail = |e: std::io::Error| state_error(path, e.to_string());
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(fail)?;
    let mut json =
        serde_json::to_vec_pretty(value).map_err(|e| state_error(path, e.to_string()))?;
    json.push(b'\n');
    crate::atomic::write_atomically(path, &json).map_err(fail)
}

fn state_error(path: &Path, reason: String) -> Error {
    Error::State {
        path: path.to_path_buf(),
        reason,
    }
}

/// `$XDG_STATE_HOME/lore-digest/NAME.json` (`~/.local/state/…` without it).
pub fn default_state_path(list: &str) -> Option<PathBuf> {
    super::xdg_dir("XDG_STATE_HOME", ".local/state")
        .map(|d| d.join("lore-digest").join(state_file_name(list)))
}

/// `$XDG_STATE_HOME/lore-digest/groups/NAME.json`: apart from the lists'
/// own, since a list may be updated alone too.
pub fn default_group_state_path(group: &str) -> Option<PathBuf> {
    super::xdg_dir("XDG_STATE_HOME", ".local/state").map(|d| {
        d.join("lore-digest")
            .join("groups")
            .join(state_file_name(group))
    })
}

/// `LIST.json`, with anything but letters, digits, `-`, `_` and `.` made
/// `_`: a configured list may be named anything, its file may not leave
/// the directory.
fn state_file_name(list: &str) -> String {
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
    format!("{}.json", name.trim_start_matches('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_remembers_each_mail_once_for_thirty_days_before_the_newest() {
        let day = 86_400;
        let previous = [
            Reported {
                id: "old@x".into(),
                time: 0,
            },
            Reported {
                id: "kept@x".into(),
                time: 10 * day,
            },
        ];
        let arrivals = vec![
            ("new@x".to_string(), 40 * day),
            // A copy on a second list: remembered once, from its first.
            ("kept@x".to_string(), 10 * day + 60),
        ];
        let now = remembered(&previous, arrivals);
        let ids: Vec<&str> = now.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["kept@x", "new@x"]);
        assert_eq!(now[0].time, 10 * day);
        assert_eq!(remembered(&[], Vec::new()), Vec::<Reported>::new());
        // What a group without any (an older state file) reads.
        let state: GroupState = serde_json::from_str(r#"{"updated": "", "lists": {}}"#).unwrap();
        assert!(state.reported.is_empty());
    }

    #[test]
    fn state_round_trips_and_replaces_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kvm.json");
        assert_eq!(State::load(&path).unwrap(), None);
        let head = gix::ObjectId::from_hex(b"0123456789abcdef0123456789abcdef01234567").unwrap();
        let marks = [Mark {
            epoch: 2,
            head,
            time: 1_700_000_000,
        }];
        let state = State::after("https://lore.kernel.org/kvm", &marks, vec!["a@b".into()]);
        state.save(&path).unwrap();
        let loaded = State::load(&path).unwrap().unwrap();
        assert_eq!(loaded, state);
        assert_eq!(loaded.marks(), marks);
        // Only the state file is left in the directory: no temporary files.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        std::fs::write(&path, "{ not json").unwrap();
        assert!(State::load(&path).is_err());
    }

    #[test]
    fn state_file_names_stay_in_their_directory() {
        assert_eq!(state_file_name("kvm"), "kvm.json");
        assert_eq!(state_file_name("../../etc/passwd"), "_.._etc_passwd.json");
        assert_eq!(state_file_name("linux-mm"), "linux-mm.json");
    }
}
