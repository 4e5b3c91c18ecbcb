//! Generated web archives for throughput runs, and the bare read rate to compare ingest with.
//!
//! ```text
//! cargo run --release -p readout-store --example warc -- gen crawl.warc.gz 5000
//! cargo run --release -p readout-store --example warc -- gen web.warc.gz 5000 --web
//! cargo run --release -p readout-store --example warc -- read crawl.warc.gz
//! cargo run --release -p readout-store --example warc -- jsonl pages.jsonl 50000
//! /usr/bin/time -f "%e s %M KB" ./target/release/readout ingest crawl.warc.gz --db /tmp/db --json
//! ```
//!
//! `gen` writes N response records (one gzip member each, as crawlers write them) of
//! synthetic news pages in HTML: 70 % UTF-8, 15 % GBK, 5 % Big5 in traditional characters,
//! 5 % exact copies at another address, 5 % near copies; plus a request record per
//! response and, every 200 records, a junk record (an image, a 404, a wrong length).
//! Pages are bare (the article in a few tags, ~1 KB: the worst case for analysis per byte)
//! or, with `--web`, dressed as real news sites dress them (~21 KB, see `web_page`).

use readout_store::warc::{WarcItem, WarcReader, http_payload, write_record};
use std::io::Write;
use std::time::Instant;

fn html(page: &str) -> String {
    let paras = article_html(page);
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>新闻</title></head><body>\
         <div class=\"nav\"><a href=\"/\">首页</a> <a href=\"/news\">新闻</a></div>\
         <div class=\"content\">{paras}</div><div class=\"footer\">版权所有</div></body></html>"
    )
}

/// The furniture of a real news page around the same article: a head with stylesheets,
/// inline style and analytics scripts, a header with a channel menu, breadcrumbs, a column of
/// related headlines, share links and a footer with the site's filing numbers. Modelled on
/// Chinese municipal and newspaper sites, whose article pages weigh 30 to 60 KB for 2 to 6 KB
/// of text; this adds about 20 KB (a light page, so the rate below is not flattered).
fn web_page(article_html: &str, i: usize, headlines: &[&str]) -> String {
    let mut h = String::with_capacity(48 << 10);
    h.push_str("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str(&format!(
        "<meta name=\"keywords\" content=\"新闻,要闻,本地\"><title>{} - 新闻中心</title>\n",
        headlines[i % headlines.len()]
    ));
    for css in ["base", "layout", "header", "footer", "article", "print"] {
        h.push_str(&format!(
            "<link rel=\"stylesheet\" href=\"/static/css/{css}.css?v=20240{}\">\n",
            i % 9
        ));
    }
    h.push_str("<style>");
    for k in 0..60 {
        h.push_str(&format!(
            ".m{k}{{margin:{}px auto;padding:0 {}px;font-size:{}px;color:#3{k:02}}} ",
            k % 7,
            k % 5,
            12 + k % 6
        ));
    }
    h.push_str("</style>\n<script>var _hmt=_hmt||[];(function(){var hm=document.createElement(\"script\");");
    for k in 0..40 {
        h.push_str(&format!(
            "window.cfg{k}={{channel:'news{k}',id:{},track:function(e){{_hmt.push(['_trackEvent','nav','{k}',e]);}}}};",
            i * 31 + k
        ));
    }
    h.push_str("})();</script></head><body>\n<div class=\"header\"><div class=\"logo\"><a href=\"/\"><img src=\"/static/logo.png\" alt=\"新闻网\"></a></div><ul class=\"nav\">");
    let channels = [
        "首页", "要闻", "本地", "时政", "经济", "社会", "文化", "教育", "健康", "体育", "图片",
        "视频", "专题", "评论", "政务", "民生", "科技", "旅游", "房产", "汽车",
    ];
    for (k, c) in channels.iter().enumerate() {
        h.push_str(&format!(
            "<li class=\"m{k}\"><a href=\"/channel/{k}/index.html\" target=\"_blank\">{c}</a></li>"
        ));
    }
    h.push_str("</ul><form class=\"search\" action=\"/search\"><input name=\"q\" placeholder=\"搜索\"><button>搜索</button></form></div>\n");
    h.push_str("<div class=\"crumb\">当前位置：<a href=\"/\">首页</a> &gt; <a href=\"/news\">新闻中心</a> &gt; 正文</div>\n");
    h.push_str("<div class=\"main\"><div class=\"article\">\n");
    h.push_str(article_html);
    h.push_str("<div class=\"share\">分享到：<a href=\"#\">微信</a> <a href=\"#\">微博</a> <a href=\"#\">QQ空间</a></div>\n");
    h.push_str("<div class=\"editor\">责任编辑：新闻中心</div></div>\n<div class=\"side\"><h3>相关新闻</h3><ul>");
    for k in 1..=40 {
        let t = headlines[(i + k * 7) % headlines.len()];
        h.push_str(&format!(
            "<li><a href=\"/news/2024/{:04}/{}.html\" title=\"{t}\" target=\"_blank\">{t}</a><span class=\"date\">2024-0{}-1{}</span></li>\n",
            (i + k) % 1000,
            i * 40 + k,
            1 + k % 9,
            k % 10
        ));
    }
    h.push_str("</ul><h3>图片新闻</h3><ul>");
    for k in 0..12 {
        h.push_str(&format!(
            "<li><a href=\"/pic/{}.html\"><img src=\"/upload/2024/{}.jpg\" width=\"160\" height=\"100\" alt=\"图片\"></a></li>",
            i * 12 + k,
            i * 12 + k
        ));
    }
    h.push_str("</ul></div></div>\n<div class=\"footer\"><ul class=\"links\">");
    for (k, c) in channels.iter().enumerate() {
        h.push_str(&format!(
            "<li><a href=\"http://site{k}.example/\">{c}网</a></li>"
        ));
    }
    h.push_str("</ul><p>主办单位：新闻网 版权所有 未经授权禁止转载</p><p>粤ICP备00000000号 粤公网安备00000000000000号</p><p>地址：某市某区某路1号 邮编：528400 电话：0760-00000000</p></div>\n");
    h.push_str("<script src=\"/static/js/jquery.min.js\"></script><script src=\"/static/js/common.js\"></script></body></html>");
    h
}

fn article_html(page: &str) -> String {
    let mut paras = String::new();
    for block in page.split("\n\n").filter(|b| !b.trim().is_empty()) {
        paras.push_str("<p>");
        paras.push_str(&block.replace('\n', "<br>"));
        paras.push_str("</p>\n");
    }
    paras
}

fn generate(out: &str, n: usize, web: bool) {
    let pages = readout_core::synth::pages(42, n);
    let headlines: Vec<&str> = pages
        .iter()
        .filter_map(|p| p.lines().find(|l| l.chars().count() > 8))
        .collect();
    let html = |page: &str, i: usize| {
        if web {
            web_page(&article_html(page), i, &headlines)
        } else {
            html(page)
        }
    };
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
            0..=13 => http_payload("text/html; charset=utf-8", html(page, i).as_bytes()),
            14..=16 => {
                let text = html(page, i).replace("utf-8", "gbk");
                let (b, _, _) = encoding_rs::GBK.encode(&text);
                http_payload("text/html; charset=gbk", &b)
            }
            17 => {
                // traditional characters in Big5
                let t = html(page, i)
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
                html(&pages[i.saturating_sub(3)], i).as_bytes(),
            ),
            _ => http_payload(
                "text/html; charset=utf-8",
                html(&pages[i.saturating_sub(5)].replacen("。", "。据悉，", 1), i).as_bytes(),
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
        Some("gen") if args.len() == 4 || args.len() == 5 => generate(
            &args[2],
            args[3].parse().expect("a count"),
            args.get(4).is_some_and(|w| w == "--web"),
        ),
        Some("read") if args.len() == 3 => read(&args[2]),
        Some("jsonl") if args.len() == 4 => jsonl(&args[2], args[3].parse().expect("a count")),
        _ => eprintln!(
            "usage: warc gen OUT.warc.gz N [--web] | warc read PATH | warc jsonl OUT.jsonl N"
        ),
    }
}
