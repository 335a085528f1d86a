//! What a load holds in memory: a counting allocator around a file read in 8 MB slices (as
//! the page's worker reads a `File`), typed, then reported on (the bench's report, then the
//! page's first one with its review). Prints the bytes held after each step and the most
//! held at once so far, from the allocations' own sizes (what a wasm module's memory must
//! hold), not from the process's pages.
//! `cargo run --release --example load_memory -- FILE`

use crm_kpi::engine::{ingest, Options, Workbook};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// The system allocator, counting the bytes it holds.
struct Counting;

static HELD: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let held = HELD.fetch_add(by, Relaxed) + by;
    PEAK.fetch_max(held, Relaxed);
}

// SAFETY: every call is passed on to the system allocator unchanged; only counts are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        System.alloc(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        HELD.fetch_sub(layout.size(), Relaxed);
        System.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // A block grown is moved, the old one held until the copy is done; a block shrunk
        // stays where it is.
        if new_size > layout.size() {
            grew(new_size);
        } else {
            HELD.fetch_add(new_size, Relaxed);
        }
        let moved = System.realloc(ptr, layout, new_size);
        HELD.fetch_sub(layout.size(), Relaxed);
        moved
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: load_memory FILE");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    // The file's own bytes are not the load's: counts start after them.
    let base = HELD.load(Relaxed);
    PEAK.store(base, Relaxed);
    let show = |step: &str| {
        let mb = |x: usize| x.saturating_sub(base) as f64 / 1e6;
        println!(
            "{step}: {:.1} MB held, at most {:.1} MB so far",
            mb(HELD.load(Relaxed)),
            mb(PEAK.load(Relaxed))
        );
    };
    println!("{path}: {:.1} MB", bytes.len() as f64 / 1e6);
    let mut chunks = ingest::SliceChunks::new(&bytes, 8 << 20);
    let raw = ingest::read_table_streamed(
        &path,
        &mut chunks,
        &Default::default(),
        &ingest::NativeCodecs,
    );
    show("read in 8 MB slices");
    let mut wb = Workbook::new();
    if let Err(e) = wb.add_read(&path, raw) {
        eprintln!("{}", e.message(crm_kpi::i18n::Lang::En));
        std::process::exit(1);
    }
    show("typed");
    let bench = Options {
        review: false,
        ..Options::default()
    };
    drop(wb.report(&bench));
    show("the bench's report");
    drop(wb.report(&Options::default()));
    show("the first report with its review");
}
