import type { Config } from '../../config.js'
import type { Logger } from '../../logger.js'
import { createBlueGreenCorpus } from '../../core/scale-out/blue-green-corpus.js'
import type { Corpus } from '../../core/corpus.js'
import type { CorpusCatalog } from '../../core/catalog.js'
import { createPineconeIndex } from './pinecone-index.js'

/**
 * The scale-out corpus from configuration: vectors in the Pinecone index (PINECONE_*), the catalog in
 * PostgreSQL when DATABASE_URL is set (several replicas) or else in the local SQLite file (one machine).
 * pg and the Pinecone SDK are loaded only on this path.
 */
export async function createScaleOutCorpus(config: Config, logger: Logger): Promise<Corpus> {
  const p = config.vectorStore.pinecone
  if (p.apiKey === undefined || p.index === undefined) {
    throw new Error('RAGTUNE_VECTOR_STORE=pinecone needs PINECONE_API_KEY and PINECONE_INDEX')
  }
  const index = await createPineconeIndex({
    apiKey: p.apiKey,
    index: p.index,
    logger,
    ...(p.controllerHostUrl === undefined ? {} : { controllerHostUrl: p.controllerHostUrl }),
  })
  let catalog: CorpusCatalog
  if (config.databaseUrl !== undefined) {
    const { openPgPool } = await import('../postgres/pg-database.js')
    const { createPgCatalog } = await import('../postgres/pg-catalog.js')
    catalog = await createPgCatalog({ pool: await openPgPool({ url: config.databaseUrl }) })
  } else {
    const { createSqliteCatalog } = await import('../sqlite/sqlite-catalog.js')
    catalog = createSqliteCatalog({ path: config.dbPath })
  }
  logger.info({ vectors: 'pinecone', catalog: catalog.kind, namespace: p.namespace }, 'scale-out corpus')
  return createBlueGreenCorpus({ catalog, index, namespace: p.namespace, logger })
}
