//! `cargo bench -p readout-core`: the pipeline stage by stage over a generated corpus
//! (1 MiB of synthetic pages), reported as bytes/s. Figures and their history are in
//! docs/PERFORMANCE.md.

use divan::counter::BytesCount;
use divan::{Bencher, black_box};
use readout_core::pipeline::{Pipeline, Sentences, Tokens};
use readout_core::{Options, analyze_text_with, build_document};
use std::sync::LazyLock;

static PAGES: LazyLock<Vec<String>> = LazyLock::new(|| {
    let per = readout_core::synth::pages(42, 1)[0].len();
    readout_core::synth::pages(42, (1 << 20) / per + 1)
});

fn opts() -> Options {
    Options::new(chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap())
}

fn bytes() -> BytesCount {
    BytesCount::new(PAGES.iter().map(|p| p.len()).sum::<usize>())
}

fn main() {
    // load jieba's dictionary outside the timings
    let _ = readout_core::segment::jieba();
    divan::main();
}

#[divan::bench]
fn decode_and_normalise(b: Bencher) {
    let raw: Vec<Vec<u8>> = PAGES.iter().map(|p| p.clone().into_bytes()).collect();
    b.counter(bytes()).bench(|| {
        for p in &raw {
            black_box(readout_core::decode::normalize(
                &readout_core::decode::decode(p, None).unwrap().text,
            ));
        }
    });
}

#[divan::bench]
fn pages(b: Bencher) {
    let o = opts();
    b.counter(bytes()).bench(|| {
        for p in PAGES.iter() {
            black_box(build_document(p, &o));
        }
    });
}

#[divan::bench]
fn pages_sentences_words(b: Bencher) {
    let o = opts();
    let pl = Pipeline::new(vec![Box::new(Sentences), Box::new(Tokens)]);
    b.counter(bytes()).bench(|| {
        for p in PAGES.iter() {
            black_box(analyze_text_with(p, &o, &pl));
        }
    });
}

#[divan::bench]
fn quantities_only(b: Bencher) {
    let o = opts();
    let pl = Pipeline::new(vec![Box::new(Sentences), Box::new(Tokens)]);
    let docs: Vec<_> = PAGES
        .iter()
        .map(|p| analyze_text_with(p, &o, &pl))
        .collect();
    b.counter(bytes()).bench(|| {
        for d in &docs {
            for a in &d.articles {
                let mut a = a.clone();
                readout_core::Stage::run(
                    &readout_core::quantity::Quantities,
                    &mut a,
                    &readout_core::Context {
                        published: d.published,
                    },
                );
                black_box(a.facts.len());
            }
        }
    });
}

#[divan::bench]
fn full_pipeline(b: Bencher) {
    let o = opts();
    let pl = Pipeline::default();
    b.counter(bytes()).bench(|| {
        for p in PAGES.iter() {
            black_box(analyze_text_with(p, &o, &pl));
        }
    });
}
