import * as sqliteVec from 'sqlite-vec'
import type { Logger } from '../../logger.js'
import type {
  CommitInput,
  ReplaceEmbeddingsInput,
  CommitResult,
  Corpus,
  KeywordQuery,
  SearchFilter,
  VectorQuery,
} from '../../core/corpus.js'
import { AppError } from '../../errors.js'
import type { Statement } from 'better-sqlite3'
import { applyMigrations, openDatabase, type Db } from './database.js'
import { checkStoreIntegrity } from './integrity-check.js'
import { CHUNK_COLUMNS, chunkRowValues, toChunkHit, toDocumentSummary, type DocumentRow, type ScoredChunkRow } from './rows.js'
import { corpusMigrations } from './corpus-schema.js'
import type { StatementFact } from '../../core/facts/statement-facts.js'
import { sqliteCollectionQueries } from './collection-queries.js'
import { ftsMatch, ftsPhrases } from './fts-query.js'
import { MAX_APPLIED_POSTINGS, PRUNE_MIN_ROWS } from './fts-memory-index.js'
import { createCorpusSnapshot, readChunks, type NamedFilter, type RowsWritten } from './corpus-snapshot.js'
import { collectionOf } from '../../core/collections.js'
import { CacheRegistry } from '../../core/bounded-cache.js'
import { SameObjectMemo } from '../../core/documents.js'
import { idConflict } from '../../core/ingest/identity.js'

export interface SqliteCorpusOptions {
  readonly path: string
  readonly logger: Logger
  /** bm25() column weights for the contextual header and the chunk text */
  readonly bm25Weights?: { readonly header: number; readonly text: number }
  /**
   * Keyword search ranks in an in-memory copy of the FTS5 index while the store holds at most this many
   * token instances (default 100 million; RAGTUNE_KEYWORD_INDEX_MAX_INSTANCES); 0 keeps every search in
   * SQLite. Above it every keyword search runs in FTS5, whose cost grows with the corpus: bench/scale
   * measures both sides of the limit (memory per instance, p99 with and without the index).
   */
  readonly memoryIndexMaxInstances?: number
  /** after a write, searches stay in SQLite until the store has been unchanged this long, ms (default 2000) */
  readonly memoryIndexQuietMs?: number
  /**
   * How stale what is kept in memory (keyword index, chunks read) may get: a commit by another process is
   * seen within this many ms (default 50); one made in this process, at once. 0 checks on every read.
   */
  readonly snapshotCheckMs?: number
  /** where its caches are created (prepared statements, snapshot rows, keyword phrases); a private registry when absent */
  readonly caches?: CacheRegistry
  /**
   * A write through this corpus goes into the loaded keyword index when it touches at most this many
   * postings (default `MAX_APPLIED_POSTINGS`, 500,000: tens of ms of the event loop); past it the index is
   * read again on a worker after the quiet period.
   */
  readonly memoryIndexMaxAppliedPostings?: number
  /** searches over at least this many chunks may prune (default PRUNE_MIN_ROWS; tests set it low) */
  readonly memoryIndexPruneMinRows?: number
}

/** The embedded store: one SQLite file with documents, versions, chunks, FTS5 (BM25) and sqlite-vec. */
export function createSqliteCorpus(options: SqliteCorpusOptions): Corpus & { readonly db: Db; keywordIndexReady(): Promise<boolean> } {
  const { logger } = options
  const db = openDatabase(options.path)
  applyMigrations(db, 'corpus', corpusMigrations)
  const weights = options.bm25Weights ?? { header: 0.5, text: 1 }
  let vecLoaded = false

  const loadVec = (): boolean => {
    if (vecLoaded) return true
    try {
      sqliteVec.load(db)
      vecLoaded = true
    } catch (err) {
      logger.warn({ err }, 'sqlite-vec could not be loaded; vector search is unavailable')
    }
    return vecLoaded
  }

  const vecTables = (): number[] =>
    db
      .prepare<[], { dims: number }>('SELECT dims FROM vector_tables')
      .all()
      .map((r) => r.dims)
  const ensureVecTable = (dims: number): void => {
    if (!loadVec())
      throw new AppError('vector_store_unavailable', 'sqlite-vec failed to load; unset RAGTUNE_EMBEDDING_MODEL or reinstall sqlite-vec', {
        status: 500,
      })
    db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS vec_chunks_${dims} USING vec0(embedding float[${dims}] distance_metric=cosine)`)
    db.prepare('INSERT OR IGNORE INTO vector_tables (dims) VALUES (?)').run(dims)
  }
  // Deleting chunks must also delete their vectors; vec0 has no foreign keys.
  const deleteVectorsOf = (where: string, ...params: unknown[]): void => {
    const tables = vecTables()
    if (tables.length === 0) return
    loadVec()
    for (const dims of tables) {
      db.prepare(`DELETE FROM vec_chunks_${dims} WHERE rowid IN (SELECT id FROM chunks WHERE ${where})`).run(...params)
    }
  }

  const caches = options.caches ?? new CacheRegistry()
  // Read statements are prepared once per SQL text: preparing an FTS query costs about as much as a small search.
  const statements = caches.create<string, Statement<unknown[], unknown>>('sqlite.statements')
  const statement = <R>(sql: string): Statement<unknown[], R> =>
    statements.getOrCompute(sql, () => db.prepare<unknown[], unknown>(sql)) as Statement<unknown[], R>

  const pruneMinRows = options.memoryIndexPruneMinRows ?? PRUNE_MIN_ROWS
  const snapshot = createCorpusSnapshot({
    db,
    path: options.path,
    logger,
    weights,
    // the in-memory index takes a row as untouched while its score is 0: with a column weighted 0 (or less)
    // a row can score 0, so searches then stay in FTS5
    maxInstances: weights.header > 0 && weights.text > 0 ? (options.memoryIndexMaxInstances ?? 100_000_000) : 0,
    quietMs: options.memoryIndexQuietMs ?? 2000,
    checkMs: options.snapshotCheckMs ?? 50,
    maxAppliedPostings: options.memoryIndexMaxAppliedPostings ?? MAX_APPLIED_POSTINGS,
    statement,
    caches,
  })
  // A retrieval sends the same filter object with each of its searches (the same-object rule, see
  // ChunkRecord): build its SQL once.
  const filters = new SameObjectMemo<SearchFilter, FilterSql>()
  const filterOf = (filter: SearchFilter | undefined): FilterSql => (filter === undefined ? NO_FILTER : filters.get(filter, filterSql))

  const getDoc = db.prepare<[string], DocumentRow>('SELECT * FROM documents WHERE id = ?')
  const insertChunk = db.prepare(`INSERT INTO chunks (document_id, version, ordinal, header, text, page_start, page_end,
    section_path, char_start, char_end, tokens, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  const insertCache = db.prepare('INSERT OR IGNORE INTO embedding_cache (model, hash, dims, vector) VALUES (?, ?, ?, ?)')
  const insertFact = db.prepare(
    'INSERT INTO statement_facts (document_id, version, ordinal, page, label, period, value, scale) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  )

  // the rows a write removes, read before it removes them when the in-memory index takes the write
  const rowsOf = (where: string, ...params: unknown[]): { id: number; header: string; text: string }[] =>
    statement<{ id: number; header: string; text: string }>(`SELECT id, header, text FROM chunks WHERE ${where}`).all(...params)

  const commit = db.transaction((input: CommitInput): { result: CommitResult; rows?: RowsWritten } => {
    const existing = getDoc.get(input.documentId)
    if (existing !== undefined && existing.fingerprint === input.fingerprint) {
      return { result: { documentId: input.documentId, version: existing.active_version, status: 'unchanged' } }
    }
    if (input.sourceBound === true && existing !== undefined && existing.source_name !== input.sourceName) {
      throw idConflict(input.documentId, existing.source_name)
    }
    const tracked = snapshot.tracking()
    const now = new Date().toISOString()
    const lastVersion =
      existing === undefined
        ? 0
        : (db.prepare<[string], { v: number }>('SELECT last_version AS v FROM documents WHERE id = ?').get(input.documentId)?.v ?? 0)
    const version = lastVersion + 1
    const model = input.embeddings?.model ?? null
    const m = input.meta
    // active_version … updated_at, in the order both the INSERT and the UPDATE below name them
    const documentValues = [
      version,
      version,
      input.sourceName,
      input.sha256,
      input.fingerprint,
      JSON.stringify(m),
      m.company ?? null,
      m.fiscalYear ?? null,
      m.docType ?? null,
      input.pages,
      input.chunks.length,
      model,
      now,
    ]
    if (existing === undefined) {
      collections.noteCollection(collectionOf(input.documentId))
      db.prepare(
        `INSERT INTO documents (id, active_version, last_version, source_name, sha256, fingerprint, meta_json, company,
        fiscal_year, doc_type, pages, chunks, embedding_model, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(input.documentId, ...documentValues, now)
    }
    db.prepare(
      `INSERT INTO document_versions (document_id, version, sha256, fingerprint, source_name, pages, chunks, embedding_model, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(input.documentId, version, input.sha256, input.fingerprint, input.sourceName, input.pages, input.chunks.length, model, now)
    const ids: number[] = []
    for (const c of input.chunks) {
      const r = insertChunk.run(...chunkRowValues(input.documentId, version, c))
      ids.push(Number(r.lastInsertRowid))
    }
    input.facts?.forEach((f, i) => insertFact.run(input.documentId, version, i, f.page, f.label, f.period, f.value, f.scale))
    if (input.embeddings !== undefined) {
      const { vectors } = input.embeddings
      if (vectors.length !== input.chunks.length) {
        throw new AppError('embedding_mismatch', `got ${vectors.length} vectors for ${input.chunks.length} chunks`, { status: 500 })
      }
      const dims = vectors[0]?.length ?? 0
      if (dims > 0) {
        ensureVecTable(dims)
        const insertVec = db.prepare(`INSERT INTO vec_chunks_${dims} (rowid, embedding) VALUES (?, ?)`)
        vectors.forEach((v, i) => {
          const blob = Buffer.from(v.buffer, v.byteOffset, v.byteLength)
          // vec0 accepts only BigInt rowids from better-sqlite3.
          insertVec.run(BigInt(ids[i] ?? 0), blob)
          insertCache.run(input.embeddings?.model, input.chunks[i]?.hash, dims, blob)
        })
      }
    }
    const removed = tracked && existing !== undefined ? rowsOf('document_id = ? AND version <> ?', input.documentId, version) : []
    if (existing !== undefined) {
      // fingerprint_model: a new version's fingerprint names its own model again
      db.prepare(
        `UPDATE documents SET fingerprint_model = NULL, active_version = ?, last_version = ?, source_name = ?, sha256 = ?, fingerprint = ?, meta_json = ?,
        company = ?, fiscal_year = ?, doc_type = ?, pages = ?, chunks = ?, embedding_model = ?, updated_at = ? WHERE id = ?`,
      ).run(...documentValues, input.documentId)
      deleteVectorsOf('document_id = ? AND version <> ?', input.documentId, version)
      db.prepare('DELETE FROM chunks WHERE document_id = ? AND version <> ?').run(input.documentId, version)
      db.prepare('DELETE FROM statement_facts WHERE document_id = ? AND version <> ?').run(input.documentId, version)
    }
    const result: CommitResult = {
      documentId: input.documentId,
      version,
      status: 'ingested',
      ...(existing === undefined ? {} : { replaced: existing.active_version }),
    }
    if (!tracked) return { result }
    const added = input.chunks.map((c, i) => ({ id: ids[i] ?? 0, header: c.header, text: c.text }))
    return { result, rows: { documentId: input.documentId, added, removed, mark: snapshot.mark() } }
  })

  const replaceEmbeddings = db.transaction((input: ReplaceEmbeddingsInput): boolean => {
    const doc = getDoc.get(input.documentId)
    if (doc === undefined || doc.active_version !== input.version) return false
    const ids = db
      .prepare<[string, number], { id: number }>('SELECT id FROM chunks WHERE document_id = ? AND version = ? ORDER BY ordinal')
      .all(input.documentId, input.version)
      .map((r) => r.id)
    if (ids.length !== input.vectors.length) {
      throw new AppError('embedding_mismatch', `got ${input.vectors.length} vectors for ${ids.length} chunks`, { status: 500 })
    }
    deleteVectorsOf('document_id = ? AND version = ?', input.documentId, input.version)
    const dims = input.vectors[0]?.length ?? 0
    if (dims > 0) {
      ensureVecTable(dims)
      const insertVec = db.prepare(`INSERT INTO vec_chunks_${dims} (rowid, embedding) VALUES (?, ?)`)
      input.vectors.forEach((v, i) => {
        const blob = Buffer.from(v.buffer, v.byteOffset, v.byteLength)
        insertVec.run(BigInt(ids[i] ?? 0), blob)
        insertCache.run(input.model, input.hashes[i], dims, blob)
      })
    }
    // Remember the model the fingerprint was made with (unless it is this one again).
    const fingerprintModel = doc.fingerprint_model ?? doc.embedding_model ?? ''
    db.prepare('UPDATE documents SET embedding_model = ?, fingerprint_model = ?, updated_at = ? WHERE id = ?').run(
      input.model,
      fingerprintModel === input.model ? null : fingerprintModel,
      new Date().toISOString(),
      input.documentId,
    )
    db.prepare('UPDATE document_versions SET embedding_model = ? WHERE document_id = ? AND version = ?').run(
      input.model,
      input.documentId,
      input.version,
    )
    return true
  })

  const removeTracked = db.transaction((id: string): { result: boolean; rows?: RowsWritten } => {
    const tracked = snapshot.tracking()
    const rows = tracked ? rowsOf('document_id = ?', id) : []
    const removed = remove(id)
    return tracked && removed
      ? { result: removed, rows: { documentId: id, added: [], removed: rows, mark: snapshot.mark() } }
      : { result: removed }
  })

  /**
   * Runs a write transaction (IMMEDIATE: the write lock up front, so two writers queue on busy_timeout
   * instead of deadlocking) and hands the rows it wrote to the snapshot, which applies them to the keyword
   * index it holds; a write whose rows it does not know only marks the store as written.
   */
  const writeTracked = <T>(write: () => { result: T; rows?: RowsWritten }): T => {
    let rows: RowsWritten | undefined
    try {
      const done = wrapBusy(write)
      rows = done.rows
      return done.result
    } finally {
      if (rows === undefined) snapshot.wrote()
      else snapshot.committed(rows)
    }
  }

  const remove = db.transaction((id: string): boolean => {
    if (getDoc.get(id) === undefined) return false
    deleteVectorsOf('document_id = ?', id)
    db.prepare('DELETE FROM chunks WHERE document_id = ?').run(id)
    db.prepare('DELETE FROM statement_facts WHERE document_id = ?').run(id)
    db.prepare('DELETE FROM documents WHERE id = ?').run(id)
    return true
  })

  const collections = sqliteCollectionQueries(db, { documents: 'documents', collections: 'collections' })
  const removeCollection = db.transaction((name: string, force: boolean) => collections.drop(name, force, remove))

  return {
    kind: 'sqlite',
    db,

    checkIntegrity: async () => checkStoreIntegrity(options.path, db),

    async getDocument(id) {
      const row = getDoc.get(id)
      return row === undefined ? undefined : toDocumentSummary(row)
    },

    async facts(documentId, options = {}) {
      const page = options.page === undefined ? '' : ' AND f.page = ?'
      const params: (string | number)[] = options.page === undefined ? [documentId] : [documentId, options.page]
      return db
        .prepare<(string | number)[], StatementFact>(
          `SELECT f.page, f.label, f.period, f.value, f.scale FROM statement_facts f
          JOIN documents d ON d.id = f.document_id AND d.active_version = f.version WHERE f.document_id = ?${page} ORDER BY f.ordinal`,
        )
        .all(...params)
    },

    listDocuments: async (only) => collections.listDocuments(only),
    listCollections: async () => collections.listCollections(),
    createCollection: async (name) => collections.createCollection(name),

    async deleteCollection(name, opts) {
      try {
        return wrapBusy(() => removeCollection.immediate(name, opts?.force === true))
      } finally {
        snapshot.wrote()
      }
    },

    async commitVersion(input) {
      return writeTracked(() => commit.immediate(input))
    },

    async deleteDocument(id) {
      return writeTracked(() => removeTracked.immediate(id))
    },

    async keywordSearch(query: KeywordQuery) {
      const phrases = ftsPhrases(query.terms, query.phrases ?? [])
      if (phrases.length === 0 || query.limit <= 0) return []
      const f = filterOf(query.filter)
      const index = snapshot.index()
      if (index !== undefined) {
        const top = index.searchPhrases(phrases, f.sql === '' ? undefined : snapshot.ranges(f.named), query.limit, pruneMinRows)
        // no match inside the ranges: none among the visible chunks they cover
        if (top.ids.length === 0) return []
        const hits = snapshot.hits(top, f.named)
        if (hits !== undefined) return hits
      }
      const match = ftsMatch(phrases)
      // Fast path: FTS5 ranks only the chunk-id ranges of the filtered documents' active versions (a
      // version's chunks are inserted in one transaction, so their ids are consecutive) and rows are joined
      // after the LIMIT. The ranges cover every visible chunk, so when the exact join keeps every ranked row
      // they are the true top N; otherwise the exact query answers.
      const fast = statement<ScoredChunkRow>(rangedKeywordSql(f.named.sql)).all({
        hw: weights.header,
        tw: weights.text,
        match,
        limit: query.limit,
        ...f.named.params,
      })
      // (no row at all may also mean the join dropped every ranked row: only the exact query can tell)
      if (fast.length > 0 && fast[0]?.ranked === fast.length) return fast.map(toChunkHit)
      const bm25 = [weights.header, weights.text]
      const rows = statement<ScoredChunkRow>(`SELECT ${CHUNK_COLUMNS}, -bm25(chunks_fts, ?, ?) AS score, 0 AS ranked
          FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid
          JOIN documents d ON d.id = c.document_id AND d.active_version = c.version
          WHERE chunks_fts MATCH ? ${f.sql}
          ORDER BY score DESC LIMIT ?`).all(...bm25, match, ...f.params, query.limit)
      return rows.map(toChunkHit)
    },

    async vectorSearch(query: VectorQuery) {
      const dims = query.vector.length
      if (!vecTables().includes(dims) || query.limit <= 0 || !loadVec()) return []
      const filtered = query.filter !== undefined && Object.values(query.filter).some((v) => Array.isArray(v) && v.length > 0)
      // vec0 picks k neighbours before any join: over-fetch when other filters will drop some.
      const k = Math.min(4096, filtered ? query.limit * 8 : query.limit * 2)
      const f = filterSql(query.filter)
      const rows = db
        .prepare<unknown[], ScoredChunkRow>(
          `WITH knn AS (
            SELECT rowid, distance FROM vec_chunks_${dims} WHERE embedding MATCH ? AND k = ?
          )
          SELECT ${CHUNK_COLUMNS}, 1 - knn.distance AS score FROM knn
          JOIN chunks c ON c.id = knn.rowid
          JOIN documents d ON d.id = c.document_id AND d.active_version = c.version
          WHERE d.embedding_model = ? ${f.sql}
          ORDER BY knn.distance LIMIT ?`,
        )
        .all(Buffer.from(query.vector.buffer, query.vector.byteOffset, query.vector.byteLength), k, query.model, ...f.params, query.limit)
      return rows.map(toChunkHit)
    },

    async replaceEmbeddings(input) {
      return replaceEmbeddings.immediate(input)
    },

    async revision() {
      return snapshot.revision()
    },

    async getChunks(documentId, ordinals) {
      if (ordinals.length === 0) return []
      // Neighbour expansion asks for the same few chunks again and again: read each once per snapshot.
      return snapshot.chunksAt(documentId, ordinals) ?? readChunks(statement, documentId, ordinals).map(toChunkHit)
    },

    async cachedEmbeddings(model, hashes) {
      const out = new Map<string, Float32Array>()
      if (hashes.length === 0) return out
      const stmt = db.prepare<[string, string], { hash: string; vector: Buffer }>(
        'SELECT hash, vector FROM embedding_cache WHERE model = ? AND hash IN (SELECT value FROM json_each(?))',
      )
      // json_each keeps the statement fixed whatever the batch size; slice to bound its memory.
      for (let i = 0; i < hashes.length; i += 500) {
        for (const row of stmt.all(model, JSON.stringify(hashes.slice(i, i + 500)))) {
          const copy = new Uint8Array(row.vector)
          out.set(row.hash, new Float32Array(copy.buffer, 0, copy.byteLength / 4))
        }
      }
      return out
    },

    /**
     * Resolves once the in-memory keyword index is loaded for the store as it is now (true), or is not
     * used (false: disabled, too large); searches do not wait for it, this is for warm-ups and tests.
     */
    async keywordIndexReady() {
      return snapshot.ready()
    },

    async close() {
      snapshot.close()
      if (db.open) db.close()
    },
  }
}

/**
 * Top-N keyword hits ranked inside the id ranges of the filtered documents' active versions (all active
 * versions when there is no filter), joined to chunks and documents only after the LIMIT. `ranked` is how
 * many rows FTS5 returned, so the caller can tell whether the exact join dropped any.
 * Parameters: bm25 header weight, text weight, MATCH, filter params…, limit.
 */
function rangedKeywordSql(filter: string): string {
  const ranked =
    filter === ''
      ? 'SELECT rowid AS id, bm25(chunks_fts, @hw, @tw) AS rank_score FROM chunks_fts WHERE chunks_fts MATCH @match ORDER BY rank_score LIMIT @limit'
      : `SELECT chunks_fts.rowid AS id, bm25(chunks_fts, @hw, @tw) AS rank_score FROM ranges CROSS JOIN chunks_fts
        WHERE chunks_fts MATCH @match AND chunks_fts.rowid BETWEEN ranges.lo AND ranges.hi ORDER BY rank_score LIMIT @limit`
  const ranges =
    filter === ''
      ? ''
      : `ranges AS MATERIALIZED (SELECT MIN(c.id) AS lo, MAX(c.id) AS hi FROM documents d
      JOIN chunks c ON c.document_id = d.id AND c.version = d.active_version WHERE 1 ${filter} GROUP BY d.id),`
  return `WITH ${ranges} top AS MATERIALIZED (${ranked})
    SELECT ${CHUNK_COLUMNS}, -top.rank_score AS score, (SELECT COUNT(*) FROM top) AS ranked
    FROM top JOIN chunks c ON c.id = top.id JOIN documents d ON d.id = c.document_id AND d.active_version = c.version
    WHERE 1 ${filter} ORDER BY top.rank_score`
}

interface FilterSql {
  /** `AND …` clauses with positional parameters */
  readonly sql: string
  readonly params: unknown[]
  /** the same with named parameters (@f0, @f1…), so one statement can use it twice */
  readonly named: NamedFilter
}

const NO_FILTER: FilterSql = { sql: '', params: [], named: { sql: '', params: {}, key: '' } }

function filterSql(filter: SearchFilter | undefined): FilterSql {
  const parts: string[] = []
  const params: unknown[] = []
  const add = (column: string, values: readonly (string | number)[] | undefined): void => {
    if (values === undefined || values.length === 0) return
    parts.push(`${column} IN (SELECT value FROM json_each(?))`)
    params.push(JSON.stringify(values))
  }
  // an empty collection list is a scope that sees nothing, not "no filter"
  if (filter?.collections?.length === 0) parts.push('0')
  add('d.collection', filter?.collections)
  add('d.id', filter?.documentIds)
  add('d.company', filter?.company)
  add('d.fiscal_year', filter?.fiscalYear)
  add('d.doc_type', filter?.docType)
  const sql = parts.map((p) => `AND ${p}`).join(' ')
  let i = 0
  const named = sql.replaceAll('?', () => `@f${i++}`)
  return {
    sql,
    params,
    named: { sql: named, params: Object.fromEntries(params.map((p, j) => [`f${j}`, p])), key: `${named}\u0000${JSON.stringify(params)}` },
  }
}

function wrapBusy<T>(fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    const code = (err as { code?: unknown }).code
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
      throw new AppError('store_busy', 'the store is busy with another writer; retry shortly', {
        status: 503,
        retryable: true,
        retryAfter: 1,
        cause: err,
      })
    }
    throw err
  }
}
