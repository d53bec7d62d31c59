//! `lore-digest update`: sync a list, report what arrived since the last
//! update, and only then record the new position.

use std::path::PathBuf;

use lore_digest::archive::{Mark, Selection, parse_when};
use lore_digest::atomic::remove_stale_temp_files;
use lore_digest::deliver::mail::{Addresses, MailThread, Outgoing};
use lore_digest::deliver::smtp::{self, SmtpServer};
use lore_digest::deliver::{self, ListSpan, Span, sendmail};
use lore_digest::lists::{
    Group, GroupState, List, ListSettings, Reported, State, default_group_state_path,
    default_state_path, remembered,
};
use lore_digest::sync::SyncOptions;
use lore_digest::{Error, render, report};

use super::sync::list_mirror;
use crate::args::{
    Format, PatienceArgs, chosen_format, lists_web_archive, load_config, read_identities,
};
use crate::exit::Failure;
use crate::output::{Verbosity, emit, verbosity, write_report};
use crate::progress::note;

#[derive(clap::Args)]
pub struct UpdateArgs {
    /// A list: a `[lists.NAME]` of the configuration file, or any lore list
    /// by name (`kvm` → https://lore.kernel.org/kvm); or a `[groups.NAME]`
    /// of lists, reported together, each list continuing from where it
    /// stood in the group's last update.
    #[arg(value_name = "LIST|GROUP")]
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

    /// Where the state is kept. Default: $XDG_STATE_HOME/lore-digest/LIST.json
    /// (a group's: …/lore-digest/groups/GROUP.json, every list's state in one file).
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,

    /// Write the report to FILE (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,

    #[command(flatten)]
    patience: PatienceArgs,

    #[command(flatten)]
    delivery: DeliveryArgs,
}

/// Where else an update goes: a mail, a published site.
#[derive(clap::Args)]
#[command(next_help_heading = "Delivery")]
pub struct DeliveryArgs {
    /// Mail the update (text and HTML in one message) to ADDR; several are
    /// separated by commas or given by repeating the option. Default: the
    /// list's `mail_to`. Example: `--mail-to kvm-digest@example.org`.
    #[arg(long, value_name = "ADDR[,ADDR…]")]
    mail_to: Vec<String>,

    /// The mail's sender (default: the list's `mail_from`).
    /// Example: `--mail-from "KVM digest <bot@example.org>"`.
    #[arg(long, value_name = "ADDR")]
    mail_from: Option<String>,

    /// Send through this server: `smtp://[user@]host[:port]` (STARTTLS,
    /// required unless the host is this machine; port 587) or
    /// `smtps://[user@]host[:port]` (TLS; port 465). A user's password is
    /// read from $LORE_DIGEST_SMTP_PASSWORD. Default: the list's `smtp`.
    #[arg(long, value_name = "URL", conflicts_with = "sendmail")]
    smtp: Option<String>,

    /// Hand the mail to the local MTA, `sendmail -t -i` (or PROGRAM).
    /// Default: the list's `sendmail`.
    #[arg(long, value_name = "PROGRAM", num_args = 0..=1, require_equals = true,
          default_missing_value = "sendmail")]
    sendmail: Option<String>,

    /// Write the mail to DIR/NAME.eml instead of sending it.
    #[arg(long, value_name = "DIR")]
    mail_dry_run: Option<PathBuf>,

    /// Keep a static site of the list's updates in DIR: a page per update,
    /// index.html and feed.atom. Default: the list's `publish`.
    #[arg(long, value_name = "DIR")]
    publish: Option<PathBuf>,

    /// The site's public address, for absolute links in the feed
    /// (default: the list's `publish_url`; without one they are relative).
    #[arg(long, value_name = "URL")]
    publish_url: Option<String>,

    /// Append one JSON line per thing that happened (a series posted,
    /// revised, reviewed, applied …) to FILE, all of an update or none.
    /// Default: the list's `events`. `lore-digest schema events` describes
    /// the lines.
    #[arg(long, value_name = "FILE")]
    events: Option<PathBuf>,
}

/// What the last update left (see [`Followed::load`]).
type Previous = (Vec<Option<State>>, Option<MailThread>, Vec<Reported>);

/// What an update follows: one list, or a group of lists reported together.
enum Followed {
    List(List),
    Group(Group),
}

impl Followed {
    fn resolve(config: &lore_digest::lists::Config, name: &str) -> Result<Followed, Error> {
        match config.group(name) {
            Some(group) => group.map(Followed::Group),
            None => config.list(name).map(Followed::List),
        }
    }

    fn name(&self) -> &str {
        match self {
            Followed::List(list) => &list.name,
            Followed::Group(group) => &group.name,
        }
    }

    fn settings(&self) -> &ListSettings {
        match self {
            Followed::List(list) => &list.settings,
            Followed::Group(group) => &group.settings,
        }
    }

    fn lists(&self) -> &[List] {
        match self {
            Followed::List(list) => std::slice::from_ref(list),
            Followed::Group(group) => &group.lists,
        }
    }

    /// A list's state file, or a group's (apart from its lists' own).
    fn default_state_path(&self) -> Option<PathBuf> {
        match self {
            Followed::List(list) => default_state_path(&list.name),
            Followed::Group(group) => default_group_state_path(&group.name),
        }
    }

    /// What the last update left: each list's state, the mail thread, and
    /// the mails a group reported lately (none for one list, whose state
    /// alone says what it reported).
    fn load(&self, path: &std::path::Path) -> Result<Previous, Error> {
        Ok(match self {
            Followed::List(_) => {
                let state = State::load(path)?;
                let thread = state.as_ref().and_then(|s| s.thread.clone());
                (vec![state], thread, Vec::new())
            }
            Followed::Group(group) => {
                let state = GroupState::load(path)?.unwrap_or_default();
                let states = group
                    .lists
                    .iter()
                    .map(|l| state.lists.get(&l.name).cloned())
                    .collect();
                (states, state.thread, state.reported)
            }
        })
    }

    /// Records where each list stands now (`news`, in the order of
    /// [`Followed::lists`]), the mail thread and, for a group, the mails
    /// it remembers as reported, in one atomic write.
    fn save(
        &self,
        path: &std::path::Path,
        news: Vec<(Vec<Mark>, Vec<String>)>,
        thread: Option<MailThread>,
        reported: Vec<Reported>,
    ) -> Result<(), Error> {
        let mut states = self
            .lists()
            .iter()
            .zip(news)
            .map(|(list, (marks, last_ids))| {
                (list.name.clone(), State::after(&list.url, &marks, last_ids))
            });
        match self {
            Followed::List(_) => {
                let Some((_, mut state)) = states.next() else {
                    return Ok(());
                };
                state.thread = thread;
                state.save(path)
            }
            Followed::Group(_) => GroupState {
                updated: jiff::Timestamp::now().to_string(),
                lists: states.collect(),
                reported,
                thread,
            }
            .save(path),
        }
    }

    /// Where an update starts and ends: the list's heads, or every list's.
    fn span(&self, previous: &[Option<State>], news: &[(Vec<Mark>, Vec<String>)]) -> Span {
        let marks: Vec<Option<Vec<Mark>>> = previous
            .iter()
            .map(|s| s.as_ref().map(State::marks))
            .collect();
        let parts: Vec<ListSpan<'_>> = self
            .lists()
            .iter()
            .zip(&marks)
            .zip(news)
            .map(|((list, before), (now, _))| {
                (list.url.as_str(), before.as_deref(), now.as_slice())
            })
            .collect();
        match (self, parts.as_slice()) {
            (Followed::List(_), [(url, before, now)]) => Span::new(url, *before, now),
            _ => Span::of_group(self.name(), &parts),
        }
    }
}

pub fn run(args: UpdateArgs) -> Result<(), Failure> {
    let followed = Followed::resolve(&load_config(args.config.as_deref())?, &args.list)?;
    let settings = followed.settings();
    let format = chosen_format(args.format, settings)?;
    // Delivery settings are checked before anything is synced.
    let mail = mail_plan(&args.delivery, settings)?;
    let publish = args.delivery.publish.clone().or(settings.publish.clone());
    let publish_url = args
        .delivery
        .publish_url
        .clone()
        .or(settings.publish_url.clone());
    let events = args.delivery.events.clone().or(settings.events.clone());
    let top = args.top.or(settings.top).unwrap_or(15);
    let identities = read_identities(
        settings.mailmap.as_deref(),
        settings.orgmap.as_deref(),
        settings.no_default_orgmap.unwrap_or(false),
    )?;
    let (maintainers, maintainers_warnings) =
        crate::args::read_maintainers(settings.maintainers.as_deref())?;
    let Some(state_path) = args.state.clone().or_else(|| followed.default_state_path()) else {
        return Err(Failure::input(
            "no state file: neither XDG directories nor HOME are set; name one",
        ));
    };
    let wait = args.patience.wait();
    // One update of a list (or group) at a time (see `State::lock`).
    let _updating = State::lock(&state_path, followed.name(), wait, &note)?;
    // A report being written is the update's too.
    for leftover in args.output.iter().flat_map(|o| remove_stale_temp_files(o)) {
        note(&format!(
            "removed {}, left by an interrupted update",
            leftover.display()
        ));
    }
    let (previous, thread, reported) = followed.load(&state_path)?;
    let since = parse_when(&args.since, jiff::Timestamp::now())?.as_second();
    let mut sources = Vec::new();
    let mut marks = Vec::new();
    let mut mirror_locks = Vec::new();
    for (list, state) in followed.lists().iter().zip(&previous) {
        let sync = SyncOptions {
            // A list's first update needs history back to --since only.
            since: state.is_none().then_some(since),
            timeout: args.patience.timeout(),
            wait,
        };
        // The mirror stays locked until the report is made, so the heads
        // recorded below are those of the history reported.
        let (mirror, mirror_lock) = list_mirror(list, &sync, false)?;
        mirror_locks.push(mirror_lock);
        let archive = crate::args::open_archive(&mirror)?;
        let selection = match state {
            Some(state) => Selection::After(state.marks()),
            None => Selection::Window {
                since: jiff::Timestamp::from_second(since).ok(),
                until: None,
            },
        };
        marks.push(archive.marks()?);
        sources.push(report::Source {
            name: list.name.clone(),
            archive,
            selection,
        });
    }
    let urls: Vec<Option<&str>> = followed
        .lists()
        .iter()
        .map(|l| Some(l.url.as_str()))
        .collect();
    let options = report::Options {
        list: settings.title.clone(),
        url: lists_web_archive(&urls),
        lookback: report::Lookback::All,
        identities,
        index_cache: lore_digest::lists::default_cache_dir(),
        cache_wait: wait,
        already_reported: previous
            .iter()
            .flatten()
            .flat_map(|s| s.last_ids.iter().cloned())
            .chain(reported.iter().map(|r| r.id.clone()))
            .collect(),
        maintainers,
        maintainers_warnings,
        // The list's watchlist names people who may well be silent in
        // one update: a warning, not a failed run.
        watch: settings.watch.clone(),
        // This update beside the period of the same length before it, as
        // `report` compares by default.
        compare: lore_digest::trends::Compare::Previous,
        // Mail and the site are text and HTML; the output is `format`.
        commit_messages: super::report::commit_messages_for(format),
        ..Default::default()
    };
    let built = report::build_lists_with_arrivals(&sources, &options);
    // What the new state remembers to find its place after a rewrite.
    let mut news = Vec::with_capacity(sources.len());
    for (source, marks) in sources.iter().zip(marks) {
        let last_ids = source.archive.ids_at_marks(&marks)?;
        news.push((marks, last_ids));
    }
    drop(mirror_locks);
    let (report, reported) = match built {
        Ok((report, arrivals)) => (report, remembered(&reported, arrivals)),
        Err(Error::EmptySelection(_)) => {
            if verbosity() > Verbosity::Quiet {
                eprintln!(
                    "lore-digest: no new mail on {} since the last update",
                    followed.name()
                );
            }
            // Heads may have moved without new mail (a purge): remember them.
            followed.save(&state_path, news, thread, reported)?;
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    };
    crate::output::print_warnings(&report.warnings);
    // Shared with the Markdown and HTML templates while they render.
    let report = std::sync::Arc::new(report);
    let span = followed.span(&previous, &news);
    // Each delivery comes before the state, the mail last of them: it is
    // the one step that cannot be taken back (see `lore_digest::deliver`).
    // The message is made first, so that nothing is delivered when it
    // cannot be.
    let html = (mail.is_some() || publish.is_some()).then(|| render::html::render(&report, top));
    let outgoing = match (&mail, &html) {
        (Some(plan), Some(html)) => Some(deliver::mail::message(
            &report,
            render::text::render(&report, top),
            html.clone(),
            &plan.addresses,
            &span,
            thread.as_ref(),
        )?),
        _ => None,
    };
    // With a mail, a site or an events file to deliver to, standard output
    // gets the report only when -o names it.
    if args.output.is_some() || (mail.is_none() && publish.is_none() && events.is_none()) {
        emit(args.output.as_deref(), false, |out| {
            write_report(format, &report, top, out)
        })?;
    }
    if let (Some(dir), Some(html)) = (&publish, &html) {
        deliver::publish::publish(dir, &report, html, &span, publish_url.as_deref())?;
    }
    // Appended last of what can fail here, and taken back when what follows
    // fails, so the rerun from the same state appends the lines once.
    let appended = match &events {
        Some(path) => Some(deliver::events::append(
            path,
            &lore_digest::events::to_jsonl(&lore_digest::events::events(&report)),
        )?),
        None => None,
    };
    let committed = (|| {
        let thread = match (&mail, outgoing) {
            (Some(plan), Some(outgoing)) => {
                plan.transport.send(&outgoing, args.patience.timeout())?;
                Some(MailThread::after(thread.as_ref(), &outgoing.message_id))
            }
            _ => thread,
        };
        // Only now that the update is out do the lists move on.
        followed.save(&state_path, news, thread, reported)?;
        Ok::<(), Failure>(())
    })();
    if committed.is_err()
        && let Some(appended) = appended
    {
        appended.roll_back();
    }
    committed
}

/// Who to mail and how.
struct MailPlan {
    addresses: Addresses,
    transport: Transport,
}

/// How a mail goes out.
enum Transport {
    Smtp {
        server: SmtpServer,
        password: Option<String>,
    },
    Sendmail(String),
    DryRun(PathBuf),
}

impl Transport {
    fn send(&self, mail: &Outgoing, timeout: std::time::Duration) -> Result<(), Failure> {
        match self {
            Transport::Smtp { server, password } => {
                smtp::send(server, password.as_deref(), mail, timeout)?
            }
            Transport::Sendmail(program) => sendmail::send(program, mail)?,
            Transport::DryRun(dir) => {
                let name = mail
                    .message_id
                    .trim_matches(['<', '>'])
                    .split('@')
                    .next()
                    .unwrap_or("update");
                let path = dir.join(format!("{name}.eml"));
                std::fs::create_dir_all(dir)
                    .and_then(|()| lore_digest::atomic::write_atomically(&path, &mail.bytes))
                    .map_err(|e| Failure::failed(format!("{}: {e}", path.display())))?;
            }
        }
        Ok(())
    }
}

/// The mail settings of the options over the list's, checked: `None` when
/// the update is not mailed.
fn mail_plan(args: &DeliveryArgs, settings: &ListSettings) -> Result<Option<MailPlan>, Failure> {
    let to = if args.mail_to.is_empty() {
        settings.mail_to.clone().unwrap_or_default()
    } else {
        args.mail_to.clone()
    };
    if to.is_empty() {
        if args.mail_from.is_some()
            || args.smtp.is_some()
            || args.sendmail.is_some()
            || args.mail_dry_run.is_some()
        {
            return Err(Failure::input(
                "--mail-from, --smtp, --sendmail and --mail-dry-run need --mail-to (or the list's mail_to)",
            ));
        }
        return Ok(None);
    }
    let Some(from) = args.mail_from.clone().or(settings.mail_from.clone()) else {
        return Err(Failure::input(
            "--mail-to needs --mail-from (or the list's mail_from)",
        ));
    };
    let addresses = Addresses::parse(&from, &to)?;
    let smtp = |url: &str| -> Result<Transport, Failure> {
        let server = SmtpServer::parse(url)?;
        let password = std::env::var(smtp::PASSWORD_VARIABLE)
            .ok()
            .filter(|p| !p.is_empty());
        if let (Some(user), None) = (&server.user, &password) {
            return Err(Failure::input(format!(
                "{}: a user ({user}) is named but {} is not set",
                server.name(),
                smtp::PASSWORD_VARIABLE
            )));
        }
        Ok(Transport::Smtp { server, password })
    };
    let transport = match (
        &args.mail_dry_run,
        &args.smtp,
        &args.sendmail,
        &settings.smtp,
        &settings.sendmail,
    ) {
        (Some(dir), ..) => Transport::DryRun(dir.clone()),
        (None, Some(url), ..) => smtp(url)?,
        (None, None, Some(program), ..) => Transport::Sendmail(program.clone()),
        (None, None, None, Some(_), Some(_)) => {
            return Err(Failure::input(
                "the configuration gives the list both smtp and sendmail: keep one",
            ));
        }
        (None, None, None, Some(url), None) => smtp(url)?,
        (None, None, None, None, Some(program)) => Transport::Sendmail(program.clone()),
        (None, None, None, None, None) => {
            return Err(Failure::input(
                "--mail-to needs a way to send: --smtp URL, --sendmail or --mail-dry-run DIR (or the list's smtp or sendmail)",
            ));
        }
    };
    Ok(Some(MailPlan {
        addresses,
        transport,
    }))
}
