import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSqliteCorpus } from '../../src/adapters/sqlite/sqlite-corpus.js'
import type { Corpus } from '../../src/core/corpus.js'
import { createAnswerer, type Answerer } from '../../src/core/answer/answerer.js'
import { createStaticVoiceResolver } from '../../src/core/answer/static-voice-resolver.js'
import { statementFacts } from '../../src/core/facts/statement-facts.js'
import { createHybridRetriever } from '../../src/core/retrieval/hybrid-retriever.js'
import { createLogger } from '../../src/logger.js'
import { doc } from '../http/answer-harness.js'

const PAGES = [
  [
    'Zeta Corp Consolidated Statements of Income',
    '(in millions, except per share data)\t2023\t2022\t2021',
    'Net sales\t$\t1,250\t$\t1,000\t$\t800',
    'Cost of sales\t(750)\t(640)\t(520)',
    'Gross profit\t500\t360\t280',
    'Operating income\t150\t120\t90',
    'Net income\t$\t100\t$\t80\t$\t60',
  ].join('\n'),
  [
    'Zeta Corp Consolidated Balance Sheets',
    '(in millions)\t2023\t2022',
    'Cash and cash equivalents\t$\t300\t$\t250',
    'Accounts receivable, net\t200\t180',
    'Total current assets\t600\t520',
    'Total current liabilities\t400\t390',
    'Current portion of long-term debt\t50\t20',
    'Long-term debt\t900\t1,000',
  ].join('\n'),
]

// Real store, real retriever, facts extracted from the pages and stored with them; no model.
describe('computed answers in extractive mode', () => {
  let dir: string
  let corpus: Corpus
  let answerer: Answerer
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-computed-'))
    const logger = createLogger({ level: 'silent' })
    corpus = createSqliteCorpus({ path: path.join(dir, 'store.db'), logger })
    const facts = PAGES.flatMap((text, i) => statementFacts(text, i + 1))
    await corpus.commitVersion({
      ...doc('zeta-2023-10k', PAGES, { title: 'Zeta 2023 Form 10-K', company: 'Zeta', fiscalYear: 2023, docType: '10-K' }),
      facts,
    })
    answerer = createAnswerer({
      retriever: createHybridRetriever({ corpus, logger }),
      voices: createStaticVoiceResolver({ chatModel: undefined }),
      logger,
      facts: corpus.facts?.bind(corpus),
    })
  })
  afterAll(async () => {
    await corpus.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('computes a growth rate with its formula, inputs and citation, and the fact-lock calls it derived', async () => {
    const r = await answerer.ask('What was Zeta net sales growth in FY2023?')
    const first = r.answer.split('\n')[0]
    expect(first).toMatch(/^Revenue growth 2023 \(computed\): 25\.0% = \(1,250 − 1,000\) \/ 1,000 \[\d\]$/)
    expect(r.citations.map((c) => c.pageStart)).toContain(1)
    expect(r.checks.find((c) => c.text === '25.0%')).toMatchObject({ verdict: 'derived' })
    expect(r.unsupportedNumbers).toEqual([])
  })

  it('computes a ratio across statements and a multi-year average of a margin', async () => {
    const ratio = await answerer.ask('What is the current ratio of Zeta for FY2023 (total current assets, total current liabilities)?')
    expect(ratio.answer.split('\n')[0]).toMatch(/^Current ratio 2023 \(computed\): 1\.50 = 600 \/ 400 \[\d\]$/)
    const avg = await answerer.ask('What is the FY2021 - FY2023 average gross margin of Zeta (gross profit over net sales)?')
    // (280/800 + 360/1000 + 500/1250) / 3 = (35 % + 36 % + 40 %) / 3 = 37.0 %
    expect(avg.answer.split('\n')[0]).toMatch(
      /^Gross margin, 2021–2023 average \(computed\): 37\.0% = mean of 280 \/ 800, 360 \/ 1,000, 500 \/ 1,250 \[\d\]$/,
    )
  })

  it('names the missing input instead of guessing', async () => {
    const r = await answerer.ask('What is the quick ratio of Zeta for FY2023 (total current assets, total current liabilities)?')
    expect(r.answer.split('\n')[0]).toBe('Cannot compute the quick ratio for 2023: no "inventories" row for 2023 on the cited pages.')
    const missingYear = await answerer.ask('What was Zeta net sales growth in FY2021?')
    expect(missingYear.answer.split('\n')[0]).toBe(
      'Cannot compute the revenue growth for 2020: no "total revenue" row for 2020 on the cited pages.',
    )
  })

  it('computes the change of debt as the debt lines summed for both years, and the fact-lock derives it', async () => {
    const r = await answerer.ask('Has Zeta increased its debt between FY2022 and FY2023?')
    // (50 + 900) − (20 + 1,000) = −70
    expect(r.answer.split('\n')[0]).toMatch(/^Change in debt 2023 \(computed\): -\$70 million = \(50 \+ 900\) − \(20 \+ 1,000\) \[\d\]$/)
    expect(r.checks.find((c) => c.text === '$70 million')).toMatchObject({ verdict: 'derived' })
    expect(r.unsupportedNumbers).toEqual([])
  })
})
