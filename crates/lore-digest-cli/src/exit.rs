//! Exit codes, and the one-line failure every command ends with on error.
//! The README's *Exit codes* table documents each.

use lore_digest::Error;

/// Exit code for bad usage or bad input (wrong path, unknown id, empty selection).
pub const EXIT_INPUT: u8 = 2;
/// Exit code for a failure while reading a valid archive or writing output.
pub const EXIT_FAILURE: u8 = 1;
/// Exit code for a server that could not be reached or broke off a fetch
/// (a git server, or a mail server).
pub const EXIT_NETWORK: u8 = 3;
/// Exit code when another run holds the list or mirror (EX_TEMPFAIL of
/// sysexits.h: try again later).
pub const EXIT_LOCKED: u8 = 75;
/// Exit code after SIGINT, SIGTERM or SIGHUP (128 + SIGINT, as shells use).
pub const EXIT_INTERRUPTED: u8 = 130;

/// An error ready for the user: one line and an exit code.
pub struct Failure {
    pub message: String,
    pub code: u8,
}

impl Failure {
    /// A usage or input error (exit 2).
    pub fn input(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: EXIT_INPUT,
        }
    }

    /// A failure while reading or writing (exit 1).
    pub fn failed(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: EXIT_FAILURE,
        }
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        let code = match &error {
            Error::Fetch { .. } | Error::Stalled { .. } | Error::MailServer { .. } => EXIT_NETWORK,
            Error::Locked { .. } => EXIT_LOCKED,
            e if e.is_input_error() => EXIT_INPUT,
            _ => EXIT_FAILURE,
        };
        Failure {
            message: error.to_string(),
            code,
        }
    }
}
