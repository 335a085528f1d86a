use crate::engine::catalogue::Input;
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

/// One field of [`Inputs`]: how to read it out and write it back, and the catalogue's input
/// it gives (if any: a KPI that needs that input asks for this field on its card).
struct Field {
    id: &'static str,
    label: T,
    input: Option<Input>,
    get: fn(&Inputs) -> Option<f64>,
    set: fn(&mut Inputs, Option<f64>),
}

const FIELDS: &[Field] = &[
    Field {
        id: "in-spend",
        label: T::InSpend,
        input: Some(Input::Spend),
        get: |i| i.spend_per_month,
        set: |i, v| i.spend_per_month = v,
    },
    Field {
        id: "in-target",
        label: T::InTarget,
        input: Some(Input::RevenueTarget),
        get: |i| i.revenue_target_per_month,
        set: |i, v| i.revenue_target_per_month = v,
    },
    Field {
        id: "in-licences",
        label: T::InLicences,
        input: Some(Input::Licences),
        get: |i| i.licences,
        set: |i, v| i.licences = v,
    },
    Field {
        id: "in-market",
        label: T::InMarket,
        input: Some(Input::MarketSize),
        get: |i| i.market_size_per_year,
        set: |i, v| i.market_size_per_year = v,
    },
    Field {
        id: "in-margin",
        label: T::InMargin,
        input: None,
        get: |i| i.gross_margin.map(|m| m * 100.0),
        set: |i, v| i.gross_margin = v.map(|m| m / 100.0),
    },
    Field {
        id: "in-sla",
        label: T::InSla,
        input: None,
        get: |i| i.sla_hours,
        set: |i, v| i.sla_hours = v,
    },
    Field {
        id: "in-churn",
        label: T::InChurn,
        input: Some(Input::ChurnWindow),
        get: |i| i.churn_window_days.map(f64::from),
        set: |i, v| i.churn_window_days = v.filter(|d| *d >= 1.0).map(|d| d.round() as u32),
    },
    Field {
        id: "in-budget",
        label: T::InBudget,
        input: Some(Input::CrmBudget),
        get: |i| i.crm_budget,
        set: |i, v| i.crm_budget = v,
    },
    Field {
        id: "in-cost",
        label: T::InCost,
        input: Some(Input::CrmBudget),
        get: |i| i.crm_cost,
        set: |i, v| i.crm_cost = v,
    },
];

/// A figure typed into a box: a number, not below zero; `None` when the box is emptied.
fn typed(text: &str) -> Option<f64> {
    crm_kpi_decimal::parse(text.trim())
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
}

/// A field's labelled box, its id `id`: typing a figure in it hands the inputs with that
/// figure to `on_change`.
fn field_box(
    lang: Lang,
    f: &Field,
    id: String,
    inputs: &Inputs,
    on_change: &Callback<Inputs>,
) -> Html {
    let (cb, current, set) = (on_change.clone(), inputs.clone(), f.set);
    let onchange = Callback::from(move |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        let mut next = current.clone();
        set(&mut next, typed(&input.value()));
        cb.emit(next);
    });
    let value = (f.get)(inputs)
        .map(|v| format!("{}", (v * 1000.0).round() / 1000.0))
        .unwrap_or_default();
    html! {
        <div class="field">
            <label for={id.clone()}>{ t(lang, f.label) }</label>
            <input {id} type="number" min="0" step="any" {value} {onchange} />
        </div>
    }
}

/// The boxes for the inputs a KPI's card lacks, where the card says what it needs: typing a
/// figure there sets the same field as the panel does, so the KPI is computed at once. The
/// boxes' ids start with the KPI's id (a page shows several such cards).
pub fn on_card(
    lang: Lang,
    kpi: &str,
    missing: &[String],
    inputs: &Inputs,
    on_change: &Callback<Inputs>,
) -> Html {
    let fields = FIELDS
        .iter()
        .filter(|f| f.input.is_some_and(|i| missing.iter().any(|m| m == i.id())));
    html! {
        <div class="card-inputs">
            { for fields.map(|f| field_box(lang, f, format!("{kpi}-{}", f.id), inputs, on_change)) }
        </div>
    }
}

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
            { for FIELDS.iter().map(|f| field_box(lang, f, f.id.to_string(), &p.inputs, &p.on_change)) }
            <div class="field">
                <label for="in-rep-targets">{ t(lang, T::InRepTargets) }</label>
                <textarea id="in-rep-targets" rows="3" placeholder="Ann Lee: 20000" value={rep_text} onchange={on_reps} />
            </div>
        </details>
    }
}
