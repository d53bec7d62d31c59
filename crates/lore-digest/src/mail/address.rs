use serde::Serialize;

/// A person as named in a mail: display name and address.
///
/// The address is stored lower-cased because mail addresses are compared
/// case-insensitively everywhere in a report; the display name is kept as
/// written (decoded).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Person {
    /// Display name, decoded and whitespace-normalized; may be empty.
    pub name: String,
    /// Lower-cased address; may be empty when the mail gave only a name.
    pub email: String,
}

impl Person {
    /// The display name, or the address when the mail gave no name.
    pub fn short_name(&self) -> &str {
        if self.name.is_empty() {
            &self.email
        } else {
            &self.name
        }
    }

    /// Builds a person, normalizing the name's whitespace and the address's case.
    pub fn new(name: &str, email: &str) -> Person {
        let name =
            super::normalize_whitespace(name.trim_matches(|c: char| c == '"' || c.is_whitespace()));
        let email = email
            .trim()
            .trim_matches(|c| c == '<' || c == '>')
            .to_lowercase();
        // A name that is only the address again adds nothing.
        let name = if name.eq_ignore_ascii_case(&email) {
            String::new()
        } else {
            name
        };
        Person { name, email }
    }

    /// The part of the address after the last `@`, or `None` without one.
    pub fn domain(&self) -> Option<&str> {
        let (_, domain) = self.email.rsplit_once('@')?;
        (!domain.is_empty()).then_some(domain)
    }

    /// `Name <email>`, or the bare address when there is no name.
    pub fn display(&self) -> String {
        match (self.name.is_empty(), self.email.is_empty()) {
            (false, false) => format!("{} <{}>", self.name, self.email),
            (true, false) => format!("<{}>", self.email),
            (false, true) => self.name.clone(),
            (true, true) => "(unknown)".to_string(),
        }
    }
}

/// Parses the value of an address header (`Name <a@b>`, `a@b (Name)`,
/// RFC 2047 encoded names) into its first person.
///
/// Used for in-body `From:` lines, which `mail-parser` never sees as headers.
/// Returns `None` when the value holds no address.
pub fn parse_address(value: &str) -> Option<Person> {
    // Feeding a one-header message to the same parser that reads the real
    // headers keeps the decoding rules (encoded words, quoting, comments)
    // identical for header and in-body authors.
    let raw = format!("From: {}\n\n", value.trim());
    let parsed = mail_parser::MessageParser::new()
        .header_address(mail_parser::HeaderName::From)
        .parse_headers(raw.as_bytes())?;
    from_address(parsed.from()?)
}

/// The first person of a parsed address header that has an address.
pub(crate) fn from_address(address: &mail_parser::Address<'_>) -> Option<Person> {
    address.iter().find_map(|addr| {
        let email = addr.address.as_deref()?;
        // No address holds a control character (a NUL) or the
        // replacement character of undecodable bytes: such a value is
        // garbage, and counting it as a contributor would give it a domain.
        let garbled = |c: char| c.is_control() || c == char::REPLACEMENT_CHARACTER;
        if !email.contains('@') || email.contains(garbled) {
            return None;
        }
        Some(Person::new(addr.name.as_deref().unwrap_or(""), email))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercases_address_and_keeps_name() {
        let p = parse_address("Sean Christopherson <SeanJC@Google.com>").unwrap();
        assert_eq!(p.name, "Sean Christopherson");
        assert_eq!(p.email, "seanjc@google.com");
        assert_eq!(p.domain(), Some("google.com"));
    }

    #[test]
    fn decodes_rfc2047_base64_name() {
        // "Zoë Müller" in UTF-8, base64-encoded.
        let p = parse_address("=?UTF-8?B?Wm/DqyBNw7xsbGVy?= <zoe@example.org>").unwrap();
        assert_eq!(p.name, "Zoë Müller");
    }

    #[test]
    fn decodes_quoted_printable_latin1_name() {
        let p = parse_address("=?iso-8859-1?Q?J=F6rg_R=F6del?= <joro@8bytes.org>").unwrap();
        assert_eq!(p.name, "Jörg Rödel");
    }

    #[test]
    fn quoted_name_and_bare_address() {
        let p = parse_address("\"Doe, Jane\" <jane@example.com>").unwrap();
        assert_eq!(p.display(), "Doe, Jane <jane@example.com>");
        let p = parse_address("jane@example.com").unwrap();
        assert_eq!(p.display(), "<jane@example.com>");
    }

    #[test]
    fn no_address_is_none() {
        assert_eq!(parse_address("Just A Name"), None);
        assert_eq!(parse_address(""), None);
        assert_eq!(parse_address("N <n\u{0}@example.org>"), None);
        assert_eq!(parse_address("N <n@ex\u{fffd}ample.org>"), None);
    }
}
