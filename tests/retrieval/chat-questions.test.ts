import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSqliteCorpus } from '../../src/adapters/sqlite/sqlite-corpus.js'
import { createParserPool } from '../../src/adapters/pdf/parser-pool.js'
import { ingestPaths } from '../../src/core/ingest/ingest-paths.js'
import type { Corpus } from '../../src/core/corpus.js'
import type { DocumentParser } from '../../src/core/ingest/document-parser.js'
import { createHybridRetriever } from '../../src/core/retrieval/hybrid-retriever.js'
import { createAnswerer, type Answerer } from '../../src/core/answer/answerer.js'
import { createLogger } from '../../src/logger.js'
import { BUSINESS_PAGE, CASH_FLOW_PAGE, writeFiling } from './filing-fixtures.js'

/** Questions as chat users type them, over generated 10-K-like filings of three issuers. */
const logger = createLogger({ level: 'silent' })
let dir: string
let corpus: Corpus
let parser: DocumentParser
let answerer: Answerer
const retriever = () => createHybridRetriever({ corpus, logger })

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-chat-q-'))
  corpus = createSqliteCorpus({ path: path.join(dir, 'store.db'), logger })
  parser = createParserPool({ size: 0, logger })
  const business = 'designs and manufactures hand tools, power tools and storage systems for professionals.'
  const files = [
    await writeFiling(dir, { file: 'ZEPHYR_2017_10K.pdf', registrant: 'Zephyr Tools Corporation', year: 2017, capex: '1,111', business }),
    await writeFiling(dir, { file: 'ZEPHYR_2021_10K.pdf', registrant: 'Zephyr Tools Corporation', year: 2021, capex: '1,577', business }),
    await writeFiling(dir, {
      file: 'ORION_2021_10K.pdf',
      registrant: 'Orion Foods, Inc.',
      year: 2021,
      capex: '2,468',
      ticker: 'ORFD',
      business: 'makes packaged snacks and beverages.',
    }),
    await writeFiling(dir, { file: 'VEGA_2021_10K.pdf', registrant: 'Vega Mining Corp', year: 2021, capex: '3,210' }),
  ]
  const { summary } = await ingestPaths({ corpus, parser, logger, limits: { maxFileBytes: 10_000_000, maxPages: 100 } }, files)
  expect(summary.failed).toBe(0)
  answerer = createAnswerer({
    retriever: retriever(),
    logger,
    voices: { list: () => Promise.resolve([]), resolve: () => Promise.resolve({ voiceId: null, model: undefined, exemplars: [] }) },
  })
})

afterAll(async () => {
  await parser.close()
  await corpus.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('overview questions', () => {
  it.each(['Tell me about Zephyr Tools', 'Zephyr Tools', 'What does Zephyr Tools do?', 'zephyr tools overview'])(
    '%s → the business overview page',
    async (q) => {
      const r = await retriever().retrieve(q, { topK: 4 })
      expect(r.intent?.kind).toBe('overview')
      // no period named: the newest 10-K
      expect(r.sources.every((s) => s.documentId === 'zephyr_2021_10k')).toBe(true)
      expect(r.sources.map((s) => s.pageStart)).toContain(BUSINESS_PAGE)
    },
  )

  it('answers an overview extractively from the overview page, not "no passage"', async () => {
    const a = await answerer.ask('Tell me about Orion Foods')
    expect(a.citations.some((c) => c.documentId === 'orion_2021_10k' && c.pageStart === BUSINESS_PAGE)).toBe(true)
  })
})

describe('multi-entity questions', () => {
  it('retrieves both companies of a comparison, each with its own budget, labelled by side', async () => {
    const r = await retriever().retrieve('compare Zephyr Tools and Orion Foods capital expenditure in 2021', { topK: 4 })
    expect(r.intent).toEqual({ kind: 'comparison', sides: ['Zephyr Tools', 'Orion Foods'] })
    expect(r.sources.map((s) => s.documentId)).toEqual(['zephyr_2021_10k', 'orion_2021_10k', 'zephyr_2021_10k', 'orion_2021_10k'])
    expect(r.sources.slice(0, 2).every((s) => s.pageStart === CASH_FLOW_PAGE)).toBe(true)
  })

  it('cites both sides in an extractive answer, rows under each side’s name', async () => {
    const a = await answerer.ask('Zephyr Tools vs Orion Foods capex 2021')
    expect(new Set(a.citations.map((c) => c.documentId))).toEqual(new Set(['zephyr_2021_10k', 'orion_2021_10k']))
    expect(a.answer).toMatch(/^Zephyr Tools:\n.*\(1,577\)[\s\S]*\n\nOrion Foods:\n.*\(2,468\)/)
  })

  it('splits one company in two years no single filing covers into two sides', async () => {
    const r = await retriever().retrieve("How did Zephyr Tools' capex change between 2017 and 2021?", { topK: 4 })
    expect(r.intent?.sides).toEqual(['Zephyr Tools 2017', 'Zephyr Tools 2021'])
    expect(new Set(r.sources.map((s) => s.documentId))).toEqual(new Set(['zephyr_2017_10k', 'zephyr_2021_10k']))
  })

  it('keeps the entity through a follow-up', async () => {
    const other = await answerer.ask('what about Orion Foods?', {
      history: [
        { role: 'user', content: 'What was Zephyr Tools capital expenditure in 2021?' },
        { role: 'assistant', content: '1,577 [1]' },
      ],
    })
    expect(other.citations.some((c) => c.documentId === 'orion_2021_10k')).toBe(true)
    const year = await answerer.ask('and in 2017?', {
      history: [{ role: 'user', content: 'What was Zephyr Tools capital expenditure in 2021?' }],
    })
    expect(year.citations.some((c) => c.documentId === 'zephyr_2017_10k')).toBe(true)
  })
})

describe('questions the documents do not answer', () => {
  it('says a company is not held and names what is, with no sources', async () => {
    const a = await answerer.ask('Tell me about Nvidia')
    expect(a.citations).toEqual([])
    expect(a.answer).toContain('do not cover Nvidia')
    for (const name of ['Zephyr Tools', 'Orion Foods', 'Vega Mining']) expect(a.answer).toContain(name)
  })

  it.each(["What was Tesla's revenue in 2021?", 'How much did Acme spend on research in 2021?'])('%s → not held', async (q) => {
    const r = await retriever().retrieve(q)
    expect(r.intent?.kind).toBe('off-corpus')
    expect(r.sources).toEqual([])
  })

  it('says which side of a comparison is not held, and answers the side that is', async () => {
    const a = await answerer.ask('Compare Zephyr Tools and Nvidia capital expenditure in 2021')
    expect(a.answer.startsWith('The indexed documents do not cover Nvidia.\n\n')).toBe(true)
    expect(a.citations.some((c) => c.documentId === 'zephyr_2021_10k')).toBe(true)
    const plain = await answerer.ask('Zephyr Tools capital expenditure in 2021')
    expect(plain.answer).not.toContain('do not cover')
  })

  it('answers small talk briefly, without sources', async () => {
    for (const q of ['Hi! What can you do?', 'thanks!']) {
      const a = await answerer.ask(q)
      expect(a.citations).toEqual([])
      expect(a.answer).toContain('I answer questions about the indexed company documents')
    }
  })

  it('still searches a question that names no company but asks about the documents', async () => {
    const r = await retriever().retrieve('Which company reported purchases of property, plant and equipment of 3,210?')
    expect(r.intent?.kind).toBeUndefined()
    expect(r.sources.length).toBeGreaterThan(0)
  })

  it('reads a misspelt issuer name as the issuer when no document contains the misspelling', async () => {
    const r = await retriever().retrieve('zephir tools capex 2021')
    expect(r.route.documentIds).toEqual(['zephyr_2021_10k'])
  })
})

describe('filters.company', () => {
  it.each([
    [['orion foods'], ['orion_2021_10k']],
    [['Orion Foods, Inc.'], ['orion_2021_10k']],
    [['ORFD'], ['orion_2021_10k']],
    [['ZEPHYR TOOLS'], ['zephyr_2017_10k', 'zephyr_2021_10k']],
  ])('%j matches on name, aliases and tickers in any case', async (company, ids) => {
    const r = await retriever().retrieve('capital expenditure', { filter: { company }, topK: 8 })
    expect([...new Set(r.sources.map((s) => s.documentId))].sort()).toEqual(ids)
  })

  it('a company no document has still matches nothing', async () => {
    const r = await retriever().retrieve('capital expenditure', { filter: { company: ['Nvidia'] } })
    expect(r.sources).toEqual([])
  })
})
