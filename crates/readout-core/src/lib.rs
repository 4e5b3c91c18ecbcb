//! readout-core: the analysis of Chinese official news, with no I/O. Bytes in (any of
//! UTF-8, GB18030/GBK, Big5, UTF-16 with BOM; plain text or HTML), a [`Document`] out:
//! articles, their paragraphs, sentences and words, and facts as spans of article text.
//!
//! ```
//! let opts = readout_core::Options::new(chrono::NaiveDate::from_ymd_opt(2024, 1, 2).unwrap());
//! let doc = readout_core::analyze_bytes("标题\n\n本报讯 正文。".as_bytes(), &opts).unwrap();
//! assert_eq!(doc.articles.len(), 1);
//! ```

pub mod brief;
pub mod decode;
pub mod document;
pub mod event;
pub mod glossary;
pub mod html;
pub mod indicator;
pub mod model;
pub mod org;
pub mod page;
pub mod person;
pub mod pipeline;
pub mod place;
pub mod published;
pub mod quantity;
pub mod render;
pub mod script;
pub mod segment;
pub mod sentence;
pub mod synth;
pub mod time;

pub use decode::DecodeError;
pub use model::{Article, Byline, Document, Fact, FactBody, Language, PublishedFrom, Span};
pub use pipeline::{Context, Pipeline, Stage};

use chrono::NaiveDate;

/// What the caller knows that the text may not say.
#[derive(Debug, Clone)]
pub struct Options {
    /// The publication date, if the caller knows it (`--date`). Wins over inference.
    pub published: Option<NaiveDate>,
    /// Today's date, used when the page does not tell its date.
    pub today: NaiveDate,
    /// A charset label from the transport (HTTP header) or the caller.
    pub charset: Option<String>,
}

impl Options {
    pub fn new(today: NaiveDate) -> Self {
        Options {
            published: None,
            today,
            charset: None,
        }
    }
}

/// Decodes and analyses one document.
pub fn analyze_bytes(bytes: &[u8], opts: &Options) -> Result<Document, DecodeError> {
    let hint = opts
        .charset
        .clone()
        .or_else(|| decode::sniff_meta_charset(bytes));
    let decoded = decode::decode(bytes, hint.as_deref())?;
    let mut doc = analyze_text_with(&decoded.text, opts, &Pipeline::default());
    doc.encoding = decoded.encoding;
    Ok(doc)
}

/// Analyses text that is already decoded (plain text or HTML).
pub fn analyze_text(text: &str, opts: &Options) -> Document {
    analyze_text_with(text, opts, &Pipeline::default())
}

/// Builds the document (segmentation, publication date) and runs `pipeline` over it.
pub fn analyze_text_with(text: &str, opts: &Options, pipeline: &Pipeline) -> Document {
    let mut doc = build_document(text, opts);
    pipeline.run(&mut doc);
    doc
}

/// The page-level part of analysis: HTML reduced to text, normalisation, segmentation
/// into articles and the publication date; no article stage has run yet.
pub fn build_document(text: &str, opts: &Options) -> Document {
    let plain;
    let text = if html::looks_like_html(text) {
        plain = html::main_text(text);
        plain.as_str()
    } else {
        text
    };
    let simplified = script::to_simplified(text);
    let converted_from = simplified.as_ref().map(|_| "traditional");
    let text = simplified.as_deref().unwrap_or(text);
    let normalized = decode::normalize(text);
    let page = page::segment(&normalized);
    let datelines = page::dateline_dates_anywhere(&normalized);
    let (published, published_from) = match opts.published {
        Some(d) => (d, PublishedFrom::Given),
        None => match published::infer(&normalized, page.masthead, &datelines) {
            Some(d) => (d, PublishedFrom::Inferred),
            None => (opts.today, PublishedFrom::Default),
        },
    };
    let mut articles = page.articles;
    for a in &mut articles {
        if let Some(dl) = a.dateline.as_mut() {
            dl.date =
                page::dateline_month_day(dl).and_then(|(m, d)| resolve_month_day(published, m, d));
        }
    }
    Document {
        schema: model::SCHEMA,
        published,
        published_from,
        encoding: "UTF-8",
        converted_from,
        articles,
    }
}

/// A month-day without a year, as a dateline uses it: the nearest date on or before the
/// publication date.
fn resolve_month_day(published: NaiveDate, month: u32, day: u32) -> Option<NaiveDate> {
    use chrono::Datelike;
    let this = NaiveDate::from_ymd_opt(published.year(), month, day);
    match this {
        Some(d) if d <= published => Some(d),
        _ => NaiveDate::from_ymd_opt(published.year() - 1, month, day).or(this),
    }
}
