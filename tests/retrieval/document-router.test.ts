import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createSqliteCorpus } from '../../src/adapters/sqlite/sqlite-corpus.js'
import type { Corpus } from '../../src/core/corpus.js'
import { DocumentRouter } from '../../src/core/retrieval/document-router.js'
import { createLogger } from '../../src/logger.js'

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
})
