//! End to end from file bytes to report numbers: the bench fixture, every vendor fixture,
//! and the Maven CRM data set against figures computed independently
//! (`tests/independent/maven_figures.py`).

use crm_kpi::engine::catalogue::{Goal, Stage};
use crm_kpi::engine::report::Report;
use crm_kpi::engine::{analyze, IssueKind, Options, Period, TableKind};
use std::path::PathBuf;

fn shared(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(path)
}

fn fixture(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn report_of(name: &str, bytes: &[u8], period: Period) -> Report {
    analyze(
        &[(name, bytes)],
        &Options {
            period,
            ..Options::default()
        },
    )
}

fn value(r: &Report, id: &str) -> Option<f64> {
    r.kpi(id)
        .unwrap_or_else(|| {
            panic!(
                "KPI {id} missing; have {:?}",
                r.kpis.iter().map(|k| &k.id).collect::<Vec<_>>()
            )
        })
        .value
}

fn close(a: Option<f64>, b: f64, what: &str) {
    let a = a.unwrap_or_else(|| panic!("{what}: no value"));
    assert!((a - b).abs() < 1e-6, "{what}: {a} != {b}");
}

#[test]
fn bench_fixture_equals_the_hand_computed_result() {
    let bytes = std::fs::read(shared("bench/tests/fixture.csv")).expect("shared bench fixture");
    let expected: serde_json::Value = serde_json::from_slice(
        &std::fs::read(shared("bench/tests/fixture.expected.json")).unwrap(),
    )
    .unwrap();
    let r = report_of("fixture.csv", &bytes, Period::All);
    let got = crm_kpi::bench_spec::spec_result(&r);
    fn same(a: &serde_json::Value, b: &serde_json::Value, path: &str) {
        use serde_json::Value::*;
        match (a, b) {
            (Number(x), Number(y)) => assert!(
                (x.as_f64().unwrap() - y.as_f64().unwrap()).abs() < 1e-9,
                "{path}: {x} != {y}"
            ),
            (Object(x), Object(y)) => {
                let (mut kx, mut ky): (Vec<_>, Vec<_>) = (x.keys().collect(), y.keys().collect());
                kx.sort();
                ky.sort();
                assert_eq!(kx, ky, "{path}: keys");
                for k in x.keys() {
                    same(&x[k], &y[k], &format!("{path}.{k}"));
                }
            }
            _ => assert_eq!(a, b, "{path}"),
        }
    }
    same(&got, &expected, "result");
}

/// The six deals every vendor fixture holds, in that vendor's format.
struct Expect {
    file: &'static str,
    /// Rows left out as not deals (footers).
    left_out: usize,
}

#[test]
fn every_vendor_format_gives_the_same_numbers() {
    let cases = [
        Expect {
            file: "hubspot_deals.csv",
            left_out: 0,
        },
        Expect {
            file: "salesforce_report_footer.csv",
            left_out: 3,
        },
        Expect {
            file: "salesforce_api_names.csv",
            left_out: 0,
        },
        Expect {
            file: "pipedrive_deals.csv",
            left_out: 0,
        },
        Expect {
            file: "zoho_deals.csv",
            left_out: 0,
        },
        Expect {
            file: "odoo_crm_lead.csv",
            left_out: 0,
        },
        Expect {
            file: "wukong_商机信息.csv",
            left_out: 0,
        },
        Expect {
            file: "pasted_sheet.tsv",
            left_out: 0,
        },
        // GBK bytes, a merged note row above the header, `*` on required headers.
        Expect {
            file: "wukong_商机_gbk_note_row.csv",
            left_out: 0,
        },
        // WukongCRM's .xls: a note merged across row 1, amounts as numbers, Excel dates.
        Expect {
            file: "wukong_商机_note_row.xls",
            left_out: 0,
        },
        // A summary sheet in front of the deals sheet; Excel dates.
        Expect {
            file: "hubspot_deals.xlsx",
            left_out: 0,
        },
        // Excel's "Unicode Text": UTF-16LE with a BOM, tab-delimited, CRLF.
        Expect {
            file: "hubspot_deals_excel_unicode.txt",
            left_out: 0,
        },
        Expect {
            file: "semicolon_decimal_comma.csv",
            left_out: 0,
        },
    ];
    for case in cases {
        let r = report_of(case.file, &fixture(case.file), Period::All);
        let f = case.file;
        let t = &r.tables[0];
        assert_eq!(t.kind, TableKind::Deals, "{f}");
        assert_eq!(
            (t.rows, t.rows_left_out),
            (6, case.left_out),
            "{f}: rows, left out"
        );
        let issues: Vec<_> = t
            .issues
            .iter()
            .filter(|i| i.kind != IssueKind::FooterRow)
            .collect();
        assert!(issues.is_empty(), "{f}: unexpected issues {issues:?}");
        let d = r.deals.as_ref().unwrap();
        assert_eq!(
            (d.created, d.won, d.lost, d.open),
            (6, 3, 1, 2),
            "{f}: counts"
        );
        close(value(&r, "win_rate"), 0.75, &format!("{f} win rate"));
        close(value(&r, "revenue"), 5000.5, &format!("{f} revenue"));
        close(
            value(&r, "average_deal_size"),
            5000.5 / 3.0,
            &format!("{f} average deal"),
        );
        close(
            value(&r, "sales_cycle_days"),
            30.0,
            &format!("{f} median cycle"),
        );
        close(
            r.kpi("sales_cycle_days")
                .unwrap()
                .details
                .get("mean_days")
                .copied(),
            70.0 / 3.0,
            &format!("{f} mean cycle"),
        );
        close(
            value(&r, "pipeline_value"),
            1500.0,
            &format!("{f} pipeline"),
        );
        let months: Vec<(String, f64)> = r
            .kpi("revenue")
            .unwrap()
            .series
            .iter()
            .map(|p| (p.period.clone(), p.value))
            .collect();
        assert_eq!(
            months,
            [
                ("2024-01".into(), 1000.0),
                ("2024-03".into(), 2500.0),
                ("2024-04".into(), 1500.5)
            ],
            "{f}: months"
        );
        // Quarter 1: D1 and D2 won, D3 lost; D4, D5 open at the end of March and D6 (closed in April) too.
        let q1 = report_of(f, &fixture(f), Period::Quarter(2024, 1));
        let d = q1.deals.as_ref().unwrap();
        assert_eq!((d.won, d.lost, d.open), (2, 1, 3), "{f}: Q1 counts");
        close(value(&q1, "revenue"), 3500.0, &format!("{f} Q1 revenue"));
        close(
            value(&q1, "pipeline_value"),
            3000.5,
            &format!("{f} Q1 pipeline"),
        );
    }
}

#[test]
fn owners_and_sources_break_down_in_every_language() {
    let r = report_of("w.csv", &fixture("wukong_商机信息.csv"), Period::All);
    let owners = &r.kpi("revenue").unwrap().breakdowns["owner"];
    let got: Vec<(&str, Option<f64>)> = owners.iter().map(|o| (o.key.as_str(), o.value)).collect();
    assert_eq!(
        got,
        [
            ("李四", Some(2500.0)),
            ("王五", Some(1500.5)),
            ("张三", Some(1000.0))
        ]
    );
    let sources = &r.kpi("win_rate").unwrap().breakdowns["lead_source"];
    let web = sources.iter().find(|s| s.key == "线上注册").unwrap();
    assert_eq!((web.value, web.count), (Some(0.5), 2));
    // The export has no actual close date: the variant says the expected date stood in.
    assert!(
        r.kpi("revenue")
            .unwrap()
            .variant
            .contains("expected close date"),
        "{}",
        r.kpi("revenue").unwrap().variant
    );
    assert_eq!(value(&r, "referral_rate"), Some(1.0 / 3.0));
}

#[test]
fn date_order_is_decided_per_column_and_shown() {
    let r = report_of("p.tsv", &fixture("pasted_sheet.tsv"), Period::All);
    // "Created" holds only dates that read both ways; "Closed" has 20/01/2024, so both are day first.
    use crm_kpi::engine::value::{DateOrder, OrderEvidence};
    let col = |name: &str| {
        r.tables[0]
            .columns
            .iter()
            .find(|c| c.header == name)
            .unwrap()
            .date_order
    };
    assert_eq!(
        col("Created"),
        Some((DateOrder::Dmy, OrderEvidence::OtherColumns))
    );
    assert_eq!(col("Closed"), Some((DateOrder::Dmy, OrderEvidence::Values)));
    let r = report_of(
        "s.csv",
        &fixture("salesforce_report_footer.csv"),
        Period::All,
    );
    let close = r.tables[0]
        .columns
        .iter()
        .find(|c| c.header == "Close Date")
        .unwrap();
    assert_eq!(
        close.date_order.map(|o| o.0),
        Some(crm_kpi::engine::value::DateOrder::Mdy)
    );
}

#[test]
fn maven_sales_pipeline_matches_the_independent_figures() {
    let bytes = std::fs::read(shared(
        "data/maven-crm-sales-opportunities/sales_pipeline.csv",
    ))
    .expect("Maven data set");
    let r = report_of("sales_pipeline.csv", &bytes, Period::All);
    let d = r.deals.as_ref().unwrap();
    assert_eq!((d.created, d.won, d.lost, d.open), (8800, 4238, 2473, 2089));
    assert!(
        r.tables[0].issues.is_empty(),
        "{:?}",
        &r.tables[0].issues[..3.min(r.tables[0].issues.len())]
    );
    close(value(&r, "win_rate"), 4238.0 / 6711.0, "win rate");
    close(value(&r, "revenue"), 10_005_534.0, "revenue");
    close(
        value(&r, "average_deal_size"),
        10_005_534.0 / 4238.0,
        "average deal",
    );
    close(value(&r, "sales_cycle_days"), 57.0, "median cycle");
    close(
        r.kpi("sales_cycle_days")
            .unwrap()
            .details
            .get("mean_days")
            .copied(),
        51.781_972_628_598_396,
        "mean cycle",
    );
    // Open deals carry no value in this data set: the pipeline is unknown, not 0.
    let pipeline = r.kpi("pipeline_value").unwrap();
    assert_eq!(pipeline.value, None);
    assert_eq!(
        pipeline.note.as_deref(),
        Some("none of the 2089 open deals has an amount")
    );
    let top = &r.kpi("revenue").unwrap().breakdowns["owner"][0];
    assert_eq!(
        (top.key.as_str(), top.value, top.count),
        ("Darcel Schlecht", Some(1_153_214.0), 349)
    );
    let top_rate = r.kpi("win_rate").unwrap().breakdowns["owner"]
        .iter()
        .find(|o| o.key == "Darcel Schlecht")
        .unwrap();
    close(top_rate.value, 349.0 / 553.0, "Darcel's win rate");
    let products = &r.kpi("revenue").unwrap().breakdowns["product"];
    let gtxpro = products.iter().find(|p| p.key == "GTXPro").unwrap();
    assert_eq!(gtxpro.value, Some(3_510_578.0));
    assert_eq!(products.len(), 7);
    let months: Vec<(String, f64)> = r
        .kpi("revenue")
        .unwrap()
        .series
        .iter()
        .map(|p| (p.period.clone(), p.value))
        .collect();
    assert_eq!(months.len(), 10);
    assert_eq!(months[0], ("2017-03".into(), 1_134_672.0));
    assert_eq!(months[9], ("2017-12".into(), 1_131_573.0));

    let q2 = report_of("sales_pipeline.csv", &bytes, Period::Quarter(2017, 2));
    let d = q2.deals.as_ref().unwrap();
    assert_eq!((d.won, d.lost), (1254, 778));
    close(value(&q2, "revenue"), 3_086_111.0, "Q2 revenue");
    close(
        value(&q2, "revenue_growth"),
        (3_086_111.0 - 1_134_672.0) / 1_134_672.0,
        "Q2 growth over Q1",
    );
    close(value(&q2, "new_customers"), 1.0, "Q2 new customers");
    close(
        value(&q2, "customer_acquisition_rate"),
        1.0 / 84.0,
        "Q2 acquisition rate",
    );
}

#[test]
fn maven_us_date_resave_gives_identical_kpis() {
    let iso = std::fs::read(shared(
        "data/maven-crm-sales-opportunities/sales_pipeline.csv",
    ))
    .unwrap();
    let us = std::fs::read(shared(
        "data/maven-crm-sales-opportunities/sales_pipeline_us_dates_variant.csv",
    ))
    .unwrap();
    for period in [
        Period::All,
        Period::Quarter(2017, 3),
        Period::Month(2017, 6),
    ] {
        let a = report_of("a.csv", &iso, period);
        let b = report_of("b.csv", &us, period);
        assert_eq!(
            b.tables[0].columns[5].date_order.map(|o| o.0),
            Some(crm_kpi::engine::value::DateOrder::Mdy)
        );
        for (x, y) in a.kpis.iter().zip(&b.kpis) {
            assert_eq!((&x.id, x.value), (&y.id, y.value), "{period}");
            assert_eq!(x.breakdowns, y.breakdowns, "{period} {}", x.id);
        }
    }
}

#[test]
fn every_kpi_the_catalogue_calls_computable_from_deals_has_a_value() {
    // A deals table with every deal role: whatever the recommender calls computable, the
    // engine computes (the catalogue and the code cannot drift apart).
    let csv = "Deal Name,Account Name,Amount,Cost,Stage,Probability,Create Date,Close Date,Owner,Lead Source,Deal Type,Product,Region,Last Activity Date\n\
        A,Acme,100,60,Closed Won,100,2024-01-02,2024-02-10,Ann,Referral,Renewal,X,EU,2024-02-10\n\
        B,Beta,50,20,Closed Lost,0,2024-01-05,2024-02-11,Bob,Web,New,Y,US,2024-02-11\n\
        C,Cato,70,,Proposal,50,2024-02-01,,Ann,Web,New,X,EU,2024-02-01\n\
        D,Acme,30,10,Closed Won,100,2024-02-03,2024-02-20,Bob,Web,Renewal,Y,US,2024-02-20\n\
        E,Epsi,40,30,Closed Won,100,2023-12-01,2024-01-15,Bob,Web,New,Y,US,2024-01-15\n";
    for goals in [Goal::ALL.to_vec()] {
        for stage in Stage::ALL {
            let r = analyze(
                &[("d.csv", csv.as_bytes())],
                &Options {
                    stage,
                    goals: goals.clone(),
                    period: Period::Month(2024, 2),
                    ..Options::default()
                },
            );
            for rec in r.recommendation.iter().filter(|x| x.computable) {
                let k = r
                    .kpi(&rec.id)
                    .unwrap_or_else(|| panic!("{} is computable but missing", rec.id));
                assert!(
                    k.value.is_some(),
                    "{} computable but n/a: {:?}",
                    rec.id,
                    k.note
                );
            }
        }
    }
    let r = analyze(
        &[("d.csv", csv.as_bytes())],
        &Options {
            period: Period::Month(2024, 2),
            ..Options::default()
        },
    );
    close(value(&r, "profit_margin"), (130.0 - 70.0) / 130.0, "margin");
    close(
        value(&r, "customer_acquisition_rate"),
        1.0,
        "Acme is new in February, Epsi was a customer before",
    );
    close(value(&r, "renewal_rate"), 1.0, "renewal");
    close(
        value(&r, "stale_deal_share"),
        0.0,
        "stale: C was touched on Feb 1, 28 days before the end",
    );
    close(
        r.kpi("pipeline_value")
            .unwrap()
            .details
            .get("weighted")
            .copied(),
        35.0,
        "weighted pipeline",
    );
}

#[test]
fn empty_periods_say_n_a_never_nan() {
    let r = report_of("h.csv", &fixture("hubspot_deals.csv"), Period::Year(2019));
    for k in &r.kpis {
        if let Some(v) = k.value {
            assert!(v.is_finite(), "{} is {v}", k.id);
        } else {
            assert!(
                k.note.as_deref().is_some_and(|n| !n.is_empty()),
                "{} has no note",
                k.id
            );
        }
    }
    assert_eq!(value(&r, "win_rate"), None);
    assert_eq!(value(&r, "revenue"), Some(0.0));
}

#[test]
fn unreadable_files_are_reported_and_others_still_analysed() {
    let r = analyze(
        &[
            ("deals.csv.gz", b"\x1f\x8b\x08\0\0\0\0\0\0\x03"),
            ("h.csv", &fixture("hubspot_deals.csv")),
        ],
        &Options::default(),
    );
    assert_eq!(r.errors.len(), 1);
    assert!(
        r.errors[0].message.contains("deals.csv.gz")
            && r.errors[0].message.contains("compressed gzip file"),
        "{}",
        r.errors[0].message
    );
    assert_eq!(r.deals.as_ref().unwrap().won, 3);
}

/// The kind and the meaningful roles of every column a table's mapping names.
fn mapped(r: &Report, file: &str) -> (TableKind, Vec<(String, String)>) {
    let t = r.tables.iter().find(|t| t.file == file).expect(file);
    let mut m: Vec<(String, String)> = t
        .mapping
        .iter()
        .filter_map(|(h, role)| role.as_ref().map(|r| (h.clone(), r.clone())))
        .collect();
    m.sort();
    (t.kind, m)
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = list
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    v.sort();
    v
}

#[test]
fn the_shared_data_sets_read_with_no_manual_mapping() {
    let read = |p: &str| std::fs::read(shared(p)).unwrap();
    let telco = read("data/ibm-telco-customer-churn/Telco-Customer-Churn.csv");
    let retail = read("data/uci-online-retail/online_retail_non_uk.csv");
    let opps = read("data/salesforce-data-cloud-workshop/Opportunity.csv");
    let accounts = read("data/salesforce-data-cloud-workshop/Account.csv");
    let r = analyze(
        &[
            ("Telco-Customer-Churn.csv", &telco),
            ("online_retail_non_uk.csv", &retail),
            ("Opportunity.csv", &opps),
            ("Account.csv", &accounts),
        ],
        &Options::default(),
    );
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(
        mapped(&r, "Telco-Customer-Churn.csv"),
        (
            TableKind::Customers,
            pairs(&[
                ("customerID", "customer"),
                ("tenure", "tenure_months"),
                ("Contract", "contract_type"),
                ("MonthlyCharges", "recurring_revenue"),
                ("TotalCharges", "amount"),
                ("Churn", "churn_flag"),
            ])
        )
    );
    assert_eq!(
        mapped(&r, "online_retail_non_uk.csv"),
        (
            TableKind::Orders,
            pairs(&[
                ("InvoiceNo", "record_id"),
                ("Description", "subject"),
                ("Quantity", "quantity"),
                ("InvoiceDate", "created_at"),
                ("UnitPrice", "unit_price"),
                ("CustomerID", "customer"),
                ("Country", "region"),
            ])
        )
    );
    let (kind, m) = mapped(&r, "Opportunity.csv");
    assert_eq!(kind, TableKind::Deals);
    for want in [
        ("AccountId", "customer"),
        ("StageName", "stage"),
        ("Amount", "amount"),
        ("CloseDate", "closed_at"),
        ("CreatedDate", "created_at"),
        ("IsWon", "won_flag"),
        ("IsClosed", "closed_flag"),
        ("OwnerId", "owner"),
    ] {
        assert!(
            m.contains(&(want.0.into(), want.1.into())),
            "{want:?} in {m:?}"
        );
    }
    let (kind, m) = mapped(&r, "Account.csv");
    assert_eq!(kind, TableKind::Customers);
    for want in [
        ("Id", "record_id"),
        ("Name", "customer"),
        ("Type", "segment"),
        ("Industry", "industry"),
    ] {
        assert!(
            m.contains(&(want.0.into(), want.1.into())),
            "{want:?} in {m:?}"
        );
    }
    // Opportunities link to accounts by id: all 50 opportunities, 18 distinct accounts
    // (counted independently with Python's csv module).
    let link = r
        .links
        .iter()
        .find(|l| l.from == "Opportunity.csv")
        .expect("a link");
    assert_eq!(
        (
            link.to.as_str(),
            link.to_column.as_str(),
            link.rows,
            link.rows_found,
            link.customers,
            link.customers_found
        ),
        ("Account.csv", "Id", 50, 50, 18, 18)
    );
    // The Telco and retail tables hold no customer of the Salesforce accounts.
    assert!(!r
        .links
        .iter()
        .any(|l| l.from == "online_retail_non_uk.csv" && l.to == "Account.csv"));
}

#[test]
fn maven_deals_link_to_their_accounts_by_name() {
    let read = |p: &str| std::fs::read(shared(p)).unwrap();
    let pipeline = read("data/maven-crm-sales-opportunities/sales_pipeline.csv");
    let accounts = read("data/maven-crm-sales-opportunities/accounts.csv");
    let r = analyze(
        &[
            ("sales_pipeline.csv", &pipeline),
            ("accounts.csv", &accounts),
        ],
        &Options::default(),
    );
    assert_eq!(mapped(&r, "accounts.csv").0, TableKind::Customers);
    let link = &r.links[0];
    // 7,375 of the 8,800 deals name an account; every one of the 85 accounts is found.
    assert_eq!(
        (
            link.to_column.as_str(),
            link.rows,
            link.rows_found,
            link.customers,
            link.customers_found
        ),
        ("account", 7375, 7375, 85, 85)
    );
}

/// Figures from `tests/independent/maven_figures.py` (its last three lines).
#[test]
fn maven_deals_break_down_by_the_reps_office_and_manager_and_the_accounts_sector() {
    let read = |p: &str| {
        std::fs::read(shared(&format!("data/maven-crm-sales-opportunities/{p}"))).unwrap()
    };
    let files = [
        "sales_pipeline.csv",
        "sales_teams.csv",
        "accounts.csv",
        "products.csv",
    ];
    let bytes: Vec<Vec<u8>> = files.iter().map(|f| read(f)).collect();
    let named: Vec<(&str, &[u8])> = files
        .iter()
        .zip(&bytes)
        .map(|(f, b)| (*f, &b[..]))
        .collect();
    let r = analyze(&named, &Options::default());
    let lookups: Vec<_> = r
        .lookups
        .iter()
        .map(|l| {
            (
                l.dimension.as_str(),
                l.file.as_str(),
                l.column.as_str(),
                l.by.as_str(),
                l.rows,
                l.rows_found,
            )
        })
        .collect();
    assert_eq!(
        lookups,
        [
            (
                "region",
                "sales_teams.csv",
                "regional_office",
                "owner",
                8800,
                8800
            ),
            ("team", "sales_teams.csv", "manager", "owner", 8800, 8800),
            // 1,425 deals name no account; every one that does is found.
            ("industry", "accounts.csv", "sector", "customer", 7375, 7375),
        ]
    );
    let rows = |id: &str, dim: &str| {
        let mut v: Vec<(String, u64, f64)> = r.kpi(id).unwrap().breakdowns[dim]
            .iter()
            .map(|x| (x.key.clone(), x.count, x.value.unwrap_or(f64::NAN)))
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    };
    // Win rate: won / (won + lost), count the closed deals; revenue: won close values.
    let wins = |dim: &str, want: &[(&str, u64, u64, f64)]| {
        let (mut rates, mut revenue) = (rows("win_rate", dim), rows("revenue", dim));
        // The open deals without an account make a blank row with no closed deal.
        if dim == "industry" {
            assert_eq!((rates[0].0.as_str(), rates[0].1), ("", 0));
            rates.remove(0);
            revenue.remove(0);
        }
        assert_eq!(rates.len(), want.len(), "{dim}: {rates:?}");
        for (((key, n, rate), (key2, won, rev)), (k, w, l, money)) in
            rates.iter().zip(&revenue).zip(want)
        {
            assert_eq!(
                (key.as_str(), key2.as_str(), *n, *won),
                (*k, *k, w + l, *w),
                "{dim}"
            );
            close(Some(*rate), *w as f64 / (w + l) as f64, key);
            close(Some(*rev), *money, key);
        }
    };
    wins(
        "region",
        &[
            ("Central", 1629, 975, 3346293.0),
            ("East", 1171, 687, 3090594.0),
            ("West", 1438, 811, 3568647.0),
        ],
    );
    wins(
        "team",
        &[
            ("Cara Losch", 480, 265, 1130049.0),
            ("Celia Rouche", 610, 352, 1603897.0),
            ("Dustin Brinkmann", 747, 439, 1094363.0),
            ("Melvin Marxen", 882, 536, 2251930.0),
            ("Rocco Neubert", 691, 422, 1960545.0),
            ("Summer Sewald", 828, 459, 1964750.0),
        ],
    );
    wins(
        "industry",
        &[
            ("employment", 179, 107, 436174.0),
            ("entertainment", 260, 142, 689007.0),
            ("finance", 375, 238, 950908.0),
            ("marketing", 404, 219, 922321.0),
            ("medical", 592, 358, 1359595.0),
            ("retail", 799, 468, 1867528.0),
            ("services", 223, 129, 533006.0),
            ("software", 450, 254, 1077934.0),
            ("technolgy", 671, 387, 1515487.0),
            ("telecommunications", 285, 171, 653574.0),
        ],
    );
    // The accounts' own country is a region too, but the reps' office comes first; the
    // deals alone have neither.
    let alone = analyze(&named[..1], &Options::default());
    assert!(alone.lookups.is_empty());
    assert!(!alone
        .kpi("win_rate")
        .unwrap()
        .breakdowns
        .contains_key("region"));
}

#[test]
fn fxiaoke_api_names_and_epoch_dates_read() {
    let r = report_of(
        "fxiaoke_LeadsObj.csv",
        &fixture("fxiaoke_LeadsObj.csv"),
        Period::All,
    );
    let (kind, m) = mapped(&r, "fxiaoke_LeadsObj.csv");
    assert_eq!(kind, TableKind::Leads);
    assert_eq!(
        m,
        pairs(&[
            ("_id", "record_id"),
            ("name", "name"),
            ("company", "customer"),
            ("source", "lead_source"),
            ("leads_status", "status"),
            ("owner", "owner"),
            ("owner_department", "team"),
            ("create_time", "created_at"),
            ("transform_time", "converted_at"),
            ("last_follow_time", "last_activity_at"),
            ("close_reason", "lost_reason"),
        ])
    );
    // Fxiaoke's API gives epoch milliseconds: 1704067200000 is 2024-01-01 (UTC).
    let d = crm_kpi::engine::value::parse_date("1704067200000").unwrap();
    assert_eq!((d.year, d.a, d.b), (2024, 1, 1));
}

/// Figures from `tests/independent/telco_figures.py`.
#[test]
fn telco_churn_matches_the_independent_figures() {
    let bytes = std::fs::read(shared(
        "data/ibm-telco-customer-churn/Telco-Customer-Churn.csv",
    ))
    .unwrap();
    let r = report_of("Telco-Customer-Churn.csv", &bytes, Period::All);
    // The default goal, "grow revenue", gets nothing from a customers file: "keep customers"
    // gets retention, churn and CLV, and is the goal offered; none gives more than that.
    assert_eq!(r.goals, ["grow_revenue"]);
    assert_eq!(
        r.better_goal(0),
        Some((crm_kpi::engine::catalogue::Goal::KeepCustomers, 3))
    );
    assert_eq!(r.better_goal(3), None);
    close(value(&r, "churn_rate"), 1869.0 / 7032.0, "churn");
    close(
        value(&r, "retention_rate"),
        (5174.0 - 11.0) / 7032.0,
        "retention",
    );
    let churn = r.kpi("churn_rate").unwrap();
    close(
        Some(churn.details["revenue_at_risk"]),
        139_130.85,
        "revenue at risk",
    );
    let by_contract: Vec<(String, u64, Option<f64>)> = churn.breakdowns["contract_type"]
        .iter()
        .map(|x| (x.key.clone(), x.count, x.numerator))
        .collect();
    assert_eq!(
        by_contract,
        [
            ("Month-to-month".to_string(), 3875, Some(1655.0)),
            ("One year".to_string(), 1472, Some(166.0)),
            ("Two year".to_string(), 1685, Some(48.0)),
        ]
    );
    // Subscription CLV: mean monthly charges 64.7617 ÷ monthly churn 0.26578.
    close(value(&r, "clv"), 243.66196970729467, "clv");
}

/// Figures from `tests/independent/retail_figures.py` for June 2011.
#[test]
fn online_retail_matches_the_independent_figures() {
    let bytes = std::fs::read(shared("data/uci-online-retail/online_retail_non_uk.csv")).unwrap();
    let r = report_of("online_retail_non_uk.csv", &bytes, Period::Month(2011, 6));
    close(value(&r, "revenue"), 142_229.23, "revenue");
    close(value(&r, "average_order_value"), 948.1948666666669, "AOV");
    close(value(&r, "new_customers"), 28.0, "new customers");
    close(
        value(&r, "customer_acquisition_rate"),
        28.0 / 253.0,
        "acquisition",
    );
    close(
        value(&r, "repurchase_rate"),
        0.14705882352941177,
        "repurchase",
    );
    // 188 active at the end, of whom 28 new and 11 won back: 149 of the 179 kept.
    close(
        value(&r, "retention_rate"),
        (188.0 - 28.0 - 11.0) / 179.0,
        "retention",
    );
    assert_eq!(r.kpi("retention_rate").unwrap().details["won_back"], 11.0);
    close(value(&r, "churn_rate"), 30.0 / 179.0, "churn");
    // CLV: AOV 870.66 × 5.23 orders a year × 1 ÷ annual churn from 16.06 % a month.
    close(value(&r, "clv"), 5191.337047329258, "CLV");
    let clv = r.kpi("clv").unwrap();
    assert!(clv.variant.contains("annual churn"));
    close(
        Some(clv.details["monthly_churn"]),
        0.1605512575811543,
        "monthly churn",
    );
    // Retention by month: the months with 90 days of history before them.
    let trend: Vec<(String, f64)> = r
        .kpi("retention_rate")
        .unwrap()
        .series
        .iter()
        .map(|p| (p.period.clone(), p.value))
        .collect();
    let want = [
        ("2011-03", 0.8757396449704142),
        ("2011-04", 0.8066298342541437),
        ("2011-05", 0.8430232558139535),
        ("2011-06", 0.8324022346368715),
    ];
    assert_eq!(trend.len(), want.len(), "{trend:?}");
    for ((p, v), (wp, wv)) in trend.iter().zip(want) {
        assert_eq!(p, wp);
        close(Some(*v), wv, p);
    }
}

/// Figures from `tests/independent/salesforce_figures.py`.
#[test]
fn salesforce_export_matches_the_independent_figures() {
    let bytes = std::fs::read(shared(
        "data/salesforce-data-cloud-workshop/Opportunity.csv",
    ))
    .unwrap();
    let r = report_of("Opportunity.csv", &bytes, Period::All);
    let d = r.deals.clone().unwrap();
    assert_eq!((d.created, d.won, d.lost, d.open), (50, 12, 3, 35));
    close(value(&r, "win_rate"), 0.8, "win rate");
    close(value(&r, "revenue"), 10_542_562.98, "revenue");
    close(value(&r, "average_deal_size"), 878_546.915, "deal size");
    close(value(&r, "pipeline_value"), 30_002_070.5, "pipeline");
    // The workshop's records were created on import day, after most close dates: the median
    // cycle is negative, and the sanity check lists the 15 deals closed before created.
    close(value(&r, "sales_cycle_days"), -125.0, "cycle");
    let w = r
        .warnings
        .iter()
        .find(|w| w.kind == "closed_before_created")
        .unwrap();
    assert_eq!(w.count, 15);
    // All 50 were created in one minute: a bulk import.
    assert_eq!(
        r.warnings
            .iter()
            .find(|w| w.kind == "bulk_entry")
            .map(|w| w.count),
        Some(50)
    );
    let products: Vec<(String, f64)> = r.kpi("revenue").unwrap().breakdowns["product"]
        .iter()
        .map(|x| (x.key.clone(), x.value.unwrap()))
        .collect();
    assert_eq!(products[0].0, "Business Checking Account");
    close(Some(products[0].1), 3_427_285.49, "top product");
}
