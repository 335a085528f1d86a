//! The page's own channel to the engine's worker, instead of a worker library's bridge: the
//! page must be able to stop the worker (cancel terminates it), and the worker must be able to
//! post progress from inside a long read. Messages are bincode bytes in a transferred
//! `ArrayBuffer`. Files go beside a request as `Blob`s: the browser passes a `Blob` by
//! reference, so a file's bytes are not copied on the way, and the worker reads them.

use crate::web::worker::{Request, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// A value as bytes in a fresh `Uint8Array`, ready to transfer.
pub fn encode<T: Serialize>(value: &T) -> Option<js_sys::Uint8Array> {
    let bytes = bincode::serialize(value).ok()?;
    Some(js_sys::Uint8Array::from(bytes.as_slice()))
}

/// A value from a message's bytes; `None` for anything else.
pub fn decode<T: DeserializeOwned>(data: &JsValue) -> Option<T> {
    let array = data.dyn_ref::<js_sys::Uint8Array>()?;
    bincode::deserialize(&array.to_vec()).ok()
}

/// A value and the `Blob`s sent with it (a message of `[bytes, blob, …]`, see
/// [`EngineWorker::send_with`]), or a value alone.
pub fn decode_with_blobs<T: DeserializeOwned>(data: &JsValue) -> Option<(T, Vec<web_sys::Blob>)> {
    let Some(parts) = data.dyn_ref::<js_sys::Array>() else {
        return Some((decode(data)?, Vec::new()));
    };
    let value = decode(&parts.get(0))?;
    let blobs = parts
        .iter()
        .skip(1)
        .filter_map(|b| b.dyn_into::<web_sys::Blob>().ok())
        .collect();
    Some((value, blobs))
}

/// Free the memory of a message's bytes now, not when the garbage collector next runs
/// (`ArrayBuffer.prototype.transfer` to no bytes detaches them): for large ones unpacked in
/// the middle of a long computation.
pub fn release(array: &JsValue) {
    let Some(array) = array.dyn_ref::<js_sys::Uint8Array>() else {
        return;
    };
    let buffer = array.buffer();
    if let Ok(transfer) = js_sys::Reflect::get(&buffer, &"transfer".into()) {
        if let Some(f) = transfer.dyn_ref::<js_sys::Function>() {
            let _ = f.call1(&buffer, &0.into());
        }
    }
}

/// The transfer list that moves `array`'s buffer to the other side.
pub fn transfer(array: &js_sys::Uint8Array) -> js_sys::Array {
    js_sys::Array::of1(&array.buffer())
}

/// The engine's worker as the page sees it. Requests sent before the worker has started are
/// kept and sent when it says it is ready. Dropping it terminates the worker at once, whatever
/// it is doing.
pub struct EngineWorker {
    worker: web_sys::Worker,
    ready: Rc<Cell<bool>>,
    queue: Queue,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

/// Requests (with their files) waiting for the worker to start.
type Queue = Rc<RefCell<Vec<(Request, Vec<web_sys::Blob>)>>>;

fn post(worker: &web_sys::Worker, req: &Request, blobs: &[web_sys::Blob]) {
    let Some(a) = encode(req) else { return };
    // A refused message (the worker is gone) is dropped; the page shows no answer.
    if blobs.is_empty() {
        let _ = worker.post_message_with_transfer(&a, &transfer(&a));
    } else {
        let parts = js_sys::Array::of1(&a);
        for b in blobs {
            parts.push(b);
        }
        let _ = worker.post_message_with_transfer(&parts, &transfer(&a));
    }
}

impl EngineWorker {
    pub fn spawn(
        url: &str,
        on_response: impl Fn(Response) + 'static,
    ) -> Result<EngineWorker, JsValue> {
        let worker = web_sys::Worker::new(url)?;
        let ready = Rc::new(Cell::new(false));
        let queue: Queue = Rc::new(RefCell::new(Vec::new()));
        let on_message = {
            let (ready, queue, worker) = (ready.clone(), queue.clone(), worker.clone());
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                match decode::<Response>(&e.data()) {
                    Some(Response::Ready) => {
                        ready.set(true);
                        for (req, blobs) in queue.borrow_mut().drain(..) {
                            post(&worker, &req, &blobs);
                        }
                    }
                    Some(resp) => on_response(resp),
                    None => {}
                }
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Ok(EngineWorker {
            worker,
            ready,
            queue,
            _on_message: on_message,
        })
    }

    pub fn send(&self, req: Request) {
        self.send_with(req, Vec::new());
    }

    /// Send a request with the files it names, in its order.
    pub fn send_with(&self, req: Request, blobs: Vec<web_sys::Blob>) {
        if self.ready.get() {
            post(&self.worker, &req, &blobs);
        } else {
            self.queue.borrow_mut().push((req, blobs));
        }
    }
}

impl Drop for EngineWorker {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.terminate();
    }
}
