//! The contract with programs that read lore-digest's output: the format
//! version every JSON report, export record and event carries, and the JSON
//! Schemas (draft 2020-12) generated from the model types that serialize
//! them, so a schema cannot describe anything but what is written.
//!
//! # Versions
//!
//! [`FORMAT_VERSION`] is `MAJOR.MINOR`. Within a major version fields are
//! only added (a minor version); a field removed, renamed or given another
//! type or meaning is a new major version. Readers must ignore fields they
//! do not know. The schemas themselves are strict (no property beyond the
//! model's), so a test catches output that strays from them.

use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use schemars::{JsonSchema, Schema, json_schema};
use serde::{Serialize, Serializer};

use crate::events::Event;
use crate::export::MessageRecord;
use crate::report::Report;
use crate::trends::Trends;

/// The version of the JSON contract: reports (`--format json`), export
/// records and events. See the module's documentation for what a change
/// of each part means.
pub const FORMAT_VERSION: &str = "1.2";

/// The `format_version` field: always [`FORMAT_VERSION`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FormatVersion;

impl Serialize for FormatVersion {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(FORMAT_VERSION)
    }
}

impl JsonSchema for FormatVersion {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "FormatVersion".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> Schema {
        json_schema!({
            "description": "The format's version, MAJOR.MINOR: within a major version fields are only added.",
            "type": "string",
            "const": FORMAT_VERSION,
        })
    }
}

/// A report as the JSON format writes it: its format version, then the
/// report's own fields.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Report")]
pub struct VersionedReport<'a> {
    /// The format's version.
    pub format_version: FormatVersion,
    /// The report.
    #[serde(flatten)]
    pub report: &'a Report,
}

impl<'a> VersionedReport<'a> {
    /// `report`, with the format version.
    pub fn new(report: &'a Report) -> Self {
        VersionedReport {
            format_version: FormatVersion,
            report,
        }
    }
}

/// A trends table as the JSON format writes it: its format version, then
/// the table's own fields (one row per period).
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Trends")]
pub struct VersionedTrends<'a> {
    /// The format's version.
    pub format_version: FormatVersion,
    /// The table.
    #[serde(flatten)]
    pub trends: &'a Trends,
}

impl<'a> VersionedTrends<'a> {
    /// `trends`, with the format version.
    pub fn new(trends: &'a Trends) -> Self {
        VersionedTrends {
            format_version: FormatVersion,
            trends,
        }
    }
}

/// What a schema describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Document {
    /// The JSON report (`report --format json`).
    Report,
    /// One line of `export`'s JSON Lines (a Parquet row has the same fields).
    Export,
    /// One line of `update --events`.
    Events,
    /// The JSON trends table (`trends --format json`).
    Trends,
}

impl Document {
    /// Every kind, in the order `lore-digest schema` names them.
    pub const ALL: [Document; 4] = [
        Document::Report,
        Document::Export,
        Document::Events,
        Document::Trends,
    ];

    /// `report`, `export`, `events` or `trends`.
    pub fn name(self) -> &'static str {
        match self {
            Document::Report => "report",
            Document::Export => "export",
            Document::Events => "events",
            Document::Trends => "trends",
        }
    }
}

/// The JSON Schema (draft 2020-12) of `document`.
pub fn schema(document: Document) -> Schema {
    // What is written, not what would be read: a field the model always
    // writes (null included) is required.
    let generator = SchemaSettings::draft2020_12()
        .for_serialize()
        .with_transform(RecursiveTransform(close_objects))
        .into_generator();
    match document {
        Document::Report => generator.into_root_schema_for::<VersionedReport<'static>>(),
        Document::Export => generator.into_root_schema_for::<MessageRecord>(),
        Document::Events => generator.into_root_schema_for::<Event>(),
        Document::Trends => generator.into_root_schema_for::<VersionedTrends<'static>>(),
    }
}

/// The schema as the files under `schema/` hold it: pretty, a newline at the end.
pub fn schema_text(document: Document) -> String {
    let mut text = serde_json::to_string_pretty(&schema(document)).unwrap_or_default();
    text.push('\n');
    text
}

/// Every object the model writes has exactly its fields, so a schema
/// rejects any other: an object with `properties` gets
/// `additionalProperties: false` unless it says otherwise.
fn close_objects(schema: &mut Schema) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    if object.contains_key("properties") && !object.contains_key("additionalProperties") {
        object.insert("additionalProperties".into(), false.into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed schemas, `crates/lore-digest/schema/NAME.json`: a model
    /// change shows up as a diff of one of them, to be accepted on purpose.
    #[test]
    fn the_committed_schemas_are_those_of_the_model() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema");
        let update = std::env::var_os("UPDATE_SCHEMAS").is_some();
        let mut stale = Vec::new();
        for document in Document::ALL {
            let path = dir.join(format!("{}.json", document.name()));
            let text = schema_text(document);
            if update {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &text).unwrap();
            } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                stale.push(path.display().to_string());
            }
        }
        assert!(
            stale.is_empty(),
            "the model's JSON Schema changed: {} differ from it. If the change is meant, \
             run `UPDATE_SCHEMAS=1 cargo test -p lore-digest --lib contract`, review the \
             diff and commit it; a field added needs FORMAT_VERSION's minor raised, a field \
             removed, renamed or retyped its major (see the README's *A stable contract*)",
            stale.join(", ")
        );
    }

    #[test]
    fn every_object_is_closed_and_every_field_written_is_required() {
        let schema = serde_json::to_value(schema(Document::Report)).unwrap();
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        assert_eq!(schema["additionalProperties"], false);
        assert_eq!(
            schema["properties"]["format_version"]["$ref"],
            "#/$defs/FormatVersion"
        );
        let series = &schema["$defs"]["Series"];
        assert_eq!(series["additionalProperties"], false);
        let required = series["required"].as_array().unwrap();
        // Written as null when absent, so required all the same.
        assert!(required.iter().any(|r| r == "status_reason"));
        let events = serde_json::to_value(super::schema(Document::Events)).unwrap();
        for variant in events["oneOf"].as_array().unwrap() {
            assert_eq!(variant["additionalProperties"], false, "{variant}");
        }
    }

    #[test]
    fn the_version_is_major_dot_minor() {
        let (major, minor) = FORMAT_VERSION.split_once('.').unwrap();
        assert!(major.parse::<u32>().is_ok() && minor.parse::<u32>().is_ok());
        assert_eq!(
            serde_json::to_string(&FormatVersion).unwrap(),
            format!("\"{FORMAT_VERSION}\"")
        );
    }
}
