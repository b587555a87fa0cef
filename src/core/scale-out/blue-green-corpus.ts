import { setTimeout as sleep } from 'node:timers/promises'
import { AppError } from '../../errors.js'
import type { Logger } from '../../logger.js'
import { DEFAULT_COLLECTION, collectionOf } from '../collections.js'
import type { ChunkHit, CommitInput, CommitResult, Corpus, HybridQuery, KeywordQuery, SearchFilter, VectorQuery } from '../corpus.js'
import { buildFilter, buildRecords, keyFromMetadata, versionPrefix } from './index-records.js'
import { chunkKey, type ChunkKey, type CorpusCatalog, type VersionRef } from '../catalog.js'
import {
  averageLength,
  cachedStemmer,
  encodeDocument,
  encodeQuery,
  queryTermHashes,
  statsDelta,
  type FieldWeights,
  type SparseVector,
} from '../sparse/bm25-encoder.js'
import { matchesKeywordQuery } from '../sparse/phrase-match.js'
import { CacheRegistry } from '../bounded-cache.js'
import type { VectorIndex } from '../vector-index.js'

export interface BlueGreenCorpusOptions {
  readonly catalog: CorpusCatalog
  readonly index: VectorIndex
  /** the default collection's namespace; collection `c` lives in `<namespace>__c` */
  readonly namespace: string
  readonly logger: Logger
  /** how often and how long to poll until new vectors are queryable (or deleted ones gone) */
  readonly pollMs?: number
  readonly visibilityTimeoutMs?: number
  /**
   * how long a replaced version's vectors stay after the flip, so a search that read the old active
   * version just before the flip still finds its vectors
   */
  readonly retireGraceMs?: number
  /** default dense weight of hybridSearch */
  readonly alpha?: number
  /** bytes of chunk text copied into each record's metadata */
  readonly metadataTextBytes?: number
  /** a staged version older than this lost its ingest (a crashed replica): the start-up sweep drops it */
  readonly staleStagedMs?: number
  /** BM25 weight of the contextual header vs the chunk text; the SQLite store's defaults */
  readonly bm25Weights?: FieldWeights
  /** where its stem cache is created (`bm25.stems`); a private registry when absent */
  readonly caches?: CacheRegistry
}

// Pinecone caps a sparse vector at 2048 non-zeros; chunks are token-budgeted far below, but a table of
// numbers can still be long, so the weakest terms are dropped first.
const MAX_SPARSE = 2048

/**
 * The scale-out Corpus: chunk texts, versions and BM25 statistics in a catalog (PostgreSQL or SQLite),
 * dense + sparse vectors in a remote index (Pinecone), re-ingestion blue/green:
 * stage the version in the catalog → upsert its vectors → poll until all are queryable → flip the active
 * version (one catalog transaction) → after a grace period delete the old version by id prefix, poll
 * until gone, purge it from the catalog. Searches pin documents that are mid-change to their active
 * version, and keep one version per document, so a reader sees the old version or the new, never both,
 * never neither.
 */
export function createBlueGreenCorpus(options: BlueGreenCorpusOptions): Corpus & { settle(): Promise<void> } {
  const { catalog, index, logger } = options
  const stem = cachedStemmer((options.caches ?? new CacheRegistry()).create('bm25.stems'))
  /** one namespace per collection: a search reads only the namespaces of the collections it may see */
  const namespaceOf = (collection: string): string =>
    collection === DEFAULT_COLLECTION ? options.namespace : `${options.namespace}__${collection}`
  const nsOfDocument = (documentId: string): string => namespaceOf(collectionOf(documentId))
  const pollMs = options.pollMs ?? 250
  const visibilityTimeoutMs = options.visibilityTimeoutMs ?? 120_000
  const graceMs = options.retireGraceMs ?? 5_000
  const defaultAlpha = options.alpha ?? 0.5
  const textBytes = Math.min(options.metadataTextBytes ?? 4096, index.maxMetadataBytes - 4096)
  const background = new Set<Promise<void>>()
  // aborted by close(): pending grace periods end and their cleanup is left to the next sweep
  const wake = new AbortController()

  async function waitUntil(what: string, done: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + visibilityTimeoutMs
    while (!(await done())) {
      if (Date.now() > deadline) {
        throw new AppError(
          'vector_store_lagging',
          `the vector index did not show ${what} within ${visibilityTimeoutMs} ms; retry the ingest`,
          {
            status: 503,
            retryable: true,
            retryAfter: 30,
          },
        )
      }
      await sleep(pollMs)
    }
  }

  async function waitVisible(namespace: string, ids: readonly string[]): Promise<void> {
    let missing = [...ids]
    await waitUntil(`${ids.length} new records`, async () => {
      const found = await index.fetchExisting(namespace, missing)
      missing = missing.filter((id) => !found.has(id))
      return missing.length === 0
    })
  }

  async function deleteVersionVectors(ref: VersionRef): Promise<void> {
    const namespace = nsOfDocument(ref.documentId)
    const prefix = versionPrefix(ref.documentId, ref.version)
    const ids = await index.listIds(namespace, prefix)
    if (ids.length > 0) await index.deleteIds(namespace, ids)
    await waitUntil(`deletion of ${ref.documentId} v${ref.version}`, async () => (await index.listIds(namespace, prefix)).length === 0)
  }

  async function purge(refs: readonly VersionRef[]): Promise<void> {
    for (const ref of refs) {
      await deleteVersionVectors(ref)
      await catalog.purgeVersion(ref.documentId, ref.version)
      logger.info({ documentId: ref.documentId, version: ref.version }, 'retired version purged from the vector index')
    }
  }

  /**
   * Runs cleanup later (after the grace period) without making the caller wait. close() waits for running
   * cleanup and drops what has not started: the next start-up sweep (any replica's) picks it up.
   */
  function later(delayMs: number, what: string, fn: () => Promise<void>): void {
    const p = (async () => {
      if (delayMs > 0) await sleep(delayMs, undefined, { signal: wake.signal }).catch(() => undefined)
      if (!wake.signal.aborted) await fn()
    })()
      .catch((err: unknown) => logger.warn({ err, what }, 'vector index cleanup failed; it is retried by the next sweep'))
      .finally(() => background.delete(p))
    background.add(p)
  }

  function sparseFor(chunks: readonly { header: string; text: string }[], avgdl: number): SparseVector[] {
    return chunks.map((c) => {
      const v = encodeDocument(c, avgdl, options.bm25Weights, undefined, stem)
      if (v.indices.length <= MAX_SPARSE) return v
      const keep = v.indices
        .map((ix, i) => [ix, v.values[i]!] as const)
        .sort((a, b) => b[1] - a[1])
        .slice(0, MAX_SPARSE)
        .sort((a, b) => a[0] - b[0])
      return { indices: keep.map(([ix]) => ix), values: keep.map(([, w]) => w) }
    })
  }

  /** whether records carry dense values: always on a dense index (a placeholder when there are no embeddings) */
  function checkEmbeddings(input: CommitInput): boolean {
    if (index.dimension === undefined) return false
    if (input.embeddings === undefined) return true
    const bad = input.embeddings.vectors.find((v) => v.length !== index.dimension)
    if (bad !== undefined) {
      throw new AppError(
        'embedding_dimension_mismatch',
        `embeddings have ${bad.length} dimensions but the vector index has ${index.dimension}; use a matching model or index`,
        { status: 500 },
      )
    }
    return true
  }

  /**
   * The namespaces a search reads: those of the filter's collections, narrowed to the collections of the
   * documents it names (routing), or every collection's when the filter names neither.
   */
  async function namespacesFor(filter: SearchFilter | undefined): Promise<string[]> {
    let collections =
      filter?.collections ?? (filter?.documentIds?.length ? undefined : (await catalog.listCollections()).map((c) => c.name))
    if (filter?.documentIds !== undefined && filter.documentIds.length > 0) {
      const named = new Set(filter.documentIds.map(collectionOf))
      collections = collections === undefined ? [...named] : collections.filter((c) => named.has(c))
    }
    return (collections ?? []).map(namespaceOf)
  }

  /** Index query → hits: one version per document, pinned versions enforced, texts from the catalog. */
  async function search(
    filter: SearchFilter | undefined,
    build: (unsettled: Map<string, number | null>) => Omit<Parameters<VectorIndex['query']>[0], 'namespace'> | undefined,
    limit: number,
    accept: (hit: ChunkHit) => boolean = () => true,
  ): Promise<ChunkHit[]> {
    if (limit <= 0) return []
    const [unsettled, namespaces] = await Promise.all([catalog.unsettledDocuments(), namespacesFor(filter)])
    const request = build(unsettled)
    if (request === undefined || namespaces.length === 0) return []
    // collections share one index, so scores from their namespaces compare: merge by score
    const perNamespace = await Promise.all(namespaces.map((namespace) => index.query({ ...request, namespace })))
    const matches = perNamespace.length === 1 ? (perNamespace[0] ?? []) : perNamespace.flat().sort((a, b) => b.score - a.score)
    const lowest = new Map<string, number>()
    const keyed: { key: ChunkKey; score: number }[] = []
    for (const m of matches) {
      const key = keyFromMetadata(m.metadata)
      if (key === undefined) continue
      const pinned = unsettled.get(key.documentId)
      if (pinned !== undefined && pinned !== key.version) continue
      lowest.set(key.documentId, Math.min(lowest.get(key.documentId) ?? Infinity, key.version))
      keyed.push({ key, score: m.score })
    }
    // A document that became unsettled after the snapshot may show a newer, not yet active version too:
    // the lower one was active when the search began.
    const kept = keyed.filter(({ key }) => lowest.get(key.documentId) === key.version)
    const stored = await catalog.chunksAt(kept.map((k) => k.key))
    return kept
      .flatMap(({ key, score }): ChunkHit[] => {
        const s = stored.get(chunkKey(key))
        return s === undefined ? [] : [{ documentId: s.documentId, version: s.version, chunk: s.chunk, meta: s.meta, score }]
      })
      .filter(accept)
      .slice(0, limit)
  }

  async function querySparse(query: KeywordQuery): Promise<SparseVector | undefined> {
    const words = [...query.terms, ...(query.phrases ?? []).flat()]
    const stats = await catalog.bm25Stats(queryTermHashes(words, stem))
    const sparse = encodeQuery(words, stats, stem)
    return sparse.indices.length === 0 ? undefined : sparse
  }

  // Over-fetch so that hits dropped for version pinning do not leave a short page.
  const topK = (limit: number): number => Math.min(10_000, limit * 2 + 10)

  const scale = (v: SparseVector, w: number): SparseVector => ({ indices: v.indices, values: v.values.map((x) => x * w) })

  async function keywordSearch(query: KeywordQuery): Promise<ChunkHit[]> {
    const sparse = await querySparse(query)
    if (sparse === undefined) return []
    const phrases = query.phrases ?? []
    return search(
      query.filter,
      (unsettled) => ({
        sparse,
        // a dense index insists on a dense query vector; zeros leave the ranking to BM25
        ...(index.dimension === undefined ? {} : { dense: new Array<number>(index.dimension).fill(0) }),
        ...withFilter(buildFilter(query.filter, unsettled)),
        topK: topK(query.limit) + (phrases.length > 0 ? query.limit * 4 : 0),
      }),
      query.limit,
      // A dense index returns its top K whatever they score: with a zero dense query, score 0 means no term matched.
      (hit) => hit.score > 0 && (phrases.length === 0 || matchesKeywordQuery(hit.chunk, query.terms, phrases, stem)),
    )
  }

  /** Start-up cleanup of what crashed replicas left: retired versions' vectors, and dead staged versions. */
  function sweep(): void {
    // after one grace period, so a version another replica retired a moment ago keeps its readers
    later(graceMs, 'sweep', async () => {
      await purge(await catalog.retiredVersions())
      for (const ref of await catalog.staleStagedVersions(options.staleStagedMs ?? 3_600_000)) {
        await deleteVersionVectors(ref)
        await catalog.abandonVersion(ref.documentId, ref.version)
        logger.info({ documentId: ref.documentId, version: ref.version }, 'abandoned a staged version left by a dead ingest')
      }
    })
  }
  sweep()

  return {
    kind: `${index.kind}+${catalog.kind}`,

    getDocument: (id) => catalog.getDocument(id),
    listDocuments: (collections) => catalog.listDocuments(collections),
    revision: () => catalog.revision(),
    listCollections: () => catalog.listCollections(),
    createCollection: (name) => catalog.createCollection(name),

    async deleteCollection(name, opts) {
      const retired = await catalog.retireCollection(name, opts?.force === true)
      if (retired === undefined) return undefined
      // the catalog already hides them (one transaction); vectors follow, then the namespace itself
      for (const id of retired) await purge(await catalog.retiredVersions(id))
      await index.deleteNamespace(namespaceOf(name))
      return retired
    },

    async commitVersion(input): Promise<CommitResult> {
      const dense = checkEmbeddings(input)
      const delta = statsDelta(input.chunks, 1, stem)
      const staged = await catalog.stageVersion(input, delta)
      if (staged.status === 'unchanged') return { documentId: input.documentId, version: staged.version, status: 'unchanged' }
      const { version } = staged
      try {
        const totals = await catalog.bm25Stats([])
        const avgdl = averageLength({ documents: totals.documents + delta.documents, totalLength: totals.totalLength + delta.totalLength })
        const records = buildRecords(input, version, sparseFor(input.chunks, avgdl), {
          denseDims: dense ? index.dimension : undefined,
          textBytes,
        })
          // a sparse-only index cannot hold a record without terms; such a chunk could never match anyway
          .filter((r) => r.dense !== undefined || (r.sparse?.indices.length ?? 0) > 0)
        if (input.embeddings !== undefined) {
          const { model, vectors } = input.embeddings
          await catalog.cacheEmbeddings(
            model,
            input.chunks.map((c, i) => [c.hash, vectors[i]!] as const),
          )
        }
        const namespace = nsOfDocument(input.documentId)
        await index.upsert(namespace, records)
        await waitVisible(
          namespace,
          records.map((r) => r.id),
        )
      } catch (err) {
        await deleteVersionVectors({ documentId: input.documentId, version })
          .then(() => catalog.abandonVersion(input.documentId, version))
          .catch((cleanupErr: unknown) =>
            logger.warn(
              { err: cleanupErr, documentId: input.documentId, version },
              'could not abandon a failed version; the next sweep retries',
            ),
          )
        throw err
      }
      const flip = await catalog.activateVersion(input.documentId, version)
      logger.info({ documentId: input.documentId, version, replaced: flip.replaced, superseded: flip.superseded }, 'version active')
      const retired = await catalog.retiredVersions(input.documentId)
      if (retired.length > 0) later(graceMs, `retire ${input.documentId}`, () => purge(retired))
      return {
        documentId: input.documentId,
        version,
        status: 'ingested',
        ...(flip.replaced === undefined ? {} : { replaced: flip.replaced }),
      }
    },

    async deleteDocument(id) {
      if (!(await catalog.retireDocument(id))) return false
      // Deleted documents leave searches at once (their versions are all unpinned), so no grace is needed.
      await purge(await catalog.retiredVersions(id))
      return true
    },

    keywordSearch,

    async vectorSearch(query: VectorQuery) {
      if (index.dimension === undefined || query.vector.length !== index.dimension) return []
      return search(
        query.filter,
        (unsettled) => ({
          dense: Array.from(query.vector),
          ...withFilter(buildFilter(query.filter, unsettled, query.model)),
          topK: topK(query.limit),
        }),
        query.limit,
      )
    },

    async hybridSearch(query: HybridQuery) {
      const alpha = Math.min(1, Math.max(0, query.alpha ?? defaultAlpha))
      if (index.dimension === undefined || query.vector.length !== index.dimension) return keywordSearch(query)
      const sparse = await querySparse(query)
      return search(
        query.filter,
        (unsettled) => ({
          dense: Array.from(query.vector, (x) => x * alpha),
          ...(sparse === undefined ? {} : { sparse: scale(sparse, 1 - alpha) }),
          ...withFilter(buildFilter(query.filter, unsettled, query.model)),
          topK: topK(query.limit),
        }),
        query.limit,
      )
    },

    async getChunks(documentId, ordinals) {
      const stored = await catalog.activeChunks(documentId, ordinals)
      return stored.map((s) => ({ documentId: s.documentId, version: s.version, chunk: s.chunk, meta: s.meta, score: 0 }))
    },

    cachedEmbeddings: (model, hashes) => catalog.cachedEmbeddings(model, hashes),

    facts: (documentId, options = {}) => catalog.activeFacts(documentId, options.page),

    /** Waits for background cleanup (tests, shutdown). */
    async settle() {
      while (background.size > 0) await Promise.all([...background])
    },

    async close() {
      wake.abort()
      while (background.size > 0) await Promise.all([...background])
      await catalog.close()
    },
  }
}

function withFilter(filter: ReturnType<typeof buildFilter>): { filter?: NonNullable<ReturnType<typeof buildFilter>> } {
  return filter === undefined ? {} : { filter }
}
