//! A typed column's cell: a value, or none for an empty or unreadable cell, in the bytes of
//! the value alone. An `Option<i32>` takes eight bytes and an `Option<f64>` sixteen; a value
//! no cell can have stands for none instead, so a million rows of a date column take 4 MB,
//! not 8, and of an amount column 8 MB, not 16: less memory held, written while typing and
//! read by every walk over the rows.

/// A minute (since 1970-01-01 00:00, as [`crate::cells::minutes_at`] counts), or none:
/// `i32::MIN`, some 2,100 years before year 1, the earliest a cell is read as.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(transparent)]
pub struct MaybeMinute(i32);

impl MaybeMinute {
    pub const NONE: MaybeMinute = MaybeMinute(i32::MIN);

    /// The minute, if there is one.
    #[inline(always)]
    pub fn get(self) -> Option<i32> {
        (self.0 != i32::MIN).then_some(self.0)
    }

    #[inline(always)]
    pub fn is_some(self) -> bool {
        self.0 != i32::MIN
    }

    /// The minute, or `i32::MIN` for none: for loops that take the least and greatest.
    #[inline(always)]
    pub fn raw(self) -> i32 {
        self.0
    }
}

/// The minutes of the rows of `col` that have one, in order: one iterator for every such
/// loop, so that the page's module holds its code once.
pub fn minutes(col: &[MaybeMinute]) -> impl Iterator<Item = i32> + '_ {
    col.iter().filter_map(|m| m.get())
}

/// The numbers of the rows of `col` that have one, in order (see [`minutes`]).
pub fn numbers(col: &[MaybeNumber]) -> impl Iterator<Item = f64> + '_ {
    col.iter().filter_map(|v| v.get())
}

impl From<Option<i32>> for MaybeMinute {
    #[inline(always)]
    fn from(m: Option<i32>) -> Self {
        MaybeMinute(m.unwrap_or(i32::MIN))
    }
}

impl PartialEq<Option<i32>> for MaybeMinute {
    /// Compared as the option it stands for.
    fn eq(&self, other: &Option<i32>) -> bool {
        self.get() == *other
    }
}

/// A number (an amount, a cost, a probability), or none: NaN, which no cell is read as (the
/// readers give finite numbers only, and any NaN given here is none).
#[derive(Clone, Copy, Debug)]
#[repr(transparent)]
pub struct MaybeNumber(f64);

impl MaybeNumber {
    pub const NONE: MaybeNumber = MaybeNumber(f64::NAN);

    /// The number, if there is one.
    #[inline(always)]
    pub fn get(self) -> Option<f64> {
        (!self.0.is_nan()).then_some(self.0)
    }

    #[inline(always)]
    pub fn is_some(self) -> bool {
        !self.0.is_nan()
    }

    /// The number times `k`, none for none (NaN times any number is NaN).
    #[inline(always)]
    pub fn times(self, k: f64) -> MaybeNumber {
        MaybeNumber(self.0 * k)
    }
}

impl From<Option<f64>> for MaybeNumber {
    #[inline(always)]
    fn from(v: Option<f64>) -> Self {
        MaybeNumber(v.unwrap_or(f64::NAN))
    }
}

impl PartialEq for MaybeNumber {
    /// Two nones are equal, as two `None`s are.
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl PartialEq<Option<f64>> for MaybeNumber {
    /// Compared as the option it stands for.
    fn eq(&self, other: &Option<f64>) -> bool {
        self.get() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What goes in comes out, a none as none, in the bytes of the value alone.
    #[test]
    fn values_and_nones_come_back() {
        assert_eq!(std::mem::size_of::<MaybeMinute>(), 4);
        assert_eq!(std::mem::size_of::<MaybeNumber>(), 8);
        for m in [None, Some(0), Some(-1), Some(i32::MAX), Some(i32::MIN + 1)] {
            assert_eq!(MaybeMinute::from(m).get(), m);
            assert_eq!(MaybeMinute::from(m).is_some(), m.is_some());
        }
        for v in [
            None,
            Some(0.0),
            Some(-0.5),
            Some(1e300),
            Some(f64::INFINITY),
        ] {
            assert_eq!(MaybeNumber::from(v).get(), v);
            assert_eq!(MaybeNumber::from(v).is_some(), v.is_some());
        }
        assert_eq!(MaybeNumber::from(Some(f64::NAN)).get(), None);
        assert_eq!(MaybeNumber::NONE, MaybeNumber::from(None));
        assert_ne!(MaybeNumber::from(Some(1.0)), MaybeNumber::NONE);
    }
}
