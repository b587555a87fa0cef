import { describe, expect, it } from 'vitest'
import { reciprocalRankFusion } from '../../src/core/retrieval/rank-fusion.js'

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
