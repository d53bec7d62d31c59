//! Which epochs a public-inbox has, from its grokmirror manifest.

use std::collections::BTreeMap;
use std::time::Duration;

use super::limits::{self, MANIFEST_LIMIT};
use crate::Error;

/// One epoch repository of an inbox, as the server lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteEpoch {
    /// `N` of `git/N.git`.
    pub number: u32,
    /// Where to fetch it from.
    pub url: String,
    /// When the server last changed it (seconds), if the manifest says.
    pub modified: Option<i64>,
}

/// What a URL names: an inbox (`https://lore.kernel.org/kvm`) or one epoch
/// repository (`…/kvm/git/1.git`, or any git URL ending in `.git`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// An inbox; its epochs are `BASE/git/N.git`.
    Inbox {
        /// The inbox URL without a trailing slash.
        base: String,
    },
    /// A single epoch repository, stored as `git/N.git`.
    Epoch {
        /// The repository URL.
        url: String,
        /// Its epoch number (`git/N.git` in the URL), else 0.
        number: u32,
    },
}

impl Source {
    /// Reads a URL given by the user.
    pub fn parse(url: &str) -> Source {
        let url = url.trim().trim_end_matches('/');
        if url.ends_with(".git") {
            let number = url
                .rsplit_once("/git/")
                .and_then(|(_, name)| name.strip_suffix(".git"))
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            return Source::Epoch {
                url: url.to_string(),
                number,
            };
        }
        Source::Inbox {
            base: url.to_string(),
        }
    }
}

/// The epochs a grokmirror manifest (`manifest.js.gz`, gunzipped) lists
/// under the inbox at `base`: entries named `…/<inbox path>/git/N.git`.
/// `None` when the data is not a manifest.
pub fn epochs_from_manifest(base: &str, manifest: &[u8]) -> Option<Vec<RemoteEpoch>> {
    let entries: BTreeMap<String, serde_json::Value> = serde_json::from_slice(manifest).ok()?;
    // The inbox path as the manifest keys it: `https://lore.kernel.org/kvm` → `/kvm`.
    let path = base
        .split_once("://")
        .map_or(base, |(_, rest)| rest)
        .split_once('/')
        .map_or("", |(_, path)| path)
        .trim_matches('/');
    let mut epochs: Vec<RemoteEpoch> = entries
        .iter()
        .filter_map(|(key, info)| {
            let (inbox, name) = key.trim_matches('/').rsplit_once("/git/")?;
            if inbox != path {
                return None;
            }
            let number = name.strip_suffix(".git")?.parse().ok()?;
            Some(RemoteEpoch {
                number,
                url: format!("{base}/git/{number}.git"),
                modified: info.get("modified").and_then(serde_json::Value::as_i64),
            })
        })
        .collect();
    epochs.sort_by_key(|e| e.number);
    Some(epochs)
}

/// The URL of an inbox's grokmirror manifest.
pub fn manifest_url(base: &str) -> String {
    format!("{base}/manifest.js.gz")
}

/// Fetches and gunzips `BASE/manifest.js.gz` over HTTP(S); `Ok(None)` when
/// the server has none (any status but 200), an error naming the URL when
/// it cannot be reached, stalls for `timeout`, redirects too often, or
/// sends more than [`MANIFEST_LIMIT`] bytes (packed or unpacked).
pub(super) fn fetch_manifest(base: &str, timeout: Duration) -> Result<Option<Vec<u8>>, Error> {
    if !(base.starts_with("http://") || base.starts_with("https://")) {
        return Ok(None);
    }
    let url = manifest_url(base);
    let fail = |reason: String| Error::Fetch {
        url: url.clone(),
        reason,
    };
    let mut body = Vec::new();
    let mut too_big = false;
    let mut easy = curl::easy::Easy::new();
    let status = (|| -> Result<u32, curl::Error> {
        easy.url(&url)?;
        limits::bound_curl(&mut easy, timeout)?;
        easy.useragent(concat!("lore-digest/", env!("CARGO_PKG_VERSION")))?;
        {
            let mut transfer = easy.transfer();
            transfer.write_function(|data| {
                if body.len() as u64 + data.len() as u64 > MANIFEST_LIMIT {
                    too_big = true;
                    // Taking less than offered makes curl abort the transfer.
                    return Ok(0);
                }
                body.extend_from_slice(data);
                Ok(data.len())
            })?;
            transfer.perform()?;
        }
        easy.response_code()
    })();
    let status = match status {
        Ok(status) => status,
        Err(_) if too_big => {
            return Err(fail(format!(
                "the server sent more than {} MiB of manifest; refused",
                MANIFEST_LIMIT >> 20
            )));
        }
        Err(e) if e.is_operation_timedout() => {
            return Err(Error::Stalled {
                url,
                seconds: timeout.as_secs(),
            });
        }
        Err(e) if e.is_too_many_redirects() => {
            return Err(fail(format!(
                "redirected more than {} times; refused",
                limits::MAX_REDIRECTS
            )));
        }
        Err(e) => return Err(fail(e.to_string())),
    };
    if status != 200 {
        return Ok(None);
    }
    limits::gunzip_bounded(&body, MANIFEST_LIMIT)
        .map(Some)
        .map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_an_inbox_or_an_epoch() {
        assert_eq!(
            Source::parse("https://lore.kernel.org/kvm/"),
            Source::Inbox {
                base: "https://lore.kernel.org/kvm".into()
            }
        );
        assert_eq!(
            Source::parse("https://lore.kernel.org/kvm/git/1.git"),
            Source::Epoch {
                url: "https://lore.kernel.org/kvm/git/1.git".into(),
                number: 1
            }
        );
        assert_eq!(
            Source::parse("git://example.org/mirror.git"),
            Source::Epoch {
                url: "git://example.org/mirror.git".into(),
                number: 0
            }
        );
    }

    #[test]
    fn manifest_entries_of_the_inbox_become_epochs() {
        let manifest = br#"{
            "/kvm/git/1.git": {"modified": 1700000100, "fingerprint": "b"},
            "/kvm/git/0.git": {"modified": 1600000000, "fingerprint": "a"},
            "/kvm-ppc/git/0.git": {"modified": 1},
            "/kvm/git/notes.git": {}
        }"#;
        let epochs = epochs_from_manifest("https://lore.kernel.org/kvm", manifest).unwrap();
        assert_eq!(
            epochs,
            [
                RemoteEpoch {
                    number: 0,
                    url: "https://lore.kernel.org/kvm/git/0.git".into(),
                    modified: Some(1_600_000_000)
                },
                RemoteEpoch {
                    number: 1,
                    url: "https://lore.kernel.org/kvm/git/1.git".into(),
                    modified: Some(1_700_000_100)
                },
            ]
        );
        assert!(epochs_from_manifest("https://x/kvm", b"<html>").is_none());
    }
}
