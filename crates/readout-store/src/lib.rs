//! The store of readout: what was ingested, kept for search and tracking.
//!
//! A store is a directory (`--db`, default `./readout-data`) holding `readout.sqlite`
//! (documents, articles, facts, entities, indicators, duplicate links; the source of truth)
//! and `index/` (the tantivy full-text index over Chinese and English fields). Opening a
//! store for writing migrates the schema and brings the index level with the database.

pub mod db;
pub mod dedup;
pub mod gz;
pub mod index;
pub mod ingest;
pub mod query;
pub mod source;
pub mod warc;

use anyhow::{Context, Result};
use rusqlite::Connection;
use std::path::{Path, PathBuf};

pub use index::{Filters, Hit, SearchIndex};
pub use ingest::{IngestOptions, Summary, ingest};

/// An open store.
pub struct Store {
    pub dir: PathBuf,
    pub conn: Connection,
    pub index: SearchIndex,
}

pub const DB_FILE: &str = "readout.sqlite";
pub const INDEX_DIR: &str = "index";

impl Store {
    /// Opens the store for writing, creating it if needed, and re-indexes any article the
    /// index lacks (after an interrupted ingest).
    pub fn open(dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the store {}", dir.display()))?;
        let conn = db::open(&dir.join(DB_FILE))?;
        let index = SearchIndex::open(&dir.join(INDEX_DIR))?;
        let mut store = Store {
            dir: dir.to_path_buf(),
            conn,
            index,
        };
        store.catch_up()?;
        Ok(store)
    }

    /// Opens an existing store to read (search, track, serve).
    pub fn open_read(dir: &Path) -> Result<Store> {
        let db_path = dir.join(DB_FILE);
        if !db_path.exists() {
            anyhow::bail!(
                "no store at {} (run `readout ingest PATH --db {}` first)",
                dir.display(),
                dir.display()
            );
        }
        let conn = db::open_read(&db_path)?;
        let index = SearchIndex::open(&dir.join(INDEX_DIR))?;
        Ok(Store {
            dir: dir.to_path_buf(),
            conn,
            index,
        })
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.join(DB_FILE)
    }

    /// Indexes the articles above the index's watermark: the database committed them but
    /// the index did not (an ingest was killed between the two commits).
    fn catch_up(&mut self) -> Result<()> {
        let mark = self.index.watermark()?;
        let max: i64 =
            self.conn
                .query_row("SELECT coalesce(max(id), 0) FROM articles", [], |r| {
                    r.get(0)
                })?;
        if max <= mark {
            return Ok(());
        }
        let mut writer = self.index.writer()?;
        let rows: Vec<i64> = {
            let mut stmt = self
                .conn
                .prepare("SELECT id FROM articles WHERE id > ?1 ORDER BY id")?;
            stmt.query_map([mark], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        for row in rows {
            let a = query::indexed_article(&self.conn, row)?;
            self.index.add(&writer, &a.as_indexed())?;
        }
        self.index.commit(&mut writer, max)?;
        Ok(())
    }

    /// Articles in the database and in the index (equal after every ingest).
    pub fn counts(&self) -> Result<(u64, u64)> {
        self.index.reload()?;
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM articles", [], |r| r.get(0))?;
        Ok((n as u64, self.index.len()))
    }
}
