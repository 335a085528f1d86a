//! crm-kpi: a CRM KPI calculator that runs entirely in the browser.
//!
//! [`engine`] is the pure library (bytes in, report out); [`i18n`] holds every string a
//! person reads in English and Simplified Chinese; `web` (cargo feature `web`) holds the Yew
//! app, the Web Worker and the JS API, and contains no business logic.

pub mod bench_spec;
pub mod config;
pub mod engine;
pub mod format;
pub mod i18n;
pub mod sample;
pub mod state;

#[cfg(feature = "web")]
pub mod web;
