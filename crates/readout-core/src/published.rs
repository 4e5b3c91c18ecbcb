//! The publication (reference) date when none is given: a masthead date; else the latest
//! dateline date (`12月28日电`, `本报讯…12月28日`) in the page's context year; else the
//! latest explicit full date the text states outside a future clause; else none (the
//! caller falls back to today's date and says so).
//!
//! The context year of a month-day without a year is, in order: the year of `YYYY年度`
//! mentions (a report on 2023年度 work is published in 2023 or just after), the year of
//! the latest full date, the most frequent `YYYY年` mention (ties to the earlier year).

use chrono::{Datelike, NaiveDate};
use regex::Regex;
use std::collections::HashMap;
use std::sync::OnceLock;

fn full_date_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(?:(\d{4})年(\d{1,2})月(\d{1,2})日)|(?:(?-u:\b)(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?-u:\b))").expect("full date")
    })
}

fn year_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"(\d{4})年(度)?").expect("year"))
}

/// Words before a date that put it in the future (将于2024年1月1日, 到2027年12月31日).
const FUTURE_BEFORE: &[&str] = &[
    "将于", "将在", "计划", "预计", "到", "至", "截止", "拟于", "力争",
];
/// Words after a date that make it a start of validity (2024年1月1日起施行).
const FUTURE_AFTER: &[&str] = &["起", "前", "以前", "之前"];

/// Infers the publication date of a page.
pub fn infer(
    text: &str,
    masthead: Option<NaiveDate>,
    datelines: &[(u32, u32)],
) -> Option<NaiveDate> {
    if masthead.is_some() {
        return masthead;
    }
    let full = full_dates(text);
    let latest_full = full.iter().max().copied();
    if !datelines.is_empty() {
        if let Some(year) = context_year(text, latest_full) {
            let best = datelines
                .iter()
                .filter_map(|&(m, d)| NaiveDate::from_ymd_opt(year, m, d))
                .max();
            if best.is_some() {
                return best;
            }
        }
    }
    latest_full
}

/// Full dates in a past or present clause.
fn full_dates(text: &str) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    for c in full_date_re().captures_iter(text) {
        let m = c.get(0).expect("match");
        let (y, mo, d) = if c.get(1).is_some() {
            (&c[1], &c[2], &c[3])
        } else {
            (&c[4], &c[5], &c[6])
        };
        let Some(date) = NaiveDate::from_ymd_opt(
            y.parse().unwrap_or(0),
            mo.parse().unwrap_or(0),
            d.parse().unwrap_or(0),
        ) else {
            continue;
        };
        let before = &text[..m.start()];
        let before: String = before
            .chars()
            .rev()
            .take(4)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let after = &text[m.end()..];
        if FUTURE_BEFORE.iter().any(|w| before.ends_with(w))
            || FUTURE_AFTER.iter().any(|w| after.starts_with(w))
        {
            continue;
        }
        out.push(date);
    }
    out
}

fn context_year(text: &str, latest_full: Option<NaiveDate>) -> Option<i32> {
    let mut fiscal: HashMap<i32, usize> = HashMap::new();
    let mut plain: HashMap<i32, usize> = HashMap::new();
    for c in year_re().captures_iter(text) {
        let Ok(y) = c[1].parse::<i32>() else { continue };
        if !(1900..=2200).contains(&y) {
            continue;
        }
        *plain.entry(y).or_default() += 1;
        if c.get(2).is_some() {
            *fiscal.entry(y).or_default() += 1;
        }
    }
    let mode = |m: &HashMap<i32, usize>| m.iter().max_by_key(|(y, n)| (**n, -**y)).map(|(y, _)| *y);
    mode(&fiscal)
        .or(latest_full.map(|d| d.year()))
        .or_else(|| mode(&plain))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn masthead_wins() {
        assert_eq!(
            infer("2020年1月1日", d(2024, 3, 6), &[(3, 5)]),
            d(2024, 3, 6)
        );
    }

    #[test]
    fn dateline_with_fiscal_year() {
        let t = "某市2023年度总结大会召开，力争2024年完成任务。回报2024年，迎接2024年。";
        assert_eq!(infer(t, None, &[(12, 28), (12, 25)]), d(2023, 12, 28));
    }

    #[test]
    fn dateline_with_plain_years() {
        assert_eq!(infer("今年是2022年。", None, &[(6, 1)]), d(2022, 6, 1));
        assert_eq!(infer("没有年份", None, &[(6, 1)]), None);
    }

    #[test]
    fn latest_full_date_outside_future_clauses() {
        let t = "2023年3月2日，会议召开。条例将于2024年1月1日施行，2025年1月1日起废止。2023-03-05发布。";
        assert_eq!(infer(t, None, &[]), d(2023, 3, 5));
        assert_eq!(infer("2023年2月30日", None, &[]), None);
    }
}
