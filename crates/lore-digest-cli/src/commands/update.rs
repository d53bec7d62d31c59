//! `lore-digest update`: sync a list, report what arrived since the last
//! update, and only then record the new position.

use std::path::PathBuf;

use lore_digest::archive::{Archive, Selection, parse_when};
use lore_digest::atomic::remove_stale_temp_files;
use lore_digest::lists::{State, default_state_path};
use lore_digest::sync::SyncOptions;
use lore_digest::{Error, report};

use super::sync::list_mirror;
use crate::args::{Format, PatienceArgs, chosen_format, load_config, read_identities, web_archive};
use crate::exit::Failure;
use crate::output::{emit, write_report};
use crate::progress::note;

#[derive(clap::Args)]
pub struct UpdateArgs {
    /// A list: a `[lists.NAME]` of the configuration file, or any lore list
    /// by name (`kvm` → https://lore.kernel.org/kvm).
    #[arg(value_name = "LIST")]
    list: String,

    /// The configuration file. Default:
    /// $XDG_CONFIG_HOME/lore-digest/config.toml (none is fine).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,

    /// The first update (no state yet) covers mail since WHEN; later ones
    /// continue from the last. Example: `--since 30d`.
    #[arg(long, value_name = "WHEN", default_value = "7d")]
    since: String,

    /// Output format (default: the list's `format`, else text).
    #[arg(long, value_enum)]
    format: Option<Format>,

    /// How many entries the top lists show (default: the list's `top`, else 15).
    #[arg(long, value_name = "N")]
    top: Option<usize>,

    /// Where the state is kept. Default: $XDG_STATE_HOME/lore-digest/LIST.json.
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,

    /// Write the report to FILE (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,

    #[command(flatten)]
    patience: PatienceArgs,
}

pub fn run(args: UpdateArgs) -> Result<(), Failure> {
    let list = load_config(args.config.as_deref())?.list(&args.list)?;
    let settings = &list.settings;
    let format = chosen_format(args.format, settings)?;
    let top = args.top.or(settings.top).unwrap_or(15);
    let identities = read_identities(
        settings.mailmap.as_deref(),
        settings.orgmap.as_deref(),
        settings.no_default_orgmap.unwrap_or(false),
    )?;
    let (maintainers, maintainers_warnings) =
        crate::args::read_maintainers(settings.maintainers.as_deref())?;
    let Some(state_path) = args
        .state
        .clone()
        .or_else(|| default_state_path(&list.name))
    else {
        return Err(Failure::input(
            "no state file: neither XDG directories nor HOME are set; name one",
        ));
    };
    let wait = args.patience.wait();
    // One update of a list at a time (see `State::lock`).
    let _updating = State::lock(&state_path, &list.name, wait, &note)?;
    // A report being written is the update's too.
    for leftover in args.output.iter().flat_map(|o| remove_stale_temp_files(o)) {
        note(&format!(
            "removed {}, left by an interrupted update",
            leftover.display()
        ));
    }
    let state = State::load(&state_path)?;
    let since = parse_when(&args.since, jiff::Timestamp::now())?.as_second();
    let sync = SyncOptions {
        // A first update needs history back to --since only.
        since: state.is_none().then_some(since),
        timeout: args.patience.timeout(),
        wait,
    };
    // The mirror stays locked until the report is made, so the heads
    // recorded below are those of the history reported.
    let (mirror, mirror_lock) = list_mirror(&list, &sync, false)?;
    let archive = Archive::open(&mirror)?;
    let selection = match &state {
        Some(state) => Selection::After(state.marks()),
        None => Selection::Window {
            since: jiff::Timestamp::from_second(since).ok(),
            until: None,
        },
    };
    let options = report::Options {
        list: settings.title.clone(),
        url: web_archive(Some(&list.url)),
        lookback: report::Lookback::All,
        identities,
        index_cache: lore_digest::lists::default_cache_dir(),
        cache_wait: wait,
        already_reported: state
            .as_ref()
            .map(|s| s.last_ids.clone())
            .unwrap_or_default(),
        maintainers,
        maintainers_warnings,
        ..Default::default()
    };
    let marks = archive.marks()?;
    let built = report::build(&archive, &selection, &options);
    // What the new state remembers to find its place after a rewrite.
    let last_ids = archive.ids_at_marks(&marks)?;
    drop(mirror_lock);
    let report = match built {
        Ok(report) => report,
        Err(Error::EmptySelection(_)) => {
            eprintln!(
                "lore-digest: no new mail on {} since the last update",
                list.name
            );
            // Heads may have moved without new mail (a purge): remember them.
            State::after(&list.url, &marks, last_ids).save(&state_path)?;
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    };
    for warning in &report.warnings {
        eprintln!("lore-digest: warning: {warning}");
    }
    emit(args.output.as_deref(), false, |out| {
        write_report(format, &report, top, out)
    })?;
    // Only now that the report is out does the list move on.
    State::after(&list.url, &marks, last_ids).save(&state_path)?;
    Ok(())
}
