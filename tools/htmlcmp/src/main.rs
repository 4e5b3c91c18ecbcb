//! dom_smoothie (what readout uses) against rs-trafilatura on the same pages: speed and
//! precision/recall of the Chinese characters of the known article text, per layout.
//! `python3 gen_pages.py ARCHIVE.warc.gz pages && cargo run --release -- pages`

use std::collections::HashMap;
use std::time::Instant;

fn han(s: &str) -> HashMap<char, i64> {
    let mut m = HashMap::new();
    for c in s.chars().filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c)) {
        *m.entry(c).or_insert(0) += 1;
    }
    m
}

fn score(got: &str, want: &str) -> (f64, f64) {
    let (g, w) = (han(got), han(want));
    let common: i64 = w.iter().map(|(c, n)| (*n).min(*g.get(c).unwrap_or(&0))).sum();
    let gt: i64 = g.values().sum();
    let wt: i64 = w.values().sum();
    (common as f64 / gt.max(1) as f64, common as f64 / wt.max(1) as f64)
}

fn smoothie(html: &str) -> String {
    let cfg = dom_smoothie::Config {
        text_mode: dom_smoothie::TextMode::Formatted,
        char_threshold: 140,
        ..Default::default()
    };
    dom_smoothie::Readability::new(html, None, Some(cfg))
        .ok()
        .and_then(|mut r| r.parse().ok())
        .map(|a| format!("{}\n{}", a.title, a.text_content))
        .unwrap_or_default()
}

fn trafilatura(html: &str) -> String {
    rs_trafilatura::extract(html)
        .map(|r| format!("{}\n{}", r.metadata.title.unwrap_or_default(), r.content_text))
        .unwrap_or_default()
}

fn main() {
    let dir = std::env::args().nth(1).unwrap();
    let mut pages: Vec<(String, String, String)> = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "html") {
            let html = std::fs::read_to_string(&p).unwrap();
            let want = std::fs::read_to_string(p.with_extension("txt")).unwrap();
            pages.push((p.file_stem().unwrap().to_string_lossy().into(), html, want));
        }
    }
    pages.sort();
    let bytes: usize = pages.iter().map(|p| p.1.len()).sum();
    for (name, f) in [("dom_smoothie", smoothie as fn(&str) -> String), ("rs-trafilatura", trafilatura)] {
        let mut by_layout: HashMap<char, (f64, f64, usize)> = HashMap::new();
        for (n, html, want) in &pages {
            let got = f(html);
            let (p, r) = score(&got, want);
            let e = by_layout.entry(n.chars().next().unwrap()).or_default();
            e.0 += p;
            e.1 += r;
            e.2 += 1;
            if std::env::var("SHOW").is_ok_and(|v| v == *n) {
                println!("--- {name} {n}\n{got}");
            }
        }
        let t = Instant::now();
        let rounds = 20;
        for _ in 0..rounds {
            for (_, html, _) in &pages {
                std::hint::black_box(f(html));
            }
        }
        let secs = t.elapsed().as_secs_f64();
        let mut ls: Vec<_> = by_layout.into_iter().collect();
        ls.sort_by_key(|x| x.0);
        print!("{name:15} {:6.1} MB/s ", (bytes * rounds) as f64 / secs / 1e6);
        for (l, (p, r, n)) in ls {
            print!(" {l}: P {:.3} R {:.3}", p / n as f64, r / n as f64);
        }
        println!();
    }
}
