//! The same engine inside wasm in a real browser, and a component rendered into the DOM.
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --features web --test wasm`.
#![cfg(target_arch = "wasm32")]

use crm_kpi::engine::{analyze, Options};
use crm_kpi::i18n::Lang;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const HUBSPOT: &[u8] = include_bytes!("fixtures/hubspot_deals.csv");

#[wasm_bindgen_test]
fn engine_gives_the_native_numbers_inside_wasm() {
    let r = analyze(&[("hubspot_deals.csv", HUBSPOT)], &Options::default());
    let v = |id: &str| r.kpi(id).and_then(|k| k.value);
    assert_eq!(v("win_rate"), Some(0.75));
    assert_eq!(v("revenue"), Some(5000.5));
    assert_eq!(v("sales_cycle_days"), Some(30.0));
    assert_eq!(v("pipeline_value"), Some(1500.0));
    let d = r.deals.unwrap();
    assert_eq!((d.created, d.won, d.lost, d.open), (6, 3, 1, 2));
}

#[wasm_bindgen_test]
async fn kpi_cards_render_values_and_needs_in_both_languages() {
    use crm_kpi::web::components::kpi_cards::{KpiCards, Props};
    let document = web_sys::window().unwrap().document().unwrap();
    for (lang, name, needs) in [
        (Lang::En, "Opportunity win rate", "Needs"),
        (Lang::Zh, "销售机会转化率（赢单率）", "需要"),
    ] {
        let report = crm_kpi::state::Shown::new(analyze(
            &[("h.csv", HUBSPOT)],
            &Options {
                lang,
                ..Options::default()
            },
        ));
        let root = document.create_element("div").unwrap();
        document.body().unwrap().append_child(&root).unwrap();
        yew::Renderer::<KpiCards>::with_root_and_props(
            root.clone(),
            Props {
                lang,
                report,
                on_target: Default::default(),
                on_export: Default::default(),
                copied: None,
                compare: None,
                on_action: Default::default(),
                inputs: Default::default(),
                on_inputs: Default::default(),
            },
        )
        .render();
        yew::scheduler::flush().await;
        let win = root
            .query_selector("[data-kpi=\"win_rate\"]")
            .unwrap()
            .expect("win rate card");
        let text = win.text_content().unwrap();
        assert!(text.contains(name) && text.contains("75.0 %"), "{text}");
        let target = root
            .query_selector("[data-kpi=\"quota_attainment\"]")
            .unwrap()
            .expect("target attainment card");
        assert!(
            target.text_content().unwrap().contains(needs),
            "a KPI needing an input says so"
        );
    }
}
