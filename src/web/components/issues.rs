use crate::i18n::{t, Lang, T};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub report: crate::state::Shown,
    pub on_download: Callback<()>,
}

/// Every row and cell that could not be used as it stands, counted by reason and listed.
#[component]
pub fn Issues(p: &Props) -> Html {
    let lang = p.lang;
    let shown = 50;
    html! {
        <section class="issues" aria-labelledby="iss-h" id="issues">
            <h2 id="iss-h">{ t(lang, T::RowIssues) }</h2>
            if p.report.tables.iter().any(|t| t.issue_counts.values().sum::<usize>() > 0) {
                <button type="button" class="button" id="download-issues" onclick={p.on_download.reform(|_| ())}>
                    { t(lang, T::DownloadIssues) }</button>
            }
            { for p.report.tables.iter().map(|table| {
                let total: usize = table.issue_counts.values().sum();
                if total == 0 {
                    return html! { <p class="ok">{ format!("{}{}{}", table.file, t(lang, T::Colon), t(lang, T::NoRowIssues)) }</p> };
                }
                html! {
                    <div>
                        <ul class="issue-counts">
                        { for table.issue_counts.iter().map(|(kind, n)| html! {
                            <li data-kind={format!("{kind:?}")}><strong>{ n }</strong>{ " × " }{ kind.describe(lang) }</li>
                        }) }
                        { if table.rows_left_out > 0 { html! { <li>{ format!("{} {}", table.rows_left_out, t(lang, T::RowsUnusable)) }</li> } } else { html! {} } }
                        </ul>
                        <div class="table-scroll"><table id="issues-table">
                            <thead><tr><th scope="col" class="num">{ t(lang, T::Line) }</th><th scope="col">{ t(lang, T::Column) }</th>
                                <th scope="col">{ t(lang, T::Value) }</th><th scope="col">{ t(lang, T::Reason) }</th></tr></thead>
                            <tbody>
                            { for table.issues.iter().take(shown).map(|i| html! {
                                <tr><td class="num">{ i.line }</td><td>{ i.column.clone().unwrap_or_default() }</td>
                                    <td><code>{ &i.value }</code></td><td>{ &i.reason }</td></tr>
                            }) }
                            </tbody>
                        </table></div>
                        { if total > shown { html! { <p class="hint">{ format!("… {} {}", total - shown, t(lang, T::MoreIssues)) }</p> } } else { html! {} } }
                    </div>
                }
            }) }
        </section>
    }
}
