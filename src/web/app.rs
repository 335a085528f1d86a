//! The page: a thin Yew adapter over [`crate::state`], the worker bridge, and the components.
//! Data flows down as props; events come up through `on…` callbacks and become actions.

use crate::config::PageConfig;
use crate::engine::catalogue::{Goal, Stage};
use crate::engine::history::{self, Snapshot};
use crate::engine::sorted_map::SortedMap;
use crate::engine::Period;
use crate::engine::Role;
use crate::i18n::{t, Lang, T};
use crate::state::{Action, Ask, Source, State};
use crate::web::channel::EngineWorker;
use crate::web::components::{
    breakdowns::Breakdowns, controls::Controls, data_input::DataInput, header::Header,
    inputs::InputsPanel, issues::Issues, kpi_cards::KpiCards, mapping::Mapping, reps::Reps,
    share::Share, share::ShareAction, summary::Summary, warnings::Warnings,
};
use crate::web::formats::Formats;
use crate::web::host::{self, Mode};
use crate::web::worker::{Done, InputFile, Job, Request, Response, SavedMapping};
use gloo_worker::{Spawnable, WorkerBridge};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use yew::prelude::*;

/// Yew's reducer over the pure state.
#[derive(Clone, PartialEq)]
pub struct Store(pub State);

impl Reducible for Store {
    type Action = Action;
    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(Store(self.0.clone().apply(action)))
    }
}

const LANG_KEY: &str = "crm-kpi.lang";
/// The manual inputs and KPI targets, as JSON.
const INPUTS_KEY: &str = "crm-kpi.inputs2";
const TARGETS_KEY: &str = "crm-kpi.targets2";
/// The reps marked as new, as JSON.
const NEW_REPS_KEY: &str = "crm-kpi.new-reps2";
/// Saved KPI snapshots, newest first, as JSON.
const HISTORY_KEY: &str = "crm-kpi.history";
/// How many snapshots the browser keeps.
const HISTORY_MAX: usize = 24;

/// Keep a value in localStorage, in the bincode the worker's messages use already (one byte
/// per character), so the page carries no JSON reader; a refusal (private mode, full)
/// changes nothing else.
fn remember<T: serde::Serialize>(key: &str, value: &T) {
    if let (Some(s), Ok(bytes)) = (storage(), bincode::serialize(value)) {
        let text: String = bytes.iter().map(|&b| char::from(b)).collect();
        let _ = s.set_item(key, &text);
    }
}

/// A value kept by [`remember`], if it is there and still reads.
fn recall<T: serde::de::DeserializeOwned>(key: &str) -> Option<T> {
    let text = storage()?.get_item(key).ok()??;
    let bytes: Vec<u8> = text
        .chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect::<Option<_>>()?;
    bincode::deserialize(&bytes).ok()
}

/// The page's first state: the language, the inputs, targets and snapshots kept from last
/// time, then what the address or the host asked for.
fn initial_state(config: &PageConfig) -> State {
    let mut s = State::new(initial_lang());
    s.opts.today = Some(host::today());
    if let Some(i) = recall::<crate::engine::Inputs>(INPUTS_KEY) {
        s = s.apply(Action::SetInputs(i));
    }
    for rep in recall::<Vec<String>>(NEW_REPS_KEY).unwrap_or_default() {
        s = s.apply(Action::ToggleNewRep(rep));
    }
    if let Some(t) = recall::<SortedMap<String, f64>>(TARGETS_KEY) {
        for (id, v) in t {
            s = s.apply(Action::SetTarget(id, Some(v)));
        }
    }
    if let Some(h) = recall::<Vec<Snapshot>>(HISTORY_KEY) {
        s = s.apply(Action::SetHistory(Rc::new(h)));
    }
    // A shared link's column meanings are kept like the user's own, for the files they fit.
    for (sig, roles) in &config.mappings {
        save_mapping(sig, Some(roles));
    }
    s.apply(Action::ApplyConfig(Box::new(config.clone())))
}
/// Mappings the user fixed are kept under this prefix plus the header signature.
const MAPPING_PREFIX: &str = "crm-kpi.mapping2.";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// The saved language, else the browser's.
fn initial_lang() -> Lang {
    if let Some(saved) = storage().and_then(|s| s.get_item(LANG_KEY).ok().flatten()) {
        return Lang::from_tag(&saved);
    }
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .map(|l| Lang::from_tag(&l))
        .unwrap_or_default()
}

/// Every remembered mapping in browser storage.
fn saved_mappings() -> Vec<SavedMapping> {
    let Some(store) = storage() else {
        return Vec::new();
    };
    let n = store.length().unwrap_or(0);
    (0..n)
        .filter_map(|i| store.key(i).ok().flatten())
        .filter_map(|key| {
            let sig = key.strip_prefix(MAPPING_PREFIX)?.to_string();
            let ids: Vec<Option<String>> = recall(&key)?;
            let roles = ids
                .iter()
                .map(|id| id.as_deref().and_then(Role::from_id))
                .collect();
            Some((sig, roles))
        })
        .collect()
}

fn save_mapping(signature: &str, mapping: Option<&[Option<Role>]>) {
    let Some(store) = storage() else { return };
    let key = format!("{MAPPING_PREFIX}{signature}");
    // Storage may be full or refused (private mode): the mapping then lasts for this visit.
    match mapping {
        Some(m) => {
            let ids: Vec<Option<&str>> = m.iter().map(|r| r.map(Role::id)).collect();
            remember(&key, &ids);
        }
        None => {
            let _ = store.remove_item(&key);
        }
    }
}

/// Hand text to the browser as a file download (a Blob URL clicked through a link); the type
/// follows the name's extension.
fn save_text(name: &str, text: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let bag = web_sys::BlobPropertyBag::new();
    bag.set_type(if name.ends_with(".json") {
        "application/json;charset=utf-8"
    } else {
        "text/csv;charset=utf-8"
    });
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &bag) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let link = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    if let Some(a) = link {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// A file handed to the engine's worker: its name and reading choices, and its bytes as a
/// `Blob` (the chosen `File` itself, the fetched sample, pasted text). The page never copies
/// a file's bytes: the worker reads the `Blob` in slices.
#[derive(Clone)]
struct PageFile {
    file: InputFile,
    blob: web_sys::Blob,
}

impl PageFile {
    fn new(name: impl Into<String>, blob: web_sys::Blob) -> PageFile {
        PageFile {
            file: InputFile::new(name),
            blob,
        }
    }

    /// Text or bytes the page holds (pasted, or sent by a host page) as a file.
    fn of_parts(name: impl Into<String>, part: &wasm_bindgen::JsValue) -> Option<PageFile> {
        let blob =
            web_sys::Blob::new_with_buffer_source_sequence(&js_sys::Array::of1(part)).ok()?;
        Some(PageFile::new(name, blob))
    }
}

/// Load `files` in the engine's worker; `last_month`: compute the data's last complete
/// month rather than `opts.period`.
fn send_load(
    worker: &EngineWorker,
    files: &[PageFile],
    opts: crate::engine::Options,
    last_month: bool,
) {
    worker.send_with(
        Request::Load {
            files: files.iter().map(|f| f.file.clone()).collect(),
            opts,
            saved: saved_mappings(),
            last_month,
        },
        files.iter().map(|f| f.blob.clone()).collect(),
    );
}

/// Put `text` on the clipboard, then tell the store whether that worked.
fn copy_text(text: &str, store: &UseReducerDispatcher<Store>, done: fn(bool) -> Action) {
    let Some(w) = web_sys::window() else { return };
    let promise = w.navigator().clipboard().write_text(text);
    let store = store.clone();
    spawn_local(async move {
        let ok = JsFuture::from(promise).await.is_ok();
        store.dispatch(done(ok));
    });
}

fn read_file(file: web_sys::File, lang: Lang) -> Result<PageFile, String> {
    let name = file.name();
    // Refused at once, before the worker is asked: a 1 GB file never reaches memory.
    if let Some(e) = crate::engine::ingest::too_large(&name, file.size() as u64) {
        return Err(e.message(lang));
    }
    Ok(PageFile::new(name, file.into()))
}

/// The built-in sample next to the app's files, or the sample file the host named.
fn sample_url(config: &PageConfig) -> (String, String) {
    match &config.sample {
        Some(path) => (
            path.rsplit('/').next().unwrap_or(path).to_string(),
            path.clone(),
        ),
        None => (
            "sample-deals.csv".to_string(),
            host::asset_url("sample-deals.csv"),
        ),
    }
}

/// What a failed browser call says: an `Error`'s message, or the value itself if it is
/// text (`Debug` prints the JS value's whole form, its stack included).
fn js_error(e: wasm_bindgen::JsValue) -> String {
    match e.dyn_ref::<js_sys::Error>() {
        Some(err) => err.message().into(),
        None => e.as_string().unwrap_or_else(|| "error".into()),
    }
}

async fn fetch_sample(url: &str) -> Result<web_sys::Blob, String> {
    let window = web_sys::window().ok_or("no window")?;
    let resp = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(js_error)?;
    let resp: web_sys::Response = resp.dyn_into().map_err(|_| "not a response".to_string())?;
    if !resp.ok() {
        return Err(format!("HTTP {}", resp.status()));
    }
    let blob = JsFuture::from(resp.blob().map_err(js_error)?)
        .await
        .map_err(js_error)?;
    blob.dyn_into().map_err(|_| "not a blob".to_string())
}

type Bridge = Rc<RefCell<Option<EngineWorker>>>;
/// The files being loaded (with where they came from) until their report arrives.
type Pending = Rc<RefCell<Option<(Vec<PageFile>, Source)>>>;
/// The formats worker, started on first need, and the answers gathered for one load.
type FormatsSlot = Rc<RefCell<Option<(WorkerBridge<Formats>, Rc<RefCell<Answers>>)>>>;

#[derive(Default)]
struct Answers {
    expected: usize,
    done: Vec<Done>,
}

/// The engine's worker runs this page's own module: the same JS and wasm files, fetched once
/// and taken from the cache by the worker, which then calls `start_worker` instead of
/// drawing a page. One module instead of two halves the download (std, serde, the engine's
/// types and the allocator are not shipped twice). The loader is a small script made here:
/// it imports the module by the URLs Trunk put in the page's preload links.
fn worker_loader() -> String {
    let doc = web_sys::window().and_then(|w| w.document());
    let href = |selector: &str| -> String {
        doc.as_ref()
            .and_then(|d| d.query_selector(selector).ok().flatten())
            .and_then(|e| e.get_attribute("href"))
            .unwrap_or_default()
    };
    let base = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    let absolute = |path: String| {
        web_sys::Url::new_with_base(&path, &base)
            .map(|u| u.href())
            .unwrap_or(path)
    };
    let (js, wasm) = host::module_urls().unwrap_or_else(|| {
        (
            absolute(href(r#"link[rel="modulepreload"]"#)),
            absolute(href(r#"link[rel="preload"][type="application/wasm"]"#)),
        )
    });
    // Messages that come before the module has started are kept and handed to the worker's
    // handler once it is set.
    let script = format!(
        "const early = []; self.onmessage = (e) => early.push(e); import({js:?}).then(async (m) => {{ await m.default({{ module_or_path: {wasm:?} }}); m.start_worker(); for (const e of early) self.onmessage(e); }});"
    );
    crate::web::script_url(&script).unwrap_or_default()
}

/// The KPI results as JSON, written by the on-demand formats worker (a worker of its own, so
/// a load's jobs are not mixed up with it); `then` gets the text, or `failed` is called if
/// the worker's script cannot be fetched.
fn kpis_json(
    report: &crate::engine::report::Report,
    then: impl FnOnce(String) + 'static,
    failed: impl FnOnce() + 'static,
) {
    let Ok(report) = bincode::serialize(report) else {
        return failed();
    };
    if_formats_reachable(move || json_from_worker(report, then), failed);
}

fn json_from_worker(report: Vec<u8>, then: impl FnOnce(String) + 'static) {
    let slot: Rc<RefCell<Option<WorkerBridge<Formats>>>> = Rc::new(RefCell::new(None));
    let then = RefCell::new(Some(then));
    let keep = slot.clone();
    let bridge = Formats::spawner()
        .callback(move |done: Done| {
            if let (Done::Json(text), Some(f)) = (done, then.borrow_mut().take()) {
                f(text);
            }
            // Done: dropping the bridge ends the worker.
            keep.borrow_mut().take();
        })
        .spawn(&host::asset_url("formats.js"));
    bridge.send(Job::Json(report));
    *slot.borrow_mut() = Some(bridge);
}

/// Whether the formats worker's script can be fetched. Offline, it is there only if the
/// service worker kept it when it was last used; a worker whose script cannot be fetched
/// would never answer, and the load would wait for good. (A page mounted in a host's page
/// may fetch from the app's origin: it fetched its own wasm from there.)
async fn formats_reachable() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let url = host::asset_url("formats.js");
    match JsFuture::from(window.fetch_with_str(&url)).await {
        Ok(r) => r.dyn_into::<web_sys::Response>().is_ok_and(|r| r.ok()),
        Err(_) => false,
    }
}

/// `ok` once the formats worker's script is known to be reachable, else `failed`.
fn if_formats_reachable(ok: impl FnOnce() + 'static, failed: impl FnOnce() + 'static) {
    spawn_local(async move {
        if formats_reachable().await {
            ok();
        } else {
            failed();
        }
    });
}

/// Hand the jobs to the formats worker, started on first need once its script is known to
/// be reachable; if it is not, the load stops with `unreachable` (the report on screen
/// stays, and the engine's worker drops the load at the next one).
fn prepare(
    slot: &FormatsSlot,
    main: &Bridge,
    jobs: Vec<Job>,
    unreachable: impl FnOnce() + 'static,
) {
    if slot.borrow().is_some() {
        return hand_over(slot, main, jobs);
    }
    let (slot, main) = (slot.clone(), main.clone());
    if_formats_reachable(move || hand_over(&slot, &main, jobs), unreachable);
}

/// Hand the jobs to the formats worker and its answers, all together, to the main worker.
fn hand_over(slot: &FormatsSlot, main: &Bridge, jobs: Vec<Job>) {
    let mut slot_ref = slot.borrow_mut();
    let (bridge, answers) = slot_ref.get_or_insert_with(|| {
        let answers = Rc::new(RefCell::new(Answers::default()));
        let gathered = answers.clone();
        let main = main.clone();
        let bridge = Formats::spawner()
            .callback(move |done: Done| {
                let all = {
                    let mut a = gathered.borrow_mut();
                    a.done.push(done);
                    (a.done.len() == a.expected).then(|| std::mem::take(&mut a.done))
                };
                if let (Some(all), Some(b)) = (all, main.borrow().as_ref()) {
                    b.send(Request::Prepared(all));
                }
            })
            .spawn(&host::asset_url("formats.js"));
        (bridge, answers)
    });
    *answers.borrow_mut() = Answers {
        expected: jobs.len(),
        done: Vec::new(),
    };
    for job in jobs {
        bridge.send(job);
    }
}

/// Start the engine's worker; its answers go to the page's state. The files of a load move
/// from `pending` to `shown` when their report arrives.
fn spawn_engine(
    dispatcher: UseReducerDispatcher<Store>,
    bridge: &Bridge,
    formats: &FormatsSlot,
    pending: &Pending,
    shown: &Rc<RefCell<(Vec<PageFile>, Source)>>,
) -> Option<EngineWorker> {
    let (main, formats, pending, shown) = (
        bridge.clone(),
        formats.clone(),
        pending.clone(),
        shown.clone(),
    );
    let spawned = EngineWorker::spawn(&worker_loader(), move |resp| match resp {
        Response::Report { report, ms } => {
            if let Some(loaded) = pending.borrow_mut().take() {
                *shown.borrow_mut() = loaded;
            }
            dispatcher.dispatch(Action::Loaded {
                report: crate::state::Shown::new(*report),
                ms,
            })
        }
        Response::Progress { file, stage } => dispatcher.dispatch(Action::Progress(file, stage)),
        Response::Prepare(jobs) => {
            let (pending, shown, d) = (pending.clone(), shown.clone(), dispatcher.clone());
            prepare(&formats, &main, jobs, move || {
                pending.borrow_mut().take();
                d.dispatch(Action::ReaderUnreachable(shown.borrow().1.clone()));
            })
        }
        Response::Download { name, text } => save_text(&name, &text),
        Response::Refused(why) => {
            pending.borrow_mut().take();
            dispatcher.dispatch(Action::Refused(shown.borrow().1.clone(), why));
        }
        Response::Ready => {}
    });
    spawned.ok()
}

#[derive(Properties, PartialEq)]
pub struct AppProps {
    pub config: Rc<PageConfig>,
    pub mode: Mode,
}

/// The source's name for a snapshot: the files, or the sample or pasted text.
fn source_label(source: &Source) -> String {
    match source {
        Source::Files(names) => names.join(", "),
        Source::Sample => "sample-deals.csv".into(),
        Source::Pasted => "pasted data".into(),
        Source::Nothing => String::new(),
    }
}

type LoadFn = Rc<dyn Fn(Vec<PageFile>, Source, bool)>;

/// The state of the page's last render (see [`App`]).
type Now = Rc<RefCell<UseReducerHandle<Store>>>;

/// A callback made once that is given the state of the page's last render with its argument.
fn with_state<IN: 'static>(
    now: &Now,
    f: impl Fn(UseReducerHandle<Store>, IN) + 'static,
) -> Callback<IN> {
    let now = now.clone();
    Callback::from(move |arg| {
        let store = now.borrow().clone();
        f(store, arg)
    })
}

/// Give a table's column another role (`Some((column, role))`), or the table its detected
/// roles back (`None`), and ask the worker for the report with that mapping.
fn remap(
    store: &UseReducerHandle<Store>,
    bridge: &Bridge,
    table: usize,
    change: Option<(usize, Option<Role>)>,
) {
    let Some(t) = store.0.report.as_ref().and_then(|r| r.tables.get(table)) else {
        return;
    };
    let mut mapping = None;
    if let Some((column, role)) = change {
        let mut roles: Vec<Option<Role>> = t.columns.iter().map(|c| c.role).collect();
        let Some(slot) = roles.get_mut(column) else {
            return;
        };
        *slot = role;
        mapping = Some(roles);
    }
    save_mapping(&t.signature, mapping.as_deref());
    if let Some(b) = bridge.borrow().as_ref() {
        store.dispatch(Action::Recomputing);
        b.send(Request::Remap {
            table,
            mapping,
            opts: store.0.opts.clone(),
        });
    }
}

/// The callbacks of the report's sections. They are made once and read the state of the
/// last render when called, so a section is drawn again only when its own data changes.
struct Sections {
    target: Callback<(String, Option<f64>)>,
    inputs: Callback<crate::engine::Inputs>,
    export: Callback<&'static str>,
    /// An action from the cards' section: back to the recommended set, a goal added.
    act: Callback<Action>,
    new_rep: Callback<String>,
    role: Callback<(usize, usize, Option<Role>)>,
    reset_mapping: Callback<usize>,
    encoding: Callback<(String, String)>,
    sheet: Callback<(String, String)>,
    download_issues: Callback<()>,
}

impl Sections {
    fn new(
        now: Now,
        bridge: Bridge,
        load: Rc<RefCell<Option<LoadFn>>>,
        loaded: Rc<RefCell<(Vec<PageFile>, Source)>>,
    ) -> Sections {
        // Read one file again in the encoding or from the sheet the user picked.
        let reread = Rc::new(
            move |store: UseReducerHandle<Store>,
                  file: &str,
                  change: &dyn Fn(&mut crate::engine::ReadOptions)| {
                let mut files = loaded.borrow().0.clone();
                let load = load.borrow().clone();
                if let (Some(f), Some(load)) =
                    (files.iter_mut().find(|f| f.file.name == file), load)
                {
                    change(&mut f.file.read);
                    load(files, store.0.source.clone(), true);
                }
            },
        );
        let reread_sheet = reread.clone();
        let (remap_bridge, reset_bridge) = (bridge.clone(), bridge.clone());
        Sections {
            target: with_state(&now, |store, (id, v): (String, Option<f64>)| {
                let mut next = store.0.opts.targets.clone();
                match v {
                    Some(x) => next.insert(id.clone(), x),
                    None => next.remove(&id),
                };
                remember(TARGETS_KEY, &next);
                store.dispatch(Action::SetTarget(id, v))
            }),
            // Figures typed into the panel or a KPI's card.
            inputs: with_state(&now, |store, i: crate::engine::Inputs| {
                remember(INPUTS_KEY, &i);
                store.dispatch(Action::SetInputs(i))
            }),
            // Take the results away: the KPI table as CSV, or as TSV on the clipboard for
            // pasting into a spreadsheet.
            export: with_state(&now, |store, what: &'static str| {
                let Some(r) = store.0.report.as_ref() else {
                    return;
                };
                let stem = format!("crm-kpi-{}", r.period.replace("..", "_"));
                match what {
                    "csv" => save_text(&format!("{stem}.csv"), &crate::engine::export::kpis_csv(r)),
                    _ => {
                        let text = crate::engine::export::kpis_tsv(r);
                        copy_text(&text, &store.dispatcher(), Action::Copied);
                    }
                }
            }),
            act: with_state(&now, |store, a: Action| store.dispatch(a)),
            new_rep: with_state(&now, |store, rep: String| {
                let mut next = store.0.new_reps.clone();
                match next.iter().position(|r| *r == rep) {
                    Some(i) => {
                        next.remove(i);
                    }
                    None => next.push(rep.clone()),
                }
                remember(NEW_REPS_KEY, &next);
                store.dispatch(Action::ToggleNewRep(rep))
            }),
            // The mapping editor: one column's role changed, or the table reset to the
            // detected roles.
            role: with_state(&now, move |store, (table, column, role)| {
                remap(&store, &remap_bridge, table, Some((column, role)))
            }),
            reset_mapping: with_state(&now, move |store, table| {
                remap(&store, &reset_bridge, table, None)
            }),
            encoding: with_state(&now, move |store, (file, label): (String, String)| {
                reread(store, &file, &|r| {
                    r.encoding = Some(label.clone());
                    r.detected = false;
                })
            }),
            sheet: with_state(&now, move |store, (file, sheet): (String, String)| {
                reread_sheet(store, &file, &|r| r.sheet = Some(sheet.clone()))
            }),
            download_issues: with_state(&now, move |store, _| {
                if let Some(b) = bridge.borrow().as_ref() {
                    b.send(Request::IssuesCsv(store.0.lang()));
                }
            }),
        }
    }
}

/// Add a snapshot to the history kept in the browser and on the page.
fn keep_snapshot(history: &Rc<Vec<Snapshot>>, snap: Snapshot, d: &UseReducerDispatcher<Store>) {
    let mut h = (**history).clone();
    history::remember(&mut h, snap, HISTORY_MAX);
    remember(HISTORY_KEY, &h);
    d.dispatch(Action::SetHistory(Rc::new(h)));
}

fn lang_tag(l: Lang) -> &'static str {
    if l == Lang::Zh {
        "zh-CN"
    } else {
        "en"
    }
}

#[component]
pub fn App(props: &AppProps) -> Html {
    let config = props.config.clone();
    let mode = props.mode;
    // Equal states are not drawn again (a worker's progress while nothing is loading, say).
    let store = use_reducer_eq(|| Store(initial_state(&config)));
    // The state of the last render, for the callbacks made once below: they never change, so
    // the report's sections are not drawn again while their report is the same.
    let now = use_mut_ref(|| store.clone());
    *now.borrow_mut() = store.clone();
    let bridge: Bridge = use_mut_ref(|| None);
    let formats: FormatsSlot = use_mut_ref(|| None);
    // The files on screen, kept so that a different encoding can be applied to one of them,
    // and the files of a load under way (a cancel goes back to the ones on screen).
    let loaded_files = use_mut_ref(|| (Vec::<PageFile>::new(), Source::Nothing));
    let pending: Pending = use_mut_ref(|| None);
    let last_sent = use_mut_ref(|| None::<crate::engine::Options>);
    let state = &store.0;
    let lang = state.lang();

    // Start the worker once and load the sample.
    {
        let dispatcher = store.dispatcher();
        let bridge = bridge.clone();
        let formats = formats.clone();
        let last_sent = last_sent.clone();
        let loaded_files = loaded_files.clone();
        let opts = state.opts.clone();
        // Unless a link asked for a period, the first answer is the last complete month's.
        let last_month = state.wanted_period.is_none();
        let pending = pending.clone();
        let config = config.clone();
        use_effect_with((), move |_| {
            *bridge.borrow_mut() = spawn_engine(
                dispatcher.clone(),
                &bridge,
                &formats,
                &pending,
                &loaded_files,
            );
            dispatcher.dispatch(Action::Loading(Source::Sample));
            let (sample_name, sample_at) = sample_url(&config);
            spawn_local(async move {
                match fetch_sample(&sample_at).await {
                    Ok(blob) => {
                        let opts = crate::engine::Options {
                            period: Period::All,
                            ..opts
                        };
                        *last_sent.borrow_mut() = Some(opts.clone());
                        let files = vec![PageFile::new(sample_name, blob)];
                        if let Some(b) = bridge.borrow().as_ref() {
                            send_load(b, &files, opts, last_month);
                        }
                        *pending.borrow_mut() = Some((files, Source::Sample));
                    }
                    Err(e) => dispatcher.dispatch(Action::Failed(format!("{sample_at}: {e}"))),
                }
            });
            || ()
        });
    }

    // Recompute when the options change, or an answer comes, and the report on screen does
    // not answer the options.
    {
        let bridge = bridge.clone();
        let last_sent = last_sent.clone();
        let key = state.report.as_ref().map(|r| Rc::as_ptr(&r.0) as usize);
        let seen = use_mut_ref(|| None);
        let ask = state.ask(last_sent.borrow().as_ref(), *seen.borrow() != key);
        use_effect_with((state.opts.clone(), key), move |(opts, key)| {
            *seen.borrow_mut() = *key;
            if ask != Ask::Nothing {
                *last_sent.borrow_mut() = Some(opts.clone());
            }
            if let (Ask::Send, Some(b)) = (ask, bridge.borrow().as_ref()) {
                b.send(Request::Compute(opts.clone()));
            }
        });
    }

    let load = {
        let bridge = bridge.clone();
        let last_sent = last_sent.clone();
        let pending = pending.clone();
        let dispatcher = store.dispatcher();
        let opts = state.opts.clone();
        let wanted_period = state.wanted_period;
        // `again`: the same files read once more (another encoding or sheet): the period stays.
        let f: LoadFn = Rc::new(move |files: Vec<PageFile>, source: Source, again: bool| {
            *pending.borrow_mut() = Some((files.clone(), source.clone()));
            let opts = if again {
                dispatcher.dispatch(Action::Reloading);
                opts.clone()
            } else {
                dispatcher.dispatch(Action::Loading(source));
                crate::engine::Options {
                    period: Period::All,
                    ..opts.clone()
                }
            };
            *last_sent.borrow_mut() = Some(opts.clone());
            if let Some(b) = bridge.borrow().as_ref() {
                send_load(b, &files, opts, !again && wanted_period.is_none());
            }
        });
        f
    };

    // `load` changes with the options: what is made once calls the newest one.
    let latest_load: Rc<RefCell<Option<LoadFn>>> = use_mut_ref(|| None);
    *latest_load.borrow_mut() = Some(load.clone());

    // Stop a load: the worker is terminated mid-read and a fresh one loads what was shown.
    let on_cancel = {
        let bridge = bridge.clone();
        let formats = formats.clone();
        let pending = pending.clone();
        let shown = loaded_files.clone();
        let last_sent = last_sent.clone();
        let dispatcher = store.dispatcher();
        let opts = state.opts.clone();
        Callback::from(move |_| {
            if pending.borrow_mut().take().is_none() {
                return;
            }
            // Dropping the old worker terminates it; the formats worker may be mid-job too.
            *bridge.borrow_mut() = None;
            *formats.borrow_mut() = None;
            *bridge.borrow_mut() =
                spawn_engine(dispatcher.clone(), &bridge, &formats, &pending, &shown);
            let (files, source) = shown.borrow().clone();
            if files.is_empty() {
                dispatcher.dispatch(Action::Cancelled(None));
                return;
            }
            dispatcher.dispatch(Action::Cancelled(Some(source.clone())));
            *last_sent.borrow_mut() = Some(opts.clone());
            if let Some(b) = bridge.borrow().as_ref() {
                send_load(b, &files, opts.clone(), false);
            }
            *pending.borrow_mut() = Some((files, source));
        })
    };

    let on_files = {
        let load = load.clone();
        let dispatcher = store.dispatcher();
        Callback::from(move |files: Vec<web_sys::File>| {
            let names: Vec<String> = files.iter().map(|f| f.name()).collect();
            let mut inputs = Vec::new();
            for f in files {
                match read_file(f, lang) {
                    Ok(i) => inputs.push(i),
                    Err(e) => dispatcher.dispatch(Action::Failed(e)),
                }
            }
            if !inputs.is_empty() {
                load(inputs, Source::Files(names), false);
            }
        })
    };
    let on_analyze_paste = {
        let load = load.clone();
        let paste = state.paste.clone();
        Callback::from(move |_| {
            if paste.trim().is_empty() {
                return;
            }
            if let Some(f) = PageFile::of_parts("pasted data", &paste.as_str().into()) {
                load(vec![f], Source::Pasted, false);
            }
        })
    };
    let on_sample = {
        let load = load.clone();
        let dispatcher = store.dispatcher();
        let config = config.clone();
        Callback::from(move |_| {
            let load = load.clone();
            let dispatcher = dispatcher.clone();
            let (name, at) = sample_url(&config);
            spawn_local(async move {
                match fetch_sample(&at).await {
                    Ok(blob) => load(vec![PageFile::new(name, blob)], Source::Sample, false),
                    Err(e) => dispatcher.dispatch(Action::Failed(format!("{at}: {e}"))),
                }
            });
        })
    };
    let d = store.dispatcher();
    let on_paste_change = Callback::from(move |s: String| d.dispatch(Action::SetPaste(s)));
    let d = store.dispatcher();
    let on_lang = Callback::from(move |l: Lang| {
        if let Some(s) = storage() {
            // Remembering the language is a convenience; a refusal changes nothing else.
            let _ = s.set_item(LANG_KEY, l.id());
        }
        d.dispatch(Action::SetLang(l))
    });
    // The document's language follows the page's (a host's page keeps its own).
    use_effect_with(lang, move |l| {
        if mode == Mode::Mounted {
            return;
        }
        if let Some(doc) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = doc.set_attribute("lang", lang_tag(*l));
        }
    });
    let d = store.dispatcher();
    let on_stage = Callback::from(move |s: Stage| d.dispatch(Action::SetStage(s)));
    let d = store.dispatcher();
    let on_goal = Callback::from(move |g: Goal| d.dispatch(Action::ToggleGoal(g)));
    let d = store.dispatcher();
    let on_period = Callback::from(move |p: Period| d.dispatch(Action::SetPeriod(p)));

    // The host's side of the embed page: messages from allowed origins set options or load
    // data; the result goes back after every computation.
    let talks = mode == Mode::Frame && !config.origins.is_empty() && host::parent().is_some();
    {
        let config = config.clone();
        let dispatcher = store.dispatcher();
        let latest_load = latest_load.clone();
        use_effect_with((), move |_| {
            let listener = talks.then(|| {
                let on_message = {
                    let config = config.clone();
                    Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                        // Anything from an origin the host did not allow is ignored unread.
                        if !config.allows(&e.origin()) {
                            return;
                        }
                        let data = e.data();
                        let kind = js_sys::Reflect::get(&data, &"type".into())
                            .ok()
                            .and_then(|k| k.as_string())
                            .unwrap_or_default();
                        let reply_error = |message: String| {
                            host::post_to_host(&config, &host::message("crm-kpi:error", &[("message", message.into())]));
                        };
                        match kind.as_str() {
                            "crm-kpi:set-options" => {
                                let options = js_sys::Reflect::get(&data, &"options".into()).unwrap_or_default();
                                let mut c = PageConfig::parse(&host::options_query(&options));
                                // The host's embedding settings stay as the page was opened with.
                                c.origins.clear();
                                c.theme.clear();
                                c.sample = None;
                                if !c.problems.is_empty() {
                                    reply_error(c.problems.join("; "));
                                }
                                dispatcher.dispatch(Action::ApplyConfig(Box::new(c)));
                            }
                            "crm-kpi:load-data" => {
                                let files = js_sys::Reflect::get(&data, &"files".into()).unwrap_or_default();
                                match host::named_files(&files, "files") {
                                    Ok(files) => {
                                        let files: Vec<PageFile> = files
                                            .into_iter()
                                            .filter_map(|(name, bytes)| PageFile::of_parts(name, &js_sys::Uint8Array::from(bytes.as_slice())))
                                            .collect();
                                        let names = files.iter().map(|f| f.file.name.clone()).collect();
                                        if let Some(load) = latest_load.borrow().as_ref() {
                                            load(files, Source::Files(names), false);
                                        }
                                    }
                                    Err(e) => reply_error(format!("crm-kpi:load-data: {e}")),
                                }
                            }
                            other => reply_error(format!(
                                "unknown message type {other:?}: expected crm-kpi:set-options or crm-kpi:load-data"
                            )),
                        }
                    })
                };
                if let Some(w) = web_sys::window() {
                    let _ = w.add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
                }
                host::post_to_host(&config, &host::message("crm-kpi:ready", &[("version", env!("CARGO_PKG_VERSION").into())]));
                on_message
            });
            move || {
                if let (Some(l), Some(w)) = (listener, web_sys::window()) {
                    let _ = w
                        .remove_event_listener_with_callback("message", l.as_ref().unchecked_ref());
                }
            }
        });
    }
    {
        let config = config.clone();
        let report = state.report.clone().filter(|_| state.report_is_current());
        let key = report.as_ref().map(|r| Rc::as_ptr(&r.0) as usize);
        use_effect_with(key, move |_| {
            if let (true, Some(r)) = (talks, report) {
                let then = move |json: String| {
                    if let Ok(result) = js_sys::JSON::parse(&json) {
                        host::post_to_host(
                            &config,
                            &host::message("crm-kpi:result", &[("result", result)]),
                        );
                    }
                };
                kpis_json(&r, then, || ());
            }
        });
    }
    // A load that could not be used (its data refused, or its reader unreachable) is told to
    // the host too: the results it had stay the last ones sent.
    {
        let config = config.clone();
        let failure = state.failure.clone();
        use_effect_with(failure, move |failure| {
            if let (true, Some(message)) = (talks, failure) {
                host::post_to_host(
                    &config,
                    &host::message("crm-kpi:error", &[("message", message.as_str().into())]),
                );
            }
        });
    }
    // Keep the page for offline use (not in a host's page: its origin is the host's).
    {
        let dispatcher = store.dispatcher();
        use_effect_with((), move |_| {
            if mode != Mode::Mounted {
                host::register_offline(move || dispatcher.dispatch(Action::OfflineReady));
            }
        });
    }

    // A page's first report is drawn in steps, each a task of its own: the summary and the
    // KPI cards first, then the sections below them (`State::drawing`).
    {
        let d = store.dispatcher();
        let drawing = state.drawing();
        use_effect_with((drawing, state.drawn_later), move |_| {
            if drawing {
                crate::web::after(0, Box::new(move || d.dispatch(Action::DrawnLater)));
            }
        });
    }
    let on_share = {
        let report = state.report.clone();
        let d = store.dispatcher();
        let opts = state.opts.clone();
        let history_now = state.history.clone();
        let source = state.source.clone();
        Callback::from(move |action: ShareAction| {
            let snapshot = || {
                report
                    .as_ref()
                    .map(|r| Snapshot::of(r, &host::today(), &source_label(&source)))
            };
            match action {
                ShareAction::Json => {
                    if let Some(r) = report.as_ref() {
                        let name = format!("crm-kpi-{}.json", r.period.replace("..", "_"));
                        let d = d.clone();
                        let failed = move || d.dispatch(Action::ReaderUnreachable(Source::Nothing));
                        kpis_json(r, move |json| save_text(&name, &json), failed);
                    }
                }
                ShareAction::CopyLink => {
                    let mappings = report
                        .as_ref()
                        .map(|r| {
                            let saved = saved_mappings();
                            r.tables
                                .iter()
                                .filter_map(|t| {
                                    saved.iter().find(|(sig, _)| *sig == t.signature).cloned()
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    let c = PageConfig {
                        lang: Some(opts.lang),
                        stage: Some(opts.stage),
                        goals: Some(opts.goals.clone()),
                        kpis: opts.kpis.clone(),
                        period: Some(opts.period),
                        targets: opts.targets.clone(),
                        mappings,
                        ..PageConfig::default()
                    };
                    let link = host::share_link(&c);
                    d.dispatch(Action::LinkMade(link.clone()));
                    copy_text(&link, &d, Action::LinkCopied);
                }
                ShareAction::Print => {
                    if let Some(w) = web_sys::window() {
                        let _ = w.print();
                    }
                }
                ShareAction::SaveSnapshot => {
                    if let Some(snap) = snapshot() {
                        keep_snapshot(&history_now, snap, &d);
                        d.dispatch(Action::SnapshotSaved);
                    }
                }
                ShareAction::Compare(i) => d.dispatch(Action::Compare(
                    i.and_then(|i| history_now.get(i).cloned()).map(Rc::new),
                )),
                ShareAction::OpenSnapshot(file) => {
                    let d = d.clone();
                    let history_now = history_now.clone();
                    spawn_local(async move {
                        let name = file.name();
                        let text = match JsFuture::from(file.text()).await {
                            Ok(t) => t.as_string().unwrap_or_default(),
                            Err(e) => {
                                d.dispatch(Action::Failed(format!("{name}: {}", js_error(e))));
                                return;
                            }
                        };
                        match Snapshot::from_csv(&text, &name) {
                            Ok(snap) => {
                                keep_snapshot(&history_now, snap.clone(), &d);
                                d.dispatch(Action::Compare(Some(Rc::new(snap))));
                            }
                            Err(e) => d.dispatch(Action::Failed(format!("{name}: {e}"))),
                        }
                    });
                }
            }
        })
    };
    let on = {
        let (now, bridge) = (now.clone(), bridge.clone());
        let (load, files) = (latest_load.clone(), loaded_files.clone());
        use_memo((), move |_| Sections::new(now, bridge, load, files))
    };
    let report = state.report.clone();
    let compact = config.compact || mode == Mode::Mounted;
    html! {
        <div class={classes!("crm-kpi", compact.then_some("compact"))} style={config.theme_style()} lang={lang_tag(lang)}>
        <Header {lang} {on_lang} {compact} />
        {
            if state.config_problems.is_empty() { html! {} } else { html! {
                <div class="config-problems" role="status">
                    <strong>{ t(lang, T::ConfigProblems) }{ t(lang, T::Colon) }</strong>
                    <ul>{ for state.config_problems.iter().map(|p| html! { <li>{ p }</li> }) }</ul>
                </div>
            } }
        }
        <main class="layout" aria-busy={(state.busy || state.drawing()).to_string()}>
            <div class="side">
                <DataInput {lang} source={state.source.clone()} report={report.clone()} busy={state.busy} loading={state.loading}
                    compute_ms={state.compute_ms} failure={state.failure.clone()} paste={state.paste.clone()}
                    {on_files} {on_paste_change} {on_analyze_paste} {on_sample}
                    progress={state.progress.clone()} {on_cancel} />
                <Controls {lang} opts={state.opts.clone()}
                    periods={report.as_ref().map(|r| r.periods.clone()).unwrap_or_default()}
                    {on_stage} {on_goal} {on_period} />
                <Share {lang} history={state.history.clone()} compare={state.compare.clone()}
                    share_link={state.share_link.clone()} link_copied={state.link_copied}
                    snapshot_saved={state.snapshot_saved} on_action={on_share} />
                <InputsPanel {lang} inputs={state.opts.inputs.clone()} on_change={on.inputs.clone()} />
            </div>
            <div class="results">
            {
                match &report {
                    Some(r) => html! {
                        <>
                        // The printed review pack's first line: what, from which data, when.
                        <p class="print-only pack-head">
                            { format!("{} — {} · {}", t(lang, T::AppTitle), source_label(&state.source), state.opts.today.clone().unwrap_or_default()) }
                        </p>
                        <Summary {lang} report={r.clone()} />
                        <KpiCards {lang} report={r.clone()} on_target={on.target.clone()} on_export={on.export.clone()}
                            copied={state.copied} compare={state.compare.clone()} on_action={on.act.clone()}
                            inputs={state.opts.inputs.clone()} on_inputs={on.inputs.clone()} />
                        <Warnings {lang} report={r.clone()} />
                        if state.drawn_later >= 1 {
                            <Breakdowns {lang} report={r.clone()} />
                            <Reps {lang} report={r.clone()} new_reps={state.new_reps.clone()} on_toggle={on.new_rep.clone()} />
                        }
                        if state.drawn_later >= 2 {
                            <Mapping {lang} report={r.clone()} on_role={on.role.clone()}
                                on_reset={on.reset_mapping.clone()} on_encoding={on.encoding.clone()} on_sheet={on.sheet.clone()} />
                        }
                        if state.drawn_later >= 3 {
                            <Issues {lang} report={r.clone()} on_download={on.download_issues.clone()} />
                        }
                        </>
                    },
                    None => html! { <p class="placeholder">{ t(lang, T::Working) }</p> },
                }
            }
            </div>
        </main>
        <footer class="footer">
            { t(lang, T::Privacy) }
            { if state.offline_ready { html! { <span id="offline-ready">{ crate::i18n::space(lang) }{ t(lang, T::OfflineReady) }</span> } } else { html! {} } }
        </footer>
        </div>
    }
}
