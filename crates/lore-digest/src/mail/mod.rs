//! Parsing one raw mail into what the analysis needs.
//!
//! MIME structure, RFC 2047 encoded words, transfer encodings and charsets are
//! left to `mail-parser`; this module adds the mailing-list rules on top:
//! who wrote a patch (git am's in-body `From:`), what its subject tag says,
//! and which part of the body is the commit message.

mod address;
mod body;
mod date;
mod diff;
mod encoded_words;
mod message;
mod subject;
mod text;
mod trailers;

pub use address::{Person, parse_address};
pub use body::{
    CommitMessage, Diffstat, InBodyHeaders, b4_change_id, commit_message, split_in_body_headers,
};
pub use date::parse_date;
pub use diff::{has_diff, touched_files};
pub use message::{MailParser, Message, parse_message};
pub use subject::{PatchTag, Subject, SubjectKind, Version, parse_subject, strip_reply_prefixes};
pub use text::{normalize_whitespace, printable_text};
pub use trailers::{Trailer, TrailerKind, may_hold_trailers, trailers, trailers_given_by};
