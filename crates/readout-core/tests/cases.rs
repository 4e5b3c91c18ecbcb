//! The one generic case runner. Every fact family keeps a case corpus next to its rules
//! (`src/<family>/cases.tsv`); this test runs them all. A new form is a rule plus lines
//! in its corpus; nobody writes a test function.
//!
//! Corpus syntax (UTF-8, tab-separated):
//!
//! ```text
//! # a comment
//! @date 2023-12-28                       publication date for the cases that follow
//! SENTENCE<TAB>FACT<TAB>FACT …           the facts of this family the sentence must yield
//! SENTENCE<TAB>-                         it must yield none (a negative case)
//! ```
//!
//! A FACT is its text, then ` | key=value` pairs checked against the fact's JSON
//! (`value=33000 | unit=mu | qualifier=over | en=over 33,000 mu`); `null` is JSON null;
//! numbers compare as numbers. Facts of the family that the case does not list are
//! errors: the corpus measures precision as well as recall.

use readout_core::{Options, analyze_text};
use serde_json::Value;

struct Outcome {
    cases: usize,
    expected: usize,
    found_right: usize,
    extra: usize,
    failures: Vec<String>,
}

fn field_matches(actual: Option<&Value>, want: &str) -> bool {
    let Some(actual) = actual else {
        return want == "null";
    };
    match actual {
        Value::Null => want == "null",
        Value::Number(n) => want
            .parse::<f64>()
            .is_ok_and(|w| (n.as_f64().unwrap_or(f64::NAN) - w).abs() < 1e-9 * w.abs().max(1.0)),
        Value::String(s) => s == want,
        Value::Bool(b) => want == b.to_string(),
        other => *other == serde_json::from_str::<Value>(want).unwrap_or(Value::Null),
    }
}

fn run_corpus(kind: &str, corpus: &str) -> Outcome {
    let mut date = chrono::NaiveDate::from_ymd_opt(2023, 12, 28).unwrap();
    let mut o = Outcome {
        cases: 0,
        expected: 0,
        found_right: 0,
        extra: 0,
        failures: Vec::new(),
    };
    for (ln, line) in corpus.lines().enumerate() {
        let ln = ln + 1;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(d) = line.strip_prefix("@date ") {
            date = chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").expect("bad @date");
            continue;
        }
        let mut cols = line.split('\t');
        let sentence = cols.next().unwrap();
        let expected: Vec<&str> = cols
            .filter(|c| !c.trim().is_empty() && c.trim() != "-")
            .collect();
        o.cases += 1;
        let mut opts = Options::new(date);
        opts.published = Some(date);
        let doc = analyze_text(sentence, &opts);
        let json = serde_json::to_value(&doc).unwrap();
        let mut facts: Vec<Value> = json["articles"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|a| a["facts"].as_array().unwrap().clone())
            .filter(|f| f["kind"] == kind)
            .collect();
        for exp in &expected {
            o.expected += 1;
            let mut parts = exp.split(" | ");
            let text = parts.next().unwrap().trim();
            let checks: Vec<(&str, &str)> = parts
                .filter_map(|p| p.split_once('='))
                .map(|(k, v)| (k.trim(), v.trim()))
                .collect();
            match facts.iter().position(|f| f["text"] == text) {
                None => o.failures.push(format!(
                    "{kind} cases.tsv:{ln}: {sentence}\n    missing {text:?}; found {:?}",
                    facts
                        .iter()
                        .map(|f| f["text"].as_str().unwrap_or("").to_string())
                        .collect::<Vec<_>>()
                )),
                Some(i) => {
                    let f = facts.remove(i);
                    // roles=郭文海 attended, 郭文海 spoke: an event's participants, compactly
                    let roles = f.get("participants").and_then(|p| p.as_array()).map(|ps| {
                        Value::String(
                            ps.iter()
                                .map(|p| {
                                    format!(
                                        "{} {}",
                                        p["name"].as_str().unwrap_or(""),
                                        p["role"].as_str().unwrap_or("")
                                    )
                                })
                                .collect::<Vec<_>>()
                                .join(", "),
                        )
                    });
                    let get = |k: &str| {
                        if k == "roles" {
                            roles.as_ref()
                        } else {
                            f.get(k)
                        }
                    };
                    let wrong: Vec<String> = checks
                        .iter()
                        .filter(|(k, v)| !field_matches(get(k), v))
                        .map(|(k, v)| {
                            format!(
                                "{k}: want {v}, got {}",
                                get(k).map_or("absent".into(), |x| x.to_string())
                            )
                        })
                        .collect();
                    if wrong.is_empty() {
                        o.found_right += 1;
                    } else {
                        o.failures.push(format!(
                            "{kind} cases.tsv:{ln}: {sentence}\n    {text}: {}",
                            wrong.join("; ")
                        ));
                    }
                }
            }
        }
        for f in facts {
            o.extra += 1;
            o.failures.push(format!(
                "{kind} cases.tsv:{ln}: {sentence}\n    unexpected {} ({})",
                f["text"], f["en"]
            ));
        }
    }
    o
}

fn check(kind: &str, corpus: &str, min_cases: usize) {
    let o = run_corpus(kind, corpus);
    // facts right over facts right, wrong, missing or unexpected
    let score = o.found_right as f64 / (o.expected + o.extra).max(1) as f64;
    eprintln!(
        "{kind}: {} cases, {} expected facts, {} right, {} unexpected",
        o.cases, o.expected, o.found_right, o.extra
    );
    assert!(
        o.failures.is_empty(),
        "{} {kind} case failures (score {score:.3}):\n{}",
        o.failures.len(),
        o.failures.join("\n")
    );
    assert!(
        o.cases >= min_cases,
        "{kind}: the corpus has only {} cases",
        o.cases
    );
}

#[test]
fn quantity_cases() {
    check("quantity", include_str!("../src/quantity/cases.tsv"), 200);
}

#[test]
fn time_cases() {
    check("time", include_str!("../src/time/cases.tsv"), 150);
}

#[test]
fn person_cases() {
    check("person", include_str!("../src/person/cases.tsv"), 120);
}

#[test]
fn place_cases() {
    check("place", include_str!("../src/place/cases.tsv"), 90);
}

#[test]
fn organization_cases() {
    check("organization", include_str!("../src/org/cases.tsv"), 75);
}

#[test]
fn document_cases() {
    check("document", include_str!("../src/document/cases.tsv"), 35);
}

#[test]
fn event_cases() {
    check("event", include_str!("../src/event/cases.tsv"), 180);
}

#[test]
fn indicator_cases() {
    check("indicator", include_str!("../src/indicator/cases.tsv"), 150);
}
