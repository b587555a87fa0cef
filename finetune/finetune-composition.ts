import type { Config } from '../src/config.js'
import type { Logger } from '../src/logger.js'
import type { FineTuneProvider } from '../src/core/finetune.js'
import { openDatabase } from '../src/adapters/sqlite/database.js'
import { createSqliteModelRegistry } from '../src/adapters/sqlite/sqlite-model-registry.js'
import { createSqliteFineTuneJobStore } from '../src/adapters/sqlite/sqlite-finetune-jobs.js'
import { createOpenAIFineTuneProvider } from './providers/openai-finetune-provider.js'
import { checkDataset } from './providers/check-dataset.js'
import { createFineTuneRunner, type FineTuneRunner } from './finetune-service.js'

export interface FineTuneServiceHandle {
  readonly service: FineTuneRunner
  /** stops following jobs, then closes the store handle */
  close(): Promise<void>
}

/**
 * The fine-tuning service for the server (bin/serve.ts), on its own store handle. The provider is built
 * on first use, so a server without OPENAI_API_KEY still starts and answers fine-tune calls with
 * `finetune_not_configured`. Unfinished jobs (left by a restart, or started over HTTP) are followed in
 * the background, so a tuned model is registered when its job ends even if nobody asks.
 */
export function openFineTuneService(config: Config, logger: Logger, options: { pollMs?: number } = {}): FineTuneServiceHandle {
  const db = openDatabase(config.dbPath)
  const log = logger.child({ component: 'finetune-follower' })
  let provider: FineTuneProvider | undefined
  const get = (): FineTuneProvider => (provider ??= createOpenAIFineTuneProvider({ ...config.models, logger }))
  const lazy: FineTuneProvider = {
    name: 'openai',
    start: (spec, signal) => get().start(spec, signal),
    get: (id, signal) => get().get(id, signal),
    events: (id, after, signal) => get().events(id, after, signal),
    cancel: (id, signal) => get().cancel(id, signal),
  }
  const jobs = createSqliteFineTuneJobStore({ db })
  const runner = createFineTuneRunner({ provider: lazy, jobs, registry: createSqliteModelRegistry({ db }), logger, checkDataset })

  const stop = new AbortController()
  const following = new Map<string, Promise<void>>()
  const follow = (jobId: string): void => {
    if (following.has(jobId) || stop.signal.aborted) return
    const done = (async () => {
      const watch = runner.watch(jobId, { pollMs: options.pollMs ?? 30_000, signal: stop.signal })
      for await (const update of watch) if (update.type === 'status') log.info({ jobId, status: update.job.status }, 'fine-tuning job status')
    })()
      .catch((err: unknown) => {
        // The next GET or restart picks the job up again; a stopped server is not a failure.
        if (!stop.signal.aborted) log.warn({ err, jobId }, 'stopped following a fine-tuning job')
      })
      .finally(() => following.delete(jobId))
    following.set(jobId, done)
  }
  if (config.models.apiKey !== undefined || config.models.baseURL !== undefined) {
    void jobs.list({ unfinishedOnly: true }).then((list) => list.forEach((j) => follow(j.id)))
  }

  const service: FineTuneRunner = {
    ...runner,
    async start(request) {
      const job = await runner.start(request)
      follow(job.id)
      return job
    },
  }
  return {
    service,
    async close() {
      stop.abort(new Error('server closing'))
      await Promise.allSettled([...following.values()])
      db.close()
    },
  }
}
