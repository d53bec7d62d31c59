//! The report model and how it is built from an archive selection.
//!
//! [`Report`] is the contract between analysis and rendering: renderers
//! read it and never look at mail again. It serializes to the JSON format
//! documented in the README.

mod build;
mod links;
mod model;
mod sections;
mod sources;
mod status;
mod threads;
mod tree;
mod watch;

pub use build::{
    CommitMessages, Lookback, Options, build, build_lists, build_lists_with_arrivals, from_mails,
};
pub(crate) use build::{build_with_span, timestamp};
pub use links::message_url;
pub use model::{
    Change, CompareBasis, Comparison, ContributorCount, DayCount, DomainCount, Figures,
    GivenTrailer, ListPart, MedianChange, MissedCc, OrganizationCount, PatchMail, PatchRef,
    PatchesMissing, RankChange, RankChanges, Report, ReviewLine, SectionCount, SectionQueue,
    Series, Span, Stats, StatusCounts, StatusEntry, Thread, VersionRef, WatchReason, WatchSummary,
    YourSeries,
};
pub use sources::Source;
pub use tree::TreeSource;
