//! The full-text index: tantivy, Chinese fields tokenised by jieba (search mode), English
//! fields by tantivy's English stemmer. Each article is one index document carrying what a
//! result list shows (headline, date), so search needs no database read.
//!
//! The index commits after the database and records in its commit payload the largest
//! article row it holds (the watermark). On open, rows above the watermark are indexed
//! again: after a crash between the two commits the index catches up, never duplicates.

use anyhow::{Context, Result};
use std::path::Path;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, QueryParser, RangeQuery, TermQuery};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, Stemmer, TextAnalyzer};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

/// What the index holds of an article.
pub struct IndexedArticle<'a> {
    pub row: i64,
    pub article_id: &'a str,
    pub headline: &'a str,
    pub headline_en: &'a str,
    pub text: &'a str,
    /// English renderings: summary and the facts' `en`.
    pub en: &'a str,
    /// The publication date, ISO.
    pub published: &'a str,
    pub places: &'a [String],
    pub people: &'a [String],
    pub kinds: &'a [String],
}

#[derive(Clone, Copy)]
struct Fields {
    row: Field,
    article_id: Field,
    headline: Field,
    headline_en: Field,
    body: Field,
    en: Field,
    published: Field,
    date: Field,
    place: Field,
    person: Field,
    kind: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let zh = |stored: bool| {
        let o = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("jieba")
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        if stored { o.set_stored() } else { o }
    };
    let en = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("en_stem")
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let f = Fields {
        row: b.add_i64_field("row", INDEXED | STORED | FAST),
        article_id: b.add_text_field("article_id", STRING | STORED),
        headline: b.add_text_field("headline", zh(true)),
        headline_en: b.add_text_field("headline_en", en.clone()),
        body: b.add_text_field("body", zh(true)),
        en: b.add_text_field("en", en),
        published: b.add_text_field("published", STRING | STORED),
        date: b.add_i64_field("date", INDEXED | FAST),
        place: b.add_text_field("place", STRING),
        person: b.add_text_field("person", STRING),
        kind: b.add_text_field("kind", STRING),
    };
    (b.build(), f)
}

/// Search filters; all optional.
#[derive(Debug, Default, Clone)]
pub struct Filters {
    /// Inclusive ISO dates.
    pub from: Option<String>,
    pub to: Option<String>,
    /// A place as the text names it (中山) or in English (Zhongshan), case-insensitive.
    pub place: Option<String>,
    pub person: Option<String>,
    /// A fact kind the article must carry (indicator, event, document …).
    pub kind: Option<String>,
}

/// One search result.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Hit {
    pub article_id: String,
    pub headline: String,
    pub headline_en: String,
    pub published: String,
    /// The best passage, plain text.
    pub snippet: String,
    /// The same passage as HTML: text escaped, matched words in `<b>`.
    pub snippet_html: String,
    pub score: f32,
}

pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    f: Fields,
}

fn days(iso: &str) -> i64 {
    chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d")
        .map(|d| (d - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days())
        .unwrap_or(0)
}

/// Index terms are lowercased for place and person filters.
fn key(s: &str) -> String {
    s.trim().to_lowercase()
}

impl SearchIndex {
    pub fn open(dir: &Path) -> Result<SearchIndex> {
        Self::open_with(dir, false)
    }

    /// Opens the index; with `watch`, the reader follows commits made by other processes
    /// (a server while `ingest` runs).
    pub fn open_with(dir: &Path, watch: bool) -> Result<SearchIndex> {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let (schema, f) = schema();
        let mmap = tantivy::directory::MmapDirectory::open(dir)
            .with_context(|| format!("cannot open the index in {}", dir.display()))?;
        let index = Index::open_or_create(mmap, schema).context("cannot open the index")?;
        index
            .tokenizers()
            .register("jieba", tantivy_jieba::JiebaTokenizer::new());
        index.tokenizers().register(
            "en_stem",
            TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(LowerCaser)
                .filter(Stemmer::default())
                .build(),
        );
        let reader = index
            .reader_builder()
            .reload_policy(if watch {
                ReloadPolicy::OnCommitWithDelay
            } else {
                ReloadPolicy::Manual
            })
            .try_into()?;
        Ok(SearchIndex { index, reader, f })
    }

    /// The largest article row the last commit holds (0 for a new index).
    pub fn watermark(&self) -> Result<i64> {
        Ok(self
            .index
            .load_metas()?
            .payload
            .and_then(|p| p.parse().ok())
            .unwrap_or(0))
    }

    pub fn writer(&self) -> Result<IndexWriter> {
        // one indexing thread, 64 MB: ingest analyses on the other cores
        Ok(self.index.writer_with_num_threads(1, 64_000_000)?)
    }

    pub fn add(&self, w: &IndexWriter, a: &IndexedArticle) -> Result<()> {
        let f = self.f;
        // a crash between the database and index commits leaves rows to index again
        w.delete_term(Term::from_field_i64(f.row, a.row));
        let mut d = TantivyDocument::default();
        d.add_i64(f.row, a.row);
        d.add_text(f.article_id, a.article_id);
        d.add_text(f.headline, a.headline);
        d.add_text(f.headline_en, a.headline_en);
        d.add_text(f.body, a.text);
        d.add_text(f.en, a.en);
        d.add_text(f.published, a.published);
        d.add_i64(f.date, days(a.published));
        for p in a.places {
            d.add_text(f.place, key(p));
        }
        for p in a.people {
            d.add_text(f.person, key(p));
        }
        for k in a.kinds {
            d.add_text(f.kind, k);
        }
        w.add_document(d)?;
        Ok(())
    }

    /// Commits what `w` holds, with `watermark` as the payload, and reloads the reader.
    pub fn commit(&self, w: &mut IndexWriter, watermark: i64) -> Result<()> {
        let mut p = w.prepare_commit()?;
        p.set_payload(&watermark.to_string());
        p.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    pub fn reload(&self) -> Result<()> {
        Ok(self.reader.reload()?)
    }

    /// Number of articles in the index.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Ranked articles for `q` (Chinese or English; tantivy query syntax: words are ANDed,
    /// "quoted phrases", OR, -exclusion) within the filters. An empty query lists by filter.
    pub fn search(
        &self,
        q: &str,
        filters: &Filters,
        limit: usize,
        offset: usize,
    ) -> Result<(usize, Vec<Hit>)> {
        let f = self.f;
        let searcher = self.reader.searcher();
        let mut parser =
            QueryParser::for_index(&self.index, vec![f.headline, f.body, f.headline_en, f.en]);
        parser.set_conjunction_by_default();
        parser.set_field_boost(f.headline, 2.0);
        parser.set_field_boost(f.headline_en, 2.0);
        let text_query: Box<dyn Query> = if q.trim().is_empty() {
            Box::new(AllQuery)
        } else {
            let (query, _errors) = parser.parse_query_lenient(q);
            query
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text_query.box_clone())];
        let term = |field: Field, v: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, v),
                IndexRecordOption::Basic,
            ))
        };
        if let Some(p) = &filters.place {
            clauses.push((Occur::Must, term(f.place, &key(p))));
        }
        if let Some(p) = &filters.person {
            clauses.push((Occur::Must, term(f.person, &key(p))));
        }
        if let Some(k) = &filters.kind {
            clauses.push((Occur::Must, term(f.kind, k.trim())));
        }
        if filters.from.is_some() || filters.to.is_some() {
            let lo = filters.from.as_deref().map(days).unwrap_or(i64::MIN);
            let hi = filters.to.as_deref().map(days).unwrap_or(i64::MAX);
            clauses.push((
                Occur::Must,
                Box::new(RangeQuery::new(
                    std::ops::Bound::Included(Term::from_field_i64(f.date, lo)),
                    std::ops::Bound::Included(Term::from_field_i64(f.date, hi)),
                )),
            ));
        }
        let query = BooleanQuery::new(clauses);
        let (docs, total) = searcher.search(
            &query,
            &(
                TopDocs::with_limit(limit.max(1))
                    .and_offset(offset)
                    .order_by_score(),
                Count,
            ),
        )?;
        let snippets = [f.body, f.en].map(|field| {
            SnippetGenerator::create(&searcher, &*text_query, field).map(|mut g| {
                g.set_max_num_chars(160);
                g
            })
        });
        let mut hits = Vec::with_capacity(docs.len());
        for (score, addr) in docs {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let text = |field: Field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            let mut snippet = (String::new(), String::new());
            for g in snippets.iter().flatten() {
                let s = g.snippet_from_doc(&doc);
                if !s.highlighted().is_empty() {
                    snippet = (s.fragment().to_string(), s.to_html());
                    break;
                }
            }
            if snippet.0.is_empty() {
                let lead: String = text(f.body).chars().take(80).collect();
                snippet = (lead.clone(), html_escape(&lead));
            }
            hits.push(Hit {
                article_id: text(f.article_id),
                headline: text(f.headline),
                headline_en: text(f.headline_en),
                published: text(f.published),
                snippet: snippet.0,
                snippet_html: snippet.1,
                score,
            });
        }
        Ok((total, hits))
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
