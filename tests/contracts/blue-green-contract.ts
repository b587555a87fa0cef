import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createBlueGreenCorpus } from '../../src/core/scale-out/blue-green-corpus.js'
import type { ChunkHit, Corpus } from '../../src/core/corpus.js'
import type { CorpusCatalog } from '../../src/core/catalog.js'
import { emulatorIndex } from '../support/pinecone-corpus.js'
import { statsDelta } from '../../src/core/sparse/bm25-encoder.js'
import { startPineconeEmulator, type PineconeEmulator } from '../support/pinecone-emulator.js'
import { docInput, silentLogger, toyEmbedding } from '../scale/scale-fixtures.js'

type ScaleCorpus = Corpus & { settle(): Promise<void> }

export interface RegistryFactory {
  create(): Promise<CorpusCatalog>
  cleanup(): Promise<void>
}

const FAST_RETRY = { retries: 4, baseDelayMs: 5, maxDelayMs: 20 }

/**
 * Blue/green behaviour of the scale-out corpus, run once per catalog (PostgreSQL, SQLite) against the
 * Pinecone emulator through the real SDK.
 */
export function describeBlueGreen(name: string, factory: () => RegistryFactory): void {
  describe(`blue/green corpus: ${name} catalog + pinecone emulator`, () => {
    let emu: PineconeEmulator
    let f: RegistryFactory
    const open: ScaleCorpus[] = []

    async function corpus(
      options: { lagMs?: number; dimension?: number; graceMs?: number; staleStagedMs?: number } = {},
    ): Promise<ScaleCorpus> {
      emu ??= await startPineconeEmulator({
        lagMs: options.lagMs ?? 0,
        ...(options.dimension === undefined ? {} : { dimension: options.dimension }),
      })
      const index = await emulatorIndex(emu, silentLogger, { retry: FAST_RETRY })
      const c = createBlueGreenCorpus({
        catalog: await f.create(),
        index,
        namespace: 'tenant-a',
        logger: silentLogger,
        pollMs: 10,
        retireGraceMs: options.graceMs ?? 0,
        visibilityTimeoutMs: 5_000,
        ...(options.staleStagedMs === undefined ? {} : { staleStagedMs: options.staleStagedMs }),
      })
      open.push(c)
      return c
    }

    beforeEach(() => {
      f = factory()
    })
    afterEach(async () => {
      for (const c of open.splice(0)) await c.close()
      await emu?.close()
      emu = undefined as unknown as PineconeEmulator
      await f.cleanup()
    })

    const revenue = (year: number, amount: number): string[] => [
      `Total net revenue for fiscal ${year} was ${amount} million dollars.`,
      'Capital expenditures were spent on new warehouses and software.',
      'The board declared a quarterly dividend payable to shareholders.',
    ]

    it('ingests, searches BM25 through sparse vectors, filters, and skips an unchanged version', async () => {
      const c = await corpus()
      const a = await c.commitVersion(
        docInput('acme-2022', revenue(2022, 500), { meta: { company: 'Acme', fiscalYear: 2022, docType: '10-K' } }),
      )
      await c.commitVersion(
        docInput('beta-2023', ['Beta sells bicycles and revenue grew.', 'Dividend policy unchanged.'], {
          meta: { company: 'Beta', fiscalYear: 2023 },
        }),
      )
      expect(a).toEqual({ documentId: 'acme-2022', version: 1, status: 'ingested' })
      const hits = await c.keywordSearch({ terms: ['capital', 'expenditures'], limit: 5 })
      expect(hits[0]?.documentId).toBe('acme-2022')
      expect(hits[0]?.chunk.text).toBe('Capital expenditures were spent on new warehouses and software.')
      expect(hits[0]?.chunk.pageStart).toBe(2)
      const filtered = await c.keywordSearch({ terms: ['dividend'], limit: 5, filter: { company: ['BETA'] } })
      expect(filtered.map((h) => h.documentId)).toEqual(['beta-2023'])
      const byYear = await c.keywordSearch({ terms: ['revenue'], limit: 5, filter: { fiscalYear: [2022] } })
      expect(new Set(byYear.map((h) => h.documentId))).toEqual(new Set(['acme-2022']))
      expect(await c.keywordSearch({ terms: ['zeppelin'], limit: 5 })).toEqual([])
      expect((await c.getChunks('acme-2022', [2, 0, 9])).map((h) => h.chunk.ordinal)).toEqual([0, 2])
      expect((await c.listDocuments()).map((d) => [d.id, d.activeVersion, d.chunks])).toEqual([
        ['acme-2022', 1, 3],
        ['beta-2023', 1, 2],
      ])
      const again = await c.commitVersion(
        docInput('acme-2022', revenue(2022, 500), { meta: { company: 'Acme', fiscalYear: 2022, docType: '10-K' } }),
      )
      expect(again.status).toBe('unchanged')
      expect(emu.requestCounts.get('/vectors/upsert')).toBe(2)
    })

    it('re-ingests blue/green under write lag: every concurrent search sees exactly one version, never none', async () => {
      const c = await corpus({ lagMs: 60, graceMs: 50 })
      await c.commitVersion(docInput('acme', revenue(2022, 500)))
      let stop = false
      const seen: number[][] = []
      const reader = (async () => {
        // keep reading until the re-ingest is over and enough reads were made, however slow the machine
        while (!stop || seen.length < 10) {
          const hits: ChunkHit[] = await c.keywordSearch({ terms: ['revenue', 'dividend', 'capital'], limit: 10 })
          seen.push([...new Set(hits.map((h) => h.version))])
          await new Promise((r) => setTimeout(r, 3))
        }
      })()
      while (seen.length < 3) await new Promise((r) => setTimeout(r, 5))
      const r = await c.commitVersion(docInput('acme', revenue(2023, 650)))
      expect(r).toEqual({ documentId: 'acme', version: 2, status: 'ingested', replaced: 1 })
      const after = await c.keywordSearch({ terms: ['revenue'], limit: 3 })
      expect(after[0]?.chunk.text).toContain('650 million')
      await c.settle()
      stop = true
      await reader
      expect(seen.filter((v) => v.length !== 1)).toEqual([])
      expect(seen[0]).toEqual([1])
      expect(seen[seen.length - 1]).toEqual([2])
      // the old version is gone from the index once cleanup has run
      expect(
        emu
          .visibleRecords('tenant-a')
          .map((r) => r.id)
          .sort(),
      ).toEqual(['acme#2#0', 'acme#2#1', 'acme#2#2'])
    })

    it('deletes a document from search and from the index', async () => {
      const c = await corpus({ lagMs: 20 })
      await c.commitVersion(docInput('gone', revenue(2021, 1)))
      expect(await c.deleteDocument('gone')).toBe(true)
      expect(await c.deleteDocument('gone')).toBe(false)
      expect(await c.getDocument('gone')).toBeUndefined()
      expect(await c.keywordSearch({ terms: ['revenue'], limit: 5 })).toEqual([])
      expect(emu.visibleRecords('tenant-a')).toEqual([])
    })

    it('retries 429 and 503, and keeps the old version when the new one cannot be written', async () => {
      const c = await corpus()
      emu.failNext(429, 2)
      await c.commitVersion(docInput('acme', revenue(2022, 500)))
      emu.failNext(503, 50)
      await expect(c.commitVersion(docInput('acme', revenue(2023, 650)))).rejects.toMatchObject({
        code: 'vector_store_unavailable',
        retryable: true,
      })
      emu.clearFaults()
      while (emu.pendingWrites() > 0) await new Promise((r) => setTimeout(r, 5))
      const hits = await c.keywordSearch({ terms: ['revenue'], limit: 3 })
      expect(hits[0]?.version).toBe(1)
      expect((await c.getDocument('acme'))?.activeVersion).toBe(1)
    })

    it('sweeps what a crashed replica left: a staged version is dropped, the active one keeps serving', async () => {
      const first = await corpus()
      await first.commitVersion(docInput('acme', revenue(2022, 500)))
      // a replica stages v2 and writes its vectors, then dies before the flip
      const catalog = await f.create()
      await catalog.stageVersion(docInput('acme', revenue(2023, 650)), statsDelta(docInput('acme', revenue(2023, 650)).chunks, 1))
      await catalog.close()
      await (
        await emulatorIndex(emu, silentLogger)
      ).upsert('tenant-a', [
        { id: 'acme#2#0', sparse: { indices: [1], values: [1] }, metadata: { documentId: 'acme', version: 2, ordinal: 0 } },
      ])
      const hits = await first.keywordSearch({ terms: ['revenue'], limit: 5 })
      expect(new Set(hits.map((h) => h.version))).toEqual(new Set([1]))
      const restarted = await corpus({ staleStagedMs: 0 })
      await restarted.settle()
      expect(
        emu
          .visibleRecords('tenant-a')
          .map((r) => r.id)
          .sort(),
      ).toEqual(['acme#1#0', 'acme#1#1', 'acme#1#2'])
      const again = await restarted.commitVersion(docInput('acme', revenue(2024, 700)))
      expect(again).toMatchObject({ status: 'ingested', replaced: 1 })
    })

    it('runs dense, hybrid (alpha-weighted) and BM25 queries on a dense dotproduct index', async () => {
      const embed = toyEmbedding(16)
      const c = await corpus({ dimension: 16 })
      // a BM25-only document in a dense index: found by keywords, never by vectors
      await c.commitVersion(docInput('plain', ['no vectors here about dividends']))
      await c.commitVersion(docInput('acme', revenue(2022, 500), { embed }))
      expect((await c.keywordSearch({ terms: ['vectors'], limit: 3 })).map((h) => h.documentId)).toEqual(['plain'])
      expect(
        (await c.vectorSearch({ vector: embed('no vectors here about dividends'), model: 'test-embed', limit: 10 })).map(
          (h) => h.documentId,
        ),
      ).not.toContain('plain')
      const q = embed('board declared a quarterly dividend')
      const dense = await c.vectorSearch({ vector: q, model: 'test-embed', limit: 2 })
      expect(dense[0]?.chunk.ordinal).toBe(2)
      expect(await c.vectorSearch({ vector: q, model: 'other-model', limit: 2 })).toEqual([])
      const hybrid = await c.hybridSearch!({ vector: embed('warehouses'), model: 'test-embed', terms: ['dividend'], limit: 3, alpha: 0 })
      expect(hybrid[0]?.chunk.ordinal).toBe(2)
      const denseOnly = await c.hybridSearch!({
        vector: embed('warehouses software'),
        model: 'test-embed',
        terms: ['dividend'],
        limit: 3,
        alpha: 1,
      })
      expect(denseOnly[0]?.chunk.ordinal).toBe(1)
      const bm25 = await c.keywordSearch({ terms: ['warehouses'], limit: 1 })
      expect(bm25[0]?.chunk.ordinal).toBe(1)
      expect((await c.cachedEmbeddings('test-embed', [bm25[0]!.chunk.hash])).size).toBe(1)
    })
  })
}
