//! The encoding detector's Web Worker binary (Trunk `data-type="worker"`), loaded on demand.

use gloo_worker::Registrable;

fn main() {
    crm_kpi::web::detect::Detector::registrar().register();
}
