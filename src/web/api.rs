//! The JavaScript API of the module (wasm-bindgen). The shared benchmark's plug calls
//! [`bench_kpis`]; [`analyze_csv`] returns the full report for programs.

use crate::engine::{analyze, Options};
use serde::Serialize;
use wasm_bindgen::prelude::*;

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    // Plain objects and numbers (no Map, no BigInt), as JSON would give.
    let ser = serde_wasm_bindgen::Serializer::json_compatible();
    value
        .serialize(&ser)
        .map_err(|e| JsError::new(&e.to_string()))
}

/// The KPIs of `../shared/bench/KPI_SPEC.md` for one deals CSV.
#[wasm_bindgen]
pub fn bench_kpis(bytes: &[u8]) -> Result<JsValue, JsError> {
    // The spec asks for the whole range's figures: no comparison periods, no trends.
    let opts = Options {
        review: false,
        ..Options::default()
    };
    let report = analyze(&[("bench.csv", bytes)], &opts);
    if let Some(e) = report.errors.first() {
        return Err(JsError::new(&e.message));
    }
    to_js(&crate::bench_spec::spec_result(&report))
}

/// The full report for one file, with the default options (startup, grow revenue, whole range).
#[wasm_bindgen]
pub fn analyze_csv(name: &str, bytes: &[u8]) -> Result<JsValue, JsError> {
    to_js(&analyze(&[(name, bytes)], &Options::default()))
}
