//! git's `.mailmap`: one person's names and addresses folded into one.

use std::path::Path;

use gix::bstr::{BStr, ByteSlice};
use gix::mailmap::Snapshot;

use super::LineError;
use crate::Error;
use crate::mail::Person;

/// What a line must look like, for the error message.
const FORMS: &str = "expected `Proper Name <commit@email>`, `<proper@email> <commit@email>`, \
`Proper Name <proper@email> <commit@email>` or \
`Proper Name <proper@email> Commit Name <commit@email>`";

/// A parsed mailmap in git's format (see `gitmailmap(5)`).
///
/// The lookup is gitoxide's: addresses and names match case-insensitively,
/// and an entry naming both the commit name and address wins over one that
/// names only the address, as in git.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mailmap {
    snapshot: Snapshot,
}

impl Mailmap {
    /// Parses mailmap text. Blank lines and `#` comments are skipped; any
    /// other line that is not one of git's four forms is an error with its
    /// line number, where git would skip it silently: a typo in a file given
    /// on purpose should not quietly leave two people unmerged.
    pub fn parse(text: &[u8]) -> Result<Mailmap, LineError> {
        let mut entries = Vec::new();
        for (index, line) in text.lines().enumerate() {
            // git skips an indented comment too.
            if line.trim_start().starts_with(b"#") {
                continue;
            }
            // Fed one line at a time, so the line number is ours to keep.
            match gix::mailmap::parse(line).next() {
                None => {}
                Some(Ok(entry)) => entries.push(entry),
                Some(Err(_)) => {
                    return Err(LineError {
                        line: index + 1,
                        reason: format!("not a mailmap entry ({FORMS}): {}", excerpt(line)),
                    });
                }
            }
        }
        Ok(Mailmap {
            snapshot: Snapshot::new(entries),
        })
    }

    /// Reads and parses a mailmap file; a missing file or a bad line is an
    /// input error naming the file (and line).
    pub fn read(path: &Path) -> Result<Mailmap, Error> {
        let text = super::read_file(path)?;
        Mailmap::parse(&text).map_err(|e| e.in_file(path))
    }

    /// Whether the map has no entry, so resolving would change nothing.
    pub fn is_empty(&self) -> bool {
        self.snapshot.iter().next().is_none()
    }

    /// The person's proper name and address, or `None` when no entry
    /// matches. The address comes back lower-cased, as every [`Person`]'s.
    pub fn resolve(&self, person: &Person) -> Option<Person> {
        let signature = gix::actor::SignatureRef {
            name: person.name.as_bytes().as_bstr(),
            email: person.email.as_bytes().as_bstr(),
            // Only names and addresses take part in the lookup.
            time: "",
        };
        let resolved = self.snapshot.try_resolve_ref(signature)?;
        let text = |b: Option<&BStr>, fallback: &str| {
            b.map_or_else(|| fallback.to_string(), |b| b.to_str_lossy().into_owned())
        };
        Some(Person::new(
            &text(resolved.name, &person.name),
            &text(resolved.email, &person.email),
        ))
    }

    /// Replaces `person` by its proper identity, if the map has one.
    pub fn apply(&self, person: &mut Person) {
        if let Some(proper) = self.resolve(person) {
            *person = proper;
        }
    }
}

/// The start of a bad line, enough to find it, safe to print on one line.
fn excerpt(line: &[u8]) -> String {
    let text = line.to_str_lossy();
    let text = text.trim();
    match text.char_indices().nth(60) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(text: &str) -> Mailmap {
        match Mailmap::parse(text.as_bytes()) {
            Ok(map) => map,
            Err(e) => panic!("mailmap does not parse: {e:?}"),
        }
    }

    fn resolve(map: &Mailmap, name: &str, email: &str) -> (String, String) {
        let p = map
            .resolve(&Person::new(name, email))
            .unwrap_or_else(|| Person::new(name, email));
        (p.name, p.email)
    }

    fn person(name: &str, email: &str) -> (String, String) {
        (name.to_string(), email.to_string())
    }

    #[test]
    fn a_proper_name_for_an_address() {
        let m = map("Jane Doe <jane@work.example>\n");
        assert_eq!(
            resolve(&m, "jd", "jane@work.example"),
            person("Jane Doe", "jane@work.example")
        );
    }

    #[test]
    fn a_proper_address_for_an_address_keeps_the_name() {
        let m = map("<jane@work.example> <jane@home.example>\n");
        assert_eq!(
            resolve(&m, "Jane", "jane@home.example"),
            person("Jane", "jane@work.example")
        );
    }

    #[test]
    fn a_proper_name_and_address_for_an_address() {
        let m = map("Jane Doe <jane@work.example> <jane@home.example>\n");
        assert_eq!(
            resolve(&m, "jd", "jane@home.example"),
            person("Jane Doe", "jane@work.example")
        );
    }

    #[test]
    fn a_proper_name_and_address_for_a_name_and_address() {
        let m = map("Jane Doe <jane@work.example> Builder <ci@shared.example>\n");
        assert_eq!(
            resolve(&m, "Builder", "ci@shared.example"),
            person("Jane Doe", "jane@work.example")
        );
        // The same address under another name is someone else.
        assert_eq!(
            resolve(&m, "Other Bot", "ci@shared.example"),
            person("Other Bot", "ci@shared.example")
        );
    }

    #[test]
    fn addresses_and_names_match_whatever_their_case() {
        let m = map("Jane Doe <Jane@Work.Example> BUILDER <CI@Shared.Example>\n");
        assert_eq!(
            resolve(&m, "builder", "ci@shared.example"),
            person("Jane Doe", "jane@work.example")
        );
        let m = map("Jane Doe <JANE@HOME.EXAMPLE>\n");
        assert_eq!(
            resolve(&m, "", "jane@home.example"),
            person("Jane Doe", "jane@home.example")
        );
    }

    #[test]
    fn a_name_and_address_entry_wins_over_an_address_entry() {
        // Written in either order, as git reads them.
        for text in [
            "Shared Bot <bot@ci.example>\nJane Doe <jane@work.example> Jane <bot@ci.example>\n",
            "Jane Doe <jane@work.example> Jane <bot@ci.example>\nShared Bot <bot@ci.example>\n",
        ] {
            let m = map(text);
            assert_eq!(
                resolve(&m, "Jane", "bot@ci.example"),
                person("Jane Doe", "jane@work.example")
            );
            assert_eq!(
                resolve(&m, "Someone", "bot@ci.example"),
                person("Shared Bot", "bot@ci.example")
            );
        }
    }

    #[test]
    fn comments_and_blank_lines_are_skipped_and_unknown_people_kept() {
        let m =
            map("# people\n\n   \n  # indented\nJane Doe <jane@work.example> # trailing note\n");
        assert!(!m.is_empty());
        assert_eq!(m.resolve(&Person::new("Bob", "bob@x.example")), None);
        assert!(map("# nothing\n").is_empty());
    }

    #[test]
    fn a_bad_line_is_an_error_with_its_line_number() {
        for (text, line) in [
            (
                "# ok\nJane Doe <jane@work.example>\nJane Doe jane@work.example\n",
                3,
            ),
            ("Jane Doe <jane@work.example\n", 1),
            ("\n\n<> <jane@work.example>\n", 3),
        ] {
            let Err(e) = Mailmap::parse(text.as_bytes()) else {
                panic!("{text:?} parsed");
            };
            assert_eq!(e.line, line, "{text:?}");
            assert!(e.reason.starts_with("not a mailmap entry"), "{}", e.reason);
        }
    }

    #[test]
    fn a_bad_line_in_a_file_names_the_file_and_line() {
        let dir = std::env::temp_dir().join(format!("lore-digest-mailmap-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join("bad.mailmap");
        let _ = std::fs::write(&path, "Jane <jane@x.example>\nnonsense\n");
        let Err(e) = Mailmap::read(&path) else {
            panic!("bad file read");
        };
        assert!(e.is_input_error());
        let message = e.to_string();
        assert!(
            message.contains("bad.mailmap:2: not a mailmap entry"),
            "{message}"
        );
        assert!(!message.contains('\n'));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
