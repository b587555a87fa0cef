import type { SparseVector } from './sparse/bm25-encoder.js'

/**
 * A remote vector index (Pinecone serverless): dense and/or sparse vectors with filterable metadata,
 * partitioned by namespace (one per collection, created by its first upsert). Writes are eventually consistent — a record becomes
 * queryable some time after `upsert` resolves — so callers poll `fetchExisting` before relying on it.
 * Implementations batch within the service's request limits and retry throttling and 5xx themselves.
 */
export interface VectorIndex {
  /** e.g. "pinecone" */
  readonly kind: string
  /** dense dimension, or undefined for a sparse-only index (BM25 without an embedding model) */
  readonly dimension: number | undefined
  /** largest metadata the index accepts per record, in bytes of JSON */
  readonly maxMetadataBytes: number

  upsert(namespace: string, records: readonly IndexRecord[], signal?: AbortSignal): Promise<void>
  query(request: IndexQuery, signal?: AbortSignal): Promise<IndexMatch[]>
  /** which of these ids are visible now */
  fetchExisting(namespace: string, ids: readonly string[]): Promise<Set<string>>
  /** every visible id starting with `prefix` */
  listIds(namespace: string, prefix: string): Promise<string[]>
  deleteIds(namespace: string, ids: readonly string[]): Promise<void>
  /** drops a namespace and whatever it still holds; a namespace that does not exist is not an error */
  deleteNamespace(namespace: string): Promise<void>
}

export type MetadataValue = string | number | boolean | string[]
export type Metadata = Record<string, MetadataValue>

/** Pinecone's filter language: `{field: value}`, `$eq $ne $gt $gte $lt $lte $in $nin $exists`, `$and`, `$or`. */
export type MetadataFilter = Record<string, unknown>

export interface IndexRecord {
  readonly id: string
  readonly dense?: readonly number[]
  readonly sparse?: SparseVector
  readonly metadata: Metadata
}

export interface IndexQuery {
  readonly namespace: string
  readonly dense?: readonly number[]
  readonly sparse?: SparseVector
  readonly filter?: MetadataFilter
  readonly topK: number
}

export interface IndexMatch {
  readonly id: string
  readonly score: number
  readonly metadata: Metadata
}
