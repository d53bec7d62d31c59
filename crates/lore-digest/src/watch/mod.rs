//! Watchlists: the part of a report that concerns someone — their
//! MAINTAINERS sections, their files, their people, their organization.
//!
//! A [`Watch`] is what `--section`, `--who`, `--org` and `--files` (or a
//! list's `watch` in the configuration) ask for. Its criteria are a union:
//! a series is watched when any of them holds, as a watchlist of "my
//! sections, my reviewers and my company" means. This module holds the
//! rules (how a name, an address, a glob or an organization matches);
//! [`crate::report`] applies them to a built report (`report/watch.rs`).

mod nearest;
#[cfg(test)]
mod tests;

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;

pub use nearest::nearest;

use crate::Error;
use crate::mail::Person;

/// What a watchlist asks for; every part optional, any part matching
/// is enough.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Watch {
    /// Globs over MAINTAINERS section names (`*`, `?`, `[…]`, case
    /// ignored): series with a patch touching such a section.
    #[serde(default)]
    pub sections: Vec<String>,
    /// Addresses or names: series by the person, reviewed by them, or
    /// waiting on them as `M:`/`R:` of one of the series' sections.
    #[serde(default)]
    pub who: Vec<String>,
    /// Organizations (as the organization map names them) or domains:
    /// series by their people.
    #[serde(default)]
    pub orgs: Vec<String>,
    /// Path globs: series with a patch touching a matching file, or a file
    /// below a matching directory (`drivers/hv` covers `drivers/hv/hv.c`).
    #[serde(default)]
    pub files: Vec<String>,
}

impl Watch {
    /// Whether it asks for nothing (no filter).
    pub fn is_empty(&self) -> bool {
        self.sections.is_empty()
            && self.who.is_empty()
            && self.orgs.is_empty()
            && self.files.is_empty()
    }

    /// The watch with `other`'s criteria added (flags over configuration
    /// would lose the configured list; a watchlist only grows).
    pub fn merged(mut self, other: &Watch) -> Watch {
        for (mine, theirs) in [
            (&mut self.sections, &other.sections),
            (&mut self.who, &other.who),
            (&mut self.orgs, &other.orgs),
            (&mut self.files, &other.files),
        ] {
            for item in theirs {
                if !mine.contains(item) {
                    mine.push(item.clone());
                }
            }
        }
        self
    }

    /// What it was filtered to, for a report's header:
    /// `section "HYPER-V*", who "wei.liu@kernel.org"`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        for (label, items) in [
            ("section", &self.sections),
            ("who", &self.who),
            ("org", &self.orgs),
            ("files", &self.files),
        ] {
            for item in items {
                parts.push(format!("{label} \"{item}\""));
            }
        }
        parts.join(", ")
    }

    /// The criteria compiled; a glob that does not parse is an input error.
    pub fn compile(&self) -> Result<Compiled, Error> {
        let sections = glob_set(&self.sections, "--section", |glob| {
            GlobBuilder::new(glob).case_insensitive(true).build()
        })?;
        let files = glob_set(&self.files, "--files", |glob| {
            // `*` stays within one directory, `**` crosses them, as in
            // .gitignore; a leading `/` or `./` means the tree's top.
            let glob = glob.trim_start_matches("./").trim_start_matches('/');
            let glob = glob.trim_end_matches('/');
            GlobBuilder::new(glob).literal_separator(true).build()
        })?;
        Ok(Compiled {
            sections,
            who: self.who.iter().map(|w| PersonQuery::new(w)).collect(),
            orgs: self
                .orgs
                .iter()
                .map(|o| (o.clone(), normalize(o)))
                .collect(),
            files,
        })
    }
}

fn glob_set(
    globs: &[String],
    flag: &str,
    build: impl Fn(&str) -> Result<Glob, globset::Error>,
) -> Result<GlobSet, Error> {
    let mut set = GlobSetBuilder::new();
    for glob in globs {
        let compiled = build(glob).map_err(|e| Error::BadWatch {
            flag: flag.to_string(),
            given: glob.clone(),
            reason: e.kind().to_string(),
        })?;
        set.add(compiled);
    }
    set.build().map_err(|e| Error::BadWatch {
        flag: flag.to_string(),
        given: globs.join(" "),
        reason: e.to_string(),
    })
}

/// Lower-cased, whitespace runs as one space.
fn normalize(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A [`Watch`] ready to test series against.
#[derive(Debug)]
pub struct Compiled {
    sections: GlobSet,
    who: Vec<PersonQuery>,
    /// Each `--org` as given, and normalized.
    orgs: Vec<(String, String)>,
    files: GlobSet,
}

impl Compiled {
    /// Whether a section name is watched.
    pub fn section(&self, name: &str) -> bool {
        self.sections.is_match(name)
    }

    /// Whether any section criterion was given.
    pub fn has_sections(&self) -> bool {
        !self.sections.is_empty()
    }

    /// Whether any file criterion was given.
    pub fn has_files(&self) -> bool {
        !self.files.is_empty()
    }

    /// Whether any person or organization criterion was given (the ones a
    /// "Your series" table is for).
    pub fn has_people(&self) -> bool {
        !self.who.is_empty() || !self.orgs.is_empty()
    }

    /// Whether `path` (from the top of the tree) or a directory above it
    /// is watched.
    pub fn file(&self, path: &str) -> bool {
        if self.files.is_empty() {
            return false;
        }
        let mut rest = path.trim_end_matches('/');
        loop {
            if self.files.is_match(rest) {
                return true;
            }
            match rest.rfind('/') {
                Some(cut) => rest = &rest[..cut],
                None => return false,
            }
        }
    }

    /// Whether `person` is one of the people watched.
    pub fn person(&self, person: &Person) -> bool {
        self.who.iter().any(|q| q.matches(person))
    }

    /// Whether an organization (as the map names it) or the domain it
    /// came from is watched.
    pub fn organization(&self, organization: &str, domain: &str) -> bool {
        let organization = normalize(organization);
        let domain = domain.to_lowercase();
        self.orgs
            .iter()
            .any(|(_, o)| org_matches(o, &organization, &domain))
    }

    /// The `--who` queries that match none of `people`, as given.
    pub fn unmatched_people<'a>(
        &self,
        people: impl Iterator<Item = &'a Person> + Clone,
    ) -> Vec<&str> {
        self.who
            .iter()
            .filter(|q| !people.clone().any(|p| q.matches(p)))
            .map(|q| q.given.as_str())
            .collect()
    }

    /// The `--org` values that match none of `(organization, domain)`,
    /// as given.
    pub fn unmatched_orgs<'a>(
        &self,
        known: impl Iterator<Item = (&'a str, &'a str)> + Clone,
    ) -> Vec<&str> {
        self.orgs
            .iter()
            .filter(|(_, o)| {
                !known
                    .clone()
                    .any(|(org, domain)| org_matches(o, &normalize(org), &domain.to_lowercase()))
            })
            .map(|(given, _)| given.as_str())
            .collect()
    }
}

/// Whether a normalized `--org` names an organization (normalized) or a
/// domain (lower-cased); a domain covers its subdomains, as the map folds
/// them.
fn org_matches(wanted: &str, organization: &str, domain: &str) -> bool {
    wanted == organization
        || wanted == domain
        || domain
            .strip_suffix(wanted)
            .is_some_and(|rest| rest.ends_with('.'))
}

/// One `--who`: an address (it has an `@`) or a name.
#[derive(Debug)]
struct PersonQuery {
    given: String,
    /// Lower-cased address, or the normalized name.
    key: String,
    is_address: bool,
}

impl PersonQuery {
    fn new(given: &str) -> PersonQuery {
        let trimmed = given.trim();
        // `Name <address>` as people paste it from a mail: the address decides.
        let address = trimmed
            .rsplit_once('<')
            .and_then(|(_, rest)| rest.strip_suffix('>'))
            .unwrap_or(trimmed);
        let is_address = address.contains('@');
        PersonQuery {
            given: trimmed.to_string(),
            key: if is_address {
                address.trim().to_lowercase()
            } else {
                normalize(trimmed)
            },
            is_address,
        }
    }

    fn matches(&self, person: &Person) -> bool {
        if self.is_address {
            person.email == self.key
        } else {
            !person.name.is_empty() && normalize(&person.name) == self.key
        }
    }
}
