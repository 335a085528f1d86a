//! The pure engine: bytes and plain options in, a [`Report`] out. No DOM, no clock, no web
//! crates; the same code runs under `cargo test`, in the Web Worker and behind the JS API.
//!
//! ```text
//! bytes → ingest (encoding, delimiter, header, records into text columns)
//!       → schema (table kind, column roles from headers)
//!       → dataset (typed, interned columns; row issues)
//!       → kpi (one pass per period, mergeable accumulators)
//!       → recommend (stage × goals over the whole catalogue)
//!       → report (plain serde data)
//! ```
//!
//! ```
//! use crm_kpi::engine::{analyze, Options};
//! let csv = "Deal Name,Deal Stage,Amount\nA,closedwon,100\nB,closedlost,50\nC,contractsent,70\n";
//! let report = analyze(&[("deals.csv", csv.as_bytes())], &Options::default());
//! assert_eq!(report.kpi("win_rate").unwrap().value, Some(0.5));
//! assert_eq!(report.kpi("pipeline_value").unwrap().value, Some(70.0));
//! ```

pub mod catalogue;
pub mod dataset;
pub mod error;
pub mod excel;
pub mod ingest;
pub mod join;
pub mod kpi;
pub mod period;
pub mod recommend;
pub mod report;
pub mod schema;
pub mod value;

pub use catalogue::{Goal, Stage, CATALOGUE};
pub use dataset::{build_table, IssueKind, Table};
pub use error::Error;
pub use ingest::{read_table, RawTable, ReadOptions};
pub use period::Period;
pub use report::{KpiResult, Report};
pub use schema::{Role, TableKind};

use crate::i18n::Lang;
use recommend::Availability;
use report::{FileError, IssueReport, TableReport};
use serde::{Deserialize, Serialize};

/// What the user chose: company stage, goals, period and language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Options {
    pub stage: Stage,
    pub goals: Vec<Goal>,
    pub period: Period,
    pub lang: Lang,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            stage: Stage::Startup,
            goals: vec![Goal::GrowRevenue],
            period: Period::All,
            lang: Lang::En,
        }
    }
}

/// Loaded files, kept parsed so that changing stage, goals, period or language recomputes
/// from typed columns without reading the bytes again.
#[derive(Clone, Debug, Default)]
pub struct Workbook {
    raws: Vec<RawTable>,
    tables: Vec<Table>,
    errors: Vec<(String, Error)>,
}

impl Workbook {
    pub fn new() -> Self {
        Self::default()
    }

    /// Read one file and add it. A file that cannot be read is kept as an error in the
    /// report (and returned), and the other files stay loaded.
    pub fn add(&mut self, name: &str, bytes: &[u8]) -> Result<(), Error> {
        self.add_with(name, bytes, &ReadOptions::default())
    }

    /// [`Workbook::add`] with the user's reading choices (an encoding, say).
    pub fn add_with(&mut self, name: &str, bytes: &[u8], read: &ReadOptions) -> Result<(), Error> {
        self.add_decoding(name, bytes, read, &ingest::NativeCodecs)
    }

    /// [`Workbook::add_with`], decoding legacy encodings with `codecs`.
    pub fn add_decoding(
        &mut self,
        name: &str,
        bytes: &[u8],
        read: &ReadOptions,
        codecs: &impl ingest::Codecs,
    ) -> Result<(), Error> {
        self.add_read(name, ingest::read_table_decoding(name, bytes, read, codecs))
    }

    /// Add a file read elsewhere (a workbook's sheet from the formats worker), or its error.
    pub fn add_read(&mut self, name: &str, read: Result<RawTable, Error>) -> Result<(), Error> {
        match read {
            Ok(raw) => {
                self.tables.push(build_table(&raw, None));
                self.raws.push(raw);
                Ok(())
            }
            Err(e) => {
                self.errors.push((name.to_string(), e.clone()));
                Err(e)
            }
        }
    }

    /// Replace a table's column mapping (one role or none per column) and rebuild its typed
    /// data; `None` goes back to the detected mapping. A mapping of another width is ignored.
    pub fn remap(&mut self, table: usize, mapping: Option<&[Option<Role>]>) {
        if let Some(raw) = self.raws.get(table) {
            self.tables[table] = build_table(raw, mapping);
        }
    }

    /// Apply remembered mappings (header signature → roles) to the tables they fit.
    pub fn apply_saved(&mut self, saved: &[(String, Vec<Option<Role>>)]) {
        for i in 0..self.tables.len() {
            let sig = header_signature(self.raws[i].headers.iter().map(String::as_str));
            if let Some((_, m)) = saved
                .iter()
                .find(|(s, m)| *s == sig && m.len() == self.raws[i].headers.len())
            {
                self.tables[i] = build_table(&self.raws[i], Some(m));
            }
        }
    }

    /// Every row and cell that could not be used, of every table, as CSV for a spreadsheet:
    /// file, line, column, value, reason. Cells that a spreadsheet would run as a formula
    /// (starting with `=`, `+`, `-`, `@`, tab or CR) are prefixed with `'`.
    pub fn issues_csv(&self, lang: Lang) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let head = match lang {
            Lang::En => ["file", "line", "column", "value", "reason"],
            Lang::Zh => ["文件", "行号", "列", "值", "原因"],
        };
        // Writing to memory cannot fail; a failed row would only shorten the download.
        let _ = w.write_record(head);
        for t in &self.tables {
            for i in &t.issues.all {
                let line = i.line.to_string();
                let _ = w.write_record([
                    safe_cell(&t.file).as_ref(),
                    line.as_str(),
                    safe_cell(i.column.as_deref().unwrap_or("")).as_ref(),
                    safe_cell(&i.value).as_ref(),
                    i.kind.describe(lang),
                ]);
            }
        }
        let bytes = w.into_inner().unwrap_or_default();
        String::from_utf8(bytes).unwrap_or_default()
    }

    pub fn tables(&self) -> &[Table] {
        &self.tables
    }

    /// The report for these options.
    pub fn report(&self, opts: &Options) -> Report {
        let lang = opts.lang;
        let deals_table = self.tables.iter().find(|t| t.deals.is_some());
        let deals = deals_table.and_then(|t| t.deals.as_ref());

        let mut avail = Availability {
            comparison: opts.period.previous().is_some(),
            ..Default::default()
        };
        for t in &self.tables {
            let mapping: Vec<Option<Role>> = t.columns.iter().map(|c| c.role).collect();
            let roles = match &t.deals {
                Some(d) => d.available_roles(&mapping),
                None => mapping.iter().flatten().copied().collect(),
            };
            avail.columns.extend(roles.into_iter().map(|r| (t.kind, r)));
        }

        let (summary, kpis) = match deals {
            Some(d) => {
                let (s, k) = kpi::deal_kpis(d, opts.period, lang);
                (Some(s), k)
            }
            None => (None, Vec::new()),
        };
        let mut recommendation = recommend::recommend(opts.stage, &opts.goals, &avail, lang);
        // The catalogue's requirements and the engine agree on what is computable; where a
        // period leaves a KPI without a value the card shows the KPI's own note instead.
        for r in &mut recommendation {
            if r.computable && !kpis.iter().any(|k| k.id == r.id) {
                r.computable = false;
                r.needs.push(match lang {
                    Lang::En => "a later version of this calculator".into(),
                    Lang::Zh => "本计算器的后续版本".into(),
                });
            }
        }

        let periods = deals
            .map(|d| {
                let days = d
                    .created
                    .iter()
                    .chain(d.closed.iter())
                    .flat_map(|c| c.iter().flatten())
                    .map(|m| value::day_of(*m));
                Period::available(days)
                    .iter()
                    .map(|p| p.to_string())
                    .collect()
            })
            .unwrap_or_default();
        let (from, to) = match opts.period.bounds() {
            Some((a, b)) => (
                Some(value::date_of_day(a).to_string()),
                Some(value::date_of_day(b).to_string()),
            ),
            None => (None, None),
        };
        Report {
            lang,
            period: opts.period.to_string(),
            period_from: from,
            period_to: to,
            periods,
            stage: opts.stage.id().into(),
            goals: opts.goals.iter().map(|g| g.id().to_string()).collect(),
            tables: self.tables.iter().map(|t| table_report(t, lang)).collect(),
            errors: self
                .errors
                .iter()
                .map(|(f, e)| FileError {
                    file: f.clone(),
                    message: e.message(lang),
                })
                .collect(),
            deals: summary,
            links: join::links(&self.tables, &self.raws),
            recommendation,
            kpis,
        }
    }
}

/// A cell a spreadsheet would run as a formula, made plain text with a leading `'`.
pub fn safe_cell(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}").into(),
        _ => s.into(),
    }
}

/// A short stable key for a header row: FNV-1a over the headers, with their count.
pub fn header_signature<'a>(headers: impl Iterator<Item = &'a str>) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut n = 0;
    for h in headers {
        for b in h.bytes().chain([0x1f]) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        n += 1;
    }
    format!("{n}-{hash:016x}")
}

fn table_report(t: &Table, lang: Lang) -> TableReport {
    let mut mapping = std::collections::BTreeMap::new();
    for c in &t.columns {
        let mut key = c.header.clone();
        let mut n = 2;
        while mapping.contains_key(&key) {
            key = format!("{} ({n})", c.header);
            n += 1;
        }
        mapping.insert(key, c.role.map(|r| r.id().to_string()));
    }
    TableReport {
        file: t.file.clone(),
        kind: t.kind,
        rows: t.rows,
        blank_rows: t.blank_rows,
        format: t.layout.format.clone(),
        sheet: t.layout.sheet.clone(),
        sheets: t.layout.sheets.clone(),
        encoding: t.layout.encoding.clone(),
        encoding_source: t.layout.encoding_source,
        malformed: t.layout.malformed,
        rows_above_header: t.layout.rows_above_header,
        generated_headers: t.layout.generated_headers,
        signature: header_signature(t.columns.iter().map(|c| c.header.as_str())),
        user_mapping: t.user_mapping,
        delimiter: match t.layout.delimiter {
            '\t' => "\\t".into(),
            c => c.to_string(),
        },
        header_line: t.layout.header_line,
        mapping,
        columns: t.columns.clone(),
        rows_left_out: t.issues.rows_left_out,
        issue_counts: t.issues.counts.clone(),
        issues: t
            .issues
            .listed()
            .map(|i| IssueReport {
                line: i.line,
                column: i.column.clone(),
                value: i.value.clone(),
                kind: i.kind,
                reason: i.kind.describe(lang).into(),
            })
            .collect(),
    }
}

/// Read the files and compute the report in one call. Unreadable files are listed in
/// `report.errors`; the others are analysed.
pub fn analyze(files: &[(&str, &[u8])], opts: &Options) -> Report {
    let mut wb = Workbook::new();
    for (name, bytes) in files {
        // An unreadable file is recorded in the workbook and shown in the report.
        let _ = wb.add(name, bytes);
    }
    wb.report(opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_issue_is_in_the_download_and_formulas_are_defused() {
        // 250 bad amounts: the report lists 200, the download all 250; one cell is a formula.
        let mut csv = String::from("Deal Name,Deal Stage,Amount\n");
        for i in 0..250 {
            csv.push_str(&format!("D{i},closedwon,n/a{i}\n"));
        }
        csv.push_str("Evil,closedwon,=HYPERLINK(\"x\")\n");
        let mut wb = Workbook::new();
        wb.add("d.csv", csv.as_bytes()).unwrap();
        let r = wb.report(&Options::default());
        assert_eq!(r.tables[0].issue_counts[&IssueKind::BadAmount], 251);
        assert_eq!(r.tables[0].issues.len(), dataset::ISSUES_LISTED_PER_KIND);
        let text = wb.issues_csv(Lang::En);
        let rows: Vec<&str> = text.lines().collect();
        assert_eq!(rows.len(), 1 + 251);
        assert_eq!(rows[0], "file,line,column,value,reason");
        assert!(rows[1].starts_with("d.csv,2,Amount,n/a0,"), "{}", rows[1]);
        assert!(
            rows[251].starts_with("d.csv,252,Amount,\"'=HYPERLINK(\"\"x\"\")\","),
            "{}",
            rows[251]
        );
        assert!(wb
            .issues_csv(Lang::Zh)
            .starts_with("文件,行号,列,值,原因\n"));
    }

    #[test]
    fn spreadsheet_formulas_are_neutralised() {
        for (cell, want) in [
            ("=1+1", "'=1+1"),
            ("+1", "'+1"),
            ("-5", "'-5"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("Acme", "Acme"),
            ("", ""),
        ] {
            assert_eq!(safe_cell(cell), want);
        }
    }
}
