//! Sentence splitting. A sentence ends at 。！？!?；; or an ellipsis (…… counts once), and
//! takes the closing quotes and brackets that follow it (“有！”与会… splits after ”).
//! A full stop in English splits only before a space and an upper-case letter or a digit,
//! and never inside a number (3.3万). Paragraph breaks always end a sentence.

use crate::model::Span;

const TERMINAL: &[char] = &['。', '！', '？', '!', '?', '；', ';', '…'];
const CLOSERS: &[char] = &['”', '’', '」', '』', '）', ')', '"', '\'', '》', '】'];

/// Splits `text[span]` into sentence spans (byte offsets into `text`), trimmed of spaces.
pub fn split_into(text: &str, span: Span, out: &mut Vec<Span>) {
    let piece = &text[span.start..span.end];
    let mut start = 0;
    let mut it = piece.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        let mut end = None;
        if c == '\n' {
            push(piece, span.start, start, i, out);
            start = i + 1;
            continue;
        }
        if TERMINAL.contains(&c) {
            let mut e = i + c.len_utf8();
            // absorb repeated terminals (！！, ……, ?!) and closing quotes
            while let Some(&(j, d)) = it.peek() {
                if TERMINAL.contains(&d) || CLOSERS.contains(&d) {
                    e = j + d.len_utf8();
                    it.next();
                } else {
                    break;
                }
            }
            end = Some(e);
        } else if c == '.' {
            // English full stop: followed by whitespace and an upper-case letter / digit / end.
            let rest = &piece[i + 1..];
            let next_nonspace = rest
                .trim_start_matches([' ', '"', '\'', ')'])
                .chars()
                .next();
            let spaced = rest.starts_with(' ') || rest.starts_with('"') || rest.is_empty();
            if spaced
                && next_nonspace.is_none_or(|n| n.is_uppercase() || n.is_ascii_digit() || n == '\n')
            {
                let mut e = i + 1;
                while let Some(&(j, d)) = it.peek() {
                    if CLOSERS.contains(&d) {
                        e = j + d.len_utf8();
                        it.next();
                    } else {
                        break;
                    }
                }
                end = Some(e);
            }
        }
        if let Some(e) = end {
            push(piece, span.start, start, e, out);
            start = e;
        }
    }
    push(piece, span.start, start, piece.len(), out);
}

fn push(piece: &str, base: usize, start: usize, end: usize, out: &mut Vec<Span>) {
    let s = &piece[start..end];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if start + lead < end - trail {
        out.push(Span::new(base + start + lead, base + end - trail));
    }
}

/// Splits a whole string; convenience for tests and callers without an article.
pub fn split(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    split_into(text, Span::new(0, text.len()), &mut out);
    out.into_iter().map(|s| &text[s.start..s.end]).collect()
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn chinese_terminals_and_quotes() {
        assert_eq!(
            split("会议召开。“有信心吗？”“有！”与会人员齐声作答。"),
            vec!["会议召开。", "“有信心吗？”", "“有！”", "与会人员齐声作答。"]
        );
        assert_eq!(
            split("一是抓产业；二是抓创新。"),
            vec!["一是抓产业；", "二是抓创新。"]
        );
        assert_eq!(
            split("真的吗？！是的……好。"),
            vec!["真的吗？！", "是的……", "好。"]
        );
    }

    #[test]
    fn numbers_are_not_sentence_ends() {
        assert_eq!(
            split("拆除3.3万亩。增长12.5%。"),
            vec!["拆除3.3万亩。", "增长12.5%。"]
        );
        assert_eq!(
            split("It rose 3.5 percent. Then it fell."),
            vec!["It rose 3.5 percent.", "Then it fell."]
        );
        assert_eq!(split("Mr. wang came."), vec!["Mr. wang came."]);
    }

    #[test]
    fn paragraphs_end_sentences() {
        assert_eq!(
            split("第一段没有句号\n第二段。"),
            vec!["第一段没有句号", "第二段。"]
        );
        assert!(split("").is_empty());
        assert!(split(" \n ").is_empty());
    }
}
