import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSqliteCorpus } from '../../src/adapters/sqlite/sqlite-corpus.js'
import { createParserPool } from '../../src/adapters/pdf/parser-pool.js'
import { createOpenAIEmbeddings } from '../../src/adapters/openai-embeddings.js'
import { ingestPaths } from '../../src/core/ingest/ingest-paths.js'
import type { Corpus } from '../../src/core/corpus.js'
import type { EmbeddingModel } from '../../src/core/models.js'
import { createHybridRetriever } from '../../src/core/retrieval/hybrid-retriever.js'
import { createLogger } from '../../src/logger.js'
import { startOpenAIEmulator, type OpenAIEmulator } from '../support/openai-emulator.js'
import { CASH_FLOW_PAGE, writeFiling } from './filing-fixtures.js'

const logger = createLogger({ level: 'silent' })
let dir: string
let corpus: Corpus
let emulator: OpenAIEmulator
let embeddings: EmbeddingModel

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-dense-'))
  emulator = await startOpenAIEmulator()
  embeddings = createOpenAIEmbeddings({
    model: 'text-embedding-3-small',
    baseURL: emulator.url,
    apiKey: 'test',
    dimensions: undefined,
    timeoutMs: 5000,
    maxRetries: 0,
  })
  corpus = createSqliteCorpus({ path: path.join(dir, 'store.db'), logger })
  const parser = createParserPool({ size: 0, logger })
  const files = [
    await writeFiling(dir, { file: 'ZEPHYR_2021_10K.pdf', registrant: 'Zephyr Tools Corporation', year: 2021, capex: '1,577' }),
    await writeFiling(dir, { file: 'ORION_2021_10K.pdf', registrant: 'Orion Foods, Inc.', year: 2021, capex: '2,468' }),
  ]
  const { summary } = await ingestPaths(
    { corpus, parser, logger, embedder: embeddings, limits: { maxFileBytes: 10_000_000, maxPages: 100 } },
    files,
  )
  await parser.close()
  expect(summary.failed).toBe(0)
})

afterAll(async () => {
  await corpus.close()
  await emulator.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('hybrid retriever with an embedding model', () => {
  it('embeds the question once and fuses the dense list', async () => {
    const retriever = createHybridRetriever({ corpus, embeddings, logger })
    const question = 'What is the FY2021 capital expenditure amount for Orion Foods?'
    const before = emulator.requests.length
    const r = await retriever.retrieve(question, { topK: 3 })
    const calls = emulator.requests.slice(before).filter((q) => q.path.endsWith('/embeddings'))
    expect(calls).toHaveLength(1)
    expect(JSON.stringify(calls[0]?.body)).toContain('capital expenditure')
    expect(r.sources[0]).toMatchObject({ documentId: 'orion_2021_10k', pageStart: CASH_FLOW_PAGE })
  })

  it('ranks by the dense list alone when the keyword lists weigh nothing', async () => {
    const denseOnly = createHybridRetriever({
      corpus,
      embeddings,
      logger,
      options: { weights: { question: 0, lexicon: 0, statement: 0 }, statementBoost: 1 },
    })
    const hits = await corpus.vectorSearch({
      vector: await embeddings.embedQuery('dividends paid to shareholders'),
      model: embeddings.id,
      limit: 5,
      filter: { documentIds: ['zephyr_2021_10k'] },
    })
    const r = await denseOnly.retrieve('dividends paid to shareholders', { topK: 3, filter: { documentIds: ['zephyr_2021_10k'] } })
    expect(hits.length).toBeGreaterThan(0)
    expect(r.sources[0]?.pageStart).toBe(hits[0]?.chunk.pageStart)
  })

  it('falls back to BM25 when the query embedding fails, and logs it', async () => {
    const warnings: string[] = []
    // the real logger type, writing its lines here
    const quiet = createLogger({
      level: 'warn',
      to: { write: (line: string) => void warnings.push((JSON.parse(line) as { msg: string }).msg) },
    })
    const retriever = createHybridRetriever({ corpus, embeddings, logger: quiet })
    emulator.failNext({ path: '/embeddings', status: 400, message: 'bad input' })
    const r = await retriever.retrieve('What is the FY2021 capital expenditure amount for Zephyr Tools?', { topK: 3 })
    expect(r.sources[0]).toMatchObject({ documentId: 'zephyr_2021_10k', pageStart: CASH_FLOW_PAGE })
    expect(warnings).toEqual([expect.stringMatching(/BM25 only/)])
  })

  it('propagates a caller abort instead of hiding it', async () => {
    const retriever = createHybridRetriever({ corpus, embeddings, logger })
    const controller = new AbortController()
    controller.abort()
    await expect(retriever.retrieve('capital expenditure', { signal: controller.signal })).rejects.toThrow()
  })
})
