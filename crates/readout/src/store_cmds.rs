//! `ingest`, `search` and `track`: the commands over the store (readout-store).

use anyhow::{Context as _, Result};
use chrono::NaiveDate;
use clap::Parser;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use readout_store::{Filters, IngestOptions, Store, Summary, ingest::Progress, query};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

fn default_db() -> PathBuf {
    PathBuf::from("readout-data")
}

#[derive(Parser)]
pub struct IngestArgs {
    /// Files, folders (walked), `.jsonl`, `.warc`/`.warc.gz`/`.wet.gz` archives; `-` reads
    /// standard input (sniffed: gzip, WARC, JSON lines or one document).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// The store directory.
    #[arg(long, default_value_os_t = default_db())]
    db: PathBuf,
    /// Print the summary as one JSON object.
    #[arg(long)]
    json: bool,
    /// Analysis threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Largest document analysed, in MB; larger ones are skipped (`too_large`).
    #[arg(long, default_value_t = 16)]
    max_mb: usize,
    /// Glossary file overriding the built-in terms (as for `extract`).
    #[arg(long)]
    glossary: Option<PathBuf>,
    /// Records per transaction and index commit (an interrupted run loses at most one
    /// batch of work, never data).
    #[arg(long, default_value_t = 1000)]
    batch: usize,
}

/// The progress bar: bytes, MB/s and records/s on a terminal; nothing otherwise.
struct Bar {
    bar: ProgressBar,
    started: std::time::Instant,
}

impl Progress for Bar {
    fn update(&self, bytes: u64, s: &Summary) {
        self.bar.set_position(bytes);
        let secs = self.started.elapsed().as_secs_f64().max(0.001);
        self.bar.set_message(format!(
            "{} records ({:.0}/s), {} articles, {} duplicates, {} skipped",
            s.records,
            s.records as f64 / secs,
            s.articles_stored,
            s.duplicates,
            s.skipped.values().sum::<u64>()
        ));
    }
    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

pub fn ingest(args: IngestArgs) -> Result<()> {
    crate::load_glossary(&args.glossary)?;
    for p in &args.paths {
        if p.as_os_str() != "-" && !p.exists() {
            anyhow::bail!("cannot read {}: no such file or folder", p.display());
        }
    }
    let mut store = Store::open(&args.db)?;
    let mut opts = IngestOptions::new(chrono::Local::now().date_naive());
    if let Some(t) = args.threads {
        opts.threads = t.max(1);
    }
    opts.limits.max_bytes = args.max_mb.max(1) << 20;
    opts.batch = args.batch.max(1);
    let total = readout_store::source::total_size(&args.paths);
    let bar = match total {
        Some(n) => ProgressBar::new(n),
        None => ProgressBar::no_length(),
    };
    bar.set_draw_target(if std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    });
    bar.set_style(
        ProgressStyle::with_template(
            "{elapsed_precise} [{bar:30}] {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} {msg}",
        )
        .expect("a valid template")
        .progress_chars("=> "),
    );
    let progress = Bar {
        bar,
        started: std::time::Instant::now(),
    };
    let log_path = args.db.join("ingest.log");
    let mut log_file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log_path)
        .with_context(|| format!("cannot write {}", log_path.display()))?;
    let mut log = |line: &str| {
        let _ = writeln!(log_file, "{line}");
    };
    let summary = readout_store::ingest(&mut store, &args.paths, &opts, &progress, &mut log)?;
    let (in_db, in_index) = store.counts()?;
    if args.json {
        println!("{}", serde_json::to_string(&summary)?);
    } else {
        let skipped: u64 = summary.skipped.values().sum();
        println!(
            "{} records read ({:.1} MB in {:.1} s): {} documents and {} articles stored, {} duplicates ({} near), {} skipped",
            summary.records,
            summary.bytes as f64 / 1e6,
            summary.seconds,
            summary.documents_stored,
            summary.articles_stored,
            summary.duplicates,
            summary.near_duplicates,
            skipped
        );
        for (reason, n) in &summary.skipped {
            println!("  skipped {reason}: {n}");
        }
        println!(
            "store {}: {in_db} articles, {in_index} in the search index; skips logged in {}",
            args.db.display(),
            log_path.display()
        );
    }
    Ok(())
}

#[derive(Parser)]
pub struct SearchArgs {
    /// Words in Chinese or English; "quoted phrases", OR, -excluded. Empty lists by filter.
    query: String,
    #[arg(long, default_value_os_t = default_db())]
    db: PathBuf,
    #[arg(long)]
    json: bool,
    #[arg(long, default_value_t = 10)]
    limit: usize,
    #[arg(long, default_value_t = 0)]
    offset: usize,
    /// Published on or after (YYYY-MM-DD).
    #[arg(long, value_parser = crate::parse_date)]
    from: Option<NaiveDate>,
    /// Published on or before (YYYY-MM-DD).
    #[arg(long, value_parser = crate::parse_date)]
    to: Option<NaiveDate>,
    /// A place the article names (中山, or Zhongshan).
    #[arg(long)]
    place: Option<String>,
    /// A person the article names (郭文海, or Guo Wenhai).
    #[arg(long)]
    person: Option<String>,
    /// A kind of fact the article carries (event, indicator, document, person …).
    #[arg(long)]
    kind: Option<String>,
}

pub fn filters_of(args: &SearchArgs) -> Filters {
    Filters {
        from: args.from.map(|d| d.to_string()),
        to: args.to.map(|d| d.to_string()),
        place: args.place.clone(),
        person: args.person.clone(),
        kind: args.kind.clone(),
    }
}

pub fn search(args: SearchArgs) -> Result<()> {
    let store = Store::open_read(&args.db)?;
    let r = query::search(
        &store,
        &args.query,
        &filters_of(&args),
        args.limit.clamp(1, 1000),
        args.offset,
    )?;
    let out = std::io::stdout();
    let mut out = out.lock();
    if args.json {
        writeln!(out, "{}", serde_json::to_string(&r)?)?;
        return Ok(());
    }
    let tty = std::io::stdout().is_terminal();
    writeln!(out, "{} articles match", r.total)?;
    for (i, h) in r.hits.iter().enumerate() {
        writeln!(out)?;
        writeln!(
            out,
            "{}. {}  {}",
            args.offset + i + 1,
            h.published,
            if h.headline_en.is_empty() {
                &h.headline
            } else {
                &h.headline_en
            }
        )?;
        if !h.headline_en.is_empty() && !h.headline.is_empty() {
            writeln!(out, "   {}", h.headline)?;
        }
        writeln!(
            out,
            "   {}",
            highlight(&h.snippet_html, tty).replace('\n', " ")
        )?;
        writeln!(out, "   article {}  (score {:.2})", h.article_id, h.score)?;
    }
    Ok(())
}

/// A snippet's HTML for a terminal: matched words in bold (or between ** when piped).
fn highlight(html: &str, tty: bool) -> String {
    let (on, off) = if tty {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("**", "**")
    };
    html.replace("<b>", on)
        .replace("</b>", off)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

#[derive(Parser)]
pub struct TrackArgs {
    /// Part of an indicator's subject or place, Chinese or English (all series without it).
    query: Option<String>,
    #[arg(long, default_value_os_t = default_db())]
    db: PathBuf,
    #[arg(long)]
    json: bool,
}

pub fn track(args: TrackArgs) -> Result<()> {
    let store = Store::open_read(&args.db)?;
    let r = query::track(&store.conn, args.query.as_deref())?;
    let out = std::io::stdout();
    let mut out = out.lock();
    if args.json {
        writeln!(out, "{}", serde_json::to_string(&r)?)?;
        return Ok(());
    }
    if r.series.is_empty() {
        writeln!(out, "no indicator matches")?;
    }
    for s in &r.series {
        let place = if s.place_en.is_empty() {
            "(place not stated)".to_string()
        } else {
            s.place_en.clone()
        };
        writeln!(
            out,
            "{} — {} [{}], {}",
            s.subject_en, s.subject, s.unit, place
        )?;
        for p in &s.points {
            writeln!(
                out,
                "  {}  {:<8}  {}  ({})  article {}",
                p.date, p.status, p.en, p.text, p.article_id
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}

#[derive(Parser)]
pub struct ServeArgs {
    #[arg(long, default_value_os_t = default_db())]
    db: PathBuf,
    /// Address to listen on. The default is loopback only; listening on another address
    /// exposes the store to that network.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: std::net::SocketAddr,
    /// Accept documents over HTTP (`POST /api/ingest`); off unless given.
    #[arg(long)]
    allow_ingest: bool,
}

pub fn serve(args: ServeArgs) -> Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the server runtime")?;
    rt.block_on(readout_server::serve(
        readout_server::Config {
            db: args.db,
            allow_ingest: args.allow_ingest,
        },
        args.addr,
    ))
}
