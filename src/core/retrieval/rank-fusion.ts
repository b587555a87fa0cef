/**
 * Reciprocal rank fusion (Cormack et al., 2009): each list contributes weight / (k + rank) for every
 * item it ranks. Ranks, not scores, so BM25 and cosine lists mix without calibration; k = 60 keeps one
 * list's top hit from drowning agreement between lists.
 */
export interface RankedList<T> {
  readonly items: readonly T[]
  readonly weight?: number
}

export function reciprocalRankFusion<T>(lists: readonly RankedList<T>[], keyOf: (item: T) => string, k = 60): { item: T; score: number }[] {
  const fused = new Map<string, { item: T; score: number }>()
  for (const list of lists) {
    const weight = list.weight ?? 1
    const seen = new Set<string>()
    list.items.forEach((item, rank) => {
      const key = keyOf(item)
      // a list that repeats an item counts it once, at its best rank
      if (seen.has(key)) return
      seen.add(key)
      const add = weight / (k + rank + 1)
      const entry = fused.get(key)
      if (entry === undefined) fused.set(key, { item, score: add })
      else entry.score += add
    })
  }
  return [...fused.values()].sort((a, b) => b.score - a.score)
}
