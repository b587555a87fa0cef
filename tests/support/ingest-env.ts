import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pino from 'pino'
import { createSqliteCorpus } from '../../src/adapters/sqlite/sqlite-corpus.js'
import { createSqliteJobStore } from '../../src/adapters/sqlite/sqlite-jobs.js'
import { createParserPool } from '../../src/adapters/pdf/parser-pool.js'
import type { IngestDeps } from '../../src/core/ingest/ingest-pipeline.js'
import type { EmbeddingModel } from '../../src/core/models.js'
import type { JobStore } from '../../src/core/jobs.js'

/** A temp data dir with a real SQLite store, job store and parse pool, as deps.ts would build them. */
export interface IngestEnv {
  readonly dir: string
  readonly dbPath: string
  readonly deps: IngestDeps & { corpus: ReturnType<typeof createSqliteCorpus> }
  readonly jobs: JobStore
  write(name: string, data: string | Uint8Array): string
  close(): Promise<void>
}

export function createIngestEnv(
  options: {
    embedder?: EmbeddingModel
    maxFileBytes?: number
    maxPages?: number
    workers?: number
    chunking?: IngestDeps['chunking']
  } = {},
): IngestEnv {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-ingest-'))
  const dbPath = path.join(dir, 'data', 'ragtune.db')
  const logger = pino({ level: 'silent' })
  const corpus = createSqliteCorpus({ path: dbPath, logger })
  const jobs = createSqliteJobStore({ path: dbPath })
  const parser = createParserPool({ logger, size: options.workers ?? 2 })
  const deps = {
    corpus,
    parser,
    embedder: options.embedder,
    logger,
    limits: { maxFileBytes: options.maxFileBytes ?? 20 * 1024 * 1024, maxPages: options.maxPages ?? 500 },
    ...(options.chunking === undefined ? {} : { chunking: options.chunking }),
  }
  return {
    dir,
    dbPath,
    deps,
    jobs,
    write(name, data) {
      const file = path.join(dir, 'in', name)
      fs.mkdirSync(path.dirname(file), { recursive: true })
      fs.writeFileSync(file, data)
      return file
    },
    async close() {
      await parser.close()
      await jobs.close()
      await corpus.close()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}
