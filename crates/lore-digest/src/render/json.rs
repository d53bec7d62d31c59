//! The JSON format: the report model as is, every list complete, after its
//! `format_version` (see [`crate::contract`]).

use std::io::Write;

use crate::contract::VersionedReport;
use crate::report::Report;

/// Pretty-printed JSON, ending in a newline.
pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    // Writing into memory fails only if serialization does, and the model
    // holds only strings, numbers, booleans and options, which serde_json
    // always serializes; the fallback exists only to avoid a panic path.
    match write(report, &mut out) {
        Ok(()) => String::from_utf8(out).unwrap_or_default(),
        Err(e) => format!("{{\"error\": \"{e}\"}}\n"),
    }
}

/// Writes [`render`]'s document to `out` as it is made: a whole archive's
/// report (tens of MB) is never held in memory.
pub fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &VersionedReport::new(report))?;
    out.write_all(b"\n")
}
