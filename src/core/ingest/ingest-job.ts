import type { JobStore } from '../jobs.js'
import { errorBody } from '../../errors.js'
import { ingestPaths, ingestSources, type IngestPathsOptions, type IngestSummary } from './ingest-paths.js'
import type { IngestDeps, SourceFile } from './ingest-pipeline.js'
import type { FileResult } from '../jobs.js'

type Outcome = { results: FileResult[]; summary: IngestSummary }

/**
 * Runs an ingest as a persisted job: running → succeeded (even with some failed files) or failed (every
 * file failed, or the run threw). `work` is either paths to resolve or prepared sources.
 */
export async function runIngestJob(
  deps: IngestDeps,
  jobs: JobStore,
  jobId: string,
  work: { readonly paths: readonly string[] } | { readonly sources: readonly SourceFile[] },
  options: Omit<IngestPathsOptions, 'job'> & { readonly failures?: readonly FileResult[] } = {},
): Promise<Outcome> {
  await jobs.start(jobId)
  try {
    const opts = { ...options, job: { store: jobs, id: jobId } }
    const outcome = 'paths' in work ? await ingestPaths(deps, work.paths, opts) : await ingestSources(deps, work.sources, opts)
    const allFailed = outcome.summary.files > 0 && outcome.summary.failed === outcome.summary.files
    const first = outcome.results.find((r) => r.error !== undefined)?.error
    await jobs.finish(
      jobId,
      allFailed ? { status: 'failed', error: first ?? { code: 'ingest_failed', message: 'every file failed' } } : { status: 'succeeded' },
    )
    return outcome
  } catch (err) {
    await jobs.finish(jobId, { status: 'failed', error: errorBody(err) })
    throw err
  }
}
