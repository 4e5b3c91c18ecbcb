//! Generated web archives for throughput runs, and the bare read rate to compare ingest with.
//!
//! ```text
//! cargo run --release -p readout-store --example warc -- gen crawl.warc.gz 5000
//! cargo run --release -p readout-store --example warc -- read crawl.warc.gz
//! cargo run --release -p readout-store --example warc -- jsonl pages.jsonl 50000
//! /usr/bin/time -f "%e s %M KB" ./target/release/readout ingest crawl.warc.gz --db /tmp/db --json
//! ```
//!
//! `gen` writes N response records (one gzip member each, as crawlers write them) of
//! synthetic news pages in HTML: 70 % UTF-8, 15 % GBK, 5 % Big5 in traditional characters,
//! 5 % exact copies at another address, 5 % near copies; plus a request record per
//! response and, every 200 records, a junk record (an image, a 404, a wrong length).

use readout_store::warc::{WarcItem, WarcReader, http_payload, write_record};
use std::io::Write;
use std::time::Instant;

fn html(page: &str) -> String {
    let mut paras = String::new();
    for block in page.split("\n\n").filter(|b| !b.trim().is_empty()) {
        paras.push_str("<p>");
        paras.push_str(&block.replace('\n', "<br>"));
        paras.push_str("</p>\n");
    }
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>新闻</title></head><body>\
         <div class=\"nav\"><a href=\"/\">首页</a> <a href=\"/news\">新闻</a></div>\
         <div class=\"content\">{paras}</div><div class=\"footer\">版权所有</div></body></html>"
    )
}

fn generate(out: &str, n: usize) {
    let pages = readout_core::synth::pages(42, n);
    let file = std::fs::File::create(out).expect("create the archive");
    let mut file = std::io::BufWriter::new(file);
    let mut member = |rec: &[u8]| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(rec).unwrap();
        file.write_all(&e.finish().unwrap()).unwrap();
    };
    let date = "2024-05-01T00:00:00Z";
    for (i, page) in pages.iter().enumerate() {
        let uri = format!("http://news.example/{i}");
        let mut rec = Vec::new();
        write_record(&mut rec, "request", &uri, date, b"GET / HTTP/1.1\r\n\r\n");
        let body = match i % 20 {
            0..=13 => http_payload("text/html; charset=utf-8", html(page).as_bytes()),
            14..=16 => {
                let text = html(page).replace("utf-8", "gbk");
                let (b, _, _) = encoding_rs::GBK.encode(&text);
                http_payload("text/html; charset=gbk", &b)
            }
            17 => {
                // traditional characters in Big5
                let t = html(page)
                    .replace("会议", "會議")
                    .replace("发展", "發展")
                    .replace("经济", "經濟")
                    .replace("这", "這")
                    .replace("们", "們")
                    .replace("国", "國");
                let (b, _, _) = encoding_rs::BIG5.encode(&t);
                http_payload("text/html; charset=big5", &b)
            }
            18 => http_payload(
                "text/html; charset=utf-8",
                html(&pages[i.saturating_sub(3)]).as_bytes(),
            ),
            _ => http_payload(
                "text/html; charset=utf-8",
                html(&pages[i.saturating_sub(5)].replacen("。", "。据悉，", 1)).as_bytes(),
            ),
        };
        write_record(&mut rec, "response", &uri, date, &body);
        if i % 200 == 199 {
            write_record(
                &mut rec,
                "response",
                "http://x/img.png",
                date,
                &http_payload("image/png", b"\x89PNG\0\0"),
            );
            let mut r404 = http_payload("text/html", b"<p>not found</p>");
            r404.splice(9..12, b"404".iter().copied());
            write_record(&mut rec, "response", "http://x/404", date, &r404);
        }
        member(&rec);
    }
    file.flush().unwrap();
    eprintln!("wrote {out}: {n} pages");
}

fn read(path: &str) {
    let t = Instant::now();
    let f = std::fs::File::open(path).expect("open");
    let r: Box<dyn std::io::BufRead + Send> = if path.ends_with(".gz") {
        Box::new(std::io::BufReader::new(
            flate2::bufread::MultiGzDecoder::new(std::io::BufReader::new(f)),
        ))
    } else {
        Box::new(std::io::BufReader::new(f))
    };
    let mut reader = WarcReader::new(r, 64 << 20);
    let (mut records, mut bad) = (0u64, 0u64);
    for item in reader.by_ref() {
        match item {
            WarcItem::Record(_) => records += 1,
            WarcItem::Bad { reason, detail } => {
                bad += 1;
                eprintln!("bad record: {reason}: {detail}");
            }
        }
    }
    let secs = t.elapsed().as_secs_f64();
    let mb = reader.offset as f64 / 1e6;
    println!(
        "{records} records, {bad} bad, {mb:.1} MB (decompressed) in {secs:.2} s: {:.1} MB/s, {:.0} records/s",
        mb / secs,
        records as f64 / secs
    );
}

/// N synthetic pages as JSON lines (for the search load test's store).
fn jsonl(out: &str, n: usize) {
    let file = std::fs::File::create(out).expect("create");
    let mut w = std::io::BufWriter::new(file);
    for (i, page) in readout_core::synth::pages(7, n).iter().enumerate() {
        let line = serde_json::json!({ "text": page, "url": format!("http://load.example/{i}") });
        writeln!(w, "{line}").unwrap();
    }
    w.flush().unwrap();
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("gen") if args.len() == 4 => generate(&args[2], args[3].parse().expect("a count")),
        Some("read") if args.len() == 3 => read(&args[2]),
        Some("jsonl") if args.len() == 4 => jsonl(&args[2], args[3].parse().expect("a count")),
        _ => eprintln!("usage: warc gen OUT.warc.gz N | warc read PATH | warc jsonl OUT.jsonl N"),
    }
}
