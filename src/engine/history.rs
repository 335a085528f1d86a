//! Snapshots of a period's KPIs, kept by the user (browser storage or a downloaded file) and
//! compared with a later export: the same KPI's value then and now, and whether the change is
//! good news in the KPI's direction.

use crate::engine::catalogue::Direction;
use crate::engine::report::Report;
use serde::{Deserialize, Serialize};

/// A period's KPI values as they stood, kept to compare a later export with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// When it was saved (`YYYY-MM-DD`, the page's date); empty for a file opened.
    pub saved: String,
    /// The period its figures are for (`2025-11`, `2025-Q3`, `all` …).
    pub period: String,
    /// Which data it came from, for people (file names), or the snapshot file's name.
    pub source: String,
    /// KPI id → value.
    pub kpis: Vec<(String, f64)>,
}

/// One KPI now against the same KPI in a snapshot.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    pub id: String,
    pub before: f64,
    pub delta: f64,
    /// `delta ÷ |before|`; none against zero.
    pub delta_pct: Option<f64>,
    /// The change is good news in the KPI's direction; `None` when nothing changed.
    pub better: Option<bool>,
}

impl Snapshot {
    /// The report's KPIs that have a value, as they stand.
    pub fn of(report: &Report, saved: &str, source: &str) -> Snapshot {
        Snapshot {
            saved: saved.into(),
            period: report.period.clone(),
            source: source.into(),
            kpis: report
                .kpis
                .iter()
                .filter_map(|k| Some((k.id.clone(), k.value?)))
                .collect(),
        }
    }

    /// A KPI table downloaded earlier (`export::kpis_csv`, English or Chinese headers) read
    /// back as a snapshot, or what is wrong with the file.
    pub fn from_csv(text: &str, name: &str) -> Result<Snapshot, String> {
        let mut rows = crate::engine::ingest::comma_records(text.trim_start_matches('\u{feff}'));
        let header = rows.next().unwrap_or_default();
        let col = |names: [&str; 2]| header.iter().position(|h| names.contains(&h.trim()));
        let (Some(id), Some(period), Some(value)) = (
            col(["id", "编号"]),
            col(["period", "统计周期"]),
            col(["value", "数值"]),
        ) else {
            return Err(
                "not a KPI table downloaded from this calculator (no id, period and value columns)"
                    .into(),
            );
        };
        let mut snap = Snapshot {
            saved: String::new(),
            period: String::new(),
            source: name.into(),
            kpis: Vec::new(),
        };
        for row in rows {
            let field = |i: usize| row.get(i).unwrap_or_default().trim();
            if snap.period.is_empty() {
                snap.period = field(period).to_string();
            }
            if let Ok(v) = crm_kpi_decimal::parse(field(value)) {
                snap.kpis.push((field(id).to_string(), v));
            }
        }
        if snap.kpis.is_empty() {
            return Err("the KPI table has no values".into());
        }
        Ok(snap)
    }

    /// A short name for pickers: the period and the day it was saved.
    pub fn label(&self) -> String {
        if self.saved.is_empty() {
            self.period.clone()
        } else {
            format!("{} · {}", self.period, self.saved)
        }
    }

    /// Every KPI of `report` with a value that the snapshot also has a value for.
    pub fn compare(&self, report: &Report) -> Vec<Comparison> {
        report
            .kpis
            .iter()
            .filter_map(|k| {
                let now = k.value?;
                let before = self.kpis.iter().find(|(id, _)| *id == k.id)?.1;
                let delta = now - before;
                Some(Comparison {
                    id: k.id.clone(),
                    before,
                    delta,
                    delta_pct: (before != 0.0).then(|| delta / before.abs()),
                    better: (delta != 0.0).then_some(match k.direction {
                        Direction::HigherIsBetter => delta > 0.0,
                        Direction::LowerIsBetter => delta < 0.0,
                    }),
                })
            })
            .collect()
    }
}

/// Keep at most `max` snapshots, newest first; a snapshot of the same period and source
/// replaces the older one.
pub fn remember(history: &mut Vec<Snapshot>, snap: Snapshot, max: usize) {
    history.retain(|s| !(s.period == snap.period && s.source == snap.source));
    history.insert(0, snap);
    history.truncate(max);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{analyze, Options, Period};

    fn report(csv: &str, period: Period) -> Report {
        let opts = Options {
            period,
            ..Options::default()
        };
        analyze(&[("deals.csv", csv.as_bytes())], &opts)
    }

    const CSV: &str = "Deal Name,Amount,Deal Stage,Create Date,Close Date\n\
        A,100,Closed Won,2024-01-02,2024-01-20\n\
        B,300,Closed Won,2024-01-05,2024-01-25\n\
        C,50,Closed Lost,2024-01-06,2024-01-26\n\
        D,400,Closed Won,2024-02-02,2024-02-20\n\
        E,70,Closed Lost,2024-02-05,2024-02-25\n\
        F,90,Closed Lost,2024-02-06,2024-02-26\n";

    #[test]
    fn a_saved_month_compares_with_the_next_in_each_kpis_direction() {
        let jan = report(CSV, Period::Month(2024, 1));
        let snap = Snapshot::of(&jan, "2024-02-01", "deals.csv");
        assert_eq!(snap.period, "2024-01");
        // The KPI table downloaded as CSV reads back to the same figures.
        let back = Snapshot::from_csv(&crate::engine::export::kpis_csv(&jan), "jan.csv")
            .expect("reads back");
        assert_eq!(back.period, "2024-01");
        assert_eq!(back.kpis.len(), snap.kpis.len());
        for ((a, x), (b, y)) in back.kpis.iter().zip(&snap.kpis) {
            // The table keeps six decimals.
            assert!(a == b && (x - y).abs() < 1e-6, "{a} {x} / {b} {y}");
        }

        let feb = report(CSV, Period::Month(2024, 2));
        for s in [&snap, &back] {
            let cmp = s.compare(&feb);
            let win = cmp
                .iter()
                .find(|c| c.id == "win_rate")
                .expect("win rate compared");
            // January: 2 won of 3 closed; February: 1 of 3.
            assert!((win.before - 2.0 / 3.0).abs() < 1e-6);
            assert!((win.delta + 1.0 / 3.0).abs() < 1e-6);
            assert_eq!(win.better, Some(false));
            let revenue = cmp
                .iter()
                .find(|c| c.id == "revenue")
                .expect("revenue compared");
            assert_eq!((revenue.before, revenue.delta), (400.0, 0.0));
            assert_eq!(revenue.better, None);
            assert_eq!(revenue.delta_pct, Some(0.0));
        }
    }

    #[test]
    fn a_chinese_kpi_table_reads_and_other_files_are_refused() {
        let mut opts = Options {
            period: Period::Month(2024, 1),
            ..Options::default()
        };
        opts.lang = crate::i18n::Lang::Zh;
        let jan = analyze(&[("deals.csv", CSV.as_bytes())], &opts);
        let s =
            Snapshot::from_csv(&crate::engine::export::kpis_csv(&jan), "一月.csv").expect("reads");
        assert!(s.kpis.iter().any(|(id, v)| id == "revenue" && *v == 400.0));
        let e = Snapshot::from_csv("Deal Name,Amount\nA,1\n", "deals.csv").unwrap_err();
        assert!(e.contains("no id, period and value columns"), "{e}");
    }

    #[test]
    fn history_keeps_the_newest_and_replaces_the_same_period() {
        let jan = report(CSV, Period::Month(2024, 1));
        let mut h = Vec::new();
        remember(&mut h, Snapshot::of(&jan, "2024-02-01", "a.csv"), 2);
        remember(&mut h, Snapshot::of(&jan, "2024-02-03", "b.csv"), 2);
        remember(&mut h, Snapshot::of(&jan, "2024-02-05", "a.csv"), 2);
        let saved: Vec<(&str, &str)> = h
            .iter()
            .map(|s| (s.source.as_str(), s.saved.as_str()))
            .collect();
        assert_eq!(saved, [("a.csv", "2024-02-05"), ("b.csv", "2024-02-03")]);
        remember(
            &mut h,
            Snapshot::of(&report(CSV, Period::All), "2024-03-01", "c.csv"),
            2,
        );
        assert_eq!(h.len(), 2);
        assert_eq!(h[0].source, "c.csv");
    }
}
