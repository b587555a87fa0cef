import type { BoundedCache } from '../bounded-cache.js'
import { porterStem } from './porter-stemmer.js'

/**
 * BM25 as sparse vectors, so a dotproduct index (Pinecone) ranks like a BM25 full-text index:
 * score(q, d) = Σ_t idf(t) · tf(t,d)·(k1+1) / (tf(t,d) + k1·(1 − b + b·|d|/avgdl)), with FTS5's idf and
 * column weighting, so the scores equal SQLite's `bm25()` up to avgdl drift and phrase handling.
 * The document side carries the tf part (fixed at ingest, with the avgdl of that moment); the query side
 * carries idf, computed at query time from corpus statistics kept in the registry, so adding documents
 * never requires re-upserting old vectors. Terms are FTS5-like tokens (unicode61 + porter) hashed to
 * unsigned 32-bit indices with FNV-1a, stable across processes and replicas.
 */
export interface SparseVector {
  readonly indices: number[]
  readonly values: number[]
}

export interface Bm25Params {
  readonly k1: number
  readonly b: number
}

export const DEFAULT_BM25: Bm25Params = { k1: 1.2, b: 0.75 }

/** Corpus statistics the query side needs; the registry persists them next to the versions. */
export interface Bm25Stats {
  /** number of indexed chunks */
  readonly documents: number
  /** sum of chunk lengths in tokens */
  readonly totalLength: number
  /** chunks containing each term, by term hash */
  readonly df: ReadonlyMap<number, number>
}

/** Serialisable form of Bm25Stats (JSON has no Map and no integer keys). */
export interface Bm25State {
  readonly version: 1
  readonly params: Bm25Params
  readonly documents: number
  readonly totalLength: number
  readonly df: Readonly<Record<string, number>>
}

/** A word's stem. Stemming dominates encoding time and a corpus reuses a small vocabulary: see `cachedStemmer`. */
export type Stemmer = (word: string) => string

/** The Porter stemmer remembering its stems in the caller's cache (`bm25.stems`); every function below takes one. */
export function cachedStemmer(cache: BoundedCache<string, string>): Stemmer {
  return (word) => cache.getOrCompute(word, porterStem)
}

export function analyze(text: string, stem: Stemmer = porterStem): string[] {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0)
    .map(stem)
}

const utf8 = new TextEncoder()

/** FNV-1a over UTF-8 bytes, as an unsigned 32-bit integer */
export function hashTerm(term: string): number {
  let h = 0x811c9dc5
  for (const byte of utf8.encode(term)) {
    h ^= byte
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** term hash → count in this text, plus the text's length in tokens */
export function termCounts(text: string, stem: Stemmer = porterStem): { counts: Map<number, number>; length: number } {
  const tokens = analyze(text, stem)
  const counts = new Map<number, number>()
  for (const t of tokens) {
    const h = hashTerm(t)
    counts.set(h, (counts.get(h) ?? 0) + 1)
  }
  return { counts, length: tokens.length }
}

export function averageLength(stats: Pick<Bm25Stats, 'documents' | 'totalLength'>): number {
  return stats.documents > 0 && stats.totalLength > 0 ? stats.totalLength / stats.documents : 1
}

/** How much a term occurrence counts in each field (FTS5 `bm25()` column weights). */
export interface FieldWeights {
  readonly header: number
  readonly text: number
}

export const DEFAULT_FIELD_WEIGHTS: FieldWeights = { header: 0.5, text: 1 }

/**
 * Document-side weights: the tf saturation part of BM25, the way FTS5 computes it for a row with
 * weighted columns — tf = Σ weight(field)·count(field), length = all tokens of all fields.
 */
export function encodeDocument(
  fields: { readonly header: string; readonly text: string },
  avgdl: number,
  weights: FieldWeights = DEFAULT_FIELD_WEIGHTS,
  params: Bm25Params = DEFAULT_BM25,
  stem: Stemmer = porterStem,
): SparseVector {
  const header = termCounts(fields.header, stem)
  const text = termCounts(fields.text, stem)
  const tf = new Map<number, number>()
  for (const [h, n] of header.counts) tf.set(h, (tf.get(h) ?? 0) + weights.header * n)
  for (const [h, n] of text.counts) tf.set(h, (tf.get(h) ?? 0) + weights.text * n)
  const norm = params.k1 * (1 - params.b + (params.b * (header.length + text.length)) / avgdl)
  const entries = [...tf].filter(([, f]) => f > 0).sort((a, b) => a[0] - b[0])
  return {
    indices: entries.map(([h]) => h),
    values: entries.map(([, f]) => (f * (params.k1 + 1)) / (f + norm)),
  }
}

/**
 * Query-side weights: idf of each distinct query term, as FTS5 computes it — log((N − n + 0.5)/(n + 0.5)),
 * floored at 1e-6 so a term in most chunks still counts a hair. Unknown terms drop out.
 */
export function encodeQuery(terms: readonly string[], stats: Bm25Stats, stem: Stemmer = porterStem): SparseVector {
  const hashes = queryTermHashes(terms, stem)
  const out: [number, number][] = []
  for (const h of hashes) {
    const n = stats.df.get(h) ?? 0
    if (n === 0) continue
    out.push([h, Math.max(1e-6, Math.log((stats.documents - n + 0.5) / (n + 0.5)))])
  }
  out.sort((a, b) => a[0] - b[0])
  return { indices: out.map(([h]) => h), values: out.map(([, v]) => v) }
}

/** distinct term hashes of the query words, for fetching their df from the registry */
export function queryTermHashes(terms: readonly string[], stem: Stemmer = porterStem): number[] {
  return [...new Set(terms.flatMap((t) => analyze(t, stem)).map(hashTerm))]
}

/** Adds (sign 1) or removes (sign −1) a set of chunks' statistics, for the registry to apply atomically. */
export interface Bm25Delta {
  readonly documents: number
  readonly totalLength: number
  readonly df: Map<number, number>
}

export function statsDelta(
  chunks: readonly { readonly header: string; readonly text: string }[],
  sign: 1 | -1,
  stem: Stemmer = porterStem,
): Bm25Delta {
  const df = new Map<number, number>()
  let totalLength = 0
  for (const c of chunks) {
    const header = termCounts(c.header, stem)
    const text = termCounts(c.text, stem)
    totalLength += header.length + text.length
    for (const h of new Set([...header.counts.keys(), ...text.counts.keys()])) df.set(h, (df.get(h) ?? 0) + sign)
  }
  return { documents: sign * chunks.length, totalLength: sign * totalLength, df }
}

export function applyDelta(stats: Bm25Stats, ...deltas: Bm25Delta[]): Bm25Stats {
  const df = new Map(stats.df)
  let { documents, totalLength } = stats
  for (const d of deltas) {
    documents += d.documents
    totalLength += d.totalLength
    for (const [h, n] of d.df) {
      const next = (df.get(h) ?? 0) + n
      if (next > 0) df.set(h, next)
      else df.delete(h)
    }
  }
  return { documents, totalLength, df }
}

export const EMPTY_STATS: Bm25Stats = { documents: 0, totalLength: 0, df: new Map() }

export function serializeStats(stats: Bm25Stats, params: Bm25Params = DEFAULT_BM25): Bm25State {
  return {
    version: 1,
    params,
    documents: stats.documents,
    totalLength: stats.totalLength,
    df: Object.fromEntries([...stats.df].map(([h, n]) => [String(h), n])),
  }
}

export function deserializeStats(state: Bm25State): Bm25Stats {
  if (state.version !== 1) throw new Error(`unsupported BM25 state version ${String(state.version)}`)
  return {
    documents: state.documents,
    totalLength: state.totalLength,
    df: new Map(Object.entries(state.df).map(([h, n]) => [Number(h), n])),
  }
}
