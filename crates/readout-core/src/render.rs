//! Output: the JSON contract (`serde_json` over the model) and the reader's views in
//! plain text and Markdown.

use crate::model::{Article, Document, Language};
use std::fmt::Write;

/// The contract's JSON, pretty or compact (one line, for `--lines`).
pub fn json(doc: &Document, pretty: bool) -> String {
    let r = if pretty {
        serde_json::to_string_pretty(doc)
    } else {
        serde_json::to_string(doc)
    };
    r.expect("the document model always serialises")
}

fn headline(a: &Article) -> String {
    match (&a.headline_en, a.headline.is_empty()) {
        (Some(en), _) => en.clone(),
        (None, false) => a.headline.clone(),
        (None, true) => "(untitled)".to_string(),
    }
}

fn credits(a: &Article) -> String {
    a.bylines
        .iter()
        .map(|b| {
            if b.name == b.name_en {
                format!("{} ({})", b.name_en, b.role)
            } else {
                format!("{} {} ({})", b.name_en, b.name, b.role)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The facts as a reader wants them: events and indicators first, then people,
/// organisations, documents, times, places; quantities that an indicator already states are
/// left out, and repeated mentions are shown once.
fn fact_lines(a: &Article) -> Vec<String> {
    const ORDER: [&str; 8] = [
        "event",
        "indicator",
        "person",
        "organization",
        "document",
        "time",
        "quantity",
        "place",
    ];
    let mut covered: Vec<crate::model::Span> = a
        .facts
        .iter()
        .filter(|f| f.kind() == "indicator")
        .map(|f| f.span)
        .collect();
    covered.sort();
    // an indicator span containing `s` starts at or before it: look at the ones just before
    let is_covered = |s: crate::model::Span| {
        let k = covered.partition_point(|c| c.start <= s.start);
        covered[..k].iter().rev().take(4).any(|c| c.contains(s))
    };
    let mut seen: std::collections::HashSet<(&str, &str)> = std::collections::HashSet::new();
    let mut out = Vec::new();
    for kind in ORDER {
        for f in a.facts.iter().filter(|f| f.kind() == kind) {
            if kind == "quantity" && is_covered(f.span) {
                continue;
            }
            if !seen.insert((kind, f.en.as_str())) {
                continue;
            }
            out.push(format!("{} — {} ({kind})", f.en, f.text));
        }
    }
    out
}

/// A reader's view in plain text.
pub fn text(doc: &Document) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Published {} ({:?})",
        doc.published, doc.published_from
    );
    for (i, a) in doc.articles.iter().enumerate() {
        let _ = writeln!(out, "\n[{}] {}", i + 1, headline(a));
        if a.headline_en.as_ref().is_some_and(|h| *h != a.headline) && !a.headline.is_empty() {
            let _ = writeln!(out, "    {}", a.headline);
        }
        if !a.bylines.is_empty() {
            let _ = writeln!(out, "    By {}", credits(a));
        }
        if let Some(s) = a.summary_en.as_ref().filter(|_| a.language == Language::Zh) {
            let _ = writeln!(out, "    {s}");
        }
        for l in fact_lines(a) {
            let _ = writeln!(out, "  - {l}");
        }
        if !a.headline_only {
            for p in a.text.split('\n') {
                let _ = writeln!(out, "    {p}");
            }
        }
    }
    out
}

/// A reader's view in Markdown.
pub fn markdown(doc: &Document) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "*Published {}*", doc.published);
    for a in &doc.articles {
        let _ = writeln!(out, "\n## {}\n", headline(a));
        if a.headline_en.as_ref().is_some_and(|h| *h != a.headline) && !a.headline.is_empty() {
            let _ = writeln!(out, "*{}*\n", a.headline);
        }
        if !a.bylines.is_empty() {
            let _ = writeln!(out, "By {}\n", credits(a));
        }
        if let Some(s) = a.summary_en.as_ref().filter(|_| a.language == Language::Zh) {
            let _ = writeln!(out, "{s}\n");
        }
        for l in fact_lines(a) {
            let _ = writeln!(out, "- {l}");
        }
        if !a.facts.is_empty() {
            out.push('\n');
        }
        if !a.headline_only {
            let lang = if a.language == Language::Zh { "> " } else { "" };
            for p in a.text.split('\n') {
                let _ = writeln!(out, "{lang}{p}\n");
            }
        }
    }
    out
}
