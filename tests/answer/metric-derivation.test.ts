import { describe, expect, it } from 'vitest'
import { checkFacts } from '../../src/core/answer/fact-lock.js'

// Statement pages as PDF text gives them: one token per line, labels and cells interleaved.
const income = {
  n: 1,
  text: [
    'Consolidated Statements of Operations',
    '(in millions, except per share data)',
    'Fiscal years ended',
    '2023',
    '2022',
    '2021',
    'Net sales',
    '$',
    '20,000',
    '$',
    '18,000',
    '$',
    '16,000',
    'Cost of sales',
    '(15,000)',
    '(13,200)',
    '(11,900)',
    'Gross profit',
    '5,000',
    '4,800',
    '4,100',
    'Operating income',
    '2,100',
    '2,250',
    '1,700',
    'Net income',
    '1,500',
    '1,640',
    '1,200',
  ].join('\n'),
}

function verdict(answer: string, sources: { n: number; text: string }[], question: string, figure: string) {
  const cite = sources.map((s) => `[${s.n}]`).join('')
  return checkFacts(`${answer} ${cite}`, sources, { question }).checks.find((c) => c.text === figure)
}

describe('label-guided metric derivations', () => {
  it('checks "gross margin fell by N%" as the change of gross profit / net sales between the named years', () => {
    // 25.0 % in 2023, 26.67 % in 2022: down 1.7 points
    const q = 'Is the gross margin of the company improving as of FY2023?'
    expect(verdict('No, gross margin declined by 1.7% between FY2022 and FY2023.', [income], q, '1.7%')).toMatchObject({
      verdict: 'derived',
      expression: '1.7% = gross margin: 5,000 / 20,000 − 4,800 / 18,000 [1]',
    })
    // 1.5 is no change of the gross margin (though 2023's operating margin less its net margin is 3.0 … and
    // other page ratios land near it): a named metric is checked by its formula only
    expect(verdict('No, gross margin declined by 1.5% between FY2022 and FY2023.', [income], q, '1.5%')?.verdict).toBe('unsupported')
  })

  it('takes a percent change from the earlier year to the later one, never backwards', () => {
    const q = 'How did the operating margin change from FY2022 to FY2023?'
    // 10.5 % vs 12.5 %: a 16.0 % fall from 2022; backwards (12.5 / 10.5 − 1) it would be 19.0 %
    expect(verdict('Operating margin fell 16.0% from FY2022 to FY2023.', [income], q, '16.0%')?.verdict).toBe('derived')
    expect(verdict('Operating margin fell 19.0% from FY2022 to FY2023.', [income], q, '19.0%')?.verdict).toBe('unsupported')
  })

  it('averages the metric over the named span when "average" qualifies it, and then only the mean counts', () => {
    const q = 'What is the FY2021 - FY2023 3 year average net profit margin (as a %)?'
    // 7.5, 9.11, 7.5 → mean 8.04; each single year (7.5, 9.1) is not the answer to an average
    expect(verdict('8.0%', [income], q, '8.0%')).toMatchObject({ verdict: 'derived' })
    expect(verdict('9.1%', [income], q, '9.1%')?.verdict).toBe('unsupported')
  })

  it('reads captions that lost their spaces and the section words in front of them', () => {
    const squashed = {
      n: 1,
      text: 'Statements of Earnings $ in millions 2023 2022\nRevenue $ 10,000 $ 8,000\nNetearningsfromcontinuingoperations 900 700\nNetearningsattributabletoAcmeCorp.shareholders $ 500 $ 640',
    }
    // 500 / 10,000 = 5.0 %; continuing operations (9.0 %) is not the net margin
    expect(verdict('The FY2023 net margin was 5.0%.', [squashed], 'What was the net profit margin in FY2023?', '5.0%')?.verdict).toBe(
      'derived',
    )
    expect(verdict('The FY2023 net margin was 9.0%.', [squashed], 'What was the net profit margin in FY2023?', '9.0%')?.verdict).toBe(
      'unsupported',
    )
  })

  it("sums an inventory heading's components for the quick ratio, never the first component alone", () => {
    const balance = {
      n: 1,
      text: '($ in millions) As of December 31, 2023 2022 Current assets: Cash $ 500 $ 600 Inventories, net Raw materials 300 280 Finished goods 700 640 Total current assets 2,400 2,300 Total current liabilities 2,000 1,900',
    }
    const q = 'Has the quick ratio improved between FY2022 and FY2023?'
    // (2,400 − 300 − 700) / 2,000 = 0.70; without finished goods it would be 1.05
    expect(verdict('The quick ratio was 0.70 in FY2023.', [balance], q, '0.70')).toMatchObject({ verdict: 'derived' })
    expect(verdict('The quick ratio was 1.05 in FY2023.', [balance], q, '1.05')?.verdict).toBe('unsupported')
  })

  it('knows operating working capital, and a "(Note 7)" in a caption is no figure', () => {
    const balance = {
      n: 1,
      text: 'Balance Sheets (in millions) 2023 2022 Current assets: Cash and cash equivalents $ 450 $ 380 Receivables (Note 7) 900 800 Total current assets 2,000 1,800 Current liabilities: Current portion of long-term debt (Notes 9 and 10) $ 100 $ 90 Accounts payable 720 650 Total current liabilities 1,300 1,200',
    }
    const q = 'Does the company have positive working capital based on FY2023 data?'
    // (2,000 − 450) − (1,300 − 100) = 350; plain working capital is 700
    expect(verdict('Yes, working capital of $350 million at FY2023 end.', [balance], q, '$350 million')?.verdict).toBe('derived')
    expect(verdict('Yes, working capital of $700 million at FY2023 end.', [balance], q, '$700 million')?.verdict).toBe('derived')
    expect(verdict('Yes, working capital of $420 million at FY2023 end.', [balance], q, '$420 million')?.verdict).toBe('unsupported')
  })

  it('accepts a change stated before the figures it is computed from', () => {
    const cash = {
      n: 1,
      text: 'Statements of Cash Flows (In millions) 2023 2022 Net income $ 1,000 $ 1,000 Net cash provided by operating activities 1,700 1,600 Purchases of property and equipment (200) (250)',
    }
    const r = checkFacts('FCF conversion improved by 15% from 135% in 2022 to 150% in 2023 [1]', [cash], {
      question: 'Is FCF conversion improving?',
    })
    expect(r.unsupportedNumbers).toEqual([])
    expect(r.checks.filter((c) => c.verdict === 'derived').map((c) => c.text)).toEqual(['15%', '135%', '150%'])
    // the stated figures are still checked: a wrong start makes the change wrong too
    const wrong = checkFacts('FCF conversion improved by 15% from 125% in 2022 to 150% in 2023 [1]', [cash], {
      question: 'Is FCF conversion improving?',
    })
    expect(wrong.unsupportedNumbers).toEqual(['125%'])
  })
})

describe('figures as answers write them', () => {
  it('reads "$8.70" as 8.7 and takes the unit the question asks for', () => {
    const balance = { n: 1, text: '(Dollars in millions) 2023 2022\nProperty, plant and equipment net 8,738 8,866' }
    const q = 'What is the year end FY2023 net PPNE? Answer in USD billions.'
    expect(verdict('$8.70', [balance], q, '$8.70')?.verdict).toBe('quoted')
    expect(verdict('$8.60', [balance], q, '$8.60')?.verdict).toBe('unsupported')
  })

  it('on a page without a declared unit, takes a whole number for thousands or millions but not billions', () => {
    const note = { n: 1, text: 'Restructuring charges by line 2023 2022 Cost of sales $ 33 $ 29 Selling expenses 411 247' }
    const q = 'What were the restructuring costs in FY2023?'
    expect(verdict('Restructuring costs were $411 million.', [note], q, '$411 million')?.verdict).toBe('quoted')
    expect(verdict('Restructuring costs were $411 billion.', [note], q, '$411 billion')?.verdict).toBe('unsupported')
  })
})

describe('what prose and rows say about a figure', () => {
  const prose = {
    n: 1,
    text: 'Inventories at the end of the year were $2.1 billion. The $95.0 million increase was primarily due to the opening of 38 new stores since February 1, 2022, and higher costs. During fiscal 2022, the Company repurchased 1.1 million shares of its common stock at a cost of $250.0 million. During the fourth quarter of fiscal 2022, the Company repurchased 300,000 shares of its common stock at a cost of $70.0 million.',
  }

  it('anchors a prose figure by its sentence: "38 new stores"', () => {
    const q = 'What drove the increase in inventories?'
    expect(verdict('The increase was driven by the opening of 38 new stores.', [prose], q, '38')?.verdict).toBe('quoted')
    expect(verdict('The increase was driven by the opening of 29 new stores.', [prose], q, '29')?.verdict).toBe('unsupported')
  })

  it('reads a bare "28%" through the question\'s words when the answer names nothing', () => {
    const q = 'What percent of total stock repurchases in fiscal 2022 occurred in the fourth quarter?'
    // 70.0 / 250.0
    expect(verdict('28%', [prose], q, '28%')?.verdict).toBe('derived')
    expect(verdict('31%', [prose], q, '31%')?.verdict).toBe('unsupported')
  })

  it('quotes a row the claim names in full, percent sign or not', () => {
    const table = {
      n: 1,
      text: 'Sales change by segment Organic Translation Total Industrial 2.1 % (3.0) % (0.9) % Consumer (1.4) (2.2) (3.6)',
    }
    const q = 'Which segment dragged growth down organically?'
    expect(verdict('The consumer segment shrank 1.4% organically.', [table], q, '1.4%')?.verdict).toBe('quoted')
    expect(verdict('The consumer segment shrank 1.6% organically.', [table], q, '1.6%')?.verdict).toBe('unsupported')
  })

  it('derives a share of a total only from a row whose last cell is the sum of the others', () => {
    const liability = {
      n: 1,
      text: '($ in millions) Employee Costs Asset Costs Other Costs Total Liability balance at March 31, 2023 $ 60 $ 6 $ 14 $ 80',
    }
    const q = 'What is the nature of the restructuring liability?'
    // 60 / 80
    expect(verdict('75% of the total restructuring liability is employee costs.', [liability], q, '75%')?.verdict).toBe('derived')
    const noTotal = { ...liability, text: liability.text.replace('$ 80', '$ 90') }
    expect(verdict('75% of the total restructuring liability is employee costs.', [noTotal], q, '75%')?.verdict).toBe('unsupported')
  })

  it('takes the year of a January date as the fiscal year before it', () => {
    const r = checkFacts('The 12 months ended January 28, 2023 are fiscal 2022 here, with 38 new stores [1].', [prose], {})
    expect(r.checks.find((c) => c.text === '2023')).toMatchObject({ verdict: 'context' })
    // a year two off is still a year no source mentions
    const far = checkFacts('The 12 months ended January 28, 2024 [1].', [prose], {})
    expect(far.unsupportedNumbers).toEqual(['2024'])
  })

  it('reads "percentage points" as a change in points, of a named metric or of two percentages a sentence states', () => {
    const q = 'Is the gross margin of the company improving as of FY2023?'
    expect(verdict('Gross margin fell 1.7 percentage points in FY2023.', [income], q, '1.7 percentage points')?.verdict).toBe('derived')
    const outlook = {
      n: 1,
      text: 'Given the strong quarter, we now expect full-year organic revenue to increase 7 percent (previously 4 percent) and core earnings per share to increase 10 percent (previously 8 percent), the company said.',
    }
    const g = 'By how many percentage points did the company raise its core earnings per share guidance?'
    expect(
      verdict('The company raised core earnings per share guidance by 2 percentage points.', [outlook], g, '2 percentage points'),
    ).toMatchObject({
      verdict: 'derived',
      expression: '2 percentage points = 10 percent − 8 percent [1]',
    })
    // 3 points is the revenue outlook's raise, not the one the claim names
    expect(
      verdict('The company raised core earnings per share guidance by 3 percentage points.', [outlook], g, '3 percentage points')?.verdict,
    ).toBe('unsupported')
  })
})
