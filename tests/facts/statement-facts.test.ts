import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PDFParse } from 'pdf-parse'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../bin/cli.js'
import { statementFacts, type StatementFact } from '../../src/core/facts/statement-facts.js'
import { makeReportPdf } from '../support/pdf-fixtures.js'
import { capture } from '../support/capture-stream.js'

const row = (facts: readonly StatementFact[], label: string): [string, number][] =>
  facts.filter((f) => f.label === label).map((f) => [f.period, f.value])

describe('statementFacts', () => {
  const page = [
    'Consolidated Statements of Cash Flows',
    '(Dollars in millions, except per share data)\t2019\t2018\t2017 Cash flows from operating activities:',
    'Net income\t$\t1,503\t$\t1,848\t$\t273 Adjustments to reconcile net income to net cash:',
    'Deferred income taxes\t(352)\t(35)\t(181)',
    'Non-cash operating lease cost\t64\t—\t—',
    'Amortization of capitalized software development costs and intellectual property',
    'licenses (1)\t225\t489\t311',
    'Investing activities',
    'Capital expenditures\t(116)\t(131)\t(155)',
    'Diluted earnings per share\t$\t1.95\t$\t2.35\t$\t0.36',
  ].join('\n')
  const facts = statementFacts(page, 7)

  it('reads a label, one value per period, accounting negatives, dashes, continued labels and the unit', () => {
    expect(row(facts, 'Net income')).toEqual([
      ['2019', 1503],
      ['2018', 1848],
      ['2017', 273],
    ])
    expect(row(facts, 'Deferred income taxes')).toEqual([
      ['2019', -352],
      ['2018', -35],
      ['2017', -181],
    ])
    expect(row(facts, 'Non-cash operating lease cost')).toEqual([
      ['2019', 64],
      ['2018', 0],
      ['2017', 0],
    ])
    expect(row(facts, 'Amortization of capitalized software development costs and intellectual property licenses')).toEqual([
      ['2019', 225],
      ['2018', 489],
      ['2017', 311],
    ])
    // a heading on its own line is not glued onto the next row's label
    expect(row(facts, 'Capital expenditures')).toEqual([
      ['2019', -116],
      ['2018', -131],
      ['2017', -155],
    ])
    expect(facts.find((f) => f.label === 'Capital expenditures')).toMatchObject({ page: 7, scale: 1e6 })
    expect(facts.find((f) => f.label === 'Diluted earnings per share')).toMatchObject({ value: 1.95, scale: 1 })
  })

  it('stores no fact when unsure: ragged rows, percent columns, repeated years, no header, prose, another grid', () => {
    const bad = [
      'Revenue 1,975 2,255', // before any header
      'Three Months Ended Nine Months Ended',
      'June 30, 2023 2022 2023 2022', // years repeat: which column is which period is unknowable
      'Net sales 100 90 300 280',
      '(in millions) 2023 2022',
      'Product sales\t$\t1,975\t30 %\t$\t2,255\t30%', // a percent column beside each amount
      'Other income 1,2', // split over lines: one cell for two periods
      '34 56',
      'Gross profit 500 400 300', // ragged: three cells under two periods ends the table
      'Operating income 100 90',
      '2021 2020',
      'The company discussed results at length in this paragraph, which is prose and not a row of a table at all.',
      'Net loss (5) (6)',
    ].join('\n')
    const out = statementFacts(bad, 3)
    expect(out.map((f) => `${f.label}|${f.period}|${f.value}`)).toEqual([])
  })

  it('reads a header whose years carry footnote marks ("2021*", "2020(a)")', () => {
    const selected = [
      'Item 6. Selected Financial Data.',
      '(Dollars in millions, except per share amounts)\t2021*\t2020(a)\t2019\t2018 Years ended December 31:',
      'Net sales\t$\t12,410 $\t11,902 $\t11,377 $\t10,861',
      'Net income\t1,205\t1,117\t998\t1,010',
      '* Restated for the adoption of a new leasing standard.',
    ].join('\n')
    const got = statementFacts(selected, 14)
    expect(row(got, 'Net sales')).toEqual([
      ['2021', 12410],
      ['2020', 11902],
      ['2019', 11377],
      ['2018', 10861],
    ])
    expect(got.find((f) => f.label === 'Net income' && f.period === '2019')).toMatchObject({ value: 998, page: 14 })
    expect(got.every((f) => f.scale === 1e6)).toBe(true)
  })

  it('never throws on arbitrary text', () => {
    let seed = 7
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    const pieces = ['2023', '2022', '(370)', '—', '$', '\t', '\n', 'Net sales', '%', '1,234', '(1)', 'in millions', ')', '(', 'Total']
    for (let i = 0; i < 300; i++) {
      const text = Array.from({ length: 40 }, () => pieces[Math.floor(rand() * pieces.length)]).join(' ')
      for (const f of statementFacts(text, 1)) {
        expect(Number.isFinite(f.value)).toBe(true)
        expect(f.period).toMatch(/^(?:19|20)\d\d$/)
      }
    }
  })
})

describe('statement facts at ingest (generated PDF) and `ragtune documents facts`', () => {
  let dir: string
  const env = { LOG_LEVEL: 'error' }
  const cli = async (args: string[]) => {
    const stdout = capture()
    const stderr = capture()
    const code = await main(['--data-dir', path.join(dir, 'data'), ...args], { env, stdout, stderr })
    return { code, stdout, stderr }
  }
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-facts-'))
    fs.writeFileSync(path.join(dir, 'ACME_2023_10K.pdf'), await makeReportPdf({ pages: 3 }))
  })
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  it('stores the report table as facts with page, period and unit, and prints them', async () => {
    expect((await cli(['ingest', path.join(dir, 'ACME_2023_10K.pdf'), '--json'])).code).toBe(0)
    const json = await cli(['documents', 'facts', 'acme_2023_10k', '--json'])
    expect(json.code).toBe(0)
    const { facts } = JSON.parse(json.stdout.text()) as { facts: StatementFact[] }
    expect(row(facts, 'Industrial widgets')).toEqual([
      ['2023', 1234],
      ['2022', 1100],
      ['2021', 998],
    ])
    expect(row(facts, 'Total net sales')).toEqual([
      ['2023', 1801],
      ['2022', 1612],
      ['2021', 1468],
    ])
    expect(facts.every((f) => f.page === 3 && f.scale === 1e6)).toBe(true)
    const text = await cli(['documents', 'facts', 'acme_2023_10k', '--page', '3'])
    expect(text.stdout.text()).toContain('p3\t2023\t1,801\tmillions\tTotal net sales')
    expect(JSON.parse((await cli(['documents', 'facts', 'acme_2023_10k', '--page', '1', '--json'])).stdout.text())).toEqual({
      id: 'acme_2023_10k',
      facts: [],
    })
    const missing = await cli(['documents', 'facts', 'nope'])
    expect(missing.code).toBe(1)
    expect(missing.stderr.text()).toContain('[document_not_found]')
  })
})

describe('statement facts on FinanceBench pages (rows checked by hand against the filing)', () => {
  // CI has ../shared/data; the PDF is read from there, never copied into the repo
  const pdf = path.resolve('../shared/data/financebench/pdfs/3M_2018_10K.pdf')

  it('3M 2018 10-K: income statement, balance sheet and cash flow rows; the equity statement gives none', async () => {
    const parser = new PDFParse({ data: new Uint8Array(fs.readFileSync(pdf)) })
    try {
      const { pages } = await parser.getText({ first: 56, last: 60 })
      const byPage = new Map(pages.map((p) => [p.num, statementFacts(p.text, p.num)]))
      expect(row(byPage.get(56) ?? [], 'Net sales')).toEqual([
        ['2018', 32765],
        ['2017', 31657],
        ['2016', 30109],
      ])
      expect(row(byPage.get(58) ?? [], 'Total current assets')).toEqual([
        ['2018', 13709],
        ['2017', 14277],
      ])
      expect(row(byPage.get(58) ?? [], 'Total assets')).toEqual([
        ['2018', 36500],
        ['2017', 37987],
      ])
      expect(row(byPage.get(60) ?? [], 'Purchases of property, plant and equipment (PP&E)')).toEqual([
        ['2018', -1577],
        ['2017', -1373],
        ['2016', -1420],
      ])
      expect(byPage.get(60)?.[0]?.scale).toBe(1e6)
      // columns of the statement of changes in equity are components, not periods
      expect(byPage.get(59)).toEqual([])
    } finally {
      await parser.destroy()
    }
  })
})
