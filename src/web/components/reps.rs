use crate::engine::catalogue::Unit;
use crate::engine::report::Report;
use crate::format::{money_in, money_places, value};
use crate::i18n::{t, Lang, T};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub report: crate::state::Shown,
    /// Reps marked as new.
    pub new_reps: Vec<String>,
    pub on_toggle: Callback<String>,
}

/// Columns of each tier: the KPI whose owner breakdown gives the figure, and its unit.
const NEW_COLUMNS: &[(&str, Unit)] = &[
    ("activities_per_rep", Unit::Count),
    ("visit_plan_completion", Unit::Ratio),
    ("lead_conversion_rate", Unit::Ratio),
    ("user_engagement", Unit::Count),
];
const SENIOR_COLUMNS: &[(&str, Unit)] = &[
    ("revenue", Unit::Money),
    ("win_rate", Unit::Ratio),
    ("new_customers_by_rep", Unit::Count),
];

fn figure(report: &Report, kpi: &str, rep: &str) -> Option<f64> {
    report
        .kpi(kpi)?
        .breakdowns
        .get("owner")?
        .iter()
        .find(|r| r.key == rep)?
        .value
}

/// Per rep, measured by experience (the catalogue's section 4): reps marked as new on basic
/// and process KPIs, the others on results.
#[component]
pub fn Reps(p: &Props) -> Html {
    let lang = p.lang;
    let r = &p.report;
    let mut reps: Vec<String> = Vec::new();
    for (kpi, _) in NEW_COLUMNS.iter().chain(SENIOR_COLUMNS) {
        if let Some(rows) = r.kpi(kpi).and_then(|k| k.breakdowns.get("owner")) {
            for row in rows.iter().filter(|x| !x.key.is_empty()) {
                if !reps.contains(&row.key) {
                    reps.push(row.key.clone());
                }
            }
        }
    }
    if reps.is_empty() {
        return html! {};
    }
    let table = |new: bool, columns: &[(&'static str, Unit)]| {
        let cols: Vec<&(&str, Unit)> = columns
            .iter()
            .filter(|(k, _)| r.kpi(k).is_some_and(|x| x.breakdowns.contains_key("owner")))
            .collect();
        let mut rows: Vec<&String> = reps
            .iter()
            .filter(|x| p.new_reps.contains(x) == new)
            .collect();
        if rows.is_empty() {
            return html! {};
        }
        // Highest first by the table's first column (revenue, or activities), reps without
        // a figure last.
        if let Some((k, _)) = cols.first() {
            let mut keyed: Vec<(Option<f64>, &String)> =
                rows.iter().map(|x| (figure(r, k, x), *x)).collect();
            crate::engine::sort_list(&mut keyed, |(a, _), (b, _)| {
                b.is_some()
                    .cmp(&a.is_some())
                    .then(b.unwrap_or(0.0).total_cmp(&a.unwrap_or(0.0)))
            });
            rows = keyed.into_iter().map(|(_, x)| x).collect();
        }
        // A money column's figures take one number of decimals.
        let places: Vec<Option<usize>> = cols
            .iter()
            .map(|(k, unit)| {
                (*unit == Unit::Money)
                    .then(|| money_places(&mut rows.iter().filter_map(|x| figure(r, k, x))))
            })
            .collect();
        html! {
            <div class="breakdown" id={if new { "reps-new" } else { "reps-senior" }}>
                <h3>{ t(lang, if new { T::NewReps } else { T::SeniorReps }) }</h3>
                <div class="table-scroll"><table>
                    <thead><tr>
                        <th scope="col">{ t(lang, T::Owner) }</th>
                        { for cols.iter().map(|(k, _)| html! { <th scope="col" class="num">{ r.kpi(k).map(|x| x.name.clone()).unwrap_or_default() }</th> }) }
                        <th scope="col">{ t(lang, T::MarkNew) }</th>
                    </tr></thead>
                    <tbody>
                    { for rows.iter().map(|rep| {
                        let cb = p.on_toggle.clone();
                        let name = (*rep).clone();
                        html! {
                            <tr data-rep={(*rep).clone()}>
                                <th scope="row">{ *rep }</th>
                                { for cols.iter().zip(&places).map(|((k, unit), places)| {
                                    let v = figure(r, k, rep);
                                    html! { <td class="num">{ places.map_or_else(|| value(v, *unit, lang), |n| money_in(v, n, lang)) }</td> }
                                }) }
                                <td><input type="checkbox" class="new-rep" checked={new}
                                    aria-label={format!("{} — {}", t(lang, T::MarkNew), rep)}
                                    onchange={Callback::from(move |_| cb.emit(name.clone()))} /></td>
                            </tr>
                        }
                    }) }
                    </tbody>
                </table></div>
            </div>
        }
    };
    html! {
        <section class="breakdowns reps" id="reps" aria-labelledby="reps-h">
            <h2 id="reps-h">{ t(lang, T::PerRep) }</h2>
            <p class="hint">{ t(lang, T::PerRepHint) }</p>
            <div class="grid2">
                { table(true, NEW_COLUMNS) }
                { table(false, SENIOR_COLUMNS) }
            </div>
        </section>
    }
}
