use foldhash::{HashMap, HashMapExt};

use crate::archive::MailRecord;
use crate::mail::Person;

/// Messages counted per author and per author domain.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// `(domain, messages)`, most messages first, ties by domain.
    pub domains: Vec<(String, usize)>,
    /// `(person, messages)`, most messages first, ties by name then address.
    pub contributors: Vec<(Person, usize)>,
    /// Mails without an author address, left out of both lists.
    pub without_author: usize,
}

/// Counts every mail once for its author (see [`crate::mail::Message::author`]).
///
/// One address is one contributor, whatever case or encoding its display
/// name came in; the name shown is the one used most often (the first seen
/// on a tie).
pub fn tally(mails: &[MailRecord]) -> Tally {
    let authors = mails.iter().map(|m| m.message.author.as_ref());
    tally_people(authors)
}

/// Counts people (and their domains) as [`tally`] counts authors; `None`
/// and address-less people are counted in `without_author`.
pub fn tally_people<'a>(people_seen: impl IntoIterator<Item = Option<&'a Person>>) -> Tally {
    struct Entry<'a> {
        count: usize,
        /// Each display name: (uses, order first seen).
        names: HashMap<&'a str, (usize, usize)>,
    }
    let mut people: HashMap<&str, Entry<'_>> = HashMap::new();
    let mut domains: HashMap<&str, usize> = HashMap::new();
    let mut without_author = 0;
    for person in people_seen {
        let Some(author) = person.filter(|a| !a.email.is_empty()) else {
            without_author += 1;
            continue;
        };
        let entry = people.entry(&author.email).or_insert_with(|| Entry {
            count: 0,
            names: HashMap::new(),
        });
        entry.count += 1;
        let seen = entry.names.len();
        entry.names.entry(&author.name).or_insert((0, seen)).0 += 1;
        if let Some(domain) = author.domain() {
            *domains.entry(domain).or_default() += 1;
        }
    }

    let mut contributors: Vec<(Person, usize)> = people
        .into_iter()
        .map(|(email, entry)| {
            let name = entry
                .names
                .iter()
                .max_by_key(|(_, (uses, seen))| (*uses, std::cmp::Reverse(*seen)))
                .map_or("", |(name, _)| *name);
            (
                Person {
                    name: name.to_string(),
                    email: email.to_string(),
                },
                entry.count,
            )
        })
        .collect();
    contributors.sort_by(|(a, x), (b, y)| {
        y.cmp(x)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.email.cmp(&b.email))
    });

    let mut domains: Vec<(String, usize)> = domains
        .into_iter()
        .map(|(d, n)| (d.to_string(), n))
        .collect();
    domains.sort_by(|(a, x), (b, y)| y.cmp(x).then_with(|| a.cmp(b)));
    Tally {
        domains,
        contributors,
        without_author,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(raw: &str) -> MailRecord {
        MailRecord::parsed(raw, 0)
    }

    #[test]
    fn one_address_is_one_contributor_whatever_the_name_looks_like() {
        let mails = [
            mail("From: Jane Doe <jane@example.com>\nSubject: a\n\nx\n"),
            mail("From: JANE DOE <Jane@Example.COM>\nSubject: b\n\nx\n"),
            mail("From: =?UTF-8?Q?Jane_Doe?= <jane@example.com>\nSubject: c\n\nx\n"),
            mail("From: Bob <bob@other.org>\nSubject: d\n\nx\n"),
        ];
        let t = tally(&mails);
        assert_eq!(t.contributors.len(), 2);
        assert_eq!(t.contributors[0].0.display(), "Jane Doe <jane@example.com>");
        assert_eq!(t.contributors[0].1, 3);
        assert_eq!(
            t.domains,
            [("example.com".to_string(), 3), ("other.org".to_string(), 1)]
        );
    }

    #[test]
    fn in_body_author_is_counted_not_the_sender() {
        let mails = [mail(
            "From: Maintainer <m@kernel.org>\nSubject: [PATCH] x\n\nFrom: Author <a@uni.edu>\n\nfix\n",
        )];
        let t = tally(&mails);
        assert_eq!(t.contributors[0].0.email, "a@uni.edu");
        assert_eq!(t.domains[0].0, "uni.edu");
    }

    #[test]
    fn ties_are_broken_by_name_and_authorless_mails_counted_apart() {
        let mails = [
            mail("From: Zed <z@b.org>\nSubject: a\n\nx\n"),
            mail("From: Amy <a@c.org>\nSubject: b\n\nx\n"),
            mail("Subject: no from\n\nx\n"),
        ];
        let t = tally(&mails);
        let names: Vec<_> = t
            .contributors
            .iter()
            .map(|(p, _)| p.name.as_str())
            .collect();
        assert_eq!(names, ["Amy", "Zed"]);
        let domains: Vec<_> = t.domains.iter().map(|(d, _)| d.as_str()).collect();
        assert_eq!(domains, ["b.org", "c.org"]);
        assert_eq!(t.without_author, 1);
    }
}
