//! `readout serve` as a user meets it: the real binary on loopback over a store built by
//! `readout ingest`; the API answers what the CLI prints; the security rules hold; and the
//! pages, loaded in headless Chromium, show a reader the chart and the highlights (checked
//! in the rendered DOM and in the pixels of a screenshot).
//!
//! Chromium is Debian's (`.ci/run` installs it). Without it the browser checks are skipped
//! with a message, except under CI, where its absence fails the test.

use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_readout"))
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(db: &Path, extra: &[&str]) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = bin()
        .arg("serve")
        .arg("--db")
        .arg(db)
        .arg("--addr")
        .arg(format!("127.0.0.1:{port}"))
        .args(extra)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let t = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "the server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Server { child, port }
}

/// A minimal HTTP/1.1 client: (status, headers, body).
fn request(port: u16, method: &str, path: &str, body: &[u8]) -> (u16, String, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    let _ = s.write_all(body);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let split = out
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8_lossy(&out[..split]).to_string();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let mut body = out[split + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    (status, head, body)
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = b.windows(2).position(|w| w == b"\r\n") {
        let n = usize::from_str_radix(std::str::from_utf8(&b[..eol]).unwrap().trim(), 16).unwrap();
        if n == 0 {
            break;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + n]);
        b = &b[eol + 2 + n + 2..];
    }
    out
}

fn get_json(port: u16, path: &str) -> Value {
    let (status, _, body) = request(port, "GET", path, b"");
    assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
    serde_json::from_slice(&body).unwrap()
}

fn cli_json(args: &[&str], db: &Path) -> Value {
    let out = bin().args(args).arg("--db").arg(db).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn setup(name: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("readout-serve-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // the example corpus, plus a page whose text carries markup that must stay text
    let hostile = dir.join("hostile.jsonl");
    std::fs::write(
        &hostile,
        serde_json::json!({
            "text": "某市召开安全工作会议\n\n本报讯 3月2日，某市召开安全工作会议<script>alert('x')</script>，会议通报，全市已整改隐患<img src=x onerror=alert(1)>1200处。",
            "date": "2024-03-03"
        })
        .to_string()
            + "\n",
    )
    .unwrap();
    let db = dir.join("db");
    let out = bin()
        .arg("ingest")
        .arg(repo().join("examples/corpus"))
        .arg(&hostile)
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (dir, db)
}

#[test]
fn api_matches_the_cli_and_keeps_its_limits() {
    let (dir, db) = setup("api");
    let srv = start(&db, &[]);
    let p = srv.port;

    // the same answers as the CLI
    let api = get_json(
        p,
        "/api/search?q=%E4%BD%8E%E6%95%88%E5%B7%A5%E4%B8%9A%E7%94%A8%E5%9C%B0",
    );
    let cli = cli_json(&["search", "低效工业用地", "--json"], &db);
    assert_eq!(api, cli);
    assert!(api["total"].as_u64().unwrap() >= 4);
    let api = get_json(p, "/api/track?q=%E4%BD%8E%E6%95%88");
    let cli = cli_json(&["track", "低效", "--json"], &db);
    assert_eq!(api, cli);
    let id = get_json(p, "/api/search?q=%E9%9A%90%E6%82%A3")["hits"][0]["article_id"]
        .as_str()
        .unwrap()
        .to_string();
    let a = get_json(p, &format!("/api/articles/{id}"));
    assert!(a["article"]["text"].as_str().unwrap().contains("<script>"));
    let facts = get_json(p, &format!("/api/articles/{id}/facts"));
    assert!(facts["facts"].as_array().unwrap().len() >= 2);
    let people = get_json(p, "/api/people?q=Wu");
    assert_eq!(people["people"][0]["name_en"], "Wu Xiaohui");
    let person = get_json(p, "/api/people/%E5%90%B4%E6%99%93%E6%99%96");
    assert!(!person["titles"].as_array().unwrap().is_empty());

    // extract over HTTP is `extract --format json`
    let page = std::fs::read(repo().join("examples/front-page.txt")).unwrap();
    let (status, _, body) = request(p, "POST", "/api/extract?date=2023-12-28", &page);
    assert_eq!(status, 200);
    let via_http: Value = serde_json::from_slice(&body).unwrap();
    let out = bin()
        .args(["extract", "--date", "2023-12-28"])
        .arg(repo().join("examples/front-page.txt"))
        .output()
        .unwrap();
    let via_cli: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(via_http, via_cli);

    // OpenAPI lists every API route
    let spec = get_json(p, "/openapi.json");
    for route in [
        "/api/search",
        "/api/track",
        "/api/articles/{id}",
        "/api/articles/{id}/facts",
        "/api/people",
        "/api/people/{name}",
        "/api/extract",
        "/api/ingest",
    ] {
        assert!(spec["paths"].get(route).is_some(), "{route} missing");
    }

    // security: escaped text, strict headers, limits, no traversal, no ingest by default
    let (status, head, body) = request(p, "GET", &format!("/articles/{id}"), b"");
    assert_eq!(status, 200);
    let html = String::from_utf8(body).unwrap();
    assert!(
        html.contains("&lt;script&gt;alert"),
        "the markup is shown as text"
    );
    assert!(!html.contains("<script") && !html.contains("<img"));
    let head = head.to_ascii_lowercase();
    assert!(head.contains("content-security-policy: default-src 'none'"));
    assert!(head.contains("x-content-type-options: nosniff"));
    let (_, _, body) = request(p, "GET", "/search?q=%E9%9A%90%E6%82%A3", b"");
    let html = String::from_utf8(body).unwrap();
    assert!(
        !html.contains("<script") && !html.contains("<img"),
        "{html}"
    );
    for bad in [
        "/articles/..%2F..%2Fetc%2Fpasswd",
        "/articles/../../etc/passwd",
        "/../../etc/passwd",
        "/static/../Cargo.toml",
        "/api/articles/zzzzzzzzzzzzzzzz",
    ] {
        let (status, _, body) = request(p, "GET", bad, b"");
        assert_eq!(status, 404, "{bad}");
        assert!(!String::from_utf8_lossy(&body).contains("root:"), "{bad}");
    }
    let long = format!("/api/search?q={}", "a".repeat(5000));
    assert_eq!(request(p, "GET", &long, b"").0, 414);
    let big = vec![b'a'; 3 << 20];
    assert_eq!(request(p, "POST", "/api/extract", &big).0, 413);
    assert_eq!(
        request(p, "POST", "/api/ingest", "某市召开会议。".as_bytes()).0,
        403
    );
    assert_eq!(
        request(p, "GET", "/api/search?q=x&from=yesterday", b"").0,
        400
    );
    drop(srv);

    // ingest over HTTP when enabled
    let srv = start(&db, &["--allow-ingest"]);
    let doc = "某县召开春耕生产工作会议\n\n本报讯 4月1日，某县召开春耕生产工作会议。会议通报，全县已完成早稻播种面积12.5万亩。";
    let (status, _, body) = request(
        srv.port,
        "POST",
        "/api/ingest?date=2024-04-02",
        doc.as_bytes(),
    );
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let s: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(s["articles_stored"], 1);
    // searchable at once by the running server (the reader follows commits)
    let t = Instant::now();
    loop {
        let r = get_json(srv.port, "/api/search?q=%E6%97%A9%E7%A8%BB");
        if r["total"] == 1 {
            break;
        }
        assert!(t.elapsed() < Duration::from_secs(10), "not searchable: {r}");
        std::thread::sleep(Duration::from_millis(100));
    }
    drop(srv);
    std::fs::remove_dir_all(&dir).unwrap();
}

fn chromium() -> Option<PathBuf> {
    for p in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] {
        if Path::new(p).exists() {
            return Some(PathBuf::from(p));
        }
    }
    if std::env::var_os("CI").is_some() {
        panic!("CI must install chromium for the browser tests (.ci/run does)");
    }
    eprintln!("chromium not found: browser checks skipped (install Debian's chromium)");
    None
}

fn browser(chrome: &Path, profile: &Path, args: &[String]) -> Vec<u8> {
    let out = Command::new(chrome)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--window-size=1280,1200",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The DOM of `url` after Chromium rendered it.
fn dom_of(chrome: &Path, profile: &Path, url: &str) -> String {
    String::from_utf8(browser(
        chrome,
        profile,
        &["--dump-dom".into(), url.to_string()],
    ))
    .unwrap()
}

/// A screenshot of `url`, saved as `path` (kept for a person to look at), as PNG bytes.
fn screenshot(chrome: &Path, profile: &Path, url: &str, path: &Path) -> Vec<u8> {
    browser(
        chrome,
        profile,
        &[format!("--screenshot={}", path.display()), url.to_string()],
    );
    std::fs::read(path).unwrap()
}

/// Pixels of a PNG within `tol` of colour `rgb`.
fn count_colour(png_bytes: &[u8], rgb: [u8; 3], tol: i32) -> usize {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let step = match info.color_type {
        png::ColorType::Rgba => 4,
        png::ColorType::Rgb => 3,
        other => panic!("unexpected colour type {other:?}"),
    };
    buf[..info.buffer_size()]
        .chunks(step)
        .filter(|px| (0..3).all(|i| (px[i] as i32 - rgb[i] as i32).abs() <= tol))
        .count()
}

#[test]
fn pages_in_a_real_browser() {
    let Some(chrome) = chromium() else { return };
    let (dir, db) = setup("browser");
    let srv = start(&db, &[]);
    let base = format!("http://127.0.0.1:{}", srv.port);
    let profile = dir.join("profile");
    let shots = repo().join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();

    // the tracker: a chart with the achieved line, its points and the target marks
    let url = format!("{base}/track?q=%E4%BD%8E%E6%95%88%E5%B7%A5%E4%B8%9A%E7%94%A8%E5%9C%B0");
    let dom = dom_of(&chrome, &profile, &url);
    assert!(dom.contains("<svg class=\"chart\""), "no chart: {dom}");
    assert!(dom.contains("class=\"achieved\""));
    assert!(dom.matches("class=\"point\"").count() >= 4);
    assert!(dom.matches("class=\"target\"").count() >= 2);
    assert!(
        dom.contains("16,800 mu"),
        "the English of a point is in its hover title"
    );
    let png = screenshot(&chrome, &profile, &url, &shots.join("tracker.png"));
    assert!(
        count_colour(&png, [0x1d, 0x4e, 0xd8], 40) > 300,
        "the achieved line is drawn"
    );
    assert!(
        count_colour(&png, [0xdc, 0x26, 0x26], 40) > 100,
        "the target marks are drawn"
    );

    // the article page: facts highlighted, English on hover, the brief beside the text
    let search: Value = serde_json::from_slice(
        &request(
            srv.port,
            "GET",
            "/api/search?q=%E5%89%8D%E4%B8%89%E5%AD%A3%E5%BA%A6",
            b"",
        )
        .2,
    )
    .unwrap();
    let id = search["hits"][0]["article_id"]
        .as_str()
        .unwrap()
        .to_string();
    let url = format!("{base}/articles/{id}");
    let dom = dom_of(&chrome, &profile, &url);
    assert!(
        dom.contains("<mark class=\"f-indicator\" title=\"12,100 mu"),
        "{dom}"
    );
    assert!(dom.contains("<mark class=\"f-person\""));
    assert!(dom.contains("Chen Anming, Secretary of the CPC Jiangmen Municipal Committee"));
    assert!(dom.contains("class=\"summary\""));
    let png = screenshot(&chrome, &profile, &url, &shots.join("article.png"));
    assert!(
        count_colour(&png, [0xbb, 0xf7, 0xd0], 6) > 500,
        "indicator highlights are visible"
    );
    assert!(
        count_colour(&png, [0xbf, 0xdb, 0xfe], 6) > 200,
        "person highlights are visible"
    );

    // search and person pages render
    let dom = dom_of(
        &chrome,
        &profile,
        &format!("{base}/search?q=industrial+land"),
    );
    assert!(dom.contains("class=\"hit\""));
    let dom = dom_of(
        &chrome,
        &profile,
        &format!("{base}/people/%E5%90%B4%E6%99%93%E6%99%96"),
    );
    assert!(
        dom.contains("Wu Xiaohui") && dom.contains("presided"),
        "{dom}"
    );
    drop(srv);
    std::fs::remove_dir_all(&dir).unwrap();
}
