//! How long the engine's steps after a load take natively on one file, in milliseconds:
//!
//! - `ROLE …` (role ids such as `stage`, `closed_at`, `amount`; these three by default): a
//!   first change of one column's meaning on the whole range, as the page's worker makes it
//!   when a person leaves the column unused (`Workbook::remap`, then the report with its
//!   review), and the change back (with `BACK=1`, the column given back while the names'
//!   column is left unused: no change back, every figure made again);
//! - `typing`: the text columns typed into a table (`build_table`);
//! - `report`: the bench's report (the whole range, no review) of a fresh workbook.
//!
//! `cargo run --release --example remap_speed -- FILE [ROLE … | typing | report] [--runs N]`.
//! With `PERF_CTL=FIFO`, only the timed steps are profiled: it writes `enable` and `disable`
//! to that `perf record --control fifo:FIFO -D -1` control pipe around each. With
//! `PERIOD=2024-12` (any period the page takes) or `PERIOD=default` (the month a load opens
//! on), a change of a column's meaning is timed at that period, as of the day the bench
//! profile fixes (`bench_spec::PROFILE_TODAY`), instead of on the whole range.

use crm_kpi::engine::{build_table, ingest, Options, Period, Role, Warm, Workbook};
use std::time::Instant;

fn fail(what: impl std::fmt::Display) -> ! {
    eprintln!("{what}");
    std::process::exit(1);
}

/// Tells `perf` to profile (or stop profiling) when `PERF_CTL` names its control pipe.
fn perf(word: &str) {
    if let Some(ctl) = std::env::var_os("PERF_CTL") {
        let _ = std::fs::write(ctl, format!("{word}\n"));
    }
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

/// How long `f` took, profiled when `PERF_CTL` asks for it.
fn step(f: impl FnOnce()) -> f64 {
    perf("enable");
    let t = Instant::now();
    f();
    let took = ms(t);
    perf("disable");
    took
}

/// `f` timed `runs` times, each after `setup`: the times, fastest first.
fn timed<S>(runs: usize, mut setup: impl FnMut() -> S, mut f: impl FnMut(S)) -> Vec<f64> {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let s = setup();
            step(|| f(s))
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times
}

fn show(what: &str, times: &[f64]) {
    let all: Vec<String> = times.iter().map(|t| format!("{t:.1}")).collect();
    println!(
        "{what}: min {:.1} ms, median {:.1} ({})",
        times[0],
        times[times.len() / 2],
        all.join(", ")
    );
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut runs = 5;
    if let Some(k) = args.iter().position(|a| a == "--runs") {
        runs = args.get(k + 1).and_then(|r| r.parse().ok()).unwrap_or(5);
        args.drain(k..(k + 2).min(args.len()));
    }
    let runs = runs.max(1);
    let Some(path) = args.first().cloned() else {
        eprintln!("usage: remap_speed FILE [ROLE … | typing | report] [--runs N]");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&path).unwrap_or_else(|e| fail(format!("{path}: {e}")));
    let loaded = || {
        let mut wb = Workbook::new();
        if let Err(e) = wb.add(&path, &bytes) {
            fail(e.message(crm_kpi::i18n::Lang::En));
        }
        wb
    };
    let what: Vec<String> = match &args[1..] {
        [] => vec!["stage".into(), "closed_at".into(), "amount".into()],
        rest => rest.to_vec(),
    };
    let mut opts = Options::default();
    if let Ok(p) = std::env::var("PERIOD") {
        opts.today = Some(crm_kpi::bench_spec::PROFILE_TODAY.into());
        let p = match p.as_str() {
            "default" => loaded().report(&opts).default_period.unwrap_or_default(),
            _ => p,
        };
        opts.period = Period::parse(&p).unwrap_or_else(|| fail(format!("{p}: no such period")));
        println!("at {p}");
    }
    for id in &what {
        match id.as_str() {
            "typing" => {
                let raw = ingest::read_table(&path, &bytes)
                    .unwrap_or_else(|e| fail(e.message(crm_kpi::i18n::Lang::En)));
                show(
                    "typing",
                    &timed(runs, || (), |()| drop(build_table(&raw, None))),
                );
            }
            "report" => {
                let bench = Options {
                    review: false,
                    ..Options::default()
                };
                show(
                    "the bench's report",
                    &timed(runs, loaded, |wb| drop(wb.report(&bench))),
                );
            }
            _ => {
                let Some(role) = Role::ALL.iter().copied().find(|r| r.id() == id) else {
                    fail(format!("{id}: no such role, nor `typing` or `report`"));
                };
                // A loaded workbook that has answered for the whole range, with the mapping
                // it detected and that mapping without `role`.
                let ready = || {
                    let wb = loaded();
                    // The page's load answers for the whole range first, then for a month.
                    if opts.period != Period::All {
                        let _ = wb.report(&Options {
                            period: Period::All,
                            ..opts.clone()
                        });
                    }
                    let _ = wb.report(&opts);
                    // And the worker's walks ahead after an answer, with `AHEAD=1`.
                    if std::env::var_os("AHEAD").is_some() {
                        let mut warm = Warm::default();
                        warm.answered(&wb, &opts);
                        while warm.step(&wb, usize::MAX) {}
                    }
                    let detected: Vec<Option<Role>> =
                        wb.tables()[0].columns.iter().map(|c| c.role).collect();
                    let without: Vec<Option<Role>> =
                        detected.iter().map(|r| r.filter(|&r| r != role)).collect();
                    (wb, detected, without)
                };
                let (mut unused, mut back) = (Vec::new(), Vec::new());
                for _ in 0..runs {
                    let (mut wb, detected, without) = ready();
                    unused.push(step(|| {
                        wb.remap(0, Some(&without));
                        let _ = wb.report(&opts);
                    }));
                    // Given back: the workbook puts back the table it kept. With `BACK=1`,
                    // given back while the names' column is left unused, which is no change
                    // back: every figure is made again with the column read.
                    let given = match std::env::var_os("BACK") {
                        Some(_) => {
                            let names = |r: &Option<Role>| r.filter(|&r| r != Role::Name);
                            let both: Vec<_> = without.iter().map(names).collect();
                            wb.remap(0, Some(&both));
                            let _ = wb.report(&opts);
                            detected.iter().map(names).collect()
                        }
                        None => detected,
                    };
                    back.push(step(|| {
                        wb.remap(0, Some(&given));
                        let _ = wb.report(&opts);
                    }));
                }
                unused.sort_by(f64::total_cmp);
                back.sort_by(f64::total_cmp);
                show(&format!("{id} left unused"), &unused);
                show(&format!("{id} given back"), &back);
            }
        }
    }
}
