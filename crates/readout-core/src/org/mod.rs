//! Organisations: party and state organs (`data/organs.tsv`, with the place the text
//! implies: 市委 in a Zhongshan report → CPC Zhongshan Municipal Committee), bureaus,
//! commissions and offices named by their function (`data/functions.tsv`: 市投资促进局 →
//! Zhongshan Investment Promotion Bureau), companies (…有限公司, …集团) and universities.
//!
//! An organ written as the first half of a title (市委书记) is the title's, not an
//! organisation mention of its own.

use crate::model::{Article, Fact, FactBody, Span};
use crate::person::pinyin::data_rows;
use crate::pipeline::{Context, Stage};
use aho_corasick::{AhoCorasick, MatchKind};
use regex::Regex;
use serde::Serialize;
use std::sync::OnceLock;

const ORGANS_TSV: &str = include_str!("data/organs.tsv");
const FUNCTIONS_TSV: &str = include_str!("data/functions.tsv");

/// The body of an `organization` fact.
#[derive(Debug, Clone, Serialize)]
pub struct OrgFact {
    pub name: String,
    pub name_en: String,
    /// organ, bureau, company, university
    pub org_type: String,
}

/// The places an article implies, for organs and titles written without one.
#[derive(Debug, Clone, Default)]
pub struct Places {
    pub city: Option<String>,
    pub province: Option<String>,
    pub district: Option<String>,
    pub county: Option<String>,
    pub town: Option<String>,
}

/// The Chinese name of the city whose English is `city_en`, as the article writes it
/// (中山 or 中山市), from its place facts.
pub fn city_zh(a: &Article, city_en: &str) -> Option<String> {
    a.facts.iter().find_map(|f| match &f.body {
        crate::model::FactBody::Place(p) if p.level == "city" && p.name_en == city_en => {
            Some(p.name.clone())
        }
        _ => None,
    })
}

impl Places {
    /// From the article's place facts: the most frequent of each level; a city's province
    /// from the gazetteer.
    pub fn of(a: &Article) -> Places {
        use std::collections::HashMap;
        let mut counts: HashMap<(&str, String), usize> = HashMap::new();
        let mut within: HashMap<String, String> = HashMap::new();
        for f in &a.facts {
            if let FactBody::Place(p) = &f.body {
                let level = match p.level.as_str() {
                    "city" => "city",
                    "province" => "province",
                    "district" => "district",
                    "county" => "county",
                    "town" | "subdistrict" | "township" => "town",
                    _ => continue,
                };
                let en = crate::place::bare_en(&p.name_en).to_string();
                *counts.entry((level, en.clone())).or_default() += 1;
                if let Some(w) = &p.within {
                    within.insert(en, w.clone());
                }
            }
        }
        let best = |level: &str| {
            counts
                .iter()
                .filter(|((l, _), _)| *l == level)
                .max_by_key(|((_, n), c)| (**c, std::cmp::Reverse(n.clone())))
                .map(|((_, n), _)| n.clone())
        };
        let mut p = Places {
            city: best("city"),
            province: best("province"),
            district: best("district"),
            county: best("county"),
            town: best("town"),
        };
        if p.province.is_none() {
            if let Some(w) = p.city.as_ref().and_then(|c| within.get(c)) {
                p.province =
                    crate::place::lookup(w).map(|e| crate::place::bare_en(e.en).to_string());
            }
        }
        p
    }

    pub fn get(&self, level: &str) -> Option<&str> {
        match level {
            "city" => self.city.as_deref(),
            "province" => self.province.as_deref(),
            "district" => self.district.as_deref(),
            "county" => self.county.as_deref(),
            "town" => self.town.as_deref(),
            _ => None,
        }
    }
}

/// A row of a table of written forms with an English template and the place level the
/// template needs (organs here, titles in `person`), and the automaton that finds them.
pub(crate) struct Templated {
    pub written: &'static str,
    pub template: &'static str,
    pub level: &'static str,
}

/// Loads a `written<TAB>template<TAB>level` table and builds its leftmost-longest automaton.
pub(crate) fn templated_table(tsv: &'static str) -> (AhoCorasick, Vec<Templated>) {
    let v: Vec<Templated> = data_rows(tsv)
        .filter(|r| r.len() >= 3)
        .map(|r| Templated {
            written: r[0],
            template: r[1],
            level: r[2],
        })
        .collect();
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(v.iter().map(|o| o.written))
        .expect("a table of written forms builds an automaton");
    (ac, v)
}

fn organs() -> &'static (AhoCorasick, Vec<Templated>) {
    static O: OnceLock<(AhoCorasick, Vec<Templated>)> = OnceLock::new();
    O.get_or_init(|| templated_table(ORGANS_TSV))
}

/// Function names (longest first) and an automaton finding every occurrence of each in
/// one pass over the text.
fn functions() -> &'static (AhoCorasick, Vec<(&'static str, &'static str)>) {
    static F: OnceLock<(AhoCorasick, Vec<(&'static str, &'static str)>)> = OnceLock::new();
    F.get_or_init(|| {
        let mut v: Vec<_> = data_rows(FUNCTIONS_TSV)
            .filter(|r| r.len() >= 2)
            .map(|r| (r[0], r[1]))
            .collect();
        v.sort_by_key(|(w, _)| std::cmp::Reverse(w.chars().count()));
        let ac = AhoCorasick::new(v.iter().map(|(w, _)| w)).expect("function names");
        (ac, v)
    })
}

/// Words that make an organ the first half of a title (市委书记, 市政协主席).
const TITLE_TAILS: &[&str] = &[
    "书记",
    "副书记",
    "常委",
    "秘书长",
    "主任",
    "副主任",
    "主席",
    "副主席",
    "委员",
    "部长",
    "副部长",
    "副市长",
    "市长",
    "副省长",
    "省长",
    "代表",
    "常务委员",
];

/// Fills a template's place slot from the place written before the organ or the article's.
pub fn fill(template: &str, level: &str, written_place: Option<&str>, places: &Places) -> String {
    if level == "none" {
        return template.to_string();
    }
    let slot = format!("{{{level}}}");
    match written_place.or_else(|| places.get(level)) {
        Some(p) => template.replace(&slot, p),
        None => {
            let generic = match level {
                "city" => "Municipal",
                "province" => "Provincial",
                "district" => "District",
                "county" => "County",
                _ => "Local",
            };
            // "CPC {city} Municipal Committee" → "CPC Municipal Committee"
            template
                .replace(&format!("{slot} Municipal"), "Municipal")
                .replace(&format!("{slot} Provincial"), "Provincial")
                .replace(&format!("{slot} District"), "District")
                .replace(&format!("{slot} County"), "County")
                .replace(&format!("{slot} Town"), "Town")
                .replace(&format!("{slot} Subdistrict"), "Subdistrict")
                .replace(&slot, generic)
        }
    }
}

/// The English of a place written right before `at` (中山市委 → "Zhongshan"), with its start.
fn place_before(text: &str, at: usize, tokens: &[Span]) -> Option<(usize, String)> {
    let _ = tokens;
    // 顺德|区委: the organ's level character ends the place's name
    if let Some(level) = text[at..]
        .chars()
        .next()
        .filter(|c| matches!(c, '市' | '省' | '区' | '县' | '镇'))
    {
        let head = &text[..at];
        let idx: Vec<usize> = head.char_indices().map(|(i, _)| i).rev().take(6).collect();
        for &start in idx.iter().rev() {
            let cand = format!("{}{level}", &head[start..]);
            if cand.chars().count() >= 3 {
                if let Some(e) = crate::place::lookup(&cand) {
                    return Some((start, crate::place::bare_en(e.en).to_string()));
                }
            }
        }
    }
    let head = &text[..at];
    // try the last 2–8 characters as a place name (中山, 中山市, 顺德区 …)
    let idx: Vec<usize> = head.char_indices().map(|(i, _)| i).rev().take(8).collect();
    for &start in idx.iter().rev() {
        let cand = &head[start..];
        if cand.chars().count() < 2 {
            continue;
        }
        if let Some(e) = crate::place::lookup(cand) {
            return Some((start, crate::place::bare_en(e.en).to_string()));
        }
    }
    None
}

fn company_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"[\p{Han}A-Za-z0-9（）()]{2,30}?(?:集团股份有限公司|集团有限公司|股份有限公司|有限责任公司|有限公司|集团)")
            .expect("company regex")
    })
}

fn university_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"[\p{Han}]{2,10}?(?:大学|科学院|工程院|学院|研究院|研究所)")
            .expect("university regex")
    })
}

const NAME_STOPS: &[char] = &[
    '的', '和', '与', '及', '在', '对', '由', '向', '是', '将', '了', '从', '把', '被', '让', '等',
    '到', '引', '进', '入', '驻', '签', '约', '赴', '访', '同', '这', '那', '该', '此', '本', '各',
    '每',
];

/// Trims a company or university candidate to its name: after the last stop word, and
/// from a place name at its head when there is one.
fn trim_name(text: &str, start: usize, end: usize) -> Option<usize> {
    // a place name inside starts the name (广东美的制冷设备有限公司)
    let cand = &text[start..end];
    for (i, _) in cand.char_indices() {
        if cand.len() - i < 9 {
            break;
        }
        for len in [9, 6] {
            if let Some(p) = cand.get(i..i + len) {
                if crate::place::lookup(p).is_some()
                    && !cand[..i]
                        .ends_with(|c: char| crate::page::is_han(c) && !NAME_STOPS.contains(&c))
                {
                    return Some(start + i);
                }
            }
        }
    }
    // else what follows the last stop word
    let mut s = start;
    for (i, c) in cand.char_indices() {
        if NAME_STOPS.contains(&c) && i + c.len_utf8() + 6 < cand.len() {
            s = start + i + c.len_utf8();
        }
    }
    (text[s..end].chars().count() >= 4).then_some(s)
}

fn company_en(name: &str) -> String {
    let (base, kind) = [
        ("集团股份有限公司", "Group Co., Ltd."),
        ("集团有限公司", "Group Co., Ltd."),
        ("股份有限公司", "Co., Ltd."),
        ("有限责任公司", "Co., Ltd."),
        ("有限公司", "Co., Ltd."),
        ("集团", "Group"),
    ]
    .iter()
    .find_map(|(s, k)| name.strip_suffix(s).map(|b| (b, *k)))
    .unwrap_or((name, ""));
    let (en, _) = crate::glossary::render(base);
    format!("{en} {kind}").trim().to_string()
}

/// The organisation stage (after places, which it reads for the implied place).
pub struct Organizations;

impl Stage for Organizations {
    fn name(&self) -> &'static str {
        "organizations"
    }
    fn run(&self, a: &mut Article, _: &Context) {
        let places = Places::of(a);
        let text = a.text.as_str();
        let mut found: Vec<(Span, OrgFact)> = Vec::new();
        let (ac, list) = organs();
        for m in ac.find_iter(text) {
            let o = &list[m.pattern().as_usize()];
            let after = &text[m.end()..];
            if TITLE_TAILS.iter().any(|t| after.starts_with(t)) {
                continue;
            }
            let (start, written) = match place_before(text, m.start(), &a.tokens) {
                Some((s, en)) if o.level != "none" => (s, Some(en)),
                _ => (m.start(), None),
            };
            let en = fill(o.template, o.level, written.as_deref(), &places);
            found.push((
                Span::new(start, m.end()),
                OrgFact {
                    name: text[start..m.end()].to_string(),
                    name_en: en,
                    org_type: "organ".into(),
                },
            ));
        }
        // bureaus, commissions, offices: [place][市区县镇省]FUNCTION(局|委员会|委|办公室|办|中心|厅)
        let (func_ac, func_list) = functions();
        let mut hits: Vec<(usize, usize)> = func_ac
            .find_overlapping_iter(text)
            .map(|m| (m.pattern().as_usize(), m.start()))
            .collect();
        // in the order of the list (longest names first), as the overlap rule below expects
        hits.sort_unstable();
        for (f, i) in hits {
            let (func, func_en) = func_list[f];
            {
                let rest = &text[i + func.len()..];
                let Some((suffix, suffix_en)) = [
                    ("委员会", "Commission"),
                    ("办公室", "Office"),
                    ("局", "Bureau"),
                    ("中心", "Center"),
                    ("厅", "Department"),
                    ("委", "Commission"),
                    ("办", "Office"),
                ]
                .iter()
                .find(|(s, _)| rest.starts_with(s))
                .copied() else {
                    continue;
                };
                if TITLE_TAILS
                    .iter()
                    .any(|t| rest[suffix.len()..].starts_with(t))
                    && suffix == "委"
                {
                    continue;
                }
                let mut start = i;
                let level_char = text[..i].chars().next_back();
                let level = match level_char {
                    Some('市') => Some("city"),
                    Some('省') => Some("province"),
                    Some('区') => Some("district"),
                    Some('县') => Some("county"),
                    Some('镇') => Some("town"),
                    _ => None,
                };
                let mut place_en = None;
                if let Some(l) = level {
                    start -= '市'.len_utf8();
                    match place_before(text, start, &a.tokens) {
                        Some((s, en)) => {
                            start = s;
                            place_en = Some(en);
                        }
                        None => place_en = places.get(l).map(str::to_string),
                    }
                    // 中山市 itself is a place name that place_before may have taken whole
                    if let Some((s, en)) = place_before(text, i, &a.tokens) {
                        if s < start || place_en.is_none() {
                            start = s;
                            place_en = Some(en);
                        }
                    }
                } else if let Some((s, en)) = place_before(text, i, &a.tokens) {
                    start = s;
                    place_en = Some(en);
                }
                let end = i + func.len() + suffix.len();
                if level.is_none() && place_en.is_none() {
                    continue; // a bare 商务局 without a place is too weak
                }
                let en = match place_en {
                    Some(p) => format!("{p} {func_en} {suffix_en}"),
                    None => format!("{func_en} {suffix_en}"),
                };
                found.push((
                    Span::new(start, end),
                    OrgFact {
                        name: text[start..end].to_string(),
                        name_en: en,
                        org_type: "bureau".into(),
                    },
                ));
            }
        }
        for m in company_re().find_iter(text) {
            if let Some(s) = trim_name(text, m.start(), m.end()) {
                let name = &text[s..m.end()];
                if name.chars().count() >= 4 {
                    found.push((
                        Span::new(s, m.end()),
                        OrgFact {
                            name: name.to_string(),
                            name_en: company_en(name),
                            org_type: "company".into(),
                        },
                    ));
                }
            }
        }
        for m in university_re().find_iter(text) {
            if let Some(s) = trim_name(text, m.start(), m.end()) {
                let name = &text[s..m.end()];
                let en = crate::glossary::lookup(name).unwrap_or_else(|| {
                    let (base, kind) = ["大学", "学院", "研究院", "研究所"]
                        .iter()
                        .find_map(|k| name.strip_suffix(k).map(|b| (b, *k)))
                        .unwrap_or((name, ""));
                    let kind_en = match kind {
                        "大学" => "University",
                        "学院" => "College",
                        "研究院" => "Research Institute",
                        _ => "Institute",
                    };
                    format!("{} {kind_en}", crate::glossary::render(base).0)
                });
                found.push((
                    Span::new(s, m.end()),
                    OrgFact {
                        name: name.to_string(),
                        name_en: en,
                        org_type: "university".into(),
                    },
                ));
            }
        }
        // longest first, no overlaps
        found.sort_by(|x, y| x.0.start.cmp(&y.0.start).then(y.0.end.cmp(&x.0.end)));
        let mut last_end = 0;
        for (span, org) in found {
            if span.start < last_end {
                continue;
            }
            last_end = span.end;
            let en = org.name_en.clone();
            a.facts
                .push(Fact::new(text, span, FactBody::Organization(org), en));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_templates() {
        let p = Places {
            city: Some("Zhongshan".into()),
            ..Default::default()
        };
        assert_eq!(
            fill("CPC {city} Municipal Committee", "city", None, &p),
            "CPC Zhongshan Municipal Committee"
        );
        assert_eq!(
            fill("CPC {province} Provincial Committee", "province", None, &p),
            "CPC Provincial Committee"
        );
        assert_eq!(
            fill("{city} Municipal Government", "city", Some("Foshan"), &p),
            "Foshan Municipal Government"
        );
    }
}
