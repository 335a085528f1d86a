//! The report in the shape of the shared benchmark's KPI spec (`../shared/bench/KPI_SPEC.md`),
//! so the browser plug and the native tests check the same conversion.

use crate::engine::report::Report;
use serde_json::{json, Map, Value};

/// The day the profiles of a change of a column's meaning take for today (the bench module's
/// `bench_hold`, the `remap_speed` example): after the bench file's last date, and fixed, so
/// that every run makes the same checks.
pub const PROFILE_TODAY: &str = "2026-12-07";

/// Convert a whole-range report of one deals table to the bench's result object.
pub fn spec_result(r: &Report) -> Value {
    let d = r.deals.clone().unwrap_or_default();
    let value = |id: &str| r.kpi(id).and_then(|k| k.value);
    let breakdown = |id: &str, dim: &str| {
        r.kpi(id)
            .and_then(|k| k.breakdowns.get(dim))
            .cloned()
            .unwrap_or_default()
    };
    let months: Map<String, Value> = r
        .kpi("revenue")
        .map(|k| {
            k.series
                .iter()
                .map(|p| (p.period.clone(), json!(p.value)))
                .collect()
        })
        .unwrap_or_default();
    let rates = breakdown("win_rate", "owner");
    let mut by_owner = Map::new();
    for row in breakdown("revenue", "owner") {
        let rate = rates
            .iter()
            .find(|x| x.key == row.key)
            .and_then(|x| x.value);
        by_owner.insert(row.key.clone(), json!({"won_revenue": row.value.unwrap_or(0.0), "won_count": row.count, "win_rate": rate}));
    }
    let by_source: Map<String, Value> = breakdown("win_rate", "lead_source")
        .into_iter()
        .map(|row| (row.key, json!({"win_rate": row.value})))
        .collect();
    json!({
        "total_deals": d.created,
        "won_deals": d.won,
        "lost_deals": d.lost,
        // The spec's "open" is everything neither won nor lost.
        "open_deals": d.open + d.invalid,
        "win_rate": value("win_rate"),
        "won_revenue": value("revenue").unwrap_or(0.0),
        "avg_won_deal_size": value("average_deal_size"),
        "median_sales_cycle_days": value("sales_cycle_days"),
        "open_pipeline_value": value("pipeline_value").unwrap_or(0.0),
        "won_revenue_by_month": months,
        "by_owner": by_owner,
        "by_lead_source": by_source,
    })
}
