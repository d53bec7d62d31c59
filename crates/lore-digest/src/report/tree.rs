//! `--tree`: which patches of the selection an upstream git tree applied,
//! by the rules of [`crate::upstream`], as `applied` evidence for the
//! status of their series.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::Error;
use crate::archive::{Archive, MailRecord};
use crate::mail::{Person, SubjectKind};
use crate::status::Applied;
use crate::upstream::{PatchQuery, PostedPatch, TreeIndex, posted_patch};

/// An upstream tree to look for applied patches in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TreeSource {
    /// The git repository (bare or not).
    pub path: PathBuf,
    /// `A..B` or `B`; `None`: the tree's `HEAD`, back to the selection's
    /// first mail.
    pub range: Option<String>,
}

/// A day of slack before the first mail: a committer's clock may be behind
/// the list server's.
const CLOCK_SLACK: i64 = 86_400;

/// What the tree says of each patch mail of `mails`, by Message-ID (the
/// patches it applied only), and how many tree commits were read.
pub(super) fn tree_evidence(
    archive: &Archive,
    mails: &[MailRecord],
    source: &TreeSource,
    timestamp: &dyn Fn(i64) -> String,
) -> Result<(HashMap<String, Applied>, usize), Error> {
    let patches: Vec<&MailRecord> = mails
        .iter()
        .filter(
            |m| matches!(&m.message.subject.kind, SubjectKind::Patch(t) if !t.is_cover_letter()),
        )
        .filter(|m| m.message.message_id.is_some())
        .collect();
    let since = mails
        .iter()
        .map(|m| m.commit.time)
        .min()
        .map(|t| t.saturating_sub(CLOCK_SLACK));
    let index = TreeIndex::open(&source.path, source.range.as_deref(), since)?;
    if patches.is_empty() {
        return Ok((HashMap::new(), index.commits().len()));
    }
    // The diffs, for patch ids: read again, as the parsed mails keep no body.
    let commits: Vec<_> = patches.iter().map(|m| m.commit).collect();
    let parser = mail_parser::MessageParser::default();
    let posted: Vec<Option<PostedPatch>> = archive
        .read_raw(&commits)
        .into_iter()
        .map(|raw| {
            let raw = raw?;
            let parsed = parser.parse(&raw)?;
            posted_patch(&parsed.body_text(0)?)
        })
        .collect();
    let queries: Vec<PatchQuery<'_>> = patches
        .iter()
        .zip(&posted)
        .map(|(mail, patch)| PatchQuery {
            message_id: mail.message.message_id.as_deref(),
            patch: patch.as_ref(),
            subject: &mail.message.subject.title,
            author_email: mail
                .message
                .author
                .as_ref()
                .map_or("", |a| a.email.as_str()),
        })
        .collect();
    let found = index.find_applied(&queries)?;
    let tree_name = source
        .path
        .file_name()
        .map(|n| n.to_string_lossy().trim_end_matches(".git").to_string())
        .filter(|n| !n.is_empty());
    let mut applied = HashMap::new();
    for (mail, found) in patches.iter().zip(found) {
        let (Some(found), Some(id)) = (found, mail.message.message_id.as_ref()) else {
            continue;
        };
        let commit = found.commit;
        applied.insert(
            id.clone(),
            Applied {
                commit: Some(commit.id.to_string()),
                tree: tree_name.clone(),
                branch: source.range.clone(),
                by: Some(Person::new(&commit.committer_name, &commit.committer_email)),
                date: Some(timestamp(commit.time)),
                message_id: None,
                url: None,
                rule: found.rule.name().to_string(),
            },
        );
    }
    Ok((applied, index.commits().len()))
}
