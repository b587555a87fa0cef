import fs from 'node:fs'
import type { Config } from './config.js'
import type { Logger } from './logger.js'
import type { AppDeps } from './app.js'
import { createSqliteCorpus } from './adapters/sqlite/sqlite-corpus.js'
import { createSqliteJobStore } from './adapters/sqlite/sqlite-jobs.js'
import { createParserPool } from './adapters/pdf/parser-pool.js'
import { createOpenAIEmbeddings } from './adapters/openai-embeddings.js'
import { recoverIngestJobs } from './core/ingest/recover-jobs.js'
import { uploadsDir } from './app.js'

/**
 * Composition root: the only place that picks adapters from configuration. The server and every CLI
 * build their dependencies here, so an upload over HTTP and `ragtune ingest` run the same code.
 */
export async function buildDeps(config: Config, logger: Logger): Promise<AppDeps> {
  fs.mkdirSync(config.dataDir, { recursive: true })
  const corpus = createSqliteCorpus({ path: config.dbPath, logger })
  const m = config.models
  const embedder =
    m.embeddingModel === undefined
      ? undefined
      : createOpenAIEmbeddings({ model: m.embeddingModel, baseURL: m.baseURL, apiKey: m.apiKey, dimensions: m.embeddingDimensions, timeoutMs: m.timeoutMs, maxRetries: m.maxRetries })
  const jobs = createSqliteJobStore({ path: config.dbPath })
  await recoverIngestJobs(jobs, uploadsDir(config.dataDir), logger)
  // Workers start on the first parse, so commands that never ingest never pay for them.
  const parser = createParserPool({ logger, ...(config.ingest.workers === undefined ? {} : { size: config.ingest.workers }) })
  const ingest = { corpus, parser, embedder, logger, limits: { maxFileBytes: config.ingest.maxFileBytes, maxPages: config.ingest.maxPages } }
  return { config, logger, corpus, jobs, ingest, ...(embedder === undefined ? {} : { embedder }) }
}

export async function closeDeps(deps: AppDeps): Promise<void> {
  await deps.ingest?.parser.close()
  await deps.jobs?.close()
  await deps.corpus.close()
}
