import type { Config } from '../src/config.js'
import type { Logger } from '../src/logger.js'
import type { FineTuneJobStore, FineTuneProvider } from '../src/core/finetune.js'
import { once } from '../src/lazy.js'
import type { ModelRegistry } from '../src/core/model-registry.js'
import { checkDataset } from './providers/check-dataset.js'
import { createFineTuneRunner, type FineTuneRunner } from './finetune-service.js'

export interface FineTuneServiceHandle {
  readonly service: FineTuneRunner
  /** stops following jobs (the stores belong to the composition root, which closes them) */
  close(): Promise<void>
}

/** What fine-tuning needs from the composition root (src/deps.ts): the stores it picked, shared with the server. */
export interface FineTuneStores {
  readonly config: Config
  readonly logger: Logger
  readonly registry: ModelRegistry
  readonly fineTuneJobs: FineTuneJobStore
}

/**
 * The one way a runner is made (server and CLI alike): the OpenAI provider, loaded and built on first use
 * so that a process without OPENAI_API_KEY still starts and answers with `finetune_not_configured`, and
 * one that never fine-tunes never loads the openai SDK; and the local dataset checks before any upload.
 */
export function createComposedRunner(deps: FineTuneStores, options: { skipDatasetChecks?: boolean } = {}): FineTuneRunner {
  const { config, logger } = deps
  const get = once(async () =>
    (await import('./providers/openai-finetune-provider.js')).createOpenAIFineTuneProvider({ ...config.models, logger }),
  )
  const lazy: FineTuneProvider = {
    name: 'openai',
    start: async (spec, signal) => (await get()).start(spec, signal),
    get: async (id, signal) => (await get()).get(id, signal),
    events: async (id, after, signal) => (await get()).events(id, after, signal),
    cancel: async (id, signal) => (await get()).cancel(id, signal),
  }
  return createFineTuneRunner({
    provider: lazy,
    jobs: deps.fineTuneJobs,
    registry: deps.registry,
    logger,
    ...(options.skipDatasetChecks === true ? {} : { checkDataset }),
  })
}

/**
 * The fine-tuning service for the server (bin/serve.ts), on the stores the composition root picked
 * (PostgreSQL with DATABASE_URL, so every replica lists and activates the same jobs and voices). Unfinished jobs (left by a restart, or started over HTTP) are followed in
 * the background, so a tuned model is registered when its job ends even if nobody asks.
 */
export function openFineTuneService(deps: FineTuneStores, options: { pollMs?: number } = {}): FineTuneServiceHandle {
  const { config, logger } = deps
  const log = logger.child({ component: 'finetune-follower' })
  const jobs = deps.fineTuneJobs
  const runner = createComposedRunner(deps)

  const stop = new AbortController()
  const following = new Map<string, Promise<void>>()
  const follow = (jobId: string): void => {
    if (following.has(jobId) || stop.signal.aborted) return
    const done = (async () => {
      const watch = runner.watch(jobId, { pollMs: options.pollMs ?? 30_000, signal: stop.signal })
      for await (const update of watch)
        if (update.type === 'status') log.info({ jobId, status: update.job.status }, 'fine-tuning job status')
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
    },
  }
}
