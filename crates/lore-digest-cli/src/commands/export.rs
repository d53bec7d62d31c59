//! `lore-digest export`: one record per message, JSON Lines or Parquet, or
//! added run by run to a Parquet dataset of many lists (`--dataset`).

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use lore_digest::archive::Archive;
use lore_digest::export::{Dataset, check_source, partition_name};
use lore_digest::sync::SyncOptions;

use super::sync::list_mirror;
use crate::args::{
    IdentityArgs, PatienceArgs, SelectionArgs, load_config, named_archive, named_twice,
    read_identities, selection_or_all,
};
use crate::exit::Failure;
use crate::output::{Verbosity, emit, verbosity};
use crate::progress::{note, thousands};

#[derive(clap::Args)]
pub struct ExportArgs {
    /// With --dataset: lists by name, as for `report LIST` (a
    /// `[lists.NAME]` of the configuration file, or any lore list), each
    /// mirrored first unless --offline.
    #[arg(value_name = "LIST", requires = "dataset")]
    lists: Vec<String>,

    /// The archive, as for `report --archive`. With --dataset it may be
    /// repeated, as `[NAME=]PATH`: NAME is the list's partition (default:
    /// the archive's directory name). Example: `--archive kvm=/srv/lore/kvm`.
    #[arg(long, value_name = "[NAME=]PATH")]
    archive: Vec<PathBuf>,

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

    /// Add to the Parquet dataset in DIR (`DIR/list=NAME/year=YYYY/part-….parquet`)
    /// the mail of each list that arrived since its last export there: all
    /// its history the first time.
    #[arg(long, value_name = "DIR",
          conflicts_with_all = ["range", "since", "until", "format", "output"])]
    dataset: Option<PathBuf>,

    /// The configuration file naming lists (with LIST). Default:
    /// $XDG_CONFIG_HOME/lore-digest/config.toml (none is fine).
    #[arg(long, value_name = "FILE", requires = "dataset")]
    config: Option<PathBuf>,

    /// With LIST: use the mirror as it is, without syncing.
    #[arg(long, requires = "dataset")]
    offline: bool,

    #[command(flatten)]
    patience: PatienceArgs,
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
    if let Some(dir) = &args.dataset {
        return run_dataset(&args, dir);
    }
    let archive = match args.archive.as_slice() {
        [archive] => archive,
        [] => return Err(Failure::input("give --archive PATH")),
        _ => {
            return Err(Failure::input(
                "several --archive go into one dataset: add --dataset DIR",
            ));
        }
    };
    let selection = args.selection.selection()?;
    let identities = read_identities(
        args.identities.mailmap.as_deref(),
        args.identities.orgmap.as_deref(),
        args.identities.no_default_orgmap,
    )?;
    let archive = crate::args::open_archive(archive)?;
    let selection = selection_or_all(selection, &archive)?;
    let (records, missing) = lore_digest::export::records(&archive, &selection, &identities)?;
    warn_missing(missing, None);
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

fn warn_missing(missing: usize, list: Option<&str>) {
    if missing > 0 {
        let list = list.map(|l| format!("{l}: ")).unwrap_or_default();
        crate::output::print_warnings(&[format!(
            "{list}{missing} selected commit(s) held no readable mail; they have no record"
        )]);
    }
}

/// Where one list of a dataset comes from.
enum Source {
    Archive(Archive),
    List(Box<lore_digest::lists::List>),
}

fn run_dataset(args: &ExportArgs, dir: &Path) -> Result<(), Failure> {
    // Every source is checked before anything is written: a typo in the
    // last should not leave the first ones done and the run failed.
    let mut sources = Vec::new();
    for given in &args.archive {
        let (name, path) = named_archive(given);
        let archive = crate::args::open_archive(&path)?;
        check_source(&archive)?;
        let name = partition_name(name.unwrap_or(archive.name()));
        sources.push((name, Source::Archive(archive)));
    }
    if !args.lists.is_empty() {
        let config = load_config(args.config.as_deref())?;
        for name in &args.lists {
            let list = config.list(name)?;
            sources.push((partition_name(&list.name), Source::List(Box::new(list))));
        }
    }
    if sources.is_empty() {
        return Err(Failure::input(
            "--dataset needs lists: give LIST names or --archive [NAME=]PATH",
        ));
    }
    if let Some(twice) = named_twice(sources.iter().map(|(n, _)| n.as_str())) {
        return Err(Failure::input(format!(
            "two lists would be list={twice}: name them apart with --archive NAME=PATH"
        )));
    }
    let wait = args.patience.wait();
    let dataset = Dataset::open(dir, wait, &note)?;
    for (name, source) in &sources {
        let (identities, archive, _mirror_lock) = match source {
            Source::Archive(archive) => (
                read_identities(
                    args.identities.mailmap.as_deref(),
                    args.identities.orgmap.as_deref(),
                    args.identities.no_default_orgmap,
                )?,
                archive.clone(),
                None,
            ),
            Source::List(list) => {
                let settings = &list.settings;
                let identities = read_identities(
                    args.identities
                        .mailmap
                        .as_deref()
                        .or(settings.mailmap.as_deref()),
                    args.identities
                        .orgmap
                        .as_deref()
                        .or(settings.orgmap.as_deref()),
                    args.identities.no_default_orgmap
                        || settings.no_default_orgmap.unwrap_or(false),
                )?;
                let options = SyncOptions {
                    since: None,
                    timeout: args.patience.timeout(),
                    wait,
                };
                // Held while the list is read, as `update` does, so the
                // heads recorded are those of the history read.
                let (mirror, lock) = list_mirror(list, &options, args.offline)?;
                let archive = crate::args::open_archive(&mirror)?;
                check_source(&archive)?;
                (identities, archive, lock)
            }
        };
        let added = dataset.add(name, &archive, &identities, &note)?;
        warn_missing(added.missing, Some(name));
        if verbosity() > Verbosity::Quiet {
            eprintln!(
                "lore-digest: {}: {} new mail(s) in {} file(s), {} in all (run {})",
                added.list,
                thousands(added.rows),
                added.files.len(),
                thousands(usize::try_from(added.total).unwrap_or(usize::MAX)),
                added.run
            );
        }
    }
    Ok(())
}
