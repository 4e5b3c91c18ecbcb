//! `readout`: the command-line front of readout-core. Parses arguments, reads files or
//! standard input, prints the analysis. Exit status: 0 success, 1 runtime failure, 2 bad
//! usage; every error is one line on stderr.

use anyhow::{Context as _, Result, anyhow};
use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use readout_core::{Options, render};
use std::io::{self, BufRead, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

mod store_cmds;

#[derive(Parser)]
#[command(
    name = "readout",
    version,
    about = "Reads Chinese official news and writes down, in English, what it says."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Analyse one document (plain text or HTML; UTF-8, GB18030/GBK or Big5) and print the result.
    Extract(ExtractArgs),
    /// Store documents (files, folders, JSON lines, WARC archives, `-`) with their analysis.
    Ingest(store_cmds::IngestArgs),
    /// Full-text search (Chinese and English) over what was ingested.
    Search(store_cmds::SearchArgs),
    /// Indicator series: the same indicator's achievements and targets over time, per place.
    Track(store_cmds::TrackArgs),
    /// HTTP JSON API and web pages over the store (127.0.0.1:8080 by default).
    Serve(store_cmds::ServeArgs),
}

#[derive(Parser)]
struct ExtractArgs {
    /// The document to read; `-` or nothing reads standard input.
    path: Option<PathBuf>,
    /// Publication (reference) date, YYYY-MM-DD, that relative dates resolve against.
    #[arg(long, value_parser = parse_date)]
    date: Option<NaiveDate>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
    /// Treat every input line as a separate document (raw text, or a JSON object with
    /// `text` and optional `date`); print one compact JSON object per line, in input order.
    #[arg(long)]
    lines: bool,
    /// Declared charset of the input (e.g. gbk), used when it decodes cleanly.
    #[arg(long)]
    charset: Option<String>,
    /// A user glossary (`Chinese<TAB>English` per line) whose terms override the built-in
    /// ones. Without it, $READOUT_GLOSSARY or ~/.config/readout/glossary.tsv is read if present.
    #[arg(long)]
    glossary: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Json,
    Text,
    Md,
}

pub(crate) fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date of the form YYYY-MM-DD"))
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) if !e.use_stderr() => {
            // --help, --version
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            return ExitCode::from(2);
        }
        Err(e) => {
            // usage errors: one line, as every error
            let rendered = e.kind().to_string();
            let first = e
                .to_string()
                .lines()
                .next()
                .map(str::to_string)
                .unwrap_or(rendered);
            eprintln!("readout: {}", first.trim());
            return ExitCode::from(2);
        }
    };
    let result = match cli.command {
        Command::Extract(args) => extract(args),
        Command::Ingest(args) => store_cmds::ingest(args),
        Command::Search(args) => store_cmds::search(args),
        Command::Track(args) => store_cmds::track(args),
        Command::Serve(args) => store_cmds::serve(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let msg = format!("{e:#}").replace('\n', " ");
            eprintln!("readout: error: {msg}");
            ExitCode::from(1)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

fn options(args: &ExtractArgs) -> Options {
    let mut o = Options::new(chrono::Local::now().date_naive());
    o.published = args.date;
    o.charset = args.charset.clone();
    o
}

fn open_input(path: &Option<PathBuf>) -> Result<Box<dyn BufRead>> {
    match path {
        None => Ok(Box::new(io::BufReader::new(io::stdin()))),
        Some(p) if p.as_os_str() == "-" => Ok(Box::new(io::BufReader::new(io::stdin()))),
        Some(p) => {
            let f =
                std::fs::File::open(p).with_context(|| format!("cannot read {}", p.display()))?;
            if f.metadata().is_ok_and(|m| m.is_dir()) {
                return Err(anyhow!("{} is a directory, not a document", p.display()));
            }
            Ok(Box::new(io::BufReader::with_capacity(1 << 16, f)))
        }
    }
}

/// Loads the user glossary: the given file (which must exist), else the default locations.
pub(crate) fn load_glossary(path: &Option<PathBuf>) -> Result<()> {
    let candidates: Vec<PathBuf> = match path {
        Some(p) => vec![p.clone()],
        None => std::env::var_os("READOUT_GLOSSARY")
            .map(PathBuf::from)
            .into_iter()
            .chain(
                std::env::var_os("HOME")
                    .map(|h| PathBuf::from(h).join(".config/readout/glossary.tsv")),
            )
            .filter(|p| p.exists())
            .take(1)
            .collect(),
    };
    for p in candidates {
        let text = std::fs::read_to_string(&p)
            .with_context(|| format!("cannot read glossary {}", p.display()))?;
        readout_core::glossary::extend(&text);
    }
    Ok(())
}

fn extract(args: ExtractArgs) -> Result<()> {
    load_glossary(&args.glossary)?;
    let opts = options(&args);
    let mut input = open_input(&args.path)?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if args.lines {
        if args.format != Format::Json {
            return Err(anyhow!(
                "--lines prints JSON only; drop --format {}",
                format_name(args.format)
            ));
        }
        let mut buf = Vec::new();
        let mut n = 0usize;
        loop {
            buf.clear();
            if input
                .read_until(b'\n', &mut buf)
                .context("cannot read input")?
                == 0
            {
                break;
            }
            n += 1;
            let line = buf.strip_suffix(b"\n").unwrap_or(&buf);
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            match analyze_line(line, &opts) {
                Ok(doc) => writeln!(out, "{}", render::json(&doc, false))?,
                Err(e) => writeln!(
                    out,
                    "{}",
                    serde_json::json!({"schema": "readout/1", "line": n, "error": e.to_string(), "articles": []})
                )?,
            }
        }
        out.flush()?;
        return Ok(());
    }
    let mut bytes = Vec::new();
    input.read_to_end(&mut bytes).context("cannot read input")?;
    let doc = readout_core::analyze_bytes(&bytes, &opts)?;
    let rendered = match args.format {
        Format::Json => render::json(&doc, true),
        Format::Text => render::text(&doc),
        Format::Md => render::markdown(&doc),
    };
    writeln!(out, "{}", rendered.trim_end())?;
    out.flush()?;
    Ok(())
}

/// One `--lines` record: raw text, or a JSON object `{"text": "…", "date": "YYYY-MM-DD"}`
/// (the form in which a multi-line page fits on one line).
fn analyze_line(
    line: &[u8],
    opts: &Options,
) -> Result<readout_core::Document, readout_core::DecodeError> {
    if line.first() == Some(&b'{') {
        if let Ok(serde_json::Value::Object(obj)) =
            serde_json::from_slice::<serde_json::Value>(line)
        {
            if let Some(text) = obj.get("text").and_then(|t| t.as_str()) {
                let mut o = opts.clone();
                if let Some(d) = obj
                    .get("date")
                    .or_else(|| obj.get("published"))
                    .and_then(|d| d.as_str())
                {
                    o.published = parse_date(d).ok().or(o.published);
                }
                return readout_core::analyze_bytes(text.as_bytes(), &o);
            }
        }
    }
    readout_core::analyze_bytes(line, opts)
}

fn format_name(f: Format) -> &'static str {
    match f {
        Format::Json => "json",
        Format::Text => "text",
        Format::Md => "md",
    }
}
