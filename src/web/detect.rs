//! The encoding detector's worker: chardetng (and the encoding_rs tables it checks against),
//! about 160 KB gzipped, fetched only when a loaded file is not UTF-8.

use crate::engine::ingest::guess_encoding;
use crate::web::worker::Sample;
use gloo_worker::{HandlerId, Worker, WorkerScope};

pub struct Detector;

impl Worker for Detector {
    type Message = ();
    type Input = Sample;
    /// The file index and the WHATWG name of the encoding.
    type Output = (usize, String);

    fn create(_scope: &WorkerScope<Self>) -> Self {
        Detector
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, _msg: ()) {}

    fn received(&mut self, scope: &WorkerScope<Self>, s: Sample, id: HandlerId) {
        let name = guess_encoding(&s.bytes, s.whole_file).name().to_string();
        scope.respond(id, (s.file, name));
    }
}
