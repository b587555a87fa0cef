import { describe, expect, it } from 'vitest'
import { extractNumbers, isSupported, sourceMagnitudes } from '../../src/core/answer/numbers.js'
import { checkFacts, citationMarkers } from '../../src/core/answer/fact-lock.js'

describe('extractNumbers', () => {
  it.each([
    ['Capex was $1,577 million.', [{ value: 1577, scale: 1e6, decimals: 0 }]],
    ['about 1.577 billion', [{ value: 1.577, scale: 1e9, decimals: 3 }]],
    ['a loss of (370)', [{ value: 370, scale: undefined, decimals: 0 }]],
    ['margin of 12.5%', [{ value: 12.5, scale: undefined, decimals: 1 }]],
    ['down 1.1 percentage points', [{ value: 1.1, scale: undefined, decimals: 1 }]],
    [
      '$3.2bn and 45k',
      [
        { value: 3.2, scale: 1e9, decimals: 1 },
        { value: 45, scale: 1e3, decimals: 0 },
      ],
    ],
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

describe('fact-lock v2 verdicts', () => {
  const income = {
    n: 1,
    text: [
      'Consolidated Statements of Operations',
      '(in millions, except per share data)',
      'Year Ended December 31, 2017 2016',
      'Total net sales $ 177,866 $ 135,987',
      'Cost of sales 111,934 88,265',
      'Operating income 4,106 4,186',
      'Net income $ 3,033 $ 2,371',
    ].join('\n'),
  }
  const verdicts = (answer: string, question = '') => checkFacts(answer, [income], { question }).checks.map((c) => [c.text, c.verdict])

  it('derives a growth rate and reports the expression with its inputs and source', () => {
    const r = checkFacts('Net sales grew 30.8% [1].', [income])
    expect(r.checks).toEqual([{ text: '30.8%', verdict: 'derived', source: 1, expression: '30.8% = (177,866 − 135,987) / 135,987 [1]' }])
    expect(r.unsupportedNumbers).toEqual([])
  })

  it('derives a margin from the rows the claim names (item over revenue) and a difference in millions', () => {
    expect(verdicts('The operating margin was 2.3% [1].')).toEqual([['2.3%', 'derived']])
    expect(verdicts('Operating income decreased by $80 million [1].')).toEqual([['$80 million', 'derived']])
  })

  it('derives a change from figures the answer already stated', () => {
    expect(verdicts('Net sales were $177,866 million, up from $135,987 million: an increase of 30.8% [1].')).toEqual([
      ['$177,866 million', 'quoted'],
      ['$135,987 million', 'quoted'],
      ['30.8%', 'derived'],
    ])
  })

  it('flags a perturbed growth rate and a unit shifted by a thousand against a page that declares millions', () => {
    expect(verdicts('Net sales grew 33.1% [1].')).toEqual([['33.1%', 'unsupported']])
    expect(verdicts('Net income was $3,033 billion [1].')).toEqual([['$3,033 billion', 'unsupported']])
    expect(verdicts('Net income was $3,033 million [1].')).toEqual([['$3,033 million', 'quoted']])
  })

  it('takes a loose figure inside a word-for-word quotation of a cited source as quoted, and a changed one as unsupported', () => {
    const sources = [
      { n: 1, text: 'Purchases of property, plant and equipment (PP&E) (1,577) (1,373) (1,420)' },
      { n: 2, text: 'In 2018, 63% of the company’s capital spending was within the United States, followed by Europe.' },
    ]
    const quote =
      'Purchases of property, plant and equipment (PP&E) (1,577) [1]\nIn 2018, 63% of the company’s capital spending was within the United States, followed by Europe. [2]'
    const ok = checkFacts(quote, sources, { question: 'What was the capital expenditure in 2018?' })
    expect(ok.unsupportedNumbers).toEqual([])
    expect(ok.checks.find((c) => c.text === '63%')).toMatchObject({ verdict: 'quoted', source: 2 })
    const changed = checkFacts(quote.replace('63%', '68%'), sources, { question: 'What was the capital expenditure in 2018?' })
    expect(changed.unsupportedNumbers).toEqual(['68%'])
  })

  it('never derives from rows the claim does not name', () => {
    // 4,106 / 177,866 = 2.3 %, but nothing in the claim names operating income
    expect(verdicts('Cash on hand rose 2.3% [1].')).toEqual([['2.3%', 'unsupported']])
  })

  it('reads a bare answer through the question: "capex as a % of revenue"', () => {
    const capex = { n: 1, text: '(in millions)\nTotal net sales 1,000 800\nPurchases of property and equipment (19) (12)' }
    const r = checkFacts('1.9% [1]', [capex], { question: 'What is capital expenditure as a % of revenue?' })
    expect(r.checks[0]).toMatchObject({ verdict: 'derived', expression: '1.9% = capex to revenue: (19) / 1,000 [1]' })
  })

  it('treats years, dates, durations and list numbers as context; a year no source mentions is unsupported', () => {
    expect(verdicts('In the 12 months ended January 28, 2017:\n(1) Net sales were $177,866 million [1].')).toEqual([
      ['12', 'context'],
      ['28', 'context'],
      ['2017', 'context'],
      ['(1)', 'context'],
      ['$177,866 million', 'quoted'],
    ])
    expect(verdicts('Net sales were $177,866 million in 2019 [1].')).toEqual([
      ['$177,866 million', 'quoted'],
      ['2019', 'unsupported'],
    ])
  })

  it('reads a count ("412 stores") off a page that declares no unit as printed, and off a declared page in its unit', () => {
    const stores = {
      n: 1,
      text: ['Store count', 'Stores at end of quarter 412 398', 'Stores opened 16 9', 'Revenue $ 1,204 $ 1,150'].join('\n'),
    }
    const check = (answer: string, source = stores) => checkFacts(answer, [source]).checks.map((c) => [c.text, c.verdict])
    expect(check('Larkspur ended the quarter with 412 stores [1].')).toEqual([['412', 'quoted']])
    expect(check('Larkspur ended the quarter with 412,000 stores [1].')).toEqual([['412,000', 'unsupported']])
    expect(check('Larkspur opened 16,000 new stores [1].')).toEqual([['16,000', 'unsupported']])
    // an amount is no count: the undeclared page may still print it in thousands
    expect(check('Revenue was $1,204,000 [1].')).toEqual([['$1,204,000', 'quoted']])
    // a page that declares thousands counts in thousands
    const members = { n: 1, text: '(in thousands)\nMembers at end of year 412 398' }
    expect(check('Larkspur had 412,000 members [1].', members)).toEqual([['412,000', 'quoted']])
  })

  // a loose figure ("27%": half a unit is more than 0.5 % of it) must sit in a named row; a precise one may be anywhere
  it('takes a loose figure from the column of the year written right after it, when the table prints its years', () => {
    const header = 'Year Ended December 31, 2025 2024 2023'
    const rows = ['Effective tax rate 21 % 25 % 27 %', 'Return on equity 18.2 % 16.9 % 12.0 %']
    const check = (answer: string) =>
      checkFacts(answer, [{ n: 1, text: `Selected data\n${header}\n${rows.join('\n')}` }]).checks.map((c) => [c.text, c.verdict])
    expect(check('The effective tax rate fell from 25% in FY 2024 to 21% in FY 2025 [1].')).toEqual([
      ['25%', 'quoted'],
      ['2024', 'context'],
      ['21%', 'quoted'],
      ['2025', 'context'],
    ])
    // the 2023 cell is not "in FY 2024"
    expect(check('The effective tax rate fell from 27% in FY 2024 to 21% in FY 2025 [1].')[0]).toEqual(['27%', 'unsupported'])
    // a figure with no year written after it may be any column's
    expect(check('The effective tax rate was 27% two years earlier [1].')).toEqual([['27%', 'quoted']])
  })

  it('derives a named metric for the year written right after the figure only, past a "% change" column', () => {
    const taxes = [
      'Year ended December 31,',
      '2025 2024 Change',
      'Income before income taxes $ 1,800 $ 2,400 (25)%',
      'Provision for income taxes $ (414) $ (480) (14)%',
    ].join('\n')
    const check = (answer: string) => checkFacts(answer, [{ n: 1, text: taxes }]).checks.map((c) => [c.text, c.verdict])
    const right = check('The effective tax rate went from 20% in FY 2024 to 23% in FY 2025 [1].')
    expect(right.map(([, verdict]) => verdict)).toEqual(['derived', 'context', 'derived', 'context'])
    // 20% is the 2024 rate, not the 2025 one
    expect(check('The effective tax rate went from 20% in FY 2024 to 20% in FY 2025 [1].')[2]).toEqual(['20%', 'unsupported'])
  })
})
