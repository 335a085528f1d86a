//! The Web Worker binary (Trunk `data-type="worker"`).

use gloo_worker::Registrable;

fn main() {
    crm_kpi::web::worker::KpiWorker::registrar().register();
}
