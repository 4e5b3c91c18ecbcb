//! The store commands as a user runs them: `ingest` (summary, idempotence, kill -9 in the
//! middle), `search --json` and `track --json` in the contract's shapes.

use readout_store::Store;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_readout"))
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("readout-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn ok(out: Output) -> Value {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

fn ingest(db: &Path, paths: &[&Path]) -> Value {
    let mut c = bin();
    c.arg("ingest")
        .args(paths)
        .arg("--db")
        .arg(db)
        .arg("--json");
    ok(c.output().unwrap())
}

#[test]
fn ingest_search_track_in_the_contract_shapes() {
    let dir = tmp("shapes");
    let db = dir.join("db");
    let corpus = repo().join("examples/corpus");
    let s = ingest(&db, &[&corpus]);
    for k in ["records", "articles_stored", "duplicates", "skipped"] {
        assert!(s.get(k).is_some(), "summary lacks {k}: {s}");
    }
    assert_eq!(s["articles_stored"], 4);
    assert_eq!(s["duplicates"], 1);
    // search, Chinese and English
    for q in ["低效工业用地", "inefficient industrial land"] {
        let out = bin()
            .args(["search", q, "--json", "--db"])
            .arg(&db)
            .output()
            .unwrap();
        let r = ok(out);
        assert!(r["total"].as_u64().unwrap() >= 3, "{q}: {r}");
        let hit = &r["hits"][0];
        for k in [
            "article_id",
            "headline",
            "headline_en",
            "published",
            "snippet",
            "score",
        ] {
            assert!(hit.get(k).is_some(), "hit lacks {k}: {hit}");
        }
    }
    // track
    let out = bin()
        .args(["track", "拆除整理低效工业用地", "--json", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    let t = ok(out);
    let s = &t["series"][0];
    assert_eq!(s["subject"], "拆除整理低效工业用地");
    assert_eq!(s["unit"], "mu");
    let p = &s["points"][0];
    for k in ["date", "value", "qualifier", "status", "article_id"] {
        assert!(p.get(k).is_some(), "point lacks {k}: {p}");
    }
    assert_eq!(p["value"], 4200);
    assert_eq!(p["qualifier"], "over");
    // errors: one line, exit 1 for a missing store, 2 for bad usage
    let out = bin()
        .args(["search", "x", "--db"])
        .arg(dir.join("nothing"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1);
    let out = bin().args(["ingest"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Kill -9 in the middle of an ingest, run it again: nothing lost, nothing duplicated, and
/// the index holds exactly the database's articles, as after an uninterrupted run.
#[test]
fn kill_9_during_ingest_loses_and_duplicates_nothing() {
    let dir = tmp("kill");
    let n = 700;
    let mut jsonl = String::new();
    for (i, p) in readout_core::synth::pages(11, n).iter().enumerate() {
        jsonl.push_str(&serde_json::json!({"text": p, "url": format!("http://t/{i}")}).to_string());
        jsonl.push('\n');
    }
    let input = dir.join("pages.jsonl");
    std::fs::write(&input, jsonl).unwrap();

    // the reference: one uninterrupted run
    let clean = ingest(&dir.join("clean"), &[&input]);
    assert_eq!(clean["records"], n as u64);

    let db = dir.join("killed");
    let mut child = bin()
        .arg("ingest")
        .arg(&input)
        .arg("--db")
        .arg(&db)
        .arg("--json")
        // small batches: several commits before the end, so the kill lands between them
        .args(["--batch", "50"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // wait for the first committed batch, then SIGKILL
    let start = Instant::now();
    let mut killed_at = None;
    while start.elapsed() < Duration::from_secs(120) {
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        let committed = Store::open_read(&db)
            .ok()
            .and_then(|s| s.counts().ok())
            .map(|(db_n, _)| db_n)
            .unwrap_or(0);
        if committed > 0 {
            child.kill().unwrap(); // SIGKILL on Unix
            killed_at = Some(committed);
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = child.wait();
    let killed_at = killed_at.expect("the ingest was killed after a commit, before its end");
    let clean_articles = clean["articles_stored"].as_u64().unwrap();
    assert!(
        killed_at < clean_articles,
        "killed too late to prove anything"
    );

    // run again to the end
    let again = ingest(&db, &[&input]);
    assert_eq!(again["records"], n as u64);
    let store = Store::open_read(&db).unwrap();
    let (in_db, in_index) = store.counts().unwrap();
    assert_eq!(in_db, clean_articles, "articles after the resumed run");
    assert_eq!(in_index, in_db, "index and database agree");
    let docs: i64 = store
        .conn
        .query_row("SELECT count(*) FROM documents", [], |r| r.get(0))
        .unwrap();
    assert_eq!(docs, n as i64);
    let dup_ids: i64 = store
        .conn
        .query_row(
            "SELECT count(*) FROM (SELECT article_id FROM articles GROUP BY article_id HAVING count(*) > 1)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(dup_ids, 0);
    // a search finds each article once
    let r = readout_store::query::search(&store, "", &Default::default(), 1000, 0).unwrap();
    assert_eq!(r.total as u64, in_db);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Standard input is sniffed: a gzip-compressed WARC and JSON lines both ingest from `-`.
#[test]
fn ingest_from_stdin_sniffs_warc_and_json_lines() {
    use std::io::Write;
    let dir = tmp("stdin");
    let db = dir.join("db");
    let page = |i: usize| {
        format!(
            "<html><body><h1>某市召开第{i}次经济运行分析会</h1><p>本报讯 5月{d}日，某市召开第{i}次经济运行分析会。\
             会议通报，全市规上工业增加值增长{g}%，固定资产投资完成{inv}亿元。</p></body></html>",
            d = 1 + i % 28,
            g = 3 + i % 5,
            inv = 100 + i
        )
    };
    let mut warc = Vec::new();
    for i in 0..3 {
        let body = page(i);
        let http =
            format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{body}");
        readout_store::warc::write_record(
            &mut warc,
            "response",
            &format!("http://stdin.example/{i}"),
            "2024-05-06T00:00:00Z",
            http.as_bytes(),
        );
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&warc).unwrap();
    let gz = gz.finish().unwrap();
    let run = |input: Vec<u8>| -> Value {
        let mut child = bin()
            .args(["ingest", "-", "--json", "--db"])
            .arg(&db)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let w = std::thread::spawn(move || stdin.write_all(&input));
        let out = child.wait_with_output().unwrap();
        w.join().unwrap().unwrap();
        ok(out)
    };
    let s = run(gz);
    assert_eq!(s["records"], 3, "{s}");
    assert_eq!(s["articles_stored"], 3, "{s}");
    let jsonl = (3..5)
        .map(|i| serde_json::json!({"text": page(i), "date": "2024-05-07"}).to_string() + "\n")
        .collect::<String>();
    let s = run(jsonl.into_bytes());
    assert_eq!(s["articles_stored"], 2, "{s}");
    let store = Store::open_read(&db).unwrap();
    let url: Option<String> = store
        .conn
        .query_row(
            "SELECT url FROM documents WHERE url LIKE 'http://stdin.example/%' LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(url.is_some());
    std::fs::remove_dir_all(&dir).unwrap();
}
