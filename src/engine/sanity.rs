//! Data sanity: what looks like an entry mistake or a gamed number. Each warning lists the
//! rows concerned; nothing is corrected or left out because of it.

use crate::engine::dataset::{IssueKind, Moved, Table};
use crate::engine::kpi::{median, median_f64, Acc};
use crate::engine::kpi_tables::duplicate_lines;
use crate::engine::report::Warning;
use crate::engine::schema::{Role, TableKind};
use crate::engine::value::{date_of_day, day_of, MaybeMinute, MaybeNumber, Minutes, Outcome};
use crate::engine::Options;
use crate::i18n::Lang;

/// Rows listed per warning; the count has them all.
const LISTED: usize = 200;
/// Records sharing one timestamp (to the minute) that count as a bulk entry.
const BULK: usize = 20;
// Minutes are counted in bytes.
const _: () = assert!(BULK <= u8::MAX as usize);

/// A message in English and in Chinese.
type Texts = (String, String);

/// A warning in both languages: the workbook keeps these, so that a change of language does
/// not look at every row again.
#[derive(Clone, Debug)]
pub struct Found {
    /// With its message in English.
    warning: Warning,
    zh: String,
}

impl Found {
    pub fn in_lang(&self, lang: Lang) -> Warning {
        let mut w = self.warning.clone();
        if lang == Lang::Zh {
            w.message.clone_from(&self.zh);
        }
        w
    }
}

fn warning(kind: &str, file: &str, (en, zh): Texts, mut lines: Vec<u64>) -> Found {
    lines.sort_unstable();
    lines.dedup();
    let count = lines.len();
    lines.truncate(LISTED);
    Found {
        warning: Warning {
            kind: kind.into(),
            file: file.into(),
            message: en,
            lines,
            count,
        },
        zh,
    }
}

/// A date column: its header, its values, the file line of each, and its greatest minute
/// when the table knows it (a deals table's create and close dates).
type DateColumn<'a> = (String, &'a [MaybeMinute], &'a [u32], Option<Minutes>);

/// Every date column of a table with its header, row by row.
fn date_columns(t: &Table) -> Vec<DateColumn<'_>> {
    let header = |role: Role| {
        t.columns
            .iter()
            .find(|c| c.role == Some(role))
            .map_or_else(|| role.id().to_string(), |c| c.header.clone())
    };
    let mut out = Vec::new();
    if let Some(d) = &t.deals {
        let [created, closed] = d.minute_ranges.map(|r| r.map(|(_, hi)| hi));
        if let Some(c) = &d.created {
            out.push((
                header(Role::CreatedAt),
                c.as_slice(),
                d.lines.as_slice(),
                created,
            ));
        }
        if let Some(c) = &d.closed {
            let role = d.close_from.unwrap_or(Role::ClosedAt);
            out.push((header(role), c.as_slice(), d.lines.as_slice(), closed));
        }
    }
    if let Some(r) = &t.records {
        for (role, col) in &r.dates {
            out.push((header(*role), col.as_slice(), r.lines.as_slice(), None));
        }
    }
    out
}

/// Amounts of a table with their lines: deal amounts, or order amounts.
fn amounts(t: &Table) -> Option<(&[MaybeNumber], &[u32])> {
    if let Some(d) = &t.deals {
        return Some((d.amount.as_deref()?, &d.lines));
    }
    let r = t.records.as_ref()?;
    if !matches!(t.kind, TableKind::Orders | TableKind::Spend) {
        return None;
    }
    Some((r.number(Role::Amount)?, &r.lines))
}

/// The first and third quartiles of `f(v)` over the values above zero of `values`, for an
/// increasing `f`, interpolated between neighbours as over a sorted list; `None` with fewer
/// than `min` such values. Only the four neighbours go through `f`.
fn positive_quartiles(
    values: &[MaybeNumber],
    f: impl Fn(f64) -> f64,
    min: usize,
) -> Option<(f64, f64)> {
    let min = min.max(1);
    // Where quartile `p` falls among `n` values in order, and its neighbours' ranks.
    let at = |n: usize, p: f64| {
        let x = p * (n - 1) as f64;
        (x, x.floor() as usize, x.ceil() as usize)
    };
    let (n, v) = crm_kpi_scan::cells::positives_at(values, &|n| {
        if n < min {
            return Vec::new();
        }
        let ((_, a, b), (_, c, d)) = (at(n, 0.25), at(n, 0.75));
        vec![a, b, c, d]
    });
    if n < min {
        return None;
    }
    let q = |i: usize, p: f64| {
        let (x, lo, _) = at(n, p);
        let (a, b) = (f(v[i]), f(v[i + 1]));
        a + (b - a) * (x - lo as f64)
    };
    Some((q(0, 0.25), q(2, 0.75)))
}

// The groups of checks [`found`] makes of a table, in the order their warnings are listed.
/// Deals closed before they were created, dates after today.
const DATES: usize = 0;
const AMOUNTS: usize = 1;
const BULK_ENTRIES: usize = 2;
/// Reps' win rates and sales cycles.
const REPS: usize = 3;
/// A customer or lead list's repeated records.
const REPEATS: usize = 4;
/// How many groups there are.
pub const PARTS: usize = 5;

/// Whether a group of checks of a deals table ([`found`]'s `part`) still holds after a change
/// of mapping that moved over the columns `moved` names: it reads nothing else of the table.
pub fn part_holds(part: usize, moved: &Moved) -> bool {
    match part {
        DATES => moved.dates,
        // A deals table's bulk entries read its create dates alone.
        BULK_ENTRIES => moved.created,
        AMOUNTS => moved.amount,
        REPS => moved.dates && moved.owner,
        // Such a table has no deals to move over.
        _ => false,
    }
}

/// Today's day number from the page's clock, when it gave one.
pub fn today(opts: &Options) -> Option<i32> {
    opts.today
        .as_deref()
        .and_then(crate::engine::value::parse_ymd)
}

/// One group of sanity warnings of a table ([`PARTS`]), in both languages
/// ([`Found::in_lang`] picks one). A workbook keeps each group, and a change of mapping
/// works out again only the groups that read a column it changed. `owners`: the whole
/// range's accumulators per owner of the table's deals, when a report has walked them (the
/// reps' check then reads its counts and cycles there instead of walking the rows).
pub fn found(t: &Table, today: Option<i32>, part: usize, owners: Option<&[Acc]>) -> Vec<Found> {
    let tr = |en: String, zh: String| (en, zh);
    let mut out = Vec::new();
    if part == DATES {
        // Closed before created: found while reading, listed here with the other warnings.
        let lines: Vec<u64> = t
            .issues
            .all
            .iter()
            .filter(|i| i.kind == IssueKind::ClosedBeforeCreated)
            .map(|i| i.line)
            .collect();
        if !lines.is_empty() {
            let n = lines.len();
            out.push(warning(
                "closed_before_created",
                &t.file,
                tr(
                    format!("{n} deals were closed before they were created; their cycle is counted as it stands"),
                    format!("{n} 个商机的成交日期早于创建日期；销售周期按原样计算"),
                ),
                lines,
            ));
        }
        if let Some(today) = today {
            // A date is after today from the first minute of tomorrow on.
            let tomorrow = (i64::from(today) + 1) * 24 * 60;
            let ahead = |m: Minutes| i64::from(m) >= tomorrow;
            for (header, col, lines, last) in date_columns(t) {
                // A column's greatest date, known or found by a fast scan, tells whether any
                // row of it need be looked at: in most files none lies ahead.
                let last =
                    last.or_else(|| crm_kpi_scan::cells::minute_range(col).map(|(_, hi)| hi));
                if !last.is_some_and(ahead) {
                    continue;
                }
                let future: Vec<u64> = col
                    .iter()
                    .zip(lines)
                    .filter(|(m, _)| m.get().is_some_and(ahead))
                    .map(|(_, l)| u64::from(*l))
                    .collect();
                // Expected close dates lie ahead by nature.
                if !future.is_empty() && !crate::engine::case::lower(&header).contains("expected") {
                    let n = future.len();
                    out.push(warning(
                        "future_date",
                        &t.file,
                        tr(
                            format!(
                                "{n} rows have a “{header}” after today ({})",
                                date_of_day(today)
                            ),
                            format!("{n} 行的“{header}”晚于今天（{}）", date_of_day(today)),
                        ),
                        future,
                    ));
                }
            }
        }
    }
    if part == AMOUNTS {
        if let Some((amount, lines)) = amounts(t) {
            // Quartiles of the logarithms of the amounts above zero, of 20 or more.
            if let Some((q1, q3)) = positive_quartiles(amount, f64::log10, 20) {
                let iqr = (q3 - q1).max(0.5);
                let (lo, hi) = (q1 - 3.0 * iqr, q3 + 3.0 * iqr);
                // The bounds as amounts: no logarithm per row. (10^x as e^(x ln 10): `powf`
                // would bring in a general power function, 2 KB of code, for two calls.)
                let ten_to = |x: f64| (x * std::f64::consts::LN_10).exp();
                let (low, high) = (ten_to(lo), ten_to(hi));
                let odd: Vec<u64> = amount
                    .iter()
                    .zip(lines)
                    .filter(|(a, _)| a.get().is_some_and(|a| a > 0.0 && (a > high || a < low)))
                    .map(|(_, l)| u64::from(*l))
                    .collect();
                if !odd.is_empty() {
                    let n = odd.len();
                    out.push(warning(
                        "amount_outlier",
                        &t.file,
                        tr(
                            format!("{n} amounts lie far outside the usual range ({low:.0} to {high:.0}); check for a typo or a wrong currency"),
                            format!("{n} 个金额远超常见范围（{low:.0} 至 {high:.0}）；请检查是否录入错误或币种错误"),
                        ),
                        odd,
                    ));
                }
            }
        }
    }
    if part == BULK_ENTRIES {
        bulk_entries(t, &tr, &mut out);
    }
    if let Some(d) = t.deals.as_ref().filter(|_| part == REPS) {
        rep_outliers(t, d, owners, &tr, &mut out);
    }
    if part == REPEATS {
        if let Some(r) = &t.records {
            if matches!(t.kind, TableKind::Customers | TableKind::Leads)
                && (r.text(Role::Customer).is_some() || r.text(Role::Name).is_some())
            {
                let lines = duplicate_lines(r);
                if !lines.is_empty() {
                    let n = lines.len();
                    out.push(warning(
                        "duplicate_customer",
                        &t.file,
                        tr(
                            format!("{n} records repeat an earlier record’s name, email or phone"),
                            format!("{n} 条记录的名称、邮箱或电话与前面的记录重复"),
                        ),
                        lines,
                    ));
                }
            }
        }
    }
    out
}

/// The minutes at least [`BULK`] records share, in ascending order. Counted in an array
/// over the column's span when that is not much longer than the column (a CRM's years of
/// minutes), otherwise found by sorting.
fn crowded_minutes(col: &[MaybeMinute]) -> Vec<Minutes> {
    let Some((lo, hi)) = crm_kpi_scan::cells::minute_range(col) else {
        return Vec::new();
    };
    let span = usize::try_from(i64::from(hi) - i64::from(lo) + 1).unwrap_or(usize::MAX);
    if span <= col.len().saturating_mul(4).max(1 << 16) {
        let mut count = vec![0u8; span];
        crm_kpi_scan::cells::count_minutes(col, lo, &mut count);
        return count
            .iter()
            .enumerate()
            .filter(|(_, c)| usize::from(**c) >= BULK)
            .map(|(i, _)| lo + i as Minutes)
            .collect();
    }
    let mut minutes: Vec<Minutes> = crate::engine::value::minutes(col).collect();
    minutes.sort_unstable();
    minutes
        .chunk_by(|a, b| a == b)
        .filter(|run| run.len() >= BULK)
        .map(|run| run[0])
        .collect()
}

/// Many records created in the same minute: an import or a script, not people at work.
fn bulk_entries(t: &Table, tr: &dyn Fn(String, String) -> Texts, out: &mut Vec<Found>) {
    let (col, lines, timed) = if let Some(d) = &t.deals {
        let Some(c) = &d.created else { return };
        let timed = c
            .iter()
            .any(|m| m.get().is_some_and(|m| m.rem_euclid(1440) != 0));
        (c.as_slice(), d.lines.as_slice(), timed)
    } else if let Some(r) = &t.records {
        let Some(c) = r.date(Role::CreatedAt) else {
            return;
        };
        (
            c,
            r.lines.as_slice(),
            r.timed.get(&Role::CreatedAt) == Some(&true),
        )
    } else {
        return;
    };
    // Date-only columns put every record of a day at midnight: no evidence of bulk entry.
    if !timed {
        return;
    }
    // Lines of one order or invoice share its record id and its time: one record, not a
    // bulk of them.
    let ids = t
        .records
        .as_ref()
        .and_then(|r| r.text(Role::RecordId))
        .map(|i| &i.ids);
    let crowded = crowded_minutes(col);
    // Each crowded minute's lines, in file order, and its records' ids.
    let mut groups: Vec<(Minutes, Vec<u64>, Vec<u64>)> = crowded
        .iter()
        .map(|m| (*m, Vec::new(), Vec::new()))
        .collect();
    if !groups.is_empty() {
        for (i, (x, l)) in col.iter().zip(lines).enumerate() {
            if let Some(k) = x.get().and_then(|m| crowded.binary_search(&m).ok()) {
                groups[k].1.push(u64::from(*l));
                // A row without an id (0: blank) is a record of its own.
                let id = ids.filter(|ids| i < ids.len()).map_or(0, |ids| ids.get(i));
                groups[k].2.push(if id == 0 {
                    (1 << 32) + i as u64
                } else {
                    u64::from(id)
                });
            }
        }
    }
    // (minute, records, lines)
    let bulk: Vec<(Minutes, usize, Vec<u64>)> = groups
        .into_iter()
        .filter_map(|(m, lines, mut records)| {
            records.sort_unstable();
            records.dedup();
            (records.len() >= BULK).then_some((m, records.len(), lines))
        })
        .collect();
    let when = |m: Minutes| {
        format!(
            "{} {:02}:{:02}",
            date_of_day(day_of(m)),
            m.rem_euclid(1440) / 60,
            m.rem_euclid(60)
        )
    };
    // A few such minutes are told one by one; more make one warning, or a file of timed
    // imports would fill the page with them.
    if bulk.len() > 3 {
        let minutes = bulk.len();
        let (top, most) =
            bulk.iter()
                .map(|(m, n, _)| (*m, *n))
                .fold((0, 0), |b, x| if x.1 > b.1 { x } else { b });
        let top = when(top);
        let lines = bulk.into_iter().flat_map(|(_, _, l)| l).collect();
        out.push(warning(
            "bulk_entry",
            &t.file,
            tr(
                format!(
                    "at {minutes} minutes, {BULK} or more records were created at once (the most: {most} at {top}): bulk imports or entries"
                ),
                format!(
                    "有 {minutes} 个时间点（精确到分钟）各有 {BULK} 条以上记录同时创建（最多：{top} 共 {most} 条）：可能是批量导入或录入"
                ),
            ),
            lines,
        ));
        return;
    }
    for (m, n, lines) in bulk {
        let when = when(m);
        out.push(warning(
            "bulk_entry",
            &t.file,
            tr(
                format!(
                    "{n} records were created at the same minute, {when}: a bulk import or entry"
                ),
                format!("{n} 条记录的创建时间完全相同（{when}）：可能是批量导入或录入"),
            ),
            lines,
        ));
    }
}

/// Each owner's won deals, won and lost deals, and the cycles in days of the won deals with
/// both dates, in file order.
fn walk_reps(
    d: &crate::engine::dataset::Deals,
    owner: &crate::engine::dataset::Interned,
) -> (Vec<u32>, Vec<u32>, Vec<Vec<i32>>) {
    let n = owner.names.len();
    let mut won = vec![0u32; n];
    let mut closed = vec![0u32; n];
    let mut cycles: Vec<Vec<i32>> = vec![Vec::new(); n];
    // Every row counted without a branch on its outcome, which falls one way or another
    // from row to row; a won deal's cycle alone needs one. The counts are indexed as slices
    // (a `Vec`'s index is a call in the size-first build) and an owner's id read by its row
    // (the ids' own iterator steps through a closure, a call a row there too).
    let dates = d
        .created
        .as_deref()
        .map(Vec::as_slice)
        .zip(d.closed.as_deref().map(Vec::as_slice));
    let (outcomes, by_won, by_closed, by_cycles) = (
        d.outcome.as_slice(),
        won.as_mut_slice(),
        closed.as_mut_slice(),
        cycles.as_mut_slice(),
    );
    let rows = outcomes.len().min(owner.ids.len());
    for (r, &outcome) in outcomes[..rows].iter().enumerate() {
        let o = owner.ids.get(r) as usize;
        let is_won = outcome == Outcome::Won;
        by_won[o] += u32::from(is_won);
        by_closed[o] += u32::from(matches!(outcome, Outcome::Won | Outcome::Lost));
        if is_won {
            if let Some((Some(c), Some(z))) =
                dates.and_then(|(c, z)| Some((c.get(r)?.get(), z.get(r)?.get())))
            {
                by_cycles[o].push(day_of(z) - day_of(c));
            }
        }
    }
    (won, closed, cycles)
}

/// Reps whose win rate or median cycle is far from the other reps' (3 robust deviations),
/// among reps with at least 10 closed deals, when there are at least 4 of them.
fn rep_outliers(
    t: &Table,
    d: &crate::engine::dataset::Deals,
    owners: Option<&[Acc]>,
    tr: &dyn Fn(String, String) -> Texts,
    out: &mut Vec<Found>,
) {
    let Some(owner) = &d.owner else { return };
    let n = owner.names.len();
    // Each owner's won and closed deals, and the cycles of the won ones with both dates:
    // the whole range's pass counts the same, in the same order.
    let walked;
    let (won, closed, cycles): (Vec<u32>, Vec<u32>, Vec<&[i32]>) =
        match owners.filter(|a| a.len() == n) {
            Some(accs) => (
                accs.iter().map(|a| a.won as u32).collect(),
                accs.iter().map(|a| (a.won + a.lost) as u32).collect(),
                accs.iter().map(|a| a.cycles.as_slice()).collect(),
            ),
            None => {
                let (won, closed, cycles) = walk_reps(d, owner);
                walked = cycles;
                (won, closed, walked.iter().map(Vec::as_slice).collect())
            }
        };
    let reps: Vec<usize> = (1..n).filter(|i| closed[*i] >= 10).collect();
    if reps.len() < 4 {
        return;
    }
    // `floor`: the least gap from the median that is worth a warning, whatever the spread.
    let check = |values: Vec<(usize, f64)>,
                 floor: f64,
                 what_en: &str,
                 what_zh: &str,
                 out: &mut Vec<Found>,
                 fmt: &dyn Fn(f64) -> String| {
        let mut v: Vec<f64> = values.iter().map(|(_, x)| *x).collect();
        let Some(med) = median_f64(&mut v) else {
            return;
        };
        let mut dev: Vec<f64> = v.iter().map(|x| (x - med).abs()).collect();
        let mad = median_f64(&mut dev).unwrap_or(0.0) * 1.4826;
        if mad <= 0.0 {
            return;
        }
        for (rep, x) in values {
            if (x - med).abs() > (3.0 * mad).max(floor) {
                let name = owner.name(rep as u32);
                let lines: Vec<u64> = (0..d.rows)
                    .filter(|r| {
                        owner.get(*r) as usize == rep
                            && matches!(d.outcome[*r], Outcome::Won | Outcome::Lost)
                    })
                    .map(|r| u64::from(d.lines[r]))
                    .collect();
                out.push(warning(
                    "rep_outlier",
                    &t.file,
                    tr(
                        format!("{name}: {what_en} {} against a median of {} across {} reps; worth a look before it is rewarded", fmt(x), fmt(med), reps.len()),
                        format!("{name}：{what_zh} {}，{} 位销售的中位数为 {}；奖励前值得核实", fmt(x), reps.len(), fmt(med)),
                    ),
                    lines,
                ));
            }
        }
    };
    let pct = |x: f64| format!("{:.1} %", x * 100.0);
    let days = |x: f64| format!("{x:.0} d");
    check(
        reps.iter()
            .map(|i| (*i, f64::from(won[*i]) / f64::from(closed[*i])))
            .collect(),
        0.15,
        "win rate",
        "赢单率",
        out,
        &pct,
    );
    let with_cycles: Vec<(usize, f64)> = reps
        .iter()
        .filter(|i| cycles[**i].len() >= 5)
        .filter_map(|i| Some((*i, median(cycles[*i])?)))
        .collect();
    if with_cycles.len() >= 4 {
        let mut v: Vec<f64> = with_cycles.iter().map(|(_, x)| *x).collect();
        let floor = median_f64(&mut v).unwrap_or(0.0) * 0.5;
        check(
            with_cycles,
            floor,
            "median sales cycle",
            "销售周期中位数",
            out,
            &days,
        );
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod selection {
    use super::*;
    use crate::engine::kpi::median;
    use proptest::prelude::*;

    /// Amounts as a column holds them.
    fn maybe(cells: &[Option<f64>]) -> Vec<MaybeNumber> {
        cells.iter().map(|&v| v.into()).collect()
    }

    fn sorted_median(mut v: Vec<f64>) -> Option<f64> {
        v.sort_by(f64::total_cmp);
        let n = v.len();
        (n > 0).then(|| {
            if n % 2 == 1 {
                v[n / 2]
            } else {
                (v[n / 2 - 1] + v[n / 2]) / 2.0
            }
        })
    }

    /// The first and third quartiles of `f` of the values above zero, from a sorted list;
    /// `None` with fewer than `min` of them.
    fn sorted_quartiles(
        cells: &[Option<f64>],
        f: impl Fn(f64) -> f64,
        min: usize,
    ) -> Option<(f64, f64)> {
        let mut s: Vec<f64> = cells
            .iter()
            .flatten()
            .copied()
            .filter(|x| *x > 0.0)
            .collect();
        s.sort_by(f64::total_cmp);
        let q = |p: f64| {
            let x = p * (s.len() - 1) as f64;
            let (lo, hi) = (x.floor() as usize, x.ceil() as usize);
            let (a, b) = (f(s[lo]), f(s[hi]));
            a + (b - a) * (x - lo as f64)
        };
        (s.len() >= min).then(|| (q(0.25), q(0.75)))
    }

    proptest! {
        /// Crowded minutes, counted or sorted, are those a sorted list shows; a far date
        /// makes the span too long to count.
        #[test]
        fn crowded_minutes_are_those_sorting_finds(
            picks in proptest::collection::vec(proptest::option::weighted(0.9, 0i32..8), 0..400),
            far in proptest::option::of(1i32..5),
            base in -3_000_000i32..3_000_000,
        ) {
            let mut col: Vec<Option<Minutes>> = picks.iter().map(|m| m.map(|m| base + m)).collect();
            col.extend(far.map(|f| Some(base + f * 100_000)));
            let mut all: Vec<Minutes> = col.iter().flatten().copied().collect();
            all.sort_unstable();
            let want: Vec<Minutes> = all
                .chunk_by(|a, b| a == b)
                .filter(|run| run.len() >= BULK)
                .map(|run| run[0])
                .collect();
            let col: Vec<MaybeMinute> = col.into_iter().map(MaybeMinute::from).collect();
            prop_assert_eq!(crowded_minutes(&col), want);
        }

        /// Quartiles of amounts over many orders of magnitude, repeated, zero, negative or
        /// missing, equal those of a sorted list of the amounts above zero.
        #[test]
        fn quartiles_of_amounts_are_the_sorted_lists(
            cells in proptest::collection::vec(
                prop_oneof![
                    Just(None),
                    Just(Some(0.0)),
                    Just(Some(1250.0)),
                    (-1e6f64..1e6).prop_map(Some),
                    (-30i32..40, 1.0f64..10.0).prop_map(|(e, m)| Some(m * 10f64.powi(e))),
                ],
                0..400,
            ),
        ) {
            prop_assert_eq!(
                positive_quartiles(&maybe(&cells), f64::log10, 20),
                sorted_quartiles(&cells, f64::log10, 20)
            );
        }

        /// Medians and quartiles by selection equal those of a sorted list.
        #[test]
        fn selection_gives_the_sorted_answers(
            v in proptest::collection::vec(-1000i32..1000, 0..200),
        ) {
            let f: Vec<f64> = v.iter().map(|x| f64::from(*x) / 8.0).collect();
            prop_assert_eq!(median(&v), sorted_median(f.iter().map(|x| x * 8.0).collect()));
            prop_assert_eq!(crate::engine::kpi::median_f64(&mut f.clone()), sorted_median(f.clone()));
            // Quartiles of the values above zero (some cells empty), against a sorted list.
            let cells: Vec<Option<f64>> = f
                .iter()
                .enumerate()
                .map(|(i, x)| (i % 7 != 3).then_some(*x))
                .collect();
            prop_assert_eq!(
                positive_quartiles(&maybe(&cells), f64::exp, 3),
                sorted_quartiles(&cells, f64::exp, 3)
            );
        }
    }
}
