//! Extracts the bundled corpus over and over, for profilers: the same calls
//! as the extract stage of `benches/stages.rs`, with nothing else in the
//! loop. One warm-up pass runs first, outside `passes`, so a profiler can
//! count the passes alone (`valgrind --tool=callgrind
//! --toggle-collect='extract_passes::passes'`), or the whole run can be
//! counted for two pass counts and the difference divided:
//!
//!     cargo build --profile bench --example extract_passes
//!     valgrind --tool=cachegrind --cache-sim=no \
//!         target/release/examples/extract_passes 11
//!
//! Usage: `extract_passes [PASSES]` (default 1000). Prints the seconds the
//! passes took, the start (reading the corpus, compiling the patterns)
//! left out.

use std::path::Path;

use scrutiny::extract::{self, Hints};
use scrutiny::{read, walk};

/// Extracts every record once, so the patterns are compiled before
/// `passes` is counted.
#[inline(never)]
fn warm_up(records: &[(read::Text, Hints)]) {
    for (text, hints) in records {
        std::hint::black_box(extract::extract(text, hints));
    }
}

/// Extracts every record `count` times.
#[inline(never)]
fn passes(records: &[(read::Text, Hints)], count: usize) {
    for _ in 0..count {
        for (text, hints) in records {
            std::hint::black_box(extract::extract(text, hints));
        }
    }
}

fn main() {
    let count = match std::env::args().nth(1).map(|count| count.parse::<usize>()) {
        None => 1000,
        Some(Ok(count)) => count,
        Some(Err(error)) => {
            eprintln!("extract_passes: the number of passes must be a whole number: {error}");
            std::process::exit(2);
        }
    };
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let records: Vec<(read::Text, Hints)> = walk::walk(&corpus)
        .files
        .into_iter()
        .filter_map(|file| {
            let bytes = std::fs::read(&file.path).ok()?;
            let text = read::read_bytes(&bytes, file.format).ok()?;
            Some((
                text,
                Hints {
                    folders: file.folders,
                },
            ))
        })
        .collect();
    warm_up(&records);
    let started = std::time::Instant::now();
    passes(&records, count);
    println!("{:.4}", started.elapsed().as_secs_f64());
}
