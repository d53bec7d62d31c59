//! Where a report goes: a file, written atomically, or standard output.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

use lore_digest::{render, report};

use crate::args::Format;
use crate::exit::Failure;

/// Writes the report as it renders (a whole archive's report is tens of
/// MB): no format is made whole first.
pub fn write_report(
    format: Format,
    report: &Arc<report::Report>,
    top: usize,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => render::json::write(report, out),
        Format::Text => render::text::write(report, top, out),
        Format::Markdown => render::markdown::write(report, top, out),
        Format::Html => render::html::write(report, top, out),
    }
}

/// Writes the output: to FILE atomically (see `lore_digest::atomic`), or
/// to standard output, where a reader that stops early (`| head`) is fine
/// when `closed_ok`, and an error otherwise (an update not read in full
/// must not count as delivered).
pub fn emit(
    output: Option<&Path>,
    closed_ok: bool,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Failure> {
    if let Some(path) = output {
        return lore_digest::atomic::write_atomically_with(path, write)
            .map_err(|e| Failure::failed(format!("{}: {e}", path.display())));
    }
    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    match write(&mut stdout).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        // `lore-digest report … | head` is not an error.
        Err(e) if closed_ok && e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::failed(format!("writing the report: {e}"))),
    }
}

/// How much the run says on stderr besides errors (`--quiet`, `--verbose`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    /// Errors only.
    Quiet = 0,
    /// Notes, progress on a terminal, warnings summed up on one line.
    Normal = 1,
    /// Every warning on a line of its own.
    Verbose = 2,
}

static VERBOSITY: AtomicU8 = AtomicU8::new(Verbosity::Normal as u8);

/// Sets the verbosity for the rest of the run (once, from `main`).
pub fn set_verbosity(verbosity: Verbosity) {
    VERBOSITY.store(verbosity as u8, Ordering::Relaxed);
}

/// The run's verbosity.
pub fn verbosity() -> Verbosity {
    match VERBOSITY.load(Ordering::Relaxed) {
        0 => Verbosity::Quiet,
        2 => Verbosity::Verbose,
        _ => Verbosity::Normal,
    }
}

/// Prints a report's warnings (one line per kind of trouble) on stderr:
/// each with `--verbose`; by default the first, and how many kinds more,
/// on one line; nothing with `--quiet`.
pub fn print_warnings(warnings: &[String]) {
    for line in warning_lines(warnings, verbosity()) {
        eprintln!("lore-digest: warning: {line}");
    }
}

fn warning_lines(warnings: &[String], verbosity: Verbosity) -> Vec<String> {
    match (verbosity, warnings) {
        (Verbosity::Quiet, _) | (_, []) => Vec::new(),
        (Verbosity::Verbose, all) | (Verbosity::Normal, all @ [_]) => all.to_vec(),
        (Verbosity::Normal, [first, rest @ ..]) => vec![format!(
            "{first}; and {} more kind(s) of warning (--verbose lists each)",
            rest.len()
        )],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_are_summed_up_unless_verbose() {
        let w = vec![
            "2 commits hold no mail".to_string(),
            "1 mail has no author".to_string(),
        ];
        assert_eq!(
            warning_lines(&w, Verbosity::Normal),
            ["2 commits hold no mail; and 1 more kind(s) of warning (--verbose lists each)"]
        );
        assert_eq!(warning_lines(&w, Verbosity::Verbose), w);
        assert!(warning_lines(&w, Verbosity::Quiet).is_empty());
        assert_eq!(warning_lines(&w[..1], Verbosity::Normal), &w[..1]);
    }
}
