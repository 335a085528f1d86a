//! Properties over many generated inputs: values written in any supported notation read back
//! exactly, and splitting a table into chunks whose accumulators are merged gives the same
//! result as one pass (what chunked and multi-worker reading will rely on).
#![cfg(not(target_arch = "wasm32"))]

use crm_kpi::engine::kpi::Acc;
use crm_kpi::engine::value::{day_number, parse_amount, parse_date, DateOrder, DecimalMark};
use proptest::prelude::*;

fn grouped(int: u64, sep: char) -> String {
    let s = int.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

proptest! {
    #[test]
    fn amounts_round_trip_in_both_locales(int in 0u64..10_000_000_000, cents in 0u32..100, neg: bool, sym in 0usize..4) {
        let want = (int as f64 + f64::from(cents) / 100.0) * if neg { -1.0 } else { 1.0 };
        let sign = if neg { "-" } else { "" };
        let symbol = ["", "$", "¥", "€ "][sym];
        let dot = format!("{sign}{symbol}{}.{cents:02}", grouped(int, ','));
        let comma = format!("{sign}{symbol}{},{cents:02}", grouped(int, '.'));
        let got_dot = parse_amount(&dot, DecimalMark::Dot).unwrap();
        let got_comma = parse_amount(&comma, DecimalMark::Comma).unwrap();
        prop_assert!((got_dot - want).abs() < 1e-6, "{} -> {}", dot, got_dot);
        prop_assert!((got_comma - want).abs() < 1e-6, "{} -> {}", comma, got_comma);
    }

    #[test]
    fn dates_round_trip_in_every_shape(y in 1990i32..2060, m in 1u32..=12, d in 1u32..=28, h in 0u32..24, mi in 0u32..60) {
        let day = day_number(y, m, d).unwrap();
        let cases = [
            (format!("{y}-{m:02}-{d:02} {h:02}:{mi:02}"), DateOrder::Ymd),
            (format!("{m}/{d}/{y} {h}:{mi:02}"), DateOrder::Mdy),
            (format!("{d}/{m}/{y}"), DateOrder::Dmy),
            (format!("{d:02}.{m:02}.{y}"), DateOrder::Dmy),
            (format!("{y}年{m}月{d}日"), DateOrder::Ymd),
            (format!("{y}/{m}/{d}"), DateOrder::Ymd),
        ];
        for (text, order) in cases {
            let minutes = parse_date(&text).and_then(|r| r.resolve(order));
            prop_assert_eq!(minutes.map(|x| x.div_euclid(1440)), Some(day), "{}", text);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let r = crm_kpi::engine::analyze(&[("x.csv", &bytes)], &crm_kpi::engine::Options::default());
        prop_assert_eq!(r.tables.len() + r.errors.len(), 1);
    }

    #[test]
    fn csv_like_text_never_panics_and_counts_add_up(
        text in "(Deal Stage|Amount|Close Date|Create Date|Owner|[a-z]{1,6})(,(Deal Stage|Amount|Close Date|Create Date|Owner|[a-z]{1,6})){0,5}\n(((Closed Won|closedlost|Open|[0-9.,$€¥-]{1,9}|20[0-9]{2}-[01][0-9]-[0-3][0-9]|[0-9]{1,2}/[0-9]{1,2}/[0-9]{2,4}|\"[a-z,\n]{0,5}\"|[a-zé中]{0,4})[,;\t]?){1,7}\n){0,20}",
        month in 1u32..=12,
    ) {
        for period in [crm_kpi::engine::Period::All, crm_kpi::engine::Period::Month(2024, month)] {
            let opts = crm_kpi::engine::Options { period, ..crm_kpi::engine::Options::default() };
            let r = crm_kpi::engine::analyze(&[("x.csv", text.as_bytes())], &opts);
            for k in &r.kpis {
                prop_assert!(k.value.is_none_or(f64::is_finite), "{} = {:?}", k.id, k.value);
            }
            if let (Some(d), None) = (&r.deals, period.bounds()) {
                prop_assert_eq!(d.created, d.won + d.lost + d.open + d.invalid);
            }
        }
    }

    #[test]
    fn merged_chunk_accumulators_equal_one_pass(deals in prop::collection::vec((0u8..3, prop::option::of(0u32..100_000), -5i32..200), 0..200), cut in 0usize..200) {
        let acc_of = |slice: &[(u8, Option<u32>, i32)]| {
            let mut a = Acc::default();
            for (kind, amount, cycle) in slice {
                let mut one = Acc { seen: true, created: 1, ..Acc::default() };
                match kind {
                    0 => { one.won = 1; if let Some(x) = amount { one.won_amount = f64::from(*x); one.won_with_amount = 1; } one.cycles.push(*cycle); }
                    1 => one.lost = 1,
                    _ => { one.open = 1; one.open_amount = f64::from(amount.unwrap_or(0)); }
                }
                a.merge(&one);
            }
            a
        };
        let cut = cut.min(deals.len());
        let whole = acc_of(&deals);
        let mut merged = acc_of(&deals[..cut]);
        merged.merge(&acc_of(&deals[cut..]));
        prop_assert_eq!(whole.win_rate(), merged.win_rate());
        prop_assert_eq!((whole.won, whole.lost, whole.open, whole.created), (merged.won, merged.lost, merged.open, merged.created));
        prop_assert!((whole.won_amount - merged.won_amount).abs() < 1e-6);
        prop_assert_eq!(crm_kpi::engine::kpi::median(&whole.cycles), crm_kpi::engine::kpi::median(&merged.cycles));
    }
}
