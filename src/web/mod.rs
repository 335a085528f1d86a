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
