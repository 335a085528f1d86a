//! The whole range's pass over a deals table: every row adds to the accumulators of the
//! whole range, of its owner, its lead source and each other dimension's value, to deals per
//! stage, won revenue by month, renewals and open figures. The app's report and every
//! change of a column's meaning on the whole range walk it over a million rows, so it is
//! built for speed here; the app's general walk (any period, a review's months, a breakdown
//! walked again) stays with the app, built for size, and the two give the same figures to
//! the last bit. When the same walk makes dated periods' passes (a review's months), this
//! loop also sums the open deals older than all of them and lists the rows they need: the
//! general walk then places only those. Also the plain parts both walks fill or read:
//! accumulators, exact open sums, sums by month, a dimension's ids.

use crate::maybe::{MaybeMinute, MaybeNumber};
use serde::{Deserialize, Serialize};

/// A deal's outcome, normalised across vendors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Open,
    Won,
    Lost,
    /// Invalid, void or disqualified (`无效`, `作废`, Pipedrive `deleted`): neither won nor lost,
    /// and not pipeline either.
    Invalid,
}

/// Each row's id in a column of repeated values (an owner, a stage): in two bytes while
/// there are at most 65,536 names (owners, sources, stages, customers: nearly always), in
/// four beyond. Two bytes are 2 MB less a million rows for each such column, held from the
/// typing on.
#[derive(Clone, Debug, PartialEq)]
pub enum Ids {
    Narrow(Vec<u16>),
    Wide(Vec<u32>),
}

impl Default for Ids {
    fn default() -> Self {
        Ids::Narrow(Vec::new())
    }
}

impl Ids {
    /// Add the next row's id, widening the list at the first id over two bytes.
    pub fn push(&mut self, id: u32) {
        match self {
            Ids::Narrow(v) => match u16::try_from(id) {
                Ok(id) => v.push(id),
                Err(_) => {
                    let mut wide: Vec<u32> = Vec::with_capacity(v.capacity());
                    wide.extend(v.iter().map(|&x| u32::from(x)));
                    wide.push(id);
                    *self = Ids::Wide(wide);
                }
            },
            Ids::Wide(v) => v.push(id),
        }
    }

    /// Row `row`'s id.
    #[inline(always)]
    pub fn get(&self, row: usize) -> u32 {
        // A slice's index, not a `Vec`'s: that is a call in the size-first build.
        match self {
            Ids::Narrow(v) => u32::from(v.as_slice()[row]),
            Ids::Wide(v) => v.as_slice()[row],
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Ids::Narrow(v) => v.len(),
            Ids::Wide(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The rows' ids in order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.len()).map(|r| self.get(r))
    }
}

impl FromIterator<u32> for Ids {
    fn from_iter<I: IntoIterator<Item = u32>>(iter: I) -> Self {
        let iter = iter.into_iter();
        let mut ids = Ids::Narrow(Vec::with_capacity(iter.size_hint().0));
        for id in iter {
            ids.push(id);
        }
        ids
    }
}

/// Counts and sums for one slice of deals. Merging two gives the accumulator of the union.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Acc {
    pub created: u64,
    pub won: u64,
    pub lost: u64,
    pub invalid: u64,
    pub open: u64,
    pub won_amount: f64,
    pub won_with_amount: u64,
    pub open_amount: f64,
    /// Open deals with an amount: with none, `open_amount` is unknown, not zero.
    pub open_with_amount: u64,
    pub open_weighted: f64,
    pub open_with_probability: u64,
    pub won_revenue_with_cost: f64,
    pub won_cost: f64,
    pub won_with_cost: u64,
    pub closed_without_date: u64,
    pub cycles: Vec<i32>,
    /// Whether any deal of this slice touched the period at all.
    pub seen: bool,
}

impl Acc {
    pub fn merge(&mut self, o: &Acc) {
        self.created += o.created;
        self.won += o.won;
        self.lost += o.lost;
        self.invalid += o.invalid;
        self.open += o.open;
        self.won_amount += o.won_amount;
        self.won_with_amount += o.won_with_amount;
        self.open_amount += o.open_amount;
        self.open_with_amount += o.open_with_amount;
        self.open_weighted += o.open_weighted;
        self.open_with_probability += o.open_with_probability;
        self.won_revenue_with_cost += o.won_revenue_with_cost;
        self.won_cost += o.won_cost;
        self.won_with_cost += o.won_with_cost;
        self.closed_without_date += o.closed_without_date;
        self.cycles.extend_from_slice(&o.cycles);
        self.seen |= o.seen;
    }

    pub fn win_rate(&self) -> Option<f64> {
        ratio(self.won as f64, (self.won + self.lost) as f64)
    }
}

/// `a / b`, or `None` when `b` is zero (or either is not finite).
pub fn ratio(a: f64, b: f64) -> Option<f64> {
    let r = a / b;
    (b != 0.0 && r.is_finite()).then_some(r)
}

/// An amount summed so that the order of adding makes no difference to the last bit: each
/// value is scaled by a power of two (chosen by the app for the table) and rounded to whole
/// units, kept as a count of 2³² units and the rest, both whole numbers. Sums made ahead or
/// one by one, over every period at once or from running differences, agree exactly.
#[derive(Clone, Copy, Default, Debug, PartialEq)]
pub struct Exact {
    high: i64,
    low: i64,
}

const TWO_32: f64 = 4_294_967_296.0;

impl Exact {
    /// `x` in whole units of `1 / scale` (the nearest, ties to even), split at 2³².
    /// Below 2⁵¹ units (an amount of 2.2 trillion at a scale of 1,024, say), 1.5 × 2⁵² added
    /// rounds to a whole number in the float's own addition, whose bits then hold it: no
    /// float-to-integer conversion, which in wasm saturates and which Chromium checks by
    /// converting back (the costliest instruction of the walks that sum open amounts).
    #[inline(always)]
    pub fn of(x: f64, scale: f64) -> Exact {
        const ROUNDER: f64 = 1.5 * (1u64 << 52) as f64;
        const SMALL: f64 = (1u64 << 51) as f64;
        let v = x * scale;
        let units = if v.abs() < SMALL {
            // From 2⁵² to 2⁵³ a float's step is 1: the sum is `v` rounded, ties to even,
            // and its bits less those of 1.5 × 2⁵² are the whole number, of either sign.
            ((v + ROUNDER).to_bits() as i64).wrapping_sub(ROUNDER.to_bits() as i64)
        } else {
            // Larger, infinite or NaN (0, as before).
            v.round_ties_even() as i64
        };
        Exact {
            high: units >> 32,
            low: units & 0xffff_ffff,
        }
    }

    /// Add `o` (`sign` 1) or take it away (−1).
    #[inline(always)]
    pub fn add(&mut self, o: Exact, sign: i64) {
        self.high = self.high.wrapping_add(sign.wrapping_mul(o.high));
        self.low = self.low.wrapping_add(sign.wrapping_mul(o.low));
    }

    pub fn value(self, scale: f64) -> f64 {
        (self.high as f64 * TWO_32 + self.low as f64) / scale
    }
}

/// One accumulator's open figures in one period's pass (or one row's, or a difference
/// between months').
#[derive(Clone, Copy, Default, Debug, PartialEq)]
pub struct OpenSums {
    // Counts of rows in 32 bits (a file has fewer than 2³² rows), added with wrap-around as
    // differences between months are.
    pub open: u32,
    pub with_amount: u32,
    pub with_probability: u32,
    pub amount: Exact,
    pub weighted: Exact,
}

impl OpenSums {
    /// One open row's figures, of this amount and probability.
    #[inline(always)]
    pub fn of_row(amount: Option<f64>, probability: Option<f64>, scale: f64) -> OpenSums {
        let weighted = amount.zip(probability).map(|(a, p)| a * p);
        OpenSums {
            open: 1,
            with_amount: u32::from(amount.is_some()),
            with_probability: u32::from(weighted.is_some()),
            amount: Exact::of(amount.unwrap_or(0.0), scale),
            weighted: weighted.map_or(Exact::default(), |w| Exact::of(w, scale)),
        }
    }

    /// Add `o` (`sign` 1) or take it away (−1).
    #[inline(always)]
    pub fn add(&mut self, o: &OpenSums, sign: i64) {
        self.add_unweighted(o, sign);
        self.add_weighted(o, sign);
    }

    /// [`OpenSums::add`] of one row's figures: a row without a probability has no weighted
    /// amount to add (most exports have no probability column at all).
    #[inline(always)]
    pub fn add_row(&mut self, o: &OpenSums, sign: i64) {
        self.add_unweighted(o, sign);
        if o.with_probability != 0 {
            self.add_weighted(o, sign);
        }
    }

    #[inline(always)]
    fn add_unweighted(&mut self, o: &OpenSums, sign: i64) {
        let n = sign as u32;
        self.open = self.open.wrapping_add(n.wrapping_mul(o.open));
        self.with_amount = self.with_amount.wrapping_add(n.wrapping_mul(o.with_amount));
        self.amount.add(o.amount, sign);
    }

    #[inline(always)]
    fn add_weighted(&mut self, o: &OpenSums, sign: i64) {
        let n = sign as u32;
        self.with_probability = self
            .with_probability
            .wrapping_add(n.wrapping_mul(o.with_probability));
        self.weighted.add(o.weighted, sign);
    }
}

/// The calendar month of a day number, as `year * 12 + month - 1`, remembered for the last
/// day seen in each of a few thousand slots: the rows' days fall within a few years.
pub struct MonthOf {
    slots: Vec<(i32, i32)>,
}

impl Default for MonthOf {
    fn default() -> Self {
        // No slot holds day `i32::MIN` (no date is that early): every slot starts empty.
        MonthOf {
            slots: vec![(i32::MIN, 0); Self::SLOTS],
        }
    }
}

impl MonthOf {
    const SLOTS: usize = 4096;

    #[inline(always)]
    pub fn get(&mut self, day: i32) -> i32 {
        let slot = &mut self.slots[day.rem_euclid(Self::SLOTS as i32) as usize];
        if slot.0 != day {
            *slot = (day, Self::month(day));
        }
        slot.1
    }

    /// The month of `day`, worked out. Kept out of line: inlined, a size-first build of a
    /// walk has been seen working it out for every row before looking at the slot.
    #[cold]
    #[inline(never)]
    fn month(day: i32) -> i32 {
        let (y, m, _) = crate::cells::civil(day);
        y * 12 + m as i32 - 1
    }
}

/// (year, month) of a [`MonthOf`] month number.
pub fn year_and_month(month: i32) -> (i32, u32) {
    (month.div_euclid(12), month.rem_euclid(12) as u32 + 1)
}

/// Sums by calendar month (as [`MonthOf`] numbers them), each adding its values in the
/// order given, as a map from month to sum would. Days are minutes' days, so the months
/// span at most about 8,000 years: 100,000 sums of 16 bytes.
#[derive(Default)]
pub struct MonthSums {
    /// The month of `sums[0]`.
    first: i32,
    /// Each month's sum, `None` for a month given no value.
    sums: Vec<Option<f64>>,
}

impl MonthSums {
    pub fn add(&mut self, month: i32, v: f64) {
        if self.sums.is_empty() {
            self.first = month;
        }
        let at = i64::from(month) - i64::from(self.first);
        if at < 0 {
            // At least as many months are made room for before the first as there are:
            // months given from the latest back are not moved along one month at a time.
            let more = (-at).max(self.sums.len() as i64) as usize;
            let mut sums = vec![None; more];
            sums.append(&mut self.sums);
            (self.sums, self.first) = (sums, self.first - more as i32);
        } else if at as usize >= self.sums.len() {
            self.sums.resize(at as usize + 1, None);
        }
        let sum = self.sums[(month - self.first) as usize].get_or_insert(0.0);
        *sum += v;
    }

    /// Each month given a value, as (year, month), with its sum, oldest first.
    pub fn each(&self) -> impl Iterator<Item = ((i32, u32), f64)> + '_ {
        let first = self.first;
        self.sums
            .iter()
            .enumerate()
            .filter_map(move |(k, sum)| sum.map(|s| (year_and_month(first + k as i32), s)))
    }
}

/// The columns the whole range's pass reads, each found once.
pub struct Columns<'a> {
    pub outcome: &'a [Outcome],
    pub created: Option<&'a [MaybeMinute]>,
    pub closed: Option<&'a [MaybeMinute]>,
    pub amount: Option<&'a [MaybeNumber]>,
    pub cost: Option<&'a [MaybeNumber]>,
    pub probability: Option<&'a [MaybeNumber]>,
    pub owner: Option<&'a Ids>,
    /// `None` also when the lead sources' accumulators are not to be filled.
    pub source: Option<&'a Ids>,
    pub stage: Option<&'a Ids>,
    pub deal_type: Option<&'a Ids>,
    /// The other dimensions, in the order of [`Whole::by_extra`].
    pub extras: Vec<&'a Ids>,
    /// Whether each deal type (by id) is a renewal.
    pub renewal: &'a [bool],
    /// The scale of the open sums ([`Exact`]).
    pub scale: f64,
}

/// The whole range's accumulators while its pass goes on, in the shapes of the app's pass.
/// Made and taken apart by the app (that code runs once a walk, and is built for size there).
pub struct Whole {
    pub all: Acc,
    pub by_owner: Vec<Acc>,
    pub by_source: Vec<Acc>,
    pub by_extra: Vec<Vec<Acc>>,
    /// Stage id → (deals, their amount).
    pub by_stage: Vec<(u64, f64)>,
    /// (renewals won, renewals closed).
    pub renewal: (u64, u64),
    pub won_by_month: MonthSums,
    /// The open figures of each owner, then each lead source, then each other dimension's
    /// value, after an entry for the whole range's that stays empty: those are the owners'
    /// total (the sums are exact).
    pub open: Vec<OpenSums>,
    /// When the walk makes passes over dated periods too: the first one's first minute and
    /// the last one's last.
    pub dated: Option<(i64, i64)>,
    /// The open figures, laid out as [`Whole::open`], of the open deals created before
    /// every dated period starts (or on no known day): open at the end of each of them.
    /// Empty without dated periods. While the rows are walked, those deals' figures are in
    /// these alone, not in [`Whole::open`]: the app adds them there at the end.
    pub open_before: Vec<OpenSums>,
    pub month_of: MonthOf,
    /// How many rows of each kind ([`KINDS`]) each accumulator has, laid out as
    /// [`Whole::open`]; added to the accumulators' counts by the app once every row is walked.
    pub kinds: Vec<u32>,
}

impl Whole {
    /// Walk the rows `from..to` of `c`. With dated periods, the rows they have to place
    /// one by one are added to `rest`: all but those closed before every dated period
    /// starts (and created before it), those created after the last ends (and not closed
    /// by then), and the open ones created before the first starts, whose figures
    /// [`Whole::open_before`] holds.
    #[inline(never)]
    pub fn walk(&mut self, c: &Columns, (from, to): (usize, usize), rest: &mut Vec<usize>) {
        let Whole {
            all,
            by_owner,
            by_source,
            by_extra,
            by_stage,
            renewal,
            won_by_month,
            open,
            dated,
            open_before,
            month_of,
            kinds,
        } = self;
        let owners = by_owner.len();
        // Where each other dimension's open sums start.
        let mut extra_at = Vec::with_capacity(by_extra.len());
        let mut at = 1 + owners + by_source.len();
        for accs in by_extra.iter() {
            extra_at.push(at);
            at += accs.len();
        }
        let extras: Vec<(&Ids, usize)> = c.extras.iter().copied().zip(extra_at).collect();
        let get = |col: Option<&[MaybeNumber]>, r: usize| col.and_then(|v| v[r].get());
        let outcome = &c.outcome[..to];
        for r in from..to {
            let o = outcome[r];
            let amount = get(c.amount, r);
            let created = c.created.and_then(|v| v[r].get());
            let closed_at = c.closed.and_then(|z| z[r].get());
            let mut early = false;
            if let Some((start, end)) = *dated {
                let before = |m: Option<i32>| m.is_none_or(|m| i64::from(m) < start);
                let after = |m: Option<i32>| m.is_some_and(|m| i64::from(m) > end);
                early = o == Outcome::Open && before(created);
                let placed = match o {
                    Outcome::Won | Outcome::Lost => !(before(closed_at) && before(created)),
                    Outcome::Open => !early,
                    Outcome::Invalid => true,
                };
                if placed && !(after(created) && (closed_at.is_none() || after(closed_at))) {
                    rest.push(r);
                }
            }
            let owner = c.owner.map_or(0, |i| i.get(r) as usize);
            let source = c.source.map(|i| i.get(r) as usize);
            if let Some(stage) = c.stage {
                let s = &mut by_stage[stage.get(r) as usize];
                s.0 += 1;
                s.1 += amount.unwrap_or(0.0);
            }
            if o == Outcome::Open {
                let sums = OpenSums::of_row(amount, get(c.probability, r), c.scale);
                let add = |open: &mut [OpenSums]| {
                    open[1 + owner].add_row(&sums, 1);
                    if let Some(s) = source {
                        open[1 + owners + s].add_row(&sums, 1);
                    }
                    for (dim, at) in &extras {
                        open[at + dim.get(r) as usize].add_row(&sums, 1);
                    }
                };
                // An early row's figures are summed apart, and added to the whole
                // range's once every row is walked ([`Whole::open_before`]).
                add(if early { open_before } else { open });
            }
            // What the row adds besides its kind: a won deal's amount and cost, and its
            // sales cycle.
            let (mut won, mut cost, mut cycle) = (None, None, None);
            let mut kind = o as usize;
            if matches!(o, Outcome::Won | Outcome::Lost) {
                let closed_day = closed_at.map(crate::cells::day_of);
                if closed_day.is_some() {
                    kind |= CLOSED_ON_A_DAY;
                }
                if o == Outcome::Won {
                    if let Some(a) = amount {
                        won = Some(a);
                        cost = get(c.cost, r);
                        kind |= WITH_AMOUNT;
                        if cost.is_some() {
                            kind |= WITH_COST;
                        }
                    }
                    if let Some(z) = closed_day {
                        if let Some(created) = created {
                            cycle = Some(z - crate::cells::day_of(created));
                        }
                        won_by_month.add(month_of.get(z), amount.unwrap_or(0.0));
                    }
                }
                if let Some(t) = c.deal_type {
                    if c.renewal[t.get(r) as usize] {
                        renewal.1 += 1;
                        renewal.0 += u64::from(o == Outcome::Won);
                    }
                }
            }
            // Each accumulator counts the row by its kind; a won deal's sums and cycle are
            // added in the order of the rows, as the general walk adds them. That walk adds
            // zeros for the other closed deals too, which leave every sum as it is: each
            // starts at +0, so none is ever -0.
            let mut add = |a: &mut Acc, k: usize| {
                kinds[k * KINDS + kind] += 1;
                if let Some(w) = won {
                    a.won_amount += w;
                    if let Some(c) = cost {
                        a.won_revenue_with_cost += w;
                        a.won_cost += c;
                    }
                }
                if let Some(c) = cycle {
                    a.cycles.push(c);
                }
            };
            add(&mut by_owner[owner], 1 + owner);
            if let Some(s) = source {
                add(&mut by_source[s], 1 + owners + s);
            }
            for (accs, (dim, at)) in by_extra.iter_mut().zip(&extras) {
                let id = dim.get(r) as usize;
                add(&mut accs[id], at + id);
            }
            add(all, 0);
        }
    }
}

/// The kinds of row [`Whole`] counts: its outcome (the low two bits, [`kind_outcome`]) and
/// the bits below.
pub const KINDS: usize = 32;
/// A kind's bit: won, with an amount.
pub const WITH_AMOUNT: usize = 1 << 2;
/// A kind's bit: won, with an amount and a cost.
pub const WITH_COST: usize = 1 << 3;
/// A kind's bit: closed on a known day.
pub const CLOSED_ON_A_DAY: usize = 1 << 4;

/// The outcome of a row of kind `kind` ([`KINDS`]).
#[inline]
pub fn kind_outcome(kind: usize) -> Outcome {
    match kind & 3 {
        0 => Outcome::Open,
        1 => Outcome::Won,
        2 => Outcome::Lost,
        _ => Outcome::Invalid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The units of `x` the plain way: rounded, ties to even, then converted.
    fn plain_units(x: f64, scale: f64) -> Exact {
        let units = (x * scale).round_ties_even() as i64;
        Exact {
            high: units >> 32,
            low: units & 0xffff_ffff,
        }
    }

    #[test]
    fn units_are_rounded_as_the_plain_conversion_rounds_them() {
        let scales = [1.0, 128.0, 1024.0, 1.0 / 64.0];
        // Where the addition stops and the conversion takes over: 2⁵¹ units, and 2⁵¹ units at
        // a scale of 1,024.
        let edge = 2f64.powi(51);
        let mut xs = vec![
            edge - 1.0,
            edge - 0.5,
            edge,
            -edge,
            edge / 1024.0 - 0.5,
            0.0,
            -0.0,
            0.5,
            1.5,
            2.5,
            -0.5,
            -1.5,
            -2.5,
            0.49999999999999994,
            1e-300,
            -1e-300,
            12345.675,
            -98765.125,
            3220.99,
            250_000.0,
            4.5e15,
            -4.5e15,
            9.3e18,
            -9.3e18,
            1e300,
            -1e300,
            f64::MAX,
            f64::MIN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        // Halves, quarters and cents either side of zero, and a spread of magnitudes.
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        for k in 0..20_000u64 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let whole = (seed % 1_000_000) as f64;
            let sign = if k % 2 == 0 { 1.0 } else { -1.0 };
            xs.push(sign * (whole + [0.5, 0.25, 0.01, 0.99, 0.125][(k % 5) as usize]));
            xs.push(
                sign * f64::from_bits(0x3FF0_0000_0000_0000 + (seed >> 12))
                    * 2f64.powi((k % 60) as i32),
            );
        }
        for scale in scales {
            for &x in &xs {
                assert_eq!(Exact::of(x, scale), plain_units(x, scale), "{x} at {scale}");
            }
        }
    }

    #[test]
    fn a_kind_gives_back_the_outcome_it_was_made_from() {
        for o in [Outcome::Open, Outcome::Won, Outcome::Lost, Outcome::Invalid] {
            for bits in [0, WITH_AMOUNT, WITH_AMOUNT | WITH_COST, CLOSED_ON_A_DAY] {
                let kind = o as usize | bits;
                assert!(kind < KINDS);
                assert_eq!(kind_outcome(kind), o, "{kind}");
            }
        }
    }
}
