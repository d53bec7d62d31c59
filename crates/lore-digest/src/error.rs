use std::path::PathBuf;

/// The underlying error of a failure to read a repository.
pub type Source = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that stops a report from being made.
///
/// One broken mail never becomes an `Error`: it is counted and reported as a
/// warning. These are the problems with the input as a whole.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The path does not exist or is neither a git repository nor a
    /// public-inbox v2 inbox directory.
    #[error("{path}: not a public-inbox archive: {reason}")]
    NotAnArchive {
        /// The path given by the user.
        path: PathBuf,
        /// What was found instead.
        reason: String,
    },
    /// The path given as an upstream tree (`--tree`) does not exist or is
    /// not a git repository.
    #[error("{path}: not a git repository: {reason}")]
    NotARepository {
        /// The path given by the user.
        path: PathBuf,
        /// What gitoxide reported, on one line.
        reason: String,
    },
    /// A revision (commit id, abbreviation or ref) names no commit in any
    /// epoch (or, for an upstream tree, in that repository).
    #[error("unknown revision '{spec}': no commit of that name in {path}{hint}")]
    UnknownRevision {
        /// The revision as given.
        spec: String,
        /// The archive searched.
        path: PathBuf,
        /// Why it may be missing (a shallow mirror), with a leading space;
        /// empty when there is nothing to add.
        hint: String,
    },
    /// A watchlist criterion (`--section`, `--files`) that does not parse.
    #[error("{flag} '{given}': {reason}")]
    BadWatch {
        /// The flag (or configuration key) it came from.
        flag: String,
        /// The value as given.
        given: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A `--section`, `--who` or `--org` that names nothing the report or
    /// the MAINTAINERS file knows: most likely a typo.
    #[error("{flag} '{given}' matches no {what}{}", nearest_text(.nearest))]
    NoMatch {
        /// The flag it came from.
        flag: String,
        /// The value as given.
        given: String,
        /// What it was looked for among (`section of MAINTAINERS`).
        what: String,
        /// The closest names there are, best first.
        nearest: Vec<String>,
    },
    /// A `--range` argument that cannot be understood.
    #[error("invalid range '{0}': expected A..B or B")]
    InvalidRange(String),
    /// A `--since`/`--until` argument that cannot be understood.
    #[error("invalid time '{input}': {reason}")]
    InvalidTime {
        /// The time as given.
        input: String,
        /// Why it was rejected.
        reason: String,
    },
    /// The selection holds no commit.
    #[error("empty selection: {0}")]
    EmptySelection(String),
    /// Something the kind of archive given cannot do (a commit range of an mbox).
    #[error("{0}")]
    Unsupported(String),
    /// Fetching from a server failed (unreachable, refused, cut off).
    #[error("{url}: {reason}")]
    Fetch {
        /// What was being fetched.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// Another process holds a lock this run needs (an `update` of the same
    /// list, a sync into the same mirror), and did not let go in time.
    #[error("another {what} is running{}", holder_text(*.pid))]
    Locked {
        /// What holds it: `update of kvm`, `sync of /path/to/mirror`.
        what: String,
        /// The holder's pid, when its lock file says.
        pid: Option<u32>,
        /// The lock file.
        path: PathBuf,
    },
    /// A server stopped sending in the middle of a transfer, or sent too
    /// little to count (a stall timeout, `--timeout` in the CLI).
    #[error(
        "{url}: the server stalled: less than {} bytes/s for {seconds} s (--timeout)",
        crate::sync::limits::LOW_SPEED_BYTES_PER_SECOND
    )]
    Stalled {
        /// What was being fetched.
        url: String,
        /// The timeout that ran out.
        seconds: u64,
    },
    /// A mail server could not be reached, or the connection to it failed
    /// (refused, cut off, timed out, a TLS handshake or certificate that
    /// does not verify): the network's or the server's side.
    #[error("{server}: {reason}")]
    MailServer {
        /// The server, as `smtp://host:port`.
        server: String,
        /// What went wrong, and at which step.
        reason: String,
    },
    /// A delivery was refused: the mail server answered the sender, a
    /// recipient or the message with an error, or the local `sendmail`
    /// failed.
    #[error("{target}: {reason}")]
    Undelivered {
        /// The server (`smtp://host:port`) or program (`sendmail`).
        target: String,
        /// What was refused, with the server's reply.
        reason: String,
    },
    /// Delivery settings that cannot work: a malformed address or SMTP
    /// URL, a password in the URL, a user without a password.
    #[error("{0}")]
    MailSetup(String),
    /// The configuration file cannot be read or understood.
    #[error("{path}: {reason}")]
    Config {
        /// The file (or the list name that could not be resolved).
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The state file of `update` cannot be read or written.
    #[error("{path}: {reason}")]
    State {
        /// The state file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// A mailbox file or directory could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What the system reported.
        #[source]
        source: std::io::Error,
    },
    /// A `--mailmap`, `--orgmap` or MAINTAINERS file that cannot be read.
    #[error("{path}: cannot read: {source}")]
    UnreadableMap {
        /// The file given by the user.
        path: PathBuf,
        /// What the system reported.
        #[source]
        source: std::io::Error,
    },
    /// A line of a `--mailmap` or `--orgmap` file that is not an entry.
    #[error("{path}:{line}: {reason}")]
    BadMapLine {
        /// The file given by the user.
        path: PathBuf,
        /// Its 1-based line number.
        line: usize,
        /// What is wrong with the line.
        reason: String,
    },
    /// A MAINTAINERS file without any section (a name line followed by tag
    /// lines such as `M:` or `F:`): most likely not a MAINTAINERS file.
    #[error(
        "{path}: not a MAINTAINERS file: no section (a name line followed by `X: value` tag lines)"
    )]
    NoMaintainersSections {
        /// The file given by the user.
        path: PathBuf,
    },
    /// Reading the git repository failed in a way that stops the whole report
    /// (a missing mail blob is not this: it is counted in `stats.missing`).
    #[error("{path}: {source}")]
    Git {
        /// The epoch repository being read.
        path: PathBuf,
        /// What gitoxide reported.
        #[source]
        source: Source,
    },
}

impl Error {
    /// Whether the error is the user's input (a wrong path, id, range,
    /// time, mailmap, domain map, MAINTAINERS file or upstream tree) rather
    /// than a failure while reading a valid archive or tree.
    pub fn is_input_error(&self) -> bool {
        !matches!(
            self,
            Error::Git { .. }
                | Error::Io { .. }
                | Error::Fetch { .. }
                | Error::Stalled { .. }
                | Error::State { .. }
                | Error::Locked { .. }
                | Error::MailServer { .. }
                | Error::Undelivered { .. }
        )
    }
}

fn nearest_text(nearest: &[String]) -> String {
    if nearest.is_empty() {
        "; nothing is close".to_string()
    } else {
        format!("; nearest: {}", nearest.join(", "))
    }
}

fn holder_text(pid: Option<u32>) -> String {
    pid.map(|pid| format!(" (pid {pid})")).unwrap_or_default()
}
