use crate::engine::dataset::ValueType;
use crate::engine::ingest::{EncodingSource, ENCODING_CHOICES};
use crate::engine::report::TableReport;
use crate::engine::value::{DateOrder, OrderEvidence};
use crate::engine::Role;
use crate::i18n::{t, Lang, T};
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub report: crate::state::Shown,
    /// (table, column, new role or none).
    pub on_role: Callback<(usize, usize, Option<Role>)>,
    /// Back to the detected roles for this table.
    pub on_reset: Callback<usize>,
    /// (file name, encoding label): read the file again in that encoding.
    pub on_encoding: Callback<(String, String)>,
    /// (file name, sheet): read another sheet of the workbook.
    pub on_sheet: Callback<(String, String)>,
}

fn order_text(lang: Lang, order: DateOrder, evidence: OrderEvidence) -> String {
    let o = match order {
        DateOrder::Ymd => "Y-M-D",
        DateOrder::Mdy => "M/D/Y",
        DateOrder::Dmy => "D/M/Y",
    };
    let why = match (evidence, lang) {
        (OrderEvidence::YearFirst, _) => return o.to_string(),
        (OrderEvidence::Values, Lang::En) => "from the values",
        (OrderEvidence::Values, Lang::Zh) => "由数据判断",
        (OrderEvidence::Assumed, Lang::En) => "assumed: every value reads both ways",
        (OrderEvidence::Assumed, Lang::Zh) => "推定：所有值两种读法都成立",
        (OrderEvidence::OtherColumns, Lang::En) => "as the file's other date columns",
        (OrderEvidence::OtherColumns, Lang::Zh) => "与文件中其他日期列一致",
        (OrderEvidence::Conflicting, Lang::En) => "values disagree; the majority order was used",
        (OrderEvidence::Conflicting, Lang::Zh) => "数据不一致，按多数顺序解读",
    };
    format!("{o} ({why})")
}

fn select_value(e: &Event) -> Option<String> {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
        .map(|s| s.value())
}

/// The sheet read from a workbook, with a picker when it has several.
fn sheet_line(p: &Props, table: &TableReport, sheet: &str) -> Html {
    let lang = p.lang;
    let file = table.file.clone();
    let on_sheet = p.on_sheet.clone();
    let onchange = Callback::from(move |e: Event| {
        if let Some(v) = select_value(&e) {
            on_sheet.emit((file.clone(), v));
        }
    });
    html! {
        <p class="sheet">
            <label>{ t(lang, T::Sheet) }{ " " }
                <select class="sheet-choice" disabled={table.sheets.len() < 2} {onchange}>
                    { for table.sheets.iter().map(|s| html! {
                        <option value={s.clone()} selected={s == sheet}>{ s }</option>
                    }) }
                </select>
            </label>
            <span class="how">{ crate::i18n::aside(lang, &table.format) }</span>
        </p>
    }
}

/// The text encoding, how it was decided, and a picker to read the file in another one; for
/// a workbook, the sheet instead.
fn encoding_line(p: &Props, table: &TableReport) -> Html {
    let lang = p.lang;
    if let Some(sheet) = &table.sheet {
        return sheet_line(p, table, sheet);
    }
    let how = t(
        lang,
        match table.encoding_source {
            EncodingSource::Bom => T::EncodingBom,
            EncodingSource::Valid => T::EncodingValid,
            EncodingSource::Guessed => T::EncodingGuessed,
            EncodingSource::Chosen => T::EncodingChosen,
        },
    );
    let file = table.file.clone();
    let on_encoding = p.on_encoding.clone();
    let onchange = Callback::from(move |e: Event| {
        if let Some(v) = select_value(&e) {
            on_encoding.emit((file.clone(), v));
        }
    });
    let known = ENCODING_CHOICES.contains(&table.encoding.as_str());
    html! {
        <p class="encoding">
            <label>{ t(lang, T::Encoding) }{ " " }
                <select class="encoding-choice" {onchange}>
                    if !known { <option selected=true value={table.encoding.clone()}>{ &table.encoding }</option> }
                    { for ENCODING_CHOICES.iter().map(|e| html! {
                        <option value={*e} selected={*e == table.encoding}>{ *e }</option>
                    }) }
                </select>
            </label>
            <span class="how">{ crate::i18n::aside(lang, how) }</span>
            if table.malformed { <span class="warn malformed">{ " " }{ t(lang, T::Malformed) }</span> }
        </p>
    }
}

/// The detected columns: each header, its meaning (changeable), the values it holds and how
/// full it is; with the file's encoding, delimiter and header row.
#[component]
pub fn Mapping(p: &Props) -> Html {
    let lang = p.lang;
    html! {
        <section class="mapping" aria-labelledby="map-h">
            <h2 id="map-h">{ t(lang, T::Mapping) }</h2>
            <p class="hint">{ t(lang, T::MappingHint) }</p>
            if !p.report.links.is_empty() || !p.report.lookups.is_empty() {
                <div class="links">
                    <h3>{ t(lang, T::Links) }</h3>
                    <ul>
                    { for p.report.links.iter().map(|l| {
                        let n = |v: usize| crate::format::number(v as f64, 0);
                        let text = t(lang, T::LinkLine)
                            .replace("{from}", &l.from).replace("{to}", &l.to)
                            .replace("{fc}", &l.from_column).replace("{tc}", &l.to_column)
                            .replace("{found}", &n(l.rows_found)).replace("{rows}", &n(l.rows))
                            .replace("{cfound}", &n(l.customers_found)).replace("{customers}", &n(l.customers));
                        html! { <li class="link">{ text }</li> }
                    }) }
                    { for p.report.lookups.iter().map(|l| html! {
                        <li class="lookup">{ format!("{}{}{}", crate::web::components::kpi_cards::dim_label(lang, &l.dimension), t(lang, T::Colon),
                            crate::web::components::breakdowns::lookup_line(lang, l)) }</li>
                    }) }
                    </ul>
                </div>
            }
            { for p.report.tables.iter().enumerate().map(|(ti, table)| {
                let delimiter = if table.sheet.is_some() { String::new() } else { format!(" · ‘{}’", table.delimiter) };
                let mut layout = format!("{} · {} · {} {}{} · {}", table.file,
                    crate::engine::catalogue::kind_label(table.kind, lang),
                    crate::format::number(table.rows as f64, 0), t(lang, T::Rows), delimiter,
                    t(lang, T::HeaderLine).replace("{n}", &table.header_line.to_string()));
                match table.rows_above_header {
                    0 => {}
                    1 => layout.push_str(&format!(" · {}", t(lang, T::RowAboveHeader))),
                    n => layout.push_str(&format!(" · {}", t(lang, T::RowsAboveHeader).replace("{n}", &n.to_string()))),
                }
                if table.generated_headers {
                    layout.push_str(" · ");
                    layout.push_str(t(lang, T::NoHeaderRow));
                }
                let on_reset = p.on_reset.clone();
                html! {
                <div class="table-map" data-table={ti.to_string()}>
                    <p class="file">{ layout }</p>
                    { encoding_line(p, table) }
                    if table.user_mapping {
                        <p class="user-mapping">{ t(lang, T::YourMapping) }{ " " }
                            <button type="button" class="button reset-mapping" onclick={Callback::from(move |_| on_reset.emit(ti))}>
                                { t(lang, T::ResetMapping) }</button></p>
                    }
                    <div class="table-scroll"><table class="mapping-table">
                        <thead><tr><th scope="col">{ t(lang, T::Column) }</th><th scope="col">{ t(lang, T::Role) }</th>
                            <th scope="col">{ t(lang, T::Type) }</th><th scope="col" class="num">{ t(lang, T::Filled) }</th></tr></thead>
                        <tbody>
                        { for table.columns.iter().enumerate().map(|(ci, c)| {
                            let mut kind = t(lang, match c.value_type {
                                ValueType::Empty => T::TypeEmpty,
                                ValueType::Integer => T::TypeInteger,
                                ValueType::Number => T::TypeNumber,
                                ValueType::Money => T::TypeMoney,
                                ValueType::Percent => T::TypePercent,
                                ValueType::Bool => T::TypeBool,
                                ValueType::Date => T::TypeDate,
                                ValueType::Rating => T::TypeRating,
                                ValueType::Text => T::TypeText,
                            })
                            .to_string();
                            if let Some((o, e)) = c.date_order {
                                kind = format!("{kind} · {}", order_text(lang, o, e));
                            }
                            // Figures in 万 or thousands, multiplied out.
                            let scale = crate::engine::dataset::unit_scale(&c.header, c.role);
                            if scale != 1.0 {
                                kind = format!("{kind} · ×{}", crate::format::number(scale, 0));
                            }
                            let share = if table.rows > 0 { c.filled as f64 / table.rows as f64 } else { 0.0 };
                            let on_role = p.on_role.clone();
                            let onchange = Callback::from(move |e: Event| {
                                if let Some(v) = select_value(&e) {
                                    on_role.emit((ti, ci, Role::from_id(&v)));
                                }
                            });
                            let label = format!("{}{}{}", t(lang, T::Role), t(lang, T::Colon), c.header);
                            html! {
                                <tr class={classes!(c.role.is_none().then_some("unused"))} data-role={c.role.map(|r| r.id()).unwrap_or("")}>
                                    <th scope="row">{ &c.header }</th>
                                    <td><select class="role-choice" aria-label={label} {onchange}>
                                        <option value="" selected={c.role.is_none()}>{ t(lang, T::NotUsed) }</option>
                                        { for Role::ALL.iter().map(|r| html! {
                                            <option value={r.id()} selected={c.role == Some(*r)}>{ r.label(lang) }</option>
                                        }) }
                                    </select></td>
                                    <td>{ kind }</td>
                                    <td class="num">{ crate::format::value(Some(share.min(1.0)), crate::engine::catalogue::Unit::Ratio, lang) }</td>
                                </tr>
                            }
                        }) }
                        </tbody>
                    </table></div>
                </div>
            }}) }
        </section>
    }
}
