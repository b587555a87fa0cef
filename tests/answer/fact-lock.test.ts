import { describe, expect, it } from 'vitest'
import { extractNumbers, isSupported, sourceMagnitudes } from '../../src/core/answer/numbers.js'
import { checkFacts, citationMarkers } from '../../src/core/answer/fact-lock.js'

describe('extractNumbers', () => {
  it.each([
    ['Capex was $1,577 million.', [{ value: 1577, scale: 1e6, decimals: 0 }]],
    ['about 1.577 billion', [{ value: 1.577, scale: 1e9, decimals: 3 }]],
    ['a loss of (370)', [{ value: 370, scale: undefined, decimals: 0 }]],
    ['margin of 12.5%', [{ value: 12.5, scale: undefined, decimals: 1 }]],
    ['$3.2bn and 45k', [{ value: 3.2, scale: 1e9, decimals: 1 }, { value: 45, scale: 1e3, decimals: 0 }]],
  ])('reads %s', (text, expected) => {
    expect(extractNumbers(text).map(({ value, scale, decimals }) => ({ value, scale, decimals }))).toEqual(expected)
  })

  it('skips labels glued to letters: Q1, FY2018, 10-K', () => {
    expect(extractNumbers('In Q1 of FY2018 the 10-K said nothing')).toEqual([])
  })
})

describe('isSupported', () => {
  const table = sourceMagnitudes(extractNumbers('(in millions) Purchases of property, plant and equipment (1,577) (1,373)'))
  it.each([
    ['$1,577 million', true],
    ['$1.577 billion', true],
    ['$1.6 billion', true],
    ['1,577', true],
    ['$1.5 billion', false],
    ['$1,578 million', false],
    ['$2,000 million', false],
  ])('%s against a table in millions → %s', (answer, ok) => {
    const [n] = extractNumbers(answer)
    expect(n).toBeDefined()
    expect(isSupported(n!, table)).toBe(ok)
  })
})

describe('checkFacts', () => {
  const sources = [
    { n: 1, text: 'Total revenue was $12,345 million in fiscal 2022, up 12.5% from 2021.' },
    { n: 2, text: 'Purchases of property, plant and equipment (1,577)' },
  ]

  it('passes a grounded answer untouched', () => {
    const r = checkFacts('Revenue was $12.3 billion in 2022, up 12.5% [1]. Capex was $1,577 million [2].', sources)
    expect(r).toMatchObject({
      answer: 'Revenue was $12.3 billion in 2022, up 12.5% [1]. Capex was $1,577 million [2].',
      cited: [1, 2],
      removedCitations: [],
      unsupportedNumbers: [],
    })
  })

  it('removes and reports markers that point at no source', () => {
    const r = checkFacts('Revenue grew [1][7]. Capex fell [2, 9]. Debt rose [4].', sources)
    expect(r.answer).toBe('Revenue grew [1]. Capex fell [2]. Debt rose.')
    expect(r.removedCitations).toEqual([7, 9, 4])
    expect(r.cited).toEqual([1, 2])
  })

  it('flags an invented number, and a real number cited to the wrong source', () => {
    const r = checkFacts('Revenue was $13,999 million [1]. Capex was $1,577 million [1].', sources)
    expect(r.unsupportedNumbers).toEqual(['$13,999 million', '$1,577 million'])
  })

  it('flags numbers in an answer that cites nothing', () => {
    expect(checkFacts('Revenue was $12,345 million.', sources).unsupportedNumbers).toEqual(['$12,345 million'])
  })

  it('reads marker ranges and lists', () => {
    expect(citationMarkers('a [1-3] b [2, 5]')).toEqual([1, 2, 3, 2, 5])
  })
})
