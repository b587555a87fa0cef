import { rm } from 'node:fs/promises'
import { ingestSources } from '../src/core/ingest/ingest-paths.js'
import type { IngestDeps, SourceFile } from '../src/core/ingest/ingest-pipeline.js'
import type { IngestJob, JobPayload, JobStore } from '../src/core/jobs.js'
import { AppError, errorBody } from '../src/errors.js'
import type { Logger } from '../src/logger.js'
import { idleDelay } from './idle-delay.js'

export interface WorkerOptions {
  readonly jobs: JobStore
  readonly ingest: IngestDeps
  readonly logger: Logger
  /** jobs run at once by this process (each one still parses with the shared parser pool) */
  readonly concurrency?: number
  /** stop once the queue is empty instead of waiting for more */
  readonly once?: boolean
  /** aborting stops claiming; a job in progress is interrupted and given back to the queue */
  readonly signal?: AbortSignal
  /** idle back-off between empty polls: doubles from min to max */
  readonly idleMinMs?: number
  readonly idleMaxMs?: number
  /** called after every job this worker ends (tests and `--json` output) */
  readonly onJob?: (report: WorkerJobReport) => void
}

export interface WorkerJobReport {
  readonly jobId: string
  readonly outcome: 'succeeded' | 'failed' | 'released'
  readonly files: number
  readonly failed: number
  readonly attempts: number
}

/**
 * An ingest worker: claim a queued job → ingest its stored files through the same runner as the CLI and
 * the inline API (progress and heartbeat in the job) → finish it → remove its staged files. Several
 * workers, in one process or many, share the queue safely: the store hands each job to one claimer, and a
 * job whose worker died is reclaimed once its lease expires.
 */
export async function runWorker(
  options: WorkerOptions,
): Promise<{ readonly succeeded: number; readonly failed: number; readonly released: number }> {
  const { jobs, logger } = options
  const claimNext = jobs.claimNext?.bind(jobs)
  if (claimNext === undefined) throw new AppError('internal', 'this job store cannot hand out queued jobs', { status: 500 })
  const signal = options.signal ?? new AbortController().signal
  const counts = { succeeded: 0, failed: 0, released: 0 }
  const idle = idleDelay(options.idleMinMs ?? 250, options.idleMaxMs ?? 2_000)

  const slot = async (): Promise<void> => {
    while (!signal.aborted) {
      let job: IngestJob | undefined
      try {
        job = await claimNext()
      } catch (err) {
        // A busy or unreachable database: keep the worker alive and try again after a pause.
        logger.warn({ err }, 'could not claim an ingestion job; retrying')
        await idle.wait(signal)
        continue
      }
      if (job === undefined) {
        if (options.once === true) return
        await idle.wait(signal)
        continue
      }
      idle.reset()
      const claimed = job
      const report = await runClaimed(options, claimed, signal).catch(async (err: unknown) => {
        // Only the job store itself failing ends up here. Releasing stops our heartbeat first, so even if
        // the store stays unreachable the lease runs out and another worker reclaims the job.
        logger.error({ err, jobId: claimed.id }, 'ingestion job could not be recorded; giving it back')
        await jobs.release?.(claimed.id).catch(() => undefined)
        return undefined
      })
      if (report === undefined) continue
      counts[report.outcome] += 1
      options.onJob?.(report)
    }
  }
  logger.info({ concurrency: options.concurrency ?? 1 }, 'ingest worker started')
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 1) }, slot))
  logger.info(counts, 'ingest worker stopped')
  return counts
}

async function runClaimed(options: WorkerOptions, job: IngestJob, signal: AbortSignal): Promise<WorkerJobReport> {
  const { jobs, logger } = options
  const started = performance.now()
  const log = logger.child({ jobId: job.id, attempts: job.attempts ?? 1 })
  const base = { jobId: job.id, attempts: job.attempts ?? 1 }
  const payload = job.payload
  if (payload === undefined) {
    const error = { code: 'job_without_inputs', message: 'this job has no stored inputs, so no worker can run it; upload the files again' }
    await jobs.finish(job.id, { status: 'failed', error })
    return { ...base, outcome: 'failed', files: 0, failed: 0 }
  }
  log.info({ files: payload.files.length }, 'ingestion job claimed')
  try {
    const { summary } = await ingestSources(options.ingest, toSources(payload), {
      failures: payload.failures ?? [],
      signal,
      job: { store: jobs, id: job.id },
    })
    if (signal.aborted) return await release(options, job.id, log, base)
    const allFailed = summary.files > 0 && summary.failed === summary.files
    const first = (await jobs.get(job.id))?.results.find((r) => r.error !== undefined)?.error
    await jobs.finish(
      job.id,
      allFailed ? { status: 'failed', error: first ?? { code: 'ingest_failed', message: 'every file failed' } } : { status: 'succeeded' },
    )
    log.info({ ...summary, seconds: Math.round(performance.now() - started) / 1000 }, 'ingestion job finished')
    await removeStaged(payload)
    return { ...base, outcome: allFailed ? 'failed' : 'succeeded', files: summary.files, failed: summary.failed }
  } catch (err) {
    if (signal.aborted) return await release(options, job.id, log, base)
    log.error({ err }, 'ingestion job failed')
    await jobs.finish(job.id, { status: 'failed', error: errorBody(err) })
    await removeStaged(payload)
    return { ...base, outcome: 'failed', files: payload.files.length, failed: payload.files.length }
  }
}

/** Stopping mid-job hands it back: files already committed come out `unchanged` when it runs again. */
async function release(
  options: WorkerOptions,
  id: string,
  log: Logger,
  base: { jobId: string; attempts: number },
): Promise<WorkerJobReport> {
  if (options.jobs.release === undefined)
    await options.jobs.finish(id, {
      status: 'failed',
      error: { code: 'job_interrupted', message: 'the worker stopped before the job finished; upload the files again' },
    })
  else await options.jobs.release(id)
  log.warn('ingestion job given back to the queue: the worker is stopping')
  return { ...base, outcome: 'released', files: 0, failed: 0 }
}

function toSources(payload: JobPayload): SourceFile[] {
  return payload.files.map((f) => ({
    path: f.path,
    name: f.name,
    label: f.name,
    ...(f.sha256 === undefined ? {} : { sha256: f.sha256 }),
    ...(payload.documentId === undefined ? {} : { documentId: payload.documentId }),
    ...(payload.collection === undefined ? {} : { collection: payload.collection }),
    ...(payload.overrides === undefined ? {} : { overrides: payload.overrides }),
  }))
}

async function removeStaged(payload: JobPayload): Promise<void> {
  if (payload.stagingDir !== undefined) await rm(payload.stagingDir, { recursive: true, force: true })
}
