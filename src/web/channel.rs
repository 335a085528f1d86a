//! The page's own channel to the engine's worker, instead of a worker library's bridge: the
//! page must be able to stop the worker (cancel terminates it), and the worker must be able to
//! post progress from inside a long read. Messages are bincode bytes in a transferred
//! `ArrayBuffer`, so a file's bytes are moved to the worker, not copied.

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
    queue: Rc<RefCell<Vec<Request>>>,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

fn post(worker: &web_sys::Worker, req: &Request) {
    if let Some(a) = encode(req) {
        // A refused message (the worker is gone) is dropped; the page shows no answer.
        let _ = worker.post_message_with_transfer(&a, &transfer(&a));
    }
}

impl EngineWorker {
    pub fn spawn(
        url: &str,
        on_response: impl Fn(Response) + 'static,
    ) -> Result<EngineWorker, JsValue> {
        let worker = web_sys::Worker::new(url)?;
        let ready = Rc::new(Cell::new(false));
        let queue: Rc<RefCell<Vec<Request>>> = Rc::new(RefCell::new(Vec::new()));
        let on_message = {
            let (ready, queue, worker) = (ready.clone(), queue.clone(), worker.clone());
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                match decode::<Response>(&e.data()) {
                    Some(Response::Ready) => {
                        ready.set(true);
                        for req in queue.borrow_mut().drain(..) {
                            post(&worker, &req);
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
        if self.ready.get() {
            post(&self.worker, &req);
        } else {
            self.queue.borrow_mut().push(req);
        }
    }
}

impl Drop for EngineWorker {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.terminate();
    }
}
