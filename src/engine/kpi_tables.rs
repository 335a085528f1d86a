//! The KPIs of every table beside deals: orders, customers, leads, activities, tickets,
//! surveys, spend and users, and the ones that combine tables or manual inputs (CAC, CLV,
//! targets, market share, CRM adoption). Each is computed for one period exactly as the
//! catalogue defines it, says which variant it used, and is `None` with a note when the
//! period has nothing to compute it from.
//!
//! Customers are matched across tables by [`customer_key`]: `Acme, Inc.` in the orders is
//! `ACME` in the customer table.

use crate::engine::case::lower;
use crate::engine::dataset::{Interned, Records, Table};
use crate::engine::join::customer_key;
use crate::engine::kpi::{
    en_zh, is_referral, median_f64, ratio, result, revenue_growth, row, rows_of_counts,
};
use crate::engine::period::Period;
use crate::engine::report::{BreakdownRow, KpiResult};
use crate::engine::schema::{Role, TableKind};
use crate::engine::value::{
    date_of_day, day_of, mentions, minutes, numbers, parse_bool, MaybeMinute, Minutes,
};
use crate::engine::Inputs;
use crate::i18n::Lang;
use std::collections::HashMap;

/// Average days in a month, for turning monthly inputs into a period's figure.
const MONTH_DAYS: f64 = 365.25 / 12.0;

/// What every table KPI is computed against.
pub struct Ctx<'a> {
    pub tables: &'a [Table],
    pub period: Period,
    /// The period's first and last minute, worked out once: [`Ctx::within`] runs per row.
    minutes: Option<(i64, i64)>,
    pub lang: Lang,
    pub inputs: &'a Inputs,
    /// The first and last day of any date in the loaded tables.
    pub data_range: Option<(i32, i32)>,
    /// For a dated period, how many deals each owner (by the deals' owner numbers) created
    /// in it: the deals' pass over the period has counted them, so the active users are
    /// found without looking at the rows again.
    pub deals_by_owner: Option<Vec<u64>>,
}

impl<'a> Ctx<'a> {
    pub fn new(
        tables: &'a [Table],
        period: Period,
        lang: Lang,
        inputs: &'a Inputs,
        data_range: Option<(i32, i32)>,
    ) -> Self {
        Ctx {
            tables,
            period,
            minutes: period.minute_bounds(),
            lang,
            inputs,
            data_range,
            deals_by_owner: None,
        }
    }

    /// Whether a timestamp falls in the period (every one does for the whole range; a
    /// missing one never does in a bounded period).
    #[inline(always)]
    fn within(&self, m: MaybeMinute) -> bool {
        match (self.minutes, m.get()) {
            (None, _) => true,
            (Some((a, b)), Some(m)) => a <= i64::from(m) && i64::from(m) <= b,
            (Some(_), None) => false,
        }
    }

    fn tr(&self, en: impl Into<String>, zh: impl Into<String>) -> String {
        en_zh(self.lang, en.into(), zh.into())
    }

    fn records(&self, kind: TableKind) -> Option<(&Table, &Records)> {
        self.tables
            .iter()
            .find(|t| t.kind == kind)
            .and_then(|t| Some((t, t.records.as_ref()?)))
    }

    /// The period's day bounds; the whole range of the data for `All`.
    fn span(&self) -> Option<(i32, i32)> {
        self.period.bounds().or(self.data_range)
    }

    /// Months in the period, for monthly inputs.
    fn months(&self) -> Option<f64> {
        period_months(self.period, self.data_range)
    }

    /// How a margin enters a value's variant: ` × gross margin 35.0 %`, or that revenue
    /// stands in for profit.
    fn margin_words(&self, margin: Option<f64>) -> String {
        match margin {
            Some(m) => self.tr(
                format!(" × gross margin {:.1} %", m * 100.0),
                format!(" × 毛利率 {:.1}%", m * 100.0),
            ),
            None => self.tr(
                " (no cost or margin known: revenue, not profit)",
                "（无成本或毛利率：按收入而非利润）",
            ),
        }
    }

    fn need_period(&self) -> String {
        crate::engine::kpi::need_period(self.lang)
    }
}

/// Months in a period: 1, 3 or 12 for a calendar month, quarter or year; days ÷ 30.44 for a
/// custom range or the data's whole range.
pub fn period_months(p: Period, data_range: Option<(i32, i32)>) -> Option<f64> {
    match p {
        Period::Month(..) => Some(1.0),
        Period::Quarter(..) => Some(3.0),
        Period::Year(_) => Some(12.0),
        Period::Range(a, b) => Some(f64::from(b - a + 1) / MONTH_DAYS),
        Period::All => data_range.map(|(a, b)| f64::from(b - a + 1) / MONTH_DAYS),
    }
}

/// Words that mark a cancelled order or a refund.
fn is_cancelled(text: &str) -> bool {
    const WORDS: &[&str] = &[
        "cancel", "refund", "void", "return", "取消", "作废", "退款", "退货", "关闭",
    ];
    mentions(text, WORDS)
}

fn is_converted(text: &str) -> bool {
    const YES: &[&str] = &[
        "convert",
        "qualified",
        "won",
        "customer",
        "已转化",
        "转化",
        "转客户",
        "已成交",
        "成交",
    ];
    const NO: &[&str] = &["unqualified", "disqualified", "not converted", "未转化"];
    mentions(text, YES) && !mentions(text, NO)
}

fn is_complaint(text: &str) -> bool {
    mentions(text, &["complaint", "complain", "投诉", "客诉"])
}

fn is_done(text: &str) -> bool {
    if let Some(b) = parse_bool(text) {
        return b;
    }
    const YES: &[&str] = &[
        "done",
        "complete",
        "finished",
        "held",
        "已完成",
        "完成",
        "已拜访",
        "已执行",
    ];
    mentions(text, YES) && !mentions(text, &["not ", "未完成", "incomplete", "未"])
}

fn is_churned(text: &str) -> bool {
    if let Some(b) = parse_bool(text) {
        return b;
    }
    mentions(
        text,
        &["churn", "lost", "cancel", "流失", "已流失", "inactive"],
    )
}

/// Orders (one per order id, or per line when there is no id) with their day, customer
/// and amount; lines of cancelled orders and returns are kept apart. The same for every
/// period: built once per table (see [`orders`]).
#[derive(Clone, Debug, Default)]
pub struct Orders {
    /// (day, customer id or 0, amount)
    orders: Vec<(i32, u32, f64)>,
    /// Per order: sum of its cost, where every line has one.
    cost: Option<Vec<Option<f64>>>,
    /// (day, amount) of cancelled lines and returns (negative amounts).
    returns: Vec<(i32, f64)>,
    customers: Vec<String>,
    /// Per customer id: sorted, distinct order days.
    days: Vec<Vec<i32>>,
    has_id: bool,
}

/// The table's orders, built on first use and kept with the table.
fn orders(r: &Records) -> Option<&Orders> {
    r.orders.get_or_init(|| orders_of(r)).as_ref()
}

fn orders_of(r: &Records) -> Option<Orders> {
    let when = r.when()?;
    let amount = r.number(Role::Amount);
    let cost = r.number(Role::Cost);
    let id = r.text(Role::RecordId);
    let status = r.text(Role::Status);
    // Customers by normalised name, so that `Acme Inc` and `ACME` are one.
    let mut customers = vec![String::new()];
    let mut cust_of_id: Vec<u32> = Vec::new();
    if let Some(c) = r.text(Role::Customer) {
        let mut by_key: HashMap<String, u32> = HashMap::new();
        cust_of_id = c
            .names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let key = customer_key(n);
                if i == 0 || key.is_empty() {
                    return 0;
                }
                let next = customers.len() as u32;
                *by_key.entry(key).or_insert_with(|| {
                    customers.push(n.clone());
                    next
                })
            })
            .collect();
    }
    let mut index: HashMap<u32, usize> = HashMap::new();
    let mut orders: Vec<(i32, u32, f64)> = Vec::new();
    let mut costs: Vec<Option<f64>> = Vec::new();
    let mut returns = Vec::new();
    for row in 0..r.rows {
        let Some(day) = when[row].get().map(day_of) else {
            continue;
        };
        let a = amount.and_then(|a| a[row].get());
        let oid = id.map(|i| i.get(row));
        let cancelled = status.is_some_and(|s| is_cancelled(s.name(s.get(row))))
            || oid.is_some_and(|o| {
                let name = id.map_or("", |i| i.name(o));
                name.len() > 1
                    && name.starts_with(['C', 'c'])
                    && name[1..].chars().all(|c| c.is_ascii_digit())
            })
            || a.is_some_and(|a| a < 0.0);
        if cancelled {
            returns.push((day, a.unwrap_or(0.0)));
            continue;
        }
        let cust = r
            .text(Role::Customer)
            .map_or(0, |c| cust_of_id[c.get(row) as usize]);
        let line_cost = cost.map(|c| c[row].get());
        let slot = match oid {
            Some(o) if o != 0 => *index.entry(o).or_insert_with(|| {
                orders.push((day, cust, 0.0));
                costs.push(Some(0.0));
                orders.len() - 1
            }),
            _ => {
                orders.push((day, cust, 0.0));
                costs.push(Some(0.0));
                orders.len() - 1
            }
        };
        orders[slot].2 += a.unwrap_or(0.0);
        costs[slot] = match (costs[slot], line_cost.flatten()) {
            (Some(x), Some(c)) => Some(x + c),
            _ => None,
        };
    }
    let mut days = vec![Vec::new(); customers.len()];
    for (d, c, _) in &orders {
        if *c != 0 {
            days[*c as usize].push(*d);
        }
    }
    for d in &mut days {
        d.sort_unstable();
        d.dedup();
    }
    Some(Orders {
        orders,
        cost: cost.map(|_| costs),
        returns,
        customers,
        days,
        has_id: id.is_some(),
    })
}

impl Orders {
    fn first_day(&self, c: usize) -> Option<i32> {
        self.days[c].first().copied()
    }
    /// The customer ordered on a day in `[a, b]`.
    fn ordered_between(&self, c: usize, a: i32, b: i32) -> bool {
        let d = &self.days[c];
        let i = d.partition_point(|x| *x < a);
        i < d.len() && d[i] <= b
    }
}

/// Retention and churn of order customers for `[start, end]`, a customer being active on a
/// day when it ordered within the `w` days up to it.
#[derive(Clone, Copy)]
struct OrderChurn {
    /// Active at the start (S) and at the end (E).
    start: usize,
    end: usize,
    /// First order in the period.
    new: usize,
    /// Active at the end, not at the start, though they had ordered before: won back.
    back: usize,
    /// Active at the start, not at the end.
    lost: usize,
}

impl OrderChurn {
    /// Active at the start and still at the end: E less those new or won back, which
    /// keeps retention at most 1 (a customer won back is not one kept).
    fn kept(&self) -> usize {
        self.start - self.lost
    }
}

fn order_churn(o: &Orders, start: i32, end: i32, w: i32) -> OrderChurn {
    let mut f = OrderChurn {
        start: 0,
        end: 0,
        new: 0,
        back: 0,
        lost: 0,
    };
    for c in 1..o.customers.len() {
        let at_start = o.ordered_between(c, start - w, start - 1);
        let at_end = o.ordered_between(c, end - w + 1, end);
        let first = o.first_day(c);
        f.start += usize::from(at_start);
        f.end += usize::from(at_end);
        f.lost += usize::from(at_start && !at_end);
        f.new += usize::from(first.is_some_and(|d| start <= d && d <= end));
        f.back += usize::from(at_end && !at_start && first.is_some_and(|d| d < start));
    }
    f
}

/// Month bounds `(first day, last day)` for every complete calendar month inside `[a, b]`.
fn months_within(a: i32, b: i32) -> Vec<(i32, i32)> {
    let mut out = Vec::new();
    let (mut y, mut m) = crate::engine::value::year_month(a);
    while let Some((s, e)) = Period::Month(y, m).bounds() {
        if s > b {
            break;
        }
        if s >= a && e <= b {
            out.push((s, e));
        }
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

/// Every table KPI the loaded tables and inputs support, for the context's period.
/// `have` holds the KPIs already computed from deals: those ids are not computed again,
/// and the combined KPIs (CAC, targets) read their values.
pub fn table_kpis(cx: &Ctx<'_>, have: &[KpiResult]) -> Vec<KpiResult> {
    let mut out: Vec<KpiResult> = Vec::new();
    let has = |out: &[KpiResult], id: &str| {
        have.iter().any(|k| k.id == id) || out.iter().any(|k| k.id == id)
    };
    if let Some((_, r)) = cx.records(TableKind::Orders) {
        if let Some(o) = orders(r) {
            order_kpis(cx, r, o, &mut out, &|id| !have.iter().any(|k| k.id == id));
        }
    }
    if let Some((t, r)) = cx.records(TableKind::Customers) {
        let skip: Vec<String> = have
            .iter()
            .chain(out.iter())
            .map(|k| k.id.clone())
            .collect();
        customer_kpis(cx, t, r, &skip, &mut out);
    }
    if let Some((_, r)) = cx.records(TableKind::Leads) {
        let have_referral = has(&out, "referral_rate");
        lead_kpis(cx, r, &mut out, have_referral);
    }
    if let Some((_, r)) = cx.records(TableKind::Activities) {
        activity_kpis(cx, r, &mut out);
    }
    if let Some((_, r)) = cx.records(TableKind::Tickets) {
        let have_csat = has(&out, "csat");
        ticket_kpis(cx, r, &mut out, have_csat);
    }
    if let Some((_, r)) = cx.records(TableKind::Surveys) {
        // Surveys are the better source of satisfaction: they replace the tickets' answer.
        out.retain(|k| k.id != "csat");
        survey_kpis(cx, r, &mut out);
    }
    let all: Vec<KpiResult> = have.iter().chain(out.iter()).cloned().collect();
    combined_kpis(cx, &all, &mut out);
    usage_kpis(cx, have, &mut out);
    out
}

fn order_kpis(
    cx: &Ctx<'_>,
    r: &Records,
    o: &Orders,
    out: &mut Vec<KpiResult>,
    want: &dyn Fn(&str) -> bool,
) {
    let lang = cx.lang;
    let p = cx.period;
    let inp = |d: i32| p.contains(d);
    let (mut revenue, mut count, mut cost, mut rev_with_cost) = (0.0, 0u64, 0.0, 0.0);
    for (i, (d, _, a)) in o.orders.iter().enumerate() {
        if !inp(*d) || *a <= 0.0 {
            continue;
        }
        revenue += a;
        count += 1;
        if let Some(c) = o.cost.as_ref().and_then(|c| c[i]) {
            cost += c;
            rev_with_cost += a;
        }
    }
    let returned: f64 = o
        .returns
        .iter()
        .filter(|(d, _)| inp(*d))
        .map(|(_, a)| a.abs())
        .sum();
    let unit = if o.has_id {
        cx.tr(
            "orders (lines summed by order number)",
            "订单（按订单号合计各行）",
        )
    } else {
        cx.tr("orders (one per row)", "订单（每行一单）")
    };
    let none = cx.tr("no order in this period", "本周期没有订单");
    let has_amount = r.number(Role::Amount).is_some();
    if has_amount && want("revenue") {
        let mut k = result(
            "revenue",
            lang,
            Some(revenue),
            cx.tr(
                format!("order amounts in the period, {unit}; cancellations and returns left out"),
                format!("本周期订单金额，{unit}；不含取消和退货"),
            ),
            "",
        );
        k.details.insert("orders".into(), count as f64);
        k.details.insert("returns".into(), returned);
        k.series = monthly(o.orders.iter().map(|(d, _, a)| (*d, *a)));
        out.push(k);
    }
    if has_amount && want("revenue_growth") {
        // Another period's order revenue, summed as the period's is above.
        let revenue_of = |q: Period| {
            let orders = o
                .orders
                .iter()
                .filter(|(d, _, a)| *a > 0.0 && q.contains(*d));
            Some(orders.fold(0.0, |t, (_, _, a)| t + a))
        };
        out.push(revenue_growth(lang, p, revenue, &revenue_of));
    }
    if has_amount {
        let mut k = result(
            "average_order_value",
            lang,
            ratio(revenue, count as f64),
            cx.tr(
                format!("order revenue ÷ {count} {unit}"),
                format!("订单金额 ÷ {count} 笔{unit}"),
            ),
            &none,
        );
        k.numerator = Some(revenue);
        k.denominator = Some(count as f64);
        out.push(k);
        if o.cost.is_some() && want("profit_margin") {
            let mut k = result(
                "profit_margin",
                lang,
                ratio(rev_with_cost - cost, rev_with_cost),
                cx.tr(
                    "(order amount − cost) ÷ order amount, orders with a cost",
                    "（订单金额 − 成本）÷ 订单金额，仅含有成本的订单",
                ),
                &none,
            );
            k.numerator = Some(rev_with_cost - cost);
            k.denominator = Some(rev_with_cost);
            out.push(k);
        }
    }
    if o.customers.len() <= 1 {
        return;
    }
    // New customers: first order in the period; the base is every customer who ordered before.
    let firsts: Vec<i32> = (1..o.customers.len())
        .filter_map(|c| o.first_day(c))
        .collect();
    let new = firsts.iter().filter(|d| inp(**d)).count() as f64;
    if want("new_customers") {
        let mut k = result(
            "new_customers",
            lang,
            Some(new),
            cx.tr(
                "customers whose first order falls in the period",
                "首次下单在本周期的客户",
            ),
            "",
        );
        k.series = monthly(firsts.iter().map(|d| (*d, 1.0)));
        out.push(k);
    }
    if want("customer_acquisition_rate") {
        let before = p
            .bounds()
            .map(|(s, _)| firsts.iter().filter(|d| **d < s).count() as f64);
        let note = match before {
            None => cx.need_period(),
            Some(_) => cx.tr(
                "no customer ordered before this period",
                "本周期之前没有下过单的客户",
            ),
        };
        let mut k = result(
            "customer_acquisition_rate",
            lang,
            before.and_then(|b| ratio(new, b)),
            cx.tr(
                "new customers ÷ customers who ordered before the period",
                "新客户数 ÷ 本周期前下过单的客户数",
            ),
            &note,
        );
        k.numerator = Some(new);
        k.denominator = before;
        out.push(k);
    }
    // Repurchase: customers with two or more orders in the period.
    let mut per: Vec<u32> = vec![0; o.customers.len()];
    for (d, c, a) in &o.orders {
        if *c != 0 && *a > 0.0 && inp(*d) {
            per[*c as usize] += 1;
        }
    }
    let buyers = per.iter().filter(|n| **n >= 1).count() as f64;
    let repeat = per.iter().filter(|n| **n >= 2).count() as f64;
    let mut k = result(
        "repurchase_rate",
        lang,
        ratio(repeat, buyers),
        cx.tr(
            "customers with 2 or more orders in the period ÷ customers with at least one",
            "本周期下单 2 次及以上的客户 ÷ 本周期下过单的客户",
        ),
        &cx.tr("no customer ordered in this period", "本周期没有客户下单"),
    );
    k.numerator = Some(repeat);
    k.denominator = Some(buyers);
    out.push(k);

    // Retention and churn with the inactivity window.
    let w = cx.inputs.churn_window_days();
    let first_data = cx.data_range.map(|(a, _)| a);
    let churn_at = |s: i32, e: i32| -> Option<OrderChurn> {
        (first_data.is_some_and(|f| s - w >= f)).then(|| order_churn(o, s, e, w))
    };
    let window = cx.tr(
        format!("a customer is lost after {w} days without an order"),
        format!("连续 {w} 天未下单视为流失"),
    );
    let short = cx.tr(
        format!("needs {w} days of orders before the period starts (the inactivity window)"),
        format!("需要本周期开始前 {w} 天的订单数据（流失判定窗口）"),
    );
    let figures = p.bounds().map(|(s, e)| churn_at(s, e));
    let note = match figures {
        None => cx.need_period(),
        Some(None) => short.clone(),
        Some(Some(_)) => cx.tr(
            "no customer was active at the start of the period",
            "期初没有活跃客户",
        ),
    };
    let f = figures.flatten();
    if want("retention_rate") {
        let mut k = result(
            "retention_rate",
            lang,
            f.and_then(|f| ratio(f.kept() as f64, f.start as f64)),
            cx.tr(
                format!("(E − N) ÷ S over order customers, N the customers new or won back in the period; {window}"),
                format!("（期末客户 − 新增或召回客户）÷ 期初客户，按订单客户；{window}"),
            ),
            &note,
        );
        if let Some(f) = f {
            k.numerator = Some(f.kept() as f64);
            k.denominator = Some(f.start as f64);
            k.details
                .insert("customers_at_start".into(), f.start as f64);
            k.details.insert("customers_at_end".into(), f.end as f64);
            k.details.insert("new_customers".into(), f.new as f64);
            k.details.insert("won_back".into(), f.back as f64);
        }
        out.push(k);
    }
    if want("churn_rate") {
        let mut k = result(
            "churn_rate",
            lang,
            f.and_then(|f| ratio(f.lost as f64, f.start as f64)),
            cx.tr(
                format!("customers active at the start and not at the end ÷ customers active at the start; {window}"),
                format!("期初活跃、期末不再活跃的客户 ÷ 期初活跃客户；{window}"),
            ),
            &note,
        );
        if let Some(f) = f {
            k.numerator = Some(f.lost as f64);
            k.denominator = Some(f.start as f64);
        }
        out.push(k);
    }

    // CLV: AOV × orders per customer per year × expected lifetime (1 ÷ annual churn).
    if !has_amount || !want("clv") {
        return;
    }
    let end = match p.bounds() {
        Some((_, e)) => Some(e),
        None => cx.data_range.map(|(_, b)| b),
    };
    let Some(end) = end else { return };
    let first = first_data.unwrap_or(end);
    let t0 = (end - 364).max(first);
    let (mut t_rev, mut t_orders, mut t_cust_orders) = (0.0, 0u64, 0u64);
    let mut t_customers: Vec<u32> = Vec::new();
    for (d, c, a) in &o.orders {
        if *d < t0 || *d > end || *a <= 0.0 {
            continue;
        }
        t_rev += a;
        t_orders += 1;
        if *c != 0 {
            t_cust_orders += 1;
            t_customers.push(*c);
        }
    }
    let span_days = f64::from(end - t0 + 1);
    let aov = ratio(t_rev, t_orders as f64);
    let per_year = ratio(t_cust_orders as f64, distinct_ids(t_customers) as f64)
        .map(|f| f * 365.0 / span_days);
    let monthly: Vec<f64> = months_within(first, end)
        .into_iter()
        .rev()
        .take(12)
        .filter_map(|(s, e)| churn_at(s, e))
        .filter_map(|f| ratio(f.lost as f64, f.start as f64))
        .collect();
    let m_churn = ratio(monthly.iter().sum(), monthly.len() as f64);
    let annual = m_churn.map(|m| 1.0 - (1.0 - m).powi(12));
    let lifetime = annual.and_then(|a| ratio(1.0, a));
    let margin = o
        .cost
        .as_ref()
        .and_then(|_| ratio(rev_with_cost - cost, rev_with_cost))
        .or(cx.inputs.gross_margin);
    let clv = match (aov, per_year, lifetime) {
        (Some(a), Some(f), Some(l)) => Some(a * f * l * margin.unwrap_or(1.0)),
        _ => None,
    };
    let margin_words = cx.margin_words(margin);
    let mut k = result(
        "clv",
        lang,
        clv,
        cx.tr(
            format!(
                "AOV × orders per customer per year (the {:.0} days to {}) × lifetime 1 ÷ annual churn (from the mean monthly churn of {} months){margin_words}",
                span_days,
                date_of_day(end),
                monthly.len()
            ),
            format!(
                "平均订单金额 × 每客户年下单次数（截至 {} 的 {:.0} 天）× 生命周期 1 ÷ 年流失率（由 {} 个月的平均月流失率换算）{margin_words}",
                date_of_day(end),
                span_days,
                monthly.len()
            ),
        ),
        &short,
    );
    for (name, v) in [
        ("average_order_value", aov),
        ("orders_per_customer_per_year", per_year),
        ("monthly_churn", m_churn),
        ("annual_churn", annual),
        ("lifetime_years", lifetime),
        ("gross_margin", margin),
    ] {
        if let Some(v) = v {
            k.details.insert(name.into(), v);
        }
    }
    out.push(k);
}

/// Sums by `YYYY-MM`, oldest first.
fn monthly(points: impl Iterator<Item = (i32, f64)>) -> Vec<crate::engine::report::SeriesPoint> {
    crate::engine::kpi::sums_by_month(points)
        .into_iter()
        .map(|(m, value)| crate::engine::report::SeriesPoint {
            period: crate::engine::kpi::month_id(m),
            value,
        })
        .collect()
}

/// Breakdown rows of a flag (e.g. churned) over a dimension: value = flagged ÷ rows.
fn share_by(dim: &Interned, rows: impl Iterator<Item = (usize, bool, f64)>) -> Vec<BreakdownRow> {
    let mut acc: Vec<(u64, u64, f64, bool)> = vec![(0, 0, 0.0, false); dim.names.len()];
    for (r, flag, amount) in rows {
        let a = &mut acc[dim.get(r) as usize];
        a.0 += 1;
        a.1 += u64::from(flag);
        if flag {
            a.2 += amount;
        }
        a.3 = true;
    }
    let mut out: Vec<BreakdownRow> = acc
        .iter()
        .enumerate()
        .filter(|(_, a)| a.3)
        .map(|(i, a)| BreakdownRow {
            key: dim.name(i as u32).to_string(),
            value: ratio(a.1 as f64, a.0 as f64),
            numerator: Some(a.1 as f64),
            denominator: Some(a.0 as f64),
            count: a.0,
            amount: Some(a.2),
        })
        .collect();
    crate::engine::kpi::sort_by_value(&mut out);
    out
}

const DIMENSIONS: [(Role, &str); 7] = [
    (Role::Owner, "owner"),
    (Role::Team, "team"),
    (Role::LeadSource, "lead_source"),
    (Role::Segment, "segment"),
    (Role::Region, "region"),
    (Role::Product, "product"),
    (Role::ContractType, "contract_type"),
];

fn customer_kpis(cx: &Ctx<'_>, t: &Table, r: &Records, skip: &[String], out: &mut Vec<KpiResult>) {
    let lang = cx.lang;
    let want = |id: &str| !skip.iter().any(|s| s == id);
    let created = r.date(Role::CreatedAt);
    let churned_at = r.date(Role::ChurnedAt);
    let flag = r.text(Role::ChurnFlag).or_else(|| {
        // A customer status column that names churn works as a flag.
        r.text(Role::Status)
            .filter(|s| s.names.iter().any(|n| is_churned(n)))
    });
    let p = cx.period;
    if let Some(cr) = created {
        if want("new_customers") {
            let n = cr.iter().filter(|m| m.is_some() && cx.within(**m)).count() as f64;
            let mut k = result(
                "new_customers",
                lang,
                Some(n),
                cx.tr(
                    format!("customers created in the period ({})", t.file),
                    format!("本周期新建的客户（{}）", t.file),
                ),
                "",
            );
            k.series = monthly(minutes(cr).map(|m| (day_of(m), 1.0)));
            out.push(k);
            if want("customer_acquisition_rate") {
                let before = p.bounds().map(|(s, _)| {
                    (0..r.rows)
                        .filter(|i| cr[*i].get().is_some_and(|m| day_of(m) < s))
                        .filter(|i| {
                            churned_at
                                .and_then(|c| c[*i].get())
                                .is_none_or(|m| day_of(m) >= s)
                        })
                        .count() as f64
                });
                let mut k = result(
                    "customer_acquisition_rate",
                    lang,
                    before.and_then(|b| ratio(n, b)),
                    cx.tr(
                        "customers created in the period ÷ customers on the books at its start",
                        "本周期新建客户 ÷ 期初在册客户",
                    ),
                    &cx.need_period(),
                );
                k.numerator = Some(n);
                k.denominator = before;
                out.push(k);
            }
        }
    }
    // Churn from a churn date (any period) or a churn flag (a snapshot).
    if let (Some(cr), Some(ch), Some((s, e))) = (created, churned_at, p.bounds()) {
        let exists_at = |i: usize, day: i32| {
            cr[i].get().is_some_and(|m| day_of(m) <= day)
                && ch[i].get().is_none_or(|m| day_of(m) > day)
        };
        let start: Vec<usize> = (0..r.rows).filter(|i| exists_at(*i, s - 1)).collect();
        let lost = start
            .iter()
            .filter(|i| ch[**i].get().is_some_and(|m| day_of(m) <= e))
            .count();
        let end_n = (0..r.rows).filter(|i| exists_at(*i, e)).count();
        let new = (0..r.rows)
            .filter(|i| {
                cr[*i]
                    .get()
                    .is_some_and(|m| s <= day_of(m) && day_of(m) <= e)
            })
            .count();
        let sn = start.len() as f64;
        let note = cx.tr(
            "no customer on the books at the period start",
            "期初没有在册客户",
        );
        if want("churn_rate") {
            let mut k = result(
                "churn_rate",
                lang,
                ratio(lost as f64, sn),
                cx.tr(
                    "customers with a churn date in the period ÷ customers on the books at its start",
                    "流失日期在本周期的客户 ÷ 期初在册客户",
                ),
                &note,
            );
            k.numerator = Some(lost as f64);
            k.denominator = Some(sn);
            out.push(k);
        }
        if want("retention_rate") {
            let mut k = result(
                "retention_rate",
                lang,
                ratio(end_n as f64 - new as f64, sn),
                cx.tr(
                    "(E − N) ÷ S: customers at the end less those created in the period, ÷ customers at the start",
                    "（期末客户 − 本期新建客户）÷ 期初客户",
                ),
                &note,
            );
            k.numerator = Some(end_n as f64 - new as f64);
            k.denominator = Some(sn);
            out.push(k);
        }
    } else if let Some(fl) = flag.filter(|_| churned_at.is_none()) {
        let churned: Vec<bool> = (0..r.rows)
            .map(|i| is_churned(fl.name(fl.get(i))))
            .collect();
        // New this period: tenure of 0 months, when the export has tenure.
        let tenure = r.number(Role::TenureMonths);
        let is_new = |i: usize| tenure.is_some_and(|t| t[i].get().is_some_and(|m| m < 1.0));
        let new = (0..r.rows).filter(|i| is_new(*i)).count();
        let start = r.rows - new;
        let lost = (0..r.rows).filter(|i| churned[*i] && !is_new(*i)).count();
        let kept = (0..r.rows).filter(|i| !churned[*i]).count();
        let mrr = r.number(Role::RecurringRevenue);
        let money = |i: usize| mrr.and_then(|m| m[i].get()).unwrap_or(0.0);
        let snapshot = cx.tr(
            "a snapshot: the churn flag as exported (the period does not apply)",
            "快照：按导出时的流失标记（不受统计周期影响）",
        );
        if want("churn_rate") {
            let mut k = result(
                "churn_rate",
                lang,
                ratio(lost as f64, start as f64),
                cx.tr(
                    format!("customers flagged as churned ÷ the {start} customers there before this month (tenure ≥ 1 month); {snapshot}"),
                    format!("标记为流失的客户 ÷ 本月之前已在的 {start} 位客户（在网 ≥ 1 个月）；{snapshot}"),
                ),
                "",
            );
            k.numerator = Some(lost as f64);
            k.denominator = Some(start as f64);
            if mrr.is_some() {
                let at_risk: f64 = (0..r.rows).filter(|i| churned[*i]).map(money).sum();
                let total: f64 = (0..r.rows).map(money).sum();
                k.details.insert("revenue_at_risk".into(), at_risk);
                if let Some(sh) = ratio(at_risk, total) {
                    k.details.insert("revenue_at_risk_share".into(), sh);
                }
            }
            for (role, name) in DIMENSIONS {
                if let Some(dim) = r.text(role) {
                    k.breakdowns.insert(
                        name.into(),
                        share_by(
                            dim,
                            (0..r.rows)
                                .filter(|i| !is_new(*i))
                                .map(|i| (i, churned[i], money(i))),
                        ),
                    );
                }
            }
            out.push(k);
        }
        if want("retention_rate") {
            let mut k = result(
                "retention_rate",
                lang,
                ratio(kept as f64 - new as f64, start as f64),
                cx.tr(
                    format!("(E − N) ÷ S: customers not churned less the {new} new ones, ÷ the {start} there before; {snapshot}"),
                    format!("（未流失客户 − {new} 位新客户）÷ 之前已在的 {start} 位客户；{snapshot}"),
                ),
                "",
            );
            k.numerator = Some(kept as f64 - new as f64);
            k.denominator = Some(start as f64);
            out.push(k);
        }
        // Subscription CLV: average recurring revenue ÷ monthly churn.
        if let (Some(m), true) = (mrr, want("clv")) {
            let vals: Vec<f64> = numbers(m).collect();
            let arpa = ratio(vals.iter().sum(), vals.len() as f64);
            let churn = ratio(lost as f64, start as f64);
            let margin = cx.inputs.gross_margin;
            let clv = match (arpa, churn) {
                (Some(a), Some(c)) if c > 0.0 => Some(a / c * margin.unwrap_or(1.0)),
                _ => None,
            };
            let mut k = result(
                "clv",
                lang,
                clv,
                cx.tr(
                    format!(
                        "subscription variant: average monthly recurring revenue ÷ monthly churn{}",
                        cx.margin_words(margin)
                    ),
                    format!(
                        "订阅口径：平均月经常性收入 ÷ 月流失率{}",
                        cx.margin_words(margin)
                    ),
                ),
                &cx.tr(
                    "no churned customer: lifetime unbounded",
                    "没有流失客户：生命周期无法估计",
                ),
            );
            if let Some(a) = arpa {
                k.details.insert("arpa".into(), a);
            }
            out.push(k);
        }
    }
    duplicates_kpi(cx, t, r, out);
}

/// Normalised keys a duplicate is found by: name, email, phone.
fn dup_keys(r: &Records, i: usize) -> [String; 3] {
    let name = r.text_at(Role::Customer, i);
    let name = if name.is_empty() {
        r.text_at(Role::Name, i)
    } else {
        name
    };
    let email = lower(r.text_at(Role::Email, i).trim());
    let digits: String = r
        .text_at(Role::Phone, i)
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    // The last 10 digits: `+86 138…` and `138…` are one phone.
    let phone = if digits.len() >= 7 {
        digits[digits.len().saturating_sub(10)..].to_string()
    } else {
        String::new()
    };
    [customer_key(name), email, phone]
}

/// Lines of the records that repeat an earlier record's name, email or phone.
pub fn duplicate_lines(r: &Records) -> Vec<u64> {
    // Keys seen, as maps (to nothing) of the one type the module already hashes strings in.
    let mut seen: [HashMap<String, u32>; 3] = Default::default();
    let mut out = Vec::new();
    for i in 0..r.rows {
        let keys = dup_keys(r, i);
        let mut dup = false;
        for (k, set) in keys.into_iter().zip(seen.iter_mut()) {
            if !k.is_empty() && set.insert(k, 0).is_some() {
                dup = true;
            }
        }
        if dup {
            out.push(u64::from(r.lines[i]));
        }
    }
    out
}

fn duplicates_kpi(cx: &Ctx<'_>, t: &Table, r: &Records, out: &mut Vec<KpiResult>) {
    if out.iter().any(|k| k.id == "duplicate_rate") {
        return;
    }
    if r.text(Role::Customer).is_none() && r.text(Role::Name).is_none() {
        return;
    }
    let lines = duplicate_lines(r);
    let mut k = result(
        "duplicate_rate",
        cx.lang,
        ratio(lines.len() as f64, r.rows as f64),
        cx.tr(
            format!("records of {} repeating an earlier one's normalised name, email or phone ÷ records", t.file),
            format!("{} 中名称、邮箱或电话（规范化后）与前面记录重复的记录 ÷ 记录数", t.file),
        ),
        &cx.tr("the table is empty", "表为空"),
    );
    k.numerator = Some(lines.len() as f64);
    k.denominator = Some(r.rows as f64);
    out.push(k);
}

fn lead_kpis(cx: &Ctx<'_>, r: &Records, out: &mut Vec<KpiResult>, have_referral: bool) {
    let lang = cx.lang;
    let Some(created) = r.date(Role::CreatedAt) else {
        return;
    };
    let conv_at = r.date(Role::ConvertedAt);
    let status = r.text(Role::Status);
    let cohort: Vec<usize> = (0..r.rows)
        .filter(|i| created[*i].is_some() && cx.within(created[*i]))
        .collect();
    let none = cx.tr("no lead was created in this period", "本周期没有新建线索");
    if conv_at.is_some() || status.is_some() {
        let converted = |i: usize| {
            conv_at.is_some_and(|c| c[i].is_some())
                || status.is_some_and(|s| is_converted(s.name(s.get(i))))
        };
        let n = cohort.iter().filter(|i| converted(**i)).count();
        let mut k = result(
            "lead_conversion_rate",
            lang,
            ratio(n as f64, cohort.len() as f64),
            cx.tr(
                format!(
                    "leads created in the period that converted (by {}) ÷ leads created in the period",
                    if conv_at.is_some() { "a conversion date" } else { "a status naming conversion" }
                ),
                format!(
                    "本周期新建且已转化（依据{}）的线索 ÷ 本周期新建线索",
                    if conv_at.is_some() { "转化时间" } else { "状态" }
                ),
            ),
            &none,
        );
        k.numerator = Some(n as f64);
        k.denominator = Some(cohort.len() as f64);
        for (role, name) in DIMENSIONS {
            if let Some(dim) = r.text(role) {
                k.breakdowns.insert(
                    name.into(),
                    share_by(dim, cohort.iter().map(|i| (*i, converted(*i), 0.0))),
                );
            }
        }
        out.push(k);
        if let (false, Some(src)) = (have_referral, r.text(Role::LeadSource)) {
            let conv: Vec<usize> = cohort.iter().copied().filter(|i| converted(*i)).collect();
            let referred = conv
                .iter()
                .filter(|i| is_referral(src.name(src.get(**i))))
                .count();
            let mut k = result(
                "referral_rate",
                lang,
                ratio(referred as f64, conv.len() as f64),
                cx.tr(
                    "converted leads from a referral source ÷ converted leads, created in the period",
                    "本周期新建并已转化的线索中来源为转介绍的占比",
                ),
                &cx.tr("no converted lead in this period", "本周期没有已转化的线索"),
            );
            k.numerator = Some(referred as f64);
            k.denominator = Some(conv.len() as f64);
            out.push(k);
        }
    }
    if let Some(first) = r.date(Role::FirstContactAt) {
        let mut hours: Vec<f64> = Vec::new();
        let mut quick = 0;
        for i in &cohort {
            if let (Some(c), Some(f)) = (created[*i].get(), first[*i].get()) {
                let h = f64::from(f - c) / 60.0;
                if h >= 0.0 {
                    hours.push(h);
                    quick += usize::from(h <= 24.0);
                }
            }
        }
        let mut k = result(
            "follow_up_24h_rate",
            lang,
            ratio(quick as f64, cohort.len() as f64),
            cx.tr(
                "leads created in the period first contacted within 24 h ÷ leads created in the period (never contacted counts as late)",
                "本周期新建线索中 24 小时内首次联系的占比（未联系的计为不及时）",
            ),
            &none,
        );
        k.numerator = Some(quick as f64);
        k.denominator = Some(cohort.len() as f64);
        if let Some(m) = median_f64(&mut hours) {
            k.details.insert("median_hours".into(), m);
        }
        out.push(k);
    } else if let Some((_, acts)) = cx.records(TableKind::Activities) {
        follow_up_from_activities(cx, r, &cohort, acts, out);
    }
    if !out.iter().any(|k| k.id == "duplicate_rate") && cx.records(TableKind::Customers).is_none() {
        if let Some((t, _)) = cx.records(TableKind::Leads) {
            duplicates_kpi(cx, t, r, out);
        }
    }
}

/// Follow-up within 24 h from an activities table: a lead's first activity is the first
/// one whose customer names the lead (or its company), at or after the lead's creation.
fn follow_up_from_activities(
    cx: &Ctx<'_>,
    leads: &Records,
    cohort: &[usize],
    acts: &Records,
    out: &mut Vec<KpiResult>,
) {
    let (Some(created), Some(when), Some(cust)) = (
        leads.date(Role::CreatedAt),
        acts.when(),
        acts.text(Role::Customer),
    ) else {
        return;
    };
    let mut by_key: HashMap<String, Vec<Minutes>> = HashMap::new();
    for (i, m) in when.iter().enumerate() {
        if let Some(m) = m.get() {
            let key = customer_key(cust.name(cust.get(i)));
            if !key.is_empty() {
                by_key.entry(key).or_default().push(m);
            }
        }
    }
    for v in by_key.values_mut() {
        v.sort_unstable();
    }
    // An activity names its lead by the lead's id, its company or its own name: any matches.
    let lead_keys = |i: usize| -> Vec<String> {
        [Role::RecordId, Role::Customer, Role::Name]
            .iter()
            .map(|r| customer_key(leads.text_at(*r, i)))
            .filter(|k| !k.is_empty())
            .collect()
    };
    let (mut quick, mut matched) = (0usize, 0usize);
    let mut hours = Vec::new();
    for i in cohort {
        let Some(c) = created[*i].get() else { continue };
        // The first activity at or after the lead's creation, over every key that matches.
        let mut first: Option<Minutes> = None;
        let mut found = false;
        for key in lead_keys(*i) {
            if let Some(v) = by_key.get(&key) {
                found = true;
                let j = v.partition_point(|m| *m < c);
                if let Some(f) = v.get(j) {
                    first = Some(first.map_or(*f, |x: Minutes| x.min(*f)));
                }
            }
        }
        matched += usize::from(found);
        if let Some(f) = first {
            let h = f64::from(f - c) / 60.0;
            hours.push(h);
            quick += usize::from(h <= 24.0);
        }
    }
    let mut k = result(
        "follow_up_24h_rate",
        cx.lang,
        ratio(quick as f64, cohort.len() as f64),
        cx.tr(
            format!("leads created in the period with a logged activity within 24 h ÷ leads created in the period (activities matched to {matched} leads by id or name)"),
            format!("本周期新建线索中 24 小时内有跟进记录的占比（按编号或名称匹配到 {matched} 条线索的跟进记录）"),
        ),
        &cx.tr("no lead was created in this period", "本周期没有新建线索"),
    );
    k.numerator = Some(quick as f64);
    k.denominator = Some(cohort.len() as f64);
    if let Some(m) = median_f64(&mut hours) {
        k.details.insert("median_hours".into(), m);
    }
    out.push(k);
}

fn activity_kpis(cx: &Ctx<'_>, r: &Records, out: &mut Vec<KpiResult>) {
    let lang = cx.lang;
    let Some(when) = r.when() else { return };
    let rows: Vec<usize> = (0..r.rows)
        .filter(|i| when[*i].is_some() && cx.within(when[*i]))
        .collect();
    let none = cx.tr("no activity in this period", "本周期没有跟进记录");
    if let Some(owner) = r.text(Role::Owner) {
        let mut per: Vec<u64> = vec![0; owner.names.len()];
        for i in &rows {
            per[owner.get(*i) as usize] += 1;
        }
        let reps = per.iter().skip(1).filter(|n| **n > 0).count();
        let with_owner: u64 = per.iter().skip(1).sum();
        let mut k = result(
            "activities_per_rep",
            lang,
            ratio(with_owner as f64, reps as f64),
            cx.tr(
                format!("activities with an owner in the period ÷ the {reps} reps who logged any"),
                format!("本周期有负责人的跟进记录 ÷ 有记录的 {reps} 位销售"),
            ),
            &none,
        );
        k.numerator = Some(with_owner as f64);
        k.denominator = Some(reps as f64);
        k.breakdowns
            .insert("owner".into(), rows_of_counts(owner, &per));
        if let Some(ty) = r.text(Role::ActivityType) {
            let mut per_t: Vec<u64> = vec![0; ty.names.len()];
            for i in &rows {
                per_t[ty.get(*i) as usize] += 1;
            }
            k.breakdowns
                .insert("activity_type".into(), rows_of_counts(ty, &per_t));
        }
        k.series = monthly(minutes(when).map(|m| (day_of(m), 1.0)));
        out.push(k);
    }
    if let Some(status) = r.text(Role::Status) {
        let planned: Vec<usize> = rows
            .iter()
            .copied()
            .filter(|i| !status.name(status.get(*i)).trim().is_empty())
            .collect();
        let done = |i: usize| is_done(status.name(status.get(i)));
        let n = planned.iter().filter(|i| done(**i)).count();
        let mut k = result(
            "visit_plan_completion",
            lang,
            ratio(n as f64, planned.len() as f64),
            cx.tr(
                "activities done ÷ activities planned (with a status) in the period",
                "本周期已完成的跟进 ÷ 计划的跟进（有状态的记录）",
            ),
            &none,
        );
        k.numerator = Some(n as f64);
        k.denominator = Some(planned.len() as f64);
        if let Some(owner) = r.text(Role::Owner) {
            k.breakdowns.insert(
                "owner".into(),
                share_by(owner, planned.iter().map(|i| (*i, done(*i), 0.0))),
            );
        }
        out.push(k);
    }
}

fn ticket_kpis(cx: &Ctx<'_>, r: &Records, out: &mut Vec<KpiResult>, have_csat: bool) {
    let lang = cx.lang;
    if let Some(created) = r.date(Role::CreatedAt) {
        let ty = r.text(Role::TicketType);
        let complaint = |i: usize| ty.is_none_or(|t| is_complaint(t.name(t.get(i))));
        let rows: Vec<usize> = (0..r.rows)
            .filter(|i| created[*i].is_some() && cx.within(created[*i]))
            .filter(|i| complaint(*i))
            .collect();
        let what = if ty.is_some() {
            cx.tr(
                "complaints (ticket type names a complaint)",
                "投诉（工单类型为投诉）",
            )
        } else {
            cx.tr(
                "all tickets (the export has no ticket type)",
                "全部工单（导出文件没有工单类型）",
            )
        };
        if ty.is_some() {
            // The base: active customers at the period end, else customers who ordered in it.
            let base = active_customers(cx);
            let mut k = result(
                "complaint_rate",
                lang,
                base.as_ref()
                    .and_then(|(n, _)| ratio(rows.len() as f64, *n)),
                cx.tr(
                    format!(
                        "complaints created in the period ÷ {}",
                        base.as_ref().map_or(String::new(), |b| b.1.clone())
                    ),
                    format!(
                        "本周期投诉数 ÷ {}",
                        base.as_ref().map_or(String::new(), |b| b.1.clone())
                    ),
                ),
                &cx.tr(
                    "needs a customers or orders table loaded alongside for the base",
                    "需要同时载入客户表或订单表作为分母",
                ),
            );
            k.numerator = Some(rows.len() as f64);
            k.denominator = base.map(|b| b.0);
            out.push(k);
        }
        if let Some(res) = r.date(Role::ResolvedAt) {
            let sla = cx.inputs.sla_hours();
            let in_time = |i: usize| match (created[i].get(), res[i].get()) {
                (Some(c), Some(z)) => f64::from(z - c) / 60.0 <= sla,
                _ => false,
            };
            let n = rows.iter().filter(|i| in_time(**i)).count();
            let mut k = result(
                "complaint_resolution_in_sla",
                lang,
                ratio(n as f64, rows.len() as f64),
                cx.tr(
                    format!("{what} created in the period resolved within {sla} h ÷ those created (unresolved count as late)"),
                    format!("本周期{what}中 {sla} 小时内解决的占比（未解决计为超时）"),
                ),
                &cx.tr("no complaint was created in this period", "本周期没有投诉"),
            );
            k.numerator = Some(n as f64);
            k.denominator = Some(rows.len() as f64);
            for (role, name) in DIMENSIONS
                .iter()
                .chain([(Role::Priority, "priority")].iter())
            {
                if let Some(dim) = r.text(*role) {
                    k.breakdowns.insert(
                        name.to_string(),
                        share_by(dim, rows.iter().map(|i| (*i, in_time(*i), 0.0))),
                    );
                }
            }
            out.push(k);
        }
    }
    if !have_csat && r.satisfaction.is_some() {
        survey_kpis(cx, r, out);
    }
}

/// Active customers at the period end for complaint rates, and the words for the base.
fn active_customers(cx: &Ctx<'_>) -> Option<(f64, String)> {
    if let Some((_, c)) = cx.records(TableKind::Customers) {
        let end = cx.span().map(|(_, e)| e);
        let ch = c.date(Role::ChurnedAt);
        let cr = c.date(Role::CreatedAt);
        let n = (0..c.rows)
            .filter(|i| {
                end.is_none_or(|e| {
                    cr.is_none_or(|cr| cr[*i].get().is_none_or(|m| day_of(m) <= e))
                        && ch.is_none_or(|ch| ch[*i].get().is_none_or(|m| day_of(m) > e))
                })
            })
            .count();
        return Some((
            n as f64,
            cx.tr(
                format!("{n} customers on the books at the period end"),
                format!("期末在册客户 {n} 位"),
            ),
        ));
    }
    let (_, r) = cx.records(TableKind::Orders)?;
    let o = orders(r)?;
    let n = distinct_ids(
        o.orders
            .iter()
            .filter(|(d, c, _)| *c != 0 && cx.period.contains(*d))
            .map(|(_, c, _)| *c),
    );
    Some((
        n as f64,
        cx.tr(
            format!("{n} customers who ordered in the period"),
            format!("本周期下过单的 {n} 位客户"),
        ),
    ))
}

fn survey_kpis(cx: &Ctx<'_>, r: &Records, out: &mut Vec<KpiResult>) {
    let lang = cx.lang;
    let when = r.when();
    let keep = |i: usize| when.is_none_or(|w| cx.within(w[i]));
    let none = cx.tr("no answer in this period", "本周期没有评价");
    if let Some((scores, top)) = &r.satisfaction {
        let answers: Vec<(usize, u8)> = scores
            .iter()
            .enumerate()
            .filter(|(i, _)| keep(*i))
            .filter_map(|(i, s)| Some((i, (*s)?)))
            .collect();
        let good = |s: u8| if *top == 10 { s >= 9 } else { s >= 4 };
        let n_good = answers.iter().filter(|(_, s)| good(*s)).count();
        let mean = ratio(
            answers.iter().map(|(_, s)| f64::from(*s)).sum(),
            answers.len() as f64,
        );
        let mut k = result(
            "csat",
            lang,
            ratio(n_good as f64, answers.len() as f64),
            cx.tr(
                format!(
                    "answers in the top two boxes ({} of {top}) ÷ answers{}",
                    if *top == 10 { "9–10" } else { "4–5" },
                    if when.is_none() {
                        "; the table has no date, so every answer counts"
                    } else {
                        ""
                    }
                ),
                format!(
                    "满意（{top} 分制 {}）的评价 ÷ 全部评价{}",
                    if *top == 10 {
                        "9–10 分"
                    } else {
                        "4–5 分"
                    },
                    if when.is_none() {
                        "；表中没有日期，计入全部评价"
                    } else {
                        ""
                    }
                ),
            ),
            &none,
        );
        k.numerator = Some(n_good as f64);
        k.denominator = Some(answers.len() as f64);
        if let Some(m) = mean {
            k.details.insert("mean_score".into(), m);
        }
        k.details.insert("scale".into(), f64::from(*top));
        if let Some(owner) = r.text(Role::Owner) {
            k.breakdowns.insert(
                "owner".into(),
                share_by(owner, answers.iter().map(|(i, s)| (*i, good(*s), 0.0))),
            );
        }
        out.retain(|x| x.id != "csat");
        out.push(k);
    }
    if let Some(nps) = &r.nps {
        let answers: Vec<u8> = nps
            .iter()
            .enumerate()
            .filter(|(i, _)| keep(*i))
            .filter_map(|(_, s)| *s)
            .collect();
        let n = answers.len() as f64;
        let pro = answers.iter().filter(|s| **s >= 9).count() as f64;
        let det = answers.iter().filter(|s| **s <= 6).count() as f64;
        let mut k = result(
            "nps",
            lang,
            ratio(pro - det, n).map(|v| v * 100.0),
            cx.tr(
                "% promoters (9–10) − % detractors (0–6), −100 to 100",
                "推荐者（9–10 分）占比 − 贬损者（0–6 分）占比，−100 到 100",
            ),
            &none,
        );
        k.details.insert("promoters".into(), pro);
        k.details.insert("detractors".into(), det);
        k.details.insert("answers".into(), n);
        out.push(k);
    }
}

/// KPIs that combine tables and inputs: CAC, payback, CLV:CAC, market share, target
/// attainment, pipeline coverage, CRM cost vs budget.
fn combined_kpis(cx: &Ctx<'_>, all: &[KpiResult], out: &mut Vec<KpiResult>) {
    let lang = cx.lang;
    let val = |id: &str| all.iter().find(|k| k.id == id).and_then(|k| k.value);
    let months = cx.months();
    // Spend: a spend table beats the monthly input.
    let spend: Option<(f64, String)> = match cx.records(TableKind::Spend) {
        Some((t, r)) => r.number(Role::Amount).map(|a| {
            let when = r.when();
            let sum: f64 = (0..r.rows)
                .filter(|i| when.is_none_or(|w| cx.within(w[*i])))
                .filter_map(|i| a[i].get())
                .sum();
            (
                sum,
                cx.tr(
                    format!("spend from {}", t.file),
                    format!("费用取自 {}", t.file),
                ),
            )
        }),
        None => match (cx.inputs.spend_per_month, months) {
            (Some(s), Some(m)) => Some((
                s * m,
                cx.tr(
                    format!("spend entered: {s} per month × {m:.1} months"),
                    format!("手动输入费用：每月 {s} × {m:.1} 个月"),
                ),
            )),
            _ => None,
        },
    };
    let new = val("new_customers");
    let cac = spend
        .as_ref()
        .and_then(|(s, _)| new.and_then(|n| ratio(*s, n)));
    if let Some((s, words)) = &spend {
        if new.is_some() {
            let mut k = result(
                "cac",
                lang,
                cac,
                cx.tr(
                    format!("sales and marketing spend ÷ new customers in the period; {words}"),
                    format!("销售和营销费用 ÷ 本周期新客户数；{words}"),
                ),
                &cx.tr("no new customer in this period", "本周期没有新客户"),
            );
            k.numerator = Some(*s);
            k.denominator = new;
            out.push(k);
        }
    }
    // Payback: CAC ÷ (monthly revenue per paying customer × margin).
    if let (Some(c), Some(rev), Some(m)) = (cac, val("revenue"), months) {
        let payers = paying_customers(cx);
        let margin = val("profit_margin").or(cx.inputs.gross_margin);
        let monthly = payers.and_then(|p| ratio(rev, p)).map(|x| x / m);
        let v = monthly.and_then(|x| ratio(c, x * margin.unwrap_or(1.0)));
        let mut k = result(
            "cac_payback_months",
            lang,
            v,
            cx.tr(
                format!(
                    "CAC ÷ (revenue per paying customer per month{})",
                    cx.margin_words(margin)
                ),
                format!(
                    "获客成本 ÷（每位付费客户月均收入{}）",
                    cx.margin_words(margin)
                ),
            ),
            &cx.tr("no paying customer in this period", "本周期没有付费客户"),
        );
        if let Some(x) = monthly {
            k.details.insert("monthly_revenue_per_customer".into(), x);
        }
        out.push(k);
    }
    if let (Some(clv), Some(c)) = (val("clv"), cac) {
        let mut k = result(
            "clv_to_cac",
            lang,
            ratio(clv, c),
            cx.tr("CLV ÷ CAC", "客户生命周期价值 ÷ 获客成本"),
            "",
        );
        k.numerator = Some(clv);
        k.denominator = Some(c);
        out.push(k);
    }
    if let (Some(size), Some(rev), Some(m)) =
        (cx.inputs.market_size_per_year, val("revenue"), months)
    {
        let share_of_year = m / 12.0;
        let mut k = result(
            "market_share",
            lang,
            ratio(rev, size * share_of_year),
            cx.tr(
                format!("revenue ÷ market size {size} per year × {share_of_year:.2} years"),
                format!("销售额 ÷ 市场规模（每年 {size} × {share_of_year:.2} 年）"),
            ),
            "",
        );
        k.numerator = Some(rev);
        k.denominator = Some(size * share_of_year);
        out.push(k);
    }
    let target = cx
        .inputs
        .revenue_target_per_month
        .zip(months)
        .map(|(t, m)| t * m);
    if let (Some(t), Some(rev)) = (target, val("revenue")) {
        let mut k = result(
            "quota_attainment",
            lang,
            ratio(rev, t),
            cx.tr(
                format!(
                    "revenue ÷ target {t:.0} ({:.1} months of the monthly target)",
                    months.unwrap_or(0.0)
                ),
                format!(
                    "销售额 ÷ 目标 {t:.0}（按月目标 × {:.1} 个月）",
                    months.unwrap_or(0.0)
                ),
            ),
            "",
        );
        k.numerator = Some(rev);
        k.denominator = Some(t);
        if let (false, Some(by_rep)) = (
            cx.inputs.rep_targets_per_month.is_empty(),
            all.iter()
                .find(|k| k.id == "revenue")
                .and_then(|k| k.breakdowns.get("owner")),
        ) {
            let m = months.unwrap_or(1.0);
            let rows = cx
                .inputs
                .rep_targets_per_month
                .iter()
                .map(|(rep, t)| {
                    let got = by_rep
                        .iter()
                        .find(|r| r.key == *rep)
                        .and_then(|r| r.value)
                        .unwrap_or(0.0);
                    let mut x = row(ratio(got, t * m), Some(got), Some(t * m), 0);
                    x.key = rep.clone();
                    x
                })
                .collect();
            k.breakdowns.insert("owner".into(), rows);
        }
        out.push(k);
        if let Some(pipe) = val("pipeline_value") {
            let remaining = t - rev;
            let mut k = result(
                "pipeline_coverage",
                lang,
                (remaining > 0.0).then(|| pipe / remaining),
                cx.tr(
                    "open pipeline ÷ (period target − revenue so far)",
                    "在途商机金额 ÷（本期目标 − 已完成销售额）",
                ),
                &cx.tr("the target is already met", "目标已完成"),
            );
            k.numerator = Some(pipe);
            k.denominator = Some(remaining);
            out.push(k);
        }
    }
    if let (Some(b), Some(c)) = (cx.inputs.crm_budget, cx.inputs.crm_cost) {
        let mut k = result(
            "crm_budget_variance",
            lang,
            ratio(c - b, b),
            cx.tr(
                "(actual cost − budget) ÷ budget, as entered",
                "（实际成本 − 预算）÷ 预算，手动输入",
            ),
            &cx.tr("the budget is zero", "预算为 0"),
        );
        k.numerator = Some(c - b);
        k.denominator = Some(b);
        out.push(k);
    }
}

/// How many distinct ids there are among interned ids (small and dense: a list of marks, not
/// a hash set).
fn distinct_ids(ids: impl IntoIterator<Item = u32>) -> usize {
    let mut seen: Vec<bool> = Vec::new();
    let mut n = 0;
    for id in ids {
        let i = id as usize;
        if i >= seen.len() {
            seen.resize(i + 1, false);
        }
        n += usize::from(!std::mem::replace(&mut seen[i], true));
    }
    n
}

/// Distinct customers with revenue in the period: order customers, else deal customers.
fn paying_customers(cx: &Ctx<'_>) -> Option<f64> {
    if let Some((_, r)) = cx.records(TableKind::Orders) {
        let o = orders(r)?;
        let n = distinct_ids(
            o.orders
                .iter()
                .filter(|(d, c, a)| *c != 0 && *a > 0.0 && cx.period.contains(*d))
                .map(|(_, c, _)| *c),
        );
        return Some(n as f64);
    }
    let d = cx.tables.iter().find_map(|t| t.deals.as_ref())?;
    let (c, closed) = (d.customer.as_ref()?, d.closed.as_ref()?);
    let n = distinct_ids(
        (0..d.rows)
            .filter(|r| d.outcome[*r] == crate::engine::value::Outcome::Won)
            .filter(|r| cx.within(closed[*r]))
            .map(|r| c.get(r))
            .filter(|id| *id != 0),
    );
    Some(n as f64)
}

/// CRM usage over every table: completeness of each table's required fields, active users
/// against licences, and records per active user per week.
fn usage_kpis(cx: &Ctx<'_>, have: &[KpiResult], out: &mut Vec<KpiResult>) {
    let lang = cx.lang;
    let others: Vec<(&Table, &Records)> = cx
        .tables
        .iter()
        .filter_map(|t| Some((t, t.records.as_ref()?)))
        .filter(|(_, r)| !r.completeness.is_empty())
        .collect();
    let deals = cx
        .tables
        .iter()
        .find_map(|t| Some((t, t.deals.as_ref()?)))
        .filter(|(_, d)| !d.completeness.is_empty());
    if !others.is_empty() {
        let mut rows: Vec<BreakdownRow> = Vec::new();
        let (mut filled, mut cells) = (0usize, 0usize);
        let parts = deals
            .iter()
            .map(|(t, d)| (t.kind, &d.completeness))
            .chain(others.iter().map(|(t, r)| (t.kind, &r.completeness)));
        for (kind, comp) in parts {
            for (role, f, c) in comp.iter() {
                filled += f;
                cells += c;
                let mut x = row(
                    ratio(*f as f64, *c as f64),
                    Some(*f as f64),
                    Some(*c as f64),
                    *c as u64,
                );
                x.key = format!("{}: {}", kind.id(), role.id());
                rows.push(x);
            }
        }
        let mut k = result(
            "data_completeness",
            lang,
            ratio(filled as f64, cells as f64),
            cx.tr(
                "filled cells ÷ cells, over the fields each loaded table’s kind should have",
                "已填单元格 ÷ 单元格，按每张表应有的字段",
            ),
            "",
        );
        k.numerator = Some(filled as f64);
        k.denominator = Some(cells as f64);
        k.breakdowns.insert("field".into(), rows);
        out.push(k);
    }

    let users = cx.records(TableKind::Users);
    let licences = cx.inputs.licences.or_else(|| {
        users.map(|(_, u)| match u.text(Role::ActiveFlag) {
            Some(f) => (0..u.rows)
                .filter(|i| parse_bool(f.name(f.get(*i))) != Some(false))
                .count() as f64,
            None => u.rows as f64,
        })
    });
    let has_other_owned = others.iter().any(|(t, r)| {
        t.kind != TableKind::Users && r.text(Role::Owner).is_some() && r.when().is_some()
    });
    // Active users: owners of any record dated in the period, and users who logged in.
    // Counted per interned owner first, so a million rows cost no string work.
    let mut active: HashMap<String, u32> = HashMap::new();
    let mut records = 0u64;
    // Users who logged in but are not named in the users table still count once each.
    let mut unnamed = 0usize;
    // They count for the activation rate (given a licence count) and for the engagement
    // over every table's records; a deals table alone has its own engagement.
    let engaged = have.iter().any(|k| k.id == "user_engagement");
    if licences.is_some() || has_other_owned || !engaged {
        // `counted`: the records of each owner in the period, already counted.
        let mut count_owned = |o: &Interned, dates: &[MaybeMinute], counted: Option<&[u64]>| {
            let mut seen = vec![false; o.names.len()];
            match counted {
                Some(counted) => {
                    for (id, n) in counted.iter().enumerate().skip(1).filter(|(_, n)| **n > 0) {
                        if let Some(s) = seen.get_mut(id) {
                            *s = true;
                            records += n;
                        }
                    }
                }
                None => {
                    for (r, when) in dates.iter().enumerate() {
                        let id = o.get(r) as usize;
                        if id != 0 && when.is_some() && cx.within(*when) {
                            seen[id] = true;
                            records += 1;
                        }
                    }
                }
            }
            for (id, s) in seen.iter().enumerate() {
                if *s {
                    active.insert(lower(o.name(id as u32).trim()), 0);
                }
            }
        };
        for t in cx.tables {
            if let Some(d) = &t.deals {
                if let (Some(o), Some(c)) = (&d.owner, &d.created) {
                    count_owned(o, c, cx.deals_by_owner.as_deref());
                }
            }
            if let Some(r) = &t.records {
                if t.kind == TableKind::Users {
                    continue;
                }
                if let (Some(o), Some(w)) = (r.text(Role::Owner), r.when()) {
                    count_owned(o, w, None);
                }
            }
        }
        if let Some((_, u)) = users {
            if let Some(ll) = u.date(Role::LastLogin) {
                for (i, login) in ll.iter().enumerate() {
                    if login.is_some() && cx.within(*login) {
                        let name = lower(u.text_at(Role::Name, i).trim());
                        if name.is_empty() {
                            unnamed += 1;
                        } else {
                            active.insert(name, 0);
                        }
                    }
                }
            }
        }
    }
    if let Some(l) = licences {
        let n = active.len() + unnamed;
        let mut k = result(
            "user_activation_rate",
            lang,
            ratio(n as f64, l),
            cx.tr(
                format!("users who own a record dated in the period or logged in ÷ {l:.0} licensed users"),
                format!("本周期拥有记录或登录过的用户 ÷ {l:.0} 个账号"),
            ),
            &cx.tr("no licence count", "没有账号数"),
        );
        k.numerator = Some(n as f64);
        k.denominator = Some(l);
        out.push(k);
    }
    // Deals alone keep their own engagement (deals created per owner); with other tables
    // owning records, this one counts them all.
    let users_n = active.len();
    let wanted = has_other_owned || (users_n > 0 && !engaged);
    let Some((a, b)) = cx.span().filter(|_| wanted) else {
        return;
    };
    let weeks = f64::from(b - a + 1) / 7.0;
    let mut k = result(
        "user_engagement",
        lang,
        ratio(records as f64, users_n as f64 * weeks),
        cx.tr(
            format!("records and activities created ÷ {users_n} active users ÷ {weeks:.1} weeks"),
            format!("新建记录和跟进 ÷ {users_n} 位活跃用户 ÷ {weeks:.1} 周"),
        ),
        &cx.tr(
            "no record with an owner in this period",
            "本周期没有带负责人的记录",
        ),
    );
    k.numerator = Some(records as f64);
    k.denominator = Some(users_n as f64);
    out.push(k);
}
