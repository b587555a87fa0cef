import { describe, expect, it } from 'vitest'
import { reciprocalRankFusion, reciprocalRankFusionBy } from '../../src/core/retrieval/rank-fusion.js'

const fuse = (lists: { items: string[]; weight?: number }[], k = 60): [string, number][] =>
  reciprocalRankFusion(lists, (x) => x, k).map((r) => [r.item, Number(r.score.toFixed(6))])

describe('reciprocalRankFusion', () => {
  it.each([
    ['one list keeps its order', [{ items: ['a', 'b', 'c'] }], ['a', 'b', 'c']],
    ['agreement beats one top rank', [{ items: ['a', 'b'] }, { items: ['c', 'b'] }], ['b', 'a', 'c']],
    ['weight tips a tie', [{ items: ['a'], weight: 1 }, { items: ['b'], weight: 2 }], ['b', 'a']],
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

describe('reciprocalRankFusionBy', () => {
  it('fuses exactly as the string-keyed form, order of ties included', () => {
    const random = (() => {
      let s = 11
      return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648
    })()
    for (let round = 0; round < 200; round++) {
      const lists = Array.from({ length: 1 + Math.floor(random() * 4) }, () => ({
        weight: [0.5, 1, 0.8][Math.floor(random() * 3)] ?? 1,
        items: Array.from({ length: Math.floor(random() * 12) }, () => ({ doc: `d${Math.floor(random() * 3)}`, at: Math.floor(random() * 5) })),
      }))
      const byKey = reciprocalRankFusion(lists, (x) => `${x.doc}\u0000${x.at}`, 20)
      const byPosition = reciprocalRankFusionBy(lists, (x) => x.doc, (x) => x.at, 20)
      expect(byPosition.map((f) => [f.item, f.score])).toEqual(byKey.map((f) => [f.item, f.score]))
    }
  })
})
