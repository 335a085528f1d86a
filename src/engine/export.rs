//! The KPI results as a table to take away: CSV for a file (cells a spreadsheet would run as
//! formulas are neutralised) and TSV for the clipboard, in the report's language.

use crate::engine::report::{Report, TargetStatus};
use crate::engine::{csv_record, safe_cell};
use crate::i18n::Lang;

fn header(lang: Lang) -> [&'static str; 13] {
    match lang {
        Lang::En => [
            "KPI",
            "id",
            "period",
            "value",
            "unit",
            "previous",
            "change",
            "year earlier",
            "target",
            "status",
            "how it was computed",
            "typical range",
            "note",
        ],
        Lang::Zh => [
            "指标",
            "编号",
            "统计周期",
            "数值",
            "单位",
            "上一期",
            "变化",
            "去年同期",
            "目标",
            "状态",
            "计算口径",
            "参考范围",
            "说明",
        ],
    }
}

/// A cell made safe for spreadsheets: numbers stay numbers (a negative change must not turn
/// into text); any other cell that starts like a formula is neutralised.
fn cell(c: &str) -> std::borrow::Cow<'_, str> {
    if crm_kpi_decimal::parse(c).is_ok() {
        c.into()
    } else {
        safe_cell(c)
    }
}

/// The unit's name as in the report's JSON.
fn unit_id(u: crate::engine::catalogue::Unit) -> &'static str {
    use crate::engine::catalogue::Unit::*;
    match u {
        Ratio => "ratio",
        Money => "money",
        Days => "days",
        Months => "months",
        Count => "count",
        MoneyPerDay => "money_per_day",
        Number => "number",
    }
}

fn num(v: Option<f64>) -> String {
    v.map(|x| format!("{}", (x * 1e6).round() / 1e6))
        .unwrap_or_default()
}

/// One row per KPI the data supports, in catalogue order, after a header row.
pub fn rows(report: &Report) -> Vec<Vec<String>> {
    let lang = report.lang;
    let mut out = vec![header(lang).iter().map(|s| s.to_string()).collect()];
    for k in &report.kpis {
        let status = k.status.map(|s| match (s, lang) {
            (TargetStatus::Met, Lang::En) => "met",
            (TargetStatus::Near, Lang::En) => "near",
            (TargetStatus::Missed, Lang::En) => "missed",
            (TargetStatus::Met, Lang::Zh) => "达标",
            (TargetStatus::Near, Lang::Zh) => "接近",
            (TargetStatus::Missed, Lang::Zh) => "未达标",
        });
        let typical: Vec<String> = k
            .benchmarks
            .iter()
            .map(|b| {
                let strength = crate::engine::review::strength_label(&b.strength, lang);
                format!("{} ({}, {strength})", b.range, b.source)
            })
            .collect();
        out.push(vec![
            k.name.clone(),
            k.id.clone(),
            report.period.clone(),
            num(k.value),
            unit_id(k.unit).to_string(),
            num(k.previous),
            num(k.delta),
            num(k.year_ago),
            num(k.target),
            status.unwrap_or_default().to_string(),
            k.variant.clone(),
            typical.join("; "),
            k.note
                .clone()
                .filter(|_| k.value.is_none())
                .unwrap_or_default(),
        ]);
    }
    out
}

/// The rows as CSV (RFC 4180 quoting, a BOM so that Excel reads the UTF-8), every cell
/// neutralised against formula injection.
pub fn kpis_csv(report: &Report) -> String {
    let mut out = String::from("\u{feff}");
    for row in rows(report) {
        csv_record(&mut out, row.iter().map(|c| cell(c)));
    }
    out
}

/// The rows as tab-separated text for pasting into a spreadsheet: tabs and line breaks inside
/// a cell become spaces, formula-like cells are neutralised.
pub fn kpis_tsv(report: &Report) -> String {
    rows(report)
        .iter()
        .map(|row| {
            row.iter()
                .map(|c| cell(&c.replace(['\t', '\r', '\n'], " ")).into_owned())
                .collect::<Vec<_>>()
                .join("\t")
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// The `format` the JSON export carries.
pub const KPIS_JSON_FORMAT: &str = "crm-kpi-kpis/1";

/// What the JSON export holds: the period's KPI results with their comparisons, targets,
/// benchmarks and trends, the shown set, and the data-sanity warnings. Rows of the data are
/// not in it beyond the line numbers the warnings name.
#[derive(serde::Serialize)]
struct KpisJson<'a> {
    format: &'static str,
    lang: &'static str,
    period: &'a str,
    period_from: Option<&'a str>,
    period_to: Option<&'a str>,
    previous_period: Option<&'a str>,
    year_ago_period: Option<&'a str>,
    stage: &'a str,
    goals: &'a [String],
    /// The KPI ids shown as the recommended (or chosen) set, in order.
    shown: Vec<&'a str>,
    kpis: &'a [crate::engine::report::KpiResult],
    warnings: &'a [crate::engine::report::Warning],
    files: Vec<&'a str>,
}

/// The KPI results as JSON (the same object the embed page posts to its host).
pub fn kpis_json(report: &Report) -> String {
    let doc = KpisJson {
        format: KPIS_JSON_FORMAT,
        lang: report.lang.id(),
        period: &report.period,
        period_from: report.period_from.as_deref(),
        period_to: report.period_to.as_deref(),
        previous_period: report.previous_period.as_deref(),
        year_ago_period: report.year_ago_period.as_deref(),
        stage: &report.stage,
        goals: &report.goals,
        shown: report
            .recommendation
            .iter()
            .map(|r| r.id.as_str())
            .collect(),
        kpis: &report.kpis,
        warnings: &report.warnings,
        files: report.tables.iter().map(|t| t.file.as_str()).collect(),
    };
    // Serialising plain structs of strings and finite or null numbers cannot fail.
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::{kpis_json, KPIS_JSON_FORMAT};
    use crate::engine::{analyze, Options, Period};

    #[test]
    fn kpis_export_with_formulas_defused() {
        let csv = "Deal Name,Amount,Stage,Create Date,Close Date,Owner,Lead Source\n\
            A,100,Closed Won,2024-01-01,2024-01-11,Ann,Referral\n\
            B,300,Closed Lost,2024-01-05,2024-01-25,Bob,Web\n";
        let r = analyze(
            &[("d.csv", csv.as_bytes())],
            &Options {
                period: Period::Month(2024, 1),
                ..Options::default()
            },
        );
        let out = super::kpis_csv(&r);
        assert!(out.starts_with("\u{feff}KPI,id,period,value"));
        let win = out.lines().find(|l| l.contains(",win_rate,")).unwrap();
        assert!(
            win.starts_with("Opportunity win rate,win_rate,2024-01,0.5,ratio,"),
            "{win}"
        );
        assert!(super::rows(&r).iter().all(|row| row.len() == 13));
        // Any cell that starts like a formula is made text, in the CSV and in the TSV.
        let mut evil = r.clone();
        evil.kpis[0].variant = "=cmd|' /C calc'!A0".into();
        evil.kpis[1].variant = "+1\tline\nbreak".into();
        let out = super::kpis_csv(&evil);
        assert!(out.contains(",'=cmd|' /C calc'!A0,"), "{out}");
        let tsv = super::kpis_tsv(&evil);
        assert!(tsv.lines().all(|l| l.split('\t').count() == 13), "{tsv}");
        assert!(tsv.contains("\t'+1 line break\t"), "{tsv}");
        assert!(!tsv.contains("\t="), "no cell starts a formula");
        // A negative number stays a number.
        evil.kpis[0].delta = Some(-0.25);
        assert!(super::kpis_csv(&evil).contains(",-0.25,"));
    }

    #[test]
    fn the_json_export_holds_the_shown_kpis_with_their_figures() {
        let csv = "Deal Name,Amount,Deal Stage,Create Date,Close Date\nA,100,Closed Won,2024-01-02,2024-01-20\nB,50,Closed Lost,2024-01-03,2024-01-21\n";
        let report = crate::engine::analyze(
            &[("d.csv", csv.as_bytes())],
            &crate::engine::Options::default(),
        );
        let v: serde_json::Value = serde_json::from_str(&kpis_json(&report)).expect("valid JSON");
        assert_eq!(v["format"], KPIS_JSON_FORMAT);
        assert_eq!(v["period"], "all");
        assert_eq!(v["files"][0], "d.csv");
        assert_eq!(
            v["shown"].as_array().map(Vec::len),
            Some(report.recommendation.len())
        );
        let win = v["kpis"]
            .as_array()
            .and_then(|k| k.iter().find(|k| k["id"] == "win_rate"))
            .expect("win rate");
        assert_eq!(win["value"], 0.5);
    }
}
