//! Medians and other order statistics by selection or counting, not sorting: a report takes
//! the median sales cycle of every won deal and the quartiles of every amount, a million
//! values each on a large export, and again per owner and per lead source.

/// The median of a list of day counts: mean of the middle two when the count is even.
/// Day counts of one report fall within a few thousand days of each other, where a million
/// of them are counted in a table of their span in one pass; a list spread wider than four
/// times its length (a few values, or dates far apart) is selected as figures, through
/// [`median_f64`] (day counts are exact as `f64`).
#[inline(never)]
pub fn median(values: &[i32]) -> Option<f64> {
    let (&first, _) = values.split_first()?;
    let n = values.len();
    let (lo, hi) = values
        .iter()
        .fold((first, first), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    let span = (i64::from(hi) - i64::from(lo)) as u64;
    if span >= 4 * n as u64 + 256 {
        let mut figures: Vec<f64> = values.iter().map(|&d| f64::from(d)).collect();
        return median_f64(&mut figures);
    }
    // How many values are at each day of the span, then the days of the middle two (one day
    // when the count is odd): the values at 0-based places (n − 1) / 2 and n / 2 in order.
    let mut counts = vec![0u32; span as usize + 1];
    for &v in values {
        // Below the span's length: `lo` is the least value and `hi` the greatest.
        if let Some(c) = counts.get_mut(v.wrapping_sub(lo) as u32 as usize) {
            *c += 1;
        }
    }
    let (want_low, want_high) = ((n - 1) / 2, n / 2);
    let (mut seen, mut low) = (0usize, None);
    for (day, &c) in counts.iter().enumerate() {
        seen += c as usize;
        if low.is_none() && seen > want_low {
            low = Some(day);
        }
        if seen > want_high {
            let at = |d: usize| f64::from(lo) + d as f64;
            return Some((at(low.unwrap_or(day)) + at(day)) / 2.0);
        }
    }
    None
}

/// The median of figures, the mean of the middle two when the count is even. The values
/// are moved around (selected, not sorted).
#[inline(never)]
pub fn median_f64(values: &mut [f64]) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let hi = nth_smallest(values, n / 2);
    Some(if n % 2 == 1 {
        hi
    } else {
        (values[..n / 2]
            .iter()
            .copied()
            .max_by(f64::total_cmp)
            .unwrap_or(hi)
            + hi)
            / 2.0
    })
}

/// The value that would be at index `k` (0-based) were `values` sorted in total order; the
/// values are moved around, in linear time.
#[inline(never)]
pub fn nth_smallest(values: &mut [f64], k: usize) -> f64 {
    *values.select_nth_unstable_by(k, f64::total_cmp).1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The median of day counts, counted or selected, is that of the sorted list: odd and
    /// even counts, equal values, negative days, and values spread up to the whole range of
    /// `i32` (selected: their span is far wider than their count).
    #[test]
    fn day_count_medians_are_the_sorted_lists() {
        let sorted = |v: &[i32]| {
            let mut s = v.to_vec();
            s.sort_unstable();
            let n = s.len();
            (n > 0).then(|| (f64::from(s[(n - 1) / 2]) + f64::from(s[n / 2])) / 2.0)
        };
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut lists: Vec<Vec<i32>> = vec![
            vec![],
            vec![7],
            vec![3, 1],
            vec![5, 5, 5, 5],
            vec![-3, -9, 4],
            vec![i32::MIN, i32::MAX],
            vec![i32::MIN, 0, i32::MAX, 1],
        ];
        for len in [1, 2, 3, 10, 99, 100, 1000, 5001] {
            for spread in [1u64, 30, 2000, 1 << 20, 1 << 32] {
                lists.push(
                    (0..len)
                        .map(|_| (next() % spread) as i64 - (spread / 3) as i64)
                        .map(|v| v.clamp(i32::MIN.into(), i32::MAX.into()) as i32)
                        .collect(),
                );
            }
        }
        for v in &lists {
            assert_eq!(median(v), sorted(v), "{} values", v.len());
        }
    }
}
