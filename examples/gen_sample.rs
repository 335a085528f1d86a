//! Writes the built-in sample to `www/sample-deals.csv`: `cargo run --example gen_sample`.

fn main() -> std::io::Result<()> {
    let text =
        crm_kpi::sample::generate(crm_kpi::sample::SAMPLE_ROWS, crm_kpi::sample::SAMPLE_SEED);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/www/sample-deals.csv");
    std::fs::write(path, &text)?;
    println!(
        "wrote {path}: {} bytes, {} rows",
        text.len(),
        text.lines().count() - 1
    );
    Ok(())
}
