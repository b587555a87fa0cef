import { afterEach, describe, expect, it } from 'vitest'
import { Pinecone, type QueryOptions } from '@pinecone-database/pinecone'
import { LIMITS, startPineconeEmulator, type PineconeEmulator } from '../support/pinecone-emulator.js'

// The emulator is only worth something if the real SDK accepts its answers: every case goes through it.
let emu: PineconeEmulator | undefined
afterEach(async () => {
  await emu?.close()
  emu = undefined
})

async function client(options: Parameters<typeof startPineconeEmulator>[0] = {}) {
  emu = await startPineconeEmulator(options)
  const pc = new Pinecone({ apiKey: emu.apiKey, controllerHostUrl: emu.controllerUrl, maxRetries: 0 })
  // The SDK caches resolved hosts per (api key, index name) for the whole process, so tests pass the host.
  return { pc, index: pc.index({ name: emu.indexName, host: emu.indexHost, namespace: 'tenant-a' }) }
}

describe('pinecone emulator, through the real SDK', () => {
  it('resolves the host by describe index and reports the index shape', async () => {
    const { pc } = await client({ dimension: 3 })
    const d = await pc.indexes.describe(emu!.indexName)
    expect(d.host).toBe(emu!.controllerUrl)
    expect(d.dimension).toBe(3)
    expect(d.metric).toBe('dotproduct')
    await expect(pc.indexes.describe('missing')).rejects.toThrow(/404/)
  })

  it('scores dense + sparse by dotproduct, filters metadata and keeps namespaces apart', async () => {
    const { index } = await client({ dimension: 2 })
    await index.upsert({
      records: [
        { id: 'a', values: [1, 0], sparseValues: { indices: [7], values: [2] }, metadata: { year: 2020, tags: ['x', 'y'] } },
        { id: 'b', values: [0, 1], sparseValues: { indices: [9], values: [5] }, metadata: { year: 2022, tags: ['z'] } },
        { id: 'c', values: [0.5, 0.5], metadata: { year: 2023 } },
      ],
    })
    const q = await index.query({ topK: 3, vector: [1, 0], sparseVector: { indices: [9], values: [1] }, includeMetadata: true })
    expect(q.matches.map((m) => [m.id, m.score])).toEqual([
      ['b', 5],
      ['a', 1],
      ['c', 0.5],
    ])
    const cases: [Record<string, unknown>, string[]][] = [
      [{ year: { $gte: 2022 } }, ['b', 'c']],
      [{ year: { $ne: 2022 } }, ['a', 'c']],
      [{ tags: { $in: ['y'] } }, ['a']],
      [{ tags: { $nin: ['z'] } }, ['a', 'c']],
      [{ $or: [{ year: 2020 }, { year: { $gt: 2022 } }] }, ['a', 'c']],
      [{ $and: [{ year: { $lt: 2023 } }, { tags: 'z' }] }, ['b']],
    ]
    for (const [filter, ids] of cases) {
      const r = await index.query({ topK: 10, vector: [1, 1], filter })
      expect(r.matches.map((m) => m.id).sort(), JSON.stringify(filter)).toEqual(ids)
    }
    const other = await index.namespace('tenant-b').query({ topK: 10, vector: [1, 1] })
    expect(other.matches).toEqual([])
  })

  it('lists by prefix with pagination, fetches, deletes by ids, filter and all', async () => {
    const { index } = await client()
    const records = Array.from({ length: 230 }, (_, i) => ({
      id: `doc${i < 150 ? 'A' : 'B'}#1#${String(i).padStart(4, '0')}`,
      sparseValues: { indices: [1], values: [1] },
      metadata: { doc: i < 150 ? 'A' : 'B' },
    }))
    await index.upsert({ records })
    const ids: string[] = []
    let token: string | undefined
    do {
      const page = await index.listPaginated({ prefix: 'docA#', limit: 100, ...(token ? { paginationToken: token } : {}) })
      ids.push(...(page.vectors ?? []).map((v) => v.id!))
      token = page.pagination?.next
    } while (token)
    expect(ids).toHaveLength(150)
    const f = await index.fetch({ ids: [ids[0]!, 'nope'] })
    expect(Object.keys(f.records)).toEqual([ids[0]])
    await index.deleteMany({ ids: ids.slice(0, 50) })
    await index.deleteMany({ filter: { doc: 'B' } })
    const stats = await index.describeIndexStats()
    expect(stats.namespaces?.['tenant-a']?.recordCount).toBe(100)
    await index.deleteAll()
    expect((await index.describeIndexStats()).totalRecordCount).toBe(0)
  })

  it('makes writes visible only after the configured lag', async () => {
    const { index } = await client({ lagMs: 150 })
    await index.upsert({ records: [{ id: 'x', sparseValues: { indices: [3], values: [1] } }] })
    // The SDK's types demand `vector`, but a sparse index is queried with `sparseVector` alone.
    const sparseOnly = { topK: 1, sparseVector: { indices: [3], values: [1] } } as unknown as QueryOptions
    const before = await index.query(sparseOnly)
    expect(before.matches).toHaveLength(0)
    expect(emu!.pendingWrites()).toBe(1)
    await new Promise((r) => setTimeout(r, 200))
    const after = await index.query(sparseOnly)
    expect(after.matches.map((m) => m.id)).toEqual(['x'])
  })

  it('rejects what Pinecone rejects, with its error messages', async () => {
    const { index } = await client({ dimension: 2 })
    const big = 'x'.repeat(LIMITS.metadataBytes + 10)
    await expect(index.upsert({ records: [{ id: 'm', values: [1, 1], metadata: { text: big } }] })).rejects.toThrow(
      /exceeds the limit of 40960 bytes/,
    )
    const many = Array.from({ length: 1001 }, (_, i) => ({ id: `r${i}`, values: [1, 0] }))
    await expect(index.upsert({ records: many })).rejects.toThrow(/exceeds the maximum of 1000/)
    await expect(index.upsert({ records: [{ id: 'd', values: [1, 2, 3] }] })).rejects.toThrow(/dimension/)
    await expect(index.query({ topK: 1, vector: [1, 0], filter: { a: { $regex: 'x' } } })).rejects.toThrow(/\$regex/)
    emu!.failNext(429)
    await expect(index.query({ topK: 1, vector: [1, 0] })).rejects.toThrow(/429/)
    const bad = new Pinecone({ apiKey: 'wrong', controllerHostUrl: emu!.controllerUrl, maxRetries: 0 })
    await expect(bad.index({ host: emu!.indexHost }).query({ topK: 1, vector: [1, 0] })).rejects.toThrow(
      /API key you provided was rejected/,
    )
  })
})
