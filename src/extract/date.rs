//! Meeting dates: candidates found by pattern, validated by jiff.
//!
//! Council records write dates day first (`26/09/2017`, `26 September 2017`,
//! `Tuesday, 26th September 2017`); some sites print them year first
//! (`2017-09-26`) or month first (`September 26, 2017`). A candidate that is
//! not a real calendar day is dropped, never repaired, so an unknown date
//! stays unknown.

use std::sync::LazyLock;

use jiff::civil::Date;
use regex::Regex;

static NUMERIC: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?-u:\b)(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?-u:\b)").unwrap());

static ISO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?-u:\b)(\d{4})-(\d{2})-(\d{2})(?-u:\b)").unwrap());

/// Month first, as some sites print it: "February 25, 2025".
static MONTH_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,\s*(\d{4})(?-u:\b)",
    )
    .unwrap()
});

static WRITTEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?,?\s+(\d{4})(?-u:\b)",
    )
    .unwrap()
});

/// The first meeting date scrutiny keeps. The index stores a date as
/// nanoseconds in 64 bits, which reach only 1677 to 2262; the range kept is
/// well inside that and outside any council's records, so a date outside
/// it is a typing slip, never a meeting, and is not stored at all rather
/// than stored as another day.
pub const FIRST_MEETING: Date = jiff::civil::date(1800, 1, 1);
/// The last meeting date scrutiny keeps.
pub const LAST_MEETING: Date = jiff::civil::date(2199, 12, 31);

/// True for a date scrutiny can keep as a meeting date.
pub fn is_kept(date: Date) -> bool {
    (FIRST_MEETING..=LAST_MEETING).contains(&date)
}

/// The first valid date written anywhere in `text`, with its byte offset;
/// dates outside [`FIRST_MEETING`]..=[`LAST_MEETING`] count as invalid.
pub fn find_date(text: &str) -> Option<(Date, usize)> {
    let numeric = NUMERIC.captures_iter(text).find_map(|captures| {
        let day = captures[1].parse().ok()?;
        let month = captures[2].parse().ok()?;
        let year = captures[3].parse().ok()?;
        let date = Date::new(year, month, day)
            .ok()
            .filter(|date| is_kept(*date))?;
        Some((date, captures.get(0)?.start()))
    });
    let written = WRITTEN.captures_iter(text).find_map(|captures| {
        let day = captures[1].parse().ok()?;
        let month = month_number(&captures[2])?;
        let year = captures[3].parse().ok()?;
        let date = Date::new(year, month, day)
            .ok()
            .filter(|date| is_kept(*date))?;
        Some((date, captures.get(0)?.start()))
    });
    let iso = ISO.captures_iter(text).find_map(|captures| {
        let date = Date::new(
            captures[1].parse().ok()?,
            captures[2].parse().ok()?,
            captures[3].parse().ok()?,
        )
        .ok()
        .filter(|date| is_kept(*date))?;
        Some((date, captures.get(0)?.start()))
    });
    let month_first = MONTH_FIRST.captures_iter(text).find_map(|captures| {
        let month = month_number(&captures[1])?;
        let date = Date::new(captures[3].parse().ok()?, month, captures[2].parse().ok()?)
            .ok()
            .filter(|date| is_kept(*date))?;
        Some((date, captures.get(0)?.start()))
    });
    [numeric, written, iso, month_first]
        .into_iter()
        .flatten()
        .min_by_key(|(_, at)| *at)
}

fn month_number(name: &str) -> Option<i8> {
    let prefix: String = name.to_ascii_lowercase().chars().take(3).collect();
    let months = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    months
        .iter()
        .position(|month| *month == prefix)
        .and_then(|index| i8::try_from(index + 1).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Option<String> {
        find_date(text).map(|(date, _)| date.to_string())
    }

    #[test]
    fn day_first_numeric_dates() {
        assert_eq!(
            date("Meeting: 26/09/2017 - Panel"),
            Some("2017-09-26".into())
        );
        assert_eq!(date("on 4.3.2019"), Some("2019-03-04".into()));
    }

    #[test]
    fn written_dates_in_their_common_forms() {
        assert_eq!(date("held on 26 September 2017"), Some("2017-09-26".into()));
        assert_eq!(date("Tuesday, 1st Dec. 2015"), Some("2015-12-01".into()));
        assert_eq!(date("the 3rd of March 2020"), Some("2020-03-03".into()));
    }

    #[test]
    fn year_first_and_month_first_dates() {
        assert_eq!(date("held 2021-05-12, 14:00"), Some("2021-05-12".into()));
        assert_eq!(
            date("Date: February 25, 2025, 6pm"),
            Some("2025-02-25".into())
        );
        assert_eq!(date("Sept. 3rd, 2019"), Some("2019-09-03".into()));
        assert_eq!(date("2021-02-30"), None);
        assert_eq!(date("March 2020, 5 items"), None);
    }

    #[test]
    fn dates_the_index_cannot_keep_stay_unknown() {
        assert_eq!(date("Meeting: 31/12/9999"), None);
        assert_eq!(date("held 26 September 0217"), None);
        assert_eq!(date("held 1 January 1800"), Some("1800-01-01".into()));
        assert_eq!(date("held 31 December 2199"), Some("2199-12-31".into()));
        assert_eq!(date("held 1 January 2200"), None);
    }

    #[test]
    fn impossible_dates_stay_unknown() {
        assert_eq!(date("31/02/2017"), None);
        assert_eq!(date("13/13/2017"), None);
        assert_eq!(date("30 February 2016"), None);
        assert_eq!(date("in June 2018"), None);
    }

    #[test]
    fn the_earliest_date_in_the_text_wins() {
        assert_eq!(
            date("held on 5 May 2016, continued 06/05/2016"),
            Some("2016-05-05".into())
        );
    }
}
