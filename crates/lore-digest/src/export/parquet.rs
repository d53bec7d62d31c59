//! The records as Apache Parquet: the same fields as the JSON Lines, typed
//! and columnar, for DuckDB, Spark or pandas over many lists at once.
//!
//! The columns come from the records' own serde shape (through arrow-json's
//! serializer), so the two formats cannot drift apart: a field added to
//! [`MessageRecord`] must be added to [`schema`] or the export fails loudly.

use std::io::Write;
use std::sync::Arc;

use ::parquet::arrow::ArrowWriter;
use ::parquet::basic::Compression;
use ::parquet::file::properties::WriterProperties;
use arrow_schema::{DataType, Field, Fields, Schema, TimeUnit};

use super::MessageRecord;

/// Records per row group: large enough for good compression and fast
/// scans, small enough that a group's columns are a few MB in memory.
const ROW_GROUP: usize = 16 * 1024;

/// The Parquet schema of a [`MessageRecord`].
pub fn schema() -> Schema {
    let text = |name: &str, nullable| Field::new(name, DataType::Utf8, nullable);
    let number = |name: &str, nullable| Field::new(name, DataType::UInt32, nullable);
    let person = || Fields::from(vec![text("name", false), text("email", false)]);
    // An offset, not a zone name: arrow parses names only with chrono-tz.
    let time = || DataType::Timestamp(TimeUnit::Millisecond, Some("+00:00".into()));
    let patch = Fields::from(vec![
        number("version", false),
        number("version_minor", true),
        number("index", true),
        number("total", true),
        Field::new("rfc", DataType::Boolean, false),
        Field::new("resend", DataType::Boolean, false),
        Field::new(
            "prefixes",
            DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, false))),
            false,
        ),
    ]);
    let trailer = Fields::from(vec![
        text("kind", false),
        Field::new("person", DataType::Struct(person()), false),
    ]);
    let applied = Fields::from(vec![
        text("commit", true),
        text("tree", true),
        text("branch", true),
        Field::new("by", DataType::Struct(person()), true),
        Field::new("date", time(), true),
        text("message_id", true),
        text("url", true),
        text("rule", false),
    ]);
    let evidence = Fields::from(vec![
        text("kind", false),
        text("reason", true),
        text("rule", false),
        text("tree", true),
        text("branch", true),
        Field::new(
            "commits",
            DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, false))),
            false,
        ),
        Field::new("by", DataType::Struct(person()), true),
        text("text", false),
    ]);
    Schema::new(vec![
        text("format_version", false),
        text("commit", false),
        number("epoch", false),
        Field::new("arrived", time(), true),
        Field::new("date", time(), true),
        text("message_id", true),
        text("in_reply_to", true),
        Field::new("author", DataType::Struct(person()), true),
        Field::new("sender", DataType::Struct(person()), true),
        text("domain", true),
        text("organization", true),
        text("subject", false),
        text("kind", false),
        Field::new("patch", DataType::Struct(patch), true),
        text("series_id", true),
        Field::new(
            "trailers",
            DataType::List(Arc::new(Field::new_list_field(
                DataType::Struct(trailer),
                false,
            ))),
            false,
        ),
        text("status", true),
        Field::new("applied", DataType::Struct(applied), true),
        Field::new(
            "evidence",
            DataType::List(Arc::new(Field::new_list_field(
                DataType::Struct(evidence),
                false,
            ))),
            false,
        ),
    ])
}

/// Why the records could not be written as Parquet.
#[derive(Debug, thiserror::Error)]
pub enum ParquetError {
    /// A record did not fit the schema (a bug: the two must agree).
    #[error("records do not fit the Parquet schema: {0}")]
    Schema(#[from] arrow_schema::ArrowError),
    /// The Parquet writer failed, usually writing to `out`.
    #[error(transparent)]
    Write(#[from] ::parquet::errors::ParquetError),
}

/// Writes `records` as one Parquet file (Snappy-compressed, a row group per
/// [`ROW_GROUP`] records) to `out`.
pub fn write_parquet<W: Write + Send>(
    records: &[MessageRecord],
    out: W,
) -> Result<(), ParquetError> {
    let schema = Arc::new(schema());
    let properties = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(ROW_GROUP))
        .set_created_by(format!("lore-digest {}", env!("CARGO_PKG_VERSION")))
        .build();
    let mut writer = ArrowWriter::try_new(out, Arc::clone(&schema), Some(properties))?;
    let mut decoder = arrow_json::ReaderBuilder::new(schema)
        .with_batch_size(ROW_GROUP)
        .build_decoder()?;
    for chunk in records.chunks(ROW_GROUP) {
        decoder.serialize(chunk)?;
        if let Some(batch) = decoder.flush()? {
            writer.write(&batch)?;
        }
    }
    writer.close()?;
    Ok(())
}
