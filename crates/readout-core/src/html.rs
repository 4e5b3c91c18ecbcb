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
    fn detects_markup() {
        assert!(looks_like_html("<!DOCTYPE html><html>"));
        assert!(looks_like_html("  <div>中山</div>"));
        assert!(!looks_like_html("中山市召开会议。a < b"));
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
        }
        assert!(to_text("<html><body><p>未闭合").contains("未闭合"));
    }
}
