import { describe, expect, it } from 'vitest'
import { reciprocalRankFusion, type RankedList } from '../../src/core/retrieval/rank-fusion.js'

/** The textbook form, keyed by one string per item: the reference the fusion must equal. */
function stringKeyedFusion<T>(lists: readonly RankedList<T>[], keyOf: (item: T) => string, k: number): { item: T; score: number }[] {
  const fused = new Map<string, { item: T; score: number }>()
  for (const list of lists) {
    const seen = new Set<string>()
    list.items.forEach((item, rank) => {
      const key = keyOf(item)
      if (seen.has(key)) return
      seen.add(key)
      const entry = fused.get(key)
      if (entry === undefined) fused.set(key, { item, score: (list.weight ?? 1) / (k + rank + 1) })
      else entry.score += (list.weight ?? 1) / (k + rank + 1)
    })
  }
  return [...fused.values()].sort((a, b) => b.score - a.score)
}

const fuse = (lists: { items: string[]; weight?: number }[], k = 60): [string, number][] =>
  reciprocalRankFusion(
    lists,
    (x) => x,
    () => 0,
    k,
  ).map((r) => [r.item, Number(r.score.toFixed(6))])

describe('reciprocalRankFusion', () => {
  it.each([
    ['one list keeps its order', [{ items: ['a', 'b', 'c'] }], ['a', 'b', 'c']],
    ['agreement beats one top rank', [{ items: ['a', 'b'] }, { items: ['c', 'b'] }], ['b', 'a', 'c']],
    [
      'weight tips a tie',
      [
        { items: ['a'], weight: 1 },
        { items: ['b'], weight: 2 },
      ],
      ['b', 'a'],
    ],
    ['zero weight adds nothing but keeps the item', [{ items: ['a'] }, { items: ['z', 'a'], weight: 0 }], ['a', 'z']],
    ['empty lists', [], []],
  ])('%s', (_name, lists, order) => {
    expect(fuse(lists).map(([item]) => item)).toEqual(order)
  })

  it('scores weight / (k + rank), counting a repeated item once at its best rank', () => {
    expect(fuse([{ items: ['a', 'b', 'a'] }], 10)).toEqual([
      ['a', Number((1 / 11).toFixed(6))],
      ['b', Number((1 / 12).toFixed(6))],
    ])
  })
})

describe('reciprocalRankFusion by (group, position)', () => {
  it('fuses exactly as the string-keyed form, order of ties included', () => {
    const random = (() => {
      let s = 11
      return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648
    })()
    for (let round = 0; round < 200; round++) {
      const lists = Array.from({ length: 1 + Math.floor(random() * 4) }, () => ({
        weight: [0.5, 1, 0.8][Math.floor(random() * 3)] ?? 1,
        items: Array.from({ length: Math.floor(random() * 12) }, () => ({
          doc: `d${Math.floor(random() * 3)}`,
          at: Math.floor(random() * 5),
        })),
      }))
      const byKey = stringKeyedFusion(lists, (x) => `${x.doc}\u0000${x.at}`, 20)
      const byPosition = reciprocalRankFusion(
        lists,
        (x) => x.doc,
        (x) => x.at,
        20,
      )
      expect(byPosition.map((f) => [f.item, f.score])).toEqual(byKey.map((f) => [f.item, f.score]))
    }
  })
})
