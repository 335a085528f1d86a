//! The Web Worker: keeps the loaded workbook and answers each message with one engine call,
//! so the page never freezes and changing an option does not read the files again.

use crate::engine::report::Report;
use crate::engine::{Options, Workbook};
use gloo_worker::{HandlerId, Worker, WorkerScope};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct InputFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Request {
    /// Replace the loaded data with these files and compute.
    Load {
        files: Vec<InputFile>,
        opts: Options,
    },
    /// Recompute the loaded data for other options.
    Compute(Options),
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Response {
    Report { report: Box<Report>, ms: f64 },
}

pub struct KpiWorker {
    workbook: Workbook,
}

impl Worker for KpiWorker {
    type Message = ();
    type Input = Request;
    type Output = Response;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        KpiWorker {
            workbook: Workbook::new(),
        }
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, _msg: ()) {}

    fn received(&mut self, scope: &WorkerScope<Self>, msg: Request, id: HandlerId) {
        let start = js_sys::Date::now();
        let opts = match msg {
            Request::Load { files, opts } => {
                self.workbook = Workbook::new();
                for f in files {
                    // A file that cannot be read is kept as an error in the report.
                    let _ = self.workbook.add(&f.name, &f.bytes);
                }
                opts
            }
            Request::Compute(opts) => opts,
        };
        let report = self.workbook.report(&opts);
        scope.respond(
            id,
            Response::Report {
                report: Box::new(report),
                ms: js_sys::Date::now() - start,
            },
        );
    }
}
