//! The built-in sample: a realistic synthetic deals export, generated deterministically.
//!
//! `www/sample-deals.csv` is exactly `generate(SAMPLE_ROWS, SAMPLE_SEED)` (a test checks it);
//! regenerate with `cargo run --example gen_sample`. HubSpot-style English headers, two years
//! of deals (2024–2025) with growth and seasonality, eight owners of different skill (two with
//! Chinese names), six lead sources of different quality, renewals and upsells, open deals
//! concentrated in the last months, and a few planted mistakes a real export has: amounts
//! typed as `TBD`, deals closed before they were created, a deal with no owner.

/// Rows in the shipped sample.
pub const SAMPLE_ROWS: usize = 3000;
/// Seed of the shipped sample.
pub const SAMPLE_SEED: u64 = 20_240_101;

/// SplitMix64: small, fast and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize % n.max(1)
    }

    /// Pick by weights.
    fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.unit() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
}

/// (name, share of deals, win-rate factor, cycle factor)
const OWNERS: [(&str, f64, f64, f64); 8] = [
    ("Emma Clark", 1.4, 1.25, 0.85),
    ("Liam Chen", 1.2, 1.05, 1.0),
    ("王芳", 1.1, 1.15, 0.9),
    ("Noah Patel", 1.0, 0.95, 1.1),
    ("Sofia Rossi", 0.9, 1.0, 1.0),
    ("李伟", 0.8, 0.85, 1.2),
    ("Lucas Müller", 0.7, 0.9, 1.05),
    ("Ava Johnson", 0.5, 0.7, 1.3),
];

/// (name, share, base win rate)
const SOURCES: [(&str, f64, f64); 6] = [
    ("Referral", 0.14, 0.52),
    ("Website", 0.30, 0.33),
    ("Paid Search", 0.20, 0.24),
    ("Trade Show", 0.12, 0.36),
    ("Partner", 0.10, 0.44),
    ("Cold Outreach", 0.14, 0.15),
];

/// (name, share, typical amount)
const PRODUCTS: [(&str, f64, f64); 4] = [
    ("Starter", 0.40, 2400.0),
    ("Growth", 0.33, 9800.0),
    ("Enterprise", 0.12, 42000.0),
    ("Add-on", 0.15, 1500.0),
];

const REGIONS: [(&str, f64); 3] = [
    ("North America", 0.45),
    ("Europe", 0.35),
    ("Asia Pacific", 0.20),
];

/// Open stages with their probability, earliest first.
const OPEN_STAGES: [(&str, u32); 5] = [
    ("Appointment Scheduled", 20),
    ("Qualified to Buy", 40),
    ("Presentation Scheduled", 60),
    ("Decision Maker Bought-In", 80),
    ("Contract Sent", 90),
];

const COMPANY_A: [&str; 24] = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Stark",
    "Wayne",
    "Wonka",
    "Soylent",
    "Cyberdyne",
    "Tyrell",
    "Vandelay",
    "Dunder",
    "Aperture",
    "Pied Piper",
    "Massive",
    "Northwind",
    "Contoso",
    "Fabrikam",
    "Tailspin",
    "Litware",
    "Adatum",
    "Blue Yonder",
    "Proseware",
];
const COMPANY_B: [&str; 12] = [
    "Corp",
    "Ltd",
    "GmbH",
    "Inc.",
    "Labs",
    "Foods",
    "Logistics",
    "Health",
    "Systems",
    "Retail",
    "Energy",
    "Media",
];

const START: i32 = 19723; // 2024-01-01 as a day number
const DAYS: i32 = 731; // through 2025-12-31

fn date_time(day: i32, minute: u32) -> String {
    let d = crate::engine::value::date_of_day(day);
    format!("{d} {:02}:{:02}", minute / 60, minute % 60)
}

fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Generate the sample export: a header and `rows` deals, `\n` line ends.
pub fn generate(rows: usize, seed: u64) -> String {
    let mut rng = Rng(seed);
    let mut out = String::with_capacity(rows * 170);
    out.push_str("Record ID,Deal Name,Associated Company,Deal Stage,Amount,Deal Probability,Create Date,Close Date,Deal owner,Lead Source,Deal Type,Product,Region,Last Activity Date\n");
    let end = START + DAYS - 1;
    let mut companies: Vec<String> = Vec::new();
    for a in COMPANY_A {
        for b in COMPANY_B {
            companies.push(format!("{a} {b}"));
        }
    }
    let owner_w: Vec<f64> = OWNERS.iter().map(|o| o.1).collect();
    let source_w: Vec<f64> = SOURCES.iter().map(|s| s.1).collect();
    let product_w: Vec<f64> = PRODUCTS.iter().map(|p| p.1).collect();
    let region_w: Vec<f64> = REGIONS.iter().map(|r| r.1).collect();
    for i in 0..rows {
        // Growth: later days are likelier (density rises ~2.2× over two years), with a summer dip.
        let day = loop {
            let d = rng.below(DAYS as usize) as i32;
            let month = crate::engine::value::year_month(START + d).1;
            let season = if matches!(month, 7 | 8) {
                0.75
            } else if month == 12 {
                0.85
            } else {
                1.0
            };
            if rng.unit() < (0.45 + 0.55 * f64::from(d) / f64::from(DAYS)) * season {
                break START + d;
            }
        };
        let owner = rng.weighted(&owner_w);
        let mut source = rng.weighted(&source_w);
        let product = rng.weighted(&product_w);
        let region = rng.weighted(&region_w);
        // Returning customers come back for renewals and upsells.
        let company = rng.below(companies.len());
        let kind = rng.weighted(&[0.74, 0.15, 0.11]);
        let deal_type = ["New Business", "Renewal", "Upsell"][kind];
        let type_factor = [1.0, 1.7, 1.3][kind];
        if kind == 1 {
            source = 4.min(source); // renewals mostly come through existing channels
        }
        let typical = PRODUCTS[product].2;
        let amount = typical * (0.45 + 1.3 * rng.unit()) * if kind == 2 { 0.5 } else { 1.0 };
        let p_win = (SOURCES[source].2 * OWNERS[owner].2 * type_factor).min(0.92);
        let cycle = ((8.0 + 70.0 * rng.unit() * rng.unit() * 2.0)
            * OWNERS[owner].3
            * if product == 2 { 1.8 } else { 1.0 }) as i32;
        let decided = day + cycle;
        let created_minute = 8 * 60 + rng.below(10 * 60) as u32;
        let (stage, prob, closed) = if decided <= end && rng.unit() < 0.97 {
            if rng.unit() < p_win {
                ("Closed Won", 100, Some(decided))
            } else {
                let lost_after = (f64::from(cycle) * (0.4 + 0.6 * rng.unit())) as i32;
                ("Closed Lost", 0, Some((day + lost_after).min(end)))
            }
        } else {
            let progress =
                ((f64::from(end - day) / f64::from(cycle.max(1))) * 5.0).clamp(0.0, 4.0) as usize;
            let s = OPEN_STAGES[(progress + rng.below(2)).min(4)];
            (s.0, s.1, None)
        };
        let mut created_text = date_time(day, created_minute);
        let close_text = closed
            .map(|c| date_time(c, 9 * 60 + rng.below(9 * 60) as u32))
            .unwrap_or_default();
        let last_activity = match closed {
            Some(c) => c,
            None => (day + rng.below((end - day + 1) as usize) as i32).min(end),
        };
        let mut amount_text = if rng.unit() < 0.25 {
            format!("{}", amount.round())
        } else {
            format!("{amount:.2}")
        };
        let mut owner_text = OWNERS[owner].0.to_string();
        // Planted mistakes, at fixed rows so the sample always shows them.
        match i {
            417 | 1630 | 2711 => amount_text = "TBD".into(),
            901 | 2258 if closed.is_some() => {
                created_text = date_time(closed.unwrap_or(day) + 12, created_minute)
            }
            1444 => owner_text.clear(),
            _ => {}
        }
        let source_text = if rng.unit() < 0.02 {
            ""
        } else {
            SOURCES[source].0
        };
        let company_name = &companies[company];
        let name = format!(
            "{company_name} – {} {}",
            PRODUCTS[product].0,
            if kind == 0 {
                "deal".to_string()
            } else {
                crate::engine::case::lower(deal_type)
            }
        );
        let fields = [
            format!("{}", 10_000 + i),
            quote(&name),
            quote(company_name),
            stage.to_string(),
            amount_text,
            prob.to_string(),
            created_text,
            close_text,
            quote(&owner_text),
            source_text.to_string(),
            deal_type.to_string(),
            PRODUCTS[product].0.to_string(),
            REGIONS[region].0.to_string(),
            crate::engine::value::date_of_day(last_activity).to_string(),
        ];
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_sample_is_the_generator_output() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/www/sample-deals.csv");
        let shipped = std::fs::read_to_string(path)
            .expect("www/sample-deals.csv (cargo run --example gen_sample)");
        assert!(
            shipped == generate(SAMPLE_ROWS, SAMPLE_SEED),
            "www/sample-deals.csv is stale: cargo run --example gen_sample"
        );
    }

    #[test]
    fn sample_is_deterministic_and_sized() {
        let a = generate(50, 7);
        assert_eq!(a, generate(50, 7));
        assert_ne!(a, generate(50, 8));
        assert_eq!(a.lines().count(), 51);
    }
}
