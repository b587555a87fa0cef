import type { CommitInput } from '../../core/corpus.js'
import type { DocumentMeta, DocumentSummary } from '../../core/documents.js'
import { collectionNotEmpty, collectionOf } from '../../core/collections.js'
import type { CorpusCatalog, StoredChunk } from '../../core/catalog.js'
import type { StatementFact } from '../../core/facts/statement-facts.js'
import type { Bm25Delta } from '../../core/sparse/bm25-encoder.js'
import { idConflict } from '../../core/ingest/identity.js'
import {
  byChunkKey,
  chunkRecordFromRow,
  documentSummaryFromRow,
  stagedVersionValues,
  type ChunkColumns,
  type DocumentColumns,
} from '../catalog-rows.js'
import { inTransaction, migratePg, type PgClient, type PgPool } from './pg-database.js'
import { catalogMigrations } from './pg-catalog-schema.js'

interface DocumentRow extends DocumentColumns {
  meta: DocumentMeta
}

interface ChunkRow extends ChunkColumns {
  section_path: string[]
  meta: DocumentMeta
}

const CHUNK_COLUMNS = `c.document_id, c.version, c.ordinal, c.header, c.text, c.page_start, c.page_end, c.section_path,
  c.char_start, c.char_end, c.tokens, c.hash, v.meta`

/** Serialises writers of one document across replicas; readers never take it. */
async function lockDocument(client: PgClient, documentId: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`ragtune:document:${documentId}`])
}

/**
 * Adds (sign 1) or removes (sign −1) a stored version's BM25 contribution. The totals row is updated
 * first: every activation locks it, so concurrent ones serialise there instead of deadlocking on terms.
 */
async function applyBm25(client: PgClient, documentId: string, version: number, sign: 1 | -1): Promise<void> {
  const args = [documentId, version, sign]
  await client.query(
    `UPDATE bm25_totals SET documents = documents + $3 * (v.bm25->>'documents')::bigint,
       total_length = total_length + $3 * (v.bm25->>'totalLength')::bigint
     FROM document_versions v WHERE bm25_totals.id = 1 AND v.document_id = $1 AND v.version = $2`,
    args,
  )
  await client.query(
    `INSERT INTO bm25_terms (hash, df)
     SELECT t.key::bigint, $3 * t.value::int FROM document_versions v, jsonb_each_text(v.bm25->'df') t
     WHERE v.document_id = $1 AND v.version = $2 ORDER BY 1
     ON CONFLICT (hash) DO UPDATE SET df = bm25_terms.df + EXCLUDED.df`,
    args,
  )
  if (sign < 0) {
    await client.query(
      `DELETE FROM bm25_terms WHERE df <= 0 AND hash IN (
         SELECT t.key::bigint FROM document_versions v, jsonb_each_text(v.bm25->'df') t WHERE v.document_id = $1 AND v.version = $2)`,
      [documentId, version],
    )
  }
}

/** Inside a transaction: the document leaves listings and BM25 statistics; its active version is retired. */
async function retireIn(client: PgClient, documentId: string): Promise<boolean> {
  await lockDocument(client, documentId)
  const cur = await client.query<{ active_version: number }>('DELETE FROM documents WHERE id = $1 RETURNING active_version', [documentId])
  const active = cur.rows[0]?.active_version
  if (active === undefined) return false
  await client.query(`UPDATE document_versions SET state = 'retired', retired_at = now() WHERE document_id = $1 AND version = $2`, [
    documentId,
    active,
  ])
  await applyBm25(client, documentId, active, -1)
  return true
}

/** The catalog in PostgreSQL, shared by every API replica and ingest worker. */
export async function createPgCatalog(options: { pool: PgPool; ownsPool?: boolean }): Promise<CorpusCatalog> {
  const { pool } = options
  await migratePg(pool, 'registry', catalogMigrations)

  return {
    kind: 'postgres',

    async getDocument(id) {
      const { rows } = await pool.query<DocumentRow>('SELECT * FROM documents WHERE id = $1', [id])
      return rows[0] === undefined ? undefined : toSummary(rows[0])
    },

    async listDocuments(collections) {
      const { rows } =
        collections === undefined
          ? await pool.query<DocumentRow>('SELECT * FROM documents ORDER BY id')
          : await pool.query<DocumentRow>('SELECT * FROM documents WHERE collection = ANY($1::text[]) ORDER BY id', [[...collections]])
      return rows.map(toSummary)
    },

    async listCollections() {
      const { rows } = await pool.query<{ name: string; documents: string }>(
        `SELECT name, SUM(n) AS documents FROM (SELECT name, 0 AS n FROM collections UNION ALL SELECT collection, 1 FROM documents) x
         GROUP BY name ORDER BY name`,
      )
      return rows.map((r) => ({ name: r.name, documents: Number(r.documents) }))
    },

    async createCollection(name) {
      const { rows } = await pool.query<{ created: boolean }>(
        `WITH ins AS (INSERT INTO collections (name) VALUES ($1) ON CONFLICT DO NOTHING RETURNING 1)
         SELECT EXISTS (SELECT 1 FROM ins) AND NOT EXISTS (SELECT 1 FROM documents WHERE collection = $1) AS created`,
        [name],
      )
      return rows[0]?.created === true
    },

    async retireCollection(name, force) {
      return inTransaction(pool, async (client) => {
        const listed = await client.query('DELETE FROM collections WHERE name = $1', [name])
        const docs = await client.query<{ id: string }>('SELECT id FROM documents WHERE collection = $1 ORDER BY id', [name])
        const ids = docs.rows.map((r) => r.id)
        if (ids.length === 0) return (listed.rowCount ?? 0) > 0 ? [] : undefined
        if (!force) throw collectionNotEmpty(name, ids.length)
        for (const id of ids) await retireIn(client, id)
        return ids
      })
    },

    async revision() {
      const { rows } = await pool.query<{ r: string | null }>(
        `SELECT string_agg(id || ':' || active_version, ',' ORDER BY id) AS r FROM documents`,
      )
      return rows[0]?.r ?? ''
    },

    async stageVersion(input: CommitInput, bm25: Bm25Delta) {
      return inTransaction(pool, async (client) => {
        await lockDocument(client, input.documentId)
        const active = await client.query<{ active_version: number; fingerprint: string }>(
          'SELECT active_version, fingerprint FROM documents WHERE id = $1',
          [input.documentId],
        )
        const current = active.rows[0]
        if (current !== undefined && current.fingerprint === input.fingerprint) {
          return { status: 'unchanged' as const, version: current.active_version }
        }
        if (input.sourceBound === true) {
          const other = await client.query<{ source_name: string }>(
            `SELECT source_name FROM document_versions WHERE document_id = $1 AND state <> 'retired' AND source_name <> $2 LIMIT 1`,
            [input.documentId, input.sourceName],
          )
          if (other.rows[0] !== undefined) throw idConflict(input.documentId, other.rows[0].source_name)
        }
        const next = await client.query<{ v: number }>(
          'SELECT COALESCE(MAX(version), 0) + 1 AS v FROM document_versions WHERE document_id = $1',
          [input.documentId],
        )
        const version = Math.max(next.rows[0]?.v ?? 1, (current?.active_version ?? 0) + 1)
        await client.query(
          `INSERT INTO document_versions (document_id, version, state, source_name, sha256, fingerprint, meta, pages, chunks,
             embedding_model, bm25) VALUES ($1, $2, 'staged', $3, $4, $5, $6, $7, $8, $9, $10)`,
          stagedVersionValues(input, version, bm25),
        )
        // jsonb_to_recordset keeps one statement whatever the batch; slices bound the parameter size.
        for (let i = 0; i < input.chunks.length; i += 1000) {
          const batch = input.chunks.slice(i, i + 1000).map((c) => ({ ...c, sectionPath: c.sectionPath }))
          await client.query(
            `INSERT INTO chunks (document_id, version, ordinal, header, text, page_start, page_end, section_path, char_start,
               char_end, tokens, hash)
             SELECT $1, $2, x.ordinal, x.header, x.text, x."pageStart", x."pageEnd", x."sectionPath", x."charStart", x."charEnd",
               x.tokens, x.hash
             FROM jsonb_to_recordset($3::jsonb) AS x(ordinal int, header text, text text, "pageStart" int, "pageEnd" int,
               "sectionPath" jsonb, "charStart" int, "charEnd" int, tokens int, hash text)`,
            [input.documentId, version, JSON.stringify(batch)],
          )
        }
        for (let i = 0; i < (input.facts?.length ?? 0); i += 1000) {
          const batch = (input.facts ?? []).slice(i, i + 1000).map((f, k) => ({ ...f, ordinal: i + k }))
          await client.query(
            `INSERT INTO facts (document_id, version, ordinal, page, label, period, value, scale)
             SELECT $1, $2, x.ordinal, x.page, x.label, x.period, x.value, x.scale
             FROM jsonb_to_recordset($3::jsonb) AS x(ordinal int, page int, label text, period text, value float8, scale float8)`,
            [input.documentId, version, JSON.stringify(batch)],
          )
        }
        return { status: 'staged' as const, version }
      })
    },

    async activateVersion(documentId, version) {
      return inTransaction(pool, async (client) => {
        await lockDocument(client, documentId)
        const staged = await client.query<{ state: string }>(
          'SELECT state FROM document_versions WHERE document_id = $1 AND version = $2',
          [documentId, version],
        )
        if (staged.rows[0]?.state !== 'staged') {
          throw new Error(`version ${version} of ${documentId} is not staged (state: ${staged.rows[0]?.state ?? 'missing'})`)
        }
        const cur = await client.query<{ active_version: number }>('SELECT active_version FROM documents WHERE id = $1', [documentId])
        const previous = cur.rows[0]?.active_version
        if (previous !== undefined && previous > version) {
          await client.query(`UPDATE document_versions SET state = 'retired', retired_at = now() WHERE document_id = $1 AND version = $2`, [
            documentId,
            version,
          ])
          return { superseded: true }
        }
        await client.query(
          `INSERT INTO documents (id, active_version, source_name, sha256, fingerprint, meta, pages, chunks, embedding_model,
             created_at, updated_at)
           SELECT document_id, version, source_name, sha256, fingerprint, meta, pages, chunks, embedding_model, now(), now()
           FROM document_versions WHERE document_id = $1 AND version = $2
           ON CONFLICT (id) DO UPDATE SET active_version = EXCLUDED.active_version, source_name = EXCLUDED.source_name,
             sha256 = EXCLUDED.sha256, fingerprint = EXCLUDED.fingerprint, meta = EXCLUDED.meta, pages = EXCLUDED.pages,
             chunks = EXCLUDED.chunks, embedding_model = EXCLUDED.embedding_model, updated_at = now()`,
          [documentId, version],
        )
        await client.query(`UPDATE document_versions SET state = 'active' WHERE document_id = $1 AND version = $2`, [documentId, version])
        await client.query('INSERT INTO collections (name) VALUES ($1) ON CONFLICT DO NOTHING', [collectionOf(documentId)])
        await applyBm25(client, documentId, version, 1)
        if (previous !== undefined) {
          await client.query(`UPDATE document_versions SET state = 'retired', retired_at = now() WHERE document_id = $1 AND version = $2`, [
            documentId,
            previous,
          ])
          await applyBm25(client, documentId, previous, -1)
        }
        return previous === undefined ? { superseded: false } : { replaced: previous, superseded: false }
      })
    },

    async abandonVersion(documentId, version) {
      await pool.query(`DELETE FROM document_versions WHERE document_id = $1 AND version = $2 AND state = 'staged'`, [documentId, version])
    },

    async retireDocument(documentId) {
      return inTransaction(pool, (client) => retireIn(client, documentId))
    },

    async retiredVersions(documentId) {
      const { rows } = await pool.query<{ document_id: string; version: number }>(
        `SELECT document_id, version FROM document_versions WHERE state = 'retired' AND ($1::text IS NULL OR document_id = $1)
         ORDER BY retired_at, document_id, version`,
        [documentId ?? null],
      )
      return rows.map((r) => ({ documentId: r.document_id, version: r.version }))
    },

    async staleStagedVersions(olderThanMs) {
      const { rows } = await pool.query<{ document_id: string; version: number }>(
        `SELECT document_id, version FROM document_versions WHERE state = 'staged' AND created_at < now() - make_interval(secs => $1)
         ORDER BY created_at`,
        [olderThanMs / 1000],
      )
      return rows.map((r) => ({ documentId: r.document_id, version: r.version }))
    },

    async purgeVersion(documentId, version) {
      await pool.query(`DELETE FROM document_versions WHERE document_id = $1 AND version = $2 AND state = 'retired'`, [documentId, version])
    },

    async unsettledDocuments() {
      const { rows } = await pool.query<{ document_id: string; active_version: number | null }>(
        `SELECT DISTINCT v.document_id, d.active_version FROM document_versions v
         LEFT JOIN documents d ON d.id = v.document_id WHERE v.state <> 'active'`,
      )
      return new Map(rows.map((r) => [r.document_id, r.active_version]))
    },

    async chunksAt(keys) {
      if (keys.length === 0) return new Map()
      const { rows } = await pool.query<ChunkRow>(
        `SELECT ${CHUNK_COLUMNS} FROM jsonb_to_recordset($1::jsonb) AS k("documentId" text, version int, ordinal int)
         JOIN chunks c ON c.document_id = k."documentId" AND c.version = k.version AND c.ordinal = k.ordinal
         JOIN document_versions v ON v.document_id = c.document_id AND v.version = c.version`,
        [JSON.stringify(keys)],
      )
      return byChunkKey(rows.map(toStored))
    },

    async activeChunks(documentId, ordinals) {
      if (ordinals.length === 0) return []
      const { rows } = await pool.query<ChunkRow>(
        `SELECT ${CHUNK_COLUMNS} FROM documents d
         JOIN chunks c ON c.document_id = d.id AND c.version = d.active_version
         JOIN document_versions v ON v.document_id = c.document_id AND v.version = c.version
         WHERE d.id = $1 AND c.ordinal = ANY($2::int[]) ORDER BY c.ordinal`,
        [documentId, [...ordinals]],
      )
      return rows.map(toStored)
    },

    async activeFacts(documentId, page) {
      const { rows } = await pool.query<StatementFact>(
        `SELECT f.page, f.label, f.period, f.value, f.scale FROM documents d
         JOIN facts f ON f.document_id = d.id AND f.version = d.active_version
         WHERE d.id = $1 AND ($2::int IS NULL OR f.page = $2) ORDER BY f.ordinal`,
        [documentId, page ?? null],
      )
      return rows
    },

    async bm25Stats(termHashes) {
      const totals = await pool.query<{ documents: string; total_length: string }>('SELECT documents, total_length FROM bm25_totals')
      const terms =
        termHashes.length === 0
          ? { rows: [] }
          : await pool.query<{ hash: string; df: number }>('SELECT hash, df FROM bm25_terms WHERE hash = ANY($1::bigint[])', [
              termHashes.map(String),
            ])
      return {
        documents: Number(totals.rows[0]?.documents ?? 0),
        totalLength: Number(totals.rows[0]?.total_length ?? 0),
        df: new Map(terms.rows.map((r) => [Number(r.hash), r.df])),
      }
    },

    async cachedEmbeddings(model, hashes) {
      const out = new Map<string, Float32Array>()
      if (hashes.length === 0) return out
      const { rows } = await pool.query<{ hash: string; vector: Buffer }>(
        'SELECT hash, vector FROM embedding_cache WHERE model = $1 AND hash = ANY($2::text[])',
        [model, [...hashes]],
      )
      for (const r of rows) {
        const copy = new Uint8Array(r.vector)
        out.set(r.hash, new Float32Array(copy.buffer, 0, copy.byteLength / 4))
      }
      return out
    },

    async cacheEmbeddings(model, entries) {
      for (let i = 0; i < entries.length; i += 500) {
        const batch = entries.slice(i, i + 500)
        await pool.query(
          `INSERT INTO embedding_cache (model, hash, vector) SELECT $1, h, v FROM unnest($2::text[], $3::bytea[]) AS x(h, v)
           ON CONFLICT DO NOTHING`,
          [model, batch.map(([h]) => h), batch.map(([, v]) => Buffer.from(v.buffer, v.byteOffset, v.byteLength))],
        )
      }
    },

    async close() {
      if (options.ownsPool !== false) await pool.end()
    },
  }
}

function toSummary(row: DocumentRow): DocumentSummary {
  return documentSummaryFromRow(row, row.meta)
}

function toStored(r: ChunkRow): StoredChunk {
  return { documentId: r.document_id, version: r.version, ordinal: r.ordinal, chunk: chunkRecordFromRow(r), meta: r.meta }
}
