//! The page: a thin Yew adapter over [`crate::state`], the worker bridge, and the components.
//! Data flows down as props; events come up through `on…` callbacks and become actions.

use crate::engine::catalogue::{Goal, Stage};
use crate::engine::Period;
use crate::engine::Role;
use crate::i18n::{t, Lang, T};
use crate::state::{Action, Source, State};
use crate::web::channel::EngineWorker;
use crate::web::components::{
    breakdowns::Breakdowns, controls::Controls, data_input::DataInput, header::Header,
    inputs::InputsPanel, issues::Issues, kpi_cards::KpiCards, mapping::Mapping, reps::Reps,
    summary::Summary, warnings::Warnings,
};
use crate::web::formats::Formats;
use crate::web::worker::{Done, InputFile, Job, Request, Response, SavedMapping};
use gloo_worker::{Spawnable, WorkerBridge};
use std::cell::RefCell;
use std::rc::Rc;
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
const INPUTS_KEY: &str = "crm-kpi.inputs";
const TARGETS_KEY: &str = "crm-kpi.targets";
/// The reps marked as new, as JSON.
const NEW_REPS_KEY: &str = "crm-kpi.new-reps";

/// Keep a value in localStorage as JSON; a refusal (private mode, full) changes nothing else.
fn remember<T: serde::Serialize>(key: &str, value: &T) {
    if let (Some(s), Ok(json)) = (storage(), serde_json::to_string(value)) {
        let _ = s.set_item(key, &json);
    }
}

/// A value kept by [`remember`], if it is there and still reads.
fn recall<T: serde::de::DeserializeOwned>(key: &str) -> Option<T> {
    let json = storage()?.get_item(key).ok()??;
    serde_json::from_str(&json).ok()
}

/// The page's first state: the language, and the inputs and targets kept from last time.
fn initial_state() -> State {
    let mut s = State::new(initial_lang());
    if let Some(i) = recall::<crate::engine::Inputs>(INPUTS_KEY) {
        s = s.apply(Action::SetInputs(i));
    }
    for rep in recall::<Vec<String>>(NEW_REPS_KEY).unwrap_or_default() {
        s = s.apply(Action::ToggleNewRep(rep));
    }
    if let Some(t) = recall::<std::collections::BTreeMap<String, f64>>(TARGETS_KEY) {
        for (id, v) in t {
            s = s.apply(Action::SetTarget(id, Some(v)));
        }
    }
    s
}
/// Mappings the user fixed are kept under this prefix plus the header signature.
const MAPPING_PREFIX: &str = "crm-kpi.mapping.";

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
            let json = store.get_item(&key).ok().flatten()?;
            let ids: Vec<Option<String>> = serde_json::from_str(&json).ok()?;
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
            if let Ok(json) = serde_json::to_string(&ids) {
                let _ = store.set_item(&key, &json);
            }
        }
        None => {
            let _ = store.remove_item(&key);
        }
    }
}

/// Hand text to the browser as a file download (a Blob URL clicked through a link).
fn save_text(name: &str, text: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let bag = web_sys::BlobPropertyBag::new();
    bag.set_type("text/csv;charset=utf-8");
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

async fn bytes_of_promise(promise: js_sys::Promise) -> Result<Vec<u8>, String> {
    let buf = JsFuture::from(promise)
        .await
        .map_err(|e| format!("{e:?}"))?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}

async fn read_file(file: web_sys::File) -> Result<InputFile, String> {
    let name = file.name();
    let bytes = bytes_of_promise(file.array_buffer()).await?;
    Ok(InputFile::new(name, bytes))
}

async fn fetch_sample() -> Result<Vec<u8>, String> {
    let window = web_sys::window().ok_or("no window")?;
    let resp = JsFuture::from(window.fetch_with_str("sample-deals.csv"))
        .await
        .map_err(|e| format!("{e:?}"))?;
    let resp: web_sys::Response = resp.dyn_into().map_err(|_| "not a response".to_string())?;
    if !resp.ok() {
        return Err(format!("HTTP {}", resp.status()));
    }
    bytes_of_promise(resp.array_buffer().map_err(|e| format!("{e:?}"))?).await
}

type Bridge = Rc<RefCell<Option<EngineWorker>>>;
/// The files being loaded (with where they came from) until their report arrives.
type Pending = Rc<RefCell<Option<(Vec<InputFile>, Source)>>>;
/// The formats worker, started on first need, and the answers gathered for one load.
type FormatsSlot = Rc<RefCell<Option<(WorkerBridge<Formats>, Rc<RefCell<Answers>>)>>>;

#[derive(Default)]
struct Answers {
    expected: usize,
    done: Vec<Done>,
}

/// Hand the jobs to the formats worker and its answers, all together, to the main worker.
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
    let js = absolute(href(r#"link[rel="modulepreload"]"#));
    let wasm = absolute(href(r#"link[rel="preload"][type="application/wasm"]"#));
    let script = format!(
        "import({js:?}).then(async (m) => {{ await m.default({{ module_or_path: {wasm:?} }}); m.start_worker(); }});"
    );
    let parts = js_sys::Array::of1(&script.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/javascript");
    web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .and_then(|b| web_sys::Url::create_object_url_with_blob(&b))
        .unwrap_or_default()
}

fn prepare(slot: &FormatsSlot, main: &Bridge, jobs: Vec<Job>) {
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
            .spawn("./formats.js");
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
    shown: &Rc<RefCell<(Vec<InputFile>, Source)>>,
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
                report: Rc::new(*report),
                ms,
            })
        }
        Response::Progress { file, stage } => dispatcher.dispatch(Action::Progress(file, stage)),
        Response::Prepare(jobs) => prepare(&formats, &main, jobs),
        Response::Download { name, text } => save_text(&name, &text),
        Response::Ready => {}
    });
    spawned.ok()
}

#[component]
pub fn App() -> Html {
    let store = use_reducer(|| Store(initial_state()));
    let bridge: Bridge = use_mut_ref(|| None);
    let formats: FormatsSlot = use_mut_ref(|| None);
    // The files on screen, kept so that a different encoding can be applied to one of them,
    // and the files of a load under way (a cancel goes back to the ones on screen).
    let loaded_files = use_mut_ref(|| (Vec::<InputFile>::new(), Source::Nothing));
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
        let pending = pending.clone();
        use_effect_with((), move |_| {
            *bridge.borrow_mut() = spawn_engine(
                dispatcher.clone(),
                &bridge,
                &formats,
                &pending,
                &loaded_files,
            );
            dispatcher.dispatch(Action::Loading(Source::Sample));
            spawn_local(async move {
                match fetch_sample().await {
                    Ok(bytes) => {
                        let opts = crate::engine::Options {
                            period: Period::All,
                            ..opts
                        };
                        *last_sent.borrow_mut() = Some(opts.clone());
                        let files = vec![InputFile::new("sample-deals.csv", bytes)];
                        *pending.borrow_mut() = Some((files.clone(), Source::Sample));
                        if let Some(b) = bridge.borrow().as_ref() {
                            b.send(Request::Load {
                                files,
                                opts,
                                saved: saved_mappings(),
                            });
                        }
                    }
                    Err(e) => dispatcher.dispatch(Action::Failed(format!("sample-deals.csv: {e}"))),
                }
            });
        });
    }

    // Recompute when the options change and the report on screen no longer answers them.
    {
        let bridge = bridge.clone();
        let last_sent = last_sent.clone();
        let dispatcher = store.dispatcher();
        let current = state.report_is_current();
        let loaded = state.report.is_some();
        use_effect_with(state.opts.clone(), move |opts| {
            if loaded && !current && last_sent.borrow().as_ref() != Some(opts) {
                *last_sent.borrow_mut() = Some(opts.clone());
                if let Some(b) = bridge.borrow().as_ref() {
                    dispatcher.dispatch(Action::Recomputing);
                    b.send(Request::Compute(opts.clone()));
                }
            }
        });
    }

    let load = {
        let bridge = bridge.clone();
        let last_sent = last_sent.clone();
        let pending = pending.clone();
        let dispatcher = store.dispatcher();
        let opts = state.opts.clone();
        // `again`: the same files read once more (another encoding or sheet): the period stays.
        Rc::new(move |files: Vec<InputFile>, source: Source, again: bool| {
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
                b.send(Request::Load {
                    files,
                    opts,
                    saved: saved_mappings(),
                });
            }
        })
    };

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
            *pending.borrow_mut() = Some((files.clone(), source));
            *last_sent.borrow_mut() = Some(opts.clone());
            if let Some(b) = bridge.borrow().as_ref() {
                b.send(Request::Load {
                    files,
                    opts: opts.clone(),
                    saved: saved_mappings(),
                });
            }
        })
    };

    let on_files = {
        let load = load.clone();
        let dispatcher = store.dispatcher();
        Callback::from(move |files: Vec<web_sys::File>| {
            let load = load.clone();
            let dispatcher = dispatcher.clone();
            spawn_local(async move {
                let names: Vec<String> = files.iter().map(|f| f.name()).collect();
                let mut inputs = Vec::new();
                for f in files {
                    match read_file(f).await {
                        Ok(i) => inputs.push(i),
                        Err(e) => dispatcher.dispatch(Action::Failed(e)),
                    }
                }
                if !inputs.is_empty() {
                    load(inputs, Source::Files(names), false);
                }
            });
        })
    };
    let on_analyze_paste = {
        let load = load.clone();
        let paste = state.paste.clone();
        Callback::from(move |_| {
            if !paste.trim().is_empty() {
                load(
                    vec![InputFile::new("pasted data", paste.clone().into_bytes())],
                    Source::Pasted,
                    false,
                );
            }
        })
    };
    let on_sample = {
        let load = load.clone();
        let dispatcher = store.dispatcher();
        Callback::from(move |_| {
            let load = load.clone();
            let dispatcher = dispatcher.clone();
            spawn_local(async move {
                match fetch_sample().await {
                    Ok(bytes) => load(
                        vec![InputFile::new("sample-deals.csv", bytes)],
                        Source::Sample,
                        false,
                    ),
                    Err(e) => dispatcher.dispatch(Action::Failed(format!("sample-deals.csv: {e}"))),
                }
            });
        })
    };
    // The mapping editor: one column's role changed, or the table reset to the detected roles.
    let remap = {
        let bridge = bridge.clone();
        let dispatcher = store.dispatcher();
        let opts = state.opts.clone();
        Rc::new(
            move |table: usize, signature: &str, mapping: Option<Vec<Option<Role>>>| {
                save_mapping(signature, mapping.as_deref());
                if let Some(b) = bridge.borrow().as_ref() {
                    dispatcher.dispatch(Action::Recomputing);
                    b.send(Request::Remap {
                        table,
                        mapping,
                        opts: opts.clone(),
                    });
                }
            },
        )
    };
    let on_role = {
        let remap = remap.clone();
        let report = state.report.clone();
        Callback::from(move |(table, column, role): (usize, usize, Option<Role>)| {
            let Some(t) = report.as_ref().and_then(|r| r.tables.get(table)) else {
                return;
            };
            let mut mapping: Vec<Option<Role>> = t.columns.iter().map(|c| c.role).collect();
            if let Some(slot) = mapping.get_mut(column) {
                *slot = role;
                remap(table, &t.signature, Some(mapping));
            }
        })
    };
    let on_reset_mapping = {
        let report = state.report.clone();
        Callback::from(move |table: usize| {
            if let Some(t) = report.as_ref().and_then(|r| r.tables.get(table)) {
                remap(table, &t.signature, None);
            }
        })
    };
    // Read one file again in the encoding or from the sheet the user picked.
    let reread = {
        let load = load.clone();
        let loaded_files = loaded_files.clone();
        let source = state.source.clone();
        Rc::new(
            move |file: &str, change: &dyn Fn(&mut crate::engine::ReadOptions)| {
                let mut files = loaded_files.borrow().0.clone();
                if let Some(f) = files.iter_mut().find(|f| f.name == file) {
                    change(&mut f.read);
                    load(files, source.clone(), true);
                }
            },
        )
    };
    let on_encoding = {
        let reread = reread.clone();
        Callback::from(move |(file, label): (String, String)| {
            reread(&file, &|r| {
                r.encoding = Some(label.clone());
                r.detected = false;
            })
        })
    };
    let on_sheet = Callback::from(move |(file, sheet): (String, String)| {
        reread(&file, &|r| r.sheet = Some(sheet.clone()))
    });
    let on_download_issues = {
        let bridge = bridge.clone();
        Callback::from(move |_| {
            if let Some(b) = bridge.borrow().as_ref() {
                b.send(Request::IssuesCsv(lang));
            }
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
        if let Some(doc) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = doc.set_attribute("lang", if l == Lang::Zh { "zh-CN" } else { "en" });
        }
        d.dispatch(Action::SetLang(l))
    });
    let d = store.dispatcher();
    let on_stage = Callback::from(move |s: Stage| d.dispatch(Action::SetStage(s)));
    let d = store.dispatcher();
    let on_goal = Callback::from(move |g: Goal| d.dispatch(Action::ToggleGoal(g)));
    let d = store.dispatcher();
    let on_period = Callback::from(move |p: Period| d.dispatch(Action::SetPeriod(p)));
    let d = store.dispatcher();
    let on_inputs = Callback::from(move |i: crate::engine::Inputs| {
        remember(INPUTS_KEY, &i);
        d.dispatch(Action::SetInputs(i))
    });
    let on_new_rep = {
        let d = store.dispatcher();
        let marked = state.new_reps.clone();
        Callback::from(move |rep: String| {
            let mut next = marked.clone();
            match next.iter().position(|r| *r == rep) {
                Some(i) => {
                    next.remove(i);
                }
                None => next.push(rep.clone()),
            }
            remember(NEW_REPS_KEY, &next);
            d.dispatch(Action::ToggleNewRep(rep))
        })
    };
    // Take the results away: the KPI table as CSV, or as TSV on the clipboard for pasting into
    // a spreadsheet.
    let on_export = {
        let report = state.report.clone();
        let d = store.dispatcher();
        Callback::from(move |what: &'static str| {
            let Some(r) = report.as_ref() else { return };
            let stem = format!("crm-kpi-{}", r.period.replace("..", "_"));
            match what {
                "csv" => save_text(&format!("{stem}.csv"), &crate::engine::export::kpis_csv(r)),
                _ => {
                    let text = crate::engine::export::kpis_tsv(r);
                    if let Some(w) = web_sys::window() {
                        let done = d.clone();
                        let promise = w.navigator().clipboard().write_text(&text);
                        spawn_local(async move {
                            let ok = JsFuture::from(promise).await.is_ok();
                            done.dispatch(Action::Copied(ok));
                        });
                    }
                }
            }
        })
    };
    let on_target = {
        let d = store.dispatcher();
        let targets = state.opts.targets.clone();
        Callback::from(move |(id, v): (String, Option<f64>)| {
            let mut next = targets.clone();
            match v {
                Some(x) => next.insert(id.clone(), x),
                None => next.remove(&id),
            };
            remember(TARGETS_KEY, &next);
            d.dispatch(Action::SetTarget(id, v))
        })
    };

    let report = state.report.clone();
    html! {
        <>
        <Header {lang} {on_lang} />
        <main class="layout" aria-busy={state.busy.to_string()}>
            <div class="side">
                <DataInput {lang} source={state.source.clone()} report={report.clone()} busy={state.busy}
                    compute_ms={state.compute_ms} failure={state.failure.clone()} paste={state.paste.clone()}
                    {on_files} {on_paste_change} {on_analyze_paste} {on_sample}
                    progress={state.progress.clone()} {on_cancel} />
                <Controls {lang} opts={state.opts.clone()}
                    periods={report.as_ref().map(|r| r.periods.clone()).unwrap_or_default()}
                    {on_stage} {on_goal} {on_period} />
                <InputsPanel {lang} inputs={state.opts.inputs.clone()} on_change={on_inputs} />
            </div>
            <div class="results">
            {
                match &report {
                    Some(r) => html! {
                        <>
                        <Summary {lang} report={r.clone()} />
                        <KpiCards {lang} report={r.clone()} {on_target} {on_export} copied={state.copied} />
                        <Warnings {lang} report={r.clone()} />
                        <Breakdowns {lang} report={r.clone()} />
                        <Reps {lang} report={r.clone()} new_reps={state.new_reps.clone()} on_toggle={on_new_rep} />
                        <Mapping {lang} report={r.clone()} on_role={on_role.clone()}
                            on_reset={on_reset_mapping.clone()} on_encoding={on_encoding.clone()} on_sheet={on_sheet.clone()} />
                        <Issues {lang} report={r.clone()} on_download={on_download_issues.clone()} />
                        </>
                    },
                    None => html! { <p class="placeholder">{ t(lang, T::Working) }</p> },
                }
            }
            </div>
        </main>
        <footer class="footer">{ t(lang, T::Privacy) }</footer>
        </>
    }
}
