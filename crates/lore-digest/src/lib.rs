//! lore-digest turns a public-inbox mailing-list archive into the update that
//! people who follow the list want to read: who posted, from which
//! organizations, which patch series are new, and what each one says.
//!
//! Data flows one way, and the modules follow it:
//!
//! * [`archive`] opens a public-inbox archive (a v2 epoch repository or an
//!   inbox directory of epochs), selects commits by range or time and reads
//!   the raw mail blobs in parallel;
//! * [`mail`] parses one raw mail: headers, charsets, authorship, the patch
//!   tag of the subject, in-body headers, commit message and diffstat;
//! * [`status`] reads what maintainers and their bots say happened to a
//!   patch (applied, merged, changes requested, NAKed …) from one reply;
//! * [`analysis`] groups patches into series, counts contributors and
//!   their organizations, and merges identities by a mailmap;
//! * [`maintainers`] reads the kernel's MAINTAINERS file and maps the files
//!   and text of a patch to its sections, as `get_maintainer.pl` does;
//! * [`report`] is the report model (serializable, the contract with
//!   renderers) and the code that builds it;
//! * [`trends`] counts a long window per week, month, quarter or year, and
//!   compares a report with another period (`--compare`);
//! * [`render`] turns a report (or a trends table) into text, JSON,
//!   Markdown or HTML;
//! * [`sync`] mirrors archives from a public-inbox server such as lore;
//! * [`deliver`] takes an update to its readers: a mail over SMTP or
//!   sendmail, and a static site with an Atom feed;
//! * [`export`] writes one record per message for analysis elsewhere;
//! * [`events`] turns an update's report into one event per thing that
//!   happened (a series posted, reviewed, applied …) for bots;
//! * [`contract`] is the format version and the JSON Schemas of the
//!   report, the export records and the events;
//! * [`lists`] names lists in a configuration file and keeps the state of
//!   `update` between runs;
//! * [`lock`] keeps two runs from writing the same state or mirror at once;
//! * [`watch`] holds the rules of watchlists (`--section`, `--who`,
//!   `--org`, `--files`): which series concern a reader;
//! * [`upstream`] indexes a git tree (`--tree`) to tell which posted
//!   patches it applied: by Message-ID, patch id, or subject and author.
//!
//! ```no_run
//! use lore_digest::{archive::{Archive, Selection}, report, render};
//!
//! let archive = Archive::open("linux-hyperv.git".as_ref())?;
//! let selection = Selection::Range { base: None, tip: "master".into() };
//! let report = report::build(&archive, &selection, &report::Options::default())?;
//! print!("{}", render::text::render(&report, 15));
//! # Ok::<(), lore_digest::Error>(())
//! ```
#![deny(missing_docs)]

pub mod analysis;
pub mod archive;
pub mod atomic;
pub mod contract;
pub mod deliver;
mod error;
pub mod events;
pub mod export;
pub mod lists;
pub mod lock;
pub mod mail;
pub mod maintainers;
pub mod render;
pub mod report;
pub mod status;
pub mod sync;
pub mod trends;
pub mod upstream;
pub mod watch;

pub use error::Error;
