//! The Web Worker: keeps the loaded workbook and answers each message with one engine call,
//! so the page never freezes and changing an option does not read the files again.

use crate::engine::ingest::{self, Decode};
use crate::engine::report::Report;
use crate::engine::Role;
use crate::engine::{Options, ReadOptions, Workbook};
use gloo_worker::{HandlerId, Worker, WorkerScope};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct InputFile {
    pub name: String,
    pub bytes: Vec<u8>,
    /// The user's reading choices for this file (an encoding instead of the detected one).
    #[serde(default)]
    pub read: ReadOptions,
}

impl InputFile {
    pub fn new(name: impl Into<String>, bytes: Vec<u8>) -> InputFile {
        InputFile {
            name: name.into(),
            bytes,
            read: ReadOptions::default(),
        }
    }
}

/// Decoding by the browser's `TextDecoder`: the same WHATWG encodings as encoding_rs, without
/// shipping its tables. A strict pass first; a lenient one only when bytes are malformed.
struct BrowserDecode;

impl BrowserDecode {
    fn run(label: &str, fatal: bool, bytes: &[u8]) -> Option<String> {
        let opts = web_sys::TextDecoderOptions::new();
        opts.set_fatal(fatal);
        let decoder = web_sys::TextDecoder::new_with_label_and_options(label, &opts).ok()?;
        decoder.decode_with_u8_array(bytes).ok()
    }
}

impl Decode for BrowserDecode {
    /// Only reached when the page did not run the detector: GBK if the bytes are valid GBK
    /// (the commonest legacy encoding of the exports this serves), else windows-1252.
    fn guess(&self, sample: &[u8], _whole_file: bool) -> &'static encoding_rs::Encoding {
        if Self::run("gbk", true, sample).is_some() {
            encoding_rs::GBK
        } else {
            encoding_rs::WINDOWS_1252
        }
    }

    fn decode<'a>(
        &self,
        encoding: &'static encoding_rs::Encoding,
        bytes: &'a [u8],
    ) -> (Cow<'a, str>, bool) {
        let label = encoding.name();
        if let Some(text) = Self::run(label, true, bytes) {
            return (Cow::Owned(text), false);
        }
        match Self::run(label, false, bytes) {
            Some(text) => (Cow::Owned(text), true),
            // Every browser knows the WHATWG encodings; should one not, read what is UTF-8.
            None => (String::from_utf8_lossy(bytes), true),
        }
    }
}

/// A header signature and the roles the user gave its columns (`None`: not used).
pub type SavedMapping = (String, Vec<Option<Role>>);

#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Request {
    /// Replace the loaded data with these files and compute. Remembered mappings are applied
    /// to the tables whose header row they were saved for.
    Load {
        files: Vec<InputFile>,
        opts: Options,
        saved: Vec<SavedMapping>,
    },
    /// The detector's answers (file index, encoding name) for a load that waits on them.
    Encodings(Vec<(usize, String)>),
    /// Set one table's column roles (`None`: back to the detected ones) and recompute.
    Remap {
        table: usize,
        mapping: Option<Vec<Option<Role>>>,
        opts: Options,
    },
    /// Recompute the loaded data for other options.
    Compute(Options),
}

/// A sample of a file that is not UTF-8, for the encoding detector.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Sample {
    pub file: usize,
    pub bytes: Vec<u8>,
    pub whole_file: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Response {
    Report {
        report: Box<Report>,
        ms: f64,
    },
    /// Some files are not UTF-8: run the detector on these samples and answer with
    /// [`Request::Encodings`]; the load waits.
    Detect(Vec<Sample>),
}

struct Pending {
    files: Vec<InputFile>,
    opts: Options,
    saved: Vec<SavedMapping>,
}

pub struct KpiWorker {
    workbook: Workbook,
    pending: Option<Pending>,
}

impl KpiWorker {
    fn load(&mut self, p: Pending) -> Options {
        self.workbook = Workbook::new();
        for f in &p.files {
            // A file that cannot be read is kept as an error in the report.
            let _ = self
                .workbook
                .add_decoding(&f.name, &f.bytes, &f.read, &BrowserDecode);
        }
        self.workbook.apply_saved(&p.saved);
        p.opts
    }
}

impl Worker for KpiWorker {
    type Message = ();
    type Input = Request;
    type Output = Response;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        KpiWorker {
            workbook: Workbook::new(),
            pending: None,
        }
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, _msg: ()) {}

    fn received(&mut self, scope: &WorkerScope<Self>, msg: Request, id: HandlerId) {
        let start = js_sys::Date::now();
        let opts = match msg {
            Request::Load { files, opts, saved } => {
                let samples: Vec<Sample> = files
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| f.read.encoding.is_none() && ingest::needs_guess(&f.bytes))
                    .map(|(i, f)| {
                        let n = f.bytes.len().min(ingest::GUESS_SAMPLE);
                        Sample {
                            file: i,
                            bytes: f.bytes[..n].to_vec(),
                            whole_file: n == f.bytes.len(),
                        }
                    })
                    .collect();
                let p = Pending { files, opts, saved };
                if !samples.is_empty() {
                    self.pending = Some(p);
                    scope.respond(id, Response::Detect(samples));
                    return;
                }
                self.load(p)
            }
            Request::Encodings(found) => {
                let Some(mut p) = self.pending.take() else {
                    return;
                };
                for (i, name) in found {
                    if let Some(f) = p.files.get_mut(i) {
                        f.read.encoding = Some(name);
                        f.read.detected = true;
                    }
                }
                self.load(p)
            }
            Request::Remap {
                table,
                mapping,
                opts,
            } => {
                self.workbook.remap(table, mapping.as_deref());
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
