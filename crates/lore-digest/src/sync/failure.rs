//! Whose fault a failed clone or fetch is: the server's or the network's
//! ([`Error::Fetch`], exit 3 in the CLI: try again later, or elsewhere),
//! or this machine's: a full disk, a file size limit, permissions
//! ([`Error::Io`], exit 1: retrying will not help).

use std::error::Error as StdError;
use std::path::Path;
use std::time::Duration;

use super::limits::Stalled;
use crate::Error;

/// The error a failed transfer of `url` into `path` stands for, when
/// transfers stall after `timeout`.
pub(super) fn classify(
    error: &(dyn StdError + 'static),
    url: &str,
    path: &Path,
    timeout: Duration,
) -> Error {
    let causes = causes(error);
    let stalled = causes.iter().any(|e| {
        e.is::<Stalled>()
            || e.downcast_ref::<curl::Error>()
                .is_some_and(curl::Error::is_operation_timedout)
    });
    if stalled {
        return Error::Stalled {
            url: url.to_string(),
            seconds: timeout.as_secs(),
        };
    }
    let local = causes
        .iter()
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
        .find(|io| is_local(io));
    match local {
        Some(io) => Error::Io {
            path: path.to_path_buf(),
            source: std::io::Error::new(io.kind(), format!("{error}: {io}")),
        },
        None => Error::Fetch {
            url: url.to_string(),
            reason: with_cause(error, &causes),
        },
    }
}

/// The error's own message and, when it is a wrapper ("Transport
/// handshake failed"), what lies under it ("early EOF"): on one line.
fn with_cause(error: &(dyn StdError + 'static), causes: &[&(dyn StdError + 'static)]) -> String {
    let top = one_line(&error.to_string());
    let cause = match error.downcast_ref::<gix::Error>() {
        Some(tree) => Some(tree.probable_cause()),
        None => causes.last().copied(),
    };
    match cause.map(|c| one_line(&c.to_string())) {
        Some(cause) if !cause.is_empty() && !top.contains(&cause) => format!("{top}: {cause}"),
        _ => top,
    }
}

fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Whether an I/O error is this machine's. Network errors (refused, reset,
/// timed out, cut off) are not, and neither is anything else: what is not
/// known to be local is blamed on the transfer, as before.
pub(super) fn is_local(error: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    match error.kind() {
        StorageFull | FileTooLarge | QuotaExceeded | ReadOnlyFilesystem | OutOfMemory => true,
        // Only from the file system: gix's HTTP transport reports a 401
        // as PermissionDenied too, and that is the server's answer.
        PermissionDenied | NotADirectory | IsADirectory | DirectoryNotEmpty | AlreadyExists => {
            error.raw_os_error().is_some()
        }
        _ => false,
    }
}

/// `error` and everything under it: its `source()` chain, the errors of
/// a gix error tree, and what an I/O error carries.
fn causes<'a>(error: &'a (dyn StdError + 'static)) -> Vec<&'a (dyn StdError + 'static)> {
    let mut found = Vec::new();
    let mut pending = vec![error];
    // Bounded: a cyclic or absurdly deep chain must not hang the report of
    // an error.
    while let Some(next) = pending.pop() {
        if found.len() > 256 {
            break;
        }
        found.push(next);
        if let Some(tree) = next.downcast_ref::<gix::Error>() {
            pending.extend(tree.iter_errors().filter(|e| !std::ptr::addr_eq(*e, next)));
        }
        if let Some(inner) = next
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
        {
            pending.push(inner);
        }
        pending.extend(next.source());
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_is_local_a_cut_connection_is_not() {
        let path = Path::new("/m/git/0.git");
        let timeout = Duration::from_secs(3);
        let url = "git://x/0.git";
        let full = std::io::Error::from(std::io::ErrorKind::StorageFull);
        let wrapped = gix::Error::from_error(full);
        assert!(matches!(
            classify(&wrapped, url, path, timeout),
            Error::Io { .. }
        ));
        let cut = std::io::Error::from(std::io::ErrorKind::UnexpectedEof);
        assert!(matches!(
            classify(&cut, url, path, timeout),
            Error::Fetch { .. }
        ));
        // A 401 is the server's answer, not a local permission problem.
        let unauthorized = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "401");
        assert!(matches!(
            classify(&unauthorized, url, path, timeout),
            Error::Fetch { .. }
        ));
        let denied = std::io::Error::from_raw_os_error(13);
        assert!(matches!(
            classify(&denied, url, path, timeout),
            Error::Io { .. }
        ));
        let stall = std::io::Error::new(std::io::ErrorKind::TimedOut, Stalled { seconds: 3 });
        let classified = classify(&stall, url, path, timeout);
        assert!(matches!(classified, Error::Stalled { seconds: 3, .. }));
        let slow = std::io::Error::other(curl::Error::new(28));
        assert!(matches!(
            classify(&slow, url, path, timeout),
            Error::Stalled { .. }
        ));
    }
}
