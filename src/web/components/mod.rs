//! One component per file; each gets props and reports through `on…` callbacks.

pub mod breakdowns;
pub mod controls;
pub mod data_input;
pub mod header;
pub mod inputs;
pub mod issues;
pub mod kpi_cards;
pub mod mapping;
pub mod reps;
pub mod share;
pub mod summary;
pub mod warnings;
