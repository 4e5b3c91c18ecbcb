//! HTML reduced to text: the DOM is parsed with html5ever (through dom_query), elements a
//! reader never sees as article text (script, style, nav, header, footer, forms, asides,
//! comments) are removed, and block elements become paragraph breaks.

use dom_query::Document as Dom;

/// Elements removed with everything inside them.
const DROP: &str = "script, style, noscript, template, nav, header, footer, aside, form, \
                    iframe, svg, canvas, button, select, head";

/// True when the text looks like markup rather than plain text.
pub fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .trim_start()
        .chars()
        .take(1024)
        .collect::<String>()
        .to_ascii_lowercase();
    head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || [
            "<body", "<head", "<p>", "<p ", "<div", "<meta", "<title", "<br", "<article",
        ]
        .iter()
        .any(|t| head.contains(t))
}

/// The page's `<title>`, if any.
pub fn title(html: &str) -> Option<String> {
    let dom = Dom::from(html);
    let t = dom.select("title").text().trim().to_string();
    (!t.is_empty()).then_some(t)
}

/// Reduces an HTML page to plain text with a blank line between blocks.
pub fn to_text(html: &str) -> String {
    let dom = Dom::from(html);
    dom.select(DROP).remove();
    let root = match dom.body() {
        Some(body) => body.formatted_text(),
        None => dom.formatted_text(),
    };
    // formatted_text separates blocks by blank lines and `br` by single newlines.
    root.to_string()
}

/// The page's own headline: its first `h1`, else the `<title>` without the site's name
/// (`标题_中山日报`, `标题 - 网站`).
fn page_headline(dom: &Dom) -> Option<String> {
    let h1 = dom.select("h1").first().text().trim().to_string();
    if !h1.is_empty() {
        return Some(h1);
    }
    let t = dom.select("title").first().text().trim().to_string();
    let head = t
        .split(['_', '|', '｜'])
        .next()
        .unwrap_or_default()
        .split(" - ")
        .next()
        .unwrap_or_default()
        .trim()
        .to_string();
    // 标题-某市人民政府门户网站: a site's name after a bare dash
    let head = match head.rsplit_once(['-', '—', '–']) {
        Some((story, site))
            if site.chars().count() <= 24
                && SITE_ENDINGS.iter().any(|e| site.trim().ends_with(e))
                && story.chars().count() >= 5 =>
        {
            story.trim().to_string()
        }
        _ => head,
    };
    // a short title is the site's or the channel's name (新闻, 要闻), not the story's
    (head.chars().count() >= 5).then_some(head)
}

/// How the names of news sites end (中山日报, 某市人民政府门户网站, 南方+客户端).
const SITE_ENDINGS: &[&str] = &[
    "网",
    "网站",
    "门户",
    "日报",
    "晚报",
    "报",
    "新闻",
    "频道",
    "客户端",
    "平台",
    "政府",
    "在线",
];

/// A full date `YYYY年M月D日` from an ISO timestamp (`2024-10-15T08:00:00+08:00`).
fn iso_date(iso: &str) -> Option<String> {
    let d = iso.get(..10)?;
    let mut it = d.split('-');
    let (y, m, day) = (it.next()?, it.next()?, it.next()?);
    let (y, m, day): (u32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, day.parse().ok()?);
    Some(format!("{y}年{m}月{day}日"))
}

/// The first full date in `text` as `YYYY年M月D日` (2024-10-15, 2024/10/15, 2024年10月15日).
fn date_in(text: &str) -> Option<String> {
    static DATE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = DATE.get_or_init(|| {
        regex::Regex::new(r"(\d{4})(?:年|-|/|\.)(\d{1,2})(?:月|-|/|\.)(\d{1,2})").expect("date")
    });
    let c = re.captures(text)?;
    let (m, d): (u32, u32) = (c[2].parse().ok()?, c[3].parse().ok()?);
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| format!("{}年{m}月{d}日", &c[1]))
}

/// Words that label a page's own date or source line (发布时间：…, 来源：…).
const DATE_LABELS: &[&str] = &[
    "发布时间",
    "发布日期",
    "发布于",
    "时间：",
    "日期：",
    "来源：",
    "来源:",
];

/// A date or source line of the page (`2024-05-01 08:00 来源：本报`, `发布日期：2024-05-01`):
/// short, with a date, and either labelled or nothing much besides the date.
fn meta_line_date(line: &str) -> Option<String> {
    let line = line.trim();
    let n = line.chars().count();
    if n > 80 {
        return None;
    }
    let d = date_in(line)?;
    let labelled = DATE_LABELS.iter().any(|l| line.contains(l))
        || ["来源", "作者", "编辑", "浏览", "点击"]
            .iter()
            .any(|l| line.contains(l));
    let han = line
        .chars()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
        .count();
    (labelled || han <= 4).then_some(d)
}

/// True when `node` sits in a list of links: a date there dates another story (相关新闻).
fn in_link_list(node: &dom_query::NodeRef) -> bool {
    std::iter::once(*node)
        .chain(node.ancestors_it(Some(8)))
        .any(|n| {
            n.node_name()
                .is_some_and(|t| matches!(&*t, "li" | "a" | "ul" | "ol" | "option" | "dd"))
        })
}

/// The page's publication date as `YYYY年M月D日`: from a publication-time `<meta>`, else
/// from the first date in an element whose class or id says date, time, source, info or
/// meta (`<div class="source">来源：某报 2024年10月15日</div>`, `<span id="pubtime">…`),
/// else from a short element labelled as the page's date (`<div class="fbxx">发布日期：…`);
/// never from a list of links.
fn page_date(dom: &Dom) -> Option<String> {
    for sel in [
        r#"meta[property="article:published_time"]"#,
        r#"meta[name="publishdate"]"#,
        r#"meta[name="PubDate"]"#,
        r#"meta[name="pubdate"]"#,
    ] {
        let m = dom.select(sel);
        if let Some(d) = m.attr("content").and_then(|v| date_in(&v)) {
            return Some(d);
        }
    }
    let sel = r#"[class*="date"], [class*="time"], [class*="source"], [class*="info"], [class*="meta"], [class*="pub"], [id*="date"], [id*="time"], [id*="pub"], [class*="Date"], [class*="Time"]"#;
    for node in dom.select(sel).nodes().iter().take(40) {
        if in_link_list(node) {
            continue;
        }
        if let Some(d) = date_in(&node.text()) {
            return Some(d);
        }
    }
    for node in dom
        .select("div, span, p, td, em, i, font, small")
        .nodes()
        .iter()
        .take(600)
    {
        // the label is in the element's own text (发布日期：<span>…</span>); checking that first
        // keeps wrappers from building the whole page's text once per nesting level
        let own = node.immediate_text();
        if !DATE_LABELS.iter().any(|l| own.contains(l)) {
            continue;
        }
        let text = node.text();
        if text.len() > 240 || in_link_list(node) {
            continue;
        }
        if let Some(d) = meta_line_date(&text) {
            return Some(d);
        }
    }
    None
}

/// Main-content extraction: the article's headline and body without navigation, related
/// links, comments or footers, by dom_smoothie (a port of Mozilla's Readability). Pages
/// that carry several `<article>` elements (e-paper layouts) and pages where Readability
/// finds no article keep their whole text, chrome removed, and the page segmentation splits
/// them into articles.
pub fn main_text(html: &str) -> String {
    let dom = Dom::from(html);
    if dom.select("article").length() >= 2 {
        return to_text(html);
    }
    let headline = page_headline(&dom);
    let date = page_date(&dom);
    let cfg = dom_smoothie::Config {
        text_mode: dom_smoothie::TextMode::Formatted,
        // Chinese says in 140 characters what English says in 500
        char_threshold: 140,
        ..Default::default()
    };
    let parsed = dom_smoothie::Readability::with_document(dom, None, Some(cfg))
        .ok()
        .and_then(|mut r| r.parse().ok());
    let Some(article) = parsed else {
        return to_text(html);
    };
    let mut body = article.text_content.trim();
    if body.chars().filter(|c| !c.is_whitespace()).count() < 20 {
        return to_text(html);
    }
    // the page's date or source line, when Readability kept it at the top of the body, is
    // no paragraph of the story (it would be read as a headline): its date is the page's
    let mut date = date;
    if let Some((first, rest)) = body.split_once('\n') {
        if let Some(d) = meta_line_date(first) {
            date = date.or(Some(d));
            body = rest.trim_start();
        }
    }
    let headline = headline
        .or_else(|| {
            let t = article.title.trim();
            (t.chars().count() >= 5).then(|| t.to_string())
        })
        .unwrap_or_default();
    let mut out = String::with_capacity(body.len() + headline.len() + 32);
    // the page's date line (Readability drops it with the rest of the chrome) goes on top,
    // where the page segmentation reads a masthead date
    if let Some(d) = date.or_else(|| article.published_time.as_deref().and_then(iso_date)) {
        out.push_str(&d);
        out.push_str("\n\n");
    }
    if !headline.is_empty() && !body.starts_with(&headline) {
        out.push_str(&headline);
        out.push_str("\n\n");
    }
    out.push_str(body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_chrome_keeps_blocks() {
        let html = "<html><head><title>T</title><style>p{}</style></head><body>\
            <nav>首页 | 要闻</nav><h1>中山召开大会</h1><p>第一段。</p><p>第二段。</p>\
            <script>var x = '<p>no</p>';</script><footer>版权所有</footer></body></html>";
        let text = to_text(html);
        assert!(text.contains("中山召开大会"));
        assert!(text.contains("第一段。") && text.contains("第二段。"));
        assert!(!text.contains("首页") && !text.contains("var x") && !text.contains("版权"));
        assert!(
            text.contains("第一段。\n\n第二段。") || text.contains("第一段。\n第二段。"),
            "{text:?}"
        );
        assert_eq!(title(html).as_deref(), Some("T"));
    }

    #[test]
    fn main_text_keeps_the_story_and_drops_the_rest() {
        let para = "某区召开全区重点项目建设推进会，总结前三季度重点项目建设情况，部署第四季度工作。\
            会议指出，前三季度全区重点项目完成投资一百二十亿元，完成年度计划的百分之八十五。";
        let html = format!(
            "<html><head><title>某区召开重点项目推进会_某区新闻网</title></head><body>\
             <div class=\"menu\"><a href=\"/\">首页</a> <a href=\"/a\">本地新闻</a> <a href=\"/b\">视频</a></div>\
             <div class=\"main\"><h1>某区召开重点项目推进会</h1><div class=\"info\">来源：某区新闻网</div>\
             <div class=\"content\"><p>{para}</p><p>{para}</p><p>{para}</p></div></div>\
             <div class=\"related\"><h3>相关新闻</h3><ul><li><a href=\"/1\">另一条新闻标题一</a></li>\
             <li><a href=\"/2\">另一条新闻标题二</a></li><li><a href=\"/3\">另一条新闻标题三</a></li></ul></div>\
             <div class=\"comments\"><p>网友评论：点赞</p></div>\
             <div class=\"footer\">版权所有 某区新闻网 备案号</div></body></html>"
        );
        let text = main_text(&html);
        assert!(text.starts_with("某区召开重点项目推进会\n\n"), "{text}");
        let dated = html.replace("来源：某区新闻网", "来源：某区新闻网 2022-06-30 09:12");
        assert!(
            main_text(&dated).starts_with("2022年6月30日\n\n某区召开"),
            "{}",
            main_text(&dated)
        );
        assert!(text.contains("完成年度计划的百分之八十五"));
        for chrome in ["首页", "相关新闻", "另一条新闻", "版权所有", "网友评论"]
        {
            assert!(!text.contains(chrome), "{chrome} in {text}");
        }
    }

    #[test]
    fn e_paper_pages_keep_every_article() {
        let html = "<html><body><article><h2>甲新闻</h2><p>第一篇正文。</p></article>\
                    <article><h2>乙新闻</h2><p>第二篇正文。</p></article></body></html>";
        let text = main_text(html);
        assert!(text.contains("甲新闻") && text.contains("乙新闻") && text.contains("第二篇正文"));
    }

    #[test]
    fn detects_markup() {
        assert!(looks_like_html("<!DOCTYPE html><html>"));
        assert!(looks_like_html("  <div>中山</div>"));
        assert!(!looks_like_html("中山市召开会议。a < b"));
    }

    #[test]
    fn the_page_date_line_is_read_and_kept_out_of_the_story() {
        let story = "<p>江门市召开全市低效用地整治推进会，部署下一阶段工作。会议指出，全市已累计完成整治任务一万二千亩，超额完成年度目标。</p>".repeat(3);
        // a meta line inside <article>, which Readability keeps at the top of the body
        let text = main_text(&format!(
            "<html><head><title>江门部署低效用地整治 | 客户端</title></head><body><main><article>\
             <h1>江门部署低效用地整治</h1><div class=\"byline\">2023-06-08 08:00 来源：江门日报</div>{story}\
             </article><aside><ul><li><a href=\"/x\">另一则</a><span>2024-02-11</span></li></ul></aside></main></body></html>"
        ));
        assert!(
            text.starts_with("2023年6月8日\n\n江门部署低效用地整治\n\n江门市召开"),
            "{text}"
        );
        // a labelled date in an element whose class says nothing (发布信息 → fbxx)
        let text = main_text(&format!(
            "<html><head><title>江门部署低效用地整治-江门市人民政府门户网站</title></head><body>\
             <div class=\"tit\"><h2>江门部署低效用地整治</h2></div><div class=\"fbxx\">发布日期：2023-06-08 信息来源：市自然资源局</div>\
             <div id=\"zoom\">{story}</div></body></html>"
        ));
        assert!(
            text.starts_with("2023年6月8日\n\n江门部署低效用地整治\n\n"),
            "{text}"
        );
        assert!(
            !text.contains("发布日期") && !text.contains("门户网站"),
            "{text}"
        );
        // the label in the element's own text, the date in a child, inside wrappers
        let text = main_text(&format!(
            "<html><body><div><div><div class=\"x\">发布时间：<span>2023/06/08</span> 来源：市府办</div>\
             <div id=\"zoom\">{story}</div></div></div></body></html>"
        ));
        assert!(text.starts_with("2023年6月8日\n\n"), "{text}");
        // a long paragraph that happens to hold a date stays in the story
        assert_eq!(
            meta_line_date(
                "2023年6月8日，江门市召开全市低效用地整治推进会，部署下一阶段工作，会议由市长主持。"
            ),
            None
        );
        assert_eq!(
            meta_line_date("发布时间：2023/06/08"),
            Some("2023年6月8日".into())
        );
    }

    #[test]
    fn a_short_title_is_the_site_name_not_a_headline() {
        let story = "<p>江门市召开全市低效用地整治推进会，部署下一阶段工作。会议指出，全市已累计完成整治任务一万二千亩，超额完成年度目标。</p>".repeat(3);
        let text = main_text(&format!(
            "<html><head><title>新闻</title></head><body><div class=\"content\">{story}</div></body></html>"
        ));
        assert!(text.starts_with("江门市召开"), "{text}");
        let text = main_text(&format!(
            "<html><head><title>江门部署低效用地整治 - 新闻网</title></head><body><div class=\"content\">{story}</div></body></html>"
        ));
        assert!(text.starts_with("江门部署低效用地整治\n\n"), "{text}");
    }

    #[test]
    fn page_date_skips_dates_of_listed_stories() {
        let story = "<p>江门市召开全市低效用地整治推进会，部署下一阶段工作。会议指出，全市已累计完成整治任务一万二千亩，超额完成年度目标。</p>".repeat(3);
        let page = |date_el: &str| {
            format!(
                "<html><head><title>推进会召开</title></head><body><div class=\"side\"><ul>\
                 <li><a href=\"/a\">另一则新闻</a><span class=\"date\">2024-02-11</span></li></ul></div>\
                 <h1>推进会召开</h1>{date_el}<div class=\"content\">{story}</div></body></html>"
            )
        };
        let with = main_text(&page(
            "<div class=\"info\">来源：江门日报 2023年6月8日</div>",
        ));
        assert!(with.starts_with("2023年6月8日"), "{with}");
        let without = main_text(&page(""));
        assert!(!without.contains("2024年2月11日"), "{without}");
    }

    #[test]
    fn malformed_html_does_not_panic() {
        for s in [
            "<p",
            "<<<>>>",
            "<p><div></p></div>",
            "<html><body><p>未闭合",
            "</body>",
        ] {
            let _ = to_text(s);
            let _ = main_text(s);
        }
        assert!(to_text("<html><body><p>未闭合").contains("未闭合"));
    }
}
