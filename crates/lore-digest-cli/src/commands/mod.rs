//! One file per command: its options and what it runs.

pub mod export;
pub mod report;
pub mod sync;
pub mod update;
