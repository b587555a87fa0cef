/**
 * Reciprocal rank fusion (Cormack et al., 2009): each list contributes weight / (k + rank) for every
 * item it ranks. Ranks, not scores, so BM25 and cosine lists mix without calibration; k = 60 keeps one
 * list's top hit from drowning agreement between lists.
 */
export interface RankedList<T> {
  readonly items: readonly T[]
  readonly weight?: number
}

export interface Fused<T> {
  item: T
  score: number
}

/**
 * Reciprocal rank fusion of items that a (group, position) pair identifies — a chunk by document and
 * ordinal — without building a string key per item. A list that repeats an item counts it once, at its
 * best rank; equal scores keep the order in which items were first seen.
 */
export function reciprocalRankFusion<T>(
  lists: readonly RankedList<T>[],
  groupOf: (item: T) => string,
  positionOf: (item: T) => number,
  k = 60,
): Fused<T>[] {
  const groups = new Map<string, Map<number, Entry<T>>>()
  const order: Entry<T>[] = []
  lists.forEach((list, index) => {
    const weight = list.weight ?? 1
    list.items.forEach((item, rank) => {
      const group = groupOf(item)
      let byPosition = groups.get(group)
      if (byPosition === undefined) groups.set(group, (byPosition = new Map<number, Entry<T>>()))
      const position = positionOf(item)
      const entry = byPosition.get(position)
      if (entry?.list === index) return
      const add = weight / (k + rank + 1)
      if (entry === undefined) {
        const created = { item, score: add, list: index }
        byPosition.set(position, created)
        order.push(created)
      } else {
        entry.score += add
        entry.list = index
      }
    })
  })
  return order.sort((a, b) => b.score - a.score)
}

interface Entry<T> extends Fused<T> {
  /** the last list that ranked it: a list that repeats an item counts it once, at its best rank */
  list: number
}
