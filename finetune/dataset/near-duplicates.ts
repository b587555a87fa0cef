import { createHash } from 'node:crypto'

/**
 * Exact and near-duplicate detection for passages.
 * - exact: sha256 of the text lower-cased with punctuation and whitespace runs collapsed;
 * - near: MinHash over word 5-shingles (128 hash functions by double hashing of two 32-bit FNV-1a
 *   variants), LSH with 32 bands of 4 rows to find candidates, then the exact Jaccard similarity of the
 *   two shingle sets decides (≥ threshold, default 0.7). Bands of 4 rows make a pair at Jaccard 0.7 a
 *   candidate with probability 1-(1-0.7^4)^32 ≈ 0.9999, so misses are negligible and cost stays linear.
 * The first occurrence (input order) is kept.
 */
export const NUM_HASHES = 128
export const BANDS = 32
const ROWS = NUM_HASHES / BANDS
export const SHINGLE_WORDS = 5
export const DEFAULT_NEAR_DUPLICATE_THRESHOLD = 0.7

export function normalizeForHash(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
}

export function exactKey(text: string): string {
  return createHash('sha256').update(normalizeForHash(text)).digest('hex')
}

function fnv1a(s: string, seed: number): number {
  let h = seed >>> 0
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

export function shingles(text: string, size = SHINGLE_WORDS): Set<string> {
  const words = normalizeForHash(text).split(' ').filter(Boolean)
  const out = new Set<string>()
  if (words.length <= size) {
    if (words.length > 0) out.add(words.join(' '))
    return out
  }
  for (let i = 0; i + size <= words.length; i++) out.add(words.slice(i, i + size).join(' '))
  return out
}

export function minhashSignature(set: ReadonlySet<string>): Uint32Array {
  const sig = new Uint32Array(NUM_HASHES).fill(0xffffffff)
  for (const s of set) {
    const h1 = fnv1a(s, 0x811c9dc5)
    const h2 = fnv1a(s, 0x9747b28c) | 1
    for (let i = 0; i < NUM_HASHES; i++) {
      const h = (h1 + Math.imul(i, h2)) >>> 0
      if (h < sig[i]!) sig[i] = h
    }
  }
  return sig
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1
  let inter = 0
  const [small, large] = a.size <= b.size ? [a, b] : [b, a]
  for (const x of small) if (large.has(x)) inter++
  return inter / (a.size + b.size - inter)
}

export type DuplicateVerdict =
  | { readonly kind: 'unique' }
  | { readonly kind: 'exact'; readonly of: number }
  | { readonly kind: 'near'; readonly of: number; readonly similarity: number }

/** One verdict per input text; `of` is the index of the earlier text it duplicates. */
export function findDuplicates(texts: readonly string[], threshold = DEFAULT_NEAR_DUPLICATE_THRESHOLD): DuplicateVerdict[] {
  const exact = new Map<string, number>()
  const buckets = new Map<string, number[]>()
  const kept: Set<string>[] = []
  return texts.map((text, index) => {
    const key = exactKey(text)
    const first = exact.get(key)
    if (first !== undefined) return { kind: 'exact', of: first }
    exact.set(key, index)
    const set = shingles(text)
    kept[index] = set
    const sig = minhashSignature(set)
    const bandKeys: string[] = []
    let best: { of: number; similarity: number } | undefined
    const seen = new Set<number>()
    for (let b = 0; b < BANDS; b++) {
      const bandKey = `${b}:${Array.from(sig.subarray(b * ROWS, (b + 1) * ROWS)).join(',')}`
      bandKeys.push(bandKey)
      for (const other of buckets.get(bandKey) ?? []) {
        if (seen.has(other)) continue
        seen.add(other)
        const similarity = jaccard(set, kept[other]!)
        if (similarity >= threshold && (best === undefined || similarity > best.similarity)) best = { of: other, similarity }
      }
    }
    if (best !== undefined) return { kind: 'near', ...best }
    // Only kept texts enter the index, so a chain of small edits is judged against what survives.
    for (const k of bandKeys) {
      const list = buckets.get(k)
      if (list === undefined) buckets.set(k, [index])
      else list.push(index)
    }
    return { kind: 'unique' }
  })
}
