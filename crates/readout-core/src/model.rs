//! The document model: one [`Document`] owns the decoded page; each [`Article`] owns its
//! `text`; paragraphs, sentences, tokens and facts are spans into that text (byte ranges
//! internally, character offsets in the serialised contract). Stages annotate articles in
//! place; [`Document::finish`] fixes the character offsets once, before serialisation.

use chrono::NaiveDate;
use serde::Serialize;

/// A half-open byte range into an article's `text`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        Span { start, end }
    }
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
    pub fn overlaps(&self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// How the publication (reference) date was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PublishedFrom {
    Given,
    Inferred,
    Default,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Zh,
    En,
}

/// A whole input document after analysis: the contract's top-level object.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    pub schema: &'static str,
    pub published: NaiveDate,
    pub published_from: PublishedFrom,
    /// The encoding the input was decoded from (`UTF-8`, `GB18030`, `Big5` …).
    pub encoding: &'static str,
    /// `traditional` when the text was converted to simplified characters for analysis
    /// (the articles' text is the converted one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub converted_from: Option<&'static str>,
    pub articles: Vec<Article>,
}

pub const SCHEMA: &str = "readout/1";

/// A credit line: reporter, correspondent, translator …
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Byline {
    pub role: &'static str,
    pub name: String,
    pub name_en: String,
}

/// The dateline that opens a report: `本报讯(记者 …)12月28日` or `新华社北京12月28日电`.
#[derive(Debug, Clone, Serialize)]
pub struct Dateline {
    /// The dateline as written, up to and including its date.
    pub text: String,
    /// Where the dateline names a place (`新华社北京…电` → 北京).
    pub place: Option<String>,
    /// Month and day as written, resolved against the publication date when there is one.
    pub date: Option<NaiveDate>,
}

/// One article found on a page.
#[derive(Debug, Clone, Serialize)]
pub struct Article {
    pub language: Language,
    /// The headline lines joined by a space (main title and subtitle kept together).
    pub headline: String,
    /// The headline as laid out: one entry per line (kicker, main title, subtitle).
    pub headline_lines: Vec<String>,
    pub headline_en: Option<String>,
    /// The body, paragraphs separated by `\n`; for a headline-only item, its headline lines.
    pub text: String,
    pub headline_only: bool,
    pub dateline: Option<Dateline>,
    pub bylines: Vec<Byline>,
    pub summary_en: Option<String>,
    pub facts: Vec<Fact>,
    #[serde(skip)]
    pub paragraphs: Vec<Span>,
    #[serde(skip)]
    pub sentences: Vec<Span>,
    #[serde(skip)]
    pub tokens: Vec<Span>,
}

impl Article {
    pub fn new(language: Language, headline_lines: Vec<String>, text: String) -> Self {
        let paragraphs = paragraph_spans(&text);
        Article {
            language,
            headline: headline_lines.join(" "),
            headline_lines,
            headline_en: None,
            text,
            headline_only: false,
            dateline: None,
            bylines: Vec::new(),
            summary_en: None,
            facts: Vec::new(),
            paragraphs,
            sentences: Vec::new(),
            tokens: Vec::new(),
        }
    }

    pub fn slice(&self, span: Span) -> &str {
        &self.text[span.start..span.end]
    }
}

fn paragraph_spans(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            if i > start {
                out.push(Span::new(start, i));
            }
            start = i + 1;
        }
    }
    if text.len() > start {
        out.push(Span::new(start, text.len()));
    }
    out
}

/// One fact: a span of its article's text, its English rendering, and a kind-specific body.
#[derive(Debug, Clone, Serialize)]
pub struct Fact {
    #[serde(flatten)]
    pub body: FactBody,
    pub text: String,
    /// Character offsets (Unicode scalar values) into the article's `text`.
    pub start: usize,
    pub end: usize,
    pub en: String,
    #[serde(skip)]
    pub span: Span,
}

impl Fact {
    pub fn new(article_text: &str, span: Span, body: FactBody, en: String) -> Self {
        Fact {
            text: article_text[span.start..span.end].to_string(),
            start: 0,
            end: 0,
            en,
            span,
            body,
        }
    }
    pub fn kind(&self) -> &'static str {
        self.body.kind()
    }
}

/// The kind-specific part of a fact; `kind` is its serde tag.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum FactBody {
    Quantity(crate::quantity::Quantity),
    Time(crate::time::TimeValue),
    Person(crate::person::PersonFact),
    Organization(crate::org::OrgFact),
    Place(crate::place::PlaceFact),
    Document(crate::document::DocumentFact),
    Event(crate::event::EventFact),
    Indicator(Box<crate::indicator::IndicatorFact>),
}

impl FactBody {
    pub fn kind(&self) -> &'static str {
        match self {
            FactBody::Quantity(_) => "quantity",
            FactBody::Time(_) => "time",
            FactBody::Person(_) => "person",
            FactBody::Organization(_) => "organization",
            FactBody::Place(_) => "place",
            FactBody::Document(_) => "document",
            FactBody::Event(_) => "event",
            FactBody::Indicator(_) => "indicator",
        }
    }
}

impl Document {
    /// Sorts facts by position and converts byte spans to character offsets.
    pub fn finish(&mut self) {
        for article in &mut self.articles {
            article.finish();
        }
    }
}

impl Article {
    /// Sorts the article's facts by position and converts byte spans to character offsets.
    pub fn finish(&mut self) {
        self.facts.sort_by(|a, b| {
            a.span
                .start
                .cmp(&b.span.start)
                .then(b.span.end.cmp(&a.span.end))
        });
        let index = CharIndex::new(&self.text);
        for fact in self.facts.iter_mut() {
            fact.start = index.char_offset(fact.span.start);
            fact.end = index.char_offset(fact.span.end);
        }
    }
}

/// The end of a window of at most `n` bytes of `s` starting at `at`, on a char boundary.
/// Searches that must stay linear on pages without punctuation look only this far.
pub fn window_after(s: &str, at: usize, n: usize) -> usize {
    let mut end = at.saturating_add(n).min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    end
}

/// The start of a window of at most `n` bytes of `s` ending at `at`, on a char boundary.
pub fn window_before(s: &str, at: usize, n: usize) -> usize {
    let mut start = at.saturating_sub(n);
    while !s.is_char_boundary(start) {
        start += 1;
    }
    start
}

/// Byte → character offset conversion in O(log n) per lookup.
pub struct CharIndex<'a> {
    text: &'a str,
    /// Byte offsets of every 64th character boundary.
    marks: Vec<usize>,
}

impl<'a> CharIndex<'a> {
    const STEP: usize = 64;

    pub fn new(text: &'a str) -> Self {
        let marks = text
            .char_indices()
            .step_by(Self::STEP)
            .map(|(i, _)| i)
            .collect();
        CharIndex { text, marks }
    }

    /// The character offset of byte offset `byte` (which must be a char boundary).
    pub fn char_offset(&self, byte: usize) -> usize {
        let block = match self.marks.binary_search(&byte) {
            Ok(i) => return i * Self::STEP,
            Err(i) => i.saturating_sub(1),
        };
        let from = self.marks.get(block).copied().unwrap_or(0);
        let to = byte.min(self.text.len());
        block * Self::STEP + self.text.get(from..to).map_or(0, |s| s.chars().count())
    }
}
