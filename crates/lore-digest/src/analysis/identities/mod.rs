//! Who people are and whom they work for: a mailmap folds one person's
//! names and addresses into one, and an organization map names the
//! organization behind each address's domain.

mod mailmap;
mod orgmap;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use mailmap::Mailmap;
pub use orgmap::OrgMap;

use crate::Error;
use crate::archive::MailRecord;

/// The identity rules a report applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identities {
    /// Proper names and addresses; empty by default.
    pub mailmap: Mailmap,
    /// Domain → organization; the built-in map by default.
    pub organizations: OrgMap,
}

impl Default for Identities {
    fn default() -> Self {
        Identities {
            mailmap: Mailmap::default(),
            organizations: OrgMap::builtin(),
        }
    }
}

impl Identities {
    /// Rewrites every person the report reads from `mails` (author, sender
    /// and the people named in trailers) to their proper identity, so that
    /// every count and list agrees on who is who.
    pub fn apply(&self, mails: &mut [MailRecord]) {
        if self.mailmap.is_empty() {
            return;
        }
        for mail in mails {
            let message = &mut mail.message;
            let people = message.author.iter_mut().chain(message.sender.iter_mut());
            let named = message.trailers.iter_mut().map(|t| &mut t.person);
            for person in people.chain(named) {
                self.mailmap.apply(person);
            }
        }
    }
}

/// Messages per organization from messages per domain: `(organization,
/// messages)`, most first, ties by name. An unlisted domain stands for
/// itself.
pub fn count_organizations(domains: &[(String, usize)], map: &OrgMap) -> Vec<(String, usize)> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for (domain, count) in domains {
        *counts.entry(map.organization(domain)).or_default() += count;
    }
    let mut counts: Vec<(String, usize)> = counts.into_iter().collect();
    counts.sort_by(|(a, x), (b, y)| y.cmp(x).then_with(|| a.cmp(b)));
    counts
}

/// A line of a mailmap or domain map that is not an entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong with it.
    pub reason: String,
}

impl LineError {
    fn in_file(self, path: &Path) -> Error {
        Error::BadMapLine {
            path: path.to_path_buf(),
            line: self.line,
            reason: self.reason,
        }
    }
}

fn read_file(path: &Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|source| Error::UnreadableMap {
        path: PathBuf::from(path),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(raw: &str) -> MailRecord {
        MailRecord::parsed(raw, 0)
    }

    #[test]
    fn authors_senders_and_trailer_people_are_all_rewritten() {
        let mailmap = match Mailmap::parse(
            b"Jane Doe <jane@work.example> <jane@home.example>\nRob Rev <rob@rev.example> <r@old.example>\n",
        ) {
            Ok(m) => m,
            Err(e) => panic!("{e:?}"),
        };
        let identities = Identities {
            mailmap,
            organizations: OrgMap::default(),
        };
        let mut mails = [
            mail(
                "From: Maint <m@k.example>\nSubject: [PATCH] x\n\nFrom: jane <Jane@Home.example>\n\nFix.\n\nReviewed-by: R <r@old.example>\n---\n a | 1 +\n",
            ),
            mail(
                "From: J <jane@home.example>\nSubject: Re: [PATCH] x\n\nAcked-by: Rob <R@old.example>\n",
            ),
        ];
        identities.apply(&mut mails);
        let first = &mails[0].message;
        assert_eq!(
            first.author.as_ref().map(|p| p.display()).as_deref(),
            Some("Jane Doe <jane@work.example>")
        );
        assert_eq!(
            first.sender.as_ref().map(|p| p.email.as_str()),
            Some("m@k.example")
        );
        assert_eq!(
            first.trailers[0].person.display(),
            "Rob Rev <rob@rev.example>"
        );
        let second = &mails[1].message;
        assert_eq!(
            second.sender.as_ref().map(|p| p.email.as_str()),
            Some("jane@work.example")
        );
        assert_eq!(second.trailers[0].person.email, "rob@rev.example");
    }

    #[test]
    fn organizations_sum_their_domains_and_unlisted_domains_stand_alone() {
        let map = match OrgMap::parse("intel.com Intel\nlinux.intel.com Intel\n") {
            Ok(m) => m,
            Err(e) => panic!("{e:?}"),
        };
        let domains = [
            ("uni.example".to_string(), 4),
            ("intel.com".to_string(), 2),
            ("linux.intel.com".to_string(), 2),
            ("a.example".to_string(), 4),
        ];
        assert_eq!(
            count_organizations(&domains, &map),
            [
                ("Intel".to_string(), 4),
                ("a.example".to_string(), 4),
                ("uni.example".to_string(), 4)
            ]
        );
    }
}
