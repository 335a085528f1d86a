//! The report: plain serde data the CLI prints as JSON, the worker sends to the page and the
//! JS API returns. Field names are a public contract (README, "JSON report"): later versions
//! add fields, they never rename them.

use crate::engine::catalogue::{Direction, Goal, Tier, Unit};
use crate::engine::dataset::{ColumnInfo, IssueKind};
use crate::engine::ingest::EncodingSource;
use crate::engine::schema::TableKind;
use crate::engine::sorted_map::SortedMap;
use crate::i18n::Lang;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct Report {
    pub lang: Lang,
    /// The period computed: `all`, `2024`, `2024-Q3`, `2024-07` or `2024-01-01..2024-03-31`.
    pub period: String,
    /// First and last day of the period (`YYYY-MM-DD`), absent for the whole range.
    pub period_from: Option<String>,
    pub period_to: Option<String>,
    /// The periods the loaded data covers, for a picker: years, then quarters, then months.
    pub periods: Vec<String>,
    pub stage: String,
    pub goals: Vec<String>,
    pub tables: Vec<TableReport>,
    /// Files that could not be read at all, each with one sentence saying why.
    pub errors: Vec<FileError>,
    /// Deal counts of the period, when a deals table is loaded.
    pub deals: Option<DealSummary>,
    pub recommendation: Vec<Recommended>,
    /// How the tables' customers are found in the customer tables loaded with them.
    pub links: Vec<crate::engine::join::Link>,
    /// Breakdowns of the deals looked up in another table by owner or customer.
    #[serde(default)]
    pub lookups: Vec<Lookup>,
    /// Every KPI the loaded data can compute, in catalogue order.
    pub kpis: Vec<KpiResult>,
    /// The last complete month of the data: the period the page starts on.
    pub default_period: Option<String>,
    /// The previous period and the same period a year earlier, when compared.
    pub previous_period: Option<String>,
    pub year_ago_period: Option<String>,
    pub warnings: Vec<Warning>,
    /// The inputs and targets the report was computed with.
    pub inputs: crate::engine::Inputs,
    pub targets: SortedMap<String, f64>,
    /// The KPIs asked for instead of the recommendation (`Options::kpis`), if any.
    #[serde(default)]
    pub chosen: Vec<String>,
}

/// A breakdown of the deals whose values come from another table: `dimension` (`region`,
/// `team`, `segment`, `industry`) is `column` of `file`, found by each deal's `by` (`owner` or
/// `customer`) for `rows_found` of the `rows` deals that have one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Lookup {
    pub dimension: String,
    pub file: String,
    pub column: String,
    pub by: String,
    pub rows: usize,
    pub rows_found: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileError {
    pub file: String,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TableReport {
    pub file: String,
    pub kind: TableKind,
    /// Data rows read (blank rows and left-out footer rows not included).
    pub rows: usize,
    pub blank_rows: usize,
    /// `csv` for delimited text; `xlsx`, `xls`, `xlsb` or `ods` for a workbook.
    pub format: String,
    /// The sheet read and all sheets of the workbook (none for text files).
    pub sheet: Option<String>,
    pub sheets: Vec<String>,
    /// The text encoding by WHATWG name (`UTF-8`, `GBK`, `UTF-16LE` …) and how it was decided.
    pub encoding: String,
    pub encoding_source: EncodingSource,
    /// Some bytes were not valid in that encoding (shown as U+FFFD): likely the wrong encoding.
    pub malformed: bool,
    pub delimiter: String,
    pub header_line: u64,
    /// Non-blank rows above the header (titles, notes) that were not read as data.
    pub rows_above_header: usize,
    /// The file had no header row; the columns were named `Column 1` ….
    pub generated_headers: bool,
    /// Identifies the header row, so that a mapping the user fixed can be applied again to
    /// the next export with the same columns.
    pub signature: String,
    /// The roles were set by the user (edited, or remembered for this header row).
    pub user_mapping: bool,
    /// Header → role id, `null` for a column that is not used.
    pub mapping: SortedMap<String, Option<String>>,
    pub columns: Vec<ColumnInfo>,
    /// Rows left out entirely (report footers and totals).
    pub rows_left_out: usize,
    /// Every problem counted by kind.
    pub issue_counts: SortedMap<IssueKind, usize>,
    /// The problems one by one (at most 200 of each kind), with the reason in words.
    pub issues: Vec<IssueReport>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IssueReport {
    pub line: u64,
    pub column: Option<String>,
    pub value: String,
    pub kind: IssueKind,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct DealSummary {
    /// Deals created in the period (all deals for the whole range).
    pub created: u64,
    /// Deals won / lost in the period (by close date).
    pub won: u64,
    pub lost: u64,
    /// Deals open at the end of the period.
    pub open: u64,
    /// Invalid or void deals created in the period.
    pub invalid: u64,
    /// Won or lost deals with no close date: counted for the whole range only.
    pub closed_without_date: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Recommended {
    pub id: String,
    pub name: String,
    pub tier: Tier,
    pub score: f64,
    /// One sentence naming the goal and the stage that earned the KPI its place.
    pub reason: String,
    pub goals: Vec<String>,
    pub stage_focus: bool,
    pub computable: bool,
    /// What is missing when it is not computable: columns by table kind, or inputs.
    pub needs: Vec<String>,
    /// The inputs among `needs` (their ids: `revenue_target` …), which a person can type in
    /// where the KPI is shown.
    pub missing_inputs: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct KpiResult {
    pub id: String,
    pub name: String,
    pub tier: Tier,
    pub unit: Unit,
    pub direction: Direction,
    pub formula: String,
    /// `null` when the period has nothing to compute it from; `note` then says why.
    pub value: Option<f64>,
    /// The variant used, in words (which base, which columns).
    pub variant: String,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub note: Option<String>,
    /// Extra figures (`mean_days`, `weighted`, `previous`, …).
    pub details: SortedMap<String, f64>,
    /// Dimension (`owner`, `lead_source`, `stage`, `field`) → rows.
    pub breakdowns: SortedMap<String, Vec<BreakdownRow>>,
    /// A trend, oldest first (`YYYY-MM` → value).
    pub series: Vec<SeriesPoint>,
    /// The same KPI in the previous period and the same period a year earlier, and the
    /// change against them (`delta` = value − previous; `delta_pct` = delta ÷ |previous|;
    /// the same for the year earlier; no percentage against zero).
    pub previous: Option<f64>,
    pub year_ago: Option<f64>,
    pub delta: Option<f64>,
    pub delta_pct: Option<f64>,
    pub delta_year: Option<f64>,
    pub delta_year_pct: Option<f64>,
    /// The target for the period (set by the user, or from the revenue target input) and
    /// where the value stands against it, in the KPI's direction.
    pub target: Option<f64>,
    pub status: Option<TargetStatus>,
    /// Published typical ranges, with their sources; never invented.
    pub benchmarks: Vec<Benchmark>,
    /// How often to review it: `month`, `quarter` or `year`.
    pub cadence: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetStatus {
    /// At or better than the target.
    Met,
    /// Within 10 % of the target on the wrong side.
    Near,
    Missed,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Benchmark {
    /// The range as the source states it, in words.
    pub range: String,
    pub source: String,
    pub url: String,
    /// `directional` (sources disagree or are secondary) or `weak` (a calculator site).
    pub strength: String,
}

/// A data-sanity warning: something that looks like an entry mistake or a gamed number,
/// with the rows concerned. Nothing is corrected.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Warning {
    /// `closed_before_created`, `future_date`, `amount_outlier`, `bulk_entry`,
    /// `rep_outlier`, `duplicate_customer`.
    pub kind: String,
    pub file: String,
    pub message: String,
    /// Rows concerned, by file line (at most 200 listed; `count` has them all).
    pub lines: Vec<u64>,
    pub count: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BreakdownRow {
    /// The dimension's value as written in the file; `""` for blank.
    pub key: String,
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    /// How many records the row stands on (won deals for revenue, closed deals for rates, …).
    pub count: u64,
    pub amount: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeriesPoint {
    pub period: String,
    pub value: f64,
}

impl Report {
    pub fn kpi(&self, id: &str) -> Option<&KpiResult> {
        self.kpis.iter().find(|k| k.id == id)
    }

    /// A goal not chosen whose KPIs this data gives more of than `given`, the most of them
    /// (the first such in the catalogue's order), with how many: what to offer when the set
    /// for the chosen goals gives few.
    pub fn better_goal(&self, given: usize) -> Option<(Goal, usize)> {
        let mut better = None;
        for g in Goal::ALL {
            if self.goals.iter().any(|id| id == g.id()) {
                continue;
            }
            let n = g.kpis().iter().filter(|id| self.kpi(id).is_some()).count();
            if n > better.map_or(given, |(_, m)| m) {
                better = Some((g, n));
            }
        }
        better
    }
}
