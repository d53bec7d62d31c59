//! `lore-digest trends`: a list's figures per week, month, quarter or year
//! over a long window, read once.

use std::path::PathBuf;

use lore_digest::archive::Selection;
use lore_digest::render;
use lore_digest::sync::SyncOptions;
use lore_digest::trends::{self, Period};

use super::sync::list_mirror;
use crate::args::{
    Format, IdentityArgs, PatienceArgs, SelectionArgs, chosen_format, load_config, read_identities,
};
use crate::exit::Failure;
use crate::output::emit;

#[derive(clap::Args)]
pub struct TrendsArgs {
    /// A list by name instead of --archive: a `[lists.NAME]` of the
    /// configuration file, or any lore list (`kvm`). Its mirror is synced
    /// first, back to --since when it is new.
    #[arg(
        value_name = "LIST",
        required_unless_present = "archive",
        conflicts_with = "archive"
    )]
    source: Option<String>,

    /// An archive, as `report --archive` takes it.
    #[arg(long, value_name = "PATH")]
    archive: Option<PathBuf>,

    /// The configuration file naming lists (with LIST).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,

    /// With LIST: use the mirror as it is, without syncing.
    #[arg(long)]
    offline: bool,

    /// The window (default: the whole archive).
    #[command(flatten)]
    selection: SelectionArgs,

    /// How long a row is: ISO weeks (from Monday), calendar months,
    /// quarters or years, in UTC. Example: `--by year`.
    #[arg(long, value_enum, default_value_t = By::Month)]
    by: By,

    /// Output format (default: the list's `format`, else text). HTML draws
    /// a line chart per figure. Example: `--format html`.
    #[arg(long, value_enum)]
    format: Option<Format>,

    /// How many organizations each row names (JSON lists all).
    /// Example: `--top 5`.
    #[arg(long, value_name = "N", default_value_t = 3)]
    top: usize,

    /// The list's name in the title. Example: `--list KVM`.
    #[arg(long, value_name = "NAME")]
    list: Option<String>,

    #[command(flatten)]
    identities: IdentityArgs,

    #[command(flatten)]
    patience: PatienceArgs,

    /// Write the table to FILE (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum By {
    /// ISO weeks, Monday to Sunday (`2025-W19`).
    Week,
    /// Calendar months (`2025-05`).
    Month,
    /// Calendar quarters (`2025-Q2`).
    Quarter,
    /// Calendar years (`2025`).
    Year,
}

pub fn run(args: TrendsArgs) -> Result<(), Failure> {
    let selection = args.selection.selection()?;
    let list = match &args.source {
        Some(name) => Some(load_config(args.config.as_deref())?.list(name)?),
        None => None,
    };
    let settings = list
        .as_ref()
        .map(|l| l.settings.clone())
        .unwrap_or_default();
    let format = chosen_format(args.format, &settings)?;
    let identities = read_identities(
        args.identities
            .mailmap
            .as_deref()
            .or(settings.mailmap.as_deref()),
        args.identities
            .orgmap
            .as_deref()
            .or(settings.orgmap.as_deref()),
        args.identities.no_default_orgmap || settings.no_default_orgmap.unwrap_or(false),
    )?;
    let archive_path = match (&args.archive, &list) {
        (Some(path), _) => path.clone(),
        (None, Some(list)) => {
            let shallow_since = match &selection {
                Some(Selection::Window { since, .. }) => since.map(|t| t.as_second()),
                _ => None,
            };
            let options = SyncOptions {
                since: shallow_since,
                timeout: args.patience.timeout(),
                wait: args.patience.wait(),
            };
            list_mirror(list, &options, args.offline)?.0
        }
        (None, None) => return Err(Failure::input("give a LIST or --archive PATH")),
    };
    let archive = crate::args::open_archive(&archive_path)?;
    // A long window is what trends are for: without one, the whole archive.
    let selection = selection.unwrap_or(Selection::Window {
        since: None,
        until: None,
    });
    let table = trends::build(
        &archive,
        &selection,
        &trends::Options {
            by: match args.by {
                By::Week => Period::Week,
                By::Month => Period::Month,
                By::Quarter => Period::Quarter,
                By::Year => Period::Year,
            },
            list: args.list.clone().or(settings.title.clone()),
            identities,
        },
    )?;
    crate::output::print_warnings(&table.warnings);
    let top = args.top;
    emit(args.output.as_deref(), true, |out| match format {
        Format::Json => render::trends::write_json(&table, out),
        Format::Text => out.write_all(render::trends::text(&table, top).as_bytes()),
        Format::Markdown => out.write_all(render::trends::markdown(&table, top).as_bytes()),
        Format::Html => out.write_all(render::trends::html(&table, top).as_bytes()),
    })
}
