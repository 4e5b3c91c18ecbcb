//! Quantities: exact values, units, qualifiers and changes from every way Chinese news
//! writes a number (see `numeral`), with their English (see `english`).
//!
//! A quantity is a numeral with a unit of measure or a measure word (3.3万亩, 258家,
//! 150.5%, 六成, 0.3个百分点, 2倍, 翻一番), or a large amount whose unit the noun before it
//! implies (投资额破千亿 → yuan). Around it: a qualifier before (约, 超, 近, 不足 …) or
//! after (以上, 左右, 以内 …) or inside (一千多万), a range (12%至15%, 3-5亿元, 三四十),
//! and a change verb before it (增长, 下降 …).
//!
//! Not quantities: dates and durations (numerals before 年 月 日 时 天 周 季度 …, left
//! to the time family), ordinals (第一), codes (“4+6”, 5G, G20), numerals inside
//! lexicalised words (一鼓作气, 四套班子, 千家万户, 一成不变: jieba's dictionary knows
//! them), the indefinite 一 (一个时期, 一批项目), scale adjectives (万亩级), bare
//! numerals with no unit, and digit strings joined by hyphens (phone numbers, 文号).
//!
//! Qualifiers are defined once: `over` is strictly more than the number (超, 超过, 逾,
//! 突破, 破, 高于, and 多/余 after a numeral); `at_least` includes the number (以上, 不少于,
//! 至少); `at_most` includes it (以下, 以内, 不超过, 最多) — the reading of 以上/以下/以内
//! that Article 1259 of the Civil Code gives; `under` is strictly less (不足, 不到, 低于,
//! 少于); `nearly` is just under (近, 将近, 接近); `about` either side (约, 大约, 左右, 上下).

pub mod english;
pub mod numeral;

use crate::model::{Article, Fact, FactBody, Span};
use crate::person::pinyin::data_rows;
use crate::pipeline::{Context, Stage};
use numeral::{Dec, Num, Script};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::OnceLock;

const UNITS_TSV: &str = include_str!("data/units.tsv");
const UNITS_EN_TSV: &str = include_str!("data/units_en.tsv");
const NOUNS_TSV: &str = include_str!("data/nouns.tsv");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    Exact,
    About,
    Over,
    Under,
    AtLeast,
    AtMost,
    Nearly,
    Range,
}

impl Qualifier {
    fn en(self) -> &'static str {
        match self {
            Qualifier::Exact | Qualifier::Range => "",
            Qualifier::About => "about ",
            Qualifier::Over => "over ",
            Qualifier::Under => "less than ",
            Qualifier::AtLeast => "at least ",
            Qualifier::AtMost => "up to ",
            Qualifier::Nearly => "nearly ",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Increase,
    Decrease,
}

/// The body of a `quantity` fact.
#[derive(Debug, Clone, Serialize)]
pub struct Quantity {
    pub value: Num,
    pub unit: String,
    pub classifier: Option<String>,
    pub qualifier: Qualifier,
    pub value_max: Option<Num>,
    pub change: Option<Change>,
    /// What a count counts, where the text says (企业 in 512家规上工业企业 → 规上工业企业).
    pub noun: Option<String>,
    pub noun_en: Option<String>,
}

struct Unit {
    written: Vec<char>,
    code: &'static str,
    factor: Dec,
    classifier: bool,
}

/// A counted noun: (characters, written, English singular, English plural).
type Noun = (Vec<char>, &'static str, &'static str, &'static str);

struct Tables {
    /// by first character, longest first
    units: HashMap<char, Vec<Unit>>,
    en: HashMap<&'static str, (&'static str, &'static str)>,
    nouns: HashMap<char, Vec<Noun>>,
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        let mut units: HashMap<char, Vec<Unit>> = HashMap::new();
        for r in data_rows(UNITS_TSV) {
            let written: Vec<char> = r[0].chars().collect();
            let Some(&first) = written.first() else {
                continue;
            };
            let factor = r.get(2).and_then(|f| Dec::parse(f)).unwrap_or(Dec::int(1));
            let classifier = r.get(3).is_some_and(|c| *c == "cls");
            units.entry(first).or_default().push(Unit {
                written,
                code: r[1],
                factor,
                classifier,
            });
        }
        for v in units.values_mut() {
            v.sort_by_key(|u| std::cmp::Reverse(u.written.len()));
        }
        let en = data_rows(UNITS_EN_TSV)
            .map(|r| {
                (
                    r[0],
                    (
                        r.get(1).copied().unwrap_or(""),
                        r.get(2).copied().unwrap_or(""),
                    ),
                )
            })
            .collect();
        let mut nouns: HashMap<char, Vec<_>> = HashMap::new();
        for r in data_rows(NOUNS_TSV) {
            let w: Vec<char> = r[0].chars().collect();
            if let (Some(&f), Some(s), Some(p)) = (w.first(), r.get(1), r.get(2)) {
                nouns.entry(f).or_default().push((w, r[0], *s, *p));
            }
        }
        for v in nouns.values_mut() {
            v.sort_by_key(|n| std::cmp::Reverse(n.0.len()));
        }
        Tables { units, en, nouns }
    })
}

/// Units (written forms) after which a numeral is a date, time or duration.
const TIME_UNITS: &[&str] = &[
    "年",
    "月",
    "日",
    "号",
    "时",
    "分",
    "秒",
    "天",
    "周",
    "小时",
    "个月",
    "个多月",
    "个半月",
    "个小时",
    "个工作日",
    "个季度",
    "季度",
    "世纪",
    "年代",
    "岁",
    "周岁",
    "届",
    "期",
    "版",
    "点",
    "旬",
    "夜",
    "晚",
    "辈子",
    "代",
];

const PREFIX_QUALIFIERS: &[(&str, Qualifier, bool)] = &[
    // (word, qualifier, part of the fact's text)
    ("不少于", Qualifier::AtLeast, true),
    ("不低于", Qualifier::AtLeast, true),
    ("不超过", Qualifier::AtMost, true),
    ("不高于", Qualifier::AtMost, true),
    ("大约", Qualifier::About, true),
    ("大概", Qualifier::About, true),
    ("约为", Qualifier::About, true),
    ("超过", Qualifier::Over, true),
    ("突破", Qualifier::Over, true),
    ("高于", Qualifier::Over, true),
    ("多于", Qualifier::Over, true),
    ("将近", Qualifier::Nearly, true),
    ("接近", Qualifier::Nearly, true),
    ("不足", Qualifier::Under, true),
    ("不到", Qualifier::Under, true),
    ("低于", Qualifier::Under, true),
    ("少于", Qualifier::Under, true),
    ("至少", Qualifier::AtLeast, true),
    ("最少", Qualifier::AtLeast, true),
    ("最多", Qualifier::AtMost, true),
    ("至多", Qualifier::AtMost, true),
    ("达到", Qualifier::Exact, false),
    ("多达", Qualifier::Exact, false),
    ("高达", Qualifier::Exact, false),
    ("约", Qualifier::About, true),
    ("超", Qualifier::Over, true),
    ("逾", Qualifier::Over, true),
    ("破", Qualifier::Over, true),
    ("近", Qualifier::Nearly, true),
    ("达", Qualifier::Exact, false),
];

const SUFFIX_QUALIFIERS: &[(&str, Qualifier)] = &[
    ("以上", Qualifier::AtLeast),
    ("以下", Qualifier::AtMost),
    ("以内", Qualifier::AtMost),
    ("左右", Qualifier::About),
    ("上下", Qualifier::About),
];

const INCREASE: &[&str] = &[
    "增长", "增加", "提高", "提升", "上升", "上涨", "攀升", "扩大", "增", "涨", "升",
];
const DECREASE: &[&str] = &[
    "下降", "减少", "降低", "下跌", "下滑", "回落", "缩小", "压减", "减", "降", "跌",
];

/// Nouns whose amount is money, so that 投资额破千亿 is yuan without 元.
const MONEY_NOUNS: &[&str] = &[
    "投资额",
    "投资",
    "营收",
    "营业收入",
    "收入",
    "产值",
    "总额",
    "金额",
    "资金",
    "税收",
    "生产总值",
    "GDP",
    "销售额",
    "出口额",
    "进口额",
    "进出口额",
    "进出口",
    "增加值",
    "利润",
    "贷款",
    "存款",
    "融资",
    "预算",
    "支出",
    "交易额",
    "成交额",
    "营业额",
    "市值",
    "规模",
];

/// Words with 成 that are no percentage (三成为 → 成为).
const CHENG_WORDS: &[char] = &[
    '立', '功', '本', '员', '果', '熟', '效', '长', '绩', '交', '型', '套', '品', '都', '就',
];

const RANGE_SEPS: &[char] = &['至', '到', '-', '—', '–', '~', '～', '－'];

/// One char of a sentence with its byte offset in the article text.
type C = (usize, char);

/// The quantity stage: runs the rules over every sentence of an article.
pub struct Quantities;

impl Stage for Quantities {
    fn name(&self) -> &'static str {
        "quantities"
    }
    fn run(&self, a: &mut Article, _: &Context) {
        let mut facts = Vec::new();
        for &s in &a.sentences {
            let lo = a.tokens.partition_point(|t| t.end <= s.start);
            let hi = a.tokens.partition_point(|t| t.start < s.end);
            for (span, q) in extract(&a.text, s, &a.tokens[lo..hi]) {
                let en = q.english();
                facts.push(Fact::new(&a.text, span, FactBody::Quantity(q), en));
            }
        }
        a.facts.extend(facts);
    }
}

/// Finds the quantities in `text[sentence]`; `tokens` are the jieba words of that span.
pub fn extract(text: &str, sentence: Span, tokens: &[Span]) -> Vec<(Span, Quantity)> {
    let cs: Vec<C> = text[sentence.start..sentence.end]
        .char_indices()
        .map(|(i, c)| (sentence.start + i, c))
        .collect();
    let chars = plain(&cs);
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        // only characters that can begin a quantity are worth a closer look
        let c = chars[i];
        if !(is_numeral_start(c) || matches!(c, '翻' | '百' | '千' | '万')) {
            i += 1;
            continue;
        }
        match match_at(&cs, &chars, i, tokens, sentence.end) {
            Step::Found(m) => {
                i = m.end;
                out.push((*m).into_fact(&cs, sentence.end));
            }
            Step::Skip(n) => i = n.max(i + 1),
        }
    }
    out
}

enum Step {
    Found(Box<Match>),
    Skip(usize),
}

struct Match {
    start: usize,
    end: usize,
    q: Quantity,
}

impl Match {
    fn into_fact(self, cs: &[C], sentence_end: usize) -> (Span, Quantity) {
        let b = |i: usize| cs.get(i).map_or(sentence_end, |c| c.0);
        (Span::new(b(self.start), b(self.end)), self.q)
    }
}

fn chars_eq(cs: &[C], at: usize, w: &str) -> bool {
    w.chars()
        .enumerate()
        .all(|(k, c)| cs.get(at + k).map(|x| x.1) == Some(c))
}

/// True when `w` ends right before char index `at`.
fn ends_with_at(cs: &[C], at: usize, w: &str) -> bool {
    let n = w.chars().count();
    at >= n && chars_eq(cs, at - n, w)
}

fn plain(cs: &[C]) -> Vec<char> {
    cs.iter().map(|c| c.1).collect()
}

/// The tokens (sorted, non-overlapping) that overlap bytes `start..end`, found by binary
/// search: this runs for every candidate numeral, so a scan would make long sentences
/// quadratic.
fn overlapping(tokens: &[Span], start: usize, end: usize) -> &[Span] {
    let lo = tokens.partition_point(|t| t.end <= start);
    let hi = tokens.partition_point(|t| t.start < end);
    &tokens[lo..hi.max(lo)]
}

/// True when no token crosses byte offset `b` (it is a word boundary).
fn boundary(tokens: &[Span], b: usize) -> bool {
    !overlapping(tokens, b, b + 1)
        .iter()
        .any(|t| t.start < b && b < t.end)
}

/// True when a token starts exactly at byte offset `b`.
fn token_starts_at(tokens: &[Span], b: usize) -> bool {
    overlapping(tokens, b, b + 1).iter().any(|t| t.start == b)
}

fn is_numeral_start(c: char) -> bool {
    numeral::arabic_digit(c).is_some()
        || numeral::zh_digit(c).is_some()
        || numeral::zh_small_unit(c).is_some()
}

fn is_numeral_char(c: char) -> bool {
    is_numeral_start(c) || numeral::zh_big_unit(c).is_some() || matches!(c, '.' | '．' | ',' | '点')
}

fn match_unit(cs: &[char], at: usize) -> Option<&'static Unit> {
    let first = *cs.get(at)?;
    tables()
        .units
        .get(&first)?
        .iter()
        .find(|u| cs[at..].starts_with(&u.written))
}

/// True when a date/time/duration word starts at `at` and no longer unit of measure does
/// (日元 is money, 日 a day; 个月 a duration, 个 a measure word).
fn starts_time_unit(cs: &[char], at: usize) -> bool {
    static UNITS: OnceLock<Vec<Vec<char>>> = OnceLock::new();
    let units = UNITS.get_or_init(|| TIME_UNITS.iter().map(|u| u.chars().collect()).collect());
    let time = units
        .iter()
        .filter(|u| cs[at..].starts_with(u))
        .map(|u| u.len())
        .max();
    match time {
        None => false,
        Some(t) => match_unit(cs, at).is_none_or(|u| u.written.len() <= t),
    }
}

fn match_at(cs: &[C], chars: &[char], i: usize, tokens: &[Span], sentence_end: usize) -> Step {
    let c = chars[i];
    let prev = i.checked_sub(1).map(|p| chars[p]);

    // 翻一番 / 翻两番 / 翻番
    if c == '翻' {
        let mut k = i + 1;
        if chars.get(k) == Some(&'了') {
            k += 1;
        }
        let times = match (chars.get(k), chars.get(k + 1)) {
            (Some('番'), _) => Some((2, k + 1)),
            (Some(d), Some('番')) => numeral::zh_digit(*d).map(|n| (2i128.pow(n), k + 2)),
            _ => None,
        };
        if let Some((t, end)) = times {
            let q = Quantity {
                value: Num::Dec(Dec::int(t)),
                unit: "times".into(),
                classifier: None,
                qualifier: Qualifier::Exact,
                value_max: None,
                change: Some(Change::Increase),
                noun: None,
                noun_en: None,
            };
            return Step::Found(Box::new(Match { start: i, end, q }));
        }
        return Step::Skip(i + 1);
    }

    // 百分之 / 千分之 / N分之M
    if let Some((num, den_pow_or_den, len)) = fraction_prefix(chars, i) {
        return match den_pow_or_den {
            FractionKind::Percent(unit) => {
                let (start, qual, change) = prefix(cs, i, tokens);
                let mut end = i + len;
                let (qual, e2) = suffix(chars, end, qual);
                end = e2;
                Step::Found(Box::new(Match {
                    start,
                    end,
                    q: simple(num, unit, qual, change),
                }))
            }
            FractionKind::Ratio(n, d) => {
                let (start, qual, change) = prefix(cs, i, tokens);
                let mut q = simple(Dec::ZERO, "fraction", qual, change);
                q.value = Num::Ratio(n as f64 / d as f64);
                q.noun = Some(format!("{n}/{d}"));
                Step::Found(Box::new(Match {
                    start,
                    end: i + len,
                    q,
                }))
            }
        };
    }

    if !is_numeral_start(c) {
        return Step::Skip(i + 1);
    }
    // inside a longer numeral or an alphanumeric code
    let prev2 = i.checked_sub(2).map(|p| chars[p]);
    let glued = |p: char| {
        if p == ',' || p == '.' {
            prev2.is_some_and(|q| numeral::arabic_digit(q).is_some())
        } else {
            is_numeral_char(p)
        }
    };
    if prev
        .is_some_and(|p| glued(p) || p.is_ascii_alphabetic() || p == '+' || p == '第' || p == '/')
    {
        return Step::Skip(skip_numeral(chars, i));
    }

    // 三四十, 两三个, 七八万: adjacent digits as a range
    if let Some(m) = adjacent_range(cs, chars, i, tokens) {
        return m;
    }

    let Some(mut n) = numeral::read(&chars[i..]) else {
        return Step::Skip(skip_numeral(chars, i));
    };
    let mut end = i + n.len;
    let skip_all = Step::Skip(end);

    // codes and dates
    match chars.get(end) {
        Some(&nc) if nc.is_ascii_alphabetic() || nc == '+' || nc == '级' => return skip_all,
        Some('-' | '－' | '/' | '.') if n.script == Script::Arabic && n.value.is_integer() => {
            // 2023-12-25, 0760-8888, 3-5亿元 (a range, handled below)
            let after = numeral::read(&chars[end + 1..]);
            let dateish = chars[i..end].len() == 4
                || after.as_ref().is_some_and(|a| a.len >= 4 && a.digit_string);
            if dateish {
                return Step::Skip(end + 1 + after.map_or(0, |a| a.len));
            }
        }
        _ => {}
    }
    // 3千米 is 3 km, 5.2百分点 is 5.2 points: a trailing 千/百 that begins a unit belongs to it
    if end > i + 1 && matches!(chars[end - 1], '千' | '百') {
        if let Some(v) = match_unit(chars, end - 1).and_then(|_| numeral::eval(&chars[i..end - 1]))
        {
            n.value = v;
            n.len -= 1;
            end -= 1;
        }
    }
    if starts_time_unit(chars, end) {
        return skip_all;
    }

    // 多/余 right after the numeral: 1000多家, 300余人 (3个多月 is a duration)
    let mut more = n.more;
    if matches!(chars.get(end), Some('多' | '余')) {
        let k = end + 1;
        if starts_time_unit(chars, k) {
            return Step::Skip(k);
        }
        if match_unit(chars, k).is_some() {
            more = true;
            end = k;
        }
    }

    // a range: 3-5亿元, 3万至5万亩, 100到200家
    let mut range_max: Option<(numeral::Numeral, usize)> = None;
    if let Some(&sep) = chars.get(end) {
        if RANGE_SEPS.contains(&sep) {
            if let Some(n2) = chars
                .get(end + 1)
                .filter(|c| is_numeral_start(**c))
                .and_then(|_| numeral::read(&chars[end + 1..]))
            {
                let e2 = end + 1 + n2.len;
                if match_unit(chars, e2).is_some() && !starts_time_unit(chars, e2) {
                    range_max = Some((n2, e2));
                } else if starts_time_unit(chars, e2) {
                    return Step::Skip(e2);
                }
            }
        }
    }
    if let Some((n2, e2)) = &range_max {
        // 3-5亿 → the scale of the second applies to the first
        let last2 = chars[e2 - 1];
        if let Some(p) = numeral::zh_big_unit(last2) {
            if !chars[i..i + n.len]
                .iter()
                .any(|c| numeral::zh_big_unit(*c).is_some())
            {
                if let Some(v) = n.value.shift(p) {
                    n.value = v;
                }
            }
        }
        let _ = n2;
        end = *e2;
    }

    let unit = match_unit(chars, end);
    // 10%至15%: second numeral after the unit
    if let (Some(u), None) = (unit, &range_max) {
        let after_unit = end + u.written.len();
        if let Some(&sep) = chars.get(after_unit) {
            if RANGE_SEPS.contains(&sep)
                && chars
                    .get(after_unit + 1)
                    .is_some_and(|c| is_numeral_start(*c))
            {
                if let Some(n2) = numeral::read(&chars[after_unit + 1..]) {
                    let e2 = after_unit + 1 + n2.len;
                    if match_unit(chars, e2).is_some_and(|u2| u2.code == u.code) {
                        range_max = Some((n2, e2));
                        end = e2;
                    }
                }
            }
        }
    }

    let Some(unit) = unit else {
        // an amount whose unit the noun implies: 投资额破千亿(大关)
        let big = chars[i..end]
            .iter()
            .any(|c| numeral::zh_big_unit(*c).is_some());
        if big && !n.bare_big_unit && money_context(chars, i) {
            let (start, qual, change) = prefix(cs, i, tokens);
            let qual = if more && qual == Qualifier::Exact {
                Qualifier::Over
            } else {
                qual
            };
            let mut e = end;
            if chars_eq(cs, e, "大关") {
                e += 2;
            }
            return Step::Found(Box::new(Match {
                start,
                end: e,
                q: simple(n.value, "CNY", qual, change),
            }));
        }
        return skip_all;
    };
    let unit_end = end + unit.written.len();
    if unit.code == "percent" && unit.factor != Dec::int(1) {
        // 成: only after a single digit, never inside 成为/成立 …
        let single = n.len == 1 || (n.len == 2 && chars[i] == '十');
        if !single || chars.get(unit_end).is_some_and(|c| CHENG_WORDS.contains(c)) {
            return skip_all;
        }
    }
    if n.bare_big_unit {
        return skip_all;
    }
    // the indefinite 一: 一个时期, 一批项目
    if n.script == Script::Chinese
        && n.value == Dec::int(1)
        && matches!(unit.code, "count" | "person")
    {
        return skip_all;
    }
    // inside a lexicalised word (一成不变, 四套班子, 十成把握); a word that starts with the
    // qualifier (近九成) is fine, and so is 成为 after a numeral (三成为财政资金)
    let (qual_start, _, _) = prefix(cs, i, tokens);
    let (b_start, b_end) = (
        cs[qual_start].0,
        cs.get(unit_end).map_or(sentence_end, |c| c.0),
    );
    let cheng_wei = unit.code == "percent" && chars.get(unit_end) == Some(&'为');
    if n.script != Script::Arabic
        && overlapping(tokens, b_start, b_end).iter().any(|t| {
            (t.start < b_start || t.end > b_end) && !(cheng_wei && t.start == cs[unit_end - 1].0)
        })
    {
        return skip_all;
    }

    let mut value = n.value.checked_mul(unit.factor).unwrap_or(n.value);
    let mut end = unit_end;
    // 七成六 = 76 percent
    if unit.code == "percent" && unit.factor != Dec::int(1) {
        if let Some(d) = chars.get(end).and_then(|c| numeral::zh_digit(*c)) {
            if !chars.get(end + 1).is_some_and(|c| is_numeral_char(*c)) {
                value = value.checked_add(Dec::int(d as i128)).unwrap_or(value);
                end += 1;
            }
        }
    }
    let (start, mut qual, change) = prefix(cs, i, tokens);
    let (q2, e2) = suffix(chars, end, qual);
    qual = q2;
    end = e2;
    if more && qual == Qualifier::Exact {
        qual = Qualifier::Over;
    }
    let mut q = simple(value, unit.code, qual, change);
    if let Some((n2, _)) = range_max {
        q.qualifier = Qualifier::Range;
        q.value_max = Some(Num::Dec(
            n2.value.checked_mul(unit.factor).unwrap_or(n2.value),
        ));
    }
    if unit.classifier {
        q.classifier = Some(unit.written.iter().collect());
    }
    // 负3% = -3 percent
    let mut start = start;
    if i > 0 && chars[i - 1] == '负' && start == i {
        q.value = Num::Dec(value.negated());
        start = i - 1;
    }
    if unit.code == "count" || unit.classifier {
        if let Some((zh, _s, _p)) = noun_near(chars, i, unit_end) {
            q.noun = Some(zh.to_string());
            q.noun_en = Some(if value == Dec::int(1) { _s } else { _p }.to_string());
        }
    }
    Step::Found(Box::new(Match { start, end, q }))
}

fn simple(value: Dec, unit: &str, qualifier: Qualifier, change: Option<Change>) -> Quantity {
    Quantity {
        value: Num::Dec(value),
        unit: unit.to_string(),
        classifier: None,
        qualifier,
        value_max: None,
        change,
        noun: None,
        noun_en: None,
    }
}

fn skip_numeral(chars: &[char], i: usize) -> usize {
    let mut k = i;
    while k < chars.len() && is_numeral_char(chars[k]) {
        k += 1;
    }
    k.max(i + 1)
}

enum FractionKind {
    Percent(&'static str),
    Ratio(u32, u32),
}

/// 百分之三十五点六, 千分之五, 三分之一 at `i`: (value, kind, chars consumed).
fn fraction_prefix(chars: &[char], i: usize) -> Option<(Dec, FractionKind, usize)> {
    let starts = |w: &str| chars[i..].starts_with(&w.chars().collect::<Vec<_>>());
    for (w, unit, shift) in [
        ("百分之", "percent", 0u32),
        ("千分之", "permille", 0),
        ("万分之", "percent", 0),
    ] {
        if starts(w) {
            let n = numeral::read(&chars[i + 3..])?;
            let v = if w == "万分之" {
                Dec {
                    m: n.value.m,
                    scale: n.value.scale + 2,
                }
                .normalize()
            } else {
                n.value.shift(shift)?
            };
            return Some((v, FractionKind::Percent(unit), 3 + n.len));
        }
    }
    // N分之M
    if i > 0 && is_numeral_char(chars[i - 1]) {
        return None;
    }
    let den = numeral::read(&chars[i..])?;
    let k = i + den.len;
    if chars.get(k) == Some(&'分') && chars.get(k + 1) == Some(&'之') {
        let num = numeral::read(&chars[k + 2..])?;
        let (d, n) = (
            u32::try_from(den.value.m).ok()?,
            u32::try_from(num.value.m).ok()?,
        );
        if den.value.is_integer() && num.value.is_integer() && d > 0 {
            return Some((Dec::ZERO, FractionKind::Ratio(n, d), den.len + 2 + num.len));
        }
    }
    None
}

fn adjacent_range(cs: &[C], chars: &[char], i: usize, tokens: &[Span]) -> Option<Step> {
    let d1 = numeral::zh_digit(chars[i])?;
    let d2 = numeral::zh_digit(*chars.get(i + 1)?)?;
    if d2 != d1 + 1 || d1 == 0 {
        return None;
    }
    let upper = numeral::read(&chars[i + 1..])?;
    let mut low: Vec<char> = vec![chars[i]];
    low.extend_from_slice(&chars[i + 2..i + 1 + upper.len]);
    let lower = numeral::eval(&low)?;
    let end = i + 1 + upper.len;
    let unit = match_unit(chars, end)?;
    if starts_time_unit(chars, end) {
        return Some(Step::Skip(end));
    }
    let (start, _, change) = prefix(cs, i, tokens);
    let mut q = simple(
        lower.checked_mul(unit.factor)?,
        unit.code,
        Qualifier::Range,
        change,
    );
    q.value_max = Some(Num::Dec(upper.value.checked_mul(unit.factor)?));
    if unit.classifier {
        q.classifier = Some(unit.written.iter().collect());
    }
    Some(Step::Found(Box::new(Match {
        start,
        end: end + unit.written.len(),
        q,
    })))
}

/// The qualifier and change verb before the numeral at `i`: (fact start, qualifier, change).
fn prefix(cs: &[C], i: usize, tokens: &[Span]) -> (usize, Qualifier, Option<Change>) {
    let mut start = i;
    let mut qual = Qualifier::Exact;
    let mut before = i;
    for (w, q, in_text) in PREFIX_QUALIFIERS {
        if ends_with_at(cs, i, w) {
            let at = i - w.chars().count();
            // the qualifier must start a word: 附近3公里 is no "nearly"
            let whole_word = token_starts_at(tokens, cs[at].0) || boundary(tokens, cs[at].0);
            if !whole_word {
                continue;
            }
            qual = *q;
            before = at;
            if *in_text {
                start = at;
            }
            break;
        }
    }
    if qual == Qualifier::Exact {
        if let Some((q, at)) = adverbial_qualifier(cs, i) {
            qual = q;
            before = at;
        }
    }
    let mut k = before;
    if k > 0 && cs[k - 1].1 == '了' {
        k -= 1;
    }
    let change = if DECREASE.iter().any(|w| ends_with_at(cs, k, w)) {
        Some(Change::Decrease)
    } else if INCREASE.iter().any(|w| ends_with_at(cs, k, w)) {
        Some(Change::Increase)
    } else {
        None
    };
    (start, qual, change)
}

/// Adverbs that qualify a number across a short verb phrase: 至少培训教师500名,
/// 约有800人, 最多补贴2000元. The gap is at most five Han characters.
const ADVERBIAL_QUALIFIERS: &[(&str, Qualifier)] = &[
    ("不少于", Qualifier::AtLeast),
    ("至少", Qualifier::AtLeast),
    ("最少", Qualifier::AtLeast),
    ("最多", Qualifier::AtMost),
    ("至多", Qualifier::AtMost),
    ("大约", Qualifier::About),
    ("约", Qualifier::About),
];

fn adverbial_qualifier(cs: &[C], i: usize) -> Option<(Qualifier, usize)> {
    for gap in 1..=5usize {
        let Some(at) = i.checked_sub(gap) else { break };
        let c = cs[at].1;
        if !crate::page::is_han(c) || is_numeral_char(c) {
            break;
        }
        for (w, q) in ADVERBIAL_QUALIFIERS {
            if ends_with_at(cs, at, w) {
                return Some((*q, at - w.chars().count()));
            }
        }
    }
    None
}

/// A qualifier after the unit: (qualifier, new end).
fn suffix(chars: &[char], end: usize, qual: Qualifier) -> (Qualifier, usize) {
    for (w, q) in SUFFIX_QUALIFIERS {
        let wc: Vec<char> = w.chars().collect();
        if chars[end..].starts_with(&wc) {
            // 上下游 is no "about"
            if *w == "上下"
                && chars
                    .get(end + 2)
                    .is_some_and(|c| matches!(c, '游' | '班' | '级' | '文' | '功'))
            {
                continue;
            }
            let q = if qual == Qualifier::Exact { *q } else { qual };
            return (q, end + wc.len());
        }
    }
    (qual, end)
}

fn money_context(chars: &[char], i: usize) -> bool {
    let from = i.saturating_sub(12);
    let window: String = chars[from..i].iter().collect();
    let window = window
        .rsplit(['，', '。', '；', ',', ';', '：'])
        .next()
        .unwrap_or("");
    MONEY_NOUNS.iter().any(|n| window.contains(n))
}

/// The noun a count counts: right after the measure word (skipping up to four modifier
/// characters), else ending within eight characters before the numeral.
fn noun_near(
    chars: &[char],
    start: usize,
    unit_end: usize,
) -> Option<(&'static str, &'static str, &'static str)> {
    let t = tables();
    let stop = |c: &char| matches!(c, '，' | '。' | '、' | '；' | '：' | ',' | '“' | '”');
    for k in unit_end..(unit_end + 5).min(chars.len()) {
        if stop(&chars[k]) {
            break;
        }
        if let Some(v) = t.nouns.get(&chars[k]) {
            if let Some(n) = v.iter().find(|n| chars[k..].starts_with(&n.0)) {
                return Some((n.1, n.2, n.3));
            }
        }
    }
    let from = start.saturating_sub(8);
    let mut best: Option<(usize, usize, (&'static str, &'static str, &'static str))> = None;
    for k in from..start {
        if stop(&chars[k]) {
            best = None;
            continue;
        }
        if let Some(v) = t.nouns.get(&chars[k]) {
            if let Some(n) = v
                .iter()
                .find(|n| k + n.0.len() <= start && chars[k..].starts_with(&n.0))
            {
                let (end, len) = (k + n.0.len(), n.0.len());
                // the noun that ends nearest the numeral, and the longest of those
                if best.is_none_or(|(be, bl, _)| end > be || (end == be && len > bl)) {
                    best = Some((end, len, (n.1, n.2, n.3)));
                }
            }
        }
    }
    best.map(|b| b.2)
}

impl Quantity {
    /// The English rendering: "over 33,000 mu (about 2,200 hectares)", "60 percent".
    pub fn english(&self) -> String {
        let one = matches!(self.value, Num::Dec(d) if d == Dec::int(1)) && self.value_max.is_none();
        let unit_word = |code: &str, one: bool| -> String {
            match tables().en.get(code) {
                Some((s, p)) => if one { s } else { p }.to_string(),
                None => code.to_string(),
            }
        };
        let num = |v: &Num| match v {
            Num::Dec(d) => english::number(*d),
            Num::Ratio(r) => english::approx(*r),
        };
        if self.unit == "fraction" {
            if let Some((n, d)) = self.noun.as_deref().and_then(|s| s.split_once('/')) {
                let f = english::fraction(n.parse().unwrap_or(0), d.parse().unwrap_or(0));
                return format!("{}{f}", self.qualifier.en());
            }
        }
        let mut amount = match &self.value_max {
            Some(max) => {
                let (lo, hi) = (num(&self.value), num(max));
                // "3 to 5 billion", not "3 billion to 5 billion"
                let lo = ["trillion", "billion", "million"]
                    .iter()
                    .find_map(|w| {
                        let sfx = format!(" {w}");
                        (lo.ends_with(&sfx) && hi.ends_with(&sfx))
                            .then(|| lo.trim_end_matches(&sfx).to_string())
                    })
                    .unwrap_or(lo);
                format!("{lo} to {hi}")
            }
            None => num(&self.value),
        };
        let word = match self.unit.as_str() {
            "count" => self.noun_en.clone().unwrap_or_default(),
            "person" => self
                .noun_en
                .clone()
                .unwrap_or_else(|| unit_word("person", one)),
            "times" => "times".to_string(),
            code => unit_word(code, one),
        };
        if !word.is_empty() {
            amount = format!("{amount} {word}");
        }
        let mut out = format!("{}{amount}", self.qualifier.en());
        if self.unit == "mu" {
            let ha = self.value.to_f64() / 15.0;
            if ha >= 1.0 && self.value_max.is_none() {
                out.push_str(&format!(" (about {} hectares)", english::approx(ha)));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Vec<(String, String, String)> {
        let mut tokens = Vec::new();
        crate::segment::tokenize_into(s, Span::new(0, s.len()), &mut tokens);
        extract(s, Span::new(0, s.len()), &tokens)
            .into_iter()
            .map(|(sp, q)| {
                (
                    s[sp.start..sp.end].to_string(),
                    serde_json::to_string(&q.value).unwrap(),
                    q.english(),
                )
            })
            .collect()
    }

    #[test]
    fn smoke() {
        assert_eq!(
            q("拆除整理低效工业用地超3.3万亩")[0].2,
            "over 33,000 mu (about 2,200 hectares)"
        );
        assert_eq!(q("推动新增投资额约940亿元")[0].2, "about 94 billion yuan");
        assert_eq!(q("黑臭河涌较央督时减少六成")[0].2, "60 percent");
        assert_eq!(q("投资额破千亿大关")[0].2, "over 100 billion yuan");
    }
}
