use crate::engine::dataset::ValueType;
use crate::engine::report::Report;
use crate::engine::value::{DateOrder, OrderEvidence};
use crate::i18n::{t, Lang, T};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub report: Rc<Report>,
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

/// The detected columns: each header, its meaning, the values it holds and how full it is.
#[component]
pub fn Mapping(p: &Props) -> Html {
    let lang = p.lang;
    html! {
        <section class="mapping" aria-labelledby="map-h">
            <h2 id="map-h">{ t(lang, T::Mapping) }</h2>
            { for p.report.tables.iter().map(|table| html! {
                <div class="table-map">
                    <p class="file">{ format!("{} · {} · {} {} · {} · ‘{}’", table.file, crate::engine::catalogue::kind_label(table.kind, lang),
                        crate::format::number(table.rows as f64, 0), t(lang, T::Rows), table.encoding, table.delimiter) }</p>
                    <table id="mapping-table">
                        <thead><tr><th scope="col">{ t(lang, T::Column) }</th><th scope="col">{ t(lang, T::Role) }</th>
                            <th scope="col">{ t(lang, T::Type) }</th><th scope="col" class="num">{ t(lang, T::Filled) }</th></tr></thead>
                        <tbody>
                        { for table.columns.iter().map(|c| {
                            let role = c.role.map(|r| r.label(lang).to_string()).unwrap_or_else(|| t(lang, T::NotUsed).to_string());
                            let mut kind = t(lang, match c.value_type {
                                ValueType::Empty => T::TypeEmpty,
                                ValueType::Integer => T::TypeInteger,
                                ValueType::Number => T::TypeNumber,
                                ValueType::Money => T::TypeMoney,
                                ValueType::Percent => T::TypePercent,
                                ValueType::Bool => T::TypeBool,
                                ValueType::Date => T::TypeDate,
                                ValueType::Text => T::TypeText,
                            })
                            .to_string();
                            if let Some((o, e)) = c.date_order {
                                kind = format!("{kind} · {}", order_text(lang, o, e));
                            }
                            let share = if table.rows > 0 { c.filled as f64 / table.rows as f64 } else { 0.0 };
                            html! {
                                <tr class={classes!(c.role.is_none().then_some("unused"))} data-role={c.role.map(|r| r.id()).unwrap_or("")}>
                                    <th scope="row">{ &c.header }</th><td>{ role }</td><td>{ kind }</td>
                                    <td class="num">{ crate::format::value(Some(share.min(1.0)), crate::engine::catalogue::Unit::Ratio, lang) }</td>
                                </tr>
                            }
                        }) }
                        </tbody>
                    </table>
                </div>
            }) }
        </section>
    }
}
