//! The page: a thin Yew adapter over [`crate::state`], the worker bridge, and the components.
//! Data flows down as props; events come up through `on…` callbacks and become actions.

use crate::engine::catalogue::{Goal, Stage};
use crate::engine::Period;
use crate::i18n::{t, Lang, T};
use crate::state::{Action, Source, State};
use crate::web::components::{
    breakdowns::Breakdowns, controls::Controls, data_input::DataInput, header::Header,
    issues::Issues, kpi_cards::KpiCards, mapping::Mapping, summary::Summary,
};
use crate::web::worker::{InputFile, KpiWorker, Request, Response};
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

async fn bytes_of_promise(promise: js_sys::Promise) -> Result<Vec<u8>, String> {
    let buf = JsFuture::from(promise)
        .await
        .map_err(|e| format!("{e:?}"))?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}

async fn read_file(file: web_sys::File) -> Result<InputFile, String> {
    let name = file.name();
    let bytes = bytes_of_promise(file.array_buffer()).await?;
    Ok(InputFile { name, bytes })
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

type Bridge = Rc<RefCell<Option<WorkerBridge<KpiWorker>>>>;

#[component]
pub fn App() -> Html {
    let store = use_reducer(|| Store(State::new(initial_lang())));
    let bridge: Bridge = use_mut_ref(|| None);
    let last_sent = use_mut_ref(|| None::<crate::engine::Options>);
    let state = &store.0;
    let lang = state.lang();

    // Start the worker once and load the sample.
    {
        let dispatcher = store.dispatcher();
        let bridge = bridge.clone();
        let last_sent = last_sent.clone();
        let opts = state.opts.clone();
        use_effect_with((), move |_| {
            let on_response = dispatcher.clone();
            let b = KpiWorker::spawner()
                .callback(move |resp| match resp {
                    Response::Report { report, ms } => on_response.dispatch(Action::Loaded {
                        report: Rc::new(*report),
                        ms,
                    }),
                })
                .spawn("./worker.js");
            *bridge.borrow_mut() = Some(b);
            dispatcher.dispatch(Action::Loading(Source::Sample));
            spawn_local(async move {
                match fetch_sample().await {
                    Ok(bytes) => {
                        let opts = crate::engine::Options {
                            period: Period::All,
                            ..opts
                        };
                        *last_sent.borrow_mut() = Some(opts.clone());
                        if let Some(b) = bridge.borrow().as_ref() {
                            b.send(Request::Load {
                                files: vec![InputFile {
                                    name: "sample-deals.csv".into(),
                                    bytes,
                                }],
                                opts,
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
        let dispatcher = store.dispatcher();
        let opts = state.opts.clone();
        Rc::new(move |files: Vec<InputFile>, source: Source| {
            dispatcher.dispatch(Action::Loading(source));
            let opts = crate::engine::Options {
                period: Period::All,
                ..opts.clone()
            };
            *last_sent.borrow_mut() = Some(opts.clone());
            if let Some(b) = bridge.borrow().as_ref() {
                b.send(Request::Load { files, opts });
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
                    load(inputs, Source::Files(names));
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
                    vec![InputFile {
                        name: "pasted data".into(),
                        bytes: paste.clone().into_bytes(),
                    }],
                    Source::Pasted,
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
                        vec![InputFile {
                            name: "sample-deals.csv".into(),
                            bytes,
                        }],
                        Source::Sample,
                    ),
                    Err(e) => dispatcher.dispatch(Action::Failed(format!("sample-deals.csv: {e}"))),
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

    let report = state.report.clone();
    html! {
        <>
        <Header {lang} {on_lang} />
        <main class="layout" aria-busy={state.busy.to_string()}>
            <div class="side">
                <DataInput {lang} source={state.source.clone()} report={report.clone()} busy={state.busy}
                    compute_ms={state.compute_ms} failure={state.failure.clone()} paste={state.paste.clone()}
                    {on_files} {on_paste_change} {on_analyze_paste} {on_sample} />
                <Controls {lang} opts={state.opts.clone()}
                    periods={report.as_ref().map(|r| r.periods.clone()).unwrap_or_default()}
                    {on_stage} {on_goal} {on_period} />
            </div>
            <div class="results">
            {
                match &report {
                    Some(r) => html! {
                        <>
                        <Summary {lang} report={r.clone()} />
                        <KpiCards {lang} report={r.clone()} />
                        <Breakdowns {lang} report={r.clone()} />
                        <Mapping {lang} report={r.clone()} />
                        <Issues {lang} report={r.clone()} />
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
