//! Time: dates, months, quarters, periods, holidays and times of day, resolved against
//! the publication date.
//!
//! Every rule is a regular expression with a handler that computes a [`TimeValue`]; all
//! rules run over a sentence, and the leftmost-longest matches win (Duckling's way, with
//! rules as data-free functions and the holidays and anchor events as data files).
//!
//! Resolution:
//! - a month-day or a month without a year takes the year that puts it nearest *before*
//!   the publication date, unless its clause is about the future (将于, 计划, 拟, 预计,
//!   力争, 到, 届时, 即将, or 起 after it), then the nearest on or after it;
//! - 今年/去年/明年/前年/后年, 本月/上月/下月, 本周/上周/下周, 今天/昨天/明天 … are counted from
//!   the publication date; periods without a year (前11月, 一季度, 上半年, 年初, 年底) are in
//!   the publication year;
//! - open periods (今年以来, 自2018年以来, 党的十八大以来, 近三年) end at the publication date;
//! - a holiday without a year is the nearest one to the publication date (news writes of
//!   a holiday shortly before or after it), or the next one in a future clause;
//! - 近日, 日前, 近期 are vague: the value is the publication date and `vague` is true;
//! - 截至目前 is the publication date (`as_of`).
//!
//! Not times: 第一时间, 一时 inside words (一时间), durations with no calendar anchor
//! (3年, 两个月, 30天: lengths of time, left alone), numbers before 年 that are no year
//! (a year is four digits, or 二〇二三-style).

use crate::model::{Article, Fact, FactBody, Span};
use crate::person::pinyin::data_rows;
use crate::pipeline::{Context, Stage};
use crate::quantity::numeral;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use regex::{Captures, Regex};
use serde::Serialize;
use std::sync::OnceLock;

const HOLIDAYS_TSV: &str = include_str!("data/holidays.tsv");
const ANCHORS_TSV: &str = include_str!("data/anchors.tsv");

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Granularity {
    Year,
    Quarter,
    Month,
    Week,
    Day,
    Time,
}

/// The body of a `time` fact.
#[derive(Debug, Clone, Serialize)]
pub struct TimeValue {
    /// ISO 8601 at its granularity: 2023, 2023-12, 2023-12-25, 2023-12-25T09:00, 2024-Q1.
    pub value: String,
    /// The inclusive end of a period (前11月 → 2023-11; 今年以来 → the publication date).
    pub value_end: Option<String>,
    pub granularity: Granularity,
    /// Resolved against the publication date.
    pub relative: bool,
    /// Only roughly placed (近日, 日前, 近期).
    pub vague: bool,
    #[serde(skip)]
    pub en: String,
}

/// The time stage.
pub struct Times;

impl Stage for Times {
    fn name(&self) -> &'static str {
        "times"
    }
    fn run(&self, a: &mut Article, cx: &Context) {
        let mut facts = Vec::new();
        for &s in &a.sentences {
            for (span, t) in extract(&a.text, s, cx.published) {
                let en = t.en.clone();
                facts.push(Fact::new(&a.text, span, FactBody::Time(t), en));
            }
        }
        a.facts.extend(facts);
    }
}

type Handler = fn(&Captures, &Env) -> Option<TimeValue>;

/// What a handler may read: the publication date and whether the clause is about the future.
pub struct Env {
    pub published: NaiveDate,
    pub future: bool,
}

// ---- numerals and dates ---------------------------------------------------------------

const Y: &str = r"(?P<y>\d{4}|[〇零一二三四五六七八九]{4})年";
const M: &str = r"(?P<m>1[0-2]|0?[1-9]|１[０-２]|０?[１-９]|十[一二]?|[一二三四五六七八九])月";
const D: &str = r"(?P<d>3[01]|[12]\d|0?[1-9]|[３][０１]|[１２][０-９]|０?[１-９]|三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])[日号]";
/// A part of the day with no hour (25日上午): kept in the span, the value stays a day.
const DP: &str = r"(?:凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|晚间|夜间|晚)";
const TOD: &str = r"(?:(?P<tod>凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|晚间|夜间|晚)?(?P<h>[01]?\d|2[0-3]|[一二三四五六七八九十]{1,3})(?:[时点]|:|：)(?:(?P<min>[0-5]\d|[一二三四五]?十[一二三四五六七八九]?|[一二三四五六七八九])分?|(?P<half>半))?(?:许|整|左右)?)";

fn num(s: &str) -> Option<u32> {
    let cs: Vec<char> = s.chars().collect();
    let n = numeral::read(&cs)?;
    if n.len != cs.len() || !n.value.is_integer() {
        return None;
    }
    u32::try_from(n.value.m).ok()
}

fn cap_num(c: &Captures, name: &str) -> Option<u32> {
    c.name(name).and_then(|m| num(m.as_str()))
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn last_day(y: i32, m: u32) -> Option<NaiveDate> {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    ymd(ny, nm, 1)?.pred_opt()
}

pub(crate) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "December 25, 2023".
pub fn en_day(d: NaiveDate) -> String {
    format!("{} {}, {}", MONTHS[d.month0() as usize], d.day(), d.year())
}

fn en_month(y: i32, m: u32) -> String {
    format!("{} {y}", MONTHS[(m - 1) as usize])
}

fn ordinal(n: u32) -> &'static str {
    ["first", "second", "third", "fourth"]
        .get((n.max(1) - 1) as usize)
        .copied()
        .unwrap_or("fourth")
}

fn day_value(d: NaiveDate, relative: bool) -> TimeValue {
    TimeValue {
        value: d.format("%Y-%m-%d").to_string(),
        value_end: None,
        granularity: Granularity::Day,
        relative,
        vague: false,
        en: en_day(d),
    }
}

fn month_value(y: i32, m: u32, relative: bool) -> TimeValue {
    TimeValue {
        value: format!("{y:04}-{m:02}"),
        value_end: None,
        granularity: Granularity::Month,
        relative,
        vague: false,
        en: en_month(y, m),
    }
}

fn year_value(y: i32, relative: bool) -> TimeValue {
    TimeValue {
        value: format!("{y:04}"),
        value_end: None,
        granularity: Granularity::Year,
        relative,
        vague: false,
        en: y.to_string(),
    }
}

fn month_range(y: i32, m1: u32, m2: u32, relative: bool) -> Option<TimeValue> {
    if !(1..=12).contains(&m1) || !(m1..=12).contains(&m2) {
        return None;
    }
    let en = if m1 == 1 && m2 == 12 {
        y.to_string()
    } else {
        format!(
            "{}–{} {y}",
            MONTHS[(m1 - 1) as usize],
            MONTHS[(m2 - 1) as usize]
        )
    };
    Some(TimeValue {
        value: format!("{y:04}-{m1:02}"),
        value_end: Some(format!("{y:04}-{m2:02}")),
        granularity: Granularity::Month,
        relative,
        vague: false,
        en,
    })
}

fn quarter_value(y: i32, q1: u32, q2: u32, relative: bool) -> Option<TimeValue> {
    if !(1..=4).contains(&q1) || !(q1..=4).contains(&q2) {
        return None;
    }
    let en = match (q1, q2) {
        (a, b) if a == b => format!("the {} quarter of {y}", ordinal(a)),
        (1, 2) => format!("the first half of {y}"),
        (1, b) => format!(
            "the first {} quarters of {y}",
            ["", "", "two", "three", "four"][b as usize]
        ),
        (a, b) => format!("the {} to {} quarters of {y}", ordinal(a), ordinal(b)),
    };
    Some(TimeValue {
        value: format!("{y:04}-Q{q1}"),
        value_end: (q1 != q2).then(|| format!("{y:04}-Q{q2}")),
        granularity: Granularity::Quarter,
        relative,
        vague: false,
        en,
    })
}

/// The year of a month-day (or month) with no year: nearest before the publication date,
/// or on/after it in a future clause.
fn roll_year(env: &Env, m: u32, d: u32) -> Option<i32> {
    let p = env.published;
    // 2月29日 in a common year is compared as 2月28日; the caller then finds no such day
    let this = ymd(p.year(), m, d).or_else(|| ymd(p.year(), m, 28))?;
    Some(match (env.future, this >= p, this <= p) {
        (true, true, _) => p.year(),
        (true, false, _) => p.year() + 1,
        (false, _, true) => p.year(),
        (false, _, false) => p.year() - 1,
    })
}

/// A year expression: 2023年, 二〇二三年, 今年, 去年 …; (year, relative).
fn year_of(c: &Captures, env: &Env) -> Option<(i32, bool)> {
    if let Some(y) = c.name("y") {
        let y = num(y.as_str())? as i32;
        return (1900..=2199).contains(&y).then_some((y, false));
    }
    if let Some(r) = c.name("ry") {
        let p = env.published.year();
        let y = match r.as_str() {
            "今年" | "本年" | "当年" | "本年度" | "今年度" => p,
            "去年" | "上年" | "上一年" | "上年度" => p - 1,
            "前年" => p - 2,
            "明年" | "来年" | "下一年" | "明年度" => p + 1,
            "后年" => p + 2,
            _ => return None,
        };
        return Some((y, true));
    }
    None
}

const RY: &str = r"(?P<ry>今年度|今年|本年度|本年|当年|去年|上一年|上年度|上年|前年|明年度|明年|来年|下一年|后年)";

fn year_expr() -> String {
    format!(r"(?:{Y}|{RY})")
}

// ---- handlers -------------------------------------------------------------------------

fn with_time(mut v: TimeValue, c: &Captures) -> TimeValue {
    let Some(h) = cap_num(c, "h") else { return v };
    let mut h = h;
    let tod = c.name("tod").map(|m| m.as_str()).unwrap_or("");
    if matches!(tod, "下午" | "傍晚" | "晚上" | "晚间" | "夜间" | "晚") && h < 12 {
        h += 12;
    }
    if tod == "中午" && h < 11 {
        h += 12;
    }
    let min = if c.name("half").is_some() {
        30
    } else {
        cap_num(c, "min").unwrap_or(0)
    };
    if h > 23 || min > 59 {
        return v;
    }
    v.value = format!("{}T{h:02}:{min:02}", v.value);
    v.granularity = Granularity::Time;
    v.en = format!("{}, {h}:{min:02}", v.en);
    v
}

fn full_date(c: &Captures, env: &Env) -> Option<TimeValue> {
    let (y, rel) = year_of(c, env)?;
    let d = ymd(y, cap_num(c, "m")?, cap_num(c, "d")?)?;
    Some(with_time(day_value(d, rel), c))
}

fn iso_date(c: &Captures, _: &Env) -> Option<TimeValue> {
    let y: i32 = c["iy"].parse().ok()?;
    let d = ymd(y, c["im"].parse().ok()?, c["id"].parse().ok()?)?;
    if !(1900..=2199).contains(&y) {
        return None;
    }
    let mut v = day_value(d, false);
    if let (Some(h), Some(mi)) = (c.name("ih"), c.name("imin")) {
        let (h, mi): (u32, u32) = (h.as_str().parse().ok()?, mi.as_str().parse().ok()?);
        if h < 24 && mi < 60 {
            v.value = format!("{}T{h:02}:{mi:02}", v.value);
            v.granularity = Granularity::Time;
            v.en = format!("{}, {h}:{mi:02}", v.en);
        }
    }
    Some(v)
}

fn month_day(c: &Captures, env: &Env) -> Option<TimeValue> {
    let (m, d) = (cap_num(c, "m")?, cap_num(c, "d")?);
    let y = roll_year(env, m, d)?;
    Some(with_time(day_value(ymd(y, m, d)?, true), c))
}

fn day_only(c: &Captures, env: &Env) -> Option<TimeValue> {
    let d = cap_num(c, "d")?;
    let p = env.published;
    let date = if env.future {
        (0..3)
            .filter_map(|k| {
                let (y, m) = add_months(p.year(), p.month(), k);
                ymd(y, m, d)
            })
            .find(|x| *x >= p)?
    } else {
        (0..3)
            .filter_map(|k| {
                let (y, m) = add_months(p.year(), p.month(), -k);
                ymd(y, m, d)
            })
            .find(|x| *x <= p)?
    };
    Some(with_time(day_value(date, true), c))
}

fn add_months(y: i32, m: u32, k: i32) -> (i32, u32) {
    let idx = y * 12 + (m as i32 - 1) + k;
    (idx.div_euclid(12), (idx.rem_euclid(12) + 1) as u32)
}

fn year_month(c: &Captures, env: &Env) -> Option<TimeValue> {
    let (y, rel) = year_of(c, env)?;
    let m = cap_num(c, "m")?;
    (1..=12).contains(&m).then(|| month_value(y, m, rel))
}

fn month_only(c: &Captures, env: &Env) -> Option<TimeValue> {
    let m = cap_num(c, "m")?;
    let p = env.published;
    let y = if env.future {
        if m >= p.month() {
            p.year()
        } else {
            p.year() + 1
        }
    } else if m <= p.month() {
        p.year()
    } else {
        p.year() - 1
    };
    Some(month_value(y, m, true))
}

fn year_only(c: &Captures, env: &Env) -> Option<TimeValue> {
    let (y, rel) = year_of(c, env)?;
    Some(year_value(y, rel))
}

/// A part of a year: 上半年, 一季度, 前三季度, 前11月, 1—11月, 年初, 年底; with or without
/// a year before it.
fn year_part(c: &Captures, env: &Env) -> Option<TimeValue> {
    let (y, rel) = match year_of(c, env) {
        Some(v) => v,
        None => (env.published.year(), true),
    };
    let part = c.name("part")?.as_str();
    if let Some(q) = c.name("pq") {
        return quarter_value(y, 1, num(q.as_str())?, rel);
    }
    if let Some(q) = c.name("q") {
        let q = num(q.as_str())?;
        return quarter_value(y, q, q, rel);
    }
    if let Some(n) = c.name("pm") {
        return month_range(y, 1, num(n.as_str())?, rel);
    }
    if let (Some(a), Some(b)) = (c.name("m1"), c.name("m2")) {
        return month_range(y, num(a.as_str())?, num(b.as_str())?, rel);
    }
    let mut v = match part {
        "上半年" => month_range(y, 1, 6, rel)?,
        "下半年" => month_range(y, 7, 12, rel)?,
        "年初" | "初" => month_value(y, 1, rel),
        "年底" | "年末" | "底" | "末" | "年终" => month_value(y, 12, rel),
        _ => return None,
    };
    match part {
        "上半年" => v.en = format!("the first half of {y}"),
        "下半年" => v.en = format!("the second half of {y}"),
        "年初" | "初" => v.en = format!("early {y}"),
        _ => v.en = format!("the end of {y}"),
    }
    Some(v)
}

fn since(c: &Captures, env: &Env) -> Option<TimeValue> {
    let p = env.published;
    let end = p.format("%Y-%m-%d").to_string();
    if let Some(a) = c.name("anchor") {
        let (date, en) = anchors()
            .iter()
            .find(|(n, _, _)| *n == a.as_str())
            .map(|(_, d, e)| (*d, *e))?;
        return Some(TimeValue {
            value: format!("{:04}-{:02}", date.year(), date.month()),
            value_end: Some(end),
            granularity: Granularity::Month,
            relative: true,
            vague: false,
            en: format!("since {en} ({})", en_month(date.year(), date.month())),
        });
    }
    if c.name("ytd").is_some() {
        let (y, _) = year_of(c, env).unwrap_or((p.year(), true));
        return Some(TimeValue {
            value: format!("{y:04}-01-01"),
            value_end: Some(end),
            granularity: Granularity::Day,
            relative: true,
            vague: false,
            en: format!("since the start of {y}"),
        });
    }
    let (y, _) = year_of(c, env)?;
    if y > p.year() {
        return None;
    }
    Some(TimeValue {
        value: format!("{y:04}"),
        value_end: Some(end),
        granularity: Granularity::Year,
        relative: true,
        vague: false,
        en: format!("since {y}"),
    })
}

fn recent_years(c: &Captures, env: &Env) -> Option<TimeValue> {
    let n = cap_num(c, "n").or_else(|| cap_num(c, "n2"))? as i32;
    if !(1..=100).contains(&n) {
        return None;
    }
    let y = env.published.year();
    Some(TimeValue {
        value: format!("{:04}", y - n + 1),
        value_end: Some(format!("{y:04}")),
        granularity: Granularity::Year,
        relative: true,
        vague: false,
        en: format!("the past {n} years ({}–{y})", y - n + 1),
    })
}

fn relative_day(c: &Captures, env: &Env) -> Option<TimeValue> {
    let k = match &c["rd"] {
        "今天" | "今日" | "当天" | "当日" => 0,
        "昨天" | "昨日" => -1,
        "前天" => -2,
        "明天" | "明日" => 1,
        "后天" => 2,
        _ => return None,
    };
    let d = env.published + Duration::days(k);
    Some(with_time(day_value(d, true), c))
}

fn weekday(s: &str) -> Option<Weekday> {
    Some(match s {
        "一" => Weekday::Mon,
        "二" => Weekday::Tue,
        "三" => Weekday::Wed,
        "四" => Weekday::Thu,
        "五" => Weekday::Fri,
        "六" => Weekday::Sat,
        "日" | "天" => Weekday::Sun,
        _ => return None,
    })
}

fn week(c: &Captures, env: &Env) -> Option<TimeValue> {
    let p = env.published;
    let monday = p - Duration::days(p.weekday().num_days_from_monday() as i64);
    let shift = match c.name("rw").map(|m| m.as_str()) {
        Some(w) if w.starts_with('上') => -7,
        Some(w) if w.starts_with('下') => 7,
        Some(_) => 0,
        None => {
            // a bare weekday: the nearest one before (or, in a future clause, after)
            let wd = weekday(c.name("wd2")?.as_str())?;
            let this = monday + Duration::days(wd.num_days_from_monday() as i64);
            let d = if env.future {
                if this >= p {
                    this
                } else {
                    this + Duration::days(7)
                }
            } else if this <= p {
                this
            } else {
                this - Duration::days(7)
            };
            return Some(with_time(day_value(d, true), c));
        }
    };
    let monday = monday + Duration::days(shift);
    if let Some(wd) = c.name("wd").and_then(|w| weekday(w.as_str())) {
        let d = monday + Duration::days(wd.num_days_from_monday() as i64);
        return Some(with_time(day_value(d, true), c));
    }
    let sunday = monday + Duration::days(6);
    Some(TimeValue {
        value: monday.format("%Y-%m-%d").to_string(),
        value_end: Some(sunday.format("%Y-%m-%d").to_string()),
        granularity: Granularity::Week,
        relative: true,
        vague: false,
        en: format!("the week of {}", en_day(monday)),
    })
}

fn relative_month(c: &Captures, env: &Env) -> Option<TimeValue> {
    let p = env.published;
    let k = match &c["rm"] {
        "本月" | "当月" | "这个月" => 0,
        "上月" | "上个月" => -1,
        "下月" | "下个月" => 1,
        _ => return None,
    };
    let (y, m) = add_months(p.year(), p.month(), k);
    match c.name("mpart").map(|x| x.as_str()) {
        Some(s) if s.starts_with('底') || s.starts_with('末') => {
            let d = last_day(y, m)?;
            let mut v = day_value(d, true);
            v.en = format!("the end of {}", en_month(y, m));
            Some(v)
        }
        _ => Some(month_value(y, m, true)),
    }
}

fn vague(c: &Captures, env: &Env) -> Option<TimeValue> {
    let mut v = day_value(env.published, true);
    v.vague = true;
    v.en = format!("recently (by {})", en_day(env.published));
    let _ = c;
    Some(v)
}

fn as_of(_: &Captures, env: &Env) -> Option<TimeValue> {
    let mut v = day_value(env.published, true);
    v.en = format!("as of {}", en_day(env.published));
    Some(v)
}

fn turn_of_year(_: &Captures, env: &Env) -> Option<TimeValue> {
    let p = env.published;
    let y = if p.month() >= 7 {
        p.year()
    } else {
        p.year() - 1
    };
    Some(TimeValue {
        value: format!("{y:04}-12"),
        value_end: Some(format!("{:04}-01", y + 1)),
        granularity: Granularity::Month,
        relative: true,
        vague: false,
        en: format!("the turn of {y} and {}", y + 1),
    })
}

fn five_year_plan(c: &Captures, _: &Env) -> Option<TimeValue> {
    let n = num(&c["fyp"])?;
    if n < 3 {
        return None;
    }
    let start = 1966 + (n as i32 - 3) * 5;
    Some(TimeValue {
        value: format!("{start:04}"),
        value_end: Some(format!("{:04}", start + 4)),
        granularity: Granularity::Year,
        relative: false,
        vague: false,
        en: format!(
            "the {n}{} Five-Year Plan period ({start}–{})",
            suffix(n),
            start + 4
        ),
    })
}

fn suffix(n: u32) -> &'static str {
    match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    }
}

fn holiday(c: &Captures, env: &Env) -> Option<TimeValue> {
    let name = c.name("hol")?.as_str();
    let (_, cal, md, en) = holidays().iter().find(|h| h.0 == name)?;
    let date_in = |y: i32| -> Option<NaiveDate> { holiday_date(cal, md, y) };
    let (date, rel) = match year_of(c, env) {
        Some((y, rel)) => (date_in(y)?, rel),
        None => {
            let p = env.published;
            let cands: Vec<NaiveDate> = [p.year() - 1, p.year(), p.year() + 1]
                .iter()
                .filter_map(|y| date_in(*y))
                .collect();
            // news writes of a holiday shortly before or after it: the nearest one, or the
            // next one in a future clause
            let d = if env.future {
                cands.into_iter().find(|d| *d >= p)?
            } else {
                cands
                    .into_iter()
                    .min_by_key(|d| (*d - p).num_days().abs())?
            };
            (d, true)
        }
    };
    let mut v = day_value(date, rel);
    v.en = format!("{en} ({})", en_day(date));
    Some(v)
}

fn holiday_date(cal: &str, md: &str, y: i32) -> Option<NaiveDate> {
    use tyme4rs::tyme::Tyme;
    let to_naive = |s: tyme4rs::tyme::solar::SolarDay| {
        ymd(
            s.get_year() as i32,
            s.get_month() as u32,
            s.get_day() as u32,
        )
    };
    match cal {
        "solar" => {
            let (m, d) = md.split_once('-')?;
            ymd(y, m.parse().ok()?, d.parse().ok()?)
        }
        "lunar" | "lunar_eve" => {
            let (m, d) = md.split_once('-')?;
            let (m, d): (isize, usize) = (m.parse().ok()?, d.parse().ok()?);
            if !(1800..=2200).contains(&y) {
                return None;
            }
            let solar = tyme4rs::tyme::lunar::LunarDay::from_ymd(y as isize, m, d).get_solar_day();
            let solar = if cal == "lunar_eve" {
                solar.next(-1)
            } else {
                solar
            };
            to_naive(solar)
        }
        "term" => {
            if !(1800..=2200).contains(&y) {
                return None;
            }
            // tyme4rs counts a year's terms from the winter solstice of the year before
            let t = tyme4rs::tyme::solar::SolarTerm::from_name(y as isize, md);
            let d = to_naive(t.get_solar_day())?;
            if d.year() == y {
                Some(d)
            } else {
                to_naive(
                    tyme4rs::tyme::solar::SolarTerm::from_name(y as isize + 1, md).get_solar_day(),
                )
            }
        }
        _ => None,
    }
}

fn time_of_day(c: &Captures, env: &Env) -> Option<TimeValue> {
    // a bare hour needs a day part (上午9时) or minutes (9时30分, 9:30)
    if c.name("tod").is_none() && c.name("min").is_none() && c.name("half").is_none() {
        return None;
    }
    let v = with_time(day_value(env.published, true), c);
    (v.granularity == Granularity::Time).then_some(v)
}

// ---- data -----------------------------------------------------------------------------

fn holidays() -> &'static Vec<(&'static str, &'static str, &'static str, &'static str)> {
    static H: OnceLock<Vec<(&'static str, &'static str, &'static str, &'static str)>> =
        OnceLock::new();
    H.get_or_init(|| {
        data_rows(HOLIDAYS_TSV)
            .filter(|r| r.len() >= 4)
            .map(|r| (r[0], r[1], r[2], r[3]))
            .collect()
    })
}

fn anchors() -> &'static Vec<(&'static str, NaiveDate, &'static str)> {
    static A: OnceLock<Vec<(&'static str, NaiveDate, &'static str)>> = OnceLock::new();
    A.get_or_init(|| {
        data_rows(ANCHORS_TSV)
            .filter_map(|r| {
                Some((
                    r[0],
                    NaiveDate::parse_from_str(r.get(1)?, "%Y-%m-%d").ok()?,
                    *r.get(2)?,
                ))
            })
            .collect()
    })
}

// ---- the rules ------------------------------------------------------------------------

struct Rule {
    name: &'static str,
    re: Regex,
    handler: Handler,
}

/// The rules, and a set of the same patterns that tells in one pass which rules can match
/// a sentence (most sentences hold no time; running 23 searches on each cost the most of
/// any stage).
fn rules() -> &'static (Vec<Rule>, regex::RegexSet) {
    static R: OnceLock<(Vec<Rule>, regex::RegexSet)> = OnceLock::new();
    R.get_or_init(|| {
        let ye = year_expr();
        let hol_names: Vec<String> = {
            let mut v: Vec<&str> = holidays().iter().map(|h| h.0).collect();
            v.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
            v.iter().map(|s| regex::escape(s)).collect()
        };
        let anchor_names: Vec<String> = {
            let mut v: Vec<&str> = anchors().iter().map(|a| a.0).collect();
            v.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
            v.iter().map(|s| regex::escape(s)).collect()
        };
        let q = r"(?P<q>[一二三四1-4１-４])";
        let pq = r"(?P<pq>[一二三四1-4１-４])";
        let part = format!(
            r"(?P<part>上半年|下半年|前{pq}季度|第?{q}季度|前(?P<pm>1[0-2]|[1-9]|十[一二]?|[一二三四五六七八九])个?月(?:份)?|(?P<m1>1[0-2]|[1-9]|十[一二]?|[一二三四五六七八九])\s*[—–\-~～至到]+\s*(?P<m2>1[0-2]|[1-9]|十[一二]?|[一二三四五六七八九])月(?:份)?|年初|年底|年末|年终)"
        );
        let part_after_year = format!(
            r"(?P<part>上半年|下半年|前{pq}季度|第?{q}季度|前(?P<pm>1[0-2]|[1-9]|十[一二]?|[一二三四五六七八九])个?月(?:份)?|(?P<m1>1[0-2]|[1-9]|十[一二]?|[一二三四五六七八九])\s*[—–\-~～至到]+\s*(?P<m2>1[0-2]|[1-9]|十[一二]?|[一二三四五六七八九])月(?:份)?|年初|年底|年末|初|底|末|年终)"
        );
        let specs: Vec<(&'static str, String, Handler)> = vec![
            ("full date", format!(r"{ye}{M}{D}(?:{TOD}|{DP})?"), full_date),
            ("iso date", r"(?P<iy>\d{4})[-./](?P<im>\d{1,2})[-./](?P<id>\d{1,2})(?:[ T](?P<ih>[01]?\d|2[0-3]):(?P<imin>[0-5]\d))?".into(), iso_date),
            ("month day", format!(r"{M}{D}(?:{TOD}|{DP})?"), month_day),
            ("day", format!(r"{D}(?:{TOD}|{DP})?"), day_only),
            ("year month", format!(r"{ye}{M}(?:份)?"), year_month),
            ("year part", format!(r"{ye}{part_after_year}"), year_part),
            ("part", part.clone(), year_part),
            ("since year", format!(r"(?:自|从)?{ye}(?:以来|至今)"), since),
            ("since start of year", r"(?P<ytd>(?:今年|年初|本年)(?:以来|至今))".into(), since),
            ("since event", format!(r"(?P<anchor>{})以来", anchor_names.join("|")), since),
            ("recent years", r"(?:近|过去|最近)(?P<n>\d{1,2}|[一二三四五六七八九十两]{1,3})年(?:来|间|中)?|(?P<n2>\d{1,2}|[一二三四五六七八九十两]{1,3})年来".into(), recent_years),
            ("year", format!(r"{ye}(?:度)?"), year_only),
            ("month", format!(r"{M}(?:份)?"), month_only),
            ("relative day", format!(r"(?P<rd>今天|今日|昨天|昨日|前天|明天|明日|后天|当天|当日){TOD}?"), relative_day),
            ("week", format!(r"(?:(?P<rw>本周|这周|上周|下周|本星期|上星期|下星期|这个星期|上个星期|下个星期)(?P<wd>[一二三四五六日天])?|(?:周|星期)(?P<wd2>[一二三四五六日天])){TOD}?"), week),
            ("relative month", r"(?P<rm>本月|当月|这个月|上月|上个月|下月|下个月)(?P<mpart>底前?|末)?".into(), relative_month),
            ("vague", r"近日|日前|近期|前不久".into(), vague),
            ("as of", r"截至目前|截止目前|到目前为止|截至今日|截至当前".into(), as_of),
            ("turn of year", r"岁末年初|年末岁初".into(), turn_of_year),
            ("five-year plan", r"[“”]?(?P<fyp>十[一二三四五六七八九]|[三四五六七八九])五[”“]?(?:规划|时期|期间|期末|末|以来|开局|收官|之年)".into(), five_year_plan),
            ("five-year plan quoted", r"[“](?P<fyp>十[一二三四五六七八九]|[三四五六七八九])五[”]".into(), five_year_plan),
            ("holiday", format!(r"(?:{ye})?[“]?(?P<hol>{})(?:节)?[”]?(?:期间|假期|前后|当天|黄金周)?", hol_names.join("|")), holiday),
            ("time of day", TOD.into(), time_of_day),
        ];
        let set = regex::RegexSet::new(specs.iter().map(|(_, pat, _)| pat))
            .unwrap_or_else(|e| panic!("time rules: {e}"));
        let rules = specs
            .into_iter()
            .map(|(name, pat, handler)| Rule { name, re: Regex::new(&pat).unwrap_or_else(|e| panic!("time rule {name}: {e}")), handler })
            .collect();
        (rules, set)
    })
}

/// Numeric holiday names (五一, 十一 …) count only with a holiday word after them or in quotes.
fn numeric_holiday_ok(text: &str, m: &regex::Match, c: &Captures) -> bool {
    let Some(h) = c.name("hol") else { return true };
    if !h
        .as_str()
        .chars()
        .all(|ch| numeral::zh_digit(ch).is_some() || ch == '十')
    {
        return true;
    }
    let after = &text[h.end()..];
    let before = &text[..h.start()];
    after.starts_with(['节', '”']) && (before.ends_with('“') || after.starts_with('节'))
        || ["期间", "假期", "黄金周", "长假", "前后"]
            .iter()
            .any(|w| after.starts_with(w))
        || m.as_str().ends_with("期间")
}

const FUTURE_BEFORE: &[&str] = &[
    "将于",
    "将在",
    "将",
    "计划",
    "拟于",
    "拟",
    "预计",
    "力争",
    "到",
    "届时",
    "即将",
    "定于",
    "争取",
    "明年",
    "下一步",
];

/// True when the clause around a time is about the future: a future word before it in its
/// clause, or 起/前 right after it (2024年1月1日起施行).
fn future_clause(sentence: &str, start: usize, end: usize) -> bool {
    let lo = crate::model::window_before(sentence, start, 120);
    let clause_start = sentence[lo..start]
        .char_indices()
        .rev()
        .find(|(_, c)| matches!(c, '，' | ',' | '。' | '；' | ';' | '：'))
        .map_or(lo, |(i, c)| lo + i + c.len_utf8());
    let before = &sentence[clause_start..start];
    let after = &sentence[end..];
    FUTURE_BEFORE.iter().any(|w| before.contains(w))
        || after.starts_with('起')
        || after.starts_with("前")
}

/// Finds the times in `text[sentence]`.
pub fn extract(text: &str, sentence: Span, published: NaiveDate) -> Vec<(Span, TimeValue)> {
    let s = &text[sentence.start..sentence.end];
    let mut cands: Vec<(usize, usize, TimeValue)> = Vec::new();
    let mut invalid: Vec<(usize, usize)> = Vec::new();
    let (rules, set) = rules();
    for i in set.matches(s).iter() {
        let rule = &rules[i];
        for c in rule.re.captures_iter(s) {
            let m = c.get(0).expect("whole match");
            if !boundary_ok(s, m.start(), m.end(), rule.name) || !numeric_holiday_ok(s, &m, &c) {
                continue;
            }
            let env = Env {
                published,
                future: future_clause(s, m.start(), m.end()),
            };
            match (rule.handler)(&c, &env) {
                Some(v) => cands.push((m.start(), m.end(), v)),
                // an impossible date (2023年2月29日) yields nothing, not its parts
                None if matches!(rule.name, "full date" | "month day" | "iso date") => {
                    invalid.push((m.start(), m.end()))
                }
                None => {}
            }
        }
    }
    cands.retain(|(st, en, _)| !invalid.iter().any(|(a, b)| a <= st && en <= b));
    // leftmost-longest, non-overlapping
    cands.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut out: Vec<(Span, TimeValue)> = Vec::new();
    let mut last_end = 0;
    for (st, en, v) in cands {
        if st < last_end {
            continue;
        }
        last_end = en;
        out.push((Span::new(sentence.start + st, sentence.start + en), v));
    }
    out
}

/// Rejects matches glued to other numerals or words that make them something else.
fn boundary_ok(s: &str, start: usize, end: usize, rule: &str) -> bool {
    let prev = s[..start].chars().next_back();
    let next = s[end..].chars().next();
    let is_num = |c: char| {
        c.is_ascii_digit()
            || numeral::zh_digit(c).is_some()
            || matches!(c, '十' | '百' | '千' | '万' | '.' | '／' | '/')
    };
    let glued_before = prev.is_some_and(|p| is_num(p) || p == '第' || p.is_ascii_alphabetic());
    // 每日 is a rate; 个月 a duration; 2月29日 after an impossible full date is no day of its own
    let wrong_word = match rule {
        "day" => matches!(prev, Some('每' | '月')),
        "month day" | "full date" | "time of day" => prev == Some('每'),
        "month" | "year month" => prev == Some('个'),
        _ => false,
    };
    // a match that ends in a digit must not continue into more digits
    let runs_on = s[..end].ends_with(|c: char| c.is_ascii_digit())
        && next.is_some_and(|n| n.is_ascii_digit());
    !(glued_before || wrong_word || runs_on)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str, pubd: (i32, u32, u32)) -> Vec<(String, String, Option<String>)> {
        let p = NaiveDate::from_ymd_opt(pubd.0, pubd.1, pubd.2).unwrap();
        extract(s, Span::new(0, s.len()), p)
            .into_iter()
            .map(|(sp, v)| (s[sp.start..sp.end].to_string(), v.value, v.value_end))
            .collect()
    }

    #[test]
    fn smoke() {
        assert_eq!(t("12月28日召开", (2024, 1, 3))[0].1, "2023-12-28");
        assert_eq!(t("前11月", (2023, 12, 28))[0].2.as_deref(), Some("2023-11"));
        assert_eq!(t("2024年元旦起实施", (2023, 12, 28))[0].1, "2024-01-01");
        assert_eq!(t("2024年春节", (2023, 12, 28))[0].1, "2024-02-10");
        assert_eq!(t("2024年清明节", (2023, 12, 28))[0].1, "2024-04-04");
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        fn zh_digits(n: u32) -> String {
            n.to_string()
                .chars()
                .map(|c| {
                    "〇一二三四五六七八九"
                        .chars()
                        .nth(c as usize - '0' as usize)
                        .unwrap()
                })
                .collect()
        }

        fn only(s: &str, p: NaiveDate) -> Option<String> {
            let v = extract(s, Span::new(0, s.len()), p);
            (v.len() == 1 && v[0].0 == Span::new(0, s.len())).then(|| v[0].1.value.clone())
        }

        proptest! {
            #[test]
            fn written_dates_read_back(days in 0i64..90_000, pub_off in 0i64..400) {
                let d = NaiveDate::from_ymd_opt(1950, 1, 1).unwrap() + Duration::days(days);
                let p = d + Duration::days(pub_off);
                let iso = d.format("%Y-%m-%d").to_string();
                let arabic = format!("{}年{}月{}日", d.year(), d.month(), d.day());
                let chinese = format!(
                    "{}年{}月{}日",
                    zh_digits(d.year() as u32),
                    numeral::to_chinese(d.month() as u64),
                    numeral::to_chinese(d.day() as u64)
                );
                prop_assert_eq!(only(&arabic, p), Some(iso.clone()));
                prop_assert_eq!(only(&chinese, p), Some(iso.clone()));
                prop_assert_eq!(only(&iso, p), Some(iso.clone()));
                // a month-day with no year, read up to 400 days later, is the nearest before
                if pub_off < 365 {
                    let md = format!("{}月{}日", d.month(), d.day());
                    if !(d.month() == 2 && d.day() == 29) {
                        prop_assert_eq!(only(&md, p), Some(iso));
                    }
                }
            }

            #[test]
            fn relative_years_count_from_publication(y in 1950i32..2150) {
                let p = NaiveDate::from_ymd_opt(y, 6, 15).unwrap();
                prop_assert_eq!(only("去年", p), Some(format!("{}", y - 1)));
                prop_assert_eq!(only("明年", p), Some(format!("{}", y + 1)));
            }
        }
    }
}
