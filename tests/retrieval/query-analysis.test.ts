import { describe, expect, it } from 'vitest'
import { analyzeQuery, tokenize } from '../../src/core/retrieval/query-analysis.js'

describe('tokenize', () => {
  it.each([
    ["3M's FY2018 10-K", ['3m', 's', 'fy2018', '10', 'k']],
    ['Purchases of property, plant and equipment (PP&E)', ['purchases', 'of', 'property', 'plant', 'and', 'equipment', 'pp', 'e']],
    ['Nestlé  café—résumé', ['nestle', 'cafe', 'resume']],
    ['', []],
  ])('%j → %j', (text, expected) => {
    expect(tokenize(text)).toEqual(expected)
  })
})

describe('analyzeQuery: periods and dates', () => {
  it.each([
    ['What is the FY2018 capital expenditure for 3M?', [2018], [], []],
    ['between FY2023 and FY2022', [2023, 2022], [], []],
    ['Did Pfizer grow its PPNE between FY20 and FY21?', [2020, 2021], [], []],
    ['between FY 2023 and Q2 of FY2024', [2024, 2023], [2], []],
    ["As of Q2'2023, is Pfizer spinning off", [2023], [2], []],
    ['biggest drop in Q22023 year over year revenues', [2023], [2], []],
    ['As of FY2023Q1, why did Pepsico raise guidance?', [2023], [1], []],
    ['in the second quarter of fiscal 2022', [2022], [2], []],
    ['on May 26, 2023, what is the total', [2023], [], ['2023-05-26']],
    ["AMCOR's 8k filing dated 1st July 2022", [2022], [], ['2022-07-01']],
    ['filed 2022-08-19', [2022], [], ['2022-08-19']],
    ['revenue of $2019 million and 2018% growth', [], [], []],
  ])('%s', (question, years, quarters, dates) => {
    const a = analyzeQuery(question)
    expect([...a.years].sort()).toEqual([...years].sort())
    expect(a.quarters).toEqual(quarters)
    expect(a.dates).toEqual(dates)
  })
})

describe('analyzeQuery: terms and phrases', () => {
  it.each([
    [
      'What is the FY2018 capital expenditure amount (in USD millions) for 3M? Give a response by relying on the details shown in the cash flow statement.',
      ['capital', 'expenditure', 'amount', '3m', 'cash', 'flow', 'statement'],
    ],
    [
      'Has Microsoft increased its debt on balance sheet between FY2023 and the FY2022 period?',
      ['microsoft', 'increased', 'debt', 'balance', 'sheet', 'period'],
    ],
    ['Round your answer to two decimal places, please.', []],
  ])('%s', (question, terms) => {
    expect(analyzeQuery(question).terms).toEqual(terms)
  })

  it('keeps quoted phrases as word lists', () => {
    expect(analyzeQuery('Where is "net cash provided by operating activities" and "x"?').phrases).toEqual([
      ['net', 'cash', 'provided', 'by', 'operating', 'activities'],
    ])
  })
})
