//! The report model and how it is built from an archive selection.
//!
//! [`Report`] is the contract between analysis and rendering: renderers
//! read it and never look at mail again. It serializes to the JSON format
//! documented in the README.

mod build;
mod links;
mod model;
mod sections;
mod status;
mod threads;
mod tree;
mod watch;

pub use build::{Lookback, Options, build, from_mails};
pub use links::message_url;
pub use model::{
    ContributorCount, DayCount, DomainCount, GivenTrailer, MissedCc, OrganizationCount, PatchMail,
    PatchRef, PatchesMissing, Report, ReviewLine, SectionCount, SectionQueue, Series, Stats,
    StatusCounts, StatusEntry, Thread, VersionRef, WatchReason, WatchSummary, YourSeries,
};
pub use tree::TreeSource;
