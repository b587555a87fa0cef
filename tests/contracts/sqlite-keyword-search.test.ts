import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pino from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createSqliteCorpus } from '../../src/adapters/sqlite/sqlite-corpus.js'
import type { ChunkHit } from '../../src/core/corpus.js'
import { chunk, commitInput } from './corpus-contract.js'

/**
 * The SQLite keyword search ranks inside the id ranges of the filtered documents' active versions and
 * joins afterwards. These tests pin that it stays exact: the same hits, scores and order as ranking
 * every visible chunk and filtering afterwards, whatever rows sit inside a range.
 */
const WORDS = ['revenue', 'margin', 'cash', 'capital', 'dividend', 'debt', 'income', 'assets']

// every chunk has a different length, so no two BM25 scores tie and the order is fully determined
function texts(seed: number, n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const picked = WORDS.filter((_, w) => (i * 7 + seed * 3 + w * 5) % 4 === 0)
    return `Chunk ${i} of filing ${seed}: ${picked.join(' ')} ${'filler '.repeat(seed * 30 + i)}${picked.slice(0, 2).join(' ')}`
  })
}

const key = (h: ChunkHit): string => `${h.documentId}#${h.version}#${h.chunk.ordinal}`

describe('SQLite keywordSearch ranked by id range', () => {
  let dir: string
  let corpus: ReturnType<typeof createSqliteCorpus>
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-kw-'))
    corpus = createSqliteCorpus({ path: path.join(dir, 'store.db'), logger: pino({ level: 'silent' }) })
    await corpus.commitVersion(commitInput('a', 'a1', texts(1, 30), { title: 'A', company: 'Acme', fiscalYear: 2022, docType: '10-K' }))
    await corpus.commitVersion(commitInput('b', 'b1', texts(2, 30), { title: 'B', company: 'Bolt', fiscalYear: 2023, docType: '10-K' }))
    await corpus.commitVersion(commitInput('c', 'c1', texts(3, 30), { title: 'C', company: 'Acme', fiscalYear: 2023, docType: '10-Q' }))
    // a new version of A: its chunks now lie after B's and C's
    await corpus.commitVersion(commitInput('a', 'a2', texts(4, 30), { title: 'A', company: 'Acme', fiscalYear: 2022, docType: '10-K' }))
  })
  afterEach(async () => {
    await corpus.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  /** every visible match, ranked, then filtered: what a filtered search must return */
  async function expected(terms: string[], keep: (h: ChunkHit) => boolean, limit: number): Promise<string[]> {
    const all = await corpus.keywordSearch({ terms, limit: 10_000 })
    return all.filter(keep).slice(0, limit).map(key)
  }

  it('returns what ranking everything and filtering afterwards returns, for document, company and year filters', async () => {
    const terms = ['revenue', 'cash', 'debt']
    const byIds = await corpus.keywordSearch({ terms, limit: 7, filter: { documentIds: ['a', 'c'] } })
    expect(byIds).toHaveLength(7)
    expect(byIds.map(key)).toEqual(await expected(terms, (h) => ['a', 'c'].includes(h.documentId), 7))
    expect(byIds.every((h) => h.documentId !== 'a' || h.version === 2)).toBe(true)

    const all = await corpus.keywordSearch({ terms, limit: 10_000 })
    const score = new Map(all.map((h) => [key(h), h.score]))
    for (const h of byIds) expect(h.score).toBeCloseTo(score.get(key(h)) ?? Number.NaN, 10)

    const acme2023 = await corpus.keywordSearch({ terms, limit: 5, filter: { company: ['acme'], fiscalYear: [2023] } })
    expect(acme2023.map(key)).toEqual(await expected(terms, (h) => h.documentId === 'c', 5))
    expect(await corpus.keywordSearch({ terms, limit: 5, filter: { documentIds: ['missing'] } })).toEqual([])
  })

  it('never returns the replaced version', async () => {
    const old = await corpus.keywordSearch({ terms: ['filing'], phrases: [['filing', '1']], limit: 50, filter: { documentIds: ['a'] } })
    expect(old.length).toBeGreaterThan(0)
    expect(old.every((h) => h.version === 2 && !h.chunk.text.includes('filing 1:'))).toBe(true)
  })

  it('stays exact when rows of another document sit inside a range', async () => {
    // Put an invisible chunk (document b, a version that is not active) in the middle of A's id range.
    const { lo, hi } = corpus.db
      .prepare<[], { lo: number; hi: number }>("SELECT MIN(id) AS lo, MAX(id) AS hi FROM chunks WHERE document_id = 'a'")
      .get() ?? { lo: 0, hi: 0 }
    const middle = Math.floor((lo + hi) / 2)
    corpus.db.prepare('DELETE FROM chunks WHERE id = ?').run(middle)
    const c = chunk(99, 'intruder revenue revenue revenue cash cash debt debt')
    corpus.db
      .prepare(
        `INSERT INTO chunks (id, document_id, version, ordinal, header, text, page_start, page_end, section_path, char_start, char_end, tokens, hash)
        VALUES (?, 'b', 99, 99, ?, ?, 1, 1, '[]', 0, 10, 8, ?)`,
      )
      .run(middle, c.header, c.text, c.hash)

    const terms = ['revenue', 'cash', 'debt']
    const got = await corpus.keywordSearch({ terms, limit: 6, filter: { documentIds: ['a'] } })
    expect(got).toHaveLength(6)
    expect(got.some((h) => h.chunk.text.includes('intruder'))).toBe(false)
    expect(got.map(key)).toEqual(await expected(terms, (h) => h.documentId === 'a', 6))
    // unfiltered too: the invisible row is ranked first by FTS5 and dropped by the join
    const everything = await corpus.keywordSearch({ terms: ['intruder', 'revenue'], limit: 4 })
    expect(everything).toHaveLength(4)
    expect(everything.some((h) => h.version === 99)).toBe(false)
  })
})
