//! The `Date:` header.
//!
//! mail-parser reads dates leniently and gets the edges wrong: a four-digit
//! year `0000` becomes 2000 (the two-digit rule applied to any year under
//! 50), and a zone of `+9900` is taken modulo a day as +03:00, so a mail
//! lands on a day its sender never wrote. jiff's RFC 2822 parser follows the
//! RFC, obsolete forms included (two- and three-digit years, `GMT`, `EST`,
//! military zones, trailing comments), and refuses what it cannot read, so
//! a date is either the instant the header names or none.

use jiff::fmt::rfc2822::DateTimeParser;

use super::normalize_whitespace;

/// A weekday that disagrees with the date is the sender's slip, not a
/// reason to drop the date.
static PARSER: DateTimeParser = DateTimeParser::new().relaxed_weekday(true);

/// The instant a `Date:` header value names, in seconds since the Unix
/// epoch; `None` when it is not an RFC 2822 date or lies outside the years
/// -9999..=9999.
pub fn parse_date(value: &str) -> Option<i64> {
    // Folded headers keep their line breaks; the parser wants one line.
    let value = normalize_whitespace(value);
    PARSER
        .parse_timestamp(value.as_bytes())
        .ok()
        .map(|t| t.as_second())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ordinary_date_is_read_with_its_offset() {
        assert_eq!(
            parse_date("Thu, 1 May 2025 03:02:00 +0200"),
            Some(1_746_061_320)
        );
        // Comments, obsolete zones, no weekday, a folded line.
        assert_eq!(
            parse_date("Thu, 1 May 2025 01:02:00 +0000 (UTC)"),
            Some(1_746_061_320)
        );
        assert_eq!(parse_date("1 May 2025 01:02:00 GMT"), Some(1_746_061_320));
        assert_eq!(
            parse_date("Wed, 30 Apr 2025 21:02:00 EDT"),
            Some(1_746_061_320)
        );
        assert_eq!(
            parse_date("Thu, 1 May 2025\n 03:02 +0200"),
            Some(1_746_061_320)
        );
    }

    #[test]
    fn a_wrong_weekday_keeps_the_date() {
        assert_eq!(
            parse_date("Mon, 1 May 2025 03:02:00 +0200"),
            Some(1_746_061_320)
        );
    }

    #[test]
    fn years_are_read_as_the_rfc_says() {
        // Two digits: 00-49 are 20xx, 50-99 are 19xx; three digits add 1900.
        assert_eq!(parse_date("1 May 25 01:02:00 +0000"), Some(1_746_061_320));
        assert_eq!(parse_date("1 May 125 01:02:00 +0000"), Some(1_746_061_320));
        // Four digits are the year as written, even year 0 (not 2000).
        assert_eq!(
            parse_date("Sat, 1 Jan 0000 00:00:00 +0000"),
            Some(-62_167_219_200)
        );
    }

    #[test]
    fn offsets_are_taken_as_written_or_not_at_all() {
        // +20:00 is odd but well-formed: 20 hours ahead of UTC.
        assert_eq!(
            parse_date("Thu, 1 May 2025 21:02:00 +2000"),
            Some(1_746_061_320)
        );
        // An offset of 99 hours is not reduced modulo a day: no date.
        assert_eq!(parse_date("Thu, 1 May 2025 03:02:00 +9900"), None);
        assert_eq!(parse_date("Thu, 1 May 2025 03:02:00 +0299"), None);
        assert_eq!(
            parse_date("Thu, 1 May 2025 00:00:00 +99999999999999999999"),
            None
        );
    }

    #[test]
    fn what_is_not_a_date_is_none() {
        assert_eq!(parse_date(""), None);
        assert_eq!(parse_date("someday"), None);
        assert_eq!(parse_date("Thu, 1 May -2025 99:99:99 -0000"), None);
        assert_eq!(parse_date("Thu, 31 Feb 2025 00:00:00 +0000"), None);
        // The UTC instant would fall in year 10000.
        assert_eq!(parse_date("Fri, 31 Dec 9999 23:59:59 -2359"), None);
    }
}
