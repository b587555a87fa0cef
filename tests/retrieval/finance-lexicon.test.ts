import { describe, expect, it } from 'vitest'
import { matchConcepts, neededStatements } from '../../src/core/retrieval/concept-matcher.js'
import { classifyStatement } from '../../src/core/retrieval/financial-statements.js'
import { FINANCE_CONCEPTS } from '../../src/core/retrieval/finance-lexicon.js'
import { tokenize } from '../../src/core/retrieval/query-analysis.js'

const concepts = (q: string): string[] => matchConcepts(tokenize(q)).map((c) => c.id)
const statements = (q: string): string[] => {
  const tokens = tokenize(q)
  return neededStatements(tokens, matchConcepts(tokens)).sort()
}

describe('finance lexicon', () => {
  it.each([
    ['What was capex in 2020?', ['capex'], ['cashflow']],
    ['What is the capital expenditure of the company?', ['capex'], ['cashflow']],
    ['year end net PP&E', ['ppe'], ['balance']],
    ['What is the COGS?', ['cogs'], ['income']],
    ['operating cash flow in FY2019', ['operating-cash-flow', 'cash-flow-activities'], ['cashflow']],
    ['unadjusted EBITDA margin', ['depreciation', 'ebitda'], ['cashflow', 'income']],
    ['Has the quick ratio improved?', ['quick-ratio'], ['balance']],
    ['positive working capital', ['working-capital'], ['balance']],
    ['How did the effective tax rate change?', ['tax-rate'], []],
    ['What is the weather like?', [], []],
  ])('%s → %j on %j', (question, ids, needed) => {
    expect(concepts(question)).toEqual(expect.arrayContaining(ids))
    expect(statements(question)).toEqual(needed)
  })

  it('lets a named statement win over the concepts’ own statements', () => {
    expect(statements('What is D&A? Use the income statement only.')).toEqual(['income'])
    expect(statements('total inventories shown in the balance sheet')).toEqual(['balance'])
    expect(statements('relying on the details shown in the statement of cash flows')).toEqual(['cashflow'])
  })

  it('maps capex to the line item filings print', () => {
    const capex = FINANCE_CONCEPTS.find((c) => c.id === 'capex')
    expect(capex?.lines).toContain('purchases of property plant and equipment')
  })

  it('has no duplicate concept ids and no empty concepts', () => {
    const ids = FINANCE_CONCEPTS.map((c) => c.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const c of FINANCE_CONCEPTS) {
      expect(c.triggers.length).toBeGreaterThan(0)
      expect(c.lines.length).toBeGreaterThan(0)
    }
  })
})

describe('classifyStatement', () => {
  const cashFlow = [
    'Consolidated Statement of Cash Flows',
    'Cash Flows from Operating Activities',
    'Net income 5,363 4,869 5,058',
    'Depreciation and amortization 1,488 1,544 1,474',
    'Net cash provided by operating activities 6,439 6,240 6,662',
    'Cash Flows from Investing Activities',
    'Purchases of property, plant and equipment (1,577) (1,373) (1,420)',
  ].join('\n')
  const balance = [
    'Consolidated Balance Sheet',
    'Cash and cash equivalents 2,853 3,053',
    'Accounts receivable 5,020 4,911',
    'Total inventories 4,366 4,034',
    'Total current assets 13,709 14,277',
    'Total assets 36,500 37,987',
  ].join('\n')
  const income = [
    'Net sales 32,765 31,657',
    'Cost of sales 16,682 16,055',
    'Selling, general and administrative expenses 7,602 6,626',
    'Operating income 7,207 7,820',
    'Net income 5,349 4,858',
    'Earnings per share — diluted 8.89 7.93',
  ].join('\n')
  const narrative =
    'Net cash provided by operating activities rose because working capital improved; investing activities and financing activities are described below, with total assets and total liabilities in the balance sheet.'

  it.each([
    ['cash flow page', cashFlow, ['cashflow']],
    ['balance sheet page', balance, ['balance']],
    ['income statement page', income, ['income']],
    ['narrative naming captions', narrative, []],
  ])('%s', (_name, text, expected) => {
    expect(classifyStatement(text)).toEqual(expected)
  })
})
