//! Medians and other order statistics by selection, not sorting: a report takes the median
//! sales cycle of every won deal and the quartiles of every amount, a million values each
//! on a large export, and again per owner and per lead source.

/// The median of a list of day counts: mean of the middle two when the count is even.
/// Selected as figures, through [`median_f64`]: one selection built into the module, not one
/// per element type (each is 2–3 KB of code; day counts are exact as `f64`).
#[inline(never)]
pub fn median(values: &[i32]) -> Option<f64> {
    let mut figures: Vec<f64> = values.iter().map(|&d| f64::from(d)).collect();
    median_f64(&mut figures)
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
