//! The page binary (Trunk `data-type="main"`). The same module is the engine's Web Worker:
//! in a worker there is no window, so `main` draws nothing and the worker's loader calls
//! [`start_worker`]. Loaded by `embed.js` on a host's page, it draws nothing either until the
//! host's elements are handed to [`mount`].

use crm_kpi::config::PageConfig;
use crm_kpi::web::app::{App, AppProps};
use crm_kpi::web::host::{self, Mode};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

fn main() {
    if web_sys::window().is_none() || host::manual_mount() {
        return;
    }
    let config = host::page_config();
    let mode = if config.compact {
        Mode::Frame
    } else {
        Mode::Page
    };
    yew::Renderer::<App>::with_props(AppProps {
        config: Rc::new(config),
        mode,
    })
    .render();
}

/// Called by the worker's loader once the module is initialised inside the worker.
#[wasm_bindgen]
pub fn start_worker() {
    crm_kpi::web::worker::start();
}

/// Draw the calculator into `root` (an element of a host's page, or of its shadow root) with
/// the settings in `config` (the embed page's URL parameters as a query string). A shared
/// link's fragment in the host page's address is applied on top.
#[wasm_bindgen]
pub fn mount(root: web_sys::Element, config: &str) {
    let mut text = config.to_string();
    if host::shared_fragment().is_some() {
        if let Some(hash) = web_sys::window().and_then(|w| w.location().hash().ok()) {
            text = format!("{text}&{}", hash.trim_start_matches('#'));
        }
    }
    let mut config = PageConfig::parse(&text);
    config.compact = true;
    // No messages on a host's own page: the host talks to the JS API instead.
    config.origins.clear();
    yew::Renderer::<App>::with_root_and_props(
        root,
        AppProps {
            config: Rc::new(config),
            mode: Mode::Mounted,
        },
    )
    .render();
}
