/**
 * A small cache keyed by text, for work done on source pages (sentence splitting, number extraction). The
 * same pages come back question after question, and a page's text fully determines the result.
 *
 * Two generations instead of a strict LRU: a hit costs one or two lookups and no reordering. Entries used
 * since the last turnover survive it; at most `maxEntries` are kept. Lookups are cheapest when the caller
 * passes the same string object each time (the retriever hands out one string per source text: V8 then
 * hashes it once and compares by pointer).
 */
export function textCache<T>(maxEntries: number): (text: string, compute: (text: string) => T) => T {
  const half = Math.max(1, Math.floor(maxEntries / 2))
  let young = new Map<string, T>()
  let old = new Map<string, T>()
  const put = (text: string, value: T): void => {
    if (young.size >= half) {
      old = young
      young = new Map()
    }
    young.set(text, value)
  }
  return (text, compute) => {
    const hit = young.get(text)
    if (hit !== undefined) return hit
    const kept = old.get(text)
    if (kept !== undefined) {
      put(text, kept)
      return kept
    }
    const value = compute(text)
    put(text, value)
    return value
  }
}
