import { collectionOf, collectionSql } from '../../core/collections.js'
import { sqliteCollectionQueries } from './collection-queries.js'
import type { CorpusCatalog, StoredChunk } from '../../core/catalog.js'
import type { StatementFact } from '../../core/facts/statement-facts.js'
import { idConflict } from '../../core/ingest/identity.js'
import { applyMigrations, openDatabase, type Db } from './database.js'
import { byChunkKey, chunkRecordFromRow, stagedVersionValues } from '../catalog-rows.js'
import { chunkRowValues, rowMeta, toDocumentSummary, type ChunkRow, type DocumentRow } from './rows.js'

/**
 * The corpus catalog in SQLite, for a single machine whose vectors live in Pinecone. Same states and
 * transactions as the PostgreSQL catalog; tables are prefixed so they sit beside the embedded corpus.
 */
const migrations: readonly string[] = [
  `CREATE TABLE registry_documents (
    id TEXT PRIMARY KEY, active_version INTEGER NOT NULL, source_name TEXT NOT NULL, sha256 TEXT NOT NULL,
    fingerprint TEXT NOT NULL, meta_json TEXT NOT NULL, pages INTEGER NOT NULL, chunks INTEGER NOT NULL,
    embedding_model TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL
  );
  CREATE TABLE registry_versions (
    document_id TEXT NOT NULL, version INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('staged', 'active', 'retired')),
    source_name TEXT NOT NULL, sha256 TEXT NOT NULL, fingerprint TEXT NOT NULL, meta_json TEXT NOT NULL,
    pages INTEGER NOT NULL, chunks INTEGER NOT NULL, embedding_model TEXT, bm25_json TEXT NOT NULL,
    created_at TEXT NOT NULL, retired_at TEXT,
    PRIMARY KEY (document_id, version)
  );
  CREATE INDEX registry_versions_unsettled ON registry_versions (document_id) WHERE state <> 'active';
  CREATE TABLE registry_chunks (
    document_id TEXT NOT NULL, version INTEGER NOT NULL, ordinal INTEGER NOT NULL, header TEXT NOT NULL,
    text TEXT NOT NULL, page_start INTEGER NOT NULL, page_end INTEGER NOT NULL, section_path TEXT NOT NULL,
    char_start INTEGER NOT NULL, char_end INTEGER NOT NULL, tokens INTEGER NOT NULL, hash TEXT NOT NULL,
    PRIMARY KEY (document_id, version, ordinal),
    FOREIGN KEY (document_id, version) REFERENCES registry_versions ON DELETE CASCADE
  );
  CREATE TABLE registry_bm25_totals (id INTEGER PRIMARY KEY CHECK (id = 1), documents INTEGER NOT NULL, total_length INTEGER NOT NULL);
  INSERT INTO registry_bm25_totals VALUES (1, 0, 0);
  CREATE TABLE registry_bm25_terms (hash INTEGER PRIMARY KEY, df INTEGER NOT NULL);
  CREATE TABLE registry_embedding_cache (model TEXT NOT NULL, hash TEXT NOT NULL, vector BLOB NOT NULL, PRIMARY KEY (model, hash)) WITHOUT ROWID;`,
  `CREATE TABLE registry_facts (
    document_id TEXT NOT NULL, version INTEGER NOT NULL, ordinal INTEGER NOT NULL, page INTEGER NOT NULL,
    label TEXT NOT NULL, period TEXT NOT NULL, value REAL NOT NULL, scale REAL NOT NULL,
    PRIMARY KEY (document_id, version, ordinal),
    FOREIGN KEY (document_id, version) REFERENCES registry_versions ON DELETE CASCADE
  );`,
  // collections, as in the embedded corpus: derived from the document key, listed even when empty
  `ALTER TABLE registry_documents ADD COLUMN collection TEXT GENERATED ALWAYS AS (${collectionSql('id', 'sqlite')}) VIRTUAL;
  CREATE INDEX registry_documents_collection ON registry_documents (collection);
  CREATE TABLE registry_collections (name TEXT PRIMARY KEY, created_at TEXT NOT NULL);`,
]

const CHUNK_COLUMNS = `c.document_id, c.version, c.ordinal, c.header, c.text, c.page_start, c.page_end, c.section_path,
  c.char_start, c.char_end, c.tokens, c.hash, v.meta_json`

export function createSqliteCatalog(options: { path: string } | { db: Db }): CorpusCatalog {
  const db = 'db' in options ? options.db : openDatabase(options.path)
  applyMigrations(db, 'registry', migrations)
  const now = (): string => new Date().toISOString()
  const revisionOf = db.prepare<[], { r: string | null }>(`SELECT group_concat(id || ':' || active_version, ',') AS r
    FROM (SELECT id, active_version FROM registry_documents ORDER BY id)`)

  const applyBm25 = (documentId: string, version: number, sign: 1 | -1): void => {
    const row = db
      .prepare<[string, number], { bm25_json: string }>('SELECT bm25_json FROM registry_versions WHERE document_id = ? AND version = ?')
      .get(documentId, version)
    if (row === undefined) return
    const delta = JSON.parse(row.bm25_json) as { documents: number; totalLength: number; df: Record<string, number> }
    db.prepare('UPDATE registry_bm25_totals SET documents = documents + ?, total_length = total_length + ? WHERE id = 1').run(
      sign * delta.documents,
      sign * delta.totalLength,
    )
    const upsert = db.prepare(
      'INSERT INTO registry_bm25_terms (hash, df) VALUES (?, ?) ON CONFLICT (hash) DO UPDATE SET df = df + excluded.df',
    )
    for (const [h, n] of Object.entries(delta.df)) upsert.run(Number(h), sign * n)
    if (sign < 0) db.prepare('DELETE FROM registry_bm25_terms WHERE df <= 0').run()
  }

  const retire = (documentId: string, version: number): void => {
    db.prepare(`UPDATE registry_versions SET state = 'retired', retired_at = ? WHERE document_id = ? AND version = ?`).run(
      now(),
      documentId,
      version,
    )
  }
  const activeOf = (id: string): number | undefined =>
    db.prepare<[string], { v: number }>('SELECT active_version AS v FROM registry_documents WHERE id = ?').get(id)?.v

  const stage = db.transaction(
    (input: Parameters<CorpusCatalog['stageVersion']>[0], bm25: Parameters<CorpusCatalog['stageVersion']>[1]) => {
      const cur = db
        .prepare<[string], { active_version: number; fingerprint: string }>(
          'SELECT active_version, fingerprint FROM registry_documents WHERE id = ?',
        )
        .get(input.documentId)
      if (cur !== undefined && cur.fingerprint === input.fingerprint) return { status: 'unchanged' as const, version: cur.active_version }
      if (input.sourceBound === true) {
        const other = db
          .prepare<[string, string], { source_name: string }>(
            `SELECT source_name FROM registry_versions WHERE document_id = ? AND state <> 'retired' AND source_name <> ? LIMIT 1`,
          )
          .get(input.documentId, input.sourceName)
        if (other !== undefined) throw idConflict(input.documentId, other.source_name)
      }
      const max =
        db
          .prepare<[string], { v: number | null }>('SELECT MAX(version) AS v FROM registry_versions WHERE document_id = ?')
          .get(input.documentId)?.v ?? 0
      const version = Math.max(max, cur?.active_version ?? 0) + 1
      db.prepare(
        `INSERT INTO registry_versions (document_id, version, state, source_name, sha256, fingerprint, meta_json, pages, chunks,
      embedding_model, bm25_json, created_at) VALUES (?, ?, 'staged', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(...stagedVersionValues(input, version, bm25), now())
      const insert =
        db.prepare(`INSERT INTO registry_chunks (document_id, version, ordinal, header, text, page_start, page_end, section_path,
      char_start, char_end, tokens, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      for (const c of input.chunks) {
        insert.run(...chunkRowValues(input.documentId, version, c))
      }
      const insertFact = db.prepare(
        'INSERT INTO registry_facts (document_id, version, ordinal, page, label, period, value, scale) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      input.facts?.forEach((f, i) => insertFact.run(input.documentId, version, i, f.page, f.label, f.period, f.value, f.scale))
      return { status: 'staged' as const, version }
    },
  )

  const activate = db.transaction((documentId: string, version: number) => {
    const state = db
      .prepare<[string, number], { state: string }>('SELECT state FROM registry_versions WHERE document_id = ? AND version = ?')
      .get(documentId, version)?.state
    if (state !== 'staged') throw new Error(`version ${version} of ${documentId} is not staged (state: ${state ?? 'missing'})`)
    const previous = activeOf(documentId)
    if (previous !== undefined && previous > version) {
      retire(documentId, version)
      return { superseded: true }
    }
    const t = now()
    db.prepare(
      `INSERT INTO registry_documents (id, active_version, source_name, sha256, fingerprint, meta_json, pages, chunks, embedding_model, created_at, updated_at)
      SELECT document_id, version, source_name, sha256, fingerprint, meta_json, pages, chunks, embedding_model, ?, ? FROM registry_versions WHERE document_id = ? AND version = ?
      ON CONFLICT (id) DO UPDATE SET active_version = excluded.active_version, source_name = excluded.source_name, sha256 = excluded.sha256,
        fingerprint = excluded.fingerprint, meta_json = excluded.meta_json, pages = excluded.pages, chunks = excluded.chunks,
        embedding_model = excluded.embedding_model, updated_at = excluded.updated_at`,
    ).run(t, t, documentId, version)
    db.prepare(`UPDATE registry_versions SET state = 'active' WHERE document_id = ? AND version = ?`).run(documentId, version)
    collections.noteCollection(collectionOf(documentId))
    applyBm25(documentId, version, 1)
    if (previous !== undefined) {
      retire(documentId, previous)
      applyBm25(documentId, previous, -1)
      return { replaced: previous, superseded: false }
    }
    return { superseded: false }
  })

  const retireDoc = db.transaction((documentId: string) => {
    const active = activeOf(documentId)
    if (active === undefined) return false
    db.prepare('DELETE FROM registry_documents WHERE id = ?').run(documentId)
    retire(documentId, active)
    applyBm25(documentId, active, -1)
    return true
  })

  const collections = sqliteCollectionQueries(db, { documents: 'registry_documents', collections: 'registry_collections' })
  const retireAll = db.transaction((name: string, force: boolean) => collections.drop(name, force, retireDoc))

  return {
    kind: 'sqlite',

    async getDocument(id) {
      const row = db.prepare<[string], DocumentRow>('SELECT * FROM registry_documents WHERE id = ?').get(id)
      return row === undefined ? undefined : toDocumentSummary(row)
    },
    listDocuments: async (only) => collections.listDocuments(only),
    listCollections: async () => collections.listCollections(),
    createCollection: async (name) => collections.createCollection(name),
    async retireCollection(name, force) {
      return retireAll.immediate(name, force)
    },
    async revision() {
      return revisionOf.get()?.r ?? ''
    },
    async stageVersion(input, bm25) {
      return stage.immediate(input, bm25)
    },
    async activateVersion(documentId, version) {
      return activate.immediate(documentId, version)
    },
    async abandonVersion(documentId, version) {
      db.prepare(`DELETE FROM registry_versions WHERE document_id = ? AND version = ? AND state = 'staged'`).run(documentId, version)
    },
    async retireDocument(documentId) {
      return retireDoc.immediate(documentId)
    },
    async retiredVersions(documentId) {
      return db
        .prepare<[string | null, string | null], { document_id: string; version: number }>(
          `SELECT document_id, version FROM registry_versions WHERE state = 'retired' AND (? IS NULL OR document_id = ?) ORDER BY retired_at, document_id, version`,
        )
        .all(documentId ?? null, documentId ?? null)
        .map((r) => ({ documentId: r.document_id, version: r.version }))
    },
    async staleStagedVersions(olderThanMs) {
      const before = new Date(Date.now() - olderThanMs).toISOString()
      return db
        .prepare<[string], { document_id: string; version: number }>(
          `SELECT document_id, version FROM registry_versions WHERE state = 'staged' AND created_at < ? ORDER BY created_at`,
        )
        .all(before)
        .map((r) => ({ documentId: r.document_id, version: r.version }))
    },
    async purgeVersion(documentId, version) {
      db.prepare(`DELETE FROM registry_versions WHERE document_id = ? AND version = ? AND state = 'retired'`).run(documentId, version)
    },
    async unsettledDocuments() {
      const rows = db
        .prepare<[], { document_id: string; active_version: number | null }>(
          `SELECT DISTINCT v.document_id, d.active_version FROM registry_versions v LEFT JOIN registry_documents d ON d.id = v.document_id WHERE v.state <> 'active'`,
        )
        .all()
      return new Map(rows.map((r) => [r.document_id, r.active_version]))
    },
    async chunksAt(keys) {
      if (keys.length === 0) return new Map()
      const rows = db
        .prepare<[string], ChunkRow>(
          `SELECT ${CHUNK_COLUMNS} FROM json_each(?) k
           JOIN registry_chunks c ON c.document_id = k.value ->> '$.documentId' AND c.version = k.value ->> '$.version' AND c.ordinal = k.value ->> '$.ordinal'
           JOIN registry_versions v ON v.document_id = c.document_id AND v.version = c.version`,
        )
        .all(JSON.stringify(keys))
      return byChunkKey(rows.map(toStored))
    },
    async activeChunks(documentId, ordinals) {
      if (ordinals.length === 0) return []
      return db
        .prepare<[string, string], ChunkRow>(
          `SELECT ${CHUNK_COLUMNS} FROM registry_documents d
           JOIN registry_chunks c ON c.document_id = d.id AND c.version = d.active_version
           JOIN registry_versions v ON v.document_id = c.document_id AND v.version = c.version
           WHERE d.id = ? AND c.ordinal IN (SELECT value FROM json_each(?)) ORDER BY c.ordinal`,
        )
        .all(documentId, JSON.stringify(ordinals))
        .map(toStored)
    },
    async activeFacts(documentId, page) {
      return db
        .prepare<[string, number | null, number | null], StatementFact>(
          `SELECT f.page, f.label, f.period, f.value, f.scale FROM registry_documents d
           JOIN registry_facts f ON f.document_id = d.id AND f.version = d.active_version
           WHERE d.id = ? AND (? IS NULL OR f.page = ?) ORDER BY f.ordinal`,
        )
        .all(documentId, page ?? null, page ?? null)
    },
    async bm25Stats(termHashes) {
      const totals = db
        .prepare<[], { documents: number; total_length: number }>('SELECT documents, total_length FROM registry_bm25_totals')
        .get()
      const rows =
        termHashes.length === 0
          ? []
          : db
              .prepare<[string], { hash: number; df: number }>(
                'SELECT hash, df FROM registry_bm25_terms WHERE hash IN (SELECT value FROM json_each(?))',
              )
              .all(JSON.stringify(termHashes))
      return { documents: totals?.documents ?? 0, totalLength: totals?.total_length ?? 0, df: new Map(rows.map((r) => [r.hash, r.df])) }
    },
    async cachedEmbeddings(model, hashes) {
      const out = new Map<string, Float32Array>()
      if (hashes.length === 0) return out
      const rows = db
        .prepare<[string, string], { hash: string; vector: Buffer }>(
          'SELECT hash, vector FROM registry_embedding_cache WHERE model = ? AND hash IN (SELECT value FROM json_each(?))',
        )
        .all(model, JSON.stringify(hashes))
      for (const r of rows) {
        const copy = new Uint8Array(r.vector)
        out.set(r.hash, new Float32Array(copy.buffer, 0, copy.byteLength / 4))
      }
      return out
    },
    async cacheEmbeddings(model, entries) {
      const insert = db.prepare('INSERT OR IGNORE INTO registry_embedding_cache (model, hash, vector) VALUES (?, ?, ?)')
      db.transaction(() => {
        for (const [h, v] of entries) insert.run(model, h, Buffer.from(v.buffer, v.byteOffset, v.byteLength))
      })()
    },
    async close() {
      if (!('db' in options) && db.open) db.close()
    },
  }
}

function toStored(r: ChunkRow): StoredChunk {
  return { documentId: r.document_id, version: r.version, ordinal: r.ordinal, chunk: chunkRecordFromRow(r), meta: rowMeta(r) }
}
