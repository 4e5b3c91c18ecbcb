//! The database: SQLite (bundled, nothing to install) in WAL mode. It is the store's source
//! of truth; the search index is rebuilt from it when the two disagree.
//!
//! The schema is versioned with `PRAGMA user_version`: `MIGRATIONS[i]` takes a database
//! from version `i` to `i + 1`, each in its own transaction.

use anyhow::{Context, Result, bail};
pub use rusqlite::Connection;
use std::path::Path;

/// Migrations in order; never edit one that has shipped, add a new one.
const MIGRATIONS: &[&str] = &[
    // 1: documents, articles, facts, entities, indicators, duplicates
    "
    CREATE TABLE documents (
        id INTEGER PRIMARY KEY,
        hash TEXT NOT NULL UNIQUE,          -- blake3 of the URL (if any) and the raw bytes
        source TEXT NOT NULL,               -- file path, or archive path
        url TEXT,                           -- WARC target URI or the jsonl `url`
        fetched TEXT,                       -- WARC-Date
        published TEXT NOT NULL,
        published_from TEXT NOT NULL,
        encoding TEXT NOT NULL,
        converted TEXT,                     -- 'traditional' when the text was converted
        original TEXT,                      -- the text before conversion, when converted
        ingested TEXT NOT NULL
    );
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        article_id TEXT NOT NULL UNIQUE,    -- blake3 of the normalised article text, 16 hex
        document INTEGER NOT NULL REFERENCES documents(id),
        idx INTEGER NOT NULL,
        language TEXT NOT NULL,
        headline TEXT NOT NULL,
        headline_en TEXT,
        summary_en TEXT,
        text TEXT NOT NULL,
        published TEXT NOT NULL,
        json TEXT NOT NULL,                 -- the article as `extract --format json` gives it
        minhash BLOB,                       -- 64 × u64 little-endian; NULL for short texts
        figures TEXT NOT NULL DEFAULT ''    -- the figures the text states, space-separated
    );
    CREATE TABLE bands (                    -- MinHash LSH: one key per band of 4 hashes
        band INTEGER NOT NULL,
        key INTEGER NOT NULL,
        article INTEGER NOT NULL REFERENCES articles(id)
    );
    CREATE INDEX bands_key ON bands(band, key);
    CREATE INDEX articles_published ON articles(published);
    CREATE TABLE facts (
        id INTEGER PRIMARY KEY,
        article INTEGER NOT NULL REFERENCES articles(id),
        kind TEXT NOT NULL,
        text TEXT NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        en TEXT NOT NULL,
        json TEXT NOT NULL
    );
    CREATE INDEX facts_article ON facts(article);
    CREATE INDEX facts_kind ON facts(kind);
    CREATE TABLE entities (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,                 -- person, place, organization
        name TEXT NOT NULL,
        name_en TEXT NOT NULL,
        UNIQUE (kind, name)
    );
    CREATE TABLE mentions (
        entity INTEGER NOT NULL REFERENCES entities(id),
        article INTEGER NOT NULL REFERENCES articles(id),
        fact INTEGER NOT NULL REFERENCES facts(id)
    );
    CREATE INDEX mentions_entity ON mentions(entity);
    CREATE INDEX mentions_article ON mentions(article);
    CREATE TABLE indicators (
        id INTEGER PRIMARY KEY,
        article INTEGER NOT NULL REFERENCES articles(id),
        fact INTEGER NOT NULL REFERENCES facts(id),
        subject TEXT NOT NULL,
        subject_en TEXT NOT NULL,
        place TEXT NOT NULL,                -- '' when the article names none
        place_en TEXT NOT NULL,
        unit TEXT NOT NULL,
        value TEXT NOT NULL,                -- exact decimal as the fact gives it
        value_max TEXT,
        qualifier TEXT NOT NULL,
        change TEXT,
        status TEXT NOT NULL,
        date TEXT NOT NULL,                 -- as_of, else period end, else published
        period TEXT
    );
    CREATE INDEX indicators_series ON indicators(subject, place, unit);
    CREATE TABLE duplicates (
        id INTEGER PRIMARY KEY,
        document INTEGER NOT NULL REFERENCES documents(id),
        idx INTEGER NOT NULL,
        of_article TEXT NOT NULL REFERENCES articles(article_id),
        kind TEXT NOT NULL,                 -- exact, near
        similarity REAL NOT NULL          -- estimated Jaccard (1 for exact)
    );
    CREATE INDEX duplicates_of ON duplicates(of_article);
    ",
    // 2: signatures in their own small rows (a candidate check no longer reads the article's
    // overflow pages), and band lookups ordered by article for bounded, newest-first scans
    "
    CREATE TABLE signatures (
        article INTEGER PRIMARY KEY REFERENCES articles(id),
        minhash BLOB NOT NULL,
        figures TEXT NOT NULL
    );
    INSERT INTO signatures (article, minhash, figures)
        SELECT id, minhash, figures FROM articles WHERE minhash IS NOT NULL;
    ALTER TABLE articles DROP COLUMN minhash;
    ALTER TABLE articles DROP COLUMN figures;
    DROP INDEX bands_key;
    CREATE INDEX bands_key ON bands(band, key, article);
    ",
    // 3: no query reads facts by kind alone (the one that filters by kind also filters by
    // article, which facts_article serves); the index cost every fact insert
    "
    DROP INDEX facts_kind;
    ",
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Opens (creating if needed) the database file and brings its schema up to date.
pub fn open(path: &Path) -> Result<Connection> {
    let mut conn =
        Connection::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // a 64 MB page cache and memory-mapped reads for the writer's lookups
    conn.pragma_update(None, "cache_size", -65536)?;
    conn.pragma_update(None, "mmap_size", 268_435_456)?;
    migrate(&mut conn)?;
    Ok(conn)
}

/// Opens an existing database read-only (search, serve): many can read while one writes.
pub fn open_read(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("cannot open {}", path.display()))?;
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    conn.pragma_update(None, "mmap_size", 268_435_456)?;
    let v: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if v != SCHEMA_VERSION {
        bail!(
            "{} has schema version {v}, this readout reads {SCHEMA_VERSION}: run `readout ingest` once to migrate",
            path.display()
        );
    }
    Ok(conn)
}

fn migrate(conn: &mut Connection) -> Result<()> {
    let v: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if v > SCHEMA_VERSION {
        bail!("the store has schema version {v}, newer than this readout ({SCHEMA_VERSION})");
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(v as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)
            .with_context(|| format!("migration {}", i + 1))?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migration_2_moves_signatures_out_of_articles() {
        let dir = std::env::temp_dir().join(format!("readout-db2-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("t.sqlite");
        let _ = std::fs::remove_file(&p);
        // a version-1 store with one article
        let mut c = Connection::open(&p).unwrap();
        let tx = c.transaction().unwrap();
        tx.execute_batch(MIGRATIONS[0]).unwrap();
        tx.pragma_update(None, "user_version", 1).unwrap();
        tx.execute_batch(
            "INSERT INTO documents VALUES (1,'h','s',NULL,NULL,'2024-01-01','given','UTF-8',NULL,NULL,'t');
             INSERT INTO articles (id, article_id, document, idx, language, headline, text, published, json, minhash, figures)
             VALUES (7,'a',1,0,'zh','题','文','2024-01-01','{}',x'0102','3 5');",
        )
        .unwrap();
        tx.commit().unwrap();
        drop(c);
        let c = open(&p).unwrap();
        let (blob, figures): (Vec<u8>, String) = c
            .query_row(
                "SELECT minhash, figures FROM signatures WHERE article = 7",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((blob, figures.as_str()), (vec![1, 2], "3 5"));
        assert!(c.prepare("SELECT minhash FROM articles").is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn migrates_once_and_reopens() {
        let dir = std::env::temp_dir().join(format!("readout-db-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("t.sqlite");
        let _ = std::fs::remove_file(&p);
        drop(open(&p).unwrap());
        let c = open(&p).unwrap();
        let v: i64 = c
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        let n: i64 = c
            .query_row("SELECT count(*) FROM articles", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0);
        drop(c);
        assert!(open_read(&p).is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
