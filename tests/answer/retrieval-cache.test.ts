import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createSqliteCorpus } from '../../src/adapters/sqlite/sqlite-corpus.js'
import { createCachedRetriever } from '../../src/core/answer/retrieval-cache.js'
import { createAnswerer } from '../../src/core/answer/answerer.js'
import { createStaticVoiceResolver } from '../../src/core/answer/static-voice-resolver.js'
import { createHybridRetriever } from '../../src/core/retrieval/hybrid-retriever.js'
import type { Corpus } from '../../src/core/corpus.js'
import type { ChatModel } from '../../src/core/models.js'
import type { Retrieval, RetrieveOptions, Retriever } from '../../src/core/retrieval/retriever.js'
import { createLogger } from '../../src/logger.js'
import { ACME_PAGES, BETA_PAGES, doc } from '../http/answer-harness.js'

const logger = createLogger({ level: 'silent' })
const ACME = { title: 'Acme 2022 Form 10-K', company: 'Acme', fiscalYear: 2022, docType: '10-K' }
const CAPEX = 'What were Acme purchases of property, plant and equipment in 2022?'
/** Acme's filing again, its capex figure (1,577) restated as `figure`: a new version of the same document. */
const restatedAcme = (figure: string): ReturnType<typeof doc> =>
  doc(
    'acme-2022-10k',
    ACME_PAGES.map((p) => p.replace('(1,577)', figure)),
    ACME,
  )

/** A retriever that counts its calls around the real one. */
function counting(inner: Retriever): Retriever & { calls: number } {
  const r = {
    calls: 0,
    retrieve(q: string, o?: RetrieveOptions) {
      r.calls++
      return inner.retrieve(q, o)
    },
  }
  return r
}

describe('retrieval cache over a real SQLite store', () => {
  let dir: string
  let store: Corpus
  let inner: Retriever & { calls: number }
  let cached: ReturnType<typeof createCachedRetriever>

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-rcache-'))
    store = createSqliteCorpus({ path: path.join(dir, 'ragtune.db'), logger })
    await store.commitVersion(doc('acme-2022-10k', ACME_PAGES, ACME))
    await store.commitVersion(
      doc('beta-2023-ar', BETA_PAGES, {
        title: 'Beta Bicycles 2023 Annual Report',
        company: 'Beta',
        fiscalYear: 2023,
        docType: 'annual-report',
      }),
    )
    inner = counting(createHybridRetriever({ corpus: store, logger }))
    cached = createCachedRetriever(inner, store, { maxEntries: 100 })
  })
  afterEach(async () => {
    await store.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('answers a repeated question from memory with the same sources, and keeps questions, filters and topK apart', async () => {
    const first = await cached.retrieve(CAPEX)
    const again = await cached.retrieve(`  ${CAPEX} `)
    expect(again).toBe(first)
    expect(inner.calls).toBe(1)
    expect(first.sources[0]?.text).toContain('(1,577)')

    await cached.retrieve(CAPEX, { topK: 2 })
    await cached.retrieve(CAPEX, { filter: { documentIds: ['beta-2023-ar'] } })
    await cached.retrieve('Beta revenue 2023')
    expect(inner.calls).toBe(4)
    expect(cached.stats).toEqual({ hits: 1, misses: 4 })
    const filtered = await cached.retrieve(CAPEX, { filter: { documentIds: ['beta-2023-ar'] } })
    expect(filtered.sources.every((s) => s.documentId === 'beta-2023-ar')).toBe(true)
    expect(inner.calls).toBe(4)
  })

  it('a new version committed through this process is served to the very next question', async () => {
    const before = await cached.retrieve(CAPEX)
    expect(before.sources[0]?.version).toBe(1)
    await store.commitVersion(restatedAcme('(1,999)'))
    const after = await cached.retrieve(CAPEX)
    expect(after).not.toBe(before)
    expect(after.sources[0]).toMatchObject({ documentId: 'acme-2022-10k', version: 2 })
    expect(after.sources[0]?.text).toContain('(1,999)')
  })

  it('a document deleted through this process disappears from the next answer', async () => {
    expect((await cached.retrieve(CAPEX)).sources.some((s) => s.documentId === 'acme-2022-10k')).toBe(true)
    await store.deleteDocument('acme-2022-10k')
    expect((await cached.retrieve(CAPEX)).sources.some((s) => s.documentId === 'acme-2022-10k')).toBe(false)
  })

  it('a change made by another process is served as soon as the store sees it (its revision moves)', async () => {
    const watching = createCachedRetriever(inner, store, { maxEntries: 100 })
    const before = await watching.retrieve(CAPEX)
    expect(await watching.retrieve(CAPEX)).toBe(before)
    // another connection (as `ragtune ingest` in another process would be) commits version 2
    const other = createSqliteCorpus({ path: path.join(dir, 'ragtune.db'), logger })
    try {
      await other.commitVersion(restatedAcme('(2,222)'))
    } finally {
      await other.close()
    }
    // the store itself checks for other processes' commits at most every 50 ms (its searches too)
    await new Promise((resolve) => setTimeout(resolve, 80))
    const after = await watching.retrieve(CAPEX)
    expect(after).not.toBe(before)
    expect(after.sources[0]).toMatchObject({ version: 2 })
    expect(after.sources[0]?.text).toContain('(2,222)')
  })

  it('a store without a revision is compared by its document list on every question', async () => {
    const listOnly = { listDocuments: () => store.listDocuments() }
    const c = createCachedRetriever(inner, listOnly, { maxEntries: 100 })
    const before = await c.retrieve(CAPEX)
    expect(await c.retrieve(CAPEX)).toBe(before)
    await store.commitVersion(restatedAcme('(3,333)'))
    const after = await c.retrieve(CAPEX)
    expect(after.sources[0]?.text).toContain('(3,333)')
  })

  it('never stores a retrieval that was running when the corpus changed', async () => {
    const gates: (() => void)[] = []
    const slow: Retriever = {
      async retrieve(q, o) {
        await new Promise<void>((resolve) => gates.push(resolve))
        return inner.retrieve(q, o)
      },
    }
    const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5))
    let revision = 'r1'
    const c = createCachedRetriever(slow, { listDocuments: async () => [], revision: async () => revision }, { maxEntries: 100 })
    const running = c.retrieve(CAPEX)
    await tick()
    // the corpus moves on while the first retrieval runs, and another question sees it
    revision = 'r2'
    const other = c.retrieve('Beta revenue 2023')
    await tick()
    expect(gates).toHaveLength(2)
    gates[0]?.() // the first one finishes: computed under r1, it must not be stored
    gates[1]?.()
    await Promise.all([running, other])
    const again = c.retrieve(CAPEX)
    await tick()
    gates[2]?.()
    await again
    expect(c.stats).toEqual({ hits: 0, misses: 3 })
    // while the one computed under r2 is served
    await c.retrieve('Beta revenue 2023')
    expect(c.stats).toEqual({ hits: 1, misses: 3 })
  })
})

describe('retrieval cache bounds', () => {
  const fake = (chars: number): Retriever & { calls: number } => {
    const r = {
      calls: 0,
      async retrieve(q: string): Promise<Retrieval> {
        r.calls++
        const source = {
          documentId: q,
          version: 1,
          meta: { title: q },
          pageStart: 1,
          pageEnd: 1,
          sectionPath: [],
          text: 'x'.repeat(chars),
          ordinals: [0],
          score: 1,
        }
        return { sources: [source], route: {}, timings: { totalMs: 0, keywordMs: 0, vectorMs: 0 } }
      },
    }
    return r
  }
  const noDocs = { listDocuments: async () => [] }

  it('drops the least recently used entry beyond maxEntries', async () => {
    const inner = fake(10)
    const c = createCachedRetriever(inner, noDocs, { maxEntries: 2 })
    await c.retrieve('a')
    await c.retrieve('b')
    await c.retrieve('a') // a is now the most recently used
    await c.retrieve('c') // evicts b
    await c.retrieve('a')
    expect(inner.calls).toBe(3)
    await c.retrieve('b')
    expect(inner.calls).toBe(4)
  })

  it('keeps the total source text under maxChars and never caches an entry larger than that', async () => {
    const inner = fake(400)
    const c = createCachedRetriever(inner, noDocs, { maxEntries: 100, maxChars: 1000 })
    for (const q of ['a', 'b', 'c']) await c.retrieve(q) // c pushes a out (1200 > 1000)
    await c.retrieve('c')
    await c.retrieve('a')
    expect(inner.calls).toBe(4)
    const big = fake(2000)
    const d = createCachedRetriever(big, noDocs, { maxEntries: 100, maxChars: 1000 })
    await d.retrieve('a')
    await d.retrieve('a')
    expect(big.calls).toBe(2)
  })

  it('maxEntries 0 turns it off', async () => {
    const inner = fake(10)
    const c = createCachedRetriever(inner, noDocs, { maxEntries: 0 })
    await c.retrieve('a')
    await c.retrieve('a')
    expect(inner.calls).toBe(2)
    expect(c.stats).toEqual({ hits: 0, misses: 0 })
  })
})

describe('extractive answers over the cache', () => {
  it('are the same answer with and without the cache, with timings of their own', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-rcache-'))
    const store = createSqliteCorpus({ path: path.join(dir, 'ragtune.db'), logger })
    try {
      await store.commitVersion(doc('acme-2022-10k', ACME_PAGES, ACME))
      const hybrid = createHybridRetriever({ corpus: store, logger })
      const voices = createStaticVoiceResolver({ chatModel: undefined })
      const plain = createAnswerer({ retriever: hybrid, voices, logger })
      const withCache = createAnswerer({ retriever: createCachedRetriever(hybrid, store, { maxEntries: 10 }), voices, logger })
      const expected = await plain.ask(CAPEX)
      const a = await withCache.ask(CAPEX)
      const b = await withCache.ask(CAPEX)
      const { timings: _t0, ...want } = expected
      for (const r of [a, b]) {
        const { timings, ...rest } = r
        expect(rest).toEqual(want)
        expect(timings.totalMs).toBeGreaterThanOrEqual(0)
      }
      expect(b.answer).toContain('(1,577)')
      expect(b.citations[0]).toMatchObject({ documentId: 'acme-2022-10k', pageStart: 2 })
    } finally {
      await store.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('generated answers over the cache', () => {
  it('give the model the same context for a repeated question, and the new version right after a commit', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-rcache-'))
    const store = createSqliteCorpus({ path: path.join(dir, 'ragtune.db'), logger })
    const prompts: string[] = []
    const chat: ChatModel = {
      model: 'fake',
      async complete(request) {
        prompts.push(request.messages.map((m) => m.content).join('\n'))
        return {
          text: 'Purchases of property, plant and equipment were (1,577) [1].',
          model: 'fake',
          usage: undefined,
          finishReason: 'stop',
        }
      },
      async *stream() {
        yield ''
      },
    }
    try {
      await store.commitVersion(doc('acme-2022-10k', ACME_PAGES, ACME))
      const voices = createStaticVoiceResolver({ chatModel: 'fake' })
      const hybrid = createHybridRetriever({ corpus: store, logger })
      const answerer = createAnswerer({ retriever: createCachedRetriever(hybrid, store, { maxEntries: 10 }), chat, voices, logger })
      const plain = createAnswerer({ retriever: hybrid, chat, voices, logger })
      const first = await answerer.ask(CAPEX)
      const second = await answerer.ask(CAPEX)
      await plain.ask(CAPEX)
      expect(prompts).toHaveLength(3)
      expect(prompts[1]).toBe(prompts[0])
      expect(prompts[2]).toBe(prompts[0])
      expect(prompts[0]).toContain('(1,577)')
      expect(second.citations).toEqual(first.citations)
      await store.commitVersion(restatedAcme('(1,999)'))
      const after = await answerer.ask(CAPEX)
      expect(prompts[3]).toContain('(1,999)')
      expect(prompts[3]).not.toContain('(1,577)')
      expect(after.citations[0]?.version).toBe(2)
    } finally {
      await store.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('the composed service (buildDeps)', () => {
  it('answers from the new version right after a re-ingest through its own pipeline', async () => {
    const { loadConfig } = await import('../../src/config.js')
    const { buildDeps, closeDeps } = await import('../../src/deps.js')
    const { ingestPaths } = await import('../../src/core/ingest/ingest-paths.js')
    const { buildApp } = await import('../../src/app.js')
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-rcache-deps-'))
    const file = path.join(dir, 'zeta-2024-report.md')
    const deps = await buildDeps(loadConfig({ RAGTUNE_DATA_DIR: path.join(dir, 'data'), RAGTUNE_INGEST_WORKERS: '0' }), logger)
    try {
      const write = (figure: string): void =>
        fs.writeFileSync(file, `# Zeta Widgets 2024 report\n\nZeta Widgets paid a quarterly dividend of ${figure} per share in 2024.\n`)
      write('$0.42')
      await ingestPaths(deps.ingest, [file])
      const q = 'What dividend per share did Zeta Widgets pay in 2024?'
      expect((await deps.answerer.ask(q)).answer).toContain('$0.42')
      expect((await deps.answerer.ask(q)).answer).toContain('$0.42')
      write('$0.57')
      const second = await ingestPaths(deps.ingest, [file])
      expect(second.results[0]?.status).toBe('ingested')
      const after = await deps.answerer.ask(q)
      expect(after.answer).toContain('$0.57')
      expect(after.citations[0]?.version).toBe(2)
      const app = await buildApp(deps)
      try {
        await app.inject({ method: 'POST', url: '/v1/ask', payload: { question: q } })
        const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body
        // asked 4 times: the first and the one after the re-ingest computed, the other two reused
        expect(metrics).toMatch(/ragtune_cache_hits_total\{cache="retrieval"\} 2/)
        expect(metrics).toMatch(/ragtune_cache_misses_total\{cache="retrieval"\} 2/)
      } finally {
        await app.close()
      }
    } finally {
      await closeDeps(deps)
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
