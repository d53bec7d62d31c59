//! `lore-digest sync`: mirror an inbox over git; and the mirror of a list
//! by name, which `report LIST` and `update` sync before reading.

use std::path::PathBuf;

use lore_digest::archive::parse_when;

use lore_digest::sync::{MirrorLock, SyncOptions};

use crate::args::PatienceArgs;
use crate::exit::Failure;
use crate::progress::BarProgress;

#[derive(clap::Args)]
pub struct SyncArgs {
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

    #[command(flatten)]
    patience: PatienceArgs,
}

pub fn run(args: SyncArgs) -> Result<(), Failure> {
    let since = args
        .since
        .as_deref()
        .map(|s| parse_when(s, jiff::Timestamp::now()))
        .transpose()?
        .map(|t| t.as_second());
    let Some(into) = args
        .into
        .or_else(|| lore_digest::sync::default_mirror_dir(&args.url))
    else {
        return Err(Failure::input(
            "no mirror directory: give --into DIR (neither XDG_DATA_HOME nor HOME is set)",
        ));
    };
    let progress = BarProgress::new();
    let options = SyncOptions {
        since,
        timeout: args.patience.timeout(),
        wait: args.patience.wait(),
    };
    let outcome = lore_digest::sync::sync(&args.url, &into, &options, &progress);
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
        if crate::output::verbosity() > crate::output::Verbosity::Quiet {
            eprintln!("lore-digest: git/{}.git: {what}", epoch.number);
        }
    }
    println!("{}", outcome.mirror.display());
    Ok(())
}

/// A list's archive: its configured `path` as it is, else its mirror,
/// synced first (unless offline). A synced mirror comes with its lock,
/// held until the caller drops it, so that what it reads next is what
/// this sync left.
pub fn list_mirror(
    list: &lore_digest::lists::List,
    options: &SyncOptions,
    offline: bool,
) -> Result<(PathBuf, Option<MirrorLock>), Failure> {
    if let Some(path) = &list.settings.path {
        return Ok((path.clone(), None));
    }
    let mirror = lore_digest::sync::default_mirror_dir(&list.url).ok_or_else(|| {
        Failure::input("no mirror directory: neither XDG_DATA_HOME nor HOME is set")
    })?;
    if offline {
        return Ok((mirror, None));
    }
    let progress = BarProgress::new();
    let synced =
        lore_digest::sync::lock_mirror(&mirror, options.wait, &progress).and_then(|lock| {
            lore_digest::sync::sync_locked(&list.url, &lock, options, &progress)
                .map(|outcome| (outcome.mirror, Some(lock)))
        });
    progress.bar.finish_and_clear();
    Ok(synced?)
}
