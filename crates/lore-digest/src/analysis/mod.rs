//! What the mails of a selection add up to: patch series and contributor counts.

mod contributors;
mod series;

pub use contributors::{Tally, tally};
pub use series::{SeriesGroup, UNTHREADED_WINDOW_SECS, group_series};
