import type { CollectionSummary } from './collections.js'
import type { ChunkRecord, DocumentMeta, DocumentSummary } from './documents.js'
import type { StatementFact } from './facts/statement-facts.js'

/**
 * The document store port: versions, chunks and search. The embedded default keeps everything in one
 * SQLite file; the scale-out store keeps vectors in Pinecone and the registry in PostgreSQL. Every
 * implementation passes tests/contracts/corpus-contract.ts.
 *
 * Visibility rule: a search sees exactly one version per document — the active one. `commitVersion`
 * makes a new version active and removes the previous one so that a concurrent reader sees the old
 * version or the new one, never both, never neither.
 */
export interface Corpus {
  /** e.g. "sqlite", "pinecone+postgres" */
  readonly kind: string
  /** problems a quick integrity check of the local store finds (none: sound); stores without one omit it */
  checkIntegrity?(): Promise<readonly string[]>

  /** `id` is a document key (see collections.ts): the bare id in the default collection, `collection/id` elsewhere */
  getDocument(id: string): Promise<DocumentSummary | undefined>
  /** every document, or those of the given collections */
  listDocuments(collections?: readonly string[]): Promise<DocumentSummary[]>

  /** collections that hold documents or were created empty, by name */
  listCollections(): Promise<CollectionSummary[]>
  /** records an empty collection; false when it already exists (a first commit into one creates it too) */
  createCollection(name: string): Promise<boolean>
  /**
   * Removes a collection. Refuses (`collection_not_empty`) while it holds documents unless `force`, and
   * then deletes them all with it or, on failure, none. Resolves the deleted document keys, or undefined
   * when the collection did not exist.
   */
  deleteCollection(name: string, options?: { readonly force?: boolean }): Promise<readonly string[] | undefined>

  /**
   * Writes a version and makes it active. `fingerprint` covers everything that shapes the chunks and
   * vectors (source sha256, chunker version, embedding model): when it equals the active version's,
   * nothing is written and the result is `unchanged`.
   */
  commitVersion(input: CommitInput): Promise<CommitResult>

  /** Removes a document and all its versions. Resolves false when there was none. */
  deleteDocument(id: string): Promise<boolean>

  /** BM25 over the indexed text (header + chunk text) of active versions. */
  keywordSearch(query: KeywordQuery): Promise<ChunkHit[]>

  /** Nearest neighbours among active versions; empty when the store holds no vectors. */
  vectorSearch(query: VectorQuery): Promise<ChunkHit[]>

  /**
   * Optional: dense and BM25 scored together in one query, `alpha`·dense + (1 − alpha)·sparse, where the
   * store keeps both in one index (Pinecone dotproduct). Stores without it leave fusion to the retriever.
   */
  hybridSearch?(query: HybridQuery): Promise<ChunkHit[]>

  /**
   * Optional: a token that changes whenever what searches see changes (a version committed, a document
   * deleted), as current as the searches themselves and cheap enough to ask on every question. Caches of
   * search results compare it; stores without it are compared by their document list.
   */
  revision?(): Promise<string>

  /**
   * Optional: the statement facts of the document's active version, in page then table order (one page
   * when `page` is given). Written with the version's chunks in the same transaction, dropped with them.
   */
  facts?(documentId: string, options?: { readonly page?: number }): Promise<StatementFact[]>

  /** Chunks by position in the active version, for neighbour expansion; missing ordinals are skipped. */
  getChunks(documentId: string, ordinals: readonly number[]): Promise<ChunkHit[]>

  /**
   * Optional: replaces the vectors of a document's active version (one per chunk, in ordinal order) with
   * ones from another model, without a new version. Resolves false when `version` is no longer active.
   */
  replaceEmbeddings?(input: ReplaceEmbeddingsInput): Promise<boolean>

  /** Vectors already stored for these chunk hashes under this model (the embedding cache). */
  cachedEmbeddings(model: string, hashes: readonly string[]): Promise<Map<string, Float32Array>>

  close(): Promise<void>
}

export interface CommitInput {
  readonly documentId: string
  readonly sha256: string
  readonly fingerprint: string
  readonly sourceName: string
  /**
   * The id was derived from `sourceName`: refuse with `document_id_conflict` when the document, or a
   * version of it being staged, holds another source (two files that spell to one id, even when they
   * arrive at once). Absent: the caller chose the id, and the commit replaces whatever it holds.
   */
  readonly sourceBound?: boolean
  readonly meta: DocumentMeta
  readonly pages: number
  readonly chunks: readonly ChunkRecord[]
  /** typed statement facts of this version (see `statementFacts`) */
  readonly facts?: readonly StatementFact[]
  /** one vector per chunk, same order, when an embedding model is configured */
  readonly embeddings?: { readonly model: string; readonly vectors: readonly Float32Array[] }
}

export interface ReplaceEmbeddingsInput {
  readonly documentId: string
  readonly version: number
  readonly model: string
  readonly vectors: readonly Float32Array[]
  /** chunk hashes, same order, for the embedding cache */
  readonly hashes: readonly string[]
}

export interface CommitResult {
  readonly documentId: string
  readonly version: number
  readonly status: 'ingested' | 'unchanged'
  /** the version this one replaced, if any */
  readonly replaced?: number
}

export interface SearchFilter {
  /** the collections searched (a caller's scope); absent: all */
  readonly collections?: readonly string[]
  readonly documentIds?: readonly string[]
  readonly company?: readonly string[]
  readonly fiscalYear?: readonly number[]
  readonly docType?: readonly string[]
}

export interface KeywordQuery {
  /** terms are OR-ed and ranked by BM25; each is a word or a quoted phrase's words */
  readonly terms: readonly string[]
  /** phrases (each a list of words) that must appear adjacent; OR-ed with terms */
  readonly phrases?: readonly (readonly string[])[]
  readonly filter?: SearchFilter
  readonly limit: number
}

export interface VectorQuery {
  readonly vector: Float32Array
  readonly model: string
  readonly filter?: SearchFilter
  readonly limit: number
}

export interface HybridQuery extends KeywordQuery {
  readonly vector: Float32Array
  readonly model: string
  /** weight of the dense part, 0..1 (0: BM25 only, 1: dense only); the store's default when omitted */
  readonly alpha?: number
}

export interface ChunkHit {
  readonly documentId: string
  readonly version: number
  readonly chunk: ChunkRecord
  readonly meta: DocumentMeta
  /** higher is better; only comparable within one result list */
  readonly score: number
}
