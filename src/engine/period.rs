//! Reporting periods: the whole range, a year, a quarter, a month, or a custom day range.

use crate::engine::value::{date_of_day, day_number, parse_ymd, year_month};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
pub enum Period {
    #[default]
    All,
    Year(i32),
    Quarter(i32, u32),
    Month(i32, u32),
    /// Inclusive day numbers.
    Range(i32, i32),
}

impl Period {
    /// Parse `all`, `2024`, `2024-Q3`, `2024-07`, or `2024-01-01..2024-03-31`.
    ///
    /// ```
    /// use crm_kpi::engine::Period;
    /// assert_eq!(Period::parse("2024-Q3"), Some(Period::Quarter(2024, 3)));
    /// assert_eq!(Period::parse("2024-07").unwrap().to_string(), "2024-07");
    /// ```
    pub fn parse(s: &str) -> Option<Period> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("all") || s.is_empty() {
            return Some(Period::All);
        }
        if let Some((a, b)) = s.split_once("..") {
            let (from, to) = (parse_ymd(a)?, parse_ymd(b)?);
            return (from <= to).then_some(Period::Range(from, to));
        }
        let (y, rest) = match s.split_once('-') {
            Some((y, rest)) => (y, Some(rest)),
            None => (s, None),
        };
        if y.len() != 4 {
            return None;
        }
        let year: i32 = y.parse().ok()?;
        match rest {
            None => Some(Period::Year(year)),
            Some(q) if q.len() == 2 && q.to_ascii_uppercase().starts_with('Q') => {
                let q: u32 = q[1..].parse().ok()?;
                (1..=4).contains(&q).then_some(Period::Quarter(year, q))
            }
            Some(m) => {
                let m: u32 = m.parse().ok()?;
                (1..=12).contains(&m).then_some(Period::Month(year, m))
            }
        }
    }

    /// Inclusive day-number bounds, or `None` for the whole range.
    pub fn bounds(&self) -> Option<(i32, i32)> {
        let month_start = |y: i32, m: u32| day_number(y, m, 1).unwrap_or(0);
        let next_month = |y: i32, m: u32| if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        match *self {
            Period::All => None,
            Period::Year(y) => Some((month_start(y, 1), month_start(y + 1, 1) - 1)),
            Period::Quarter(y, q) => {
                let m = (q - 1) * 3 + 1;
                let (ny, nm) = if q == 4 { (y + 1, 1) } else { (y, m + 3) };
                Some((month_start(y, m), month_start(ny, nm) - 1))
            }
            Period::Month(y, m) => {
                let (ny, nm) = next_month(y, m);
                Some((month_start(y, m), month_start(ny, nm) - 1))
            }
            Period::Range(a, b) => Some((a, b)),
        }
    }

    /// Inclusive bounds in minutes (a [`crate::engine::value::Minutes`] falls on one of the
    /// period's days exactly when it lies between them), or `None` for the whole range: rows
    /// are placed without working out their days.
    pub fn minute_bounds(&self) -> Option<(i64, i64)> {
        const DAY: i64 = 24 * 60;
        self.bounds()
            .map(|(a, b)| (i64::from(a) * DAY, (i64::from(b) + 1) * DAY - 1))
    }

    /// The period just before this one, of the same length.
    pub fn previous(&self) -> Option<Period> {
        match *self {
            Period::All => None,
            Period::Year(y) => Some(Period::Year(y - 1)),
            Period::Quarter(y, 1) => Some(Period::Quarter(y - 1, 4)),
            Period::Quarter(y, q) => Some(Period::Quarter(y, q - 1)),
            Period::Month(y, 1) => Some(Period::Month(y - 1, 12)),
            Period::Month(y, m) => Some(Period::Month(y, m - 1)),
            Period::Range(a, b) => Some(Period::Range(a - (b - a + 1), a - 1)),
        }
    }

    /// The periods a person looking at this one is likely to pick next, which the app's
    /// worker walks ahead of need while the page shows this one: the whole range; for a
    /// month, the month before and the year and the quarter that hold it; for a quarter, its
    /// year and the quarter before; for a year, the year before.
    ///
    /// ```
    /// use crm_kpi::engine::Period;
    /// let next = Period::Month(2024, 8).likely_next();
    /// let (year, quarter) = (Period::Year(2024), Period::Quarter(2024, 3));
    /// assert_eq!(next, [Period::All, Period::Month(2024, 7), year, quarter]);
    /// let (december, q1) = (Period::Month(2023, 12), Period::Quarter(2024, 1));
    /// assert_eq!(Period::Month(2024, 1).likely_next()[1..], [december, Period::Year(2024), q1]);
    /// let next = Period::Quarter(2024, 1).likely_next();
    /// assert_eq!(next, [Period::All, Period::Year(2024), Period::Quarter(2023, 4)]);
    /// assert_eq!(Period::Year(2024).likely_next(), [Period::All, Period::Year(2023)]);
    /// assert!(Period::All.likely_next().is_empty());
    /// ```
    pub fn likely_next(&self) -> Vec<Period> {
        use Period::*;
        // Only the whole range has no period before it.
        let before = self.previous().unwrap_or(All);
        match *self {
            All => vec![],
            Range(..) => vec![All],
            Year(_) => vec![All, before],
            Quarter(y, _) => vec![All, Year(y), before],
            Month(y, m) => vec![All, before, Year(y), Quarter(y, m.div_ceil(3))],
        }
    }

    pub fn contains(&self, day: i32) -> bool {
        self.bounds().is_none_or(|(a, b)| a <= day && day <= b)
    }

    /// Every year, quarter and month that holds at least one of these days, newest first
    /// within each kind: what a period picker offers.
    pub fn available(days: impl Iterator<Item = i32>) -> Vec<Period> {
        // Months as numbers (year × 12 + month − 1): sorted by the sort of `i32` the module
        // already has for dates, not one of its own for pairs.
        let mut numbers: Vec<i32> = days
            .map(|d| {
                let (y, m) = year_month(d);
                y * 12 + m as i32 - 1
            })
            .collect();
        numbers.sort_unstable();
        numbers.dedup();
        let months: Vec<(i32, u32)> = numbers
            .iter()
            .map(|n| (n.div_euclid(12), n.rem_euclid(12) as u32 + 1))
            .collect();
        let mut out = Vec::new();
        let mut years: Vec<i32> = months.iter().map(|(y, _)| *y).collect();
        years.dedup();
        out.extend(years.iter().rev().map(|y| Period::Year(*y)));
        let mut quarters: Vec<(i32, u32)> =
            months.iter().map(|(y, m)| (*y, (m - 1) / 3 + 1)).collect();
        quarters.dedup();
        out.extend(quarters.iter().rev().map(|(y, q)| Period::Quarter(*y, *q)));
        out.extend(months.iter().rev().map(|(y, m)| Period::Month(*y, *m)));
        out
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Period::All => f.write_str("all"),
            Period::Year(y) => write!(f, "{y}"),
            Period::Quarter(y, q) => write!(f, "{y}-Q{q}"),
            Period::Month(y, m) => write!(f, "{y}-{m:02}"),
            Period::Range(a, b) => write!(f, "{}..{}", date_of_day(a), date_of_day(b)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minute_bounds_hold_the_periods_minutes_and_no_others() {
        use crate::engine::value::iso_minutes;
        let at = |s: &str| i64::from(iso_minutes(s.as_bytes()).unwrap());
        let feb = Period::parse("2024-02").unwrap().minute_bounds().unwrap();
        assert_eq!(feb, (at("2024-02-01 00:00"), at("2024-02-29 23:59")));
        assert_eq!(feb.0 - 1, at("2024-01-31 23:59"));
        assert_eq!(feb.1 + 1, at("2024-03-01 00:00"));
        // Before 1970 too: a day's minutes are the same 1440 on both sides of 0.
        let d1969 = Period::parse("1969").unwrap().minute_bounds().unwrap();
        assert_eq!(d1969, (at("1969-01-01 00:00"), -1));
        assert_eq!(Period::All.minute_bounds(), None);
    }

    #[test]
    fn parse_bounds_and_previous() {
        let day = |s: &str| parse_ymd(s).unwrap();
        /// (text, inclusive bounds, previous period)
        type Case<'a> = (&'a str, Option<(&'a str, &'a str)>, Option<&'a str>);
        let cases: &[Case] = &[
            ("all", None, None),
            ("2024", Some(("2024-01-01", "2024-12-31")), Some("2023")),
            (
                "2024-Q1",
                Some(("2024-01-01", "2024-03-31")),
                Some("2023-Q4"),
            ),
            (
                "2024-q4",
                Some(("2024-10-01", "2024-12-31")),
                Some("2024-Q3"),
            ),
            (
                "2024-02",
                Some(("2024-02-01", "2024-02-29")),
                Some("2024-01"),
            ),
            (
                "2024-01",
                Some(("2024-01-01", "2024-01-31")),
                Some("2023-12"),
            ),
            (
                "2024-12",
                Some(("2024-12-01", "2024-12-31")),
                Some("2024-11"),
            ),
            (
                "2024-01-11..2024-01-20",
                Some(("2024-01-11", "2024-01-20")),
                Some("2024-01-01..2024-01-10"),
            ),
        ];
        for (text, bounds, prev) in cases {
            let p = Period::parse(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(
                p.bounds(),
                bounds.map(|(a, b)| (day(a), day(b))),
                "bounds of {text}"
            );
            assert_eq!(
                p.previous().map(|p| p.to_string()),
                prev.map(String::from),
                "previous of {text}"
            );
        }
        for bad in ["24", "2024-13", "2024-Q5", "soon", "2024-02-01..2024-01-01"] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn available_periods_are_listed_newest_first() {
        let days = ["2023-12-31", "2024-01-15", "2024-02-01"].map(|s| parse_ymd(s).unwrap());
        let ids: Vec<String> = Period::available(days.into_iter())
            .iter()
            .map(|p| p.to_string())
            .collect();
        assert_eq!(
            ids,
            ["2024", "2023", "2024-Q1", "2023-Q4", "2024-02", "2024-01", "2023-12"]
        );
    }
}
