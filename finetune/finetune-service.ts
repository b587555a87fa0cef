import { createHash } from 'node:crypto'
import {
  isTerminalStatus,
  type FineTuneFile,
  type FineTuneJob,
  type FineTuneJobStore,
  type FineTuneProvider,
  type FineTuneSpec,
  type FineTuneService,
  type StoredFineTuneJob,
} from '../src/core/finetune.js'
import type { ModelRegistry } from '../src/core/model-registry.js'
import type { Logger } from '../src/logger.js'
import { AppError } from '../src/errors.js'
import { watchJob, type WatchOptions, type WatchUpdate } from './providers/watch-job.js'
import { assertActivatable } from './registry/activation-gate.js'

export interface FineTuneRunner extends FineTuneService {
  /** follows a job to its end, persisting each event seen and registering the model on success */
  watch(jobId: string, options?: Omit<WatchOptions, 'afterEventId'>): AsyncGenerator<WatchUpdate, StoredFineTuneJob>
  cancel(jobId: string): Promise<StoredFineTuneJob>
  /** the activation note (no evaluation yet, or forced past a worse one) */
  activateWithNote(modelId: string, options: { force: boolean }): Promise<{ id: string; active: boolean; note?: string }>
}

/**
 * Activation is a registry matter: a prompted voice (or an already trained model) needs no fine-tuning
 * provider, so `ragtune models activate` calls this without building one.
 */
export async function activateVoice(
  registry: ModelRegistry,
  log: Logger,
  modelId: string,
  options: { force: boolean },
): Promise<{ id: string; active: boolean; note?: string }> {
  const model = await registry.get(modelId)
  if (model === undefined)
    throw new AppError('model_not_found', `no model "${modelId}" in the registry; see \`ragtune models list\``, { status: 404 })
  const note = assertActivatable(model, options.force)
  const activated = await registry.activate(modelId)
  log.info({ id: modelId, forced: options.force, note }, 'activated voice model')
  return { id: activated.id, active: activated.active, ...(note === undefined ? {} : { note }) }
}

/** Provider + job store + registry: what the CLI and POST /v1/finetunes share. */
export function createFineTuneRunner(deps: {
  provider: FineTuneProvider
  jobs: FineTuneJobStore
  registry: ModelRegistry
  logger: Logger
  /** local dataset checks before anything is uploaded; throws AppError to refuse */
  checkDataset?: (file: FineTuneFile, baseModel: string) => void
}): FineTuneRunner {
  const { provider, jobs, registry } = deps
  const log = deps.logger.child({ component: 'finetune' })

  const record = async (job: FineTuneJob, lastEventId?: string): Promise<StoredFineTuneJob> => {
    const stored = await jobs.save(job, lastEventId === undefined ? {} : { lastEventId })
    if ((job.status === 'failed' || job.status === 'cancelled') && stored.voiceName !== null) {
      // Only the placeholder this job created follows its fate; a voice that already served stays as it was.
      const placeholder = await registry.get(stored.voiceName)
      if (placeholder?.jobId === job.id && placeholder.status === 'training') await registry.upsert({ ...placeholder, status: job.status })
    }
    if (job.status === 'succeeded' && job.fineTunedModel !== null) {
      let id = stored.voiceName ?? job.fineTunedModel
      let existing = await registry.get(id)
      // Retraining the active voice must not put an unevaluated model live: the new one gets its own id.
      if (existing?.active === true && existing.model !== job.fineTunedModel && existing.jobId !== job.id) {
        log.warn(
          { id, model: job.fineTunedModel },
          'the voice name is active with another model; registering the new model under its own name',
        )
        id = job.fineTunedModel
        existing = await registry.get(id)
      }
      if (existing?.status !== 'ready' || existing.model !== job.fineTunedModel) {
        await registry.upsert({
          id,
          provider: provider.name,
          model: job.fineTunedModel,
          baseModel: job.baseModel,
          baseURL: null,
          datasetHash: stored.datasetHash,
          jobId: job.id,
          status: 'ready',
          ...(existing?.kind === 'prompted' || existing?.kind === 'prompted+fine-tuned'
            ? { kind: 'prompted+fine-tuned' as const }
            : { kind: 'fine-tuned' as const }),
        })
        log.info({ jobId: job.id, model: job.fineTunedModel, id }, 'registered fine-tuned model')
      }
    }
    return stored
  }

  const known = async (jobId: string): Promise<StoredFineTuneJob> => {
    const stored = await jobs.get(jobId)
    if (stored !== undefined) return stored
    // A job started elsewhere (the provider's dashboard, another machine) is adopted on first sight.
    return record(await provider.get(jobId))
  }

  const runner: FineTuneRunner = {
    async start(request: FineTuneSpec & { name?: string }) {
      if (request.name !== undefined && !/^[\w.:-]{1,128}$/.test(request.name)) {
        throw new AppError('invalid_name', `voice name "${request.name}" must be 1-128 letters, digits, '.', ':', '_' or '-'`)
      }
      deps.checkDataset?.(request.training, request.baseModel)
      if (request.validation !== undefined) deps.checkDataset?.(request.validation, request.baseModel)
      const hash = createHash('sha256').update(request.training.content)
      if (request.validation !== undefined) hash.update(request.validation.content)
      const job = await provider.start(request)
      const stored = await jobs.save(job, { datasetHash: hash.digest('hex'), voiceName: request.name ?? null })
      // A named voice shows up in `models list` as training (never served) until its job ends.
      if (request.name !== undefined && (await registry.get(request.name)) === undefined) {
        await registry.upsert({
          id: request.name,
          provider: provider.name,
          model: null,
          baseModel: job.baseModel,
          baseURL: null,
          datasetHash: stored.datasetHash,
          jobId: job.id,
          status: 'training',
          kind: 'fine-tuned',
        })
      }
      return stored
    },
    async get(jobId) {
      const stored = await known(jobId)
      if (isTerminalStatus(stored.status)) return stored
      return record(await provider.get(jobId))
    },
    list: () => jobs.list(),
    async *watch(jobId, options = {}) {
      const stored = await known(jobId)
      const updates = watchJob(provider, jobId, { ...options, afterEventId: stored.lastEventId ?? undefined })
      for (;;) {
        const next = await updates.next()
        if (next.done === true) return record(next.value)
        const update = next.value
        // Persist each event as seen, so a restarted watch shows only what is new.
        if (update.type === 'event') await record(update.job, update.event.id)
        else await record(update.job)
        yield update
      }
    },
    async cancel(jobId) {
      await known(jobId)
      return record(await provider.cancel(jobId))
    },
    async activate(modelId, options) {
      const { id, active } = await runner.activateWithNote(modelId, options)
      return { id, active }
    },
    async activateWithNote(modelId, options) {
      return activateVoice(registry, log, modelId, options)
    },
  }
  return runner
}
