//! Ingest: sources → analysis on all cores → one writer that stores in order.
//!
//! ```text
//!  reader thread ──(record, seq)──▶ workers × N ──(analysed, seq)──▶ writer (this thread)
//!   sources, hash,                   decode, main content,            reorders by seq,
//!   skip known                       traditional → simplified,        dedup, SQLite batch,
//!                                    readout-core pipeline            tantivy commit
//! ```
//!
//! Memory is bounded: at most `in_flight` records exist between the reader and the writer
//! (a token is taken before a record is read and given back once it is stored), whatever the
//! size of the input. Each batch is one SQLite transaction followed by one index commit;
//! a document is known by the hash of its bytes, so running the same ingest again after an
//! interruption stores exactly what was missing.

use crate::source::{self, Item, Limits, Record};
use crate::{Store, dedup};
use anyhow::{Context, Result};
use readout_core::{Document, Options};
use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::time::{Duration, Instant};

/// How an ingest runs.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Analysis threads (default: all cores).
    pub threads: usize,
    /// Records per transaction.
    pub batch: usize,
    /// Longest time between commits.
    pub commit_every: Duration,
    pub limits: Limits,
    /// Today's date: documents that state no date get it.
    pub today: chrono::NaiveDate,
}

impl IngestOptions {
    pub fn new(today: chrono::NaiveDate) -> Self {
        IngestOptions {
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
            batch: 1000,
            commit_every: Duration::from_secs(10),
            limits: Limits::default(),
            today,
        }
    }
}

/// The summary printed at the end (`ingest --json`).
#[derive(Debug, Default, Clone, Serialize)]
pub struct Summary {
    /// Records read: files, archive records, JSON lines.
    pub records: u64,
    pub documents_stored: u64,
    pub articles_stored: u64,
    /// Articles not stored again because an exact or near copy is stored.
    pub duplicates: u64,
    pub near_duplicates: u64,
    /// Records not analysed, by reason.
    pub skipped: BTreeMap<String, u64>,
    /// Bytes read from the inputs (decompressed).
    pub bytes: u64,
    pub seconds: f64,
}

/// Progress as the writer sees it, for a progress bar.
pub trait Progress {
    fn update(&self, bytes: u64, summary: &Summary);
    fn finish(&self) {}
}

/// No progress display.
pub struct Quiet;
impl Progress for Quiet {
    fn update(&self, _: u64, _: &Summary) {}
}

/// A record after analysis.
struct Analysed {
    record: Record,
    hash: String,
    doc: Document,
    /// The text before conversion to simplified characters, when converted.
    original: Option<String>,
    /// Per article, what the writer stores, computed by the worker (the writer is one
    /// thread; everything that can be done in parallel is done before it).
    prepared: Vec<Prepared>,
}

/// An article made ready for storing: its id, duplicate signature, figures and JSON.
struct Prepared {
    id: String,
    /// False when the story was already stored or taken by another worker when this copy
    /// arrived: it was not analysed, and is stored as a duplicate link.
    analysed: bool,
    sig: Option<[u64; dedup::HASHES]>,
    figures: Vec<String>,
    lang: String,
    json: String,
    /// Each fact's JSON value and text.
    /// Each fact's JSON text, and its value for the indicators (whose fields fill a row).
    facts: Vec<(Option<serde_json::Value>, String)>,
}

fn prepare(art: &mut readout_core::Article) -> Prepared {
    // facts are stored once, one row each; reading the article puts them back
    let facts = std::mem::take(&mut art.facts);
    let json = serde_json::to_string(&*art).unwrap_or_default();
    art.facts = facts;
    Prepared {
        analysed: true,
        id: dedup::article_id(&art.headline, &art.text),
        sig: dedup::minhash(&art.text),
        figures: dedup::figures(&art.text),
        lang: match art.language {
            readout_core::model::Language::Zh => "zh",
            readout_core::model::Language::En => "en",
        }
        .to_string(),
        json,
        facts: art
            .facts
            .iter()
            .map(|f| match f.body {
                readout_core::model::FactBody::Indicator(_) => {
                    let v = serde_json::to_value(f).unwrap_or_default();
                    let t = v.to_string();
                    (Some(v), t)
                }
                _ => (None, serde_json::to_string(f).unwrap_or_default()),
            })
            .collect(),
    }
}

enum Msg {
    Skip {
        reason: &'static str,
        source: String,
        detail: String,
    },
    Done(Box<Analysed>),
}

struct Seq {
    seq: u64,
    bytes: u64,
    msg: Msg,
}

/// A document's identity: its bytes, and its URL when it has one (the same page fetched
/// from two addresses is two documents whose articles are duplicates; the same file read
/// from two paths is one document).
fn hash_of(r: &Record) -> blake3::Hash {
    let mut h = blake3::Hasher::new();
    if let Some(u) = &r.url {
        h.update(u.as_bytes());
        h.update(b"\n");
    }
    h.update(&r.bytes);
    h.finalize()
}

/// What the analysis workers know of the stories already stored or being analysed, so that
/// a copy of one (the same report on another site) is not analysed again.
struct Known<'a> {
    /// A read connection of this worker's: stories committed by this or an earlier run.
    db: Option<rusqlite::Connection>,
    /// Stories taken by a worker in this run (the first 8 bytes of the article id);
    /// emptied at [`Known::CAP`] entries, after which the database still answers for the
    /// committed ones.
    taken: &'a std::sync::Mutex<HashSet<u64>>,
}

impl Known<'_> {
    const CAP: usize = 4_000_000;

    /// True when the story `id` is stored or taken; otherwise takes it.
    fn seen_or_take(&self, id: &str) -> bool {
        let key = u64::from_str_radix(&id[..16.min(id.len())], 16).unwrap_or(0);
        {
            let taken = self.taken.lock().expect("known stories");
            if taken.contains(&key) {
                return true;
            }
        }
        let stored = self.db.as_ref().is_some_and(|c| {
            c.prepare_cached("SELECT 1 FROM articles WHERE article_id = ?1")
                .and_then(|mut st| st.exists([id]))
                .unwrap_or(false)
        });
        let mut taken = self.taken.lock().expect("known stories");
        if stored {
            return true;
        }
        if taken.len() >= Self::CAP {
            taken.clear();
        }
        !taken.insert(key)
    }
}

/// Decodes and analyses one record; errors become skip reasons. Articles already known
/// (stored, or being analysed from another copy) skip the analysis.
fn analyse(record: Record, hash: String, today: chrono::NaiveDate, known: &Known) -> Msg {
    let mut opts = Options::new(today);
    opts.published = record.date;
    opts.charset = record.charset.clone();
    let hint = opts
        .charset
        .clone()
        .or_else(|| readout_core::decode::sniff_meta_charset(&record.bytes));
    let decoded = match readout_core::decode::decode(&record.bytes, hint.as_deref()) {
        Ok(d) => d,
        Err(e) => {
            return Msg::Skip {
                reason: e.reason(),
                source: record.source,
                detail: e.to_string(),
            };
        }
    };
    let mut doc = readout_core::build_document(&decoded.text, &opts);
    doc.encoding = decoded.encoding;
    let pipeline = readout_core::Pipeline::default();
    let mut prepared = Vec::with_capacity(doc.articles.len());
    for art in &mut doc.articles {
        let id = dedup::article_id(&art.headline, &art.text);
        if known.seen_or_take(&id) {
            prepared.push(Prepared {
                id,
                analysed: false,
                sig: None,
                figures: Vec::new(),
                lang: String::new(),
                json: String::new(),
                facts: Vec::new(),
            });
        } else {
            pipeline.run_article(art, doc.published);
            prepared.push(prepare(art));
        }
    }
    let original = doc.converted_from.map(|_| decoded.text);
    if doc.articles.is_empty() {
        return Msg::Skip {
            reason: "no_text",
            source: record.source,
            detail: "no article text in the document".into(),
        };
    }
    Msg::Done(Box::new(Analysed {
        record,
        hash,
        doc,
        original,
        prepared,
    }))
}

/// Ingests `paths` into `store`, printing skipped records' reasons to `log` (one line
/// each), and returns the summary.
pub fn ingest(
    store: &mut Store,
    paths: &[PathBuf],
    opts: &IngestOptions,
    progress: &dyn Progress,
    log: &mut dyn FnMut(&str),
) -> Result<Summary> {
    let started = Instant::now();
    let threads = opts.threads.max(1);
    let in_flight = threads * 32;
    let (tokens_tx, tokens_rx) = sync_channel::<()>(in_flight);
    for _ in 0..in_flight {
        tokens_tx.send(()).expect("capacity");
    }
    let (work_tx, work_rx) = sync_channel::<(u64, u64, Record, String)>(threads * 2);
    let work_rx = std::sync::Arc::new(std::sync::Mutex::new(work_rx));
    let (done_tx, done_rx) = sync_channel::<Seq>(in_flight);
    let known_db = store.db_path();
    let worker_db = known_db.clone();
    let taken = std::sync::Mutex::new(HashSet::new());
    let paths = paths.to_vec();
    let limits = opts.limits;
    let today = opts.today;

    std::thread::scope(|s| -> Result<Summary> {
        // reader
        let reader_done = done_tx.clone();
        let reader = std::thread::Builder::new()
            .name("ingest-reader".into())
            .spawn_scoped(s, move || -> Result<()> {
                let known = crate::db::open_read(&known_db)?;
                let mut seen_this_run: HashSet<[u8; 16]> = HashSet::new();
                let mut seq = 0u64;
                let mut sink = |item: Item, bytes: u64| -> Result<()> {
                    // bounded: wait for a free slot before holding another record
                    tokens_rx.recv().context("ingest stopped")?;
                    let this = seq;
                    seq += 1;
                    match item {
                        Item::Skip {
                            reason,
                            source,
                            detail,
                        } => reader_done
                            .send(Seq {
                                seq: this,
                                bytes,
                                msg: Msg::Skip {
                                    reason,
                                    source,
                                    detail,
                                },
                            })
                            .context("ingest stopped")?,
                        Item::Record(r) => {
                            let full = hash_of(&r);
                            let hash = full.to_hex().to_string();
                            let mut key = [0u8; 16];
                            key.copy_from_slice(&full.as_bytes()[..16]);
                            let stored: bool = known
                                .prepare_cached("SELECT 1 FROM documents WHERE hash = ?1")?
                                .query_row([&hash], |_| Ok(()))
                                .optional()?
                                .is_some();
                            if stored || !seen_this_run.insert(key) {
                                reader_done
                                    .send(Seq {
                                        seq: this,
                                        bytes,
                                        msg: Msg::Skip {
                                            reason: "already_stored",
                                            source: r.source,
                                            detail: String::new(),
                                        },
                                    })
                                    .context("ingest stopped")?;
                            } else {
                                work_tx
                                    .send((this, bytes, r, hash))
                                    .context("ingest stopped")?;
                            }
                        }
                    }
                    Ok(())
                };
                source::read_all(&paths, limits, &mut sink)
            });
        // workers
        let taken = &taken;
        for _ in 0..threads {
            let rx = work_rx.clone();
            let db_path = worker_db.clone();
            let tx = done_tx.clone();
            let worker = std::thread::Builder::new().name("ingest-analysis".into());
            worker.spawn_scoped(s, move || {
                let known = Known {
                    db: crate::db::open_read(&db_path).ok(),
                    taken,
                };
                loop {
                    let job = rx.lock().expect("work queue").recv();
                    let Ok((seq, bytes, record, hash)) = job else {
                        break;
                    };
                    let source = record.source.clone();
                    let msg = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        analyse(record, hash, today, &known)
                    }))
                    .unwrap_or_else(|_| Msg::Skip {
                        reason: "analysis_failed",
                        source,
                        detail: "the analysis stopped on this document (a bug: please report it)"
                            .into(),
                    });
                    if tx.send(Seq { seq, bytes, msg }).is_err() {
                        break;
                    }
                }
            })?;
        }
        drop(done_tx);
        let result = write_in_order(store, done_rx, tokens_tx, opts, progress, log);
        let read = reader
            .map_err(anyhow::Error::from)
            .and_then(|r| r.join().expect("reader thread"));
        let mut summary = result?;
        read?;
        summary.seconds = started.elapsed().as_secs_f64();
        progress.finish();
        Ok(summary)
    })
}

fn write_in_order(
    store: &mut Store,
    done: Receiver<Seq>,
    tokens: SyncSender<()>,
    opts: &IngestOptions,
    progress: &dyn Progress,
    log: &mut dyn FnMut(&str),
) -> Result<Summary> {
    let mut summary = Summary::default();
    let mut pending: BTreeMap<u64, Seq> = BTreeMap::new();
    let mut next = 0u64;
    // checkpoint the write-ahead log every 64 MB instead of every 4 MB: pages rewritten
    // between checkpoints are copied into the database once
    store
        .conn
        .pragma_update(None, "wal_autocheckpoint", 16384)?;
    let mut writer = store.index.writer()?;
    let mut tx = Some(store.conn.unchecked_transaction()?);
    let mut in_batch = 0usize;
    let mut last_commit = Instant::now();
    let mut bytes = 0u64;
    let mut max_row = 0i64;
    let mut entities = Entities::default();
    let mut signatures = Signatures::default();
    let mut finished = false;
    while !finished {
        match done.recv_timeout(Duration::from_millis(200)) {
            Ok(m) => {
                pending.insert(m.seq, m);
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => finished = true,
        }
        while let Some(m) = pending.remove(&next) {
            next += 1;
            bytes += m.bytes;
            summary.records += 1;
            match m.msg {
                Msg::Skip {
                    reason,
                    source,
                    detail,
                } => {
                    *summary.skipped.entry(reason.to_string()).or_insert(0) += 1;
                    if reason != "already_stored" {
                        log(&format!("skipped {source}: {reason}: {detail}"));
                    }
                }
                Msg::Done(a) => {
                    let t = tx.as_ref().expect("open transaction");
                    if let Some(row) = store_one(
                        t,
                        store,
                        &writer,
                        &a,
                        &mut entities,
                        &mut signatures,
                        &mut summary,
                    )? {
                        max_row = max_row.max(row);
                    }
                    in_batch += 1;
                }
            }
            // the slot is free again
            let _ = tokens.try_send(());
        }
        summary.bytes = bytes;
        progress.update(bytes, &summary);
        if in_batch > 0
            && (in_batch >= opts.batch || last_commit.elapsed() >= opts.commit_every || finished)
        {
            tx.take().expect("open transaction").commit()?;
            let watermark = max_row.max(store.index.watermark()?);
            store.index.commit(&mut writer, watermark)?;
            tx = Some(store.conn.unchecked_transaction()?);
            in_batch = 0;
            last_commit = Instant::now();
        }
    }
    if let Some(t) = tx.take() {
        t.commit()?;
    }
    Ok(summary)
}

/// Stores one analysed document: the document row, then each article unless a copy is
/// stored (then a duplicate link), with its facts, entities and indicators, and adds the
/// article to the index writer. Returns the largest article row written.
/// Entity ids and stored English names by (kind, name), so that each mention costs one
/// insert instead of an upsert and a lookup. Rows written in a transaction that is later
/// lost die with the process that cached them.
#[derive(Default)]
struct Entities(std::collections::HashMap<(&'static str, String), (i64, String)>);

impl Entities {
    fn id(
        &mut self,
        tx: &Transaction,
        kind: &'static str,
        name: &str,
        name_en: &str,
    ) -> Result<(i64, String)> {
        if let Some(e) = self.0.get(&(kind, name.to_string())) {
            return Ok(e.clone());
        }
        tx.prepare_cached(
            "INSERT INTO entities (kind, name, name_en) VALUES (?1,?2,?3) \
             ON CONFLICT (kind, name) DO NOTHING",
        )?
        .execute(params![kind, name, name_en])?;
        let e: (i64, String) = tx
            .prepare_cached("SELECT id, name_en FROM entities WHERE kind = ?1 AND name = ?2")?
            .query_row(params![kind, name], |r| Ok((r.get(0)?, r.get(1)?)))?;
        self.0.insert((kind, name.to_string()), e.clone());
        Ok(e)
    }
}

fn store_one(
    tx: &Transaction,
    store: &Store,
    writer: &tantivy::IndexWriter,
    a: &Analysed,
    entities: &mut Entities,
    signatures: &mut Signatures,
    summary: &mut Summary,
) -> Result<Option<i64>> {
    let doc = &a.doc;
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let published = doc.published.to_string();
    let inserted = tx.prepare_cached(
        "INSERT OR IGNORE INTO documents (hash, source, url, fetched, published, published_from, \
         encoding, converted, original, ingested) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
        )?
        .execute(params![
            a.hash,
            a.record.source,
            a.record.url,
            a.record.fetched,
            published,
            serde_json::to_value(doc.published_from)?
                .as_str()
                .unwrap_or("default"),
            doc.encoding,
            a.original.as_ref().map(|_| "traditional"),
            a.original,
            now,
        ],
    )?;
    if inserted == 0 {
        *summary.skipped.entry("already_stored".into()).or_insert(0) += 1;
        return Ok(None);
    }
    summary.documents_stored += 1;
    let doc_row = tx.last_insert_rowid();
    let mut max_row = None;
    for (idx, (art, prep)) in doc.articles.iter().zip(&a.prepared).enumerate() {
        if art.text.trim().is_empty() && art.headline.trim().is_empty() {
            continue;
        }
        let id = &prep.id;
        let exact: Option<String> = tx
            .prepare_cached("SELECT article_id FROM articles WHERE article_id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        let (sig, figures) = (&prep.sig, &prep.figures);
        let near = match (&exact, sig) {
            (None, Some(sig)) => near_copy(tx, sig, figures, signatures)?,
            _ => None,
        };
        if let Some((of, kind, similarity)) = exact
            .map(|e| (e, "exact", 1.0))
            .or(near.map(|(e, s)| (e, "near", s)))
        {
            link_copy(tx, doc_row, idx, &of, kind, similarity, summary)?;
            continue;
        }
        // a copy the workers did not analyse because another worker took its story, whose
        // record comes later in the input: this is the first copy, analysed here (rare)
        let late;
        let (art, prep) = if prep.analysed {
            (art, prep)
        } else {
            let mut own = art.clone();
            readout_core::Pipeline::default().run_article(&mut own, doc.published);
            let p = prepare(&mut own);
            late = (own, p);
            (&late.0, &late.1)
        };
        let (sig, figures) = (&prep.sig, &prep.figures);
        if let (Some(sig), false) = (sig, a.prepared[idx].analysed) {
            // and it may still be a near copy of a stored story
            if let Some((of, s)) = near_copy(tx, sig, figures, signatures)? {
                link_copy(tx, doc_row, idx, &of, "near", s, summary)?;
                continue;
            }
        }
        tx.prepare_cached(
            "INSERT INTO articles (article_id, document, idx, language, headline, headline_en, \
             summary_en, text, published, json) \
             VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
        )?
        .execute(params![
            id,
            doc_row,
            idx as i64,
            prep.lang,
            art.headline,
            art.headline_en,
            art.summary_en,
            art.text,
            published,
            prep.json,
        ])?;
        let row = tx.last_insert_rowid();
        if let Some(sig) = sig {
            tx.prepare_cached(
                "INSERT INTO signatures (article, minhash, figures) VALUES (?1,?2,?3)",
            )?
            .execute(params![row, dedup::to_blob(sig), figures.join(" ")])?;
            let mut stmt =
                tx.prepare_cached("INSERT INTO bands (band, key, article) VALUES (?1,?2,?3)")?;
            for (band, key) in dedup::band_keys(sig).iter().enumerate() {
                stmt.execute(params![band as i64, key, row])?;
            }
            signatures.put(row, *sig, figures.clone());
        }
        summary.articles_stored += 1;
        // the index entry, built as `query::indexed_article` reads it back (tested equal)
        let mut indexed = crate::query::OwnedIndexed {
            row,
            article_id: id.clone(),
            headline: art.headline.clone(),
            headline_en: art.headline_en.clone().unwrap_or_default(),
            text: art.text.clone(),
            en: art.summary_en.clone().unwrap_or_default(),
            published: published.clone(),
            places: Vec::new(),
            people: Vec::new(),
            kinds: Vec::new(),
        };
        for (f, (v, fact_json)) in art.facts.iter().zip(&prep.facts) {
            indexed.en.push('\n');
            indexed.en.push_str(&f.en);
            if !indexed.kinds.iter().any(|k| k == f.kind()) {
                indexed.kinds.push(f.kind().to_string());
            }
            tx.prepare_cached(
                "INSERT INTO facts (article, kind, text, start, end, en, json) VALUES (?1,?2,?3,?4,?5,?6,?7)",
                )?
                .execute(params![row, f.kind(), f.text, f.start as i64, f.end as i64, f.en, fact_json],
            )?;
            let fact_row = tx.last_insert_rowid();
            let kind = f.kind();
            use readout_core::model::FactBody;
            let named = match &f.body {
                FactBody::Person(p) => Some((&p.name, &p.name_en)),
                FactBody::Place(p) => Some((&p.name, &p.name_en)),
                FactBody::Organization(o) => Some((&o.name, &o.name_en)),
                _ => None,
            };
            match (named, v) {
                (Some((name, name_en)), _) => {
                    if name.is_empty() {
                        continue;
                    }
                    let (entity, stored_en) = entities.id(tx, kind, name, name_en)?;
                    let list = match kind {
                        "person" => Some(&mut indexed.people),
                        "place" => Some(&mut indexed.places),
                        _ => None,
                    };
                    if let Some(list) = list {
                        for n in [name.clone(), stored_en] {
                            if !n.is_empty() && !list.contains(&n) {
                                list.push(n);
                            }
                        }
                    }
                    tx.prepare_cached(
                        "INSERT INTO mentions (entity, article, fact) VALUES (?1,?2,?3)",
                    )?
                    .execute(params![entity, row, fact_row])?;
                }
                (None, Some(v)) => {
                    let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
                    let q = &v["quantity"];
                    let num = |x: &serde_json::Value| match x {
                        serde_json::Value::Null => None,
                        other => Some(other.to_string()),
                    };
                    let date = v["as_of"]
                        .as_str()
                        .or(v["period_end"].as_str())
                        .unwrap_or(&published)
                        .to_string();
                    tx.prepare_cached(
                        "INSERT INTO indicators (article, fact, subject, subject_en, place, place_en, \
                         unit, value, value_max, qualifier, change, status, date, period) \
                         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)",
                        )?
                        .execute(params![
                            row,
                            fact_row,
                            s("subject"),
                            s("subject_en"),
                            s("place"),
                            s("place_en"),
                            q["unit"].as_str().unwrap_or_default(),
                            num(&q["value"]).unwrap_or_default(),
                            num(&q["value_max"]),
                            q["qualifier"].as_str().unwrap_or("exact"),
                            q["change"].as_str(),
                            s("status"),
                            date,
                            v["period"].as_str(),
                        ],
                    )?;
                }
                _ => {}
            }
        }
        #[cfg(debug_assertions)]
        {
            // every debug-build ingest (all the tests) checks that the entry built here is
            // the one the index rebuild reads back from the database
            let mut back = crate::query::indexed_article(tx, row)?;
            let mut here = indexed.clone();
            for x in [&mut back, &mut here] {
                x.places.sort();
                x.people.sort();
            }
            assert_eq!(
                here, back,
                "index entry of article {row} differs from its read-back"
            );
        }
        store.index.add(writer, &indexed.as_indexed())?;
        max_row = Some(row);
    }
    Ok(max_row)
}

/// Links article `idx` of document `doc_row` to the stored copy `of` instead of storing it.
fn link_copy(
    tx: &Transaction,
    doc_row: i64,
    idx: usize,
    of: &str,
    kind: &str,
    similarity: f64,
    summary: &mut Summary,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO duplicates (document, idx, of_article, kind, similarity) VALUES (?1,?2,?3,?4,?5)",
    )?
    .execute(params![doc_row, idx as i64, of, kind, similarity])?;
    summary.duplicates += 1;
    if kind == "near" {
        summary.near_duplicates += 1;
    }
    Ok(())
}

/// Candidates read per band: the newest articles sharing the band key. Formulaic texts
/// (the same template, other names and figures) fill some buckets with thousands of
/// articles; reading all of them made ingest quadratic. Copies of a story are usually
/// ingested close together, so the newest candidates are the ones worth reading.
const CANDIDATES_PER_BAND: i64 = 64;

/// The stored article most similar to signature `sig`, if one reaches
/// [`dedup::NEAR_JACCARD`] and its figures agree: candidates share a band key (at most
/// [`CANDIDATES_PER_BAND`] per band), then all hashes are compared.
fn near_copy(
    tx: &Transaction,
    sig: &[u64; dedup::HASHES],
    figures: &[String],
    cache: &mut Signatures,
) -> Result<Option<(String, f64)>> {
    // candidate rows from the bands index alone (it covers band, key, article), each once
    let mut ids: Vec<i64> = Vec::new();
    {
        let mut stmt = tx.prepare_cached(
            "SELECT article FROM bands WHERE band = ?1 AND key = ?2 ORDER BY article DESC LIMIT ?3",
        )?;
        for (band, key) in dedup::band_keys(sig).iter().enumerate() {
            for r in stmt.query_map(params![band as i64, key, CANDIDATES_PER_BAND], |r| {
                r.get::<_, i64>(0)
            })? {
                ids.push(r?);
            }
        }
    }
    ids.sort_unstable();
    ids.dedup();
    let mut best: Option<(i64, f64)> = None;
    for article in ids {
        let Some(other) = cache.get(tx, article)? else {
            continue;
        };
        let s = dedup::similarity(sig, &other.0);
        // the newest of equally similar copies, as before: ties go to the higher row
        if s < dedup::NEAR_JACCARD || best.as_ref().is_some_and(|(_, b)| s < *b) {
            continue;
        }
        if dedup::figures_compatible(figures, &other.1) {
            best = Some((article, s));
        }
    }
    let Some((article, s)) = best else {
        return Ok(None);
    };
    let id: String = tx
        .prepare_cached("SELECT article_id FROM articles WHERE id = ?1")?
        .query_row([article], |r| r.get(0))?;
    Ok(Some((id, s)))
}

/// MinHash signatures and figures of recently stored articles by row, so a candidate that
/// shares several bands, or comes up again for the next article, is read from the database
/// once. Bounded: emptied when it reaches [`Signatures::CAP`] entries (~40 MB).
#[derive(Default)]
struct Signatures(std::collections::HashMap<i64, Box<Signature>>);

/// A MinHash signature and the figures of its text.
type Signature = ([u64; dedup::HASHES], Vec<String>);

impl Signatures {
    const CAP: usize = 50_000;

    fn put(&mut self, row: i64, sig: [u64; dedup::HASHES], figures: Vec<String>) {
        if self.0.len() >= Self::CAP {
            self.0.clear();
        }
        self.0.insert(row, Box::new((sig, figures)));
    }

    fn get(
        &mut self,
        tx: &Transaction,
        row: i64,
    ) -> Result<Option<&([u64; dedup::HASHES], Vec<String>)>> {
        if self.0.contains_key(&row) {
            return Ok(self.0.get(&row).map(|v| &**v));
        }
        let got = tx
            .prepare_cached("SELECT minhash, figures FROM signatures WHERE article = ?1")?
            .query_row([row], |r| {
                Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?))
            })
            .optional()?;
        let Some((blob, figures)) = got else {
            return Ok(None);
        };
        let Some(sig) = dedup::from_blob(&blob) else {
            return Ok(None);
        };
        let figures: Vec<String> = figures.split_whitespace().map(str::to_string).collect();
        self.put(row, sig, figures);
        Ok(self.0.get(&row).map(|v| &**v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "江门日报 2024年4月10日\n\n江门推进低效用地整治\n\n本报讯 江门市已累计拆除整理低效工业用地1.2万亩，力争年底前完成2万亩。";

    fn record(source: &str) -> Record {
        Record {
            source: source.into(),
            url: None,
            fetched: None,
            charset: None,
            date: None,
            bytes: PAGE.as_bytes().to_vec(),
        }
    }

    #[test]
    fn known_stories_skip_analysis_and_a_late_first_copy_is_analysed_by_the_writer() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let dir = std::env::temp_dir().join(format!("readout-late-copy-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut store = Store::open(&dir).unwrap();
        let taken = std::sync::Mutex::new(HashSet::new());
        let known = Known {
            db: None,
            taken: &taken,
        };
        // a worker holding a later record of the same story took it first
        let doc = readout_core::build_document(PAGE, &Options::new(today));
        assert!(!doc.articles.is_empty());
        for a in &doc.articles {
            assert!(!known.seen_or_take(&dedup::article_id(&a.headline, &a.text)));
        }
        let msg = analyse(record("first"), "doc-1".into(), today, &known);
        let Msg::Done(a) = &msg else {
            panic!("not analysed")
        };
        assert!(a.prepared.iter().all(|p| !p.analysed));
        assert!(a.doc.articles.iter().all(|a| a.facts.is_empty()));
        let (tx, rx) = sync_channel(4);
        let (tokens, _t) = sync_channel(4);
        tx.send(Seq {
            seq: 0,
            bytes: PAGE.len() as u64,
            msg,
        })
        .unwrap();
        drop(tx);
        let s = write_in_order(
            &mut store,
            rx,
            tokens,
            &IngestOptions::new(today),
            &Quiet,
            &mut |_| {},
        )
        .unwrap();
        assert_eq!(s.articles_stored, doc.articles.len() as u64);
        assert_eq!(s.duplicates, 0);
        let (facts, indicators): (i64, i64) = store
            .conn
            .query_row(
                "SELECT (SELECT count(*) FROM facts), (SELECT count(*) FROM indicators)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        // exactly what a plain analysis of the page finds
        let full = readout_core::analyze_text(PAGE, &Options::new(today));
        let want: usize = full.articles.iter().map(|a| a.facts.len()).sum();
        assert!(indicators >= 1, "{indicators} indicators");
        assert_eq!(facts as usize, want);
        // and the stored story is known to the next worker through the database
        let known = Known {
            db: crate::db::open_read(&store.db_path()).ok(),
            taken: &std::sync::Mutex::new(HashSet::new()),
        };
        let a = &doc.articles[doc.articles.len() - 1];
        assert!(known.seen_or_take(&dedup::article_id(&a.headline, &a.text)));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
