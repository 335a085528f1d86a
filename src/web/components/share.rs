//! Taking the results away and coming back: the JSON download, a link to the settings, the
//! printable review pack, and snapshots kept in the browser to compare the next export with.

use crate::engine::history::Snapshot;
use crate::i18n::{t, Lang, T};
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub enum ShareAction {
    Json,
    CopyLink,
    Print,
    SaveSnapshot,
    /// Compare with the saved snapshot at this place in the history, or with none.
    Compare(Option<usize>),
    OpenSnapshot(web_sys::File),
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub history: Rc<Vec<Snapshot>>,
    pub compare: Option<Rc<Snapshot>>,
    pub share_link: Option<String>,
    pub link_copied: Option<bool>,
    pub snapshot_saved: bool,
    pub on_action: Callback<ShareAction>,
}

#[component]
pub fn Share(p: &Props) -> Html {
    let lang = p.lang;
    let button = |id: &'static str, label: T, action: ShareAction| {
        let cb = p.on_action.clone();
        html! {
            <button type="button" class="button" {id} onclick={Callback::from(move |_| cb.emit(action.clone()))}>{ t(lang, label) }</button>
        }
    };
    let on_compare = {
        let cb = p.on_action.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            cb.emit(ShareAction::Compare(select.value().parse::<usize>().ok()));
        })
    };
    let on_file = {
        let cb = p.on_action.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(f) = input.files().and_then(|l| l.get(0)) {
                cb.emit(ShareAction::OpenSnapshot(f));
            }
            // The same file can be opened again.
            input.set_value("");
        })
    };
    let compared = p
        .compare
        .as_ref()
        .and_then(|c| p.history.iter().position(|s| s == c.as_ref()));
    html! {
        <section class="panel share" aria-labelledby="share-h">
            <h2 id="share-h">{ t(lang, T::ShareTitle) }</h2>
            <div class="row">
                { button("export-json", T::ExportJson, ShareAction::Json) }
                { button("copy-link", T::CopyLink, ShareAction::CopyLink) }
                { button("print-pack", T::PrintPack, ShareAction::Print) }
            </div>
            <p class="hint">{ t(lang, T::LinkHint) }</p>
            {
                match &p.share_link {
                    Some(link) => html! {
                        <p class="share-link">
                            <input type="text" readonly=true id="share-link" value={link.clone()} aria-label={t(lang, T::CopyLink)} />
                            { match p.link_copied {
                                Some(true) => html! { <span class="copied" role="status">{ t(lang, T::LinkCopied) }</span> },
                                Some(false) => html! { <span class="copied failed" role="status">{ t(lang, T::CopyFailed) }</span> },
                                None => html! {},
                            } }
                        </p>
                    },
                    None => html! {},
                }
            }
            <div class="row">
                { button("save-snapshot", T::SaveSnapshot, ShareAction::SaveSnapshot) }
                <label class="button file">
                    { t(lang, T::LoadSnapshot) }
                    <input type="file" id="snapshot-file" accept=".csv,text/csv" onchange={on_file} />
                </label>
            </div>
            { if p.snapshot_saved { html! { <p class="copied" role="status">{ t(lang, T::SnapshotSaved) }</p> } } else { html! {} } }
            <label class="compare">
                { t(lang, T::CompareWith) }{ crate::i18n::space(lang) }
                <select id="compare" onchange={on_compare}>
                    <option value="" selected={compared.is_none()}>{ t(lang, T::CompareNone) }</option>
                    { for p.history.iter().enumerate().map(|(i, s)| html! {
                        <option value={i.to_string()} selected={compared == Some(i)}>
                            { format!("{} — {}", s.label(), s.source) }{ crate::i18n::aside(lang, &s.kpis.len().to_string()) }
                        </option>
                    }) }
                </select>
            </label>
        </section>
    }
}
