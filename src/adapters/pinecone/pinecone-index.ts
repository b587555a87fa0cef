import type { Index, Pinecone, QueryOptions, RecordMetadata } from '@pinecone-database/pinecone'
import type { Logger } from '../../logger.js'
import { AppError } from '../../errors.js'
import type { IndexMatch, IndexQuery, VectorIndex } from '../../core/vector-index.js'
import { DEFAULT_RETRY, translatePineconeError, withRetry, type RetryPolicy } from './pinecone-errors.js'
import { planBatches } from './upsert-batches.js'

export interface PineconeIndexOptions {
  readonly apiKey: string
  readonly index: string
  /** control-plane URL (the SDK's PINECONE_CONTROLLER_HOST); default https://api.pinecone.io */
  readonly controllerHostUrl?: string
  /** data-plane host; resolved with describe index when omitted */
  readonly indexHost?: string
  readonly logger: Logger
  readonly retry?: RetryPolicy
  /** Pinecone: 1000 records and 2 MB per upsert */
  readonly maxBatchRecords?: number
  readonly maxRequestBytes?: number
}

// Pinecone's published limits; the request-size margin leaves room for the SDK's envelope.
const MAX_RECORDS = 1000
const MAX_REQUEST_BYTES = 2 * 1024 * 1024 - 16 * 1024
const MAX_METADATA_BYTES = 40 * 1024
const ID_PAGE = 1000
// fetch sends ids in the query string; servers cap the request line (Node: 16 KB of headers), so pages
// are also bounded by their encoded length
const FETCH_URL_BUDGET = 6000

function idPages(ids: readonly string[], maxIds: number, maxChars: number): string[][] {
  const pages: string[][] = []
  let page: string[] = []
  let chars = 0
  for (const id of ids) {
    const cost = encodeURIComponent(id).length + 5
    if (page.length > 0 && (page.length >= maxIds || chars + cost > maxChars)) {
      pages.push(page)
      page = []
      chars = 0
    }
    page.push(id)
    chars += cost
  }
  if (page.length > 0) pages.push(page)
  return pages
}

/**
 * The Pinecone serverless index behind the VectorIndex port. The SDK is imported only here, and only
 * when this store is selected. Its own 5xx retry is switched off (maxRetries 0) so one policy — ours,
 * which also covers 429 — decides. The host is resolved once by describe index and passed explicitly:
 * the SDK otherwise caches hosts per (key, index name) for the whole process.
 */
export async function createPineconeIndex(options: PineconeIndexOptions): Promise<VectorIndex> {
  const { logger } = options
  const retry = options.retry ?? DEFAULT_RETRY
  const { Pinecone: PineconeClient } = await import('@pinecone-database/pinecone')
  const pc: Pinecone = new PineconeClient({
    apiKey: options.apiKey,
    maxRetries: 0,
    sourceTag: 'ragtune',
    ...(options.controllerHostUrl === undefined ? {} : { controllerHostUrl: options.controllerHostUrl }),
  })
  const described = await withRetry('describe index', () => pc.indexes.describe(options.index), retry, logger)
  if (described.metric !== 'dotproduct') {
    throw new AppError(
      'vector_store_misconfigured',
      `Pinecone index ${options.index} uses metric ${described.metric}; hybrid BM25 needs dotproduct`,
      { status: 500 },
    )
  }
  const dimension = described.vectorType === 'sparse' ? undefined : described.dimension
  const host = options.indexHost ?? described.host
  const base = pc.index<RecordMetadata>({ name: options.index, host })
  const handles = new Map<string, Index<RecordMetadata>>()
  const ns = (namespace: string): Index<RecordMetadata> => {
    let h = handles.get(namespace)
    if (h === undefined) handles.set(namespace, (h = base.namespace(namespace)))
    return h
  }
  const call = <T>(op: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> => withRetry(op, fn, retry, logger, signal)
  logger.info({ index: options.index, dimension: dimension ?? 'sparse' }, 'pinecone index ready')

  return {
    kind: 'pinecone',
    dimension,
    maxMetadataBytes: MAX_METADATA_BYTES,

    async upsert(namespace, records, signal) {
      const sdkRecords = records.map((r) => ({
        id: r.id,
        ...(r.dense === undefined ? {} : { values: [...r.dense] }),
        ...(r.sparse === undefined || r.sparse.indices.length === 0 ? {} : { sparseValues: r.sparse }),
        metadata: r.metadata,
      }))
      const batches = planBatches(sdkRecords, {
        maxRecords: options.maxBatchRecords ?? MAX_RECORDS,
        maxBytes: options.maxRequestBytes ?? MAX_REQUEST_BYTES,
      })
      for (const batch of batches) {
        await call('upsert', () => ns(namespace).upsert({ records: batch }), signal)
      }
    },

    async query(request: IndexQuery, signal) {
      // The SDK's types demand `vector`, but a sparse index is queried with `sparseVector` alone.
      const q = {
        topK: request.topK,
        includeMetadata: true,
        includeValues: false,
        ...(request.dense === undefined ? {} : { vector: [...request.dense] }),
        ...(request.sparse === undefined ? {} : { sparseVector: request.sparse }),
        ...(request.filter === undefined ? {} : { filter: request.filter }),
      } as unknown as QueryOptions
      const res = await call('query', () => ns(request.namespace).query(q), signal)
      return res.matches.map((m): IndexMatch => ({ id: m.id, score: m.score ?? 0, metadata: m.metadata ?? {} }))
    },

    async fetchExisting(namespace, ids) {
      const found = new Set<string>()
      for (const page of idPages(ids, ID_PAGE, FETCH_URL_BUDGET)) {
        const res = await call('fetch', () => ns(namespace).fetch({ ids: page }))
        for (const id of Object.keys(res.records)) found.add(id)
      }
      return found
    },

    async listIds(namespace, prefix) {
      const ids: string[] = []
      let token: string | undefined
      do {
        const page = await call('list', () =>
          ns(namespace).listPaginated({ prefix, limit: 100, ...(token === undefined ? {} : { paginationToken: token }) }),
        )
        for (const v of page.vectors ?? []) if (v.id !== undefined) ids.push(v.id)
        token = page.pagination?.next
      } while (token !== undefined && token !== '')
      return ids
    },

    async deleteIds(namespace, ids) {
      for (let i = 0; i < ids.length; i += ID_PAGE) {
        const page = ids.slice(i, i + ID_PAGE)
        await call('delete', () => ns(namespace).deleteMany({ ids: [...page] }))
      }
    },

    async deleteNamespace(namespace) {
      try {
        await call('delete namespace', () => base.deleteNamespace(namespace))
      } catch (err) {
        // already gone (never written, or deleted by another replica): what the caller wanted
        if (err instanceof AppError && err.code === 'vector_store_not_found') return
        throw err
      }
    },
  }
}

export { translatePineconeError }
