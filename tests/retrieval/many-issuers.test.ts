import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSqliteCorpus } from '../../src/adapters/sqlite/sqlite-corpus.js'
import { createHybridRetriever } from '../../src/core/retrieval/hybrid-retriever.js'
import { commitInput } from '../contracts/corpus-contract.js'

/**
 * Judging a question's names must not change as the store grows: a general term written as a name
 * ("Cash & Cash equivalents") spreads over more issuers than one search's hits can show, and must still
 * not read as a company the store lacks.
 */
const logger = pino({ level: 'silent' })
const ISSUERS = 240
const SYLLABLES = ['bar', 'cor', 'dun', 'fel', 'gar', 'hol', 'kir', 'lom', 'mar', 'nor', 'pel', 'ros', 'sal', 'tor', 'vel', 'wyn']
const nameOf = (i: number): string =>
  `${SYLLABLES[i % 16]}${SYLLABLES[Math.floor(i / 16) % 16]}`.replace(/^./, (c) => c.toUpperCase()) + ' Holdings'

let dir: string
let corpus: ReturnType<typeof createSqliteCorpus>

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-many-issuers-'))
  corpus = createSqliteCorpus({ path: path.join(dir, 'store.db'), logger, memoryIndexQuietMs: 0 })
  for (let i = 0; i < ISSUERS; i++) {
    const company = nameOf(i)
    const year = 2022 + (i % 2)
    await corpus.commitVersion(
      commitInput(
        `${company.toLowerCase().replace(/\W+/g, '')}_${year}_10k`,
        `f${i}`,
        [
          `${company} annual report. Cash & Cash equivalents at the end of fiscal ${year} were $${100 + i} million, down from $${120 + i} million.`,
          `${company} revenue was $${1000 + i} million in fiscal ${year}.`,
        ],
        { title: `${company} ${year} Form 10-K`, company, fiscalYear: year, docType: '10-K' },
      ),
    )
  }
  await corpus.keywordIndexReady()
})

afterAll(async () => {
  await corpus.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe(`a store of ${ISSUERS} issuers`, () => {
  it('reads a general term written as a name as a term, not as a missing company', async () => {
    const r = await createHybridRetriever({ corpus, logger }).retrieve('Was there any drop in Cash & Cash equivalents in FY2023?', {
      topK: 5,
    })
    expect(r.intent?.kind).not.toBe('off-corpus')
    expect(r.sources.length).toBeGreaterThan(0)
  })

  it('still says a company no document names is not held', async () => {
    const r = await createHybridRetriever({ corpus, logger }).retrieve("What was Tesla's revenue in 2023?", { topK: 5 })
    expect(r.intent?.kind).toBe('off-corpus')
  })
})
