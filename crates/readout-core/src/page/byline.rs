//! Credits: the `(记者 郭锦润 陈伟祺)` of a dateline, `编辑 张三` lines, and English
//! `Text translation` / `By …` lines. Role words come from `data/byline_roles.tsv`.

use crate::model::Byline;
use crate::person::name_to_pinyin;
use crate::person::pinyin::data_rows;
use std::sync::OnceLock;

const ROLES_TSV: &str = include_str!("data/byline_roles.tsv");

/// (word, role), longest word first.
fn roles() -> &'static [(&'static str, &'static str)] {
    static R: OnceLock<Vec<(&'static str, &'static str)>> = OnceLock::new();
    R.get_or_init(|| {
        let mut v: Vec<_> = data_rows(ROLES_TSV)
            .filter(|r| r.len() >= 2)
            .map(|r| (r[0], r[1]))
            .collect();
        v.sort_by_key(|(w, _)| std::cmp::Reverse(w.chars().count()));
        v
    })
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{f900}'..='\u{faff}')
}

/// A plausible Chinese personal name as written in a credit: 2–4 Han characters
/// (5 with a compound surname), or a run of capitalised Latin words.
/// A desk, not a person, signs as 新闻中心 or 综合部: such endings are never given names.
const DESK_ENDINGS: &[&str] = &[
    "中心", "部", "办", "社", "网", "站", "台", "组", "室", "委", "局", "报", "处", "科", "所",
    "院", "团", "队", "频道", "编辑", "记者",
];

fn plausible_zh_name(s: &str) -> bool {
    let n = s.chars().count();
    (2..=5).contains(&n) && s.chars().all(|c| is_han(c) || c == '·') && !is_desk(s)
}

/// A desk or an outlet signing a credit (新闻中心, 综合部, 某某日报): a credit, not a person.
fn is_desk(s: &str) -> bool {
    let n = s.chars().count();
    (2..=12).contains(&n)
        && s.chars().all(is_han)
        && (DESK_ENDINGS.iter().any(|e| s.ends_with(e)) || s.contains("新闻"))
}

fn plausible_en_name(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    (1..=4).contains(&words.len())
        && words.iter().all(|w| {
            let mut cs = w.chars();
            cs.next().is_some_and(|c| c.is_uppercase())
                && cs.all(|c| c.is_alphabetic() || c == '-' || c == '\'' || c == '.')
        })
}

fn byline(role: &'static str, name: &str) -> Byline {
    let name = name.trim().to_string();
    let name_en = if name.chars().any(is_han) {
        name_to_pinyin(&name)
    } else {
        name.clone()
    };
    Byline {
        role,
        name,
        name_en,
    }
}

/// Parses the inside of a credit: `记者 郭锦润 陈伟祺 通讯员 李明`, `记者郭锦润`,
/// `文/图 张三`, `责任编辑：李四`. Returns None unless every token is a role or a name
/// and at least one name or desk follows a role; a desk (`责任编辑：新闻中心`) is no person.
pub fn parse_zh_credits(s: &str) -> Option<Vec<Byline>> {
    let mut out = Vec::new();
    let mut desk = false;
    let mut role: Option<&'static str> = None;
    for raw in s.split(|c: char| {
        c.is_whitespace() || matches!(c, '、' | '，' | ',' | '：' | ':' | '；' | ';')
    }) {
        let mut tok = raw.trim();
        if tok.is_empty() {
            continue;
        }
        // a role word, possibly glued to a name (记者郭锦润)
        if let Some((w, r)) = roles().iter().find(|(w, _)| tok.starts_with(w)) {
            role = Some(r);
            tok = tok[w.len()..].trim_start_matches(['/', '：', ':']);
            if tok.is_empty() {
                continue;
            }
        }
        let r = role?;
        if is_desk(tok) {
            desk = true;
            continue;
        }
        if !plausible_zh_name(tok) {
            return None;
        }
        out.push(byline(r, tok));
    }
    (desk || !out.is_empty()).then_some(out)
}

/// Parses a whole credit line: `编辑 张三`, `(记者 王五)`, `Text translation Li Jing`,
/// `By Li Jing`. Returns the bylines and whether the line ended on a role with no name
/// (`Text translation` alone, whose name is on the next line).
pub fn parse_credit_line(line: &str) -> Option<(Vec<Byline>, Option<&'static str>)> {
    let line = line.trim();
    let inner = line
        .strip_prefix(['(', '（'])
        .and_then(|l| l.strip_suffix([')', '）']))
        .unwrap_or(line);
    if inner.chars().any(is_han) {
        return parse_zh_credits(inner).map(|b| (b, None));
    }
    // English: ROLE[:] [NAME]
    let (w, role) = roles().iter().find(|(w, _)| {
        w.is_ascii()
            && inner.len() >= w.len()
            && inner
                .get(..w.len())
                .is_some_and(|h| h.eq_ignore_ascii_case(w))
            && inner[w.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric())
    })?;
    let rest = inner[w.len()..].trim_start_matches([':', ' ', '/']).trim();
    if rest.is_empty() {
        return Some((Vec::new(), Some(role)));
    }
    plausible_en_name(rest).then(|| (vec![byline(role, rest)], None))
}

/// A line that is only an English name (the line after a bare `Text translation`).
pub fn en_name_line(line: &str) -> bool {
    plausible_en_name(line.trim())
}

pub fn named(role: &'static str, name: &str) -> Byline {
    byline(role, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dateline_credits() {
        let b = parse_zh_credits("记者 郭锦润 陈伟祺 夏升权").unwrap();
        let names: Vec<_> = b
            .iter()
            .map(|b| (b.role, b.name.as_str(), b.name_en.as_str()))
            .collect();
        assert_eq!(
            names,
            vec![
                ("reporter", "郭锦润", "Guo Jinrun"),
                ("reporter", "陈伟祺", "Chen Weiqi"),
                ("reporter", "夏升权", "Xia Shengquan")
            ]
        );
        let b = parse_zh_credits("记者王晓明 通讯员 欧阳丽、曾小华").unwrap();
        assert_eq!(b[0].name, "王晓明");
        assert_eq!(b[1].role, "correspondent");
        assert_eq!(b[2].name_en, "Zeng Xiaohua");
        assert_eq!(
            parse_zh_credits("文/图 单明").unwrap()[0].role,
            "reporter_photographer"
        );
        // not credits
        assert!(parse_zh_credits("记者从会上获悉全市完成任务").is_none());
        assert!(parse_zh_credits("郭锦润").is_none());
    }

    #[test]
    fn credit_lines() {
        let (b, pending) = parse_credit_line("Text translation").unwrap();
        assert!(b.is_empty());
        assert_eq!(pending, Some("translator"));
        let (b, _) = parse_credit_line("By Li Jing").unwrap();
        assert_eq!((b[0].role, b[0].name.as_str()), ("reporter", "Li Jing"));
        // a desk signs: the line is a credit, with no person in it
        assert_eq!(
            parse_credit_line("责任编辑：新闻中心"),
            Some((vec![], None))
        );
        assert_eq!(parse_credit_line("编辑：综合部 张三").unwrap().0.len(), 1);
        let (b, _) = parse_credit_line("（责任编辑：李四）").unwrap();
        assert_eq!((b[0].role, b[0].name_en.as_str()), ("editor", "Li Si"));
        assert!(parse_credit_line("By the end of the year, output rose.").is_none());
        assert!(parse_credit_line("Bypass roads opened").is_none());
        assert!(en_name_line("Li Jing"));
        // found by the fuzzer: a multi-byte character where a role word would end
        assert!(parse_credit_line("Riverside \u{fffd}\u{fffd}rict").is_none());
        assert!(parse_credit_line("By\u{fffd}").is_none());
        assert!(!en_name_line("the meeting was held"));
    }
}
