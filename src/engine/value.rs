//! Cell values: amounts, dates, deal outcomes and booleans as CRM exports write them.
//!
//! Everything here parses one cell at a time, but the two decisions that cannot be made
//! from one cell — whether `3/4/2024` is March or April, whether `1,234` is a thousand or
//! a decimal — are made per column from all of its values (see [`DateOrder::decide`] and
//! [`DecimalMark::decide`]), so that a whole column is read one consistent way.

use serde::{Deserialize, Serialize};

/// Minutes since 1970-01-01 00:00 (naive local time, as the export wrote it).
pub type Minutes = i32;

/// A typed column's minute or amount, or none, in the value's own bytes (see the scan
/// crate's `maybe`).
pub use crm_kpi_scan::maybe::{minutes, numbers, MaybeMinute, MaybeNumber};

/// Day number (days since 1970-01-01) of a timestamp in minutes: `m.div_euclid(1440)`,
/// worked out without a division (see the scan crate's `cells::day_of`).
pub use crm_kpi_scan::cells::day_of;

use crm_kpi_scan::cells::civil;
/// Day number of a calendar date, or `None` when the date does not exist; the same answers
/// as chrono within its years, which the tests check.
pub use crm_kpi_scan::cells::day_number;

/// A calendar date; shows as `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ymd {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl std::fmt::Display for Ymd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The calendar date of a day number.
pub fn date_of_day(day: i32) -> Ymd {
    let (year, month, d) = civil(day);
    Ymd {
        year,
        month,
        day: d,
    }
}

/// A `YYYY-MM-DD` date as a day number.
pub fn parse_ymd(s: &str) -> Option<i32> {
    let mut it = s.trim().splitn(3, '-');
    let y: i32 = it.next()?.parse().ok()?;
    let m: u32 = it.next()?.parse().ok()?;
    let d: u32 = it.next()?.parse().ok()?;
    day_number(y, m, d)
}

/// `(year, month)` of a day number (the inverse of [`day_number`], by the same arithmetic).
pub fn year_month(day: i32) -> (i32, u32) {
    let (y, m, _) = civil(day);
    (y, m)
}

/// Which number of an all-numeric date like `3/4/2024` is the month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateOrder {
    /// Year first (`2024-03-04`, `2024/3/4`, `2024年3月4日`): never ambiguous.
    Ymd,
    /// Month first, as US exports write it (`3/4/2024` is March 4).
    Mdy,
    /// Day first, as most other locales write it (`3/4/2024` is April 3).
    Dmy,
}

/// How a date column's order was decided, shown to the user beside the column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderEvidence {
    /// Every date in the column is year first.
    YearFirst,
    /// Some value only reads one way (a first number above 12, say).
    Values,
    /// Every value read either way; month first was assumed (the common CRM default),
    /// unless dots as separators pointed to day first.
    Assumed,
    /// Every value read either way, and another date column of the same file proved the
    /// order: this column follows it.
    OtherColumns,
    /// Values contradict each other (both `13/1/2024` and `1/13/2024`); the majority won
    /// and the others are reported as row issues.
    Conflicting,
}

/// A date as written, before the column's day/month order is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawDate {
    pub year: i32,
    /// For [`DateShape::Ymd`] the month; otherwise the first of the two small numbers.
    pub a: u32,
    /// For [`DateShape::Ymd`] the day; otherwise the second of the two small numbers.
    pub b: u32,
    /// Minutes past midnight, 0 when the value has no time.
    pub minute_of_day: u32,
    pub shape: DateShape,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateShape {
    /// The order is in the text itself (year first, or a month name).
    Ymd,
    /// Two small numbers before the year, separated by `/` or `-`.
    Numeric,
    /// Two small numbers before the year, separated by `.` (a European habit: day first).
    NumericDots,
}

impl RawDate {
    /// Resolve to minutes since the epoch with the column's order; `None` if no such day.
    pub fn resolve(&self, order: DateOrder) -> Option<Minutes> {
        let (m, d) = match (self.shape, order) {
            (DateShape::Ymd, _) | (_, DateOrder::Mdy) | (_, DateOrder::Ymd) => (self.a, self.b),
            (_, DateOrder::Dmy) => (self.b, self.a),
        };
        crm_kpi_scan::cells::minutes_at(self.year, m, d, self.minute_of_day)
    }

    /// Whether this value can be read month first / day first.
    fn readings(&self) -> (bool, bool) {
        match self.shape {
            DateShape::Ymd => (true, true),
            _ => (
                day_number(self.year, self.a, self.b).is_some(),
                day_number(self.year, self.b, self.a).is_some(),
            ),
        }
    }
}

impl DateOrder {
    /// Decide a column's order from all its parsed values.
    ///
    /// ```
    /// use crm_kpi::engine::value::{parse_date, DateOrder, OrderEvidence};
    /// let col: Vec<_> = ["3/4/2024", "25/4/2024"].iter().filter_map(|s| parse_date(s)).collect();
    /// assert_eq!(DateOrder::decide(&col), (DateOrder::Dmy, OrderEvidence::Values));
    /// ```
    pub fn decide(values: &[RawDate]) -> (DateOrder, OrderEvidence) {
        let (mut numeric, mut dots, mut only_mdy, mut only_dmy) = (0usize, 0usize, 0usize, 0usize);
        for v in values.iter().filter(|v| v.shape != DateShape::Ymd) {
            numeric += 1;
            if v.shape == DateShape::NumericDots {
                dots += 1;
            }
            match v.readings() {
                (true, false) => only_mdy += 1,
                (false, true) => only_dmy += 1,
                _ => {}
            }
        }
        if numeric == 0 {
            return (DateOrder::Ymd, OrderEvidence::YearFirst);
        }
        match (only_mdy, only_dmy) {
            (0, 0) if dots * 2 > numeric => (DateOrder::Dmy, OrderEvidence::Assumed),
            (0, 0) => (DateOrder::Mdy, OrderEvidence::Assumed),
            (_, 0) => (DateOrder::Mdy, OrderEvidence::Values),
            (0, _) => (DateOrder::Dmy, OrderEvidence::Values),
            (m, d) if m >= d => (DateOrder::Mdy, OrderEvidence::Conflicting),
            _ => (DateOrder::Dmy, OrderEvidence::Conflicting),
        }
    }
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn month_from_name(s: &str) -> Option<u32> {
    let lower = s.to_ascii_lowercase();
    let key = lower.get(..3)?;
    if lower.len() > 3 && !lower.chars().all(|c| c.is_ascii_alphabetic() || c == '.') {
        return None;
    }
    MONTHS.iter().position(|m| *m == key).map(|i| i as u32 + 1)
}

/// Split leading ASCII digits off `s`: `(value, digit count, rest)`.
fn take_number(s: &str) -> Option<(u32, usize, &str)> {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    if n == 0 || n > 9 {
        return None;
    }
    Some((s[..n].parse().ok()?, n, &s[n..]))
}

fn two_digit_year(y: u32, digits: usize) -> i32 {
    match digits {
        2 if y < 70 => 2000 + y as i32,
        2 => 1900 + y as i32,
        _ => y as i32,
    }
}

/// Parse a time of day after a date: `HH:MM[:SS[.fff]]`, optional `AM`/`PM`, `Z` or an
/// offset (kept as written: exports mean the wall-clock time they show), `时`/`分` forms.
fn parse_time(s: &str) -> Option<u32> {
    let s = s.trim_start_matches(['T', ' ', ',']).trim();
    if s.is_empty() {
        return Some(0);
    }
    let (h, _, rest) = take_number(s)?;
    let rest = rest.strip_prefix([':', '时', '点'])?;
    let (mi, _, rest) = take_number(rest)?;
    let mut rest = rest.trim_start_matches('分');
    if let Some(r) = rest.strip_prefix(':') {
        let (_, _, r) = take_number(r)?;
        rest = r;
        if let Some(frac) = rest.strip_prefix(['.', ',']) {
            rest = frac.trim_start_matches(|c: char| c.is_ascii_digit());
        }
    }
    let rest = rest.trim_start_matches('秒').trim();
    if rest.is_empty() {
        return (h < 24 && mi < 60).then_some(h * 60 + mi);
    }
    let upper = rest.to_ascii_uppercase();
    let h = match upper.as_str() {
        "" | "Z" | "UTC" | "GMT" => h,
        "AM" | "A.M." if h <= 12 => h % 12,
        "PM" | "P.M." if h <= 12 => h % 12 + 12,
        _ if upper.starts_with(['+', '-'])
            && upper[1..].chars().all(|c| c.is_ascii_digit() || c == ':') =>
        {
            h
        }
        _ => return None,
    };
    (h < 24 && mi < 60).then_some(h * 60 + mi)
}

/// The shape nearly every CRM export writes, read byte by byte: `YYYY-MM-DD` (or with `/`),
/// then optionally ` HH:MM` or `THH:MM`, `:SS`, a fraction and `Z`. `None` for anything else
/// (including impossible days), which [`parse_date`] then reads the general way; whatever
/// this accepts, the general way reads the same.
pub fn iso_date(b: &[u8]) -> Option<RawDate> {
    let raw = iso_parts(b)?;
    raw.resolve(DateOrder::Ymd).map(|_| raw)
}

/// [`iso_date`]'s minutes, as a date column whose every cell is in this shape is read
/// (`crm_kpi_scan::cells::iso_minutes_column`, when a file is typed).
pub fn iso_minutes(b: &[u8]) -> Option<Minutes> {
    crm_kpi_scan::cells::iso_minutes(b)
}

/// The parts of an [`iso_date`], the day not yet checked to exist.
#[inline(always)]
fn iso_parts(b: &[u8]) -> Option<RawDate> {
    let p = crm_kpi_scan::cells::iso_parts(b)?;
    Some(RawDate {
        year: p.year,
        a: p.month,
        b: p.day,
        minute_of_day: p.minute_of_day,
        shape: DateShape::Ymd,
    })
}

/// Parse one date or date-time cell as written; the column decides the day/month order later.
///
/// Accepted: ISO (`2024-08-19`, `2024-08-19T10:30:00Z`), `YYYY-MM-DD HH:MM[:SS]`, `YYYY/M/D`,
/// `YYYY.M.D`, `M/D/YYYY` or `D/M/YYYY` (also with `-` or `.`, two-digit years, a time and
/// AM/PM), `2024年8月19日` (with a time), `Aug 19, 2024`, `19 Aug 2024`, `19-Aug-2024`, and
/// 13-digit epoch milliseconds between 2000 and 2100 (Fxiaoke's API exports), read as UTC.
pub fn parse_date(text: &str) -> Option<RawDate> {
    let s = text.trim();
    if s.is_empty() {
        return None;
    }
    iso_date(s.as_bytes()).or_else(|| parse_date_general(s))
}

/// [`parse_date`] of a trimmed, non-empty cell, without the fast path.
fn parse_date_general(s: &str) -> Option<RawDate> {
    if s.len() == 13 && s.bytes().all(|b| b.is_ascii_digit()) {
        let ms: i64 = s.parse().ok()?;
        if !(946_684_800_000..4_102_444_800_000).contains(&ms) {
            return None;
        }
        // UTC, like the CRMs' APIs that write them.
        let day = i32::try_from(ms.div_euclid(86_400_000)).ok()?;
        let minute_of_day = (ms.rem_euclid(86_400_000) / 60_000) as u32;
        let (year, a, b) = civil(day);
        return Some(RawDate {
            year,
            a,
            b,
            minute_of_day,
            shape: DateShape::Ymd,
        });
    }
    // 2024年8月19日 [10:30]
    if let Some((y, rest)) = s.split_once('年') {
        let (year, _, _) = take_number(y.trim()).filter(|(_, n, r)| *n == 4 && r.is_empty())?;
        let (m, rest) = rest.split_once('月')?;
        let (month, _, _) = take_number(m.trim()).filter(|(_, _, r)| r.is_empty())?;
        let (d, rest) = rest.split_once(['日', '号'])?;
        let (day, _, _) = take_number(d.trim()).filter(|(_, _, r)| r.is_empty())?;
        let raw = RawDate {
            year: year as i32,
            a: month,
            b: day,
            minute_of_day: parse_time(rest)?,
            shape: DateShape::Ymd,
        };
        return raw.resolve(DateOrder::Ymd).map(|_| raw);
    }
    let first_alpha = s.starts_with(|c: char| c.is_ascii_alphabetic());
    if first_alpha {
        // Aug 19, 2024 [time]
        let (name, rest) = s.split_once([' ', '-'])?;
        let month = month_from_name(name)?;
        let (day, _, rest) = take_number(rest.trim_start())?;
        let rest = rest.trim_start_matches(|c: char| c.is_ascii_alphabetic()); // 19th
        let rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
        let rest = rest.strip_prefix('-').unwrap_or(rest);
        let (y, yd, rest) = take_number(rest)?;
        if yd != 4 && yd != 2 {
            return None;
        }
        let raw = RawDate {
            year: two_digit_year(y, yd),
            a: month,
            b: day,
            minute_of_day: parse_time(rest)?,
            shape: DateShape::Ymd,
        };
        return raw.resolve(DateOrder::Ymd).map(|_| raw);
    }
    let (n1, d1, rest) = take_number(s)?;
    let sep = rest.chars().next()?;
    if !matches!(sep, '-' | '/' | '.' | ' ') {
        return None;
    }
    let rest = &rest[sep.len_utf8()..];
    // 19 Aug 2024 / 19-Aug-2024
    if rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
        let end = rest.find([' ', '-', '/', ',']).unwrap_or(rest.len());
        let month = month_from_name(&rest[..end])?;
        let rest = rest[end..].trim_start_matches([' ', '-', '/', ',']);
        let (y, yd, rest) = take_number(rest)?;
        if d1 > 2 || (yd != 4 && yd != 2) {
            return None;
        }
        let raw = RawDate {
            year: two_digit_year(y, yd),
            a: month,
            b: n1,
            minute_of_day: parse_time(rest)?,
            shape: DateShape::Ymd,
        };
        return raw.resolve(DateOrder::Ymd).map(|_| raw);
    }
    if sep == ' ' {
        return None;
    }
    let (n2, d2, rest) = take_number(rest)?;
    let rest = rest.strip_prefix(sep)?;
    let (n3, d3, rest) = take_number(rest)?;
    let minute_of_day = parse_time(rest)?;
    let raw = if d1 == 4 {
        if d2 > 2 || d3 > 2 {
            return None;
        }
        RawDate {
            year: n1 as i32,
            a: n2,
            b: n3,
            minute_of_day,
            shape: DateShape::Ymd,
        }
    } else if d1 <= 2 && d2 <= 2 && (d3 == 4 || d3 == 2) {
        let shape = if sep == '.' {
            DateShape::NumericDots
        } else {
            DateShape::Numeric
        };
        RawDate {
            year: two_digit_year(n3, d3),
            a: n1,
            b: n2,
            minute_of_day,
            shape,
        }
    } else {
        return None;
    };
    let (mdy, dmy) = raw.readings();
    let ok = match raw.shape {
        DateShape::Ymd => raw.resolve(DateOrder::Ymd).is_some(),
        _ => mdy || dmy,
    };
    ok.then_some(raw)
}

/// Which character a column uses as its decimal mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecimalMark {
    /// `1,234.56` (and plain `1234.5`).
    Dot,
    /// `1.234,56` (much of Europe and Latin America).
    Comma,
}

impl DecimalMark {
    /// Decide from all of a column's cells: a value that only reads one way decides;
    /// otherwise the dot wins, since `1,234` is far more often a thousand than 1.234.
    pub fn decide<'a>(cells: impl IntoIterator<Item = &'a str>) -> DecimalMark {
        let (mut dot, mut comma) = (0usize, 0usize);
        for c in cells {
            match unambiguous_mark(c) {
                Some(DecimalMark::Dot) => dot += 1,
                Some(DecimalMark::Comma) => comma += 1,
                None => {}
            }
        }
        if comma > dot {
            DecimalMark::Comma
        } else {
            DecimalMark::Dot
        }
    }
}

/// The mark a single value proves, if any: `1.234,5` or `12,5` prove a comma, `1,234.5`
/// or `12.5` (not three digits after) prove a dot.
fn unambiguous_mark(s: &str) -> Option<DecimalMark> {
    let (last_dot, last_comma) = (s.rfind('.'), s.rfind(','));
    match (last_dot, last_comma) {
        (Some(d), Some(c)) => Some(if d > c {
            DecimalMark::Dot
        } else {
            DecimalMark::Comma
        }),
        (Some(d), None) => {
            let after = s[d + 1..].bytes().take_while(u8::is_ascii_digit).count();
            (s.matches('.').count() == 1 && after != 3).then_some(DecimalMark::Dot)
        }
        (None, Some(c)) => {
            let after = s[c + 1..].bytes().take_while(u8::is_ascii_digit).count();
            (s.matches(',').count() == 1 && after != 3).then_some(DecimalMark::Comma)
        }
        (None, None) => None,
    }
}

const CURRENCY_WORDS: [&str; 14] = [
    "USD", "EUR", "GBP", "CNY", "RMB", "JPY", "HKD", "TWD", "AUD", "CAD", "CHF", "SGD", "INR",
    "BRL",
];

/// Parse a money or plain number cell. Returns `None` for text that is not a number.
///
/// Handles currency symbols and codes (`$`, `¥`, `￥`, `€`, `£`, `元`, `USD 1,200`), thousands
/// separators (`,` `.` space, NBSP, `'`), the column's decimal mark, negatives as `-1` or
/// `(1)`, and the Chinese units `万` (10⁴) and `亿` (10⁸).
///
/// ```
/// use crm_kpi::engine::value::{parse_amount, DecimalMark};
/// assert_eq!(parse_amount("$1,234.56", DecimalMark::Dot), Some(1234.56));
/// assert_eq!(parse_amount("1.234,56 €", DecimalMark::Comma), Some(1234.56));
/// assert_eq!(parse_amount("¥1.2万", DecimalMark::Dot), Some(12000.0));
/// assert_eq!(parse_amount("soon", DecimalMark::Dot), None);
/// ```
pub fn parse_amount(text: &str, mark: DecimalMark) -> Option<f64> {
    let s = text.trim();
    if s.is_empty() {
        return None;
    }
    plain_number(s, mark).or_else(|| parse_amount_general(s, mark))
}

/// [`parse_amount`] of a trimmed, non-empty cell, without the fast path.
fn parse_amount_general(mut s: &str, mark: DecimalMark) -> Option<f64> {
    let mut negative = false;
    if let Some(inner) = s.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        negative = true;
        s = inner.trim();
    }
    let mut scale = 1.0;
    let mut buf = String::with_capacity(s.len());
    let mut seen_digit = false;
    let mut letters = String::new();
    for ch in s.chars() {
        match ch {
            '0'..='9' => {
                seen_digit = true;
                buf.push(ch)
            }
            '.' | ',' => buf.push(ch),
            '-' | '−' if !seen_digit && buf.is_empty() => negative = !negative,
            '+' if !seen_digit && buf.is_empty() => {}
            '$' | '¥' | '￥' | '€' | '£' | '₹' | '₩' | '元' | '\u{a0}' | '\u{202f}' | ' '
            | '\'' => {}
            '万' if seen_digit => scale = 1e4,
            '亿' if seen_digit => scale = 1e8,
            c if c.is_ascii_alphabetic() => letters.push(c.to_ascii_uppercase()),
            _ => return None,
        }
    }
    if !seen_digit {
        return None;
    }
    // Letters are fine only as one currency code (`USD`, `R$` leaves `R`, `US$` leaves `US`).
    if !letters.is_empty()
        && !CURRENCY_WORDS.contains(&letters.as_str())
        && !["R", "US", "HK", "NT", "RM", "S", "A", "C"].contains(&letters.as_str())
    {
        return None;
    }
    let (group, decimal) = match mark {
        DecimalMark::Dot => (',', '.'),
        DecimalMark::Comma => ('.', ','),
    };
    // With a single grouping-looking mark and no decimal mark: `1,234` under Dot is grouping.
    let mut cleaned = String::with_capacity(buf.len());
    let decimals = buf.matches(decimal).count();
    if decimals > 1 {
        // `1.234.567` under Dot: the dots can only be grouping.
        if buf.contains(group) {
            return None;
        }
        for ch in buf.chars().filter(|c| *c != decimal) {
            cleaned.push(ch);
        }
    } else {
        let last_decimal = buf.rfind(decimal);
        for (i, ch) in buf.char_indices() {
            if ch == group {
                if last_decimal.is_some_and(|d| i > d) {
                    return None;
                }
                continue;
            }
            cleaned.push(if ch == decimal { '.' } else { ch });
        }
    }
    let v = crm_kpi_decimal::parse(&cleaned).ok()?;
    let v = v * scale;
    v.is_finite().then_some(if negative { -v } else { v })
}

/// `1234`, `-8112.5`: digits with at most one decimal point (a dot, when the column's mark
/// is the dot) read directly, as the general path of [`parse_amount`] would read them.
pub(crate) fn plain_number(s: &str, mark: DecimalMark) -> Option<f64> {
    crm_kpi_scan::cells::plain_number(s, mark == DecimalMark::Dot)
}

/// Parse a percentage or probability: `45%`, `45`, `0.45` → fraction 0.45 is decided by the
/// caller from the column's range; this returns the number as written and whether `%` was there.
pub fn parse_percent(text: &str, mark: DecimalMark) -> Option<(f64, bool)> {
    let t = text.trim();
    let (body, pct) = match t.strip_suffix(['%', '％']) {
        Some(b) => (b, true),
        None => (t, false),
    };
    parse_amount(body, mark).map(|v| (v, pct))
}

/// A deal's outcome, normalised across vendors (kept with the scan crate's pass).
pub use crm_kpi_scan::pass::Outcome;

fn fold(text: &str) -> String {
    text.trim()
        .chars()
        .filter(|&c| crate::engine::case::is_word_char(c))
        .map(crate::engine::case::lower_char)
        .collect()
}

/// Normalise a status or stage value to an outcome, or `None` if it names no outcome
/// (an open pipeline stage, say, which the caller then reads as open).
///
/// ```
/// use crm_kpi::engine::value::{outcome_of, Outcome};
/// assert_eq!(outcome_of("Closed Won"), Some(Outcome::Won));
/// assert_eq!(outcome_of("closedlost"), Some(Outcome::Lost));
/// assert_eq!(outcome_of("赢单"), Some(Outcome::Won));
/// assert_eq!(outcome_of("无效"), Some(Outcome::Invalid));
/// assert_eq!(outcome_of("Qualified to Buy"), None);
/// ```
pub fn outcome_of(text: &str) -> Option<Outcome> {
    let f = fold(text);
    let won = [
        "closedwon",
        "won",
        "win",
        "wonstatuswon",
        "赢单",
        "成交",
        "已成交",
        "签约",
        "已签约",
        "closedbooked",
        "vyhráno",
        "ganha",
        "ganho",
        "gewonnen",
        "gagné",
        "ganado",
        "1won",
    ];
    let lost = [
        "closedlost",
        "lost",
        "loss",
        "输单",
        "丢单",
        "失败",
        "失单",
        "已输单",
        "closedlosttocompetition",
        "prohráno",
        "perdida",
        "perdido",
        "verloren",
        "perdu",
        "2lost",
    ];
    let invalid = [
        "无效",
        "作废",
        "已作废",
        "deleted",
        "invalid",
        "void",
        "disqualified",
        "junk",
        "3invalid",
    ];
    let open = [
        "open",
        "pending",
        "进行中",
        "跟进中",
        "inprogress",
        "active",
    ];
    if won.contains(&f.as_str()) {
        Some(Outcome::Won)
    } else if lost.contains(&f.as_str()) {
        Some(Outcome::Lost)
    } else if invalid.contains(&f.as_str()) {
        Some(Outcome::Invalid)
    } else if open.contains(&f.as_str()) {
        Some(Outcome::Open)
    } else if f.starts_with("closedwon") {
        Some(Outcome::Won)
    } else if f.starts_with("closedlost") {
        Some(Outcome::Lost)
    } else {
        None
    }
}

/// The text (in any case) contains one of `words`.
pub fn mentions(text: &str, words: &[&str]) -> bool {
    let t = crate::engine::case::lower(text);
    words.iter().any(|w| t.contains(w))
}

/// Parse a yes/no cell: `true`/`false`, `1`/`0`, `yes`/`no`, `是`/`否`, `Done`/`Not done`.
pub fn parse_bool(text: &str) -> Option<bool> {
    match fold(text).as_str() {
        "true" | "1" | "yes" | "y" | "是" | "done" | "x" | "checked" | "已完成" => Some(true),
        "false" | "0" | "no" | "n" | "否" | "notdone" | "unchecked" | "未完成" => Some(false),
        _ => None,
    }
}

/// A satisfaction answer on a 1–5 scale: words (很满意 … 很不满意, Very satisfied … Very
/// dissatisfied) or a number from 1 to 5.
pub fn parse_satisfaction(text: &str) -> Option<u8> {
    let f = fold(text);
    let word = match f.as_str() {
        "很满意" | "非常满意" | "verysatisfied" | "extremelysatisfied" | "excellent" => {
            Some(5)
        }
        "满意" | "比较满意" | "satisfied" | "good" => Some(4),
        "一般" | "基本满意" | "neutral" | "neither" | "average" | "ok" => Some(3),
        "不满意" | "不太满意" | "dissatisfied" | "unsatisfied" | "poor" => Some(2),
        "很不满意" | "非常不满意" | "verydissatisfied" | "veryunsatisfied" | "terrible" => {
            Some(1)
        }
        _ => None,
    };
    word.or_else(|| f.parse::<u8>().ok().filter(|n| (1..=5).contains(n)))
}

/// A Net Promoter Score answer: a whole number from 0 to 10.
pub fn parse_nps(text: &str) -> Option<u8> {
    text.trim().parse::<u8>().ok().filter(|n| *n <= 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_of_is_floor_division_over_every_minute() {
        // Both sides never decrease as `m` grows, so where they agree on the first and the
        // last minute of a day (a multiple of 1440 and the minute before the next one),
        // they agree on every minute of it; the range's ends cover the two partial days.
        let mut k = i32::MIN / 1440;
        let mut checked = 0;
        while let Some(at) = k.checked_mul(1440) {
            for m in [at.checked_sub(1), Some(at), at.checked_add(1)]
                .into_iter()
                .flatten()
            {
                assert_eq!(day_of(m), m.div_euclid(1440), "{m}");
                checked += 1;
            }
            k += 1;
        }
        // Every day that starts within the range was checked.
        let days = i32::MAX / 1440 - i32::MIN / 1440 + 1;
        assert_eq!(checked, 3 * days);
        for m in [i32::MIN, i32::MIN + 1, -1, 0, 1, i32::MAX - 1, i32::MAX] {
            assert_eq!(day_of(m), m.div_euclid(1440), "{m}");
        }
    }

    #[test]
    fn day_arithmetic_equals_the_calendar() {
        use chrono::{Datelike, NaiveDate};
        // Every day from 1600 to 2400, against chrono (`num_days_from_ce` of 1970-01-01 is
        // 719,163).
        let from = NaiveDate::from_ymd_opt(1600, 1, 1).unwrap();
        for i in 0..(800 * 366) {
            let date = from + chrono::Days::new(i);
            let day = date.num_days_from_ce() - 719_163;
            assert_eq!(
                day_number(date.year(), date.month(), date.day()),
                Some(day),
                "{date}"
            );
            assert_eq!(year_month(day), (date.year(), date.month()), "{date}");
            assert_eq!(date_of_day(day).to_string(), date.to_string());
            assert_eq!(parse_ymd(&date.to_string()), Some(day));
        }
        assert_eq!(day_number(2023, 2, 29), None);
        assert_eq!(
            day_number(2024, 2, 29),
            day_number(2024, 3, 1).map(|d| d - 1)
        );
        assert_eq!(day_number(2024, 13, 1), None);
        assert_eq!(day_number(1970, 1, 1), Some(0));
    }

    #[test]
    fn epoch_milliseconds_are_dates() {
        let d = parse_date("1704067200000").unwrap(); // 2024-01-01T00:00:00Z
        assert_eq!((d.year, d.a, d.b, d.minute_of_day), (2024, 1, 1, 0));
        let d = parse_date("1723977000000").unwrap(); // 2024-08-18T10:30:00Z
        assert_eq!((d.year, d.a, d.b, d.minute_of_day), (2024, 8, 18, 630));
        // Outside 2000–2100, or not 13 digits: not a date.
        assert!(parse_date("0000000000001").is_none());
        assert!(parse_date("170406720000").is_none());
    }

    #[test]
    fn satisfaction_words_and_scores() {
        let cases: &[(&str, Option<u8>)] = &[
            ("很满意", Some(5)),
            ("非常满意", Some(5)),
            ("满意", Some(4)),
            ("一般", Some(3)),
            ("不满意", Some(2)),
            ("很不满意", Some(1)),
            ("Very satisfied", Some(5)),
            ("very dissatisfied", Some(1)),
            ("Neutral", Some(3)),
            ("4", Some(4)),
            ("6", None),
            ("0", None),
            ("", None),
            ("maybe", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_satisfaction(text), *want, "{text}");
        }
        assert_eq!(
            ["0", "10", "7", "11", "-1", "x"].map(parse_nps),
            [Some(0), Some(10), Some(7), None, None, None]
        );
    }

    fn ymd(m: Minutes) -> String {
        date_of_day(day_of(m)).to_string()
    }

    #[test]
    fn dates_in_every_accepted_shape() {
        let cases: &[(&str, DateOrder, &str, u32)] = &[
            ("2024-08-19", DateOrder::Ymd, "2024-08-19", 0),
            ("2024-08-19 10:30", DateOrder::Ymd, "2024-08-19", 630),
            ("2024-08-19 10:30:59", DateOrder::Ymd, "2024-08-19", 630),
            (
                "2024-08-19T23:59:00.000Z",
                DateOrder::Ymd,
                "2024-08-19",
                1439,
            ),
            (
                "2024-08-19T10:30:00+08:00",
                DateOrder::Ymd,
                "2024-08-19",
                630,
            ),
            ("2024/8/9", DateOrder::Ymd, "2024-08-09", 0),
            ("2024.08.09", DateOrder::Ymd, "2024-08-09", 0),
            ("8/9/2024", DateOrder::Mdy, "2024-08-09", 0),
            ("8/9/2024", DateOrder::Dmy, "2024-09-08", 0),
            ("4/8/2025 17:19", DateOrder::Mdy, "2025-04-08", 17 * 60 + 19),
            (
                "4/8/2025 5:19 PM",
                DateOrder::Mdy,
                "2025-04-08",
                17 * 60 + 19,
            ),
            ("12/31/99", DateOrder::Mdy, "1999-12-31", 0),
            ("1/2/24", DateOrder::Mdy, "2024-01-02", 0),
            ("19.08.2024", DateOrder::Dmy, "2024-08-19", 0),
            ("2024年8月19日", DateOrder::Ymd, "2024-08-19", 0),
            ("2024年8月19日 08:05", DateOrder::Ymd, "2024-08-19", 485),
            ("Sep 12, 2026", DateOrder::Ymd, "2026-09-12", 0),
            ("September 12, 2026", DateOrder::Ymd, "2026-09-12", 0),
            ("12 Sep 2026", DateOrder::Ymd, "2026-09-12", 0),
            ("12-Sep-2026", DateOrder::Ymd, "2026-09-12", 0),
        ];
        for (text, order, want, minute) in cases {
            let raw = parse_date(text).unwrap_or_else(|| panic!("{text:?} did not parse"));
            let m = raw
                .resolve(*order)
                .unwrap_or_else(|| panic!("{text:?} did not resolve"));
            assert_eq!(
                (ymd(m).as_str(), m.rem_euclid(1440) as u32),
                (*want, *minute),
                "case {text:?}"
            );
        }
    }

    #[test]
    fn not_dates() {
        for text in [
            "",
            "soon",
            "2024-13-01",
            "2024-02-30",
            "31/31/2024",
            "12345",
            "1.5",
            "Q3 2024",
            "2024-08-19 25:00",
            "tomorrow 10:00",
        ] {
            assert_eq!(parse_date(text), None, "case {text:?}");
        }
    }

    #[test]
    fn column_order_is_decided_from_all_values() {
        let col =
            |vals: &[&str]| -> Vec<RawDate> { vals.iter().filter_map(|s| parse_date(s)).collect() };
        assert_eq!(
            DateOrder::decide(&col(&["2024-01-02"])),
            (DateOrder::Ymd, OrderEvidence::YearFirst)
        );
        assert_eq!(
            DateOrder::decide(&col(&["1/2/2024", "3/4/2024"])),
            (DateOrder::Mdy, OrderEvidence::Assumed)
        );
        assert_eq!(
            DateOrder::decide(&col(&["1.2.2024", "3.4.2024"])),
            (DateOrder::Dmy, OrderEvidence::Assumed)
        );
        assert_eq!(
            DateOrder::decide(&col(&["1/2/2024", "1/31/2024"])),
            (DateOrder::Mdy, OrderEvidence::Values)
        );
        assert_eq!(
            DateOrder::decide(&col(&["1/2/2024", "31/1/2024"])),
            (DateOrder::Dmy, OrderEvidence::Values)
        );
        assert_eq!(
            DateOrder::decide(&col(&["13/1/2024", "14/1/2024", "1/13/2024"])),
            (DateOrder::Dmy, OrderEvidence::Conflicting)
        );
    }

    #[test]
    fn amounts_in_common_notations() {
        let cases: &[(&str, DecimalMark, Option<f64>)] = &[
            ("1234", DecimalMark::Dot, Some(1234.0)),
            ("1,234.56", DecimalMark::Dot, Some(1234.56)),
            ("$1,234", DecimalMark::Dot, Some(1234.0)),
            ("¥1,234", DecimalMark::Dot, Some(1234.0)),
            ("￥1,234.5元", DecimalMark::Dot, Some(1234.5)),
            ("1.234,56", DecimalMark::Comma, Some(1234.56)),
            ("1 234,56", DecimalMark::Comma, Some(1234.56)),
            ("1\u{a0}234,56 €", DecimalMark::Comma, Some(1234.56)),
            ("1'234.50", DecimalMark::Dot, Some(1234.5)),
            ("USD 1,200", DecimalMark::Dot, Some(1200.0)),
            ("R$ 1.200,00", DecimalMark::Comma, Some(1200.0)),
            ("-250", DecimalMark::Dot, Some(-250.0)),
            ("(250.5)", DecimalMark::Dot, Some(-250.5)),
            ("3.5万", DecimalMark::Dot, Some(35000.0)),
            ("1.234.567", DecimalMark::Comma, Some(1234567.0)),
            ("1,234,567", DecimalMark::Dot, Some(1234567.0)),
            ("26397.90", DecimalMark::Dot, Some(26397.9)),
            ("", DecimalMark::Dot, None),
            ("n/a", DecimalMark::Dot, None),
            ("12 apples", DecimalMark::Dot, None),
            ("1.234,56", DecimalMark::Dot, None),
            ("--", DecimalMark::Dot, None),
        ];
        for (text, mark, want) in cases {
            assert_eq!(parse_amount(text, *mark), *want, "case {text:?} {mark:?}");
        }
    }

    #[test]
    fn decimal_mark_is_decided_per_column() {
        assert_eq!(
            DecimalMark::decide(["1.234,56", "12,5", "1.000"]),
            DecimalMark::Comma
        );
        assert_eq!(DecimalMark::decide(["1,234.56", "1,000"]), DecimalMark::Dot);
        assert_eq!(DecimalMark::decide(["1,000", "2,500"]), DecimalMark::Dot);
    }

    #[test]
    fn outcomes_across_vendors() {
        let cases: &[(&str, Option<Outcome>)] = &[
            ("closedwon", Some(Outcome::Won)),
            ("Closed Won", Some(Outcome::Won)),
            ("Won", Some(Outcome::Won)),
            ("won", Some(Outcome::Won)),
            ("赢单", Some(Outcome::Won)),
            ("已成交", Some(Outcome::Won)),
            ("Closed Lost", Some(Outcome::Lost)),
            ("Closed-Lost to Competition", Some(Outcome::Lost)),
            ("输单", Some(Outcome::Lost)),
            ("丢单", Some(Outcome::Lost)),
            ("Lost", Some(Outcome::Lost)),
            ("无效", Some(Outcome::Invalid)),
            ("作废", Some(Outcome::Invalid)),
            ("deleted", Some(Outcome::Invalid)),
            ("Open", Some(Outcome::Open)),
            ("contractsent", None),
            ("Engaging", None),
            ("需求分析", None),
        ];
        for (text, want) in cases {
            assert_eq!(outcome_of(text), *want, "case {text:?}");
        }
    }
}

/// The fast paths agree with the general readers wherever they answer.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod fast_paths {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn iso_dates_read_as_the_general_reader_reads_them(s in "[0-9]{4}[-/][0-9]{2}[-/][0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]{0,3})?)?Z?)?") {
            if let Some(fast) = iso_date(s.as_bytes()) {
                prop_assert_eq!(Some(fast), parse_date_general(&s));
            }
        }

        /// A column of ISO dates, read at once, gives each cell's minutes as the general
        /// reader gives them, or nothing when any filled cell is not one (a month 0 or 13,
        /// a 31 April, a 29 February of a common year). Most columns' years lie close
        /// together, as an export's do; some cells' years are anywhere.
        #[test]
        fn iso_date_columns_read_as_the_general_reader_reads_each_cell(
            base in 0..10_000i32,
            cells in proptest::collection::vec(
                proptest::option::weighted(0.9, (
                    prop_oneof![6 => 0..8i32, 1 => -9_999..9_999i32],
                    prop_oneof![20 => 1..=12u32, 1 => 0..=13u32],
                    prop_oneof![20 => 1..=28u32, 1 => 0..=32u32],
                    proptest::option::of((0..24u32, 0..60u32)),
                )),
                0..60,
            ),
        ) {
            let text: Vec<String> = cells
                .iter()
                .map(|c| match c {
                    None => String::new(),
                    Some((dy, m, d, t)) => {
                        let y = (base + dy).rem_euclid(10_000);
                        let mut s = format!("{y:04}-{m:02}-{d:02}");
                        if let Some((h, mi)) = t {
                            s += &format!(" {h:02}:{mi:02}");
                        }
                        s
                    }
                })
                .collect();
            let mut col = crm_kpi_scan::TextColumn::default();
            for c in &text {
                col.push(c);
            }
            col.finish();
            let want: Option<Vec<Option<Minutes>>> = text
                .iter()
                .map(|c| {
                    if c.is_empty() {
                        return Some(None);
                    }
                    parse_date_general(c)?.resolve(DateOrder::Ymd).map(Some)
                })
                .collect();
            let read = crm_kpi_scan::cells::iso_minutes_column(&col)
                .map(|c| c.iter().map(|m| m.get()).collect::<Vec<_>>());
            prop_assert_eq!(read, want);
        }

        #[test]
        fn plain_numbers_read_as_the_general_reader_reads_them(s in "-?[0-9]{0,18}(\\.[0-9]{0,24})?", comma: bool) {
            let mark = if comma { DecimalMark::Comma } else { DecimalMark::Dot };
            if let Some(fast) = plain_number(&s, mark) {
                prop_assert_eq!(Some(fast.to_bits()), parse_amount_general(&s, mark).map(f64::to_bits), "{}", s);
            }
        }
    }

    /// Day number 0 (1970-01-01) in chrono's count of days from the common era.
    const EPOCH_CE: i32 = 719_163;

    proptest! {
        /// Over every year the engine reads (negative ones included, where 32-bit steps and
        /// rounding towards zero would go wrong), against chrono: which dates exist, their day
        /// numbers, and the dates of those numbers.
        #[test]
        fn day_numbers_and_dates_are_chronos_over_every_year(
            y in -262_000..=262_000i32,
            m in 0..14u32,
            d in 0..33u32,
        ) {
            let want = chrono::NaiveDate::from_ymd_opt(y, m, d)
                .map(|date| chrono::Datelike::num_days_from_ce(&date) - EPOCH_CE);
            prop_assert_eq!(day_number(y, m, d), want);
            if let Some(day) = want {
                prop_assert_eq!(civil(day), (y, m, d));
            }
        }
    }

    #[test]
    fn dates_of_day_numbers_at_the_ends_of_i32() {
        use chrono::Datelike;
        // Far outside chrono's years: the Gregorian calendar repeats every 400 years
        // (146,097 days), so such a day has the date of its place in the cycle from 1970,
        // 400 years a cycle on.
        let cycle = 146_097;
        for day in [
            i32::MIN,
            i32::MIN + 1,
            i32::MAX,
            i32::MAX - 1,
            -cycle,
            cycle - 1,
        ] {
            let cycles = day.div_euclid(cycle);
            let date =
                chrono::NaiveDate::from_num_days_from_ce_opt(day.rem_euclid(cycle) + EPOCH_CE)
                    .unwrap();
            let want = (date.year() + 400 * cycles, date.month(), date.day());
            assert_eq!(civil(day), want, "day {day}");
        }
    }

    #[test]
    fn the_fast_paths_take_the_common_shapes() {
        assert!(iso_date(b"2024-03-09 14:05").is_some());
        assert!(iso_date(b"2024-03-09T14:05:59.123Z").is_some());
        assert!(iso_date(b"2024/03/09").is_some());
        assert!(iso_date(b"2024-02-30").is_none());
        assert!(iso_date(b"2024-3-9").is_none());
        assert_eq!(iso_minutes(b"1970-01-02 01:30"), Some(1440 + 90));
        assert_eq!(iso_minutes(b"2024-02-30"), None);
        assert_eq!(plain_number("-8112.50", DecimalMark::Dot), Some(-8112.5));
        assert_eq!(plain_number("8112.50", DecimalMark::Comma), None);
        assert_eq!(plain_number("12500", DecimalMark::Comma), Some(12500.0));
    }
}
