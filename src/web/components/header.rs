use crate::i18n::{t, Lang, T};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub on_lang: Callback<Lang>,
    /// Embedded: no title or tagline, only the language switch.
    #[prop_or_default]
    pub compact: bool,
}

/// Title, one line on what the page does, and the language switch.
#[component]
pub fn Header(p: &Props) -> Html {
    let button = |l: Lang, label: &'static str| {
        let on_lang = p.on_lang.clone();
        html! {
            <button type="button" class={classes!("lang", (p.lang == l).then_some("active"))} aria-pressed={(p.lang == l).to_string()}
                id={format!("lang-{}", l.id())} onclick={Callback::from(move |_| on_lang.emit(l))}>{ label }</button>
        }
    };
    html! {
        <header class={classes!("top", p.compact.then_some("compact"))}>
            { if p.compact { html! {} } else { html! {
                <div>
                    <h1>{ t(p.lang, T::AppTitle) }</h1>
                    <p class="tagline">{ t(p.lang, T::Tagline) }</p>
                </div>
            } } }
            <nav class="langs" aria-label={t(p.lang, T::Language)}>
                { button(Lang::En, "English") }
                { button(Lang::Zh, "中文") }
            </nav>
        </header>
    }
}
