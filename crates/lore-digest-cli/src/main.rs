//! `lore-digest`: the command-line front end. It parses arguments, calls the
//! library and maps errors to exit codes; all the work is in `lore_digest`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use lore_digest::analysis::{Identities, Mailmap, OrgMap};
use lore_digest::archive::{Archive, Selection, parse_until, parse_when};
use lore_digest::{Error, render, report};

/// Exit code for bad usage or bad input (wrong path, unknown id, empty selection).
const EXIT_INPUT: u8 = 2;
/// Exit code for a failure while reading a valid archive or writing output.
const EXIT_FAILURE: u8 = 1;
/// Exit code for a server that could not be reached or broke off a fetch.
const EXIT_NETWORK: u8 = 3;
/// Exit code after SIGINT, SIGTERM or SIGHUP (128 + SIGINT, as shells use).
const EXIT_INTERRUPTED: u8 = 130;

#[derive(Parser)]
#[command(
    name = "lore-digest",
    version,
    about = "Turn a public-inbox mailing-list archive into a readable update report"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Report on the mails of a commit range or a time window.
    #[command(after_help = "\
Examples:
  lore-digest report --archive ~/lore/kvm/git/0.git --range 42c98786..45c9ebb3
  lore-digest report --archive ~/lore/kvm --since 7d --format json
  lore-digest report --archive linux-hyperv.git --since 2025-05-01 --until 2025-05-08 --list linux-hyperv
  lore-digest report --archive ~/lore/kvm --since 7d --mailmap .mailmap --orgmap orgs.map")]
    Report(ReportArgs),
    /// Mirror a public-inbox archive (all its epochs) over git; later runs
    /// fetch only what is new.
    #[command(after_help = "\
Examples:
  lore-digest sync https://lore.kernel.org/kvm --since 30d
  lore-digest sync https://lore.kernel.org/linux-hyperv --into ~/lore/linux-hyperv
  lore-digest sync git://example.org/lists/kvm/git/0.git --into /srv/kvm")]
    Sync(SyncArgs),
    /// Sync a list and report what arrived since its last update; the new
    /// position is recorded only once the report was written.
    #[command(after_help = "\
Examples:
  lore-digest update kvm                       # first run: the last 7 days
  lore-digest update kvm --format markdown -o kvm-update.md
  lore-digest update linux-hyperv --since 30d --config ~/lists.toml")]
    Update(UpdateArgs),
    /// Write one record per message (JSON Lines or Parquet) for DuckDB, Spark or pandas.
    #[command(after_help = "\
Examples:
  lore-digest export --archive linux-hyperv.git --range master -o hyperv.jsonl
  lore-digest export --archive linux-hyperv.git --range master --format parquet -o hyperv.parquet
  lore-digest export --archive ~/lore/kvm --since 30d --mailmap ~/linux/.mailmap -o kvm.jsonl")]
    Export(ExportArgs),
}

/// Which mails: a commit range or a time window (report and export).
#[derive(clap::Args)]
struct SelectionArgs {
    /// Commits reachable from B and not from A, as git means it (full or
    /// abbreviated ids, or refs); `B` alone is all history up to B.
    /// Example: `--range 42c98786..45c9ebb3`, `--range master`.
    #[arg(long, value_name = "A..B", conflicts_with_all = ["since", "until"], required_unless_present_any = ["since", "until"])]
    range: Option<String>,

    /// Mails that arrived at or after WHEN (commit time): `2025-05-01`,
    /// `2025-05-01T12:00:00Z`, or a time ago such as `7d`, `24h`, `90m`.
    /// Example: `--since 7d`.
    #[arg(long, value_name = "WHEN")]
    since: Option<String>,

    /// Mails that arrived at or before WHEN; same forms as --since (a bare
    /// date includes that whole day). Example: `--until 2025-05-08`.
    #[arg(long, value_name = "WHEN")]
    until: Option<String>,
}

/// Who is who: the mailmap and the organization map (report and export).
#[derive(clap::Args)]
struct IdentityArgs {
    /// Merge each person's names and addresses by a mailmap in git's format
    /// (`Proper Name <proper@email> <commit@email>` and the other forms of
    /// gitmailmap(5)); applies to authors, senders, reviewers and
    /// participants alike. Example: `--mailmap ~/linux/.mailmap`.
    #[arg(long, value_name = "FILE")]
    mailmap: Option<PathBuf>,

    /// Add domain → organization lines in gitdm's format (`domain
    /// Organization Name`) to the built-in map, overriding it for the same
    /// domain; subdomains fold to their parent. Example: `--orgmap domains.map`.
    #[arg(long, value_name = "FILE")]
    orgmap: Option<PathBuf>,

    /// Leave out the built-in organization map: only --orgmap's domains
    /// are named, every other domain stands for itself.
    #[arg(long)]
    no_default_orgmap: bool,
}

#[derive(clap::Args)]
struct ExportArgs {
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

#[derive(clap::Args)]
struct UpdateArgs {
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
}

#[derive(clap::Args)]
struct SyncArgs {
    /// An inbox (`https://lore.kernel.org/kvm`, epochs found from its
    /// manifest.js.gz or by trying git/0.git, git/1.git, …) or one epoch
    /// repository (any git URL ending in `.git`).
    #[arg(value_name = "URL")]
    url: String,

    /// Where the mirror goes (laid out as DIR/git/N.git). Default:
    /// $XDG_DATA_HOME/lore-digest/mirrors/HOST/PATH.
    #[arg(long, value_name = "DIR")]
    into: Option<PathBuf>,

    /// Keep only history since WHEN: a first clone is shallow, and a mirror
    /// cut later than WHEN is deepened. Same forms as `report --since`.
    /// Example: `--since 30d`.
    #[arg(long, value_name = "WHEN")]
    since: Option<String>,
}

#[derive(clap::Args)]
struct ReportArgs {
    /// A list by name instead of --archive: a `[lists.NAME]` of the
    /// configuration file, or any lore list (`kvm`). Its mirror is synced
    /// first, back to --since when it is new.
    #[arg(
        value_name = "LIST",
        required_unless_present = "archive",
        conflicts_with = "archive"
    )]
    source: Option<String>,

    /// An archive: one epoch repository (bare or not, e.g.
    /// `kvm/git/0.git`), a v2 inbox directory holding `git/0.git`, …, a
    /// public-inbox v1 repository, an mbox file or a Maildir.
    #[arg(long, value_name = "PATH")]
    archive: Option<PathBuf>,

    /// The configuration file naming lists (with LIST). Default:
    /// $XDG_CONFIG_HOME/lore-digest/config.toml (none is fine).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,

    /// With LIST: use the mirror as it is, without syncing.
    #[arg(long)]
    offline: bool,

    /// Walk the whole history for --lookback instead of using (and
    /// updating) the index cached in $XDG_CACHE_HOME/lore-digest.
    #[arg(long)]
    no_cache: bool,

    #[command(flatten)]
    selection: SelectionArgs,

    /// Output format (default: the list's `format`, else text).
    /// Example: `--format markdown`.
    #[arg(long, value_enum)]
    format: Option<Format>,

    /// How many domains, organizations and contributors the top lists show
    /// (default: the list's `top`, else 15; JSON lists all).
    /// Example: `--top 30`.
    #[arg(long, value_name = "N")]
    top: Option<usize>,

    /// The list's name in the report title (default: from the mails'
    /// List-Id, else the archive's directory name). Example: `--list KVM`.
    #[arg(long, value_name = "NAME")]
    list: Option<String>,

    /// Link every series, patch and pull request to the web archive at BASE:
    /// `BASE/<message-id>/`. Example: `--url https://lore.kernel.org/kvm`.
    #[arg(long, value_name = "BASE")]
    url: Option<String>,

    /// How far before the selection to look for earlier versions of its
    /// series: `all` (the whole archive), `none`, or a time such as `180d`
    /// or `26w` before the selection's first mail. Example: `--lookback 180d`.
    #[arg(long, value_name = "TIME", default_value = "all", value_parser = parse_lookback)]
    lookback: report::Lookback,

    #[command(flatten)]
    identities: IdentityArgs,

    /// Write the report to FILE (atomically: a failed run leaves any previous
    /// FILE untouched) instead of standard output. Example: `-o update.txt`.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// The plain-text update.
    Text,
    /// Every figure and series, machine-readable.
    Json,
    /// For GitHub, GitLab and mail: tables and fenced commit messages.
    Markdown,
    /// One self-contained page with charts; loads nothing, runs no script.
    Html,
}

fn main() -> ExitCode {
    // A bug must still end in one line on stderr, not a backtrace; the
    // library already turns a parser panic on one mail into a warning.
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "lore-digest: internal error{place}: {}",
            panic_message(info)
        );
    }));
    // Ctrl-C, SIGTERM or SIGHUP while a report or state file is being
    // written must not leave its temporary file behind; the file it would
    // replace is untouched until the rename. Without a handler the process
    // would still end, only less tidily, so a failure to install is ignored.
    let _ = ctrlc::set_handler(|| {
        lore_digest::atomic::remove_pending_files();
        eprintln!("lore-digest: interrupted");
        std::process::exit(i32::from(EXIT_INTERRUPTED));
    });
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Report(args) => run_report(args),
        Command::Sync(args) => run_sync(args),
        Command::Update(args) => run_update(args),
        Command::Export(args) => run_export(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure { message, code }) => {
            eprintln!("lore-digest: error: {message}");
            ExitCode::from(code)
        }
    }
}

fn parse_lookback(value: &str) -> Result<report::Lookback, String> {
    match value.trim() {
        "all" => Ok(report::Lookback::All),
        "none" | "0" => Ok(report::Lookback::Off),
        text => lore_digest::archive::parse_duration(text)
            .map(report::Lookback::Seconds)
            .ok_or_else(|| format!("expected `all`, `none` or a time such as 180d, got `{text}`")),
    }
}

fn panic_message(info: &std::panic::PanicHookInfo<'_>) -> String {
    let payload = info.payload();
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

/// An error ready for the user: one line and an exit code.
struct Failure {
    message: String,
    code: u8,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        let code = match &error {
            Error::Fetch { .. } => EXIT_NETWORK,
            e if e.is_input_error() => EXIT_INPUT,
            _ => EXIT_FAILURE,
        };
        Failure {
            message: error.to_string(),
            code,
        }
    }
}

impl SelectionArgs {
    /// The selection that --range or --since/--until ask for.
    fn selection(&self) -> Result<Selection, Error> {
        match &self.range {
            Some(range) => Selection::parse_range(range),
            None => {
                let now = jiff::Timestamp::now();
                let since = self
                    .since
                    .as_deref()
                    .map(|s| parse_when(s, now))
                    .transpose()?;
                let until = self
                    .until
                    .as_deref()
                    .map(|s| parse_until(s, now))
                    .transpose()?;
                Ok(Selection::Window { since, until })
            }
        }
    }
}

fn run_export(args: ExportArgs) -> Result<(), Failure> {
    let selection = args.selection.selection()?;
    let identities = read_identities(
        args.identities.mailmap.as_deref(),
        args.identities.orgmap.as_deref(),
        args.identities.no_default_orgmap,
    )?;
    let archive = Archive::open(&args.archive)?;
    let (records, missing) = lore_digest::export::records(&archive, &selection, &identities)?;
    if missing > 0 {
        eprintln!(
            "lore-digest: warning: {missing} selected commit(s) held no readable mail; they have no record"
        );
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
    .map_err(|e| Failure {
        message: format!("writing the export: {e}"),
        code: EXIT_FAILURE,
    })?;
    emit(args.output.as_deref(), true, |out| out.write_all(&bytes))
}

fn run_report(args: ReportArgs) -> Result<(), Failure> {
    let selection = args.selection.selection()?;
    // A list by name brings its settings, which the arguments override.
    let list = match &args.source {
        Some(name) => Some(load_config(args.config.as_deref())?.list(name)?),
        None => None,
    };
    let settings = list
        .as_ref()
        .map(|l| l.settings.clone())
        .unwrap_or_default();
    let format = chosen_format(args.format, &settings)?;
    let top = args.top.or(settings.top).unwrap_or(15);
    // The maps are read before the archive: a typo in one should not wait
    // for a long read to be reported.
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
            // A new mirror needs history back to the window's start only.
            let shallow_since = match &selection {
                Selection::Window { since, .. } => since.map(|t| t.as_second()),
                _ => None,
            };
            list_mirror(list, shallow_since, args.offline)?
        }
        (None, None) => {
            return Err(Failure {
                message: "give a LIST or --archive PATH".into(),
                code: EXIT_INPUT,
            });
        }
    };
    let archive = Archive::open(&archive_path)?;
    let report = report::build(
        &archive,
        &selection,
        &report::Options {
            list: args.list.clone().or(settings.title.clone()),
            url: args.url.clone().or(web_archive(settings.url.as_deref())),
            lookback: args.lookback,
            identities,
            index_cache: if args.no_cache {
                None
            } else {
                lore_digest::lists::default_cache_dir()
            },
            already_reported: Vec::new(),
        },
    )?;
    for warning in &report.warnings {
        eprintln!("lore-digest: warning: {warning}");
    }
    let written = emit(args.output.as_deref(), true, |out| {
        write_report(format, &report, top, out)
    });
    // The process ends next: freeing the report's many small allocations
    // would only delay that.
    std::mem::forget(report);
    written
}

/// Writes the report as it renders: JSON streams (a whole archive's report
/// is tens of MB); the other formats are made whole first.
fn write_report(
    format: Format,
    report: &report::Report,
    top: usize,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => render::json::write(report, out),
        _ => out.write_all(render_as(format, report, top).as_bytes()),
    }
}

fn render_as(format: Format, report: &report::Report, top: usize) -> String {
    match format {
        Format::Text => render::text::render(report, top),
        Format::Json => render::json::render(report),
        Format::Markdown => render::markdown::render(report, top),
        Format::Html => render::html::render(report, top),
    }
}

/// The configuration at `path`, or at the default place (where a missing
/// file is an empty configuration).
fn load_config(path: Option<&Path>) -> Result<lore_digest::lists::Config, Error> {
    use lore_digest::lists::{Config, default_config_path};
    match path {
        Some(path) => Config::load(path, true),
        None => match default_config_path() {
            Some(path) => Config::load(&path, false),
            None => Ok(Config::default()),
        },
    }
}

/// A list URL mails can link to: a web archive (http or https), not git://.
fn web_archive(url: Option<&str>) -> Option<String> {
    url.filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        .map(|u| u.trim_end_matches('/').to_string())
}

/// The format asked for, else the list's, else text.
fn chosen_format(
    asked: Option<Format>,
    settings: &lore_digest::lists::ListSettings,
) -> Result<Format, Failure> {
    match (asked, settings.format.as_deref()) {
        (Some(format), _) => Ok(format),
        (None, Some(name)) => Format::from_str(name, true).map_err(|_| Failure {
            message: format!(
                "unknown format '{name}' in the configuration (text, json, markdown, html)"
            ),
            code: EXIT_INPUT,
        }),
        (None, None) => Ok(Format::Text),
    }
}

/// A list's archive: its configured `path` as it is, else its mirror,
/// synced first (unless offline).
fn list_mirror(
    list: &lore_digest::lists::List,
    shallow_since: Option<i64>,
    offline: bool,
) -> Result<PathBuf, Failure> {
    if let Some(path) = &list.settings.path {
        return Ok(path.clone());
    }
    let mirror = lore_digest::sync::default_mirror_dir(&list.url).ok_or_else(|| Failure {
        message: "no mirror directory: neither XDG_DATA_HOME nor HOME is set".into(),
        code: EXIT_INPUT,
    })?;
    if offline {
        return Ok(mirror);
    }
    let progress = BarProgress::new();
    let options = lore_digest::sync::SyncOptions {
        since: shallow_since,
    };
    let synced = lore_digest::sync::sync(&list.url, &mirror, &options, &progress);
    progress.bar.finish_and_clear();
    Ok(synced?.mirror)
}

fn read_identities(
    mailmap: Option<&Path>,
    orgmap: Option<&Path>,
    no_default_orgmap: bool,
) -> Result<Identities, Error> {
    let mut organizations = if no_default_orgmap {
        OrgMap::default()
    } else {
        OrgMap::builtin()
    };
    if let Some(path) = orgmap {
        organizations.extend(OrgMap::read(path)?);
    }
    let mailmap = match mailmap {
        Some(path) => Mailmap::read(path)?,
        None => Mailmap::default(),
    };
    Ok(Identities {
        mailmap,
        organizations,
    })
}

fn run_update(args: UpdateArgs) -> Result<(), Failure> {
    use lore_digest::lists::{State, default_state_path};
    let no_place = |what: &str| Failure {
        message: format!("no {what}: neither XDG directories nor HOME are set; name one"),
        code: EXIT_INPUT,
    };
    let list = load_config(args.config.as_deref())?.list(&args.list)?;
    let settings = &list.settings;
    let format = chosen_format(args.format, settings)?;
    let top = args.top.or(settings.top).unwrap_or(15);
    let identities = read_identities(
        settings.mailmap.as_deref(),
        settings.orgmap.as_deref(),
        settings.no_default_orgmap.unwrap_or(false),
    )?;
    let state_path = match args
        .state
        .clone()
        .or_else(|| default_state_path(&list.name))
    {
        Some(path) => path,
        None => return Err(no_place("state file")),
    };
    let state = State::load(&state_path)?;
    let since = parse_when(&args.since, jiff::Timestamp::now())?.as_second();
    // A first update needs history back to --since only.
    let mirror = list_mirror(&list, state.is_none().then_some(since), false)?;
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
        already_reported: state
            .as_ref()
            .map(|s| s.last_ids.clone())
            .unwrap_or_default(),
    };
    let marks = archive.marks()?;
    let report = match report::build(&archive, &selection, &options) {
        Ok(report) => report,
        Err(Error::EmptySelection(_)) => {
            eprintln!(
                "lore-digest: no new mail on {} since the last update",
                list.name
            );
            // Heads may have moved without new mail (a purge): remember them.
            let last_ids = state.map(|s| s.last_ids).unwrap_or_default();
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
    State::after(&list.url, &marks, report.newest_message_ids.clone()).save(&state_path)?;
    Ok(())
}

fn run_sync(args: SyncArgs) -> Result<(), Failure> {
    let since = args
        .since
        .as_deref()
        .map(|s| parse_when(s, jiff::Timestamp::now()))
        .transpose()?
        .map(|t| t.as_second());
    let into = match args
        .into
        .or_else(|| lore_digest::sync::default_mirror_dir(&args.url))
    {
        Some(dir) => dir,
        None => {
            return Err(Failure {
                message:
                    "no mirror directory: give --into DIR (neither XDG_DATA_HOME nor HOME is set)"
                        .into(),
                code: EXIT_INPUT,
            });
        }
    };
    let progress = BarProgress::new();
    let outcome = lore_digest::sync::sync(
        &args.url,
        &into,
        &lore_digest::sync::SyncOptions { since },
        &progress,
    );
    progress.bar.finish_and_clear();
    let outcome = outcome?;
    for epoch in &outcome.epochs {
        let short = |h: &Option<String>| {
            h.as_deref()
                .map_or("-".to_string(), |h| h[..h.len().min(8)].to_string())
        };
        let what = if epoch.skipped {
            "skipped: no mail since the cutoff".to_string()
        } else if epoch.cloned {
            format!("cloned, head {}", short(&epoch.head_after))
        } else if epoch.head_before == epoch.head_after && epoch.deepened {
            format!("deepened, head {}", short(&epoch.head_after))
        } else if epoch.head_before == epoch.head_after {
            format!("up to date at {}", short(&epoch.head_after))
        } else {
            format!(
                "fetched {}..{}",
                short(&epoch.head_before),
                short(&epoch.head_after)
            )
        };
        eprintln!("lore-digest: git/{}.git: {what}", epoch.number);
    }
    println!("{}", outcome.mirror.display());
    Ok(())
}

/// A spinner per epoch on a terminal; nothing when stderr is not one.
struct BarProgress {
    bar: indicatif::ProgressBar,
}

impl BarProgress {
    fn new() -> Self {
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        BarProgress { bar }
    }
}

impl lore_digest::sync::SyncProgress for BarProgress {
    fn epochs_found(&self, total: usize) {
        if total > 0 {
            self.bar.set_message(format!("{total} epoch(s) to sync"));
        }
    }

    fn epoch_started(&self, number: u32, cloning: bool) {
        let doing = if cloning { "cloning" } else { "fetching" };
        self.bar.set_message(format!("git/{number}.git: {doing}"));
    }

    fn epoch_done(&self, outcome: &lore_digest::sync::EpochOutcome) {
        self.bar
            .set_message(format!("git/{}.git: done", outcome.number));
    }
}

/// Writes the output: to FILE atomically (see `lore_digest::atomic`), or
/// to standard output, where a reader that stops early (`| head`) is fine
/// when `closed_ok`, and an error otherwise (an update not read in full
/// must not count as delivered).
fn emit(
    output: Option<&Path>,
    closed_ok: bool,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Failure> {
    if let Some(path) = output {
        return lore_digest::atomic::write_atomically_with(path, write).map_err(|e| Failure {
            message: format!("{}: {e}", path.display()),
            code: EXIT_FAILURE,
        });
    }
    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    match write(&mut stdout).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        // `lore-digest report … | head` is not an error.
        Err(e) if closed_ok && e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure {
            message: format!("writing the report: {e}"),
            code: EXIT_FAILURE,
        }),
    }
}
