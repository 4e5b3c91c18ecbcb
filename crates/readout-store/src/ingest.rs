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
    sig: Option<[u64; dedup::HASHES]>,
    figures: Vec<String>,
    lang: String,
    json: String,
    /// Each fact's JSON value and text.
    facts: Vec<(serde_json::Value, String)>,
}

fn prepare(art: &readout_core::Article) -> Prepared {
    let json = serde_json::to_value(art).unwrap_or_default();
    Prepared {
        id: dedup::article_id(&art.headline, &art.text),
        sig: dedup::minhash(&art.text),
        figures: dedup::figures(&art.text),
        lang: json["language"].as_str().unwrap_or("zh").to_string(),
        json: json.to_string(),
        facts: art
            .facts
            .iter()
            .map(|f| {
                let v = serde_json::to_value(f).unwrap_or_default();
                let t = v.to_string();
                (v, t)
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

/// Decodes and analyses one record; errors become skip reasons.
fn analyse(record: Record, hash: String, today: chrono::NaiveDate) -> Msg {
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
    let mut doc = readout_core::analyze_text(&decoded.text, &opts);
    doc.encoding = decoded.encoding;
    let original = doc.converted_from.map(|_| decoded.text);
    if doc.articles.is_empty() {
        return Msg::Skip {
            reason: "no_text",
            source: record.source,
            detail: "no article text in the document".into(),
        };
    }
    let prepared = doc.articles.iter().map(prepare).collect();
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
    let in_flight = threads * 8;
    let (tokens_tx, tokens_rx) = sync_channel::<()>(in_flight);
    for _ in 0..in_flight {
        tokens_tx.send(()).expect("capacity");
    }
    let (work_tx, work_rx) = sync_channel::<(u64, u64, Record, String)>(threads * 2);
    let work_rx = std::sync::Arc::new(std::sync::Mutex::new(work_rx));
    let (done_tx, done_rx) = sync_channel::<Seq>(in_flight);
    let known_db = store.db_path();
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
                                .query_row(
                                    "SELECT 1 FROM documents WHERE hash = ?1",
                                    [&hash],
                                    |_| Ok(()),
                                )
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
        for _ in 0..threads {
            let rx = work_rx.clone();
            let tx = done_tx.clone();
            let worker = std::thread::Builder::new().name("ingest-analysis".into());
            worker.spawn_scoped(s, move || {
                loop {
                    let job = rx.lock().expect("work queue").recv();
                    let Ok((seq, bytes, record, hash)) = job else {
                        break;
                    };
                    let source = record.source.clone();
                    let msg = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        analyse(record, hash, today)
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
    let mut writer = store.index.writer()?;
    let mut tx = Some(store.conn.unchecked_transaction()?);
    let mut in_batch = 0usize;
    let mut last_commit = Instant::now();
    let mut bytes = 0u64;
    let mut max_row = 0i64;
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
                    if let Some(row) = store_one(t, store, &writer, &a, &mut summary)? {
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
fn store_one(
    tx: &Transaction,
    store: &Store,
    writer: &tantivy::IndexWriter,
    a: &Analysed,
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
            .query_row(
                "SELECT article_id FROM articles WHERE article_id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        let (sig, figures) = (&prep.sig, &prep.figures);
        let near = match (&exact, sig) {
            (None, Some(sig)) => near_copy(tx, sig, figures)?,
            _ => None,
        };
        if let Some((of, kind, similarity)) = exact
            .map(|e| (e, "exact", 1.0))
            .or(near.map(|(e, s)| (e, "near", s)))
        {
            tx.prepare_cached(
                "INSERT INTO duplicates (document, idx, of_article, kind, similarity) VALUES (?1,?2,?3,?4,?5)",
                )?
                .execute(params![doc_row, idx as i64, of, kind, similarity],
            )?;
            summary.duplicates += 1;
            if kind == "near" {
                summary.near_duplicates += 1;
            }
            continue;
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
        }
        summary.articles_stored += 1;
        for (f, (v, fact_json)) in art.facts.iter().zip(&prep.facts) {
            tx.prepare_cached(
                "INSERT INTO facts (article, kind, text, start, end, en, json) VALUES (?1,?2,?3,?4,?5,?6,?7)",
                )?
                .execute(params![row, f.kind(), f.text, f.start as i64, f.end as i64, f.en, fact_json],
            )?;
            let fact_row = tx.last_insert_rowid();
            let kind = f.kind();
            let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
            match kind {
                "person" | "place" | "organization" => {
                    let (name, name_en) = (s("name"), s("name_en"));
                    if name.is_empty() {
                        continue;
                    }
                    tx.prepare_cached(
                        "INSERT INTO entities (kind, name, name_en) VALUES (?1,?2,?3) \
                         ON CONFLICT (kind, name) DO NOTHING",
                    )?
                    .execute(params![kind, name, name_en])?;
                    let entity: i64 = tx.query_row(
                        "SELECT id FROM entities WHERE kind = ?1 AND name = ?2",
                        params![kind, name],
                        |r| r.get(0),
                    )?;
                    tx.prepare_cached(
                        "INSERT INTO mentions (entity, article, fact) VALUES (?1,?2,?3)",
                    )?
                    .execute(params![entity, row, fact_row])?;
                }
                "indicator" => {
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
        let indexed = crate::query::indexed_article(tx, row)?;
        store.index.add(writer, &indexed.as_indexed())?;
        max_row = Some(row);
    }
    Ok(max_row)
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
) -> Result<Option<(String, f64)>> {
    let mut stmt = tx.prepare_cached(
        "SELECT s.article, s.minhash, s.figures FROM bands b \
         JOIN signatures s ON s.article = b.article \
         WHERE b.band = ?1 AND b.key = ?2 ORDER BY b.article DESC LIMIT ?3",
    )?;
    let mut seen = std::collections::HashSet::new();
    let mut best: Option<(i64, f64)> = None;
    for (band, key) in dedup::band_keys(sig).iter().enumerate() {
        let rows = stmt.query_map(params![band as i64, key, CANDIDATES_PER_BAND], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for r in rows {
            let (article, blob, other_figures) = r?;
            if !seen.insert(article) {
                continue;
            }
            let Some(other) = dedup::from_blob(&blob) else {
                continue;
            };
            let s = dedup::similarity(sig, &other);
            if s < dedup::NEAR_JACCARD || best.as_ref().is_some_and(|(_, b)| s <= *b) {
                continue;
            }
            let other_figures: Vec<String> = other_figures
                .split_whitespace()
                .map(str::to_string)
                .collect();
            if dedup::figures_compatible(figures, &other_figures) {
                best = Some((article, s));
            }
        }
    }
    let Some((article, s)) = best else {
        return Ok(None);
    };
    let id: String = tx.query_row(
        "SELECT article_id FROM articles WHERE id = ?1",
        [article],
        |r| r.get(0),
    )?;
    Ok(Some((id, s)))
}
