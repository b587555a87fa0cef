import OpenAI, { toFile } from 'openai'
import type { FineTuningJob } from 'openai/resources/fine-tuning/jobs/jobs'
import type { FineTuneEvent, FineTuneFile, FineTuneJob, FineTuneProvider, FineTuneSpec } from '../../src/core/finetune.js'
import type { Logger } from '../../src/logger.js'
import { AppError } from '../../src/errors.js'
import { translateFineTuneError } from './openai-error.js'
import { openAIClient } from '../../src/adapters/openai-client.js'

export interface OpenAIFineTuneOptions {
  readonly apiKey: string | undefined
  readonly baseURL: string | undefined
  readonly timeoutMs: number
  readonly maxRetries: number
  readonly logger: Logger
}

/** The OpenAI fine-tuning API (files + fine_tuning.jobs) behind the provider port. */
export function createOpenAIFineTuneProvider(options: OpenAIFineTuneOptions): FineTuneProvider {
  if (options.apiKey === undefined && options.baseURL === undefined) {
    throw new AppError(
      'finetune_not_configured',
      'fine-tuning needs OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible server); set it and restart',
      { status: 503 },
    )
  }
  const client = openAIClient(options)
  const log = options.logger.child({ provider: 'openai-finetune' })

  const upload = async (file: FineTuneFile, signal?: AbortSignal): Promise<string> => {
    try {
      const uploaded = await client.files.create(
        { file: await toFile(file.content, file.name), purpose: 'fine-tune' },
        signal === undefined ? {} : { signal },
      )
      log.info({ fileId: uploaded.id, name: file.name, bytes: uploaded.bytes }, 'uploaded fine-tuning file')
      return uploaded.id
    } catch (err) {
      throw translateFineTuneError(err, `uploading ${file.name}`)
    }
  }

  return {
    name: 'openai',
    async start(spec: FineTuneSpec, signal?: AbortSignal) {
      const trainingFile = await upload(spec.training, signal)
      const validationFile = spec.validation === undefined ? undefined : await upload(spec.validation, signal)
      try {
        const job = await client.fineTuning.jobs.create(
          {
            model: spec.baseModel,
            training_file: trainingFile,
            ...(validationFile === undefined ? {} : { validation_file: validationFile }),
            ...(spec.suffix === undefined ? {} : { suffix: spec.suffix }),
            ...(spec.seed === undefined ? {} : { seed: spec.seed }),
            method: {
              type: 'supervised',
              supervised: {
                hyperparameters: {
                  n_epochs: spec.epochs ?? 'auto',
                  batch_size: spec.batchSize ?? 'auto',
                  learning_rate_multiplier: spec.learningRateMultiplier ?? 'auto',
                },
              },
            },
          },
          signal === undefined ? {} : { signal },
        )
        log.info({ jobId: job.id, model: spec.baseModel }, 'created fine-tuning job')
        return toJob(job)
      } catch (err) {
        throw translateFineTuneError(err, `creating a fine-tuning job on ${spec.baseModel}`)
      }
    },
    async get(jobId, signal) {
      try {
        return toJob(await client.fineTuning.jobs.retrieve(jobId, signal === undefined ? {} : { signal }))
      } catch (err) {
        throw translateFineTuneError(err, `reading fine-tuning job ${jobId}`)
      }
    },
    async events(jobId, afterEventId, signal) {
      // The API lists newest first; walk back to the last event already seen, then return oldest first.
      const fresh: FineTuneEvent[] = []
      try {
        for await (const e of client.fineTuning.jobs.listEvents(jobId, { limit: 100 }, signal === undefined ? {} : { signal })) {
          if (e.id === afterEventId) break
          fresh.push(toEvent(e))
        }
      } catch (err) {
        throw translateFineTuneError(err, `reading events of fine-tuning job ${jobId}`)
      }
      return fresh.reverse()
    },
    async cancel(jobId, signal) {
      try {
        return toJob(await client.fineTuning.jobs.cancel(jobId, signal === undefined ? {} : { signal }))
      } catch (err) {
        if (err instanceof OpenAI.BadRequestError) {
          throw new AppError(
            'finetune_not_cancellable',
            `cannot cancel ${jobId}: ${(err.error as { message?: string } | undefined)?.message ?? err.message}`,
            { status: 409, cause: err },
          )
        }
        throw translateFineTuneError(err, `cancelling fine-tuning job ${jobId}`)
      }
    },
  }
}

function iso(seconds: number | null | undefined): string | null {
  return typeof seconds === 'number' ? new Date(seconds * 1000).toISOString() : null
}

function toJob(j: FineTuningJob): FineTuneJob {
  return {
    id: j.id,
    provider: 'openai',
    baseModel: j.model,
    status: j.status,
    fineTunedModel: j.fine_tuned_model,
    trainingFileId: j.training_file,
    validationFileId: j.validation_file,
    suffix: (j as FineTuningJob & { user_provided_suffix?: string | null }).user_provided_suffix ?? null,
    error:
      j.error === null || j.error.message === undefined || j.error.message === ''
        ? null
        : { code: j.error.code || 'failed', message: j.error.message },
    trainedTokens: j.trained_tokens,
    createdAt: iso(j.created_at) ?? new Date(0).toISOString(),
    finishedAt: iso(j.finished_at),
  }
}

function toEvent(e: OpenAI.FineTuning.Jobs.FineTuningJobEvent): FineTuneEvent {
  const data = (e.data ?? {}) as { step?: unknown; total_steps?: unknown; train_loss?: unknown }
  return {
    id: e.id,
    createdAt: iso(e.created_at) ?? new Date(0).toISOString(),
    level: e.level,
    message: e.message,
    ...(typeof data.step === 'number' ? { step: data.step } : {}),
    ...(typeof data.total_steps === 'number' ? { totalSteps: data.total_steps } : {}),
    ...(typeof data.train_loss === 'number' ? { trainLoss: data.train_loss } : {}),
  }
}
