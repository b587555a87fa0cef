import { readdir, rm } from 'node:fs/promises'
import path from 'node:path'
import type { Logger } from '../../logger.js'
import type { JobStore } from '../jobs.js'

/**
 * Start-up cleanup: jobs whose process died become `failed`, and staged uploads that no live job owns
 * are removed. The store itself needs no cleanup: a version is committed in one transaction or not at all.
 */
export async function recoverIngestJobs(jobs: JobStore, stagingDir: string, logger: Logger): Promise<string[]> {
  const abandoned = await jobs.recoverAbandoned()
  for (const job of abandoned) logger.warn({ jobId: job.id, owner: job.owner }, 'ingestion job abandoned by a dead process; marked failed')
  const entries = await readdir(stagingDir).catch(() => [] as string[])
  for (const id of entries) {
    const job = await jobs.get(id)
    if (job === undefined || job.status === 'failed' || job.status === 'succeeded') {
      await rm(path.join(stagingDir, id), { recursive: true, force: true })
    }
  }
  return abandoned.map((j) => j.id)
}
