import type { CollectionSummary } from './collections.js'
import type { CommitInput } from './corpus.js'
import type { StatementFact } from './facts/statement-facts.js'
import type { ChunkRecord, DocumentMeta, DocumentSummary } from './documents.js'
import type { Bm25Delta, Bm25Stats } from './sparse/bm25-encoder.js'

/**
 * The corpus catalog: what the scale-out store keeps outside the vector index — documents, their
 * versions and chunk texts, the active-version pointer, BM25 statistics and the embedding cache.
 * SQLite (embedded) and PostgreSQL (several replicas) implement it; the vector index holds only vectors
 * and filterable metadata.
 *
 * A version moves staged → active → retired → purged. Only a staged version's vectors may be missing
 * from the index, and only a retired one's may linger; a document with either is "unsettled", and
 * searches pin it to its active version explicitly (see BlueGreenCorpus).
 */
export interface CorpusCatalog {
  /** "sqlite" | "postgres" */
  readonly kind: string

  getDocument(id: string): Promise<DocumentSummary | undefined>
  /** every document, or those of the given collections */
  listDocuments(collections?: readonly string[]): Promise<DocumentSummary[]>
  /** as Corpus.listCollections */
  listCollections(): Promise<CollectionSummary[]>
  createCollection(name: string): Promise<boolean>
  /**
   * One transaction: the collection goes and so do its documents (retired, as retireDocument does) —
   * refused with `collection_not_empty` while it holds any, unless `force`. Resolves the retired document
   * keys, or undefined when there was no such collection.
   */
  retireCollection(name: string, force: boolean): Promise<readonly string[] | undefined>
  /** Each listed document's id and active version in one string: it moves with every activation or retirement. */
  revision(): Promise<string>

  /**
   * Records the next version of a document as staged, with its chunks and its BM25 contribution.
   * Resolves `unchanged` (nothing written) when `fingerprint` equals the active version's.
   */
  stageVersion(input: CommitInput, bm25: Bm25Delta): Promise<StageResult>

  /**
   * One transaction: the staged version becomes active, the previous active one retired, BM25 statistics
   * move from the old chunks to the new, and the document summary follows. A version older than the
   * active one (a slower concurrent ingest) is retired instead and `superseded` is true.
   */
  activateVersion(documentId: string, version: number): Promise<{ readonly replaced?: number; readonly superseded: boolean }>

  /** Drops a staged version that never became active (its vectors must already be gone). */
  abandonVersion(documentId: string, version: number): Promise<void>

  /** One transaction: the document disappears from listings and search statistics; its versions are retired. */
  retireDocument(documentId: string): Promise<boolean>

  /** Versions whose vectors may linger in the index, oldest first. */
  retiredVersions(documentId?: string): Promise<VersionRef[]>

  /** Staged versions older than this: their ingest died between staging and the flip. */
  staleStagedVersions(olderThanMs: number): Promise<VersionRef[]>

  /** Forgets a retired version and its chunks, once its vectors are confirmed gone. */
  purgeVersion(documentId: string, version: number): Promise<void>

  /** Documents with a staged or retired version, mapped to their active version (null: none yet / deleted). */
  unsettledDocuments(): Promise<Map<string, number | null>>

  /** Chunks by exact (document, version, ordinal) — any state but purged — with their document meta. */
  chunksAt(keys: readonly ChunkKey[]): Promise<Map<string, StoredChunk>>

  /** Chunks of the active version by ordinal. */
  activeChunks(documentId: string, ordinals: readonly number[]): Promise<StoredChunk[]>

  /** Statement facts of the active version (staged with its chunks by `stageVersion`), one page or all. */
  activeFacts(documentId: string, page?: number): Promise<StatementFact[]>

  /** BM25 corpus size and the document frequencies of the given term hashes only. */
  bm25Stats(termHashes: readonly number[]): Promise<Bm25Stats>

  cachedEmbeddings(model: string, hashes: readonly string[]): Promise<Map<string, Float32Array>>
  cacheEmbeddings(model: string, entries: readonly (readonly [string, Float32Array])[]): Promise<void>

  close(): Promise<void>
}

export type StageResult =
  { readonly status: 'unchanged'; readonly version: number } | { readonly status: 'staged'; readonly version: number }

export interface VersionRef {
  readonly documentId: string
  readonly version: number
}

export interface ChunkKey extends VersionRef {
  readonly ordinal: number
}

export interface StoredChunk extends ChunkKey {
  readonly chunk: ChunkRecord
  readonly meta: DocumentMeta
}

export function chunkKey(k: ChunkKey): string {
  return `${k.documentId}\u0000${k.version}\u0000${k.ordinal}`
}
