import type { Config } from '../config.js'
import type { Logger } from '../logger.js'
import type { Corpus } from '../core/corpus.js'
import type { CorpusCatalog } from '../core/catalog.js'
import { createSqliteCorpus } from '../adapters/sqlite/sqlite-corpus.js'
import { CacheRegistry } from '../core/bounded-cache.js'

/**
 * The corpus from configuration: the embedded SQLite store by default; with RAGTUNE_VECTOR_STORE=pinecone
 * the scale-out corpus — vectors in the Pinecone index (PINECONE_*), the catalog in PostgreSQL when
 * DATABASE_URL is set (several replicas) or else in the local SQLite file (one machine). pg and the
 * Pinecone SDK are loaded only on that path.
 */
export async function openCorpus(config: Config, logger: Logger, caches = new CacheRegistry(config.cacheLimits)): Promise<Corpus> {
  if (config.vectorStore.kind !== 'pinecone') {
    const max = config.keywordIndexMaxInstances
    return createSqliteCorpus({ path: config.dbPath, logger, caches, ...(max === undefined ? {} : { memoryIndexMaxInstances: max }) })
  }
  const p = config.vectorStore.pinecone
  if (p.apiKey === undefined || p.index === undefined) {
    throw new Error('RAGTUNE_VECTOR_STORE=pinecone needs PINECONE_API_KEY and PINECONE_INDEX')
  }
  const { createPineconeIndex } = await import('../adapters/pinecone/pinecone-index.js')
  const index = await createPineconeIndex({
    apiKey: p.apiKey,
    index: p.index,
    logger,
    ...(p.controllerHostUrl === undefined ? {} : { controllerHostUrl: p.controllerHostUrl }),
  })
  let catalog: CorpusCatalog
  if (config.databaseUrl !== undefined) {
    const { openPgPool } = await import('../adapters/postgres/pg-database.js')
    const { createPgCatalog } = await import('../adapters/postgres/pg-catalog.js')
    catalog = await createPgCatalog({ pool: await openPgPool({ url: config.databaseUrl }) })
  } else {
    const { createSqliteCatalog } = await import('../adapters/sqlite/sqlite-catalog.js')
    catalog = createSqliteCatalog({ path: config.dbPath })
  }
  const { createBlueGreenCorpus } = await import('../core/scale-out/blue-green-corpus.js')
  logger.info({ vectors: 'pinecone', catalog: catalog.kind, namespace: p.namespace }, 'scale-out corpus')
  return createBlueGreenCorpus({ catalog, index, namespace: p.namespace, logger, caches })
}
