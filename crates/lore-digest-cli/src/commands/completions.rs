//! `lore-digest completions SHELL`: a completion script for bash, zsh or
//! fish, generated from the command line's own definitions.

use crate::exit::Failure;

#[derive(clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: Shell,
}

/// The shells completions are made (and tested) for.
#[derive(Clone, Copy, clap::ValueEnum)]
enum Shell {
    /// `source <(lore-digest completions bash)`, or a file in
    /// ~/.local/share/bash-completion/completions/lore-digest.
    Bash,
    /// A file `_lore-digest` in a directory of `$fpath`.
    Zsh,
    /// ~/.config/fish/completions/lore-digest.fish.
    Fish,
}

pub fn run(args: CompletionsArgs, mut command: clap::Command) -> Result<(), Failure> {
    let shell = match args.shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "lore-digest", &mut script);
    crate::output::emit(None, true, |out| out.write_all(&script))
}
