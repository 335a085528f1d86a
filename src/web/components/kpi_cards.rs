use crate::engine::catalogue::{self, Direction, Tier, Unit};
use crate::engine::history::{Comparison, Snapshot};
use crate::engine::report::{KpiResult, Recommended, Report, TargetStatus};
use crate::engine::Inputs;
use crate::i18n::{t, Lang, T};
use crate::web::chart;
use crate::web::components::inputs;
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub report: crate::state::Shown,
    pub on_target: Callback<(String, Option<f64>)>,
    #[prop_or_default]
    pub on_export: Callback<&'static str>,
    #[prop_or_default]
    pub copied: Option<bool>,
    /// A saved snapshot the KPIs are compared with.
    #[prop_or_default]
    pub compare: Option<Rc<Snapshot>>,
    /// Go back from the KPIs a host or link chose to the recommended set; add a goal.
    #[prop_or_default]
    pub on_action: Callback<crate::state::Action>,
    /// The figures typed in, and the figures with one typed into a card.
    #[prop_or_default]
    pub inputs: Inputs,
    #[prop_or_default]
    pub on_inputs: Callback<Inputs>,
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

/// A value in its unit for axis labels and changes.
fn show(v: f64, unit: Unit, lang: Lang) -> String {
    crate::format::value(Some(v), unit, lang)
}

/// The change against the previous period and a year earlier, coloured by the KPI's
/// direction (a falling churn is good news).
fn deltas(
    lang: Lang,
    report: &Report,
    k: &KpiResult,
    snap: Option<(&Snapshot, &Comparison)>,
) -> Html {
    let line = |label: String,
                delta: Option<f64>,
                pct: Option<f64>,
                before: Option<f64>,
                class: &'static str| {
        let (Some(d), Some(before)) = (delta, before) else {
            return html! {};
        };
        let good = match k.direction {
            Direction::HigherIsBetter => d > 0.0,
            Direction::LowerIsBetter => d < 0.0,
        };
        let arrow = if d > 0.0 {
            "▲"
        } else if d < 0.0 {
            "▼"
        } else {
            "="
        };
        let change = match (k.unit, pct) {
            // A rate changes by points; other figures by their own percentage.
            (Unit::Ratio, _) => format!("{arrow} {:+.1} pp", d * 100.0),
            (_, Some(p)) => format!("{arrow} {:+.1} %", p * 100.0),
            _ => format!("{arrow} {}", show(d, k.unit, lang)),
        };
        html! {
            <p class={classes!("delta", class, if d == 0.0 { "flat" } else if good { "good" } else { "bad" })}
               data-delta={d.to_string()}>
                <span class="change">{ change }</span>
                { format!(" {} {label}{}", t(lang, T::VsPrevious), crate::i18n::aside(lang, &show(before, k.unit, lang))) }
            </p>
        }
    };
    html! {
        <>
        { line(report.previous_period.clone().unwrap_or_default(), k.delta, k.delta_pct, k.previous, "previous") }
        { line(t(lang, T::YearAgo).to_string(), k.delta_year, k.delta_year_pct, k.year_ago, "year-ago") }
        { for snap.map(|(s, c)| line(format!("{} {}", t(lang, T::Snapshot), s.label()), Some(c.delta), c.delta_pct, Some(c.before), "snapshot")) }
        </>
    }
}

fn target_box(lang: Lang, k: &KpiResult, on_target: &Callback<(String, Option<f64>)>) -> Html {
    let ratio = k.unit == Unit::Ratio;
    let shown = k
        .target
        .map(|v| if ratio { v * 100.0 } else { v })
        .map(|v| format!("{}", (v * 1000.0).round() / 1000.0))
        .unwrap_or_default();
    let id = k.id.clone();
    let cb = on_target.clone();
    let onchange = Callback::from(move |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        let v = crm_kpi_decimal::parse(input.value().trim()).ok();
        cb.emit((id.clone(), v.map(|v| if ratio { v / 100.0 } else { v })));
    });
    let status = k.status.map(|s| match s {
        TargetStatus::Met => ("met", T::StatusMet),
        TargetStatus::Near => ("near", T::StatusNear),
        TargetStatus::Missed => ("missed", T::StatusMissed),
    });
    html! {
        <div class="target">
            <label title={t(lang, T::TargetHint)}>
                { t(lang, T::Target) }
                <input type="number" step="any" class="target-input" value={shown} {onchange}
                    aria-label={format!("{} — {}", t(lang, T::Target), k.name)} />
                { if ratio { " %" } else { "" } }
            </label>
            { for status.map(|(class, key)| html! { <span class={classes!("target-status", class)}>{ t(lang, key) }</span> }) }
        </div>
    }
}

fn benchmarks(lang: Lang, k: &KpiResult) -> Html {
    if k.benchmarks.is_empty() {
        return html! {};
    }
    html! {
        <div class="benchmarks">
            { for k.benchmarks.iter().map(|b| html! {
                <p>
                    <strong>{ t(lang, T::Typical) }{ t(lang, T::Colon) }</strong>{ &b.range }{ " — " }
                    {
                        if b.url.is_empty() { html! { <span>{ &b.source }</span> } }
                        else { html! { <a href={b.url.clone()} rel="noopener noreferrer" target="_blank">{ &b.source }</a> } }
                    }
                    <span class="strength">{ crate::i18n::aside(lang, crate::engine::review::strength_label(&b.strength, lang)) }</span>
                </p>
            }) }
        </div>
    }
}

fn trend(lang: Lang, k: &KpiResult) -> Html {
    let points: Vec<(String, f64)> = k
        .series
        .iter()
        .map(|p| (p.period.clone(), p.value))
        .collect();
    let unit = k.unit;
    let alt: Vec<(String, String)> = points
        .iter()
        .map(|(p, v)| (p.clone(), show(*v, unit, lang)))
        .collect();
    let title = format!("{} — {}", k.name, t(lang, T::Trend));
    chart::figure(
        "trend",
        &title,
        chart::trend_svg(&points, unit, lang),
        &alt,
        lang,
    )
}

/// The stage funnel as bars, when the KPI has one.
pub fn funnel(lang: Lang, k: &KpiResult) -> Html {
    let Some(rows) = k.breakdowns.get("stage") else {
        return html! {};
    };
    let bars: Vec<(String, f64)> = rows
        .iter()
        .map(|r| (r.key.clone(), r.count as f64))
        .collect();
    let alt: Vec<(String, String)> = bars
        .iter()
        .map(|(s, n)| (s.clone(), crate::format::number(*n, 0)))
        .collect();
    chart::figure(
        "funnel",
        t(lang, T::Funnel),
        chart::bars_svg(&bars, Unit::Count, lang),
        &alt,
        lang,
    )
}

/// A dimension's name for people.
pub fn dim_label(lang: Lang, dim: &str) -> String {
    let en_zh = |en: &str, zh: &str| {
        if lang == Lang::Zh {
            zh.to_string()
        } else {
            en.to_string()
        }
    };
    match dim {
        "owner" => en_zh("owner", "负责人"),
        "lead_source" => en_zh("lead source", "来源渠道"),
        "product" => en_zh("product", "产品"),
        "region" => en_zh("region", "地区"),
        "team" => en_zh("team", "团队"),
        "segment" => en_zh("segment", "客户级别"),
        "industry" => en_zh("industry", "行业"),
        "contract_type" => en_zh("contract type", "合同类型"),
        "stage" => en_zh("stage", "阶段"),
        "field" => en_zh("field", "字段"),
        "activity_type" => en_zh("activity type", "跟进方式"),
        "priority" => en_zh("priority", "优先级"),
        other => other.replace('_', " "),
    }
}

/// The KPIs whose own breakdowns are unfolded. Folded, a KPI's breakdowns are a summary
/// alone: their bars are drawn when it is unfolded, not on every report (a card has up to
/// four such charts, whose SVG made a third of the cards' elements and their parsing).
type Unfolded = UseStateHandle<Vec<String>>;

/// The KPI's own breakdowns (churn by contract type, completion by rep …) as bars, folded.
fn breakdowns(lang: Lang, k: &KpiResult, unfolded: &Unfolded) -> Html {
    let dims: Vec<(&String, &Vec<crate::engine::report::BreakdownRow>)> = k
        .breakdowns
        .iter()
        .filter(|(d, rows)| d.as_str() != "stage" && !rows.is_empty())
        .collect();
    if dims.is_empty() {
        return html! {};
    }
    let unit = k.unit;
    let open = unfolded.contains(&k.id);
    let ontoggle = {
        let (unfolded, id) = (unfolded.clone(), k.id.clone());
        Callback::from(move |e: Event| {
            let Some(details) = e.target_dyn_into::<web_sys::Element>() else {
                return;
            };
            let mut ids: Vec<String> = unfolded.iter().filter(|i| **i != id).cloned().collect();
            if details.has_attribute("open") {
                ids.push(id.clone());
            }
            unfolded.set(ids);
        })
    };
    html! {
        <details class="kpi-breakdowns" {open} {ontoggle}>
            <summary>{ format!("{}{}{}", t(lang, T::BreakdownOf), t(lang, T::Colon), dims.iter().map(|(d, _)| dim_label(lang, d)).collect::<Vec<_>>().join(crate::i18n::comma(lang))) }</summary>
            { for dims.iter().filter(|_| open).map(|(dim, rows)| {
                let bars: Vec<(String, f64)> = rows.iter().take(12).filter_map(|r| Some((if r.key.is_empty() { "—".to_string() } else { r.key.clone() }, r.value?))).collect();
                let alt: Vec<(String, String)> = bars.iter().map(|(key, v)| (key.clone(), show(*v, unit, lang))).collect();
                let title = format!("{} — {}", k.name, dim_label(lang, dim));
                html! {
                    <div class="dim" data-dim={dim.to_string()}>
                        { chart::figure("bars", &title, chart::bars_svg(&bars, unit, lang), &alt, lang) }
                    </div>
                }
            }) }
        </details>
    }
}

fn card(
    lang: Lang,
    report: &Report,
    rec: &Recommended,
    on_target: &Callback<(String, Option<f64>)>,
    snap: Option<(&Snapshot, &[Comparison])>,
    typed: (&Inputs, &Callback<Inputs>),
    unfolded: &Unfolded,
) -> Html {
    let kpi = report.kpi(&rec.id);
    let compared = snap.and_then(|(s, all)| Some((s, all.iter().find(|c| c.id == rec.id)?)));
    let def = catalogue::get(&rec.id);
    let formula = def.map(|d| d.formula(lang)).unwrap_or_default();
    let tier = rec.tier.id();
    let body = match kpi {
        Some(k) => html! {
            <>
            <p class="value" data-value={k.value.map(|v| v.to_string()).unwrap_or_default()}>{ crate::format::value(k.value, k.unit, lang) }</p>
            { deltas(lang, report, k, compared) }
            {
                match &k.note {
                    Some(note) if k.value.is_none() => html! { <p class="note">{ note }</p> },
                    _ => html! { <p class="variant"><span>{ t(lang, T::Variant) }{ t(lang, T::Colon) }</span>{ &k.variant }</p> },
                }
            }
            { target_box(lang, k, on_target) }
            { if k.id == "stage_funnel" { funnel(lang, k) } else { trend(lang, k) } }
            { breakdowns(lang, k, unfolded) }
            { benchmarks(lang, k) }
            <p class="cadence">{ format!("{}{}{}", t(lang, T::Cadence), crate::i18n::space(lang), t(lang, match k.cadence.as_str() { "year" => T::CadenceYear, "quarter" => T::CadenceQuarter, _ => T::CadenceMonth })) }</p>
            </>
        },
        None => html! {
            <div class="needs">
                <p class="value na">{ t(lang, T::NotAvailable) }</p>
                <p><strong>{ t(lang, T::Needs) }{ t(lang, T::Colon) }</strong>{ rec.needs.join(crate::i18n::semicolon(lang)) }</p>
                { if rec.missing_inputs.is_empty() { html! {} } else {
                    inputs::on_card(lang, &rec.id, &rec.missing_inputs, typed.0, typed.1)
                } }
            </div>
        },
    };
    html! {
        <article class={classes!("kpi-card", kpi.is_none().then_some("missing"))} data-kpi={rec.id.clone()}>
            <header>
                <span class={classes!("tier", tier)}>{ tier_label(lang, rec.tier) }</span>
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
    let unfolded = use_state_eq(Vec::new);
    let others: Vec<_> = p
        .report
        .kpis
        .iter()
        .filter(|k| !p.report.recommendation.iter().any(|r| r.id == k.id))
        .collect();
    // The recommended KPIs the data gives first, then those it cannot give yet, each group
    // in rank order; a set the page was set up with keeps its own order.
    let (ready, wanting): (Vec<&Recommended>, Vec<&Recommended>) = p
        .report
        .recommendation
        .iter()
        .partition(|r| !p.report.chosen.is_empty() || p.report.kpi(&r.id).is_some());
    // When the set gives under five KPIs on this data, a goal the data gives more for.
    let better = (p.report.chosen.is_empty() && ready.len() < 5)
        .then(|| p.report.better_goal(ready.len()))
        .flatten();
    let comparisons = p.compare.as_ref().map(|s| s.compare(&p.report));
    let snap = p.compare.as_deref().zip(comparisons.as_deref());
    html! {
        <section class="recommended" aria-labelledby="rec-h">
            <h2 id="rec-h">{ t(lang, T::Recommended) }</h2>
            <div class="row export">
                { for [("csv", T::ExportCsv), ("tsv", T::CopyTsv)].into_iter().map(|(what, label)| {
                    let cb = p.on_export.clone();
                    html! { <button type="button" class="button" id={format!("export-{what}")} onclick={Callback::from(move |_| cb.emit(what))}>{ t(lang, label) }</button> }
                }) }
                {
                    match p.copied {
                        Some(true) => html! { <span class="copied" role="status">{ t(lang, T::Copied) }</span> },
                        Some(false) => html! { <span class="copied failed" role="status">{ t(lang, T::CopyFailed) }</span> },
                        None => html! {},
                    }
                }
            </div>
            {
                if p.report.chosen.is_empty() {
                    html! { <p class="hint">{ t(lang, T::RecommendedHint) }</p> }
                } else {
                    let cb = p.on_action.clone();
                    html! {
                        <p class="hint chosen">{ t(lang, T::ChosenKpis) }{ crate::i18n::space(lang) }
                            <button type="button" class="link" id="show-recommended" onclick={Callback::from(move |_| cb.emit(crate::state::Action::SetKpis(Vec::new())))}>{ t(lang, T::ShowRecommended) }</button>
                        </p>
                    }
                }
            }
            { for better.map(|(g, n)| {
                let cb = p.on_action.clone();
                html! {
                    <p class="hint better-goal">
                        { t(lang, T::BetterGoal).replace("{goal}", g.label(lang)).replace("{n}", &n.to_string()) }
                        { crate::i18n::space(lang) }
                        <button type="button" class="button" id="add-goal"
                            onclick={Callback::from(move |_| cb.emit(crate::state::Action::ToggleGoal(g)))}>{ t(lang, T::AddGoal) }</button>
                    </p>
                }
            }) }
            <div class="cards" id="kpi-cards">
                { for ready.iter().map(|r| card(lang, &p.report, r, &p.on_target, snap, (&p.inputs, &p.on_inputs), &unfolded)) }
                { if ready.is_empty() || wanting.is_empty() { html! {} } else { html! { <p class="wanting">{ t(lang, T::Wanting) }</p> } } }
                { for wanting.iter().map(|r| card(lang, &p.report, r, &p.on_target, snap, (&p.inputs, &p.on_inputs), &unfolded)) }
            </div>
            {
                if others.is_empty() { html! {} } else { html! {
                    // Open when under five of the recommended KPIs can be computed on this data.
                    <details class="more" id="more-kpis" open={ready.len() < 5}>
                        <summary>{ t(lang, T::MoreKpis) }{ crate::i18n::aside(lang, &others.len().to_string()) }</summary>
                        <p class="hint">{ t(lang, T::MoreKpisHint) }</p>
                        <div class="table-scroll"><table>
                            <tbody>
                            { for others.iter().map(|k| html! {
                                <tr data-kpi={k.id.clone()}>
                                    <th scope="row">{ &k.name }<span class={classes!("tier", k.tier.id())}>{ tier_label(lang, k.tier) }</span></th>
                                    <td class="num">{ crate::format::value(k.value, k.unit, lang) }</td>
                                    <td class="variant">{ k.note.as_deref().filter(|_| k.value.is_none()).unwrap_or(&k.variant) }</td>
                                </tr>
                            }) }
                            </tbody>
                        </table></div>
                    </details>
                } }
            }
        </section>
    }
}
