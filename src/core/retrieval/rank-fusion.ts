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

export function reciprocalRankFusion<T>(lists: readonly RankedList<T>[], keyOf: (item: T) => string, k = 60): Fused<T>[] {
  const entries = new Map<string, Entry<T>>()
  return fuse(lists, k, { get: (item) => entries.get(keyOf(item)), set: (item, entry) => void entries.set(keyOf(item), entry) })
}

/**
 * The same fusion for items that a (group, position) pair identifies — a chunk by document and ordinal —
 * without building a string key per item.
 */
export function reciprocalRankFusionBy<T>(lists: readonly RankedList<T>[], groupOf: (item: T) => string, positionOf: (item: T) => number, k = 60): Fused<T>[] {
  const groups = new Map<string, Map<number, Entry<T>>>()
  return fuse(lists, k, {
    get: (item) => groups.get(groupOf(item))?.get(positionOf(item)),
    set: (item, entry) => {
      const group = groupOf(item)
      let byPosition = groups.get(group)
      if (byPosition === undefined) groups.set(group, (byPosition = new Map<number, Entry<T>>()))
      byPosition.set(positionOf(item), entry)
    },
  })
}

interface Keyed<T> {
  get(item: T): Entry<T> | undefined
  set(item: T, entry: Entry<T>): void
}

interface Entry<T> extends Fused<T> {
  /** the last list that ranked it: a list that repeats an item counts it once, at its best rank */
  list: number
}

function fuse<T>(lists: readonly RankedList<T>[], k: number, fused: Keyed<T>): Fused<T>[] {
  /** in the order first seen, which the stable sort keeps for equal scores */
  const order: Entry<T>[] = []
  lists.forEach((list, index) => {
    const weight = list.weight ?? 1
    list.items.forEach((item, rank) => {
      const entry = fused.get(item)
      if (entry?.list === index) return
      const add = weight / (k + rank + 1)
      if (entry === undefined) {
        const created = { item, score: add, list: index }
        fused.set(item, created)
        order.push(created)
      } else {
        entry.score += add
        entry.list = index
      }
    })
  })
  return order.sort((a, b) => b.score - a.score)
}
