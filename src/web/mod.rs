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
