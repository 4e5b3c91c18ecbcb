//! Events: meetings and other gatherings — 召开/举行/主持召开 … 会议/大会/座谈会/推进会 —
//! with their name (and English), date, place and participants with their roles
//! (出席 attended, 主持 presided, 讲话 spoke, 参加 attended, 部署 deployed, 调研 inspected).
//!
//! The name is what stands between the verb and the meeting word (召开|加快推进新型工业化
//! 高质量建设制造强市大会), or before 召开 when the meeting is the subject (…总结大会召开).
//! The date is the time in the same sentence, else the dateline's; the place is the place
//! before the verb, else the article's main city.

use crate::model::{Article, Fact, FactBody, Span};
use crate::pipeline::{Context, Stage};
use regex::Regex;
use serde::Serialize;
use std::sync::OnceLock;

#[derive(Debug, Clone, Serialize)]
pub struct Participant {
    pub name: String,
    pub name_en: String,
    pub role: String,
}

/// The body of an `event` fact.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case")]
pub struct EventFact {
    #[serde(rename = "type")]
    pub event_type: String,
    pub name: String,
    pub name_en: String,
    pub date: Option<String>,
    pub date_en: Option<String>,
    pub place: Option<String>,
    pub place_en: Option<String>,
    pub participants: Vec<Participant>,
}

const MEETING_WORDS: &str = "常委会会议|常务会议|工作会议|全体会议|扩大会议|专题会议|座谈会|推进会|总结会|动员会|调度会|研讨会|发布会|新闻发布会|交流会|推介会|招商会|洽谈会|联席会议|学习会|培训会|部署会|协调会|汇报会|现场会|表彰会|观摩会|分析会|对接会|恳谈会|说明会|听证会|评审会|启动会|务虚会|约谈会|全会|大会|会议|论坛|峰会|博览会|展览会|展销会|交易会|签约仪式|开幕式|闭幕式|典礼|仪式";

fn verb_first_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(&format!(r"(?:主持召开|组织召开|隆重召开|高规格召开|召开|举行|举办)了?(?P<name>[^，。；：、,;“”\s]{{0,40}}?(?:{MEETING_WORDS})(?:暨[^，。；：、,;“”\s]{{1,30}}?(?:{MEETING_WORDS}))?)")).expect("event regex")
    })
}

fn subject_first_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(&format!(r"(?P<name>[^，。；：、,;“”\s]{{2,60}}?(?:{MEETING_WORDS}))(?P<at>在[^，。]{{1,12}})?(?:昨日|昨天|今天|今日|近日|日前|当天|上午|下午|晚上|隆重|正式|顺利)?(?:召开|举行|开幕|举办)(?P<after>为契机|之际|前夕|以来|期间)?")).expect("event regex")
    })
}

fn event_type(name: &str) -> &'static str {
    if name.ends_with("论坛") || name.ends_with("峰会") {
        "forum"
    } else if ["仪式", "开幕式", "闭幕式", "典礼"]
        .iter()
        .any(|k| name.ends_with(k))
    {
        "ceremony"
    } else if ["博览会", "展览会", "展销会", "交易会"]
        .iter()
        .any(|k| name.ends_with(k))
    {
        "fair"
    } else {
        "meeting"
    }
}

/// English of a meeting's name: "<subject> conference" from the glossary.
pub fn name_en(name: &str) -> String {
    if let Some(en) = crate::glossary::lookup(name) {
        return en;
    }
    let kinds: &[(&str, &str)] = &[
        ("常委会会议", "Standing Committee meeting"),
        ("常务会议", "executive meeting"),
        ("工作会议", "work conference"),
        ("全体会议", "plenary meeting"),
        ("座谈会", "symposium"),
        ("推进会", "promotion meeting"),
        ("总结会", "review meeting"),
        ("动员会", "mobilization meeting"),
        ("新闻发布会", "press conference"),
        ("发布会", "launch event"),
        ("推介会", "promotion event"),
        ("学习会", "study session"),
        ("培训会", "training session"),
        ("部署会", "deployment meeting"),
        ("协调会", "coordination meeting"),
        ("汇报会", "briefing"),
        ("现场会", "on-site meeting"),
        ("表彰会", "commendation meeting"),
        ("观摩会", "observation meeting"),
        ("分析会", "analysis meeting"),
        ("对接会", "matchmaking meeting"),
        ("恳谈会", "dialogue meeting"),
        ("说明会", "briefing"),
        ("听证会", "hearing"),
        ("评审会", "review meeting"),
        ("启动会", "launch meeting"),
        ("务虚会", "strategy meeting"),
        ("约谈会", "admonition meeting"),
        ("研讨会", "seminar"),
        ("交流会", "exchange meeting"),
        ("洽谈会", "business fair"),
        ("招商会", "investment promotion meeting"),
        ("博览会", "expo"),
        ("展览会", "exhibition"),
        ("展销会", "trade fair"),
        ("交易会", "trade fair"),
        ("开幕式", "opening ceremony"),
        ("闭幕式", "closing ceremony"),
        ("典礼", "ceremony"),
        ("论坛", "forum"),
        ("峰会", "summit"),
        ("签约仪式", "signing ceremony"),
        ("集中开工仪式", "groundbreaking ceremony"),
        ("集中签约仪式", "signing ceremony"),
        ("开工仪式", "groundbreaking ceremony"),
        ("揭牌仪式", "unveiling ceremony"),
        ("启动仪式", "launch ceremony"),
        ("仪式", "ceremony"),
        ("全会", "plenary session"),
        ("总结大会", "summary conference"),
        ("推进大会", "conference"),
        ("大会", "conference"),
        ("会议", "meeting"),
    ];
    let (body, kind) = kinds
        .iter()
        .find_map(|(s, k)| name.strip_suffix(s).map(|b| (b, *k)))
        .unwrap_or((name, "meeting"));
    // a place and a year at the head: 中山市2023年度…
    let mut body = body;
    let mut place = None;
    for len in [9usize, 6] {
        if let Some(p) = body.get(..len).and_then(crate::place::lookup) {
            place = Some(p.en.to_string());
            body = &body[len..];
            break;
        }
    }
    let mut year = None;
    if let Some(rest) = body.get(4..).filter(|_| {
        body.get(..4)
            .is_some_and(|y| y.bytes().all(|b| b.is_ascii_digit()))
    }) {
        let r = rest
            .strip_prefix("年度")
            .or_else(|| rest.strip_prefix('年'));
        if let Some(r) = r {
            year = Some(body[..4].to_string());
            body = r;
        }
    }
    let body = body.trim_start_matches(['暨', '的']);
    // 全市…工作会议 is a citywide conference, not one on "the whole city"
    let mut scope = None;
    let mut body = body;
    for (zh, en) in [
        ("全市", "citywide"),
        ("全区", "district-wide"),
        ("全县", "countywide"),
        ("全省", "provincewide"),
        ("全镇", "town-wide"),
    ] {
        if let Some(rest) = body.strip_prefix(zh) {
            scope = Some(en);
            body = rest;
            break;
        }
    }
    // …改造工作推进会: the meeting is on the renovation; "work" adds nothing in English
    if let Some(b) = body.strip_suffix("工作").filter(|b| b.chars().count() >= 2) {
        body = b;
    }
    let subject = if body.is_empty() {
        String::new()
    } else {
        crate::glossary::render_phrase(body).0
    };
    let mut out = String::new();
    if let Some(sc) = scope {
        out.push_str(sc);
        out.push(' ');
    }
    if let Some(p) = place {
        out.push_str(&p);
        out.push(' ');
    }
    if let Some(y) = year {
        out.push_str(&y);
        out.push(' ');
    }
    if subject.is_empty() {
        out.push_str(kind);
    } else if ["组", "委员会", "常委会", "党组"]
        .iter()
        .any(|o| body.ends_with(o))
    {
        // a body's own meeting: study session of the theoretical study group
        out.push_str(&format!("{kind} of the {subject}"));
    } else if kind.ends_with("ceremony") {
        out.push_str(&format!("{kind} for {subject}"));
    } else {
        out.push_str(&format!("{kind} on {subject}"));
    }
    out
}

/// Roles by the verb after a person's name.
const ROLES: &[(&str, &str)] = &[
    ("出席", "attended"),
    ("参加", "attended"),
    ("主持", "presided"),
    ("讲话", "spoke"),
    ("致辞", "spoke"),
    ("作报告", "spoke"),
    ("部署", "deployed"),
    ("调研", "inspected"),
    ("宣读", "read"),
    ("通报", "briefed"),
];

/// The event stage (after times, places and people).
pub struct Events;

impl Stage for Events {
    fn name(&self) -> &'static str {
        "events"
    }
    fn run(&self, a: &mut Article, _: &Context) {
        let text = a.text.as_str();
        let mut new: Vec<Fact> = Vec::new();
        let mut seen_names: Vec<String> = Vec::new();
        // facts by position: per-sentence lookups by binary search, not a scan
        let mut by_pos: Vec<&Fact> = a
            .facts
            .iter()
            .filter(|f| matches!(f.body, FactBody::Time(_) | FactBody::Place(_)))
            .collect();
        by_pos.sort_by_key(|f| f.span.start);
        let in_range = |from: usize, to: usize| {
            let lo = by_pos.partition_point(|f| f.span.start < from);
            by_pos[lo..]
                .iter()
                .take_while(move |f| f.span.start < to)
                .copied()
        };
        for &s in &a.sentences {
            let sent = &text[s.start..s.end];
            let mut found: Option<(usize, usize, String, usize)> = None; // (start, end, name, verb pos)
            if let Some(c) = verb_first_re().captures(sent) {
                let n = c.name("name").expect("name");
                let name = n.as_str().trim_start_matches(['了']).to_string();
                if name.chars().count() >= 3 {
                    found = Some((
                        s.start + c.get(0).expect("m").start(),
                        s.start + n.end(),
                        name,
                        s.start + c.get(0).expect("m").start(),
                    ));
                }
            }
            let mut at_place: Option<(usize, usize)> = None;
            if found.is_none() {
                // (以大会召开为契机, 会议召开之际: the meeting is an occasion, not the news)
                if let Some(c) = subject_first_re()
                    .captures(sent)
                    .filter(|c| c.name("after").is_none())
                {
                    let n = c.name("name").expect("name");
                    at_place = c
                        .name("at")
                        .map(|m| (s.start + m.start(), s.start + m.end()));
                    found = Some((
                        s.start + n.start(),
                        s.start + c.get(0).expect("m").end(),
                        n.as_str().to_string(),
                        s.start + n.start(),
                    ));
                }
            }
            let Some((start, end, name, verb_at)) = found else {
                continue;
            };
            if seen_names.contains(&name) {
                continue;
            }
            seen_names.push(name.clone());
            // date: a time in the sentence, else the dateline's
            let date = in_range(s.start, s.end)
                .filter(|f| s.contains(f.span))
                .find_map(|f| match &f.body {
                    FactBody::Time(t) if t.granularity >= crate::time::Granularity::Day => {
                        Some((t.value.clone(), t.en.clone()))
                    }
                    _ => None,
                })
                .or_else(|| {
                    a.dateline
                        .as_ref()
                        .and_then(|d| d.date)
                        .map(|d| (d.format("%Y-%m-%d").to_string(), crate::time::en_day(d)))
                });
            // place: where the text says it was held (…在顺德举行), else a place before the
            // verb in the sentence, else the main city
            let place_in = |from: usize, to: usize| {
                in_range(from, to)
                    .filter(move |f| f.span.end <= to)
                    .filter_map(|f| match &f.body {
                        FactBody::Place(p) => Some((p.name.clone(), p.name_en.clone())),
                        _ => None,
                    })
                    .last()
            };
            let place = at_place
                .and_then(|(from, to)| place_in(from, to))
                .or_else(|| place_in(s.start, verb_at))
                .or_else(|| {
                    // the main city, written as the article writes it
                    crate::org::Places::of(a)
                        .city
                        .map(|c| (crate::org::city_zh(a, &c).unwrap_or_else(|| c.clone()), c))
                });
            // participants: people with a role verb after their mention, in this article
            let mut participants: Vec<Participant> = Vec::new();
            for f in &a.facts {
                let FactBody::Person(p) = &f.body else {
                    continue;
                };
                if p.titles.iter().any(|t| t == "记者" || t == "通讯员") {
                    continue;
                }
                let after = &text[f.span.end..crate::model::window_after(text, f.span.end, 120)];
                let clause_end = after
                    .find(['，', '。', '；', ',', ';'])
                    .unwrap_or(after.len());
                let clause = &after[..clause_end];
                for (verb, role) in ROLES {
                    if clause.contains(verb)
                        && clause.chars().count() <= 12
                        && !participants
                            .iter()
                            .any(|x| x.name == p.name && x.role == *role)
                    {
                        participants.push(Participant {
                            name: p.name.clone(),
                            name_en: p.name_en.clone(),
                            role: role.to_string(),
                        });
                    }
                }
            }
            let en_name = name_en(&name);
            let en = match (&place, &date) {
                (Some((_, pe)), Some((_, de))) => format!("{en_name}, {pe}, {de}"),
                (None, Some((_, de))) => format!("{en_name}, {de}"),
                (Some((_, pe)), None) => format!("{en_name}, {pe}"),
                (None, None) => en_name.clone(),
            };
            let ev = EventFact {
                event_type: event_type(&name).to_string(),
                name,
                name_en: en_name,
                date: date.as_ref().map(|d| d.0.clone()),
                date_en: date.map(|d| d.1),
                place: place.as_ref().map(|p| p.0.clone()),
                place_en: place.map(|p| p.1),
                participants,
            };
            new.push(Fact::new(
                text,
                Span::new(start, end),
                FactBody::Event(ev),
                en,
            ));
        }
        a.facts.extend(new);
    }
}
