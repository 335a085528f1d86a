//! KPI computation on a deals table for one period: one pass fills mergeable accumulators
//! (overall, per owner, per lead source), and every deal KPI of the catalogue is derived from
//! them. One walk over the rows can fill the passes of several periods at once (a review's),
//! and a pass holds figures only, so it serves both languages. Empty data and zero
//! denominators give `None` with a note, never NaN.
//!
//! Period semantics (the catalogue's "in period"): a deal counts as *created* in the period by
//! its creation date, as *won* or *lost* by its close date, and as *open* if it was open at the
//! period's end (created by then and not closed by then). For the whole range every deal
//! counts, whatever dates it lacks.

use crate::engine::catalogue::{self, KpiDef};
use crate::engine::dataset::{Deals, Interned};
use crate::engine::period::Period;
use crate::engine::report::{BreakdownRow, DealSummary, KpiResult, SeriesPoint};
use crate::engine::schema::Role;
use crate::engine::sorted_map::SortedMap;
use crate::engine::value::{
    date_of_day, day_of, mentions, year_month, MaybeMinute, MaybeNumber, Minutes, Outcome,
};
use crate::i18n::Lang;

use crm_kpi_scan::pass::{
    kind_outcome, Columns, MonthOf, MonthSums, OpenSums, Whole, CLOSED_ON_A_DAY, KINDS,
    WITH_AMOUNT, WITH_COST,
};
/// The accumulators and the plain parts of the passes, with the whole range's pass built for
/// speed ([`Whole`]).
pub use crm_kpi_scan::pass::{ratio, Acc};

/// One row's figures for one period but the open ones ([`OpenSums`]): what it adds to each
/// accumulator it belongs to. Plain numbers, so that a row costs no allocation.
#[derive(Clone, Copy, Default)]
struct RowFigures {
    created: u64,
    won: u64,
    lost: u64,
    invalid: u64,
    won_amount: f64,
    won_with_amount: u64,
    won_revenue_with_cost: f64,
    won_cost: f64,
    won_with_cost: u64,
    closed_without_date: u64,
}

/// Add one row's figures and its sales cycle, if it has one: what [`Acc::merge`] of the
/// row's own accumulator gives, once the open figures ([`OpenSums`]) are added. `CLOSED`:
/// the row is closed in the period; a row that is not has only its creation to add (an
/// open deal, or one created in a month and closed in another), and the figures of a
/// closing, zeros, are left as they are.
#[inline(always)]
fn add_figures<const CLOSED: bool>(a: &mut Acc, f: &RowFigures, cycle: Option<i32>) {
    a.created += f.created;
    a.invalid += f.invalid;
    if CLOSED {
        a.won += f.won;
        a.lost += f.lost;
        a.won_amount += f.won_amount;
        a.won_with_amount += f.won_with_amount;
        a.won_revenue_with_cost += f.won_revenue_with_cost;
        a.won_cost += f.won_cost;
        a.won_with_cost += f.won_with_cost;
        a.closed_without_date += f.closed_without_date;
        if let Some(c) = cycle {
            a.cycles.push(c);
        }
    }
    a.seen = true;
}

/// Medians and the k-th smallest value, by selection: built for speed with the field loop.
pub use crm_kpi_scan::select::{median, median_f64, nth_smallest};

/// Where one deal stands relative to the period.
struct Place {
    created_in: bool,
    closed_in: bool,
    open_at_end: bool,
}

/// Where a deal of outcome `o`, created and closed at `(created, closed)` (in minutes),
/// stands relative to the period whose [`Period::minute_bounds`] are `bounds` (`None`: the
/// whole range).
#[inline(always)]
fn place(
    o: Outcome,
    (created, closed): (Option<Minutes>, Option<Minutes>),
    bounds: Option<(i64, i64)>,
) -> Place {
    let is_closed = matches!(o, Outcome::Won | Outcome::Lost);
    let within = |m: Minutes, (a, b): (i64, i64)| a <= i64::from(m) && i64::from(m) <= b;
    match bounds {
        None => Place {
            created_in: true,
            closed_in: is_closed,
            open_at_end: o == Outcome::Open,
        },
        Some((a, b)) => Place {
            created_in: created.is_some_and(|c| within(c, (a, b))),
            closed_in: is_closed && closed.is_some_and(|c| within(c, (a, b))),
            open_at_end: created.is_none_or(|c| i64::from(c) <= b)
                && (o == Outcome::Open || (is_closed && closed.is_some_and(|c| i64::from(c) > b))),
        },
    }
}

/// The columns that place a row against a period, found once for a loop over the rows (each
/// is behind an `Arc` of its own).
struct Placing<'a> {
    outcome: &'a [Outcome],
    created: Option<&'a [MaybeMinute]>,
    closed: Option<&'a [MaybeMinute]>,
}

impl<'a> Placing<'a> {
    fn of(d: &'a Deals) -> Self {
        Placing {
            outcome: &d.outcome,
            created: d.created.as_deref().map(Vec::as_slice),
            closed: d.closed.as_deref().map(Vec::as_slice),
        }
    }

    /// Where row `r` stands relative to the period whose [`Period::minute_bounds`] are
    /// `bounds`.
    fn at(&self, r: usize, bounds: Option<(i64, i64)>) -> Place {
        let created = self.created.and_then(|c| c[r].get());
        let closed = self.closed.and_then(|c| c[r].get());
        place(self.outcome[r], (created, closed), bounds)
    }
}

/// The one pass: overall, per owner and per lead source accumulators, won revenue by month,
/// and deals per stage.
#[derive(Clone, Debug, PartialEq)]
pub struct Pass {
    pub all: Acc,
    pub by_owner: Vec<Acc>,
    pub by_source: Vec<Acc>,
    /// Accumulators of [`Deals::extra_dimensions`], in that order.
    pub by_extra: Vec<Vec<Acc>>,
    pub by_month: SortedMap<(i32, u32), f64>,
    /// Stage id → (deals created in the period, their amount).
    pub by_stage: Vec<(u64, f64)>,
    pub renewal: (u64, u64),
}

fn is_renewal(text: &str) -> bool {
    const WORDS: &[&str] = &[
        "renewal",
        "renew",
        "续约",
        "续费",
        "续签",
        "existing business",
    ];
    mentions(text, WORDS)
}

pub fn is_referral(text: &str) -> bool {
    const WORDS: &[&str] = &[
        "referral",
        "referred",
        "refer",
        "word of mouth",
        "转介绍",
        "推荐",
        "介绍",
    ];
    mentions(text, WORDS)
}

impl Pass {
    fn empty(d: &Deals) -> Pass {
        Pass {
            all: Acc::default(),
            by_owner: vec![Acc::default(); d.owner.as_ref().map_or(1, |i| i.names.len())],
            by_source: vec![Acc::default(); d.source.as_ref().map_or(1, |i| i.names.len())],
            by_extra: d
                .extra_dimensions()
                .iter()
                .map(|(_, i)| vec![Acc::default(); i.names.len()])
                .collect(),
            by_month: SortedMap::new(),
            by_stage: vec![(0, 0.0); d.stage.as_ref().map_or(0, |i| i.names.len())],
            renewal: (0, 0),
        }
    }

    /// Add a row's figures to the accumulators `parts` names: the whole period's and those of
    /// its owner, lead source and other dimensions' values (`row`). `CLOSED`: see
    /// [`add_figures`]; one test a row and period, not one an accumulator.
    #[inline(always)]
    fn add_row<const CLOSED: bool>(
        &mut self,
        parts: Parts,
        (owner, source, extras): (usize, usize, &[usize]),
        acc: &RowFigures,
        cycle: Option<i32>,
    ) {
        if parts.owner {
            add_figures::<CLOSED>(&mut self.by_owner.as_mut_slice()[owner], acc, cycle);
        }
        if parts.source {
            add_figures::<CLOSED>(&mut self.by_source.as_mut_slice()[source], acc, cycle);
        }
        if parts.extras {
            for (accs, id) in self.by_extra.iter_mut().zip(extras) {
                add_figures::<CLOSED>(&mut accs.as_mut_slice()[*id], acc, cycle);
            }
        }
        if parts.whole {
            add_figures::<CLOSED>(&mut self.all, acc, cycle);
        }
    }

    pub fn run(d: &Deals, period: Period) -> Pass {
        let (_, mut passes) = Walk::every(d, vec![period]).run(d);
        passes.pop().unwrap_or_else(|| Pass::empty(d))
    }

    /// The passes over several periods (a review's period, the one before, a year before
    /// and the trend's months) in one walk over the rows: each row is read once, and each
    /// period's accumulators take the rows in file order, as a pass of its own would. The
    /// app makes them through [`Walk`]; the tests compare them with passes made one by one.
    #[cfg(test)]
    pub fn run_many(d: &Deals, periods: &[Period]) -> Vec<Pass> {
        Walk::every(d, periods.to_vec()).run(d).1
    }

    /// The walk that fills again the breakdowns `parts` names in the passes over `periods`,
    /// after their columns changed and every other column the passes read stayed: the rest
    /// of each pass is kept as it is.
    pub fn redo(d: &Deals, periods: Vec<Period>, mut passes: Vec<Pass>, parts: Parts) -> Walk {
        for p in passes.iter_mut() {
            let empty = Pass::empty(d);
            if parts.owner {
                p.by_owner = empty.by_owner;
            }
            if parts.source {
                p.by_source = empty.by_source;
            }
            if parts.extras {
                p.by_extra = empty.by_extra;
            }
        }
        Walk::new(
            d,
            periods,
            passes,
            Parts {
                whole: false,
                ..parts
            },
        )
    }
}

/// A walk over the rows into the accumulators `parts` names of each period's pass. It can
/// stop after any row and go on from there: the worker walks the whole range a slice of
/// rows at a time while it waits for the next request ([`crate::engine::Ahead`]).
pub struct Walk {
    periods: Vec<Period>,
    passes: Vec<Pass>,
    parts: Parts,
    opens: OpenFigures,
    month_of: MonthOf,
    won_by_month: Vec<MonthSums>,
    /// The whole range's won revenue by month ([`won_revenue`]), summed on the way by a walk
    /// without the whole range when no walk has summed it yet (after a change of the stage
    /// column, say): a second pass over the rows saved.
    won_all: Option<MonthSums>,
    /// The whole range's pass, when the walk makes it whole, and its place among the
    /// periods: walked by a loop of its own, built for speed ([`Whole`]).
    whole: Option<(usize, Whole)>,
    /// The rows of a slice that the whole range's loop leaves to the other periods' walk.
    rest: Vec<usize>,
    /// The next row to walk.
    row: usize,
}

impl Walk {
    /// A walk that makes the passes over `periods`.
    pub fn every(d: &Deals, periods: Vec<Period>) -> Walk {
        let passes = periods.iter().map(|_| Pass::empty(d)).collect();
        Walk::new(d, periods, passes, Parts::EVERY)
    }

    fn new(d: &Deals, periods: Vec<Period>, mut passes: Vec<Pass>, parts: Parts) -> Walk {
        // A walk that has nothing to fill (the breakdown whose column was left unused, say)
        // is done before its first row.
        let parts = parts.of(d);
        // Laid out by the passes' accumulators, before the whole range's are taken out.
        let opens = OpenFigures::new(d, &passes, parts);
        // The whole range's pass made whole is the report's and every change's on the
        // whole range: its own loop fills it (a pass walked again in part stays here).
        let whole = periods
            .iter()
            .position(|p| *p == Period::All)
            .filter(|_| parts == Parts::EVERY.of(d))
            .map(|i| {
                // The span of the dated periods, whose passes the walk makes too.
                let bounds = periods.iter().filter_map(Period::minute_bounds);
                let dated = bounds.reduce(|(a, z), (b, y)| (a.min(b), z.max(y)));
                let p = &mut passes[i];
                let open = 1 + p.by_owner.len() + p.by_source.len();
                let open = open + p.by_extra.iter().map(Vec::len).sum::<usize>();
                let whole = Whole {
                    all: std::mem::take(&mut p.all),
                    by_owner: std::mem::take(&mut p.by_owner),
                    by_source: std::mem::take(&mut p.by_source),
                    by_extra: std::mem::take(&mut p.by_extra),
                    by_stage: std::mem::take(&mut p.by_stage),
                    renewal: (0, 0),
                    won_by_month: MonthSums::default(),
                    open: vec![OpenSums::default(); open],
                    dated,
                    open_before: vec![OpenSums::default(); if dated.is_some() { open } else { 0 }],
                    month_of: MonthOf::default(),
                    kinds: vec![0; open * KINDS],
                };
                (i, whole)
            });
        let won_all = (parts.whole
            && !periods.contains(&Period::All)
            && d.closed.is_some()
            && d.amount.is_some()
            && d.won_by_month.get().is_none())
        .then(MonthSums::default);
        Walk {
            opens,
            periods,
            month_of: MonthOf::default(),
            won_by_month: passes.iter().map(|_| MonthSums::default()).collect(),
            won_all,
            whole,
            rest: Vec::new(),
            passes,
            parts,
            row: if parts.any() { 0 } else { d.rows },
        }
    }

    /// Walk every row left, and give the periods and their passes.
    pub fn run(mut self, d: &Deals) -> (Vec<Period>, Vec<Pass>) {
        self.step(d, usize::MAX);
        self.finish(d)
    }

    /// Walk at most `rows` more rows of `d` (the table the walk began on): whether every
    /// row is walked.
    pub fn step(&mut self, d: &Deals, rows: usize) -> bool {
        self.walk(d, self.row.saturating_add(rows).min(d.rows));
        self.row >= d.rows
    }

    /// The periods and their passes, once every row is walked ([`Walk::step`]) over `d`.
    pub fn finish(mut self, d: &Deals) -> (Vec<Period>, Vec<Pass>) {
        let mut passes = self.passes;
        if let Some(months) = self.won_all {
            let _ = d.won_by_month.set(month_map(&months));
        }
        if let Some((i, mut whole)) = self.whole {
            settle(&mut whole);
            let p = &mut passes[i];
            (p.all, p.by_owner, p.by_source, p.by_extra, p.by_stage) = (
                whole.all,
                whole.by_owner,
                whole.by_source,
                whole.by_extra,
                whole.by_stage,
            );
            p.renewal = whole.renewal;
            self.won_by_month[i] = whole.won_by_month;
            // The whole range's open figures, with the early deals' summed apart.
            for (all, early) in whole.open.iter_mut().zip(&whole.open_before) {
                all.add(early, 1);
            }
            self.opens.add_pass(i, &whole.open);
            self.opens.add_common(&whole.open_before);
        }
        self.opens.finish(&mut passes, &self.periods);
        for ((p, months), period) in passes.iter_mut().zip(self.won_by_month).zip(&self.periods) {
            add_months(&months, &mut p.by_month);
            // The whole range's won revenue by month is what growth against an earlier
            // month or quarter reads ([`won_revenue`]): no other walk need sum it.
            if *period == Period::All && self.parts.whole {
                let _ = d.won_by_month.set(month_map(&months));
            }
        }
        (self.periods, passes)
    }

    /// Walk the rows from the next up to `to`.
    fn walk(&mut self, d: &Deals, to: usize) {
        let Walk {
            periods,
            passes,
            parts,
            opens,
            month_of,
            won_by_month,
            won_all,
            whole,
            rest,
            row,
        } = self;
        let parts = *parts;
        let from = *row;
        let renewal_ids: Vec<bool> = d
            .deal_type
            .as_ref()
            .map(|t| t.names.iter().map(|n| is_renewal(n)).collect())
            .unwrap_or_default();
        let extras = d.extra_dimensions();
        // The whole range's pass, by its own loop; the other periods' below.
        let skip = whole.as_ref().map(|(i, _)| *i);
        if let Some((_, whole)) = whole {
            let [amount, cost, probability] =
                [&d.amount, &d.cost, &d.probability].map(|c| c.as_deref().map(Vec::as_slice));
            let [owner, source, stage, deal_type] =
                [&d.owner, &d.source, &d.stage, &d.deal_type].map(|c| c.as_deref().map(|i| &i.ids));
            let columns = Columns {
                outcome: &d.outcome,
                created: d.created.as_deref().map(Vec::as_slice),
                closed: d.closed.as_deref().map(Vec::as_slice),
                amount,
                cost,
                probability,
                owner,
                source,
                stage,
                deal_type,
                extras: extras.iter().map(|(_, i)| &i.ids).collect(),
                renewal: &renewal_ids,
                scale: opens.scale,
            };
            rest.clear();
            whole.walk(&columns, (from, to.max(from)), rest);
            if periods.len() == 1 {
                *row = to.max(from);
                return;
            }
        }
        // Dates are compared in minutes: a day is worked out only for a won deal's cycle
        // and month.
        let bounds: Vec<Option<(i64, i64)>> = periods.iter().map(Period::minute_bounds).collect();
        let mut extra_ids = vec![0usize; extras.len()];
        // A deal created and closed before every dated period starts is in none of them,
        // only in the whole range (whose review has the trend's months too).
        let first_start = bounds.iter().flatten().map(|(a, _)| *a).min();
        // Nor is a deal created after every dated period ends and not closed by then (a year
        // back in a file that runs on has many).
        let last_end = bounds
            .iter()
            .flatten()
            .map(|(_, z)| *z)
            .max()
            .unwrap_or(i64::MAX);
        let every: Vec<usize> = (0..bounds.len()).filter(|i| Some(*i) != skip).collect();
        let whole_range = every.iter().any(|i| bounds[*i].is_none());
        let undated: Vec<usize> = every
            .iter()
            .copied()
            .filter(|p| bounds[*p].is_none())
            .collect();
        // A review's months (its trend, the period and those it compares with) do not
        // overlap: a row is created in one of them, closed in one and open at the end of
        // those between, found from the months' bounds instead of placing the row in each.
        let mut months = Months::of(periods, &bounds);
        months.others.retain(|i| Some(*i) != skip);
        // Each period's place among the months (`usize::MAX` for another period).
        let mut month_at = vec![usize::MAX; periods.len()];
        for (j, m) in months.months.iter().enumerate() {
            month_at[m.2] = j;
        }
        opens.months_are(&months);
        // The periods a row is placed in: every other period, then at most two months
        // ([`Months::touched`]), written in place (a push is a call in the size-first build).
        let mut touched = months.others.clone();
        let others = touched.len();
        touched.extend([0, 0]);
        let mut slots = vec![0usize; opens.slot_count()];
        let before = |m: Option<Minutes>, start: i64| m.is_none_or(|m| i64::from(m) < start);
        // The columns read for every row, found once: each is behind an `Arc` of its own.
        let Placing {
            outcome,
            created: created_at,
            closed: closed_at,
        } = Placing::of(d);
        let [amounts, costs, probabilities] =
            [&d.amount, &d.cost, &d.probability].map(|c| c.as_deref().map(Vec::as_slice));
        let [owners, sources, stages, deal_types] =
            [&d.owner, &d.source, &d.stage, &d.deal_type].map(Option::as_deref);
        // Indexed as slices: a `Vec`'s index is a call in the size-first build.
        let (passes, bounds, month_at) = (
            passes.as_mut_slice(),
            bounds.as_slice(),
            month_at.as_slice(),
        );
        *row = to.max(from);
        // Every row, or those the whole range's loop left.
        let listed = skip.map(|_| rest.as_slice());
        let count = listed.map_or(to.saturating_sub(from), <[usize]>::len);
        for k in 0..count {
            let r = listed.map_or(from + k, |l| l[k]);
            let o = outcome[r];
            let created = created_at.and_then(|c| c[r].get());
            let closed = closed_at.and_then(|c| c[r].get());
            // A won or lost deal without a close date is closed in no dated period: one
            // created before them all is in none (every such deal, once the close-date
            // column is left unused).
            let before_all = match (first_start, o) {
                (Some(start), Outcome::Won | Outcome::Lost) => {
                    before(closed, start) && before(created, start)
                }
                _ => false,
            };
            let after_all = created.is_some_and(|c| i64::from(c) > last_end)
                && closed.is_none_or(|z| i64::from(z) > last_end);
            if let (Some(sums), Outcome::Won, Some(z)) = (won_all.as_mut(), o, closed) {
                if let Some(v) = amounts.and_then(|a| a[r].get()) {
                    sums.add(month_of.get(day_of(z)), v);
                }
            }
            if (before_all || after_all) && !whole_range {
                continue;
            }
            let amount = amounts.and_then(|a| a[r].get());
            let owner = owners.map_or(0, |i| i.get(r) as usize);
            let source = sources.map_or(0, |i| i.get(r) as usize);
            for (id, (_, dim)) in extra_ids.iter_mut().zip(&extras) {
                *id = dim.get(r) as usize;
            }
            // What the row adds to a period at whose end it is open, and to which open
            // figures: found when it first adds to one.
            let mut open = None;
            // The row's breakdown values, and with its amount and index what its open
            // figures are worked out from.
            let dims = (owner, source, &extra_ids[..]);
            let row_of = (owner, source, &extra_ids[..], amount, r);
            // Open and created before every dated period starts (most open deals in a
            // review): open at each such period's end and nothing else.
            let open_only = o == Outcome::Open && first_start.is_some_and(|s| before(created, s));
            if open_only {
                let f = opens.row(probabilities, row_of, &mut open, &mut slots);
                opens.add_to_each(&slots, &f);
            }
            // The run of months at whose end the row is open.
            let (mut first_month, mut last_month) = (usize::MAX, 0);
            // The dated periods have taken such rows whole: the whole range is left.
            let to = if before_all || after_all || open_only {
                &undated
            } else if months.months.is_empty() {
                &every
            } else {
                let (first, last, n) = months.touched(o, (created, closed), &mut touched[others..]);
                // The months between the run's first and last: open at their ends, created
                // and closed in none of them (a deal closed before it was created is open
                // at none).
                if last >= first + 3 && created.zip(closed).is_none_or(|(c, z)| c <= z) {
                    (first_month, last_month) = (first + 1, last - 2);
                }
                &touched[..others + n]
            };
            for &i in to {
                let (p, b) = (&mut passes[i], bounds[i]);
                let pl = place(o, (created, closed), b);
                if pl.open_at_end {
                    let j = month_at[i];
                    if j == usize::MAX {
                        let f = opens.row(probabilities, row_of, &mut open, &mut slots);
                        opens.add(&slots, i, &f);
                    } else {
                        first_month = first_month.min(j);
                        last_month = last_month.max(j);
                    }
                }
                if !(pl.created_in || pl.closed_in) {
                    continue;
                }
                let mut acc = RowFigures::default();
                let mut cycle = None;
                if pl.created_in {
                    acc.created = 1;
                    if o == Outcome::Invalid {
                        acc.invalid = 1;
                    }
                    if let Some(stage) = stages.filter(|_| parts.whole) {
                        let s = &mut p.by_stage[stage.get(r) as usize];
                        s.0 += 1;
                        s.1 += amount.unwrap_or(0.0);
                    }
                }
                if pl.closed_in {
                    let closed_day = closed.map(day_of);
                    if closed_day.is_none() {
                        acc.closed_without_date = 1;
                    }
                    if o == Outcome::Won {
                        acc.won = 1;
                        if let Some(a) = amount {
                            acc.won_amount = a;
                            acc.won_with_amount = 1;
                            if let Some(c) = costs.and_then(|c| c[r].get()) {
                                acc.won_revenue_with_cost = a;
                                acc.won_cost = c;
                                acc.won_with_cost = 1;
                            }
                        }
                        if let (Some(z), Some(c)) = (closed_day, created) {
                            cycle = Some(z - day_of(c));
                        }
                        if let Some(z) = closed_day.filter(|_| parts.whole) {
                            won_by_month[i].add(month_of.get(z), amount.unwrap_or(0.0));
                        }
                    } else {
                        acc.lost = 1;
                    }
                    if let Some(t) = deal_types.filter(|_| parts.whole) {
                        if renewal_ids[t.get(r) as usize] {
                            p.renewal.1 += 1;
                            p.renewal.0 += u64::from(o == Outcome::Won);
                        }
                    }
                }
                if pl.closed_in {
                    p.add_row::<true>(parts, dims, &acc, cycle);
                } else {
                    p.add_row::<false>(parts, dims, &acc, cycle);
                }
            }
            if first_month != usize::MAX {
                let f = opens.row(probabilities, row_of, &mut open, &mut slots);
                opens.add_to_months(&slots, (first_month, last_month + 1), &f);
            }
        }
    }
}

/// Add the rows the whole range's loop counted by kind ([`KINDS`]) to its accumulators'
/// counts, once every row is walked: here, built for size, as it runs once a walk.
fn settle(whole: &mut Whole) {
    let dims = [&mut whole.by_owner, &mut whole.by_source];
    let accs = std::iter::once(&mut whole.all)
        .chain(dims.into_iter().flatten())
        .chain(whole.by_extra.iter_mut().flatten());
    for (a, kinds) in accs.zip(whole.kinds.chunks(KINDS)) {
        for (kind, &n) in kinds.iter().enumerate().filter(|(_, n)| **n > 0) {
            let n = u64::from(n);
            let has = |bit: usize| if kind & bit != 0 { n } else { 0 };
            a.created += n;
            a.seen = true;
            // A closed deal on no known day counts as closed without a date.
            let undated = n - has(CLOSED_ON_A_DAY);
            match kind_outcome(kind) {
                Outcome::Won => {
                    a.won += n;
                    a.won_with_amount += has(WITH_AMOUNT);
                    a.won_with_cost += has(WITH_COST);
                    a.closed_without_date += undated;
                }
                Outcome::Lost => {
                    a.lost += n;
                    a.closed_without_date += undated;
                }
                Outcome::Invalid => a.invalid += n,
                Outcome::Open => {}
            }
        }
    }
    whole.kinds.clear();
}

/// The calendar months among a walk's periods, in order, and its other periods. Months never
/// overlap, so the months a row can fall in make one run of them, found from their bounds;
/// every other period is looked at for each row.
struct Months {
    /// Each month's first and last minute and its place among the walk's periods, in order.
    months: Vec<(i64, i64, usize)>,
    /// The places of the other periods (the whole range, years, quarters, ranges).
    others: Vec<usize>,
    /// The day before the first month's first day.
    before: i64,
    /// For that day, each day of the months' span and the day after it: how many months end
    /// before the day, and how many start on or before it. Months begin and end with whole
    /// days, so a minute's day says as much as the minute would.
    by_day: Vec<(usize, usize)>,
}

impl Months {
    fn of(periods: &[Period], bounds: &[Option<(i64, i64)>]) -> Months {
        let mut months: Vec<(i64, i64, usize)> = Vec::new();
        let mut others = Vec::new();
        for (i, (p, b)) in periods.iter().zip(bounds).enumerate() {
            match (p, b) {
                // A month given twice is an other period the second time.
                (Period::Month(..), Some((a, z))) if !months.iter().any(|m| m.0 == *a) => {
                    let at = months.iter().filter(|m| m.0 < *a).count();
                    months.insert(at, (*a, *z, i));
                }
                _ => others.push(i),
            }
        }
        const DAY: i64 = 24 * 60;
        let before = months.first().map_or(0, |m| m.0.div_euclid(DAY) - 1);
        let last = months.last().map_or(0, |m| m.1.div_euclid(DAY));
        // A review's months span about four hundred days; months centuries apart are
        // counted row by row instead.
        let mut by_day = Vec::new();
        if last - before < 40_000 {
            let (mut ended, mut started) = (0, 0);
            for day in before..=last + 1 {
                while months.get(ended).is_some_and(|m| m.1.div_euclid(DAY) < day) {
                    ended += 1;
                }
                while months
                    .get(started)
                    .is_some_and(|m| m.0.div_euclid(DAY) <= day)
                {
                    started += 1;
                }
                by_day.push((ended, started));
            }
        }
        Months {
            months,
            others,
            before,
            by_day,
        }
    }

    /// How many months end before minute `m`'s day, and how many start on or before it:
    /// looked up by its day (the first and last entries stand for the days before and after
    /// the months), or counted when the months are too far apart for a table.
    #[inline(always)]
    fn around(&self, m: Minutes) -> (usize, usize) {
        let Some(last) = self.by_day.len().checked_sub(1) else {
            return (self.ending_before(m), self.starting_by(m));
        };
        let at = (i64::from(day_of(m)) - self.before).clamp(0, last as i64);
        self.by_day[at as usize]
    }

    /// The first month that ends at or after minute `m` (how many end before it): counted,
    /// not searched, a dozen comparisons without a branch.
    #[inline(always)]
    fn ending_before(&self, m: Minutes) -> usize {
        let mut n = 0;
        for x in &self.months {
            n += usize::from(x.1 < i64::from(m));
        }
        n
    }

    /// How many months start at or before minute `m`.
    #[inline(always)]
    fn starting_by(&self, m: Minutes) -> usize {
        let mut n = 0;
        for x in &self.months {
            n += usize::from(x.0 <= i64::from(m));
        }
        n
    }

    /// The months a row of outcome `o`, created and closed at `(created, closed)`, is to be
    /// placed in besides every other period: the first and the last of the run of months
    /// from the first that ends after it was created (or it was closed, if earlier) to the
    /// one it was closed in (to the last, while it is open), written to `out`. Given back:
    /// the run, `first..last` among the months, and how many of `out` to read (0 to 2).
    /// Unless the row was closed before it was created, it is open at the end of each month
    /// inside the run, and created or closed in none of them. The months left out of the
    /// run are those it has nothing to do with. An open row's run is given as reaching one
    /// past the last month, and only its first month is to be placed: it is open at the end
    /// of every month after that one, the last included.
    #[inline(always)]
    fn touched(
        &self,
        o: Outcome,
        (created, closed): (Option<Minutes>, Option<Minutes>),
        out: &mut [usize],
    ) -> (usize, usize, usize) {
        let n = self.months.len();
        if n == 0 {
            return (0, 0, 0);
        }
        let from_created = match created {
            Some(m) => self.around(m).0,
            None => 0,
        };
        let (first, last, most) = match (o, closed) {
            (Outcome::Open, _) => (from_created, n + 1, 1),
            (Outcome::Won | Outcome::Lost, Some(z)) => {
                let (ended, started) = self.around(z);
                (from_created.min(ended), started.max(from_created + 1), 2)
            }
            _ => (from_created, from_created + 1, 2),
        };
        // A closed row's run ends at the last month at the latest, an open row's one past it.
        let (first, last) = (first.min(n), last.min(n + 2 - most));
        let months = self.months.as_slice();
        out[0] = months[first.min(n - 1)].2;
        out[1] = months[last.min(n).saturating_sub(1)].2;
        (first, last, (last - first.min(last)).min(most))
    }
}

/// Each month's sum of `sums`, keyed by (year, month).
fn month_map(sums: &MonthSums) -> SortedMap<(i32, u32), f64> {
    let mut by = SortedMap::new();
    add_months(sums, &mut by);
    by
}

/// Add each month's sum of `sums` to `map`, keyed by (year, month).
fn add_months(sums: &MonthSums, map: &mut SortedMap<(i32, u32), f64>) {
    for (month, sum) in sums.each() {
        *map.or_insert(month, 0.0) += sum;
    }
}

/// Each calendar month's sum of the values of `(day, value)` pairs, added in the order given,
/// as a map's entries would be: oldest month first.
pub(crate) fn sums_by_month(
    points: impl Iterator<Item = (i32, f64)>,
) -> SortedMap<(i32, u32), f64> {
    let (mut month_of, mut sums) = (MonthOf::default(), MonthSums::default());
    for (day, v) in points {
        sums.add(month_of.get(day), v);
    }
    month_map(&sums)
}

/// The power of two [`crm_kpi_scan::pass::Exact`] scales the open amounts of `d` by: the
/// finest (up to 2⁵²) that leaves the greatest amount, or weighted amount, below 2⁶² units.
/// Each part of a sum then adds at most 2³² a row: no file has the 2³¹ rows that would
/// overflow it.
fn open_scale(d: &Deals) -> f64 {
    let mut top = 0f64;
    let [amounts, probabilities] =
        [&d.amount, &d.probability].map(|c| c.as_deref().map(Vec::as_slice));
    // Straight code: at opt-level z an iterator adapter's or an array loop's step is a call,
    // and this reads every row after a change of the amounts.
    for (r, a) in amounts.unwrap_or(&[]).iter().enumerate() {
        let p = probabilities.and_then(|p| p.get(r).and_then(|p| p.get()));
        let a = a.get().unwrap_or(0.0).abs();
        let w = a * p.unwrap_or(0.0).abs();
        // Compared, not `f64::max`: a call to the C library's `fmax` natively.
        if a > top {
            top = a;
        }
        if w > top {
            top = w;
        }
    }
    // 2^e is above `top`.
    let e = ((top.to_bits() >> 52) & 0x7ff) as i32 - 1022;
    let f = (62 - e.max(0)).clamp(-1000, 52);
    f64::from_bits(((f + 1023) as u64) << 52)
}

/// The open figures of every accumulator of every pass a walk fills, kept apart from the
/// accumulators while the rows are walked. The sums are exact
/// ([`crm_kpi_scan::pass::Exact`]), so a row need not be added to every period it is open at
/// the end of: a deal open at the end of every dated period is added once, to the common
/// sums, and one open at the end of a run of a review's months is added where the run starts
/// and taken away where it ends.
struct OpenFigures {
    passes: usize,
    parts: Parts,
    scale: f64,
    /// Accumulator `k` of pass `p` is at `k * passes + p`. Accumulators: the whole
    /// period's, then each owner's, each lead source's and each other dimension's value.
    sums: Vec<OpenSums>,
    owners: usize,
    /// Where each other dimension's accumulators start.
    extras: Vec<usize>,
    /// By accumulator, the sums of the rows open at the end of every dated period.
    common: Vec<OpenSums>,
    /// The passes of the walk's calendar months, in order ([`Months`]).
    months: Vec<usize>,
    /// Accumulator `k`'s difference at month `j` (of `months`) is at `k * (months + 1) + j`:
    /// a month's open sums are those of the months before it and its own difference.
    steps: Vec<OpenSums>,
}

impl OpenFigures {
    fn new(d: &Deals, passes: &[Pass], parts: Parts) -> OpenFigures {
        let (owners, sources, extra_lens) = passes.first().map_or((0, 0, Vec::new()), |p| {
            (
                p.by_owner.len(),
                p.by_source.len(),
                p.by_extra.iter().map(Vec::len).collect(),
            )
        });
        let mut at = 1 + owners + sources;
        let extras: Vec<usize> = extra_lens
            .into_iter()
            .map(|n| {
                at += n;
                at - n
            })
            .collect();
        OpenFigures {
            passes: passes.len(),
            parts,
            scale: *d.open_scale.get_or_init(|| open_scale(d)),
            sums: vec![OpenSums::default(); at * passes.len()],
            owners,
            extras,
            common: vec![OpenSums::default(); at],
            months: Vec::new(),
            steps: Vec::new(),
        }
    }

    /// Take the walk's months, once.
    fn months_are(&mut self, months: &Months) {
        if self.steps.is_empty() {
            self.months = months.months.iter().map(|m| m.2).collect();
            self.steps = vec![OpenSums::default(); self.common.len() * (self.months.len() + 1)];
        }
    }

    /// What row `r`, of this owner, lead source, other dimensions' values and amount,
    /// adds to a period at whose end it is open: `open` once found, with the accumulators it
    /// adds to in `slots`.
    #[inline(always)]
    fn row(
        &self,
        probabilities: Option<&[MaybeNumber]>,
        (owner, source, extras, amount, r): (usize, usize, &[usize], Option<f64>, usize),
        open: &mut Option<OpenSums>,
        slots: &mut [usize],
    ) -> OpenSums {
        if let Some(f) = open {
            return *f;
        }
        self.slots_of((owner, source, extras), slots);
        let probability = probabilities.and_then(|p| p[r].get());
        *open.insert(OpenSums::of_row(amount, probability, self.scale))
    }

    /// The accumulators `parts` names that a row of this owner, lead source and other
    /// dimensions' values adds to.
    #[inline(always)]
    fn slots_of(&self, (owner, source, extras): (usize, usize, &[usize]), out: &mut [usize]) {
        // Written in place, [`OpenFigures::slot_count`] of them: a push is a call in the
        // size-first build.
        let mut i = 0;
        if self.whole_apart() {
            out[i] = 0;
            i += 1;
        }
        if self.parts.owner {
            out[i] = 1 + owner;
            i += 1;
        }
        if self.parts.source {
            out[i] = 1 + self.owners + source;
            i += 1;
        }
        if self.parts.extras {
            for (k, (at, id)) in self.extras.iter().zip(extras).enumerate() {
                out[i + k] = at + id;
            }
        }
    }

    /// Whether a row adds to the whole period's sums itself. Every row has one owner's
    /// sums (the first, without an owner column), and the sums are exact, so when the
    /// owners' are filled too the whole period's are their total, worked out at the end.
    fn whole_apart(&self) -> bool {
        self.parts.whole && !self.parts.owner
    }

    /// How many accumulators a row adds to: [`OpenFigures::slots_of`] fills that many.
    fn slot_count(&self) -> usize {
        let p = self.parts;
        let extras = if p.extras { self.extras.len() } else { 0 };
        usize::from(self.whole_apart()) + usize::from(p.owner) + usize::from(p.source) + extras
    }

    /// The whole period's sums as the total of the owners' ([`OpenFigures::whole_apart`]),
    /// in each table of sums whose accumulators are `stride` apart.
    fn total_owners(&mut self) {
        let (owners, passes, months) = (self.owners, self.passes, self.months.len() + 1);
        for (sums, stride) in [
            (&mut self.sums, passes),
            (&mut self.common, 1),
            (&mut self.steps, months),
        ] {
            let at = stride.min(sums.len());
            let (whole, rest) = sums.split_at_mut(at);
            for (i, w) in whole.iter_mut().enumerate() {
                for o in 0..owners {
                    if let Some(s) = rest.get(o * stride + i) {
                        w.add(s, 1);
                    }
                }
            }
        }
    }

    #[inline(always)]
    fn add(&mut self, slots: &[usize], pass: usize, f: &OpenSums) {
        for k in slots {
            self.sums.as_mut_slice()[k * self.passes + pass].add_row(f, 1);
        }
    }

    /// Add a row open at the end of every dated period.
    #[inline(always)]
    fn add_to_each(&mut self, slots: &[usize], f: &OpenSums) {
        for k in slots {
            self.common.as_mut_slice()[*k].add_row(f, 1);
        }
    }

    /// Add a row open at the end of the months `from..to` (of `months`).
    #[inline(always)]
    fn add_to_months(&mut self, slots: &[usize], (from, to): (usize, usize), f: &OpenSums) {
        let m = self.months.len() + 1;
        for k in slots {
            let steps = self.steps.as_mut_slice();
            steps[k * m + from].add_row(f, 1);
            steps[k * m + to].add_row(f, -1);
        }
    }

    /// Add sums, laid out as [`Whole::open`], to those of the rows open at the end of every
    /// dated period.
    fn add_common(&mut self, open: &[OpenSums]) {
        for (c, o) in self.common.iter_mut().zip(open) {
            c.add(o, 1);
        }
    }

    /// Add the open sums of pass `pass`'s accumulators, in the order of [`Whole::open`].
    fn add_pass(&mut self, pass: usize, open: &[OpenSums]) {
        for (k, o) in open.iter().enumerate() {
            if let Some(s) = self.sums.get_mut(k * self.passes + pass) {
                s.add(o, 1);
            }
        }
    }

    /// Hand each accumulator of the passes over `periods` its open figures (it has none of
    /// its own).
    fn finish(mut self, passes: &mut [Pass], periods: &[Period]) {
        if self.parts.whole && self.parts.owner {
            self.total_owners();
        }
        let m = self.months.len() + 1;
        for (k, c) in self.common.iter().enumerate() {
            let row = &mut self.sums[k * self.passes..(k + 1) * self.passes];
            let mut run = OpenSums::default();
            for (j, &p) in self.months.iter().enumerate() {
                run.add(&self.steps[k * m + j], 1);
                row[p].add(&run, 1);
            }
            for (s, _) in row
                .iter_mut()
                .zip(periods)
                .filter(|(_, p)| p.bounds().is_some())
            {
                s.add(c, 1);
            }
        }
        for (i, pass) in passes.iter_mut().enumerate() {
            let dims = [&mut pass.by_owner, &mut pass.by_source];
            let accs = std::iter::once(&mut pass.all)
                .chain(dims.into_iter().flatten())
                .chain(pass.by_extra.iter_mut().flatten());
            for (k, acc) in accs.enumerate() {
                let s = self.sums[k * self.passes + i];
                if s.open > 0 {
                    acc.open += u64::from(s.open);
                    acc.open_with_amount += u64::from(s.with_amount);
                    acc.open_amount += s.amount.value(self.scale);
                    acc.open_weighted += s.weighted.value(self.scale);
                    acc.open_with_probability += u64::from(s.with_probability);
                    acc.seen = true;
                }
            }
        }
    }
}

/// Which accumulators of a [`Pass`] a walk over the rows fills: the whole period's (with
/// won revenue by month, deals per stage and renewals), and each breakdown's.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Parts {
    pub whole: bool,
    pub owner: bool,
    pub source: bool,
    /// Every dimension of [`Deals::extra_dimensions`].
    pub extras: bool,
}

impl Parts {
    pub const EVERY: Parts = Parts {
        whole: true,
        owner: true,
        source: true,
        extras: true,
    };

    /// These parts but the breakdowns `d` has no column for: a report reads a lead source's
    /// or another dimension's accumulators only when its column is there (the owners' are
    /// always filled: without an owner column, the one owner's are the whole period's).
    fn of(self, d: &Deals) -> Parts {
        Parts {
            source: self.source && d.source.is_some(),
            extras: self.extras && !d.extra_dimensions().is_empty(),
            ..self
        }
    }

    fn any(self) -> bool {
        self.whole || self.owner || self.source || self.extras
    }
}

/// Won revenue of the deals closed in a period (for growth against an earlier period). For
/// calendar periods it sums the won amount by month, computed once per table.
fn won_revenue(d: &Deals, period: Period) -> Option<f64> {
    let (a, b) = period.bounds()?;
    let (closed, amount) = (
        d.closed.as_deref()?.as_slice(),
        d.amount.as_deref()?.as_slice(),
    );
    let outcome = d.outcome.as_slice();
    if let Period::Month(..) | Period::Quarter(..) | Period::Year(_) = period {
        let months = d.won_by_month.get_or_init(|| {
            // A loop of its own, not an iterator: a million rows after each change of the
            // stage column, and an adapter's step is a call in the size-first build.
            let (mut month_of, mut sums) = (MonthOf::default(), MonthSums::default());
            for r in 0..d.rows {
                if let (Outcome::Won, Some(c), Some(v)) =
                    (outcome[r], closed[r].get(), amount[r].get())
                {
                    sums.add(month_of.get(day_of(c)), v);
                }
            }
            month_map(&sums)
        });
        let (from, to) = (year_month(a), year_month(b));
        // Summed from +0: a month of won deals without amounts is kept as 0 by the whole
        // range's pass (see `Walk::finish`) and left out here, and both sum to +0.
        return Some(
            months
                .iter()
                .filter(|(m, _)| from <= **m && **m <= to)
                .fold(0.0, |s, (_, v)| s + v),
        );
    }
    Some(
        (0..d.rows)
            .filter(|r| outcome[*r] == Outcome::Won)
            .filter(|r| {
                closed[*r]
                    .get()
                    .map(day_of)
                    .is_some_and(|c| a <= c && c <= b)
            })
            .filter_map(|r| amount[r].get())
            .sum(),
    )
}

struct Builder<'a> {
    lang: Lang,
    d: &'a Deals,
    out: Vec<KpiResult>,
}

pub fn en_zh(lang: Lang, en: String, zh: String) -> String {
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

/// Why a KPI that compares with an earlier period has no value over the whole range.
pub fn need_period(lang: Lang) -> String {
    en_zh(
        lang,
        "needs a month, quarter or year as the period".into(),
        "需要选择月、季度或年作为统计周期".into(),
    )
}

/// Revenue growth of `period` against the period before, whose revenue `revenue_of` gives
/// (and against the same month or quarter a year earlier, as a detail), for the deals' won
/// revenue and the orders' alike.
pub fn revenue_growth(
    lang: Lang,
    period: Period,
    revenue: f64,
    revenue_of: &dyn Fn(Period) -> Option<f64>,
) -> KpiResult {
    let before = period.previous();
    let prev = before.and_then(revenue_of);
    let note = match prev {
        None => need_period(lang),
        Some(_) => en_zh(
            lang,
            "no revenue in the previous period to compare with".into(),
            "上一周期没有销售额，无法比较".into(),
        ),
    };
    let before = before.map(|p| p.to_string()).unwrap_or_default();
    let variant = en_zh(lang, format!("against {before}"), format!("对比 {before}"));
    let growth = prev.and_then(|pv| ratio(revenue - pv, pv));
    let mut k = result("revenue_growth", lang, growth, variant, &note);
    k.numerator = prev.map(|pv| revenue - pv);
    k.denominator = prev;
    if let Some(pv) = prev {
        k.details.insert("previous".into(), pv);
    }
    let year_ago = match period {
        Period::Month(y, m) => Some(Period::Month(y - 1, m)),
        Period::Quarter(y, q) => Some(Period::Quarter(y - 1, q)),
        Period::Year(_) | Period::All | Period::Range(..) => None,
    };
    if let Some(ya) = year_ago.and_then(revenue_of) {
        k.details.insert("year_ago".into(), ya);
        if let Some(g) = ratio(revenue - ya, ya) {
            k.details.insert("year_over_year".into(), g);
        }
    }
    k
}

/// A KPI's result with its catalogue definition filled in; `note_if_none` says why there is
/// no value when `value` is `None`.
pub fn result(
    id: &str,
    lang: Lang,
    value: Option<f64>,
    variant: String,
    note_if_none: &str,
) -> KpiResult {
    let def: &KpiDef =
        catalogue::get(id).unwrap_or_else(|| unreachable!("{id} is in the catalogue"));
    KpiResult {
        id: def.id.into(),
        name: def.name(lang).into(),
        tier: def.tier,
        unit: def.unit,
        direction: def.direction,
        formula: def.formula(lang).into(),
        value,
        variant,
        note: value.is_none().then(|| note_if_none.to_string()),
        ..KpiResult::default()
    }
}

impl Builder<'_> {
    fn push(
        &mut self,
        id: &str,
        value: Option<f64>,
        variant: String,
        note_if_none: &str,
    ) -> &mut KpiResult {
        self.out
            .push(result(id, self.lang, value, variant, note_if_none));
        self.out.last_mut().unwrap_or_else(|| unreachable!())
    }

    fn outcome_source(&self) -> String {
        let role = self.d.outcome_from.unwrap_or(Role::Stage);
        match self.lang {
            Lang::En => format!("outcome from the {} column", role.label(self.lang)),
            Lang::Zh => format!("输赢取自“{}”列", role.label(self.lang)),
        }
    }

    fn close_source(&self) -> String {
        match (self.d.close_from, self.lang) {
            (Some(Role::ExpectedCloseAt), Lang::En) => "close date taken from the expected close date (the export has no actual close date)".into(),
            (Some(Role::ExpectedCloseAt), Lang::Zh) => "成交日期取自预计成交日期（导出文件没有实际成交日期）".into(),
            (Some(Role::WonAt), Lang::En) => "close date from the won/lost time columns".into(),
            (Some(Role::WonAt), Lang::Zh) => "成交日期取自赢单/输单时间列".into(),
            (_, Lang::En) => "by close date".into(),
            (_, Lang::Zh) => "按成交/关闭日期".into(),
        }
    }
}

impl Pass {
    /// Every breakdown dimension the table has, with its accumulators.
    fn dims<'a>(&'a self, d: &'a Deals) -> Vec<(&'static str, &'a Interned, &'a [Acc])> {
        let mut v: Vec<(&'static str, &Interned, &[Acc])> = Vec::new();
        if let Some(o) = &d.owner {
            v.push(("owner", o, &self.by_owner));
        }
        if let Some(s) = &d.source {
            v.push(("lead_source", s, &self.by_source));
        }
        for (accs, (name, dim)) in self.by_extra.iter().zip(d.extra_dimensions()) {
            v.push((name, dim, accs));
        }
        v
    }

    /// One KPI's rows for every dimension, keyed by the dimension's name.
    fn breakdowns(
        &self,
        d: &Deals,
        f: impl Fn(&Acc) -> BreakdownRow,
    ) -> SortedMap<String, Vec<BreakdownRow>> {
        let mut out = SortedMap::new();
        for (name, names, accs) in self.dims(d) {
            out.insert(name.to_string(), rows_of(accs, Some(names), &f));
        }
        out
    }
}

fn win_row(a: &Acc) -> BreakdownRow {
    row(
        a.win_rate(),
        Some(a.won as f64),
        Some((a.won + a.lost) as f64),
        a.won + a.lost,
    )
}

pub fn rows_of(
    accs: &[Acc],
    names: Option<&Interned>,
    f: impl Fn(&Acc) -> BreakdownRow,
) -> Vec<BreakdownRow> {
    let mut rows: Vec<BreakdownRow> = accs
        .iter()
        .enumerate()
        .filter(|(_, a)| a.seen)
        .map(|(i, a)| {
            let mut row = f(a);
            row.key = names
                .map(|n| n.name(i as u32).to_string())
                .unwrap_or_default();
            row
        })
        .collect();
    sort_by_value(&mut rows);
    rows
}

/// KPIs in catalogue order (each KPI appears once). Not generic: one sort for all callers.
pub fn in_catalogue_order(kpis: &mut Vec<KpiResult>) {
    let at = |k: &KpiResult| catalogue::CATALOGUE.iter().position(|d| d.id == k.id);
    crate::engine::sort_list(kpis, |a, b| at(a).cmp(&at(b)));
}

/// Highest value first; the blank key (no owner, no source) last, as it is nobody to act
/// on; equal values by key. Through [`crate::engine::sort_list`], the sort every short
/// list shares.
pub fn sort_by_value(rows: &mut Vec<BreakdownRow>) {
    crate::engine::sort_list(rows, |a, b| {
        a.key
            .is_empty()
            .cmp(&b.key.is_empty())
            .then_with(|| {
                b.value
                    .unwrap_or(f64::MIN)
                    .total_cmp(&a.value.unwrap_or(f64::MIN))
            })
            .then_with(|| a.key.cmp(&b.key))
    });
}

/// Count rows per interned value (id 0, the blank, last), highest first; values with no
/// count left out.
pub fn rows_of_counts(names: &Interned, counts: &[u64]) -> Vec<BreakdownRow> {
    let mut rows: Vec<BreakdownRow> = counts
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .map(|(i, n)| {
            let mut r = row(Some(*n as f64), None, None, *n);
            r.key = names.name(i as u32).to_string();
            r
        })
        .collect();
    // Each row's value is its count.
    sort_by_value(&mut rows);
    rows
}

pub fn row(
    value: Option<f64>,
    numerator: Option<f64>,
    denominator: Option<f64>,
    count: u64,
) -> BreakdownRow {
    BreakdownRow {
        key: String::new(),
        value,
        numerator,
        denominator,
        count,
        amount: None,
    }
}

pub fn month_id((y, m): (i32, u32)) -> String {
    format!("{y}-{m:02}")
}

/// Known stage orders (HubSpot, Salesforce/Zoho/SuiteCRM, WukongCRM, Odoo, Maven), folded.
const STAGE_ORDER: &[&str] = &[
    "prospecting",
    "appointmentscheduled",
    "appointment scheduled",
    "qualification",
    "qualifiedtobuy",
    "qualified to buy",
    "new",
    "qualified",
    "engaging",
    "验证客户",
    "needs analysis",
    "需求分析",
    "value proposition",
    "presentationscheduled",
    "presentation scheduled",
    "id. decision makers",
    "identify decision makers",
    "decisionmakerboughtin",
    "decision maker bought-in",
    "perception analysis",
    "proposition",
    "proposal/price quote",
    "方案/报价",
    "contractsent",
    "contract sent",
    "negotiation/review",
];

/// The deal KPIs of the catalogue for one period, from its pass over the deals
/// ([`Pass::run`] or a [`Walk`] over several periods): the pass holds every figure, this
/// adds the catalogue's texts in `lang`, so a pass kept for a period serves both languages.
pub fn deal_kpis_from(
    d: &Deals,
    p: &Pass,
    period: Period,
    lang: Lang,
) -> (DealSummary, Vec<KpiResult>) {
    let a = &p.all;
    let summary = DealSummary {
        created: a.created,
        won: a.won,
        lost: a.lost,
        open: a.open,
        invalid: a.invalid,
        closed_without_date: a.closed_without_date,
    };
    let mut b = Builder {
        lang,
        d,
        out: Vec::new(),
    };
    let has_amount = d.amount.is_some();
    let has_status = d.outcome_from.is_some();
    let has_closed = d.closed.is_some();
    let has_created = d.created.is_some();
    let none_closed = en_zh(
        lang,
        "no deal was won or lost in this period".into(),
        "本周期没有赢单或输单的商机".into(),
    );
    let none_won = en_zh(
        lang,
        "no deal with an amount was won in this period".into(),
        "本周期没有带金额的赢单商机".into(),
    );
    let by_close = b.close_source();
    let outcome_src = b.outcome_source();

    // New customers: the first won deal of each customer over the whole table.
    // The same for every period: worked out once per table.
    let first_won: Option<&[Option<(i32, usize)>]> = match (&d.customer, &d.closed) {
        (Some(c), Some(closed)) if has_status => Some(d.first_won.get_or_init(|| {
            let mut first = vec![None; c.names.len()];
            let rows = c
                .ids
                .iter()
                .zip(d.outcome.iter())
                .zip(closed.iter())
                .enumerate();
            for (r, ((id, outcome), close)) in rows {
                if *outcome != Outcome::Won || id == 0 {
                    continue;
                }
                if let (Some(day), Some(slot)) =
                    (close.get().map(day_of), first.get_mut(id as usize))
                {
                    if slot.is_none_or(|(f, _): (i32, usize)| day < f) {
                        *slot = Some((day, r));
                    }
                }
            }
            std::sync::Arc::new(first)
        })),
        _ => None,
    };
    let new_rows: Vec<usize> = first_won
        .into_iter()
        .flatten()
        .flatten()
        .filter(|(day, _)| period.contains(*day))
        .map(|(_, r)| *r)
        .collect();

    if let Some(first) = &first_won {
        let n = new_rows.len() as f64;
        let variant = en_zh(
            lang,
            format!("customers whose first won deal closed in the period; {by_close}"),
            format!("首个赢单商机在本周期成交的客户；{by_close}"),
        );
        let k = b.push("new_customers", Some(n), variant, "");
        k.numerator = Some(n);
        let at_start = period
            .bounds()
            .map(|(s, _)| first.iter().flatten().filter(|(day, _)| *day < s).count() as f64);
        let note = match at_start {
            None => need_period(lang),
            Some(_) => en_zh(
                lang,
                "no customer had a won deal before this period".into(),
                "本周期之前没有已成交客户".into(),
            ),
        };
        let k = b.push(
            "customer_acquisition_rate",
            at_start.and_then(|s| ratio(n, s)),
            en_zh(
                lang,
                "new customers ÷ customers with a won deal before the period".into(),
                "新客户数 ÷ 本周期前已有赢单的客户数".into(),
            ),
            &note,
        );
        k.numerator = Some(n);
        k.denominator = at_start;
    }

    if has_status {
        if let Some(src) = &d.source {
            let rows = rows_of(&p.by_source, Some(src), win_row);
            let eligible: Vec<&BreakdownRow> = rows
                .iter()
                .filter(|r| r.value.is_some() && r.count >= 5 && !r.key.is_empty())
                .collect();
            // Without a source of 5+ closed deals, any named source beats the blank one.
            let pool: Vec<&BreakdownRow> = if eligible.is_empty() {
                let named: Vec<&BreakdownRow> = rows
                    .iter()
                    .filter(|r| r.value.is_some() && !r.key.is_empty())
                    .collect();
                if named.is_empty() {
                    rows.iter().filter(|r| r.value.is_some()).collect()
                } else {
                    named
                }
            } else {
                eligible
            };
            let best = pool.first().copied();
            let variant = match best {
                Some(best) => en_zh(
                    lang,
                    format!("the best of {} sources (with at least 5 closed deals where possible): “{}”; every source is in the breakdown", rows.len(), best.key),
                    format!("{} 个渠道中最高者（尽量只看至少 5 个已关闭商机的渠道）：“{}”；各渠道见细分", rows.len(), best.key),
                ),
                None => String::new(),
            };
            let k = b.push(
                "source_win_rate",
                best.and_then(|r| r.value),
                variant,
                &none_closed,
            );
            k.numerator = best.and_then(|r| r.numerator);
            k.denominator = best.and_then(|r| r.denominator);
            k.breakdowns.insert("lead_source".into(), rows);
        }

        let k = b.push(
            "win_rate",
            a.win_rate(),
            en_zh(
                lang,
                format!("won ÷ (won + lost), deals closed in the period; {outcome_src}"),
                format!("赢单 ÷（赢单 + 输单），按本周期关闭的商机；{outcome_src}"),
            ),
            &none_closed,
        );
        k.numerator = Some(a.won as f64);
        k.denominator = Some((a.won + a.lost) as f64);
        k.breakdowns = p.breakdowns(d, win_row);
    }

    let cycles = &a.cycles;
    let median_cycle = median(cycles);
    let mean_cycle = ratio(
        cycles.iter().map(|c| f64::from(*c)).sum(),
        cycles.len() as f64,
    );
    if has_status && has_created && has_closed {
        let negative = cycles.iter().filter(|c| **c < 0).count();
        let variant = en_zh(
            lang,
            format!(
                "median calendar days from created to closed, {} won deals closed in the period{}",
                cycles.len(),
                if negative > 0 {
                    format!(" ({negative} closed before they were created, kept as they stand)")
                } else {
                    String::new()
                }
            ),
            format!(
                "本周期成交的 {} 个赢单商机从创建到成交的日历天数中位数{}",
                cycles.len(),
                if negative > 0 {
                    format!("（其中 {negative} 个关闭日期早于创建日期，按原样计入）")
                } else {
                    String::new()
                }
            ),
        );
        let note = en_zh(
            lang,
            "no won deal in this period has both dates".into(),
            "本周期没有同时具备两个日期的赢单商机".into(),
        );
        let k = b.push("sales_cycle_days", median_cycle, variant, &note);
        k.denominator = Some(cycles.len() as f64);
        if let Some(m) = mean_cycle {
            k.details.insert("mean_days".into(), m);
        }
        k.breakdowns = p.breakdowns(d, |a| {
            let c = &a.cycles;
            row(median(c), None, Some(c.len() as f64), c.len() as u64)
        });
    }

    if has_amount && has_status {
        let avg = ratio(a.won_amount, a.won_with_amount as f64);
        let k = b.push(
            "average_deal_size",
            avg,
            en_zh(
                lang,
                "won amount ÷ won deals with an amount, closed in the period".into(),
                "本周期赢单金额 ÷ 有金额的赢单数".into(),
            ),
            &none_won,
        );
        k.numerator = Some(a.won_amount);
        k.denominator = Some(a.won_with_amount as f64);
        k.breakdowns = p.breakdowns(d, |a| {
            row(
                ratio(a.won_amount, a.won_with_amount as f64),
                Some(a.won_amount),
                Some(a.won_with_amount as f64),
                a.won_with_amount,
            )
        });

        let variant = match period.bounds() {
            None => en_zh(
                lang,
                "amounts of the deals open now".into(),
                "当前进行中商机的金额合计".into(),
            ),
            Some((_, end)) => en_zh(
                lang,
                format!("amounts of the deals open on {}", date_of_day(end)),
                format!("截至 {} 仍在进行中的商机金额合计", date_of_day(end)),
            ),
        };
        // Open deals of which not one has an amount: the pipeline's value is unknown, not 0.
        let pipeline = |a: &Acc| (a.open == 0 || a.open_with_amount > 0).then_some(a.open_amount);
        let note = en_zh(
            lang,
            format!("none of the {} open deals has an amount", a.open),
            format!("{} 个进行中的商机都没有金额", a.open),
        );
        let k = b.push("pipeline_value", pipeline(a), variant, &note);
        k.denominator = Some(a.open as f64);
        k.details.insert("open_deals".into(), a.open as f64);
        if a.open_with_probability > 0 {
            k.details.insert("weighted".into(), a.open_weighted);
        }
        k.breakdowns = p.breakdowns(d, |a| row(pipeline(a), None, None, a.open));

        // Likewise won deals of which not one has an amount.
        let won = |a: &Acc| (a.won == 0 || a.won_with_amount > 0).then_some(a.won_amount);
        let note = en_zh(
            lang,
            format!("none of the {} won deals has an amount", a.won),
            format!("{} 个赢单商机都没有金额", a.won),
        );
        let k = b.push(
            "revenue",
            won(a),
            en_zh(
                lang,
                format!("amounts of deals won in the period, {by_close}"),
                format!("本周期赢单商机金额合计，{by_close}"),
            ),
            &note,
        );
        k.denominator = Some(a.won as f64);
        k.series = p
            .by_month
            .iter()
            .map(|(m, v)| SeriesPoint {
                period: month_id(*m),
                value: *v,
            })
            .collect();
        k.breakdowns = p.breakdowns(d, |a| row(won(a), None, None, a.won));

        if has_closed {
            let revenue_of = |pp| won_revenue(d, pp);
            let mut k = revenue_growth(lang, period, a.won_amount, &revenue_of);
            // Revenue unknown (no won deal with an amount): so is its growth, for that reason.
            if won(a).is_none() {
                (k.value, k.numerator, k.note) = (None, None, Some(note.clone()));
            }
            b.out.push(k);
        }

        if d.cost.is_some() {
            let margin = ratio(
                a.won_revenue_with_cost - a.won_cost,
                a.won_revenue_with_cost,
            );
            let k = b.push(
                "profit_margin",
                margin,
                en_zh(
                    lang,
                    format!(
                        "(won amount − cost) ÷ won amount, over the {} won deals with both",
                        a.won_with_cost
                    ),
                    format!(
                        "（赢单金额 − 成本）÷ 赢单金额，基于同时有金额和成本的 {} 个赢单商机",
                        a.won_with_cost
                    ),
                ),
                &none_won,
            );
            k.numerator = Some(a.won_revenue_with_cost - a.won_cost);
            k.denominator = Some(a.won_revenue_with_cost);
        }

        if let Some(o) = &d.owner {
            let total = a.won_amount;
            let rows = rows_of(&p.by_owner, Some(o), |x| {
                row(
                    ratio(x.won_amount, total),
                    Some(x.won_amount),
                    Some(total),
                    x.won,
                )
            });
            let top = rows.first().filter(|r| r.value.is_some()).cloned();
            let variant = match &top {
                Some(t) => en_zh(
                    lang,
                    format!(
                        "the top rep’s share: “{}”; every rep is in the breakdown",
                        t.key
                    ),
                    format!("最高者的占比：“{}”；每位销售见细分", t.key),
                ),
                None => String::new(),
            };
            let k = b.push(
                "revenue_share_by_rep",
                top.as_ref().and_then(|t| t.value),
                variant,
                &none_won,
            );
            k.numerator = top.as_ref().and_then(|t| t.numerator);
            k.denominator = Some(total);
            k.breakdowns.insert("owner".into(), rows);
        }

        if has_created && has_closed {
            let win = a.win_rate();
            let avg = ratio(a.won_amount, a.won_with_amount as f64);
            let velocity = match (win, avg, mean_cycle) {
                (Some(w), Some(s), Some(c)) if c > 0.0 => Some(a.open as f64 * w * s / c),
                _ => None,
            };
            let note = en_zh(
                lang,
                "needs won and lost deals with amounts and a positive mean cycle in the period"
                    .into(),
                "需要本周期有带金额的赢单、输单商机，且平均周期大于 0".into(),
            );
            let k = b.push(
                "sales_velocity",
                velocity,
                en_zh(
                    lang,
                    "open deals at the period end × win rate × average deal size ÷ mean cycle days"
                        .into(),
                    "期末在途商机数 × 赢单率 × 平均成交金额 ÷ 平均周期天数".into(),
                ),
                &note,
            );
            k.details.insert("open_deals".into(), a.open as f64);
            if let Some(c) = mean_cycle {
                k.details.insert("mean_cycle_days".into(), c);
            }
        }
    }

    if let Some(stage) = &d.stage {
        let fold = |s: &str| crate::engine::case::lower(s.trim());
        let mut order: Vec<usize> = (1..stage.names.len())
            .filter(|i| p.by_stage[*i].0 > 0)
            .collect();
        let class = |i: usize| {
            crate::engine::value::outcome_of(&stage.names[i]).map_or(0, |o| match o {
                Outcome::Open => 0,
                Outcome::Won => 1,
                Outcome::Lost => 2,
                Outcome::Invalid => 3,
            })
        };
        let known = |i: usize| {
            STAGE_ORDER
                .iter()
                .position(|s| *s == fold(&stage.names[i]))
                .unwrap_or(usize::MAX)
        };
        let key = |i: usize| (class(i), known(i), std::cmp::Reverse(p.by_stage[i].0));
        super::sort_list(&mut order, |a, b| key(*a).cmp(&key(*b)));
        if p.by_stage.first().is_some_and(|s| s.0 > 0) {
            order.push(0);
        }
        let total: u64 = order.iter().map(|i| p.by_stage[*i].0).sum();
        let rows: Vec<BreakdownRow> = order
            .iter()
            .map(|i| BreakdownRow {
                key: stage.names[*i].clone(),
                value: Some(p.by_stage[*i].0 as f64),
                numerator: None,
                denominator: None,
                count: p.by_stage[*i].0,
                amount: Some(p.by_stage[*i].1),
            })
            .collect();
        let k = b.push("stage_funnel", Some(total as f64), en_zh(lang, "deals created in the period, by their current stage (open stages first, in pipeline order where known)".into(), "本周期新建商机按当前阶段统计（进行中阶段在前，已知顺序时按流程排列）".into()), "");
        k.breakdowns.insert("stage".into(), rows);
    }

    if let Some(touched) = &d.touched {
        let as_of = period.bounds().map(|(_, e)| e).or(d.last_day);
        if let Some(as_of) = as_of {
            let bounds = period.minute_bounds();
            let (mut open, mut stale) = (0u64, 0u64);
            let (placing, touched) = (Placing::of(d), touched.as_slice());
            for r in 0..d.rows {
                if !placing.at(r, bounds).open_at_end {
                    continue;
                }
                let last = touched[r]
                    .get()
                    .or_else(|| placing.created.and_then(|c| c[r].get()))
                    .map(day_of);
                if let Some(last) = last {
                    open += 1;
                    stale += u64::from(as_of - last > 30);
                }
            }
            let note = en_zh(
                lang,
                "no open deal with a date at the period end".into(),
                "期末没有带日期的在途商机".into(),
            );
            let k = b.push(
                "stale_deal_share",
                ratio(stale as f64, open as f64),
                en_zh(
                    lang,
                    format!(
                        "open deals not updated in the 30 days before {}",
                        date_of_day(as_of)
                    ),
                    format!("截至 {} 超过 30 天未更新的在途商机占比", date_of_day(as_of)),
                ),
                &note,
            );
            k.numerator = Some(stale as f64);
            k.denominator = Some(open as f64);
        }
    }

    if let (Some(o), Some(_)) = (&d.owner, &first_won) {
        let mut per_owner = vec![0u64; o.names.len()];
        for r in &new_rows {
            per_owner[o.get(*r) as usize] += 1;
        }
        let reps = p
            .by_owner
            .iter()
            .enumerate()
            .filter(|(i, a)| *i != 0 && a.seen)
            .count();
        let mut rows: Vec<BreakdownRow> = per_owner
            .iter()
            .enumerate()
            .filter(|(i, n)| **n > 0 || p.by_owner[*i].seen)
            .map(|(i, n)| BreakdownRow {
                key: o.name(i as u32).into(),
                value: Some(*n as f64),
                numerator: None,
                denominator: None,
                count: *n,
                amount: None,
            })
            .collect();
        super::sort_list(&mut rows, |a, b| {
            b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key))
        });
        let note = en_zh(
            lang,
            "no rep owns a deal in this period".into(),
            "本周期没有销售负责商机".into(),
        );
        let k = b.push("new_customers_by_rep", ratio(new_rows.len() as f64, reps as f64), en_zh(lang, format!("new customers ÷ the {reps} reps with a deal in the period; per rep in the breakdown"), format!("新客户数 ÷ 本周期有商机的 {reps} 位销售；每人见细分")), &note);
        k.numerator = Some(new_rows.len() as f64);
        k.denominator = Some(reps as f64);
        k.breakdowns.insert("owner".into(), rows);
    }

    if d.deal_type.is_some() && has_status {
        let (won, closed) = p.renewal;
        let note = en_zh(
            lang,
            "no renewal deal was closed in this period".into(),
            "本周期没有已关闭的续约商机".into(),
        );
        let k = b.push("renewal_rate", ratio(won as f64, closed as f64), en_zh(lang, "renewal deals won ÷ renewal deals closed in the period (deal type names a renewal)".into(), "本周期续约商机赢单数 ÷ 已关闭的续约商机数（按商机类型识别续约）".into()), &note);
        k.numerator = Some(won as f64);
        k.denominator = Some(closed as f64);
    }

    if let (Some(src), Some(_)) = (&d.source, &first_won) {
        let referred = new_rows
            .iter()
            .filter(|r| is_referral(src.name(src.get(**r))))
            .count();
        let note = en_zh(
            lang,
            "no new customer in this period".into(),
            "本周期没有新客户".into(),
        );
        let k = b.push(
            "referral_rate",
            ratio(referred as f64, new_rows.len() as f64),
            en_zh(
                lang,
                "new customers whose first won deal came from a referral source ÷ new customers"
                    .into(),
                "首个赢单商机来源为转介绍的新客户 ÷ 新客户数".into(),
            ),
            &note,
        );
        k.numerator = Some(referred as f64);
        k.denominator = Some(new_rows.len() as f64);
    }

    if !d.completeness.is_empty() {
        let (filled, cells) = d
            .completeness
            .iter()
            .fold((0usize, 0usize), |(f, c), (_, fi, ce)| (f + fi, c + ce));
        let rows = d
            .completeness
            .iter()
            .map(|(role, f, c)| BreakdownRow {
                key: role.id().into(),
                value: ratio(*f as f64, *c as f64),
                numerator: Some(*f as f64),
                denominator: Some(*c as f64),
                count: *c as u64,
                amount: None,
            })
            .collect();
        let fields: Vec<&str> = d
            .completeness
            .iter()
            .map(|(r, _, _)| r.label(lang))
            .collect();
        let k = b.push(
            "data_completeness",
            ratio(filled as f64, cells as f64),
            en_zh(
                lang,
                format!("all rows of the deals table, over: {}", fields.join(", ")),
                format!("商机表全部行，字段：{}", fields.join("、")),
            ),
            "",
        );
        k.numerator = Some(filled as f64);
        k.denominator = Some(cells as f64);
        k.breakdowns.insert("field".into(), rows);
    }

    if let (Some(o), Some(_)) = (&d.owner, &d.created) {
        let days = match period.bounds() {
            Some((s, e)) => Some(e - s + 1),
            // The days of the least and the greatest minute.
            None => d.minute_ranges[0].map(|(lo, hi)| day_of(hi) - day_of(lo) + 1),
        };
        let active = p
            .by_owner
            .iter()
            .enumerate()
            .filter(|(i, a)| *i != 0 && a.created > 0)
            .count();
        let created_n: u64 = p.by_owner.iter().skip(1).map(|a| a.created).sum();
        let value =
            days.and_then(|days| ratio(created_n as f64, active as f64 * f64::from(days) / 7.0));
        let note = en_zh(
            lang,
            "no deal with an owner was created in this period".into(),
            "本周期没有带负责人的新建商机".into(),
        );
        let k = b.push(
            "user_engagement",
            value,
            en_zh(
                lang,
                format!(
                    "deals created ÷ {active} active owners ÷ {:.1} weeks",
                    f64::from(days.unwrap_or(0)) / 7.0
                ),
                format!(
                    "新建商机数 ÷ {active} 位活跃用户 ÷ {:.1} 周",
                    f64::from(days.unwrap_or(0)) / 7.0
                ),
            ),
            &note,
        );
        k.numerator = Some(created_n as f64);
        k.denominator = Some(active as f64);
        k.breakdowns.insert(
            "owner".into(),
            rows_of(&p.by_owner, Some(o), |a| {
                row(Some(a.created as f64), None, None, a.created)
            }),
        );
    }

    // Catalogue order, so every face lists KPIs the same way.
    in_catalogue_order(&mut b.out);
    (summary, b.out)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod month_sums {
    use proptest::prelude::*;

    proptest! {
        /// Sums by month through the month slots equal those of a map from (year, month)
        /// to sum filled in the same order, to the last bit: days in any order, far apart
        /// (slots reused), before 1970 and across year ends.
        #[test]
        fn month_sums_are_a_maps_sums(
            values in proptest::collection::vec((-800_000i32..800_000, -1e9f64..1e9), 0..300),
            near in proptest::collection::vec((19_000i32..19_800, 0.0f64..1e5), 0..300),
        ) {
            let mut month_of = super::MonthOf::default();
            let mut sums = super::MonthSums::default();
            let mut map = std::collections::BTreeMap::new();
            for (day, v) in values.into_iter().chain(near) {
                sums.add(month_of.get(day), v);
                *map.entry(super::year_month(day)).or_insert(0.0) += v;
            }
            prop_assert_eq!(super::month_map(&sums).into_iter().collect::<Vec<_>>(), map.into_iter().collect::<Vec<_>>());
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::{analyze, Options, Period};

    /// A period's pass the plain way: every row that touches the period adds all of its
    /// figures (zeros included) to its accumulators.
    fn reference_pass(d: &crate::engine::dataset::Deals, period: Period) -> super::Pass {
        use super::{year_month, Acc, Outcome, Placing};
        use crate::engine::value::day_of;
        let mut p = super::Pass::empty(d);
        let bounds = period.minute_bounds();
        // The open amounts and weighted amounts of each accumulator (the whole period's,
        // each owner's, each lead source's, each other dimension's), summed exactly.
        let scale = super::open_scale(d);
        let sizes = [1, p.by_owner.len(), p.by_source.len()];
        let sizes = sizes.into_iter().chain(p.by_extra.iter().map(Vec::len));
        let mut exact: Vec<Vec<[crm_kpi_scan::pass::Exact; 2]>> =
            sizes.map(|n| vec![Default::default(); n]).collect();
        for r in 0..d.rows {
            let pl = Placing::of(d).at(r, bounds);
            if !(pl.created_in || pl.closed_in || pl.open_at_end) {
                continue;
            }
            let (o, amount) = (d.outcome[r], d.amount.as_ref().and_then(|a| a[r].get()));
            let created = d.created.as_ref().and_then(|c| c[r].get());
            let closed = d.closed.as_ref().and_then(|c| c[r].get()).map(day_of);
            let mut acc = Acc {
                seen: true,
                ..Acc::default()
            };
            let mut cycle = None;
            if pl.created_in {
                acc.created = 1;
                acc.invalid = u64::from(o == Outcome::Invalid);
                if let Some(stage) = &d.stage {
                    let s = &mut p.by_stage[stage.get(r) as usize];
                    s.0 += 1;
                    s.1 += amount.unwrap_or(0.0);
                }
            }
            if pl.closed_in {
                acc.closed_without_date = u64::from(closed.is_none());
                if o == Outcome::Won {
                    acc.won = 1;
                    if let Some(a) = amount {
                        acc.won_amount = a;
                        acc.won_with_amount = 1;
                        if let Some(c) = d.cost.as_ref().and_then(|c| c[r].get()) {
                            acc.won_revenue_with_cost = a;
                            acc.won_cost = c;
                            acc.won_with_cost = 1;
                        }
                    }
                    cycle = closed.zip(created).map(|(z, c)| z - day_of(c));
                    if let Some(z) = closed {
                        *p.by_month.or_insert(year_month(z), 0.0) += amount.unwrap_or(0.0);
                    }
                } else {
                    acc.lost = 1;
                }
                if d.deal_type
                    .as_ref()
                    .is_some_and(|t| super::is_renewal(t.name(t.get(r))))
                {
                    p.renewal.1 += 1;
                    p.renewal.0 += u64::from(o == Outcome::Won);
                }
            }
            let owner = d.owner.as_ref().map_or(0, |i| i.get(r) as usize);
            let source = d.source.as_ref().map_or(0, |i| i.get(r) as usize);
            if pl.open_at_end {
                acc.open = 1;
                acc.open_with_amount = u64::from(amount.is_some());
                let mut weighted = 0.0;
                if let (Some(a), Some(prob)) =
                    (amount, d.probability.as_ref().and_then(|p| p[r].get()))
                {
                    weighted = a * prob;
                    acc.open_with_probability = 1;
                }
                let extras = d
                    .extra_dimensions()
                    .into_iter()
                    .map(|(_, dim)| dim.get(r) as usize);
                let at = [0, owner, source].into_iter().chain(extras);
                for (sums, i) in exact.iter_mut().zip(at) {
                    sums[i][0].add(
                        crm_kpi_scan::pass::Exact::of(amount.unwrap_or(0.0), scale),
                        1,
                    );
                    sums[i][1].add(crm_kpi_scan::pass::Exact::of(weighted, scale), 1);
                }
            }
            let merge_row = |a: &mut Acc| {
                a.merge(&acc);
                a.cycles.extend(cycle);
            };
            merge_row(&mut p.by_owner[owner]);
            merge_row(&mut p.by_source[source]);
            for (accs, (_, dim)) in p.by_extra.iter_mut().zip(d.extra_dimensions()) {
                merge_row(&mut accs[dim.get(r) as usize]);
            }
            merge_row(&mut p.all);
        }
        let dims = [&mut p.by_owner, &mut p.by_source];
        let accs = std::iter::once(std::slice::from_mut(&mut p.all))
            .chain(dims.into_iter().map(|v| &mut v[..]))
            .chain(p.by_extra.iter_mut().map(|v| &mut v[..]));
        for (accs, sums) in accs.zip(&exact) {
            for (a, [amount, weighted]) in accs.iter_mut().zip(sums).filter(|(a, _)| a.open > 0) {
                a.open_amount = amount.value(scale);
                a.open_weighted = weighted.value(scale);
            }
        }
        p
    }

    #[test]
    fn a_walk_over_months_sums_the_whole_range_won_revenue_by_month_on_the_way() {
        use super::{day_of, year_month, Outcome};
        let csv = crate::sample::generate(3000, 7);
        let mut wb = crate::engine::Workbook::new();
        assert!(wb.add("deals.csv", csv.as_bytes()).is_ok());
        let d = wb.tables()[0].deals.as_ref().unwrap();
        assert!(d.won_by_month.get().is_none());
        // Each won deal with a close date and an amount, month by month, in file order.
        let (closed, amount) = (d.closed.as_ref().unwrap(), d.amount.as_ref().unwrap());
        let mut want = crate::engine::sorted_map::SortedMap::new();
        for r in 0..d.rows {
            if let (Outcome::Won, Some(z), Some(v)) =
                (d.outcome[r], closed[r].get(), amount[r].get())
            {
                *want.or_insert(year_month(day_of(z)), 0.0) += v;
            }
        }
        // Months late in the data: most won deals closed before them, and the walk passes
        // over those; it goes in slices, as the worker's walk ahead does.
        let months: Vec<Period> = (3..=5).map(|m| Period::Month(2025, m)).collect();
        let mut walk = super::Walk::every(d, months);
        while !walk.step(d, 1000) {}
        walk.finish(d);
        let got = d.won_by_month.get().expect("summed on the way");
        assert!(want.len() > 12, "{}", want.len());
        assert_eq!(*got, want);
    }

    #[test]
    fn one_walk_over_many_periods_gives_each_period_its_own_pass() {
        let mut csv = crate::sample::generate(3000, 11);
        // Deals closed before they were created: before the months below start, and within
        // them but created after every period ends.
        csv.push_str(
            "9001,Odd A,Acme,Closed Won,500,,2025-04-02 10:00,2024-11-30 10:00,Ann,Website,,,,\n\
             9002,Odd B,Acme,Closed Lost,700,,2025-07-09 10:00,2024-06-01 10:00,Ann,Website,,,,\n\
             9003,Odd C,Acme,Closed Won,900,,2027-02-01 10:00,2025-05-10 10:00,Ann,Website,,,,\n\
             9004,Odd D,Acme,Closed Lost,300,,2027-03-01 10:00,2025-08-20 10:00,Ann,Website,,,,\n",
        );
        // Open deals created on no known day: open at the end of every period.
        csv.push_str(
            "9005,Odd E,Acme,Qualified to Buy,650,40,,,Ann,Website,,,,\n\
             9006,Odd F,Acme,Qualified to Buy,250,,,,Bo,Referral,,,,\n",
        );
        let mut wb = crate::engine::Workbook::new();
        assert!(wb.add("deals.csv", csv.as_bytes()).is_ok());
        let d = wb.tables()[0].deals.as_ref().unwrap();
        let mut periods = vec![Period::All];
        for p in [
            "2025",
            "2025-Q2",
            "2025-01-10..2025-03-05",
            "2024-12-01..2026-12-31",
        ] {
            periods.extend(Period::parse(p));
        }
        for m in 1..=12 {
            periods.push(Period::Month(2025, m));
        }
        let many = super::Pass::run_many(d, &periods);
        assert_eq!(many.len(), periods.len());
        assert!(d.probability.is_some());
        for (p, pass) in periods.iter().zip(&many) {
            // Compared whole, reported short.
            assert!(*pass == reference_pass(d, *p), "{p}: {:?}", pass.all);
            assert!(*pass == super::Pass::run(d, *p), "{p}");
        }
        // Walked a slice of rows at a time, as the worker walks ahead: the whole range's
        // loop lists each slice's rows for the other periods.
        let mut walk = super::Walk::every(d, periods.clone());
        while !walk.step(d, 777) {}
        assert!(walk.finish(d).1 == many);
        // The periods are not empty ones: each holds closed and open deals.
        assert!(many[1..]
            .iter()
            .all(|p| p.all.won > 0 && p.all.open > 0 && p.all.created > 0));
        // Without the whole range, deals closed before the first period starts are passed
        // over, but not those created within a period.
        let months = &periods[periods.len() - 12..];
        for (p, pass) in months.iter().zip(super::Pass::run_many(d, months)) {
            assert!(pass == reference_pass(d, *p), "{p}: {:?}", pass.all);
        }
        // Months in any order (a review gives its period first), one of them twice.
        let mut mixed: Vec<Period> = months.iter().rev().copied().collect();
        mixed.swap(2, 7);
        mixed.push(months[4]);
        for (p, pass) in mixed.iter().zip(super::Pass::run_many(d, &mixed)) {
            assert!(pass == reference_pass(d, *p), "{p}: {:?}", pass.all);
        }
        // Months with gaps between them (looked up by day), and months over a century apart
        // (counted row by row).
        for set in [
            [(2024, 12), (2025, 3), (2025, 4), (2025, 8)],
            [(1901, 6), (2025, 2), (2025, 5), (2025, 6)],
        ] {
            let gapped: Vec<Period> = set.iter().map(|(y, m)| Period::Month(*y, *m)).collect();
            for (p, pass) in gapped.iter().zip(super::Pass::run_many(d, &gapped)) {
                assert!(pass == reference_pass(d, *p), "{p}: {:?}", pass.all);
            }
        }
    }

    /// With the close-date column left unused, won and lost deals have no close date: the
    /// walk passes over those created before every dated period, and each period's pass is
    /// still the plain way's.
    #[test]
    fn a_walk_without_close_dates_gives_each_period_its_own_pass() {
        use crate::engine::Role;
        let csv = crate::sample::generate(3000, 11);
        let mut wb = crate::engine::Workbook::new();
        assert!(wb.add("deals.csv", csv.as_bytes()).is_ok());
        let mut mapping: Vec<Option<Role>> =
            wb.tables()[0].columns.iter().map(|c| c.role).collect();
        let close = mapping.iter().position(|r| *r == Some(Role::ClosedAt));
        mapping[close.expect("the sample has a close date")] = None;
        wb.remap(0, Some(&mapping));
        let d = wb.tables()[0].deals.as_ref().unwrap();
        assert!(d.closed.is_none());
        let mut periods = vec![Period::All];
        periods.extend(Period::parse("2025-Q2"));
        for m in 1..=12 {
            periods.push(Period::Month(2025, m));
        }
        let many = super::Pass::run_many(d, &periods);
        for (p, pass) in periods.iter().zip(&many) {
            assert!(*pass == reference_pass(d, *p), "{p}: {:?}", pass.all);
        }
        // Deals won or lost, counted in the whole range, closed without a date; open deals in
        // every month.
        assert!(many[0].all.won > 0 && many[0].all.closed_without_date > 0);
        assert!(many[2..].iter().all(|p| p.all.open > 0 && p.all.won == 0));
        let months = &periods[2..];
        for (p, pass) in months.iter().zip(super::Pass::run_many(d, months)) {
            assert!(pass == reference_pass(d, *p), "{p}: {:?}", pass.all);
        }
    }

    /// The whole range's pass is the plain way's to the last bit: with costs,
    /// probabilities, void deals, won and lost deals without a close or create date, zero
    /// and negative amounts and a negative zero, in one walk with months and alone, and
    /// walked a few rows at a time.
    #[test]
    fn the_whole_ranges_pass_is_the_plain_ways() {
        let mut csv = String::from(
            "Deal Name,Amount,Cost,Probability,Stage,Create Date,Close Date,Owner,Lead Source,Deal Type,Product\n",
        );
        let stages = [
            "Closed Won",
            "Closed Lost",
            "Proposal",
            "作废",
            "Closed Won",
            "Qualification",
        ];
        let amounts = ["1200.5", "", "-0", "0", "-350", "99.99", "1e3", "7"];
        for i in 0..240usize {
            let created = if i % 17 == 3 {
                String::new()
            } else {
                format!("2024-{:02}-{:02} 09:{:02}", 1 + i % 12, 1 + i % 28, i % 60)
            };
            let closed = if i % 11 == 5 {
                String::new()
            } else {
                format!("2024-{:02}-{:02}", 1 + (i * 7) % 12, 1 + (i * 3) % 28)
            };
            let cost = if i % 3 == 0 {
                format!("{}", i * 5)
            } else {
                String::new()
            };
            let prob = if i % 4 == 1 {
                String::new()
            } else {
                format!("{}%", (i * 13) % 101)
            };
            csv.push_str(&format!(
                "D{i},{},{cost},{prob},{},{created},{closed},{},{},{},{}\n",
                amounts[i % amounts.len()],
                stages[i % stages.len()],
                ["Ann", "Bob", "", "Cy"][i % 4],
                ["Web", "Referral", ""][i % 3],
                ["Renewal", "New Business"][i % 2],
                ["X", "Y", "Z", ""][(i / 3) % 4],
            ));
        }
        let wb = crate::engine::loaded("deals.csv", &csv);
        let d = wb.tables()[0].deals.as_ref().unwrap();
        assert!(d.cost.is_some() && d.probability.is_some() && d.deal_type.is_some());
        assert!(d
            .amount
            .as_ref()
            .unwrap()
            .iter()
            .filter_map(|a| a.get())
            .any(|a| a.to_bits() == (-0.0f64).to_bits()));
        let reference = reference_pass(d, Period::All);
        assert!(
            reference.all.won > 0 && reference.all.invalid > 0 && reference.all.won_with_cost > 0
        );
        assert!(reference.all.closed_without_date > 0 && reference.renewal.1 > 0);
        assert!(super::Pass::run(d, Period::All) == reference);
        let with_months = [Period::Month(2024, 3), Period::All, Period::Month(2024, 4)];
        let many = super::Pass::run_many(d, &with_months);
        assert!(many[1] == reference);
        for (p, pass) in with_months.iter().zip(&many) {
            assert!(*pass == reference_pass(d, *p), "{p}");
        }
        let mut walk = super::Walk::every(d, vec![Period::All]);
        while !walk.step(d, 7) {}
        assert!(walk.finish(d).1[0] == reference);
    }

    /// A customer's first won deal is the one closed on the earliest day, the first in the
    /// file among those of that day (whatever their times); lost deals and won deals
    /// without a close date or customer do not make a customer new.
    #[test]
    fn a_customers_first_won_deal_is_the_first_row_of_its_earliest_day() {
        let csv = "Deal Name,Account Name,Amount,Stage,Create Date,Close Date,Owner,Lead Source\n\
            A,Acme,100,Closed Lost,2024-01-01,2024-03-02,Cy,Web\n\
            B,Acme,100,Closed Won,2024-02-01,2024-03-05 15:00,Ann,Web\n\
            C,Acme,100,Closed Won,2024-02-01,2024-03-05 09:00,Bob,Referral\n\
            D,Acme,100,Closed Won,2024-02-01,,Cy,Web\n\
            E,Beta,100,Closed Lost,2024-02-01,2024-03-01,Bob,Web\n\
            F,,100,Closed Won,2024-02-01,2024-03-20,Cy,Web\n\
            G,Cato,100,Closed Won,2024-02-01,2024-04-02,Bob,Referral\n\
            H,Cato,100,Closed Won,2024-02-01,2024-03-30,Cy,Web\n";
        let r = analyze(
            &[("t.csv", csv.as_bytes())],
            &Options {
                period: Period::parse("2024-03").unwrap(),
                review: false,
                ..Options::default()
            },
        );
        let k = |id: &str| r.kpis.iter().find(|k| k.id == id).cloned().unwrap();
        // Acme (row B, Ann's, the first of 5 March) and Cato (row H, 30 March).
        assert_eq!(k("new_customers").value, Some(2.0));
        let per_rep: Vec<(String, Option<f64>)> = k("new_customers_by_rep").breakdowns["owner"]
            .iter()
            .filter(|x| x.value.is_some_and(|v| v > 0.0))
            .map(|x| (x.key.clone(), x.value))
            .collect();
        assert_eq!(
            per_rep,
            [("Ann".into(), Some(1.0)), ("Cy".into(), Some(1.0))]
        );
        // Neither of the two came by referral (row C and row G did, but are not first).
        assert_eq!(k("referral_rate").value, Some(0.0));
    }

    /// Five deals, every figure below worked out by hand in the comments.
    const CSV: &str =
        "Deal Name,Account Name,Amount,Stage,Create Date,Close Date,Owner,Lead Source\n\
        A,Acme,100,Closed Won,2024-01-01,2024-01-11,Ann,Referral\n\
        B,Beta,300,Closed Won,2024-01-05,2024-01-25,Bob,Web\n\
        C,Cato,50,Closed Lost,2024-01-06,2024-01-16,Bob,Web\n\
        D,Dino,200,Proposal,2024-01-10,,Ann,Web\n\
        E,,,Qualification,2024-01-15,,,\n";

    fn kpi(id: &str) -> crate::engine::KpiResult {
        let r = analyze(
            &[("t.csv", CSV.as_bytes())],
            &Options {
                period: Period::All,
                ..Options::default()
            },
        );
        r.kpi(id).cloned().unwrap_or_else(|| panic!("{id} missing"))
    }

    fn near(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    #[test]
    fn growth_of_an_unknown_revenue_is_unknown_not_minus_everything() {
        // March's won deals have amounts; April's two won deals have none.
        let csv = "Deal Name,Deal Stage,Amount,Create Date,Close Date\n\
                   A,Closed Won,100,2024-03-01,2024-03-10\n\
                   B,Closed Won,,2024-04-01,2024-04-10\n\
                   C,Closed Won,,2024-04-02,2024-04-12\n";
        let opts = Options {
            period: Period::Month(2024, 4),
            ..Options::default()
        };
        let r = analyze(&[("t.csv", csv.as_bytes())], &opts);
        let k = r.kpi("revenue_growth").unwrap();
        assert_eq!((k.value, k.numerator), (None, None));
        assert_eq!(
            k.note.as_deref(),
            Some("none of the 2 won deals has an amount")
        );
    }

    #[test]
    fn a_sum_without_one_amount_is_unknown_not_zero() {
        // A KPI of the fixture with the amounts of some deals (by name) taken out, and its
        // value for Ann, Bob and the blank owner.
        let without = |deals: &[&str], id: &str| {
            let csv = CSV
                .lines()
                .map(|l| match l.split(',').collect::<Vec<_>>()[..] {
                    [name, account, _, ref rest @ ..] if deals.contains(&name) => {
                        format!("{name},{account},,{}\n", rest.join(","))
                    }
                    _ => format!("{l}\n"),
                })
                .collect::<String>();
            let opts = Options {
                period: Period::All,
                ..Options::default()
            };
            let r = analyze(&[("t.csv", csv.as_bytes())], &opts);
            let k = r.kpi(id).cloned().unwrap_or_else(|| panic!("{id}"));
            let owner = |key: &str| {
                k.breakdowns["owner"]
                    .iter()
                    .find(|r| r.key == key)
                    .map(|r| r.value)
            };
            let owners = (owner("Ann"), owner("Bob"), owner(""));
            (k, owners)
        };
        // D's amount taken out: neither open deal (D, E) has one. Ann's open deal D has
        // none, E's blank owner neither; Bob has no open deal, so his pipeline is 0.
        let (k, owners) = without(&["D"], "pipeline_value");
        assert_eq!(k.value, None);
        assert_eq!(
            k.note.as_deref(),
            Some("none of the 2 open deals has an amount")
        );
        assert_eq!(owners, (Some(None), Some(Some(0.0)), Some(None)));
        // The open deals are still counted.
        assert_eq!(k.denominator, Some(2.0));
        // So is revenue when no won deal has an amount (A and B taken out): Ann's won
        // deal A has none, Bob's B neither; nobody else won a deal.
        let (k, owners) = without(&["A", "B"], "revenue");
        assert_eq!(k.value, None);
        assert_eq!(
            k.note.as_deref(),
            Some("none of the 2 won deals has an amount")
        );
        assert_eq!(owners, (Some(None), Some(None), Some(Some(0.0))));
        // With the amounts (the fixture as it is), the sum is known: 200.
        assert!(near(kpi("pipeline_value").value, 200.0));
    }

    #[test]
    fn each_deal_kpi_on_a_hand_computed_fixture() {
        // won A, B; lost C; open D, E.
        assert!(near(kpi("win_rate").value, 2.0 / 3.0));
        assert!(near(kpi("average_deal_size").value, 200.0)); // (100 + 300) / 2
        assert!(near(kpi("sales_cycle_days").value, 15.0)); // cycles 10 and 20
        assert!(near(kpi("pipeline_value").value, 200.0)); // D; E has no amount
                                                           // 2 open × 2/3 × 200 ÷ mean cycle 15
        assert!(near(
            kpi("sales_velocity").value,
            2.0 * (2.0 / 3.0) * 200.0 / 15.0
        ));
        // Referral 1 of 1 closed, Web 1 of 2: no source has 5 closed deals, so the best named one.
        let best = kpi("source_win_rate");
        assert!(
            near(best.value, 1.0) && best.variant.contains("Referral"),
            "{}",
            best.variant
        );
        // Open stages first (Qualification is known to come before Proposal), then won, lost.
        let funnel = kpi("stage_funnel");
        assert!(near(funnel.value, 5.0));
        let stages: Vec<(&str, u64, Option<f64>)> = funnel.breakdowns["stage"]
            .iter()
            .map(|r| (r.key.as_str(), r.count, r.amount))
            .collect();
        assert_eq!(
            stages,
            [
                ("Qualification", 1, Some(0.0)),
                ("Proposal", 1, Some(200.0)),
                ("Closed Won", 2, Some(400.0)),
                ("Closed Lost", 1, Some(50.0))
            ]
        );
        // Bob 300 of 400.
        let share = kpi("revenue_share_by_rep");
        assert!(near(share.value, 0.75));
        let keys: Vec<&str> = share.breakdowns["owner"]
            .iter()
            .map(|r| r.key.as_str())
            .collect();
        assert_eq!(keys, ["Bob", "Ann", ""], "blank owner last");
        // Acme and Beta are new; two reps own deals.
        assert!(near(kpi("new_customers").value, 2.0));
        assert!(near(kpi("new_customers_by_rep").value, 1.0));
        assert!(near(kpi("referral_rate").value, 0.5));
        // name 5, customer 4, amount 4, stage 5, owner 4, created 5, source 4 of 5 each; close 3 of 3.
        assert!(near(kpi("data_completeness").value, 34.0 / 38.0));
        // 4 deals with an owner, 2 owners, created over 15 days.
        assert!(near(kpi("user_engagement").value, 4.0 / 2.0 / (15.0 / 7.0)));
    }
}
