use crate::engine::catalogue::{Goal, Stage};
use crate::engine::{Options, Period};
use crate::i18n::{t, Lang, T};
use web_sys::{HtmlInputElement, HtmlSelectElement};
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
    // Once the user has picked an option, browsers ignore later changes of the options'
    // `selected` attributes: the shown choice is set on the element after every render in
    // which the choice or the options changed (a new file's last month, a host's settings).
    // Only when it differs: Chrome's autofill reads every form control of the page again
    // after a select's choice is set in a user's action, even to the same option (16–38 ms
    // after each switch of language, before the new report could be drawn).
    let stage_ref = use_node_ref();
    let period_ref = use_node_ref();
    {
        let (stage_ref, period_ref) = (stage_ref.clone(), period_ref.clone());
        let shown = (p.opts.stage.id(), current.clone(), p.periods.clone(), lang);
        use_effect_with(shown, move |(stage, period, _, _)| {
            if let Some(sel) = stage_ref.cast::<HtmlSelectElement>() {
                if sel.value() != *stage {
                    sel.set_value(stage);
                }
            }
            if let Some(sel) = period_ref.cast::<HtmlSelectElement>() {
                if sel.value() != *period {
                    sel.set_value(period);
                }
            }
        });
    }
    // The custom range's two ends, held until "apply".
    let bounds = p.opts.period.bounds().map(|(a, b)| {
        let d = crate::engine::value::date_of_day;
        (d(a).to_string(), d(b).to_string())
    });
    let from = use_state(|| bounds.clone().map(|b| b.0).unwrap_or_default());
    let to = use_state(|| bounds.map(|b| b.1).unwrap_or_default());
    let on_from = {
        let from = from.clone();
        Callback::from(move |e: Event| {
            from.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_to = {
        let to = to.clone();
        Callback::from(move |e: Event| {
            to.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_apply = {
        let (from, to) = (from.clone(), to.clone());
        let cb = p.on_period.clone();
        Callback::from(move |_| {
            if let Some(per) = Period::parse(&format!("{}..{}", *from, *to)) {
                cb.emit(per);
            }
        })
    };
    let (from, to) = ((*from).clone(), (*to).clone());
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
            <select id="stage" ref={stage_ref} onchange={on_stage}>
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
            <select id="period" ref={period_ref} onchange={on_period}>
                <option value="all" selected={current == "all"}>{ t(lang, T::WholeRange) }</option>
                { group(T::Years, |s| s.len() == 4) }
                { group(T::Quarters, |s| s.contains('Q')) }
                { group(T::Months, |s| s.len() == 7 && !s.contains('Q')) }
                {
                    // A custom range, or a period the list does not hold (a month with dates
                    // of other kinds only, one from a shared link): shown as it is.
                    if current != "all" && !p.periods.contains(&current) {
                        html! { <option value={current.clone()} selected=true>{ current.replace("..", " – ") }</option> }
                    } else { html! {} }
                }
            </select>
            <details class="range" id="custom-range">
                <summary>{ t(lang, T::CustomRange) }</summary>
                <label for="range-from">{ t(lang, T::From) }</label>
                <input type="date" id="range-from" value={from.clone()} onchange={on_from} />
                <label for="range-to">{ t(lang, T::To) }</label>
                <input type="date" id="range-to" value={to.clone()} onchange={on_to} />
                <button type="button" class="button" id="range-apply" onclick={on_apply}>{ t(lang, T::Apply) }</button>
            </details>
        </section>
    }
}
