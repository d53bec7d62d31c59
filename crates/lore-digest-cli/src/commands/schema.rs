//! `lore-digest schema [report|export|events|trends]`: the JSON Schema
//! (draft 2020-12) of the JSON report, of an export record, of an event
//! line or of the JSON trends table,
//! generated from the library's model types.

use lore_digest::contract::{self, Document};

use crate::exit::Failure;

#[derive(clap::Args)]
pub struct SchemaArgs {
    /// What the schema describes.
    #[arg(value_enum, default_value_t = Kind::Report)]
    document: Kind,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Kind {
    /// The JSON report (`report --format json`, `update --format json`).
    Report,
    /// One line of `export`'s JSON Lines (a Parquet row has the same fields).
    Export,
    /// One line of `update --events`.
    Events,
    /// The JSON trends table (`trends --format json`).
    Trends,
}

pub fn run(args: SchemaArgs) -> Result<(), Failure> {
    let document = match args.document {
        Kind::Report => Document::Report,
        Kind::Export => Document::Export,
        Kind::Events => Document::Events,
        Kind::Trends => Document::Trends,
    };
    let text = contract::schema_text(document);
    crate::output::emit(None, true, |out| out.write_all(text.as_bytes()))
}
