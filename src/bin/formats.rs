//! The on-demand Web Worker for legacy encodings and workbooks (Trunk `data-type="worker"`).

use gloo_worker::Registrable;

fn main() {
    crm_kpi::web::formats::Formats::registrar().register();
}
