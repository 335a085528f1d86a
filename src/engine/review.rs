//! Reviewing a KPI: its target and where the value stands against it (in the KPI's
//! direction), the cadence that suits it, and the published ranges it can be read against.

use crate::engine::catalogue::Direction;
use crate::engine::report::{Benchmark, KpiResult, TargetStatus};
use crate::engine::Options;

/// How far on the wrong side of a target still counts as near it.
const NEAR: f64 = 0.10;

/// Fill in target, status, cadence and benchmarks.
pub fn finish(k: &mut KpiResult, opts: &Options, data_range: Option<(i32, i32)>) {
    k.target = opts.targets.get(&k.id).copied().or_else(|| {
        // Revenue's target follows from the monthly revenue target input.
        (k.id == "revenue").then_some(())?;
        let per_month = opts.inputs.revenue_target_per_month?;
        Some(per_month * crate::engine::kpi_tables::period_months(opts.period, data_range)?)
    });
    k.status = match (k.value, k.target) {
        (Some(v), Some(t)) => Some(status(v, t, k.direction)),
        _ => None,
    };
    k.cadence = cadence(&k.id).into();
    k.benchmarks = benchmarks(&k.id);
}

/// Met, near (within 10 % of the target's size) or missed, in the KPI's direction.
pub fn status(value: f64, target: f64, dir: Direction) -> TargetStatus {
    let slack = NEAR * target.abs();
    let gap = match dir {
        Direction::HigherIsBetter => target - value,
        Direction::LowerIsBetter => value - target,
    };
    if gap <= 0.0 {
        TargetStatus::Met
    } else if gap <= slack {
        TargetStatus::Near
    } else {
        TargetStatus::Missed
    }
}

/// The catalogue's review cadence: slow KPIs quarterly or yearly, the rest monthly.
pub fn cadence(id: &str) -> &'static str {
    match id {
        "clv" | "clv_to_cac" | "market_share" | "crm_budget_variance" => "year",
        "retention_rate" | "churn_rate" | "repurchase_rate" | "renewal_rate" | "nps"
        | "cac_payback_months" | "csat" => "quarter",
        _ => "month",
    }
}

fn b(range: &str, source: &str, url: &str, strength: &str) -> Benchmark {
    Benchmark {
        range: range.into(),
        source: source.into(),
        url: url.into(),
        strength: strength.into(),
    }
}

/// Ranges from `KPI-REFERENCES.md`, each with its source; KPIs with no sourced range get none.
pub fn benchmarks(id: &str) -> Vec<Benchmark> {
    match id {
        "win_rate" => vec![
            b("transactional 15–25 %, software 20–40 %, enterprise 35–50 %, professional services 40–60 %", "MetricHQ", "https://mhq-gatsby.pages.dev/sales/opportunity-win-rate", "directional"),
            b("B2B SaaS 15–30 %", "Futureproof", "https://www.runfutureproof.com/terms/win-rate", "directional"),
        ],
        "pipeline_coverage" => vec![
            b("3–5× as a rule of thumb; the coverage needed is 1 ÷ win rate", "Wins Above", "https://winsabove.pages.dev/glossary/pipeline-coverage-ratio", "directional"),
        ],
        "revenue_growth" => vec![
            b("≤ 0 % poor, 0–10 % not bad, 10–30 % good, > 30 % great", "Bitrix24 sales dynamics", "https://helpdesk.bitrix24.com/open/10403464", "directional"),
        ],
        "cac_payback_months" => vec![
            b("good 18, great 15, excellent 12 months", "SaaSGrid", "http://www.saasgrid.com/metrics-library/cac-payback", "directional"),
            b("excellent: product-led < 3, SMB < 6, mid-market < 12, enterprise < 18 months", "Calcady", "https://calcady.com/professional/business/cac-payback-period-months", "directional"),
        ],
        "csat" => vec![
            b("above 80 % acceptable", "Wyapy", "https://www.wyapy.com/guides/customer-feedback/how-to-calculate-csat", "weak"),
        ],
        "repurchase_rate" => vec![
            b("e-commerce: consumables 40–60 % and more, durables 5–15 %", "Firstpier", "", "directional"),
        ],
        "follow_up_24h_rate" => vec![
            b("leads answered within 1 h were about 7× likelier to qualify; the average response took 42 h", "Harvard Business Review 2011, via Cognautic", "https://cognautic.com/answers/speed-to-lead-statistics", "directional"),
        ],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_follows_the_direction() {
        use Direction::*;
        use TargetStatus::*;
        assert_eq!(status(0.30, 0.25, HigherIsBetter), Met);
        assert_eq!(status(0.24, 0.25, HigherIsBetter), Near);
        assert_eq!(status(0.20, 0.25, HigherIsBetter), Missed);
        // Lower is better: a 40-day cycle against a 45-day target is met; 48 is near.
        assert_eq!(status(40.0, 45.0, LowerIsBetter), Met);
        assert_eq!(status(48.0, 45.0, LowerIsBetter), Near);
        assert_eq!(status(60.0, 45.0, LowerIsBetter), Missed);
    }
}
