//! What the mails of a selection add up to: patch series, threads,
//! subsystems, contributor counts, and who people are (mailmap and
//! organizations).

mod contributors;
mod identities;
mod index;
mod kinds;
mod revisions;
mod series;
mod subsystems;
mod threads;

pub use contributors::{Tally, tally, tally_people};
pub use identities::{Identities, LineError, Mailmap, OrgMap, count_organizations};
pub use index::{MessageIndex, message_index};
pub use kinds::settle_bare_cover_letters;
pub use revisions::{
    MAX_CHANGELOG_LINES, Posting, RevisionFamilies, changelog, earlier_versions, newer_version,
    revision_families, revision_key,
};
pub use series::{SeriesGroup, UNTHREADED_WINDOW_SECS, group_series};
pub use subsystems::{SubsystemCount, count_subsystems, subsystem};
pub use threads::{ThreadRoot, is_bug_report, thread_roots};
