//! One file per command: its options and what it runs.

pub mod completions;
pub mod export;
pub mod man;
pub mod report;
pub mod schema;
pub mod sync;
pub mod trends;
pub mod update;
