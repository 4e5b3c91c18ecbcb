//! Reading the store: search results, indicator series, articles, people. The CLI's
//! `--json` output and the HTTP API serialise these same structures.

use crate::Store;
use crate::index::{Filters, Hit, IndexedArticle};
use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

/// An article's index entry rebuilt from the database.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnedIndexed {
    pub(crate) row: i64,
    pub(crate) article_id: String,
    pub(crate) headline: String,
    pub(crate) headline_en: String,
    pub(crate) text: String,
    pub(crate) en: String,
    pub(crate) published: String,
    pub(crate) places: Vec<String>,
    pub(crate) people: Vec<String>,
    pub(crate) kinds: Vec<String>,
}

impl OwnedIndexed {
    pub fn as_indexed(&self) -> IndexedArticle<'_> {
        IndexedArticle {
            row: self.row,
            article_id: &self.article_id,
            headline: &self.headline,
            headline_en: &self.headline_en,
            text: &self.text,
            en: &self.en,
            published: &self.published,
            places: &self.places,
            people: &self.people,
            kinds: &self.kinds,
        }
    }
}

/// What the index holds of article `row`, read from the database (used by ingest and to
/// rebuild the index, so the two always index the same fields).
pub fn indexed_article(conn: &Connection, row: i64) -> Result<OwnedIndexed> {
    let (article_id, headline, headline_en, summary_en, text, published): (
        String,
        String,
        Option<String>,
        Option<String>,
        String,
        String,
    ) = conn.query_row(
        "SELECT article_id, headline, headline_en, summary_en, text, published FROM articles WHERE id = ?1",
        [row],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
    )?;
    let mut en = summary_en.unwrap_or_default();
    let mut kinds: Vec<String> = Vec::new();
    let mut stmt =
        conn.prepare_cached("SELECT kind, en FROM facts WHERE article = ?1 ORDER BY id")?;
    for r in stmt.query_map([row], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })? {
        let (kind, fact_en) = r?;
        en.push('\n');
        en.push_str(&fact_en);
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    let mut places = Vec::new();
    let mut people = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT e.kind, e.name, e.name_en FROM mentions m JOIN entities e ON e.id = m.entity \
         WHERE m.article = ?1",
    )?;
    for r in stmt.query_map([row], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })? {
        let (kind, name, name_en) = r?;
        let list = match kind.as_str() {
            "person" => &mut people,
            "place" => &mut places,
            _ => continue,
        };
        for n in [name, name_en] {
            if !n.is_empty() && !list.contains(&n) {
                list.push(n);
            }
        }
    }
    Ok(OwnedIndexed {
        row,
        article_id,
        headline,
        headline_en: headline_en.unwrap_or_default(),
        text,
        en,
        published,
        places,
        people,
        kinds,
    })
}

/// `search --json`.
#[derive(Debug, Serialize)]
pub struct SearchResult {
    pub total: usize,
    pub hits: Vec<Hit>,
}

pub fn search(
    store: &Store,
    q: &str,
    filters: &Filters,
    limit: usize,
    offset: usize,
) -> Result<SearchResult> {
    let (total, hits) = store.index.search(q, filters, limit, offset)?;
    Ok(SearchResult { total, hits })
}

/// One point of an indicator series.
#[derive(Debug, Clone, Serialize)]
pub struct Point {
    pub date: String,
    pub value: serde_json::Value,
    pub value_max: Option<serde_json::Value>,
    pub qualifier: String,
    pub change: Option<String>,
    pub status: String,
    pub period: Option<String>,
    pub article_id: String,
    /// The Chinese the point was read from, and its English.
    pub text: String,
    pub en: String,
}

/// Indicator values grouped by what they measure, where, and in what unit.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    pub subject: String,
    pub subject_en: String,
    pub place: String,
    pub place_en: String,
    pub unit: String,
    pub points: Vec<Point>,
}

/// `track --json`.
#[derive(Debug, Serialize)]
pub struct TrackResult {
    pub series: Vec<Series>,
}

fn number(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or(serde_json::Value::String(s.to_string()))
}

/// Indicator series whose subject or place (Chinese or English) contains `q` (all series
/// without it), longest series first; points in date order, a target after an achievement
/// of the same date.
pub fn track(conn: &Connection, q: Option<&str>) -> Result<TrackResult> {
    let pattern = format!("%{}%", q.unwrap_or("").trim());
    let mut stmt = conn.prepare_cached(
        "SELECT i.subject, i.subject_en, i.place, i.place_en, i.unit, i.value, i.value_max, \
         i.qualifier, i.change, i.status, i.date, i.period, a.article_id, f.text, f.en \
         FROM indicators i JOIN articles a ON a.id = i.article JOIN facts f ON f.id = i.fact \
         WHERE i.subject LIKE ?1 OR i.subject_en LIKE ?1 OR i.place LIKE ?1 OR i.place_en LIKE ?1 \
         ORDER BY i.subject, i.place, i.unit, i.date, i.status, i.id",
    )?;
    let mut series: Vec<Series> = Vec::new();
    let rows = stmt.query_map([&pattern], |r| {
        Ok((
            (
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ),
            Point {
                value: number(&r.get::<_, String>(5)?),
                value_max: r.get::<_, Option<String>>(6)?.map(|v| number(&v)),
                qualifier: r.get(7)?,
                change: r.get(8)?,
                status: r.get(9)?,
                date: r.get(10)?,
                period: r.get(11)?,
                article_id: r.get(12)?,
                text: r.get(13)?,
                en: r.get(14)?,
            },
        ))
    })?;
    for r in rows {
        let ((subject, subject_en, place, place_en, unit), point) = r?;
        match series.last_mut() {
            Some(s) if s.subject == subject && s.place == place && s.unit == unit => {
                s.points.push(point)
            }
            _ => series.push(Series {
                subject,
                subject_en,
                place,
                place_en,
                unit,
                points: vec![point],
            }),
        }
    }
    series.sort_by(|a, b| {
        b.points
            .len()
            .cmp(&a.points.len())
            .then_with(|| a.subject.cmp(&b.subject))
    });
    Ok(TrackResult { series })
}

/// A stored copy of an article: the first one kept, or a duplicate linked to it.
#[derive(Debug, Clone, Serialize)]
pub struct Copy {
    pub source: String,
    pub url: Option<String>,
    pub kind: String,
    pub similarity: f64,
}

/// An article as the article page and `GET /api/articles/{id}` show it.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleView {
    pub article_id: String,
    pub published: String,
    pub source: String,
    pub url: Option<String>,
    pub converted_from: Option<String>,
    /// The article as `extract --format json` gives it (headline, text, facts …).
    pub article: serde_json::Value,
    /// Other copies that were not stored again.
    pub duplicates: Vec<Copy>,
}

pub fn article(conn: &Connection, article_id: &str) -> Result<Option<ArticleView>> {
    let row = conn
        .query_row(
            "SELECT a.article_id, a.published, d.source, d.url, d.converted, a.json \
             FROM articles a JOIN documents d ON d.id = a.document WHERE a.article_id = ?1",
            [article_id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, String>(5)?,
                ))
            },
        )
        .optional()?;
    let Some((article_id, published, source, url, converted_from, json)) = row else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT d.source, d.url, x.kind, x.similarity FROM duplicates x \
         JOIN documents d ON d.id = x.document WHERE x.of_article = ?1 ORDER BY x.id",
    )?;
    let duplicates = stmt
        .query_map([&article_id], |r| {
            Ok(Copy {
                source: r.get(0)?,
                url: r.get(1)?,
                kind: r.get(2)?,
                similarity: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut article: serde_json::Value = serde_json::from_str(&json)?;
    // the facts are stored once, in their table (the article's own JSON has an empty list;
    // stores written before kept a copy there)
    if let Some(obj) = article.as_object_mut() {
        if obj
            .get("facts")
            .and_then(|f| f.as_array())
            .is_none_or(|f| f.is_empty())
        {
            let mut stmt = conn.prepare_cached(
                "SELECT f.json FROM facts f JOIN articles a ON a.id = f.article \
                 WHERE a.article_id = ?1 ORDER BY f.id",
            )?;
            let facts = stmt
                .query_map([&article_id], |r| r.get::<_, String>(0))?
                .map(|j| Ok(serde_json::from_str(&j?)?))
                .collect::<Result<Vec<serde_json::Value>>>()?;
            obj.insert("facts".into(), serde_json::Value::Array(facts));
        }
    }
    Ok(Some(ArticleView {
        article_id,
        published,
        source,
        url,
        converted_from,
        article,
        duplicates,
    }))
}

/// A person and how often the store mentions them.
#[derive(Debug, Clone, Serialize)]
pub struct PersonSummary {
    pub name: String,
    pub name_en: String,
    pub articles: i64,
}

/// People whose name (Chinese or pinyin) contains `q`, most mentioned first.
pub fn people(conn: &Connection, q: Option<&str>, limit: usize) -> Result<Vec<PersonSummary>> {
    let pattern = format!("%{}%", q.unwrap_or("").trim());
    let mut stmt = conn.prepare_cached(
        "SELECT e.name, e.name_en, count(DISTINCT m.article) AS n FROM entities e \
         JOIN mentions m ON m.entity = e.id WHERE e.kind = 'person' \
         AND (e.name LIKE ?1 OR e.name_en LIKE ?1) GROUP BY e.id ORDER BY n DESC, e.name LIMIT ?2",
    )?;
    let out = stmt
        .query_map(params![pattern, limit as i64], |r| {
            Ok(PersonSummary {
                name: r.get(0)?,
                name_en: r.get(1)?,
                articles: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(out)
}

/// A title a person was given in an article.
#[derive(Debug, Clone, Serialize)]
pub struct TitleSeen {
    pub date: String,
    pub title: String,
    pub title_en: String,
    pub article_id: String,
}

/// A meeting or other event a person took part in.
#[derive(Debug, Clone, Serialize)]
pub struct EventSeen {
    pub date: String,
    pub name: String,
    pub name_en: String,
    pub roles: Vec<String>,
    pub article_id: String,
}

/// The person page: titles and events over time.
#[derive(Debug, Clone, Serialize)]
pub struct PersonView {
    pub name: String,
    pub name_en: String,
    pub titles: Vec<TitleSeen>,
    pub events: Vec<EventSeen>,
}

pub fn person(conn: &Connection, name: &str) -> Result<Option<PersonView>> {
    let found: Option<(i64, String, String)> = conn
        .query_row(
            "SELECT id, name, name_en FROM entities WHERE kind = 'person' AND (name = ?1 OR name_en = ?1)",
            [name],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((entity, name, name_en)) = found else {
        return Ok(None);
    };
    let mut titles: Vec<TitleSeen> = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT a.published, f.json, a.article_id FROM mentions m JOIN facts f ON f.id = m.fact \
         JOIN articles a ON a.id = m.article WHERE m.entity = ?1 ORDER BY a.published, f.id",
    )?;
    let mut articles: Vec<i64> = Vec::new();
    for r in stmt.query_map([entity], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })? {
        let (date, json, article_id) = r?;
        let v: serde_json::Value = serde_json::from_str(&json)?;
        let zh = v["titles"].as_array().cloned().unwrap_or_default();
        let en = v["titles_en"].as_array().cloned().unwrap_or_default();
        for (i, t) in zh.iter().enumerate() {
            let title = t.as_str().unwrap_or_default().to_string();
            if titles.iter().any(|s| s.title == title && s.date == date) {
                continue;
            }
            titles.push(TitleSeen {
                date: date.clone(),
                title,
                title_en: en
                    .get(i)
                    .and_then(|e| e.as_str())
                    .unwrap_or_default()
                    .to_string(),
                article_id: article_id.clone(),
            });
        }
    }
    let mut stmt =
        conn.prepare_cached("SELECT DISTINCT article FROM mentions WHERE entity = ?1")?;
    for r in stmt.query_map([entity], |r| r.get(0))? {
        articles.push(r?);
    }
    let mut events = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT a.published, f.json, a.article_id FROM facts f JOIN articles a ON a.id = f.article \
         WHERE f.article = ?1 AND f.kind = 'event'",
    )?;
    for art in articles {
        for r in stmt.query_map([art], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })? {
            let (published, json, article_id) = r?;
            let v: serde_json::Value = serde_json::from_str(&json)?;
            let roles: Vec<String> = v["participants"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["name"].as_str() == Some(name.as_str()))
                .filter_map(|p| p["role"].as_str().map(str::to_string))
                .collect();
            if roles.is_empty() {
                continue;
            }
            events.push(EventSeen {
                date: v["date"].as_str().unwrap_or(&published).to_string(),
                name: v["name"].as_str().unwrap_or_default().to_string(),
                name_en: v["name_en"].as_str().unwrap_or_default().to_string(),
                roles,
                article_id,
            });
        }
    }
    events.sort_by(|a, b| a.date.cmp(&b.date));
    Ok(Some(PersonView {
        name,
        name_en,
        titles,
        events,
    }))
}
