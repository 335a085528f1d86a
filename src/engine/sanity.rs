//! Data sanity: what looks like an entry mistake or a gamed number. Each warning lists the
//! rows concerned; nothing is corrected or left out because of it.

use crate::engine::dataset::{IssueKind, Table};
use crate::engine::kpi::{en_zh, median, median_f64};
use crate::engine::kpi_tables::duplicate_lines;
use crate::engine::report::Warning;
use crate::engine::schema::{Role, TableKind};
use crate::engine::value::{date_of_day, day_of, Minutes, Outcome};
use crate::engine::Options;
use crate::i18n::Lang;

/// Rows listed per warning; the count has them all.
const LISTED: usize = 200;
/// Records sharing one timestamp (to the minute) that count as a bulk entry.
const BULK: usize = 20;

fn warning(kind: &str, file: &str, message: String, mut lines: Vec<u64>) -> Warning {
    lines.sort_unstable();
    lines.dedup();
    let count = lines.len();
    lines.truncate(LISTED);
    Warning {
        kind: kind.into(),
        file: file.into(),
        message,
        lines,
        count,
    }
}

/// A date column: its header, its values and the file line of each.
type DateColumn<'a> = (String, &'a [Option<Minutes>], &'a [u64]);

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
        if let Some(c) = &d.created {
            out.push((header(Role::CreatedAt), c.as_slice(), d.lines.as_slice()));
        }
        if let Some(c) = &d.closed {
            let role = d.close_from.unwrap_or(Role::ClosedAt);
            out.push((header(role), c.as_slice(), d.lines.as_slice()));
        }
    }
    if let Some(r) = &t.records {
        for (role, col) in &r.dates {
            out.push((header(*role), col.as_slice(), r.lines.as_slice()));
        }
    }
    out
}

/// Amounts of a table with their lines: deal amounts, or order amounts.
fn amounts(t: &Table) -> Option<(&[Option<f64>], &[u64])> {
    if let Some(d) = &t.deals {
        return Some((d.amount.as_deref()?, &d.lines));
    }
    let r = t.records.as_ref()?;
    if !matches!(t.kind, TableKind::Orders | TableKind::Spend) {
        return None;
    }
    Some((r.number(Role::Amount)?, &r.lines))
}

fn quartiles(v: &mut [f64]) -> (f64, f64) {
    v.sort_by(f64::total_cmp);
    let q = |p: f64| {
        let x = p * (v.len() - 1) as f64;
        let (lo, hi) = (x.floor() as usize, x.ceil() as usize);
        v[lo] + (v[hi] - v[lo]) * (x - lo as f64)
    };
    (q(0.25), q(0.75))
}

pub fn warnings(tables: &[Table], opts: &Options, lang: Lang) -> Vec<Warning> {
    let tr = |en: String, zh: String| en_zh(lang, en, zh);
    let mut out = Vec::new();
    let today = opts
        .today
        .as_deref()
        .and_then(crate::engine::value::parse_ymd);
    for t in tables {
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
            for (header, col, lines) in date_columns(t) {
                let future: Vec<u64> = col
                    .iter()
                    .zip(lines)
                    .filter(|(m, _)| m.is_some_and(|m| day_of(m) > today))
                    .map(|(_, l)| *l)
                    .collect();
                // Expected close dates lie ahead by nature.
                if !future.is_empty() && !header.to_lowercase().contains("expected") {
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
        if let Some((amount, lines)) = amounts(t) {
            let mut logs: Vec<f64> = amount
                .iter()
                .flatten()
                .filter(|a| **a > 0.0)
                .map(|a| a.log10())
                .collect();
            if logs.len() >= 20 {
                let (q1, q3) = quartiles(&mut logs);
                let iqr = (q3 - q1).max(0.5);
                let (lo, hi) = (q1 - 3.0 * iqr, q3 + 3.0 * iqr);
                // The bounds as amounts: no logarithm per row.
                let (low, high) = (10f64.powf(lo), 10f64.powf(hi));
                let odd: Vec<u64> = amount
                    .iter()
                    .zip(lines)
                    .filter(|(a, _)| a.is_some_and(|a| a > 0.0 && (a > high || a < low)))
                    .map(|(_, l)| *l)
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
        bulk_entries(t, &tr, &mut out);
        if let Some(d) = &t.deals {
            rep_outliers(t, d, &tr, &mut out);
        }
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

/// Many records created in the same minute: an import or a script, not people at work.
fn bulk_entries(t: &Table, tr: &dyn Fn(String, String) -> String, out: &mut Vec<Warning>) {
    let (col, lines, timed) = if let Some(d) = &t.deals {
        let Some(c) = &d.created else { return };
        let timed = c.iter().flatten().any(|m| m.rem_euclid(1440) != 0);
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
    // Sorting the minutes finds the crowded ones without a map of every row.
    let mut minutes: Vec<Minutes> = col.iter().flatten().copied().collect();
    minutes.sort_unstable();
    let mut crowded: Vec<Minutes> = minutes
        .chunk_by(|a, b| a == b)
        .filter(|run| run.len() >= BULK)
        .map(|run| run[0])
        .collect();
    crowded.sort_unstable();
    let groups: Vec<(Minutes, Vec<u64>)> = crowded
        .iter()
        .map(|m| {
            let lines = col
                .iter()
                .zip(lines)
                .filter(|(x, _)| **x == Some(*m))
                .map(|(_, l)| *l)
                .collect();
            (*m, lines)
        })
        .collect();
    for (m, lines) in groups {
        let n = lines.len();
        let when = format!(
            "{} {:02}:{:02}",
            date_of_day(day_of(m)),
            m.rem_euclid(1440) / 60,
            m.rem_euclid(60)
        );
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

/// Reps whose win rate or median cycle is far from the other reps' (3 robust deviations),
/// among reps with at least 10 closed deals, when there are at least 4 of them.
fn rep_outliers(
    t: &Table,
    d: &crate::engine::dataset::Deals,
    tr: &dyn Fn(String, String) -> String,
    out: &mut Vec<Warning>,
) {
    let Some(owner) = &d.owner else { return };
    let n = owner.names.len();
    let mut won = vec![0u32; n];
    let mut closed = vec![0u32; n];
    let mut cycles: Vec<Vec<i32>> = vec![Vec::new(); n];
    for r in 0..d.rows {
        let o = owner.get(r) as usize;
        match d.outcome[r] {
            Outcome::Won => {
                won[o] += 1;
                closed[o] += 1;
                if let (Some(c), Some(z)) = (
                    d.created.as_ref().and_then(|c| c[r]),
                    d.closed.as_ref().and_then(|c| c[r]),
                ) {
                    cycles[o].push(day_of(z) - day_of(c));
                }
            }
            Outcome::Lost => closed[o] += 1,
            _ => {}
        }
    }
    let reps: Vec<usize> = (1..n).filter(|i| closed[*i] >= 10).collect();
    if reps.len() < 4 {
        return;
    }
    // `floor`: the least gap from the median that is worth a warning, whatever the spread.
    let check = |values: Vec<(usize, f64)>,
                 floor: f64,
                 what_en: &str,
                 what_zh: &str,
                 out: &mut Vec<Warning>,
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
                    .map(|r| d.lines[r])
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
        .filter_map(|i| Some((*i, median(&mut cycles[*i].clone())?)))
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
