import { describe, expect, it } from 'vitest'
import type { JobStore } from '../../src/core/jobs.js'
import { closedAfterEach } from './backends.js'

/**
 * The queue behaviour every JobStore must show (SQLite, PostgreSQL). `open` returns another handle on the
 * test's store, as another worker process holds one; `cleanup` drops the store after each test.
 */
export interface JobStoreFactory {
  open(options?: { leaseMs?: number; heartbeatMs?: number }): Promise<JobStore>
  cleanup?(): Promise<void>
}

export function describeJobStoreContract(name: string, factory: JobStoreFactory): void {
  describe(`JobStore contract: ${name}`, () => {
    const open = closedAfterEach(
      (options?: { leaseMs?: number; heartbeatMs?: number }) => factory.open(options),
      async () => factory.cleanup?.(),
    )

    it('hands each queued job to exactly one of several concurrent workers', async () => {
      const workers = [await open(), await open(), await open()]
      const created = []
      for (let i = 0; i < 12; i++) created.push(await workers[0]!.create({ origin: 'queue', filesTotal: 1, payload: { files: [] } }))
      const claimed = await Promise.all(
        workers.map(async (w) => {
          const mine: string[] = []
          for (let job = await w.claimNext!(); job !== undefined; job = await w.claimNext!()) mine.push(job.id)
          return mine
        }),
      )
      const all = claimed.flat()
      expect(all).toHaveLength(12)
      expect(new Set(all)).toEqual(new Set(created.map((j) => j.id)))
    })

    it('lets another worker reclaim a job whose worker stopped renewing its lease; the re-run starts over', async () => {
      const dying = await open({ leaseMs: 300, heartbeatMs: 60_000 })
      const survivor = await open({ leaseMs: 300, heartbeatMs: 50 })
      const job = await dying.create({ origin: 'queue', filesTotal: 2, payload: { files: [] } })
      expect((await dying.claimNext!())?.id).toBe(job.id)
      await dying.progress(job.id, {
        filesDone: 1,
        result: { file: 'a.pdf', documentId: 'a', version: 1, status: 'ingested', pages: 3, chunks: 4, seconds: 1 },
      })
      await open.closeNow(dying) // the worker dies: no more heartbeats
      expect(await survivor.claimNext!()).toBeUndefined()
      let again = await survivor.claimNext!()
      for (let i = 0; again === undefined && i < 100; i++) {
        await new Promise((r) => setTimeout(r, 50))
        again = await survivor.claimNext!()
      }
      expect(again).toMatchObject({ id: job.id, attempts: 2, filesDone: 0, status: 'running' })
      expect(again?.results).toEqual([])
      await survivor.finish(job.id, { status: 'succeeded' })
      expect((await survivor.get(job.id))?.status).toBe('succeeded')
      expect((await survivor.list(10)).map((j) => j.id)).toEqual([job.id])
    })

    it('keeps pagesTotal and percent as progress writes them and reports percent 100 once succeeded', async () => {
      const store = await open({ leaseMs: 300, heartbeatMs: 60_000 })
      const job = await store.create({ origin: 'queue', filesTotal: 2, payload: { files: [] } })
      expect(job).toMatchObject({ pagesTotal: 0, percent: 0 })
      await store.claimNext!()
      await store.progress(job.id, { pagesDone: 3, pagesTotal: 12, percent: 33.3 })
      await store.progress(job.id, { filesDone: 1 }) // fields left out keep their values
      expect(await store.get(job.id)).toMatchObject({ pagesDone: 3, pagesTotal: 12, percent: 33.3, filesDone: 1 })
      await store.finish(job.id, { status: 'failed', error: { code: 'x', message: 'x' } })
      expect((await store.get(job.id))?.percent).toBe(33.3)

      const other = await store.create({ origin: 'queue', filesTotal: 1, payload: { files: [] } })
      await store.claimNext!()
      await store.progress(other.id, { pagesTotal: 4, percent: 50 })
      await store.finish(other.id, { status: 'succeeded' })
      expect(await store.get(other.id)).toMatchObject({ pagesTotal: 4, percent: 100 })
    })

    it('counts the queued jobs only', async () => {
      const store = await open()
      expect(await store.countQueued()).toBe(0)
      for (let i = 0; i < 3; i++) await store.create({ origin: 'queue', filesTotal: 1, payload: { files: [] } })
      expect(await store.countQueued()).toBe(3)
      const claimed = await store.claimNext!()
      expect(await store.countQueued()).toBe(2)
      await store.release!(claimed!.id)
      expect(await store.countQueued()).toBe(3)
    })
  })
}
