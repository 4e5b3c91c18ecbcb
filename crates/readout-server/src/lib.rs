//! `readout serve`: the HTTP JSON API and the web pages over a store.
//!
//! - JSON: `GET /api/search`, `/api/track`, `/api/articles/{id}`, `/api/articles/{id}/facts`,
//!   `/api/people`, `/api/people/{name}`, `POST /api/extract`, `POST /api/ingest` (only with
//!   `--allow-ingest`), described by `GET /openapi.json`. `/api/search` and `/api/track`
//!   answer exactly what `readout search --json` and `readout track --json` print.
//! - Pages, rendered on the server (maud escapes every text; no script anywhere): search,
//!   the article (Chinese text with facts highlighted, English on hover, the brief beside),
//!   the tracker (an SVG chart per series), people.
//! - Limits: request bodies 2 MB, URIs 4 KB, article ids checked; nothing is served from the
//!   file system; a strict Content-Security-Policy on every response.
//!
//! Requests run their database and index work on blocking threads, each with its own
//! read-only SQLite connection; the index reader follows ingests as they commit.

mod pages;

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use readout_store::{Filters, SearchIndex, query};
use rusqlite_conn::with_conn;
use serde::Deserialize;
use std::path::PathBuf;
use std::sync::Arc;

/// Server configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub db: PathBuf,
    /// Accept `POST /api/ingest`.
    pub allow_ingest: bool,
}

pub struct AppState {
    pub config: Config,
    pub index: SearchIndex,
    /// One writer at a time for HTTP ingest.
    ingest_lock: tokio::sync::Mutex<()>,
}

pub type Shared = Arc<AppState>;

/// Largest request body (POST /api/extract, /api/ingest).
pub const MAX_BODY: usize = 2 << 20;
/// Longest request URI.
pub const MAX_URI: usize = 4096;

mod rusqlite_conn {
    //! A read-only connection per blocking thread.
    use readout_store::db::Connection;
    use std::cell::RefCell;
    use std::path::{Path, PathBuf};

    thread_local! {
        static CONN: RefCell<Option<(PathBuf, Connection)>> = const { RefCell::new(None) };
    }

    pub fn with_conn<T>(
        db: &Path,
        f: impl FnOnce(&Connection) -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        CONN.with(|c| {
            let mut c = c.borrow_mut();
            if c.as_ref().is_none_or(|(p, _)| p != db) {
                let conn = readout_store::db::open_read(&db.join(readout_store::DB_FILE))?;
                *c = Some((db.to_path_buf(), conn));
            }
            f(&c.as_ref().expect("opened").1)
        })
    }
}

/// Builds the application for the store in `config.db` (which must exist).
pub fn app(config: Config) -> anyhow::Result<Router> {
    let db_file = config.db.join(readout_store::DB_FILE);
    if !db_file.exists() {
        anyhow::bail!(
            "no store at {} (run `readout ingest PATH --db {}` first)",
            config.db.display(),
            config.db.display()
        );
    }
    // checks the schema version once, at start
    readout_store::db::open_read(&db_file)?;
    let index = SearchIndex::open_with(&config.db.join(readout_store::INDEX_DIR), true)?;
    let state = Arc::new(AppState {
        config,
        index,
        ingest_lock: tokio::sync::Mutex::new(()),
    });
    Ok(Router::new()
        .route("/", get(pages::home))
        .route("/search", get(pages::search))
        .route("/articles/{id}", get(pages::article))
        .route("/track", get(pages::track))
        .route("/people", get(pages::people))
        .route("/people/{name}", get(pages::person))
        .route("/api/search", get(api_search))
        .route("/api/track", get(api_track))
        .route("/api/articles/{id}", get(api_article))
        .route("/api/articles/{id}/facts", get(api_facts))
        .route("/api/people", get(api_people))
        .route("/api/people/{name}", get(api_person))
        .route("/api/extract", post(api_extract))
        .route("/api/ingest", post(api_ingest))
        .route("/openapi.json", get(openapi))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(middleware::from_fn(guard))
        .with_state(state))
}

/// Serves until Ctrl-C.
pub async fn serve(config: Config, addr: std::net::SocketAddr) -> anyhow::Result<()> {
    let app = app(config)?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
    eprintln!("readout: serving on http://{}", listener.local_addr()?);
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

/// URI limit and security headers on every response.
async fn guard(req: Request<Body>, next: Next) -> Response {
    if req.uri().to_string().len() > MAX_URI {
        return error(StatusCode::URI_TOO_LONG, "the request URI is too long");
    }
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    res
}

/// A JSON error body `{"error": "..."}` with `status`.
pub fn error(status: StatusCode, msg: &str) -> Response {
    (status, Json(serde_json::json!({ "error": msg }))).into_response()
}

async fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "not found")
}

/// Runs blocking store work off the async threads; errors become 500 with one line.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> Result<T, Response> {
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(error(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("{e:#}").replace('\n', " "),
        )),
        Err(_) => Err(error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the request failed",
        )),
    }
}

/// Query parameters of search (API and page).
#[derive(Debug, Default, Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    pub q: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub place: Option<String>,
    pub person: Option<String>,
    pub kind: Option<String>,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

impl SearchParams {
    pub fn filters(&self) -> Filters {
        let some = |s: &Option<String>| s.clone().filter(|v| !v.trim().is_empty());
        Filters {
            from: some(&self.from),
            to: some(&self.to),
            place: some(&self.place),
            person: some(&self.person),
            kind: some(&self.kind),
        }
    }
}

fn valid_date(s: &Option<String>) -> bool {
    s.as_deref().is_none_or(|d| {
        d.trim().is_empty() || chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok()
    })
}

pub async fn run_search(state: &Shared, p: SearchParams) -> Result<query::SearchResult, Response> {
    if !valid_date(&p.from) || !valid_date(&p.to) {
        return Err(error(
            StatusCode::BAD_REQUEST,
            "from and to are dates of the form YYYY-MM-DD",
        ));
    }
    let state = state.clone();
    blocking(move || {
        let (total, hits) = state.index.search(
            &p.q,
            &p.filters(),
            p.limit.unwrap_or(10).clamp(1, 100),
            p.offset.unwrap_or(0).min(10_000),
        )?;
        Ok(query::SearchResult { total, hits })
    })
    .await
}

async fn api_search(State(state): State<Shared>, Query(p): Query<SearchParams>) -> Response {
    match run_search(&state, p).await {
        Ok(r) => Json(r).into_response(),
        Err(e) => e,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct TrackParams {
    pub q: Option<String>,
}

pub async fn run_track(state: &Shared, q: Option<String>) -> Result<query::TrackResult, Response> {
    let db = state.config.db.clone();
    blocking(move || with_conn(&db, |c| query::track(c, q.as_deref()))).await
}

async fn api_track(State(state): State<Shared>, Query(p): Query<TrackParams>) -> Response {
    match run_track(&state, p.q).await {
        Ok(r) => Json(r).into_response(),
        Err(e) => e,
    }
}

/// Article ids are 16 hex digits; anything else is refused before any lookup.
pub fn valid_id(id: &str) -> bool {
    id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

pub async fn load_article(state: &Shared, id: String) -> Result<query::ArticleView, Response> {
    if !valid_id(&id) {
        return Err(error(StatusCode::NOT_FOUND, "no such article"));
    }
    let db = state.config.db.clone();
    match blocking(move || with_conn(&db, |c| query::article(c, &id))).await? {
        Some(a) => Ok(a),
        None => Err(error(StatusCode::NOT_FOUND, "no such article")),
    }
}

async fn api_article(State(state): State<Shared>, Path(id): Path<String>) -> Response {
    match load_article(&state, id).await {
        Ok(a) => Json(a).into_response(),
        Err(e) => e,
    }
}

async fn api_facts(State(state): State<Shared>, Path(id): Path<String>) -> Response {
    match load_article(&state, id).await {
        Ok(a) => Json(serde_json::json!({
            "article_id": a.article_id,
            "facts": a.article["facts"],
        }))
        .into_response(),
        Err(e) => e,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct PeopleParams {
    pub q: Option<String>,
    pub limit: Option<usize>,
}

async fn api_people(State(state): State<Shared>, Query(p): Query<PeopleParams>) -> Response {
    let db = state.config.db.clone();
    let limit = p.limit.unwrap_or(50).clamp(1, 500);
    match blocking(move || with_conn(&db, |c| query::people(c, p.q.as_deref(), limit))).await {
        Ok(r) => Json(serde_json::json!({ "people": r })).into_response(),
        Err(e) => e,
    }
}

async fn api_person(State(state): State<Shared>, Path(name): Path<String>) -> Response {
    let db = state.config.db.clone();
    match blocking(move || with_conn(&db, |c| query::person(c, &name))).await {
        Ok(Some(p)) => Json(p).into_response(),
        Ok(None) => error(StatusCode::NOT_FOUND, "no such person"),
        Err(e) => e,
    }
}

#[derive(Debug, Default, Deserialize)]
struct ExtractParams {
    date: Option<String>,
}

/// `POST /api/extract`: the body is one document (text or HTML, any supported encoding);
/// the answer is what `readout extract --format json` prints.
async fn api_extract(Query(p): Query<ExtractParams>, body: axum::body::Bytes) -> Response {
    let mut opts = readout_core::Options::new(chrono::Local::now().date_naive());
    if let Some(d) = p.date.filter(|d| !d.is_empty()) {
        match chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d") {
            Ok(d) => opts.published = Some(d),
            Err(_) => return error(StatusCode::BAD_REQUEST, "date is YYYY-MM-DD"),
        }
    }
    let r = tokio::task::spawn_blocking(move || readout_core::analyze_bytes(&body, &opts)).await;
    match r {
        Ok(Ok(doc)) => (
            [(header::CONTENT_TYPE, "application/json")],
            readout_core::render::json(&doc, false),
        )
            .into_response(),
        Ok(Err(e)) => error(StatusCode::UNPROCESSABLE_ENTITY, &e.to_string()),
        Err(_) => error(StatusCode::INTERNAL_SERVER_ERROR, "the analysis failed"),
    }
}

/// `POST /api/ingest` (only with `--allow-ingest`): stores the body as one document.
async fn api_ingest(
    State(state): State<Shared>,
    Query(p): Query<ExtractParams>,
    body: axum::body::Bytes,
) -> Response {
    if !state.config.allow_ingest {
        return error(
            StatusCode::FORBIDDEN,
            "ingest over HTTP is off (start the server with --allow-ingest)",
        );
    }
    let date = match p.date.filter(|d| !d.is_empty()) {
        None => None,
        Some(d) => match chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => return error(StatusCode::BAD_REQUEST, "date is YYYY-MM-DD"),
        },
    };
    let _guard = state.ingest_lock.lock().await;
    let db = state.config.db.clone();
    let r = blocking(move || {
        let dir = tempdir_for(&db)?;
        let file = dir.join("document.jsonl");
        let text = readout_core::decode::decode(&body, None)
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .text;
        let mut line = serde_json::json!({ "text": text });
        if let Some(d) = date {
            line["date"] = serde_json::Value::String(d.to_string());
        }
        std::fs::write(&file, format!("{line}\n"))?;
        let mut store = readout_store::Store::open(&db)?;
        let opts = readout_store::IngestOptions::new(chrono::Local::now().date_naive());
        let s = readout_store::ingest(
            &mut store,
            &[file],
            &opts,
            &readout_store::ingest::Quiet,
            &mut |_| {},
        );
        let _ = std::fs::remove_dir_all(&dir);
        s
    })
    .await;
    match r {
        Ok(s) => Json(s).into_response(),
        Err(e) => e,
    }
}

fn tempdir_for(db: &std::path::Path) -> anyhow::Result<PathBuf> {
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let d = db.join(format!(".http-ingest-{n}"));
    std::fs::create_dir_all(&d)?;
    Ok(d)
}

async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        include_str!("openapi.json"),
    )
        .into_response()
}
