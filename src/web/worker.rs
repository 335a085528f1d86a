//! The Web Worker: keeps the loaded workbook and answers each message with one engine call,
//! so the page never freezes and changing an option does not read the files again. It talks
//! to the page over [`crate::web::channel`]: bincode bytes, and progress while it reads. Files
//! come as `Blob`s and are read a slice at a time, so no whole copy of one is ever made; a
//! large one's slices are read by a small worker of its own while this one puts the slice
//! before into columns ([`SLICE_READER`]).

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

/// Append the bytes of `array` to `buf`, copied straight into its spare room: growing it to
/// copy them over would first fill it with zeros, a second pass over every byte of a file.
pub(crate) fn append(buf: &mut Vec<u8>, array: &js_sys::Uint8Array) {
    let len = array.length() as usize;
    let old = buf.len();
    buf.reserve(len);
    let copied = array
        .copy_to_uninit(&mut buf.spare_capacity_mut()[..len])
        .len();
    // SAFETY: `copy_to_uninit` has written the `copied` bytes after the first `old` (it
    // panics unless its array and the room given are of one length).
    unsafe { buf.set_len(old + copied) };
}

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
        append(buf, &array);
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

/// What a slice reader runs: a worker that reads a `Blob` (its first message) a byte range
/// at a time with `FileReaderSync`, as the engine's worker asks for them (`[start, end]`),
/// and sends each slice back. The engine's worker puts one slice into its columns while the
/// next is read there: reading a slice itself, between the slices it puts in, took it about
/// a third of a large file's load.
const SLICE_READER: &str = "let b;onmessage=(e)=>{const d=e.data;if(d instanceof Blob){b=d;return}const a=new FileReaderSync().readAsArrayBuffer(b.slice(d[0],d[1]));postMessage(a,[a])}";

/// A file over this many slices is read by a slice reader; a smaller one here.
const READER_SLICES: f64 = 2.0;
/// How many slices a slice reader is asked for ahead of the one being put into columns.
const AHEAD_SLICES: f64 = 3.0;

/// A new slice reader (see [`SLICE_READER`]; its address ends with `#slices`), or `None` if
/// no worker can start here.
fn slice_reader() -> Option<web_sys::Worker> {
    thread_local! {
        static URL: std::cell::OnceCell<Option<String>> = const { std::cell::OnceCell::new() };
    }
    let url = URL.with(|u| {
        u.get_or_init(|| crate::web::script_url(SLICE_READER))
            .clone()
    })?;
    web_sys::Worker::new(&format!("{url}#slices")).ok()
}

/// A file's slices as a slice reader sends them. The first slice is read here while the
/// reader starts; without a reader (it could not start, or failed) every slice is.
struct Sent {
    name: String,
    blob: web_sys::Blob,
    reader: Option<web_sys::Worker>,
    /// Slices that came and are not read yet, in order from `at`.
    came: std::collections::VecDeque<js_sys::Uint8Array>,
    /// The next byte to read, and the first byte not asked of the reader.
    at: f64,
    asked: f64,
}

impl Sent {
    fn start(
        name: &str,
        blob: &web_sys::Blob,
        listener: &js_sys::Function,
    ) -> std::rc::Rc<std::cell::RefCell<Sent>> {
        let size = blob.size();
        let reader = (size > READER_SLICES * SLICE_BYTES)
            .then(slice_reader)
            .flatten()
            .filter(|r| r.post_message(blob).is_ok());
        if let Some(r) = &reader {
            r.set_onmessage(Some(listener));
            r.set_onerror(Some(listener));
        }
        let mut sent = Sent {
            name: name.into(),
            blob: blob.clone(),
            reader,
            came: Default::default(),
            at: 0.0,
            asked: SLICE_BYTES.min(size),
        };
        sent.ask();
        std::rc::Rc::new(std::cell::RefCell::new(sent))
    }

    /// Ask the reader for slices up to [`AHEAD_SLICES`] ahead of the next to read.
    fn ask(&mut self) {
        let size = self.blob.size();
        while self.asked < size && self.asked - self.at < AHEAD_SLICES * SLICE_BYTES {
            let end = (self.asked + SLICE_BYTES).min(size);
            let range = js_sys::Array::of2(&self.asked.into(), &end.into());
            match &self.reader {
                Some(r) if r.post_message(&range).is_ok() => self.asked = end,
                _ => return self.stop(),
            }
        }
    }

    /// No more slices from the reader: the rest is read here.
    fn stop(&mut self) {
        if let Some(r) = self.reader.take() {
            r.set_onmessage(None);
            r.set_onerror(None);
            r.terminate();
        }
    }
}

/// The engine's view of a [`Sent`] file: a slice asked of the reader that has not come yet is
/// [`crate::engine::Error::Waiting`].
struct SentChunks(std::rc::Rc<std::cell::RefCell<Sent>>);

impl ingest::Chunks for SentChunks {
    fn size(&self) -> u64 {
        self.0.borrow().blob.size() as u64
    }

    fn read_into(&mut self, buf: &mut Vec<u8>) -> Result<bool, crate::engine::Error> {
        let mut s = self.0.borrow_mut();
        if let Some(slice) = s.came.pop_front() {
            s.at += f64::from(slice.length());
            append(buf, &slice);
            s.ask();
            return Ok(true);
        }
        if s.reader.is_some() && s.at >= SLICE_BYTES && s.at < s.blob.size() {
            return Err(crate::engine::Error::Waiting);
        }
        let mut here = BlobChunks {
            name: &s.name,
            blob: &s.blob,
            at: s.at,
        };
        let more = here.read(buf, SLICE_BYTES)?;
        s.at = here.at;
        s.ask();
        Ok(more)
    }
}

/// A load reading a file as a slice reader sends it.
struct Streaming {
    load: Pending,
    read: ingest::StreamedRead<'static, BrowserCodecs>,
    sent: std::rc::Rc<std::cell::RefCell<Sent>>,
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

    /// Files in another dialect go to the formats worker before they reach this one.
    fn other_dialect(
        &self,
        file: &str,
        _text: &str,
        _layout: ingest::Layout,
        _opts: &ReadOptions,
    ) -> Result<ingest::RawTable, crate::engine::Error> {
        Err(crate::engine::Error::Unreadable {
            file: file.into(),
            message: "its CSV dialect is read by the on-demand reader, which did not run".into(),
        })
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
    /// Read a sheet of a workbook, or a text in a dialect other than the common one.
    Workbook {
        file: usize,
        name: String,
        bytes: Vec<u8>,
        read: ReadOptions,
    },
    /// The KPI results as JSON (`export::kpis_json`): the JSON writer lives in this on-demand
    /// module, not in the page's. The report goes as its bincode bytes, written from the
    /// page's shared report: no copy of it to send.
    Json(Vec<u8>),
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
    /// Not one file of a load could be read (each told from its first bytes: a PDF, an
    /// image, an archive …; or, for small files, read: no rows, a broken workbook): why, in
    /// the page's language. The data loaded before stays, and so does its report.
    Refused(String),
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
    /// The next file to read.
    next: usize,
    /// When the load was asked for (ms).
    asked: f64,
}

pub struct KpiWorker {
    workbook: Workbook,
    /// During a load of small files, the workbook from before it: put back if not one of
    /// them could be read (a CSV with a header and no rows, a broken workbook), so that the
    /// data on screen stays. Not kept for large files, whose load would hold both.
    before: Option<Workbook>,
    pending: Option<Pending>,
    /// A load reading a file as its slices come.
    streaming: Option<Streaming>,
    /// What the slice readers' messages go to ([`KpiWorker::heard`]).
    listener: js_sys::Function,
    /// Requests that came while a load waited: answered, in order, once it is done.
    queued: Vec<(Request, Vec<web_sys::Blob>)>,
    /// This worker, for its timers to reach it.
    me: std::rc::Weak<std::cell::RefCell<KpiWorker>>,
    /// The reports made ahead of need while the user reads the last answer (see
    /// [`KpiWorker::warm_later`]).
    warm: crate::engine::Warm,
    /// Loads rehearsed once the walks ahead are done, for the first file's code to be warm
    /// ([`crate::engine::Rehearsal`]).
    rehearsal: crate::engine::Rehearsal,
    /// How many requests this worker is done with: a warm-up armed before the last one is not
    /// run.
    done: u32,
    /// How many slices have come from slice readers: a reader that sends none for
    /// [`READER_PATIENCE_MS`] while a load waits for one is given up ([`KpiWorker::reader_check`]).
    slices: u32,
}

/// How long the worker waits after a request before it walks the whole range, in ms: the
/// page has drawn the answer by then, and a request that comes during the walk waits for one
/// slice of it ([`AHEAD_ROWS`]), so the walk need not wait for a run of changes to end.
const WARM_MS: i32 = 150;

/// How many rows the worker walks ahead in one task ([`KpiWorker::warm_later`]): about 5 ms
/// at 1M rows on this machine.
const AHEAD_ROWS: usize = 65_536;

/// How long a load waits for a slice reader's next slice before it reads the rest of the file
/// itself, in ms: a reader that stopped without an error event (its worker ended, say) sends
/// nothing more, and a slice takes it tens of milliseconds to read.
const READER_PATIENCE_MS: i32 = 10_000;

/// `step(worker, key)` in `ms`, in a task of its own, and again in the next task while it
/// says there is more: the walks ahead ([`KpiWorker::warm_step`], none once
/// another request is done), or a look at whether a slice reader still sends
/// ([`KpiWorker::reader_check`]).
fn tick(
    me: std::rc::Weak<std::cell::RefCell<KpiWorker>>,
    key: u32,
    ms: i32,
    step: fn(&mut KpiWorker, u32) -> bool,
) {
    crate::web::after(
        ms,
        Box::new(move || {
            let Some(w) = me.upgrade() else { return };
            let more = match w.try_borrow_mut() {
                Ok(mut w) => step(&mut w, key),
                _ => false,
            };
            if more {
                tick(me, key, 0, step);
            }
        }),
    );
}

/// A load of files this large at most keeps the workbook from before it until one of them
/// is read ([`KpiWorker::before`]).
const KEEP_BEFORE_BYTES: f64 = 16.0 * 1024.0 * 1024.0;

impl KpiWorker {
    /// Read the load's files from the next one on; `None` while one waits for slices.
    fn load(&mut self, mut p: Pending) -> Option<Options> {
        if p.next == 0 {
            let before = std::mem::replace(&mut self.workbook, Workbook::new());
            let size: f64 = p.blobs.iter().map(web_sys::Blob::size).sum();
            self.before =
                (size <= KEEP_BEFORE_BYTES && !before.tables().is_empty()).then_some(before);
        }
        while p.next < p.files.len() {
            let i = p.next;
            p.next += 1;
            let (Some(f), Some(blob)) = (p.files.get(i), p.blobs.get(i)) else {
                continue;
            };
            post(&Response::Progress {
                file: f.name.clone(),
                stage: Stage::Reading {
                    rows: 0,
                    bytes: 0,
                    total: blob.size() as u64,
                },
            });
            // A file that cannot be read is kept as an error in the report.
            if let Some(table) = p.sheets.get_mut(i).and_then(Option::take) {
                let _ = self.workbook.add_read(&f.name, table);
                continue;
            }
            let sent = Sent::start(&f.name, blob, &self.listener);
            let read = ingest::StreamedRead::new(
                &f.name,
                SentChunks(sent.clone()),
                &f.read,
                &BrowserCodecs,
            );
            self.streaming = Some(Streaming {
                load: p,
                read,
                sent,
            });
            self.read_on();
            return None;
        }
        if let Some(before) = self.before.take() {
            if self.workbook.tables().is_empty() {
                let why = self.workbook.error_messages(p.opts.lang);
                self.workbook = before;
                post(&Response::Refused(why.join(" ")));
                return None;
            }
        }
        self.workbook.apply_saved(&p.saved);
        Some(
            match self.workbook.last_complete_month().filter(|_| p.last_month) {
                Some(period) => Options { period, ..p.opts },
                None => p.opts,
            },
        )
    }

    /// A slice reader's message or error event.
    fn heard(&mut self, data: JsValue) {
        if let Some(s) = &self.streaming {
            // A slice, or an error event (the rest is then read here).
            match data.dyn_into::<js_sys::ArrayBuffer>() {
                Ok(b) => {
                    self.slices = self.slices.wrapping_add(1);
                    s.sent
                        .borrow_mut()
                        .came
                        .push_back(js_sys::Uint8Array::new(&b))
                }
                Err(_) => s.sent.borrow_mut().stop(),
            }
            self.read_on();
        }
    }

    /// Read the streaming file as far as its slices allow; once it is read, go on with the
    /// load.
    fn read_on(&mut self) {
        let Some(mut s) = self.streaming.take() else {
            return;
        };
        let Some(done) = s.read.step().transpose() else {
            if s.sent.borrow().reader.is_some() {
                tick(
                    self.me.clone(),
                    self.slices,
                    READER_PATIENCE_MS,
                    KpiWorker::reader_check,
                );
            }
            self.streaming = Some(s);
            return;
        };
        let name = {
            let mut sent = s.sent.borrow_mut();
            sent.stop();
            std::mem::take(&mut sent.name)
        };
        let _ = self.workbook.add_read(&name, done.map(|(t, _)| t));
        self.go_on(s.load);
    }

    /// [`READER_PATIENCE_MS`] after a load waited for a slice: if no slice has come since
    /// (`slices` then), the reader is given up and the rest of the file is read here.
    fn reader_check(&mut self, slices: u32) -> bool {
        let Some(s) = self.streaming.as_ref().filter(|_| self.slices == slices) else {
            return false;
        };
        let mut sent = s.sent.borrow_mut();
        if sent.reader.is_some() {
            sent.stop();
            drop(sent);
            self.read_on();
        }
        false
    }

    /// Read the load's next files, answer once it is done, and then the requests that came
    /// while it was under way.
    fn go_on(&mut self, load: Pending) {
        let asked = load.asked;
        if let Some(opts) = self.load(load) {
            self.answer(&opts, asked);
        }
        while !self.busy() && !self.queued.is_empty() {
            let (req, blobs) = self.queued.remove(0);
            self.received(req, blobs);
        }
    }

    /// A load is under way (waiting for slices).
    fn busy(&self) -> bool {
        self.streaming.is_some()
    }

    /// A moment after the last request, if no other has come and no load is under way,
    /// compute the reports for the periods likely to be picked next
    /// ([`crate::engine::Period::likely_next`], lined up by [`crate::engine::Warm`]) with the
    /// last answer's options, and drop them: their walks over the rows and their
    /// KPIs are kept, so a change to one of those periods then only reads them (at 1M rows a
    /// walk takes 40–100 ms; the change then takes the worker a millisecond or two). A walk
    /// goes [`AHEAD_ROWS`] rows a task, so a request that comes meanwhile waits for one slice
    /// of it, not the whole walk (see [`KpiWorker::received`] for which requests drop it and
    /// which finish it).
    fn warm_later(&mut self) {
        self.done = self.done.wrapping_add(1);
        if self.warm.pending() || self.rehearsal.pending() {
            tick(self.me.clone(), self.done, WARM_MS, |w, done| {
                w.done == done && w.warm_step()
            });
        }
    }

    /// One step of the walk ahead, or once it is done a rehearsed load: whether another step
    /// is to come.
    fn warm_step(&mut self) -> bool {
        if self.pending.is_some() || self.busy() {
            return false;
        }
        if self.warm.pending() {
            return self.warm.step(&self.workbook, AHEAD_ROWS) || self.rehearsal.pending();
        }
        self.rehearsal
            .step(&self.workbook, self.warm.opts(), &BrowserCodecs)
    }

    /// Compute the report for `opts` and post it, with the time since `asked`; then line up
    /// the reports to make ahead of need.
    fn answer(&mut self, opts: &Options, asked: f64) {
        post(&Response::Progress {
            file: String::new(),
            stage: Stage::Computing,
        });
        let report = self.workbook.report(opts);
        self.warm.answered(&self.workbook, opts);
        post(&Response::Report {
            report: Box::new(report),
            ms: js_sys::Date::now() - asked,
        });
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
        if let Some(e) = ingest::refused(&f.name, &head) {
            return Err(e);
        }
        if ingest::is_spreadsheet(&head) || !f.read.dialect.is_common() {
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
    let worker = std::rc::Rc::new_cyclic(|me: &std::rc::Weak<std::cell::RefCell<KpiWorker>>| {
        // The slice readers' listener lives as long as the worker.
        let to = me.clone();
        let listener =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                if let Some(w) = to.upgrade() {
                    let mut w = w.borrow_mut();
                    w.heard(e.data());
                    // Only once the load is done: not for every slice that comes.
                    if !w.busy() {
                        w.warm_later();
                    }
                }
            })
            .into_js_value()
            .unchecked_into();
        std::cell::RefCell::new(KpiWorker {
            workbook: Workbook::new(),
            before: None,
            pending: None,
            streaming: None,
            listener,
            queued: Vec::new(),
            me: me.clone(),
            warm: Default::default(),
            rehearsal: Default::default(),
            done: 0,
            slices: 0,
        })
    });
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            if let Some((req, blobs)) = channel::decode_with_blobs::<Request>(&e.data()) {
                let mut w = worker.borrow_mut();
                w.received(req, blobs);
                w.warm_later();
            }
        });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    post(&Response::Ready);
}

impl KpiWorker {
    fn received(&mut self, msg: Request, blobs: Vec<web_sys::Blob>) {
        if self.busy() {
            self.queued.push((msg, blobs));
            return;
        }
        // A walk ahead stops here when the tables it walks may change. A request for other
        // options leaves it for the next pause, and one for the period it walks finishes it.
        if !matches!(msg, Request::Compute(_)) {
            self.warm.stop();
        }
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
                    next: 0,
                    asked: start,
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
                if !p.sheets.is_empty() && p.sheets.iter().all(|s| matches!(s, Some(Err(_)))) {
                    let lang = p.opts.lang;
                    let why: Vec<String> = p
                        .sheets
                        .iter()
                        .flatten()
                        .filter_map(|s| s.as_ref().err())
                        .map(|e| e.message(lang))
                        .collect();
                    post(&Response::Refused(why.join(" ")));
                    return;
                }
                if !jobs.is_empty() {
                    self.pending = Some(p);
                    post(&Response::Prepare(jobs));
                    return;
                }
                match self.load(p) {
                    Some(opts) => opts,
                    None => return,
                }
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
                let asked = p.asked;
                match self.load(p) {
                    Some(opts) => return self.answer(&opts, asked),
                    None => return,
                }
            }
            Request::Remap {
                table,
                mapping,
                opts,
            } => {
                self.workbook.remap(table, mapping.as_deref());
                opts
            }
            Request::Compute(opts) => {
                self.warm.finish_for(&self.workbook, &opts);
                opts
            }
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
        self.answer(&opts, start);
    }
}
