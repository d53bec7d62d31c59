//! `lore-digest export`: one record per message, JSON Lines or Parquet.

use std::path::PathBuf;

use clap::ValueEnum;
use lore_digest::archive::Archive;

use crate::args::{IdentityArgs, SelectionArgs, read_identities, selection_or_all};
use crate::exit::Failure;
use crate::output::emit;

#[derive(clap::Args)]
pub struct ExportArgs {
    /// The archive, as for `report --archive`.
    #[arg(long, value_name = "PATH")]
    archive: PathBuf,

    #[command(flatten)]
    selection: SelectionArgs,

    /// Record format.
    #[arg(long, value_enum, default_value_t = ExportFormat::Jsonl)]
    format: ExportFormat,

    #[command(flatten)]
    identities: IdentityArgs,

    /// Write to FILE (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    /// JSON Lines: one object per message.
    Jsonl,
    /// Apache Parquet: the same fields as typed columns (times as UTC
    /// timestamps), Snappy-compressed.
    Parquet,
}

pub fn run(args: ExportArgs) -> Result<(), Failure> {
    let selection = args.selection.selection()?;
    let identities = read_identities(
        args.identities.mailmap.as_deref(),
        args.identities.orgmap.as_deref(),
        args.identities.no_default_orgmap,
    )?;
    let archive = Archive::open(&args.archive)?;
    let selection = selection_or_all(selection, &archive)?;
    let (records, missing) = lore_digest::export::records(&archive, &selection, &identities)?;
    if missing > 0 {
        crate::output::print_warnings(&[format!(
            "{missing} selected commit(s) held no readable mail; they have no record"
        )]);
    }
    let mut bytes = Vec::new();
    match args.format {
        ExportFormat::Jsonl => {
            lore_digest::export::write_jsonl(&records, &mut bytes).map_err(|e| e.to_string())
        }
        ExportFormat::Parquet => {
            lore_digest::export::write_parquet(&records, &mut bytes).map_err(|e| e.to_string())
        }
    }
    .map_err(|e| Failure::failed(format!("writing the export: {e}")))?;
    emit(args.output.as_deref(), true, |out| out.write_all(&bytes))
}
