//! Renderers: a [`crate::report::Report`] in, a document out. Renderers
//! never read mail; everything they show is in the report.

pub mod json;
pub mod text;
