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
        let results: Vec<Result<Message, Missing>> = commits
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
        for (commit, result) in commits.iter().zip(results) {
            match result {
                Ok(message) => outcome.mails.push(MailRecord {
                    commit: *commit,
                    message,
                }),
                Err(missing) => outcome.missing.push((*commit, missing)),
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
    fn read(&mut self, archive: &Archive, commit: &SelectedCommit) -> Result<Message, Missing> {
        if self.repos.len() <= commit.epoch {
            self.repos.resize_with(commit.epoch + 1, || None);
        }
        let repo =
            self.repos[commit.epoch].get_or_insert_with(|| archive.epochs[commit.epoch].repo());
        let unreadable =
            |what: &str, e: &dyn std::fmt::Display| Missing::Unreadable(format!("{what}: {e}"));
        let tree_id = {
            let object = repo
                .find_object(commit.id)
                .map_err(|e| unreadable("commit", &e))?;
            let commit_obj = object
                .try_into_commit()
                .map_err(|e| unreadable("commit", &e))?;
            commit_obj
                .tree_id()
                .map_err(|e| unreadable("commit", &e))?
                .detach()
        };
        let tree = repo
            .find_tree(tree_id)
            .map_err(|e| unreadable("tree", &e))?;
        let blob_id = tree
            .find_entry("m")
            .ok_or(Missing::NoMailBlob)?
            .oid()
            .to_owned();
        let blob = repo
            .find_blob(blob_id)
            .map_err(|e| unreadable("blob m", &e))?;
        Ok(self.parser.parse(&blob.data))
    }
}
