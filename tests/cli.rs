//! The command-line face from outside: exit codes, stderr lines, and the documented JSON.
#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_crm-kpi"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run crm-kpi");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn json_report_has_the_documented_shape_and_values() {
    let (code, out, err) = run(&[
        "analyze",
        "tests/fixtures/pipedrive_deals.csv",
        "--json",
        "--stage",
        "expansion",
        "--goal",
        "win_customers",
        "--period",
        "2024-Q1",
    ]);
    assert_eq!(code, 0, "{err}");
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    let t = &r["tables"][0];
    assert_eq!(
        (t["file"].as_str(), t["kind"].as_str(), t["rows"].as_u64()),
        (Some("pipedrive_deals.csv"), Some("deals"), Some(6))
    );
    assert_eq!(t["mapping"]["Deal - Value"], "amount");
    assert_eq!(t["mapping"]["Deal - Won time"], "won_at");
    assert!(t["issues"].as_array().unwrap().is_empty());
    let rec = r["recommendation"].as_array().unwrap();
    assert_eq!(rec[0]["id"], "new_customers");
    assert!(rec.iter().all(|x| x["tier"].is_string()
        && x["reason"].is_string()
        && x["computable"].is_boolean()
        && x["needs"].is_array()));
    let kpis = r["kpis"].as_array().unwrap();
    let win = kpis.iter().find(|k| k["id"] == "win_rate").unwrap();
    assert_eq!(
        (
            win["value"].as_f64(),
            win["numerator"].as_f64(),
            win["denominator"].as_f64()
        ),
        (Some(2.0 / 3.0), Some(2.0), Some(3.0))
    );
    assert_eq!(win["unit"], "ratio");
    assert!(win["variant"].as_str().unwrap().contains("won"));
    assert_eq!(win["breakdowns"]["owner"][0]["key"], "Bob");
    let growth = kpis.iter().find(|k| k["id"] == "revenue_growth").unwrap();
    assert!(
        growth["value"].is_null(),
        "no revenue in 2023-Q4 to compare with"
    );
}

#[test]
fn readable_summary_names_the_numbers() {
    let (code, out, _) = run(&[
        "analyze",
        "tests/fixtures/wukong_商机信息.csv",
        "--lang",
        "zh",
    ]);
    assert_eq!(code, 0);
    assert!(
        out.contains("销售机会转化率（赢单率）") && out.contains("75.0 %"),
        "{out}"
    );
    assert!(
        out.contains("商机金额") && out.contains("amount"),
        "mapping is shown"
    );
}

#[test]
fn bad_input_gives_one_clear_line_and_a_non_zero_exit() {
    let dir = std::env::temp_dir().join(format!("crm-kpi-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let binary = dir.join("program.csv");
    std::fs::write(
        &binary,
        b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0\x01\0\0\0\0\0\0\0",
    )
    .unwrap();
    let cases: &[(&[&str], i32, &str)] = &[
        (
            &["analyze", "no/such/file.csv"],
            1,
            "cannot open “no/such/file.csv”",
        ),
        (
            &["analyze", binary.to_str().unwrap()],
            1,
            "is not a text file",
        ),
        (
            &[
                "analyze",
                "tests/fixtures/zoho_deals.csv",
                "--period",
                "soon",
            ],
            2,
            "‘soon’ is not a period",
        ),
        (
            &[
                "analyze",
                "tests/fixtures/zoho_deals.csv",
                "--stage",
                "huge",
            ],
            2,
            "unknown stage ‘huge’",
        ),
        (&["analyze"], 2, "needs at least one file"),
        (&["frobnicate"], 2, "usage: crm-kpi analyze"),
    ];
    for (args, want_code, want_err) in cases {
        let (code, _, err) = run(args);
        assert_eq!(code, *want_code, "{args:?}: {err}");
        assert!(err.contains(want_err), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
    // One bad file among good ones: the good one is still analysed, and the exit says so.
    let (code, out, err) = run(&[
        "analyze",
        "tests/fixtures/zoho_deals.csv",
        binary.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(
        out.contains("zoho_deals.csv — deals table, 6 rows") && err.lines().count() == 1,
        "{out}\n{err}"
    );
}
