use crate::format::number;
use crate::i18n::{t, Lang, T};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub report: crate::state::Shown,
}

/// Deal counts of the period.
#[component]
pub fn Summary(p: &Props) -> Html {
    let lang = p.lang;
    let Some(d) = &p.report.deals else {
        return html! {};
    };
    let period = match (&p.report.period_from, &p.report.period_to) {
        (Some(a), Some(b)) => {
            p.report.period.clone() + &crate::i18n::aside(lang, &format!("{a} – {b}"))
        }
        _ => t(lang, T::WholeRange).to_string(),
    };
    let cell = |n: u64, label: T, id: &str| {
        html! {
            <div class="count" id={format!("count-{id}")}><span class="n">{ number(n as f64, 0) }</span><span class="l">{ t(lang, label) }</span></div>
        }
    };
    html! {
        <section class="summary" aria-label={t(lang, T::Summary)}>
            <h2>{ t(lang, T::Summary) }<span class="period">{ period }</span></h2>
            <div class="counts">
                { cell(d.created, T::Total, "created") }
                { cell(d.won, T::Won, "won") }
                { cell(d.lost, T::Lost, "lost") }
                { cell(d.open, T::Open, "open") }
                { if d.invalid > 0 { cell(d.invalid, T::Invalid, "invalid") } else { html! {} } }
            </div>
        </section>
    }
}
