//! `lore-digest`: the command-line front end. It parses arguments, calls the
//! library and maps errors to exit codes; all the work is in `lore_digest`.
//!
//! Each command lives in its own file under `commands/`; what several share
//! (selection and identity options, output, exit codes) sits beside this one.

mod args;
mod commands;
mod exit;
mod output;
mod progress;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use exit::{EXIT_INTERRUPTED, Failure};

#[derive(Parser)]
#[command(
    name = "lore-digest",
    version,
    about = "Turn a public-inbox mailing-list archive into a readable update report"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,

    /// Print nothing but errors: no notes, warnings or progress.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,

    /// List every warning (by default several are summed up on one line)
    /// and say what each step does.
    #[arg(short, long, global = true)]
    verbose: bool,
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
    Report(Box<commands::report::ReportArgs>),
    /// Mirror a public-inbox archive (all its epochs) over git; later runs
    /// fetch only what is new.
    #[command(after_help = "\
Examples:
  lore-digest sync https://lore.kernel.org/kvm --since 30d
  lore-digest sync https://lore.kernel.org/linux-hyperv --into ~/lore/linux-hyperv
  lore-digest sync git://example.org/lists/kvm/git/0.git --into /srv/kvm")]
    Sync(commands::sync::SyncArgs),
    /// Sync a list and report what arrived since its last update; the new
    /// position is recorded only once the report was written.
    #[command(after_help = "\
Examples:
  lore-digest update kvm                       # first run: the last 7 days
  lore-digest update kvm --format markdown -o kvm-update.md
  lore-digest update linux-hyperv --since 30d --config ~/lists.toml")]
    Update(commands::update::UpdateArgs),
    /// Write one record per message (JSON Lines or Parquet) for DuckDB, Spark or pandas,
    /// or grow a Parquet dataset of many lists (--dataset).
    #[command(after_help = "\
Examples:
  lore-digest export --archive linux-hyperv.git --range master -o hyperv.jsonl
  lore-digest export --archive linux-hyperv.git --range master --format parquet -o hyperv.parquet
  lore-digest export --archive ~/lore/kvm --since 30d --mailmap ~/linux/.mailmap -o kvm.jsonl
  lore-digest export --dataset ~/lore-dataset kvm kvmarm        # run again: adds what arrived since
  lore-digest export --dataset ds --archive kvm=/srv/lore/kvm --archive linux-hyperv.git")]
    Export(commands::export::ExportArgs),
    /// A table per month (or week, quarter, year) over a long window: mails,
    /// series, patches, applied, reviews, days to first review, reviews
    /// across organizations, the top organizations.
    #[command(after_help = "\
Examples:
  lore-digest trends --archive linux-hyperv.git --by year
  lore-digest trends --archive ~/lore/kvm --since 2024-01-01 --format html -o kvm-trends.html
  lore-digest trends kvm --since 2y --by quarter --format json")]
    Trends(Box<commands::trends::TrendsArgs>),
    /// Print the JSON Schema of the JSON report, an export record, an event or the trends table.
    #[command(after_help = "\
Examples:
  lore-digest schema report > report.schema.json
  lore-digest schema export
  lore-digest schema events")]
    Schema(commands::schema::SchemaArgs),
    /// Print a completion script for bash, zsh or fish.
    #[command(after_help = "\
Examples:
  source <(lore-digest completions bash)
  lore-digest completions zsh > ~/.zfunc/_lore-digest
  lore-digest completions fish > ~/.config/fish/completions/lore-digest.fish")]
    Completions(commands::completions::CompletionsArgs),
    /// Print the manual page (roff), or write every page into a directory.
    #[command(after_help = "\
Examples:
  lore-digest man | man -l -
  lore-digest man update | man -l -
  lore-digest man --dir ~/.local/share/man/man1")]
    Man(commands::man::ManArgs),
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
    output::set_verbosity(if cli.quiet {
        output::Verbosity::Quiet
    } else if cli.verbose {
        output::Verbosity::Verbose
    } else {
        output::Verbosity::Normal
    });
    let result = match cli.command {
        Command::Report(args) => commands::report::run(*args),
        Command::Sync(args) => commands::sync::run(args),
        Command::Update(args) => commands::update::run(args),
        Command::Export(args) => commands::export::run(args),
        Command::Trends(args) => commands::trends::run(*args),
        Command::Schema(args) => commands::schema::run(args),
        Command::Completions(args) => commands::completions::run(args, Cli::command()),
        Command::Man(args) => commands::man::run(args, Cli::command()),
    };
    // Which reader ran, for tests and benchmarks that compare them.
    let (in_pack_order, fallen_back) = lore_digest::archive::pack_order_counts();
    if in_pack_order + fallen_back > 0 && output::verbosity() == output::Verbosity::Verbose {
        eprintln!(
            "lore-digest: read {in_pack_order} commit(s) in pack order, {fallen_back} commit by commit"
        );
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure { message, code }) => {
            eprintln!("lore-digest: error: {message}");
            ExitCode::from(code)
        }
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
