//! Documents: laws, regulations, plans and notices named in 《…》, document numbers
//! (文号: 中府〔2023〕45号), and when they take effect (自2024年1月1日起施行, 2024年元旦起实施).
//!
//! The English title is built from the title's parts: a place at its head, the subject in
//! the middle (rendered with the term glossary), and the kind at its end (条例 Regulations,
//! 意见 Opinions, 通知 Notice, 规划 Plan …): 《中山市优化营商环境条例》 → Regulations of
//! Zhongshan on Optimizing the Business Environment.

use crate::model::{Article, Fact, FactBody, Span};
use crate::pipeline::{Context, Stage};
use regex::Regex;
use serde::Serialize;
use std::sync::OnceLock;

/// The body of a `document` fact.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentFact {
    pub title: String,
    pub title_en: String,
    /// regulation, law, opinions, notice, plan, measures, provisions, decision, rules, outline, report, other
    pub doc_kind: String,
    /// The document number (文号), where the text gives one.
    pub number: Option<String>,
    /// The date it takes effect, where the text says.
    pub effective: Option<String>,
}

/// Kinds by the end of the title: (suffix, kind, English).
const KINDS: &[(&str, &str, &str)] = &[
    ("实施细则", "rules", "Implementation Rules"),
    ("实施意见", "opinions", "Implementation Opinions"),
    ("指导意见", "opinions", "Guiding Opinions"),
    ("若干意见", "opinions", "Opinions"),
    ("实施方案", "plan", "Implementation Plan"),
    ("工作方案", "plan", "Work Plan"),
    ("行动方案", "plan", "Action Plan"),
    ("行动计划", "plan", "Action Plan"),
    ("若干措施", "measures", "Measures"),
    ("若干规定", "provisions", "Provisions"),
    ("管理办法", "measures", "Administrative Measures"),
    ("暂行办法", "measures", "Interim Measures"),
    ("工作报告", "report", "Work Report"),
    ("条例", "regulation", "Regulations"),
    ("办法", "measures", "Measures"),
    ("规定", "provisions", "Provisions"),
    ("意见", "opinions", "Opinions"),
    ("通知", "notice", "Notice"),
    ("规划", "plan", "Plan"),
    ("方案", "plan", "Plan"),
    ("计划", "plan", "Plan"),
    ("决定", "decision", "Decision"),
    ("细则", "rules", "Rules"),
    ("纲要", "outline", "Outline"),
    ("报告", "report", "Report"),
    ("白皮书", "report", "White Paper"),
    ("措施", "measures", "Measures"),
    ("法", "law", "Law"),
];

fn title_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"《([^《》\n]{1,80})》").expect("title regex"))
}

fn number_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"[\p{Han}]{1,8}[〔\[［【(（](?:19|20)\d{2}[〕\]］】)）]\s*\d{1,5}\s*号")
            .expect("number regex")
    })
}

fn effective_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"^(?:将于|于|自|从)?(.{0,24}?)起(?:正式)?(?:施行|实施|执行|生效)")
            .expect("effective regex")
    })
}

/// English of a title.
pub fn title_en(title: &str) -> (String, &'static str) {
    // a bare kind word (《办法》, 《条例》) is a document of that kind
    if let Some((_, k, e)) = KINDS.iter().find(|(s, _, _)| *s == title) {
        return (format!("the {e}"), k);
    }
    let (body, kind, kind_en) = KINDS
        .iter()
        .find_map(|(s, k, e)| {
            title
                .strip_suffix(s)
                .filter(|b| !(b.is_empty() || *s == "法" && b.ends_with('办')))
                .map(|b| (b, *k, *e))
        })
        .unwrap_or((title, "other", ""));
    // a place at the head: 中山市 / 广东省 / 中华人民共和国
    let (place_en, rest) = if let Some(r) = body.strip_prefix("中华人民共和国") {
        (Some("the People's Republic of China".to_string()), r)
    } else {
        let idx: Vec<usize> = body
            .char_indices()
            .map(|(i, _)| i)
            .chain([body.len()])
            .collect();
        let mut hit = None;
        for k in (2..=6.min(idx.len() - 1)).rev() {
            if let Some(p) = crate::place::lookup(&body[..idx[k]]) {
                hit = Some((
                    p.en.trim_end_matches(" Province").to_string(),
                    &body[idx[k]..],
                ));
                break;
            }
        }
        match hit {
            Some((p, r)) => (Some(p), r),
            None => (None, body),
        }
    };
    let rest = rest.strip_prefix("关于").unwrap_or(rest);
    let rest = rest.strip_suffix("的").unwrap_or(rest);
    // regulations, measures and plans in phrase order (…村级工业园改造 → renovation of …);
    // a law keeps the noun-first name laws have in English (Wildlife Protection Law)
    let (subject, _) = if kind == "law" {
        crate::glossary::render(rest)
    } else {
        crate::glossary::render_phrase(rest)
    };
    let en = match (kind_en.is_empty(), place_en, subject.is_empty()) {
        (true, _, _) => crate::glossary::render(title).0,
        (false, Some(p), false) if kind == "law" => format!("{} Law of {p}", title_case(&subject)),
        (false, Some(p), false) => format!("{kind_en} of {p} on {subject}"),
        (false, Some(p), true) => format!("{kind_en} of {p}"),
        (false, None, false) if kind == "law" => format!("{} Law", title_case(&subject)),
        (false, None, false) => format!("{kind_en} on {subject}"),
        (false, None, true) => kind_en.to_string(),
    };
    (en, kind)
}

/// The document stage (after times, whose facts give effective dates).
pub struct Documents;

impl Stage for Documents {
    fn name(&self) -> &'static str {
        "documents"
    }
    fn run(&self, a: &mut Article, _: &Context) {
        let text = a.text.as_str();
        let mut new = Vec::new();
        for c in title_re().captures_iter(text) {
            let m = c.get(0).expect("match");
            let title = &c[1];
            let (en, kind) = title_en(title);
            // a document number right after (《…》(中府〔2023〕45号))
            // the number and the effective clause follow the title closely
            let after = &text[m.end()..crate::model::window_after(text, m.end(), 160)];
            let number = number_re()
                .find(after)
                .filter(|n| n.start() <= 3)
                .map(|n| n.as_str().to_string());
            // an effective date: the time fact inside “…起施行” right after the title
            let after_num = number
                .as_ref()
                .map_or(0, |n| after.find(n.as_str()).unwrap_or(0) + n.len());
            let tail = &after[after_num..];
            let effective = effective_re().captures(tail).and_then(|e| {
                let cl = e.get(1)?;
                let (cs, ce) = (
                    m.end() + after_num + cl.start(),
                    m.end() + after_num + cl.end(),
                );
                a.facts.iter().find_map(|f| match &f.body {
                    FactBody::Time(t) if f.span.start >= cs && f.span.end <= ce => {
                        Some(t.value.clone())
                    }
                    _ => None,
                })
            });
            let fact = DocumentFact {
                title: title.to_string(),
                title_en: en.clone(),
                doc_kind: kind.into(),
                number,
                effective,
            };
            new.push(Fact::new(
                text,
                Span::new(m.start(), m.end()),
                FactBody::Document(fact),
                en,
            ));
        }
        a.facts.extend(new);
    }
}

/// A law's name in title case, as laws are named in English (Wildlife Protection Law).
fn title_case(s: &str) -> String {
    s.split(' ')
        .enumerate()
        .map(|(i, w)| {
            if i > 0 && matches!(w, "of" | "and" | "on" | "the" | "for" | "in") {
                w.to_string()
            } else {
                crate::person::pinyin::capitalise(w)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles() {
        assert_eq!(
            title_en("中山市优化营商环境条例").0,
            "Regulations of Zhongshan on optimizing the business environment"
        );
        assert_eq!(title_en("中华人民共和国环境保护法").1, "law");
    }
}
