//! Places: China's administrative divisions down to towns and subdistricts (a gazetteer
//! generated from the National Bureau of Statistics' divisions, `data/gazetteer.tsv`, see
//! `tools/gen_gazetteer.py`), regions, rivers and zones with official English
//! (`data/places_en.tsv`), and villages or communities named right after a town
//! (黄圃镇大岑村 → Dacen Village).
//!
//! Full names (中山市, 黄圃镇, 石岐街道) are taken wherever they start a word. Short forms of
//! provinces and cities (广东, 中山) must be whole words for jieba, so 中山大学 is no place,
//! and must not be one of the city names that are also common words (大同, 长治, 安康 …,
//! `data/short_stoplist.txt`, which also holds the few full names that are common words,
//! such as 城区). A name shared by several divisions (太平镇) is resolved to
//! the one whose parent the document also names, else to the first in the gazetteer.

use crate::model::{Article, Fact, FactBody, Span};
use crate::person::pinyin::data_rows;
use crate::pipeline::{Context, Stage};
use aho_corasick::{AhoCorasick, MatchKind};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::OnceLock;

const GAZETTEER_TSV: &str = include_str!("data/gazetteer.tsv");
const PLACES_EN_TSV: &str = include_str!("data/places_en.tsv");
const SHORT_STOPLIST: &str = include_str!("data/short_stoplist.txt");

/// The body of a `place` fact.
#[derive(Debug, Clone, Serialize)]
pub struct PlaceFact {
    pub name: String,
    pub name_en: String,
    /// province, city, district, county, town, subdistrict, township, village, region, area, country
    pub level: String,
    /// The division it lies in, where known (黄圃镇 → 中山市).
    pub within: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub name: &'static str,
    pub level: &'static str,
    pub en: &'static str,
    pub within: &'static str,
    pub short: bool,
}

struct Gazetteer {
    ac: AhoCorasick,
    /// pattern index → candidate entries
    patterns: Vec<Vec<Entry>>,
}

fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| {
        let stop: Vec<&str> = SHORT_STOPLIST
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        let mut by_name: HashMap<&'static str, Vec<Entry>> = HashMap::new();
        let mut order: Vec<&'static str> = Vec::new();
        let mut add = |name: &'static str, e: Entry| {
            let v = by_name.entry(name).or_insert_with(|| {
                order.push(name);
                Vec::new()
            });
            v.push(e);
        };
        for r in data_rows(PLACES_EN_TSV) {
            if r.len() >= 3 {
                add(
                    r[0],
                    Entry {
                        name: r[0],
                        level: r[2],
                        en: r[1],
                        within: "",
                        short: false,
                    },
                );
            }
        }
        for r in data_rows(GAZETTEER_TSV) {
            if r.len() < 6 {
                continue;
            }
            let (name, level, short, en, short_en, within) = (r[0], r[1], r[2], r[3], r[4], r[5]);
            if !stop.contains(&name) {
                add(
                    name,
                    Entry {
                        name,
                        level,
                        en,
                        within,
                        short: false,
                    },
                );
            }
            if !short.is_empty() && !stop.contains(&short) {
                add(
                    short,
                    Entry {
                        name: short,
                        level,
                        en: short_en,
                        within,
                        short: true,
                    },
                );
            }
        }
        let patterns: Vec<Vec<Entry>> = order
            .iter()
            .map(|n| by_name.remove(n).unwrap_or_default())
            .collect();
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(order.iter().copied())
            .expect("gazetteer automaton");
        Gazetteer { ac, patterns }
    })
}

/// Looks a name up (full or short form); the first entry when several share it.
pub fn lookup(name: &str) -> Option<Entry> {
    let g = gazetteer();
    let m = g.ac.find(name)?;
    (m.start() == 0 && m.end() == name.len()).then(|| g.patterns[m.pattern().as_usize()][0].clone())
}

/// Places found in `text` with their byte spans; `tokens` are the jieba words of the text.
pub fn find(text: &str, tokens: &[Span]) -> Vec<(Span, Entry)> {
    let g = gazetteer();
    let crosses = |b: usize| {
        let i = tokens.partition_point(|t| t.end <= b);
        tokens.get(i).is_some_and(|t| t.start < b && b < t.end)
    };
    let mut out: Vec<(Span, Entry)> = Vec::new();
    for m in g.ac.find_iter(text) {
        let cands = &g.patterns[m.pattern().as_usize()];
        let span = Span::new(m.start(), m.end());
        // a short form (中山) must be a word of its own: 中山大学 is no place
        if cands.iter().all(|e| e.short) && (crosses(span.start) || crosses(span.end)) {
            continue;
        }
        out.push((span, cands[0].clone()));
    }
    // resolve shared names by the parents the text names
    let named: Vec<&str> = out.iter().map(|(_, e)| e.name).collect();
    for (span, e) in out.iter_mut() {
        let cands = &g.patterns[g
            .ac
            .find(&text[span.start..span.end])
            .map(|m| m.pattern().as_usize())
            .unwrap_or(0)];
        if cands.len() > 1 {
            if let Some(best) = cands.iter().find(|c| {
                !c.within.is_empty()
                    && c.within != c.name
                    && named.iter().any(|n| c.within.starts_with(n))
            }) {
                *e = best.clone();
            }
        }
    }
    out
}

fn village_after(text: &str, end: usize) -> Option<(usize, &'static str)> {
    let rest = &text[end..];
    for (n, (i, c)) in rest.char_indices().enumerate() {
        if c == '村' && n >= 2 {
            return Some((end + i + c.len_utf8(), "Village"));
        }
        if c == '社' && n >= 2 && rest[i..].starts_with("社区") {
            return Some((end + i + "社区".len(), "Community"));
        }
        if !crate::page::is_han(c) || n >= 3 {
            return None;
        }
    }
    None
}

/// The place stage.
pub struct Places;

impl Stage for Places {
    fn name(&self) -> &'static str {
        "places"
    }
    fn run(&self, a: &mut Article, _: &Context) {
        let mut facts = Vec::new();
        for (span, e) in find(&a.text, &a.tokens) {
            let fact = PlaceFact {
                name: e.name.to_string(),
                name_en: e.en.to_string(),
                level: e.level.to_string(),
                within: (!e.within.is_empty()).then(|| e.within.to_string()),
            };
            facts.push(Fact::new(
                &a.text,
                span,
                FactBody::Place(fact),
                e.en.to_string(),
            ));
            if matches!(e.level, "town" | "subdistrict" | "township") {
                if let Some((vend, kind)) = village_after(&a.text, span.end) {
                    let name = &a.text[span.end..vend];
                    let base = name.trim_end_matches("社区").trim_end_matches('村');
                    let en = format!("{} {kind}", crate::glossary::pinyin_word(base));
                    let fact = PlaceFact {
                        name: name.to_string(),
                        name_en: en.clone(),
                        level: "village".into(),
                        within: Some(e.name.to_string()),
                    };
                    facts.push(Fact::new(
                        &a.text,
                        Span::new(span.end, vend),
                        FactBody::Place(fact),
                        en,
                    ));
                }
            }
        }
        a.facts.extend(facts);
    }
}

/// A place's English without its generic part (Guangdong Province → Guangdong, Shunde
/// District → Shunde), for templates that add their own ("CPC Shunde District Committee").
pub fn bare_en(en: &str) -> &str {
    [
        " Province",
        " District",
        " County",
        " Town",
        " Subdistrict",
        " City",
    ]
    .iter()
    .find_map(|s| en.strip_suffix(s))
    .unwrap_or(en)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places(s: &str) -> Vec<(String, String)> {
        let mut tokens = Vec::new();
        crate::segment::tokenize_into(s, Span::new(0, s.len()), &mut tokens);
        find(s, &tokens)
            .into_iter()
            .map(|(sp, e)| (s[sp.start..sp.end].to_string(), e.en.to_string()))
            .collect()
    }

    #[test]
    fn smoke() {
        assert_eq!(
            places("中山市黄圃镇"),
            vec![
                ("中山市".into(), "Zhongshan".into()),
                ("黄圃镇".into(), "Huangpu Town".into())
            ]
        );
        assert_eq!(places("中山大学"), vec![]);
        assert_eq!(lookup("广东").map(|e| e.en), Some("Guangdong"));
    }
}
