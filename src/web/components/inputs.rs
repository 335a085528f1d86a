use crate::engine::Inputs;
use crate::i18n::{t, Lang, T};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub inputs: Inputs,
    pub on_change: Callback<Inputs>,
}

/// One field of [`Inputs`]: how to read it out and write it back.
struct Field {
    id: &'static str,
    label: T,
    get: fn(&Inputs) -> Option<f64>,
    set: fn(&mut Inputs, Option<f64>),
}

const FIELDS: &[Field] = &[
    Field {
        id: "in-spend",
        label: T::InSpend,
        get: |i| i.spend_per_month,
        set: |i, v| i.spend_per_month = v,
    },
    Field {
        id: "in-target",
        label: T::InTarget,
        get: |i| i.revenue_target_per_month,
        set: |i, v| i.revenue_target_per_month = v,
    },
    Field {
        id: "in-licences",
        label: T::InLicences,
        get: |i| i.licences,
        set: |i, v| i.licences = v,
    },
    Field {
        id: "in-market",
        label: T::InMarket,
        get: |i| i.market_size_per_year,
        set: |i, v| i.market_size_per_year = v,
    },
    Field {
        id: "in-margin",
        label: T::InMargin,
        get: |i| i.gross_margin.map(|m| m * 100.0),
        set: |i, v| i.gross_margin = v.map(|m| m / 100.0),
    },
    Field {
        id: "in-sla",
        label: T::InSla,
        get: |i| i.sla_hours,
        set: |i, v| i.sla_hours = v,
    },
    Field {
        id: "in-churn",
        label: T::InChurn,
        get: |i| i.churn_window_days.map(f64::from),
        set: |i, v| i.churn_window_days = v.filter(|d| *d >= 1.0).map(|d| d.round() as u32),
    },
    Field {
        id: "in-budget",
        label: T::InBudget,
        get: |i| i.crm_budget,
        set: |i, v| i.crm_budget = v,
    },
    Field {
        id: "in-cost",
        label: T::InCost,
        get: |i| i.crm_cost,
        set: |i, v| i.crm_cost = v,
    },
];

/// The figures exports lack, typed in once and kept in this browser.
#[component]
pub fn InputsPanel(p: &Props) -> Html {
    let lang = p.lang;
    let any = FIELDS.iter().any(|f| (f.get)(&p.inputs).is_some())
        || !p.inputs.rep_targets_per_month.is_empty();
    let rep_text: String = p
        .inputs
        .rep_targets_per_month
        .iter()
        .map(|(k, v)| format!("{k}: {v}\n"))
        .collect();
    let on_reps = {
        let current = p.inputs.clone();
        let cb = p.on_change.clone();
        Callback::from(move |e: Event| {
            let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            let mut next = current.clone();
            next.rep_targets_per_month = crate::state::parse_rep_targets(&area.value());
            cb.emit(next);
        })
    };
    html! {
        <details class="panel inputs" id="inputs" open={any}>
            <summary><h2>{ t(lang, T::InputsTitle) }</h2></summary>
            <p class="hint">{ t(lang, T::InputsHint) }</p>
            { for FIELDS.iter().map(|f| {
                let current = p.inputs.clone();
                let cb = p.on_change.clone();
                let set = f.set;
                let onchange = Callback::from(move |e: Event| {
                    let input: HtmlInputElement = e.target_unchecked_into();
                    let text = input.value();
                    let v = text.trim().parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0);
                    let mut next = current.clone();
                    set(&mut next, v);
                    cb.emit(next);
                });
                let value = (f.get)(&p.inputs).map(|v| format!("{}", (v * 1000.0).round() / 1000.0)).unwrap_or_default();
                html! {
                    <div class="field">
                        <label for={f.id}>{ t(lang, f.label) }</label>
                        <input id={f.id} type="number" min="0" step="any" {value} {onchange} />
                    </div>
                }
            }) }
            <div class="field">
                <label for="in-rep-targets">{ t(lang, T::InRepTargets) }</label>
                <textarea id="in-rep-targets" rows="3" placeholder="Ann Lee: 20000" value={rep_text} onchange={on_reps} />
            </div>
        </details>
    }
}
