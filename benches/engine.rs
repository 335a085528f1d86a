//! The engine natively, stage by stage, on generated HubSpot-style deals exports of 10k, 100k
//! and 1M rows: parse (bytes → text columns, whole or in 8 MB slices as the page's worker
//! reads a file), map (→ typed, mapped table), compute (the first report on the loaded tables
//! for the whole range, without and with the review of earlier periods; then one for another
//! stage, which reuses the period's KPIs), and all of it together as the page's worker runs
//! it. `cargo bench --bench engine`.

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use criterion::{criterion_group, BatchSize, BenchmarkId, Criterion, Throughput};
    use crm_kpi::engine::catalogue::{Goal, Stage};
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
            g.bench_function(BenchmarkId::new("parse in 8 MB slices", rows), |b| {
                b.iter(|| {
                    let mut chunks = ingest::SliceChunks::new(black_box(bytes), 8 << 20);
                    let read = ingest::ReadOptions::default();
                    ingest::read_table_streamed(
                        "deals.csv",
                        &mut chunks,
                        &read,
                        &ingest::NativeCodecs,
                    )
                    .map(|r| r.rows())
                })
            });
            let mut loaded = Workbook::new();
            if loaded.add("deals.csv", bytes).is_err() {
                panic!("the generated file loads");
            }
            let plain = Options {
                review: false,
                ..Options::default()
            };
            // The first report on the loaded tables: nothing computed before is kept.
            let cold = |opts: &Options, b: &mut criterion::Bencher| {
                b.iter_batched(
                    || loaded.clone(),
                    |wb| wb.report(black_box(opts)).kpis.len(),
                    BatchSize::LargeInput,
                )
            };
            g.bench_function(BenchmarkId::new("compute", rows), |b| cold(&plain, b));
            g.bench_function(BenchmarkId::new("compute+review", rows), |b| {
                cold(&Options::default(), b)
            });
            // A report for another stage and goals after one was made: the period's KPIs,
            // its comparisons and its trend are kept.
            let wb = loaded.clone();
            let _ = wb.report(&Options::default());
            let other = Options {
                stage: Stage::Mature,
                goals: vec![Goal::KeepCustomers],
                ..Options::default()
            };
            g.bench_function(BenchmarkId::new("other stage+review", rows), |b| {
                b.iter(|| wb.report(black_box(&other)).kpis.len())
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
