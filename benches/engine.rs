//! The engine natively, stage by stage, on generated HubSpot-style deals exports of 10k, 100k
//! and 1M rows: parse (bytes → text columns), map (→ typed, mapped table), compute (KPIs and
//! the report for the whole range, without and with the review of earlier periods), and all
//! of it together as the page's worker runs it. `cargo bench --bench engine`.

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
    use crm_kpi::engine::{build_table, ingest, Options, Workbook};
    use std::hint::black_box;
    use std::time::Duration;

    fn engine(c: &mut Criterion) {
        for rows in [10_000usize, 100_000, 1_000_000] {
            let csv = crm_kpi::sample::generate(rows, 7);
            let bytes = csv.as_bytes();
            let mut g = c.benchmark_group(format!("{rows} rows"));
            g.throughput(Throughput::Bytes(bytes.len() as u64));
            if rows >= 1_000_000 {
                g.sample_size(10).measurement_time(Duration::from_secs(20));
            } else if rows >= 100_000 {
                g.sample_size(10);
            }
            g.bench_function(BenchmarkId::new("parse", rows), |b| {
                b.iter(|| ingest::read_table("deals.csv", black_box(bytes)).map(|r| r.rows()))
            });
            let Ok(raw) = ingest::read_table("deals.csv", bytes) else {
                panic!("the generated file reads");
            };
            g.bench_function(BenchmarkId::new("map", rows), |b| {
                b.iter(|| build_table(black_box(&raw), None).rows)
            });
            let mut wb = Workbook::new();
            if wb.add("deals.csv", bytes).is_err() {
                panic!("the generated file loads");
            }
            let plain = Options {
                review: false,
                ..Options::default()
            };
            g.bench_function(BenchmarkId::new("compute", rows), |b| {
                b.iter(|| wb.report(black_box(&plain)).kpis.len())
            });
            g.bench_function(BenchmarkId::new("compute+review", rows), |b| {
                b.iter(|| wb.report(black_box(&Options::default())).kpis.len())
            });
            g.bench_function(BenchmarkId::new("all", rows), |b| {
                b.iter(|| {
                    let mut wb = Workbook::new();
                    let _ = wb.add("deals.csv", black_box(bytes));
                    wb.report(&plain).kpis.len()
                })
            });
            g.finish();
        }
    }

    criterion_group!(benches, engine);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    native::benches();
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
}

/// Criterion is a native tool; a wasm32 build of the targets has nothing to run here.
#[cfg(target_arch = "wasm32")]
fn main() {}
