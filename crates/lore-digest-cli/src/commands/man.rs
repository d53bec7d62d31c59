//! `lore-digest man [COMMAND]`: the manual page, generated from the
//! command line's own definitions, so it never disagrees with `--help`.

use std::path::PathBuf;

use crate::exit::Failure;

#[derive(clap::Args)]
pub struct ManArgs {
    /// A command's own page (`lore-digest-update(1)`) instead of the main
    /// page. Example: `lore-digest man update | man -l -`.
    #[arg(value_name = "COMMAND")]
    command: Option<String>,

    /// Write every page (lore-digest.1, lore-digest-report.1, …) into DIR
    /// instead, e.g. ~/.local/share/man/man1.
    #[arg(long, value_name = "DIR", conflicts_with = "command")]
    dir: Option<PathBuf>,
}

pub fn run(args: ManArgs, command: clap::Command) -> Result<(), Failure> {
    let command = command.name("lore-digest");
    if let Some(dir) = &args.dir {
        std::fs::create_dir_all(dir)
            .map_err(|e| Failure::failed(format!("{}: {e}", dir.display())))?;
        for (name, page) in pages(&command) {
            let path = dir.join(format!("{name}.1"));
            let bytes = render(page)?;
            lore_digest::atomic::write_atomically(&path, &bytes)
                .map_err(|e| Failure::failed(format!("{}: {e}", path.display())))?;
        }
        return Ok(());
    }
    let page = match &args.command {
        None => command,
        Some(name) => {
            let known: Vec<String> = command
                .get_subcommands()
                .map(|c| c.get_name().to_string())
                .collect();
            let wanted = format!("lore-digest-{name}");
            pages(&command)
                .into_iter()
                .find(|(page, _)| *page == wanted)
                .map(|(_, c)| c)
                .ok_or_else(|| {
                    Failure::input(format!(
                        "no command '{name}' (one of: {})",
                        known.join(", ")
                    ))
                })?
        }
    };
    let bytes = render(page)?;
    crate::output::emit(None, true, |out| out.write_all(&bytes))
}

/// The main page and one per command, named `lore-digest` and
/// `lore-digest-COMMAND`.
fn pages(command: &clap::Command) -> Vec<(String, clap::Command)> {
    let mut pages = vec![("lore-digest".to_string(), command.clone())];
    for sub in command.get_subcommands() {
        let name = format!("lore-digest-{}", sub.get_name());
        // The page's title and synopsis name the whole command line.
        let page = sub
            .clone()
            .name(name.clone())
            .bin_name(format!("lore-digest {}", sub.get_name()))
            .version(env!("CARGO_PKG_VERSION"));
        pages.push((name, page));
    }
    pages
}

fn render(page: clap::Command) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut bytes)
        .map_err(|e| Failure::failed(format!("rendering the manual page: {e}")))?;
    Ok(bytes)
}
