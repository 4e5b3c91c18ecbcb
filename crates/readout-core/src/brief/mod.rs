//! The English brief of an article: `headline_en` and `summary_en`, written from the
//! article's facts only — so every number, date and name in them is a fact's English.
//!
//! House style, after the seed page's English brief: "A meeting was held on December 25
//! in Zhongshan to …" — short declarative sentences, dates as "December 25", officials as
//! "Name, Title".

use crate::event::EventFact;
use crate::indicator::{IndicatorFact, Status, period_en};
use crate::model::{Article, FactBody, Language};
use crate::person::PersonFact;
use crate::pipeline::{Context, Stage};

/// The brief stage (last).
pub struct Brief;

fn join_list(items: &[String]) -> String {
    match items.len() {
        0 => String::new(),
        1 => items[0].clone(),
        2 => format!("{} and {}", items[0], items[1]),
        _ => format!(
            "{} and {}",
            items[..items.len() - 1].join(", "),
            items[items.len() - 1]
        ),
    }
}

fn first_upper(s: &str) -> String {
    crate::person::pinyin::capitalise(s)
}

fn person_with_title(p: &PersonFact) -> String {
    match p
        .titles_en
        .iter()
        .find(|t| !t.is_empty() && *t != "reporter")
    {
        Some(t) => format!("{}, {t},", p.name_en),
        None => p.name_en.clone(),
    }
}

fn event_sentence(e: &EventFact, people: &[&PersonFact]) -> String {
    let mut s = String::new();
    let place = e.place_en.clone().unwrap_or_else(|| "The city".into());
    let date = e
        .date_en
        .as_deref()
        .map(|d| d.rsplit_once(", ").map_or(d, |(md, _)| md))
        .map(|d| format!(" on {d}"))
        .unwrap_or_default();
    s.push_str(&format!(
        "{place} held a {}{date}.",
        e.name_en.trim_start_matches(&format!("{place} "))
    ));
    // who did what: attended and spoke / presided
    let mut by_person: Vec<(String, Vec<&str>)> = Vec::new();
    for p in &e.participants {
        let verb = match p.role.as_str() {
            "attended" => "attended",
            "spoke" => "spoke",
            "presided" => "presided",
            "inspected" => "inspected",
            "deployed" => "gave instructions",
            _ => continue,
        };
        match by_person.iter_mut().find(|(n, _)| *n == p.name) {
            Some((_, v)) => {
                if !v.contains(&verb) {
                    v.push(verb)
                }
            }
            None => by_person.push((p.name.clone(), vec![verb])),
        }
    }
    for (name, verbs) in by_person {
        let Some(p) = people.iter().find(|p| p.name == name) else {
            continue;
        };
        let verbs: Vec<String> = verbs.iter().map(|v| v.to_string()).collect();
        let who = person_with_title(p);
        let who = who.trim_end_matches(',');
        s.push_str(&format!(" {who}, {}.", join_list(&verbs)).replace(",,", ","));
    }
    s
}

fn indicator_phrase(i: &IndicatorFact) -> String {
    i.phrase_en.clone()
}

impl Stage for Brief {
    fn name(&self) -> &'static str {
        "brief"
    }
    fn run(&self, a: &mut Article, _: &Context) {
        if a.language != Language::Zh {
            // an English article is its own brief
            a.headline_en = (!a.headline.is_empty()).then(|| a.headline.clone());
            a.summary_en = a
                .text
                .split('\n')
                .next()
                .map(str::to_string)
                .filter(|s| !s.is_empty() && !a.headline_only);
            return;
        }
        let people: Vec<&PersonFact> = a
            .facts
            .iter()
            .filter_map(|f| {
                if let FactBody::Person(p) = &f.body {
                    Some(p)
                } else {
                    None
                }
            })
            .collect();
        let mut seen_people: Vec<&PersonFact> = Vec::new();
        for p in people {
            if !seen_people.iter().any(|q| q.name == p.name) {
                seen_people.push(p);
            }
        }
        let events: Vec<&EventFact> = a
            .facts
            .iter()
            .filter_map(|f| {
                if let FactBody::Event(e) = &f.body {
                    Some(e)
                } else {
                    None
                }
            })
            .collect();
        let indicators: Vec<&IndicatorFact> = a
            .facts
            .iter()
            .filter_map(|f| {
                if let FactBody::Indicator(i) = &f.body {
                    Some(i.as_ref())
                } else {
                    None
                }
            })
            .collect();
        let docs: Vec<&crate::document::DocumentFact> = a
            .facts
            .iter()
            .filter_map(|f| {
                if let FactBody::Document(d) = &f.body {
                    Some(d)
                } else {
                    None
                }
            })
            .collect();

        let mut sentences: Vec<String> = Vec::new();
        let mut headline: Option<String> = None;
        if let Some(e) = events.first() {
            let place = e.place_en.clone().unwrap_or_default();
            headline = Some(format!(
                "{} holds {}",
                if place.is_empty() { "City" } else { &place },
                e.name_en.trim_start_matches(&format!("{place} "))
            ));
            sentences.push(event_sentence(e, &seen_people));
        }
        for d in &docs {
            let s = match &d.effective {
                Some(date) => format!(
                    "{} take effect on {}.",
                    first_upper(&d.title_en),
                    en_date(date)
                ),
                None => format!("{} issued.", first_upper(&d.title_en)),
            };
            if headline.is_none() {
                headline = Some(
                    s.trim_end_matches('.')
                        .replace(" take effect on ", " to take effect on "),
                );
            }
            sentences.push(s);
        }
        let achieved: Vec<&&IndicatorFact> = indicators
            .iter()
            .filter(|i| i.status == Status::Achieved)
            .collect();
        let targets: Vec<&&IndicatorFact> = indicators
            .iter()
            .filter(|i| i.status == Status::Target)
            .collect();
        let forecasts: Vec<&&IndicatorFact> = indicators
            .iter()
            .filter(|i| i.status == Status::Forecast)
            .collect();
        if !achieved.is_empty() {
            let when = achieved
                .iter()
                .find_map(|i| {
                    i.period
                        .as_ref()
                        .map(|p| period_en(p, i.period_end.as_deref()))
                })
                .map(|p| format!("In {p}, "))
                .unwrap_or_else(|| {
                    achieved
                        .iter()
                        .find_map(|i| {
                            i.as_of
                                .as_deref()
                                .map(|d| format!("As of {}, ", en_date(d)))
                        })
                        .unwrap_or_default()
                });
            let items: Vec<String> = achieved
                .iter()
                .take(6)
                .map(|i| indicator_phrase(i))
                .collect();
            sentences.push(format!("{when}results included {}.", join_list(&items)));
            if headline.is_none() {
                let place = achieved[0]
                    .place_en
                    .as_deref()
                    .map(|p| format!("{p}: "))
                    .unwrap_or_default();
                headline = Some(format!(
                    "{place}{}",
                    first_upper(&indicator_phrase(achieved[0]))
                ));
            }
        }
        if !targets.is_empty() {
            let items: Vec<String> = targets
                .iter()
                .take(4)
                .map(|i| match &i.period {
                    Some(p) => format!(
                        "{} in {}",
                        indicator_phrase(i),
                        period_en(p, i.period_end.as_deref())
                    ),
                    None => indicator_phrase(i),
                })
                .collect();
            sentences.push(format!("Targets: {}.", join_list(&items)));
        }
        if !forecasts.is_empty() {
            let items: Vec<String> = forecasts
                .iter()
                .take(3)
                .map(|i| indicator_phrase(i))
                .collect();
            sentences.push(format!("Forecast: {}.", join_list(&items)));
        }
        if headline.is_none() {
            headline = Some(first_upper(
                &crate::glossary::render(
                    a.headline_lines.first().map(String::as_str).unwrap_or(""),
                )
                .0,
            ));
        }
        a.headline_en = headline.filter(|h| !h.trim().is_empty());
        if !sentences.is_empty() {
            a.summary_en = Some(sentences.join(" "));
        }
    }
}

fn en_date(iso: &str) -> String {
    chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d")
        .map(crate::time::en_day)
        .unwrap_or_else(|_| iso.to_string())
}
