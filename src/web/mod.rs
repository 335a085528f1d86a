//! Browser faces of the engine: the Yew app, the Web Worker that runs the engine off the main
//! thread, and the `#[wasm_bindgen]` API. No business logic lives here.

#[cfg(feature = "api")]
pub mod api;
pub mod app;
pub mod channel;
pub mod chart;
pub mod components;
pub mod formats;
pub mod host;
pub mod worker;

/// Run `f` in a task of its own, `ms` milliseconds from now (a timeout), on the page or in a
/// worker. One boxed closure type for every caller: each closure type passed to JS adds its
/// own glue to the module.
pub fn after(ms: i32, f: Box<dyn FnOnce()>) {
    use wasm_bindgen::JsCast;
    let run = wasm_bindgen::closure::Closure::once_into_js(f);
    let global = js_sys::global();
    if let Ok(set) = js_sys::Reflect::get(&global, &"setTimeout".into()) {
        if let Some(set) = set.dyn_ref::<js_sys::Function>() {
            let _ = set.call2(&global, &run, &ms.into());
        }
    }
}

/// A `blob:` address for a worker made from `script`, a few lines of JS written here (the
/// engine worker's loader, the slice reader).
pub fn script_url(script: &str) -> Option<String> {
    let parts = js_sys::Array::of1(&script.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/javascript");
    web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .and_then(|b| web_sys::Url::create_object_url_with_blob(&b))
        .ok()
}
