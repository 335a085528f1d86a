//! The page binary (Trunk `data-type="main"`). The same module is the engine's Web Worker:
//! in a worker there is no window, so `main` draws nothing and the worker's loader calls
//! [`start_worker`].

use wasm_bindgen::prelude::*;

fn main() {
    if web_sys::window().is_some() {
        yew::Renderer::<crm_kpi::web::app::App>::new().render();
    }
}

/// Called by the worker's loader once the module is initialised inside the worker.
#[wasm_bindgen]
pub fn start_worker() {
    crm_kpi::web::worker::start();
}
