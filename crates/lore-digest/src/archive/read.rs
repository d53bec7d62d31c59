use rayon::prelude::*;

use super::{Archive, SelectedCommit};
use crate::mail::{MailParser, Message};

/// A mail read from the archive, with the commit that added it.
#[derive(Clone, Debug)]
pub struct MailRecord {
    /// The commit that added the mail; its time is the arrival time.
    pub commit: SelectedCommit,
    /// The parsed mail.
    pub message: Message,
}

/// Why a selected commit gave no mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Missing {
    /// The commit's tree has no `m`: public-inbox writes `d` for a deletion,
    /// and purged mail leaves nothing.
    NoMailBlob,
    /// The blob `m` holds no header block: empty, or not a mail at all.
    NotAMail,
    /// An object (commit, tree or blob) is not in the repository, or could
    /// not be decoded.
    Unreadable(String),
}

/// Everything read from a selection: the mails, and the commits that gave none.
#[derive(Debug, Default)]
pub struct ReadOutcome {
    /// Mails in selection order (oldest first).
    pub mails: Vec<MailRecord>,
    /// Commits without a readable mail, in selection order.
    pub missing: Vec<(SelectedCommit, Missing)>,
}

impl Archive {
    /// Reads and parses the mails of `commits` in parallel, keeping their
    /// order. A commit without a readable mail is recorded, never fatal.
    pub fn read_mails(&self, commits: &[SelectedCommit]) -> ReadOutcome {
        let results: Vec<(i64, Result<Message, Missing>)> = commits
            .par_iter()
            .map_init(
                || ThreadState {
                    parser: MailParser::default(),
                    repos: Vec::new(),
                },
                |state, commit| state.read(self, commit),
            )
            .collect();
        let mut outcome = ReadOutcome::default();
        for (commit, (time, result)) in commits.iter().zip(results) {
            let commit = SelectedCommit { time, ..*commit };
            match result {
                Ok(message) => outcome.mails.push(MailRecord { commit, message }),
                Err(missing) => outcome.missing.push((commit, missing)),
            }
        }
        outcome
    }
}

/// What each worker thread keeps between mails: gitoxide repositories are
/// not shared between threads, and the parser is built once.
struct ThreadState {
    parser: MailParser,
    repos: Vec<Option<gix::Repository>>,
}

impl ThreadState {
    /// Reads one commit's mail, returning the commit time with it.
    fn read(&mut self, archive: &Archive, commit: &SelectedCommit) -> (i64, Result<Message, Missing>) {
        if self.repos.len() <= commit.epoch {
            self.repos.resize_with(commit.epoch + 1, || None);
        }
        let repo = self.repos[commit.epoch].get_or_insert_with(|| archive.epochs[commit.epoch].repo());
        let unreadable = |what: &str, e: &dyn std::fmt::Display| Missing::Unreadable(format!("{what}: {e}"));
        let (time, tree_id) = match repo.find_commit(commit.id) {
            Ok(object) => {
                let time = object.committer().ok().and_then(|c| seconds(c.time)).unwrap_or(commit.time);
                match object.tree_id() {
                    Ok(tree) => (time, tree.detach()),
                    Err(e) => return (time, Err(unreadable("commit", &e))),
                }
            }
            Err(e) => return (commit.time, Err(unreadable("commit", &e))),
        };
        let result = (|| {
            let tree = repo.find_tree(tree_id).map_err(|e| unreadable("tree", &e))?;
            let blob_id = tree.find_entry("m").ok_or(Missing::NoMailBlob)?.oid().to_owned();
            let blob = repo.find_blob(blob_id).map_err(|e| unreadable("blob m", &e))?;
            let message = self.parser.parse(&blob.data);
            if message.unparseable {
                return Err(Missing::NotAMail);
            }
            Ok(message)
        })();
        (time, result)
    }
}

/// The seconds of a raw git signature time (`1715000000 +0200`). Read by
/// hand because the offset is not needed and may be invalid.
fn seconds(raw_time: &str) -> Option<i64> {
    raw_time.split_whitespace().next()?.parse().ok()
}
