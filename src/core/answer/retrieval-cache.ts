import type { Corpus } from '../corpus.js'
import { CacheRegistry } from '../bounded-cache.js'
import type { Retrieval, RetrieveOptions, Retriever } from '../retrieval/retriever.js'

/**
 * Retrievals remembered per corpus state. A question asked again (a chat frontend's suggested questions,
 * a retry, the same report asked about by many people) on an unchanged corpus has the same sources, so
 * they are computed once. Before every lookup the corpus is asked for its revision (`Corpus.revision`,
 * or else its document list): an entry is served only under the revision it was computed under, so a
 * cached answer is exactly as current as a search would be — a version committed or a document deleted
 * by this process or any other is never served around.
 */
export interface RetrievalCacheOptions {
  /** where the cache is created and seen (its limit: the `retrieval` entry of CACHE_LIMITS) */
  readonly caches?: CacheRegistry
  /** entries kept, least recently used dropped first, instead of the configured limit; 0 turns the cache off */
  readonly maxEntries?: number
  /** characters of source text kept over all entries (default 32 M, about 64 MB) */
  readonly maxChars?: number
}

export interface CachedRetriever extends Retriever {
  /** lookups answered from memory and computed, since start */
  readonly stats: { readonly hits: number; readonly misses: number }
}

export function createCachedRetriever(
  inner: Retriever,
  corpus: Pick<Corpus, 'listDocuments' | 'revision'>,
  options: RetrievalCacheOptions,
): CachedRetriever {
  const entries = (options.caches ?? new CacheRegistry()).create<string, Retrieval>('retrieval', {
    ...(options.maxEntries === undefined ? {} : { maxEntries: options.maxEntries }),
    maxSize: options.maxChars ?? 32_000_000,
    sizeOf: (r) => r.sources.reduce((n, s) => n + s.text.length, 0),
  })
  /** the revision every entry was computed under */
  let current: string | undefined

  const revision = async (): Promise<string> => {
    if (corpus.revision !== undefined) return corpus.revision()
    const docs = await corpus.listDocuments()
    return docs.map((d) => `${d.id}\u0000${d.activeVersion}\u0000${d.updatedAt}`).join('\u0001')
  }

  return {
    get stats() {
      const s = entries.stats()
      return { hits: s.hits, misses: s.misses }
    },
    async retrieve(question: string, request: RetrieveOptions = {}): Promise<Retrieval> {
      if (entries.limit <= 0) return inner.retrieve(question, request)
      const now = await revision()
      if (now !== current) {
        entries.clear()
        current = now
      }
      const key = cacheKey(question, request)
      const hit = entries.get(key)
      if (hit !== undefined) return hit
      const retrieval = await inner.retrieve(question, request)
      // computed under `now`: stored only if no question has seen a newer revision meanwhile
      if (current === now) entries.set(key, retrieval)
      return retrieval
    },
  }
}

/** Everything that shapes a retrieval: the question as asked, the collections, the filter, the number of sources. */
function cacheKey(question: string, request: RetrieveOptions): string {
  const f = request.filter
  const filter = f === undefined ? '' : JSON.stringify([f.documentIds, f.company, f.fiscalYear, f.docType, f.collections])
  // the same question from callers with different collections has different sources
  const collections = request.collections === undefined ? '*' : request.collections.join(',')
  return `${request.topK ?? ''}\u0000${collections}\u0000${filter}\u0000${question.trim()}`
}
