//! Throughput over a generated corpus, one core:
//!
//! ```text
//! cargo run --release -p readout-core --example throughput -- [MEGABYTES]
//! ```
//!
//! Prints MB/s for page-level work (decoding, segmentation into articles, publication
//! date), for that plus sentence and word segmentation, and for the whole pipeline with
//! every fact family. Figures go to docs/PERFORMANCE.md.

use readout_core::pipeline::{Pipeline, Sentences, Tokens};
use readout_core::{Options, analyze_text_with, build_document};
use std::time::Instant;

fn main() {
    let mb: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    let pages = readout_core::synth::pages(42, 1);
    let per_page = pages[0].len();
    let n = mb * 1024 * 1024 / per_page + 1;
    let pages = readout_core::synth::pages(42, n);
    let bytes: usize = pages.iter().map(|p| p.len()).sum();
    let opts = Options::new(chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap());
    // warm the dictionaries
    let _ = analyze_text_with(&pages[0], &opts, &Pipeline::default());

    let report = |name: &str, f: &dyn Fn(&str) -> usize| {
        let t = Instant::now();
        let mut items = 0;
        for p in &pages {
            items += f(p);
        }
        let s = t.elapsed().as_secs_f64();
        println!(
            "{name:<44} {:>8.1} MB/s  ({} pages, {:.1} MB, {:.2} s, {items} items)",
            bytes as f64 / 1e6 / s,
            pages.len(),
            bytes as f64 / 1e6,
            s
        );
    };
    report("pages (segmentation, bylines, date)", &|p| {
        build_document(p, &opts).articles.len()
    });
    let segmenting = Pipeline::new(vec![Box::new(Sentences), Box::new(Tokens)]);
    report("pages + sentences + words", &|p| {
        analyze_text_with(p, &opts, &segmenting)
            .articles
            .iter()
            .map(|a| a.tokens.len())
            .sum()
    });
    let full = Pipeline::default();
    // where the time goes, stage by stage
    let mut times = vec![std::time::Duration::ZERO; full.stage_names().len()];
    for p in &pages {
        let mut doc = readout_core::build_document(p, &opts);
        full.run_timed(&mut doc, &mut times);
    }
    for (name, t) in full.stage_names().iter().zip(&times) {
        println!(
            "  stage {name:<16} {:>8.1} MB/s  ({:.2} s)",
            bytes as f64 / 1e6 / t.as_secs_f64(),
            t.as_secs_f64()
        );
    }
    report(
        &format!("full pipeline ({})", full.stage_names().join(", ")),
        &|p| {
            analyze_text_with(p, &opts, &full)
                .articles
                .iter()
                .map(|a| a.facts.len())
                .sum()
        },
    );
}
