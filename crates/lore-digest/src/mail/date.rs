//! The `Date:` header.
//!
//! mail-parser reads dates leniently and gets the edges wrong: a four-digit
//! year `0000` becomes 2000 (the two-digit rule applied to any year under
//! 50), and a zone of `+9900` is taken modulo a day as +03:00, so a mail
//! lands on a day its sender never wrote. jiff's RFC 2822 parser follows the
//! RFC, obsolete forms included (two- and three-digit years, `GMT`, `EST`,
//! military zones, trailing comments), and refuses what it cannot read, so
//! a date is either the instant the header names or none. Two common
//! slips (a one-digit hour, a zone name after the offset) are repaired
//! before a second try.

use jiff::fmt::rfc2822::DateTimeParser;

use super::normalize_whitespace;

/// A weekday that disagrees with the date is the sender's slip, not a
/// reason to drop the date.
static PARSER: DateTimeParser = DateTimeParser::new().relaxed_weekday(true);

/// The instant a `Date:` header value names, in seconds since the Unix
/// epoch; `None` when it is no date, or lies outside the years 0..=9999.
pub fn parse_date(value: &str) -> Option<i64> {
    // Folded headers keep their line breaks; the parser wants one line.
    let value = normalize_whitespace(value);
    let seconds = match PARSER.parse_timestamp(value.as_bytes()) {
        Ok(instant) => instant.as_second(),
        Err(_) => lenient(&value)?,
    };
    // Before year 0 a date has no four-digit year to show.
    (seconds >= YEAR_0).then_some(seconds)
}

/// 0000-01-01T00:00:00Z.
const YEAR_0: i64 = -62_167_219_200;

/// What the RFC forbids but mailers write: a one-digit hour (`9:41:01`)
/// and a zone name after the offset (`-0400 EDT`). Both are repaired (`09`,
/// `(EDT)`) and the result read by the same strict parser; mail-parser's
/// lenient reader is not trusted with them, since it reads `-2025` as a
/// zone and reduces zones modulo a day.
fn lenient(value: &str) -> Option<i64> {
    let mut repaired = String::with_capacity(value.len() + 4);
    let mut after_zone = false;
    for word in value.split(' ') {
        if !repaired.is_empty() {
            repaired.push(' ');
        }
        let bytes = word.as_bytes();
        if bytes.len() >= 4 && bytes[0].is_ascii_digit() && bytes[1] == b':' {
            repaired.push('0');
            repaired.push_str(word);
        } else if after_zone && !word.is_empty() && word.bytes().all(|b| b.is_ascii_alphabetic()) {
            repaired.push('(');
            repaired.push_str(word);
            repaired.push(')');
        } else {
            repaired.push_str(word);
        }
        after_zone = bytes.len() == 5
            && matches!(bytes[0], b'+' | b'-')
            && bytes[1..].iter().all(u8::is_ascii_digit);
    }
    if repaired == value {
        return None;
    }
    PARSER
        .parse_timestamp(repaired.as_bytes())
        .ok()
        .map(|instant| instant.as_second())
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
    fn what_mailers_write_against_the_rfc_is_read_leniently() {
        assert_eq!(
            parse_date("Thu, 1 May 2025 3:02:00 +0200"),
            Some(1_746_061_320)
        );
        assert_eq!(
            parse_date("Wed, 30 Apr 2025 21:02:00 -0400 EDT"),
            Some(1_746_061_320)
        );
        // Leniency does not bring back the modulo-a-day offsets.
        assert_eq!(parse_date("Thu, 1 May 2025 3:02:00 +9900"), None);
        assert_eq!(parse_date("Thu, 1 May 2025 3:02:00 +02000"), None);
    }

    #[test]
    fn what_is_not_a_date_is_none() {
        assert_eq!(parse_date(""), None);
        assert_eq!(parse_date("someday"), None);
        assert_eq!(parse_date("Thu, 1 May -2025 99:99:99 -0000"), None);
        assert_eq!(parse_date("Thu, 31 Feb 2025 00:00:00 +0000"), None);
        // The UTC instant would fall in year 10000, or before year 0.
        assert_eq!(parse_date("Fri, 31 Dec 9999 23:59:59 -2359"), None);
        assert_eq!(parse_date("Sat, 1 Jan 0000 00:00:00 +2359"), None);
    }
}
