//! What an archive held before a selection, known without reading mails.
//!
//! public-inbox writes each mail's `Subject` as the commit message and its
//! `From` as the commit author, so the subjects of a whole archive can be
//! indexed from commit objects alone, which the walk decodes anyway. Mail
//! blobs, many times larger, are read only for the few commits a report
//! then asks about.

use std::collections::HashSet;

use gix::ObjectId;

use super::select::WalkPlan;
use super::{Archive, SelectedCommit};
use crate::Error;
use crate::mail::{PatchTag, SubjectKind, parse_subject};

/// A patch mail outside the selection, as its commit records it.
#[derive(Clone, Debug)]
pub struct IndexedPatch {
    /// The commit that added it.
    pub commit: SelectedCommit,
    /// The subject's title (tag removed).
    pub title: String,
    /// The subject's patch tag.
    pub tag: PatchTag,
    /// The commit author's lower-cased address: the mail's `From`.
    pub sender: String,
}

impl Archive {
    /// The cover letters and first patches (the mails a series is known by)
    /// of every epoch that arrived at or after `since` and before `before`,
    /// leaving out the commits in `skip`. Only commit objects are read.
    pub fn index_series_starts(
        &self,
        since: Option<i64>,
        before: i64,
        skip: &HashSet<ObjectId>,
    ) -> Result<Vec<IndexedPatch>, Error> {
        let mut found = Vec::new();
        for epoch in 0..self.epochs.len() {
            let Some(tip) = self.head(epoch)? else {
                continue;
            };
            let plan = WalkPlan {
                epoch,
                tip,
                hidden: None,
                since,
                until: None,
            };
            self.walk(&plan, &mut |commit, data| {
                if commit.time < before
                    && !skip.contains(&commit.id)
                    && let Some(patch) = series_start(commit, data)
                {
                    found.push(patch);
                }
                true
            })?;
        }
        Ok(found)
    }
}

/// The commit as an [`IndexedPatch`] when its subject opens a series.
fn series_start(commit: SelectedCommit, data: &[u8]) -> Option<IndexedPatch> {
    let commit_object = || gix::objs::CommitRefIter::from_bytes(data, commit.id.kind());
    let message = commit_object().message().ok()?;
    // Cheap test first: nearly all subjects without a bracket are replies.
    memchr::memchr(b'[', message)?;
    let subject = parse_subject(&String::from_utf8_lossy(message));
    let SubjectKind::Patch(tag) = subject.kind else {
        return None;
    };
    if !matches!(tag.index, None | Some(0) | Some(1)) {
        return None;
    }
    let sender = commit_object()
        .author()
        .map(|a| a.email.to_string().to_lowercase())
        .unwrap_or_default();
    Some(IndexedPatch {
        commit,
        title: subject.title,
        tag,
        sender,
    })
}
