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

fn fact_lines(a: &Article) -> Vec<String> {
    a.facts
        .iter()
        .map(|f| format!("{} — {} ({})", f.en, f.text, f.kind()))
        .collect()
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
        if a.headline_en.is_some() && !a.headline.is_empty() {
            let _ = writeln!(out, "    {}", a.headline);
        }
        if !a.bylines.is_empty() {
            let _ = writeln!(out, "    By {}", credits(a));
        }
        if let Some(s) = &a.summary_en {
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
        if a.headline_en.is_some() && !a.headline.is_empty() {
            let _ = writeln!(out, "*{}*\n", a.headline);
        }
        if !a.bylines.is_empty() {
            let _ = writeln!(out, "By {}\n", credits(a));
        }
        if let Some(s) = &a.summary_en {
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
