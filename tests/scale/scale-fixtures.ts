import { createHash, randomBytes } from 'node:crypto'
import pino from 'pino'
import type { CommitInput } from '../../src/core/corpus.js'
import type { DocumentMeta } from '../../src/core/documents.js'
import { openPgPool, type PgPool } from '../../src/adapters/postgres/pg-database.js'
import { pageChunks } from '../support/page-chunks.js'

export const silentLogger = pino({ level: 'silent' })

/** The PostgreSQL server tests use; the pg test files are excluded by vitest.config.ts when it is unset. */
export function testDatabaseUrl(): string {
  const url = process.env.RAGTUNE_TEST_DATABASE_URL
  if (url === undefined || url === '') throw new Error('RAGTUNE_TEST_DATABASE_URL is not set; this file should have been excluded')
  return url
}

/** A fresh schema per test run (dropped by `drop`), so runs and files never see each other's rows. */
export async function freshSchema(): Promise<{ url: string; schema: string; pool: () => Promise<PgPool>; drop: () => Promise<void> }> {
  const url = testDatabaseUrl()
  const schema = `ragtune_test_${randomBytes(6).toString('hex')}`
  const pools: PgPool[] = []
  return {
    url,
    schema,
    async pool() {
      const p = await openPgPool({ url, schema, max: 5 })
      pools.push(p)
      return p
    },
    async drop() {
      const admin = await openPgPool({ url, max: 1 })
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      await admin.end()
      await Promise.all(pools.map((p) => p.end().catch(() => undefined)))
    },
  }
}

/** A document version built from paragraphs: one chunk per paragraph, page = index + 1. */
export function docInput(
  documentId: string,
  paragraphs: readonly string[],
  options: { meta?: Partial<DocumentMeta>; tag?: string; embed?: (text: string) => Float32Array } = {},
): CommitInput {
  const meta: DocumentMeta = { title: `${documentId} report`, ...options.meta }
  const chunks = pageChunks(
    paragraphs,
    (page) => `${meta.title} | p${page}`,
    (page) => ['Section', `Part ${page}`],
  )
  const sha256 = createHash('sha256').update(paragraphs.join('\n')).digest('hex')
  return {
    documentId,
    sha256,
    fingerprint: `${sha256}:${options.tag ?? ''}`,
    sourceName: `${documentId}.pdf`,
    meta,
    pages: paragraphs.length,
    chunks,
    ...(options.embed === undefined ? {} : { embeddings: { model: 'test-embed', vectors: chunks.map((c) => options.embed!(c.text)) } }),
  }
}

/** A deterministic bag-of-words embedding: similar words, similar vectors; enough to test dense paths. */
export function toyEmbedding(dims: number): (text: string) => Float32Array {
  return (text) => {
    const v = new Float32Array(dims)
    for (const w of text
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter(Boolean)) {
      const h = createHash('md5').update(w).digest()
      v[h.readUInt32LE(0) % dims]! += 1
    }
    const norm = Math.hypot(...v) || 1
    return v.map((x) => x / norm)
  }
}
