use crate::engine::catalogue::{self, Tier};
use crate::engine::report::{Recommended, Report};
use crate::i18n::{t, Lang, T};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub report: Rc<Report>,
}

pub fn tier_label(lang: Lang, tier: Tier) -> &'static str {
    t(
        lang,
        match tier {
            Tier::Basic => T::TierBasic,
            Tier::Process => T::TierProcess,
            Tier::Result => T::TierResult,
        },
    )
}

fn card(lang: Lang, report: &Report, rec: &Recommended) -> Html {
    let kpi = report.kpi(&rec.id);
    let def = catalogue::get(&rec.id);
    let formula = def.map(|d| d.formula(lang)).unwrap_or_default();
    let tier = format!("{:?}", rec.tier).to_lowercase();
    let body = match kpi {
        Some(k) => html! {
            <>
            <p class="value" data-value={k.value.map(|v| v.to_string()).unwrap_or_default()}>{ crate::format::value(k.value, k.unit, lang) }</p>
            {
                match &k.note {
                    Some(note) if k.value.is_none() => html! { <p class="note">{ note }</p> },
                    _ => html! { <p class="variant"><span>{ t(lang, T::Variant) }{ ": " }</span>{ &k.variant }</p> },
                }
            }
            </>
        },
        None => html! {
            <div class="needs">
                <p class="value na">{ t(lang, T::NotAvailable) }</p>
                <p><strong>{ t(lang, T::Needs) }{ ": " }</strong>{ rec.needs.join(if lang == Lang::Zh { "；" } else { "; " }) }</p>
            </div>
        },
    };
    html! {
        <article class={classes!("kpi-card", kpi.is_none().then_some("missing"))} data-kpi={rec.id.clone()}>
            <header>
                <span class={classes!("tier", tier.clone())}>{ tier_label(lang, rec.tier) }</span>
                <h3>{ &rec.name }</h3>
            </header>
            { body }
            <p class="reason">{ &rec.reason }</p>
            <details>
                <summary>{ t(lang, T::ShowFormula) }</summary>
                <p class="formula">{ formula }</p>
            </details>
        </article>
    }
}

/// The recommended KPI set as cards, then the other KPIs the data supports.
#[component]
pub fn KpiCards(p: &Props) -> Html {
    let lang = p.lang;
    let others: Vec<_> = p
        .report
        .kpis
        .iter()
        .filter(|k| !p.report.recommendation.iter().any(|r| r.id == k.id))
        .collect();
    html! {
        <section class="recommended" aria-labelledby="rec-h">
            <h2 id="rec-h">{ t(lang, T::Recommended) }</h2>
            <p class="hint">{ t(lang, T::RecommendedHint) }</p>
            <div class="cards" id="kpi-cards">
                { for p.report.recommendation.iter().map(|r| card(lang, &p.report, r)) }
            </div>
            {
                if others.is_empty() { html! {} } else { html! {
                    <details class="more" id="more-kpis">
                        <summary>{ format!("{} ({})", t(lang, T::MoreKpis), others.len()) }</summary>
                        <p class="hint">{ t(lang, T::MoreKpisHint) }</p>
                        <table>
                            <tbody>
                            { for others.iter().map(|k| html! {
                                <tr data-kpi={k.id.clone()}>
                                    <th scope="row">{ &k.name }<span class={classes!("tier", format!("{:?}", k.tier).to_lowercase())}>{ tier_label(lang, k.tier) }</span></th>
                                    <td class="num">{ crate::format::value(k.value, k.unit, lang) }</td>
                                    <td class="variant">{ k.note.as_deref().filter(|_| k.value.is_none()).unwrap_or(&k.variant) }</td>
                                </tr>
                            }) }
                            </tbody>
                        </table>
                    </details>
                } }
            }
        </section>
    }
}
