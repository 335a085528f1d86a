//! Typed columns: a text table plus its mapping becomes amounts as `f64`, dates as minutes,
//! outcomes as a small enum and repeated strings (owners, sources, stages) as interned ids.
//!
//! Every cell that cannot be read the way its role needs is recorded as a row issue with its
//! line, column and value, and read as empty; rows that are not data at all (report footers)
//! are counted and left out. Nothing is dropped silently.

use crate::engine::ingest::{Lines, RawIssueKind, RawTable, TextColumn};
use crate::engine::schema::{adjust_for_kind, detect_kind, suggest_mapping, Role, TableKind};
use crate::engine::sorted_map::SortedMap;
use crate::engine::value::{
    day_of, outcome_of, parse_amount, parse_bool, parse_date, parse_nps, parse_percent,
    parse_satisfaction, DateOrder, DateShape, DecimalMark, MaybeMinute, MaybeNumber, Minutes,
    OrderEvidence, Outcome, RawDate,
};
use crm_kpi_scan::Code;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Repeated strings stored once; id 0 is always the blank value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Interned {
    pub ids: Ids,
    pub names: Vec<String>,
}

/// Each row's id in an [`Interned`] column (kept with the scan crate's pass, which reads it).
pub use crm_kpi_scan::pass::Ids;

impl Interned {
    /// A column's cells numbered, of the rows `keep` marks (`None`: every row).
    fn from_column(col: &TextColumn, keep: Option<&[bool]>) -> Interned {
        match col.codes() {
            Some(codes) => Self::from_codes(col, codes, keep),
            None => Self::from_cells(col.iter(), keep),
        }
    }

    /// Each kept cell numbered in the order of first use (the empty cell is 0).
    fn from_cells<'a>(cells: impl Iterator<Item = &'a str>, keep: Option<&[bool]>) -> Interned {
        let mut names = vec![String::new()];
        let mut index: rustc_hash::FxHashMap<&str, u32> = Default::default();
        index.insert("", 0);
        let mut ids = Ids::Narrow(Vec::with_capacity(cells.size_hint().0));
        for (i, cell) in cells.enumerate() {
            if keep.is_some_and(|k| !k[i]) {
                continue;
            }
            let next = names.len() as u32;
            let id = *index.entry(cell).or_insert_with(|| {
                names.push(cell.to_string());
                next
            });
            ids.push(id);
        }
        Interned { ids, names }
    }

    /// A coded column's numbers renumbered in the order the kept rows first use them, as
    /// interning its cells would number them (the empty cell is 0).
    fn from_codes(col: &TextColumn, codes: &[Code], keep: Option<&[bool]>) -> Interned {
        const UNSEEN: u32 = u32::MAX;
        let mut names = vec![String::new()];
        let mut id_of: Vec<u32> = (0..col.distinct_len() as u32)
            .map(|c| {
                if col.distinct(c).is_empty() {
                    0
                } else {
                    UNSEEN
                }
            })
            .collect();
        // First the numbers in order of first use, up to the row where every distinct cell
        // has been seen (a few hundred rows, for owners or sources); then each row's number,
        // in a loop that only looks them up.
        let mut unseen = id_of.iter().filter(|id| **id == UNSEEN).count();
        let kept = |i: usize| keep.is_none_or(|k| k[i]);
        for (i, &code) in codes.iter().enumerate() {
            if unseen == 0 {
                break;
            }
            if !kept(i) {
                continue;
            }
            let id = &mut id_of[usize::from(code)];
            if *id == UNSEEN {
                *id = names.len() as u32;
                names.push(col.distinct(u32::from(code)).to_string());
                unseen -= 1;
            }
        }
        // Below `CODED_DISTINCT` + 1: two bytes hold each.
        let id = |code: &Code| id_of.get(usize::from(*code)).map_or(0, |&id| id as u16);
        let ids = match keep {
            None => codes.iter().map(id).collect(),
            Some(keep) => codes
                .iter()
                .zip(keep)
                .filter(|(_, k)| **k)
                .map(|(code, _)| id(code))
                .collect(),
        };
        Interned {
            ids: Ids::Narrow(ids),
            names,
        }
    }

    pub fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }

    #[inline(always)]
    pub fn get(&self, row: usize) -> u32 {
        self.ids.get(row)
    }
}

/// Why a cell or row could not be used as it stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum IssueKind {
    /// Fewer fields than the header: missing cells read as empty.
    ShortRow,
    /// More fields than the header: extra cells not used.
    LongRow,
    /// An amount cell that is not a number: read as empty.
    BadAmount,
    /// A date cell that is not a date: read as empty.
    BadDate,
    /// A date that only reads in the other day/month order than the rest of its column.
    DateOrderConflict,
    /// A status that names no known outcome: read as open.
    UnknownStatus,
    /// A report footer or total row (`Grand Totals (12 records)`): not a deal, left out.
    FooterRow,
    /// A deal closed before it was created: kept, and counted in the cycle as it stands.
    ClosedBeforeCreated,
}

impl IssueKind {
    /// Whether the whole row was left out (rather than one cell read as empty, or a warning).
    pub fn drops_row(self) -> bool {
        matches!(self, IssueKind::FooterRow)
    }

    pub fn describe(self, lang: crate::i18n::Lang) -> &'static str {
        use crate::i18n::Lang::*;
        match (self, lang) {
            (IssueKind::ShortRow, En) => {
                "fewer fields than the header; the missing cells were read as empty"
            }
            (IssueKind::ShortRow, Zh) => "字段数少于表头，缺少的单元格按空值处理",
            (IssueKind::LongRow, En) => {
                "more fields than the header; the extra cells were not used"
            }
            (IssueKind::LongRow, Zh) => "字段数多于表头，多出的单元格未使用",
            (IssueKind::BadAmount, En) => "not an amount; read as empty",
            (IssueKind::BadAmount, Zh) => "不是金额，按空值处理",
            (IssueKind::BadDate, En) => "not a date; read as empty",
            (IssueKind::BadDate, Zh) => "不是日期，按空值处理",
            (IssueKind::DateOrderConflict, En) => {
                "only reads in the other day/month order than the rest of the column; read as empty"
            }
            (IssueKind::DateOrderConflict, Zh) => {
                "只能按与本列其他值相反的日/月顺序解读，按空值处理"
            }
            (IssueKind::UnknownStatus, En) => "status not recognised; read as open",
            (IssueKind::UnknownStatus, Zh) => "无法识别的状态，按进行中处理",
            (IssueKind::FooterRow, En) => "report footer or total row, not a deal; left out",
            (IssueKind::FooterRow, Zh) => "报表页脚或合计行，不是商机，已排除",
            (IssueKind::ClosedBeforeCreated, En) => {
                "closed before it was created; kept as it stands (check the dates)"
            }
            (IssueKind::ClosedBeforeCreated, Zh) => {
                "关闭日期早于创建日期；按原样保留（请核对日期）"
            }
        }
    }
}

/// One problem, where it is and what the cell held.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RowIssue {
    /// 1-based line in the file where the record starts.
    pub line: u64,
    pub column: Option<String>,
    pub value: String,
    pub kind: IssueKind,
}

/// At most this many issues of one kind are listed one by one; all are counted.
pub const ISSUES_LISTED_PER_KIND: usize = 200;

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Issues {
    /// Every issue, in the order found (the report shows the first of each kind; the
    /// download has them all).
    pub all: Vec<RowIssue>,
    pub counts: SortedMap<IssueKind, usize>,
    /// Rows left out entirely (footers); every other row was used.
    pub rows_left_out: usize,
}

impl Issues {
    fn add(&mut self, line: u64, column: Option<&str>, value: &str, kind: IssueKind) {
        *self.counts.or_insert(kind, 0) += 1;
        self.all.push(RowIssue {
            line,
            column: column.map(String::from),
            value: value.to_string(),
            kind,
        });
        if kind.drops_row() {
            self.rows_left_out += 1;
        }
    }

    pub fn total(&self) -> usize {
        self.counts.values().sum()
    }

    /// The issues shown one by one: the first [`ISSUES_LISTED_PER_KIND`] of each kind.
    pub fn listed(&self) -> impl Iterator<Item = &RowIssue> + '_ {
        let mut seen: SortedMap<IssueKind, usize> = SortedMap::new();
        self.all.iter().filter(move |i| {
            let n = seen.or_insert(i.kind, 0);
            *n += 1;
            *n <= ISSUES_LISTED_PER_KIND
        })
    }
}

/// The type a column's values were found to have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum ValueType {
    Empty,
    Integer,
    Number,
    Money,
    Percent,
    Bool,
    Date,
    /// Satisfaction words (很满意 … 很不满意, Very satisfied …), read as 1–5.
    Rating,
    Text,
}

/// Infer a column's type by relaxing from the most specific type as values disagree.
pub fn infer_type<'a>(cells: impl IntoIterator<Item = &'a str>) -> ValueType {
    let mut t = ValueType::Empty;
    for c in cells {
        t = relax(t, cell_type(c));
        if t == ValueType::Text {
            break;
        }
    }
    t
}

/// The most specific type one cell can have; `Empty` for an empty cell.
fn cell_type(c: &str) -> ValueType {
    if c.is_empty() {
        return ValueType::Empty;
    }
    // The common date shape first: it is none of the number types below.
    if crate::engine::value::iso_date(c.as_bytes()).is_some() {
        ValueType::Date
    } else if crm_kpi_scan::cells::is_short_integer(c) {
        ValueType::Integer
    } else if crate::engine::value::plain_number(c, DecimalMark::Dot).is_some()
        || crm_kpi_decimal::parse(c).is_ok_and(f64::is_finite)
    {
        ValueType::Number
    } else if c.ends_with(['%', '％']) && parse_percent(c, DecimalMark::Dot).is_some() {
        ValueType::Percent
    } else if parse_amount(c, DecimalMark::Dot).is_some()
        || parse_amount(c, DecimalMark::Comma).is_some()
    {
        ValueType::Money
    } else if parse_date(c).is_some() {
        ValueType::Date
    } else if parse_bool(c).is_some() {
        ValueType::Bool
    } else if crate::engine::value::parse_satisfaction(c).is_some() {
        ValueType::Rating
    } else {
        ValueType::Text
    }
}

/// Values a column's typing pass read on the way, so that the builder does not read the
/// same cells again: every row's, footers included.
enum Prepared {
    Dates(Vec<Option<RawDate>>),
    /// A column of ISO dates (which prove no day/month order), read to its values.
    Minutes(Vec<MaybeMinute>),
    Amounts(Vec<MaybeNumber>),
}

/// A column's type ([`infer_type`] over all its cells) in one pass. A coded column types
/// each distinct cell once. A column mapped to a date or number role whose every cell is in
/// the shape nearly every export writes (ISO dates, plain numbers) also gives its values.
/// Such a column with a few cells of text ("TBD" among amounts) is of its values' type
/// ([`mostly_type`]).
fn type_column(col: &TextColumn, role: Option<Role>) -> (ValueType, Option<Prepared>) {
    let (t, prepared) = type_each_cell(col, role);
    let values = role.is_some_and(|r| DATE_ROLES.contains(&r) || NUMBER_ROLES.contains(&r));
    if t == ValueType::Text && values {
        return (mostly_type(col.iter(), col.filled()), None);
    }
    (t, prepared)
}

/// The type of the cells of a column of `filled` cells that are not text, when those that are
/// make at most one in fifty: each is counted and listed as unusable where the column is read,
/// so the column is shown as what the rest are. Otherwise text.
fn mostly_type<'a>(cells: impl Iterator<Item = &'a str>, filled: usize) -> ValueType {
    let mut spare = filled / 50;
    let mut t = ValueType::Empty;
    for c in cells {
        match cell_type(c) {
            ValueType::Text if spare == 0 => return ValueType::Text,
            ValueType::Text => spare -= 1,
            x => t = relax(t, x),
        }
    }
    t
}

/// [`type_column`] without [`mostly_type`].
fn type_each_cell(col: &TextColumn, role: Option<Role>) -> (ValueType, Option<Prepared>) {
    if let Some(codes) = col.codes() {
        let types: Vec<ValueType> = (0..col.distinct_len())
            .map(|k| cell_type(col.distinct(k as u32)))
            .collect();
        let mut t = ValueType::Empty;
        for &code in codes {
            t = relax(t, types[code as usize]);
            if t == ValueType::Text {
                break;
            }
        }
        return (t, None);
    }
    let prepared = match role {
        Some(r) if DATE_ROLES.contains(&r) => iso_dates(col),
        Some(r) if NUMBER_ROLES.contains(&r) => plain_numbers(col),
        _ => None,
    };
    match prepared {
        Some((t, values)) => (t, Some(values)),
        // An ID column's million cells, each an integer to `cell_type`, in one loop.
        None if crm_kpi_scan::cells::short_integer_column(col) => (ValueType::Integer, None),
        None => (infer_type(col.iter()), None),
    }
}

/// A column's type when every filled cell is in the shape `values` were read from, and
/// `Empty` when no cell is filled.
fn filled_type<T: Copy>(values: &[T], t: ValueType, some: impl Fn(T) -> bool) -> ValueType {
    if values.iter().any(|v| some(*v)) {
        t
    } else {
        ValueType::Empty
    }
}

/// Every cell of a column parsed as an ISO date, or `None` at the first cell in another
/// shape. Such a cell types as a date and parses as [`parse_date`] parses it.
fn iso_dates(col: &TextColumn) -> Option<(ValueType, Prepared)> {
    let dates = crm_kpi_scan::cells::iso_minutes_column(col)?;
    Some((
        filled_type(&dates, ValueType::Date, MaybeMinute::is_some),
        Prepared::Minutes(dates),
    ))
}

/// Every cell of a column read as a plain number (`1234`, `-8112.5`), or `None` at the first
/// cell that is not one. Such cells type as integers or numbers, prove no decimal comma, and
/// parse as [`parse_amount`] parses them with a decimal dot.
fn plain_numbers(col: &TextColumn) -> Option<(ValueType, Prepared)> {
    let (numbers, integers) = crm_kpi_scan::cells::plain_number_column(col)?;
    let t = if integers {
        ValueType::Integer
    } else {
        ValueType::Number
    };
    Some((
        filled_type(&numbers, t, MaybeNumber::is_some),
        Prepared::Amounts(numbers),
    ))
}

fn relax(a: ValueType, b: ValueType) -> ValueType {
    use ValueType::*;
    match (a, b) {
        (x, y) if x == y => x,
        (Empty, y) | (y, Empty) => y,
        (Integer, Number) | (Number, Integer) => Number,
        (Integer | Number, Money) | (Money, Integer | Number) => Money,
        // 0/1 columns are booleans as much as integers; keep the integer reading.
        (Integer, Bool) | (Bool, Integer) => Integer,
        // A survey answered with words and with scores from 1 to 5.
        (Integer, Rating) | (Rating, Integer) => Rating,
        _ => Text,
    }
}

/// What the user and the report see of one column.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ColumnInfo {
    pub header: String,
    pub role: Option<Role>,
    pub value_type: ValueType,
    pub filled: usize,
    /// For date columns: the day/month order used and how it was decided.
    pub date_order: Option<(DateOrder, OrderEvidence)>,
    /// For amount columns: the decimal mark used.
    pub decimal_mark: Option<DecimalMark>,
}

/// A deals table's dates of one role, each row's minute (see [`Deals`] for why shared).
pub type DateColumn = Arc<Vec<MaybeMinute>>;
/// A deals table's amounts, costs or probabilities.
pub type NumberColumn = Arc<Vec<MaybeNumber>>;
/// Per customer id: the day and row of its first won deal.
pub type FirstWon = Vec<Option<(i32, usize)>>;

/// A deals table in typed columns. Row `i` of every vector is the same deal.
///
/// Each column is shared (an [`Arc`]): a copy of the table costs no rows, so the workbook keeps
/// the table a change of mapping replaced ([`crate::engine::Workbook::remap`]) for a change
/// back, and holds twice only the columns the change read again.
#[derive(Clone, Debug, Default)]
pub struct Deals {
    pub rows: usize,
    /// 1-based file line of each deal.
    pub lines: Lines,
    pub outcome: Arc<Vec<Outcome>>,
    pub amount: Option<NumberColumn>,
    pub cost: Option<NumberColumn>,
    /// Probability as a fraction 0–1.
    pub probability: Option<NumberColumn>,
    pub created: Option<DateColumn>,
    /// Close date of won and lost deals (none for open or invalid ones).
    pub closed: Option<DateColumn>,
    /// Last update or activity, whichever is later.
    pub touched: Option<DateColumn>,
    pub owner: Option<Arc<Interned>>,
    pub source: Option<Arc<Interned>>,
    pub stage: Option<Arc<Interned>>,
    pub customer: Option<Arc<Interned>>,
    pub deal_type: Option<Arc<Interned>>,
    pub product: Option<Arc<Interned>>,
    pub region: Option<Arc<Interned>>,
    pub team: Option<Arc<Interned>>,
    /// The customer's segment or tier (`Segment`, `客户级别`), when the deals export has it.
    pub segment: Option<Arc<Interned>>,
    pub industry: Option<Arc<Interned>>,
    /// Breakdowns the deals table lacks, looked up in the tables loaded with it by each
    /// deal's owner or customer (set by the workbook, [`crate::engine::join::linked_dims`]).
    pub linked: Vec<crate::engine::join::Linked>,
    /// Won amount by close month, filled on first use (growth and trends ask for it often).
    pub won_by_month: std::cell::OnceCell<SortedMap<(i32, u32), f64>>,
    /// The scale of the walks' exact open sums (`kpi::open_scale`), found on first use.
    pub open_scale: std::cell::OnceCell<f64>,
    /// Per customer id: the day and row of its first won deal, filled on first use.
    pub first_won: std::cell::OnceCell<Arc<FirstWon>>,
    /// How many deals were created on each day from the first create date's, filled on
    /// first use ([`Deals::created_by_day`]): it moves over with the create-date column, so
    /// that a change of the stage or close-date column counts only the close dates again.
    pub created_by_day: std::cell::OnceCell<Option<(i32, Vec<u32>)>>,
    /// The least and the greatest minute of the create dates, and of the close dates.
    pub minute_ranges: [Option<(Minutes, Minutes)>; 2],
    /// Every row's date in each close-date column read (close, won, lost, expected close):
    /// a change of the columns outcomes come from picks the closed deals' dates again from
    /// them, without reading the cells.
    pub close_cells: [Option<DateColumn>; 4],
    /// Which column the close dates came from (the expected close date is a fallback).
    pub close_from: Option<Role>,
    /// Where each outcome came from: a status column, won/closed flags, or the stage.
    pub outcome_from: Option<Role>,
    /// The latest date anywhere in the table: the "as of" day when no period end applies.
    pub last_day: Option<i32>,
    /// Filled cells per role over the fields a deals table should have, for completeness.
    pub completeness: Vec<(Role, usize, usize)>,
}

/// A loaded table: what was read, what it means, and the typed data.
#[derive(Clone, Debug)]
pub struct Table {
    pub file: String,
    pub kind: TableKind,
    pub layout: crate::engine::ingest::Layout,
    pub columns: Vec<ColumnInfo>,
    pub rows: usize,
    pub blank_rows: usize,
    pub issues: Issues,
    pub deals: Option<Deals>,
    /// Every other kind's typed columns (leads, customers, orders, activities, tickets,
    /// surveys, spend, users).
    pub records: Option<Records>,
    /// The column roles were set by the user (in the editor, or remembered from last time).
    pub user_mapping: bool,
    /// The day/month order the file's date columns prove by their values, for columns
    /// whose own values do not.
    pub table_order: Option<DateOrder>,
}

/// How footer rows (totals, notes, copyright lines) start, in lower case.
const FOOTER_STARTS: [&str; 11] = [
    "grand total",
    "grand totals",
    "total",
    "totals",
    "subtotal",
    "合计",
    "总计",
    "confidential information",
    "copyright ©",
    "copyright (c)",
    "generated by",
];

fn is_footer(raw: &RawTable, i: usize) -> bool {
    let first = raw.columns.first().map(|c| c.get(i)).unwrap_or("");
    // Most rows start with a digit or a sign, which no footer starts with.
    if !crm_kpi_scan::may_start_a_label(first.as_bytes()) {
        return false;
    }
    // Nor with most other characters: no lower-casing for them.
    let head = first.chars().next().map(crate::engine::case::lower_char);
    if !FOOTER_STARTS.iter().any(|w| w.chars().next() == head) {
        return false;
    }
    let lower = crate::engine::case::lower(first);
    if !FOOTER_STARTS.iter().any(|p| lower.starts_with(p)) {
        return false;
    }
    // A footer holds its label and at most a few totals; a real deal named "Total…" fills more.
    let filled = raw.columns.iter().filter(|c| !c.get(i).is_empty()).count();
    filled <= (raw.columns.len() / 2).max(2)
}

const DATE_ROLES: [Role; 13] = [
    Role::CreatedAt,
    Role::ClosedAt,
    Role::ExpectedCloseAt,
    Role::WonAt,
    Role::LostAt,
    Role::UpdatedAt,
    Role::LastActivityAt,
    Role::ConvertedAt,
    Role::FirstContactAt,
    Role::ChurnedAt,
    Role::PlannedAt,
    Role::ResolvedAt,
    Role::LastLogin,
];

/// Headers can mislead where values cannot: a "Closed" column full of dates is a close
/// date, not a yes/no flag. Only applied to suggested mappings, never to the user's.
fn correct_by_values(mapping: &mut [Option<Role>], infos: &mut [ColumnInfo]) {
    for (i, info) in infos.iter_mut().enumerate() {
        let better = match (mapping[i], info.value_type) {
            (Some(Role::ClosedFlag), ValueType::Date) => Role::ClosedAt,
            (Some(Role::WonFlag), ValueType::Date) => Role::WonAt,
            _ => continue,
        };
        if !mapping.contains(&Some(better)) {
            mapping[i] = Some(better);
            info.role = Some(better);
        }
    }
}

/// Every date column's cells parsed once (kept rows only, into `prepared` by column index,
/// unless its typing pass did it), and the day/month order those columns prove by their
/// values (majority), if any.
fn parse_date_columns(
    raw: &RawTable,
    mapping: &[Option<Role>],
    keep: &[bool],
    prepared: &mut SortedMap<usize, Prepared>,
    read_before: &[Option<(DateOrder, OrderEvidence)>],
) -> Option<DateOrder> {
    let (mut mdy, mut dmy) = (0, 0);
    for (c, role) in mapping.iter().enumerate() {
        if !role.is_some_and(|r| DATE_ROLES.contains(&r)) {
            continue;
        }
        // A column read as dates before a change of mapping proved what it proved then:
        // its cells need not be parsed to tell.
        if let Some((order, evidence)) = read_before.get(c).copied().flatten() {
            match (order, evidence) {
                (DateOrder::Mdy, OrderEvidence::Values) => mdy += 1,
                (DateOrder::Dmy, OrderEvidence::Values) => dmy += 1,
                _ => {}
            }
            continue;
        }
        let parsed = match prepared.get(&c) {
            Some(Prepared::Dates(p)) => p,
            // ISO dates, year first: they prove no order.
            Some(Prepared::Minutes(_)) => continue,
            _ => {
                let col = &raw.columns[c];
                let parsed: Vec<Option<RawDate>> =
                    kept_rows(keep).map(|i| parse_date(col.get(i))).collect();
                prepared.insert(c, Prepared::Dates(parsed));
                match prepared.get(&c) {
                    Some(Prepared::Dates(p)) => p,
                    _ => continue,
                }
            }
        };
        match decide_order(parsed) {
            (DateOrder::Mdy, OrderEvidence::Values) => mdy += 1,
            (DateOrder::Dmy, OrderEvidence::Values) => dmy += 1,
            _ => {}
        }
    }
    match (mdy, dmy) {
        (0, 0) => None,
        (m, d) if m >= d => Some(DateOrder::Mdy),
        _ => Some(DateOrder::Dmy),
    }
}

/// [`DateOrder::decide`] over a column's parsed cells; year-first columns, nearly all of
/// them, without gathering their values first.
fn decide_order(parsed: &[Option<RawDate>]) -> (DateOrder, OrderEvidence) {
    if parsed.iter().flatten().all(|d| d.shape == DateShape::Ymd) {
        return (DateOrder::Ymd, OrderEvidence::YearFirst);
    }
    let present: Vec<RawDate> = parsed.iter().flatten().copied().collect();
    DateOrder::decide(&present)
}

/// The indices of the kept rows.
fn kept_rows(keep: &[bool]) -> impl Iterator<Item = usize> + '_ {
    keep.iter().enumerate().filter(|(_, k)| **k).map(|(i, _)| i)
}

/// Keep the values of kept rows only.
fn retain_kept<T>(values: &mut Vec<T>, keep: &[bool]) {
    let mut i = 0;
    values.retain(|_| {
        i += 1;
        keep[i - 1]
    });
}

struct Builder<'a> {
    raw: &'a RawTable,
    keep: Vec<bool>,
    /// No row was left out (nearly always): row `r` of the table is row `r` of the file.
    all_kept: bool,
    /// The order other date columns of this file prove, for columns whose values do not.
    table_order: Option<DateOrder>,
    /// Values read while typing or ordering the columns (by column index, kept rows only),
    /// taken by [`Builder::dates`] and [`Builder::amounts`].
    prepared: SortedMap<usize, Prepared>,
    mapping: &'a [Option<Role>],
    issues: Issues,
    infos: Vec<ColumnInfo>,
    /// The deals table this one replaces, when only the mapping changed.
    old: Option<OldDeals<'a>>,
    moved: Moved,
}

/// A deals table being replaced after a change of mapping, with what is needed to tell
/// which of its typed columns still hold: they are shared with the new table instead of
/// being read again.
struct OldDeals<'a> {
    deals: &'a Deals,
    mapping: Vec<Option<Role>>,
    issues: &'a Issues,
    infos: &'a [ColumnInfo],
    /// The day/month order its date columns proved together, which those that proved
    /// none by their own values followed.
    table_order: Option<DateOrder>,
}

/// The roles that decide each deal's outcome and close date.
const OUTCOME_ROLES: [Role; 8] = [
    Role::Status,
    Role::WonFlag,
    Role::ClosedFlag,
    Role::Stage,
    Role::ClosedAt,
    Role::WonAt,
    Role::LostAt,
    Role::ExpectedCloseAt,
];

/// What a date or amount column can have reported about its cells.
const CELL_KINDS: [IssueKind; 3] = [
    IssueKind::BadAmount,
    IssueKind::BadDate,
    IssueKind::DateOrderConflict,
];

impl<'a> Builder<'a> {
    /// Whether the replaced table read `role` from the same column, read the same way: its
    /// typed values, issues and reading (date order, decimal mark) still hold. A date
    /// column is read the same way when its own values decided its order (year first, a
    /// day above 12 …), or when the order the table's date columns prove is unchanged.
    fn kept(&self, role: Role) -> bool {
        self.old.as_ref().is_some_and(|o| {
            let c = self.col(role);
            // Neither table has the role: nothing to read either way.
            let own_order = || {
                c.is_none_or(|c| {
                    o.infos[c].date_order.is_some_and(|(_, e)| {
                        !matches!(e, OrderEvidence::Assumed | OrderEvidence::OtherColumns)
                    })
                })
            };
            o.mapping.iter().position(|r| *r == Some(role)) == c
                && (!DATE_ROLES.contains(&role) || o.table_order == self.table_order || own_order())
        })
    }

    /// Carry over the replaced table's issues of these kinds in `role`'s column, in the
    /// order it found them, and the column's reading.
    fn carry(&mut self, role: Role, kinds: &[IssueKind]) {
        let (Some(c), Some(old)) = (self.col(role), &self.old) else {
            return;
        };
        let header = &self.raw.headers[c];
        for i in old
            .issues
            .all
            .iter()
            .filter(|i| kinds.contains(&i.kind) && i.column.as_deref() == Some(header.as_str()))
        {
            self.issues.add(i.line, Some(header), &i.value, i.kind);
        }
        self.infos[c].date_order = old.infos[c].date_order;
        self.infos[c].decimal_mark = old.infos[c].decimal_mark;
    }

    /// The replaced table's value for `role` when [`Builder::kept`], its issues carried.
    fn take<T>(&mut self, role: Role, field: impl FnOnce(&Deals) -> T) -> Option<T> {
        if !self.kept(role) {
            return None;
        }
        self.carry(role, &CELL_KINDS);
        self.old.as_ref().map(|o| field(o.deals))
    }

    /// The replaced table's `field` when `role` kept its column, else `read` from the file.
    fn kept_or<T>(
        &mut self,
        role: Role,
        field: fn(&Deals) -> &Option<Arc<T>>,
        read: fn(&mut Self, Role) -> Option<T>,
    ) -> Option<Arc<T>> {
        match self.take(role, |d| field(d).clone()) {
            Some(kept) => kept,
            None => read(self, role).map(Arc::new),
        }
    }

    /// The file line of every kept row.
    fn kept_lines(&self) -> Lines {
        if self.all_kept {
            return Lines::clone(&self.raw.lines);
        }
        let kept = self.raw.lines.iter().zip(&self.keep).filter(|(_, k)| **k);
        Lines::new(kept.map(|(l, _)| *l).collect())
    }

    fn col(&self, role: Role) -> Option<usize> {
        self.mapping.iter().position(|r| *r == Some(role))
    }

    fn kept_cells(&self, c: usize) -> impl Iterator<Item = (usize, &'a str)> + '_ {
        let col = &self.raw.columns[c];
        kept_rows(&self.keep).map(move |i| (i, col.get(i)))
    }

    /// How many kept cells of column `c` are not empty.
    fn kept_filled(&self, c: usize) -> usize {
        if self.all_kept {
            self.infos[c].filled
        } else {
            self.kept_cells(c).filter(|(_, s)| !s.is_empty()).count()
        }
    }

    /// A number column's values, in units when its header names a larger one ([`unit_scale`]).
    fn amounts(&mut self, role: Role) -> Option<Vec<MaybeNumber>> {
        let c = self.col(role)?;
        let mut v = self.amounts_as_written(c)?;
        let scale = unit_scale(&self.raw.headers[c], Some(role));
        if scale != 1.0 {
            v.iter_mut().for_each(|x| *x = x.times(scale));
        }
        Some(v)
    }

    /// A number column's values as its cells write them.
    fn amounts_as_written(&mut self, c: usize) -> Option<Vec<MaybeNumber>> {
        if let Some(Prepared::Amounts(v)) = self.prepared.remove(&c) {
            // Plain numbers only: a decimal dot, and nothing to report.
            self.infos[c].decimal_mark = Some(DecimalMark::Dot);
            return Some(v);
        }
        let mark = DecimalMark::decide(self.kept_cells(c).map(|(_, s)| s));
        self.infos[c].decimal_mark = Some(mark);
        let mut out = Vec::with_capacity(self.raw.rows());
        let (raw, keep) = (self.raw, &self.keep);
        let col = &raw.columns[c];
        for i in kept_rows(keep) {
            let cell = col.get(i);
            let v = parse_amount(cell, mark);
            if v.is_none() && !cell.is_empty() && !is_null_word(cell) {
                self.issues.add(
                    u64::from(raw.lines[i]),
                    Some(&raw.headers[c]),
                    cell,
                    IssueKind::BadAmount,
                );
            }
            out.push(v.into());
        }
        Some(out)
    }

    fn dates(&mut self, role: Role) -> Option<Vec<MaybeMinute>> {
        let c = self.col(role)?;
        let (raw, keep) = (self.raw, &self.keep);
        let col = &raw.columns[c];
        let parsed: Vec<Option<RawDate>> = match self.prepared.remove(&c) {
            Some(Prepared::Dates(p)) => p,
            // Every filled cell a date that exists, year first.
            Some(Prepared::Minutes(m)) => {
                self.infos[c].date_order = Some((DateOrder::Ymd, OrderEvidence::YearFirst));
                return Some(m);
            }
            _ => {
                // After a change of mapping, a column read as year-first dates before is
                // tried in the shape nearly every export writes them in, ISO, cell by cell.
                let year_first = Some((DateOrder::Ymd, OrderEvidence::YearFirst));
                let iso = self
                    .old
                    .as_ref()
                    .is_some_and(|o| o.infos[c].date_order == year_first)
                    .then(|| crm_kpi_scan::cells::iso_minutes_column(col))
                    .flatten();
                if let Some(mut m) = iso {
                    if !self.all_kept {
                        retain_kept(&mut m, keep);
                    }
                    self.infos[c].date_order = year_first;
                    return Some(m);
                }
                kept_rows(keep).map(|i| parse_date(col.get(i))).collect()
            }
        };
        let (mut order, mut evidence) = decide_order(&parsed);
        if let (OrderEvidence::Assumed, Some(proven)) = (evidence, self.table_order) {
            (order, evidence) = (proven, OrderEvidence::OtherColumns);
        }
        self.infos[c].date_order = Some((order, evidence));
        let mut out = Vec::with_capacity(parsed.len());
        for (i, raw_date) in kept_rows(keep).zip(parsed) {
            let v = raw_date.and_then(|r| r.resolve(order));
            if v.is_none() {
                let cell = col.get(i);
                if !cell.is_empty() && !is_null_word(cell) {
                    let kind = if raw_date.is_some() {
                        IssueKind::DateOrderConflict
                    } else {
                        IssueKind::BadDate
                    };
                    self.issues
                        .add(u64::from(raw.lines[i]), Some(&raw.headers[c]), cell, kind);
                }
            }
            out.push(v.into());
        }
        Some(out)
    }

    fn interned(&self, role: Role) -> Option<Interned> {
        let c = self.col(role)?;
        let keep = (!self.all_kept).then_some(self.keep.as_slice());
        Some(Interned::from_column(&self.raw.columns[c], keep))
    }

    fn texts(&self, role: Role) -> Option<Vec<&'a str>> {
        let c = self.col(role)?;
        Some(self.kept_cells(c).map(|(_, s)| s).collect())
    }
}

/// Cells that mean "no value" in exports (`-`, `N/A`, `null`, `--`, `无`).
fn is_null_word(s: &str) -> bool {
    matches!(
        s.to_ascii_lowercase().as_str(),
        "-" | "--" | "n/a" | "na" | "null" | "none" | "nil" | "#n/a" | "无" | "—"
    )
}

/// Build a table from its text columns with the given mapping (or the suggested one).
pub fn build_table(raw: &RawTable, mapping: Option<&[Option<Role>]>) -> Table {
    build(raw, mapping, None).0
}

/// [`build_table`] again after a change of mapping, giving the same table. The column types
/// (they do not depend on roles) and a deals table's typed columns whose source columns
/// kept their roles move over from `old`, the table being replaced, instead of being read
/// again: the two tables share them. Also says what moved over.
pub fn rebuild_table(
    raw: &RawTable,
    mapping: Option<&[Option<Role>]>,
    old: &Table,
) -> (Table, Moved) {
    build(raw, mapping, Some(old))
}

/// Which of a deals table's typed columns a rebuild moved over from the table it replaced:
/// what was worked out from them alone still holds.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Moved {
    /// Create dates, outcomes and close dates: the days the deals cover.
    pub dates: bool,
    /// The create dates.
    pub created: bool,
    /// The amounts.
    pub amount: bool,
    /// Every column a deals pass reads but its breakdowns' (the dates, outcomes, amounts,
    /// probabilities, costs, stages and deal types).
    pub pass_rows: bool,
    /// The breakdowns' columns, each of which moved over.
    pub owner: bool,
    pub source: bool,
    /// Product, region, team, segment and industry.
    pub extras: bool,
}

fn build(raw: &RawTable, mapping: Option<&[Option<Role>]>, old: Option<&Table>) -> (Table, Moved) {
    // Issues are carried over by their column's header, so headers must tell columns apart.
    let h = &raw.headers;
    let old = old.filter(|o| {
        o.columns.len() == h.len() && h.iter().enumerate().all(|(i, x)| !h[..i].contains(x))
    });
    let user_mapping = mapping.is_some_and(|m| m.len() == raw.headers.len());
    let suggested;
    let mapping = match mapping {
        Some(m) if m.len() == raw.headers.len() => m,
        _ => {
            suggested = suggest_mapping(&raw.headers);
            &suggested
        }
    };
    let kind = detect_kind(&raw.file, &raw.headers, mapping);
    let adjusted;
    let mapping = if user_mapping {
        mapping
    } else {
        let mut m = mapping.to_vec();
        adjust_for_kind(kind, &raw.headers, &mut m);
        adjusted = m;
        &adjusted
    };
    let mut issues = Issues::default();
    for ri in &raw.row_issues {
        let kind = match ri.kind {
            RawIssueKind::ShortRow => IssueKind::ShortRow,
            RawIssueKind::LongRow => IssueKind::LongRow,
        };
        issues.add(
            ri.line,
            None,
            &format!("{} / {}", ri.fields, raw.headers.len()),
            kind,
        );
    }
    // Which rows are footers depends on the file alone: a table that left none out says so,
    // and its rows need no second look; nor do the rows of a file whose first column's cells
    // all start with a digit, a sign or nothing, as no footer's label does.
    let none_left_out = old.as_ref().is_some_and(|o| o.issues.rows_left_out == 0)
        || raw
            .columns
            .first()
            .is_none_or(|c| !c.any_starts_with_letter());
    let keep: Vec<bool> = match none_left_out {
        true => vec![true; raw.rows()],
        false => (0..raw.rows()).map(|i| !is_footer(raw, i)).collect(),
    };
    if !none_left_out {
        for (i, k) in keep.iter().enumerate() {
            if !k {
                let text = raw.columns.first().map(|c| c.get(i)).unwrap_or("");
                issues.add(
                    u64::from(raw.lines[i]),
                    raw.headers.first().map(String::as_str),
                    text,
                    IssueKind::FooterRow,
                );
            }
        }
    }
    let all_kept = none_left_out || keep.iter().all(|k| *k);
    let mut prepared = SortedMap::new();
    let mut infos: Vec<ColumnInfo> = Vec::with_capacity(raw.headers.len());
    for (c, ((h, col), role)) in raw
        .headers
        .iter()
        .zip(&raw.columns)
        .zip(mapping)
        .enumerate()
    {
        // A column's type does not depend on its role: the replaced table's holds, unless
        // the column takes a new date or number role, whose values typing reads on the way.
        let reads_values =
            role.is_some_and(|r| DATE_ROLES.contains(&r) || NUMBER_ROLES.contains(&r));
        let value_type = match &old {
            Some(o) if !reads_values || o.columns[c].role == *role => o.columns[c].value_type,
            _ => {
                let (value_type, values) = type_column(col, *role);
                if let Some(v) = values {
                    prepared.insert(c, v);
                }
                value_type
            }
        };
        infos.push(ColumnInfo {
            header: h.clone(),
            role: *role,
            value_type,
            filled: old
                .as_ref()
                .map_or_else(|| col.filled(), |o| o.columns[c].filled),
            date_order: None,
            decimal_mark: None,
        });
    }
    // Prepared values are every row's: the builder takes the kept rows'.
    if !all_kept {
        for v in prepared.values_mut() {
            match v {
                Prepared::Dates(d) => retain_kept(d, &keep),
                Prepared::Minutes(m) => retain_kept(m, &keep),
                Prepared::Amounts(a) => retain_kept(a, &keep),
            }
        }
    }
    let mut mapping = mapping.to_vec();
    if !user_mapping {
        correct_by_values(&mut mapping, &mut infos);
    }
    let is_date = |r: Option<Role>| r.is_some_and(|r| DATE_ROLES.contains(&r));
    let same_dates = old.as_ref().is_some_and(|o| {
        o.columns
            .iter()
            .map(|c| is_date(c.role))
            .eq(mapping.iter().map(|r| is_date(*r)))
    });
    let table_order = match &old {
        Some(o) if same_dates => o.table_order,
        Some(o) => {
            // Each column read as dates before keeps its reading's evidence.
            let read_before: Vec<_> = o
                .columns
                .iter()
                .map(|c| c.date_order.filter(|_| is_date(c.role)))
                .collect();
            parse_date_columns(raw, &mapping, &keep, &mut prepared, &read_before)
        }
        None => parse_date_columns(raw, &mapping, &keep, &mut prepared, &[]),
    };
    let old = old
        .filter(|o| o.kind == TableKind::Deals && kind == TableKind::Deals)
        .and_then(|o| {
            Some(OldDeals {
                deals: o.deals.as_ref()?,
                mapping: o.columns.iter().map(|c| c.role).collect(),
                issues: &o.issues,
                infos: &o.columns,
                table_order: o.table_order,
            })
        });
    let mut b = Builder {
        raw,
        keep,
        all_kept,
        table_order,
        prepared,
        mapping: &mapping,
        issues,
        infos,
        old,
        moved: Moved::default(),
    };
    let rows = b.keep.iter().filter(|k| **k).count();
    let deals = (kind == TableKind::Deals).then(|| build_deals(&mut b, rows));
    let records = (kind != TableKind::Deals && kind != TableKind::Unknown)
        .then(|| build_records(&mut b, kind, rows));
    let table = Table {
        file: raw.file.clone(),
        kind,
        layout: raw.layout.clone(),
        columns: b.infos,
        rows,
        blank_rows: raw.blank_rows,
        issues: b.issues,
        deals,
        records,
        user_mapping,
        table_order,
    };
    (table, b.moved)
}

/// A non-deal table in typed columns: every mapped date, number and text role. Row `i` of
/// every column is the same record.
#[derive(Clone, Debug, Default)]
pub struct Records {
    pub rows: usize,
    /// 1-based file line of each record.
    pub lines: Lines,
    pub dates: SortedMap<Role, Vec<MaybeMinute>>,
    pub numbers: SortedMap<Role, Vec<MaybeNumber>>,
    pub texts: SortedMap<Role, Interned>,
    /// Satisfaction answers on their own scale (1–5 words, or the column's numbers) and the
    /// scale's top: 5 or 10.
    pub satisfaction: Option<(Vec<Option<u8>>, u8)>,
    pub nps: Option<Vec<Option<u8>>>,
    /// Whether a date column holds times of day (bulk-entry checks need them).
    pub timed: SortedMap<Role, bool>,
    /// Filled cells per role over the fields this kind of table should have.
    pub completeness: Vec<(Role, usize, usize)>,
    /// An orders table's lines gathered into orders, on first use.
    pub orders: std::cell::OnceCell<Option<crate::engine::kpi_tables::Orders>>,
}

impl Records {
    pub fn date(&self, role: Role) -> Option<&[MaybeMinute]> {
        self.dates.get(&role).map(Vec::as_slice)
    }
    pub fn number(&self, role: Role) -> Option<&[MaybeNumber]> {
        self.numbers.get(&role).map(Vec::as_slice)
    }
    pub fn text(&self, role: Role) -> Option<&Interned> {
        self.texts.get(&role)
    }
    /// The cell of a text role in row `r`, `""` when blank or absent.
    pub fn text_at(&self, role: Role, r: usize) -> &str {
        self.texts.get(&role).map_or("", |t| t.name(t.get(r)))
    }
    /// The record's own date: when it was created, ordered, done or answered.
    pub fn when(&self) -> Option<&[MaybeMinute]> {
        self.date(Role::CreatedAt)
            .or_else(|| self.date(Role::PlannedAt))
            .or_else(|| self.date(Role::ClosedAt))
    }
}

/// How many units one figure of a money column stands for, as its header says
/// ([`crate::engine::schema::header_unit`]); 1 for any other header or column.
///
/// ```
/// use crm_kpi::engine::{dataset::unit_scale, Role};
/// assert_eq!(unit_scale("商机金额(万元)", Some(Role::Amount)), 1e4);
/// assert_eq!(unit_scale("Amount (K)", Some(Role::Amount)), 1e3);
/// assert_eq!(unit_scale("Amount (MXN)", Some(Role::Amount)), 1.0);
/// assert_eq!(unit_scale("数量(万)", Some(Role::Quantity)), 1.0);
/// ```
pub fn unit_scale(header: &str, role: Option<Role>) -> f64 {
    use Role::*;
    match (role, crate::engine::schema::header_unit(header)) {
        (Some(Amount | Cost | UnitPrice | RecurringRevenue), Some((scale, _))) => scale,
        _ => 1.0,
    }
}

const NUMBER_ROLES: [Role; 6] = [
    Role::Amount,
    Role::Cost,
    Role::Quantity,
    Role::UnitPrice,
    Role::RecurringRevenue,
    Role::TenureMonths,
];

/// The fields each kind of table should have filled, for data completeness.
pub fn required_fields(kind: TableKind) -> &'static [Role] {
    match kind {
        TableKind::Deals => &[
            Role::Name,
            Role::Customer,
            Role::Amount,
            Role::Stage,
            Role::Owner,
            Role::CreatedAt,
            Role::LeadSource,
        ],
        TableKind::Leads => &[
            Role::Name,
            Role::Phone,
            Role::Email,
            Role::LeadSource,
            Role::Owner,
            Role::Status,
            Role::CreatedAt,
        ],
        TableKind::Customers => &[
            Role::Customer,
            Role::Phone,
            Role::Email,
            Role::Industry,
            Role::Region,
            Role::Owner,
            Role::CreatedAt,
        ],
        TableKind::Orders => &[
            Role::RecordId,
            Role::Customer,
            Role::Amount,
            Role::CreatedAt,
        ],
        TableKind::Activities => &[
            Role::Customer,
            Role::Owner,
            Role::ActivityType,
            Role::CreatedAt,
        ],
        TableKind::Tickets => &[
            Role::Customer,
            Role::TicketType,
            Role::Status,
            Role::CreatedAt,
            Role::Owner,
        ],
        TableKind::Surveys => &[Role::Customer, Role::CreatedAt],
        TableKind::Spend => &[Role::Amount, Role::CreatedAt],
        TableKind::Users => &[Role::Name, Role::Email],
        TableKind::Unknown => &[],
    }
}

fn build_records(b: &mut Builder<'_>, kind: TableKind, rows: usize) -> Records {
    let lines = b.kept_lines();
    let mut rec = Records {
        rows,
        lines,
        ..Records::default()
    };
    let roles: Vec<Role> = b.mapping.iter().flatten().copied().collect();
    for role in roles {
        if DATE_ROLES.contains(&role) {
            if let Some(d) = b.dates(role) {
                rec.timed.insert(
                    role,
                    d.iter()
                        .any(|m| m.get().is_some_and(|m| m.rem_euclid(1440) != 0)),
                );
                rec.dates.insert(role, d);
            }
        } else if NUMBER_ROLES.contains(&role) {
            if let Some(v) = b.amounts(role) {
                rec.numbers.insert(role, v);
            }
        } else if role == Role::Satisfaction {
            if let Some(cells) = b.texts(role) {
                rec.satisfaction = Some(satisfaction_scale(&cells));
            }
        } else if role == Role::NpsScore {
            if let Some(cells) = b.texts(role) {
                rec.nps = Some(cells.iter().map(|c| parse_nps(c)).collect());
            }
        } else if let Some(t) = b.interned(role) {
            rec.texts.insert(role, t);
        }
    }
    // An order line's amount is its quantity times its unit price when no amount is given.
    if !rec.numbers.contains_key(&Role::Amount) {
        if let (Some(q), Some(p)) = (
            rec.numbers.get(&Role::Quantity),
            rec.numbers.get(&Role::UnitPrice),
        ) {
            let amount = q
                .iter()
                .zip(p)
                .map(|(q, p)| q.get().zip(p.get()).map(|(q, p)| q * p).into())
                .collect();
            rec.numbers.insert(Role::Amount, amount);
        }
    }
    rec.completeness = required_fields(kind)
        .iter()
        .filter_map(|role| {
            let c = b.col(*role)?;
            Some((
                *role,
                b.kept_cells(c)
                    .filter(|(_, s)| !s.trim().is_empty())
                    .count(),
                rows,
            ))
        })
        .collect();
    rec
}

/// Satisfaction cells on their scale: words and 1–5 numbers on a 5-point scale; a column
/// whose numbers reach above 5 (up to 10) is on a 10-point scale.
fn satisfaction_scale(cells: &[&str]) -> (Vec<Option<u8>>, u8) {
    let ten = cells
        .iter()
        .filter_map(|c| c.trim().parse::<u8>().ok())
        .any(|n| (6..=10).contains(&n));
    if ten {
        let v = cells
            .iter()
            .map(|c| c.trim().parse::<u8>().ok().filter(|n| *n <= 10))
            .collect();
        (v, 10)
    } else {
        (cells.iter().map(|c| parse_satisfaction(c)).collect(), 5)
    }
}

fn build_deals(b: &mut Builder<'_>, rows: usize) -> Deals {
    let lines = match b.old.as_ref() {
        Some(o) => Lines::clone(&o.deals.lines),
        None => b.kept_lines(),
    };
    let amount = b.kept_or(Role::Amount, |d| &d.amount, Builder::amounts);
    let cost = b.kept_or(Role::Cost, |d| &d.cost, Builder::amounts);
    let probability = match b.take(Role::Probability, |d| d.probability.clone()) {
        Some(kept) => kept,
        None => b.col(Role::Probability).map(|c| {
            let cells: Vec<&str> = b.kept_cells(c).map(|(_, s)| s).collect();
            let parsed: Vec<Option<(f64, bool)>> = cells
                .iter()
                .map(|s| parse_percent(s, DecimalMark::Dot))
                .collect();
            // Probabilities written as 0–100 (or with %) become fractions; 0–1 stay as
            // they are.
            let hundred = parsed.iter().flatten().any(|(v, pct)| *pct || *v > 1.0);
            Arc::new(
                parsed
                    .into_iter()
                    .map(|p| p.map(|(v, _)| if hundred { v / 100.0 } else { v }).into())
                    .collect(),
            )
        }),
    };
    let created = b.kept_or(Role::CreatedAt, |d| &d.created, Builder::dates);
    // Outcomes and close dates move over whole when every column they come from kept its
    // role.
    let keep_outcome = OUTCOME_ROLES.iter().all(|r| b.kept(*r));
    // Each close-date column's dates move over with its issues while it keeps its role and
    // reading; a column the replaced table did not read has no issues to carry.
    let close_dates = |b: &mut Builder<'_>, role: Role, k: usize| {
        let kept = b.take(role, |d| d.close_cells[k].clone()).flatten();
        kept.or_else(|| b.dates(role).map(Arc::new))
    };
    let closed_at = close_dates(b, Role::ClosedAt, 0);
    let won_at = close_dates(b, Role::WonAt, 1);
    let lost_at = close_dates(b, Role::LostAt, 2);
    let expected = if b.col(Role::ClosedAt).is_none() && b.col(Role::WonAt).is_none() {
        close_dates(b, Role::ExpectedCloseAt, 3)
    } else {
        None
    };
    let keep_touched = b.kept(Role::UpdatedAt) && b.kept(Role::LastActivityAt);
    let (updated, activity) = if keep_touched {
        b.carry(Role::UpdatedAt, &CELL_KINDS);
        b.carry(Role::LastActivityAt, &CELL_KINDS);
        (None, None)
    } else {
        (b.dates(Role::UpdatedAt), b.dates(Role::LastActivityAt))
    };

    let kept = if keep_outcome {
        b.carry(Role::Status, &[IssueKind::UnknownStatus]);
        b.old.as_ref().map(|o| {
            let d = o.deals;
            (
                Arc::clone(&d.outcome),
                d.outcome_from,
                d.closed.clone(),
                d.close_from,
            )
        })
    } else {
        None
    };
    let (outcome, outcome_from, closed, close_from) = match kept {
        Some(kept) => kept,
        None => {
            let (outcome, outcome_from) = read_outcomes(b, rows, &lines, &won_at, &lost_at);
            let (closed, close_from) =
                close_dates_of(&outcome, rows, [&closed_at, &won_at, &lost_at, &expected]);
            (
                Arc::new(outcome),
                outcome_from,
                closed.map(Arc::new),
                close_from,
            )
        }
    };
    if keep_outcome && b.kept(Role::CreatedAt) {
        b.carry(Role::CreatedAt, &[IssueKind::ClosedBeforeCreated]);
    } else {
        closed_before_created(b, &lines, &created, &closed);
    }
    let touched = match b.old.as_ref().filter(|_| keep_touched) {
        Some(o) => o.deals.touched.clone(),
        None => match (&updated, &activity) {
            (None, None) => None,
            _ => Some(Arc::new(
                (0..rows)
                    .map(|r| {
                        let u = updated.as_ref().and_then(|v| v[r].get());
                        let a = activity.as_ref().and_then(|v| v[r].get());
                        MaybeMinute::from(u.max(a))
                    })
                    .collect(),
            )),
        },
    };
    // Each range moves over with its column.
    let range = |c: &Option<DateColumn>| crm_kpi_scan::cells::minute_range(c.as_deref()?);
    let old_ranges = b.old.as_ref().map(|o| o.deals.minute_ranges);
    let minute_ranges = [
        match old_ranges {
            Some(r) if b.kept(Role::CreatedAt) => r[0],
            _ => range(&created),
        },
        match old_ranges {
            Some(r) if keep_outcome => r[1],
            _ => range(&closed),
        },
    ];
    let last_day = match b.old.as_ref() {
        Some(o) if keep_outcome && keep_touched && b.kept(Role::CreatedAt) => o.deals.last_day,
        // The day of the greatest minute: a day never comes before an earlier minute's.
        _ => minute_ranges
            .into_iter()
            .chain([range(&touched)])
            .flatten()
            .map(|(_, hi)| day_of(hi))
            .max(),
    };
    let completeness = required_fields(TableKind::Deals)
        .iter()
        .copied()
        .filter_map(|role| {
            let c = b.col(role)?;
            Some((role, b.kept_filled(c), rows))
        })
        .chain(closed.as_ref().map(|cl| {
            let closed_rows = outcome
                .iter()
                .filter(|o| matches!(o, Outcome::Won | Outcome::Lost))
                .count();
            (
                Role::ClosedAt,
                cl.iter().filter(|m| m.is_some()).count(),
                closed_rows,
            )
        }))
        .collect();
    // What was worked out on first use from columns that moved over moves with them.
    let mut first_use = Deals::default();
    let kept = |r: Role| b.kept(r);
    let (by_month, by_customer, span) = (
        keep_outcome && kept(Role::Amount),
        keep_outcome && kept(Role::Customer),
        kept(Role::CreatedAt),
    );
    // The open sums' scale reads the amounts and probabilities alone.
    let scale = kept(Role::Amount) && kept(Role::Probability);
    let dates = keep_outcome && kept(Role::CreatedAt);
    b.moved = Moved {
        dates,
        created: span,
        amount: kept(Role::Amount),
        pass_rows: dates
            && [Role::Amount, Role::Probability, Role::Cost, Role::DealType]
                .into_iter()
                .all(kept),
        owner: kept(Role::Owner),
        source: kept(Role::LeadSource),
        extras: [
            Role::Product,
            Role::Region,
            Role::Team,
            Role::Segment,
            Role::Industry,
        ]
        .into_iter()
        .all(kept),
    };
    if let Some(o) = b.old.as_ref() {
        let d = o.deals;
        if by_month {
            first_use.won_by_month = d.won_by_month.clone();
        }
        if scale {
            first_use.open_scale = d.open_scale.clone();
        }
        if by_customer {
            first_use.first_won = d.first_won.clone();
        }
        if span {
            first_use.created_by_day = d.created_by_day.clone();
        }
    }
    Deals {
        rows,
        lines,
        outcome,
        amount,
        cost,
        probability,
        created,
        closed,
        touched,
        owner: b.kept_or(Role::Owner, |d| &d.owner, |b, r| b.interned(r)),
        source: b.kept_or(Role::LeadSource, |d| &d.source, |b, r| b.interned(r)),
        stage: b.kept_or(Role::Stage, |d| &d.stage, |b, r| b.interned(r)),
        customer: b.kept_or(Role::Customer, |d| &d.customer, |b, r| b.interned(r)),
        deal_type: b.kept_or(Role::DealType, |d| &d.deal_type, |b, r| b.interned(r)),
        product: b.kept_or(Role::Product, |d| &d.product, |b, r| b.interned(r)),
        region: b.kept_or(Role::Region, |d| &d.region, |b, r| b.interned(r)),
        team: b.kept_or(Role::Team, |d| &d.team, |b, r| b.interned(r)),
        segment: b.kept_or(Role::Segment, |d| &d.segment, |b, r| b.interned(r)),
        industry: b.kept_or(Role::Industry, |d| &d.industry, |b, r| b.interned(r)),
        linked: Vec::new(),
        won_by_month: first_use.won_by_month,
        open_scale: first_use.open_scale,
        first_won: first_use.first_won,
        created_by_day: first_use.created_by_day,
        minute_ranges,
        close_cells: [closed_at, won_at, lost_at, expected],
        close_from,
        outcome_from,
        last_day,
        completeness,
    }
}

/// Each deal's outcome, from a status column, won/closed flags, the stage or won/lost dates
/// (the first of these the table has), and where the outcomes came from.
fn read_outcomes(
    b: &mut Builder<'_>,
    rows: usize,
    lines: &[u32],
    won_at: &Option<DateColumn>,
    lost_at: &Option<DateColumn>,
) -> (Vec<Outcome>, Option<Role>) {
    let status = b.texts(Role::Status);
    // A coded stage column (nearly all are): each distinct stage read once, then a number
    // per row; any other is read cell by cell below.
    let stage_outcome: Option<Vec<Option<Outcome>>> = b.col(Role::Stage).and_then(|c| {
        let col = &b.raw.columns[c];
        let codes = col.codes()?;
        let per: Vec<Option<Outcome>> = (0..col.distinct_len())
            .map(|k| outcome_of(col.distinct(k as u32)))
            .collect();
        if b.keep.iter().all(|k| *k) {
            // Every row kept (nearly always): no filter, whose step is a call per row in
            // the size-first build.
            return Some(codes.iter().map(|c| per[*c as usize]).collect());
        }
        Some(kept_rows(&b.keep).map(|i| per[codes[i] as usize]).collect())
    });
    let stage_text = match stage_outcome {
        Some(_) => None,
        None => b.texts(Role::Stage),
    };
    let has_stage = stage_outcome.is_some() || stage_text.is_some();
    let won_flag = b.texts(Role::WonFlag);
    let closed_flag = b.texts(Role::ClosedFlag);
    let outcome_from = if status.is_some() {
        Some(Role::Status)
    } else if won_flag.is_some() {
        Some(Role::WonFlag)
    } else if has_stage {
        Some(Role::Stage)
    } else if won_at.is_some() || lost_at.is_some() {
        Some(Role::WonAt)
    } else {
        None
    };
    // Nothing tells an outcome (the stage column left unused, say): every deal is open.
    if outcome_from.is_none() {
        return (vec![Outcome::Open; rows], outcome_from);
    }
    let status_col = b.col(Role::Status);
    // A stage or status column holds a handful of distinct values: read each once.
    let mut seen: Vec<(String, Option<Outcome>)> = Vec::new();
    let mut outcome_of = |cell: &str| -> Option<Outcome> {
        if let Some((_, o)) = seen.iter().find(|(c, _)| *c == cell) {
            return *o;
        }
        let o = outcome_of(cell);
        if seen.len() < 64 {
            seen.push((cell.to_string(), o));
        }
        o
    };
    // A coded stage column alone (nearly every export): each row's stage decides.
    if let (None, None, Some(so)) = (&status, &won_flag, &stage_outcome) {
        let outcome = so.iter().map(|o| o.unwrap_or(Outcome::Open)).collect();
        return (outcome, outcome_from);
    }
    let mut outcome = Vec::with_capacity(rows);
    for r in 0..rows {
        let mut o = None;
        if let Some(s) = &status {
            let cell = s[r];
            o = outcome_of(cell);
            if o.is_none() && !cell.is_empty() && !has_stage {
                let header = status_col.map(|c| b.raw.headers[c].as_str());
                b.issues
                    .add(u64::from(lines[r]), header, cell, IssueKind::UnknownStatus);
                o = Some(Outcome::Open);
            }
        }
        if o.is_none() {
            if let Some(w) = &won_flag {
                let closed = closed_flag.as_ref().and_then(|c| parse_bool(c[r]));
                o = match (parse_bool(w[r]), closed) {
                    (Some(true), _) => Some(Outcome::Won),
                    (Some(false), Some(true)) => Some(Outcome::Lost),
                    (Some(false), Some(false)) => Some(Outcome::Open),
                    _ => None,
                };
            }
        }
        if o.is_none() {
            if let Some(so) = &stage_outcome {
                o = Some(so[r].unwrap_or(Outcome::Open));
            } else if let Some(st) = &stage_text {
                o = Some(outcome_of(st[r]).unwrap_or(Outcome::Open));
            }
        }
        if o.is_none() {
            let has = |v: &Option<DateColumn>| v.as_ref().is_some_and(|v| v[r].is_some());
            o = Some(if has(won_at) {
                Outcome::Won
            } else if has(lost_at) {
                Outcome::Lost
            } else {
                Outcome::Open
            });
        }
        outcome.push(o.unwrap_or(Outcome::Open));
    }

    (outcome, outcome_from)
}

/// The close date of each won or lost deal, from the first close-date column the table has
/// (close, won, lost, expected close), and which one that is.
fn close_dates_of(
    outcome: &[Outcome],
    rows: usize,
    [closed_at, won_at, lost_at, expected]: [&Option<DateColumn>; 4],
) -> (Option<Vec<MaybeMinute>>, Option<Role>) {
    let (close_src, close_from) = match (closed_at, won_at, lost_at, expected) {
        (Some(_), _, _, _) => (0, Some(Role::ClosedAt)),
        (None, Some(_), _, _) | (None, None, Some(_), _) => (1, Some(Role::WonAt)),
        (None, None, None, Some(_)) => (2, Some(Role::ExpectedCloseAt)),
        _ => (3, None),
    };
    // One close-date column (nearly every export): its date on each closed deal.
    let alone = match (closed_at, won_at, lost_at, expected) {
        (Some(v), None, None, _) | (None, None, None, Some(v)) => Some(v),
        _ => None,
    };
    if let Some(dates) = alone {
        let closed = outcome
            .iter()
            .zip(dates.iter())
            .map(|(o, d)| {
                // Built as a choice of values, not a branch: outcomes come in no order a
                // branch predictor learns.
                let closed = matches!(o, Outcome::Won | Outcome::Lost);
                if closed {
                    *d
                } else {
                    MaybeMinute::NONE
                }
            })
            .collect();
        return (Some(closed), close_from);
    }
    let closed: Option<Vec<MaybeMinute>> = close_from.map(|_| {
        (0..rows)
            .map(|r| {
                let pick = |v: &Option<DateColumn>| v.as_ref().and_then(|v| v[r].get());
                MaybeMinute::from(match outcome[r] {
                    Outcome::Won | Outcome::Lost => match close_src {
                        0 => pick(closed_at)
                            .or_else(|| pick(won_at))
                            .or_else(|| pick(lost_at)),
                        1 => pick(won_at).or_else(|| pick(lost_at)),
                        _ => pick(expected),
                    },
                    _ => None,
                })
            })
            .collect()
    });
    (closed, close_from)
}

/// Report deals closed before they were created, with both dates.
fn closed_before_created(
    b: &mut Builder<'_>,
    lines: &[u32],
    created: &Option<DateColumn>,
    closed: &Option<DateColumn>,
) {
    if let (Some(cr), Some(cl)) = (created, closed) {
        let created_col = b.col(Role::CreatedAt).map(|c| b.raw.headers[c].clone());
        let fmt = |m: Minutes| crate::engine::value::date_of_day(day_of(m));
        for (r, (a, z)) in cr.iter().zip(cl.iter()).enumerate() {
            // A missing date takes the bound that is never later (earlier) than the other:
            // no branch on each row's empty cells, which fall in no order.
            let (a, z) = (a.raw(), z.get().unwrap_or(Minutes::MAX));
            // A close in an earlier minute is the only way to an earlier day.
            if z < a && day_of(z) < day_of(a) {
                // Both dates, so that the list reads on its own.
                b.issues.add(
                    u64::from(lines[r]),
                    created_col.as_deref(),
                    &format!("{} → {}", fmt(a), fmt(z)),
                    IssueKind::ClosedBeforeCreated,
                );
            }
        }
    }
}

impl Deals {
    /// The breakdown dimensions beyond owner and lead source that this table has, then those
    /// looked up in other tables.
    pub fn extra_dimensions(&self) -> Vec<(&'static str, &Interned)> {
        [
            ("product", &self.product),
            ("region", &self.region),
            ("team", &self.team),
            ("segment", &self.segment),
            ("industry", &self.industry),
        ]
        .into_iter()
        .filter_map(|(name, dim)| dim.as_deref().map(|d| (name, d)))
        .chain(self.linked.iter().map(|l| (l.dim, &*l.values)))
        .collect()
    }

    /// The roles this table can serve, including the derived ones: an outcome from a status,
    /// flag or stage; a close date from a close, won/lost or expected-close column.
    pub fn available_roles(&self, mapping: &[Option<Role>]) -> Vec<Role> {
        let mut roles: Vec<Role> = mapping.iter().flatten().copied().collect();
        if self.outcome_from.is_some() {
            roles.push(Role::Status);
        }
        if self.close_from.is_some() {
            roles.push(Role::ClosedAt);
        }
        if self.touched.is_some() {
            roles.push(Role::UpdatedAt);
        }
        super::sort_list(&mut roles, Ord::cmp);
        roles.dedup();
        roles
    }

    /// How many deals were created on each day, from the day of the first create date
    /// (given with the counts); `None` without create dates, or when they span a century
    /// or more (the workbook's per-day counts leave such data out too).
    pub fn created_by_day(&self) -> Option<(i32, &[u32])> {
        let counted = self.created_by_day.get_or_init(|| {
            let (lo, hi) = self.minute_ranges[0]?;
            let first = day_of(lo);
            let mut counts = day_counts(first, day_of(hi))?;
            crm_kpi_scan::cells::count_by_day(self.created.as_deref()?, first, &mut counts);
            Some((first, counts))
        });
        counted
            .as_ref()
            .map(|(first, counts)| (*first, counts.as_slice()))
    }
}

/// Dates over this many days apart (a century, about) are not counted day by day.
const MAX_DAYS: usize = 36_600;

/// A count for each day from `first` to `last`, all zero; `None` when `last` comes before
/// `first` or [`MAX_DAYS`] or more after it.
pub fn day_counts(first: i32, last: i32) -> Option<Vec<u32>> {
    let span = usize::try_from(last - first)
        .ok()
        .filter(|s| *s < MAX_DAYS)?;
    Some(vec![0u32; span + 1])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ingest::read_table;

    fn table(csv: &str) -> Table {
        build_table(&read_table("t.csv", csv.as_bytes()).unwrap(), None)
    }

    /// A column's ids stay in two bytes up to 65,536 names and widen at the first id past
    /// them, every id before it kept: 70,000 distinct cells read back in order.
    #[test]
    fn ids_widen_past_two_bytes() {
        let cells: Vec<String> = (0..70_000).map(|i| format!("c{}", i % 66_000)).collect();
        let narrow = Interned::from_cells(cells[..60_000].iter().map(String::as_str), None);
        assert!(matches!(narrow.ids, Ids::Narrow(_)));
        let wide = Interned::from_cells(cells.iter().map(String::as_str), None);
        assert!(matches!(wide.ids, Ids::Wide(_)));
        assert_eq!(wide.names.len(), 66_001);
        for (r, cell) in cells.iter().enumerate() {
            assert_eq!(wide.name(wide.get(r)), cell);
        }
        assert_eq!(wide.ids.iter().nth(65_536), Some(65_537));
        assert_eq!(
            narrow.ids.iter().collect::<Vec<_>>(),
            wide.ids.iter().take(60_000).collect::<Vec<_>>()
        );
    }

    /// A typed table that keeps every row holds its raw table's lines, not a copy of them; one
    /// that leaves a footer out has lines of its own, without the footer's.
    #[test]
    fn a_table_that_keeps_every_row_shares_its_lines() {
        let raw = read_table("t.csv", b"Deal,Amount\nA,1\n\nB,2\n").unwrap();
        let t = build_table(&raw, None);
        let d = t.deals.as_ref().unwrap();
        assert!(Lines::ptr_eq(&d.lines, &raw.lines));
        assert_eq!(*d.lines, [2, 4]);
        let raw = read_table("t.csv", b"Deal,Amount\nA,1\nB,2\nTotal,3\n").unwrap();
        let t = build_table(&raw, None);
        let d = t.deals.as_ref().unwrap();
        assert!(!Lines::ptr_eq(&d.lines, &raw.lines));
        assert_eq!((d.lines.to_vec(), t.issues.rows_left_out), (vec![2, 3], 1));
    }

    /// A money column whose header gives its unit (万元, K, in millions) is read in plain
    /// units, plain and formatted cells alike, and so is a cost column; the name before the
    /// unit is matched as usual. (A quantity is not multiplied: [`unit_scale`]'s examples.)
    #[test]
    fn figures_in_a_larger_unit_are_multiplied_out() {
        let t = table("商机名称,商机金额(万元),Cost (K)\nA,1.2,5\nB,\"2,000.5\",0.25\n");
        let d = t.deals.as_ref().unwrap();
        let amounts = d.amount.as_deref().unwrap();
        assert_eq!(amounts, &[Some(12_000.0), Some(20_005_000.0)]);
        assert_eq!(d.cost.as_deref().unwrap(), &[Some(5_000.0), Some(250.0)]);
        let t = table("Deal,Amount (in millions)\nA,2\n");
        let d = t.deals.as_ref().unwrap();
        assert_eq!(d.amount.as_deref().unwrap(), &[Some(2e6)]);
        // Hundreds of millions (亿), millions (百万, MM, m) and thousands (000s).
        for (header, scale) in [
            ("合同金额（亿元）", 1e8),
            ("合同金额(百万)", 1e6),
            ("Amount ($MM)", 1e6),
            ("Amount ($000s)", 1e3),
            // Currency signs around the unit.
            ("Value (£'000)", 1e3),
            ("Revenue (€m)", 1e6),
            ("合同金额（¥万元）", 1e4),
        ] {
            let t = table(&format!("Deal,{header}\nA,2.5\n"));
            let d = t.deals.as_ref().unwrap();
            assert_eq!(
                d.amount.as_deref().unwrap(),
                &[Some(2.5 * scale)],
                "{header}"
            );
        }
    }

    #[test]
    fn types_relax_over_all_values() {
        let cases: &[(&[&str], ValueType)] = &[
            (&["", ""], ValueType::Empty),
            (&["1", "2", ""], ValueType::Integer),
            (&["1", "2.5"], ValueType::Number),
            (&["1", "$2,500"], ValueType::Money),
            (&["2024-01-01", "1/2/2024"], ValueType::Date),
            (&["12%", "5%"], ValueType::Percent),
            (&["true", "false"], ValueType::Bool),
            (&["1", "2024-01-01"], ValueType::Text),
            (&["Acme", "1"], ValueType::Text),
            (&["是", "否", ""], ValueType::Bool),
            (&["很满意", "一般", "不满意"], ValueType::Rating),
            (&["Very satisfied", "4", "2"], ValueType::Rating),
        ];
        for (cells, want) in cases {
            assert_eq!(infer_type(cells.iter().copied()), *want, "case {cells:?}");
        }
    }

    #[test]
    fn bad_cells_are_listed_with_line_column_and_value() {
        let t = table("Deal Name,Amount,Deal Stage,Create Date,Close Date\nA,100,closedwon,2024-01-01,2024-01-05\nB,lots,closedwon,2024-01-02,soon\nC,-,Open,2024-01-03,\n");
        let d = t.deals.as_ref().unwrap();
        assert_eq!(**d.amount.as_ref().unwrap(), [Some(100.0), None, None]);
        assert_eq!(t.issues.counts.get(&IssueKind::BadAmount), Some(&1));
        assert_eq!(t.issues.counts.get(&IssueKind::BadDate), Some(&1));
        assert_eq!(
            t.issues.all[0],
            RowIssue {
                line: 3,
                column: Some("Amount".into()),
                value: "lots".into(),
                kind: IssueKind::BadAmount
            }
        );
        assert_eq!(t.issues.all[1].column.as_deref(), Some("Close Date"));
        assert_eq!(t.issues.rows_left_out, 0);
    }

    #[test]
    fn salesforce_footer_rows_are_left_out_and_counted() {
        let t = table("Opportunity Name,Stage,Amount\nA,Closed Won,10\nB,Prospecting,5\n\nGrand Totals (2 records),,15\nConfidential Information - Do Not Distribute,,\n");
        assert_eq!(t.rows, 2);
        assert_eq!(t.issues.rows_left_out, 2);
        assert_eq!(
            *t.deals.as_ref().unwrap().outcome,
            [Outcome::Won, Outcome::Open]
        );
    }

    #[test]
    fn footer_words_start_where_the_footer_check_looks() {
        // is_footer passes over rows that start with an ASCII digit or sign without looking.
        assert!(FOOTER_STARTS
            .iter()
            .all(|w| crm_kpi_scan::may_start_a_label(w.as_bytes())));
    }

    #[test]
    fn a_total_row_between_deals_takes_its_values_along() {
        // Columns of many distinct amounts and dates are read while they are typed, before
        // footers are left out.
        let mut csv = String::from("Deal Name,Stage,Amount,Create Date\n");
        for i in 0..1500 {
            if i == 700 {
                csv.push_str("Total,,99,\n");
            }
            csv.push_str(&format!(
                "D{i},closedwon,{i}.5,2020-01-01 {:02}:{:02}\n",
                i / 60 % 24,
                i % 60
            ));
        }
        let t = table(&csv);
        let d = t.deals.as_ref().unwrap();
        assert_eq!((t.rows, t.issues.rows_left_out), (1500, 1));
        let amount = d.amount.as_ref().unwrap();
        assert_eq!(
            (amount[699].get(), amount[700].get(), amount.len()),
            (Some(699.5), Some(700.5), 1500)
        );
        let day = crate::engine::value::day_number(2020, 1, 1).unwrap() * 1440;
        let created = d.created.as_ref().unwrap();
        assert_eq!((created[700].get(), created.len()), (Some(day + 700), 1500));
        assert_eq!((d.lines[699], d.lines[700]), (701, 703));
    }

    #[test]
    fn stages_give_the_same_outcomes_coded_or_plain() {
        let csv = "Deal Name,Deal Stage,Amount\nA,closedwon,1\nB,Closed Lost,2\nC,Proposal,3\nTotal,,6\nD,,4\nE,closedwon,5\n";
        let mut raw = read_table("t.csv", csv.as_bytes()).unwrap();
        let coded = build_table(&raw, None);
        assert!(raw.columns[1].codes().is_some());
        raw.columns[1].uncode();
        let plain = build_table(&raw, None);
        let outcome = |t: &Table| t.deals.as_ref().unwrap().outcome.to_vec();
        use Outcome::*;
        assert_eq!(outcome(&coded), [Won, Lost, Open, Open, Won]);
        assert_eq!(outcome(&coded), outcome(&plain));
        assert_eq!(
            coded.deals.as_ref().unwrap().outcome_from,
            Some(Role::Stage)
        );
    }

    #[test]
    fn outcome_sources_in_order_of_trust() {
        // Pipedrive: a status column beats the stage.
        let t = table("Deal - Title,Deal - Status,Deal - Stage,Deal - Value\nA,Won,Negotiation,1\nB,Lost,Proposal,1\nC,Open,Proposal,1\n");
        assert_eq!(
            *t.deals.unwrap().outcome,
            [Outcome::Won, Outcome::Lost, Outcome::Open]
        );
        // Salesforce API: IsWon / IsClosed flags.
        let t = table("Name,StageName,IsClosed,IsWon,Amount\nA,Booked,true,true,1\nB,Gone,true,false,1\nC,Talks,false,false,1\n");
        assert_eq!(
            *t.deals.unwrap().outcome,
            [Outcome::Won, Outcome::Lost, Outcome::Open]
        );
        // WukongCRM: stage words.
        let t = table("商机名称,商机金额,商机阶段\nA,1,赢单\nB,1,输单\nC,1,无效\nD,1,需求分析\n");
        assert_eq!(
            *t.deals.unwrap().outcome,
            [Outcome::Won, Outcome::Lost, Outcome::Invalid, Outcome::Open]
        );
    }

    /// A deal closed on an earlier day than it was created is listed with both days; one
    /// closed earlier on its own day, open with an earlier close date, or missing either date,
    /// is not.
    #[test]
    fn deals_closed_on_an_earlier_day_are_listed_with_both_days() {
        let t = table(
            "Deal,Stage,Create Date,Close Date\n\
             A,closedwon,2024-03-01 14:00,2024-03-01 09:00\n\
             B,closedlost,2024-03-01 00:10,2024-02-29 23:59\n\
             C,appointmentscheduled,2024-03-05 10:00,2024-01-01 10:00\n\
             D,closedwon,2024-01-05,2023-12-31\n\
             E,closedwon,,2024-01-01\n\
             F,closedlost,2024-05-01,\n\
             G,closedlost,,\n",
        );
        let listed: Vec<(u64, &str, Option<&str>)> = t
            .issues
            .all
            .iter()
            .filter(|i| i.kind == IssueKind::ClosedBeforeCreated)
            .map(|i| (i.line, i.value.as_str(), i.column.as_deref()))
            .collect();
        assert_eq!(
            listed,
            [
                (3, "2024-03-01 → 2024-02-29", Some("Create Date")),
                (5, "2024-01-05 → 2023-12-31", Some("Create Date")),
            ]
        );
    }

    #[test]
    fn close_dates_fall_back_and_say_so() {
        let t = table("商机名称,商机金额,商机阶段,预计成交日期,创建时间\nA,1,赢单,2024-03-01,2024-01-01 10:00:00\nB,1,需求分析,2024-04-01,2024-01-02 10:00:00\n");
        let d = t.deals.unwrap();
        assert_eq!(d.close_from, Some(Role::ExpectedCloseAt));
        let closed = d.closed.unwrap();
        assert!(
            closed[0].is_some() && !closed[1].is_some(),
            "only closed deals keep a close date"
        );
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod coded {
    use super::*;
    use proptest::prelude::*;

    /// Roles a deals table's columns can be given, several of each kind.
    const ROLES: [Option<Role>; 18] = [
        None,
        Some(Role::Amount),
        Some(Role::Cost),
        Some(Role::Stage),
        Some(Role::Status),
        Some(Role::CreatedAt),
        Some(Role::ClosedAt),
        Some(Role::WonAt),
        Some(Role::LostAt),
        Some(Role::ExpectedCloseAt),
        Some(Role::UpdatedAt),
        Some(Role::LastActivityAt),
        Some(Role::Owner),
        Some(Role::LeadSource),
        Some(Role::Probability),
        Some(Role::Customer),
        Some(Role::WonFlag),
        Some(Role::Name),
    ];

    proptest! {
        /// A column without a role is typed as its cells are one by one, also when the loop
        /// for ID columns decides it.
        #[test]
        fn plain_columns_type_as_their_cells_do(
            cells in proptest::collection::vec(prop_oneof![
                Just(""), Just("123"), Just("0042"), Just("-5"), Just("1.5"), Just("x"),
                Just("2024-01-01"), Just("123456789012345"), Just("1234567890123456")
            ], 0..12),
        ) {
            let mut col = TextColumn::default();
            for c in &cells {
                col.push(c);
            }
            col.uncode();
            prop_assert_eq!(type_column(&col, None).0, infer_type(cells.iter().copied()));
        }

        /// A table rebuilt after a change of mapping, taking what still holds from the one
        /// it replaces, is the table a fresh build gives: values, issues in their order,
        /// column readings. Twice in a row, so that a rebuilt table also serves as the old
        /// one.
        #[test]
        fn a_rebuilt_table_is_the_table_a_fresh_build_gives(
            rows in proptest::collection::vec(proptest::collection::vec(0usize..6, 11), 1..40),
            footer_at in proptest::option::of(0usize..40),
            first in proptest::collection::vec(0usize..ROLES.len(), 11),
            changes in proptest::collection::vec(((0usize..11), (0usize..ROLES.len())), 1..4),
            more in proptest::collection::vec(((0usize..11), (0usize..ROLES.len())), 1..3),
        ) {
            // Per column, cells of the shapes exports hold, bad ones among them.
            const CELLS: [[&str; 6]; 11] = [
                ["Acme", "Beta", "", "李四公司", "Acme", "Total?"],
                ["1200", "", "n/a", "1.234,50", "-80.5", "$99"],
                ["closedwon", "closedlost", "appointment", "", "Closed Won", "weird"],
                ["2024-03-04 10:00", "3/4/2024", "25/4/2024", "", "bad", "2024-13-01"],
                ["2024-05-01", "", "4/5/2024", "2023-01-01", "nope", "2024-03-04"],
                ["Ann", "Bob", "", "Ann", "王五", "Cy"],
                ["Won", "Lost", "Open", "", "???", "won"],
                ["2024-06-01 09:00", "", "6/1/2024", "x", "2024-02-02", "2024-06-01"],
                ["50%", "0.3", "", "100", "abc", "0"],
                ["2024-05-02", "", "5/2/2024", "2024-05-02", "?", ""],
                ["Web", "Referral", "", "Web", "转介绍", "Ads"],
            ];
            let mut csv = String::from(
                "Deal,Amount,Stage,Created,Closed,Owner,Status,Updated,Probability,Won On,Source\n",
            );
            for (i, row) in rows.iter().enumerate() {
                if footer_at == Some(i) {
                    csv.push_str("Total,5000,,,,,,,,,\n");
                }
                let cells: Vec<String> = row
                    .iter()
                    .enumerate()
                    .map(|(c, k)| format!("\"{}\"", CELLS[c][*k]))
                    .collect();
                csv.push_str(&cells.join(","));
                csv.push('\n');
            }
            let raw = crate::engine::ingest::read_table("deals.csv", csv.as_bytes()).unwrap();
            let m1: Vec<Option<Role>> = first.iter().map(|k| ROLES[*k]).collect();
            let mut m2 = m1.clone();
            for (c, k) in &changes {
                m2[*c] = ROLES[*k];
            }
            let mut m3 = m2.clone();
            for (c, k) in &more {
                m3[*c] = ROLES[*k];
            }
            let old = build_table(&raw, None);
            let mut t = rebuild_table(&raw, Some(&m1), &old).0;
            prop_assert_eq!(format!("{t:?}"), format!("{:?}", build_table(&raw, Some(&m1))));
            for m in [&m2, &m3, &m1] {
                let next = rebuild_table(&raw, Some(m), &t).0;
                prop_assert_eq!(format!("{next:?}"), format!("{:?}", build_table(&raw, Some(m))));
                t = next;
            }
            let back = rebuild_table(&raw, None, &t).0;
            prop_assert_eq!(format!("{back:?}"), format!("{:?}", build_table(&raw, None)));
        }

        /// Two columns of one header: issues cannot be told apart by header, so a rebuild
        /// reads everything again and still gives the fresh table.
        #[test]
        fn a_rebuild_with_a_repeated_header_is_a_fresh_build(bad in 0usize..3) {
            let mut csv = String::from("Deal,Amount,Date,Date,Owner\n");
            for i in 0..6 {
                let created = if i == bad { "nope" } else { "2024-03-04" };
                let closed = if i == bad + 2 { "13/13/2024" } else { "2024-05-01" };
                csv.push_str(&format!("D{i},100,{created},{closed},Ann\n"));
            }
            let raw = crate::engine::ingest::read_table("deals.csv", csv.as_bytes()).unwrap();
            let m1 = [Some(Role::Name), Some(Role::Amount), Some(Role::CreatedAt), Some(Role::ClosedAt), Some(Role::Owner)];
            let m2 = [Some(Role::Name), Some(Role::Amount), Some(Role::ClosedAt), Some(Role::CreatedAt), None];
            let m3 = [Some(Role::Name), Some(Role::Amount), Some(Role::CreatedAt), Some(Role::ClosedAt), None];
            for m in [&m2, &m3] {
                let old = build_table(&raw, Some(&m1));
                let t = rebuild_table(&raw, Some(m), &old).0;
                prop_assert_eq!(format!("{t:?}"), format!("{:?}", build_table(&raw, Some(m))));
            }
        }

        /// A coded column interns to the numbers and names its cells give one by one.
        #[test]
        fn coded_columns_intern_as_their_cells_do(
            cells in proptest::collection::vec(prop_oneof![
                Just(""), Just("Ann"), Just("Bob"), Just(" Bob "), Just("李四"), Just("Cy")
            ], 0..60),
            keep_seed in any::<u64>(),
        ) {
            let mut col = TextColumn::default();
            for c in &cells {
                col.push(c);
            }
            let keep: Vec<bool> = (0..cells.len()).map(|i| (keep_seed >> (i % 64)) & 1 == 1).collect();
            prop_assert!(col.codes().is_some());
            let coded = Interned::from_column(&col, Some(&keep));
            let by_cells = Interned::from_cells(col.iter(), Some(&keep));
            let every = Interned::from_cells(col.iter(), Some(&vec![true; cells.len()]));
            let coded_every = Interned::from_column(&col, None);
            col.uncode();
            prop_assert!(col.codes().is_none());
            let plain = Interned::from_column(&col, Some(&keep));
            let plain_every = Interned::from_column(&col, None);
            prop_assert_eq!((&coded.ids, &coded.names), (&by_cells.ids, &by_cells.names));
            prop_assert_eq!((&coded.ids, &coded.names), (&plain.ids, &plain.names));
            prop_assert_eq!((&coded_every.ids, &coded_every.names), (&every.ids, &every.names));
            prop_assert_eq!((&plain_every.ids, &plain_every.names), (&every.ids, &every.names));
        }

        /// Typing a column in one pass, coded or plain, with or without a date or number
        /// role, gives the type cell-by-cell typing gives (with a date or number role, of the
        /// cells not text when those are at most one in fifty), and the values it keeps are
        /// those the date and amount readers would read.
        #[test]
        fn one_pass_typing_types_and_reads_as_cell_by_cell(
            picks in proptest::collection::vec((0usize..8, 0usize..100), 0..160),
            pool in 0usize..4,
            role in prop_oneof![Just(None), Just(Some(Role::CreatedAt)), Just(Some(Role::Amount)), Just(Some(Role::Quantity))],
            coded: bool,
        ) {
            // Mostly cells of one shape, with now and then one of another.
            const POOLS: [[&str; 8]; 4] = [
                ["", "2024-02-29", "2023-02-29", "2024-01-05 13:45", "2024/01/05",
                 "2024-01-05T10:00:00Z", "2024-01-05 24:00", "3/4/2024"],
                ["", "12", "0012", "7", "12345678901234567", "999999999999999", "0", "40"],
                ["", "-8.5", "1234.567", "-0", "12.", ".5", "3", "-12"],
                ["1,234.5", "$5", "12,5", "abc", "N/A", "1e3", "-", "1.2.3"],
            ];
            let cells: Vec<&str> = picks
                .iter()
                .map(|(k, odd)| if *odd < 3 { POOLS[(pool + 1) % 4][*k] } else { POOLS[pool][*k] })
                .collect();
            let mut col = TextColumn::default();
            for c in &cells {
                col.push(c);
            }
            if !coded {
                col.uncode();
            }
            let (t, prepared) = type_column(&col, role);
            let text = cells.iter().filter(|c| cell_type(c) == ValueType::Text).count();
            let filled = cells.iter().filter(|c| !c.is_empty()).count();
            let want = if role.is_some() && text > 0 && text <= filled / 50 {
                infer_type(cells.iter().copied().filter(|c| cell_type(c) != ValueType::Text))
            } else {
                infer_type(cells.iter().copied())
            };
            prop_assert_eq!(t, want);
            match (&prepared, role) {
                (None, _) | (Some(Prepared::Minutes(_)), Some(Role::CreatedAt)) => {}
                (Some(Prepared::Amounts(_)), Some(Role::Amount | Role::Quantity)) => {}
                _ => prop_assert!(false, "values kept for the wrong role: {:?}", role),
            }
            match prepared {
                Some(Prepared::Minutes(m)) => {
                    let order = DateOrder::Ymd;
                    let want: Vec<_> = cells
                        .iter()
                        .map(|c| parse_date(c).and_then(|d| d.resolve(order)))
                        .collect();
                    prop_assert_eq!(&m, &want);
                    // Nothing to report: every cell is a date or empty.
                    prop_assert!(m.iter().zip(&cells).all(|(v, c)| v.is_some() || c.is_empty()));
                    prop_assert_eq!(decide_order(&cells.iter().map(|c| parse_date(c)).collect::<Vec<_>>()), (order, OrderEvidence::YearFirst));
                }
                Some(Prepared::Dates(_)) => prop_assert!(false, "typing keeps ISO dates as minutes"),
                Some(Prepared::Amounts(a)) => {
                    prop_assert_eq!(DecimalMark::decide(cells.iter().copied()), DecimalMark::Dot);
                    let want: Vec<_> = cells.iter().map(|c| parse_amount(c, DecimalMark::Dot)).collect();
                    prop_assert_eq!(&a, &want);
                    // Nothing to report: every cell is a number or empty.
                    prop_assert!(a.iter().zip(&cells).all(|(v, c)| v.is_some() || c.is_empty()));
                }
                None => {}
            }
        }
    }
}
