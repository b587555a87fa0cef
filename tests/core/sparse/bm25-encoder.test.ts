import { describe, expect, it } from 'vitest'
import {
  analyze,
  applyDelta,
  averageLength,
  deserializeStats,
  encodeDocument,
  encodeQuery,
  EMPTY_STATS,
  hashTerm,
  serializeStats,
  statsDelta,
} from '../../../src/core/sparse/bm25-encoder.js'
import { porterStem } from '../../../src/core/sparse/porter-stemmer.js'

const dot = (a: { indices: number[]; values: number[] }, b: { indices: number[]; values: number[] }): number => {
  const m = new Map(b.indices.map((ix, i) => [ix, b.values[i]!]))
  return a.indices.reduce((s, ix, i) => s + a.values[i]! * (m.get(ix) ?? 0), 0)
}

describe('porterStem', () => {
  it.each([
    ['caresses', 'caress'],
    ['ponies', 'poni'],
    ['cats', 'cat'],
    ['agreed', 'agre'],
    ['plastered', 'plaster'],
    ['motoring', 'motor'],
    ['hopping', 'hop'],
    ['filing', 'file'],
    ['happy', 'happi'],
    ['relational', 'relat'],
    ['revenues', 'revenu'],
    ['revenue', 'revenu'],
    ['operating', 'oper'],
    ['adjustment', 'adjust'],
    ['generalizations', 'gener'],
    ['electrical', 'electr'],
    ['controll', 'control'],
    ['as', 'as'],
    ['2018', '2018'],
  ])('%s → %s', (word, stem) => {
    expect(porterStem(word)).toBe(stem)
  })
})

describe('analyze and hashTerm', () => {
  it.each([
    ['Net Revenues, FY2018', ['net', 'revenu', 'fy2018']],
    ['Café — “capital” expenditures', ['cafe', 'capit', 'expenditur']],
    ['', []],
  ])('%j → %j', (text, tokens) => {
    expect(analyze(text)).toEqual(tokens)
  })

  it.each([
    ['', 0x811c9dc5],
    ['a', 0xe40c292c],
    ['foobar', 0xbf9cf968],
  ])('fnv-1a(%j) is the published value', (term, hash) => {
    expect(hashTerm(term)).toBe(hash)
  })
})

describe('BM25 sparse encoding', () => {
  const texts = [
    'Revenue grew to 10 billion. Revenue from services rose.',
    'Capital expenditures were 2 billion in 2018.',
    'The board declared a dividend. The dividend is paid quarterly.',
  ]
  const chunks = texts.map((text, i) => ({ header: `Acme 10-K | part ${i}`, text }))
  const stats = applyDelta(EMPTY_STATS, statsDelta(chunks, 1))
  const docs = chunks.map((c) => encodeDocument(c, averageLength(stats)))

  it.each([
    [['revenues'], 0],
    [['capital', 'expenditure'], 1],
    [['dividends', 'paid'], 2],
  ])('query %j ranks chunk %i first', (terms, best) => {
    const q = encodeQuery(terms, stats)
    const scores = docs.map((d) => dot(q, d))
    expect(scores.indexOf(Math.max(...scores))).toBe(best)
    expect(Math.max(...scores)).toBeGreaterThan(0)
  })

  it('equals FTS5 bm25() with column weights (header 0.5, text 1) for a single-term query', () => {
    const q = encodeQuery(['dividend'], stats)
    const n = 1
    const idf = Math.log((3 - n + 0.5) / (n + 0.5))
    const len = analyze(chunks[2]!.header).length + analyze(texts[2]!).length
    const tf = 2
    const expected = (idf * tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * len) / averageLength(stats)))
    expect(dot(q, docs[2]!)).toBeCloseTo(expected, 10)
  })

  it('weights header occurrences by the header weight and floors idf of very common terms', () => {
    const d = encodeDocument({ header: 'dividend', text: 'dividend' }, 2, { header: 0.5, text: 1 })
    const f = 1.5
    expect(d.values[0]).toBeCloseTo((f * 2.2) / (f + 1.2 * (0.25 + 0.75)), 10)
    // "acme" is in every chunk's header: FTS5's idf would be negative, floored to 1e-6
    expect(encodeQuery(['acme'], stats).values).toEqual([1e-6])
  })

  it('drops terms the corpus never saw and keeps indices sorted and unique', () => {
    expect(encodeQuery(['zebra'], stats).indices).toEqual([])
    const d = encodeDocument({ header: '', text: 'b a b c a b' }, 3)
    expect(d.indices).toEqual([...d.indices].sort((x, y) => x - y))
    expect(new Set(d.indices).size).toBe(3)
  })

  it('removing a version’s chunks restores the previous statistics exactly', () => {
    const extra = [{ header: 'Acme', text: 'Revenue fell in 2020.' }]
    const grown = applyDelta(stats, statsDelta(extra, 1))
    expect(grown.documents).toBe(4)
    const back = applyDelta(grown, statsDelta(extra, -1))
    expect(serializeStats(back)).toEqual(serializeStats(stats))
  })

  it('round-trips through JSON', () => {
    const json = JSON.parse(JSON.stringify(serializeStats(stats))) as ReturnType<typeof serializeStats>
    const again = deserializeStats(json)
    expect(encodeQuery(['revenue'], again)).toEqual(encodeQuery(['revenue'], stats))
  })
})
