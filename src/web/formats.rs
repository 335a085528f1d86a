//! The on-demand worker for what the main worker does not carry: Firefox's encoding detector
//! (chardetng, with the encoding_rs tables it checks against), calamine for workbooks and
//! the `csv` crate's reader for texts in other dialects, about 270 KB gzipped together. The page fetches it only when a loaded file is not UTF-8
//! text, so a visitor with a CSV export never downloads it. It also writes the JSON export
//! (and the embed page's results for its host), so the page carries no JSON writer.

use crate::engine::ingest::{guess_encoding, read_table_decoding, NativeCodecs};
use crate::web::worker::{Done, Job};
use gloo_worker::{HandlerId, Worker, WorkerScope};

pub struct Formats;

impl Worker for Formats {
    type Message = ();
    type Input = Job;
    type Output = Done;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        Formats
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, _msg: ()) {}

    fn received(&mut self, scope: &WorkerScope<Self>, job: Job, id: HandlerId) {
        let done = match job {
            Job::Detect {
                file,
                sample,
                whole_file,
            } => Done::Detected {
                file,
                encoding: guess_encoding(&sample, whole_file).name().to_string(),
            },
            Job::Workbook {
                file,
                name,
                bytes,
                read,
            } => Done::Workbook {
                file,
                table: Box::new(read_table_decoding(&name, &bytes, &read, &NativeCodecs)),
            },
            Job::Json(report) => Done::Json(
                bincode::deserialize::<crate::engine::report::Report>(&report)
                    .map(|r| crate::engine::export::kpis_json(&r))
                    .unwrap_or_default(),
            ),
        };
        scope.respond(id, done);
    }
}
