//! Reading the two cell shapes nearly every export writes, ISO dates and plain numbers, and
//! whole columns of them. A date or amount column of a million rows goes through these once
//! per cell when a file is typed, so they are built for speed with the field loop; the app
//! reads every other shape (`3/4/2024`, `¥1,234`, `3.5万`) once per cell too, but rarely.
//! Also the other loops over every cell or date of a column that a load runs once: the
//! check for an ID column, a date column's range and its dates counted by day.

use crate::maybe::{minutes, numbers, MaybeMinute, MaybeNumber};
use crate::TextColumn;

/// Whether `y` is a leap year, without branches: per cell, leap years come in no order a
/// branch predictor learns.
#[inline(always)]
fn is_leap(y: i32) -> bool {
    (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
}

/// Days before each month in a year that is not a leap year, and the days in each month
/// (index: the month, 1–12).
const DAYS_BEFORE: [u16; 13] = [0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
const DAYS_IN: [u8; 13] = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/// The days of month `m` of year `y`; 0 for a month that is not one.
#[inline(always)]
fn days_in_month(y: i32, m: u32) -> u32 {
    let days = DAYS_IN.get(m as usize).map_or(0, |d| u32::from(*d));
    days + u32::from((m == 2) & is_leap(y))
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
/// `(year, month, day)` of a day number. The calendar repeats every 400 years (146,097
/// days), so the day is brought into the first such cycle from 1970 and the years added
/// back: every step then fits in 32 bits, and 32-bit division by a constant is a
/// multiplication (wasm has no 64-bit multiplication to do the same with).
pub fn civil(day: i32) -> (i32, u32, u32) {
    const CYCLE: i32 = 146_097;
    let z = day.rem_euclid(CYCLE) + 719_468;
    let era = z / CYCLE;
    let doe = z - era * CYCLE;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i32::from(m <= 2);
    (y + 400 * day.div_euclid(CYCLE), m as u32, d as u32)
}

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

/// The minutes of an ISO date ([`iso_parts`]) whose day exists. One copy for the app's cell
/// by cell readers; the column loop has its own, inlined.
#[inline(never)]
pub fn iso_minutes(b: &[u8]) -> Option<i32> {
    read_iso_minutes(b, &mut EachDate)
}

#[inline(always)]
fn read_iso_minutes(b: &[u8], cal: &mut impl Calendar) -> Option<i32> {
    // The two shapes nearly every export writes, read eight bytes at a time; any other
    // shape, and any cell they turn down, goes the general way.
    let fast = match b.len() {
        16 => iso_minutes_16(b, cal),
        10 => iso_minutes_10(b, cal),
        _ => None,
    };
    fast.or_else(|| iso_minutes_by_parts(b))
}

/// [`iso_minutes`] of any shape [`iso_parts`] reads.
fn iso_minutes_by_parts(b: &[u8]) -> Option<i32> {
    let p = iso_parts(b)?;
    minutes_at(p.year, p.month, p.day, p.minute_of_day)
}

/// Eight bytes as a word, each less `'0'`: a digit's byte is then its value.
#[inline(always)]
fn word_less_zeros(b: &[u8]) -> u64 {
    crate::word(b, 0) ^ 0x3030_3030_3030_3030
}

/// Whether every byte of `t` (a [`word_less_zeros`]) that `mask` marks with `0x80` was a
/// digit. A byte of 10 or more gets its top bit from the addition, one of `0x80` or more has
/// it already; a carry out of a byte only ever sets more top bits, so no other byte passes.
#[inline(always)]
fn digits_at(t: u64, mask: u64) -> bool {
    not_digits(t) & mask == 0
}

/// The high bit of each byte of `t` (a [`word_less_zeros`]) that was no digit, and perhaps of
/// bytes above those ([`digits_at`]).
#[inline(always)]
fn not_digits(t: u64) -> u64 {
    (t.wrapping_add(0x7676_7676_7676_7676) | t) & 0x8080_8080_8080_8080
}

/// Byte `i` of a word.
#[inline(always)]
fn lane(t: u64, i: u32) -> u32 {
    ((t >> (8 * i)) & 0xff) as u32
}

/// Minutes since 1970 of a date of year 1 to 9999 (and its minute of day, below 1440), if
/// the day exists: [`minutes_at`] without its era arithmetic.
#[inline(always)]
fn minutes_from_year_1(year: u32, month: u32, day: u32, minute_of_day: u32) -> Option<i32> {
    if year == 0 || day == 0 || day > days_in_month(year as i32, month) {
        return None;
    }
    let days = days_from_year_1(year, month, day);
    i32::try_from(days * 1440 + i64::from(minute_of_day)).ok()
}

/// Days since 1970 of an existing date of year 1 to 9999.
#[inline(always)]
fn days_from_year_1(year: u32, month: u32, day: u32) -> i64 {
    let y = year - 1;
    let leap_day = u32::from((month > 2) & is_leap(year as i32));
    let day_of_year = u32::from(DAYS_BEFORE[month as usize]) + leap_day + day - 1;
    // Days from 0001-01-01 to 1970-01-01: 719,162.
    i64::from(y * 365 + y / 4 - y / 100 + y / 400 + day_of_year) - 719_162
}

/// Minutes since 1970 of a date of year 1 to 9999 and a minute of its day: worked out for
/// each date ([`minutes_from_year_1`]), or through [`MonthStarts`].
trait Calendar {
    fn minutes(&mut self, year: u32, month: u32, day: u32, minute_of_day: u32) -> Option<i32>;
}

/// Each date worked out on its own: a cell read alone.
struct EachDate;

impl Calendar for EachDate {
    #[inline(always)]
    fn minutes(&mut self, year: u32, month: u32, day: u32, minute_of_day: u32) -> Option<i32> {
        minutes_from_year_1(year, month, day, minute_of_day)
    }
}

/// The first day (days since 1970) and the length of the last month looked up in each of
/// 256 slots: a column's dates fall in a few dozen months, and each is worked out once, not
/// once a cell. A slot holds its month's key (`year * 128 + month + 1`; 0: empty).
struct MonthStarts(Vec<(u32, i64, u32)>);

impl MonthStarts {
    fn new() -> MonthStarts {
        MonthStarts(vec![(0, 0, 0); 256])
    }
}

impl Calendar for MonthStarts {
    /// [`minutes_from_year_1`], the same in every case.
    #[inline(always)]
    fn minutes(&mut self, year: u32, month: u32, day: u32, minute_of_day: u32) -> Option<i32> {
        // Years and months have four and two digits: the key tells them apart, and nineteen
        // years of months fall in slots of their own.
        let key = year * 128 + month + 1;
        let slot = &mut self.0[(year.wrapping_mul(13).wrapping_add(month) & 255) as usize];
        if slot.0 != key {
            let days = if year == 0 {
                0
            } else {
                days_in_month(year as i32, month)
            };
            let first = if days == 0 {
                0
            } else {
                days_from_year_1(year, month, 1)
            };
            *slot = (key, first, days);
        }
        if day == 0 || day > slot.2 {
            return None;
        }
        i32::try_from((slot.1 + i64::from(day) - 1) * 1440 + i64::from(minute_of_day)).ok()
    }
}

/// The year and month of a cell's first eight bytes, `YYYY-MM-` (or with `/`).
#[inline(always)]
fn year_month_word(b: &[u8]) -> Option<(u32, u32)> {
    let a = word_less_zeros(b);
    // Digits at bytes 0–3, 5 and 6, one separator at 4 and 7.
    if !digits_at(a, 0x0080_8000_8080_8080) || !matches!(b[4], b'-' | b'/') || b[7] != b[4] {
        return None;
    }
    let year = lane(a, 0) * 1000 + lane(a, 1) * 100 + lane(a, 2) * 10 + lane(a, 3);
    Some((year, lane(a, 5) * 10 + lane(a, 6)))
}

/// `YYYY-MM-DD HH:MM` (or with `/` between the date's parts, or `T` before the time).
#[inline(always)]
fn iso_minutes_16(b: &[u8], cal: &mut impl Calendar) -> Option<i32> {
    let (year, month) = year_month_word(b)?;
    let c = word_less_zeros(&b[8..]);
    // Digits at bytes 0, 1, 3, 4, 6 and 7 of the second word.
    if !digits_at(c, 0x8080_0080_8000_8080) || !matches!(b[10], b' ' | b'T') || b[13] != b':' {
        return None;
    }
    let day = lane(c, 0) * 10 + lane(c, 1);
    let (hour, minute) = (lane(c, 3) * 10 + lane(c, 4), lane(c, 6) * 10 + lane(c, 7));
    if hour >= 24 || minute >= 60 {
        return None;
    }
    cal.minutes(year, month, day, hour * 60 + minute)
}

/// `YYYY-MM-DD` (or with `/`).
#[inline(always)]
fn iso_minutes_10(b: &[u8], cal: &mut impl Calendar) -> Option<i32> {
    let (year, month) = year_month_word(b)?;
    let (d0, d1) = (b[8].wrapping_sub(b'0'), b[9].wrapping_sub(b'0'));
    if d0 >= 10 || d1 >= 10 {
        return None;
    }
    cal.minutes(year, month, u32::from(d0) * 10 + u32::from(d1), 0)
}

const POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// `1234`, `-8112.5`: digits with at most one decimal point (only when `dot` says the
/// decimal mark is the dot), read as Rust's own parser reads them. One copy for the app's
/// cell by cell readers; the column loop reads the short shapes inlined.
#[inline(never)]
pub fn plain_number(s: &str, dot: bool) -> Option<f64> {
    match short_plain(s.as_bytes(), dot) {
        Some((v, _)) => Some(v),
        None => any_plain_number(s, dot),
    }
}

/// [`plain_number`] of any length, with a sign.
fn any_plain_number(s: &str, dot: bool) -> Option<f64> {
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
    crm_kpi_decimal::parse(s).ok().filter(|v| v.is_finite())
}

/// Every cell of a column as a value `read` takes (none for an empty cell), or `None` at
/// the first filled cell it does not.
#[inline(always)]
fn read_column<T, M: From<Option<T>>>(
    col: &TextColumn,
    mut read: impl FnMut(&str) -> Option<T>,
) -> Option<Vec<M>> {
    let mut out = Vec::with_capacity(col.len());
    for c in col.iter() {
        out.push(M::from(if c.is_empty() { None } else { Some(read(c)?) }));
    }
    Some(out)
}

/// Every cell of a column as the minutes of an ISO date ([`iso_minutes`]), or `None` at the
/// first filled cell that is not one.
#[inline(never)]
pub fn iso_minutes_column(col: &TextColumn) -> Option<Vec<MaybeMinute>> {
    let mut months = MonthStarts::new();
    read_column(col, |c| read_iso_minutes(c.as_bytes(), &mut months))
}

/// Every cell of a column as a [`plain_number`] with a decimal dot, and whether every filled
/// cell is an integer (digits only, fewer than 16); `None` at the first filled cell that is
/// not a plain number.
#[inline(never)]
pub fn plain_number_column(col: &TextColumn) -> Option<(Vec<MaybeNumber>, bool)> {
    let mut integers = true;
    let text = col.text_bytes();
    let values = read_column(col, |c| {
        // The eight bytes from the cell's start, when the column's text holds them (all but
        // its last few cells): a cell of up to eight is read from them at once.
        let at = (c.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
        let word = text.get(at..at.wrapping_add(8)).map(|w| crate::word(w, 0));
        let read = match word {
            Some(w) if c.len() <= 8 => plain_word(w, c.len(), true),
            _ => short_plain(c.as_bytes(), true),
        };
        if let Some((v, integer)) = read {
            integers &= integer;
            return Some(v);
        }
        integers = false;
        any_plain_number(c, true)
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

/// A cell of 1 to 15 digits with at most one decimal point among them (when `dot` allows
/// it) and nothing else, and whether it has no point: the value [`plain_number`] gives it,
/// read in loops of their own because nearly every amount and ID is in this shape.
#[inline(always)]
fn short_plain(b: &[u8], dot: bool) -> Option<(f64, bool)> {
    if b.len() > 16 {
        return None;
    }
    // One pass: the digits, and where the point is if there is one.
    let mut v = 0u64;
    let mut point = None;
    for (i, &c) in b.iter().enumerate() {
        let d = c.wrapping_sub(b'0');
        if d < 10 {
            v = v * 10 + u64::from(d);
        } else if c == b'.' && dot && point.is_none() {
            point = Some(i);
        } else {
            return None;
        }
    }
    let digits = b.len() - usize::from(point.is_some());
    if digits == 0 || digits > 15 {
        return None;
    }
    let decimals = point.map_or(0, |p| b.len() - p - 1);
    // Fifteen digits are exact in an f64, as is 10^15, and one division of exact numbers
    // rounds correctly.
    Some((v as f64 / POWERS_OF_TEN[decimals], point.is_none()))
}

/// [`short_plain`] of a cell of `n` bytes (1 to 8) given as the word of the eight bytes
/// from its start (those past the cell are not its own): every byte looked at at once, where
/// the loop's branches on a digit or the point, and on the cell's end, fall differently from
/// one amount to the next (typing an amount column took about 20 ns a cell).
#[inline(always)]
fn plain_word(w: u64, n: usize, dot: bool) -> Option<(f64, bool)> {
    if n == 0 || n > 8 {
        return None;
    }
    // The high bit of each of the cell's bytes. The bytes past the cell are left as they
    // are: a carry goes only from a byte to the one above it, so they change no test of the
    // cell's own bytes, and the digits' shift into place below drops them.
    let high = 0x8080_8080_8080_8080u64 >> (8 * (8 - n));
    let x = w ^ 0x3030_3030_3030_3030;
    let not_digit = not_digits(x) & high;
    let points = crate::bytes_equal(w, b'.') & high;
    if not_digit & !points != 0 || points.count_ones() > u32::from(dot) {
        return None;
    }
    // The digits, the point taken out: the bytes after it move down one.
    let (digits, m, decimals) = if points == 0 {
        (x, n, 0)
    } else {
        let p = points.trailing_zeros() as usize / 8;
        let below = (1u64 << (8 * p)) - 1;
        ((x & below) | ((x >> 8) & !below), n - 1, n - 1 - p)
    };
    if m == 0 {
        return None;
    }
    // Eight digits, the first in the lowest byte, led by zeros, into their value: pairs,
    // then fours, then the eight (each step's products of ten, a hundred, ten thousand).
    let v = digits << (8 * (8 - m));
    let v = (v.wrapping_mul(10 << 8 | 1) >> 8) & 0x00ff_00ff_00ff_00ff;
    let v = (v.wrapping_mul(100 << 16 | 1) >> 16) & 0x0000_ffff_0000_ffff;
    let v = v.wrapping_mul(10_000 << 32 | 1) >> 32;
    Some((v as f64 / POWERS_OF_TEN[decimals], points == 0))
}

/// A whole number of fewer than 16 digits, no sign: the cell typing reads as an integer
/// (an empty cell is one too, to this test). Such a cell has no date's separators and no
/// sign, point or grouping, so it is nothing else.
#[inline]
pub fn is_short_integer(c: &str) -> bool {
    let b = c.as_bytes();
    let all = 0x8080_8080_8080_8080;
    match b.len() {
        // Two words that overlap cover 8 to 15 bytes (an ID's usual length).
        8..=15 => {
            digits_at(word_less_zeros(b), all) && digits_at(word_less_zeros(&b[b.len() - 8..]), all)
        }
        n if n < 8 => b.iter().all(u8::is_ascii_digit),
        _ => false,
    }
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
pub fn minute_range(dates: &[MaybeMinute]) -> Option<(i32, i32)> {
    // Without a branch on each date: a close date column's empty cells (its open deals) come
    // in no order a branch predictor learns. A none is `i32::MIN`, which no greatest minute
    // is: the greatest is `i32::MIN` only when every date is none. The least is one more
    // than the least of each minute less one, where a none wraps round to `i32::MAX`. (A
    // test of each date against none, written so, was compiled to a branch.)
    let (mut below, mut hi) = (i32::MAX, i32::MIN);
    for m in dates {
        let m = m.raw();
        below = below.min(m.wrapping_sub(1));
        hi = hi.max(m);
    }
    (hi != i32::MIN).then(|| (below.wrapping_add(1), hi))
}

/// Of the values above zero in `values`: how many there are, and those at the ranks
/// `ranks` gives for that count (0-based, in increasing order, each below the count), as the
/// amounts' sanity check takes its quartiles. Above zero a float orders as its bits do: the
/// values are counted by their top 16 bits, and only those that share a wanted rank's top
/// bits are gathered and selected among, instead of a copy of every value. `ranks` is a
/// `dyn` function so that this one is built here, for speed, and not in its caller.
#[inline(never)]
pub fn positives_at(
    values: &[MaybeNumber],
    ranks: &dyn Fn(usize) -> Vec<usize>,
) -> (usize, Vec<f64>) {
    let top = |v: f64| (v.to_bits() >> 48) as usize;
    let mut counts = vec![0u32; 1 << 16];
    let mut n = 0;
    for v in numbers(values) {
        if v > 0.0 {
            counts[top(v)] += 1;
            n += 1;
        }
    }
    let ranks = ranks(n);
    // Each rank's group of top bits, and how many values lie in the groups before it.
    let mut groups: Vec<(usize, usize)> = Vec::with_capacity(ranks.len());
    for &k in &ranks {
        let (mut g, mut before) = (0, 0);
        while g + 1 < counts.len() && before + counts[g] as usize <= k {
            before += counts[g] as usize;
            g += 1;
        }
        groups.push((g, before));
    }
    let mut wanted = vec![false; counts.len()];
    for (g, _) in &groups {
        wanted[*g] = true;
    }
    let mut gathered: Vec<(usize, Vec<f64>)> = Vec::new();
    for v in numbers(values) {
        if v > 0.0 && wanted[top(v)] {
            match gathered.iter_mut().find(|(g, _)| *g == top(v)) {
                Some((_, list)) => list.push(v),
                None => gathered.push((top(v), vec![v])),
            }
        }
    }
    let picked = ranks
        .iter()
        .zip(groups)
        .map(|(k, (g, before))| {
            let list = gathered.iter_mut().find(|(x, _)| *x == g);
            list.map_or(f64::NAN, |(_, list)| {
                crate::select::nth_smallest(list, k - before)
            })
        })
        .collect();
    (n, picked)
}

/// Add one to `count[m - first]` for each minute `m` of `dates` (at most 255: it stays
/// there), passing over minutes outside `count`.
#[inline(never)]
pub fn count_minutes(dates: &[MaybeMinute], first: i32, count: &mut [u8]) {
    for m in minutes(dates) {
        if let Some(c) = usize::try_from(m.wrapping_sub(first))
            .ok()
            .and_then(|i| count.get_mut(i))
        {
            *c = c.saturating_add(1);
        }
    }
}

/// Add one to `per_day[d - first]` for the day `d` of each of `dates`, passing over days
/// outside `per_day`. `first` comes after the day of minute `i32::MIN` (in the year −2113),
/// as every date read does.
#[inline(never)]
pub fn count_by_day(dates: &[MaybeMinute], first: i32, per_day: &mut [u32]) {
    // Without a branch on each date, as in `minute_range` (a close date column's empty
    // cells fall at random): an empty cell (`i32::MIN`, on a day before `first`) or a day
    // outside `per_day` adds zero to the last day's count.
    let Some(last) = per_day.len().checked_sub(1) else {
        return;
    };
    for m in dates {
        let at = usize::try_from(day_of(m.raw()).wrapping_sub(first)).unwrap_or(usize::MAX);
        per_day[at.min(last)] += u32::from(at <= last);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A read date column's minutes as options, to compare with the expected ones.
    fn minutes(col: Option<Vec<MaybeMinute>>) -> Option<Vec<Option<i32>>> {
        col.map(|c| c.iter().map(|m| m.get()).collect())
    }

    /// A read number column's values as options, with its integer flag.
    fn numbers(col: Option<(Vec<MaybeNumber>, bool)>) -> Option<(Vec<Option<f64>>, bool)> {
        col.map(|(c, integers)| (c.iter().map(|v| v.get()).collect(), integers))
    }

    /// Dates as a column holds them.
    fn maybe(dates: &[Option<i32>]) -> Vec<MaybeMinute> {
        dates.iter().map(|&m| m.into()).collect()
    }

    /// A column of `cells`, plain (as a file's long columns are) or coded.
    fn column_of(plain: bool, cells: &[&str]) -> TextColumn {
        let mut col = TextColumn::default();
        for c in cells {
            col.push(c);
        }
        if plain {
            col.uncode();
        }
        col.finish();
        col
    }

    /// Run `body` with a maker of coded columns, then of plain ones: the column readers
    /// read each form its own way.
    fn in_both_forms(body: impl Fn(&dyn Fn(&[&str]) -> TextColumn)) {
        for plain in [false, true] {
            body(&|cells| column_of(plain, cells));
        }
    }

    /// ISO dates with and without a time read to their minutes; an empty cell is `None`;
    /// a day that does not exist or a cell in another shape leaves the column to the
    /// general reader.
    #[test]
    fn iso_date_columns_read_to_minutes() {
        in_both_forms(|column| {
            let col = column(&[
                "1970-01-02",
                "",
                "2024-02-29 13:05",
                "2024/03/01T00:01:59.5Z",
            ]);
            let day = |y, m, d| day_number(y, m, d).map(|d| d * 1440);
            assert_eq!(
                minutes(iso_minutes_column(&col)),
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
        });
    }

    /// Bytes that each position of a date or number is tried with: digits, the separators
    /// of both shapes, letters, a control byte and bytes at and above 0x80 (whose carries
    /// the word-at-a-time checks must not let through).
    const TRIED: &[u8] = b"0123456789-/: T.,Z+ea\x00\x7f\x80\xc3\xff";

    /// Every date of two centuries, and the edges of the calendar (year 1, leap rules,
    /// the last minute an i32 holds, year 9999), with and without a time, give the same
    /// minutes through the word-at-a-time shapes as through [`iso_parts`]; so does each of
    /// them with any one byte changed to any of [`TRIED`]. The shapes are read both with
    /// each date worked out alone (a single cell) and through one [`MonthStarts`] kept
    /// over all of them (a column), whose 256 slots the thousands of months share.
    #[test]
    fn the_common_iso_shapes_read_as_the_general_reader_reads_them() {
        let mut cells: Vec<Vec<u8>> = Vec::new();
        let years = (1899..=2101).chain([1, 4, 100, 400, 1600, 1700, 6053, 6054, 9999]);
        for y in years {
            for m in [0, 1, 2, 3, 12, 13] {
                for d in [0, 1, 28, 29, 30, 31, 32] {
                    cells.push(format!("{y:04}-{m:02}-{d:02}").into_bytes());
                }
            }
        }
        for day in (day_number(1899, 1, 1).unwrap()..day_number(2102, 1, 1).unwrap()).step_by(7) {
            let (y, m, d) = civil_of(day);
            let minute = (day * 37).rem_euclid(1440);
            let t = ["T", " "][(day & 1) as usize];
            let sep = ["-", "/"][((day >> 1) & 1) as usize];
            cells.push(format!("{y:04}{sep}{m:02}{sep}{d:02}").into_bytes());
            cells.push(
                format!(
                    "{y:04}{sep}{m:02}{sep}{d:02}{t}{:02}:{:02}",
                    minute / 60,
                    minute % 60
                )
                .into_bytes(),
            );
        }
        for c in [
            "2024-02-29 23:59",
            "2023-02-29 00:00",
            "2024-01-01 24:00",
            "2024-01-01 23:60",
            "6053-01-23 02:07",
            "6053-01-23 02:08",
            "0000-01-01",
            "9999-12-31 23:59",
            "2024-01/01",
        ] {
            cells.push(c.as_bytes().to_vec());
        }
        let mut months = MonthStarts::new();
        let mut check = |cell: &[u8]| {
            let want = iso_minutes_by_parts(cell);
            let shown = String::from_utf8_lossy(cell);
            assert_eq!(iso_minutes(cell), want, "{shown:?}");
            assert_eq!(
                read_iso_minutes(cell, &mut months),
                want,
                "{shown:?} by month"
            );
        };
        let mut tried = 0;
        for cell in &cells {
            check(cell);
            for at in 0..cell.len() {
                for &b in TRIED {
                    let mut odd = cell.clone();
                    odd[at] = b;
                    tried += 1;
                    check(&odd);
                }
            }
        }
        assert!(tried > 1_000_000, "{tried}");
        // The shapes are read at all: a day of 2024, and the last minute an i32 holds.
        assert_eq!(
            iso_minutes(b"2024-03-01"),
            day_number(2024, 3, 1).map(|d| d * 1440)
        );
        assert_eq!(iso_minutes(b"6053-01-23 02:07"), Some(i32::MAX));
        assert_eq!(iso_minutes(b"6053-01-23 02:08"), None);
    }

    /// Year, month and day of a day number, by counting: slow and plainly right.
    fn civil_of(day: i32) -> (i32, u32, u32) {
        let mut y = 1899;
        while day_number(y + 1, 1, 1).unwrap() <= day {
            y += 1;
        }
        let mut m = 1;
        while m < 12 && day_number(y, m + 1, 1).unwrap() <= day {
            m += 1;
        }
        (y, m, (day - day_number(y, m, 1).unwrap() + 1) as u32)
    }

    /// A cell of up to eight bytes read as one word gives what the loop gives, whatever its
    /// bytes (digits, points, signs, letters, a space, a byte over 127) and whatever the bytes
    /// after it in the word, with a decimal dot and without.
    #[test]
    fn a_short_number_read_as_a_word_is_read_as_the_loop_reads_it() {
        let bytes = *b"0159.-a \xc3";
        let mut seed = 1u64;
        let mut cell = [0u8; 8];
        for n in 1..=8usize {
            // Every cell of up to five bytes; longer ones at random, 200,000 of each length.
            let count = if n <= 5 {
                bytes.len().pow(n as u32)
            } else {
                200_000
            };
            for k in 0..count {
                let mut code = k;
                for b in cell.iter_mut().take(n) {
                    *b = if n <= 5 {
                        let d = bytes[code % bytes.len()];
                        code /= bytes.len();
                        d
                    } else {
                        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                        bytes[(seed >> 33) as usize % bytes.len()]
                    };
                }
                for (after, b) in cell.iter_mut().enumerate().skip(n) {
                    *b = bytes[(k + after) % bytes.len()];
                }
                let w = u64::from_le_bytes(cell);
                for dot in [true, false] {
                    assert_eq!(
                        plain_word(w, n, dot),
                        short_plain(&cell[..n], dot),
                        "{:?} {dot}",
                        String::from_utf8_lossy(&cell[..n])
                    );
                }
            }
        }
    }

    /// Plain numbers up to 15 digits, with and without a point, and each with any one byte
    /// changed to any of [`TRIED`], read as the general loop reads them, with a decimal dot
    /// and without; so is a column of them, with its integer flag.
    #[test]
    fn short_plain_numbers_read_as_the_general_loop_reads_them() {
        in_both_forms(|column| {
            let mut cells: Vec<String> = Vec::new();
            for n in [
                "0",
                "7",
                "8112",
                "7904.46",
                "25144.13",
                "106579.03",
                "123456789012345",
                "12345678901234.5",
                "1234567890123456",
                "0.000000000000001",
                "5.",
                ".5",
                "00042",
                "99999999999999.99",
                "-8112.50",
                "1.2.3",
            ] {
                cells.push(n.to_string());
            }
            let mut tried = 0;
            for cell in &cells {
                let mut variants = vec![cell.clone().into_bytes()];
                for at in 0..cell.len() {
                    for &b in TRIED {
                        let mut odd = cell.clone().into_bytes();
                        odd[at] = b;
                        variants.push(odd);
                    }
                }
                for v in variants {
                    let Ok(v) = String::from_utf8(v) else {
                        continue;
                    };
                    tried += 1;
                    for dot in [true, false] {
                        let (fast, general) = (plain_number(&v, dot), any_plain_number(&v, dot));
                        assert_eq!(
                            fast.map(f64::to_bits),
                            general.map(f64::to_bits),
                            "{v:?} {dot}"
                        );
                    }
                    // A column holds its cells trimmed.
                    let col = column(&["1", &v]);
                    let cell = col.get(1);
                    let expected = if cell.is_empty() {
                        Some(vec![Some(1.0), None])
                    } else {
                        any_plain_number(cell, true).map(|x| vec![Some(1.0), Some(x)])
                    };
                    let read = numbers(plain_number_column(&col));
                    assert_eq!(read.as_ref().map(|r| &r.0), expected.as_ref(), "{v:?}");
                    if let Some((_, integers)) = read {
                        assert_eq!(integers, is_short_integer(cell), "{v:?}");
                    }
                }
            }
            assert!(tried > 2_000, "{tried}");
        });
    }

    /// A short integer is up to fifteen digits and nothing else, the other byte anywhere
    /// in the cell, whichever of the two words that read it holds it.
    #[test]
    fn a_short_integer_is_digits_only() {
        for len in 0..=17 {
            let digits: String = (0..len)
                .map(|i| char::from(b'0' + (i * 7 % 10) as u8))
                .collect();
            assert_eq!(is_short_integer(&digits), len < 16, "{digits}");
            for at in 0..len {
                for other in ["/", ":", ".", "-", " ", "a", "\u{e9}", "\u{ff10}"] {
                    let cell = format!("{}{other}{}", &digits[..at], &digits[at + 1..]);
                    assert!(!is_short_integer(&cell), "{cell}");
                }
            }
        }
    }

    /// ID columns: whole numbers under 16 digits, some cells empty; a sign, a point, a
    /// 16th digit, a date or a word makes a column something else, and so does no cell.
    #[test]
    fn short_integer_columns_are_told_from_others() {
        in_both_forms(|column| {
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
        });
    }

    /// A column's least and greatest minute, and its dates counted by day: minutes before
    /// 1970 fall on negative days, and days outside the counts are passed over.
    #[test]
    fn date_columns_give_their_range_and_their_counts_by_day() {
        let dates = maybe(&[
            Some(-1),
            None,
            Some(1440 * 3 + 5),
            Some(0),
            Some(1439),
            Some(-1441),
        ]);
        assert_eq!(minute_range(&dates), Some((-1441, 1440 * 3 + 5)));
        assert_eq!(minute_range(&maybe(&[None, None])), None);
        // Empty cells count for nothing, on either side of zero.
        assert_eq!(
            minute_range(&maybe(&[None, Some(5), None, Some(9)])),
            Some((5, 9))
        );
        assert_eq!(
            minute_range(&maybe(&[Some(-9), None, Some(-5), None])),
            Some((-9, -5))
        );
        // The least and the greatest minute a date may hold, and no date at all.
        assert_eq!(
            minute_range(&maybe(&[Some(i32::MAX), None, Some(i32::MIN + 1)])),
            Some((i32::MIN + 1, i32::MAX))
        );
        assert_eq!(
            minute_range(&maybe(&[Some(i32::MIN + 1)])),
            Some((i32::MIN + 1, i32::MIN + 1))
        );
        assert_eq!(minute_range(&[]), None);
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
        in_both_forms(|column| {
            let col = column(&["12", "", "-8112.50", "0.1"]);
            assert_eq!(
                numbers(plain_number_column(&col)),
                Some((vec![Some(12.0), None, Some(-8112.5), Some(0.1)], false))
            );
            assert_eq!(
                numbers(plain_number_column(&column(&["7", "", "123456789012345"]))),
                Some((vec![Some(7.0), None, Some(123_456_789_012_345.0)], true))
            );
            let long = "1234567890123456789.25";
            assert_eq!(
                numbers(plain_number_column(&column(&[long]))),
                Some((vec![long.parse().ok()], false))
            );
            for odd in ["1,234", "$5", "1.2.3", "-", "."] {
                assert_eq!(plain_number_column(&column(&["1", odd])), None, "{odd}");
            }
        });
    }
}
