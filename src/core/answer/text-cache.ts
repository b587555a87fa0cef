/**
 * A small LRU keyed by text, for work done on source pages (sentence splitting, number extraction). The
 * same pages come back question after question, and a page's text fully determines the result.
 */
export function textCache<T>(maxEntries: number): (text: string, compute: (text: string) => T) => T {
  const entries = new Map<string, T>()
  return (text, compute) => {
    const hit = entries.get(text)
    if (hit !== undefined) {
      // Map keeps insertion order: re-inserting marks the entry most recently used.
      entries.delete(text)
      entries.set(text, hit)
      return hit
    }
    const value = compute(text)
    entries.set(text, value)
    if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string)
    return value
  }
}
