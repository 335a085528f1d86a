//! The catalogue beyond deals, on small fixtures whose every figure is worked out by hand in
//! the comments: leads, activities, tickets, customers, surveys, spend and users loaded
//! together (`tests/fixtures/catalogue/`), the manual inputs, targets, the review against
//! the previous period, and the data-sanity warnings.

use crm_kpi::engine::catalogue::{Goal, Input};
use crm_kpi::engine::report::{Report, TargetStatus, Warning};
use crm_kpi::engine::sorted_map::SortedMap;
use crm_kpi::engine::{analyze, Inputs, Options, Period};
use std::path::PathBuf;

const FILES: [&str; 7] = [
    "leads.csv",
    "activities.csv",
    "tickets.csv",
    "customers.csv",
    "surveys.csv",
    "spend.csv",
    "users.csv",
];

fn catalogue_report(opts: &Options) -> Report {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/catalogue");
    let data: Vec<(String, Vec<u8>)> = FILES
        .iter()
        .map(|f| (f.to_string(), std::fs::read(dir.join(f)).unwrap()))
        .collect();
    let files: Vec<(&str, &[u8])> = data
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    analyze(&files, opts)
}

fn feb() -> Options {
    Options {
        period: Period::Month(2024, 2),
        ..Options::default()
    }
}

fn value(r: &Report, id: &str) -> Option<f64> {
    r.kpi(id)
        .unwrap_or_else(|| {
            panic!(
                "{id} missing; have {:?}",
                r.kpis.iter().map(|k| &k.id).collect::<Vec<_>>()
            )
        })
        .value
}

#[track_caller]
fn near(r: &Report, id: &str, want: f64) {
    let got = value(r, id);
    assert!(
        got.is_some_and(|g| (g - want).abs() < 1e-9),
        "{id}: got {got:?}, want {want}"
    );
}

#[test]
fn every_table_kind_gives_its_kpis() {
    let r = catalogue_report(&feb());
    let kinds: Vec<(&str, &str)> = r
        .tables
        .iter()
        .map(|t| (t.file.as_str(), t.kind.id()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("leads.csv", "leads"),
            ("activities.csv", "activities"),
            ("tickets.csv", "tickets"),
            ("customers.csv", "customers"),
            ("surveys.csv", "surveys"),
            ("spend.csv", "spend"),
            ("users.csv", "users"),
        ]
    );
    // Leads created in February: L1–L4. Converted: L1, L3.
    near(&r, "lead_conversion_rate", 2.0 / 4.0);
    // First contact ≤ 24 h: L1 (3 h), L3 (23 h); L2 took 48 h, L4 none.
    near(&r, "follow_up_24h_rate", 2.0 / 4.0);
    assert_eq!(
        r.kpi("follow_up_24h_rate").unwrap().details["median_hours"],
        23.0
    );
    // Converted leads: L1 (Referral), L3 (Web).
    near(&r, "referral_rate", 1.0 / 2.0);
    // February activities: Ann 2, Bob 2 (Cy's is in March); 3 of the 4 done.
    near(&r, "activities_per_rep", 4.0 / 2.0);
    near(&r, "visit_plan_completion", 3.0 / 4.0);
    // Customers on the books on 31 January: Acme, Beta, Eve, Fox, Gus (Dino churned on
    // 20 January, Cato came on 10 February). Beta churned on 15 February.
    near(&r, "churn_rate", 1.0 / 5.0);
    // End of February: Acme, Cato, Eve, Fox, Gus = 5; new: Cato; (5 − 1) ÷ 5.
    near(&r, "retention_rate", 4.0 / 5.0);
    near(&r, "new_customers", 1.0);
    near(&r, "customer_acquisition_rate", 1.0 / 5.0);
    // Complaints: T1, T3, T4 ÷ the 5 customers on the books at the end.
    near(&r, "complaint_rate", 3.0 / 5.0);
    // Within 48 h: T1 (23 h); T3 took 72 h, T4 is unresolved.
    near(&r, "complaint_resolution_in_sla", 1.0 / 3.0);
    // Surveys replace the tickets' satisfaction: 5, 4, 3, 2 in February → 2 of 4 satisfied.
    near(&r, "csat", 2.0 / 4.0);
    assert_eq!(r.kpi("csat").unwrap().details["mean_score"], 3.5);
    // NPS 10, 9, 7, 3: (2 promoters − 1 detractor) ÷ 4.
    near(&r, "nps", 25.0);
    // Spend in February 1,200 + 300 over 1 new customer.
    near(&r, "cac", 1500.0);
    // Active in February: Ann and Bob own leads and activities (Ann also logged in);
    // licences: the 3 users not marked inactive.
    near(&r, "user_activation_rate", 2.0 / 3.0);
    // 4 leads + 4 activities with an owner ÷ 2 users ÷ 29/7 weeks.
    near(&r, "user_engagement", 8.0 / 2.0 / (29.0 / 7.0));
    // Nothing is NaN anywhere.
    for k in &r.kpis {
        assert!(
            k.value.is_none_or(f64::is_finite),
            "{} is {:?}",
            k.id,
            k.value
        );
    }
}

#[test]
fn the_period_is_reviewed_against_the_one_before() {
    let r = catalogue_report(&feb());
    assert_eq!(r.previous_period.as_deref(), Some("2024-01"));
    assert_eq!(r.year_ago_period.as_deref(), Some("2023-02"));
    let nps = r.kpi("nps").unwrap();
    // January: one answer, 0 → −100.
    assert_eq!(nps.previous, Some(-100.0));
    assert_eq!(nps.delta, Some(125.0));
    assert_eq!(nps.delta_pct, Some(1.25));
    // February 2023: on 31 January Acme, Fox and Gus were on the books; none left. Against a
    // year-ago churn of 0 the change is 0.2, with no percentage against zero.
    let churn = r.kpi("churn_rate").unwrap();
    assert_eq!(churn.year_ago, Some(0.0));
    assert_eq!(churn.delta_year, Some(0.2));
    assert_eq!(churn.delta_year_pct, None);
    assert_eq!(nps.year_ago, None, "no answers in February 2023");
    // Churn: on 31 December, Acme, Beta, Dino, Eve, Fox, Gus; Dino left in January.
    assert_eq!(r.kpi("churn_rate").unwrap().previous, Some(1.0 / 6.0));
    // The trend: every month of the data up to February.
    let trend: Vec<(&str, f64)> = r
        .kpi("nps")
        .unwrap()
        .series
        .iter()
        .map(|p| (p.period.as_str(), p.value))
        .collect();
    assert_eq!(trend, [("2024-01", -100.0), ("2024-02", 25.0)]);
    // The whole range has no previous period.
    let all = catalogue_report(&Options::default());
    assert!(all
        .kpis
        .iter()
        .all(|k| k.previous.is_none() && k.delta.is_none()));
    // The data ends on 2 March: February is the last complete month.
    assert_eq!(all.default_period.as_deref(), Some("2024-02"));
}

#[test]
fn targets_are_judged_in_each_kpis_direction() {
    let mut opts = feb();
    opts.targets = SortedMap::from([
        ("nps".to_string(), 20.0),
        ("csat".to_string(), 0.54),
        ("churn_rate".to_string(), 0.10),
        ("cac".to_string(), 1600.0),
    ]);
    let r = catalogue_report(&opts);
    let status = |id: &str| r.kpi(id).unwrap().status;
    assert_eq!(status("nps"), Some(TargetStatus::Met)); // 25 ≥ 20
    assert_eq!(status("csat"), Some(TargetStatus::Near)); // 0.50, within 10 % of 0.54
    assert_eq!(status("churn_rate"), Some(TargetStatus::Missed)); // 0.20 > 0.10, lower is better
    assert_eq!(status("cac"), Some(TargetStatus::Met)); // 1,500 ≤ 1,600, lower is better
    assert_eq!(r.kpi("nps").unwrap().target, Some(20.0));
    assert_eq!(status("lead_conversion_rate"), None, "no target set");
}

/// The deals of the deal-KPI fixture (kpi.rs): January 2024, won A 100 (Acme, Ann) and
/// B 300 (Beta, Bob), lost C 50, open D 200 and E without an amount.
const DEALS: &str =
    "Deal Name,Account Name,Amount,Stage,Create Date,Close Date,Owner,Lead Source\n\
    A,Acme,100,Closed Won,2024-01-01,2024-01-11,Ann,Referral\n\
    B,Beta,300,Closed Won,2024-01-05,2024-01-25,Bob,Web\n\
    C,Cato,50,Closed Lost,2024-01-06,2024-01-16,Bob,Web\n\
    D,Dino,200,Proposal,2024-01-10,,Ann,Web\n\
    E,,,Qualification,2024-01-15,,,\n";

#[test]
fn manual_inputs_fill_what_exports_lack() {
    let opts = Options {
        period: Period::Month(2024, 1),
        inputs: Inputs {
            spend_per_month: Some(500.0),
            licences: Some(4.0),
            market_size_per_year: Some(48_000.0),
            revenue_target_per_month: Some(1000.0),
            rep_targets_per_month: SortedMap::from([("Ann".into(), 400.0), ("Bob".into(), 600.0)]),
            gross_margin: Some(0.5),
            crm_budget: Some(10_000.0),
            crm_cost: Some(12_000.0),
            ..Inputs::default()
        },
        ..Options::default()
    };
    let r = analyze(&[("deals.csv", DEALS.as_bytes())], &opts);
    // Revenue 400 against a target of 1,000; open pipeline 200 against the 600 still to go.
    near(&r, "quota_attainment", 0.4);
    near(&r, "pipeline_coverage", 200.0 / 600.0);
    assert_eq!(r.kpi("revenue").unwrap().target, Some(1000.0));
    assert_eq!(r.kpi("revenue").unwrap().status, Some(TargetStatus::Missed));
    let per_rep: Vec<(String, Option<f64>)> = r.kpi("quota_attainment").unwrap().breakdowns
        ["owner"]
        .iter()
        .map(|x| (x.key.clone(), x.value))
        .collect();
    assert_eq!(
        per_rep,
        [
            ("Ann".into(), Some(100.0 / 400.0)),
            ("Bob".into(), Some(300.0 / 600.0))
        ]
    );
    // Market: 48,000 a year is 4,000 a month.
    near(&r, "market_share", 400.0 / 4000.0);
    // New customers Acme and Beta: CAC 500 ÷ 2.
    near(&r, "cac", 250.0);
    // Revenue per paying customer per month 400 ÷ 2 = 200, margin 0.5: 250 ÷ 100.
    near(&r, "cac_payback_months", 2.5);
    // Ann and Bob created deals in January, of 4 licences.
    near(&r, "user_activation_rate", 0.5);
    // Over the whole range too, where the deals' own engagement leaves the count of
    // active users to the licences alone.
    let whole = Options {
        period: Period::All,
        ..opts.clone()
    };
    let all = analyze(&[("deals.csv", DEALS.as_bytes())], &whole);
    assert!(all.kpi("user_engagement").is_some());
    near(&all, "user_activation_rate", 0.5);
    near(&r, "crm_budget_variance", 0.2);
    // The data starts on 1 January: December would compare with zeros that mean "no data".
    assert_eq!(r.previous_period, None);
    assert_eq!(r.kpi("revenue").unwrap().previous, None);

    // Without inputs these KPIs are absent and the recommendation says what they need.
    let bare = analyze(
        &[("deals.csv", DEALS.as_bytes())],
        &Options {
            period: Period::Month(2024, 1),
            ..Options::default()
        },
    );
    for id in [
        "quota_attainment",
        "pipeline_coverage",
        "market_share",
        "cac",
        "crm_budget_variance",
    ] {
        assert!(bare.kpi(id).is_none(), "{id} without its input");
    }
    let quota = bare
        .recommendation
        .iter()
        .find(|x| x.id == "quota_attainment")
        .unwrap();
    assert!(
        !quota.computable && quota.needs.iter().any(|n| n.contains("revenue target")),
        "{:?}",
        quota.needs
    );
    // The inputs among the needs, for the card to ask for them where the KPI is shown.
    assert_eq!(quota.missing_inputs, [Input::RevenueTarget.id()]);
    let adoption = analyze(
        &[("deals.csv", DEALS.as_bytes())],
        &Options {
            period: Period::Month(2024, 1),
            goals: vec![Goal::CrmAdoption],
            ..Options::default()
        },
    );
    let budget = adoption
        .recommendation
        .iter()
        .find(|x| x.id == "crm_budget_variance");
    assert_eq!(budget.unwrap().missing_inputs, [Input::CrmBudget.id()]);
    for r in bare.recommendation.iter().chain(&adoption.recommendation) {
        assert_eq!(
            r.missing_inputs.is_empty(),
            !r.needs.iter().any(|n| n.starts_with("input: ")),
            "{}: {:?}",
            r.id,
            r.needs
        );
    }
}

#[test]
fn zero_denominators_are_n_a_with_a_reason() {
    // March: no lead, no complaint, no survey in the fixture.
    let r = catalogue_report(&Options {
        period: Period::Month(2024, 3),
        ..Options::default()
    });
    for id in [
        "lead_conversion_rate",
        "complaint_resolution_in_sla",
        "csat",
        "nps",
        "follow_up_24h_rate",
    ] {
        let k = r.kpi(id).unwrap();
        assert_eq!(k.value, None, "{id}");
        assert!(
            k.note.as_deref().is_some_and(|n| !n.is_empty()),
            "{id} says why"
        );
    }
}

#[test]
fn order_customers_are_one_across_spellings() {
    // Three orders; "Acme, Inc." and "ACME" are one customer with two orders in March.
    let csv = "Order ID,Customer,Order Date,Amount\n\
        1,\"Acme, Inc.\",2024-03-02,100\n\
        2,ACME,2024-03-20,50\n\
        3,Beta,2024-03-05,30\n\
        4,Beta,2024-03-06,-30\n";
    let r = analyze(
        &[("orders.csv", csv.as_bytes())],
        &Options {
            period: Period::Month(2024, 3),
            ..Options::default()
        },
    );
    near(&r, "repurchase_rate", 1.0 / 2.0);
    near(&r, "new_customers", 2.0);
    // The return (−30) is left out of revenue and counted apart.
    near(&r, "revenue", 180.0);
    near(&r, "average_order_value", 60.0);
    assert_eq!(r.kpi("revenue").unwrap().details["returns"], 30.0);
    // Two weeks of data cannot say who left within 90 days.
    assert_eq!(value(&r, "churn_rate"), None);
}

#[test]
fn order_revenue_grows_against_the_month_before_and_a_year_earlier() {
    // February 2024: 100 + 20 (the return of −40 left out); January: 80 (two lines of
    // order 2 summed); February 2023: 60.
    let csv = "Order ID,Customer,Order Date,Amount\n\
        1,Acme,2023-02-10,60\n\
        2,Acme,2024-01-05,50\n\
        2,Acme,2024-01-05,30\n\
        3,Beta,2024-02-01,100\n\
        4,Cato,2024-02-28,20\n\
        5,Cato,2024-02-29,-40\n";
    let r = analyze(&[("orders.csv", csv.as_bytes())], &feb());
    near(&r, "revenue", 120.0);
    // (120 − 80) ÷ 80.
    near(&r, "revenue_growth", 0.5);
    let k = r.kpi("revenue_growth").unwrap();
    assert_eq!(k.variant, "against 2024-01");
    assert_eq!(k.details["previous"], 80.0);
    assert_eq!(k.details["year_ago"], 60.0);
    // (120 − 60) ÷ 60.
    assert!((k.details["year_over_year"] - 1.0).abs() < 1e-12);
    // December 2023 had no order: January's growth cannot be said, and the note says why.
    let jan = analyze(
        &[("orders.csv", csv.as_bytes())],
        &Options {
            period: Period::Month(2024, 1),
            ..Options::default()
        },
    );
    assert_eq!(value(&jan, "revenue_growth"), None);
    assert_eq!(
        jan.kpi("revenue_growth").unwrap().note.as_deref(),
        Some("no revenue in the previous period to compare with")
    );
}

/// The bulk-entry warnings of an orders file.
fn bulk_warnings(csv: &str) -> Vec<Warning> {
    let r = analyze(&[("orders.csv", csv.as_bytes())], &Options::default());
    let all = r.warnings.clone();
    let bulk: Vec<Warning> = r
        .warnings
        .into_iter()
        .filter(|w| w.kind == "bulk_entry")
        .collect();
    assert_eq!(bulk.len(), 1, "{all:?}");
    bulk
}

#[test]
fn bulk_entries_count_orders_not_their_lines_and_many_make_one_warning() {
    let mut csv = String::from("Invoice No,Customer,Invoice Date,Amount\n");
    // 10:00: one invoice of 30 lines (one order, no bulk); 11:00: 20 invoices of one line
    // each, two of them without a number (each its own record): a bulk entry.
    for _ in 0..30 {
        csv.push_str("100,Acme,2024-03-04 10:00,5\n");
    }
    for i in 0..20 {
        let id = if i < 2 {
            String::new()
        } else {
            format!("2{i:02}")
        };
        csv.push_str(&format!("{id},C{i},2024-03-04 11:00,5\n"));
    }
    let bulk = bulk_warnings(&csv);
    assert_eq!(bulk[0].count, 20);
    assert_eq!(
        bulk[0].lines[0], 32,
        "the 11:00 lines start after the header and 30 lines"
    );
    assert!(bulk[0]
        .message
        .starts_with("20 records were created at the same minute, 2024-03-04 11:00"));

    // Five such minutes (of 20, 21 … 24 invoices) make one warning for the file.
    let mut csv = String::from("Invoice No,Customer,Invoice Date,Amount\n");
    for m in 0..5 {
        for i in 0..20 + m {
            csv.push_str(&format!("{m}{i:02},C,2024-03-04 1{m}:30,5\n"));
        }
    }
    let bulk = bulk_warnings(&csv);
    assert_eq!(bulk[0].count, 20 + 21 + 22 + 23 + 24);
    assert_eq!(
        bulk[0].message,
        "at 5 minutes, 20 or more records were created at once (the most: 24 at 2024-03-04 14:30): bulk imports or entries"
    );
}

#[test]
fn sanity_warnings_list_the_rows() {
    let mut csv = String::from("Deal Name,Amount,Stage,Create Date,Close Date,Owner\n");
    for i in 0..30 {
        // 25 deals entered in the same minute; amounts around 1,000; one of 2,000,000.
        let created = if i < 25 {
            "2024-01-05 10:31".to_string()
        } else {
            format!("2024-01-{:02} 09:{:02}", 6 + i - 25, i)
        };
        let amount = if i == 7 { 2_000_000 } else { 900 + i * 10 };
        csv.push_str(&format!(
            "D{i},{amount},Closed Won,{created},2024-02-01,Ann\n"
        ));
    }
    // Closed before created, and closed in the future.
    csv.push_str("Z1,1000,Closed Won,2024-03-01 10:00,2024-02-01,Bob\n");
    csv.push_str("Z2,1000,Closed Won,2024-03-01 11:00,2030-01-01,Bob\n");
    let r = analyze(
        &[("deals.csv", csv.as_bytes())],
        &Options {
            today: Some("2024-06-01".into()),
            ..Options::default()
        },
    );
    let w = |kind: &str| {
        r.warnings
            .iter()
            .find(|w| w.kind == kind)
            .unwrap_or_else(|| panic!("no {kind} warning in {:?}", r.warnings))
    };
    assert_eq!(w("bulk_entry").count, 25);
    assert_eq!(w("bulk_entry").lines[0], 2);
    assert_eq!(w("amount_outlier").lines, [9], "line 9 is D7");
    assert_eq!(w("closed_before_created").lines, [32]);
    assert_eq!(w("future_date").lines, [33]);
    assert!(w("future_date").message.contains("2024-06-01"));
    // Warnings never change the numbers: all 32 won deals count.
    near(&r, "win_rate", 1.0);
    assert_eq!(r.deals.as_ref().unwrap().won, 32);
}

#[test]
fn leads_and_activities_join_by_id_or_by_name() {
    // No first-contact column: the follow-up comes from the activities. L1's activity names
    // it by id, L2's by its company ("Beta Ltd" = "Beta"), L3's by name but 30 h late; L4 has none.
    let leads = "Lead ID,Lead Name,Company,Created Time,Lead Status\n\
        Q1,Ann Smith,Acme,2024-02-01 09:00,Open\n\
        Q2,Bo Li,Beta,2024-02-02 09:00,Open\n\
        Q3,Cy Wu,Cato,2024-02-03 09:00,Open\n\
        Q4,Di Ma,Dino,2024-02-04 09:00,Open\n";
    let acts = "Subject,Activity Type,Assigned To,Activity Date,Customer\n\
        Call,Call,Ann,2024-02-01 15:00,Q1\n\
        Call,Call,Ann,2024-02-02 10:00,Beta Ltd\n\
        Call,Call,Bob,2024-02-04 15:00,Cy Wu\n\
        Call,Call,Bob,2024-01-20 15:00,Dino\n";
    let r = analyze(
        &[
            ("leads.csv", leads.as_bytes()),
            ("activities.csv", acts.as_bytes()),
        ],
        &Options {
            period: Period::Month(2024, 2),
            ..Options::default()
        },
    );
    near(&r, "follow_up_24h_rate", 2.0 / 4.0);
    let k = r.kpi("follow_up_24h_rate").unwrap();
    // Dino's only activity came before the lead existed: matched, but no follow-up.
    assert!(
        k.variant.contains("matched to 4 leads by id or name"),
        "{}",
        k.variant
    );
    // 6 h, 1 h and 30 h: median 6.
    assert_eq!(k.details["median_hours"], 6.0);
}

#[test]
fn deals_break_down_by_every_dimension_they_have() {
    let csv = "Deal Name,Amount,Stage,Create Date,Close Date,Owner,Lead Source,Product,Region,Team,Segment\n\
        A,100,Closed Won,2024-01-01,2024-01-11,Ann,Web,Loans,North,East team,SMB\n\
        B,300,Closed Won,2024-01-05,2024-01-25,Bob,Web,Cards,South,West team,Enterprise\n\
        C,50,Closed Lost,2024-01-06,2024-01-16,Bob,Ads,Cards,South,West team,SMB\n";
    let r = analyze(&[("deals.csv", csv.as_bytes())], &Options::default());
    let revenue = r.kpi("revenue").unwrap();
    let dims: Vec<&str> = revenue.breakdowns.keys().map(String::as_str).collect();
    assert_eq!(
        dims,
        [
            "lead_source",
            "owner",
            "product",
            "region",
            "segment",
            "team"
        ]
    );
    // Win rate by segment: SMB 1 of 2, Enterprise 1 of 1.
    let seg: Vec<(String, Option<f64>)> = r.kpi("win_rate").unwrap().breakdowns["segment"]
        .iter()
        .map(|x| (x.key.clone(), x.value))
        .collect();
    assert_eq!(
        seg,
        [("Enterprise".into(), Some(1.0)), ("SMB".into(), Some(0.5))]
    );
}

#[test]
fn deal_kpis_compare_only_with_months_the_deals_cover() {
    // The customers reach back to 2022; the deals start in January 2024.
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/catalogue");
    let deals = std::fs::read(dir.join("deals.csv")).unwrap();
    let customers = std::fs::read(dir.join("customers.csv")).unwrap();
    let r = analyze(
        &[("deals.csv", &deals), ("customers.csv", &customers)],
        &Options {
            period: Period::Month(2024, 1),
            ..Options::default()
        },
    );
    let revenue = r.kpi("revenue").unwrap();
    assert_eq!(
        revenue.previous, None,
        "December 2023 has no deals data, not zero revenue"
    );
    assert_eq!(revenue.year_ago, None);
    assert!(
        revenue
            .series
            .iter()
            .all(|p| p.period.as_str() >= "2024-01"),
        "{:?}",
        revenue.series
    );
    // The customers' own churn does compare with December 2023: on 30 November Acme, Beta,
    // Dino, Fox and Gus were on the books (Eve came on 31 December); none left in December.
    let churn = r.kpi("churn_rate").unwrap();
    assert_eq!(churn.previous, Some(0.0));
}
