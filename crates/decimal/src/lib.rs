//! Decimal text to the nearest `f64`: the same texts and the same values as
//! `str::parse::<f64>`, in a fraction of its code.
//!
//! std's parser is fast on any input: it carries a table of 650 powers of five (10 KB) for
//! the Eisel–Lemire algorithm, and a decimal type of its own for the rest. In the page's
//! module that came to about 15 KB gzipped, for cells and inputs that nearly always hold a
//! few digits. Here a number of at most 19 significant digits whose power of ten is within
//! ±22 is one exact division or product, correctly rounded by the hardware (Clinger's fast
//! path), and any other is worked out the slow way: a first guess in floating point, then
//! moved one float at a time while the text lies beyond the midpoint to the next float,
//! each comparison made exactly in big integers.

use std::cmp::Ordering;

/// The text is not a number in the form `str::parse::<f64>` takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotANumber;

/// Significant digits read exactly. A float's midpoint to its neighbour has at most 767
/// significant digits, so the digits past these only tell, by being there, that the text
/// lies above the number its first ones make.
const KEPT_DIGITS: usize = 800;

/// `text` as the nearest `f64`, ties to even: what `text.parse::<f64>()` gives, for the
/// same texts (an optional sign, then digits with an optional point and exponent, or `inf`,
/// `infinity` or `nan` in any case). A number too large is infinite, one too small zero.
pub fn parse(text: &str) -> Result<f64, NotANumber> {
    let b = text.as_bytes();
    let (negative, b) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        _ => (false, b),
    };
    let v = magnitude(b).ok_or(NotANumber)?;
    Ok(if negative { -v } else { v })
}

/// The unsigned number `b` writes.
fn magnitude(b: &[u8]) -> Option<f64> {
    for (word, v) in [
        (&b"inf"[..], f64::INFINITY),
        (b"infinity", f64::INFINITY),
        (b"nan", f64::NAN),
    ] {
        if b.eq_ignore_ascii_case(word) {
            return Some(v);
        }
    }
    let run = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let whole = &b[..run(0)];
    let mut at = whole.len();
    let mut fraction: &[u8] = &[];
    if b.get(at) == Some(&b'.') {
        fraction = &b[at + 1..at + 1 + run(at + 1)];
        at += 1 + fraction.len();
    }
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    // The exponent, held at 2^40 either way: far past where any number is infinite or zero.
    let mut exponent: i64 = 0;
    if let Some(b'e' | b'E') = b.get(at) {
        at += 1;
        let sign = match b.get(at) {
            Some(b'-') => -1,
            Some(b'+') => 1,
            _ => 0,
        };
        at += usize::from(sign != 0);
        let n = run(at);
        if n == 0 {
            return None;
        }
        for c in &b[at..at + n] {
            exponent = (exponent * 10 + i64::from(c - b'0')).min(1 << 40);
        }
        at += n;
        if sign < 0 {
            exponent = -exponent;
        }
    }
    if at != b.len() {
        return None;
    }
    // The significant digits, without the zeros that lead or trail them: the number is
    // their integer times ten to the power `e`.
    let digits: Vec<u8> = whole.iter().chain(fraction).map(|c| c - b'0').collect();
    let Some(first) = digits.iter().position(|d| *d != 0) else {
        return Some(0.0);
    };
    let end = 1 + digits.iter().rposition(|d| *d != 0).unwrap_or(first);
    let significant = &digits[first..end];
    let n = significant.len();
    let e = exponent - fraction.len() as i64 + (digits.len() - end) as i64;
    // Ten to the power of the first digit's place, plus one.
    let top = e.saturating_add(n as i64);
    if top > 310 {
        return Some(f64::INFINITY);
    }
    if top < -323 {
        return Some(0.0);
    }
    // The first 19 digits, and the power of ten that goes with them.
    let head = n.min(19);
    let w = significant[..head]
        .iter()
        .fold(0u64, |w, d| w * 10 + u64::from(*d));
    let e_head = e + (n - head) as i64;
    if n == head && w <= 1 << 53 && (-22..=22).contains(&e) {
        return Some(scaled(w as f64, e));
    }
    // The digits as an exact integer, the 800th's place ending it.
    let mut d = Big(Vec::new());
    for digit in &significant[..n.min(KEPT_DIGITS)] {
        d.mul_add(10, u32::from(*digit));
    }
    let mut e_exact = e;
    if n > KEPT_DIGITS {
        // Those past it are not all zeros (the last digit is not): the text lies strictly
        // between the kept digits and the next number of as many.
        d.mul_add(10, 1);
        e_exact += (n - KEPT_DIGITS) as i64 - 1;
    }
    Some(nearest(&d, e_exact, scaled(w as f64, e_head).min(f64::MAX)))
}

/// `v` times ten to the power `e`, in steps of at most 10^22 (exact in an `f64`).
fn scaled(mut v: f64, mut e: i64) -> f64 {
    while e != 0 {
        let step = e.clamp(-22, 22);
        let p = (0..step.abs()).fold(1.0, |p, _| p * 10.0);
        v = if step > 0 { v * p } else { v / p };
        e -= step;
    }
    v
}

/// The float nearest `d` × 10^`e` (ties to even), from a guess `x` a few floats off.
fn nearest(d: &Big, e: i64, mut x: f64) -> f64 {
    // The low bit of a float's bits is its significand's.
    let odd = |x: f64| x.to_bits() & 1 == 1;
    let mut rose = false;
    while match against_midpoint(d, e, x) {
        Ordering::Greater => true,
        Ordering::Equal => odd(x),
        Ordering::Less => false,
    } {
        if x == f64::MAX {
            return f64::INFINITY;
        }
        x = f64::from_bits(x.to_bits() + 1);
        rose = true;
    }
    while !rose && x > 0.0 {
        let below = f64::from_bits(x.to_bits() - 1);
        let lower = match against_midpoint(d, e, below) {
            Ordering::Less => true,
            Ordering::Equal => !odd(below),
            Ordering::Greater => false,
        };
        if !lower {
            break;
        }
        x = below;
    }
    x
}

/// How `d` × 10^`e` compares with the midpoint between the finite float `x` ≥ 0 and the
/// next one up.
fn against_midpoint(d: &Big, e: i64, x: f64) -> Ordering {
    let bits = x.to_bits();
    let (exp, fraction) = ((bits >> 52) as i64, bits & ((1 << 52) - 1));
    let (m, k) = match exp {
        0 => (fraction, -1074),
        _ => (fraction | 1 << 52, exp - 1075),
    };
    // The midpoint is (2m + 1) × 2^(k − 1); ten's power is split into its fives and twos,
    // each put on the side where it multiplies.
    let mut text = Big(d.0.clone());
    let odd = 2 * m + 1;
    let mut mid = Big(vec![odd as u32]);
    if odd >> 32 > 0 {
        mid.0.push((odd >> 32) as u32);
    }
    let (mut twos_text, mut twos_mid) = (0, k - 1);
    if e >= 0 {
        text.mul_pow5(e);
        twos_text += e;
    } else {
        mid.mul_pow5(-e);
        twos_mid -= e;
    }
    let least = twos_text.min(twos_mid);
    text.shl(twos_text - least);
    mid.shl(twos_mid - least);
    text.cmp(&mid)
}

/// A non-negative integer in 32-bit words, the lowest first, with no zero word on top.
struct Big(Vec<u32>);

impl Big {
    /// Times `m`, plus `a`.
    fn mul_add(&mut self, m: u32, a: u32) {
        let mut carry = u64::from(a);
        for w in &mut self.0 {
            let t = u64::from(*w) * u64::from(m) + carry;
            *w = t as u32;
            carry = t >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }

    /// Times 5^`e`, 5^13 (the largest power of five under 2^32) at a time.
    fn mul_pow5(&mut self, mut e: i64) {
        while e > 0 {
            let step = e.min(13);
            self.mul_add(5u32.pow(step as u32), 0);
            e -= step;
        }
    }

    /// Times 2^`bits`.
    fn shl(&mut self, bits: i64) {
        if self.0.is_empty() {
            return;
        }
        self.mul_add(1 << (bits % 32), 0);
        let mut shifted = vec![0; (bits / 32) as usize];
        shifted.extend_from_slice(&self.0);
        self.0 = shifted;
    }

    fn cmp(&self, o: &Big) -> Ordering {
        let (a, b) = (&self.0, &o.0);
        a.len()
            .cmp(&b.len())
            .then_with(|| a.iter().rev().cmp(b.iter().rev()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How `parse` and std read `text` differently, if they do.
    pub(crate) fn against_std(text: &str) -> Option<String> {
        match (parse(text), text.parse::<f64>()) {
            (Ok(a), Ok(b)) if a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()) => None,
            (Err(_), Err(_)) => None,
            (a, b) => Some(format!("{text}: {a:?} against std's {b:?}")),
        }
    }

    fn same(text: &str) {
        if let Some(difference) = against_std(text) {
            panic!("{difference}");
        }
    }

    #[test]
    fn reads_the_texts_std_reads_and_no_others() {
        for text in [
            "",
            "+",
            "-",
            ".",
            "e5",
            ".e5",
            "1e",
            "1e+",
            "1e-",
            "1.e5",
            ".5",
            "5.",
            "-.5e-3",
            "+1",
            "--1",
            "+-1",
            "1_000",
            " 1",
            "1 ",
            "1,5",
            "0x10",
            "1e5.5",
            "1..2",
            "inf",
            "-inf",
            "+Infinity",
            "INF",
            "infinit",
            "infinityy",
            "nan",
            "-NaN",
            "NAN",
            "nana",
            "in",
            "1d",
            "1f",
            "١",
            "0",
            "-0",
            "00",
            "0.000",
            "-0e99999",
            "1E3",
            "1e+03",
        ] {
            same(text);
        }
        assert!(parse("-0").unwrap().is_sign_negative());
        assert_eq!(parse("abc"), Err(NotANumber));
    }

    #[test]
    fn rounds_the_hard_cases_as_std_does() {
        let max = "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792";
        for text in [
            "2.2250738585072011e-308",
            "2.2250738585072012e-308",
            "2.2250738585072014e-308",
            "4.9406564584124654e-324",
            "2.4703282292062327e-324",
            "2.4703282292062328e-324",
            "2.47032822920623272088e-324",
            "1.7976931348623157e308",
            "1.7976931348623158e308",
            "1.7976931348623159e308",
            max,
            &format!("{max}.0000000000000001"),
            &format!("{}1", &max[..max.len() - 1]),
            "9007199254740993",
            "9007199254740993.0000000000000000000000000001",
            "9007199254740992.9999999999999999999999999999",
            "9007199254740995",
            "0.1000000000000000055511151231257827021181583404541015625",
            "0.1000000000000000055511151231257827021181583404541015624",
            "0.1000000000000000055511151231257827021181583404541015626",
            "1e23",
            "8.988465674311580536566680e307",
            "123456789012345678901234567890",
            "0.000000000000000000000000000000000000000000001",
            "1e-400",
            "1e400",
            "1e-324",
            "5e-324",
            "3e-324",
            "1e-323",
            "7.2057594037927933e16",
            "1448997445238699",
            "3.08984926168550152811e-32",
            "4.35415772e-310",
        ] {
            same(text);
            same(&format!("-{text}"));
        }
        // More digits than are kept, with the text's tail deciding the rounding.
        let tie = format!("9007199254740993.{}", "0".repeat(900));
        same(&tie);
        same(&format!("{tie}1"));
        same(&format!("0.{}1", "0".repeat(1000)));
        same(&format!("1{}e-1000", "0".repeat(1000)));
        same(&format!("{}e-850", "9".repeat(1200)));
        // Subnormals whose significand passes 2^31: the midpoint's top word.
        for bits in [
            2_500_000_000u64,
            3_000_000_001,
            4_294_967_295,
            4_294_967_296,
        ] {
            let x = f64::from_bits(bits);
            same(&format!("{x:e}"));
            same(&format!("{x:.25e}"));
        }
        same(&format!("{}1e-900", tie.replace('.', "")));
    }

    /// The midpoints between neighbouring floats, and texts a hair either side of them.
    #[test]
    fn ties_go_to_the_even_float() {
        for x in [
            1.0f64,
            3.0,
            1e15,
            9007199254740992.0,
            0.1,
            0.3,
            1e-5,
            123.456,
            5e-320,
        ] {
            let (exp, fraction) = (x.to_bits() >> 52, x.to_bits() & ((1 << 52) - 1));
            let (m, k) = match exp {
                0 => (fraction, -1074),
                _ => (fraction | 1 << 52, exp as i64 - 1075),
            };
            // (2m + 1) × 2^(k − 1) in decimal, through 128-bit integers where it fits.
            let odd = u128::from(2 * m + 1);
            let text = if k >= 1 {
                (odd << (k - 1)).to_string()
            } else if 1 - k <= 31 {
                let places = (1 - k) as usize;
                let digits = format!(
                    "{:0>width$}",
                    odd * 5u128.pow(places as u32),
                    width = places + 1
                );
                format!(
                    "{}.{}",
                    &digits[..digits.len() - places],
                    &digits[digits.len() - places..]
                )
            } else {
                continue;
            };
            same(&text);
            same(&format!("{text}0000000000000000000000001"));
            same(&format!("{text}e0"));
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use proptest::prelude::*;

    fn agrees(text: &str) -> Result<(), TestCaseError> {
        match super::tests::against_std(text) {
            Some(difference) => Err(TestCaseError::fail(difference)),
            None => Ok(()),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        /// Any float, written shortest, in scientific form and to any number of places.
        #[test]
        fn every_float_written_any_way(bits in any::<u64>(), places in 0usize..40) {
            let x = f64::from_bits(bits);
            agrees(&x.to_string())?;
            agrees(&format!("{x:e}"))?;
            agrees(&format!("{x:.places$e}"))?;
            agrees(&format!("{:.places$}", x / 1e290))?;
        }

        /// Digits, a point and an exponent in any arrangement, valid or not.
        #[test]
        fn texts_of_numbers_characters(text in "[-+]?[0-9]{0,30}(\\.[0-9]{0,30})?([eE][-+]?[0-9]{0,4})?") {
            agrees(&text)?;
        }

        #[test]
        fn any_text(text in "[-+.eE0-9a-zA-Z ]{0,12}") {
            agrees(&text)?;
        }

        /// Long runs of digits, whose rounding a far digit can decide.
        #[test]
        fn long_digit_runs(head in "[1-9][0-9]{15,20}", zeros in 0usize..60, tail in "[0-9]{0,3}", e in -340i32..300) {
            agrees(&format!("{head}{}{tail}e{e}", "0".repeat(zeros)))?;
        }
    }
}
