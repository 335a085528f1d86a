use crate::engine::catalogue::{Goal, Stage};
use crate::engine::{Options, Period};
use crate::i18n::{t, Lang, T};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub opts: Options,
    pub periods: Vec<String>,
    pub on_stage: Callback<Stage>,
    pub on_goal: Callback<Goal>,
    pub on_period: Callback<Period>,
}

/// Company stage, goals and period.
#[component]
pub fn Controls(p: &Props) -> Html {
    let lang = p.lang;
    let on_stage = {
        let cb = p.on_stage.clone();
        Callback::from(move |e: Event| {
            let sel: HtmlSelectElement = e.target_unchecked_into();
            if let Some(s) = Stage::from_id(&sel.value()) {
                cb.emit(s);
            }
        })
    };
    let on_period = {
        let cb = p.on_period.clone();
        Callback::from(move |e: Event| {
            let sel: HtmlSelectElement = e.target_unchecked_into();
            if let Some(per) = Period::parse(&sel.value()) {
                cb.emit(per);
            }
        })
    };
    let current = p.opts.period.to_string();
    let group = |label: T, pred: fn(&str) -> bool| {
        let items: Vec<&String> = p.periods.iter().filter(|s| pred(s)).collect();
        if items.is_empty() {
            return html! {};
        }
        html! {
            <optgroup label={t(lang, label)}>
                { for items.into_iter().map(|s| html! { <option value={s.clone()} selected={*s == current}>{ s }</option> }) }
            </optgroup>
        }
    };
    html! {
        <section class="panel controls" aria-labelledby="company-h">
            <h2 id="company-h">{ t(lang, T::Company) }</h2>
            <label for="stage">{ t(lang, T::Stage) }</label>
            <select id="stage" onchange={on_stage}>
                { for Stage::ALL.iter().map(|s| html! {
                    <option value={s.id()} selected={*s == p.opts.stage}>{ s.label(lang) }</option>
                }) }
            </select>
            <fieldset class="goals">
                <legend>{ t(lang, T::Goals) }</legend>
                { for Goal::ALL.iter().map(|g| {
                    let g = *g;
                    let cb = p.on_goal.clone();
                    html! {
                        <label class="goal">
                            <input type="checkbox" id={format!("goal-{}", g.id())} checked={p.opts.goals.contains(&g)}
                                onchange={Callback::from(move |_| cb.emit(g))} />
                            { g.label(lang) }
                        </label>
                    }
                }) }
            </fieldset>
            <label for="period">{ t(lang, T::Period) }</label>
            <select id="period" onchange={on_period}>
                <option value="all" selected={current == "all"}>{ t(lang, T::WholeRange) }</option>
                { group(T::Years, |s| s.len() == 4) }
                { group(T::Quarters, |s| s.contains('Q')) }
                { group(T::Months, |s| s.len() == 7 && !s.contains('Q')) }
            </select>
        </section>
    }
}
