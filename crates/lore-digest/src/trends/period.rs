//! Periods of a trends table: ISO weeks (from Monday), calendar months,
//! quarters and years, all in UTC, since arrival (commit) times are UTC
//! seconds whatever offset the committer wrote.

use jiff::ToSpan;
use jiff::civil::{Date, ISOWeekDate};
use serde::Serialize;

/// How long one row of a trends table is (`--by`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    /// An ISO 8601 week, Monday to Sunday, labelled by its ISO year (`2025-W01`
    /// starts on Monday 2024-12-30).
    Week,
    /// A calendar month (`2025-05`).
    #[default]
    Month,
    /// A calendar quarter (`2025-Q2`: April to June).
    Quarter,
    /// A calendar year (`2025`).
    Year,
}

impl Period {
    /// `week`, `month`, `quarter` or `year`.
    pub fn name(self) -> &'static str {
        match self {
            Period::Week => "week",
            Period::Month => "month",
            Period::Quarter => "quarter",
            Period::Year => "year",
        }
    }

    /// The first day of the period holding `date`.
    pub fn start(self, date: Date) -> Date {
        match self {
            Period::Week => date
                .checked_sub(i64::from(date.weekday().to_monday_zero_offset()).days())
                .unwrap_or(date),
            Period::Month => date.first_of_month(),
            Period::Quarter => {
                let month = (date.month() - 1) / 3 * 3 + 1;
                Date::new(date.year(), month, 1).unwrap_or(date)
            }
            Period::Year => date.first_of_year(),
        }
    }

    /// The first day of the period after the one starting on `start`.
    pub fn next(self, start: Date) -> Option<Date> {
        let step = match self {
            Period::Week => 1.week(),
            Period::Month => 1.month(),
            Period::Quarter => 3.months(),
            Period::Year => 1.year(),
        };
        start.checked_add(step).ok()
    }

    /// How a row is named: `2025-W19`, `2025-05`, `2025-Q2`, `2025`.
    pub fn label(self, start: Date) -> String {
        match self {
            Period::Week => {
                let week: ISOWeekDate = start.iso_week_date();
                format!("{:04}-W{:02}", week.year(), week.week())
            }
            Period::Month => format!("{:04}-{:02}", start.year(), start.month()),
            Period::Quarter => format!("{:04}-Q{}", start.year(), (start.month() - 1) / 3 + 1),
            Period::Year => format!("{:04}", start.year()),
        }
    }
}

/// The UTC day of a time in seconds since the epoch (`None` beyond jiff's
/// years -9999..=9999, which a forged commit time can reach).
pub fn utc_day(seconds: i64) -> Option<Date> {
    let time = jiff::Timestamp::from_second(seconds).ok()?;
    Some(time.to_zoned(jiff::tz::TimeZone::UTC).date())
}

/// Consecutive periods covering a span of time, each found by a binary
/// search, so a row is found in O(log rows) per mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Periods {
    /// How long each is.
    pub by: Period,
    /// The first day of each, oldest first.
    pub starts: Vec<Date>,
}

/// More rows than any archive needs (a century of weeks); a forged time
/// far in the future must not make millions of rows.
const MAX_PERIODS: usize = 5_300;

impl Periods {
    /// The periods from the one holding `first` to the one holding `last`
    /// (seconds since the epoch); `None` when either is out of range or
    /// `last` comes before `first`.
    pub fn spanning(by: Period, first: i64, last: i64) -> Option<Periods> {
        if last < first {
            return None;
        }
        let (first, last) = (utc_day(first)?, utc_day(last)?);
        let mut starts = Vec::new();
        let mut start = Some(by.start(first));
        while let Some(s) = start.filter(|s| *s <= last) {
            if starts.len() == MAX_PERIODS {
                break;
            }
            starts.push(s);
            start = by.next(s);
        }
        Some(Periods { by, starts })
    }

    /// The row of a time: the last period starting on or before its day.
    /// A time before the first period counts in the first, one after the
    /// last in the last (a notice's date, say, given by a clock that is off).
    pub fn index(&self, seconds: i64) -> usize {
        let Some(day) = utc_day(seconds) else {
            return if seconds < 0 {
                0
            } else {
                self.starts.len().saturating_sub(1)
            };
        };
        self.starts.partition_point(|s| *s <= day).saturating_sub(1)
    }

    /// The last day of period `i` (the day before the next one starts).
    pub fn last_day(&self, i: usize) -> Option<Date> {
        let start = *self.starts.get(i)?;
        let next = self.by.next(start)?;
        next.checked_sub(1.day()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn second(s: &str) -> i64 {
        s.parse::<jiff::Timestamp>().unwrap().as_second()
    }

    #[test]
    fn iso_weeks_start_on_monday_and_take_the_year_of_their_thursday() {
        // Tuesday 2024-12-31 is in 2025-W01, which starts Monday 2024-12-30.
        assert_eq!(Period::Week.start(date("2024-12-31")), date("2024-12-30"));
        assert_eq!(Period::Week.label(date("2024-12-30")), "2025-W01");
        // Friday 2021-01-01 is in 2020-W53.
        let start = Period::Week.start(date("2021-01-01"));
        assert_eq!(start, date("2020-12-28"));
        assert_eq!(Period::Week.label(start), "2020-W53");
        // A Sunday belongs to the week of the Monday before it.
        assert_eq!(Period::Week.start(date("2025-05-11")), date("2025-05-05"));
        assert_eq!(Period::Week.start(date("2025-05-12")), date("2025-05-12"));
        assert_eq!(
            Period::Week.next(date("2025-05-05")),
            Some(date("2025-05-12"))
        );
    }

    #[test]
    fn months_quarters_and_years_are_calendar_ones() {
        let d = date("2025-08-17");
        assert_eq!(Period::Month.start(d), date("2025-08-01"));
        assert_eq!(Period::Month.label(date("2025-08-01")), "2025-08");
        assert_eq!(Period::Quarter.start(d), date("2025-07-01"));
        assert_eq!(Period::Quarter.label(date("2025-07-01")), "2025-Q3");
        assert_eq!(
            Period::Quarter.start(date("2025-03-31")),
            date("2025-01-01")
        );
        assert_eq!(Period::Quarter.label(date("2025-01-01")), "2025-Q1");
        assert_eq!(
            Period::Quarter.start(date("2025-12-31")),
            date("2025-10-01")
        );
        assert_eq!(
            Period::Quarter.next(date("2025-10-01")),
            Some(date("2026-01-01"))
        );
        assert_eq!(Period::Year.start(d), date("2025-01-01"));
        assert_eq!(Period::Year.label(date("2025-01-01")), "2025");
        assert_eq!(
            Period::Month.next(date("2024-01-01")),
            Some(date("2024-02-01"))
        );
    }

    #[test]
    fn times_are_bucketed_by_their_utc_day_whatever_the_offset_written() {
        // 23:30 at -02:00 on New Year's Eve is 01:30 UTC on New Year's Day.
        let late = second("2025-12-31T23:30:00-02:00");
        let periods =
            Periods::spanning(Period::Year, second("2025-06-01T00:00:00Z"), late).unwrap();
        assert_eq!(periods.starts, [date("2025-01-01"), date("2026-01-01")]);
        assert_eq!(periods.index(late), 1);
        // 00:30 at +02:00 on New Year's Day is still the old year in UTC.
        assert_eq!(periods.index(second("2026-01-01T00:30:00+02:00")), 0);
        assert_eq!(periods.index(second("2025-12-31T23:59:59Z")), 0);
        assert_eq!(periods.index(second("2026-01-01T00:00:00Z")), 1);
    }

    #[test]
    fn the_span_has_every_period_even_empty_ones() {
        let p = Periods::spanning(
            Period::Month,
            second("2025-01-31T12:00:00Z"),
            second("2025-04-01T00:00:00Z"),
        )
        .unwrap();
        let labels: Vec<String> = p.starts.iter().map(|s| Period::Month.label(*s)).collect();
        assert_eq!(labels, ["2025-01", "2025-02", "2025-03", "2025-04"]);
        assert_eq!(p.last_day(1), Some(date("2025-02-28")));
        assert_eq!(p.index(second("2025-03-15T00:00:00Z")), 2);
        // Out of the span: the nearest row.
        assert_eq!(p.index(second("2024-01-01T00:00:00Z")), 0);
        assert_eq!(p.index(second("2030-01-01T00:00:00Z")), 3);
        assert!(Periods::spanning(Period::Month, 10, 5).is_none());
    }

    #[test]
    fn a_forged_time_cannot_make_unbounded_rows() {
        let p = Periods::spanning(Period::Week, 0, i64::from(i32::MAX) * 100).unwrap();
        assert_eq!(p.starts.len(), MAX_PERIODS);
        assert!(Periods::spanning(Period::Week, 0, i64::MAX).is_none());
    }
}
