import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import pino from 'pino'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createSqliteCorpus } from '../../src/adapters/sqlite/sqlite-corpus.js'
import type { Corpus, KeywordQuery } from '../../src/core/corpus.js'
import { commitInput } from './corpus-contract.js'

/**
 * The in-memory keyword index must rank exactly as FTS5's bm25() does: the same hits, in the same order,
 * with the same scores as a corpus that keeps every search in SQLite, over the same file.
 */
const logger = pino({ level: 'silent' })
type Searcher = Pick<Corpus, 'keywordSearch'>
const WORDS = ['revenue', 'revenues', 'margin', 'cash', 'capital', 'dividends', 'debt', 'net', 'income', 'Café', '10-K', 'per', 'share']

// every chunk a different length and mix, so no two scores tie; headers vary so column weights matter
function texts(seed: number, n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const picked = WORDS.filter((_, w) => (i * 5 + seed * 3 + w * 7) % 3 === 0)
    return `Filing ${seed} part ${i}: ${picked.join(' ')}. ${'filler '.repeat(seed * 40 + i)} net income per share ${picked.slice(1, 3).join(' ')}`
  })
}

const QUERIES: KeywordQuery[] = [
  { terms: ['revenue', 'cash', 'debt', 'margin'], limit: 10 },
  {
    terms: ['net', 'income', 'cafe'],
    phrases: [
      ['net', 'income', 'per', 'share'],
      ['cash', 'capital'],
    ],
    limit: 25,
  },
  { terms: ['10-K', 'dividends', 'revenues'], phrases: [['filler', 'filler', 'net']], limit: 7 },
  { terms: ['nowhere'], limit: 5 },
  // more room than matches: every matching row, ranked
  { terms: ['filler', 'dividends'], phrases: [['net', 'income']], limit: 1000 },
]

describe('SQLite in-memory keyword index', () => {
  let dir: string
  let file: string
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-memidx-'))
    file = path.join(dir, 'store.db')
    const writer = createSqliteCorpus({ path: file, logger })
    for (const [id, seed] of [
      ['a', 1],
      ['b', 2],
      ['ir/c', 3],
    ] as const) {
      const input = commitInput(id, `${id}1`, texts(seed, 25))
      await writer.commitVersion({
        ...input,
        chunks: input.chunks.map((c, i) => ({ ...c, header: i % 4 === 0 ? `${c.header} revenue cash` : c.header })),
      })
    }
    await writer.commitVersion(commitInput('a', 'a2', texts(4, 25)))
    await writer.close()
  })
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true })
  })

  /** Every query under every filter: the same hits in the same order, scores equal (to 12 digits unless `exact`); returns the hits compared. */
  async function expectSameRanking(got: Searcher, want: Searcher, exact = false): Promise<number> {
    let compared = 0
    for (const q of QUERIES) {
      for (const filter of [
        undefined,
        { documentIds: ['a'] },
        { documentIds: ['b', 'ir/c'] },
        { company: ['acme'], fiscalYear: [2023] },
        { collections: ['ir'] },
        { collections: ['default'] },
        { collections: ['ir', 'default'], documentIds: ['a', 'ir/c'] },
        { collections: [] },
      ]) {
        const query = filter === undefined ? q : { ...q, filter }
        const a = await got.keywordSearch(query)
        const b = await want.keywordSearch(query)
        expect(a.map((h) => `${h.documentId}#${h.version}#${h.chunk.ordinal}`)).toEqual(
          b.map((h) => `${h.documentId}#${h.version}#${h.chunk.ordinal}`),
        )
        if (exact) expect(a.map((h) => h.score)).toEqual(b.map((h) => h.score))
        else a.forEach((h, i) => expect(h.score).toBeCloseTo(b[i]?.score ?? Number.NaN, 12))
        compared += a.length
      }
    }
    return compared
  }

  /** The index `memory` kept through its writes ranks to the last bit as one read afresh from the store. */
  async function expectSameAsFreshRead(memory: Searcher): Promise<void> {
    const fresh = createSqliteCorpus({ path: file, logger, memoryIndexQuietMs: 0 })
    try {
      expect(await fresh.keywordIndexReady()).toBe(true)
      expect(await expectSameRanking(memory, fresh, true)).toBeGreaterThan(100)
    } finally {
      await fresh.close()
    }
  }

  it('returns the hits, order and scores SQLite bm25() gives, with and without filters', async () => {
    const memory = createSqliteCorpus({ path: file, logger, memoryIndexQuietMs: 0 })
    const sql = createSqliteCorpus({ path: file, logger, memoryIndexMaxInstances: 0 })
    try {
      expect(await memory.keywordIndexReady()).toBe(true)
      expect(await sql.keywordIndexReady()).toBe(false)
      expect(await expectSameRanking(memory, sql)).toBeGreaterThan(100)
      expect((await memory.keywordSearch({ terms: [], phrases: [['filing', '1']], limit: 5 })).length).toBe(0)
      expect((await memory.keywordSearch({ terms: [], phrases: [['filing', '4']], limit: 50 })).length).toBe(25)
    } finally {
      await memory.close()
      await sql.close()
    }
  })

  it("sees another process's commit and its own: a replaced version is never returned", async () => {
    const reader = createSqliteCorpus({ path: file, logger, memoryIndexQuietMs: 0 })
    const writer = createSqliteCorpus({ path: file, logger })
    try {
      expect(await reader.keywordIndexReady()).toBe(true)
      expect((await reader.keywordSearch({ terms: ['zebra'], limit: 5 })).length).toBe(0)
      await writer.commitVersion(commitInput('b', 'b2', ['zebra revenue', 'zebra crossing cash']))
      // right after the write (index retired, SQL) and once the index is read again
      for (const phase of ['stale', 'reloaded']) {
        if (phase === 'reloaded') expect(await reader.keywordIndexReady()).toBe(true)
        const after = await reader.keywordSearch({ terms: ['zebra', 'revenue'], limit: 50, filter: { documentIds: ['b'] } })
        expect(after.map((h) => `${h.version}:${h.chunk.text}`)).toEqual(['2:zebra revenue', '2:zebra crossing cash'])
        expect((await reader.getChunks('b', [0, 1, 2])).map((h) => h.chunk.text)).toEqual(['zebra revenue', 'zebra crossing cash'])
      }
      await reader.commitVersion(commitInput('c', 'c2', ['okapi dividends']))
      expect((await reader.keywordSearch({ terms: ['okapi'], limit: 5 })).map((h) => h.documentId)).toEqual(['c'])
      expect(await reader.keywordIndexReady()).toBe(true)
      expect((await reader.keywordSearch({ terms: ['okapi'], limit: 5 })).map((h) => h.documentId)).toEqual(['c'])
      expect(await reader.deleteDocument('c')).toBe(true)
      expect(await reader.keywordSearch({ terms: ['okapi'], limit: 5 })).toEqual([])
      expect(await reader.getChunks('c', [0])).toEqual([])
    } finally {
      await reader.close()
      await writer.close()
    }
  })

  it('sees a change made by another process within its check bound, and never a mix of snapshots meanwhile', async () => {
    const reader = createSqliteCorpus({ path: file, logger, memoryIndexQuietMs: 0, snapshotCheckMs: 100 })
    // a plain connection shares nothing with this process, as another process would not
    const other = new Database(file)
    try {
      expect(await reader.keywordIndexReady()).toBe(true)
      const before = (await reader.getChunks('b', [0, 1])).map((h) => h.chunk.text)
      const q: KeywordQuery = { terms: ['revenue', 'cash'], limit: 50, filter: { documentIds: ['b', 'ir/c'] } }
      const hitsBefore = (await reader.keywordSearch(q)).map((h) => `${h.documentId}#${h.version}#${h.chunk.ordinal}`)
      expect(hitsBefore.some((k) => k.startsWith('b#'))).toBe(true)
      // what deleteDocument does, in one transaction
      other.transaction(() => {
        other.prepare("DELETE FROM chunks WHERE document_id = 'b'").run()
        other.prepare("DELETE FROM documents WHERE id = 'b'").run()
      })()
      // within the bound: the old snapshot whole, or the new store whole
      const soon = (await reader.keywordSearch(q)).map((h) => `${h.documentId}#${h.version}#${h.chunk.ordinal}`)
      expect([hitsBefore, hitsBefore.filter((k) => !k.startsWith('b#'))]).toContainEqual(soon)
      await new Promise((r) => setTimeout(r, 150))
      expect((await reader.keywordSearch(q)).some((h) => h.documentId === 'b')).toBe(false)
      expect(await reader.getChunks('b', [0, 1])).toEqual([])
      expect(before).toHaveLength(2)
    } finally {
      other.close()
      await reader.close()
    }
  })

  it('takes its own commits and deletions into the loaded index: no reload, and the ranking of a fresh read of the store', async () => {
    const loads: string[] = []
    const counting = pino({ level: 'debug' }, { write: (line: string) => void loads.push(line) })
    const memory = createSqliteCorpus({ path: file, logger: counting, memoryIndexQuietMs: 0 })
    const sql = createSqliteCorpus({ path: file, logger, memoryIndexMaxInstances: 0 })
    const loaded = (): number => loads.filter((l) => l.includes('keyword index loaded into memory')).length
    try {
      expect(await memory.keywordIndexReady()).toBe(true)
      // a new document (new words, new rows above the rest), a re-ingest (its old rows leave), a deletion
      await memory.commitVersion(commitInput('d', 'd1', [...texts(5, 12), 'gnu revenue gnu']))
      await memory.commitVersion(commitInput('b', 'b2', texts(6, 30)))
      expect(await memory.deleteDocument('ir/c')).toBe(true)
      expect((await memory.keywordSearch({ terms: ['gnu'], limit: 3 })).map((h) => h.documentId)).toEqual(['d'])
      expect(await memory.keywordIndexReady()).toBe(true)
      expect(loaded()).toBe(1)
      expect(await expectSameRanking(memory, sql)).toBeGreaterThan(100)
      await expectSameAsFreshRead(memory)
      expect(loaded()).toBe(1)
    } finally {
      await memory.close()
      await sql.close()
    }
  })

  it('resolves a phrase searched before its own writes again after each: new words found, gone words gone, IDFs of the new rows', async () => {
    const memory = createSqliteCorpus({ path: file, logger, memoryIndexQuietMs: 0 })
    const sql = createSqliteCorpus({ path: file, logger, memoryIndexMaxInstances: 0 })
    const gnu = async (): Promise<string[]> =>
      (await memory.keywordSearch({ terms: ['gnu'], phrases: [['gnu', 'revenue']], limit: 5 })).map((h) => h.documentId)
    try {
      expect(await memory.keywordIndexReady()).toBe(true)
      // every phrase resolved once before the writes, 'gnu' as a word the index lacks
      await expectSameRanking(memory, sql)
      expect(await gnu()).toEqual([])
      await memory.commitVersion(commitInput('d', 'd1', [...texts(5, 12), 'gnu revenue gnu']))
      expect(await gnu()).toEqual(['d'])
      expect(await expectSameRanking(memory, sql)).toBeGreaterThan(100)
      await memory.commitVersion(commitInput('b', 'b2', texts(6, 30)))
      expect(await memory.deleteDocument('d')).toBe(true)
      expect(await gnu()).toEqual([])
      await expectSameAsFreshRead(memory)
    } finally {
      await memory.close()
      await sql.close()
    }
  })

  it('after its own commit or deletion of one document, reads that document anew and keeps reading the others right', async () => {
    const memory = createSqliteCorpus({ path: file, logger, memoryIndexQuietMs: 0 })
    const read = async (id: string, ordinals: number[]): Promise<string[]> =>
      (await memory.getChunks(id, ordinals)).map((h) => h.chunk.text)
    try {
      expect(await memory.keywordIndexReady()).toBe(true)
      await memory.commitVersion(commitInput('x', 'x1', ['xi revenue', 'xi margin', 'xi capex']))
      await memory.commitVersion(commitInput('y', 'y1', ['upsilon revenue', 'upsilon margin']))
      // read once: the snapshot now holds both documents' chunks by ordinal, and the active versions
      expect(await read('x', [0, 1, 2])).toEqual(['xi revenue', 'xi margin', 'xi capex'])
      expect(await read('y', [0, 1])).toEqual(['upsilon revenue', 'upsilon margin'])
      expect((await memory.keywordSearch({ terms: ['upsilon'], limit: 5 })).map((h) => h.version)).toEqual([1, 1])
      await memory.commitVersion(commitInput('x', 'x2', ['xi restated revenue']))
      expect(await read('x', [0, 1, 2])).toEqual(['xi restated revenue'])
      expect(await read('y', [0, 1])).toEqual(['upsilon revenue', 'upsilon margin'])
      expect((await memory.keywordSearch({ terms: ['xi'], limit: 5 })).map((h) => [h.documentId, h.version])).toEqual([['x', 2]])
      expect(await memory.deleteDocument('y')).toBe(true)
      expect(await read('y', [0, 1])).toEqual([])
      expect(await memory.keywordSearch({ terms: ['upsilon'], limit: 5 })).toEqual([])
      expect(await read('x', [0])).toEqual(['xi restated revenue'])
    } finally {
      await memory.close()
    }
  })

  it('reads the index again, with the same ranking, when a write would copy more postings than allowed', async () => {
    const loads: string[] = []
    const counting = pino({ level: 'debug' }, { write: (line: string) => void loads.push(line) })
    const memory = createSqliteCorpus({ path: file, logger: counting, memoryIndexQuietMs: 0, memoryIndexMaxAppliedPostings: 10 })
    const sql = createSqliteCorpus({ path: file, logger, memoryIndexMaxInstances: 0 })
    const loaded = (): number => loads.filter((l) => l.includes('keyword index loaded into memory')).length
    try {
      expect(await memory.keywordIndexReady()).toBe(true)
      await memory.commitVersion(commitInput('b', 'b2', texts(6, 30)))
      expect(await memory.keywordIndexReady()).toBe(true)
      expect(loaded()).toBe(2)
      expect(await expectSameRanking(memory, sql)).toBeGreaterThan(100)
    } finally {
      await memory.close()
      await sql.close()
    }
  })

  it('keeps the index through writes to other tables of the file (job heartbeats) and reloads it after a corpus change', async () => {
    const loads: string[] = []
    const counting = pino({ level: 'debug' }, { write: (line: string) => void loads.push(line) })
    const reader = createSqliteCorpus({ path: file, logger: counting, memoryIndexQuietMs: 0 })
    const other = new Database(file)
    try {
      const loaded = (): number => loads.filter((l) => l.includes('keyword index loaded into memory')).length
      expect(await reader.keywordIndexReady()).toBe(true)
      expect(loaded()).toBe(1)
      other.exec('CREATE TABLE IF NOT EXISTS heartbeat (at TEXT)')
      other.prepare('INSERT INTO heartbeat (at) VALUES (?)').run(new Date().toISOString())
      expect((await reader.keywordSearch({ terms: ['revenue'], limit: 3 })).length).toBe(3)
      expect(await reader.keywordIndexReady()).toBe(true)
      expect(loaded()).toBe(1)
      // a commit through another handle on the file: this one's index is read again
      const writer = createSqliteCorpus({ path: file, logger })
      await writer.commitVersion(commitInput('d', 'd1', ['gnu revenue']))
      await writer.close()
      expect(await reader.keywordIndexReady()).toBe(true)
      expect(loaded()).toBe(2)
      expect((await reader.keywordSearch({ terms: ['gnu'], limit: 3 })).map((h) => h.documentId)).toEqual(['d'])
    } finally {
      other.close()
      await reader.close()
    }
  })

  it('a restart reads the index image saved for the same snapshot, and a changed corpus never uses a stale one', async () => {
    const image = `${file}.keyword-index`
    const key = (hits: readonly { documentId: string; version: number; chunk: { ordinal: number }; score: number }[]) =>
      hits.map((h) => `${h.documentId}#${h.version}#${h.chunk.ordinal}#${h.score.toFixed(9)}`)
    const first = createSqliteCorpus({ path: file, logger, memoryIndexQuietMs: 0 })
    const want: string[][] = []
    try {
      expect(await first.keywordIndexReady()).toBe(true)
      for (const q of QUERIES) want.push(key(await first.keywordSearch(q)))
    } finally {
      await first.close()
    }
    expect(fs.existsSync(image)).toBe(true)
    expect(want.flat().length).toBeGreaterThan(20)
    // Empty the FTS5 index behind the corpus' back (documents and chunk rows unchanged): only the image
    // can still answer as before.
    const raw = new Database(file)
    raw.exec("INSERT INTO chunks_fts (chunks_fts) VALUES ('delete-all')")
    raw.close()
    const restarted = createSqliteCorpus({ path: file, logger, memoryIndexQuietMs: 0 })
    try {
      expect(await restarted.keywordIndexReady()).toBe(true)
      for (const [i, q] of QUERIES.entries()) expect(key(await restarted.keywordSearch(q))).toEqual(want[i])
      // a commit changes the snapshot: this process applies it to the index it holds, and the image is stale
      await restarted.commitVersion(commitInput('d', 'd1', texts(5, 3)))
    } finally {
      await restarted.close()
    }
    // the next start finds no image of the new snapshot: the index is read from FTS5 again, which now holds
    // only the new document's chunks
    const third = createSqliteCorpus({ path: file, logger, memoryIndexQuietMs: 0 })
    try {
      expect(await third.keywordIndexReady()).toBe(true)
      const revenue = await third.keywordSearch({ terms: ['revenue', 'net'], limit: 100 })
      expect(revenue.length).toBeGreaterThan(0)
      expect(revenue.every((h) => h.documentId === 'd')).toBe(true)
    } finally {
      await third.close()
    }
  })

  it('stays in SQLite when the index is larger than allowed, with the same results', async () => {
    const small = createSqliteCorpus({ path: file, logger, memoryIndexMaxInstances: 10, memoryIndexQuietMs: 0 })
    const sql = createSqliteCorpus({ path: file, logger, memoryIndexMaxInstances: 0 })
    try {
      expect(await small.keywordIndexReady()).toBe(false)
      const q = QUERIES[1] as KeywordQuery
      expect((await small.keywordSearch(q)).map((h) => h.chunk.hash)).toEqual((await sql.keywordSearch(q)).map((h) => h.chunk.hash))
    } finally {
      await small.close()
      await sql.close()
    }
  })
})

describe('SQLite in-memory keyword index over many chunks', () => {
  // Common words in most chunks, others in some, a few rare: a small top among many matches, where a
  // search may pass over rows the long lists alone hold (max-score pruning). It must still rank exactly
  // as bm25() does.
  const COMMON = ['net', 'total', 'sales', 'revenue', 'income', 'cost', 'share']
  const SOME = ['selling', 'general', 'administrative', 'expenses', 'margin', 'votes', 'board']
  const RARE = ['abstentions', 'nominees', 'broker', 'drove', 'reduction']

  /** A small deterministic generator, so a failure repeats. */
  function random(seed: number): () => number {
    let s = seed
    return () => {
      s = (s * 1103515245 + 12345) % 2147483648
      return s / 2147483648
    }
  }

  function chunkTexts(seed: number, n: number): string[] {
    const next = random(seed)
    return Array.from({ length: n }, (_, i) => {
      const words: string[] = [`part ${seed} ${i}`]
      for (const w of COMMON) if (next() < 0.7) words.push(...Array.from({ length: 1 + Math.floor(next() * 3) }, () => w))
      for (const w of SOME) if (next() < 0.12) words.push(w)
      for (const w of RARE) if (next() < 0.01) words.push(w)
      if (next() < 0.1) words.push('selling general and administrative expenses')
      if (next() < 0.3) words.push('net sales')
      words.push('filler '.repeat(Math.floor(next() * 60)))
      return words.join(' ')
    })
  }

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-memidx-many-'))
  const file = path.join(dir, 'store.db')
  beforeAll(async () => {
    const writer = createSqliteCorpus({ path: file, logger })
    // three documents of 400 chunks each
    for (const id of ['a', 'b', 'c']) await writer.commitVersion(commitInput(id, `${id}1`, chunkTexts(id.charCodeAt(0), 400)))
    await writer.close()
  })
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('returns the hits, order and scores bm25() gives for a few rows among thousands that match', async () => {
    // pruning tried on any search, as it is on large stores
    const memory = createSqliteCorpus({ path: file, logger, memoryIndexQuietMs: 0, memoryIndexPruneMinRows: 0 })
    const sql = createSqliteCorpus({ path: file, logger, memoryIndexMaxInstances: 0 })
    try {
      expect(await memory.keywordIndexReady()).toBe(true)
      const next = random(5)
      const pick = (words: readonly string[], p: number): string[] => words.filter(() => next() < p)
      let compared = 0
      for (let q = 0; q < 60; q++) {
        const query: KeywordQuery = {
          terms: [...pick(RARE, 0.4), ...pick(SOME, 0.4), ...pick(COMMON, 0.6)],
          phrases:
            next() < 0.5
              ? [
                  ['selling', 'general', 'and', 'administrative'],
                  ['net', 'sales'],
                ]
              : [],
          limit: [1, 5, 20, 60][q % 4] as number,
          ...(q % 3 === 0 ? { filter: { documentIds: ['a', 'c'] } } : {}),
        }
        const got = await memory.keywordSearch(query)
        const want = await sql.keywordSearch(query)
        expect(got.map((h) => `${h.documentId}#${h.chunk.ordinal}`)).toEqual(want.map((h) => `${h.documentId}#${h.chunk.ordinal}`))
        got.forEach((h, i) => expect(h.score).toBeCloseTo(want[i]?.score ?? Number.NaN, 12))
        compared += got.length
      }
      expect(compared).toBeGreaterThan(500)
    } finally {
      await memory.close()
      await sql.close()
    }
  })
})
