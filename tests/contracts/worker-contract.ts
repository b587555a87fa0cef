import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pino from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildApp, type AppDeps } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { buildDeps, closeDeps } from '../../src/deps.js'
import type { IngestJob, JobStore } from '../../src/core/jobs.js'
import { runWorker, type WorkerJobReport } from '../../ingestion/worker.js'
import { postDocuments } from '../support/multipart.js'
import { makeReportPdf, randomBytes } from '../support/pdf-fixtures.js'

/** What a backend gives the shared worker suite: env for buildDeps, and more job stores ("other processes"). */
export interface WorkerBackend {
  /** extra configuration for buildDeps (DATABASE_URL for PostgreSQL) */
  env(): Promise<Record<string, string>>
  /** another job store on the same database, as a second worker process would open it */
  store(dataDir: string, options: { leaseMs: number; heartbeatMs: number }): Promise<JobStore>
  cleanup(): Promise<void>
}

const silent = pino({ level: 'silent' })

function report(word: string): string {
  return [
    `Acme ${word} quarterly report`,
    `The ${word} division grew revenue by twelve percent over the year.`,
    `Operating costs of the ${word} unit fell.`,
  ].join('\n\n')
}

export function workerBehaviour(name: string, backend: () => WorkerBackend): void {
  describe(`ingest worker (${name})`, () => {
    let b: WorkerBackend
    let dir: string
    let deps: AppDeps
    let jobs: JobStore

    const stage = (file: string, data: string | Uint8Array): string => {
      const p = path.join(dir, 'uploads', 'manual', file)
      fs.mkdirSync(path.dirname(p), { recursive: true })
      fs.writeFileSync(p, data)
      return p
    }
    const queueText = async (store: JobStore, word: string): Promise<IngestJob> =>
      store.create({
        origin: 'queue',
        filesTotal: 1,
        payload: { files: [{ path: stage(`${word}.txt`, report(word)), name: `${word}.txt` }] },
      })

    beforeEach(async () => {
      b = backend()
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-worker-'))
      const config = loadConfig({ RAGTUNE_INGEST_MODE: 'queue', RAGTUNE_INGEST_WORKERS: '0', ...(await b.env()) }, { dataDir: dir })
      deps = await buildDeps(config, silent)
      jobs = deps.jobs!
    })
    afterEach(async () => {
      // undefined when buildDeps itself failed: report that error, not this one
      const built = deps as AppDeps | undefined
      if (built !== undefined) await closeDeps(built)
      await b.cleanup()
      fs.rmSync(dir, { recursive: true, force: true })
    })

    it('queues an upload in queue mode; a worker ingests it, shows progress, and the document is searchable', async () => {
      const app = await buildApp(deps)
      const pdf = await makeReportPdf({ pages: 2 })
      const res = await postDocuments(app, [{ name: 'ACME_2023_10K.pdf', data: pdf }])
      expect(res.statusCode).toBe(202)
      const { jobId, status } = res.json<{ jobId: string; status: string }>()
      expect(status).toBe('queued')
      const queued = await app.inject({ method: 'GET', url: `/v1/ingestions/${jobId}` })
      expect(queued.json()).toMatchObject({ status: 'queued', filesTotal: 1, filesDone: 0 })
      expect(Object.keys(queued.json())).not.toContain('payload')
      // Nothing ran it in the API process.
      await new Promise((r) => setTimeout(r, 100))
      expect(await deps.corpus.listDocuments()).toEqual([])

      const seen: string[] = []
      const watched: JobStore = {
        ...jobs,
        async progress(id, p) {
          await jobs.progress(id, p)
          seen.push((await app.inject({ method: 'GET', url: `/v1/ingestions/${id}` })).json<{ status: string }>().status)
        },
      }
      const counts = await runWorker({ jobs: watched, ingest: deps.ingest!, logger: silent, once: true })
      expect(counts).toEqual({ succeeded: 1, failed: 0, released: 0 })
      expect(seen.length).toBeGreaterThan(0)
      expect(new Set(seen)).toEqual(new Set(['running']))
      const done = (await app.inject({ method: 'GET', url: `/v1/ingestions/${jobId}` })).json<Record<string, unknown>>()
      expect(done).toMatchObject({ status: 'succeeded', origin: 'http', filesTotal: 1, filesDone: 1, pagesDone: 2 })
      const hits = await deps.corpus.keywordSearch({ terms: ['freight', 'margins'], limit: 5 })
      expect(hits.map((h) => h.documentId)).toContain('acme_2023_10k')
      expect(fs.existsSync(path.join(dir, 'uploads', jobId))).toBe(false)
      await app.close()
    })

    it('two workers and many jobs: every job runs exactly once', async () => {
      const other = await b.store(dir, { leaseMs: 60_000, heartbeatMs: 1_000 })
      const created = await Promise.all(Array.from({ length: 10 }, (_, i) => queueText(jobs, `w${i}x`)))
      const reports: WorkerJobReport[] = []
      const onJob = (r: WorkerJobReport): void => void reports.push(r)
      await Promise.all([
        runWorker({ jobs, ingest: deps.ingest!, logger: silent, once: true, concurrency: 2, onJob }),
        runWorker({ jobs: other, ingest: deps.ingest!, logger: silent, once: true, concurrency: 2, onJob }),
      ])
      expect(reports.map((r) => r.jobId).sort()).toEqual(created.map((j) => j.id).sort())
      expect(reports.every((r) => r.outcome === 'succeeded' && r.attempts === 1)).toBe(true)
      for (const job of created) {
        const after = await jobs.get(job.id)
        expect(after).toMatchObject({ status: 'succeeded', attempts: 1, filesDone: 1 })
        expect(after?.results.map((r) => r.status)).toEqual(['ingested'])
      }
      expect(await deps.corpus.listDocuments()).toHaveLength(10)
      await other.close()
    })

    it('a worker that dies mid-job leaves it reclaimable after the lease; another worker completes it', async () => {
      const dying = await b.store(dir, { leaseMs: 300, heartbeatMs: 60_000 })
      const survivor = await b.store(dir, { leaseMs: 300, heartbeatMs: 50 })
      const job = await queueText(jobs, 'lazarus')
      expect((await dying.claimNext!())?.id).toBe(job.id)
      // It "dies": never heart-beats again (its interval is longer than the test) and never finishes.
      expect(await survivor.claimNext!()).toBeUndefined()
      const stop = new AbortController()
      const reports: WorkerJobReport[] = []
      await runWorker({
        jobs: survivor,
        ingest: deps.ingest!,
        logger: silent,
        signal: stop.signal,
        idleMinMs: 25,
        idleMaxMs: 100,
        onJob: (r) => {
          reports.push(r)
          stop.abort()
        },
      })
      expect(reports).toEqual([{ jobId: job.id, outcome: 'succeeded', files: 1, failed: 0, attempts: 2 }])
      expect(await jobs.get(job.id)).toMatchObject({ status: 'succeeded', attempts: 2, filesDone: 1 })
      // Fenced: the worker that lost its lease waking up cannot overwrite the job.
      await dying.progress(job.id, { filesDone: 0 })
      await dying.finish(job.id, { status: 'failed', error: { code: 'late', message: 'zombie' } })
      expect(await jobs.get(job.id)).toMatchObject({ status: 'succeeded', filesDone: 1, error: null })
      await dying.close()
      await survivor.close()
    })

    it('a bad file in a queued job fails with its own code; the job succeeds for the other files', async () => {
      const job = await jobs.create({
        origin: 'queue',
        filesTotal: 2,
        payload: {
          files: [
            { path: stage('good.txt', report('sound')), name: 'good.txt' },
            { path: stage('bad.pdf', randomBytes(3000)), name: 'bad.pdf' },
          ],
        },
      })
      const counts = await runWorker({ jobs, ingest: deps.ingest!, logger: silent, once: true })
      expect(counts.succeeded).toBe(1)
      const after = await jobs.get(job.id)
      expect(after).toMatchObject({ status: 'succeeded', filesDone: 2, error: null })
      expect(after?.results.find((r) => r.file === 'good.txt')).toMatchObject({ status: 'ingested' })
      expect(after?.results.find((r) => r.file === 'bad.pdf')).toMatchObject({ status: 'failed', error: { code: 'invalid_pdf' } })
    })

    it('a stopping worker gives its job back to the queue; the next run completes it', async () => {
      const job = await queueText(jobs, 'phoenix')
      const stop = new AbortController()
      const stopsAfterClaim: JobStore = {
        ...jobs,
        async claimNext() {
          const claimed = await jobs.claimNext!()
          stop.abort(new Error('SIGTERM'))
          return claimed
        },
      }
      expect(await runWorker({ jobs: stopsAfterClaim, ingest: deps.ingest!, logger: silent, signal: stop.signal })).toEqual({
        succeeded: 0,
        failed: 0,
        released: 1,
      })
      expect(await jobs.get(job.id)).toMatchObject({ status: 'queued', owner: null })
      expect(await runWorker({ jobs, ingest: deps.ingest!, logger: silent, once: true })).toEqual({ succeeded: 1, failed: 0, released: 0 })
      expect(await jobs.get(job.id)).toMatchObject({ status: 'succeeded', attempts: 2 })
    })

    it('start-up recovery leaves queue jobs alone (they are reclaimed, not failed)', async () => {
      const job = await queueText(jobs, 'patient')
      expect(await jobs.recoverAbandoned()).toEqual([])
      expect((await jobs.get(job.id))?.status).toBe('queued')
    })
  })
}
