//! Indicators: a quantity tied to what it measures, with a status.
//!
//! The subject is the noun phrase the quantity measures, in its clause: before it
//! (已拆除整理低效工业用地|超3.3万亩), after a count's measure word (512家|规上工业企业数字化
//! 转型), or before 的 (完成省年度任务目标的|150.5%). Verbs of status and comparisons are
//! trimmed from it (已, 累计, 力争, 推动, 较央督时, 同比 …) as are times and change verbs.
//!
//! The status comes from the clause: `target` after 力争, 确保, 目标, 计划, 争取, 要 …
//! (要 only in the quantity's own clause: 要坚持 with no number is no target); `forecast`
//! after 预计, 有望, 预期; otherwise `achieved` (已, 累计, 完成, 实现, 截至 … or a report's
//! plain statement). A time in the clause gives the period (明年 → 2024; 前11月 →
//! January–November); an achieved figure without one is as of the publication date.

use crate::model::{Article, Fact, FactBody, Span};
use crate::pipeline::{Context, Stage};
use crate::quantity::Quantity;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Achieved,
    Target,
    Forecast,
}

/// The quantity inside an indicator: the quantity fact's text and body.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorQuantity {
    pub text: String,
    #[serde(flatten)]
    pub q: Quantity,
    pub en: String,
}

/// The body of an `indicator` fact.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorFact {
    pub subject: String,
    pub subject_en: String,
    /// The quantity and its subject in one English phrase (what the brief writes).
    pub phrase_en: String,
    pub quantity: IndicatorQuantity,
    pub status: Status,
    pub as_of: Option<String>,
    pub period: Option<String>,
    pub period_end: Option<String>,
    /// The place it is measured in: the article's main city (or the place in the clause).
    pub place: Option<String>,
    pub place_en: Option<String>,
}

const PARTICIPLES_TSV: &str = include_str!("data/participles.tsv");

fn participles() -> &'static Vec<(&'static str, &'static str)> {
    static P: std::sync::OnceLock<Vec<(&'static str, &'static str)>> = std::sync::OnceLock::new();
    P.get_or_init(|| {
        let mut v: Vec<_> = crate::person::pinyin::data_rows(PARTICIPLES_TSV)
            .filter(|r| r.len() >= 2)
            .map(|r| (r[0], r[1]))
            .collect();
        v.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
        v
    })
}

/// An indicator in English: "over 33,000 mu of inefficient industrial land demolished and
/// consolidated", "about 94 billion yuan in new investment", "black and odorous rivers
/// down 60 percent", "512 industrial enterprises above designated size (digital
/// transformation)".
pub fn english(subject: &str, q: &Quantity, q_en: &str) -> String {
    let whole = crate::glossary::lookup(subject);
    // a count whose noun opens or closes the subject
    if let Some(noun) = q.noun.as_deref() {
        if let Some(rest) = subject
            .strip_prefix(noun)
            .or_else(|| subject.strip_suffix(noun))
        {
            if let (Some(en), Some(noun_en)) = (&whole, q.noun_en.as_deref()) {
                // "258 enterprises" + 新招引企业 → "258 newly attracted enterprises"
                if let Some(num) = q_en.strip_suffix(noun_en) {
                    return format!("{num}{en}");
                }
            }
            let rest = rest.trim_start_matches('的');
            // 512家规上工业企业数字化转型 → "digital transformation of 512 industrial …"
            if subject.starts_with(noun) {
                if let Some(act) = crate::glossary::action(rest) {
                    return format!("{act} {q_en}");
                }
            }
            // 城中村改造项目20个 → "20 urban village redevelopment projects"
            if let (true, Some(noun_en)) = (subject.ends_with(noun), q.noun_en.as_deref()) {
                if let (Some(rest_en), Some(num)) =
                    (crate::glossary::lookup(rest), q_en.strip_suffix(noun_en))
                {
                    if !rest.is_empty() && crate::glossary::action(rest).is_none() {
                        return format!("{num}{rest_en} {noun_en}");
                    }
                }
            }
            // 引进产业项目86个 → "86 industrial projects introduced"
            if let (true, Some(noun_en)) = (subject.ends_with(noun), q.noun_en.as_deref()) {
                if let Some((verb, part)) = participles().iter().find(|(v, _)| rest.starts_with(v))
                {
                    if let Some(num) = q_en.strip_suffix(noun_en) {
                        let object = &rest[verb.len()..];
                        let object_en = if object.is_empty() {
                            String::new()
                        } else {
                            format!("{} ", crate::glossary::render(object).0)
                        };
                        // 新增 before a count is "new", not "added"
                        if *verb == "新增" {
                            return format!("{num}new {object_en}{noun_en}");
                        }
                        return format!("{num}{object_en}{noun_en} {part}");
                    }
                }
            }
            return if rest.is_empty() {
                q_en.to_string()
            } else {
                format!("{q_en} ({})", crate::glossary::render(rest).0)
            };
        }
    }
    // 建成智能工厂50家 → "50 smart factories completed"; 新增养老床位2000张 → "2,000 new …"
    if q.noun.is_none() && q.unit == "count" {
        if let Some((verb, part)) = participles().iter().find(|(v, _)| subject.starts_with(v)) {
            let object = &subject[verb.len()..];
            if object.chars().count() >= 2 {
                let object_en = crate::glossary::render(object).0;
                return if *verb == "新增" {
                    format!("{q_en} new {object_en}")
                } else {
                    format!("{q_en} {object_en} {part}")
                };
            }
        }
    }
    if let Some(change) = q.change {
        let dir = match change {
            crate::quantity::Change::Increase => "up",
            crate::quantity::Change::Decrease => "down",
        };
        return format!("{} {dir} {q_en}", crate::glossary::render(subject).0);
    }
    if whole.is_none() {
        if let Some((verb, part)) = participles().iter().find(|(v, _)| subject.starts_with(v)) {
            let object = &subject[verb.len()..];
            if !object.is_empty() && q.unit != "count" && q.unit != "percent" {
                return format!("{q_en} of {} {part}", crate::glossary::render(object).0);
            }
        }
    }
    let subject_en = whole.unwrap_or_else(|| crate::glossary::render(subject).0);
    match q.unit.as_str() {
        "CNY" | "USD" | "HKD" | "EUR" | "JPY" => format!("{q_en} in {subject_en}"),
        // a rate or share is the subject, the figure its value: "sewage treatment rate of 85 percent"
        "percent" | "percentage_point" | "permille"
            if q.change.is_none()
                && [
                    "率",
                    "比例",
                    "比重",
                    "占比",
                    "覆盖率",
                    "增速",
                    "增幅",
                    "强度",
                ]
                .iter()
                .any(|t| subject.ends_with(t)) =>
        {
            format!("{subject_en} of {q_en}")
        }
        // of the annual task, of the provincial target
        "percent" | "percentage_point"
            if ["任务", "目标", "计划", "预算"]
                .iter()
                .any(|t| subject.ends_with(t))
                && !subject_en.starts_with("the ") =>
        {
            format!("{q_en} of the {subject_en}")
        }
        "percent" | "percentage_point" => format!("{q_en} of {subject_en}"),
        "count" | "person" | "person_time" => format!("{q_en} ({subject_en})"),
        _ => format!("{q_en} of {subject_en}"),
    }
}

const TARGET_CUES: &[&str] = &[
    "力争", "确保", "目标", "计划", "争取", "要", "将", "到", "预定", "拟", "确定",
];
const FORECAST_CUES: &[&str] = &["预计", "有望", "预期", "预估"];
const LEADING_CUES: &[&str] = &[
    "于今年内",
    "今年内",
    "年底前",
    "底前",
    "该",
    "此",
    "于年内",
    "年内",
    "前完成",
    "前",
    "下一步",
    "将",
    "要",
    "现有",
    "目标是",
    "目标为",
    "目标",
    "任务是",
    "到",
    "至",
    "在",
    "全市",
    "全区",
    "全县",
    "全省",
    "全镇",
    "全国",
    "我市",
    "本市",
    "共有",
    "截至目前",
    "截至",
    "目前",
    "已经",
    "已",
    "累计",
    "共计",
    "共有",
    "共",
    "完成",
    "实现",
    "达到",
    "推动",
    "带动",
    "力争",
    "确保",
    "计划",
    "争取",
    "预计",
    "预期",
    "预估",
    "有望",
    "拟",
    "要",
    "将",
    "全年",
    "今年",
    "其中",
    "提前",
    "通过",
    "服务",
    "联动",
    "新增推动",
];
const CLAUSE_BREAKS: &[char] = &['，', '。', '；', '：', ',', ';', ':', '！', '？', '\n'];

fn clause_bounds(text: &str, s: Span) -> (usize, usize) {
    // a clause is short: look at most this far either way, so a page without punctuation
    // does not make every quantity scan all of it
    const REACH: usize = 400;
    let lo = crate::model::window_before(text, s.start, REACH);
    let hi = crate::model::window_after(text, s.end, REACH);
    let start = text[lo..s.start].rfind(CLAUSE_BREAKS).map_or(lo, |i| {
        lo + i + text[lo + i..].chars().next().map_or(1, char::len_utf8)
    });
    let mut end = text[s.end..hi]
        .find(CLAUSE_BREAKS)
        .map_or(hi, |i| s.end + i);
    // a list of quantities joined by 、 is a list of clauses (新建管网300公里、改造小区120个)
    let ends_quantity = |t: &str| {
        t.chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_digit() || c == '%' || LIST_UNIT_ENDS.contains(c))
    };
    let mut start = start;
    for (i, _) in text[start..s.start].rmatch_indices('、') {
        if ends_quantity(&text[start..start + i]) {
            start += i + '、'.len_utf8();
            break;
        }
    }
    if text[s.end..end].starts_with('、') {
        end = s.end;
    }
    (start, end)
}

/// Last characters of a quantity that a list's 、 may follow.
const LIST_UNIT_ENDS: &str = "亩个家条项所座户人元里米吨台辆套栋间处次份株棵头只倍成";

/// The subject after a count's measure word: up to the first verb, preposition or
/// particle that ends the noun phrase (8条央督河涌|已基本实现…), at most 16 characters.
fn subject_after(after: &str) -> String {
    const STOPS: &[&str] = &[
        "已", "在", "于", "将", "要", "从", "由", "向", "被", "把", "对", "“", "基本", "实现",
        "完成", "达到", "的", "和", "与", "及", "等",
    ];
    let mut end = after.len();
    for s in STOPS {
        if let Some(i) = after.find(s) {
            if i > 0 {
                end = end.min(i);
            }
        }
    }
    after[..end].chars().take(16).collect()
}

/// The status a clause's cues give: a forecast cue anywhere; else whichever comes first of
/// a target cue (力争, 确保, 目标 …, 到 + a time) and an achievement verb (已, 完成, 累计 …):
/// 确保明年完成 is a target, 提前完成…目标 an achievement.
fn status_of(cues: &str) -> Status {
    if FORECAST_CUES.iter().any(|c| cues.contains(c)) {
        return Status::Forecast;
    }
    let cues = cues.replace("达到", "达");
    let first = |words: &[&str]| words.iter().filter_map(|w| cues.find(w)).min();
    let mut target = first(
        &TARGET_CUES
            .iter()
            .copied()
            .filter(|w| *w != "到")
            .collect::<Vec<_>>(),
    );
    // 到 is a target only before a time (到2025年, 到明年, 到年底)
    for (i, _) in cues.match_indices('到') {
        let after = &cues[i + '到'.len_utf8()..];
        if after.starts_with(|c: char| c.is_ascii_digit())
            || ["明年", "年底", "年末", "本世纪"]
                .iter()
                .any(|w| after.starts_with(w))
        {
            target = Some(target.map_or(i, |t| t.min(i)));
        }
    }
    let achieved = first(ACHIEVED_CUES);
    match (target, achieved) {
        (Some(t), Some(a)) if a < t => Status::Achieved,
        (Some(_), _) => Status::Target,
        _ => Status::Achieved,
    }
}

/// The previous indicator of a sentence: (sentence index, clause end, status, period,
/// period end).
type ListState = (usize, usize, Status, Option<String>, Option<String>);

/// True when a clause carries any status cue of its own.
fn has_cue(cues: &str) -> bool {
    FORECAST_CUES.iter().any(|c| cues.contains(c))
        || TARGET_CUES
            .iter()
            .filter(|w| **w != "到")
            .any(|c| cues.contains(c))
        || ACHIEVED_CUES.iter().any(|c| cues.contains(c))
}

/// Verbs and words that state an achievement.
const ACHIEVED_CUES: &[&str] = &["已", "完成", "累计", "实现", "截至", "共有", "现有"];

/// "2024" → "2024"; "2023-01" to "2023-11" → "January–November 2023".
pub fn period_en(start: &str, end: Option<&str>) -> String {
    const M: [&str; 12] = crate::time::MONTHS;
    let month = |s: &str| -> Option<(String, usize)> {
        let (y, m) = s.split_once('-')?;
        Some((y.to_string(), m.parse().ok()?))
    };
    match (month(start), end.and_then(month)) {
        (Some((y, m1)), Some((y2, m2)))
            if y == y2 && (1..=12).contains(&m1) && (1..=12).contains(&m2) =>
        {
            format!("{}–{} {y}", M[m1 - 1], M[m2 - 1])
        }
        (Some((y, m)), None) if (1..=12).contains(&m) => format!("{} {y}", M[m - 1]),
        _ => match start.split_once("-Q") {
            // 2025-Q2 → the second quarter of 2025
            Some((y, q)) => {
                let nth = ["first", "second", "third", "fourth"];
                match q.parse::<usize>().ok().filter(|q| (1..=4).contains(q)) {
                    Some(q) => format!("the {} quarter of {y}", nth[q - 1]),
                    None => start.to_string(),
                }
            }
            None => start.to_string(),
        },
    }
}

/// Strips status cues, comparisons, times, change verbs and particles from a subject.
fn trim_subject(mut s: &str, time_spans: &[&str]) -> String {
    loop {
        let before = s;
        for t in time_spans {
            if let Some(r) = s.strip_prefix(t) {
                s = r;
            }
        }
        for c in LEADING_CUES {
            if let Some(r) = s.strip_prefix(c) {
                // 服务新招引企业 is a cue; 服务业 is the subject's own word
                if *c == "服务" && r.starts_with('业') {
                    continue;
                }
                s = r;
            }
        }
        // 全市通过“工改”已拆除… → what follows the last 已/累计 inside; but when only a
        // verb follows (新增城镇就业已达), the subject is what comes before
        for c in ["已经", "已", "累计"] {
            if let Some(i) = s.rfind(c) {
                let after = &s[i + c.len()..];
                // a change verb with 到/至 is a verb too (已提高到58.6%)
                let mut rest = after;
                for v in [
                    "提高", "提升", "增加", "增长", "下降", "降低", "减少", "上升", "扩大",
                ] {
                    rest = rest.trim_start_matches(v);
                }
                let rest = rest
                    .trim_start_matches("达到")
                    .trim_start_matches(['达', '超', '到', '至']);
                if rest.chars().count() >= 2 || i == 0 {
                    s = after;
                } else {
                    s = &s[..i];
                }
            }
        }
        s = s.trim_start_matches(['“', '”', '，', ' ', '的']);
        // 占年度预算的58.3%: a share of, not a subject word (but 占地面积 is one)
        if s.starts_with('占') && !s.starts_with("占地") {
            s = &s['占'.len_utf8()..];
        }
        if s == before {
            break;
        }
    }
    // comparisons and change verbs at the end: 较央督时减少, 同比增长
    let mut out = s.to_string();
    loop {
        let before = out.len();
        for v in [
            "有望",
            "预计",
            "将",
            "要",
            "到",
            "可",
            "完成",
            "实现",
            "预期",
            "预计",
            "有望",
            "计划",
            "力争",
            "确保",
            "稳定在",
            "保持在",
            "控制在",
            "增长",
            "增加",
            "提高",
            "提升",
            "上升",
            "下降",
            "减少",
            "降低",
            "下滑",
            "回落",
            "突破",
            "超过",
            "超",
            "约",
            "近",
            "达到",
            "达",
            "为",
            "的",
            "共",
            "约为",
        ] {
            if let Some(r) = out.strip_suffix(v) {
                out = r.to_string();
            }
        }
        if out.len() == before {
            break;
        }
    }
    for marker in ["同比", "环比", "较", "比去年", "比上年", "比年初", "比上"] {
        if let Some(i) = out.find(marker) {
            if i > 0 {
                out.truncate(i);
            }
        }
    }
    let out = out.trim_matches(['“', '”', ' ']);
    // a comparison alone names no subject (…320亿元,同比增长3.1%)
    if ["同比", "环比", "比去年", "比上年", "较去年", "较上年"].contains(&out) {
        return String::new();
    }
    // an adverb and a bare verb name no subject (再建成1800个, 又新增50家)
    let bare = out.trim_start_matches(['再', '又', '还', '共', '另']);
    if BARE_VERBS.contains(&bare) {
        return String::new();
    }
    out.to_string()
}

/// What a plan counts of itself, not of the world: 3个重点领域, 5个方面, 4个环节.
const ABSTRACT_COUNTED: &[&str] = &[
    "领域",
    "方面",
    "环节",
    "原则",
    "要求",
    "关系",
    "维度",
    "重点",
    "抓手",
    "着力点",
    "路径",
];

/// Verbs that, alone before a quantity, leave the subject to the clause before.
const BARE_VERBS: &[&str] = &[
    "完成", "建成", "新建", "建设", "改造", "整治", "实现", "达到", "新增", "打造", "培育", "引进",
    "签约", "开工", "投产", "发放", "带动", "推动", "落实", "拆除", "清理", "种植", "植树", "造林",
    "修复", "治理", "提供", "安排", "筹集", "投入", "帮扶", "吸引", "招引",
];

/// The indicator stage (after quantities, times and places).
pub struct Indicators;

impl Stage for Indicators {
    fn name(&self) -> &'static str {
        "indicators"
    }
    fn run(&self, a: &mut Article, cx: &Context) {
        let text = a.text.as_str();
        let places = crate::org::Places::of(a);
        let published = cx.published.format("%Y-%m-%d").to_string();
        // the main city's Chinese name, as written in the article (中山 / 中山市)
        let city_zh = places
            .city
            .as_ref()
            .and_then(|en| crate::org::city_zh(a, en))
            .map(|zh| zh.trim_end_matches('市').to_string());
        let mut new = Vec::new();
        // time facts by position, for a binary search per clause (a page may hold a
        // million quantities: a scan per quantity would be quadratic)
        let mut all_times: Vec<&Fact> = a
            .facts
            .iter()
            .filter(|t| matches!(t.body, FactBody::Time(_)))
            .collect();
        all_times.sort_by_key(|t| t.span.start);
        // the last indicator's sentence, clause end, status and period: a clause without a
        // cue of its own that continues a target's list in the same sentence is a target
        // too (今年要拆除整理用地1.5万亩，新增产业用地6000亩以上)
        let mut last: Option<ListState> = None;
        let mut last_subject: Option<(usize, String, String)> = None;
        let mut last_noun: Option<(usize, String, String)> = None;
        for f in &a.facts {
            let FactBody::Quantity(q) = &f.body else {
                continue;
            };
            let (cs, ce) = clause_bounds(text, f.span);
            let lo = all_times.partition_point(|t| t.span.start < cs);
            let mut times: Vec<&Fact> = all_times[lo..]
                .iter()
                .take_while(|t| t.span.start < ce)
                .filter(|t| t.span.end <= ce)
                .copied()
                .collect();
            let clause_has_time = !times.is_empty();
            if times.is_empty() {
                // a time that opens the sentence governs its clauses (1—11月,规上工业增加值增长6.5%)
                let k = a.sentences.partition_point(|x| x.end <= cs);
                let sent_start = a.sentences.get(k).map_or(cs, |x| x.start.min(cs));
                let k = all_times.partition_point(|t| t.span.start < sent_start);
                if let Some(t) = all_times.get(k).filter(|t| {
                    t.span.end <= cs && text[sent_start..t.span.start].chars().count() <= 2
                }) {
                    times.push(t);
                }
            }
            let time_texts: Vec<&str> = times.iter().map(|t| t.text.as_str()).collect();
            let before = &text[cs..f.span.start];
            let after = &text[f.span.end..ce];
            // the subject: before the quantity; else after a count's measure word
            let mut subj_start = cs;
            let mut subject = trim_subject(before, &time_texts);
            if subject.chars().count() < 2
                || (q.classifier.is_some()
                    && !after.trim().is_empty()
                    && after.chars().next().is_some_and(crate::page::is_han))
            {
                let a2 = subject_after(after);
                if a2.chars().count() >= 2 {
                    subject = a2;
                    subj_start = f.span.start;
                }
            }
            // a clause that names no subject continues the last indicator of its sentence
            // when it counts in the same unit (已拆除整理低效工业用地1.2万亩，力争年底前完成2万亩)
            let sentence = a.sentences.partition_point(|x| x.end <= f.span.start);
            let mut elided = false;
            if subject.chars().count() < 2 {
                match &last_subject {
                    // …完成286亿元,增长4.6%: a change continues its subject in any unit
                    Some((ls, unit, subj))
                        if *ls == sentence && (*unit == q.unit || q.change.is_some()) =>
                    {
                        subject = subj.clone();
                        elided = true;
                    }
                    _ => continue,
                }
            }
            // small counts in Chinese numerals are rhetoric, not indicators (两场攻坚战); a
            // count of a document's own provisions (39项制度措施) is no result either
            if q.unit == "count" && q.noun.is_none() && f.text.chars().all(|c| !c.is_ascii_digit())
            {
                continue;
            }
            if q.noun
                .as_deref()
                .is_some_and(|n| n.ends_with("措施") || n.ends_with("政策"))
            {
                continue;
            }
            // nor is a count of a plan's parts (围绕3个重点领域, 抓好5个方面)
            if q.unit == "count"
                && subj_start == f.span.start
                && ABSTRACT_COUNTED
                    .iter()
                    .any(|w| subject.trim_start_matches("重点").starts_with(w))
            {
                continue;
            }
            let subject_at = if elided {
                // the span is the clause up to the quantity: 力争年底前完成2万亩
                cs + (before.len() - before.trim_start().len())
            } else {
                text[cs..ce]
                    .find(&subject)
                    .map(|i| cs + i)
                    .unwrap_or(subj_start)
            };
            let span = if subject_at < f.span.start {
                Span::new(subject_at, f.span.end)
            } else {
                Span::new(f.span.start, (subject_at + subject.len()).max(f.span.end))
            };
            // status from the cues before the subject (a subject such as 任务目标 is no cue)
            let mut cue_zone = before.replacen(subject.as_str(), " ", 1);
            // a short opening clause speaks for the whole sentence (到2025年, / 预计到年底,)
            let k = a.sentences.partition_point(|x| x.end <= cs);
            let sent_start = a.sentences.get(k).map_or(cs, |x| x.start.min(cs));
            if sent_start < cs {
                let head = &text[sent_start..cs];
                let opening = head.find(CLAUSE_BREAKS).map_or(head, |i| &head[..i]);
                // …unless it is an indicator's own clause (确保新增就业1万人,其中已完成8000人)
                // (a count that is no indicator, 十件民生实事, leaves the clause a cue zone)
                let opening_end = sent_start + opening.len();
                let holds_quantity = new
                    .iter()
                    .any(|g: &Fact| g.span.end > sent_start && g.span.start < opening_end);
                // (a longer one too when it opens with a cue: 有望于年底前实现…全覆盖,覆盖率达到100%)
                let opens_with_cue = TARGET_CUES
                    .iter()
                    .chain(FORECAST_CUES)
                    .any(|c| opening.starts_with(c) && *c != "到")
                    // or holds an unambiguous one (市政府确定今年实施十件民生实事,总投资45亿元)
                    || ["力争", "确保", "计划", "争取", "预计", "有望", "确定", "拟"]
                        .iter()
                        .any(|c| opening.contains(c));
                if (opening.chars().count() <= 10 || opens_with_cue) && !holds_quantity {
                    cue_zone = format!("{opening} {cue_zone}");
                }
            }
            let mut status = status_of(&cue_zone);
            let mut inherited = None;
            if let Some((ls, lce, lstatus, lp, lpe)) = &last {
                if *ls == sentence
                    && *lstatus != Status::Achieved
                    && *lce <= cs
                    && text[*lce..cs].chars().all(|c| "，、；,; ".contains(c))
                    && !clause_has_time
                    && !has_cue(&cue_zone)
                {
                    status = *lstatus;
                    inherited = Some((lp.clone(), lpe.clone()));
                }
            }
            let (mut as_of, mut period, mut period_end) = (None, None, None);
            match times.first().map(|t| &t.body) {
                Some(FactBody::Time(t))
                    if t.value_end.is_some()
                        && status == Status::Achieved
                        && t.value.len() <= 7 =>
                {
                    period = Some(t.value.clone());
                    period_end = t.value_end.clone();
                }
                Some(FactBody::Time(t)) if t.value_end.is_some() => {
                    as_of = t.value_end.clone();
                }
                Some(FactBody::Time(t)) => {
                    if status == Status::Achieved && t.value.len() >= 10 {
                        as_of = Some(t.value.clone());
                    } else {
                        period = Some(t.value.clone());
                    }
                }
                _ => {
                    if status == Status::Achieved {
                        as_of = Some(published.clone());
                    }
                }
            }
            if let Some((p, pe)) = inherited {
                if as_of.is_none() && period.is_none() {
                    period = p;
                    period_end = pe;
                }
            }
            last = Some((sentence, ce, status, period.clone(), period_end.clone()));
            last_subject = Some((sentence, q.unit.clone(), subject.clone()));
            let (subject_en, _) = crate::glossary::render(&subject);
            let when = match (&as_of, &period) {
                (Some(d), _) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .map(|d| format!(", as of {}", crate::time::en_day(d)))
                    .unwrap_or_default(),
                (None, Some(p)) => format!(", {}", period_en(p, period_end.as_deref())),
                (None, None) => String::new(),
            };
            let status_en = match status {
                Status::Achieved => "achieved",
                Status::Target => "target",
                Status::Forecast => "forecast",
            };
            // 预计明年达到150家 after 新增规上工业企业120家: the count takes the noun it continues
            let borrowed;
            let (q, q_en) = match &last_noun {
                Some((ls, noun, noun_en)) if elided && q.noun.is_none() && *ls == sentence => {
                    let mut q2 = q.clone();
                    q2.noun = Some(noun.clone());
                    q2.noun_en = Some(noun_en.clone());
                    let en = q2.english();
                    borrowed = (q2, en);
                    (&borrowed.0, borrowed.1.as_str())
                }
                _ => (q, f.en.as_str()),
            };
            let phrase_en = english(&subject, q, q_en);
            last_noun = match (&q.noun, &q.noun_en) {
                (Some(n), Some(e)) => Some((sentence, n.clone(), e.clone())),
                _ => None,
            };
            let en = format!("{phrase_en} ({status_en}{when})");
            let fact = IndicatorFact {
                subject: subject.clone(),
                subject_en,
                phrase_en,
                quantity: IndicatorQuantity {
                    text: f.text.clone(),
                    q: q.clone(),
                    en: f.en.clone(),
                },
                status,
                as_of,
                period,
                period_end,
                place: city_zh.clone(),
                place_en: places.city.clone(),
            };
            new.push(Fact::new(
                text,
                span,
                FactBody::Indicator(Box::new(fact)),
                en,
            ));
        }
        a.facts.extend(new);
    }
}
