import { collectionSql } from '../../core/collections.js'

/**
 * The corpus tables. Chunks of a version live only while it is active: `commitVersion` inserts the new
 * version's chunks, flips `documents.active_version` and deletes the old chunks in one transaction.
 * The FTS index is an external-content table kept in step by triggers, so it can never disagree with
 * `chunks`. Vectors live in one vec0 table per dimension count (created on first use).
 */
export const corpusMigrations: readonly string[] = [
  `CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    active_version INTEGER NOT NULL,
    last_version INTEGER NOT NULL,
    source_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    meta_json TEXT NOT NULL,
    company TEXT COLLATE NOCASE,
    fiscal_year INTEGER,
    doc_type TEXT COLLATE NOCASE,
    pages INTEGER NOT NULL,
    chunks INTEGER NOT NULL,
    embedding_model TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE document_versions (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    source_name TEXT NOT NULL,
    pages INTEGER NOT NULL,
    chunks INTEGER NOT NULL,
    embedding_model TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (document_id, version)
  );
  CREATE TABLE chunks (
    id INTEGER PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    ordinal INTEGER NOT NULL,
    header TEXT NOT NULL,
    text TEXT NOT NULL,
    page_start INTEGER NOT NULL,
    page_end INTEGER NOT NULL,
    section_path TEXT NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    tokens INTEGER NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (document_id, version, ordinal)
  );
  CREATE VIRTUAL TABLE chunks_fts USING fts5(
    header, text, content='chunks', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2'
  );
  CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN
    INSERT INTO chunks_fts(rowid, header, text) VALUES (new.id, new.header, new.text);
  END;
  CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
    INSERT INTO chunks_fts(chunks_fts, rowid, header, text) VALUES ('delete', old.id, old.header, old.text);
  END;
  CREATE TABLE embedding_cache (
    model TEXT NOT NULL,
    hash TEXT NOT NULL,
    dims INTEGER NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model, hash)
  ) WITHOUT ROWID;
  CREATE TABLE vector_tables (dims INTEGER PRIMARY KEY);`,
  // statement facts live, like chunks, only while their version is active
  `CREATE TABLE IF NOT EXISTS statement_facts (
    document_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    ordinal INTEGER NOT NULL,
    page INTEGER NOT NULL,
    label TEXT NOT NULL,
    period TEXT NOT NULL,
    value REAL NOT NULL,
    scale REAL NOT NULL,
    PRIMARY KEY (document_id, version, ordinal)
  ) WITHOUT ROWID;`,
  // Set by `ragtune reembed`: the embedding model the fingerprint was computed with ('' for none) when
  // the vectors have since been replaced by another model's; NULL when they agree.
  `ALTER TABLE documents ADD COLUMN fingerprint_model TEXT;`,
  // Collections: a document's collection follows from its key (collections.ts), so existing rows are in
  // `default` with nothing rewritten; the table holds collections created before their first document.
  `ALTER TABLE documents ADD COLUMN collection TEXT GENERATED ALWAYS AS (${collectionSql('id', 'sqlite')}) VIRTUAL;
  CREATE INDEX documents_collection ON documents (collection);
  CREATE TABLE collections (name TEXT PRIMARY KEY, created_at TEXT NOT NULL);`,
]
