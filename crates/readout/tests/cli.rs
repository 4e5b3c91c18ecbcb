//! End-to-end tests of the `readout` binary: the seed page, stdin, `--lines`, formats,
//! encodings, HTML, and bad input (each a clear one-line error or a correct result).

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_readout"))
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn seed_page() -> PathBuf {
    let p = repo().join("../shared/corpus/zhongshan-front-page.txt");
    assert!(p.exists(), "the seed page is missing at {}", p.display());
    p
}

fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = bin();
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn readout");
    let mut pipe = child.stdin.take().unwrap();
    let data = stdin.map(|s| s.to_vec()).unwrap_or_default();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&data);
    });
    let out = child.wait_with_output().expect("wait");
    writer.join().unwrap();
    out
}

fn json_of(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

fn tmp(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("readout-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// Exit status 1 and exactly one line on stderr, naming the problem.
fn assert_one_line_error(out: &Output, code: i32, mentions: &str) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "stderr: {err}");
    assert!(
        err.contains(mentions),
        "stderr {err:?} does not mention {mentions:?}"
    );
}

#[test]
fn seed_page_articles_bylines_and_joined_paragraphs() {
    let doc = json_of(&run(
        &["extract", seed_page().to_str().unwrap(), "--format", "json"],
        None,
    ));
    assert_eq!(doc["schema"], "readout/1");
    assert_eq!(doc["published_from"], "inferred");
    let published = doc["published"].as_str().unwrap();
    assert!(
        published == "2023-12-28" || published == "2023-12-29",
        "{published}"
    );

    let arts = doc["articles"].as_array().unwrap();
    assert_eq!(
        arts.len(),
        5,
        "{:#?}",
        arts.iter().map(|a| &a["headline"]).collect::<Vec<_>>()
    );
    let en = &arts[0];
    assert_eq!(en["language"], "en");
    assert_eq!(
        en["headline"],
        "Meeting held to boost new industrialization"
    );
    assert_eq!(en["bylines"][0]["role"], "translator");
    assert_eq!(en["bylines"][0]["name"], "Li Jing");

    for a in &arts[1..3] {
        assert_eq!(a["language"], "zh");
        assert_eq!(a["headline_only"], true);
        assert_eq!(
            a["headline_lines"].as_array().unwrap().len(),
            2,
            "main title and subtitle together"
        );
    }
    let reports = &arts[3..5];
    for r in reports {
        assert_eq!(r["headline_only"], false);
        let names: Vec<&str> = r["bylines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["name_en"].as_str().unwrap())
            .collect();
        assert_eq!(names.len(), 3);
        for n in ["Chen Weiqi", "Guo Jinrun", "Xia Shengquan"] {
            assert!(names.contains(&n), "{names:?}");
        }
        assert!(
            r["bylines"]
                .as_array()
                .unwrap()
                .iter()
                .all(|b| b["role"] == "reporter")
        );
        assert!(
            r["dateline"]["text"]
                .as_str()
                .unwrap()
                .starts_with("本报讯")
        );
    }
    let text = |i: usize| reports[i]["text"].as_str().unwrap().to_string();
    // every seam a column break made is joined; real paragraph breaks stay
    for seam in ["投资额破千亿大关", "拆除整备土地2万亩", "农村生活污水治理"]
    {
        assert!(text(0).contains(seam), "{seam}");
    }
    for seam in [
        "新型工业化提供了根本遵循",
        "各类创新平台",
        "打通阻碍内外贸一体化",
    ] {
        assert!(text(1).contains(seam), "{seam}");
    }
    assert_eq!(
        text(0).lines().count(),
        7,
        "seven paragraphs in the first report"
    );
    assert_eq!(
        text(1).lines().count(),
        5,
        "five paragraphs in the second report"
    );
    assert!(
        text(0)
            .lines()
            .all(|p| p.ends_with(['。', '！', '?', '”', '!']))
    );
}

#[test]
fn seed_page_passes_the_contract_checker() {
    let out = run(
        &["extract", seed_page().to_str().unwrap(), "--format", "json"],
        None,
    );
    assert!(out.status.success());
    let checker = repo().join("../shared/tools/check-contract.py");
    let mut child = Command::new("python3")
        .arg(&checker)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs the contract checker");
    child.stdin.take().unwrap().write_all(&out.stdout).unwrap();
    let res = child.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&res.stdout);
    assert!(
        res.status.success() && said.contains("contract ok"),
        "{said}"
    );
}

#[test]
fn stdin_and_lines_give_the_same_analysis() {
    let page = std::fs::read(seed_page()).unwrap();
    let from_file = json_of(&run(&["extract", seed_page().to_str().unwrap()], None));
    let from_stdin = json_of(&run(&["extract", "-"], Some(&page)));
    let from_stdin_no_path = json_of(&run(&["extract"], Some(&page)));
    assert_eq!(from_file, from_stdin);
    assert_eq!(from_file, from_stdin_no_path);

    let mut lines =
        serde_json::to_vec(&serde_json::json!({"text": String::from_utf8(page).unwrap()})).unwrap();
    lines.extend_from_slice("\n\n中山召开会议。\r\n".as_bytes());
    let out = run(&["extract", "--lines"], Some(&lines));
    assert!(out.status.success());
    let outs: Vec<Value> = out
        .stdout
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    assert_eq!(outs.len(), 3, "one output line per input line");
    assert_eq!(outs[0]["articles"], from_file["articles"]);
    assert_eq!(outs[1]["line"], 2);
    assert!(outs[1]["error"].as_str().unwrap().contains("empty"));
    assert_eq!(outs[2]["articles"][0]["text"], "中山召开会议。");
    assert!(
        !String::from_utf8_lossy(&out.stdout)
            .lines()
            .any(|l| l.starts_with(' ')),
        "compact JSON"
    );
}

#[test]
fn given_date_wins() {
    let doc = json_of(&run(
        &[
            "extract",
            seed_page().to_str().unwrap(),
            "--date",
            "2024-01-03",
        ],
        None,
    ));
    assert_eq!(
        (doc["published"].as_str(), doc["published_from"].as_str()),
        (Some("2024-01-03"), Some("given"))
    );
    let doc = json_of(&run(
        &["extract", "-"],
        Some("没有日期的一句话。".as_bytes()),
    ));
    assert_eq!(doc["published_from"], "default");
}

#[test]
fn reader_views() {
    let out = run(
        &["extract", seed_page().to_str().unwrap(), "--format", "text"],
        None,
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Meeting held to boost new industrialization"));
    assert!(text.contains("Guo Jinrun"));
    assert!(text.contains("over 33,000 mu"));
    let out = run(
        &["extract", seed_page().to_str().unwrap(), "--format", "md"],
        None,
    );
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("## Meeting held to boost new industrialization"));
    assert!(md.contains("about 94 billion yuan"));
}

#[test]
fn example_pages() {
    let ex = repo().join("examples");
    let doc = json_of(&run(
        &["extract", ex.join("front-page.txt").to_str().unwrap()],
        None,
    ));
    assert_eq!(doc["published"], "2024-03-08");
    assert_eq!(doc["articles"].as_array().unwrap().len(), 4);
    let html = json_of(&run(
        &["extract", ex.join("report.html").to_str().unwrap()],
        None,
    ));
    let arts = html["articles"].as_array().unwrap();
    let all: String = arts
        .iter()
        .map(|a| format!("{}{}", a["headline"], a["text"]))
        .collect();
    assert!(all.contains("江门召开全市水污染治理工作会议"));
    assert!(!all.contains("首页") && !all.contains("analytics") && !all.contains("版权所有"));
    let gbk = json_of(&run(
        &["extract", ex.join("gbk-report.txt").to_str().unwrap()],
        None,
    ));
    assert_eq!(gbk["encoding"], "gb18030");
    assert_eq!(gbk["articles"][0]["headline"], "惠州推进数字化转型");
}

#[test]
fn encodings_detected() {
    let s = "市委书记出席会议并讲话。全市新增规上工业企业八十六家，投资增长百分之十二。";
    let (big5, _, _) = encoding_rs::BIG5
        .encode("市委書記出席會議並講話。全市新增規上工業企業八十六家，投資增長百分之十二。");
    let doc = json_of(&run(
        &["extract", tmp("big5.txt", &big5).to_str().unwrap()],
        None,
    ));
    assert_eq!(doc["encoding"], "Big5");
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(s.replace('。', "。\r\n").as_bytes());
    let doc = json_of(&run(&["extract", "-"], Some(&bom)));
    assert!(!doc["articles"][0]["text"].as_str().unwrap().contains('\r'));
}

#[test]
fn bad_input_is_one_clear_line() {
    assert_one_line_error(
        &run(&["extract", tmp("empty.txt", b"").to_str().unwrap()], None),
        1,
        "empty",
    );
    assert_one_line_error(&run(&["extract", "-"], Some(b"   \n\n ")), 1, "empty");
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    assert_one_line_error(&run(&["extract", "-"], Some(&garbage)), 1, "binary");
    assert_one_line_error(
        &run(
            &["extract", "-"],
            Some(b"caf\xe9 cr\xe8me br\xfbl\xe9e, d\xe9j\xe0 vu"),
        ),
        1,
        "not valid UTF-8",
    );
    assert_one_line_error(
        &run(&["extract", "/no/such/file.txt"], None),
        1,
        "cannot read /no/such/file.txt",
    );
    assert_one_line_error(
        &run(&["extract", std::env::temp_dir().to_str().unwrap()], None),
        1,
        "directory",
    );
    assert_one_line_error(
        &run(&["extract", "--date", "2023-13-45"], Some(b"x")),
        2,
        "YYYY-MM-DD",
    );
    assert_one_line_error(
        &run(&["extract", "--lines", "--format", "md"], Some(b"x")),
        1,
        "--lines prints JSON",
    );
    let out = run(&["extract", "--no-such-flag"], None);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn malformed_html_and_pages_without_chinese() {
    let doc = json_of(&run(
        &["extract", "-"],
        Some(b"<html><body><p>\xe6\x9c\xaa\xe9\x97\xad\xe5\x90\x88<div><p></span>"),
    ));
    assert!(doc["articles"].as_array().unwrap().len() <= 1);
    let doc = json_of(&run(
        &["extract", "-"],
        Some(b"Only English here. No Chinese at all."),
    ));
    assert_eq!(doc["articles"][0]["language"], "en");
    let doc = json_of(&run(&["extract", "-"], Some(b"12345 67890 ---")));
    assert_eq!(doc["articles"].as_array().unwrap().len(), 0);
}

#[test]
fn a_fifty_megabyte_line() {
    let unit = "全市新增投资约940亿元，拆除整理低效工业用地超3.3万亩，";
    let n = 50 * 1024 * 1024 / unit.len();
    let mut big = unit.repeat(n).into_bytes();
    big.push(b'\n');
    let p = tmp("big.txt", &big);
    let out = run(&["extract", "--lines", p.to_str().unwrap()], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // compact JSON: every quantity fact is one `"kind":"quantity"`; two per repetition
    let json = &out.stdout;
    let needle = b"\"kind\":\"quantity\"";
    let count = json.windows(needle.len()).filter(|w| *w == needle).count();
    assert_eq!(count, 2 * n, "two quantities per repetition, none lost");
    std::fs::remove_file(p).ok();
}

#[test]
fn briefs_state_only_facts() {
    let doc = json_of(&run(&["extract", seed_page().to_str().unwrap()], None));
    let arts = doc["articles"].as_array().unwrap();
    for a in arts.iter().filter(|a| a["language"] == "zh") {
        let h = a["headline_en"]
            .as_str()
            .expect("every zh article has an English headline");
        assert!(!h.is_empty() && h.is_ascii(), "{h}");
        let s = a["summary_en"]
            .as_str()
            .expect("every zh article has a summary");
        // every number in the brief is in some fact's English
        let facts_en: String = a["facts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["en"].as_str().unwrap_or("").to_string() + " ")
            .collect();
        for tok in s
            .split(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
            .map(|t| t.trim_matches([',', '.']))
        {
            if tok.chars().any(|c| c.is_ascii_digit()) {
                assert!(
                    facts_en.contains(tok),
                    "{tok:?} of the summary is in no fact: {s}"
                );
            }
        }
    }
    let first = &arts[3];
    let s = first["summary_en"].as_str().unwrap();
    for want in [
        "December 28",
        "Guo Wenhai, Secretary of the CPC Zhongshan Municipal Committee",
        "over 33,000 mu",
        "about 94 billion yuan",
        "20,000 mu",
        "2024",
    ] {
        assert!(s.contains(want), "{want} missing from {s}");
    }
    let second = &arts[4];
    assert!(
        second["headline_en"]
            .as_str()
            .unwrap()
            .starts_with("Zhongshan holds")
    );
    assert!(
        second["summary_en"]
            .as_str()
            .unwrap()
            .contains("on December 25")
    );
}

#[test]
fn user_glossary_overrides() {
    let g = tmp(
        "glossary.tsv",
        "新型工业化\tnew-type industrialisation\n".as_bytes(),
    );
    let out = run(
        &[
            "extract",
            seed_page().to_str().unwrap(),
            "--glossary",
            g.to_str().unwrap(),
        ],
        None,
    );
    let doc = json_of(&out);
    assert!(
        doc["articles"][4]["headline_en"]
            .as_str()
            .unwrap()
            .contains("new-type industrialisation")
    );
    assert_one_line_error(
        &run(
            &["extract", "--glossary", "/no/such.tsv", "-"],
            Some("x".as_bytes()),
        ),
        1,
        "cannot read glossary",
    );
}

/// The English of every example page, kept in `tests/golden/`: a change to the briefs shows
/// as a diff in review. `UPDATE_GOLDEN=1 cargo test -p readout --test cli golden` rewrites
/// the files after a deliberate change.
#[test]
fn golden_english_of_the_example_pages() {
    let ex = repo().join("examples");
    let mut pages: Vec<PathBuf> = ["front-page.txt", "report.html", "gbk-report.txt"]
        .iter()
        .map(|p| ex.join(p))
        .collect();
    let mut corpus: Vec<PathBuf> = std::fs::read_dir(ex.join("corpus"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    corpus.sort();
    pages.extend(corpus);
    let golden_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut failures = Vec::new();
    for page in pages {
        let doc = json_of(&run(&["extract", page.to_str().unwrap()], None));
        let mut got = String::new();
        for a in doc["articles"].as_array().unwrap() {
            if a["language"] != "zh" {
                continue;
            }
            got.push_str(a["headline_en"].as_str().unwrap_or("(no headline)"));
            got.push('\n');
            got.push_str(a["summary_en"].as_str().unwrap_or("(no summary)"));
            got.push_str("\n\n");
        }
        let name = page.file_name().unwrap().to_string_lossy().to_string() + ".en";
        let path = golden_dir.join(&name);
        if update {
            std::fs::create_dir_all(&golden_dir).unwrap();
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("no golden file {name}: run with UPDATE_GOLDEN=1"));
        if want != got {
            let line = want
                .lines()
                .zip(got.lines())
                .find(|(w, g)| w != g)
                .map(|(w, g)| format!("\n  want: {w}\n  got:  {g}"))
                .unwrap_or_else(|| " (a line added or missing)".into());
            failures.push(format!("{name}:{line}"));
        }
    }
    assert!(
        failures.is_empty(),
        "English changed:\n{}",
        failures.join("\n")
    );
}
