//! Page segmentation: a normalised page (lines, blank lines between blocks) becomes
//! articles. Blocks are classified (headline, body, credit, masthead, continuation
//! marker); headline blocks open articles; body blocks are paragraphs; a paragraph that a
//! column or page break cut mid-sentence is joined to its continuation.
//!
//! The rules, in order of evidence:
//! - a block is a *headline* when it has at most four lines, each short and without a
//!   sentence end (。；, or a final ！？. in English) and with no comma, or one in a line
//!   of at most 30 characters (a fragment of a sentence has commas, a headline rarely);
//! - a headline followed by a body opens an article; one followed by another headline (or
//!   nothing) is a headline-only item (a front-page teaser); one inside an article whose
//!   next paragraph is no dateline, short or numbered (一、（二）3.), is a subhead;
//! - a paragraph whose last character is no sentence end is continued by the next body
//!   paragraph of the same language, unless that one opens with a dateline;
//! - continuation markers (（下转第二版）, (上接A1版)) are dropped.

pub mod byline;

use crate::model::{Article, Byline, Dateline, Language};
use chrono::NaiveDate;
use regex::Regex;
use std::sync::OnceLock;

/// What segmentation found on a page.
#[derive(Debug, Default)]
pub struct Page {
    pub articles: Vec<Article>,
    /// A masthead date (`2023年12月29日 星期五`) standing on a line of its own.
    pub masthead: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Headline,
    Body,
    Credit,
    Masthead,
    Marker,
}

#[derive(Debug)]
struct Block<'a> {
    lines: Vec<&'a str>,
    lang: Language,
    kind: Kind,
}

const SENTENCE_END: &[char] = &['。', '！', '？', '!', '?', '…', '.', '；', ';', '：', ':'];
const CLOSERS: &[char] = &['”', '’', '」', '』', '）', ')', '"', '\'', '》', '】'];

pub fn is_han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{f900}'..='\u{faff}' | '〇')
}

fn language_of(text: &str) -> Option<Language> {
    let (mut han, mut latin) = (0usize, 0usize);
    for c in text.chars() {
        if is_han(c) {
            han += 1;
        } else if c.is_ascii_alphabetic() {
            latin += 1;
        }
    }
    if han > 0 && han * 4 >= latin {
        Some(Language::Zh)
    } else if latin >= 2 {
        Some(Language::En)
    } else if han > 0 {
        Some(Language::Zh)
    } else {
        None
    }
}

/// True when `text` ends a sentence: its last character, past closing quotes and
/// brackets, is a sentence-final mark.
pub fn ends_sentence(text: &str) -> bool {
    let t = text.trim_end().trim_end_matches(CLOSERS);
    t.ends_with(SENTENCE_END)
}

fn dateline_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(
            r"^(?:(?P<own>本报讯|本报[^\s（(，,]{1,8}?讯|[\p{Han}]{2,12}?(?:日报|晚报|报|网|台)讯)|(?P<agency>新华社|中新社|中新网|人民网|央视网|人民日报|光明日报|经济日报|[\p{Han}]{2,8}社)(?P<place>[\p{Han}]{2,8}?)?(?P<d1>\d{1,2}月\d{1,2}日)电)\s*(?:[（(](?P<credits>[^）)]{1,80})[）)])?\s*(?P<d2>\d{1,2}月\d{1,2}日)?",
        )
        .expect("dateline regex")
    })
}

fn masthead_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(
            r"^(?P<src>(?:来源[:：]\s*)?[\p{Han}A-Za-z]{0,12}?(?:日报|晚报|早报|报|新闻网|网|客户端)\s*)?(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日\s*(?:星期|周)?[一二三四五六日天]?\s*(?:农历\S*)?\s*$",
        )
            .expect("masthead regex")
    })
}

fn marker_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"^[（(]?\s*(?:下转|上接|接上|转下|转第|接第|转\s*[A-Z]?\d{1,2}\s*版)[^）)]{0,12}[）)]?$").expect("marker regex")
    })
}

fn subhead_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"^(?:[一二三四五六七八九十]{1,3}[、是]|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[.、．]|第[一二三四五六七八九十]{1,3}[，、：])")
            .expect("subhead regex")
    })
}

fn headline_line(line: &str, lang: Language) -> bool {
    match lang {
        Language::Zh => {
            let commas = line.matches(['，', ',']).count();
            let len = line.chars().count();
            len <= 100
                && (commas == 0 || (commas == 1 && len <= 30))
                && !line.contains(['。', '；'])
                && !ends_sentence(line)
                && !line.trim_end().ends_with(['，', '、', ','])
                && !dateline_re().is_match(line)
        }
        Language::En => {
            let words = line.split_whitespace().count();
            words <= 20
                && !ends_sentence(line)
                && !line.contains(". ")
                && line
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
        }
    }
}

fn classify<'a>(lines: Vec<&'a str>) -> Option<Block<'a>> {
    let joined = lines.join("\n");
    let lang = language_of(&joined)?;
    if lines.len() == 1 {
        let l = lines[0];
        if masthead_re().is_match(l) {
            return Some(Block {
                lines,
                lang,
                kind: Kind::Masthead,
            });
        }
        if marker_re().is_match(l) {
            return Some(Block {
                lines,
                lang,
                kind: Kind::Marker,
            });
        }
    }
    if lines.iter().all(|l| byline::parse_credit_line(l).is_some()) {
        return Some(Block {
            lines,
            lang,
            kind: Kind::Credit,
        });
    }
    let kind = if lines.len() <= 4 && lines.iter().all(|l| headline_line(l, lang)) {
        Kind::Headline
    } else {
        Kind::Body
    };
    Some(Block { lines, lang, kind })
}

fn blocks(text: &str) -> Vec<Block<'_>> {
    let mut out = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    for line in text.split('\n').map(str::trim) {
        if line.is_empty() {
            if !cur.is_empty() {
                out.extend(classify(std::mem::take(&mut cur)));
            }
        } else {
            cur.push(line);
        }
    }
    if !cur.is_empty() {
        out.extend(classify(cur));
    }
    out
}

/// An article under construction.
struct Draft {
    lang: Language,
    headline: Vec<String>,
    paragraphs: Vec<String>,
    bylines: Vec<Byline>,
    pending_role: Option<&'static str>,
    /// The last paragraph is complete (a subhead), whatever its last character.
    last_closed: bool,
}

impl Draft {
    fn new(lang: Language, headline: Vec<String>) -> Self {
        Draft {
            lang,
            headline,
            paragraphs: Vec::new(),
            bylines: Vec::new(),
            pending_role: None,
            last_closed: false,
        }
    }

    /// Adds a body line: joined to the previous paragraph when that one was cut
    /// mid-sentence (and this one opens no new report), else a new paragraph.
    fn push_line(&mut self, line: &str) {
        let closed = std::mem::take(&mut self.last_closed);
        if let Some(last) = self.paragraphs.last_mut() {
            if !closed && !ends_sentence(last) && !dateline_re().is_match(line) {
                let ascii_seam = last
                    .chars()
                    .last()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == ',')
                    && line
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphanumeric());
                if ascii_seam && self.lang == Language::En {
                    last.push(' ');
                }
                last.push_str(line);
                return;
            }
        }
        self.paragraphs.push(line.to_string());
    }

    fn finish(self) -> Article {
        let headline_only = self.paragraphs.is_empty();
        let text = if headline_only {
            self.headline.join("\n")
        } else {
            self.paragraphs.join("\n")
        };
        let mut a = Article::new(self.lang, self.headline, text);
        a.headline_only = headline_only;
        a.bylines = self.bylines;
        if a.language == Language::Zh && !headline_only {
            if let Some((dl, credits)) = parse_dateline(&a.text) {
                a.dateline = Some(dl);
                for b in credits {
                    if !a.bylines.contains(&b) {
                        a.bylines.push(b);
                    }
                }
            }
        }
        a
    }
}

/// Reads the dateline that opens an article's text, with its credits.
pub fn parse_dateline(text: &str) -> Option<(Dateline, Vec<Byline>)> {
    let caps = dateline_re().captures(text)?;
    let m = caps.get(0)?;
    let credits = caps
        .name("credits")
        .and_then(|c| byline::parse_zh_credits(c.as_str()))
        .unwrap_or_default();
    let place = caps.name("place").map(|p| p.as_str().to_string());
    Some((
        Dateline {
            text: m.as_str().trim_end().to_string(),
            place,
            date: None,
        },
        credits,
    ))
}

/// The month and day of every dateline anywhere in `text` (also one that is not at the
/// start of an article, as on a page flattened to one line).
pub fn dateline_dates_anywhere(text: &str) -> Vec<(u32, u32)> {
    static R: OnceLock<Regex> = OnceLock::new();
    let re = R.get_or_init(|| {
        Regex::new(r"(?:本报讯|本报[^\s（(，,。]{1,8}?讯|(?:日报|晚报|网|台)讯)\s*(?:[（(][^）)]{1,80}[）)])?\s*(\d{1,2})月(\d{1,2})日|(?:新华社|中新社|中新网|人民网|央视网)[\p{Han}]{0,8}?(\d{1,2})月(\d{1,2})日电")
            .expect("dateline anywhere regex")
    });
    re.captures_iter(text)
        .filter_map(|c| {
            let (m, d) = if c.get(1).is_some() {
                (&c[1], &c[2])
            } else {
                (&c[3], &c[4])
            };
            Some((m.parse().ok()?, d.parse().ok()?))
        })
        .collect()
}

/// The month and day a dateline states, if any.
pub fn dateline_month_day(dl: &Dateline) -> Option<(u32, u32)> {
    static R: OnceLock<Regex> = OnceLock::new();
    let re = R.get_or_init(|| Regex::new(r"(\d{1,2})月(\d{1,2})日").expect("md regex"));
    let c = re.captures(&dl.text)?;
    Some((c[1].parse().ok()?, c[2].parse().ok()?))
}

/// Splits a normalised page into articles.
pub fn segment(text: &str) -> Page {
    let blocks = blocks(text);
    let mut page = Page::default();
    let mut articles: Vec<Article> = Vec::new();
    let mut cur: Option<Draft> = None;

    for (i, b) in blocks.iter().enumerate() {
        let next = blocks[i + 1..]
            .iter()
            .find(|n| !matches!(n.kind, Kind::Credit | Kind::Marker | Kind::Masthead));
        match b.kind {
            Kind::Masthead => {
                let c = masthead_re().captures(b.lines[0]).expect("matched");
                // a bare date line counts at the top of the page; a line naming the paper
                // or source (江门日报 2024年4月10日, 来源：某报 …) wherever it stands
                let top = articles.is_empty() && cur.is_none();
                if page.masthead.is_none() && (top || c.name("src").is_some()) {
                    page.masthead = NaiveDate::from_ymd_opt(
                        c["y"].parse().unwrap_or(0),
                        c["m"].parse().unwrap_or(0),
                        c["d"].parse().unwrap_or(0),
                    );
                }
            }
            Kind::Marker => {}
            Kind::Credit => {
                let draft = cur.get_or_insert_with(|| Draft::new(b.lang, Vec::new()));
                for l in &b.lines {
                    if let Some((bylines, pending)) = byline::parse_credit_line(l) {
                        draft.bylines.extend(bylines);
                        draft.pending_role = pending;
                    }
                }
            }
            Kind::Headline => {
                // a bare English name after `Text translation`
                if let Some(d) = cur.as_mut() {
                    if let Some(role) = d.pending_role {
                        if b.lines.len() == 1 && byline::en_name_line(b.lines[0]) {
                            d.bylines.push(byline::named(role, b.lines[0]));
                            d.pending_role = None;
                            continue;
                        }
                    }
                }
                let followed_by_body =
                    next.is_some_and(|n| n.kind == Kind::Body && n.lang == b.lang);
                let in_body = cur
                    .as_ref()
                    .is_some_and(|d| !d.paragraphs.is_empty() && d.lang == b.lang);
                if in_body && followed_by_body {
                    let next_first = next.map(|n| n.lines[0]).unwrap_or("");
                    let text = b.lines.join(" ");
                    let short = text.chars().count() <= 24 || subhead_re().is_match(&text);
                    if short && !dateline_re().is_match(next_first) {
                        // a subhead inside the running article
                        if let Some(d) = cur.as_mut() {
                            d.paragraphs.push(text);
                            d.last_closed = true;
                        }
                        continue;
                    }
                }
                if let Some(d) = cur.take() {
                    articles.push(d.finish());
                }
                let lines = b.lines.iter().map(|s| s.to_string()).collect();
                cur = Some(Draft::new(b.lang, lines));
                if !followed_by_body {
                    // headline-only item: close it now
                    articles.push(cur.take().expect("just set").finish());
                }
            }
            Kind::Body => {
                let continues = cur.as_ref().is_some_and(|d| d.lang == b.lang);
                if !continues {
                    if let Some(d) = cur.take() {
                        articles.push(d.finish());
                    }
                    cur = Some(Draft::new(b.lang, Vec::new()));
                }
                let d = cur.as_mut().expect("set above");
                for l in &b.lines {
                    d.push_line(l);
                }
            }
        }
    }
    if let Some(d) = cur.take() {
        articles.push(d.finish());
    }
    page.articles = articles
        .into_iter()
        .filter(|a| !a.text.is_empty() || !a.bylines.is_empty())
        .collect();
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(page: &Page) -> Vec<(&str, &str)> {
        page.articles
            .iter()
            .map(|a| (a.headline.as_str(), a.text.as_str()))
            .collect()
    }

    #[test]
    fn headline_body_and_broken_paragraph() {
        let page = segment(
            "南城召开环保大会\n\n本报讯(记者 王明 李华)3月5日，南城召开大会，全市完成治理任务，带动投资\n\n超百亿元。会议要求继续推进。\n\n第二段落。",
        );
        assert_eq!(
            texts(&page),
            vec![(
                "南城召开环保大会",
                "本报讯(记者 王明 李华)3月5日，南城召开大会，全市完成治理任务，带动投资超百亿元。会议要求继续推进。\n第二段落。"
            )]
        );
        let a = &page.articles[0];
        assert_eq!(a.bylines.len(), 2);
        assert_eq!(a.bylines[1].name_en, "Li Hua");
        assert_eq!(
            a.dateline.as_ref().map(|d| d.text.as_str()),
            Some("本报讯(记者 王明 李华)3月5日")
        );
    }

    #[test]
    fn teasers_are_headline_only_items() {
        let page = segment(
            "《某市条例》明年起实施\n12项措施护航发展\n\n全市新增企业100家\n\n大会标题\n\n本报讯 正文。",
        );
        assert_eq!(page.articles.len(), 3);
        assert!(page.articles[0].headline_only);
        assert_eq!(page.articles[0].headline_lines.len(), 2);
        assert_eq!(
            page.articles[0].text,
            "《某市条例》明年起实施\n12项措施护航发展"
        );
        assert!(page.articles[1].headline_only);
        assert!(!page.articles[2].headline_only);
    }

    #[test]
    fn english_brief_with_translator() {
        let page = segment(
            "City holds a meeting\n\nA meeting was held on May 2 in the city.\n\nText translation\n\nWang Fang\n\n中文标题\n\n正文第一段。",
        );
        assert_eq!(page.articles.len(), 2);
        let en = &page.articles[0];
        assert_eq!(en.language, Language::En);
        assert_eq!(en.headline, "City holds a meeting");
        assert_eq!(en.bylines[0].role, "translator");
        assert_eq!(en.bylines[0].name, "Wang Fang");
        assert_eq!(page.articles[1].language, Language::Zh);
    }

    #[test]
    fn subheads_markers_and_masthead() {
        let page = segment(
            "2024年3月6日 星期三\n\n大标题在此\n\n新华社北京3月5日电（记者 张三）正文开始，没有结束\n\n（下转第二版）\n\n继续正文。\n\n一、加快发展\n\n分项正文。",
        );
        assert_eq!(page.masthead, NaiveDate::from_ymd_opt(2024, 3, 6));
        for (line, date) in [
            ("某州日报 2024年4月10日", (2024, 4, 10)),
            ("来源：某州晚报 2021年11月3日 星期三", (2021, 11, 3)),
            ("某市新闻网 2019年1月2日", (2019, 1, 2)),
        ] {
            let text = format!("{line}\n\n某地召开会议\n\n会议指出，要抓好落实。");
            assert_eq!(
                segment(&text).masthead,
                NaiveDate::from_ymd_opt(date.0, date.1, date.2),
                "{line}"
            );
            let below = format!("某地召开会议\n\n{line}\n\n会议指出，要抓好落实。");
            let page = segment(&below);
            assert_eq!(
                page.masthead,
                NaiveDate::from_ymd_opt(date.0, date.1, date.2),
                "{line}"
            );
            assert_eq!(page.articles.len(), 1, "{line}");
        }
        assert_eq!(page.articles.len(), 1);
        let a = &page.articles[0];
        assert_eq!(
            a.text,
            "新华社北京3月5日电（记者 张三）正文开始，没有结束继续正文。\n一、加快发展\n分项正文。"
        );
        assert_eq!(
            a.dateline.as_ref().and_then(|d| d.place.as_deref()),
            Some("北京")
        );
        assert_eq!(a.bylines[0].name, "张三");
    }

    #[test]
    fn hard_wrapped_paragraphs_join() {
        let page = segment("标题\n\n这是一个被硬换行的\n段落，它在这里结束。\n新的段落。");
        assert_eq!(
            page.articles[0].text,
            "这是一个被硬换行的段落，它在这里结束。\n新的段落。"
        );
    }

    #[test]
    fn no_article_from_nothing() {
        assert!(segment("").articles.is_empty());
        assert!(segment("12345\n\n----").articles.is_empty());
        let p = segment("Only English text here. Nothing else.");
        assert_eq!(p.articles.len(), 1);
        assert_eq!(p.articles[0].language, Language::En);
    }
}
