import { describe, expect, it } from 'vitest'
import { firstEvidenceRank, summariseRanks } from '../../src/core/retrieval/evidence-recall.js'
import { joinChunks } from '../../src/core/retrieval/source-assembly.js'

const s = (documentId: string, pageStart: number, pageEnd = pageStart) => ({ documentId, pageStart, pageEnd })

describe('firstEvidenceRank', () => {
  it.each([
    ['first source holds the page', [s('a', 60)], 1],
    ['page inside a span', [s('a', 10), s('a', 59, 61)], 2],
    ['right page, wrong document', [s('b', 60), s('a', 61)], undefined],
    ['second evidence page counts', [s('a', 1), s('a', 62)], 2],
    ['nothing retrieved', [], undefined],
  ])('%s', (_name, sources, rank) => {
    expect(firstEvidenceRank({ documentId: 'a', pages: [60, 62] }, sources)).toBe(rank)
  })
})

describe('summariseRanks', () => {
  it('computes recall@k and MRR', () => {
    expect(summariseRanks([1, 2, 4, undefined], [1, 3, 5, 10])).toEqual({
      questions: 4,
      recall: { '1': 0.25, '3': 0.5, '5': 0.75, '10': 0.75 },
      mrr: Number(((1 + 0.5 + 0.25) / 4).toFixed(3)),
    })
  })
  it('is all zeros for no questions', () => {
    expect(summariseRanks([])).toEqual({ questions: 0, recall: { '1': 0, '3': 0, '5': 0, '10': 0 }, mrr: 0 })
  })
})

describe('joinChunks', () => {
  const full = 'Alpha beta gamma. Delta epsilon zeta. Eta theta.'
  const piece = (start: number, end: number) => ({ text: full.slice(start, end), charStart: start, charEnd: end })
  it.each([
    ['overlap removed', [piece(0, 24), piece(18, 37)], full.slice(0, 37)],
    ['gap joined with a blank line', [piece(0, 17), piece(38, 49)], `${full.slice(0, 17)}\n\n${full.slice(38, 49)}`],
    ['contained chunk skipped', [piece(0, 37), piece(5, 20)], full.slice(0, 37)],
  ])('%s', (_name, chunks, expected) => {
    expect(joinChunks(chunks)).toBe(expected)
  })
})
