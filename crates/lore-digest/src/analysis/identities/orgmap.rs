//! Domain → organization, in gitdm's domain-map format.

use std::collections::HashMap;
use std::path::Path;

use super::LineError;
use crate::Error;

/// The built-in map: the common domains of kernel lists, as data.
const BUILTIN: &str = include_str!("default-orgmap.txt");

/// Which organization an address's domain belongs to.
///
/// The format is gitdm's domain map: one `domain Organization Name` per
/// line, whitespace between, `#` starting a comment. A subdomain belongs to
/// its parent's organization unless it is listed itself, so
/// `linux.ibm.com` is IBM through `ibm.com`.
///
/// gitdm lets a line end in `< YYYY-MM-DD`: the domain belonged to that
/// organization until then. A report names the current owner, so such a
/// line counts only when no line without a date names the domain; of
/// several dated lines, the latest date counts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrgMap {
    by_domain: HashMap<String, Owner>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Owner {
    organization: String,
    /// The gitdm end date, `YYYY-MM-DD`; `None` for the current owner.
    until: Option<String>,
}

impl Owner {
    /// Whether this line tells the current owner better than `other`.
    fn supersedes(&self, other: &Owner) -> bool {
        match (&self.until, &other.until) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(mine), Some(theirs)) => mine >= theirs,
        }
    }
}

impl OrgMap {
    /// The built-in map (see `default-orgmap.txt` beside this file).
    pub fn builtin() -> OrgMap {
        // The text is part of the program and a unit test parses it; were
        // it ever broken, the report would show bare domains, not stop.
        OrgMap::parse(BUILTIN).unwrap_or_default()
    }

    /// Parses a domain map; a line that is not `domain Organization` (with
    /// an optional `< YYYY-MM-DD`) is an error with its line number.
    pub fn parse(text: &str) -> Result<OrgMap, LineError> {
        let mut map = OrgMap::default();
        for (index, line) in text.lines().enumerate() {
            let fail = |reason: String| LineError {
                line: index + 1,
                reason,
            };
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let Some((domain, organization)) = line.split_once(char::is_whitespace) else {
                return Err(fail(format!(
                    "`{line}` names no organization (expected `domain Organization Name`)"
                )));
            };
            let domain = domain.trim_start_matches('.').to_lowercase();
            if domain.is_empty() || domain.contains(['@', '<', '>']) {
                return Err(fail(format!(
                    "`{domain}` is not a domain (expected `domain Organization Name`)"
                )));
            }
            let (organization, until) = match organization.rsplit_once('<') {
                Some((name, date)) => {
                    let date = date.trim();
                    if !is_iso_date(date) {
                        return Err(fail(format!(
                            "`<{date}` is not an end date (expected `< YYYY-MM-DD`)"
                        )));
                    }
                    (name, Some(date.to_string()))
                }
                None => (organization, None),
            };
            let organization = organization
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            if organization.is_empty() {
                return Err(fail(format!("`{domain}` names no organization")));
            }
            map.insert(
                domain,
                Owner {
                    organization,
                    until,
                },
            );
        }
        Ok(map)
    }

    /// Reads and parses a domain-map file; a missing file or a bad line is
    /// an input error naming the file (and line).
    pub fn read(path: &Path) -> Result<OrgMap, Error> {
        let bytes = super::read_file(path)?;
        OrgMap::parse(&String::from_utf8_lossy(&bytes)).map_err(|e| e.in_file(path))
    }

    /// Adds `other`'s domains, its lines winning over these for the same
    /// domain (but a dated line never over a current one).
    pub fn extend(&mut self, other: OrgMap) {
        for (domain, owner) in other.by_domain {
            self.insert(domain, owner);
        }
    }

    fn insert(&mut self, domain: String, owner: Owner) {
        match self.by_domain.get(&domain) {
            Some(known) if !owner.supersedes(known) => {}
            _ => {
                self.by_domain.insert(domain, owner);
            }
        }
    }

    /// Every `(domain, organization)` of the map, in no particular order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str)> + Clone {
        self.by_domain
            .iter()
            .map(|(domain, owner)| (domain.as_str(), owner.organization.as_str()))
    }

    /// Domains in the map.
    pub fn len(&self) -> usize {
        self.by_domain.len()
    }

    /// Whether the map names no domain.
    pub fn is_empty(&self) -> bool {
        self.by_domain.is_empty()
    }

    /// The organization of the longest listed suffix of `domain`, cut at
    /// dots (`mail.linux.ibm.com` → `linux.ibm.com` → `ibm.com`).
    pub fn lookup(&self, domain: &str) -> Option<&str> {
        let domain = domain.to_lowercase();
        let mut rest = domain.as_str();
        loop {
            if let Some(owner) = self.by_domain.get(rest) {
                return Some(&owner.organization);
            }
            rest = rest.split_once('.')?.1;
        }
    }

    /// The organization of `domain`, or the domain itself when unlisted.
    pub fn organization(&self, domain: &str) -> String {
        self.lookup(domain)
            .map_or_else(|| domain.to_string(), str::to_string)
    }
}

fn is_iso_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(text: &str) -> OrgMap {
        match OrgMap::parse(text) {
            Ok(map) => map,
            Err(e) => panic!("domain map does not parse: {e:?}"),
        }
    }

    #[test]
    fn the_builtin_map_parses_and_names_the_common_domains() {
        assert!(OrgMap::parse(BUILTIN).is_ok());
        let m = OrgMap::builtin();
        for (domain, organization) in [
            ("intel.com", "Intel"),
            ("linux.intel.com", "Intel"),
            ("redhat.com", "Red Hat"),
            ("suse.cz", "SUSE"),
            ("linux.microsoft.com", "Microsoft"),
            ("gmail.com", "(personal)"),
            ("outlook.com", "(personal)"),
            ("kernel.org", "kernel.org"),
            ("oss.qualcomm.com", "Qualcomm"),
            ("ti.com", "Texas Instruments"),
        ] {
            assert_eq!(m.lookup(domain), Some(organization), "{domain}");
        }
    }

    #[test]
    fn subdomains_fold_to_their_parent_on_label_boundaries() {
        let m = map("ibm.com IBM\nlinux.ibm.com IBM Linux\n");
        assert_eq!(m.lookup("linux.ibm.com"), Some("IBM Linux"));
        assert_eq!(m.lookup("mail.linux.ibm.com"), Some("IBM Linux"));
        assert_eq!(m.lookup("de.ibm.com"), Some("IBM"));
        assert_eq!(m.lookup("IBM.COM"), Some("IBM"));
        // `notibm.com` ends in `ibm.com` but is not a subdomain of it.
        assert_eq!(m.lookup("notibm.com"), None);
    }

    #[test]
    fn unlisted_domains_are_shown_as_themselves() {
        let m = map("ibm.com IBM\n");
        assert_eq!(m.lookup("uni.example"), None);
        assert_eq!(m.organization("uni.example"), "uni.example");
        assert_eq!(m.organization("ibm.com"), "IBM");
    }

    #[test]
    fn comments_blank_lines_and_spacing() {
        let m = map(
            "# gitdm map\n\nibm.com\t\tInternational   Business Machines  # the old name\n   \n",
        );
        assert_eq!(m.lookup("ibm.com"), Some("International Business Machines"));
        assert_eq!(m.len(), 1);
    }

    #[test]
    fn an_override_file_adds_and_replaces() {
        let mut m = map("ibm.com IBM\nredhat.com Red Hat\n");
        m.extend(map("redhat.com IBM\nuni.example University\n"));
        assert_eq!(m.lookup("redhat.com"), Some("IBM"));
        assert_eq!(m.lookup("uni.example"), Some("University"));
        assert_eq!(m.lookup("ibm.com"), Some("IBM"));
    }

    #[test]
    fn an_end_date_is_accepted_and_the_current_owner_counts() {
        let m = map("sun.com Oracle\nsun.com Sun Microsystems < 2010-01-27\n");
        assert_eq!(m.lookup("sun.com"), Some("Oracle"));
        let m = map("old.example Old One < 2001-01-01\nold.example Old Two < 2005-01-01\n");
        assert_eq!(m.lookup("old.example"), Some("Old Two"));
    }

    #[test]
    fn a_bad_line_is_an_error_with_its_line_number() {
        for (text, line, says) in [
            ("ibm.com IBM\nlonely.example\n", 2, "names no organization"),
            ("# x\n\njane@x.example Jane\n", 3, "is not a domain"),
            ("sun.com Sun < 2010\n", 1, "is not an end date"),
            ("sun.com   < 2010-01-01\n", 1, "names no organization"),
        ] {
            let Err(e) = OrgMap::parse(text) else {
                panic!("{text:?} parsed");
            };
            assert_eq!(e.line, line, "{text:?}");
            assert!(e.reason.contains(says), "{text:?}: {}", e.reason);
        }
    }
}
