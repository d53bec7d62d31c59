//! What a server can make a sync do, bounded: how much manifest it takes,
//! how long a transfer may stall, how many redirects are followed, how
//! many epochs an inbox may claim.

use std::io::Read;
use std::time::Duration;

/// The largest grokmirror manifest taken, gunzipped (and as downloaded).
/// lore's own, listing every list it carries, is a few MiB.
pub const MANIFEST_LIMIT: u64 = 64 << 20;

/// The highest epoch number taken from a server. An epoch holds about a
/// gigabyte of mail, and lore's largest list (LKML) has some 20 epochs; a
/// manifest naming `git/5000.git` is broken or hostile.
pub const MAX_EPOCH: u32 = 1000;

/// Redirects followed for the manifest. gix follows redirects of the
/// first request of a fetch only (`http.followRedirects=initial`, git's
/// default), as many as libcurl allows (30).
pub const MAX_REDIRECTS: u32 = 5;

/// A transfer that moves less than this on average over `--timeout` is
/// stalled. Low, so that only a server that has stopped is cut off.
pub const LOW_SPEED_BYTES_PER_SECOND: u64 = 10;

/// The default of `--timeout`: how long a transfer may go without progress.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// A server that stopped sending (or trickles a few bytes now and then).
#[derive(Debug)]
pub struct Stalled {
    /// The timeout that ran out.
    pub seconds: u64,
}

impl std::fmt::Display for Stalled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the server stalled: less than {LOW_SPEED_BYTES_PER_SECOND} bytes/s for {} s (--timeout)",
            self.seconds
        )
    }
}

impl std::error::Error for Stalled {}

/// The git configuration that bounds gix's HTTP transfers as the manifest
/// download is bounded: curl's low-speed limit, its connect timeout, and
/// redirects on the first request only.
pub(super) fn http_config(timeout: Duration) -> Vec<String> {
    vec![
        format!("http.lowSpeedLimit={LOW_SPEED_BYTES_PER_SECOND}"),
        format!("http.lowSpeedTime={}", timeout.as_secs().max(1)),
        format!("gitoxide.http.connectTimeout={}", timeout.as_millis()),
        "http.followRedirects=initial".to_string(),
    ]
}

/// Sets the same bounds on a curl handle of our own (the manifest).
pub(super) fn bound_curl(
    easy: &mut curl::easy::Easy,
    timeout: Duration,
) -> Result<(), curl::Error> {
    easy.follow_location(true)?;
    easy.max_redirections(MAX_REDIRECTS)?;
    easy.connect_timeout(timeout)?;
    easy.low_speed_limit(u32::try_from(LOW_SPEED_BYTES_PER_SECOND).unwrap_or(u32::MAX))?;
    easy.low_speed_time(timeout.max(Duration::from_secs(1)))?;
    Ok(())
}

/// Gunzips `data`, refusing more than `limit` bytes of output: a gzip bomb
/// of a few KiB can unpack to gigabytes.
pub(super) fn gunzip_bounded(data: &[u8], limit: u64) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(data)
        .take(limit.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| format!("not gzip data: {e}"))?;
    if out.len() as u64 > limit {
        return Err(format!(
            "the manifest unpacks to more than {} MiB (a gzip bomb?); refused",
            limit >> 20
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(data).unwrap();
        gz.finish().unwrap()
    }

    #[test]
    fn a_gzip_bomb_is_refused_without_unpacking_it_all() {
        let bomb = gzip(&vec![b' '; 3 << 20]);
        assert!(bomb.len() < 16 << 10);
        let refused = gunzip_bounded(&bomb, 1 << 20).unwrap_err();
        assert!(refused.contains("more than 1 MiB"), "{refused}");
        assert_eq!(gunzip_bounded(&gzip(b"{}"), 1 << 20).unwrap(), b"{}");
        assert!(gunzip_bounded(b"<html>", 1 << 20).is_err());
    }
}
