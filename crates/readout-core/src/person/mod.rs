//! People: names with their titles and pinyin.
//!
//! Rules, in order:
//! 1. a title (`data/titles.tsv`) before a name: 市委书记郭文海, 省委常委、市委书记解明远
//!    (stacked titles), 副市长单新亮、曾志强 (a list sharing a title), 广东省委书记 (a place
//!    before the title fills its template), 市投资促进局局长 (an organisation before it);
//! 2. a title after a name: 司马晓东局长, 习近平总书记;
//! 3. a speaker: a name before 强调, 指出, 表示, 说 … (郭文海最后表示);
//! 4. every later mention of a name found so far, linked to it (`person_id`);
//! 5. the credits of a dateline (记者 郭锦润).
//!
//! A name is a surname from `data/surnames.tsv` (compound ones first) and one or two
//! given-name characters; where it ends is decided by what follows it (`data/followers.txt`:
//! 出席, 主持, 讲话 …, or punctuation, or a title). Ordinary words are never names: rules 1,
//! 2 and 5 need a title or a credit, and rule 3 refuses words jieba's dictionary knows as
//! anything but a person's name (全市, 会议 …).

pub mod pinyin;

pub use pinyin::{name_to_pinyin, surname_of};

use crate::model::{Article, Fact, FactBody, Span};
use crate::org::{Places, fill};
use crate::pipeline::{Context, Stage};
use aho_corasick::AhoCorasick;
use serde::Serialize;
use std::sync::OnceLock;

const TITLES_TSV: &str = include_str!("data/titles.tsv");
const FOLLOWERS_TXT: &str = include_str!("data/followers.txt");

/// The body of a `person` fact.
#[derive(Debug, Clone, Serialize)]
pub struct PersonFact {
    pub name: String,
    pub name_en: String,
    pub titles: Vec<String>,
    pub titles_en: Vec<String>,
    /// The same id for every mention of one person in an article (p1, p2 …).
    pub person_id: String,
}

type Title = crate::org::Templated;

fn titles() -> &'static (AhoCorasick, Vec<Title>) {
    static T: OnceLock<(AhoCorasick, Vec<Title>)> = OnceLock::new();
    T.get_or_init(|| crate::org::templated_table(TITLES_TSV))
}

fn followers() -> &'static Vec<&'static str> {
    static F: OnceLock<Vec<&'static str>> = OnceLock::new();
    F.get_or_init(|| {
        let mut v: Vec<&str> = FOLLOWERS_TXT
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        v.sort_by_key(|w| std::cmp::Reverse(w.len()));
        v
    })
}

const SPEECH: &[&str] = &[
    "强调", "指出", "表示", "说", "认为", "要求", "介绍", "提出", "坦言", "透露", "称",
];
const ADVERBS: &[&str] = &[
    "最后",
    "首先",
    "随后",
    "还",
    "也",
    "再次",
    "进一步",
    "在会上",
    "在讲话中",
    "同时",
    "特别",
    "明确",
];
/// Titles that may follow a name (司马晓东局长).
const POST_TITLES: &[&str] = &[
    "总书记",
    "书记",
    "局长",
    "主任",
    "市长",
    "省长",
    "区长",
    "县长",
    "镇长",
    "董事长",
    "总经理",
    "院长",
    "校长",
    "教授",
    "院士",
    "部长",
    "厅长",
    "主席",
    "副市长",
    "副省长",
    "副局长",
    "副主任",
];

fn is_han(c: char) -> bool {
    crate::page::is_han(c)
}

fn starts_with_any(s: &str, words: &[&str]) -> bool {
    words.iter().any(|w| s.starts_with(w))
}

/// True when a title begins `rest` (searched in its first characters only: titles are
/// short, and a search through the whole rest of a page for every name is quadratic).
fn title_at_start(rest: &str) -> bool {
    let end = crate::model::window_after(rest, 0, 48);
    titles()
        .0
        .find(&rest[..end])
        .is_some_and(|m| m.start() == 0)
}

fn boundary_after(rest: &str) -> bool {
    // (for later mentions of a known name)
    rest.is_empty()
        || rest.starts_with(|c: char| !is_han(c))
        || starts_with_any(rest, followers())
        || title_at_start(rest)
}

/// A name starting at `at`: surname plus one or two given characters. Where it ends is
/// decided by what follows, strongest evidence first: a follower word of two or more
/// characters (出席, 认为), then a one-character follower (说, 在), then punctuation or a
/// title; two given characters before one at each step. Nothing following that decides
/// it means no name.
fn name_at(text: &str, at: usize) -> Option<usize> {
    let ends = name_ends(text, at);
    if ends.is_empty() {
        return None;
    }
    let long_follower = |r: &str| {
        followers()
            .iter()
            .any(|w| w.chars().count() >= 2 && r.starts_with(w))
    };
    let short_follower = |r: &str| {
        followers()
            .iter()
            .any(|w| w.chars().count() == 1 && r.starts_with(w))
    };
    let other = |r: &str| r.is_empty() || r.starts_with(|c: char| !is_han(c)) || title_at_start(r);
    for test in [
        &long_follower as &dyn Fn(&str) -> bool,
        &short_follower,
        &other,
    ] {
        for &end in ends.iter().rev() {
            if test(&text[end..]) {
                return Some(end);
            }
        }
    }
    None
}

/// The possible ends of a name at `at`: after one and after two given characters.
fn name_ends(text: &str, at: usize) -> Vec<usize> {
    let Some(s) = surname_of(&text[at..]) else {
        return Vec::new();
    };
    let after_surname = at + s.hanzi.len();
    let mut ends = Vec::new();
    let mut e = after_surname;
    for c in text[after_surname..].chars().take(2) {
        if !is_han(c) {
            break;
        }
        e += c.len_utf8();
        ends.push(e);
    }
    ends
}

/// True for a word jieba knows as a function word, verb or adjective (关于, 对于, 进行):
/// never a name, even after a title.
fn function_word(w: &str) -> bool {
    let j = crate::segment::jieba();
    j.has_word(w)
        && j.tag(w, false).first().is_some_and(|t| {
            matches!(
                t.tag.chars().next(),
                Some('p' | 'c' | 'd' | 'r' | 'u' | 'v' | 'a' | 'm' | 'q' | 'f')
            )
        })
}

/// True for a word jieba knows as something other than a person's name (全市, 会议).
fn ordinary_word(w: &str) -> bool {
    let j = crate::segment::jieba();
    if !j.has_word(w) {
        return false;
    }
    j.tag(w, false).first().is_none_or(|t| t.tag != "nr")
}

/// The person stage (after places and organisations, whose facts it reads).
pub struct People;

struct Found {
    span: Span,
    name: String,
    titles: Vec<String>,
    titles_en: Vec<String>,
}

impl Stage for People {
    fn name(&self) -> &'static str {
        "people"
    }
    fn run(&self, a: &mut Article, _: &Context) {
        let places = Places::of(a);
        let text = a.text.as_str();
        let mut found: Vec<Found> = Vec::new();
        let (ac, list) = titles();

        // 1. titles before names (with stacks and lists)
        let mut pending: Vec<(String, String)> = Vec::new();
        let mut last_title_end: Option<usize> = None;
        for m in ac.find_iter(text) {
            let t = &list[m.pattern().as_usize()];
            // a stack continues only across 、 right after the previous title
            if let Some(e) = last_title_end {
                if text[e..m.start()] != *"、" {
                    pending.clear();
                }
            }
            let (written, en) = title_here(text, m.start(), m.end(), t, &places, &a.facts);
            pending.push((written, en));
            last_title_end = Some(m.end());
            let mut at = m.end();
            let mut first = true;
            while let Some(end) = name_at(text, at).filter(|&e| !function_word(&text[at..e])) {
                found.push(Found {
                    span: Span::new(at, end),
                    name: text[at..end].to_string(),
                    titles: pending.iter().map(|p| p.0.clone()).collect(),
                    titles_en: pending.iter().map(|p| p.1.clone()).collect(),
                });
                first = false;
                if text[end..].starts_with('、') {
                    at = end + '、'.len_utf8();
                } else {
                    break;
                }
            }
            if !first {
                pending.clear();
                last_title_end = None;
            }
        }

        // 2. titles after names, 3. speakers
        let title_spans: Vec<Span> = ac
            .find_iter(text)
            .map(|m| Span::new(m.start(), m.end()))
            .collect();
        let place_spans: Vec<Span> = a
            .facts
            .iter()
            .filter(|f| matches!(f.body, FactBody::Place(_) | FactBody::Organization(_)))
            .map(|f| f.span)
            .collect();
        // spans to skip, sorted, walked with a cursor: one pass over the text
        let mut skip: Vec<Span> = found
            .iter()
            .map(|f| f.span)
            .chain(title_spans)
            .chain(place_spans)
            .collect();
        skip.sort();
        let mut cursor = 0;
        let mut reach = 0; // the furthest end among the spans already passed
        for (i, _) in text.char_indices() {
            while cursor < skip.len() && skip[cursor].start <= i {
                reach = reach.max(skip[cursor].end);
                cursor += 1;
            }
            if i < reach {
                continue;
            }
            if surname_of(&text[i..]).is_none()
                || text[..i]
                    .chars()
                    .next_back()
                    .is_some_and(|c| is_han(c) && !boundary_before(text, i))
            {
                continue;
            }
            let ends = name_ends(text, i);
            // a title after the name (司马晓东局长)
            let post = ends.iter().rev().find_map(|&end| {
                POST_TITLES
                    .iter()
                    .filter(|t| text[end..].starts_with(**t))
                    .max_by_key(|t| t.len())
                    .map(|t| (end, *t))
            });
            if let Some((end, pt)) = post {
                if crate::place::lookup(&text[i..end]).is_none() {
                    let t = list
                        .iter()
                        .find(|t2| t2.written == pt)
                        .or_else(|| list.iter().find(|t2| t2.written.ends_with(pt)));
                    let en = t
                        .map(|t| fill_title(t.template, t.level, None, &places, None))
                        .unwrap_or_default();
                    found.push(Found {
                        span: Span::new(i, end),
                        name: text[i..end].to_string(),
                        titles: vec![pt.to_string()],
                        titles_en: vec![en],
                    });
                    continue;
                }
            }
            // a speaker (张建华指出, 郭文海最后表示)
            let speaker = ends.iter().find(|&&end| {
                let mut r = &text[end..];
                for adv in ADVERBS {
                    if let Some(x) = r.strip_prefix(adv) {
                        r = x;
                        break;
                    }
                }
                starts_with_any(r, SPEECH)
            });
            if let Some(&end) = speaker {
                if !ordinary_word(&text[i..end])
                    && surname_of(&text[i..]).is_some_and(|s| s.class <= 2)
                {
                    found.push(Found {
                        span: Span::new(i, end),
                        name: text[i..end].to_string(),
                        titles: vec![],
                        titles_en: vec![],
                    });
                }
            }
        }

        // 5. dateline credits
        if let Some(dl) = &a.dateline {
            let dl_end = text.find(&dl.text).map(|s| s + dl.text.len()).unwrap_or(0);
            for b in &a.bylines {
                if let Some(pos) = text[..dl_end].find(&b.name) {
                    let role_zh = match b.role {
                        "correspondent" => "通讯员",
                        "intern" => "实习生",
                        "photographer" => "摄影",
                        _ => "记者",
                    };
                    found.push(Found {
                        span: Span::new(pos, pos + b.name.len()),
                        name: b.name.clone(),
                        titles: vec![role_zh.to_string()],
                        titles_en: vec![b.role.replace('_', " and ")],
                    });
                }
            }
        }

        // ids by name; titles shared across mentions
        found.sort_by_key(|f| f.span.start);
        let mut ids: Vec<(String, Vec<String>, Vec<String>)> = Vec::new();
        for f in &found {
            match ids.iter_mut().find(|(n, _, _)| *n == f.name) {
                Some(e) => {
                    for (t, te) in f.titles.iter().zip(&f.titles_en) {
                        if !e.1.contains(t) {
                            e.1.push(t.clone());
                            e.2.push(te.clone());
                        }
                    }
                }
                None => ids.push((f.name.clone(), f.titles.clone(), f.titles_en.clone())),
            }
        }
        // 4. later mentions of known names (found spans win over them)
        let mut spans: Vec<Span> = found.iter().map(|f| f.span).collect();
        spans.sort();
        let mut mentions: Vec<Span> = Vec::new();
        for (name, _, _) in &ids {
            for (pos, _) in text.match_indices(name.as_str()) {
                let sp = Span::new(pos, pos + name.len());
                let k = spans.partition_point(|s| s.end <= sp.start);
                let clash = spans.get(k).is_some_and(|s| s.overlaps(sp));
                if !clash && boundary_after(&text[sp.end..]) {
                    mentions.push(sp);
                }
            }
        }
        spans.extend(mentions);
        spans.sort();
        for sp in spans {
            let name = &text[sp.start..sp.end];
            let Some((k, (_, titles, titles_en))) =
                ids.iter().enumerate().find(|(_, (n, _, _))| n == name)
            else {
                continue;
            };
            let name_en = name_to_pinyin(name);
            let en = match titles_en.iter().find(|t| !t.is_empty()) {
                Some(t) => format!("{name_en}, {t}"),
                None => name_en.clone(),
            };
            let p = PersonFact {
                name: name.to_string(),
                name_en,
                titles: titles.clone(),
                titles_en: titles_en.clone(),
                person_id: format!("p{}", k + 1),
            };
            a.facts.push(Fact::new(text, sp, FactBody::Person(p), en));
        }
    }
}

fn boundary_before(text: &str, i: usize) -> bool {
    let head = &text[..i];
    ["，", "。", "、", "；", "：", "“", "（", "(", ",", " "]
        .iter()
        .any(|p| head.ends_with(p))
        || head.is_empty()
        || [
            "会上",
            "会议上",
            "同时",
            "其中",
            "对此",
            "随后",
            "最后",
            "此外",
            "期间",
        ]
        .iter()
        .any(|w| head.ends_with(w))
        || [
            "在", "对", "向", "由", "与", "和", "同", "把", "请", "让", "给", "为", "经", "据",
            "及",
        ]
        .iter()
        .any(|w| head.ends_with(w))
}

/// A title's written form (with the place or organisation written before it) and its English.
fn title_here(
    text: &str,
    start: usize,
    end: usize,
    t: &Title,
    places: &Places,
    facts: &[Fact],
) -> (String, String) {
    // an organisation fact ending where the title starts (市投资促进局|局长)
    if t.level == "org" {
        if let Some(org) = facts
            .iter()
            .rev()
            .find(|f| f.span.end == start && matches!(f.body, FactBody::Organization(_)))
        {
            if let FactBody::Organization(o) = &org.body {
                return (
                    text[org.span.start..end].to_string(),
                    fill_title(t.template, "org", None, places, Some(&o.name_en)),
                );
            }
        }
        return (
            t.written.to_string(),
            fill_title(t.template, "org", None, places, None),
        );
    }
    // a place written before it (广东省委书记, 中山市长)
    let head = &text[..start];
    for k in (2..=6).rev() {
        let idx: Vec<usize> = head.char_indices().map(|(i, _)| i).collect();
        if idx.len() < k {
            continue;
        }
        let s = idx[idx.len() - k];
        if let Some(p) = crate::place::lookup(&head[s..]) {
            let en = crate::place::bare_en(p.en);
            return (
                text[s..end].to_string(),
                fill_title(t.template, t.level, Some(en), places, None),
            );
        }
    }
    (
        t.written.to_string(),
        fill_title(t.template, t.level, None, places, None),
    )
}

fn fill_title(
    template: &str,
    level: &str,
    place: Option<&str>,
    places: &Places,
    org: Option<&str>,
) -> String {
    if level == "org" {
        return match org {
            Some(o) => template.replace("{org}", &format!("the {o}")),
            None => template.trim_end_matches(" of {org}").to_string(),
        };
    }
    fill(template, level, place, places)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_ends_at_followers() {
        let t = "郭文海出席会议";
        assert_eq!(name_at(t, 0), Some("郭文海".len()));
        let t = "王明和李华出席";
        assert_eq!(name_at(t, 0), Some("王明".len()));
    }
}
