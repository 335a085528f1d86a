//! Reviewing a KPI: its target and where the value stands against it (in the KPI's
//! direction), the cadence that suits it, and the published ranges it can be read against.

use crate::engine::catalogue::Direction;
use crate::engine::report::{Benchmark, KpiResult, TargetStatus};
use crate::engine::Options;
use crate::i18n::Lang;

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
    k.benchmarks = benchmarks(&k.id, opts.lang);
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

/// A published range, in `lang`: its words (English, Chinese), where it comes from, and how
/// much it can be leaned on (`directional` or `weak`, see [`strength_label`]).
fn b(lang: Lang, range: [&str; 2], source: [&str; 2], url: &str, strength: &str) -> Benchmark {
    let pick = |[en, zh]: [&str; 2]| match lang {
        Lang::En => en.to_string(),
        Lang::Zh => zh.to_string(),
    };
    Benchmark {
        range: pick(range),
        source: pick(source),
        url: url.into(),
        strength: strength.into(),
    }
}

/// How a benchmark's `strength` reads in `lang`.
pub fn strength_label(strength: &str, lang: Lang) -> &str {
    match (strength, lang) {
        ("directional", Lang::Zh) => "方向性参考",
        ("weak", Lang::Zh) => "依据较弱",
        ("weak", Lang::En) => "weak evidence",
        _ => strength,
    }
}

/// Ranges from `KPI-REFERENCES.md`, each with its source; KPIs with no sourced range get none.
pub fn benchmarks(id: &str, lang: Lang) -> Vec<Benchmark> {
    let b = |range, source, url, strength| b(lang, range, source, url, strength);
    let same = |name| [name, name];
    match id {
        "win_rate" => vec![
            b(
                ["transactional 15–25 %, software 20–40 %, enterprise 35–50 %, professional services 40–60 %",
                 "交易型 15–25 %，软件 20–40 %，大客户 35–50 %，专业服务 40–60 %"],
                same("MetricHQ"), "https://mhq-gatsby.pages.dev/sales/opportunity-win-rate", "directional",
            ),
            b(["B2B SaaS 15–30 %", "B2B SaaS 15–30 %"], same("Futureproof"), "https://www.runfutureproof.com/terms/win-rate", "directional"),
        ],
        "pipeline_coverage" => vec![b(
            ["3–5× as a rule of thumb; the coverage needed is 1 ÷ win rate",
             "经验值 3–5 倍；所需的覆盖倍数为 1 ÷ 赢单率"],
            same("Wins Above"), "https://winsabove.pages.dev/glossary/pipeline-coverage-ratio", "directional",
        )],
        "revenue_growth" => vec![b(
            ["≤ 0 % poor, 0–10 % not bad, 10–30 % good, > 30 % great",
             "≤ 0 % 差，0–10 % 尚可，10–30 % 良好，> 30 % 优秀"],
            same("Bitrix24 sales dynamics"), "https://helpdesk.bitrix24.com/open/10403464", "directional",
        )],
        "cac_payback_months" => vec![
            b(
                ["good 18, great 15, excellent 12 months", "良好 18 个月，优秀 15 个月，卓越 12 个月"],
                same("SaaSGrid"), "http://www.saasgrid.com/metrics-library/cac-payback", "directional",
            ),
            b(
                ["excellent: product-led < 3, SMB < 6, mid-market < 12, enterprise < 18 months",
                 "卓越：产品驱动型 < 3 个月，中小企业 < 6 个月，中型市场 < 12 个月，大企业 < 18 个月"],
                same("Calcady"), "https://calcady.com/professional/business/cac-payback-period-months", "directional",
            ),
        ],
        "csat" => vec![b(
            ["above 80 % acceptable", "80 % 以上可以接受"],
            same("Wyapy"), "https://www.wyapy.com/guides/customer-feedback/how-to-calculate-csat", "weak",
        )],
        "repurchase_rate" => vec![b(
            ["e-commerce: consumables 40–60 % and more, durables 5–15 %",
             "电商：消耗品 40–60 % 及以上，耐用品 5–15 %"],
            same("Firstpier"), "", "directional",
        )],
        "follow_up_24h_rate" => vec![b(
            ["leads answered within 1 h were about 7× likelier to qualify; the average response took 42 h",
             "1 小时内回复的线索成为合格线索的可能性约高 7 倍；平均回复用时 42 小时"],
            ["Harvard Business Review 2011, via Cognautic", "《哈佛商业评论》2011，转引自 Cognautic"],
            "https://cognautic.com/answers/speed-to-lead-statistics", "directional",
        )],
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

    #[test]
    fn benchmarks_are_in_the_report_language() {
        let en = benchmarks("revenue_growth", Lang::En);
        let zh = benchmarks("revenue_growth", Lang::Zh);
        assert_eq!(
            en[0].range,
            "≤ 0 % poor, 0–10 % not bad, 10–30 % good, > 30 % great"
        );
        assert_eq!(
            zh[0].range,
            "≤ 0 % 差，0–10 % 尚可，10–30 % 良好，> 30 % 优秀"
        );
        assert_eq!((&en[0].url, &en[0].strength), (&zh[0].url, &zh[0].strength));
        // Every range has both languages, and no Chinese range is left in English.
        for id in [
            "win_rate",
            "pipeline_coverage",
            "revenue_growth",
            "cac_payback_months",
            "csat",
            "repurchase_rate",
            "follow_up_24h_rate",
        ] {
            let (en, zh) = (benchmarks(id, Lang::En), benchmarks(id, Lang::Zh));
            assert!(!en.is_empty() && en.len() == zh.len(), "{id}");
            let han = |t: &str| t.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
            for (e, z) in en.iter().zip(&zh) {
                assert!(!han(&e.range), "{id}: {}", e.range);
                // A range of figures only ("B2B SaaS 15–30 %") reads the same in both.
                assert!(han(&z.range) || z.range == e.range, "{id}: {}", z.range);
            }
        }
        assert_eq!(strength_label("directional", Lang::Zh), "方向性参考");
        assert_eq!(strength_label("weak", Lang::En), "weak evidence");
        assert_eq!(strength_label("directional", Lang::En), "directional");
    }
}
