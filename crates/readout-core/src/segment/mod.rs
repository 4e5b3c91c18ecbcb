//! Word segmentation with jieba-rs: its embedded dictionary plus `data/userdict.txt`, loaded
//! once per process. The same tokenizer serves analysis and (later) the search index, so a
//! search finds what the analyser saw.
//!
//! HMM discovery of unknown words is off: it is slower and its main gain, unknown names,
//! is done by the person rules, which jieba would otherwise split (郭/文海).

use crate::model::Span;
use jieba_rs::Jieba;
use std::sync::OnceLock;

const USER_DICT: &str = include_str!("data/userdict.txt");

/// The process-wide segmenter.
pub fn jieba() -> &'static Jieba {
    static J: OnceLock<Jieba> = OnceLock::new();
    J.get_or_init(|| {
        let mut j = Jieba::new();
        add_dictionary(&mut j, USER_DICT);
        j
    })
}

/// Adds words in jieba's dictionary format, skipping comments and blank lines.
pub fn add_dictionary(j: &mut Jieba, dict: &str) {
    for line in dict.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.split_whitespace();
        let Some(word) = parts.next() else { continue };
        let freq = parts.next().and_then(|f| f.parse().ok());
        let tag = parts.next();
        j.add_word(word, freq, tag);
    }
}

/// Segments `text[span]` into word spans (byte offsets into `text`); whitespace is dropped.
pub fn tokenize_into(text: &str, span: Span, out: &mut Vec<Span>) {
    let piece = &text[span.start..span.end];
    for tok in jieba().cut(piece, false) {
        if tok.word.trim().is_empty() {
            continue;
        }
        out.push(Span::new(
            span.start + tok.byte_start,
            span.start + tok.byte_end,
        ));
    }
}

/// Segments a string into words (for the search index and tests).
pub fn words(text: &str) -> Vec<&str> {
    jieba()
        .cut(text, false)
        .into_iter()
        .map(|t| t.word)
        .filter(|w| !w.trim().is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_dictionary_terms_are_single_tokens() {
        let w = words("推动规上工业企业数字化转型，优化营商环境");
        assert!(w.contains(&"规上工业企业"), "{w:?}");
        assert!(w.contains(&"营商环境"), "{w:?}");
    }

    #[test]
    fn spans_slice_the_text() {
        let text = "前言。中山召开大会";
        let mut out = Vec::new();
        tokenize_into(text, Span::new(9, text.len()), &mut out);
        let joined: String = out.iter().map(|s| &text[s.start..s.end]).collect();
        assert_eq!(joined, "中山召开大会");
    }
}
