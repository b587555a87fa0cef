import { describe, expect, it } from 'vitest'
import { assembleContext, renderSources, toCitation } from '../../src/core/answer/context.js'
import { extractiveAnswer } from '../../src/core/answer/extractive.js'
import { loadPrompt } from '../../src/core/answer/prompt-library.js'
import type { RetrievedSource } from '../../src/core/retrieval/retriever.js'

function source(documentId: string, text: string, pageStart = 1, pageEnd = pageStart): RetrievedSource {
  return {
    documentId,
    version: 2,
    meta: { title: `${documentId} title` },
    pageStart,
    pageEnd,
    sectionPath: [],
    text,
    ordinals: [0],
    score: 1,
  }
}

/** Pages as the numbered sources an answer cites, [1] first. */
function numbered(...texts: string[]): { n: number; source: RetrievedSource; text: string }[] {
  return texts.map((text, i) => ({ n: i + 1, source: source(`s${i}`, text), text }))
}

// A word is one token here: budgets are checked against the counter the answerer is given.
const words = (t: string): number => t.split(/\s+/).filter(Boolean).length
const budget = (maxTokens: number) => ({
  maxTokens,
  countTokens: words,
  truncate: (t: string, n: number) => t.split(/\s+/).slice(0, n).join(' '),
})

describe('assembleContext', () => {
  const long = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(' ')

  it('numbers sources in rank order and stops at the budget', () => {
    const out = assembleContext([source('a', long(100)), source('b', long(100)), source('c', long(100))], budget(230))
    expect(out.map((s) => [s.n, s.source.documentId])).toEqual([
      [1, 'a'],
      [2, 'b'],
    ])
    const total = out.reduce((n, s) => n + words(renderSources([s])), 0)
    expect(total).toBeLessThanOrEqual(230)
  })

  it('cuts the best source to fit rather than dropping it', () => {
    const out = assembleContext([source('a', long(500))], budget(120))
    expect(out).toHaveLength(1)
    expect(words(renderSources(out))).toBeLessThanOrEqual(120)
  })

  it('renders title, version and page span, and escapes markup in the text', () => {
    const [s] = assembleContext([source('a', 'x </source> <b>&', 4, 6)], budget(100))
    expect(renderSources([s!])).toBe('<source n="1" title="a title" version="2" pages="4-6">\nx &lt;/source&gt; &lt;b&gt;&amp;\n</source>')
    expect(toCitation(s!)).toEqual({
      n: 1,
      documentId: 'a',
      version: 2,
      title: 'a title',
      pageStart: 4,
      pageEnd: 6,
      locator: 'p. 4-6',
      snippet: 'x </source> <b>&',
    })
  })

  it.each([
    [{ kind: 'slide' as const }, 3, 3, [], 'slide 3', 'location="slide 3"'],
    [{ kind: 'sheet' as const, names: ['Revenue', 'Costs'] }, 2, 2, [], 'sheet Costs', 'location="sheet Costs"'],
    [
      { kind: 'section' as const, names: ['Intro', 'Risk Factors'] },
      1,
      2,
      [],
      'section 1 (Intro) to section 2 (Risk Factors)',
      'location="section 1 (Intro) to section 2 (Risk Factors)"',
    ],
    [undefined, 5, 5, [5], 'p. 5 (OCR)', 'pages="5"'],
    [undefined, 5, 6, [9], 'p. 5-6', 'pages="5-6"'],
  ])('names units as the document has them: %o %i-%i', (units, start, end, ocrPages, locator, attr) => {
    const src = { ...source('a', 'text', start, end), meta: { title: 't', ...(units === undefined ? {} : { units }), ocrPages } }
    const [s] = assembleContext([src], budget(100))
    expect(toCitation(s!).locator).toBe(locator)
    expect(renderSources([s!])).toContain(attr)
  })
})

describe('prompt library', () => {
  it('loads versioned files and fills slots in one pass', () => {
    const p = loadPrompt('answer', 1)
    expect(p.ref).toBe('answer@1')
    expect(loadPrompt('answer', 2).ref).toBe('answer@2')
    const [system, user] = p.render({ sources: 'S {{question}}', exemplars: '', question: 'Q?' })
    expect(system?.role).toBe('system')
    expect(user?.content).toContain('S {{question}}')
    expect(user?.content).toContain('Question: Q?')
  })
})

describe('extractiveAnswer', () => {
  const sources = [
    {
      n: 1,
      source: source('a', ''),
      text: 'The company was founded long ago. Net revenue was $5,000 million in 2021.\nOperating margin was 12%.',
    },
    { n: 2, source: source('b', ''), text: 'Revenue guidance for 2022 is unchanged. Employees number 10,000.' },
  ]
  it('picks the sentences sharing the most question terms, each with its citation', () => {
    const r = extractiveAnswer('What was net revenue in 2021?', sources)
    expect(r.answer.split('\n')[0]).toBe('Net revenue was $5,000 million in 2021. [1]')
    expect(r.cited).toContain(1)
  })
  it('falls back to the top source when no sentence shares a term', () => {
    expect(extractiveAnswer('zebra', sources)).toEqual({ answer: 'The company was founded long ago. [1]', cited: [1] })
  })
})

describe('extractiveAnswer on a statement page', () => {
  const page = [
    'Cash flows from investing activities are discussed in the section on capital spending, which the company expects to grow.',
    '(Millions) 2018 2017 2016',
    'Net cash provided by operating activities 6,439 6,240 6,662',
    'Purchases of property, plant and equipment (PP&E) (1,577) (1,373) (1,420)',
  ].join('\n')
  const sources = [{ n: 1, source: source('m', ''), text: page }]
  it('quotes the row the finance concept prints as, not prose that repeats the question words', () => {
    const r = extractiveAnswer('What was the capital expenditure in 2018?', sources, { maxSentences: 1 })
    expect(r.answer).toBe('Purchases of property, plant and equipment (PP&E) (1,577) (1,373) (1,420) [1]')
  })
})

describe('extractive sentences', () => {
  it('keeps initials and abbreviations inside a sentence', () => {
    const text =
      'The Board appointed Mary N. Dillon as President and Chief Executive Officer of Foot Locker, Inc. on September 1, 2022. Richard A. Johnson will remain Executive Chair until then.'
    const r = extractiveAnswer('Who did the Board appoint as Chief Executive Officer?', numbered(text))
    expect(r.answer.split('\n')[0]).toBe(
      'The Board appointed Mary N. Dillon as President and Chief Executive Officer of Foot Locker, Inc. on September 1, 2022. [1]',
    )
  })
})

describe('extractive choice for what a question asks', () => {
  it('answers "what drove …" with the sentence giving the cause, which speaks of the line the sentence before names', () => {
    const text = [
      'Balance Sheet',
      '(in thousands) 2023 2022',
      'Merchandise inventories, net 1,210,400 1,105,900',
      'Merchandise inventories, net at year end totaled $1.2 billion compared to $1.1 billion a year earlier. The $104.5 million increase was primarily due to 31 new stores and higher product costs.',
    ].join('\n')
    const r = extractiveAnswer('What drove the increase in merchandise inventories?', numbered(text), {
      maxSentences: 1,
    })
    expect(r.answer).toBe('The $104.5 million increase was primarily due to 31 new stores and higher product costs. [1]')
    // asked for the figure, the row still comes first
    const figure = extractiveAnswer('What were merchandise inventories in 2023?', numbered(text), {
      maxSentences: 1,
    })
    expect(figure.answer).toBe('Merchandise inventories, net 1,210,400 1,105,900 [1]')
  })

  it('finds "Total cash provided by operating activities" for a question about operating, investing and financing cash flows', () => {
    const text = [
      'Statements of Cash Flows ($ in millions) 2023 2022',
      'Total cash provided by operating activities 1,900 3,100',
      'Total cash used in investing activities (850) (1,200)',
    ].join('\n')
    const r = extractiveAnswer('Which of operating, investing and financing activities brought in the most cash flow?', numbered(text))
    expect(r.answer.split('\n')).toContain('Total cash provided by operating activities 1,900 3,100 [1]')
  })

  it('takes a sentence ending in a date for prose, not a statement row, and joins prose lines the page wrapped', () => {
    const text = [
      'Note 4 - Acquisitions',
      'On May 2, 2023, the Company completed the acquisition of 100% of a labels maker in Poland that',
      'serves food brands.',
      'The fair values of the net assets acquired are based on the best estimate as of June 30, 2023.',
    ].join('\n')
    const r = extractiveAnswer('Which acquisitions did the company complete?', numbered(text), {
      maxSentences: 2,
    })
    expect(r.answer.split('\n')).toContain(
      'On May 2, 2023, the Company completed the acquisition of 100% of a labels maker in Poland that serves food brands. [1]',
    )
    expect(r.answer).not.toContain('fair values')
  })

  describe("a span's table and its twin", () => {
    // A made-up release: the quarter's reconciliation in the top source, the year's in the sixth.
    const quarter = [
      'Reconciliation of non-GAAP measures',
      'Three Months Ended March 31, 2024 Three Months Ended March 31, 2025 ($ million) EBITDA EBIT',
      'Net income attributable to Fernwick 74 74 91 91',
      'Adjusted EBITDA, EBIT and Net income 312 240 355 281',
      '(1) Calculation of diluted EPS for the twelve months ended March 31, 2025 excludes shares to be repurchased.',
      'Adjusted EBITDA 312 355',
    ].join('\n')
    const year = [
      'Twelve Months Ended March 31, 2024 Twelve Months Ended March 31, 2025 ($ million) EBITDA EBIT',
      'Net income attributable to Fernwick 402 402 455 455',
      'Adjusted EBITDA, EBIT and Net income 1,291 1,010 1,377 1,096',
    ].join('\n')
    const filler = (i: number): string => `Fernwick operates plants in ${i + 3} countries and sells to packaging customers.`
    const sources = numbered(quarter, filler(1), filler(2), filler(3), filler(4), year)

    it("answers a fiscal-year question from the twelve-month table, not the quarter's, even from a later source", () => {
      const r = extractiveAnswer("What was Fernwick's adjusted EBITDA for FY 2025?", sources, { maxSentences: 1 })
      expect(r.answer).toBe('Adjusted EBITDA, EBIT and Net income 1,291 1,010 1,377 1,096 [6]')
    })

    it("answers a quarter's question from the three-month table", () => {
      const r = extractiveAnswer("What was Fernwick's adjusted EBITDA in Q4 of fiscal 2025?", numbered(year, filler(1), quarter), {
        maxSentences: 1,
      })
      expect(r.answer).toBe('Adjusted EBITDA, EBIT and Net income 312 240 355 281 [3]')
    })

    it('reads "Fourth Quarter" and "Full Year" column headings, and no row whose label names a quarter as a heading', () => {
      const fourth = ['Fourth Quarter 2025 Fourth Quarter 2024', 'Adjusted operating income 88 80'].join('\n')
      const full = ['Full Year 2025 Full Year 2024', 'Stores opened in the fourth quarter 16 9', 'Adjusted operating income 402 371'].join(
        '\n',
      )
      const r = extractiveAnswer('What was adjusted operating income for the full year 2025?', numbered(fourth, filler(1), full), {
        maxSentences: 1,
      })
      expect(r.answer).toBe('Adjusted operating income 402 371 [3]')
    })

    it('reads a footnote naming a span as no heading, and searches no further when no table of the other span is among the top sources', () => {
      // the footnote mentions "twelve months ended" but the rows after it are still the quarter's
      const r = extractiveAnswer('What was adjusted EBITDA for the quarter?', numbered(quarter), { maxSentences: 2 })
      expect(r.answer.split('\n')).toContain('Adjusted EBITDA 312 355 [1]')
      // with no quarter table among the top four, the year's table in the sixth source is not reached
      const plain = extractiveAnswer(
        "What was Fernwick's adjusted EBITDA for FY 2025?",
        numbered(filler(0), filler(1), filler(2), filler(3), filler(4), year),
      )
      expect(plain.answer).not.toContain('1,377')
    })
  })

  describe('which item performed best or worst', () => {
    // A made-up retailer's MD&A: the category sentences print none of the question's words.
    const text = [
      'Notable comparable sales changes by revenue category were as follows:',
      'Outdoor Living: The 4.2% comparable sales growth was driven primarily by grills.',
      'Kitchenware: The 12.5% comparable sales decline was driven primarily by small appliances, partially offset by comparable sales growth in cookware.',
      'Garden Tools: The 11.3% comparable sales growth was driven primarily by mowers.',
      'Home Office: Revenue decreased by 3.1% on lower desk sales.',
      'Toys: Revenue increased 6.0% on holiday demand.',
      'Revenue by product category for the quarter is presented in Note 11 to the condensed financial statements.',
    ].join('\n')
    const sources = numbered(text)

    it('leads with the largest change in the direction asked', () => {
      const best = extractiveAnswer('Which Tamberlane product category performed the best in the second quarter?', sources)
      expect(best.answer.split('\n')[0]).toBe('Garden Tools: The 11.3% comparable sales growth was driven primarily by mowers. [1]')
      // a decline of a larger percent is no candidate, nor is the growth a decline sentence mentions without a figure
      expect(best.answer).not.toContain('Kitchenware')
      const worst = extractiveAnswer('Which category dragged down Tamberlane sales growth in the quarter?', sources, { maxSentences: 2 })
      expect(worst.answer.split('\n')[0]).toBe(
        'Kitchenware: The 12.5% comparable sales decline was driven primarily by small appliances, partially offset by comparable sales growth in cookware. [1]',
      )
      expect(worst.answer.split('\n')[1]).toBe('Home Office: Revenue decreased by 3.1% on lower desk sales. [1]')
    })

    it('weighs no direction for a question that asks for none', () => {
      const r = extractiveAnswer('Where is revenue by product category presented?', sources, { maxSentences: 1 })
      expect(r.answer).toBe(
        'Revenue by product category for the quarter is presented in Note 11 to the condensed financial statements. [1]',
      )
    })
  })
})
