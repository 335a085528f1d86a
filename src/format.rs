//! How values read for people, shared by the command line and the page.

use crate::engine::catalogue::Unit;
use crate::i18n::{t, Lang, T};

/// `1234567.891` → `1,234,567.89` (two decimals unless the number is whole).
pub fn number(v: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = s.split_once('.').map_or((s.as_str(), ""), |(a, b)| (a, b));
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if v < 0.0 && s.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
}

fn money(v: f64) -> String {
    number(v, money_places(&mut std::iter::once(v)))
}

/// Decimal places for money figures shown together, as in a table's column: none when each
/// is whole to the cent or one reaches 100,000 (cents are noise beside it), two otherwise.
/// One rule for the column, so its figures line up and read alike.
pub fn money_places(values: &mut dyn Iterator<Item = f64>) -> usize {
    let (mut cents, mut large) = (false, false);
    for v in values {
        cents |= (v - v.round()).abs() >= 0.005;
        large |= v.abs() >= 100_000.0;
    }
    if cents && !large {
        2
    } else {
        0
    }
}

/// A money figure of a column whose places [`money_places`] chose, or the "n/a" word.
pub fn money_in(v: Option<f64>, places: usize, lang: Lang) -> String {
    v.map_or_else(
        || t(lang, T::NotAvailable).to_string(),
        |v| number(v, places),
    )
}

/// A short money figure for chart axes: `1.2M`, `35k`, `950`.
pub fn compact(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        format!("{}M", number(v / 1e6, 1))
    } else if a >= 1e3 {
        format!("{}k", number(v / 1e3, if a >= 1e4 { 0 } else { 1 }))
    } else {
        number(v, 0)
    }
}

/// A KPI value in its unit, or the "n/a" word.
pub fn value(v: Option<f64>, unit: Unit, lang: Lang) -> String {
    let Some(v) = v else {
        return t(lang, T::NotAvailable).to_string();
    };
    match (unit, lang) {
        (Unit::Ratio, _) => format!("{} %", number(v * 100.0, 1)),
        (Unit::Money, _) => money(v),
        (Unit::Days, Lang::En) => {
            format!("{} days", number(v, if v.fract() == 0.0 { 0 } else { 1 }))
        }
        (Unit::Days, Lang::Zh) => format!("{} 天", number(v, if v.fract() == 0.0 { 0 } else { 1 })),
        (Unit::Months, Lang::En) => format!("{} months", number(v, 1)),
        (Unit::Months, Lang::Zh) => format!("{} 个月", number(v, 1)),
        (Unit::Count, _) => number(v, if v.fract() == 0.0 { 0 } else { 2 }),
        (Unit::MoneyPerDay, Lang::En) => format!("{} / day", money(v)),
        (Unit::MoneyPerDay, Lang::Zh) => format!("{} / 天", money(v)),
        (Unit::Number, _) => number(v, 2),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_well() {
        let cases: &[(Option<f64>, Unit, Lang, &str)] = &[
            (Some(0.8), Unit::Ratio, Lang::En, "80.0 %"),
            (Some(0.666_666), Unit::Ratio, Lang::Zh, "66.7 %"),
            (Some(3100.49), Unit::Money, Lang::En, "3,100.49"),
            (Some(1_234_567.4), Unit::Money, Lang::En, "1,234,567"),
            (Some(-2500.0), Unit::Money, Lang::En, "-2,500"),
            (Some(5.0), Unit::Days, Lang::En, "5 days"),
            (Some(5.5), Unit::Days, Lang::Zh, "5.5 天"),
            (Some(12.0), Unit::Count, Lang::En, "12"),
            (Some(1234.5), Unit::MoneyPerDay, Lang::En, "1,234.50 / day"),
            (None, Unit::Money, Lang::En, "n/a"),
            (None, Unit::Ratio, Lang::Zh, "无数据"),
        ];
        for (v, unit, lang, want) in cases {
            assert_eq!(value(*v, *unit, *lang), *want, "case {v:?} {unit:?}");
        }
    }

    #[test]
    fn a_column_of_money_has_one_number_of_decimals() {
        let cases: &[(&[f64], usize)] = &[
            (&[183_998.4, 98_710.94, 7.5], 0),
            (&[98_710.94, 2_500.0], 2),
            (&[2_500.0, 12.0, 0.0], 0),
            (&[99_999.996, 1.0], 0),
            (&[-100_000.0, 0.25], 0),
            (&[0.25], 2),
            (&[], 0),
        ];
        for (values, want) in cases {
            assert_eq!(
                money_places(&mut values.iter().copied()),
                *want,
                "{values:?}"
            );
        }
        let column: Vec<String> = [98_710.94, 2_500.0]
            .iter()
            .map(|v| number(*v, money_places(&mut [98_710.94, 2_500.0].into_iter())))
            .collect();
        assert_eq!(column, ["98,710.94", "2,500.00"]);
    }
}
