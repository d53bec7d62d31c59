//! Where a report goes: a file, written atomically, or standard output.

use std::io::Write;
use std::path::Path;

use lore_digest::{render, report};

use crate::args::Format;
use crate::exit::Failure;

/// Writes the report as it renders: JSON streams (a whole archive's report
/// is tens of MB); the other formats are made whole first.
pub fn write_report(
    format: Format,
    report: &report::Report,
    top: usize,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => render::json::write(report, out),
        Format::Text => out.write_all(render::text::render(report, top).as_bytes()),
        Format::Markdown => out.write_all(render::markdown::render(report, top).as_bytes()),
        Format::Html => out.write_all(render::html::render(report, top).as_bytes()),
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
