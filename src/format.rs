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

/// A chart's value axis over round numbers: from `lo` to `hi` in steps of 1, 2 or 5 times a
/// power of ten, two to six ticks that take in every value. Labels then read 200k, 400k,
/// 600k rather than the 286k, 468k, 650k that dividing the values' own range gives.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub step: f64,
    unit: Unit,
}

impl Axis {
    /// An axis for values from `min` to `max` in `unit`. Values that are all alike still get
    /// an axis around them, and one of values none below zero starts no lower than zero.
    pub fn new(min: f64, max: f64, unit: Unit) -> Axis {
        // The finest step a unit's labels show: a tenth of a point, a whole deal, a cent.
        let finest = match unit {
            Unit::Ratio => 0.001,
            Unit::Count => 1.0,
            Unit::Money | Unit::MoneyPerDay | Unit::Number => 0.01,
            Unit::Days | Unit::Months => 0.1,
        };
        let (mut lo, mut hi) = if min <= max { (min, max) } else { (max, min) };
        if !(lo.is_finite() && hi.is_finite()) {
            (lo, hi) = (0.0, 1.0);
        }
        if hi - lo < finest {
            let pad = (hi.abs().max(lo.abs()) * 0.05).max(finest);
            hi += pad;
            lo = if lo >= 0.0 {
                (lo - pad).max(0.0)
            } else {
                lo - pad
            };
        }
        // (Each divided first: the difference of two huge values would overflow.)
        let step = round_step(hi / 3.0 - lo / 3.0).max(finest);
        // A hair of slack, so that a value on a tick does not add a step for rounding.
        let (first, last) = ((lo / step + 1e-9).floor(), (hi / step - 1e-9).ceil());
        Axis {
            lo: first * step,
            hi: last.max(first + 1.0) * step,
            step,
            unit,
        }
    }

    /// The tick values, lowest first.
    pub fn ticks(&self) -> impl Iterator<Item = f64> + '_ {
        // Five steps at most, also where values near the ends of the floating-point range give
        // an axis whose span is no number.
        let n = ((self.hi / self.step - self.lo / self.step).round() as usize).min(5);
        (0..=n).map(move |i| self.lo + self.step * i as f64)
    }

    /// A tick's label, with as many decimals as the step needs and no more: `35 %`, `1.2M`,
    /// `400k`, `7.5`; in Chinese, money counts in 万 and 亿 (`40万`, `1.2亿`), as people there
    /// read large sums.
    pub fn label(&self, v: f64, lang: Lang) -> String {
        match self.unit {
            Unit::Ratio => format!("{} %", number(v * 100.0, places(self.step * 100.0))),
            Unit::Money | Unit::MoneyPerDay => {
                let scales: [(f64, &str); 2] = match lang {
                    Lang::En => [(1e6, "M"), (1e3, "k")],
                    Lang::Zh => [(1e8, "亿"), (1e4, "万")],
                };
                // The largest of these units in which the step takes at most two decimals.
                let (scale, suffix) = scales
                    .into_iter()
                    .find(|(s, _)| v.abs() >= s - 0.5 && self.step >= s / 100.0)
                    .unwrap_or((1.0, ""));
                format!("{}{suffix}", number(v / scale, places(self.step / scale)))
            }
            _ => number(v, places(self.step)),
        }
    }
}

/// The round step at or above `raw`: 1, 2 or 5 times a power of ten.
fn round_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let mut power = 1.0;
    while power * 10.0 <= raw {
        power *= 10.0;
    }
    while power > raw {
        power /= 10.0;
    }
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * power)
}

/// Decimal places that show a step of `step` (1, 2 or 5 times a power of ten): none for 5,
/// one for 0.2, two for 0.05.
fn places(step: f64) -> usize {
    let (mut d, mut s) = (0, step.abs());
    while s < 0.999 && d < 6 && s > 0.0 {
        s *= 10.0;
        d += 1;
    }
    d
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

    #[test]
    fn chart_axes_tick_at_round_values() {
        use Lang::{En, Zh};
        let cases: &[(f64, f64, Unit, Lang, &[&str])] = &[
            // The sample's trends, which ticked at 30 %, 37 %, 45 %, 52 % and 286k, 468k …
            (
                0.317,
                0.506,
                Unit::Ratio,
                En,
                &["30 %", "40 %", "50 %", "60 %"],
            ),
            (
                304e3,
                812e3,
                Unit::Money,
                En,
                &["200k", "400k", "600k", "800k", "1.0M"],
            ),
            (
                -0.24,
                0.55,
                Unit::Ratio,
                En,
                &["-50 %", "0 %", "50 %", "100 %"],
            ),
            // The stage funnel's counts, which ticked at 0, 17, 34, 51.
            (0.0, 44.0, Unit::Count, En, &["0", "20", "40", "60"]),
            (0.0, 3.0, Unit::Count, En, &["0", "1", "2", "3"]),
            // A step under the unit a label shows gets the decimals it needs.
            (
                0.501,
                0.509,
                Unit::Ratio,
                En,
                &["50.0 %", "50.5 %", "51.0 %"],
            ),
            (
                1.02e6,
                1.13e6,
                Unit::Money,
                En,
                &["1.00M", "1.05M", "1.10M", "1.15M"],
            ),
            (
                8_200.0,
                41e3,
                Unit::MoneyPerDay,
                En,
                &["0", "20k", "40k", "60k"],
            ),
            (29.0, 54.0, Unit::Days, En, &["20", "30", "40", "50", "60"]),
            // In Chinese, money counts in 万 and 亿.
            (
                304e3,
                812e3,
                Unit::Money,
                Zh,
                &["20万", "40万", "60万", "80万", "100万"],
            ),
            (0.0, 2.3e8, Unit::Money, Zh, &["0", "1亿", "2亿", "3亿"]),
            (
                0.0,
                4_400.0,
                Unit::Money,
                Zh,
                &["0", "2,000", "4,000", "6,000"],
            ),
            // Values all alike still span an axis, no lower than zero when none is below it.
            (0.0, 0.0, Unit::Count, En, &["0", "1"]),
            (
                0.5,
                0.5,
                Unit::Ratio,
                En,
                &["46 %", "48 %", "50 %", "52 %", "54 %"],
            ),
            (0.0, 0.0, Unit::Ratio, En, &["0.0 %", "0.1 %"]),
        ];
        for (min, max, unit, lang, want) in cases {
            let axis = Axis::new(*min, *max, *unit);
            let labels: Vec<String> = axis.ticks().map(|v| axis.label(v, *lang)).collect();
            assert_eq!(labels, *want, "{min}..{max} {unit:?} {lang:?}");
        }
        // Values at the ends of the floating-point range give a few ticks, not endless ones.
        for (lo, hi) in [(-1e308, 1e308), (f64::MIN, f64::MAX), (1e307, f64::MAX)] {
            let n = Axis::new(lo, hi, Unit::Money).ticks().count();
            assert!(n <= 6, "{lo} {hi}: {n}");
        }
    }

    proptest::proptest! {
        /// Every value lies on the axis, ticks are round and three to six, whatever the values.
        #[test]
        fn an_axis_takes_in_its_values_with_few_round_ticks(
            a in -1e9f64..1e9,
            b in proptest::prop_oneof![-1e9f64..1e9, -10.0f64..10.0],
            near in proptest::bool::ANY,
            unit in proptest::sample::select(
                vec![Unit::Ratio, Unit::Money, Unit::Count, Unit::Days]
            ),
        ) {
            // Values far apart, or close together anywhere on the line.
            let b = if near { a + b } else { b };
            let axis = Axis::new(a, b, unit);
            let ticks: Vec<f64> = axis.ticks().collect();
            // Within a millionth of a step, far under a pixel: a value on a tick may be
            // a rounding error beside it.
            let slack = axis.step * 1e-6;
            proptest::prop_assert!(
                axis.lo <= a.min(b) + slack && a.max(b) - slack <= axis.hi,
                "{axis:?}"
            );
            proptest::prop_assert!((2..=6).contains(&ticks.len()), "{axis:?}");
            let mantissa = axis.step / 10f64.powi(axis.step.log10().floor() as i32);
            proptest::prop_assert!(
                [1.0, 2.0, 5.0, 10.0].iter().any(|m| (mantissa - m).abs() < 1e-6),
                "{axis:?}"
            );
            if a.min(b) >= 0.0 {
                proptest::prop_assert!(axis.lo >= 0.0);
            }
            for lang in [Lang::En, Lang::Zh] {
                let labels: Vec<String> = ticks.iter().map(|v| axis.label(*v, lang)).collect();
                let mut unique = labels.clone();
                unique.dedup();
                proptest::prop_assert_eq!(unique.len(), labels.len(), "{:?}", labels);
            }
        }
    }
}
