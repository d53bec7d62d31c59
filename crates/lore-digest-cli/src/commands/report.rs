//! `lore-digest report`: the report on a range or window of an archive or
//! of a list by name.

use std::path::PathBuf;

use lore_digest::archive::Selection;
use lore_digest::lists::{List, ListSettings};
use lore_digest::report;
use lore_digest::sync::SyncOptions;
use lore_digest::trends::Compare;

use super::sync::list_mirror;
use crate::args::{
    Format, IdentityArgs, PatienceArgs, SelectionArgs, WatchArgs, chosen_format, lists_web_archive,
    load_config, named_archive, named_twice, no_selection, parse_compare, parse_lookback,
    read_identities, read_maintainers, selection_or_all,
};
use crate::exit::Failure;
use crate::output::{emit, write_report};

#[derive(clap::Args)]
pub struct ReportArgs {
    /// Lists by name instead of --archive: a `[lists.NAME]` of the
    /// configuration file, a `[groups.NAME]` of lists, or any lore list
    /// (`kvm`). Each mirror is synced first, back to --since when it is
    /// new. Several lists make one report, a mail cross-posted to them
    /// counted once. Example: `report kvm kvmarm --since 7d`.
    #[arg(
        value_name = "LIST",
        required_unless_present = "archive",
        conflicts_with = "archive"
    )]
    sources: Vec<String>,

    /// An archive: one epoch repository (bare or not, e.g.
    /// `kvm/git/0.git`), a v2 inbox directory holding `git/0.git`, …, a
    /// public-inbox v1 repository, an mbox file or a Maildir. Repeated,
    /// one report of them all, as `[NAME=]PATH`: NAME is the list's name
    /// in the report (default: the directory's). Example:
    /// `--archive kvm=/srv/lore/kvm --archive kvmarm=/srv/lore/kvmarm`.
    #[arg(long, value_name = "[NAME=]PATH")]
    archive: Vec<PathBuf>,

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

    /// An upstream git tree (e.g. a clone of the maintainer's tree): a
    /// patch is applied when one of its commits names the mail's
    /// Message-ID (`Link:`), has the same `git patch-id --stable`, or the
    /// same subject and author. Example: `--tree ~/linux`.
    #[arg(long, value_name = "PATH")]
    tree: Option<std::path::PathBuf>,

    /// The commits of --tree to read: `A..B` or `B` (default: HEAD, back to
    /// a day before the selection's first mail). Example:
    /// `--tree-range v6.15..hyperv-next`.
    #[arg(long, value_name = "RANGE", requires = "tree")]
    tree_range: Option<String>,

    /// The kernel's MAINTAINERS file: map every patch to its sections by
    /// the files its diff touches (and `K:` on its text), as
    /// get_maintainer.pl does, and report per section (default: the
    /// list's `maintainers`). Example: `--maintainers ~/linux/MAINTAINERS`.
    #[arg(long, value_name = "FILE")]
    maintainers: Option<PathBuf>,

    /// Compare the selection with another period: `previous` (the period
    /// of the same length just before it; nothing for a selection that
    /// starts with the archive), `none`, or `A..B`, commits as --range
    /// takes them or two times (`2025-04-01..2025-04-30`).
    /// Example: `--compare none`.
    #[arg(long, value_name = "none|previous|A..B", default_value = "previous",
          value_parser = parse_compare)]
    compare: Compare,

    #[command(flatten)]
    watch: WatchArgs,

    #[command(flatten)]
    identities: IdentityArgs,

    #[command(flatten)]
    patience: PatienceArgs,

    /// Write the report to FILE (atomically: a failed run leaves any previous
    /// FILE untouched) instead of standard output. Example: `-o update.txt`.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// How far back a window starting at `since` (and ending at `until`, else
/// now) needs mail, once compared: by `previous`, as far again before it;
/// by a window given, to that window's start.
fn compared_since(compare: &Compare, since: i64, until: Option<i64>) -> i64 {
    let until = until.unwrap_or_else(|| jiff::Timestamp::now().as_second());
    match compare {
        Compare::None => since,
        Compare::Previous => since.saturating_sub(until.saturating_sub(since).saturating_add(1)),
        Compare::With(Selection::Window {
            since: Some(other), ..
        }) => since.min(other.as_second()),
        // A range's time is known only once read: the window's start, and
        // a range before a shallow mirror's cut is an error that says so.
        Compare::With(_) => since,
    }
}

/// The lists a report reads, and the settings of its report.
struct Lists {
    /// Each list's name and where its archive is (once mirrored).
    lists: Vec<ListSource>,
    /// The settings: a single list's, a group's, or for several lists
    /// named one by one the first one's, without its title.
    settings: ListSettings,
}

/// One list named on the command line, resolved.
enum ListSource {
    Named(Box<List>),
    Archive(Option<String>, PathBuf),
}

/// The lists a report reads: named (groups expanded, each once) or given
/// as archives.
fn lists_of(args: &ReportArgs) -> Result<Lists, Failure> {
    if !args.archive.is_empty() {
        let lists = args
            .archive
            .iter()
            .map(|given| {
                let (name, path) = named_archive(given);
                ListSource::Archive(name.map(str::to_string), path)
            })
            .collect();
        return Ok(Lists {
            lists,
            settings: ListSettings::default(),
        });
    }
    let config = load_config(args.config.as_deref())?;
    let mut lists: Vec<List> = Vec::new();
    let mut settings = None;
    for name in &args.sources {
        let (members, own) = match config.group(name) {
            Some(group) => {
                let group = group?;
                (group.lists, group.settings)
            }
            None => {
                let list = config.list(name)?;
                let own = list.settings.clone();
                (vec![list], own)
            }
        };
        settings.get_or_insert(own);
        for list in members {
            if !lists.iter().any(|l| l.name == list.name) {
                lists.push(list);
            }
        }
    }
    let mut settings = settings.unwrap_or_default();
    // A list's title is not the title of a report of several.
    if args.sources.len() > 1 {
        settings.title = None;
    }
    Ok(Lists {
        lists: lists
            .into_iter()
            .map(|l| ListSource::Named(Box::new(l)))
            .collect(),
        settings,
    })
}

/// Where the report links its mails (see [`lists_web_archive`]).
fn link_base(lists: &[ListSource]) -> Option<String> {
    let urls: Vec<Option<&str>> = lists
        .iter()
        .map(|l| match l {
            ListSource::Named(list) => Some(list.url.as_str()),
            ListSource::Archive(..) => None,
        })
        .collect();
    lists_web_archive(&urls)
}

pub fn run(args: ReportArgs) -> Result<(), Failure> {
    let selection = args.selection.selection()?;
    let wait = args.patience.wait();
    // Lists by name bring their settings, which the arguments override.
    let Lists { lists, settings } = lists_of(&args)?;
    if lists.len() > 1 && matches!(selection, Some(Selection::Range { .. })) {
        return Err(Failure::input(
            "--range names commits of one archive: with several lists give a window (--since, --until)",
        ));
    }
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
    let (maintainers, maintainers_warnings) = read_maintainers(
        args.maintainers
            .as_deref()
            .or(settings.maintainers.as_deref()),
    )?;
    let url = args.url.clone().or_else(|| link_base(&lists));
    let mut sources = Vec::with_capacity(lists.len());
    for list in &lists {
        let (name, archive_path) = match list {
            ListSource::Archive(name, path) => (name.clone(), path.clone()),
            ListSource::Named(list) => {
                // A mirror is git: without a selection it would be synced
                // in full only to be refused.
                if selection.is_none() && list.settings.path.is_none() {
                    return Err(no_selection());
                }
                // A new mirror needs history back to the window's start
                // only, and to the start of the period it is compared with.
                let shallow_since = match &selection {
                    Some(Selection::Window { since, until }) => since.map(|t| {
                        compared_since(&args.compare, t.as_second(), until.map(|u| u.as_second()))
                    }),
                    _ => None,
                };
                let options = SyncOptions {
                    since: shallow_since,
                    timeout: args.patience.timeout(),
                    wait,
                };
                // The mirror's lock goes at once: a report records nothing,
                // so another sync may move the mirror while it reads.
                let path = list_mirror(list, &options, args.offline)?.0;
                (Some(list.name.clone()), path)
            }
        };
        let archive = crate::args::open_archive(&archive_path)?;
        let selection = selection_or_all(selection.clone(), &archive)?;
        sources.push(report::Source {
            name: name.unwrap_or_else(|| archive.name().to_string()),
            archive,
            selection,
        });
    }
    if let Some(twice) = named_twice(sources.iter().map(|s| s.name.as_str())) {
        return Err(Failure::input(format!(
            "two lists are named {twice}: name them apart with --archive NAME=PATH"
        )));
    }
    let report = report::build_lists(
        &sources,
        &report::Options {
            list: args.list.clone().or(settings.title.clone()),
            url,
            lookback: args.lookback,
            identities,
            tree: args.tree.clone().map(|path| report::TreeSource {
                path,
                range: args.tree_range.clone(),
            }),
            index_cache: if args.no_cache {
                None
            } else {
                lore_digest::lists::default_cache_dir()
            },
            cache_wait: wait,
            already_reported: Vec::new(),
            maintainers,
            maintainers_warnings,
            watch: args.watch.watch(settings.watch.as_ref()),
            // A name typed on the command line that matches nothing is a
            // typo; the configured list's people may just be silent.
            watch_strict: args.watch.watch(None).unwrap_or_default(),
            compare: args.compare.clone(),
            commit_messages: commit_messages_for(format),
            ..Default::default()
        },
    )?;
    crate::output::print_warnings(&report.warnings);
    // Shared with the Markdown and HTML templates while they render.
    let report = std::sync::Arc::new(report);
    let written = emit(args.output.as_deref(), true, |out| {
        write_report(format, &report, top, out)
    });
    // The process ends next: freeing the report's many small allocations
    // would only delay that.
    std::mem::forget(report);
    written
}

/// The commit messages a report in `format` needs: JSON has every
/// patch's; the other formats show a series' cover letter and first patch.
pub(crate) fn commit_messages_for(format: Format) -> report::CommitMessages {
    match format {
        Format::Json => report::CommitMessages::All,
        Format::Text | Format::Markdown | Format::Html => report::CommitMessages::Shown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_compared_window_is_mirrored_back_to_the_period_before() {
        let day = 86_400;
        assert_eq!(
            compared_since(&Compare::None, 10 * day, Some(17 * day - 1)),
            10 * day
        );
        assert_eq!(
            compared_since(&Compare::Previous, 10 * day, Some(17 * day - 1)),
            3 * day
        );
        let april = Compare::With(Selection::Window {
            since: jiff::Timestamp::from_second(day).ok(),
            until: None,
        });
        assert_eq!(compared_since(&april, 10 * day, None), day);
    }
}
