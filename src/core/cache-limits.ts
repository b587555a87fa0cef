/**
 * Every in-memory cache of the service, its default entry limit and what it saves: the one place limits
 * are set. Each is a `BoundedCache` created by the object that uses it (named here as its owner), evicts
 * the least recently used entry, and is served in `/metrics` as `ragtune_cache_*{cache="<name>"}`.
 * Override any limit with RAGTUNE_CACHE_LIMITS=name=n,name=n (0 turns that cache off);
 * RAGTUNE_RETRIEVAL_CACHE sets `retrieval`. Whether a cache earns its place is measured by bench/ask.ts
 * (repeated questions) and bench/scale/run.ts (uncached retrieval).
 */
export const CACHE_LIMITS = {
  /** CachedRetriever: whole retrievals of repeated questions, per corpus revision (also ≤ 32 M source characters) */
  retrieval: { entries: 1000 },
  /** hybrid retriever: which financial statement a chunk is on, by chunk hash */
  'retrieval.statements': { entries: 20_000 },
  /** hybrid retriever: the words of a lexicon line */
  'retrieval.lexicon-words': { entries: 10_000 },
  /** document router: routing tables narrowed to a caller's collections */
  'retrieval.scoped-tables': { entries: 1000 },
  /** answerer (extractive): a source page split into sentences and indexed by word */
  'answer.pages': { entries: 1024 },
  /** answerer (extractive): a statement line as spaced words and stems */
  'answer.statement-lines': { entries: 10_000 },
  /** answerer (fact-lock): the figures, magnitudes and years of a cited source */
  'answer.source-figures': { entries: 1024 },
  /** answerer: the text a fact-lock check reads for a source (title, year, text) */
  'answer.fact-texts': { entries: 1024 },
  /** answerer: a citation's snippet of a source */
  'answer.snippets': { entries: 1024 },
  /** in-memory keyword index: a searched phrase's tokens and postings */
  'keyword.phrases': { entries: 50_000 },
  /** SQLite corpus: prepared read statements by SQL text (preparing an FTS query costs about a small search) */
  'sqlite.statements': { entries: 256 },
  /** SQLite corpus snapshot: chunk rows read, by chunk id */
  'snapshot.chunks': { entries: 50_000 },
  /** SQLite corpus snapshot: per document, its active-version chunks by ordinal (neighbour expansion) */
  'snapshot.ordinals': { entries: 10_000 },
  /** SQLite corpus snapshot: chunk-id ranges of the documents a filter keeps */
  'snapshot.ranges': { entries: 10_000 },
  /** SQLite corpus snapshot: the documents a filter keeps */
  'snapshot.filter-documents': { entries: 10_000 },
  /** BM25 encoder (sparse vectors, scale-out store): a word's Porter stem */
  'bm25.stems': { entries: 200_000 },
} as const satisfies Record<string, { readonly entries: number }>

export type CacheName = keyof typeof CACHE_LIMITS

export function isCacheName(name: string): name is CacheName {
  return Object.hasOwn(CACHE_LIMITS, name)
}

/**
 * Parses RAGTUNE_CACHE_LIMITS ("answer.pages=2048,retrieval.statements=0"); throws naming the bad part
 * and the known names.
 */
export function parseCacheLimits(spec: string): Partial<Record<CacheName, number>> {
  const out: Partial<Record<CacheName, number>> = {}
  for (const part of spec.split(',')) {
    const item = part.trim()
    if (item === '') continue
    const m = /^([\w.-]+)\s*=\s*(\d+)$/.exec(item)
    const name = m?.[1] ?? ''
    if (m === null || !isCacheName(name))
      throw new Error(
        `RAGTUNE_CACHE_LIMITS: "${item}" is not name=entries with a known cache name (${Object.keys(CACHE_LIMITS).join(', ')})`,
      )
    out[name] = Number(m[2])
  }
  return out
}
