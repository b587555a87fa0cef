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
import { createLogger } from '../../src/logger.js'
import { CASH_FLOW_PAGE, writeFiling } from './filing-fixtures.js'

const logger = createLogger({ level: 'silent' })
let dir: string
let corpus: Corpus
let parser: DocumentParser

async function ingest(files: string[]): Promise<void> {
  const { summary } = await ingestPaths({ corpus, parser, logger, limits: { maxFileBytes: 10_000_000, maxPages: 100 } }, files)
  expect(summary.failed).toBe(0)
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-retrieval-'))
  corpus = createSqliteCorpus({ path: path.join(dir, 'store.db'), logger })
  parser = createParserPool({ size: 0, logger })
  await ingest([
    await writeFiling(dir, { file: 'ZEPHYR_2021_10K.pdf', registrant: 'Zephyr Tools Corporation', year: 2021, capex: '1,577' }),
    await writeFiling(dir, { file: 'ORION_2021_10K.pdf', registrant: 'Orion Foods, Inc.', year: 2021, capex: '2,468', ticker: 'ORFD' }),
  ])
})

afterAll(async () => {
  await parser.close()
  await corpus.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('hybrid retriever on a store of two issuers', () => {
  it('routes to the named issuer and finds capex printed as purchases of PP&E', async () => {
    const retriever = createHybridRetriever({ corpus, logger })
    for (const [company, id, capex] of [
      ['Zephyr Tools', 'zephyr_2021_10k', '1,577'],
      ['Orion Foods', 'orion_2021_10k', '2,468'],
    ] as const) {
      const r = await retriever.retrieve(`What is the FY2021 capital expenditure amount for ${company}?`, { topK: 3 })
      expect(r.route.documentIds).toEqual([id])
      expect(r.sources.every((s) => s.documentId === id)).toBe(true)
      const top = r.sources[0]
      expect(top?.pageStart).toBe(CASH_FLOW_PAGE)
      expect(top?.text).toContain(`Purchases of property, plant and equipment (${capex})`)
    }
  })

  it('needs the lexicon: the question words alone rank the prose page first', async () => {
    const plain = createHybridRetriever({ corpus, logger, options: { weights: { lexicon: 0, statement: 0 }, statementBoost: 1 } })
    const r = await plain.retrieve('What is the FY2021 capital expenditure amount for Zephyr Tools?', { topK: 3 })
    expect(r.sources[0]?.pageStart).toBe(2)
  })

  it('ranks the balance sheet first for a balance-sheet question', async () => {
    const retriever = createHybridRetriever({ corpus, logger })
    const r = await retriever.retrieve("What is Orion Foods' quick ratio for FY2021?", { topK: 3 })
    expect(r.sources[0]).toMatchObject({ documentId: 'orion_2021_10k', pageStart: 3 })
  })

  it('routes by the trading symbol printed on the cover, written in capitals', async () => {
    const retriever = createHybridRetriever({ corpus, logger })
    expect((await retriever.retrieve('What was ORFD capital expenditure in FY2021?')).route.documentIds).toEqual(['orion_2021_10k'])
    expect((await retriever.retrieve('What was orfd capital expenditure in FY2021?')).route.documentIds).toBeUndefined()
  })

  it('lets an explicit filter win over routing', async () => {
    const retriever = createHybridRetriever({ corpus, logger })
    const r = await retriever.retrieve('What is the capital expenditure of Zephyr Tools?', {
      topK: 3,
      filter: { documentIds: ['orion_2021_10k'] },
    })
    expect(r.route.reason).toMatch(/caller/)
    expect(r.sources.length).toBeGreaterThan(0)
    expect(r.sources.every((s) => s.documentId === 'orion_2021_10k')).toBe(true)
  })

  it('searches every document when no issuer is named, and returns page-sized, de-duplicated sources', async () => {
    const retriever = createHybridRetriever({ corpus, logger })
    const r = await retriever.retrieve('purchases of property, plant and equipment', { topK: 10 })
    expect(r.route.documentIds).toBeUndefined()
    expect(new Set(r.sources.map((s) => s.documentId))).toEqual(new Set(['zephyr_2021_10k', 'orion_2021_10k']))
    const places = r.sources.map((s) => `${s.documentId}:${s.pageStart}`)
    expect(new Set(places).size).toBe(places.length)
    for (const s of r.sources) expect(s.pageEnd - s.pageStart).toBeLessThanOrEqual(1)
  })

  it('searches the statement page only within the documents a question is routed to', async () => {
    // the keyword searches the retriever asks the corpus for, by the words they rank
    const searched: string[][] = []
    const spy: Corpus = {
      ...corpus,
      keywordSearch: async (query) => {
        searched.push([...query.terms])
        return corpus.keywordSearch(query)
      },
    }
    const retriever = createHybridRetriever({ corpus: spy, logger })
    const statementSearch = (terms: readonly string[]): boolean => terms.includes('consolidated') && terms.includes('flows')

    const routed = await retriever.retrieve('How much did Zephyr spend on capital expenditures in 2021?', { topK: 5 })
    expect(routed.route.documentIds).toEqual(['zephyr_2021_10k'])
    expect(searched.some(statementSearch)).toBe(true)
    expect(routed.sources[0]?.documentId).toBe('zephyr_2021_10k')

    searched.length = 0
    const unrouted = await retriever.retrieve('How much was spent on capital expenditures in 2021?', { topK: 5 })
    expect(unrouted.route.documentIds).toBeUndefined()
    expect(searched.length).toBeGreaterThan(0)
    expect(searched.some(statementSearch)).toBe(false)
    expect(unrouted.sources.length).toBeGreaterThan(0)
  })

  it('picks up a newly ingested issuer once the routing table refreshes', async () => {
    const retriever = createHybridRetriever({ corpus, logger, options: { routingRefreshMs: 60_000 } })
    const question = 'What is the FY2021 capital expenditure amount for Vega Mining?'
    expect((await retriever.retrieve(question)).route.documentIds).toBeUndefined()
    await ingest([await writeFiling(dir, { file: 'VEGA_2021_10K.pdf', registrant: 'Vega Mining Ltd', year: 2021, capex: '9,999' })])
    // within refreshMs the cached table is used: no per-request rebuild
    expect((await retriever.retrieve(question)).route.documentIds).toBeUndefined()
    retriever.router.invalidate()
    const r = await retriever.retrieve(question)
    expect(r.route.documentIds).toEqual(['vega_2021_10k'])
    expect(r.sources[0]?.text).toContain('(9,999)')
  })
})
