import fs from 'node:fs'
import type { Config } from './config.js'
import type { Logger } from './logger.js'
import type { AppDeps } from './composition/app-deps.js'
import { createSqliteCorpus } from './adapters/sqlite/sqlite-corpus.js'
import { createSqliteJobStore } from './adapters/sqlite/sqlite-jobs.js'
import { createParserPool } from './adapters/pdf/parser-pool.js'
import { createOpenAIEmbeddings } from './adapters/openai-embeddings.js'
import { recoverIngestJobs } from './core/ingest/recover-jobs.js'
import { uploadsDir } from './composition/paths.js'
import { createSqliteKeyStore } from './adapters/sqlite/sqlite-keys.js'
import type { KeyStore } from './core/keys.js'
import { createChatModelFactory, createOpenAIChat } from './adapters/openai-chat.js'
import { createHybridRetriever } from './core/retrieval/hybrid-retriever.js'
import { createAnswerer } from './core/answer/answerer.js'
import { createCachedRetriever } from './core/answer/retrieval-cache.js'
import { createSqliteModelRegistry } from './adapters/sqlite/sqlite-model-registry.js'
import { createRegistryVoiceResolver } from './core/answer/registry-voice-resolver.js'

/**
 * Composition root: the only place that picks adapters from configuration. The server and every CLI
 * build their dependencies here, so an upload over HTTP and `ragtune ingest` run the same code.
 */
export async function buildDeps(config: Config, logger: Logger): Promise<AppDeps> {
  fs.mkdirSync(config.dataDir, { recursive: true })
  // Scale-out (Pinecone vectors + PostgreSQL or SQLite registry) loads pg and the Pinecone SDK only when chosen.
  const corpus =
    config.vectorStore.kind === 'pinecone'
      ? await (await import('./adapters/pinecone/scale-out-corpus.js')).createScaleOutCorpus(config, logger)
      : createSqliteCorpus({ path: config.dbPath, logger })
  const m = config.models
  const embedder =
    m.embeddingModel === undefined
      ? undefined
      : createOpenAIEmbeddings({ model: m.embeddingModel, baseURL: m.baseURL, apiKey: m.apiKey, dimensions: m.embeddingDimensions, timeoutMs: m.timeoutMs, maxRetries: m.maxRetries })
  // DATABASE_URL: jobs, keys and voices shared by every replica in PostgreSQL (pg loaded only then).
  const shared = config.databaseUrl === undefined ? undefined : await (await import('./adapters/postgres/pg-stores.js')).openPgStores(config.databaseUrl)
  const jobs = shared?.jobs ?? createSqliteJobStore({ path: config.dbPath })
  await recoverIngestJobs(jobs, uploadsDir(config.dataDir), logger)
  // Workers start on the first parse, so commands that never ingest never pay for them.
  const parser = createParserPool({ logger, ...(config.ingest.workers === undefined ? {} : { size: config.ingest.workers }) })
  const ingest = { corpus, parser, embedder, logger, limits: { maxFileBytes: config.ingest.maxFileBytes, maxPages: config.ingest.maxPages } }
  const keys = shared?.keys ?? createSqliteKeyStore({ path: config.dbPath })
  const hybrid = createHybridRetriever({ corpus, logger, ...(embedder === undefined ? {} : { embeddings: embedder }) })
  // A repeated question on an unchanged corpus reuses its sources (checked against the corpus' revision).
  const retriever = createCachedRetriever(hybrid, corpus, { maxEntries: config.retrievalCacheEntries })
  // "Which model answers" is this one lookup: the active voice in the registry, else RAGTUNE_CHAT_MODEL.
  const registry = shared?.models ?? createSqliteModelRegistry({ path: config.dbPath })
  const voices = createRegistryVoiceResolver({ registry, chatModel: m.chatModel })
  const chatOptions = { timeoutMs: m.timeoutMs, maxRetries: m.maxRetries }
  const chat = m.chatModel === undefined ? undefined : createOpenAIChat({ ...chatOptions, model: m.chatModel, baseURL: m.baseURL, apiKey: m.apiKey })
  const chatFor = createChatModelFactory({ ...chatOptions, model: m.chatModel ?? 'default' })
  const answerer = createAnswerer({ retriever, chat, chatFor, voices, logger, facts: corpus.facts?.bind(corpus) })
  return { config, logger, corpus, jobs, ingest, keys, answerer, voices, registry, retrievalCache: retriever, ...(embedder === undefined ? {} : { embedder }) }
}

/** The key store alone, for `ragtune keys` (no need to start the rest); the same store the server reads. */
export async function openKeyStore(config: Config): Promise<KeyStore> {
  if (config.databaseUrl !== undefined) {
    const { openPgPool } = await import('./adapters/postgres/pg-database.js')
    const { createPgKeyStore } = await import('./adapters/postgres/pg-keys.js')
    const pool = await openPgPool({ url: config.databaseUrl })
    return createPgKeyStore({ pool, onClose: () => pool.end() })
  }
  fs.mkdirSync(config.dataDir, { recursive: true })
  return createSqliteKeyStore({ path: config.dbPath })
}

export async function closeDeps(deps: AppDeps): Promise<void> {
  await deps.ingest?.parser.close()
  await deps.jobs?.close()
  await deps.keys?.close()
  await deps.registry?.close()
  await deps.corpus.close()
}
