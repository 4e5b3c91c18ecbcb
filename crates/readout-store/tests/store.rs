//! The store end to end: ingest the example corpus (a series of reports on one indicator,
//! a reposted HTML copy, a traditional-Chinese page), search it in Chinese and English,
//! track the indicator; ingest a generated WARC with every kind of damage and check the
//! counts exactly.

use readout_store::source::Limits;
use readout_store::warc::{http_payload, write_record};
use readout_store::{Filters, IngestOptions, Store, Summary, ingest, ingest::Quiet, query};
use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/corpus")
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("readout-store-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn opts() -> IngestOptions {
    let mut o = IngestOptions::new(chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
    o.threads = 2;
    o
}

fn run(store: &mut Store, paths: &[PathBuf], o: &IngestOptions) -> Summary {
    let mut log = Vec::new();
    let s = ingest(store, paths, o, &Quiet, &mut |l| log.push(l.to_string())).unwrap();
    let skipped: u64 = s.skipped.values().sum();
    assert_eq!(
        log.len() as u64,
        skipped - s.skipped.get("already_stored").unwrap_or(&0)
    );
    s
}

#[test]
fn corpus_ingest_search_track_and_reingest() {
    let dir = tmp("corpus");
    let mut store = Store::open(&dir).unwrap();
    let s = run(&mut store, &[corpus()], &opts());
    assert_eq!(s.records, 5);
    assert_eq!(s.documents_stored, 5);
    // the HTML repost carries the same story as the October report
    assert_eq!(s.articles_stored, 4, "{s:?}");
    assert_eq!(s.duplicates, 1);
    assert_eq!(store.counts().unwrap(), (4, 4));

    // Chinese, English, filters
    let r = query::search(&store, "低效工业用地", &Filters::default(), 10, 0).unwrap();
    assert_eq!(r.total, 4);
    assert!(
        r.hits.iter().all(|h| h.snippet_html.contains("<b>")),
        "{:?}",
        r.hits
    );
    let r = query::search(&store, "industrial land", &Filters::default(), 10, 0).unwrap();
    assert!(r.total >= 3, "{}", r.total);
    let by_person = Filters {
        person: Some("Chen Anming".into()),
        ..Filters::default()
    };
    let r = query::search(&store, "", &by_person, 10, 0).unwrap();
    assert_eq!(r.total, 1);
    assert_eq!(r.hits[0].published, "2024-10-15");
    let dated = Filters {
        from: Some("2024-07-01".into()),
        to: Some("2024-12-31".into()),
        ..Filters::default()
    };
    assert_eq!(
        query::search(&store, "江门", &dated, 10, 0).unwrap().total,
        2
    );
    let r = query::search(
        &store,
        "江门",
        &Filters {
            kind: Some("event".into()),
            ..Filters::default()
        },
        10,
        0,
    )
    .unwrap();
    assert!(r.total >= 1);

    // the tracker: one series, achievements rising through 2024, targets beside them
    let t = query::track(&store.conn, Some("低效工业用地")).unwrap();
    let series = t
        .series
        .iter()
        .find(|s| s.subject == "拆除整理低效工业用地" && s.unit == "mu")
        .expect("the land series");
    assert!(series.place.contains("江门"), "{}", series.place);
    let achieved: Vec<f64> = series
        .points
        .iter()
        .filter(|p| p.status == "achieved")
        .map(|p| p.value.as_f64().unwrap())
        .collect();
    assert_eq!(achieved, [4200.0, 8600.0, 12100.0, 16800.0]);
    let targets: Vec<f64> = series
        .points
        .iter()
        .filter(|p| p.status == "target")
        .map(|p| p.value.as_f64().unwrap())
        .collect();
    assert!(
        targets.contains(&15000.0) && targets.contains(&20000.0),
        "{targets:?}"
    );
    let dates: Vec<&str> = series.points.iter().map(|p| p.date.as_str()).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");

    // the traditional page is stored converted, with its original
    let id = query::search(&store, "1.68万亩", &Filters::default(), 1, 0)
        .unwrap()
        .hits[0]
        .article_id
        .clone();
    let a = query::article(&store.conn, &id).unwrap().unwrap();
    assert_eq!(a.converted_from.as_deref(), Some("traditional"));
    assert!(
        a.article["text"]
            .as_str()
            .unwrap()
            .contains("拆除整理低效工业用地")
    );

    // the duplicate is linked to the first copy
    let oct = query::search(&store, "前三季度", &Filters::default(), 1, 0)
        .unwrap()
        .hits[0]
        .article_id
        .clone();
    let a = query::article(&store.conn, &oct).unwrap().unwrap();
    assert_eq!(a.duplicates.len(), 1);
    assert!(a.duplicates[0].source.ends_with(".html"));

    // people
    let p = query::person(&store.conn, "吴晓晖")
        .unwrap()
        .expect("the mayor");
    assert_eq!(p.name_en, "Wu Xiaohui");
    assert!(
        p.events
            .iter()
            .any(|e| e.roles.contains(&"presided".to_string())),
        "{p:?}"
    );

    // again: nothing changes
    drop(store);
    let mut store = Store::open(&dir).unwrap();
    let s = run(&mut store, &[corpus()], &opts());
    assert_eq!((s.records, s.articles_stored, s.duplicates), (5, 0, 0));
    assert_eq!(s.skipped.get("already_stored"), Some(&5));
    assert_eq!(store.counts().unwrap(), (4, 4));
    std::fs::remove_dir_all(&dir).unwrap();
}

fn story(i: usize) -> String {
    let city = ["江门", "佛山", "惠州", "肇庆"][i % 4];
    format!(
        "<html><head><title>{city}第{i}号工作简报</title></head><body><h1>{city}召开第{i}次重点工作推进会</h1>\
         <p>本报讯 {m}月{d}日，{city}市召开第{i}次重点工作推进会，通报重点项目建设情况。会议指出，\
         今年以来全市重点项目完成投资{inv}亿元，同比增长{g}%，新开工项目{p}个。</p>\
         <p>会议要求，各地各部门要聚焦第{i}批重点任务，确保全年完成重点项目投资{t}亿元，\
         推动更多项目早落地、早投产、早见效，为高质量发展提供有力支撑。</p></body></html>",
        m = 1 + i % 12,
        d = 1 + i % 28,
        inv = 100 + i,
        g = 5 + i % 10,
        p = 10 + i,
        t = 300 + 2 * i,
    )
}

#[test]
fn warc_with_damage_ingests_with_exact_counts() {
    let dir = tmp("warc");
    let mut w = Vec::new();
    write_record(
        &mut w,
        "warcinfo",
        "",
        "2024-05-01T00:00:00Z",
        b"software: test",
    );
    // 40 distinct stories, utf-8
    for i in 0..40 {
        let uri = format!("http://news.example/a/{i}");
        write_record(
            &mut w,
            "request",
            &uri,
            "2024-05-01T00:00:00Z",
            b"GET / HTTP/1.1\r\n\r\n",
        );
        write_record(
            &mut w,
            "response",
            &uri,
            "2024-05-01T00:00:00Z",
            &http_payload("text/html; charset=utf-8", story(i).as_bytes()),
        );
    }
    // 10 in GBK, declared in the header
    for i in 40..50 {
        let text = story(i);
        let (gbk, _, _) = encoding_rs::GBK.encode(&text);
        write_record(
            &mut w,
            "response",
            &format!("http://gbk.example/{i}"),
            "2024-05-02T00:00:00Z",
            &http_payload("text/html; charset=gbk", &gbk),
        );
    }
    // 5 exact copies at other addresses, 5 near copies (another site's headline suffix
    // and an edited figure)
    for i in 0..5 {
        write_record(
            &mut w,
            "response",
            &format!("http://mirror.example/{i}"),
            "2024-05-03T00:00:00Z",
            &http_payload("text/html; charset=utf-8", story(i).as_bytes()),
        );
    }
    for i in 5..10 {
        let near = story(i).replace("早投产", "早建成");
        write_record(
            &mut w,
            "response",
            &format!("http://near.example/{i}"),
            "2024-05-03T00:00:00Z",
            &http_payload("text/html; charset=utf-8", near.as_bytes()),
        );
    }
    // junk: an image, a 404, binary bytes declared as text, a wrong length
    write_record(
        &mut w,
        "response",
        "http://x/img.png",
        "d",
        &http_payload("image/png", &[0x89, b'P', b'N', b'G', 0, 1, 2]),
    );
    let mut r404 = http_payload("text/html", b"<p>not found</p>");
    r404.splice(9..12, b"404".iter().copied());
    write_record(&mut w, "response", "http://x/404", "d", &r404);
    write_record(
        &mut w,
        "response",
        "http://x/bin",
        "d",
        &http_payload("text/html", &[0u8, 1, 2, 3, 0, 0, 7, 8, 0, 0]),
    );
    let mut bad = Vec::new();
    write_record(
        &mut bad,
        "response",
        "http://x/badlen",
        "d",
        &http_payload("text/html", story(99).as_bytes()),
    );
    let bad = String::from_utf8(bad).unwrap();
    let len = http_payload("text/html", story(99).as_bytes()).len();
    let bad = bad.replace(
        &format!("Content-Length: {len}"),
        &format!("Content-Length: {}", len + 50),
    );
    w.extend_from_slice(bad.as_bytes());
    write_record(
        &mut w,
        "response",
        "http://news.example/last",
        "d",
        &http_payload("text/html; charset=utf-8", story(100).as_bytes()),
    );
    // gzip, one member per 7 records' worth of bytes would do; one member is enough here
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(&w).unwrap();
    let gz = e.finish().unwrap();
    let path = dir.join("crawl.warc.gz");
    std::fs::write(&path, &gz).unwrap();

    let store_dir = dir.join("store");
    let mut store = Store::open(&store_dir).unwrap();
    let mut o = opts();
    o.limits = Limits { max_bytes: 1 << 20 };
    let s = run(&mut store, std::slice::from_ref(&path), &o);
    // records: warcinfo + 40 requests + 40 + 10 + 10 responses + 4 junk + last
    assert_eq!(s.records, 1 + 40 + 40 + 10 + 10 + 4 + 1, "{s:?}");
    assert_eq!(s.articles_stored, 51, "{s:?}");
    assert_eq!(s.duplicates, 10);
    assert_eq!(s.near_duplicates, 5);
    let skipped = |k: &str| s.skipped.get(k).copied().unwrap_or(0);
    assert_eq!(skipped("not_a_response"), 41);
    assert_eq!(skipped("not_text"), 1);
    assert_eq!(skipped("http_status"), 1);
    assert_eq!(skipped("binary"), 1);
    assert_eq!(skipped("bad_length"), 1);
    assert_eq!(store.counts().unwrap(), (51, 51));
    // the GBK stories read right
    let r = query::search(&store, "第45次重点工作推进会", &Filters::default(), 5, 0).unwrap();
    assert_eq!(r.total, 1, "{:?}", r.hits);
    let a = query::article(&store.conn, &r.hits[0].article_id)
        .unwrap()
        .unwrap();
    assert_eq!(a.url.as_deref(), Some("http://gbk.example/45"));

    // a truncated copy of the archive: what is whole is read, the cut is counted
    let cut = dir.join("cut.warc.gz");
    std::fs::write(&cut, &gz[..gz.len() / 2]).unwrap();
    let s = run(&mut store, &[cut], &o);
    assert_eq!(s.skipped.get("truncated"), Some(&1), "{s:?}");
    assert_eq!(s.articles_stored, 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_damaged_gzip_member_costs_only_its_own_records() {
    use std::io::Write;
    let dir = tmp("gzmembers");
    let member = |rec: &[u8]| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(rec).unwrap();
        e.finish().unwrap()
    };
    // twenty stories, one gzip member each, as crawlers write them
    let mut members: Vec<Vec<u8>> = (0..20)
        .map(|i| {
            let mut w = Vec::new();
            write_record(
                &mut w,
                "response",
                &format!("http://members.example/{i}"),
                "2024-05-01T00:00:00Z",
                &http_payload("text/html; charset=utf-8", story(200 + i).as_bytes()),
            );
            member(&w)
        })
        .collect();
    // damage the middle of the 8th member's compressed data, and put junk before the 15th
    let m = &mut members[7];
    let mid = m.len() / 2;
    for b in &mut m[mid..mid + 16] {
        *b ^= 0xa5;
    }
    members[14].splice(0..0, b"\0garbage between members\0".iter().copied());
    let path = dir.join("members.warc.gz");
    std::fs::write(&path, members.concat()).unwrap();

    let mut store = Store::open(&dir.join("store")).unwrap();
    let s = run(&mut store, std::slice::from_ref(&path), &opts());
    assert_eq!(s.skipped.get("bad_gzip"), Some(&2), "{s:?}");
    // every story outside the damaged member is read and stored; at most the damaged
    // member's own record is lost (its readable part, if any, is counted as a bad record)
    assert_eq!(s.articles_stored, 19, "{s:?}");
    for i in [0, 6, 8, 13, 14, 19] {
        let q = format!("第{}次重点工作推进会", 200 + i);
        let r = query::search(&store, &q, &Filters::default(), 5, 0).unwrap();
        assert_eq!(r.total, 1, "story {i}: {:?}", r.hits);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
