//! Chinese personal names in pinyin, surname first, given name joined: 郭文海 → Guo Wenhai,
//! 欧阳明华 → Ouyang Minghua, 单新亮 → Shan Xinliang. Surname readings come from
//! `data/surnames.tsv`; polyphonic characters in given names from `data/given_readings.tsv`;
//! every other character from the `pinyin` crate.

use pinyin::ToPinyin;
use std::collections::HashMap;
use std::sync::OnceLock;

const SURNAMES_TSV: &str = include_str!("data/surnames.tsv");
const GIVEN_TSV: &str = include_str!("data/given_readings.tsv");

/// A surname from the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Surname {
    pub hanzi: &'static str,
    pub pinyin: &'static str,
    /// 1 very common, 2 common, 3 rare.
    pub class: u8,
}

struct Tables {
    surnames: HashMap<&'static str, Surname>,
    /// The first character of every surname, sorted: most characters start none, and a
    /// binary search is cheaper than hashing.
    starts: Vec<char>,
    given: HashMap<char, &'static str>,
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        let mut surnames = HashMap::new();
        for row in data_rows(SURNAMES_TSV) {
            let (hanzi, pinyin) = (row[0], row.get(1).copied().unwrap_or(""));
            let class = row.get(2).and_then(|c| c.parse().ok()).unwrap_or(3);
            surnames.entry(hanzi).or_insert(Surname {
                hanzi,
                pinyin,
                class,
            });
        }
        let mut given = HashMap::new();
        for row in data_rows(GIVEN_TSV) {
            if let (Some(c), Some(p)) = (row[0].chars().next(), row.get(1)) {
                given.insert(c, *p);
            }
        }
        let mut starts: Vec<char> = surnames.keys().filter_map(|s| s.chars().next()).collect();
        starts.sort_unstable();
        starts.dedup();
        Tables {
            surnames,
            starts,
            given,
        }
    })
}

/// Rows of a TSV data file: comments (`#`) and blank lines skipped, fields split on tabs.
pub(crate) fn data_rows(tsv: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    tsv.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').map(str::trim).collect())
}

/// The surname that `name` starts with, longest (compound) first.
pub fn surname_of(name: &str) -> Option<Surname> {
    // called at every character of every article: no allocation
    let t = tables();
    let mut chars = name.chars();
    let first = chars.next()?;
    if t.starts.binary_search(&first).is_err() {
        return None;
    }
    let one = first.len_utf8();
    if let Some(c) = chars.next() {
        if let Some(s) = t.surnames.get(&name[..one + c.len_utf8()]) {
            return Some(*s);
        }
    }
    t.surnames.get(&name[..one]).copied()
}

/// Every surname in the table (for tests and for the name rules).
pub fn surnames() -> impl Iterator<Item = Surname> {
    tables().surnames.values().copied()
}

/// The pinyin of one character as read in a given name (lower case, no tone), if it is a
/// Chinese character.
pub fn given_char(c: char) -> Option<String> {
    if let Some(p) = tables().given.get(&c) {
        return Some((*p).to_string());
    }
    c.to_pinyin().map(|p| p.plain().replace('v', "ü"))
}

/// Romanises a Chinese personal name: surname first, given name joined, both capitalised.
/// Characters without a reading (Latin letters, digits) are kept as they are.
pub fn name_to_pinyin(name: &str) -> String {
    let name = name.trim();
    let (surname, rest) = match surname_of(name) {
        Some(s) => (s.pinyin.to_string(), &name[s.hanzi.len()..]),
        None => {
            let mut chars = name.chars();
            let first = chars
                .next()
                .map(|c| given_char(c).unwrap_or_else(|| c.to_string()));
            (capitalise(&first.unwrap_or_default()), chars.as_str())
        }
    };
    let given = join_syllables(
        rest.chars()
            .map(|c| given_char(c).unwrap_or_else(|| c.to_string())),
    );
    if given.is_empty() {
        surname
    } else {
        format!("{surname} {}", capitalise(&given))
    }
}

/// Joins syllables into one word, with an apostrophe before a syllable that starts with
/// a, o or e (Xi'an, Jian'an), as pinyin orthography requires.
pub fn join_syllables(syllables: impl Iterator<Item = String>) -> String {
    let mut out = String::new();
    for s in syllables {
        if !out.is_empty() && s.starts_with(['a', 'o', 'e']) {
            out.push('\'');
        }
        out.push_str(&s);
    }
    out
}

pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for (zh, en) in [
            ("郭文海", "Guo Wenhai"),
            ("肖展欣", "Xiao Zhanxin"),
            ("陈伟祺", "Chen Weiqi"),
            ("欧阳明华", "Ouyang Minghua"),
            ("单新亮", "Shan Xinliang"),
            ("曾志强", "Zeng Zhiqiang"),
            ("解明远", "Xie Mingyuan"),
            ("司马晓东", "Sima Xiaodong"),
            ("万俟长风", "Moqi Changfeng"),
            ("吕女士", "Lü Nüshi"),
            ("王建安", "Wang Jian'an"),
        ] {
            assert_eq!(name_to_pinyin(zh), en, "{zh}");
        }
    }

    #[test]
    fn every_surname_in_the_table_reads_as_listed() {
        let mut n = 0;
        for s in surnames() {
            let full = format!("{}文", s.hanzi);
            assert_eq!(
                name_to_pinyin(&full),
                format!("{} Wen", s.pinyin),
                "{}",
                s.hanzi
            );
            assert!(
                s.pinyin.chars().next().unwrap().is_uppercase(),
                "{}",
                s.hanzi
            );
            n += 1;
        }
        assert!(n > 300, "surname table has {n} rows");
    }
}
