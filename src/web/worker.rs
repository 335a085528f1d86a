//! The Web Worker: keeps the loaded workbook and answers each message with one engine call,
//! so the page never freezes and changing an option does not read the files again. It talks
//! to the page over [`crate::web::channel`]: bincode bytes, and progress while it reads. Files
//! come as `Blob`s and are read a slice at a time, so no whole copy of one is ever made.

use crate::engine::ingest::{self, Codecs};
use crate::engine::report::Report;
use crate::engine::Role;
use crate::engine::{Options, ReadOptions, Workbook};
use crate::web::channel;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// A file to read: its bytes travel beside the request as a `Blob` (a `File` the user chose,
/// the fetched sample, pasted text), which the worker reads in slices.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct InputFile {
    pub name: String,
    /// The user's reading choices for this file (an encoding instead of the detected one).
    #[serde(default)]
    pub read: ReadOptions,
}

impl InputFile {
    pub fn new(name: impl Into<String>) -> InputFile {
        InputFile {
            name: name.into(),
            read: ReadOptions::default(),
        }
    }
}

/// How much of a file is read at a time: large enough that the slices cost nothing, small
/// enough that the worker never holds much of the file at once.
const SLICE_BYTES: f64 = 8.0 * 1024.0 * 1024.0;

/// A `Blob` read a slice at a time with the worker's synchronous `FileReaderSync`.
struct BlobChunks<'a> {
    name: &'a str,
    blob: &'a web_sys::Blob,
    at: f64,
}

impl<'a> BlobChunks<'a> {
    fn new(name: &'a str, blob: &'a web_sys::Blob) -> Self {
        BlobChunks {
            name,
            blob,
            at: 0.0,
        }
    }

    /// The next `len` bytes, appended to `buf`.
    fn read(&mut self, buf: &mut Vec<u8>, len: f64) -> Result<bool, crate::engine::Error> {
        let size = self.blob.size();
        if self.at >= size {
            return Ok(false);
        }
        let end = (self.at + len).min(size);
        let fail = |e: JsValue| crate::engine::Error::Unreadable {
            file: self.name.to_string(),
            message: js_sys::Error::from(e)
                .message()
                .as_string()
                .unwrap_or_default(),
        };
        let slice = self
            .blob
            .slice_with_f64_and_f64(self.at, end)
            .map_err(fail)?;
        let reader = web_sys::FileReaderSync::new().map_err(fail)?;
        let buffer = reader.read_as_array_buffer(&slice).map_err(fail)?;
        let array = js_sys::Uint8Array::new(&buffer);
        let old = buf.len();
        buf.resize(old + array.length() as usize, 0);
        array.copy_to(&mut buf[old..]);
        self.at = end;
        Ok(true)
    }

    /// The whole file (a workbook is read whole).
    fn all(mut self) -> Result<Vec<u8>, crate::engine::Error> {
        let mut bytes = Vec::with_capacity(self.blob.size() as usize);
        while self.read(&mut bytes, SLICE_BYTES)? {}
        Ok(bytes)
    }
}

impl ingest::Chunks for BlobChunks<'_> {
    fn size(&self) -> u64 {
        self.blob.size() as u64
    }

    fn read_into(&mut self, buf: &mut Vec<u8>) -> Result<bool, crate::engine::Error> {
        self.read(buf, SLICE_BYTES)
    }
}

/// Decoding by the browser's `TextDecoder`: the same WHATWG encodings as encoding_rs, without
/// shipping its tables. A strict pass first; a lenient one only when bytes are malformed.
struct BrowserCodecs;

impl BrowserCodecs {
    fn run(label: &str, fatal: bool, bytes: &[u8]) -> Option<String> {
        let opts = web_sys::TextDecoderOptions::new();
        opts.set_fatal(fatal);
        let decoder = web_sys::TextDecoder::new_with_label_and_options(label, &opts).ok()?;
        decoder.decode_with_u8_array(bytes).ok()
    }
}

impl Codecs for BrowserCodecs {
    fn progress(&self, rows: u64, bytes: u64, total: u64) {
        post(&Response::Progress {
            file: String::new(),
            stage: Stage::Reading { rows, bytes, total },
        });
    }

    /// Workbooks are read by the on-demand formats worker before they reach this one.
    fn spreadsheet(
        &self,
        file: &str,
        _bytes: &[u8],
        _opts: &ReadOptions,
    ) -> Result<ingest::RawTable, crate::engine::Error> {
        Err(crate::engine::Error::Spreadsheet { file: file.into() })
    }

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
        /// Compute the data's last complete month instead of `opts.period` (a fresh load
        /// that no link asked a period of): the page would ask for it next.
        last_month: bool,
    },
    /// The formats worker's answers for a load that waits on them.
    Prepared(Vec<Done>),
    /// Set one table's column roles (`None`: back to the detected ones) and recompute.
    Remap {
        table: usize,
        mapping: Option<Vec<Option<Role>>>,
        opts: Options,
    },
    /// Recompute the loaded data for other options.
    Compute(Options),
    /// Every unusable row and cell as CSV, for download.
    IssuesCsv(crate::i18n::Lang),
}

/// Work for the on-demand formats worker.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Job {
    /// Guess the encoding of a file that is not UTF-8 from a sample of it.
    Detect {
        file: usize,
        sample: Vec<u8>,
        whole_file: bool,
    },
    /// Read a sheet of a workbook.
    Workbook {
        file: usize,
        name: String,
        bytes: Vec<u8>,
        read: ReadOptions,
    },
    /// The KPI results as JSON (`export::kpis_json`): the JSON writer lives in this on-demand
    /// module, not in the page's.
    Json(Box<crate::engine::report::Report>),
}

/// The formats worker's answer to one [`Job`].
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Done {
    Detected {
        file: usize,
        encoding: String,
    },
    Workbook {
        file: usize,
        table: Box<Result<ingest::RawTable, crate::engine::Error>>,
    },
    Json(String),
}

pub use crate::engine::Progress as Stage;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Response {
    /// The worker has started and takes requests.
    Ready,
    Progress {
        file: String,
        stage: Stage,
    },
    Report {
        report: Box<Report>,
        ms: f64,
    },
    /// Some files need the formats worker; the load waits for [`Request::Prepared`].
    Prepare(Vec<Job>),
    /// A file for the user to save.
    Download {
        name: String,
        text: String,
    },
}

struct Pending {
    files: Vec<InputFile>,
    /// Each file's bytes.
    blobs: Vec<web_sys::Blob>,
    opts: Options,
    saved: Vec<SavedMapping>,
    last_month: bool,
    /// Workbooks read by the formats worker (or a file that could not be read), by file index.
    sheets: Vec<Option<Result<ingest::RawTable, crate::engine::Error>>>,
}

pub struct KpiWorker {
    workbook: Workbook,
    pending: Option<Pending>,
}

impl KpiWorker {
    fn load(&mut self, p: Pending) -> Options {
        self.workbook = Workbook::new();
        for (i, (f, sheet)) in p.files.iter().zip(p.sheets).enumerate() {
            let Some(blob) = p.blobs.get(i) else { continue };
            post(&Response::Progress {
                file: f.name.clone(),
                stage: Stage::Reading {
                    rows: 0,
                    bytes: 0,
                    total: blob.size() as u64,
                },
            });
            // A file that cannot be read is kept as an error in the report.
            let _ = match sheet {
                Some(table) => self.workbook.add_read(&f.name, table),
                None => self.workbook.add_streamed(
                    &f.name,
                    &mut BlobChunks::new(&f.name, blob),
                    &f.read,
                    &BrowserCodecs,
                ),
            };
        }
        self.workbook.apply_saved(&p.saved);
        match self.workbook.last_complete_month().filter(|_| p.last_month) {
            Some(period) => Options { period, ..p.opts },
            None => p.opts,
        }
    }

    /// What a file needs before it is read: the formats worker for a workbook (read whole,
    /// here) or for the encoding of text that is not UTF-8 (from its first MB), or nothing.
    fn prepare(
        i: usize,
        f: &InputFile,
        blob: &web_sys::Blob,
    ) -> Result<Option<Job>, crate::engine::Error> {
        let mut head = Vec::new();
        BlobChunks::new(&f.name, blob).read(&mut head, ingest::GUESS_SAMPLE as f64)?;
        if ingest::is_spreadsheet(&head) {
            if let Some(e) = ingest::too_large(&f.name, blob.size() as u64) {
                return Err(e);
            }
            return Ok(Some(Job::Workbook {
                file: i,
                name: f.name.clone(),
                bytes: BlobChunks::new(&f.name, blob).all()?,
                read: f.read.clone(),
            }));
        }
        if f.read.encoding.is_none() && ingest::needs_guess(&head) {
            let whole_file = head.len() as f64 >= blob.size();
            return Ok(Some(Job::Detect {
                file: i,
                sample: head,
                whole_file,
            }));
        }
        Ok(None)
    }
}

/// Post one answer to the page.
fn post(resp: &Response) {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    if let Some(a) = channel::encode(resp) {
        // If the page has gone, nobody is listening: nothing to do.
        let _ = scope.post_message_with_transfer(&a, &channel::transfer(&a));
    }
}

/// Start answering the page's requests (called in the worker once the module is loaded).
pub fn start() {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let mut worker = KpiWorker {
        workbook: Workbook::new(),
        pending: None,
    };
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            if let Some((req, blobs)) = channel::decode_with_blobs::<Request>(&e.data()) {
                worker.received(req, blobs);
            }
        });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    post(&Response::Ready);
}

impl KpiWorker {
    fn received(&mut self, msg: Request, blobs: Vec<web_sys::Blob>) {
        let start = js_sys::Date::now();
        let opts = match msg {
            Request::Load {
                files,
                opts,
                saved,
                last_month,
            } => {
                let mut p = Pending {
                    sheets: vec![None; files.len()],
                    files,
                    blobs,
                    opts,
                    saved,
                    last_month,
                };
                let mut jobs = Vec::new();
                for (i, f) in p.files.iter().enumerate() {
                    let Some(blob) = p.blobs.get(i) else { continue };
                    match Self::prepare(i, f, blob) {
                        Ok(Some(job)) => jobs.push(job),
                        Ok(None) => {}
                        Err(e) => p.sheets[i] = Some(Err(e)),
                    }
                }
                if !jobs.is_empty() {
                    self.pending = Some(p);
                    post(&Response::Prepare(jobs));
                    return;
                }
                self.load(p)
            }
            Request::Prepared(done) => {
                let Some(mut p) = self.pending.take() else {
                    return;
                };
                for d in done {
                    match d {
                        Done::Detected { file, encoding } => {
                            if let Some(f) = p.files.get_mut(file) {
                                f.read.encoding = Some(encoding);
                                f.read.detected = true;
                            }
                        }
                        Done::Workbook { file, table } => {
                            if let Some(slot) = p.sheets.get_mut(file) {
                                *slot = Some(*table);
                            }
                        }
                        Done::Json(_) => {}
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
            Request::IssuesCsv(lang) => {
                let name = match lang {
                    crate::i18n::Lang::En => "unusable-rows.csv",
                    crate::i18n::Lang::Zh => "无法使用的行.csv",
                };
                // A BOM, so that Excel opens the UTF-8 file with its Chinese intact.
                let text = format!("\u{feff}{}", self.workbook.issues_csv(lang));
                post(&Response::Download {
                    name: name.into(),
                    text,
                });
                return;
            }
        };
        post(&Response::Progress {
            file: String::new(),
            stage: Stage::Computing,
        });
        let report = self.workbook.report(&opts);
        post(&Response::Report {
            report: Box::new(report),
            ms: js_sys::Date::now() - start,
        });
    }
}
