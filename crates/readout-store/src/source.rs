//! Where documents come from: files, folders (walked in name order), JSON lines, WARC/WET
//! archives (plain or gzip), and stdin (sniffed: gzip, WARC, JSON lines or one document).
//! Everything is streamed: one record at a time is held, whatever the input's size.

use crate::warc::{self, WarcItem, WarcReader};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// One document to analyse, with its provenance.
#[derive(Debug, Clone, Default)]
pub struct Record {
    /// The file, or `archive#offset` for an archive record, or `file:line` for JSON lines.
    pub source: String,
    pub url: Option<String>,
    /// When it was fetched (WARC-Date).
    pub fetched: Option<String>,
    /// Charset from the transport (HTTP Content-Type).
    pub charset: Option<String>,
    /// Publication date the source states (`date` of a JSON line).
    pub date: Option<chrono::NaiveDate>,
    pub bytes: Vec<u8>,
}

/// What a source yields.
#[derive(Debug)]
pub enum Item {
    Record(Record),
    /// Something read that is not a document: counted under `reason`, logged with `detail`.
    Skip {
        reason: &'static str,
        source: String,
        detail: String,
    },
}

/// Limits on what is read.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest document (file, record, line) analysed; larger ones are skipped.
    pub max_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 16 << 20,
        }
    }
}

/// File kinds by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Document,
    JsonLines,
    Warc,
    Unsupported,
}

fn kind_of(path: &Path) -> (Kind, bool) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let (stem, gz) = match name.strip_suffix(".gz") {
        Some(s) => (s.to_string(), true),
        None => (name.clone(), false),
    };
    let ext = Path::new(&stem)
        .extension()
        .map(|e| e.to_string_lossy().to_string())
        .unwrap_or_default();
    let kind = match ext.as_str() {
        "warc" | "wet" | "arc" => Kind::Warc,
        "jsonl" | "ndjson" => Kind::JsonLines,
        "txt" | "text" | "html" | "htm" | "xhtml" | "shtml" | "md" | "" => Kind::Document,
        _ => Kind::Unsupported,
    };
    (kind, gz)
}

/// Total size in bytes of the files `paths` name (for a progress bar); None with stdin.
pub fn total_size(paths: &[PathBuf]) -> Option<u64> {
    let mut total = 0;
    for p in paths {
        if p.as_os_str() == "-" {
            return None;
        }
        for f in files(p).ok()? {
            total += f.metadata().map(|m| m.len()).unwrap_or(0);
        }
    }
    Some(total)
}

/// The files under `path` (itself when a file), sorted, hidden entries and stores (folders
/// holding a `readout.sqlite`) left out.
fn files(path: &Path) -> io::Result<Vec<PathBuf>> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(path)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    entries.sort();
    for e in entries {
        // symlinked folders are not followed (no loops)
        let is_link = std::fs::symlink_metadata(&e).is_ok_and(|m| m.file_type().is_symlink());
        if e.is_dir() && !is_link {
            if !e.join(crate::DB_FILE).exists() {
                out.extend(files(&e)?);
            }
        } else if e.is_file() {
            out.push(e);
        }
    }
    Ok(out)
}

/// Reads every input and hands each item to `sink`, stopping early if it returns an error.
/// A path that cannot be read at all is an error (the user named it); a damaged part of an
/// input is a skipped item.
pub fn read_all(
    paths: &[PathBuf],
    limits: Limits,
    sink: &mut dyn FnMut(Item, u64) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    for p in paths {
        if p.as_os_str() == "-" {
            read_stdin(limits, sink)?;
            continue;
        }
        let list = files(p).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", p.display()))?;
        for f in list {
            read_file(&f, limits, sink)?;
        }
    }
    Ok(())
}

fn read_stdin(
    limits: Limits,
    sink: &mut dyn FnMut(Item, u64) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut r = BufReader::with_capacity(1 << 16, io::stdin());
    let head = r.fill_buf()?.to_vec();
    let src = "stdin".to_string();
    if head.starts_with(&[0x1f, 0x8b]) {
        read_gz(Box::new(r), &src, None, limits, sink)
    } else {
        read_stream(Box::new(r), &src, None, limits, sink)
    }
}

/// Reads one stream whose kind is sniffed when `kind` is None.
fn read_stream(
    mut r: Box<dyn BufRead + Send>,
    source: &str,
    kind: Option<Kind>,
    limits: Limits,
    sink: &mut dyn FnMut(Item, u64) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let kind = match kind {
        Some(k) => k,
        None => {
            let head = r.fill_buf()?;
            let start = head
                .iter()
                .position(|b| !b.is_ascii_whitespace())
                .unwrap_or(0);
            if head[start..].starts_with(b"WARC/") {
                Kind::Warc
            } else if head[start..].starts_with(b"{") {
                Kind::JsonLines
            } else {
                Kind::Document
            }
        }
    };
    match kind {
        Kind::Warc => read_warc(r, source, limits, sink),
        Kind::JsonLines => read_jsonl(r, source, limits, sink),
        _ => {
            let mut bytes = Vec::new();
            let n = r
                .by_ref()
                .take(limits.max_bytes as u64 + 1)
                .read_to_end(&mut bytes);
            match n {
                Ok(n) if n > limits.max_bytes => {
                    let rest = io::copy(&mut r, &mut io::sink()).unwrap_or(0);
                    sink(
                        Item::Skip {
                            reason: "too_large",
                            source: source.to_string(),
                            detail: format!("over {} bytes", limits.max_bytes),
                        },
                        n as u64 + rest,
                    )
                }
                Ok(n) => sink(
                    Item::Record(Record {
                        source: source.to_string(),
                        bytes,
                        ..Record::default()
                    }),
                    n as u64,
                ),
                Err(e) => sink(
                    Item::Skip {
                        reason: "read_error",
                        source: source.to_string(),
                        detail: e.to_string(),
                    },
                    0,
                ),
            }
        }
    }
}

fn read_file(
    path: &Path,
    limits: Limits,
    sink: &mut dyn FnMut(Item, u64) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let source = path.display().to_string();
    let (kind, gz) = kind_of(path);
    let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if kind == Kind::Unsupported {
        return sink(
            Item::Skip {
                reason: "unsupported_file",
                source,
                detail: "not a text, HTML, JSON lines or WARC file".into(),
            },
            len,
        );
    }
    if kind == Kind::Document && !gz && len > limits.max_bytes as u64 {
        return sink(
            Item::Skip {
                reason: "too_large",
                source,
                detail: format!("{len} bytes, over {}", limits.max_bytes),
            },
            len,
        );
    }
    let file =
        File::open(path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    let raw = BufReader::with_capacity(1 << 16, file);
    if gz {
        read_gz(Box::new(raw), &source, Some(kind), limits, sink)
    } else {
        read_stream(Box::new(raw), &source, Some(kind), limits, sink)
    }
}

/// Reads a gzip stream member by member: a damaged member is skipped and counted
/// (`bad_gzip`, one per member, reported where it was met) and reading goes on with the
/// next one.
fn read_gz(
    raw: crate::gz::Raw,
    source: &str,
    kind: Option<Kind>,
    limits: Limits,
    sink: &mut dyn FnMut(Item, u64) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let members = crate::gz::Members::new(raw);
    let damaged = members.damaged();
    let mut reported = 0u64;
    let mut report = |sink: &mut dyn FnMut(Item, u64) -> anyhow::Result<()>| {
        let now = damaged.load(std::sync::atomic::Ordering::Relaxed);
        while reported < now {
            reported += 1;
            sink(
                Item::Skip {
                    reason: "bad_gzip",
                    source: source.to_string(),
                    detail: format!("damaged gzip member {reported}: skipped to the next member"),
                },
                0,
            )?;
        }
        Ok::<(), anyhow::Error>(())
    };
    let r = Box::new(BufReader::with_capacity(1 << 16, members));
    let mut checked = |item: Item, bytes: u64| -> anyhow::Result<()> {
        report(&mut *sink)?;
        sink(item, bytes)
    };
    read_stream(r, source, kind, limits, &mut checked)?;
    report(sink)
}

fn read_warc(
    r: Box<dyn BufRead + Send>,
    source: &str,
    limits: Limits,
    sink: &mut dyn FnMut(Item, u64) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut reader = WarcReader::new(r, limits.max_bytes);
    let mut last = 0;
    while let Some(item) = reader.next() {
        let at = reader.offset;
        let bytes = at - last;
        last = at;
        let item = match item {
            WarcItem::Bad { reason, detail } => Item::Skip {
                reason,
                source: format!("{source}#{at}"),
                detail,
            },
            WarcItem::Record(rec) => record_of_warc(rec, &format!("{source}#{at}")),
        };
        sink(item, bytes)?;
    }
    Ok(())
}

/// A WARC record as a document: response records (HTTP 200, text or HTML), conversion
/// records (WET text) and resource records with a text type; anything else is skipped.
fn record_of_warc(rec: warc::WarcRecord, source: &str) -> Item {
    let skip = |reason: &'static str, detail: String| Item::Skip {
        reason,
        source: source.to_string(),
        detail,
    };
    let (body, content_type) = match rec.kind.as_str() {
        "response" => match warc::http_response(&rec.body) {
            None => return skip("bad_http", "an unreadable HTTP response".into()),
            Some(h) if h.status != 200 => {
                return skip("http_status", format!("HTTP {}", h.status));
            }
            Some(h) => (h.body.to_vec(), h.content_type),
        },
        "conversion" | "resource" => (rec.body.clone(), rec.content_type.clone()),
        other => return skip("not_a_response", format!("a {other} record")),
    };
    let ct = content_type
        .clone()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let textual = ct.is_empty()
        || ct.starts_with("text/")
        || ct.contains("html")
        || ct.contains("xml")
        || ct.contains("json");
    if !textual {
        return skip("not_text", format!("content type {ct}"));
    }
    Item::Record(Record {
        source: source.to_string(),
        url: rec.target_uri,
        fetched: rec.date,
        charset: content_type.as_deref().and_then(warc::charset_of),
        date: None,
        bytes: body,
    })
}

/// JSON lines: each line an object with `text` (or `html`), and optionally `date`
/// (YYYY-MM-DD) and `url`.
fn read_jsonl(
    mut r: Box<dyn BufRead + Send>,
    source: &str,
    limits: Limits,
    sink: &mut dyn FnMut(Item, u64) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut line_no = 0u64;
    loop {
        line_no += 1;
        let mut line = Vec::new();
        let n = match r
            .by_ref()
            .take(limits.max_bytes as u64 + 1)
            .read_until(b'\n', &mut line)
        {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) => {
                return sink(
                    Item::Skip {
                        reason: "read_error",
                        source: format!("{source}:{line_no}"),
                        detail: e.to_string(),
                    },
                    0,
                );
            }
        };
        let src = format!("{source}:{line_no}");
        if n > limits.max_bytes && !line.ends_with(b"\n") {
            let mut rest = Vec::new();
            let _ = r.read_until(b'\n', &mut rest);
            sink(
                Item::Skip {
                    reason: "too_large",
                    source: src,
                    detail: format!("a line over {} bytes", limits.max_bytes),
                },
                (n + rest.len()) as u64,
            )?;
            continue;
        }
        if line.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        let item = match serde_json::from_slice::<serde_json::Value>(&line) {
            Ok(v) => {
                let text = v
                    .get("text")
                    .or_else(|| v.get("html"))
                    .and_then(|t| t.as_str());
                match text {
                    Some(t) => Item::Record(Record {
                        source: src,
                        url: v.get("url").and_then(|u| u.as_str()).map(str::to_string),
                        fetched: None,
                        charset: Some("utf-8".into()),
                        date: v
                            .get("date")
                            .and_then(|d| d.as_str())
                            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
                        bytes: t.as_bytes().to_vec(),
                    }),
                    None => Item::Skip {
                        reason: "bad_json",
                        source: src,
                        detail: "a JSON line without a \"text\" string".into(),
                    },
                }
            }
            Err(e) => Item::Skip {
                reason: "bad_json",
                source: src,
                detail: e.to_string(),
            },
        };
        sink(item, n as u64)?;
    }
}
