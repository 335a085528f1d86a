//! Read throughput of the engine's reader on one file: bytes → text columns (ingest), and
//! → typed, mapped table (ingest + dataset). Prints MB/s; run with the optimised profile:
//! `cargo run --profile bench --example read_speed -- FILE [RUNS]`.

use crm_kpi::engine::catalogue::{Goal, Stage};
use crm_kpi::engine::{build_table, ingest, Options, Period, Role, Workbook};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: read_speed FILE [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(3);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let mb = bytes.len() as f64 / 1e6;
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (mut read, mut typed) = (Vec::new(), Vec::new());
    let mut rows = 0;
    for _ in 0..runs {
        let t0 = Instant::now();
        let raw = match ingest::read_table(&path, &bytes) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        };
        let t1 = Instant::now();
        let table = build_table(&raw, None);
        let t2 = Instant::now();
        rows = table.rows;
        read.push((t1 - t0).as_secs_f64());
        typed.push((t2 - t0).as_secs_f64());
    }
    let (r, t) = (median(read), median(typed));
    println!(
        "{path}: {mb:.1} MB, {rows} rows; read {:.0} ms ({:.0} MB/s); read+typed {:.0} ms ({:.0} MB/s)",
        r * 1e3,
        mb / r,
        t * 1e3,
        mb / t
    );
    // Read in 8 MB slices, as the browser's worker reads a File.
    let mut sliced = Vec::new();
    for _ in 0..runs {
        let t0 = Instant::now();
        let mut chunks = ingest::SliceChunks::new(&bytes, 8 << 20);
        let r = ingest::read_table_streamed(
            &path,
            &mut chunks,
            &Default::default(),
            &ingest::NativeCodecs,
        );
        sliced.push(t0.elapsed().as_secs_f64());
        assert_eq!(r.map(|t| t.rows()).unwrap_or(0), rows);
    }
    println!("read in 8 MB slices: {:.0} ms", median(sliced) * 1e3);
    // In two parts on two threads, as the page's two workers read a large file, then joined.
    let mid = bytes.len() / 2;
    let opts = ingest::ReadOptions::default();
    let split = ingest::line_start_after(&bytes[mid..], mid as u64)
        .and_then(|start| ingest::split_at(&bytes, start, &opts, &ingest::NativeCodecs));
    if let Some(split) = split {
        let (mut both, mut joins) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            let t0 = Instant::now();
            let (first, second) = std::thread::scope(|s| {
                let second = s.spawn(|| {
                    let rest = &bytes[split.start as usize..];
                    let mut chunks = ingest::SliceChunks::new(rest, 8 << 20);
                    ingest::read_table_second_part(
                        &path,
                        &mut chunks,
                        &split,
                        &ingest::NativeCodecs,
                    )
                });
                let mut chunks = ingest::SliceChunks::new(&bytes, 8 << 20);
                let first = ingest::read_table_first_part(
                    &path,
                    &mut chunks,
                    &opts,
                    &ingest::NativeCodecs,
                    &split,
                );
                (first, second.join().expect("the second part's thread"))
            });
            let t1 = Instant::now();
            let table = ingest::join_parts(first, second);
            joins.push(t1.elapsed().as_secs_f64());
            both.push(t0.elapsed().as_secs_f64());
            assert_eq!(table.map(|t| t.rows()).unwrap_or(0), rows);
        }
        println!(
            "read in two parts on two threads: {:.0} ms, of which joining {:.0} ms",
            median(both) * 1e3,
            median(joins) * 1e3
        );
    }
    // The process's peak memory so far (Linux), against the file's size.
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        if let Some(kb) = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches(" kB").parse::<f64>().ok())
        {
            println!("peak memory: {:.0} MB (the file: {mb:.0} MB)", kb / 1e3);
        }
    }
    // The whole engine once more, as the page runs it (report included).
    let t0 = Instant::now();
    let mut wb = Workbook::new();
    let _ = wb.add(&path, &bytes);
    let _ = wb.report(&Default::default());
    println!(
        "whole engine (read, type, KPIs, report): {:.0} ms",
        t0.elapsed().as_secs_f64() * 1e3
    );
    // Recomputing on loaded tables, as a change of stage, goals, period or language does.
    // The first report above ran with the default options.
    let time = |wb: &Workbook, opts: &Options| {
        let t0 = Instant::now();
        let r = wb.report(opts);
        (t0.elapsed().as_secs_f64() * 1e3, r)
    };
    let (ms, r) = time(
        &wb,
        &Options {
            stage: Stage::Mature,
            goals: vec![Goal::KeepCustomers],
            ..Options::default()
        },
    );
    println!("report, other stage and goals: {ms:.0} ms");
    let in_period = |p: Period| {
        let opts = Options {
            period: p,
            ..Options::default()
        };
        time(&wb, &opts).0
    };
    if let Some(p) = r.default_period.as_deref().and_then(Period::parse) {
        let ms = in_period(p);
        println!("report, {p} (previous, year ago, 12-month trend): {ms:.0} ms");
        if let Some(q) = p.previous() {
            println!("report, then {q}: {:.0} ms", in_period(q));
        }
    }
    let (ms, _) = time(
        &wb,
        &Options {
            lang: crm_kpi::i18n::Lang::Zh,
            ..Options::default()
        },
    );
    println!("report, in Chinese (figures kept, texts written again): {ms:.0} ms");
    // Changes of mapping, as the page's profile makes them: the lead source column left
    // unused and given back (only that breakdown is walked again), then the amounts'
    // (everything is).
    let detected: Vec<_> = wb.tables()[0].columns.iter().map(|c| c.role).collect();
    for role in [Role::LeadSource, Role::Amount] {
        let Some(c) = detected.iter().position(|r| *r == Some(role)) else {
            continue;
        };
        let mut mapping = detected.clone();
        mapping[c] = None;
        for (what, m) in [("unused", &mapping), ("given back", &detected)] {
            let t0 = Instant::now();
            wb.remap(0, Some(m));
            let typed = t0.elapsed().as_secs_f64() * 1e3;
            let (ms, _) = time(&wb, &Options::default());
            println!(
                "mapping: the {} column {what}: table rebuilt in {typed:.0} ms, report {ms:.0} ms",
                role.id()
            );
        }
    }
}
