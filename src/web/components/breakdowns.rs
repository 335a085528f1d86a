use crate::engine::catalogue::Unit;
use crate::engine::report::{BreakdownRow, Report};
use crate::format::{money_in, money_places, value};
use crate::i18n::{t, Lang, T};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub report: crate::state::Shown,
}

fn key_label(lang: Lang, key: &str) -> String {
    if key.is_empty() {
        t(lang, T::Blank).to_string()
    } else {
        key.to_string()
    }
}

/// Where a breakdown looked up in another table came from, and for how many deals.
pub fn lookup_line(lang: Lang, l: &crate::engine::report::Lookup) -> String {
    let n = |v: usize| crate::format::number(v as f64, 0);
    let line = if l.by == "owner" {
        T::LookedUpByOwner
    } else {
        T::LookedUpByCustomer
    };
    t(lang, line)
        .replace("{column}", &l.column)
        .replace("{file}", &l.file)
        .replace("{found}", &n(l.rows_found))
        .replace("{rows}", &n(l.rows))
}

/// Win rate and won revenue side by side for one dimension.
fn table(lang: Lang, report: &Report, dim: &str, title: T, head: T) -> Html {
    let Some(rates) = report.kpi("win_rate").and_then(|k| k.breakdowns.get(dim)) else {
        return html! {};
    };
    let revenue: Option<&Vec<BreakdownRow>> =
        report.kpi("revenue").and_then(|k| k.breakdowns.get(dim));
    let max = revenue.map_or(0.0, |rs| {
        rs.iter().filter_map(|r| r.value).fold(0.0, f64::max)
    });
    let places = money_places(&mut revenue.into_iter().flatten().filter_map(|r| r.value));
    let mut rows: Vec<(&BreakdownRow, Option<f64>, u64)> = rates
        .iter()
        // Deals without a value (no account, say) none of which closed: nothing to read.
        .filter(|r| !(r.key.is_empty() && r.count == 0))
        .map(|r| {
            let rev = revenue.and_then(|rs| rs.iter().find(|x| x.key == r.key));
            (r, rev.and_then(|x| x.value), rev.map_or(0, |x| x.count))
        })
        .collect();
    crate::engine::sort_list(&mut rows, |a, b| {
        a.0.key
            .is_empty()
            .cmp(&b.0.key.is_empty())
            .then(b.1.unwrap_or(0.0).total_cmp(&a.1.unwrap_or(0.0)))
    });
    html! {
        <div class="breakdown" id={format!("by-{dim}")}>
            <h3>{ t(lang, title) }</h3>
            { for report.lookups.iter().filter(|l| l.dimension == dim).map(|l| {
                html! { <p class="hint">{ lookup_line(lang, l) }</p> }
            }) }
            <div class="table-scroll"><table>
                <thead><tr><th scope="col">{ t(lang, head) }</th><th scope="col" class="num">{ t(lang, T::WinRate) }</th>
                    <th scope="col" class="num">{ t(lang, T::WonDeals) }</th><th scope="col" class="num">{ t(lang, T::WonRevenue) }</th></tr></thead>
                <tbody>
                { for rows.iter().map(|(r, rev, won)| {
                    let width = rev.map_or(0.0, |v| if max > 0.0 { 100.0 * v / max } else { 0.0 });
                    html! {
                        <tr>
                            <th scope="row">{ key_label(lang, &r.key) }</th>
                            <td class="num">{ value(r.value, Unit::Ratio, lang) }</td>
                            <td class="num">{ won }</td>
                            <td class="num bar-cell"><span class="bar" style={format!("width:{width:.1}%")}></span><span class="bar-text">{ money_in(*rev, places, lang) }</span></td>
                        </tr>
                    }
                }) }
                </tbody>
            </table></div>
        </div>
    }
}

/// Breakdowns by owner and lead source, and won revenue by month.
#[component]
pub fn Breakdowns(p: &Props) -> Html {
    let lang = p.lang;
    let months = p
        .report
        .kpi("revenue")
        .map(|k| k.series.clone())
        .unwrap_or_default();
    let max = months.iter().map(|m| m.value).fold(0.0, f64::max);
    let places = money_places(&mut months.iter().map(|m| m.value));
    html! {
        <section class="breakdowns" aria-labelledby="bd-h">
            <h2 id="bd-h">{ t(lang, T::Breakdowns) }</h2>
            <div class="grid2">
                { table(lang, &p.report, "owner", T::ByOwner, T::Owner) }
                { table(lang, &p.report, "lead_source", T::BySource, T::Source) }
                { table(lang, &p.report, "product", T::ByProduct, T::Product) }
                { table(lang, &p.report, "region", T::ByRegion, T::Region) }
                { table(lang, &p.report, "team", T::ByTeam, T::Team) }
                { table(lang, &p.report, "segment", T::BySegment, T::Segment) }
                { table(lang, &p.report, "industry", T::ByIndustry, T::Industry) }
            </div>
            { p.report.kpi("stage_funnel").map(|k| crate::web::components::kpi_cards::funnel(lang, k)).unwrap_or_default() }
            {
                if months.is_empty() { html! {} } else { html! {
                    <div class="breakdown" id="by-month">
                        <h3>{ t(lang, T::RevenueByMonth) }</h3>
                        <div class="table-scroll"><table>
                            <thead><tr><th scope="col">{ t(lang, T::Month) }</th><th scope="col" class="num">{ t(lang, T::WonRevenue) }</th></tr></thead>
                            <tbody>
                            { for months.iter().map(|m| html! {
                                <tr>
                                    <th scope="row">{ &m.period }</th>
                                    <td class="num bar-cell"><span class="bar" style={format!("width:{:.1}%", if max > 0.0 { 100.0 * m.value / max } else { 0.0 })}></span>
                                        <span class="bar-text">{ money_in(Some(m.value), places, lang) }</span></td>
                                </tr>
                            }) }
                            </tbody>
                        </table></div>
                    </div>
                } }
            }
        </section>
    }
}
