//! Options and settings several commands share: which mails (a range or a
//! window), who is who (mailmap and organizations), the report format, and
//! the configuration file that names lists.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::ValueEnum;
use lore_digest::Error;
use lore_digest::analysis::{Identities, Mailmap, OrgMap};
use lore_digest::archive::{Archive, ArchiveKind, Selection, parse_until, parse_when};
use lore_digest::lock::Wait;
use lore_digest::report;

use crate::exit::Failure;

/// The environment variable that chooses how mails are read: `commit`,
/// `pack` or `auto` (the default). Hidden: it is for tests and benchmarks,
/// which compare the two readers (README, "Speed").
pub const READER_VAR: &str = "LORE_DIGEST_READER";

/// Opens an archive, read as [`READER_VAR`] says.
pub fn open_archive(path: &Path) -> Result<Archive, Failure> {
    // A bad value is said before anything is opened, whatever the archive.
    let reader = match std::env::var_os(READER_VAR) {
        None => None,
        Some(value) => Some(
            value
                .to_str()
                .unwrap_or_default()
                .parse::<lore_digest::archive::Reader>()
                .map_err(|e| {
                    Failure::input(format!("{READER_VAR}={}: {e}", value.to_string_lossy()))
                })?,
        ),
    };
    let archive = Archive::open(path)?;
    Ok(match reader {
        Some(reader) => archive.with_reader(reader),
        None => archive,
    })
}

/// Which mails: a commit range or a time window (report and export).
#[derive(clap::Args)]
pub struct SelectionArgs {
    /// Commits reachable from B and not from A, as git means it (full or
    /// abbreviated ids, or refs); `B` alone is all history up to B.
    /// Example: `--range 42c98786..45c9ebb3`, `--range master`.
    #[arg(long, value_name = "A..B", conflicts_with_all = ["since", "until"])]
    pub range: Option<String>,

    /// Mails that arrived at or after WHEN (commit time): `2025-05-01`,
    /// `2025-05-01T12:00:00Z`, or a time ago such as `7d`, `24h`, `90m`.
    /// Example: `--since 7d`.
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,

    /// Mails that arrived at or before WHEN; same forms as --since (a bare
    /// date includes that whole day). Example: `--until 2025-05-08`.
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,
}

impl SelectionArgs {
    /// The selection that --range or --since/--until ask for; `None` when
    /// neither was given.
    pub fn selection(&self) -> Result<Option<Selection>, Error> {
        if self.range.is_none() && self.since.is_none() && self.until.is_none() {
            return Ok(None);
        }
        match &self.range {
            Some(range) => Selection::parse_range(range).map(Some),
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
                Ok(Some(Selection::Window { since, until }))
            }
        }
    }
}

/// The selection, or without one, every mail of a mailbox: an mbox or
/// Maildir is a set of mails to report on as a whole. A git archive holds
/// years of history, so it needs a range or a window.
pub fn selection_or_all(
    selection: Option<Selection>,
    archive: &Archive,
) -> Result<Selection, Failure> {
    match selection {
        Some(selection) => Ok(selection),
        None if matches!(archive.kind(), ArchiveKind::Mbox | ArchiveKind::Maildir) => {
            Ok(Selection::Window {
                since: None,
                until: None,
            })
        }
        None => Err(no_selection()),
    }
}

/// The error for a git archive given no selection.
pub fn no_selection() -> Failure {
    Failure::input(
        "no selection: give a time window such as --since 7d, or a commit range such as --range A..B",
    )
}

/// Who is who: the mailmap and the organization map (report and export).
#[derive(clap::Args)]
pub struct IdentityArgs {
    /// Merge each person's names and addresses by a mailmap in git's format
    /// (`Proper Name <proper@email> <commit@email>` and the other forms of
    /// gitmailmap(5)); applies to authors, senders, reviewers and
    /// participants alike. Example: `--mailmap ~/linux/.mailmap`.
    #[arg(long, value_name = "FILE")]
    pub mailmap: Option<PathBuf>,

    /// Add domain → organization lines in gitdm's format (`domain
    /// Organization Name`) to the built-in map, overriding it for the same
    /// domain; subdomains fold to their parent. Example: `--orgmap domains.map`.
    #[arg(long, value_name = "FILE")]
    pub orgmap: Option<PathBuf>,

    /// Leave out the built-in organization map: only --orgmap's domains
    /// are named, every other domain stands for itself.
    #[arg(long)]
    pub no_default_orgmap: bool,
}

/// What concerns the reader: a watchlist (report and update). Given
/// more than once, or with a list's `watch`, the criteria add up: a series
/// is kept when any of them holds.
#[derive(clap::Args)]
pub struct WatchArgs {
    /// Keep the series touching MAINTAINERS sections whose name matches
    /// GLOB (`*`, `?`, `[…]`, case ignored; needs --maintainers).
    /// Example: `--section 'Hyper-V*'`.
    #[arg(long = "section", value_name = "GLOB")]
    pub sections: Vec<String>,

    /// Keep the series by, reviewed by, or waiting on (as `M:`/`R:` of
    /// one of their sections) a person: an address or a full name.
    /// Example: `--who wei.liu@kernel.org`.
    #[arg(long, value_name = "EMAIL|NAME")]
    pub who: Vec<String>,

    /// Keep the series by people of an organization (as the organization
    /// map names it) or of a domain. Example: `--org Microsoft`.
    #[arg(long = "org", value_name = "ORG")]
    pub orgs: Vec<String>,

    /// Keep the series touching a file matching GLOB, or a file below a
    /// directory matching it (`*` within one directory, `**` across).
    /// Example: `--files 'drivers/hv'`, `--files 'arch/*/hyperv/**'`.
    #[arg(long, value_name = "GLOB")]
    pub files: Vec<String>,
}

impl WatchArgs {
    /// The watchlist asked for: these flags added to the list's `watch`;
    /// `None` when neither asks for anything.
    pub fn watch(
        &self,
        configured: Option<&lore_digest::watch::Watch>,
    ) -> Option<lore_digest::watch::Watch> {
        let flags = lore_digest::watch::Watch {
            sections: self.sections.clone(),
            who: self.who.clone(),
            orgs: self.orgs.clone(),
            files: self.files.clone(),
        };
        let watch = match configured {
            Some(configured) => configured.clone().merged(&flags),
            None => flags,
        };
        (!watch.is_empty()).then_some(watch)
    }
}

/// How long to wait for another run and for a server (sync, update,
/// report LIST).
#[derive(clap::Args)]
pub struct PatienceArgs {
    /// When another run is updating the same list or syncing the same
    /// mirror, wait up to SECONDS for it to finish, then give up with exit
    /// code 75. Example: `--wait 3600`.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub wait: u64,

    /// When another run is updating the same list or syncing the same
    /// mirror, exit at once with code 75 instead of waiting.
    #[arg(long, conflicts_with = "wait")]
    pub no_wait: bool,

    /// Give up a transfer that makes no progress (less than 10 bytes/s) for
    /// SECONDS, with exit code 3. Example: `--timeout 30`.
    #[arg(long, value_name = "SECONDS", default_value_t = 120,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,
}

impl PatienceArgs {
    /// The deadline for every lock of this run, from now.
    pub fn wait(&self) -> Wait {
        if self.no_wait {
            Wait::No
        } else {
            Wait::for_duration(Duration::from_secs(self.wait))
        }
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout)
    }
}

/// The report formats.
#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    /// The plain-text update.
    Text,
    /// Every figure and series, machine-readable.
    Json,
    /// For GitHub, GitLab and mail: tables and fenced commit messages.
    Markdown,
    /// One self-contained page with charts; loads nothing, runs no script.
    Html,
}

/// The format asked for, else the list's, else text.
pub fn chosen_format(
    asked: Option<Format>,
    settings: &lore_digest::lists::ListSettings,
) -> Result<Format, Failure> {
    match (asked, settings.format.as_deref()) {
        (Some(format), _) => Ok(format),
        (None, Some(name)) => Format::from_str(name, true).map_err(|_| {
            Failure::input(format!(
                "unknown format '{name}' in the configuration (text, json, markdown, html)"
            ))
        }),
        (None, None) => Ok(Format::Text),
    }
}

/// `--lookback`: `all`, `none` or a time.
pub fn parse_lookback(value: &str) -> Result<report::Lookback, String> {
    match value.trim() {
        "all" => Ok(report::Lookback::All),
        "none" | "0" => Ok(report::Lookback::Off),
        text => lore_digest::archive::parse_duration(text)
            .map(report::Lookback::Seconds)
            .ok_or_else(|| format!("expected `all`, `none` or a time such as 180d, got `{text}`")),
    }
}

/// `--compare`: `none`, `previous`, or `A..B`: commits as `--range`
/// takes them, or two times as `--since`/`--until` take them
/// (`2025-04-01..2025-04-30`, the second day included whole).
pub fn parse_compare(value: &str) -> Result<lore_digest::trends::Compare, String> {
    use lore_digest::trends::Compare;
    let value = value.trim();
    match value {
        "none" => return Ok(Compare::None),
        "previous" => return Ok(Compare::Previous),
        _ => {}
    }
    let Some((a, b)) = value.split_once("..") else {
        return Err(format!(
            "expected `none`, `previous` or `A..B` (commits, or times such as 2025-04-01..2025-04-30), got `{value}`"
        ));
    };
    let now = jiff::Timestamp::now();
    if let (Ok(since), Ok(until)) = (parse_when(a, now), parse_until(b, now)) {
        return Ok(Compare::With(Selection::Window {
            since: Some(since),
            until: Some(until),
        }));
    }
    Selection::parse_range(value)
        .map(Compare::With)
        .map_err(|e| e.to_string())
}

/// The mailmap and organization map: the built-in map unless left out,
/// extended by `orgmap`.
pub fn read_identities(
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

/// The MAINTAINERS file, read once for the run: its skipped lines are
/// warned about now (each once), and given to the report too.
pub fn read_maintainers(path: Option<&Path>) -> Result<MaintainersOption, Error> {
    let Some(path) = path else {
        return Ok((None, Vec::new()));
    };
    let (maintainers, warnings) = lore_digest::maintainers::Maintainers::read(path)?;
    Ok((Some(std::sync::Arc::new(maintainers)), warnings))
}

/// A MAINTAINERS file read for a report, with the lines it skipped.
pub type MaintainersOption = (
    Option<std::sync::Arc<lore_digest::maintainers::Maintainers>>,
    Vec<String>,
);

/// The configuration at `path`, or at the default place (where a missing
/// file is an empty configuration).
pub fn load_config(path: Option<&Path>) -> Result<lore_digest::lists::Config, Error> {
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
pub fn web_archive(url: Option<&str>) -> Option<String> {
    url.filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        .map(|u| u.trim_end_matches('/').to_string())
}

/// Where a report of lists (their URLs, none for an archive given by
/// path) links its mails: one list's own web archive; lore's `all` when
/// they are all lore's (it finds a mail of any list); else nowhere.
pub fn lists_web_archive(urls: &[Option<&str>]) -> Option<String> {
    match urls {
        [only] => web_archive(*only),
        several => {
            let lore = format!("{}/", lore_digest::lists::LORE);
            several
                .iter()
                .all(|u| u.is_some_and(|u| u.starts_with(&lore)))
                .then(|| format!("{lore}all"))
        }
    }
}

/// A name that two of `names` share (the first in sorting order), if any:
/// lists read together must be told apart.
pub fn named_twice<'a>(names: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let mut names: Vec<&str> = names.collect();
    names.sort_unstable();
    names.windows(2).find(|w| w[0] == w[1]).map(|w| w[0])
}

/// `NAME=PATH` as a name and a path; a path that exists as given, or
/// whose part before `=` is no list name, is a path.
pub fn named_archive(given: &Path) -> (Option<&str>, PathBuf) {
    let split = given
        .to_str()
        .filter(|_| !given.exists())
        .and_then(|s| s.split_once('='))
        .filter(|(name, path)| {
            !name.is_empty()
                && !path.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        });
    match split {
        Some((name, path)) => (Some(name), PathBuf::from(path)),
        None => (None, given.to_path_buf()),
    }
}
