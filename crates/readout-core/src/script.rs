//! Traditional Chinese pages (Hong Kong, Macao, Taiwan sites; Big5 archives) converted to
//! simplified characters for analysis, by OpenCC's dictionaries (ferrous-opencc, phrase
//! level: 發展 → 发展, 乾隆 stays). The caller keeps the original text.

use ferrous_opencc::{OpenCC, config::BuiltinConfig};
use std::sync::OnceLock;

/// Frequent characters that exist only in traditional script: a text with several of them
/// is traditional. (A simplified text never contains them; a single one may be a quote.)
const TRADITIONAL_ONLY: &str = "們個這來國會說時對發與為經開關學實體長東問現進過動頭點還樣當從\
    後應業義議區據際總內黨員計產設術報導論聯場強隊處給讓認識導係縣鄉鎮";

fn converter() -> &'static OpenCC {
    static C: OnceLock<OpenCC> = OnceLock::new();
    C.get_or_init(|| {
        OpenCC::from_config(BuiltinConfig::T2s).expect("the built-in t2s configuration loads")
    })
}

/// True when `text` is written in traditional characters.
pub fn is_traditional(text: &str) -> bool {
    let mut hits = 0;
    for c in text.chars() {
        if TRADITIONAL_ONLY.contains(c) {
            hits += 1;
            if hits >= 3 {
                return true;
            }
        }
    }
    false
}

/// The text in simplified characters when it is traditional; None when it already is
/// simplified (nothing to do).
pub fn to_simplified(text: &str) -> Option<String> {
    is_traditional(text).then(|| converter().convert(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_traditional_and_leaves_simplified() {
        let t =
            "中山市召開推進新型工業化大會，市委書記出席會議並講話。會議強調，要堅持高質量發展。";
        let s = to_simplified(t).expect("traditional");
        assert_eq!(
            s,
            "中山市召开推进新型工业化大会，市委书记出席会议并讲话。会议强调，要坚持高质量发展。"
        );
        assert_eq!(to_simplified(&s), None);
        assert_eq!(to_simplified("中山市召开大会"), None);
        // one traditional character in a quotation does not make a page traditional
        assert_eq!(to_simplified("他写下“發”字，寓意发展。"), None);
    }
}
