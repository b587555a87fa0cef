import type { Config } from '../../config.js'
import type { Logger } from '../../logger.js'
import { createBlueGreenCorpus } from '../../core/blue-green-corpus.js'
import type { Corpus } from '../../core/corpus.js'
import type { CorpusRegistry } from '../../core/registry.js'
import { createPineconeIndex } from './pinecone-index.js'

/**
 * The scale-out corpus from configuration: vectors in the Pinecone index (PINECONE_*), the registry in
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
  let registry: CorpusRegistry
  if (config.databaseUrl !== undefined) {
    const { openPgPool } = await import('../postgres/pg-database.js')
    const { createPgRegistry } = await import('../postgres/pg-registry.js')
    registry = await createPgRegistry({ pool: await openPgPool({ url: config.databaseUrl }) })
  } else {
    const { createSqliteRegistry } = await import('../sqlite/sqlite-registry.js')
    registry = createSqliteRegistry({ path: config.dbPath })
  }
  logger.info({ vectors: 'pinecone', registry: registry.kind, namespace: p.namespace }, 'scale-out corpus')
  return createBlueGreenCorpus({ registry, index, namespace: p.namespace, logger })
}
