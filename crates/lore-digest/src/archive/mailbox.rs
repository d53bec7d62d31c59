//! Mail kept outside public-inbox: an mbox file (as `lei q -o mboxrd:` and
//! list exports write it) or a Maildir directory.
//!
//! Neither has arrival times or commits, so mails are selected and ordered
//! by their `Date:` header, and each is known by the git blob id of its raw
//! bytes: the id the same mail has as blob `m` in a public-inbox archive.

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};

use gix::ObjectId;

use super::read::{Missing, Parsed, ReadOutcome, collect};
use super::{Archive, Selected, SelectedCommit, Selection};
use crate::Error;

/// One raw mail of a mailbox, and when its container says it came.
struct RawMail {
    bytes: Vec<u8>,
    /// The mbox `From ` line's date, or the Maildir file's modification
    /// time: used when the mail has no usable `Date:`.
    fallback_time: Option<i64>,
}

impl Archive {
    /// Reads a mailbox's mails whose `Date:` lies in the selection's window.
    pub(crate) fn read_mailbox(
        &self,
        selection: &Selection,
    ) -> Result<(Selected, ReadOutcome), Error> {
        let (since, until) = match selection {
            Selection::Window { since, until } => {
                (since.map(|t| t.as_second()), until.map(|t| t.as_second()))
            }
            Selection::Range { .. } | Selection::After(_) | Selection::Between { .. } => {
                return Err(Error::Unsupported(format!(
                    "{}: --range names git commits; select the mails of an mbox or Maildir with --since/--until",
                    self.path.display()
                )));
            }
        };
        let raw = match self.kind {
            super::ArchiveKind::Mbox => read_mbox(&self.path)?,
            _ => read_maildir(&self.path)?,
        };
        let parsed = parse_all(&raw, self);
        let mut entries: Vec<(i64, usize, SelectedCommit, Parsed)> = raw
            .iter()
            .zip(parsed)
            .enumerate()
            .filter_map(|(position, (mail, result))| {
                let date = result.as_ref().ok().and_then(|m| m.date);
                let time = date.or(mail.fallback_time).unwrap_or(0);
                let in_window = since.is_none_or(|s| time >= s) && until.is_none_or(|u| time <= u);
                let id = gix::objs::compute_hash(
                    gix::hash::Kind::Sha1,
                    gix::objs::Kind::Blob,
                    &mail.bytes,
                )
                .unwrap_or_else(|_| ObjectId::null(gix::hash::Kind::Sha1));
                let commit = SelectedCommit {
                    epoch: 0,
                    id,
                    time,
                    tree: ObjectId::null(gix::hash::Kind::Sha1),
                };
                in_window.then_some((time, position, commit, result))
            })
            .collect();
        entries.sort_by_key(|(time, position, _, _)| (*time, *position));
        let (commits, outcome) = collect(entries);
        let (Some(first), Some(last)) = (commits.first(), commits.last()) else {
            return Err(Error::EmptySelection(format!(
                "no mail in {} is dated in the window",
                self.path.display()
            )));
        };
        // A mailbox has no commits to name: its ends are its first and
        // last mails' days.
        let day = |time: i64| {
            jiff::Timestamp::from_second(time)
                .map(|t| t.strftime("%Y-%m-%d").to_string())
                .unwrap_or_else(|_| time.to_string())
        };
        let named_ends = Some((day(first.time), day(last.time)));
        let selected = Selected {
            from: first.id,
            to: last.id,
            commits,
            notes: Vec::new(),
            named_ends,
            open_start: since.is_none(),
        };
        Ok((selected, outcome))
    }
}

impl Archive {
    /// The raw mails of a mailbox with the given blob ids (as
    /// [`Archive::read_mailbox`] names them), read again: a mailbox keeps
    /// no index to find one mail by.
    pub(crate) fn read_mailbox_raw(&self, ids: &[ObjectId]) -> Vec<Option<Vec<u8>>> {
        let raw = match self.kind {
            super::ArchiveKind::Mbox => read_mbox(&self.path),
            _ => read_maildir(&self.path),
        };
        let Ok(raw) = raw else {
            return vec![None; ids.len()];
        };
        let wanted: std::collections::HashSet<&ObjectId> = ids.iter().collect();
        let mut found: std::collections::HashMap<ObjectId, Vec<u8>> = Default::default();
        for mail in raw {
            let id =
                gix::objs::compute_hash(gix::hash::Kind::Sha1, gix::objs::Kind::Blob, &mail.bytes);
            if let Ok(id) = id
                && wanted.contains(&id)
            {
                found.insert(id, mail.bytes);
            }
        }
        ids.iter().map(|id| found.get(id).cloned()).collect()
    }
}

/// Parses every mail on one thread per core; a mail that trips the parser
/// is counted as unreadable, as in a git archive.
fn parse_all(raw: &[RawMail], archive: &Archive) -> Vec<Parsed> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = raw.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = raw
            .chunks(chunk)
            .map(|mails| {
                scope.spawn(move || {
                    let mut parser = archive.mail_parser();
                    mails
                        .iter()
                        .map(|mail| {
                            let parsed = std::panic::catch_unwind(AssertUnwindSafe(|| {
                                parser.parse(&mail.bytes)
                            }));
                            match parsed {
                                Ok(message) if message.unparseable => Err(Missing::NotAMail),
                                Ok(message) => Ok(Box::new(message)),
                                Err(_) => {
                                    parser = archive.mail_parser();
                                    Err(Missing::Unreadable(
                                        "the mail parser failed on this mail".into(),
                                    ))
                                }
                            }
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .zip(raw.chunks(chunk))
            .flat_map(|(worker, mails)| {
                worker.join().unwrap_or_else(|_| {
                    mails
                        .iter()
                        .map(|_| Err(Missing::Unreadable("a reading thread failed".into())))
                        .collect()
                })
            })
            .collect()
    })
}

fn io_error(path: &Path, error: std::io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source: error,
    }
}

/// Splits an mbox file into its mails.
fn read_mbox(path: &Path) -> Result<Vec<RawMail>, Error> {
    let data = std::fs::read(path).map_err(|e| io_error(path, e))?;
    Ok(split_mbox(&data))
}

/// Splits mbox data into its mails, as an mbox archive is read: each mail's
/// bytes (mboxrd quoting undone) and the date of its `From ` line, if any.
/// An entry point for the fuzz targets (`fuzz/`) and tools; reports read
/// mbox files through [`Archive`].
#[doc(hidden)]
pub fn split_mbox_data(data: &[u8]) -> Vec<(Vec<u8>, Option<i64>)> {
    split_mbox(data)
        .into_iter()
        .map(|mail| (mail.bytes, mail.fallback_time))
        .collect()
}

/// Splits mbox data at its `From ` lines and undoes mboxrd quoting.
///
/// A `From ` line starts a mail at the start of the data or after a blank
/// line, which is where every mbox writer puts one, and only when it looks
/// like a separator (the file's first line always does): `From SENDER
/// DATE`, the date ending in an asctime
/// `hh:mm:ss year`, as `git mailsplit` checks. Unescaped mbox files
/// (`git format-patch --stdout`, mboxo exports) keep a paragraph that
/// begins "From the datasheet, …" in its mail. Inside a mail, `>From `,
/// `>>From ` … lose one `>`: mboxrd quotes every such line, and mboxo at
/// least the unquoted ones, so this is right for mboxrd and the usual
/// reading of mboxo. The blank line a writer adds after each mail is dropped.
fn split_mbox(data: &[u8]) -> Vec<RawMail> {
    let mut starts: Vec<usize> = Vec::new();
    if data.starts_with(b"From ") {
        starts.push(0);
    }
    for at in memchr::memmem::find_iter(data, b"\n\nFrom ") {
        starts.push(at + 2);
    }
    for at in memchr::memmem::find_iter(data, b"\n\r\nFrom ") {
        starts.push(at + 3);
    }
    // The file's first line starts its first mail whatever its date
    // looks like: an mbox opens with a separator.
    starts.retain(|&start| {
        let line = &data[start..];
        start == 0 || is_separator_line(&line[..memchr::memchr(b'\n', line).unwrap_or(line.len())])
    });
    starts.sort_unstable();
    let mut mails = Vec::with_capacity(starts.len());
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(data.len());
        let chunk = &data[start..end];
        let (from_line, rest) = match memchr::memchr(b'\n', chunk) {
            Some(nl) => (&chunk[..nl], &chunk[nl + 1..]),
            None => (chunk, &chunk[chunk.len()..]),
        };
        let rest = rest
            .strip_suffix(b"\r\n")
            .or_else(|| rest.strip_suffix(b"\n"))
            .unwrap_or(rest);
        mails.push(RawMail {
            bytes: unquote_from_lines(rest),
            fallback_time: from_line_time(from_line),
        });
    }
    mails
}

/// Whether a `From ` line is an mbox separator, as `git mailsplit` tells:
/// its last colon sits in a `hh:mm:ss` (or `hh:mm`) time followed by a
/// year (a number above 90, mailsplit's test): `From ann@x.org Thu May  1
/// 00:00:00 2025`, also with a zone after the year.
fn is_separator_line(line: &[u8]) -> bool {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.len() < 20 || !line.starts_with(b"From ") {
        return false;
    }
    let Some(colon) = memchr::memrchr(b':', &line[5..]).map(|at| at + 5) else {
        return false;
    };
    let digit = |at: usize| line.get(at).is_some_and(u8::is_ascii_digit);
    if colon < 4 || !(digit(colon - 4) && digit(colon - 2) && digit(colon - 1)) {
        return false;
    }
    if !(digit(colon + 1) && digit(colon + 2)) {
        return false;
    }
    // The year: the number after the minutes or seconds and a space.
    let year: String = line[colon + 3..]
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| b.is_ascii_digit())
        .map(|&b| char::from(b))
        .collect();
    year.parse::<u32>().is_ok_and(|year| year > 90)
}

/// Removes one `>` from every line that is `>`s followed by `From `.
fn unquote_from_lines(mail: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(mail.len());
    for line in mail.split_inclusive(|&b| b == b'\n') {
        let quotes = line.iter().take_while(|&&b| b == b'>').count();
        if quotes > 0 && line[quotes..].starts_with(b"From ") {
            out.extend_from_slice(&line[1..]);
        } else {
            out.extend_from_slice(line);
        }
    }
    out
}

/// The date of an mbox `From sender Mon Jan  1 00:00:00 2025` line (UTC,
/// as the convention has it).
fn from_line_time(line: &[u8]) -> Option<i64> {
    let line = std::str::from_utf8(line).ok()?.trim_end();
    let words: Vec<&str> = line.split_whitespace().collect();
    // `From`, sender, weekday, month, day, time, year.
    let [.., month, day, time, year] = words.as_slice() else {
        return None;
    };
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| m == month)?;
    let text = format!(
        "{year}-{:02}-{:02}T{time}",
        month + 1,
        day.parse::<u8>().ok()?
    );
    let datetime: jiff::civil::DateTime = text.parse().ok()?;
    datetime
        .to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp().as_second())
}

/// Reads every mail of a Maildir: the files of `cur/` and `new/`, by name.
fn read_maildir(path: &Path) -> Result<Vec<RawMail>, Error> {
    let mut files: Vec<PathBuf> = Vec::new();
    for sub in ["cur", "new"] {
        let dir = path.join(sub);
        if !dir.is_dir() {
            continue;
        }
        for entry in std::fs::read_dir(&dir).map_err(|e| io_error(&dir, e))? {
            let entry = entry.map_err(|e| io_error(&dir, e))?;
            // Dot files are not mail (editors' and tools' leftovers).
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            if entry.file_type().is_ok_and(|t| t.is_file()) {
                files.push(entry.path());
            }
        }
    }
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let bytes = std::fs::read(&file).map_err(|e| io_error(&file, e))?;
            let fallback_time = std::fs::metadata(&file)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| jiff::Timestamp::try_from(t).ok())
                .map(|t| t.as_second());
            Ok(RawMail {
                bytes,
                fallback_time,
            })
        })
        .collect()
}

/// Whether `path` looks like a Maildir: a directory with `cur/` or `new/`.
pub(crate) fn is_maildir(path: &Path) -> bool {
    path.join("cur").is_dir() || path.join("new").is_dir()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mbox_splits_at_from_lines_and_unquotes_mboxrd() {
        let data = b"From ann@x.org Thu May  1 00:00:00 2025\nSubject: one\n\nHello\n>From here\n>>From there\nFrom the body, not a separator\n\nFrom bob@y.org Fri May  2 10:30:00 2025\nSubject: two\n\nBye\n\n";
        let mails = split_mbox(data);
        assert_eq!(mails.len(), 2);
        assert_eq!(
            String::from_utf8_lossy(&mails[0].bytes),
            "Subject: one\n\nHello\nFrom here\n>From there\nFrom the body, not a separator\n"
        );
        assert_eq!(
            String::from_utf8_lossy(&mails[1].bytes),
            "Subject: two\n\nBye\n"
        );
        assert_eq!(mails[0].fallback_time, Some(1_746_057_600));
        assert_eq!(
            mails[1].fallback_time,
            Some(1_746_057_600 + 86_400 + 37_800)
        );
    }

    #[test]
    fn only_a_from_line_with_a_date_separates_mails() {
        // `git format-patch --stdout`: unescaped, with prose that starts "From ".
        let data = b"From 2d3c1f0e9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d Mon Sep 17 00:00:00 2001\nFrom: Ann <ann@x.org>\nSubject: [PATCH 1/2] one\n\nThe fix.\n\nFrom the datasheet, bit 3 is reserved.\n\nFrom ann@x.org Thu May  1 00:00\n---\n\nFrom 1111111111111111111111111111111111111111 Mon Sep 17 00:00:00 2001\nSubject: [PATCH 2/2] two\n\nx\n";
        let mails = split_mbox(data);
        assert_eq!(mails.len(), 2);
        let first = String::from_utf8_lossy(&mails[0].bytes);
        assert!(
            first.contains("From the datasheet, bit 3 is reserved."),
            "{first}"
        );
        assert!(
            first.contains("From ann@x.org Thu May  1 00:00\n"),
            "{first}"
        );
        assert!(String::from_utf8_lossy(&mails[1].bytes).starts_with("Subject: [PATCH 2/2] two"));
    }

    #[test]
    fn separator_lines_as_mailsplit_reads_them() {
        for line in [
            "From ann@x.org Thu May  1 00:00:00 2025",
            "From MAILER-DAEMON Fri Jul  8 12:08:34 2011",
            "From ann@x.org Thu May  1 00:00 2025",
            "From ann@x.org Thu May  1 00:00:00 2025 +0200",
            "From 2d3c1f0e9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d Mon Sep 17 00:00:00 2001\r",
        ] {
            assert!(is_separator_line(line.as_bytes()), "{line}");
        }
        for line in [
            "From the datasheet, bit 3 is reserved.",
            "From: Ann <ann@x.org>",
            "From ann@x.org at 10:30 we met",
            "From x 1:2 1999",
            "From ann@x.org Thu May  1 00:00:00 12",
            "From",
        ] {
            assert!(!is_separator_line(line.as_bytes()), "{line}");
        }
    }

    #[test]
    fn mbox_without_from_lines_has_no_mail() {
        assert!(split_mbox(b"Subject: not an mbox\n\nText\n").is_empty());
        assert!(split_mbox(b"").is_empty());
    }
}
