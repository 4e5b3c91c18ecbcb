//! The analysis pipeline. Page-level work (decoding, HTML, segmentation, the publication
//! date) builds the [`Document`]; then article stages run in order, each adding spans or
//! facts to the article it is given. Stages see the publication date through [`Context`].

use crate::model::{Article, Document, Span};
use chrono::NaiveDate;

/// What every stage may read besides the article.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    pub published: NaiveDate,
}

/// One step of article analysis.
pub trait Stage: Send + Sync {
    fn name(&self) -> &'static str;
    fn run(&self, article: &mut Article, cx: &Context);
}

/// Sentence spans per paragraph.
pub struct Sentences;

impl Stage for Sentences {
    fn name(&self) -> &'static str {
        "sentences"
    }
    fn run(&self, a: &mut Article, _: &Context) {
        let mut out = Vec::with_capacity(a.paragraphs.len() * 4);
        for &p in &a.paragraphs {
            crate::sentence::split_into(&a.text, p, &mut out);
        }
        a.sentences = out;
    }
}

/// Word spans per sentence (jieba).
pub struct Tokens;

impl Stage for Tokens {
    fn name(&self) -> &'static str {
        "tokens"
    }
    fn run(&self, a: &mut Article, _: &Context) {
        let mut out: Vec<Span> = Vec::with_capacity(a.text.len() / 4);
        for &s in &a.sentences {
            crate::segment::tokenize_into(&a.text, s, &mut out);
        }
        a.tokens = out;
    }
}

/// An ordered list of stages.
pub struct Pipeline {
    stages: Vec<Box<dyn Stage>>,
}

impl Default for Pipeline {
    /// The standard pipeline: sentences, tokens, then every fact family.
    fn default() -> Self {
        Pipeline {
            stages: vec![
                Box::new(Sentences),
                Box::new(Tokens),
                Box::new(crate::quantity::Quantities),
                Box::new(crate::time::Times),
                Box::new(crate::place::Places),
                Box::new(crate::org::Organizations),
                Box::new(crate::person::People),
                Box::new(crate::document::Documents),
                Box::new(crate::event::Events),
                Box::new(crate::indicator::Indicators),
                Box::new(crate::brief::Brief),
            ],
        }
    }
}

impl Pipeline {
    /// A pipeline of the given stages, for callers that want less (or more) than the default.
    pub fn new(stages: Vec<Box<dyn Stage>>) -> Self {
        Pipeline { stages }
    }

    pub fn push(&mut self, stage: Box<dyn Stage>) {
        self.stages.push(stage);
    }

    pub fn stage_names(&self) -> Vec<&'static str> {
        self.stages.iter().map(|s| s.name()).collect()
    }

    /// Like [`Pipeline::run`], adding each stage's time to `times` (one entry per stage,
    /// in order), for profiling.
    pub fn run_timed(&self, doc: &mut Document, times: &mut [std::time::Duration]) {
        let cx = Context {
            published: doc.published,
        };
        for article in &mut doc.articles {
            for (stage, t) in self.stages.iter().zip(times.iter_mut()) {
                let start = std::time::Instant::now();
                stage.run(article, &cx);
                *t += start.elapsed();
            }
        }
        doc.finish();
    }

    /// Runs every stage over one article of a document published on `published`, then fixes
    /// its character offsets (for callers that analyse only some articles of a page, such
    /// as ingest, which skips the copies of stories it has stored).
    pub fn run_article(&self, article: &mut Article, published: NaiveDate) {
        let cx = Context { published };
        for stage in &self.stages {
            stage.run(article, &cx);
        }
        article.finish();
    }

    /// Runs every stage over every article, then fixes character offsets.
    pub fn run(&self, doc: &mut Document) {
        let cx = Context {
            published: doc.published,
        };
        for article in &mut doc.articles {
            for stage in &self.stages {
                stage.run(article, &cx);
            }
        }
        doc.finish();
    }
}
