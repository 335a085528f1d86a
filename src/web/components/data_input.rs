use crate::i18n::{t, Lang, T};
use crate::state::Source;
use wasm_bindgen::JsCast;
use web_sys::{DragEvent, HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub source: Source,
    pub report: Option<crate::state::Shown>,
    pub busy: bool,
    /// Files are being read (busy for a load, not for a change on loaded data).
    pub loading: bool,
    pub compute_ms: Option<f64>,
    pub failure: Option<String>,
    pub paste: String,
    pub on_files: Callback<Vec<web_sys::File>>,
    pub on_paste_change: Callback<String>,
    pub on_analyze_paste: Callback<()>,
    pub on_sample: Callback<()>,
    /// How far the worker is with a load.
    pub progress: Option<(String, crate::engine::Progress)>,
    pub on_cancel: Callback<()>,
}

fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// Paste box, file picker, drop zone and the status of what is loaded.
#[component]
pub fn DataInput(p: &Props) -> Html {
    let lang = p.lang;
    let dragging = use_state(|| false);
    let on_change = {
        let on_files = p.on_files.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let files = files_of(input.files());
            // Let the same file be chosen again later.
            input.set_value("");
            if !files.is_empty() {
                on_files.emit(files);
            }
        })
    };
    let on_drag_over = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(true);
        })
    };
    let on_drag_leave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let on_drop = {
        let on_files = p.on_files.clone();
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            let files = files_of(e.data_transfer().and_then(|d| d.files()));
            if !files.is_empty() {
                on_files.emit(files);
            }
        })
    };
    let on_input = {
        let cb = p.on_paste_change.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(area) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok())
            {
                cb.emit(area.value());
            }
        })
    };
    let on_analyze = p.on_analyze_paste.reform(|_: MouseEvent| ());
    let on_sample = p.on_sample.reform(|_: MouseEvent| ());
    let source = match &p.source {
        Source::Nothing => String::new(),
        Source::Sample => t(lang, T::SampleName).to_string(),
        Source::Pasted => t(lang, T::PastedData).to_string(),
        Source::Files(names) => names.join(", "),
    };
    let rows: usize = p
        .report
        .as_ref()
        .map_or(0, |r| r.tables.iter().map(|t| t.rows).sum());
    let status = if let (true, Some((file, stage))) = (p.busy, &p.progress) {
        let mb = |b: u64| crate::format::number(b as f64 / 1e6, 1);
        let (value, max, text) = match stage {
            crate::engine::Progress::Reading { rows, bytes, total } => (
                *bytes as f64,
                (*total).max(1) as f64,
                format!(
                    "{} {file}: {} {} · {} / {} MB",
                    t(lang, T::Reading),
                    crate::format::number(*rows as f64, 0),
                    t(lang, T::Rows),
                    mb(*bytes),
                    mb(*total)
                ),
            ),
            crate::engine::Progress::Computing => (1.0, 1.0, t(lang, T::Computing).to_string()),
        };
        let cancel = p.on_cancel.clone();
        html! {
            <div class="progress" role="status" id="load-progress">
                <progress value={value.to_string()} max={max.to_string()}></progress>
                <p class="status busy">{ text }</p>
                <button type="button" class="button" id="cancel-load" onclick={Callback::from(move |_| cancel.emit(()))}>{ t(lang, T::Cancel) }</button>
            </div>
        }
    } else if p.busy && (p.loading || p.report.is_none()) {
        html! { <p class="status busy" role="status">{ t(lang, T::Working) }</p> }
    } else if p.report.is_some() {
        // While a change on loaded data is worked out the line stays as it was: most answers
        // come within a few frames, and a line swapped for "Reading and computing…" and back
        // flashed on every click. A slower answer shows a turning mark at the line's end after
        // a fifth of a second (style.css); the page's `aria-busy` says it is working.
        html! {
            <p class={classes!("status", p.busy.then_some("working"))} role="status" id="load-status">
                { format!("{}{}{source} — {} {}", t(lang, T::Loaded), t(lang, T::Colon), crate::format::number(rows as f64, 0), t(lang, T::Rows)) }
                { p.compute_ms.map(|ms| html! { <span class="ms">{ format!(" · {} ms", crate::format::number(ms, 0)) }</span> }).unwrap_or_default() }
            </p>
        }
    } else {
        html! {}
    };
    let errors: Vec<String> = p
        .report
        .as_ref()
        .map(|r| r.errors.iter().map(|e| e.message.clone()).collect())
        .unwrap_or_default();
    html! {
        <section class="panel data" aria-labelledby="data-h">
            <h2 id="data-h">{ t(lang, T::YourData) }</h2>
            { status }
            { for p.failure.iter().chain(errors.iter()).map(|m| html! {
                <div class="error" role="alert"><strong>{ t(lang, T::ErrorTitle) }</strong><p>{ m }</p></div>
            }) }
            <div class={classes!("dropzone", (*dragging).then_some("over"))} ondragover={on_drag_over} ondragleave={on_drag_leave} ondrop={on_drop} id="dropzone">
                <label class="button primary" for="file-input">{ t(lang, T::ChooseFile) }</label>
                <input id="file-input" type="file" accept=".csv,.tsv,.txt,.xlsx,.xlsm,.xlsb,.xls,.ods,text/csv,text/plain" multiple=true onchange={on_change} />
                <p class="hint">{ t(lang, T::DropHere) }</p>
            </div>
            <label class="paste-label" for="paste">{ t(lang, T::PasteHere) }</label>
            <textarea id="paste" rows="5" value={p.paste.clone()} oninput={on_input} spellcheck="false"
                placeholder={t(lang, T::PastePlaceholder)} />
            <div class="row">
                <button type="button" id="analyze-paste" class="button" onclick={on_analyze} disabled={p.paste.trim().is_empty()}>{ t(lang, T::Analyze) }</button>
                <button type="button" id="load-sample" class="button link" onclick={on_sample}>{ t(lang, T::LoadSample) }</button>
            </div>
        </section>
    }
}
