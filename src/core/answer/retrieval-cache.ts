import type { Corpus } from '../corpus.js'
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
  /** entries kept, least recently used dropped first; 0 turns the cache off */
  readonly maxEntries: number
  /** characters of source text kept over all entries (default 32 M, about 64 MB) */
  readonly maxChars?: number
}

export interface CachedRetriever extends Retriever {
  /** lookups answered from memory and computed, since start */
  readonly stats: { hits: number; misses: number }
}

interface Entry {
  readonly retrieval: Retrieval
  readonly chars: number
}

export function createCachedRetriever(
  inner: Retriever,
  corpus: Pick<Corpus, 'listDocuments' | 'revision'>,
  options: RetrievalCacheOptions,
): CachedRetriever {
  const maxChars = options.maxChars ?? 32_000_000
  const entries = new Map<string, Entry>()
  const stats = { hits: 0, misses: 0 }
  let chars = 0
  /** the revision every entry was computed under */
  let current: string | undefined

  const revision = async (): Promise<string> => {
    if (corpus.revision !== undefined) return corpus.revision()
    const docs = await corpus.listDocuments()
    return docs.map((d) => `${d.id}\u0000${d.activeVersion}\u0000${d.updatedAt}`).join('\u0001')
  }

  const store = (key: string, entry: Entry): void => {
    if (entry.chars > maxChars) return
    entries.set(key, entry)
    chars += entry.chars
    for (const [k, e] of entries) {
      if (entries.size <= options.maxEntries && chars <= maxChars) break
      entries.delete(k)
      chars -= e.chars
    }
  }

  return {
    stats,
    async retrieve(question: string, request: RetrieveOptions = {}): Promise<Retrieval> {
      if (options.maxEntries <= 0) return inner.retrieve(question, request)
      const now = await revision()
      if (now !== current) {
        entries.clear()
        chars = 0
        current = now
      }
      const key = cacheKey(question, request)
      const hit = entries.get(key)
      if (hit !== undefined) {
        // Map order is insertion order: re-inserting marks the entry most recently used.
        entries.delete(key)
        entries.set(key, hit)
        stats.hits++
        return hit.retrieval
      }
      stats.misses++
      const retrieval = await inner.retrieve(question, request)
      // computed under `now`: stored only if no question has seen a newer revision meanwhile
      if (current === now) store(key, { retrieval, chars: retrieval.sources.reduce((n, s) => n + s.text.length, 0) })
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
