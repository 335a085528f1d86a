use crate::i18n::{t, Lang, T};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub report: crate::state::Shown,
}

/// Lines listed inline per warning; the rest are counted.
const SHOWN: usize = 20;

/// Data-sanity warnings: each with its file, what looks wrong, and the rows.
#[component]
pub fn Warnings(p: &Props) -> Html {
    let lang = p.lang;
    let w = &p.report.warnings;
    html! {
        <section class="panel warnings" id="warnings" aria-labelledby="warnings-h">
            <h2 id="warnings-h">{ t(lang, T::SanityTitle) }</h2>
            <p class="hint">{ t(lang, T::WarningsHint) }</p>
            {
                if w.is_empty() {
                    html! { <p class="ok">{ t(lang, T::WarningsNone) }</p> }
                } else {
                    html! {
                        <ul>
                        { for w.iter().map(|x| {
                            let mut lines: Vec<String> = x.lines.iter().take(SHOWN).map(|l| l.to_string()).collect();
                            if x.count > SHOWN {
                                lines.push(format!("… +{}", x.count - SHOWN));
                            }
                            html! {
                                <li class={classes!("warning", x.kind.clone())} data-kind={x.kind.clone()}>
                                    <p><strong>{ &x.file }</strong>{ t(lang, T::Colon) }{ &x.message }</p>
                                    <p class="lines">{ format!("{}{}{}", t(lang, T::Lines), if lang == Lang::Zh { "：" } else { " " }, lines.join(crate::i18n::comma(lang))) }</p>
                                </li>
                            }
                        }) }
                        </ul>
                    }
                }
            }
        </section>
    }
}
