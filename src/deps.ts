import { ensurePrivateDir, warnIfShared } from './adapters/private-files.js'
import type { Config } from './config.js'
import type { Logger } from './logger.js'
import type { AppDeps } from './composition/app-deps.js'
import { openCorpus } from './composition/corpus.js'
import { closeStores, openStores } from './composition/stores.js'
import { createParserPool } from './adapters/pdf/parser-pool.js'
import { createOpenAIEmbeddings } from './adapters/openai-embeddings.js'
import { recoverIngestJobs } from './core/ingest/recover-jobs.js'
import { pageCacheDir, uploadsDir } from './composition/paths.js'
import type { KeyStore } from './core/keys.js'
import type { Corpus } from './core/corpus.js'
import { storageFault } from './errors.js'
import { createChatModelFactory, createOpenAIChat } from './adapters/openai-chat.js'
import { createHybridRetriever } from './core/retrieval/hybrid-retriever.js'
import { createAnswerer } from './core/answer/answerer.js'
import { createCachedRetriever } from './core/answer/retrieval-cache.js'
import { createRegistryVoiceResolver } from './core/answer/registry-voice-resolver.js'
import { createPageImages } from './adapters/pdf/page-images.js'

/**
 * Composition root: the only place that picks adapters from configuration. The server and every CLI
 * build their dependencies here, so an upload over HTTP and `ragtune ingest` run the same code.
 */
/** AppDeps as buildDeps makes them: every store present. */
export type BuiltDeps = AppDeps & Required<Pick<AppDeps, 'jobs' | 'ingest' | 'keys' | 'answerer' | 'voices' | 'registry' | 'fineTuneJobs'>>

export async function buildDeps(config: Config, logger: Logger): Promise<BuiltDeps> {
  warnIfShared([config.dataDir, config.dbPath], logger)
  ensurePrivateDir(config.dataDir)
  // Scale-out (Pinecone vectors + PostgreSQL or SQLite catalog) loads pg and the Pinecone SDK only when chosen.
  const corpus = await openCorpus(config, logger).catch((err: unknown) => {
    throw storageFault(err) ?? err
  })
  try {
    return await buildOnCorpus(config, logger, corpus)
  } catch (err) {
    // a damaged store table found while starting: the storage-fault code and its recovery, nothing left open
    await corpus.close().catch(() => undefined)
    throw storageFault(err) ?? err
  }
}

async function buildOnCorpus(config: Config, logger: Logger, corpus: Corpus): Promise<BuiltDeps> {
  const m = config.models
  const embedder =
    m.embeddingModel === undefined
      ? undefined
      : createOpenAIEmbeddings({
          model: m.embeddingModel,
          baseURL: m.baseURL,
          apiKey: m.apiKey,
          dimensions: m.embeddingDimensions,
          timeoutMs: m.timeoutMs,
          maxRetries: m.maxRetries,
        })
  // DATABASE_URL: jobs, keys, voices, fine-tune jobs and originals shared by every replica in PostgreSQL.
  const stores = await openStores(config)
  const { jobs, keys, registry, fineTuneJobs, originals } = stores
  await recoverIngestJobs(jobs, uploadsDir(config.dataDir), logger).catch(async (err: unknown) => {
    await closeStores(stores).catch(() => undefined)
    throw err
  })
  // Workers start on the first parse, so commands that never ingest never pay for them.
  const parser = createParserPool({
    logger,
    maxDecodedMb: config.ingest.parseMemoryMb,
    ...(config.ingest.workers === undefined ? {} : { size: config.ingest.workers }),
  })
  const pageImages = createPageImages({ originals, cacheDir: pageCacheDir(config.dataDir) })
  const ingest = {
    corpus,
    parser,
    embedder,
    logger,
    originals,
    limits: { maxFileBytes: config.ingest.maxFileBytes, maxPages: config.ingest.maxPages },
  }
  const hybrid = createHybridRetriever({ corpus, logger, ...(embedder === undefined ? {} : { embeddings: embedder }) })
  // A repeated question on an unchanged corpus reuses its sources (checked against the corpus' revision).
  const retriever = createCachedRetriever(hybrid, corpus, { maxEntries: config.retrievalCacheEntries })
  // "Which model answers" is this one lookup: the active voice in the registry, else RAGTUNE_CHAT_MODEL.
  const voices = createRegistryVoiceResolver({ registry, chatModel: m.chatModel })
  const chatOptions = { timeoutMs: m.timeoutMs, maxRetries: m.maxRetries }
  const chat =
    m.chatModel === undefined ? undefined : createOpenAIChat({ ...chatOptions, model: m.chatModel, baseURL: m.baseURL, apiKey: m.apiKey })
  const chatFor = createChatModelFactory({ ...chatOptions, model: m.chatModel ?? 'default' })
  const answerer = createAnswerer({ retriever, chat, chatFor, voices, logger, facts: corpus.facts?.bind(corpus) })
  return {
    config,
    logger,
    corpus,
    jobs,
    ingest,
    keys,
    answerer,
    voices,
    registry,
    fineTuneJobs,
    originals,
    pageImages,
    retrievalCache: retriever,
    ...(embedder === undefined ? {} : { embedder }),
  }
}

/** The key store alone, for `ragtune keys` (no need to start the rest); the same store the server reads. */
export async function openKeyStore(config: Config): Promise<KeyStore> {
  if (config.databaseUrl === undefined) ensurePrivateDir(config.dataDir)
  const { keys, ...rest } = await openStores(config)
  await closeStores({ keys: { ...keys, close: async () => {} }, ...rest })
  return keys
}

export async function closeDeps(deps: AppDeps): Promise<void> {
  await deps.ingest?.parser.close()
  await deps.jobs?.close()
  await deps.keys?.close()
  await deps.registry?.close()
  await deps.fineTuneJobs?.close()
  await deps.originals?.close()
  await deps.corpus.close()
}
