import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createSqliteCorpus } from '../../src/adapters/sqlite/sqlite-corpus.js'
import type { Corpus } from '../../src/core/corpus.js'
import { DocumentRouter } from '../../src/core/retrieval/document-router.js'
import { createLogger } from '../../src/logger.js'
import { analyzeQuery } from '../../src/core/retrieval/query-analysis.js'
import { commitInput } from '../contracts/corpus-contract.js'

const dirs: string[] = []
const corpora: Corpus[] = []

function counted(): { corpus: Corpus; calls: () => number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-router-'))
  dirs.push(dir)
  const corpus = createSqliteCorpus({ path: path.join(dir, 'store.db'), logger: createLogger({ level: 'silent' }) })
  corpora.push(corpus)
  let calls = 0
  const list = corpus.listDocuments.bind(corpus)
  corpus.listDocuments = async () => {
    calls++
    return list()
  }
  return { corpus, calls: () => calls }
}

afterEach(async () => {
  for (const c of corpora.splice(0)) await c.close()
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

describe('DocumentRouter', () => {
  it('reads the document list at most once per refresh interval, shared by concurrent callers', async () => {
    const { corpus, calls } = counted()
    let now = 0
    const router = new DocumentRouter(corpus, { refreshMs: 1000, now: () => now })
    const tables = await Promise.all([router.table(), router.table(), router.table()])
    expect(calls()).toBe(1)
    expect(new Set(tables).size).toBe(1)
    now = 999
    await router.table()
    expect(calls()).toBe(1)
    now = 1000
    const again = await router.table()
    expect(calls()).toBe(2)
    // same list → same table object: no rebuild
    expect(again).toBe(tables[0])
  })

  it('re-reads after invalidate()', async () => {
    const { corpus, calls } = counted()
    const router = new DocumentRouter(corpus, { refreshMs: 60_000, now: () => 0 })
    await router.table()
    router.invalidate()
    await router.table()
    expect(calls()).toBe(2)
  })

  it('scans a large store for trading symbols in the background: the first table does not wait for it', async () => {
    const { corpus } = counted()
    for (let i = 0; i < 40; i++) {
      const company = `Issuer${String.fromCharCode(65 + (i % 26))}${i} Holdings`
      const cover = `${company}\nCommon Stock, $0.01 par value   ZQ${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + Math.floor(i / 26))}   New York Stock Exchange`
      await corpus.commitVersion(
        commitInput(`doc${i}`, `f${i}`, [cover], { title: `${company} 2023 Form 10-K`, company, fiscalYear: 2023, docType: '10-K' }),
      )
    }
    let covers = 0
    const getChunks = corpus.getChunks.bind(corpus)
    corpus.getChunks = async (id, ordinals) => {
      covers++
      return getChunks(id, ordinals)
    }
    const router = new DocumentRouter(corpus, { refreshMs: 60_000 })
    const first = await router.table()
    // the question waited for the document list only, not for 40 cover pages
    expect(covers).toBeLessThan(40)
    const symbol = analyzeQuery('What was ZQCA revenue in 2023?')
    expect(first.route(symbol).filter?.documentIds).toBeUndefined()
    // once the scan ends, the table routes by symbol
    for (let i = 0; i < 100 && covers < 40; i++) await new Promise((r) => setTimeout(r, 10))
    await new Promise((r) => setTimeout(r, 10))
    expect(covers).toBe(40)
    expect((await router.table()).route(symbol).filter?.documentIds).toEqual(['doc2'])
  })

  it('routes by the symbols recorded at ingest without reading any cover', async () => {
    const { corpus } = counted()
    for (let i = 0; i < 40; i++) {
      const company = `Issuer${i} Holdings`
      const tickers = i === 7 ? ['ZQHG'] : []
      await corpus.commitVersion(
        commitInput(`doc${i}`, `f${i}`, [`${company} annual report`], {
          title: `${company} 2023 Form 10-K`,
          company,
          fiscalYear: 2023,
          docType: '10-K',
          tickers,
        }),
      )
    }
    let covers = 0
    const getChunks = corpus.getChunks.bind(corpus)
    corpus.getChunks = async (id, ordinals) => {
      covers++
      return getChunks(id, ordinals)
    }
    const table = await new DocumentRouter(corpus, { refreshMs: 60_000 }).table()
    expect(table.route(analyzeQuery('What was ZQHG revenue in 2023?')).filter?.documentIds).toEqual(['doc7'])
    expect(covers).toBe(0)
  })
})
