import { createWriteStream } from 'node:fs'
import { mkdir, readFile, rename, stat } from 'node:fs/promises'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { OriginalStore } from '../../core/originals.js'
import { ORIGINAL_PAGES_TABLE, REF_SELECT, toRef, type RefRow } from '../original-rows.js'
import { inTransaction, migratePg, type PgPool } from './pg-database.js'

/**
 * Originals as `bytea`, not large objects: a row goes with an ordinary DELETE in the same transaction
 * that drops its last reference (large objects need lo_unlink and leave orphans otherwise), plain
 * pg_dump and replication carry it, and `substring()` reads a byte range. STORAGE EXTERNAL keeps the
 * value uncompressed out of line, so a range read fetches only the TOAST chunks it covers (PDFs hardly
 * compress anyway). A bytea value may hold 1 GB, far above RAGTUNE_MAX_FILE_MB.
 */
const migrations: readonly string[] = [
  `CREATE TABLE originals (
    sha256 TEXT PRIMARY KEY,
    size BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    pages INTEGER NOT NULL,
    bytes BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
  );
  ALTER TABLE originals ALTER COLUMN bytes SET STORAGE EXTERNAL;
  CREATE TABLE original_refs (
    document_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    sha256 TEXT NOT NULL REFERENCES originals(sha256),
    source_name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (document_id, version)
  );
  CREATE INDEX original_refs_sha256 ON original_refs (sha256);
  ${ORIGINAL_PAGES_TABLE}`,
]

/** Bytes per read of a range: bounded memory per request whatever the file size. */
const SLICE = 1024 * 1024

/**
 * The scaled profile's originals, in PostgreSQL where every replica reaches them. Page renderers need
 * a file, so `localPath` copies an original once into this replica's `cacheDir`.
 */
export async function createPgOriginalStore(options: {
  pool: PgPool
  cacheDir: string
  onClose?: () => Promise<void>
}): Promise<OriginalStore> {
  const { pool } = options
  await migratePg(pool, 'originals', migrations)
  const store: OriginalStore = {
    kind: 'postgres',

    async keep(input) {
      const known = await pool.query('SELECT 1 FROM originals WHERE sha256 = $1', [input.sha256])
      // Read the file only when its bytes are not stored yet (a metadata edit keeps the same original).
      const bytes = known.rowCount === 0 ? await readFile(input.path) : undefined
      await inTransaction(pool, async (client) => {
        if (bytes !== undefined) {
          const added = await client.query(
            'INSERT INTO originals (sha256, size, content_type, pages, bytes) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING',
            [input.sha256, bytes.length, input.contentType, input.pages.length, bytes],
          )
          if (added.rowCount === 1 && input.pages.length > 0) {
            await client.query(
              'INSERT INTO original_pages (sha256, page, text) SELECT $1, p.n, p.text FROM unnest($2::text[]) WITH ORDINALITY AS p(text, n)',
              [input.sha256, input.pages],
            )
          }
        }
        await client.query(
          `INSERT INTO original_refs (document_id, version, sha256, source_name) VALUES ($1, $2, $3, $4)
           ON CONFLICT (document_id, version) DO UPDATE SET sha256 = EXCLUDED.sha256, source_name = EXCLUDED.source_name`,
          [input.documentId, input.version, input.sha256, input.sourceName],
        )
      })
    },

    async find(documentId, version) {
      const { rows } = await pool.query<RefRow>(`${REF_SELECT} WHERE r.document_id = $1 AND r.version = $2`, [documentId, version])
      return rows[0] === undefined ? undefined : toRef(rows[0])
    },

    async versions(documentId) {
      const { rows } = await pool.query<RefRow>(`${REF_SELECT} WHERE r.document_id = $1 ORDER BY r.version DESC`, [documentId])
      return rows.map(toRef)
    },

    async *read(sha256, range) {
      const size =
        range === undefined
          ? Number((await pool.query<{ size: string }>('SELECT size FROM originals WHERE sha256 = $1', [sha256])).rows[0]?.size ?? 0)
          : 0
      const start = range?.start ?? 0
      const end = range?.end ?? size - 1
      for (let at = start; at <= end; at += SLICE) {
        const len = Math.min(SLICE, end - at + 1)
        // substring() counts from 1.
        const { rows } = await pool.query<{ part: Buffer }>(
          'SELECT substring(bytes FROM $2 FOR $3) AS part FROM originals WHERE sha256 = $1',
          [sha256, at + 1, len],
        )
        const part = rows[0]?.part
        if (part === undefined) return
        yield part
      }
    },

    async pageText(sha256, page) {
      const { rows } = await pool.query<{ text: string }>('SELECT text FROM original_pages WHERE sha256 = $1 AND page = $2', [sha256, page])
      return rows[0]?.text
    },

    async localPath(sha256) {
      // Inside the page cache of this original, so dropping its page images drops the copy too.
      const file = path.join(options.cacheDir, sha256.slice(0, 2), sha256, 'original')
      const present = await stat(file).then(
        () => true,
        () => false,
      )
      if (!present) {
        await mkdir(path.dirname(file), { recursive: true, mode: 0o700 })
        const tmp = `${file}.${process.pid}.tmp`
        await pipeline(Readable.from(store.read(sha256)), createWriteStream(tmp, { mode: 0o600 }))
        await rename(tmp, file)
      }
      return file
    },

    async forget(documentId) {
      return inTransaction(pool, async (client) => {
        const { rows: refs } = await client.query<{ sha256: string }>('DELETE FROM original_refs WHERE document_id = $1 RETURNING sha256', [
          documentId,
        ])
        const shas = [...new Set(refs.map((r) => r.sha256))]
        if (shas.length === 0) return []
        const { rows } = await client.query<{ sha256: string }>(
          `DELETE FROM originals o WHERE o.sha256 = ANY($1::text[])
             AND NOT EXISTS (SELECT 1 FROM original_refs r WHERE r.sha256 = o.sha256) RETURNING o.sha256`,
          [shas],
        )
        return rows.map((r) => r.sha256)
      })
    },

    async close() {
      await options.onClose?.()
    },
  }
  return store
}
