import type { Pinecone } from '@pinecone-database/pinecone'
import type { Logger } from '../../logger.js'
import { AppError } from '../../errors.js'
import { translatePineconeError } from './pinecone-errors.js'

export interface EnsureIndexOptions {
  readonly apiKey: string
  readonly index: string
  readonly controllerHostUrl?: string | undefined
  /** the embedding model's dimension (hybrid dense + sparse); undefined: a sparse index, BM25 only */
  readonly dimension: number | undefined
  readonly logger: Logger
  /** how long to wait for a new index to become ready, ms */
  readonly timeoutMs?: number
}

/**
 * Creates the Pinecone index ragtune needs (metric dotproduct: dense of the model's dimension with sparse
 * values, or sparse only) unless it exists; an existing index is checked instead. Idempotent, so a
 * one-shot `ragtune store init` may run before every start.
 */
export async function ensurePineconeIndex(options: EnsureIndexOptions): Promise<{ created: boolean; dimension: number | undefined }> {
  const { Pinecone: PineconeClient } = await import('@pinecone-database/pinecone')
  const pc: Pinecone = new PineconeClient({
    apiKey: options.apiKey,
    sourceTag: 'ragtune',
    ...(options.controllerHostUrl === undefined ? {} : { controllerHostUrl: options.controllerHostUrl }),
  })
  try {
    const created = await pc.indexes.create({
      name: options.index,
      ...(options.dimension === undefined
        ? { vectorType: 'sparse' as const }
        : { dimension: options.dimension, vectorType: 'dense' as const }),
      metric: 'dotproduct',
      spec: { serverless: { cloud: 'aws', region: 'us-east-1' } },
      waitUntilReady: true,
      timeout: options.timeoutMs ?? 300_000,
      suppressConflicts: true,
    })
    if (created !== undefined) {
      options.logger.info({ index: options.index, dimension: options.dimension ?? 'sparse' }, 'pinecone index created')
      return { created: true, dimension: options.dimension }
    }
    const described = await pc.indexes.describe(options.index)
    const dimension = described.vectorType === 'sparse' ? undefined : described.dimension
    if (described.metric !== 'dotproduct' || dimension !== options.dimension) {
      throw new AppError(
        'vector_store_misconfigured',
        `Pinecone index ${options.index} exists with metric ${described.metric} and ${dimension === undefined ? 'sparse vectors only' : `dimension ${dimension}`}; ragtune needs dotproduct and ${options.dimension === undefined ? 'a sparse index (no RAGTUNE_EMBEDDING_MODEL)' : `dimension ${options.dimension}`}: set PINECONE_INDEX to another name`,
        { status: 500 },
      )
    }
    return { created: false, dimension }
  } catch (err) {
    if (err instanceof AppError) throw err
    throw translatePineconeError(err, 'create index')
  }
}
