//! Reading the two cell shapes nearly every export writes, ISO dates and plain numbers, and
//! whole columns of them. A date or amount column of a million rows goes through these once
//! per cell when a file is typed, so they are built for speed with the field loop; the app
//! reads every other shape (`3/4/2024`, `¥1,234`, `3.5万`) once per cell too, but rarely.
//! Also the other loops over every cell or date of a column that a load runs once: the
//! check for an ID column, a date column's range and its dates counted by day.

use crate::TextColumn;

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Day number (days since 1970-01-01) of a calendar date, or `None` when the date does not
/// exist. Integer arithmetic over 400-year eras (it runs per cell and per row, so no
/// calendar library here).
pub fn day_number(y: i32, m: u32, d: u32) -> Option<i32> {
    if !(-262_000..=262_000).contains(&y) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    // In 32-bit steps: the years above keep every value far inside i32, and 32-bit division
    // by a constant is a multiplication (a 64-bit one is a real division in wasm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = ((m + 9) % 12) as i32;
    let doy = (153 * mp + 2) / 5 + d as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// The number two ASCII digits write, if both are digits.
#[inline(always)]
fn two_digits(x: u8, y: u8) -> Option<u32> {
    let (x, y) = (x.wrapping_sub(b'0'), y.wrapping_sub(b'0'));
    (x < 10 && y < 10).then(|| u32::from(x) * 10 + u32::from(y))
}

/// A date in ISO order as written: year, month, day and minutes past midnight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IsoParts {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub minute_of_day: u32,
}

/// The parts of `YYYY-MM-DD` or `YYYY/MM/DD`, optionally followed by ` HH:MM`, `THH:MM`,
/// seconds, a fraction of a second and `Z`; the day is not yet checked to exist.
#[inline(always)]
pub fn iso_parts(b: &[u8]) -> Option<IsoParts> {
    let [y0, y1, y2, y3, sep, m0, m1, sep2, d0, d1, time @ ..] = b else {
        return None;
    };
    if !matches!(*sep, b'-' | b'/') || sep2 != sep {
        return None;
    }
    let year = two_digits(*y0, *y1)? * 100 + two_digits(*y2, *y3)?;
    let (month, day) = (two_digits(*m0, *m1)?, two_digits(*d0, *d1)?);
    let minute_of_day = match time {
        [] => 0,
        [b' ' | b'T', h0, h1, b':', n0, n1, tail @ ..] => {
            let (h, mi) = (two_digits(*h0, *h1)?, two_digits(*n0, *n1)?);
            let mut tail = tail;
            if let [b':', s0, s1, more @ ..] = tail {
                two_digits(*s0, *s1)?;
                tail = more;
                if let [b'.' | b',', frac @ ..] = tail {
                    let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
                    tail = &frac[n..];
                }
            }
            if !(tail.is_empty() || tail == b"Z") || h >= 24 || mi >= 60 {
                return None;
            }
            h * 60 + mi
        }
        _ => return None,
    };
    Some(IsoParts {
        year: year as i32,
        month,
        day,
        minute_of_day,
    })
}

/// Minutes since 1970-01-01 00:00 of a date and a minute of its day, if the day exists.
#[inline(always)]
pub fn minutes_at(year: i32, month: u32, day: u32, minute_of_day: u32) -> Option<i32> {
    let day = day_number(year, month, day)?;
    i32::try_from(i64::from(day) * 1440 + i64::from(minute_of_day)).ok()
}

/// The minutes of an ISO date ([`iso_parts`]) whose day exists.
#[inline(always)]
pub fn iso_minutes(b: &[u8]) -> Option<i32> {
    let p = iso_parts(b)?;
    minutes_at(p.year, p.month, p.day, p.minute_of_day)
}

const POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// `1234`, `-8112.5`: digits with at most one decimal point (only when `dot` says the
/// decimal mark is the dot), read as Rust's own parser reads them.
#[inline(always)]
pub fn plain_number(s: &str, dot: bool) -> Option<f64> {
    let (negative, body) = match s.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        b => (false, b),
    };
    let (mut mantissa, mut digits, mut decimals) = (0u64, 0u32, None::<u32>);
    for &c in body {
        match c {
            b'0'..=b'9' => {
                if digits < 19 {
                    mantissa = mantissa * 10 + u64::from(c - b'0');
                }
                digits += 1;
                if let Some(d) = decimals.as_mut() {
                    *d += 1;
                }
            }
            b'.' if decimals.is_none() && dot => decimals = Some(0),
            _ => return None,
        }
    }
    if digits == 0 {
        return None;
    }
    let scale = decimals.unwrap_or(0) as usize;
    // Up to 15 digits are exact in an f64, as are the powers of ten up to 10^22, and one
    // division of exact numbers rounds correctly: the same number the full parser gives.
    if digits <= 15 && scale < POWERS_OF_TEN.len() {
        let v = mantissa as f64 / POWERS_OF_TEN[scale];
        return Some(if negative { -v } else { v });
    }
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Every cell of a column as a value `read` takes (`None` for an empty cell), or `None` at
/// the first filled cell it does not.
#[inline(always)]
fn read_column<T>(
    col: &TextColumn,
    mut read: impl FnMut(&str) -> Option<T>,
) -> Option<Vec<Option<T>>> {
    let mut out = Vec::with_capacity(col.len());
    for c in col.iter() {
        out.push(if c.is_empty() { None } else { Some(read(c)?) });
    }
    Some(out)
}

/// Every cell of a column as the minutes of an ISO date ([`iso_minutes`]), or `None` at the
/// first filled cell that is not one.
#[inline(never)]
pub fn iso_minutes_column(col: &TextColumn) -> Option<Vec<Option<i32>>> {
    read_column(col, |c| iso_minutes(c.as_bytes()))
}

/// Every cell of a column as a [`plain_number`] with a decimal dot, and whether every filled
/// cell is an integer (digits only, fewer than 16); `None` at the first filled cell that is
/// not a plain number.
#[inline(never)]
pub fn plain_number_column(col: &TextColumn) -> Option<(Vec<Option<f64>>, bool)> {
    let mut integers = true;
    let values = read_column(col, |c| {
        let v = plain_number(c, true)?;
        integers &= is_short_integer(c);
        Some(v)
    });
    values.map(|v| (v, integers))
}

/// Day number (days since 1970-01-01) of a timestamp in minutes: `m.div_euclid(1440)`.
///
/// Walks over a million rows take it twice a row, and a size-first build (the page's)
/// divides for real, so it is worked out as `⌊⌊m / 32⌋ / 45⌋`: a shift, then a multiply and
/// shift on a value made non-negative (below 2²⁸, where `⌊x · ⌈2³⁴ / 45⌉ / 2³⁴⌋ = ⌊x / 45⌋`,
/// because `⌈2³⁴ / 45⌉ · 45 − 2³⁴ = 11` and `11 · 2²⁸ < 2³⁴`).
pub fn day_of(m: i32) -> i32 {
    // ⌊(y + 45·2²¹) / 45⌋ = ⌊y / 45⌋ + 2²¹; −2²⁶ ≤ y < 2²⁶, so 0 < y + 45·2²¹ < 77·2²¹.
    const BIAS: i32 = 45 << 21;
    const BY_45: u64 = (1 << 34) / 45 + 1;
    let x = ((m >> 5) + BIAS) as u64;
    ((x * BY_45) >> 34) as i32 - (1 << 21)
}

/// A whole number of fewer than 16 digits, no sign: the cell typing reads as an integer
/// (an empty cell is one too, to this test). Such a cell has no date's separators and no
/// sign, point or grouping, so it is nothing else.
#[inline]
pub fn is_short_integer(c: &str) -> bool {
    c.len() < 16 && c.bytes().all(|b| b.is_ascii_digit())
}

/// Whether every cell of `col` is empty or [`is_short_integer`], with at least one filled:
/// the cells of an ID column, which typing reads as integers.
#[inline(never)]
pub fn short_integer_column(col: &TextColumn) -> bool {
    let mut filled = false;
    for c in col.iter() {
        if !c.is_empty() {
            if !is_short_integer(c) {
                return false;
            }
            filled = true;
        }
    }
    filled
}

/// The least and the greatest of `dates`; `None` when none is given.
#[inline(never)]
pub fn minute_range(dates: &[Option<i32>]) -> Option<(i32, i32)> {
    let (mut lo, mut hi) = (i32::MAX, i32::MIN);
    for m in dates.iter().flatten() {
        lo = lo.min(*m);
        hi = hi.max(*m);
    }
    (lo <= hi).then_some((lo, hi))
}

/// The values above zero of a column, in order: what the amounts' sanity check takes its
/// quartiles of.
#[inline(never)]
pub fn positives(values: &[Option<f64>]) -> Vec<f64> {
    let mut out = Vec::with_capacity(values.len());
    for v in values.iter().flatten() {
        if *v > 0.0 {
            out.push(*v);
        }
    }
    out
}

/// Add one to `per_day[d - first]` for the day `d` of each of `dates`, passing over days
/// outside `per_day`.
#[inline(never)]
pub fn count_by_day(dates: &[Option<i32>], first: i32, per_day: &mut [u32]) {
    for m in dates.iter().flatten() {
        if let Some(n) = usize::try_from(day_of(*m).wrapping_sub(first))
            .ok()
            .and_then(|d| per_day.get_mut(d))
        {
            *n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(cells: &[&str]) -> TextColumn {
        let mut col = TextColumn::default();
        for c in cells {
            col.push(c);
        }
        col.finish();
        col
    }

    /// ISO dates with and without a time read to their minutes; an empty cell is `None`;
    /// a day that does not exist or a cell in another shape leaves the column to the
    /// general reader.
    #[test]
    fn iso_date_columns_read_to_minutes() {
        let col = column(&[
            "1970-01-02",
            "",
            "2024-02-29 13:05",
            "2024/03/01T00:01:59.5Z",
        ]);
        let day = |y, m, d| day_number(y, m, d).map(|d| d * 1440);
        assert_eq!(
            iso_minutes_column(&col),
            Some(vec![
                Some(1440),
                None,
                day(2024, 2, 29).map(|m| m + 13 * 60 + 5),
                day(2024, 3, 1).map(|m| m + 1),
            ])
        );
        assert_eq!(day_number(1969, 12, 31), Some(-1));
        assert_eq!(iso_minutes_column(&column(&["2023-02-29"])), None);
        assert_eq!(
            iso_minutes_column(&column(&["2024-01-01", "3/4/2024"])),
            None
        );
        assert_eq!(iso_minutes_column(&column(&["2024-01-01 24:00"])), None);
    }

    /// ID columns: whole numbers under 16 digits, some cells empty; a sign, a point, a
    /// 16th digit, a date or a word makes a column something else, and so does no cell.
    #[test]
    fn short_integer_columns_are_told_from_others() {
        assert!(short_integer_column(&column(&["10000000006", "", "0042"])));
        for odd in [
            "-5",
            "1.0",
            "1234567890123456",
            "20240101T",
            "2024-01-01",
            "x",
            "1 2",
        ] {
            assert!(!short_integer_column(&column(&["7", odd])), "{odd}");
        }
        assert!(!short_integer_column(&column(&["", ""])));
        assert!(!short_integer_column(&column(&[])));
    }

    /// A column's least and greatest minute, and its dates counted by day: minutes before
    /// 1970 fall on negative days, and days outside the counts are passed over.
    #[test]
    fn date_columns_give_their_range_and_their_counts_by_day() {
        let dates = [
            Some(-1),
            None,
            Some(1440 * 3 + 5),
            Some(0),
            Some(1439),
            Some(-1441),
        ];
        assert_eq!(minute_range(&dates), Some((-1441, 1440 * 3 + 5)));
        assert_eq!(minute_range(&[None, None]), None);
        let mut per_day = [0u32; 3];
        count_by_day(&dates, -1, &mut per_day);
        // Days -1, 0 and 1; day 3 and day -2 fall outside.
        assert_eq!(per_day, [1, 2, 0]);
    }

    /// Plain numbers read as Rust's parser reads them, with whether every filled cell is an
    /// integer; a grouping comma, a currency sign or a second point leaves the column to the
    /// general reader.
    #[test]
    fn plain_number_columns_read_with_their_integer_flag() {
        let col = column(&["12", "", "-8112.50", "0.1"]);
        assert_eq!(
            plain_number_column(&col),
            Some((vec![Some(12.0), None, Some(-8112.5), Some(0.1)], false))
        );
        assert_eq!(
            plain_number_column(&column(&["7", "", "123456789012345"])),
            Some((vec![Some(7.0), None, Some(123_456_789_012_345.0)], true))
        );
        let long = "1234567890123456789.25";
        assert_eq!(
            plain_number_column(&column(&[long])),
            Some((vec![long.parse().ok()], false))
        );
        for odd in ["1,234", "$5", "1.2.3", "-", "."] {
            assert_eq!(plain_number_column(&column(&["1", odd])), None, "{odd}");
        }
    }
}
