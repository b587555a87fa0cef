import { collectionSql } from '../../core/collections.js'

/**
 * Catalog tables. A version row carries everything the document summary shows once it is active, and
 * its BM25 contribution (`bm25`: {documents, totalLength, df: {termHash: count}}), so activation and
 * retirement move corpus statistics inside the same transaction as the pointer flip.
 */
export const catalogMigrations: readonly string[] = [
  `CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    active_version INTEGER NOT NULL,
    source_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    meta JSONB NOT NULL,
    pages INTEGER NOT NULL,
    chunks INTEGER NOT NULL,
    embedding_model TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
  );
  CREATE TABLE document_versions (
    document_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('staged', 'active', 'retired')),
    source_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    meta JSONB NOT NULL,
    pages INTEGER NOT NULL,
    chunks INTEGER NOT NULL,
    embedding_model TEXT,
    bm25 JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    retired_at TIMESTAMPTZ,
    PRIMARY KEY (document_id, version)
  );
  CREATE INDEX document_versions_unsettled ON document_versions (document_id) WHERE state <> 'active';
  CREATE TABLE chunks (
    document_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    ordinal INTEGER NOT NULL,
    header TEXT NOT NULL,
    text TEXT NOT NULL,
    page_start INTEGER NOT NULL,
    page_end INTEGER NOT NULL,
    section_path JSONB NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    tokens INTEGER NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (document_id, version, ordinal),
    FOREIGN KEY (document_id, version) REFERENCES document_versions ON DELETE CASCADE
  );
  CREATE TABLE bm25_totals (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    documents BIGINT NOT NULL,
    total_length BIGINT NOT NULL
  );
  INSERT INTO bm25_totals VALUES (1, 0, 0);
  CREATE TABLE bm25_terms (
    hash BIGINT PRIMARY KEY,
    df INTEGER NOT NULL
  );
  CREATE TABLE embedding_cache (
    model TEXT NOT NULL,
    hash TEXT NOT NULL,
    vector BYTEA NOT NULL,
    PRIMARY KEY (model, hash)
  );`,
  // statement facts of a version, staged and purged with its chunks
  `CREATE TABLE facts (
    document_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    ordinal INTEGER NOT NULL,
    page INTEGER NOT NULL,
    label TEXT NOT NULL,
    period TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    scale DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (document_id, version, ordinal),
    FOREIGN KEY (document_id, version) REFERENCES document_versions ON DELETE CASCADE
  );`,
  // collections: derived from the document key (collections.ts), so existing rows are in `default`
  `ALTER TABLE documents ADD COLUMN collection TEXT GENERATED ALWAYS AS (${collectionSql('id', 'postgres')}) STORED;
  CREATE INDEX documents_collection ON documents (collection);
  CREATE TABLE collections (name TEXT PRIMARY KEY, created_at TIMESTAMPTZ NOT NULL DEFAULT now());`,
]
