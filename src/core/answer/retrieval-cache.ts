import type { Corpus } from '../corpus.js'
import type { Retrieval, RetrieveOptions, Retriever } from '../retrieval/retriever.js'

/**
 * Retrievals remembered per corpus state. A question asked again (a chat frontend's suggested questions,
 * a retry, the same report asked about by many people) on an unchanged corpus has the same sources, so
 * they are computed once. What makes an entry stale:
 * - a version committed or a document deleted through this process: `invalidate()` (see {@link watchCorpus}),
 *   effective for the next question;
 * - a change made by another process (a `ragtune ingest`, a queue worker): the corpus' document list is
 *   compared at most every `recheckMs`, so such a change is seen within that bound — the same order as
 *   document routing, which re-reads that list every second.
 * A retrieval that started before a change is never stored after it.
 */
export interface RetrievalCacheOptions {
  /** entries kept, least recently used dropped first; 0 turns the cache off */
  readonly maxEntries: number
  /** characters of source text kept over all entries (default 32 M, about 64 MB) */
  readonly maxChars?: number
  /** how often the corpus' document list is compared, ms (default 250) */
  readonly recheckMs?: number
}

export interface CachedRetriever extends Retriever {
  /** drops every entry: the corpus changed (a plain function, safe to pass around) */
  readonly invalidate: () => void
  /** lookups answered from memory and computed, since start */
  readonly stats: { hits: number; misses: number }
}

interface Entry {
  readonly retrieval: Retrieval
  readonly chars: number
}

export function createCachedRetriever(
  inner: Retriever,
  corpus: Pick<Corpus, 'listDocuments'>,
  options: RetrievalCacheOptions,
): CachedRetriever {
  const maxChars = options.maxChars ?? 32_000_000
  const recheckMs = options.recheckMs ?? 250
  const entries = new Map<string, Entry>()
  const stats = { hits: 0, misses: 0 }
  let chars = 0
  /** bumped by every invalidation; a retrieval is stored only if it did not move meanwhile */
  let generation = 0
  let stamp: string | undefined
  let checkedAt = Number.NEGATIVE_INFINITY
  let checking: Promise<void> | undefined

  const invalidate = (): void => {
    generation++
    entries.clear()
    chars = 0
  }

  /** Compares the document list when the last comparison is older than `recheckMs` (one at a time). */
  const recheck = (): Promise<void> | undefined => {
    if (performance.now() - checkedAt < recheckMs) return undefined
    checking ??= (async () => {
      try {
        const docs = await corpus.listDocuments()
        const now = docs.map((d) => `${d.id}\u0000${d.activeVersion}\u0000${d.updatedAt}`).join('\u0001')
        if (stamp !== undefined && now !== stamp) invalidate()
        stamp = now
        checkedAt = performance.now()
      } finally {
        checking = undefined
      }
    })()
    return checking
  }

  const store = (key: string, retrieval: Retrieval): void => {
    const size = retrieval.sources.reduce((n, s) => n + s.text.length, 0)
    if (size > maxChars) return
    entries.set(key, { retrieval, chars: size })
    chars += size
    for (const [k, e] of entries) {
      if (entries.size <= options.maxEntries && chars <= maxChars) break
      entries.delete(k)
      chars -= e.chars
    }
  }

  return {
    stats,
    invalidate,
    async retrieve(question: string, request: RetrieveOptions = {}): Promise<Retrieval> {
      if (options.maxEntries <= 0) return inner.retrieve(question, request)
      const pending = recheck()
      if (pending !== undefined) await pending
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
      const before = generation
      const retrieval = await inner.retrieve(question, request)
      if (generation === before) store(key, retrieval)
      return retrieval
    },
  }
}

/** Everything that shapes a retrieval: the question as asked, the filter, the number of sources. */
function cacheKey(question: string, request: RetrieveOptions): string {
  const f = request.filter
  const filter = f === undefined ? '' : JSON.stringify([f.documentIds, f.company, f.fiscalYear, f.docType])
  return `${request.topK ?? ''}\u0000${filter}\u0000${question.trim()}`
}

/**
 * The corpus with `onChange` called after each commit or delete made through it, for caches that must
 * not serve what this process just replaced. Everything else is the corpus itself.
 */
export function watchCorpus<C extends Corpus>(corpus: C, onChange: () => void): C {
  return new Proxy(corpus, {
    get(target, prop, receiver) {
      if (prop === 'commitVersion') {
        return async (...args: Parameters<Corpus['commitVersion']>) => {
          try {
            return await target.commitVersion(...args)
          } finally {
            onChange()
          }
        }
      }
      if (prop === 'deleteDocument') {
        return async (id: string) => {
          try {
            return await target.deleteDocument(id)
          } finally {
            onChange()
          }
        }
      }
      const value: unknown = Reflect.get(target, prop, receiver)
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
    },
  })
}
