//! The JavaScript API (an ES module built with wasm-bindgen, shipped as `api/crm_kpi.js`):
//! [`analyze`], [`recommend`], [`catalogue`] for programs, and [`bench_kpis`] for the shared
//! benchmark's plug. Every result is plain JSON data (objects, arrays, numbers, strings).

use crate::engine::catalogue::{self, Goal, Input, Stage, CATALOGUE};
use crate::engine::ingest::{self, NativeCodecs};
use crate::engine::recommend::Availability;
use crate::engine::sorted_map::SortedMap;
use crate::engine::{analyze as run, Inputs, Options, Period, Role, TableKind};
use crate::i18n::Lang;
use crate::web::host::{file_bytes, named_files};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    // Plain objects and numbers (no Map, no BigInt), as JSON would give.
    let ser = serde_wasm_bindgen::Serializer::json_compatible();
    value
        .serialize(&ser)
        .map_err(|e| JsError::new(&e.to_string()))
}

/// The options a program passes to [`analyze`]; every field may be left out.
#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct ApiOptions {
    stage: Option<String>,
    goals: Option<Vec<String>>,
    period: Option<String>,
    lang: Option<String>,
    kpis: Vec<String>,
    targets: SortedMap<String, f64>,
    inputs: Inputs,
    review: Option<bool>,
    today: Option<String>,
}

fn lang_of(tag: Option<&str>) -> Result<Lang, JsError> {
    match tag {
        None | Some("en") => Ok(Lang::En),
        Some("zh") => Ok(Lang::Zh),
        Some(other) => Err(JsError::new(&format!(
            "lang {other:?}: use \"en\" or \"zh\""
        ))),
    }
}

fn stage_of(id: &str) -> Result<Stage, JsError> {
    Stage::from_id(id).ok_or_else(|| {
        JsError::new(&format!(
            "stage {id:?}: use one of startup, expansion, mature, small"
        ))
    })
}

fn goals_of(ids: &[String]) -> Result<Vec<Goal>, JsError> {
    let mut goals = ids
        .iter()
        .map(|id| {
            Goal::from_id(id).ok_or_else(|| {
                let all: Vec<&str> = Goal::ALL.iter().map(|g| g.id()).collect();
                JsError::new(&format!("goal {id:?}: use one of {}", all.join(", ")))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    goals.sort();
    goals.dedup();
    Ok(goals)
}

fn options_of(value: JsValue) -> Result<Options, JsError> {
    let o: ApiOptions = if value.is_undefined() || value.is_null() {
        ApiOptions::default()
    } else {
        serde_wasm_bindgen::from_value(value).map_err(|e| JsError::new(&format!("options: {e}")))?
    };
    let mut opts = Options {
        lang: lang_of(o.lang.as_deref())?,
        kpis: o.kpis,
        targets: o.targets,
        inputs: o.inputs,
        review: o.review.unwrap_or(true),
        today: o.today,
        ..Options::default()
    };
    if let Some(s) = &o.stage {
        opts.stage = stage_of(s)?;
    }
    if let Some(g) = &o.goals {
        opts.goals = goals_of(g)?;
    }
    if let Some(p) = &o.period {
        opts.period = Period::parse(p).ok_or_else(|| {
            JsError::new(&format!(
                "period {p:?}: use all, 2024, 2024-Q3, 2024-07 or 2024-01-01..2024-03-31"
            ))
        })?;
    }
    Ok(opts)
}

/// The files in `input`: CSV/TSV text, the bytes of one file (`Uint8Array` or `ArrayBuffer`,
/// any encoding or an Excel workbook), or an array of `{ name, data }` with either.
fn files_of(input: &JsValue) -> Result<Vec<(String, Vec<u8>)>, JsError> {
    if let Some(bytes) = file_bytes(input) {
        return Ok(vec![("data.csv".into(), bytes)]);
    }
    named_files(input, "input").map_err(|e| {
        JsError::new(&format!(
            "{e} (or pass text, a Uint8Array or an ArrayBuffer for one file)"
        ))
    })
}

/// The full report for the files in `input` with `options` (`stage`, `goals`, `period`,
/// `lang`, `kpis`, `targets`, `inputs`, `review`, `today`), as plain JSON data. Files that
/// cannot be read are in the report's `errors`, rows that cannot be used in each table's
/// `issues`; only bad options throw.
#[wasm_bindgen]
pub fn analyze(input: JsValue, options: JsValue) -> Result<JsValue, JsError> {
    let opts = options_of(options)?;
    let files = files_of(&input)?;
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    to_js(&run(&refs, &opts))
}

/// The recommended KPI set for a stage and goals, each pick saying whether data with the
/// given column roles could compute it. `roles` lists `kind.role` (`deals.amount`,
/// `orders.closed_at`) or a bare role for the deals table (`amount`); the ids are those of the
/// report's column mapping.
#[wasm_bindgen]
pub fn recommend(
    stage: &str,
    goals: Vec<String>,
    roles: Vec<String>,
    lang: Option<String>,
) -> Result<JsValue, JsError> {
    let lang = lang_of(lang.as_deref())?;
    let mut avail = Availability {
        comparison: true,
        ..Availability::default()
    };
    for r in &roles {
        let (kind, role) = match r.split_once('.') {
            Some((k, r)) => (k, r),
            None => ("deals", r.as_str()),
        };
        let kind = [
            TableKind::Deals,
            TableKind::Leads,
            TableKind::Customers,
            TableKind::Orders,
            TableKind::Activities,
            TableKind::Tickets,
            TableKind::Surveys,
            TableKind::Spend,
            TableKind::Users,
        ]
        .into_iter()
        .find(|k| k.id() == kind)
        .ok_or_else(|| JsError::new(&format!("role {r:?}: unknown table kind {kind:?}")))?;
        let role = Role::from_id(role)
            .ok_or_else(|| JsError::new(&format!("role {r:?}: unknown role")))?;
        avail.columns.push((kind, role));
        // As for loaded data: a deal's outcome is read from its stage or its won/closed flags.
        if kind == TableKind::Deals
            && matches!(role, Role::Stage | Role::WonFlag | Role::ClosedFlag)
        {
            avail.columns.push((kind, Role::Status));
        }
    }
    // Figures a user types in are assumed given: the answer is about the data.
    avail.inputs.extend(Input::ALL);
    let set =
        crate::engine::recommend::recommend(stage_of(stage)?, &goals_of(&goals)?, &avail, lang);
    to_js(&set)
}

#[derive(Serialize)]
struct CatalogueEntry {
    id: &'static str,
    name: &'static str,
    category: catalogue::Category,
    tier: catalogue::Tier,
    unit: catalogue::Unit,
    direction: catalogue::Direction,
    formula: &'static str,
    /// Any one of these lists of needs makes the KPI computable.
    requires: Vec<Vec<String>>,
    /// Goals and stages that name the KPI.
    goals: Vec<&'static str>,
    stages: Vec<&'static str>,
}

/// Every KPI of the catalogue with its formula and what it needs, in `lang` (`en`, `zh`).
#[wasm_bindgen]
pub fn catalogue(lang: Option<String>) -> Result<JsValue, JsError> {
    let lang = lang_of(lang.as_deref())?;
    let entries: Vec<CatalogueEntry> = CATALOGUE
        .iter()
        .map(|d| CatalogueEntry {
            id: d.id,
            name: d.name(lang),
            category: d.category,
            tier: d.tier,
            unit: d.unit,
            direction: d.direction,
            formula: d.formula(lang),
            requires: d
                .requires
                .iter()
                .map(|alt| alt.iter().map(|n| n.label(lang)).collect())
                .collect(),
            goals: Goal::ALL
                .iter()
                .filter(|g| g.kpis().contains(&d.id))
                .map(|g| g.id())
                .collect(),
            stages: Stage::ALL
                .iter()
                .filter(|s| s.kpis().contains(&d.id))
                .map(|s| s.id())
                .collect(),
        })
        .collect();
    to_js(&entries)
}

/// The version of the calculator.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").into()
}

/// A JS `Uint8Array` copied into wasm a slice at a time, as the page's worker reads a file:
/// the engine never holds a second whole copy of it.
struct ArrayChunks {
    array: js_sys::Uint8Array,
    at: u32,
}

impl crate::engine::ingest::Chunks for ArrayChunks {
    fn size(&self) -> u64 {
        u64::from(self.array.length())
    }

    fn read_into(&mut self, buf: &mut Vec<u8>) -> Result<bool, crate::engine::Error> {
        const SLICE: u32 = 8 << 20;
        let len = self.array.length();
        if self.at >= len {
            return Ok(false);
        }
        let end = self.at.saturating_add(SLICE).min(len);
        crate::web::worker::append(buf, &self.array.subarray(self.at, end));
        self.at = end;
        Ok(true)
    }
}

/// The bench spec's report options: the whole range's figures, no comparison periods, no
/// trends.
fn bench_options() -> Options {
    Options {
        review: false,
        ..Options::default()
    }
}

/// A workbook holding the one file read (or its error).
fn bench_workbook(
    read: Result<ingest::RawTable, crate::engine::Error>,
) -> Result<crate::engine::Workbook, JsError> {
    let mut wb = crate::engine::Workbook::new();
    match wb.add_read(BENCH_FILE, read) {
        Ok(()) => Ok(wb),
        Err(e) => Err(JsError::new(&e.message(Lang::En))),
    }
}

/// The bench spec's result for a workbook holding the one file read (or its error).
fn bench_result(read: Result<ingest::RawTable, crate::engine::Error>) -> Result<JsValue, JsError> {
    let wb = bench_workbook(read)?;
    to_js(&crate::bench_spec::spec_result(
        &wb.report(&bench_options()),
    ))
}

const BENCH_FILE: &str = "bench.csv";

/// The KPIs of `../shared/bench/KPI_SPEC.md` for one deals CSV, read the way the page reads
/// a file (in slices, [`crate::engine::ingest::read_table_streamed`]).
#[wasm_bindgen]
pub fn bench_kpis(bytes: js_sys::Uint8Array) -> Result<JsValue, JsError> {
    bench_result(bench_read(bytes))
}

/// The bench's whole file read into columns, a slice at a time.
fn bench_read(bytes: js_sys::Uint8Array) -> Result<ingest::RawTable, crate::engine::Error> {
    let mut chunks = ArrayChunks {
        array: bytes,
        at: 0,
    };
    ingest::read_table_streamed(BENCH_FILE, &mut chunks, &Default::default(), &NativeCodecs)
}

/// The page's or worker's `performance.now()`, in milliseconds (`Date.now()` where there is
/// none).
fn now() -> f64 {
    let global = js_sys::global();
    js_sys::Reflect::get(&global, &JsValue::from_str("performance"))
        .ok()
        .and_then(|perf| {
            let now = js_sys::Reflect::get(&perf, &JsValue::from_str("now")).ok()?;
            now.dyn_into::<js_sys::Function>()
                .ok()?
                .call0(&perf)
                .ok()?
                .as_f64()
        })
        .unwrap_or_else(js_sys::Date::now)
}

/// [`bench_kpis`] step by step, for `bench/ab.sh`: how many milliseconds reading the bytes
/// into columns, typing them, the report and its conversion to the bench's result took. A
/// change to one step shows in that step's time, where the whole run's noise can hide it.
#[wasm_bindgen]
pub fn bench_kpis_steps(bytes: js_sys::Uint8Array) -> Result<Vec<f64>, JsError> {
    let t0 = now();
    let read = bench_read(bytes);
    let t1 = now();
    let wb = bench_workbook(read)?;
    let t2 = now();
    let report = wb.report(&bench_options());
    let t3 = now();
    to_js(&crate::bench_spec::spec_result(&report))?;
    let t4 = now();
    Ok(vec![t1 - t0, t2 - t1, t3 - t2, t4 - t3])
}

/// A workbook [`bench_hold`] loaded, the meaning detected for each column of its table and
/// the options its reports are made with.
struct Held {
    workbook: crate::engine::Workbook,
    detected: Vec<Option<Role>>,
    opts: Options,
}

thread_local! {
    /// The workbook [`bench_hold`] loaded, for [`bench_remap`].
    static HELD: std::cell::RefCell<Option<Held>> = Default::default();
}

/// Load the bench's file and answer for `period` (the whole range by default; `2025-03`, a
/// month, answered after the whole range) with its review and a day for today, as the page
/// does once a file is loaded, and keep the workbook for [`bench_remap`] (`bench/profile.sh`
/// with `ROLE=`).
#[wasm_bindgen]
pub fn bench_hold(bytes: js_sys::Uint8Array, period: Option<String>) -> Result<(), JsError> {
    let period = match period {
        Some(p) => Period::parse(&p).ok_or_else(|| JsError::new(&format!("no period {p}")))?,
        None => Period::All,
    };
    let opts = Options {
        period,
        today: Some(crate::bench_spec::PROFILE_TODAY.into()),
        ..Options::default()
    };
    let workbook = bench_workbook(bench_read(bytes))?;
    // The page's load answers for the whole range first, then for the month it opens on.
    if period != Period::All {
        let _ = workbook.report(&Options {
            period: Period::All,
            ..opts.clone()
        });
    }
    let _ = workbook.report(&opts);
    let detected = workbook
        .tables()
        .first()
        .map(|t| t.columns.iter().map(|c| c.role).collect())
        .unwrap_or_default();
    HELD.with(|h| {
        *h.borrow_mut() = Some(Held {
            workbook,
            detected,
            opts,
        })
    });
    Ok(())
}

/// The held workbook's columns of the roles `unused` (ids such as `stage`) left unused and
/// the others given their detected roles, and the report with its review, as the page's
/// worker makes them: how many milliseconds that took.
#[wasm_bindgen]
pub fn bench_remap(unused: Vec<String>) -> Result<f64, JsError> {
    HELD.with(|h| {
        let mut held = h.borrow_mut();
        let held = held
            .as_mut()
            .ok_or_else(|| JsError::new("no workbook held"))?;
        let mapping: Vec<Option<Role>> = held
            .detected
            .iter()
            .map(|r| r.filter(|r| !unused.iter().any(|u| u == r.id())))
            .collect();
        let t0 = now();
        held.workbook.remap(0, Some(&mapping));
        let _ = held.workbook.report(&held.opts);
        Ok(now() - t0)
    })
}

/// The size from which a file is read in two parts ([`ingest::SPLIT_BYTES`]), for the
/// bench's plug to tell before it copies the second part's bytes.
#[wasm_bindgen]
pub fn bench_split_bytes() -> f64 {
    ingest::SPLIT_BYTES as f64
}

/// How the bench's file of `size` bytes is read in two parts (see [`ingest::plan_split`]):
/// `head` is its start, `start` the first line start after its middle.
fn bench_split(head: &[u8], size: f64, start: f64) -> Option<ingest::Split> {
    ingest::plan_split(
        head,
        size as u64,
        start as u64,
        &Default::default(),
        &NativeCodecs,
    )
}

/// A first part read by [`bench_first_part`], waiting for the second part's rows.
#[wasm_bindgen]
pub struct FirstPart(Result<(ingest::RawTable, Option<u64>), crate::engine::Error>);

/// The first part of the bench's file (the whole file in `bytes`), for a worker of the
/// bench's plug while another reads the second part from `start` on.
#[wasm_bindgen]
pub fn bench_first_part(bytes: js_sys::Uint8Array, start: f64) -> FirstPart {
    let size = f64::from(bytes.length());
    let head = bytes.subarray(0, bytes.length().min(64 * 1024)).to_vec();
    let mut chunks = ArrayChunks {
        array: bytes,
        at: 0,
    };
    let read = Default::default();
    FirstPart(match bench_split(&head, size, start) {
        Some(split) => {
            ingest::read_table_first_part(BENCH_FILE, &mut chunks, &read, &NativeCodecs, &split)
        }
        None => ingest::read_table_streamed(BENCH_FILE, &mut chunks, &read, &NativeCodecs)
            .map(|t| (t, None)),
    })
}

/// The second part of the bench's file (`bytes`, its bytes from `start` on; `head`, its
/// first bytes; `size`, the whole file's) as bincode bytes for [`bench_join_kpis`]; empty
/// when the file is not read in two parts.
#[wasm_bindgen]
pub fn bench_second_part(head: &[u8], bytes: js_sys::Uint8Array, size: f64, start: f64) -> Vec<u8> {
    let Some(split) = bench_split(head, size, start) else {
        return Vec::new();
    };
    let mut chunks = ArrayChunks {
        array: bytes,
        at: 0,
    };
    let part = ingest::read_table_second_part(BENCH_FILE, &mut chunks, &split, &NativeCodecs);
    bincode::serialize(&part).unwrap_or_default()
}

/// The bench spec's KPIs of a file read in two parts: the first part and the second's bytes
/// (none when the file was not split: the first part then read it all).
#[wasm_bindgen]
pub fn bench_join_kpis(first: FirstPart, second: &[u8]) -> Result<JsValue, JsError> {
    let second: Result<ingest::RawTable, crate::engine::Error> = if second.is_empty() {
        Err(crate::engine::Error::Empty {
            file: BENCH_FILE.into(),
        })
    } else {
        bincode::deserialize(second).map_err(|e| JsError::new(&format!("the second part: {e}")))?
    };
    bench_result(ingest::join_parts(first.0, second))
}
