//! `crm-kpi`: the command-line face of the engine, for people who live in terminals and for
//! checking the engine from outside. Same engine, same report as the page.

use crm_kpi::engine::catalogue::{Goal, Stage};
use crm_kpi::engine::report::Report;
use crm_kpi::engine::{Options, Period, ReadOptions, Workbook};
use crm_kpi::format;
use crm_kpi::i18n::Lang;
use std::process::ExitCode;

const USAGE: &str = "\
usage: crm-kpi analyze FILE... [--stage startup|expansion|mature|small] [--goal ID]...
                               [--period all|YYYY|YYYY-QN|YYYY-MM|YYYY-MM-DD..YYYY-MM-DD]
                               [--lang en|zh] [--encoding LABEL] [--sheet NAME] [--json]
       crm-kpi catalogue [--lang en|zh] [--json]

goals: grow_revenue win_customers keep_customers raise_satisfaction sales_efficiency
       profitability crm_adoption (repeat --goal for several; default grow_revenue)
The period defaults to the whole range. The text encoding is detected unless --encoding names
one (utf-8, gbk, gb18030, big5, utf-16le, windows-1252 …). Workbooks (xlsx, xls, xlsb, ods)
are read from the sheet holding most data unless --sheet names one. Without --json a readable
summary is printed.";

struct Args {
    files: Vec<String>,
    opts: Options,
    read: ReadOptions,
    json: bool,
}

fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut files = Vec::new();
    let mut opts = Options::default();
    let mut goals: Vec<Goal> = Vec::new();
    let mut json = false;
    let mut read = ReadOptions::default();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--stage" => {
                let v = value("--stage")?;
                opts.stage = Stage::from_id(&v).ok_or_else(|| {
                    format!("unknown stage ‘{v}’ (startup, expansion, mature, small)")
                })?;
            }
            "--goal" => {
                let v = value("--goal")?;
                goals.push(Goal::from_id(&v).ok_or_else(|| format!("unknown goal ‘{v}’"))?);
            }
            "--period" => {
                let v = value("--period")?;
                opts.period = Period::parse(&v).ok_or_else(|| format!("‘{v}’ is not a period (all, 2024, 2024-Q3, 2024-07, 2024-01-01..2024-03-31)"))?;
            }
            "--lang" => {
                let v = value("--lang")?;
                opts.lang = match v.as_str() {
                    "en" => Lang::En,
                    "zh" => Lang::Zh,
                    _ => return Err(format!("unknown language ‘{v}’ (en, zh)")),
                };
            }
            "--encoding" => read.encoding = Some(value("--encoding")?),
            "--sheet" => read.sheet = Some(value("--sheet")?),
            "--json" => json = true,
            s if s.starts_with("--") => return Err(format!("unknown option ‘{s}’")),
            _ => files.push(arg),
        }
    }
    if !goals.is_empty() {
        opts.goals = goals;
    }
    Ok(Args {
        files,
        opts,
        read,
        json,
    })
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let command = args.next();
    let parsed = match parse_args(args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("crm-kpi: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match command.as_deref() {
        Some("analyze") => analyze(parsed),
        Some("catalogue") => catalogue(&parsed),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn analyze(args: Args) -> ExitCode {
    if args.files.is_empty() {
        eprintln!("crm-kpi: analyze needs at least one file\n\n{USAGE}");
        return ExitCode::from(2);
    }
    let mut wb = Workbook::new();
    let mut failed = false;
    for path in &args.files {
        let name = std::path::Path::new(path)
            .file_name()
            .map_or(path.clone(), |n| n.to_string_lossy().into_owned());
        match std::fs::read(path) {
            Ok(bytes) => {
                if let Err(e) = wb.add_with(&name, &bytes, &args.read) {
                    eprintln!("crm-kpi: {}", e.message(args.opts.lang));
                    failed = true;
                }
            }
            Err(e) => {
                eprintln!("crm-kpi: cannot open “{path}”: {e}");
                failed = true;
            }
        }
    }
    if wb.tables().is_empty() {
        return ExitCode::from(1);
    }
    let report = wb.report(&args.opts);
    if args.json {
        match serde_json::to_string_pretty(&report) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("crm-kpi: could not write the report as JSON: {e}");
                return ExitCode::from(1);
            }
        }
    } else {
        print!("{}", render(&report));
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn catalogue(args: &Args) -> ExitCode {
    let lang = args.opts.lang;
    if args.json {
        let list: Vec<serde_json::Value> = crm_kpi::engine::CATALOGUE
            .iter()
            .map(|k| serde_json::json!({"id": k.id, "name": k.name(lang), "tier": k.tier, "unit": k.unit, "direction": k.direction, "formula": k.formula(lang)}))
            .collect();
        println!("{}", serde_json::Value::Array(list));
    } else {
        for k in crm_kpi::engine::CATALOGUE {
            println!("{:<28} {:<8?} {}", k.id, k.tier, k.formula(lang));
        }
    }
    ExitCode::SUCCESS
}

/// Pad to a display width, counting CJK characters as two columns.
fn pad(s: &str, width: usize) -> String {
    let w: usize = s
        .chars()
        .map(|c| if c as u32 >= 0x2E80 { 2 } else { 1 })
        .sum();
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

fn render(r: &Report) -> String {
    use std::fmt::Write;
    let lang = r.lang;
    let mut out = String::new();
    for t in &r.tables {
        let issues: usize = t.issue_counts.values().sum();
        let _ = writeln!(
            out,
            "{} — {} table, {} rows ({}), {} issues, {} rows left out",
            t.file,
            t.kind.id(),
            t.rows,
            match &t.sheet {
                Some(sheet) => format!("{} sheet “{sheet}” of {}", t.format, t.sheets.len()),
                None => format!("{}, delimiter ‘{}’", t.encoding, t.delimiter),
            },
            issues,
            t.rows_left_out
        );
        for c in &t.columns {
            let role = c.role.map_or("-", |r| r.id());
            let _ = writeln!(out, "    {} → {}", pad(&c.header, 30), role);
        }
    }
    for e in &r.errors {
        let _ = writeln!(out, "{} — not read: {}", e.file, e.message);
    }
    for l in &r.links {
        let _ = writeln!(
            out,
            "{} → {} by {} = {}: {} of {} rows, {} of {} customers found",
            l.from,
            l.to,
            l.from_column,
            l.to_column,
            l.rows_found,
            l.rows,
            l.customers_found,
            l.customers
        );
    }
    let _ = writeln!(out, "\nPeriod: {}", r.period);
    if let Some(d) = &r.deals {
        let _ = writeln!(
            out,
            "Deals: {} created · {} won · {} lost · {} open at the end · {} invalid",
            d.created, d.won, d.lost, d.open, d.invalid
        );
    }
    let _ = writeln!(
        out,
        "\nRecommended KPIs (stage {}, goals {}):",
        r.stage,
        r.goals.join(", ")
    );
    for (i, rec) in r.recommendation.iter().enumerate() {
        let value = match r.kpi(&rec.id) {
            Some(k) => format::value(k.value, k.unit, lang),
            None => format!("needs {}", rec.needs.join("; ")),
        };
        let _ = writeln!(
            out,
            "{:>3}. {} {:<9} {}",
            i + 1,
            pad(&rec.name, 32),
            rec.tier.id(),
            value
        );
        let _ = writeln!(out, "       {}", rec.reason);
    }
    let _ = writeln!(out, "\nAll KPIs the data supports:");
    for k in &r.kpis {
        let _ = writeln!(
            out,
            "  {} {}  ({})",
            pad(&k.name, 32),
            pad(&format::value(k.value, k.unit, lang), 16),
            k.note.as_deref().unwrap_or(&k.variant)
        );
    }
    if let Some(win) = r.kpi("win_rate") {
        if let Some(rows) = win.breakdowns.get("owner") {
            let revenue = r.kpi("revenue").and_then(|k| k.breakdowns.get("owner"));
            let _ = writeln!(out, "\nBy owner:  win rate · won revenue");
            for row in rows.iter().take(15) {
                let rev = revenue
                    .and_then(|rs| rs.iter().find(|x| x.key == row.key))
                    .and_then(|x| x.value);
                let key = if row.key.is_empty() {
                    "(blank)"
                } else {
                    &row.key
                };
                let _ = writeln!(
                    out,
                    "  {} {:>9} {:>16}",
                    pad(key, 28),
                    format::value(row.value, crm_kpi::engine::catalogue::Unit::Ratio, lang),
                    format::value(rev, crm_kpi::engine::catalogue::Unit::Money, lang)
                );
            }
            if rows.len() > 15 {
                let _ = writeln!(out, "  … {} more (see --json)", rows.len() - 15);
            }
        }
    }
    for t in &r.tables {
        if !t.issues.is_empty() {
            let _ = writeln!(
                out,
                "\nRows and cells not used as they stand in {}:",
                t.file
            );
            for i in t.issues.iter().take(10) {
                let _ = writeln!(
                    out,
                    "  line {}, {}: ‘{}’ — {}",
                    i.line,
                    i.column.as_deref().unwrap_or("row"),
                    i.value,
                    i.reason
                );
            }
            let total: usize = t.issue_counts.values().sum();
            if total > 10 {
                let _ = writeln!(out, "  … {} more (see --json)", total - 10);
            }
        }
    }
    out
}
