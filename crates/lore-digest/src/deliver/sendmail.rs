//! Handing a message to the local MTA: `sendmail -t -i`, as git send-email
//! can, with the recipients read from the message's `To:`.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use super::mail::Outgoing;
use crate::Error;

/// Where `sendmail` is looked for when the name has no `/`: the `PATH`,
/// then where MTAs install it.
const SENDMAIL_DIRS: [&str; 2] = ["/usr/sbin", "/usr/lib"];

/// Pipes `mail` into `program -t -i` (`sendmail`, or a path), with LF line
/// ends as a local MTA reads them. Succeeds when the program exits 0: it
/// then has the message queued.
pub fn send(program: &str, mail: &Outgoing) -> Result<(), Error> {
    let path = find(program);
    let refused = |reason: String| Error::Undelivered {
        target: program.to_string(),
        reason,
    };
    let mut child = Command::new(&path)
        .args(["-t", "-i"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| refused(format!("cannot run {}: {e}", path.display())))?;
    let bytes = lf_lines(&mail.bytes);
    // Written from a thread, so that a program that fills its stderr
    // before reading all of its input cannot stall the two of us.
    let stdin = child.stdin.take();
    let writer = std::thread::spawn(move || match stdin {
        Some(mut stdin) => stdin.write_all(&bytes),
        None => Ok(()),
    });
    let output = child
        .wait_with_output()
        .map_err(|e| refused(format!("waiting for {}: {e}", path.display())))?;
    let written = writer
        .join()
        .unwrap_or_else(|_| Err(std::io::Error::other("the writer panicked")));
    let said = String::from_utf8_lossy(&output.stderr);
    let said = said
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    let said = crate::mail::normalize_whitespace(said);
    if !output.status.success() {
        let status = match output.status.code() {
            Some(code) => format!("exited with status {code}"),
            None => "was killed by a signal".to_string(),
        };
        let reason = if said.is_empty() {
            status
        } else {
            format!("{status}: {said}")
        };
        return Err(refused(reason));
    }
    // It read less than the whole message and still said yes: not trusted.
    written.map_err(|e| refused(format!("did not take the whole message: {e}")))
}

/// `program` as a path: itself when it has a `/`, else the first found on
/// the `PATH` or in [`SENDMAIL_DIRS`] (left as it is when none is, so that
/// the error names it).
fn find(program: &str) -> PathBuf {
    if program.contains('/') {
        return PathBuf::from(program);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(SENDMAIL_DIRS.iter().map(PathBuf::from))
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from(program))
}

/// CRLF → LF.
fn lf_lines(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            i += 1;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_in_lf() {
        assert_eq!(lf_lines(b"a\r\nb\r\n\r\nc\rd"), b"a\nb\n\nc\rd");
    }
}
