import { ensurePrivateDir, warnIfShared } from './adapters/private-files.js'
import type { Config } from './config.js'
import type { Logger } from './logger.js'
import type { AppDeps } from './composition/app-deps.js'

export { closeDeps } from './composition/app-deps.js'
import { openCorpus } from './composition/corpus.js'
import { closeStores, openStore, openStores, type Stores } from './composition/stores.js'
import { createParserPool } from './adapters/pdf/parser-pool.js'
import { recoverIngestJobs } from './core/ingest/recover-jobs.js'
import { pageCacheDir, uploadsDir } from './composition/paths.js'
import type { KeyStore } from './core/keys.js'
import type { Corpus } from './core/corpus.js'
import { storageFault } from './errors.js'
import { openModels, type Models } from './composition/models.js'
import { createHybridRetriever } from './core/retrieval/hybrid-retriever.js'
import { createAnswerer } from './core/answer/answerer.js'
import { createCachedRetriever } from './core/answer/retrieval-cache.js'
import { createRegistryVoiceResolver } from './core/answer/registry-voice-resolver.js'
import { createPageImages } from './adapters/pdf/page-images.js'
import { CacheRegistry } from './core/bounded-cache.js'

/**
 * Composition root: the only place that picks adapters from configuration. The server and every CLI
 * build their dependencies here, so an upload over HTTP and `ragtune ingest` run the same code.
 */
/** AppDeps as buildDeps makes them: every store present. */
export type BuiltDeps = AppDeps & Required<Pick<AppDeps, 'jobs' | 'ingest' | 'keys' | 'answerer' | 'voices' | 'registry' | 'fineTuneJobs'>>

export async function buildDeps(config: Config, logger: Logger): Promise<BuiltDeps> {
  warnIfShared([config.dataDir, config.dbPath], logger)
  ensurePrivateDir(config.dataDir)
  // Every cache is created by the object that uses it, through this registry (limits: CACHE_LIMITS and
  // RAGTUNE_CACHE_LIMITS), which /metrics reads.
  const caches = new CacheRegistry(config.cacheLimits)
  // Scale-out (Pinecone vectors + PostgreSQL or SQLite catalog) loads pg and the Pinecone SDK only when chosen.
  const corpus = await openCorpus(config, logger, caches).catch((err: unknown) => {
    throw storageFault(err) ?? err
  })
  try {
    return await buildOnCorpus(config, logger, corpus, caches)
  } catch (err) {
    // a damaged store table found while starting: the storage-fault code and its recovery, nothing left open
    await corpus.close().catch(() => undefined)
    throw storageFault(err) ?? err
  }
}

async function buildOnCorpus(config: Config, logger: Logger, corpus: Corpus, caches: CacheRegistry): Promise<BuiltDeps> {
  // Model adapters load with their first call (the openai SDK is the largest library a command could load).
  const models = openModels(config)
  // DATABASE_URL: jobs, keys, voices, fine-tune jobs and originals shared by every replica in PostgreSQL.
  const stores = await openStores(config)
  try {
    return await buildOnStores(config, logger, corpus, caches, stores, models)
  } catch (err) {
    // whatever failed after the stores opened (job recovery, a damaged table read later) leaves none open
    await closeStores(stores).catch(() => undefined)
    throw err
  }
}

async function buildOnStores(
  config: Config,
  logger: Logger,
  corpus: Corpus,
  caches: CacheRegistry,
  stores: Stores,
  { embedder, chat, chatFor }: Models,
): Promise<BuiltDeps> {
  const { jobs, keys, registry, fineTuneJobs, originals } = stores
  await recoverIngestJobs(jobs, uploadsDir(config.dataDir), logger)
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
  const hybrid = createHybridRetriever({ corpus, logger, caches, ...(embedder === undefined ? {} : { embeddings: embedder }) })
  // A repeated question on an unchanged corpus reuses its sources (checked against the corpus' revision).
  const retriever = createCachedRetriever(hybrid, corpus, { caches })
  // "Which model answers" is this one lookup: the active voice in the registry, else RAGTUNE_CHAT_MODEL.
  const voices = createRegistryVoiceResolver({ registry, chatModel: config.models.chatModel })
  const answerer = createAnswerer({ retriever, chat, chatFor, voices, logger, caches, facts: corpus.facts?.bind(corpus) })
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
    caches,
    ...(embedder === undefined ? {} : { embedder }),
  }
}

/** The key store alone, for `ragtune keys` (no need to start the rest); the same store the server reads. */
export async function openKeyStore(config: Config): Promise<KeyStore> {
  if (config.databaseUrl === undefined) ensurePrivateDir(config.dataDir)
  return openStore(config, 'keys')
}
