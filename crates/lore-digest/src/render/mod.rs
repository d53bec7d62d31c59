//! Renderers: a [`crate::report::Report`] in, a document out (text, JSON,
//! Markdown, HTML). Renderers never read mail; everything they show is in the
//! report.

pub mod html;
pub mod json;
pub mod markdown;
pub mod text;
