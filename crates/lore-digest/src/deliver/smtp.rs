//! Sending a message over SMTP: `smtp://[user@]host[:port]` (STARTTLS,
//! required unless the host is this machine) or `smtps://…` (TLS from the
//! first byte), through lettre's SMTP client with rustls.
//!
//! Each step is taken on its own (greeting, STARTTLS, login, sender, each
//! recipient, the message), so that a refusal names the step and the
//! server's reply. A refusal is [`Error::Undelivered`]; a server that
//! cannot be reached, a connection that breaks or times out, and a TLS
//! handshake or certificate that does not verify are
//! [`Error::MailServer`].

use std::net::IpAddr;
use std::time::Duration;

use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{SmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::ClientId;

use super::mail::Outgoing;
use crate::Error;

/// The environment variable the SMTP password is read from (never the
/// configuration file).
pub const PASSWORD_VARIABLE: &str = "LORE_DIGEST_SMTP_PASSWORD";

/// How the connection is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Security {
    /// `smtps://`: TLS from the start (port 465 by default).
    Tls,
    /// `smtp://` to another machine: STARTTLS, or no delivery (port 587
    /// by default).
    StartTls,
    /// `smtp://` to this machine (`localhost`, 127.0.0.0/8, `::1`): plain,
    /// since the connection never leaves it (port 25 by default).
    Local,
}

/// A mail server, from its URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmtpServer {
    /// How the connection is protected.
    pub security: Security,
    /// Who to log in as; the password comes from [`PASSWORD_VARIABLE`].
    pub user: Option<String>,
    /// The host name or address (no brackets for IPv6).
    pub host: String,
    /// The port.
    pub port: u16,
}

impl SmtpServer {
    /// Parses `smtp://[user@]host[:port]` or `smtps://…`. A password in the
    /// URL is refused: it would sit in a configuration file or a shell's
    /// history.
    pub fn parse(url: &str) -> Result<SmtpServer, Error> {
        let bad = |why: &str| Error::MailSetup(format!("--smtp '{url}': {why}"));
        let (tls, rest) = if let Some(rest) = url.strip_prefix("smtps://") {
            (true, rest)
        } else if let Some(rest) = url.strip_prefix("smtp://") {
            (false, rest)
        } else {
            return Err(bad("expected smtp://[user@]host[:port] or smtps://…"));
        };
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.contains(['/', '?', '#']) {
            return Err(bad("a mail server URL has no path"));
        }
        let (user, hostport) = match rest.rsplit_once('@') {
            Some((user, hostport)) => (Some(user), hostport),
            None => (None, rest),
        };
        if let Some(user) = user {
            if user.contains(':') {
                return Err(bad(&format!(
                    "a password in the URL is refused; set {PASSWORD_VARIABLE} instead"
                )));
            }
            if user.is_empty() {
                return Err(bad("an empty user name"));
            }
        }
        let (host, port) =
            split_host_port(hostport).ok_or_else(|| bad("no host, or a bad port"))?;
        let security = if tls {
            Security::Tls
        } else if is_local(&host) {
            Security::Local
        } else {
            Security::StartTls
        };
        let port = port.unwrap_or(match security {
            Security::Tls => 465,
            Security::StartTls => 587,
            Security::Local => 25,
        });
        Ok(SmtpServer {
            security,
            user: user.map(percent_decode),
            host,
            port,
        })
    }

    /// The server as errors name it: `smtp://host:port`, no user.
    pub fn name(&self) -> String {
        let scheme = if self.security == Security::Tls {
            "smtps"
        } else {
            "smtp"
        };
        if self.host.contains(':') {
            format!("{scheme}://[{}]:{}", self.host, self.port)
        } else {
            format!("{scheme}://{}:{}", self.host, self.port)
        }
    }
}

/// `host`, `host:port`, `[v6]` or `[v6]:port`.
fn split_host_port(text: &str) -> Option<(String, Option<u16>)> {
    let (host, port) = if let Some(rest) = text.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        match after {
            "" => (host, None),
            _ => (host, Some(after.strip_prefix(':')?)),
        }
    } else {
        match text.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (text, None),
        }
    };
    if host.is_empty() {
        return None;
    }
    let port = match port {
        Some(p) => Some(p.parse::<u16>().ok().filter(|&p| p > 0)?),
        None => None,
    };
    Some((host.to_string(), port))
}

/// Whether `host` is this machine: `localhost` or a loopback address
/// (`::ffff:127.0.0.1` too, which is 127.0.0.1 written for IPv6).
fn is_local(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.to_canonical().is_loopback())
}

/// `%40` → `@` and the like, for user names that are addresses.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push((hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0)) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Sends `mail` to `server`, logging in with `password` when the URL names
/// a user. Every wait on the server is bounded by `timeout`. Returns once
/// the server accepted the message (its reply to the final dot).
pub fn send(
    server: &SmtpServer,
    password: Option<&str>,
    mail: &Outgoing,
    timeout: Duration,
) -> Result<(), Error> {
    let name = server.name();
    let credentials = match (&server.user, password) {
        (Some(user), Some(password)) => Some(Credentials::new(user.clone(), password.to_string())),
        (Some(user), None) => {
            return Err(Error::MailSetup(format!(
                "{name}: a user ({user}) is named but {PASSWORD_VARIABLE} is not set"
            )));
        }
        (None, _) => None,
    };
    let tls = || {
        TlsParameters::new(server.host.clone())
            .map_err(|e| failed(&name, "the TLS setup failed", &e))
    };
    let hello = ClientId::default();
    let implicit = match server.security {
        Security::Tls => Some(tls()?),
        _ => None,
    };
    let mut connection = SmtpConnection::connect(
        (server.host.as_str(), server.port),
        Some(timeout),
        &hello,
        implicit.as_ref(),
        None,
    )
    .map_err(|e| failed(&name, "connecting", &e))?;
    let sent = converse(
        &mut connection,
        server,
        &name,
        &hello,
        credentials,
        mail,
        &tls,
    );
    match &sent {
        // A polite end; the message is in, whatever QUIT gets.
        Ok(()) => drop(connection.quit()),
        Err(_) => connection.abort(),
    }
    sent
}

fn converse(
    connection: &mut SmtpConnection,
    server: &SmtpServer,
    name: &str,
    hello: &ClientId,
    credentials: Option<Credentials>,
    mail: &Outgoing,
    tls: &dyn Fn() -> Result<TlsParameters, Error>,
) -> Result<(), Error> {
    if server.security == Security::StartTls {
        if !connection.can_starttls() {
            return Err(Error::MailServer {
                server: name.to_string(),
                reason: "the server does not offer STARTTLS, which smtp:// to another machine \
                         requires (smtps:// is TLS from the start)"
                    .into(),
            });
        }
        connection
            .starttls(&tls()?, hello)
            .map_err(|e| failed(name, "STARTTLS", &e))?;
    }
    if let Some(credentials) = credentials {
        connection
            .auth(&[Mechanism::Plain, Mechanism::Login], &credentials)
            .map_err(|e| failed(name, "the login", &e))?;
    }
    connection
        .command(Mail::new(Some(mail.sender.clone()), vec![]))
        .map_err(|e| failed(name, &format!("the sender <{}>", mail.sender), &e))?;
    for recipient in &mail.recipients {
        connection
            .command(Rcpt::new(recipient.clone(), vec![]))
            .map_err(|e| failed(name, &format!("the recipient <{recipient}>"), &e))?;
    }
    connection
        .command(Data)
        .map_err(|e| failed(name, "the message (DATA)", &e))?;
    connection
        .message(&mail.bytes)
        .map_err(|e| failed(name, "the message", &e))?;
    Ok(())
}

/// The error for step `what`: a refusal (the server answered with an error
/// code) is [`Error::Undelivered`], anything else [`Error::MailServer`].
fn failed(server: &str, what: &str, error: &lettre::transport::smtp::Error) -> Error {
    let mut detail = String::new();
    let mut source = std::error::Error::source(error);
    while let Some(e) = source {
        let text = e.to_string();
        if !detail.contains(&text) {
            if !detail.is_empty() {
                detail.push_str(": ");
            }
            detail.push_str(&text);
        }
        source = e.source();
    }
    let detail = crate::mail::normalize_whitespace(&detail);
    match error.status() {
        Some(code) => Error::Undelivered {
            target: server.to_string(),
            reason: format!("the server refused {what}: {code} {detail}"),
        },
        None => {
            let kind = if error.is_timeout() {
                "timed out".to_string()
            } else if error.is_tls() {
                "TLS failed".to_string()
            } else {
                error
                    .to_string()
                    .split(':')
                    .next()
                    .unwrap_or("failed")
                    .to_lowercase()
            };
            let reason = if detail.is_empty() {
                format!("{what}: {kind}")
            } else {
                format!("{what}: {kind}: {detail}")
            };
            Error::MailServer {
                server: server.to_string(),
                reason,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_with_their_defaults() {
        let s = SmtpServer::parse("smtp://mail.example.org").unwrap();
        assert_eq!(
            (s.security, s.port, s.user.as_deref()),
            (Security::StartTls, 587, None)
        );
        let s = SmtpServer::parse("smtps://me%40example.org@mail.example.org:2465/").unwrap();
        assert_eq!(s.security, Security::Tls);
        assert_eq!(s.user.as_deref(), Some("me@example.org"));
        assert_eq!((s.host.as_str(), s.port), ("mail.example.org", 2465));
        assert_eq!(s.name(), "smtps://mail.example.org:2465");
        let s = SmtpServer::parse("smtp://bot@127.0.0.1:2525").unwrap();
        assert_eq!(s.security, Security::Local);
        assert_eq!(s.user.as_deref(), Some("bot"));
        let s = SmtpServer::parse("smtp://[::1]").unwrap();
        assert_eq!((s.security, s.port), (Security::Local, 25));
        assert_eq!(s.name(), "smtp://[::1]:25");
        for local in [
            "smtp://localhost",
            "smtp://127.1.2.3",
            "smtp://[::ffff:127.0.0.1]",
        ] {
            assert_eq!(
                SmtpServer::parse(local).unwrap().security,
                Security::Local,
                "{local}"
            );
        }
        for remote in [
            "smtp://10.0.0.1",
            "smtp://[::ffff:10.0.0.1]",
            "smtp://localhost.example.org",
        ] {
            assert_eq!(
                SmtpServer::parse(remote).unwrap().security,
                Security::StartTls,
                "{remote}"
            );
        }
    }

    #[test]
    fn bad_urls_and_passwords_are_refused() {
        for url in [
            "mail.example.org",
            "http://mail.example.org",
            "smtp://",
            "smtp://host:0",
            "smtp://host:99999",
            "smtp://host/path",
            "smtp://@host",
        ] {
            assert!(SmtpServer::parse(url).is_err(), "{url}");
        }
        let err = SmtpServer::parse("smtp://me:secret@host")
            .unwrap_err()
            .to_string();
        assert!(err.contains(PASSWORD_VARIABLE), "{err}");
    }
}
