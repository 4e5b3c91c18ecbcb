//! The term glossary: Chinese policy language in its official English (`data/terms.tsv`),
//! extended or overridden by a user's glossary at run time. Used wherever a Chinese noun
//! phrase needs English: organisation and document names, indicator subjects, headlines.
//!
//! `render` writes a phrase word by word: the longest glossary entry at each position,
//! else a place's English, else the jieba word's gloss from `data/cedict.tsv` (80,000
//! common words, generated from CC-CEDICT, CC BY-SA 4.0, by `tools/gen_cedict_gloss.py`),
//! else its pinyin. Only glossary and place renderings count as known; a user adds a term to
//! their glossary to fix the rest.

use crate::person::pinyin::{capitalise, data_rows, given_char, join_syllables};
use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};

const TERMS_TSV: &str = include_str!("data/terms.tsv");
const CEDICT_TSV: &str = include_str!("data/cedict.tsv");

/// The dictionary fallback: one gloss per word.
fn cedict(word: &str) -> Option<&'static str> {
    static D: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    D.get_or_init(|| {
        CEDICT_TSV
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once('\t'))
            .collect()
    })
    .get(word)
    .copied()
}

struct Glossary {
    terms: HashMap<String, String>,
    /// The lengths (in characters) that terms have, longest first: only these are tried.
    lengths: Vec<usize>,
}

impl Glossary {
    fn insert(&mut self, zh: &str, en: &str) {
        let n = zh.chars().count();
        if !self.lengths.contains(&n) {
            self.lengths.push(n);
            self.lengths.sort_unstable_by(|a, b| b.cmp(a));
        }
        self.terms.insert(zh.to_string(), en.to_string());
    }
}

fn glossary() -> &'static RwLock<Glossary> {
    static G: OnceLock<RwLock<Glossary>> = OnceLock::new();
    G.get_or_init(|| {
        let mut g = Glossary {
            terms: HashMap::new(),
            lengths: Vec::new(),
        };
        for r in data_rows(TERMS_TSV) {
            if let Some(en) = r.get(1) {
                g.insert(r[0], en);
            }
        }
        RwLock::new(g)
    })
}

/// Adds a user glossary (`Chinese<TAB>English` per line, `#` comments); its entries win.
/// Returns how many entries were read.
pub fn extend(tsv: &str) -> usize {
    let mut g = glossary().write().unwrap_or_else(|e| e.into_inner());
    let mut n = 0;
    for line in tsv.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some((zh, en)) = line.split_once('\t') {
            let (zh, en) = (zh.trim(), en.trim());
            if !zh.is_empty() && !en.is_empty() {
                g.insert(zh, en);
                n += 1;
            }
        }
    }
    n
}

/// The glossary's English for exactly this term.
pub fn lookup(zh: &str) -> Option<String> {
    glossary().read().ok()?.terms.get(zh).cloned()
}

/// Pinyin of a word, capitalised, syllables joined (for names the glossary lacks).
pub fn pinyin_word(zh: &str) -> String {
    capitalise(&join_syllables(
        zh.chars()
            .map(|c| given_char(c).unwrap_or_else(|| c.to_string())),
    ))
}

/// English of a phrase, word by word: longest glossary matches first, then jieba words
/// (known places by their gazetteer English), else pinyin. Returns the English and whether
/// every part was known.
const ACTIONS_TSV: &str = include_str!("data/actions.tsv");

fn actions() -> &'static Vec<(&'static str, &'static str)> {
    static A: std::sync::OnceLock<Vec<(&'static str, &'static str)>> = std::sync::OnceLock::new();
    A.get_or_init(|| {
        let mut v: Vec<(&str, &str)> = ACTIONS_TSV
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| l.split_once('\t'))
            .collect();
        v.sort_by_key(|(zh, _)| std::cmp::Reverse(zh.len()));
        v
    })
}

/// The English of an action noun from `data/actions.tsv`, ending in its preposition
/// (数字化转型 → "digital transformation of").
pub fn action(zh: &str) -> Option<&'static str> {
    actions().iter().find(|(a, _)| *a == zh).map(|(_, en)| *en)
}

/// A noun phrase in English word order: the glossary's rendering when it holds the phrase
/// whole, else an action noun at its end opens the English (工业用地提质增效 → "improving the
/// quality and efficiency of industrial land"), else [`render`].
pub fn render_phrase(zh: &str) -> (String, bool) {
    if let Some(en) = lookup(zh) {
        return (en, true);
    }
    // a counted head: …两场攻坚战 → "the two tough battles of …"
    for (head, one, many) in [
        ("攻坚战", "tough battle", "tough battles"),
        ("行动", "campaign", "campaigns"),
        ("工程", "project", "projects"),
    ] {
        let Some(rest) = zh.strip_suffix(head) else {
            continue;
        };
        let mut rest = rest.trim_end_matches(['场', '项', '个', '大']);
        let mut count = None;
        if let Some(c) = rest.chars().next_back() {
            let n = match c {
                '两' | '二' => Some("two"),
                '三' => Some("three"),
                '四' => Some("four"),
                '五' => Some("five"),
                '六' => Some("six"),
                '十' => Some("ten"),
                _ => None,
            };
            if n.is_some() {
                count = n;
                rest = &rest[..rest.len() - c.len_utf8()];
            }
        }
        if rest.chars().count() >= 2 {
            let (rest_en, known) = render_phrase(rest);
            let en = match count {
                Some(n) => format!("the {n} {many} of {rest_en}"),
                None => format!("the {one} of {rest_en}"),
            };
            return (en, known);
        }
    }
    // two action phrases joined: A改造提升和B治理 → "renovation and upgrading of A and control of B"
    for and in ['和', '与', '及', '暨'] {
        if let Some((a, b)) = zh.split_once(and) {
            let ends_in_action = |x: &str| actions().iter().any(|(act, _)| x.ends_with(act));
            if a.chars().count() >= 3
                && b.chars().count() >= 3
                && ends_in_action(a)
                && ends_in_action(b)
            {
                let (a_en, ka) = render_phrase(a);
                let (b_en, kb) = render_phrase(b);
                return (format!("{a_en} and {b_en}"), ka && kb);
            }
        }
    }
    for (act, en) in actions() {
        if let Some(head) = zh.strip_suffix(act) {
            let head = head.trim_end_matches('的');
            if head.chars().count() >= 2 {
                let (head_en, known) = render_phrase(head);
                return (format!("{en} {head_en}"), known);
            }
        }
    }
    render(zh)
}

pub fn render(zh: &str) -> (String, bool) {
    let g = glossary().read().unwrap_or_else(|e| e.into_inner());
    let chars: Vec<(usize, char)> = zh.char_indices().collect();
    let mut out: Vec<String> = Vec::new();
    let mut all_known = true;
    let mut i = 0;
    while i < chars.len() {
        let mut hit = None;
        let left = chars.len() - i;
        // glossary terms, longest first, at the lengths terms have
        for &len in g.lengths.iter().filter(|&&l| l <= left) {
            let s = chars[i].0;
            let e = chars.get(i + len).map_or(zh.len(), |c| c.0);
            if let Some(en) = g.terms.get(&zh[s..e]) {
                hit = Some((len, en.clone()));
                break;
            }
        }
        // else a place name (2 to 8 characters)
        if hit.is_none() {
            for len in (2..=8.min(left)).rev() {
                let s = chars[i].0;
                let e = chars.get(i + len).map_or(zh.len(), |c| c.0);
                if let Some(p) = crate::place::lookup(&zh[s..e]) {
                    hit = Some((len, p.en.to_string()));
                    break;
                }
            }
        }
        match hit {
            Some((len, en)) => {
                out.push(en);
                i += len;
            }
            None => {
                // the jieba word starting here, in pinyin
                let rest = &zh[chars[i].0..];
                let word = crate::segment::words(rest)
                    .into_iter()
                    .next()
                    .unwrap_or(rest);
                let n = word.chars().count().max(1);
                if matches!(word, "的" | "地" | "得" | "了" | "之") {
                    // particles have no English of their own
                } else if word.chars().all(|c| c.is_ascii_alphanumeric()) {
                    out.push(word.to_string());
                } else if word.chars().any(crate::page::is_han) {
                    all_known = false;
                    match cedict(word) {
                        Some(en) if n > 1 => out.push(en.to_string()),
                        _ => out.push(pinyin_word(word)),
                    }
                }
                i += n;
            }
        }
    }
    (join_phrases(&out), all_known)
}

/// Joins rendered parts with spaces, and with "and" between two verb phrases in a row
/// (加快推进新型工业化 + 高质量建设制造强市 → "accelerating new industrialization and
/// building a strong manufacturing city …").
fn join_phrases(parts: &[String]) -> String {
    let gerund = |s: &str| {
        s.split_whitespace()
            .next()
            .is_some_and(|w| w.len() > 4 && w.ends_with("ing"))
    };
    let mut out = String::new();
    let mut seen_gerund = false;
    for p in parts {
        if !out.is_empty() {
            if gerund(p) && seen_gerund && !out.ends_with(" and") {
                out.push_str(" and");
            }
            out.push(' ');
        }
        seen_gerund |= gerund(p);
        out.push_str(p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_and_fallback() {
        assert_eq!(
            lookup("新型工业化").as_deref(),
            Some("new industrialization")
        );
        assert_eq!(
            render("优化营商环境").0,
            "optimizing the business environment"
        );
        assert_eq!(
            render("中山市高质量发展"),
            ("Zhongshan high-quality development".to_string(), true)
        );
        // (not the term user_glossary_wins adds: tests share the glossary)
        let (en, known) = render("舞龙赛");
        assert!(!known && !en.is_empty());
        // words outside the glossary: the dictionary's gloss, else pinyin; never "known"
        assert_eq!(cedict("水质"), Some("water quality"));
        let (en, known) = render("鱼塘水质");
        assert!(!known && en.contains("water quality"), "{en}");
    }

    #[test]
    fn the_term_file_is_clean() {
        let mut seen = std::collections::HashSet::new();
        let mut n = 0;
        for (i, line) in TERMS_TSV.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 2, "terms.tsv:{}: {line:?}", i + 1);
            assert!(
                f.iter().all(|x| !x.is_empty() && x.trim() == *x),
                "terms.tsv:{}: {line:?}",
                i + 1
            );
            assert!(seen.insert(f[0]), "terms.tsv:{}: {} twice", i + 1, f[0]);
            assert!(
                !f[1].chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "terms.tsv:{}: Chinese in the English",
                i + 1
            );
            n += 1;
        }
        // the issue asks for thousands of terms written by hand
        assert!(n >= 2000, "{n} terms");
    }

    #[test]
    fn official_renderings() {
        for (zh, en) in [
            (
                "规上工业企业",
                "industrial enterprises above designated size",
            ),
            ("黑臭水体", "black and odorous water bodies"),
            ("海绵城市", "sponge city"),
            ("雨污分流", "separation of rainwater and sewage"),
            ("新质生产力", "new quality productive forces"),
            ("专精特新企业", "specialized and sophisticated enterprises"),
            ("河长制", "river chief system"),
            ("社会消费品零售总额", "total retail sales of consumer goods"),
            ("城镇调查失业率", "surveyed urban unemployment rate"),
            ("碳达峰", "carbon peaking"),
            (
                "放管服",
                "streamlining administration, delegating powers, and improving regulation and services",
            ),
            ("全过程人民民主", "whole-process people's democracy"),
        ] {
            assert_eq!(lookup(zh).as_deref(), Some(en), "{zh}");
        }
    }

    #[test]
    fn phrases_in_english_order() {
        assert_eq!(
            render_phrase("工业用地提质增效").0,
            "improving the quality and efficiency of industrial land"
        );
        assert_eq!(
            render_phrase("村级工业园改造").0,
            "renovation of village-level industrial parks"
        );
        assert_eq!(
            render_phrase("低效村镇工业园改造提升和水污染治理两场攻坚战").0,
            "the two tough battles of renovation and upgrading of inefficient village and town industrial parks and water pollution control"
        );
        // the glossary's whole phrase wins
        assert_eq!(render_phrase("数字化转型").0, "digital transformation");
        assert_eq!(render_phrase("高质量发展").0, "high-quality development");
    }

    #[test]
    fn user_glossary_wins() {
        assert_eq!(
            extend("# mine\n醒狮赛\tlion dance contest\n\nbad line\n"),
            1
        );
        assert_eq!(render("醒狮赛"), ("lion dance contest".to_string(), true));
    }
}
