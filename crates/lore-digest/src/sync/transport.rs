//! git:// connections that give up on a stalled server.
//!
//! gix's git:// transport reads from a plain `TcpStream` with no timeout,
//! so a server that accepts and then sends nothing (or a byte a minute)
//! holds a sync forever. Its HTTP transport has curl's low-speed limit
//! for that (set through `http.lowSpeedLimit`, see [`super::limits`]);
//! this is the same for git://: the connection gix made is replaced, before
//! the handshake, by one whose reads and writes are bounded.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use gix::protocol::transport::client::blocking_io::Transport;
use gix::protocol::transport::client::git::ConnectMode;
use gix::protocol::transport::client::git::blocking_io::Connection;

use super::limits::{LOW_SPEED_BYTES_PER_SECOND, Stalled};

/// The connection gix hands to a clone's or fetch's callback.
pub(super) type GixConnection<'a, 'b, 'c> =
    gix::remote::Connection<'a, 'b, 'c, Box<dyn Transport + Send>>;

/// For a git:// remote, swaps the connection's transport for one that
/// fails with [`Stalled`] when the server moves fewer than
/// [`LOW_SPEED_BYTES_PER_SECOND`] on average over `timeout` of waiting.
/// Other schemes are left as they are.
pub(super) fn bound_git_connection(
    connection: &mut GixConnection<'_, '_, '_>,
    timeout: Duration,
) -> gix::Result {
    let (url, version) = connection
        .remote()
        .sanitized_url_and_version(gix::remote::Direction::Fetch)?;
    if url.scheme != gix::url::Scheme::Git {
        return Ok(());
    }
    let Some(host) = url.host() else {
        return Ok(());
    };
    let port = url.port;
    let address = (host, port.unwrap_or(9418))
        .to_socket_addrs()
        .map_err(gix::Error::from_error)?
        .next()
        .ok_or_else(|| gix::Error::from_error(std::io::Error::other("no address for the host")))?;
    let stream = TcpStream::connect_timeout(&address, timeout).map_err(gix::Error::from_error)?;
    stream
        .set_write_timeout(Some(timeout))
        .map_err(gix::Error::from_error)?;
    let read = Bounded::new(stream.try_clone().map_err(gix::Error::from_error)?, timeout);
    let write = Bounded::new(stream, timeout);
    let bounded = Connection::new(
        read,
        write,
        version,
        url.path.clone(),
        Some((host.to_string(), port)),
        ConnectMode::Daemon,
        false,
    )
    .custom_url(Some(url.to_bstring()));
    // The unbounded connection gix opened closes here, before any request
    // went over it.
    *connection.transport_mut() = Box::new(bounded);
    Ok(())
}

/// A socket that counts the time spent waiting on it and what arrived
/// meanwhile. Only waiting counts, not the time the fetch spends on its
/// own work between reads, so a busy client is never taken for a stalled
/// server.
struct Bounded {
    stream: TcpStream,
    timeout: Duration,
    waited: Duration,
    moved: u64,
}

impl Bounded {
    fn new(stream: TcpStream, timeout: Duration) -> Bounded {
        Bounded {
            stream,
            timeout,
            waited: Duration::ZERO,
            moved: 0,
        }
    }

    fn stalled(&self) -> std::io::Error {
        std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            Stalled {
                seconds: self.timeout.as_secs(),
            },
        )
    }

    /// Counts one wait that moved `bytes`; an error once a whole
    /// `timeout` of waiting moved too little. A socket timeout ends a
    /// window without data, so `count` always ends it or fails: the read
    /// loop cannot spin.
    fn count(&mut self, started: Instant, bytes: usize) -> std::io::Result<()> {
        self.waited += started.elapsed();
        self.moved += bytes as u64;
        if self.waited >= self.timeout {
            let needed =
                (u128::from(LOW_SPEED_BYTES_PER_SECOND) * self.timeout.as_millis() / 1000).max(1);
            if u128::from(self.moved) < needed {
                return Err(self.stalled());
            }
            self.waited = Duration::ZERO;
            self.moved = 0;
        }
        Ok(())
    }

    /// What a timed-out write becomes.
    fn map(&self, e: std::io::Error) -> std::io::Error {
        if is_timeout(&e) { self.stalled() } else { e }
    }
}

impl Read for Bounded {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            // The socket waits no longer than what is left of this window.
            let left = self
                .timeout
                .saturating_sub(self.waited)
                .max(Duration::from_millis(1));
            self.stream.set_read_timeout(Some(left))?;
            let started = Instant::now();
            match self.stream.read(buf) {
                Ok(read) => {
                    self.count(started, read)?;
                    return Ok(read);
                }
                // The window is over: a stall unless enough came in it.
                Err(e) if is_timeout(&e) => self.count(started, 0)?,
                Err(e) => return Err(e),
            }
        }
    }
}

fn is_timeout(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
    )
}

impl Write for Bounded {
    // Writes are requests, small and rare: the socket's own write timeout
    // bounds them, and they do not count towards the read window.
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.stream.write(buf).map_err(|e| self.map(e))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.stream.flush().map_err(|e| self.map(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    /// A server that accepts and then sends `bytes` every `every`.
    fn trickling(bytes: usize, every: Duration) -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            if let Ok((mut client, _)) = listener.accept() {
                loop {
                    std::thread::sleep(every);
                    if client.write_all(&vec![b'x'; bytes]).is_err() {
                        break;
                    }
                }
            }
        });
        port
    }

    fn read_all(port: u16, timeout: Duration) -> std::io::Result<usize> {
        let stream = TcpStream::connect(("127.0.0.1", port))?;
        let mut bounded = Bounded::new(stream, timeout);
        let mut total = 0;
        let mut buf = [0u8; 4096];
        let started = Instant::now();
        while started.elapsed() < Duration::from_millis(1500) {
            total += bounded.read(&mut buf)?;
        }
        Ok(total)
    }

    #[test]
    fn silence_and_a_trickle_are_stalls_a_steady_stream_is_not() {
        let timeout = Duration::from_millis(500);
        let silent = read_all(trickling(0, Duration::from_secs(60)), timeout).unwrap_err();
        assert_eq!(silent.kind(), std::io::ErrorKind::TimedOut);
        assert!(silent.to_string().contains("stalled"), "{silent}");
        // One byte every 250 ms: 2 bytes per window, under the 5 needed.
        let trickle = read_all(trickling(1, Duration::from_millis(250)), timeout).unwrap_err();
        assert_eq!(trickle.kind(), std::io::ErrorKind::TimedOut);
        // Enough bytes per window, however slowly they come: no stall.
        let steady = read_all(trickling(64, Duration::from_millis(50)), timeout);
        let steady = steady.map_err(|e| format!("{e:?}")).unwrap();
        assert!(steady > 0);
    }
}
