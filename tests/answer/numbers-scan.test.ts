import { describe, expect, it } from 'vitest'
import { extractNumbers, isSupported, MagnitudeIndex, sourceMagnitudes } from '../../src/core/answer/numbers.js'

// The pattern extractNumbers applies, run over the whole text the plain way: the reference for the
// digit-anchored scan.
const NUMBER =
  /(?<![\p{L}\d.,])(\(?)([$€£]?)\s?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(\)?)(?:\s?(%|percent\b|percentage points?\b|pp\b|ppts?\b))?(?:\s?(thousand|millions?|billions?|trillion|mn|mm|bn|tn|[kmb])\b)?(?![\p{L}\d]|-[\p{L}])/giu

function seeded(seed: number): () => number {
  let s = seed
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648
    return s / 2147483648
  }
}

describe('extractNumbers', () => {
  it('finds exactly the figures a scan of every position finds', () => {
    const pieces = [
      '1',
      '22',
      '0',
      ',',
      ',000',
      '.',
      '.5',
      ' ',
      '  ',
      '(',
      ')',
      '$',
      '€',
      '£',
      '%',
      ' percent',
      ' percentage points',
      'pp',
      'k',
      'M',
      ' million',
      'bn',
      'x',
      'é',
      '-',
      '-a',
      'Q',
      'FY',
      '\n',
      '\u00a0',
      '😀',
    ]
    const random = seeded(7)
    for (let i = 0; i < 20_000; i++) {
      let text = ''
      const length = Math.floor(random() * 16)
      for (let j = 0; j < length; j++) text += pieces[Math.floor(random() * pieces.length)]
      expect(
        extractNumbers(text).map((n) => n.raw),
        JSON.stringify(text),
      ).toEqual([...text.matchAll(NUMBER)].map((m) => m[0].trim()))
    }
  })
})

describe('MagnitudeIndex', () => {
  it('gives the verdicts isSupported gives', () => {
    const magnitudes = sourceMagnitudes(extractNumbers('Revenue $1,577 million, margin 12.5%, (370) in thousands, 2.4 billion, 0.25'))
    const index = new MagnitudeIndex(magnitudes)
    for (const answer of [
      '$1.577 billion',
      '1,577',
      '1,578',
      '12.5%',
      '12.50%',
      '(370)',
      '$370 thousand',
      '2.4 billion',
      '2,400 million',
      '0.3',
      '0.25',
      '7',
    ]) {
      for (const n of extractNumbers(answer)) expect(index.supports(n), answer).toBe(isSupported(n, magnitudes))
    }
  })
})
