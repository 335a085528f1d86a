//! The KPI results as a table to take away: CSV for a file (cells a spreadsheet would run as
//! formulas are neutralised) and TSV for the clipboard, in the report's language.

use crate::engine::report::{Report, TargetStatus};
use crate::engine::safe_cell;
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
    if c.parse::<f64>().is_ok() {
        c.into()
    } else {
        safe_cell(c)
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
            .map(|b| format!("{} ({}, {})", b.range, b.source, b.strength))
            .collect();
        out.push(vec![
            k.name.clone(),
            k.id.clone(),
            report.period.clone(),
            num(k.value),
            serde_json::to_value(k.unit)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
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
    let mut w = csv::WriterBuilder::new().from_writer(vec![]);
    for row in rows(report) {
        // Writing to a Vec cannot fail.
        let _ = w.write_record(row.iter().map(|c| cell(c).into_owned()));
    }
    let bytes = w.into_inner().unwrap_or_default();
    format!("\u{feff}{}", String::from_utf8_lossy(&bytes))
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

#[cfg(test)]
mod tests {
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
}
